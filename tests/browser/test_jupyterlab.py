"""A lesson opened in JupyterLab in a real Chromium: run all cells, charts draw, offline.

JupyterLab serves a temporary copy of notebooks/ (so running cells can never write outputs
into the repository), with autosave and news checks off. The notebook checked is the first
lesson whose code draws a chart; ``benchmarks/baseline.ipynb`` stands in while no lesson does.
"""

from __future__ import annotations

import json
import shutil

import harness
import nbformat
import pytest

SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def _draws_charts(path) -> bool:
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return any(word in code for word in ("_chart(", "_panel(", "Panel(", "chart_view(", "JupyterChart("))


def _pick_notebook():
    """The first lesson (not the landing page) that draws charts; else the landing page; else the baseline."""
    candidates = [p for p in harness.lesson_notebooks() if _draws_charts(p)]
    lessons = [p for p in candidates if not p.name.startswith("00_")]
    if lessons or candidates:
        return (lessons or candidates)[0], "notebooks"
    return harness.REPO / "benchmarks" / "baseline.ipynb", "benchmarks"


@pytest.fixture(scope="module")
def lab(chromium_ready, tmp_path_factory):
    root = tmp_path_factory.mktemp("lab-root")
    shutil.copytree(harness.NOTEBOOKS, root / "notebooks", dirs_exist_ok=True)
    (root / "benchmarks").mkdir()
    shutil.copy2(harness.REPO / "benchmarks" / "baseline.ipynb", root / "benchmarks" / "baseline.ipynb")
    workdir = tmp_path_factory.mktemp("lab")
    for rel, value in SETTINGS.items():
        target = workdir / "settings" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(value))
    server = harness.start_lab(root, workdir=workdir)
    yield server
    server.stop()


RUN_ALL_JS = """
async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  await app.commands.execute('notebook:run-all-cells');
  return panel.content.widgets.length;
}
"""

DONE_JS = """
() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const code = panel.content.widgets.filter(c => c.model.type === 'code');
  const ran = code.every(c => c.model.executionCount !== null || c.model.sharedModel.getSource().trim() === '');
  return ran && kernel && kernel.status === 'idle';
}
"""

ERRORS_JS = """
() => window.jupyterapp.shell.currentWidget.content.widgets
  .filter(c => c.model.type === 'code')
  .flatMap(c => c.model.outputs.toJSON())
  .filter(o => o.output_type === 'error')
  .map(o => o.ename + ': ' + o.evalue)
"""


def test_lesson_charts_render_in_jupyterlab(lab, new_page, screenshot_dir):
    notebook, folder = _pick_notebook()
    page, watch = new_page(viewport=(1400, 1000))
    page.goto(lab.url(f"lab/tree/{folder}/{notebook.name}"), wait_until="load")
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
        "&& window.jupyterapp.shell.currentWidget.sessionContext",
        timeout=90_000,
    )
    page.evaluate(RUN_ALL_JS)
    page.wait_for_function(DONE_JS, timeout=180_000, polling=250)
    errors = page.evaluate(ERRORS_JS)
    assert not errors, f"{notebook.name} in JupyterLab: {errors}"

    charts = page.locator(".jp-OutputArea-output .vega-embed")
    page.wait_for_function(
        "() => { const c = document.querySelectorAll('.jp-OutputArea-output .vega-embed');"
        " return c.length > 0 && Array.from(c).every(e => e.querySelector('svg g.role-mark, canvas')); }",
        timeout=60_000,
    )
    marks = [page.evaluate(harness.MARK_JS, el) for el in charts.element_handles()]
    charts.first.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(screenshot_dir / f"lab-{notebook.stem}.png"))
    print(f"JupyterLab: {notebook.name}: {len(marks)} charts, marks {marks}")
    assert marks and all(n > 0 for n in marks), f"charts without marks in JupyterLab: {marks}"
    text = page.inner_text(".jp-NotebookPanel")
    assert "Error displaying widget" not in text
    assert not watch.problems(), "\n".join(watch.problems())
