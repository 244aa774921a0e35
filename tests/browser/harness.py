"""Shared plumbing for the browser tests and the benchmarks: servers, Chromium, page probes.

Everything here binds to 127.0.0.1 on a free port and drives Debian's Chromium
(``/usr/bin/chromium``, never a browser downloaded by ``playwright install``).
``benchmarks/run.py`` imports this module too, so a lesson is measured exactly the
way it is tested.

The kit's Jupyter settings live in the repository (``jupyter-config/`` for config,
``jupyter-data/`` for the Voila template); :func:`jupyter_env` puts them on the Jupyter
search paths the same way ``make dashboards``, ``make start`` and ``binder/start`` do.
"""

from __future__ import annotations

import atexit
import contextlib
import html as html_lib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
CONFIG_DIR = REPO / "jupyter-config"
DATA_DIR = REPO / "jupyter-data"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}

# Where a rendered chart has drawn something: vega's SVG marks, or a non-empty canvas.
CHART_SELECTOR = ".hcckit-chart, .vega-embed"
MARK_JS = """
(root) => {
  // data marks only (vega gives them the class role-mark); axes and legends do not count
  const svgMarks = root.querySelectorAll('svg g.role-mark > path, svg g.role-mark > rect, '
    + 'svg g.role-mark > line, svg g.role-mark > text, svg g.role-mark > g, svg g.role-mark > image');
  if (svgMarks.length > 0) return svgMarks.length;
  const canvas = root.querySelector('canvas');
  if (canvas && canvas.width > 0 && canvas.height > 0) {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4 * 97) if (data[i] > 0) painted++;
    return painted;
  }
  return 0;
}
"""
# A fingerprint of every chart on the page: changes when any chart redraws with new data.
CHART_STATE_JS = """
() => Array.from(document.querySelectorAll('.hcckit-chart, .vega-embed')).map(el => {
  const svg = el.querySelector('svg.marks') || el.querySelector('svg');
  if (svg) return svg.innerHTML;
  const c = el.querySelector('canvas');
  return c ? c.toDataURL() : '';
})
"""
# Texts ipywidgets / Voila show when something did not render or a cell failed.
ERROR_TEXTS = (
    "Error displaying widget",
    "Failed to create view",
    "Failed to load model class",
    "Could not create",
    "There was an error when executing cell",
    "Cell execution timed out",
    "Traceback (most recent call last)",
)


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepend(path: Path, current: str | None) -> str:
    return str(path) if not current else f"{path}{os.pathsep}{current}"


def jupyter_env(
    base: dict | None = None, *, runtime_dir: Path | None = None, repo_paths: bool = True
) -> dict:
    """Environment for a Jupyter/Voila process started by a test or benchmark.

    ``repo_paths`` puts the kit's ``jupyter-config/`` and ``jupyter-data/`` first on Jupyter's
    search paths (what ``make`` and ``binder/start`` do). With ``runtime_dir``, Jupyter's
    per-user folders (config, data, runtime) are private to the run, so a developer's own
    ``~/.jupyter`` settings or kernels cannot change what is tested.
    """
    env = dict(os.environ if base is None else base)
    if repo_paths:
        env["JUPYTER_CONFIG_PATH"] = _prepend(CONFIG_DIR, env.get("JUPYTER_CONFIG_PATH"))
        env["JUPYTER_PATH"] = _prepend(DATA_DIR, env.get("JUPYTER_PATH"))
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    if runtime_dir is not None:
        runtime_dir = Path(runtime_dir)
        env["JUPYTER_RUNTIME_DIR"] = str(runtime_dir / "runtime")
        env["JUPYTER_CONFIG_DIR"] = str(runtime_dir / "config")
        env["JUPYTER_DATA_DIR"] = str(runtime_dir / "data")
        env["IPYTHONDIR"] = str(runtime_dir / "ipython")
    return env


