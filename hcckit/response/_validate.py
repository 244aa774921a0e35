"""Checks shared by every public function of the engine: errors that name the row and the field.

:func:`_fail` raises ``ValueError`` naming the first offending row (patient, lesion, day, or the
row number) and the field; the ``_check_*`` helpers check types, frames, single values and
response categories with it.
"""

from __future__ import annotations

from hcckit.response.criteria import RESPONSES

__all__ = []


def _fail(df, mask, field: str, problem: str, what: str = "field"):
    """Raise ValueError naming the first offending row (patient, lesion, day) and the field.

    Tables without a ``lesion`` column (assessments, best responses) name the criterion,
    patient and day they have; a table with none of them names the row number (1 = first).
    """
    import numpy as np

    mask = np.asarray(mask, dtype=bool)
    pos = int(np.flatnonzero(mask)[0])
    row = df.iloc[pos]
    more = int(mask.sum()) - 1
    extra = f" ({more} more row{'s' if more > 1 else ''} with the same problem)" if more else ""

    def plain(v):  # numpy scalars print as np.int64(1): show the Python value
        v = v.item() if hasattr(v, "item") and not isinstance(v, (list, dict)) else v
        return int(v) if isinstance(v, float) and v.is_integer() and abs(v) < 1e15 else v

    if "patient" in row.index and "lesion" in row.index:
        day = plain(row["day"]) if "day" in row.index else "?"
        where = f"patient {plain(row['patient'])!r}, lesion {plain(row['lesion'])!r}, day {day}"
    else:
        parts = [f"row {pos + 1}"]
        parts += [
            f"{c} {plain(row[c])!r}" for c in ("criterion", "trial_id", "arm_id", "patient") if c in row
        ]
        if "day" in row.index:
            parts.append(f"day {plain(row['day'])}")
        where = ", ".join(parts)
    raise ValueError(f"{where}: {what} '{field}' {problem}{extra}")


def _check_bool(value, name: str) -> bool:
    """Return ``value`` if it is True or False (numpy bools too), else raise ValueError naming it."""
    if type(value).__name__ not in ("bool", "bool_"):
        raise ValueError(f"{name}: must be True or False, got {value!r}")
    return bool(value)


def _check_frame(value, name: str, columns=(), hint: str = ""):
    """Raise TypeError unless ``value`` is a DataFrame, ValueError if it lacks ``columns``."""
    import pandas as pd

    if not isinstance(value, pd.DataFrame):
        raise TypeError(f"{name}: expected a pandas DataFrame, got {type(value).__name__}")
    if value.columns.duplicated().any():
        dup = value.columns[value.columns.duplicated()][0]
        raise ValueError(f"{name}: column {dup!r} appears more than once")
    missing = [c for c in columns if c not in value.columns]
    if missing:
        raise ValueError(f"{name}: required column(s) missing: {', '.join(map(str, missing))}{hint}")


def _hashable(v) -> bool:
    try:
        hash(v)
    except TypeError:
        return False
    return True


def _check_single_values(df, columns, name: str = "field", table: str = "measurements"):
    """Raise ValueError naming the row if a cell of ``columns`` is a list, dict or other container."""
    import numpy as np

    for col in columns:
        if col in df.columns and df[col].dtype == object:
            values = df[col].to_numpy()
            bad = np.fromiter((not _hashable(v) for v in values), dtype=bool, count=len(values))
            if bad.any():
                value = df[col].to_numpy()[bad][0]
                _fail(
                    df,
                    bad,
                    col,
                    f"must be a single value (text or a number), got a {type(value).__name__}: {value!r} "
                    f"(in {table})",
                    what=name,
                )


def _check_responses(df, column: str, arg: str, allow_missing: bool):
    """Raise ValueError naming the row if ``column`` holds something that is not a response category."""
    s = df[column].astype(object)
    ok = s.isin(list(RESPONSES))
    if allow_missing:
        ok |= s.isna()
    if not ok.all():
        _fail(
            df,
            ~ok.to_numpy(dtype=bool),
            column,
            f"must be one of {', '.join(RESPONSES)}, got {s[~ok].iloc[0]!r} (in {arg})",
            what="column",
        )
