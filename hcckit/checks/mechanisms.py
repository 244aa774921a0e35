"""Exercise check for lesson 01 (how arterial therapies work)."""

from __future__ import annotations

from hcckit.checks._runner import Case, run_cases

__all__ = ["relative_reduction"]


def relative_reduction(fn) -> bool:
    """Check a learner's ``relative_reduction(control, treated)`` (percent reduction vs control).

    Cases come from the randomised trial's Table 2 (Ktrans 0.34 vs 0.21 min^-1 -> 38.2 %;
    blood flow 167.45 vs 103.67 mL/100 g/min -> 38.1 %), plus no change and an increase.
    """
    cases = [
        Case((0.34, 0.21), 38.235, "Ktrans 0.34 vs 0.21 (min^-1)", tolerance=0.01),
        Case((167.45, 103.67), 38.089, "blood flow 167.45 vs 103.67 (mL/100 g/min)", tolerance=0.01),
        Case((21.55, 14.27), 33.782, "plasma volume 21.55 vs 14.27 (%)", tolerance=0.01),
        Case((3.4, 3.4), 0.0, "no change: 3.4 vs 3.4", tolerance=1e-9),
        Case((2.0, 3.0), -50.0, "an increase: 2.0 vs 3.0 (should be negative)", tolerance=1e-9),
    ]
    return run_cases(fn, cases, name="relative_reduction")
