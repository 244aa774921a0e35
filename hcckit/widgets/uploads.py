"""Panels for the user's own files: classify uploaded lesion measurements, rebuild an uploaded curve.

Both panels keep what worked: a bad file shows a message naming the file, line and column,
and the previous results stay on screen. Each has an example file (a download link built
into the page, no server request) and a button that loads it, so a teacher can demonstrate
without preparing anything.
"""

from __future__ import annotations

import base64
import html

import ipywidgets as widgets

from hcckit import uploads
from hcckit.widgets._common import chart_view, message_box, show_message
from hcckit.widgets.panel import Panel, renamed_view

__all__ = ["MeasurementsUploadPanel", "CurveUploadPanel", "uploaded_file", "limited_upload", "size_label"]

_CRITERIA = ("RECIST 1.1", "mRECIST", "WHO", "EASL")
_WIDE = {"style": {"description_width": "initial"}, "layout": widgets.Layout(width="auto")}
_ACCEPT = ".csv,text/csv,text/plain"
#: DOM class prefix the Voila template's guard reads (hcckit_guard.js): the size limit in bytes.
MAX_BYTES_CLASS = "hcckit-max-bytes-"
#: DOM class prefix naming what to leave out of a too-large file ("fewer patients").
FEWER_CLASS = "hcckit-upload-fewer-"


def size_label(n_bytes: int) -> str:
    """A size in bytes as the lessons write it: decimal megabytes (1 MB = 1,000,000 bytes), e.g. "2 MB"."""
    return f"{n_bytes / 1e6:g} MB"


def limited_upload(description: str, *, fewer: str, max_bytes: int | None = None) -> widgets.FileUpload:
    """A one-file CSV ``FileUpload`` whose label states the size limit and whose DOM carries it.

    ``max_bytes`` (bytes, default :data:`hcckit.uploads.MAX_BYTES`, the limit ``read_csv_bytes``
    enforces) is shown in the label ("Upload CSV (up to 2 MB)") and tooltip, and set as the class
    ``hcckit-max-bytes-<max_bytes>``: the kit's Voila template refuses a larger file in the browser,
    before it is sent to the kernel, with a message next to the button. ``fewer`` (one word,
    e.g. "patients") completes that message's advice: "Save a smaller file (e.g. fewer patients)".
    """
    limit = uploads.MAX_BYTES if max_bytes is None else int(max_bytes)
    if limit <= 0:
        raise ValueError(f"max_bytes: must be a positive number of bytes, got {max_bytes!r}")
    if not fewer.isalpha():
        raise ValueError(f"fewer: one word of letters (e.g. 'patients'), got {fewer!r}")
    label = size_label(limit)
    upload = widgets.FileUpload(
        accept=_ACCEPT,
        multiple=False,
        description=f"{description} (up to {label})",
        tooltip=f"A CSV file of at most {label} ({limit:,} bytes)",
        layout=widgets.Layout(width="auto"),
    )
    upload.add_class("hcckit-upload")
    upload.add_class(f"{MAX_BYTES_CLASS}{limit}")
    upload.add_class(f"{FEWER_CLASS}{fewer.lower()}")
    return upload


def uploaded_file(upload: widgets.FileUpload) -> tuple[str, bytes] | None:
    """(name, bytes) of the file in an ``ipywidgets.FileUpload``, or None when it holds none."""
    value = upload.value
    if not value:
        return None
    item = value[0] if isinstance(value, (tuple, list)) else next(iter(value.values()))
    return str(item.get("name", "file")), bytes(item["content"])


def _when_uploaded(panel: Panel, upload: widgets.FileUpload, load) -> None:
    """Run ``load(content, name=file name)`` through ``panel.run`` whenever ``upload`` receives a file."""

    def received(_change) -> None:
        got = uploaded_file(upload)
        if got is not None:
            panel.run(load, got[1], name=got[0])

    upload.observe(received, names="value")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _download_link(text: str, filename: str, label: str) -> str:
    data = base64.b64encode(text.encode()).decode()
    return (
        f'<a download="{html.escape(filename)}" href="data:text/csv;base64,{data}" '
        f'style="text-decoration:underline">{html.escape(label)}</a>'
    )


