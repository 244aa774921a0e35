"""hcckit.charts.mechanisms: specs (marks, fields, unit titles, model caption), not pixels."""

from __future__ import annotations

import json
import re

import pytest
from specs import titles, walk

from hcckit import mechanisms as m
from hcckit.charts import MODEL_LABEL
from hcckit.charts import mechanisms as cm
from hcckit.charts._common import MIN_FONT_PX, register_theme


def _is_model(spec):
    return spec.get("usermeta", {}).get("hcckit_model") is True and MODEL_LABEL in json.dumps(spec["title"])


@pytest.fixture(scope="module")
def runs():
    s = m.Scenario(bev_dose_mg_kg=5.0)
    return m.simulate(s), m.simulate(s.without_bevacizumab()), m.dose_window(s)


@pytest.mark.parametrize("modality", m.MODALITY_KEYS)
def test_modality_chart_draws_the_scene_with_marks(modality):
    spec = cm.modality_chart(m.modality_scene(modality)).to_dict(validate=True)
    marks = {
        (d["mark"]["type"] if isinstance(d["mark"], dict) else d["mark"]) for d in walk(spec) if "mark" in d
    }
    assert {"area", "rule", "text"} <= marks
    assert modality in spec["title"]["text"]
    assert "not to scale" in json.dumps(spec["title"])
    assert "usermeta" not in spec  # a schematic, not model output


def test_modality_chart_empty_scene_is_a_friendly_message():
    scene = m.modality_scene("TAE").iloc[0:0]
    spec = cm.modality_chart(scene).to_dict()
    assert spec["mark"]["type"] == "text"


def test_blood_supply_chart_has_percent_axis_and_75():
    spec = cm.blood_supply_chart(m.blood_supply_table()).to_dict(validate=True)
    assert "Share of the blood supply (%)" in titles(spec, "x")
    values = json.dumps(spec["datasets"])
    assert "75" in values and "not reported" in values


def test_model_chart_is_labelled_and_has_units(runs):
    run, ref, window = runs
    chart = cm.model_chart(run, reference=ref, window=window, current_dose=5.0)
    spec = chart.to_dict(validate=True)
    assert _is_model(spec)
    xt = titles(spec, "x")
    assert (
        "Time after TACE (hours)" in xt
        and "Time after TACE (days)" in xt
        and "Bevacizumab dose (mg/kg)" in xt
    )
    assert len(spec["concat"]) == 4
    data = next(iter(spec["datasets"].values()))
    panels = {row["panel"] for row in data}
    assert {"run", "peak", "window", "zone", "dose"} <= panels
    scenarios = {row.get("scenario") for row in data if row["panel"] == "run"}
    assert scenarios == {"this scenario", "same TACE, no bevacizumab"}
    dose = [row["dose_mg_kg"] for row in data if row["panel"] == "dose"]
    assert dose == [5.0]


def test_model_chart_without_window_has_three_views(runs):
    run, _, _ = runs
    spec = cm.model_chart(run).to_dict()
    assert len(spec["concat"]) == 3
    assert _is_model(spec)


@pytest.mark.parametrize(
    "fn, unit",
    [
        (cm.vegf_surge_chart, "Time after TACE (hours)"),
        (cm.vessels_chart, "Time after TACE (days)"),
        (cm.tumour_chart, "Time after TACE (days)"),
    ],
)
def test_single_model_charts_are_labelled(runs, fn, unit):
    run, ref, _ = runs
    spec = fn(run, reference=ref).to_dict(validate=True)
    assert _is_model(spec)
    assert unit in titles(spec, "x")


def test_surge_chart_marks_the_48_72_h_band(runs):
    run, _, _ = runs
    spec = cm.vegf_surge_chart(run).to_dict()
    band = [
        d for d in walk(spec) if d.get("mark", {}) == {"type": "rect", "color": "#F0E442", "opacity": 0.35}
    ]
    assert band
    assert any(48.0 in [row.get("start") for row in rows] for rows in spec["datasets"].values())


def test_dose_window_chart(runs):
    _, _, window = runs
    spec = cm.dose_window_chart(window, current_dose=15.0).to_dict(validate=True)
    assert _is_model(spec)
    assert "Bevacizumab dose (mg/kg)" in titles(spec, "x")
    assert "normalisation window" in json.dumps(spec)
    assert cm.dose_window_chart(window.iloc[0:0]).to_dict()["mark"]["type"] == "text"


