"""Exercise check for lesson 01 (how arterial therapies work)."""

from __future__ import annotations

from typing import NamedTuple

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


class _Means(NamedTuple):
    """One Table 2 item after treatment: the control and the treated arm's means, its unit and name."""

    control: float
    treated: float
    unit: str
    name: str

    @property
    def reduction(self) -> float:
        """The relative reduction vs control, in % (the question's answer)."""
        from hcckit import mechanisms

        return mechanisms.relative_reduction(self.control, self.treated)

    def divided_by_treated(self, feedback: str | None = None) -> tuple[float, str]:
        """The trap of dividing by the combination arm instead of the control arm."""
        c, t = self.control, self.treated
        return (
            _printed(100 * (c - t) / t, 1),
            feedback or f"You divided by the combination arm ({t:g}); divide by the control arm ({c:g}).",
        )


def _question(key: str, text: str, means: _Means, explanation: str, *, hints: tuple, traps: tuple):
    """A relative-reduction question (a number in %, one decimal) about ``means``."""
    from hcckit.checks._questions import Question

    return Question(key, text, "number", means.reduction, explanation, decimals=1, hints=hints, traps=traps)


def questions(which: str | None = None):
    """No-code questions for lesson 01; numbers from the curated Yan 2025 Table 2 at run time.

    ``which`` is "relative_reduction" or None (all). Every answer is a relative reduction in %
    (one decimal, as the trial's Discussion prints 38.2 % and 38.1 %), computed by
    :func:`hcckit.mechanisms.relative_reduction` from the curated post-treatment means.
    """
    from hcckit import mechanisms

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
    a_c, a_t = arms[control], arms[treated]

    def item(name) -> _Means:
        c, unit, label = means[(name, control)]
        return _Means(c, means[(name, treated)][0], unit, label)

    k = item("Ktrans")
    b = item("blood_flow")
    p = item("plasma_volume")
    out = [
        _question(
            "rr_ktrans",
            f"Yan 2025, Table 2, after treatment: {k.name} {k.control:g} {k.unit} with {a_c}, "
            f"{k.treated:g} {k.unit} with {a_t}. By how much % is it lower with the combination "
            "(one decimal)?",
            k,
            f"100 x ({k.control:g} - {k.treated:g}) / {k.control:g} = {_printed(k.reduction, 1):.1f} %: the "
            f"reference (the denominator) is the control arm, {a_c}. The Discussion prints "
            f"{printed['Ktrans']:g} %.",
            hints=(
                "A relative reduction is the difference divided by the reference value.",
                f"The reference is the control arm ({a_c}): 100 x (control - treated) / control.",
            ),
            traps=(
                k.divided_by_treated(
                    f"You divided by the combination arm ({k.treated:g}). A reduction is relative to the "
                    f"reference, the control arm ({k.control:g})."
                ),
                (
                    _printed(100 * k.treated / k.control, 1),
                    f"That is what remains ({k.treated:g} / {k.control:g}), not the reduction: subtract it "
                    "from 100 %.",
                ),
            ),
        ),
        _question(
            "rr_blood_flow",
            f"Same table: {b.name} {b.control:g} {b.unit} with {a_c}, {b.treated:g} {b.unit} with "
            f"{a_t}. Relative reduction (%, one decimal)?",
            b,
            f"100 x ({b.control:g} - {b.treated:g}) / {b.control:g} = {_printed(b.reduction, 1):.1f} %; the "
            f"Discussion prints {printed['blood_flow']:g} %.",
            hints=("Same formula as for Ktrans: 100 x (control - treated) / control.",),
            traps=(
                b.divided_by_treated(),
                (
                    _printed(b.control - b.treated, 1),
                    f"That is the absolute difference in {b.unit}, not a percentage of the control value.",
                ),
            ),
        ),
        _question(
            "rr_plasma_volume",
            f"{p.name} is itself a percentage: {p.control:g} {p.unit} with {a_c}, {p.treated:g} {p.unit} "
            f"with {a_t}. By how much % (relative) is it lower (one decimal)?",
            p,
            f"100 x ({p.control:g} - {p.treated:g}) / {p.control:g} = {_printed(p.reduction, 1):.1f} %. The "
            f"difference {p.control:g} - {p.treated:g} = {_printed(p.control - p.treated, 2):g} is in "
            "percentage points, a different number.",
            hints=("A relative reduction is a percentage of the control value, even when the value is a %.",),
            traps=(
                (
                    _printed(p.control - p.treated, 1),
                    "That is the difference in percentage points. The question asks for the relative "
                    "reduction: divide by the control value.",
                ),
                p.divided_by_treated(),
            ),
        ),
    ]
    return select({"relative_reduction": lambda: out}, which)
