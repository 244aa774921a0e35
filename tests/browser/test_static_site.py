"""The static site (``hcckit export-site``) in Chromium, opened from file:// with the network cut.

The site is exported once per session (every lesson, about a minute); set ``HCCKIT_STATIC_SITE`` to a
folder written by ``hcckit export-site`` to test that one instead. Every request that is not file://
(or data:/blob:) is aborted and recorded. Screenshots: artifacts/screenshots/site-<lesson>.png.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import harness
import pytest

from hcckit import site

LESSONS = [p.stem for p in site.lessons_in()]
LOCAL = ("file:", "data:", "blob:", "about:")
DONE_JS = "() => window.hcckitCharts && window.hcckitCharts.done !== null"


@pytest.fixture(scope="session")
def static_site(chromium_ready, tmp_path_factory) -> Path:
    given = os.environ.get("HCCKIT_STATIC_SITE")
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("static-site")
    site.export_site(out)
    return out


class Offline:
    """A page in its own context: non-local requests aborted and recorded, page errors collected."""

    def __init__(self, browser, viewport=(1280, 800)):
        self.ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(60_000)
        self.external: list[str] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def _route(self, route):
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def open(self, path: Path) -> float:
        """Open a page; seconds from navigation start to the last chart drawn (by the page's clock)."""
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function(DONE_JS, timeout=60_000)
        return self.page.evaluate("() => window.hcckitCharts.done") / 1000

    def close(self):
        self.ctx.close()


@pytest.fixture
def offline(browser):
    pages: list[Offline] = []

    def make(**kw) -> Offline:
        pages.append(Offline(browser, **kw))
        return pages[-1]

    yield make
    for p in pages:
        p.close()


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_opens_offline_with_every_chart_drawn(static_site, offline, screenshot_dir, timings, lesson):
    page_file = static_site / f"{lesson}.html"
    assert page_file.is_file(), f"{lesson}.html was not exported"
    loads = []
    for _ in range(3):  # median of three loads, a fresh context each
        view = offline()
        loads.append(view.open(page_file))
        state = view.page.evaluate("() => window.hcckitCharts")
        assert state["failed"] == 0 and state["drawn"] == state["total"], state
        charts = view.page.query_selector_all(".hcckit-chart")
        assert len(charts) == state["total"]
        drawn = [view.page.evaluate(harness.MARK_JS, el) for el in charts]
        assert all(n > 0 or el.query_selector("svg, canvas") for n, el in zip(drawn, charts, strict=True)), (
            drawn
        )
        assert view.external == [], f"requests left the machine: {view.external[:5]}"
        assert view.errors == [], f"console errors: {view.errors[:5]}"
        if len(loads) < 3:
            view.close()
    width = view.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 1280, f"horizontal overflow: page is {width} px wide"
    harness.full_screenshot(view.page, screenshot_dir / f"site-{lesson}.png")
    timings.append(
        {"what": "static-site", "lesson": lesson, "load_s": statistics.median(loads), "loads_s": loads}
    )


def test_landing_page_links_every_lesson(static_site, offline):
    view = offline()
    view.page.goto((static_site / "index.html").resolve().as_uri())
    hrefs = view.page.eval_on_selector_all(
        ".hcckit-landing-list a", "els => els.map(a => a.getAttribute('href'))"
    )
    assert hrefs == [f"{s}.html" for s in LESSONS]
    assert view.external == [] and view.errors == []


def test_tooltip_on_hover(static_site, offline):
    """Hovering a data mark of the first chart of lesson 02 shows vega-tooltip's box with its values."""
    view = offline()
    view.open(static_site / "02_response_criteria.html")
    chart = view.page.query_selector("#chart-0")
    chart.scroll_into_view_if_needed()
    marks = chart.query_selector_all("g.role-mark path, g.role-mark rect, g.role-mark symbol")
    assert marks, "no data mark in the first chart"
    shown = False
    for mark in marks[:12]:
        box = mark.bounding_box()
        if not box or box["width"] * box["height"] == 0:
            continue
        view.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and not shown:
            shown = view.page.evaluate(
                "() => { const t = document.querySelector('#vg-tooltip-element');"
                " return !!t && t.classList.contains('visible') && t.innerText.trim().length > 0; }"
            )
            view.page.wait_for_timeout(50)
        if shown:
            break
    assert shown, "no tooltip appeared when hovering the chart's marks"
    assert view.external == [] and view.errors == []


def test_next_lesson_link_opens_the_next_page(static_site, offline):
    view = offline()
    view.open(static_site / f"{LESSONS[1]}.html")
    nav = view.page.query_selector(".hcckit-lesson-nav")
    assert nav is not None
    link = nav.query_selector(f'a[href="{LESSONS[2]}.html"]')
    assert link is not None, nav.inner_html()
    link.click()
    view.page.wait_for_url(f"**/{LESSONS[2]}.html")
    view.page.wait_for_function(DONE_JS, timeout=60_000)
    assert view.page.evaluate("() => window.hcckitCharts.failed") == 0
    assert view.external == [] and view.errors == []


BOUND_SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
    "data": {"values": [{"x": i, "y": i * i} for i in range(10)]},
    "params": [{"name": "cut", "value": 9, "bind": {"input": "range", "min": 0, "max": 9, "step": 1}}],
    "transform": [{"filter": "datum.x <= cut"}],
    "mark": "bar",
    "encoding": {
        "x": {"field": "x", "type": "ordinal"},
        "y": {"field": "y", "type": "quantitative"},
        "tooltip": [{"field": "y"}],
    },
}