def test_dose_window_is_labelled_a_preclinical_hypothesis_and_shows_hypoxia(runs):
    _, _, window = runs
    for spec in (
        cm.dose_window_chart(window, current_dose=5.0).to_dict(validate=True),
        cm.model_chart(runs[0], reference=runs[1], window=window, current_dose=5.0).to_dict(),
    ):
        text = json.dumps(spec)
        assert "preclinical hypothesis" in text
        assert "15 mg/kg IV every 3 weeks" in text
    data = next(iter(cm.dose_window_chart(window).to_dict()["datasets"].values()))
    hyp = {row["dose_mg_kg"]: row["hypoxia vs TACE alone"] for row in data if row["panel"] == "window"}
    # inside the window hypoxia is below TACE alone (normalised vessels oxygenate better); pruning: above
    assert hyp[5.0] < 0 < hyp[15.0]


def test_model_chart_rejects_a_wrong_frame():
    with pytest.raises(ValueError, match="run"):
        cm.model_chart(m.modality_table())


def test_perfusion_chart_units_per_parameter():
    spec = cm.perfusion_chart(m.perfusion_table()).to_dict(validate=True)
    yt = titles(spec, "y")
    assert any("(min^-1)" in t for t in yt)
    assert any("(mL/100 g/min)" in t for t in yt)
    assert any(t.endswith("(%)") for t in yt)
    assert len(spec["hconcat"]) == 3
    assert "usermeta" not in spec  # curated numbers
    assert "Table 2" in json.dumps(spec["title"])


def test_biomarker_and_sessions_charts():
    spec = cm.biomarker_change_chart(m.biomarker_change_table()).to_dict(validate=True)
    assert "Change with TACE + bevacizumab (%)" in titles(spec, "x")
    assert "-43.2" in json.dumps(spec["datasets"])
    spec = cm.tace_sessions_chart(m.tace_sessions_table()).to_dict(validate=True)
    assert "TACE sessions per patient (count)" in titles(spec, "y")


def test_evidence_charts_have_empty_states():
    for fn, table in (
        (cm.perfusion_chart, m.perfusion_table(trial_id="emerald1")),
        (cm.biomarker_change_chart, m.biomarker_change_table(trial_id="emerald1")),
        (cm.tace_sessions_chart, m.tace_sessions_table(trial_id="emerald1")),
    ):
        assert fn(table).to_dict()["mark"]["type"] == "text"


def test_lesson_figures_build_and_model_figures_are_labelled():
    figures = cm.lesson_figures()
    assert {
        "mechanisms_model",
        "mechanisms_blood_supply",
        "mechanisms_perfusion",
        "mechanisms_modality_ctace",
    } <= set(figures)
    for name, chart in figures.items():
        spec = chart.to_dict(validate=True)
        if name in ("mechanisms_model", "mechanisms_vegf_surge", "mechanisms_dose_window"):
            assert _is_model(spec), name


def test_model_and_modality_figures_fit_the_projector():
    import re

    import vl_convert as vlc

    from hcckit.charts.mechanisms import modality_chart, model_chart

    s = m.PRESETS["TACE + bevacizumab 5 mg/kg right after (as in the RCT)"]
    for chart in (
        model_chart(m.simulate(s), window=m.dose_window(s), current_dose=5.0),
        modality_chart(m.modality_scene("cTACE")),
    ):
        svg = vlc.vegalite_to_svg(chart.to_dict())
        assert float(re.search(r'width="([\d.]+)"', svg).group(1)) <= 1000  # the lesson column


# --- views= : one row of two views for the lesson panel, all four for export -----------------
_FONT = re.compile(r'font-size="([0-9.]+)px"|font-size:\s*([0-9.]+)px')


def _svg(chart) -> str:
    import vl_convert as vlc

    register_theme()
    return vlc.vegalite_to_svg(chart.to_dict())


def _svg_size(chart) -> tuple[float, float]:
    """Width and height (px) of the chart as Vega draws it (titles, legends and axes included)."""
    size = re.search(r'<svg[^>]*width="([\d.]+)"[^>]*height="([\d.]+)"', _svg(chart))
    return float(size.group(1)), float(size.group(2))


def _view_titles(spec) -> list[str]:
    return [json.dumps(view["title"]["text"]) for view in spec["concat"]]


