"""Cross-trial evidence: every curated comparison in one table, forest plots, cautious pooling, ORR.

What a reader of the HCC literature does with a review's tables, done carefully:

* :func:`comparisons` joins every between-arm comparison in ``effects`` with its trial (design,
  population, stage) and both arms (arterial modality, systemic classes), and names the
  question it answers (``"TACE + systemic therapy vs TACE"``);
* :func:`filter_comparisons` narrows it by arterial modality, systemic class, design, endpoint;
* :func:`forest_table` keeps the hazard ratios (HR, adjusted HR) for a forest plot on a log
  axis, each with the CI *at the level the study printed* (STAH prints 90 % CIs), the
  standard error of log HR derived from that CI at its own level, and any discrepancy or
  arm-order note from the curation;
* :func:`pool_hazard_ratios` pools a user-chosen subgroup with a random-effects model from
  ``statsmodels.stats.meta_analysis`` and :func:`check_comparability` says, by name, why the
  chosen studies may not be comparable (designs, endpoints, comparators, adjusted vs
  unadjusted HRs, stages, one study counted twice);
* :func:`orr_table` lists objective response rates by response criterion with exact
  (Clopper-Pearson) CIs from :func:`hcckit.stats.proportion_ci`;
* :func:`cross_trial_comparison` puts two studies side by side and lists, from the data,
  the reasons a naive comparison of their numbers misleads.

Hazard ratios are unitless; an HR < 1 favours ``arm_id`` (the first-named arm) over
``comparator_arm_id``. Percentages are 0-100 %, times in months. Nothing here is simulated:
every number is a curated, printed value or is computed from printed values (and says so).
"""

from __future__ import annotations

import html
import math
import numbers
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hcckit import labels as _labels
from hcckit import stats

__all__ = [
    "TIME_TO_EVENT",
    "HR_MEASURES",
    "CRITERIA_ORDER",
    "DESIGN_LABELS",
    "STAGE_GROUPS",
    "DEFAULT_POOL",
    "comparisons",
    "filter_comparisons",
    "filter_options",
    "forest_table",
    "se_from_ci",
    "ci_at_level",
    "Comparability",
    "check_comparability",
    "PooledEstimate",
    "pool_hazard_ratios",
    "orr_table",
    "CrossTrialComparison",
    "cross_trial_comparison",
]

TIME_TO_EVENT = ("PFS", "OS", "TTUP", "RFS", "PPS")
HR_MEASURES = ("HR", "aHR")
CRITERIA_ORDER = ("RECIST 1.1", "mRECIST", "RECICL", "unspecified")
#: Study designs by name, from the kit's one vocabulary (``data/labels.csv``, kind ``design``).
DESIGN_LABELS = {
    d: _labels.label("design", d) for d in ("rct", "cohort", "single_arm", "indirect_comparison")
}
_DESIGN_ORDER = {"rct": 0, "indirect_comparison": 1, "cohort": 2, "single_arm": 3}
_SYSTEMIC = {"TKI", "anti-VEGF", "PD-(L)1", "CTLA-4", "chemotherapy"}
_NO_CLASS = "none"

_EARLY_INT = "early-intermediate (BCLC A-B, embolization candidates)"
_ADVANCED = "advanced (BCLC C, vascular invasion)"
_MIXED = "mixed or not stated (unresectable)"
_AFTER_FAILURE = "after failure of prior therapy"
_ADJUVANT = "adjuvant (after resection)"

#: Teaching classification of each study's population, read from ``trials.population`` (and the
#: trial notes) by the kit's authors; used only to warn when a pooled subgroup mixes stages.
#: The printed population text is always shown next to it. Studies not listed are "not classified".
STAGE_GROUPS: dict[str, str] = {
    "yan2025_tace_bev": _MIXED,  # CNLC Ib-IIIb
    "chictr2100049829_tace_atezo_bev": _EARLY_INT,  # BCLC B
    "zhang2021_beva_tace": _AFTER_FAILURE,  # TACE-refractory, BCLC C-D
    "chictr2200056222_debtace_tqb_anlo": _ADVANCED,  # BCLC C
    "tactics": _EARLY_INT,  # unresectable, TACE candidates
    "stah": _ADVANCED,
    "launch": _ADVANCED,
    "chance001": _MIXED,  # unresectable, predominantly advanced
    "chance2211": _MIXED,
    "chance2201": _ADVANCED,
    "yuan2023_pa_tace_ici": _ADJUVANT,
    "yuan2023_tace_haic_tki_pd1": _ADVANCED,  # PVTT
    "emerald1": _EARLY_INT,  # eligible for embolization, BCLC A 26 % / B 57 % / C 16 %
    "deng2023_haic_vs_tace": _EARLY_INT,  # single huge HCC, no vascular invasion
    "li2022_haic_vs_tace": _EARLY_INT,  # BCLC A-B
    "fohaic1": _ADVANCED,
    "zheng2022_haic_sorafenib": _ADVANCED,  # major PVTT
    "fu2023_haic_lenv_pd1": _ADVANCED,  # PVTT
    "an2023_haic_lenv_pd1": _AFTER_FAILURE,  # refractory to HAIC
    "meyer2013_tae_vs_stace": _MIXED,
    "guo2023_tae_inkt": _AFTER_FAILURE,  # failed to respond to TACE (review text)
    "hur2023_tare_vs_tki": _ADVANCED,  # PVTT
    "agirrezabal2024_tare_vs_atezobev": _MIXED,
    "soramic": _ADVANCED,
    "imbrave150": _ADVANCED,  # BCLC C 82 % (Finn et al., NEJM 2020, Table 1); BCLC B 15 % of 501
    "himalaya": _ADVANCED,  # BCLC C about 80 % in both arms (Abou-Alfa et al., NEJM Evid 2022, Table 1)
}

#: The pooling panel's opening subgroup: randomised PFS comparisons of TACE plus systemic therapy
#: against TACE. Deliberately not clean (EMERALD-1 enters twice, stages differ): the lesson asks
#: the class to find out why and to narrow it.
DEFAULT_POOL = {"endpoint": "PFS", "question": "TACE + systemic therapy vs TACE", "design": "rct"}

_HR_KIND = {
    "rct": "HR (randomised)",
    "aHR": "adjusted HR (observational)",
    "observational": "HR, adjustment not stated (observational)",
    "indirect_comparison": "HR (indirect comparison, MAIC)",
}
_ASYMMETRY_LIMIT = 0.15  # |log HR - centre of log CI| as a share of the log CI half-width


