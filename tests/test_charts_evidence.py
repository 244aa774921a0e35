"""Tests for hcckit.charts.evidence, on the chart specs (to_dict), not pixels."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest

from hcckit import evidence
from hcckit.charts import evidence as ce


def _spec(chart) -> dict:
    spec = chart.to_dict()
    json.dumps(spec, allow_nan=False)  # widgets send strict JSON: a NaN would break the page
    return spec


def _data(spec, key: str | None = None) -> list[dict]:
    """All inline data rows (only those with ``key``: the HR = 1 reference line has its own dataset)."""
    rows = []
    for values in spec.get("datasets", {}).values():
        rows.extend(r for r in values if key is None or key in r)
    return rows


def _marks(spec) -> list[str]:
    return [
        layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]
    ]


def test_forest_chart_log_axis_levels_and_kinds(table):
    forest = evidence.forest_table(evidence.filter_comparisons(table, endpoint="PFS"))
    spec = _spec(ce.forest_chart(forest))
    assert _marks(spec) == ["rule", "rule", "point", "text"]
    x = spec["layer"][2]["encoding"]["x"]
    assert x["scale"]["type"] == "log" and "log scale" in x["title"]
    colour = spec["layer"][2]["encoding"]["color"]
    assert colour["field"] == "ci_label" and {"95 % CI", "90 % CI", "no CI printed"} <= set(
        colour["scale"]["domain"]
    )
    assert spec["layer"][2]["encoding"]["shape"]["field"] == "hr_kind"
    assert "adjusted HR (observational)" in spec["layer"][2]["encoding"]["shape"]["scale"]["domain"]
    rows = {r["ylabel"]: r for r in _data(spec, "ylabel")}
    stah = rows["STAH: Sorafenib + cTACE vs Sorafenib"]
    assert stah["ci_label"] == "90 % CI" and stah["hr_text"] == "0.73 (0.59-0.91) 90 %"
    fu = rows["Fu 2023: HAIC + lenvatinib + PD-1 vs Lenvatinib + PD-1"]
    assert fu["ci_low"] is None and fu["hr_text"] == "0.43 (no CI)"
    assert spec["title"]["text"] == "Hazard ratios (PFS)"
    tooltips = {t["title"] for t in spec["layer"][2]["encoding"]["tooltip"]}
    assert {"Printed CI", "Arm order", "Discrepancy"} <= tooltips


@pytest.mark.parametrize(
    "endpoint, common_level", [("PFS", None), ("PFS", 0.95), ("OS", None), (None, None), ("TTUP", None)]
)
def test_forest_legends_sit_under_the_labels_and_the_plot(table, endpoint, common_level):
    """Both legends start at the left edge of the study labels (not of the plot) and, as planned,
    end within the labels plus the plot: Vega's "bottom" place ran two 2-column legends ~230 px past
    the 1000 px lesson column (04 §1)."""
    forest = evidence.forest_table(
        evidence.filter_comparisons(table, endpoint=endpoint), common_level=common_level
    )
    spec = _spec(ce.forest_chart(forest))
    interval = spec["layer"][1]["encoding"]["color"]["legend"]
    estimate = spec["layer"][2]["encoding"]["shape"]["legend"]
    assert interval["orient"] == estimate["orient"] == "none"
    labels_px = min(
        ce._FOREST_LABEL_LIMIT, ce._CHAR_PX * max(len(r["ylabel"]) for r in _data(spec, "ylabel"))
    )
    assert interval["legendX"] == pytest.approx(-(labels_px + ce._Y_LABEL_PAD_PX), abs=0.1)
    df = pd.DataFrame(_data(spec, "ylabel"))
    below_axis = ce._FOREST_STEP * df["ylabel"].nunique() + ce._AXIS_PX
    assert interval["legendY"] == pytest.approx(below_axis) and estimate["legendY"] >= interval["legendY"]
    kinds = spec["layer"][2]["encoding"]["shape"]["scale"]["domain"]
    width, _ = ce._legend_px(kinds, "Estimate", estimate["columns"])
    assert estimate["legendX"] + width <= ce._FOREST_WIDTH + 0.1  # never past the plot's right edge
    if estimate["legendY"] == interval["legendY"]:  # side by side: no overlap
        interval_w, _ = ce._legend_px(dict.fromkeys(df["ci_label"]), "Interval", interval["columns"])
        assert estimate["legendX"] >= interval["legendX"] + interval_w
    if endpoint == "PFS" and common_level is None:  # the lesson's opening state: one row of legends
        assert estimate["legendY"] == interval["legendY"] and interval["columns"] == estimate["columns"] == 2


def test_forest_chart_endpoint_in_labels_when_several(table):
    forest = evidence.forest_table(evidence.filter_comparisons(table, modality="TARE"))
    labels = {r["ylabel"] for r in _data(_spec(ce.forest_chart(forest, title="TARE")), "ylabel")}
    assert "OS · Hur 2023: TARE vs TKIs" in labels and "PFS · Hur 2023: TARE vs TKIs" in labels


def test_forest_chart_recomputed_interval_is_marked(table):
    forest = evidence.forest_table(evidence.filter_comparisons(table, endpoint="OS"), common_level=0.95)
    rows = {r["ylabel"]: r for r in _data(_spec(ce.forest_chart(forest)), "ylabel")}
    stah = rows["STAH: Sorafenib + cTACE vs Sorafenib"]
    assert stah["hr_text"].endswith("*") and "recomputed" in stah["ci_label"]


def test_forest_chart_empty_state():
    spec = _spec(
        ce.forest_chart(evidence.forest_table(evidence.comparisons().iloc[:0]), empty_message="Nothing here.")
    )
    assert spec["mark"]["type"] == "text" and _data(spec) == [{"message": "Nothing here."}]


def test_pooled_chart_diamond_heterogeneity_and_warning(table):
    forest = evidence.forest_table(evidence.filter_comparisons(table, **evidence.DEFAULT_POOL))
    pooled = evidence.pool_hazard_ratios(forest)
    spec = _spec(ce.pooled_chart(pooled))
    diamond = [
        lay
        for lay in spec["layer"]
        if isinstance(lay["mark"], dict) and lay["mark"].get("shape") == "diamond"
    ]
    assert len(diamond) == 1
    subtitle = " ".join(spec["title"]["subtitle"])
    assert f"I² = {pooled.i2:.0f} %" in subtitle and "tau² =" in subtitle and "k = 4" in subtitle
    assert "not a published result" in subtitle
    assert "NOT COMPARABLE" in subtitle and spec["title"]["subtitleColor"] == "#B00020"
    pooled_row = [r for r in _data(spec, "kind") if r["kind"] == "pooled (computed here)"]
    assert pooled_row[0]["hr"] == pytest.approx(pooled.hr)

    # narrowed by label, the pair still mixes PFS definitions and is only 2 studies (issue 13 item 4)
    pair = forest[forest["study_short"].eq("TACTICS") | forest["comparison"].str.startswith("D + B")]
    subtitle = " ".join(_spec(ce.pooled_chart(evidence.pool_hazard_ratios(pair)))["title"]["subtitle"])
    assert (
        "NOT COMPARABLE: Mixes definitions of PFS; only 2 studies (Hartung-Knapp CI 0.14 to 3.50)" in subtitle
    )
    # same definitions: the studies are comparable, the method still is not
    same = pair.assign(endpoint_definition=pair["endpoint_definition"].iloc[0])
    subtitle = " ".join(_spec(ce.pooled_chart(evidence.pool_hazard_ratios(same)))["title"]["subtitle"])
    assert "NOT COMPARABLE" not in subtitle and "DO NOT QUOTE: only 2 studies" in subtitle


def test_orr_chart_faceted_by_criterion():
    orr = evidence.orr_table()
    spec = _spec(ce.orr_chart(orr))
    assert spec["facet"]["row"]["field"] == "criterion"
    assert spec["facet"]["row"]["sort"] == ["RECIST 1.1", "mRECIST", "RECICL", "unspecified"]
    assert spec["resolve"]["scale"]["y"] == "independent"
    layers = spec["spec"]["layer"]
    assert [lay["mark"]["type"] for lay in layers] == ["rule", "bar", "point", "point"]
    assert layers[2]["encoding"]["x"]["title"] == "Objective response rate (%)"
    assert layers[3]["mark"]["shape"] == "cross"  # printed % that disagrees with its count
    kinds = set(layers[2]["encoding"]["color"]["scale"]["domain"])
    assert kinds == {"exact CI, reported count", "exact CI, count derived from % x n", "no CI (see tooltip)",
                     "range printed"}  # fmt: skip
    rows = {(r["label"], r["criterion"]): r for r in _data(spec)}
    assert rows[("Hur 2023: TARE", "unspecified")]["kind"] == "range printed"
    assert rows[("EMERALD-1: D + TACE", "mRECIST")]["ci_low_pct"] is None


def test_orr_chart_empty_state():
    spec = _spec(ce.orr_chart(evidence.orr_table(criterion="RECICL", design="single_arm")))
    assert spec["mark"]["type"] == "text"


def test_comparison_table_chart():
    result = evidence.cross_trial_comparison("launch", "yan2025_tace_bev")
    spec = _spec(ce.comparison_table_chart(result.profile))
    assert len(spec["hconcat"]) == 3
    assert [p["title"]["text"] for p in spec["hconcat"]] == ["", "LAUNCH", "Yan 2025"]
    text = spec["hconcat"][1]["layer"][1]
    assert text["mark"]["lineBreak"] == "\n"
    cells = [r for r in _data(spec) if r["column"] == "LAUNCH"]
    assert any("Advanced HCC" in r["full"] for r in cells)
    assert _spec(ce.comparison_table_chart(pd.DataFrame()))["mark"]["type"] == "text"


def test_lesson_figures_are_unconfigured_charts():
    figures = ce.lesson_figures()
    assert set(figures) == {"04_forest_pfs", "04_forest_os", "04_orr_by_criterion", "04_pooled_default",
                            "04_cross_trial"}  # fmt: skip
    for chart in figures.values():
        assert isinstance(chart, alt.TopLevelMixin)
        assert chart.config is alt.Undefined
        _spec(chart)


def test_lesson_figures_are_registered_with_the_export():
    export = pytest.importorskip("hcckit.export")
    names = set(export.discover_figures(["hcckit.charts"]))
    assert {"04_forest_pfs", "04_orr_by_criterion", "04_pooled_default"} <= names


def test_forest_chart_exports_to_svg_and_png(tmp_path, table):
    from hcckit.charts import save_chart

    forest = evidence.forest_table(evidence.filter_comparisons(table, endpoint="TTUP"))
    svg = save_chart(ce.forest_chart(forest), tmp_path / "forest.svg")
    png = save_chart(ce.forest_chart(forest), tmp_path / "forest.png", scale=1)
    assert "<svg" in svg.read_text()[:200] and "TACTICS" in svg.read_text()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _shown(spec, endpoint: str) -> list[dict]:
    """The forest rows a browser draws with the endpoint input at ``endpoint`` (the chart's filter)."""
    rows = _data(spec, "ylabel")
    return rows if endpoint == "all" else [r for r in rows if r["endpoint"] == endpoint]


def test_forest_chart_with_an_endpoint_input_carries_every_endpoint(table):
    forest = evidence.forest_table(table)
    spec = _spec(ce.forest_chart(forest, endpoint="OS", endpoints=["PFS", "OS", "TTUP", "RFS", "PPS", "DFS"]))
    alt.Chart.from_dict(spec)  # a valid Vega-Lite spec
    (param,) = spec["params"]
    assert param["name"] == ce.ENDPOINT_PARAM == "endpoint" and param["value"] == "OS"
    bind = param["bind"]
    assert bind["input"] == "select" and bind["name"] == "Endpoint (HR): "
    assert bind["options"] == ["PFS", "OS", "TTUP", "RFS", "PPS", "DFS", "all"]
    assert bind["labels"][-1] == "All endpoints"
    # every endpoint's rows are in the chart; each data layer filters them by the param
    assert {r["endpoint"] for r in _data(spec, "ylabel")} == {"PFS", "OS", "TTUP", "RFS", "PPS"}
    for layer in spec["layer"][1:4]:
        assert any("endpoint" in str(t.get("filter", "")) for t in layer["transform"])
    # one endpoint's labels have no endpoint prefix; all endpoints' labels do
    stah = [r for r in _shown(spec, "OS") if r["study"] == "STAH"]
    assert stah and stah[0]["ylabel_one"] == "STAH: Sorafenib + cTACE vs Sorafenib"
    assert stah[0]["ylabel"].startswith("OS · ")
    # the title and the legends' place under the plot follow the choice
    assert "Hazard ratios (OS)" in spec["title"]["text"]["expr"]
    legend = spec["layer"][1]["encoding"]["color"]["legend"]
    assert f'== "OS" ? {ce._FOREST_STEP * len(_shown(spec, "OS")) + ce._AXIS_PX}' in legend["legendY"]["expr"]
    # a choice without rows says so in the chart
    assert "No hazard ratio for DFS matches these filters." in json.dumps(spec)
    assert spec["autosize"] == {"type": "pad", "resize": True}  # shrinks when rows are filtered out


def test_forest_chart_endpoint_input_rejects_an_unknown_choice(table):
    forest = evidence.forest_table(table)
    with pytest.raises(ValueError, match="endpoint"):
        ce.forest_chart(forest, endpoint="XYZ")


def test_choose_builds_a_vega_expression():
    expr = ce.choose("p", {"a": 1, "b": "two · 2"}, 0)
    assert expr == 'p == "a" ? 1 : (p == "b" ? "two · 2" : (0))'
