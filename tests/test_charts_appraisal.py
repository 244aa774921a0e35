"""hcckit.charts.appraisal: specs (marks, fields, titles with units), empty states, lesson figures."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from hcckit import appraisal
from hcckit.charts import appraisal as charts


def _spec(chart) -> str:
    return json.dumps(chart.to_dict())


def _layers(chart) -> list[dict]:
    spec = chart.to_dict()
    return spec.get("layer", [spec])


def test_findings_chart_stacks_severities_with_fixed_colours():
    summary = appraisal.summary(appraisal.audit())
    spec = charts.findings_chart(summary).to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["x"]["title"] == "Findings (count)"
    # names, not ids (hcckit.labels): severities and checks as the class reads them
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Error", "Warning", "Note", "Consistent"]
    assert spec["encoding"]["y"]["sort"][0] == "Percentage vs count / n"
    assert "check:N" not in json.dumps(spec["encoding"]) and "severity:N" not in json.dumps(spec["encoding"])
    empty = charts.findings_chart(summary.iloc[0:0]).to_dict()
    assert empty["mark"]["type"] == "text" and "No findings" in json.dumps(empty)


def test_hr_ci_chart_log_axis_geometric_mean_and_reference_line():
    chart = charts.hr_ci_chart(appraisal.hr_ci_table())
    layers = _layers(chart)
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in layers]
    assert marks == ["rule", "point", "circle", "rule"]
    assert layers[0]["encoding"]["x"]["scale"]["type"] == "log"
    assert "log scale" in layers[0]["encoding"]["x"]["title"]
    assert layers[1]["encoding"]["x"]["field"] == "geometric_mean"
    text = _spec(chart)
    assert "Li 2022" in text and "An 2023" in text
    assert layers[2]["encoding"]["color"]["title"] == "Hazard ratio vs its CI" and "hr_ci check" not in text
    single = charts.hr_ci_chart(appraisal.hr_ci_frame("0.35", "0.21", "0.82", label="An 2023"))
    assert "An 2023" in _spec(single)
    assert charts.hr_ci_chart(appraisal.hr_ci_table().iloc[0:0]).to_dict()["mark"]["type"] == "text"


def test_grim_chart_band_dots_and_ring():
    table = appraisal.grim_table(31, "54.5", count=20)
    chart = charts.grim_chart(table)
    spec = chart.to_dict()
    assert "31 patients" in json.dumps(spec["title"])
    layers = spec["layer"]
    assert layers[0]["mark"]["type"] == "rect"
    dots = [layer for layer in layers if layer["mark"]["type"] == "circle"][0]
    assert dots["encoding"]["x"]["title"] == "Percentage of patients (%)"
    assert "20/31" in _spec(chart)
    assert charts.grim_chart(table, title="x").to_dict()["title"] == "x"


def test_p_values_chart_marks_alpha_and_unreliable_tests():
    table = appraisal.two_by_two_table(4, 60, 0, 60, p_reported="0.043")
    chart = charts.p_values_chart(table)
    text = _spec(chart)
    assert "unreliable: expected count < 5" in text and "reported (P = 0.043)" in text
    layers = chart.to_dict()["layer"]
    assert layers[0]["encoding"]["x"]["scale"]["type"] == "log"
    assert layers[0]["encoding"]["x"]["title"] == "p-value (two-sided, log scale)"
    assert '"alpha": 0.05' in text


def test_at_risk_chart_draws_n_and_landmarks():
    frame = pd.DataFrame({"time_months": [0, 5, 10], "n_at_risk": [27, 13, 7]})
    frame.attrs.update(n=31, event_free={6.0: 24})
    chart = charts.at_risk_chart(frame)
    text = _spec(chart)
    assert "31 patients analysed" in text and "24 printed event-free at 6 mo" in text
    first = chart.to_dict()["layer"][0]
    assert first["encoding"]["x"]["title"] == "Time (months)"
    assert first["encoding"]["y"]["title"] == "Patients at risk (count)"


def test_values_chart_and_dispatch():
    frame = pd.DataFrame({"label": ["first version", "second version"], "value": [0.45, 0.57]})
    assert charts.values_chart(frame).to_dict()["layer"][0]["mark"]["type"] == "bar"
    assert charts.finding_chart("none", None).to_dict()["mark"]["type"] == "text"
    with pytest.raises(ValueError, match="kind"):
        charts.finding_chart("pie", frame)
    with pytest.raises(ValueError, match="missing"):
        charts.values_chart(frame.drop(columns=["value"]))
    with pytest.raises(TypeError, match="DataFrame"):
        charts.grim_chart([1, 2])


def test_every_curated_finding_has_a_chart():
    findings = appraisal.audit()
    for _, row in findings.iterrows():
        chart = charts.finding_chart(*appraisal.figure_data(row))
        assert chart.to_dict()


def test_lesson_figures_are_charts_with_lesson_prefix():
    figures = charts.lesson_figures()
    assert set(figures) == {
        "06_findings_by_check",
        "06_hr_ci_symmetry",
        "06_grim_debtace_orr",
        "06_two_by_two_proteinuria",
        "06_at_risk_debtace_os",
    }
    import altair as alt

    for chart in figures.values():
        assert chart.to_dict()
        assert chart.config is alt.Undefined  # unconfigured: the theme is applied by the caller


def test_figures_are_registered_for_export():
    export = pytest.importorskip("hcckit.export")
    assert {"06_findings_by_check", "06_hr_ci_symmetry"} <= set(export.FIGURES)


def test_hr_ci_chart_fits_the_lesson_column():
    # lesson 06 §4 draws every HR of the kit: with the legend on the right it was 1001 px wide in a 984 px view
    import re

    import vl_convert as vlc

    chart = charts.hr_ci_chart(appraisal.hr_ci_table())
    svg = vlc.vegalite_to_svg(chart.to_dict())
    assert float(re.search(r'width="([\d.]+)"', svg).group(1)) <= 960
    assert _layers(chart)[2]["encoding"]["color"]["legend"]["orient"] == "top"
