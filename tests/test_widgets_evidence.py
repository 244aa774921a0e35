"""Tests for hcckit.widgets.evidence through the public panel parts only: set ``panel.controls[name]``,
read ``panel.views[name]`` (``.chart.to_dict()``), ``panel.state``, ``panel.value`` and ``panel.message``;
empty states; no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hcckit import evidence
from hcckit.widgets import evidence as panels

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "04_evidence_explorer.ipynb"


def _rows(chart, key: str) -> list[dict]:
    spec = chart.to_dict()
    json.dumps(spec, allow_nan=False)
    return [r for values in spec.get("datasets", {}).values() for r in values if key in r]


def _param(chart, name: str):
    """The starting value of the chart's param ``name`` (what its bound input shows), or None."""
    return {p["name"]: p.get("value") for p in chart.to_dict().get("params", [])}.get(name)


def _shown(chart) -> list[dict]:
    """The forest rows the browser draws: the chart carries every endpoint, its bound input filters them."""
    endpoint = _param(chart, "endpoint")
    rows = _rows(chart, "ylabel")
    if endpoint in (None, "all"):
        return rows
    return [dict(r, ylabel=r["ylabel_one"]) for r in rows if r["endpoint"] == endpoint]


def _is_empty_state(chart) -> bool:
    spec = chart.to_dict()
    return spec.get("mark", {}).get("type") == "text" and "message" in json.dumps(spec)


def _no_error(box) -> None:
    assert "Cannot update" not in box.value and "Unexpected problem" not in box.value
    assert "Traceback" not in box.value


@pytest.fixture(scope="module")
def explorer():
    return panels.evidence_explorer_panel()


def test_explorer_default_and_conventions(explorer):
    # the endpoint is chosen in the forest plot (a select bound to its param): the chart view is primary
    assert "hcckit-primary-control" in explorer.views["forest"]._dom_classes
    assert explorer.views["forest"].params.endpoint == explorer.controls["endpoint"].value == "PFS"
    assert (
        "hcckit-chart" in explorer.views["forest"]._dom_classes
        and "hcckit-chart" in explorer.views["orr"]._dom_classes
    )
    assert explorer.value["endpoint"] == "PFS"
    labels = {r["ylabel"] for r in _shown(explorer.views["forest"].chart)}
    assert "STAH: Sorafenib + cTACE vs Sorafenib" in labels and len(labels) == 19
    assert "19 hazard ratio(s) for PFS" in explorer.message.value
    _no_error(explorer.message)


def test_no_dropdown_is_blank(explorer):
    """A None value shows as a blank dropdown: "any" must be a visible, selected option."""
    for panel in (explorer, panels.pooling_panel(), panels.cross_trial_panel()):
        dropdowns = [c for c in panel.controls.values() if type(c).__name__ == "Dropdown"]
        assert dropdowns
        for control in dropdowns:
            assert control.value is not None and control.label, (type(panel).__name__, control.description)


def test_explorer_endpoint_changes_the_chart(explorer):
    orr_chart = explorer.views["orr"].chart
    forest_chart = explorer.views["forest"].chart
    explorer.controls["endpoint"].value = "TTUP"  # as Reset or a preset would: the chart's input moves
    try:
        assert explorer.views["forest"].params.endpoint == "TTUP"
        assert explorer.views["orr"].chart is orr_chart  # the ORR chart does not depend on the endpoint
        assert explorer.views["forest"].chart is forest_chart  # nor is the forest plot redrawn by the kernel
        assert "1 hazard ratio(s) for TTUP" in explorer.message.value
    finally:
        explorer.controls["endpoint"].value = "PFS"


def test_explorer_endpoint_chosen_in_the_browser(explorer):
    """The browser sends the chart's new param value (altair's ``_params``): the kernel follows it."""
    view = explorer.views["forest"]
    forest_chart = view.chart
    view._params = {"endpoint": "OS"}  # what the chart's bound select sends after a change
    try:
        assert explorer.state["endpoint"] == "OS" and explorer.value["endpoint"] == "OS"
        assert view.chart is forest_chart  # the kernel does not redraw: the browser already did
        assert "18 hazard ratio(s) for OS" in explorer.message.value
        assert "(OS)" in explorer.views["notes"].value and "(PFS)" not in explorer.views["notes"].value
        explorer.controls["design"].value = "rct"  # a kernel filter redraws the plot at the chosen endpoint
        assert _param(view.chart, "endpoint") == "OS"
        assert {r["endpoint"] for r in _shown(view.chart)} == {"OS"}
    finally:
        view._params = {"endpoint": "PFS"}
        explorer.controls["design"].value = "any"
    assert explorer.state["endpoint"] == "PFS" and _param(view.chart, "endpoint") == "PFS"


