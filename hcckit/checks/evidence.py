"""Checks and no-code questions for the evidence-explorer lesson (notebooks/04_evidence_explorer.ipynb).

- :func:`log_hr_se`: the learner's SE of log(HR) from a CI at its own level, on curated CIs.
- :func:`questions`: the same exercise, and the pooling "Try this", as answer widgets; every
  answer is computed at run time by :mod:`hcckit.evidence` from the curated hazard ratios.
"""

from __future__ import annotations

import functools
import math

from hcckit.checks._questions import select
from hcckit.checks._runner import Case, run_cases

__all__ = ["log_hr_se", "questions", "REASONS"]

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


#: Reasons a pooled HR may not be quoted, as the options of the pooling questions, each with the
#: words :func:`hcckit.evidence.check_comparability` / :func:`hcckit.evidence.pool_hazard_ratios`
#: use when they find it (answers are read from their ``problems``, never typed in).
REASONS = (
    ("Endpoint defined differently", "Mixes definitions of"),
    ("A study counted twice", " is counted "),
    ("Stages / populations differ", "Mixes populations/stages"),
    ("Randomised and observational designs mixed", "Mixes study designs"),
    ("Adjusted and unadjusted HRs mixed", "Mixes adjusted and unadjusted HRs"),
    ("Comparators differ", "Mixes comparators"),
    ("Only 2 studies, DL with a normal CI", "Only 2 studies pooled"),
)


def _reasons_found(problems) -> frozenset:
    return frozenset(option for option, marker in REASONS if any(marker in p for p in problems))


def _forest_row(forest, study: str, endpoint: str):
    rows = forest[(forest["study_short"] == study) & (forest["endpoint"] == endpoint)]
    if len(rows) != 1:
        raise ValueError(f"questions: expected one curated {endpoint} HR for {study}, found {len(rows)}")
    return rows.iloc[0]


def _source(row) -> str:
    """Where a curated HR comes from: the trial's source and the place in it (from the data)."""
    from hcckit import data

    trials = data.load("trials").set_index("trial_id")
    source = str(trials.loc[row["trial_id"], "source"]) if row["trial_id"] in trials.index else ""
    where = str(row.get("source_location") or "")
    return "; ".join(part for part in (source, where) if part and part != "nan")


def _f(x: float, decimals: int) -> str:
    from hcckit import formatting as fmt

    return fmt.fixed(x, decimals)


def _se_questions(forest):
    from hcckit import evidence as ev
    from hcckit.checks._questions import Question

    yan = _forest_row(forest, "Yan 2025", "PFS")
    lo, hi, lvl = float(yan["printed_ci_low"]), float(yan["printed_ci_high"]), float(yan["printed_level"])
    se_yan = ev.se_from_ci(lo, hi, level=lvl)
    log10_trap = (math.log10(hi) - math.log10(lo)) / (2 * _Z[0.95])
    ci_yan = f"HR {yan['hr']:g}, {lvl * 100:g} % CI {lo:g} to {hi:g}"

    stah = _forest_row(forest, "STAH", "OS")
    s_lo, s_hi, s_lvl = (float(stah[c]) for c in ("printed_ci_low", "printed_ci_high", "printed_level"))
    se_stah = ev.se_from_ci(s_lo, s_hi, level=s_lvl)
    se_stah_196 = ev.se_from_ci(s_lo, s_hi, level=0.95)  # the trap: z = 1.96 for a 90 % CI
    ci_stah = f"HR {stah['hr']:g}, {s_lvl * 100:g} % CI {s_lo:g} to {s_hi:g}"

    pfs = _forest_row(forest, "STAH", "PFS")
    p_lo, p_hi, p_lvl = (float(pfs[c]) for c in ("printed_ci_low", "printed_ci_high", "printed_level"))
    se_pfs = ev.se_from_ci(p_lo, p_hi, level=p_lvl)
    low95, high95 = ev.ci_at_level(float(pfs["hr"]), se_pfs, level=0.95)
    ci_pfs = f"HR {pfs['hr']:g}, {p_lvl * 100:g} % CI {p_lo:g} to {p_hi:g}"

    shrink = 100 * (1 - se_stah_196 / se_stah)
    verdict = "too small: the study looks more precise than it is" if se_stah_196 < se_stah else "too large"
    return [
        Question(
            "se_yan_pfs",
            f"Yan 2025, PFS: {ci_yan} (source: {_source(yan)}). SE of ln(HR), 3 decimals?",
            "number",
            se_yan,
            f"SE = (ln {hi:g} - ln {lo:g}) / (2 x 1.960) = {_f(se_yan, 3)}.",
            decimals=3,
            hints=(
                "Take natural logs of both bounds.",
                "A 95 % CI is 2 x 1.960 standard errors wide on the log scale.",
            ),
            traps=((float(_f(log10_trap, 3)), "That uses log10: the SE is on the natural-log scale (ln)."),),
        ),
        Question(
            "se_stah_os_90",
            f"STAH, OS: {ci_stah} (source: {_source(stah)}). SE of ln(HR), 3 decimals?",
            "number",
            se_stah,
            f"A 90 % CI spans 2 x 1.645 SE: SE = (ln {s_hi:g} - ln {s_lo:g}) / (2 x 1.645) = {_f(se_stah, 3)}.",
            decimals=3,
            hints=("Which z belongs to a 90 % interval?", "z = 1.645 for 90 %, 1.960 for 95 %."),
            traps=(
                (
                    float(_f(se_stah_196, 3)),
                    "That uses z = 1.96, the 95 % quantile; STAH prints a 90 % CI, so z = 1.645.",
                ),
            ),
        ),
        Question(
            "stah_pfs_upper_95",
            f"STAH, PFS: {ci_pfs} (source: {_source(pfs)}). Re-expressed as a 95 % CI, what is its upper "
            "bound (2 decimals)?",
            "number",
            high95,
            f"SE = (ln {p_hi:g} - ln {p_lo:g}) / (2 x 1.645) = {_f(se_pfs, 3)}; the 95 % CI is "
            f"exp(ln {pfs['hr']:g} ± 1.960 x SE) = {_f(low95, 2)} to {_f(high95, 2)}. The HR and its SE "
            "do not change, only the level.",
            decimals=2,
            hints=("First the SE at the printed (90 %) level.", "Then exp(ln HR + 1.960 x SE)."),
            traps=((p_hi, "That is the printed 90 % bound: a 95 % interval is wider."),),
        ),
        Question(
            "z196_for_90",
            "If you used z = 1.96 for STAH's 90 % CI, the SE of ln(HR) would come out ...",
            "choice",
            verdict,
            f"{_f(shrink, 0)} % too small (1.645 / 1.960): STAH would look more precise than it is and "
            "get too much weight in a pooled estimate.",
            options=("too small: the study looks more precise than it is", "too large", "unchanged"),
            hints=("The same width divided by a larger z ...",),
        ),
    ]


