"""Exact binomial intervals and two-arm comparisons of proportions.

Two questions a trial reader asks again and again:

* "ORR 21/45 - how sure is that?"  :func:`proportion_ci` gives the exact (Clopper-Pearson)
  interval, two-sided or one-sided, as the source trials report it;
* "Is 30/45 better than 21/45?"  :func:`compare_proportions` gives the risk difference,
  relative risk and conditional odds ratio with intervals, Fisher's exact test and the
  chi-square test (with and without Yates' correction), and says whether the chi-square
  approximation can be trusted.

Every number comes from a maintained library (``scipy.stats``, ``statsmodels``); this module
validates inputs, chooses the method, handles zero cells and reports which method was used.
Results agree with R's ``binom.test`` and ``fisher.test`` (see ``tests/test_stats.py``).

Proportions are fractions in 0-1 unless the name says ``percent``/``_pct`` (0-100 %).
"""

from __future__ import annotations

import html
import math
import numbers
import warnings
from dataclasses import dataclass

from hcckit.uploads import MAX_PATIENTS

__all__ = [
    "ProportionCI",
    "TwoByTwo",
    "proportion_ci",
    "proportion_table",
    "compare_proportions",
    "binomial_test",
]

_SIDED = ("two", "lower", "upper")

#: Largest denominator accepted (patients): :data:`hcckit.uploads.MAX_PATIENTS`, the same cap as
#: :data:`hcckit.appraisal.MAX_N`; no trial arm the kit handles is larger.
MAX_N = MAX_PATIENTS


def _show(value) -> str:
    """A value for an error message: numpy scalars as plain numbers, long reprs shortened."""
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        value = value.item()
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --------------------------------------------------------------------------- validation
def _check_int(value, name: str, *, minimum: int = 0, maximum: int = MAX_N) -> int:
    """Return ``value`` as an int in ``minimum..maximum``, or raise ValueError naming ``name``."""
    if isinstance(value, bool) or type(value).__name__ == "bool_" or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}: must be a whole number, got {_show(value)}")
    if isinstance(value, numbers.Integral):
        out = int(value)
    else:
        x = float(value)
        if not math.isfinite(x) or not x.is_integer():
            raise ValueError(f"{name}: must be a whole number, got {_show(value)}")
        out = int(x)
    if out < minimum:
        raise ValueError(f"{name}: must be >= {minimum}, got {out}")
    if out > maximum:
        raise ValueError(f"{name}: must be at most {maximum:,} (patients), got {_show(value)}")
    return out


def _check_count_n(count, n, count_name: str = "count", n_name: str = "n") -> tuple[int, int]:
    n = _check_int(n, n_name, minimum=1)
    count = _check_int(count, count_name, minimum=0)
    if count > n:
        raise ValueError(f"{count_name}: must be <= {n_name} ({n}), got {count}")
    return count, n


def _check_level(level) -> float:
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < float(level) < 1:
        raise ValueError(f"level: must be a number strictly between 0 and 1 (e.g. 0.95), got {_show(level)}")
    return float(level)


def _pct(x: float) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f} %"


