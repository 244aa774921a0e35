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
