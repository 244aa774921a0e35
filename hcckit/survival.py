"""Survival comparisons from published summaries: pseudo-patients, Guyot reconstruction, KM analysis.

Trials publish medians, hazard ratios, landmark rates and numbers at risk, never patient data.
This module turns those summaries into *synthetic* pseudo-patients whose Kaplan-Meier curve
reproduces the published points, rebuilds pseudo patient data from digitised curves (Guyot's
algorithm, :mod:`hcckit.guyot`), and analyses either with lifelines: Kaplan-Meier with
confidence bands, medians, landmark survival, log-rank test, Cox hazard ratio and restricted
mean survival time (RMST).

Units: every time is in **months**; survival is a **proportion (0-1)** (73.3 % is 0.733).
Every generated table has ``synthetic == True`` and charts drawn from it say so.

Three layers, one way:

1. a :class:`SurvivalModel` (the generating survival function) from published points:
   :func:`survival_model` (piecewise exponential through the points, Weibull fitted to them,
   exponential from the median), :meth:`SurvivalModel.with_hazard_ratio` for a comparator arm;
2. pseudo-patients drawn from it: :func:`synthesize_arm`, :func:`simulate_arm`, or from the
   curated tables: :func:`synthesize_published`; or rebuilt from a curve: :func:`reconstruct_ipd`;
3. analysis: :func:`km_table`, :func:`at_risk_table`, :func:`median_survival`,
   :func:`landmark_survival`, :func:`logrank`, :func:`hazard_ratio`, :func:`rmst`,
   :func:`rmst_difference`, :func:`compare_arms`, :func:`compare_published`.

lifelines and scipy are imported inside the functions that need them.
"""

from __future__ import annotations

import functools
import html
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from hcckit import stats
from hcckit.guyot import (
    MAX_TIME,
    DataDiscrepancyWarning,
    _show,
    clean_curve,
    reconstruct_ipd,
    validate_at_risk,
)
from hcckit.uploads import MAX_PATIENTS, MAX_ROWS

__all__ = [
    # generating models and pseudo-patients
    "MODELS",
    "METHODS",
    "SurvivalModel",
    "survival_model",
    "simulate_arm",
    "synthesize_arm",
    "implied_hazard_ratio",
    "hr_consistency",
    "HRConsistency",
    # reconstruction
    "reconstruct_ipd",
    "clean_curve",
    "reconstruction_error",
    "ReconstructionReport",
    "km_steps",
    "DataDiscrepancyWarning",
    # analysis
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
    "MedianResult",
    "LogRankResult",
    "HazardRatioResult",
    "RMSTResult",
    "RMSTDifference",
    "ArmComparison",
    # curated trials
    "PublishedArm",
    "survival_catalogue",
    "published_arms",
    "published_effect",
    "published_points",
    "synthesize_published",
    "compare_published",
    "arm_catalogue",
    "synthesize_across_trials",
    "concat_arms",
]

MODELS = ("piecewise", "weibull", "exponential")
METHODS = ("quantile", "random")
_CSS = "border-collapse:collapse;font-size:15px"


# ---------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------


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