# --------------------------------------------------------------------------- helpers
def _items(value) -> list[str]:
    """Items of a ';'-separated cell (empty or missing -> [])."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return []
    return [v.strip() for v in str(value).split(";") if v.strip()]


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _num(value) -> float:
    if value is None or pd.isna(value):
        return math.nan
    return float(value)


def _require(df, columns, what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(missing)}")


def _check_choice(value, allowed, name: str):
    if value is None:
        return None
    if value not in allowed:
        raise ValueError(f"{name}: {value!r} is not one of {', '.join(map(str, allowed))}")
    return value


def _check_level(level, name: str = "level") -> float:
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < float(level) < 1:
        raise ValueError(f"{name}: must be a number strictly between 0 and 1 (e.g. 0.95), got {level!r}")
    return float(level)


def _pct_label(level: float) -> str:
    return f"{100 * level:g} %"


def _modality_tags(values) -> set[str]:
    """Arterial modalities a row belongs to: cTACE and DEB-TACE are also TACE; TACE+HAIC is both."""
    tags: set[str] = set()
    for value in values:
        for item in _items(value):
            tags.add(item)
            if "TACE" in item:
                tags.add("TACE")
            if "HAIC" in item:
                tags.add("HAIC")
    return tags


def _arterial_family(arterial: str) -> str:
    if arterial in ("cTACE", "DEB-TACE", "TACE"):
        return "TACE"
    if arterial == "TACE+HAIC":
        return "TACE + HAIC"
    if arterial in ("", "none"):
        return ""
    return arterial


def _treatment(arterial: str, classes: list[str]) -> str:
    """Coarse description of an arm ("TACE + systemic therapy", "systemic therapy", "TAE")."""
    parts = [p for p in [_arterial_family(arterial)] if p]
    if _SYSTEMIC.intersection(classes):
        parts.append("systemic therapy")
    if "cell_therapy" in classes:
        parts.append("cell therapy")
    return " + ".join(parts) if parts else "no active treatment"


def _p_text(p, op) -> str:
    if p is None or pd.isna(p):
        return ""
    op = _text(op) or "="
    return f"P {op} {float(p):g}"


def _tables(trials, arms):
    from hcckit import data

    trials = data.load("trials") if trials is None else trials
    arms = data.load("arms") if arms is None else arms
    _require(trials, ["trial_id", "name", "design", "population", "modality"], "trials")
    _require(arms, ["trial_id", "arm_id", "label", "arterial", "systemic_class", "role", "n"], "arms")
    return trials, arms


def _short_name(name, registry) -> str:
    """``"Yan 2025 (TACE ± IA bevacizumab)"`` -> ``"Yan 2025"``; a registry id in the name wins."""
    name, registry = _text(name), _text(registry)
    if registry and registry in name:
        return registry
    return name.split(" (", 1)[0] or name


def _names(rows: pd.DataFrame, column: str = "study") -> str:
    return ", ".join(dict.fromkeys(rows[column].astype(str)))


# --------------------------------------------------------------------------- comparisons
_EFFECT_COLUMNS = [
    "trial_id",
    "arm_id",
    "comparator_arm_id",
    "endpoint",
    "measure",
    "value",
    "ci_low",
    "ci_high",
    "ci_level",
]


def comparisons(effects=None, *, trials=None, arms=None) -> pd.DataFrame:
    """Every curated between-arm comparison, joined with its trial and both arms.

    Parameters
    ----------
    effects : pandas.DataFrame, optional
        Rows shaped like the ``effects`` table; default: the curated table.
    trials, arms : pandas.DataFrame, optional
        Default: the curated tables.

    Returns
    -------
    pandas.DataFrame
        One row per ``effects`` row (``row_id`` is its index there) with the effect columns
        (``endpoint``, ``measure``, ``value``, ``ci_low``, ``ci_high``, ``ci_level``,
        ``p_value``, ``preferred``, ``direction_note``, ``source_location``, ``note``,
        ``endpoint_definition``, ``definition_source``) plus:

        ``study``, ``design``, ``design_label``, ``population``, ``stage_group``, ``country``,
        ``year``; ``arm_label``, ``arm_role``, ``arm_n`` (patients), ``arm_arterial``,
        ``arm_classes``; the same with ``comparator_``; ``comparison``
        (``"TACE + IA bevacizumab vs TACE"``); ``question`` (coarse treatments compared,
        ``"TACE + systemic therapy vs TACE"``); ``comparator_type`` (``"TACE"``,
        ``"systemic therapy"``...); ``modalities`` (``;``-separated arterial modalities of the
        study and of the first-named arm, cTACE/DEB-TACE also counting as TACE); ``adjusted`` (``measure == "aHR"``);
        ``hr_kind`` (randomised, adjusted observational, observational with adjustment not
        stated, indirect comparison); ``p_text`` (``"P < 0.001"``).

    Raises
    ------
    ValueError
        if a required column is missing, or a row names a trial or arm that does not exist.
    """
    from hcckit import data

    eff = data.load("effects") if effects is None else effects
    _require(eff, _EFFECT_COLUMNS, "effects")
    trials, arms = _tables(trials, arms)
    eff = eff.copy()
    for col, default in (
        ("item", pd.NA),
        ("criterion", pd.NA),
        ("p_value", np.nan),
        ("p_operator", pd.NA),
        ("preferred", True),
        ("direction_note", pd.NA),
        ("source_location", pd.NA),
        ("note", pd.NA),
        ("endpoint_definition", pd.NA),
        ("definition_source", pd.NA),
    ):
        if col not in eff.columns:
            eff[col] = default
    eff["row_id"] = eff.index

    trial_cols = {
        "name": "study",
        "registry": "registry",
        "design": "design",
        "phase": "phase",
        "country": "country",
        "population": "population",
        "stage_system": "stage_system",
        "modality": "trial_modality",
        "year": "year",
        "source": "source",
        "note": "trial_note",
    }
    tr = trials[[c for c in trial_cols if c in trials.columns]].rename(columns=trial_cols)
    tr = tr.assign(trial_id=trials["trial_id"].astype(str))
    arm_cols = ["trial_id", "arm_id", "label", "arterial", "systemic_class", "role", "n"]
    ar = arms[arm_cols].astype({"trial_id": str, "arm_id": str})
    left = eff.astype({"trial_id": str, "arm_id": str, "comparator_arm_id": str})
    out = left.merge(tr, on="trial_id", how="left")
    out = out.merge(
        ar.rename(columns={c: f"arm_{c}" for c in arm_cols[2:]}), on=["trial_id", "arm_id"], how="left"
    )
    comp = ar.rename(columns={"arm_id": "comparator_arm_id", **{c: f"comparator_{c}" for c in arm_cols[2:]}})
    out = out.merge(comp, on=["trial_id", "comparator_arm_id"], how="left")
    for col, key, what in (
        ("study", "trial_id", "trial_id"),
        ("arm_label", "arm_id", "arm_id"),
        ("comparator_label", "comparator_arm_id", "comparator_arm_id"),
    ):
        bad = out[out[col].isna()]
        if len(bad):
            r = bad.iloc[0]
            raise ValueError(
                f"effects row {r['row_id']}: {what} {r[key]!r} (trial {r['trial_id']!r}) is not in the "
                f"{'trials' if what == 'trial_id' else 'arms'} table"
            )

    out = out.rename(
        columns={"arm_systemic_class": "arm_classes", "comparator_systemic_class": "comparator_classes"}
    )
    out["arm_n"] = out["arm_n"].astype("Int64")
    out["comparator_n"] = out["comparator_n"].astype("Int64")
    out["design_label"] = out["design"].map(lambda d: DESIGN_LABELS.get(_text(d), _text(d)))
    registry = out["registry"] if "registry" in out else pd.Series("", index=out.index)
    out["study_short"] = [_short_name(n, r) for n, r in zip(out["study"], registry, strict=True)]
    out["stage_group"] = out["trial_id"].map(lambda t: STAGE_GROUPS.get(t, "not classified"))
    out["comparison"] = out["arm_label"].astype(str) + " vs " + out["comparator_label"].astype(str)
    arm_side = [
        _treatment(_text(a), _items(c)) for a, c in zip(out["arm_arterial"], out["arm_classes"], strict=True)
    ]
    comp_side = [
        _treatment(_text(a), _items(c))
        for a, c in zip(out["comparator_arterial"], out["comparator_classes"], strict=True)
    ]
    out["question"] = [f"{a} vs {c}" for a, c in zip(arm_side, comp_side, strict=True)]
    out["comparator_type"] = comp_side
    # the study's modality (trials.modality) and the first-named arm's; a systemic-only comparator
    # arm does not make a TACE study a "none" study
    out["modalities"] = [
        ";".join(sorted(_modality_tags([t, a])))
        for t, a in zip(out["trial_modality"], out["arm_arterial"], strict=True)
    ]
    out["adjusted"] = out["measure"].astype(str).eq("aHR")
    out["hr_kind"] = [
        _hr_kind(_text(d), _text(m)) for d, m in zip(out["design"], out["measure"], strict=True)
    ]
    out["p_text"] = [_p_text(p, o) for p, o in zip(out["p_value"], out["p_operator"], strict=True)]
    out["preferred"] = out["preferred"].fillna(True).astype(bool)
    return out.reset_index(drop=True)


def _hr_kind(design: str, measure: str) -> str:
    if measure not in HR_MEASURES:
        return ""
    if measure == "aHR":
        return _HR_KIND["aHR"]
    if design == "rct":
        return _HR_KIND["rct"]
    if design == "indirect_comparison":
        return _HR_KIND["indirect_comparison"]
    return _HR_KIND["observational"]


def _classes_of(value) -> list[str]:
    items = _items(value)
    return items if items else [_NO_CLASS]


def filter_comparisons(
    table: pd.DataFrame,
    *,
    modality: str | None = None,
    systemic_class: str | None = None,
    design: str | None = None,
    endpoint: str | None = None,
    question: str | None = None,
) -> pd.DataFrame:
    """Rows of :func:`comparisons` matching every filter given (``None`` = any).

    Parameters
    ----------
    table : pandas.DataFrame
        The frame returned by :func:`comparisons`.
    modality : str, optional
        Arterial modality of the study or of the first-named arm (``"TACE"`` also matches
        cTACE, DEB-TACE and TACE+HAIC; ``"HAIC"`` also matches TACE+HAIC; ``"none"`` =
        systemic therapy only).
    systemic_class : str, optional
        A class in the first-named arm's ``systemic_class`` (``"TKI"``, ``"anti-VEGF"``,
        ``"PD-(L)1"``...), or ``"none"`` for arms without a systemic agent.
    design : str, optional
        ``"rct"``, ``"cohort"``, ``"single_arm"``, ``"indirect_comparison"``.
    endpoint : str, optional
        ``"PFS"``, ``"OS"``, ``"TTUP"``, ``"RFS"``, ``"PPS"``, or a response endpoint.
    question : str, optional
        A value of the ``question`` column (``"TACE + systemic therapy vs TACE"``).

    Returns
    -------
    pandas.DataFrame
        The matching rows (possibly none: single-arm studies, for example, have no comparison).
    """
    from hcckit.schema import DESIGNS, EFFECT_ENDPOINTS, MODALITIES, SYSTEMIC_CLASSES

    _require(table, ["modalities", "arm_classes", "design", "endpoint", "question"], "table")
    _check_choice(modality, [*MODALITIES], "modality")
    _check_choice(systemic_class, [*SYSTEMIC_CLASSES, _NO_CLASS], "systemic_class")
    _check_choice(design, DESIGNS, "design")
    _check_choice(endpoint, EFFECT_ENDPOINTS, "endpoint")
    mask = pd.Series(True, index=table.index)
    if modality is not None:
        mask &= table["modalities"].map(lambda v: modality in _items(v))
    if systemic_class is not None:
        mask &= table["arm_classes"].map(lambda v: systemic_class in _classes_of(v))
    if design is not None:
        mask &= table["design"].astype(str).eq(design)
    if endpoint is not None:
        mask &= table["endpoint"].astype(str).eq(endpoint)
    if question is not None:
        mask &= table["question"].astype(str).eq(question)
    return table[mask]


def filter_options(table: pd.DataFrame | None = None, *, trials=None, arms=None, outcomes=None) -> dict:
    """Choices for the explorer's filters, taken from the data (for dropdowns).

    Returns
    -------
    dict
        ``endpoint`` (time-to-event endpoints with an HR, in the order PFS, OS, TTUP, RFS, PPS),
        ``design``, ``modality``, ``systemic_class`` (plus ``"none"``), ``criterion`` (response
        criteria with an ORR), ``question`` (per endpoint: ``{endpoint: [questions]}``) and
        ``trials`` (``[(label, trial_id)]`` in publication order).
    """
    from hcckit import data
    from hcckit.schema import DESIGNS, MODALITIES, SYSTEMIC_CLASSES

    trials, arms = _tables(trials, arms)
    table = comparisons(trials=trials, arms=arms) if table is None else table
    outcomes = data.load("outcomes") if outcomes is None else outcomes
    hr = table[table["measure"].astype(str).isin(HR_MEASURES)]
    endpoints = [e for e in TIME_TO_EVENT if e in set(hr["endpoint"].astype(str))]
    designs = [d for d in DESIGNS if d in set(trials["design"].astype(str))]
    tags = set()
    for v in table["modalities"]:
        tags.update(_items(v))
    tags.update(_modality_tags(arms["arterial"]))
    modalities = [m for m in ["TACE", *MODALITIES] if m in tags]
    modalities = list(dict.fromkeys(modalities))
    classes = set()
    for v in arms["systemic_class"]:
        classes.update(_items(v))
    systemic = [c for c in SYSTEMIC_CLASSES if c in classes] + [_NO_CLASS]
    orr = outcomes[outcomes["endpoint"].astype(str).eq("ORR")]
    criteria = [c for c in CRITERIA_ORDER if c in set(orr["criterion"].dropna().astype(str))]
    questions = {
        e: sorted(set(hr.loc[hr["endpoint"].astype(str).eq(e), "question"].astype(str))) for e in endpoints
    }
    order = trials.assign(_y=trials["year"].astype("Float64").fillna(9999)).sort_values(["_y", "name"])
    trial_choices = [
        (f"{_short_name(r.name, r.registry)} · {DESIGN_LABELS.get(str(r.design), r.design)}", str(r.trial_id))
        for r in order.itertuples(index=False)
    ]
    return {
        "endpoint": endpoints,
        "design": designs,
        "modality": modalities,
        "systemic_class": systemic,
        "criterion": criteria,
        "question": questions,
        "trials": trial_choices,
    }


# --------------------------------------------------------------------------- CI arithmetic
def _renamed(fn, names: dict, *args, **kwargs):
    """Call ``fn``; a ValueError naming one of its arguments names the caller's argument instead."""
    try:
        return fn(*args, **kwargs)
    except ValueError as exc:
        text = str(exc)
        for new, old in names.items():
            text = re.sub(rf"(?<![\w.]){new}\b", old, text)
        raise ValueError(text) from None


