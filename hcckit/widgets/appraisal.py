"""Critical-appraisal panels: walk through the audit's findings; check a number yourself.

* :class:`WalkthroughPanel` - one finding at a time (reported, recomputed, tolerance, what it
  means) with the recomputation drawn;
* :class:`CheckYourselfPanel` - type the numbers of a report (count, n, percentage; HR and CI
  with p; two arms' counts with p) and see what is consistent;
* :func:`findings_table` and :func:`cards` - findings shown to people (names, not ids: check
  names from :func:`hcckit.labels.label`, arm and study names from the curated tables).

Both panels are :class:`hcckit.widgets.panel.Panel` subclasses (Reset, public ``controls``,
``views`` and ``state``). Numbers come from :mod:`hcckit.appraisal`, drawings from
:mod:`hcckit.charts.appraisal`.
"""

from __future__ import annotations

import functools
import html
import re

import ipywidgets as widgets

from hcckit import appraisal, labels
from hcckit.charts._common import empty_chart
from hcckit.charts.appraisal import SEVERITY_COLOURS, finding_chart
from hcckit.widgets._common import chart_view, message_box, primary, show_message
from hcckit.widgets.panel import Panel, above

__all__ = [
    "WalkthroughPanel",
    "CheckYourselfPanel",
    "finding_card_html",
    "findings_html",
    "findings_table",
    "cards",
    "what_text",
]

_STYLE = {"description_width": "initial"}
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# kinds whose ids may appear inside a finding's "what" (in this order of preference)
_WHAT_KINDS = ("endpoint", "characteristic", "item")


def _cell(value) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def _present(value) -> bool:
    return _cell(value) != ""


@functools.lru_cache(maxsize=1)
def _arm_ids() -> dict[str, frozenset[str]]:
    from hcckit import data

    arms = data.load("arms")
    return {t: frozenset(g["arm_id"]) for t, g in arms.groupby("trial_id")}


@functools.lru_cache(maxsize=1)
def _vocabulary() -> dict[str, str]:
    vocab = labels.vocabulary()
    out: dict[str, str] = {}
    for kind in reversed(_WHAT_KINDS):
        for value, text in vocab[vocab["kind"] == kind][["value", "label"]].itertuples(index=False):
            out[value] = text
    return out


def what_text(what, *, trial_id=None) -> str:
    """The audit's ``what`` (e.g. ``"DCR (mRECIST): tace_bev vs tace"``) in words, ids replaced by names.

    Arm ids of ``trial_id`` become the arm names of ``arms.csv``; endpoint, characteristic
    and item ids (``recurrence_12m``, ``child_pugh``, ``blood_flow``) their labels
    from ``labels.csv``. Other words are kept; a missing value reads "not reported".
    """
    if not _present(what):
        return labels.MISSING
    arms = _arm_ids().get(str(trial_id), frozenset()) if _present(trial_id) else frozenset()
    vocab = _vocabulary()

    def name(match: re.Match) -> str:
        token = match.group(0)
        if token in arms:
            return labels.arm(trial_id, token)
        if token in vocab:
            return vocab[token]
        if "_" in token:  # an id the vocabulary does not know: readable, never raw
            return token.replace("_", " ")
        return token

    text = _TOKEN.sub(name, str(what))
    return text[:1].upper() + text[1:]


_VS = re.compile(r"\b([a-z][a-z0-9_]*) vs ([a-z][a-z0-9_]*)\b")
_CHECK_ID = re.compile(r"\b(" + "|".join(sorted(appraisal.CHECKS, key=len, reverse=True)) + r") check\b")


def _named(text, *, trial_id=None) -> str:
    """Engine text with ids named: "(haic_folfox vs tace)" -> arm names, "the two_by_two check" -> its name.

    Only these two patterns are touched, so quoted curator notes and printed values stay as they are.
    """
    if not _present(text):
        return ""
    arms = _arm_ids().get(str(trial_id), frozenset()) if _present(trial_id) else frozenset()

    def vs(m: re.Match) -> str:
        a, b = m.group(1), m.group(2)
        if a in arms and b in arms:
            return f"{labels.arm(trial_id, a)} vs {labels.arm(trial_id, b)}"
        return m.group(0)

    out = _VS.sub(vs, str(text)) if arms else str(text)
    return _CHECK_ID.sub(lambda m: f"'{labels.label('check', m.group(1))}' check", out)


def _study(row) -> str:
    if _present(row.get("study")):
        return str(row["study"])
    if _present(row.get("trial_id")):
        return labels.trial(row["trial_id"])
    return ""


