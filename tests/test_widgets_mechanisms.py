"""hcckit.widgets.mechanisms: set a control, read view.chart.to_dict(); errors become messages."""

from __future__ import annotations

import json

import altair as alt
import ipywidgets as widgets
import pytest

from hcckit import mechanisms
from hcckit.widgets import mechanisms as panels


def _data_rows(chart):
    spec = chart.to_dict()
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def test_modality_panel_redraws_on_the_primary_control():
    panel = panels.modality_panel()
    picker = panel.controls["modality"]
    assert "hcckit-primary-control" in picker._dom_classes
    assert isinstance(panel.view, alt.JupyterChart) and "hcckit-chart" in panel.view._dom_classes
    picker.value = "TARE"
    spec = panel.view.chart.to_dict()
    assert spec["title"]["text"].startswith("TARE")
    assert "Y-90 microspheres" in json.dumps(spec["datasets"])
    assert "Hur 2023" in panel.texts["trials"].value
    assert "radioembolization" in panel.texts["details"].value.lower()
    assert panel.message.value == ""


def test_modality_panel_shows_an_error_as_a_message(monkeypatch):
    panel = panels.modality_panel()
    # the modality's chart and texts are built once per process (modality_view): break that step
    monkeypatch.setattr(
        panels, "modality_view", lambda key: (_ for _ in ()).throw(ValueError("broken scene"))
    )
    panel.controls["modality"].value = "HAIC"  # must not raise
    assert "broken scene" in panel.message.value


def test_blood_supply_panel_has_a_chart():
    panel = panels.blood_supply_panel()
    assert "Dual blood supply" in panel.view.chart.to_dict()["title"]["text"]


def test_model_panel_controls_follow_the_conventions():
    panel = panels.model_panel()
    sliders = [w for w in panel.controls.values() if isinstance(w, (widgets.IntSlider, widgets.FloatSlider))]
    assert len(sliders) == 5
    assert all(not s.continuous_update for s in sliders)
    assert "hcckit-primary-control" in panel.controls["bev_dose"]._dom_classes
    assert panel.controls["preset"].value.startswith("TACE + bevacizumab 5 mg/kg")


def test_model_panel_dose_slider_redraws_the_labelled_chart():
    panel = panels.model_panel()
    panel.controls["bev_dose"].value = 15.0
    spec = panel.view.chart.to_dict()
    assert spec["usermeta"]["hcckit_model"] is True
    rows = _data_rows(panel.view.chart)
    assert [r["dose_mg_kg"] for r in rows if r.get("panel") == "dose"] == [15.0]
    assert "Free VEGF peaks" in panel.texts["summary"].value
    assert panel.controls["preset"].value == "TACE + bevacizumab 15 mg/kg (standard IV dose, once)"
    assert panel.message.value == ""


def test_model_panel_without_bevacizumab_draws_no_reference():
    panel = panels.model_panel()
    panel.controls["bev_dose"].value = 0.0
    scenarios = {r.get("scenario") for r in _data_rows(panel.view.chart) if r.get("panel") == "run"}
    assert scenarios == {"this scenario"}


def test_model_panel_presets_set_the_sliders():
    panel = panels.model_panel()
    panel.controls["preset"].value = "TACE + bevacizumab 5 mg/kg one week later"
    assert panel.controls["bev_time"].value == 168
    assert panel.controls["bev_dose"].value == 5.0
    panel.controls["embolization"].value = 55
    assert panel.controls["preset"].value == "(custom)"


def test_model_panel_survives_a_failing_model(monkeypatch):
    panel = panels.model_panel()
    before = panel.view.chart
    monkeypatch.setattr(
        mechanisms, "simulate", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("solver exploded"))
    )
    panel.controls["chemotherapy"].value = 10  # must not raise
    assert "Unexpected problem" in panel.message.value and "solver exploded" in panel.message.value
    assert panel.view.chart is before


def test_model_panel_rejects_an_unknown_preset():
    with pytest.raises(ValueError, match="preset"):
        panels.model_panel(preset="nonsense")


@pytest.mark.parametrize(
    "view, text", [("biomarkers", "What intra-arterial"), ("sessions", "Fewer TACE sessions")]
)
def test_evidence_panel_switches_views(view, text):
    panel = panels.evidence_panel()
    assert "Tumour perfusion" in panel.view.chart.to_dict()["title"]["text"]
    panel.controls["view"].value = view
    assert text in panel.view.chart.to_dict()["title"]["text"]
    assert "hcckit-primary-control" in panel.controls["view"]._dom_classes


# --- classroom app: Panel base, Reset, presets, layout ----------------------------------------
def _svg_width(chart) -> float:
    import re

    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(chart.to_dict())
    return float(re.search(r'width="([\d.]+)"', svg).group(1))


def _buttons(panel) -> dict:
    return {b.description: b for b in panel.preset_buttons}


