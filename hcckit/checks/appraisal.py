"""Exercise checks for lesson 6 (critical appraisal).

``grim_possible(fn)``  - is a printed percentage possible for n patients? (the GRIM test)
``p_from_hr_ci(fn)``   - the p-value implied by a hazard ratio and its CI (Altman & Bland)

Each prints one friendly line and returns ``True``/``False``; an exercise that still raises
``NotImplementedError`` is reported as "not done yet".
"""

from __future__ import annotations

from hcckit.checks._runner import Case, run_cases

__all__ = ["grim_possible", "p_from_hr_ci"]

# (percent as printed, n, decimals) -> possible? Exact ties (e.g. 1/8 = 12.5 % printed to 0
# decimals) are avoided: reports round them either way.
_GRIM_CASES = [
    Case((54.5, 31, 1), False, "54.5 % of 31 (DEB-TACE ORR as printed)"),
    Case((64.5, 31, 1), True, "64.5 % of 31 (20/31)"),
    Case((67.4, 31, 1), False, "67.4 % of 31 (DEB-TACE DCR as printed)"),
    Case((7, 45, 0), True, "7 % of 45 (3/45 = 6.7 %, printed without decimals)"),
    Case((47, 45, 0), True, "47 % of 45 (21/45 = 46.7 %)"),
    Case((27.6, 58, 1), True, "27.6 % of 58 (16/58)"),
    Case((29.6, 205, 1), False, "29.6 % of 205 (EMERALD-1 TACE arm)"),
    Case((43.6, 204, 1), True, "43.6 % of 204 (89/204)"),
    Case((19.3, 31, 1), False, "19.3 % of 31 (6/31 = 19.35 % rounds to 19.4)"),
    Case((0, 20, 0), True, "0 % of 20"),
    Case((100.0, 20, 1), True, "100.0 % of 20"),
]


def grim_possible(fn) -> bool:
    """Check the learner's ``grim_possible(percent, n, decimals) -> bool``.

    ``percent`` is the printed percentage (%), ``n`` the number of patients, ``decimals`` the
    number of decimals it is printed with. The answer is ``True`` when some whole number of
    patients k (0 <= k <= n) gives ``100 * k / n`` that rounds to ``percent``.
    """
    return run_cases(fn, _GRIM_CASES, name="grim_possible")


def _p_cases() -> list[Case]:
    from hcckit.appraisal import implied_p_value

    rows = [
        ((0.58, 0.37, 0.91, 0.95), 0.0005, "Yan 2025 PFS HR 0.58 (0.37-0.91), printed P = 0.018"),
        ((0.77, 0.61, 0.98, 0.95), 0.0005, "EMERALD-1 PFS HR 0.77 (0.61-0.98), printed P = 0.032"),
        ((0.41, 0.26, 0.64, 0.95), 0.00002, "CHANCE2211 OS aHR 0.41 (0.26-0.64), printed P = 0.008"),
        ((0.91, 0.69, 1.21, 0.90), 0.005, "STAH OS HR 0.91 with a 90 % CI (0.69-1.21)"),
        ((0.35, 0.21, 0.82, 0.95), 0.0002, "An 2023 HR 0.35 (0.21-0.82), printed P < 0.001"),
        ((1.0, 0.8, 1.25, 0.95), 0.001, "HR 1.00 (0.80-1.25): no difference at all"),
    ]
    return [
        Case(args, implied_p_value(*args[:3], level=args[3]), label, tolerance=tol)
        for args, tol, label in rows
    ]


def p_from_hr_ci(fn) -> bool:
    """Check the learner's ``p_from_hr_ci(hr, low, high, level) -> float`` (two-sided p).

    Altman & Bland (BMJ 2011;343:d2304): ``SE = (ln high - ln low) / (2 z)`` with ``z`` the
    normal quantile of the CI level (1.96 for 95 %, 1.645 for 90 %), ``z = ln(hr) / SE``,
    ``p = 2 * (1 - Phi(|z|))``.
    """
    return run_cases(fn, _p_cases(), name="p_from_hr_ci")