# --------------------------------------------------------------------------- one proportion
@dataclass(frozen=True)
class ProportionCI:
    """An observed proportion with its exact (Clopper-Pearson) confidence interval.

    Attributes
    ----------
    count, n : int
        Patients with the outcome, and the denominator.
    proportion : float
        ``count / n`` (0-1).
    percent : float
        The same in % (0-100).
    ci_low, ci_high : float
        Interval bounds (0-1). A one-sided ``"lower"`` bound has ``ci_high = 1``; an
        ``"upper"`` bound has ``ci_low = 0``.
    level : float
        Confidence level (0.95 = 95 %).
    method : str
        ``"Clopper-Pearson"``.
    sided : str
        ``"two"``, ``"lower"`` or ``"upper"``.
    """

    count: int
    n: int
    proportion: float
    percent: float
    ci_low: float
    ci_high: float
    level: float
    method: str = "Clopper-Pearson"
    sided: str = "two"

    @property
    def ci_low_pct(self) -> float:
        """Lower bound in %."""
        return 100 * self.ci_low

    @property
    def ci_high_pct(self) -> float:
        """Upper bound in %."""
        return 100 * self.ci_high

    def __str__(self) -> str:
        lvl = f"{100 * self.level:g} %"
        if self.sided == "lower":
            ci = f"one-sided {lvl} CI >= {_pct(self.ci_low)}"
        elif self.sided == "upper":
            ci = f"one-sided {lvl} CI <= {_pct(self.ci_high)}"
        else:
            ci = f"{lvl} CI {_pct(self.ci_low)} to {_pct(self.ci_high)}"
        return f"{self.count}/{self.n} = {self.percent:.1f} % ({ci}, {self.method})"

    def _repr_html_(self) -> str:
        return f"<span class='hcckit-proportion'>{html.escape(str(self))}</span>"


def proportion_ci(count, n, *, level: float = 0.95, sided: str = "two") -> ProportionCI:
    """Exact Clopper-Pearson confidence interval for ``count`` out of ``n``.

    Parameters
    ----------
    count : int
        Patients with the outcome (e.g. responders), ``0 <= count <= n``.
    n : int
        Denominator (patients evaluated), ``n > 0``.
    level : float, default 0.95
        Confidence level.
    sided : {"two", "lower", "upper"}, default "two"
        ``"two"``: the usual two-sided interval (R ``binom.test(count, n)$conf.int``).
        ``"lower"``: a one-sided lower bound (``ci_high = 1``), as single-arm trials report
        "ORR >= 36 % (one-sided 90 % CI)". ``"upper"``: a one-sided upper bound (``ci_low = 0``).

    Returns
    -------
    ProportionCI

    Notes
    -----
    Computed with ``statsmodels.stats.proportion.proportion_confint(method="beta")`` (the
    Clopper-Pearson interval written with beta quantiles). A one-sided bound at level
    ``1 - a`` is one end of the two-sided interval at level ``1 - 2a``. The bounds are
    exactly 0 when ``count == 0`` and exactly 1 when ``count == n``.

    Examples
    --------
    >>> str(proportion_ci(682, 925))  # R: binom.test(682, 925) -> 0.7076683 0.7654066
    '682/925 = 73.7 % (95 % CI 70.8 % to 76.5 %, Clopper-Pearson)'
    >>> round(proportion_ci(21, 45, level=0.90, sided="lower").ci_low, 3)
    0.363
    """
    from statsmodels.stats.proportion import proportion_confint

    count, n = _check_count_n(count, n)
    level = _check_level(level)
    if not isinstance(sided, str) or sided not in _SIDED:
        raise ValueError(f"sided: must be one of {_SIDED}, got {_show(sided)}")
    alpha = 1 - level if sided == "two" else 2 * (1 - level)
    if alpha >= 1:
        raise ValueError(f"level: a one-sided bound needs level > 0.5, got {level}")
    low, high = proportion_confint(count, n, alpha=alpha, method="beta")
    low, high = float(low), float(high)
    # statsmodels returns nan-free bounds; make the degenerate ends exact
    if count == 0:
        low = 0.0
    if count == n:
        high = 1.0
    if sided == "lower":
        high = 1.0
    elif sided == "upper":
        low = 0.0
    p = count / n
    return ProportionCI(count, n, p, 100 * p, low, high, level, "Clopper-Pearson", sided)


