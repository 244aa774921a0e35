"""Exercise check for lesson 05 (safety)."""

from __future__ import annotations

import math

from hcckit.checks._runner import Case, run_cases

__all__ = ["number_needed_to_harm"]


def number_needed_to_harm(fn) -> bool:
    """Check a learner's ``number_needed_to_harm(count_a, n_a, count_b, n_b)``.

    Expected: ``ceil(1 / (count_a/n_a - count_b/n_b))`` in exact arithmetic, ``math.inf`` when
    arm A has no more events than arm B. Hypertension 5/60 vs 3/60 in the randomised trial is
    30 exactly: floating point gives 30.000000000000007, which rounds up to 31 - use
    ``fractions.Fraction``.
    """
    cases = [
        Case((4, 60, 0, 60), 15, "proteinuria 4/60 vs 0/60"),
        Case((5, 60, 3, 60), 30, "hypertension 5/60 vs 3/60"),
        Case((6, 60, 5, 60), 60, "bleeding 6/60 vs 5/60"),
        Case((178, 802, 80, 442), 25, "grade >= 3 events 178/802 vs 80/442"),
        Case((1, 3, 0, 5), 3, "1/3 vs 0/5 (exactly 3)"),
        Case((5, 60, 6, 60), math.inf, "nausea/vomiting 5/60 vs 6/60 (fewer events: math.inf)"),
        Case((3, 60, 3, 60), math.inf, "no difference 3/60 vs 3/60 (math.inf)"),
    ]
    return run_cases(fn, cases, name="number_needed_to_harm")
