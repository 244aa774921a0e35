"""Tests for the hcckit.evidence package as a whole (its re-exports) and lesson 04's exercise check.

The modules have their own files: test_evidence_comparisons, _forest, _pooling (with comparability),
_orr and _cross_trial.
"""

from __future__ import annotations

import contextlib
import io
import math
import runpy
from pathlib import Path

import pytest

from hcckit import checks, evidence

SOLUTION = (
    Path(__file__).resolve().parents[1] / "notebooks" / "solutions" / "04_evidence_explorer_log_hr_se.py"
)
Z95, Z90 = 1.959963984540054, 1.6448536269514722


def test_the_package_re_exports_every_public_name():
    """``from hcckit import evidence; evidence.f()`` and ``from hcckit.evidence import f`` keep working."""
    import importlib

    for name in evidence.__all__:
        assert getattr(evidence, name) is not None
    for module in ("comparisons", "forest", "comparability", "pooling", "orr", "cross_trial", "vocabulary"):
        sub = importlib.import_module(f"hcckit.evidence.{module}")
        assert sub.__doc__ and sub.__all__, module
        for name in sub.__all__:
            assert getattr(evidence, name) is getattr(sub, name), (module, name)
    assert callable(evidence.comparisons)  # the function, not the submodule of the same name


# --------------------------------------------------------------------------- exercise
def test_reference_solution_passes_the_check():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        namespace = runpy.run_path(str(SOLUTION))
    assert out.getvalue().startswith("✓ log_hr_se")
    assert checks.log_hr_se(namespace["log_hr_se"]) is True
    assert namespace["log_hr_se"](0.69, 1.21, 0.90) == pytest.approx(
        evidence.se_from_ci(0.69, 1.21, level=0.90)
    )


def test_check_catches_z_196_for_a_90_percent_ci(capsys):
    assert checks.log_hr_se(lambda lo, hi, level: (math.log(hi) - math.log(lo)) / (2 * 1.96)) is False
    assert "90 % CI needs z = 1.645" in capsys.readouterr().out


def test_check_reports_an_unsolved_stub(capsys):
    def stub(ci_low, ci_high, level):
        raise NotImplementedError("Exercise: write log_hr_se")

    assert checks.log_hr_se(stub) is False
    assert "not done yet" in capsys.readouterr().out
