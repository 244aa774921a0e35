"""Lesson 02 panels (set a control, read the chart spec and the verdicts), checks, solutions, notebook.

The notebook itself is executed top to bottom by tests/test_notebooks.py (every lesson) and
rendered in Voila by tests/browser/test_voila_lessons.py; here we check its structure.
"""

from __future__ import annotations

import ast
import contextlib
import html
import io
import json
import re
from fractions import Fraction
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from hcckit import checks, formatting, response
from hcckit import response as R
from hcckit.charts import response as charts_response
from hcckit.widgets.response import (
    QUESTION_1_START,
    CohortPanel,
    LesionEditorPanel,
    cohort_panel,
    criteria_panel,
)

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "02_response_criteria.ipynb"
SOLUTIONS = sorted((REPO / "notebooks" / "solutions").glob("02_response_criteria_*.py"))


def chart_text(panel) -> str:
    return json.dumps(panel.views["chart"].chart.to_dict())


def cards(panel) -> dict[str, str]:
    return dict(
        re.findall(r"data-criterion='([^']+)' data-response='([A-Z]+)'", panel.views["verdicts"].value)
    )


# --------------------------------------------------------------------------- lesion editor


@pytest.fixture
def editor():
    return criteria_panel()


def test_editor_starts_on_the_spec_example(editor):
    assert editor.verdicts() == {"RECIST 1.1": "SD", "mRECIST": "PR", "WHO": "SD", "EASL": "PR"}
    assert cards(editor) == editor.verdicts()
    assert "hcckit-primary-control" in editor.controls["L1 viable_ld_mm"]._dom_classes
    assert "hcckit-chart" in editor.views["chart"]._dom_classes
    assert all(w.continuous_update is False for n, w in editor.controls.items() if n.endswith("_mm"))
    spec = editor.views["chart"].chart.to_dict()
    assert spec["usermeta"]["hcckit_synthetic"] is True


def test_editor_slider_changes_verdict_and_chart(editor):
    before = chart_text(editor)
    editor.controls["L1 viable_ld_mm"].value = 48  # viable sum 66 of 80 mm: -17.5 %
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
    editor.controls["visit"].value = 84
    assert editor.controls["L1 viable_ld_mm"].value == 12  # sliders show the chosen visit
    editor.controls["L1 viable_ld_mm"].value = 0
    editor.controls["L1 viable_perp_mm"].value = 0
    v = editor.verdicts()
    assert v["mRECIST"] == "CR" and v["EASL"] == "CR" and v["RECIST 1.1"] == "SD"


def test_editor_missing_lesion_and_new_lesion(editor):
    editor.controls["missing"].value = True
    assert set(editor.verdicts().values()) == {"NE"}
    editor.controls["missing"].value = False
    editor.controls["new"].value = "equivocal"
    assert editor.verdicts()["RECIST 1.1"] == "SD"
    editor.controls["new"].value = "typical"
    editor.controls["new_size"].value = 8
    assert editor.verdicts()["mRECIST"] == "PR" and editor.verdicts()["RECIST 1.1"] == "PD"
    editor.controls["new_size"].value = 12
    assert editor.verdicts()["mRECIST"] == "PD"


def test_editor_bad_measurement_is_a_message_not_a_traceback(editor):
    editor.controls["L1 ld_mm"].value = 20  # viable 30 mm > LD 20 mm: impossible
    assert "hcckit-error" in editor.message.value
    assert "viable_ld_mm" in editor.message.value and "L1" in editor.message.value
    assert editor.verdicts()["mRECIST"] == "PR"  # the last good verdicts stay
    editor.controls["L1 ld_mm"].value = 48
    assert editor.message.value == ""


def test_editor_reset_restores_the_patient_as_shipped(editor):
    first = editor.value
    first_verdicts, first_chart = editor.verdicts(), chart_text(editor)
    editor.controls["visit"].value = 84
    editor.controls["L1 viable_ld_mm"].value = 0
    editor.controls["new"].value = "typical"
    assert editor.value.shape != first.shape or not editor.value.equals(first)
    editor.reset_button.click()
    pd.testing.assert_frame_equal(editor.value, first)
    assert editor.verdicts() == first_verdicts and chart_text(editor) == first_chart
    assert editor.state["visit"] == 42 and editor.state["new"] is None
    assert editor.state["L1 viable_ld_mm"] == 30  # the sliders show the shipped day-42 values again


