"""The hcckit Voila template lays a lesson out as an app, at projector size (1280x800).

For every notebook in notebooks/: the page title and the loading screen show the lesson's H1;
the table of contents lists the notebook's "## " sections; one section is visible at a time;
"next section" shows the next and changes the hash; a chart in a later section has a real size
once its section is shown; reloading with a hash opens that section; nothing is wider than the
window in any section. A small notebook written by the test checks that "lab-only" cells run
but never reach the page, that a width-"container" chart drawn while hidden fills its column
once shown, that a wide table scrolls in its own box, and that the contents collapse on a
narrow screen. Screenshots: artifacts/screenshots/layout_<lesson>.png.
"""

from __future__ import annotations

import html
import re

import harness
import nbformat
import pytest

LESSONS = harness.lesson_notebooks()
VIEWPORT = (1280, 800)

# width of the page's scrolling box against the window, in the section shown now
OVERFLOW_JS = """
() => ({scroll: document.scrollingElement.scrollWidth, body: document.body.scrollWidth,
        inner: window.innerWidth})
"""
# every section in turn: its overflow, then back to the one that was shown
ALL_SECTIONS_OVERFLOW_JS = """
async () => {
  const s = window.hcckitSections, start = s.current(), out = [];
  for (let i = 0; i < s.count; i++) {
    s.show(i);
    await new Promise(r => setTimeout(r, 120));
    out.push({section: i, scroll: document.scrollingElement.scrollWidth,
              body: document.body.scrollWidth, inner: window.innerWidth});
  }
  s.show(start);
  return out;
}
"""
# the drawn surface of the chart(s) in the section shown now: size and visibility
CHART_BOX_JS = """
() => Array.from(document.querySelectorAll('.hcckit-section--current .hcckit-chart, '
    + '.hcckit-section--current .vega-embed'))
  .map(el => el.querySelector('svg.marks') || el.querySelector('canvas') || el.querySelector('svg'))
  .filter(Boolean)
  .map(surface => { const r = surface.getBoundingClientRect();
    return {width: r.width, height: r.height, visible: surface.checkVisibility()}; })
"""
# index of the last section holding a chart (-1: none)
LAST_CHART_SECTION_JS = """
() => Math.max(-1, ...Array.from(document.querySelectorAll('.hcckit-section'))
  .filter(s => s.querySelector('.hcckit-chart, .vega-embed'))
  .map(s => Number(s.dataset.hcckitIndex)))
"""


def page_problems(watch) -> list[str]:
    """Console errors and outside requests, less Voila's own kernel-shutdown beacon on reload.

    (Reloading a Voila page sends /voila/api/shutdown/<kernel> from a beforeunload handler;
    the standalone server answers 403 and Chromium logs it: Voila's behaviour, not the layout's.)
    """
    return [p for p in watch.problems() if "/voila/api/shutdown/" not in p]


def _plain(text: str) -> str:
    """Lower-case letters and digits only: markdown source and rendered text compare equal."""
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def lesson_h1(nb) -> str:
    first = nb.cells[0] if nb.cells else None
    if first is None or first.cell_type != "markdown":
        return ""
    return next((line[2:].strip() for line in first.source.splitlines() if line.startswith("# ")), "")


def lesson_h2s(nb) -> list[str]:
    """The "## " headings that start sections in Voila (a "lab-only" heading, e.g. Setup, does not)."""
    return [
        c.source.lstrip().splitlines()[0][3:].strip()
        for c in nb.cells
        if c.cell_type == "markdown"
        and c.source.lstrip().startswith("## ")
        and "lab-only" not in c.metadata.get("tags", [])
    ]


def has_intro(nb) -> bool:
    for c in nb.cells:
        if c.cell_type == "markdown" and c.source.lstrip().startswith("## "):
            return False
        if "lab-only" not in c.metadata.get("tags", []):
            return True
    return False


def open_lesson(page, url: str):
    """Open a Voila page (waiting like the lesson tests do); also return the served HTML."""
    documents = []
    page.on("response", lambda r: documents.append(r) if r.request.resource_type == "document" else None)
    result = harness.open_voila_page(page, url)
    page.wait_for_function("() => window.hcckitSections !== undefined", timeout=10_000)
    served = documents[0].text() if documents else ""
    return result, served


def wait_reload(page) -> None:
    page.reload(wait_until="commit", timeout=120_000)
    page.wait_for_selector("#loading", state="detached", timeout=120_000)
    page.wait_for_selector("#rendered_cells", state="visible", timeout=120_000)
    page.wait_for_function("() => window.hcckitSections !== undefined", timeout=10_000)


