"""Lesson 02 panels: one necrotic HCC under four response criteria, and a teaching cohort.

Each panel only composes :mod:`hcckit.response` (verdicts) and :mod:`hcckit.charts.response`
(drawings). Charts live in offline ``JupyterChart`` views redrawn in place; every callback is
wrapped by :func:`hcckit.widgets._common.safe`, so impossible measurements become a message,
never a traceback.

- :class:`LesionEditorPanel`: a synthetic patient with two enhancing liver lesions after TACE;
  sliders set the longest, viable and perpendicular diameters at day 42 or 84, and the RECIST
  1.1, mRECIST, WHO and EASL verdicts change side by side, with the rule that fired for each.
- :class:`CohortPanel`: a synthetic teaching cohort; pick a criterion and the protocol options
  and watch ORR/DCR (exact CIs), the waterfall and the RECIST-vs-mRECIST cross-table change.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from hcckit import formatting, labels
from hcckit import response as rs
from hcckit.charts import response as charts
from hcckit.charts._common import RESPONSE_COLOURS, empty_chart
from hcckit.widgets._common import chart_view, message_box, primary, show_message
from hcckit.widgets.panel import Panel, beside, renamed_view

__all__ = [
    "LesionEditorPanel",
    "CohortPanel",
    "criteria_panel",
    "cohort_panel",
    "QUESTION_1_START",
    "DEBOUNCE_S",
]

_SLIDER = {"continuous_update": False, "style": {"description_width": "125px"}, "layout": {"width": "330px"}}
# the lesion tabs' content box is about 314 px wide inside the 350 px control column
_TAB_SLIDER = {**_SLIDER, "layout": {"width": "300px"}}
_WIDE = {"style": {"description_width": "initial"}, "layout": {"width": "auto", "margin": "2px 24px 2px 0"}}
#: Seconds of quiet the lesion editor waits for before classifying a change that came within this
#: time of its last classification (a burst of arrow-key presses on a slider): a burst is classified
#: at its first press and once more after its last, not at every press.
DEBOUNCE_S = 0.12
#: Guiding question 1 starts with all of L1 enhancing at day 42 (viable = LD = 48 mm: mRECIST SD), so the
#: class can lower it step by step and find where mRECIST turns PR.
QUESTION_1_START = {"visit": 42, "L1 viable_ld_mm": 48.0}
_FIELDS = (
    ("ld_mm", "LD (mm)"),
    ("viable_ld_mm", "Viable LD (mm)"),
    ("perp_mm", "Perpendicular (mm)"),
    ("viable_perp_mm", "Viable perp. (mm)"),
)
_NEW_OPTIONS = [
    ("none", None),
    ("equivocal", "equivocal"),
    ("unequivocal", "unequivocal"),
    ("typical HCC pattern", "typical"),
    ("atypical nodule", "atypical"),
]


def _numbers(visit) -> str:
    """The card's numbers: the sum, % change vs baseline and vs nadir (one per line)."""
    if visit is None:
        return "no assessment on this day"
    if visit["sum"] != visit["sum"]:  # nan
        return "no complete target sum"
    lines = [f"sum {visit['sum']:g} {visit['unit']}", f"{visit['pct_change_baseline']:+.1f} % vs baseline"]
    if visit["pct_change_nadir"] == visit["pct_change_nadir"]:
        lines.append(f"{visit['pct_change_nadir']:+.1f} % vs nadir (day {int(visit['nadir_day'])})")
    return "<br>".join(lines)


def _card(criterion: str, visit, best) -> str:
    """One compact verdict card: criterion and big coloured response, the numbers, the best response.

    The rule that fired is not on the card (it is long): :func:`_why_row` shows it under the chart.
    The top stripe has the criterion's line colour in the chart.
    """
    resp = "NE" if visit is None else str(visit["response"])
    colour = RESPONSE_COLOURS.get(resp, "#999999")
    stripe = charts.CRITERION_COLOURS.get(criterion, "#999999")
    best_txt = ""
    if best is not None:
        conf = best["confirmed"]
        mark = " (confirmed)" if conf is True or str(conf) == "True" else ""
        best_txt = (
            f"<div style='font-size:14px;line-height:1.35;margin-top:2px'>best overall: "
            f"<b>{html.escape(str(best['best_response']))}</b>{mark}</div>"
        )
    return (
        f"<div class='hcckit-verdict' data-criterion='{html.escape(criterion)}' data-response='{resp}' "
        "style='flex:1 1 200px;min-width:0;border:1px solid #ccc;"
        f"border-top:5px solid {stripe};border-radius:6px;padding:2px 10px 6px'>"
        "<div style='display:flex;justify-content:space-between;align-items:baseline;gap:8px'>"
        f"<span style='font-size:16px;font-weight:bold;line-height:1.3'>{html.escape(criterion)}</span>"
        f"<span style='font-size:30px;font-weight:bold;line-height:1.15;color:{colour}'>{resp}</span></div>"
        f"<div style='font-size:14px;line-height:1.35'>{_numbers(visit)}</div>"
        f"{best_txt}</div>"
    )


