"""Checks of a printed p recomputed from its data: a 2x2 table, or a printed t or chi-square statistic."""

from __future__ import annotations

import math
from dataclasses import dataclass

from hcckit.appraisal.findings import Finding, Tolerances, _finding
from hcckit.appraisal.printed import (
    MAX_N,
    _decimal,
    _factor,
    _flips,
    _fmt_p,
    _int,
    _missing,
    _operator,
    _p_interval,
    _p_text,
    _p_value,
    _precision,
    _show,
    printed_decimals,
)

# --------------------------------------------------------------------------- 2x2 tables
_TESTS = (
    ("fisher_p", "Fisher's exact test"),
    ("chi2_p", "chi-square without continuity correction"),
    ("chi2_yates_p", "chi-square with Yates' correction"),
)


@dataclass(frozen=True)
class _Tests:
    fisher_p: float
    chi2_p: float
    chi2_yates_p: float
    min_expected: float
    chi2_valid: bool


def _two_arms(a, n_a, b, n_b) -> tuple[int, int, int, int]:
    """Validated counts of a 2x2 table: ``a`` of ``n_a`` and ``b`` of ``n_b`` patients."""
    a, n_a = _int(a, "a"), _int(n_a, "n_a", minimum=1, maximum=MAX_N)
    b, n_b = _int(b, "b"), _int(n_b, "n_b", minimum=1, maximum=MAX_N)
    if a > n_a:
        raise ValueError(f"a: must be <= n_a ({n_a}), got {a}")
    if b > n_b:
        raise ValueError(f"b: must be <= n_b ({n_b}), got {b}")
    return a, n_a, b, n_b


