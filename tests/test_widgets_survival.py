"""Lesson 03 panels: set a control, read the chart spec (view.chart.to_dict())."""

from __future__ import annotations

import json

import pytest

from hcckit.widgets import survival as panels


def _spec(view) -> dict:
    return view.chart.to_dict()


def _synthetic(spec: dict) -> bool:
    return spec.get("usermeta", {}).get("hcckit_synthetic") is True


@pytest.fixture(scope="module")
def panel():
    return panels.SurvivalPanel()


def _option(panel, trial_id, endpoint):
    cat = panel._catalogue
    return int(cat.index[(cat["trial_id"] == trial_id) & (cat["endpoint"] == endpoint)][0])


def test_survival_panel_starts_on_the_rct(panel):
    assert panel.value["trial_id"] == "yan2025_tace_bev" and panel.value["endpoint"] == "PFS"
    spec = _spec(panel.chart)
    assert _synthetic(spec) and len(spec["vconcat"]) == 2
    assert "HR " in json.dumps(spec) and "log-rank" in json.dumps(spec)
    assert _synthetic(_spec(panel.published_chart))
    assert "hcckit-primary-control" in panel._trial._dom_classes
    assert panel._message.value == ""
    assert "0.58" in panel._readout.value  # the published HR beside the synthetic one


def test_primary_control_changes_the_chart(panel):
    before = json.dumps(_spec(panel.chart))
    panel._trial.value = _option(panel, "chictr2100049829_tace_atezo_bev", "PFS")
    after = _spec(panel.chart)
    assert json.dumps(after) != before
    assert "chictr2100049829_tace_atezo_bev" == panel.value["trial_id"]
    assert _synthetic(after) and panel._message.value == ""
    assert panel._comparator.disabled  # single arm: no hazard ratio to apply
    panel._censoring.value = "none"  # exact quantiles, no censoring: the published points come back
    table = panel.value["published_vs_reconstructed"]
    rates = table[table["unit"] == "%"]
    assert (rates["difference"].abs() <= 100 / (2 * 45) + 1e-9).all()
    assert table.loc[table["statistic"] == "median", "difference"].abs().max() < 0.5
    panel._censoring.value = "auto"


def test_follow_up_slider_moves_the_hazard_ratio_interval(panel):
    panel._trial.value = _option(panel, "yan2025_tace_bev", "PFS")
    panel._censoring.value = "design"
    panel._follow_up.value = 24
    wide = panel.value["comparisons"][0].hazard_ratio
    panel._follow_up.value = 1
    narrow_fu = panel.value["comparisons"][0].hazard_ratio
    assert (narrow_fu.ci_upper - narrow_fu.ci_lower) > (wide.ci_upper - wide.ci_lower)
    assert panel._message.value == ""


def test_comparator_from_hazard_ratio(panel):
    panel._trial.value = _option(panel, "yan2025_tace_bev", "PFS")
    panel._comparator.value = "hazard_ratio"
    assert any("published HR 0.58" in n for n in panel.value["notes"])
    panel._comparator.value = "summaries"


def test_impossible_setting_becomes_a_message(panel):
    panel._trial.value = _option(panel, "yan2025_tace_bev", "PFS")
    panel._model.value = "weibull"  # a median alone cannot fix two Weibull parameters
    assert "needs at least two published points" in panel._message.value
    panel._model.value = "piecewise"
    assert panel._message.value == ""


def test_discrepancy_is_shown(panel):
    panel._censoring.value = "auto"
    panel._trial.value = _option(panel, "chictr2200056222_debtace_tqb_anlo", "OS")
    assert "DISCREPANCY" in panel._readout.value
    assert panel._accrual.disabled  # censoring comes from the printed numbers at risk


def test_median_hr_rmst_panel():
    p = panels.MedianHRRMSTPanel()
    before = json.dumps(_spec(p.chart))
    p._hr.value = 1.0
    assert json.dumps(_spec(p.chart)) != before
    assert _synthetic(_spec(p.chart))
    p._median.value = 4
    p._hr.value = 0.5
    p._delay.value = 6
    c = p.value["comparison"]
    medians = [m.median for m in c.medians]
    assert abs(medians[1] - medians[0]) < 0.5  # the effect starts after the median...
    assert c.hazard_ratio.hazard_ratio < 0.9 and c.rmst.difference > 0  # ...but HR and RMST see it


def test_cross_trial_panel():
    p = panels.CrossTrialPanel()
    spec = _spec(p.chart)
    assert _synthetic(spec)
    assert len(p.value["arms"]) >= 2
    p._endpoint.value = "OS"
    assert p.value["endpoint"] == "OS" and p._message.value == ""
    assert "Not a comparison" in p._banner.value
    p._arms.value = ()
    assert "Choose at least one arm" in p._message.value
