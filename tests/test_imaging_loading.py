"""A trainee's own image: DICOM (pydicom's test files), PNG/JPEG with a stated pixel size, bad files."""

from __future__ import annotations

import builtins
import io

import numpy as np
import pydicom
import pytest
from PIL import Image as PILImage
from pydicom.data import get_testdata_file

from hcckit.imaging import loading
from hcckit.imaging.loading import MAX_BYTES, load_image, load_series
from hcckit.imaging.measure import caliper_mm


def _file(name):
    with open(get_testdata_file(name), "rb") as f:
        return f.read()


def _png(array, fmt="PNG"):
    bio = io.BytesIO()
    PILImage.fromarray(array).save(bio, fmt)
    return bio.getvalue()


def test_ct_small_spacing_and_hounsfield_units():
    raw = _file("CT_small.dcm")
    ds = pydicom.dcmread(io.BytesIO(raw))
    img = load_image(raw, "CT_small.dcm")
    assert img.shape == (1, int(ds.Rows), int(ds.Columns))
    assert img.spacing_mm[1:] == (float(ds.PixelSpacing[0]), float(ds.PixelSpacing[1]))
    want = ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
    assert np.array_equal(img.pixels[0], want.astype(np.float32))
    assert img.modality == "CT" and img.synthetic is False
    assert "PixelSpacing" in img.source and "intercept" in img.source
    assert any("anonymised" in w for w in img.warnings)  # the test file has a patient name
    # a caliper across the image in mm uses the file's spacing
    assert caliper_mm((0, 0), (0, 100), img.spacing_mm) == pytest.approx(100 * float(ds.PixelSpacing[1]))
    assert len(img.to_bytes()) == 2 * img.pixels.size


def test_mr_small():
    raw = _file("MR_small.dcm")
    ds = pydicom.dcmread(io.BytesIO(raw))
    img = load_image(raw, "MR_small.dcm")
    assert img.modality == "MR" and img.shape == (1, int(ds.Rows), int(ds.Columns))
    assert img.spacing_mm[1] == float(ds.PixelSpacing[0])
    assert img.window[1] > 0


def test_dicom_without_pixel_data():
    with pytest.raises(ValueError, match="no image in the DICOM file.*no pixel data"):
        load_image(_file("rtplan.dcm"), "rtplan.dcm")


def test_dicom_without_pixel_spacing_needs_a_stated_size():
    ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    del ds.PixelSpacing
    bio = io.BytesIO()
    ds.save_as(bio)
    with pytest.raises(ValueError, match="no pixel spacing in the DICOM file: state the pixel size"):
        load_image(bio.getvalue(), "nospacing.dcm")
    img = load_image(bio.getvalue(), "nospacing.dcm", pixel_mm=0.8)
    assert img.spacing_mm[1:] == (0.8, 0.8) and "stated by the user" in img.source


def test_random_bytes_are_not_an_image():
    junk = np.random.default_rng(1).bytes(4000)
    for name in ("photo.bin", "scan.dcm", "noextension"):
        with pytest.raises(ValueError, match="not an image"):
            load_image(junk, name)


def test_png_and_jpeg_with_a_stated_pixel_size():
    arr = (np.arange(40 * 50).reshape(40, 50) % 200).astype(np.uint8)
    img = load_image(_png(arr), "slice.png", pixel_mm=0.5)
    assert img.shape == (1, 40, 50) and img.spacing_mm == (0.5, 0.5, 0.5)
    assert np.array_equal(img.pixels[0], arr.astype(np.float32))
    assert img.modality == "PNG" and "stated" in img.source
    jpg = load_image(_png(arr, "JPEG"), "slice.jpg", pixel_mm=1.0)
    assert jpg.shape == (1, 40, 50) and jpg.modality == "JPEG"
    with pytest.raises(ValueError, match="pixel_mm: a PNG file has no pixel size"):
        load_image(_png(arr), "slice.png")
    for bad in (0, -1, float("nan"), 50, "0.5", True):
        with pytest.raises(ValueError, match="pixel_mm"):
            load_image(_png(arr), "slice.png", pixel_mm=bad)


def test_truncated_png():
    png = _png((np.random.default_rng(0).random((64, 64)) * 255).astype(np.uint8))
    with pytest.raises(ValueError, match="damaged or truncated"):
        load_image(png[: len(png) // 2], "cut.png", pixel_mm=1.0)


def test_oversize_file_and_image(monkeypatch):
    with pytest.raises(ValueError, match=r"file too large: 51 MB, the limit is 50 MB"):
        load_image(b"\x00" * (MAX_BYTES + 1024 * 1024), "huge.dcm")
    monkeypatch.setattr(loading, "MAX_PIXELS", 1000)
    with pytest.raises(ValueError, match="limit is 1,000"):
        load_image(_file("CT_small.dcm"), "CT_small.dcm")
    with pytest.raises(ValueError, match="limit is 1,000"):
        load_image(_png(np.zeros((40, 40), np.uint8)), "big.png", pixel_mm=1)


def test_empty_and_wrong_types():
    with pytest.raises(ValueError, match="empty"):
        load_image(b"", "a.png", pixel_mm=1)
    with pytest.raises(ValueError, match="data"):
        load_image("not bytes", "a.png", pixel_mm=1)
    with pytest.raises(ValueError, match="filename"):
        load_image(b"123", None)


def test_nothing_is_written_to_disk(monkeypatch):
    raw, png = _file("CT_small.dcm"), _png(np.zeros((8, 8), np.uint8))
    real_open = builtins.open

    def no_writes(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+"):
            raise AssertionError(f"wrote to {file}")
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", no_writes)
    monkeypatch.setattr(io, "open", no_writes)
    assert load_image(raw, "CT_small.dcm").shape[0] == 1
    assert load_image(png, "a.png", pixel_mm=1).shape == (1, 8, 8)


def test_series_is_ordered_in_space():
    base = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    files = []
    for i, z in enumerate((10.0, 0.0, 5.0)):  # out of order on purpose
        ds = base.copy()
        ds.ImagePositionPatient = [0.0, 0.0, z]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.InstanceNumber = i + 1
        arr = ds.pixel_array.copy()
        arr[0, 0] = int(z)  # mark each slice
        ds.PixelData = arr.tobytes()
        bio = io.BytesIO()
        ds.save_as(bio)
        files.append((f"s{i}.dcm", bio.getvalue()))
    img = load_series(files)
    assert img.shape == (3, int(base.Rows), int(base.Columns))
    assert img.spacing_mm[0] == pytest.approx(5.0)
    slope, icpt = float(base.RescaleSlope), float(base.RescaleIntercept)
    assert list(img.pixels[:, 0, 0]) == [0 * slope + icpt, 5 * slope + icpt, 10 * slope + icpt]
    upload = [{"name": n, "content": b} for n, b in files]
    assert load_series(upload).shape == img.shape
    with pytest.raises(ValueError, match="same slice position"):
        load_series([files[0], ("copy.dcm", files[0][1])])
    with pytest.raises(ValueError, match="no file"):
        load_series([])


@pytest.mark.parametrize("keep", [100, 600, 0.5, 0.8])
def test_truncated_dicom(keep):
    raw = _file("CT_small.dcm")
    n = int(len(raw) * keep) if isinstance(keep, float) else keep  # bytes kept, or the share kept
    with pytest.raises(ValueError, match="not an image|damaged or truncated"):
        load_image(raw[:n], "cut.dcm")
