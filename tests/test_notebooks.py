"""Every notebooks/*.ipynb: stored without outputs, and runs top to bottom headless with no error.

Notebooks are executed with nbclient in a fresh ``python3`` kernel whose working folder is
``notebooks/`` (as in JupyterLab and Voila). The list is read at collection time, so new
lessons are covered without editing this file.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]

# Output that would need the internet to display (a chart renderer loading Vega from a CDN).
ANSI = re.compile(r"\x1b\[[0-9;]*m")
CDN = re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//(cdn\.|unpkg\.com|cdnjs\.|fonts\.googleapis)""", re.I)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, f"{path.name}: code cells {dirty} have stored outputs; clear them before committing"
    assert nb.metadata.get("kernelspec", {}).get("name", "python3") == "python3", (
        f"{path.name}: kernelspec must be python3 (the only kernel Binder and Voila provide)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_setup_is_not_a_screen_in_voila_and_the_lesson_ends_with_its_links(path):
    """docs/DEVELOPING.md: the "## Setup" heading and its code cell are lab-only; the last cell is lesson-nav."""
    cells = nbformat.read(path, as_version=4).cells
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("## Setup"):
            for part in (cell, cells[i + 1]):
                assert "lab-only" in part.metadata.get("tags", []), (path.name, part.source[:40])
    assert "lesson-nav" in cells[-1].metadata.get("tags", []), path.name
    assert "00_index.ipynb" in cells[-1].source or path.name == "00_index.ipynb", path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_executes_without_error(path):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        allow_errors=False,
    )
    t0 = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(
            f"{path.name} raised while running top to bottom:\n{ANSI.sub('', str(exc))}", pytrace=False
        )
    seconds = time.perf_counter() - t0

    problems = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
            if (
                out.get("output_type") == "stream"
                and out.get("name") == "stderr"
                and "Traceback" in out.get("text", "")
            ):
                problems.append(f"cell {i}: traceback on stderr")
            html = out.get("data", {}).get("text/html", "")
            if isinstance(html, list):
                html = "".join(html)
            if CDN.search(html):
                problems.append(
                    f"cell {i}: output loads code from the internet (use the offline chart renderer)"
                )
    problems += _live_sliders(nb)
    assert not problems, f"{path.name}:\n" + "\n".join(problems)
    # the executed notebook must still be valid nbformat (altair's v6 mimetype output is not)
    nbformat.validate(nb)
    print(f"{path.name}: executed in {seconds:.1f} s")


def _live_sliders(nb) -> list[str]:
    """Sliders that would recompute on every pixel of a drag (continuous_update=True).

    Read from the widget state nbclient stores in the executed notebook. A slider whose
    callback is debounced instead may opt out with the CSS class ``hcckit-debounced``.
    """
    state = (
        nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    )
    out = []
    for model in state.values():
        name = model.get("model_name", "")
        attrs = model.get("state", {})
        if (
            name.endswith("SliderModel")
            and attrs.get("continuous_update") is True
            and ("hcckit-debounced" not in attrs.get("_dom_classes", []))
        ):
            out.append(f"{name} {attrs.get('description', '')!r}: continuous_update=True (set it to False)")
    return out