_TITLE_OF = {
    "surge": "First week",
    "window": "normalisation window",
    "vessels": "Vessels",
    "tumour": "Tumour",
}


@pytest.mark.parametrize("views", [("surge", "window"), ("window", "tumour"), ("vessels", "tumour")])
def test_model_chart_two_views_are_one_row_that_fits_under_the_controls(runs, views):
    run, ref, window = runs
    chart = cm.model_chart(run, reference=ref, window=window, current_dose=5.0, views=views)
    spec = chart.to_dict(validate=True)
    assert _is_model(spec)
    assert len(spec["concat"]) == 2 and spec["columns"] == 2  # one row
    for title, view in zip(_view_titles(spec), views, strict=True):
        assert _TITLE_OF[view] in title
    # plot sizes from the spec leave room for axes, titles and legends in the 1000 px column
    assert sum(v["width"] for v in spec["concat"]) <= 620
    assert max(v["height"] for v in spec["concat"]) <= 170
    # as drawn, with the heading, the model caption, view titles, legends and axes
    width, height = _svg_size(chart)
    assert width <= 1000 and height <= 360, (views, width, height)
    # no text under 14 px in the smaller layout either (registered figures: tests/test_chart_text.py)
    sizes = [float(a or b) for a, b in _FONT.findall(_svg(chart))]
    assert sizes and min(sizes) >= MIN_FONT_PX, (views, sorted(set(sizes)))
    # the data are the whole model either way (a view switch swaps the layout, not the data)
    panels = {row["panel"] for row in next(iter(spec["datasets"].values()))}
    assert {"run", "peak", "window", "zone", "dose"} <= panels


def test_model_chart_two_views_show_the_dashed_scenario_legend_once(runs):
    run, ref, window = runs
    for views in (("surge", "window"), ("window", "tumour"), ("vessels", "tumour")):
        spec = cm.model_chart(run, reference=ref, window=window, views=views).to_dict()
        legends = [
            d["strokeDash"]["legend"]
            for d in walk(spec)
            if isinstance(d.get("strokeDash"), dict) and d["strokeDash"].get("field") == "scenario"
        ]
        assert sum(legend is not None for legend in legends) == 1, views


def test_model_chart_default_keeps_every_view_for_export(runs):
    run, ref, window = runs
    chart = cm.model_chart(run, reference=ref, window=window, current_dose=5.0)
    spec = chart.to_dict(validate=True)
    assert [t for t in _view_titles(spec)] == [
        t for t in _view_titles(cm.model_chart(run, window=window, views=cm.MODEL_VIEWS).to_dict())
    ]
    for title, view in zip(_view_titles(spec), cm.MODEL_VIEWS, strict=True):
        assert _TITLE_OF[view] in title
    width, height = _svg_size(chart)
    assert width <= 1000 and height > 600  # the 2 x 2 grid
    figure = cm.lesson_figures()["mechanisms_model"].to_dict(validate=True)
    assert len(figure["concat"]) == 4


def test_model_chart_views_are_checked(runs):
    run, _, window = runs
    with pytest.raises(ValueError, match="views: .*'dials'"):
        cm.model_chart(run, window=window, views=("surge", "dials"))
    with pytest.raises(ValueError, match="views: .*twice"):
        cm.model_chart(run, window=window, views=("surge", "surge"))
    with pytest.raises(ValueError, match="views: 'window' needs"):
        cm.model_chart(run, views=("surge", "window"))
    with pytest.raises(ValueError, match="views"):
        cm.model_chart(run, window=window, views=())
    with pytest.raises(TypeError, match="views"):
        cm.model_chart(run, window=window, views=3)
    one = cm.model_chart(run, window=window, views="window").to_dict(validate=True)
    assert len(one["concat"]) == 1 and "normalisation window" in _view_titles(one)[0]


def test_model_chart_layout_is_cached_and_validated_once(runs):
    run, ref, window = runs
    views = ("vessels", "tumour")
    cm.model_chart(run, window=window, views=views)
    hits = cm._model_template.cache_info().hits
    chart = cm.model_chart(run, reference=ref, window=window, views=views)
    assert cm._model_template.cache_info().hits == hits + 1
    assert isinstance(chart, cm._TemplateConcat)
    chart.to_dict(validate=True)  # still valid when asked
