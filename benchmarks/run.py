"""The one benchmark command: ``python benchmarks/run.py`` (or ``make bench``). Prints a table.

Measures, in one run and side by side with a bare baseline (benchmarks/baseline.ipynb: one
slider and one offline altair chart, no hcckit):

1. time to interactive of every lesson in Voila (navigation start -> executed, every widget
   rendered, every chart drawn), median of ``--repeats`` cold page loads, and its ratio to the
   baseline (goal: <= 1.5x);
2. control -> chart redrawn, in the browser (keydown/click to the chart's DOM changing), median
   and p95 over ``--changes`` changes of the primary control and of the first control bound to a
   chart param (``.vega-bindings``), split into in-browser updates (no kernel frame received
   before the redraw) and kernel updates, with the kernel round trip (first frame sent -> last
   frame received before the redraw) (goal: median <= 100 ms and <= 1.5x the baseline's, p95 <=
   200 ms);
3. headless execution of every notebook with nbclient (goal: all of them in <= 60 s);
4. ``import hcckit`` in a fresh interpreter (goal: <= 0.3 s);
5. memory of each dashboard's kernel after it is interactive (RSS and USS; goal: <= 250 MB);
6. a classroom: N browser sessions opening the same lesson at once on one local Voila server
   (goal: 30 sessions, no failure), cold and with N kernels warmed in advance (Voila's
   pre-heated kernels, ``make dashboards WARM=N``);
7. the static site: ``hcckit export-site`` of every lesson, and each page's load time from
   file:// in Chromium with the network cut (``--skip-site``; ``--site-dir`` times a given export);
8. the server alone: N concurrent lesson renders over HTTP, no browser (benchmarks/server_capacity.py).

Everything runs on 127.0.0.1 with Debian's Chromium. Other engineers' ``benchmarks/bench_*.py``
scripts are run afterwards and their output is printed under the table. Results are also
written to ``artifacts/benchmarks.json``. ``--quick`` makes a short smoke run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

import harness  # noqa: E402

BASELINE = REPO / "benchmarks" / "baseline.ipynb"
GOALS = {
    "tti_ratio": 1.5,
    "latency_median_ms": 100,
    "latency_p95_ms": 200,
    "latency_vs_baseline": 1.5,
    "execute_total_s": 60,
    "import_s": 0.3,
    "kernel_mb": 250,
    "classroom_sessions": 30,
}

# Injected into every page before its own scripts: records when the page became interactive
# (ms since navigation start) or why it failed, without Python having to watch each page.
READY_PROBE = """
(() => {
  const widgetMime = 'application/vnd.jupyter.widget-view+json';
  document.addEventListener('DOMContentLoaded', () => {
    // Voila has executed every cell when the page is parsed; its outputs wait in script tags
    let n = 0;
    for (const s of document.querySelectorAll('script[type="application/vnd.voila.cell-output+json"]')) {
      try { if (widgetMime in (JSON.parse(s.textContent).data || {})) n++; } catch (e) {}
    }
    window.__hk_expected = n;
  });
  const t = setInterval(() => {
    if (window.__hk_ready || window.__hk_failed) { clearInterval(t); return; }
    if (window.__hk_expected === undefined) return;
    const body = document.body ? document.body.innerText : '';
    for (const e of __ERROR_TEXTS__) { if (body.includes(e)) { window.__hk_failed = e; return; } }
    if (document.getElementById('loading')) return;
    const cells = document.getElementById('rendered_cells');
    if (!cells || cells.style.display === 'none') return;
    if (body.includes('Loading widget...')) return;
    const rendered = (__RENDERED_WIDGETS__)();
    if (rendered < window.__hk_expected) return;
    const charts = Array.from(document.querySelectorAll('.hcckit-chart, .vega-embed'))
      .filter(el => !el.querySelector('.hcckit-chart, .vega-embed'));
    if (!charts.every(el => el.querySelector('svg g.role-mark > *, canvas'))) return;
    window.__hk_ready = performance.now();
  }, 20);
})();
""".replace("__ERROR_TEXTS__", json.dumps(list(harness.ERROR_TEXTS))).replace(
    "__RENDERED_WIDGETS__", harness.RENDERED_WIDGETS_JS.strip()
)

# Every kernel websocket frame the page sends or receives, by the page's clock: a change whose
# redraw needed no frame from the kernel was answered in the browser (a chart param), the others
# took a kernel round trip (first frame sent -> last frame received before the redraw).
WS_PROBE = """
(() => {
  const log = window.__hk_ws = {sent: [], recv: []};
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    log.sent.push(performance.now());
    if (!this.__hkWatched) {
      this.__hkWatched = true;
      this.addEventListener('message', () => log.recv.push(performance.now()));
    }
    return send.call(this, data);
  };
})();
"""

# Latency of one change: the time from the user's input event to the chart DOM differing, with
# the kernel frames sent and received meanwhile.
ARM_LATENCY = """
(before) => {
  window.__hk_t0 = null;
  const mark = () => { if (window.__hk_t0 === null) window.__hk_t0 = performance.now(); };
  for (const ev of ['keydown', 'pointerdown', 'change', 'input']) document.addEventListener(ev, mark, {capture: true, once: true});
  const state = __CHART_STATE__;
  const result = () => {
    const done = performance.now();
    const t0 = window.__hk_t0 ?? done;
    const ws = window.__hk_ws || {sent: [], recv: []};
    const sent = ws.sent.filter((t) => t >= t0 && t <= done);
    const recv = ws.recv.filter((t) => t >= t0 && t <= done);
    return {ms: done - t0, sent: sent.length, recv: recv.length,
            kernel_ms: sent.length && recv.length ? recv[recv.length - 1] - sent[0] : null,
            to_send_ms: sent.length ? sent[0] - t0 : null,
            after_recv_ms: recv.length ? done - recv[recv.length - 1] : null};
  };
  window.__hk_done = new Promise((resolve) => {
    const check = () => {
      const now = state();
      if (now.length !== before.length || now.some((s, i) => s !== before[i] && s.length > 0)) {
        obs.disconnect(); resolve(result());
      }
    };
    const obs = new MutationObserver(check);
    obs.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
    setTimeout(() => { obs.disconnect(); resolve({ms: -1}); }, 30000);
  });
}
""".replace("__CHART_STATE__", harness.CHART_STATE_JS.strip())

# A control bound to a chart param (vega-embed draws it in .vega-bindings): pick another option,
# the next radio button or move a range input one step, as a teacher would.
POKE_PARAM = """
(step) => {
  const inputs = Array.from(document.querySelectorAll('.vega-bindings select, .vega-bindings input'));
  const el = inputs.find((e) => e.offsetParent !== null) || inputs[0];
  if (!el) return null;
  const s = window.hcckitSections;
  if (s) s.showSectionOf(el);
  if (el.tagName === 'SELECT') {
    el.selectedIndex = (el.selectedIndex + 1) % el.options.length;
    el.dispatchEvent(new Event('change', {bubbles: true}));
    return 'select';
  }
  if (el.type === 'radio') {
    const group = Array.from(el.closest('.vega-bind').querySelectorAll('input[type=radio]'));
    const i = group.findIndex((r) => r.checked);
    const next = group[(i + 1) % group.length];
    next.checked = true;
    next.dispatchEvent(new Event('change', {bubbles: true}));
    return 'radio';
  }
  if (el.type === 'checkbox') { el.click(); return 'checkbox'; }
  if (el.type === 'range') {
    const v = Number(el.value) + step * Number(el.step || 1);
    el.value = String(Math.min(Number(el.max), Math.max(Number(el.min), v)));
    el.dispatchEvent(new Event('input', {bubbles: true}));
    return 'range';
  }
  return null;
}
"""

# How the page's charts were updated (hcckit.widgets._chartlib): in place (data only) or redrawn.
UPDATES_JS = """
() => {
  const total = {data: 0, full: 0, ms: []};
  for (const el of document.querySelectorAll('*')) {
    const u = el.__hcckitUpdates;
    if (u) { total.data += u.data; total.full += u.full; total.ms.push(...u.ms); }
  }
  return total;
}
"""


def percentile(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        import psutil

        mem_gb = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        pass
    chromium = ""
    path = harness.chromium_path()
    if path:
        try:
            chromium = subprocess.run(
                [path, "--version"], capture_output=True, text=True, timeout=20
            ).stdout.strip()
        except Exception:  # noqa: BLE001
            chromium = path
    versions = {}
    for dist in ("voila", "jupyterlab", "ipywidgets", "altair", "anywidget", "playwright"):
        try:
            import importlib.metadata as md

            versions[dist] = md.version(dist)
        except Exception:  # noqa: BLE001
            pass
    os_name = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "os": os_name,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "chromium": chromium,
        "versions": versions,
    }


# --------------------------------------------------------------------------- measurements


def kernel_memory(server: harness.Server, kernel_id: str) -> tuple[float, float] | None:
    """(RSS, USS) in MB of the kernel process with this id, a child of the Voila server."""
    import psutil

    try:
        parent = psutil.Process(server.proc.pid)
    except psutil.NoSuchProcess:
        return None
    for child in parent.children(recursive=True):
        try:
            if any(kernel_id in part for part in child.cmdline()):
                info = child.memory_full_info()
                return info.rss / 2**20, info.uss / 2**20
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return None


def open_measured(browser, url: str, *, timeout_s: float = 180, traffic: dict | None = None):
    """Open ``url`` in a fresh context; return (context, page, seconds to interactive, failure).

    With ``traffic``, the bytes of the HTML page and of the kernel websocket messages received
    until the page is interactive are added to it (what a classroom network has to carry).
    """
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.add_init_script(READY_PROBE)
    ctx.add_init_script(WS_PROBE)
    page = ctx.new_page()
    if traffic is not None:
        traffic.setdefault("ws_bytes", 0)

        def on_ws(ws):
            def add(payload):
                traffic["ws_bytes"] += len(payload)

            ws.on("framereceived", add)

        page.on("websocket", on_ws)
    response = page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
    page.wait_for_function(
        "() => window.__hk_ready || window.__hk_failed", timeout=timeout_s * 1000, polling=50
    )
    ready = page.evaluate("() => window.__hk_ready || null")
    failed = page.evaluate("() => window.__hk_failed || null")
    if traffic is not None:
        page.remove_listener("websocket", on_ws)
        try:
            traffic["html_bytes"] = len(response.body()) if response is not None else 0
        except Exception:  # noqa: BLE001
            traffic["html_bytes"] = 0
    return ctx, page, (ready / 1000 if ready else None), failed


def measure_latency(page, changes: int, *, poke=None) -> list[dict]:
    """Input event -> chart redrawn for ``changes`` changes of a control, one dict per change.

    Each dict: ``ms`` (input event to chart DOM changed), ``sent``/``recv`` (kernel websocket
    frames meanwhile) and ``kernel_ms`` (first frame sent to last frame received before the
    redraw; None when the browser answered alone). ``poke(page, step)`` changes the control;
    the default is the lesson's primary control.
    """
    poke = poke or (lambda page, step: harness.poke_primary(page, step=step))
    out = []
    step = 1
    for _ in range(changes):
        before = harness.chart_state(page)
        page.evaluate(ARM_LATENCY, before)
        poke(page, step)
        r = page.evaluate("() => window.__hk_done")
        if r.get("ms", -1) >= 0:
            out.append(r)
        step = -step  # back and forth, so sliders stay inside their range
        wait_quiet(page)
    return out


def poke_param(page, step: int) -> None:
    """Change the first chart-bound (Vega-Lite param) control on the page."""
    if page.evaluate(POKE_PARAM, step) is None:
        raise LookupError("no control bound to a chart param (.vega-bindings)")


def split_updates(samples: list[dict]) -> dict:
    """Latency samples split into in-browser (no kernel frame received) and kernel updates."""
    browser = [s["ms"] for s in samples if not s.get("recv")]
    kernel = [s["ms"] for s in samples if s.get("recv")]

    def part(key):
        return [s[key] for s in samples if s.get(key) is not None]

    return {
        "browser_ms": browser,
        "kernel_ms": kernel,
        "kernel_round_trip_ms": part("kernel_ms"),
        "input_to_send_ms": part("to_send_ms"),
        "last_frame_to_redraw_ms": part("after_recv_ms"),
    }


def wait_quiet(page, *, quiet_ms: int = 300, timeout_s: float = 10) -> None:
    """Wait until no chart on the page has changed for ``quiet_ms`` (all redraws of a change done).

    Without it, a lesson whose change redraws several charts could still be drawing the second
    chart when the next change starts, and that late redraw would be timed as the next change.
    """
    deadline = time.monotonic() + timeout_s
    state = harness.chart_state(page)
    while time.monotonic() < deadline:
        page.wait_for_timeout(quiet_ms)
        now = harness.chart_state(page)
        if now == state:
            return
        state = now


def bench_pages(
    browser, pages: dict[str, str], servers: dict[str, harness.Server], repeats: int, changes: int
) -> dict:
    results = {}
    for name, url in pages.items():
        server = servers[name]
        tti, fails, mem, lat, param_lat, traffic, has_control = [], [], None, [], [], {}, False
        updates = None
        for i in range(repeats):
            ctx, page, ready, failed = open_measured(
                browser, url, traffic=traffic if i == repeats - 1 else None
            )
            try:
                if failed or ready is None:
                    fails.append(failed or "not interactive")
                    continue
                tti.append(ready)
                if i == repeats - 1:
                    config = page.evaluate(
                        "() => JSON.parse(document.getElementById('jupyter-config-data').textContent)"
                    )
                    mem = kernel_memory(server, config.get("kernelId", ""))
                    has_control = bool(
                        page.query_selector(".hcckit-primary-control")
                        and page.query_selector(".hcckit-chart, .vega-embed")
                    )
                    if has_control:
                        try:
                            lat = measure_latency(page, changes)
                            updates = page.evaluate(UPDATES_JS)
                        except Exception as exc:  # noqa: BLE001
                            fails.append(f"latency: {type(exc).__name__}: {str(exc)[:80]}")
                    if page.query_selector(".vega-bindings select, .vega-bindings input"):
                        try:
                            param_lat = measure_latency(page, changes, poke=poke_param)
                        except Exception as exc:  # noqa: BLE001
                            fails.append(f"param latency: {type(exc).__name__}: {str(exc)[:80]}")
            finally:
                harness.leave(ctx)
        mb = (traffic.get("ws_bytes", 0) + traffic.get("html_bytes", 0)) / 2**20 if traffic else None
        results[name] = {
            "tti_s": tti,
            "failures": fails,
            "memory_mb": mem,
            "latency_ms": [x["ms"] for x in lat],
            "primary": split_updates(lat),
            "param": split_updates(param_lat),
            "transfer_mb": mb,
            "has_control": has_control,
            "chart_updates": updates,
        }
        med = statistics.median(tti) if tti else float("nan")
        print(
            f"  {name:28s} interactive {med:5.1f} s (n={len(tti)})"
            + (f", change->chart median {statistics.median(x['ms'] for x in lat):.0f} ms" if lat else "")
            + (
                f", chart-param control median {statistics.median(x['ms'] for x in param_lat):.0f} ms"
                if param_lat
                else ""
            )
            + (
                ", of which input->frame sent {:.0f}, kernel round trip {:.0f}, last frame->redraw {:.0f} ms".format(
                    *(
                        statistics.median(split_updates(lat)[k] or [float("nan")])
                        for k in ("input_to_send_ms", "kernel_round_trip_ms", "last_frame_to_redraw_ms")
                    )
                )
                if lat
                else ""
            )
            + (f", kernel RSS {mem[0]:.0f} MB" if mem else "")
            + (
                f", chart updates in place {updates['data']} / redrawn {updates['full']}"
                f" (browser median {statistics.median(updates['ms']):.0f} ms)"
                if updates and updates["ms"]
                else ""
            )
            + (f", FAILURES {fails}" if fails else ""),
            flush=True,
        )
    return results


def bench_execution(notebooks: list[Path]) -> dict:
    import nbformat
    from nbclient import NotebookClient

    times = {}
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        t0 = time.perf_counter()
        try:
            NotebookClient(
                nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
            ).execute()
            times[path.name] = time.perf_counter() - t0
        except Exception as exc:  # noqa: BLE001
            times[path.name] = None
            print(f"  {path.name}: FAILED {type(exc).__name__}", flush=True)
            continue
        print(f"  {path.name:28s} {times[path.name]:5.1f} s", flush=True)
    return times


def bench_import(n: int = 7) -> dict:
    code = "import time; t = time.perf_counter(); import {m}; print(time.perf_counter() - t)"
    out = {}
    for module in ("hcckit", "hcckit.widgets"):
        samples = []
        for _ in range(n):
            r = subprocess.run([sys.executable, "-c", code.format(m=module)], capture_output=True, text=True)
            if r.returncode == 0:
                samples.append(float(r.stdout.strip()))
        out[module] = statistics.median(samples) if samples else None
    return out


def wait_until_warm(server: harness.Server, kernels: int, *, timeout_s: float = 900) -> float:
    """Seconds until ``kernels`` pre-heated kernels exist and the machine is idle again.

    Voila starts the pool's kernels and runs the lesson in each; "idle" (all CPUs below 20 %
    over 3 s) means they have all finished executing.
    """
    import psutil

    t0 = time.perf_counter()
    parent = psutil.Process(server.proc.pid)
    time.sleep(5)
    while time.perf_counter() - t0 < timeout_s:
        kids = [c for c in parent.children(recursive=True) if "ipykernel" in " ".join(c.cmdline())]
        if len(kids) >= kernels and psutil.cpu_percent(interval=3) < 20:
            return time.perf_counter() - t0
        time.sleep(1)
    return float("nan")


def bench_classroom(browser, notebook: str, levels: list[int], workdir: Path, *, warm: bool = False) -> dict:
    """N sessions opening ``notebook`` at once on a fresh Voila server, for each N in ``levels``.

    With ``warm``, the server keeps N kernels for the lesson started and executed in advance
    (``make dashboards WARM=N``) and the sessions start once they are ready.
    """
    results = {}
    for n in levels:
        extra = harness.warm_args(notebook, n) if warm else []
        server = harness.start_voila(
            harness.NOTEBOOKS, extra_args=extra, workdir=workdir / f"class-{n}{'-warm' if warm else ''}"
        )
        contexts = []
        warm_s = None
        try:
            if warm:
                warm_s = wait_until_warm(server, n)
                print(f"  {n} kernels warmed in {warm_s:.0f} s", flush=True)
            pages = []
            for _ in range(n):
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                ctx.add_init_script(READY_PROBE)
                contexts.append(ctx)
                pages.append(ctx.new_page())
            t0 = time.perf_counter()
            url = server.url(f"voila/render/{notebook}")
            for page in pages:  # all navigations in flight at once
                page.evaluate(f"() => {{ window.location.href = {json.dumps(url)}; }}")
            times, failures = [], []
            deadline = time.perf_counter() + 600
            pending = list(pages)
            while pending and time.perf_counter() < deadline:
                still = []
                for page in pending:
                    try:
                        state = page.evaluate("() => [window.__hk_ready || null, window.__hk_failed || null]")
                    except Exception:  # noqa: BLE001 - navigation in progress
                        still.append(page)
                        continue
                    ready, failed = state
                    if failed:
                        failures.append(failed)
                    elif ready:
                        times.append(ready / 1000)
                    else:
                        still.append(page)
                pending = still
                time.sleep(0.25)
            failures += ["not interactive after 600 s"] * len(pending)
            wall = time.perf_counter() - t0
            mem = None
            try:
                import psutil

                kids = [
                    c
                    for c in psutil.Process(server.proc.pid).children(recursive=True)
                    if "ipykernel" in " ".join(c.cmdline())
                ]
                mem = sum(c.memory_full_info().uss for c in kids) / 2**20
            except Exception:  # noqa: BLE001
                pass
            results[n] = {
                "times_s": times,
                "failures": failures,
                "wall_s": wall,
                "kernels_uss_mb": mem,
                "warm_s": warm_s,
            }
            med = statistics.median(times) if times else float("nan")
            print(
                f"  {n:3d} sessions{' (warm)' if warm else ''}: {len(times)} ok, {len(failures)} failed, median {med:.1f} s, "
                f"max {max(times) if times else float('nan'):.1f} s",
                flush=True,
            )
        finally:
            for ctx in contexts:
                harness.leave(ctx)
            server.stop()
    return results


SITE_DONE_JS = "() => window.hcckitCharts && window.hcckitCharts.done !== null"
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def bench_static_site(browser, lessons: list[Path], workdir: Path, *, repeats: int, site_dir=None) -> dict:
    """The static site (``hcckit export-site``): export time and page size per lesson, then each
    page opened from file:// in Chromium with every non-local request aborted: seconds from
    navigation start to the last chart drawn (the page's own clock), median of ``repeats``.
    """
    from hcckit import site

    timings: dict = {}
    t0 = time.perf_counter()
    if site_dir is None:
        site_dir = workdir / "site"
        site.export_site(site_dir, lessons=[p.stem for p in lessons], timings=timings)
    export_s = time.perf_counter() - t0
    out = {"export_s": export_s if timings else None, "pages": {}}
    for nb in lessons:
        path = Path(site_dir) / f"{nb.stem}.html"
        loads, external, failures = [], [], []
        for _ in range(repeats):
            ctx = browser.new_context(viewport={"width": 1280, "height": 800})
            page = ctx.new_page()

            def route(r, external=external):
                if r.request.url.startswith(LOCAL_SCHEMES):
                    r.continue_()
                else:
                    external.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            try:
                page.goto(path.resolve().as_uri())
                page.wait_for_function(SITE_DONE_JS, timeout=60_000)
                loads.append(page.evaluate("() => window.hcckitCharts.done") / 1000)
            except Exception as exc:  # noqa: BLE001
                failures.append(f"{type(exc).__name__}: {str(exc)[:80]}")
            finally:
                ctx.close()
        exported = timings.get(nb.stem)
        out["pages"][nb.stem] = {
            "load_s": loads,
            "external_requests": len(external),
            "failures": failures,
            "export_s": exported[0] if exported else None,
            "bytes": exported[1] if exported else (path.stat().st_size if path.exists() else None),
        }
        med = statistics.median(loads) if loads else float("nan")
        print(
            f"  {nb.stem:28s} file:// load {med:.2f} s, {len(external)} requests off the machine", flush=True
        )
    return out


def site_table(st: dict) -> str:
    """Markdown table of :func:`bench_static_site`'s result."""
    lines = [
        f"Static site (hcckit export-site, all lessons exported in {fmt(st.get('export_s'), ' s', 0)}),"
        " opened from file:// with the network cut:",
        "",
        "| lesson | load to last chart drawn (median) | page size | requests off the machine | failures |",
        "|---|---|---|---|---|",
    ]
    for name, r in st["pages"].items():
        size = f"{r['bytes'] / 2**20:.1f} MB" if r.get("bytes") else "-"
        load = statistics.median(r["load_s"]) if r["load_s"] else None
        lines.append(
            f"| {name} | {fmt(load, ' s', 2)} | {size} | {r['external_requests']} | {len(r['failures'])} |"
        )
    return "\n".join(lines)


def other_benchmarks(timeout: int) -> list[tuple[str, str]]:
    out = []
    for script in sorted((REPO / "benchmarks").glob("bench_*.py")):
        try:
            r = subprocess.run(
                [sys.executable, str(script)], capture_output=True, text=True, timeout=timeout, cwd=REPO
            )
            out.append(
                (
                    script.name,
                    (
                        r.stdout + (f"\n[exit {r.returncode}] {r.stderr[-500:]}" if r.returncode else "")
                    ).strip(),
                )
            )
        except subprocess.TimeoutExpired:
            out.append((script.name, f"timed out after {timeout} s"))
    return out


# --------------------------------------------------------------------------- report


def fmt(v, unit="", digits=1):
    return "-" if v is None or v != v else f"{v:.{digits}f}{unit}"


def verdict(ok):
    return "met" if ok else "NOT met"


def report(res: dict) -> str:
    m = res["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, {m['os']}, Python {m['python']}, {m['chromium']}",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        f"Load average (1/5/15 min) at start {m['load_average_at_start']}, at end {res.get('load_average_at_end')}"
        " (other work on the machine slows every number here)",
        "",
        "| page | time to interactive (median) | vs baseline | control -> chart, all updates: median / p95"
        " | kernel updates: median / p95 (kernel round trip median) | in-browser (chart param) updates: median / p95"
        " | kernel RSS / USS | data per load | runs |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    pages = res["pages"]
    base = pages.get("baseline", {})
    base_tti = statistics.median(base["tti_s"]) if base.get("tti_s") else None
    base_lat = statistics.median(base["latency_ms"]) if base.get("latency_ms") else None
    worst_ratio, worst_lat, worst_p95, worst_mem, unmeasured = 0.0, 0.0, 0.0, 0.0, []

    def med_p95(values):
        return f"{statistics.median(values):.0f} / {percentile(values, 95):.0f} ms" if values else "-"

    for name, r in pages.items():
        tti = statistics.median(r["tti_s"]) if r["tti_s"] else None
        ratio = tti / base_tti if tti and base_tti else None
        primary, param = r.get("primary") or {}, r.get("param") or {}
        kernel = primary.get("kernel_ms", []) + param.get("kernel_ms", [])
        in_browser = primary.get("browser_ms", []) + param.get("browser_ms", [])
        trips = primary.get("kernel_round_trip_ms", []) + param.get("kernel_round_trip_ms", [])
        lat = kernel + in_browser or r["latency_ms"]
        kernel_s = med_p95(kernel) + (f" ({statistics.median(trips):.0f} ms)" if trips else "")
        mem = r["memory_mb"]
        mem_s = f"{mem[0]:.0f} / {mem[1]:.0f} MB" if mem else "-"
        fails = f" ({len(r['failures'])} failed)" if r["failures"] else ""
        lines.append(
            f"| {name} | {fmt(tti, ' s')} | {fmt(ratio, 'x', 2)} | {med_p95(lat)} | {kernel_s} | {med_p95(in_browser)} "
            f"| {mem_s} | {fmt(r.get('transfer_mb'), ' MB')} | {len(r['tti_s'])}{fails} |"
        )
        if name != "baseline":
            worst_ratio = max(worst_ratio, ratio or float("inf"))
            if lat:
                worst_lat = max(worst_lat, statistics.median(lat))
                worst_p95 = max(worst_p95, percentile(lat, 95))
            elif r.get("has_control"):
                unmeasured.append(name)
        if mem and name != "baseline":
            worst_mem = max(worst_mem, mem[0])
    lat_limit = min(
        GOALS["latency_median_ms"], GOALS["latency_vs_baseline"] * base_lat if base_lat else float("inf")
    )
    ex = res["execution"]
    total = sum(v for v in ex.values() if v) if ex else None
    lines += ["", "| notebook | headless execution |", "|---|---|"]
    lines += [f"| {k} | {fmt(v, ' s')} |" for k, v in ex.items()]
    lines.append(f"| **all notebooks** | **{fmt(total, ' s')}** |")
    imp = res["import"]
    lines += [
        "",
        f"import hcckit: {fmt(imp.get('hcckit'), ' s', 3)} (import hcckit.widgets: {fmt(imp.get('hcckit.widgets'), ' s', 2)})",
    ]
    cl = res.get("classroom", {})
    if cl:
        lines += [
            "",
            f"| classroom ({res['classroom_lesson']}) | ok | failed | median | p95 | max | kernels' USS total |",
            "|---|---|---|---|---|---|---|",
        ]
        for n, r in [*cl.items(), *res.get("classroom_warm", {}).items()]:
            t = r["times_s"]
            warm = r.get("warm_s")
            label = f"{n} sessions at once" + (
                f", {n} kernels warmed in advance ({warm:.0f} s before class)" if warm is not None else ""
            )
            lines.append(
                f"| {label} | {len(t)} | {len(r['failures'])} | {fmt(statistics.median(t) if t else None, ' s')} "
                f"| {fmt(percentile(t, 95) if t else None, ' s')} | {fmt(max(t) if t else None, ' s')} | {fmt(r['kernels_uss_mb'], ' MB', 0)} |"
            )
    class_summary = ", ".join(f"{n}: {len(r['failures'])} failed" for n, r in cl.items()) or "not run"
    ok_class = (
        bool(cl)
        and all(not r["failures"] for n, r in cl.items())
        and max(map(int, cl), default=0) >= GOALS["classroom_sessions"]
    )
    lines += [
        "",
        "| goal | result | |",
        "|---|---|---|",
        f"| lessons <= {GOALS['tti_ratio']}x baseline time to interactive | worst {fmt(worst_ratio, 'x', 2)} | {verdict(worst_ratio <= GOALS['tti_ratio'])} |",
        f"| control -> chart median <= {GOALS['latency_median_ms']} ms and <= {GOALS['latency_vs_baseline']}x the baseline's"
        f" ({fmt(base_lat, ' ms', 0)}), p95 <= {GOALS['latency_p95_ms']} ms"
        f" | worst median {fmt(worst_lat, ' ms', 0)}, worst p95 {fmt(worst_p95, ' ms', 0)}"
        + (f" (not measured: {', '.join(unmeasured)})" if unmeasured else "")
        + f" | {verdict(worst_lat <= lat_limit and worst_p95 <= GOALS['latency_p95_ms'] and not unmeasured)} |",
        f"| all notebooks executed <= {GOALS['execute_total_s']} s | {fmt(total, ' s')} | {verdict(total is not None and total <= GOALS['execute_total_s'] and None not in ex.values())} |",
        f"| import hcckit <= {GOALS['import_s']} s | {fmt(imp.get('hcckit'), ' s', 3)} | {verdict((imp.get('hcckit') or 9) <= GOALS['import_s'])} |",
        f"| <= {GOALS['kernel_mb']} MB per lesson kernel (RSS) | worst {fmt(worst_mem, ' MB', 0)} | {verdict(worst_mem <= GOALS['kernel_mb'])} |",
        f"| {GOALS['classroom_sessions']} concurrent sessions, no failure | {class_summary} | {verdict(ok_class)} |",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3, help="cold page loads per page (default 3)")
    ap.add_argument(
        "--changes", type=int, default=15, help="control changes per page for latency (default 15)"
    )
    ap.add_argument(
        "--classroom", default=None, help="concurrent sessions to try (default 10,20,30; '' skips)"
    )
    ap.add_argument(
        "--classroom-lesson",
        default="00_index.ipynb",
        help="lesson the class opens (default the landing page)",
    )
    ap.add_argument(
        "--only", action="append", help="only lessons whose file name starts with this (repeatable)"
    )
    ap.add_argument(
        "--capacity",
        default=None,
        help="server only: concurrent renders over HTTP, no browser (default 10,30,60; '' skips)",
    )
    ap.add_argument("--skip-execution", action="store_true")
    ap.add_argument("--skip-site", action="store_true", help="skip the static-site export and load times")
    ap.add_argument(
        "--site-dir",
        default=None,
        help="time this exported site instead of exporting one (hcckit export-site DIR)",
    )
    ap.add_argument("--warm-only", action="store_true", help="classroom: only the warmed run")
    ap.add_argument(
        "--no-warm", action="store_true", help="skip the classroom run with kernels warmed in advance"
    )
    ap.add_argument("--quick", action="store_true", help="smoke run: 1 load, 5 changes, classroom of 5")
    ap.add_argument("--json", default=str(REPO / "artifacts" / "benchmarks.json"))
    args = ap.parse_args(argv)
    if args.quick:
        args.repeats, args.changes = 1, 5
    if args.classroom is None:
        args.classroom = "5" if args.quick else "10,20,30"
    if args.capacity is None:
        args.capacity = "5" if args.quick else "10,30,60"
    problem = harness.browser_problem()
    if problem:
        print(f"benchmarks need Chromium: {problem}", file=sys.stderr)
        return 2

    import tempfile

    workdir = Path(tempfile.mkdtemp(prefix="hcckit-bench-"))
    lessons = harness.lesson_notebooks()
    if args.only:
        lessons = [p for p in lessons if any(p.name.startswith(o) for o in args.only)]
    res = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    print(f"hcckit benchmarks, {res['started']}", flush=True)

    print("[1/6] import time", flush=True)
    res["import"] = bench_import()

    print("[2/6] headless execution of every notebook", flush=True)
    res["execution"] = {} if args.skip_execution else bench_execution(lessons)

    print("[3-5/6] Voila: time to interactive, change -> chart latency, kernel memory", flush=True)
    from playwright.sync_api import sync_playwright

    lesson_server = harness.start_voila(harness.NOTEBOOKS, workdir=workdir / "lessons")
    base_server = harness.start_voila(BASELINE.parent, workdir=workdir / "baseline")
    try:
        with sync_playwright() as p:
            browser = harness.launch_browser(p)
            pages = {"baseline": base_server.url(f"voila/render/{BASELINE.name}")}
            servers = {"baseline": base_server}
            for nb in lessons:
                pages[nb.stem] = lesson_server.url(f"voila/render/{nb.name}")
                servers[nb.stem] = lesson_server
            # one unmeasured load per server first (Voila's first page compiles templates)
            for warm in (pages["baseline"], *(list(pages.values())[1:2])):
                ctx, *_ = open_measured(browser, warm)
                harness.leave(ctx)
            res["pages"] = bench_pages(browser, pages, servers, args.repeats, args.changes)
            lesson_server.stop()
            base_server.stop()
            if not args.skip_site:
                print("[static site] export every lesson, open each from file://", flush=True)
                res["static_site"] = bench_static_site(
                    browser, lessons, workdir, repeats=args.repeats, site_dir=args.site_dir
                )
            levels = [int(x) for x in args.classroom.split(",") if x.strip()]
            res["classroom_lesson"] = args.classroom_lesson
            if levels:
                print(f"[6/6] classroom: {levels} sessions opening {args.classroom_lesson}", flush=True)
                res["classroom"] = (
                    {} if args.warm_only else bench_classroom(browser, args.classroom_lesson, levels, workdir)
                )
                if not args.no_warm:
                    print(f"[6/6] classroom, kernels warmed in advance: {max(levels)} sessions", flush=True)
                    res["classroom_warm"] = bench_classroom(
                        browser, args.classroom_lesson, [max(levels)], workdir, warm=True
                    )
            browser.close()
    finally:
        lesson_server.stop()
        base_server.stop()

    capacity_levels = [int(x) for x in args.capacity.split(",") if x.strip()]
    capacity_text = ""
    if capacity_levels:
        import server_capacity

        print(
            f"[7/7] server only: {capacity_levels} concurrent renders of {args.classroom_lesson}", flush=True
        )
        res["server_capacity"] = server_capacity.capacity(args.classroom_lesson, capacity_levels)
        capacity_text = "\n\n" + server_capacity.table(res["server_capacity"], args.classroom_lesson)
    res["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    others = other_benchmarks(timeout=600)
    site_text = "\n\n" + site_table(res["static_site"]) if res.get("static_site") else ""
    text = report(res) + site_text + capacity_text
    print("\n" + text)
    for name, out in others:
        print(f"\n--- {name} ---\n{out}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({**res, "report": text}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
