"""Panels for the evidence-explorer lesson: filters over every comparison, pooling, two studies side by side.

The panels only compose :mod:`hcckit.evidence` (numbers) and :mod:`hcckit.charts.evidence`
(drawing). Each is a :class:`hcckit.widgets.panel.Panel`: public ``controls``/``views``/``state``,
callbacks wired once under :func:`hcckit.widgets._common.safe`, **Reset** to the opening state and
preset buttons that load the starting state of the lesson's guiding questions. A filter that
matches nothing shows a friendly empty chart and message instead of an error. Controls and views
are reached by name only - ``panel.controls["endpoint"]``, ``panel.views["forest"].chart``,
``panel.state`` - the widgets themselves are private.

A ``SelectMultiple`` whose choices change is emptied *before* its options are replaced, inside
``hold_sync()`` (:func:`_replace_options`): replacing the options first sends the browser the new,
shorter list while the old selection indices are still set, and the widget's view then fails with
"Cannot set properties of undefined (setting 'selected')".
"""

from __future__ import annotations

import functools
import html

import ipywidgets as widgets

from hcckit.widgets._common import chart_view, message_box, primary, show_message
from hcckit.widgets.panel import Panel

__all__ = [
    "EvidenceExplorerPanel",
    "PoolingPanel",
    "CrossTrialPanel",
    "evidence_explorer_panel",
    "pooling_panel",
    "cross_trial_panel",
]

_ANY = "any"  # dropdown value meaning "no filter" (a None value would show as a blank dropdown)
_WIDE = widgets.Layout(width="320px")
_DESC = {"description_width": "110px"}
_MODALITY_LABELS = {"TACE": "TACE (any: cTACE, DEB-TACE, TACE+HAIC)", "HAIC": "HAIC (incl. TACE+HAIC)",
                    "none": "none (systemic therapy only)"}  # fmt: skip
_CLASS_LABELS = {"none": "none (no systemic agent)", "cell_therapy": "cell therapy"}
_DEFAULT_PAIR = ("chictr2100049829_tace_atezo_bev", "chictr2200056222_debtace_tqb_anlo")
_LAUNCH_YAN = ("launch", "yan2025_tace_bev")  # the lesson's second cross-trial question


def _dropdown(options, value, description, *, width=_WIDE):
    return widgets.Dropdown(options=options, value=value, description=description, style=_DESC, layout=width)


def _with_any(pairs):
    return [(_ANY, _ANY), *pairs]


def _value(control):
    """A dropdown's value, with "any" as None (no filter)."""
    return None if control.value == _ANY else control.value


@functools.lru_cache(maxsize=1)
def _comparisons():
    """The joined comparison table, built once per kernel and shared by the panels (read-only)."""
    from hcckit import evidence

    return evidence.comparisons()


def _replace_options(control, options, value) -> None:
    """Give a Select/SelectMultiple/Dropdown new ``options`` and ``value`` without a front-end error.

    The selection is cleared first (so the browser never holds indices beyond the new list), and the
    three changes reach the browser as one message (``hold_sync``).
    """
    multiple = isinstance(control, widgets.SelectMultiple)
    with control.hold_sync():
        if multiple:
            control.value = ()
        control.options = options
        control.value = value


def _html_list(title: str, items) -> str:
    items = [i for i in items if i]
    if not items:
        return ""
    body = "".join(f"<li>{html.escape(str(i))}</li>" for i in items)
    return f"<div class='hcckit-notes'><b>{html.escape(title)}</b><ul>{body}</ul></div>"


