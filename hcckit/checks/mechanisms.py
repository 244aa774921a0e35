"""Exercise check for lesson 01 (how arterial therapies work)."""

from __future__ import annotations

from hcckit.checks._questions import select
from hcckit.checks._runner import Case, run_cases

__all__ = ["relative_reduction", "questions"]


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


def _printed(x: float, decimals: int) -> float:
    """``x`` rounded half-up to ``decimals`` decimals, as a paper prints it (a float)."""
    from hcckit import formatting

    return float(formatting.fixed(x, decimals))


def questions(which: str | None = None):
    """No-code questions for lesson 01; numbers from the curated Yan 2025 Table 2 at run time.

    ``which`` is "relative_reduction" or None (all). Every answer is a relative reduction in %
    (one decimal, as the trial's Discussion prints 38.2 % and 38.1 %), computed by
    :func:`hcckit.mechanisms.relative_reduction` from the curated post-treatment means.
    """
    from hcckit import mechanisms
    from hcckit.checks._questions import Question

    table = mechanisms.perfusion_table()
    means = {
        (row.item, row.arm_id): (float(row.mean), str(row.unit).replace("^-1", "⁻¹"), str(row.label))
        for row in table.itertuples(index=False)
    }
    arms = dict(zip(table["arm_id"], table["arm"], strict=False))
    printed = {  # the reductions the Discussion prints (curated), in %
        row.item: -float(row.change_pct)
        for row in mechanisms.biomarker_change_table().itertuples(index=False)
    }
    control, treated = "tace", "tace_bev"

    def _pair(item):
        c, unit, name = means[(item, control)]
        t = means[(item, treated)][0]
        return c, t, unit, name

    out = []
    k_c, k_t, k_unit, k_name = _pair("Ktrans")
    k_ans = mechanisms.relative_reduction(k_c, k_t)
    out.append(
        Question(
            "rr_ktrans",
            f"Yan 2025, Table 2, after treatment: {k_name} {k_c:g} {k_unit} with {arms[control]}, "
            f"{k_t:g} {k_unit} with {arms[treated]}. By how much % is it lower with the combination "
            "(one decimal)?",
            "number",
            k_ans,
            f"100 x ({k_c:g} - {k_t:g}) / {k_c:g} = {_printed(k_ans, 1):.1f} %: the reference (the "
            f"denominator) is the control arm, {arms[control]}. The Discussion prints "
            f"{printed['Ktrans']:g} %.",
            decimals=1,
            hints=(
                "A relative reduction is the difference divided by the reference value.",
                f"The reference is the control arm ({arms[control]}): 100 x (control - treated) / control.",
            ),
            traps=(
                (
                    _printed(100 * (k_c - k_t) / k_t, 1),
                    f"You divided by the combination arm ({k_t:g}). A reduction is relative to the "
                    f"reference, the control arm ({k_c:g}).",
                ),
                (
                    _printed(100 * k_t / k_c, 1),
                    f"That is what remains ({k_t:g} / {k_c:g}), not the reduction: subtract it from 100 %.",
                ),
            ),
        )
    )
    b_c, b_t, b_unit, b_name = _pair("blood_flow")
    b_ans = mechanisms.relative_reduction(b_c, b_t)
    out.append(
        Question(
            "rr_blood_flow",
            f"Same table: {b_name} {b_c:g} {b_unit} with {arms[control]}, {b_t:g} {b_unit} with "
            f"{arms[treated]}. Relative reduction (%, one decimal)?",
            "number",
            b_ans,
            f"100 x ({b_c:g} - {b_t:g}) / {b_c:g} = {_printed(b_ans, 1):.1f} %; the Discussion prints "
            f"{printed['blood_flow']:g} %.",
            decimals=1,
            hints=("Same formula as for Ktrans: 100 x (control - treated) / control.",),
            traps=(
                (
                    _printed(100 * (b_c - b_t) / b_t, 1),
                    f"You divided by the combination arm ({b_t:g}); divide by the control arm ({b_c:g}).",
                ),
                (
                    _printed(b_c - b_t, 1),
                    f"That is the absolute difference in {b_unit}, not a percentage of the control value.",
                ),
            ),
        )
    )
    p_c, p_t, p_unit, p_name = _pair("plasma_volume")
    p_ans = mechanisms.relative_reduction(p_c, p_t)
    out.append(
        Question(
            "rr_plasma_volume",
            f"{p_name} is itself a percentage: {p_c:g} {p_unit} with {arms[control]}, {p_t:g} {p_unit} with "
            f"{arms[treated]}. By how much % (relative) is it lower (one decimal)?",
            "number",
            p_ans,
            f"100 x ({p_c:g} - {p_t:g}) / {p_c:g} = {_printed(p_ans, 1):.1f} %. The difference "
            f"{p_c:g} - {p_t:g} = {_printed(p_c - p_t, 2):g} is in percentage points, a different number.",
            decimals=1,
            hints=("A relative reduction is a percentage of the control value, even when the value is a %.",),
            traps=(
                (
                    _printed(p_c - p_t, 1),
                    "That is the difference in percentage points. The question asks for the relative "
                    "reduction: divide by the control value.",
                ),
                (
                    _printed(100 * (p_c - p_t) / p_t, 1),
                    f"You divided by the combination arm ({p_t:g}); divide by the control arm ({p_c:g}).",
                ),
            ),
        )
    )
    return select({"relative_reduction": lambda: out}, which)
