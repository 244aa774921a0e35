"""Tests for hcckit.evidence: joined comparisons, filters, forest table, pooling, ORR, cross-trial."""

from __future__ import annotations

import contextlib
import io
import math
import runpy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hcckit import checks, data, evidence
from hcckit.stats import proportion_ci

SOLUTION = (
    Path(__file__).resolve().parents[1] / "notebooks" / "solutions" / "04_evidence_explorer_log_hr_se.py"
)
Z95, Z90 = 1.959963984540054, 1.6448536269514722


@pytest.fixture(scope="module")
def table():
    return evidence.comparisons()


@pytest.fixture(scope="module")
def forest_all(table):
    return evidence.forest_table(table)


def _row(forest, study, endpoint, startswith=""):
    rows = forest[(forest["study_short"] == study) & (forest["endpoint"] == endpoint)]
    rows = rows[rows["comparison"].str.startswith(startswith)]
    assert len(rows) == 1, (study, endpoint, len(rows))
    return rows.iloc[0]


# --------------------------------------------------------------------------- comparisons
def test_comparisons_one_row_per_effect_with_trial_and_arm_metadata(table):
    effects = data.load("effects")
    assert len(table) == len(effects)
    assert table["study"].notna().all() and table["arm_label"].notna().all()
    assert table["comparator_label"].notna().all()
    stah = table[(table["trial_id"] == "stah") & (table["endpoint"] == "OS")].iloc[0]
    assert stah["ci_level"] == pytest.approx(0.90)
    assert stah["comparison"] == "Sorafenib + cTACE vs Sorafenib"
    assert stah["question"] == "TACE + systemic therapy vs systemic therapy"
    assert stah["comparator_type"] == "systemic therapy"
    assert set(stah["modalities"].split(";")) == {"cTACE", "TACE"}
    assert stah["hr_kind"] == "HR (randomised)"
    chance = table[(table["trial_id"] == "chance001") & (table["endpoint"] == "OS")].iloc[0]
    assert bool(chance["adjusted"]) and chance["hr_kind"] == "adjusted HR (observational)"
    assert (
        table.loc[table["trial_id"] == "yuan2023_pa_tace_ici", "hr_kind"].iloc[0].startswith("HR, adjustment")
    )


def test_every_trial_has_a_stage_group():
    trials = data.load("trials")
    assert set(trials["trial_id"]) <= set(evidence.STAGE_GROUPS)


def test_comparisons_rejects_missing_column_and_unknown_arm():
    effects = data.load("effects")
    with pytest.raises(ValueError, match="missing column"):
        evidence.comparisons(effects.drop(columns=["ci_level"]))
    bad = effects.head(2).copy()
    bad.loc[bad.index[1], "arm_id"] = "no_such_arm"
    with pytest.raises(ValueError, match=r"effects row 1: arm_id 'no_such_arm'"):
        evidence.comparisons(bad)
    with pytest.raises(TypeError, match="DataFrame"):
        evidence.comparisons([1, 2])


# --------------------------------------------------------------------------- filters
def test_modality_filter_is_hierarchical(table):
    tace = evidence.filter_comparisons(table, modality="TACE")
    assert {"stah", "chance001", "yuan2023_tace_haic_tki_pd1", "meyer2013_tae_vs_stace"} <= set(
        tace["trial_id"]
    )
    assert "fohaic1" not in set(tace["trial_id"])
    ctace = evidence.filter_comparisons(table, modality="cTACE")
    assert set(ctace["trial_id"]) == {"yan2025_tace_bev", "stah"}
    haic = evidence.filter_comparisons(table, modality="HAIC")
    assert "yuan2023_tace_haic_tki_pd1" in set(haic["trial_id"])
    systemic_only = evidence.filter_comparisons(table, modality="none")
    assert set(systemic_only["trial_id"]) == {"imbrave150"}  # not STAH, whose comparator arm has no TACE


def test_class_design_endpoint_filters(table):
    pd1 = evidence.filter_comparisons(table, systemic_class="PD-(L)1", endpoint="PFS")
    assert {"emerald1", "chance001", "chance2211"} <= set(pd1["trial_id"])
    assert "tactics" not in set(pd1["trial_id"])
    none = evidence.filter_comparisons(table, systemic_class="none", endpoint="OS")
    assert {"deng2023_haic_vs_tace", "li2022_haic_vs_tace", "meyer2013_tae_vs_stace"} <= set(none["trial_id"])
    rct = evidence.filter_comparisons(table, design="rct", endpoint="OS")
    assert set(rct["design"]) == {"rct"}


