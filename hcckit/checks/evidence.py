"""Auto-check for the evidence-explorer lesson (notebooks/04_evidence_explorer.ipynb)."""

from __future__ import annotations

import math

from hcckit.checks._runner import Case, run_cases

__all__ = ["log_hr_se"]

# 95 % and 90 % two-sided normal quantiles, written out so the check does not depend on scipy
_Z = {0.95: 1.959963984540054, 0.90: 1.6448536269514722, 0.99: 2.5758293035489004}


def _se(low: float, high: float, level: float) -> float:
    return (math.log(high) - math.log(low)) / (2 * _Z[level])


_CASES = [
    (0.37, 0.91, 0.95, "Yan 2025 PFS: HR 0.58, 95 % CI 0.37-0.91"),
    (0.69, 1.21, 0.90, "STAH OS: HR 0.91, 90 % CI 0.69-1.21 (a 90 % CI needs z = 1.645, not 1.96)"),
    (0.59, 0.91, 0.90, "STAH PFS: HR 0.73, 90 % CI 0.59-0.91 (again 90 %)"),
    (0.33, 0.61, 0.95, "LAUNCH OS: HR 0.45, 95 % CI 0.33-0.61"),
    (0.50, 2.00, 0.99, "a 99 % CI 0.50-2.00 (z = 2.576)"),
]


def log_hr_se(fn) -> bool:
    """Check ``fn(ci_low, ci_high, level)`` -> standard error of log(HR) from a CI at its own level.

    Cases use curated CIs (Yan 2025, STAH's 90 % CIs, LAUNCH) and a 99 % CI, to within 0.0005.
    Prints one line and returns ``True``/``False``; an unsolved stub is "not done yet".
    """
    cases = [
        Case((lo, hi, lvl), _se(lo, hi, lvl), label=label, tolerance=5e-4) for lo, hi, lvl, label in _CASES
    ]
    return run_cases(fn, cases, name="log_hr_se")
