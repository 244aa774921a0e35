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
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from fractions import Fraction

import pandas as pd

from hcckit import response as R

GOAL_S = 1.0


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
    args = ap.parse_args()

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


if __name__ == "__main__":
    main()
