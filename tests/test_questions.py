"""The contract every lesson's no-code questions keep (hcckit.checks.<lesson>.questions()).

For every question of every lesson: the right answer grades "correct"; each trap grades "trap"
with its own message; a far-off number or another option grades "wrong"; options are unique and
hold the answer. Lesson-specific tests
(where the answers come from) live in tests/test_questions_<lesson>.py.
"""

from __future__ import annotations

import pytest

from hcckit.checks import appraisal, evidence, mechanisms, response, safety, survival
from hcckit.checks._questions import grade

MODULES = [mechanisms, response, survival, evidence, safety, appraisal]
QUESTIONS = [(m.__name__.rsplit(".", 1)[1], q) for m in MODULES for q in m.questions()]


def _given(q, value):
    return f"{value}" if q.kind == "number" else value


@pytest.mark.parametrize(("lesson", "q"), QUESTIONS, ids=[f"{m}:{q.key}" for m, q in QUESTIONS])
def test_right_answer_correct_trap_trap_wrong_wrong(lesson, q):
    assert q.explanation, q.key
    assert grade(q, _given(q, q.answer)).grade == "correct", q.key
    for trap, message in q.traps:
        assert message, (q.key, trap)
        assert grade(q, _given(q, trap)).grade == "trap", (q.key, trap)
    if q.kind == "number":
        assert grade(q, f"{float(q.answer) + 100}").grade == "wrong", q.key
    elif q.kind == "choice":
        assert q.answer in q.options and len(set(q.options)) == len(q.options), q.key
        wrong = [o for o in q.options if o != q.answer and o not in dict(q.traps)]
        if wrong:
            assert grade(q, wrong[0]).grade == "wrong", q.key
    else:
        assert q.answer and frozenset(q.answer) <= set(q.options), q.key


def test_every_lesson_module_has_questions_and_names_a_bad_group():
    for module in MODULES:
        assert module.questions(), module.__name__
        with pytest.raises(ValueError, match="which"):
            module.questions("nope")