def _why_row(criterion: str, visit) -> str:
    """One line of the *Why* block: the criterion, its response and the rule that fired."""
    resp = "NE" if visit is None else str(visit["response"])
    reason = "no assessment on this day" if visit is None else str(visit["reason"])
    stripe = charts.CRITERION_COLOURS.get(criterion, "#999999")
    return (
        f"<div class='hcckit-why-rule' data-criterion='{html.escape(criterion)}' "
        f"style='border-left:5px solid {stripe};padding-left:8px'>"
        f"<b>{html.escape(criterion)}: {resp}</b> - {html.escape(reason)}</div>"
    )


def debounce_loop():
    """The asyncio loop to debounce control changes on: the running loop inside a Jupyter kernel.

    None elsewhere (plain Python, tests, or a loop that only another library runs in this thread,
    such as Playwright's), so changes are then classified at once.
    """
    import asyncio
    import sys

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    app = sys.modules.get("ipykernel.kernelapp")
    return loop if app is not None and app.IPKernelApp.initialized() else None


class LesionEditorPanel(Panel):
    """Edit one synthetic necrotic HCC and see RECIST 1.1, mRECIST, WHO and EASL side by side.

    The patient (:func:`hcckit.response.necrotic_patient`) has two enhancing liver lesions at
    baseline (L1 50 mm, L2 30 mm); the sliders edit the chosen follow-up visit. A checkbox
    drops L2 from that visit (a missing lesion), a menu adds a new liver lesion. **Reset**
    restores the patient as shipped; **Question 1: start** loads the starting state of the
    lesson's first guiding question (:data:`QUESTION_1_START`).

    Controls (:attr:`controls`): ``visit``, ``"<lesion> <field>"`` for each slider (e.g.
    ``"L1 viable_ld_mm"``, millimetres), ``missing``, ``new``, ``new_size`` (mm), ``mrecist_5mm``.
    Views (:attr:`views`): ``verdicts`` (four compact cards in a row across the panel: response,
    sum, % vs baseline and nadir, best overall), ``chart`` (beside the controls), ``why`` (the
    rule that fired, per criterion, under the chart) and ``lesions`` (per-lesion measures). Cards,
    controls and chart fit one 1280x800 screen.

    ``debounce_s`` (seconds, default :data:`DEBOUNCE_S`): a change that follows the last
    classification within this time (several arrow-key presses on a slider) is classified once,
    ``debounce_s`` after the last change of the burst; a single change is classified at once. 0
    classifies every change at once. Outside a Jupyter kernel (tests, scripts: :func:`debounce_loop`)
    every change is classified at once; :meth:`flush` runs a pending classification.

    Attributes
    ----------
    value : pandas.DataFrame
        The current lesion measurements (read-only copy).
    timepoints : pandas.DataFrame
        The current verdicts (:func:`hcckit.response.assess_all`).
    best : pandas.DataFrame
        The current best overall responses (:func:`hcckit.response.best_response`).

    The % change chart is ``views["chart"]`` (its altair chart ``views["chart"].chart``); the old
    attribute ``chart`` still reads, with a ``DeprecationWarning``.
    """

    chart = renamed_view("chart")

    def __init__(
        self, measurements=None, *, visit: int = 42, mrecist_5mm: bool = False, debounce_s: float = DEBOUNCE_S
    ):
        if (
            isinstance(debounce_s, bool)
            or not isinstance(debounce_s, (int, float))
            or not 0 <= debounce_s <= 5
        ):
            raise ValueError(f"debounce_s: must be a number of seconds from 0 to 5, got {debounce_s!r}")
        self._debounce_s = float(debounce_s)
        self._scheduled = None  # the scheduled recompute of a burst of changes (an asyncio TimerHandle)
        self._computed_at = None  # loop time when the last recompute ended
        self._first_data = rs.necrotic_patient() if measurements is None else measurements.copy()
        self._data = self._first_data.copy()
        self._days = sorted(d for d in self._data["day"].unique() if d != self._data["day"].min())
        if visit not in self._days:
            raise ValueError(f"visit: must be one of the follow-up days {self._days}, got {visit!r}")
        self._lesions = sorted(self._data.loc[self._data["kind"] == "target", "lesion"].unique())
        self._syncing = False
        self._timepoints = None

        self._message = message_box()
        self._visit = widgets.ToggleButtons(
            options=[(f"Day {d}", d) for d in self._days], value=visit, description="Edit visit",
            style={"button_width": "80px"},
        )  # fmt: skip
        self._sliders: dict[tuple[str, str], widgets.FloatSlider] = {}
        pages = []
        for lesion in self._lesions:
            base = self._data[
                (self._data["lesion"] == lesion) & (self._data["day"] == self._data["day"].min())
            ].iloc[0]
            boxes = [widgets.HTML(f"Baseline {base['ld_mm']:g} mm, {base['viable_ld_mm']:g} mm viable")]
            for field, label in _FIELDS:
                slider = widgets.FloatSlider(min=0, max=max(80.0, float(base["ld_mm"]) * 1.6), step=0.5,
                                             description=label, readout_format=".1f", **_TAB_SLIDER)  # fmt: skip
                slider.observe(self._on_slider, names="value")
                self._sliders[(lesion, field)] = slider
                boxes.append(slider)
            pages.append(widgets.VBox(boxes))
        lesion_tabs = widgets.Tab(children=pages, titles=[f"Lesion {les}" for les in self._lesions])
        primary(self._sliders[(self._lesions[0], "viable_ld_mm")])
        self._missing = widgets.Checkbox(
            value=False, description=f"{self._lesions[-1]} not assessed at this visit", indent=False, **_WIDE
        )
        self._new = widgets.Dropdown(
            options=_NEW_OPTIONS, value=None, description="New liver lesion",
            style={"description_width": "125px"}, layout={"width": "330px"},
        )  # fmt: skip
        self._new_size = widgets.FloatSlider(
            min=5, max=40, step=1, value=15, description="New lesion LD (mm)", **_SLIDER
        )
        self._five = widgets.Checkbox(
            value=mrecist_5mm, description="mRECIST: +5 mm clause for PD", indent=False, **_WIDE
        )
        for w in (self._missing, self._new, self._new_size, self._five):
            w.observe(self._on_option, names="value")
        self._visit.observe(self._on_visit, names="value")

        self._cards = widgets.HTML(layout={"width": "auto"})
        self._cards.add_class("hcckit-verdicts")
        self._why = widgets.HTML(layout={"width": "auto"})
        self._why.add_class("hcckit-why")
        self._table = widgets.HTML()
        self._chart = chart_view(empty_chart("Loading..."))

        self._sync_sliders()
        self._recompute()
        question_1 = widgets.Button(
            description="Question 1: start",
            tooltip="Day 42 with all of L1 enhancing (viable 48 mm = its LD): mRECIST SD. Then lower it step by step.",
        )
        question_1.add_class("hcckit-preset")
        question_1.on_click(lambda _b: self.run(self.load_question_1))
        controls = widgets.VBox(
            [
                widgets.HTML(
                    "<b>Synthetic teaching patient</b>: HCC after TACE, two enhancing liver lesions."
                ),
                self._visit,
                lesion_tabs,
                self._missing,
                self._new,
                self._new_size,
                self._five,
            ]
        )
        # one screen at 1280x800: the verdicts in a row across the panel, then the controls beside
        # the chart; the rule that fired (long text) and the per-lesion table below the chart
        views = widgets.VBox([self._chart])
        named = {"visit": self._visit}
        named.update({f"{les} {field}": w for (les, field), w in self._sliders.items()})
        named.update(missing=self._missing, new=self._new, new_size=self._new_size, mrecist_5mm=self._five)
        super().__init__(
            [
                self._cards,
                self._message,
                beside(controls, views, controls_width="350px"),
                self._why,
                self._table,
            ],
            controls=named,
            views={"verdicts": self._cards, "chart": self._chart, "why": self._why, "lesions": self._table},
            message=self._message,
            extra_buttons=[question_1],
        )

    # ------------------------------------------------------------------ Reset and presets
    def reset(self) -> None:
        """Back to the patient as shipped, the first visit and the first options."""
        self._cancel_pending()
        self._syncing = True
        try:
            self._data = self._first_data.copy()
            self._visit.value = self._initial["visit"]
            self._five.value = self._initial["mrecist_5mm"]
        finally:
            self._syncing = False
        show_message(self._message, "")
        self._sync_sliders()
        self._recompute()

    def load_question_1(self) -> None:
        """Reset, then day 42 with all of L1 enhancing (viable 48 mm, guiding question 1)."""
        self.reset()
        self.set_state(**QUESTION_1_START)

    # ------------------------------------------------------------------ read-only state
    @property
    def value(self):
        """Current lesion measurements (a copy)."""
        return self._data.copy()

    @property
    def timepoints(self):
        """Current verdicts of all four criteria (a copy; a pending recompute runs first)."""
        self.flush()
        return None if self._timepoints is None else self._timepoints.copy()

    @property
    def best(self):
        """Current best overall response of all four criteria (a copy; a pending recompute runs first)."""
        self.flush()
        return None if self._timepoints is None else self._best.copy()

    # ------------------------------------------------------------------ debounce
    def flush(self) -> None:
        """Run a recompute that a burst of changes left pending now (nothing if none is pending).

        The verdicts, chart and cards then show the controls' current values. :attr:`timepoints`,
        :attr:`best`, :meth:`verdicts` and a change of visit call it themselves (Reset drops the
        pending classification and classifies the patient as shipped).
        """
        if self._scheduled is not None:
            self._cancel_pending()
            self.run(self._recompute)

    def _cancel_pending(self) -> None:
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None

    def _request_recompute(self) -> None:
        """Recompute now, or - inside a burst of changes - once when the burst ends.

        A change after a quiet spell (or outside a Jupyter kernel: tests, scripts) is classified
        at once, so a single press answers without delay. A change that follows the last
        recompute within ``debounce_s`` seconds (a held arrow key, several presses) is scheduled
        ``debounce_s`` later on the kernel's loop, replacing any recompute already scheduled.
        """
        loop = debounce_loop()
        if loop is None or self._debounce_s == 0:
            self._recompute()
            return
        now = loop.time()
        busy = self._scheduled is not None or (
            self._computed_at is not None and now - self._computed_at < self._debounce_s
        )
        if not busy:
            self._recompute()
            self._computed_at = loop.time()
            return
        self._cancel_pending()
        self._scheduled = loop.call_later(self._debounce_s, self._run_pending)

    def _run_pending(self) -> None:
        """The end of a burst (called by the loop): classify the current measurements."""
        import asyncio

        self._scheduled = None
        self.run(self._recompute)
        self._computed_at = asyncio.get_running_loop().time()

    # ------------------------------------------------------------------ callbacks
    def _row(self, lesion, day):
        hit = self._data[(self._data["lesion"] == lesion) & (self._data["day"] == day)]
        return None if hit.empty else hit.iloc[0]

    def _sync_sliders(self):
        """Show the chosen visit's measurements in the sliders (without recomputing)."""
        self._syncing = True
        try:
            day = self._visit.value
            for (lesion, field), slider in self._sliders.items():
                row = self._row(lesion, day)
                if row is not None and row[field] == row[field]:
                    slider.value = float(row[field])
            self._missing.value = self._row(self._lesions[-1], day) is None
            new = self._row("New", day)
            self._new.value = None if new is None else new["status"]
            if new is not None:
                self._new_size.value = float(new["ld_mm"])
        finally:
            self._syncing = False

    def _on_visit(self, change):
        if self._syncing:
            return
        self.flush()  # the edits of the visit left belong to its verdicts
        self.run(self._sync_sliders)
        self.run(self._redraw)

    def _on_slider(self, change):
        if self._syncing:
            return
        self.run(self._apply_sliders)

    def _on_option(self, change):
        if self._syncing:
            return
        self.run(self._apply_sliders)

    def _apply_sliders(self):
        day = self._visit.value
        data = self._data
        base_rows = {les: self._row(les, data["day"].min()) for les in self._lesions}
        for lesion in self._lesions:
            values = {field: self._sliders[(lesion, field)].value for field, _ in _FIELDS}
            if lesion == self._lesions[-1] and self._missing.value:
                data = rs.edit_measurements(data, lesion=lesion, day=day, drop=True)
                continue
            if self._row_in(data, lesion, day) is None:
                base = base_rows[lesion]
                values.update(kind="target", organ=base["organ"])
            data = rs.edit_measurements(data, lesion=lesion, day=day, **values)
        data = rs.edit_measurements(data, lesion="New", day=day, drop=True)
        if self._new.value is not None:
            size = self._new_size.value
            data = rs.edit_measurements(data, lesion="New", day=day, kind="new", organ="liver", status=self._new.value,
                                        ld_mm=size, viable_ld_mm=size, perp_mm=size, viable_perp_mm=size)  # fmt: skip
        self._data = data
        self._request_recompute()

    @staticmethod
    def _row_in(data, lesion, day):
        hit = data[(data["lesion"] == lesion) & (data["day"] == day)]
        return None if hit.empty else hit.iloc[0]

    def _recompute(self):
        """Classify; on bad input keep the last good verdicts and say what is wrong."""
        try:
            tp = rs.assess_all(self._data, mrecist_5mm=self._five.value)
        except ValueError as exc:
            show_message(self._message, f"Cannot classify: {exc}", kind="error")
            return
        self._timepoints = tp
        self._best = rs.best_response(tp)
        show_message(self._message, "")
        self._redraw()

    def _redraw(self):
        tp, best = self._timepoints, self._best
        day = self._visit.value
        cards, why = [], []
        for crit in rs.CRITERIA:
            at = tp[(tp["criterion"] == crit) & (tp["day"] == day)]
            b = best[best["criterion"] == crit]
            visit = None if at.empty else at.iloc[0]
            cards.append(_card(crit, visit, None if b.empty else b.iloc[0]))
            why.append(_why_row(crit, visit))
        self._cards.value = f"<div style='display:flex;flex-wrap:wrap;gap:8px'>{''.join(cards)}</div>"
        self._why.value = (
            "<div style='font-size:14px;line-height:1.4;display:flex;flex-direction:column;gap:4px'>"
            f"<div><b>Why: the rule that fired at day {day}, per criterion</b></div>{''.join(why)}</div>"
        )
        self._chart.chart = charts.criteria_chart(tp, title="One synthetic patient, four criteria")
        lt = rs.lesion_table(self._data, "mRECIST")
        rows = "".join(
            f"<tr><td>{html.escape(str(r.lesion))}</td><td>{r.day}</td><td>{html.escape(labels.label('lesion_kind', r.role))}</td>"
            f"<td>{r.measure:g}</td></tr>"
            for r in lt.itertuples()
            if r.measure == r.measure
        )
        self._table.value = (
            "<details><summary>Per-lesion measures used by mRECIST (viable LD, mm)</summary>"
            "<table class='hcckit-table' style='font-size:14px'><tr><th>Lesion</th><th>Day</th><th>Role</th>"
            f"<th>Viable LD (mm)</th></tr>{rows}</table></details>"
        )

    def verdicts(self, day: int | None = None) -> dict[str, str]:
        """{criterion: response} at ``day`` (default: the visit being edited)."""
        day = self._visit.value if day is None else day
        self.flush()
        tp = self._timepoints
        at = tp[tp["day"] == day]
        return {c: str(r) for c, r in zip(at["criterion"], at["response"], strict=True)}


