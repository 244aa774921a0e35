"""What a class sees: every lesson in Voila at 1280x800, section by section, in a real Chromium.

For every notebook in notebooks/:

- the text of every section (HTML, tables, widget labels, chart text) has no exercise stub
  ("not done yet", NotImplementedError), no raw float with five or more decimals, no NaN, no
  Python repr, no bare True/False output line and no internal id of the curated data (trial and
  arm ids, design/endpoint ids such as ``single_arm`` or ``median_OS``);
- text in widgets and charts is at least 14 px (the back row of a classroom);
- every interactive panel fits its controls and its first chart in one screen (700 px);
- every chart shows a visible "Save figure" button (PNG/SVG for slides);
- every drawn chart is seen whole: its SVG (or canvas) is no wider than its chart view and is not
  clipped by an ancestor with overflow hidden/auto/scroll (2 px allowed);
- the table of contents links the landing page and the previous/next lesson, and the links point
  at lessons that exist;
- an exercise answer box graded in the browser: a wrong answer is not accepted, the right one is
  (answers computed by the same ``questions()`` the lesson calls);
- Reset on the panel of the primary control brings its charts back to the first drawing.

Screenshots of each lesson's sections are saved by test_voila_layout.py / test_voila_lessons.py.
"""

from __future__ import annotations

import importlib
import re

import harness
import nbformat
import pytest

from hcckit import data

LESSONS = harness.lesson_notebooks()
VIEWPORT = (1280, 800)
MIN_PX = 14
# a projector at 1280x800 shows about 700 px of page below the browser's own bars: a panel's
# controls and its chart must fit in that (one screen, no scrolling between control and chart)
ONE_SCREEN_PX = 700
# a chart's drawing may pass its visible box by this much (sub-pixel rounding, a 1 px border)
CLIP_PX = 2

# every section in turn: its text and the font sizes of widget text and chart text
SECTION_TEXT_JS = """
async () => {
  const s = window.hcckitSections, start = s.current(), out = [];
  const size = el => parseFloat(getComputedStyle(el).fontSize);
  for (let i = 0; i < s.count; i++) {
    s.show(i);
    await new Promise(r => setTimeout(r, 150));
    const sec = document.querySelector('.hcckit-section--current');
    const small = [];
    sec.querySelectorAll('.widget-label, .widget-readout, .widget-button, .widget-toggle-button, '
        + '.widget-html-content, .widget-radio-box label, select, td, th').forEach(el => {
      if (!el.checkVisibility() || !el.textContent.trim()) return;
      // text inside an element that sets its own smaller size (e.g. <small>) is a footnote, allowed
      if (el.closest('small, sub, sup')) return;
      const px = size(el);
      if (px < __MIN_PX__) small.push(el.tagName + ' ' + px + 'px: ' + el.textContent.trim().slice(0, 60));
    });
    sec.querySelectorAll('.hcckit-chart svg text, .vega-embed svg text').forEach(t => {
      if (!t.textContent.trim()) return;
      const px = parseFloat(t.getAttribute('font-size') || getComputedStyle(t).fontSize);
      if (px < __MIN_PX__ - 0.01) small.push('chart ' + px + 'px: ' + t.textContent.trim().slice(0, 60));
    });
    // each interactive panel: from its top (toolbar, controls) to the bottom of its first chart
    const spans = [];
    sec.querySelectorAll('.hcckit-panel').forEach(panel => {
      const chart = panel.querySelector('.hcckit-chart, .vega-embed');
      if (!panel.checkVisibility() || !chart || !chart.checkVisibility()) return;
      const span = chart.getBoundingClientRect().bottom - panel.getBoundingClientRect().top;
      spans.push({span: Math.round(span), head: panel.innerText.trim().slice(0, 50)});
    });
    // every drawn chart offers its save menu as a visible "Save figure" button (slides)
    const nosave = [];
    sec.querySelectorAll('.vega-embed').forEach(embed => {
      if (!embed.checkVisibility() || !embed.querySelector('svg, canvas')) return;
      const summary = embed.querySelector('details > summary');
      const label = summary ? getComputedStyle(summary, '::before').content : 'none';
      const shown = summary && summary.checkVisibility() && parseFloat(getComputedStyle(summary).opacity) === 1;
      if (!shown || label !== '"Save figure"') {
        nosave.push((embed.querySelector('svg text') || embed).textContent.trim().slice(0, 50));
      }
    });
    // every drawn chart is seen whole: its SVG/canvas is no wider than its container's visible box,
    // the intersection of the chart view's box and of every ancestor that clips or scrolls
    // (overflow other than visible); a cut-off legend or axis fails here
    const clipped = [];
    sec.querySelectorAll('.vega-embed').forEach(embed => {
      const drawn = embed.querySelector('svg.marks, canvas.marks');
      if (!embed.checkVisibility() || !drawn) return;
      const r = drawn.getBoundingClientRect();
      const view = (embed.closest('.hcckit-chart') || embed.parentElement).getBoundingClientRect();
      let left = view.left, right = view.right, by = 'its chart view';
      for (let el = embed.parentElement; el && el !== document.documentElement; el = el.parentElement) {
        if (getComputedStyle(el).overflowX === 'visible') continue;
        const b = el.getBoundingClientRect(), l = b.left + el.clientLeft, rr = l + el.clientWidth;
        const name = el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
          ? '.' + el.className.trim().split(' ').slice(0, 2).join('.') : '');
        if (l > left) { left = l; by = name; }
        if (rr < right) { right = rr; by = name; }
      }
      const over = Math.max(r.right - right, left - r.left);
      if (over > __CLIP_PX__) {
        const title = drawn.querySelector('.role-title-text text') || drawn.querySelector('text');
        clipped.push({px: Math.round(over), width: Math.round(r.width), visible: Math.round(right - left), by,
                      chart: (title ? title.textContent : embed.textContent).trim().slice(0, 60)});
      }
    });
    out.push({section: i, title: s.titles[i], text: sec.innerText, small: small.slice(0, 8), spans, nosave,
              clipped});
  }
  s.show(start);
  return out;
}
""".replace("__MIN_PX__", str(MIN_PX)).replace("__CLIP_PX__", str(CLIP_PX))