@pytest.mark.parametrize(
    "factory", [panels.modality_panel, panels.blood_supply_panel, panels.model_panel, panels.evidence_panel]
)
def test_every_panel_is_a_panel_with_reset_and_fits_the_projector(factory):
    from hcckit.widgets.panel import Panel

    panel = factory()
    assert isinstance(panel, Panel) and "hcckit-reset" in panel.reset_button._dom_classes
    assert panel.views["chart"] is panel.view and "hcckit-message" in panel.message._dom_classes
    assert _svg_width(panel.view.chart) <= 1150


def test_modality_panel_reset_and_presets():
    panel = panels.modality_panel()
    first = json.dumps(panel.view.chart.to_dict())
    buttons = _buttons(panel)
    buttons["Try this: HAIC vs TACE"].click()
    assert panel.state == {"modality": "HAIC"}
    assert "Li 2022" in panel.texts["trials"].value and "hcckit-table" in panel.texts["trials"].value
    buttons["Try this: TARE"].click()
    assert panel.state == {"modality": "TARE"}
    panel.reset_button.click()
    assert panel.state == {"modality": "cTACE"} and json.dumps(panel.view.chart.to_dict()) == first


def test_model_panel_reset_restores_the_first_state():
    panel = panels.model_panel()
    first_state, first_rows = panel.state, _data_rows(panel.view.chart)
    panel.controls["bev_dose"].value = 15.0
    panel.controls["embolization"].value = 55
    panel.controls["reference"].value = False
    assert panel.controls["preset"].value == "(custom)"
    panel.reset_button.click()
    assert panel.state == first_state
    assert _data_rows(panel.view.chart) == first_rows
    assert panel.message.value == ""


def test_model_panel_presets_give_each_questions_state():
    panel = panels.model_panel()
    buttons = _buttons(panel)
    assert len(buttons) == 4 and all("hcckit-preset" in b._dom_classes for b in buttons.values())
    buttons["Q1: TACE alone"].click()
    assert panel.state["preset"] == "TACE alone" and panel.state["bev_dose"] == 0.0
    buttons["Q2: 5 mg/kg right after"].click()
    assert panel.state["bev_dose"] == 5.0 and panel.state["bev_time"] == 0
    buttons["Q3: dose from 0"].click()
    assert panel.state["bev_dose"] == 0.0 and panel.state["reference"] is True
    buttons["Q4: 15 mg/kg"].click()
    assert panel.state["bev_dose"] == 15.0
    rows = _data_rows(panel.view.chart)
    assert [r["dose_mg_kg"] for r in rows if r.get("panel") == "dose"] == [15.0]
    assert panel.message.value == ""


def test_evidence_panel_reset_and_preset():
    panel = panels.evidence_panel()
    panel.controls["view"].value = "sessions"
    _buttons(panel)["Try this: Ktrans P-values"].click()
    assert panel.state == {"view": "perfusion"}
    panel.controls["view"].value = "biomarkers"
    panel.reset_button.click()
    assert "Tumour perfusion" in panel.view.chart.to_dict()["title"]["text"]


def test_panel_text_is_at_least_14px():
    import re

    for panel in (panels.modality_panel(), panels.model_panel()):
        for name, text in panel.texts.items():
            assert not re.search(r"font-size:\s*(?:[0-9]|1[0-3])px", text.value), name


# --- the model panel fits one screen: a view switch over one row of two views -----------------
_VIEW_TITLE = {
    "surge": "First week",
    "window": "normalisation window",
    "vessels": "Vessels",
    "tumour": "Tumour",
}


def _views_shown(chart) -> list[str]:
    """Which model views the chart draws, by their titles, in order."""
    titles = [json.dumps(v["title"]["text"]) for v in chart.to_dict()["concat"]]
    return [next(k for k, t in _VIEW_TITLE.items() if t in title) for title in titles]


def _svg_size(chart) -> tuple[float, float]:
    import re

    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(chart.to_dict())
    size = re.search(r'<svg[^>]*width="([\d.]+)"[^>]*height="([\d.]+)"', svg)
    return float(size.group(1)), float(size.group(2))


def test_model_panel_starts_on_one_row_that_fits_the_screen():
    panel = panels.model_panel()
    spec = panel.view.chart.to_dict(validate=True)
    assert len(spec["concat"]) == 2 and spec["columns"] == 2  # one row of two views
    assert _views_shown(panel.view.chart) == ["surge", "window"]
    assert sum(v["width"] for v in spec["concat"]) <= 620 and max(v["height"] for v in spec["concat"]) <= 170
    width, height = _svg_size(panel.view.chart)  # titles, legends, axes included
    assert width <= 1000 and height <= 360, (width, height)
    assert panel.state["view"] == "week"
    assert spec["usermeta"]["hcckit_model"] is True