def test_explorer_forest_chart_carries_every_endpoint(explorer):
    spec = explorer.views["forest"].chart.to_dict(validate=True)
    (param,) = spec["params"]
    assert param["name"] == "endpoint" and param["value"] == "PFS"
    assert param["bind"]["input"] == "select" and param["bind"]["name"].startswith("Endpoint")
    assert param["bind"]["options"][-1] == "all" and param["bind"]["labels"][-1] == "All endpoints"
    assert {r["endpoint"] for r in _rows(explorer.views["forest"].chart, "ylabel")} >= {"PFS", "OS", "TTUP"}


def test_explorer_single_arm_empty_state(explorer):
    explorer.controls["design"].value = "single_arm"
    try:
        assert _is_empty_state(explorer.views["forest"].chart)
        assert "Single-arm studies have no comparator" in json.dumps(explorer.views["forest"].chart.to_dict())
        assert "hcckit-info" in explorer.message.value
        orr_labels = {r["label"] for r in _rows(explorer.views["orr"].chart, "label")}
        assert "ChiCTR2100049829: TACE + atezolizumab + bevacizumab" in orr_labels
        _no_error(explorer.message)
    finally:
        explorer.controls["design"].value = "any"


def test_explorer_filters_that_match_nothing(explorer):
    explorer.controls["endpoint"].value = "RFS"
    explorer.controls["modality"].value = "TARE"
    try:
        # TARE has hazard ratios, but none for RFS: the plot (still carrying the others) says so itself
        assert _shown(explorer.views["forest"].chart) == []
        assert "No hazard ratio for RFS matches these filters." in json.dumps(
            explorer.views["forest"].chart.to_dict()
        )
        assert "No hazard ratio for RFS matches arterial = TARE" in explorer.message.value
        _no_error(explorer.message)
        explorer.controls["systemic_class"].value = "cell_therapy"  # nothing at all: the empty state
        assert _is_empty_state(explorer.views["forest"].chart)
        explorer.controls["criterion"].value = "RECICL"
        assert _is_empty_state(explorer.views["orr"].chart)
    finally:
        explorer.controls["modality"].value = "any"
        explorer.controls["systemic_class"].value = "any"
        explorer.controls["criterion"].value = "any"
        explorer.controls["endpoint"].value = "PFS"


def test_explorer_ci_toggle_and_criterion(explorer):
    explorer.controls["ci_level"].value = "95"
    try:
        stah = next(r for r in _shown(explorer.views["forest"].chart) if r["ylabel"].startswith("STAH"))
        assert "recomputed from the printed 90 % CI" in stah["ci_label"]
        assert "recomputed" in explorer.views["notes"].value
    finally:
        explorer.controls["ci_level"].value = "printed"
    explorer.controls["criterion"].value = "RECICL"
    try:
        assert {r["study"] for r in _rows(explorer.views["orr"].chart, "label")} == {"TACTICS"}
    finally:
        explorer.controls["criterion"].value = "any"


def test_explorer_unexpected_error_becomes_a_message(monkeypatch):
    panel = panels.evidence_explorer_panel()

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(evidence, "orr_table", broken)
    panel.controls["design"].value = "rct"  # must not raise
    assert "Unexpected problem (RuntimeError): disk on fire" in panel.message.value
    monkeypatch.undo()
    panel.controls["design"].value = "cohort"  # the panel recovers on the next change
    assert "Unexpected problem" not in panel.message.value


@pytest.fixture()
def pooling():
    return panels.pooling_panel()


def test_pooling_default_is_flagged(pooling):
    assert pooling.value["row_ids"] and len(pooling.value["row_ids"]) == 4
    spec = pooling.views["chart"].chart.to_dict()
    assert "NOT COMPARABLE" in " ".join(spec["title"]["subtitle"])
    assert (
        "NOT comparable" in pooling.views["summary"].value
        and "EMERALD-1 is counted 2 times" in pooling.views["summary"].value
    )
    assert "hcckit-warning" in pooling.message.value