def chromium_path() -> str | None:
    """Debian's Chromium (or ``$HCCKIT_CHROMIUM``); None if not installed."""
    explicit = os.environ.get("HCCKIT_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def in_ci() -> bool:
    """True when the ``CI`` environment variable is set (GitHub Actions, GitLab, .ci/run...)."""
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def browser_problem() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    if chromium_path() is None:
        return "Chromium is not installed (apt-get install -y chromium)"
    return None


def require_browser() -> str:
    """Chromium's path; otherwise fail when CI is set (never pass by skipping) or skip locally."""
    import pytest

    problem = browser_problem()
    if problem:
        if in_ci():
            pytest.fail(f"browser tests cannot run in CI: {problem}", pytrace=False)
        pytest.skip(f"browser tests need a browser: {problem}")
    return chromium_path()


def _wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status < 500:
                    return
        except urllib.error.HTTPError as e:
            if e.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer in {timeout:.0f} s:\n{log.read_text()[-4000:]}")


@dataclass
class Server:
    """A Voila or JupyterLab process started by us (stopped by its own process group)."""

    proc: subprocess.Popen
    base_url: str
    log: Path
    workdir: Path
    kind: str

    def url(self, path: str = "") -> str:
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _start(
    cmd: list[str],
    *,
    cwd: Path,
    env: dict,
    ready_path: str,
    port: int,
    kind: str,
    workdir: Path,
    timeout: float,
) -> Server:
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / f"{kind}-{port}.log"
    fh = open(log, "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True
    )
    fh.close()
    server = Server(proc=proc, base_url=f"http://127.0.0.1:{port}/", log=log, workdir=workdir, kind=kind)
    try:
        _wait_http(server.url(ready_path), proc, log, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def start_voila(
    notebook_dir: Path = NOTEBOOKS,
    *,
    python: str | None = None,
    extra_args: list[str] = (),
    workdir: Path | None = None,
    env: dict | None = None,
    timeout: float = 60,
) -> Server:
    """Start standalone Voila on ``notebook_dir`` the way ``make dashboards`` does (cwd = repository root)."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix="hcckit-voila-"))
    port = free_port()
    python = python or sys.executable
    cmd = [
        python,
        "-m",
        "voila",
        str(notebook_dir),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        *extra_args,
    ]
    env = jupyter_env(env, runtime_dir=workdir / "jupyter")
    return _start(
        cmd, cwd=REPO, env=env, ready_path="/", port=port, kind="voila", workdir=workdir, timeout=timeout
    )


REFILL_DELAY_S = 300


def warm_args(lesson: str, kernels: int) -> list[str]:
    """Voila options that keep ``kernels`` kernels for ``lesson`` started and executed in advance.

    Voila's pre-heated kernels: each one has already run the notebook, so a student's page only
    has to connect. Other lessons get no pool (a normal kernel on request). A used kernel is
    replaced only after ``REFILL_DELAY_S`` seconds, so refilling does not compete with students
    opening their pages. Same as ``make dashboards WARM=<kernels> LESSON=<lesson>``.
    """
    pools = {"default": {"pool_size": 0}, lesson: {"pool_size": int(kernels)}}
    return [
        "--preheat_kernel=True",
        f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}",
        # refill the pool only after the class has arrived, not while students load their pages
        f"--VoilaKernelManager.fill_delay={REFILL_DELAY_S}",
    ]


def start_lab(
    root_dir: Path = REPO,
    *,
    jupyter: list[str] | None = None,
    workdir: Path | None = None,
    env: dict | None = None,
    cwd: Path = REPO,
    repo_paths: bool = True,
    timeout: float = 90,
) -> Server:
    """Start JupyterLab on 127.0.0.1 with no token, news or update checks (``window.jupyterapp`` exposed)."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix="hcckit-lab-"))
    port = free_port()
    jupyter = jupyter or [sys.executable, "-m", "jupyterlab"]
    cmd = [
        *jupyter,
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root_dir}",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=False",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.user_settings_dir={workdir / 'settings'}",
        f"--LabApp.workspaces_dir={workdir / 'workspaces'}",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    env = jupyter_env(env, runtime_dir=workdir / "jupyter", repo_paths=repo_paths)
    return _start(
        cmd,
        cwd=cwd,
        env=env,
        ready_path="/api/status",
        port=port,
        kind="lab",
        workdir=workdir,
        timeout=timeout,
    )


# --------------------------------------------------------------------------- browser


def launch_browser(playwright):
    """Chromium from Debian, headless, with background networking off."""
    path = chromium_path()
    if path is None:
        raise RuntimeError("Chromium not found: apt-get install -y chromium (or set HCCKIT_CHROMIUM)")
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)


_PLAYWRIGHT = None
_BROWSER = None


def shared_browser():
    """One Chromium per test process, shared by tests/browser and tests/test_binder_env.py.

    (Playwright's sync API allows one running instance per thread, so modules must share it.)
    """
    global _PLAYWRIGHT, _BROWSER
    if _BROWSER is None or not _BROWSER.is_connected():
        from playwright.sync_api import sync_playwright

        if _PLAYWRIGHT is None:
            _PLAYWRIGHT = sync_playwright().start()
            atexit.register(close_shared_browser)
        _BROWSER = launch_browser(_PLAYWRIGHT)
    return _BROWSER


def close_shared_browser() -> None:
    global _PLAYWRIGHT, _BROWSER
    with contextlib.suppress(Exception):
        if _BROWSER is not None:
            _BROWSER.close()
    with contextlib.suppress(Exception):
        if _PLAYWRIGHT is not None:
            _PLAYWRIGHT.stop()
    _PLAYWRIGHT = _BROWSER = None


@contextlib.contextmanager
def watched_page(browser, viewport=(1280, 900)):
    """A fresh page in its own browser context, with a :class:`PageWatch` attached."""
    ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    try:
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        yield page, PageWatch().attach(page)
    finally:
        leave(ctx)


def leave(ctx) -> None:
    """Close a browser context the way a closed tab does, so Voila shuts its kernels down.

    Voila ends a page's kernel from a ``beforeunload`` handler (a beacon to /voila/api/shutdown);
    closing a Playwright context skips it, and the kernels would pile up (about 200 MB each).
    """
    for page in ctx.pages:
        with contextlib.suppress(Exception):
            page.goto("about:blank", timeout=10_000)
    with contextlib.suppress(Exception):
        ctx.close()


def is_local(url: str) -> bool:
    scheme = urlsplit(url).scheme
    if scheme in {"data", "blob", "about", "chrome-extension", "devtools"}:
        return True
    host = urlsplit(url).hostname or ""
    return host in LOCAL_HOSTS or f"[{host}]" in LOCAL_HOSTS


@dataclass
class PageWatch:
    """Records what a page did: requests leaving localhost, console errors, uncaught exceptions."""

    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: int = 0

    def attach(self, page) -> PageWatch:
        page.on("request", self._on_request)
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("console", self._on_console)
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        return self

    def _on_request(self, request) -> None:
        self.requests += 1
        if not is_local(request.url):
            self.external.append(request.url)

    def _on_console(self, msg) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            self.console_errors.append(f"{msg.text} [{loc.get('url', '')}:{loc.get('lineNumber', '')}]")

    def problems(self) -> list[str]:
        out = [f"request left localhost: {u}" for u in self.external]
        out += [f"console error: {t}" for t in self.console_errors]
        out += [f"uncaught page error: {t}" for t in self.page_errors]
        return out


@dataclass
class VoilaPage:
    """What opening one Voila page found."""

    url: str
    load_s: float  # navigation start -> Voila finished executing (spinner gone)
    interactive_s: float  # navigation start -> every widget rendered and every chart drawn
    expected_widgets: int
    rendered_widgets: int
    charts: list[int]  # marks drawn per chart
    error_texts: list[str]
    body_text: str
    has_primary: bool
    n_controls: int


def expected_widget_views(page_html: str) -> int:
    """Top-level widget outputs Voila sent for this page (from the executed notebook in the HTML)."""
    n = 0
    for block in re.findall(
        r'<script type="application/vnd\.voila\.cell-output\+json">(.*?)</script>', page_html, re.S
    ):
        try:
            output = json.loads(html_lib.unescape(block.strip()))
        except ValueError:
            output = json.loads(block.strip())
        if "application/vnd.jupyter.widget-view+json" in output.get("data", {}):
            n += 1
    return n


RENDERED_WIDGETS_JS = """
() => Array.from(document.querySelectorAll('#rendered_cells .jp-OutputArea-output'))
  .filter(o => o.querySelector(':scope > .jupyter-widgets, :scope > .lm-Widget.jupyter-widgets, :scope > .widget-container, :scope > .hcckit-chart, :scope > .vega-embed, :scope > .lm-Widget'))
  .length
"""

CONTROLS_JS = """
() => document.querySelectorAll('#rendered_cells .widget-slider, #rendered_cells select, '
  + '#rendered_cells .widget-toggle-buttons, #rendered_cells .widget-radio, #rendered_cells .widget-checkbox, '
  + '#rendered_cells button.jupyter-button, #rendered_cells .widget-text input, #rendered_cells .widget-dropdown').length
"""


def open_voila_page(page, url: str, *, timeout_s: float = 120) -> VoilaPage:
    """Open a Voila page and wait until it executed, its widgets rendered and its charts drew."""
    t0 = time.monotonic()
    response = page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
    page.wait_for_selector("#loading", state="detached", timeout=timeout_s * 1000)
    page.wait_for_selector("#rendered_cells", state="visible", timeout=timeout_s * 1000)
    load_s = time.monotonic() - t0
    page_html = response.text() if response is not None else ""
    expected = expected_widget_views(page_html)
    deadline = time.monotonic() + 60
    rendered, charts = 0, []
    while True:
        rendered = page.evaluate(RENDERED_WIDGETS_JS)
        charts = [
            page.evaluate(MARK_JS, el)
            for el in page.query_selector_all(CHART_SELECTOR)
            if not el.query_selector(CHART_SELECTOR)
        ]
        loading = page.evaluate("() => document.body.innerText.includes('Loading widget...')")
        if rendered >= expected and all(c > 0 for c in charts) and not loading:
            break
        if time.monotonic() > deadline:
            break
        page.wait_for_timeout(50)
    interactive_s = time.monotonic() - t0
    body = page.evaluate("() => document.body.innerText")
    errors = [t for t in ERROR_TEXTS if t in body]
    errors += page.evaluate(
        "() => Array.from(document.querySelectorAll('#rendered_cells [data-mime-type=\"application/vnd.jupyter.stderr\"]'))"
        ".map(e => e.innerText.slice(0, 300))"
    )
    return VoilaPage(
        url=url,
        load_s=load_s,
        interactive_s=interactive_s,
        expected_widgets=expected,
        rendered_widgets=rendered,
        charts=charts,
        error_texts=errors,
        body_text=body,
        has_primary=page.query_selector(".hcckit-primary-control") is not None,
        n_controls=page.evaluate(CONTROLS_JS),
    )


def full_screenshot(page, path, *, max_height: int = 12_000) -> None:
    """Screenshot the whole page, including content inside scrolling containers.

    Voila's lab template scrolls inside the body, so Playwright's ``full_page`` sees one
    screen only; the viewport is stretched to the content height for the shot, then restored.
    A lesson shown in sections gets one more file per section (``<stem>-s<n>.png``), so what a
    class sees on each screen can be looked at; the section shown before is shown again after.
    """
    _page_screenshot(page, path, max_height=max_height)
    info = sections(page)
    if not info or info["count"] < 2:
        return
    path = Path(path)
    for i in range(info["count"]):
        page.evaluate("(i) => window.hcckitSections.show(i)", i)
        page.wait_for_timeout(300)
        _page_screenshot(page, path.with_name(f"{path.stem}-s{i}{path.suffix}"), max_height=max_height)
    page.evaluate("(i) => window.hcckitSections.show(i)", info["current"])
    page.wait_for_timeout(300)


def _page_screenshot(page, path, *, max_height: int) -> None:
    size = page.viewport_size or {"width": 1280, "height": 900}
    height = page.evaluate(
        """() => Math.max(document.documentElement.scrollHeight, ...Array.from(document.querySelectorAll('*'))
             .filter(e => e.scrollHeight > e.clientHeight + 4 && /(auto|scroll)/.test(getComputedStyle(e).overflowY))
             .map(e => e.scrollHeight))"""
    )
    height = int(min(max(height, size["height"]), max_height))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        if height > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": height})
            page.wait_for_timeout(300)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)


