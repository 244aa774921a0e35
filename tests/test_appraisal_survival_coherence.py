"""Survival coherence across statistics: a median's CI vs landmark CIs, a median vs numbers at risk (issue 16)."""

from __future__ import annotations

import numpy as np
import pytest
from lifelines import KaplanMeierFitter
from lifelines.utils import median_survival_times

from hcckit.appraisal import survival_curves as sc


def only(findings):
    (f,) = findings
    return f


def test_upper_limit_beyond_a_landmark_whose_ci_is_below_half_is_flagged():
    f = only(sc.check_median_vs_rate_ci(("9.0", "16.0"), {12: ("30", "21", "40")}, endpoint="OS"))
    assert f.severity == "warning" and "lies below 50 %" in f.message


def test_boundaries_stay_silent():
    # a CI reaching 50 % (its upper bound printed 50) contains 50 %: nothing to say
    assert only(sc.check_median_vs_rate_ci(("9.0", "16.0"), {12: ("30", "21", "50")})).severity == "pass"
    # the median's upper limit at the landmark itself (rounding included) is allowed
    assert only(sc.check_median_vs_rate_ci(("9.0", "12.0"), {12: ("30", "21", "40")})).severity == "pass"
    assert only(sc.check_median_vs_rate_ci(("9", "12"), {12: ("30", "21", "40")})).severity == "pass"
    # 49 printed stands for up to 49.5: still below 50; a median limit of 12.1 is after 12
    assert only(sc.check_median_vs_rate_ci(("9.0", "12.1"), {12: ("30", "21", "49")})).severity == "warning"


def test_lower_limit_before_a_landmark_whose_ci_is_above_half_is_flagged():
    f = only(sc.check_median_vs_rate_ci(("5.0", "20.0"), {6: ("70", "58", "80")}))
    assert f.severity == "warning" and "lies above 50 %" in f.message
    assert only(sc.check_median_vs_rate_ci(("6.0", "20.0"), {6: ("70", "58", "80")})).severity == "pass"


def test_not_reached_upper_limit_with_a_landmark_below_half():
    f = only(sc.check_median_vs_rate_ci(("9.0", None), {24: ("20", "12", "30")}))
    assert f.severity == "warning" and "not reached" in f.message


@pytest.mark.parametrize("seed", range(25))
def test_lifelines_curves_are_consistent(seed):
    """Median CI and landmark CIs from one lifelines fit (log-log, same method) never contradict."""
    rng = np.random.default_rng(seed)
    t = rng.exponential(12, size=120)
    c = rng.uniform(6, 40, size=120)
    time, event = np.minimum(t, c), t <= c
    kmf = KaplanMeierFitter().fit(time, event)
    ci = median_survival_times(kmf.confidence_interval_)
    lo, hi = (float(v) for v in ci.iloc[0])
    rates = {}
    for month in (6, 12, 18, 24):
        s = float(kmf.survival_function_at_times(month).iloc[0]) * 100
        band = kmf.confidence_interval_survival_function_
        row = band[band.index <= month].iloc[-1] * 100
        rates[month] = (f"{s:.1f}", f"{row.iloc[0]:.1f}", f"{row.iloc[1]:.1f}")
    median_ci = (f"{lo:.1f}", "" if not np.isfinite(hi) else f"{hi:.1f}")
    assert only(sc.check_median_vs_rate_ci(median_ci, rates)).severity == "pass", (median_ci, rates)


def test_median_before_a_time_with_more_than_half_at_risk_is_impossible():
    f = only(sc.check_median_vs_at_risk("10.0", {6: 90, 12: 70}, n=120))
    assert f.severity == "error" and "70 of 120" in f.message
    # exactly half at risk: S(t-) >= 50 % allows a median at or before t
    assert only(sc.check_median_vs_at_risk("10.0", {12: 60}, n=120)).severity == "pass"
    # the median printed 12 covers 11.5-12.5: not before 12
    assert only(sc.check_median_vs_at_risk("12", {12: 70}, n=120)).severity == "pass"
    assert only(sc.check_median_vs_at_risk("11.4", {12: 70}, n=120)).severity == "error"


@pytest.mark.parametrize("seed", range(25))
def test_median_vs_at_risk_never_flags_a_real_curve(seed):
    rng = np.random.default_rng(1000 + seed)
    n = int(rng.integers(30, 300))
    t = rng.weibull(1.3, size=n) * 15
    c = rng.uniform(3, 50, size=n)
    time, event = np.minimum(t, c), t <= c
    median = KaplanMeierFitter().fit(time, event).median_survival_time_
    if not np.isfinite(median):
        pytest.skip("median not reached in this draw")
    at_risk = {m: int((time >= m).sum()) for m in range(0, 49, 3)}
    assert only(sc.check_median_vs_at_risk(f"{median:.1f}", at_risk, n=n)).severity == "pass"


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: sc.check_median_vs_rate_ci("9-16", {12: ("30", "21", "40")}), "median_ci"),
        (lambda: sc.check_median_vs_rate_ci(("9", "16"), {}), "rates_ci"),
        (lambda: sc.check_median_vs_rate_ci(("9", "16"), {12: ("30", "21")}), r"rates_ci\[12\]"),
        (lambda: sc.check_median_vs_at_risk("x", {12: 1}, n=10), "median"),
        (lambda: sc.check_median_vs_at_risk("9", {12: 1}, n=0), "n"),
        (lambda: sc.check_median_vs_at_risk("9", {12: -1}, n=10), r"at_risk\[12\]"),
    ],
)
def test_bad_input_names_the_field(call, field):
    with pytest.raises(ValueError, match=rf"^{field}"):
        call()
