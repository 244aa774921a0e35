"""Exercise questions a learner answers without code (content only; no ipywidgets here)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

__all__ = ["Question", "Feedback", "parse_number", "grade", "select"]


@dataclass(frozen=True)
class Question:
    """One exercise question: ``kind`` is "number", "choice" or "selection".

    ``answer`` is a float (number), an option (choice) or a frozenset of options (selection);
    ``decimals`` is the precision a paper prints (a number within half a unit of it is correct);
    ``traps`` maps a wrong answer (float or option) to its specific feedback; ``hints`` are
    revealed one per miss; ``explanation`` is the worked answer.
    """

    key: str
    text: str
    kind: str
    answer: object
    explanation: str
    options: tuple = ()
    decimals: int = 1
    hints: tuple = ()
    traps: tuple = field(default=())  # tuple of (answer, feedback)


@dataclass(frozen=True)
class Feedback:
    """Result of grading: ``grade`` is "correct", "close", "trap", "wrong" or "invalid"."""

    grade: str
    message: str


def parse_number(text: str) -> float:
    """Parse "38.2", "38,2" or "38.2 %" into a float; ValueError naming the answer otherwise."""
    cleaned = str(text).strip().replace("%", "").replace("mm", "").replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", cleaned):
        raise ValueError(f"answer: {text!r} is not a number (write e.g. 38.2)")
    return float(cleaned)


def grade(q: Question, given) -> Feedback:
    """Grade ``given`` (text for a number, an option, or a collection of options) against ``q``."""
    if q.kind == "number":
        try:
            x = parse_number(given)
        except ValueError as exc:
            return Feedback("invalid", str(exc))
        for trap, msg in q.traps:
            if math.isclose(x, float(trap), abs_tol=1e-9):
                return Feedback("trap", msg)
        ans = float(q.answer)
        half = 0.5 * 10 ** (-q.decimals)
        if abs(x - ans) <= half + 1e-9:
            exact = math.isclose(x, ans, abs_tol=1e-12)
            return Feedback("correct", "Correct." if exact else "Correct to the printed precision.")
        if abs(x - ans) <= 10 * half:
            return Feedback(
                "close", f"Close: check your rounding; give {q.decimals} decimal(s), rounded half-up."
            )
        return Feedback("wrong", "Not yet.")
    if q.kind == "choice":
        for trap, msg in q.traps:
            if given == trap and given != q.answer:
                return Feedback("trap", msg)
        if given is None:
            return Feedback("invalid", "Pick one option first.")
        return Feedback("correct", "Correct.") if given == q.answer else Feedback("wrong", "Not yet.")
    if q.kind == "selection":
        chosen = frozenset(given or ())
        if chosen == frozenset(q.answer):
            return Feedback("correct", "Correct.")
        if chosen and chosen < frozenset(q.answer):
            return Feedback("close", "Close: right so far, but something is missing.")
        return Feedback("wrong", "Not yet.")
    raise ValueError(f"kind: {q.kind!r} is not number, choice or selection")


def select(groups, which: str | None = None) -> list:
    """The questions of group ``which``, or of every group in order when ``which`` is None.

    ``groups`` maps a group name (the exercise it belongs to) to a function of no arguments that
    builds that group's questions; only the groups asked for are built. A ``which`` that is not a
    group raises ``ValueError`` naming it and the groups there are.
    """
    if which is not None and which not in groups:
        raise ValueError(f"which: {which!r} is not one of {', '.join(groups)}")
    names = list(groups) if which is None else [which]
    return [q for name in names for q in groups[name]()]
