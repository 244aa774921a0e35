"""The altair speed-up in hcckit.charts._common: same results, table built once."""

import altair as alt
import pandas as pd
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