def test_pooling_narrowed_to_a_comparable_pair(pooling):
    options = dict((label.split(" - ")[0], value) for label, value in pooling.controls["studies"].options)
    pooling.controls["studies"].value = (
        options["TACTICS: TACE + sorafenib vs TACE"],
        options["EMERALD-1: D + B + TACE vs TACE"],
    )
    # narrowing by label is not enough: the PFS definitions differ and two studies by DL are a problem
    assert "look comparable" not in pooling.views["summary"].value
    assert (
        "Mixes definitions of PFS" in pooling.views["summary"].value
        and "Only 2 studies" in pooling.views["summary"].value
    )
    assert "Hartung-Knapp CI: 0.14-3.50" in pooling.views["summary"].value
    pooled = [r for r in _rows(pooling.views["chart"].chart, "kind") if r["kind"] == "pooled (computed here)"]
    assert pooled[0]["hr"] == pytest.approx(0.70, abs=0.005)
    assert "not comparable" in pooling.message.value and "hcckit-warning" in pooling.message.value
    subtitle = " ".join(pooling.views["chart"].chart.to_dict()["title"]["subtitle"])
    assert "NOT COMPARABLE" in subtitle and "only 2 studies (Hartung-Knapp CI 0.14 to 3.50)" in subtitle
    pooling.controls["method"].value = "PM"
    assert "Paule-Mandel" in pooling.views["summary"].value


def test_pooling_one_study_and_none(pooling):
    pooling.controls["studies"].value = pooling.controls["studies"].value[:1]
    assert "No pooled estimate" in pooling.message.value and "hcckit-warning" in pooling.message.value
    assert "not pooled" in pooling.views["chart"].chart.to_dict()["title"]["text"]
    pooling.controls["studies"].value = ()
    assert _is_empty_state(pooling.views["chart"].chart) and "No comparison selected" in pooling.message.value


def test_pooling_excludes_a_row_without_ci(pooling):
    pooling.controls["endpoint"].value = "OS"
    pooling.controls["design"].value = "any"
    pooling.controls["question"].value = "HAIC + systemic therapy vs systemic therapy"
    assert len(pooling.value["row_ids"]) == 2  # Zheng 2022 (CI) and Fu 2023 (no CI)
    assert "No pooled estimate" in pooling.message.value and "1 without a CI" in pooling.message.value
    _no_error(pooling.message)


def test_pooling_unpooled_view_and_empty_subgroup(pooling):
    pooling.controls["show_pooled"].value = False
    assert pooling.views["chart"].chart.to_dict()["title"]["text"] == "Selected comparisons (not pooled)"
    assert "NOT comparable" in pooling.views["summary"].value
    pooling.controls["endpoint"].value = "PPS"
    assert (
        pooling.controls["question"].value == "any" and pooling.value["question"] is None
    )  # the PFS question does not exist for PPS: back to "any"
    pooling.controls["design"].value = "rct"  # the only PPS comparison (An 2023) is a cohort
    assert (
        _is_empty_state(pooling.views["chart"].chart) and "No hazard ratio matches" in pooling.message.value
    )


def test_cross_trial_panel():
    panel = panels.cross_trial_panel()
    assert panel.value == ("chictr2100049829_tace_atezo_bev", "chictr2200056222_debtace_tqb_anlo")
    assert "has a control arm" in panel.views["reasons"].value
    assert len(panel.views["profile"].chart.to_dict()["hconcat"]) == 3
    panel.controls["trial_b"].value = panel.controls["trial_a"].value
    assert _is_empty_state(panel.views["profile"].chart) and "two different studies" in panel.message.value
    panel.controls["trial_b"].value = "launch"
    assert "LAUNCH" in json.dumps(panel.views["profile"].chart.to_dict())
    assert panel.message.value == ""
    with pytest.raises(ValueError, match="trial_a"):
        panels.cross_trial_panel("nope", "launch")


def test_notebook_is_stored_without_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    defs = [c for c in code if "def " in "".join(c["source"])]
    assert len(defs) == 1 and "NotImplementedError" in "".join(defs[0]["source"])  # only the exercise stub
    assert "widgets.setup()" in "".join(code[0]["source"])


@pytest.mark.slow
def test_notebook_runs_headless():
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    widgets_shown = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(widgets_shown) == 5  # three panels and two sets of answer widgets
    assert any("log_hr_se: not done yet" in o.get("text", "") for o in outputs)


# --------------------------------------------------------------------------- Panel, Reset, presets
def _preset(panel, start: str):
    return next(b for b in panel.preset_buttons if b.description.startswith(start))


def test_panels_are_panels_with_reset():
    from hcckit.widgets.panel import Panel

    for panel in (panels.evidence_explorer_panel(), panels.pooling_panel(), panels.cross_trial_panel()):
        assert isinstance(panel, Panel) and panel.reset_button.description == "Reset"
        # the panel contract: parts by name only, no attribute aliases of views or controls
        assert not any(
            hasattr(panel, name) for name in ("forest_view", "orr_view", "profile_view", "view", "chart")
        )
        assert not any(hasattr(panel, name) for name in panel.controls)
        assert all("hcckit-preset" in b._dom_classes for b in panel.preset_buttons)
        assert "hcckit-message" in panel.message._dom_classes