def se_from_ci(ci_low, ci_high, *, level: float = 0.95) -> float:
    """Standard error of log(HR) from a printed CI at its own level (unitless).

    A thin alias of :func:`hcckit.stats.se_log_ratio_from_ci` (same result, bit for bit) whose
    errors name ``ci_low`` and ``ci_high``, the effects table's columns. Kept for lesson 04,
    ``hcckit.checks.evidence`` and :func:`forest_table`; other code calls ``hcckit.stats``.

    Examples
    --------
    >>> round(se_from_ci(0.69, 1.21, level=0.90), 4)   # STAH OS, printed as a 90 % CI
    0.1707
    """
    return _renamed(
        stats.se_log_ratio_from_ci, {"low": "ci_low", "high": "ci_high"}, ci_low, ci_high, level=level
    )


def ci_at_level(hr, se, *, level: float = 0.95) -> tuple[float, float]:
    """Interval ``exp(ln(hr) -/+ z * se)`` at ``level`` (HR scale): re-expressing a CI at another level.

    A thin alias of :func:`hcckit.stats.ci_at_level` (errors name ``hr``), kept for
    ``hcckit.checks.evidence`` and the tests; other code calls ``hcckit.stats.ci_at_level``.
    """
    return _renamed(stats.ci_at_level, {"estimate": "hr"}, hr, se, level=level)


# --------------------------------------------------------------------------- forest table
def _fmt_ci(low, high, level) -> str:
    if pd.isna(low) or pd.isna(high):
        return "no CI printed"
    return f"{low:.2f}-{high:.2f} ({_pct_label(level)} CI)"


def _other_versions(all_rows: pd.DataFrame, row) -> str:
    """Text for the non-preferred versions (text vs table) of the same comparison."""
    same = all_rows[
        (all_rows["trial_id"] == row["trial_id"])
        & (all_rows["arm_id"] == row["arm_id"])
        & (all_rows["comparator_arm_id"] == row["comparator_arm_id"])
        & (all_rows["endpoint"] == row["endpoint"])
        & (~all_rows["preferred"])
    ]
    parts = []
    for _, o in same.iterrows():
        if str(o["measure"]) in HR_MEASURES and not pd.isna(o["value"]):
            printed = f"{o['measure']} {o['value']:.2f} ({_fmt_ci(o['ci_low'], o['ci_high'], o['ci_level'])})"
        else:
            printed = o["p_text"] or str(o["measure"])
        where = _text(o.get("source_location"))
        note = _text(o.get("note"))
        parts.append(f"Also printed: {printed} in {where}." + (f" {note}" if note else ""))
    own = _text(row.get("note"))
    if "DISCREPANCY" in own:
        parts.insert(0, own)
    return " ".join(parts)


