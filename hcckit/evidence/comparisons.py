"""The tidy table of every curated between-arm comparison, its filters and the explorer's choices.

* :func:`comparisons` joins every comparison in ``effects`` with its trial (design, population,
  stage) and both arms (arterial modality, systemic classes), and names the question it answers
  (``"TACE + systemic therapy vs TACE"``);
* :func:`filter_comparisons` narrows it by arterial modality, systemic class, design, endpoint
  and question;
* :func:`explorer_options` lists the choices of the evidence explorer's filters, from the data
  (``filter_options`` is its deprecated old name).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hcckit._deprecation import renamed_function
from hcckit.evidence._common import (
    _NO_CLASS,
    _check_choice,
    _classes_of,
    _items,
    _modality_tags,
    _require,
    _short_name,
    _tables,
    _text,
)
from hcckit.evidence.vocabulary import CRITERIA_ORDER, DESIGN_LABELS, HR_MEASURES, STAGE_GROUPS, TIME_TO_EVENT

__all__ = ["comparisons", "filter_comparisons", "explorer_options", "filter_options"]

_SYSTEMIC = {"TKI", "anti-VEGF", "PD-(L)1", "CTLA-4", "chemotherapy"}
_HR_KIND = {
    "rct": "HR (randomised)",
    "aHR": "adjusted HR (observational)",
    "observational": "HR, adjustment not stated (observational)",
    "indirect_comparison": "HR (indirect comparison, MAIC)",
}


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


def explorer_options(table: pd.DataFrame | None = None, *, trials=None, arms=None, outcomes=None) -> dict:
    """Choices for the evidence explorer's filters (lesson 04's dropdowns), taken from the data.

    Not the shape of :func:`hcckit.catalogue.filter_options` (the landing page's filters: four
    lists of plain values, each starting with ``"all"``): here the lists hold no "all" entry (the
    panels add their own "any"), ``question`` is a dict and ``trials`` a list of pairs.

    Parameters
    ----------
    table : pandas.DataFrame, optional
        The frame of :func:`comparisons`; default: built from ``trials`` and ``arms``.
    trials, arms, outcomes : pandas.DataFrame, optional
        Default: the curated tables.

    Returns
    -------
    dict
        ``endpoint``: list of str (time-to-event endpoints with an HR, in the order PFS, OS, TTUP,
        RFS, PPS); ``design``, ``modality``, ``systemic_class`` (plus ``"none"``), ``criterion``
        (response criteria with an ORR): lists of str; ``question``: ``{endpoint: [questions]}``
        (sorted); ``trials``: list of ``(label, trial_id)`` pairs in publication order, the label
        ``"<short name> · <design>"``.
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


#: Deprecated name of :func:`explorer_options` (warns ``DeprecationWarning``); not the shape of
#: :func:`hcckit.catalogue.filter_options`.
filter_options = renamed_function(explorer_options, "filter_options")
