"""Lesson 06 no-code questions: answers from the engine and the curated data, traps for the lesson's mistakes."""

from __future__ import annotations

import pytest

from hcckit import appraisal
from hcckit.checks import appraisal as ca
from hcckit.checks._questions import grade
from hcckit.widgets.exercises import show


@pytest.fixture(scope="module")
def questions():
    return {q.key: q for q in ca.questions()}


def test_groups_and_sizes():
    grim, p = ca.questions("grim_possible"), ca.questions("p_from_hr_ci")
    assert 2 <= len(grim) <= 4 and 2 <= len(p) <= 4
    assert [q.key for q in ca.questions()] == [q.key for q in grim + p]
    with pytest.raises(ValueError, match="which"):
        ca.questions("nope")
    assert len(show(grim).children) == len(grim)


def test_grim_answers_come_from_the_engine(questions):
    assert questions["grim_debtace_orr"].answer == (
        "impossible" if not appraisal.possible_counts(31, "54.5") else "possible"
    )
    assert "20/31" in questions["grim_debtace_orr"].explanation
    yan = questions["grim_yan_recurrence"]
    assert grade(yan, "69.0").grade == "correct"
    fb = grade(yan, "68.9")  # the printed (truncated) value
    assert fb.grade == "trap" and "cuts off" in fb.message
    assert questions["grim_no_decimals"].answer == "consistent"
    assert questions["grim_arm_size"].answer == "Warning"


def test_p_answers_come_from_the_engine_at_the_printed_precision(questions):
    yan = questions["p_yan_pfs"]
    assert yan.answer == pytest.approx(appraisal.implied_p_value(0.58, 0.37, 0.91))
    assert yan.decimals == 3 and grade(yan, "0.018").grade == "correct"
    assert grade(yan, "0.009").grade == "trap"  # one-sided
    stah = questions["p_stah_90"]
    assert grade(stah, "0.58").grade == "correct"
    assert "one-sided" in grade(stah, "0.29").message
    assert "1.96" in grade(stah, "0.51").message  # used the 95 % quantile
    ch = questions["p_chance2211_os"]
    assert grade(ch, "0.0001").grade == "correct"
    assert grade(ch, "0.008").grade == "trap"
    assert questions["p_chance2211_verdict"].answer.startswith("inconsistent")


def test_checks_accept_the_reference_solutions(capsys):
    import math

    from scipy.stats import norm

    def grim_possible(percent, n, decimals):
        return any(round(100 * k / n, decimals) == round(percent, decimals) for k in range(n + 1))

    def p_from_hr_ci(hr, low, high, level):
        se = (math.log(high) - math.log(low)) / (2 * norm.ppf(1 - (1 - level) / 2))
        return 2 * norm.sf(abs(math.log(hr) / se))

    assert ca.grim_possible(grim_possible) and ca.p_from_hr_ci(p_from_hr_ci)
    out = capsys.readouterr().out
    assert out.count("✓") == 2 and "np.float64" not in out


def test_check_feedback_speaks_plain_words_and_numbers(capsys):
    import numpy as np

    assert ca.grim_possible(lambda percent, n, decimals: True) is False
    assert ca.p_from_hr_ci(lambda hr, low, high, level: np.float64(0.5)) is False
    out = capsys.readouterr().out
    assert "gives possible (True); the right answer is impossible (False)" in out
    assert "gives p = 0.5000; the right answer is p = 0.0177, within ±0.0005" in out
    assert "np.float64" not in out

    def stub(*args):
        raise NotImplementedError

    assert ca.p_from_hr_ci(stub) is False
    assert capsys.readouterr().out.startswith("p_from_hr_ci: not done yet")