def test_question_1_starts_from_sd_and_finds_the_pr_boundary(editor):
    # issue 12 item 7: guiding question 1 started from a state that was already PR
    assert editor.verdicts()["mRECIST"] == "PR"
    ld_42 = response.necrotic_patient().query("lesion == 'L1' and day == 42")["ld_mm"].item()
    assert QUESTION_1_START == {"visit": 42, "L1 viable_ld_mm": float(ld_42)}
    [button] = [b for b in editor.children[0].children if "hcckit-preset" in b._dom_classes]
    button.click()
    assert editor.verdicts()["mRECIST"] == "SD" and editor.message.value == ""
    editor.controls["L1 viable_ld_mm"].value = 38.5
    assert editor.verdicts()["mRECIST"] == "SD"
    editor.controls["L1 viable_ld_mm"].value = 38  # viable sum 56 = 70 % of 80 mm
    assert editor.verdicts()["mRECIST"] == "PR" and editor.verdicts()["RECIST 1.1"] == "SD"


def test_progression_thresholds_move_with_the_nadir():
    tp = response.assess_all(response.necrotic_patient())
    pd_rows = response.progression_thresholds(tp).set_index(["criterion", "day"])
    # RECIST 1.1 day 84: nadir 77 mm (day 42) -> PD from max(1.2 x 77, 77 + 5) = 92.4 mm = +15.5 % of 80
    assert pd_rows.loc[("RECIST 1.1", 84), "pd_threshold_sum"] == pytest.approx(92.4)
    assert pd_rows.loc[("RECIST 1.1", 84), "pd_threshold_pct"] == pytest.approx(15.5)
    # mRECIST day 84: nadir 48 mm -> 57.6 mm, which is -28 % from baseline: PD although below baseline
    assert pd_rows.loc[("mRECIST", 84), "pd_threshold_pct"] == pytest.approx(-28.0)
    # a small nadir: the 5 mm clause decides for RECIST (1.2 x 10 = 12 < 10 + 5)
    small = tp.assign(nadir_sum=10.0, baseline_sum=20.0)
    assert (
        response.progression_thresholds(small)
        .query("criterion == 'RECIST 1.1'")["pd_threshold_sum"]
        .eq(15)
        .all()
    )
    spec = json.dumps(charts_response.criteria_chart(tp).to_dict())
    assert "pd_threshold_pct" in spec and '"+20 %"' not in spec  # no +20 % line on a baseline axis


def test_editor_one_screen_layout_keeps_the_rule_that_fired(editor):
    # the verdict cards are compact (no rule text); the rule of each criterion is in the "why" view
    tp = editor.timepoints.query("day == 42")
    why = editor.views["why"].value
    assert "Why: the rule that fired at day 42" in why
    for r in tp.itertuples():
        assert html.escape(str(r.reason)) in why
        assert html.escape(str(r.reason)) not in editor.views["verdicts"].value
        assert f"data-criterion='{r.criterion}'" in why
    assert (
        "vs baseline" in editor.views["verdicts"].value and "best overall" in editor.views["verdicts"].value
    )
    # order in the panel: toolbar, verdict cards, message, controls beside the chart, why, lesion table
    body = list(editor.children)
    assert body[1] is editor.views["verdicts"] and body[2] is editor.message
    assert body.index(editor.views["why"]) > 3 and editor.views["chart"] in body[3].children[1].children
    editor.controls["visit"].value = 84
    assert "at day 84" in editor.views["why"].value
    editor.controls["missing"].value = True
    assert editor.views["why"].value.count("(target L2 not assessed") == 4  # each criterion says why it is NE
    assert editor.views["verdicts"].value.count("no complete target sum") == 4


def test_criteria_chart_fills_its_column_and_keeps_last_labels_inside():
    tp = response.assess_all(response.necrotic_patient())
    spec = charts_response.criteria_chart(tp).to_dict()
    assert spec["width"] == "container" and spec["height"] == 280
    enc = spec["layer"][-1]["encoding"]  # a verdict label layer (the layers are flat)
    # the day axis runs two weeks past the last visit (labels at day 84 drawn 18 px right of it)
    assert enc["x"]["scale"]["domain"] == [0, 98] and enc["x"]["axis"]["values"][-1] == 98
    assert enc["color"]["legend"]["orient"] == "top"
    colours = dict(zip(enc["color"]["scale"]["domain"], enc["color"]["scale"]["range"], strict=True))
    assert colours == charts_response.CRITERION_COLOURS
    assert charts_response.criteria_chart(tp, width=500).to_dict()["width"] == 500


