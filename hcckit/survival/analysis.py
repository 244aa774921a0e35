"""Kaplan-Meier analysis with lifelines: curves, numbers at risk, medians, log-rank, HR, RMST.

Every function takes one row per patient (``time`` months, ``event`` 1/0, optionally ``arm``)
and returns a tidy frame or a result object of :mod:`hcckit.survival.results`. Intervals are
at confidence ``level`` (default 0.95). lifelines and scipy are imported inside the functions
that need them.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from hcckit import stats
from hcckit.guyot import MAX_TIME
from hcckit.survival._validate import (
    _check_data,
    _groups,
    _level_from,
    _positive,
    _stack_arms,
    _times_arg,
)
from hcckit.survival.results import (
    ArmComparison,
    HazardRatioResult,
    LogRankResult,
    MedianResult,
    RMSTDifference,
    RMSTResult,
)

__all__ = [
    "km_table",
    "at_risk_table",
    "median_survival",
    "landmark_survival",
    "logrank",
    "hazard_ratio",
    "rmst",
    "rmst_difference",
    "median_follow_up",
    "compare_arms",
]


@functools.cache
def _lifelines_errors() -> tuple[type, ...]:
    from lifelines.exceptions import ConvergenceError

    return (ConvergenceError,)


def _lifelines(what: str, hint: str):
    """Context manager: a lifelines failure becomes a ValueError saying ``what`` failed and ``hint``."""
    import contextlib

    @contextlib.contextmanager
    def guard():
        try:
            yield
        except (*_lifelines_errors(), ValueError, TypeError, ZeroDivisionError, FloatingPointError) as exc:
            raise ValueError(f"{what} could not be computed ({type(exc).__name__}); {hint}") from exc

    return guard()


def _fit_km(data: pd.DataFrame, *, time: str, event: str, label: str, tail: float = 0.05):
    """lifelines' Kaplan-Meier fit; ``tail`` = 1 - confidence level of its bands."""
    from lifelines import KaplanMeierFitter

    with _lifelines(
        "the Kaplan-Meier estimate",
        "check data.time and data.event (finite months >= 0; 1 event, 0 censored)",
    ):
        return KaplanMeierFitter(alpha=tail).fit(
            data[time].to_numpy(dtype=float), data[event].to_numpy(dtype=int), label=label
        )


