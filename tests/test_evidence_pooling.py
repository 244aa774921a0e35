"""Tests for hcckit.evidence.pooling and hcckit.evidence.comparability: random-effects pooling against hand
arithmetic, and the named reasons a subgroup is not comparable."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from evidence_helpers import Z90, Z95, forest_row

from hcckit import evidence

_row = forest_row


# --------------------------------------------------------------------------- pooling
def _dl_by_hand(hr, low, high, level):
    """DerSimonian-Laird written out (Borenstein et al. 2009, ch. 16), for the test only."""
    y = np.log(hr)
    z = np.array([Z95 if lv == 0.95 else Z90 for lv in level])
    v = ((np.log(high) - np.log(low)) / (2 * z)) ** 2
    w = 1 / v
    mu_fe = (w * y).sum() / w.sum()
    q = (w * (y - mu_fe) ** 2).sum()
    df = len(y) - 1
    c = w.sum() - (w**2).sum() / w.sum()
    tau2 = max(0.0, (q - df) / c)
    ws = 1 / (v + tau2)
    mu = (ws * y).sum() / ws.sum()
    se = math.sqrt(1 / ws.sum())
    i2 = max(0.0, (q - df) / q) * 100
    return {"hr": math.exp(mu), "low": math.exp(mu - Z95 * se), "high": math.exp(mu + Z95 * se), "tau2": tau2,
            "i2": i2, "q": q, "weights": 100 * ws / ws.sum()}  # fmt: skip


def _pfs_three(forest_all):
    """TACTICS (95 %), STAH (90 %), LAUNCH (95 %) PFS hazard ratios, as curated."""
    return pd.DataFrame([_row(forest_all, s, "PFS") for s in ("TACTICS", "STAH", "LAUNCH")])


def test_pooling_agrees_with_a_hand_dersimonian_laird(forest_all):
    rows = _pfs_three(forest_all)
    pooled = evidence.pool_hazard_ratios(rows)
    hand = _dl_by_hand(
        np.array([0.59, 0.73, 0.43]),
        np.array([0.41, 0.59, 0.34]),
        np.array([0.87, 0.91, 0.55]),
        [0.95, 0.90, 0.95],
    )
    assert pooled.method == "DerSimonian-Laird" and pooled.k == 3
    assert pooled.tau2 > 0 and not pooled.tau2_truncated
    assert pooled.hr == pytest.approx(hand["hr"], rel=1e-10)
    assert pooled.ci_low == pytest.approx(hand["low"], rel=1e-10)
    assert pooled.ci_high == pytest.approx(hand["high"], rel=1e-10)
    assert pooled.tau2 == pytest.approx(hand["tau2"], rel=1e-10)
    assert pooled.i2 == pytest.approx(hand["i2"], rel=1e-10)
    assert pooled.q == pytest.approx(hand["q"], rel=1e-10)
    assert pooled.studies["weight_pct"].to_numpy() == pytest.approx(hand["weights"], rel=1e-10)


def test_pooling_treats_the_90_percent_ci_at_its_own_level(forest_all):
    rows = _pfs_three(forest_all)
    pooled = evidence.pool_hazard_ratios(rows)
    wrong = _dl_by_hand(  # the classic mistake: z = 1.96 for STAH's 90 % CI
        np.array([0.59, 0.73, 0.43]),
        np.array([0.41, 0.59, 0.34]),
        np.array([0.87, 0.91, 0.55]),
        [0.95, 0.95, 0.95],
    )
    assert abs(pooled.hr - wrong["hr"]) > 1e-3
    stah = pooled.studies[pooled.studies["study_short"] == "STAH"].iloc[0]
    assert stah["se_log_hr"] == pytest.approx(math.log(0.91 / 0.59) / (2 * Z90))
    assert any("z = 1.645" in c for c in pooled.comparability.cautions)


def test_dersimonian_laird_negative_tau2_is_truncated_to_zero(forest_all):
    rows = pd.DataFrame([_row(forest_all, "EMERALD-1", "PFS", "D + B"), _row(forest_all, "CHANCE001", "PFS")])
    pooled = evidence.pool_hazard_ratios(rows)
    hand = _dl_by_hand(np.array([0.77, 0.70]), np.array([0.61, 0.56]), np.array([0.98, 0.88]), [0.95, 0.95])
    assert hand["tau2"] == 0.0  # Q < df: the moment estimate is negative
    assert pooled.tau2_truncated and pooled.tau2 == 0.0 and pooled.i2 == 0.0
    assert pooled.hr == pytest.approx(hand["hr"], rel=1e-10)
    assert pooled.hr == pytest.approx(pooled.fixed_hr, rel=1e-12)
    assert pooled.ci_high == pytest.approx(hand["high"], rel=1e-10)


def test_paule_mandel_solves_its_estimating_equation(forest_all):
    rows = _pfs_three(forest_all)
    pm = evidence.pool_hazard_ratios(rows, method="PM")
    assert pm.method == "Paule-Mandel"
    v = rows["se_log_hr"].to_numpy() ** 2
    w = 1 / (v + pm.tau2)
    y = rows["log_hr"].to_numpy()
    mu = (w * y).sum() / w.sum()
    assert (w * (y - mu) ** 2).sum() == pytest.approx(len(y) - 1, abs=1e-4)
    assert math.log(pm.hr) == pytest.approx(mu, abs=1e-9)


def test_pooling_excludes_rows_without_ci_with_a_message(forest_all):
    rows = pd.DataFrame([_row(forest_all, s, "OS") for s in ("Fu 2023", "Zheng 2022", "FOHAIC-1")])
    pooled = evidence.pool_hazard_ratios(rows)
    assert pooled.k == 2
    assert (
        len(pooled.excluded) == 1
        and "Fu 2023" in pooled.excluded[0]
        and "no confidence interval" in pooled.excluded[0]
    )
    with pytest.raises(
        ValueError, match="at least two comparisons with a confidence interval.*1 without a CI"
    ):
        evidence.pool_hazard_ratios(rows.iloc[:2])


def test_pooling_bad_input(forest_all):
    rows = _pfs_three(forest_all)
    with pytest.raises(ValueError, match="method"):
        evidence.pool_hazard_ratios(rows, method="REML")
    with pytest.raises(ValueError, match="level"):
        evidence.pool_hazard_ratios(rows, level=0)
    with pytest.raises(ValueError, match="at least two"):
        evidence.pool_hazard_ratios(rows.iloc[:0])
    assert "Pooled HR" in evidence.pool_hazard_ratios(rows, method="dersimonian-laird")._repr_html_()


# --------------------------------------------------------------------------- comparability
def test_default_pool_is_flagged_with_named_reasons(table):
    forest = evidence.forest_table(evidence.filter_comparisons(table, **evidence.DEFAULT_POOL))
    assert set(forest["study_short"]) == {"Yan 2025", "EMERALD-1", "TACTICS"}
    result = evidence.check_comparability(forest)
    assert not result.comparable
    text = " ".join(result.problems)
    assert "EMERALD-1 is counted 2 times" in text
    assert "Mixes populations/stages" in text and "Yan 2025" in text


def _pair(forest_all):
    return pd.DataFrame([_row(forest_all, "TACTICS", "PFS"), _row(forest_all, "EMERALD-1", "PFS", "D + B")])


def test_same_label_different_definitions_is_a_problem(forest_all):
    # issue 13 item 4: TACTICS' PFS is TACE-specific (untreatable progression; Kudo et al., Gut 2020),
    # EMERALD-1's is RECIST 1.1 by blinded central review (Sangro et al., Lancet 2025)
    rows = _pair(forest_all)
    assert (
        rows["endpoint_definition"].str.len().gt(0).all()
        and rows["definition_source"].str.contains("doi").all()
    )
    found = evidence.check_comparability(rows)
    assert not found.comparable
    (problem,) = [p for p in found.problems if p.startswith("Mixes definitions of PFS")]
    assert "TACTICS: TACE-specific" in problem and "EMERALD-1: RECIST 1.1" in problem
    # the same definition twice is no problem; a missing one is a caution, never silence
    tactics = rows.iloc[[0]]
    assert not any(
        "definitions" in p for p in evidence.check_comparability(pd.concat([tactics, tactics])).problems
    )
    unknown = pd.DataFrame([_row(forest_all, "TACTICS", "PFS"), _row(forest_all, "LAUNCH", "PFS")])
    cautions = " ".join(evidence.check_comparability(unknown).cautions)
    assert "How LAUNCH defined PFS is not recorded here" in cautions


def _hartung_knapp(log_hr, se, tau2, level=0.95):
    """Hartung-Knapp-Sidik-Jonkman CI by hand (IntHout et al. 2014, eq. 3-4)."""
    from scipy import stats

    w = 1 / (np.asarray(se) ** 2 + tau2)
    y = np.asarray(log_hr)
    mu = (w * y).sum() / w.sum()
    var = (w * (y - mu) ** 2).sum() / ((len(y) - 1) * w.sum())
    t = stats.t.isf((1 - level) / 2, len(y) - 1)
    return np.exp([mu - t * np.sqrt(var), mu + t * np.sqrt(var)])


def test_two_studies_by_dl_are_a_method_problem_with_the_hartung_knapp_ci(forest_all):
    # IntHout et al., BMC Med Res Methodol 2014;14:25; Cochrane Handbook v6, 10.10.4
    pooled = evidence.pool_hazard_ratios(_pair(forest_all))
    assert pooled.hr == pytest.approx(0.70, abs=0.005)
    assert (round(pooled.ci_low, 2), round(pooled.ci_high, 2)) == (0.55, 0.90)
    hk = _hartung_knapp(pooled.studies["log_hr"], pooled.studies["se_log_hr"], pooled.tau2)
    assert (pooled.hk_ci_low, pooled.hk_ci_high) == pytest.approx(tuple(hk), rel=1e-9)
    assert (round(pooled.hk_ci_low, 2), round(pooled.hk_ci_high, 2)) == (0.14, 3.50)
    (problem,) = pooled.method_problems
    assert "Only 2 studies" in problem and "0.14 to 3.50" in problem and "IntHout" in problem
    assert not pooled.quotable and pooled.problems[-1] == problem
    assert pooled.prediction_interval is None and "at least 3 studies" in pooled.prediction_note
    html = pooled._repr_html_()
    assert "look comparable" not in html and "Hartung-Knapp CI: 0.14-3.50" in html
    assert evidence.pool_hazard_ratios(_pair(forest_all), method="PM").method_problems  # any estimator


def test_prediction_interval_follows_higgins_2009(forest_all):
    from scipy import stats

    opening = evidence.forest_table(
        evidence.filter_comparisons(evidence.comparisons(), **evidence.DEFAULT_POOL)
    )
    pooled = evidence.pool_hazard_ratios(opening)
    assert pooled.k == 4 and pooled.method_problems == ()
    half = stats.t.isf(0.025, pooled.k - 2) * np.sqrt(pooled.tau2 + pooled.se_log_hr**2)
    expected = np.exp([pooled.log_hr - half, pooled.log_hr + half])
    assert pooled.prediction_interval == pytest.approx(tuple(expected), rel=1e-12)
    assert (round(pooled.prediction_interval[0], 2), round(pooled.prediction_interval[1], 2)) == (0.32, 1.73)
    assert "prediction interval for a new study" in pooled.prediction_note
    assert pooled.prediction_interval[0] < pooled.ci_low and pooled.prediction_interval[1] > pooled.ci_high


def test_a_clean_set_is_quotable(forest_all):
    base = _row(forest_all, "TACTICS", "PFS")
    rows = []
    for i, (hr, se) in enumerate([(0.59, 0.19), (0.66, 0.15), (0.55, 0.22)]):
        r = base.copy()
        r["study"] = r["study_short"] = f"Trial {i}"
        r["label"] = f"Trial {i}: TACE + sorafenib vs TACE"
        r["hr"], r["log_hr"], r["se_log_hr"] = hr, np.log(hr), se
        rows.append(r)
    pooled = evidence.pool_hazard_ratios(pd.DataFrame(rows))
    assert pooled.quotable and pooled.problems == ()
    assert "look comparable" in pooled._repr_html_()


@pytest.mark.parametrize(
    "picks, expected",
    [
        (
            [("LAUNCH", "PFS"), ("CHANCE2201", "PFS")],
            ["Mixes study designs", "Mixes adjusted and unadjusted"],
        ),
        ([("LAUNCH", "PFS"), ("LAUNCH", "OS")], ["Mixes endpoints", "LAUNCH is counted 2 times"]),
        ([("TACTICS", "PFS"), ("LAUNCH", "PFS")], ["Mixes comparators", "Mixes populations/stages"]),
        ([("CHANCE001", "OS"), ("Yuan L 2023", "OS")], ["Mixes adjusted and unadjusted"]),
    ],
)
def test_comparability_names_each_problem(forest_all, picks, expected):
    rows = pd.DataFrame([_row(forest_all, s, e) for s, e in picks])
    problems = " ".join(evidence.check_comparability(rows).problems)
    for text in expected:
        assert text in problems


def test_comparability_cautions(forest_all):
    rows = pd.DataFrame([_row(forest_all, s, "OS") for s in ("Meyer 2013", "Deng 2023")])
    cautions = " ".join(evidence.check_comparability(rows).cautions)
    assert "which arm is the reference is not stated" in cautions
    an = pd.DataFrame([_row(forest_all, "An 2023", "PPS")])
    assert "far from the centre" in " ".join(evidence.check_comparability(an).cautions)
    assert evidence.check_comparability(an.iloc[:0]).comparable
