"""Lesson 02 panels (set a control, read the chart spec and the verdicts), checks, solutions, notebook.

The notebook itself is executed top to bottom by tests/test_notebooks.py (every lesson) and
rendered in Voila by tests/browser/test_voila_lessons.py; here we check its structure.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
from pathlib import Path

import nbformat
import pytest

from hcckit import checks
from hcckit import response as R
from hcckit.widgets.response import CohortPanel, LesionEditorPanel, cohort_panel, criteria_panel

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "02_response_criteria.ipynb"
SOLUTIONS = sorted((REPO / "notebooks" / "solutions").glob("02_response_criteria_*.py"))


def chart_text(panel) -> str:
    return json.dumps(panel.chart.chart.to_dict())


def cards(panel) -> dict[str, str]:
    return dict(re.findall(r"data-criterion='([^']+)' data-response='([A-Z]+)'", panel._cards.value))


# --------------------------------------------------------------------------- lesion editor


@pytest.fixture
def editor():
    return criteria_panel()


def test_editor_starts_on_the_spec_example(editor):
    assert editor.verdicts() == {"RECIST 1.1": "SD", "mRECIST": "PR", "WHO": "SD", "EASL": "PR"}
    assert cards(editor) == editor.verdicts()
    assert "hcckit-primary-control" in editor._sliders[("L1", "viable_ld_mm")]._dom_classes
    assert "hcckit-chart" in editor.chart._dom_classes
    assert all(s.continuous_update is False for s in editor._sliders.values())
    spec = editor.chart.chart.to_dict()
    assert spec["usermeta"]["hcckit_synthetic"] is True


def test_editor_slider_changes_verdict_and_chart(editor):
    before = chart_text(editor)
    editor._sliders[("L1", "viable_ld_mm")].value = 48  # viable sum 66 of 80 mm: -17.5 %
    assert editor.verdicts()["mRECIST"] == "SD"
    assert cards(editor)["mRECIST"] == "SD"
    assert chart_text(editor) != before
    row = editor.value.query("lesion == 'L1' and day == 42")
    assert row["viable_ld_mm"].item() == 48
    tp = editor.timepoints
    assert tp.query("criterion == 'mRECIST' and day == 42")["pct_change_baseline"].item() == pytest.approx(
        -17.5
    )


def test_editor_necrosis_to_cr(editor):
    editor._visit.value = 84
    assert editor._sliders[("L1", "viable_ld_mm")].value == 12  # sliders show the chosen visit
    editor._sliders[("L1", "viable_ld_mm")].value = 0
    editor._sliders[("L1", "viable_perp_mm")].value = 0
    v = editor.verdicts()
    assert v["mRECIST"] == "CR" and v["EASL"] == "CR" and v["RECIST 1.1"] == "SD"


def test_editor_missing_lesion_and_new_lesion(editor):
    editor._missing.value = True
    assert set(editor.verdicts().values()) == {"NE"}
    editor._missing.value = False
    editor._new.value = "equivocal"
    assert editor.verdicts()["RECIST 1.1"] == "SD"
    editor._new.value = "typical"
    editor._new_size.value = 8
    assert editor.verdicts()["mRECIST"] == "PR" and editor.verdicts()["RECIST 1.1"] == "PD"
    editor._new_size.value = 12
    assert editor.verdicts()["mRECIST"] == "PD"


def test_editor_bad_measurement_is_a_message_not_a_traceback(editor):
    editor._sliders[("L1", "ld_mm")].value = 20  # viable 30 mm > LD 20 mm: impossible
    assert "hcckit-error" in editor._message.value
    assert "viable_ld_mm" in editor._message.value and "L1" in editor._message.value
    assert editor.verdicts()["mRECIST"] == "PR"  # the last good verdicts stay
    editor._sliders[("L1", "ld_mm")].value = 48
    assert editor._message.value == ""


def test_editor_5mm_option():
    panel = LesionEditorPanel(mrecist_5mm=True)
    assert panel._five.value is True
    with pytest.raises(ValueError, match="visit"):
        LesionEditorPanel(visit=7)


# --------------------------------------------------------------------------- cohort panel


def test_cohort_panel_criterion_changes_waterfall():
    panel = cohort_panel(n_patients=24, seed=1)
    assert "hcckit-primary-control" in panel._criterion._dom_classes
    spec = panel.chart.chart.to_dict()
    assert "mRECIST" in json.dumps(spec) and spec["usermeta"]["hcckit_synthetic"] is True
    panel._criterion.value = "RECIST 1.1"
    assert "by RECIST 1.1" in json.dumps(panel.chart.chart.to_dict())
    assert panel.discordance.chart.to_dict()["usermeta"]["hcckit_synthetic"] is True


def test_cohort_panel_options_change_rates():
    panel = CohortPanel(n_patients=40, seed=0)
    dcr = panel.value.query("criterion == 'RECIST 1.1' and endpoint == 'DCR'")["count"].item()
    panel._sd_min.value = 182
    assert panel.value.query("criterion == 'RECIST 1.1' and endpoint == 'DCR'")["count"].item() < dcr
    orr = panel.value.query("criterion == 'RECIST 1.1' and endpoint == 'ORR'")["count"].item()
    panel._confirm.value = False
    assert panel.value.query("criterion == 'RECIST 1.1' and endpoint == 'ORR'")["count"].item() > orr
    assert "hcckit-rates" in panel._rates_html.value
    panel._five.value = True
    assert panel._message.value == ""


# --------------------------------------------------------------------------- checks and solutions


def run_check(fn, arg):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        ok = fn(arg)
    return ok, buf.getvalue()


def test_target_category_check():
    ok, out = run_check(checks.target_category, R.target_category)
    assert ok and out.startswith("✓")

    def stub(s, b, n):
        raise NotImplementedError

    ok, out = run_check(checks.target_category, stub)
    assert not ok and "not done yet" in out

    def floats(s, b, n):  # the classic mistakes: float percentages, PR before PD, no 5 mm clause
        return "PR" if s <= 0.7 * b else ("PD" if s >= 1.2 * n else "SD")

    ok, out = run_check(checks.target_category, floats)
    assert not ok and "expected" in out


def test_classification_quiz_check():
    ok, out = run_check(
        checks.classification_quiz, {"RECIST 1.1": ..., "mRECIST": ..., "WHO": ..., "EASL": ...}
    )
    assert not ok and "not done yet" in out
    ok, out = run_check(
        checks.classification_quiz, {"RECIST 1.1": "SD", "mRECIST": "SD", "WHO": "SD", "EASL": "PR"}
    )
    assert not ok and "mRECIST: you said SD, the engine says PR" in out and "70 % of baseline" in out
    ok, out = run_check(checks.classification_quiz, {"RECIST 1.1": "SD"})
    assert not ok and "mRECIST" in out
    ok, out = run_check(
        checks.classification_quiz, {"recist": "stable disease", "mrecist": "pr", "WHO": "SD", "EASL": "PR"}
    )
    assert ok
    assert checks.quiz_measurements()["synthetic"].all()


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.stem for p in SOLUTIONS])
def test_solution_passes_its_check(path):
    namespace: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102 - our own solution files
    if "target_category" in path.stem:
        ok, out = run_check(checks.target_category, namespace["target_category"])
    else:
        ok, out = run_check(checks.classification_quiz, namespace["answers"])
    assert ok, out


def test_there_is_a_solution_per_exercise():
    assert {p.stem for p in SOLUTIONS} == {
        "02_response_criteria_target_category",
        "02_response_criteria_quiz",
    }


# --------------------------------------------------------------------------- notebook structure


def test_notebook_structure():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), (
        "store the notebook without outputs"
    )
    assert "widgets.setup()" in code[0].source
    defs = [c for c in code if any(isinstance(n, ast.FunctionDef) for n in ast.walk(ast.parse(c.source)))]
    assert len(defs) == 1 and "NotImplementedError" in defs[0].source  # only the exercise stub
    text = "\n".join(c.source for c in nb.cells)
    for needle in ("00_index.ipynb", "doi", "checks.target_category", "checks.classification_quiz",
                   "LesionEditorPanel", "CohortPanel", "%load solutions/02_response_criteria_"):  # fmt: skip
        assert needle in text