def _arm(row) -> str:
    if not _present(row.get("arm_id")):
        return ""
    return labels.arm(row.get("trial_id"), row["arm_id"])


def _row(finding) -> dict:
    """A finding (a :class:`~hcckit.appraisal.Finding` or a row of the findings table) as a dict."""
    if isinstance(finding, appraisal.Finding):
        return {f: getattr(finding, f) for f in finding.__dataclass_fields__}
    return dict(finding)


def finding_card_html(row) -> str:
    """One finding (a row of :func:`hcckit.appraisal.audit`, or a Finding) as an HTML card.

    Names, not ids: the check's name (``labels.label("check", ...)``), the severity's name,
    the study and arm names; everything is HTML-escaped. The severity's colour is the audit's one
    palette, :data:`hcckit.charts.appraisal.SEVERITY_COLOURS` (the bar on the left, as in the
    charts); its name is written in the text colour (an orange word on white would be hard to read).
    """
    row = _row(row)
    sev = str(row.get("severity", ""))
    where = _cell(row.get("source_location"))
    if row.get("table") and _cell(row.get("line")):
        where += f" <span style='color:#555'>({_cell(row['table'])}.csv, line {_cell(row['line'])})</span>"
    study, arm = html.escape(_study(row)), html.escape(_arm(row))
    rows = [
        # study and arm share a row (one screen for card, controls and chart at 1280x800)
        ("Study", f"{study} &middot; arm: {arm}" if study and arm else study or arm),
        (
            "Number",
            html.escape(what_text(row.get("what"), trial_id=row.get("trial_id")))
            if _present(row.get("what"))
            else "",
        ),
        ("Where in the source", where),
        ("Printed", f"<b>{html.escape(_named(row.get('reported'), trial_id=row.get('trial_id')))}</b>"),
        ("Recomputed", f"<b>{html.escape(_named(row.get('recomputed'), trial_id=row.get('trial_id')))}</b>"),
        ("Tolerance", _cell(row.get("tolerance"))),
    ]
    body = "".join(
        f"<tr><th style='text-align:left;padding:2px 10px 2px 0;vertical-align:top'>{k}</th><td>{v}</td></tr>"
        for k, v in rows
        if v and v != "<b></b>"
    )
    check = row.get("check")
    check_name = html.escape(labels.label("check", check)) if _present(check) else ""
    check_text = _cell(appraisal.CHECKS.get(check, "")) if _present(check) else ""
    sev_name = html.escape(labels.label("severity", sev).upper()) if sev else ""
    return (
        f"<div class='hcckit-finding' style='border-left:6px solid {SEVERITY_COLOURS.get(sev, '#999')};"
        f"padding:6px 12px;margin:4px 0;font-size:16px;line-height:1.3'>"
        f"<div style='font-size:17px'><b style='color:#333333'>{sev_name}</b> "
        f"&middot; <b>{check_name}</b> &middot; {check_text}</div>"
        f"<table style='margin:6px 0'>{body}</table>"
        f"<p style='margin:4px 0'>{html.escape(_named(row.get('message'), trial_id=row.get('trial_id')))}</p></div>"
    )


def findings_html(findings) -> str:
    """Findings (Finding objects or rows of the findings table) as HTML cards, one after the other."""
    if findings is None:
        return ""
    if hasattr(findings, "iterrows"):
        findings = [r for _, r in findings.iterrows()]
    return "".join(finding_card_html(f) for f in findings)


class _Cards:
    """Finding cards a notebook cell displays (``_repr_html_``); a short summary as plain text."""

    def __init__(self, findings):
        self._rows = [_row(f) for f in findings]
        self.html = findings_html(self._rows) or "<p>No findings.</p>"

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        sevs = ", ".join(labels.label("severity", r.get("severity")) for r in self._rows)
        return f"Findings ({len(self._rows)}: {sevs})"


def cards(findings) -> _Cards:
    """Findings of the single-value checks (``appraisal.check_*``) shown as cards in a notebook.

    ``findings`` is one :class:`~hcckit.appraisal.Finding`, a list of them, or a findings table.
    """
    if isinstance(findings, appraisal.Finding):
        findings = [findings]
    elif hasattr(findings, "iterrows"):
        findings = [r for _, r in findings.iterrows()]
    return _Cards(list(findings))


#: headers of the findings table in words (the rest come from :func:`hcckit.labels.column`)
_HEADERS = {
    "study": "Study",
    "trial_id": "Study",
    "arm_id": "Arm",
    "what": "Number checked",
    "check": "Check",
    "severity": "Severity",
    "reported": "Printed",
    "recomputed": "Recomputed",
    "tolerance": "Tolerance",
    "message": "What it means",
    "source_location": "Where in the source",
    "line": "Line of the curated CSV file",
}


