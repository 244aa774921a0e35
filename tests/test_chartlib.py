"""hcckit.widgets._chartlib: one copy of the chart JavaScript per kernel, shipped pre-built."""

from __future__ import annotations

import json
import subprocess
import sys

import altair as alt
import pandas as pd

from hcckit.widgets import _chartlib, chart_view


def _chart(k=1):
    return alt.Chart(pd.DataFrame({"x": [0, 1, 2], "y": [0, k, 2 * k]})).mark_line().encode(x="x:Q", y="y:Q")


def test_shipped_bundle_matches_installed_altair():
    """The pre-built bundle exists for the installed altair and equals what vl-convert builds now."""
    path = _chartlib.shipped_path()
    assert path.exists(), f"missing {path.name}: run python tools/build_chart_bundle.py"
    shipped = path.read_text(encoding="utf-8")
    body = "".join(line for line in shipped.splitlines(keepends=True) if not line.startswith("// "))
    assert body == _chartlib.build_bundle()
    assert _chartlib._EXPORT in shipped


def test_charts_share_one_library_and_carry_a_small_module():
    a, b = chart_view(_chart(1)), chart_view(_chart(2))
    assert isinstance(a, alt.JupyterChart)
    assert a.library is b.library is _chartlib.library()
    assert len(a._esm) < 10_000, "each chart must not carry the 0.9 MB bundle"  # ~5 kB: loader + panel CSS
    assert len(a.library.code) > 500_000
    state = a.get_state()
    assert state["library"] == f"IPY_MODEL_{a.library.model_id}"
    assert len(json.dumps(state["spec"])) < 5_000
    b.chart = _chart(3)
    values = next(iter(b.spec["datasets"].values())) if "datasets" in b.spec else b.spec["data"]["values"]
    assert values[1]["y"] == 3


def test_kernel_does_not_start_vl_convert():
    """Showing charts must not load vl-convert's JavaScript engine (about 55 MB per kernel)."""
    code = (
        "import sys; from hcckit import widgets; widgets.setup();"
        "import altair as alt, pandas as pd;"
        "v = widgets.chart_view(alt.Chart(pd.DataFrame({'x': [1]})).mark_point().encode(x='x:Q'));"
        "alt.Chart(pd.DataFrame({'x': [1]})).mark_point()._repr_mimebundle_();"
        "print('vl_convert' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_plain_chart_display_uses_the_shared_library():
    from hcckit import widgets

    widgets.setup()
    bundle = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data
    assert not any("cdn" in str(v).lower() for v in data.values())
