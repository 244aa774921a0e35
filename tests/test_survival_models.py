"""hcckit.survival.models: generating models, pseudo-patients, their bad input, numbers at risk vs published points."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hcckit import survival

PFS = {12: 0.733, 24: 0.385, 36: 0.237}  # ChiCTR2100049829 PFS landmarks


# --- generating models ------------------------------------------------------------------


def test_piecewise_passes_through_every_point():
    m = survival.survival_model(17.9, landmarks=PFS)
    for t, s in PFS.items():
        assert float(m.survival(t)) == pytest.approx(s, abs=1e-12)
    assert m.median == pytest.approx(17.9, abs=1e-9)
    assert (m.residuals()["difference"].abs() < 1e-12).all()
    assert float(m.survival(0)) == 1.0
    assert float(m.survival(48)) < 0.237  # the last hazard continues


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0.5, 60), min_size=1, max_size=5, unique=True),
    st.lists(st.floats(0.02, 0.999), min_size=5, max_size=5),
)
def test_piecewise_exact_for_any_valid_landmarks(times, rates):
    times = sorted(times)
    rates = sorted(rates, reverse=True)[: len(times)]
    landmarks = dict(zip(times, rates, strict=True))
    m = survival.survival_model(landmarks=landmarks)
    for t, s in landmarks.items():
        assert float(m.survival(t)) == pytest.approx(s, rel=1e-9)
        # where two landmarks carry (nearly) the same rate the curve is flat between them and the
        # quantile may be either time (e.g. 0.020000000000000004 and 0.02, found by hypothesis)
        tied = sum(math.isclose(r, s, rel_tol=1e-9) for r in rates[: len(times)]) > 1
        assert float(m.quantile(s)) == pytest.approx(t, rel=1e-6) or tied


def test_weibull_and_exponential():
    w = survival.survival_model(17.9, landmarks=PFS, model="weibull")
    assert w.kind == "weibull" and w.shape > 1
    assert w.residuals()["difference"].abs().max() < 0.06  # smooth: close, not exact
    e = survival.survival_model(5.5, model="exponential")
    assert e.rate == pytest.approx(math.log(2) / 5.5)
    assert e.median == pytest.approx(5.5)
    fitted = survival.survival_model(landmarks={12: 0.5, 24: 0.25}, model="exponential")
    assert fitted.median == pytest.approx(12.0, rel=1e-6)


def test_with_hazard_ratio_is_proportional_hazards():
    control = survival.survival_model(5.5, model="exponential")
    exp = control.with_hazard_ratio(0.58)
    t = np.array([1.0, 5.0, 20.0])
    assert np.allclose(exp.cumulative_hazard(t), 0.58 * control.cumulative_hazard(t))
    assert exp.median == pytest.approx(5.5 / 0.58)
    delayed = control.with_hazard_ratio(0.5, after=6)
    assert float(delayed.survival(6)) == pytest.approx(float(control.survival(6)))
    assert float(delayed.survival(12)) > float(control.survival(12))
    assert float(delayed.quantile(float(delayed.survival(10.0)))) == pytest.approx(10.0)
    with pytest.raises(ValueError, match="^hazard_ratio: this model already"):
        exp.with_hazard_ratio(0.9)


def test_model_rmst_matches_closed_form():
    m = survival.survival_model(10, model="exponential")
    lam = math.log(2) / 10
    assert m.rmst(24) == pytest.approx((1 - math.exp(-lam * 24)) / lam, rel=1e-5)


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"landmarks": {12: 73.3}}, r"^landmarks\[12\]: survival 73.3 is above 100 % - .*0.733"),
        ({"landmarks": {12: 1.2}}, r"^landmarks\[12\]: survival 1.2 is above 100 %"),
        ({"landmarks": {12: 0.4, 24: 0.5}}, r"^landmarks: survival increases over time"),
        ({"landmarks": {12: -0.1}}, r"^landmarks\[12\]: survival -0.1 is negative"),
        ({"landmarks": {0: 0.9}}, r"^landmarks: time 0 months must be a positive number"),
        ({"landmarks": {12: 0.0}}, r"^landmarks\[12\]: survival 0 cannot be reached"),
        ({"median": -3}, r"^median: must be a finite number > 0"),
        ({"median": "long"}, r"^median: must be a number"),
        ({}, r"^median/landmarks: give a published median"),
        (
            {"median": 30, "landmarks": PFS},
            r"^median and landmarks contradict each other: median 30 months is outside",
        ),
        ({"median": 10, "landmarks": PFS}, r"^median and landmarks contradict each other: median 10 months"),
        (
            {"median": 12, "landmarks": PFS},
            r"^median and landmarks contradict each other: a median of 12 months",
        ),
        ({"median": 40, "landmarks": PFS}, r"^median and landmarks contradict"),
        ({"median": 5, "model": "cox"}, r"^model: must be one of 'piecewise', 'weibull', 'exponential'"),
        ({"median": 5, "model": "weibull"}, r"^model: 'weibull' needs at least two published points"),
        ({"landmarks": {3: 1.0}}, r"^landmarks: survival never falls below 100 %"),
    ],
)
def test_bad_summaries_raise_naming_the_field(kwargs, match):
    with pytest.raises(ValueError, match=match):
        survival.survival_model(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": 0, "median": 5}, r"^n: must be a positive whole number"),
        ({"n": 10.5, "median": 5}, r"^n: must be a positive whole number"),
        ({"n": 10, "median": 5, "hazard_ratio": 0}, r"^hazard_ratio: must be a finite number > 0"),
        ({"n": 10, "median": 5, "hazard_ratio": -0.5}, r"^hazard_ratio: must be a finite number > 0"),
        ({"n": 10, "median": 5, "accrual": -1}, r"^accrual: must be a finite number >= 0"),
        (
            {"n": 10, "median": 5, "follow_up": 0, "accrual": 0},
            r"^follow_up: accrual \+ follow_up must be > 0",
        ),
        ({"n": 10, "median": 5, "method": "lhs"}, r"^method: must be one of 'quantile', 'random'"),
        (
            {"n": 10, "median": 5, "at_risk": {0: 10, 5: 6, 10: 7}},
            r"^at_risk\.n_at_risk: numbers at risk increase",
        ),
        ({"n": 10, "median": 5, "at_risk": {0: 10, 5: 6}, "follow_up": 3}, r"^at_risk: give either"),
    ],
)
def test_bad_arm_input_raises_naming_the_field(kwargs, match):
    with pytest.raises(ValueError, match=match):
        survival.synthesize_arm(**kwargs)


def test_at_risk_that_contradicts_survival_is_reported():
    with pytest.raises(
        ValueError, match=r"^at_risk: 25 patients at risk at 12 months, .* contradict each other"
    ):
        survival.synthesize_arm(30, median=5.5, at_risk={0: 30, 12: 25})


def test_hr_consistency_rejects_hr_outside_its_ci():
    with pytest.raises(ValueError, match=r"^ci: the hazard ratio 0.58 is outside"):
        survival.hr_consistency(5.5, experimental_median=8.4, hazard_ratio=0.58, ci=(0.6, 0.9))
    with pytest.raises(ValueError, match=r"^hazard_ratio:"):
        survival.hr_consistency(5.5, experimental_median=8.4, hazard_ratio=0)


# --- pseudo-patients ------------------------------------------------------------------------


def test_synthesize_arm_output_and_reproducibility():
    a = survival.synthesize_arm(45, median=17.9, landmarks=PFS, accrual=12, follow_up=21, seed=3)
    b = survival.synthesize_arm(45, median=17.9, landmarks=PFS, accrual=12, follow_up=21, seed=3)
    assert list(a.columns) == ["time", "event", "synthetic"]
    assert len(a) == 45 and a["synthetic"].all()
    assert set(a["event"]) <= {0, 1}
    assert a["time"].between(0, 33).all()
    pd.testing.assert_frame_equal(a, b)
    c = survival.synthesize_arm(
        45, median=17.9, landmarks=PFS, accrual=12, follow_up=21, seed=4, method="random"
    )
    assert not a["time"].equals(c["time"])
    assert survival.synthesize_arm(5, median=2, arm="x")["arm"].eq("x").all()


def test_quantile_draw_reproduces_landmarks_for_small_n():
    arm = survival.synthesize_arm(45, median=17.9, landmarks=PFS)
    lm = survival.landmark_survival(arm, times=list(PFS))
    assert np.allclose(lm["survival"], list(PFS.values()), atol=1 / (2 * 45) + 1e-9)


@pytest.mark.parametrize("method", ["quantile", "random"])
def test_large_n_reproduces_landmarks_and_median(method):
    n = 40_000
    arm = survival.synthesize_arm(
        n, median=17.9, landmarks=PFS, accrual=24, follow_up=30, method=method, seed=2
    )
    lm = survival.landmark_survival(arm, times=list(PFS))
    tol = 1e-4 if method == "quantile" else 0.012
    assert np.allclose(lm["survival"], list(PFS.values()), atol=tol + (0.006 if method == "quantile" else 0))
    assert survival.median_survival(arm).median == pytest.approx(17.9, abs=0.1)


def test_quantile_draw_without_censoring_is_exact():
    arm = survival.synthesize_arm(10_000, median=17.9, landmarks=PFS)
    lm = survival.landmark_survival(arm, times=list(PFS))
    assert np.allclose(lm["survival"], list(PFS.values()), atol=1 / 20_000 + 1e-12)
    assert survival.median_survival(arm).median == pytest.approx(17.9, abs=0.01)


def test_comparator_from_hazard_ratio():
    control = survival.synthesize_arm(20_000, median=5.5, arm="tace", accrual=24, follow_up=12, seed=1)
    experimental = survival.synthesize_arm(
        20_000, median=5.5, hazard_ratio=0.58, arm="tace_bev", accrual=24, follow_up=12, seed=2
    )
    data = survival.concat_arms([control, experimental])
    hr = survival.hazard_ratio(data)
    assert hr.arm == "tace_bev" and hr.reference == "tace"
    assert hr.hazard_ratio == pytest.approx(0.58, abs=0.02)
    assert survival.median_survival(experimental).median == pytest.approx(5.5 / 0.58, abs=0.15)


def test_censoring_from_numbers_at_risk():
    risk = {0: 1000, 6: 600, 12: 300, 18: 100}
    arm = survival.synthesize_arm(1000, median=20, at_risk=risk, method="quantile", seed=0)
    table = survival.at_risk_table(arm, times=list(risk))
    assert np.allclose(table["at_risk"], list(risk.values()), atol=15)
    # the published median (20 months) lies after the last at-risk column (18): censoring goes on
    # at the table's rate up to it and everyone still followed is censored there (issue 13, item 11)
    assert arm["time"].max() == pytest.approx(20)
    assert any("table ends at 18 months" in n for n in arm.attrs["notes"])


def test_implied_hazard_ratio_and_consistency():
    assert survival.implied_hazard_ratio(5.5, experimental_median=8.4) == pytest.approx(0.6548, abs=1e-4)
    r = survival.hr_consistency(5.5, experimental_median=8.4, hazard_ratio=0.58, ci=(0.37, 0.91))
    assert r.within_ci is True
    assert r.implied_experimental_median == pytest.approx(9.48, abs=0.01)
    assert "0.65" in r.message and "0.58" in r.message
    assert "<table" in r._repr_html_()
    assert (
        survival.hr_consistency(5.5, experimental_median=8.4, hazard_ratio=0.9, ci=(0.8, 1.1)).within_ci
        is False
    )


# --- issue 13, items 10, 11, 13: numbers at risk against published points --------------------


def _real(name: str) -> pd.DataFrame:
    """A lifelines data set as (time, event); the real patients, in that data set's time unit."""
    from lifelines import datasets

    if name == "rossi_fin0":
        d = datasets.load_rossi().query("fin == 0")
        return pd.DataFrame({"time": d["week"], "event": d["arrest"]})
    if name == "rossi_fin1":
        d = datasets.load_rossi().query("fin == 1")
        return pd.DataFrame({"time": d["week"], "event": d["arrest"]})
    if name == "kidney_male":
        d = datasets.load_kidney_transplant()
        d = d[(d["black_male"] == 1) | (d["white_male"] == 1)]
        return pd.DataFrame({"time": d["time"], "event": d["death"]})
    if name == "gbsg2":
        d = datasets.load_gbsg2()
        return pd.DataFrame({"time": d["time"], "event": d["cens"]})
    if name == "lung":
        d = datasets.load_lung().dropna(subset=["time", "status"])
        return pd.DataFrame({"time": d["time"], "event": d["status"]})
    if name == "waltons":
        d = datasets.load_waltons()
        return pd.DataFrame({"time": d["T"], "event": d["E"]})
    raise KeyError(name)