def _fmt(x: float | None, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if math.isinf(x):
        return "NR"
    return f"{x:.{digits}f}"


def _fmt_t(t: float) -> str:
    """A time in months for text: whole numbers without decimals, others to 0.1 month."""
    return f"{t:.0f}" if float(t).is_integer() else f"{t:.1f}"


def _fmt_p(p: float | None) -> str:
    if p is None or math.isnan(p):
        return "p not available"
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.1 else f"p = {p:.2f}"


def _html_table(title: str, rows: Iterable[tuple[str, str]], *, note: str = "") -> str:
    body = "".join(
        f"<tr><th style='text-align:left;padding:2px 8px'>{html.escape(k)}</th>"
        f"<td style='padding:2px 8px'>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    foot = f"<div style='color:#555;font-size:14px'>{html.escape(note)}</div>" if note else ""
    return f"<div><b>{html.escape(title)}</b><table style='{_CSS}'>{body}</table>{foot}</div>"


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


# ---------------------------------------------------------------------------------------
# the generating survival function
# ---------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------
# pseudo-patients
# ---------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class HRConsistency:
    """Do two published medians and a published hazard ratio tell the same story?

    Under exponential survival in both arms HR = control median / experimental median. When the
    trial's HR differs, the curves are not exponential (or not proportional), or the summaries
    come from different analyses.
    """

    control_median: float
    experimental_median: float
    reported_hr: float
    reported_ci: tuple[float | None, float | None]
    implied_hr: float
    implied_experimental_median: float

    @property
    def within_ci(self) -> bool | None:
        """Is the median-implied HR inside the reported confidence interval (None without a CI)?"""
        lo, hi = self.reported_ci
        if lo is None or hi is None:
            return None
        return lo <= self.implied_hr <= hi

    @property
    def message(self) -> str:
        """One sentence for learners."""
        ci = self.reported_ci
        ci_txt = f" (95% CI {ci[0]:.2f}-{ci[1]:.2f})" if ci[0] is not None and ci[1] is not None else ""
        verdict = {
            True: "inside the reported interval, but the point estimates differ",
            False: "OUTSIDE the reported interval",
            None: "not comparable with an interval (none reported)",
        }[self.within_ci]
        return (
            f"Medians {self.control_median:g} vs {self.experimental_median:g} months imply HR "
            f"{self.implied_hr:.2f} under exponential survival; the trial reports {self.reported_hr:.2f}{ci_txt}: "
            f"{verdict}. HR {self.reported_hr:.2f} applied to the control would give a median of "
            f"{self.implied_experimental_median:.1f} months."
        )

    def _repr_html_(self) -> str:
        rows = [
            (
                "medians (control, experimental)",
                f"{self.control_median:g}, {self.experimental_median:g} months",
            ),
            ("HR implied by the medians (exponential)", f"{self.implied_hr:.2f}"),
            ("HR reported", f"{self.reported_hr:.2f}"),
            ("median implied by the reported HR", f"{self.implied_experimental_median:.1f} months"),
        ]
        return _html_table("Medians vs hazard ratio", rows, note=self.message)


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


# ---------------------------------------------------------------------------------------
# reconstruction report
# ---------------------------------------------------------------------------------------


def km_steps(data: pd.DataFrame, *, time: str = "time", event: str = "event") -> pd.DataFrame:
    """The corners of a Kaplan-Meier curve (``time``, ``survival``): what a digitiser would read.

    Useful to test :func:`reconstruct_ipd` on simulated trials.
    """
    data = _check_data(data, time=time, event=event)
    kmf = _fit_km(data, time=time, event=event, label="km")
    sf = kmf.survival_function_
    return pd.DataFrame({"time": sf.index.to_numpy(dtype=float), "survival": sf.iloc[:, 0].to_numpy()})


@dataclass(frozen=True, eq=False)
class ReconstructionReport:
    """How well rebuilt pseudo-patients reproduce the input curve (and numbers at risk).

    Attributes
    ----------
    max_abs_error, mean_abs_error : float
        Largest and mean absolute difference (survival, 0-1) between the KM of the rebuilt data
        and the input points.
    n, events : int
        Rebuilt patients and events.
    at_risk_max_diff : int or None
        Largest difference between rebuilt and published numbers at risk (patients).
    table : DataFrame
        ``time``, ``survival_input``, ``survival_rebuilt``, ``difference``.
    """

    max_abs_error: float
    mean_abs_error: float
    n: int
    events: int
    at_risk_max_diff: int | None
    table: pd.DataFrame = field(repr=False)

    def _repr_html_(self) -> str:
        rows = [
            ("patients / events", f"{self.n} / {self.events}"),
            ("largest survival error", f"{self.max_abs_error:.1%}"),
            ("mean survival error", f"{self.mean_abs_error:.2%}"),
        ]
        if self.at_risk_max_diff is not None:
            rows.append(("largest at-risk difference", f"{self.at_risk_max_diff} patients"))
        return _html_table("Reconstruction error (KM of the rebuilt data vs input points)", rows)


def reconstruction_error(ipd: pd.DataFrame, *, curve, at_risk=None) -> ReconstructionReport:
    """Compare the Kaplan-Meier curve of rebuilt data with the digitised points it came from.

    Parameters
    ----------
    ipd : DataFrame
        Output of :func:`reconstruct_ipd` (``time``, ``event``).
    curve : DataFrame
        The input points (``time`` months, ``survival`` 0-1); cleaned as :func:`clean_curve` does.
    at_risk : DataFrame, optional
        Published numbers at risk (``time``, ``n_at_risk``), compared with the rebuilt ones.
    """
    ipd = _check_data(ipd, time="time", event="event")
    pts, _ = clean_curve(curve, time_unit=ipd.attrs.get("time_unit", "months"))
    kmf = _fit_km(ipd, time="time", event="event", label="rebuilt")
    rebuilt = kmf.survival_function_at_times(pts["time"].to_numpy()).to_numpy()
    diff = rebuilt - pts["survival"].to_numpy()
    table = pd.DataFrame(
        {
            "time": pts["time"],
            "survival_input": pts["survival"],
            "survival_rebuilt": rebuilt,
            "difference": diff,
        }
    )
    risk_diff = None
    if at_risk is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataDiscrepancyWarning)  # a difference is what is reported
            risk, _ = validate_at_risk(at_risk, n=len(ipd), time_unit=ipd.attrs.get("time_unit", "months"))
        t = ipd["time"].to_numpy()
        got = np.array([(t >= x).sum() for x in risk["time"].to_numpy(dtype=float)])
        risk_diff = int(np.max(np.abs(got - risk["n_at_risk"].to_numpy(dtype=float))))
    return ReconstructionReport(
        max_abs_error=float(np.max(np.abs(diff))),
        # a mean of equal values can exceed them by one rounding step: never above the maximum
        mean_abs_error=min(float(np.mean(np.abs(diff))), float(np.max(np.abs(diff)))),
        n=len(ipd),
        events=int(ipd["event"].sum()),
        at_risk_max_diff=risk_diff,
        table=table,
    )


# ---------------------------------------------------------------------------------------
# analysis with lifelines
# ---------------------------------------------------------------------------------------


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


def _fit_km(data: pd.DataFrame, *, time: str, event: str, label: str, alpha: float = 0.05):
    from lifelines import KaplanMeierFitter

    with _lifelines(
        "the Kaplan-Meier estimate",
        "check data.time and data.event (finite months >= 0; 1 event, 0 censored)",
    ):
        return KaplanMeierFitter(alpha=alpha).fit(
            data[time].to_numpy(dtype=float), data[event].to_numpy(dtype=int), label=label
        )


def _km_bands(kmf) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Survival and its CI bands as arrays, the bands made to contain the estimate.

    lifelines' exponential Greenwood band is undefined where survival is 0 or 1 and can come
    out as [1, 1] around 0 for extreme ``alpha`` (the log(-log S) transform); there the band is
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
    alpha: float = 0.05,
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
    alpha : float, default 0.05
        1 - confidence level of the bands (exponential Greenwood, lifelines' default).

    Returns
    -------
    DataFrame
        One row per arm and distinct time (plus time 0): ``arm``, ``time`` (months), ``survival``,
        ``ci_lower``, ``ci_upper`` (0-1), ``at_risk`` (patients with time >= t), ``events`` and
        ``censored`` at t, ``synthetic`` (True when drawn from pseudo-patients).
    """
    data = _check_data(data, time=time, event=event)
    alpha = _alpha(alpha)
    synthetic = _synthetic(data)
    frames = []
    for name, group in _groups(data, by):
        kmf = _fit_km(group, time=time, event=event, label="s", alpha=alpha)
        sf = kmf.survival_function_["s"]
        surv, lo, hi = _km_bands(kmf)
        et = kmf.event_table
        frames.append(
            pd.DataFrame(
                {
                    "arm": name,
                    "time": sf.index.to_numpy(dtype=float),
                    "survival": surv,
                    "ci_lower": lo,
                    "ci_upper": hi,
                    "at_risk": et["at_risk"].to_numpy(dtype=int),
                    "events": et["observed"].to_numpy(dtype=int),
                    "censored": et["censored"].to_numpy(dtype=int),
                    "synthetic": synthetic,
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["arm"] = pd.Categorical(out["arm"], categories=[g for g, _ in _groups(data, by)], ordered=True)
    return out


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
    rows = []
    for name, group in _groups(data, by):
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
    out = pd.concat(rows, ignore_index=True)
    out["arm"] = pd.Categorical(out["arm"], categories=[g for g, _ in _groups(data, by)], ordered=True)
    return out


@dataclass(frozen=True)
class MedianResult:
    """Median survival (months) with its confidence interval; ``inf`` means "not reached"."""

    median: float
    ci_lower: float
    ci_upper: float
    n: int
    events: int
    arm: str = "all"
    ci_level: float = 0.95

    @property
    def reached(self) -> bool:
        """False when fewer than half the patients had an event by the end of follow-up."""
        return math.isfinite(self.median)

    @property
    def text(self) -> str:
        """E.g. ``8.4 months (95% CI 6.1-10.2)`` or ``not reached (95% CI 24.3-NR)``."""
        level = f"{self.ci_level:.0%} CI"
        head = f"{self.median:.1f} months" if self.reached else "not reached"
        return f"{head} ({level} {_fmt(self.ci_lower)}-{_fmt(self.ci_upper)})"

    def __str__(self) -> str:
        return f"{self.arm}: median {self.text}"

    def _repr_html_(self) -> str:
        rows = [("median", self.text), ("patients / events", f"{self.n} / {self.events}")]
        return _html_table(f"Median survival - {self.arm}", rows, note="NR = not reached")


def median_survival(
    data: pd.DataFrame, *, time: str = "time", event: str = "event", alpha: float = 0.05, arm: str = "all"
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
    alpha = _alpha(alpha)
    kmf = _fit_km(data, time=time, event=event, label="s", alpha=alpha)
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
        ci_lower=float(ci.iloc[0, 0]),
        ci_upper=float(ci.iloc[0, 1]),
        n=len(data),
        events=int(data[event].sum()),
        arm=arm,
        ci_level=1 - alpha,
    )


def landmark_survival(
    data: pd.DataFrame,
    *,
    times: Sequence[float],
    time: str = "time",
    event: str = "event",
    by: str | None = "arm",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Kaplan-Meier survival at landmark times with confidence intervals.

    Returns
    -------
    DataFrame
        ``arm``, ``time`` (months), ``survival``, ``ci_lower``, ``ci_upper`` (0-1), ``at_risk``.
        Times after the last follow-up give NaN (not estimable), never an extrapolation.
    """
    data = _check_data(data, time=time, event=event)
    alpha = _alpha(alpha)
    times = _times_arg(times)
    rows = []
    for name, group in _groups(data, by):
        kmf = _fit_km(group, time=time, event=event, label="s", alpha=alpha)
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
                    "ci_lower": np.where(ok, lo[idx], np.nan),
                    "ci_upper": np.where(ok, hi[idx], np.nan),
                    "at_risk": [int((t >= x).sum()) for x in times],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


@dataclass(frozen=True)
class LogRankResult:
    """Log-rank test (H0: the arms have the same survival). Weak when curves cross."""

    statistic: float
    p_value: float
    df: int
    arms: tuple[str, ...]

    @property
    def text(self) -> str:
        return f"log-rank {_fmt_p(self.p_value)}"

    def __str__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        rows = [
            ("arms", ", ".join(self.arms)),
            ("chi-square", f"{self.statistic:.2f} on {self.df} df"),
            ("p", _fmt_p(self.p_value)),
        ]
        return _html_table(
            "Log-rank test", rows, note="H0: same survival in all arms; low power when the curves cross."
        )


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


@dataclass(frozen=True)
class HazardRatioResult:
    """A hazard ratio of ``arm`` vs ``reference`` with its CI and p (HR < 1 favours ``arm``)."""

    hazard_ratio: float
    ci_lower: float | None
    ci_upper: float | None
    p_value: float | None
    arm: str
    reference: str
    ci_level: float = 0.95
    p_operator: str = "="
    method: str = "Cox proportional hazards (lifelines)"
    synthetic: bool = True

    @property
    def text(self) -> str:
        """E.g. ``HR 0.58 (95% CI 0.37-0.91)``."""
        ci = ""
        if self.ci_lower is not None and self.ci_upper is not None:
            ci = f" ({self.ci_level:.0%} CI {self.ci_lower:.2f}-{self.ci_upper:.2f})"
        return f"HR {self.hazard_ratio:.2f}{ci}"

    @property
    def p_text(self) -> str:
        """The p-value as reported (``p < 0.001`` when printed with "<")."""
        if self.p_value is None:
            return "p not reported"
        if self.p_operator in ("<", ">"):
            return f"p {self.p_operator} {self.p_value:g}"
        return _fmt_p(self.p_value)

    def __str__(self) -> str:
        p = f", {self.p_text}" if self.p_value is not None else ""
        return f"{self.arm} vs {self.reference}: {self.text}{p}"

    def _repr_html_(self) -> str:
        rows = [
            ("comparison", f"{self.arm} vs {self.reference}"),
            ("hazard ratio", self.text),
            ("p", self.p_text if self.p_value is not None else "not reported"),
            ("method", self.method),
        ]
        note = "HR < 1 favours the first arm. " + (
            "Estimated from SYNTHETIC pseudo-patients." if self.synthetic else ""
        )
        return _html_table("Hazard ratio", rows, note=note)


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


def hazard_ratio(
    data: pd.DataFrame,
    *,
    time: str = "time",
    event: str = "event",
    by: str = "arm",
    reference: str | None = None,
    alpha: float = 0.05,
) -> HazardRatioResult:
    """Cox proportional-hazards hazard ratio of the other arm vs ``reference`` (default: the first arm)."""
    from lifelines import CoxPHFitter

    data = _check_data(data, time=time, event=event)
    alpha = _alpha(alpha)
    arm, reference, _ = _two_arms(data, by, reference)
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
        cph = CoxPHFitter(alpha=alpha).fit(df, "time", "event")
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
        ci_lower=lo,
        ci_upper=hi,
        p_value=p,
        arm=arm,
        reference=reference,
        ci_level=1 - alpha,
        synthetic=_synthetic(data),
    )


@dataclass(frozen=True)
class RMSTResult:
    """Restricted mean survival time: mean months lived event-free up to ``tau`` months."""

    rmst: float
    se: float
    ci_lower: float
    ci_upper: float
    tau: float
    arm: str = "all"
    ci_level: float = 0.95

    @property
    def text(self) -> str:
        return (
            f"RMST to {_fmt_t(self.tau)} months: {self.rmst:.1f} months "
            f"({self.ci_level:.0%} CI {self.ci_lower:.1f}-{self.ci_upper:.1f})"
        )

    def _repr_html_(self) -> str:
        return _html_table(f"Restricted mean survival time - {self.arm}", [("RMST", self.text)])


@dataclass(frozen=True)
class RMSTDifference:
    """Difference in RMST (months), ``arm`` minus ``reference``, up to ``tau`` months."""

    difference: float
    se: float
    ci_lower: float
    ci_upper: float
    p_value: float
    tau: float
    arm: RMSTResult
    reference: RMSTResult

    @property
    def text(self) -> str:
        return (
            f"RMST difference to {_fmt_t(self.tau)} months: {self.difference:+.1f} months "
            f"({self.arm.ci_level:.0%} CI {self.ci_lower:+.1f} to {self.ci_upper:+.1f})"
        )

    def _repr_html_(self) -> str:
        rows = [
            (self.arm.arm, f"{self.arm.rmst:.1f} months"),
            (self.reference.arm, f"{self.reference.rmst:.1f} months"),
            ("difference", self.text),
            ("p", _fmt_p(self.p_value)),
        ]
        return _html_table(
            f"Restricted mean survival time to {_fmt_t(self.tau)} months",
            rows,
            note="Area under each Kaplan-Meier curve up to tau: months lived event-free, on average.",
        )


def rmst(
    data: pd.DataFrame,
    *,
    tau: float,
    time: str = "time",
    event: str = "event",
    alpha: float = 0.05,
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
    alpha = _alpha(alpha)
    tau = _positive(tau, field="tau", allow_none=False)
    if tau > MAX_TIME:
        raise ValueError(f"tau: {tau:g} is later than {MAX_TIME:g}, the latest time accepted")
    kmf = _fit_km(data, time=time, event=event, label="s", alpha=alpha)
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
    z = stats.z_for_p(alpha)  # from alpha itself: exact for tiny alpha, where 1 - alpha rounds to 1
    half = z * se if se > 0 else 0.0  # no events before tau: the estimate has no spread
    return RMSTResult(est, se, est - half, est + half, tau, arm=arm, ci_level=1 - alpha)


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
    alpha: float = 0.05,
) -> RMSTDifference:
    """RMST of the other arm minus ``reference`` (months) up to ``tau``, with CI and z-test p.

    ``tau`` defaults to the shorter of the two arms' longest follow-up, so both curves are
    observed up to it.
    """
    from scipy.stats import norm

    data = _check_data(data, time=time, event=event)
    alpha = _alpha(alpha)
    arm, reference, groups = _two_arms(data, by, reference)
    if tau is None:
        tau = _default_tau(data, time=time, by=by)
        if tau <= 0:
            raise ValueError(
                f"tau: one arm has no follow-up beyond time 0 in data.{time}; give tau (months) explicitly"
            )
    g = dict(groups)
    ra = rmst(g[arm], tau=tau, time=time, event=event, alpha=alpha, arm=arm)
    rr = rmst(g[reference], tau=tau, time=time, event=event, alpha=alpha, arm=reference)
    diff = ra.rmst - rr.rmst
    se = math.hypot(ra.se, rr.se)
    z = stats.z_for_p(alpha)  # from alpha itself: exact for tiny alpha, where 1 - alpha rounds to 1
    p = float(2 * norm.sf(abs(diff) / se)) if se > 0 else float("nan")
    half = z * se if se > 0 else 0.0
    return RMSTDifference(diff, se, diff - half, diff + half, p, float(tau), ra, rr)


def median_follow_up(data: pd.DataFrame, *, time: str = "time", event: str = "event") -> float:
    """Median follow-up (months) by the reverse Kaplan-Meier method (censoring treated as the event)."""
    data = _check_data(data, time=time, event=event)
    flipped = pd.DataFrame({"time": data[time], "event": 1 - data[event].astype(int)})
    return float(_fit_km(flipped, time="time", event="event", label="fu").median_survival_time_)


@dataclass(frozen=True, eq=False)
class ArmComparison:
    """Everything a two-arm survival comparison reports: medians, HR, log-rank, RMST difference."""

    medians: tuple[MedianResult, ...]
    hazard_ratio: HazardRatioResult
    logrank: LogRankResult
    rmst: RMSTDifference
    synthetic: bool = True

    @property
    def annotation(self) -> list[str]:
        """Lines for a chart annotation: HR with CI and log-rank p."""
        return [
            self.hazard_ratio.text + f" ({self.hazard_ratio.arm} vs {self.hazard_ratio.reference})",
            self.logrank.text,
        ]

    def table(self) -> pd.DataFrame:
        """Tidy summary: ``arm``, ``n``, ``events``, ``median``, ``median_ci_lower``, ``median_ci_upper`` (months), ``rmst`` (months)."""
        rm = {self.rmst.arm.arm: self.rmst.arm.rmst, self.rmst.reference.arm: self.rmst.reference.rmst}
        return pd.DataFrame(
            [
                {
                    "arm": m.arm,
                    "n": m.n,
                    "events": m.events,
                    "median": m.median,
                    "median_ci_lower": m.ci_lower,
                    "median_ci_upper": m.ci_upper,
                    "median_text": m.text,
                    "rmst": rm.get(m.arm, np.nan),
                }
                for m in self.medians
            ]
        )

    def _repr_html_(self) -> str:
        rows = [(f"median - {m.arm}", m.text) for m in self.medians]
        rows += [
            ("hazard ratio", f"{self.hazard_ratio.text}, {_fmt_p(self.hazard_ratio.p_value)}"),
            ("log-rank", _fmt_p(self.logrank.p_value)),
            ("RMST difference", self.rmst.text),
        ]
        note = "Computed from SYNTHETIC pseudo-patients, not trial data." if self.synthetic else ""
        return _html_table(f"{self.hazard_ratio.arm} vs {self.hazard_ratio.reference}", rows, note=note)


def compare_arms(
    data: pd.DataFrame,
    *,
    time: str = "time",
    event: str = "event",
    by: str = "arm",
    reference: str | None = None,
    tau: float | None = None,
    alpha: float = 0.05,
) -> ArmComparison:
    """Medians with CI, Cox HR with CI and p, log-rank p and RMST difference for two arms."""
    data = _check_data(data, time=time, event=event)
    alpha = _alpha(alpha)
    arm, reference, groups = _two_arms(data, by, reference)
    medians = tuple(median_survival(g, time=time, event=event, alpha=alpha, arm=name) for name, g in groups)
    return ArmComparison(
        medians=medians,
        hazard_ratio=hazard_ratio(data, time=time, event=event, by=by, reference=reference, alpha=alpha),
        logrank=logrank(data, time=time, event=event, by=by),
        rmst=rmst_difference(data, tau=tau, time=time, event=event, by=by, reference=reference, alpha=alpha),
        synthetic=_synthetic(data),
    )


# ---------------------------------------------------------------------------------------
# curated trials (hcckit.data tables)
# ---------------------------------------------------------------------------------------

_ENDPOINTS = ("OS", "PFS", "TTUP", "RFS", "PPS")


@dataclass(frozen=True)
class PublishedArm:
    """What a publication reports for one arm and one time-to-event endpoint (times in months).

    ``landmarks`` are (months, survival 0-1) pairs with ``landmark_cis`` (0-1, None if not
    reported); ``at_risk`` are (months, patients) pairs; ``notes`` list discrepancies.
    """

    trial_id: str
    arm_id: str
    label: str
    role: str
    endpoint: str
    n: int | None
    median: float | None = None
    median_ci: tuple[float | None, float | None] = (None, None)
    landmarks: tuple[tuple[float, float], ...] = ()
    landmark_cis: tuple[tuple[float | None, float | None], ...] = ()
    at_risk: tuple[tuple[float, int], ...] = ()
    median_follow_up: float | None = None
    median_not_reached: bool = False
    notes: tuple[str, ...] = ()

    @property
    def has_summaries(self) -> bool:
        """True when a median or landmark rates are reported (enough to synthesise the arm)."""
        return self.median is not None or bool(self.landmarks)

    def model(self, *, model: str = "piecewise") -> SurvivalModel:
        """The generating survival function through this arm's published points."""
        return survival_model(
            self.median, landmarks=dict(self.landmarks) or None, model=model, label=self.label
        )


def _num(x) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _text(x) -> str:
    """A cell as text; missing values (None, NaN, pd.NA) become ""."""
    if x is None or (not isinstance(x, str) and pd.isna(x)):
        return ""
    return str(x)


def _load(name: str) -> pd.DataFrame:
    from hcckit import data

    return data.load(name)


def _str_col(df: pd.DataFrame, col: str) -> pd.Series:
    return df[col].astype(str) if col in df.columns else pd.Series([""] * len(df), index=df.index)


def published_arms(trial_id: str, *, endpoint: str = "PFS") -> tuple[PublishedArm, ...]:
    """Published survival summaries of every arm of a curated trial for ``endpoint`` (OS, PFS, ...).

    Control arms come first. Reads ``arms``, ``outcomes`` (``median_<endpoint>``,
    ``<endpoint>_rate``, ``median_follow_up``) and ``at_risk`` from :func:`hcckit.data.load`.
    Results are cached per (trial, endpoint): they are immutable and the curated data do not
    change within a session.
    """
    if not isinstance(trial_id, str):
        raise TypeError(f"trial_id: must be a curated trial id (text), got {_show(trial_id)}")
    _check_choice(endpoint, _ENDPOINTS, field="endpoint")
    return _published_arms(str(trial_id), str(endpoint))


@functools.lru_cache(maxsize=256)
def _published_arms(trial_id: str, endpoint: str) -> tuple[PublishedArm, ...]:
    _check_choice(endpoint, _ENDPOINTS, field="endpoint")
    arms = _load("arms")
    arms = arms[_str_col(arms, "trial_id") == trial_id]
    if arms.empty:
        raise ValueError(f"trial_id: no curated trial {trial_id!r}")
    outcomes = _load("outcomes")
    outcomes = outcomes[_str_col(outcomes, "trial_id") == trial_id]
    try:
        risk = _load("at_risk")
        risk = risk[(_str_col(risk, "trial_id") == trial_id) & (_str_col(risk, "endpoint") == endpoint)]
    except (FileNotFoundError, KeyError, ValueError):
        risk = pd.DataFrame(columns=["arm_id", "time_months", "n_at_risk"])
    result = []
    for _, a in arms.iterrows():
        arm_id = str(a["arm_id"])
        o = outcomes[_str_col(outcomes, "arm_id") == arm_id]
        notes: list[str] = []
        med_rows = o[_str_col(o, "endpoint") == f"median_{endpoint}"]
        median, median_ci = None, (None, None)
        n = _num(a.get("n"))
        median_not_reached = False
        if len(med_rows):
            r = med_rows.iloc[0]
            median = _num(r.get("value"))
            qualifier = _text(r.get("qualifier"))
            lo, hi = _num(r.get("ci_low")), _num(r.get("ci_high"))
            if qualifier == "not_reached" or (
                median is None and "not reached" in _text(r.get("note")).lower()
            ):
                median_not_reached = True
                notes.append(f"{arm_id}: median {endpoint} not reached - no curve can be drawn from it")
            if lo is not None and hi is None:
                hi = math.inf  # upper limit not reached
            median_ci = (lo, hi)
            n_row = _num(r.get("n"))
            if n_row is not None and n is not None and int(n_row) != int(n):
                notes.append(f"{arm_id}: {int(n_row)} patients analysed for {endpoint} of {int(n)} enrolled")
            if n_row is not None:
                n = n_row
        rate_rows = o[_str_col(o, "endpoint") == f"{endpoint}_rate"].copy()
        landmarks, cis = [], []
        for _, r in rate_rows.sort_values("time_months").iterrows():
            t, v = _num(r.get("time_months")), _num(r.get("value"))
            if t is None or v is None:
                continue
            landmarks.append((t, v / 100.0))
            lo, hi = _num(r.get("ci_low")), _num(r.get("ci_high"))
            cis.append((None if lo is None else lo / 100.0, None if hi is None else hi / 100.0))
        fu_rows = o[_str_col(o, "endpoint") == "median_follow_up"]
        fu = _num(fu_rows.iloc[0].get("value")) if len(fu_rows) else None
        ar = risk[_str_col(risk, "arm_id") == arm_id].sort_values("time_months")
        at_risk = tuple((float(r["time_months"]), int(r["n_at_risk"])) for _, r in ar.iterrows())
        for txt in [*med_rows.get("note", []), *rate_rows.get("note", []), *ar.get("note", [])]:
            if isinstance(txt, str) and txt.startswith("DISCREPANCY") and txt not in notes:
                notes.append(txt)
        if at_risk and n is not None and at_risk[0][0] == 0 and at_risk[0][1] != int(n):
            if not any(t.startswith("DISCREPANCY") and "at risk" in t for t in notes):
                notes.append(
                    f"DISCREPANCY: {arm_id} has n = {int(n)} but {at_risk[0][1]} at risk at time 0 "
                    f"in the {endpoint} figure"
                )
        result.append(
            PublishedArm(
                trial_id=trial_id,
                arm_id=arm_id,
                label=_text(a.get("label")) or arm_id,
                role=_text(a.get("role")),
                endpoint=endpoint,
                n=None if n is None else int(n),
                median=median,
                median_ci=median_ci,
                landmarks=tuple(landmarks),
                landmark_cis=tuple(cis),
                at_risk=at_risk,
                median_follow_up=fu,
                median_not_reached=median_not_reached,
                notes=tuple(notes),
            )
        )
    order = {"control": 0, "single": 1, "experimental": 2}
    return tuple(sorted(result, key=lambda p: order.get(p.role, 3)))


def published_effect(
    trial_id: str, *, endpoint: str = "PFS", arm: str | None = None
) -> HazardRatioResult | None:
    """The published hazard ratio for ``endpoint`` (first HR/aHR row, or the one for ``arm``), or None.

    None means the trial reports no hazard ratio for ``endpoint`` (and ``arm``); an unknown
    trial or arm is an error.
    """
    known = {a.arm_id for a in published_arms(trial_id, endpoint=endpoint)}  # checks trial_id, endpoint
    if arm is not None and (not isinstance(arm, str) or arm not in known):
        raise ValueError(
            f"arm: trial {trial_id!r} has no arm {_show(arm)} (has {', '.join(map(repr, sorted(known)))})"
        )
    eff = _load("effects")
    eff = eff[
        (_str_col(eff, "trial_id") == trial_id)
        & (_str_col(eff, "endpoint") == endpoint)
        & (_str_col(eff, "measure").isin(["HR", "aHR"]))
    ]
    if arm is not None:
        eff = eff[_str_col(eff, "arm_id") == arm]
    eff = eff[pd.to_numeric(eff["value"], errors="coerce").notna()] if "value" in eff else eff
    if eff.empty:
        return None
    r = eff.iloc[0]
    p = _num(r.get("p_value"))
    return HazardRatioResult(
        hazard_ratio=float(r["value"]),
        ci_lower=_num(r.get("ci_low")),
        ci_upper=_num(r.get("ci_high")),
        p_value=p,
        arm=str(r["arm_id"]),
        reference=str(r["comparator_arm_id"]),
        ci_level=_num(r.get("ci_level")) or 0.95,
        method=f"published {r['measure']}",
        p_operator=_text(r.get("p_operator")) or "=",
        synthetic=False,
    )


def survival_catalogue() -> pd.DataFrame:
    """Curated trials and endpoints with survival summaries: what each can show.

    Returns
    -------
    DataFrame
        ``trial_id``, ``name``, ``design``, ``endpoint``, ``arms`` (count with summaries),
        ``has_landmarks``, ``has_at_risk``, ``has_hr``, ``ready`` (at least one arm has a median or
        rates and a number of patients, so pseudo-patients can be drawn), ``option`` (a label for pickers).
        Built once per session (the curated data do not change, as for :func:`published_arms`);
        each call returns a copy.
    """
    return _survival_catalogue().copy()


@functools.cache
def _survival_catalogue() -> pd.DataFrame:
    trials = _load("trials")
    outcomes = _load("outcomes")
    try:
        effects = _load("effects")
    except (FileNotFoundError, KeyError, ValueError):
        effects = pd.DataFrame(columns=["trial_id", "endpoint", "measure"])
    try:
        risk = _load("at_risk")
    except (FileNotFoundError, KeyError, ValueError):
        risk = pd.DataFrame(columns=["trial_id", "endpoint"])
    rows = []
    for _, t in trials.iterrows():
        tid = str(t["trial_id"])
        o = outcomes[_str_col(outcomes, "trial_id") == tid]
        ends = _str_col(o, "endpoint")
        for ep in _ENDPOINTS:
            med = o[ends == f"median_{ep}"]
            rates = o[ends == f"{ep}_rate"]
            arms_with = set(_str_col(med, "arm_id")) | set(_str_col(rates, "arm_id"))
            if not arms_with:
                continue
            e = effects[(_str_col(effects, "trial_id") == tid) & (_str_col(effects, "endpoint") == ep)]
            has_hr = bool(_str_col(e, "measure").isin(["HR", "aHR"]).any())
            r = risk[(_str_col(risk, "trial_id") == tid) & (_str_col(risk, "endpoint") == ep)]
            usable = [a for a in published_arms(tid, endpoint=ep) if a.has_summaries and a.n is not None]
            rows.append(
                {
                    "trial_id": tid,
                    "name": _text(t.get("name")) or tid,
                    "design": _text(t.get("design")),
                    "endpoint": ep,
                    "arms": len(arms_with),
                    "has_landmarks": len(rates) > 0,
                    "has_at_risk": len(r) > 0,
                    "has_hr": has_hr,
                    "ready": len(usable) > 0,
                }
            )
    out = pd.DataFrame(
        rows,
        columns=[
            "trial_id",
            "name",
            "design",
            "endpoint",
            "arms",
            "has_landmarks",
            "has_at_risk",
            "has_hr",
            "ready",
        ],
    )
    out["option"] = (
        out["name"]
        + " - "
        + out["endpoint"]
        + np.where(out["arms"] > 1, " (" + out["arms"].astype(str) + " arms)", "")
    )
    return out.reset_index(drop=True)


def published_points(arms: Sequence[PublishedArm]) -> pd.DataFrame:
    """Published medians and landmark rates as points for charts.

    Returns
    -------
    DataFrame
        ``arm``, ``kind`` (``median`` or ``landmark``), ``time`` (months), ``survival`` (0-1),
        ``time_ci_lower``/``time_ci_upper`` (months, medians), ``ci_lower``/``ci_upper`` (0-1,
        landmarks); ``inf`` for a limit not reached.
    """
    if isinstance(arms, (str, bytes, Mapping, pd.DataFrame)) or not isinstance(arms, Iterable):
        raise TypeError(
            f"arms: expected a sequence of PublishedArm (from published_arms()), got {_show(arms)}"
        )
    arms = list(arms)
    for i, a in enumerate(arms):
        _check_published_arm(a, field=f"arms[{i}]")
    rows = []
    for a in arms:
        if a.median is not None:
            lo, hi = a.median_ci
            rows.append(
                {
                    "arm": a.arm_id,
                    "kind": "median",
                    "time": a.median,
                    "survival": 0.5,
                    "time_ci_lower": lo,
                    "time_ci_upper": hi,
                    "ci_lower": None,
                    "ci_upper": None,
                }
            )
        cis = a.landmark_cis or tuple((None, None) for _ in a.landmarks)
        for (t, s), (lo, hi) in zip(a.landmarks, cis, strict=False):
            rows.append(
                {
                    "arm": a.arm_id,
                    "kind": "landmark",
                    "time": t,
                    "survival": s,
                    "time_ci_lower": None,
                    "time_ci_upper": None,
                    "ci_lower": lo,
                    "ci_upper": hi,
                }
            )
    cols = ["arm", "kind", "time", "survival", "time_ci_lower", "time_ci_upper", "ci_lower", "ci_upper"]
    out = pd.DataFrame(rows, columns=cols)
    for c in cols[2:]:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    return out


def _check_published_arm(a, *, field: str) -> None:
    """Raise naming ``field`` when ``a`` is not a PublishedArm with possible numbers."""
    if not isinstance(a, PublishedArm):
        raise TypeError(f"{field}: expected a PublishedArm (from published_arms()), got {_show(a)}")
    _months(a.median, field=f"{field}.median")

    def bound(x, what: str, *, upper: float, allow_inf: bool = False) -> None:
        if x is None or (allow_inf and isinstance(x, float) and x == math.inf):
            return
        if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
            raise ValueError(f"{field}.{what}: must be a number, got {_show(x)}")
        if not 0 <= float(x) <= upper:
            raise ValueError(f"{field}.{what}: {_show(x)} is outside 0-{upper:g}")

    for what, pairs, lengths in (
        ("median_ci", [a.median_ci], 2),
        ("landmarks", a.landmarks, 2),
        ("landmark_cis", a.landmark_cis, 2),
    ):
        if isinstance(pairs, (str, bytes)) or not isinstance(pairs, Iterable):
            raise ValueError(f"{field}.{what}: expected pairs of numbers, got {_show(pairs)}")
        for p in pairs:
            if isinstance(p, (str, bytes)) or not isinstance(p, Sequence) or len(p) != lengths:
                raise ValueError(f"{field}.{what}: expected pairs of numbers, got {_show(p)}")
    lo, hi = a.median_ci
    bound(lo, "median_ci", upper=MAX_TIME)
    bound(hi, "median_ci", upper=MAX_TIME, allow_inf=True)
    for t, s in a.landmarks:
        bound(t, "landmarks", upper=MAX_TIME)
        bound(s, "landmarks", upper=1.0)
        if t is None or s is None or float(t) <= 0:
            raise ValueError(
                f"{field}.landmarks: ({_show(t)}, {_show(s)}) is not a (months > 0, survival) pair"
            )
    for lo, hi in a.landmark_cis:
        bound(lo, "landmark_cis", upper=1.0)
        bound(hi, "landmark_cis", upper=1.0)


def _last_point(a: PublishedArm) -> float:
    """Latest published time point of an arm (median or landmark), months; 0 if none."""
    times = [t for t, _ in a.landmarks] + ([a.median] if a.median is not None else [])
    return max(times, default=0.0)


def _arm_censoring(
    a: PublishedArm,
    censoring: str,
    accrual: float | None,
    follow_up: float | None,
    *,
    unknown: str = "none",
) -> tuple[dict, str | None]:
    """Censoring arguments for :func:`simulate_arm` for one published arm, and a note saying why.

    ``auto``: numbers at risk where printed; else the arm's published median follow-up m, as
    uniform follow-up from m/2 to 3m/2 months (accrual m, follow-up m/2: median m); else the given
    accrual/follow-up, with the follow-up raised to the last published point when the assumed
    median follow-up (follow_up + accrual/2) is shorter than it (the trial observed that point, so
    it followed patients that long; every pseudo-patient is then followed past it); else
    ``unknown``: ``"none"`` (no censoring) or ``"last_point"`` (follow-up uniform from the last
    published point t to 1.5 t). ``at_risk``: numbers at risk, else the design as given.
    ``design``: the design as given. ``none``: no censoring.
    """
    t_last = _last_point(a)
    if censoring in ("auto", "at_risk") and a.at_risk:
        return {"at_risk": pd.DataFrame(list(a.at_risk), columns=["time", "n_at_risk"])}, None
    if censoring == "none":
        return {}, None
    if censoring == "auto" and a.median_follow_up:
        m = float(a.median_follow_up)
        note = (
            f"{a.arm_id}: censoring from the published median follow-up of {_fmt_t(m)} months "
            f"(assumed uniform follow-up from {_fmt_t(m / 2)} to {_fmt_t(1.5 * m)} months)"
        )
        return {"accrual": m, "follow_up": m / 2}, note
    if accrual is not None or follow_up is not None:
        acc, fu = accrual or 0.0, follow_up or 0.0
        if censoring == "auto" and t_last > 0 and fu + acc / 2 < t_last:
            note = (
                f"{a.arm_id}: {_fmt_t(acc)} months' accrual + {_fmt_t(fu)} months' follow-up is too short "
                f"for the published point at {_fmt_t(t_last)} months (no follow-up published); "
                f"follow-up after accrual raised to {_fmt_t(t_last)} months so it can be reproduced"
            )
            return {"accrual": acc, "follow_up": t_last}, note
        note = None
        if t_last > 0 and fu + acc / 2 < t_last:
            note = (
                f"{a.arm_id}: the assumed follow-up (median {_fmt_t(fu + acc / 2)} months) is shorter than "
                f"the published point at {_fmt_t(t_last)} months; the pseudo-patients may not reproduce it"
            )
        return {"accrual": acc, "follow_up": fu}, note
    if unknown == "last_point" and t_last > 0:
        note = (
            f"{a.arm_id}: no follow-up published; assumed uniform follow-up from {_fmt_t(t_last)} to "
            f"{_fmt_t(1.5 * t_last)} months (the trial observed its last published point, "
            f"{_fmt_t(t_last)} months)"
        )
        return {"accrual": t_last / 2, "follow_up": t_last}, note
    return {}, None


def synthesize_published(
    trial_id: str,
    *,
    endpoint: str = "PFS",
    model: str = "piecewise",
    censoring: str = "auto",
    accrual: float | None = None,
    follow_up: float | None = None,
    comparator: str = "summaries",
    method: str = "quantile",
    seed: int = 0,
) -> pd.DataFrame:
    """Synthetic pseudo-patients for every arm of a curated trial, from its published summaries.

    Parameters
    ----------
    trial_id, endpoint : str
        A curated trial (see :func:`survival_catalogue`) and ``OS``/``PFS``/...
    model : {"piecewise", "weibull", "exponential"}
        How each arm's survival function is built (see :func:`survival_model`).
    censoring : {"auto", "at_risk", "design", "none"}
        ``at_risk``: from the published numbers at risk (arms without them fall back to
        ``design``); ``design``: uniform accrual over ``accrual`` months plus ``follow_up`` months
        (a note when that median follow-up is shorter than the last published point);
        ``none``; ``auto``: numbers at risk where published, else the arm's published median
        follow-up m (follow-up assumed uniform from m/2 to 3m/2 months), else ``design`` with the
        follow-up after accrual raised to the last published point when ``follow_up + accrual/2``
        is shorter than it (the trial observed that point), else no censoring. Notes say which.
    accrual, follow_up : float, optional
        Months of uniform accrual and of follow-up after the last patient entered.
    comparator : {"summaries", "hazard_ratio"}
        ``summaries``: each arm from its own median/landmarks; ``hazard_ratio``: non-control arms
        are the control's curve with the published HR applied (proportional hazards).
    method, seed :
        As in :func:`simulate_arm` (arm i uses ``seed + i``).

    Returns
    -------
    DataFrame
        ``arm`` (ordered categorical, control first), ``time`` (months), ``event``, ``synthetic``
        (True). ``attrs["notes"]`` lists discrepancies and assumptions; ``attrs["trial_id"]``,
        ``attrs["endpoint"]``.
    """
    _check_choice(censoring, ("auto", "at_risk", "design", "none"), field="censoring")
    _check_choice(comparator, ("summaries", "hazard_ratio"), field="comparator")
    _check_choice(model, MODELS, field="model")
    _check_choice(method, METHODS, field="method")
    accrual = _months(accrual, field="accrual", allow_zero=True)
    follow_up = _months(follow_up, field="follow_up", allow_zero=True)
    seed = _seed(seed)
    arms = published_arms(trial_id, endpoint=endpoint)
    notes: list[str] = []
    control = next((a for a in arms if a.role == "control"), None)
    frames = []
    for i, a in enumerate(arms):
        notes += list(a.notes)
        built = None
        if comparator == "hazard_ratio" and control is not None and a is not control:
            eff = published_effect(trial_id, endpoint=endpoint, arm=a.arm_id)
            if eff is not None and eff.reference == control.arm_id and control.has_summaries:
                built = control.model(model=model).with_hazard_ratio(eff.hazard_ratio, label=a.label)
                notes.append(
                    f"{a.arm_id}: control curve x published HR {eff.hazard_ratio:g} (proportional hazards)"
                )
        if built is None:
            if not a.has_summaries:
                eff = published_effect(trial_id, endpoint=endpoint, arm=a.arm_id)
                if (
                    eff is not None
                    and control is not None
                    and control.has_summaries
                    and eff.reference == control.arm_id
                ):
                    built = control.model(model=model).with_hazard_ratio(eff.hazard_ratio, label=a.label)
                    notes.append(
                        f"{a.arm_id}: no median or rates published; control curve x HR {eff.hazard_ratio:g}"
                    )
                else:
                    notes.append(f"{a.arm_id}: no {endpoint} median or rates published; arm left out")
                    continue
            else:
                built = a.model(model=model)
        if a.n is None:
            raise ValueError(f"n: trial {trial_id!r} arm {a.arm_id!r} has no number of patients")
        kwargs, why = _arm_censoring(a, censoring, accrual, follow_up)
        if why:
            notes.append(why)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataDiscrepancyWarning)  # already in a.notes
            df = simulate_arm(built, n=a.n, method=method, seed=seed + i, arm=a.arm_id, **kwargs)
        notes += [m for m in df.attrs.get("notes", []) if m not in notes and not m.startswith("DISCREPANCY")]
        frames.append(df)
    if not frames:
        raise ValueError(f"endpoint: trial {trial_id!r} reports no {endpoint} median or rates")
    out = pd.concat(frames, ignore_index=True)
    out["arm"] = pd.Categorical(out["arm"], categories=[str(f["arm"].iloc[0]) for f in frames], ordered=True)
    out.attrs.update({"synthetic": True, "notes": notes, "trial_id": trial_id, "endpoint": endpoint})
    return out


