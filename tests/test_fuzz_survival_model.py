"""Property (fuzz) tests of the methods of hcckit.survival.SurvivalModel and the result classes.

tests/test_fuzz_survival_more.py fuzzes the functions that *build* a model; this file fuzzes what
a model then offers: ``survival``, ``cumulative_hazard``, ``quantile``, ``rmst``,
``with_hazard_ratio``, ``curve``, ``median``/``residuals``, the dataclass constructor itself,
and :meth:`PublishedArm.model` (the only method of a result class that takes an argument; the
others - MedianResult, LogRankResult, HazardRatioResult, RMSTResult, RMSTDifference,
ArmComparison.table, HRConsistency, ReconstructionReport - have no arguments). Each test feeds
wrong types, NaN, +-inf, 1e308, 10**30, negative, empty and oversized values, and, more often,
valid input, so the valid paths run too. After a valid call the result must be possible:
S in [0, 1] and non-increasing in t, H >= 0, quantile times finite and non-increasing in p,
0 <= RMST <= tau. The plain tests at the end are regressions for the bugs found (minimal inputs).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from fuzzing import FUZZ, fuzz, outcome
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_survival_stats import BAD_NUMBERS, JUNK, mostly

from hcckit import survival
from hcckit.guyot import MAX_TIME
from hcckit.uploads import MAX_ROWS

TINY_HUGE = st.sampled_from([5e-324, 1e-300, 1e-12, 1e5, MAX_TIME, MAX_TIME * 1.01, 1e308, 10**30])
BAD_TIME = st.one_of(BAD_NUMBERS, TINY_HUGE, JUNK)
HR_LO, HR_HI = survival.HR_RANGE


# --------------------------------------------------------------------------- strategies
@st.composite
def valid_models(draw):
    """A SurvivalModel of any kind from plausible published points, sometimes with a hazard ratio."""
    kind = draw(st.sampled_from(survival.MODELS))
    median = draw(st.one_of(st.none(), st.floats(0.5, 60)))
    k = draw(st.integers(0 if median is not None else 1, 3))
    if kind == "weibull" and median is None:
        k = max(k, 2)
    times = sorted(set(draw(st.lists(st.floats(1, 48), min_size=k, max_size=k))))
    if median is not None:  # landmarks on one exponential through the median agree with it
        lm = {t: float(np.exp(-math.log(2) * t / median)) for t in times if abs(t - median) > 1e-6}
    else:
        drops = draw(st.lists(st.floats(0.01, 0.3), min_size=len(times), max_size=len(times)))
        lm = dict(zip(times, np.clip(1 - np.cumsum(drops), 0.01, 1).tolist(), strict=True))
    if kind == "weibull" and len(lm) + (median is not None) < 2:
        kind = "piecewise"
    m = survival.survival_model(median, landmarks=lm or None, model=kind)
    if draw(st.integers(0, 2)) == 0:
        m = m.with_hazard_ratio(draw(st.floats(HR_LO, HR_HI)), after=draw(st.sampled_from([0.0, 3.0, 24.0])))
    return m


MODELS = valid_models()


@st.composite
def time_args(draw):
    """Times for survival/cumulative_hazard: a number, a list or an array; mostly valid."""
    roll = draw(st.integers(0, 9))
    if roll == 0:
        return draw(BAD_TIME)
    if roll == 1:
        return draw(
            st.sampled_from(
                [
                    [],
                    [[1.0], [1.0, 2.0]],
                    [1.0, math.nan],
                    ["3"],
                    np.array([1.0, np.inf]),
                    {1: 2},
                    {3.0},
                    [True],
                    np.zeros((2, 2)),
                    np.arange(MAX_ROWS + 1.0),
                    [1, -1],
                    np.array(["1"]),
                ]
            )
        )
    times = draw(st.lists(st.floats(0, 400), min_size=1, max_size=30))
    form = draw(st.sampled_from(["scalar", "list", "array", "int_array", "huge"]))
    if form == "scalar":
        return times[0]
    if form == "array":
        return np.array(times)
    if form == "int_array":
        return np.array(times).astype(int)
    if form == "huge":  # finite, far beyond any follow-up: S = 0, H may be inf
        return [*times, 1e308]
    return times


def _check_s(model, t, s):
    s = np.asarray(s)
    assert s.shape == np.shape(t) or (np.ndim(t) == 0 and s.shape == ())
    flat = s.ravel()
    assert np.isfinite(flat).all() and ((flat >= 0) & (flat <= 1)).all()
    order = np.argsort(np.asarray(t, dtype=float).ravel(), kind="stable")
    assert (np.diff(flat[order]) <= 1e-12).all()  # non-increasing in t


@fuzz
@FUZZ
@given(m=MODELS, t=time_args())
def test_fuzz_model_survival(m, t):
    kind, res = outcome("survival.SurvivalModel.survival", lambda: m.survival(t), "t")
    if kind == "valid":
        _check_s(m, t, res)


@fuzz
@FUZZ
@given(m=MODELS, t=time_args())
def test_fuzz_model_cumulative_hazard(m, t):
    kind, res = outcome("survival.SurvivalModel.cumulative_hazard", lambda: m.cumulative_hazard(t), "t")
    if kind == "valid":
        h = np.asarray(res).ravel()
        assert not np.isnan(h).any() and (h >= 0).all()
        order = np.argsort(np.asarray(t, dtype=float).ravel(), kind="stable")
        assert (np.diff(h[order]) >= -1e-12).all()  # non-decreasing in t
        _check_s(m, t, np.exp(-np.asarray(res)))


@st.composite
def prob_args(draw):
    """Survival probabilities for quantile: a number or a sequence in (0, 1]; mostly valid."""
    roll = draw(st.integers(0, 9))
    if roll == 0:
        return draw(st.one_of(BAD_NUMBERS, JUNK))
    if roll == 1:
        return draw(
            st.sampled_from(
                [
                    0,
                    0.0,
                    1.5,
                    45.0,
                    100.0,
                    101.0,
                    -0.1,
                    1 + 1e-12,
                    [],
                    [0.5, 0],
                    [[0.5]],
                    ["0.5"],
                    {0.5: 1},
                    np.full(MAX_ROWS + 1, 0.5),
                    5e-324,
                    1e-300,
                    [1.0, 1e-300],
                ]
            )
        )
    ps = draw(st.lists(st.floats(1e-6, 1.0, exclude_min=False), min_size=1, max_size=20))
    form = draw(st.sampled_from(["scalar", "list", "array"]))
    return ps[0] if form == "scalar" else (np.array(ps) if form == "array" else ps)


@fuzz
@FUZZ
@given(m=MODELS, p=prob_args())
def test_fuzz_model_quantile(m, p):
    kind, res = outcome("survival.SurvivalModel.quantile", lambda: m.quantile(p), "p")
    if kind == "valid":
        q = np.asarray(res).ravel()
        pp = np.asarray(p, dtype=float).ravel()
        assert np.isfinite(q).all() and (q >= 0).all()
        order = np.argsort(pp, kind="stable")
        assert (np.diff(q[order]) <= 1e-9 * np.maximum(q[order][:-1], 1)).all()  # later for lower p
        ok = q <= MAX_TIME  # S(quantile(p)) = p (where S is evaluated in range)
        assert np.allclose(m.survival(q[ok]) if ok.any() else [], pp[ok], atol=1e-6)


@fuzz
@FUZZ
@given(m=MODELS)
def test_fuzz_model_median_and_residuals(m):
    kind, res = outcome(
        "survival.SurvivalModel.median", lambda: (m.median, m.residuals(), m._repr_html_()), "median"
    )
    assert kind == "valid"  # no arguments: every valid model has a median and residuals
    med, resid, html = res
    assert math.isfinite(med) and med > 0
    assert float(m.quantile(0.5)) == pytest.approx(med)
    assert len(resid) == len(m.points) and np.isfinite(resid.to_numpy(dtype=float)).all()
    assert ((resid["model"] >= 0) & (resid["model"] <= 1)).all() and "<table" in html


@fuzz
@FUZZ
@given(m=MODELS, tau=mostly(st.floats(1e-3, MAX_TIME), BAD_TIME))
def test_fuzz_model_rmst(m, tau):
    kind, res = outcome("survival.SurvivalModel.rmst", lambda: m.rmst(tau), "tau")
    if kind == "valid":
        tau = float(tau)
        assert math.isfinite(res) and 0 <= res <= tau
        assert res >= tau * float(m.survival(tau)) - 1e-9 * tau  # S >= S(tau) on [0, tau]
        if m.kind == "exponential" and m.hazard_ratio == 1.0:  # closed form (1 - e^(-lambda tau)) / lambda
            assert res == pytest.approx(-math.expm1(-m.rate * tau) / m.rate, rel=1e-9)


BAD_HR = st.one_of(
    BAD_NUMBERS, TINY_HUGE, JUNK, st.sampled_from([HR_LO / 2, HR_HI * 2, 1e300, 1e-300, 5e-324])
)


@fuzz
@FUZZ
@given(
    m=MODELS,
    hr=mostly(st.floats(HR_LO, HR_HI), BAD_HR),
    after=mostly(st.sampled_from([0.0, 0, 6, 12.5, None]), BAD_TIME),
    label=mostly(st.sampled_from([None, "", "experimental"]), st.sampled_from([3, ["x"], b"x", math.nan])),
)
def test_fuzz_model_with_hazard_ratio(m, hr, after, label):
    kind, res = outcome(
        "survival.SurvivalModel.with_hazard_ratio",
        lambda: m.with_hazard_ratio(hr, after=after, label=label),
        "hazard_ratio",
        "after",
        "label",
    )
    if kind == "valid":
        assert m.hazard_ratio == 1.0  # a model with an HR already applied is refused
        assert res.hazard_ratio == float(hr) and HR_LO <= res.hazard_ratio <= HR_HI
        assert isinstance(res.label, str) and res.label
        grid = np.linspace(0, 120, 61)
        s0, s1 = m.survival(grid), res.survival(grid)
        _check_s(res, grid, s1)
        assert np.allclose(s1[grid <= (after or 0)], s0[grid <= (after or 0)])
        if float(hr) <= 1:  # a lower hazard never lowers survival
            assert (s1 >= s0 - 1e-12).all()
        else:
            assert (s1 <= s0 + 1e-12).all()
        assert math.isfinite(res.median) and res.median > 0


@fuzz
@FUZZ
@given(
    m=MODELS,
    max_time=mostly(st.one_of(st.none(), st.floats(1e-3, MAX_TIME)), BAD_TIME),
    points=mostly(
        st.integers(2, 500),
        st.one_of(
            st.sampled_from([0, 1, -1, 1.5, 2.0, "10", None, True, MAX_ROWS + 1, 10**12, math.nan, math.inf]),
            JUNK,
        ),
    ),
)
def test_fuzz_model_curve(m, max_time, points):
    kind, res = outcome(
        "survival.SurvivalModel.curve",
        lambda: m.curve(max_time=max_time, points=points),
        "points",
        "max_time",
    )
    if kind == "valid":
        assert isinstance(res, pd.DataFrame) and list(res.columns) == ["time", "survival"]
        assert len(res) == int(points) and 2 <= len(res) <= MAX_ROWS
        t = res["time"].to_numpy()
        assert t[0] == 0 and (np.diff(t) > 0).all() and t[-1] <= MAX_TIME
        if max_time is not None:
            assert t[-1] == pytest.approx(float(max_time))
        _check_s(m, t, res["survival"].to_numpy())


_FIELDS = {
    "kind": st.sampled_from(["gompertz", "", None, 3]),
    "points": st.one_of(JUNK, st.sampled_from([((12.0, 1.5),), ((-1.0, 0.5),), ((1.0, 0.5), (2.0, 0.7))])),
    "knots": st.one_of(JUNK, st.sampled_from([(), (0.0,), (1.0, 2.0), (0.0, 5.0, 5.0), (0.0, math.nan)])),
    "cumhaz": st.one_of(JUNK, st.sampled_from([(), (0.0,), (0.0, -1.0), (0.0, 1.0, 0.5), (0.0, math.inf)])),
    "tail_hazard": BAD_TIME,
    "rate": BAD_TIME,
    "scale": BAD_TIME,
    "shape": BAD_TIME,
    "hazard_ratio": BAD_HR,
    "effect_delay": BAD_TIME,
    "label": st.sampled_from([None, 3, ["x"]]),
}


@fuzz
@FUZZ
@given(m=MODELS, data=st.data())
def test_fuzz_model_constructor(m, data):
    field = data.draw(st.sampled_from(sorted(_FIELDS)))
    value = data.draw(_FIELDS[field])
    kind, res = outcome("survival.SurvivalModel", lambda: dataclasses.replace(m, **{field: value}), *_FIELDS)
    if (
        kind == "valid"
    ):  # a value that happens to be valid (or unused by this kind): still a survival function
        grid = np.linspace(0, 60, 31)
        _check_s(res, grid, res.survival(grid))
        assert math.isfinite(res.rmst(24)) and 0 <= res.rmst(24) <= 24


ARMS = [
    a
    for tid in sorted(survival.survival_catalogue()["trial_id"].unique())[:6]
    for a in survival.published_arms(tid)
    if a.has_summaries
]


@fuzz
@FUZZ
@given(
    arm=st.sampled_from(ARMS),
    model=mostly(
        st.sampled_from(survival.MODELS), st.one_of(JUNK, st.sampled_from(["gompertz", ["piecewise"]]))
    ),
)
def test_fuzz_published_arm_model(arm, model):
    kind, res = outcome(
        "survival.PublishedArm.model", lambda: arm.model(model=model), "model", "median", "landmarks"
    )
    if kind == "valid":
        assert res.kind == model and math.isfinite(res.median) and res.median > 0
        grid = np.linspace(0, 60, 31)
        _check_s(res, grid, res.survival(grid))


# --------------------------------------------------------------------------- regressions
M8 = survival.survival_model(8.0)


def test_regression_curve_checks_points_and_max_time():
    # were numpy's "'float' object cannot be interpreted as an integer", "Number of samples, -1, must
    # be non-negative", a MemoryError (10**12), and curves of 0 or 1 point
    for bad in (1.5, -1, 0, 1, "x", 10**12):
        with pytest.raises(ValueError, match=r"^points: must be a whole number of points from 2 to 20,000"):
            M8.curve(points=bad)
    with pytest.raises(ValueError, match=r"^max_time: 1e\+308 is later than 36525"):  # a 5e305-month grid
        M8.curve(max_time=1e308)
    assert len(M8.curve(points=2.0)) == 2
    with pytest.raises(
        ValueError, match=r"^max_time: 4.94066e-324 months is too short"
    ):  # times 0, 0, 5e-324
        M8.curve(max_time=5e-324, points=3)


def test_regression_hazard_ratio_is_bounded():
    # HR 1e300 gave a median of 8e-300 months, HR 1e-300 one of 8e300; a list label was stored
    for hr in (1e300, 1e-300, 1e-4, 1001):
        with pytest.raises(ValueError, match=r"^hazard_ratio: .* is outside 0\.001-1000"):
            M8.with_hazard_ratio(hr)
        with pytest.raises(ValueError, match=r"^hazard_ratio: .* is outside 0\.001-1000"):
            survival.synthesize_arm(5, median=8, hazard_ratio=hr)
    with pytest.raises(ValueError, match=r"^after: 1e\+308 is later"):
        M8.with_hazard_ratio(0.5, after=1e308)
    with pytest.raises(TypeError, match=r"^label: must be text"):
        M8.with_hazard_ratio(0.5, label=[1])
    with pytest.raises(ValueError, match=r"^hazard_ratio: "):  # the constructor enforces the bound too
        dataclasses.replace(M8, hazard_ratio=1e300)
    assert M8.with_hazard_ratio(1000).median == pytest.approx(8.0 / 1000)


def test_regression_survival_and_quantile_refuse_impossible_arguments():
    m = survival.survival_model(0.5, model="exponential")
    with pytest.raises(ValueError, match=r"^t: must be a finite number >= 0, got -1"):  # S(-1) was 4.0
        m.survival(-1)
    with pytest.raises(ValueError, match=r"^t: must be a finite number >= 0, got nan"):  # was nan
        m.survival(math.nan)
    with pytest.raises(ValueError, match=r"^t: must be a number"):  # was "could not convert string"
        m.cumulative_hazard("x")
    with pytest.raises(TypeError, match=r"^t: expected a sequence"):  # was numpy's "inhomogeneous shape"
        m.survival([[1], [1, 2]])
    with pytest.raises(ValueError, match=r"^t: no times given"):
        m.survival([])
    with pytest.raises(ValueError, match=r"^p: survival never falls to 0"):  # was inf
        m.quantile(0)
    with pytest.raises(ValueError, match=r"^p: 1\.5 is above 1"):  # was -0.29 months
        m.quantile(1.5)
    with pytest.raises(ValueError, match=r"^p\[1\]: must be a finite number >= 0, got -1"):  # was nan
        m.quantile([0.5, -1])
    assert float(m.survival(1e308)) == 0.0  # a finite time, however late, has a survival


def test_regression_rmst_is_accurate_for_a_steep_curve_and_bounded_tau():
    # trapezoid on 2,001 even steps gave 9.13 months for a true 0.72 (median 0.5, tau 36525)
    m = survival.survival_model(0.5, model="exponential")
    assert m.rmst(MAX_TIME) == pytest.approx(-math.expm1(-m.rate * MAX_TIME) / m.rate, rel=1e-9)
    with pytest.raises(ValueError, match=r"^tau: 1e\+308 is later"):  # returned 2.5e304 months
        m.rmst(1e308)


def test_regression_constructor_names_bad_parameters():
    with pytest.raises(
        ValueError, match=r"^kind: must be one of"
    ):  # was numpy's "array of sample points is empty"
        survival.SurvivalModel("gompertz").survival(1.0)
    with pytest.raises(ValueError, match=r"^knots/cumhaz: "):
        survival.SurvivalModel("piecewise", tail_hazard=0.1)
    with pytest.raises(ValueError, match=r"^rate: "):  # a rate of 0 gave S = 1 for ever, median inf
        survival.SurvivalModel("exponential", rate=0.0)


def test_regression_survival_model_refuses_times_too_short_to_measure():
    # median 5e-324 gave a piecewise tail hazard of inf and a Weibull median of 0.0 months
    with pytest.raises(ValueError, match=r"^median: 4.94066e-324 months is shorter than 1e-06"):
        survival.survival_model(5e-324, landmarks={2.0: 0.5, 3.0: 0.35}, model="weibull")
    with pytest.raises(ValueError, match=r"^median: "):
        survival.survival_model(5e-324)
    with pytest.raises(ValueError, match=r"^landmarks\[1e-07\]: "):
        survival.survival_model(landmarks={1e-7: 0.9, 5: 0.5})


def test_regression_hr_consistency_refuses_a_median_that_underflows():
    # control median 5e-324 months and HR 2 gave an implied experimental median of 0.0
    with pytest.raises(ValueError, match=r"^control_median: .* gives a median of 0"):
        survival.hr_consistency(5e-324, experimental_median=1.0, hazard_ratio=2.0)


def test_regression_survival_stays_a_number_when_the_hazard_overflows():
    # a tail hazard of 1e308 with a delayed HR: inf - inf gave S = nan after the delay
    m = dataclasses.replace(M8.with_hazard_ratio(0.5, after=12.0), tail_hazard=1e308)
    s = m.survival([0.0, 6.0, 13.0, 20.0])
    assert s[0] == 1.0 and np.isfinite(s).all() and (s[2:] == 0).all()
