"""Every notebook in notebooks/ as a Voila dashboard, in a real Chromium, offline.

For each lesson: the page finishes executing with no error box; every widget Voila sent
is rendered; every chart drew marks; changing the lesson's primary control
(class ``hcckit-primary-control``) changes a chart; no request leaves 127.0.0.1; no
console error; a screenshot is saved to ``artifacts/screenshots/voila-<lesson>.png``.

The list of lessons is read at collection time, so notebooks added later are covered.
"""

from __future__ import annotations

import re

import harness
import pytest

LESSONS = harness.lesson_notebooks()
INDEX = harness.NOTEBOOKS / "00_index.ipynb"


@pytest.mark.parametrize("notebook", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_dashboard(notebook, voila_server, new_page, screenshot_dir, timings):
    page, watch = new_page()
    result = harness.open_voila_page(page, voila_server.url(f"voila/render/{notebook.name}"))
    harness.full_screenshot(page, screenshot_dir / f"voila-{notebook.stem}.png")

    assert not result.error_texts, f"{notebook.name}: error shown in the page: {result.error_texts}"
    assert result.rendered_widgets >= result.expected_widgets, (
        f"{notebook.name}: {result.expected_widgets} widget outputs sent, {result.rendered_widgets} rendered"
    )
    assert all(n > 0 for n in result.charts), f"{notebook.name}: a chart drew no marks: {result.charts}"

    record = {
        "page": f"voila/{notebook.name}",
        "executed_s": round(result.load_s, 2),
        "interactive_s": round(result.interactive_s, 2),
        "charts": len(result.charts),
        "widgets": result.expected_widgets,
    }
    timings.append(record)

    if result.charts and result.n_controls:
        assert result.has_primary, (
            f"{notebook.name}: has charts and controls but no control marked with "
            "hcckit.widgets.primary() (class hcckit-primary-control)"
        )
        before = harness.chart_state(page)
        action = harness.poke_primary(page)
        try:
            record["primary_to_chart_s"] = round(harness.wait_chart_change(page, before, timeout_s=30), 3)
        except Exception as exc:  # playwright TimeoutError
            harness.full_screenshot(page, screenshot_dir / f"voila-{notebook.stem}-nochange.png")
            raise AssertionError(
                f"{notebook.name}: '{action}' on the primary control changed no chart"
            ) from exc
        message = page.query_selector(".hcckit-message .hcckit-error")
        assert message is None, f"{notebook.name}: '{action}' showed an error: {message.inner_text()}"

    assert not watch.problems(), f"{notebook.name}:\n" + "\n".join(watch.problems())
    assert "Traceback" not in result.body_text


def test_landing_page_links_every_lesson(voila_server, new_page, screenshot_dir):
    """notebooks/00_index.ipynb renders in Voila and links every other lesson (relative links)."""
    assert INDEX.exists(), "notebooks/00_index.ipynb (the landing page) is missing"
    page, watch = new_page()
    harness.open_voila_page(page, voila_server.url("voila/render/00_index.ipynb"))
    hrefs = page.eval_on_selector_all(
        "#rendered_cells a[href]", "els => els.map(a => a.getAttribute('href'))"
    )
    linked = {re.sub(r"[?#].*$", "", h).rsplit("/", 1)[-1] for h in hrefs}
    missing = [p.name for p in LESSONS if p != INDEX and p.name not in linked]
    assert not missing, f"00_index.ipynb does not link: {missing}"
    absolute = [h for h in hrefs if h.endswith(".ipynb") and re.match(r"^(/|[a-z]+://)", h)]
    assert not absolute, f"links to lessons must be relative (work in Lab, Voila, Binder): {absolute}"
    assert not watch.problems(), "\n".join(watch.problems())


def test_tree_page_lists_lessons(voila_server, new_page, screenshot_dir):
    """Voila's notebook list (the Binder ``voila/tree`` link) shows the lessons, offline."""
    page, watch = new_page()
    page.goto(voila_server.url(""), wait_until="load")
    page.wait_for_selector(f"text={LESSONS[0].name}" if LESSONS else "body", timeout=30_000)
    page.wait_for_timeout(500)
    page.screenshot(path=str(screenshot_dir / "voila-tree.png"), full_page=True)
    text = page.inner_text("body")
    missing = [p.name for p in LESSONS if p.name not in text]
    assert not missing, f"tree page does not list {missing}"
    assert "solutions" not in text.split(), "notebooks/solutions should not be offered as a dashboard"
    assert not watch.problems(), "\n".join(watch.problems())


def test_warm_kernels_serve_lessons(new_page, tmp_path):
    """``make dashboards WARM=n``: a pre-heated lesson and a lesson without a pool both work."""
    import time

    server = harness.start_voila(
        harness.NOTEBOOKS, extra_args=harness.warm_args("00_index.ipynb", 1), workdir=tmp_path
    )
    try:
        deadline = time.monotonic() + 90
        while "is filled with 1 kernel" not in server.log_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        for name in ("00_index.ipynb", "05_safety.ipynb"):
            page, watch = new_page()
            result = harness.open_voila_page(page, server.url(f"voila/render/{name}"))
            assert not result.error_texts, (name, result.error_texts)
            assert result.rendered_widgets >= result.expected_widgets > 0, name
            assert result.charts and all(n > 0 for n in result.charts), (name, result.charts)
            before = harness.chart_state(page)
            harness.poke_primary(page)
            harness.wait_chart_change(page, before)
            assert not watch.problems(), "\n".join(watch.problems())
        assert "Using pre-heated kernel" in server.log_text()
    finally:
        server.stop()
