"""Lesson 07 panels: read synthetic multiphase scans, measure with calipers, compare verdicts.

Each panel composes :mod:`hcckit.imaging` (the synthetic case, caliper lengths, verdicts from the
reader's own measurements, simulated re-reads) with the slice viewer
(:class:`hcckit.widgets.imaging_viewer.SliceViewer`) and :mod:`hcckit.charts.imaging`. Every
callback runs under the panel's message line (:class:`hcckit.widgets.panel.Panel`): a bad reading
or a bad file becomes one line, never a traceback.

- :class:`ReadingPanel`: a reading station for one synthetic case (arterial and portal-venous
  phases, baseline and follow-ups): scroll, window/level, calipers per lesion and visit, and the
  reader's RECIST 1.1 / mRECIST / WHO / EASL verdicts beside the ground truth's, with the rule that
  fired and the measurement error per lesion;
- :class:`VariabilityPanel`: simulated readers with measurement error, how often each criterion's
  category flips, and the flip rate against the size of the error (a chart);
- :class:`UploadPanel`: the teacher's own file (DICOM, or PNG/JPEG with a stated pixel size),
  measured the same way; read in memory, never saved.
"""

from __future__ import annotations

import html
import math
import re

import ipywidgets as widgets

from hcckit.charts import imaging as charts
from hcckit.widgets._common import chart_view, message_box, primary, show_message
from hcckit.widgets.imaging_viewer import (
    MEASURE_NAMES,
    MEASURES,
    WINDOW_NAMES,
    WINDOW_PRESETS,
    SliceViewer,
)
from hcckit.widgets.panel import Panel, beside, labelled

__all__ = [
    "ReadingPanel",
    "VariabilityPanel",
    "UploadPanel",
    "SliceViewer",
    "PHASE_NAMES",
    "UPLOAD_LIMIT_BYTES",
    "visit_name",
    "case_card",
    "reading_panel",
    "variability_panel",
    "upload_panel",
]

#: Largest file the own-file panel accepts (bytes): 9 MiB, under the 10 MiB websocket message limit of
#: Jupyter's server (tornado's ``websocket_max_message_size`` default), which a file must pass in one message.
UPLOAD_LIMIT_BYTES = 9 * 2**20
#: Phase names as the class reads them.
PHASE_NAMES = {"arterial": "Arterial", "portal_venous": "Portal venous"}
CRITERIA = ("RECIST 1.1", "mRECIST", "WHO", "EASL")
#: A caliper length from the page may differ from Python's by rounding only (mm).
CHECK_TOLERANCE_MM = 0.05
_SHORT_WINDOW = {"liver": "Liver", "soft_tissue": "Soft tissue", "bone": "Bone"}
_SHORT_MEASURE = {
    "ld_mm": "LD",
    "viable_ld_mm": "viable LD",
    "perp_mm": "perpendicular",
    "viable_perp_mm": "viable perpendicular",
}
_COLOURS = {"CR": "#009E73", "PR": "#0072B2", "SD": "#7A4B00", "PD": "#D55E00", "NE": "#555555"}
_TEXT = "font-size:14px;line-height:1.35"


def visit_name(day: int) -> str:
    """A visit as the class reads it: "Baseline" for day 0, else "Day 42" (days from TACE)."""
    return "Baseline" if int(day) == 0 else f"Day {int(day)}"


def _toggle(
    options, value, description: str, *, button_width: str = "96px", tooltips=()
) -> widgets.ToggleButtons:
    return widgets.ToggleButtons(
        options=options,
        value=value,
        description=description,
        tooltips=list(tooltips),
        style={"button_width": button_width, "description_width": "60px"},
        layout=widgets.Layout(width="auto"),
    )


def _button(description: str, tooltip: str) -> widgets.Button:
    return widgets.Button(description=description, tooltip=tooltip, layout=widgets.Layout(width="auto"))