class EvidenceExplorerPanel(Panel):
    """Every curated comparison behind five filters: a forest plot of HRs and an ORR chart.

    Controls: endpoint (the primary control: a select drawn *in the forest plot*, bound to its
    Vega-Lite param ``endpoint`` - :data:`hcckit.charts.evidence.ENDPOINT_PARAM` - so the browser
    redraws the plot with no kernel; the kernel follows it through
    :class:`hcckit.widgets._chartlib.ParamControl` for the notes and the message line; an endpoint
    id or :data:`hcckit.labels.ALL`), design, arterial modality, systemic class (of the first-named
    arm), response criterion (ORR chart only) and whether CIs are drawn as printed or all at 95 %
    (these change which rows and intervals the plot carries: computed in the kernel). Views:
    ``forest``, ``orr``, ``notes``. Presets load the starting state of the lesson's three guiding
    questions. ``value`` returns the current filter settings.
    """

    def __init__(self):
        from hcckit import evidence
        from hcckit.charts._common import empty_chart
        from hcckit.labels import ALL
        from hcckit.widgets._chartlib import ParamControl

        self._ev = evidence
        self._table = _comparisons()
        self._orr_filters = None
        self._forest = None
        opts = evidence.explorer_options(self._table)
        self._endpoints = list(opts["endpoint"])
        self.message = message_box()
        self._design = _dropdown(
            _with_any([(evidence.DESIGN_LABELS[d], d) for d in opts["design"]]), _ANY, "Design"
        )
        self._modality = _dropdown(
            _with_any([(_MODALITY_LABELS.get(m, m), m) for m in opts["modality"]]), _ANY, "Arterial"
        )
        self._systemic_class = _dropdown(
            _with_any([(_CLASS_LABELS.get(c, c), c) for c in opts["systemic_class"]]), _ANY, "Systemic class"
        )
        self._criterion = _dropdown(_with_any([(c, c) for c in opts["criterion"]]), _ANY, "ORR criterion")
        self._ci_level = widgets.ToggleButtons(
            options=[("CIs as printed", "printed"), ("all CIs at 95 %", "95")],
            value="printed",
            description="Intervals",
            style={"description_width": "110px", "button_width": "140px"},
        )
        self._forest_view = primary(chart_view(empty_chart("Loading...")))
        self._endpoint = ParamControl(self._forest_view, "endpoint", "PFS", description="Endpoint (HR)")
        self._all = ALL
        self._orr_view = chart_view(empty_chart("Loading..."))
        self._notes = widgets.HTML()
        controls = {
            "endpoint": self._endpoint,
            "design": self._design,
            "modality": self._modality,
            "systemic_class": self._systemic_class,
            "criterion": self._criterion,
            "ci_level": self._ci_level,
        }
        start = {name: control.value for name, control in controls.items()}
        body = [
            widgets.HBox([self._design, self._ci_level], layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox([self._modality, self._systemic_class, self._criterion],
                         layout=widgets.Layout(flex_flow="row wrap")),
            self._forest_view,
            self._notes,
            widgets.HTML("<b>Objective response rate</b> (same design / arterial / systemic filters; "
                         "criterion filter applies here)"),
            self._orr_view,
        ]  # fmt: skip
        super().__init__(
            body,
            controls=controls,
            views={"forest": self._forest_view, "orr": self._orr_view, "notes": self._notes},
            message=self.message,
        )
        # each guiding question starts from the opening filters plus what it names
        presets = [
            ("Question 1: single-arm studies", {"design": "single_arm"}),
            ("Question 2: PFS, CIs as printed", {"endpoint": "PFS", "ci_level": "printed"}),
            ("Question 3: ORR by mRECIST", {"criterion": "mRECIST"}),
        ]
        self.preset_buttons = tuple(
            self.preset_button(label, **{**start, **values}) for label, values in presets
        )
        self.add_presets(*self.preset_buttons)
        self.add_class("hcckit-evidence-explorer")
        self.on_change([name for name in controls if name != "endpoint"], self._update)
        # the browser has already redrawn the plot: the kernel only updates the notes and message
        self.on_change(["endpoint"], self._describe_endpoint)
        self._update()

    @property
    def value(self) -> dict:
        """Current filters: endpoint, design, modality, systemic_class, criterion, common_level."""
        endpoint = self._endpoint.value
        return {
            "endpoint": None if endpoint in (self._all, _ANY) else endpoint,
            "design": _value(self._design),
            "modality": _value(self._modality),
            "systemic_class": _value(self._systemic_class),
            "criterion": _value(self._criterion),
            "common_level": 0.95 if self._ci_level.value == "95" else None,
        }

    def _describe(self) -> str:
        labels = []
        for control in (self._design, self._modality, self._systemic_class):
            if _value(control) is not None:
                labels.append(f"{control.description.lower()} = {control.label}")
        return ", ".join(labels)

    def _update(self) -> None:
        """New design / arterial / systemic / criterion / interval filters: the charts' rows change."""
        from hcckit.charts import evidence as charts
        from hcckit.charts._common import empty_chart

        ev, f = self._ev, self.value
        rows = ev.filter_comparisons(
            self._table, modality=f["modality"], systemic_class=f["systemic_class"], design=f["design"]
        )
        # every endpoint's rows: the plot's endpoint input filters them in the browser
        self._forest = ev.forest_table(rows, common_level=f["common_level"])
        if self._forest.empty:
            self._forest_view.chart = empty_chart(self._empty_text(f))
        else:
            self._forest_view.chart = charts.forest_chart(
                self._forest, endpoint=self._endpoint.value, endpoints=self._endpoints
            )
        self._describe_endpoint()
        orr_filters = {k: f[k] for k in ("criterion", "modality", "systemic_class", "design")}
        if orr_filters == self._orr_filters:  # interval change: the ORR chart stays as it is
            return
        orr = ev.orr_table(**orr_filters)
        if orr.empty:
            self._orr_view.chart = empty_chart(
                "No response rate matches these filters. Set the criterion or another filter back to 'any'."
            )
        else:
            self._orr_view.chart = charts.orr_chart(orr)
        self._orr_filters = orr_filters

    def _empty_text(self, f) -> str:
        if f["design"] == "single_arm":
            return (
                "Single-arm studies have no comparator, so they report no hazard ratio. "
                "Their response rates are in the ORR chart below."
            )
        what = f"for {f['endpoint']}" if f["endpoint"] else "for any endpoint"
        return (
            f"No hazard ratio {what} matches {self._describe() or 'these filters'}. "
            "Set a filter back to 'any' or choose another endpoint."
        )

    def _describe_endpoint(self) -> None:
        """The message line and the curation notes of the rows the plot shows (endpoint chosen in the plot)."""
        f = self.value
        forest = self._forest
        if forest is not None and f["endpoint"] is not None:
            forest = forest[forest["endpoint"] == f["endpoint"]]
        if forest is None or forest.empty:
            self._notes.value = ""
            show_message(self.message, self._empty_text(f), kind="info")
            return
        what = f"for {f['endpoint']}" if f["endpoint"] else "for any endpoint"
        no_ci = int((~forest["has_ci"]).sum())
        extra = f" ({no_ci} without a printed CI, drawn grey)" if no_ci else ""
        show_message(self.message, f"{len(forest)} hazard ratio(s) {what}{extra}.", kind="info")
        notes = [
            f"{r.label} ({r.endpoint}): {r.direction_note}" for r in forest.itertuples() if r.direction_note
        ]
        notes += [f"{r.label} ({r.endpoint}): {r.discrepancy}" for r in forest.itertuples() if r.discrepancy]
        notes += [
            f"{r.label} ({r.endpoint}): {r.ci_label}"
            for r in forest.itertuples()
            if "recomputed" in r.ci_label
        ]
        self._notes.value = _html_list("Notes from the curation (also in the tooltips):", notes)


class PoolingPanel(Panel):
    """Choose a subgroup of hazard ratios and pool it with a random-effects model (optional).

    Controls: endpoint, comparison question (``"TACE + systemic therapy vs TACE"``), design, the
    comparisons themselves (all selected when the subgroup changes), the tau² estimator (DL or
    PM) and whether to show the pooled estimate. Views: ``chart`` and ``summary`` (the pooled HR,
    its normal and Hartung-Knapp CIs, I², tau², Q, the prediction interval and - in red - every
    reason not to quote it). Presets load the starting state of the lesson's three guiding
    questions (the opening subgroup, the narrowed pair, OS with any design).
    """

    def __init__(self):
        from hcckit import evidence
        from hcckit.charts._common import empty_chart

        self._ev = evidence
        self._table = _comparisons()
        self._options = evidence.explorer_options(self._table)
        default = evidence.DEFAULT_POOL
        self._busy = False
        self.message = message_box()
        self._endpoint = _dropdown(
            [(e, e) for e in self._options["endpoint"]], default["endpoint"], "Endpoint"
        )
        self._question = _dropdown(
            self._questions(default["endpoint"]),
            default["question"],
            "Comparison",
            width=widgets.Layout(width="520px"),
        )
        self._design = _dropdown(
            _with_any([(evidence.DESIGN_LABELS[d], d) for d in self._options["design"] if d != "single_arm"]),
            default["design"],
            "Design",
        )
        start_options = self._study_options(default["endpoint"], default["design"], default["question"])
        self._studies = widgets.SelectMultiple(
            options=start_options,
            value=tuple(v for _, v in start_options),
            description="Studies",
            rows=7,
            style=_DESC,
            layout=widgets.Layout(width="760px", max_width="100%"),
        )
        self._method = widgets.ToggleButtons(
            options=[("DerSimonian-Laird", "DL"), ("Paule-Mandel", "PM")],
            value="DL",
            description="tau² method",
            style={"description_width": "110px", "button_width": "150px"},
        )
        self._show_pooled = widgets.Checkbox(value=True, description="Show the pooled estimate", indent=False)
        self._view = chart_view(empty_chart("Loading..."))
        self._summary = widgets.HTML()
        controls = {
            "endpoint": self._endpoint,
            "question": self._question,
            "design": self._design,
            "studies": self._studies,
            "method": self._method,
            "show_pooled": self._show_pooled,
        }
        body = [
            widgets.HBox([self._endpoint, self._design], layout=widgets.Layout(flex_flow="row wrap")),
            self._question,
            self._studies,
            widgets.HBox([self._method, self._show_pooled], layout=widgets.Layout(flex_flow="row wrap")),
            self._view,
            self._summary,
        ]
        super().__init__(
            body,
            controls=controls,
            views={"chart": self._view, "summary": self._summary},
            message=self.message,
        )
        # the choices of Comparison and Studies follow the subgroup at once (also inside Reset and
        # presets, before the chosen studies are restored); the chart is redrawn once per change
        self._endpoint.observe(self._on_endpoint, names="value")
        for control in (self._question, self._design):
            control.observe(self._on_subgroup, names="value")
        self.on_change(list(controls), self._update)
        self.preset_buttons = tuple(self._presets())
        self.add_presets(*self.preset_buttons)
        self.add_class("hcckit-pooling")
        self._update()

    # ------------------------------------------------------------------ presets
    def _presets(self):
        default = self._ev.DEFAULT_POOL
        start = {
            "endpoint": default["endpoint"],
            "question": default["question"],
            "design": default["design"],
        }
        opening = self._study_options(start["endpoint"], start["design"], start["question"])
        by_study = {label.split(" - ")[0]: value for label, value in opening}
        pair = tuple(
            by_study[name]
            for name in ("TACTICS: TACE + sorafenib vs TACE", "EMERALD-1: D + B + TACE vs TACE")
            if name in by_study
        )
        os_any = self._study_options("OS", None, start["question"])
        common = {"method": "DL", "show_pooled": True}
        yield self.preset_button(
            "Question 1: the opening subgroup",
            tooltip="RCTs, PFS, TACE + systemic therapy vs TACE, every comparison selected",
            **start, studies=tuple(v for _, v in opening), **common,
        )  # fmt: skip
        yield self.preset_button(
            "Question 2: the narrowed pair",
            tooltip="The opening subgroup without Yan 2025 and EMERALD-1: D + TACE",
            **start, studies=pair, **common,
        )  # fmt: skip
        yield self.preset_button(
            "Question 3: OS, any design",
            tooltip="OS, any design, TACE + systemic therapy vs TACE",
            endpoint="OS", question=start["question"], design=_ANY,
            studies=tuple(v for _, v in os_any), **common,
        )  # fmt: skip

    @property
    def value(self) -> dict:
        """Current choice: endpoint, question, design, row_ids (selected comparisons), method, pooled."""
        return {
            "endpoint": self._endpoint.value,
            "question": _value(self._question),
            "design": _value(self._design),
            "row_ids": tuple(self._studies.value),
            "method": self._method.value,
            "pooled": self._show_pooled.value,
        }

    def _questions(self, endpoint):
        return _with_any([(q, q) for q in self._options["question"].get(endpoint, [])])

    def _forest(self, endpoint=None, design=None, question=None, *, current: bool = True):
        ev = self._ev
        if current:
            endpoint, design, question = self._endpoint.value, _value(self._design), _value(self._question)
        rows = ev.filter_comparisons(self._table, endpoint=endpoint, design=design, question=question)
        return ev.forest_table(rows)

    def _study_options(self, endpoint, design, question):
        """(label, row id) choices of the Studies list for one subgroup ("any" design/question = None)."""
        design = None if design == _ANY else design
        question = None if question == _ANY else question
        forest = self._forest(endpoint, design, question, current=False)
        return [
            (f"{r.label} - {r.hr:.2f} ({r.printed_ci}) - {r.design_label}", r.row_id)
            for r in forest.itertuples()
        ]

    def _on_endpoint(self, _change=None) -> None:
        self._busy = True
        try:
            current = self._question.value
            options = self._questions(self._endpoint.value)
            values = [v for _, v in options]
            _replace_options(self._question, options, current if current in values else _ANY)
        finally:
            self._busy = False
        self._on_subgroup()

    def _on_subgroup(self, _change=None) -> None:
        """New subgroup: list its comparisons in Studies, all selected (runs at once, not deferred)."""
        if self._busy:
            return
        options = self._study_options(self._endpoint.value, self._design.value, self._question.value)
        self._busy = True
        try:
            _replace_options(self._studies, options, tuple(v for _, v in options))
        finally:
            self._busy = False

    def _update(self) -> None:
        if self._busy:
            return
        from hcckit.charts import evidence as charts
        from hcckit.charts._common import empty_chart

        ev = self._ev
        forest = self._forest()
        chosen = forest[forest["row_id"].isin(self._studies.value)]
        show_message(self.message, "")
        if chosen.empty:
            text = (
                "No comparison selected. Pick at least two in the list (Ctrl/Cmd-click), or choose another "
                "endpoint, comparison or design."
                if len(forest)
                else "No hazard ratio matches this endpoint, comparison and design. Set 'Comparison' or 'Design' "
                "to 'any'."
            )
            self._view.chart = empty_chart(text)
            self._summary.value = ""
            show_message(self.message, text, kind="info")
            return
        if not self._show_pooled.value:
            self._view.chart = charts.forest_chart(chosen, title="Selected comparisons (not pooled)")
            self._summary.value = ev.check_comparability(chosen)._repr_html_()
            return
        try:
            pooled = ev.pool_hazard_ratios(chosen, method=self._method.value)
        except ValueError as exc:  # fewer than two studies with a CI: show them, explain why no pooling
            self._view.chart = charts.forest_chart(chosen, title="Selected comparisons (not pooled)")
            self._summary.value = ev.check_comparability(chosen)._repr_html_()
            show_message(self.message, f"No pooled estimate: {exc}.", kind="warning")
            return
        self._view.chart = charts.pooled_chart(pooled)
        self._summary.value = pooled._repr_html_()
        if not pooled.quotable:
            what = (
                "These comparisons are not comparable"
                if not pooled.comparable
                else "This pooling is not adequate"
            )
            show_message(
                self.message,
                f"{what} (see the red list below): the pooled number is shown to discuss, not to quote.",
                kind="warning",
            )


class CrossTrialPanel(Panel):
    """Two studies side by side (design, population, stage, criteria, follow-up...) and why comparing
    their numbers directly misleads. Views: ``reasons``, ``profile``, ``orr``. Presets load the
    lesson's two guiding pairs. ``value`` is the pair of trial ids."""

    def __init__(self, trial_a: str = _DEFAULT_PAIR[0], trial_b: str = _DEFAULT_PAIR[1]):
        from hcckit import evidence
        from hcckit.charts._common import empty_chart

        self._ev = evidence
        choices = evidence.explorer_options(_comparisons())["trials"]
        ids = [v for _, v in choices]
        for name, tid in (("trial_a", trial_a), ("trial_b", trial_b)):
            if tid not in ids:
                raise ValueError(f"{name}: unknown trial {tid!r}")
        wide = widgets.Layout(width="460px", max_width="100%")
        self.message = message_box()
        self._trial_a = _dropdown(choices, trial_a, "Study A", width=wide)
        self._trial_b = _dropdown(
            choices, trial_b, "Study B", width=widgets.Layout(width="460px", max_width="100%")
        )
        self._profile_view = chart_view(empty_chart("Loading..."))
        self._orr_view = chart_view(empty_chart("Loading..."))
        self._reasons = widgets.HTML()
        controls = {"trial_a": self._trial_a, "trial_b": self._trial_b}
        body = [
            widgets.HBox([self._trial_a, self._trial_b], layout=widgets.Layout(flex_flow="row wrap")),
            # the facts side by side first, so the controls and their chart share one screen;
            # the reasons (a long list) follow the charts
            self._profile_view,
            self._orr_view,
            self._reasons,
        ]
        super().__init__(
            body,
            controls=controls,
            views={"reasons": self._reasons, "profile": self._profile_view, "orr": self._orr_view},
            message=self.message,
        )
        presets = [
            ("Question 1: the opening pair", _DEFAULT_PAIR),
            ("Question 2: LAUNCH vs Yan 2025", _LAUNCH_YAN),
        ]
        self.preset_buttons = tuple(
            self.preset_button(label, trial_a=a, trial_b=b)
            for label, (a, b) in presets
            if a in ids and b in ids
        )
        self.add_presets(*self.preset_buttons)
        self.add_class("hcckit-cross-trial")
        self.on_change(list(controls), self._update)
        self._update()

    @property
    def value(self) -> tuple[str, str]:
        """The two trial ids being compared."""
        return (self._trial_a.value, self._trial_b.value)

    def _update(self) -> None:
        from hcckit.charts import evidence as charts
        from hcckit.charts._common import empty_chart

        a, b = self.value
        show_message(self.message, "")
        if a == b:
            text = "Pick two different studies to compare."
            self._profile_view.chart = empty_chart(text)
            self._orr_view.chart = empty_chart(text)
            self._reasons.value = ""
            show_message(self.message, text, kind="info")
            return
        result = self._ev.cross_trial_comparison(a, b)
        self._reasons.value = result._repr_html_()
        self._profile_view.chart = charts.comparison_table_chart(result.profile)
        orr = self._ev.orr_table(trial_ids=[a, b])
        self._orr_view.chart = (
            charts.orr_chart(orr, title="Their response rates, by criterion")
            if len(orr)
            else empty_chart("Neither study reports an objective response rate.")
        )


def evidence_explorer_panel() -> EvidenceExplorerPanel:
    """The explorer: filters, forest plot of HRs (log axis) and ORR by criterion."""
    return EvidenceExplorerPanel()


def pooling_panel() -> PoolingPanel:
    """The pooling panel: choose a subgroup, see the random-effects pooled HR and why it may mislead."""
    return PoolingPanel()


def cross_trial_panel(trial_a: str = _DEFAULT_PAIR[0], trial_b: str = _DEFAULT_PAIR[1]) -> CrossTrialPanel:
    """Two studies side by side with the reasons a naive comparison misleads."""
    return CrossTrialPanel(trial_a, trial_b)
