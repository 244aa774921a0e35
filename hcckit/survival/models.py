"""Generating survival functions and the synthetic pseudo-patients drawn from them.

A :class:`SurvivalModel` is built from published points (:func:`survival_model`: piecewise
exponential through them, a Weibull fitted to them, or an exponential from the median);
:meth:`SurvivalModel.with_hazard_ratio` makes a comparator arm. :func:`simulate_arm` and
:func:`synthesize_arm` draw pseudo-patients from it, censored from published numbers at risk or
an accrual/follow-up design; :func:`concat_arms` stacks arms. :func:`implied_hazard_ratio` and
:func:`hr_consistency` compare two medians with a hazard ratio under exponential survival.
Every table drawn has ``synthetic == True``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from hcckit.guyot import MAX_TIME, _show, validate_at_risk
from hcckit.survival._format import _fmt, _fmt_t, _html_table
from hcckit.survival._validate import (
    _at_times,
    _check_choice,
    _check_data,
    _check_median_vs_landmarks,
    _count,
    _hazard_ratio,
    _landmark_pairs,
    _months,
    _name,
    _positive,
    _seed,
    _stack_arms,
    _times_arg,
)
from hcckit.survival.results import HRConsistency
from hcckit.uploads import MAX_ROWS

__all__ = [
    "MODELS",
    "METHODS",
    "SurvivalModel",
    "survival_model",
    "simulate_arm",
    "synthesize_arm",
    "concat_arms",
    "implied_hazard_ratio",
    "hr_consistency",
]


MODELS = ("piecewise", "weibull", "exponential")


METHODS = ("quantile", "random")


@dataclass(frozen=True)
class SurvivalModel:
    """A generating survival function S(t) (t in months), built by :func:`survival_model`.

    Attributes
    ----------
    kind : str
        ``piecewise`` (piecewise-exponential through the points), ``weibull`` (least-squares on
        log(-log S) against log t) or ``exponential`` (one constant hazard).
    points : tuple of (months, survival)
        The published points the model was built from (the median counts as (median, 0.5)).
    knots, cumhaz : tuple of float
        Piecewise model: times (months, starting at 0) and cumulative hazard there.
    tail_hazard : float
        Piecewise model: hazard (per month) used after the last knot.
    rate : float
        Exponential model: hazard per month.
    scale, shape : float
        Weibull model: S(t) = exp(-(t / scale) ** shape), scale in months.
    hazard_ratio, effect_delay : float
        Proportional-hazards modification: after ``effect_delay`` months the hazard is
        multiplied by ``hazard_ratio`` (1 and 0 for an unmodified model).
    label : str
        Short description used in notes and charts.
    """

    kind: str
    points: tuple[tuple[float, float], ...] = ()
    knots: tuple[float, ...] = ()
    cumhaz: tuple[float, ...] = ()
    tail_hazard: float = 0.0
    rate: float = 0.0
    scale: float = 0.0
    shape: float = 1.0
    hazard_ratio: float = 1.0
    effect_delay: float = 0.0
    label: str = ""

    def __post_init__(self) -> None:
        """Refuse parameters no survival function has (the constructor is public; use survival_model)."""
        _check_choice(self.kind, MODELS, field="kind")
        if not isinstance(self.label, str):
            raise TypeError(f"label: must be text, got {_show(self.label)}")
        _landmark_pairs(self.points, field="points")
        _hazard_ratio(self.hazard_ratio)
        _months(self.effect_delay, field="effect_delay", allow_none=False, allow_zero=True)
        if self.kind == "exponential":
            _positive(self.rate, field="rate", allow_none=False)
        elif self.kind == "weibull":
            _positive(self.scale, field="scale", allow_none=False)
            _positive(self.shape, field="shape", allow_none=False)
        else:
            _positive(self.tail_hazard, field="tail_hazard", allow_none=False)
            k = _times_arg(self.knots, field="knots")
            h = _times_arg(self.cumhaz, field="cumhaz", latest=math.inf)
            if len(k) < 2 or len(k) != len(h) or k[0] != 0 or h[0] != 0:
                raise ValueError(
                    "knots/cumhaz: a piecewise model needs equally many knots (months, from 0) and "
                    f"cumulative hazards (from 0), at least two; got {len(k)} and {len(h)}"
                )
            if (np.diff(k) <= 0).any() or (np.diff(h) < 0).any():
                raise ValueError("knots/cumhaz: knots must increase and cumulative hazards must not fall")

    # -- base cumulative hazard and its inverse -------------------------------------------
    def _base_h(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        if self.kind == "exponential":
            return self.rate * t
        if self.kind == "weibull":
            return (np.clip(t, 0, None) / self.scale) ** self.shape
        knots = np.asarray(self.knots)
        cum = np.asarray(self.cumhaz)
        inside = np.interp(t, knots, cum)
        return np.where(t > knots[-1], cum[-1] + self.tail_hazard * (t - knots[-1]), inside)

    def _base_h_inv(self, h: np.ndarray) -> np.ndarray:
        h = np.asarray(h, dtype=float)
        if self.kind == "exponential":
            return h / self.rate
        if self.kind == "weibull":
            return self.scale * np.clip(h, 0, None) ** (1.0 / self.shape)
        knots = np.asarray(self.knots)
        cum = np.asarray(self.cumhaz)
        j = np.clip(np.searchsorted(cum, h, side="left"), 1, len(cum) - 1)
        dh = cum[j] - cum[j - 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(dh > 0, (h - cum[j - 1]) / dh, 0.0)
            inside = knots[j - 1] + frac * (knots[j] - knots[j - 1])
            tail = knots[-1] + (h - cum[-1]) / self.tail_hazard
        return np.where(h > cum[-1], tail, inside)

    # -- unchecked evaluation (internal callers pass valid arrays) --------------------------
    def _h(self, t) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):  # a huge t: H = inf, S = 0
            h = self._base_h(t)
            if self.hazard_ratio == 1.0:
                return h
            hd = float(self._base_h(np.asarray(self.effect_delay)))
            after = np.where(np.isinf(h), np.inf, hd + self.hazard_ratio * (h - hd))  # not inf - inf
            return np.where(t <= self.effect_delay, h, after)

    def _s(self, t) -> np.ndarray:
        return np.exp(-self._h(t))

    def _q(self, p) -> np.ndarray:
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            h = -np.log(np.asarray(p, dtype=float))
            if self.hazard_ratio != 1.0:
                hd = float(self._base_h(np.asarray(self.effect_delay)))
                h = np.where(h <= hd, h, hd + (h - hd) / self.hazard_ratio)
            return self._base_h_inv(h)

    # -- public ---------------------------------------------------------------------------
    def cumulative_hazard(self, t) -> np.ndarray:
        """Cumulative hazard H(t) (unitless, >= 0) at ``t`` months: one finite number >= 0 or a sequence."""
        return self._h(_at_times(t))

    def survival(self, t) -> np.ndarray:
        """Survival probability S(t) (0-1) at ``t`` months (finite, >= 0); scalar in, scalar-shaped array out."""
        return self._s(_at_times(t))

    def quantile(self, p) -> np.ndarray:
        """Time (months) at which survival falls to ``p``; p = 0.5 gives the median.

        ``p`` is one survival probability or a sequence of them, each in (0, 1] (survival never
        reaches 0 under a hazard model). Times may lie past :data:`hcckit.guyot.MAX_TIME` (a
        slowly falling model); one too late to be a finite number is refused.
        """
        try:
            scalar = np.ndim(p) == 0 and not isinstance(p, (Mapping, set, frozenset))
        except ValueError:
            scalar = False
        if scalar:
            probs, shown = [p], ["p"]
        else:
            try:
                flat = not isinstance(p, (str, bytes, Mapping)) and np.ndim(p) == 1
            except ValueError:
                flat = False
            if not flat:
                raise TypeError(
                    f"p: expected a survival probability (0-1) or a sequence of them, got {_show(p)}"
                )
            if not len(p):
                raise ValueError("p: no probabilities given; pass at least one survival probability (0-1)")
            if len(p) > MAX_ROWS:
                raise ValueError(f"p: {len(p):,} probabilities; at most {MAX_ROWS:,} are accepted")
            probs, shown = list(p), [f"p[{i}]" for i in range(len(p))]
        out = np.empty(len(probs))
        for i, (v, name) in enumerate(zip(probs, shown, strict=True)):
            x = _positive(v, field=name, allow_none=False, allow_zero=True)
            if x > 1:
                hint = f" - write {x / 100:.3f} for {x:g} %" if x <= 100 else ""
                raise ValueError(f"{name}: {x:g} is above 1; survival probabilities are 0-1{hint}")
            if x == 0:
                raise ValueError(f"{name}: survival never falls to 0 under a hazard model; give p > 0")
            t = float(self._q(x))
            if not math.isfinite(t):
                raise ValueError(
                    f"{name}: survival falls to {x:g} only after more months than a number can hold; "
                    "give a larger probability"
                )
            out[i] = max(t, 0.0)
        return np.asarray(out[0]) if scalar else out

    @property
    def median(self) -> float:
        """Median survival (months) of the generating function (may lie beyond the published points)."""
        return float(self._q(0.5))

    def rmst(self, tau: float) -> float:
        """Restricted mean survival time up to ``tau`` months (0 < tau <= MAX_TIME): area under S, in months.

        On a grid dense both in time (2,000 even steps) and in survival (steps of 1/2,000 in S),
        plus the model's knots and effect delay, each step is integrated as exp(-H) with H linear
        in between: exact for the piecewise and exponential models, and a curve that falls within
        a fraction of ``tau`` is integrated as accurately as a slow one.
        """
        tau = _months(tau, field="tau", allow_none=False)
        s_tau = float(self._s(tau))
        extra = [np.asarray([self.effect_delay], dtype=float)]
        if self.kind == "piecewise":
            extra.append(np.asarray(self.knots, dtype=float))
        if s_tau < 1.0:
            extra.append(self._q(np.linspace(1.0, s_tau, 2001)[1:-1]))
        grid = np.concatenate([np.linspace(0.0, tau, 2001), *extra])
        grid = np.unique(grid[np.isfinite(grid) & (grid >= 0) & (grid <= tau)])
        h = self._h(grid)
        with np.errstate(divide="ignore", invalid="ignore"):  # S(a) (1 - e^-dH) / dH per step
            s, dt, dh = np.exp(-h[:-1]), np.diff(grid), np.diff(h)
            step = s * dt * np.where(dh > 0, -np.expm1(-dh) / dh, 1.0)
        return float(min(max(np.sum(np.where(s > 0, step, 0.0)), 0.0), tau))

    def with_hazard_ratio(self, hazard_ratio: float, *, after: float = 0.0, label: str | None = None):
        """The comparator under proportional hazards: hazard x ``hazard_ratio`` (after ``after`` months).

        ``hazard_ratio`` must lie within :data:`HR_RANGE` (0.001-1000); ``after`` (months,
        0..MAX_TIME) > 0 gives a delayed effect (non-proportional hazards overall), useful to show
        how medians, hazard ratios and RMST can disagree. ``label`` (text) names the new arm.
        """
        hr = _hazard_ratio(hazard_ratio)
        after = _months(after, field="after", allow_zero=True) or 0.0
        if label is not None and not isinstance(label, str):
            raise TypeError(f"label: must be text, got {_show(label)}")
        if self.hazard_ratio != 1.0:
            raise ValueError(
                "hazard_ratio: this model already has a hazard ratio applied; start from the control"
            )
        text = label or f"{self.label or self.kind} x HR {hr:g}" + (
            f" after {after:g} months" if after else ""
        )
        return replace(self, hazard_ratio=hr, effect_delay=after, label=text)

    def curve(self, *, max_time: float | None = None, points: int = 200) -> pd.DataFrame:
        """The generating curve as a tidy frame: ``time`` (months), ``survival`` (0-1).

        ``max_time`` (months, at most MAX_TIME) defaults to the time survival falls to 5 %
        (MAX_TIME if later); ``points`` is the number of evenly spaced times, 2..MAX_ROWS.
        """
        from hcckit.guyot import _whole

        points = _whole(points, field="points", minimum=2, maximum=MAX_ROWS, what="points")
        if max_time is None:
            q = float(self._q(0.05))
            max_time = min(q, MAX_TIME) if q > 0 else MAX_TIME
        else:
            max_time = _months(max_time, field="max_time", allow_none=False)
        grid = np.linspace(0.0, max_time, points)
        if not (np.diff(grid) > 0).all():
            raise ValueError(
                f"max_time: {max_time:g} months is too short to hold points={points} distinct times"
            )
        return pd.DataFrame({"time": grid, "survival": self._s(grid)})

    def residuals(self) -> pd.DataFrame:
        """Published points against the model: ``time``, ``published``, ``model``, ``difference`` (0-1)."""
        if not self.points:
            return pd.DataFrame(columns=["time", "published", "model", "difference"])
        t = np.array([p[0] for p in self.points])
        s = np.array([p[1] for p in self.points])
        m = self._s(t)
        return pd.DataFrame({"time": t, "published": s, "model": m, "difference": m - s})

    def _repr_html_(self) -> str:
        rows = [("model", self.kind), ("median", f"{_fmt(self.median)} months")]
        if self.kind == "weibull":
            rows.append(("parameters", f"scale {self.scale:.3g} months, shape {self.shape:.3g}"))
        elif self.kind == "exponential":
            rows.append(("hazard", f"{self.rate:.4g} per month"))
        if self.hazard_ratio != 1.0:
            rows.append(("hazard ratio", f"{self.hazard_ratio:g} after {self.effect_delay:g} months"))
        for _, r in self.residuals().iterrows():
            rows.append((f"S({r['time']:g})", f"published {r['published']:.1%}, model {r['model']:.1%}"))
        return _html_table(f"Survival model: {self.label or self.kind}", rows)


#: shortest median or landmark time (months) a model is built from
_SHORTEST = 1e-6


def survival_model(
    median=None, *, landmarks=None, model: str = "piecewise", label: str = "", time_unit: str = "months"
) -> SurvivalModel:
    """Build the generating survival function from a published median and/or landmark rates.

    Parameters
    ----------
    median : float, optional
        Published median survival (months).
    landmarks : mapping of months to survival (0-1), optional
        Published landmark rates, e.g. ``{12: 0.733, 24: 0.385, 36: 0.237}``.
    model : {"piecewise", "weibull", "exponential"}, default "piecewise"
        ``piecewise``: piecewise-exponential through every point exactly (the median counts as
        the point (median, 0.5)); after the last point the last interval's hazard continues (the
        average hazard if that interval is flat). ``weibull``: smooth, least squares of
        log(-log S) on log t, needs two points below 100 %. ``exponential``: constant hazard
        log(2) / median, or fitted to the landmarks when no median is given.
    label : str, optional
        Name used in notes.
    time_unit : str, default "months"
        Name of the time unit of ``median`` and the landmark times, used in messages.

    Returns
    -------
    SurvivalModel

    Raises
    ------
    ValueError
        Naming the field: no points, rates above 100 % or increasing over time, a non-positive
        median, a median that contradicts the landmarks, too few points for a Weibull fit.

    Examples
    --------
    >>> m = survival_model(17.9, landmarks={12: 0.733, 24: 0.385, 36: 0.237})
    >>> [round(float(m.survival(t)), 3) for t in (12, 24, 36)], round(m.median, 1)
    ([0.733, 0.385, 0.237], 17.9)
    """
    from hcckit.guyot import _unit

    time_unit = _unit(time_unit)
    _check_choice(model, MODELS, field="model")
    if not isinstance(label, str):
        raise TypeError(f"label: must be text, got {_show(label)}")
    median = _months(median, field="median")
    pairs = _landmark_pairs(landmarks, time_unit=time_unit)
    # Below 1e-6 months (about 2.6 seconds) no survival time is measured; such times only come from
    # typing errors and make hazards overflow (a median of 5e-324 gave a hazard of inf or a median of 0).
    for t, what in [(median, "median"), *((t, f"landmarks[{t:g}]") for t, _ in pairs)]:
        if t is not None and t < _SHORTEST:
            raise ValueError(
                f"{what}: {t:g} {time_unit} is shorter than {_SHORTEST:g}, the shortest time accepted"
            )
    if median is None and not pairs:
        raise ValueError(f"median/landmarks: give a published median ({time_unit}) and/or landmark rates")
    if median is not None and pairs:
        _check_median_vs_landmarks(median, pairs, time_unit=time_unit)
    points = list(pairs)
    if median is not None and not any(abs(t - median) <= 1e-9 for t, _ in pairs):
        points.append((median, 0.5))  # a landmark at the median time already is that point
    points.sort()
    if all(s >= 1.0 for _, s in points):
        raise ValueError("landmarks: survival never falls below 100 %; give a median or a lower rate")
    if model == "exponential":
        if median is not None:
            rate = math.log(2) / median
        else:
            t = np.array([p[0] for p in points])
            h = -np.log([p[1] for p in points])
            rate = float(np.sum(h * t) / np.sum(t * t))
        return SurvivalModel("exponential", points=tuple(points), rate=rate, label=label)
    if model == "weibull":
        usable = [(t, s) for t, s in points if s < 1.0]
        if len(usable) < 2:
            raise ValueError(
                f"model: 'weibull' needs at least two published points below 100 % (median and/or "
                f"landmarks); got {len(usable)} - use 'exponential' or 'piecewise'"
            )
        x = np.log([t for t, _ in usable])
        y = np.log(-np.log([s for _, s in usable]))
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")  # RankWarning for nearly equal times: checked below
            shape, intercept = np.polyfit(x, y, 1)
            scale = float(np.exp(-intercept / shape))
        if not shape > 0:
            raise ValueError(
                "landmarks: survival does not fall between the points; a Weibull cannot be fitted"
            )
        if not (math.isfinite(shape) and math.isfinite(scale) and scale > 0):
            raise ValueError(
                f"landmarks: a Weibull through these points is degenerate (scale {scale:.3g} {time_unit}, "
                f"shape {shape:.3g}); use 'piecewise' or 'exponential'"
            )
        return SurvivalModel("weibull", points=tuple(points), scale=scale, shape=float(shape), label=label)
    knots = [0.0] + [t for t, _ in points]
    cum = [0.0] + [-math.log(s) for _, s in points]
    tail = (cum[-1] - cum[-2]) / (knots[-1] - knots[-2])
    if tail <= 0:
        tail = cum[-1] / knots[-1]
    return SurvivalModel(
        "piecewise",
        points=tuple(points),
        knots=tuple(knots),
        cumhaz=tuple(cum),
        tail_hazard=tail,
        label=label,
    )


# Allowance for published rates rounded to whole percents (73 % may be 72.5-73.5 %).
_RATE_ROUNDING = 0.005


def _check_at_risk_vs_points(
    points: Sequence[tuple[float, float]], risk: pd.DataFrame, *, time_unit: str = "months"
) -> None:
    """Raise only where numbers at risk are impossible given the published survival points.

    Kaplan-Meier identity: an event among n_k at risk multiplies both the number at risk and
    S by (n_k - d_k) / n_k, a censoring lowers the number at risk only, so n(t) / S(t-) never
    increases. Hence n(t_i) <= n(t_j) S(t_i-) / S(t_j-) for t_j < t_i, and the published points
    bound the two survivals: S(t_i-) <= S(t_a) for the last point t_a < t_i, S(t_j-) >= S(t_c)
    for the first point t_c >= t_j (S(0-) = 1). Survival *between* published points is not
    known, so an interpolated model curve is never the yardstick. Rates are allowed
    ``_RATE_ROUNDING`` either way.
    """
    pts = sorted(points)
    t = risk["time"].to_numpy(dtype=float)
    r = risk["n_at_risk"].to_numpy(dtype=float)
    for i in range(1, len(t)):
        before = [(tp, sp) for tp, sp in pts if tp < t[i]]
        if not before:
            continue
        ta, sa = before[-1]
        for j in range(i):
            if t[j] <= 0:
                tc, sc = 0.0, 1.0
            else:
                after = [(tp, sp) for tp, sp in pts if tp >= t[j]]
                if not after or after[0][0] > ta:
                    continue  # no published point between t_j and t_i: nothing is forced
                tc, sc = after[0][0], max(after[0][1] - _RATE_ROUNDING, 1e-12)
            bound = r[j] * min(sa + _RATE_ROUNDING, 1.0) / sc
            if r[i] > bound + 1e-9:
                since = (
                    f"{int(r[j])} at risk at {_fmt_t(t[j])} {time_unit} and survival of at least "
                    f"{sc:.1%} at {_fmt_t(tc)} {time_unit}"
                    if t[j] > 0
                    else f"{int(r[j])} patients at time 0"
                )
                raise ValueError(
                    f"at_risk: {int(r[i])} patients at risk at {_fmt_t(t[i])} {time_unit}, but with "
                    f"{since}, published survival of {sa:.1%} at {_fmt_t(ta)} {time_unit} leaves at most "
                    f"{bound:.1f} at risk (allowing for rates rounded to whole percents) - numbers at "
                    "risk and survival contradict each other"
                )


def _censoring_from_at_risk(
    model: SurvivalModel, risk: pd.DataFrame, notes: list[str], *, time_unit: str = "months"
):
    """Censoring survival G at the at-risk times: n_j / n_0 = S(t_j) G(t_j); returns (times, G).

    Raises only for a true contradiction between the numbers at risk and the published points
    (:func:`_check_at_risk_vs_points`). Where the model curve, interpolated between published
    points, leaves fewer alive than the numbers at risk imply, G is held flat and a note says so.
    """
    t = risk["time"].to_numpy(dtype=float)
    r = risk["n_at_risk"].to_numpy(dtype=float)
    if model.hazard_ratio == 1.0:
        _check_at_risk_vs_points(model.points, risk, time_unit=time_unit)
    s = model._s(t)
    g = (r / r[0]) / s
    short: list[tuple[float, float]] = []  # (time, patients the model leaves fewer than published)
    for j in range(1, len(t)):
        if g[j] > g[j - 1] + 1e-9:
            allowed = r[0] * s[j] * g[j - 1]
            if g[j] > g[j - 1] + 0.05 or r[j] - allowed > 1.5:
                short.append((t[j], r[j] - allowed))
            g[j] = g[j - 1]
    if short:
        where = ", ".join(_fmt_t(x) for x, _ in short)
        worst = max(short, key=lambda p: p[1])
        fewer = "less than one patient" if worst[1] < 0.5 else f"up to {worst[1]:.0f}"
        notes.append(
            f"Numbers at risk: at {where} {time_unit} more patients are at risk than the model curve "
            f"(interpolated between the published points) leaves alive; no censoring assumed there, "
            f"so the pseudo-patients have fewer at risk than published ({fewer} fewer, "
            f"at {_fmt_t(worst[0])} {time_unit})"
        )
    g = np.clip(g, 0.0, 1.0)
    g[0] = 1.0
    return t, g


def _extend_censoring(
    times: np.ndarray, g: np.ndarray, t_end: float, notes: list[str], *, time_unit: str = "months"
) -> tuple[np.ndarray, np.ndarray]:
    """Continue G past the last at-risk time to ``t_end`` at the table's average censoring rate.

    Guyot et al. (2012) make the same assumption for the interval after the last number at risk.
    Everyone still followed at ``t_end`` (the last published point) is censored there.
    """
    span = times[-1] - times[0]
    rate = (1.0 - g[-1]) / span if span > 0 else 0.0  # fall of G per time unit
    g_end = max(g[-1] - rate * (t_end - times[-1]), 0.0)
    notes.append(
        f"Numbers at risk: the table ends at {_fmt_t(times[-1])} {time_unit} but published points reach "
        f"{_fmt_t(t_end)} {time_unit}; censoring assumed to continue at the table's average rate "
        f"({100 * rate:.2g} % of patients per {time_unit.rstrip('s')}) to {_fmt_t(t_end)} {time_unit}, "
        "where everyone still followed is censored"
    )
    if g_end <= 0:
        notes.append(
            f"Numbers at risk: at that rate nobody is followed to {_fmt_t(t_end)} {time_unit}; the last "
            "published points cannot be reproduced"
        )
    return np.append(times, t_end), np.append(g, g_end)


def _censor_times(u: np.ndarray, times: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Invert a piecewise-linear censoring survival G (G(times[0]) = 1) at probabilities ``u``.

    Patients with ``u <= g[-1]`` (still followed at the last time) are censored at ``times[-1]``.
    """
    out = np.full(u.shape, times[-1], dtype=float)  # survivors past the table: censored at its end
    for j in range(len(times) - 1):
        g0, g1 = g[j], g[j + 1]
        if g0 <= g1:
            continue
        hit = (u <= g0) & (u > g1)
        out[hit] = times[j] + (g0 - u[hit]) / (g0 - g1) * (times[j + 1] - times[j])
    return out