def _columns_html(columns: dict, required) -> str:
    rows = "".join(
        f"<li><code>{html.escape(c)}</code>{' (required)' if c in required else ''}: {html.escape(d)}</li>"
        for c, d in columns.items()
    )
    return f"<details><summary>File format: the columns</summary><ul style='margin:2px 0 6px 0'>{rows}</ul></details>"


def _table_html(frame, *, max_rows: int = 30) -> str:
    shown = frame.head(max_rows)
    head = "".join(
        f"<th style='text-align:left;padding:2px 8px'>{html.escape(str(c))}</th>" for c in shown.columns
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td style='padding:2px 8px'>{html.escape('' if v != v else str(v))}</td>" for v in row
        )  # v != v: NaN shown empty
        + "</tr>"
        for row in shown.itertuples(index=False)
    )
    more = f"<div>… {len(frame) - max_rows} more rows</div>" if len(frame) > max_rows else ""
    return f"<table style='border-collapse:collapse;font-size:14px'><tr>{head}</tr>{body}</table>{more}"


class MeasurementsUploadPanel(Panel):
    """Upload a CSV of lesion measurements and see each patient's verdict under all four criteria.

    The file has one row per lesion per scan (columns: :data:`hcckit.uploads.MEASUREMENT_COLUMNS`).
    Results: best overall response per patient and criterion (confirmed, RECIST 1.1 Table 3),
    every visit's verdict with the rule that fired, and a spider chart for the chosen criterion.

    Attributes
    ----------
    measurements : pandas.DataFrame or None
        The last table that was classified successfully.
    timepoints, best : pandas.DataFrame or None
        :func:`hcckit.response.assess_all` and :func:`hcckit.response.best_response` of it.
    controls : ``criterion`` (the criterion the spider chart draws).
    views : ``summary`` (best responses), ``chart`` (the spider chart), ``visits`` (every visit).
    upload, example_button : the file upload and the "Use the example file" button.
    """

    def __init__(self):
        self.measurements = self.timepoints = self.best = None
        self._source = ""
        example = uploads.example_csv("measurements")
        intro = widgets.HTML(
            "<b>Classify your own cases.</b> Upload a CSV file with one row per lesion per scan "
            f"(diameters in mm, day 0 = baseline; at most {size_label(uploads.MAX_BYTES)})."
            + _columns_html(uploads.MEASUREMENT_COLUMNS, ("patient", "lesion", "day", "kind"))
            + "Template: "
            + _download_link(example, "hcckit_measurements_example.csv", "example file (synthetic patient)")
            + ". The file is read in memory by the computer that serves this page (on a class network "
            "that is the teacher's computer, sent unencrypted); it is never written to disk."
        )
        self.upload = limited_upload("Upload CSV", fewer="patients")
        self.example_button = widgets.Button(
            description="Use the example file", icon="file", layout=widgets.Layout(width="auto")
        )
        self._criterion = widgets.Dropdown(
            options=_CRITERIA, value="mRECIST", description="Chart criterion", **_WIDE
        )
        self._message = message_box()
        self._summary = widgets.HTML()
        self._visits = widgets.HTML()
        chart = chart_view(self._empty_chart())
        body = [
            intro,
            widgets.HBox([self.upload, self.example_button, self._criterion]),
            self._message,
            self._summary,
            chart,
            widgets.HTML("<b>Every visit</b> (verdict and the rule that fired)"),
            self._visits,
        ]
        super().__init__(
            body,
            controls={"criterion": self._criterion},
            views={"summary": self._summary, "chart": chart, "visits": self._visits},
            message=self._message,
        )
        _when_uploaded(self, self.upload, self.load_bytes)
        self.on_click(self.example_button, self._load_example)
        # not on_change: a new chart criterion keeps the message that describes the file
        self._criterion.observe(self._on_criterion, names="value")

    chart = renamed_view("chart")

    @staticmethod
    def _empty_chart():
        from hcckit.charts._common import empty_chart

        return empty_chart("Upload a file (or use the example) to see the % change of each patient")

    def reset(self) -> None:
        """Back to the empty panel: no file, no results, the first chart criterion."""
        self.measurements = self.timepoints = self.best = None
        self._source = ""
        self.upload.value = ()
        self._criterion.value = self._initial["criterion"]
        self._summary.value = self._visits.value = ""
        self.views["chart"].chart = self._empty_chart()
        show_message(self._message, "")

    def _load_example(self) -> None:
        self.load_bytes(uploads.example_csv("measurements").encode(), name="example file (synthetic)")

    def _on_criterion(self, change) -> None:
        if self.timepoints is not None:
            self.run(self._draw)

    def load_bytes(self, content: bytes, *, name: str = "measurements.csv") -> None:
        """Read, classify and show a measurements CSV; on error raise ``ValueError`` and keep the old results.

        A file is classified under every criterion its columns allow
        (:func:`hcckit.response.criteria_supported`): a RECIST-only file (``ld_mm`` but no
        ``viable_ld_mm``) gets RECIST 1.1 (and WHO with ``perp_mm``), and the message names the
        criteria it could not apply and why. Everything is computed before anything is shown,
        so a file that fails half-way leaves the panel exactly as it was.
        """
        from hcckit import response

        table = uploads.read_measurements(content, name=name)
        support = response.criteria_supported(table)
        usable = [c for c, why in support.items() if why is None]
        if not usable:
            raise ValueError(
                f"{name}: no criterion can be applied: RECIST 1.1 needs an 'ld_mm' column, mRECIST a "
                "'viable_ld_mm' column"
            )
        try:
            timepoints = response.assess_all(table, criteria=usable)
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from exc
        best = response.best_response(timepoints)
        shown = self._render(timepoints, best, name)  # raises before anything changes
        self.measurements, self.timepoints, self.best, self._source = table, timepoints, best, name
        self._show(shown)
        skipped = [f"{c} ({why})" for c, why in support.items() if why is not None]
        show_message(
            self._message,
            f"{name}: {_plural(table['patient'].nunique(), 'patient')}, "
            f"{_plural(len(table), 'lesion measurement')} classified under {', '.join(usable)}."
            + (f" Not applied: {'; '.join(skipped)}." if skipped else ""),
            kind="info",
        )

    def _chart_criterion(self, timepoints) -> str:
        present = list(dict.fromkeys(timepoints["criterion"]))
        return self._criterion.value if self._criterion.value in present else present[0]

    def _render(self, timepoints, best, source):
        """(summary HTML, visits HTML, spider chart) for these results; nothing is shown yet."""
        from hcckit.charts import response as charts

        wide = best.pivot_table(
            index="patient", columns="criterion", values="best_response", aggfunc="first"
        ).reindex(columns=[c for c in _CRITERIA if c in set(best["criterion"])])
        summary = "<b>Best overall response (confirmed)</b>" + _table_html(wide.reset_index())
        cols = [c for c in ("patient", "criterion", "day", "response", "sum", "pct_change_baseline",
                            "pct_change_nadir", "reason") if c in timepoints.columns]  # fmt: skip
        visits = timepoints[cols].copy()
        for c in ("pct_change_baseline", "pct_change_nadir"):
            if c in visits:
                visits[c] = visits[c].round(1)
        crit = self._chart_criterion(timepoints)
        chart = charts.spider_chart(
            timepoints, criterion=crit, title=f"{source}: % change of the target sum ({crit})"
        )
        return summary, _table_html(visits, max_rows=60), chart

    def _show(self, shown) -> None:
        self._summary.value, self._visits.value, self.views["chart"].chart = shown

    def _draw(self) -> None:
        self._show(self._render(self.timepoints, self.best, self._source))