def forest_table(table: pd.DataFrame, *, common_level: float | None = None) -> pd.DataFrame:
    """Hazard ratios ready for a forest plot on a log axis, one row per preferred comparison.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of :func:`comparisons` (filtered or not). Rows whose ``measure`` is not ``HR`` or
        ``aHR`` are dropped; ``preferred == False`` rows (the other printed version of the same
        number) are dropped but described in ``discrepancy``.
    common_level : float, optional
        ``None`` (default): each CI at the level the study printed. ``0.95``: re-express every
        CI at 95 % from its SE (``ci_label`` then says "recomputed" for the changed rows).

    Returns
    -------
    pandas.DataFrame
        Columns: ``row_id``, ``trial_id``, ``study``, ``design``, ``design_label``, ``endpoint``,
        ``comparison``, ``arm_label``, ``comparator_label``, ``label`` (``"STAH: Sorafenib +
        cTACE vs Sorafenib"``), ``measure``, ``hr_kind``, ``adjusted``, ``hr``; ``ci_low``,
        ``ci_high``, ``ci_level`` (drawn); ``printed_ci_low``, ``printed_ci_high``,
        ``printed_level``, ``printed_ci`` (text); ``ci_label`` (``"95 % CI"``, ``"90 % CI"``,
        ``"no CI printed"``...); ``has_ci``; ``log_hr``, ``se_log_hr`` (from the printed CI at its
        own level), ``ci_asymmetric`` (estimate off the centre of its log CI by > 15 % of the
        half-width); ``favours``; ``p_text``; ``direction_note``; ``discrepancy``; ``note``;
        ``source_location``; ``endpoint_definition``, ``definition_source`` (what the trial counts
        as an event, empty when not curated); ``question``; ``comparator_type``; ``stage_group``;
        ``population``; ``order`` (plot order: endpoint, design, year).
    """
    _require(table, ["measure", "preferred", "value", "ci_low", "ci_high", "ci_level", "question"], "table")
    if common_level is not None:
        common_level = _check_level(common_level, "common_level")
    hr_rows = table[table["measure"].astype(str).isin(HR_MEASURES)]
    rows = []
    for _, r in hr_rows[hr_rows["preferred"]].iterrows():
        hr = _num(r["value"])
        if not 0 < hr < math.inf:
            raise ValueError(
                f"effects row {r['row_id']}: {r['measure']} must be a positive number, got {r['value']!r}"
            )
        low, high, level = _num(r["ci_low"]), _num(r["ci_high"]), _num(r["ci_level"])
        has_ci = not (math.isnan(low) or math.isnan(high))
        if has_ci and math.isnan(level):
            raise ValueError(f"effects row {r['row_id']}: a CI is printed but ci_level is empty")
        se = se_from_ci(low, high, level=level) if has_ci else math.nan
        # as printed, no rounding allowance (appraisal.check_hr_ci allows for the rounding)
        asym = has_ci and se > 0 and abs(stats.log_ci_offset(hr, low, high)) > _ASYMMETRY_LIMIT
        draw_low, draw_high, draw_level = low, high, level
        if has_ci:
            ci_label = f"{_pct_label(level)} CI"
        else:
            ci_label = "no CI printed"
        if has_ci and common_level is not None and not math.isclose(level, common_level):
            draw_low, draw_high = stats.ci_at_level(hr, se, level=common_level)
            draw_level = common_level
            ci_label = f"{_pct_label(common_level)} CI (recomputed from the printed {_pct_label(level)} CI)"
        arm, comp = str(r["arm_label"]), str(r["comparator_label"])
        favours = f"favours {arm}" if hr < 1 else (f"favours {comp}" if hr > 1 else "no difference")
        rows.append(
            {
                "row_id": r["row_id"],
                "trial_id": r["trial_id"],
                "study": r["study"],
                "design": r["design"],
                "design_label": r["design_label"],
                "year": r.get("year"),
                "endpoint": r["endpoint"],
                "comparison": r["comparison"],
                "arm_label": arm,
                "comparator_label": comp,
                "study_short": r["study_short"],
                "label": f"{r['study_short']}: {r['comparison']}",
                "measure": r["measure"],
                "hr_kind": r["hr_kind"],
                "adjusted": bool(r["adjusted"]),
                "hr": hr,
                "ci_low": draw_low,
                "ci_high": draw_high,
                "ci_level": draw_level,
                "printed_ci_low": low,
                "printed_ci_high": high,
                "printed_level": level,
                "printed_ci": _fmt_ci(low, high, level),
                "ci_label": ci_label,
                "has_ci": has_ci,
                "log_hr": math.log(hr),
                "se_log_hr": se,
                "ci_asymmetric": asym,
                "favours": favours,
                "p_text": r["p_text"],
                "direction_note": _text(r.get("direction_note")),
                "discrepancy": _other_versions(table, r),
                "note": _text(r.get("note")),
                "source_location": _text(r.get("source_location")),
                "endpoint_definition": _text(r.get("endpoint_definition")),
                "definition_source": _text(r.get("definition_source")),
                "question": r["question"],
                "comparator_type": r["comparator_type"],
                "stage_group": r["stage_group"],
                "population": _text(r.get("population")),
            }
        )
    columns = [
        "row_id", "trial_id", "study", "study_short", "design", "design_label", "year", "endpoint", "comparison",
        "arm_label", "comparator_label", "label", "measure", "hr_kind", "adjusted", "hr", "ci_low",
        "ci_high", "ci_level", "printed_ci_low", "printed_ci_high", "printed_level", "printed_ci",
        "ci_label", "has_ci", "log_hr", "se_log_hr", "ci_asymmetric", "favours", "p_text",
        "direction_note", "discrepancy", "note", "source_location", "endpoint_definition",
        "definition_source", "question", "comparator_type", "stage_group", "population",
    ]  # fmt: skip
    out = pd.DataFrame(rows, columns=columns)
    if out.empty:
        return out.assign(order=pd.Series(dtype=int))
    ep = {e: i for i, e in enumerate(TIME_TO_EVENT)}
    out = out.assign(
        _e=out["endpoint"].map(lambda e: ep.get(e, 99)),
        _d=out["design"].map(lambda d: _DESIGN_ORDER.get(d, 9)),
        _y=pd.to_numeric(out["year"], errors="coerce").fillna(0),
    ).sort_values(["_e", "_d", "_y", "study", "comparison"], ascending=[True, True, False, True, True])
    out = out.drop(columns=["_e", "_d", "_y"]).reset_index(drop=True)
    out["order"] = range(len(out))
    return out


# --------------------------------------------------------------------------- comparability
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


# --------------------------------------------------------------------------- pooling
_METHODS = {"dl": ("dl", "DerSimonian-Laird"), "pm": ("pm", "Paule-Mandel")}