def simulate_arm(
    model: SurvivalModel,
    *,
    n: int,
    at_risk=None,
    accrual: float | None = None,
    follow_up: float | None = None,
    method: str = "quantile",
    seed: int | None = 0,
    arm: str | None = None,
    time_unit: str = "months",
) -> pd.DataFrame:
    """Draw ``n`` synthetic pseudo-patients from a :class:`SurvivalModel`.

    Parameters
    ----------
    model : SurvivalModel
        The generating survival function (e.g. ``survival_model(...)`` or ``.with_hazard_ratio(hr)``).
    n : int
        Patients in the arm.
    at_risk : DataFrame or mapping, optional
        Published numbers at risk (``time`` months, ``n_at_risk``; or ``{months: count}``). The
        censoring distribution G is derived from them: at risk(t) = n S(t) G(t), G linear between
        the published times. When the model's published points go beyond the table, G continues
        at the table's average censoring rate up to the last point (as Guyot et al. 2012 assume
        after the last number at risk; a note says so); everyone still followed at the end is
        censored there. A table whose time-0 count differs from ``n`` is reported
        (:class:`DataDiscrepancyWarning`), not fatal. Numbers at risk that the published points
        make impossible raise ``ValueError``: n(t) / S(t-) never increases (Kaplan-Meier), so
        n(t) <= n(t') S(t-) / S(t'-) for t' < t, with S bounded by the published points on either
        side and rates allowed 0.5 percentage points of rounding.
    accrual : float, optional
        Months over which patients enter, uniformly. Use with ``follow_up``; not with ``at_risk``.
    follow_up : float, optional
        Months of follow-up after the last patient entered. Each patient is followed for
        ``follow_up`` to ``follow_up + accrual`` months (median about ``follow_up + accrual / 2``).
        Neither given and no ``at_risk``: no censoring (a note says so).
    method : {"quantile", "random"}, default "quantile"
        ``quantile``: deterministic event times at evenly spaced survival probabilities
        (i - 0.5) / n, so the Kaplan-Meier curve passes within 1 / (2n) of the generating curve
        when nobody is censored; censoring times are quantiles too, paired at random (seeded).
        ``random``: independent draws with ``seed`` (shows sampling variability).
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same patients.
    arm : str, optional
        Adds an ``arm`` column with this value.
    time_unit : str, default "months"
        Name of the time unit, used in messages and notes.

    Returns
    -------
    DataFrame
        ``time`` (months), ``event`` (1 event, 0 censored), ``synthetic`` (True), plus ``arm``
        when given; ``attrs`` hold ``notes``, ``model`` and ``synthetic``. A pseudo-patient who
        would be followed past :data:`hcckit.guyot.MAX_TIME` (a tail hazard near 0 without
        censoring) is censored there, with a note, so every table is valid input of the analysis.
    """
    from hcckit.guyot import _unit

    time_unit = _unit(time_unit)
    if not isinstance(model, SurvivalModel):
        raise TypeError(
            f"model: expected a SurvivalModel (from survival_model()), got {type(model).__name__}"
        )
    n = _count(n, field="n")
    _check_choice(method, METHODS, field="method")
    accrual = _months(accrual, field="accrual", allow_zero=True)
    follow_up = _months(follow_up, field="follow_up", allow_zero=True)
    arm = _name(arm, field="arm")
    notes: list[str] = []
    rng = np.random.default_rng(_seed(seed))
    if method == "quantile":
        u = 1.0 - (np.arange(n) + 0.5) / n
    else:
        u = rng.random(n)
        u = np.where(u == 0.0, np.nextafter(0.0, 1.0), u)
    with np.errstate(all="ignore"):
        t_event = model._q(u)
    if np.isnan(t_event).any() or (t_event < 0).any():
        raise ValueError(f"model: {model.label or model.kind} gives no valid event times; rebuild it")
    if at_risk is not None and (accrual is not None or follow_up is not None):
        raise ValueError(
            "at_risk: give either published numbers at risk or accrual/follow_up for censoring, not both"
        )
    if at_risk is not None:
        risk, risk_notes = validate_at_risk(at_risk, n=n, time_unit=time_unit)
        notes += risk_notes
        times, g = _censoring_from_at_risk(model, risk, notes, time_unit=time_unit)
        t_points = max((p[0] for p in model.points), default=0.0)
        if t_points > times[-1] and g[-1] > 0:
            times, g = _extend_censoring(times, g, t_points, notes, time_unit=time_unit)
        v = (np.arange(n) + 0.5) / n if method == "quantile" else rng.random(n)
        if method == "quantile":
            v = rng.permutation(v)
        t_cens = _censor_times(v, times, g)
    elif accrual is not None or follow_up is not None:
        a = accrual or 0.0
        f = follow_up or 0.0
        if a + f <= 0:
            raise ValueError(
                "follow_up: accrual + follow_up must be > 0 months (everyone would be censored at 0)"
            )
        v = (np.arange(n) + 0.5) / n if method == "quantile" else rng.random(n)
        if method == "quantile":
            v = rng.permutation(v)
        t_cens = f + a * v
    else:
        t_cens = np.full(n, np.inf)
        notes.append(
            "no censoring assumed (no numbers at risk, accrual or follow-up given): every "
            "pseudo-patient is followed until the event, so the tail runs past any real follow-up"
        )
    event = (t_event <= t_cens).astype(int)
    time = np.minimum(t_event, t_cens)
    late = time > MAX_TIME  # includes inf: a tail hazard near 0, or no censoring at all
    if late.any():
        event[late], time[late] = 0, MAX_TIME
        notes.append(
            f"{int(late.sum())} pseudo-patient(s) would be followed past {MAX_TIME:g} {time_unit}, the latest "
            f"time accepted; censored there"
        )
    out = pd.DataFrame({"time": time, "event": event})
    out = out.sort_values(["time", "event"], ascending=[True, False], kind="stable").reset_index(drop=True)
    if arm is not None:
        out.insert(0, "arm", arm)
    out["synthetic"] = True
    out.attrs.update({"synthetic": True, "model": model.label or model.kind, "notes": notes})
    return out


