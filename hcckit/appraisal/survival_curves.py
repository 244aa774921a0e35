"""Checks of survival-curve coherence: numbers at risk, landmark rates, the median against both."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from hcckit.appraisal.findings import Finding, _finding
from hcckit.appraisal.printed import MAX_N, _int, _missing, _months, _percent, _show, printed_decimals


# --------------------------------------------------------------------------- survival coherence
def check_at_risk(
    times: Sequence,
    numbers_at_risk: Sequence,
    *,
    n=None,
    event_free: Mapping | None = None,
) -> list[Finding]:
    """Numbers at risk under a Kaplan-Meier curve: n at time 0, never rising, coherent with counts.

    Parameters
    ----------
    times : sequence of float
        Times of the risk table (months).
    numbers_at_risk : sequence of int
        Patients at risk at those times.
    n : int, optional
        Patients analysed; the number at risk at time 0 should equal it.
    event_free : mapping, optional
        ``{time: count}`` of patients printed as event-free at a landmark ("77.4 % (24/31)"). A
        patient known event-free at time t was at risk at every earlier time, so the number at
        risk at any time up to t is at least that count.

    Returns
    -------
    list of Finding
        ``at_risk`` findings (a single ``pass`` when everything is coherent).
    """
    for arg, value in (("times", times), ("numbers_at_risk", numbers_at_risk)):
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence | tuple | list):
            if not (hasattr(value, "__len__") and hasattr(value, "__iter__") and not isinstance(value, str)):
                raise TypeError(f"{arg}: expected a sequence of numbers, got {type(value).__name__}")
    if event_free is not None and not isinstance(event_free, Mapping):
        raise TypeError(f"event_free: expected a mapping {{time: count}}, got {type(event_free).__name__}")
    if len(times) != len(numbers_at_risk):
        raise ValueError("times, numbers_at_risk: must have the same length")
    if not len(times):
        raise ValueError("times: at least one time is needed")
    pairs = sorted(
        (_months(t, "times"), _int(k, "numbers_at_risk")) for t, k in zip(times, numbers_at_risk, strict=True)
    )
    n = None if _missing(n) else _int(n, "n", minimum=1, maximum=MAX_N)
    landmarks = sorted(
        (_months(t, "event_free (time)"), _int(c, "event_free")) for t, c in (event_free or {}).items()
    )
    table = ", ".join(f"{t:g} mo: {k}" for t, k in pairs)
    inputs = {
        "times": tuple(t for t, _ in pairs),
        "at_risk": tuple(k for _, k in pairs),
        "n": n,
        "event_free": tuple(landmarks),
    }
    out: list[Finding] = []
    for (t1, k1), (t2, k2) in zip(pairs, pairs[1:], strict=False):
        if k2 > k1:
            out.append(
                _finding(
                    "at_risk",
                    "error",
                    f"{k1} at {t1:g} months, {k2} at {t2:g} months",
                    "must not rise",
                    "The number at risk can only fall over time (patients leave by an event or censoring; none "
                    "enter). A rise means a mistyped risk table.",
                    tolerance="exact",
                    reported_value=float(k2),
                    recomputed_value=float(k1),
                    inputs=inputs,
                )
            )
    if n is not None and pairs[0][0] == 0:
        k0 = pairs[0][1]
        if k0 != n:
            severity = "warning" if k0 < n else "error"
            msg = f"At time 0 every analysed patient is at risk, so the risk table should start at {n}. " + (
                f"It starts at {k0}: {n - k0} patient(s) are missing from the curve. Either they were left "
                "out of the survival analysis without explanation, or the risk table is mistyped; "
                "the medians and rates may then be of a different group than the one described."
                if k0 < n
                else f"It starts at {k0}, more than were analysed: impossible as printed."
            )
            out.append(
                _finding(
                    "at_risk",
                    severity,
                    f"{k0} at risk at month 0",
                    f"n = {n} analysed",
                    msg,
                    tolerance="exact",
                    reported_value=float(k0),
                    recomputed_value=float(n),
                    inputs=inputs,
                )
            )
    for t_land, count in landmarks:
        for t, k in pairs:
            if t <= t_land and k < count:
                out.append(
                    _finding(
                        "at_risk",
                        "warning",
                        f"{k} at risk at {t:g} months",
                        f"{count} printed as event-free at {t_land:g} months",
                        f"{count} patients are printed as event-free at {t_land:g} months, so at least {count} "
                        f"were still followed - at risk - at {t:g} months; the risk table shows {k}. Either the "
                        "landmark 'rate' is not a count of patients (a Kaplan-Meier estimate printed as x/n), or "
                        "the risk table is wrong.",
                        tolerance="exact",
                        reported_value=float(k),
                        recomputed_value=float(count),
                        inputs={**inputs, "landmark_time": t_land, "landmark_count": count},
                    )
                )
                break
    if not out:
        out.append(
            _finding(
                "at_risk",
                "pass",
                table,
                "coherent",
                "The risk table starts at n, never rises and fits the landmarks.",
                tolerance="exact",
                inputs=inputs,
            )
        )
    return out


def check_landmarks(
    rates: Mapping,
    *,
    median=None,
    median_ci: tuple | None = None,
    median_not_reached: bool = False,
    other: Mapping | None = None,
    endpoint: str = "OS",
    other_endpoint: str = "OS",
) -> list[Finding]:
    """Landmark survival rates (%) over time, and the median against them.

    Parameters
    ----------
    rates : mapping
        ``{time (months): rate (%)}``, rates as printed (text keeps the precision).
    median : float or str, optional
        Median survival (months).
    median_ci : (low, high), optional
        Interval of the median (months); ``high`` may be ``None`` (not reached).
    median_not_reached : bool
        The median is printed as "not reached".
    other : mapping, optional
        Landmarks of an endpoint that must lie at or above these at the same time (OS for PFS:
        death counts as a PFS event, so PFS <= OS).
    endpoint, other_endpoint : str
        Names for the messages.

    Returns
    -------
    list of Finding
        ``landmarks``, ``median_vs_landmarks`` and ``median_ci`` findings.
    """
    for arg, value in (("rates", rates), ("other", other)):
        if (value is not None or arg == "rates") and not isinstance(value, Mapping):
            raise TypeError(
                f"{arg}: expected a mapping {{time (months): rate (%)}}, got {type(value).__name__}"
            )
    if median_ci is not None and (
        isinstance(median_ci, str | bytes | Mapping)
        or not isinstance(median_ci, Sequence)
        or len(median_ci) != 2
    ):
        raise TypeError(f"median_ci: expected a pair (low, high), got {_show(median_ci)}")
    pts = []
    for t, r in rates.items():
        dec = _percent(r, f"rates[{_show(t)}]")
        pts.append((_months(t, "rates (time)"), Fraction(dec), Fraction(1, 2 * 10 ** printed_decimals(r))))
    pts.sort()
    inputs = {
        "times": tuple(t for t, _, _ in pts),
        "rates": tuple(float(r) for _, r, _ in pts),
        "endpoint": endpoint,
    }
    out = _landmark_order(pts, other, endpoint, other_endpoint, inputs)
    if (not _missing(median) or median_not_reached) and pts:
        out.append(_median_vs_landmarks(pts, median, median_not_reached, endpoint, inputs))
    if median_ci is not None and not _missing(median):
        out.append(_median_in_ci(median, median_ci, endpoint))
    return out


def _landmark_order(pts, other, endpoint: str, other_endpoint: str, inputs: dict) -> list[Finding]:
    """``landmarks``: the rates never rise over time and stay at or below ``other`` at the same time.

    ``pts`` are ``(time, rate, half a printed unit)`` sorted by time."""
    out: list[Finding] = []
    rising = False
    for (t1, r1, e1), (t2, r2, e2) in zip(pts, pts[1:], strict=False):
        if r2 - e2 > r1 + e1:
            rising = True
            out.append(
                _finding(
                    "landmarks",
                    "error",
                    f"{endpoint} {float(r1):g} % at {t1:g} mo, {float(r2):g} % at {t2:g} mo",
                    "must not rise",
                    "A survival curve never rises: a later landmark rate above an earlier one is impossible as printed.",
                    tolerance="printed rounding",
                    reported_value=float(r2),
                    recomputed_value=float(r1),
                    inputs=inputs,
                )
            )
    if other:
        other_pts = [(_months(t_o, "other (time)"), r_o) for t_o, r_o in other.items()]
        for t, r, e in pts:
            for t_o, r_o in other_pts:
                if t_o == t:
                    fo = Fraction(_percent(r_o, "other"))
                    eo = Fraction(1, 2 * 10 ** printed_decimals(r_o))
                    if r - e > fo + eo:
                        rising = True
                        out.append(
                            _finding(
                                "landmarks",
                                "error",
                                f"{endpoint} {float(r):g} % at {t:g} mo",
                                f"{other_endpoint} {float(fo):g} % at {t:g} mo",
                                f"Death counts as a {endpoint} event, so the {endpoint} rate cannot exceed the "
                                f"{other_endpoint} rate at the same time (same patients, same time origin).",
                                tolerance="printed rounding",
                                reported_value=float(r),
                                recomputed_value=float(fo),
                                inputs=inputs,
                            )
                        )
    if pts and not rising:
        out.append(
            _finding(
                "landmarks",
                "pass",
                ", ".join(f"{float(r):g} % at {t:g} mo" for t, r, _ in pts),
                "non-increasing",
                f"The {endpoint} landmark rates never rise"
                + (f" and stay at or below {other_endpoint}." if other else "."),
                tolerance="printed rounding",
                inputs=inputs,
            )
        )
    return out


def _median_vs_landmarks(pts, median, median_not_reached: bool, endpoint: str, inputs: dict) -> Finding:
    """``median_vs_landmarks``: landmarks above 50 % come before the median, those below 50 % after it."""
    med = None if median_not_reached else _months(median, "median")
    med_txt = "not reached" if med is None else f"{med:g} months"
    problems = []
    for t, r, e in pts:
        if r - e > 50 and med is not None and med < t:
            problems.append(
                f"{float(r):g} % are still event-free at {t:g} months, so the median must be later than {t:g} months"
            )
        if r + e < 50 and (med is None or med > t):
            problems.append(
                f"only {float(r):g} % are event-free at {t:g} months, so the median must be at or before {t:g} months"
            )
    kw = dict(tolerance="printed rounding of the rates", reported_value=med, inputs={**inputs, "median": med})
    if problems:
        return _finding(
            "median_vs_landmarks",
            "error",
            f"median {endpoint} {med_txt}",
            "; ".join(problems),
            "The median is the time at which the curve crosses 50 %: "
            + "; ".join(problems)
            + ". The median and the landmark rates cannot both be right (or they come from different analyses).",
            **kw,
        )
    return _finding(
        "median_vs_landmarks",
        "pass",
        f"median {endpoint} {med_txt}",
        "consistent with the landmarks",
        "Landmarks above 50 % come before the median and those below 50 % after it.",
        **kw,
    )


def _median_in_ci(median, median_ci, endpoint: str) -> Finding:
    """``median_ci``: the median lies inside its own confidence interval."""
    med = _months(median, "median")
    lo, hi = median_ci
    lo = None if _missing(lo) else _months(lo, "median_ci")
    hi = None if _missing(hi) else _months(hi, "median_ci")
    ci_txt = f"{'' if lo is None else f'{lo:g}'}-{'not reached' if hi is None else f'{hi:g}'}"
    bad = (lo is not None and med < lo) or (hi is not None and med > hi)
    return _finding(
        "median_ci",
        "error" if bad else "pass",
        f"median {endpoint} {med:g} (CI {ci_txt})",
        "outside its interval" if bad else "inside its interval",
        "A median lies inside its own confidence interval; one of the numbers is mistyped."
        if bad
        else "The median lies inside its interval.",
        tolerance="exact",
        reported_value=med,
        inputs={"median": med, "low": lo, "high": hi},
    )


# --------------------------------------------------------------------------- median CI vs landmark CIs, at risk
def _half_months(value) -> float:
    return 0.5 * 10.0 ** -printed_decimals(value)


def check_median_vs_rate_ci(median_ci, rates_ci: Mapping, *, endpoint: str = "OS") -> list[Finding]:
    """Check a median's CI against landmark rates' CIs (both from the same curve).

    A median's CI (Brookmeyer & Crowley 1982) is the set of times whose pointwise CI of S(t)
    contains 50 %. So where a landmark's CI lies wholly below 50 % the median's upper limit
    cannot be later, and where it lies wholly above 50 % the lower limit cannot be earlier.
    Different CI methods (log-log vs plain, Greenwood vs exact) move the limits a little, so a
    contradiction is a ``warning``.

    Parameters
    ----------
    median_ci : (low, high)
        The median's printed CI, months; ``high`` None/empty for "not reached".
    rates_ci : mapping of time (months) -> (rate, low, high)
        Landmark rates and their CI bounds, %, as printed.
    endpoint : str
        For the text (``"OS"``, ``"PFS"`` ...).

    Returns
    -------
    list of Finding
        One ``median_vs_rate_ci`` finding.

    Examples
    --------
    >>> check_median_vs_rate_ci(("9.0", "16.0"), {12: ("30", "21", "40")})[0].severity
    'warning'
    """
    if not isinstance(median_ci, (tuple, list)) or len(median_ci) != 2:
        raise ValueError(f"median_ci: expected (low, high) in months, got {_show(median_ci)}")
    lo_txt, hi_txt = median_ci
    lo = None if _missing(lo_txt) else _months(lo_txt, "median_ci")
    hi = None if _missing(hi_txt) else _months(hi_txt, "median_ci")
    if not isinstance(rates_ci, Mapping) or not rates_ci:
        raise ValueError("rates_ci: expected {time in months: (rate, low, high) in %}, got none")
    problems = []
    for t_raw, bounds in sorted(rates_ci.items(), key=lambda kv: float(kv[0])):
        t = _months(t_raw, "rates_ci time")
        if not isinstance(bounds, (tuple, list)) or len(bounds) != 3:
            raise ValueError(f"rates_ci[{t:g}]: expected (rate, low, high) in %, got {_show(bounds)}")
        _rate, r_lo, r_hi = (_percent(b, f"rates_ci[{t:g}]") for b in bounds)
        h_lo, h_hi = (0.5 * 10.0 ** -printed_decimals(b) for b in bounds[1:])
        if float(r_hi) + h_hi < 50 and (hi is None or hi - _half_months(hi_txt) > t):
            upper = "not reached" if hi is None else f"{hi:g} months"
            problems.append(
                f"the {t:g}-month rate's CI ({bounds[1]}-{bounds[2]} %) lies below 50 %, yet the median's upper "
                f"limit is {upper}"
            )
        if float(r_lo) - h_lo > 50 and lo is not None and lo + _half_months(lo_txt) < t:
            problems.append(
                f"the {t:g}-month rate's CI ({bounds[1]}-{bounds[2]} %) lies above 50 %, yet the median's lower "
                f"limit is {lo:g} months"
            )
    ci_txt = f"{'' if lo is None else f'{lo:g}'}-{'not reached' if hi is None else f'{hi:g}'} months"
    inputs = {
        "median_low": lo,
        "median_high": hi,
        "rates_ci": tuple((str(k), tuple(map(str, v))) for k, v in rates_ci.items()),
    }
    if problems:
        return [
            _finding(
                "median_vs_rate_ci",
                "warning",
                f"median {endpoint} CI {ci_txt}",
                "; ".join(problems),
                "A median's CI holds the times whose CI of the survival rate contains 50 %: "
                + "; ".join(problems)
                + ". Unless the two CIs were computed by very different methods, one of them is wrong.",
                tolerance="printed rounding of every bound",
                inputs=inputs,
            )
        ]
    return [
        _finding(
            "median_vs_rate_ci",
            "pass",
            f"median {endpoint} CI {ci_txt}",
            "consistent with the landmark CIs",
            "The median's CI agrees with the landmark rates' CIs.",
            tolerance="printed rounding of every bound",
            inputs=inputs,
        )
    ]


def check_median_vs_at_risk(median, at_risk: Mapping, *, n, endpoint: str = "OS") -> list[Finding]:
    """Check a median against the numbers at risk: while more than half are at risk, S(t) > 50 %.

    The Kaplan-Meier estimate is never below the fraction still at risk (S(t-) >= n(t) / n: each
    censoring only raises the weight of those left), so a median earlier than a time at which
    more than half of the n patients are still at risk is impossible.

    Parameters
    ----------
    median : str or float
        The printed median, months.
    at_risk : mapping of time (months) -> patients at risk
    n : int
        Patients in the arm (at time 0).

    Returns
    -------
    list of Finding
        One ``median_vs_at_risk`` finding: ``error`` or ``pass``.

    Examples
    --------
    >>> check_median_vs_at_risk("10.0", {12: 70}, n=120)[0].severity
    'error'
    """
    med = _months(median, "median")
    h = _half_months(median)
    total = _int(n, "n", minimum=1, maximum=MAX_N)
    if not isinstance(at_risk, Mapping) or not at_risk:
        raise ValueError("at_risk: expected {time in months: patients at risk}, got none")
    problems = []
    for t_raw, k_raw in sorted(at_risk.items(), key=lambda kv: float(kv[0])):
        t = _months(t_raw, "at_risk time")
        k = _int(k_raw, f"at_risk[{t:g}]", maximum=MAX_N)
        if Fraction(k, total) > Fraction(1, 2) and med + h < t:
            problems.append(f"{k} of {total} patients are still at risk at {t:g} months")
    reported = f"median {endpoint} {med:g} months"
    inputs = {"median": med, "n": total, "at_risk": tuple((str(k), str(v)) for k, v in at_risk.items())}
    if problems:
        return [
            _finding(
                "median_vs_at_risk",
                "error",
                reported,
                "; ".join(problems),
                "While more than half of the patients are still at risk, the Kaplan-Meier curve is above 50 %, "
                f"so the median cannot come first: {'; '.join(problems)}. The median or the numbers at risk are wrong.",
                tolerance="printed rounding of the median",
                reported_value=med,
                inputs=inputs,
            )
        ]
    return [
        _finding(
            "median_vs_at_risk",
            "pass",
            reported,
            "consistent with the numbers at risk",
            "The median comes after every time at which more than half are at risk.",
            tolerance="printed rounding of the median",
            reported_value=med,
            inputs=inputs,
        )
    ]