def findings_table(
    findings,
    *,
    columns=None,
    caption: str | None = None,
    max_rows: int | None = None,
    collapsed: bool = False,
):
    """A findings table (:func:`hcckit.appraisal.audit`, ``findings_frame``) shown to people.

    Parameters
    ----------
    findings : DataFrame, or a list of Finding objects.
    columns : list of column names to show (default: study, arm, number, check, severity,
        printed, recomputed); headers are in words.
    caption : title shown above the table.
    max_rows : show at most this many rows (a line says how many are left out).
    collapsed : show the table folded under its caption (opens on a click), for long tables.

    Returns
    -------
    hcckit.tables.Table
        Names, not ids (study and arm names, check and severity names); the number checked in
        words; missing values "not reported"; long text wraps and is never cut. No numbers are
        computed here: percentages, p-values and ratios read as the audit printed them.
    """
    import pandas as pd

    from hcckit import tables

    frame = findings if isinstance(findings, pd.DataFrame) else appraisal.findings_frame(list(findings))
    columns = list(columns or ["study", "arm_id", "what", "check", "severity", "reported", "recomputed"])
    shown = frame.copy()
    if "study" in shown.columns:
        shown["study"] = [_study(r) or labels.MISSING for _, r in shown.iterrows()]
    if "what" in shown.columns:
        shown["what"] = [
            what_text(w, trial_id=t)
            for w, t in zip(
                shown["what"], shown["trial_id"] if "trial_id" in shown else [None] * len(shown), strict=True
            )
        ]
    trials = shown["trial_id"] if "trial_id" in shown else [None] * len(shown)
    for c in ("reported", "recomputed", "message"):
        if c in shown.columns:
            shown[c] = [_named(v, trial_id=t) for v, t in zip(shown[c], trials, strict=True)]
    if "arm_id" in shown.columns:  # arm names need the trial; blank (a whole-study finding) reads "all arms"
        shown["arm_id"] = [_arm(r) or "whole study" for _, r in shown.iterrows()]
    formats = {}
    if "arm_id" in columns:
        formats["arm_id"] = "text"
    return tables.show(
        shown,
        columns={c: _HEADERS.get(c, labels.column(c)) for c in columns},
        formats=formats,
        caption=caption,
        max_rows=max_rows,
        collapsed=collapsed,
    )


