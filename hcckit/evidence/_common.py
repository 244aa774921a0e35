"""Helpers the evidence modules share: cell reading, argument checks, study names, arm classes.

Private to :mod:`hcckit.evidence` (no public names): missing-aware readers of table cells
(``_items``, ``_text``, ``_num``), argument checks that name the argument (``_require``,
``_check_choice``, ``_check_level``), the curated trials and arms (``_tables``), a study's short
name and an arm's arterial modalities and systemic classes, and the sort orders of designs.
"""

from __future__ import annotations

import math
import numbers

import pandas as pd

__all__: list[str] = []

_DESIGN_ORDER = {"rct": 0, "indirect_comparison": 1, "cohort": 2, "single_arm": 3}
_NO_CLASS = "none"


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


def _classes_of(value) -> list[str]:
    items = _items(value)
    return items if items else [_NO_CLASS]
