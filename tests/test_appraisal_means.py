"""Checks of printed means: two-group t tests, a cohort's SD from its arms, GRIM and GRIMMER (issue 16)."""

from __future__ import annotations

import itertools
import math
import statistics
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from scipy.stats import ttest_ind

from hcckit.appraisal import means


def printed(x: float, d: int) -> str:
    """``x`` as a paper prints it: half up to ``d`` decimals, trailing zeros kept."""
    return str(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP))


def only(findings):
    (f,) = findings
    return f


# --------------------------------------------------------------------------- two means
@pytest.mark.parametrize("seed", range(40))
def test_two_means_from_real_samples_pass_when_printed_as_sd(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(60, 8, size=45), rng.normal(63, 9, size=52)
    p = ttest_ind(a, b).pvalue
    f = only(
        means.check_two_means(
            printed(a.mean(), 2), printed(a.std(ddof=1), 2), 45,
            printed(b.mean(), 2), printed(b.std(ddof=1), 2), 52,
            p=printed(p, 3) if p >= 0.001 else "0.001", p_operator="=" if p >= 0.001 else "<", spread="SD",
        )
    )  # fmt: skip
    assert f.severity == "pass", f.message
    assert "SD with Student's t" in f.message


def test_two_means_says_the_numbers_imply_sd_when_labelled_se():
    f = only(means.check_two_means("10.0", "2.0", 30, "11.0", "2.0", 30, p="0.057", spread="SE"))
    assert f.severity == "warning"
    assert "imply that ± is an SD" in f.message
    # the same numbers labelled SD are consistent
    assert (
        only(means.check_two_means("10.0", "2.0", 30, "11.0", "2.0", 30, p="0.057", spread="SD")).severity
        == "pass"
    )


def test_two_means_se_reading_found_when_the_paper_does_not_say():
    # SE 0.5 with n = 36 is SD 3.0: t = 1.5 / sqrt(2 * 9 / 36) = 2.12, p = 0.0375 (Student, df 70)
    f = only(means.check_two_means("20.0", "0.5", 36, "21.5", "0.5", 36, p="0.038"))
    assert f.severity == "pass"
    assert "SE with Student's t" in f.message and "does not say" in f.message


def test_two_means_rounding_only_is_silent_at_the_edge():
    # exact p of 10.0 +- 2.0 vs 11.0 +- 2.0 (n 30 each) is 0.0577; a printed 0.06 (2 decimals) covers it
    assert (
        only(means.check_two_means("10.0", "2.0", 30, "11.0", "2.0", 30, p="0.06", spread="SD")).severity
        == "pass"
    )


def test_two_means_far_off_is_an_error_and_just_off_a_warning():
    far = only(means.check_two_means("10.0", "2.0", 30, "11.0", "2.0", 30, p="0.0001", spread="SD"))
    assert far.severity == "error" and "No reading" in far.message
    near = only(means.check_two_means("10.00", "2.00", 300, "10.50", "2.00", 300, p="0.009", spread="SD"))
    # exact p = 0.0023 (SD) or 0.75 (SE): 0.009 is 4x off, below the 10x gross factor
    assert near.severity == "warning", near.message


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(mean_a="x"), "mean_a"),
        (dict(spread_b="-1"), "spread_b"),
        (dict(n_a=1), "n_a"),
        (dict(p="1.5"), "p"),
        (dict(spread="SEM"), "spread"),
        (dict(p_operator="<="), "p_operator"),
    ],
)
def test_two_means_bad_input_names_the_field(kwargs, field):
    base = dict(mean_a="10", spread_a="2", n_a=30, mean_b="11", spread_b="2", n_b=30, p="0.05")
    base.update(kwargs)
    with pytest.raises(ValueError, match=rf"^{field}:"):
        means.check_two_means(**base)


# --------------------------------------------------------------------------- cohort SD
@pytest.mark.parametrize("seed", range(30))
def test_cohort_sd_from_real_groups_passes_and_one_digit_below_the_within_sd_fails(seed):
    rng = np.random.default_rng(100 + seed)
    groups = [rng.normal(60 + 3 * i, 7, size=int(rng.integers(10, 80))) for i in range(2 + seed % 2)]
    whole = np.concatenate(groups)
    printed_groups = [(printed(g.mean(), 2), printed(g.std(ddof=1), 2), len(g)) for g in groups]
    ok = only(
        means.check_cohort_sd(
            printed_groups, total_mean=printed(whole.mean(), 2), total_sd=printed(whole.std(ddof=1), 2)
        )
    )
    assert ok.severity == "pass", ok.message
    pooled_within = math.sqrt(sum((len(g) - 1) * g.var(ddof=1) for g in groups) / (len(whole) - 1))
    too_small = printed(pooled_within - 0.2, 2)
    bad = only(means.check_cohort_sd(printed_groups, total_sd=too_small))
    assert bad.severity == "error" and "impossible" in bad.message