class CohortPanel(Panel):
    """A synthetic teaching cohort under a chosen criterion and protocol options.

    Controls (:attr:`controls`): ``criterion`` (primary), ``confirm`` (CR/PR confirmed at least
    28 days later), ``sd_min`` (days before SD counts). Shows ORR and DCR with exact 95 % CIs for
    all four criteria, the waterfall of the chosen criterion and the RECIST 1.1 vs mRECIST
    cross-table. mRECIST's optional +5 mm clause is not a control here: the panel counts the
    visits it would change (none in the shipped cohort, see :func:`hcckit.response.five_mm_clause_effect`) and says so;
    the lesion editor has it, where small lesions make it matter.

    Views (:attr:`views`): ``rates`` (ORR/DCR table), ``waterfall``, ``discordance`` (chart views)
    and ``five_mm_note`` (what the +5 mm clause would change). The old attributes ``chart``,
    ``discordance`` and ``five_mm_note`` still read, with a ``DeprecationWarning``.

    Attributes
    ----------
    value : pandas.DataFrame
        Current response rates (a copy).
    """

    chart = renamed_view("waterfall")
    discordance = renamed_view("discordance")
    five_mm_note = renamed_view("five_mm_note")

    def __init__(
        self,
        measurements=None,
        *,
        n_patients: int = 40,
        seed: int = 0,
        criterion: str = "mRECIST",
        mrecist_5mm: bool = False,
    ):
        self._data = rs.teaching_cohort(n_patients, seed=seed) if measurements is None else measurements
        self._mrecist_5mm = bool(mrecist_5mm)
        self._message = message_box()
        self._criterion = primary(
            widgets.ToggleButtons(
                options=list(rs.CRITERIA), value=rs.criterion_name(criterion), description="Criterion",
                style={"button_width": "95px"},
            )
        )  # fmt: skip
        self._confirm = widgets.Checkbox(
            value=True, description="Require confirmation (>= 28 days)", indent=False, **_WIDE
        )
        self._sd_min = widgets.IntSlider(
            min=0, max=182, step=7, value=42, description="SD minimum (days)", **_SLIDER
        )
        self._rates_html = widgets.HTML()
        self._rates = None
        self._waterfall = chart_view(empty_chart("Loading..."))
        self._discordance = chart_view(empty_chart("Loading..."))
        self._tp = rs.assess_all(self._data, mrecist_5mm=self._mrecist_5mm)
        changed, visits = rs.five_mm_clause_effect(
            self._data, assessed=None if self._mrecist_5mm else self._tp
        )
        self._five_mm_note = widgets.HTML(
            "<span style='font-size:14px'>mRECIST's optional +5 mm clause changes "
            f"{changed} of these {visits} follow-up visits"
            + (
                ": every mRECIST progression here is already at least 5 mm above its nadir, so it is not a "
                "control (try it in the lesion editor above, where lesions are small)."
                if changed == 0
                else "."
            )
            + "</span>"
        )
        self._update()
        controls = widgets.VBox(
            [
                widgets.HTML(
                    f"<b>Synthetic teaching cohort</b> ({self._data['patient'].nunique()} patients, "
                    "labelled SYNTHETIC - not trial data)"
                ),
                self._criterion,
                self._confirm,
                self._sd_min,
                self._rates_html,
                self._five_mm_note,
            ]
        )
        views = widgets.VBox([self._waterfall, self._discordance])
        super().__init__(
            beside(controls, views, controls_width="420px"),
            controls={"criterion": self._criterion, "confirm": self._confirm, "sd_min": self._sd_min},
            views={
                "rates": self._rates_html,
                "waterfall": self._waterfall,
                "discordance": self._discordance,
                "five_mm_note": self._five_mm_note,
            },
            message=self._message,
        )
        self.on_change(["criterion", "confirm", "sd_min"], self._update)

    @property
    def value(self):
        """Current response rates (ORR, DCR, ... with exact CIs) for all criteria (a copy)."""
        return None if self._rates is None else self._rates.copy()

    def _update(self):
        tp = self._tp
        best = rs.best_response(tp, confirm=self._confirm.value, sd_min_days=self._sd_min.value)
        rates = rs.response_rates(best)
        self._rates = rates
        crit = self._criterion.value
        keep = rates[rates["endpoint"].isin(["ORR", "DCR"])]
        cells = {}
        for r in keep.itertuples():
            # count/n rounded half-up as papers print (23/40 = 57.5 % -> 58 %), not through a float repr
            pct = formatting.percent(100 * r.count / r.n, 0)
            ci = formatting.ci(r.ci_low_pct, r.ci_high_pct, decimals=0)
            cells[(r.criterion, r.endpoint)] = f"{r.count}/{r.n} = {pct}<br><small>({ci})</small>"
        rows = "".join(
            f"<tr style='{'font-weight:bold;background:#eef5fb' if c == crit else ''}'><td>{html.escape(c)}</td>"
            f"<td>{cells.get((c, 'ORR'), '')}</td><td>{cells.get((c, 'DCR'), '')}</td></tr>"
            for c in rs.CRITERIA
        )
        self._rates_html.value = (
            "<table class='hcckit-rates hcckit-table' style='font-size:14px'><tr><th>Criterion</th>"
            "<th>ORR (95 % exact CI)</th><th>DCR (95 % exact CI)</th></tr>" + rows + "</table>"
        )
        change = rs.best_change(tp, best)
        self._waterfall.chart = charts.waterfall_chart(
            change, criterion=crit, title=f"Best change in target sum by {crit}"
        )
        self._discordance.chart = charts.discordance_chart(
            rs.discordance_table(best),
            synthetic=True,
            title="Best response by RECIST 1.1 and mRECIST",
        )


def criteria_panel(**kwargs) -> LesionEditorPanel:
    """The lesson's lesion editor (see :class:`LesionEditorPanel`)."""
    return LesionEditorPanel(**kwargs)


def cohort_panel(**kwargs) -> CohortPanel:
    """The lesson's cohort panel (see :class:`CohortPanel`)."""
    return CohortPanel(**kwargs)
