"""Upload panels: a bad file shows a message naming the problem and the previous results stay."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from ipywidgets import FileUpload

from hcckit import uploads
from hcckit.widgets.uploads import (
    FEWER_CLASS,
    MAX_BYTES_CLASS,
    CurveUploadPanel,
    MeasurementsUploadPanel,
    limited_upload,
    size_label,
)


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
    return panel.message.value


def test_measurements_upload_then_bad_file_keeps_results():
    panel = MeasurementsUploadPanel()
    assert panel.best is None
    text = uploads.example_csv("measurements").replace("Teaching patient (synthetic)", "P7")
    _upload(panel.upload, text.encode(), "cases.csv")
    assert "hcckit-info" in _message(panel) and "1 patient," in _message(panel)
    assert set(panel.best["criterion"]) == {"RECIST 1.1", "mRECIST", "WHO", "EASL"}
    spec = panel.views["chart"].chart.to_dict()
    assert "P7" in str(spec) and "mRECIST" in str(spec)
    best_before = panel.best.copy()

    _upload(panel.upload, b"PK\x03\x04 an excel file", "cases.xlsx")
    assert "hcckit-error" in _message(panel) and "cases.xlsx" in _message(panel)
    assert "Traceback" not in _message(panel)
    assert panel.best.equals(best_before), "a bad file must not lose the previous results"
    assert "P7" in str(panel.views["chart"].chart.to_dict())

    # a file that parses but breaks a response rule names the file and the field
    _upload(panel.upload, b"patient,lesion,day,kind,ld_mm\nA,L1,0,target,\nA,L1,42,target,20\n", "rule.csv")
    assert "rule.csv" in _message(panel) and "ld_mm" in _message(panel)
    assert panel.best.equals(best_before)


def test_measurements_criterion_switch_redraws():
    panel = MeasurementsUploadPanel()
    panel.example_button.click()
    before = panel.views["chart"].chart.to_dict()
    panel.controls["criterion"].value = "RECIST 1.1"
    assert panel.views["chart"].chart.to_dict() != before


def test_curve_upload_example_and_bad_files():
    panel = CurveUploadPanel()
    panel.example_button.click()
    assert panel.report is not None and panel.report.n == 120
    assert panel.report.max_abs_error < 0.01
    spec = str(panel.views["chart"].chart.to_dict())
    assert "SYNTHETIC" in spec
    good = panel.ipd.copy()

    _upload(panel.curve_upload, b"time,survival\n0,1\n3,abc\n", "bad_curve.csv")
    assert "bad_curve.csv" in _message(panel) and "line 3" in _message(panel)
    assert panel.ipd.equals(good)

    _upload(panel.risk_upload, b"time,n_at_risk\n0,10\n3,20\n", "rising.csv")
    assert "hcckit-error" in _message(panel)
    assert panel.ipd.equals(good)


def test_curve_without_at_risk_needs_n():
    panel = CurveUploadPanel()
    _upload(panel.curve_upload, b"time,survival\n0,1\n2,0.8\n4,0.6\n6,0.5\n", "c.csv")
    assert "number of patients" in _message(panel)
    panel.controls["n"].value = 50
    assert panel.report is not None and panel.report.n == 50
    assert "hcckit-info" in _message(panel)


@pytest.mark.parametrize("panel_class", [MeasurementsUploadPanel, CurveUploadPanel])
def test_empty_state_chart(panel_class):
    panel = panel_class()
    assert "Upload" in str(panel.views["chart"].chart.to_dict())


# --------------------------------------------------------------------------- issue 14
def test_a_recist_only_file_is_classified_by_what_it_supports():
    panel = MeasurementsUploadPanel()
    text = "patient,lesion,day,kind,ld_mm\nP1,L1,0,target,40\nP1,L1,42,target,26\nP1,L1,84,target,25\n"
    _upload(panel.upload, text.encode(), "recist_only.csv")
    message = _message(panel)
    assert "hcckit-info" in message and "classified under RECIST 1.1." in message
    assert "Not applied: mRECIST (no &#x27;viable_ld_mm&#x27; column)" in message or (
        "Not applied: mRECIST (no 'viable_ld_mm' column)" in message
    )
    assert set(panel.best["criterion"]) == {"RECIST 1.1"}
    assert panel.best["best_response"].iloc[0] == "PR"  # 40 -> 26 mm: -35 %, confirmed at day 84
    assert "RECIST 1.1" in str(
        panel.views["chart"].chart.to_dict()
    )  # the chart falls back to a criterion it has


def test_a_large_file_inside_the_limits_draws():
    # issue 14: 1,251 patients x 4 visits hit altair's 5,000-row limit and left the panel half-updated
    rows = ["patient,lesion,day,kind,ld_mm,viable_ld_mm"]
    for p in range(1251):
        for day, mm in ((0, 40), (42, 30), (84, 26), (126, 25)):
            rows.append(f"P{p},L1,{day},target,{mm},{mm}")
    content = ("\n".join(rows) + "\n").encode()
    assert len(content) < uploads.MAX_BYTES and len(rows) - 1 <= uploads.MAX_ROWS
    panel = MeasurementsUploadPanel()
    _upload(panel.upload, content, "big.csv")
    assert "hcckit-info" in _message(panel), _message(panel)
    assert panel.best["patient"].nunique() == 1251


def test_a_curve_that_reads_but_cannot_be_rebuilt_does_not_replace_the_last_good_one(monkeypatch):
    from hcckit import survival

    panel = CurveUploadPanel()
    panel.example_button.click()
    good_curve, good_ipd, good_chart = (
        panel.curve.copy(),
        panel.ipd.copy(),
        panel.views["chart"].chart.to_dict(),
    )
    good_report = panel.views["report"].value

    def fails(*args, **kwargs):
        raise ValueError("curve: the reconstruction failed")

    monkeypatch.setattr(survival, "reconstruct_ipd", fails)
    _upload(panel.curve_upload, b"time,survival\n0,1\n3,0.7\n6,0.5\n", "new_curve.csv")
    assert "hcckit-error" in _message(panel) and "reconstruction failed" in _message(panel)
    assert panel.curve.equals(good_curve) and panel.ipd.equals(good_ipd)
    assert panel.views["chart"].chart.to_dict() == good_chart and panel.views["report"].value == good_report
    _upload(panel.risk_upload, b"time,n_at_risk\n0,50\n3,30\n", "new_risk.csv")
    assert panel.curve.equals(good_curve) and panel.ipd.equals(good_ipd)


def test_reset_empties_the_upload_panels():
    panel = MeasurementsUploadPanel()
    first_chart = panel.views["chart"].chart.to_dict()
    panel.example_button.click()
    panel.controls["criterion"].value = "RECIST 1.1"
    assert panel.best is not None and panel.views["chart"].chart.to_dict() != first_chart
    panel.reset_button.click()
    assert panel.best is None and panel.state == {"criterion": "mRECIST"}
    assert (
        panel.views["chart"].chart.to_dict() == first_chart
        and panel.views["summary"].value == ""
        and _message(panel) == ""
    )

    curve = CurveUploadPanel()
    first_chart = curve.views["chart"].chart.to_dict()
    curve.example_button.click()
    curve.controls["n"].value = 50
    assert curve.ipd is not None
    curve.reset_button.click()
    assert curve.ipd is None and curve.curve is None and curve.state == {"n": 0, "events": 0}
    assert curve.views["chart"].chart.to_dict() == first_chart and curve.views["report"].value == ""


# --- issue 14: the size limit is carried to the browser, and agrees with the server's -----------

TEMPLATE = Path(__file__).resolve().parents[1] / "jupyter-data" / "voila" / "templates" / "hcckit"


def _file_uploads(panel) -> list:
    return [w for w in vars(panel).values() if isinstance(w, FileUpload)]


@pytest.mark.parametrize("panel_class", [MeasurementsUploadPanel, CurveUploadPanel])
def test_upload_widgets_carry_the_limit_the_server_enforces(panel_class):
    panel = panel_class()
    found = _file_uploads(panel)
    assert found, "the panel has no FileUpload"
    label = size_label(uploads.MAX_BYTES)
    for upload in found:
        classes = upload._dom_classes
        limits = [c for c in classes if c.startswith(MAX_BYTES_CLASS)]
        assert limits == [f"{MAX_BYTES_CLASS}{uploads.MAX_BYTES}"], classes
        assert len([c for c in classes if c.startswith(FEWER_CLASS)]) == 1, classes
        assert f"(up to {label})" in upload.description, upload.description
        assert f"{uploads.MAX_BYTES:,} bytes" in upload.tooltip
        assert upload.multiple is False


def test_a_file_over_the_limit_that_reaches_the_kernel_names_the_same_limit():
    # the browser refuses it first (hcckit_guard.js); without the template the server still does
    panel = MeasurementsUploadPanel()
    panel.example_button.click()
    best = panel.best.copy()
    content = b"patient,lesion,day,kind,ld_mm\n" + b"P,L1,0,target,10\n" * (uploads.MAX_BYTES // 17 + 1)
    assert len(content) > uploads.MAX_BYTES
    _upload(panel.upload, content, "too_big.csv")
    message = _message(panel)
    assert "hcckit-error" in message and "too_big.csv" in message
    assert f"the limit is {size_label(uploads.MAX_BYTES)}" in message, message
    assert panel.best.equals(best)


def test_size_label_and_limited_upload_arguments():
    assert size_label(2_000_000) == "2 MB" and size_label(1_500_000) == "1.5 MB"
    assert "(up to 0.5 MB)" in limited_upload("CSV", fewer="rows", max_bytes=500_000).description
    with pytest.raises(ValueError, match="max_bytes"):
        limited_upload("CSV", fewer="rows", max_bytes=0)
    with pytest.raises(ValueError, match="fewer"):
        limited_upload("CSV", fewer="two words")


def test_the_voila_guard_reads_the_classes_the_widgets_set():
    guard = (TEMPLATE / "hcckit_guard.js").read_text()
    assert f"/(?:^|\\s){MAX_BYTES_CLASS}(\\d+)(?=\\s|$)/" in guard
    assert f"/(?:^|\\s){FEWER_CLASS}([a-z]+)(?=\\s|$)/" in guard
    assert "the most this lesson reads is" in guard
    assert "{% include 'hcckit_guard.js' %}" in (TEMPLATE / "index.html.j2").read_text()
    # Jinja includes the script: it must hold no Jinja delimiters
    assert not any(mark in guard for mark in ("{{", "{%", "{#"))


def test_the_limit_fits_in_one_websocket_message():
    """A file the widget may send (MAX_BYTES) must fit tornado's websocket message limit.

    Over that limit tornado closes the kernel's connection ("Connection lost, reconnecting")
    instead of delivering the file; ipywidgets 8 sends the file as a binary buffer (its size
    plus a JSON envelope of a few kB), so 64 kB of room is left for the envelope.
    """
    import json

    from tornado import websocket

    limit = websocket._default_max_message_size  # 10 MiB unless configured
    for name in ("jupyter_server_config.json", "voila.json"):
        config = json.loads((TEMPLATE.parents[3] / "jupyter-config" / name).read_text())
        for section in ("ServerApp", "Voila"):
            settings = config.get(section, {}).get("tornado_settings", {})
            limit = min(limit, settings.get("websocket_max_message_size", limit))
    assert uploads.MAX_BYTES + 64_000 <= limit, (uploads.MAX_BYTES, limit)


def test_the_old_chart_attribute_still_works_with_a_warning():
    panel = MeasurementsUploadPanel()
    with pytest.warns(DeprecationWarning, match=r'MeasurementsUploadPanel.chart is now .views\["chart"\]'):
        assert panel.chart is panel.views["chart"]
    with pytest.warns(DeprecationWarning, match="CurveUploadPanel.chart"):
        assert CurveUploadPanel().chart.chart.to_dict() == CurveUploadPanel().views["chart"].chart.to_dict()
    with pytest.raises(AttributeError, match="read-only"):
        panel.chart = None
