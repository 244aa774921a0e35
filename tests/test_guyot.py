"""Guyot reconstruction: accuracy on simulated trials, input cleaning, bad input."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from hcckit import survival
from hcckit.guyot import DataDiscrepancyWarning, clean_curve, reconstruct_ipd, validate_at_risk

N_TRIALS = 24


def _trial(seed: int) -> pd.DataFrame:
    """A simulated two-arm trial: random medians, HR, accrual and follow-up (random draws)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(80, 400))
    median = float(rng.uniform(4, 20))
    hr = float(rng.uniform(0.45, 1.1))
    accrual, follow_up = float(rng.uniform(6, 30)), float(rng.uniform(3, 24))
    control = survival.survival_model(median, model="exponential")
    kwargs = {"accrual": accrual, "follow_up": follow_up, "method": "random"}
    return survival.concat_arms(
        [
            survival.simulate_arm(control, n=n, arm="control", seed=seed * 2 + 1, **kwargs),
            survival.simulate_arm(
                control.with_hazard_ratio(hr), n=n, arm="experimental", seed=seed * 2 + 2, **kwargs
            ),
        ]
    )


def _reconstruct(trial: pd.DataFrame, *, total_events: bool) -> pd.DataFrame:
    frames = []
    for arm, group in trial.groupby("arm", observed=True, sort=False):
        curve = survival.km_steps(group)
        step = 3.0 if group["time"].max() > 12 else 1.0
        risk = survival.at_risk_table(group, times=np.arange(0, group["time"].max(), step), by=None)
        events = int(group["event"].sum()) if total_events else None
        ipd = reconstruct_ipd(curve, risk, total_events=events)
        frames.append(ipd.assign(arm=str(arm)))
    return survival.concat_arms(frames)


def _log_hr(data: pd.DataFrame) -> float:
    return math.log(survival.hazard_ratio(data, reference="control").hazard_ratio)


@pytest.fixture(scope="module")
def accuracy():
    """Mean |log HR error| and median errors over N_TRIALS simulated trials (two arms each).

    The median error is averaged over arms whose median is reached in both the simulated and
    the rebuilt data; arms where only one of the two reaches 50 % (a curve ending within a step
    of 50 %) are counted separately.
    """
    out = {}
    trials = [_trial(seed) for seed in range(N_TRIALS)]
    for total_events in (False, True):
        hr_err, med_err, nr_mismatch = [], [], 0
        for trial in trials:
            rebuilt = _reconstruct(trial, total_events=total_events)
            assert len(rebuilt) == len(trial)
            hr_err.append(abs(_log_hr(rebuilt) - _log_hr(trial)))
            for arm in ("control", "experimental"):
                m0 = survival.median_survival(trial[trial["arm"] == arm]).median
                m1 = survival.median_survival(rebuilt[rebuilt["arm"] == arm]).median
                if math.isfinite(m0) and math.isfinite(m1):
                    med_err.append(abs(m1 - m0))
                elif math.isfinite(m0) != math.isfinite(m1):
                    nr_mismatch += 1
        out[total_events] = {
            "mean_log_hr_error": float(np.mean(hr_err)),
            "mean_median_error": float(np.mean(med_err)),
            "median_of_median_errors": float(np.median(med_err)),
            "max_median_error": float(np.max(med_err)),
            "arms_with_median": len(med_err),
            "nr_mismatch": nr_mismatch,
        }
    return out


@pytest.mark.parametrize("total_events", [False, True], ids=["no_total_events", "with_total_events"])
def test_accuracy_on_simulated_trials(accuracy, total_events):
    r = accuracy[total_events]
    print(f"\nGuyot accuracy, total_events={total_events}, {N_TRIALS} trials: {r}")
    assert r["mean_log_hr_error"] <= 0.02
    assert r["mean_median_error"] <= 0.5
    assert r["arms_with_median"] >= 20
    assert r["nr_mismatch"] <= 2


