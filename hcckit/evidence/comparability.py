"""Whether the hazard ratios of a chosen subgroup estimate the same thing, and why not.

:func:`check_comparability` names, with the studies involved, the problems that make a set of
:func:`hcckit.evidence.forest_table` rows not comparable (designs, endpoints, endpoint
definitions, comparators, adjusted vs unadjusted HRs, stages, one study counted twice) and the
cautions to say when quoting a pooled number; :class:`Comparability` holds the answer.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from hcckit.evidence._common import _names, _require, _text
from hcckit.evidence.vocabulary import DESIGN_LABELS

__all__ = ["Comparability", "check_comparability"]


@dataclass(frozen=True)
class Comparability:
    """Whether a set of comparisons can be pooled, and why not.

    Attributes
    ----------
    comparable : bool
        ``True`` when no *problem* was found (cautions may remain).
    problems : tuple of str
        Reasons the studies do not estimate the same thing: they mix designs, endpoints,
        comparators, adjusted and unadjusted HRs, stages, or count one study twice. Each
        names the studies involved.
    cautions : tuple of str
        Things to say when quoting a pooled number (few studies, ambiguous arm order,
        asymmetric CIs, a 90 % CI converted at its own level, different added drugs...).
    """

    comparable: bool
    problems: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()

    def __str__(self) -> str:
        head = "comparable" if self.comparable else "NOT comparable"
        return "; ".join([head, *self.problems, *self.cautions])

    def _repr_html_(self) -> str:
        items = "".join(f"<li class='hcckit-problem'>{html.escape(p)}</li>" for p in self.problems)
        items += "".join(f"<li class='hcckit-caution'>{html.escape(c)}</li>" for c in self.cautions)
        head = "Comparable subgroup" if self.comparable else "NOT comparable"
        return f"<div class='hcckit-comparability'><b>{head}</b><ul>{items}</ul></div>"


def _name_column(rows: pd.DataFrame) -> str:
    return "study_short" if "study_short" in rows.columns else "study"


def _mix(rows: pd.DataFrame, column: str, what: str, why: str) -> str | None:
    groups = rows.groupby(column, sort=False)[_name_column(rows)].apply(
        lambda s: ", ".join(dict.fromkeys(s.astype(str)))
    )
    if len(groups) < 2:
        return None
    listed = "; ".join(f"{k} ({v})" for k, v in groups.items())
    return f"Mixes {what}: {listed}. {why}"


def _definition_findings(forest: pd.DataFrame, name: str) -> tuple[list[str], list[str]]:
    """(problems, cautions): one endpoint label defined differently; a definition recorded for only some."""
    problems: list[str] = []
    cautions: list[str] = []
    if "endpoint_definition" not in forest:
        return problems, cautions
    for endpoint, rows in forest.groupby("endpoint", sort=False):
        defined = rows["endpoint_definition"].map(_text)
        known = rows[defined.str.len() > 0]
        if known.empty:
            continue
        groups = known.groupby(known["endpoint_definition"].map(_text), sort=False)[name].apply(
            lambda s: ", ".join(dict.fromkeys(s.astype(str)))
        )
        if len(groups) > 1:
            listed = "; ".join(f"{names}: {definition}" for definition, names in groups.items())
            problems.append(
                f"Mixes definitions of {endpoint}: {listed}. The same label counts different events, so the "
                "HRs do not estimate the same effect."
            )
        missing = rows[defined.str.len() == 0]
        if len(missing):
            cautions.append(
                f"How {_names(missing, name)} defined {endpoint} is not recorded here, while "
                f"{_names(known, name)} defined it ({'; '.join(groups.index)}): read the papers before pooling."
            )
    return problems, cautions


def check_comparability(forest: pd.DataFrame) -> Comparability:
    """Check whether the rows of a :func:`forest_table` estimate the same thing.

    Problems (any one makes the set not comparable), each naming the studies:

    * designs: RCTs with cohorts or indirect comparisons;
    * endpoints: e.g. OS with PFS;
    * endpoint definitions: the same label counting different events (TACTICS' TACE-specific
      PFS with EMERALD-1's RECIST 1.1 PFS by blinded central review), compared from
      ``endpoint_definition``, not from the label;
    * comparators: e.g. "vs TACE" with "vs systemic therapy";
    * adjusted HRs (aHR) with unadjusted ones or ones whose adjustment is not stated;
    * stages: different :data:`STAGE_GROUPS`;
    * one study counted more than once (two arms against one shared control, or two endpoints).

    Cautions: an endpoint definition recorded for some studies but not for others, fewer than
    three studies, arm order not stated by the source, an estimate far
    from the centre of its CI, CIs printed at 90 %, different added treatments, only
    observational data.
    """
    _require(
        forest, ["study", "design_label", "endpoint", "comparator_type", "adjusted", "stage_group"], "forest"
    )
    problems: list[str] = []
    cautions: list[str] = []
    if forest.empty:
        return Comparability(True, (), ())
    name = _name_column(forest)
    checks = [
        ("design_label", "study designs", "Randomised and observational estimates carry different biases."),
        ("endpoint", "endpoints", "HRs for different endpoints do not estimate the same effect."),
        (
            "comparator_type",
            "comparators",
            "An effect against TACE alone is not an effect against systemic therapy.",
        ),
    ]
    for column, what, why in checks:
        msg = _mix(forest, column, what, why)
        if msg:
            problems.append(msg)
    definition_problems, definition_cautions = _definition_findings(forest, name)
    problems += definition_problems
    cautions += definition_cautions
    kinds = forest.assign(
        _adj=forest["adjusted"].map(lambda a: "adjusted (aHR)" if a else "unadjusted or not stated")
    )
    msg = _mix(kinds, "_adj", "adjusted and unadjusted HRs", "Adjustment changes what the HR means.")
    if msg:
        problems.append(msg)
    msg = _mix(
        forest,
        "stage_group",
        "populations/stages",
        "Prognosis and treatment effect differ by stage and setting.",
    )
    if msg:
        problems.append(msg)
    counts = forest.groupby(name, sort=False).size()
    for study, n in counts[counts > 1].items():
        problems.append(
            f"{study} is counted {n} times: its comparisons share patients (one control arm or the same "
            "patients for two endpoints), so they are not independent. Keep one per study."
        )
    if len(forest) == 2:
        cautions.append(
            "Only 2 studies: tau² and I² are very imprecise (a 95 % CI for I² would span most of 0-100 %)."
        )
    if "direction_note" in forest:
        for _, r in forest[forest["direction_note"].astype(str).str.len() > 0].iterrows():
            cautions.append(f"{r[name]} ({r['endpoint']}): {r['direction_note']}")
    if "ci_asymmetric" in forest:
        for _, r in forest[forest["ci_asymmetric"].astype(bool)].iterrows():
            cautions.append(
                f"{r[name]} ({r['endpoint']}): HR {r['hr']:.2f} is far from the centre of its CI "
                f"{r['printed_ci']}; the SE derived from the CI is approximate."
            )
    if "printed_level" in forest:
        for _, r in forest[forest["printed_level"].round(3).eq(0.9)].iterrows():
            cautions.append(
                f"{r[name]} ({r['endpoint']}) prints a 90 % CI: its SE uses z = 1.645, not 1.96 "
                f"(SE of log HR = {r['se_log_hr']:.3f})."
            )
    if (
        "question" in forest
        and forest["question"].nunique() > 1
        and not any("comparators" in p for p in problems)
    ):
        cautions.append(
            "Different treatments are being tested: "
            + "; ".join(f"{q} ({_names(g, name)})" for q, g in forest.groupby("question", sort=False))
            + "."
        )
    elif "arm_label" in forest and forest["arm_label"].nunique() > 1:
        cautions.append(
            "The experimental regimens differ ("
            + "; ".join(f"{r['arm_label']} in {r[name]}" for _, r in forest.iterrows())
            + "): a pooled HR averages different drugs."
        )
    if set(forest["design_label"]) <= {DESIGN_LABELS["cohort"], DESIGN_LABELS["indirect_comparison"]}:
        cautions.append(
            "Only observational data: pooling does not remove confounding, it can only repeat it."
        )
    return Comparability(not problems, tuple(problems), tuple(cautions))
