"""Checks for lesson 02 (response criteria).

- :func:`target_category`: the learner's RECIST 1.1 target-lesion rule, on integer sums in
  tenths of a mm, against fixed cases including the exact -30 % / +20 % / +5 mm boundaries.
- :func:`classification_quiz`: the learner classifies one visit of :func:`quiz_measurements`
  under the four criteria; feedback quotes the rule the engine applied.
"""

from __future__ import annotations

from hcckit.checks._questions import select
from hcckit.checks._runner import Case, run_cases

__all__ = ["target_category", "quiz_measurements", "classification_quiz", "QUIZ_DAY", "questions"]

QUIZ_DAY = 56

# (sum, baseline, nadir) in tenths of a mm -> expected category, with a label the learner reads
_TARGET_CASES = [
    Case((196, 280, 280), "PR", "28.0 -> 19.6 mm: exactly -30 % is PR"),
    Case((197, 280, 280), "SD", "28.0 -> 19.7 mm: -29.6 % is not PR"),
    Case((450, 500, 500), "SD", "50 -> 45 mm: -10 %"),
    Case((300, 400, 250), "PD", "nadir 25 -> 30 mm: exactly +20 % and +5 mm is PD"),
    Case((299, 400, 250), "SD", "nadir 25 -> 29.9 mm: +19.6 %"),
    Case((160, 180, 120), "SD", "nadir 12 -> 16 mm: +33 % but only +4 mm (5 mm clause)"),
    Case((250, 300, 200), "PD", "nadir 20 -> 25 mm: +25 % and exactly +5 mm"),
    Case((249, 300, 200), "SD", "nadir 20 -> 24.9 mm: +4.9 mm is not enough"),
    Case((370, 500, 300), "PD", "baseline 50, nadir 30 -> 37 mm: PD from the nadir although below baseline"),
    Case((340, 500, 300), "PR", "baseline 50, nadir 30 -> 34 mm: still <= 70 % of baseline, not PD"),
    Case((50, 500, 0), "PD", "after every lesion vanished (nadir 0), a 5 mm lesion reappears"),
    Case(
        (40, 500, 0), "PD", "nadir 0 -> 4 mm: after every lesion vanished (nadir 0), any reappearance is PD"
    ),
    Case(
        (119, 170, 170),
        "PR",
        "17.0 -> 11.9 mm: exactly -30 % (a float 0.7 * 170 = 118.99999999999999 says SD)",
    ),
    Case((349, 500, 500), "PR", "50.0 -> 34.9 mm: -30.2 % is PR"),
]


def target_category(fn) -> bool:
    """Check the learner's ``target_category(sum_tenth_mm, baseline_tenth_mm, nadir_tenth_mm)``.

    Prints one line (a tick, or the first failing case with the expected answer) and returns
    ``True``/``False``; an unsolved stub (``NotImplementedError``) is "not done yet".
    """
    return run_cases(fn, _TARGET_CASES, name="target_category")


def quiz_measurements():
    """SYNTHETIC quiz patient: two enhancing liver lesions after TACE and a small new nodule.

    Baseline (day 0): L1 40 mm (viable 40; 40 x 30), L2 20 mm (viable 20; 20 x 16).
    Day 56: L1 38 mm (viable 10; 38 x 30, viable 10 x 8), L2 21 mm (viable 21; 21 x 16),
    and a new 8 mm liver nodule the radiologist calls *equivocal*.
    """
    import pandas as pd

    rows = [
        ("L1", 0, "target", 40, 40, 30, 30, None),
        ("L2", 0, "target", 20, 20, 16, 16, None),
        ("L1", QUIZ_DAY, "target", 38, 10, 30, 8, None),
        ("L2", QUIZ_DAY, "target", 21, 21, 16, 16, None),
        ("N1", QUIZ_DAY, "new", 8, 8, 7, 7, "equivocal"),
    ]
    df = pd.DataFrame(
        rows,
        columns=["lesion", "day", "kind", "ld_mm", "viable_ld_mm", "perp_mm", "viable_perp_mm", "status"],
    )
    df.insert(0, "patient", "Quiz patient (synthetic)")
    df.insert(4, "organ", "liver")
    df["synthetic"] = True
    return df


_WORDS = {
    "COMPLETE RESPONSE": "CR",
    "PARTIAL RESPONSE": "PR",
    "STABLE DISEASE": "SD",
    "PROGRESSIVE DISEASE": "PD",
    "PROGRESSION": "PD",
    "NOT EVALUABLE": "NE",
}