def _published_summaries(data: pd.DataFrame):
    """What a paper would print: KM rates (3 decimals) at 3 times and an 8-column at-risk table."""
    km = survival.km_steps(data)
    t_max = float(data["time"].max())
    times = [round(t_max * f) for f in (0.25, 0.5, 0.85)]
    sf = km.set_index("time")["survival"]
    rates = {t: round(float(sf[sf.index <= t].iloc[-1]), 3) for t in times}  # KM step value at t
    step = max(round(t_max / 8), 1)
    table = survival.at_risk_table(data, times=list(range(0, int(t_max), step)))
    return rates, table


def test_rossi_at_risk_table_agrees_with_its_landmarks():
    # the reported case: rossi (fin = 0), at-risk table every 4 weeks from the real data
    data = _real("rossi_fin0")
    table = survival.at_risk_table(data, times=range(0, 53, 4))
    arm = survival.synthesize_arm(216, landmarks={12: 0.954, 26: 0.852, 52: 0.694}, at_risk=table)
    got = survival.landmark_survival(arm, times=[12, 26, 52])["survival"].to_numpy()
    assert np.allclose(got, [0.954, 0.852, 0.694], atol=0.01)
    # the model curve between the points leaves fewer alive than the table: said, not raised
    assert any("interpolated between the published points" in n for n in arm.attrs["notes"])


