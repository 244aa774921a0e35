"""Chart text is large enough for the back of a classroom: every lesson figure, rendered.

Each figure a lesson registers for slides (``hcckit.export``) is rendered to SVG with vl-convert
(the same engine the figure export uses) and every ``font-size`` in the SVG is read: none may be
below :data:`hcckit.charts._common.MIN_FONT_PX` (14 px), and the main title is larger.
"""

from __future__ import annotations

import re

import pytest

from hcckit.charts._common import MIN_FONT_PX, register_theme
from hcckit.export import discover_figures

FIGURES = sorted(discover_figures())
_SIZE = re.compile(r'font-size="([0-9.]+)px"|font-size:\s*([0-9.]+)px')


def _svg(name: str) -> str:
    import vl_convert as vlc

    register_theme()
    chart = discover_figures()[name].build()
    return vlc.vegalite_to_svg(chart.to_dict())


def font_sizes(svg: str) -> list[float]:
    """Every font size (px) set in an SVG drawn by Vega."""
    return [float(a or b) for a, b in _SIZE.findall(svg)]


def test_font_sizes_are_read_from_vega_svg():
    import altair as alt
    import pandas as pd

    register_theme()
    small = alt.Chart(pd.DataFrame({"x": [1]})).mark_text(fontSize=9).encode(text="x:Q")
    import vl_convert as vlc

    sizes = font_sizes(vlc.vegalite_to_svg(small.to_dict()))
    assert 9.0 in sizes  # the measurement can fail: a 9 px label is seen


@pytest.mark.parametrize("name", FIGURES)
def test_lesson_figure_text_is_at_least_14px(name):
    sizes = font_sizes(_svg(name))
    assert sizes, f"{name}: no text found in the rendered SVG"
    small = sorted({s for s in sizes if s < MIN_FONT_PX})
    assert not small, f"{name}: text of {small} px (minimum {MIN_FONT_PX} px)"


def _bound_charts():
    """The charts whose filter is an input bound to a param (issue #17), with every choice of it."""
    import pandas as pd

    from hcckit import catalogue, evidence, safety
    from hcckit.charts import catalogue as cc
    from hcckit.charts import evidence as ce
    from hcckit.charts import safety as cs

    forest = evidence.forest_table(evidence.comparisons())
    yield "forest", ce.forest_chart(forest, endpoint="PFS")
    yield "ae_profile", cs.ae_profile_chart(safety.ae_profile(grade="any"), study="all", step=16)
    yield "two_arm", cs.two_arm_chart(safety.two_arm_comparisons(None), trial="yan2025_tace_bev")
    effects = pd.concat(
        [safety.class_effects(c, grade="any") for c in safety.CLASS_EFFECTS], ignore_index=True
    )
    yield "class_effects", cs.class_effects_chart(effects, event_class="anti-VEGF", step=18)
    summary = catalogue.trial_summary(catalogue.evidence_table(modality="TARE"))
    yield "landscape", cc.landscape_chart(summary, design="all")


@pytest.mark.parametrize("name", ["forest", "ae_profile", "two_arm", "class_effects", "landscape"])
def test_bound_chart_text_is_at_least_14px_at_every_choice(name):
    import vl_convert as vlc

    register_theme()
    chart = dict(_bound_charts())[name]
    spec = chart.to_dict()
    (param,) = spec["params"]
    for value in param["bind"]["options"]:
        spec["params"][0]["value"] = value
        sizes = font_sizes(vlc.vegalite_to_svg(spec))
        small = sorted({s for s in sizes if s < MIN_FONT_PX})
        assert sizes and not small, f"{name} at {value}: text of {small} px (minimum {MIN_FONT_PX} px)"
