"""Property (fuzz) tests of the rest of hcckit.survival: models, pseudo-patients, curated trials.

tests/test_fuzz_survival_stats.py fuzzes the analysis wrappers (KM, log-rank, Cox, RMST); this
file covers every other public function of :mod:`hcckit.survival` (``__all__``): the generating
models, the pseudo-patient generators, the median/HR checks, the reconstruction report, the
curated-trial look-ups and :func:`concat_arms`. Each test feeds wrong types, NaN, +-inf, 1e308,
10**30, negative, empty values, unknown trial ids, arms and endpoints - and, more often, valid
input with one perturbation, so the valid paths run too. Every call must return a possible
result or raise ValueError/TypeError naming the argument (tests/fuzzing.py). The plain tests at
the end are regressions for the bugs the fuzzing found (minimal inputs).
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from fuzzing import FUZZ, fuzz, outcome
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_survival_stats import BAD_NUMBERS, JUNK, at_risks, curves, mostly, patient_data

from hcckit import guyot, survival
from hcckit.guyot import MAX_TIME
from hcckit.uploads import MAX_PATIENTS

warnings.filterwarnings("ignore", category=guyot.DataDiscrepancyWarning)
# numbers at risk that differ from n are a source discrepancy the fuzzing makes on purpose
pytestmark = pytest.mark.filterwarnings("ignore::hcckit.guyot.DataDiscrepancyWarning")

# --------------------------------------------------------------------------- strategies
TINY_HUGE = st.sampled_from([5e-324, 1e-300, 1e-12, 1e5, MAX_TIME, MAX_TIME * 1.01, 1e308, 10**30])
MEDIANS = mostly(st.floats(0.5, 60), st.one_of(BAD_NUMBERS, TINY_HUGE, JUNK))
ENDPOINT = mostly(
    st.sampled_from(["OS", "PFS", "PFS", "TTUP", "RFS", "PPS"]), st.one_of(JUNK, st.just("DFS"))
)

CATALOGUE = survival.survival_catalogue()
TRIALS = sorted(CATALOGUE["trial_id"].unique())
TRIAL_ID = mostly(st.sampled_from(TRIALS), st.one_of(JUNK, st.sampled_from(["nope", "TACTICS", ""])))
READY = CATALOGUE[CATALOGUE["ready"]]
READY_PAIRS = list(zip(READY["trial_id"], READY["endpoint"], strict=True))


@st.composite
def landmark_sets(draw):
    """Landmarks (months -> survival 0-1): mostly valid, one perturbation, or junk."""
    roll = draw(st.integers(0, 11))
    if roll == 0:
        return draw(JUNK)
    if roll == 1:
        return None
    k = draw(st.integers(1, 4))
    times = np.cumsum(draw(st.lists(st.floats(1.0, 24.0), min_size=k, max_size=k))).tolist()
    drops = draw(st.lists(st.floats(0.01, 0.3), min_size=k, max_size=k))
    surv = np.clip(1 - np.cumsum(drops), 0.01, 1).tolist()
    which = draw(
        st.sampled_from(["none", "none", "none", "time", "surv", "increase", "dup", "pairs", "series"])
    )
    if which == "time":
        times[draw(st.integers(0, k - 1))] = draw(st.one_of(BAD_NUMBERS, TINY_HUGE, st.just(True)))
    elif which == "surv":
        surv[draw(st.integers(0, k - 1))] = draw(
            st.sampled_from([1.5, 45.0, -0.2, 0.0, 1.0, math.nan, "0.5", None, 1e-300, True])
        )
    elif which == "increase" and k > 1:
        surv[-1] = min(surv[0] + 0.1, 1.0)
    elif which == "dup" and k > 1:
        times[-1] = times[0]
        return list(zip(times, surv, strict=True))
    if which == "pairs":
        return [(t, s) for t, s in zip(times, surv, strict=True)]
    if which == "series":
        return pd.Series(surv, index=times)
    try:
        return dict(zip(times, surv, strict=True))
    except TypeError:  # an unhashable time
        return list(zip(times, surv, strict=True))


@st.composite
def points(draw):
    """(median, landmarks) that agree: median only, landmarks only, or both from one exponential."""
    kind = draw(st.sampled_from(["median", "landmarks", "both"]))
    median = draw(st.floats(0.5, 60))
    if kind == "median":
        return median, None
    times = sorted(set(draw(st.lists(st.floats(1.0, 48.0), min_size=1, max_size=4))))
    if kind == "both":
        return median, {t: float(np.exp(-math.log(2) * t / median)) for t in times}
    surv = np.clip(
        1 - np.cumsum(draw(st.lists(st.floats(0.01, 0.3), min_size=len(times), max_size=len(times)))), 0.01, 1
    )
    return None, dict(zip(times, surv.tolist(), strict=True))


@st.composite
def one_bad(draw, valid: dict, bad: dict):
    """Keyword arguments: all valid one time in three, else exactly one drawn from ``bad``."""
    out = {k: draw(v) for k, v in valid.items()}
    if draw(st.integers(0, 2)):
        k = draw(st.sampled_from(sorted(bad)))
        out[k] = draw(bad[k])
    return out


BAD_MONTHS = st.one_of(BAD_NUMBERS, TINY_HUGE, JUNK)
BAD_SEED = st.sampled_from([-1, 1.5, "1", None, math.nan, 2**70, True, [1, 2], np.int64(-3)])
BAD_N = st.sampled_from([0, -1, 1.5, 10**30, 1e308, math.nan, "50", True, None, MAX_PATIENTS + 1])
BAD_MODEL = st.sampled_from(["gompertz", "", None, 3, ["piecewise"]])
BAD_METHOD = st.sampled_from(["bootstrap", None, 1, ("quantile",)])
BAD_ARM = st.sampled_from([3, [1, 2], math.nan, ""])


def _check_model(m: survival.SurvivalModel, *, exact: bool = False) -> None:
    assert isinstance(m, survival.SurvivalModel) and m.kind in survival.MODELS
    med = m.median
    assert math.isfinite(med) and med > 0
    grid = np.linspace(0, 3 * med, 50)
    s = m.survival(grid)
    assert np.isfinite(s).all() and ((s >= 0) & (s <= 1)).all() and (np.diff(s) <= 1e-12).all()
    if exact:  # the piecewise model passes through every published point
        for t, p in m.points:
            assert float(m.survival(t)) == pytest.approx(p, abs=1e-9)


def _check_arm(res: pd.DataFrame, n: int, arm=None) -> None:
    assert isinstance(res, pd.DataFrame) and len(res) == n
    t = res["time"].to_numpy(dtype=float)
    assert np.isfinite(t).all() and (t >= 0).all() and (t <= MAX_TIME).all()
    assert set(np.unique(res["event"])) <= {0, 1}
    assert res["synthetic"].all() and res.attrs["synthetic"] is True
    if arm is not None:
        assert (res["arm"] == arm).all()
    km = survival.km_steps(res.drop(columns=["arm"], errors="ignore"))  # the module's own analysis accepts it
    s = km["survival"].to_numpy()
    assert ((s >= 0) & (s <= 1)).all() and (np.diff(s) <= 1e-12).all()


# --------------------------------------------------------------------------- models
MODEL_NAMES_ARGS = ("median", "landmarks", "model", "label", "time_unit")


@fuzz
@FUZZ
@given(
    pts=points(),
    kw=one_bad(
        {
            "model": st.sampled_from(survival.MODELS),
            "label": st.sampled_from(["", "arm A"]),
            "time_unit": st.just("months"),
        },
        {
            "median": st.one_of(BAD_MONTHS, st.none()),
            "landmarks": landmark_sets(),
            "model": BAD_MODEL,
            "label": st.sampled_from([None, 3, ["x"]]),
            "time_unit": st.sampled_from(["", None, 3]),
        },
    ),
)
def test_fuzz_survival_model(pts, kw):
    kw = {"median": pts[0], "landmarks": pts[1], **kw}
    median, model = kw["median"], kw["model"]
    kind, res = outcome(
        "survival.survival_model",
        lambda: survival.survival_model(kw.pop("median"), **kw),
        *MODEL_NAMES_ARGS,
    )
    if kind == "valid":
        _check_model(res, exact=model == "piecewise")
        if model == "exponential" and median is not None:
            assert res.median == pytest.approx(float(median), rel=1e-9)


@st.composite
def models(draw):
    """A SurvivalModel from plausible points (sometimes with a hazard ratio), or junk."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.one_of(JUNK, st.just("piecewise")))
    median = draw(st.one_of(st.none(), st.floats(1, 40)))
    lm = None
    if median is None or draw(st.booleans()):
        t = draw(st.floats(1, 30))
        lm = {t: 0.5 if median is None else float(np.exp(-math.log(2) * t / median))}
    m = survival.survival_model(
        median, landmarks=lm, model=draw(st.sampled_from(["piecewise", "exponential"]))
    )
    if draw(st.integers(0, 3)) == 0:
        m = m.with_hazard_ratio(draw(st.floats(0.2, 3)), after=draw(st.sampled_from([0.0, 3.0])))
    return m


