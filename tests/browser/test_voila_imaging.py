"""Lesson 07 in a real Voila + Chromium at 1280x800: read, scroll, window, draw a caliper with the mouse.

The viewer (hcckit/widgets/js/caliper.js) draws on a canvas: the test scrolls slices with the wheel,
changes window/level with a right-drag, draws a caliper across the segment VIII lesion with
``page.mouse`` (down, move, up), reads the length in mm the page shows, checks that Python kept the same
length (re-checked with ``hcckit.imaging.measure.caliper_mm``) and that the verdict table of the next
section was filled from it. It also opens a PNG of its own (with a stated pixel size) and a file that is
not an image. It records the time from navigation to the first image drawn and the bytes the page
received per scan (artifacts/browser-timings.json), and saves screenshots in artifacts/screenshots/.
"""

from __future__ import annotations

import io
import re

import harness
import numpy as np
import pytest

VIEWPORT = (1280, 800)
LESSON = "07_imaging_lab.ipynb"
VIEWER = ".hcckit-imaging-viewer"

STATE_JS = """
(sel) => { const el = document.querySelectorAll(sel)[0];
  return {first: Number(el.dataset.firstDrawMs || 0), draws: Number(el.dataset.draws || 0),
          lastMm: el.dataset.lastMm || null,
          slice: el.querySelector('.hcckit-sv-slice-text').textContent,
          wl: el.querySelector('.hcckit-sv-wl').textContent,
          readout: el.querySelector('.hcckit-sv-readout').textContent}; }
"""
# how many pixels of the canvas's top-right corner are the red of the SYNTHETIC label (#FF6B6B)
RED_LABEL_JS = """
(sel) => { const c = document.querySelectorAll(sel)[0].querySelector('canvas');
  const d = c.getContext('2d').getImageData(c.width / 2, 0, c.width / 2, Math.round(c.height * 0.08)).data;
  let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] > 200 && d[i + 1] < 140 && d[i + 2] < 140) n++;
  return n; }
"""


class Bytes:
    """Bytes the page receives over its kernel websockets."""

    def __init__(self, page):
        self.total = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload):
        self.total += len(payload if isinstance(payload, bytes) else payload.encode())


