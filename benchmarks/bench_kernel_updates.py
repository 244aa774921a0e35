"""Benchmark: kernel time per control change of the lesson 01, 02 and 03 panels, now and before.

Run from the repository root::

    python benchmarks/bench_kernel_updates.py [--changes 15] [--reference 91e4ba9] [--charts-reference ef3f91a]

Builds each panel in this process (no browser, no Voila) and changes its primary control the
way ``benchmarks/run.py`` does in the browser; one update is the time from setting the control's
value to the last chart view's ``spec`` being set (what the kernel then sends to the browser).
Prints median and p95 in milliseconds, *now* beside *before* in the same run:

- 01 modality panel (``modality`` toggle, back and forth between two modalities as the browser
  benchmark clicks): before = the per-process cache of each modality's chart and texts emptied
  before every change (every change builds them, as before the cache);
- 02 lesion editor (``L1 viable_ld_mm`` slider, one 0.5 mm step back and forth): before = the
  response engine as of commit ``--reference`` (read from git, as in ``bench_response.py``) in
  place of the current one; a burst of 4 presses on a running asyncio loop counts the
  classifications with the debounce and without it (``debounce_s=0``);
- 03 survival panel (``trial`` dropdown, the next trial each time, as the browser benchmark
  does): before = the per-process cache of each choice's results emptied before every change.
  "now" is shown for the first visit of each choice and for a revisit;
- 02 and 03 again with the chart functions as of commit ``--charts-reference`` (``_common``,
  ``response`` and ``survival`` of ``hcckit.charts`` read from git) in place of the current ones,
  and the split of one update: engine (verdicts / trial results), chart build, ``to_dict`` (as
  the chart view calls it in a kernel: ``validate=False``) and, for 02, the rest (cards, tables).

The browser's part (drawing) is not included: ``benchmarks/run.py`` measures change -> chart.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import io
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_response import REFERENCE_COMMIT, REPO, reference_package  # noqa: E402

from hcckit import widgets  # noqa: E402

widgets.setup()

from hcckit import response as rs  # noqa: E402
from hcckit.widgets import mechanisms as wm  # noqa: E402
from hcckit.widgets import response as wr  # noqa: E402
from hcckit.widgets import survival as ws  # noqa: E402

#: The commit whose chart functions ("before" of the chart rows) copied each chart two or three
#: times while labelling it and let altair infer field types from the data (issue 17).
CHARTS_REFERENCE = "ef3f91a"
_CHART_MODULES = ("_common", "response", "survival")


def percentile(values, q: float) -> float:
    """The q-th percentile (0-100) of ``values``, linear between ranks."""
    v = sorted(values)
    if not v:
        return float("nan")
    k = (len(v) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def chart_views(panel) -> list:
    """The panel's chart views (widgets with a ``spec`` trait)."""
    views = list(panel.views.values())
    if getattr(panel, "view", None) is not None:
        views.append(panel.view)
    return [v for v in {id(v): v for v in views}.values() if v.has_trait("spec")]


def timed_changes(panel, control, values, *, before_each=None) -> list[float]:
    """Milliseconds from setting ``control.value`` to the last chart ``spec`` set, per value."""
    stamps: list[float] = []

    def stamp(_change):
        stamps.append(time.perf_counter())

    views = chart_views(panel)
    for v in views:
        v.observe(stamp, names="spec")
    out = []
    try:
        for value in values:
            if before_each is not None:
                before_each()
            stamps.clear()
            t0 = time.perf_counter()
            control.value = value
            t1 = time.perf_counter()
            out.append(((max(stamps) if stamps else t1) - t0) * 1000)
    finally:
        for v in views:
            v.unobserve(stamp, names="spec")
    return out


def reference_charts(commit: str) -> dict | None:
    """``hcckit.charts`` ``_common``, ``response`` and ``survival`` as of ``commit``, or None.

    Read with ``git archive`` into a temporary package ``hcckit_charts_ref`` (the rest of hcckit,
    the compute modules included, is the current one), so only the chart code is "before".
    """
    if not commit:
        return None
    name = "hcckit_charts_ref"
    if name not in sys.modules:
        paths = [f"hcckit/charts/{m}.py" for m in _CHART_MODULES]
        try:
            blob = subprocess.run(
                ["git", "-C", str(REPO), "archive", "--format=tar", commit, *paths],
                capture_output=True, check=True,
            ).stdout  # fmt: skip
        except (OSError, subprocess.CalledProcessError):
            return None
        root = Path(tempfile.mkdtemp(prefix="hcckit_charts_ref_"))
        with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
            tar.extractall(root, filter="data")
        package = root / name
        (root / "hcckit" / "charts").rename(package)
        (package / "__init__.py").write_text("")
        for py in package.glob("*.py"):
            py.write_text(re.sub(r"\bhcckit\.charts\.", f"{name}.", py.read_text()))
        sys.path.insert(0, str(root))
    return {m: importlib.import_module(f"{name}.{m}") for m in ("response", "survival")}