def binomial_test(count, n, *, p: float = 0.5, alternative: str = "two-sided") -> float:
    """Exact binomial test p-value of ``H0: proportion = p`` (R ``binom.test``), via scipy.

    Parameters
    ----------
    count, n : int
        Successes and trials.
    p : float, default 0.5
        Proportion under the null hypothesis (0-1).
    alternative : {"two-sided", "greater", "less"}

    Returns
    -------
    float
        The p-value. ``binomial_test(682, 925, p=0.75)`` is 0.3825 as in R's documentation.
    """
    from scipy.stats import binomtest

    count, n = _check_count_n(count, n)
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= float(p) <= 1:
        raise ValueError(f"p: must be a proportion between 0 and 1, got {_show(p)}")
    if not isinstance(alternative, str) or alternative not in ("two-sided", "greater", "less"):
        raise ValueError(f"alternative: must be 'two-sided', 'greater' or 'less', got {_show(alternative)}")
    return float(binomtest(count, n, p=float(p), alternative=alternative).pvalue)


def proportion_table(df, *, count: str = "count", n: str = "n", level: float = 0.95):
    """Add exact Clopper-Pearson intervals (in %) to a table of counts.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per proportion, with a ``count`` and an ``n`` column.
    count, n : str
        Column names of the numerator and the denominator.
    level : float, default 0.95
        Two-sided confidence level.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` with ``percent``, ``ci_low_pct`` and ``ci_high_pct`` (0-100 %).
        Rows where ``count`` or ``n`` is missing (not reported) get missing values; any other
        bad row raises ``ValueError`` naming the row and the column.
    """
    import numpy as np
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df: expected a pandas DataFrame, got {type(df).__name__}")
    if len(df) > MAX_N:
        raise ValueError(f"df: {len(df):,} rows; at most {MAX_N:,} are accepted")
    for name, col in (("count", count), ("n", n)):
        try:
            found = col in df.columns
        except TypeError:
            found = False
        if not found:
            raise ValueError(f"{name}: column {_show(col)} not found (columns are {list(df.columns)})")
    level = _check_level(level)
    out = df.copy()
    pct, low, high = [], [], []
    for idx, c, m in zip(df.index, df[count], df[n], strict=True):
        if (np.ndim(c) == 0 and pd.isna(c)) or (np.ndim(m) == 0 and pd.isna(m)):
            pct.append(np.nan)
            low.append(np.nan)
            high.append(np.nan)
            continue
        try:
            res = proportion_ci(c, m, level=level)
        except ValueError as exc:
            raise ValueError(f"row {_show(idx)}: {exc}") from None
        pct.append(res.percent)
        low.append(res.ci_low_pct)
        high.append(res.ci_high_pct)
    out["percent"] = pct
    out["ci_low_pct"] = low
    out["ci_high_pct"] = high
    return out