def _mm(value) -> str:
    """A length in mm with one decimal, or "not measured"."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return "not measured"
    return "not measured" if math.isnan(x) else f"{x:.1f} mm"


def _signed_mm(value) -> str:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return "–"
    return "–" if math.isnan(x) else f"{x:+.1f} mm"


def _category(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NE"
    text = str(value)
    return "NE" if text in {"", "nan", "None", "<NA>"} else text


def _badge(category: str) -> str:
    colour = _COLOURS.get(category, "#333333")
    return f"<b style='color:{colour}'>{html.escape(category)}</b>"


def _check_reading(reading: dict, *, lesions, spacing_of) -> dict:
    """A reading from the page, validated, with its length re-computed in Python.

    ``spacing_of(day, phase)`` gives the (row, col) pixel spacing in mm of the scan the caliper was
    drawn on. Returns the reading with ``length_mm`` (Python's, mm, 2 decimals) and ``browser_mm``
    (the page's); raises ValueError naming the field.
    """
    from hcckit.imaging import measure

    out = dict(reading)
    lesion = out.get("lesion")
    if lesion not in lesions:
        raise ValueError(f"lesion: {lesion!r} is not a lesion of this case")
    if out.get("measure") not in MEASURES:
        raise ValueError(f"measure: {out.get('measure')!r} is not one of {', '.join(MEASURES)}")
    points = []
    for key in ("p0", "p1"):
        p = out.get(key)
        if not isinstance(p, (list, tuple)) or len(p) != 2:
            raise ValueError(f"{key}: expected (row, col) in pixels, got {p!r}")
        points.append((float(p[0]), float(p[1])))
    day = int(out.get("day"))
    python_mm = float(measure.caliper_mm(points[0], points[1], spacing_of(day, out.get("phase"))))
    browser = out.get("length_mm")
    out["browser_mm"] = float(browser) if browser is not None else python_mm
    out["length_mm"] = round(python_mm, 2)
    out["day"] = day
    out["slice"] = int(out.get("slice", 0))
    out["p0"], out["p1"] = list(points[0]), list(points[1])
    return out


class _MeasuringPanel(Panel):
    """Shared plumbing: the viewer's readings re-checked in Python and kept in :attr:`readings`."""

    def _init_readings(self, viewer: SliceViewer) -> None:
        self._viewer = viewer
        self._readings: list[dict] = []
        self._syncing = False
        self._setting_window = False
        self.mismatches = 0
        viewer.observe(self._on_viewer_readings, names="readings")
        viewer.observe(self._on_viewer_window, names=["level", "width"])

    def _apply_window(self) -> None:
        """Set the viewer's window from the *Window* control (a drag in the page later overrides it)."""
        self._setting_window = True
        try:
            self._apply_window_now()
        finally:
            self._setting_window = False

    def _preset_window(self):
        """(level, width) of the window preset chosen now, or None (override)."""
        value = self._window.value
        return None if value is None else WINDOW_PRESETS[value]

    def _on_viewer_window(self, change) -> None:
        """Window/level dragged in the page: the preset buttons show none, so a click brings one back."""
        if self._setting_window:
            return
        target = self._preset_window()
        now = (float(self._viewer.level), float(self._viewer.width))
        if target is not None and tuple(float(v) for v in target) != now:
            self._window.value = None

    @property
    def readings(self) -> list[dict]:
        """The reader's measurements (one dict per lesion, visit and measure; lengths checked in Python)."""
        return [dict(r) for r in self._readings]

    def _on_viewer_readings(self, change) -> None:
        if self._syncing:
            return
        if not self.run(self._accept, list(change["new"])):
            self._push(self._readings)  # a reading that could not be kept leaves the page as it was

    def _accept(self, readings: list[dict]) -> bool:
        checked, off = [], []
        for r in readings:
            c = self._check(r)
            if abs(c["browser_mm"] - c["length_mm"]) > CHECK_TOLERANCE_MM:
                off.append(c)
            checked.append(c)
        self._readings = checked
        self.mismatches += len(off)
        self._push(checked)
        show_message(self.message, "")
        if off:
            c = off[-1]
            show_message(
                self.message,
                f"Length re-checked in Python: {_mm(c['length_mm'])} (the page showed {_mm(c['browser_mm'])}); "
                "the checked length is kept.",
                kind="warning",
            )
        self._after_readings()
        return True

    def _push(self, readings: list[dict]) -> None:
        """Show ``readings`` in the viewer without handling them again."""
        shown = [{k: v for k, v in r.items() if k != "browser_mm"} for r in readings]
        if shown != list(self._viewer.readings):
            self._syncing = True
            try:
                self._viewer.readings = shown
            finally:
                self._syncing = False

    def add_reading(self, *, lesion: str, measure: str, p0, p1, day: int | None = None, phase: str | None = None,
                    slice_index: int | None = None) -> dict:  # fmt: skip
        """Add (or replace) one reading as the page does after a caliper drag; returns it checked.

        ``p0``/``p1`` are (row, col) in pixels; ``day``, ``phase`` and ``slice_index`` default to what the
        viewer shows. The length is computed in Python (mm).
        """
        v = self._viewer
        reading = {
            "lesion": lesion,
            "day": v.day if day is None else int(day),
            "measure": measure,
            "length_mm": None,
            "slice": v.slice_index if slice_index is None else int(slice_index),
            "p0": list(p0),
            "p1": list(p1),
            "phase": v.phase if phase is None else phase,
        }
        kept = [
            r
            for r in v.readings
            if not (r["lesion"] == lesion and int(r["day"]) == reading["day"] and r["measure"] == measure)
        ]
        v.readings = [*kept, reading]  # handled by _on_viewer_readings, as a reading from the page
        return next(
            (
                dict(r)
                for r in self._readings
                if r["lesion"] == lesion and r["day"] == reading["day"] and r["measure"] == measure
            ),
            {},
        )

    def clear_readings(self) -> None:
        """Forget every reading."""
        self._readings = []
        self._push([])
        self._after_readings()

    def _after_readings(self) -> None:  # pragma: no cover - overridden
        pass


class ReadingPanel(_MeasuringPanel):
    """A reading station for one synthetic case: read, measure, and compare your verdicts with the truth.

    The case (:func:`hcckit.imaging.phantom.load_case`) holds arterial and portal-venous scans at
    baseline and each follow-up, all marked SYNTHETIC. The viewer scrolls slices (wheel, arrow keys,
    slider) and sets window/level (right-drag, or the presets) in the browser; a left-drag draws a
    caliper for the chosen lesion and measure, and its length in mm is kept per lesion and visit
    (re-checked in Python). Your readings give your RECIST 1.1, mRECIST, WHO and EASL verdicts at
    each visit and your best response, beside the ground truth's, with the rule that fired and your
    error per lesion (:func:`hcckit.imaging.measure.compare_verdicts`, ``reading_errors``).

    Controls (:attr:`controls`): ``phase`` (primary), ``visit`` (day), ``window`` (preset name of
    :data:`hcckit.widgets.imaging_viewer.WINDOW_PRESETS`), ``lesion`` (id), ``measure``.
    Views (:attr:`views`): ``viewer`` (the :class:`SliceViewer`), ``readings`` (your measurements),
    ``verdicts`` (yours and the truth's, per criterion and visit, and best response), ``errors``
    (your error per lesion, visit and measure, mm). **Reset** forgets your readings and restores the
    first view.

    Attributes
    ----------
    case : hcckit.imaging.phantom.Case
    readings : list of dict
        Your measurements (``lesion``, ``day``, ``measure``, ``length_mm``, ``slice``, ``p0``, ``p1``, ``phase``).
    verdicts : pandas.DataFrame or None
        The last :func:`~hcckit.imaging.measure.compare_verdicts` result.
    errors : pandas.DataFrame or None
        The last :func:`~hcckit.imaging.measure.reading_errors` result.
    """

    def __init__(self, case=None, *, case_name: str = "tace_response", seed: int = 0, phase: str = "arterial",
                 window: str = "liver", view_px: int = 440):  # fmt: skip
        from hcckit.imaging import phantom

        self.case = phantom.load_case(case_name, seed=seed) if case is None else case
        truth = self.case.truth
        if phase not in self.case.phases:
            raise ValueError(f"phase: {phase!r} is not one of {', '.join(self.case.phases)}")
        if window not in WINDOW_PRESETS:
            raise ValueError(f"window: {window!r} is not one of {', '.join(WINDOW_PRESETS)}")
        # lesions with diameters to measure (a tumour thrombus is non-measurable: not offered)
        measurable = truth[truth["ld_mm"].notna()]
        self._names = dict(zip(truth["lesion"], truth["name"], strict=False))
        self._lesions = list(dict.fromkeys(measurable["lesion"]))
        self.verdicts = None
        self.errors = None
        self._shown = None
        first = truth[(truth["lesion"] == self._lesions[0]) & (truth["day"] == self.case.days[0])]
        self._first_slice = int(first["slice"].iloc[0]) if len(first) else 0

        self._phase = primary(_toggle([(PHASE_NAMES.get(p, p), p) for p in self.case.phases], phase, "Phase",
                                      button_width="128px"))  # fmt: skip
        self._visit = _toggle([(visit_name(d), d) for d in self.case.days], self.case.days[0], "Visit",
                              button_width="92px")  # fmt: skip
        self._window = _toggle(
            [(_SHORT_WINDOW[k], k) for k in WINDOW_PRESETS], window, "Window", button_width="100px",
            tooltips=[WINDOW_NAMES[k] for k in WINDOW_PRESETS],
        )  # fmt: skip
        self._lesion = widgets.Dropdown(
            options=[(self._names[k], k) for k in self._lesions], value=self._lesions[0], description="Lesion",
            style={"description_width": "60px"}, layout=widgets.Layout(width="400px"),
        )  # fmt: skip
        self._measure = widgets.RadioButtons(
            options=[(MEASURE_NAMES[m], m) for m in MEASURES], value="ld_mm", description="Caliper",
            style={"description_width": "60px"}, layout=widgets.Layout(width="100%"),
        )  # fmt: skip
        self._goto = _button("Go to the lesion", "Show the slice where this lesion is largest at this visit")
        self._undo = _button("Delete last", "Delete your last caliper")
        self._zero = _button(
            "Nothing there: 0 mm", "Record 0 mm for this lesion and measure (e.g. no enhancing tissue left)"
        )
        viewer = SliceViewer(view_px=view_px, lesion_names=self._names, active=self._lesions[0])
        viewer.add_class("hcckit-chart")
        viewer.add_class("hcckit-imaging-viewer")
        self._readings_html = widgets.HTML()
        self._readings_html.add_class("hcckit-imaging-readings")
        self._verdicts_html = widgets.HTML(layout=widgets.Layout(width="100%"))
        self._verdicts_html.add_class("hcckit-imaging-verdicts")
        self._errors_html = widgets.HTML(layout=widgets.Layout(width="100%"))
        self._errors_html.add_class("hcckit-imaging-errors")
        self._summary = widgets.HTML(layout=widgets.Layout(width="100%"))
        self._summary.add_class("hcckit-imaging-summary")
        self._comparison = widgets.VBox([self._verdicts_html, self._errors_html])
        self._comparison.add_class("hcckit-imaging-comparison")
        self._message = message_box()
        help_line = widgets.HTML(
            f"<div style='{_TEXT}'><b>Left-drag</b> on the image: caliper. <b>Wheel</b> or arrow keys: slices. "
            "<b>Right-drag</b> (or shift-drag): window/level.</div>"
        )
        controls = widgets.VBox(
            [
                help_line,
                self._phase,
                self._visit,
                self._window,
                self._lesion,
                self._measure,
                widgets.HBox(
                    [self._goto, self._zero, self._undo], layout=widgets.Layout(flex_flow="row wrap")
                ),
                self._readings_html,
            ]
        )
        super().__init__(
            [
                beside(controls, viewer, controls_width="430px"),
                self._message,
                self._summary,
            ],
            controls={
                "phase": self._phase,
                "visit": self._visit,
                "window": self._window,
                "lesion": self._lesion,
                "measure": self._measure,
            },
            views={
                "viewer": viewer,
                "readings": self._readings_html,
                "verdicts": self._verdicts_html,
                "errors": self._errors_html,
                "summary": self._summary,
            },
            message=self._message,
        )
        self._init_readings(viewer)
        self.on_change(["phase", "visit"], self._show_scan)
        self.on_change(["window"], self._apply_window)
        self.on_change(["lesion", "measure"], self._set_caliper)
        self.on_click(self._goto, self.go_to_lesion)
        self.on_click(self._undo, self.delete_last)
        self.on_click(self._zero, self.record_zero)
        self.run(self._show_scan, slice_index=self._first_slice)
        self.run(self._apply_window)
        self.run(self._set_caliper)
        self.run(self._after_readings)

    # ------------------------------------------------------------------ scans
    def _scan(self, day=None, phase=None):
        day = self._visit.value if day is None else day
        phase = self._phase.value if phase is None else phase
        try:
            return self.case.scans[(day, phase)]
        except KeyError:
            raise ValueError(f"visit: no {PHASE_NAMES.get(phase, phase)} scan on {visit_name(day)}") from None

    def _spacing(self, day, phase):
        scan = self._scan(day, phase if phase in self.case.phases else self.case.phases[0])
        return (float(scan.spacing_mm[1]), float(scan.spacing_mm[2]))

    def _show_scan(self, slice_index: int | None = None) -> None:
        scan = self._scan()
        key = (self._visit.value, self._phase.value)
        self._render_readings()
        if key == self._shown:  # e.g. Reset with the first scan on screen: nothing to send again
            return
        self._shown = key
        self._viewer.show(
            scan.pixels, scan.spacing_mm, label=scan.label, slice_index=slice_index,
            day=int(scan.day), phase=str(scan.phase),
        )  # fmt: skip

    def _apply_window_now(self) -> None:
        if self._window.value is not None:
            self._viewer.apply_window(self._window.value)

    def _set_caliper(self) -> None:
        with self._viewer.hold_sync():
            self._viewer.active = self._lesion.value
            self._viewer.measure = self._measure.value

    @property
    def bytes_sent(self) -> int:
        """Scan bytes sent to the page so far (int16 pixels)."""
        return self._viewer.bytes_sent

    def comparison(self) -> widgets.VBox:
        """Your verdicts beside the truth's (every visit and best response) and your error per lesion.

        The same widgets as ``views["verdicts"]`` and ``views["errors"]``, to show in the lesson's next
        section; they follow your readings.
        """
        return self._comparison

    def go_to_lesion(self) -> None:
        """Show the slice holding the chosen lesion's longest diameter at this visit (ground truth)."""
        t = self.case.truth
        row = t[(t["lesion"] == self._lesion.value) & (t["day"] == self._visit.value)]
        if row.empty:
            show_message(
                self.message,
                f"{self._names[self._lesion.value]} is not seen on {visit_name(self._visit.value)}.",
            )
            return
        self._viewer.slice_index = int(row["slice"].iloc[0])

    def record_zero(self) -> None:
        """Record 0 mm for the chosen lesion and measure at this visit (nothing of it to measure)."""
        t = self.case.truth
        row = t[(t["lesion"] == self._lesion.value) & (t["day"] == self._visit.value)]
        if row.empty:
            raise ValueError(
                f"lesion: {self._names[self._lesion.value]} is not seen on {visit_name(self._visit.value)}"
            )
        centre = [float(v) for v in row["centre_rc"].iloc[0]]
        self.add_reading(lesion=self._lesion.value, measure=self._measure.value, p0=centre, p1=centre)

    def delete_last(self) -> None:
        """Delete the last reading taken."""
        if not self._readings:
            show_message(self.message, "No caliper to delete yet.")
            return
        self._readings = self._readings[:-1]
        self._push(self._readings)
        self._after_readings()

    def on_reset(self) -> None:
        self._readings = []
        self._push([])
        self._viewer.slice_index = self._first_slice
        self._after_readings()

    def _check(self, reading: dict) -> dict:
        return _check_reading(reading, lesions=self._lesions, spacing_of=self._spacing)

    # ------------------------------------------------------------------ verdicts
    def _after_readings(self) -> None:
        from hcckit.imaging import measure

        if not self._readings:
            self.verdicts = self.errors = None
            self._verdicts_html.value = (
                f"<div style='{_TEXT}' class='hcckit-imaging-empty'><b>Your verdicts</b> appear here, beside the "
                "ground truth's, as soon as you measure: start at baseline, then each follow-up.</div>"
            )
            self._errors_html.value = ""
        else:
            self.verdicts = measure.compare_verdicts(self._readings, self.case)
            self.errors = measure.reading_errors(self._readings, self.case)
            self._verdicts_html.value = _verdicts_table(self.verdicts, self._names)
            self._errors_html.value = _errors_table(self.errors, self._names)
        self._render_readings()

    def _render_summary(self) -> None:
        """One line under the viewer: your verdicts at the visit shown, beside the truth's."""
        day = self._visit.value
        if day == min(self.case.days):
            self._summary.value = (
                f"<div style='{_TEXT}'><b>Baseline</b>: measure each lesion here first; verdicts start at the "
                "first follow-up (your table is in the next section).</div>"
            )
            return
        if self.verdicts is None:
            self._summary.value = (
                f"<div style='{_TEXT}'><b>{visit_name(day)}</b>: no verdict yet - measure the lesions at "
                "baseline and on this visit.</div>"
            )
            return
        at = self.verdicts[(self.verdicts["day"] == day) & _visit_rows(self.verdicts)]
        parts = []
        for r in at.to_dict("records"):
            yours, truth = _category(r.get("reader_response")), _category(r.get("truth_response"))
            mark = "✓" if yours == truth else "✗"
            parts.append(
                f"<span class='hcckit-imaging-verdict' data-criterion='{html.escape(str(r['criterion']))}' "
                f"data-reader='{html.escape(yours)}' data-truth='{html.escape(truth)}'>"
                f"{html.escape(str(r['criterion']))}: {_badge(yours)} (truth {_badge(truth)}) {mark}</span>"
            )
        self._summary.value = (
            f"<div style='{_TEXT};display:flex;flex-wrap:wrap;gap:4px 18px'><b>Your verdicts, "
            f"{visit_name(day)}:</b>{''.join(parts)}</div>"
        )

    def _render_readings(self) -> None:
        self._render_summary()
        day = self._visit.value
        rows = [r for r in self._readings if r["day"] == day]
        if not rows:
            self._readings_html.value = (
                f"<div style='{_TEXT}'><b>Your calipers, {html.escape(visit_name(day))}</b>: none yet.</div>"
            )
            return
        items = "".join(
            f"<tr><td>{html.escape(self._names.get(r['lesion'], r['lesion']))}</td>"
            f"<td>{html.escape(_SHORT_MEASURE[r['measure']])}</td><td>{_mm(r['length_mm'])}</td></tr>"
            for r in rows
        )
        self._readings_html.value = (
            f"<div style='{_TEXT}'><b>Your calipers, {html.escape(visit_name(day))}</b></div>"
            f"<table class='hcckit-table' style='font-size:14px'><tr><th>Lesion</th><th>Measure</th>"
            f"<th>Length</th></tr>{items}</table>"
        )


_MEASURE_WORDS = {
    "viable_perp_mm": "viable perpendicular",
    "viable_ld_mm": "viable longest diameter",
    "perp_mm": "perpendicular",
    "ld_mm": "longest diameter",
}


def _readable(text: str, names: dict) -> str:
    """An engine's reason with lesion names for lesion ids and words for measure columns."""
    out = str(text)
    for column, words in _MEASURE_WORDS.items():
        out = re.sub(rf"(?<![\w]){column}(?![\w])", words, out)
    for lesion in sorted(names, key=len, reverse=True):
        out = re.sub(rf"(?<![\w-]){re.escape(str(lesion))}(?![\w-])", str(names[lesion]), out)
    return out


def _visit_rows(verdicts):
    """Which rows of a compare_verdicts table are visits (not best response)."""
    return verdicts["row"] == "visit"


def _verdicts_table(verdicts, names=None) -> str:
    """Per criterion: each follow-up and the confirmed best response, yours beside the truth's, and why."""
    keep = verdicts[
        ((verdicts["row"] == "visit") & (verdicts["truth_response"].astype(str) != "baseline"))
        | (verdicts["row"] == "best_confirmed")
    ]
    rows = []
    for r in keep.to_dict("records"):
        yours, truth = _category(r.get("reader_response")), _category(r.get("truth_response"))
        agree = bool(r.get("agree"))
        when = "Best response" if r["row"] != "visit" else visit_name(r["day"])
        why = f"<div>{html.escape(_readable(r.get('reader_reason') or '', names or {}))}</div>"
        if not agree:
            truth_why = _readable(r.get("truth_reason") or "", names or {})
            why += f"<div style='color:#555'>truth: {html.escape(truth_why)}</div>"
        style = "" if agree else " style='background:#FDF0E6'"
        rows.append(
            f"<tr{style} data-criterion='{html.escape(str(r['criterion']))}' data-row='{html.escape(str(r['row']))}'"
            f" data-day='{'' if r['row'] != 'visit' else int(r['day'])}'"
            f" data-reader='{html.escape(yours)}' data-truth='{html.escape(truth)}'>"
            f"<td>{html.escape(str(r['criterion']))}</td><td>{html.escape(when)}</td>"
            f"<td>{_badge(yours)}</td><td>{_badge(truth)}</td><td>{'✓' if agree else '✗'}</td>"
            f"<td style='font-size:14px;min-width:320px'>{why}</td></tr>"
        )
    n_agree = int(keep["agree"].sum())
    return (
        f"<div style='{_TEXT}'><b>Your verdicts against the ground truth</b> (SYNTHETIC case): you agree on "
        f"{n_agree} of {len(keep)}. Best response: confirmed (CR/PR seen again at least 28 days later).</div>"
        "<table class='hcckit-table hcckit-imaging-verdict-table' style='font-size:14px'><tr><th>Criterion</th>"
        "<th>Visit</th><th>Yours</th><th>Truth</th><th>Agree</th><th>Rule that fired (yours; the truth's when "
        "different)</th></tr>" + "".join(rows) + "</table>"
    )


def _errors_table(errors, names) -> str:
    """Your measurement error per lesion, visit and measure (mm), the measures not taken counted."""
    taken = errors[errors["reader_mm"].notna()]
    missing = len(errors) - len(taken)
    rows = "".join(
        f"<tr><td>{html.escape(str(r['name']))}</td><td>{visit_name(r['day'])}</td>"
        f"<td>{html.escape(_SHORT_MEASURE.get(r['measure'], str(r['measure'])))}</td><td>{_mm(r['reader_mm'])}</td>"
        f"<td>{_mm(r['truth_mm'])}</td><td>{_signed_mm(r['error_mm'])}</td>"
        f"<td>{html.escape(_readable(r['note'] or '', names))}</td></tr>"
        for r in taken.to_dict("records")
    )
    more = f" {missing} measure(s) of the truth you have not taken yet." if missing else ""
    return (
        "<details class='hcckit-imaging-errors-box'><summary style='font-size:14px'><b>Your measurement error per "
        f"lesion</b> ({len(taken)} measured).{html.escape(more)}</summary>"
        "<table class='hcckit-table' style='font-size:14px'><tr><th>Lesion</th><th>Visit</th><th>Measure</th>"
        f"<th>Yours</th><th>Truth</th><th>Error</th><th>Note</th></tr>{rows}</table></details>"
    )


class VariabilityPanel(Panel):
    """Simulated readers with measurement error: how often does each criterion's category flip?

    Readers re-measure the case's ground-truth diameters with a random error (its SD a % of each
    diameter; :func:`hcckit.imaging.variability.flip_curve`, computed once for :data:`ERROR_LEVELS`).
    The chart (:func:`hcckit.charts.imaging.flip_chart`) shows, for the chosen visit or the
    confirmed best response, the share of readers whose category differs from the truth against the
    size of the error; the table gives the shares and the readers' categories at the chosen error;
    ``source`` cites the published reader error (:func:`~hcckit.imaging.variability.reader_error_model`).

    Controls (:attr:`controls`): ``error_sd_pct`` (primary; one of :data:`ERROR_LEVELS`, % of the
    diameter), ``visit`` (a follow-up day, or ``"best"`` for the confirmed best response).
    Views: ``chart``, ``table``, ``source``.

    Attributes
    ----------
    curve : pandas.DataFrame
        The :func:`~hcckit.imaging.variability.flip_curve` result (a copy).
    value : pandas.DataFrame
        Its rows at the chosen error (a copy).
    """

    #: Error sizes simulated (SD of one reader's error, % of the diameter).
    ERROR_LEVELS = (0, 2, 4, 6, 8, 10, 12, 15, 20)

    def __init__(self, case=None, *, case_name: str = "tace_response", seed: int = 0, error_sd_pct: float = 10,
                 visit="best", n_readers: int = 100):  # fmt: skip
        from hcckit.imaging import phantom, variability

        self.case = phantom.load_case(case_name, seed=seed) if case is None else case
        if error_sd_pct not in self.ERROR_LEVELS:
            raise ValueError(f"error_sd_pct: must be one of {', '.join(map(str, self.ERROR_LEVELS))} (%)")
        self._n = int(n_readers)
        self._curve = variability.flip_curve(
            self.case, error_sd_pct=self.ERROR_LEVELS, n_readers=self._n, seed=int(seed)
        )
        follow = [d for d in self.case.days if d != min(self.case.days)]
        if visit != "best" and visit not in follow:
            raise ValueError(
                f"visit: must be 'best' or a follow-up day ({', '.join(map(str, follow))}), got {visit!r}"
            )
        self._error = primary(
            widgets.SelectionSlider(
                options=[(f"{v} %", v) for v in self.ERROR_LEVELS], value=error_sd_pct, continuous_update=False,
                layout=widgets.Layout(width="100%"),
            )
        )  # fmt: skip
        self._visit = _toggle(
            [(visit_name(d), d) for d in follow] + [("Best response", "best")], visit, "Verdict",
            button_width="112px",
        )  # fmt: skip
        self._table = widgets.HTML()
        self._table.add_class("hcckit-imaging-flips")
        self._source = widgets.HTML(_model_source(variability.reader_error_model()))
        self._chart = chart_view(None)
        self._message = message_box()
        controls = widgets.VBox(
            [
                labelled("Reader error (SD, % of the diameter)", self._error),
                self._visit,
                self._table,
                self._source,
            ]
        )
        super().__init__(
            beside(controls, self._chart, controls_width="370px"),
            controls={"error_sd_pct": self._error, "visit": self._visit},
            views={"chart": self._chart, "table": self._table, "source": self._source},
            message=self._message,
        )
        self.on_change(["error_sd_pct", "visit"], self._update)
        self.run(self._update)

    @property
    def curve(self):
        """Flip rates per error size, criterion and visit / best response (a copy)."""
        return self._curve.copy()

    @property
    def value(self):
        """The curve's rows at the chosen error size (a copy)."""
        return self._rows(self._visit.value, self._error.value).copy()

    def _rows(self, visit, error=None):
        c = self._curve
        keep = (
            (c["row"] == "best_confirmed")
            if visit == "best"
            else ((c["row"] == "visit") & (c["day"] == visit))
        )
        if error is not None:
            keep &= c["error_sd_pct"] == float(error)
        return c[keep]

    def _update(self) -> None:
        visit, error = self._visit.value, self._error.value
        what = "best response" if visit == "best" else visit_name(visit)
        self._chart.chart = charts.flip_chart(
            self._rows(visit), marker_pct=error, marker_label=f"{error} %",
            title=f"Reader error and the category: {what}", width=360, height=260,
        )  # fmt: skip
        rows = "".join(
            f"<tr><td>{html.escape(str(r['criterion']))}</td><td>{_badge(_category(r['truth_response']))}</td>"
            f"<td>{r['flip_pct']:.0f} %</td><td>{html.escape(str(r['reader_counts']))}</td></tr>"
            for r in self._rows(visit, error).to_dict("records")
        )
        self._table.value = (
            f"<div style='{_TEXT}'><b>{self._n} simulated readers, {html.escape(what)}, error SD {error} %</b></div>"
            "<table class='hcckit-table' style='font-size:14px'><tr><th>Criterion</th><th>Truth</th>"
            f"<th>Differ</th><th>Readers' categories</th></tr>{rows}</table>"
        )


def _model_source(model) -> str:
    """The published reader error behind the model, in one short paragraph with its source."""
    figs = model.figures
    used = figs[
        figs["used_for"].astype(str).str.startswith("model_")
        & ~figs["used_for"].astype(str).str.endswith("_intra")
    ]
    parts = []
    for r in used.to_dict("records"):
        parts.append(
            f"{html.escape(str(r['phase']).replace('_', '-'))} phase {r['value_low']:g} to {r['value_high']:g} {html.escape(str(r['unit']))}"
        )
    first = used.iloc[0] if len(used) else None
    size = f"{float(first['lesion_size_mm']):g}" if first is not None else "30"
    cite = ""
    if first is not None:
        authors = str(first["authors"]).split(",")[0].strip()
        study = str(first["study"])
        where = study[study.index("(") + 1 : study.rindex(")")] if "(" in study and ")" in study else study
        cite = f"{html.escape(authors)} et al., {html.escape(where)}"
    sds = sorted({round(v, 1) for v in model.sd_pct.values()})
    sd_text = " to ".join(f"{v:.1f}" for v in (sds[0], sds[-1])) if len(sds) > 1 else f"{sds[0]:.1f}"
    return (
        f"<div style='{_TEXT}'><b>Real readers</b>: two readers' 95 % limits of agreement for liver lesions of about "
        f"{size} mm on CT, {'; '.join(parts)} ({cite}; liver metastases, not HCC after TACE: no HCC-specific "
        f"figures were found): an SD of about {sd_text} % per reader. Real error is larger for small lesions.</div>"
    )


class UploadPanel(_MeasuringPanel):
    """Your own teaching file, measured as the synthetic case is: DICOM, or PNG/JPEG with a stated pixel size.

    A DICOM file brings its pixel spacing (PixelSpacing or ImagerPixelSpacing) and its Hounsfield
    units; a PNG or JPEG needs the pixel size in mm typed in first. The file is read in memory by
    :func:`hcckit.imaging.loading.load_image` and never written anywhere; the upload box is emptied
    once it is read. A file that cannot be read gives a one-line message and the panel keeps what it
    showed. Calipers work as in the reading station: the longest diameter and its perpendicular.

    Controls (:attr:`controls`): ``upload``, ``pixel_mm`` (pixel size of a PNG/JPEG, mm; 0 = not
    stated), ``window`` ("file": the file's own window, or a preset name), ``measure``.
    Views: ``viewer``, ``readings`` (your calipers on this file, mm), ``source`` (what was read).

    Attributes
    ----------
    image : Image-like or None
        What :func:`~hcckit.imaging.loading.load_image` returned for the last file read.
    """

    LESION = "own"

    def __init__(self, *, view_px: int = 440):
        from hcckit.imaging import loading
        from hcckit.widgets.uploads import FEWER_CLASS, MAX_BYTES_CLASS

        # a file reaches the kernel in one websocket message: Jupyter's server (tornado) drops messages
        # over 10 MiB unless configured, so the page refuses bigger files (the template's guard) first
        limit = min(int(loading.MAX_BYTES), UPLOAD_LIMIT_BYTES)
        size = f"{limit / 2**20:g} MB"  # binary megabytes, as hcckit.imaging.loading counts them
        self._upload = widgets.FileUpload(
            accept=".dcm,.dicom,.ima,.png,.jpg,.jpeg,application/dicom,image/png,image/jpeg", multiple=True,
            description=f"Open a file (up to {size})",
            tooltip=f"A DICOM file or series (several files), a PNG or a JPEG, at most {size}: read in memory, "
            "never saved",
            layout=widgets.Layout(width="auto"),
        )  # fmt: skip
        self._upload.add_class("hcckit-upload")
        self._upload.add_class(f"{MAX_BYTES_CLASS}{limit}")
        self._upload.add_class(f"{FEWER_CLASS}frames")
        self._pixel = widgets.BoundedFloatText(
            value=0.0, min=0.0, max=10.0, step=0.01, description="Pixel size (mm), PNG/JPEG only",
            style={"description_width": "initial"}, layout=widgets.Layout(width="330px"),
        )  # fmt: skip
        self._window = _toggle(
            [("File's", "file")] + [(_SHORT_WINDOW[k], k) for k in WINDOW_PRESETS], "file", "Window",
            button_width="92px", tooltips=["The window stored in the file"] + [WINDOW_NAMES[k] for k in WINDOW_PRESETS],
        )  # fmt: skip
        self._measure = widgets.RadioButtons(
            options=[(MEASURE_NAMES[m], m) for m in ("ld_mm", "perp_mm")], value="ld_mm", description="Caliper",
            style={"description_width": "60px"}, layout=widgets.Layout(width="100%"),
        )  # fmt: skip
        viewer = SliceViewer(view_px=view_px, active=self.LESION, lesion_names={self.LESION: "your lesion"},
                             empty_text="Open a DICOM, PNG or JPEG file")  # fmt: skip
        viewer.add_class("hcckit-chart")
        viewer.add_class("hcckit-imaging-viewer")
        self._readings_html = widgets.HTML()
        self._source = widgets.HTML(_NO_FILE)
        self.image = None
        self._name = ""
        self._message = message_box()
        controls = widgets.VBox(
            [
                self._upload,
                self._pixel,
                self._source,
                self._window,
                self._measure,
                self._readings_html,
            ]
        )
        super().__init__(
            beside(controls, viewer, controls_width="430px"),
            controls={"upload": self._upload, "pixel_mm": self._pixel, "window": self._window, "measure": self._measure},
            views={"viewer": viewer, "readings": self._readings_html, "source": self._source},
            message=self._message,
        )  # fmt: skip
        self._init_readings(viewer)
        self._upload.observe(self._on_upload, names="value")
        self.on_change(["window"], self._apply_window)
        self.on_change(["measure"], self._set_caliper)
        self.on_change(["pixel_mm"], self._on_pixel)
        self.run(self._set_caliper)
        self.run(self._after_readings)

    # ------------------------------------------------------------------ files
    def _on_upload(self, change) -> None:
        value = self._upload.value
        if not value:
            return
        items = list(value) if isinstance(value, (tuple, list)) else list(value.values())
        files = [(str(item.get("name", "file")), bytes(item["content"])) for item in items]
        try:
            show_message(self.message, "")
            if len(files) == 1:
                self.run(self.load_bytes, files[0][1], name=files[0][0])
            else:
                self.run(self.load_files, files)
        finally:
            self._upload.value = ()  # nothing kept: the bytes leave the widget once read

    def load_bytes(self, content: bytes, *, name: str) -> None:
        """Read one file (DICOM, PNG, JPEG) and show it; ValueError naming the problem otherwise."""
        from hcckit.imaging import loading

        pixel = float(self._pixel.value) or None
        self._show_image(loading.load_image(bytes(content), name, pixel_mm=pixel), str(name))

    def load_files(self, files) -> None:
        """Read a DICOM series (several single-slice files: ``(name, bytes)`` pairs) and show it."""
        from hcckit.imaging import loading

        files = list(files)
        pixel = float(self._pixel.value) or None
        self._show_image(loading.load_series(files, pixel_mm=pixel), f"{len(files)} DICOM files")

    def _show_image(self, image, name: str) -> None:
        shape = tuple(int(n) for n in image.pixels.shape)
        label = str(getattr(image, "label", "") or f"Your file: {name}")
        self._viewer.show(
            image.pixels, image.spacing_mm, label=label, slice_index=shape[0] // 2, day=0, phase=""
        )
        self.image, self._name = image, name
        self._readings = []
        self._push([])
        self._apply_window()
        spacing = image.spacing_mm
        frames = f", {shape[0]} slices" if shape[0] > 1 else ""
        warnings = "".join(
            f"<div style='color:#7A4B00'>{html.escape(str(w))}</div>"
            for w in getattr(image, "warnings", ()) or ()
        )
        self._source.value = (
            f"<div style='{_TEXT}'><b>{html.escape(name)}</b>: {html.escape(str(image.modality))}, "
            f"{shape[2]} × {shape[1]} pixels{frames}, pixel {float(spacing[2]):.3g} × {float(spacing[1]):.3g} mm. "
            f"{html.escape(str(image.source))}. Read in memory, not saved.{warnings}</div>"
        )
        self._after_readings()

    def _on_pixel(self) -> None:
        """A new stated pixel size: rescale a PNG/JPEG already shown (a DICOM keeps its own spacing)."""
        image = self.image
        if image is None or str(image.modality).upper() not in {"PNG", "JPEG"}:
            return
        mm = float(self._pixel.value)
        if mm <= 0:
            raise ValueError("pixel_mm: state the pixel size in mm (greater than 0)")
        self._viewer.spacing_mm = [float(self._viewer.spacing_mm[0]), mm, mm]
        self._accept([{**r, "length_mm": None} for r in self._viewer.readings])  # re-measured at the new size

    def _preset_window(self):
        value = self._window.value
        if value == "file":
            if self.image is None:
                return None
            level, width = (float(v) for v in self.image.window)
            return (level, max(width, 1.0))
        return None if value is None else WINDOW_PRESETS[value]

    def _apply_window_now(self) -> None:
        if self._window.value is None:
            return
        if self._window.value == "file":
            if self.image is not None:
                level, width = (float(v) for v in self.image.window)
                with self._viewer.hold_sync():
                    self._viewer.level, self._viewer.width = level, max(width, 1.0)
            return
        self._viewer.apply_window(self._window.value)

    def _set_caliper(self) -> None:
        self._viewer.measure = self._measure.value

    def _check(self, reading: dict) -> dict:
        spacing = (float(self._viewer.spacing_mm[1]), float(self._viewer.spacing_mm[2]))
        return _check_reading(reading, lesions=[self.LESION], spacing_of=lambda _day, _phase: spacing)

    def on_reset(self) -> None:
        self.image, self._name = None, ""
        self._readings = []
        self._viewer.clear("Open a DICOM, PNG or JPEG file")
        self._source.value = _NO_FILE

    def _after_readings(self) -> None:
        if not self._readings:
            hint = (
                "open a file, then drag across the lesion" if self.image is None else "drag across the lesion"
            )
            self._readings_html.value = f"<div style='{_TEXT}'><b>Your calipers</b>: none yet ({hint}).</div>"
            return
        items = "".join(
            f"<tr><td>{html.escape(_SHORT_MEASURE[r['measure']])}</td><td>{r['slice'] + 1}</td>"
            f"<td>{_mm(r['length_mm'])}</td></tr>"
            for r in self._readings
        )
        self._readings_html.value = (
            f"<div style='{_TEXT}'><b>Your calipers on {html.escape(self._name)}</b></div>"
            "<table class='hcckit-table' style='font-size:14px'><tr><th>Measure</th><th>Slice</th>"
            f"<th>Length</th></tr>{items}</table>"
        )


_NO_FILE = f"<div style='{_TEXT}'>No file yet. The file stays in this session's memory only: it is never saved.</div>"


def case_card(case) -> widgets.HTML:
    """The case as the class reads it: title, description and its scans (visits, phases, size).

    Sizes: slices x rows x cols, pixel and slice size in mm, and the bytes one scan sends to the page.
    """
    rows = []
    for day in case.days:
        for phase in case.phases:
            scan = case.scans.get((day, phase))
            if scan is None:
                continue
            s, r, c = (int(n) for n in scan.pixels.shape)
            thick, row_mm, col_mm = (float(v) for v in scan.spacing_mm)
            rows.append(
                f"<tr><td>{html.escape(visit_name(day))}</td><td>{html.escape(PHASE_NAMES.get(phase, phase))}</td>"
                f"<td>{s} × {r} × {c}</td><td>{col_mm:g} × {row_mm:g} mm, slices {thick:g} mm</td>"
                f"<td>{s * r * c * 2 / 1e6:.1f} MB</td></tr>"
            )
    mark = "SYNTHETIC · " if getattr(case, "synthetic", True) else ""
    box = widgets.HTML(
        f"<div style='{_TEXT}'><p style='font-size:15px'><b style='color:#B00020'>{mark}</b>"
        f"<b>{html.escape(str(case.title))}</b></p><p>{html.escape(str(case.description))}</p></div>"
        "<table class='hcckit-table' style='font-size:14px'><tr><th>Visit</th><th>Phase</th>"
        "<th>Slices × rows × columns</th><th>Pixel</th><th>Sent to the page</th></tr>"
        + "".join(rows)
        + "</table>"
    )
    box.add_class("hcckit-imaging-case")
    return box


def reading_panel(**kwargs) -> ReadingPanel:
    """The lesson's reading station (see :class:`ReadingPanel`)."""
    return ReadingPanel(**kwargs)


def variability_panel(**kwargs) -> VariabilityPanel:
    """The lesson's reader-variability panel (see :class:`VariabilityPanel`)."""
    return VariabilityPanel(**kwargs)


def upload_panel(**kwargs) -> UploadPanel:
    """The lesson's own-file panel (see :class:`UploadPanel`)."""
    return UploadPanel(**kwargs)
