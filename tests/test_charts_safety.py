"""hcckit.charts.safety: specs (marks, fields, unit titles, empty states), not pixels."""

from __future__ import annotations

import json
import math

import pytest
from specs import data_rows, titles, walk

from hcckit import safety
from hcckit.charts import safety as cs


def test_profile_chart_facets_by_regimen_with_percent_axis():
    spec = cs.ae_profile_chart(safety.ae_profile(grade="any")).to_dict(validate=True)
    assert spec["facet"]["row"]["field"] == "regimen"
    assert "Patients with the event (%)" in titles(spec, "x")
    assert spec["resolve"]["scale"]["y"] == "independent"
    assert "Any grade" in spec["title"]["text"]
    assert "Clopper-Pearson" in json.dumps(spec["title"])
    assert "usermeta" not in spec  # curated counts: neither synthetic nor model


def test_profile_chart_pale_bars_for_percent_only_rows():
    spec = cs.ae_profile_chart(safety.ae_profile(grade=">=3", trials="yan2025_tace_bev")).to_dict()
    rows = data_rows(spec)
    assert rows and not any(r["has_count"] for r in rows)
    assert any("printed %" in r["label"] for r in rows)


def test_profile_chart_empty_state_shows_the_message():
    empty = safety.ae_profile(grade="any", trials="chance2201")
    spec = cs.ae_profile_chart(empty, empty_message="Nothing here").to_dict()
    assert spec["mark"]["type"] == "text"
    assert data_rows(spec)[0]["message"] == "Nothing here"


def test_class_effects_chart_colours_by_exposure():
    spec = cs.class_effects_chart(safety.class_effects("anti-VEGF")).to_dict(validate=True)
    assert spec["facet"]["row"]["field"] == "term"  # the harmonised term groups the studies
    colours = [
        d["color"]
        for d in walk(spec)
        if isinstance(d.get("color"), dict) and d["color"].get("field") == "contains"
    ]
    assert colours and colours[0]["scale"]["domain"] == ["contains the cause", "does not"]
    assert {r["contains"] for r in data_rows(spec)} == {"contains the cause", "does not"}
    assert "not proof of causation" in json.dumps(spec["title"])


def test_class_effects_chart_empty_state():
    empty = safety.class_effects("TKI").iloc[0:0]
    assert cs.class_effects_chart(empty).to_dict()["mark"]["type"] == "text"


def test_two_arm_chart_risk_difference_relative_risk_and_tests():
    spec = cs.two_arm_chart(safety.two_arm_comparisons("yan2025_tace_bev")).to_dict(validate=True)
    top, tests = spec["vconcat"]  # stacked so that it fits a 1280 px screen
    assert len(top["hconcat"]) == 2 and "Experimental vs control" in tests["title"]["text"]
    xt = titles(spec, "x")
    assert "Risk difference (percentage points)" in xt and "Relative risk (log scale)" in xt
    rows = [r for r in data_rows(spec) if "row" in r]
    prot = next(r for r in rows if r["row"].startswith("proteinuria"))
    assert prot["rr_plot"] == 100.0 and prot["rr"].startswith("∞")
    assert "Fisher P = 0.12" in prot["tests"] and "paper: P = 0.043" in prot["tests"]
    assert prot["row"] == "proteinuria (any grade)"
    assert "TACE + IA bevacizumab vs TACE" in spec["title"]["text"]
    assert "Newcombe" in json.dumps(spec["title"])
    assert all(not (isinstance(v, float) and math.isinf(v)) for r in rows for v in r.values())


def test_two_arm_chart_several_trials_and_empty():
    spec = cs.two_arm_chart(safety.two_arm_comparisons()).to_dict()
    assert any(r.get("row", "").startswith("CHANCE2201:") for r in data_rows(spec))
    empty = safety.two_arm_comparisons("zhang2021_beva_tace")
    assert cs.two_arm_chart(empty).to_dict()["mark"]["type"] == "text"


def test_charts_reject_wrong_frames():
    with pytest.raises(ValueError, match="profile"):
        cs.ae_profile_chart(safety.regimen_table())
    with pytest.raises(TypeError, match="comparisons"):
        cs.two_arm_chart([1, 2])


def test_lesson_figures_build():
    figures = cs.lesson_figures()
    assert {"safety_profile_any_grade", "safety_profile_grade3", "safety_two_arm_yan2025"} <= set(figures)
    assert {f"safety_class_{k}" for k in ("antivegf", "tki", "immune", "embolization")} <= set(figures)
    for chart in figures.values():
        chart.to_dict(validate=True)


