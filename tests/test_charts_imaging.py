"""hcckit.charts.imaging: the flip-rate chart, checked on its spec and on its SVG (text size, SYNTHETIC)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from specs import data_rows, marks, titles, walk

from hcckit.charts import register_theme
from hcckit.charts._common import MIN_FONT_PX
from hcckit.charts.imaging import IMAGING_LABEL, flip_chart
from hcckit.charts.response import CRITERION_COLOURS


@pytest.fixture(scope="module")
def curve():
    """The compute layer's flip curve for day 84 of the SYNTHETIC case (few readers: fast)."""
    from hcckit.imaging import phantom, variability

    c = variability.flip_curve(phantom.load_case(), error_sd_pct=(0, 5, 10, 20), n_readers=40, seed=1)
    return c[(c["row"] == "visit") & (c["day"] == 84)]


def test_lines_points_per_criterion_with_units(curve):
    chart = flip_chart(curve, marker_pct=10, marker_label="10 %")
    spec = chart.to_dict(validate=True)
    assert {"line", "point", "rule", "text"} <= set(marks(spec))
    assert titles(spec, "x") == {"Reader measurement error (SD, % of the diameter)"}
    assert titles(spec, "y") == {"Readers whose category differs (%)"}
    rows = data_rows(chart, "flip_pct")
    assert sorted((r["criterion"], r["error_sd_pct"], r["flip_pct"]) for r in rows) == sorted(
        zip(curve["criterion"], curve["error_sd_pct"], curve["flip_pct"], strict=True)
    )
    # the criterion colours of lesson 02's charts and verdict cards
    scale = next(d["scale"] for d in walk(spec) if isinstance(d.get("scale"), dict) and "range" in d["scale"])
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        c: CRITERION_COLOURS[c] for c in ("RECIST 1.1", "mRECIST", "WHO", "EASL")
    }
    assert [r["error_sd_pct"] for r in data_rows(chart, "label")] == [10.0]


def test_marked_synthetic_in_subtitle_and_metadata(curve):
    spec = flip_chart(curve, title="Day 84").to_dict()
    assert spec["title"]["text"] == "Day 84"
    assert IMAGING_LABEL in spec["title"]["subtitle"] and "SYNTHETIC" in IMAGING_LABEL
    assert spec["usermeta"]["hcckit_synthetic"] is True
    assert "rule" not in marks(spec)  # no marker asked for


def test_text_large_enough_for_the_back_row(curve):
    import vl_convert as vlc

    register_theme()
    spec = flip_chart(curve, marker_pct=10, marker_label="10 %").to_dict()
    svg = vlc.vegalite_to_svg(json.dumps(spec))
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)(?:px)?"', svg)]
    assert sizes and min(sizes) >= MIN_FONT_PX, sorted(set(sizes))
    assert "SYNTHETIC" in svg


@pytest.mark.parametrize(
    "frame, words",
    [
        (pd.DataFrame({"criterion": ["WHO"], "error_sd_pct": [5]}), "missing column.*flip_pct"),
        (pd.DataFrame({"criterion": [], "error_sd_pct": [], "flip_pct": []}), "no rows"),
        (
            pd.DataFrame({"criterion": ["WHO"], "error_sd_pct": [5], "flip_pct": [0.4 * 300]}),
            "between 0 and 100",
        ),
    ],
)
def test_bad_input_names_the_argument(frame, words):
    with pytest.raises(ValueError, match=rf"^curve: .*{words}"):
        flip_chart(frame)
    with pytest.raises(TypeError, match="^curve: expected a pandas DataFrame"):
        flip_chart([{"criterion": "WHO"}])