@dataclass(frozen=True)
class PooledEstimate:
    """A random-effects pooled hazard ratio with its heterogeneity, from statsmodels.

    Attributes
    ----------
    method : str
        ``"DerSimonian-Laird"`` or ``"Paule-Mandel"`` (estimator of tau²).
    k : int
        Comparisons pooled (those with a printed CI).
    hr, ci_low, ci_high : float
        Pooled HR and its confidence interval (normal approximation on the log scale).
    level : float
        Confidence level of the pooled CI.
    log_hr, se_log_hr : float
        Pooled log HR and its standard error.
    tau2 : float
        Between-study variance of the log HR (0 when the estimator gives <= 0).
    tau2_truncated : bool
        ``True`` when DerSimonian-Laird's moment estimate was negative and was set to 0 (the
        pooled estimate then equals the fixed-effect one).
    i2 : float
        I² in % (0-100): share of the variability beyond chance, ``max(0, (Q - df) / Q)``.
    q, q_df, q_p : float, int, float
        Cochran's Q, its degrees of freedom (k - 1) and chi-square p-value.
    fixed_hr, fixed_ci_low, fixed_ci_high : float
        Fixed-effect (inverse-variance) HR and CI, for comparison.
    hk_ci_low, hk_ci_high : float
        Hartung-Knapp-Sidik-Jonkman CI of the pooled HR (t distribution with k - 1 df and the
        weighted residual scale; statsmodels' ``conf_int(use_t=True)``). With few studies it is
        the honest interval (IntHout et al., BMC Med Res Methodol 2014;14:25).
    prediction_interval : tuple of float or None
        Approximate prediction interval for the HR of a new study like these:
        ``exp(mu ± t(k-2) * sqrt(tau² + SE²))`` (Higgins, Thompson & Spiegelhalter, JRSS A 2009;
        Cochrane Handbook v6, 10.10.4). ``None`` when k < 3 (t has no degrees of freedom).
    prediction_note : str
        How to read the prediction interval, or why there is none.
    method_problems : tuple of str
        Problems of the pooling method itself (two studies by DerSimonian-Laird with a normal CI
        is anti-conservative: IntHout et al. 2014; Cochrane Handbook v6, 10.10.4).
    library : str
        The function that did the arithmetic.
    studies : pandas.DataFrame
        The pooled rows of the forest table plus ``weight_pct`` (random-effects weight, %).
    excluded : tuple of str
        Rows left out (no CI printed), with the reason.
    comparability : Comparability
        Problems and cautions of the chosen set (see :func:`check_comparability`).
    """

    method: str
    k: int
    hr: float
    ci_low: float
    ci_high: float
    level: float
    log_hr: float
    se_log_hr: float
    tau2: float
    tau2_truncated: bool
    i2: float
    q: float
    q_df: int
    q_p: float
    fixed_hr: float
    fixed_ci_low: float
    fixed_ci_high: float
    comparability: Comparability
    excluded: tuple[str, ...] = ()
    hk_ci_low: float = math.nan
    hk_ci_high: float = math.nan
    prediction_interval: tuple[float, float] | None = None
    prediction_note: str = ""
    method_problems: tuple[str, ...] = ()
    library: str = "statsmodels.stats.meta_analysis.combine_effects"
    studies: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, repr=False)

    @property
    def comparable(self) -> bool:
        """Shortcut for ``comparability.comparable`` (the studies, not the method)."""
        return self.comparability.comparable

    @property
    def problems(self) -> tuple[str, ...]:
        """Every reason not to quote the pooled HR: the studies' and the method's."""
        return (*self.comparability.problems, *self.method_problems)

    @property
    def quotable(self) -> bool:
        """``True`` when neither the studies nor the method raise a problem."""
        return not self.problems

    def summary_line(self) -> str:
        """One line: pooled HR, CI, I², tau², k."""
        return (
            f"Pooled HR {self.hr:.2f} ({_pct_label(self.level)} CI {self.ci_low:.2f}-{self.ci_high:.2f}), "
            f"random effects ({self.method}), k = {self.k}; I² = {self.i2:.0f} %, tau² = {self.tau2:.3f}, "
            f"Q = {self.q:.2f} (df {self.q_df}, P = {self.q_p:.2g})"
        )

    def __str__(self) -> str:
        return "\n".join([self.summary_line(), *[f"- {p}" for p in self.problems], *self.excluded])

    def _repr_html_(self) -> str:
        esc = html.escape
        head = esc(self.summary_line())
        truncated = (
            " DerSimonian-Laird's tau² estimate was negative and is reported as 0 (the pooled HR equals the "
            "fixed-effect one)."
            if self.tau2_truncated
            else ""
        )
        if self.quotable:
            verdict = "<p class='hcckit-comparable' style='color:#1B5E20'><b>These comparisons look comparable.</b></p>"
        elif self.comparable:
            verdict = (
                "<p class='hcckit-not-quotable' style='color:#B00020'><b>Do not quote this pooled number</b> - "
                "the studies may be comparable, but the method is not adequate:</p>"
            )
        else:
            verdict = (
                "<p class='hcckit-not-comparable' style='color:#B00020'><b>NOT comparable</b> - "
                "do not quote this pooled number as an answer:</p>"
            )
        problems = "".join(f"<li style='color:#B00020'>{esc(p)}</li>" for p in self.problems)
        cautions = "".join(f"<li style='color:#7A4B00'>{esc(c)}</li>" for c in self.comparability.cautions)
        excluded = "".join(f"<li>{esc(e)}</li>" for e in self.excluded)
        return (
            "<div class='hcckit-pooled'>"
            f"<p><b>{head}</b></p>"
            f"<p>Hartung-Knapp CI: {self.hk_ci_low:.2f}-{self.hk_ci_high:.2f}. "
            f"Fixed effect for comparison: HR {self.fixed_hr:.2f} ({self.fixed_ci_low:.2f}-"
            f"{self.fixed_ci_high:.2f}).{esc(truncated)} {esc(self.prediction_note)} "
            f"Computed by <code>{esc(self.library)}</code> on log HR, each SE derived from the printed "
            "CI at its own level.</p>"
            f"{verdict}"
            + (f"<ul>{problems}</ul>" if problems else "")
            + (f"<p>Cautions:</p><ul>{cautions}</ul>" if cautions else "")
            + (f"<p>Left out:</p><ul>{excluded}</ul>" if excluded else "")
            + "</div>"
        )


def pool_hazard_ratios(forest: pd.DataFrame, *, method: str = "DL", level: float = 0.95) -> PooledEstimate:
    """Random-effects pooled hazard ratio of the rows of a :func:`forest_table`.

    Parameters
    ----------
    forest : pandas.DataFrame
        Rows of :func:`forest_table` (the subgroup the user chose). Rows without a printed CI
        are left out and listed in ``excluded``.
    method : {"DL", "PM"}, default "DL"
        Estimator of the between-study variance tau²: DerSimonian-Laird (one-step moments) or
        Paule-Mandel (iterated).
    level : float, default 0.95
        Confidence level of the pooled CI.

    Returns
    -------
    PooledEstimate

    Raises
    ------
    ValueError
        when fewer than two rows have a CI, or for a bad ``method``/``level``.

    Notes
    -----
    The arithmetic is ``statsmodels.stats.meta_analysis.combine_effects(log_hr, se**2,
    method_re=...)``; each study's SE comes from its printed CI at its own level
    (:func:`se_from_ci`). statsmodels 0.15 does not truncate DerSimonian-Laird's tau² at zero
    (nor I²), so a negative moment estimate is reported as 0 and the pooled estimate is then
    the fixed-effect one, as DerSimonian & Laird (1986) define it. The pooled CI (``ci_low``,
    ``ci_high``) uses the normal distribution; the Hartung-Knapp-Sidik-Jonkman CI
    (``hk_ci_low``, ``hk_ci_high``) and, for k >= 3, the prediction interval are reported beside
    it. Two studies pooled by DerSimonian-Laird with a normal CI is a ``method_problems`` entry
    (IntHout et al. 2014; Cochrane Handbook v6, 10.10.4): tau² from two studies is almost
    unknown, and the normal CI ignores that.
    """
    from statsmodels.stats.meta_analysis import combine_effects

    _require(forest, ["label", "study", "endpoint", "hr", "log_hr", "se_log_hr", "has_ci"], "forest")
    key = str(method).lower().replace("-", "").replace(" ", "")
    key = {"dersimonianlaird": "dl", "paulemandel": "pm"}.get(key, key)
    # key is "dl" or "pm" from here on
    if key not in _METHODS:
        raise ValueError(f"method: must be 'DL' (DerSimonian-Laird) or 'PM' (Paule-Mandel), got {method!r}")
    level = _check_level(level)
    method_re, method_name = _METHODS[key]
    with_ci = forest[forest["has_ci"].astype(bool) & forest["se_log_hr"].gt(0)]
    excluded = tuple(
        f"{r['label']} ({r['endpoint']}): no confidence interval printed, so no standard error - left out."
        for _, r in forest[~forest.index.isin(with_ci.index)].iterrows()
    )
    if len(with_ci) < 2:
        raise ValueError(
            f"pooling needs at least two comparisons with a confidence interval; this selection has "
            f"{len(with_ci)}" + (f" ({len(excluded)} without a CI)" if excluded else "")
        )
    eff = with_ci["log_hr"].to_numpy(dtype=float)
    var = with_ci["se_log_hr"].to_numpy(dtype=float) ** 2
    # a negative DL tau² makes statsmodels take square roots of negative variances (NaN, then unused)
    with np.errstate(invalid="ignore"):
        res = combine_effects(
            eff, var, method_re=method_re, row_names=list(with_ci["label"]), alpha=1 - level
        )
        ci_fe, ci_re = res.conf_int(alpha=1 - level, use_t=False)[:2]
        _, _, hk_fe, hk_re = res.conf_int(alpha=1 - level, use_t=True)
    tau2 = float(res.tau2)
    truncated = tau2 < 0
    if truncated:  # DL moment estimate below zero: tau² = 0, random effects = fixed effect
        tau2 = 0.0
        mean, se, ci, weights = res.mean_effect_fe, res.sd_eff_w_fe, ci_fe, res.weights_rel_fe
        hk = hk_fe
    else:
        mean, se, ci, weights = res.mean_effect_re, res.sd_eff_w_re, ci_re, res.weights_rel_re
        hk = hk_re
    k = len(with_ci)
    prediction, prediction_note = _prediction_interval(float(mean), float(se), tau2, k, level)
    method_problems = []
    if k == 2:
        method_problems.append(
            f"Only 2 studies pooled by {method_name} with a normal CI: tau² from two studies is almost "
            f"unknown and this CI ignores that, so it is too narrow (IntHout et al. 2014; Cochrane Handbook "
            f"v6, 10.10.4). The Hartung-Knapp {_pct_label(level)} CI is {math.exp(hk[0]):.2f} to "
            f"{math.exp(hk[1]):.2f}: that width is how little two studies can settle."
        )
    homogeneity = res.test_homogeneity()
    q = float(res.q)
    i2 = max(0.0, float(res.i2)) * 100 if q > 0 else 0.0
    studies = with_ci.assign(weight_pct=100 * np.asarray(weights, dtype=float)).reset_index(drop=True)
    return PooledEstimate(
        method=method_name,
        k=len(with_ci),
        hr=math.exp(mean),
        ci_low=math.exp(ci[0]),
        ci_high=math.exp(ci[1]),
        level=level,
        log_hr=float(mean),
        se_log_hr=float(se),
        tau2=tau2,
        tau2_truncated=truncated,
        i2=i2,
        q=q,
        q_df=int(res.k - 1),
        q_p=float(homogeneity.pvalue),
        fixed_hr=math.exp(res.mean_effect_fe),
        fixed_ci_low=math.exp(ci_fe[0]),
        fixed_ci_high=math.exp(ci_fe[1]),
        comparability=check_comparability(with_ci),
        excluded=excluded,
        hk_ci_low=math.exp(hk[0]),
        hk_ci_high=math.exp(hk[1]),
        prediction_interval=prediction,
        prediction_note=prediction_note,
        method_problems=tuple(method_problems),
        studies=studies,
    )