def synthesize_arm(
    n,
    *,
    median=None,
    landmarks=None,
    at_risk=None,
    accrual=None,
    follow_up=None,
    model="piecewise",
    seed=0,
    method: str = "quantile",
    hazard_ratio: float | None = None,
    arm: str | None = None,
    time_unit: str = "months",
) -> pd.DataFrame:
    """Synthetic pseudo-patients whose Kaplan-Meier curve reproduces a trial arm's published summaries.

    Parameters
    ----------
    n : int
        Patients in the arm.
    median : float, optional
        Published median (months).
    landmarks : mapping of months to survival (0-1), optional
        Published landmark rates, e.g. ``{12: 0.733, 24: 0.385, 36: 0.237}``.
    at_risk : DataFrame or mapping, optional
        Published numbers at risk; censoring is derived from them (see :func:`simulate_arm`).
    accrual, follow_up : float, optional
        Uniform accrual over ``accrual`` months and ``follow_up`` months after the last entry.
    model : {"piecewise", "weibull", "exponential"} or SurvivalModel, default "piecewise"
        How the survival function is built from the points (see :func:`survival_model`); or a
        ready :class:`SurvivalModel` (then give no median/landmarks).
    seed : int, default 0
        Random seed (reproducible patients).
    method : {"quantile", "random"}, default "quantile"
        Deterministic quantile draw (reproduces the points) or independent random draw.
    hazard_ratio : float, optional
        Make this the *comparator* of the arm described by the summaries: hazard x ``hazard_ratio``
        (proportional hazards).
    arm : str, optional
        Value of an ``arm`` column.
    time_unit : str, default "months"
        Name of the time unit of every time given, used in messages and notes.

    Returns
    -------
    DataFrame
        ``time`` (months), ``event`` (1 event, 0 censored), ``synthetic`` (always True).

    Examples
    --------
    >>> ipd = synthesize_arm(45, median=17.9, landmarks={12: 0.733, 24: 0.385, 36: 0.237})
    >>> list(ipd.columns), bool(ipd["synthetic"].all())
    (['time', 'event', 'synthetic'], True)
    """
    arm = _name(arm, field="arm")
    if isinstance(model, SurvivalModel):
        if median is not None or landmarks is not None:
            raise ValueError("model: pass either a SurvivalModel or median/landmarks, not both")
        built = model
    else:
        built = survival_model(median, landmarks=landmarks, model=model, label=arm or "", time_unit=time_unit)
    if hazard_ratio is not None:
        built = built.with_hazard_ratio(hazard_ratio)
    return simulate_arm(
        built,
        n=n,
        at_risk=at_risk,
        accrual=accrual,
        follow_up=follow_up,
        method=method,
        seed=seed,
        arm=arm,
        time_unit=time_unit,
    )