def test_panel_parts_by_name():
    assert set(panels.evidence_explorer_panel().views) == {"forest", "orr", "notes"}
    assert set(panels.pooling_panel().views) == {"chart", "summary"}
    assert set(panels.cross_trial_panel().views) == {"reasons", "profile", "orr"}
    assert set(panels.pooling_panel().controls) == {
        "endpoint",
        "question",
        "design",
        "studies",
        "method",
        "show_pooled",
    }


def test_explorer_presets_and_reset():
    panel = panels.evidence_explorer_panel()
    opening = panel.state
    _preset(panel, "Question 1").click()
    assert panel.state["design"] == "single_arm" and _is_empty_state(panel.views["forest"].chart)
    _preset(panel, "Question 3").click()  # a preset is a whole starting state, not one change
    assert panel.state == {**opening, "criterion": "mRECIST"}
    panel.controls["ci_level"].value = "95"
    panel.reset()
    assert panel.state == opening
    assert "19 hazard ratio(s) for PFS" in panel.message.value
    _no_error(panel.message)


def test_pooling_preset_narrowed_pair_and_reset(pooling):
    opening_rows = pooling.value["row_ids"]
    _preset(pooling, "Question 2").click()
    labels = {
        label.split(" - ")[0]
        for label, v in pooling.controls["studies"].options
        if v in pooling.value["row_ids"]
    }
    assert labels == {"TACTICS: TACE + sorafenib vs TACE", "EMERALD-1: D + B + TACE vs TACE"}
    assert "Hartung-Knapp CI: 0.14-3.50" in pooling.views["summary"].value
    _preset(pooling, "Question 3").click()
    assert pooling.value["endpoint"] == "OS" and pooling.value["design"] is None
    studies = {label.split(":")[0] for label, _ in pooling.controls["studies"].options}
    assert {"CHANCE001", "CHANCE2211", "Yuan L 2023"} <= studies
    assert "Mixes adjusted and unadjusted HRs" in pooling.views["summary"].value
    pooling.controls["method"].value = "PM"
    pooling.reset()
    assert pooling.value["row_ids"] == opening_rows and pooling.value["method"] == "DL"
    assert (
        pooling.value["endpoint"] == "PFS"
        and "EMERALD-1 is counted 2 times" in pooling.views["summary"].value
    )
    _no_error(pooling.message)


def test_studies_selection_is_cleared_before_its_options_change(pooling):
    """The front end fails ("Cannot set properties of undefined (setting 'selected')") when it gets a
    shorter option list while the old selection indices are still set: clear the selection first."""
    seen = []
    pooling.controls["studies"].observe(
        lambda change: seen.append(tuple(pooling.controls["studies"].index)), names="_options_labels"
    )
    assert len(pooling.controls["studies"].index) == 4
    pooling.controls["design"].value = "cohort"
    pooling.controls["endpoint"].value = "OS"
    pooling.controls["design"].value = "rct"
    assert seen and all(index == () for index in seen)
    _no_error(pooling.message)


def test_cross_trial_presets_and_reset():
    panel = panels.cross_trial_panel()
    _preset(panel, "Question 2").click()
    assert panel.value == ("launch", "yan2025_tace_bev")
    assert "LAUNCH" in panel.views["reasons"].value
    panel.reset()
    assert panel.value == ("chictr2100049829_tace_atezo_bev", "chictr2200056222_debtace_tqb_anlo")
    assert "has a control arm" in panel.views["reasons"].value


def test_reset_moves_the_chart_input_even_before_the_kernel_heard_of_a_change():
    """The browser reports a bound input's change 150 ms late: a Reset clicked right after it finds the
    kernel still at the starting value, and must still reach the chart: the spec is sent again, with
    the param at that value (and a counter in usermeta, so that it differs), and drawn afresh."""
    panel = panels.evidence_explorer_panel()
    view = panel.views["forest"]
    first = view.spec
    assert panel.state["endpoint"] == "PFS"  # the browser may show OS: the kernel has not heard yet
    panel.controls["endpoint"].value = "OS"  # a preset or Reset: the param's value in the spec
    assert view.spec["params"][0]["value"] == "OS" and view.spec["usermeta"]["hcckit_push"] == 1
    panel.reset()
    assert view.spec["params"][0]["value"] == "PFS" and view._params == {"endpoint": "PFS"}
    assert view.spec == first  # the reset's redraw is the first drawing
    pushed = dict(view.spec)
    panel.controls["endpoint"].value = "PFS"  # unchanged in the kernel: still sent (the browser may differ)
    assert view.spec != pushed and view.spec["params"][0]["value"] == "PFS"