SIM_ARGS = ("model", "n", "at_risk", "accrual", "follow_up", "method", "seed", "arm", "time_unit")


CENSORING = st.sampled_from(
    [{}, {"accrual": 12.0, "follow_up": 6.0}, {"follow_up": 24.0}, {"accrual": 0.0, "follow_up": 1e-3}]
)


@fuzz
@FUZZ
@given(
    cens=CENSORING,
    kw=one_bad(
        {
            "model": models(),
            "n": st.integers(1, 60),
            "method": st.sampled_from(survival.METHODS),
            "seed": st.integers(0, 2**32),
            "arm": st.sampled_from([None, "A"]),
            "time_unit": st.just("months"),
        },
        {
            "model": st.one_of(JUNK, st.just("piecewise")),
            "n": BAD_N,
            "at_risk": at_risks(),
            "accrual": BAD_MONTHS,
            "follow_up": BAD_MONTHS,
            "method": BAD_METHOD,
            "seed": BAD_SEED,
            "arm": BAD_ARM,
            "time_unit": st.sampled_from(["", None, 3]),
        },
    ),
)
def test_fuzz_simulate_arm(cens, kw):
    kw = {**cens, **kw} if "at_risk" not in kw else kw
    kind, res = outcome("survival.simulate_arm", lambda: survival.simulate_arm(**kw), *SIM_ARGS)
    if kind == "valid":
        _check_arm(res, int(kw["n"]), kw["arm"])


