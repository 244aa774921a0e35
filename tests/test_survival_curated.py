"""hcckit.survival on the curated trials: published summaries in, pseudo-patients that reproduce them out."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hcckit import survival

CATALOGUE = survival.survival_catalogue()
READY = CATALOGUE[CATALOGUE["ready"]]
ARMS = [
    (row.trial_id, row.endpoint, a)
    for row in READY.itertuples()
    for a in survival.published_arms(row.trial_id, endpoint=row.endpoint)
    if a.has_summaries
]


def test_catalogue_columns_and_key_trials():
    assert list(CATALOGUE.columns) == [
        "trial_id", "name", "design", "endpoint", "arms", "has_landmarks", "has_at_risk", "has_hr", "ready", "option"
    ]  # fmt: skip
    keys = set(zip(READY["trial_id"], READY["endpoint"], strict=True))
    for key in [
        ("yan2025_tace_bev", "PFS"),
        ("chictr2100049829_tace_atezo_bev", "PFS"),
        ("chictr2100049829_tace_atezo_bev", "OS"),
        ("chictr2200056222_debtace_tqb_anlo", "OS"),
        ("emerald1", "PFS"),
        ("launch", "OS"),
    ]:
        assert key in keys


@pytest.mark.parametrize(
    ("trial_id", "endpoint", "arm"), ARMS, ids=[f"{t}-{e}-{a.arm_id}" for t, e, a in ARMS]
)
def test_large_n_reproduces_published_landmarks_and_median(trial_id, endpoint, arm):
    n = 20_000
    data = survival.simulate_arm(arm.model(), n=n)
    if arm.landmarks:
        lm = survival.landmark_survival(data, times=[t for t, _ in arm.landmarks])
        assert np.allclose(lm["survival"], [s for _, s in arm.landmarks], atol=1 / n)
    if arm.median is not None:
        assert survival.median_survival(data).median == pytest.approx(arm.median, abs=0.1)


def test_phase2_trial_published_numbers():
    arms = survival.published_arms("chictr2100049829_tace_atezo_bev", endpoint="PFS")
    (a,) = arms
    assert a.n == 45 and a.median == 17.9 and a.median_ci == (13.8, 28.3)
    assert a.landmarks == ((12.0, 0.733), (24.0, 0.385), (36.0, 0.237))
    assert a.median_follow_up == 26.7
    os_arm = survival.published_arms("chictr2100049829_tace_atezo_bev", endpoint="OS")[0]
    assert os_arm.median == 33.0 and math.isinf(os_arm.median_ci[1])  # upper limit not reached
    points = survival.published_points([os_arm])
    assert set(points["kind"]) == {"median", "landmark"} and len(points) == 4


def test_yan_trial_medians_vs_hazard_ratio():
    arms = survival.published_arms("yan2025_tace_bev", endpoint="PFS")
    assert [a.arm_id for a in arms] == ["tace", "tace_bev"]  # control first
    assert [a.n for a in arms] == [58, 58]
    assert any("58 patients analysed" in n for n in arms[0].notes)
    eff = survival.published_effect("yan2025_tace_bev", endpoint="PFS")
    assert (eff.hazard_ratio, eff.ci_low, eff.ci_high, eff.p_value) == (0.58, 0.37, 0.91, 0.018)
    assert not eff.synthetic and "p = 0.018" in str(eff)
    check = survival.hr_consistency(
        arms[0].median, experimental_median=arms[1].median, hazard_ratio=0.58, ci=(0.37, 0.91)
    )
    assert check.implied_hr == pytest.approx(0.655, abs=0.001)

    own = survival.synthesize_published("yan2025_tace_bev", endpoint="PFS")
    via_hr = survival.synthesize_published("yan2025_tace_bev", endpoint="PFS", comparator="hazard_ratio")
    assert list(own["arm"].cat.categories) == ["tace", "tace_bev"]
    med_own = survival.median_survival(own[own["arm"] == "tace_bev"]).median
    med_hr = survival.median_survival(via_hr[via_hr["arm"] == "tace_bev"]).median
    assert med_own == pytest.approx(8.4, abs=0.2)
    assert med_hr == pytest.approx(5.5 / 0.58, abs=0.3)
    assert any("published HR 0.58" in n for n in via_hr.attrs["notes"])


def test_debtace_at_risk_discrepancy_is_reported_not_a_crash():
    (arm,) = survival.published_arms("chictr2200056222_debtace_tqb_anlo", endpoint="OS")
    assert arm.n == 31 and arm.at_risk[0] == (0.0, 27)
    assert any(n.startswith("DISCREPANCY") and "27" in n for n in arm.notes)
    data = survival.synthesize_published("chictr2200056222_debtace_tqb_anlo", endpoint="OS")
    assert len(data) == 31 and data["synthetic"].all()
    assert any(n.startswith("DISCREPANCY") for n in data.attrs["notes"])
    assert data["time"].max() <= 25 + 1e-9  # nobody followed beyond the table (0 at risk at 25 months)


def test_arm_without_summaries_uses_control_and_hr():
    arms = survival.published_arms("yuan2023_tace_haic_tki_pd1", endpoint="OS")
    exp = next(a for a in arms if a.arm_id == "tace_haic_tki_pd1")
    assert exp.median_not_reached and not exp.has_summaries
    data = survival.synthesize_published("yuan2023_tace_haic_tki_pd1", endpoint="OS")
    assert set(data["arm"].astype(str)) == {"tace", "tace_haic_tki_pd1"}
    assert any("no median or rates published" in n for n in data.attrs["notes"])


def test_three_arm_trial_and_compare_published():
    data = survival.synthesize_published("emerald1", endpoint="PFS", accrual=24, follow_up=12)
    assert list(data["arm"].cat.categories) == ["tace", "dbt", "dt"]
    published = survival.published_points(survival.published_arms("emerald1", endpoint="PFS"))
    table = survival.compare_published(data, published=published)
    assert list(table["statistic"]) == ["median"] * 3
    assert np.allclose(table["published"], [8.2, 15.0, 10.0])
    assert table["difference"].abs().max() < 1.0


def test_cross_trial_arms():
    cat = survival.arm_catalogue("PFS")
    assert {"trial", "population", "modality", "option"} <= set(cat.columns)
    data = survival.synthesize_across_trials(
        [("chictr2100049829_tace_atezo_bev", "tace_atezo_bev"), ("emerald1", "tace")], endpoint="PFS"
    )
    assert len(data["arm"].cat.categories) == 2 and data["synthetic"].all()
    with pytest.raises(ValueError, match="^arms:"):
        survival.synthesize_across_trials([("emerald1", "nope")], endpoint="PFS")


def test_unknown_trial_and_endpoint():
    with pytest.raises(ValueError, match="^trial_id: no curated trial"):
        survival.published_arms("nope", endpoint="PFS")
    with pytest.raises(ValueError, match="^endpoint: must be one of"):
        survival.published_arms("emerald1", endpoint="DFS")


# --- lesson 03 §6 (issue 12): each trial censored at its own follow-up ----------------------


def _arm(data, trial_id):
    return data[data["trial_id"] == trial_id]


def test_across_trials_each_arm_is_censored_at_its_own_follow_up():
    chosen = [
        ("chictr2100049829_tace_atezo_bev", "tace_atezo_bev"),  # median follow-up 26.7 months
        ("an2023_haic_lenv_pd1", "haic_lenv_pd1"),  # no follow-up curated; median OS 43.6
        ("chictr2200056222_debtace_tqb_anlo", "debtace_tqb_anlo"),  # printed numbers at risk
    ]
    pfs = survival.synthesize_across_trials(chosen[:1] + chosen[2:], endpoint="PFS")
    chictr = _arm(pfs, "chictr2100049829_tace_atezo_bev")
    # the tail used to run to about 110 months with no censoring; now it ends by 1.5 x 26.7
    assert chictr["time"].max() <= 1.5 * 26.7 + 1e-9
    assert chictr["event"].eq(0).any()
    assert survival.median_survival(chictr, arm="x").median == pytest.approx(17.9, abs=0.3)
    notes = " ".join(pfs.attrs["notes"])
    assert "median follow-up of 26.7 months" in notes
    os_ = survival.synthesize_across_trials(chosen[1:2], endpoint="OS")
    an = _arm(os_, "an2023_haic_lenv_pd1")
    assert survival.median_survival(an, arm="x").median == pytest.approx(43.6, abs=0.3)
    assert an["time"].max() <= 1.5 * 43.6 + 1e-9
    assert "no follow-up published" in " ".join(os_.attrs["notes"])


def test_published_rebuild_reproduces_a_median_beyond_the_assumed_follow_up():
    # the lesson panel passes 24 months' accrual + 12 of follow-up for every trial without
    # numbers at risk; An 2023 printed a median OS of 43.6 months, which 36 months cannot show
    data = survival.synthesize_published("an2023_haic_lenv_pd1", endpoint="OS", accrual=24, follow_up=12)
    pd1 = data[data["arm"] == "haic_lenv_pd1"]
    assert survival.median_survival(pd1, arm="x").median == pytest.approx(43.6, abs=0.3)
    assert any("raised to 43.6 months" in n for n in data.attrs["notes"])
    # an explicit design is kept as given, and the consequence is said
    design = survival.synthesize_published(
        "an2023_haic_lenv_pd1", endpoint="OS", censoring="design", accrual=24, follow_up=12
    )
    pd1 = design[design["arm"] == "haic_lenv_pd1"]
    assert math.isinf(survival.median_survival(pd1, arm="x").median)
    assert any("may not reproduce" in n for n in design.attrs["notes"])


def test_published_rebuild_uses_the_trials_median_follow_up():
    data = survival.synthesize_published("chictr2100049829_tace_atezo_bev", endpoint="OS")
    assert data["time"].max() <= 1.5 * 26.7 + 1e-9
    assert any("median follow-up of 26.7 months" in n for n in data.attrs["notes"])
    cmp = survival.compare_published(
        data,
        published=survival.published_points(
            survival.published_arms("chictr2100049829_tace_atezo_bev", endpoint="OS")
        ),
    )
    assert cmp["difference"].abs().max() < 3  # months for the median, percentage points for rates
