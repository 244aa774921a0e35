"""hcckit.stats against published R results and textbook values.

Reference values
- R ``binom.test(682, 925, p = 3/4)`` (example in R's documentation): p-value 0.3825,
  95 % CI 0.7076683 0.7654066.
- R ``fisher.test(TeaTasting)`` (R documentation, Agresti 1990): p-value 0.4857, conditional
  MLE odds ratio 6.408309; R prints 0.2117329-621.9337505 (95 %) and 0.3135693-308.5568338
  (90 % = the one-sided 95 % bounds). R's ``uniroot`` stops early; the exact limits, solved
  here independently from the noncentral hypergeometric distribution, are 0.21173559-626.2435
  and 0.31357377-306.2368, which is what scipy returns.
- R ``chisq.test(TeaTasting, correct = FALSE)``: X-squared = 2, p = 0.1573; with Yates: 0.4795.
- Newcombe, Stat Med 1998;17:873-90, Table II, 56/70 vs 48/80, method 10 (hybrid score):
  0.0524 to 0.3339. Fagerland et al., SMMR 2015, 7/34 vs 1/34: Newcombe 0.019 to 0.34,
  Koopman 1.21 to 43; R ``PropCIs::riskscoreci(7, 34, 1, 34, 0.95)``: 1.220853 42.575718.
- ChiCTR2100049829 (TACE + atezolizumab + bevacizumab, n = 45): ORR 21/45 one-sided 90 %
  CI >= 36 %; DCR 39/45 95 % CI 73-95 %; mRECIST DCR 41/45 95 % CI 79-98 %; mRECIST ORR
  30/45 >= 56 %.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hcckit import stats

# --------------------------------------------------------------------------- proportion_ci


def test_binom_test_r_documentation_example():
    res = stats.proportion_ci(682, 925)
    assert res.ci_low == pytest.approx(0.7076683, abs=5e-8)
    assert res.ci_high == pytest.approx(0.7654066, abs=5e-8)
    assert res.proportion == pytest.approx(682 / 925)
    assert res.percent == pytest.approx(100 * 682 / 925)
    assert res.method == "Clopper-Pearson"
    assert res.level == 0.95
    assert stats.binomial_test(682, 925, p=0.75) == pytest.approx(0.3825, abs=5e-5)


def test_one_sided_lower_bound_reported_by_trial():
    res = stats.proportion_ci(21, 45, level=0.90, sided="lower")
    assert res.ci_high == 1.0
    assert round(100 * res.ci_low) == 36  # "ORR 46.7 % (one-sided 90 % CI >= 36 %)"
    assert res.ci_low == pytest.approx(0.3632, abs=1e-4)
    mrecist = stats.proportion_ci(30, 45, level=0.90, sided="lower")
    assert math.floor(100 * mrecist.ci_low) == 56  # reported ">= 56 %"


@pytest.mark.parametrize(
    ("count", "low", "high"),
    [(39, 73, 95), (41, 79, 98)],  # DCR RECIST 1.1 and mRECIST as reported (95 %, two-sided)
)
def test_two_sided_intervals_reported_by_trial(count, low, high):
    res = stats.proportion_ci(count, 45)
    assert round(100 * res.ci_low) == low
    assert round(100 * res.ci_high) == high


def test_one_sided_upper_and_degenerate_ends():
    up = stats.proportion_ci(3, 20, level=0.95, sided="upper")
    assert up.ci_low == 0.0
    two90 = stats.proportion_ci(3, 20, level=0.90)
    assert up.ci_high == pytest.approx(two90.ci_high)
    zero = stats.proportion_ci(0, 45)
    assert zero.ci_low == 0.0 and zero.ci_high == pytest.approx(1 - 0.025 ** (1 / 45))
    full = stats.proportion_ci(45, 45)
    assert full.ci_high == 1.0 and full.ci_low == pytest.approx(0.025 ** (1 / 45))


def test_proportion_ci_result_is_frozen_and_renders():
    res = stats.proportion_ci(21, 45, level=0.9, sided="lower")
    with pytest.raises(AttributeError):
        res.count = 3  # type: ignore[misc]
    assert ">= 36.3 %" in str(res)
    assert "21/45" in res._repr_html_()


@pytest.mark.parametrize(
    ("args", "kwargs", "needle"),
    [
        ((5, 4), {}, "count"),
        ((-1, 4), {}, "count"),
        ((1, 0), {}, "n"),
        ((1.5, 4), {}, "count"),
        ((1, 4.2), {}, "n"),
        ((True, 4), {}, "count"),
        (("3", 4), {}, "count"),
        ((1, 4), {"level": 1.2}, "level"),
        ((1, 4), {"sided": "left"}, "sided"),
        ((1, 4), {"level": 0.4, "sided": "lower"}, "level"),
    ],
)
def test_proportion_ci_validation_names_the_argument(args, kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        stats.proportion_ci(*args, **kwargs)


def test_proportion_ci_accepts_numpy_and_whole_floats():
    assert stats.proportion_ci(np.int64(3), 10.0).count == 3


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_clopper_pearson_matches_beta_quantiles(cn):
    from scipy.stats import beta

    count, n = cn
    res = stats.proportion_ci(count, n)
    low = 0.0 if count == 0 else beta.ppf(0.025, count, n - count + 1)
    high = 1.0 if count == n else beta.ppf(0.975, count + 1, n - count)
    assert res.ci_low == pytest.approx(low, abs=1e-10)
    assert res.ci_high == pytest.approx(high, abs=1e-10)
    assert res.ci_low <= res.proportion <= res.ci_high


def test_proportion_table_adds_percent_columns_and_keeps_missing():
    df = pd.DataFrame({"endpoint": ["ORR", "DCR", "CR"], "count": [21, 39, np.nan], "n": [45, 45, 45]})
    out = stats.proportion_table(df)
    assert list(out.columns[-3:]) == ["percent", "ci_low_pct", "ci_high_pct"]
    assert out.loc[1, "ci_low_pct"] == pytest.approx(73.2075, abs=1e-3)
    assert np.isnan(out.loc[2, "percent"])
    assert "percent" not in df.columns  # input untouched


def test_proportion_table_errors_name_row_and_column():
    df = pd.DataFrame({"k": [50], "m": [45]})
    with pytest.raises(ValueError, match=r"row 0.*count"):
        stats.proportion_table(df, count="k", n="m")
    with pytest.raises(ValueError, match="responders"):
        stats.proportion_table(df, count="responders", n="m")
    with pytest.raises(TypeError):
        stats.proportion_table([1, 2])


# --------------------------------------------------------------------------- compare_proportions


def test_fisher_tea_tasting_matches_r():
    res = stats.compare_proportions(3, 4, 1, 4)
    assert res.fisher_p == pytest.approx(0.4857, abs=5e-5)
    assert res.odds_ratio == pytest.approx(6.408309, rel=2e-6)
    # exact conditional limits (scipy), and R's printout within its uniroot tolerance
    assert res.or_ci_low == pytest.approx(0.21173559, rel=1e-6)
    assert res.or_ci_high == pytest.approx(626.24353, rel=1e-6)
    assert res.or_ci_low == pytest.approx(0.2117329, rel=2e-5)
    assert res.or_ci_high == pytest.approx(621.9337505, rel=1e-2)
    res90 = stats.compare_proportions(3, 4, 1, 4, level=0.90)
    assert res90.or_ci_low == pytest.approx(0.3135693, rel=2e-5)
    assert res90.or_ci_high == pytest.approx(308.5568338, rel=1e-2)
    assert res90.or_ci_high == pytest.approx(306.23681, rel=1e-6)


def test_exact_conditional_limits_independently():
    """Solve the TeaTasting limits from the noncentral hypergeometric pmf by bisection."""
    from math import comb

    def tail(psi, upper):
        w = [comb(4, x) * comb(4, 4 - x) * psi**x for x in range(5)]
        return sum(w[3:] if upper else w[:4]) / sum(w)

    low = _bisect_log(lambda p: tail(p, True) - 0.025, 1e-6, 10)
    high = _bisect_log(lambda p: 0.025 - tail(p, False), 1, 1e5)
    res = stats.compare_proportions(3, 4, 1, 4)
    assert res.or_ci_low == pytest.approx(low, rel=1e-7)
    assert res.or_ci_high == pytest.approx(high, rel=1e-7)


def test_chi_square_tea_tasting_matches_r():
    res = stats.compare_proportions(3, 4, 1, 4)
    assert res.chi2_p == pytest.approx(0.1573, abs=5e-5)
    assert res.chi2_yates_p == pytest.approx(0.4795, abs=5e-5)
    assert res.min_expected == 2.0
    assert res.chi2_valid is False


def test_risk_difference_newcombe_published_values():
    res = stats.compare_proportions(56, 70, 48, 80)
    assert res.rd_ci_low == pytest.approx(0.0524, abs=5e-5)
    assert res.rd_ci_high == pytest.approx(0.3339, abs=5e-5)
    assert "Newcombe" in res.rd_method
    fag = stats.compare_proportions(7, 34, 1, 34)
    assert fag.rd_ci_low == pytest.approx(0.019, abs=5e-4)
    assert fag.rd_ci_high == pytest.approx(0.34, abs=5e-3)


def test_relative_risk_koopman_matches_propcis():
    res = stats.compare_proportions(7, 34, 1, 34)
    assert res.relative_risk == pytest.approx(7.0)
    assert res.rr_ci_low == pytest.approx(1.220853, abs=1e-6)
    assert res.rr_ci_high == pytest.approx(42.575718, abs=1e-5)
    assert "Koopman" in res.rr_method


@pytest.mark.parametrize(
    "table",
    [(4, 60, 0, 60), (0, 60, 4, 60), (0, 60, 0, 60), (60, 60, 60, 60), (60, 60, 0, 60), (1, 1, 0, 1)],
)
def test_zero_cells_do_not_crash(table):
    res = stats.compare_proportions(*table)
    assert -1 <= res.rd_ci_low <= res.risk_difference <= res.rd_ci_high <= 1
    assert 0 <= res.fisher_p <= 1
    assert res.rr_ci_low <= res.rr_ci_high or math.isnan(res.relative_risk)
    assert str(res) and res._repr_html_()


def test_zero_cell_specifics():
    res = stats.compare_proportions(4, 60, 0, 60)
    assert res.relative_risk == math.inf and res.rr_ci_high == math.inf
    assert 1 < res.rr_ci_low < 2
    assert res.odds_ratio == math.inf and res.or_ci_high == math.inf
    assert res.fisher_p == pytest.approx(0.1187, abs=1e-4)  # R: fisher.test(matrix(c(4,0,56,60),2))
    assert res.chi2_valid is False
    none = stats.compare_proportions(0, 60, 0, 60)
    assert math.isnan(none.relative_risk) and none.rr_ci_low == 0 and none.rr_ci_high == math.inf
    assert math.isnan(none.chi2_p) and none.fisher_p == 1.0
    same = stats.compare_proportions(60, 60, 60, 60)
    assert same.rr_ci_low < 1 < same.rr_ci_high  # not the degenerate [1, 1]


def test_chi2_valid_when_expected_counts_large():
    res = stats.compare_proportions(30, 45, 21, 45)
    assert res.chi2_valid is True and res.min_expected == pytest.approx(19.5)
    assert res.rd_ci_low < 0.2 < res.rd_ci_high
    assert list(res.summary()["measure"]) == [
        "risk difference",
        "relative risk",
        "odds ratio (conditional MLE)",
    ]


@pytest.mark.parametrize(
    ("args", "needle"),
    [((5, 4, 1, 4), "count_a"), ((1, 4, 5, 4), "count_b"), ((1, 0, 1, 4), "n_a"), ((1, 4, 1, -2), "n_b")],
)
def test_compare_validation_names_argument(args, needle):
    with pytest.raises(ValueError, match=needle):
        stats.compare_proportions(*args)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 60).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(1, 60).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
def test_intervals_contain_estimates_and_mirror(a, b):
    res = stats.compare_proportions(*a, *b)
    flipped = stats.compare_proportions(*b, *a)
    assert res.rd_ci_low <= res.risk_difference + 1e-12 and res.risk_difference <= res.rd_ci_high + 1e-12
    assert flipped.rd_ci_low == pytest.approx(-res.rd_ci_high, abs=1e-9)
    assert res.fisher_p == pytest.approx(flipped.fisher_p)
    if not math.isnan(res.relative_risk):
        assert res.rr_ci_low <= res.relative_risk * (1 + 1e-9) or res.relative_risk == math.inf
        assert res.rr_ci_high >= res.relative_risk * (1 - 1e-9)


# --------------------------------------------------------------------------- bounded work (#14 item 5)
def _exact_scipy(a, n_a, b, n_b, level=0.95):
    from scipy.stats.contingency import odds_ratio

    ci = odds_ratio(np.array([[a, n_a - a], [b, n_b - b]])).confidence_interval(level)
    return float(ci.low), float(ci.high)


def _log_weights(a, n_a, b, n_b, psi):
    """Unnormalised log pmf of the top-left cell given the margins, by hand (math.lgamma)."""

    def lcomb(n, k):
        return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)

    events = a + b
    ks = range(max(0, events - n_b), min(events, n_a) + 1)
    return {k: lcomb(n_a, k) + lcomb(n_b, events - k) + k * math.log(psi) for k in ks}


def _hand_moments(a, n_a, b, n_b, psi):
    w = _log_weights(a, n_a, b, n_b, psi)
    top = max(w.values())
    p = {k: math.exp(v - top) for k, v in w.items()}
    total = sum(p.values())
    mean = sum(k * v for k, v in p.items()) / total
    return mean, sum((k - mean) ** 2 * v for k, v in p.items()) / total


def _bisect_log(f, lo, hi):
    """Root of an increasing f on [lo, hi] (odds ratios), bisecting log(psi)."""
    for _ in range(200):
        mid = math.sqrt(lo * hi)
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


def test_or_method_switch_exact_below_normal_above():
    # support of 300 values (149 + 150 events, arms of 1,000): scipy's exact interval, as before
    small = stats.compare_proportions(150, 1000, 149, 1000)
    assert small.or_method == stats.OR_EXACT
    assert (small.or_ci_low, small.or_ci_high) == pytest.approx(_exact_scipy(150, 1000, 149, 1000), rel=1e-12)
    # 1,000 events but a smallest cell of 30: still exact (short tail), the same limits as scipy's
    short = stats.compare_proportions(30, 10_000, 970, 10_000)
    assert short.or_method == stats.OR_EXACT
    assert (short.or_ci_low, short.or_ci_high) == pytest.approx(
        _exact_scipy(30, 10_000, 970, 10_000), rel=1e-8
    )
    # smallest cell 31 with a support of 1,001: the normal approximation, and it says so
    big = stats.compare_proportions(31, 10_000, 970, 10_000)
    assert big.or_method == stats.OR_NORMAL
    assert list(big.summary()["method"])[2] == stats.OR_NORMAL
    assert stats.OR_NORMAL in big._repr_html_() and stats.OR_EXACT in short._repr_html_()
    assert big.or_ci_low < big.odds_ratio < big.or_ci_high


def test_or_normal_agrees_with_exact_near_the_threshold():
    """Smallest cells 31-40, 400-700 events: within 2 % of the exact limits (measured: 1.7 %)."""
    worst = 0.0
    for m in (31, 35, 40):
        for big in (400, 700):
            for a, n_a, b, n_b in (
                (big, 1000, m, 1000),
                (m, 1000, big, 1000),
                (1000 - m, 1000, 1000 - big, 1000),
            ):
                res = stats.compare_proportions(a, n_a, b, n_b)
                assert res.or_method == stats.OR_NORMAL
                low, high = _exact_scipy(a, n_a, b, n_b)
                worst = max(worst, abs(math.log(res.or_ci_low / low)), abs(math.log(res.or_ci_high / high)))
    assert 0.005 < worst < math.log(1.02)  # a real approximation, and a close one


def test_or_normal_against_a_hand_computation():
    """Continuity-corrected normal limits: (x -+ 0.5 - E[X; psi]) / SD[X; psi] = +-z, solved by hand."""
    a, n_a, b, n_b = 60, 400, 340, 400  # 400 events: 401 possible tables, smallest cell 60
    res = stats.compare_proportions(a, n_a, b, n_b, level=0.9)
    assert res.or_method == stats.OR_NORMAL
    z = 1.6448536269514722

    def lower(psi):  # increasing in psi
        mean, var = _hand_moments(a, n_a, b, n_b, psi)
        return z - (a - 0.5 - mean) / math.sqrt(var)

    def upper(psi):
        mean, var = _hand_moments(a, n_a, b, n_b, psi)
        return -z - (a + 0.5 - mean) / math.sqrt(var)

    assert res.or_ci_low == pytest.approx(_bisect_log(lower, 1e-6, 1.0), rel=1e-7)
    assert res.or_ci_high == pytest.approx(_bisect_log(upper, 1e-6, 1.0), rel=1e-7)
    # the conditional MLE it centres on: E[X; psi_hat] = x
    assert _hand_moments(a, n_a, b, n_b, res.odds_ratio)[0] == pytest.approx(a, abs=1e-6)


def test_or_zero_cells_in_large_tables_are_exact_and_finite():
    """A zero cell takes the exact path (no 0.5 correction needed): one limit 0 or inf, the other
    solving P(X = edge; psi) = alpha/2, here checked by hand for 400 vs 0 of 400 per arm."""
    sep = stats.compare_proportions(400, 400, 0, 400)
    assert sep.or_method == stats.OR_EXACT and sep.odds_ratio == math.inf and sep.or_ci_high == math.inf

    def tail(psi):  # P(X = 400; psi) - 0.025, increasing in psi
        w = _log_weights(400, 400, 0, 400, psi)
        top = max(w.values())
        return math.exp(w[400] - top) / sum(math.exp(v - top) for v in w.values()) - 0.025

    assert sep.or_ci_low == pytest.approx(_bisect_log(tail, 1.0, 1e12), rel=1e-7)
    for args in ((0, 100_000, 5000, 100_000), (100_000, 100_000, 0, 100_000), (1, 100_000, 0, 100_000)):
        res = stats.compare_proportions(*args)
        assert res.or_method == stats.OR_EXACT
        assert 0 <= res.or_ci_low <= res.odds_ratio <= res.or_ci_high
        assert math.isfinite(res.or_ci_low) or math.isfinite(res.or_ci_high)
    none = stats.compare_proportions(0, 100_000, 0, 100_000)  # empty margin: undefined, as scipy/R
    assert math.isnan(none.odds_ratio) and (none.or_ci_low, none.or_ci_high) == (0, math.inf)


def test_or_at_the_cap_matches_woolf_where_asymptotics_are_good():
    """50,000 vs 49,999 of 100,000 (46 s before): the normal limits agree with Woolf's
    exp(log OR +- z sqrt(1/a + 1/b + 1/c + 1/d)) to 1e-4, as they must with 50,000 per cell."""
    a, b, c, d = 50_000, 50_000, 49_999, 50_001
    res = stats.compare_proportions(a, a + b, c, c + d)
    assert res.or_method == stats.OR_NORMAL
    log_or, se = math.log(a * d / (b * c)), math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    assert res.or_ci_low == pytest.approx(math.exp(log_or - 1.959963984540054 * se), rel=1e-4)
    assert res.or_ci_high == pytest.approx(math.exp(log_or + 1.959963984540054 * se), rel=1e-4)


def test_proportion_table_bound_and_vectorised_values():
    with pytest.raises(ValueError, match=r"^df: 10,001 rows; at most 10,000"):
        stats.proportion_table(pd.DataFrame({"count": [1] * 10_001, "n": [2] * 10_001}))
    rng = np.random.default_rng(3)
    n = rng.integers(1, stats.MAX_N + 1, 200)
    df = pd.DataFrame({"count": (rng.random(200) * (n + 1)).astype(int).clip(0, n), "n": n})
    df.loc[[0, 1], "count"] = [0, df.loc[1, "n"]]
    out = stats.proportion_table(df, level=0.9)
    as_objects = stats.proportion_table(df.astype(object), level=0.9)
    cols = ["percent", "ci_low_pct", "ci_high_pct"]
    pd.testing.assert_frame_equal(out[cols], as_objects[cols])
    for i in range(200):
        one = stats.proportion_ci(int(df.loc[i, "count"]), int(df.loc[i, "n"]), level=0.9)
        assert (out.loc[i, "ci_low_pct"], out.loc[i, "ci_high_pct"]) == pytest.approx(
            (one.ci_low_pct, one.ci_high_pct), abs=1e-12
        )


@pytest.mark.parametrize(
    ("column", "needle"),
    [
        ([1.0, 2.5], r"row 1: count: must be a whole number"),
        ([1, True], r"row 1: count: must be a whole"),
        ([1, np.inf], r"row 1: count: must be a whole"),
        ([1, 7], r"row 1: count: must be <= n"),
    ],
)
def test_proportion_table_fast_path_names_the_row(column, needle):
    with pytest.raises(ValueError, match=needle):
        stats.proportion_table(pd.DataFrame({"count": column, "n": [5, 5]}))


# --------------------------------------------------------------------------- interval arithmetic (issue 15)
# z, SE of a log ratio from its CI, a CI at another level, the estimate's offset in its log CI and
# the exact "does count/n print as this %?" check live here; evidence, appraisal and survival call them.
Z95, Z90, Z99 = 1.959963984540054, 1.6448536269514722, 2.5758293035489004  # R: qnorm(0.975) etc.


def test_z_for_level_textbook_values_and_boundaries():
    assert stats.z_for_level(0.95) == pytest.approx(Z95, abs=1e-15)
    assert stats.z_for_level(0.90) == pytest.approx(Z90, abs=1e-15)
    assert stats.z_for_level(0.99) == pytest.approx(Z99, abs=1e-15)
    assert stats.z_for_level(np.float64(0.95)) == stats.z_for_level(0.95)
    assert stats.z_for_level(5e-324) == 0.0  # a level near 0: an interval of zero width
    assert stats.z_for_level(0.5) == pytest.approx(0.6744897501960817, abs=1e-15)
    # the largest level below 1: 0.5 + level / 2 rounds to 1 (z_for_p keeps such tails exact)
    assert stats.z_for_level(math.nextafter(1.0, 0.0)) == math.inf
    assert stats.z_for_level(1 - 1e-12) == pytest.approx(stats.z_for_p(1e-12), rel=1e-4)


def test_z_for_p_boundaries_and_tiny_tails():
    assert stats.z_for_p(0.05) == pytest.approx(Z95, abs=1e-12)
    assert stats.z_for_p(0) == math.inf
    assert stats.z_for_p(1) == 0.0
    assert stats.z_for_p(1e-20) == pytest.approx(9.33604484923406, rel=1e-12)  # 1 - 1e-20 / 2 == 1.0
    assert stats.z_for_p(1e-300) > stats.z_for_p(1e-20) > stats.z_for_p(0.05)


@pytest.mark.parametrize(
    "level", [0, 1, -0.1, 1.5, 95, math.nan, math.inf, True, np.bool_(True), "0.95", None, 10**400]
)
def test_z_for_level_names_a_bad_level(level):
    with pytest.raises(ValueError, match=r"^level: must be a number strictly between 0 and 1"):
        stats.z_for_level(level)


@pytest.mark.parametrize("p", [-1e-9, 1.0000001, math.nan, -math.inf, True, "0.05", None, 10**400])
def test_z_for_p_names_a_bad_p(p):
    with pytest.raises(ValueError, match=r"^p: must be a probability between 0 and 1"):
        stats.z_for_p(p)


def test_se_log_ratio_from_ci_at_the_interval_level():
    # STAH OS, printed as a 90 % CI: read at 95 % its SE would come out 16 % too small
    se90 = stats.se_log_ratio_from_ci(0.69, 1.21, level=0.90)
    assert se90 == pytest.approx(0.1707, abs=5e-5)
    # the formula, bit for bit
    assert se90 == (math.log(1.21) - math.log(0.69)) / (2 * stats.z_for_level(0.90))
    se95 = stats.se_log_ratio_from_ci(0.69, 1.21, level=0.95)
    assert se95 / se90 == pytest.approx(Z90 / Z95)
    assert stats.se_log_ratio_from_ci(np.float64(0.37), 1, level=0.95) == pytest.approx(
        math.log(1 / 0.37) / (2 * Z95)
    )
    tiny = stats.se_log_ratio_from_ci(1.0, math.nextafter(1.0, 2.0), level=0.95)
    assert 0 < tiny < 1e-15
    with pytest.raises(TypeError, match="level"):  # the level is never assumed
        stats.se_log_ratio_from_ci(0.69, 1.21)


@pytest.mark.parametrize(
    ("low", "high", "level", "needle"),
    [
        (0, 1.2, 0.95, r"^low: must be a positive number"),
        (-0.5, 1.2, 0.95, r"^low: must be a positive number"),
        (math.inf, 1.2, 0.95, r"^low: must be a positive number"),
        ("0.5", 0.9, 0.95, r"^low: must be a positive number"),
        (True, 2, 0.95, r"^low: must be a positive number"),
        (0.5, math.nan, 0.95, r"^high: must be a positive number"),
        (0.5, 10**400, 0.95, r"^high: must be a positive number"),
        (0.9, 0.5, 0.95, r"^low: must be below high"),
        (0.9, 0.9, 0.95, r"^low: must be below high"),
        (0.5, 0.9, 95, r"^level: "),
        (0.5, 0.9, 1, r"^level: "),
        (0.5, 1.0, 1e-165, r"^level: .* too small"),  # fuzz: z = 0 divided by zero
    ],
)
def test_se_log_ratio_from_ci_names_bad_input(low, high, level, needle):
    with pytest.raises(ValueError, match=needle):
        stats.se_log_ratio_from_ci(low, high, level=level)


@given(
    log_est=st.floats(-5, 5),
    se=st.floats(1e-3, 3),
    level=st.one_of(st.sampled_from([0.80, 0.90, 0.95, 0.99]), st.floats(0.5, 0.999)),
    other=st.floats(0.5, 0.999),
)
def test_ci_at_level_round_trips_and_is_centred(log_est, se, level, other):
    est = math.exp(log_est)
    low, high = stats.ci_at_level(est, se, level=level)
    assert low < est < high
    assert stats.se_log_ratio_from_ci(low, high, level=level) == pytest.approx(se, rel=1e-9)
    assert stats.log_ci_offset(est, low, high) == pytest.approx(0, abs=1e-9)  # a Wald CI is centred
    # re-expressed at another level: the same SE, a wider interval for a higher level
    low2, high2 = stats.ci_at_level(est, stats.se_log_ratio_from_ci(low, high, level=level), level=other)
    if other > level:
        assert high2 - low2 > high - low


def test_ci_at_level_boundaries():
    # se = 0: both bounds are exp(log(estimate)), the estimate up to its last bit (3.0 -> 3.0000000000000004)
    assert stats.ci_at_level(3.0, 0, level=0.95) == pytest.approx((3.0, 3.0), rel=1e-15)
    assert stats.ci_at_level(0.73, math.inf, level=0.95) == (0.0, math.inf)
    assert stats.ci_at_level(0.73, 1e300, level=0.95) == (0.0, math.inf)  # overflows to inf, not an error
    low, high = stats.ci_at_level(0.73, 0.1, level=0.95)
    assert (low, high) == (math.exp(math.log(0.73) - Z95 * 0.1), math.exp(math.log(0.73) + Z95 * 0.1))


@pytest.mark.parametrize(
    ("estimate", "se", "level", "needle"),
    [
        (0, 0.1, 0.95, r"^estimate: must be a positive number"),
        (-1, 0.1, 0.95, r"^estimate: must be a positive number"),
        (math.inf, 0.1, 0.95, r"^estimate: must be a positive number"),
        ("1", 0.1, 0.95, r"^estimate: must be a positive number"),
        (1, -0.1, 0.95, r"^se: must be a number >= 0"),
        (1, math.nan, 0.95, r"^se: must be a number >= 0"),
        (1, "0.1", 0.95, r"^se: must be a number >= 0"),
        (1, False, 0.95, r"^se: must be a number >= 0"),
        (1, 0.1, 0, r"^level: "),
        (1, 0.1, None, r"^level: "),
    ],
)
def test_ci_at_level_names_bad_input(estimate, se, level, needle):
    with pytest.raises(ValueError, match=needle):
        stats.ci_at_level(estimate, se, level=level)


def test_log_ci_offset_centre_bounds_and_outside():
    assert stats.log_ci_offset(math.sqrt(0.37 * 0.91), 0.37, 0.91) == pytest.approx(0, abs=1e-12)
    assert stats.log_ci_offset(0.45, 0.45, 0.72) == pytest.approx(-1, abs=1e-12)  # on its lower bound
    assert stats.log_ci_offset(0.72, 0.45, 0.72) == pytest.approx(1, abs=1e-12)
    assert stats.log_ci_offset(1.0, 0.45, 0.72) > 1  # outside its own interval
    # signed, in half-widths, the same on any ratio scale (HR 0.58 vs its inverse 1 / 0.58)
    off = stats.log_ci_offset(0.58, 0.37, 0.91)
    assert stats.log_ci_offset(1 / 0.58, 1 / 0.91, 1 / 0.37) == pytest.approx(-off, abs=1e-12)
    # the caller applies its own limit: evidence.forest_table flags abs(offset) > 0.15 as printed
    assert abs(stats.log_ci_offset(0.50, 0.40, 0.70)) > 0.15 >= abs(stats.log_ci_offset(0.53, 0.40, 0.70))


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        ((0, 0.4, 0.7), r"^estimate: must be a positive number"),
        ((math.nan, 0.4, 0.7), r"^estimate: must be a positive number"),
        ((0.5, 0, 0.7), r"^low: must be a positive number"),
        ((0.5, 0.4, math.inf), r"^high: must be a positive number"),
        ((0.5, 0.7, 0.4), r"^low: must be below high"),
        ((0.5, 1e300, math.nextafter(1e300, math.inf)), r"^low, high: .*too close"),
    ],
)
def test_log_ci_offset_names_bad_input(args, needle):
    with pytest.raises(ValueError, match=needle):
        stats.log_ci_offset(*args)


def test_percent_prints_as_grim_examples_exactly():
    # 20/31 = 64.516 % prints as 64.5; no count out of 31 prints as 54.5 % (the GRIM test)
    assert stats.percent_prints_as(20, 31, Fraction(645, 10), decimals=1)
    assert not any(stats.percent_prints_as(k, 31, Decimal("54.5"), decimals=1) for k in range(32))
    assert stats.percent_prints_as(3, 45, 7, decimals=0) and not stats.percent_prints_as(3, 45, 7, decimals=1)
    assert stats.percent_prints_as(0, 45, 0, decimals=1) and stats.percent_prints_as(45, 45, 100, decimals=0)
    # a float is read as printed: 68.9, not 68.900000000000006
    assert stats.percent_prints_as(31, 45, 68.9, decimals=1)
    assert stats.percent_prints_as(np.int64(31), 45.0, 68.9, decimals=np.int64(1))


def test_percent_prints_as_ties_and_allowances():
    # an exact tie: 1/8 = 12.5 % prints as 13 (half up) or 12 (half to even); 3/8 = 37.5 % as 38 only
    assert stats.percent_prints_as(1, 8, 13, decimals=0) and stats.percent_prints_as(1, 8, 12, decimals=0)
    assert stats.percent_prints_as(3, 8, 38, decimals=0) and not stats.percent_prints_as(3, 8, 37, decimals=0)
    assert stats.percent_prints_as(3, 8, 37, decimals=0, ties="either")  # both neighbours of a tie
    assert not stats.percent_prints_as(3, 8, 36, decimals=0, ties="either")
    # printed with more decimals than `decimals`: within half a unit
    assert stats.percent_prints_as(3, 8, Decimal("37.9"), decimals=0)
    assert not stats.percent_prints_as(3, 8, Decimal("38.1"), decimals=0)
    # slack in percentage points widens the window (a float slack is taken as its nearest simple fraction)
    assert not stats.percent_prints_as(20, 31, Decimal("64.7"), decimals=1)
    assert stats.percent_prints_as(20, 31, Decimal("64.7"), decimals=1, slack=0.2)
    assert stats.percent_prints_as(20, 31, Decimal("64.7"), decimals=1, slack=Fraction(2, 10))
    assert not stats.percent_prints_as(20, 31, Decimal("64.7"), decimals=1, slack=0.1)


@pytest.mark.parametrize(
    ("args", "kwargs", "needle"),
    [
        ((5, 0, 10), {}, r"^n: must be >= 1"),
        ((6, 5, 10), {}, r"^count: must be <= n"),
        ((-1, 5, 10), {}, r"^count: must be >= 0"),
        ((1.5, 5, 10), {}, r"^count: must be a whole number"),
        ((1, 10**9, 10), {}, r"^n: must be at most"),
        ((1, 5, math.nan), {}, r"^percent: must be finite"),
        ((1, 5, math.inf), {}, r"^percent: must be finite"),
        ((1, 5, "20"), {}, r"^percent: must be a number"),
        ((1, 5, True), {}, r"^percent: must be a number"),
        ((1, 5, 20), {"decimals": -1}, r"^decimals: must be >= 0"),
        ((1, 5, 20), {"decimals": 16}, r"^decimals: must be at most 15"),
        ((1, 5, 20), {"decimals": 0.5}, r"^decimals: must be a whole number"),
        ((1, 5, 20), {"slack": -0.1}, r"^slack: must be a finite number of percentage points >= 0"),
        ((1, 5, 20), {"slack": math.nan}, r"^slack: must be a finite number of percentage points"),
        ((1, 5, 20), {"slack": Fraction(-1, 10)}, r"^slack: must be a finite number"),
        ((1, 5, 20), {"slack": "0.1"}, r"^slack: must be a finite number"),
        ((1, 5, 20), {"ties": "up"}, r"^ties: must be one of"),
    ],
)
def test_percent_prints_as_names_bad_input(args, kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        stats.percent_prints_as(*args, **{"decimals": 0, **kwargs})