def test_model_panel_controls_sit_above_the_chart_in_two_rows():
    panel = panels.model_panel()
    body = panel.children[1]  # after the toolbar: above(controls, views)
    controls, views = body.children
    assert isinstance(controls, widgets.GridBox) and len(controls.children) == 6
    assert len(controls.layout.grid_template_columns.split(") ")) == 3  # three columns: two rows
    grid = [c.children[1] for c in controls.children]
    sliders = [panel.controls[k] for k in ("bev_dose", "bev_time", "embolization", "chemotherapy", "immune")]
    assert panel.controls["preset"] in grid and all(s in grid for s in sliders)
    switch_row, chart, summary = views.children
    assert chart is panel.view and summary is panel.texts["summary"]
    assert panel.controls["view"] in switch_row.children[0].children
    assert panel.controls["reference"] in switch_row.children


@pytest.mark.parametrize(
    "value, shown", [(v, list(views)) for v, views in panels.MODEL_VIEW_CHOICES.values()]
)
def test_model_panel_view_switch_changes_the_views_not_the_model(monkeypatch, value, shown):
    panel = panels.model_panel()
    panel.controls["bev_dose"].value = 7.5

    def model_rows():  # the model's table (the surge view adds its own 48-72 h band)
        return [r for r in _data_rows(panel.view.chart) if "panel" in r]

    rows, summary = model_rows(), panel.texts["summary"].value
    calls = []
    real = mechanisms.simulate
    monkeypatch.setattr(mechanisms, "simulate", lambda *a, **k: calls.append(a) or real(*a, **k))
    panel.controls["view"].value = "days" if value == "week" else "week"
    panel.controls["view"].value = value
    assert _views_shown(panel.view.chart) == shown
    assert calls == []  # the same scenario: the view switch redraws without running the model again
    assert model_rows() == rows and panel.texts["summary"].value == summary
    assert panel.state["bev_dose"] == 7.5 and panel.message.value == ""


def test_model_panel_presets_pick_the_view_of_their_question():
    panel = panels.model_panel()
    buttons = _buttons(panel)
    expected = {
        "Q1: TACE alone": ("week", ["surge", "window"]),  # when does free VEGF peak (hours)
        "Q2: 5 mg/kg right after": ("week", ["surge", "window"]),  # which dose blunts the surge
        "Q3: dose from 0": ("dose", ["window", "tumour"]),  # the window, and hypoxia vs TACE alone
        "Q4: 15 mg/kg": ("dose", ["window", "tumour"]),  # 15 mg/kg against the window
    }
    panel.controls["view"].value = "days"
    for name in ("Q3: dose from 0", "Q1: TACE alone", "Q4: 15 mg/kg", "Q2: 5 mg/kg right after"):
        value, shown = expected[name]
        buttons[name].click()
        assert panel.state["view"] == value, name
        assert _views_shown(panel.view.chart) == shown, name
    assert panel.message.value == ""


def test_model_panel_reset_returns_to_the_first_view():
    panel = panels.model_panel()
    first = panel.view.chart.to_dict()
    _buttons(panel)["Q3: dose from 0"].click()
    assert _views_shown(panel.view.chart) == ["window", "tumour"]
    panel.controls["view"].value = "days"
    panel.reset_button.click()
    assert panel.state["view"] == "week" and _views_shown(panel.view.chart) == ["surge", "window"]
    assert panel.view.chart.to_dict() == first


def test_modality_views_are_built_once_and_equal_a_fresh_build():
    from hcckit.charts.mechanisms import modality_chart

    panels.modality_panel()  # builds every modality's view
    info = panels._modality_parts.cache_info()
    assert info.currsize >= len(mechanisms.MODALITY_KEYS)
    for key in mechanisms.MODALITY_KEYS:
        chart, details, trials = panels.modality_view(key)
        fresh = modality_chart(mechanisms.modality_scene(key))
        assert chart.to_dict() == fresh.to_dict()
        assert (details, trials) == (panels._modality_html(key), panels._trials_html(key))
    assert panels._modality_parts.cache_info().misses == info.misses  # nothing rebuilt
    with pytest.raises(ValueError, match="modality"):
        panels.modality_view("TACE-X")


def test_changing_a_returned_modality_chart_does_not_change_the_cache():
    before = panels.modality_view("TARE")[0].to_dict()
    chart = panels.modality_view("TARE")[0]
    frames = [c.data for c in [chart, *getattr(chart, "layer", [])] if hasattr(c.data, "iloc")]
    assert frames  # the modality chart carries its data as frames
    for frame in frames:
        frame.iloc[:, 0] = None
    chart.title = "changed"
    assert panels.modality_view("TARE")[0].to_dict() == before


def test_modality_panel_change_and_back_draws_the_same_chart():
    panel = panels.modality_panel()
    picker = panel.controls["modality"]
    first = panel.view.chart.to_dict()
    picker.value = "TARE"
    assert panel.view.chart.to_dict() != first
    picker.value = "cTACE"
    assert panel.view.chart.to_dict() == first