def canvas_box(page, index=0):
    """The canvas's drawing area in page coordinates (inside its 2 px border), scrolled into the window."""
    canvas = page.query_selector_all(f"{VIEWER} canvas")[index]
    canvas.evaluate("c => c.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(200)
    box = canvas.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT[1], f"the image is not on screen: {box}"
    inner = canvas.evaluate("c => ({w: c.clientWidth, h: c.clientHeight, l: c.clientLeft, t: c.clientTop})")
    return {"x": box["x"] + inner["l"], "y": box["y"] + inner["t"], "w": inner["w"], "h": inner["h"]}


def drag(page, start, end, *, button="left", steps=8):
    page.mouse.move(*start)
    page.mouse.down(button=button)
    page.mouse.move(*end, steps=steps)
    page.mouse.up(button=button)


def png_bytes() -> bytes:
    from PIL import Image

    picture = np.zeros((200, 300), dtype=np.uint8)
    picture[60:140, 80:220] = 180
    buf = io.BytesIO()
    Image.fromarray(picture).save(buf, format="PNG")
    return buf.getvalue()


def test_read_scroll_window_and_measure_with_the_mouse(voila_server, new_page, screenshot_dir, timings):
    from hcckit.imaging import measure, phantom

    case = phantom.load_case("tace_response")
    scan = case.scans[(0, "arterial")]
    lesion = case.truth[(case.truth["lesion"] == "A") & (case.truth["day"] == 0)].iloc[0]

    page, watch = new_page(VIEWPORT)
    received = Bytes(page)
    result = harness.open_voila_page(page, voila_server.url(f"voila/render/{LESSON}"))
    assert not result.error_texts, result.error_texts
    page.wait_for_function("() => window.hcckitSections !== undefined", timeout=10_000)
    page.wait_for_function(f"() => Number(document.querySelector('{VIEWER}').dataset.draws || 0) > 0")
    first = page.evaluate(STATE_JS, VIEWER)
    load_bytes = received.total
    assert page.evaluate(RED_LABEL_JS, VIEWER) > 50, "the SYNTHETIC label is not drawn on the image"

    harness.show_section_of(page, VIEWER)
    box = canvas_box(page)
    assert box["w"] == box["h"] == 440
    mm_per_px = scan.pixels.shape[2] * scan.spacing_mm[2] / box["w"]  # 192 mm across 440 px

    # the wheel scrolls slices in the page (no kernel round trip), and the slice reaches Python later
    start = page.evaluate(STATE_JS, VIEWER)
    assert start["slice"] == f"{int(lesion['slice']) + 1} / {scan.pixels.shape[0]}"
    page.mouse.move(box["x"] + 200, box["y"] + 200)
    page.mouse.wheel(0, 120)
    page.wait_for_function(
        "([sel, s]) => document.querySelector(sel).querySelector('.hcckit-sv-slice-text').textContent !== s",
        arg=[VIEWER, start["slice"]],
    )
    assert page.evaluate(STATE_JS, VIEWER)["slice"] == f"{int(lesion['slice']) + 2} / {scan.pixels.shape[0]}"
    page.mouse.wheel(0, -120)
    page.wait_for_function(
        "([sel, s]) => document.querySelector(sel).querySelector('.hcckit-sv-slice-text').textContent === s",
        arg=[VIEWER, start["slice"]],
    )

    # right-drag: a wider window (right) and a higher level (down)
    drag(page, (box["x"] + 300, box["y"] + 300), (box["x"] + 340, box["y"] + 320), button="right")
    wl = page.evaluate(STATE_JS, VIEWER)["wl"]
    assert wl != start["wl"] and re.match(r"W (\d+) / L (\d+) HU", wl), wl
    page.click(".hcckit-panel .widget-toggle-button:has-text('Liver')")  # the preset brings it back
    page.wait_for_function(
        "([sel, w]) => document.querySelector(sel).querySelector('.hcckit-sv-wl').textContent === w",
        arg=[VIEWER, start["wl"]],
    )

    # a caliper across lesion A (centre (row, col) in pixels, integer values at pixel centres)
    box = canvas_box(page)  # clicking a button may have scrolled the page
    row, col = (float(v) for v in lesion["centre_rc"])
    to_x = lambda c: box["x"] + (c + 0.5) * box["w"] / scan.pixels.shape[2]  # noqa: E731
    to_y = lambda r: box["y"] + (r + 0.5) * box["h"] / scan.pixels.shape[1]  # noqa: E731
    half = float(lesion["ld_mm"]) / 2 / scan.spacing_mm[2]
    p0, p1 = (to_x(col - half), to_y(row)), (to_x(col + half), to_y(row))
    before = page.evaluate(STATE_JS, VIEWER)["draws"]
    drag(page, p0, p1)
    page.wait_for_function(f"() => document.querySelector('{VIEWER}').dataset.lastMm")
    shown = page.evaluate(STATE_JS, VIEWER)
    assert shown["draws"] > before
    mm = float(shown["lastMm"])
    expected = measure.caliper_mm((0, 0), (0, (p1[0] - p0[0]) / box["w"] * scan.pixels.shape[2]), (1.0, 1.0))
    assert mm == pytest.approx(expected, abs=0.05) and mm == pytest.approx(
        (p1[0] - p0[0]) * mm_per_px, abs=0.05
    )
    assert mm == pytest.approx(float(lesion["ld_mm"]), abs=1.0)
    assert re.search(rf"\bLD {mm:.1f} mm", shown["readout"]), shown["readout"]
    # Python re-checked it and lists it under the controls, in mm, with the lesion's name
    page.wait_for_function(
        "(t) => document.querySelector('.hcckit-imaging-readings').innerText.includes(t)", arg=f"{mm:.1f} mm"
    )
    assert "Segment VIII lesion" in page.inner_text(".hcckit-imaging-readings")
    assert page.query_selector(".hcckit-message .hcckit-warning") is None  # no length mismatch
    page.screenshot(path=str(screenshot_dir / "voila-07-imaging-caliper.png"))

    # the verdict table of the next section was filled from the reading
    harness.show_section_of(page, ".hcckit-imaging-verdicts")
    page.wait_for_selector(".hcckit-imaging-verdict-table", state="visible", timeout=30_000)
    table = page.inner_text(".hcckit-imaging-verdicts")
    assert "appear here" not in table
    rows = page.query_selector_all(".hcckit-imaging-verdict-table tr[data-criterion]")
    assert len(rows) == 12, table
    assert {r.get_attribute("data-criterion") for r in rows} == {"RECIST 1.1", "mRECIST", "WHO", "EASL"}
    page.click(".hcckit-imaging-errors-box summary")
    errors = page.inner_text(".hcckit-imaging-errors")
    assert "Segment VIII lesion" in errors and f"{mm:.1f} mm" in errors
    page.screenshot(path=str(screenshot_dir / "voila-07-imaging-verdicts.png"))

    # RECIST 1.1 needs both targets at both visits: measure the rest, and its day-42 verdict appears
    harness.show_section_of(page, VIEWER)

    def caliper(lesion_id: str, day: int) -> float:
        """Pick the lesion, go to its slice, drag its true longest diameter; the length the page shows."""
        t = case.truth[(case.truth["lesion"] == lesion_id) & (case.truth["day"] == day)].iloc[0]
        page.select_option(f".hcckit-panel:has({VIEWER}) select", label=str(t["name"]))
        page.click(f".hcckit-panel:has({VIEWER}) button:has-text('Go to the lesion')")
        page.wait_for_function(
            "([sel, s]) => document.querySelector(sel).querySelector('.hcckit-sv-slice-text').textContent"
            ".startsWith(s + ' /')",
            arg=[VIEWER, str(int(t["slice"]) + 1)],
        )
        b = canvas_box(page)
        r, c = (float(v) for v in t["centre_rc"])
        half = float(t["ld_mm"]) / 2 / scan.spacing_mm[2]
        x = lambda cc: b["x"] + (cc + 0.5) * b["w"] / scan.pixels.shape[2]  # noqa: E731
        y = b["y"] + (r + 0.5) * b["h"] / scan.pixels.shape[1]
        old = page.evaluate(STATE_JS, VIEWER)["draws"]
        drag(page, (x(c - half), y), (x(c + half), y))
        page.wait_for_function(
            f"(n) => Number(document.querySelector('{VIEWER}').dataset.draws) > n", arg=old
        )
        got = float(page.evaluate(STATE_JS, VIEWER)["lastMm"])
        page.wait_for_function(
            "(t) => document.querySelector('.hcckit-imaging-readings').innerText.includes(t)",
            arg=f"{got:.1f} mm",
        )
        return got

    b0 = caliper("B", 0)
    assert b0 == pytest.approx(30.0, abs=1.0)
    bytes_before_visit = received.total
    page.click(f".hcckit-panel:has({VIEWER}) .widget-toggle-button:has-text('Day 42')")
    page.wait_for_function(
        "() => document.querySelector('.hcckit-imaging-readings').innerText.includes('Day 42')"
    )
    page.wait_for_timeout(500)
    per_scan = received.total - bytes_before_visit
    recist_42 = (
        ".hcckit-imaging-verdict-table tr[data-criterion='RECIST 1.1'][data-row='visit'][data-day='42']"
    )
    assert page.get_attribute(recist_42, "data-reader") == "NE"  # day 42 not measured yet
    a42, b42 = caliper("A", 42), caliper("B", 42)
    page.wait_for_function("(s) => document.querySelector(s).dataset.reader !== 'NE'", arg=recist_42)
    truth = page.get_attribute(recist_42, "data-truth")
    sum_42, sum_0 = a42 + b42, mm + b0
    assert page.get_attribute(recist_42, "data-reader") == (
        "SD" if -30 < 100 * (sum_42 / sum_0 - 1) < 20 else truth
    )
    summary = page.inner_text(".hcckit-imaging-summary")
    assert "RECIST 1.1: SD" in summary and "Day 42" in summary, summary
    harness.full_screenshot(page, screenshot_dir / "voila-07-imaging.png")

    timings.append(
        {
            "page": f"voila/{LESSON}",
            "first_image_ms": first["first"],
            "interactive_s": round(result.interactive_s, 2),
            "bytes_on_load": load_bytes,
            "bytes_per_scan_change": per_scan,
            "scan_payload_bytes": int(scan.pixels.size * 2),
        }
    )
    assert first["first"] > 0 and per_scan >= scan.pixels.size * 2
    assert not watch.problems(), "\n".join(watch.problems())


def test_own_png_and_a_bad_file(voila_server, new_page, screenshot_dir):
    page, watch = new_page(VIEWPORT)
    harness.open_voila_page(page, voila_server.url(f"voila/render/{LESSON}"))
    page.wait_for_function("() => window.hcckitSections !== undefined", timeout=10_000)
    upload = ".hcckit-panel .widget-upload"
    harness.show_section_of(page, upload)
    panel = page.query_selector(".hcckit-panel:has(.widget-upload)")
    viewer = panel.query_selector(VIEWER)
    draws = lambda: int(viewer.get_attribute("data-draws") or 0)  # noqa: E731

    # a PNG needs its pixel size: without one, a one-line message and the empty viewer stays
    with page.expect_file_chooser() as chooser:
        panel.query_selector(".widget-upload").click()
    chooser.value.set_files([{"name": "teaching.png", "mimeType": "image/png", "buffer": png_bytes()}])
    page.wait_for_function("(p) => p.querySelector('.hcckit-message .hcckit-error')", arg=panel)
    assert "pixel_mm" in panel.query_selector(".hcckit-message").inner_text()

    field = panel.query_selector(".widget-text input, input[type=number]")
    field.fill("0.5")
    field.press("Enter")
    page.wait_for_timeout(300)
    n = draws()
    with page.expect_file_chooser() as chooser:
        panel.query_selector(".widget-upload").click()
    chooser.value.set_files([{"name": "teaching.png", "mimeType": "image/png", "buffer": png_bytes()}])
    page.wait_for_function("([v, n]) => Number(v.dataset.draws) > n", arg=[viewer, n])
    # the image is drawn first; the panel's text follows in the kernel's next messages
    page.wait_for_function("(p) => p.innerText.includes('teaching.png: PNG')", arg=panel)
    page.wait_for_function("(p) => !p.querySelector('.hcckit-message .hcckit-error')", arg=panel)
    assert "not saved" in panel.inner_text()

    viewer.query_selector("canvas").evaluate("c => c.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(200)
    box = viewer.query_selector("canvas").bounding_box()
    # the picture is 300 x 200 pixels of 0.5 mm (150 x 100 mm) fitted into 440 px: 440/150 px per mm
    drag(page, (box["x"] + 102, box["y"] + 200), (box["x"] + 322, box["y"] + 200))
    page.wait_for_function("(v) => v.dataset.lastMm", arg=viewer)
    mm = float(viewer.get_attribute("data-last-mm"))
    assert mm == pytest.approx(220 * 150 / 440, abs=0.1)
    page.wait_for_function("([p, t]) => p.innerText.includes(t)", arg=[panel, f"{mm:.1f} mm"])

    # not an image: one line, the picture stays on screen
    shown = viewer.query_selector("canvas").evaluate("c => c.toDataURL()")
    with page.expect_file_chooser() as chooser:
        panel.query_selector(".widget-upload").click()
    chooser.value.set_files([{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"}])
    page.wait_for_function("(p) => p.querySelector('.hcckit-message .hcckit-error')", arg=panel)
    message = panel.query_selector(".hcckit-message").inner_text().strip()
    assert "notes.txt" in message and "\n" not in message and "Traceback" not in message
    assert viewer.query_selector("canvas").evaluate("c => c.toDataURL()") == shown
    page.screenshot(path=str(screenshot_dir / "voila-07-imaging-upload.png"))
    assert not watch.problems(), "\n".join(watch.problems())
