"""Benchmark: response classification throughput for 1,000 patients x 6 visits.

Run from the repository root::

    python benchmarks/bench_response.py [--patients 1000] [--visits 6] [--repeats 5]

Prints one table: for each criterion, the median time of ``hcckit.response.assess`` over the
repeats (validation included), the throughput, and the goal (< 1 s). In the same run, a
*naive baseline* - the usual calculator pattern, a pandas ``groupby(...).apply`` of a
per-patient function that walks the rows (RECIST 1.1 core rules: targets, nadir, missing
lesions, non-target status, unequivocal new lesions; no equivocal back-dating) - classifies
the same cohort once, and the share of visits on which it agrees with the engine is shown.
The machine's load average is printed because the numbers depend on it (2 shared cores).

A second table times the *small-table path* the lesson 02 editor uses on every step: one
synthetic patient, 6 lesion rows, all four criteria (``assess_all``, validation included; goal
<= 10 ms), beside the same call on the engine as it was before it was sped up (commit
``REFERENCE_COMMIT``, read from git into a temporary directory; ``--reference ''`` skips it), and
the share of identical results.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import pandas as pd

from hcckit import response as R

GOAL_S = 1.0
SMALL_GOAL_MS = 10.0
#: The engine before the small-table speed-up (issue 17): timed beside the current one.
REFERENCE_COMMIT = "91e4ba9"
REPO = Path(__file__).resolve().parents[1]


def reference_package(commit: str = REFERENCE_COMMIT):
    """``hcckit`` as of ``commit``, importable as ``hcckit_ref`` (from ``git archive``), or None.

    Only for timing the old code beside the new; returns None when git or the commit is missing.
    """
    if not commit:
        return None
    if "hcckit_ref" in sys.modules:
        return sys.modules["hcckit_ref"]
    try:
        blob = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", commit, "hcckit"],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    root = Path(tempfile.mkdtemp(prefix="hcckit_ref_"))
    with tarfile.open(fileobj=__import__("io").BytesIO(blob)) as tar:
        tar.extractall(root, filter="data")
    (root / "hcckit").rename(root / "hcckit_ref")
    for py in (root / "hcckit_ref").rglob("*.py"):
        text = py.read_text()
        text = re.sub(r"\bhcckit\.", "hcckit_ref.", text)
        text = re.sub(r"\bfrom hcckit import\b", "from hcckit_ref import", text)
        py.write_text(text)
    sys.path.insert(0, str(root))
    return importlib.import_module("hcckit_ref")


def best_ms(fn, repeats: int, number: int = 10) -> tuple[float, float]:
    """Median over ``repeats`` of the mean wall and CPU milliseconds of ``number`` calls of ``fn``."""
    fn()
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(number):
            fn()
        wall.append((time.perf_counter() - t0) * 1000 / number)
        cpu.append((time.process_time() - c0) * 1000 / number)
    return statistics.median(wall), statistics.median(cpu)


def small_table(repeats: int, reference: str) -> None:
    """The lesson 02 editor's call: 6 lesion rows x 4 criteria, now and before (``reference``)."""
    import pandas as pd

    m = R.necrotic_patient()
    ref_pkg = reference_package(reference)
    ref = importlib.import_module("hcckit_ref.response") if ref_pkg is not None else None
    print(
        f"\nsmall table (lesson 02 editor): {len(m)} lesion rows, 4 criteria, assess_all incl. validation; "
        f"median of {repeats} x 10 calls; goal <= {SMALL_GOAL_MS:g} ms"
    )
    header = f"{'call':<44}{'now: wall / CPU (ms)':>22}{'before: wall / CPU':>20}{'speed-up':>10}{'goal':>6}{'same':>6}"
    print(header)
    print("-" * len(header))
    edited = R.edit_measurements(m, lesion="L1", day=42, viable_ld_mm=48.0)
    for name, table, call in (
        ("assess_all (4 criteria), the patient", m, "assess_all"),
        ("assess_all (4 criteria), L1 edited at day 42", edited, "assess_all"),
        ("assess mRECIST (one criterion)", m, "assess"),
    ):
        args = (table,) if call == "assess_all" else (table, "mRECIST")
        now, now_cpu = best_ms(lambda a=args, c=call: getattr(R, c)(*a), repeats)
        if ref is not None:
            before, before_cpu = best_ms(lambda a=args, c=call: getattr(ref, c)(*a), repeats)
            try:
                pd.testing.assert_frame_equal(getattr(R, call)(*args), getattr(ref, call)(*args))
                same = "yes"
            except AssertionError:
                same = "NO"
            cols = f"{before:>12.1f} /{before_cpu:>6.1f}{before_cpu / now_cpu:>9.1f}x"
        else:
            cols, same = f"{'-':>20}{'-':>10}", "-"
        verdict = "yes" if now <= SMALL_GOAL_MS else ("CPU yes" if now_cpu <= SMALL_GOAL_MS else "NO")
        goal = verdict if call == "assess_all" else ""
        print(f"{name:<44}{now:>14.1f} /{now_cpu:>6.1f}{cols}{goal:>8}{same:>6}")
    if ref is None:
        print(f"(before: commit {reference!r} not available from git here)")
    else:
        print(
            f"before = the engine at commit {reference} (git archive, imported as hcckit_ref); speed-up in CPU "
            "time; goal judged on wall time ('CPU yes': met in CPU time, the process waited for the cores)"
        )


