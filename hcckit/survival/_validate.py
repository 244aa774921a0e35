"""Argument checks shared by the survival modules: times, counts, seeds, levels, patient data.

Also the split of patient data by arm (``_groups``) and its inverse (``_stack_arms``).

Each check returns the value in its working type (float, int, array, frame) or raises a
``ValueError``/``TypeError`` that names the argument (``field``) and says what is accepted.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import numpy as np
import pandas as pd

from hcckit.guyot import MAX_TIME, _show
from hcckit.uploads import MAX_PATIENTS, MAX_ROWS

__all__ = ["HR_RANGE"]


def _check_choice(value, allowed: Sequence[str], *, field: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{field}: must be one of {', '.join(map(repr, allowed))}, got {_show(value)}")
    return value


def _alpha(alpha) -> float:
    """``alpha`` (1 - confidence level) as a float strictly between 0 and 1."""
    if isinstance(alpha, (bool, np.bool_)) or not isinstance(alpha, (int, float, np.integer, np.floating)):
        raise TypeError(f"alpha: must be a number between 0 and 1 (0.05 for 95 % CIs), got {_show(alpha)}")
    if not 0 < float(alpha) < 1:
        raise ValueError(f"alpha: must be strictly between 0 and 1 (0.05 for 95 % CIs), got {_show(alpha)}")
    return float(alpha)


class _Level(float):
    """A confidence level (0-1) that keeps its exact tail probability ``tail`` = 1 - level.

    The tail is what lifelines and :func:`hcckit.stats.z_for_p` take. Computed from the level's
    decimal form (0.95 -> 0.05 exactly, not 1 - 0.95 = 0.050000000000000044), or kept as given
    by the deprecated ``alpha`` (exact even where 1 - alpha rounds to 1).
    """

    tail: float

    def __new__(cls, level: float, tail: float):
        self = super().__new__(cls, level)
        self.tail = tail
        return self


def _level_from(level, alpha=None, *, where: str, stacklevel: int = 3) -> _Level:
    """The confidence level of a public function from ``level`` or the deprecated ``alpha``.

    ``alpha`` (1 - level) warns ``DeprecationWarning``; giving it with a level other than the
    default 0.95 is a ``TypeError``. A :class:`_Level` passes through (internal calls).
    """
    if alpha is None:
        if isinstance(level, _Level):
            return level
        if isinstance(level, (bool, np.bool_)) or not isinstance(
            level, (int, float, np.integer, np.floating)
        ):
            raise TypeError(
                f"level: must be a number between 0 and 1 (0.95 for 95 % CIs), got {_show(level)}"
            )
        x = float(level)
        if not 0 < x < 1:
            raise ValueError(
                f"level: must be strictly between 0 and 1 (0.95 for 95 % CIs), got {_show(level)}"
            )
        tail = float(Decimal(1) - Decimal(repr(x)))
        return _Level(x, min(tail, math.nextafter(1.0, 0.0)))
    if not (isinstance(level, (int, float)) and level == 0.95):
        raise TypeError(f"{where}: give level or the old alpha (1 - level), not both")
    warnings.warn(
        f"{where}: the keyword alpha is now level, the confidence level (alpha=0.05 is level=0.95)",
        DeprecationWarning,
        stacklevel=stacklevel,
    )
    tail = _alpha(alpha)
    return _Level(1 - tail, tail)


def _times_arg(times, *, field: str = "times", latest: float = MAX_TIME) -> np.ndarray:
    """Months at which to evaluate: a sequence of finite numbers 0..``latest``, at most MAX_ROWS."""
    try:
        flat = not isinstance(times, (str, bytes, Mapping)) and np.ndim(times) == 1
    except ValueError:  # ragged nesting
        flat = False
    if not flat:
        raise TypeError(f"{field}: expected a sequence of times (months), got {_show(times)}")
    if len(times) > MAX_ROWS:
        raise ValueError(f"{field}: {len(times):,} times; at most {MAX_ROWS:,} are accepted")
    if isinstance(times, np.ndarray) and times.dtype.kind in "iuf":  # numbers: check all at once
        x = times.astype(float)
        bad = ~(np.isfinite(x) & (x >= 0) & (x <= latest))
        if not bad.any():
            return x
        times = times[: int(np.argmax(bad)) + 1]  # the loop below names the first bad one
    out = []
    for i, t in enumerate(times):
        x = _positive(t, field=f"{field}[{i}]", allow_none=False, allow_zero=True)
        if x > latest:
            raise ValueError(f"{field}[{i}]: {x:g} is later than {latest:g}, the latest time accepted")
        out.append(x)
    return np.asarray(out, dtype=float)


def _at_times(t, *, field: str = "t") -> np.ndarray:
    """Months to evaluate a model at: one finite number >= 0 or a non-empty sequence of them.

    No upper bound: a model is defined for every t >= 0 (its median may lie past MAX_TIME).
    """
    try:
        scalar = np.ndim(t) == 0 and not isinstance(t, (Mapping, set, frozenset))
    except ValueError:  # ragged nesting: _times_arg names it
        scalar = False
    if scalar:
        return np.asarray(_positive(t, field=field, allow_none=False, allow_zero=True))
    out = _times_arg(t, field=field, latest=math.inf)
    if not len(out):
        raise ValueError(f"{field}: no times given; pass at least one time (months)")
    return out


#: Hazard ratios accepted (0.001 to 1000). A factor of 1000 either way already means one arm's
#: hazard is a thousand times the other's, far beyond any comparison of two treatments; values
#: outside (1e300, 1e-12, 58 typed for 0.58e-2...) are typing errors, and they would push the
#: arm's times out of floating-point range or make every pseudo-patient an event at time 0.
HR_RANGE = (1e-3, 1e3)


def _hazard_ratio(value, *, field: str = "hazard_ratio") -> float:
    """A hazard ratio: a finite number within :data:`HR_RANGE`."""
    x = _positive(value, field=field, allow_none=False)
    lo, hi = HR_RANGE
    if not lo <= x <= hi:
        raise ValueError(f"{field}: {x:g} is outside {lo:g}-{hi:g}, the hazard ratios accepted")
    return x


def _positive(value, *, field: str, allow_none: bool = True, allow_zero: bool = False):
    if value is None:
        if allow_none:
            return None
        raise ValueError(f"{field}: a value is required")
    if isinstance(value, (bool, np.bool_, str, bytes)):
        raise ValueError(f"{field}: must be a number, got {_show(value)}")
    try:
        x = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{field}: must be a finite number, got {_show(value)}") from None
    if not math.isfinite(x) or x < 0 or (x == 0 and not allow_zero):
        need = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{field}: must be a finite number {need}, got {_show(value)}")
    return x


def _months(value, *, field: str, allow_none: bool = True, allow_zero: bool = False):
    """A time in months: a finite number > 0 (>= 0 with ``allow_zero``), at most MAX_TIME."""
    x = _positive(value, field=field, allow_none=allow_none, allow_zero=allow_zero)
    if x is not None and x > MAX_TIME:
        raise ValueError(f"{field}: {x:g} is later than {MAX_TIME:g}, the latest time accepted")
    return x


def _seed(seed) -> int:
    """A random seed: a whole number >= 0 (numpy's rule), at most 2**63."""
    import numbers

    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed: must be a whole number >= 0 (a random seed), got {_show(seed)}")
    if not 0 <= int(seed) <= 2**63:
        raise ValueError(f"seed: must be a whole number from 0 to 2**63 (a random seed), got {_show(seed)}")
    return int(seed)


def _name(value, *, field: str) -> str | None:
    """An arm or label name: None or non-empty text."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{field}: must be a name (text), got {_show(value)}")
    if not value.strip():
        raise ValueError(f"{field}: must be a non-empty name, got {value!r}")
    return value


def _count(value, *, field: str) -> int:
    """A number of patients: a whole number from 1 to MAX_PATIENTS."""
    from hcckit.guyot import _whole

    return _whole(value, field=field, minimum=1, maximum=MAX_PATIENTS)


def _landmark_pairs(
    landmarks, *, field: str = "landmarks", time_unit: str = "months"
) -> list[tuple[float, float]]:
    """Validate landmarks (months -> survival 0-1); return sorted (time, survival) pairs."""
    if landmarks is None:
        return []
    if isinstance(landmarks, pd.Series):
        items = list(landmarks.items())
    elif isinstance(landmarks, Mapping):
        items = list(landmarks.items())
    else:
        try:
            items = [tuple(p) for p in landmarks]
        except TypeError:
            raise TypeError(
                f"{field}: expected a mapping of {time_unit} to survival (0-1), e.g. {{12: 0.733}}"
            ) from None
    if len(items) > MAX_ROWS:
        raise ValueError(f"{field}: {len(items):,} landmarks; at most {MAX_ROWS:,} are accepted")
    pairs = []
    for item in items:
        if len(item) != 2:
            raise ValueError(f"{field}: each landmark is ({time_unit}, survival), got {_show(item)}")
        t, s = item
        if any(isinstance(v, (bool, np.bool_, str, bytes)) for v in item):
            raise ValueError(f"{field}[{_show(t)}]: time and survival must be numbers, got {_show(s)}")
        try:
            t, s = float(t), float(s)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(
                f"{field}[{_show(t)}]: time and survival must be finite numbers, got {_show(s)}"
            ) from None
        if not math.isfinite(t) or t <= 0:
            raise ValueError(f"{field}: time {t:g} {time_unit} must be a positive number")
        if t > MAX_TIME:
            raise ValueError(
                f"{field}: time {t:g} {time_unit} is later than {MAX_TIME:g}, the latest accepted"
            )
        if not math.isfinite(s) or s > 1:
            hint = f" - landmarks are proportions (0-1): write {s / 100:.3f} for {s:g} %" if s > 1 else ""
            raise ValueError(f"{field}[{t:g}]: survival {s:g} is above 100 %{hint}")
        if s < 0:
            raise ValueError(f"{field}[{t:g}]: survival {s:g} is negative")
        if s == 0:
            raise ValueError(
                f"{field}[{t:g}]: survival 0 cannot be reached by a hazard model; use a small positive value"
            )
        pairs.append((t, s))
    pairs.sort()
    for (t0, s0), (t1, s1) in zip(pairs, pairs[1:], strict=False):
        if t0 == t1:
            raise ValueError(f"{field}: time {t0:g} {time_unit} is given twice")
        if s1 > s0:
            raise ValueError(
                f"{field}: survival increases over time ({s0:.3g} at {t0:g} {time_unit}, {s1:.3g} at "
                f"{t1:g} {time_unit}); a survival curve can only fall"
            )
    return pairs


def _check_median_vs_landmarks(
    median: float, pairs: list[tuple[float, float]], *, tol: float = 1e-9, time_unit: str = "months"
) -> None:
    """Raise if the median contradicts the landmarks (S(median) must be 0.5)."""
    lo, hi = 0.0, math.inf  # the landmarks bracket the median in [lo, hi]
    for t, s in pairs:
        if s > 0.5 + tol:
            lo = max(lo, t)
        elif s < 0.5 - tol:
            hi = min(hi, t)
        elif abs(t - median) > tol and not (t >= median):
            lo = max(lo, t)  # S(t) = 0.5 before the median: flat at 0.5 up to the median
    for t, s in pairs:
        if abs(t - median) <= tol and abs(s - 0.5) > tol:
            raise ValueError(
                f"median and landmarks contradict each other: a median of {median:g} {time_unit} means "
                f"50 % survival at {median:g} {time_unit}, but landmarks give {s:.1%} there"
            )
    if not lo <= median <= hi:
        where = f"between {lo:g} and {hi:g} {time_unit}" if math.isfinite(hi) else f"after {lo:g} {time_unit}"
        detail = "; ".join(f"S({t:g}) = {s:.1%}" for t, s in pairs)
        raise ValueError(
            f"median and landmarks contradict each other: median {median:g} {time_unit} is outside the "
            f"range the landmarks allow ({where}: {detail})"
        )


def _check_data(data: pd.DataFrame, *, time: str, event: str) -> pd.DataFrame:
    """Check one-row-per-patient data; return a copy with ``time`` as float and ``event`` as int.

    At most MAX_PATIENTS rows; times finite, 0..MAX_TIME; events 0 or 1 (True/False accepted).
    """
    from hcckit.guyot import _to_float

    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"data: expected a DataFrame with columns 'time' and 'event', got {type(data).__name__}"
        )
    for name, col in (("time", time), ("event", event)):
        try:
            found = col in data.columns
        except TypeError:
            found = False
        if not isinstance(col, (str, int)) or isinstance(col, bool) or not found:
            raise ValueError(
                f"data: missing column {_show(col)} for {name} (has {', '.join(map(str, data.columns))})"
            )
    if data.empty:
        raise ValueError("data: no patients")
    if len(data) > MAX_PATIENTS:
        raise ValueError(f"data: {len(data):,} rows; at most {MAX_PATIENTS:,} patients are accepted")
    t = np.array([_to_float(v) for v in data[time].tolist()], dtype=object)
    for i, x in enumerate(t):
        if x is None or math.isnan(x) or not 0 <= x <= MAX_TIME:
            row = data.index[i]
            raise ValueError(
                f"data.{time}: row {_show(row)} is {_show(data[time].iloc[i])}; times are finite numbers "
                f">= 0 (months), at most {MAX_TIME:g}"
            )
    e = [1 if v is True else 0 if v is False else _to_float(v) for v in data[event].tolist()]
    for i, x in enumerate(e):
        if x not in (0, 1):
            row = data.index[i]
            raise ValueError(
                f"data.{event}: row {_show(row)} is {_show(data[event].iloc[i])}; use 1 for an event, "
                "0 for censored"
            )
    out = data.copy()
    out[time] = t.astype(float)
    out[event] = np.asarray(e, dtype=int)
    return out


def _groups(data: pd.DataFrame, by: str | None) -> list[tuple[str, pd.DataFrame]]:
    if by is None or (by == "arm" and "arm" not in data.columns):
        return [("all", data)]
    try:
        found = by in data.columns
    except TypeError:
        found = False
    if not isinstance(by, (str, int)) or isinstance(by, bool) or not found:
        raise ValueError(f"by: no column {_show(by)} in data (has {', '.join(map(str, data.columns))})")
    col = data[by]
    missing = col.isna().to_numpy()
    if missing.any():
        row = data.index[int(np.flatnonzero(missing)[0])]
        raise ValueError(f"data.{by}: row {_show(row)} has no arm; every patient needs one")
    try:
        pd.unique(col)
    except TypeError:
        raise ValueError(f"data.{by}: arms must be names or numbers (found unhashable values)") from None
    if isinstance(col.dtype, pd.CategoricalDtype):
        levels = [c for c in col.cat.categories if (col == c).any()]
    else:
        levels = list(pd.unique(col))
    return [(str(level), data[col == level]) for level in levels]


def _stack_arms(frames: Sequence[pd.DataFrame], arms: Iterable[str]) -> pd.DataFrame:
    """The per-arm frames one under the other, ``arm`` an ordered categorical in the order of ``arms``."""
    out = pd.concat(frames, ignore_index=True)
    out["arm"] = pd.Categorical(out["arm"], categories=list(arms), ordered=True)
    return out
