"""Benchmark: bounded work at the caps - one 2x2 table of up to 100,000 patients per arm.

Run from the repository root::

    python benchmarks/bench_bounded.py [--repeats 3] [--no-baseline]

Prints one table: for arms of 1,000 / 30,000 / 100,000 patients (``hcckit.stats.MAX_N`` is the
cap) with balanced (50 % vs 50 % - 1 patient), common (10 % vs 9 %) and extreme (1 vs 0 events;
all events vs one fewer) counts, the median time of

- ``hcckit.stats.compare_proportions`` (effects with intervals and the three tests; the
  odds-ratio method it chose is printed), goal < 0.2 s;
- ``hcckit.appraisal.check_two_by_two`` (the audit's 2x2 check: the three tests only);
- baseline, in the same run: scipy's exact conditional odds-ratio interval
  (``scipy.stats.contingency.odds_ratio(table).confidence_interval()``), which
  ``compare_proportions`` computed for every table before issue #14 (46 s for 50,000/100,000
  vs 49,999/100,000). Timed once, and skipped (``skip``) when its support exceeds
  ``--baseline-max`` values because it takes minutes; ``--no-baseline`` skips it altogether.

wall = elapsed; CPU = this process's CPU time (the fair figure when other jobs share the
2 cores). The load average is printed because the numbers depend on it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from hcckit import appraisal, stats

GOAL_S = 0.2


def median_time(fn, repeats: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds over ``repeats`` runs."""
    wall, cpu = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def tables(n: int):
    half = n // 2
    return [
        ("balanced 50 % vs 50 %-1", half, n, half - 1, n),
        ("common 10 % vs 9 %", n // 10, n, (9 * n) // 100, n),
        ("rare 1 vs 0 events", 1, n, 0, n),
        ("all events vs n-1", n, n, n - 1, n),
        ("smallest cell 31", 31, n, n // 20, n),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--baseline-max", type=int, default=6000, help="largest support timed for the baseline")
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()

    from scipy.stats.contingency import odds_ratio

    stats.compare_proportions(3, 4, 1, 4)  # warm-up: imports, first-call costs
    appraisal.check_two_by_two(3, 4, 1, 4, p_reported="0.5")
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; median of {args.repeats} runs "
        f"(baseline once); goal < {GOAL_S} s"
    )
    header = (
        f"{'table':<26}{'n/arm':>8}{'compare wall':>13}{'CPU':>7}{'goal':>6}{'check_2x2':>11}"
        f"{'exact OR CI (before)':>22}  OR method"
    )
    print(header)
    print("-" * (len(header) + 20))
    worst = 0.0
    for n in (1_000, 30_000, stats.MAX_N):
        for name, a, n_a, b, n_b in tables(n):
            wall, cpu = median_time(lambda t=(a, n_a, b, n_b): stats.compare_proportions(*t), args.repeats)
            worst = max(worst, cpu)
            chk, _ = median_time(
                lambda t=(a, n_a, b, n_b): appraisal.check_two_by_two(*t, p_reported="0.5"), args.repeats
            )
            res = stats.compare_proportions(a, n_a, b, n_b)
            table = np.array([[a, n_a - a], [b, n_b - b]])
            support = min(a + b, n_a + n_b - a - b, n_a, n_b) + 1
            if args.no_baseline or support > args.baseline_max:
                base = "skip"
            else:
                w0 = time.perf_counter()
                odds_ratio(table).confidence_interval()
                base = f"{time.perf_counter() - w0:.3f} s"
            verdict = "yes" if wall < GOAL_S else ("CPU" if cpu < GOAL_S else "NO")
            method = "exact" if res.or_method == stats.OR_EXACT else "normal approx."
            print(f"{name:<26}{n:>8,}{wall:>11.3f} s{cpu:>7.3f}{verdict:>6}{chk:>9.3f} s{base:>22}  {method}")
    print(
        f"\nworst compare_proportions CPU time: {worst:.3f} s. Baseline reference (same machine, issue #14): "
        "50,000/100,000 vs 49,999/100,000 took 46 s, 3,333 events 2.2 s."
    )


if __name__ == "__main__":
    main()