def test_class_effects_group_printed_terms_across_studies():
    spec = cs.class_effects_chart(safety.class_effects("embolization")).to_dict()
    rows = data_rows(spec)
    pain = {r["event"] for r in rows if r["term"] == "pain"}
    assert {"pain", "abdominal pain"} <= pain  # Yan 2025 prints "pain", the others "abdominal pain"
    assert any(r["term"] == "nausea/vomiting" and r["event"] == "nausea" for r in rows)
    assert "Embolization-related" in spec["title"]["text"]


def test_legends_and_tooltips_use_names_not_ids():
    spec = cs.ae_profile_chart(safety.ae_profile(grade="any")).to_dict()
    colours = [d["color"] for d in walk(spec) if isinstance(d.get("color"), dict) and "scale" in d["color"]]
    assert colours and "Anti-VEGF effects" in colours[0]["scale"]["domain"]
    assert "anti-VEGF" not in colours[0]["scale"]["domain"]
    titles = {t.get("title") for d in walk(spec) for t in d.get("tooltip", []) if isinstance(t, dict)}
    assert None not in titles and "Regimen" in titles
    two = cs.two_arm_chart(safety.two_arm_comparisons()).to_dict()
    titles = {t.get("title") for d in walk(two) for t in d.get("tooltip", []) if isinstance(t, dict)}
    assert None not in titles and "Relative risk, CI" in titles


def test_every_lesson_figure_fits_a_1280_px_projector():
    import re

    import vl_convert as vlc

    from hcckit.charts._common import register_theme

    register_theme()
    for name, chart in cs.lesson_figures().items():
        svg = vlc.vegalite_to_svg(chart.to_dict())
        width = float(re.search(r'<svg[^>]*width="([0-9.]+)"', svg).group(1))
        assert width <= 1150, (name, width)


def _params(spec) -> dict:
    return {p["name"]: p for p in spec.get("params", [])}


def test_profile_chart_with_a_study_input_carries_every_study():
    import altair as alt

    profile = safety.ae_profile(grade="any")
    studies = [("All studies", "all"), ("Yan 2025 (RCT)", "yan2025_tace_bev"), ("CHANCE2201", "chance2201")]
    spec = cs.ae_profile_chart(profile, study="yan2025_tace_bev", studies=studies).to_dict()
    alt.Chart.from_dict(spec)  # a valid Vega-Lite spec
    param = _params(spec)[cs.STUDY_PARAM]
    assert param["value"] == "yan2025_tace_bev" and param["bind"]["input"] == "select"
    assert param["bind"]["labels"] == ["All studies", "Yan 2025 (RCT)", "CHANCE2201"]
    assert param["bind"]["name"] == "Study: "
    rows = data_rows(spec)
    assert {r["trial_id"] for r in rows if "regimen" in r} == set(profile["trial_id"])
    columns = spec["vconcat"][1]["hconcat"]  # CHANCE2201 has no row at any grade: a line above says so
    assert len(columns) == 2
    filters = [t["filter"] for part in walk(spec) for t in part.get("transform", []) if "filter" in t]
    assert sum("indexof" in f and "yan2025_tace_bev" in f for f in filters) == 2  # Yan 2025's two arms
    note = spec["vconcat"][0]
    assert "datum.trial_id == study" in note["transform"][0]["filter"]
    assert any("No adverse events match these filters in CHANCE2201" in str(r.get("message")) for r in rows)
    with pytest.raises(ValueError, match="study"):
        cs.ae_profile_chart(profile, study="nowhere")


def test_two_arm_chart_with_a_trial_input_carries_every_trial():
    import altair as alt

    comparisons = safety.two_arm_comparisons(None)
    spec = cs.two_arm_chart(comparisons, trial="chance2201").to_dict()
    alt.Chart.from_dict(spec)
    param = _params(spec)[cs.TRIAL_PARAM]
    assert param["value"] == "chance2201" and set(param["bind"]["options"]) == set(comparisons["trial_id"])
    assert not any("_" in label for label in param["bind"]["labels"])  # names, not ids
    rows = [r for r in data_rows(spec) if "row" in r]
    assert {r["trial_id"] for r in rows} == set(comparisons["trial_id"])
    assert not any(r["row"].startswith("Yan 2025: ") for r in rows)  # one trial shown: no study prefix
    filters = [t["filter"] for part in walk(spec) for t in part.get("transform", []) if "filter" in t]
    assert filters.count("datum.trial_id == trial") >= 4  # each of the chart's data layers
    assert "TACE + IA bevacizumab vs TACE" in spec["title"]["text"]["expr"]
