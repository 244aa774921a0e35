"""Guyot's algorithm: pseudo patient data rebuilt from a digitised Kaplan-Meier curve.

Implemented from the description in Guyot P, Ades AE, Ouwens MJ, Welton NJ. *Enhanced
secondary analysis of survival data: reconstructing the data from published Kaplan-Meier
survival curves.* BMC Med Res Methodol 2012;12:9 (doi:10.1186/1471-2288-12-9), the method
behind the R package IPDfromKM (Liu N, Zhou Y, Lee JJ. BMC Med Res Methodol 2021;21:111).

The curve is cut into intervals at the times where the publication prints numbers at risk.
Within each interval the number of censored patients is first guessed from the survival
drop and the next number at risk, spread evenly over the interval, and corrected until the
rebuilt number at risk at the end of the interval matches the published one. Events at each
digitised point are those that make the rebuilt Kaplan-Meier estimate follow the curve. In
the last interval (no number at risk after it) the censoring rate of the earlier intervals
is assumed, unless the total number of events is known, in which case censoring is
adjusted until the rebuilt total matches it.

Times are in months (any unit works if used consistently); survival is a proportion (0-1).
Use :func:`hcckit.survival.reconstruct_ipd`; this module holds the engine and the input
cleaning, and imports only numpy and pandas (no lifelines).
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from hcckit.stats import _whole_number
from hcckit.uploads import MAX_MONTHS, MAX_PATIENTS, MAX_ROWS

__all__ = [
    "DataDiscrepancyWarning",
    "clean_curve",
    "validate_curve",
    "validate_at_risk",
    "reconstruct_ipd",
]

_MAX_ITER = 500
_CLEAN_TOLERANCE = 0.02  # clean_curve()'s default: overshoot treated as digitisation noise


def _show(value) -> str:
    """A value for an error message: numpy scalars as plain numbers, long reprs shortened."""
    if isinstance(value, np.generic):
        value = value.item()
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _whole(value, *, field: str, minimum: int, maximum: int, what: str = "patients") -> int:
    """``value`` as an int in ``minimum..maximum``, or a ValueError naming ``field``."""
    need = (
        f"a positive whole number of {what} (at most {maximum:,})"
        if minimum == 1
        else f"a whole number of {what} from {minimum} to {maximum:,}"
    )
    out = _whole_number(value)
    if out is None or not minimum <= out <= maximum:
        raise ValueError(f"{field}: must be {need}, got {_show(value)}")
    return out


def _to_float(value) -> float:
    """One cell as a float: NaN when missing, None when not a number (text, lists, bools...)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, numbers.Real):
        try:
            return float(value)
        except OverflowError:
            return math.inf if value > 0 else -math.inf
    if isinstance(value, str):
        try:
            return float(value.strip()) if value.strip() else math.nan
        except ValueError:
            return None
    try:
        if pd.isna(value):
            return math.nan
    except (TypeError, ValueError):
        pass
    return None


#: Latest time accepted in a curve or an at-risk table: :data:`hcckit.uploads.MAX_MONTHS` (100
#: years) counted in days, the finest unit the kit's data use (callers do not always pass
#: ``time_unit``, so the bound cannot depend on it).
MAX_TIME = MAX_MONTHS * 365.25 / 12


def _ndim(value) -> int:
    """``np.ndim`` that answers -1 for ragged nesting instead of raising."""
    try:
        return np.ndim(value)
    except ValueError:
        return -1


def _unit(time_unit) -> str:
    if not isinstance(time_unit, str) or not time_unit.strip():
        raise ValueError(f"time_unit: must be a unit name such as 'months', got {time_unit!r}")
    return time_unit.strip()


class DataDiscrepancyWarning(UserWarning):
    """A published source contradicts itself (e.g. numbers at risk at time 0 differ from n)."""


# ---------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------