def _prediction_interval(mean: float, se: float, tau2: float, k: int, level: float):
    """Prediction interval of a new study's HR (Higgins et al. 2009), or None with the reason."""
    from scipy import stats

    if k < 3:
        return None, (
            f"No prediction interval: it needs at least 3 studies (t with k - 2 = {k - 2} degrees of freedom)."
        )
    t = float(stats.t.isf((1 - level) / 2, k - 2))
    half = t * math.sqrt(tau2 + se**2)
    low, high = math.exp(mean - half), math.exp(mean + half)
    return (low, high), (
        f"{_pct_label(level)} prediction interval for a new study like these: HR {low:.2f} to {high:.2f} "
        "(where the next study's true effect may fall; Higgins et al. 2009)."
    )


# --------------------------------------------------------------------------- ORR
def _decimals_of(text: str) -> int:
    text = text.strip()
    return len(text.split(".", 1)[1]) if "." in text else 0


def _float_decimals(value: float) -> int:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return _decimals_of(text)


def _printed_decimals(outcomes: pd.DataFrame) -> pd.Series | None:
    """Decimals of ``value`` as printed in the shipped outcomes.csv (``41.0`` -> 1), aligned by row.

    The loader returns floats, which lose the printed precision; the possible-percentage check
    needs it. Returns ``None`` if ``outcomes`` is not the shipped table.
    """
    from hcckit import data

    try:
        raw = pd.read_csv(data.data_dir() / "outcomes.csv", dtype=str, keep_default_na=False)
    except (OSError, ValueError):  # pragma: no cover - packaged data always present
        return None
    keys = ["trial_id", "arm_id", "endpoint"]
    if len(raw) != len(outcomes) or not all(
        (raw[k].to_numpy() == outcomes[k].astype(str).to_numpy()).all() for k in keys
    ):
        return None
    return pd.Series([_decimals_of(v) for v in raw["value"]], index=outcomes.index)


