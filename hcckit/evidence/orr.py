"""Objective response rates by response criterion, with exact (Clopper-Pearson) CIs.

:func:`orr_table` lists every printed ORR of the curated ``outcomes`` table (or of rows shaped
like it) with its trial and arm, and an exact CI from :func:`hcckit.stats.proportion_ci` (the
one home of that arithmetic) when a count over n is printed or can be derived from the printed
percentage and n. Percentages are 0-100 % (``percent``, ``ci_low_pct``, ``ci_high_pct``); the
printed precision of each value comes from ``hcckit.data.load("outcomes", as_printed=True)``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from hcckit import stats
from hcckit.evidence._common import (
    _DESIGN_ORDER,
    _NO_CLASS,
    _check_choice,
    _check_level,
    _classes_of,
    _modality_tags,
    _num,
    _pct_label,
    _require,
    _short_name,
    _tables,
    _text,
)
from hcckit.evidence.vocabulary import CRITERIA_ORDER, DESIGN_LABELS

__all__ = ["orr_table"]

# columns of orr_table's result, in order (``order`` last)
_COLUMNS = (
    "trial_id", "study", "study_short", "design", "design_label", "year", "arm_id", "arm_label", "arm_role", "label",
    "criterion", "n", "count", "count_source", "printed_pct", "value_max", "is_range", "percent",
    "ci_low_pct", "ci_high_pct", "level", "has_ci", "ci_status", "printed_mismatch", "printed_ci",
    "time_months", "note", "source_location", "order",
)  # fmt: skip


def _decimals_of(text: str) -> int:
    text = text.strip()
    return len(text.split(".", 1)[1]) if "." in text else 0


def _float_decimals(value: float) -> int:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return _decimals_of(text)


def _printed_decimals(outcomes: pd.DataFrame) -> pd.Series | None:
    """Decimals of ``value`` as printed in the shipped outcomes table (``41.0`` -> 1), aligned by row.

    The loader returns floats, which lose the printed precision; the possible-percentage check
    needs it, from ``data.load("outcomes", as_printed=True)``. Returns ``None`` if ``outcomes``
    is not the shipped table.
    """
    from hcckit import data

    raw = data.load("outcomes", as_printed=True)
    keys = ["trial_id", "arm_id", "endpoint"]
    if len(raw) != len(outcomes) or not all(
        (raw[k].to_numpy() == outcomes[k].astype(str).to_numpy()).all() for k in keys
    ):
        return None
    return pd.Series([_decimals_of(v) for v in raw["value"]], index=outcomes.index)


def _printed(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def _value_decimals(outcomes: pd.DataFrame, shipped: bool) -> pd.Series:
    """Printed decimals of each ``value``: a ``value_decimals`` column, the shipped CSV, or the float."""
    if "value_decimals" in outcomes.columns:
        return outcomes["value_decimals"]
    decimals = _printed_decimals(outcomes) if shipped else None
    if decimals is None:
        decimals = outcomes["value"].map(lambda v: _float_decimals(v) if pd.notna(v) else 0)
    return decimals


def _wanted(trial, arm, crit: str, tid: str, filters: dict) -> bool:
    """Whether an ORR row of ``trial``/``arm`` passes the filters of :func:`orr_table`."""
    f = filters
    return not (
        (f["criterion"] is not None and crit != f["criterion"])
        or (f["design"] is not None and str(trial["design"]) != f["design"])
        or (f["modality"] is not None and f["modality"] not in _modality_tags([arm["arterial"]]))
        or (f["systemic_class"] is not None and f["systemic_class"] not in _classes_of(arm["systemic_class"]))
        or (f["trial_ids"] is not None and tid not in set(f["trial_ids"]))
    )


def _exact_interval(value: float, vmax: float, n, count, dec: int, note: str, level: float) -> dict:
    """The plotted percent, exact CI (%) and how it was obtained - or why there is none - for one ORR."""
    out = {"percent": value, "ci_low_pct": math.nan, "ci_high_pct": math.nan, "has_ci": False,
           "printed_mismatch": False, "count_source": "", "count": count}  # fmt: skip
    lvl = _pct_label(level)
    if not math.isnan(vmax):
        status = (
            f"range printed ({_printed(value, dec)}-{_printed(vmax, dec)} %), criteria for each end not "
            "stated: no CI"
        )
    elif n is None:
        status = "CI not computable: n not printed"
    elif count is not None:
        res = stats.proportion_ci(count, n, level=level)
        out.update(percent=res.percent, ci_low_pct=res.ci_low_pct, ci_high_pct=res.ci_high_pct, has_ci=True,
                   count_source="reported")  # fmt: skip
        status = f"exact {lvl} CI (Clopper-Pearson) from the reported count {count}/{n}"
        # ties="either": a count exactly half-way between two printed values fits both
        if not stats.percent_prints_as(count, n, value, decimals=dec, ties="either"):
            out["printed_mismatch"] = True
            status += f"; printed {_printed(value, dec)} % disagrees with {count}/{n} = {res.percent:.1f} %"
    elif "weighted" in note.lower():
        status = "CI not computable: weighted percentage (not a count over n)"
    else:
        derived = math.floor(value * n / 100 + 0.5)
        if stats.percent_prints_as(derived, n, value, decimals=dec, ties="either"):
            res = stats.proportion_ci(derived, n, level=level)
            out.update(count=derived, count_source="derived", ci_low_pct=res.ci_low_pct,
                       ci_high_pct=res.ci_high_pct, has_ci=True)  # fmt: skip
            status = (
                f"exact {lvl} CI (Clopper-Pearson) from a derived count {derived} = "
                f"round({_printed(value, dec)} % x {n} / 100); the source prints only the %"
            )
            if "matched" in note.lower():
                status += " (the denominator may be the matched sample: see note)"
        else:
            status = f"CI not computable: {_printed(value, dec)} % is not a possible percentage of n = {n}"
    out["ci_status"] = status
    return out


def _source_interval(r) -> str:
    """The source's own interval of an ORR row, as text (``""`` when none is printed)."""
    if not pd.notna(r.get("ci_low", np.nan)):
        return ""
    sided = _text(r.get("ci_sided")) or "two"
    plv = _pct_label(_num(r.get("ci_level"))) if pd.notna(r.get("ci_level", np.nan)) else ""
    if sided == "one_lower":
        return f"source: one-sided {plv} lower bound {_num(r['ci_low']):g} %"
    return f"source: {plv} CI {_num(r['ci_low']):g}-{_num(r['ci_high']):g} %"