# --------------------------------------------------------------------------- two proportions
@dataclass(frozen=True)
class TwoByTwo:
    """Comparison of two proportions (arm A vs arm B), as returned by :func:`compare_proportions`.

    The 2x2 table is ``[[count_a, n_a - count_a], [count_b, n_b - count_b]]``; effects are A
    relative to B (a risk difference > 0 means A has the higher proportion).

    Attributes
    ----------
    count_a, n_a, count_b, n_b : int
    risk_a, risk_b : float
        Proportions (0-1).
    risk_difference, rd_ci_low, rd_ci_high : float
        ``risk_a - risk_b`` (0-1 scale) and its interval; ``rd_method`` names the method.
    relative_risk, rr_ci_low, rr_ci_high : float
        ``risk_a / risk_b`` and its interval (``inf`` when B has no events, ``nan`` when
        neither arm has events); ``rr_method`` names the method.
    odds_ratio, or_ci_low, or_ci_high : float
        Conditional maximum-likelihood odds ratio and its exact conditional interval
        (the ones R's ``fisher.test`` prints).
    fisher_p : float
        Two-sided Fisher exact test.
    chi2_p, chi2_yates_p : float
        Pearson chi-square test without / with Yates' continuity correction (``nan`` when an
        expected count is 0, i.e. a whole margin is empty).
    min_expected : float
        Smallest expected cell count under independence.
    chi2_valid : bool
        ``True`` when every expected count is >= 5 (the usual rule for trusting chi-square);
        otherwise read ``fisher_p``.
    level : float
        Confidence level of all intervals.
    """

    count_a: int
    n_a: int
    count_b: int
    n_b: int
    risk_a: float
    risk_b: float
    risk_difference: float
    rd_ci_low: float
    rd_ci_high: float
    rd_method: str
    relative_risk: float
    rr_ci_low: float
    rr_ci_high: float
    rr_method: str
    odds_ratio: float
    or_ci_low: float
    or_ci_high: float
    fisher_p: float
    chi2_p: float
    chi2_yates_p: float
    min_expected: float
    chi2_valid: bool
    level: float = 0.95

    def summary(self):
        """The comparison as a small tidy DataFrame (one row per effect measure)."""
        import pandas as pd

        return pd.DataFrame(
            {
                "measure": ["risk difference", "relative risk", "odds ratio (conditional MLE)"],
                "estimate": [self.risk_difference, self.relative_risk, self.odds_ratio],
                "ci_low": [self.rd_ci_low, self.rr_ci_low, self.or_ci_low],
                "ci_high": [self.rd_ci_high, self.rr_ci_high, self.or_ci_high],
                "method": [self.rd_method, self.rr_method, "exact conditional (Fisher)"],
            }
        )

    def __str__(self) -> str:
        lvl = f"{100 * self.level:g} %"
        test = (
            f"chi-square p = {self.chi2_p:.4g}"
            if self.chi2_valid
            else f"chi-square not reliable (smallest expected count {self.min_expected:.2f} < 5)"
        )
        return (
            f"A {self.count_a}/{self.n_a} ({100 * self.risk_a:.1f} %) vs B {self.count_b}/{self.n_b} "
            f"({100 * self.risk_b:.1f} %): difference {100 * self.risk_difference:+.1f} points "
            f"({lvl} CI {100 * self.rd_ci_low:+.1f} to {100 * self.rd_ci_high:+.1f}); "
            f"Fisher exact p = {self.fisher_p:.4g}; {test}"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(r.measure)}</td><td>{r.estimate:.4g}</td>"
            f"<td>{r.ci_low:.4g} to {r.ci_high:.4g}</td><td>{html.escape(r.method)}</td></tr>"
            for r in self.summary().itertuples()
        )
        return (
            f"<div class='hcckit-twobytwo'><p>{html.escape(str(self))}</p>"
            f"<table><tr><th>measure</th><th>estimate</th><th>{100 * self.level:g} % CI</th>"
            f"<th>method</th></tr>{rows}</table></div>"
        )


def _score_pvalue(ca, na, cb, nb, value, compare, correction):
    from statsmodels.stats.proportion import test_proportions_2indep

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = test_proportions_2indep(
            ca, na, cb, nb, value=value, compare=compare, method="score", correction=correction
        )
    p = float(res.pvalue)
    return p


def _invert(pfun, start, edge, alpha, *, to_x=lambda t: t):
    """Where ``pfun(to_x(t))`` first falls below ``alpha`` going from ``start`` towards ``edge``.

    Walks outwards with doubling steps from the estimate (so a bracket is found whenever one
    exists), then bisects. A ``nan`` p-value (the score statistic is 0/0 at and very near the
    estimate of degenerate tables such as 60/60 vs 60/60) counts as "not rejected". Returns
    ``to_x(edge)`` when the p-value never drops below ``alpha``.
    """
    span = edge - start
    inside = start
    outside = None
    for k in range(24, -1, -1):  # first step 6e-8 of the span: closer in, round-off rules
        t = start + span * 2.0**-k
        p = pfun(to_x(t))
        if not math.isnan(p) and p < alpha:
            outside = t
            break
        inside = t
    if outside is None:
        return to_x(edge)
    for _ in range(200):
        mid = (inside + outside) / 2
        if mid in (inside, outside):
            break
        p = pfun(to_x(mid))
        if math.isnan(p) or p >= alpha:
            inside = mid
        else:
            outside = mid
    return to_x((inside + outside) / 2)