@fuzz
@FUZZ
@given(
    pts=points(),
    cens=CENSORING,
    ready=st.integers(0, 4),
    kw=one_bad(
        {
            "n": st.integers(1, 60),
            "model": st.sampled_from(["piecewise", "piecewise", "exponential", "weibull"]),
            "hazard_ratio": st.one_of(st.none(), st.floats(0.2, 3)),
            "method": st.sampled_from(survival.METHODS),
            "seed": st.integers(0, 2**32),
            "arm": st.sampled_from([None, "A"]),
        },
        {
            "n": BAD_N,
            "median": BAD_MONTHS,
            "landmarks": landmark_sets(),
            "accrual": BAD_MONTHS,
            "follow_up": BAD_MONTHS,
            "model": BAD_MODEL,
            "hazard_ratio": BAD_MONTHS,
            "method": BAD_METHOD,
            "seed": BAD_SEED,
            "arm": BAD_ARM,
        },
    ),
)
def test_fuzz_synthesize_arm(pts, cens, ready, kw):
    kw = {"median": pts[0], "landmarks": pts[1], **cens, **kw}
    if (
        ready == 0 and kw["median"] is pts[0] and kw["landmarks"] is pts[1] and kw["model"] in survival.MODELS
    ):  # a ready SurvivalModel
        kw["model"] = survival.survival_model(kw.pop("median"), landmarks=kw.pop("landmarks"))
    n, arm = kw["n"], kw["arm"]
    kind, res = outcome(
        "survival.synthesize_arm",
        lambda: survival.synthesize_arm(**kw),
        *SIM_ARGS,
        "median",
        "landmarks",
        "hazard_ratio",
        "label",
    )
    if kind == "valid":
        _check_arm(res, int(n), arm)


# --------------------------------------------------------------------------- medians vs HR
@fuzz
@FUZZ
@given(c=MEDIANS, e=MEDIANS)
def test_fuzz_implied_hazard_ratio(c, e):
    kind, res = outcome(
        "survival.implied_hazard_ratio",
        lambda: survival.implied_hazard_ratio(c, experimental_median=e),
        "control_median",
        "experimental_median",
    )
    if kind == "valid":
        assert math.isfinite(res) and res > 0
        assert res == pytest.approx(float(c) / float(e), rel=1e-12)


@st.composite
def hr_and_ci(draw):
    hr = draw(st.floats(0.2, 3))
    roll = draw(st.integers(0, 9))
    if roll == 0:
        return draw(st.one_of(BAD_NUMBERS, TINY_HUGE, JUNK)), None
    if roll == 1:
        return hr, draw(st.one_of(JUNK, st.sampled_from([(1, 2, 3), "ab", (hr * 2, hr / 2), (None, hr * 2)])))
    if roll == 2:
        return hr, (draw(st.one_of(BAD_NUMBERS, TINY_HUGE)), hr * 1.5)
    if roll <= 4:
        return hr, None
    return hr, (hr * draw(st.floats(0.3, 1)), hr * draw(st.floats(1, 3)))


@fuzz
@FUZZ
@given(c=MEDIANS, e=MEDIANS, hr_ci=hr_and_ci())
def test_fuzz_hr_consistency(c, e, hr_ci):
    hr, ci = hr_ci
    kind, res = outcome(
        "survival.hr_consistency",
        lambda: survival.hr_consistency(c, experimental_median=e, hazard_ratio=hr, ci=ci),
        "control_median",
        "experimental_median",
        "hazard_ratio",
        "ci",
    )
    if kind == "valid":
        assert math.isfinite(res.implied_hr) and res.implied_hr > 0
        assert math.isfinite(res.implied_experimental_median) and res.implied_experimental_median > 0
        assert res.reported_hr > 0 and math.isfinite(res.reported_hr)
        lo, hi = res.reported_ci
        assert res.within_ci is None or res.within_ci == (lo <= res.implied_hr <= hi)
        assert isinstance(res.message, str) and isinstance(res._repr_html_(), str)