def _as_frame(obj, *, field: str, columns: tuple[str, ...], maximum: tuple[float, ...]) -> pd.DataFrame:
    """``obj`` as a float frame of ``columns``; every value finite and within 0..``maximum``
    (negative values are left to the caller, which knows what they mean)."""
    try:
        size = len(obj)
    except TypeError:
        size = 0
    if size > MAX_ROWS:
        raise ValueError(f"{field}: {size:,} rows; at most {MAX_ROWS:,} are accepted")
    if isinstance(obj, Mapping) and not isinstance(obj, pd.DataFrame):
        if columns[0] not in obj and all(_ndim(v) == 0 for v in obj.values()):
            # {time: value}, e.g. {0: 200, 6: 158} for numbers at risk (as synthesize_arm accepts)
            obj = pd.DataFrame({columns[0]: list(obj.keys()), columns[1]: list(obj.values())}, dtype=object)
        else:
            lengths = {len(v) if _ndim(v) == 1 else -1 for v in obj.values()}
            if len(lengths) != 1 or -1 in lengths or max(lengths) > MAX_ROWS:
                raise ValueError(
                    f"{field}: give a DataFrame with columns {', '.join(columns)}, a mapping of those "
                    f"columns to lists of the same length, or a mapping of {columns[0]} to {columns[1]}"
                )
            obj = pd.DataFrame({k: pd.Series(list(v), dtype=object) for k, v in obj.items()})
    elif (
        isinstance(obj, (list, tuple))
        and obj
        and all(isinstance(p, (list, tuple, np.ndarray)) and _ndim(p) == 1 and len(p) == 2 for p in obj)
    ):
        obj = pd.DataFrame([tuple(p) for p in obj], columns=list(columns), dtype=object)  # [(time, value)]
    if not isinstance(obj, pd.DataFrame):
        raise TypeError(
            f"{field}: expected a DataFrame with columns {', '.join(columns)}; got {type(obj).__name__}"
        )
    missing = [c for c in columns if c not in obj.columns]
    if missing:
        raise ValueError(
            f"{field}: missing column(s) {', '.join(missing)} (has {', '.join(map(str, obj.columns))})"
        )
    if len(obj) > MAX_ROWS:
        raise ValueError(f"{field}: {len(obj):,} rows; at most {MAX_ROWS:,} are accepted")
    values = {c: [_to_float(v) for v in obj[c].tolist()] for c in columns}
    for row in range(len(obj)):
        for c, top in zip(columns, maximum, strict=True):
            x = values[c][row]
            if x is None:
                raise ValueError(f"{field}.{c}: row {row} is {_show(obj[c].iloc[row])}, not a number")
            if math.isinf(x):
                raise ValueError(f"{field}.{c}: row {row} is {x:g}; every {c} must be a finite number")
            if x > top:
                raise ValueError(f"{field}.{c}: row {row} is {x:g}; at most {top:,g} is accepted")
    return pd.DataFrame({c: np.asarray(values[c], dtype=float) for c in columns})


