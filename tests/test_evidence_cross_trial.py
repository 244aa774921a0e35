"""Tests for hcckit.evidence.cross_trial: two studies side by side and why their numbers do not compare."""

from __future__ import annotations

import pytest

from hcckit import evidence


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
