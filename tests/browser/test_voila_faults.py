"""What a viewer sees when something goes wrong, with the project's Voila configuration.

Scratch notebooks in a temporary folder (never in notebooks/): a cell that raises, a
cell that never finishes, and a panel whose callback fails. Viewers must get a short,
friendly message and a finished page - never a traceback or a page stuck on "Executing".
"""

from __future__ import annotations

import json

import harness
import nbformat
import pytest

SECRET = "internal-detail-7f3a"

PANEL = """
import ipywidgets as widgets, altair as alt, pandas as pd
from hcckit.widgets import chart_view, message_box, primary, safe

def make_chart(k):
    return alt.Chart(pd.DataFrame({"x": list(range(10)), "y": [i * k for i in range(10)]})).mark_line().encode(
        alt.X("x:Q", title="Time (months)"), alt.Y("y:Q", title="Value (%)"))

msg = message_box()
slider = primary(widgets.IntSlider(value=1, min=1, max=5, description="k", continuous_update=False))
view = chart_view(make_chart(1))

@safe(msg)
def redraw(change):
    if change["new"] >= 3:
        raise ValueError("k must be below 3 in this scratch panel")
    view.chart = make_chart(change["new"])

slider.observe(redraw, names="value")
widgets.VBox([slider, view, msg])
"""


UPLOAD = """
from hcckit import widgets
from hcckit.widgets.uploads import MeasurementsUploadPanel

widgets.setup()
MeasurementsUploadPanel()
"""


def _write(folder, name, *cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    title = f"# {name}\n\nSurvival $S(t) = e^{{-\\lambda t}}$ (typeset offline)."
    nb.cells = [nbformat.v4.new_markdown_cell(title)] + [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, folder / f"{name}.ipynb")


@pytest.fixture(scope="module")
def fault_server(chromium_ready, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fault-notebooks")
    _write(folder, "raises", "x = 1", f"raise RuntimeError('{SECRET}')")
    _write(folder, "never_finishes", "import time\ntime.sleep(3600)")
    _write(folder, "panel", PANEL)
    _write(folder, "upload", UPLOAD)
    # the project configuration, with a short cell timeout so the test does not wait 2 minutes
    server = harness.start_voila(
        folder, extra_args=["--VoilaExecutor.timeout=15"], workdir=tmp_path_factory.mktemp("fault-voila")
    )
    yield server
    server.stop()


def test_error_shows_no_traceback(fault_server, new_page, screenshot_dir):
    page, watch = new_page()
    result = harness.open_voila_page(page, fault_server.url("voila/render/raises.ipynb"), timeout_s=60)
    page.screenshot(path=str(screenshot_dir / "fault-raises.png"), full_page=True)
    text = result.body_text
    assert "could not be shown" in text, text  # the project's friendly cell_error_instruction
    for leak in (SECRET, "Traceback", "RuntimeError", 'File "', "site-packages", "--show_tracebacks"):
        assert leak not in text, f"viewer sees {leak!r}:\n{text}"
    assert not watch.problems(), "\n".join(watch.problems())


def test_stuck_cell_times_out_with_message(fault_server, new_page, screenshot_dir):
    page, watch = new_page()
    result = harness.open_voila_page(
        page, fault_server.url("voila/render/never_finishes.ipynb"), timeout_s=60
    )
    page.screenshot(path=str(screenshot_dir / "fault-timeout.png"), full_page=True)
    assert result.load_s < 40, f"page took {result.load_s:.0f} s: the execution timeout did not apply"
    assert "took too long" in result.body_text, result.body_text
    assert "--VoilaExecutor" not in result.body_text
    assert not watch.problems(), "\n".join(watch.problems())


def test_callback_error_is_a_message(fault_server, new_page, screenshot_dir):
    page, watch = new_page()
    result = harness.open_voila_page(page, fault_server.url("voila/render/panel.ipynb"), timeout_s=60)
    assert all(n > 0 for n in result.charts) and result.charts
    before = harness.chart_state(page)
    harness.poke_primary(page)  # 1 -> 2: fine, the chart changes
    harness.wait_chart_change(page, before)
    harness.poke_primary(page)  # 2 -> 3: the callback raises ValueError
    page.wait_for_selector(".hcckit-message .hcckit-error", timeout=15_000)
    page.screenshot(path=str(screenshot_dir / "fault-callback.png"), full_page=True)
    message = page.inner_text(".hcckit-message")
    assert "k must be below 3" in message
    assert page.query_selector("mjx-container"), (
        "LaTeX in markdown was not typeset (MathJax is bundled, no CDN)"
    )
    assert "Traceback" not in page.inner_text("body")
    assert not watch.problems(), "\n".join(watch.problems())


def test_voila_settings_agree():
    """Standalone Voila (voila.json) and Voila inside Jupyter server use the same executor settings."""
    voila = json.loads((harness.CONFIG_DIR / "voila.json").read_text())
    server = json.loads((harness.CONFIG_DIR / "jupyter_server_config.json").read_text())
    assert voila["VoilaExecutor"] == server["VoilaExecutor"]
    assert voila["VoilaConfiguration"]["show_tracebacks"] is False
    assert voila["VoilaConfiguration"]["strip_sources"] is True
    assert voila["VoilaExecutor"]["timeout"] > 0


def _choose_file(page, path) -> None:
    """Click the FileUpload button and pick ``path`` in the file chooser, as a user does."""
    with page.expect_file_chooser() as chooser:
        page.click(".widget-upload")
    chooser.value.set_files(str(path))


def test_bad_upload_keeps_the_dashboard(fault_server, new_page, screenshot_dir, tmp_path):
    """Upload a good CSV through the browser (chart drawn), then a broken one: message, results kept."""
    from hcckit import uploads

    good = tmp_path / "cases.csv"
    good.write_text(uploads.example_csv("measurements").replace("Teaching patient (synthetic)", "P7"))
    bad = tmp_path / "cases.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a csv")
    page, watch = new_page()
    harness.open_voila_page(page, fault_server.url("voila/render/upload.ipynb"), timeout_s=60)
    before = harness.chart_state(page)
    _choose_file(page, good)
    harness.wait_chart_change(page, before)
    page.wait_for_selector(".hcckit-message .hcckit-info", timeout=15_000)
    assert "P7" in page.inner_text("#rendered_cells")
    drawn = harness.chart_state(page)

    _choose_file(page, bad)
    page.wait_for_selector(".hcckit-message .hcckit-error", timeout=15_000)
    page.screenshot(path=str(screenshot_dir / "fault-upload.png"), full_page=True)
    assert "cases.xlsx" in page.inner_text(".hcckit-message")
    assert harness.chart_state(page) == drawn, "a bad file must leave the previous chart in place"
    assert "P7" in page.inner_text("#rendered_cells")
    assert "Traceback" not in page.inner_text("body")
    assert not watch.problems(), "\n".join(watch.problems())
