"""Checks for lesson 03 (survival comparisons): each runs fixed cases and prints one line."""

from __future__ import annotations

from hcckit.checks._runner import Case, run_cases

__all__ = ["hr_from_medians", "rmst_from_steps"]


def hr_from_medians(fn) -> bool:
    """Check ``fn(control_median, experimental_median) -> hazard ratio`` under exponential survival.

    Under exponential survival the hazard is log(2) / median, so HR = control median /
    experimental median (months cancel). Answers within 0.005 are accepted.
    """
    cases = [
        Case((5.5, 8.4), 5.5 / 8.4, "medians 5.5 vs 8.4 months (Yan 2025 PFS)", tolerance=0.005),
        Case((10.0, 10.0), 1.0, "equal medians", tolerance=0.005),
        Case((11.5, 17.8), 11.5 / 17.8, "medians 11.5 vs 17.8 months (LAUNCH OS)", tolerance=0.005),
        Case((8.2, 15.0), 8.2 / 15.0, "medians 8.2 vs 15.0 months (EMERALD-1 PFS)", tolerance=0.005),
        Case((12.0, 6.0), 2.0, "a shorter experimental median (harm)", tolerance=0.005),
    ]
    return run_cases(fn, cases, name="hr_from_medians")


def rmst_from_steps(fn) -> bool:
    """Check ``fn(times, survival, tau) -> RMST`` (months): the area under a KM step curve up to tau.

    ``times[i]`` (months, starting at 0) is where the curve steps to ``survival[i]`` (0-1); the
    curve stays there until the next time. Answers within 0.01 month are accepted.
    """
    times = [0.0, 2.0, 5.0, 9.0]
    surv = [1.0, 0.8, 0.5, 0.25]
    cases = [
        Case((times, surv, 1.0), 1.0, "tau = 1 month, before the first drop", tolerance=0.01),
        Case((times, surv, 2.0), 2.0, "tau exactly at the first drop", tolerance=0.01),
        Case((times, surv, 4.0), 3.6, "tau = 4 months (2 x 1.0 + 2 x 0.8)", tolerance=0.01),
        Case((times, surv, 6.0), 4.9, "tau = 6 months (2 + 3 x 0.8 + 1 x 0.5)", tolerance=0.01),
        Case((times, surv, 12.0), 7.15, "tau = 12 months, after the last drop", tolerance=0.01),
        Case(([0.0], [1.0], 24.0), 24.0, "no events: RMST = tau", tolerance=0.01),
    ]
    return run_cases(fn, cases, name="rmst_from_steps")
