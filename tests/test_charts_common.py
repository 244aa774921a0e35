"""The altair speed-up in hcckit.charts._common: same results, table built once."""

import altair as alt
import pandas as pd
import pytest
from altair.utils import schemapi

from hcckit.charts import _common


def _chart():
    df = pd.DataFrame({"day": [0, 42, 84], "pct": [0.0, -31.5, 12.25], "arm": ["a", "b", "a"]})
    base = alt.Chart(df).encode(x="day:Q", y=alt.Y("pct:Q", title="Change (%)"), color="arm:N")
    return (base.mark_line() + base.mark_point(filled=True)).properties(title="t")


def test_class_table_is_built_once_and_reused():
    _common.reuse_altair_class_table()
    _common.reuse_altair_class_table()  # idempotent: no double wrapping
    assert schemapi._FromDict._hcckit_reused
    assert schemapi._FromDict._original.__name__ == "_FromDict"
    classes = list(schemapi._subclasses(alt.VegaLiteSchema))
    assert schemapi._FromDict(iter(classes)) is schemapi._FromDict(iter(classes))


def test_reused_table_gives_the_same_objects_as_altair(monkeypatch):
    _common.reuse_altair_class_table()
    reused = _chart().to_dict()
    shorthand = alt.X.from_dict({"shorthand": "day:Q"}, validate=False)
    monkeypatch.setattr(schemapi, "_FromDict", schemapi._FromDict._original)
    assert not getattr(schemapi._FromDict, "_hcckit_reused", False)
    assert _chart().to_dict() == reused
    fresh = alt.X.from_dict({"shorthand": "day:Q"}, validate=False)
    assert type(fresh) is type(shorthand) and fresh.to_dict() == shorthand.to_dict()
    spec = alt.Chart.from_dict(reused).to_dict()
    monkeypatch.undo()
    assert alt.Chart.from_dict(reused).to_dict() == spec


def test_label_synthetic_is_one_copy_with_the_properties_it_reports():
    chart = _chart()
    before = chart.to_dict()
    labelled = _common.label_synthetic(chart)
    assert chart.to_dict() == before  # the chart given is not changed
    props = _common.synthetic_properties(chart.title)
    assert labelled.to_dict() == chart.properties(**props).to_dict()
    spec = labelled.to_dict()
    assert spec["usermeta"] == {"hcckit_synthetic": True}
    assert spec["title"]["text"] == "t" and spec["title"]["subtitle"] == [_common.SYNTHETIC_LABEL]
    assert spec["title"]["subtitleColor"] == "#B00020"
    # labelling twice does not repeat the caption; an untitled chart gets a title the caption can hang on
    assert _common.label_synthetic(labelled).to_dict() == spec
    untitled = _common.label_synthetic(alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a:Q"))
    assert untitled.to_dict()["title"]["text"] == "Synthetic data"
    model = _common.label_model(chart).to_dict()
    assert model["usermeta"] == {"hcckit_model": True} and model["title"]["subtitle"] == [_common.MODEL_LABEL]
    assert _common.model_properties(alt.Undefined)["title"].text == "Teaching model"


def test_synthetic_properties_keep_a_subtitle_and_refuse_a_caption_without_synthetic():
    title = alt.TitleParams("Main", subtitle="first line")
    props = _common.synthetic_properties(title, text="SYNTHETIC teaching cases")
    assert props["title"].text == "Main"
    assert props["title"].subtitle == ["first line", "SYNTHETIC teaching cases"]
    for bad in ("teaching cases", ""):
        with pytest.raises(ValueError, match="^text: "):
            _common.synthetic_properties("x", text=bad)
        with pytest.raises(ValueError, match="^text: "):
            _common.label_synthetic(_chart(), text=bad)


def test_with_properties_equals_altair_properties_without_changing_the_chart():
    chart = _chart()
    before = chart.to_dict()
    assert _common.with_properties(chart) is chart
    changed = _common.with_properties(chart, width=300, height=120, title="new")
    assert changed.to_dict() == chart.properties(width=300, height=120, title="new").to_dict()
    assert chart.to_dict() == before
