"""Property (fuzz) tests of the public functions of hcckit.guyot, hcckit.survival and hcckit.stats.

Each test feeds generated input - wrong types, NaN, +-inf, 1e308, huge integers, negative or
empty values, non-monotone curves, duplicate times, increasing numbers at risk, times as text -
and, more often, valid input with one perturbation, so the valid paths run too. Every call must
return a possible result or raise ValueError/TypeError naming the argument (tests/fuzzing.py).
The plain tests at the end are regressions for the bugs the fuzzing found (minimal inputs).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from fuzzing import FUZZ, fuzz, outcome
from hypothesis import given
from hypothesis import strategies as st

from hcckit import guyot, stats, survival

warnings.filterwarnings("ignore", category=guyot.DataDiscrepancyWarning)

# --------------------------------------------------------------------------- strategies
BAD_NUMBERS = st.sampled_from(
    [
        math.nan,
        math.inf,
        -math.inf,
        1e308,
        -1e308,
        10**30,
        -(10**30),
        -1,
        -0.5,
        0,
        1e-300,
        2**63,
        "12",
        "x",
        "",
    ]
)
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=5),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    BAD_NUMBERS,
    st.lists(st.integers(0, 5), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(0, 3), max_size=2),
    st.just(np.int64(7)),
    st.just(np.float64("nan")),
    st.just(object()),
)


def mostly(valid, bad):
    """``valid`` three times in four, else ``bad``: one perturbation at a time keeps valid paths running."""
    return st.integers(0, 3).flatmap(lambda i: bad if i == 0 else valid)


@st.composite
def valid_curve(draw, max_points: int = 12):
    """A plausible digitised curve: (0, 1) then non-increasing survival at increasing times."""
    k = draw(st.integers(1, max_points))
    gaps = draw(st.lists(st.floats(0.05, 12.0), min_size=k, max_size=k))
    drops = draw(st.lists(st.floats(0.0, 0.25), min_size=k, max_size=k))
    t = np.cumsum(gaps)
    s = np.clip(1 - np.cumsum(drops), 0, 1)
    return [0.0, *t.tolist()], [1.0, *s.tolist()]


def _perturb_column(draw, values: list, *, junk=BAD_NUMBERS):
    values = list(values)
    kind = draw(st.sampled_from(["none", "none", "junk", "shuffle", "dup", "str", "drop_all", "big"]))
    if kind == "junk" and values:
        values[draw(st.integers(0, len(values) - 1))] = draw(junk)
    elif kind == "shuffle":
        values = draw(st.permutations(values))
    elif kind == "dup" and values:
        i = draw(st.integers(0, len(values) - 1))
        values.insert(i, values[i])
    elif kind == "str":
        values = [str(v) for v in values]
    elif kind == "drop_all":
        values = []
    elif kind == "big" and values:
        values[-1] = draw(st.sampled_from([1e308, 10**30, 1e6, 5000.0]))
    return values


@st.composite
def curves(draw):
    """A curve as a DataFrame / dict / list of pairs, mostly valid with one perturbation, or junk."""
    if draw(st.integers(0, 9)) == 0:
        return draw(JUNK)
    t, s = draw(valid_curve())
    which = draw(st.sampled_from(["time", "survival", "none"]))
    if which == "time":
        t = _perturb_column(draw, t)
    elif which == "survival":
        s = _perturb_column(draw, s, junk=st.sampled_from([1.5, 45.0, -0.2, 1.01, math.nan, "0.5", None]))
    if len(t) != len(s):
        m = min(len(t), len(s))
        t, s = t[:m], s[:m]
    form = draw(st.sampled_from(["frame", "frame", "dict", "pairs", "wrongcol"]))
    if form == "dict":
        return {"time": t, "survival": s}
    if form == "pairs":
        return list(zip(t, s, strict=True))
    if form == "wrongcol":
        return pd.DataFrame({"t": t, "survival": s})
    return pd.DataFrame({"time": t, "survival": s}, dtype=object)


@st.composite
def at_risks(draw):
    """Numbers at risk: decreasing whole numbers at increasing times, with one perturbation, or junk."""
    roll = draw(st.integers(0, 9))
    if roll == 0:
        return draw(JUNK)
    if roll == 1:
        return None
    k = draw(st.integers(1, 5))
    n0 = draw(st.integers(1, 300))
    times = [0.0, *np.cumsum(draw(st.lists(st.floats(0.5, 12), min_size=k - 1, max_size=k - 1))).tolist()]
    fr = sorted(draw(st.lists(st.floats(0, 1), min_size=k - 1, max_size=k - 1)), reverse=True)
    counts = [n0, *[int(n0 * f) for f in fr]]
    which = draw(st.sampled_from(["time", "n", "increase", "none", "none"]))
    if which == "time":
        times = _perturb_column(draw, times)
    elif which == "n":
        counts = _perturb_column(draw, counts, junk=st.sampled_from([-3, 2.5, math.nan, 10**30, 1e308, "7"]))
    elif which == "increase" and len(counts) > 1:
        counts[-1] = counts[0] + 5
    m = min(len(times), len(counts))
    if draw(st.booleans()):
        return {t: c for t, c in zip(times[:m], counts[:m], strict=True)}
    return pd.DataFrame({"time": times[:m], "n_at_risk": counts[:m]})


COUNTS = st.one_of(st.integers(0, 500), st.integers(-5, 10**30), BAD_NUMBERS, JUNK)


def _check_ipd(res: pd.DataFrame) -> None:
    assert isinstance(res, pd.DataFrame) and len(res) > 0
    t = res["time"].to_numpy(dtype=float)
    assert np.isfinite(t).all() and (t >= 0).all()
    assert set(np.unique(res["event"])) <= {0, 1}


# --------------------------------------------------------------------------- guyot
@fuzz
@FUZZ
@given(
    curve=curves(),
    at_risk=at_risks(),
    n=mostly(st.one_of(st.none(), st.integers(1, 300)), COUNTS),
    total=mostly(st.none(), st.one_of(st.integers(0, 300), COUNTS)),
    clean=st.booleans(),
)
def test_fuzz_reconstruct_ipd(curve, at_risk, n, total, clean):
    if at_risk is not None and not isinstance(at_risk, (pd.DataFrame, dict)) and n is None:
        n = 50
    kind, res = outcome(
        "guyot.reconstruct_ipd",
        lambda: guyot.reconstruct_ipd(curve, at_risk, n=n, total_events=total, clean=clean),
        "curve",
        "at_risk",
        "n",
        "total_events",
    )
    if kind == "valid":
        _check_ipd(res)
        km = survival.km_steps(res)
        s = km["survival"].to_numpy()
        assert ((s >= 0) & (s <= 1)).all() and (np.diff(s) <= 1e-12).all()
        if total is not None and "total_events" not in " ".join(res.attrs["notes"]):
            assert int(res["event"].sum()) == int(total)


@fuzz
@FUZZ
@given(curve=curves(), tolerance=mostly(st.floats(0, 0.1), JUNK))
def test_fuzz_clean_and_validate_curve(curve, tolerance):
    for name, call in (
        ("guyot.clean_curve", lambda: guyot.clean_curve(curve, tolerance=tolerance)),
        ("guyot.validate_curve", lambda: guyot.validate_curve(curve)),
    ):
        kind, res = outcome(name, call, "curve", "tolerance")
        if kind == "valid":
            df, notes = res
            t, s = df["time"].to_numpy(dtype=float), df["survival"].to_numpy(dtype=float)
            assert np.isfinite(t).all() and np.isfinite(s).all()
            assert t[0] == 0 and s[0] == 1
            assert (np.diff(t) > 0).all(), "one point per time, in order"
            assert ((s >= 0) & (s <= 1)).all() and (np.diff(s) <= 0).all()
            assert isinstance(notes, list)


@fuzz
@FUZZ
@given(at_risk=at_risks(), n=mostly(st.one_of(st.none(), st.integers(1, 300)), COUNTS))
def test_fuzz_validate_at_risk(at_risk, n):
    kind, res = outcome(
        "guyot.validate_at_risk", lambda: guyot.validate_at_risk(at_risk, n=n), "at_risk", "n"
    )
    if kind == "valid":
        df, _ = res
        assert df["time"].iloc[0] == 0 and (np.diff(df["time"]) > 0).all()
        r = df["n_at_risk"].to_numpy()
        assert (r >= 0).all() and (np.diff(r) <= 0).all()


# --------------------------------------------------------------------------- survival analysis
@st.composite
def patient_data(draw, arms: int | None = None):
    """One row per patient (time, event, arm), mostly valid with one perturbation, or junk."""
    if draw(st.integers(0, 14)) == 0:
        return draw(JUNK)
    n = draw(st.integers(1, 40))
    times = draw(st.lists(st.floats(0, 60), min_size=n, max_size=n))
    if draw(st.booleans()):  # ties, as in rounded data
        times = [round(x) for x in times]
    events = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    k = arms or draw(st.integers(1, 3))
    arm = [["A", "B", "C"][i % k] for i in range(n)]
    which = draw(st.sampled_from(["time", "event", "arm", "no_events", "separate", "none", "none", "none"]))
    if which == "time":
        times = _perturb_column(draw, times)
    elif which == "event":
        events = _perturb_column(draw, events, junk=st.sampled_from([2, -1, 0.5, math.nan, "1", None, True]))
    elif which == "arm":
        arm[draw(st.integers(0, n - 1))] = draw(st.sampled_from([None, math.nan, 3, "A"]))
    elif which == "no_events":  # one arm without any event (Cox: complete separation)
        events = [0 if a == "B" else e for a, e in zip(arm, events, strict=True)]
    elif which == "separate":  # every event in A before every time in B
        times = [x / 100 if a == "A" else 50 + x for a, x in zip(arm, times, strict=True)]
        events = [1 if a == "A" else 0 for a in arm]
    m = min(len(times), len(events))
    df = pd.DataFrame({"time": times[:m], "event": events[:m], "arm": arm[:m]})
    if draw(st.integers(0, 9)) == 0:
        df = df.drop(columns=draw(st.sampled_from(["time", "event", "arm"])))
    return df


LEVEL = mostly(st.one_of(st.just(0.95), st.floats(0.5, 0.999)), st.one_of(st.floats(0, 1), JUNK))
COLS = ("data", "time", "event", "by", "arm", "level", "reference", "tau", "times")


def _check_km(res: pd.DataFrame) -> None:
    for _, g in res.groupby("arm", observed=True):
        s = g["survival"].to_numpy(dtype=float)
        assert ((s >= 0) & (s <= 1)).all() and (np.diff(s) <= 1e-12).all()
        lo, hi = g["ci_low"].to_numpy(dtype=float), g["ci_high"].to_numpy(dtype=float)
        ok = ~np.isnan(lo)
        assert (lo[ok] <= s[ok] + 1e-9).all() and (s[ok] <= hi[ok] + 1e-9).all()
        assert (lo[ok] >= 0).all() and (hi[ok] <= 1).all()


@fuzz
@FUZZ
@given(data=patient_data(), level=LEVEL, by=st.sampled_from(["arm", None, "nope"]))
def test_fuzz_km_table_and_steps(data, level, by):
    kind, res = outcome("survival.km_table", lambda: survival.km_table(data, level=level, by=by), *COLS)
    if kind == "valid":
        _check_km(res)
        assert (res["at_risk"] >= 0).all() and (res["events"] <= res["at_risk"]).all()
    kind, res = outcome("survival.km_steps", lambda: survival.km_steps(data), *COLS)
    if kind == "valid":
        s = res["survival"].to_numpy()
        assert ((s >= 0) & (s <= 1)).all() and (np.diff(s) <= 1e-12).all()


@fuzz
@FUZZ
@given(
    data=patient_data(),
    times=st.one_of(st.none(), st.lists(st.floats(0, 80), max_size=6), st.lists(JUNK, max_size=3), JUNK),
)
def test_fuzz_at_risk_table(data, times):
    kind, res = outcome("survival.at_risk_table", lambda: survival.at_risk_table(data, times=times), *COLS)
    if kind == "valid":
        arms = data["arm"].astype(str) if "arm" in data.columns else pd.Series("all", index=data.index)
        n = arms.value_counts()
        for _, row in res.iterrows():
            assert row["at_risk"] + row["events"] + row["censored"] == n[str(row["arm"])]
            assert min(row["at_risk"], row["events"], row["censored"]) >= 0


@fuzz
@FUZZ
@given(data=patient_data(arms=1), level=LEVEL)
def test_fuzz_median_survival_and_follow_up(data, level):
    kind, res = outcome(
        "survival.median_survival", lambda: survival.median_survival(data, level=level), *COLS
    )
    if kind == "valid":
        assert res.median >= 0 and not math.isnan(res.median)
        assert res.ci_low <= res.ci_high or math.isnan(res.ci_low) or math.isnan(res.ci_high)
        assert 0 <= res.events <= res.n
    kind, res = outcome("survival.median_follow_up", lambda: survival.median_follow_up(data), *COLS)
    if kind == "valid":
        assert res >= 0 and not math.isnan(res)


@fuzz
@FUZZ
@given(
    data=patient_data(),
    times=mostly(
        st.lists(st.floats(0, 80), min_size=1, max_size=4), st.one_of(st.lists(JUNK, max_size=3), JUNK)
    ),
    level=LEVEL,
)
def test_fuzz_landmark_survival(data, times, level):
    kind, res = outcome(
        "survival.landmark_survival",
        lambda: survival.landmark_survival(data, times=times, level=level),
        *COLS,
    )
    if kind == "valid":
        s = res["survival"].to_numpy(dtype=float)
        ok = ~np.isnan(s)
        assert ((s[ok] >= 0) & (s[ok] <= 1)).all()
        lo, hi = res["ci_low"].to_numpy(dtype=float), res["ci_high"].to_numpy(dtype=float)
        assert (lo[ok] <= s[ok] + 1e-9).all() and (s[ok] <= hi[ok] + 1e-9).all()


@fuzz
@FUZZ
@given(data=patient_data(), by=st.sampled_from(["arm", "arm", "event", "nope", None]))
def test_fuzz_logrank(data, by):
    kind, res = outcome("survival.logrank", lambda: survival.logrank(data, by=by), *COLS)
    if kind == "valid":
        assert 0 <= res.p_value <= 1 and res.statistic >= -1e-9 and res.df == len(res.arms) - 1


@fuzz
@FUZZ
@given(data=patient_data(arms=2), level=LEVEL, reference=st.sampled_from([None, "A", "B", "Z"]))
def test_fuzz_hazard_ratio(data, level, reference):
    kind, res = outcome(
        "survival.hazard_ratio", lambda: survival.hazard_ratio(data, level=level, reference=reference), *COLS
    )
    if kind == "valid":
        assert 0 < res.ci_low <= res.hazard_ratio <= res.ci_high < math.inf
        assert 0 <= res.p_value <= 1


def _check_rmst(r, tau):
    assert 0 <= r.rmst <= tau + 1e-9 and r.se >= 0
    assert r.ci_low <= r.rmst <= r.ci_high


@fuzz
@FUZZ
@given(data=patient_data(arms=2), tau=mostly(st.one_of(st.none(), st.floats(0.1, 80)), JUNK), level=LEVEL)
def test_fuzz_rmst_and_difference(data, tau, level):
    one = data[data["arm"] == "A"] if isinstance(data, pd.DataFrame) and "arm" in data.columns else data
    kind, res = outcome("survival.rmst", lambda: survival.rmst(one, tau=tau, level=level), *COLS)
    if kind == "valid":
        _check_rmst(res, res.tau)
    kind, res = outcome(
        "survival.rmst_difference", lambda: survival.rmst_difference(data, tau=tau, level=level), *COLS
    )
    if kind == "valid":
        _check_rmst(res.arm, res.tau)
        _check_rmst(res.reference, res.tau)
        assert res.ci_low <= res.difference <= res.ci_high
        assert math.isnan(res.p_value) or 0 <= res.p_value <= 1


@fuzz
@FUZZ
@given(data=patient_data(arms=2), tau=st.one_of(st.none(), st.floats(0.1, 80)), level=LEVEL)
def test_fuzz_compare_arms(data, tau, level):
    kind, res = outcome(
        "survival.compare_arms", lambda: survival.compare_arms(data, tau=tau, level=level), *COLS
    )
    if kind == "valid":
        assert 0 < res.hazard_ratio.ci_low <= res.hazard_ratio.hazard_ratio <= res.hazard_ratio.ci_high
        assert 0 <= res.logrank.p_value <= 1
        assert len(res.table()) == 2


# --------------------------------------------------------------------------- stats
STAT_NAMES = ("count", "n", "level", "sided", "p", "alternative", "count_a", "n_a", "count_b", "n_b")


@st.composite
def count_n(draw):
    """(count, n): mostly 0 <= count <= n, sometimes one of them absurd."""
    n = draw(st.integers(1, 2000))
    count = draw(st.integers(0, n))
    roll = draw(st.integers(0, 9))
    if roll == 0:
        n = draw(COUNTS)
    elif roll == 1:
        count = draw(COUNTS)
    elif roll == 2:
        n, count = draw(
            st.sampled_from([(10**30, 10**29), (2**70, 5), (np.int64(50), np.int64(20)), (50.0, 20.0)])
        )
    return count, n


@fuzz
@FUZZ
@given(
    cn=count_n(),
    level=LEVEL,
    sided=mostly(st.sampled_from(["two", "lower", "upper"]), st.sampled_from(["both", None, 2])),
)
def test_fuzz_proportion_ci(cn, level, sided):
    count, n = cn
    kind, res = outcome(
        "stats.proportion_ci", lambda: stats.proportion_ci(count, n, level=level, sided=sided), *STAT_NAMES
    )
    if kind == "valid":
        assert 0 <= res.ci_low <= res.proportion <= res.ci_high <= 1
        assert res.count <= res.n and math.isclose(res.proportion, res.count / res.n)


@fuzz
@FUZZ
@given(
    cn=count_n(),
    p=mostly(st.floats(0, 1), JUNK),
    alternative=mostly(st.sampled_from(["two-sided", "less", "greater"]), st.sampled_from(["x", None])),
)
def test_fuzz_binomial_test(cn, p, alternative):
    count, n = cn
    kind, res = outcome(
        "stats.binomial_test",
        lambda: stats.binomial_test(count, n, p=p, alternative=alternative),
        *STAT_NAMES,
    )
    if kind == "valid":
        assert 0 <= res <= 1


@fuzz
@FUZZ
@given(rows=st.lists(count_n(), min_size=0, max_size=4), level=LEVEL, wrap=st.integers(0, 9))
def test_fuzz_proportion_table(rows, level, wrap):
    df = pd.DataFrame(rows, columns=["count", "n"]) if wrap else rows
    kind, res = outcome(
        "stats.proportion_table", lambda: stats.proportion_table(df, level=level), *STAT_NAMES, "df", "row"
    )
    if kind == "valid":
        for _, r in res.iterrows():
            if not math.isnan(r["percent"]):
                assert 0 <= r["ci_low_pct"] <= r["percent"] <= r["ci_high_pct"] <= 100


@fuzz
@FUZZ
@given(a=count_n(), b=count_n(), level=LEVEL)
def test_fuzz_compare_proportions(a, b, level):
    (ca, na), (cb, nb) = a, b
    kind, res = outcome(
        "stats.compare_proportions",
        lambda: stats.compare_proportions(ca, na, cb, nb, level=level),
        *STAT_NAMES,
    )
    if kind == "valid":
        _check_two_by_two(res)


RATIO = mostly(st.floats(1e-3, 1e3), st.one_of(BAD_NUMBERS, JUNK))
INTERVAL_NAMES = ("level", "p", "low", "high", "estimate", "se")


@fuzz
@FUZZ
@given(level=LEVEL, p=mostly(st.floats(0, 1), st.one_of(BAD_NUMBERS, JUNK)))
def test_fuzz_z_for_level_and_p(level, p):
    kind, z = outcome("stats.z_for_level", lambda: stats.z_for_level(level), *INTERVAL_NAMES)
    if kind == "valid":
        assert z >= 0 and not math.isnan(z)
    kind, z = outcome("stats.z_for_p", lambda: stats.z_for_p(p), *INTERVAL_NAMES)
    if kind == "valid":
        assert z >= 0 and not math.isnan(z)


@fuzz
@FUZZ
@given(
    est=RATIO, low=RATIO, high=RATIO, se=mostly(st.floats(0, 5), st.one_of(BAD_NUMBERS, JUNK)), level=LEVEL
)
def test_fuzz_log_ratio_intervals(est, low, high, se, level):
    kind, res = outcome(
        "stats.se_log_ratio_from_ci",
        lambda: stats.se_log_ratio_from_ci(low, high, level=level),
        *INTERVAL_NAMES,
    )
    if kind == "valid":
        assert res >= 0 and math.isfinite(res)
    kind, res = outcome("stats.ci_at_level", lambda: stats.ci_at_level(est, se, level=level), *INTERVAL_NAMES)
    if kind == "valid":
        # exp(log(est)) may differ from est in the last bit: for se ~ 0 the bounds sit on est +/- an ulp of log(est)
        assert 0 <= res[0] <= est * (1 + 1e-12) and est * (1 - 1e-12) <= res[1]
    kind, res = outcome("stats.log_ci_offset", lambda: stats.log_ci_offset(est, low, high), *INTERVAL_NAMES)
    if kind == "valid":
        assert math.isfinite(res)
        assert (abs(res) <= 1 + 1e-9) == (low * (1 - 1e-9) <= est <= high * (1 + 1e-9)) or abs(
            abs(res) - 1
        ) < 1e-6


@fuzz
@FUZZ
@given(
    cn=count_n(),
    percent=mostly(st.floats(0, 100), st.one_of(BAD_NUMBERS, JUNK)),
    decimals=mostly(st.integers(0, 3), st.one_of(st.integers(-3, 40), JUNK)),
    slack=mostly(st.sampled_from([0, 0.1, 0.5]), st.one_of(BAD_NUMBERS, JUNK)),
    ties=mostly(st.sampled_from(["round", "either"]), st.sampled_from(["up", None, 1])),
)
def test_fuzz_percent_prints_as(cn, percent, decimals, slack, ties):
    count, n = cn
    kind, res = outcome(
        "stats.percent_prints_as",
        lambda: stats.percent_prints_as(count, n, percent, decimals=decimals, slack=slack, ties=ties),
        *STAT_NAMES,
        "percent",
        "decimals",
        "slack",
        "ties",
    )
    if kind == "valid":
        assert isinstance(res, bool)
        if res:  # it prints so: within half a unit plus the slack of the exact percentage
            assert (
                abs(100 * int(count) / int(n) - float(percent))
                <= 0.5 * 10.0 ** -int(decimals) + float(slack) + 1e-9
            )


def _check_two_by_two(res):
    assert -1 <= res.rd_ci_low <= res.risk_difference <= res.rd_ci_high <= 1
    if not math.isnan(res.relative_risk):
        assert 0 <= res.rr_ci_low <= res.relative_risk <= res.rr_ci_high
    if not math.isnan(res.odds_ratio):
        assert 0 <= res.or_ci_low <= res.odds_ratio <= res.or_ci_high
    for p in (res.fisher_p, res.chi2_p, res.chi2_yates_p):
        assert math.isnan(p) or 0 <= p <= 1
    assert not math.isnan(res.fisher_p)
    assert res.min_expected >= 0


# --------------------------------------------------------------------------- regressions
def test_regression_text_n_is_named_not_a_comparison_error():
    # was TypeError: '<=' not supported between instances of 'str' and 'int'
    curve = pd.DataFrame({"time": [0, 2, 4], "survival": [1, 0.8, 0.6]})
    with pytest.raises(ValueError, match=r"^n: must be a positive whole number"):
        guyot.reconstruct_ipd(curve, n="50")
    with pytest.raises(ValueError, match=r"^n: .*at most 100,000"):
        guyot.reconstruct_ipd(curve, n=10**30)


def test_regression_curve_at_zero_while_patients_are_still_at_risk():
    curve = pd.DataFrame({"time": [0, 1, 6], "survival": [1, 0.0, 0.0]})
    risk = pd.DataFrame({"time": [0, 3, 6], "n_at_risk": [50, 20, 10]})
    with pytest.raises(
        ValueError, match=r"at_risk: row 1 has 20 patients at risk at 3 .*survival 0 at 1 months"
    ):
        guyot.reconstruct_ipd(curve, risk)
    # the same after the last curve point (those at-risk rows used to be dropped silently)
    with pytest.raises(ValueError, match=r"at_risk: row 1 .*curve point 1, 0"):
        guyot.reconstruct_ipd(curve.iloc[:2], risk)
    # nobody at risk after the drop to 0 is consistent
    ok = guyot.reconstruct_ipd(curve, pd.DataFrame({"time": [0, 3], "n_at_risk": [50, 0]}))
    assert len(ok) == 50 and ok["event"].sum() == 50


def test_regression_clean_curve_bad_tolerance_and_values_are_named():
    curve = pd.DataFrame({"time": [0, 2, 4], "survival": [1, 0.8, 0.6]})
    with pytest.raises(ValueError, match=r"^tolerance: "):  # was TypeError: int + dict
        guyot.clean_curve(curve, tolerance={"a": 1})
    with pytest.raises(ValueError, match=r"^curve\.time: row 2 is inf"):
        guyot.clean_curve({"time": [0, 1, 10**400], "survival": [1, 0.9, 0.8]})
    with pytest.raises(ValueError, match=r"^curve: give a DataFrame"):
        guyot.clean_curve({"time": [0, [1]], "survival": [1, 0.9]})
    with pytest.raises(ValueError, match=r"^curve\.time: row 1 is \[1\], not a number"):
        guyot.clean_curve(pd.DataFrame({"time": [0, [1]], "survival": [1, 0.9]}))
    with pytest.raises(ValueError, match=r"^curve\.time: row 2 is 50000; at most"):
        guyot.clean_curve({"time": [0, 1, 5e4], "survival": [1, 0.9, 0.8]})
    df, _ = guyot.clean_curve({"time": [0, 1, 1, None], "survival": [1, 0.9, 0.8, 0.5]})
    assert df["time"].tolist() == [0.0, 1.0] and df["survival"].tolist() == [1.0, 0.8]


def _two_arms(events_b: int = 1) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "time": [1.0, 3, 5, 7, 2, 4, 6, 8],
            "event": [1, 0, 1, 1, 0, events_b, 0, 0],
            "arm": ["A"] * 4 + ["B"] * 4,
        }
    )


def test_regression_hazard_ratio_arm_without_events_is_explained():
    # was lifelines' ConvergenceWarning and an HR of ~0 with a CI from 0 to inf
    with pytest.raises(ValueError, match=r"arm 'B' has no events"):
        survival.hazard_ratio(_two_arms(events_b=0))
    with pytest.raises(ValueError, match=r"arm 'B' has no events"):
        survival.compare_arms(_two_arms(events_b=0))
    res = survival.hazard_ratio(_two_arms(events_b=1))
    assert 0 < res.ci_low < res.hazard_ratio < res.ci_high < math.inf


def test_regression_hazard_ratio_complete_separation_is_explained():
    data = pd.DataFrame(
        {"time": [0.1, 0.2, 0.3, 50, 51, 52], "event": [1, 1, 1, 1, 0, 0], "arm": ["A"] * 3 + ["B"] * 3}
    )
    data.loc[3, "event"] = 0
    data.loc[4, "event"] = 1
    res = outcome("regression", lambda: survival.hazard_ratio(data), "data", "event")
    if res[0] == "named":
        assert "separated" in str(res[1]) or "no events" in str(res[1])
    else:
        assert 0 < res[1].ci_low <= res[1].hazard_ratio <= res[1].ci_high < math.inf


def test_regression_infinite_or_absurd_times_are_named_before_lifelines():
    # was lifelines' "Infs were detected in the dataset" (TypeError)
    data = _two_arms()
    data.loc[2, "time"] = 1e308
    for f in (survival.km_table, survival.median_follow_up, survival.logrank, survival.hazard_ratio):
        with pytest.raises(ValueError, match=r"^data\.time: row 2 is 1e\+308"):
            f(data)
    with pytest.raises(TypeError, match=r"^level: "):
        survival.km_table(_two_arms(), level="0.95")
    with pytest.raises(TypeError, match=r"^alpha: "), pytest.warns(DeprecationWarning):
        survival.km_table(_two_arms(), alpha="0.05")
    with pytest.raises(ValueError, match=r"^data\.event: row 0 is 2;"):
        survival.km_table(_two_arms().assign(event=np.int64(2)))
    with pytest.raises(ValueError, match=r"^data\.event: no events"):
        survival.logrank(_two_arms().assign(event=0))


def test_regression_km_band_contains_the_estimate_at_extreme_alpha():
    data = pd.DataFrame({"time": [0.0] * 5 + [1, 2], "event": [1] * 7})
    with pytest.warns(DeprecationWarning):  # the old alpha: a tail no level can hold (1 - 3e-221 is 1)
        res = survival.km_table(data, alpha=3e-221)  # lifelines gave the band [1, 1] around 0
    assert (res["ci_low"] <= res["survival"]).all() and (res["survival"] <= res["ci_high"]).all()


def test_regression_stats_huge_and_numpy_counts():
    # huge ints reached statsmodels/scipy ("'int' object has no attribute 'rint'", object tables)
    with pytest.raises(ValueError, match=r"^n: must be at most 100,000"):
        stats.proportion_ci(10**29, 10**30)
    with pytest.raises(ValueError, match=r"^n_a: must be at most 100,000"):
        stats.compare_proportions(5, 2**70, 3, 10)
    with pytest.raises(ValueError, match=r"^p: .* got nan$"):  # no numpy repr in the message
        stats.binomial_test(5, 10, p=np.float64("nan"))
    assert stats.proportion_ci(np.int64(20), np.int64(50)).count == 20


def test_regression_compare_proportions_intervals_contain_their_estimates():
    res = stats.compare_proportions(1, 1, 1, 10, level=1e-300)  # RR CI was [10.000000000000002, 10]
    _check_two_by_two(res)
    # with 100000 per arm the score p-value underflows at RR 1e12: the lower bound was ~1e12
    big = stats.compare_proportions(1, 100000, 0, 100000)
    mirror = stats.compare_proportions(0, 100000, 1, 100000)
    assert big.rr_ci_low == pytest.approx(1 / mirror.rr_ci_high, rel=1e-6)
    assert 0.1 < big.rr_ci_low < 1


def test_regression_rmst_interval_at_tiny_alpha_and_no_spread():
    # norm.ppf(1 - alpha / 2) was inf for alpha < 1e-16 and 0 * inf gave a NaN interval
    data = pd.DataFrame({"time": [0.0, 0.01, 50, 50], "event": [1, 1, 0, 0], "arm": ["A", "A", "B", "B"]})
    with pytest.warns(DeprecationWarning):  # the old alpha: a tail no level can hold
        res = survival.rmst_difference(data, alpha=6.6e-238)
    for r in (res.arm, res.reference):
        assert r.ci_low <= r.rmst <= r.ci_high
    assert res.ci_low <= res.difference <= res.ci_high