def _two_by_two_tests(a: int, n_a: int, b: int, n_b: int) -> _Tests:
    """The three tests of a 2x2 table, and nothing else (the audit needs no effect sizes).

    Two-sided Fisher exact (``scipy.stats.fisher_exact``) and Pearson chi-square without and with
    Yates' correction (``scipy.stats.chi2_contingency``): the same numbers as
    :func:`hcckit.stats.compare_proportions`, which also computes effect sizes and the
    odds-ratio interval, which the audit never prints. These three take milliseconds at any ``n`` up to :data:`MAX_N`. A table with an
    empty margin (no events, or events only) has an undefined chi-square statistic: ``nan``.
    """
    import warnings

    import numpy as np
    from scipy.stats import chi2_contingency, fisher_exact
    from scipy.stats.contingency import expected_freq

    table = np.array([[a, n_a - a], [b, n_b - b]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fisher_p = min(float(fisher_exact(table, alternative="two-sided")[1]), 1.0)
        min_expected = float(expected_freq(table).min())
        if min_expected > 0:
            chi2_p = float(chi2_contingency(table, correction=False)[1])
            chi2_yates_p = float(chi2_contingency(table, correction=True)[1])
        else:  # an empty margin: the chi-square statistic is undefined
            chi2_p = chi2_yates_p = math.nan
    return _Tests(fisher_p, chi2_p, chi2_yates_p, min_expected, bool(min_expected >= 5))


def check_two_by_two(
    a,
    n_a,
    b,
    n_b,
    *,
    p_reported,
    p_operator: str = "=",
    p_decimals: int | None = None,
    tolerances: Tolerances | None = None,
) -> list[Finding]:
    """Recompute a printed p for two proportions (a/n_a vs b/n_b) with the usual tests.

    Fisher's exact test and Pearson's chi-square without and with Yates' correction are
    computed (the tests of :func:`hcckit.stats.compare_proportions`, without its effect sizes). The finding says which tests
    reproduce the printed p (within its rounding and ``tolerances.p_relative``), flags a p that
    only one test reproduces, and a chi-square test used with expected counts below 5.

    Parameters
    ----------
    a, n_a, b, n_b : int
        Patients with the outcome and patients in each arm.
    p_reported : str or float
        The printed p (for ``P < 0.001`` give 0.001 with ``p_operator="<"``).
    p_operator : {"=", "<", ">"}
    p_decimals : int, optional
        Printed precision of ``p_reported``; default: read from it.
    tolerances : Tolerances, optional

    Returns
    -------
    list of Finding
        One ``two_by_two`` finding.

    Examples
    --------
    >>> check_two_by_two(4, 60, 0, 60, p_reported="0.043")[0].severity
    'warning'
    """
    tol = tolerances or Tolerances()
    _operator(p_operator)
    a, n_a, b, n_b = _two_arms(a, n_a, b, n_b)
    p_dec = _p_value(p_reported, "p_reported")
    d = _precision(p_reported, p_decimals, "p_decimals")
    fp = float(p_dec)
    res = _two_by_two_tests(a, n_a, b, n_b)
    r_lo, r_hi = _p_interval(fp, p_operator, d)
    lo, hi = r_lo / (1 + tol.p_relative), r_hi * (1 + tol.p_relative)
    ps = {key: getattr(res, key) for key, _ in _TESTS}
    names = dict(_TESTS)
    hits = [k for k, v in ps.items() if not math.isnan(v) and lo <= v <= hi]
    rep = _p_text(fp, p_operator, d)
    recomputed = f"Fisher {_fmt_p(ps['fisher_p'])}; chi-square {_fmt_p(ps['chi2_p'])}; Yates {_fmt_p(ps['chi2_yates_p'])}"
    exp_txt = f"smallest expected count {res.min_expected:.1f}"
    kw = dict(
        tolerance=f"printed rounding + {tol.p_relative:.0%} relative",
        reported_value=fp,
        recomputed_value=ps["fisher_p"],
        inputs={"a": a, "n_a": n_a, "b": b, "n_b": n_b, "p": fp, "p_operator": p_operator, "p_decimals": d},
    )
    table = f"{a}/{n_a} vs {b}/{n_b}"

    def found(severity: str, message: str) -> list[Finding]:
        return [_finding("two_by_two", severity, f"{rep} ({table})", recomputed, message, **kw)]

    def sig(p):
        return p < tol.alpha

    if len(hits) == len([v for v in ps.values() if not math.isnan(v)]):
        return found("pass", "Every standard test reproduces the printed p-value.")
    if hits:
        chi_hits = [k for k in hits if k.startswith("chi2")]
        only = len(hits) == 1
        if chi_hits and not res.chi2_valid and "fisher_p" not in hits:
            flips = sig(ps[chi_hits[0]]) != sig(ps["fisher_p"])
            severity = "warning" if flips else "info"
            msg = (
                f"Only the {names[chi_hits[0]]} reproduces the printed p, but the chi-square approximation is "
                f"not reliable here ({exp_txt} < 5); Fisher's exact test, the test to use for such small "
                f"counts, gives P = {_fmt_p(ps['fisher_p'])}."
            )
            if flips:
                msg += (
                    " The claimed significance depends on the choice of test: with the appropriate test the "
                    "difference is not significant at the 5 % level (it may still be real - small numbers "
                    "cannot show it)."
                    if sig(ps[chi_hits[0]])
                    else " With the appropriate test the difference would be significant."
                )
            else:
                msg += " The conclusion at the 5 % level is the same either way."
            return found(severity, msg)
        if only:
            return found(
                "info",
                f"Only the {names[hits[0]]} reproduces the printed p (the others give "
                + ", ".join(f"{_fmt_p(ps[k])}" for k in ps if k != hits[0])
                + f"); {exp_txt}, so the test is acceptable. Worth knowing: the report should name its test.",
            )
        return found("pass", "Reproduced by " + " and ".join(names[k] for k in hits) + ".")
    return found(*_no_test_reproduces(ps, r_lo, r_hi, tol))


def _no_test_reproduces(ps: dict, r_lo: float, r_hi: float, tol: Tolerances) -> tuple[str, str]:
    """Severity and message when none of the 2x2 tests reproduces the printed p (``r_lo``-``r_hi``)."""
    valid = [v for v in ps.values() if not math.isnan(v)]
    nearest = min(
        valid, key=lambda v: abs(math.log(max(v, 1e-300)) - math.log(max((r_lo + r_hi) / 2, 1e-300)))
    )
    flips = _flips(valid, r_lo, r_hi, tol.alpha)
    # p-values of a huge table underflow to 0.0: compare them as 1e-300 (no division by zero)
    gap = max(max(nearest, 1e-300) / max(r_hi, 1e-300), max(r_lo, 1e-300) / max(nearest, 1e-300))
    severity = "error" if flips or gap > tol.p_gross_factor else "warning"
    msg = f"None of the standard tests reproduces the printed p (nearest: {_fmt_p(nearest)})"
    msg += f", off by a factor of {_factor(gap)}. " if gap >= 2 else ". "
    if flips:
        msg += "The recomputed tests lead to the opposite conclusion at the 5 % level. "
    elif severity == "error":
        msg += (
            "The conclusion is the same, but the gap is too large for a rounding or test-choice difference. "
        )
    else:
        msg += "The conclusion at the 5 % level is the same. "
    msg += (
        "Possible causes: another test or analysis (adjusted, stratified, different denominators), a p copied "
        "from another row, or a typing error."
    )
    return severity, msg


# --------------------------------------------------------------------------- test statistics
def check_test_statistic(
    statistic: str,
    value,
    *,
    df=None,
    p,
    p_operator: str = "=",
    p_decimals: int | None = None,
    tolerances: Tolerances | None = None,
) -> list[Finding]:
    """Recompute the p-value of a printed t or chi-square statistic (as statcheck does).

    Parameters
    ----------
    statistic : {"t", "chi2"}
        Two-sided t test, or chi-square test (upper tail).
    value : str or float
        The statistic as printed (its rounding is allowed for).
    df : int, optional
        Degrees of freedom. For a t test, usually n_a + n_b - 2; for a chi-square test the
        number of categories is often not printed, so ``None`` tries 1 to 4 and says which fits.
    p : str or float
        The printed p (for ``P < 0.001`` give 0.001 with ``p_operator="<"``).
    p_operator : {"=", "<", ">"}
    p_decimals : int, optional
        Printed precision of ``p``; default: read from it.
    tolerances : Tolerances, optional
        ``p_relative`` (slack beyond rounding), ``p_gross_factor`` and ``alpha`` are used.

    Returns
    -------
    list of Finding
        One ``test_statistic`` finding.

    Examples
    --------
    >>> check_test_statistic("chi2", "0.135", df=1, p="0.713")[0].severity
    'pass'
    """
    from scipy.stats import chi2 as chi2_dist
    from scipy.stats import t as t_dist

    tol = tolerances or Tolerances()
    if not isinstance(statistic, str) or statistic not in ("t", "chi2"):
        raise ValueError(f"statistic: must be 't' or 'chi2', got {_show(statistic)}")
    _operator(p_operator)
    stat = _decimal(value, "value")
    if statistic == "chi2" and stat < 0:
        raise ValueError(f"value: a chi-square statistic cannot be negative, got {_show(value)}")
    h = 0.5 * 10 ** -printed_decimals(value)
    fp = float(_decimal(p, "p"))
    if not 0 < fp <= 1:
        raise ValueError(f"p: must lie in (0, 1], got {_show(p)}")
    d = _precision(p, p_decimals, "p_decimals")
    r_lo, r_hi = _p_interval(fp, p_operator, d)
    lo, hi = r_lo / (1 + tol.p_relative), r_hi * (1 + tol.p_relative)
    dfs = [_int(df, "df", minimum=1)] if not _missing(df) else ([1, 2, 3, 4] if statistic == "chi2" else None)
    if dfs is None:
        raise ValueError("df: the degrees of freedom of a t test are needed (n_a + n_b - 2)")
    x = abs(float(stat))

    def p_of(v, k):
        return float(2 * t_dist.sf(v, k)) if statistic == "t" else float(chi2_dist.sf(v, k))

    name = "t" if statistic == "t" else "chi-square"
    rep = f"{name} = {value} , {_p_text(fp, p_operator, d)}".replace(" ,", ",")
    kw = dict(
        tolerance=f"rounding of the statistic and of p + {tol.p_relative:.0%} relative",
        reported_value=fp,
        inputs={"statistic": statistic, "value": float(stat), "df": df, "p": fp, "p_operator": p_operator},
    )
    results = []
    for k in dfs:
        ends = sorted((p_of(max(x - h, 0.0), k), p_of(x + h, k)))
        results.append((k, p_of(x, k), ends))
    for k, p0, (p_min, p_max) in results:
        if p_min <= hi and lo <= p_max:
            note = f" (df = {k})" if _missing(df) else ""
            msg = f"The printed p agrees with the {name} statistic{note}."
            if _missing(df) and k > 1:
                msg += f" df = {k} means a table with {k + 1} categories, not a 2x2 table."
            return [
                _finding(
                    "test_statistic",
                    "pass",
                    rep,
                    f"P = {_fmt_p(p0)} (df = {k})",
                    msg,
                    recomputed_value=p0,
                    **kw,
                )
            ]
    k, p0, _ = results[0]
    rec = "; ".join(f"df {k_}: P = {_fmt_p(p_)}" for k_, p_, _e in results)
    flips = _flips([p_ for _k, p_, _e in results], r_lo, r_hi, tol.alpha)
    gap = min(max(p_ / max(r_hi, 1e-300), max(r_lo, 1e-300) / max(p_, 1e-300)) for _k, p_, _e in results)
    severity = "error" if flips or gap > tol.p_gross_factor else "warning"
    msg = (
        f"The p-value of the printed {name} statistic is {_fmt_p(p0)}"
        + (f" (df = {k})" if len(results) == 1 else " for any plausible df")
        + f", not {_p_text(fp, p_operator, d)}. "
        + ("The two lead to different conclusions at the 5 % level. " if flips else "")
        + "Either the statistic or the p is mistyped, or they come from different tests."
    )
    return [_finding("test_statistic", severity, rep, rec, msg, recomputed_value=p0, **kw)]
