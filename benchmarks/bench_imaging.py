"""Benchmark: the imaging lab's compute (hcckit.imaging).

Run from the repository root::

    python benchmarks/bench_imaging.py [--repeats 7]

Prints one table:

- time to build the SYNTHETIC case cold: in a fresh interpreter, ``load_case()`` alone (numpy
  and pandas already imported) and with the imports of ``hcckit.imaging`` and numpy/pandas
  (goal <= 1 s);
- time of ``compare_verdicts`` for a full set of readings (every measure of every lesion and
  visit, four criteria): a *new* set each repeat (lengths changed, so nothing is cached: what a
  widget would meet if every reading changed at once), *one* reading changed (a trainee's next
  caliper: only the criteria reading that measure are recomputed) and the *same* set again
  (cached); goal <= 50 ms;
- ``reread`` (200 readers, four criteria) and ``flip_curve`` (9 error sizes x 100 readers);
- bytes of one scan (int16 pixels as sent to the viewer) and of the whole case.

Medians over the repeats; the machine's load average is printed (2 shared cores).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

COLD = (
    "import time; t0 = time.perf_counter(); import numpy, pandas; "
    "t1 = time.perf_counter(); from hcckit.imaging import load_case; case = load_case(); "
    "t2 = time.perf_counter(); "
    "from hcckit.imaging.phantom import _build; _build.cache_clear(); t3 = time.perf_counter(); "
    "load_case(seed=1); t4 = time.perf_counter(); print(t2 - t0, t4 - t3)"
)


def readings(case, jitter: float):
    out = []
    for r in case.truth.to_dict("records"):
        if r["organ"] == "portal_vein":
            continue
        for m in ("ld_mm", "viable_ld_mm", "perp_mm", "viable_perp_mm"):
            v = r[m]
            out.append(
                {
                    "lesion": r["lesion"],
                    "day": r["day"],
                    "measure": m,
                    "length_mm": v + (jitter if v else 0.0),
                }
            )
    return out


def median_time(fn, repeats):
    times = []
    for i in range(repeats):
        t = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args(argv)

    cold = []
    for _ in range(3):
        r = subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True)
        cold.append(tuple(float(x) for x in r.stdout.split()))
    with_imports = statistics.median(c[0] for c in cold)
    build_only = statistics.median(c[1] for c in cold)

    from hcckit.imaging import compare_verdicts, flip_curve, load_case, reread

    case = load_case()
    compare_verdicts(readings(case, 0.0), case)  # truth verdicts cached, as in a running lesson
    new = median_time(lambda i: compare_verdicts(readings(case, 0.1 * (i + 1)), case), args.repeats)
    same = median_time(lambda i: compare_verdicts(readings(case, 0.1), case), args.repeats)
    base = readings(case, 0.1)

    def one_changed(i):  # a trainee re-measures one viable diameter: mRECIST and EASL recompute
        changed = [dict(r) for r in base]
        changed[1]["length_mm"] = 30.0 + 0.1 * (i + 1)
        compare_verdicts(changed, case)

    incremental = median_time(one_changed, args.repeats)
    rr = median_time(lambda i: reread(case, n_readers=200, seed=i), max(3, args.repeats // 2))
    fc = median_time(lambda i: flip_curve(case, n_readers=100, seed=i), 3)
    scan = case.scan(0, "arterial")
    one = len(scan.to_bytes())
    total = sum(len(s.to_bytes()) for s in case.scans.values())

    print(f"Load average (1/5/15 min): {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print()
    print("| measure | time / size | goal |")
    print("|---|---|---|")
    print(
        f"| load_case cold: build only (fresh interpreter, numpy/pandas imported) | {build_only * 1000:.0f} ms | <= 1 s |"
    )
    print(
        f"| load_case cold: with the imports (hcckit.imaging, numpy, pandas) | {with_imports * 1000:.0f} ms | <= 1 s |"
    )
    print(f"| compare_verdicts, full set of readings, new set each time | {new * 1000:.0f} ms | <= 50 ms |")
    print(
        f"| compare_verdicts, one reading changed (2 of 4 criteria recomputed) | {incremental * 1000:.0f} ms | <= 50 ms |"
    )
    print(f"| compare_verdicts, same set again (cached) | {same * 1000:.1f} ms | <= 50 ms |")
    print(f"| reread, 200 readers x 4 criteria | {rr * 1000:.0f} ms | - |")
    print(f"| flip_curve, 9 error sizes x 100 readers x 4 criteria | {fc * 1000:.0f} ms | - |")
    print(f"| one scan {scan.shape} int16 | {one:,} bytes ({one / 2**20:.2f} MB) | <= 1.5 MB |")
    print(f"| whole case ({len(case.scans)} scans) | {total:,} bytes | - |")


if __name__ == "__main__":
    main()
