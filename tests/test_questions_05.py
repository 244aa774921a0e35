"""Lesson 05 no-code questions: answers from the curated counts and the engine, traps for the lesson's mistakes."""

from __future__ import annotations

import math

import pytest

from hcckit import safety
from hcckit.checks import safety as cs
from hcckit.checks._questions import grade
from hcckit.widgets.exercises import show


@pytest.fixture(scope="module")
def questions():
    return {q.key: q for q in cs.questions()}


def test_groups_and_sizes():
    nnh = cs.questions("number_needed_to_harm")
    assert 2 <= len(nnh) <= 4
    assert [q.key for q in cs.questions()] == [q.key for q in nnh]
    with pytest.raises(ValueError, match="which"):
        cs.questions("nope")
    assert len(show(nnh).children) == len(nnh)


def test_answers_come_from_the_curated_counts(questions):
    rows = safety.two_arm_comparisons("yan2025_tace_bev").set_index("event")
    prot, hyp = rows.loc["proteinuria"], rows.loc["hypertension"]
    assert questions["nnh_proteinuria"].answer == safety.number_needed_to_harm(
        int(prot["count_a"]), int(prot["n_a"]), int(prot["count_b"]), int(prot["n_b"])
    )
    assert questions["nnh_hypertension"].answer == hyp["nnh"] == 30
    assert questions["nnh_interval_proteinuria"].answer == prot["nnh_interval"]
    assert "∞" in prot["nnh_interval"]  # the risk-difference CI includes 0


def test_float_trap_gets_its_own_feedback(questions):
    q = questions["nnh_hypertension"]
    floated = math.ceil(1 / (5 / 60 - 3 / 60))
    assert floated == 31
    fb = grade(q, "31")
    assert fb.grade == "trap" and "Fraction" in fb.message and "30.000000000000007" in fb.message
    assert grade(q, "30").grade == "correct"


def test_interval_traps_explain_the_pass_through_infinity(questions):
    q = questions["nnh_interval_proteinuria"]
    naive = next(o for o in q.options if o != q.answer and "∞" not in o)
    fb = grade(q, naive)
    assert fb.grade == "trap" and "infinity" in fb.message
    assert "Altman" in q.explanation


def test_risk_difference_in_points_is_a_trap(questions):
    fb = grade(questions["nnh_proteinuria"], "6.7")
    assert fb.grade == "trap" and "percentage points" in fb.message
