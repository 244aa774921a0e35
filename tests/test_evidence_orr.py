"""Tests for hcckit.evidence.orr: ORR by criterion with exact CIs from hcckit.stats.proportion_ci."""

from __future__ import annotations

import pytest

from hcckit import data, evidence
from hcckit.stats import proportion_ci


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
    assert r["ci_low_pct"] == pytest.approx(exact.ci_low_pct) and r["ci_high_pct"] == pytest.approx(
        exact.ci_high_pct
    )
    assert r["level"] == 0.95
    assert "one-sided 90 % lower bound 36 %" in r["printed_ci"]


def test_orr_derived_count_is_used_only_when_it_reproduces_the_printed_percentage(orr):
    launch = _orr(orr, "LAUNCH: Lenvatinib + TACE", "RECIST 1.1")
    assert (launch["count"], launch["count_source"]) == (78, "derived")
    assert launch["ci_low_pct"] == pytest.approx(proportion_ci(78, 170).ci_low_pct)
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


def test_orr_columns_follow_the_vocabulary(orr):
    """Percent bounds end ``_pct`` and the confidence level is ``level`` (docs/DEVELOPING.md)."""
    assert {"ci_low_pct", "ci_high_pct", "level", "percent", "printed_pct"} <= set(orr.columns)
    assert not {"ci_low", "ci_high", "ci_level"} & set(orr.columns)
    assert set(evidence.orr_table(level=0.9)["level"]) == {0.9}


def test_orr_exact_ci_comes_from_stats_proportion_ci(orr, monkeypatch):
    """One home for the exact CI: hcckit.stats.proportion_ci (what orr_table calls)."""
    from hcckit import stats

    calls = []
    real = stats.proportion_ci

    def spy(count, n, **kwargs):
        calls.append((count, n))
        return real(count, n, **kwargs)

    monkeypatch.setattr(stats, "proportion_ci", spy)
    again = evidence.orr_table()
    assert len(calls) == int(orr["has_ci"].sum()) and again.equals(orr)


def test_orr_printed_precision_comes_from_the_table_as_printed(orr):
    printed = data.load("outcomes", as_printed=True)
    emerald_dt = printed[(printed["arm_id"] == "dt") & (printed["endpoint"] == "ORR")]
    assert "41.0" in set(emerald_dt["value"])  # the decimal the float loses
    assert "41.0 %" in _orr(orr, "EMERALD-1: D + TACE", "mRECIST")["ci_status"]


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