def test_editor_slider_steps_send_specs_that_differ_only_in_their_data(editor):
    """What hcckit.widgets._chartlib applies in place (no redraw): same spec but the data."""

    def skeleton(spec):  # as the chart view's JavaScript compares specs: dataset names by position
        text = json.dumps({**spec, "datasets": None})
        for i, name in enumerate(spec["datasets"]):
            text = text.replace(json.dumps(name), json.dumps(f"data {i}"))
        return text

    slider = editor.controls["L1 viable_ld_mm"]
    first = editor.views["chart"].spec
    data = set()
    for value in (slider.value + slider.step, slider.value, 12.5, 0.0, 20.0):  # all below its LD
        slider.value = value
        spec = editor.views["chart"].spec
        assert skeleton(spec) == skeleton(first), value
        data.add(json.dumps(spec["datasets"], sort_keys=True))
    assert len(data) == 5  # and the data did change at every step


def test_editor_5mm_option():
    panel = LesionEditorPanel(mrecist_5mm=True)
    assert panel.controls["mrecist_5mm"].value is True
    with pytest.raises(ValueError, match="visit"):
        LesionEditorPanel(visit=7)


def _count_engine_calls(monkeypatch) -> list:
    """Count the panel's calls of the response engine (``hcckit.response.assess_all``)."""
    calls = []
    real = R.assess_all

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(R, "assess_all", counted)
    return calls


def _in_own_loop(monkeypatch, coroutine_fn):
    """Run ``coroutine_fn()`` on a fresh asyncio loop in its own thread, as the editor's kernel loop.

    Its own thread, because another library (Playwright's sync API, in the browser tests of the same
    run) may already run a loop in this one; the editor is told to debounce on the new loop as it
    does on a kernel's.
    """
    import asyncio
    import threading

    from hcckit.widgets import response as editor_module

    failure = []

    def main():
        try:
            asyncio.run(coroutine_fn())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            failure.append(exc)

    thread = threading.Thread(target=main)
    monkeypatch.setattr(
        editor_module,
        "debounce_loop",
        lambda: asyncio.get_running_loop() if threading.current_thread() is thread else None,
    )
    thread.start()
    thread.join(60)
    if failure:
        raise failure[0]


def test_editor_burst_of_changes_classifies_at_its_start_and_once_at_its_end(monkeypatch):
    """Five presses in a row on a running loop: the first at once, the other four once, after the burst."""
    import asyncio

    # 1 s: far longer than the edits between two presses take, even on a busy machine
    editor = LesionEditorPanel(debounce_s=1.0)
    calls = _count_engine_calls(monkeypatch)
    slider = editor.controls["L1 viable_ld_mm"]
    probe = LesionEditorPanel()
    probe.controls["L1 viable_ld_mm"].value = 35.0
    first = probe.views["verdicts"].value
    calls.clear()

    async def burst():
        for v in (35.0, 31.0, 32.0, 33.0, 34.0):
            slider.value = v
        assert len(calls) == 1  # the first change answers at once
        assert editor.views["verdicts"].value == first  # the cards still show the first change (35 mm)
        await asyncio.sleep(1.5)

    _in_own_loop(monkeypatch, burst)
    assert len(calls) == 2  # the rest of the burst: one classification of the last value
    assert editor.state["L1 viable_ld_mm"] == 34.0
    fresh = LesionEditorPanel()
    fresh.controls["L1 viable_ld_mm"].value = 34.0  # no loop: classified at once
    pd.testing.assert_frame_equal(editor.timepoints, fresh.timepoints)
    assert cards(editor) == cards(fresh) == fresh.verdicts()
    assert chart_text(editor) == chart_text(fresh)
    assert len(calls) == 4  # the fresh panel: its first draw and its one change; reads classify nothing


def test_editor_flush_runs_the_pending_classification_now(monkeypatch):
    import asyncio

    editor = LesionEditorPanel(debounce_s=5)
    calls = _count_engine_calls(monkeypatch)
    slider = editor.controls["L1 viable_ld_mm"]

    async def burst():
        for v in (40.0, 44.0, 48.0):
            slider.value = v
        assert len(calls) == 1
        assert editor.verdicts()["mRECIST"] == "SD"  # reading the verdicts flushes: viable 48 mm is SD
        assert len(calls) == 2
        editor.flush()  # nothing pending any more
        await asyncio.sleep(0.05)

    _in_own_loop(monkeypatch, burst)
    assert len(calls) == 2
    assert cards(editor)["mRECIST"] == "SD"
    row = editor.timepoints.query("criterion == 'mRECIST' and day == 42")
    assert row["pct_change_baseline"].item() == pytest.approx(-17.5)


def test_editor_without_debounce_classifies_every_change(monkeypatch):

    editor = LesionEditorPanel(debounce_s=0)
    calls = _count_engine_calls(monkeypatch)

    async def burst():
        for v in (35.0, 36.0, 37.0):
            editor.controls["L1 viable_ld_mm"].value = v

    _in_own_loop(monkeypatch, burst)
    assert len(calls) == 3
    for bad in (-1, True, "0.1", 6):
        with pytest.raises(ValueError, match="debounce_s"):
            LesionEditorPanel(debounce_s=bad)


