"""hcckit.survival.analysis: Kaplan-Meier tables, medians, log-rank, Cox HR and RMST with lifelines."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from hcckit import survival

PFS = {12: 0.733, 24: 0.385, 36: 0.237}  # ChiCTR2100049829 PFS landmarks


# --- analysis -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_arms():
    c = survival.synthesize_arm(58, median=5.5, arm="tace", accrual=24, follow_up=12, seed=1)
    e = survival.synthesize_arm(58, median=8.4, arm="tace_bev", accrual=24, follow_up=12, seed=2)
    return survival.concat_arms([c, e])


def test_km_table_is_tidy(two_arms):
    km = survival.km_table(two_arms)
    assert list(km.columns) == [
        "arm", "time", "survival", "ci_low", "ci_high", "at_risk", "events", "censored", "synthetic"
    ]  # fmt: skip
    assert list(km["arm"].cat.categories) == ["tace", "tace_bev"]
    first = km.groupby("arm", observed=True).head(1)
    assert (first["time"] == 0).all() and (first["survival"] == 1).all()
    assert (km["ci_low"] <= km["survival"] + 1e-12).all() and (km["survival"] <= km["ci_high"] + 1e-12).all()
    assert km["synthetic"].all()
    assert (
        km.groupby("arm", observed=True)["events"].sum().tolist()
        == two_arms.groupby("arm", observed=True)["event"].sum().tolist()
    )


def test_at_risk_table_adds_up(two_arms):
    t = survival.at_risk_table(two_arms)
    assert (t["at_risk"] + t["events"] + t["censored"] == 58).all()
    assert t["time"].iloc[0] == 0
    assert t.groupby("arm", observed=True).size().max() <= 9


def test_median_with_ci_and_not_reached():
    m = survival.median_survival(survival.synthesize_arm(58, median=5.5, accrual=24, follow_up=12))
    assert m.reached and m.ci_low < m.median < m.ci_high
    assert "months (95% CI" in m.text
    flat = survival.synthesize_arm(40, landmarks={12: 0.8, 24: 0.7}, follow_up=24)
    nr = survival.median_survival(flat)
    assert not nr.reached and nr.text.startswith("not reached")
    assert "NR" in nr.text


def test_median_on_an_exact_half_plateau_is_its_middle():
    data = pd.DataFrame({"time": [1.0, 2.0, 3.0, 4.0], "event": [1, 1, 1, 1]})
    assert survival.median_survival(data).median == pytest.approx(2.5)


def test_landmark_survival_with_ci(two_arms):
    lm = survival.landmark_survival(two_arms, times=[6, 12, 100])
    assert list(lm.columns) == ["arm", "time", "survival", "ci_low", "ci_high", "at_risk"]
    row = lm[(lm["arm"] == "tace") & (lm["time"] == 6)].iloc[0]
    assert row["ci_low"] < row["survival"] < row["ci_high"]
    assert lm[lm["time"] == 100]["survival"].isna().all()  # after follow-up: not estimable


def test_logrank_cox_rmst(two_arms):
    from lifelines import CoxPHFitter
    from lifelines.statistics import logrank_test

    lr = survival.logrank(two_arms)
    a, b = (two_arms[two_arms["arm"] == x] for x in ("tace", "tace_bev"))
    ref = logrank_test(a["time"], b["time"], a["event"], b["event"])
    assert lr.p_value == pytest.approx(ref.p_value)
    hr = survival.hazard_ratio(two_arms, reference="tace")
    df = pd.DataFrame(
        {"time": two_arms["time"], "event": two_arms["event"], "x": (two_arms["arm"] == "tace_bev") * 1.0}
    )
    assert hr.hazard_ratio == pytest.approx(float(CoxPHFitter().fit(df, "time", "event").hazard_ratios_["x"]))
    assert hr.ci_low < hr.hazard_ratio < hr.ci_high
    flipped = survival.hazard_ratio(two_arms, reference="tace_bev")
    assert flipped.hazard_ratio == pytest.approx(1 / hr.hazard_ratio, rel=1e-4)
    diff = survival.rmst_difference(two_arms, tau=12, reference="tace")
    assert diff.difference == pytest.approx(diff.arm.rmst - diff.reference.rmst)
    assert diff.ci_low < diff.difference < diff.ci_high
    assert 0 < diff.p_value < 1


@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
def test_rmst_standard_error_against_closed_form():
    # no censoring: var(RMST estimate) = var(min(T, tau)) / n, which lifelines' return_variance gives
    from lifelines import KaplanMeierFitter
    from lifelines.utils import restricted_mean_survival_time

    arm = survival.synthesize_arm(400, median=10, method="random", seed=5)
    r = survival.rmst(arm, tau=15)
    kmf = KaplanMeierFitter().fit(arm["time"], arm["event"])
    mean, var = restricted_mean_survival_time(kmf, t=15, return_variance=True)
    assert r.rmst == pytest.approx(mean)
    assert r.se == pytest.approx(math.sqrt(var / 400), rel=0.02)


def test_compare_arms_result(two_arms):
    c = survival.compare_arms(two_arms)
    assert [m.arm for m in c.medians] == ["tace", "tace_bev"]
    assert c.annotation[0].startswith("HR ") and "log-rank" in c.annotation[1]
    t = c.table()
    assert list(t["arm"]) == ["tace", "tace_bev"] and t["rmst"].notna().all()
    html = c._repr_html_()
    assert "SYNTHETIC" in html and "hazard ratio" in html


@pytest.mark.parametrize(
    ("data", "kwargs", "match"),
    [
        (pd.DataFrame({"time": [1, 2]}), {}, r"^data: missing column 'event'"),
        (pd.DataFrame({"time": [1, -2], "event": [1, 0]}), {}, r"^data\.time: row 1"),
        (pd.DataFrame({"time": [1, 2], "event": [1, 2]}), {}, r"^data\.event: row 1"),
    ],
)
def test_analysis_bad_input(data, kwargs, match):
    with pytest.raises(ValueError, match=match):
        survival.km_table(data, **kwargs)


def test_hazard_ratio_needs_two_arms(two_arms):
    with pytest.raises(ValueError, match=r"^by: need exactly two arms"):
        survival.hazard_ratio(two_arms[two_arms["arm"] == "tace"])
    with pytest.raises(ValueError, match=r"^reference: 'sorafenib' is not an arm"):
        survival.hazard_ratio(two_arms, reference="sorafenib")


def test_median_follow_up_reverse_km():
    arm = survival.synthesize_arm(2000, median=1000, accrual=24, follow_up=12)
    assert survival.median_follow_up(arm) == pytest.approx(24.0, abs=0.2)  # 12 + 24 / 2