def naive_recist(patient: pd.DataFrame) -> pd.DataFrame:
    """Straightforward per-patient RECIST 1.1 (the pattern the engine replaces)."""
    patient = patient.sort_values("day")
    baseline_day = patient["day"].min()
    base = patient[patient["day"] == baseline_day]
    targets = list(base.loc[base["kind"] == "target", "lesion"])
    nontargets = list(base.loc[base["kind"] == "non_target", "lesion"])
    sums = []
    out = []
    for day, visit in patient.groupby("day"):
        values = {}
        for _, row in visit.iterrows():
            if row["lesion"] in targets:
                v = row["ld_mm"] if not row["is_node"] else row["sa_mm"]
                values[row["lesion"]] = Fraction(round(v * 10))
        total = sum(values.values(), Fraction(0))
        if day == baseline_day:
            sums.append(total)
            continue
        complete = len(values) == len(targets)
        nadir = min(sums)
        t_pd = total > nadir and 5 * total >= 6 * nadir and total - nadir >= 50
        if complete and all(v == 0 for v in values.values()):
            target = "CR"
        elif t_pd:
            target = "PD"
        elif not complete:
            target = "NE"
        elif 10 * total <= 7 * sums[0]:
            target = "PR"
        else:
            target = "SD"
        status = {r["lesion"]: r["status"] for _, r in visit.iterrows() if r["lesion"] in nontargets}
        nt_pd = any(str(s).lower() == "pd" for s in status.values())
        new = visit[(visit["kind"] == "new") & visit["status"].isin(["unequivocal", "typical"])]
        nt_cr = len(status) == len(nontargets) and all(str(s).lower() == "cr" for s in status.values())
        if target == "PD" or nt_pd or len(new):
            resp = "PD"
        elif target == "NE":
            resp = "NE"
        elif target == "CR":
            resp = "CR" if nt_cr or not nontargets else "PR"
        else:
            resp = target
        if complete:
            sums.append(total)
        out.append({"day": day, "response": resp})
    return pd.DataFrame(out)


def median_time(fn, repeats: int) -> tuple[float, float]:
    """Median wall-clock and CPU (this process) seconds over ``repeats`` runs."""
    wall, cpu = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patients", type=int, default=1000)
    ap.add_argument("--visits", type=int, default=6)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument(
        "--reference", default=REFERENCE_COMMIT, help="git commit of the engine timed as 'before' ('' = none)"
    )
    ap.add_argument("--small-only", action="store_true", help="only the small-table (lesson 02) table")
    args = ap.parse_args()
    if args.small_only:
        small_table(args.repeats, args.reference)
        return

    cohort = R.teaching_cohort(args.patients, seed=0, visits=args.visits)
    n_visits = cohort[["patient", "day"]].drop_duplicates().shape[0]
    R.assess(cohort.head(50), "RECIST 1.1")  # warm-up: imports, first-call costs
    print(
        f"cohort: {args.patients} synthetic patients x {args.visits} visits = {n_visits} assessments, "
        f"{len(cohort)} lesion rows; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
        f"median of {args.repeats} runs"
    )
    header = (
        f"{'method':<34}{'wall (s)':>10}{'CPU (s)':>10}{'visits/s (CPU)':>16}{'goal < 1 s':>12}{'agrees':>9}"
    )
    print(header)
    print("-" * len(header))

    def line(name, wall, cpu, visits, goal=True, agrees=""):
        verdict = ("yes" if wall < GOAL_S else ("CPU yes" if cpu < GOAL_S else "NO")) if goal else ""
        print(f"{name:<34}{wall:>10.3f}{cpu:>10.3f}{visits / cpu:>16,.0f}{verdict:>12}{agrees:>9}")

    for crit in R.CRITERIA:
        wall, cpu = median_time(lambda c=crit: R.assess(cohort, c), args.repeats)
        line(f"hcckit assess, {crit}", wall, cpu, n_visits)
    wall, cpu = median_time(lambda: R.best_response(R.assess_all(cohort)), args.repeats)
    line("hcckit all 4 + best response", wall, cpu, 4 * n_visits, goal=False)

    w0, c0 = time.perf_counter(), time.process_time()
    naive = cohort.groupby("patient", sort=False).apply(naive_recist, include_groups=False)
    t_naive, c_naive = time.perf_counter() - w0, time.process_time() - c0
    naive = naive.reset_index(level=0).reset_index(drop=True)
    engine = R.assess(cohort, "RECIST 1.1")
    engine = engine[engine["response"].notna()]
    both = engine.merge(naive, on=["patient", "day"], suffixes=("", "_naive"))
    agree = (both["response"].astype(str) == both["response_naive"]).mean()
    line("naive groupby-apply, RECIST 1.1", t_naive, c_naive, n_visits, agrees=f"{agree:.1%}")
    print(
        "\nwall = elapsed time; CPU = this process's CPU time (the fair figure when other jobs share the "
        "cores: wall > CPU means the process waited).\n'agrees': share of visits where the naive "
        "baseline gives the engine's verdict; it has no equivocal back-dating, no effusion cytology "
        "rule and no target limits, hence any gap (run once, not repeated)."
    )
    small_table(args.repeats, args.reference)


if __name__ == "__main__":
    main()