STUBS = ("not done yet", "NotImplementedError", "raise NotImplemented")
REPRS = (r"<hcckit\.", r"\barray\(", r"\bdtype[:=]", r"\bobject at 0x", r"\bDataFrame\b", r"\bSeries\(")
RAW_FLOAT = re.compile(r"(?<![\d.])-?\d+\.\d{5,}(?!\d)")
NAN = re.compile(r"(?<![\w-])(NaN|nan|<NA>|NaT)(?![\w-])")
BARE_BOOL = re.compile(r"^\s*(True|False)\s*$", re.M)


def internal_ids() -> set[str]:
    """Ids of the curated data that must never be shown: trial/arm ids with '_' and label ids."""
    ids = {"indirect_comparison", "single_arm", "median_OS", "median_PFS", "hr_ci", "n/r"}
    trials = data.load("trials")["trial_id"].astype(str)
    arms = data.load("arms")["arm_id"].astype(str)
    ids |= {t for t in trials if "_" in t}
    ids |= {a for a in arms if "_" in a}
    ids |= {"dbt", "dt"}  # EMERALD-1's arm ids, seen in legends before
    return ids


def find_ids(text: str, ids: set[str]) -> list[str]:
    hits = []
    for i in sorted(ids):
        if re.search(r"(?<![\w./-])" + re.escape(i) + r"(?![\w/-])", text):
            hits.append(i)
    return hits


def problems_in(text: str, ids: set[str], *, written: str = "") -> list[str]:
    """What must not reach a class in ``text``; ``written`` is the lesson's own markdown, where a
    float artefact may be quoted on purpose (``0.7 * 170 = 118.99999999999999``)."""
    out = [f"exercise stub text {s!r}" for s in STUBS if s in text]
    out += [f"repr {p!r}" for p in REPRS if re.search(p, text)]
    # a power of ten (0.00001, a log axis tick) is a round number, not an unformatted result
    floats = [m for m in RAW_FLOAT.findall(text) if m not in written and not re.fullmatch(r"-?0\.0*1", m)]
    out += [f"raw float {m!r}" for m in floats[:3]]
    out += [f"missing value shown as {m!r}" for m in NAN.findall(text)[:3]]
    out += ["a bare True/False output line" for _ in BARE_BOOL.findall(text)[:1]]
    out += [f"internal id {i!r}" for i in find_ids(text, ids)]
    return out