# --------------------------------------------------------------------------- walkthrough
def _short(text: str, limit: int = 110) -> str:
    """``text`` shortened at a word boundary (with an ellipsis) for a one-line dropdown label."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ·,;:")
    return cut + "…"


def _options(rows) -> list[tuple[str, int]]:
    options = []
    for i, (_, r) in enumerate(rows.iterrows()):
        sev = labels.label("severity", r["severity"]).upper()
        what = what_text(r["what"], trial_id=r["trial_id"])
        options.append((_short(f"{i + 1}. {sev} · {_study(r)} · {what}"), i))
    return options


class WalkthroughPanel(Panel):
    """Step through the audit's findings one at a time, with the recomputation drawn.

    Parameters
    ----------
    findings : DataFrame, optional
        Output of :func:`hcckit.appraisal.audit`; default: the audit of the curated data.
    include_passed : bool, default False
        When ``findings`` is not given: also list the checks that passed.

    Attributes
    ----------
    controls : ``severity`` (which findings to list) and ``finding`` (the one shown; primary).
    views : ``card`` (the finding as HTML), ``chart`` (the recomputation drawn), ``position``.
    previous_button, next_button : ipywidgets.Button
        Step to the finding before or after (wrapping around).
    value : dict or None
        The finding shown (a row of the findings table), read-only.
    """

    def __init__(self, findings=None, *, include_passed: bool = False):
        if findings is None:
            findings = appraisal.audit(include_passed=include_passed)
        self._all = findings.reset_index(drop=True)
        self._rows = self._all
        present = [s for s in appraisal.SEVERITIES if (self._all["severity"] == s).any()]
        names = {"error": "errors", "warning": "warnings", "info": "notes", "pass": "consistent checks"}
        self._severity = widgets.Dropdown(
            options=[("all findings", labels.ALL)] + [(names[s], s) for s in present],
            value=labels.ALL,
            description="Show",
            style=_STYLE,
        )
        options = _options(self._rows)
        self._finding = primary(
            widgets.Dropdown(
                options=options,
                value=options[0][1] if options else None,
                description="Finding",
                style=_STYLE,
                layout=widgets.Layout(width="100%"),
            )
        )
        self.previous_button = widgets.Button(description="◀ previous", layout=widgets.Layout(width="120px"))
        self.next_button = widgets.Button(description="next ▶", layout=widgets.Layout(width="120px"))
        self._position = widgets.HTML()
        self._card = widgets.HTML()
        self._view = chart_view(empty_chart("Choose a finding."))
        self._message = message_box()
        super().__init__(
            above(
                widgets.HBox(
                    [self._severity, self.previous_button, self.next_button, self._position, self._finding]
                ),
                [self._card, self._view],
            ),
            controls={"severity": self._severity, "finding": self._finding},
            views={"card": self._card, "chart": self._view, "position": self._position},
            message=self._message,
        )
        self.add_class("hcckit-appraisal-walkthrough")
        self.on_change(["severity"], self._apply_filter)
        self.on_change(["finding"], self._show)
        self.on_click(self.previous_button, lambda: self._step(-1))
        self.on_click(self.next_button, lambda: self._step(1))
        self.run(self._show)

    def _step(self, step: int):
        options = self._finding.options
        if not options:
            return
        i = self._finding.value if self._finding.value is not None else 0
        self._finding.value = options[(i + step) % len(options)][1]

    def _apply_filter(self):
        sev = self._severity.value
        rows = self._all if sev == labels.ALL else self._all[self._all["severity"] == sev]
        self._rows = rows.reset_index(drop=True)
        options = _options(self._rows)
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
        if kind == "hr" and "label" in frame.columns:  # "PPS HR vs haic_lenv" -> arm names
            frame = frame.assign(label=[what_text(x, trial_id=row.get("trial_id")) for x in frame["label"]])
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


class CheckYourselfPanel(Panel):
    """Type the numbers of a report and see what is consistent (the audit's own checks).

    Three modes: a percentage with its count and n (GRIM-style), a hazard ratio with its CI and
    p (log-symmetry and Altman & Bland p), two arms' counts with a p (Fisher, chi-square).
    Type the numbers as printed (``30.0`` is not ``30``: the decimals count). Percentages are
    in %, n and counts are patients, hazard ratios and their limits are ratios, p-values
    probabilities (0-1).

    Attributes
    ----------
    controls : ``mode`` (primary) and the inputs of every mode, by name.
    views : ``results`` (the findings as cards) and ``chart`` (the recomputation drawn).
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
        self._view = chart_view(empty_chart("Enter the numbers."))
        self._message = message_box()
        self._findings: list = []
        controls = {
            "mode": self._mode,
            "count": self._count,
            "n": self._n,
            "percent": self._percent,
            "denominator": self._denominator,
            "hr": self._hr,
            "low": self._low,
            "high": self._high,
            "level": self._level,
            "p": self._p,
            "p_operator": self._p_op,
            "a": self._a,
            "n_a": self._n_a,
            "b": self._b,
            "n_b": self._n_b,
            "p2": self._p2,
            "p2_operator": self._p2_op,
        }
        super().__init__(
            [self._mode, self._inputs, self._results, self._view],
            controls=controls,
            views={"results": self._results, "chart": self._view},
            message=self._message,
        )
        self.add_class("hcckit-appraisal-check")
        self.on_change(list(controls), self._refresh)
        self.run(self._refresh)

    def _refresh(self):
        self._inputs.children = [self._boxes[self._mode.value]]
        try:
            self._update()
        except (ValueError, TypeError, KeyError):
            self._findings = []
            self._results.value = ""
            self._view.chart = empty_chart("Fix the input above to see the check.")
            raise

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
            hr = [w.value.strip() for w in (self._hr, self._low, self._high)]
            findings = appraisal.check_hr_ci(*hr, level=self._level.value, p=p, p_operator=self._p_op.value)
            chart = finding_chart("hr", appraisal.hr_ci_frame(*hr, level=self._level.value, label="your HR"))
        else:
            boxes = (self._a, self._n_a, self._b, self._n_b)
            if any(_blank(w.value) for w in boxes) or _blank(self._p2.value):
                return self._incomplete("Enter both arms' events and patients, and the printed p-value.")
            counts = [w.value for w in boxes]
            printed = {"p_reported": self._p2.value.strip(), "p_operator": self._p2_op.value}
            findings = appraisal.check_two_by_two(*counts, **printed)
            chart = finding_chart("tests", appraisal.two_by_two_table(*counts, **printed))
        self._findings = list(findings)
        self._results.value = findings_html(self._findings)
        self._view.chart = chart
        return None

    @property
    def value(self) -> list:
        """The findings for the current inputs."""
        return list(self._findings)