def test_events_and_at_risk_are_reproduced():
    trial = _trial(99)
    group = trial[trial["arm"] == "control"]
    curve = survival.km_steps(group)
    risk = survival.at_risk_table(group, times=[0, 3, 6, 9, 12, 15], by=None)
    ipd = reconstruct_ipd(curve, risk, total_events=int(group["event"].sum()))
    report = survival.reconstruction_error(ipd, curve=curve, at_risk=risk)
    assert report.n == len(group)
    assert abs(report.events - int(group["event"].sum())) <= 1
    assert report.at_risk_max_diff <= 1
    assert report.mean_abs_error < 0.005
    early = report.table[report.table["time"] <= 15]  # up to the last number at risk
    assert early["difference"].abs().max() < 0.02
    assert list(ipd.columns) == ["time", "event", "synthetic"]
    assert ipd["synthetic"].all() and set(ipd["event"]) <= {0, 1}


def test_small_published_style_example():
    curve = pd.DataFrame({"time": [0, 2, 4, 6], "survival": [1, 0.8, 0.6, 0.5]})
    risk = pd.DataFrame({"time": [0, 3], "n_at_risk": [50, 38]})
    ipd = reconstruct_ipd(curve, risk)
    assert len(ipd) == 50
    km = survival.km_table(ipd)
    s = km.set_index("time")["survival"]
    assert s.loc[2.0] == pytest.approx(0.8, abs=0.01)
    assert s.loc[6.0] == pytest.approx(0.5, abs=0.02)


def test_without_at_risk_needs_n_and_assumes_no_censoring():
    curve = pd.DataFrame({"time": [0, 1, 2, 3], "survival": [1, 0.9, 0.7, 0.4]})
    with pytest.raises(ValueError, match="^n:"):
        reconstruct_ipd(curve)
    ipd = reconstruct_ipd(curve, n=10)
    assert len(ipd) == 10
    assert int(ipd["event"].sum()) == 6
    with_total = reconstruct_ipd(curve, n=10, total_events=5)
    assert int(with_total["event"].sum()) <= 6


def test_total_events_out_of_range():
    curve = pd.DataFrame({"time": [0, 1, 2], "survival": [1, 0.8, 0.6]})
    with pytest.raises(ValueError, match="^total_events:"):
        reconstruct_ipd(curve, n=10, total_events=11)


@pytest.mark.parametrize(
    ("curve", "match"),
    [
        ({"time": [0, 2, 1], "survival": [1, 0.8, 0.9]}, r"^curve\.time: points are out of order"),
        ({"time": [0, 1, 2], "survival": [1, 0.8, 0.85]}, r"^curve\.survival: survival increases"),
        ({"time": [0, 1, 2], "survival": [100, 80, 60]}, r"^curve\.survival: .*divide percentages by 100"),
        ({"time": [0, -1, 2], "survival": [1, 0.8, 0.6]}, r"^curve\.time: row 1 has a negative time"),
        (
            {"time": [0, 1, 2], "survival": [0.9, 0.8, 0.6]},
            r"^curve\.survival: the curve must start at \(0, 1\)",
        ),
        ({"t": [0, 1], "survival": [1, 0.5]}, r"^curve: missing column"),
    ],
)
def test_bad_curves_are_named(curve, match):
    with pytest.raises(ValueError, match=match):
        reconstruct_ipd(pd.DataFrame(curve), n=10)


def test_clean_curve_repairs_digitisation_noise():
    noisy = pd.DataFrame(
        {
            "time": [0.1, 1.0, 3.0, 2.0, 4.0, 4.0, 5.0, -0.01, np.nan],
            "survival": [0.99, 0.9, 0.7, 0.8, 0.72, 0.6, 0.5, 1.004, 0.3],
        }
    )
    clean, notes = clean_curve(noisy)
    assert clean.iloc[0].tolist() == [0.0, 1.0]
    assert clean["time"].is_monotonic_increasing and clean["time"].is_unique
    assert (np.diff(clean["survival"]) <= 0).all()
    text = " ".join(notes)
    for word in ("dropped", "clipped", "slightly negative", "sorted", "lowered", "merged"):
        assert word in text
    _, notes = clean_curve(pd.DataFrame({"time": [0.5, 1.0], "survival": [0.95, 0.9]}))
    assert any("(0, 1)" in n for n in notes)
    ipd = reconstruct_ipd(noisy, n=40, clean=True)
    assert len(ipd) == 40 and ipd.attrs["notes"]


