"""Uploads and a lost kernel in a real browser, with the project's Voila template and configuration.

Issue #14: a CSV saved by old Excel for Mac (CR-only line endings) is read; a file over the
size limit is refused in the browser before anything is sent, with the limit in the message;
a killed kernel shows a banner with a Reload button (not dead controls), and a short
reconnection does not. Scratch notebooks in a temporary folder (never in notebooks/).
"""

from __future__ import annotations

import json
import signal
import time

import harness
import nbformat
import psutil
import pytest

from hcckit import uploads

UPLOAD = """
from hcckit import widgets
from hcckit.widgets.uploads import MeasurementsUploadPanel

widgets.setup()
panel = MeasurementsUploadPanel()
panel
"""

# Keeps every kernel websocket the page opens (added before the page's own scripts), so a test
# can drop the connection the way a flaky network does.
KEEP_SOCKETS = """
(() => {
  const Native = window.WebSocket;
  window.__hcckitSockets = [];
  const Kept = function WebSocket(url, protocols) {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    window.__hcckitSockets.push(ws);
    return ws;
  };
  Kept.prototype = Native.prototype;
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Kept[k] = Native[k];
  window.WebSocket = Kept;
})();
"""


def _write(folder, name, code):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}"), nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, folder / f"{name}.ipynb")


@pytest.fixture(scope="module")
def upload_server(chromium_ready, tmp_path_factory):
    folder = tmp_path_factory.mktemp("upload-notebooks")
    _write(folder, "upload", UPLOAD)
    server = harness.start_voila(folder, workdir=tmp_path_factory.mktemp("upload-voila"))
    yield server
    server.stop()


def _open(page, server):
    harness.open_voila_page(page, server.url("voila/render/upload.ipynb"), timeout_s=90)
    page.wait_for_function("() => window.hcckitGuard && window.hcckitGuard.state().open === 1")


def _choose_file(page, path) -> None:
    """Click the FileUpload button and pick ``path`` in the file chooser, as a user does."""
    with page.expect_file_chooser() as chooser:
        page.click(".widget-upload")
    chooser.value.set_files(str(path))


def _guard(page) -> dict:
    return page.evaluate("() => window.hcckitGuard.state()")


def _warnings(page) -> list[str]:
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text))
    return seen


def test_cr_only_csv_uploads_and_is_classified(upload_server, new_page, tmp_path):
    """A "CSV (Macintosh)" file (lone CR line endings) through the real panel: table and verdicts."""
    from hcckit.widgets.uploads import MeasurementsUploadPanel

    text = uploads.example_csv("measurements").replace("Teaching patient (synthetic)", "P7")
    mac = text.replace("\r\n", "\n").replace("\n", "\r").encode()
    assert b"\n" not in mac and mac.count(b"\r") >= 5
    path = tmp_path / "mac.csv"
    path.write_bytes(mac)
    expected = MeasurementsUploadPanel()  # what the kernel should compute for these bytes
    expected.load_bytes(mac, name="mac.csv")
    verdicts = (
        expected.best.pivot_table(
            index="patient", columns="criterion", values="best_response", aggfunc="first"
        )
        .loc["P7"]
        .to_dict()
    )

    page, watch = new_page()
    _open(page, upload_server)
    before = harness.chart_state(page)
    _choose_file(page, path)
    page.wait_for_selector(".hcckit-message .hcckit-info", timeout=20_000)
    harness.wait_chart_change(page, before)
    assert "mac.csv" in page.inner_text(".hcckit-message")
    row = page.evaluate(
        """() => { const table = Array.from(document.querySelectorAll('#rendered_cells table'))
                     .find(t => t.innerText.includes('RECIST 1.1'));
                   const head = Array.from(table.rows[0].cells).map(c => c.innerText.trim());
                   const row = Array.from(table.rows).find(r => r.cells[0].innerText.trim() === 'P7');
                   return Object.fromEntries(head.map((h, i) => [h, row.cells[i].innerText.trim()])); }"""
    )
    for criterion, verdict in verdicts.items():
        assert row[criterion] == verdict, (criterion, row)
    visits = page.inner_text("#rendered_cells")
    assert visits.count("P7") >= 4, "every visit of the patient is listed"
    assert _guard(page)["refused"] == []
    assert not watch.problems(), "\n".join(watch.problems())


def _oversize_csv(path, target_bytes: int) -> int:
    header = "patient,lesion,day,kind,ld_mm\n"
    rows, size, i = [header], len(header), 0
    while size < target_bytes:
        line = f"Patient {i:06d},L1,{i % 400},target,{10 + i % 90}.0\n"
        rows.append(line)
        size += len(line)
        i += 1
    path.write_text("".join(rows))
    return path.stat().st_size