def validate_curve(curve, *, time_unit: str = "months") -> tuple[pd.DataFrame, list[str]]:
    """Check digitised curve coordinates strictly; return them with (0, 1) prepended if missing.

    Parameters
    ----------
    curve : DataFrame
        Columns ``time`` (months, >= 0) and ``survival`` (proportion, 0-1).

    Returns
    -------
    (DataFrame, list of str)
        The curve (one point per time: where a vertical drop was digitised as two points at the
        same time, the lower one is kept) and notes on what was added or merged.

    Raises
    ------
    ValueError
        Naming the field and row: missing values, survival outside 0-1 (percentages), negative
        or out-of-order times, survival that increases, survival at time 0 below 1.
        :func:`clean_curve` repairs the last three kinds of digitisation noise instead.
    """
    time_unit = _unit(time_unit)
    df = _as_frame(curve, field="curve", columns=("time", "survival"), maximum=(MAX_TIME, 100.0))
    notes: list[str] = []
    if df.empty:
        raise ValueError("curve: no points")
    if df.isna().any().any():
        row = int(np.flatnonzero(df.isna().any(axis=1))[0])
        raise ValueError(f"curve: row {row} has a missing time or survival")
    s = df["survival"].to_numpy()
    t = df["time"].to_numpy()
    _check_survival_range(s, field="curve.survival", repairable=_CLEAN_TOLERANCE)
    if (t < 0).any():
        row = int(np.flatnonzero(t < 0)[0])
        hint = (
            "; pass clean=True / use clean_curve() to set slightly negative times to 0"
            if t.min() >= -_CLEAN_TOLERANCE * max(t.max(), 1e-9)
            else ""
        )
        raise ValueError(f"curve.time: row {row} has a negative time ({t[row]:g} {time_unit}){hint}")
    if (np.diff(t) < 0).any():
        row = int(np.flatnonzero(np.diff(t) < 0)[0]) + 1
        raise ValueError(
            f"curve.time: points are out of order (row {row}: {t[row]:g} {time_unit} comes after "
            f"{t[row - 1]:g} {time_unit}); sort them, or pass clean=True / use clean_curve()"
        )
    if (np.diff(s) > 0).any():
        row = int(np.flatnonzero(np.diff(s) > 0)[0]) + 1
        raise ValueError(
            f"curve.survival: survival increases from {s[row - 1]:.4g} to {s[row]:.4g} at row {row} "
            f"({t[row]:g} {time_unit}); a Kaplan-Meier curve never rises. Pass clean=True / use clean_curve() "
            "to flatten digitisation noise"
        )
    zero = t == 0
    if zero.any() and not np.isclose(s[zero].max(), 1.0):
        raise ValueError(
            f"curve.survival: the curve must start at (0, 1); survival at time 0 is {s[zero].max():.4g}"
            " (pass clean=True / use clean_curve() to reset it)"
        )
    df = _merge_duplicate_times(df, notes)
    if df["time"].iloc[0] > 0:
        df = pd.concat([pd.DataFrame({"time": [0.0], "survival": [1.0]}), df], ignore_index=True)
        notes.append("added the starting point (0, 1)")
    else:
        df.loc[0, "survival"] = 1.0
    return df, notes


def _check_survival_range(s: np.ndarray, *, field: str, repairable: float = 0.0) -> None:
    """Raise for survival outside 0-1; ``repairable``: overshoot that clean_curve() would clip."""
    fix = " - pass clean=True / use clean_curve() to clip digitisation overshoot to 0-1"
    if (s > 1).any():
        row = int(np.flatnonzero(s > 1)[0])
        if s.max() > 1.5:
            hint = " - survival must be a proportion (0-1): divide percentages by 100"
        else:
            hint = fix if s.max() <= 1 + repairable else ""
        raise ValueError(f"{field}: row {row} is {s[row]:g}, above 1{hint}")
    if (s < 0).any():
        row = int(np.flatnonzero(s < 0)[0])
        hint = fix if s.min() >= -repairable else ""
        raise ValueError(f"{field}: row {row} is {s[row]:g}, below 0{hint}")


