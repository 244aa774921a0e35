"""The audited tables as printed: curated CSV text, user tables prepared, a cell's text, a row's context."""

from __future__ import annotations

import numbers
from collections.abc import Mapping

from hcckit.appraisal.printed import _missing, _show


# --------------------------------------------------------------------------- audit of tables
def _raw_texts() -> dict:
    """The curated tables as printed (``hcckit.data.load(name, as_printed=True)``: text, ``""`` when
    empty), to read the printed precision of each number."""
    from hcckit import data

    return {name: data.load(name, as_printed=True) for name in data.TABLE_NAMES}


def _printed(frame, texts, name: str, idx, col: str):
    """The cell as printed: the CSV text when known, else the value itself."""
    text = texts.get(name)
    if text is not None and col in text.columns and idx in text.index:
        cell = text.at[idx, col]
        if isinstance(cell, str) and cell.strip():
            return cell.strip()
    value = frame.at[idx, col]
    return None if _missing(value) else value


def _printed_p(effects, texts, idx, row) -> tuple:
    """An ``effects`` row's p-value as printed, and its operator (``"="`` when none is printed)."""
    return _printed(effects, texts, "effects", idx, "p_value"), _s(row.get("p_operator")) or "="


def _s(x) -> str:
    return "" if _missing(x) else str(x)


def _is_review(row) -> bool:
    return _s(row.get("source_location")).lower().startswith("review")


def _line(idx) -> int | None:
    return int(idx) + 2 if isinstance(idx, numbers.Integral) else None


def _ctx(name: str, idx, row, what: str, studies: Mapping) -> dict:
    trial = _s(row.get("trial_id"))
    return dict(
        trial_id=trial,
        arm_id=_s(row.get("arm_id")),
        study=studies.get(trial, ""),
        what=what,
        table=name,
        line=_line(idx),
        source_location=_s(row.get("source_location")),
    )


def _outcome_what(row) -> str:
    what = _s(row["endpoint"])
    if _s(row.get("item")):
        what += f" ({row['item']})"
    if _s(row.get("criterion")):
        what += f" ({row['criterion']})"
    if not _missing(row.get("time_months")) and (
        what.endswith("_rate") or "_rate" in what or row["endpoint"] in ("response_maintained",)
    ):
        what += f" at {float(row['time_months']):g} months"
    return what


def _trial_notes(tables) -> dict:
    trials = tables.get("trials")
    if trials is None or "note" not in trials:
        return {}
    return {_s(r["trial_id"]): _s(r["note"]) for _, r in trials.iterrows()}


def _studies(tables) -> dict:
    trials = tables.get("trials")
    if trials is None or "name" not in trials:
        return {}
    return {_s(r["trial_id"]): _s(r["name"]) for _, r in trials.iterrows()}


def _designs(tables) -> dict:
    trials = tables.get("trials")
    if trials is None or "design" not in trials:
        return {}
    return {_s(r["trial_id"]): _s(r["design"]) for _, r in trials.iterrows()}


def _prepare(tables) -> tuple[dict, dict]:
    """Copy user tables; keep string cells as printed text and convert numeric columns."""
    import pandas as pd

    numeric = {
        "outcomes": ["time_months", "count", "n", "value", "value_max", "ci_low", "ci_high", "ci_level"],
        "effects": ["value", "ci_low", "ci_high", "ci_level", "p_value"],
        "adverse_events": ["count", "n", "percent_reported"],
        "at_risk": ["time_months", "n_at_risk"],
        "arms": ["n", "n_evaluable"],
        "baseline": ["count", "n", "value"],
    }
    out, texts = {}, {}
    for name, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"tables[{_show(name)}]: expected a pandas DataFrame, got {type(frame).__name__}")
        frame = frame.copy()
        text = pd.DataFrame(index=frame.index)
        for col in numeric.get(name, []):
            if col not in frame:
                continue
            if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
                text[col] = frame[col].map(lambda v: v.strip() if isinstance(v, str) and v.strip() else None)
                converted = pd.to_numeric(frame[col], errors="coerce")
                bad = frame[col].notna() & frame[col].astype(str).str.strip().ne("") & converted.isna()
                if bad.any():
                    i = bad.idxmax()
                    raise ValueError(
                        f"tables[{_show(name)}], row {i!r}, column {col!r}: {frame.at[i, col]!r} is not a number"
                    )
                frame[col] = converted
        if "preferred" in frame and frame["preferred"].dtype != bool:
            frame["preferred"] = (
                frame["preferred"].astype(str).str.strip().str.lower().isin(["true", "1", "yes"])
            )
        out[name] = frame
        texts[name] = text
    required = {
        "outcomes": [
            "trial_id",
            "arm_id",
            "endpoint",
            "count",
            "n",
            "value",
            "unit",
            "statistic",
            "source_location",
        ],
        "effects": [
            "trial_id",
            "arm_id",
            "comparator_arm_id",
            "endpoint",
            "measure",
            "value",
            "ci_low",
            "ci_high",
            "p_value",
        ],
        "adverse_events": [
            "trial_id",
            "arm_id",
            "event",
            "grade",
            "count",
            "n",
            "percent_reported",
            "source_location",
        ],
        "at_risk": ["trial_id", "arm_id", "endpoint", "time_months", "n_at_risk"],
        "arms": ["trial_id", "arm_id", "n"],
        "baseline": ["trial_id", "characteristic", "count", "n", "value", "unit", "statistic"],
        "trials": ["trial_id"],
    }
    defaults = {
        "item": None,
        "criterion": None,
        "note": None,
        "time_months": float("nan"),
        "source_location": "",
        "ci_level": float("nan"),
        "p_operator": "=",
        "category": None,
        "value_max": float("nan"),
        "qualifier": None,
        "direction_note": None,
        "arm_id": None,
        "comparator_arm_id": None,
        "ci_low": float("nan"),
        "ci_high": float("nan"),
    }
    for name, frame in out.items():
        for col in required.get(name, []):
            if col not in frame:
                raise ValueError(f"tables[{_show(name)}]: required column {col!r} is missing")
        for col, default in defaults.items():
            if col not in frame and name in ("outcomes", "effects", "adverse_events", "at_risk", "baseline"):
                frame[col] = default
    return out, texts
