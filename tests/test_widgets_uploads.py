"""Upload panels: a bad file shows a message naming the problem and the previous results stay."""

from __future__ import annotations

import datetime

import pytest

from hcckit import uploads
from hcckit.widgets.uploads import CurveUploadPanel, MeasurementsUploadPanel


def _upload(widget, content: bytes, name: str) -> None:
    """Set a FileUpload's value as the browser does (ipywidgets 8: a tuple of dicts)."""
    widget.value = (
        {
            "name": name,
            "type": "text/csv",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime.datetime.now(datetime.UTC),
        },
    )


def _message(panel) -> str:
    return panel._message.value


def test_measurements_upload_then_bad_file_keeps_results():
    panel = MeasurementsUploadPanel()
    assert panel.best is None
    text = uploads.example_csv("measurements").replace("Teaching patient (synthetic)", "P7")
    _upload(panel._upload, text.encode(), "cases.csv")
    assert "hcckit-info" in _message(panel) and "1 patient," in _message(panel)
    assert set(panel.best["criterion"]) == {"RECIST 1.1", "mRECIST", "WHO", "EASL"}
    spec = panel.chart.chart.to_dict()
    assert "P7" in str(spec) and "mRECIST" in str(spec)
    best_before = panel.best.copy()

    _upload(panel._upload, b"PK\x03\x04 an excel file", "cases.xlsx")
    assert "hcckit-error" in _message(panel) and "cases.xlsx" in _message(panel)
    assert "Traceback" not in _message(panel)
    assert panel.best.equals(best_before), "a bad file must not lose the previous results"
    assert "P7" in str(panel.chart.chart.to_dict())

    # a file that parses but breaks a response rule names the file and the field
    _upload(panel._upload, b"patient,lesion,day,kind,ld_mm\nA,L1,0,target,\nA,L1,42,target,20\n", "rule.csv")
    assert "rule.csv" in _message(panel) and "ld_mm" in _message(panel)
    assert panel.best.equals(best_before)


def test_measurements_criterion_switch_redraws():
    panel = MeasurementsUploadPanel()
    panel._example.click()
    before = panel.chart.chart.to_dict()
    panel._criterion.value = "RECIST 1.1"
    assert panel.chart.chart.to_dict() != before


def test_curve_upload_example_and_bad_files():
    panel = CurveUploadPanel()
    panel._example.click()
    assert panel.report is not None and panel.report.n == 120
    assert panel.report.max_abs_error < 0.01
    spec = str(panel.chart.chart.to_dict())
    assert "SYNTHETIC" in spec
    good = panel.ipd.copy()

    _upload(panel._curve_upload, b"time,survival\n0,1\n3,abc\n", "bad_curve.csv")
    assert "bad_curve.csv" in _message(panel) and "line 3" in _message(panel)
    assert panel.ipd.equals(good)

    _upload(panel._risk_upload, b"time,n_at_risk\n0,10\n3,20\n", "rising.csv")
    assert "hcckit-error" in _message(panel)
    assert panel.ipd.equals(good)


def test_curve_without_at_risk_needs_n():
    panel = CurveUploadPanel()
    _upload(panel._curve_upload, b"time,survival\n0,1\n2,0.8\n4,0.6\n6,0.5\n", "c.csv")
    assert "number of patients" in _message(panel)
    panel._n.value = 50
    assert panel.report is not None and panel.report.n == 50
    assert "hcckit-info" in _message(panel)


@pytest.mark.parametrize("panel_class", [MeasurementsUploadPanel, CurveUploadPanel])
def test_empty_state_chart(panel_class):
    panel = panel_class()
    assert "Upload" in str(panel.chart.chart.to_dict())