# --------------------------------------------------------------------------- cohort panel


def test_cohort_panel_criterion_changes_waterfall():
    panel = cohort_panel(n_patients=24, seed=1)
    assert "hcckit-primary-control" in panel.controls["criterion"]._dom_classes
    spec = panel.views["waterfall"].chart.to_dict()
    assert "mRECIST" in json.dumps(spec) and spec["usermeta"]["hcckit_synthetic"] is True
    panel.controls["criterion"].value = "RECIST 1.1"
    assert "by RECIST 1.1" in json.dumps(panel.views["waterfall"].chart.to_dict())
    assert panel.views["discordance"].chart.to_dict()["usermeta"]["hcckit_synthetic"] is True


def test_cohort_panel_options_change_rates():
    panel = CohortPanel(n_patients=40, seed=0)
    dcr = panel.value.query("criterion == 'RECIST 1.1' and endpoint == 'DCR'")["count"].item()
    panel.controls["sd_min"].value = 182
    assert panel.value.query("criterion == 'RECIST 1.1' and endpoint == 'DCR'")["count"].item() < dcr
    orr = panel.value.query("criterion == 'RECIST 1.1' and endpoint == 'ORR'")["count"].item()
    panel.controls["confirm"].value = False
    assert panel.value.query("criterion == 'RECIST 1.1' and endpoint == 'ORR'")["count"].item() > orr
    assert "hcckit-rates" in panel.views["rates"].value
    assert panel.message.value == ""


def test_cohort_panel_reset_restores_the_first_state():
    panel = CohortPanel(n_patients=40, seed=0)
    first_state, first_rates = panel.state, panel.value
    first_chart = json.dumps(panel.views["waterfall"].chart.to_dict())
    panel.set_state(criterion="RECIST 1.1", confirm=False, sd_min=182)
    assert panel.state != first_state and json.dumps(panel.views["waterfall"].chart.to_dict()) != first_chart
    panel.reset_button.click()
    assert panel.state == first_state
    pd.testing.assert_frame_equal(panel.value, first_rates)
    assert json.dumps(panel.views["waterfall"].chart.to_dict()) == first_chart


def test_cohort_panel_explains_the_5mm_clause_instead_of_a_dead_control():
    # issue 12 item 7: a control that changes nothing for the shipped data is removed or explained
    panel = CohortPanel(n_patients=40, seed=0)
    assert "mrecist_5mm" not in panel.controls
    changed, visits = response.five_mm_clause_effect(response.teaching_cohort(40, seed=0))
    assert (changed, visits) == (0, 200)
    assert f"changes 0 of these {visits} follow-up visits" in panel.views["five_mm_note"].value


def test_cohort_rates_round_half_up_as_papers_print():
    panel = CohortPanel(n_patients=40, seed=0)
    rates = panel.value
    for r in rates[rates["endpoint"].isin(["ORR", "DCR"])].itertuples():
        exact = Fraction(100 * r.count, r.n)
        printed = int(exact + Fraction(1, 2))  # half-up
        assert f"{r.count}/{r.n} = {printed} %" in panel.views["rates"].value
    # the case the issue saw: 23/40 is 57.5 %, printed 58 %
    assert formatting.percent(100 * 23 / 40, 0) == "58 %"


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


def test_five_mm_effect_is_the_same_from_an_existing_assessment():
    # an edited teaching patient and the shipped cohort: both ways of counting agree
    data = response.edit_measurements(
        response.necrotic_patient(),
        lesion="L1",
        day=84,
        ld_mm=47,
        viable_ld_mm=0,
        perp_mm=39,
        viable_perp_mm=0,
    )
    for table in (data, response.teaching_cohort(40, seed=0)):
        fresh = response.five_mm_clause_effect(table)
        assert response.five_mm_clause_effect(table, assessed=response.assess_all(table)) == fresh


def test_old_chart_attributes_still_read_with_a_warning():
    editor, panel = LesionEditorPanel(), CohortPanel(n_patients=12, seed=0)
    for obj, old, view in ((editor, "chart", "chart"), (panel, "chart", "waterfall"),
                           (panel, "discordance", "discordance"), (panel, "five_mm_note", "five_mm_note")):  # fmt: skip
        with pytest.warns(DeprecationWarning, match=f'views\\["{view}"\\]'):
            assert getattr(obj, old) is obj.views[view]
    assert editor.best is not None and set(editor.best["criterion"]) == set(R.CRITERIA)
