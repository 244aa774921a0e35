"""hcckit.appraisal: planted inconsistencies of every kind fire, consistent controls stay silent,
and the audit of the curated data finds the real inconsistencies of the sources (and nothing that is
merely rounded)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hcckit import appraisal
from hcckit.appraisal import (
    Finding,
    Tolerances,
    check_at_risk,
    check_categories,
    check_hr_ci,
    check_landmarks,
    check_percentage,
    check_two_by_two,
    possible_counts,
)


def only(findings, check=None) -> Finding:
    chosen = [f for f in findings if check is None or f.check == check]
    assert len(chosen) == 1, chosen
    return chosen[0]


def severities(findings, check=None) -> list[str]:
    return [f.severity for f in findings if check is None or f.check == check]


# --------------------------------------------------------------------------- percentage
@pytest.mark.parametrize(
    ("count", "n", "printed"),
    [
        (3, 45, "7"),
        (21, 45, "47"),
        (16, 58, "27.6"),
        (4, 31, "12.9"),
        (0, 58, "0.0"),
        (58, 60, "96.7"),
        (16, 60, "26.67"),
    ],
)
def test_rounded_percentages_pass(count, n, printed):
    assert only(check_percentage(count, n, printed)).severity == "pass"


def test_impossible_percentage_with_count_is_an_error_and_names_the_typo():
    f = only(check_percentage(20, 31, "54.5"))
    assert f.severity == "error"
    assert "64.5" in f.recomputed and "20/31" in f.reported
    assert "single digit" in f.message and "GRIM" in f.message
    assert f.reported_value == pytest.approx(54.5) and f.recomputed_value == pytest.approx(64.516, abs=1e-3)


def test_last_digit_truncation_is_a_warning():
    f = only(check_percentage(40, 58, "68.9"))
    assert f.severity == "warning" and "truncat" in f.message
    assert only(check_percentage(6, 31, "19.3")).severity == "warning"


def test_percentage_precision_comes_from_the_printed_text():
    # 16/58 = 27.586 %: "27.6" passes, "27.59" passes, "27.5" is a last-digit slip
    assert only(check_percentage(16, 58, "27.59")).severity == "pass"
    assert only(check_percentage(16, 58, "27.5")).severity == "warning"
    # "30" printed without decimals stands for 29.5-30.5; "30.0" for 29.95-30.05
    assert only(check_percentage(7, 23, "30")).severity == "pass"  # 30.43 %
    assert only(check_percentage(7, 23, "30.0")).severity == "error"
    # a float loses trailing zeros: 7.0 is read leniently as "7"
    assert only(check_percentage(3, 45, 7.0)).severity == "pass"


def test_exact_ties_may_be_printed_either_way():
    assert only(check_percentage(1, 8, "13")).severity == "pass"  # 12.5 -> 13 (half up)
    assert only(check_percentage(1, 8, "12")).severity == "pass"  # 12.5 -> 12 (half even)
    # 46/80 = 57.5 % prints as 58 by either rule: 57 is a truncation, and impossible for 80 without a count
    assert only(check_percentage(46, 80, "57")).severity == "warning"
    assert possible_counts(80, "57") == []


@pytest.mark.parametrize(
    ("denominator", "severity"), [("exact", "error"), ("arm_size", "warning"), ("weighted", "info")]
)
def test_grim_without_count_severity_follows_what_n_is(denominator, severity):
    f = only(check_percentage(None, 205, "29.6", denominator=denominator))
    assert f.severity == severity
    assert "GRIM" in f.message and "60/205" in f.message


def test_grim_possible_without_count_passes_and_says_it_proves_nothing():
    f = only(check_percentage(None, 45, "87"))
    assert f.severity == "pass" and "39" in f.recomputed and "does not prove" in f.message


def test_possible_counts():
    assert possible_counts(31, "54.5") == []
    assert possible_counts(45, "7") == [3]
    assert possible_counts(8, "12.5") == [1]
    assert possible_counts(1000, "50") == list(range(495, 506))


def test_percentage_slack_is_an_explicit_tolerance():
    assert only(check_percentage(40, 58, "68.9", slack=0.1)).severity == "pass"
    assert "slack" in only(check_percentage(40, 58, "68.9", slack=0.1)).tolerance


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((5, 0, "3"), "n"),
        ((5, 3, "20"), "count"),
        ((1, 10, "abc"), "percent"),
        ((1, 10, "120"), "percent"),
        ((1.5, 10, "15"), "count"),
    ],
)
def test_percentage_bad_input_names_the_field(args, field):
    with pytest.raises(ValueError, match=field):
        check_percentage(*args)


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(1, 1000),
    data=st.data(),
    decimals=st.integers(0, 2),
    mode=st.sampled_from([ROUND_HALF_UP, ROUND_HALF_EVEN]),
)
def test_property_no_false_alarm_from_rounding(n, data, decimals, mode):
    count = data.draw(st.integers(0, n))
    exact = Decimal(100 * count) / Decimal(n)
    printed = str(exact.quantize(Decimal(1).scaleb(-decimals), rounding=mode))
    assert only(check_percentage(count, n, printed)).severity == "pass"
    assert count in possible_counts(n, printed)


# --------------------------------------------------------------------------- categories
def test_orr_that_leaves_out_cr_is_an_error():
    found = check_categories(
        {"CR": 1, "PR": 6, "SD": 10, "PD": 3}, n=20, percents={"ORR": "30.0", "DCR": "85.0"}
    )
    orr = [f for f in found if f.inputs_dict()["target"] == "ORR"][0]
    assert orr.severity == "error" and "PR alone" in orr.message
    assert severities([f for f in found if f.inputs_dict()["target"] != "ORR"]) == ["pass", "pass"]


def test_count_arithmetic_planted_and_controls():
    good = check_categories({"CR": 0, "PR": 16, "SD": 35, "PD": 7, "ORR": 16, "DCR": 51}, n=58)
    assert severities(good) == ["pass", "pass", "pass"]
    bad = check_categories({"CR": 0, "PR": 16, "SD": 35, "PD": 7, "ORR": 17, "DCR": 50}, n=58)
    assert severities(bad) == ["error", "error", "pass"]
    fewer = check_categories({"CR": 1, "PR": 2, "SD": 3, "PD": 3}, n=10)
    assert only(fewer).severity == "warning" and "not evaluable" in only(fewer).message
    more = check_categories({"CR": 1, "PR": 2, "SD": 3, "PD": 5}, n=10)
    assert only(more).severity == "error"


def test_dcr_with_documented_definition_is_info_not_error():
    counts = {"CR": 3, "PR": 18, "SD": 23, "PD": 1, "ORR": 21, "DCR": 39}
    with_def = check_categories(counts, n=45, dcr_definition="SD maintained >= 6 months")
    assert severities(with_def) == ["pass", "info", "pass"]
    assert "SD maintained >= 6 months" in with_def[1].message
    assert severities(check_categories(counts, n=45)) == ["pass", "error", "pass"]
    # a DCR larger than its components is impossible whatever the definition
    counts["DCR"] = 45
    assert check_categories(counts, n=45, dcr_definition="SD >= 6 months")[1].severity == "error"


def test_percentage_sums_allow_for_rounding_of_every_term():
    # 7 + 40 + 51 + 2 = 100 and 7 + 40 = 47: printed without decimals
    found = check_categories(
        {}, percents={"CR": "7", "PR": "40", "SD": "51", "PD": "2", "ORR": "47", "DCR": "87"}
    )
    assert [f.severity for f in found] == ["pass", "error", "pass"]  # 98 vs 87: nothing explains 11 points
    near = check_categories({}, percents={"CR": "9.7", "PR": "54.8", "ORR": "64.6"})
    assert only(near).severity == "pass"  # 64.5 vs 64.6 is within 3 x 0.05


# --------------------------------------------------------------------------- hazard ratios
@pytest.mark.parametrize(
    ("hr", "low", "high", "p"),
    [
        ("0.58", "0.37", "0.91", "0.018"),
        ("0.77", "0.61", "0.98", "0.032"),
        ("0.94", "0.75", "1.19", "0.638"),
        ("0.63", "0.47", "0.83", "0.001"),
    ],
)
def test_consistent_hazard_ratios_pass(hr, low, high, p):
    found = check_hr_ci(hr, low, high, p=p)
    assert severities(found) == ["pass", "pass"]


def test_hr_outside_or_on_the_edge_of_its_interval_is_an_error():
    assert only(check_hr_ci("1.5", "0.8", "1.2"), "hr_ci").severity == "error"
    edge = only(check_hr_ci("0.45", "0.45", "0.72"), "hr_ci")
    assert edge.severity == "error" and "edge" in edge.message and "0.57" in edge.message


@pytest.mark.parametrize(
    "printed", [("0.99", "0.99", "1.00"), ("1.00", "0.99", "1.00"), ("1.0", "1.0", "1.1")]
)
def test_an_edge_that_rounding_explains_is_not_a_finding(printed):
    # issue 13 item 7: a true 0.994 (0.990-0.998) prints as 0.99 (0.99-1.00); "rounding alone never
    # raises a finding" holds for the edge tests as for every other check
    f = only(check_hr_ci(*printed), "hr_ci")
    assert f.passed and "rounding explains" in f.message


def test_an_hr_outside_even_after_rounding_stays_an_error():
    assert only(check_hr_ci("0.50", "0.52", "0.90"), "hr_ci").severity == "error"


def test_hr_far_from_the_geometric_mean_is_a_warning():
    f = only(check_hr_ci("0.35", "0.21", "0.82"), "hr_ci")
    assert f.severity == "warning" and "0.41" in f.message
    # the tolerance is explicit: a very lenient one silences it
    assert only(check_hr_ci("0.35", "0.21", "0.82", tolerances=Tolerances(hr_asymmetry=0.5)), "hr_ci").passed


def test_p_value_implied_by_the_ci():
    assert appraisal.implied_p_value(0.58, 0.37, 0.91) == pytest.approx(0.0177, abs=5e-4)
    assert appraisal.implied_p_value(0.41, 0.26, 0.64) == pytest.approx(1.05e-4, rel=0.05)
    assert appraisal.implied_p_value(1, 0.8, 1.25) == pytest.approx(1.0)
    # the level matters: a 90 % CI is narrower for the same SE
    assert appraisal.implied_p_value(0.91, 0.69, 1.21, level=0.90) == pytest.approx(0.581, abs=0.005)


def test_printed_p_far_from_the_ci_is_flagged():
    gross = only(check_hr_ci("0.41", "0.26", "0.64", p="0.008"), "hr_p_value")
    assert gross.severity == "error" and "Altman" in gross.message
    mild = only(check_hr_ci("0.35", "0.21", "0.82", p="0.001", p_operator="<"), "hr_p_value")
    assert mild.severity == "warning"
    flips = only(
        check_hr_ci("0.80", "0.60", "1.07", p="0.01"), "hr_p_value"
    )  # CI crosses 1, p says significant
    assert flips.severity == "error" and "different conclusions" in flips.message


def test_one_sided_p_is_info():
    f = only(check_hr_ci("0.91", "0.69", "1.21", level=0.90, p="0.290"), "hr_p_value")
    assert f.severity == "info" and "one-sided" in f.message
    # "<" cannot be explained away as one-sided
    assert (
        only(check_hr_ci("0.35", "0.21", "0.82", p="0.001", p_operator="<"), "hr_p_value").severity != "info"
    )


@settings(max_examples=200, deadline=None)
@given(
    log_hr=st.floats(-2.0, 1.0),
    se=st.floats(0.05, 0.6),
    level=st.sampled_from([0.90, 0.95, 0.99]),
)
def test_property_rounded_wald_results_pass(log_hr, se, level):
    from scipy.stats import norm

    z = norm.ppf(1 - (1 - level) / 2)
    hr, low, high = (math.exp(v) for v in (log_hr, log_hr - z * se, log_hr + z * se))
    p = 2 * norm.sf(abs(log_hr) / se)
    printed = [f"{v:.2f}" for v in (hr, low, high)]
    if len(set(printed)) < 3 or float(printed[1]) <= 0:
        return  # too narrow to print at 2 decimals
    p_text, op = (f"{p:.3f}", "=") if p >= 0.001 else ("0.001", "<")
    found = check_hr_ci(*printed, level=level, p=p_text, p_operator=op)
    assert severities(found) == ["pass", "pass"], [str(f) for f in found]


def test_hr_bad_input():
    with pytest.raises(ValueError, match="low, high"):
        check_hr_ci("0.5", "0.9", "0.4")
    with pytest.raises(ValueError, match="level"):
        check_hr_ci("0.5", "0.4", "0.9", level=95)
    with pytest.raises(ValueError, match="p_operator"):
        check_hr_ci("0.5", "0.4", "0.9", p="0.01", p_operator="<=")


# --------------------------------------------------------------------------- 2x2
def test_chi_square_with_small_expected_counts_is_flagged():
    f = only(check_two_by_two(4, 60, 0, 60, p_reported="0.043"))
    assert f.severity == "warning"
    assert "expected count 2.0 < 5" in f.message and "Fisher" in f.message and "not significant" in f.message
    # small expected counts but the conclusion is the same: info
    assert only(check_two_by_two(5, 60, 3, 60, p_reported="0.478")).severity == "info"


def test_p_reproduced_by_every_test_passes_and_by_one_valid_test_is_info():
    assert only(check_two_by_two(51, 58, 24, 58, p_reported="0.001", p_operator="<")).severity == "pass"
    one = only(check_two_by_two(9, 60, 7, 60, p_reported="0.591"))
    assert one.severity == "info" and "chi-square without" in one.message


def test_p_no_test_reproduces():
    assert (
        only(check_two_by_two(51, 58, 24, 58, p_reported="0.024")).severity == "error"
    )  # 5 orders of magnitude
    assert only(check_two_by_two(16, 58, 4, 58, p_reported="0.011")).severity == "warning"
    flips = only(check_two_by_two(10, 50, 12, 50, p_reported="0.03"))  # tests give ~0.6
    assert flips.severity == "error" and "opposite conclusion" in flips.message


def test_two_by_two_bad_input():
    with pytest.raises(ValueError, match="a:"):
        check_two_by_two(61, 60, 0, 60, p_reported="0.04")
    with pytest.raises(ValueError, match="p_reported"):
        check_two_by_two(1, 60, 0, 60, p_reported="1.5")


# --------------------------------------------------------------------------- test statistics
def test_test_statistic_planted_and_controls():
    from hcckit.appraisal import check_test_statistic

    assert only(check_test_statistic("t", "-1.925", df=118, p="0.057")).severity == "pass"
    assert only(check_test_statistic("t", "19.387", df=114, p="0.001", p_operator="<")).severity == "pass"
    # df not printed for chi-square: the df that fits is named
    three = only(check_test_statistic("chi2", "0.305", p="0.858"))
    assert three.passed and "df = 2" in three.recomputed and "3 categories" in three.message
    wrong = only(check_test_statistic("t", "1.925", df=118, p="0.57"))
    assert wrong.severity == "warning"
    flips = only(check_test_statistic("chi2", "4.5", df=1, p="0.30"))  # chi2 4.5 gives p = 0.034
    assert flips.severity == "error" and "different conclusions" in flips.message
    with pytest.raises(ValueError, match="df"):
        check_test_statistic("t", "2.0", p="0.05")
    with pytest.raises(ValueError, match="statistic"):
        check_test_statistic("F", "2.0", df=3, p="0.05")


# --------------------------------------------------------------------------- survival
def test_at_risk_planted_and_control():
    assert severities(check_at_risk([0, 6, 12], [45, 40, 20], n=45, event_free={6: 40})) == ["pass"]
    fewer = check_at_risk([0, 5], [27, 13], n=31)
    assert severities(fewer) == ["warning"] and "27" in fewer[0].reported
    assert severities(check_at_risk([0, 5], [33, 13], n=31)) == ["error"]
    assert severities(check_at_risk([0, 5, 10], [31, 13, 15], n=31)) == ["error"]
    landmark = check_at_risk([0, 5, 10], [31, 13, 7], n=31, event_free={6: 24})
    assert severities(landmark) == ["warning"] and "24" in landmark[0].recomputed


def test_landmarks_planted_and_control():
    good = check_landmarks(
        {12: "73.3", 24: "38.5", 36: "23.7"}, median="17.9", median_ci=("13.8", "28.3"), endpoint="PFS"
    )
    assert severities(good) == ["pass", "pass", "pass"]
    rising = check_landmarks({12: "60", 24: "65"})
    assert severities(rising, "landmarks") == ["error"]
    assert check_landmarks({12: "60.0", 24: "60.0"})[0].passed  # flat is fine
    pfs_above_os = check_landmarks({12: "80"}, other={12: "70"}, endpoint="PFS")
    assert severities(pfs_above_os, "landmarks") == ["error"]
    assert severities(check_landmarks({12: "73.3"}, median="10.0"), "median_vs_landmarks") == ["error"]
    assert severities(check_landmarks({24: "38.5"}, median="30.0"), "median_vs_landmarks") == ["error"]
    assert severities(check_landmarks({24: "38.5"}, median_not_reached=True), "median_vs_landmarks") == [
        "error"
    ]
    assert severities(check_landmarks({12: "50"}, median="10"), "median_vs_landmarks") == [
        "pass"
    ]  # 49.5-50.5: no inference
    assert severities(check_landmarks({}, median="9.0", median_ci=("10.0", "12.0")), "median_ci") == ["error"]
    assert severities(check_landmarks({}, median="33.0", median_ci=("24.3", None)), "median_ci") == ["pass"]


# --------------------------------------------------------------------------- audit of planted tables
def _planted_tables() -> dict:
    """Small tables shaped like the curated ones, with one planted problem per check (and controls)."""
    trials = pd.DataFrame(
        {
            "trial_id": ["t1", "t2", "t3"],
            "name": ["Trial One", "Trial Two", "Review Trial"],
            "design": ["single_arm", "rct", "cohort"],
            "note": [
                "DCR defined as CR, PR or SD maintained >= 6 months.",
                "DISCREPANCY: the abstract and Table 2 disagree.",
                "Propensity score matched.",
            ],
        }
    )
    arms = pd.DataFrame(
        {"trial_id": ["t1", "t2", "t2", "t3"], "arm_id": ["a", "x", "c", "m"], "n": [31, 60, 60, 107]}
    )
    o = [
        # t1: percentages (one typo, one control), categories with a DCR definition, landmarks, medians
        dict(
            trial_id="t1",
            arm_id="a",
            endpoint="CR",
            criterion="mRECIST",
            count=3,
            n=31,
            value="9.7",
            unit="%",
            statistic="proportion",
            source_location="Table 2",
        ),
        dict(
            trial_id="t1",
            arm_id="a",
            endpoint="PR",
            criterion="mRECIST",
            count=17,
            n=31,
            value="54.8",
            unit="%",
            statistic="proportion",
            source_location="Table 2",
        ),
        dict(
            trial_id="t1",
            arm_id="a",
            endpoint="SD",
            criterion="mRECIST",
            count=4,
            n=31,
            value="12.9",
            unit="%",
            statistic="proportion",
            source_location="Table 2",
        ),
        dict(
            trial_id="t1",
            arm_id="a",
            endpoint="PD",
            criterion="mRECIST",
            count=7,
            n=31,
            value="22.6",
            unit="%",
            statistic="proportion",
            source_location="Table 2",
        ),
        dict(
            trial_id="t1",
            arm_id="a",
            endpoint="ORR",
            criterion="mRECIST",
            count=20,
            n=31,
            value="54.5",
            unit="%",
            statistic="proportion",
            source_location="Table 2",
        ),
        dict(
            trial_id="t1",
            arm_id="a",
            endpoint="DCR",
            criterion="mRECIST",
            count=22,
            n=31,
            value="71.0",
            unit="%",
            statistic="proportion",
            source_location="Table 2",
        ),
        dict(
            trial_id="t1",
            arm_id="a",
            endpoint="OS_rate",
            time_months="6",
            count=24,
            n=31,
            value="77.4",
            unit="%",
            statistic="rate",
            source_location="Results",
        ),
        dict(
            trial_id="t1",
            arm_id="a",
            endpoint="OS_rate",
            time_months="12",
            n=31,
            value="80.0",
            unit="%",
            statistic="rate",
            source_location="Results",
        ),
        dict(
            trial_id="t1",
            arm_id="a",
            endpoint="median_OS",
            n=31,
            value="5.0",
            unit="months",
            statistic="median",
            ci_low="5.5",
            ci_high="9.0",
            ci_level="0.95",
            source_location="Results",
        ),
        # t2: counts for a 2x2 test; a response rate with its count
        dict(
            trial_id="t2",
            arm_id="x",
            endpoint="ORR",
            criterion="mRECIST",
            count=16,
            n=58,
            value="27.6",
            unit="%",
            statistic="proportion",
            source_location="Table 3",
        ),
        dict(
            trial_id="t2",
            arm_id="c",
            endpoint="ORR",
            criterion="mRECIST",
            count=4,
            n=58,
            value="6.9",
            unit="%",
            statistic="proportion",
            source_location="Table 3",
        ),
        dict(
            trial_id="t2",
            arm_id="x",
            endpoint="median_PFS",
            value="4.0",
            unit="months",
            statistic="median",
            source_location="Table 4",
        ),
        dict(
            trial_id="t2",
            arm_id="c",
            endpoint="median_PFS",
            value="6.0",
            unit="months",
            statistic="median",
            source_location="Table 4",
        ),
        # t3: review rows without counts
        dict(
            trial_id="t3",
            arm_id="m",
            endpoint="ORR",
            criterion="mRECIST",
            n=107,
            value="59.5",
            unit="%",
            statistic="proportion",
            source_location="Review Table 1",
            note="Propensity-matched.",
        ),
        dict(
            trial_id="t3",
            arm_id="m",
            endpoint="ORR",
            criterion="RECIST 1.1",
            n=107,
            value="59.8",
            unit="%",
            statistic="proportion",
            source_location="Review Table 1",
        ),
    ]
    outcomes = pd.DataFrame(o)
    effects = pd.DataFrame(
        [
            dict(
                trial_id="t2",
                arm_id="x",
                comparator_arm_id="c",
                endpoint="PFS",
                measure="HR",
                value="0.45",
                ci_low="0.45",
                ci_high="0.72",
                ci_level="0.95",
                p_value="0.001",
                p_operator="<",
                preferred="False",
                source_location="Table 4",
            ),
            dict(
                trial_id="t2",
                arm_id="x",
                comparator_arm_id="c",
                endpoint="PFS",
                measure="HR",
                value="0.57",
                ci_low="0.45",
                ci_high="0.72",
                ci_level="0.95",
                p_value="0.001",
                p_operator="<",
                preferred="True",
                source_location="Text",
            ),
            dict(
                trial_id="t2",
                arm_id="x",
                comparator_arm_id="c",
                endpoint="OS",
                measure="HR",
                value="0.41",
                ci_low="0.26",
                ci_high="0.64",
                ci_level="0.95",
                p_value="0.008",
                p_operator="=",
                preferred="True",
                source_location="Table 4",
            ),
            dict(
                trial_id="t2",
                arm_id="x",
                comparator_arm_id="c",
                endpoint="ORR",
                criterion="mRECIST",
                measure="p_only",
                p_value="0.011",
                p_operator="=",
                preferred="True",
                source_location="Table 3",
            ),
            dict(
                trial_id="t2",
                arm_id="x",
                comparator_arm_id="c",
                endpoint="ORR",
                criterion="mRECIST",
                measure="p_only",
                p_value="0.300",
                p_operator="=",
                preferred="False",
                source_location="Text",
            ),
            dict(
                trial_id="t2",
                arm_id="x",
                comparator_arm_id="c",
                endpoint="adverse_event",
                item="proteinuria",
                measure="p_only",
                p_value="0.043",
                p_operator="=",
                preferred="True",
                source_location="Table 6",
            ),
        ]
    )
    adverse_events = pd.DataFrame(
        [
            dict(
                trial_id="t2",
                arm_id="x",
                event="proteinuria",
                grade="any",
                count=4,
                n=60,
                percent_reported="6.7",
                source_location="Table 6",
            ),
            dict(
                trial_id="t2",
                arm_id="c",
                event="proteinuria",
                grade="any",
                count=0,
                n=60,
                percent_reported="0",
                source_location="Table 6",
            ),
            dict(
                trial_id="t2",
                arm_id="x",
                event="nausea",
                grade="any",
                count=9,
                n=60,
                percent_reported="15.0",
                source_location="Table 6",
            ),
            dict(
                trial_id="t2",
                arm_id="x",
                event="nausea",
                grade="1-2",
                count=8,
                n=60,
                percent_reported="13.3",
                source_location="Table 6",
            ),
            dict(
                trial_id="t2",
                arm_id="x",
                event="nausea",
                grade=">=3",
                count=2,
                n=60,
                percent_reported="3.3",
                source_location="Table 6",
            ),
            dict(
                trial_id="t2",
                arm_id="x",
                event="nausea",
                grade="any",
                count=None,
                n=60,
                percent_reported="25.0",
                source_location="Abstract",
                note="DISCREPANCY: abstract vs table.",
            ),
        ]
    )
    at_risk = pd.DataFrame(
        {
            "trial_id": "t1",
            "arm_id": "a",
            "endpoint": "OS",
            "time_months": [0, 5, 10],
            "n_at_risk": [27, 13, 7],
            "source_location": "Figure 5",
        }
    )
    return {
        "trials": trials,
        "arms": arms,
        "outcomes": outcomes,
        "effects": effects,
        "adverse_events": adverse_events,
        "at_risk": at_risk,
    }


@pytest.fixture(scope="module")
def planted():
    return appraisal.audit(_planted_tables(), include_passed=True)


def _find(frame, **kw):
    mask = pd.Series(True, index=frame.index)
    for key, value in kw.items():
        if key == "contains":
            mask &= frame["what"].str.contains(value, regex=False) | frame["reported"].str.contains(
                value, regex=False
            )
        else:
            mask &= frame[key] == value
    return frame[mask]


@pytest.mark.parametrize(
    ("query", "severity"),
    [
        (dict(check="percentage", trial_id="t1", contains="54.5"), "error"),
        (dict(check="percentage", trial_id="t1", contains="54.8"), "pass"),
        (dict(check="percentage", trial_id="t3", contains="59.5"), "info"),  # matched analysis: explained
        (dict(check="percentage", trial_id="t3", contains="59.8"), "pass"),  # 64/107 = 59.8 %
        (dict(check="category_sum", trial_id="t1", contains="ORR"), "pass"),  # counts add up
        (dict(check="category_sum", trial_id="t1", contains="DCR"), "info"),  # 22 < 24, by definition
        (dict(check="hr_ci", trial_id="t2", contains="PFS"), None),  # one error (0.45), one pass (0.57)
        (dict(check="hr_p_value", trial_id="t2", contains="OS"), "error"),
        (dict(check="two_by_two", trial_id="t2", contains="proteinuria"), "warning"),
        (dict(check="at_risk", trial_id="t1"), None),
        (dict(check="landmarks", trial_id="t1"), "error"),  # 77.4 -> 80.0
        (dict(check="median_ci", trial_id="t1"), "error"),  # 5.0 outside 5.5-9.0
        (dict(check="hr_vs_medians", trial_id="t2", contains="PFS"), "info"),  # HR < 1, shorter median
        (dict(check="text_vs_table", trial_id="t2", contains="PFS"), "error"),
        (dict(check="text_vs_table", trial_id="t2", contains="ORR"), "error"),
        (dict(check="text_vs_table", trial_id="t2", contains="nausea"), "error"),
        (dict(check="category_sum", trial_id="t2", contains="nausea"), "warning"),  # 8 + 2 = 10 > 9
    ],
)
def test_planted_tables_every_check_fires_or_stays_silent(planted, query, severity):
    rows = _find(planted, **query)
    assert not rows.empty, query
    if severity is None:
        assert rows["severity"].isin(["error", "warning"]).any()
    else:
        assert set(rows["severity"]) == {severity}, rows[["what", "reported", "severity"]]


def test_planted_hr_edge_and_at_risk_details(planted):
    hr = _find(planted, check="hr_ci", trial_id="t2")
    assert sorted(hr["severity"]) == ["error", "pass", "pass"]
    at_risk = _find(planted, check="at_risk", trial_id="t1")
    assert sorted(at_risk["severity"]) == [
        "warning",
        "warning",
    ]  # 27 != 31 at month 0; 13 < 24 alive at 6 months
    assert (at_risk["line"].notna()).all()


def test_recorded_discrepancies_are_listed_or_merged(planted):
    rec = _find(planted, check="recorded_discrepancy")
    assert set(rec["trial_id"]) == {"t2"}  # the trial note; the AE note is merged into text_vs_table
    merged = _find(planted, check="text_vs_table", contains="nausea")
    assert "curator recorded this too" in merged["message"].iloc[0]


def test_missing_tables_are_simply_not_audited():
    tables = _planted_tables()
    found = appraisal.audit({"effects": tables["effects"]}, include_passed=True)
    assert set(found["check"]) <= {"hr_ci", "hr_p_value", "text_vs_table"}
    assert (found["study"] == "").all()
    assert appraisal.audit({}).empty


def test_audit_input_errors():
    tables = _planted_tables()
    with pytest.raises(ValueError, match="unknown tolerance"):
        appraisal.audit(tables, percentage_slack=1)
    with pytest.raises(ValueError, match="alpha"):
        appraisal.audit(tables, alpha=2)
    with pytest.raises(ValueError, match="checks"):
        appraisal.audit(tables, checks=["grim"])
    with pytest.raises(TypeError, match="tables"):
        appraisal.audit([tables["outcomes"]])
    broken = dict(tables, outcomes=tables["outcomes"].drop(columns=["value"]))
    with pytest.raises(ValueError, match="'value'"):
        appraisal.audit(broken)
    bad = tables["outcomes"].copy()
    bad.loc[0, "value"] = "9.7%%"
    with pytest.raises(ValueError, match="not a number"):
        appraisal.audit(dict(tables, outcomes=bad))


def test_checks_and_tolerances_select_and_relax():
    tables = _planted_tables()
    only_pct = appraisal.audit(tables, checks=["percentage"])
    assert set(only_pct["check"]) == {"percentage"}
    relaxed = appraisal.audit(tables, checks=["hr_ci", "hr_p_value"], p_gross_factor=1000, hr_asymmetry=0.15)
    assert set(_find(relaxed, check="hr_p_value")["severity"]) == {"warning"}
    assert relaxed.attrs["tolerances"]["p_gross_factor"] == 1000


# --------------------------------------------------------------------------- the curated data
@pytest.fixture(scope="module")
def curated():
    return appraisal.audit(include_passed=True)


def _one(frame, trial, check, text):
    rows = frame[(frame["trial_id"] == trial) & (frame["check"] == check)]
    rows = rows[
        rows["what"].str.contains(text, regex=False) | rows["reported"].str.contains(text, regex=False)
    ]
    assert not rows.empty, (trial, check, text)
    return rows


KNOWN = [
    # (trial, check, text in what/reported, allowed severities)
    ("chictr2200056222_debtace_tqb_anlo", "percentage", "54.5", {"error"}),
    ("chictr2200056222_debtace_tqb_anlo", "percentage", "67.4", {"error"}),
    ("chictr2200056222_debtace_tqb_anlo", "at_risk", "27 at risk", {"warning", "error"}),
    ("chictr2200056222_debtace_tqb_anlo", "at_risk", "30 at risk", {"warning", "error"}),
    ("chictr2200056222_debtace_tqb_anlo", "at_risk", "13 at risk", {"warning"}),
    ("chictr2200056222_debtace_tqb_anlo", "percentage", "19.3", {"warning"}),
    ("zhang2021_beva_tace", "category_sum", "ORR", {"error"}),
    ("zhang2021_beva_tace", "text_vs_table", "hyperbilirubinemia", {"error"}),
    ("yan2025_tace_bev", "percentage", "68.9", {"warning"}),
    ("yan2025_tace_bev", "two_by_two", "proteinuria", {"warning"}),
    ("yan2025_tace_bev", "two_by_two", "0.024", {"error"}),
    ("yan2025_tace_bev", "text_vs_table", "0.024", {"error"}),
    ("yan2025_tace_bev", "text_vs_table", "ALT", {"error"}),
    ("li2022_haic_vs_tace", "hr_ci", "0.45 (95 % CI 0.45", {"error"}),
    ("li2022_haic_vs_tace", "text_vs_table", "PFS", {"error"}),
    ("an2023_haic_lenv_pd1", "hr_ci", "0.35", {"warning"}),
    ("an2023_haic_lenv_pd1", "hr_p_value", "P < 0.001", {"warning"}),
    ("chance2211", "hr_p_value", "0.008", {"error", "warning"}),
    ("chance2211", "hr_p_value", "0.003", {"error", "warning"}),
    ("chictr2100049829_tace_atezo_bev", "category_sum", "DCR 39", {"info"}),
    ("chictr2100049829_tace_atezo_bev", "category_sum", "DCR 41", {"info"}),
    ("stah", "hr_p_value", "0.29", {"info"}),
    ("chance2211", "percentage", "59.5 % of 107", {"info"}),
    ("emerald1", "percentage", "29.6 % of 205", {"warning"}),
    ("emerald1", "percentage", "41.0 % of 207", {"warning"}),
    ("tactics", "percentage", "57 % of 80", {"warning"}),
    ("meyer2013_tae_vs_stace", "percentage", "47.3 % of 42", {"warning"}),
    ("meyer2013_tae_vs_stace", "percentage", "67.4 % of 44", {"warning"}),
    ("yuan2023_tace_haic_tki_pd1", "percentage", "42.1 % of 139", {"info"}),
    ("yuan2023_tace_haic_tki_pd1", "percentage", "53.7 % of 139", {"info"}),
    ("chance2201", "percentage", "41.2 % of 802", {"info"}),
    ("chance2201", "percentage", "29.7 % of 442", {"info"}),
]


@pytest.mark.parametrize(
    ("trial", "check", "text", "allowed"), KNOWN, ids=[f"{k[0]}-{k[1]}-{k[2]}" for k in KNOWN]
)
def test_curated_audit_finds_the_known_inconsistencies(curated, trial, check, text, allowed):
    rows = _one(curated, trial, check, text)
    assert set(rows["severity"]) <= allowed, rows[["what", "reported", "severity"]]
    assert rows["message"].str.len().min() > 40


CONTROLS = [
    ("chictr2100049829_tace_atezo_bev", "percentage", "7 % (3/45)"),
    ("chictr2100049829_tace_atezo_bev", "percentage", "47 % (21/45)"),
    ("yan2025_tace_bev", "percentage", "27.6 % (16/58)"),
    ("chictr2200056222_debtace_tqb_anlo", "percentage", "12.9 % (4/31)"),
    ("yan2025_tace_bev", "hr_ci", "HR 0.58 (95 % CI 0.37-0.91)"),
    ("yan2025_tace_bev", "hr_p_value", "P = 0.018"),
    ("emerald1", "hr_ci", "HR 0.77 (95 % CI 0.61-0.98)"),
    ("emerald1", "hr_p_value", "P = 0.032"),
    ("yan2025_tace_bev", "category_sum", "DCR 51"),
    ("chictr2200056222_debtace_tqb_anlo", "category_sum", "ORR 20"),
    ("chictr2100049829_tace_atezo_bev", "landmarks", "73.3"),
    ("chictr2100049829_tace_atezo_bev", "median_vs_landmarks", "median OS"),
    ("yan2025_tace_bev", "test_statistic", "baseline (age) t"),
    ("yan2025_tace_bev", "test_statistic", "baseline (stage) chi2"),
    ("yan2025_tace_bev", "test_statistic", "perfusion (Ktrans) t"),
]


@pytest.mark.parametrize(
    ("trial", "check", "text"), CONTROLS, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CONTROLS]
)
def test_curated_consistent_numbers_pass(curated, trial, check, text):
    rows = _one(curated, trial, check, text)
    assert set(rows["severity"]) == {"pass"}, rows[["what", "reported", "severity", "message"]]


def test_no_false_alarm_from_rounding_in_the_curated_data(curated):
    """Every percentage flagged with a count is off by more than its printed rounding."""
    flagged = curated[(curated["check"] == "percentage") & (curated["severity"] != "pass")]
    for row in flagged.itertuples():
        count = row.inputs["count"]
        if count is None:
            continue
        printed = Decimal(row.inputs["percent"])
        exact = Decimal(100 * count) / Decimal(row.inputs["n"])
        unit = Decimal(1).scaleb(-row.inputs["decimals"])
        rounded = {exact.quantize(unit, rounding=mode) for mode in (ROUND_HALF_UP, ROUND_HALF_EVEN)}
        assert printed not in rounded, row
    # and the audit checked a lot: almost every percentage passes
    pct = curated[curated["check"] == "percentage"]
    assert (pct["severity"] == "pass").mean() > 0.9


def test_curated_audit_shape_and_order(curated):
    findings = appraisal.audit()
    assert not (findings["severity"] == "pass").any()
    assert list(findings.columns[:6]) == ["trial_id", "arm_id", "study", "what", "check", "severity"]
    for col in ("reported", "recomputed", "message"):
        assert findings[col].map(lambda s: isinstance(s, str) and s != "").all(), col
    ranks = findings["severity"].map({s: i for i, s in enumerate(appraisal.SEVERITIES)})
    assert ranks.is_monotonic_increasing
    assert set(findings["check"]) <= set(appraisal.CHECKS)
    assert findings.attrs["checked"]["percentage"] > 100
    # every recorded discrepancy appears, merged into an automatic finding or on its own
    from hcckit import data

    recorded = data.discrepancies()
    assert (findings["check"] == "recorded_discrepancy").sum() + findings["message"].str.count(
        "curator recorded"
    ).sum() >= 0.8 * len(recorded)


def test_report_text_and_markdown(curated):
    findings = appraisal.audit()
    text = appraisal.report(findings)
    md = appraisal.report(findings, fmt="markdown")
    assert "ERRORS" in text and "54.5" in text and "rounding alone never raises a finding" in text
    assert md.startswith("# Consistency audit") and "## Errors" in md and "**percentage**" in md
    for r in findings.itertuples():
        assert r.reported[:30] in text
    with pytest.raises(ValueError, match="fmt"):
        appraisal.report(findings, fmt="html")
    assert "CHECKED AND CONSISTENT (3)" in appraisal.report(curated.head(3).assign(severity="pass"))


def test_cli_audit_prints_every_finding(capsys):
    from hcckit.cli import main

    assert main(["audit"]) == 0
    out = capsys.readouterr().out
    findings = appraisal.audit()
    assert f"{(findings['severity'] == 'error').sum()} error(s)" in out
    assert main(["audit", "--format", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("# Consistency audit")


def test_summary_and_frames():
    findings = appraisal.audit()
    summary = appraisal.summary(findings)
    assert list(summary.columns) == ["check", "severity", "findings"]
    assert summary["findings"].sum() == len(findings)
    assert appraisal.summary(findings.iloc[0:0]).empty
    grim = appraisal.grim_table(31, "54.5", count=20)
    assert not grim["matches"].any() and grim.loc[grim["count"] == 20, "reported_count"].all()
    assert grim.attrs["low"] == pytest.approx(54.45)
    hr = appraisal.hr_ci_table()
    assert {"li2022_haic_vs_tace", "an2023_haic_lenv_pd1"} <= set(
        hr.loc[hr["severity"] != "pass", "trial_id"]
    )
    tests = appraisal.two_by_two_table(4, 60, 0, 60, p_reported="0.043")
    assert list(tests["test"])[:3] == ["Fisher exact", "chi-square", "chi-square (Yates)"]
    assert tests.attrs["min_expected"] == pytest.approx(2.0)


def test_figure_data_for_each_kind():
    findings = appraisal.audit()
    kinds = {appraisal.figure_data(row)[0] for _, row in findings.iterrows()}
    assert {"grim", "hr", "tests", "at_risk", "values", "none"} <= kinds
    f = check_percentage(20, 31, "54.5")[0]
    kind, frame = appraisal.figure_data(f)
    assert kind == "grim" and frame.attrs["n"] == 31


def test_finding_validation_and_display():
    with pytest.raises(ValueError, match="severity"):
        Finding("percentage", "fatal", "a", "b", "c")
    with pytest.raises(ValueError, match="check"):
        Finding("grim", "error", "a", "b", "c")
    f = check_percentage(20, 31, "54.5")[0]
    assert "ERROR" in str(f) and "hcckit-finding" in f._repr_html_()


# --------------------------------------------------------------------------- exercise checks
def _load_solution(name: str) -> dict:
    from pathlib import Path

    from hcckit import checks

    path = Path(__file__).resolve().parents[1] / "notebooks" / "solutions" / name
    namespace = {"checks": checks}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return namespace


@pytest.mark.parametrize(
    ("solution", "function"),
    [
        ("06_critical_appraisal_grim_possible.py", "grim_possible"),
        ("06_critical_appraisal_p_from_hr_ci.py", "p_from_hr_ci"),
    ],
)
def test_solutions_pass_their_checks(solution, function, capsys):
    from hcckit import checks

    namespace = _load_solution(solution)
    assert getattr(checks, function)(namespace[function]) is True
    assert "✓" in capsys.readouterr().out


def test_checks_report_not_done_and_wrong_answers(capsys):
    from hcckit import checks

    def stub(*args):
        raise NotImplementedError

    assert checks.grim_possible(stub) is False
    assert "not done yet" in capsys.readouterr().out
    assert checks.grim_possible(lambda percent, n, decimals: True) is False  # says everything is possible
    assert "54.5" in capsys.readouterr().out
    assert checks.p_from_hr_ci(lambda hr, low, high, level: 0.05) is False
    # forgetting the CI level: using 1.96 for the 90 % interval of STAH
    from math import log

    from scipy.stats import norm

    def fixed_196(hr, low, high, level):
        se = (log(high) - log(low)) / (2 * 1.96)
        return 2 * norm.sf(abs(log(hr)) / se)

    assert checks.p_from_hr_ci(fixed_196) is False
    assert "STAH" in capsys.readouterr().out


@pytest.mark.parametrize(
    "call",
    [
        lambda: check_percentage("3", "1000000000", "0.0"),
        lambda: appraisal.check_two_by_two(10, 100_001, 10, 100, p_reported=0.5),
        lambda: appraisal.check_two_by_two(10, 100, 10, 10**12, p_reported=0.5),
        lambda: appraisal.grim_table(10**10, "33.3"),
    ],
)
def test_a_typed_n_is_bounded_before_any_work(call):
    # issue 14: n = 1e9 tried to allocate 3 GiB, a 2x2 table of 100,000 per arm ran 64 s
    with pytest.raises(ValueError, match="more than the 100,000 patients"):
        call()