def chart_state(page) -> list[str]:
    return page.evaluate(CHART_STATE_JS)


def poke_primary(page, *, step: int = 1) -> str:
    """Change the lesson's primary control the way a teacher would; return what was done.

    Sliders: keyboard on the handle (``step`` arrow presses, then a final ``change``);
    dropdowns/selects: pick another option; toggle/radio buttons: click another one;
    checkboxes and buttons: click; text/number boxes: type a new value and press Enter.
    """
    ctl = page.query_selector(".hcckit-primary-control")
    if ctl is None:
        raise LookupError("no element with class hcckit-primary-control")
    # a lesson shows one section at a time: bring the control's section on screen first
    switched = page.evaluate(
        """(el) => { const s = window.hcckitSections; if (!s) return false;
                     const before = s.current(); return s.showSectionOf(el) !== before; }""",
        ctl,
    )
    if switched:
        page.wait_for_timeout(300)
    handles = ctl.query_selector_all(".noUi-handle")
    if handles:
        handle = handles[-1]
        handle.focus()
        key = "ArrowRight" if step > 0 else "ArrowLeft"
        now = handle.get_attribute("aria-valuenow")
        if step > 0 and now == handle.get_attribute("aria-valuemax"):
            key = "ArrowLeft"
        for _ in range(abs(step)):
            page.keyboard.press(key)
        return f"slider {key}x{abs(step)}"
    select = ctl.query_selector("select")
    if select is not None:
        return "select " + page.evaluate(
            """(s) => {
                 const opts = Array.from(s.options);
                 if (s.multiple) {
                   const sel = opts.filter(o => o.selected);
                   if (sel.length > 1) { sel[sel.length - 1].selected = false; }
                   else { const o = opts.find(o => !o.selected); if (o) o.selected = true; }
                 } else {
                   const i = (s.selectedIndex + 1) % opts.length; s.selectedIndex = i;
                 }
                 s.dispatchEvent(new Event('change', {bubbles: true}));
                 return Array.from(s.selectedOptions).map(o => o.value).join(',');
               }""",
            select,
        )
    toggles = ctl.query_selector_all("button.jupyter-button:not(.mod-active)")
    if ctl.query_selector(".widget-toggle-buttons") or "widget-toggle-buttons" in (
        ctl.get_attribute("class") or ""
    ):
        if toggles:
            toggles[0].click()
            return "toggle button"
    radios = ctl.query_selector_all("input[type=radio]:not(:checked)")
    if radios:
        radios[0].check()
        return "radio"
    box = ctl.query_selector("input[type=checkbox]")
    if box is not None:
        box.click()
        return "checkbox"
    field_ = ctl.query_selector("input[type=number], input[type=text], textarea")
    if field_ is not None:
        value = field_.input_value()
        try:
            new = str(float(value) + 1)
        except ValueError:
            new = value + "x"
        field_.fill(new)
        field_.press("Enter")
        return "text"
    button = ctl if ctl.evaluate("e => e.tagName") == "BUTTON" else ctl.query_selector("button")
    if button is not None:
        button.click()
        return "button"
    raise LookupError("hcckit-primary-control is not a control this test knows how to change")


