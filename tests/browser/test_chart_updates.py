"""In-place chart updates (hcckit.widgets._chartlib.STUB_ESM) draw exactly what a full redraw draws.

When a chart view gets a spec that differs only in its data, the browser hands the new values
to the drawn Vega view instead of re-embedding the chart. Here a live chart is changed twice by
its slider - a data-only change (in place) and a change of title (full redraw) - and compared,
pixel for pixel, with charts of the same specs drawn from scratch on the same page.
"""

from __future__ import annotations

import harness
import nbformat
import pytest

PANEL = """
import ipywidgets as widgets, altair as alt, pandas as pd
from hcckit.widgets import chart_view, primary

def make_chart(k):
    df = pd.DataFrame({"x": list(range(8)), "y": [(i % 4 + 1) * k for i in range(8)], "g": ["a", "b"] * 4})
    chart = alt.Chart(df).mark_bar().encode(x="x:O", y=alt.Y("y:Q", title="Value (%)"), color="g:N")
    return chart.properties(title="Title changed" if k >= 3 else "Same structure", width=300, height=150)

slider = primary(widgets.IntSlider(value=1, min=1, max=3, description="k", continuous_update=False))
live = chart_view(make_chart(1))
live.add_class("live")
refs = [chart_view(make_chart(k)) for k in (2, 3)]
refs[0].add_class("ref-2")
refs[1].add_class("ref-3")
slider.observe(lambda change: setattr(live, "chart", make_chart(change["new"])), names="value")
widgets.VBox([slider, live, *refs])
"""

STATE_JS = r"""
(selector) => {
  const root = document.querySelector(selector);
  const host = [root, ...root.querySelectorAll('*')].find((e) => e.__hcckitUpdates);
  // what is drawn: the canvas pixels, or the SVG with its page-unique ids (clip paths) numbered
  const canvas = root.querySelector('canvas');
  const svg = root.querySelector('svg');
  let drawn = canvas ? canvas.toDataURL() : '';
  if (svg) {
    const ids = new Map();
    drawn = svg.outerHTML.replace(/(id="|url\(#|href="#)([^")]+)/g, (m, pre, id) => {
      if (!ids.has(id)) ids.set(id, 'id' + ids.size);
      return pre + ids.get(id);
    });
  }
  return {updates: host ? {...host.__hcckitUpdates} : null, pixels: drawn};
}
"""


@pytest.fixture(scope="module")
def update_server(chromium_ready, tmp_path_factory):
    folder = tmp_path_factory.mktemp("update-notebooks")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(PANEL)]
    nbformat.write(nb, folder / "updates.ipynb")
    server = harness.start_voila(folder, workdir=tmp_path_factory.mktemp("update-voila"))
    yield server
    server.stop()


def _wait_updates(page, key: str, count: int) -> dict:
    page.wait_for_function(
        f"([sel, key, n]) => {{ const u = ({STATE_JS.strip()})(sel).updates; return u && u[key] >= n; }}",
        arg=[".live", key, count],
        timeout=30_000,
    )
    page.wait_for_timeout(200)  # let the canvas finish painting
    return page.evaluate(STATE_JS, ".live")


def test_data_only_change_is_drawn_in_place_and_matches_a_full_redraw(update_server, new_page):
    page, watch = new_page()
    result = harness.open_voila_page(page, update_server.url("voila/render/updates.ipynb"), timeout_s=60)
    assert len(result.charts) == 3 and all(n > 0 for n in result.charts), result.charts
    first = page.evaluate(STATE_JS, ".live")
    assert {k: first["updates"][k] for k in ("full", "data")} == {"full": 1, "data": 0}
    assert first["pixels"] and first["pixels"] != page.evaluate(STATE_JS, ".ref-2")["pixels"]

    harness.poke_primary(page)  # k 1 -> 2: only the data change
    after = _wait_updates(page, "data", 1)
    assert {k: after["updates"][k] for k in ("full", "data")} == {"full": 1, "data": 1}, (
        "a data-only change must not re-embed"
    )
    assert len(after["updates"]["ms"]) == 1 and after["updates"]["ms"][0] > 0
    assert after["pixels"] == page.evaluate(STATE_JS, ".ref-2")["pixels"], (
        "the chart updated in place differs from the same spec drawn from scratch"
    )

    harness.poke_primary(page)  # k 2 -> 3: the title changes too, so the chart is redrawn
    last = _wait_updates(page, "full", 2)
    assert {k: last["updates"][k] for k in ("full", "data")} == {"full": 2, "data": 1}
    assert last["pixels"] == page.evaluate(STATE_JS, ".ref-3")["pixels"]
    assert not watch.problems(), "\n".join(watch.problems())
