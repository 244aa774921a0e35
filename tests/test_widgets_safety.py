"""hcckit.widgets.safety: set a control, read view.chart.to_dict(); empty states and errors."""

from __future__ import annotations

import altair as alt
import pytest

from hcckit import safety
from hcckit.widgets import safety as panels


def _rows(chart):
    return [row for rows in chart.to_dict().get("datasets", {}).values() for row in rows]


def _param(chart, name: str):
    """The starting value of the chart's param ``name`` (what its bound input shows), or None."""
    return {p["name"]: p.get("value") for p in chart.to_dict().get("params", [])}.get(name)


def _shown(panel, name: str = "study"):
    """The rows the browser draws: the chart carries every study, its bound input (the param's value,
    ``view.params``) keeps one (or all)."""
    chart = panel.view.chart
    value = getattr(panel.view.params, name, None)
    rows = [r for r in _rows(chart) if "trial_id" in r and "message" not in r]
    return rows if value in (None, "all") else [r for r in rows if r["trial_id"] == value]


def test_profile_panel_filters_by_study():
    panel = panels.ae_profile_panel()
    study = panel.controls["study"]
    # the study is chosen in the chart (a select bound to its param "study"): the chart view is primary
    assert "hcckit-primary-control" in panel.view._dom_classes
    assert isinstance(panel.view, alt.JupyterChart) and "hcckit-chart" in panel.view._dom_classes
    chart = panel.view.chart
    spec = chart.to_dict(validate=True)
    (param,) = spec["params"]
    assert param["name"] == "study" and param["value"] == "all" and param["bind"]["input"] == "select"
    assert param["bind"]["labels"][0] == "All studies" and "Yan 2025 (RCT)" in param["bind"]["labels"]
    study.value = "yan2025_tace_bev"  # as a preset would: the chart's input moves, the kernel does not redraw
    assert panel.view.params.study == "yan2025_tace_bev" and panel.view.chart is chart
    panel.view._params = {"study": "zhang2021_beva_tace"}  # what the chart's bound select sends
    assert panel.state["study"] == "zhang2021_beva_tace" and panel.view.chart is chart
    assert "Abstract" not in panel.texts["notes"].value or panel.texts["notes"].value
    panel.controls["grade"].value = ">=3"  # a kernel control: redrawn at the chosen study
    rows = _shown(panel)
    assert rows and {r["trial_id"] for r in rows} == {"zhang2021_beva_tace"}
    assert {r["trial_id"] for r in _rows(panel.view.chart) if "trial_id" in r} > {"zhang2021_beva_tace"}
    assert "Abstract" in panel.texts["notes"].value  # the notes follow the study chosen in the chart
    assert panel.message.value == ""


def test_profile_panel_grade_and_class():
    panel = panels.ae_profile_panel()
    panel.controls["grade"].value = ">=3"
    assert "Grade ≥ 3" in panel.view.chart.to_dict()["title"]["text"]
    panel.controls["event_class"].value = "immune"
    assert {r["event_class"] for r in _shown(panel)} == {"immune"}


def test_profile_panel_friendly_empty_state():
    panel = panels.ae_profile_panel()
    panel.controls["study"].value = "chance2201"  # only grade >= 3 totals were curated
    assert _shown(panel) == []  # the chart says so itself, and keeps its study input
    assert "No adverse events match these filters in CHANCE2201" in str(panel.view.chart.to_dict())
    assert "No adverse events reported at any grade in CHANCE2201" in panel.message.value
    assert "hcckit-info" in panel.message.value
    panel.controls["grade"].value = ">=3"
    assert panel.message.value == ""
    assert {r["trial_id"] for r in _shown(panel)} == {"chance2201"}
    panel.controls["event_class"].value = "other"  # nothing in any study: the empty state
    if not _rows(panel.view.chart):
        assert panel.view.chart.to_dict()["mark"]["type"] == "text"


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
    # the class is chosen in the chart (radio buttons bound to its param "event_class")
    assert "hcckit-primary-control" in panel.view._dom_classes
    spec = panel.view.chart.to_dict(validate=True)
    (param,) = spec["params"]
    assert param["name"] == "event_class" and param["bind"]["input"] == "radio"
    assert param["bind"]["labels"] == [
        "Anti-VEGF effects",
        "TKI effects",
        "Immune-related",
        "Embolization-related",
    ]
    chart = panel.view.chart
    panel.view._params = {"event_class": "TKI"}  # what the chart's bound radio buttons send
    assert panel.state["event_class"] == "TKI" and panel.view.chart is chart
    assert "hand-foot syndrome" in panel.texts["explain"].value
    assert "TKI" in spec["title"]["text"]["expr"]
    panel.controls["grade"].value = ">=3"  # a kernel control: redrawn at the chosen class
    assert _param(panel.view.chart, "event_class") == "TKI"
    assert {r["event_class"] for r in _rows(panel.view.chart) if "regimen" in r} == {
        "anti-VEGF",
        "TKI",
        "immune",
        "embolization",
    }


