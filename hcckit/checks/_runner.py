"""Machinery shared by the exercise checks: run fixed cases, print one friendly line."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Case", "run_cases", "plain"]


def plain(value: Any) -> str:
    """Text of ``value`` for a learner: numpy scalars as plain numbers, strings quoted, never a repr like np.float64(...)."""
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        try:
            value = item()
        except (TypeError, ValueError):
            pass
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else repr(value)
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, tuple | list):
        return "(" + ", ".join(plain(v) for v in value) + ")"
    return str(value)


@dataclass(frozen=True)
class Case:
    """One fixed exercise case: positional ``args`` and the ``expected`` answer."""

    args: Sequence[Any]
    expected: Any
    label: str = ""
    tolerance: float = 0.0  # absolute tolerance for numeric answers


def _matches(got: Any, case: Case) -> bool:
    exp = case.expected
    if isinstance(exp, float) or (isinstance(exp, int) and case.tolerance):
        try:
            return math.isclose(float(got), float(exp), rel_tol=0.0, abs_tol=case.tolerance)
        except (TypeError, ValueError):
            return False
    if isinstance(exp, str) and isinstance(got, str):
        return got.strip().upper() == exp.strip().upper()
    return got == exp


def run_cases(fn: Callable, cases: Iterable[Case], *, name: str) -> bool:
    """Run ``fn`` on every case; print one line (a tick, or the first failure) and return True/False.

    A function that still raises ``NotImplementedError`` is reported as "not done yet" (False),
    so a notebook with unsolved exercises still runs to the end.
    """
    cases = list(cases)
    for case in cases:
        try:
            got = fn(*case.args)
        except NotImplementedError:
            print(f"{name}: not done yet - replace the `raise NotImplementedError` line with your code.")
            return False
        except Exception as exc:  # noqa: BLE001 - a learner's bug must become feedback, not a traceback
            print(
                f"✗ {name}: your function raised {type(exc).__name__}: {exc} for input {case.label or case.args}."
            )
            return False
        if not _matches(got, case):
            print(
                f"✗ {name}: for {case.label or case.args} you returned {plain(got)}, expected {plain(case.expected)}."
            )
            return False
    print(f"✓ {name}: all {len(cases)} cases correct.")
    return True