def test_filters_that_match_nothing_return_an_empty_frame(table):
    assert evidence.filter_comparisons(table, design="single_arm").empty
    assert evidence.filter_comparisons(table, endpoint="TTUP", modality="HAIC").empty
    assert evidence.forest_table(evidence.filter_comparisons(table, design="single_arm")).empty


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"modality": "surgery"}, "modality"),
        ({"systemic_class": "antibiotic"}, "systemic_class"),
        ({"design": "RCT"}, "design"),
        ({"endpoint": "survival"}, "endpoint"),
    ],
)
def test_bad_filter_values_name_the_field(table, kwargs, field):
    with pytest.raises(ValueError, match=field):
        evidence.filter_comparisons(table, **kwargs)


def test_filter_options_come_from_the_data(table):
    opts = evidence.filter_options(table)
    assert opts["endpoint"] == ["PFS", "OS", "TTUP", "RFS", "PPS"]
    assert "single_arm" in opts["design"] and "none" in opts["systemic_class"]
    assert opts["criterion"] == ["RECIST 1.1", "mRECIST", "RECICL", "unspecified"]
    assert evidence.DEFAULT_POOL["question"] in opts["question"]["PFS"]
    assert len(opts["trials"]) == len(data.load("trials"))


# --------------------------------------------------------------------------- CI arithmetic
def test_se_from_ci_uses_the_interval_level():
    assert evidence.se_from_ci(0.69, 1.21, level=0.90) == pytest.approx(math.log(1.21 / 0.69) / (2 * Z90))
    assert evidence.se_from_ci(0.37, 0.91) == pytest.approx(math.log(0.91 / 0.37) / (2 * Z95))
    ratio = evidence.se_from_ci(0.69, 1.21, level=0.95) / evidence.se_from_ci(0.69, 1.21, level=0.90)
    assert ratio == pytest.approx(Z90 / Z95)


@pytest.mark.parametrize(
    "low, high, level, field",
    [(0, 1.2, 0.95, "ci_low"), (-0.5, 1.2, 0.95, "ci_low"), (0.5, float("nan"), 0.95, "ci_high"),
     (0.9, 0.5, 0.95, "below"), (0.5, 0.9, 95, "level"), (0.5, 0.9, True, "level"), ("0.5", 0.9, 0.95, "ci_low")],
)  # fmt: skip
def test_se_from_ci_rejects_bad_input(low, high, level, field):
    with pytest.raises(ValueError, match=field):
        evidence.se_from_ci(low, high, level=level)


@given(
    log_hr=st.floats(-3, 3),
    se=st.floats(0.01, 2),
    level=st.sampled_from([0.80, 0.90, 0.95, 0.99]),
)
def test_ci_round_trip(log_hr, se, level):
    low, high = evidence.ci_at_level(math.exp(log_hr), se, level=level)
    assert evidence.se_from_ci(low, high, level=level) == pytest.approx(se, rel=1e-9)


# --------------------------------------------------------------------------- forest table
def test_forest_table_keeps_preferred_hrs_and_describes_the_other_version(forest_all, table):
    assert set(forest_all["measure"]) == {"HR", "aHR"}
    li = _row(forest_all, "Li 2022", "PFS")
    assert li["hr"] == pytest.approx(0.57)
    assert "0.45" in li["discrepancy"] and "DISCREPANCY" in li["discrepancy"]
    yuan = _row(forest_all, "Yuan L 2023", "RFS")
    assert "P = 0.038" in yuan["discrepancy"]
    n_preferred_hr = (table["measure"].isin(["HR", "aHR"]) & table["preferred"]).sum()
    assert len(forest_all) == n_preferred_hr


def test_forest_table_90_percent_ci_at_its_own_level(forest_all):
    stah = _row(forest_all, "STAH", "PFS")
    assert stah["ci_label"] == "90 % CI"
    assert (stah["ci_low"], stah["ci_high"], stah["ci_level"]) == (0.59, 0.91, 0.9)
    assert stah["se_log_hr"] == pytest.approx(math.log(0.91 / 0.59) / (2 * Z90))
    assert stah["direction_note"].startswith("Table 1 lists sorafenib first")


