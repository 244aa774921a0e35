"""Benchmark the survival tools: Guyot reconstruction and the KM chart, each beside a baseline.

Run from the repository root::

    python benchmarks/bench_survival.py

Prints one table: the median of repeated timings (ms) for

- reconstruction of 2 arms x 500 patients (``hcckit.survival.reconstruct_ipd`` on each arm's
  KM steps and numbers at risk every 3 months), goal <= 50 ms; baseline: lifelines
  ``KaplanMeierFitter.fit`` on the same two arms;
- KM chart build for 2 arms (``km_table`` + ``km_panel`` with the at-risk table and annotation,
  then ``to_dict()``, which is what a ``JupyterChart`` does on assignment), goal <= 200 ms;
  baseline: a bare altair step line of the same KM table, ``to_dict()``.

Inputs are prepared once and are not timed. Timings vary with machine load: the baseline, measured
in the same run, is the yardstick.
"""

from __future__ import annotations

import statistics
import time

import altair as alt

from hcckit import survival
from hcckit.charts import survival as charts


def _time(fn, *, repeat: int = 15, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main() -> None:
    from lifelines import KaplanMeierFitter

    control = survival.survival_model(8.2, model="exponential")
    kwargs = {"accrual": 24, "follow_up": 12, "method": "random"}
    arms = [
        survival.simulate_arm(control, n=500, arm="control", seed=1, **kwargs),
        survival.simulate_arm(control.with_hazard_ratio(0.7), n=500, arm="experimental", seed=2, **kwargs),
    ]
    inputs = [(survival.km_steps(a), survival.at_risk_table(a, times=range(0, 36, 3), by=None)) for a in arms]
    data = survival.concat_arms(arms)
    comparison = survival.compare_arms(data)

    def reconstruct():
        return [survival.reconstruct_ipd(curve, risk) for curve, risk in inputs]

    def km_fit_only():
        return [KaplanMeierFitter().fit(a["time"], a["event"]) for a in arms]

    def chart_build():
        km = survival.km_table(data)
        risk = survival.at_risk_table(data)
        return charts.km_panel(km, at_risk=risk, annotation=comparison.annotation).to_dict()

    km = survival.km_table(data)

    def bare_chart():
        return (
            alt.Chart(km)
            .mark_line(interpolate="step-after")
            .encode(x="time:Q", y="survival:Q", color="arm:N")
            .to_dict()
        )

    risk = survival.at_risk_table(data)
    panel = charts.km_panel(km, at_risk=risk, annotation=comparison.annotation)
    rows = [
        ("reconstruction, 2 arms x 500 patients", reconstruct, 50.0, "lifelines KM fit, 2 arms", km_fit_only),
        (
            "KM chart build, 2 arms (km_table + km_panel)",
            chart_build,
            200.0,
            "bare altair step line",
            bare_chart,
        ),
    ]
    parts = [
        (
            "  of which km_table + at_risk_table (lifelines)",
            lambda: (survival.km_table(data), survival.at_risk_table(data)),
        ),
        (
            "  of which km_panel (altair objects)",
            lambda: charts.km_panel(km, at_risk=risk, annotation=comparison.annotation),
        ),
        ("  of which to_dict (spec, as JupyterChart)", panel.to_dict),
    ]
    print(f"{'task':50} {'ms':>8} {'goal':>7}  {'ok':3} {'baseline (same run)':28} {'ms':>8}")
    for name, fn, goal, base_name, base_fn in rows:
        ms = _time(fn)
        base = _time(base_fn)
        ok = "yes" if ms <= goal else "NO"
        print(f"{name:50} {ms:8.1f} {goal:7.0f}  {ok:3} {base_name:28} {base:8.1f}")
    for name, fn in parts:
        print(f"{name:50} {_time(fn):8.1f}")
    curve_points = [len(c) for c, _ in inputs]
    print(f"(curve points per arm: {curve_points}; at-risk times per arm: {len(inputs[0][1])})")


if __name__ == "__main__":
    main()