def test_duplicate_times_are_a_vertical_drop():
    curve = pd.DataFrame({"time": [0, 1, 1, 2], "survival": [1, 0.9, 0.8, 0.7]})
    ipd = reconstruct_ipd(curve, n=10)
    assert int((ipd["time"] == 1.0).sum()) == 2
    assert any("merged" in n for n in ipd.attrs["notes"])


@pytest.mark.parametrize(
    ("risk", "match"),
    [
        (
            {"time": [0, 5, 10], "n_at_risk": [27, 13, 14]},
            r"^at_risk\.n_at_risk: numbers at risk increase from 13",
        ),
        ({"time": [0, 10, 5], "n_at_risk": [27, 13, 7]}, r"^at_risk\.time: times must increase"),
        ({"time": [0, 5], "n_at_risk": [27, 12.5]}, r"^at_risk\.n_at_risk: row 1 is 12.5"),
        ({"time": [5, 10], "n_at_risk": [13, 7]}, r"^at_risk\.time: the table must start at time 0"),
    ],
)
def test_bad_numbers_at_risk_are_named(risk, match):
    with pytest.raises(ValueError, match=match):
        validate_at_risk(pd.DataFrame(risk))


def test_at_risk_discrepancy_is_reported_not_fatal():
    risk = pd.DataFrame({"time": [0, 5, 10, 15, 25], "n_at_risk": [27, 13, 7, 2, 0]})
    curve = pd.DataFrame({"time": [0, 3, 6, 9, 12, 20], "survival": [1, 1, 0.774, 0.5, 0.226, 0.1]})
    with pytest.warns(DataDiscrepancyWarning, match="n = 31 but the numbers-at-risk table starts with 27"):
        ipd = reconstruct_ipd(curve, risk, n=31)
    assert len(ipd) == 27
    assert any(n.startswith("DISCREPANCY") for n in ipd.attrs["notes"])