def test_class_effects_panel_empty_state(monkeypatch):
    panel = panels.class_effects_panel()
    real = safety.class_effects
    monkeypatch.setattr(safety, "class_effects", lambda cls, grade="any": real(cls, grade=grade).iloc[0:0])
    panel.controls["event_class"].value = "immune"
    panel.controls["grade"].value = ">=3"
    assert panel.view.chart.to_dict()["mark"]["type"] == "text"
    assert "No events of the class" in panel.message.value and "Immune-related" in panel.message.value


def test_class_effects_chart_says_when_a_class_has_no_row():
    from hcckit.charts import safety as cs

    effects = safety.class_effects("TKI", grade="any")
    classes = [("TKI effects", "TKI"), ("Immune-related", "immune")]
    spec = cs.class_effects_chart(effects, event_class="immune", classes=classes).to_dict(validate=True)
    assert "No Immune-related events reported at this grade" in str(spec["datasets"])
    assert spec["vconcat"][0]["transform"][0]["filter"] == "datum.event_class == event_class"


def test_two_arm_panel_trial_and_level():
    panel = panels.two_arm_panel()
    # the trial is chosen in the chart (a select bound to its param "trial"): the chart view is primary
    assert "hcckit-primary-control" in panel.view._dom_classes
    assert _param(panel.view.chart, "trial") == "yan2025_tace_bev"
    table = panel.texts["table"].value
    assert "Fisher&#x27;s exact P" in table and "P = 0.043" in table  # the paper's P, as printed
    assert "hcckit-table" in table and "TACE + IA bevacizumab" in table
    assert "yan2025" not in table and "tace_bev" not in table  # names, not ids
    chart = panel.view.chart
    panel.view._params = {"trial": "chance2201"}  # what the chart's bound select sends
    assert panel.state["trial"] == "chance2201" and panel.view.chart is chart
    assert "CHANCE2201" in panel.texts["table"].value and "P = 0.043" not in panel.texts["table"].value
    assert "TACE + ICI + anti-VEGF/TKI" in panel.view.chart.to_dict()["title"]["text"]["expr"]
    panel.controls["level"].value = 0.99
    assert _param(panel.view.chart, "trial") == "chance2201"
    assert {r["trial_id"] for r in _shown(panel, "trial")} == {"chance2201"}
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


def _plots(spec, data=None):
    """Every single plot of a (possibly concatenated) chart spec, depth first, with its data's name."""
    data = spec.get("data", {}).get("name", data)
    if "layer" in spec:
        return [dict(spec, data_name=data)]
    return [p for key in ("hconcat", "vconcat") for part in spec.get(key, []) for p in _plots(part, data)]


def test_profile_panel_lays_all_studies_out_in_two_columns():
    """All studies in one column is ~1,200 px tall: two columns so that the panel fits one screen;
    the chart holds every study and the browser hides the plots of those its input does not show."""
    panel = panels.ae_profile_panel()
    for grade in ("any", "1-2", ">=3"):
        panel.controls["grade"].value = grade
        spec = panel.view.chart.to_dict(validate=True)
        columns = spec["vconcat"][-1]["hconcat"]
        assert len(columns) == 2
        plots = [p for p in _plots(spec) if "title" in p]
        assert len(plots) == safety.ae_profile(grade=grade)["regimen"].nunique()  # every regimen, once
        assert all(p["title"]["fontSize"] >= 14 for p in plots)
        # the same plot width everywhere (the same % is the same length)
        assert len({p["width"] for p in plots}) == 1 and plots[0]["width"] >= 140
        # each plot, its heading and frame show only for "all studies" or its own study
        for p in plots:
            assert "study" in p["transform"][0]["filter"] and "study" in p["title"]["text"]["expr"]
            assert "study" in p["view"]["stroke"]["expr"]
        # a trial's arms stay in one column
        yan = [
            i
            for i, c in enumerate(columns)
            for p in _plots(c)
            if "title" in p and "Yan 2025" in p["title"]["text"]["expr"]
        ]
        assert len(set(yan)) <= 1


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
