"""Lesson 07 widgets: the slice viewer (traits, payload, shipped JavaScript), the panels, the notebook.

The viewer is tested on a small stand-in volume built here with numpy; the panels on the real
SYNTHETIC case (:func:`hcckit.imaging.phantom.load_case`), with readings given the way the page gives
them (the viewer's ``readings`` trait set to a list of dicts). The page itself (mouse, canvas) is
tests/browser/test_voila_imaging.py.
"""

from __future__ import annotations

import datetime
import html
import io
import math
import re
import tomllib
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from hcckit.checks import imaging as imaging_questions
from hcckit.checks._questions import grade
from hcckit.imaging import measure, phantom
from hcckit.widgets import imaging as im
from hcckit.widgets.imaging_viewer import (
    MEASURES,
    WINDOW_PRESETS,
    SliceViewer,
    scan_bytes,
)

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "07_imaging_lab.ipynb"
JS = REPO / "hcckit" / "widgets" / "js" / "caliper.js"


def stand_in_volume(slices=6, rows=40, cols=50):
    """A small int16 volume: background -1000 HU, a 60 HU 'liver' block, a bright disc on the middle slice."""
    vol = np.full((slices, rows, cols), -1000, dtype=np.int16)
    vol[:, 5:35, 5:45] = 60
    r, c = np.mgrid[0:rows, 0:cols]
    vol[slices // 2][(r - 20) ** 2 + (c - 25) ** 2 < 64] = 150
    return vol


def page_reading(**kw):
    """A reading as caliper.js sends it after a drag (length computed in the browser)."""
    base = {
        "lesion": "A",
        "day": 0,
        "measure": "ld_mm",
        "length_mm": None,
        "slice": 6,
        "p0": [40.0, 40.0],
        "p1": [40.0, 90.0],
        "phase": "arterial",
    }
    base.update(kw)
    return base


# --------------------------------------------------------------------------- payload and viewer


def test_scan_bytes_round_trip_little_endian_c_order():
    vol = stand_in_volume()
    payload, shape = scan_bytes(vol)
    assert shape == [6, 40, 50] and len(payload) == vol.size * 2
    back = np.frombuffer(payload, dtype="<i2").reshape(shape)
    assert np.array_equal(back, vol)
    # a Fortran-ordered or big-endian array gives the same bytes (the page reads C order, little-endian)
    assert scan_bytes(np.asfortranarray(vol))[0] == payload
    assert scan_bytes(vol.astype(">i2"))[0] == payload


def test_scan_bytes_rounds_clips_and_promotes_2d():
    payload, shape = scan_bytes(np.array([[1.4, 1.6, -40000.0, 40000.0]]))
    assert shape == [1, 1, 4]
    assert np.frombuffer(payload, dtype="<i2").tolist() == [1, 2, -32768, 32767]


@pytest.mark.parametrize(
    "bad, words",
    [
        (np.zeros(5), "1-D"),
        (np.zeros((2, 2, 2, 2)), "4-D"),
        (np.zeros((0, 3, 3)), "no pixel"),
        (np.array([["a", "b"]]), "numbers"),
        (np.array([[np.nan, 1.0]]), "NaN"),
    ],
)
def test_scan_bytes_refuses_what_is_not_an_image(bad, words):
    with pytest.raises(ValueError, match=rf"^pixels: .*{words}"):
        scan_bytes(bad)


def test_viewer_show_sends_one_scan_and_keeps_the_slice_in_range():
    vol = stand_in_volume()
    v = SliceViewer()
    n = v.show(vol, (5.0, 0.7, 0.8), label="SYNTHETIC · stand-in", slice_index=99, day=42, phase="arterial")
    assert n == vol.size * 2 == v.bytes_sent
    assert v.shape == [6, 40, 50] and v.spacing_mm == [5.0, 0.7, 0.8]
    assert v.slice_index == 5  # clipped to the last slice
    assert (v.day, v.phase, v.label) == (42, "arterial", "SYNTHETIC · stand-in")
    assert np.array_equal(v.volume, vol)
    v.slice_index = -3
    assert v.slice_index == 0
    v.show(vol[:2], (1.0, 1.0), label="x")  # 2 sizes: (row, col) of one slice
    assert v.spacing_mm == [1.0, 1.0, 1.0] and v.slice_index == 0 and v.bytes_sent == n + 2 * 40 * 50 * 2


def test_viewer_windows_and_bad_input():
    v = SliceViewer()
    for name, (level, width) in WINDOW_PRESETS.items():
        v.apply_window(name)
        assert (v.level, v.width) == (level, width)
    assert WINDOW_PRESETS["liver"] == (60.0, 150.0)
    with pytest.raises(ValueError, match="^preset: 'lung'"):
        v.apply_window("lung")
    with pytest.raises(Exception, match="width: the window width must be at least 1 HU"):
        v.width = 0
    with pytest.raises(ValueError, match="^spacing_mm: "):
        v.show(stand_in_volume(), (5.0, 0.0, 1.0), label="x")
    with pytest.raises(Exception, match="measure"):
        v.measure = "volume_ml"
    v.show(stand_in_volume(), (1, 1, 1), label="x")
    v.readings = [page_reading()]
    v.clear("Nothing yet")
    assert v.pixels == b"" and v.shape == [0, 0, 0] and v.readings == [] and v.empty_text == "Nothing yet"


def test_caliper_js_is_shipped_offline_and_is_the_viewers_module():
    text = JS.read_text(encoding="utf-8")
    assert str(SliceViewer._esm) == text  # anywidget reads the file shipped in the package
    assert "export default" in text and "render(" in text
    assert not re.search(r"\bimport\s", text), "caliper.js imports nothing (no CDN, no bundle)"
    assert "http" not in text.replace("https://", "") and "//cdn" not in text
    assert 'getContext("2d")' in text and not re.search(r"getContext\(\s*[\"']webgl", text, re.I)
    # every trait the page reads is a synced trait of the widget
    read = set(re.findall(r'model\.get\("([a-z_]+)"\)', text))
    synced = set(SliceViewer().keys)
    assert read <= synced, read - synced
    # the package ships hcckit/widgets/js/*.js
    data = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "js/*.js" in data["hcckit.widgets"]


# --------------------------------------------------------------------------- reading station


@pytest.fixture(scope="module")
def case():
    return phantom.load_case("tace_response")


@pytest.fixture
def panel(case):
    return im.ReadingPanel(case)


def exact_readings(case, *, skip=()):
    """Calipers whose lengths are exactly the truth's: a horizontal line of the true length (1 mm pixels)."""
    t = case.truth
    out = []
    for row in t[t["ld_mm"].notna()].to_dict("records"):
        measures = MEASURES if row["kind"] == "target" else ("ld_mm",)
        for m in measures:
            if (row["lesion"], row["day"], m) in skip:
                continue
            r, c = row["centre_rc"]
            length = float(row[m])
            col_mm = case.scans[(row["day"], "arterial")].spacing_mm[2]
            out.append(
                page_reading(
                    lesion=row["lesion"], day=int(row["day"]), measure=m, length_mm=length, slice=int(row["slice"]),
                    p0=[r, c - length / col_mm / 2], p1=[r, c + length / col_mm / 2],
                )
            )  # fmt: skip
    return out


#: the reading panel's state when it opens and after Reset
START_STATE = {"phase": "arterial", "visit": 0, "window": "liver", "lesion": "A", "measure": "ld_mm"}


def test_reading_panel_starts_on_the_first_lesion_at_baseline(panel, case):
    assert panel.state == START_STATE
    viewer = panel.views["viewer"]
    first = case.truth[(case.truth["lesion"] == "A") & (case.truth["day"] == 0)].iloc[0]
    assert viewer.slice_index == int(first["slice"])
    assert np.array_equal(viewer.volume, case.scans[(0, "arterial")].pixels)
    assert "SYNTHETIC" in viewer.label and (viewer.level, viewer.width) == (60.0, 150.0)
    assert "hcckit-primary-control" in panel.controls["phase"]._dom_classes
    assert "hcckit-chart" in viewer._dom_classes
    # the tumour thrombus is non-measurable: not offered; lesions by name, never by id
    assert [v for _k, v in panel.controls["lesion"].options] == ["A", "B", "N1", "N2"]
    assert [k for k, _v in panel.controls["lesion"].options][0] == "Segment VIII lesion"
    assert panel.bytes_sent == 16 * 192 * 192 * 2
    assert "appear here" in panel.views["verdicts"].value


def test_phase_and_visit_send_the_scan_once_each(panel, case):
    viewer = panel.views["viewer"]
    viewer.slice_index = 9
    panel.controls["phase"].value = "portal_venous"
    assert np.array_equal(viewer.volume, case.scans[(0, "portal_venous")].pixels)
    assert viewer.slice_index == 9  # same geometry: the reader stays on the slice
    assert viewer.phase == "portal_venous" and "portal-venous" in viewer.label
    panel.controls["visit"].value = 84
    assert viewer.day == 84 and np.array_equal(viewer.volume, case.scans[(84, "portal_venous")].pixels)
    assert panel.bytes_sent == 3 * 16 * 192 * 192 * 2
    panel.controls["window"].value = "soft_tissue"
    assert (viewer.level, viewer.width) == (40.0, 400.0)
    panel.controls["lesion"].value = "B"
    panel.controls["measure"].value = "viable_perp_mm"
    assert (viewer.active, viewer.measure) == ("B", "viable_perp_mm")


def test_a_reading_from_the_page_is_rechecked_in_python(panel):
    viewer = panel.views["viewer"]
    viewer.readings = [page_reading(length_mm=50.0)]  # browser and Python agree (1 mm pixels)
    (r,) = panel.readings
    assert r["length_mm"] == pytest.approx(measure.caliper_mm((40, 40), (40, 90), (1.0, 1.0))) == 50.0
    assert panel.message.value == ""
    # a page that got the length wrong: Python's length is kept, and the panel says so in one line
    viewer.readings = [page_reading(length_mm=61.0, p1=[70.0, 80.0])]
    (r,) = panel.readings
    assert r["length_mm"] == pytest.approx(50.0) and r["browser_mm"] == 61.0
    assert "re-checked in Python: 50.0 mm" in panel.message.value and "61.0 mm" in panel.message.value
    assert viewer.readings[0]["length_mm"] == pytest.approx(50.0)  # the page shows the checked length


def test_one_reading_per_lesion_visit_and_measure(panel):
    panel.add_reading(lesion="A", measure="ld_mm", p0=(40, 40), p1=(40, 90))
    panel.add_reading(lesion="A", measure="viable_ld_mm", p0=(40, 40), p1=(40, 70))
    panel.add_reading(lesion="A", measure="ld_mm", p0=(40, 40), p1=(40, 88))  # measured again: replaces
    assert [(r["measure"], r["length_mm"]) for r in panel.readings] == [
        ("viable_ld_mm", 30.0),
        ("ld_mm", 48.0),
    ]
    assert (
        "Segment VIII lesion" in panel.views["readings"].value and "48.0 mm" in panel.views["readings"].value
    )
    panel.delete_last()
    assert [r["measure"] for r in panel.readings] == ["viable_ld_mm"]


def test_bad_reading_is_a_message_and_the_panel_keeps_working(panel):
    panel.add_reading(lesion="A", measure="ld_mm", p0=(40, 40), p1=(40, 90))
    before = panel.readings
    panel.views["viewer"].readings = [*panel.views["viewer"].readings, page_reading(lesion="PVTT")]
    assert "Cannot update: lesion: 'PVTT' is not a lesion of this case" in html.unescape(panel.message.value)
    assert panel.readings == before
    panel.views["viewer"].readings = [page_reading(p1=[1.0])]
    assert "p1: expected (row, col)" in panel.message.value
    panel.add_reading(lesion="B", measure="ld_mm", p0=(40, 40), p1=(40, 70))
    assert panel.message.value == "" and len(panel.readings) == 2


def test_exact_readings_agree_with_the_truth_everywhere(panel, case):
    panel.views["viewer"].readings = exact_readings(case)
    assert panel.message.value == ""
    v = panel.verdicts
    assert set(v["criterion"]) == {"RECIST 1.1", "mRECIST", "WHO", "EASL"}
    assert v["agree"].all(), v[~v["agree"]]
    table = panel.views["verdicts"].value
    # every follow-up and the confirmed best response, per criterion: 4 x (2 + 1) rows
    assert len(re.findall(r"<tr data-criterion=", table)) == 12
    assert "you agree on 12 of 12" in table
    errors = panel.errors
    assert errors["error_mm"].abs().max() == pytest.approx(0.0, abs=1e-9)
    assert "Segment VI new nodule" in panel.views["errors"].value


def test_a_few_millimetres_flip_mrecist_on_the_new_nodule(panel, case):
    """N1 (typical, 11 mm on day 84) measured 9 mm: mRECIST no longer counts it; the table says so."""
    readings = exact_readings(case, skip={("N1", 84, "ld_mm")})
    n1 = case.truth[(case.truth["lesion"] == "N1")].iloc[0]
    r, c = n1["centre_rc"]
    readings.append(
        page_reading(lesion="N1", day=84, p0=[r, c - 4.5], p1=[r, c + 4.5], slice=int(n1["slice"]))
    )
    panel.views["viewer"].readings = readings
    v = panel.verdicts
    mine = v[(v["criterion"] == "mRECIST") & (v["row"] == "visit") & (v["day"] == 84)].iloc[0]
    truth = mine["truth_response"]
    expected = measure.compare_verdicts(panel.readings, case)
    assert (
        mine["reader_response"]
        == expected[
            (expected["criterion"] == "mRECIST") & (expected["row"] == "visit") & (expected["day"] == 84)
        ]["reader_response"].iloc[0]
    )
    errors = panel.errors
    n1_err = errors[(errors["lesion"] == "N1") & (errors["measure"] == "ld_mm")]["error_mm"].iloc[0]
    assert n1_err == pytest.approx(9.0 - float(n1["ld_mm"]))
    panel.controls["visit"].value = 84
    summary = panel.views["summary"].value
    assert f"data-criterion='mRECIST' data-reader='{mine['reader_response']}' data-truth='{truth}'" in summary


def test_zero_button_and_go_to_lesion(panel, case):
    panel.controls["visit"].value = 42
    panel.controls["lesion"].value = "B"
    panel.controls["measure"].value = "viable_ld_mm"
    panel.record_zero()
    (r,) = panel.readings
    assert (r["lesion"], r["day"], r["measure"], r["length_mm"]) == ("B", 42, "viable_ld_mm", 0.0)
    panel.go_to_lesion()
    b42 = case.truth[(case.truth["lesion"] == "B") & (case.truth["day"] == 42)].iloc[0]
    assert panel.views["viewer"].slice_index == int(b42["slice"])
    panel.controls["lesion"].value = "N1"  # not seen before day 84
    panel.go_to_lesion()
    assert "not seen on Day 42" in panel.message.value


def test_reset_forgets_readings_and_restores_the_first_view(panel):
    viewer = panel.views["viewer"]
    first = (viewer.slice_index, bytes(viewer.pixels), viewer.level, viewer.width)
    panel.add_reading(lesion="A", measure="ld_mm", p0=(40, 40), p1=(40, 90))
    panel.set_state(phase="portal_venous", visit=42, window="bone", lesion="B")
    viewer.slice_index, viewer.level, viewer.width = 2, 500.0, 900.0  # scrolled and dragged in the page
    panel.reset()
    assert panel.readings == [] and viewer.readings == [] and panel.verdicts is None
    assert panel.state == START_STATE
    assert (viewer.slice_index, bytes(viewer.pixels), viewer.level, viewer.width) == first


def test_comparison_is_the_panels_own_views(panel):
    box = panel.comparison()
    assert list(box.children) == [panel.views["verdicts"], panel.views["errors"]]


def test_case_card_names_the_scans_and_says_synthetic(case):
    text = im.case_card(case).value
    assert "SYNTHETIC" in text and "Portal venous" in text and "Day 84" in text
    assert text.count("<tr>") == 1 + len(case.days) * len(case.phases)
    assert "1.2 MB" in text  # 16 x 192 x 192 int16


# --------------------------------------------------------------------------- own files


def png_bytes(array) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="PNG")
    return buf.getvalue()


