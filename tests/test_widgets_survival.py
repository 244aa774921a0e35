"""Lesson 03 panels: set a control, read the chart spec (view.chart.to_dict())."""

from __future__ import annotations

import json
import re

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
    cat = panel.catalogue
    return int(cat.index[(cat["trial_id"] == trial_id) & (cat["endpoint"] == endpoint)][0])


def test_survival_panel_starts_on_the_rct(panel):
    assert panel.value["trial_id"] == "yan2025_tace_bev" and panel.value["endpoint"] == "PFS"
    spec = _spec(panel.views["chart"])
    assert _synthetic(spec) and len(spec["vconcat"]) == 2
    assert "HR " in json.dumps(spec) and "log-rank" in json.dumps(spec)
    assert _synthetic(_spec(panel.views["published_chart"]))
    assert "hcckit-primary-control" in panel.controls["trial"]._dom_classes
    assert panel.message.value == ""
    assert "0.58" in panel.views["readout"].value  # the published HR beside the synthetic one


def test_primary_control_changes_the_chart(panel):
    before = json.dumps(_spec(panel.views["chart"]))
    panel.controls["trial"].value = _option(panel, "chictr2100049829_tace_atezo_bev", "PFS")
    after = _spec(panel.views["chart"])
    assert json.dumps(after) != before
    assert "chictr2100049829_tace_atezo_bev" == panel.value["trial_id"]
    assert _synthetic(after) and panel.message.value == ""
    assert panel.controls["comparator"].disabled  # single arm: no hazard ratio to apply
    panel.controls[
        "censoring"
    ].value = "none"  # exact quantiles, no censoring: the published points come back
    table = panel.value["published_vs_reconstructed"]
    rates = table[table["unit"] == "%"]
    assert (rates["difference"].abs() <= 100 / (2 * 45) + 1e-9).all()
    assert table.loc[table["statistic"] == "median", "difference"].abs().max() < 0.5
    panel.controls["censoring"].value = "auto"


def test_follow_up_slider_moves_the_hazard_ratio_interval(panel):
    panel.controls["trial"].value = _option(panel, "yan2025_tace_bev", "PFS")
    panel.controls["censoring"].value = "design"
    panel.controls["follow_up"].value = 24
    wide = panel.value["comparisons"][0].hazard_ratio
    panel.controls["follow_up"].value = 1
    narrow_fu = panel.value["comparisons"][0].hazard_ratio
    assert (narrow_fu.ci_high - narrow_fu.ci_low) > (wide.ci_high - wide.ci_low)
    assert panel.message.value == ""


def test_comparator_from_hazard_ratio(panel):
    panel.controls["trial"].value = _option(panel, "yan2025_tace_bev", "PFS")
    panel.controls["comparator"].value = "hazard_ratio"
    assert any("published HR 0.58" in n for n in panel.value["notes"])
    panel.controls["comparator"].value = "summaries"


def test_impossible_setting_becomes_a_message(panel):
    panel.controls["trial"].value = _option(panel, "yan2025_tace_bev", "PFS")
    panel.controls["model"].value = "weibull"  # a median alone cannot fix two Weibull parameters
    assert "needs at least two published points" in panel.message.value
    panel.controls["model"].value = "piecewise"
    assert panel.message.value == ""


def test_discrepancy_is_shown(panel):
    panel.controls["censoring"].value = "auto"
    panel.controls["trial"].value = _option(panel, "chictr2200056222_debtace_tqb_anlo", "OS")
    assert "DISCREPANCY" in panel.views["readout"].value
    assert panel.controls["accrual"].disabled  # censoring comes from the printed numbers at risk


def test_median_hr_rmst_panel():
    p = panels.MedianHRRMSTPanel()
    before = json.dumps(_spec(p.views["chart"]))
    p.controls["hazard_ratio"].value = 1.0
    assert json.dumps(_spec(p.views["chart"])) != before
    assert _synthetic(_spec(p.views["chart"]))
    p.controls["median"].value = 4
    p.controls["hazard_ratio"].value = 0.5
    p.controls["delay"].value = 6
    c = p.value["comparison"]
    medians = [m.median for m in c.medians]
    assert abs(medians[1] - medians[0]) < 0.5  # the effect starts after the median...
    assert c.hazard_ratio.hazard_ratio < 0.9 and c.rmst.difference > 0  # ...but HR and RMST see it