def test_cohort_sd_yan_age_is_impossible_as_printed():
    # Yan 2025 (Table 1 and text): arms 65.15 +- 5.22 and 67.32 +- 6.19 (60 each); cohort 67.28 +- 3.65
    f = only(
        means.check_cohort_sd(
            [("65.15", "5.22", 60), ("67.32", "6.19", 60)], total_mean="67.28", total_sd="3.65"
        )
    )
    assert f.severity == "error"
    assert "smaller than the pooled SD within its groups" in f.message
    assert "not the size-weighted mean" in f.message and "66.24" in f.message


def test_cohort_sd_se_reading_scales_the_groups():
    # read as SEs, the arms' SDs are 40 and 48 years: the cohort's 3.65 is even further off
    f = only(
        means.check_cohort_sd([("65.15", "5.22", 60), ("67.32", "6.19", 60)], total_sd="3.65", spread="SE")
    )
    assert f.severity == "error" and "read as an SE" in f.message


def test_cohort_sd_bad_input():
    with pytest.raises(ValueError, match="^groups: at least two"):
        means.check_cohort_sd([("1", "1", 5)], total_sd="1")
    with pytest.raises(ValueError, match=r"^groups\[1\]:"):
        means.check_cohort_sd([("1", "1", 5), ("1", "1")], total_sd="1")
    with pytest.raises(ValueError, match="^total_sd:"):
        means.check_cohort_sd([("1", "1", 5), ("1", "1", 5)], total_sd="-1")


# --------------------------------------------------------------------------- GRIM / GRIMMER
def test_grim_every_reachable_mean_passes_and_the_gaps_fail():
    n = 20
    reachable = {printed(t / n, 2) for t in range(0, 201)}
    for cents in range(0, 1001):
        mean = f"{cents / 100:.2f}"
        f = only(means.check_mean_grim(mean, n))
        assert (f.severity == "pass") == (mean in reachable), mean


def test_grim_cannot_tell_when_n_is_large():
    f = only(means.check_mean_grim("3.48", 200))
    assert f.severity == "pass" and "cannot tell" in f.message


def test_grim_counts_items_per_person():
    # 3 items each from 7 people: totals / 21
    assert only(means.check_mean_grim("2.43", 7, items=3)).severity == "pass"  # 51/21 = 2.4286
    assert only(means.check_mean_grim("2.44", 7, items=3)).severity == "error"


def test_grimmer_never_flags_a_reachable_mean_and_sd():
    n = 4
    seen = set()
    for values in itertools.combinations_with_replacement(range(-5, 16), n):
        seen.add((printed(statistics.mean(values), 2), printed(statistics.stdev(values), 2)))
    for mean, sd in sorted(seen):
        assert only(means.check_sd_grimmer(mean, sd, n)).severity == "pass", (mean, sd)


def test_grimmer_flags_known_impossible_sds():
    # 10 whole numbers with mean 2.50 have total 25 (odd), so the sum of squares is odd:
    # SD = sqrt((Q - 62.5) / 9) with Q odd gives 0.97 (Q = 71), 1.08 (Q = 73) ... never 1.00;
    # 1.03 needs Q = 72, a whole number of the wrong parity (the part GRIMMER adds to GRIM)
    assert only(means.check_sd_grimmer("2.50", "1.00", 10)).severity == "error"
    assert only(means.check_sd_grimmer("2.50", "1.03", 10)).severity == "error"
    assert only(means.check_sd_grimmer("2.50", "1.08", 10)).severity == "pass"
    assert only(means.check_sd_grimmer("2.50", "0.97", 10)).severity == "pass"
    impossible_mean = only(means.check_sd_grimmer("3.48", "1.00", 20))
    assert impossible_mean.severity == "error" and "GRIM" in impossible_mean.recomputed


# --------------------------------------------------------------------------- chi-square from counts
def test_chi2_from_counts_every_usual_version_passes_at_its_rounding():
    from scipy.stats import chi2_contingency

    table = [[38, 22], [36, 24]]
    pearson = chi2_contingency(table, correction=False)[0]  # 0.14118
    yates = chi2_contingency(table, correction=True)[0]
    for value in (pearson, yates, pearson * 119 / 120):
        assert only(means.check_chi2_counts(table, printed(value, 3))).severity == "pass"
    # one unit of the last decimal beyond every version: a warning
    f = only(means.check_chi2_counts(table, "0.135"))
    assert f.severity == "warning" and "Pearson 0.141" in f.recomputed


def test_chi2_from_counts_of_a_larger_table():
    table = [[16, 27, 17], [15, 25, 20]]
    assert only(means.check_chi2_counts(table, "0.352")).severity == "pass"
    assert only(means.check_chi2_counts(table, "0.305")).severity == "warning"  # Yan 2025 Table 1, stage


@pytest.mark.parametrize(
    "table, chi2, field",
    [([[1, 2]], "1", "table"), ([[1, 2], [3]], "1", "table"), ([[0, 0], [3, 4]], "1", "table"),
     ([[1, 2], [3, 4]], "-1", "chi2"), ([[1, 2], [3, -4]], "1", "table"), ("ab", "1", "table")],
)  # fmt: skip
def test_chi2_from_counts_bad_input(table, chi2, field):
    with pytest.raises(ValueError, match=rf"^{field}"):
        means.check_chi2_counts(table, chi2)
