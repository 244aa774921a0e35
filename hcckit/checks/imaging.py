"""No-code questions for lesson 07 (imaging lab); answers computed at run time.

- ``caliper_mm``: a caliper length from pixel coordinates and the pixel size, computed by
  :func:`hcckit.imaging.measure.caliper_mm`;
- ``reader_flip``: the mRECIST category of a reader's measurement next to the truth's, both
  classified by the response engine (:func:`hcckit.response.assess`);
- ``lipiodol``: why a deposit bright on every phase is not viable tumour.
"""

from __future__ import annotations

__all__ = ["questions"]

#: The reader-flip exercise: viable longest diameter (mm) at baseline, the truth and the
#: reader's measurement on day 42.
FLIP_CASE = {"baseline_mm": 40.0, "truth_mm": 30.0, "reader_mm": 27.0, "day": 42}
#: The caliper exercise: end points (row, column) in pixels and the pixel size (mm).
CALIPER_CASE = {"p0": (40, 52), "p1": (64, 84), "pixel_mm": 0.8}


def _mrecist_category(baseline_mm: float, follow_up_mm: float, day: int) -> str:
    """mRECIST category of one target lesion's viable diameter (mm) on ``day``, by the engine."""
    import pandas as pd

    from hcckit import response

    rows = [
        {"patient": "exercise", "lesion": "A", "day": 0, "kind": "target", "organ": "liver",
         "ld_mm": 50.0, "viable_ld_mm": baseline_mm},
        {"patient": "exercise", "lesion": "A", "day": day, "kind": "target", "organ": "liver",
         "ld_mm": 50.0, "viable_ld_mm": follow_up_mm},
    ]  # fmt: skip
    out = response.assess(pd.DataFrame(rows), "mRECIST")
    return str(out.loc[out["day"] == day, "response"].iloc[0])


def _caliper():
    from hcckit.checks._questions import Question
    from hcckit.imaging.measure import caliper_mm

    c = CALIPER_CASE
    (r0, c0), (r1, c1) = c["p0"], c["p1"]
    dr, dc, px = abs(r1 - r0), abs(c1 - c0), c["pixel_mm"]
    mm = round(caliper_mm(c["p0"], c["p1"], (px, px)), 1)
    pixels = round(mm / px, 1)
    return Question(
        key="caliper_mm",
        text=(
            f"A caliper runs from pixel (row {r0}, column {c0}) to pixel (row {r1}, column {c1}) of a scan whose "
            f"pixels are {px} mm x {px} mm. How long is it, in mm?"
        ),
        kind="number",
        answer=mm,
        decimals=1,
        hints=(
            f"Count pixels first: {dr} rows down and {dc} columns across.",
            f"Pythagoras on pixels: sqrt({dr}² + {dc}²) = {pixels:g} pixels; then multiply by the pixel size.",
        ),
        traps=(
            (pixels, f"That is the length in pixels: multiply by {px} mm per pixel."),
            (
                round((dr + dc) * px, 1),
                f"Adding rows and columns ({dr + dc} pixels x {px}) measures a staircase, not the straight line.",
            ),
        ),
        explanation=f"sqrt({dr}² + {dc}²) = {pixels:g} pixels, x {px} mm = {mm:.1f} mm.",
    )


def _reader_flip():
    from hcckit.checks._questions import Question

    f = FLIP_CASE
    base, truth_mm, reader_mm, day = f["baseline_mm"], f["truth_mm"], f["reader_mm"], f["day"]
    yours = _mrecist_category(base, reader_mm, day)
    truth = _mrecist_category(base, truth_mm, day)
    pct = lambda mm: 100 * (mm - base) / base  # noqa: E731
    return Question(
        key="reader_flip",
        text=(
            f"One target lesion: viable longest diameter {base:g} mm at baseline. On day {day} the truth is "
            f"{truth_mm:g} mm, and you measure {reader_mm:g} mm. Which mRECIST category does YOUR measurement "
            f"give on day {day}?"
        ),
        kind="choice",
        options=("CR", "PR", "SD", "PD"),
        answer=yours,
        hints=(f"mRECIST PR: the viable sum is at most 70 % of the baseline sum ({0.7 * base:g} mm here).",),
        traps=(
            (
                (
                    truth,
                    f"{truth} is the truth's category ({truth_mm:g}/{base:g}: {pct(truth_mm):+.1f} %); yours is "
                    f"{reader_mm:g}/{base:g}: {pct(reader_mm):+.1f} %.",
                ),
            )
            if truth != yours
            else ()
        ),
        explanation=(
            f"{reader_mm:g}/{base:g}: {pct(reader_mm):+.1f} %: {yours}, where the truth ({pct(truth_mm):+.1f} %) is "
            f"{truth}. A {abs(truth_mm - reader_mm):g} mm reader error moved the category (mRECIST thresholds: "
            "Lencioni & Llovet, Semin Liver Dis 2010)."
        ),
    )


def _lipiodol():
    from hcckit.checks._questions import Question

    return Question(
        key="lipiodol",
        text=(
            "After conventional TACE a region of a treated HCC is bright (about 600 HU) on both the arterial "
            "and the portal-venous phase. For mRECIST, is it viable tumour?"
        ),
        kind="choice",
        options=(
            "Yes: it is bright on the arterial phase",
            "No: it is Lipiodol (bright on every phase, not enhancement)",
            "Only if it washes out",
        ),
        answer="No: it is Lipiodol (bright on every phase, not enhancement)",
        hints=("Enhancement changes between phases; iodised oil does not.",),
        explanation=(
            "Viable tumour enhances in the arterial phase and washes out later; Lipiodol is dense on every phase "
            "(600 HU in this SYNTHETIC case) whether or not contrast arrives, so it is left out of the viable "
            "diameter - and next to it, residual enhancement is hard to see on CT."
        ),
    )


_GROUPS = {
    "caliper_mm": lambda: [_caliper()],
    "reader_flip": lambda: [_reader_flip()],
    "lipiodol": lambda: [_lipiodol()],
}


def questions(which: str | None = None):
    """No-code questions for lesson 07, answers computed at run time.

    ``which`` is ``caliper_mm``, ``reader_flip``, ``lipiodol`` or None (all). Lengths in mm.
    """
    from hcckit.checks._questions import select

    return select(_GROUPS, which)