class swapped:
    """Context manager: ``module.attribute`` is ``value`` inside the block."""

    def __init__(self, module, attribute: str, value):
        self.module, self.attribute, self.value = module, attribute, value

    def __enter__(self):
        self.saved = getattr(self.module, self.attribute)
        setattr(self.module, self.attribute, self.value)

    def __exit__(self, *exc):
        setattr(self.module, self.attribute, self.saved)


def split_row(name: str, parts: dict[str, list[float]], total: list[float] | None = None) -> None:
    """One line: the median ms of each part of an update (and of the rest of ``total``, when given)."""
    medians = {k: statistics.median(v) for k, v in parts.items()}
    text = ", ".join(f"{k} {v:.0f}" for k, v in medians.items())
    if total is not None:
        text += f", rest {statistics.median(total) - sum(medians.values()):.0f}"
    print(f"{name:<52}{text} (medians, ms)")


class part:
    """Context manager adding the milliseconds of its block to ``parts[key]`` (one entry per update)."""

    def __init__(self, parts: dict[str, list[float]], key: str):
        self.parts, self.key = parts, key

    def __enter__(self):
        self.t0 = time.perf_counter()

    def __exit__(self, *exc):
        self.parts.setdefault(self.key, []).append((time.perf_counter() - self.t0) * 1000)


def lesson_02_split(panel, charts, changes: int) -> dict[str, list[float]]:
    """Engine, chart build and to_dict of the lesion editor's update, ``changes`` times."""
    parts: dict[str, list[float]] = {}
    data = panel.value
    for _ in range(changes):
        with part(parts, "engine"):
            tp = rs.assess_all(data)
            rs.best_response(tp)
        with part(parts, "chart build"):
            chart = charts.criteria_chart(tp, title="One synthetic patient, four criteria")
        with part(parts, "to_dict"):
            chart.to_dict(validate=False)
    return parts


def lesson_03_split(panel, charts, values) -> dict[str, list[float]]:
    """Trial results (first visit), chart build and to_dict of the survival panel's update."""
    parts: dict[str, list[float]] = {}
    for value in values:
        panel.controls["trial"].value = value
        s = panel._settings()
        ws._trial_results.cache_clear()
        with part(parts, "results"):
            r = ws.trial_results(**s)
        with part(parts, "chart build"):
            km = charts.km_panel(
                r.km,
                at_risk=r.risk,
                annotation=list(r.annotation) or None,
                y_title=r.y_title,
                title=ws._title(s["name"], s["endpoint"]),
                width=ws._KM_WIDTH,
            )
            pub = charts.published_vs_reconstructed_chart(
                r.km, published=r.published, y_title=r.y_title, width=240, height=220
            )
        with part(parts, "to_dict"):
            km.to_dict(validate=False)
            pub.to_dict(validate=False)
    return parts


def back_and_forth(a, b, n: int) -> list:
    return [b if i % 2 == 0 else a for i in range(n)]


def row(name: str, now: list[float], before: list[float] | None, note: str = "") -> None:
    def cell(v):
        return f"{statistics.median(v):>8.0f} /{percentile(v, 95):>5.0f}" if v else f"{'-':>15}"

    print(f"{name:<52}{cell(now)}{cell(before) if before is not None else f'{chr(45):>15}'}   {note}")


def lesson_01(changes: int) -> None:
    panel = wm.modality_panel()
    picker = panel.controls["modality"]
    values = back_and_forth(picker.value, "TAE", changes)
    now = timed_changes(panel, picker, values)
    before = timed_changes(panel, picker, values, before_each=wm._modality_parts.cache_clear)
    row("01 modality panel: modality (2 modalities)", now, before)
    wm.modality_panel()  # leave the cache warm