def _bound_inputs(view) -> int:
    return view.page.evaluate(
        "() => document.querySelectorAll('.vega-bindings input, .vega-bindings select').length"
    )


def test_a_param_bound_to_an_input_works_offline(static_site, offline, tmp_path):
    """A Vega-Lite param bound to a slider filters the chart in the page: no kernel, no request."""
    import shutil

    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 99 · Bound param")])
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "chart",
            outputs=[
                nbformat.v4.new_output(
                    "display_data",
                    data={"application/vnd.vegalite.v6+json": BOUND_SPEC, "text/plain": "chart"},
                )
            ],
        )
    )
    shutil.copytree(static_site / "assets", tmp_path / "assets")
    page_file = tmp_path / "99_bound.html"
    page_file.write_text(site.render_lesson(nb, name="99_bound"), encoding="utf-8")
    view = offline()
    view.open(page_file)
    assert _bound_inputs(view) == 1
    bars = "document.querySelectorAll('#chart-0 g.role-mark path').length"
    assert view.page.evaluate(f"() => {bars}") == 10
    view.page.eval_on_selector(
        ".vega-bindings input[type=range]",
        "el => { el.value = 3; el.dispatchEvent(new Event('input', {bubbles: true})); }",
    )
    view.page.wait_for_function(f"() => {bars} === 4", timeout=5_000)
    assert view.external == [] and view.errors == []


#: Lessons whose charts bind params to inputs (issue #17: controls that only filter the data their
#: chart holds), with the least number of bound inputs each must draw.
BOUND = {"04_evidence_explorer": 1, "05_safety": 3}


def _declared_binds(static_site, lesson: str) -> int:
    import json
    import re

    text = (static_site / f"{lesson}.html").read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="hcckit-charts">(.*?)</script>', text, re.S)
    specs = json.dumps(json.loads(m.group(1).replace("<\\/", "</")))
    return len(re.findall(r'"bind": \{"input"', specs))


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_bound_params_render_their_inputs(static_site, offline, lesson):
    """Every chart param a lesson binds to an input (Vega-Lite ``bind``) shows that input, enabled."""
    wanted = _declared_binds(static_site, lesson)
    assert wanted >= BOUND.get(lesson, 0), f"{lesson}: {wanted} bound input(s), expected {BOUND.get(lesson)}"
    view = offline()
    view.open(static_site / f"{lesson}.html")
    assert _bound_inputs(view) >= wanted
    disabled = view.page.evaluate("() => document.querySelectorAll('.vega-bindings :disabled').length")
    assert disabled == 0
    assert view.external == [] and view.errors == []


# Choose every other option of each bound input (select or radio buttons) in turn, then the first one again; returns, per
# select, whether the chart's marks changed after each choice.
CHOOSE_JS = """
async () => {
  const out = [];
  for (const chart of document.querySelectorAll('.hcckit-chart')) {
    const select = chart.querySelector('.vega-bindings select');
    const radios = Array.from(chart.querySelectorAll('.vega-bindings input[type=radio]'));
    if (!select && !radios.length) continue;
    const svg = () => (chart.querySelector('svg.marks') || chart.querySelector('svg')).innerHTML;
    const font = parseFloat(getComputedStyle(chart.querySelector('.vega-bind-name')).fontSize);
    const changed = [];
    // every other choice, then the first one again
    const choices = select ? Array.from(select.options).map((o) => o.value) : radios.map((r) => r.value);
    const current = select ? select.value : radios.find((r) => r.checked).value;
    for (const value of choices.filter((v) => v !== current).concat([current])) {
      const before = svg();
      if (select) {
        select.value = value;
        select.dispatchEvent(new Event('change', {bubbles: true}));
      } else {
        radios.find((r) => r.value === value).click();
      }
      const t0 = performance.now();
      while (svg() === before && performance.now() - t0 < 3000) {
        await new Promise((r) => requestAnimationFrame(r));
      }
      changed.push(svg() !== before);
    }
    out.push({chart: chart.id, font, changed});
  }
  return out;
}
"""


@pytest.mark.parametrize("lesson", sorted(BOUND))
def test_bound_selects_filter_their_charts_offline(static_site, offline, screenshot_dir, lesson):
    """In the static page (file://, no kernel, no network), each bound input redraws its chart."""
    view = offline()
    view.open(static_site / f"{lesson}.html")
    results = view.page.evaluate(CHOOSE_JS)
    assert len(results) >= BOUND[lesson], results
    for r in results:
        assert r["font"] >= 16, r
        assert all(r["changed"]), f"a choice did not redraw chart {r['chart']}: {r['changed']}"
    harness.full_screenshot(view.page, screenshot_dir / f"site-bound-{lesson}.png")
    assert view.external == [] and view.errors == []