def compare_published(
    data: pd.DataFrame,
    *,
    published: pd.DataFrame,
    time: str = "time",
    event: str = "event",
    by: str | None = "arm",
) -> pd.DataFrame:
    """Published medians and landmark rates beside those of the synthetic/reconstructed data.

    Parameters
    ----------
    data : DataFrame
        Pseudo-patients (``time`` months, ``event``, ``arm``).
    published : DataFrame
        From :func:`published_points` (``arm``, ``kind``, ``time``, ``survival`` ...).

    Returns
    -------
    DataFrame
        ``arm``, ``statistic`` (``median`` or ``S(12)``...), ``unit`` (``months`` or ``%``),
        ``published``, ``published_ci_lower``, ``published_ci_upper``, ``reconstructed``,
        ``reconstructed_ci_lower``, ``reconstructed_ci_upper``, ``difference``; rates in %.
    """
    data = _check_data(data, time=time, event=event)
    published = _check_published_points(published)
    rows = []
    groups = dict(_groups(data, by))
    for _, p in published.iterrows():
        name = str(p["arm"]) if len(groups) > 1 or str(p["arm"]) in groups else next(iter(groups))
        if name not in groups:
            continue
        g = groups[name]
        if p["kind"] == "median":
            m = median_survival(g, time=time, event=event, arm=name)
            rows.append(
                {
                    "arm": name,
                    "statistic": "median",
                    "unit": "months",
                    "published": p["time"],
                    "published_ci_lower": p["time_ci_lower"],
                    "published_ci_upper": p["time_ci_upper"],
                    "reconstructed": m.median,
                    "reconstructed_ci_lower": m.ci_lower,
                    "reconstructed_ci_upper": m.ci_upper,
                }
            )
        else:
            lm = landmark_survival(g, times=[p["time"]], time=time, event=event, by=None).iloc[0]
            rows.append(
                {
                    "arm": name,
                    "statistic": f"S({p['time']:g})",
                    "unit": "%",
                    "published": 100 * p["survival"],
                    "published_ci_lower": 100 * p["ci_lower"],
                    "published_ci_upper": 100 * p["ci_upper"],
                    "reconstructed": 100 * lm["survival"],
                    "reconstructed_ci_lower": 100 * lm["ci_lower"],
                    "reconstructed_ci_upper": 100 * lm["ci_upper"],
                }
            )
    cols = [
        "arm",
        "statistic",
        "unit",
        "published",
        "published_ci_lower",
        "published_ci_upper",
        "reconstructed",
        "reconstructed_ci_lower",
        "reconstructed_ci_upper",
    ]
    out = pd.DataFrame(rows, columns=cols)
    for c in cols[3:]:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    out["difference"] = out["reconstructed"] - out["published"]
    return out