@pytest.mark.parametrize("notebook", LESSONS, ids=[p.stem for p in LESSONS])
def test_what_a_class_sees(notebook, voila_server, new_page):
    page, watch = new_page(VIEWPORT)
    result = harness.open_voila_page(page, voila_server.url(f"voila/render/{notebook.name}"))
    assert not result.error_texts, result.error_texts
    page.wait_for_function("() => window.hcckitSections !== undefined", timeout=10_000)
    ids = internal_ids()
    nb = nbformat.read(notebook, as_version=4)
    written = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    found = []
    for sec in page.evaluate(SECTION_TEXT_JS):
        where = f"{notebook.stem} §{sec['section']} ({sec['title']})"
        found += [f"{where}: {p}" for p in problems_in(sec["text"], ids, written=written)]
        found += [f"{where}: text below {MIN_PX} px: {s}" for s in sec["small"]]
        found += [
            f"{where}: panel's controls and first chart span {p['span']} px (> {ONE_SCREEN_PX}): {p['head']!r}"
            for p in sec["spans"]
            if p["span"] > ONE_SCREEN_PX
        ]
        found += [f"{where}: chart without a visible 'Save figure' button: {t!r}" for t in sec["nosave"]]
        found += [
            f"{where}: chart cut off by {c['px']} px ({c['width']} px drawn, {c['visible']} px visible in "
            f"{c['by']}): {c['chart']!r}"
            for c in sec["clipped"]
        ]
    assert not found, "\n".join(found)
    assert not watch.problems(), "\n".join(watch.problems())