def test_cross_trial_panel():
    p = panels.CrossTrialPanel()
    spec = _spec(p.views["chart"])
    assert _synthetic(spec)
    assert len(p.value["arms"]) >= 2
    p.controls["endpoint"].value = "OS"
    assert p.value["endpoint"] == "OS" and p.message.value == ""
    assert "Not a comparison" in p.views["banner"].value
    p.controls["arms"].value = ()
    assert "Choose at least one arm" in p.message.value


# --- classroom app: Panel base, Reset, presets, names, download, layout ------------------------
def _svg_width(chart) -> float:
    import re

    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(chart.to_dict())
    return float(re.search(r'width="([\d.]+)"', svg).group(1))


def _csv(panel):
    import base64
    import io
    import re

    import pandas as pd

    value = panel.views["download"].value
    name = re.search(r"download='([^']+)'", value).group(1)
    payload = re.search(r"base64,([A-Za-z0-9+/=]+)", value).group(1)
    return name, pd.read_csv(io.StringIO(base64.b64decode(payload).decode("utf-8")))


def _arm_values(spec: dict) -> set:
    return {row["arm"] for rows in spec.get("datasets", {}).values() for row in rows if "arm" in row}


def test_survival_panel_is_a_panel_with_reset():
    from hcckit.widgets.panel import Panel

    p = panels.SurvivalPanel()
    assert isinstance(p, Panel) and "hcckit-reset" in p.reset_button._dom_classes
    first_state, first_chart = p.state, json.dumps(_spec(p.views["chart"]))
    p.controls["trial"].value = _option(p, "chictr2100049829_tace_atezo_bev", "OS")
    p.controls["censoring"].value = "design"
    p.controls["follow_up"].value = 3
    p.controls["method"].value = "random"
    assert p.state != first_state
    p.reset_button.click()
    assert p.state == first_state
    assert json.dumps(_spec(p.views["chart"])) == first_chart
    assert p.value["trial_id"] == "yan2025_tace_bev" and p.message.value == ""


def test_survival_panel_presets_give_the_questions_states():
    p = panels.SurvivalPanel()
    buttons = {b.description: b for b in p.preset_buttons}
    assert set(buttons) == set(p.presets) and len(buttons) == 3
    assert all("hcckit-preset" in b._dom_classes for b in buttons.values())
    p.controls["trial"].value = _option(p, "emerald1", "PFS")
    buttons["Q1: control × HR"].click()
    assert p.value["trial_id"] == "yan2025_tace_bev" and p.value["endpoint"] == "PFS"
    assert p.state["comparator"] == "hazard_ratio"
    assert any("published HR 0.58" in n for n in p.value["notes"])
    buttons["Q2: 3 months' follow-up"].click()
    assert (
        p.state["censoring"] == "design"
        and p.state["follow_up"] == 3
        and p.state["comparator"] == "summaries"
    )
    assert not p.controls["follow_up"].disabled and p.value["follow_up"] == 3
    buttons["Q3: random sample"].click()
    assert (
        p.state["method"] == "random" and not p.controls["seed"].disabled and p.state["censoring"] == "auto"
    )
    assert p.message.value == ""


def test_download_is_the_pseudo_patients_shown_and_marked_synthetic():
    p = panels.SurvivalPanel()
    name, frame = _csv(p)
    assert name.startswith("SYNTHETIC_") and name.endswith(".csv")
    assert list(frame.columns)[0] == "synthetic" and frame["synthetic"].astype(bool).all()
    data = p.value["data"]
    assert len(frame) == len(data)
    assert list(frame["arm"]) == [str(a) for a in data["arm"]]
    assert list(frame["time_months"].round(9)) == list(data["time"].round(9))
    assert list(frame["event"]) == list(data["event"])
    assert set(frame["arm"]) == _arm_values(_spec(p.views["chart"]))  # the arms drawn
    p.controls["method"].value = "random"  # a new draw: the link follows
    _, again = _csv(p)
    assert list(again["time_months"].round(9)) == list(p.value["data"]["time"].round(9))
    assert (
        "Download pseudo-patients (CSV)" in p.views["download"].value
        and "hcckit-download" in p.views["download"]._dom_classes
    )