def test_forest_table_common_level_recomputes_only_the_90_percent_rows(table):
    forest = evidence.forest_table(evidence.filter_comparisons(table, endpoint="PFS"), common_level=0.95)
    stah = _row(forest, "STAH", "PFS")
    se = math.log(0.91 / 0.59) / (2 * Z90)
    assert stah["ci_low"] == pytest.approx(0.73 * math.exp(-Z95 * se))
    assert stah["ci_high"] == pytest.approx(0.73 * math.exp(Z95 * se))
    assert "recomputed from the printed 90 % CI" in stah["ci_label"]
    assert stah["printed_ci"] == "0.59-0.91 (90 % CI)"
    yan = _row(forest, "Yan 2025", "PFS")
    assert (yan["ci_low"], yan["ci_high"], yan["ci_label"]) == (0.37, 0.91, "95 % CI")


def test_forest_table_rows_without_ci_and_asymmetric_ci(forest_all):
    fu = _row(forest_all, "Fu 2023", "OS")
    assert not fu["has_ci"] and math.isnan(fu["se_log_hr"]) and fu["ci_label"] == "no CI printed"
    an = _row(forest_all, "An 2023", "PPS")
    assert an["ci_asymmetric"]
    assert not _row(forest_all, "Yan 2025", "PFS")["ci_asymmetric"]


def test_forest_table_bad_input():
    with pytest.raises(ValueError, match="common_level"):
        evidence.forest_table(evidence.comparisons(), common_level=1.5)
    with pytest.raises(ValueError, match="missing column"):
        evidence.forest_table(pd.DataFrame({"measure": ["HR"]}))


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


# --------------------------------------------------------------------------- ORR
@pytest.fixture(scope="module")
def orr():
    return evidence.orr_table()


def _orr(orr, label, criterion):
    rows = orr[(orr["label"] == label) & (orr["criterion"] == criterion)]
    assert len(rows) == 1, (label, criterion)
    return rows.iloc[0]


def test_orr_reported_count_gives_the_exact_ci(orr):
    r = _orr(orr, "ChiCTR2100049829: TACE + atezolizumab + bevacizumab", "RECIST 1.1")
    exact = proportion_ci(21, 45)
    assert (r["count"], r["n"], r["count_source"]) == (21, 45, "reported")
    assert r["ci_low"] == pytest.approx(exact.ci_low_pct) and r["ci_high"] == pytest.approx(exact.ci_high_pct)
    assert "one-sided 90 % lower bound 36 %" in r["printed_ci"]


def test_orr_derived_count_is_used_only_when_it_reproduces_the_printed_percentage(orr):
    launch = _orr(orr, "LAUNCH: Lenvatinib + TACE", "RECIST 1.1")
    assert (launch["count"], launch["count_source"]) == (78, "derived")
    assert launch["ci_low"] == pytest.approx(proportion_ci(78, 170).ci_low_pct)
    assert "round(45.9 % x 170 / 100)" in launch["ci_status"]
    dt = _orr(orr, "EMERALD-1: D + TACE", "mRECIST")  # printed 41.0 %: 85/207 = 41.06 % -> 41.1 %
    assert (
        not dt["has_ci"]
        and dt["ci_status"] == "CI not computable: 41.0 % is not a possible percentage of n = 207"
    )
    meyer = _orr(orr, "Meyer 2013: TAE", "mRECIST")
    assert "not a possible percentage of n = 42" in meyer["ci_status"]
    zheng = _orr(
        orr, "Zheng 2022: HAIC + sorafenib", "unspecified"
    )  # printed 41 (no decimal): 13/32 = 40.6 %
    assert zheng["has_ci"] and zheng["count"] == 13


def test_orr_printed_percentage_that_disagrees_with_the_count(orr):
    r = _orr(orr, "ChiCTR2200056222: DEB-TACE + IA TQB2450 + anlotinib", "mRECIST")
    assert r["printed_mismatch"] and r["printed_pct"] == 54.5
    assert r["percent"] == pytest.approx(100 * 20 / 31)
    assert "disagrees with 20/31" in r["ci_status"]


def test_orr_ranges_weighted_and_missing_n(orr):
    hur = _orr(orr, "Hur 2023: TARE", "unspecified")
    assert hur["is_range"] and hur["value_max"] == 56.7 and not hur["has_ci"]
    assert "range printed (53.0-56.7 %)" in hur["ci_status"]
    assert "weighted percentage" in _orr(orr, "CHANCE2201: ICI + anti-VEGF/TKI", "RECIST 1.1")["ci_status"]
    assert _orr(orr, "HIMALAYA: Tremelimumab + durvalumab", "RECIST 1.1")["ci_status"].endswith(
        "n not printed"
    )
    assert "matched sample" in _orr(orr, "CHANCE2211: TACE", "mRECIST")["ci_status"]


