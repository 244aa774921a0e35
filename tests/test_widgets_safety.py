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


def test_profile_panel_shows_errors_as_messages(monkeypatch, caplog):
    panel = panels.ae_profile_panel()
    monkeypatch.setattr(safety, "ae_profile", lambda **k: (_ for _ in ()).throw(ValueError("grade: bad")))
    panel.controls["grade"].value = "1-2"  # must not raise: an input error, shown, not logged
    assert "Cannot update: grade: bad" in panel.message.value
    monkeypatch.setattr(safety, "ae_profile", lambda **k: (_ for _ in ()).throw(KeyError("event")))
    with caplog.at_level("ERROR", logger="hcckit.widgets"):
        panel.controls["grade"].value = ">=3"  # must not raise: a bug, shown in one line and logged
    assert "Unexpected problem (KeyError): &#x27;event&#x27;" in panel.message.value
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)


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
    assert "No events of the class" in panel.message.value and "Immune-related" in panel.message.value


def test_two_arm_panel_trial_and_level():
    panel = panels.two_arm_panel()
    assert "hcckit-primary-control" in panel.controls["trial"]._dom_classes
    table = panel.texts["table"].value
    assert "Fisher&#x27;s exact P" in table and "P = 0.043" in table  # the paper's P, as printed
    assert "hcckit-table" in table and "TACE + IA bevacizumab" in table
    assert "yan2025" not in table and "tace_bev" not in table  # names, not ids
    panel.controls["trial"].value = "chance2201"
    assert "TACE + ICI + anti-VEGF/TKI" in panel.view.chart.to_dict()["title"]["text"]
    panel.controls["level"].value = 0.99
    assert "99 %" in panel.view.chart.to_dict()["title"]["subtitle"][0]
    assert "99 % CI" in panel.texts["table"].value


def test_two_arm_panel_rejects_a_single_arm_trial():
    with pytest.raises(ValueError, match="trial_id"):
        panels.two_arm_panel(trial_id="zhang2021_beva_tace")


def test_panels_are_lesson_panels_with_reset():
    from hcckit.widgets.panel import Panel

    for make in (panels.ae_profile_panel, panels.class_effects_panel, panels.two_arm_panel):
        panel = make()
        assert isinstance(panel, Panel)
        assert "hcckit-reset" in panel.reset_button._dom_classes
        assert "hcckit-message" in panel.message._dom_classes
        assert panel.view is panel.views["chart"]
        assert "chart" not in panel.texts


def test_profile_reset_restores_the_start():
    panel = panels.ae_profile_panel()
    start = panel.view.chart.to_dict()
    panel.controls["study"].value = "zhang2021_beva_tace"
    panel.controls["grade"].value = ">=3"
    panel.reset()
    assert panel.state == {"study": "all", "grade": "any", "event_class": "all"}
    assert panel.view.chart.to_dict() == start


def test_profile_presets_load_the_guiding_questions():
    panel = panels.ae_profile_panel()
    anlo, beva = panel.presets
    assert all("hcckit-preset" in b._dom_classes for b in panel.presets)
    anlo.click()
    assert panel.state["study"] == "chictr2200056222_debtace_tqb_anlo" and panel.state["grade"] == ">=3"
    pain = [r for r in _rows(panel.view.chart) if r["event"] == "abdominal pain"]
    assert pain and pain[0]["count"] == 0  # the answer to the guiding question: none at grade >= 3
    beva.click()
    assert "Abstract" in panel.texts["notes"].value


def test_two_arm_panel_explains_why_interval_and_tests_disagree():
    panel = panels.two_arm_panel()
    note = panel.texts["disagreement"].value
    assert "proteinuria, 4/60 vs 0/60" in note
    assert "Koopman" in note and "Pearson chi-square" in note and "Newcombe" in note
    assert "Fisher&#x27;s exact P = 0.12" in note or "Fisher's exact P = 0.12" in note
    panel.controls["trial"].value = "chance2201"
    assert panel.texts["disagreement"].value == ""  # every interval and test agree there


def test_disagreement_rule_matches_the_kit_statistics():
    comparisons = safety.two_arm_comparisons("yan2025_tace_bev")
    prot = comparisons[comparisons["event"] == "proteinuria"].iloc[0]
    assert prot["rd_ci_low_pct"] < 0 < prot["rd_ci_high_pct"] and prot["rr_ci_low"] > 1
    # the Koopman interval excludes 1 exactly when the uncorrected chi-square P is below 0.05
    assert prot["chi2_p"] < 0.05 < prot["fisher_p"]
    assert panels.disagreement_note(comparisons[comparisons["event"] != "proteinuria"]) == ""


def _plots(spec, data=None):
    """Every single plot of a (possibly concatenated) chart spec, depth first, with its data's name."""
    data = spec.get("data", {}).get("name", data)
    if "layer" in spec:
        return [dict(spec, data_name=data)]
    return [p for key in ("hconcat", "vconcat") for part in spec.get(key, []) for p in _plots(part, data)]


def test_profile_panel_lays_all_studies_out_in_two_columns():
    """All studies in one column is ~1,200 px tall: two columns so that the panel fits one screen."""
    panel = panels.ae_profile_panel()
    for grade in ("any", "1-2", ">=3"):
        panel.controls["grade"].value = grade
        spec = panel.view.chart.to_dict(validate=True)
        columns = spec["hconcat"]
        assert len(columns) == 2
        plots = _plots(spec)
        regimens = [p["title"]["text"] for p in plots]
        assert len(plots) == safety.ae_profile(grade=grade)["regimen"].nunique()  # every regimen, once
        assert all(p["title"]["fontSize"] >= 14 for p in plots)
        # the same plot width everywhere (the same % is the same length), axis only under each column
        assert len({p["width"] for p in plots}) == 1 and plots[0]["width"] >= 140
        assert sum(1 for p in plots if p["layer"][0]["encoding"]["x"]["axis"].get("labels", True)) == 2
        # a trial's arms stay in one column
        yan = [
            i for i, c in enumerate(columns) for p in _plots(c) if "Yan 2025" in " ".join(p["title"]["text"])
        ]
        assert len(set(yan)) <= 1, regimens
    panel.controls["study"].value = "zhang2021_beva_tace"  # one study: one column, as before
    assert panel.view.chart.to_dict()["facet"]["row"]["field"] == "regimen"


def test_profile_columns_are_about_equal_in_height():
    from hcckit.charts import safety as cs

    for grade in ("any", "1-2", ">=3"):
        spec = cs.ae_profile_chart(safety.ae_profile(grade=grade), columns=2).to_dict()
        # rows of each column: its events plus its heading lines
        heights = [
            sum(len(spec["datasets"][p["data_name"]]) + len(p["title"]["text"]) for p in _plots(column))
            for column in spec["hconcat"]
        ]
        assert max(heights) <= 0.6 * sum(heights), (grade, heights)


def test_profile_chart_columns_must_be_a_whole_number():
    from hcckit.charts import safety as cs

    with pytest.raises(ValueError, match="columns"):
        cs.ae_profile_chart(safety.ae_profile(grade="any"), columns=0)