@pytest.mark.parametrize(
    "trial_id, endpoint, ids",
    [("yan2025_tace_bev", "PFS", {"tace", "tace_bev"}), ("emerald1", "PFS", {"dbt", "dt", "tace"})],
)
def test_names_not_ids_in_legend_at_risk_and_messages(trial_id, endpoint, ids):
    from hcckit import labels

    p = panels.SurvivalPanel()
    p.controls["trial"].value = _option(p, trial_id, endpoint)
    spec = _spec(p.views["chart"])
    arms = _arm_values(spec)
    assert arms == {labels.arm(trial_id, a) for a in ids}
    assert not arms & ids
    assert not _arm_values(_spec(p.views["published_chart"])) & ids
    text = (
        p.views["readout"].value
        + p.views["published_table"].value
        + json.dumps(spec["vconcat"][0].get("layer", []))
    )
    for arm_id in ids - {"tace"}:  # "tace" is also a word of the arm names
        assert not re.search(rf"(?<![\w-]){arm_id}(?![\w-])", text), arm_id
    assert all(not n.startswith(tuple(f"{a}:" for a in ids)) for n in p.value["notes"])


def test_auto_censoring_explains_why_accrual_is_ignored():
    p = panels.SurvivalPanel()
    p.controls["trial"].value = _option(p, "chictr2100049829_tace_atezo_bev", "PFS")
    assert p.controls["accrual"].disabled and p.controls["follow_up"].disabled
    assert "not used" in p.views["design_note"].value and "median follow-up" in p.views["design_note"].value
    p.controls["censoring"].value = "design"
    assert not p.controls["follow_up"].disabled and p.views["design_note"].value == ""
    before = p.value["data"]["event"].sum()
    p.controls["follow_up"].value = 1
    assert p.value["data"]["event"].sum() < before  # the slider acts


def test_median_hr_rmst_panel_reset_and_presets():
    p = panels.MedianHRRMSTPanel()
    first = p.state
    buttons = {b.description: b for b in p.preset_buttons}
    buttons["Q2: effect from 6 months"].click()
    assert p.state["median"] == 4.0 and p.state["delay"] == 6.0 and p.state["hazard_ratio"] == 0.6
    medians = [m.median for m in p.value["comparison"].medians]
    assert abs(medians[1] - medians[0]) < 0.5
    buttons["Q3: HR 1.0"].click()
    assert p.state["hazard_ratio"] == 1.0 and p.state["delay"] == 0.0
    p.reset_button.click()
    assert p.state == first
    assert _arm_values(_spec(p.views["chart"])) == {"Control", "Experimental"}


def test_cross_trial_panel_fits_one_screen():
    """Toolbar, one row of controls, then the chart; the warning sits under the chart, above the table."""
    p = panels.CrossTrialPanel()
    children = list(p.children)
    body = children[1]  # after the toolbar
    controls, chart = body.children
    assert chart is p.views["chart"]
    assert p.controls["endpoint"] in controls.children and p.controls["arms"] in controls.children[1].children
    assert len(controls.children) == 2  # endpoint and arms side by side
    assert children.index(p.views["banner"]) == 2 and children.index(p.views["table"]) == 3
    assert _spec(p.views["chart"])["height"] <= 280  # shorter than the theme's 320 px plot
    assert "Not a comparison" in p.views["banner"].value


def test_cross_trial_panel_reset_and_question_2():
    p = panels.CrossTrialPanel()
    first = p.value["arms"]
    [q2] = p.preset_buttons
    p.controls["endpoint"].value = "OS"
    q2.click()
    assert p.value["endpoint"] == "PFS"
    assert set(p.value["arms"]) == {("emerald1", "tace"), ("yan2025_tace_bev", "tace")}
    assert "EMERALD-1" in p.views["table"].value and "hcckit-table" in p.views["table"].value
    p.reset_button.click()
    assert p.value["arms"] == first and p.value["endpoint"] == "PFS" and p.message.value == ""


