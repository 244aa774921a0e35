"""No-code exercise questions and widgets; lesson 02 checks catch the float trap."""

import pytest

from hcckit import response as rs
from hcckit.checks import response as cr
from hcckit.checks._questions import Question, grade, parse_number
from hcckit.widgets.exercises import QuestionWidget, show


def _q(key):
    return next(q for q in cr.questions() if q.key == key)


@pytest.mark.parametrize("text", ["11.9", "11,9", "11.9 %", " 11.90 "])
def test_number_formats_accepted(text):
    assert grade(_q("target_largest_pr_17"), text).grade == "correct"


def test_float_trap_gets_trap_feedback():
    fb = grade(_q("target_largest_pr_17"), "11.8")
    assert fb.grade == "trap" and "118.99999999999999" in fb.message


def test_printed_precision():
    from hcckit.checks._questions import Question

    q = Question("x", "t", "number", 38.235, "e", decimals=1)
    fb = grade(q, "38.2")
    assert fb.grade == "correct" and "printed precision" in fb.message
    assert grade(q, "38.4").grade == "close"
    assert grade(q, "50").grade == "wrong"
    with pytest.raises(ValueError, match="answer"):
        parse_number("abc")


def test_answers_come_from_engine():
    assert _q("target_reappear").answer == rs.target_category(40, 500, 0) == "PD"
    assert grade(_q("target_28_196"), "SD").grade == "trap"
    for q in cr.questions("classification_quiz"):
        assert grade(q, q.answer).grade == "correct"
        wrong = next(o for o in q.options if o != q.answer)
        assert grade(q, wrong).grade in {"wrong", "trap"}


def test_widget_not_revealed_first_miss_then_reset():
    q = _q("target_largest_pr_17")
    w = QuestionWidget(q)
    assert "hcckit-exercise" in w._dom_classes
    w.answer("20")
    assert w.state["attempts"] == 1 and not w.state["correct"] and not w.state["answer_shown"]
    assert "Hint" in w.state["feedback"]
    w.answer("21")
    assert w.state["answer_shown"]
    w._on_reset()
    assert w.state == {
        "attempts": 0,
        "correct": False,
        "answered": None,
        "feedback": "",
        "answer_shown": False,
    }
    w.answer("11.9")
    assert w.state["correct"] and w.state["attempts"] == 1


def test_show_builds_every_question():
    box = show(cr.questions())
    assert len(box.children) == len(cr.questions()) == 7


def test_float_solution_fails_check(capsys):
    def float_solution(s, b, n):
        if s > n and s >= 1.2 * n and s - n >= 50:
            return "PD"
        return "PR" if s <= 0.7 * b else "SD"

    assert cr.target_category(float_solution) is False
    assert "not done yet" not in capsys.readouterr().out


def test_stub_not_done_and_no_glyph(capsys):
    def stub(s, b, n):
        raise NotImplementedError

    assert cr.target_category(stub) is False
    out = capsys.readouterr().out
    assert out.startswith("target_category: not done yet") and "\u23f3" not in out


def test_no_numpy_repr(capsys):
    import numpy as np

    cr.target_category(lambda s, b, n: np.float64(1.5))
    out = capsys.readouterr().out
    assert "np.float64" not in out and "1.5" in out


@pytest.mark.parametrize("decimals, text", [(0, "a whole number"), (1, "a number with 1 decimal"),
                                            (2, "a number with 2 decimals")])  # fmt: skip
def test_number_box_asks_for_the_precision_not_a_sample_value(decimals, text):
    w = QuestionWidget(Question("x", "t", "number", 0.74, "e", decimals=decimals))
    assert w._input.placeholder == text