def classification_quiz(answers) -> bool:
    """Check the learner's verdicts for day 56 of :func:`quiz_measurements`.

    ``answers`` maps each criterion to a response, e.g.
    ``{"RECIST 1.1": "SD", "mRECIST": ..., "WHO": ..., "EASL": ...}``. Prints one line: a tick,
    or the first wrong verdict with the rule the engine applied; returns ``True``/``False``.
    A dict still holding ``...`` is "not done yet".
    """
    from hcckit import response as rs

    if (
        answers is ...
        or not isinstance(answers, dict)
        or any(v is ... or v is None for v in answers.values())
    ):
        print("classification_quiz: not done yet - fill in a response for each criterion.")
        return False
    try:
        given = {rs.criterion_name(k): v for k, v in answers.items()}
    except ValueError as exc:
        print(f"✗ classification_quiz: {exc}")
        return False
    missing = [c for c in rs.CRITERIA if c not in given]
    if missing:
        print(f"✗ classification_quiz: give a verdict for {', '.join(missing)} too.")
        return False
    tp = rs.assess_all(quiz_measurements())
    visit = tp[tp["day"] == QUIZ_DAY].set_index("criterion")
    for crit in rs.CRITERIA:
        raw = str(given[crit]).strip().upper()
        mine = _WORDS.get(raw, raw)
        truth = str(visit.loc[crit, "response"])
        if mine not in rs.RESPONSES:
            print(f"✗ classification_quiz: {crit}: '{given[crit]}' is not one of CR, PR, SD, PD, NE.")
            return False
        if mine != truth:
            print(
                f"✗ classification_quiz: {crit}: you said {mine}, the engine says {truth} - {visit.loc[crit, 'reason']}"
            )
            return False
    print(f"✓ classification_quiz: all {len(rs.CRITERIA)} verdicts correct.")
    return True


def questions(which: str | None = None):
    """No-code questions for lesson 02; answers computed by :mod:`hcckit.response` at run time.

    ``which`` is "target_category", "classification_quiz" or None (all).
    """
    from hcckit import response as rs
    from hcckit.checks._questions import Question

    cat = rs.target_category(196, 280, 280)
    # largest sum (tenths of a mm) still PR for a 17.0 mm baseline, found with the engine
    largest = max(s for s in range(0, 171) if rs.target_category(s, 170, 170) == "PR")
    reapp = rs.target_category(40, 500, 0)
    target = [
        Question(
            "target_28_196",
            "Baseline sum 28.0 mm, now 19.6 mm (nadir = baseline). RECIST 1.1 target category?",
            "choice",
            cat,
            "19.6 / 28.0 = 0.70 exactly: a fall of 30 %, and 'at least 30 %' is PR.",
            options=("PR", "SD", "PD"),
            hints=("Compute the percentage change from baseline.", "PR needs a fall of at least 30 %."),
            traps=(("SD", "A fall of exactly 30 % is PR: the rule is 'at least 30 %', not 'more than'."),),
        ),
        Question(
            "target_largest_pr_17",
            "Baseline sum 17.0 mm. What is the largest sum (mm, one decimal) that is still PR?",
            "number",
            largest / 10,
            f"70 % of 17.0 mm is {largest / 10:.1f} mm exactly (10 x sum <= 7 x baseline in tenths).",
            decimals=1,
            hints=("PR: sum <= 70 % of baseline.", "Work in tenths of a mm: 7 x 170 / 10."),
            traps=(
                (
                    (largest - 1) / 10,
                    "Float trap: 0.7 * 170 is 118.99999999999999 in floating point, so flooring gives 118; "
                    "70 % of 170 tenths is exactly 119 - use integers.",
                ),
            ),
        ),
        Question(
            "target_reappear",
            "Every target lesion had vanished (nadir 0 mm, baseline 50 mm); now a 4 mm lesion is back. Category?",
            "choice",
            reapp,
            "After every lesion vanished (nadir 0), any reappearance is PD whatever its size "
            "(RECIST 1.1 Table 3 footnote; EORTC RECIST FAQ).",
            options=("PR", "SD", "PD"),
            hints=("Which rule applies after a complete response?",),
            traps=(("PR", "4 / 50 is far under 70 %, but after a nadir of 0 any reappearance is PD."),),
        ),
    ]
    tp = rs.assess_all(quiz_measurements())
    visit = tp[tp["day"] == QUIZ_DAY].set_index("criterion")
    quiz = [
        Question(
            f"quiz_{crit}",
            f"Quiz patient, day {QUIZ_DAY}: response under {crit}?",
            "choice",
            str(visit.loc[crit, "response"]),
            str(visit.loc[crit, "reason"]),
            options=tuple(rs.RESPONSES),
            hints=("Compare the sum at day 56 with baseline using this criterion's measure.",),
        )
        for crit in rs.CRITERIA
    ]
    return select({"target_category": lambda: target, "classification_quiz": lambda: quiz}, which)
