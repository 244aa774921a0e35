"""Lessons 01 and 03 no-code questions: answers from the curated tables and the engine, traps graded "trap"."""

from __future__ import annotations

import pytest

from hcckit import mechanisms, survival
from hcckit.checks import mechanisms as cm
from hcckit.checks import survival as csv
from hcckit.checks._questions import grade
from hcckit.widgets.exercises import show

GROUPS = [(cm, "relative_reduction"), (csv, "hr_from_medians"), (csv, "rmst_from_steps")]


def _by_key(module):
    return {q.key: q for q in module.questions()}


@pytest.mark.parametrize(("module", "name"), GROUPS)
def test_groups_and_sizes(module, name):
    qs = module.questions(name)
    assert 2 <= len(qs) <= 4
    assert len({q.key for q in qs}) == len(qs)
    assert len(show(qs).children) == len(qs)
    with pytest.raises(ValueError, match="which"):
        module.questions("nope")


@pytest.mark.parametrize(("module", "name"), GROUPS)
def test_every_question_has_hints_and_a_trap(module, name):
    # grading (right, traps, wrong) is checked for every lesson in tests/test_questions.py
    for q in module.questions(name):
        assert q.explanation and q.hints, q.key
        assert q.traps or q.kind == "choice", q.key


def test_no_trap_is_within_the_printed_precision_of_the_answer():
    for module in (cm, csv):
        for q in module.questions():
            if q.kind == "number":
                for trap, _ in q.traps:
                    assert abs(float(trap) - float(q.answer)) > 5 * 10 ** (-q.decimals), (q.key, trap)


def test_relative_reductions_come_from_the_curated_table():
    qs = _by_key(cm)
    t = mechanisms.perfusion_table().set_index(["item", "arm_id"])["mean"]
    for key, item in [
        ("rr_ktrans", "Ktrans"),
        ("rr_blood_flow", "blood_flow"),
        ("rr_plasma_volume", "plasma_volume"),
    ]:
        expected = mechanisms.relative_reduction(t[(item, "tace")], t[(item, "tace_bev")])
        assert qs[key].answer == expected
    assert grade(qs["rr_ktrans"], "38.2").grade == "correct"  # the Discussion's 38.2 %
    assert grade(qs["rr_blood_flow"], "38.1").grade == "correct"
    printed = mechanisms.biomarker_change_table().set_index("item")["change_pct"]
    assert f"{-printed['Ktrans']:g} %" in qs["rr_ktrans"].explanation
    assert grade(qs["rr_ktrans"], "61.9").grade == "trap"  # divided by the treated arm
    assert grade(qs["rr_plasma_volume"], "7.3").grade == "trap"  # percentage points
    assert "⁻¹" in qs["rr_ktrans"].text and "^-1" not in qs["rr_ktrans"].text


def test_hazard_ratios_come_from_the_published_medians():
    qs = _by_key(csv)
    yan = {a.arm_id: a.median for a in survival.published_arms("yan2025_tace_bev", endpoint="PFS")}
    implied = survival.implied_hazard_ratio(yan["tace"], experimental_median=yan["tace_bev"])
    assert qs["hr_medians_yan"].answer == implied
    assert grade(qs["hr_medians_yan"], "0.65").grade == "correct"
    assert grade(qs["hr_medians_yan"], "1.53").grade == "trap"  # upside down
    assert grade(qs["hr_medians_yan"], "0.58").grade == "trap"  # the reported Cox HR
    cons = survival.hr_consistency(
        yan["tace"], experimental_median=yan["tace_bev"], hazard_ratio=0.58, ci=(0.37, 0.91)
    )
    assert qs["hr_medians_yan_ci"].answer.startswith("Yes") is bool(cons.within_ci)
    assert qs["hr_median_from_reported"].answer == cons.implied_experimental_median
    assert grade(qs["hr_median_from_reported"], "9.5").grade == "correct"
    assert grade(qs["hr_median_from_reported"], "3.2").grade == "trap"
    em = {a.arm_id: a.median for a in survival.published_arms("emerald1", endpoint="PFS")}
    assert qs["hr_medians_emerald1"].answer == survival.implied_hazard_ratio(
        em["tace"], experimental_median=em["dbt"]
    )


def test_rmst_answers_match_the_engine_and_the_code_check():
    qs = _by_key(csv)
    patients = csv._step_patients()
    steps = survival.km_steps(patients)
    assert list(steps["survival"].drop_duplicates()) == pytest.approx(list(csv._STEP_SURVIVAL))
    assert qs["rmst_tau6"].answer == survival.rmst(patients, tau=6.0).rmst
    assert qs["rmst_tau6"].answer == pytest.approx(4.9)  # the rmst_from_steps check's case
    assert qs["rmst_tau12"].answer == pytest.approx(7.15)
    assert grade(qs["rmst_tau12"], "6.4").grade == "trap"  # stopped at the last drop
    assert grade(qs["rmst_meaning"], qs["rmst_meaning"].options[1]).grade == "trap"  # the median


def test_code_checks_print_plain_numbers(capsys):
    from hcckit import checks

    assert not checks.relative_reduction(lambda c, t: 100 * (c - t) / t)
    assert not checks.hr_from_medians(lambda c, e: e / c)
    assert not checks.rmst_from_steps(lambda times, s, tau: sum(s))
    out = capsys.readouterr().out
    assert "np." not in out and "numpy" not in out
    assert checks.relative_reduction(mechanisms.relative_reduction)
    assert checks.hr_from_medians(lambda c, e: survival.implied_hazard_ratio(c, experimental_median=e))