def dicom_bytes(pixels, *, spacing=(0.7, 0.7), slope=1.0, intercept=-1024.0) -> bytes:
    """An anonymous CT slice written in memory with pydicom."""
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset("x.dcm", {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "CT"
    ds.Rows, ds.Columns = pixels.shape
    ds.PixelSpacing = [str(spacing[0]), str(spacing[1])]
    ds.SliceThickness = "5"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 16, 15
    ds.PixelRepresentation = 1
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.RescaleSlope, ds.RescaleIntercept = str(slope), str(intercept)
    ds.PixelData = pixels.astype("<i2").tobytes()
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


@pytest.fixture
def upload(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # whatever the panel writes would land here: it must write nothing
    yield im.UploadPanel()
    assert list(tmp_path.iterdir()) == [], "the upload panel wrote a file"


def give_file(panel, name, content):
    """A file given to the FileUpload, as the browser sends it."""
    panel.controls["upload"].value = (
        {
            "name": name,
            "type": "",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        },
    )


def test_png_needs_a_pixel_size_then_measures_in_mm(upload):
    picture = np.zeros((80, 120), dtype=np.uint8)
    picture[20:60, 30:90] = 200
    give_file(upload, "teaching.png", png_bytes(picture))
    assert "Cannot update: pixel_mm" in upload.message.value and upload.image is None
    assert upload.controls["upload"].value == ()  # nothing kept in the widget
    upload.controls["pixel_mm"].value = 0.5
    give_file(upload, "teaching.png", png_bytes(picture))
    assert upload.message.value == "" and upload.image is not None
    viewer = upload.views["viewer"]
    assert viewer.shape == [1, 80, 120] and viewer.spacing_mm[1:] == [0.5, 0.5]
    assert "teaching.png" in upload.views["source"].value and "not saved" in upload.views["source"].value
    viewer.readings = [
        page_reading(lesion="own", day=0, phase="", slice=0, p0=[40, 30], p1=[40, 90], length_mm=30.0)
    ]
    assert upload.readings[0]["length_mm"] == pytest.approx(30.0)
    # a new stated pixel size re-measures what is on screen
    upload.controls["pixel_mm"].value = 1.0
    assert upload.readings[0]["length_mm"] == pytest.approx(60.0) and "re-checked" not in upload.message.value
    assert "60.0 mm" in upload.views["readings"].value


def test_dicom_brings_its_own_spacing_and_hounsfield_units(upload):
    stored = np.full((64, 64), 1024 + 60, dtype=np.int16)  # 60 HU after the rescale intercept
    give_file(upload, "slice.dcm", dicom_bytes(stored, spacing=(0.7, 0.8)))
    assert upload.message.value == "", upload.message.value
    viewer = upload.views["viewer"]
    assert viewer.spacing_mm[1:] == [pytest.approx(0.7), pytest.approx(0.8)]
    assert np.all(viewer.volume == 60)
    viewer.readings = [page_reading(lesion="own", day=0, phase="", slice=0, p0=[10, 10], p1=[10, 60])]
    assert upload.readings[0]["length_mm"] == pytest.approx(50 * 0.8)


def test_a_bad_file_is_one_line_and_the_last_image_stays(upload):
    upload.controls["pixel_mm"].value = 0.5
    give_file(upload, "good.png", png_bytes(np.full((30, 40), 100, dtype=np.uint8)))
    shown = bytes(upload.views["viewer"].pixels)
    for name, content in [
        ("notes.txt", b"hello"),
        ("broken.png", png_bytes(np.zeros((5, 5), np.uint8))[:30]),
    ]:
        give_file(upload, name, content)
        text = upload.message.value
        assert "Cannot update:" in text and name in text and "Traceback" not in text
        assert "\n" not in re.sub(r"<[^>]+>", "", text).strip()
        assert bytes(upload.views["viewer"].pixels) == shown
    upload.reset()
    assert upload.image is None and upload.views["viewer"].pixels == b"" and upload.state["pixel_mm"] == 0.0


# --------------------------------------------------------------------------- exercises and notebook


def test_exercise_answers_follow_from_the_kit():
    qs = {q.key: q for q in imaging_questions.questions()}
    assert measure.caliper_mm((40, 52), (64, 84), (0.8, 0.8)) == pytest.approx(qs["caliper_mm"].answer)
    # the reader-flip question, asked of the response engine: truth 30/40 is SD, the reader's 27/40 is PR
    from hcckit import response

    def mrecist(viable_42):
        rows = [
            {"patient": "q", "lesion": "L1", "day": d, "kind": "target", "organ": "liver", "ld_mm": 45.0,
             "viable_ld_mm": v, "perp_mm": 30.0, "viable_perp_mm": 20.0}
            for d, v in ((0, 40.0), (42, viable_42))
        ]  # fmt: skip
        tp = response.assess_all(pd.DataFrame(rows))
        return tp[(tp["criterion"] == "mRECIST") & (tp["day"] == 42)]["response"].iloc[0]

    assert (mrecist(30.0), mrecist(27.0)) == ("SD", qs["reader_flip"].answer)
    for q in qs.values():
        right = str(q.answer) if q.kind == "number" else q.answer
        assert grade(q, right).grade == "correct"
        wrong = "1" if q.kind == "number" else next(o for o in q.options if o != q.answer)
        assert grade(q, wrong).grade != "correct"


def test_notebook_structure():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    first = nb.cells[0].source
    assert first.startswith("# 07 · Imaging lab") and "SYNTHETIC" in first and "00_index.ipynb" in first
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert not any(re.search(r"^\s*def ", c.source, re.M) for c in code)
    setup = next(i for i, c in enumerate(nb.cells) if c.source.startswith("## Setup"))
    assert (
        "lab-only" in nb.cells[setup].metadata["tags"] and "lab-only" in nb.cells[setup + 1].metadata["tags"]
    )
    assert "widgets.setup()" in nb.cells[setup + 1].source
    source = "\n".join(c.source for c in code)
    for call in ("ReadingPanel(", "comparison()", "VariabilityPanel(", "UploadPanel(", "exercises.show("):
        assert call in source, call
    last = nb.cells[-1]
    assert "lesson-nav" in last.metadata["tags"]
    assert "06_critical_appraisal.ipynb" in last.source and "00_index.ipynb" in last.source
    headings = [
        c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## ")
    ]
    assert "## Summary" in "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert len(headings) >= 6


def test_questions_render_as_no_code_answer_boxes():
    from hcckit.widgets import exercises

    box = exercises.show(imaging_questions.questions())
    assert len(box.children) == 3 and all("hcckit-exercise" in w._dom_classes for w in box.children)
    assert not math.isnan(float(imaging_questions.questions()[0].answer))


# --------------------------------------------------------------------------- reader variability


@pytest.fixture(scope="module")
def variability_panel(case):
    return im.VariabilityPanel(case)


def test_variability_panel_draws_the_flip_curve_of_the_chosen_visit(variability_panel):
    from specs import data_rows, marks

    from hcckit.imaging import variability

    p = variability_panel
    assert p.state == {"error_sd_pct": 10, "visit": "best"}
    assert "hcckit-primary-control" in p.controls["error_sd_pct"]._dom_classes
    rows = data_rows(p.views["chart"], "flip_pct")
    curve = p.curve
    expected = curve[curve["row"] == "best_confirmed"]
    assert len(rows) == len(expected) == 4 * len(p.ERROR_LEVELS)
    assert sorted(r["flip_pct"] for r in rows) == sorted(expected["flip_pct"])
    assert {"line", "point", "rule"} <= set(marks(p.views["chart"].chart.to_dict()))
    # the same numbers as the compute layer gives for these readers and error sizes
    again = variability.flip_curve(p.case, error_sd_pct=p.ERROR_LEVELS, n_readers=100, seed=0)
    assert again["flip_pct"].tolist() == curve["flip_pct"].tolist()
    table = p.views["table"].value
    for r in p.value.to_dict("records"):
        assert f"<td>{r['criterion']}</td>" in table and f"{r['flip_pct']:.0f} %" in table
    assert "Huh et al." in p.views["source"].value and "limits of agreement" in p.views["source"].value


def test_variability_panel_controls_and_reset(variability_panel):
    import json

    p = variability_panel
    first = json.dumps(p.views["chart"].chart.to_dict(), sort_keys=True)
    p.controls["error_sd_pct"].value = 20
    assert p.value["error_sd_pct"].eq(20).all() and "error SD 20 %" in p.views["table"].value
    p.controls["visit"].value = 84
    assert p.value["row"].eq("visit").all() and p.value["day"].eq(84).all()
    assert "category: Day 84" in json.dumps(p.views["chart"].chart.to_dict())
    p.reset()
    assert json.dumps(p.views["chart"].chart.to_dict(), sort_keys=True) == first
    with pytest.raises(ValueError, match="^error_sd_pct: must be one of"):
        im.VariabilityPanel(p.case, error_sd_pct=7)


def test_reasons_and_notes_name_lesions_and_measures_in_words(panel, case):
    panel.add_reading(lesion="A", measure="ld_mm", p0=(40, 40), p1=(40, 90))
    table = html.unescape(panel.views["verdicts"].value)
    assert "not measured" in table and "Segment VI lesion perpendicular" in table
    for raw in ("ld_mm", "perp_mm", " B ", "(A ", "N1"):
        assert raw not in re.sub(r"data-[a-z]+='[^']*'", "", table), raw
    assert im._readable(
        "new lesion N1 (typical); B viable_ld_mm", {"N1": "Segment IV new nodule", "B": "Segment VI lesion"}
    ) == ("new lesion Segment IV new nodule (typical); Segment VI lesion viable longest diameter")


def test_a_window_dragged_in_the_page_unselects_the_preset(panel):
    viewer = panel.views["viewer"]
    viewer.level, viewer.width = 90.0, 310.0  # a right-drag in the page
    assert panel.state["window"] is None and (viewer.level, viewer.width) == (90.0, 310.0)
    panel.controls["window"].value = "liver"  # so that the preset button works again
    assert (viewer.level, viewer.width) == WINDOW_PRESETS["liver"]
    panel.controls["window"].value = "bone"
    assert panel.state["window"] == "bone" and (viewer.level, viewer.width) == WINDOW_PRESETS["bone"]


def test_static_image_from_the_stored_widget_state(tmp_path):
    """What a static page (hcckit export-site) can show of the viewer: its first slice, from nbclient's state."""
    from nbclient import NotebookClient
    from PIL import Image

    from hcckit.widgets.imaging_viewer import static_html, static_png

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from hcckit.widgets import imaging\npanel = imaging.ReadingPanel()\npanel.views['viewer']"
        )
    ]
    NotebookClient(nb, kernel_name="python3", store_widget_state=True, timeout=120).execute()
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    (model,) = [m for m in state.values() if m["state"].get("_anywidget_id", "").endswith("SliceViewer")]
    png = static_png(model)
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert image.shape == (440, 440, 3)
    (tmp_path / "viewer.png").write_bytes(png)
    # the lesion's slice under the liver window: the same grey values the page draws (pixel centres)
    case = phantom.load_case()
    k = int(case.truth.query("lesion == 'A' and day == 0")["slice"].iloc[0])
    hu = case.scans[(0, "arterial")].pixels[k].astype(float)
    expected = np.clip((hu - (60 - 75)) / 150 * 255, 0, 255)
    rows = np.arange(60, 430, 37)
    got = image[rows[:, None], rows[None, :], 0].astype(float)
    want = expected[(rows * 192 // 440)[:, None], (rows * 192 // 440)[None, :]]
    assert np.median(np.abs(got - want)) < 12
    assert (image[:30, 220:, 0] > 200).sum() > 50  # the red SYNTHETIC label, top right
    assert static_html(model).startswith('<img class="hcckit-imaging-static" alt="SYNTHETIC')
    empty = {"state": {"shape": [0, 0, 0]}, "buffers": []}
    assert static_png(empty) is None and static_html(empty) == ""


def test_the_upload_limit_fits_one_websocket_message(upload):
    from hcckit.imaging import loading
    from hcckit.widgets.uploads import MAX_BYTES_CLASS

    limit = min(loading.MAX_BYTES, 10 * 2**20 - 2**20)
    assert im.UPLOAD_LIMIT_BYTES == limit
    box = upload.controls["upload"]
    assert f"{MAX_BYTES_CLASS}{limit}" in box._dom_classes  # the Voila template's guard refuses bigger files
    assert "up to 9 MB" in box.description


@pytest.mark.parametrize("make", [lambda: im.ReadingPanel(), lambda: im.UploadPanel()])
def test_each_panel_shows_its_message_line_once(make):
    panel = make()

    def count(widget):
        own = 1 if widget is panel.message else 0
        return own + sum(count(c) for c in getattr(widget, "children", ()))

    assert count(panel) == 1