def _orr_row(idx, r, t, a, crit: str, level: float) -> dict:
    """One row of :func:`orr_table` from an ``outcomes`` row ``r`` of trial ``t`` and arm ``a``."""
    value = _num(r["value"])
    if math.isnan(value) or not 0 <= value <= 100:
        raise ValueError(f"outcomes row {idx}: ORR value must be a percentage 0-100, got {r['value']!r}")
    vmax = _num(r.get("value_max"))
    n = None if pd.isna(r["n"]) else int(r["n"])
    count = None if pd.isna(r["count"]) else int(r["count"])
    dec = int(r["_dec"]) if pd.notna(r["_dec"]) else 0
    note = _text(r.get("note"))
    interval = _exact_interval(value, vmax, n, count, dec, note, level)
    short = _short_name(t["name"], t.get("registry"))
    return {
        "trial_id": str(r["trial_id"]),
        "study": str(t["name"]),
        "design": str(t["design"]),
        "design_label": DESIGN_LABELS.get(str(t["design"]), str(t["design"])),
        "year": t.get("year"),
        "arm_id": str(r["arm_id"]),
        "arm_label": str(a["label"]),
        "arm_role": str(a["role"]),
        "study_short": short,
        "label": f"{short}: {a['label']}",
        "criterion": crit,
        "n": n,
        "printed_pct": value,
        "value_max": vmax,
        "is_range": not math.isnan(vmax),
        "level": level,
        **interval,
        "printed_ci": _source_interval(r),
        "time_months": _num(r.get("time_months")),
        "note": note,
        "source_location": _text(r.get("source_location")),
    }


def _in_plot_order(out: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by criterion, design, year (newest first), study and arm role; ``order`` added."""
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
        the shipped table as printed, or guessed from the float, where ``41.0`` looks like ``41``).
    criterion : str, optional
        ``"RECIST 1.1"``, ``"mRECIST"``, ``"RECICL"`` or ``"unspecified"``.
    modality, systemic_class : str, optional
        The *arm's* arterial modality / systemic class (as in :func:`hcckit.evidence.filter_comparisons`).
    design : str, optional
        Study design.
    trial_ids : iterable of str, optional
        Keep only these studies.
    level : float, default 0.95
        Level of the exact CIs.

    Returns
    -------
    pandas.DataFrame
        One row per printed ORR: ``trial_id``, ``study``,
        ``design``, ``design_label``, ``arm_id``, ``arm_label``, ``arm_role``, ``label``,
        ``criterion``, ``n``, ``count``, ``count_source`` (``"reported"``, ``"derived"`` or
        ``""``), ``printed_pct``, ``value_max`` (upper end of a printed range, %), ``is_range``,
        ``percent`` (the plotted point: count/n when a count is reported, else the printed %),
        ``ci_low_pct``, ``ci_high_pct`` (%), ``level``, ``has_ci``, ``ci_status`` (how the CI was
        obtained, or why there is none), ``printed_mismatch`` (a reported count disagrees with
        the printed %), ``printed_ci`` (the source's own interval, if any), ``time_months``,
        ``note``, ``source_location``, ``order``.

    Notes
    -----
    When only a percentage and n are printed, the count is derived as ``round(pct * n / 100)``
    and used only if it reproduces the printed percentage at its printed precision; otherwise
    the row says "CI not computable: percentage not possible for n". Weighted percentages
    (sIPTW, MAIC) are not counts over n and get no CI; printed ranges get none either. The CI
    columns were once ``ci_low``, ``ci_high`` (%) and ``ci_level``: the kit's vocabulary names a
    percentage bound ``_pct`` and a confidence level ``level``.
    """
    from hcckit import data
    from hcckit.schema import DESIGNS, MODALITIES, SYSTEMIC_CLASSES

    level = _check_level(level)
    _check_choice(criterion, CRITERIA_ORDER, "criterion")
    _check_choice(modality, [*MODALITIES], "modality")
    _check_choice(systemic_class, [*SYSTEMIC_CLASSES, _NO_CLASS], "systemic_class")
    _check_choice(design, DESIGNS, "design")
    filters = {"criterion": criterion, "modality": modality, "systemic_class": systemic_class,
               "design": design, "trial_ids": trial_ids}  # fmt: skip
    shipped = outcomes is None
    outcomes = data.load("outcomes") if shipped else outcomes
    _require(outcomes, ["trial_id", "arm_id", "endpoint", "criterion", "count", "n", "value"], "outcomes")
    trials, arms = _tables(trials, arms)
    decimals = _value_decimals(outcomes, shipped)
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
        if _wanted(t, a, crit, tid, filters):
            rows.append(_orr_row(idx, r, t, a, crit, level))
    out = pd.DataFrame(rows, columns=list(_COLUMNS[:-1]))
    out["n"] = out["n"].astype("Int64")
    out["count"] = out["count"].astype("Int64")
    return _in_plot_order(out)
