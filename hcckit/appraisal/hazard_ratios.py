"""Checks of a hazard ratio: in its CI near the log-centre (hr_ci), and the p it implies (hr_p_value)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from hcckit import stats
from hcckit.appraisal.findings import Finding, Tolerances, _finding
from hcckit.appraisal.printed import (
    MAX_DECIMALS,
    _corners,
    _decimal,
    _factor,
    _flips,
    _fmt,
    _fmt_p,
    _int,
    _level,
    _missing,
    _operator,
    _p_interval,
    _p_text,
    _p_value,
    _precision,
    printed_decimals,
)


# --------------------------------------------------------------------------- hazard ratios
def implied_p_value(hr, low, high, *, level: float = 0.95) -> float:
    """Two-sided p-value implied by a ratio estimate and its confidence interval (Altman & Bland).

    ``SE = (ln high - ln low) / (2 z)``, with ``z`` the normal quantile of the interval's level
    (1.96 for 95 %; :func:`hcckit.stats.se_log_ratio_from_ci`), then ``z = ln(hr) / SE`` and
    ``p = 2 (1 - Phi(|z|))``.

    Examples
    --------
    >>> round(implied_p_value(0.58, 0.37, 0.91), 3)
    0.018
    """
    from scipy.stats import norm

    hr, low, high = (float(_decimal(v, k)) for v, k in ((hr, "hr"), (low, "low"), (high, "high")))
    if min(hr, low, high) <= 0:
        raise ValueError("hr, low, high: ratios and their limits must be > 0")
    if not low < high:
        raise ValueError(f"low, high: the lower limit must be below the upper limit, got {low} and {high}")
    level = _level(level)
    se = stats.se_log_ratio_from_ci(low, high, level=level)
    return float(2 * norm.sf(abs(math.log(hr) / se)))


def check_hr_ci(
    hr,
    low,
    high,
    *,
    level: float = 0.95,
    p=None,
    p_operator: str = "=",
    decimals: int | None = None,
    p_decimals: int | None = None,
    tolerances: Tolerances | None = None,
) -> list[Finding]:
    """Check a hazard ratio against its confidence interval and, if given, its p-value.

    Parameters
    ----------
    hr, low, high : str or float
        The ratio and its interval as printed (text keeps the precision).
    level : float, default 0.95
        Confidence level of the interval (0.90 for a 90 % CI).
    p : str or float, optional
        The printed p-value (for ``P < 0.001`` give ``p=0.001, p_operator="<"``).
    p_operator : {"=", "<", ">"}
    decimals, p_decimals : int, optional
        Printed precision of the ratio triple and of ``p``; default: read from the values.
    tolerances : Tolerances, optional
        ``hr_asymmetry``, ``p_z_slack``, ``p_gross_factor`` and ``alpha`` are used.

    Returns
    -------
    list of Finding
        An ``hr_ci`` finding, plus an ``hr_p_value`` finding when ``p`` is given.

    Notes
    -----
    A Wald interval is ``exp(ln HR ± z SE)``: the HR is the geometric mean of the bounds. The
    printed numbers are rounded, so every value within half a unit of the last printed digit is
    tried (a "rounding box"); a finding is raised only if no value in the box passes. That holds
    for the edge tests too: ``0.99 (0.99-1.00)`` passes, because a true 0.994 (0.990-0.998)
    prints so; ``0.45 (0.45-0.72)`` stays an error, because no value in its box comes within
    ``hr_asymmetry`` of the centre.
    """
    tol = tolerances or Tolerances()
    box = _printed_hr(hr, low, high, level=level, p_operator=p_operator, decimals=decimals)
    out = [_hr_ci_finding(box, tol)]
    if _missing(p):
        return out
    out.append(_hr_p_value_finding(box, p, p_operator, p_decimals, tol))
    return out


@dataclass(frozen=True)
class _PrintedHR:
    """A printed HR and its interval (validated), with the rounding box its digits stand for."""

    hr: float
    low: float
    high: float
    level: float
    decimals: int
    half: float  # half a unit of the last printed digit: the half-width of the rounding box
    geometric_mean: float
    min_offset: float  # smallest log-offset from the centre any corner of the box reaches
    level_text: str
    reported: str
    inputs: dict

    def corners(self):
        """The corners of the rounding box (:func:`hcckit.appraisal.printed._corners`)."""
        return _corners(self.hr, self.low, self.high, self.half)


def _printed_hr(hr, low, high, *, level, p_operator, decimals) -> _PrintedHR:
    """Validate a printed ``hr (low-high)`` (and ``p_operator``) and build its rounding box."""
    vals = {k: _decimal(v, k) for k, v in (("hr", hr), ("low", low), ("high", high))}
    if min(vals.values()) <= 0:
        raise ValueError("hr, low, high: hazard ratios and their limits must be > 0")
    if not vals["low"] < vals["high"]:
        raise ValueError(f"low, high: the lower limit must be below the upper limit, got {low} and {high}")
    level = _level(level)
    _operator(p_operator)
    d = (
        max(printed_decimals(v) for v in (hr, low, high))
        if decimals is None
        else _int(decimals, "decimals", maximum=MAX_DECIMALS, unit="decimals")
    )
    h = 0.5 * 10**-d
    fhr, flo, fhi = float(vals["hr"]), float(vals["low"]), float(vals["high"])
    lvl = f"{100 * level:g} %"
    # the rounding allowance: the smallest offset any corner of the box reaches is what is
    # compared with tol.hr_asymmetry
    offsets = [stats.log_ci_offset(*x) for x in _corners(fhr, flo, fhi, h)]
    min_offset = 0.0 if (min(offsets) <= 0 <= max(offsets)) else min(abs(o) for o in offsets)
    return _PrintedHR(
        hr=fhr,
        low=flo,
        high=fhi,
        level=level,
        decimals=d,
        half=h,
        geometric_mean=math.sqrt(flo * fhi),
        min_offset=min_offset,
        level_text=lvl,
        reported=f"HR {_fmt(fhr, d)} ({lvl} CI {_fmt(flo, d)}-{_fmt(fhi, d)})",
        inputs={"hr": fhr, "low": flo, "high": fhi, "level": level, "decimals": d},
    )


def _hr_ci_finding(x: _PrintedHR, tol: Tolerances) -> Finding:
    """The ``hr_ci`` check: inside the interval, and log-symmetric over the rounding box."""
    d, h, gm, lvl = x.decimals, x.half, x.geometric_mean, x.level_text
    raw_offset = stats.log_ci_offset(x.hr, x.low, x.high)
    recomputed = (
        f"geometric mean of the bounds {gm:.{d}f}; HR {abs(raw_offset):.0%} of the half-width off centre"
    )
    # over the rounding box: could the true HR lie strictly inside its true interval?
    can_be_inside = (x.hr + h) > (x.low - h) and (x.hr - h) < (x.high + h)
    on_edge = x.hr in (x.low, x.high)
    if not can_be_inside:
        severity = "error"
        msg = (
            f"The HR lies outside its own {lvl} confidence interval, which is impossible for an estimate and "
            f"its interval. A Wald interval is centred (on the log scale) on the estimate, here {gm:.{d}f}: "
            "one of the three numbers is mistyped, or the interval belongs to another estimate."
        )
    elif on_edge and x.min_offset > tol.hr_asymmetry:
        severity = "error"
        msg = (
            f"The HR sits exactly on the edge of its own {lvl} interval, and no rounding of the printed "
            f"digits brings it near the centre (at best {x.min_offset:.0%} of the half-width away). An estimate "
            f"is never at the limit of its interval; the geometric mean of the bounds is {gm:.{d}f}, which is "
            "probably the real HR (check the text or another table for it)."
        )
    elif x.min_offset > tol.hr_asymmetry:
        severity = "warning"
        msg = (
            f"A hazard-ratio interval is symmetric on the log scale, so the HR should be close to the geometric "
            f"mean of its bounds ({gm:.{d}f}); {_fmt(x.hr, d)} is {abs(raw_offset):.0%} of the half-width away "
            "from it, more than rounding explains. A mistyped HR or bound is the likely cause; "
            "an unusual (non-Wald) interval could explain a small asymmetry but rarely this much."
        )
    elif on_edge:
        severity = "pass"
        msg = (
            f"The HR is printed on the edge of its interval, but rounding explains it: values that round "
            f"to these digits can sit inside the interval, near the geometric mean of the bounds ({gm:.{d}f})."
        )
    else:
        severity = "pass"
        msg = f"The HR is inside its interval and close to the geometric mean of the bounds ({gm:.{d}f})."
    return _finding(
        "hr_ci",
        severity,
        x.reported,
        recomputed,
        msg,
        tolerance=f"HR may sit up to {tol.hr_asymmetry:.0%} of the log half-width from the centre, "
        f"after rounding (±{_fmt(h, d + 1)})",
        reported_value=x.hr,
        recomputed_value=gm,
        inputs=x.inputs,
    )


def _hr_p_value_finding(x: _PrintedHR, p, p_operator: str, p_decimals, tol: Tolerances) -> Finding:
    """The ``hr_p_value`` check: the printed p against the p implied by the interval (Altman & Bland),
    over the rounding box of all four printed numbers."""
    from scipy.stats import norm

    p_dec = _p_value(p, "p")
    pd_ = _precision(p, p_decimals, "p_decimals")
    fp = float(p_dec)
    level, lvl = x.level, x.level_text
    zs = [abs(math.log(a)) / stats.se_log_ratio_from_ci(b, c, level=level) for a, b, c in x.corners()]
    z_lo = 0.0 if (x.hr - x.half) <= 1 <= (x.hr + x.half) else min(zs)
    z_hi = max(zs)
    se0 = stats.se_log_ratio_from_ci(x.low, x.high, level=level)
    z0 = abs(math.log(x.hr)) / se0
    p0 = float(2 * norm.sf(z0))
    p_lo, p_hi = float(2 * norm.sf(z_hi)), float(2 * norm.sf(z_lo))
    r_lo, r_hi = _p_interval(fp, p_operator, pd_)
    zr_lo, zr_hi = stats.z_for_p(r_hi), stats.z_for_p(r_lo)  # larger p -> smaller z
    rep_p = _p_text(fp, p_operator, pd_)
    recomputed_p = f"P = {_fmt_p(p0)} (from the CI; {_fmt_p(p_lo)} to {_fmt_p(p_hi)} allowing for rounding)"
    p_kw = dict(
        tolerance=f"rounding of all four numbers, then ±{tol.p_z_slack:g} on the z scale",
        reported_value=fp,
        recomputed_value=p0,
        inputs={**x.inputs, "p": fp, "p_operator": p_operator, "p_decimals": pd_},
    )
    if z_lo - tol.p_z_slack <= zr_hi and zr_lo <= z_hi + tol.p_z_slack:
        return _finding(
            "hr_p_value",
            "pass",
            rep_p,
            recomputed_p,
            f"The printed p agrees with the p-value implied by the HR and its {lvl} interval.",
            **p_kw,
        )
    # a one-sided p is half the two-sided one: z_one = Phi^-1(1 - p)
    z1_lo, z1_hi = stats.z_for_p(min(2 * r_hi, 1.0)), stats.z_for_p(min(2 * r_lo, 1.0))
    if p_operator == "=" and z_lo - tol.p_z_slack <= z1_hi and z1_lo <= z_hi + tol.p_z_slack:
        extra = (
            f" A {lvl} interval is what goes with a one-sided test at the 5 % level, so the trial probably "
            "planned a one-sided test."
            if abs(level - 0.90) < 1e-9
            else ""
        )
        return _finding(
            "hr_p_value",
            "info",
            rep_p,
            recomputed_p + f"; one-sided P = {_fmt_p(p0 / 2)}",
            f"The printed p is half the two-sided p implied by the interval: it is a one-sided p-value.{extra} "
            "Not an error, but a one-sided p looks twice as convincing as the two-sided p readers expect; "
            "the report should say which it is.",
            **p_kw,
        )
    flips = _flips((p_lo, p_hi), r_lo, r_hi, tol.alpha)
    if r_hi < p_lo:
        gap = p_lo / max(r_hi, 1e-300)
        direction = "smaller"
    else:
        gap = r_lo / max(p_hi, 1e-300)
        direction = "larger"
    severity = "error" if flips or gap > tol.p_gross_factor else "warning"
    central = (
        max(fp, 1e-300) / max(p0, 1e-300) if direction == "larger" else max(p0, 1e-300) / max(fp, 1e-300)
    )
    msg = (
        f"From the HR and its {lvl} interval the p-value should be about {_fmt_p(p0)} (Altman & Bland); "
        f"the printed {rep_p} is {direction}"
        + (
            f" by a factor of {_factor(central)} (at least {_factor(gap, about=False)} even if each of the four "
            "printed numbers was rounded in the most favourable direction)"
            if gap >= 2
            else ""
        )
        + ". "
    )
    if flips:
        msg += "The two lead to different conclusions at the 5 % level. "
    if x.min_offset > tol.hr_asymmetry:
        msg += "The HR is also off-centre in its interval, so one of the numbers is probably mistyped. "
    msg += (
        "Possible innocent causes: the p comes from another test (e.g. an unadjusted log-rank test next to an "
        "adjusted HR) or another analysis; the report should then say so. Otherwise a number is mistyped."
    )
    return _finding("hr_p_value", severity, rep_p, recomputed_p, msg, **p_kw)
