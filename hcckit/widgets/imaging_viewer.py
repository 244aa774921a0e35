"""A 2-D scan viewer with calipers for lesson 07 (an anywidget drawing on a canvas).

:class:`SliceViewer` shows one scan (a stack of slices of int16 Hounsfield units). Scrolling
slices, window/level and drawing calipers all happen in the browser (``hcckit/widgets/js/caliper.js``,
shipped in the package: no CDN, no WebGL), so they are instant: the whole scan is sent once when it
changes (:meth:`SliceViewer.show`), window/level is applied to the int16 values in the page, and
a caliper's length in mm is computed there from the pixel spacing while it is drawn. When the
mouse is released the reading (a dict: ``lesion``, ``day``, ``measure``, ``length_mm``, ``slice``,
``p0``, ``p1``, ``phase``; points are (row, col) in pixels, integer values at pixel centres) is
added to :attr:`SliceViewer.readings`, one per lesion, visit and measure; the lesson panels
(:mod:`hcckit.widgets.imaging`) re-check its length in Python.

Why a canvas and not a 3-D viewer such as ipyniivue: calipers on axial slices need 2-D drawing
only; a WebGL viewer needs a GPU context (missing on some classroom machines and headless
browsers) and a bundle of several MB, where this module is one small file.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import numpy as np
import traitlets

__all__ = [
    "SliceViewer",
    "WINDOW_PRESETS",
    "WINDOW_NAMES",
    "MEASURES",
    "MEASURE_NAMES",
    "scan_bytes",
    "static_png",
    "static_html",
]

JS_DIR = Path(__file__).with_name("js")

#: Window presets as (level, width) in HU (Hounsfield units).
WINDOW_PRESETS = {"liver": (60.0, 150.0), "soft_tissue": (40.0, 400.0), "bone": (400.0, 1800.0)}
#: What the class reads on the preset buttons.
WINDOW_NAMES = {"liver": "Liver W150/L60", "soft_tissue": "Soft tissue W400/L40", "bone": "Bone W1800/L400"}
#: The measures a caliper can take (the response engine's column names) and their names in words.
MEASURES = ("ld_mm", "viable_ld_mm", "perp_mm", "viable_perp_mm")
MEASURE_NAMES = {
    "ld_mm": "Longest diameter (whole lesion)",
    "viable_ld_mm": "Viable longest diameter",
    "perp_mm": "Perpendicular (whole lesion)",
    "viable_perp_mm": "Viable perpendicular",
}

_CSS = """
.hcckit-sv { display: flex; flex-direction: column; gap: 4px; font: 14px/1.3 sans-serif; }
.hcckit-sv-bar { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; min-height: 30px; }
.hcckit-sv-bar label { display: flex; align-items: center; gap: 6px; font-weight: 600; font-size: 14px; }
.hcckit-sv-slider { width: 150px; }
.hcckit-sv-slice-text, .hcckit-sv-wl { font-size: 14px; font-variant-numeric: tabular-nums; }
.hcckit-sv-save { margin-left: auto; font: 600 14px/18px sans-serif; padding: 4px 10px; border-radius: 6px;
  border: 1px solid #bbb; background: #f3f3f3; cursor: pointer; }
.hcckit-sv-canvas { display: block; cursor: crosshair; touch-action: none; outline: none;
  border: 2px solid #444; border-radius: 2px; box-sizing: content-box; }
.hcckit-sv-canvas:focus-visible { border-color: #0072B2; }
.hcckit-sv-foot { display: flex; align-items: center; gap: 8px; min-height: 30px; }
.hcckit-sv-readout { font-size: 15px; font-weight: 600; color: #084C8D; }
"""


def scan_bytes(pixels) -> tuple[bytes, list[int]]:
    """A scan's pixels as the viewer's payload: int16 little-endian bytes in C order, and the shape.

    ``pixels`` is 2-D (rows, cols) or 3-D (slices, rows, cols), Hounsfield units or grey values;
    values are rounded and clipped to the int16 range (-32768 to 32767). Raises ValueError naming
    ``pixels`` when it is not a 2-D or 3-D array of numbers or has no pixel.
    """
    try:
        arr = np.asarray(pixels)
    except Exception as exc:  # noqa: BLE001 - ragged lists and other non-arrays
        raise ValueError(f"pixels: not an array of numbers ({exc})") from exc
    if arr.ndim == 2:
        arr = arr[np.newaxis]
    if arr.ndim != 3:
        raise ValueError(f"pixels: expected 2-D (rows, cols) or 3-D (slices, rows, cols), got {arr.ndim}-D")
    if arr.size == 0:
        raise ValueError(f"pixels: the image has no pixel (shape {tuple(arr.shape)})")
    if arr.dtype.kind not in "iufb":
        raise ValueError(f"pixels: expected numbers, got {arr.dtype}")
    if arr.dtype != np.int16:
        values = arr.astype(np.float64)
        if not np.isfinite(values).all():
            raise ValueError("pixels: the image holds NaN or infinite values")
        arr = np.clip(np.rint(values), -32768, 32767)
    return np.ascontiguousarray(arr, dtype="<i2").tobytes(), [int(n) for n in arr.shape]


class SliceViewer(anywidget.AnyWidget):
    """One scan on a canvas: slices, window/level and calipers in the browser; readings synced.

    Traits (synced with the page): ``pixels`` (bytes: int16 little-endian, C order), ``shape``
    [slices, rows, cols], ``spacing_mm`` [slice thickness, row, col] in mm, ``slice_index`` (0-based),
    ``level`` and ``width`` (window, HU), ``label`` (drawn on the image, e.g. "SYNTHETIC · arterial
    phase · day 0"), ``measure`` (what the next caliper measures, one of :data:`MEASURES`),
    ``readings`` (list of dicts, both ways), ``active`` (lesion id the next caliper belongs to),
    ``day`` and ``phase`` (stored with each reading), ``lesion_names`` (lesion id -> name shown on
    the image), ``view_px`` (canvas size in CSS px), ``empty_text`` (shown before a scan is loaded).

    In the page: the mouse wheel, the arrow keys or the slider scroll slices; a left-drag draws a
    caliper (its length in mm shown live), release stores the reading; a right-drag (or shift +
    drag) changes window/level (right: wider, down: higher level); **Save figure** saves the image
    as PNG. :attr:`bytes_sent` counts the scan bytes sent to the page by :meth:`show`.
    """

    _esm = JS_DIR / "caliper.js"
    _css = _CSS

    pixels = traitlets.Bytes(b"").tag(sync=True)
    shape = traitlets.List(traitlets.Int(), default_value=[0, 0, 0]).tag(sync=True)
    spacing_mm = traitlets.List(traitlets.Float(), default_value=[1.0, 1.0, 1.0]).tag(sync=True)
    slice_index = traitlets.Int(0).tag(sync=True)
    level = traitlets.Float(WINDOW_PRESETS["liver"][0]).tag(sync=True)
    width = traitlets.Float(WINDOW_PRESETS["liver"][1]).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    measure = traitlets.Enum(MEASURES, default_value="ld_mm").tag(sync=True)
    readings = traitlets.List(traitlets.Dict()).tag(sync=True)
    active = traitlets.Unicode("").tag(sync=True)
    day = traitlets.Int(0).tag(sync=True)
    phase = traitlets.Unicode("").tag(sync=True)
    lesion_names = traitlets.Dict().tag(sync=True)
    orientation = traitlets.Unicode("").tag(sync=True)
    view_px = traitlets.Int(440).tag(sync=True)
    empty_text = traitlets.Unicode("No image loaded").tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bytes_sent = 0

    @traitlets.validate("width")
    def _positive_width(self, proposal):
        value = float(proposal["value"])
        if not value >= 1:
            raise traitlets.TraitError(f"width: the window width must be at least 1 HU, got {value:g}")
        return value

    @traitlets.validate("slice_index")
    def _slice_in_range(self, proposal):
        n = self.shape[0] if self.shape else 0
        return int(min(max(int(proposal["value"]), 0), max(n - 1, 0)))

    def show(self, pixels, spacing_mm, *, label: str, slice_index: int | None = None, **traits) -> int:
        """Send a new scan to the page (one message); return its size in bytes.

        ``pixels``: 2-D or 3-D array (see :func:`scan_bytes`); ``spacing_mm``: (slice, row, col) in mm
        (a 2-tuple (row, col) is taken as one slice of 1 mm); ``label``: text drawn on the image;
        ``slice_index``: the slice to show (default: keep the current one, within range). Other
        keyword arguments set traits in the same message (``day``, ``phase``, ``level``, ...).
        Raises ValueError naming ``pixels`` or ``spacing_mm``.
        """
        payload, shape = scan_bytes(pixels)
        spacing = [float(v) for v in spacing_mm]
        if len(spacing) == 2:
            spacing = [1.0, *spacing]
        if len(spacing) != 3 or not all(np.isfinite(spacing)) or min(spacing) <= 0:
            raise ValueError(
                f"spacing_mm: expected 3 positive sizes in mm (slice, row, col), got {spacing_mm!r}"
            )
        index = self.slice_index if slice_index is None else int(slice_index)
        with self.hold_sync():
            self.shape = shape
            self.spacing_mm = spacing
            self.pixels = payload
            self.label = str(label)
            self.slice_index = min(max(index, 0), shape[0] - 1)
            for name, value in traits.items():
                setattr(self, name, value)
        self.bytes_sent += len(payload)
        return len(payload)

    def clear(self, text: str = "No image loaded") -> None:
        """Show no image (``text`` on a black canvas) and forget the readings."""
        with self.hold_sync():
            self.pixels = b""
            self.shape = [0, 0, 0]
            self.readings = []
            self.label = ""
            self.empty_text = text
            self.slice_index = 0

    def apply_window(self, preset: str) -> None:
        """Set level and width from a preset name of :data:`WINDOW_PRESETS`."""
        if preset not in WINDOW_PRESETS:
            raise ValueError(f"preset: {preset!r} is not one of {', '.join(WINDOW_PRESETS)}")
        level, width = WINDOW_PRESETS[preset]
        with self.hold_sync():
            self.level, self.width = level, width

    @property
    def volume(self) -> np.ndarray:
        """The scan as the page has it: int16 array (slices, rows, cols) (a copy)."""
        if not self.pixels:
            return np.zeros((0, 0, 0), dtype=np.int16)
        return np.frombuffer(self.pixels, dtype="<i2").reshape(self.shape).copy()


def static_png(model: dict) -> bytes | None:
    """A PNG of what a :class:`SliceViewer` showed, from its stored widget state (for static pages).

    ``model`` is one entry of a notebook's stored widget state (``{"state": {...}, "buffers": [...]}``, as
    nbclient writes it): the slice shown (``slice_index``) under its window (``level``/``width``, HU),
    at its physical aspect ratio (``spacing_mm``), ``view_px`` wide, with its ``label`` drawn top right
    (a SYNTHETIC scan also carries the mark burnt into its pixels). None when the viewer held no image.
    """
    import base64
    import io

    state = model.get("state", {}) or {}
    raw = state.get("pixels")
    for buf in model.get("buffers", []) or []:
        if list(buf.get("path", [])) == ["pixels"]:
            data = buf.get("data", "")
            raw = base64.b64decode(data) if buf.get("encoding", "base64") == "base64" else data
    if isinstance(raw, dict) and "b64" in raw:
        raw = base64.b64decode(raw["b64"])
    shape = [int(n) for n in state.get("shape") or [0, 0, 0]]
    if not isinstance(raw, (bytes, bytearray)) or len(shape) != 3 or not all(shape):
        return None
    if len(raw) != 2 * shape[0] * shape[1] * shape[2]:
        return None
    from PIL import Image, ImageDraw, ImageFont

    volume = np.frombuffer(bytes(raw), dtype="<i2").reshape(shape)
    k = min(max(int(state.get("slice_index", 0)), 0), shape[0] - 1)
    level, width = float(state.get("level", 60.0)), max(float(state.get("width", 150.0)), 1.0)
    grey = np.clip((volume[k].astype(np.float64) - (level - width / 2)) / width * 255.0, 0, 255).astype(
        np.uint8
    )
    spacing = [float(v) for v in state.get("spacing_mm") or [1.0, 1.0, 1.0]]
    px = max(int(state.get("view_px", 440)), 120)
    h_mm, w_mm = shape[1] * spacing[1], shape[2] * spacing[2]
    scale = min(px / w_mm, px / h_mm)
    size = (max(1, round(w_mm * scale)), max(1, round(h_mm * scale)))
    canvas = Image.new("RGB", (px, px), "black")
    canvas.paste(
        Image.fromarray(grey).resize(size, Image.BILINEAR).convert("RGB"),
        ((px - size[0]) // 2, (px - size[1]) // 2),
    )
    label = str(state.get("label") or "")
    if label:
        draw = ImageDraw.Draw(canvas)
        try:
            font = ImageFont.load_default(size=15)
        except TypeError:  # Pillow < 10.1: the small bitmap font
            font = ImageFont.load_default()
        w = draw.textlength(label, font=font)
        x, y = px - 8 - w, (6 if px - 8 - w > 150 else 32)
        draw.rectangle((x - 3, y - 2, x + w + 3, y + 19), fill=(0, 0, 0))
        draw.text(
            (x, y),
            label,
            fill=(255, 107, 107) if "SYNTHETIC" in label.upper() else (255, 255, 255),
            font=font,
        )
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def static_html(model: dict) -> str:
    """``<img>`` of :func:`static_png` (a data URL) for a static page; "" when the viewer held no image."""
    import base64
    import html

    png = static_png(model)
    if png is None:
        return ""
    label = html.escape(str((model.get("state", {}) or {}).get("label") or "scan"))
    b64 = base64.b64encode(png).decode("ascii")
    return f'<img class="hcckit-imaging-static" alt="{label}" src="data:image/png;base64,{b64}">'
