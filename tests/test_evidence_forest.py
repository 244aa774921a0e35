"""Tests for hcckit.evidence.forest: SE and CI arithmetic at the printed level, the forest table."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from evidence_helpers import Z90, Z95, forest_row
from hypothesis import given
from hypothesis import strategies as st

from hcckit import evidence

_row = forest_row


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
    assert (stah["ci_low"], stah["ci_high"], stah["level"]) == (0.59, 0.91, 0.9)
    assert "ci_level" not in forest_all.columns  # the vocabulary's name is level
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
