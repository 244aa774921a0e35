"""hcckit.widgets.appraisal: panels redraw in place, bad input becomes a message, never a traceback."""

from __future__ import annotations

import pytest

from hcckit import appraisal
from hcckit.widgets.appraisal import CheckYourselfPanel, WalkthroughPanel, finding_card_html


@pytest.fixture(scope="module")
def findings():
    return appraisal.audit()


def test_walkthrough_steps_through_findings_and_redraws(findings):
    panel = WalkthroughPanel(findings)
    assert "hcckit-primary-control" in panel.controls["finding"]._dom_classes
    assert "hcckit-chart" in panel.views["chart"]._dom_classes
    assert len(panel.controls["finding"].options) == len(findings)
    first = panel.value
    assert first["severity"] == "error"
    before = panel.views["chart"].chart.to_dict()
    # go to a hazard-ratio finding: the chart changes to the HR drawing
    target = findings.index[findings["check"] == "hr_ci"][0]
    panel.controls["finding"].value = int(target)
    assert panel.value["check"] == "hr_ci"
    assert panel.views["chart"].chart.to_dict() != before
    assert "geometric_mean" in str(panel.views["chart"].chart.to_dict())
    assert (
        "Printed" in panel.views["card"].value
        and panel.value["reported"].split(" ")[0] in panel.views["card"].value
    )
    panel.next_button.click()
    assert panel.controls["finding"].value == int(target) + 1
    panel.controls["finding"].value = 0
    panel.previous_button.click()
    assert panel.controls["finding"].value == len(findings) - 1  # wraps around


def test_walkthrough_filter_by_severity(findings):
    panel = WalkthroughPanel(findings)
    panel.controls["severity"].value = "info"
    assert len(panel.controls["finding"].options) == (findings["severity"] == "info").sum()
    assert panel.value["severity"] == "info"
    assert "Traceback" not in panel.message.value


def test_walkthrough_empty_state():
    panel = WalkthroughPanel(appraisal.audit(checks=["median_ci"]))
    assert panel.value is None
    assert "No finding" in panel.message.value
    assert panel.views["chart"].chart.to_dict()["mark"]["type"] == "text"


def test_finding_card_escapes_html():
    card = finding_card_html(
        {
            "severity": "error",
            "check": "percentage",
            "message": "<script>x</script>",
            "reported": "1 < 2",
            "recomputed": "ok",
        }
    )
    assert "<script>" not in card and "&lt;script&gt;" in card


def test_check_yourself_starts_with_a_result_and_mode_changes_chart():
    panel = CheckYourselfPanel()
    assert "hcckit-primary-control" in panel.controls["mode"]._dom_classes
    assert [f.severity for f in panel.value] == ["error"]  # 20/31 printed 54.5 %
    assert "54.5" in panel.views["results"].value
    before = panel.views["chart"].chart.to_dict()
    panel.controls["mode"].value = panel.MODES[1]
    after = panel.views["chart"].chart.to_dict()
    assert before != after and "geometric_mean" in str(after)
    assert [f.check for f in panel.value] == ["hr_ci", "hr_p_value"]
    panel.controls["mode"].value = panel.MODES[2]
    assert [f.check for f in panel.value] == ["two_by_two"]
    assert "Fisher exact" in str(panel.views["chart"].chart.to_dict())


def test_check_yourself_percentage_inputs():
    panel = CheckYourselfPanel()
    panel.controls["count"].value = "3"
    panel.controls["n"].value = "45"
    panel.controls["percent"].value = "7"
    assert [f.severity for f in panel.value] == ["pass"]
    panel.controls["count"].value = ""
    panel.controls["n"].value = "205"
    panel.controls["percent"].value = "29.6"
    panel.controls["denominator"].value = "arm_size"
    assert [f.severity for f in panel.value] == ["warning"]
    assert "GRIM" in panel.views["results"].value