def _merge_duplicate_times(df: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    dup = df["time"].duplicated(keep="last")
    if dup.any():
        notes.append(
            f"merged {int(dup.sum())} point(s) sharing a time with another point (kept the lowest survival)"
        )
        df = df.groupby("time", as_index=False, sort=True)["survival"].min()
    return df.reset_index(drop=True)


def clean_curve(
    curve, *, tolerance: float = _CLEAN_TOLERANCE, time_unit: str = "months"
) -> tuple[pd.DataFrame, list[str]]:
    """Repair the usual digitisation noise in curve coordinates and say what was changed.

    Steps, each reported in the returned notes: drop rows with a missing value; clip survival
    overshooting 0-1 by at most ``tolerance`` and times below 0 by at most ``tolerance`` x the
    last time; sort by time; reset the start to (0, 1); make survival non-increasing (each point
    is lowered to the lowest survival before it); keep one point per time (the lowest).

    Parameters
    ----------
    curve : DataFrame
        Columns ``time`` (months) and ``survival`` (proportion, 0-1).
    tolerance : float, default 0.02
        Largest overshoot (survival units) treated as noise rather than an error.

    Returns
    -------
    (DataFrame, list of str)
        Clean ``time``/``survival`` points starting at (0, 1), and one note per kind of repair.

    Raises
    ------
    ValueError
        For problems that are not noise: survival far above 1 (percentages), far below 0, or
        far negative times.
    """
    time_unit = _unit(time_unit)
    if (
        isinstance(tolerance, (bool, np.bool_))
        or not isinstance(tolerance, numbers.Real)
        or not 0 <= float(tolerance) <= 0.5
    ):
        raise ValueError(
            f"tolerance: must be a number from 0 to 0.5 (survival units), got {_show(tolerance)}"
        )
    tolerance = float(tolerance)
    df = _as_frame(curve, field="curve", columns=("time", "survival"), maximum=(MAX_TIME, 100.0))
    notes: list[str] = []
    na = df.isna().any(axis=1)
    if na.any():
        notes.append(f"dropped {int(na.sum())} row(s) with a missing time or survival")
        df = df[~na].reset_index(drop=True)
    if df.empty:
        raise ValueError("curve: no points left after dropping missing values")
    s = df["survival"].to_numpy(dtype=float)
    over = (s > 1) & (s <= 1 + tolerance)
    under = (s < 0) & (s >= -tolerance)
    _check_survival_range(np.where(over, 1.0, np.where(under, 0.0, s)), field="curve.survival")
    if over.any() or under.any():
        notes.append(f"clipped {int(over.sum() + under.sum())} survival value(s) slightly outside 0-1")
    df["survival"] = np.clip(s, 0.0, 1.0)
    t = df["time"].to_numpy(dtype=float)
    neg = t < 0
    if neg.any():
        limit = tolerance * max(t.max(), 1e-9)
        if (t < -limit).any():
            row = int(np.flatnonzero(t < -limit)[0])
            raise ValueError(f"curve.time: row {row} has a negative time ({t[row]:g} {time_unit})")
        notes.append(f"set {int(neg.sum())} slightly negative time(s) to 0")
        df["time"] = np.clip(t, 0.0, None)
    if (np.diff(df["time"].to_numpy()) < 0).any():
        order = np.argsort(df["time"].to_numpy(), kind="stable")
        moved = int((order != np.arange(len(order))).sum())
        points = "point was" if moved == 1 else "points were"
        notes.append(f"sorted the points by time ({moved} of {len(order)} {points} out of order)")
        df = df.iloc[order].reset_index(drop=True)
    start = df["time"] <= 0
    if not (start.any() and np.isclose(df.loc[start, "survival"].max(), 1.0)):
        notes.append("reset the start of the curve to (0, 1)")
    df = pd.concat([pd.DataFrame({"time": [0.0], "survival": [1.0]}), df[~start]], ignore_index=True)
    s = df["survival"].to_numpy()
    mono = np.minimum.accumulate(s)
    rises = int((mono < s - 1e-12).sum())
    if rises:
        notes.append(f"lowered {rises} point(s) where survival rose, so the curve never increases")
        df["survival"] = mono
    df = _merge_duplicate_times(df, notes)
    return df, notes


def validate_at_risk(
    at_risk, *, n: int | None = None, time_unit: str = "months"
) -> tuple[pd.DataFrame, list[str]]:
    """Check published numbers at risk; return them (starting at time 0) and notes.

    Parameters
    ----------
    at_risk : DataFrame
        Columns ``time`` (months) and ``n_at_risk`` (patients, whole numbers, non-increasing);
        a column named ``at_risk`` (as :func:`hcckit.survival.at_risk_table` gives) is accepted.
    n : int, optional
        Patients in the arm. Used as the number at risk at time 0 when the table does not start at 0.
        When both are given and differ, the table's value is used and a
        :class:`DataDiscrepancyWarning` is issued (a source discrepancy, not a crash).

    Raises
    ------
    ValueError
        Naming the field and row: negative, non-integer or increasing numbers, times out of order
        or repeated, no time 0 and no ``n``.
    """
    if (
        isinstance(at_risk, pd.DataFrame)
        and "n_at_risk" not in at_risk.columns
        and "at_risk" in at_risk.columns
    ):
        at_risk = at_risk.rename(columns={"at_risk": "n_at_risk"})  # a table from survival.at_risk_table
    time_unit = _unit(time_unit)
    df = _as_frame(at_risk, field="at_risk", columns=("time", "n_at_risk"), maximum=(MAX_TIME, MAX_PATIENTS))
    notes: list[str] = []
    if n is not None:
        n = _whole(n, field="n", minimum=1, maximum=MAX_PATIENTS)
    if df.empty:
        raise ValueError("at_risk: no rows")
    if df.isna().any().any():
        row = int(np.flatnonzero(df.isna().any(axis=1))[0])
        raise ValueError(f"at_risk: row {row} has a missing time or n_at_risk")
    t = df["time"].to_numpy(dtype=float)
    r = df["n_at_risk"].to_numpy(dtype=float)
    if (t < 0).any():
        row = int(np.flatnonzero(t < 0)[0])
        raise ValueError(f"at_risk.time: row {row} has a negative time ({t[row]:g} {time_unit})")
    if (np.diff(t) <= 0).any():
        row = int(np.flatnonzero(np.diff(t) <= 0)[0]) + 1
        raise ValueError(
            f"at_risk.time: times must increase (row {row}: {t[row]:g} {time_unit} after {t[row - 1]:g} {time_unit})"
        )
    if (r < 0).any() or not np.allclose(r, np.round(r)):
        row = int(np.flatnonzero((r < 0) | ~np.isclose(r, np.round(r)))[0])
        raise ValueError(
            f"at_risk.n_at_risk: row {row} is {r[row]:g}; numbers at risk are whole numbers >= 0"
        )
    if (np.diff(r) > 0).any():
        row = int(np.flatnonzero(np.diff(r) > 0)[0]) + 1
        raise ValueError(
            f"at_risk.n_at_risk: numbers at risk increase from {r[row - 1]:g} at {t[row - 1]:g} {time_unit} "
            f"to {r[row]:g} at {t[row]:g} {time_unit}; they can only fall over time"
        )
    df["n_at_risk"] = np.round(r).astype(int)
    if t[0] > 0:
        if n is None:
            raise ValueError("at_risk.time: the table must start at time 0, or pass n (patients at time 0)")
        if n < df["n_at_risk"].iloc[0]:
            raise ValueError(
                f"n: {n} patients, but {df['n_at_risk'].iloc[0]} are at risk at {t[0]:g} {time_unit}"
            )
        df = pd.concat([pd.DataFrame({"time": [0.0], "n_at_risk": [int(n)]}), df], ignore_index=True)
        notes.append(f"added {n} at risk at time 0 (from n)")
    elif n is not None and int(n) != int(df["n_at_risk"].iloc[0]):
        msg = (
            f"DISCREPANCY: n = {n} but the numbers-at-risk table starts with "
            f"{int(df['n_at_risk'].iloc[0])} at time 0 (the table's own count is used as its base)"
        )
        warnings.warn(msg, DataDiscrepancyWarning, stacklevel=3)
        notes.append(msg)
    return df.reset_index(drop=True), notes


# ---------------------------------------------------------------------------------------
# the algorithm
# ---------------------------------------------------------------------------------------


def _spread(t0: float, t1: float, count: int, t_s: list[float], lo: int, hi: int, cen: list[int]):
    """Place ``count`` censorings evenly in (t0, t1); count them per curve step lo..hi; return times."""
    for k in range(lo, hi + 1):
        cen[k] = 0
    if count <= 0:
        return []
    step = (t1 - t0) / (count + 1)
    times = [t0 + (j + 1) * step for j in range(count)]
    # censoring time c falls on step k when t_s[k] < c <= t_s[k+1] (R's hist(), right-closed)
    idx = np.searchsorted(np.asarray(t_s[lo : hi + 2]), times, side="left") - 1
    for i in idx:
        k = lo + min(max(int(i), 0), hi - lo)
        cen[k] += 1
    return times


def _fit_interval(lo, hi, n_start, last, t_s, s, d, cen, n_hat, km_hat, *, first: bool):
    """Events per step so the rebuilt KM follows the curve; return the index of the last drop."""
    n_hat[lo] = n_start
    for k in range(lo, hi + 1):
        if first and k == lo:
            d[k] = 0
            km_hat[k] = 1.0
        else:
            if km_hat[last] > 0 and n_hat[k] > 0:
                d[k] = max(0, min(n_hat[k], int(round(n_hat[k] * (1.0 - s[k] / km_hat[last])))))
                km_hat[k] = km_hat[last] * (1.0 - d[k] / n_hat[k])
            else:
                d[k] = 0
                km_hat[k] = km_hat[last]
        n_hat[k + 1] = n_hat[k] - d[k] - cen[k]
        if n_hat[k + 1] < 0:  # no. at risk cannot be negative
            cen[k] = max(n_hat[k] - d[k], 0)
            n_hat[k + 1] = 0
        if d[k] != 0:
            last = k
    return last


def _guyot(
    t_s: list[float],
    s: list[float],
    t_risk: list[float],
    n_risk: list[int],
    total_events,
    *,
    time_unit: str = "months",
):
    """Core of Guyot's algorithm on clean inputs (lists); returns (times, events, notes)."""
    notes: list[str] = []
    n_t = len(t_s)
    n_int = len(t_risk)
    lower = [int(np.searchsorted(t_s, tr, side="left")) for tr in t_risk]
    upper = [lower[i + 1] - 1 for i in range(n_int - 1)] + [n_t - 1]
    n_risk = list(n_risk)
    d = [0] * n_t
    cen = [0] * n_t
    km_hat = [1.0] * n_t
    n_hat = [n_risk[0] + 1] * (n_t + 1)
    cen_times: list[list[float]] = [[] for _ in range(n_int)]
    n_censor = [0] * n_int
    last = 0
    for i in range(n_int - 1):
        lo, hi, nxt = lower[i], upper[i], lower[i + 1]
        s_lo = s[lo]
        guess = n_risk[i] * s[nxt] / s_lo - n_risk[i + 1] if s_lo > 0 else 0.0
        n_censor[i] = int(round(guess))
        start_last = last
        for _ in range(_MAX_ITER):
            if n_censor[i] <= 0:
                n_censor[i] = 0
            cen_times[i] = _spread(t_s[lo], t_s[nxt], n_censor[i], t_s, lo, hi, cen)
            last = _fit_interval(lo, hi, n_risk[i], start_last, t_s, s, d, cen, n_hat, km_hat, first=i == 0)
            gap = n_hat[nxt] - n_risk[i + 1]
            if gap > 0 or (gap < 0 and n_censor[i] > 0):
                n_censor[i] += gap
                continue
            break
        else:  # pragma: no cover - defensive: the adjustment oscillated
            notes.append(f"interval {i + 1}: censoring adjustment did not settle")
        if n_hat[nxt] < n_risk[i + 1]:
            notes.append(
                f"at {t_risk[i + 1]:g} {time_unit} the curve leaves {n_hat[nxt]} at risk, fewer than the "
                f"published {n_risk[i + 1]}: the rebuilt number is used from there"
            )
            n_risk[i + 1] = n_hat[nxt]

    # last interval: same censoring rate as before, or adjusted to the total events
    i = n_int - 1
    lo, hi = lower[i], upper[i]
    if n_int > 1 and t_s[upper[n_int - 2]] > t_s[lower[0]]:
        rate = sum(n_censor[: n_int - 1]) / (t_s[upper[n_int - 2]] - t_s[lower[0]])
        n_censor[i] = min(int(round(rate * (t_s[hi] - t_s[lo]))), n_risk[i])
    else:
        n_censor[i] = 0
    start_last = last

    def run_last():
        cen_times[i] = _spread(t_s[lo], t_s[hi], n_censor[i], t_s, lo, hi - 1, cen) if hi > lo else []
        cen[hi] = 0
        return _fit_interval(lo, hi, n_risk[i], start_last, t_s, s, d, cen, n_hat, km_hat, first=n_int == 1)

    last = run_last()
    if total_events is not None:
        before = sum(d[: upper[n_int - 2] + 1]) if n_int > 1 else 0
        if n_int > 1 and before >= total_events:
            # Rounding of the earlier intervals already reached the total: the drops the curve
            # shows after the last number at risk are real events and are kept (as IPDfromKM
            # does); the censoring there stays at the earlier rate.
            notes.append(
                f"total_events: {before} events are already rebuilt before the last number at risk "
                f"({t_risk[-1]:g} {time_unit}; published total {total_events}); the curve's drops "
                f"after it are kept, so the rebuilt total is {sum(d)}"
            )
        else:
            seen = set()
            for _ in range(_MAX_ITER):
                total = sum(d)
                if not (total > total_events or (total < total_events and n_censor[i] > 0)):
                    break
                n_censor[i] = max(0, min(n_censor[i] + (total - total_events), n_risk[i]))
                if n_censor[i] in seen:  # the adjustment cycles: keep the closest state
                    break
                seen.add(n_censor[i])
                last = run_last()
            if sum(d) != total_events:
                notes.append(
                    f"total_events: the curve implies {sum(d)} events; the published total "
                    f"{total_events} could not be matched exactly"
                )

    # form the pseudo patients: events at the curve points, censorings at their spread times
    # (at most cen[k] on step k), everyone still at risk at the end censored at the last time
    times: list[float] = []
    events: list[int] = []
    for k in range(n_t):
        if d[k]:
            times.extend([t_s[k]] * d[k])
            events.extend([1] * d[k])
    t_arr = np.asarray(t_s)
    for ct in cen_times:
        if not ct:
            continue
        steps = np.searchsorted(t_arr, ct, side="left") - 1
        used: dict[int, int] = {}
        for c, k in zip(ct, steps.tolist(), strict=True):
            k = max(k, 0)
            if used.get(k, 0) < cen[k]:
                used[k] = used.get(k, 0) + 1
                times.append(c)
                events.append(0)
    remaining = n_risk[0] - len(times)
    if remaining > 0:
        times.extend([t_s[-1]] * remaining)
        events.extend([0] * remaining)
    elif remaining < 0:  # pragma: no cover - defensive
        notes.append(f"rebuilt {-remaining} patient(s) more than the number at risk at time 0")
    return times, events, notes


def _check_zero_vs_at_risk(curve: pd.DataFrame, risk: pd.DataFrame, *, added_start: bool, time_unit: str):
    """Raise when the curve falls to 0 while the at-risk table still has patients after that time.

    A Kaplan-Meier curve reaches 0 only when the last patient at risk has the event, so nobody
    can be at risk later; the table or the digitised point is wrong.
    """
    s = curve["survival"].to_numpy(dtype=float)
    zero = np.flatnonzero(s <= 1e-12)
    if not len(zero):
        return
    k = int(zero[0])
    t0 = float(curve["time"].iloc[k])
    later = (risk["time"].to_numpy(dtype=float) > t0) & (risk["n_at_risk"].to_numpy() > 0)
    if later.any():
        j = int(np.flatnonzero(later)[0])
        row = j - 1 if added_start else j
        raise ValueError(
            f"at_risk: row {row} has {int(risk['n_at_risk'].iloc[j])} patients at risk at "
            f"{float(risk['time'].iloc[j]):g} {time_unit}, but the curve falls to survival 0 at "
            f"{t0:g} {time_unit} (curve point {t0:g}, {s[k]:g}), after which nobody can be at risk. "
            "Check the digitised points near the end of the curve and the numbers-at-risk table"
        )


def reconstruct_ipd(
    curve, at_risk=None, n=None, total_events=None, *, clean: bool = False, time_unit: str = "months"
) -> pd.DataFrame:
    """Rebuild pseudo patient data from a digitised Kaplan-Meier curve (Guyot et al. 2012).

    Parameters
    ----------
    curve : DataFrame
        Digitised points: ``time`` (months) and ``survival`` (proportion, 0-1), ideally the
        corner of every step. A missing (0, 1) start is added; two points at the same time
        (a vertical drop) are merged, keeping the lower one.
    at_risk : DataFrame, optional
        Published numbers at risk: ``time`` (months) and ``n_at_risk`` (patients). Without it,
        ``n`` is required and censoring is assumed absent unless ``total_events`` is given.
    n : int, optional
        Patients at time 0, when ``at_risk`` does not start at time 0 or is not given.
    total_events : int, optional
        Total events reported for the arm; censoring in the last interval is adjusted to match it.
    clean : bool, default False
        Repair digitisation noise with :func:`clean_curve` (out-of-order points, survival that
        rises, a start other than (0, 1)) instead of raising; the repairs are listed in
        ``result.attrs["notes"]``.

    Returns
    -------
    DataFrame
        One row per pseudo patient: ``time`` (months), ``event`` (1 event, 0 censored) and
        ``synthetic`` (always True). ``attrs["notes"]`` lists cleaning steps and discrepancies.

    Raises
    ------
    ValueError
        Naming the field, for bad coordinates, numbers at risk that increase, a missing ``n``, or
        ``total_events`` outside 0..n.

    References
    ----------
    Guyot P et al. BMC Med Res Methodol 2012;12:9. doi:10.1186/1471-2288-12-9

    Examples
    --------
    >>> curve = pd.DataFrame({"time": [0, 2, 4, 6], "survival": [1, 0.8, 0.6, 0.5]})
    >>> risk = pd.DataFrame({"time": [0, 3], "n_at_risk": [50, 38]})
    >>> ipd = reconstruct_ipd(curve, risk)
    >>> len(ipd), int(ipd["event"].sum())
    (50, 23)
    """
    time_unit = _unit(time_unit)
    if clean:
        df, notes = clean_curve(curve, time_unit=time_unit)
    else:
        df, notes = validate_curve(curve, time_unit=time_unit)
    if n is not None:
        n = _whole(n, field="n", minimum=1, maximum=MAX_PATIENTS)
    risk_added = False
    if at_risk is None:
        if n is None:
            raise ValueError("n: give n (patients at time 0) when at_risk is not given")
        risk = pd.DataFrame({"time": [0.0], "n_at_risk": [n]})
        if total_events is None:
            notes.append(
                "no numbers at risk and no total events given: no censoring assumed before the last "
                f"curve point ({float(df['time'].iloc[-1]):g} {time_unit}); everyone still at risk there "
                "is censored at that time"
            )
    else:
        risk, risk_notes = validate_at_risk(at_risk, n=n, time_unit=time_unit)
        notes += risk_notes
        risk_added = any(x.startswith("added ") for x in risk_notes)
    _check_zero_vs_at_risk(df, risk, added_start=risk_added, time_unit=time_unit)
    t_last = float(df["time"].iloc[-1])
    beyond = risk["time"] > t_last
    beyond.iloc[0] = False
    if beyond.any():
        notes.append(
            f"ignored {int(beyond.sum())} number(s) at risk after the last curve point "
            f"({t_last:g} {time_unit}): the curve says nothing about events there"
        )
        risk = risk[~beyond].reset_index(drop=True)
    n0 = int(risk["n_at_risk"].iloc[0])
    if n0 == 0:
        raise ValueError("at_risk.n_at_risk: no patients at risk at time 0")
    if total_events is not None:
        total_events = _whole(total_events, field="total_events", minimum=0, maximum=n0, what="events")
    # make sure every at-risk time is a curve point (step value there), so each interval has points
    t = df["time"].to_numpy()
    s = df["survival"].to_numpy()
    extra_t = [tr for tr in risk["time"].to_numpy() if not np.isclose(t, tr, rtol=0, atol=1e-12).any()]
    if extra_t:
        idx = np.searchsorted(t, extra_t, side="right") - 1
        t = np.concatenate([t, extra_t])
        s = np.concatenate([s, s[idx]])
        order = np.argsort(t, kind="stable")
        t, s = t[order], s[order]
    times, events, core_notes = _guyot(
        t.tolist(),
        s.tolist(),
        risk["time"].tolist(),
        risk["n_at_risk"].astype(int).tolist(),
        total_events,
        time_unit=time_unit,
    )
    notes += core_notes
    out = pd.DataFrame({"time": np.asarray(times, dtype=float), "event": np.asarray(events, dtype=int)})
    out = out.sort_values(["time", "event"], ascending=[True, False], kind="stable").reset_index(drop=True)
    out["synthetic"] = True
    out.attrs["notes"] = notes
    out.attrs["method"] = "Guyot 2012 reconstruction"
    out.attrs["time_unit"] = time_unit
    if not math.isfinite(out["time"].max()):  # pragma: no cover - defensive
        raise ValueError("curve.time: reconstruction produced a non-finite time")
    return out