def test_oversize_file_is_refused_before_it_is_sent(upload_server, new_page, tmp_path, screenshot_dir):
    """A 3 MB file: a message with its size and the limit, role=alert, and no byte of it sent."""
    big = tmp_path / "measurements.csv"
    size = _oversize_csv(big, 3_000_000)
    assert size > uploads.MAX_BYTES
    page, watch = new_page(viewport=(1280, 800))
    console = _warnings(page)
    _open(page, upload_server)
    label = page.inner_text(".widget-upload")
    assert "2 MB" in label, label
    sent_before = _guard(page)["sentBytes"]

    _choose_file(page, big)
    page.wait_for_function(
        "() => { const b = document.querySelector('.hcckit-upload-refusal'); return b && b.textContent.length > 0; }",
        timeout=10_000,
    )
    box = page.query_selector(".hcckit-upload-refusal")
    message = box.inner_text()
    assert message.startswith(f"measurements.csv is {size / 1e6:.1f} MB"), message
    assert f"the most this lesson reads is {uploads.MAX_BYTES / 1e6:g} MB" in message, message
    assert "choose it again" in message
    assert box.get_attribute("role") == "alert"
    assert box.is_visible()
    # next to the button: directly below the row holding it
    up, msg = page.query_selector(".widget-upload").bounding_box(), box.bounding_box()
    assert 0 <= msg["y"] - (up["y"] + up["height"]) < 40, (up, msg)
    box.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "upload-oversize.png"))

    page.wait_for_timeout(1500)  # time for a (wrongly) sent file to reach the kernel and answer
    state = _guard(page)
    assert state["sentBytes"] - sent_before < 1000, f"{state['sentBytes'] - sent_before} bytes were sent"
    assert state["refused"] == [{"name": "measurements.csv", "size": size, "limit": uploads.MAX_BYTES}]
    assert state["open"] == 1 and state["sockets"] == 1 and state["lost"] is None
    assert page.inner_text(".widget-upload").endswith("(0)"), "the widget must not have received a file"
    assert page.inner_text(".hcckit-message").strip() == ""
    assert not [t for t in console if "Connection lost" in t], console

    # the same button then takes a good file: the message goes, the kernel answers
    good = tmp_path / "small.csv"
    good.write_text(uploads.example_csv("measurements"))
    _choose_file(page, good)
    page.wait_for_selector(".hcckit-message .hcckit-info", timeout=20_000)
    assert page.query_selector(".hcckit-upload-refusal") is None
    assert not watch.problems(), "\n".join(watch.problems())


def _kernel_process(server, kernel_id: str) -> psutil.Process:
    for child in psutil.Process(server.proc.pid).children(recursive=True):
        try:
            if any(kernel_id in part for part in child.cmdline()):
                return child
        except psutil.NoSuchProcess:
            continue
    raise LookupError(f"no kernel process for {kernel_id} under the voila server")


def test_killed_kernel_shows_banner_and_reload_restores(upload_server, new_page, screenshot_dir, timings):
    """SIGKILL the page's kernel: within 10 s a banner with a Reload button; Reload gives a working page."""
    page, watch = new_page(viewport=(1280, 800))
    _open(page, upload_server)
    kernel_id = json.loads(page.inner_text("#jupyter-config-data"))["kernelId"]
    kernel = _kernel_process(upload_server, kernel_id)
    assert page.query_selector("#hcckit-lost") is None

    t0 = time.monotonic()
    kernel.send_signal(signal.SIGKILL)  # what the out-of-memory killer does
    page.wait_for_selector("#hcckit-lost", state="visible", timeout=15_000)
    seconds = time.monotonic() - t0
    timings.append({"test": "killed kernel -> banner", "banner_s": round(seconds, 2)})
    assert seconds < 10, f"the banner took {seconds:.1f} s"
    banner = page.query_selector("#hcckit-lost")
    assert banner.get_attribute("role") == "alert"
    assert "lost its connection to the server" in banner.inner_text()
    assert "Reload" in banner.inner_text()
    box = banner.bounding_box()
    assert box["y"] == 0 and box["width"] >= 1200, box
    font = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.hcckit-lost-text')).fontSize)"
    )
    assert font >= 22, f"banner text {font} px is too small for a projector"
    assert page.evaluate("() => document.getElementById('rendered_cells').inert"), "controls stay usable"
    assert _guard(page)["lost"] == "kernel"
    page.wait_for_timeout(300)
    page.screenshot(path=str(screenshot_dir / "kernel-lost-banner.png"))

    # the restarted kernel has no lesson: the banner stays after the connection is back
    page.wait_for_timeout(2000)
    assert page.query_selector("#hcckit-lost") is not None

    t0 = time.monotonic()
    with page.expect_navigation(wait_until="commit", timeout=30_000):
        page.click("#hcckit-lost button")
    page.wait_for_selector("#loading", state="detached", timeout=90_000)
    page.wait_for_function("() => window.hcckitGuard && window.hcckitGuard.state().open === 1")
    assert page.query_selector("#hcckit-lost") is None
    new_id = json.loads(page.inner_text("#jupyter-config-data"))["kernelId"]
    assert new_id != kernel_id
    page.click("text=Use the example file")
    page.wait_for_selector(".hcckit-message .hcckit-info", timeout=20_000)
    assert "Teaching patient" in page.inner_text("#rendered_cells")
    timings[-1]["reload_to_working_s"] = round(time.monotonic() - t0, 2)
    # the dead page's console errors (its websocket to the restarted kernel) are not checked
    assert not watch.external and not watch.page_errors, watch.problems()


def test_a_short_reconnection_shows_no_banner(upload_server, browser):
    """The kernel websocket drops and reconnects at once: no banner, the page keeps working."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        ctx.add_init_script(KEEP_SOCKETS)
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        _open(page, upload_server)
        page.evaluate("() => window.__hcckitSockets.forEach(ws => ws.close())")
        page.wait_for_function(
            "() => window.hcckitGuard.state().sockets >= 2 && window.hcckitGuard.state().open === 1"
        )
        wait_ms = page.evaluate("() => window.hcckitGuard.lostAfterMs") + 1000
        page.wait_for_timeout(wait_ms)
        assert page.query_selector("#hcckit-lost") is None
        assert _guard(page)["lost"] is None
        page.click("text=Use the example file")
        page.wait_for_selector(".hcckit-message .hcckit-info", timeout=20_000)
    finally:
        harness.leave(ctx)
