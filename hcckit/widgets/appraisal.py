"""Critical-appraisal panels: walk through the audit's findings; check a number yourself.

* :class:`WalkthroughPanel` - one finding at a time (reported, recomputed, tolerance, what it
  means) with the recomputation drawn;
* :class:`CheckYourselfPanel` - type the numbers of a report (count, n, percentage; HR and CI
  with p; two arms' counts with p) and see what is consistent.

Numbers come from :mod:`hcckit.appraisal`, drawings from :mod:`hcckit.charts.appraisal`.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from hcckit import appraisal
from hcckit.charts._common import empty_chart
from hcckit.charts.appraisal import SEVERITY_COLOURS, finding_chart
from hcckit.widgets._common import chart_view, message_box, primary, safe, show_message

__all__ = ["WalkthroughPanel", "CheckYourselfPanel", "finding_card_html", "findings_html"]

_STYLE = {"description_width": "initial"}
_TEXT_COLOURS = {"error": "#B00020", "warning": "#7A4B00", "info": "#084C8D", "pass": "#1B5E20"}


def _cell(value) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def finding_card_html(row) -> str:
    """One finding (a row of :func:`hcckit.appraisal.audit`) as an HTML card."""
    sev = str(row.get("severity", ""))
    colour = _TEXT_COLOURS.get(sev, "#333333")
    where = _cell(row.get("source_location"))
    if row.get("table") and _cell(row.get("line")):
        where += f" <span style='color:#666'>({_cell(row['table'])}.csv, line {_cell(row['line'])})</span>"
    study = _cell(row.get("study")) or _cell(row.get("trial_id"))
    rows = [
        ("Study", study),
        ("Arm", _cell(row.get("arm_id"))),
        ("Number", _cell(row.get("what"))),
        ("Where in the source", where),
        ("Printed", f"<b>{_cell(row.get('reported'))}</b>"),
        ("Recomputed", f"<b>{_cell(row.get('recomputed'))}</b>"),
        ("Tolerance", _cell(row.get("tolerance"))),
    ]
    body = "".join(
        f"<tr><th style='text-align:left;padding:2px 10px 2px 0;vertical-align:top'>{k}</th><td>{v}</td></tr>"
        for k, v in rows
        if v
    )
    return (
        f"<div class='hcckit-finding' style='border-left:6px solid {SEVERITY_COLOURS.get(sev, '#999')};"
        f"padding:6px 12px;font-size:14px'>"
        f"<div style='font-size:16px'><b style='color:{colour}'>{html.escape(sev.upper())}</b> "
        f"&middot; <code>{_cell(row.get('check'))}</code> &middot; {_cell(appraisal.CHECKS.get(row.get('check'), ''))}</div>"
        f"<table style='margin:6px 0'>{body}</table>"
        f"<p style='margin:4px 0;line-height:1.4'>{_cell(row.get('message'))}</p></div>"
    )


def findings_html(findings) -> str:
    """Findings from the single-value checks (a list of :class:`~hcckit.appraisal.Finding`) as HTML."""
    if not findings:
        return ""
    return "".join(f._repr_html_() for f in findings)


class WalkthroughPanel(widgets.VBox):
    """Step through the audit's findings one at a time, with the recomputation drawn.

    Parameters
    ----------
    findings : DataFrame, optional
        Output of :func:`hcckit.appraisal.audit`; default: the audit of the curated data.
    include_passed : bool, default False
        When ``findings`` is not given: also list the checks that passed.

    Attributes
    ----------
    value : dict or None
        The finding shown (a row of the findings table), read-only.
    """

    def __init__(self, findings=None, *, include_passed: bool = False):
        if findings is None:
            findings = appraisal.audit(include_passed=include_passed)
        self._all = findings.reset_index(drop=True)
        present = [s for s in appraisal.SEVERITIES if (self._all["severity"] == s).any()]
        names = {"error": "errors", "warning": "warnings", "info": "info", "pass": "passed checks"}
        self._severity = widgets.Dropdown(
            options=[("all findings", "all")] + [(names[s], s) for s in present],
            value="all",
            description="Show",
            style=_STYLE,
        )
        self._finding = primary(
            widgets.Dropdown(
                options=[], description="Finding", style=_STYLE, layout=widgets.Layout(width="95%")
            )
        )
        self._prev = widgets.Button(description="◀ previous", layout=widgets.Layout(width="120px"))
        self._next = widgets.Button(description="next ▶", layout=widgets.Layout(width="120px"))
        self._position = widgets.HTML()
        self._card = widgets.HTML()
        self._message = message_box()
        self._view = chart_view(empty_chart("Choose a finding."))
        self._rows = self._all

        @safe(self._message)
        def on_filter(change=None):
            self._apply_filter()

        @safe(self._message)
        def on_finding(change=None):
            self._show()

        @safe(self._message)
        def on_step(button):
            options = self._finding.options
            if not options:
                return
            i = self._finding.value if self._finding.value is not None else 0
            step = -1 if button is self._prev else 1
            self._finding.value = options[(i + step) % len(options)][1]

        self._severity.observe(on_filter, names="value")
        self._finding.observe(on_finding, names="value")
        self._prev.on_click(on_step)
        self._next.on_click(on_step)
        super().__init__(
            [
                widgets.HBox([self._severity, self._prev, self._next, self._position]),
                self._finding,
                self._card,
                self._message,
                self._view,
            ]
        )
        self.add_class("hcckit-appraisal-walkthrough")
        self._apply_filter()

    def _apply_filter(self):
        sev = self._severity.value
        rows = self._all if sev == "all" else self._all[self._all["severity"] == sev]
        self._rows = rows.reset_index(drop=True)
        options = []
        for i, r in self._rows.iterrows():
            label = f"{i + 1}. {str(r['severity']).upper()} · {r['study'] or r['trial_id']} · {r['what']}"
            options.append((label if len(label) <= 120 else label[:117] + "...", i))
        self._finding.options = options
        if options:
            self._finding.value = options[0][1]
        self._show()

    def _show(self):
        if self._rows.empty or self._finding.value is None:
            self._card.value = ""
            show_message(self._message, "No finding of this kind - choose another filter.", kind="info")
            self._position.value = ""
            self._view.chart = empty_chart("No finding of this kind.")
            return
        show_message(self._message, "")
        i = int(self._finding.value)
        row = self._rows.iloc[i].to_dict()
        self._position.value = f"<span style='padding-left:10px'>{i + 1} of {len(self._rows)}</span>"
        self._card.value = finding_card_html(row)
        kind, frame = appraisal.figure_data(row)
        self._view.chart = finding_chart(kind, frame)

    @property
    def value(self):
        """The finding shown (a dict), or ``None``."""
        if self._rows.empty or self._finding.value is None:
            return None
        return self._rows.iloc[int(self._finding.value)].to_dict()


def _text(value: str, description: str, *, placeholder: str = "", width: str = "210px") -> widgets.Text:
    return widgets.Text(
        value=value,
        description=description,
        placeholder=placeholder,
        continuous_update=False,
        style=_STYLE,
        layout=widgets.Layout(width=width),
    )


def _blank(text: str) -> bool:
    return not str(text).strip()


class CheckYourselfPanel(widgets.VBox):
    """Type the numbers of a report and see what is consistent (the audit's own checks).

    Three modes: a percentage with its count and n (GRIM-style), a hazard ratio with its CI and
    p (log-symmetry and Altman & Bland p), two arms' counts with a p (Fisher, chi-square).
    Type the numbers as printed (``30.0`` is not ``30``: the decimals count).

    Attributes
    ----------
    value : list of Finding
        The results for the current inputs (empty while the inputs are incomplete), read-only.
    """

    MODES = ("Percentage vs count", "Hazard ratio and CI", "Two arms: p-value")

    def __init__(self):
        self._mode = primary(
            widgets.ToggleButtons(options=self.MODES, value=self.MODES[0], description="Check")
        )
        # percentage
        self._count = _text("20", "Count", placeholder="blank if not printed")
        self._n = _text("31", "n (denominator)")
        self._percent = _text("54.5", "Printed %")
        self._denominator = widgets.Dropdown(
            options=[
                ("n is the denominator (count and n from the paper)", "exact"),
                ("n is the arm size; the % may be of evaluable patients", "arm_size"),
                ("weighted or matched analysis (sIPTW, PSM, MAIC)", "weighted"),
            ],
            value="exact",
            description="What n is",
            style=_STYLE,
            layout=widgets.Layout(width="520px"),
        )
        # hazard ratio
        self._hr = _text("0.35", "HR")
        self._low = _text("0.21", "CI low")
        self._high = _text("0.82", "CI high")
        self._level = widgets.Dropdown(
            options=[("95 %", 0.95), ("90 %", 0.90), ("99 %", 0.99)],
            value=0.95,
            description="CI level",
            style=_STYLE,
        )
        self._p = _text("0.001", "Printed p", placeholder="blank if not printed")
        self._p_op = widgets.Dropdown(options=["=", "<", ">"], value="<", description="P", style=_STYLE)
        # two arms
        self._a = _text("4", "Arm A: events")
        self._n_a = _text("60", "Arm A: patients")
        self._b = _text("0", "Arm B: events")
        self._n_b = _text("60", "Arm B: patients")
        self._p2 = _text("0.043", "Printed p")
        self._p2_op = widgets.Dropdown(options=["=", "<", ">"], value="=", description="P", style=_STYLE)

        self._boxes = {
            self.MODES[0]: widgets.VBox(
                [widgets.HBox([self._count, self._n, self._percent]), self._denominator]
            ),
            self.MODES[1]: widgets.VBox(
                [
                    widgets.HBox([self._hr, self._low, self._high, self._level]),
                    widgets.HBox([self._p_op, self._p]),
                ]
            ),
            self.MODES[2]: widgets.VBox(
                [
                    widgets.HBox([self._a, self._n_a]),
                    widgets.HBox([self._b, self._n_b]),
                    widgets.HBox([self._p2_op, self._p2]),
                ]
            ),
        }
        self._inputs = widgets.VBox([self._boxes[self._mode.value]])
        self._results = widgets.HTML()
        self._message = message_box()
        self._view = chart_view(empty_chart("Enter the numbers."))
        self._findings: list = []

        @safe(self._message)
        def update(change=None):
            self._inputs.children = [self._boxes[self._mode.value]]
            try:
                self._update()
            except (ValueError, TypeError, KeyError):
                self._findings = []
                self._results.value = ""
                self._view.chart = empty_chart("Fix the input above to see the check.")
                raise

        for control in (
            self._mode,
            self._count,
            self._n,
            self._percent,
            self._denominator,
            self._hr,
            self._low,
            self._high,
            self._level,
            self._p,
            self._p_op,
            self._a,
            self._n_a,
            self._b,
            self._n_b,
            self._p2,
            self._p2_op,
        ):
            control.observe(update, names="value")
        super().__init__([self._mode, self._inputs, self._message, self._results, self._view])
        self.add_class("hcckit-appraisal-check")
        update()

    def _incomplete(self, text: str):
        self._findings = []
        self._results.value = ""
        show_message(self._message, text, kind="info")
        self._view.chart = empty_chart(text)

    def _update(self):
        show_message(self._message, "")
        mode = self._mode.value
        if mode == self.MODES[0]:
            if _blank(self._n.value) or _blank(self._percent.value):
                return self._incomplete(
                    "Enter n and the printed percentage (the count if the report gives it)."
                )
            count = None if _blank(self._count.value) else self._count.value
            findings = appraisal.check_percentage(
                count, self._n.value, self._percent.value.strip(), denominator=self._denominator.value
            )
            table = appraisal.grim_table(self._n.value, self._percent.value.strip(), count=count)
            chart = finding_chart("grim", table)
        elif mode == self.MODES[1]:
            if any(_blank(w.value) for w in (self._hr, self._low, self._high)):
                return self._incomplete(
                    "Enter the HR and both limits of its interval (the p-value is optional)."
                )
            p = None if _blank(self._p.value) else self._p.value.strip()
            findings = appraisal.check_hr_ci(
                self._hr.value.strip(),
                self._low.value.strip(),
                self._high.value.strip(),
                level=self._level.value,
                p=p,
                p_operator=self._p_op.value,
            )
            frame = appraisal.hr_ci_frame(
                self._hr.value.strip(),
                self._low.value.strip(),
                self._high.value.strip(),
                level=self._level.value,
                label="your HR",
            )
            chart = finding_chart("hr", frame)
        else:
            boxes = (self._a, self._n_a, self._b, self._n_b)
            if any(_blank(w.value) for w in boxes) or _blank(self._p2.value):
                return self._incomplete("Enter both arms' events and patients, and the printed p-value.")
            findings = appraisal.check_two_by_two(
                self._a.value,
                self._n_a.value,
                self._b.value,
                self._n_b.value,
                p_reported=self._p2.value.strip(),
                p_operator=self._p2_op.value,
            )
            table = appraisal.two_by_two_table(
                self._a.value,
                self._n_a.value,
                self._b.value,
                self._n_b.value,
                p_reported=self._p2.value.strip(),
                p_operator=self._p2_op.value,
            )
            chart = finding_chart("tests", table)
        self._findings = list(findings)
        self._results.value = findings_html(self._findings)
        self._view.chart = chart
        return None

    @property
    def value(self) -> list:
        """The findings for the current inputs."""
        return list(self._findings)
