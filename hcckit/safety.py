"""Adverse events: profiles per regimen, class effects, and two-arm comparisons.

For lesson 05 (``notebooks/05_safety.ipynb``). Everything comes from the curated table
``data.load("adverse_events")`` (one row per trial arm, event and grade, with the count and
the denominator as printed) joined to ``data.load("arms")`` (what each arm received).

* :func:`ae_profile`: events per regimen for one grade group (any grade, grade 1-2, grade >= 3),
  with exact (Clopper-Pearson) 95 % intervals from :mod:`hcckit.stats`;
* :func:`class_effects`: the events expected from a drug class (anti-VEGF, TKI, immune,
  embolization), with whether each regimen contains that class;
* :func:`two_arm_comparisons`: experimental vs control arm where both have counts: risk
  difference, relative risk, Fisher's exact test and the chi-square test next to the p-value
  the paper printed (:func:`hcckit.stats.compare_proportions`);
* :func:`number_needed_to_harm`: 1 / risk difference, rounded up, in exact arithmetic.

Events keep the term each paper printed (``event``); comparisons across studies and between
arms group them by ``event_harmonised`` (the broader term, e.g. "pain" for "abdominal pain";
see ``data/README.md``), which has one ``event_class``.

Percentages are in % (0-100); counts are patients.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction

__all__ = [
    "GRADE_GROUPS",
    "CLASS_EFFECTS",
    "EMBOLIZING",
    "regimen_table",
    "ae_profile",
    "class_effects",
    "two_arm_trials",
    "two_arm_comparisons",
    "number_needed_to_harm",
]

#: Grade groups a lesson can show -> (label, curated grade values that belong to it).
#: ``3-4`` is grouped with ``>=3`` (no study here reports grade 5 events per event).
GRADE_GROUPS = {
    "any": ("Any grade", ("any",)),
    "1-2": ("Grade 1-2", ("1-2",)),
    ">=3": ("Grade ≥ 3", (">=3", "3-4")),
}

#: Arterial modalities that embolize (``arms.arterial``).
EMBOLIZING = ("cTACE", "DEB-TACE", "TACE", "TAE", "TACE+HAIC")


@dataclass(frozen=True)
class ClassEffect:
    """What a drug class is expected to cause (``events``) and which regimens contain it."""

    event_class: str
    label: str
    cause: str
    events: tuple[str, ...]


#: The class effects the lesson teaches (event_class -> ClassEffect).
CLASS_EFFECTS = {
    "anti-VEGF": ClassEffect(
        "anti-VEGF",
        "Anti-VEGF effects",
        "anti-VEGF antibody (bevacizumab) or a VEGFR tyrosine-kinase inhibitor",
        ("hypertension", "proteinuria", "bleeding"),
    ),
    "TKI": ClassEffect(
        "TKI",
        "TKI effects",
        "tyrosine-kinase inhibitor (sorafenib, lenvatinib, anlotinib...)",
        ("hand-foot syndrome", "diarrhoea"),
    ),
    "immune": ClassEffect(
        "immune",
        "Immune-related effects",
        "immune checkpoint inhibitor (PD-1/PD-L1, CTLA-4) or cell therapy",
        ("immune-related hepatitis", "hypothyroidism"),
    ),
    "embolization": ClassEffect(
        "embolization",
        "Post-embolization syndrome",
        "arterial embolization (TACE, DEB-TACE, TAE)",
        ("pain", "fever", "nausea/vomiting"),
    ),
}

_EVENT_CLASSES = ("anti-VEGF", "TKI", "immune", "embolization", "hepatic", "haematologic", "general", "other")


def _check_grade(grade) -> str:
    if grade not in GRADE_GROUPS:
        raise ValueError(f"grade: unknown grade group {grade!r}; choose from {', '.join(GRADE_GROUPS)}")
    return grade


def _check_class(event_class) -> str | None:
    if event_class is None:
        return None
    if event_class not in _EVENT_CLASSES:
        raise ValueError(
            f"event_class: unknown class {event_class!r}; choose from {', '.join(_EVENT_CLASSES)}"
        )
    return event_class


def _exposure(event_class: str, classes: set[str], arterial: str) -> str:
    if event_class == "anti-VEGF":
        if "anti-VEGF" in classes:
            return "anti-VEGF antibody"
        return "VEGFR TKI" if "TKI" in classes else "none"
    if event_class == "TKI":
        return "TKI" if "TKI" in classes else "none"
    if event_class == "immune":
        if classes & {"PD-(L)1", "CTLA-4"}:
            return "checkpoint inhibitor"
        return "cell therapy" if "cell_therapy" in classes else "none"
    if event_class == "embolization":
        return "embolization" if arterial in EMBOLIZING else "none"
    return "n/a"


def regimen_table(*, arms=None, trials=None, adverse_events=None):
    """Trial arms that report adverse events, with what they received.

    Returns
    -------
    pandas.DataFrame
        One row per arm: ``trial_id``, ``trial`` (name), ``design``, ``arm_id``, ``arm`` (label),
        ``study`` (short name: first author and year, acronym or registry number), ``regimen``
        (``"arm (study)"``, the label used in charts), ``role``, ``n`` (patients),
        ``arterial``, ``systemic_class``, and one column per class effect (``anti-VEGF``,
        ``TKI``, ``immune``, ``embolization``) saying what exposes the arm to it (``none`` if
        nothing).
    """
    import pandas as pd

    from hcckit import data

    arms = data.load("arms") if arms is None else arms
    trials = data.load("trials") if trials is None else trials
    ae = data.load("adverse_events") if adverse_events is None else adverse_events
    keys = ae[["trial_id", "arm_id"]].drop_duplicates()
    out = keys.merge(arms, on=["trial_id", "arm_id"], how="left", validate="one_to_one")
    out = out.merge(trials[["trial_id", "name", "design"]], on="trial_id", how="left", validate="many_to_one")
    out = out.merge(trials[["trial_id", "registry"]], on="trial_id", how="left", validate="many_to_one")
    out = out.rename(columns={"name": "trial", "label": "arm"})
    out["study"] = [_short_study(n, r) for n, r in zip(out["trial"], out["registry"], strict=True)]
    out["regimen"] = out["arm"].astype(str) + " (" + out["study"] + ")"
    for cls in CLASS_EFFECTS:
        out[cls] = [
            _exposure(cls, set(str(c).split(";")) if isinstance(c, str) else set(), str(a))
            for c, a in zip(out["systemic_class"], out["arterial"], strict=True)
        ]
    cols = [
        "trial_id",
        "trial",
        "study",
        "design",
        "arm_id",
        "arm",
        "regimen",
        "role",
        "n",
        "arterial",
        "systemic_class",
        *CLASS_EFFECTS,
    ]
    return pd.DataFrame(out[cols]).reset_index(drop=True)


def _short_study(name, registry) -> str:
    """``Yan 2025 (TACE ± ...)`` -> ``Yan 2025``; a long descriptive name -> its registry number."""
    name = str(name)
    short = name.split(" (")[0]
    if len(short) > 24 and isinstance(registry, str) and registry:
        return registry
    return short


def _derive_grade_1_2(ae):
    """Add ``1-2`` rows where a source gives grade 1 and grade 2 separately but no ``1-2`` row."""
    import pandas as pd

    keys = ["trial_id", "arm_id", "event_harmonised"]
    g1 = ae[ae["grade"] == "1"].set_index(keys)
    g2 = ae[ae["grade"] == "2"].set_index(keys)
    have = set(map(tuple, ae.loc[ae["grade"] == "1-2", keys].to_numpy()))
    rows = []
    for key in g1.index.intersection(g2.index):
        if key in have:
            continue
        a, b = g1.loc[key], g2.loc[key]
        if pd.isna(a["count"]) or pd.isna(b["count"]) or a["n"] != b["n"]:
            continue
        rows.append(
            {
                **dict(zip(keys, key, strict=True)),
                "event": a["event"],
                "event_class": a["event_class"],
                "grade": "1-2",
                "count": int(a["count"]) + int(b["count"]),
                "n": int(a["n"]),
                "percent_reported": float("nan"),
                "source_location": a["source_location"],
                "note": "Derived by hcckit: grade 1 + grade 2 of the same table.",
                "derived": True,
            }
        )
    if not rows:
        return ae.assign(derived=False)
    extra = pd.DataFrame(rows).astype({"count": "Int64", "n": "Int64"})
    return pd.concat([ae.assign(derived=False), extra], ignore_index=True)


def ae_profile(
    *,
    trials=None,
    grade: str = "any",
    event_class: str | None = None,
    level: float = 0.95,
    adverse_events=None,
):
    """Adverse events per regimen for one grade group, with exact confidence intervals.

    Parameters
    ----------
    trials : str or sequence of str, optional
        ``trial_id`` values to keep (default: every study with adverse-event data).
    grade : {"any", "1-2", ">=3"}
        Grade group (``>=3`` includes rows printed as grade 3-4).
    event_class : str, optional
        Keep one class (``anti-VEGF``, ``TKI``, ``immune``, ``embolization``, ``hepatic``,
        ``haematologic``, ``general``, ``other``).
    level : float
        Confidence level of the exact (Clopper-Pearson) intervals.

    Returns
    -------
    pandas.DataFrame
        One row per regimen and event: ``trial_id``, ``trial``, ``study``, ``arm_id``, ``arm``, ``regimen``,
        ``role``, ``event`` (the term as printed), ``event_harmonised`` (the term that groups the
        same event across studies, ``data/README.md``), ``event_class``, ``grade`` (as printed),
        ``grade_group`` (label),
        ``count``, ``n`` (patients), ``percent`` (count/n in %, or the printed % when no count
        was printed), ``ci_low_pct``, ``ci_high_pct`` (exact interval, %; empty without a count),
        ``has_count`` (bool), ``derived`` (grade 1-2 summed by hcckit from grades 1 and 2),
        ``other_reports`` (the same event/grade reported differently elsewhere in the paper),
        ``source_location``, ``note``. Empty (same columns) when nothing matches.

    Notes
    -----
    When the same arm, harmonised event and grade appear twice (e.g. the BEVA-TACE abstract and its
    Table 2), the row with a count is kept, a table row is preferred to the abstract, and the
    other report is quoted in ``other_reports``.
    """
    import pandas as pd

    from hcckit import data, stats

    grade = _check_grade(grade)
    event_class = _check_class(event_class)
    ae = data.load("adverse_events") if adverse_events is None else adverse_events
    known = set(ae["trial_id"].astype(str))
    if trials is not None:
        trials = [trials] if isinstance(trials, str) else list(trials)
        unknown = [t for t in trials if t not in known]
        if unknown:
            raise ValueError(
                f"trials: no adverse-event data for {unknown}; studies with data: {sorted(known)}"
            )
    ae = _derive_grade_1_2(ae)
    label, grades = GRADE_GROUPS[grade]
    rows = ae[ae["grade"].isin(grades)].copy()
    if trials is not None:
        rows = rows[rows["trial_id"].isin(trials)]
    if event_class is not None:
        rows = rows[rows["event_class"] == event_class]

    # one row per arm/event/grade: prefer a count, then a table over the abstract
    rows["_rank"] = rows["count"].isna().astype(int) * 2 + rows["source_location"].str.startswith(
        "Abstract"
    ).astype(int)
    rows["_printed_differs"] = rows["event"] != rows["event_harmonised"]
    rows = rows.sort_values(["trial_id", "arm_id", "event_harmonised", "grade", "_rank"])
    keys = ["trial_id", "arm_id", "event_harmonised", "grade"]

    def describe(r):
        what = f"{int(r['count'])}/{int(r['n'])}" if pd.notna(r["count"]) else f"{r['percent_reported']:g} %"
        note = f" - {r['note']}" if isinstance(r["note"], str) and r["note"] else ""
        term = f" ('{r['event']}')" if r["_printed_differs"] else ""
        return f"{r['source_location']}{term}: {what}{note}"

    others = (
        rows[rows.duplicated(keys, keep="first")]
        .groupby(keys)
        .apply(lambda g: "; ".join(describe(r) for _, r in g.iterrows()), include_groups=False)
    )
    rows = rows.drop_duplicates(keys, keep="first").drop(columns=["_rank", "_printed_differs"])
    rows["other_reports"] = [others.get(tuple(k), "") for k in rows[keys].itertuples(index=False, name=None)]

    regimens = regimen_table()
    rows = rows.merge(
        regimens[["trial_id", "arm_id", "trial", "study", "arm", "regimen", "role"]],
        on=["trial_id", "arm_id"],
        how="left",
    )
    rows["has_count"] = rows["count"].notna()
    counted = stats.proportion_table(rows.astype({"count": "float", "n": "float"}), level=level)
    rows["percent"] = counted["percent"].where(rows["has_count"], rows["percent_reported"])
    rows["ci_low_pct"] = counted["ci_low_pct"]
    rows["ci_high_pct"] = counted["ci_high_pct"]
    rows["grade_group"] = label
    cols = [
        "trial_id",
        "trial",
        "study",
        "arm_id",
        "arm",
        "regimen",
        "role",
        "event",
        "event_harmonised",
        "event_class",
        "grade",
        "grade_group",
        "count",
        "n",
        "percent",
        "ci_low_pct",
        "ci_high_pct",
        "has_count",
        "derived",
        "other_reports",
        "source_location",
        "note",
    ]
    out = rows[cols].sort_values(
        ["trial", "arm", "event_class", "percent"], ascending=[True, True, True, False]
    )
    return out.reset_index(drop=True)


def class_effects(event_class: str, *, grade: str = "any", level: float = 0.95):
    """Events of one class across regimens, and whether each regimen contains the class' cause.

    Parameters
    ----------
    event_class : {"anti-VEGF", "TKI", "immune", "embolization"}
    grade : {"any", "1-2", ">=3"}

    Returns
    -------
    pandas.DataFrame
        :func:`ae_profile` rows for that class plus ``exposure`` (what in the regimen causes such
        events, e.g. ``anti-VEGF antibody``, ``VEGFR TKI``, or ``none``) and ``exposed`` (bool).
        A regimen without the cause can still report the event (e.g. bleeding after TACE
        alone): background rates, not attribution.
    """
    if event_class not in CLASS_EFFECTS:
        raise ValueError(f"event_class: choose one of {', '.join(CLASS_EFFECTS)}, got {event_class!r}")
    profile = ae_profile(grade=grade, event_class=event_class, level=level)
    regimens = regimen_table()[["trial_id", "arm_id", event_class]].rename(columns={event_class: "exposure"})
    out = profile.merge(regimens, on=["trial_id", "arm_id"], how="left")
    out["exposed"] = out["exposure"] != "none"
    return out


def two_arm_trials(*, adverse_events=None) -> list[str]:
    """Trials with an experimental and a control arm that both report counts for some event and grade."""
    from hcckit import data

    ae = data.load("adverse_events") if adverse_events is None else adverse_events
    arms = data.load("arms")
    ae = ae[ae["count"].notna()].merge(arms[["trial_id", "arm_id", "role"]], on=["trial_id", "arm_id"])
    out = []
    for trial, g in ae.groupby("trial_id"):
        exp = set(map(tuple, g.loc[g["role"] == "experimental", ["event_harmonised", "grade"]].to_numpy()))
        ctl = set(map(tuple, g.loc[g["role"] == "control", ["event_harmonised", "grade"]].to_numpy()))
        if exp & ctl:
            out.append(str(trial))
    return sorted(out)


def two_arm_comparisons(trial_id: str | None = None, *, level: float = 0.95):
    """Experimental vs control arm for every event and grade that both arms report with counts.

    Parameters
    ----------
    trial_id : str, optional
        One trial (default: every trial in :func:`two_arm_trials`).
    level : float
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per event and grade: ``trial_id``, ``trial``, ``study``, ``design``, ``event``
        (harmonised term, which pairs the arms), ``event_printed`` (as the paper printed it),
        ``event_class``, ``grade``, ``arm_a`` / ``arm_b`` (experimental / control labels),
        ``count_a``, ``n_a``, ``count_b``, ``n_b``, ``pct_a``, ``pct_b`` (%), ``rd_pct`` with
        ``rd_ci_low_pct`` / ``rd_ci_high_pct`` (risk difference A - B in percentage points),
        ``rd_method``, ``rr`` with ``rr_ci_low`` / ``rr_ci_high`` (relative risk A / B; ``inf``
        when B has no events), ``rr_method``, ``fisher_p``, ``chi2_p``, ``chi2_yates_p``,
        ``min_expected``, ``chi2_valid`` (every expected count >= 5), ``reported_p`` and
        ``reported_p_operator`` (what the paper printed, if anything), ``nnh`` (number needed
        to harm, ``inf`` if A is not worse), ``nnh_interval`` (its CI from the risk-difference CI,
        written as Altman 1998 does: ``"NNH 8 to ∞ to NNTB 40"`` when the RD CI crosses 0; see
        :func:`number_needed_interval`), ``level``. Empty (same columns) when nothing matches.
    """
    import pandas as pd

    from hcckit import data, stats

    available = two_arm_trials()
    if trial_id is not None and trial_id not in set(data.load("trials")["trial_id"].astype(str)):
        raise ValueError(f"trial_id: unknown trial {trial_id!r}")
    chosen = available if trial_id is None else [t for t in available if t == trial_id]
    ae = data.load("adverse_events")
    ae = ae[ae["count"].notna() & ae["trial_id"].isin(chosen)]
    regimens = regimen_table()
    ae = ae.merge(
        regimens[["trial_id", "arm_id", "arm", "role", "trial", "study", "design"]], on=["trial_id", "arm_id"]
    )
    effects = data.load("effects")
    effects = effects[(effects["endpoint"] == "adverse_event") & effects["preferred"]]
    rows = []
    for (trial, event, grade), g in ae.groupby(["trial_id", "event_harmonised", "grade"], sort=False):
        a = g[g["role"] == "experimental"]
        b = g[g["role"] == "control"]
        if len(a) != 1 or len(b) != 1:
            continue
        a, b = a.iloc[0], b.iloc[0]
        res = stats.compare_proportions(
            int(a["count"]), int(a["n"]), int(b["count"]), int(b["n"]), level=level
        )
        rep = effects[(effects["trial_id"] == trial) & effects["item"].isin({event, a["event"], b["event"]})]
        rows.append(
            {
                "trial_id": trial,
                "trial": a["trial"],
                "study": a["study"],
                "design": a["design"],
                "event": event,
                "event_printed": a["event"] if a["event"] == b["event"] else f"{a['event']} / {b['event']}",
                "event_class": a["event_class"],
                "grade": grade,
                "arm_a": a["arm"],
                "arm_b": b["arm"],
                "count_a": res.count_a,
                "n_a": res.n_a,
                "count_b": res.count_b,
                "n_b": res.n_b,
                "pct_a": 100 * res.risk_a,
                "pct_b": 100 * res.risk_b,
                "rd_pct": 100 * res.risk_difference,
                "rd_ci_low_pct": 100 * res.rd_ci_low,
                "rd_ci_high_pct": 100 * res.rd_ci_high,
                "rd_method": res.rd_method,
                "rr": res.relative_risk,
                "rr_ci_low": res.rr_ci_low,
                "rr_ci_high": res.rr_ci_high,
                "rr_method": res.rr_method,
                "fisher_p": res.fisher_p,
                "chi2_p": res.chi2_p,
                "chi2_yates_p": res.chi2_yates_p,
                "min_expected": res.min_expected,
                "chi2_valid": res.chi2_valid,
                "reported_p": float(rep["p_value"].iloc[0]) if len(rep) else math.nan,
                "reported_p_operator": str(rep["p_operator"].iloc[0]) if len(rep) else "",
                "nnh": number_needed_to_harm(res.count_a, res.n_a, res.count_b, res.n_b),
                "nnh_interval": number_needed_interval(res.rd_ci_low, res.rd_ci_high),
                "level": level,
            }
        )
    columns = [
        "trial_id",
        "trial",
        "study",
        "design",
        "event",
        "event_printed",
        "event_class",
        "grade",
        "arm_a",
        "arm_b",
        "count_a",
        "n_a",
        "count_b",
        "n_b",
        "pct_a",
        "pct_b",
        "rd_pct",
        "rd_ci_low_pct",
        "rd_ci_high_pct",
        "rd_method",
        "rr",
        "rr_ci_low",
        "rr_ci_high",
        "rr_method",
        "fisher_p",
        "chi2_p",
        "chi2_yates_p",
        "min_expected",
        "chi2_valid",
        "reported_p",
        "reported_p_operator",
        "nnh",
        "nnh_interval",
        "level",
    ]
    return pd.DataFrame(rows, columns=columns)


def number_needed_to_harm(count_a, n_a, count_b, n_b) -> float:
    """Number needed to harm: how many patients get arm A instead of B for one extra event.

    ``ceil(1 / (count_a/n_a - count_b/n_b))``, computed with :class:`fractions.Fraction` so that
    5/60 vs 3/60 gives exactly 30 (floating point gives 1 / (5/60 - 3/60) = 30.000000000000007,
    which rounds up to 31). Returns ``math.inf`` when A does not have more events than B.
    """
    values = {"count_a": count_a, "n_a": n_a, "count_b": count_b, "n_b": n_b}
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
            raise ValueError(f"{name}: must be a whole number >= 0, got {value!r}")
    if n_a == 0 or n_b == 0:
        raise ValueError("n_a, n_b: denominators must be > 0")
    if count_a > n_a or count_b > n_b:
        raise ValueError("count_a, count_b: a count cannot exceed its denominator")
    difference = Fraction(count_a, n_a) - Fraction(count_b, n_b)
    if difference <= 0:
        return math.inf
    return int(math.ceil(1 / difference))


def number_needed_interval(rd_ci_low, rd_ci_high) -> str:
    """Confidence interval of the number needed to harm, from the risk difference's CI.

    Altman (BMJ 1998;317:1309-12): the limits are the reciprocals of the risk-difference limits
    (proportions, A - B; A worse when > 0), each rounded up like the NNH itself. When the
    interval of the risk difference includes 0, the NNH interval runs through infinity, from
    harm to benefit, and is written so: ``"NNH 8 to ∞ to NNTB 40"`` (NNTB: number needed to
    treat with A for one patient fewer with the event). ``"NNH 4 to 25"`` when the whole CI
    shows harm, ``"NNTB 5 to 20"`` when it shows benefit.

    Parameters
    ----------
    rd_ci_low, rd_ci_high : float
        Limits of the risk difference A - B as proportions (-1 to 1), low <= high.

    Returns
    -------
    str
    """
    lo, hi = float(rd_ci_low), float(rd_ci_high)
    for name, value in (("rd_ci_low", lo), ("rd_ci_high", hi)):
        if not -1 <= value <= 1:
            raise ValueError(f"{name}: a risk difference is a proportion between -1 and 1, got {value!r}")
    if lo > hi:
        raise ValueError(
            f"rd_ci_low, rd_ci_high: the lower limit must not exceed the upper one, got {lo} and {hi}"
        )

    def n(x: float) -> int:
        return int(math.ceil(round(1 / abs(x), 9)))  # 1/0.05 must stay 20, not 20.000000000000004 -> 21

    if lo > 0:
        return f"NNH {n(hi)} to {n(lo)}"
    if hi < 0:
        return f"NNTB {n(lo)} to {n(hi)}"
    if hi > 0 and lo < 0:
        return f"NNH {n(hi)} to ∞ to NNTB {n(lo)}"
    if hi > 0:  # lo == 0
        return f"NNH {n(hi)} to ∞"
    if lo < 0:  # hi == 0
        return f"NNTB {n(lo)} to ∞"
    return "∞"