def assert_loading_title(served: str, title: str, name: str) -> None:
    """The spinner, as served before any cell runs, names the lesson above 'Executing N of M'."""
    m = re.search(
        r'<div id="loading"[^>]*>.*?<p id="hcckit-loading-title"[^>]*>(.*?)</p>\s*<h2 id="loading_text">',
        served,
        re.S,
    )
    assert m, f"{name}: no lesson title in the loading screen (above #loading_text)"
    assert html.unescape(m.group(1)).strip() == title, (name, m.group(1))
    # the title comes before the first cell, so it shows while the kernel runs the notebook
    assert served.index('id="hcckit-loading-title"') < served.index("cell-index="), name


@pytest.mark.parametrize("notebook", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_layout(notebook, voila_server, new_page, screenshot_dir):
    nb = nbformat.read(notebook, as_version=4)
    name = notebook.name
    title, h2s = lesson_h1(nb), lesson_h2s(nb)
    page, watch = new_page(VIEWPORT)
    result, served = open_lesson(page, voila_server.url(f"voila/render/{name}"))
    assert not result.error_texts, f"{name}: {result.error_texts}"

    # title: page <title> and the loading screen
    assert title, f"{name}: first cell has no '# ' title line"
    assert page.title() == title
    assert_loading_title(served, title, name)

    # table of contents: the intro, then every "## " section, in order
    state = harness.sections(page)
    assert state is not None, f"{name}: no section layout (window.hcckitSections missing)"
    expected = (["Introduction"] if has_intro(nb) else []) + h2s
    assert [_plain(t) for t in state["toc"]] == [_plain(t) for t in expected], (name, state["toc"])
    assert state["count"] == len(expected) >= 2, name
    assert state["current"] == 0 and state["visible"] == [0] and state["tocCurrent"] == [0], (name, state)
    toc = page.query_selector("#hcckit-toc")
    box = toc.bounding_box()
    assert box and 200 <= box["width"] <= 260 and box["x"] <= 1, (name, box)

    # next section: the next one alone is visible, the hash says which
    page.click(".hcckit-section--current .hcckit-next")
    page.wait_for_function("() => window.hcckitSections.current() === 1")
    state = harness.sections(page)
    assert state["visible"] == [1] and state["hash"] == "#s1" and state["tocCurrent"] == [1], (name, state)
    page.go_back()
    page.wait_for_function("() => window.hcckitSections.current() === 0")
    assert harness.sections(page)["visible"] == [0], name

    # a chart in a later section (hidden when it was drawn) has a real size once shown
    target = page.evaluate(LAST_CHART_SECTION_JS)
    if target < 1:
        target = state["count"] - 1
    page.click(f'#hcckit-toc a[data-hcckit-target="{target}"]')
    page.wait_for_function(f"() => window.hcckitSections.current() === {target}")
    page.wait_for_timeout(600)
    state = harness.sections(page)
    assert state["visible"] == [target] and state["hash"] == f"#s{target}", (name, state)
    boxes = page.evaluate(CHART_BOX_JS)
    if page.evaluate(LAST_CHART_SECTION_JS) >= 1:
        assert boxes, f"{name}: section {target} has a chart but nothing drawn"
        assert all(b["visible"] and b["width"] > 100 and b["height"] > 50 for b in boxes), (name, boxes)
        charts = [
            page.evaluate(harness.MARK_JS, el)
            for el in page.query_selector_all(".hcckit-section--current .hcckit-chart")
        ]
        assert all(n > 0 for n in charts), (name, charts)
    page.screenshot(path=str(screenshot_dir / f"layout_{notebook.stem}.png"))

    # no horizontal overflow, in any section
    for row in page.evaluate(ALL_SECTIONS_OVERFLOW_JS):
        assert row["scroll"] <= row["inner"] and row["body"] <= row["inner"], (name, row)

    # reload with the hash: the same section opens
    wait_reload(page)
    state = harness.sections(page)
    assert state["current"] == target and state["visible"] == [target], (name, state)
    assert state["tocCurrent"] == [target], (name, state)

    # body text large enough to read from the back of the room
    sizes = page.evaluate(
        "() => Array.from(document.querySelectorAll('#hcckit-content .jp-MarkdownOutput p'))"
        ".map(p => parseFloat(getComputedStyle(p).fontSize))"
    )
    assert sizes and min(sizes) >= 16, (name, sizes and min(sizes))
    assert "\u23f3" not in page.inner_text("#rendered_cells"), f"{name}: hourglass glyph shown"
    assert not page_problems(watch), f"{name}:\n" + "\n".join(page_problems(watch))


PROBE_SECRET = "LAB-ONLY-OUTPUT-7731"
PROBE_CELLS = [
    ("markdown", "# Layout probe: sections and lab-only cells\n\nWhat this page checks.", []),
    ("code", f"probe = 41\nprint({PROBE_SECRET!r})", ["lab-only"]),
    ("markdown", "## First section\n\nSome text.", []),
    ("code", "print('visible', probe + 1)", []),
    ("markdown", "## A chart drawn while hidden", []),
    (
        "code",
        "import altair as alt, pandas as pd\n"
        "from hcckit.widgets import chart_view\n"
        "df = pd.DataFrame({'x': list(range(10)), 'y': [v * v for v in range(10)]})\n"
        "chart_view(alt.Chart(df).mark_bar().encode(x='x:O', y='y:Q')"
        ".properties(width='container', height=200))",
        [],
    ),
    ("markdown", "## A wide table", []),
    (
        "code",
        "import pandas as pd\n"
        "pd.DataFrame([[f'value {r}-{c}' for c in range(40)] for r in range(3)],"
        " columns=[f'a long column header {c}' for c in range(40)])",
        [],
    ),
]


@pytest.fixture(scope="module")
def probe_server(chromium_ready, tmp_path_factory):
    folder = tmp_path_factory.mktemp("layout-notebooks")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for kind, source, tags in PROBE_CELLS:
        cell = (
            nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
        )
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    nbformat.write(nb, folder / "probe.ipynb")
    server = harness.start_voila(folder, workdir=tmp_path_factory.mktemp("layout-voila"))
    yield server
    server.stop()


def test_lab_only_cells_run_but_are_not_shown(probe_server, new_page):
    page, watch = new_page(VIEWPORT)
    result, served = open_lesson(page, probe_server.url("voila/render/probe.ipynb"))
    assert not result.error_texts, result.error_texts
    # the lab-only cell ran (the next section uses its variable) ...
    page.evaluate("() => window.hcckitSections.show(1)")
    assert "visible 42" in page.inner_text("#rendered_cells")
    # ... but neither its output nor its cell reached the page
    assert PROBE_SECRET not in served
    assert PROBE_SECRET not in page.content()
    assert page.query_selector_all(".celltag_lab-only") == []
    assert_loading_title(served, "Layout probe: sections and lab-only cells", "probe.ipynb")
    assert harness.sections(page)["titles"] == [
        "Introduction",
        "First section",
        "A chart drawn while hidden",
        "A wide table",
    ]
    assert not watch.problems(), "\n".join(watch.problems())


def test_hidden_container_chart_and_wide_table(probe_server, new_page, screenshot_dir):
    page, watch = new_page(VIEWPORT)
    open_lesson(page, probe_server.url("voila/render/probe.ipynb"))
    assert harness.sections(page)["current"] == 0  # the chart's section is hidden while it draws

    page.click('#hcckit-toc a[data-hcckit-target="2"]')
    page.wait_for_function("() => window.hcckitSections.current() === 2")
    page.wait_for_timeout(600)
    column = page.eval_on_selector(".hcckit-section--current", "s => s.getBoundingClientRect().width")
    boxes = page.evaluate(CHART_BOX_JS)
    assert len(boxes) == 1 and boxes[0]["visible"], boxes
    # width "container": the chart fills most of its column once its section is shown
    assert boxes[0]["width"] > 0.6 * column, (boxes, column)
    chart = page.query_selector(".hcckit-section--current .hcckit-chart")
    assert page.evaluate(harness.MARK_JS, chart) > 0

    # a 40-column table scrolls inside its own box; the page does not
    page.click(".hcckit-section--current .hcckit-next")
    page.wait_for_function("() => window.hcckitSections.current() === 3")
    table = page.eval_on_selector(
        ".hcckit-section--current table",
        "t => { let b = t; while (b && !(b.scrollWidth > b.clientWidth && "
        "/(auto|scroll)/.test(getComputedStyle(b).overflowX))) b = b.parentElement;"
        " return b ? {box: b.clientWidth, content: b.scrollWidth} : null; }",
    )
    assert table and table["content"] > table["box"], table
    sizes = page.evaluate(OVERFLOW_JS)
    assert sizes["scroll"] <= sizes["inner"] and sizes["body"] <= sizes["inner"], sizes
    page.screenshot(path=str(screenshot_dir / "layout_probe_table.png"))

    # narrow screen: the contents hide behind a "Sections" button
    page.set_viewport_size({"width": 800, "height": 800})
    page.wait_for_timeout(200)
    assert not page.is_visible("#hcckit-toc")
    page.click("#hcckit-toc-toggle")
    assert page.is_visible("#hcckit-toc")
    page.click('#hcckit-toc a[data-hcckit-target="1"]')
    page.wait_for_function("() => window.hcckitSections.current() === 1")
    assert not page.is_visible("#hcckit-toc")
    sizes = page.evaluate(OVERFLOW_JS)
    assert sizes["scroll"] <= sizes["inner"], sizes
    assert not watch.problems(), "\n".join(watch.problems())
