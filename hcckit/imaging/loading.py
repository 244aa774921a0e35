"""Load a trainee's own image: an anonymised DICOM file or series, or a PNG/JPEG with a stated pixel size.

Everything happens in memory (``io.BytesIO``): nothing is written to disk, nothing is kept
after the call. The result is an :class:`Image`, shaped like a SYNTHETIC
:class:`~hcckit.imaging.phantom.Scan` (``pixels`` ``(slices, rows, cols)``, ``spacing_mm``), so
the same viewer and caliper (:func:`hcckit.imaging.measure.caliper_mm`) work on it.

Refused, with a one-line ``ValueError`` a panel can show: a file that is not an image, a DICOM
file without pixel data (e.g. an RT plan) or without pixel spacing (unless ``pixel_mm`` is
stated), a PNG/JPEG without ``pixel_mm``, a damaged or truncated file, a file larger than
:data:`MAX_BYTES` or an image of more than :data:`MAX_PIXELS` pixels.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

__all__ = ["MAX_BYTES", "MAX_PIXELS", "Image", "load_image", "load_series"]

#: Largest file (or series, all files together) read, in bytes (50 MB).
MAX_BYTES = 50 * 1024 * 1024
#: Largest image read: slices x rows x columns (e.g. 512 x 512 x 95).
MAX_PIXELS = 25_000_000
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


@dataclass(frozen=True)
class Image:
    """A loaded image: ``pixels`` ``(slices, rows, cols)`` (float32; HU for CT), spacing in mm.

    ``spacing_mm`` is (slice thickness, row spacing, column spacing) in mm; ``window`` the
    default display (level, width) in the pixels' unit; ``source`` says where every number came
    from; ``warnings`` lists what the trainee should know (e.g. identifying tags present).
    """

    pixels: object = field(repr=False)
    spacing_mm: tuple[float, float, float]
    source: str
    modality: str
    window: tuple[float, float]
    label: str
    warnings: tuple[str, ...] = ()
    phase: str | None = None
    day: int | None = None
    synthetic: bool = False

    @property
    def shape(self) -> tuple[int, int, int]:
        """(slices, rows, cols) of :attr:`pixels`."""
        return tuple(int(n) for n in self.pixels.shape)

    def to_bytes(self) -> bytes:
        """The pixels as int16 little-endian bytes in C order (clipped to the int16 range)."""
        import numpy as np

        return np.clip(np.rint(self.pixels), -32768, 32767).astype("<i2").tobytes()


def load_image(data: bytes, filename: str, *, pixel_mm: float | None = None) -> Image:
    """Read one image file held in memory: DICOM (pixel spacing from the file) or PNG/JPEG.

    Parameters
    ----------
    data : bytes
        The file's content (e.g. from a file-upload widget).
    filename : str
        Its name, used in messages and to recognise a DICOM file without the ``DICM`` marker.
    pixel_mm : float, optional
        Pixel size (mm per pixel, 0.01-10): required for PNG/JPEG, used for a DICOM file only
        when it carries no pixel spacing.

    Returns
    -------
    Image
        ``pixels`` (slices, rows, cols) as float32 (CT in HU: rescale slope and intercept
        applied), ``spacing_mm`` (mm), ``modality``, ``window`` and ``source``.
    """
    name = _filename(filename)
    raw = _bytes(data, name)
    pixel_mm = _pixel_mm(pixel_mm)
    if raw.startswith(_PNG) or raw.startswith(_JPEG):
        return _load_picture(raw, name, pixel_mm)
    if len(raw) >= 132 and raw[128:132] == b"DICM":
        return _load_dicom(raw, name, pixel_mm, force=False)
    if name.lower().endswith((".dcm", ".dicom", ".ima")) or "." not in name:
        return _load_dicom(raw, name, pixel_mm, force=True)
    raise ValueError(f"{name}: not an image (hcckit reads DICOM, PNG and JPEG files)")


def load_series(files, *, pixel_mm: float | None = None) -> Image:
    """Read a DICOM series (several single-slice files) into one image, slices ordered in space.

    ``files``: a mapping ``{filename: bytes}``, a list of ``(filename, bytes)`` pairs, or the
    list of dicts of an ipywidgets ``FileUpload`` (``name``, ``content``). The slices must share
    rows, columns and pixel spacing; they are ordered by ``ImagePositionPatient`` along the
    slice normal (else by ``InstanceNumber``), and the slice spacing is the distance between
    neighbouring slices (else ``SliceThickness``).
    """
    import numpy as np

    items = _file_items(files)
    total = sum(len(b) for _n, b in items)
    if total > MAX_BYTES:
        raise ValueError(f"files: the series is too large: {_mb(total)}, the limit is {_mb(MAX_BYTES)}")
    slices = []
    for name, content in items:
        img, pos, number = _dicom_slice(content, name, pixel_mm)
        slices.append((img, pos, number, name))
    first = slices[0][0]
    for img, _p, _n, name in slices[1:]:
        if img.shape[1:] != first.shape[1:]:
            raise ValueError(
                f"{name}: its image is {img.shape[1]} x {img.shape[2]} pixels, the first file's {first.shape[1]} x {first.shape[2]}"
            )
        if any(abs(a - b) > 1e-3 for a, b in zip(img.spacing_mm[1:], first.spacing_mm[1:], strict=True)):
            raise ValueError(
                f"{name}: pixel spacing {img.spacing_mm[1:]} differs from the first file's {first.spacing_mm[1:]} mm"
            )
    n_pixels = sum(s[0].pixels.size for s in slices)
    if n_pixels > MAX_PIXELS:
        raise ValueError(f"files: the series has {n_pixels:,} pixels, the limit is {MAX_PIXELS:,}")
    positions = [s[1] for s in slices]
    if all(p is not None for p in positions) and len(slices) > 1:
        order = sorted(range(len(slices)), key=lambda i: positions[i])
        gaps = np.diff(sorted(positions))
        if np.any(gaps <= 1e-6):
            dup = slices[order[int(np.argmin(gaps)) + 1]][3]
            raise ValueError(f"{dup}: two files have the same slice position (the same slice twice?)")
        thickness = float(np.median(gaps))
        how = "slice spacing from ImagePositionPatient"
    else:
        order = sorted(range(len(slices)), key=lambda i: (slices[i][2] is None, slices[i][2] or 0))
        thickness = first.spacing_mm[0]
        how = "slices ordered by InstanceNumber, slice spacing from SliceThickness"
    pixels = np.concatenate([slices[i][0].pixels for i in order], axis=0).astype(np.float32)
    warnings = tuple(dict.fromkeys(w for s in slices for w in s[0].warnings))
    spacing = (thickness, first.spacing_mm[1], first.spacing_mm[2])
    return Image(
        pixels=pixels,
        spacing_mm=spacing,
        source=f"DICOM series of {len(slices)} files; {how}; {first.source.split('; ', 1)[-1]}",
        modality=first.modality,
        window=first.window,
        label=f"{first.modality} series · {len(slices)} slices · {spacing[1]:.2f} mm pixels",
        warnings=warnings,
    )


# ---------------------------------------------------------------------------------------------


def _filename(filename) -> str:
    if not isinstance(filename, str) or not filename.strip():
        raise ValueError(f"filename: expected the file's name (text), got {filename!r}")
    return filename.strip().replace("\\", "/").rsplit("/", 1)[-1][:200]


def _bytes(data, name) -> bytes:
    if isinstance(data, memoryview):
        data = data.tobytes()
    if isinstance(data, bytearray):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise ValueError(f"data: expected the file's bytes, got {type(data).__name__}")
    if len(data) == 0:
        raise ValueError(f"{name}: the file is empty (0 bytes)")
    if len(data) > MAX_BYTES:
        raise ValueError(f"{name}: file too large: {_mb(len(data))}, the limit is {_mb(MAX_BYTES)}")
    return data


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def _pixel_mm(pixel_mm):
    if pixel_mm is None:
        return None
    if isinstance(pixel_mm, bool) or not isinstance(pixel_mm, (int, float)):
        try:
            import numpy as np

            if isinstance(pixel_mm, (np.integer, np.floating)):
                pixel_mm = float(pixel_mm)
            else:
                raise TypeError
        except TypeError:
            raise ValueError(f"pixel_mm: expected a pixel size in mm (a number), got {pixel_mm!r}") from None
    pixel_mm = float(pixel_mm)
    if not math.isfinite(pixel_mm) or not 0.01 <= pixel_mm <= 10:
        raise ValueError(f"pixel_mm: must be from 0.01 to 10 mm per pixel, got {pixel_mm!r}")
    return pixel_mm


def _file_items(files):
    if isinstance(files, dict):
        items = list(files.items())
    elif isinstance(files, (list, tuple)):
        items = []
        for f in files:
            if isinstance(f, dict) and "content" in f:
                items.append((f.get("name", "file"), f["content"]))
            elif isinstance(f, (list, tuple)) and len(f) == 2:
                items.append((f[0], f[1]))
            else:
                raise ValueError(
                    "files: expected (filename, bytes) pairs or upload dicts with 'name' and 'content'"
                )
    else:
        raise ValueError(f"files: expected the series' files, got {type(files).__name__}")
    if not items:
        raise ValueError("files: no file given")
    if len(items) > 2000:
        raise ValueError(f"files: {len(items):,} files; a series of at most 2,000 is read")
    out = []
    for name, content in items:
        n = _filename(name)
        out.append((n, _bytes(content, n)))
    return out


def _picture_window(pixels) -> tuple[float, float]:
    import numpy as np

    lo, hi = (float(v) for v in np.percentile(pixels, [1, 99]))
    if hi <= lo:
        lo, hi = float(pixels.min()), float(pixels.max()) + 1.0
    return ((lo + hi) / 2, hi - lo)


def _load_picture(raw: bytes, name: str, pixel_mm):
    import numpy as np
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    kind = "PNG" if raw.startswith(_PNG) else "JPEG"
    if pixel_mm is None:
        raise ValueError(
            f"pixel_mm: a {kind} file has no pixel size: state it (mm per pixel) to measure in mm"
        )
    try:
        with PILImage.open(io.BytesIO(raw)) as im:
            w, h = im.size
            if w * h > MAX_PIXELS:
                raise ValueError(
                    f"{name}: the image is {w:,} x {h:,} pixels, the limit is {MAX_PIXELS:,} pixels"
                )
            im.load()
            mode = im.mode
            if mode in ("I;16", "I;16B", "I;16L", "I", "F"):
                arr = np.asarray(im, dtype=np.float32)
            else:
                arr = np.asarray(im.convert("L"), dtype=np.float32)
    except ValueError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, PILImage.DecompressionBombError) as exc:
        raise ValueError(f"{name}: the {kind} file is damaged or truncated ({_short(exc)})") from None
    pixels = arr[np.newaxis, :, :]
    return Image(
        pixels=pixels,
        spacing_mm=(pixel_mm, pixel_mm, pixel_mm),
        source=f"{kind} file {name}; pixel size {pixel_mm:g} mm stated by the user (not in the file)",
        modality=kind,
        window=_picture_window(pixels),
        label=f"{kind} · {w} x {h} · {pixel_mm:g} mm pixels (stated)",
    )


def _short(exc) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


def _read_dataset(raw: bytes, name: str, force: bool):
    import pydicom
    from pydicom.errors import InvalidDicomError

    try:
        return pydicom.dcmread(io.BytesIO(raw), force=force)
    except InvalidDicomError:
        raise ValueError(f"{name}: not an image (not a DICOM, PNG or JPEG file)") from None
    except Exception as exc:  # pydicom raises many kinds on broken files
        raise ValueError(f"{name}: the DICOM file is damaged or truncated ({_short(exc)})") from None


def _load_dicom(raw: bytes, name: str, pixel_mm, *, force: bool) -> Image:
    img, _pos, _num = _dicom_slice(raw, name, pixel_mm, force=force)
    return img


def _dicom_slice(raw: bytes, name: str, pixel_mm, *, force: bool | None = None):
    """(Image, position along the slice normal or None, InstanceNumber or None) of one DICOM file."""
    import numpy as np

    if force is None:
        force = not (len(raw) >= 132 and raw[128:132] == b"DICM")
    ds = _read_dataset(raw, name, force)
    if "PixelData" not in ds and "FloatPixelData" not in ds and "DoubleFloatPixelData" not in ds:
        sop = ds.get("SOPClassUID")
        if sop is None and (force or len(ds) == 0):  # bytes pydicom read only because forced to
            raise ValueError(f"{name}: not an image (not a DICOM, PNG or JPEG file)")
        sop_name = str(getattr(sop, "name", sop))
        if "Image" in sop_name:  # an image class without its pixels: cut short
            raise ValueError(
                f"{name}: the DICOM file is damaged or truncated ({sop_name} without pixel data)"
            )
        what = f" (it holds {sop_name})" if sop is not None else ""
        raise ValueError(f"{name}: no image in the DICOM file{what}: it has no pixel data")
    rows, cols = int(ds.get("Rows", 0) or 0), int(ds.get("Columns", 0) or 0)
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    if rows * cols * frames > MAX_PIXELS:
        raise ValueError(
            f"{name}: the image has {rows * cols * frames:,} pixels, the limit is {MAX_PIXELS:,}"
        )
    spacing, where = _dicom_spacing(ds, name, pixel_mm)
    ts = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
    if "PixelData" in ds and (ts is None or not getattr(ts, "is_compressed", False)):
        samples = int(ds.get("SamplesPerPixel", 1) or 1)
        bits = int(ds.get("BitsAllocated", 16) or 16)
        expected = rows * cols * frames * samples * max(bits, 8) // 8
        got = len(ds.PixelData)
        if got < expected:
            raise ValueError(
                f"{name}: the DICOM file is damaged or truncated (pixel data {got:,} of {expected:,} bytes)"
            )
    try:
        arr = ds.pixel_array
    except Exception as exc:
        ts_name = getattr(ts, "name", str(ts)) if ts is not None else "unknown"
        raise ValueError(
            f"{name}: the pixel data cannot be decoded here (transfer syntax {ts_name}: {_short(exc)}); "
            "save the file uncompressed"
        ) from None
    from pydicom.pixels import apply_modality_lut

    samples = int(ds.get("SamplesPerPixel", 1) or 1)
    if samples > 1:  # colour: luminance
        arr = arr.astype(np.float32)
        arr = 0.299 * arr[..., 0] + 0.587 * arr[..., 1] + 0.114 * arr[..., 2]
        rescaled = arr
        how = "colour converted to grey"
    else:
        rescaled = np.asarray(apply_modality_lut(arr, ds), dtype=np.float32)
        slope, intercept = ds.get("RescaleSlope"), ds.get("RescaleIntercept")
        how = (
            f"rescale slope {float(slope):g} and intercept {float(intercept):g} applied"
            if slope is not None or intercept is not None
            else "no rescale in the file"
        )
    if rescaled.ndim == 2:
        rescaled = rescaled[np.newaxis, :, :]
    if str(ds.get("PhotometricInterpretation", "")) == "MONOCHROME1":
        rescaled = rescaled.max() + rescaled.min() - rescaled
        how += "; MONOCHROME1 inverted"
    modality = str(ds.get("Modality", "") or "DICOM")
    window = _dicom_window(ds, modality, rescaled)
    warnings = []
    if str(ds.get("PatientName", "") or "").strip() or str(ds.get("PatientID", "") or "").strip():
        warnings.append(
            "the file carries a patient name or ID: hcckit neither shows nor keeps them, but load only "
            "anonymised files"
        )
    thick = ds.get("SliceThickness")
    thickness = float(thick) if thick not in (None, "") and float(thick) > 0 else spacing[0]
    position = None
    ipp, iop = ds.get("ImagePositionPatient"), ds.get("ImageOrientationPatient")
    if ipp is not None and iop is not None and len(ipp) == 3 and len(iop) == 6:
        normal = np.cross(np.array(iop[:3], dtype=float), np.array(iop[3:], dtype=float))
        position = float(np.dot(normal, np.array(ipp, dtype=float)))
    number = ds.get("InstanceNumber")
    img = Image(
        pixels=rescaled,
        spacing_mm=(thickness, spacing[0], spacing[1]),
        source=f"DICOM file {name}; {where}; {how}",
        modality=modality,
        window=window,
        label=f"{modality} · {rows} x {cols}{f' x {frames} frames' if frames > 1 else ''} · {spacing[0]:.2f} mm pixels",
        warnings=tuple(warnings),
    )
    return img, position, (int(number) if number not in (None, "") else None)


def _dicom_spacing(ds, name, pixel_mm):
    for tag in ("PixelSpacing", "ImagerPixelSpacing"):
        value = ds.get(tag)
        if value is not None and len(value) == 2:
            try:
                row, col = float(value[0]), float(value[1])
            except (TypeError, ValueError):
                continue
            if math.isfinite(row) and math.isfinite(col) and row > 0 and col > 0:
                return (row, col), f"pixel spacing {row:g} x {col:g} mm from {tag}"
    if pixel_mm is not None:
        return (pixel_mm, pixel_mm), f"pixel size {pixel_mm:g} mm stated by the user (none in the file)"
    raise ValueError(
        f"{name}: no pixel spacing in the DICOM file: state the pixel size (pixel_mm, mm per pixel)"
    )


def _dicom_window(ds, modality, pixels):
    def first(v):
        if v is None or v == "":
            return None
        try:
            return float(v[0]) if hasattr(v, "__len__") and not isinstance(v, str) else float(v)
        except (TypeError, ValueError, IndexError):
            return None

    level, width = first(ds.get("WindowCenter")), first(ds.get("WindowWidth"))
    if level is not None and width is not None and width > 0:
        return (level, width)
    if modality == "CT":
        return (40.0, 400.0)
    return _picture_window(pixels)