def test_orr_filters_and_order(orr):
    assert list(dict.fromkeys(orr["criterion"])) == ["RECIST 1.1", "mRECIST", "RECICL", "unspecified"]
    recicl = evidence.orr_table(criterion="RECICL")
    assert set(recicl["trial_id"]) == {"tactics"}
    ctace = evidence.orr_table(modality="DEB-TACE")
    assert set(ctace["trial_id"]) == {"chictr2200056222_debtace_tqb_anlo"}
    single = evidence.orr_table(design="single_arm")
    assert set(single["design"]) == {"single_arm"} and len(single) == 4
    assert evidence.orr_table(criterion="RECICL", design="single_arm").empty
    pair = evidence.orr_table(trial_ids=["yan2025_tace_bev"])
    assert len(pair) == 2


def test_orr_bad_input_and_custom_frames():
    with pytest.raises(ValueError, match="criterion"):
        evidence.orr_table(criterion="WHO")
    outcomes = data.load("outcomes")
    with pytest.raises(ValueError, match="missing column"):
        evidence.orr_table(outcomes.drop(columns=["n"]))
    emerald = outcomes[(outcomes["trial_id"] == "emerald1") & (outcomes["endpoint"] == "ORR")].copy()
    guessed = evidence.orr_table(emerald)  # float 41.0 reads as 41: 85/207 = 41.06 % rounds to 41
    assert guessed.set_index("arm_id").loc["dt", "has_ci"]
    exact = evidence.orr_table(emerald.assign(value_decimals=1))
    assert not exact.set_index("arm_id").loc["dt", "has_ci"]
    bad = emerald.assign(value=[43.6, 141.0, 29.6])
    with pytest.raises(ValueError, match="percentage 0-100"):
        evidence.orr_table(bad)


# --------------------------------------------------------------------------- cross-trial
def test_cross_trial_reasons_for_two_single_arm_trials():
    result = evidence.cross_trial_comparison(
        "chictr2100049829_tace_atezo_bev", "chictr2200056222_debtace_tqb_anlo"
    )
    text = " ".join(result.reasons)
    assert "Neither ChiCTR2100049829 nor ChiCTR2200056222 has a control arm" in text
    assert "Different populations" in text and "BCLC C" in text
    assert "47 % by RECIST 1.1 and 67 % by mRECIST" in text
    assert "Median follow-up: ChiCTR2100049829 26.7 months" in text
    assert "cTACE vs DEB-TACE" in text
    profile = result.profile
    assert profile.groupby("aspect").size().eq(2).all() and profile["aspect"].nunique() == 11
    assert "Why" in result._repr_html_()


def test_cross_trial_reasons_for_two_rcts():
    text = " ".join(evidence.cross_trial_comparison("launch", "yan2025_tace_bev").reasons)
    assert "Different control arms" in text and "Lenvatinib" in text
    assert "assessed at a fixed time in Yan 2025 (6 months)" in text
    assert "come from a review" in text


def test_cross_trial_bad_input():
    with pytest.raises(ValueError, match="two different studies"):
        evidence.cross_trial_comparison("stah", "stah")
    with pytest.raises(ValueError, match="trial_b: unknown trial"):
        evidence.cross_trial_comparison("stah", "nope")


# --------------------------------------------------------------------------- exercise
def test_reference_solution_passes_the_check():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        namespace = runpy.run_path(str(SOLUTION))
    assert out.getvalue().startswith("✓ log_hr_se")
    assert checks.log_hr_se(namespace["log_hr_se"]) is True
    assert namespace["log_hr_se"](0.69, 1.21, 0.90) == pytest.approx(
        evidence.se_from_ci(0.69, 1.21, level=0.90)
    )


def test_check_catches_z_196_for_a_90_percent_ci(capsys):
    assert checks.log_hr_se(lambda lo, hi, level: (math.log(hi) - math.log(lo)) / (2 * 1.96)) is False
    assert "90 % CI needs z = 1.645" in capsys.readouterr().out


def test_check_reports_an_unsolved_stub(capsys):
    def stub(ci_low, ci_high, level):
        raise NotImplementedError("Exercise: write log_hr_se")

    assert checks.log_hr_se(stub) is False
    assert "not done yet" in capsys.readouterr().out
