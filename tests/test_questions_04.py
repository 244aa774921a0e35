"""Lesson 04 no-code questions: answers from hcckit.evidence at run time, traps for the lesson's mistakes."""

from __future__ import annotations

import pytest

from hcckit import evidence as ev
from hcckit.checks import evidence as ce
from hcckit.checks._questions import grade
from hcckit.widgets.exercises import show


@pytest.fixture(scope="module")
def questions():
    return {q.key: q for q in ce.questions()}


def test_groups_and_sizes():
    se, pool = ce.questions("log_hr_se"), ce.questions("pooling")
    assert 2 <= len(se) <= 4 and 2 <= len(pool) <= 4
    assert [q.key for q in ce.questions()] == [q.key for q in se + pool]
    with pytest.raises(ValueError, match="which"):
        ce.questions("nope")
    assert len(show(se).children) == len(se)


def test_se_answers_come_from_the_engine_at_the_printed_level(questions):
    yan = questions["se_yan_pfs"]
    assert yan.answer == pytest.approx(ev.se_from_ci(0.37, 0.91, level=0.95))
    assert grade(yan, "0.230").grade == "correct" and grade(yan, "0.100").grade == "trap"  # log10
    stah = questions["se_stah_os_90"]
    assert stah.answer == pytest.approx(ev.se_from_ci(0.69, 1.21, level=0.90))
    assert grade(stah, "0.171").grade == "correct"
    fb = grade(stah, "0.143")  # z = 1.96 for a 90 % CI
    assert fb.grade == "trap" and "1.96" in fb.message and "1.645" in fb.message
    upper = questions["stah_pfs_upper_95"]
    se = ev.se_from_ci(0.59, 0.91, level=0.90)
    assert upper.answer == pytest.approx(ev.ci_at_level(0.73, se, level=0.95)[1])
    assert grade(upper, "0.95").grade == "correct" and grade(upper, "0.91").grade == "trap"
    assert questions["z196_for_90"].answer.startswith("too small")
    assert "Yan B et al. Ann Hepatol 2025" in yan.text and "Hepatoma Res 2024" in stah.text


def test_pooling_answers_come_from_the_problems(questions):
    opening = ev.pool_hazard_ratios(
        ev.forest_table(ev.filter_comparisons(ev.comparisons(), **ev.DEFAULT_POOL))
    )
    first = questions["pool_opening_reasons"]
    assert len(first.answer) == len(opening.problems) == 3
    assert "A study counted twice" in first.answer
    partial = frozenset(list(first.answer)[:2])
    assert grade(first, partial).grade == "close"
    quote = questions["pool_pair_quotable"]
    assert quote.answer == "No" and grade(quote, "Yes").grade == "trap"
    assert "Hartung-Knapp 95 % CI 0.14 to 3.50" in quote.explanation
    remaining = questions["pool_pair_remaining"]
    assert "Only 2 studies, DL with a normal CI" in remaining.answer
    assert "Endpoint defined differently" in remaining.answer and len(remaining.answer) == 2
    third = questions["pool_os_reasons"]
    assert third.answer == {"Adjusted and unadjusted HRs mixed", "Stages / populations differ"}
    assert "observational" in third.explanation


def test_reference_solution_passes_the_check(capsys):
    import runpy
    from pathlib import Path

    solution = (
        Path(__file__).resolve().parents[1] / "notebooks" / "solutions" / "04_evidence_explorer_log_hr_se.py"
    )
    namespace = runpy.run_path(str(solution))
    assert ce.log_hr_se(namespace["log_hr_se"]) is True
    assert "✓" in capsys.readouterr().out
