"""hcckit.widgets.safety: set a control, read view.chart.to_dict(); empty states and errors."""

from __future__ import annotations

import altair as alt
import pytest

from hcckit import safety
from hcckit.widgets import safety as panels


def _rows(chart):
    return [row for rows in chart.to_dict().get("datasets", {}).values() for row in rows]


def test_profile_panel_filters_by_study():
    panel = panels.ae_profile_panel()
    study = panel.controls["study"]
    assert "hcckit-primary-control" in study._dom_classes
    assert isinstance(panel.view, alt.JupyterChart) and "hcckit-chart" in panel.view._dom_classes
    study.value = "yan2025_tace_bev"
    rows = _rows(panel.view.chart)
    assert rows and {r["trial_id"] for r in rows} == {"yan2025_tace_bev"}
    assert panel.message.value == ""


def test_profile_panel_grade_and_class():
    panel = panels.ae_profile_panel()
    panel.controls["grade"].value = ">=3"
    assert "Grade ≥ 3" in panel.view.chart.to_dict()["title"]["text"]
    panel.controls["event_class"].value = "immune"
    assert {r["event_class"] for r in _rows(panel.view.chart)} == {"immune"}


def test_profile_panel_friendly_empty_state():
    panel = panels.ae_profile_panel()
    panel.controls["study"].value = "chance2201"  # only grade >= 3 totals were curated
    spec = panel.view.chart.to_dict()
    assert spec["mark"]["type"] == "text"
    assert "No adverse events reported at any grade in CHANCE2201" in panel.message.value
    assert "hcckit-info" in panel.message.value
    panel.controls["grade"].value = ">=3"
    assert panel.message.value == ""
    assert panel.view.chart.to_dict()["facet"]["row"]["field"] == "regimen"


def test_profile_panel_notes_quote_other_reports():
    panel = panels.ae_profile_panel(study="zhang2021_beva_tace", grade=">=3")
    assert "Abstract" in panel.texts["notes"].value


def test_profile_panel_shows_errors_as_messages(monkeypatch):
    panel = panels.ae_profile_panel()
    monkeypatch.setattr(safety, "ae_profile", lambda **k: (_ for _ in ()).throw(KeyError("event")))
    panel.controls["grade"].value = "1-2"  # must not raise
    assert "Cannot update" in panel.message.value


def test_class_effects_panel():
    panel = panels.class_effects_panel()
    assert "hcckit-primary-control" in panel.controls["event_class"]._dom_classes
    panel.controls["event_class"].value = "TKI"
    assert "TKI" in panel.view.chart.to_dict()["title"]["text"]
    assert "hand-foot syndrome" in panel.texts["explain"].value


def test_class_effects_panel_empty_state(monkeypatch):
    panel = panels.class_effects_panel()
    real = safety.class_effects
    monkeypatch.setattr(safety, "class_effects", lambda cls, grade="any": real(cls, grade=grade).iloc[0:0])
    panel.controls["event_class"].value = "immune"
    assert panel.view.chart.to_dict()["mark"]["type"] == "text"
    assert "No immune events" in panel.message.value


def test_two_arm_panel_trial_and_level():
    panel = panels.two_arm_panel()
    assert "hcckit-primary-control" in panel.controls["trial"]._dom_classes
    assert "Fisher p" in panel.texts["table"].value and "P = 0.043" in panel.texts["table"].value
    panel.controls["trial"].value = "chance2201"
    assert "TACE + ICI + anti-VEGF/TKI" in panel.view.chart.to_dict()["title"]["text"]
    panel.controls["level"].value = 0.99
    assert "99 %" in panel.view.chart.to_dict()["title"]["subtitle"][0]
    assert "99 % CI" in panel.texts["table"].value


def test_two_arm_panel_rejects_a_single_arm_trial():
    with pytest.raises(ValueError, match="trial_id"):
        panels.two_arm_panel(trial_id="zhang2021_beva_tace")