@pytest.mark.parametrize("name", ["rossi_fin0", "rossi_fin1", "kidney_male", "gbsg2", "lung", "waltons"])
def test_summaries_from_real_data_are_never_called_contradictory(name):
    data = _real(name)
    rates, table = _published_summaries(data)
    for model in ("piecewise", "weibull"):
        arm = survival.synthesize_arm(len(data), landmarks=rates, at_risk=table, model=model)
        assert len(arm) == len(data)


def test_truly_contradictory_numbers_at_risk_still_raise():
    data = _real("rossi_fin0")
    table = survival.at_risk_table(data, times=range(0, 53, 4))
    # 206 at risk at 12 weeks, survival 95.4 % at 12 and 85.2 % at 26: at 28 weeks at most
    # 206 x 0.857 / 0.949 = 186 can be at risk (the real table has 182); 190 is impossible
    table.loc[table["time"] == 28, "at_risk"] = 190
    with pytest.raises(ValueError, match="190 patients at risk at 28 weeks.*contradict"):
        survival.synthesize_arm(
            216, landmarks={12: 0.954, 26: 0.852, 52: 0.694}, at_risk=table, time_unit="weeks"
        )
    # simplest case: half have died by 6 months, 60 of 100 cannot be at risk at 12
    with pytest.raises(ValueError, match="at most 50.5"):
        survival.synthesize_arm(100, landmarks={6: 0.5}, at_risk={0: 100, 12: 60})