def _pool_questions(table):
    from hcckit import evidence as ev
    from hcckit.checks._questions import Question

    options = tuple(option for option, _ in REASONS)
    opening = ev.forest_table(ev.filter_comparisons(table, **ev.DEFAULT_POOL))
    pooled = ev.pool_hazard_ratios(opening)
    first = _reasons_found(pooled.problems)
    drop = {"Yan 2025: TACE + IA bevacizumab vs TACE", "EMERALD-1: D + TACE vs TACE"}
    pair = opening[~opening["label"].isin(drop)]
    pooled_pair = ev.pool_hazard_ratios(pair)
    second = _reasons_found(pooled_pair.problems)
    os_rows = ev.forest_table(
        ev.filter_comparisons(table, endpoint="OS", question=ev.DEFAULT_POOL["question"])
    )
    os_rows = os_rows[os_rows["study_short"].isin(["CHANCE001", "CHANCE2211", "Yuan L 2023"])]
    pooled_os = ev.pool_hazard_ratios(os_rows)
    third = _reasons_found(pooled_os.problems)
    observational = (
        " All three are observational, so pooling does not remove confounding."
        if set(os_rows["design"]) <= {"cohort", "indirect_comparison"}
        else ""
    )
    quote = "No" if not pooled_pair.quotable else "Yes"
    sources = [str(x) for x in opening.get("definition_source", []) if isinstance(x, str) and x.strip()]
    defined = f" Endpoint definitions from: {'; '.join(dict.fromkeys(sources))}." if sources else ""
    pi = pooled.prediction_interval
    pi_text = (
        f" With the four comparisons of the opening subgroup (not comparable either) the prediction interval "
        f"runs from {_f(pi[0], 2)} to {_f(pi[1], 2)}."
        if pi
        else ""
    )
    return [
        Question(
            "pool_opening_reasons",
            "Question 1: the opening subgroup (RCTs, PFS, TACE + systemic therapy vs TACE) is flagged "
            "NOT comparable. Which reasons does it give? (select all; Ctrl/Cmd-click)",
            "selection",
            first,
            "The panel lists: " + " ".join(pooled.problems) + defined,
            options=options,
            hints=("Read the red list under the chart.", "There are three."),
        ),
        Question(
            "pool_pair_quotable",
            "Question 2: without Yan 2025 and EMERALD-1: D + TACE, is the pooled HR fit to quote?",
            "choice",
            quote,
            f"{quote}. Pooled HR {_f(pooled_pair.hr, 2)}: normal 95 % CI {_f(pooled_pair.ci_low, 2)} to "
            f"{_f(pooled_pair.ci_high, 2)}, Hartung-Knapp 95 % CI {_f(pooled_pair.hk_ci_low, 2)} to "
            f"{_f(pooled_pair.hk_ci_high, 2)}. "
            + " ".join(pooled_pair.problems)
            + " "
            + pooled_pair.prediction_note
            + pi_text,
            options=("Yes", "No"),
            hints=("Compare the two confidence intervals in the summary.",),
            traps=(
                (
                    "Yes",
                    "Each study now enters once and the stages match, but read the red list: two problems remain.",
                ),
            ),
        ),
        Question(
            "pool_pair_remaining",
            "Question 2 (continued): which problems remain for that pair?",
            "selection",
            second,
            "Compare definitions, not labels: " + " ".join(pooled_pair.problems) + defined,
            options=options,
            hints=("One is about the studies, one about the method.",),
        ),
        Question(
            "pool_os_reasons",
            "Question 3: Design = any, Endpoint = OS. Why do CHANCE001, CHANCE2211 and Yuan L 2023 still not pool?",
            "selection",
            third,
            " ".join(pooled_os.problems) + observational,
            options=options,
            hints=("Look at the kind of HR each study reports, and at who was treated.",),
        ),
    ]


def questions(which: str | None = None):
    """No-code questions for lesson 04; answers computed by :mod:`hcckit.evidence` at run time.

    ``which`` is "log_hr_se" (SE of ln HR from curated CIs at their own level, incl. STAH's 90 %
    CIs: SE unitless, bounds on the HR scale), "pooling" (the pooling panel's three guiding
    questions, answered from the ``problems`` of :func:`hcckit.evidence.pool_hazard_ratios`) or
    None (all).
    """
    from hcckit import evidence as ev

    table = functools.cache(ev.comparisons)  # built once, and only if a group is asked for
    return select(
        {
            "log_hr_se": lambda: _se_questions(ev.forest_table(table())),
            "pooling": lambda: _pool_questions(table()),
        },
        which,
    )
