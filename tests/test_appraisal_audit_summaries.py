"""The audit runs the checks of summary statistics over tables, and lists what it could not check (issue 16)."""

from __future__ import annotations

import pandas as pd
import pytest

from hcckit import appraisal


def _mean(arm, value, spread, n, *, endpoint="lab", item="ALT", kind="SE", where="Table 5", unit="U/L"):
    return dict(
        trial_id="t1",
        arm_id=arm,
        endpoint=endpoint,
        item=item,
        count=None,
        n=n,
        value=value,
        unit=unit,
        statistic="mean",
        spread_kind=kind,
        spread_low=spread,
        source_location=where,
    )


def _effect(p, *, measure="p_only", value=None, item="ALT", endpoint="lab", where="Table 5", op="="):
    return dict(
        trial_id="t1",
        arm_id="b",
        comparator_arm_id="a",
        endpoint=endpoint,
        item=item,
        measure=measure,
        value=value,
        ci_low=None,
        ci_high=None,
        p_value=p,
        p_operator=op,
        source_location=where,
    )


def _tables(outcomes=(), effects=(), **more):
    tables = {
        "trials": pd.DataFrame([dict(trial_id="t1", name="Trial one", registry="NCT03905967", year=2021)])
    }
    for name, rows in dict(outcomes=outcomes, effects=effects, **more).items():
        if rows:  # a table given, even of one row; absent tables are not audited
            tables[name] = pd.DataFrame(list(rows))
    return tables


def _of(found, check):
    return found[found["check"] == check]


def test_two_means_labelled_se_whose_p_implies_sd_is_a_warning_with_its_row():
    tables = _tables(
        [_mean("a", "10.0", "2.0", 30), _mean("b", "11.0", "2.0", 30)],
        [_effect("0.057")],
    )
    found = _of(appraisal.audit(tables, include_passed=True), "two_means")
    assert list(found["severity"]) == ["warning"]
    row = found.iloc[0]
    assert (
        row["table"] == "effects" and row["line"] == 2 and row["what"] == "Laboratory value: ALT: two means"
    )
    assert "imply that ± is an SD" in row["message"]


def test_printed_t_is_checked_against_the_means():
    # 10.0 +- 2.0 vs 11.0 +- 2.0, n 30 each (SD): t = 1.94
    ok = _tables([_mean("a", "10.0", "2.0", 30, kind="SD"), _mean("b", "11.0", "2.0", 30, kind="SD")],
                 [_effect("0.06", measure="t", value="1.94")])  # fmt: skip
    assert list(_of(appraisal.audit(ok, include_passed=True), "two_means")["severity"]) == ["pass"]
    off = _tables([_mean("a", "10.0", "2.0", 30, kind="SD"), _mean("b", "11.0", "2.0", 30, kind="SD")],
                  [_effect("0.06", measure="t", value="4.94")])  # fmt: skip
    assert list(_of(appraisal.audit(off), "two_means")["severity"]) != []


def test_a_p_printed_elsewhere_than_the_means_is_not_checkable_and_listed():
    tables = _tables(
        [_mean("a", "10.0", "2.0", 30), _mean("b", "11.0", "2.0", 30)],
        [_effect("0.414", where="Section 3.5.1")],
    )
    found = appraisal.audit(tables, include_passed=True)
    assert _of(found, "two_means").empty
    unreadable = found.attrs["not_checkable"]
    assert list(unreadable["check"]) == ["two_means"]
    assert "not printed in the same place" in unreadable.iloc[0]["why"]
    text = appraisal.report(found)
    assert "NOT CHECKABLE (1)" in text and "Section 3.5.1" in text
    assert "## Not checkable (1)" in appraisal.report(found, fmt="markdown")


def test_a_row_a_check_cannot_read_is_listed_not_dropped():
    hr = dict(
        _effect("0.01"), measure="HR", value="0.70", ci_low="0.80", ci_high="0.50", endpoint="OS", item=None
    )
    found = appraisal.audit(_tables(effects=[hr]), include_passed=True)
    unreadable = found.attrs["not_checkable"]
    assert len(unreadable) == 1 and unreadable.iloc[0]["check"] == "hr_ci"
    assert unreadable.iloc[0]["line"] == 2 and unreadable.iloc[0]["why"]
    assert _of(found, "hr_ci").empty


def test_whole_cohort_sd_below_the_arms_is_an_error():
    base = dict(trial_id="t1", characteristic="age", category=None, count=None, unit="years", statistic="mean",
                spread_kind="SD", source_location="Table 1")  # fmt: skip
    baseline = [
        dict(base, arm_id="a", n=60, value="65.15", spread_low="5.22"),
        dict(base, arm_id="b", n=60, value="67.32", spread_low="6.19"),
        dict(base, arm_id="all", n=120, value="67.28", spread_low="3.65", source_location="Section 3.1"),
    ]
    found = _of(appraisal.audit(_tables(baseline=baseline)), "cohort_sd")
    assert list(found["severity"]) == ["error"] and found.iloc[0]["table"] == "baseline"
    assert found.iloc[0]["line"] == 4