def _printed(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def orr_table(
    outcomes: pd.DataFrame | None = None,
    *,
    trials=None,
    arms=None,
    criterion: str | None = None,
    modality: str | None = None,
    systemic_class: str | None = None,
    design: str | None = None,
    trial_ids=None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Objective response rates by response criterion, with exact (Clopper-Pearson) CIs.

    Parameters
    ----------
    outcomes : pandas.DataFrame, optional
        Rows shaped like the ``outcomes`` table; default: the curated table. A ``value_decimals``
        column, if present, gives the printed precision of ``value`` (otherwise it is read from
        the shipped CSV, or guessed from the float, where ``41.0`` looks like ``41``).
    criterion : str, optional
        ``"RECIST 1.1"``, ``"mRECIST"``, ``"RECICL"`` or ``"unspecified"``.
    modality, systemic_class : str, optional
        The *arm's* arterial modality / systemic class (as in :func:`filter_comparisons`).
    design : str, optional
        Study design.
    trial_ids : iterable of str, optional
        Keep only these studies.
    level : float, default 0.95
        Level of the exact CIs.

    Returns
    -------
    pandas.DataFrame
        One row per printed ORR: ``trial_id``, ``study``, ``design``, ``design_label``,
        ``arm_id``, ``arm_label``, ``arm_role``, ``label``, ``criterion``, ``n``, ``count``,
        ``count_source`` (``"reported"``, ``"derived"`` or ``""``), ``printed_pct``, ``value_max``
        (upper end of a printed range, %), ``is_range``, ``percent`` (the plotted point: count/n
        when a count is reported, else the printed %), ``ci_low``, ``ci_high`` (%), ``ci_level``,
        ``has_ci``, ``ci_status`` (how the CI was obtained, or why there is none),
        ``printed_mismatch`` (a reported count disagrees with the printed %), ``printed_ci``
        (the source's own interval, if any), ``time_months``, ``note``, ``source_location``,
        ``order``.

    Notes
    -----
    When only a percentage and n are printed, the count is derived as ``round(pct * n / 100)``
    and used only if it reproduces the printed percentage at its printed precision; otherwise
    the row says "CI not computable: percentage not possible for n". Weighted percentages
    (sIPTW, MAIC) are not counts over n and get no CI; printed ranges get none either.
    """
    from hcckit import data
    from hcckit.schema import DESIGNS, MODALITIES, SYSTEMIC_CLASSES
    from hcckit.stats import proportion_ci

    level = _check_level(level)
    _check_choice(criterion, CRITERIA_ORDER, "criterion")
    _check_choice(modality, [*MODALITIES], "modality")
    _check_choice(systemic_class, [*SYSTEMIC_CLASSES, _NO_CLASS], "systemic_class")
    _check_choice(design, DESIGNS, "design")
    shipped = outcomes is None
    outcomes = data.load("outcomes") if shipped else outcomes
    _require(outcomes, ["trial_id", "arm_id", "endpoint", "criterion", "count", "n", "value"], "outcomes")
    trials, arms = _tables(trials, arms)
    if "value_decimals" in outcomes.columns:
        decimals = outcomes["value_decimals"]
    else:
        decimals = _printed_decimals(outcomes) if shipped else None
        if decimals is None:
            decimals = outcomes["value"].map(lambda v: _float_decimals(v) if pd.notna(v) else 0)
    orr = outcomes[outcomes["endpoint"].astype(str).eq("ORR")].copy()
    orr["_dec"] = decimals.loc[orr.index]
    tr = trials.set_index(trials["trial_id"].astype(str))
    ar = arms.set_index([arms["trial_id"].astype(str), arms["arm_id"].astype(str)])

    rows = []
    for idx, r in orr.iterrows():
        tid, aid = str(r["trial_id"]), str(r["arm_id"])
        if tid not in tr.index:
            raise ValueError(f"outcomes row {idx}: trial_id {tid!r} is not in the trials table")
        if (tid, aid) not in ar.index:
            raise ValueError(f"outcomes row {idx}: arm_id {aid!r} (trial {tid!r}) is not in the arms table")
        t, a = tr.loc[tid], ar.loc[(tid, aid)]
        crit = _text(r["criterion"]) or "unspecified"
        if criterion is not None and crit != criterion:
            continue
        if design is not None and str(t["design"]) != design:
            continue
        if modality is not None and modality not in _modality_tags([a["arterial"]]):
            continue
        if systemic_class is not None and systemic_class not in _classes_of(a["systemic_class"]):
            continue
        if trial_ids is not None and tid not in set(trial_ids):
            continue
        value = _num(r["value"])
        if math.isnan(value) or not 0 <= value <= 100:
            raise ValueError(f"outcomes row {idx}: ORR value must be a percentage 0-100, got {r['value']!r}")
        vmax = _num(r.get("value_max"))
        n = None if pd.isna(r["n"]) else int(r["n"])
        count = None if pd.isna(r["count"]) else int(r["count"])
        dec = int(r["_dec"]) if pd.notna(r["_dec"]) else 0
        note = _text(r.get("note"))
        weighted = "weighted" in note.lower()
        percent, low, high, has_ci, mismatch, source = value, math.nan, math.nan, False, False, ""
        lvl = _pct_label(level)
        if not math.isnan(vmax):
            status = (
                f"range printed ({_printed(value, dec)}-{_printed(vmax, dec)} %), criteria for each end not "
                "stated: no CI"
            )
        elif n is None:
            status = "CI not computable: n not printed"
        elif count is not None:
            res = proportion_ci(count, n, level=level)
            percent, low, high, has_ci, source = (
                res.percent,
                res.ci_low_pct,
                res.ci_high_pct,
                True,
                "reported",
            )
            status = f"exact {lvl} CI (Clopper-Pearson) from the reported count {count}/{n}"
            # ties="either": a count exactly half-way between two printed values fits both
            if not stats.percent_prints_as(count, n, value, decimals=dec, ties="either"):
                mismatch = True
                status += (
                    f"; printed {_printed(value, dec)} % disagrees with {count}/{n} = {res.percent:.1f} %"
                )
        elif weighted:
            status = "CI not computable: weighted percentage (not a count over n)"
        else:
            derived = math.floor(value * n / 100 + 0.5)
            if stats.percent_prints_as(derived, n, value, decimals=dec, ties="either"):
                res = proportion_ci(derived, n, level=level)
                count, source = derived, "derived"
                low, high, has_ci = res.ci_low_pct, res.ci_high_pct, True
                status = (
                    f"exact {lvl} CI (Clopper-Pearson) from a derived count {derived} = "
                    f"round({_printed(value, dec)} % x {n} / 100); the source prints only the %"
                )
                if "matched" in note.lower():
                    status += " (the denominator may be the matched sample: see note)"
            else:
                status = (
                    f"CI not computable: {_printed(value, dec)} % is not a possible percentage of n = {n}"
                )
        printed_ci = ""
        if pd.notna(r.get("ci_low", np.nan)):
            sided = _text(r.get("ci_sided")) or "two"
            plv = _pct_label(_num(r.get("ci_level"))) if pd.notna(r.get("ci_level", np.nan)) else ""
            if sided == "one_lower":
                printed_ci = f"source: one-sided {plv} lower bound {_num(r['ci_low']):g} %"
            else:
                printed_ci = f"source: {plv} CI {_num(r['ci_low']):g}-{_num(r['ci_high']):g} %"
        rows.append(
            {
                "trial_id": tid,
                "study": str(t["name"]),
                "design": str(t["design"]),
                "design_label": DESIGN_LABELS.get(str(t["design"]), str(t["design"])),
                "year": t.get("year"),
                "arm_id": aid,
                "arm_label": str(a["label"]),
                "arm_role": str(a["role"]),
                "study_short": _short_name(t["name"], t.get("registry")),
                "label": f"{_short_name(t['name'], t.get('registry'))}: {a['label']}",
                "criterion": crit,
                "n": n,
                "count": count,
                "count_source": source,
                "printed_pct": value,
                "value_max": vmax,
                "is_range": not math.isnan(vmax),
                "percent": percent,
                "ci_low": low,
                "ci_high": high,
                "ci_level": level,
                "has_ci": has_ci,
                "ci_status": status,
                "printed_mismatch": mismatch,
                "printed_ci": printed_ci,
                "time_months": _num(r.get("time_months")),
                "note": note,
                "source_location": _text(r.get("source_location")),
            }
        )
    columns = [
        "trial_id", "study", "study_short", "design", "design_label", "year", "arm_id", "arm_label", "arm_role", "label",
        "criterion", "n", "count", "count_source", "printed_pct", "value_max", "is_range", "percent",
        "ci_low", "ci_high", "ci_level", "has_ci", "ci_status", "printed_mismatch", "printed_ci",
        "time_months", "note", "source_location",
    ]  # fmt: skip
    out = pd.DataFrame(rows, columns=columns)
    out["n"] = out["n"].astype("Int64")
    out["count"] = out["count"].astype("Int64")
    if out.empty:
        return out.assign(order=pd.Series(dtype=int))
    crit_order = {c: i for i, c in enumerate(CRITERIA_ORDER)}
    role_order = {"single": 0, "experimental": 0, "control": 1}
    out = out.assign(
        _c=out["criterion"].map(lambda c: crit_order.get(c, 9)),
        _d=out["design"].map(lambda d: _DESIGN_ORDER.get(d, 9)),
        _y=pd.to_numeric(out["year"], errors="coerce").fillna(0),
        _r=out["arm_role"].map(lambda r: role_order.get(r, 2)),
    ).sort_values(["_c", "_d", "_y", "study", "_r"], ascending=[True, True, False, True, True])
    out = out.drop(columns=["_c", "_d", "_y", "_r"]).reset_index(drop=True)
    out["order"] = range(len(out))
    return out


# --------------------------------------------------------------------------- cross-trial
@dataclass(frozen=True)
class CrossTrialComparison:
    """Two studies side by side, and why comparing their numbers directly misleads.

    Attributes
    ----------
    trial_ids : tuple of str
    studies : tuple of str
        Their names.
    profile : pandas.DataFrame
        Long table ``aspect``, ``study``, ``trial_id``, ``value`` (text as printed or
        assembled from the curated tables), ``aspect_order``.
    reasons : tuple of str
        Specific reasons, found in the data, why a naive comparison misleads.
    """

    trial_ids: tuple[str, str]
    studies: tuple[str, str]
    profile: pd.DataFrame = field(compare=False, repr=False)
    reasons: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.studies[0]} vs {self.studies[1]}:\n" + "\n".join(f"- {r}" for r in self.reasons)

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(r)}</li>" for r in self.reasons)
        a, b = (html.escape(s) for s in self.studies)
        return (
            f"<div class='hcckit-cross-trial'><p><b>Why {a} and {b} cannot be compared number for number:"
            f"</b></p><ul>{items}</ul></div>"
        )


def _trial_facts(tid: str, trials, arms, outcomes, orr) -> dict:
    t = trials.set_index(trials["trial_id"].astype(str)).loc[tid]
    a = arms[arms["trial_id"].astype(str).eq(tid)]
    o = outcomes[outcomes["trial_id"].astype(str).eq(tid)]
    r = orr[orr["trial_id"].eq(tid)]
    arms_text = "; ".join(
        f"{x.label} (n = {x.n})" if pd.notna(x.n) else f"{x.label} (n not given)" for x in a.itertuples()
    )
    single = len(a) == 1
    orr_text = "; ".join(
        ("" if single else f"{x.arm_label}: ")
        + f"{x.printed_pct:g}"
        + (f"-{x.value_max:g}" if x.is_range else "")
        + f" % ({x.criterion}"
        + (f", at {x.time_months:g} months" if not math.isnan(x.time_months) else "")
        + ")"
        for x in r.itertuples()
    )

    def medians(endpoint):
        m = o[o["endpoint"].astype(str).eq(endpoint)]
        parts = []
        for x in m.itertuples():
            label = a.loc[a["arm_id"].astype(str).eq(str(x.arm_id)), "label"]
            label = str(label.iloc[0]) if len(label) else str(x.arm_id)
            value = "not reached" if _text(x.qualifier) == "not_reached" else f"{x.value:g}"
            parts.append(value if single else f"{label}: {value}")
        return "; ".join(parts)

    follow = o[o["endpoint"].astype(str).eq("median_follow_up")]
    follow_up = math.nan if follow.empty else float(follow["value"].iloc[0])
    phase = _text(t.get("phase"))
    design = DESIGN_LABELS.get(str(t["design"]), str(t["design"])) + (f", phase {phase}" if phase else "")
    systemic = sorted({s for v in a["systemic"] for s in _items(v)})
    controls = sorted(str(x) for x in a.loc[a["role"].astype(str).eq("control"), "label"])
    return {
        "study": _short_name(t["name"], t.get("registry")),
        "name": str(t["name"]),
        "controls": controls,
        "design": str(t["design"]),
        "design_text": design,
        "population": _text(t["population"]),
        "stage_group": STAGE_GROUPS.get(tid, "not classified"),
        "country": _text(t.get("country")),
        "year": "" if pd.isna(t.get("year")) else str(int(t["year"])),
        "modality": _text(t.get("modality")),
        "systemic": systemic,
        "arms": arms_text,
        "n_max": int(a["n"].max()) if a["n"].notna().any() else None,
        "orr": orr_text or "not reported",
        "criteria": sorted(set(r["criterion"])),
        "orr_rows": r,
        "pfs": medians("median_PFS") or "not reported",
        "os": medians("median_OS") or "not reported",
        "follow_up": follow_up,
        "source": _text(t.get("source")),
        "from_review": "review" in _text(t.get("source")).lower(),
        "discrepancies": "DISCREPANCY"
        in " ".join([_text(t.get("note")), *[_text(v) for v in o.get("note", [])]]),
        "note": _text(t.get("note")),
    }


def cross_trial_comparison(
    trial_a: str, trial_b: str, *, trials=None, arms=None, outcomes=None
) -> CrossTrialComparison:
    """Put two studies side by side and list why a naive comparison of their numbers misleads.

    Parameters
    ----------
    trial_a, trial_b : str
        Two different ``trial_id`` values.
    trials, arms, outcomes : pandas.DataFrame, optional
        Default: the curated tables.

    Returns
    -------
    CrossTrialComparison
        ``profile`` (aspects: design, population, stage group, country and year, arterial
        therapy, arms (n), ORR (criterion), median PFS and OS (months), median follow-up
        (months), source) and ``reasons`` found in the data: no control arm, different
        stages/populations, response criteria (with a same-patients example where the data
        have one), timing of response assessment, follow-up, arterial technique, systemic
        agents, sample size (width of the exact ORR CI), secondary sources and recorded
        discrepancies.

    Raises
    ------
    ValueError
        for an unknown trial or the same trial twice.
    """
    from hcckit import data

    trials, arms = _tables(trials, arms)
    given = outcomes
    outcomes = data.load("outcomes") if outcomes is None else outcomes
    known = set(trials["trial_id"].astype(str))
    for name, tid in (("trial_a", trial_a), ("trial_b", trial_b)):
        if not isinstance(tid, str) or tid not in known:
            raise ValueError(f"{name}: unknown trial {tid!r}; choose a trial_id from the trials table")
    if trial_a == trial_b:
        raise ValueError("trial_b: pick two different studies to compare")
    orr = orr_table(given, trials=trials, arms=arms)
    fa = _trial_facts(trial_a, trials, arms, outcomes, orr)
    fb = _trial_facts(trial_b, trials, arms, outcomes, orr)

    def fu(f):
        return "not reported" if math.isnan(f["follow_up"]) else f"{f['follow_up']:g}"

    aspects = [
        ("Design", "design_text"),
        ("Population (as printed)", "population"),
        ("Stage group (kit classification)", "stage_group"),
        ("Country, year", None),
        ("Arterial therapy", "modality"),
        ("Arms (patients)", "arms"),
        ("ORR (criterion)", "orr"),
        ("Median PFS (months)", "pfs"),
        ("Median OS (months)", "os"),
        ("Median follow-up (months)", None),
        ("Numbers taken from", "source"),
    ]
    rows = []
    for i, (aspect, key) in enumerate(aspects):
        for tid, f in ((trial_a, fa), (trial_b, fb)):
            if aspect == "Country, year":
                value = ", ".join(v for v in (f["country"], f["year"]) if v)
            elif aspect.startswith("Median follow-up"):
                value = fu(f)
            else:
                value = f[key]
            rows.append(
                {"aspect": aspect, "aspect_order": i, "trial_id": tid, "study": f["study"], "value": value}
            )
    profile = pd.DataFrame(rows)

    a, b = fa["study"], fb["study"]
    reasons: list[str] = []
    singles = [f["study"] for f in (fa, fb) if f["design"] == "single_arm"]
    if len(singles) == 2:
        reasons.append(
            f"Neither {a} nor {b} has a control arm: each number mixes the treatment's effect with who was "
            "enrolled, so a difference between them is not a treatment effect."
        )
    elif singles:
        reasons.append(
            f"{singles[0]} is single-arm: with no control arm its results cannot be separated from patient selection."
        )
    if fa["design"] != fb["design"]:
        reasons.append(f"Designs differ: {fa['design_text']} vs {fb['design_text']}.")
    if fa["controls"] and fb["controls"] and fa["controls"] != fb["controls"]:
        reasons.append(
            f"Different control arms ({', '.join(fa['controls'])} in {a}; {', '.join(fb['controls'])} in {b}): "
            "compare each treatment with its own control inside its trial, not arms across trials."
        )
    if fa["stage_group"] != fb["stage_group"]:
        reasons.append(
            f"Different populations: {a} enrolled '{fa['population']}'; {b} enrolled '{fb['population']}'. "
            "Stage and liver function change prognosis before any treatment is given."
        )
    elif fa["population"] != fb["population"]:
        reasons.append(
            f"Populations are described differently ('{fa['population']}' vs '{fb['population']}'): compare the "
            "inclusion criteria before comparing results."
        )
    ca, cb = set(fa["criteria"]), set(fb["criteria"])
    if ca and cb and ca != cb:
        reasons.append(
            f"Response criteria differ: {a} reports ORR by {', '.join(sorted(ca))}; {b} by {', '.join(sorted(cb))}."
        )
    if ca and cb:
        example = _same_patients_example(orr, prefer=(trial_a, trial_b))
        if example and (ca != cb or len(ca | cb) > 1):
            reasons.append(example)
    if not ca or not cb:
        missing = a if not ca else b
        reasons.append(f"{missing} reports no ORR: there is nothing to compare response with.")
    timed = [
        f"{f['study']} ({', '.join(f'{t:g}' for t in sorted(set(f['orr_rows']['time_months'].dropna())))} months)"
        for f in (fa, fb)
        if f["orr_rows"]["time_months"].notna().any()
    ]
    if timed:
        reasons.append(
            "Response was assessed at a fixed time in "
            + ", ".join(timed)
            + ", not as best overall response: "
            "the same tumours can be counted differently."
        )
    fua, fub = fu(fa), fu(fb)
    if fua == fub == "not reported":
        reasons.append(
            "Neither reports a median follow-up here: without it you cannot tell whether medians and rates are "
            "mature or may still change."
        )
    elif fua != fub:
        reasons.append(
            f"Median follow-up: {a} {fua}{'' if fua == 'not reported' else ' months'}; {b} {fub}"
            f"{'' if fub == 'not reported' else ' months'}. Medians and rates from short or unreported follow-up "
            "are unstable and can still change."
        )
    if fa["modality"] != fb["modality"]:
        reasons.append(f"Arterial technique differs: {fa['modality']} vs {fb['modality']}.")
    if fa["systemic"] != fb["systemic"]:
        sa = ", ".join(fa["systemic"]) or "none"
        sb = ", ".join(fb["systemic"]) or "none"
        reasons.append(f"Systemic agents differ: {sa} ({a}) vs {sb} ({b}).")
    widths = []
    for f in (fa, fb):
        ci = f["orr_rows"][f["orr_rows"]["has_ci"]]
        if len(ci):
            x = ci.iloc[0]
            widths.append(
                f"{f['study']} {x['count']}/{x['n']} ({x['criterion']}): {x['ci_low']:.0f}-{x['ci_high']:.0f} %"
            )
    if widths:
        reasons.append(
            "Chance alone: exact 95 % CIs of ORR are "
            + "; ".join(widths)
            + ". Read the intervals, not the points."
        )
    reviews = [f["study"] for f in (fa, fb) if f["from_review"]]
    if reviews and len(reviews) < 2:
        reasons.append(
            f"The numbers for {reviews[0]} come from a review, not the original paper: definitions and "
            "denominators are often missing."
        )
    flagged = [f["study"] for f in (fa, fb) if f["discrepancies"]]
    if flagged:
        reasons.append(
            f"Recorded source discrepancies in {', '.join(flagged)}: check the notes before quoting."
        )
    return CrossTrialComparison((trial_a, trial_b), (fa["name"], fb["name"]), profile, tuple(reasons))


def _same_patients_example(orr: pd.DataFrame, *, prefer) -> str | None:
    """An arm with ORR by RECIST 1.1 and by mRECIST in the same patients (from ``prefer`` if possible)."""
    both = []
    for (tid, _arm), g in orr.groupby(["trial_id", "arm_id"], sort=False):
        crits = dict(zip(g["criterion"], g["printed_pct"], strict=True))
        if "RECIST 1.1" in crits and "mRECIST" in crits:
            both.append(
                (tid not in prefer, str(g["study_short"].iloc[0]), str(g["arm_label"].iloc[0]), crits)
            )
    if not both:
        return None
    _, study, arm, crits = sorted(both, key=lambda x: x[0])[0]
    return (
        f"Criteria alone move ORR: in {study} ({arm}) the same patients had ORR {crits['RECIST 1.1']:g} % by "
        f"RECIST 1.1 and {crits['mRECIST']:g} % by mRECIST (mRECIST measures only enhancing, viable tumour)."
    )