def _check_published_points(published) -> pd.DataFrame:
    """``published`` as :func:`published_points` gives it, or a ValueError naming the row."""
    cols = ["arm", "kind", "time", "survival", "time_ci_lower", "time_ci_upper", "ci_lower", "ci_upper"]
    if not isinstance(published, pd.DataFrame):
        raise TypeError(f"published: expected a DataFrame from published_points(), got {_show(published)}")
    missing = [c for c in cols[:4] if c not in published.columns]
    if missing:
        raise ValueError(
            f"published: missing column(s) {', '.join(missing)} (has {', '.join(map(str, published.columns))})"
        )
    if len(published) > MAX_ROWS:
        raise ValueError(f"published: {len(published):,} rows; at most {MAX_ROWS:,} are accepted")
    out = published.reindex(columns=cols).reset_index(drop=True)
    from hcckit.guyot import _to_float

    for i, r in out.iterrows():
        kind = r["kind"]
        if kind not in ("median", "landmark"):
            raise ValueError(f"published.kind: row {i} is {_show(kind)}; use 'median' or 'landmark'")
        if r["arm"] is None or (not isinstance(r["arm"], str) and pd.isna(r["arm"])):
            raise ValueError(f"published.arm: row {i} has no arm")
        values = {c: _to_float(r[c]) for c in cols[2:]}
        for c, x in values.items():
            if x is None:
                raise ValueError(f"published.{c}: row {i} is {_show(r[c])}, not a number")
        t = values["time"]
        if not 0 < t <= MAX_TIME:  # NaN fails too
            raise ValueError(
                f"published.time: row {i} is {_show(r['time'])}; months > 0, at most {MAX_TIME:g}"
            )
        if kind == "landmark":
            for c in ("survival", "ci_lower", "ci_upper"):
                x = values[c]
                if not (0 <= x <= 1 or (c != "survival" and math.isnan(x))):
                    raise ValueError(f"published.{c}: row {i} is {_show(r[c])}; survival is a proportion 0-1")
        else:
            for c in ("time_ci_lower", "time_ci_upper"):
                x = values[c]
                if not (math.isnan(x) or 0 <= x <= MAX_TIME or (c == "time_ci_upper" and x == math.inf)):
                    raise ValueError(f"published.{c}: row {i} is {_show(r[c])}; months >= 0")
        for c in cols[2:]:
            out.loc[i, c] = values[c]
    for c in cols[2:]:
        out[c] = out[c].astype(float)
    return out