# --------------------------------------------------------------------------- reconstruction report
@fuzz
@FUZZ
@given(ipd=patient_data(arms=1), curve=curves(), at_risk=st.one_of(st.none(), at_risks()))
def test_fuzz_reconstruction_error(ipd, curve, at_risk):
    kind, res = outcome(
        "survival.reconstruction_error",
        lambda: survival.reconstruction_error(ipd, curve=curve, at_risk=at_risk),
        "ipd",
        "data",
        "curve",
        "at_risk",
        "time_unit",
    )
    if kind == "valid":
        assert 0 <= res.mean_abs_error <= res.max_abs_error <= 1
        assert res.n == len(ipd) and 0 <= res.events <= res.n
        assert res.at_risk_max_diff is None or (
            isinstance(res.at_risk_max_diff, int) and res.at_risk_max_diff >= 0
        )
        s = res.table["survival_rebuilt"].to_numpy(dtype=float)
        assert ((s >= 0) & (s <= 1)).all()


# --------------------------------------------------------------------------- curated trials
def _check_published_arm(a: survival.PublishedArm, trial_id: str, endpoint: str) -> None:
    assert a.trial_id == trial_id and a.endpoint == endpoint
    assert a.n is None or (isinstance(a.n, int) and a.n > 0)
    assert a.median is None or (math.isfinite(a.median) and a.median > 0)
    if a.landmarks:
        t = np.array([p[0] for p in a.landmarks])
        s = np.array([p[1] for p in a.landmarks])
        assert np.isfinite(t).all() and (t > 0).all() and (np.diff(t) > 0).all()
        assert ((s >= 0) & (s <= 1)).all() and (np.diff(s) <= 0).all()
    assert all(r >= 0 for _, r in a.at_risk)


@fuzz
@FUZZ
@given(trial_id=TRIAL_ID, endpoint=ENDPOINT)
def test_fuzz_published_arms(trial_id, endpoint):
    kind, res = outcome(
        "survival.published_arms",
        lambda: survival.published_arms(trial_id, endpoint=endpoint),
        "trial_id",
        "endpoint",
    )
    if kind == "valid":
        assert len(res) >= 1
        roles = [a.role for a in res]
        assert roles.index("control") == 0 if "control" in roles else True
        for a in res:
            _check_published_arm(a, trial_id, endpoint)


def _arm_ids(trial_id) -> list[str]:
    try:
        return [a.arm_id for a in survival.published_arms(trial_id, endpoint="OS")]
    except (ValueError, TypeError):
        return ["arm1"]


@fuzz
@FUZZ
@given(trial_id=TRIAL_ID, endpoint=ENDPOINT, data=st.data())
def test_fuzz_published_effect(trial_id, endpoint, data):
    arm = data.draw(
        mostly(st.one_of(st.none(), st.sampled_from(_arm_ids(trial_id))), st.one_of(JUNK, st.just("nope")))
    )
    kind, res = outcome(
        "survival.published_effect",
        lambda: survival.published_effect(trial_id, endpoint=endpoint, arm=arm),
        "trial_id",
        "endpoint",
        "arm",
    )
    if kind == "valid" and res is not None:
        assert math.isfinite(res.hazard_ratio) and res.hazard_ratio > 0
        if res.ci_low is not None and res.ci_high is not None:
            assert 0 < res.ci_low <= res.hazard_ratio <= res.ci_high
        assert res.p_value is None or 0 <= res.p_value <= 1
        assert res.synthetic is False
        assert arm is None or res.arm == arm


@st.composite
def arm_lists(draw):
    """Published arms of a curated trial, one perturbed with dataclasses.replace, or junk."""
    roll = draw(st.integers(0, 9))
    if roll == 0:
        return draw(JUNK)
    tid, ep = draw(st.sampled_from(READY_PAIRS))
    arms = list(survival.published_arms(tid, endpoint=ep))
    if roll == 1:
        arms[draw(st.integers(0, len(arms) - 1))] = draw(JUNK)
    elif roll == 2:
        field = draw(st.sampled_from(["median", "landmarks", "median_ci", "landmark_cis"]))
        bad = {
            "median": st.one_of(BAD_NUMBERS, TINY_HUGE),
            "landmarks": st.sampled_from([((12, 1.5),), ((math.nan, 0.5),), ((12, "x"),), "ab", 5, ((12,),)]),
            "median_ci": st.sampled_from([(None,), ("x", 2), (math.nan, math.nan), 3]),
            "landmark_cis": st.sampled_from([((0.1,),), (("x", 0.5),), 7]),
        }[field]
        i = draw(st.integers(0, len(arms) - 1))
        arms[i] = dataclasses.replace(arms[i], **{field: draw(bad)})
    elif roll == 3:
        return tuple(arms)
    return arms