def _km_bands(kmf) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Survival and its CI bands as arrays, the bands made to contain the estimate.

    lifelines' exponential Greenwood band is undefined where survival is 0 or 1 and can come
    out as [1, 1] around 0 for a level extremely near 1 (the log(-log S) transform); there the band is
    the estimate itself, and round-off outside it is clipped.
    """
    s = kmf.survival_function_.iloc[:, 0].to_numpy(dtype=float)
    ci = kmf.confidence_interval_survival_function_
    lo, hi = ci.iloc[:, 0].to_numpy(dtype=float), ci.iloc[:, 1].to_numpy(dtype=float)
    edge = (s <= 0) | (s >= 1)
    lo = np.where(edge, s, np.fmin(lo, s))
    hi = np.where(edge, s, np.fmax(hi, s))
    return s, np.clip(lo, 0, 1), np.clip(hi, 0, 1)


def _synthetic(data: pd.DataFrame) -> bool:
    return bool("synthetic" in data.columns and data["synthetic"].astype(bool).all()) or bool(
        data.attrs.get("synthetic", False)
    )


def km_table(
    data: pd.DataFrame,
    *,
    time: str = "time",
    event: str = "event",
    by: str | None = "arm",
    level: float = 0.95,
    alpha: float | None = None,
) -> pd.DataFrame:
    """Kaplan-Meier estimates with pointwise confidence bands, as a tidy frame (lifelines).

    Parameters
    ----------
    data : DataFrame
        One row per patient: ``time`` (months), ``event`` (1 event, 0 censored), optionally ``arm``.
    time, event : str
        Column names.
    by : str or None, default "arm"
        Grouping column; a missing ``arm`` column means one group, ``"all"``.
    level : float, default 0.95
        Confidence level of the bands (exponential Greenwood, lifelines' default); the old
        ``alpha`` (1 - level) still works, with a ``DeprecationWarning``.

    Returns
    -------
    DataFrame
        One row per arm and distinct time (plus time 0): ``arm``, ``time`` (months), ``survival``,
        ``ci_low``, ``ci_high`` (0-1), ``at_risk`` (patients with time >= t), ``events`` and
        ``censored`` at t, ``synthetic`` (True when drawn from pseudo-patients).
    """
    data = _check_data(data, time=time, event=event)
    lv = _level_from(level, alpha, where="km_table")
    synthetic = _synthetic(data)
    groups = _groups(data, by)
    frames = []
    for name, group in groups:
        kmf = _fit_km(group, time=time, event=event, label="s", tail=lv.tail)
        sf = kmf.survival_function_["s"]
        surv, lo, hi = _km_bands(kmf)
        et = kmf.event_table
        frames.append(
            pd.DataFrame(
                {
                    "arm": name,
                    "time": sf.index.to_numpy(dtype=float),
                    "survival": surv,
                    "ci_low": lo,
                    "ci_high": hi,
                    "at_risk": et["at_risk"].to_numpy(dtype=int),
                    "events": et["observed"].to_numpy(dtype=int),
                    "censored": et["censored"].to_numpy(dtype=int),
                    "synthetic": synthetic,
                }
            )
        )
    return _stack_arms(frames, (g for g, _ in groups))


def _nice_step(max_time: float) -> float:
    for step in (1, 2, 3, 4, 6, 12, 24, 36, 60):
        if max_time / step <= 8:
            return float(step)
    return float(math.ceil(max_time / 8))


def at_risk_table(
    data: pd.DataFrame,
    *,
    times: Sequence[float] | None = None,
    time: str = "time",
    event: str = "event",
    by: str | None = "arm",
) -> pd.DataFrame:
    """Numbers at risk, cumulative events and cumulative censored at chosen times (KMunicate table).

    Parameters
    ----------
    data : DataFrame
        One row per patient (``time`` months, ``event``, optionally ``arm``).
    times : sequence of float, optional
        Months at which to count; default every 1/2/3/4/6/12... months up to the last time
        (at most 9 columns).

    Returns
    -------
    DataFrame
        ``arm``, ``time`` (months), ``at_risk`` (time >= t), ``events`` and ``censored``
        (cumulative, time < t), ``synthetic``; at_risk + events + censored = n.
    """
    data = _check_data(data, time=time, event=event)
    if times is None:
        tmax = float(data[time].max())
        step = _nice_step(tmax)
        times = np.arange(0.0, tmax + 1e-9, step)
    else:
        times = _times_arg(times)
    synthetic = _synthetic(data)
    groups = _groups(data, by)
    rows = []
    for name, group in groups:
        t = group[time].to_numpy(dtype=float)
        e = group[event].to_numpy(dtype=int)
        ts = np.sort(t)
        before = np.searchsorted(ts, times, side="left")
        ev = np.sort(t[e == 1])
        ce = np.sort(t[e == 0])
        rows.append(
            pd.DataFrame(
                {
                    "arm": name,
                    "time": times,
                    "at_risk": len(t) - before,
                    "events": np.searchsorted(ev, times, side="left"),
                    "censored": np.searchsorted(ce, times, side="left"),
                    "synthetic": synthetic,
                }
            )
        )
    return _stack_arms(rows, (g for g, _ in groups))


def median_survival(
    data: pd.DataFrame,
    *,
    time: str = "time",
    event: str = "event",
    level: float = 0.95,
    alpha: float | None = None,
    arm: str = "all",
) -> MedianResult:
    """Median survival (months) with a confidence interval (lifelines' KM and its CI bands).

    All rows of ``data`` form one group (filter an arm first). The median is the first time the
    Kaplan-Meier curve falls to 50 % or below; when it sits at exactly 50 % over an interval,
    the middle of that interval (as R's ``survfit`` reports; lifelines would give the interval's
    end). It is "not reached" (``inf``) when the curve never falls to 50 %; so can be the CI's
    upper end (the times where the CI bands cross 50 %).
    """
    from lifelines.utils import median_survival_times

    data = _check_data(data, time=time, event=event)
    lv = _level_from(level, alpha, where="median_survival")
    kmf = _fit_km(data, time=time, event=event, label="s", tail=lv.tail)
    ci = median_survival_times(kmf.confidence_interval_)
    sf = kmf.survival_function_["s"]
    t, s = sf.index.to_numpy(dtype=float), sf.to_numpy()
    at_or_below = np.flatnonzero(s <= 0.5 + 1e-12)
    below = np.flatnonzero(s < 0.5 - 1e-12)
    if not len(at_or_below):
        median = math.inf
    elif len(below) and below[0] != at_or_below[0]:
        median = (t[at_or_below[0]] + t[below[0]]) / 2
    else:
        median = t[at_or_below[0]]
    return MedianResult(
        median=float(median),
        ci_low=float(ci.iloc[0, 0]),
        ci_high=float(ci.iloc[0, 1]),
        n=len(data),
        events=int(data[event].sum()),
        arm=arm,
        level=float(lv),
    )


def landmark_survival(
    data: pd.DataFrame,
    *,
    times: Sequence[float],
    time: str = "time",
    event: str = "event",
    by: str | None = "arm",
    level: float = 0.95,
    alpha: float | None = None,
) -> pd.DataFrame:
    """Kaplan-Meier survival at landmark times with confidence intervals.

    Returns
    -------
    DataFrame
        ``arm``, ``time`` (months), ``survival``, ``ci_low``, ``ci_high`` (0-1), ``at_risk``.
        Times after the last follow-up give NaN (not estimable), never an extrapolation.
    """
    data = _check_data(data, time=time, event=event)
    lv = _level_from(level, alpha, where="landmark_survival")
    times = _times_arg(times)
    rows = []
    for name, group in _groups(data, by):
        kmf = _fit_km(group, time=time, event=event, label="s", tail=lv.tail)
        sf = kmf.survival_function_["s"]
        surv, lo, hi = _km_bands(kmf)
        idx = np.searchsorted(sf.index.to_numpy(), times, side="right") - 1
        ok = times <= float(group[time].max())
        t = group[time].to_numpy(dtype=float)
        rows.append(
            pd.DataFrame(
                {
                    "arm": name,
                    "time": times,
                    "survival": np.where(ok, surv[idx], np.nan),
                    "ci_low": np.where(ok, lo[idx], np.nan),
                    "ci_high": np.where(ok, hi[idx], np.nan),
                    "at_risk": [int((t >= x).sum()) for x in times],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def logrank(
    data: pd.DataFrame, *, time: str = "time", event: str = "event", by: str = "arm"
) -> LogRankResult:
    """Log-rank test between the arms in ``by`` (lifelines ``logrank_test`` / ``multivariate_logrank_test``)."""
    from lifelines.statistics import logrank_test, multivariate_logrank_test

    data = _check_data(data, time=time, event=event)
    groups = _groups(data, by)
    if len(groups) < 2:
        raise ValueError(f"by: the log-rank test needs at least two arms in {by!r}, found {len(groups)}")
    if not data[event].any():
        raise ValueError(f"data.{event}: no events in any arm, so the log-rank test is undefined")
    with _lifelines("the log-rank test", "check that every arm has patients with follow-up and events"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            if len(groups) == 2:
                (_, a), (_, b) = groups
                res = logrank_test(a[time], b[time], a[event], b[event])
            else:
                res = multivariate_logrank_test(data[time], data[by].astype(str), data[event])
    if not (math.isfinite(float(res.test_statistic)) and 0 <= float(res.p_value) <= 1):
        raise ValueError(
            f"data: the log-rank statistic is undefined for these arms ({float(res.test_statistic):g}); "
            "check that the arms overlap in follow-up and have events"
        )
    return LogRankResult(
        statistic=float(res.test_statistic),
        p_value=float(res.p_value),
        df=len(groups) - 1,
        arms=tuple(g for g, _ in groups),
    )


def _two_arms(data: pd.DataFrame, by: str, reference: str | None) -> tuple[str, str, list]:
    groups = _groups(data, by)
    if len(groups) != 2:
        raise ValueError(
            f"by: need exactly two arms in {by!r}, found {len(groups)} ({', '.join(g for g, _ in groups)})"
        )
    names = [g for g, _ in groups]
    if reference is None:
        reference = names[0]
    if reference not in names:
        raise ValueError(f"reference: {reference!r} is not an arm in {by!r} ({', '.join(names)})")
    arm = names[1] if reference == names[0] else names[0]
    return arm, reference, groups


def _two_arm_data(data, time: str, event: str, by: str, reference, level, alpha, where: str):
    """The checks of a two-arm comparison, in order: ``(data, level, arm, reference, groups)``."""
    data = _check_data(data, time=time, event=event)
    lv = _level_from(level, alpha, where=where, stacklevel=4)
    arm, reference, groups = _two_arms(data, by, reference)
    return data, lv, arm, reference, groups


def hazard_ratio(
    data: pd.DataFrame,
    *,
    time: str = "time",
    event: str = "event",
    by: str = "arm",
    reference: str | None = None,
    level: float = 0.95,
    alpha: float | None = None,
) -> HazardRatioResult:
    """Cox proportional-hazards hazard ratio of the other arm vs ``reference`` (default: the first arm)."""
    from lifelines import CoxPHFitter

    data, lv, arm, reference, _ = _two_arm_data(
        data, time, event, by, reference, level, alpha, "hazard_ratio"
    )
    df = pd.DataFrame(
        {
            "time": data[time].to_numpy(dtype=float),
            "event": data[event].to_numpy(dtype=int),
            "x": (data[by].astype(str) == arm).to_numpy(dtype=float),
        }
    )
    for name in (arm, reference):
        if not df.loc[(df["x"] == 1) == (name == arm), "event"].any():
            raise ValueError(
                f"data.{event}: the hazard ratio cannot be estimated because arm {name!r} has no events "
                "(the Cox estimate runs off to 0 or infinity); report the Kaplan-Meier curves and the "
                "events per arm instead"
            )
    hint = (
        "the arms may be completely separated (e.g. every event in one arm happens before any "
        "follow-up ends in the other); report the Kaplan-Meier curves and the log-rank test instead"
    )
    with _lifelines("the Cox hazard ratio", hint), warnings.catch_warnings():
        from lifelines.exceptions import ConvergenceWarning

        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        cph = CoxPHFitter(alpha=lv.tail).fit(df, "time", "event")
    s = cph.summary.loc["x"]
    hr = float(s["exp(coef)"])
    lo = float(np.exp(cph.confidence_intervals_.iloc[0, 0]))
    hi = float(np.exp(cph.confidence_intervals_.iloc[0, 1]))
    p = float(s["p"])
    if not (0 < lo <= hr <= hi < math.inf and 0 <= p <= 1):
        raise ValueError(
            f"data: the Cox model did not converge to a usable hazard ratio (HR {hr:.3g}, CI {lo:.3g}-{hi:.3g}); "
            + hint
        )
    return HazardRatioResult(
        hazard_ratio=hr,
        ci_low=lo,
        ci_high=hi,
        p_value=p,
        arm=arm,
        reference=reference,
        level=float(lv),
        synthetic=_synthetic(data),
    )


def rmst(
    data: pd.DataFrame,
    *,
    tau: float,
    time: str = "time",
    event: str = "event",
    level: float = 0.95,
    alpha: float | None = None,
    arm: str = "all",
) -> RMSTResult:
    """Restricted mean survival time to ``tau`` months with a CI (all rows of ``data``, one group).

    The estimate is lifelines' ``restricted_mean_survival_time`` (area under the KM curve). Its
    standard error uses the usual Greenwood-type formula
    ``var = sum_j A_j^2 d_j / (n_j (n_j - d_j))`` over event times up to ``tau``, where ``A_j`` is
    the area under the curve from the event time to ``tau`` (lifelines' ``return_variance`` gives
    the variance of min(T, tau) in the population, not the estimator's, so it is not used).
    """
    from lifelines.utils import restricted_mean_survival_time

    data = _check_data(data, time=time, event=event)
    lv = _level_from(level, alpha, where="rmst")
    tau = _positive(tau, field="tau", allow_none=False)
    if tau > MAX_TIME:
        raise ValueError(f"tau: {tau:g} is later than {MAX_TIME:g}, the latest time accepted")
    kmf = _fit_km(data, time=time, event=event, label="s", tail=lv.tail)
    with _lifelines("the restricted mean survival time", "check tau and data.time"):
        est = float(restricted_mean_survival_time(kmf, t=tau))
    sf = kmf.survival_function_["s"]
    t = sf.index.to_numpy(dtype=float)
    s = sf.to_numpy()
    keep = t <= tau
    t_k, s_k = np.append(t[keep], tau), s[keep]
    area_seg = s_k * np.diff(t_k)  # area of each step up to tau
    tail_area = np.cumsum(area_seg[::-1])[::-1]  # area from t_j to tau
    et = kmf.event_table.loc[t[keep]]
    d = et["observed"].to_numpy(dtype=float)
    nr = et["at_risk"].to_numpy(dtype=float)
    # A_j for an event at t_j: area from t_j to tau = tail_area[j] (step j starts at t_j)
    ok = (d > 0) & (nr > d)
    var = float(np.sum(tail_area[ok] ** 2 * d[ok] / (nr[ok] * (nr[ok] - d[ok]))))
    se = math.sqrt(var)
    z = stats.z_for_p(lv.tail)  # from the tail itself: exact where the level rounds to 1
    half = z * se if se > 0 else 0.0  # no events before tau: the estimate has no spread
    return RMSTResult(est, se, est - half, est + half, tau, arm=arm, level=float(lv))


def _default_tau(data: pd.DataFrame, *, time: str, by: str | None) -> float:
    return float(min(g[time].max() for _, g in _groups(data, by)))


def rmst_difference(
    data: pd.DataFrame,
    *,
    tau: float | None = None,
    time: str = "time",
    event: str = "event",
    by: str = "arm",
    reference: str | None = None,
    level: float = 0.95,
    alpha: float | None = None,
) -> RMSTDifference:
    """RMST of the other arm minus ``reference`` (months) up to ``tau``, with CI and z-test p.

    ``tau`` defaults to the shorter of the two arms' longest follow-up, so both curves are
    observed up to it.
    """
    from scipy.stats import norm

    data, lv, arm, reference, groups = _two_arm_data(
        data, time, event, by, reference, level, alpha, "rmst_difference"
    )
    if tau is None:
        tau = _default_tau(data, time=time, by=by)
        if tau <= 0:
            raise ValueError(
                f"tau: one arm has no follow-up beyond time 0 in data.{time}; give tau (months) explicitly"
            )
    g = dict(groups)
    ra = rmst(g[arm], tau=tau, time=time, event=event, level=lv, arm=arm)
    rr = rmst(g[reference], tau=tau, time=time, event=event, level=lv, arm=reference)
    diff = ra.rmst - rr.rmst
    se = math.hypot(ra.se, rr.se)
    z = stats.z_for_p(lv.tail)  # from the tail itself: exact where the level rounds to 1
    p = float(2 * norm.sf(abs(diff) / se)) if se > 0 else float("nan")
    half = z * se if se > 0 else 0.0
    return RMSTDifference(diff, se, diff - half, diff + half, p, float(tau), ra, rr)


def median_follow_up(data: pd.DataFrame, *, time: str = "time", event: str = "event") -> float:
    """Median follow-up (months) by the reverse Kaplan-Meier method (censoring treated as the event)."""
    data = _check_data(data, time=time, event=event)
    flipped = pd.DataFrame({"time": data[time], "event": 1 - data[event].astype(int)})
    return float(_fit_km(flipped, time="time", event="event", label="fu").median_survival_time_)


def compare_arms(
    data: pd.DataFrame,
    *,
    time: str = "time",
    event: str = "event",
    by: str = "arm",
    reference: str | None = None,
    tau: float | None = None,
    level: float = 0.95,
    alpha: float | None = None,
) -> ArmComparison:
    """Medians with CI, Cox HR with CI and p, log-rank p and RMST difference for two arms."""
    data, lv, arm, reference, groups = _two_arm_data(
        data, time, event, by, reference, level, alpha, "compare_arms"
    )
    medians = tuple(median_survival(g, time=time, event=event, level=lv, arm=name) for name, g in groups)
    return ArmComparison(
        medians=medians,
        hazard_ratio=hazard_ratio(data, time=time, event=event, by=by, reference=reference, level=lv),
        logrank=logrank(data, time=time, event=event, by=by),
        rmst=rmst_difference(data, tau=tau, time=time, event=event, by=by, reference=reference, level=lv),
        synthetic=_synthetic(data),
    )
