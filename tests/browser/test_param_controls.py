"""Controls bound to chart params (Vega-Lite ``bind``), in Voila: the browser answers, not the kernel.

For each lesson control that only filters the data its chart already holds (issue #17), the chart
draws a select input (``.vega-bindings``). Choosing another option must redraw the chart's marks
with no websocket frame sent to the kernel between the change and the redraw (Playwright's
``framesent``, counting ``comm_msg`` frames); the kernel hears the new value afterwards (the
chart's ``debounce_wait``, :data:`hcckit.widgets._chartlib.PARAM_SYNC_MS`) and updates what lies
beside the chart. The latency (change -> marks redrawn, by the page's clock) is recorded in
artifacts/browser-timings.json.
"""

from __future__ import annotations

import json
import statistics

import harness
import pytest

# (lesson, panel class, the option chosen, text the kernel then shows beside the chart)
CASES = [
    ("00_index", "hcckit-catalogue", "rct", "14 studies"),
    ("04_evidence_explorer", "hcckit-evidence-explorer", "OS", "hazard ratio(s) for OS"),
    ("05_safety", "hcckit-ae-profile", "yan2025_tace_bev", None),
    ("05_safety", "hcckit-class-effects", "TKI", "hand-foot syndrome"),
    ("05_safety", "hcckit-two-arm", "chance2201", "CHANCE2201: experimental vs control arm"),
]

IDS = ["00", "04", "05-profile", "05-class", "05-two-arm"]

# Change a bound select of `chart` to `value`, then wait (requestAnimationFrame) until its marks
# differ from before; returns the milliseconds between the change and that redraw.
CHANGE_JS = """
async ([chart, value]) => {
  const select = chart.querySelector('.vega-bindings select');
  const svg = () => (chart.querySelector('svg.marks') || chart.querySelector('svg')).innerHTML;
  const before = svg();
  const t0 = performance.now();
  if (select) {
    select.value = value;
    select.dispatchEvent(new Event('change', {bubbles: true}));
  } else {
    chart.querySelector(`.vega-bindings input[type=radio][value="${value}"]`).click();
  }
  const deadline = t0 + 5000;
  while (svg() === before) {
    if (performance.now() > deadline) return -1;
    await new Promise((r) => requestAnimationFrame(r));
  }
  return performance.now() - t0;
}
"""


OPTIONS_JS = """(c) => { const s = c.querySelector('.vega-bindings select');
  return s ? Array.from(s.options).map(o => o.value)
           : Array.from(c.querySelectorAll('.vega-bindings input[type=radio]')).map(r => r.value); }"""
CURRENT_JS = """(c) => { const s = c.querySelector('.vega-bindings select');
  return s ? s.value : c.querySelector('.vega-bindings input[type=radio]:checked').value; }"""


class CommFrames:
    """Counts the ``comm_msg`` frames a page sends to its kernel over websockets."""

    def __init__(self, page):
        self.sent: list[str] = []
        page.on("websocket", lambda ws: ws.on("framesent", self._frame))

    def _frame(self, payload) -> None:
        text = payload if isinstance(payload, str) else bytes(payload).decode("utf-8", "replace")
        if "comm_msg" in text:
            self.sent.append(text)


def _bound_chart(page, panel_class: str | None):
    selector = (f".{panel_class} " if panel_class else "") + ".hcckit-chart:has(.vega-bindings)"
    harness.show_section_of(page, selector)
    chart = page.query_selector(selector)
    assert chart is not None, f"no chart with a bound input ({selector})"
    chart.scroll_into_view_if_needed()
    return chart


@pytest.mark.parametrize("lesson, panel_class, choice, beside", CASES, ids=IDS)
def test_bound_control_redraws_the_chart_with_no_kernel_message(
    voila_server, new_page, screenshot_dir, timings, lesson, panel_class, choice, beside
):
    page, watch = new_page()
    frames = CommFrames(page)
    opened = harness.open_voila_page(page, voila_server.url(f"voila/render/{lesson}.ipynb"))
    assert not opened.error_texts, opened.error_texts
    chart = _bound_chart(page, panel_class)
    style = page.evaluate(
        """(c) => { const b = c.querySelector('.vega-bindings'); const s = b.querySelector('select');
                   const plot = c.querySelector('svg.marks') || c.querySelector('svg');
                   const labels = s ? Array.from(s.options).map(o => o.textContent)
                     : Array.from(b.querySelectorAll('input[type=radio]')).map(r => r.parentElement.textContent);
                   const text = s || b.querySelector('.vega-bind-radio label, .vega-bind-radio');
                   return {font: Math.min(parseFloat(getComputedStyle(text).fontSize),
                                          parseFloat(getComputedStyle(b.querySelector('.vega-bind-name')).fontSize)),
                           name: (b.querySelector('.vega-bind-name') || {}).textContent || '',
                           above: b.getBoundingClientRect().bottom <= plot.getBoundingClientRect().top + 1,
                           labels}; }""",
        chart,
    )
    assert style["font"] >= 16 and style["name"].strip(), style
    assert style["above"], "the bound input is not above the plot"
    assert not any("_" in label for label in style["labels"]), (
        f"ids shown instead of names: {style['labels']}"
    )
    page.wait_for_timeout(500)  # let the first draw's param sync reach the kernel
    before = len(frames.sent)
    ms = page.evaluate(CHANGE_JS, [chart, choice])
    between = len(frames.sent) - before
    assert ms >= 0, "the chart's marks did not change after choosing another option"
    assert between == 0, f"{between} comm_msg frame(s) sent to the kernel before the chart redrew"
    # afterwards the kernel hears the new value (altair syncs JupyterChart.params) ...
    page.wait_for_timeout(1500)
    # (frames of Jupyter's v1 websocket protocol: binary offsets, then the JSON parts)
    heard = [f for f in frames.sent[before:] if '"_params"' in f and json.dumps(choice) in f]
    assert heard, "the kernel never heard the new value"
    # ... and updates what lies beside the chart
    if beside:
        page.wait_for_function("(t) => document.body.innerText.includes(t)", arg=beside, timeout=10_000)
    harness.full_screenshot(page, screenshot_dir / f"param-{lesson}.png")
    assert watch.page_errors == [], watch.page_errors
    timings.append({"what": "bound-param", "lesson": lesson, "change_ms": ms})


@pytest.mark.parametrize("lesson, panel_class, choice, beside", CASES, ids=IDS)
def test_bound_control_latency(voila_server, new_page, timings, lesson, panel_class, choice, beside):
    """15 changes of a bound input, change -> marks redrawn (the page's clock): median and p95 recorded."""
    page, _ = new_page()
    harness.open_voila_page(page, voila_server.url(f"voila/render/{lesson}.ipynb"))
    chart = _bound_chart(page, panel_class)
    options = page.evaluate(OPTIONS_JS, chart)
    current = page.evaluate(CURRENT_JS, chart)
    times = []
    for _ in range(15):
        nxt = options[(options.index(current) + 1) % len(options)]
        times.append(page.evaluate(CHANGE_JS, [chart, nxt]))
        current = nxt
        page.wait_for_timeout(250)
    assert all(t >= 0 for t in times), times
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    timings.append(
        {
            "what": "bound-param-latency",
            "lesson": lesson,
            "median_ms": statistics.median(times),
            "p95_ms": p95,
        }
    )
    print(f"{lesson}: change -> redraw median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, {times}")