def test_check_yourself_bad_input_is_a_message_not_a_traceback():
    panel = CheckYourselfPanel()
    panel.controls["n"].value = "thirty-one"
    assert panel.value == []
    assert "n:" in panel.message.value and "Traceback" not in panel.message.value
    assert panel.views["chart"].chart.to_dict()["mark"]["type"] == "text"
    panel.controls["n"].value = "31"
    assert panel.value and panel.message.value == ""
    panel.controls["percent"].value = ""
    assert panel.value == [] and "Enter n" in panel.message.value
    panel.controls["mode"].value = panel.MODES[1]
    panel.controls["low"].value = "0.9"  # above the HR and the upper limit
    panel.controls["high"].value = "0.5"
    assert "low, high" in panel.message.value
    panel.controls["mode"].value = panel.MODES[2]
    panel.controls["a"].value = "70"
    assert "a:" in panel.message.value and "Traceback" not in panel.message.value


def test_panels_are_lesson_panels_with_reset(findings):
    from hcckit.widgets.panel import Panel

    walk = WalkthroughPanel(findings)
    assert isinstance(walk, Panel) and "hcckit-message" in walk.message._dom_classes
    assert set(walk.controls) == {"severity", "finding"} and "chart" in walk.views
    assert "hcckit-chart" in walk.views["chart"]._dom_classes
    start = walk.views["chart"].chart.to_dict()
    walk.controls["severity"].value = "info"
    walk.next_button.click()
    assert walk.value["severity"] == "info"
    walk.reset_button.click()
    assert walk.state == {"severity": "all", "finding": 0}
    assert walk.value["severity"] == "error" and len(walk.controls["finding"].options) == len(findings)
    assert walk.views["chart"].chart.to_dict() == start

    check = CheckYourselfPanel()
    assert isinstance(check, Panel) and "hcckit-primary-control" in check.controls["mode"]._dom_classes
    first = [f.severity for f in check.value]
    check.controls["mode"].value = check.MODES[2]
    check.controls["a"].value = "70"  # a bad input: a message, then Reset clears it
    assert "a:" in check.message.value
    check.reset()
    assert check.controls["mode"].value == check.MODES[0] and check.controls["a"].value == "4"
    assert [f.severity for f in check.value] == first and check.message.value == ""
    assert "54.5" in check.views["results"].value


def test_names_not_ids_in_cards_tables_and_dropdown(findings):
    import html
    import re

    from hcckit.widgets.appraisal import cards, findings_table, what_text

    assert what_text("DCR (mRECIST): tace_bev vs tace", trial_id="yan2025_tace_bev") == (
        "DCR (mRECIST): TACE + IA bevacizumab vs TACE"
    )
    assert what_text("recurrence_12m", trial_id="yan2025_tace_bev") == "Recurrence at 12 months"
    assert what_text("child_pugh: A") == "Child-Pugh class: A"
    panel = WalkthroughPanel(findings)
    target = int(findings.index[findings["check"] == "hr_ci"][0])
    panel.controls["finding"].value = target
    card = panel.views["card"].value
    assert "Hazard ratio vs its CI" in card and "<code>hr_ci</code>" not in card
    assert "haic_folfox" not in card and "HAIC" in card
    ids = re.compile(r"\b(tace_bev|debtace_tqb_anlo|haic_folfox|recurrence_12m|child_pugh|text_vs_table)\b")
    assert not any(ids.search(label) for label, _ in panel.controls["finding"].options)
    assert all(len(label) <= 110 for label, _ in panel.controls["finding"].options)

    notes = findings[findings["check"] == "recorded_discrepancy"]
    table = findings_table(notes, columns=["study", "what", "check", "reported"])
    text = re.sub(r"<[^>]+>", " ", table.html)
    assert "Discrepancy recorded by the curator" in text and "recorded_discrepancy" not in text
    longest = max(notes["reported"], key=len)  # never cut: the full note is in the table
    assert len(longest) > 200 and html.escape(longest) in table.html
    assert "Number checked" in table.html and "Printed" in table.html

    shown = cards(appraisal.check_hr_ci("0.41", "0.26", "0.64", p="0.008"))
    assert repr(shown) == "Findings (2: Consistent, Error)"
    assert "P-value vs hazard ratio and CI" in shown._repr_html_()


def test_the_card_colours_severity_with_the_audits_one_palette():
    import re

    from hcckit.charts.appraisal import SEVERITY_COLOURS

    for severity, colour in SEVERITY_COLOURS.items():
        card = finding_card_html({"severity": severity, "check": "percentage", "message": "m"})
        assert f"border-left:6px solid {colour}" in card
        assert set(re.findall(r"#[0-9A-Fa-f]{6}", card)) == {colour, "#333333"}  # no second palette
