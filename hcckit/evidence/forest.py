"""Hazard ratios ready for a forest plot, each CI at the level its study printed, and the CI arithmetic.

* :func:`forest_table` keeps the hazard ratios (HR, adjusted HR) of rows of
  :func:`hcckit.evidence.comparisons` for a forest plot on a log axis, each with the CI *at the
  level the study printed* (STAH prints 90 % CIs), the standard error of log HR derived from that
  CI at its own level, and any discrepancy or arm-order note from the curation;
* :func:`se_from_ci` and :func:`ci_at_level`: thin aliases of :mod:`hcckit.stats` whose errors
  name the effects table's columns.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from hcckit import stats
from hcckit.evidence._common import _DESIGN_ORDER, _check_level, _num, _pct_label, _require, _text
from hcckit.evidence.vocabulary import HR_MEASURES, TIME_TO_EVENT

__all__ = ["forest_table", "se_from_ci", "ci_at_level"]

_ASYMMETRY_LIMIT = 0.15  # |log HR - centre of log CI| as a share of the log CI half-width


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
        ``ci_high``, ``level`` (drawn); ``printed_ci_low``, ``printed_ci_high``,
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
                "level": draw_level,
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
        "ci_high", "level", "printed_ci_low", "printed_ci_high", "printed_level", "printed_ci",
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