def wait_chart_change(page, before: list[str], *, timeout_s: float = 30) -> float:
    """Seconds until some chart's drawing differs from ``before``; raises TimeoutError."""
    t0 = time.monotonic()
    page.wait_for_function(
        "(before) => { const now = (" + CHART_STATE_JS + ")();"
        " return now.length !== before.length || now.some((s, i) => s !== before[i] && s.length > 0); }",
        arg=before,
        timeout=timeout_s * 1000,
        polling="raf",
    )
    return time.monotonic() - t0


def lesson_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """Every notebook in ``notebooks/`` (not in sub-folders, not checkpoints), sorted."""
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


# --------------------------------------------------------------------------- lesson sections

# The hcckit Voila template shows one section of a lesson at a time (see
# jupyter-data/voila/templates/hcckit/hcckit_sections.js): what is drawn in the other sections
# exists in the DOM but is hidden, so a test that clicks or types into it must show it first.
SECTIONS_JS = """
() => {
  const s = window.hcckitSections;
  if (!s) return null;
  const visible = Array.from(document.querySelectorAll('.hcckit-section'))
    .filter(e => e.checkVisibility ? e.checkVisibility() : e.offsetParent !== null)
    .map(e => Number(e.dataset.hcckitIndex));
  return {count: s.count, titles: s.titles, current: s.current(), visible: visible, hash: location.hash,
          toc: Array.from(document.querySelectorAll('#hcckit-toc .hcckit-toc-link')).map(a => a.textContent),
          tocCurrent: Array.from(document.querySelectorAll('#hcckit-toc .hcckit-toc-link[aria-current="true"]'))
            .map(a => Number(a.dataset.hcckitTarget))};
}
"""


def sections(page) -> dict | None:
    """The lesson's sections as the page shows them (None if the page has no section layout).

    Keys: ``count``, ``titles`` (table of contents, intro first), ``current`` (index shown),
    ``visible`` (indexes of sections visible now), ``hash``, ``toc`` and ``tocCurrent``.
    """
    return page.evaluate(SECTIONS_JS)


def show_section_of(page, selector: str) -> int:
    """Show the lesson section that holds the first element matching ``selector``.

    Returns the section's index, or -1 if the page has no sections or no such element (then
    nothing changes). Charts in that section are told to measure themselves again.
    """
    index = page.evaluate(
        "(sel) => window.hcckitSections ? window.hcckitSections.showSectionOf(sel) : -1", selector
    )
    if index >= 0:
        page.wait_for_timeout(300)  # the 'resize' the section switch dispatches, and the redraw
    return index