def test_grim_on_a_mean_session_count():
    outcomes = [_mean("a", "3.48", "1.10", 20, endpoint="tace_sessions", item=None, kind="SD", unit="count")]
    found = appraisal.audit(_tables(outcomes), include_passed=True)
    assert list(_of(found, "grim_mean")["severity"]) == ["error"]
    assert list(_of(found, "grimmer_sd")["severity"]) == ["error"]  # GRIM fails first


def test_malformed_registry_number_and_one_in_a_note():
    tables = _tables()
    tables["trials"] = pd.DataFrame(
        [dict(trial_id="t1", name="Trial one", registry="NCT0390596", year=2021, note="cites NCT05185531")]
    )
    found = _of(appraisal.audit(tables, include_passed=True), "identifier")
    assert sorted(found["severity"]) == ["error", "pass"]
    assert set(found["what"]) == {"registry number", "registry number in the note"}


def test_median_before_more_than_half_at_risk_is_an_error():
    outcomes = [dict(trial_id="t1", arm_id="a", endpoint="median_OS", count=None, n=100, value="8.0", unit="months",
                     statistic="median", source_location="Results")]  # fmt: skip
    at_risk = [dict(trial_id="t1", arm_id="a", endpoint="OS", time_months=t, n_at_risk=k) for t, k in
               ((0, 100), (6, 80), (12, 55), (18, 30))]  # fmt: skip
    arms = [dict(trial_id="t1", arm_id="a", n=100)]
    found = _of(appraisal.audit(_tables(outcomes, at_risk=at_risk, arms=arms)), "median_vs_at_risk")
    assert list(found["severity"]) == ["error"] and "55 of 100" in found.iloc[0]["message"]


@pytest.fixture(scope="module")
def curated():
    return appraisal.audit(include_passed=True)


def test_curated_audit_runs_every_new_check(curated):
    for check in ("two_means", "identifier", "median_vs_rate_ci", "median_vs_at_risk"):
        assert check in set(curated["check"]), check
    # the curated session means are printed to 1 decimal for 20-60 patients: GRIM cannot tell, and says so
    unreadable = curated.attrs["not_checkable"]
    grim = unreadable[unreadable["check"] == "grim_mean"]
    assert len(grim) >= 1 and grim["why"].str.startswith("GRIM cannot tell").all()
    assert "checked" not in curated.columns  # not-checkable rows live in attrs, not among findings


def test_curated_yan_perfusion_labelled_se_reads_as_sd(curated):
    ktrans = curated[(curated["check"] == "two_means") & curated["what"].str.contains("Ktrans")]
    assert "warning" in set(ktrans["severity"])
    assert ktrans["message"].str.contains("imply that ± is an SD").any()


def test_curated_not_checkable_rows_say_why(curated):
    unreadable = curated.attrs["not_checkable"]
    assert list(unreadable.columns) == ["study", "what", "check", "table", "line", "source_location", "why"]
    assert unreadable["why"].str.len().gt(10).all()


def test_baseline_chi_square_is_recomputed_from_the_arms_counts():
    base = dict(trial_id="t1", value=None, unit=None, statistic="count", source_location="Table 1")
    baseline = [
        dict(base, arm_id="b", characteristic="sex", category="male", count=36, n=60),
        dict(base, arm_id="b", characteristic="sex", category="female", count=24, n=60),
        dict(base, arm_id="a", characteristic="sex", category="male", count=38, n=60),
        dict(base, arm_id="a", characteristic="sex", category="female", count=22, n=60),
        dict(base, arm_id="b", characteristic="comorbidity", category="diabetes", count=4, n=60),
        dict(base, arm_id="a", characteristic="comorbidity", category="diabetes", count=6, n=60),
    ]
    effects = [
        dict(
            _effect("0.707", measure="chi2", value="0.141", item="sex", endpoint="baseline", where="Table 1")
        ),
        dict(
            _effect(
                "0.509", measure="chi2", value="0.643", item="diabetes", endpoint="baseline", where="Table 1"
            )
        ),
    ]
    found = _of(
        appraisal.audit(_tables(effects=effects, baseline=baseline), include_passed=True), "chi2_counts"
    )
    assert dict(zip(found["what"], found["severity"], strict=True)) == {
        "Sex: chi-square vs counts": "pass",
        "Diabetes: chi-square vs counts": "warning",
    }


def test_curated_yan_table_1_chi_squares_do_not_match_its_counts(curated):
    chi2 = curated[(curated["check"] == "chi2_counts") & (curated["trial_id"] == "yan2025_tace_bev")]
    assert len(chi2) == 6 and set(chi2["severity"]) == {"warning"}
