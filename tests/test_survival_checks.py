"""Lesson 03 exercise checks: reference solutions pass, stubs are "not done yet", wrong answers fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from hcckit import checks

SOLUTIONS = Path(__file__).resolve().parents[1] / "notebooks" / "solutions"


@pytest.mark.parametrize("name", ["hr_from_medians", "rmst_from_steps"])
def test_reference_solution_passes(name, capsys):
    namespace: dict = {}
    exec((SOLUTIONS / f"03_survival_{name}.py").read_text(), namespace)
    assert getattr(checks, name)(namespace[name]) is True
    assert capsys.readouterr().out.startswith("✓")


@pytest.mark.parametrize("name", ["hr_from_medians", "rmst_from_steps"])
def test_stub_is_not_done_yet(name, capsys):
    def stub(*args):
        raise NotImplementedError("Exercise")

    assert getattr(checks, name)(stub) is False
    assert "not done yet" in capsys.readouterr().out


def test_wrong_answers_fail(capsys):
    assert checks.hr_from_medians(lambda c, e: e / c) is False  # upside down
    assert "expected" in capsys.readouterr().out
    assert checks.rmst_from_steps(lambda t, s, tau: sum(s)) is False