def test_published_points_after_the_last_at_risk_column_are_used():
    arm = survival.synthesize_arm(
        200, median=20, landmarks={12: 0.66, 24: 0.44}, at_risk={0: 200, 6: 158, 12: 125, 18: 90}
    )
    assert survival.median_survival(arm).median == pytest.approx(20, abs=0.5)
    s24 = survival.landmark_survival(arm, times=[24])["survival"].iloc[0]
    assert s24 == pytest.approx(0.44, abs=0.02)
    table = survival.at_risk_table(arm, times=[0, 6, 12, 18])
    assert np.allclose(table["at_risk"], [200, 158, 125, 90], atol=2)
    note = " ".join(arm.attrs["notes"])
    assert "table ends at 18 months" in note and "24 months" in note


def test_no_censoring_is_said():
    arm = survival.synthesize_arm(45, median=17.9)
    assert any("no censoring assumed" in n for n in arm.attrs["notes"])
    censored = survival.synthesize_arm(45, median=17.9, accrual=24, follow_up=15)
    assert not any("no censoring assumed" in n for n in censored.attrs["notes"])


def test_messages_use_the_callers_time_unit():
    with pytest.raises(ValueError, match="time 12 weeks is given twice"):
        survival.survival_model(landmarks=[(12, 0.9), (12, 0.8)], time_unit="weeks")
    with pytest.raises(ValueError, match=r"at 4 weeks to 12 at 8 weeks"):
        survival.synthesize_arm(20, median=10, at_risk={0: 20, 4: 10, 8: 12}, time_unit="weeks")
    with pytest.raises(ValueError, match="time_unit"):
        survival.synthesize_arm(20, median=10, time_unit="")