def _rr_interval(ca, na, cb, nb, level):
    """Koopman score interval for p_a / p_b: statsmodels' score test inverted on the log scale."""
    alpha = 1 - level

    def pfun(v):
        return _score_pvalue(ca, na, cb, nb, v, "ratio", False)

    def start(sign):
        # the walk starts far out on the side of the infinite (or zero) estimate, at the first
        # ratio the score test does not reject: with large arms statsmodels' p-value underflows
        # to 0 at 1e12 (1/100000 vs 0/100000), which would make 1e12 the bound
        for e in (12, 9, 6, 4, 3, 2):
            p = pfun(math.exp(sign * e * math.log(10)))
            if math.isnan(p) or p >= alpha:
                return sign * e * math.log(10)
        return sign * 2 * math.log(10)

    if ca == 0 and cb == 0:
        return math.nan, 0.0, math.inf
    if cb == 0:  # estimate is +inf: only a lower bound exists
        return math.inf, float(_invert(pfun, start(1), -60.0, alpha, to_x=math.exp)), math.inf
    if ca == 0:  # estimate is 0: only an upper bound exists
        return 0.0, 0.0, float(_invert(pfun, start(-1), 60.0, alpha, to_x=math.exp))
    est = (ca / na) / (cb / nb)
    t0 = math.log(est)
    low = _invert(pfun, t0, t0 - 60.0, alpha, to_x=math.exp)
    high = _invert(pfun, t0, t0 + 60.0, alpha, to_x=math.exp)
    return est, float(low), float(high)


