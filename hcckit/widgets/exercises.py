"""No-code answer widgets (number, choice, selection) rendering a :class:`hcckit.checks._questions.Question`."""

from __future__ import annotations

import html

import ipywidgets as widgets

from hcckit.checks._questions import Question, grade
from hcckit.widgets._common import on_click

__all__ = ["QuestionWidget", "show"]


class QuestionWidget(widgets.VBox):
    """Question text, input, Check/Reset, graded feedback; hints one per miss; answer after 2 misses."""

    def __init__(self, question: Question):
        self._q = question
        self._attempts = 0
        self._correct = False
        self._answered = None
        if question.kind == "number":
            # the placeholder says the precision asked for, never a sample value that looks like an answer
            d = question.decimals
            hint = "a whole number" if d == 0 else f"a number with {d} decimal" + ("s" if d > 1 else "")
            self._input = widgets.Text(placeholder=hint)
        elif question.kind == "choice":
            self._input = widgets.RadioButtons(
                options=list(question.options), value=None, layout=widgets.Layout(width="100%")
            )
        elif question.kind == "selection":
            self._input = widgets.SelectMultiple(
                options=list(question.options),
                rows=len(question.options),
                layout=widgets.Layout(width="100%", max_width="44em"),
            )
        else:
            raise ValueError(f"kind: {question.kind!r} is not number, choice or selection")
        self._check = widgets.Button(description="Check")
        self._check.add_class("hcckit-exercise-check")
        self._reset = widgets.Button(description="Reset")
        self._reset.add_class("hcckit-exercise-reset")
        self._show = widgets.Button(description="Show answer", layout=widgets.Layout(display="none"))
        self._feedback = widgets.HTML(value="")
        self._feedback.add_class("hcckit-exercise-feedback")
        on_click(self._check, self._feedback, self._on_check)
        on_click(self._reset, self._feedback, self._on_reset)
        on_click(self._show, self._feedback, self._on_show)
        text = widgets.HTML(value=f"<b>{html.escape(question.text)}</b>")
        super().__init__(
            [text, self._input, widgets.HBox([self._check, self._reset, self._show]), self._feedback]
        )
        self.add_class("hcckit-exercise")

    @property
    def state(self) -> dict:
        """Read-only state: attempts, correct, answered value, shown feedback text."""
        return {
            "attempts": self._attempts,
            "correct": self._correct,
            "answered": self._answered,
            "feedback": self._feedback.value,
            "answer_shown": self._q.explanation in html.unescape(self._feedback.value),
        }

    def answer(self, value) -> None:
        """Set the input (as a learner would) and press Check."""
        self._input.value = tuple(value) if self._q.kind == "selection" else value
        self._on_check()

    def _on_check(self, *_):
        value = self._input.value
        fb = grade(self._q, value)
        self._answered = value
        if fb.grade == "invalid":
            self._feedback.value = html.escape(fb.message)
            return
        self._attempts += 1
        self._correct = fb.grade == "correct"
        parts = [fb.message]
        if not self._correct:
            misses = self._attempts
            if self._q.hints:
                parts.append("Hint: " + self._q.hints[min(misses, len(self._q.hints)) - 1])
            self._show.layout.display = None
            if misses >= 2:
                parts.append("Answer: " + self._q.explanation)
        else:
            parts.append(self._q.explanation)
        self._feedback.value = "<br>".join(html.escape(p) for p in parts)

    def _on_show(self, *_):
        self._feedback.value += "<br>" + html.escape("Answer: " + self._q.explanation)

    def _on_reset(self, *_):
        self._attempts, self._correct, self._answered = 0, False, None
        self._input.value = () if self._q.kind == "selection" else (None if self._q.kind == "choice" else "")
        self._feedback.value = ""
        self._show.layout.display = "none"


def show(questions) -> widgets.VBox:
    """A VBox of :class:`QuestionWidget`, one per question (the one-liner lessons call)."""
    return widgets.VBox([QuestionWidget(q) for q in questions])
