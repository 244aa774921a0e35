"""hcckit.widgets._chartlib: any mismatch with altair falls back to altair's own offline charts."""

from __future__ import annotations

import logging
import subprocess
import sys

import altair as alt
import altair.jupyter.jupyter_chart as jupyter_chart
import pandas as pd
import pytest

from hcckit import _patches
from hcckit.widgets import _chartlib, chart_view


def _chart(k=1):
    return alt.Chart(pd.DataFrame({"x": [0, 1, 2], "y": [0, k, 2 * k]})).mark_line().encode(x="x:Q", y="y:Q")


@pytest.fixture
def recheck(monkeypatch):
    """Forget the kernel's decision, so the next chart checks altair again; restore altair after."""
    monkeypatch.setattr(_chartlib, "_PROBLEM", [])
    monkeypatch.setattr(alt.JupyterChart, "_esm", alt.JupyterChart._esm)
    monkeypatch.setattr(alt.JupyterChart, "_is_offline", alt.JupyterChart._is_offline)
    _chartlib._altair_offline.cache_clear()
    yield monkeypatch
    _chartlib._altair_offline.cache_clear()


def test_pinned_altair_takes_the_shared_library_path():
    assert _chartlib.problem() is None and _chartlib.shared()
    view = chart_view(_chart())
    assert isinstance(view, _chartlib.Chart)
    assert view.library is _chartlib.library()


def test_a_fresh_kernel_takes_the_shared_library_path_without_a_warning():
    code = (
        "from hcckit import widgets; import altair as alt, pandas as pd;"
        "widgets.setup(); v = widgets.chart_view(alt.Chart(pd.DataFrame({'x': [1]})).mark_point());"
        "from hcckit.widgets._chartlib import Chart; print(isinstance(v, Chart))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
    assert "offline mode" not in out.stderr


MISMATCHES = {
    "another altair version": lambda mp, tmp: mp.setattr(_patches, "installed_version", lambda d: (6, 4)),
    "a private function missing": lambda mp, tmp: mp.delattr(jupyter_chart, "load_js_src"),
    "the anchor moved": lambda mp, tmp: mp.setattr(_chartlib, "_EMBED_ANCHOR", "finalize = api.finalizer;"),
    "no bundle for this version": lambda mp, tmp: mp.setattr(_chartlib, "JS_DIR", tmp),
    "a bundle of another shape": lambda mp, tmp: (
        mp.setattr(_chartlib, "JS_DIR", tmp),
        (tmp / _chartlib.shipped_path().name).write_text("export default {};", encoding="utf-8"),
    ),
}


@pytest.mark.parametrize("mismatch", list(MISMATCHES))
def test_any_mismatch_is_detected_and_logged_once(recheck, tmp_path, caplog, mismatch):
    MISMATCHES[mismatch](recheck, tmp_path)
    with caplog.at_level(logging.WARNING, logger="hcckit.widgets"):
        reason = _chartlib.problem()
        assert _chartlib.problem() == reason
    assert reason
    assert not _chartlib.shared()
    warnings = [r for r in caplog.records if "altair's own offline mode" in r.getMessage()]
    assert len(warnings) == 1 and reason in warnings[0].getMessage()
    with pytest.raises(RuntimeError, match="not available"):
        _chartlib.bundle()


def test_fallback_charts_are_altair_offline_charts_that_still_redraw(recheck, tmp_path):
    recheck.setattr(_patches, "installed_version", lambda d: (6, 4))
    view = chart_view(_chart(1))
    assert isinstance(view, _chartlib.OfflineChart) and not isinstance(view, _chartlib.Chart)
    assert "hcckit-chart" in view._dom_classes
    assert alt.JupyterChart._is_offline and len(view._esm) > 500_000  # altair's own bundle, no CDN
    assert "hcckit-panel" in view._css and "Save figure" in view._css  # the kit's page styles
    assert view.embed_options["actions"]["editor"] is False
    view.chart = _chart(3)
    values = (
        next(iter(view.spec["datasets"].values())) if "datasets" in view.spec else view.spec["data"]["values"]
    )
    assert values[1]["y"] == 3
    data = _chartlib.renderer(_chart(2).to_dict())
    data = data[0] if isinstance(data, tuple) else data
    assert "application/vnd.jupyter.widget-view+json" in data


def test_no_vl_convert_means_altair_charts_from_its_cdn_not_an_error(recheck, caplog):
    recheck.setattr(_patches, "installed_version", lambda d: (6, 4))
    recheck.setattr(alt.JupyterChart, "enable_offline", classmethod(lambda cls, offline=True: 1 / 0))
    with caplog.at_level(logging.WARNING, logger="hcckit.widgets"):
        view = chart_view(_chart())
    assert isinstance(view, _chartlib.OfflineChart)
    assert any("charts load from a CDN" in r.getMessage() for r in caplog.records)