def test_every_chart_fits_the_projector():
    s = panels.SurvivalPanel()
    charts = []
    for trial_id in ("emerald1", "chictr2100049829_tace_atezo_bev"):
        s.controls["trial"].value = _option(s, trial_id, "PFS")
        assert (
            _svg_width(s.views["chart"].chart) <= 720
        )  # beside 260 px of controls in the 1000 px lesson column
        charts += [s.views["chart"].chart, s.views["published_chart"].chart]
    charts.append(panels.MedianHRRMSTPanel().views["chart"].chart)
    charts.append(panels.CrossTrialPanel().views["chart"].chart)
    widths = [_svg_width(c) for c in charts]
    assert max(widths) <= 1000, widths  # the lesson column at 1280 px


def test_panel_text_is_at_least_14px():
    import re

    s = panels.SurvivalPanel()
    html_views = [w.value for w in s.views.values() if hasattr(w, "value") and isinstance(w.value, str)]
    for fragment in html_views:
        assert not re.search(r"font-size:\s*(?:[0-9]|1[0-3])px", fragment), fragment[:200]


@pytest.mark.parametrize("make", [panels.SurvivalPanel, panels.MedianHRRMSTPanel, panels.CrossTrialPanel])
def test_panel_parts_only_through_controls_views_and_state(make):
    """The panel contract: no ``panel.chart``-style attributes beside ``views``/``controls``/``state``."""
    p = make()
    for old in ("chart", "published_chart", "download"):
        assert not hasattr(p, old), old
    assert "chart" in p.views and set(p.state) == set(p.controls)
    assert isinstance(p.value, dict) and p.value  # results (read-only copy)


# --------------------------------------------------------------------------- per-process cache


def _same_results(a, b) -> None:
    import pandas as pd

    for name in ("data", "published", "km", "risk", "published_vs_reconstructed", "shown"):
        x, y = getattr(a, name), getattr(b, name)
        if x is None or y is None:
            assert x is None and y is None, name
        else:
            pd.testing.assert_frame_equal(x, y, check_exact=True, obj=name)
    assert a.data.attrs == b.data.attrs
    for name in ("design", "why", "notes", "arm_names", "y_title", "annotation", "readout_html",
                 "published_table_html", "download_html"):  # fmt: skip
        assert getattr(a, name) == getattr(b, name), name
    assert [str(c) for c in a.comparisons] == [str(c) for c in b.comparisons]
    for c, d in zip(a.comparisons, b.comparisons, strict=True):
        pd.testing.assert_frame_equal(c.table(), d.table(), check_exact=True)
        assert c._repr_html_() == d._repr_html_()


def test_trial_results_are_computed_once_and_equal_a_fresh_computation():
    panel = panels.SurvivalPanel()
    settings = panel._settings()
    panels._trial_results.cache_clear()
    first = panels.trial_results(**settings)
    again = panels.trial_results(**settings)
    info = panels._trial_results.cache_info()
    assert (info.misses, info.hits) == (1, 1)
    fresh = panels._trial_results.__wrapped__(tuple(sorted(settings.items())))  # no cache
    _same_results(first, fresh)
    _same_results(again, fresh)


def test_changing_returned_results_does_not_change_the_cache():
    panel = panels.SurvivalPanel()
    settings = panel._settings()
    fresh = panels._trial_results.__wrapped__(tuple(sorted(settings.items())))
    got = panels.trial_results(**settings)
    got.data["time"] = -1.0
    got.data.attrs["notes"].append("changed")
    got.km.drop(got.km.index, inplace=True)  # every row gone
    got.shown.drop(columns="arm", inplace=True)
    panel.value["data"]["event"] = 0  # what the panel hands out is a copy too
    _same_results(panels.trial_results(**settings), fresh)


def test_trial_change_and_back_shows_what_it_showed_first(panel):
    trial = panel.controls["trial"]
    first = trial.value
    before = (json.dumps(panel.views["chart"].chart.to_dict()), panel.views["readout"].value)
    trial.value = next(v for _, v in trial.options if v != first)
    assert panel.views["readout"].value != before[1]
    trial.value = first
    assert (json.dumps(panel.views["chart"].chart.to_dict()), panel.views["readout"].value) == before