def arm_catalogue(endpoint: str = "PFS") -> pd.DataFrame:
    """Every curated arm with a published median or rates for ``endpoint``, with its population.

    Returns
    -------
    DataFrame
        ``trial_id``, ``arm_id``, ``trial`` (name), ``label``, ``role``, ``design``,
        ``population``, ``modality``, ``n``, ``median`` (months), ``landmarks`` (count),
        ``option`` (label for pickers). Built once per endpoint and session; each call returns a copy.
    """
    _check_choice(endpoint, _ENDPOINTS, field="endpoint")
    return _arm_catalogue(endpoint).copy()


@functools.cache
def _arm_catalogue(endpoint: str) -> pd.DataFrame:
    trials = _load("trials").set_index("trial_id")
    cat = survival_catalogue()
    rows = []
    for tid in cat.loc[cat["endpoint"] == endpoint, "trial_id"].unique():
        t = trials.loc[tid]
        for a in published_arms(str(tid), endpoint=endpoint):
            if not a.has_summaries or a.n is None:
                continue
            name = _text(t.get("name")) or str(tid)
            rows.append(
                {
                    "trial_id": str(tid),
                    "arm_id": a.arm_id,
                    "trial": name,
                    "label": a.label,
                    "role": a.role,
                    "design": _text(t.get("design")),
                    "population": _text(t.get("population")),
                    "modality": _text(t.get("modality")),
                    "n": a.n,
                    "median": a.median,
                    "landmarks": len(a.landmarks),
                    "option": f"{name}: {a.label}",
                }
            )
    cols = ["trial_id", "arm_id", "trial", "label", "role", "design", "population", "modality", "n", "median"]
    return pd.DataFrame(rows, columns=[*cols, "landmarks", "option"])


