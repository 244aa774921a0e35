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
    monkeypatch.setattr(
        mechanisms, "modality_scene", lambda key: (_ for _ in ()).throw(ValueError("broken scene"))
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