def test_at_risk_missing_time_zero_uses_n():
    curve = pd.DataFrame({"time": [0, 2, 4, 6, 8], "survival": [1, 0.8, 0.6, 0.5, 0.4]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ipd = reconstruct_ipd(curve, pd.DataFrame({"time": [4], "n_at_risk": [25]}), n=40)
    assert len(ipd) == 40


# --- issue 13, items 12 and 13 --------------------------------------------------------------


def _kidney_male() -> pd.DataFrame:
    """lifelines kidney_transplant, male recipients (real patients; time in days)."""
    from lifelines.datasets import load_kidney_transplant

    d = load_kidney_transplant()
    d = d[(d["black_male"] == 1) | (d["white_male"] == 1)]
    return pd.DataFrame({"time": d["time"].astype(float), "event": d["death"]})


def test_total_events_keeps_the_last_drop_of_the_curve():
    data = _kidney_male()
    curve = survival.km_steps(data)  # "digitised": the KM curve of the real data at its steps
    risk = survival.at_risk_table(data, times=[0, 1000, 2000, 3000])
    total = int(data["event"].sum())  # 87
    plain = reconstruct_ipd(curve, risk, time_unit="days")
    with_total = reconstruct_ipd(curve, risk, total_events=total, time_unit="days")
    err_plain = survival.reconstruction_error(plain, curve=curve).max_abs_error
    err_total = survival.reconstruction_error(with_total, curve=curve).max_abs_error
    # rounding reaches 88 events before 3000 days; the drops after it used to be deleted (3.8 points)
    assert err_plain < 0.005
    assert err_total == pytest.approx(err_plain, abs=0.002)
    assert with_total["time"][with_total["event"] == 1].max() > 3000
    note = " ".join(with_total.attrs["notes"])
    assert "kept" in note and "3000 days" in note and "months" not in note


def test_infinite_time_is_a_value_error_naming_field_and_row():
    curve = pd.DataFrame({"time": [0, 2, math.inf], "survival": [1, 0.8, 0.6]})
    with pytest.raises(ValueError, match=r"curve\.time: row 2 is inf"):
        reconstruct_ipd(curve, n=50)
    with pytest.raises(ValueError, match=r"curve\.time: row 2 is inf"):
        reconstruct_ipd(curve, {0: 50, 1: 45}, clean=True)
    ok = pd.DataFrame({"time": [0, 2, 4], "survival": [1, 0.8, 0.6]})
    with pytest.raises(ValueError, match=r"at_risk\.time: row 1 is inf"):
        reconstruct_ipd(ok, pd.DataFrame({"time": [0, math.inf], "n_at_risk": [50, 10]}))


def test_at_risk_as_a_mapping_or_pairs_is_accepted():
    curve = pd.DataFrame({"time": [0, 2, 4, 6], "survival": [1, 0.8, 0.6, 0.5]})
    frame = reconstruct_ipd(curve, pd.DataFrame({"time": [0, 3], "n_at_risk": [50, 38]}))
    as_dict = reconstruct_ipd(curve, {0: 50, 3: 38})
    as_pairs = reconstruct_ipd(curve, [(0, 50), (3, 38)])
    pd.testing.assert_frame_equal(frame, as_dict)
    pd.testing.assert_frame_equal(frame, as_pairs)
    with pytest.raises(ValueError, match="at_risk"):
        reconstruct_ipd(curve, {"time": [0, 3], "n_at_risk": [50]})


def test_only_n_says_no_censoring_was_assumed():
    curve = pd.DataFrame({"time": [0, 2, 4, 6], "survival": [1, 0.8, 0.6, 0.5]})
    ipd = reconstruct_ipd(curve, n=50, time_unit="weeks")
    assert any("no censoring assumed" in n and "6 weeks" in n for n in ipd.attrs["notes"])
    with_total = reconstruct_ipd(curve, n=50, total_events=20)
    assert not any("no censoring assumed" in n for n in with_total.attrs["notes"])


def test_number_at_risk_at_the_last_curve_time_is_kept():
    curve = pd.DataFrame({"time": [0, 2, 4, 6, 8, 10], "survival": [1, 0.9, 0.8, 0.7, 0.6, 0.55]})
    risk = pd.DataFrame({"time": [0, 5, 10], "n_at_risk": [100, 70, 40]})
    ipd = reconstruct_ipd(curve, risk)
    assert not any("ignored" in n for n in ipd.attrs["notes"])
    rep = survival.reconstruction_error(ipd, curve=curve, at_risk=risk)
    assert rep.at_risk_max_diff == 0
    assert rep.max_abs_error < 0.01
    later = pd.DataFrame({"time": [0, 5, 12], "n_at_risk": [100, 70, 40]})
    assert any("ignored 1" in n for n in reconstruct_ipd(curve, later).attrs["notes"])


def test_slight_overshoot_says_clean_repairs_it_and_units_follow_the_caller():
    over = pd.DataFrame({"time": [0, 2, 4], "survival": [1, 1.01, 0.8]})
    with pytest.raises(ValueError, match=r"above 1 - pass clean=True"):
        reconstruct_ipd(over, n=20)
    assert len(reconstruct_ipd(over, n=20, clean=True)) == 20
    with pytest.raises(ValueError, match="divide percentages by 100"):
        reconstruct_ipd(pd.DataFrame({"time": [0, 2], "survival": [100, 80]}), n=20)
    far = pd.DataFrame({"time": [0, 2, 4], "survival": [1, 1.3, 0.8]})
    with pytest.raises(ValueError, match="above 1$"):
        reconstruct_ipd(far, n=20)
    with pytest.raises(ValueError, match=r"-1 weeks"):
        reconstruct_ipd(
            pd.DataFrame({"time": [0, -1, 4], "survival": [1, 0.9, 0.8]}), n=20, time_unit="weeks"
        )