@fuzz
@FUZZ
@given(arms=arm_lists())
def test_fuzz_published_points(arms):
    kind, res = outcome("survival.published_points", lambda: survival.published_points(arms), "arms")
    if kind == "valid":
        t = res["time"].to_numpy(dtype=float)
        s = res["survival"].to_numpy(dtype=float)
        assert np.isfinite(t).all() and (t > 0).all() and ((s >= 0) & (s <= 1)).all()
        assert (res.loc[res["kind"] == "median", "survival"] == 0.5).all()
        for lo_c, hi_c in (
            ("time_ci_low", "time_ci_high"),
            ("ci_low", "ci_high"),
        ):
            lo, hi = res[lo_c], res[hi_c]
            ok = lo.notna() & hi.notna()
            assert (lo[ok] <= hi[ok]).all()
            assert (lo[lo.notna()] >= 0).all()
        assert set(res["kind"]) <= {"median", "landmark"}


def test_survival_catalogue_is_possible():
    # no arguments to fuzz: the catalogue itself must describe what the other functions do
    cat = survival.survival_catalogue()
    assert not cat.duplicated(["trial_id", "endpoint"]).any()
    assert set(cat["endpoint"]) <= {"OS", "PFS", "TTUP", "RFS", "PPS"}
    assert (cat["arms"] >= 1).all()
    for tid, ep, ready in cat[["trial_id", "endpoint", "ready"]].itertuples(index=False):
        usable = [a for a in survival.published_arms(tid, endpoint=ep) if a.has_summaries and a.n]
        assert bool(usable) == ready, (tid, ep)
    cat.loc[0, "arms"] = -1  # a copy: the next caller still gets the curated table
    assert (survival.survival_catalogue()["arms"] >= 1).all()


SYN_ARGS = (
    "trial_id",
    "endpoint",
    "model",
    "censoring",
    "accrual",
    "follow_up",
    "comparator",
    "method",
    "seed",
)


@fuzz
@FUZZ
@given(
    pair=st.sampled_from(READY_PAIRS),
    kw=one_bad(
        {
            "model": st.sampled_from(survival.MODELS),
            "censoring": st.sampled_from(["auto", "at_risk", "design", "none"]),
            "accrual": st.one_of(st.none(), st.floats(0, 36)),
            "follow_up": st.one_of(st.none(), st.floats(0, 36)),
            "comparator": st.sampled_from(["summaries", "hazard_ratio"]),
            "method": st.sampled_from(survival.METHODS),
            "seed": st.integers(0, 2**32),
        },
        {
            "trial_id": TRIAL_ID,
            "endpoint": ENDPOINT,
            "model": BAD_MODEL,
            "censoring": st.sampled_from(["x", None, 0]),
            "accrual": BAD_MONTHS,
            "follow_up": BAD_MONTHS,
            "comparator": st.sampled_from(["HR", None]),
            "method": BAD_METHOD,
            "seed": BAD_SEED,
        },
    ),
)
def test_fuzz_synthesize_published(pair, kw):
    kw = {"trial_id": pair[0], "endpoint": pair[1], **kw}
    trial_id, endpoint = kw["trial_id"], kw["endpoint"]
    kind, res = outcome(
        "survival.synthesize_published",
        lambda: survival.synthesize_published(kw.pop("trial_id"), **kw),
        *SYN_ARGS,
        "n",
        "landmarks",
        "median",
    )
    if kind == "valid":
        arms = {a.arm_id: a for a in survival.published_arms(trial_id, endpoint=endpoint)}
        counts = res["arm"].value_counts()
        for arm_id in res["arm"].cat.categories:
            assert counts[arm_id] == arms[arm_id].n
        _check_arm(res, len(res))
        assert res.attrs["trial_id"] == trial_id and res.attrs["endpoint"] == endpoint


_SYNTH: dict = {}