def concat_arms(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Stack per-arm pseudo-patient frames (each with an ``arm`` column) into one two-or-more-arm table.

    The ``arm`` column becomes an ordered categorical in the order given (the first is the
    reference of :func:`compare_arms` by default); notes in ``attrs`` are merged.
    """
    if isinstance(frames, (str, bytes, Mapping, pd.DataFrame)) or not isinstance(frames, Iterable):
        raise TypeError(f"frames: expected a list of DataFrames (one per arm), got {_show(frames)}")
    frames = list(frames)
    if not frames:
        raise ValueError("frames: give at least one arm")
    order: list[str] = []
    for i, f in enumerate(frames):
        if not isinstance(f, pd.DataFrame):
            raise TypeError(f"frames[{i}]: expected a DataFrame of pseudo-patients, got {_show(f)}")
        if "arm" not in f.columns:
            raise ValueError(f"frames[{i}]: no 'arm' column; pass arm='...' to synthesize_arm/simulate_arm")
        try:
            _check_data(f, time="time", event="event")
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"frames[{i}]: {exc}") from None
        missing = f["arm"].isna().to_numpy()
        if missing.any():
            raise ValueError(
                f"frames[{i}].arm: row {_show(f.index[int(np.flatnonzero(missing)[0])])} has no arm"
            )
        for a in dict.fromkeys(str(a) for a in f["arm"]):
            if a in order:
                raise ValueError(f"frames[{i}]: arm {a!r} is already in an earlier frame; give each arm once")
            order.append(a)
    out = _stack_arms([f.assign(arm=f["arm"].astype(str)) for f in frames], order)
    notes = [m for f in frames for m in f.attrs.get("notes", [])]
    out.attrs.update({"synthetic": all(f.attrs.get("synthetic", False) for f in frames), "notes": notes})
    return out


def implied_hazard_ratio(control_median: float, *, experimental_median: float) -> float:
    """Hazard ratio implied by two medians if survival were exponential: control / experimental.

    >>> round(implied_hazard_ratio(5.5, experimental_median=8.4), 3)
    0.655
    """
    c = _months(control_median, field="control_median", allow_none=False)
    e = _months(experimental_median, field="experimental_median", allow_none=False)
    hr = c / e
    if not (math.isfinite(hr) and hr > 0):
        raise ValueError(
            f"experimental_median: medians {c:g} and {e:g} months imply a hazard ratio of {hr:g}, "
            "outside what a number can hold"
        )
    return hr


def hr_consistency(control_median, *, experimental_median, hazard_ratio, ci=None) -> HRConsistency:
    """Compare the HR implied by two medians (exponential survival) with the reported HR.

    Parameters
    ----------
    control_median, experimental_median : float
        Published medians (months).
    hazard_ratio : float
        Reported hazard ratio (experimental vs control, > 0).
    ci : (float, float), optional
        Reported 95 % confidence interval of the hazard ratio.

    Examples
    --------
    >>> r = hr_consistency(5.5, experimental_median=8.4, hazard_ratio=0.58, ci=(0.37, 0.91))
    >>> round(r.implied_hr, 2), r.within_ci
    (0.65, True)
    """
    hr = _positive(hazard_ratio, field="hazard_ratio", allow_none=False)
    implied = implied_hazard_ratio(control_median, experimental_median=experimental_median)
    if ci is None:
        lo, hi = None, None
    elif isinstance(ci, (str, bytes, Mapping)) or not isinstance(ci, Sequence | np.ndarray) or len(ci) != 2:
        raise TypeError(f"ci: expected (lower, upper) of the hazard ratio, got {_show(ci)}")
    else:
        lo, hi = ci
    exp_median = float(control_median) / hr
    if not math.isfinite(exp_median):
        raise ValueError(
            f"hazard_ratio: {hr:g} applied to a median of {float(control_median):g} months gives an "
            "infinite median"
        )
    if not exp_median > 0:  # a median of 5e-324 months / HR 2 underflowed to 0
        raise ValueError(
            f"control_median: {float(control_median):g} months divided by the hazard ratio {hr:g} gives a "
            "median of 0, too short for a number to hold"
        )
    if lo is not None:
        lo = _positive(lo, field="ci")
    if hi is not None:
        hi = _positive(hi, field="ci")
    if lo is not None and hi is not None and not lo <= hr <= hi:
        raise ValueError(f"ci: the hazard ratio {hr:g} is outside its own interval {lo:g}-{hi:g}")
    return HRConsistency(
        control_median=float(control_median),
        experimental_median=float(experimental_median),
        reported_hr=hr,
        reported_ci=(lo, hi),
        implied_hr=implied,
        implied_experimental_median=exp_median,
    )