@pytest.mark.parametrize("notebook", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_lesson_links_index_previous_and_next(notebook, voila_server, new_page):
    names = [p.name for p in LESSONS]
    i = names.index(notebook.name)
    page, watch = new_page(VIEWPORT)
    harness.open_voila_page(page, voila_server.url(f"voila/render/{notebook.name}"))
    page.wait_for_function("() => window.hcckitSections !== undefined", timeout=10_000)
    links = page.eval_on_selector_all(
        "#hcckit-lesson-links a", "els => els.map(a => [a.textContent.trim(), a.getAttribute('href')])"
    )
    targets = {re.sub(r"[?#].*$", "", h) for _, h in links}
    assert targets <= set(names), (
        f"{notebook.name}: links to lessons that do not exist: {targets - set(names)}"
    )
    expected = {names[j] for j in (i - 1, i + 1) if 0 <= j < len(names)} | {names[0]}
    expected.discard(notebook.name)
    assert expected <= targets, f"{notebook.name}: table of contents lacks links to {expected - targets}"
    assert all(text for text, _ in links), links
    if i + 1 < len(names):
        page.click(f"#hcckit-lesson-links a[href='{names[i + 1]}']")
        page.wait_for_url(re.compile(re.escape(names[i + 1])), timeout=30_000)


# --------------------------------------------------------------------------- exercises
IMPORT = re.compile(r"from hcckit\.checks import (\w+) as (\w+)")
SHOW = re.compile(r"exercises\.show\((\w+)\.questions\((?:\"(\w+)\"|'(\w+)')?\)\)")


def lesson_questions(notebook) -> list:
    """The questions the lesson's answer widgets show, in page order (computed as the lesson does)."""
    nb = nbformat.read(notebook, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    modules = {alias: importlib.import_module(f"hcckit.checks.{mod}") for mod, alias in IMPORT.findall(code)}
    questions = []
    for c in nb.cells:
        if c.cell_type != "code" or "lab-only" in c.metadata.get("tags", []):
            continue
        for alias, which, which2 in SHOW.findall(c.source):
            questions += modules[alias].questions((which or which2) or None)
    return questions


def wrong_answer(q):
    if q.kind == "number":
        return str(round(float(q.answer) * 2 + 7, q.decimals))
    if q.kind == "choice":
        return next(o for o in q.options if o != q.answer)
    return tuple(o for o in q.options if o not in q.answer)[:1]


def answer_in_browser(page, box, q, answer) -> str:
    if q.kind == "number":
        box.query_selector("input[type=text], input").fill(str(answer))
    elif q.kind == "choice":
        clicked = page.evaluate(
            """([el, wanted]) => { const label = Array.from(el.querySelectorAll('.widget-radio-box label'))
                 .find(l => l.textContent.trim() === wanted);
                 if (!label) return false; label.querySelector('input').click(); return true; }""",
            [box, str(answer)],
        )
        assert clicked, f"no option {answer!r} in the answer box"
    else:
        page.evaluate(
            """([el, wanted]) => { const s = el.querySelector('select');
                 Array.from(s.options).forEach(o => { o.selected = wanted.includes(o.textContent.trim()); });
                 s.dispatchEvent(new Event('change', {bubbles: true})); }""",
            [box, list(answer)],
        )
    page.wait_for_timeout(150)
    feedback = box.query_selector(".hcckit-exercise-feedback")
    before = feedback.inner_text()  # a second answer must wait for new feedback, not read the old one
    box.query_selector(".hcckit-exercise-check button, button.hcckit-exercise-check").click()
    page.wait_for_function(
        "([el, before]) => el.innerText.trim().length > 0 && el.innerText !== before",
        arg=[feedback, before],
        timeout=10_000,
    )
    return feedback.inner_text()


EXERCISE_LESSONS = [p for p in LESSONS if lesson_questions(p)]


@pytest.mark.parametrize("notebook", EXERCISE_LESSONS, ids=[p.stem for p in EXERCISE_LESSONS])
def test_an_exercise_answered_wrong_then_right(notebook, voila_server, new_page):
    questions = lesson_questions(notebook)
    page, watch = new_page(VIEWPORT)
    harness.open_voila_page(page, voila_server.url(f"voila/render/{notebook.name}"))
    page.wait_for_function("() => window.hcckitSections !== undefined", timeout=10_000)
    boxes = page.query_selector_all(".hcckit-exercise")
    assert len(boxes) == len(questions), (
        f"{notebook.name}: {len(boxes)} answer boxes, {len(questions)} questions"
    )
    q, box = questions[0], boxes[0]
    page.evaluate("(el) => window.hcckitSections.showSectionOf(el)", box)
    page.wait_for_timeout(300)
    wrong = answer_in_browser(page, box, q, wrong_answer(q))
    assert not wrong.startswith("Correct"), (q.key, wrong)
    right = q.answer if q.kind != "number" else f"{float(q.answer):.{q.decimals}f}"
    if q.kind == "selection":
        right = tuple(q.answer)
    assert answer_in_browser(page, box, q, right).startswith("Correct"), q.key
    assert not watch.problems(), "\n".join(watch.problems())


# --------------------------------------------------------------------------- Reset
@pytest.mark.parametrize("notebook", LESSONS, ids=[p.stem for p in LESSONS])
def test_reset_restores_the_first_drawing(notebook, voila_server, new_page):
    page, watch = new_page(VIEWPORT)
    result = harness.open_voila_page(page, voila_server.url(f"voila/render/{notebook.name}"))
    if not (result.charts and result.n_controls):
        pytest.skip(f"{notebook.name} has no interactive chart")
    panel_reset = page.evaluate_handle(
        "() => { const c = document.querySelector('.hcckit-primary-control');"
        " const p = c && c.closest('.hcckit-panel'); return p ? p.querySelector('.hcckit-reset') : null; }"
    )
    assert panel_reset.as_element() is not None, (
        f"{notebook.name}: the panel of the primary control has no Reset (hcckit.widgets.panel.Panel)"
    )
    harness.show_section_of(page, ".hcckit-primary-control")
    first = harness.chart_state(page)
    harness.poke_primary(page)
    harness.wait_chart_change(page, first)
    panel_reset.as_element().click()
    page.wait_for_function(
        "(first) => { const now = (" + harness.CHART_STATE_JS + ")();"
        " return now.length === first.length && now.every((s, i) => s === first[i]); }",
        arg=first,
        timeout=30_000,
        polling=200,
    )
    assert not watch.problems(), "\n".join(watch.problems())