class CurveUploadPanel(Panel):
    """Upload a digitised Kaplan-Meier curve (and numbers at risk) and rebuild pseudo patients (Guyot).

    Files: the curve (``time`` in months, ``survival`` 0-1 or %) and optionally the numbers at risk
    (``time``, ``n_at_risk``). Without numbers at risk, give the number of patients. Digitisation
    noise (order, duplicates, small overshoots) is repaired and listed. The result is drawn over
    the digitised points and labelled SYNTHETIC, with the reconstruction error.

    Attributes
    ----------
    ipd : pandas.DataFrame or None
        The last reconstruction (``time`` in months, ``event``, ``synthetic``).
    report : hcckit.survival.ReconstructionReport or None
        Its error against the digitised points.
    curve : pandas.DataFrame or None
        The last digitised curve that was read (what the next input rebuilds), read-only.
    controls : ``n`` (patients, when there is no at-risk table) and ``events`` (total events).
    views : ``chart`` (digitised points vs the rebuilt curve) and ``report`` (the error, what was repaired).
    curve_upload, risk_upload, example_button : the two file uploads and the "Use the example
        files" button.
    """

    def __init__(self):
        self.ipd = self.report = None
        self._curve = self._at_risk = None
        self._names = ["", ""]
        intro = widgets.HTML(
            "<b>Rebuild a published curve.</b> Digitise a Kaplan-Meier curve (e.g. with WebPlotDigitizer), "
            "save the points as CSV with columns <code>time</code> (months) and <code>survival</code> "
            "(0-1 or %), and, if the figure prints them, the numbers at risk as a second CSV with "
            "<code>time</code> and <code>n_at_risk</code>. Examples: "
            + _download_link(uploads.example_csv("curve"), "hcckit_curve_example.csv", "curve")
            + ", "
            + _download_link(uploads.example_csv("at_risk"), "hcckit_at_risk_example.csv", "numbers at risk")
            + " (synthetic arm, median 8.2 months). Each file at most "
            + size_label(uploads.MAX_BYTES)
            + "; files are read in memory only."
        )
        self.curve_upload = limited_upload("Curve CSV", fewer="points")
        self.risk_upload = limited_upload("At risk CSV", fewer="rows")
        self.example_button = widgets.Button(
            description="Use the example files", icon="file", layout=widgets.Layout(width="auto")
        )
        self._n = widgets.BoundedIntText(
            value=0, min=0, max=100_000, description="Patients (if no at-risk table)", **_WIDE
        )
        self._events = widgets.BoundedIntText(
            value=0, min=0, max=100_000, description="Total events (0 = not reported)", **_WIDE
        )
        self._message = message_box()
        self._report = widgets.HTML()
        chart = chart_view(self._empty_chart())
        body = [
            intro,
            widgets.HBox([self.curve_upload, self.risk_upload, self.example_button]),
            widgets.HBox([self._n, self._events]),
            self._message,
            chart,
            self._report,
        ]
        super().__init__(
            body,
            controls={"n": self._n, "events": self._events},
            views={"chart": chart, "report": self._report},
            message=self._message,
        )
        _when_uploaded(self, self.curve_upload, self.load_curve)
        _when_uploaded(self, self.risk_upload, self.load_at_risk)
        self.on_click(self.example_button, self._load_examples)
        # not on_change: a number typed before any curve keeps the message about the files
        for w in (self._n, self._events):
            w.observe(self._on_number, names="value")

    chart = renamed_view("chart")

    @property
    def curve(self):
        """The last digitised curve read (``time`` in months, ``survival``), or ``None``."""
        return self._curve

    @staticmethod
    def _empty_chart():
        from hcckit.charts._common import empty_chart

        return empty_chart("Upload a digitised curve (or use the example files) to rebuild it")

    def reset(self) -> None:
        """Back to the empty panel: no files, no pseudo-patients, no patients or events typed."""
        self._curve = self._at_risk = None
        self._names = ["", ""]
        self.ipd = self.report = None
        self.curve_upload.value = ()
        self.risk_upload.value = ()
        self._n.value, self._events.value = self._initial["n"], self._initial["events"]
        self._report.value = ""
        self.views["chart"].chart = self._empty_chart()
        show_message(self._message, "")

    def _load_examples(self) -> None:
        self.load_at_risk(
            uploads.example_csv("at_risk").encode(), name="example numbers at risk", rebuild=False
        )
        self.load_curve(uploads.example_csv("curve").encode(), name="example curve")

    def _on_number(self, change) -> None:
        if self._curve is not None:
            self.run(self.rebuild)

    def load_curve(self, content: bytes, *, name: str = "curve.csv", rebuild: bool = True) -> None:
        """Read a digitised curve CSV and rebuild; on any error raise ``ValueError`` and keep everything as it was.

        The new curve is stored only once it has been read *and* rebuilt (with ``rebuild``), so a
        curve that reads but cannot be rebuilt does not replace the last good one.
        """
        curve = uploads.read_curve(content, name=name)
        if rebuild and (self._at_risk is not None or self._n.value):
            self._rebuild(curve, self._at_risk, [name, self._names[1]])
            return
        # a good curve waiting for the number of patients is kept: the next input completes it
        self._curve, self._names[0] = curve, name
        if rebuild:
            raise ValueError("patients: without a numbers-at-risk file, give the number of patients")

    def load_at_risk(self, content: bytes, *, name: str = "at_risk.csv", rebuild: bool = True) -> None:
        """Read a numbers-at-risk CSV (and rebuild); on error raise ``ValueError`` and keep everything as it was."""
        at_risk = uploads.read_at_risk(content, name=name)
        if rebuild and self._curve is not None:
            self._rebuild(self._curve, at_risk, [self._names[0], name])
        else:
            self._at_risk, self._names[1] = at_risk, name

    def rebuild(self) -> None:
        """Run Guyot's reconstruction on the current files and redraw."""
        if self._curve is None:
            raise ValueError("curve: upload a digitised curve first")
        self._rebuild(self._curve, self._at_risk, list(self._names))

    def _rebuild(self, curve, at_risk, names) -> None:
        """Reconstruct from ``curve``/``at_risk``; store and show them only if every step succeeds."""
        import pandas as pd

        from hcckit import survival
        from hcckit.charts import survival as charts

        n = self._n.value or None
        if at_risk is None and n is None:
            raise ValueError("patients: without a numbers-at-risk file, give the number of patients")
        ipd = survival.reconstruct_ipd(
            curve, at_risk, n=n, total_events=self._events.value or None, clean=True
        )
        report = survival.reconstruction_error(ipd, curve=survival.clean_curve(curve)[0], at_risk=at_risk)
        km = survival.km_table(ipd)
        points = curve.assign(arm="all", kind="digitised point")
        chart = charts.published_vs_reconstructed_chart(
            km,
            published=pd.DataFrame(points),
            title=f"{names[0]}: digitised points vs pseudo patients rebuilt with Guyot's algorithm",
        )
        notes = list(ipd.attrs.get("notes", []))
        rows = [
            ("Patients rebuilt", f"{report.n}"),
            ("Events / censored", f"{report.events} / {report.n - report.events}"),
            ("Largest |KM - digitised| ", f"{100 * report.max_abs_error:.2f} percentage points"),
            ("Mean |KM - digitised|", f"{100 * report.mean_abs_error:.2f} percentage points"),
        ]
        if report.at_risk_max_diff is not None and at_risk is not None:
            rows.append(("Largest difference in numbers at risk", f"{report.at_risk_max_diff}"))
        table = "".join(f"<tr><td style='padding:2px 8px'>{html.escape(a)}</td><td>{html.escape(b)}</td></tr>"
                        for a, b in rows)  # fmt: skip
        note_html = (
            "<div><b>What was repaired or assumed:</b><ul>"
            + "".join(f"<li>{html.escape(str(n))}</li>" for n in notes)
            + "</ul></div>"
            if notes
            else ""
        )
        # every step succeeded: now store and show
        self._curve, self._at_risk, self._names = curve, at_risk, list(names)
        self.ipd, self.report = ipd, report
        self.views["chart"].chart = chart
        self._report.value = f"<table style='font-size:14px'>{table}</table>{note_html}"
        show_message(
            self._message,
            f"Rebuilt {report.n} SYNTHETIC pseudo patients from {names[0]}"
            + (f" and {names[1]}" if at_risk is not None else "")
            + ".",
            kind="info",
        )

    def _curve_clean(self):
        from hcckit import survival

        return survival.clean_curve(self._curve)[0]