def synthesize_across_trials(
    arms: Sequence[tuple[str, str]],
    *,
    endpoint: str = "PFS",
    model: str = "piecewise",
    method: str = "quantile",
    seed: int = 0,
) -> pd.DataFrame:
    """Pseudo-patients for arms taken from *different* trials, to show why this is not a comparison.

    Parameters
    ----------
    arms : sequence of (trial_id, arm_id)
        Arms with a published median or rates for ``endpoint``.

    Returns
    -------
    DataFrame
        ``arm`` ("trial: arm label", ordered as given), ``trial_id``, ``time`` (months), ``event``,
        ``synthetic`` (True). Each arm is censored at its own trial's follow-up: from its published
        numbers at risk, else its published median follow-up m (uniform follow-up from m/2 to
        3m/2 months), else (no follow-up published) uniform follow-up from its last published
        point t to 1.5 t, so no curve runs past what its trial could have observed.
        ``attrs["notes"]`` say which assumption each arm got.
    """
    if isinstance(arms, (str, bytes, Mapping, pd.DataFrame)) or not isinstance(arms, Iterable):
        raise TypeError(f"arms: expected a sequence of (trial_id, arm_id) pairs, got {_show(arms)}")
    arms = list(arms)
    if not arms:
        raise ValueError("arms: choose at least one arm")
    _check_choice(endpoint, _ENDPOINTS, field="endpoint")
    _check_choice(model, MODELS, field="model")
    _check_choice(method, METHODS, field="method")
    seed = _seed(seed)
    for i, pair in enumerate(arms):
        if (
            isinstance(pair, (str, bytes))
            or not isinstance(pair, Sequence)
            or len(pair) != 2
            or not all(isinstance(x, str) for x in pair)
        ):
            raise ValueError(f"arms[{i}]: expected a (trial_id, arm_id) pair of names, got {_show(pair)}")
        if tuple(pair) in map(tuple, arms[:i]):
            raise ValueError(f"arms[{i}]: {tuple(pair)!r} is chosen twice")
    frames = []
    labels = []
    notes: list[str] = []
    for i, (tid, arm_id) in enumerate(arms):
        try:
            trial_arms = published_arms(tid, endpoint=endpoint)
        except ValueError as exc:
            raise ValueError(f"arms[{i}]: {exc}") from None
        found = [a for a in trial_arms if a.arm_id == arm_id]
        if not found:
            raise ValueError(f"arms: trial {tid!r} has no arm {arm_id!r}")
        a = found[0]
        if not a.has_summaries or a.n is None:
            raise ValueError(f"arms: {tid!r} {arm_id!r} reports no {endpoint} median or rates (or no n)")
        name = next(iter(_load("trials").query("trial_id == @tid")["name"]), tid)
        label = f"{name}: {a.label}"
        kwargs, why = _arm_censoring(a, "auto", None, None, unknown="last_point")
        if why:
            notes.append(f"{tid} {why}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataDiscrepancyWarning)  # already in a.notes
            df = simulate_arm(a.model(model=model), n=a.n, method=method, seed=seed + i, arm=label, **kwargs)
        notes += [f"{tid} {m}" for m in a.notes if f"{tid} {m}" not in notes]
        notes += [
            f"{tid} {a.arm_id}: {m}"
            for m in df.attrs.get("notes", [])
            if not m.startswith("DISCREPANCY") and f"{tid} {a.arm_id}: {m}" not in notes
        ]
        df.insert(1, "trial_id", tid)
        frames.append(df)
        labels.append(label)
    out = pd.concat(frames, ignore_index=True)
    out["arm"] = pd.Categorical(out["arm"], categories=list(dict.fromkeys(labels)), ordered=True)
    out.attrs.update({"synthetic": True, "endpoint": endpoint, "notes": notes})
    return out


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
    out = pd.concat([f.assign(arm=f["arm"].astype(str)) for f in frames], ignore_index=True)
    out["arm"] = pd.Categorical(out["arm"], categories=order, ordered=True)
    notes = [m for f in frames for m in f.attrs.get("notes", [])]
    out.attrs.update({"synthetic": all(f.attrs.get("synthetic", False) for f in frames), "notes": notes})
    return out