def lesson_02(changes: int, reference: str) -> None:
    panel = wr.LesionEditorPanel()
    slider = panel.controls["L1 viable_ld_mm"]
    values = back_and_forth(slider.value, slider.value + slider.step, changes)
    now = timed_changes(panel, slider, values)
    before = None
    if reference_package(reference) is not None:
        ref = importlib.import_module("hcckit_ref.response")
        current = rs.assess_all
        rs.assess_all = ref.assess_all
        try:
            before = timed_changes(panel, slider, values)
        finally:
            rs.assess_all = current
    note = "" if before is not None else f"(before: commit {reference!r} not available)"
    row("02 lesion editor: L1 viable LD, 0.5 mm steps", now, before, note)

    def burst(debounce_s: float) -> tuple[int, float]:
        editor = wr.LesionEditorPanel(debounce_s=debounce_s)
        s = editor.controls["L1 viable_ld_mm"]
        calls = []
        current = rs.assess_all

        def counted(*a, **k):
            calls.append(1)
            return current(*a, **k)

        async def presses():
            for _ in range(4):
                s.value = s.value + s.step
                await asyncio.sleep(0.03)  # key repeat: about 30 presses a second
            await asyncio.sleep(3 * max(debounce_s, 0.05))

        rs.assess_all = counted
        try:
            c0 = time.process_time()
            asyncio.run(presses())
            cpu = (time.process_time() - c0) * 1000
        finally:
            rs.assess_all = current
        return len(calls), cpu

    n_now, cpu_now = burst(wr.DEBOUNCE_S)
    n_before, cpu_before = burst(0)
    print(
        f"{'02 burst of 4 arrow presses (30 ms apart)':<52}{n_now:>4} classifications, {cpu_now:.0f} ms CPU"
        f"  |  without debounce: {n_before} classifications, {cpu_before:.0f} ms CPU"
    )


def lesson_03(changes: int) -> None:
    panel = ws.SurvivalPanel()
    trial = panel.controls["trial"]
    options = [v for _, v in trial.options]
    start = options.index(trial.value)
    values = [options[(start + 1 + i) % len(options)] for i in range(changes)]
    ws._trial_results.cache_clear()
    first = timed_changes(panel, trial, values[: len(options)])
    again = timed_changes(panel, trial, values)
    before = timed_changes(panel, trial, values, before_each=ws._trial_results.cache_clear)
    row(f"03 survival panel: trial ({len(options)} choices), first visit", first, before)
    row("03 survival panel: trial, revisited", again, before)


def chart_rows(changes: int, commit: str) -> None:
    """02 and 03 with the current chart functions (now) and those of ``commit`` (before), and the splits.

    Now and before alternate change by change (the machine's load hits both alike).
    """
    old = reference_charts(commit)
    if old is None:
        print(f"(chart rows: commit {commit!r} not available)")
        return
    note = f"(before: hcckit.charts of {commit})"
    editor = wr.LesionEditorPanel()
    slider = editor.controls["L1 viable_ld_mm"]
    a, b = slider.value, slider.value + slider.step
    now, before = [], []
    split_now: dict[str, list[float]] = {}
    split_before: dict[str, list[float]] = {}
    for _ in range(changes):
        now += timed_changes(editor, slider, [b])
        for k, v in lesson_02_split(editor, wr.charts, 1).items():
            split_now.setdefault(k, []).extend(v)
        with swapped(wr, "charts", old["response"]):
            before += timed_changes(editor, slider, [a])
            for k, v in lesson_02_split(editor, old["response"], 1).items():
                split_before.setdefault(k, []).extend(v)
    row("02 lesion editor, chart functions now / before", now, before, note)
    split_row("   02 split now", split_now, now)
    split_row("   02 split before", split_before, before)

    panel = ws.SurvivalPanel()
    trial = panel.controls["trial"]
    options = [v for _, v in trial.options]
    home = trial.value
    values = [v for v in options if v != home][:changes]
    clear = ws._trial_results.cache_clear
    first, first_before, again, again_before = [], [], [], []
    for value in values:  # each choice: a first visit and a revisit, with each version of the charts
        for charts, out, out_again in ((None, first, again), (old["survival"], first_before, again_before)):
            with swapped(ws, "charts", charts or ws.charts):
                clear()
                out += timed_changes(panel, trial, [value])
                trial.value = home
                out_again += timed_changes(panel, trial, [value])
                trial.value = home
    split_now = lesson_03_split(panel, ws.charts, values)
    split_before = lesson_03_split(panel, old["survival"], values)
    row("03 survival panel, first visit, charts now / before", first, first_before, note)
    row("03 survival panel, revisited, charts now / before", again, again_before, note)
    # a separate pass over the same choices (their costs differ): no "rest" from the totals above
    split_row("   03 split now (first visit)", split_now)
    split_row("   03 split before (first visit)", split_before)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--changes", type=int, default=15, help="control changes per panel (default 15)")
    ap.add_argument("--reference", default=REFERENCE_COMMIT, help="git commit of the 'before' engine")
    ap.add_argument(
        "--charts-reference", default=CHARTS_REFERENCE, help="git commit of the 'before' chart functions"
    )
    args = ap.parse_args(argv)
    print(
        f"kernel time per update (ms, median / p95 of {args.changes} changes; in-process, no browser); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"{'panel: control':<52}{'now':>15}{'before':>15}")
    print("-" * 82)
    lesson_01(args.changes)
    lesson_02(args.changes, args.reference)
    lesson_03(args.changes)
    chart_rows(args.changes, args.charts_reference)
    print("goal (issue 17, the whole change -> chart in the browser): median <= 100 ms, p95 <= 200 ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