def _synthetic_trial(tid: str, ep: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    if (tid, ep) not in _SYNTH:
        _SYNTH[(tid, ep)] = (
            survival.synthesize_published(tid, endpoint=ep),
            survival.published_points(survival.published_arms(tid, endpoint=ep)),
        )
    data, pts = _SYNTH[(tid, ep)]
    return data.copy(), pts.copy()


@st.composite
def published_tables(draw):
    """(data, published) from a curated trial, one of them perturbed."""
    tid, ep = draw(st.sampled_from(READY_PAIRS[:12]))
    data, pts = _synthetic_trial(tid, ep)
    roll = draw(st.integers(0, 11))
    if roll == 0:
        pts = draw(JUNK)
    elif roll == 1 and len(pts):
        pts = pts.drop(columns=draw(st.sampled_from(list(pts.columns))))
    elif roll == 2 and len(pts):
        col = draw(st.sampled_from(["time", "survival", "kind", "arm", "ci_low", "time_ci_high"]))
        pts[col] = pts[col].astype(object)
        pts.loc[draw(st.integers(0, len(pts) - 1)), col] = draw(
            st.one_of(BAD_NUMBERS, TINY_HUGE, st.sampled_from([None, "median ", "x", 1.5]))
        )
    elif roll == 3:
        data = draw(patient_data())
    elif roll == 4:
        pts = pts.iloc[0:0]
    return data, pts


@fuzz
@FUZZ
@given(tables=published_tables(), by=mostly(st.just("arm"), st.sampled_from([None, "nope", 3])))
def test_fuzz_compare_published(tables, by):
    data, published = tables
    kind, res = outcome(
        "survival.compare_published",
        lambda: survival.compare_published(data, published=published, by=by),
        "data",
        "published",
        "by",
        "time",
        "event",
    )
    if kind == "valid":
        assert list(res.columns)[-1] == "difference"
        for _, r in res.iterrows():
            x = r["reconstructed"]
            if r["statistic"] == "median":
                assert math.isnan(x) or x > 0 or x == 0
            else:
                assert math.isnan(x) or 0 <= x <= 100
                assert 0 <= r["published"] <= 100
            if not math.isnan(x) and math.isfinite(r["published"]):
                assert r["difference"] == pytest.approx(x - r["published"])


@fuzz
@FUZZ
@given(endpoint=ENDPOINT)
def test_fuzz_arm_catalogue(endpoint):
    kind, res = outcome("survival.arm_catalogue", lambda: survival.arm_catalogue(endpoint), "endpoint")
    if kind == "valid":
        assert (res["n"] > 0).all() and (res["landmarks"] >= 0).all()
        med = pd.to_numeric(res["median"], errors="coerce")
        assert (med.isna() | (med > 0)).all()
        assert ((res["landmarks"] > 0) | med.notna()).all()
        assert not res.duplicated(["trial_id", "arm_id"]).any()


ARM_CAT = {ep: survival.arm_catalogue(ep) for ep in ("OS", "PFS")}


@st.composite
def across_args(draw):
    ep = draw(st.sampled_from(["OS", "PFS"]))
    cat = ARM_CAT[ep]
    k = draw(st.integers(1, 3))
    rows = draw(st.lists(st.integers(0, len(cat) - 1), min_size=k, max_size=k, unique=True))
    arms = [(cat["trial_id"].iloc[i], cat["arm_id"].iloc[i]) for i in rows]
    which = draw(st.integers(0, 11))
    if which == 0:
        arms = draw(JUNK)
    elif which == 1:
        arms[0] = draw(
            st.one_of(
                JUNK, st.sampled_from([("nope", "x"), (arms[0][0], "nope"), (arms[0][0],), "ab", (1, 2)])
            )
        )
    elif which == 2:
        arms.append(arms[0])  # the same arm twice
    elif which == 3:
        ep = draw(ENDPOINT)
    elif which == 4:
        arms = tuple(arms)
    return arms, ep


@fuzz
@FUZZ
@given(
    args=across_args(),
    kw=one_bad(
        {
            "model": st.sampled_from(survival.MODELS),
            "method": st.sampled_from(survival.METHODS),
            "seed": st.just(0),
        },
        {"model": BAD_MODEL, "method": BAD_METHOD, "seed": BAD_SEED, "none": st.none()},
    ),
)
def test_fuzz_synthesize_across_trials(args, kw):
    arms, endpoint = args
    model, method, seed = kw["model"], kw["method"], kw["seed"]
    kind, res = outcome(
        "survival.synthesize_across_trials",
        lambda: survival.synthesize_across_trials(
            arms, endpoint=endpoint, model=model, method=method, seed=seed
        ),
        "arms",
        "endpoint",
        "model",
        "method",
        "seed",
        "landmarks",
        "median",
    )
    if kind == "valid":
        cat = survival.arm_catalogue(endpoint).set_index(["trial_id", "arm_id"])
        assert len(res["arm"].cat.categories) == len(arms)
        assert len(res) == sum(int(cat.loc[tuple(a), "n"]) for a in arms)
        _check_arm(res, len(res))


_FRAMES = [
    survival.synthesize_arm(n, median=m, arm=name, accrual=12, follow_up=12)
    for n, m, name in ((20, 8.0, "control"), (25, 12.0, "experimental"), (10, 5.0, "third"))
]


@st.composite
def frame_lists(draw):
    k = draw(st.integers(1, 3))
    frames = [f.copy() for f in _FRAMES[:k]]
    which = draw(st.integers(0, 13))
    i = draw(st.integers(0, k - 1))
    if which == 0:
        return draw(st.one_of(JUNK, st.just(frames[0]), st.just([])))
    if which == 1:
        frames[i] = draw(JUNK)
    elif which == 2:
        frames[i] = frames[i].drop(columns=draw(st.sampled_from(["arm", "time", "event"])))
    elif which == 3:
        col = draw(st.sampled_from(["arm", "time", "event"]))
        frames[i][col] = frames[i][col].astype(object)
        frames[i].loc[0, col] = draw(st.one_of(BAD_NUMBERS, st.sampled_from([None, math.nan, 2])))
    elif which == 4:
        frames.append(frames[0].copy())  # the same arm twice
    elif which == 5:
        return "iter", frames
    elif which == 6:
        frames[i] = frames[i].iloc[0:0]
    elif which == 7:
        frames[i].attrs = {}
    return frames


@fuzz
@FUZZ
@given(frames=frame_lists())
def test_fuzz_concat_arms(frames):
    if isinstance(frames, tuple) and len(frames) == 2 and frames[0] == "iter":
        frames, call_with = frames[1], iter(frames[1])  # a generator of frames, read once
    else:
        call_with = frames
    kind, res = outcome("survival.concat_arms", lambda: survival.concat_arms(call_with), "frames")
    if kind == "valid":
        assert len(res) == sum(len(f) for f in frames)
        assert list(res["arm"].cat.categories) == list(
            dict.fromkeys(str(a) for f in frames for a in f["arm"])
        )
        assert res.attrs["synthetic"] == all(f.attrs.get("synthetic", False) for f in frames)
        survival.km_table(res)  # the stacked table is valid input of the analysis


# --------------------------------------------------------------------------- regressions
def test_regression_absurd_medians_and_landmark_times_are_refused():
    # median 1e308: the piecewise curve was NaN at 0, the Weibull median inf
    for model in survival.MODELS:
        with pytest.raises(ValueError, match=r"^median: 1e\+308 is later than 36525"):
            survival.survival_model(1e308, model=model)
    with pytest.raises(ValueError, match=r"^landmarks\[.*finite numbers"):  # was OverflowError
        survival.survival_model(landmarks={10**400: 0.5})
    with pytest.raises(TypeError, match=r"^label: "):  # was stored as the label
        survival.survival_model(5, label=[1])


def test_regression_simulate_arm_names_seed_arm_and_at_risk():
    m = survival.survival_model(8.0)
    with pytest.raises(ValueError, match=r"^seed: "):  # was numpy's "expected non-negative integer"
        survival.simulate_arm(m, n=5, seed=-1)
    with pytest.raises(TypeError, match=r"^arm: "):  # was pandas' "Length of values (2) ..." / a NaN arm
        survival.simulate_arm(m, n=5, arm=[1, 2])
    with pytest.raises(TypeError, match=r"^arm: "):
        survival.synthesize_arm(5, median=8.0, arm=math.nan)
    with pytest.raises(TypeError, match=r"^at_risk: "):  # was "'int' object is not iterable"
        survival.simulate_arm(m, n=5, at_risk=5)
    with pytest.raises(ValueError, match=r"^accrual: 1e\+308 is later"):
        survival.simulate_arm(m, n=5, accrual=1e308, follow_up=1)


def test_regression_pseudo_patients_stay_within_the_accepted_follow_up():
    # a tail hazard near 0 (99.99 % at 12 months) gave times the analysis functions refuse
    ipd = survival.synthesize_arm(200, landmarks={12: 0.9999})
    assert ipd["time"].max() == MAX_TIME and ipd.loc[ipd["time"] == MAX_TIME, "event"].eq(0).all()
    assert any("censored there" in n for n in ipd.attrs["notes"])
    survival.km_table(ipd)


def test_regression_implied_hazard_ratio_and_consistency_are_possible():
    with pytest.raises(ValueError, match=r"^experimental_median: .*hazard ratio of 0"):  # returned 0.0
        survival.implied_hazard_ratio(5e-324, experimental_median=2.0)
    with pytest.raises(ValueError, match=r"^hazard_ratio: .*infinite median"):  # implied median was inf
        survival.hr_consistency(1.0, experimental_median=1.0, hazard_ratio=5e-324)
    for ci in ((), True, (1, 2, 3), "ab"):  # were "not enough/too many values to unpack" ...
        with pytest.raises(TypeError, match=r"^ci: "):
            survival.hr_consistency(5, experimental_median=8, hazard_ratio=0.6, ci=ci)


def test_regression_reconstruction_error_checks_the_numbers_at_risk():
    ipd = pd.DataFrame({"time": [1.0, 2, 3], "event": [1, 1, 0]})
    curve = pd.DataFrame({"time": [0, 1, 2], "survival": [1, 0.67, 0.33]})
    # were "could not convert string to float", "cannot convert float NaN to integer", "... not iterable"
    with pytest.raises(ValueError, match=r"^at_risk\.n_at_risk: row 1 is 'x', not a number"):
        survival.reconstruction_error(ipd, curve=curve, at_risk={"time": [0, 1], "n_at_risk": [3, "x"]})
    with pytest.raises(ValueError, match=r"^at_risk"):
        survival.reconstruction_error(ipd, curve=curve, at_risk={"time": [0, 1], "n_at_risk": [3, math.nan]})
    with pytest.raises(TypeError, match=r"^at_risk: "):
        survival.reconstruction_error(ipd, curve=curve, at_risk=np.int64(3))
    rep = survival.reconstruction_error(ipd, curve=curve, at_risk={0: 3, 1.5: 2})
    assert rep.at_risk_max_diff == 0


def test_regression_curated_look_ups_name_bad_trial_arm_and_endpoint():
    with pytest.raises(TypeError, match=r"^trial_id: "):  # was pandas' "Lengths must match to compare"
        survival.published_effect(None)
    with pytest.raises(ValueError, match=r"^trial_id: no curated trial 'nope'"):  # returned None
        survival.published_effect("nope")
    with pytest.raises(ValueError, match=r"^arm: trial 'tactics' has no arm 'nope'"):  # returned None
        survival.published_effect("tactics", arm="nope")
    with pytest.raises(ValueError, match=r"^endpoint: "):  # [] was "Lengths must match"; "DFS" an empty table
        survival.arm_catalogue([])
    with pytest.raises(ValueError, match=r"^endpoint: must be one of"):
        survival.arm_catalogue("DFS")


def test_regression_published_points_checks_its_arms():
    arms = list(survival.published_arms("yan2025_tace_bev"))
    with pytest.raises(TypeError, match=r"^arms: "):  # was "'NoneType' object is not iterable"
        survival.published_points(None)
    with pytest.raises(TypeError, match=r"^arms\[1\]: "):  # was AttributeError: ... no attribute 'median'
        survival.published_points([arms[0], None])
    bad = dataclasses.replace(arms[0], landmarks=((12, 1.5),))  # was a point at 150 % survival
    with pytest.raises(ValueError, match=r"^arms\[0\]\.landmarks: 1\.5 is outside 0-1"):
        survival.published_points([bad])


def test_regression_synthesize_published_checks_arguments_first():
    # were "unsupported operand type(s) for /: 'str' and 'int'" and "... for +: 'NoneType' and 'int'"
    with pytest.raises(ValueError, match=r"^accrual: must be a number"):
        survival.synthesize_published("tactics", accrual="x")
    with pytest.raises(TypeError, match=r"^seed: "):
        survival.synthesize_published("tactics", seed=None)


def test_regression_compare_published_checks_the_published_table():
    data = survival.synthesize_published("yan2025_tace_bev")
    pts = survival.published_points(survival.published_arms("yan2025_tace_bev"))
    with pytest.raises(TypeError, match=r"^published: "):  # was AttributeError: ... 'iterrows'
        survival.compare_published(data, published=None)
    with pytest.raises(ValueError, match=r"^published: missing column\(s\) arm"):  # was KeyError: 'arm'
        survival.compare_published(data, published=pts.drop(columns="arm"))
    with pytest.raises(ValueError, match=r"^published\.time: row 0 is nan"):
        survival.compare_published(data, published=pts.assign(time=math.nan))


def test_regression_synthesize_across_trials_names_the_arm():
    cat = survival.arm_catalogue("PFS")
    a = (cat["trial_id"].iloc[0], cat["arm_id"].iloc[0])
    # the same arm twice was one arm with twice its patients
    with pytest.raises(ValueError, match=r"^arms\[1\]: .* is chosen twice"):
        survival.synthesize_across_trials([a, a])
    with pytest.raises(ValueError, match=r"^arms\[0\]: trial_id: no curated trial 'nope'"):
        survival.synthesize_across_trials([("nope", "x")])
    with pytest.raises(ValueError, match=r"^arms\[0\]: expected a \(trial_id, arm_id\) pair"):
        survival.synthesize_across_trials([()])  # was "not enough values to unpack"
    with pytest.raises(TypeError, match=r"^arms: "):
        survival.synthesize_across_trials(np.int64(3))


def test_regression_concat_arms_checks_its_frames():
    f = survival.synthesize_arm(10, median=5, arm="A")
    g = survival.synthesize_arm(12, median=7, arm="B")
    with pytest.raises(ValueError, match=r"^frames\[1\]: arm 'A' is already"):  # silently merged into one arm
        survival.concat_arms([f, f])
    with pytest.raises(TypeError, match=r"^frames\[0\]: "):  # was AttributeError: ... 'columns'
        survival.concat_arms([None])
    with pytest.raises(ValueError, match=r"^frames\[1\]: data\.time: row 0 is nan"):
        survival.concat_arms([f, g.assign(time=math.nan)])
    out = survival.concat_arms(iter([f, g]))  # a generator was "No objects to concatenate"
    assert len(out) == 22 and list(out["arm"].cat.categories) == ["A", "B"]


def test_regression_median_at_a_landmark_time_is_one_point():
    # the median and a landmark at the same time (50 % up to rounding) were two knots: ZeroDivisionError
    m = survival.survival_model(47.0, landmarks={47.0: 0.49999999999999994})
    assert m.points == ((47.0, 0.49999999999999994),) and m.median == pytest.approx(47.0)
    assert len(survival.synthesize_arm(5, median=47.0, landmarks={47.0: 0.49999999999999994})) == 5