def compare_proportions(count_a, n_a, count_b, n_b, *, level: float = 0.95) -> TwoByTwo:
    """Compare two independent proportions (arm A vs arm B): effects, intervals and tests.

    Parameters
    ----------
    count_a, n_a : int
        Patients with the outcome and patients in arm A.
    count_b, n_b : int
        The same for arm B (the reference).
    level : float, default 0.95
        Confidence level for all intervals.

    Returns
    -------
    TwoByTwo

    Notes
    -----
    Methods, and why:

    * **Risk difference**: Newcombe's hybrid score interval (method 10 of Newcombe, Stat Med
      1998;17:873-90), from ``statsmodels.stats.proportion.confint_proportions_2indep(
      method="newcomb")``. Fagerland, Lydersen & Laake (Stat Methods Med Res 2015;24:224-54)
      recommend it for small and large samples alike; it is closed-form (built from two
      Wilson intervals), stays inside [-1, 1] and copes with zero cells (4/60 vs 0/60).
      Why not Miettinen-Nurminen: statsmodels 0.15's ``method="score"`` interval can fail
      to bracket its root (e.g. 21/45 vs 30/45 raises) and its score statistic does not
      reproduce the published MN limits (56/70 vs 48/80: Newcombe's table gives
      0.0528-0.3382); a hand-written MN would not be "a maintained library". No maintained
      Python library offers an exact unconditional (Chan-Zhang / Agresti-Min) *interval*;
      scipy's ``barnard_exact`` / ``boschloo_exact`` give p-values only.
    * **Relative risk**: Koopman asymptotic score interval (no small-sample correction; the
      same numbers as R ``PropCIs::riskscoreci``), recommended by Fagerland et al. It is
      obtained by inverting statsmodels' score test (``test_proportions_2indep(
      compare="ratio", method="score", correction=False)``) on the log scale, because
      statsmodels' closed-form root can come out complex or ``nan`` for degenerate tables
      (60/60 vs 60/60). With no events in B the estimate is ``inf`` and only the lower
      bound is finite; with no events in either arm it is undefined (``nan``, interval 0-inf).
    * **Odds ratio**: conditional maximum-likelihood estimate and exact conditional interval
      from ``scipy.stats.contingency.odds_ratio`` (what R's ``fisher.test`` reports; scipy's
      root finding is tighter than R's ``uniroot``, so the upper bound can differ from R's
      printout in the 3rd digit, e.g. 306.24 vs 308.56 for the TeaTasting table at 90 %).
    * **Tests**: two-sided Fisher exact (``scipy.stats.fisher_exact``); Pearson chi-square
      without and with Yates' correction (``scipy.stats.chi2_contingency``). ``chi2_valid``
      is ``False`` when an expected count is below 5: read the Fisher p-value then.

    Examples
    --------
    >>> res = compare_proportions(30, 45, 21, 45)   # mRECIST vs RECIST ORR, same 45 patients
    >>> round(res.risk_difference, 3)
    0.2

    (The two criteria are read on the *same* patients, so these are not independent
    samples: this comparison illustrates the arithmetic only; see the response lesson.)
    """
    import numpy as np
    from scipy.stats import chi2_contingency, fisher_exact
    from scipy.stats.contingency import expected_freq, odds_ratio
    from statsmodels.stats.proportion import confint_proportions_2indep

    count_a, n_a = _check_count_n(count_a, n_a, "count_a", "n_a")
    count_b, n_b = _check_count_n(count_b, n_b, "count_b", "n_b")
    level = _check_level(level)
    table = np.array([[count_a, n_a - count_a], [count_b, n_b - count_b]])
    risk_a, risk_b = count_a / n_a, count_b / n_b

    rd_low, rd_high = confint_proportions_2indep(
        count_a, n_a, count_b, n_b, method="newcomb", compare="diff", alpha=1 - level
    )
    rd_low, rd_high = max(-1.0, float(rd_low)), min(1.0, float(rd_high))  # round-off at the edges
    rd_method = "Newcombe hybrid score (Wilson)"
    try:
        rr, rr_low, rr_high = _rr_interval(count_a, n_a, count_b, n_b, level)
        rr_method = "Koopman score (statsmodels score test, inverted)"
        if count_a == 0 and count_b == 0:
            rr_method = "undefined: no events in either arm"
    except (ValueError, ArithmeticError):  # pragma: no cover - safety net
        rr, rr_low, rr_high = (risk_a / risk_b if risk_b else math.inf), math.nan, math.nan
        rr_method = "Koopman score failed to converge: no interval"

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        orr = odds_ratio(table, kind="conditional")
        or_ci = orr.confidence_interval(confidence_level=level)
    fisher_p = float(fisher_exact(table, alternative="two-sided")[1])

    expected = expected_freq(table)
    min_expected = float(expected.min())
    if min_expected > 0:
        chi2_p = float(chi2_contingency(table, correction=False)[1])
        chi2_yates_p = float(chi2_contingency(table, correction=True)[1])
    else:  # an empty margin: the chi-square statistic is undefined
        chi2_p = chi2_yates_p = math.nan

    # very low levels shrink the intervals onto the estimate, where bisection and root finding
    # stop one rounding step off it: an interval always contains its estimate
    est_rd = risk_a - risk_b
    rd_low, rd_high = min(rd_low, est_rd), max(rd_high, est_rd)
    if not math.isnan(rr):
        rr_low, rr_high = min(rr_low, rr), max(rr_high, rr)
    or_est, or_low, or_high = float(orr.statistic), float(or_ci.low), float(or_ci.high)
    if not math.isnan(or_est):
        or_low, or_high = min(or_low, or_est), max(or_high, or_est)
    return TwoByTwo(
        count_a=count_a,
        n_a=n_a,
        count_b=count_b,
        n_b=n_b,
        risk_a=risk_a,
        risk_b=risk_b,
        risk_difference=risk_a - risk_b,
        rd_ci_low=float(rd_low),
        rd_ci_high=float(rd_high),
        rd_method=rd_method,
        relative_risk=float(rr),
        rr_ci_low=float(rr_low),
        rr_ci_high=float(rr_high),
        rr_method=rr_method,
        odds_ratio=or_est,
        or_ci_low=or_low,
        or_ci_high=or_high,
        fisher_p=min(fisher_p, 1.0),
        chi2_p=chi2_p,
        chi2_yates_p=chi2_yates_p,
        min_expected=min_expected,
        chi2_valid=bool(min_expected >= 5),
        level=level,
    )
