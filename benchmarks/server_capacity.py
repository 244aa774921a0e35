"""Server-only capacity: N concurrent lesson renders over HTTP, no browser (issue 17).

Voila executes a lesson before the page is complete, so N simultaneous GETs of
``voila/render/<lesson>`` measure what the server can do for a class, without N headless browsers
competing for the same cores. For each N: time to the last byte of every page (s), failures
(HTTP error, timeout, or a page showing an execution error), kernels' memory (USS, MB) and the
machine's load. Cold: a fresh server starts and runs a kernel per request; warm: the server keeps
N kernels started and executed in advance (``make dashboards WARM=N``), as in class.

    python benchmarks/server_capacity.py --levels 10,30,60 --lesson 02_response_criteria.ipynb

``benchmarks/run.py`` runs it as its last step and prints the table beside the other results.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

import harness  # noqa: E402

#: a class waits at most this long for its pages (s): the README's capacity statement uses it
TARGET_S = 30


def fetch(url: str, timeout_s: float) -> tuple[float, str | None, int]:
    """(seconds to the last byte, failure or None, bytes) of one GET."""
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            body = response.read()
            status = response.status
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return time.perf_counter() - t0, f"{type(exc).__name__}: {exc}", 0
    elapsed = time.perf_counter() - t0
    if status != 200:
        return elapsed, f"HTTP {status}", len(body)
    text = body.decode("utf-8", "replace")
    if "Traceback (most recent call last)" in text:
        return elapsed, "a cell failed (traceback in the page)", len(body)
    return elapsed, None, len(body)


def kernels_memory_mb(server) -> tuple[int, float]:
    """(number of kernels, their summed USS in MB) under the server process."""
    import psutil

    kids = [
        c
        for c in psutil.Process(server.proc.pid).children(recursive=True)
        if "ipykernel" in " ".join(c.cmdline())
    ]
    total = 0
    for c in kids:
        try:
            total += c.memory_full_info().uss
        except psutil.Error:
            pass
    return len(kids), total / 2**20


def one_level(lesson: str, n: int, *, warm: bool, workdir: Path, timeout_s: float) -> dict:
    """Start a server, fire ``n`` renders of ``lesson`` at once, collect the numbers, stop it."""
    extra = harness.warm_args(lesson, n) if warm else []
    server = harness.start_voila(
        harness.NOTEBOOKS, extra_args=extra, workdir=workdir / f"{'warm' if warm else 'cold'}-{n}"
    )
    try:
        warm_s = None
        if warm:
            from run import wait_until_warm  # same readiness rule as the browser classroom benchmark

            warm_s = wait_until_warm(server, n)
        url = server.url(f"voila/render/{lesson}")
        load0 = os.getloadavg()[0]
        t0 = time.perf_counter()
        # urllib's timeout is per read, so a page Voila never finishes (a kernel that died at start)
        # could hold a thread for ever: every render gets one total deadline instead
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=n)
        futures = [pool.submit(fetch, url, timeout_s) for _ in range(n)]
        done, pending = concurrent.futures.wait(futures, timeout=timeout_s)
        results = [f.result() for f in done]
        results += [(timeout_s, f"no complete page within {timeout_s:.0f} s", 0)] * len(pending)
        wall = time.perf_counter() - t0
        kernels, mem = kernels_memory_mb(server)
    finally:
        server.stop()
    pool.shutdown(wait=False, cancel_futures=True)
    times = sorted(t for t, fail, _ in results if fail is None)
    failures = [fail for _, fail, _ in results if fail is not None]
    return {
        "n": n,
        "warm": warm,
        "warm_s": warm_s,
        "ok": len(times),
        "failures": failures,
        "median_s": statistics.median(times) if times else float("nan"),
        "p95_s": times[min(len(times) - 1, int(0.95 * len(times)))] if times else float("nan"),
        "last_s": times[-1] if times else float("nan"),
        "within_target": sum(t <= TARGET_S for t in times),
        "wall_s": wall,
        "kernels": kernels,
        "kernels_uss_mb": mem,
        "load_before": load0,
        "page_kb": statistics.median(b for *_, b in results) / 1024 if results else 0,
    }


def capacity(lesson: str, levels: list[int], *, warm: bool = True, timeout_s: float = 300) -> list[dict]:
    """Cold (and, with ``warm``, warm) results for every N in ``levels``."""
    workdir = Path(tempfile.mkdtemp(prefix="hcckit-capacity-"))
    out = []
    for n in levels:
        for w in (False, True) if warm else (False,):
            r = one_level(lesson, n, warm=w, workdir=workdir, timeout_s=timeout_s)
            print(
                f"  {n:3d} renders {'warm' if w else 'cold'}: {r['ok']} ok, {len(r['failures'])} failed, "
                f"median {r['median_s']:.1f} s, last {r['last_s']:.1f} s, {r['within_target']} within {TARGET_S} s, "
                f"kernels {r['kernels']} ({r['kernels_uss_mb']:.0f} MB)",
                flush=True,
            )
            out.append(r)
    return out


def table(results: list[dict], lesson: str) -> str:
    """The capacity table as text (one row per N and mode)."""
    lines = [
        f"Server only ({lesson}; {os.cpu_count()} cores): N concurrent renders over HTTP, no browser",
        f"{'N':>4} {'mode':<5} {'ok':>4} {'failed':>6} {'median s':>9} {'p95 s':>7} {'last s':>7} "
        f"{'<= 30 s':>8} {'kernels MB':>11}",
    ]
    for r in results:
        lines.append(
            f"{r['n']:>4} {'warm' if r['warm'] else 'cold':<5} {r['ok']:>4} {len(r['failures']):>6} "
            f"{r['median_s']:>9.2f} {r['p95_s']:>7.2f} {r['last_s']:>7.2f} {r['within_target']:>8} "
            f"{r['kernels_uss_mb']:>11.0f}"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lesson", default="02_response_criteria.ipynb")
    ap.add_argument("--levels", default="10,30,60", help="concurrent renders (comma-separated)")
    ap.add_argument("--no-warm", action="store_true", help="cold server only")
    ap.add_argument("--json", default=str(REPO / "artifacts" / "server_capacity.json"))
    args = ap.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    results = capacity(args.lesson, levels, warm=not args.no_warm)
    print("\n" + table(results, args.lesson))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
