"""Exercise checks for lesson 05 (safety).

- :func:`number_needed_to_harm`: the learner's NNH function against fixed cases, including the
  floating-point trap (5/60 vs 3/60 is 30 exactly; floats round it up to 31).
- :func:`questions`: the same exercise without code, with answers computed at run time from the
  curated two-arm counts (``data/adverse_events.csv``) by :mod:`hcckit.safety`.
"""

from __future__ import annotations

import math
from fractions import Fraction

from hcckit.checks._questions import select
from hcckit.checks._runner import Case, run_cases

__all__ = ["number_needed_to_harm", "questions"]


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


def _yan_counts(event: str) -> tuple[int, int, int, int]:
    """(count_a, n_a, count_b, n_b) of one event in Yan 2025, experimental arm first (patients)."""
    from hcckit import safety

    rows = safety.two_arm_comparisons("yan2025_tace_bev")
    r = rows[(rows["event"] == event) & (rows["grade"] == "any")].iloc[0]
    return int(r["count_a"]), int(r["n_a"]), int(r["count_b"]), int(r["n_b"])


def questions(which: str | None = None):
    """No-code questions for lesson 05; answers computed at run time by :mod:`hcckit.safety`.

    ``which`` is "number_needed_to_harm" or None (all). Counts are patients; the number needed
    to harm is in patients; risk differences in percentage points.
    """
    from hcckit import formatting as fmt
    from hcckit import safety
    from hcckit.checks._questions import Question

    study = "Yan 2025 (TACE + intra-arterial bevacizumab vs TACE)"
    pa, na, pb, nb = _yan_counts("proteinuria")
    nnh_prot = safety.number_needed_to_harm(pa, na, pb, nb)
    rd_points = 100 * (pa / na - pb / nb)
    ha, hna, hb, hnb = _yan_counts("hypertension")
    nnh_hyp = safety.number_needed_to_harm(ha, hna, hb, hnb)
    float_hyp = math.ceil(1 / (ha / hna - hb / hnb))  # what floating point gives
    hyp_traps = []
    if float_hyp != nnh_hyp:
        hyp_traps.append(
            (
                float_hyp,
                f"Float trap: 1 / ({ha}/{hna} - {hb}/{hnb}) is {1 / (ha / hna - hb / hnb)!r} in floating point, "
                f"so rounding up gives {float_hyp}; the exact difference is {ha - hb}/{hna} = 1/{nnh_hyp}, "
                f"so {nnh_hyp} patients exactly - use fractions.Fraction.",
            )
        )
    hyp_traps.append(
        (
            round(100 * (ha / hna - hb / hnb), 1),
            "That is the risk difference in percentage points; the NNH is 1 / (difference as a proportion).",
        )
    )

    comparisons = safety.two_arm_comparisons("yan2025_tace_bev")
    prot = comparisons[(comparisons["event"] == "proteinuria") & (comparisons["grade"] == "any")].iloc[0]
    low, high = prot["rd_ci_low_pct"] / 100, prot["rd_ci_high_pct"] / 100
    interval = safety.number_needed_interval(low, high)
    harm_end = int(math.ceil(round(1 / high, 9)))
    benefit_end = int(math.ceil(round(1 / abs(low), 9)))
    naive = f"NNH {harm_end} to {benefit_end}"
    to_infinity = f"NNH {nnh_prot} to ∞"
    rd_ci = fmt.ci(prot["rd_ci_low_pct"], prot["rd_ci_high_pct"], decimals=1)
    nnh = [
        Question(
            "nnh_proteinuria",
            f"{study}: proteinuria in {pa} of {na} patients with bevacizumab vs {pb} of {nb} with TACE alone. "
            "Number needed to harm (patients)?",
            "number",
            float(nnh_prot),
            f"Risk difference {pa}/{na} - {pb}/{nb} = {Fraction(pa, na) - Fraction(pb, nb)} "
            f"({fmt.fixed(rd_points, 1)} percentage points); 1 / ({Fraction(pa, na) - Fraction(pb, nb)}) "
            f"= {1 / (Fraction(pa, na) - Fraction(pb, nb))}, rounded up {nnh_prot}: one extra patient with "
            f"proteinuria for every {nnh_prot} treated with bevacizumab instead of TACE alone.",
            decimals=0,
            hints=("NNH = 1 / risk difference, with the difference as a proportion (not in %).",),
            traps=(
                (
                    round(rd_points, 1),
                    "That is the risk difference in percentage points; the NNH is 1 / (difference as a proportion).",
                ),
            ),
        ),
        Question(
            "nnh_hypertension",
            f"{study}: hypertension in {ha} of {hna} vs {hb} of {hnb} patients. Number needed to harm (patients), "
            "rounded up?",
            "number",
            float(nnh_hyp),
            f"The difference is exactly {ha}/{hna} - {hb}/{hnb} = {ha - hb}/{hna} = 1/{nnh_hyp}: "
            f"{nnh_hyp} patients, nothing to round up.",
            decimals=0,
            hints=("Subtract the fractions exactly before dividing.", f"{ha}/{hna} - {hb}/{hnb} = ?/{hna}"),
            traps=tuple(hyp_traps),
        ),
        Question(
            "nnh_interval_proteinuria",
            f"Proteinuria again: the {fmt.number(100 * prot['level'])} % CI of the risk difference runs from "
            f"{rd_ci} percentage points. Which is the CI of the number needed to harm?",
            "choice",
            interval,
            f"The limits are the reciprocals of the risk difference's limits, rounded up: 1/{fmt.fixed(high, 5)} "
            f"-> {harm_end} (harm) and 1/{fmt.fixed(abs(low), 5)} -> {benefit_end} (benefit). The interval of the "
            "risk difference includes 0, so the NNH interval runs through infinity, from harm to benefit "
            "(Altman, BMJ 1998;317:1309-12): the data fit anything from one extra case per "
            f"{harm_end} patients treated to one case fewer per {benefit_end}.",
            options=tuple(sorted({interval, naive, to_infinity})),  # not the answer first
            hints=(
                "Take 1 / each limit of the risk difference (as a proportion).",
                "What does a limit below 0 mean?",
            ),
            traps=(
                (
                    naive,
                    "The lower limit of the risk difference is below 0 (fewer events with bevacizumab): its "
                    "reciprocal is a number needed to treat for benefit, and between the two limits the interval "
                    "passes through 0, i.e. an NNH of infinity.",
                ),
                (
                    to_infinity,
                    "The point estimate is not a limit: the CI's limits come from the risk difference's limits.",
                ),
            ),
        ),
    ]
    return select({"number_needed_to_harm": lambda: nnh}, which)
