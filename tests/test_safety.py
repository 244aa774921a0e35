"""hcckit.safety: AE profiles, class effects, two-arm comparisons, number needed to harm."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hcckit import safety, stats


def _row(frame, **where):
    mask = True
    for k, v in where.items():
        mask = mask & (frame[k] == v)
    rows = frame[mask]
    assert len(rows) == 1, (where, len(rows))
    return rows.iloc[0]


def test_regimen_table_knows_what_each_arm_received():
    reg = safety.regimen_table()
    yan = reg[reg["trial_id"] == "yan2025_tace_bev"].set_index("arm_id")
    assert yan.loc["tace", "anti-VEGF"] == "none"
    assert yan.loc["tace_bev", "anti-VEGF"] == "anti-VEGF antibody"
    anlo = _row(reg, trial_id="chictr2200056222_debtace_tqb_anlo")
    assert (
        anlo["anti-VEGF"] == "VEGFR TKI" and anlo["TKI"] == "TKI" and anlo["immune"] == "checkpoint inhibitor"
    )
    chance = reg[reg["trial_id"] == "chance2201"].set_index("arm_id")
    assert chance.loc["ici_vegf", "embolization"] == "none"
    assert chance.loc["tace_ici_vegf", "embolization"] == "embolization"
    assert (reg["regimen"].str.len() < 60).all()


def test_profile_percent_and_exact_interval():
    profile = safety.ae_profile(grade="any", trials="yan2025_tace_bev")
    prot = _row(profile, arm_id="tace_bev", event="proteinuria")
    exact = stats.proportion_ci(4, 60)
    assert prot["percent"] == pytest.approx(100 * 4 / 60)
    assert prot["ci_low_pct"] == pytest.approx(exact.ci_low_pct)
    assert prot["ci_high_pct"] == pytest.approx(exact.ci_high_pct)
    zero = _row(profile, arm_id="tace", event="proteinuria")
    assert zero["count"] == 0 and zero["ci_low_pct"] == 0
    assert (profile["grade_group"] == "Any grade").all()


def test_grade_3_group_includes_grade_3_4_rows_and_percent_only_rows():
    profile = safety.ae_profile(grade=">=3")
    assert {">=3", "3-4"} <= set(profile["grade"])
    yan = profile[profile["trial_id"] == "yan2025_tace_bev"]
    assert not yan["has_count"].any()  # 11.7 % and 15.0 % printed without counts
    assert set(yan["percent"].round(1)) == {11.7, 15.0}
    assert yan["ci_low_pct"].isna().all()


def test_duplicate_reports_keep_the_table_and_quote_the_abstract():
    profile = safety.ae_profile(grade=">=3", trials="zhang2021_beva_tace")
    htn = _row(profile, event="hypertension")
    assert htn["count"] == 0 and htn["source_location"] == "Table 2"
    assert "Abstract: 1/20" in htn["other_reports"]
    bili = _row(safety.ae_profile(grade="any", trials="zhang2021_beva_tace"), event="hyperbilirubinemia")
    assert bili["count"] == 9 and "10 %" in bili["other_reports"]


def test_grade_1_2_is_derived_from_grades_1_and_2():
    profile = safety.ae_profile(grade="1-2", trials="zhang2021_beva_tace")
    trans = _row(profile, event="elevated transaminase")
    assert trans["count"] == 12 + 4 and trans["derived"]
    printed = safety.ae_profile(grade="1-2", trials="chictr2200056222_debtace_tqb_anlo")
    assert not printed["derived"].any()


def test_profile_filters_and_empty_result():
    tki = safety.ae_profile(event_class="TKI")
    assert set(tki["event_class"]) == {"TKI"}
    empty = safety.ae_profile(grade="any", trials="chance2201")
    assert empty.empty and "ci_low_pct" in empty.columns


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"grade": "3"}, "grade"),
        ({"event_class": "cardiac"}, "event_class"),
        ({"trials": ["emerald1"]}, "trials"),
    ],
)
def test_profile_rejects_bad_filters_naming_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        safety.ae_profile(**kwargs)


def test_class_effects_mark_exposure():
    eff = safety.class_effects("anti-VEGF")
    yan_tace = eff[(eff["trial_id"] == "yan2025_tace_bev") & (eff["arm_id"] == "tace")]
    assert not yan_tace["exposed"].any()  # TACE alone: background rates
    assert eff.loc[eff["arm_id"] == "tace_bev", "exposed"].all()
    assert set(eff["event_class"]) == {"anti-VEGF"}
    emb = safety.class_effects("embolization")
    assert emb["exposed"].all()
    with pytest.raises(ValueError, match="event_class"):
        safety.class_effects("hepatic")


def test_two_arm_trials():
    assert safety.two_arm_trials() == ["chance2201", "yan2025_tace_bev"]


def test_proteinuria_4_of_60_vs_0_of_60():
    comp = safety.two_arm_comparisons("yan2025_tace_bev")
    assert len(comp) == 6
    p = _row(comp, event="proteinuria")
    assert (p["count_a"], p["n_a"], p["count_b"], p["n_b"]) == (4, 60, 0, 60)
    assert p["rd_pct"] == pytest.approx(100 * 4 / 60)
    assert p["rd_ci_low_pct"] < 0 < p["rd_ci_high_pct"]  # the interval includes no difference
    assert p["rr"] == math.inf and math.isfinite(p["rr_ci_low"]) and p["rr_ci_high"] == math.inf
    assert p["fisher_p"] == pytest.approx(0.1187, abs=5e-4)  # R: fisher.test(matrix(c(4, 0, 56, 60), 2))
    assert p["chi2_p"] == pytest.approx(0.042, abs=1e-3)  # what the paper printed (0.043)
    assert not p["chi2_valid"] and p["min_expected"] == pytest.approx(2.0)
    assert p["reported_p"] == pytest.approx(0.043) and p["reported_p_operator"] == "="
    assert p["nnh"] == 15
    # Altman, BMJ 1998: the RD interval includes 0, so the NNH interval runs through infinity
    lo, hi = p["rd_ci_low_pct"] / 100, p["rd_ci_high_pct"] / 100
    assert p["nnh_interval"] == f"NNH {math.ceil(1 / hi)} to ∞ to NNTB {math.ceil(1 / -lo)}"
    assert p["arm_a"] == "TACE + IA bevacizumab" and p["arm_b"] == "TACE"


@pytest.mark.parametrize(
    "low, high, text",
    [
        (0.02, 0.08, "NNH 13 to 50"),  # the whole CI shows harm: 1/0.08 = 12.5 -> 13, 1/0.02 = 50
        (0.05, 0.10, "NNH 10 to 20"),  # exact reciprocals are not rounded up past themselves
        (-0.05, 0.12, "NNH 9 to ∞ to NNTB 20"),  # crosses 0 (Altman 1998, Table 2 style)
        (-0.20, -0.05, "NNTB 5 to 20"),  # the whole CI shows benefit
        (0.0, 0.10, "NNH 10 to ∞"),
        (-0.10, 0.0, "NNTB 10 to ∞"),
    ],
)
def test_number_needed_interval_follows_altman_1998(low, high, text):
    assert safety.number_needed_interval(low, high) == text


def test_number_needed_interval_rejects_bad_limits():
    with pytest.raises(ValueError, match="rd_ci_low"):
        safety.number_needed_interval(-1.5, 0.1)
    with pytest.raises(ValueError, match="lower limit"):
        safety.number_needed_interval(0.2, 0.1)


def test_the_safety_table_shows_the_nnh_interval():
    from hcckit.widgets.safety import comparison_table, two_arm_panel

    html = comparison_table(safety.two_arm_comparisons("yan2025_tace_bev")).html
    assert "Number needed to harm, patients (95 % CI)" in html and "to ∞ to NNTB" in html
    assert "font-size:16px" in html  # hcckit.tables.show: the kit's one table style
    assert "Altman" in two_arm_panel().texts["table"].value


def test_fewer_events_give_rr_below_one_and_no_nnh():
    comp = safety.two_arm_comparisons("yan2025_tace_bev")
    nv = _row(comp, event="nausea/vomiting")
    assert nv["rr"] < 1 and nv["rd_pct"] < 0 and nv["nnh"] == math.inf


def test_chance2201_grade_3_totals():
    comp = safety.two_arm_comparisons("chance2201")
    row = _row(comp, event="any adverse event")
    assert (row["count_a"], row["n_a"], row["count_b"], row["n_b"]) == (178, 802, 80, 442)
    assert row["design"] == "cohort" and row["grade"] == ">=3"
    assert math.isnan(row["reported_p"])


def test_two_arm_comparisons_bad_or_empty():
    with pytest.raises(ValueError, match="trial_id"):
        safety.two_arm_comparisons("no_such_trial")
    empty = safety.two_arm_comparisons("zhang2021_beva_tace")  # single arm
    assert empty.empty and "rd_pct" in empty.columns
    assert len(safety.two_arm_comparisons()) == 7


def test_level_changes_the_interval():
    narrow = _row(safety.two_arm_comparisons("yan2025_tace_bev", level=0.90), event="pain")
    wide = _row(safety.two_arm_comparisons("yan2025_tace_bev", level=0.99), event="pain")
    assert (
        wide["rd_ci_low_pct"] < narrow["rd_ci_low_pct"] and wide["rd_ci_high_pct"] > narrow["rd_ci_high_pct"]
    )


@pytest.mark.parametrize(
    "args, expected",
    [
        ((4, 60, 0, 60), 15),
        ((5, 60, 3, 60), 30),
        ((6, 60, 5, 60), 60),
        ((178, 802, 80, 442), 25),
        ((1, 3, 0, 5), 3),
    ],
)
def test_number_needed_to_harm_exact(args, expected):
    assert safety.number_needed_to_harm(*args) == expected


def test_number_needed_to_harm_edge_cases():
    assert safety.number_needed_to_harm(5, 60, 6, 60) == math.inf
    assert safety.number_needed_to_harm(3, 60, 3, 60) == math.inf
    with pytest.raises(ValueError, match="n_a"):
        safety.number_needed_to_harm(1, 0, 0, 5)
    with pytest.raises(ValueError, match="count_a"):
        safety.number_needed_to_harm(7, 5, 0, 5)
    with pytest.raises(ValueError, match="count_b"):
        safety.number_needed_to_harm(1, 5, 0.5, 5)


@given(
    n_a=st.integers(1, 500),
    n_b=st.integers(1, 500),
    data=st.data(),
)
def test_number_needed_to_harm_is_the_smallest_whole_number_with_one_extra_event(n_a, n_b, data):
    a = data.draw(st.integers(0, n_a))
    b = data.draw(st.integers(0, n_b))
    nnh = safety.number_needed_to_harm(a, n_a, b, n_b)
    rd = Fraction(a, n_a) - Fraction(b, n_b)
    if rd <= 0:
        assert nnh == math.inf
    else:
        assert nnh * rd >= 1 > (nnh - 1) * rd


def test_solution_passes_the_check(capsys):
    from pathlib import Path

    from hcckit import checks

    source = Path(__file__).resolve().parents[1] / "notebooks/solutions/05_safety_number_needed_to_harm.py"
    namespace = {"checks": checks}
    exec(compile(source.read_text(encoding="utf-8"), str(source), "exec"), namespace)
    assert "✓ number_needed_to_harm" in capsys.readouterr().out


def test_check_catches_floating_point_rounding(capsys):
    from hcckit import checks

    def floats(a, na, b, nb):
        d = a / na - b / nb
        return math.ceil(1 / d) if d > 0 else math.inf

    assert not checks.number_needed_to_harm(floats)
    assert "expected 30" in capsys.readouterr().out
    assert checks.number_needed_to_harm(safety.number_needed_to_harm)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # statsmodels, 0 events in arm B
def test_koopman_interval_goes_with_the_uncorrected_chi_square_test():
    """Lesson 05's explanation: at a ratio of 1 the kit's score test is the uncorrected chi-square test."""
    from statsmodels.stats.proportion import test_proportions_2indep

    for a, na, b, nb in [(4, 60, 0, 60), (5, 60, 3, 60), (13, 60, 11, 60), (178, 802, 80, 442)]:
        res = stats.compare_proportions(a, na, b, nb)
        score = test_proportions_2indep(
            a, na, b, nb, value=1, compare="ratio", method="score", correction=False
        ).pvalue
        assert score == pytest.approx(res.chi2_p, rel=1e-9)
        assert (res.rr_ci_low > 1 or res.rr_ci_high < 1) == (res.chi2_p < 0.05)


def test_harmonised_terms_group_printed_terms_with_one_class():
    from hcckit import data

    ae = data.load("adverse_events")
    assert (ae.groupby("event_harmonised")["event_class"].nunique() == 1).all()
    pain = ae[ae["event_harmonised"] == "pain"]
    assert set(pain["event"]) == {"pain", "abdominal pain"}
    nausea = ae[ae["event_harmonised"] == "nausea/vomiting"]
    assert set(nausea["event"]) == {"nausea", "nausea/vomiting"} and set(nausea["event_class"]) == {
        "embolization"
    }
    profile = safety.ae_profile(grade="any")
    assert {"event", "event_harmonised"} <= set(profile.columns)
    emb = safety.class_effects("embolization")
    assert {"pain", "fever", "nausea/vomiting"} <= set(emb["event_harmonised"])
    assert set(safety.CLASS_EFFECTS["embolization"].events) <= set(emb["event_harmonised"])


def test_two_arm_comparisons_pair_arms_on_the_harmonised_term():
    rows = safety.two_arm_comparisons("yan2025_tace_bev")
    assert {"event", "event_printed"} <= set(rows.columns)
    assert (rows["event"] == rows["event_printed"]).all()  # Yan 2025 prints the same term in both arms
