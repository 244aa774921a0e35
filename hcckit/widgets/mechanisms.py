"""Panels for lesson 01 (how arterial therapies work). They only compose
:mod:`hcckit.mechanisms` (numbers) and :mod:`hcckit.charts.mechanisms` (drawings).

* :func:`modality_panel`: pick a modality; see what is delivered, where, and which curated
  trials used it;
* :func:`blood_supply_panel`: the dual blood supply (no controls);
* :func:`model_panel`: sliders over the qualitative TACE/VEGF model (labelled as such);
* :func:`evidence_panel`: the randomised trial's perfusion, biomarker and TACE-session numbers.

Every panel is a :class:`MechanismsPanel`, a :class:`hcckit.widgets.panel.Panel`: public
``controls``, ``views`` and ``state``, Reset (back to the first state) and one preset button per
guiding question of the lesson ("Try this") that needs a particular starting state; ``view`` (the
chart) and ``texts`` (HTML read-outs) stay as before, so tests and notebooks can drive it.
Updates run under :func:`hcckit.widgets._common.safe`: an error becomes a message, never a traceback.
"""

from __future__ import annotations

import functools
import html

import ipywidgets as widgets

from hcckit.widgets._common import chart_view, message_box, primary, show_message
from hcckit.widgets.panel import Panel, above, labelled

__all__ = [
    "copy_chart",
    "modality_view",
    "MechanismsPanel",
    "LessonPanel",
    "modality_panel",
    "blood_supply_panel",
    "model_panel",
    "evidence_panel",
    "MODEL_VIEW_CHOICES",
]

_SLIDER_STYLE = {"description_width": "0px"}
_FULL = {"width": "100%"}
_RCT = "TACE + bevacizumab 5 mg/kg right after (as in the RCT)"
#: The model panel's view switch: button text -> (value, the two views of
#: :func:`hcckit.charts.mechanisms.model_chart` drawn side by side). The first is the panel's start.
MODEL_VIEW_CHOICES = {
    "First week + dose window": ("week", ("surge", "window")),
    "Dose window + tumour": ("dose", ("window", "tumour")),
    "Days 0-60: vessels + tumour": ("days", ("vessels", "tumour")),
}
_MODEL_VIEW_TIPS = {
    "week": "HIF-1α and the VEGF surge over the first week (hours), and what each dose does (mg/kg)",
    "dose": "What each dose does (mg/kg), and the tumour and its hypoxia over 60 days (dashed: no bevacizumab)",
    "days": "Vessels and tumour over 60 days after TACE (dashed: the same TACE without bevacizumab)",
}


class MechanismsPanel(Panel):
    """A lesson 01 panel: a :class:`Panel` with its chart ``view`` and HTML read-outs ``texts``.

    Parameters
    ----------
    body : widget or list of widgets
        The layout (:func:`hcckit.widgets.panel.beside` / :func:`~hcckit.widgets.panel.above`).
    controls : mapping of str to widget
        The controls (restored by Reset).
    view : altair.JupyterChart
        The panel's chart (also ``views["chart"]``).
    message : ipywidgets.HTML
        The message box.
    texts : mapping of str to ipywidgets.HTML, optional
        HTML read-outs (also in ``views``).
    """

    def __init__(self, body, *, controls: dict, view, message, texts: dict | None = None):
        self.view = view
        self.texts = dict(texts or {})
        super().__init__(body, controls=controls, views={"chart": view, **self.texts}, message=message)
        self.preset_buttons: list[widgets.Button] = []

    def add_preset_states(self, presets: dict[str, dict], *, tips: dict[str, str] | None = None) -> None:
        """Add one preset button per guiding question (text -> control values) before Reset."""
        tips = tips or {}
        buttons = [self.preset_button(k, tooltip=tips.get(k, ""), **v) for k, v in presets.items()]
        self.presets = {**getattr(self, "presets", {}), **presets}
        self.preset_buttons += buttons
        self.add_presets(*buttons)


#: The former name of :class:`MechanismsPanel` (kept for code that imported it).
LessonPanel = MechanismsPanel


# --------------------------------------------------------------------------- modalities
def _modality_html(modality: str) -> str:
    from hcckit import mechanisms

    row = mechanisms.modality_table().set_index("modality").loc[modality]
    items = [
        ("What is delivered", row["delivered"]),
        ("Where", row["where"]),
        ("How it acts", row["how_it_acts"]),
        ("Watch out", row["caveat"]),
    ]
    lis = "".join(f"<li><b>{html.escape(k)}:</b> {html.escape(v)}</li>" for k, v in items)
    src = html.escape(f"{row['source']}, {row['source_location']}")
    return (
        f"<div style='font-size:15px'><h4 style='margin:4px 0'>{html.escape(row['name'])}</h4><ul>{lis}</ul>"
        f"<span style='font-size:14px'>Source: {src}</span></div>"
    )


def _trials_html(modality: str) -> str:
    from hcckit import labels, mechanisms, tables

    arms = mechanisms.trials_for_modality(modality)
    name = labels.label("modality", modality)
    if arms.empty:
        return f"<p><i>No curated trial arm used {html.escape(name)}.</i></p>"
    n_trials = arms["trial_id"].nunique()
    return tables.show(
        arms,
        columns={
            "trial": "Trial",
            "design": "Design",
            "arm": "Arm",
            "role": "Role",
            "n": "Patients (n)",
            "match": "Match",
        },
        formats={"trial": "text", "arm": "text", "match": "text"},
        caption=f"Curated trials using {name}: {n_trials} ({len(arms)} arms)",
    ).html


def copy_chart(chart):
    """A copy of an altair chart that shares nothing changeable with it (its data frames copied too).

    altair's ``copy(deep=True)`` copies the chart's specification objects but keeps its pandas
    data frames by reference; this copies those as well (top level and every layer or sub-chart).
    """
    import pandas as pd

    out = chart.copy(deep=True)
    todo = [out]
    while todo:
        c = todo.pop()
        if isinstance(getattr(c, "data", None), pd.DataFrame):
            c.data = c.data.copy()
        for part in ("layer", "hconcat", "vconcat", "concat"):
            todo.extend(getattr(c, part, None) or [])
        spec = getattr(c, "spec", None)
        if spec is not None and hasattr(spec, "copy"):
            todo.append(spec)
    return out


@functools.cache
def _modality_parts(modality: str):
    from hcckit import mechanisms
    from hcckit.charts.mechanisms import modality_chart

    return (
        modality_chart(mechanisms.modality_scene(modality)),
        _modality_html(modality),
        _trials_html(modality),
    )


def modality_view(modality: str):
    """``(chart, details HTML, trials HTML)`` of :func:`modality_panel` for one modality, built once per process.

    The modality fully decides them, so they are kept; the chart returned is a copy
    (:func:`copy_chart`), so changing it does not change what the next call returns.
    """
    from hcckit import mechanisms

    mechanisms._check_modality(modality)
    chart, details, trials = _modality_parts(modality)
    return copy_chart(chart), details, trials


def modality_panel(*, modality: str = "cTACE") -> MechanismsPanel:
    """Choose a modality (the primary control): schematic, description and curated trial arms.

    Presets: the lesson's two "Try this" questions (TARE: is the artery left open? HAIC: which
    curated trials compared HAIC with TACE?).
    The five modalities' charts and texts are built when the panel is (about 30 ms each, once per
    process: :func:`modality_view`), so every change of modality only shows them.
    """
    from hcckit import mechanisms

    message = message_box()
    names = mechanisms.modality_table().set_index("modality")["name"]
    picker = primary(
        widgets.ToggleButtons(
            options=[
                ("TAE", "TAE"),
                ("cTACE", "cTACE"),
                ("DEB-TACE", "DEB-TACE"),
                ("TARE / SIRT", "TARE"),
                ("HAIC", "HAIC"),
            ],
            value=modality,
            description="Modality",
            tooltips=[names.loc[k] for k in mechanisms.MODALITY_KEYS],
            style={"button_width": "auto"},
        )
    )
    chart, first_details, first_trials = modality_view(modality)
    view = chart_view(chart)
    details = widgets.HTML(first_details)
    trials = widgets.HTML(first_trials)
    for key in mechanisms.MODALITY_KEYS:  # the other choices, now: each change then only shows them
        _modality_parts(key)

    def redraw():
        view.chart, details.value, trials.value = modality_view(picker.value)
        show_message(message, "")

    panel = MechanismsPanel(
        above([picker], [view, details, trials]),
        controls={"modality": picker},
        view=view,
        message=message,
        texts={"details": details, "trials": trials},
    )
    panel.on_change(["modality"], redraw)
    panel.add_preset_states(
        {"Try this: TARE": {"modality": "TARE"}, "Try this: HAIC vs TACE": {"modality": "HAIC"}},
        tips={
            "Try this: TARE": "Which modalities leave the artery open? Start with TARE, then HAIC.",
            "Try this: HAIC vs TACE": "Which curated trials compared HAIC with TACE?",
        },
    )
    return panel


def blood_supply_panel() -> MechanismsPanel:
    """The dual blood supply chart (normal liver vs HCC), no controls."""
    from hcckit import mechanisms
    from hcckit.charts.mechanisms import blood_supply_chart

    message = message_box()
    view = chart_view(blood_supply_chart(mechanisms.blood_supply_table()))
    return MechanismsPanel([view], controls={}, view=view, message=message)


# --------------------------------------------------------------------------- the model
def _slider(cls, value, lo, hi, step, fmt=None):
    kwargs = {"readout_format": fmt} if fmt else {}
    return cls(
        value=value,
        min=lo,
        max=hi,
        step=step,
        continuous_update=False,
        style=_SLIDER_STYLE,
        layout=dict(_FULL),
        **kwargs,
    )


def _slider_values(p) -> dict:
    """Slider values (%, mg/kg, hours) of a :class:`hcckit.mechanisms.Scenario`."""
    return {
        "embolization": round(100 * p.embolization),
        "chemotherapy": round(100 * p.chemotherapy),
        "bev_dose": float(p.bev_dose_mg_kg),
        "bev_time": round(p.bev_time_h),
        "immune": round(100 * p.immune_priming),
    }


def _model_controls(preset: str, first: dict):
    """The model panel's controls: the scenario dropdown, the five sliders (by name), the reference
    checkbox and the view switch, at ``preset`` with slider values ``first``."""
    from hcckit import mechanisms

    presets = widgets.Dropdown(options=[*mechanisms.PRESETS, "(custom)"], value=preset, layout=dict(_FULL))
    sliders = {
        "embolization": _slider(widgets.IntSlider, first["embolization"], 0, 100, 5),
        "chemotherapy": _slider(widgets.IntSlider, first["chemotherapy"], 0, 100, 5),
        "bev_dose": primary(_slider(widgets.FloatSlider, first["bev_dose"], 0.0, 15.0, 2.5, ".1f")),
        "bev_time": _slider(widgets.IntSlider, first["bev_time"], 0, 336, 12),
        "immune": _slider(widgets.IntSlider, first["immune"], 0, 100, 25),
    }
    reference = widgets.Checkbox(
        value=True, description="Draw dashed: same TACE, no bevacizumab", indent=False
    )
    reference.layout.width = "auto"
    choices = {label: value for label, (value, _) in MODEL_VIEW_CHOICES.items()}
    view_switch = widgets.ToggleButtons(
        options=list(choices.items()),
        value=next(iter(choices.values())),
        tooltips=[_MODEL_VIEW_TIPS[v] for v in choices.values()],
        style={"button_width": "auto"},
    )
    view_switch.add_class("hcckit-view-switch")
    return presets, sliders, reference, view_switch


def _model_layout(presets, sliders: dict, reference, view_switch, view, summary) -> widgets.VBox:
    """Two rows of three fields (the drug, then the TACE), each label above its control; the view
    switch and the reference checkbox right above the chart, the summary below it."""
    controls = widgets.GridBox(
        [
            labelled("Scenario", presets),
            labelled("Bevacizumab dose (mg/kg)", sliders["bev_dose"]),
            labelled("Bevacizumab given (h after TACE)", sliders["bev_time"]),
            labelled("Embolization completeness (%)", sliders["embolization"]),
            labelled("Chemotherapy intensity (%)", sliders["chemotherapy"]),
            labelled("Immune priming (%)", sliders["immune"]),
        ],
        layout=widgets.Layout(
            grid_template_columns="minmax(0, 10fr) minmax(0, 7fr) minmax(0, 8fr)",
            grid_gap="0 16px",
            width="100%",
            max_width="980px",
        ),
    )
    controls.add_class("hcckit-model-controls")
    show = widgets.HTML("<span style='font-size:14px;font-weight:600'>Show</span>")
    above_chart = widgets.HBox(
        [widgets.HBox([show, view_switch], layout=widgets.Layout(align_items="center")), reference],
        layout=widgets.Layout(flex_flow="row wrap", align_items="center", justify_content="space-between"),
    )
    return above(controls, [above_chart, view, summary])


class _ModelRuns:
    """The model behind the panel: the scenario its sliders set, and its runs, kept so that a view
    switch redraws without re-running the model."""

    def __init__(self, sliders: dict, reference, view_switch):
        self.sliders, self.reference, self.view_switch = sliders, reference, view_switch
        self._last = None  # ((scenario, reference drawn), (run, reference run, dose window))

    def scenario(self):
        from hcckit import mechanisms

        v = {name: w.value for name, w in self.sliders.items()}
        return mechanisms.Scenario(
            embolization=v["embolization"] / 100,
            chemotherapy=v["chemotherapy"] / 100,
            bev_dose_mg_kg=float(v["bev_dose"]),
            bev_time_h=float(v["bev_time"]),
            immune_priming=v["immune"] / 100,
        )

    def _simulate(self, s):
        from hcckit import mechanisms

        key = (s, bool(self.reference.value))
        if self._last is None or self._last[0] != key:
            run = mechanisms.simulate(s)
            with_ref = self.reference.value and s.bev_dose_mg_kg > 0
            ref = mechanisms.simulate(s.without_bevacizumab()) if with_ref else None
            self._last = (key, (run, ref, mechanisms.dose_window(s)))
        return self._last[1]

    def build(self, s):
        """(the chart of the two views the switch shows, the run) for scenario ``s``."""
        from hcckit.charts.mechanisms import model_chart

        run, ref, window = self._simulate(s)
        views = dict(MODEL_VIEW_CHOICES.values())[self.view_switch.value]
        chart = model_chart(run, reference=ref, window=window, current_dose=s.bev_dose_mg_kg, views=views)
        return chart, run


def _summary_html(run) -> str:
    from hcckit import mechanisms

    text = html.escape(str(mechanisms.summarize(run)))
    return f"<p style='font-size:15px;margin:2px 0'><b>Model summary</b> (qualitative): {text}</p>"


def _add_model_questions(panel: MechanismsPanel, first: dict) -> None:
    """The lesson's four "Try this" presets, each on the view it needs."""
    from hcckit import mechanisms

    rct = _slider_values(mechanisms.PRESETS[_RCT]) if _RCT in mechanisms.PRESETS else first
    panel.add_preset_states(
        {
            # Q1 and Q2 are about the surge (hours); Q3 and Q4 about the dose window and hypoxia
            "Q1: TACE alone": {"preset": "TACE alone", "view": "week"},
            "Q2: 5 mg/kg right after": {"preset": _RCT, "view": "week"},
            "Q3: dose from 0": {**rct, "bev_dose": 0.0, "reference": True, "view": "dose"},
            "Q4: 15 mg/kg": {
                "preset": "TACE + bevacizumab 15 mg/kg (standard IV dose, once)",
                "view": "dose",
            },
        },
        tips={
            "Q1: TACE alone": "Question 1: when does free VEGF peak with TACE alone?",
            "Q2: 5 mg/kg right after": "Question 2: 5 mg/kg right after TACE (then try 168 h)",
            "Q3: dose from 0": "Question 3: the RCT's TACE with no bevacizumab; move the dose up to 15 mg/kg",
            "Q4: 15 mg/kg": "Question 4: the standard dose in HCC, 15 mg/kg (given once in the model)",
        },
    )


def model_panel(*, preset: str = _RCT) -> MechanismsPanel:
    """Sliders over the qualitative TACE/VEGF model; every chart is labelled as model output.

    Controls: ``preset`` (ready-made scenarios), ``embolization`` (%), ``chemotherapy`` (%),
    ``bev_dose`` (mg/kg, the primary control), ``bev_time`` (hours after TACE), ``immune`` (%),
    ``reference`` (draw the same TACE without bevacizumab, dashed) and ``view`` (which two of
    the model's views are drawn side by side, :data:`MODEL_VIEW_CHOICES`; starts on the first
    week + dose window). Controls in two rows, the view switch right above the chart: the panel
    fits one 1280 x 800 screen. Presets: the lesson's four "Try this" questions, each on the
    view it needs.
    """
    from hcckit import mechanisms

    if preset not in mechanisms.PRESETS:
        raise ValueError(f"preset: unknown preset {preset!r}; choose from {list(mechanisms.PRESETS)}")
    start = mechanisms.PRESETS[preset]
    first = _slider_values(start)
    message = message_box()
    presets, sliders, reference, view_switch = _model_controls(preset, first)
    model = _ModelRuns(sliders, reference, view_switch)
    chart, run = model.build(start)
    view = chart_view(chart)
    summary = widgets.HTML(_summary_html(run))
    quiet = [False]  # True while the panel itself moves the sliders or the dropdown

    def redraw():
        if quiet[0]:
            return
        s = model.scenario()
        chart, run = model.build(s)
        view.chart = chart
        summary.value = _summary_html(run)
        matching = [name for name, p in mechanisms.PRESETS.items() if p == s]
        quiet[0] = True
        try:
            presets.value = matching[0] if matching else "(custom)"
        finally:
            quiet[0] = False
        show_message(message, "")

    def apply_preset():
        if quiet[0] or presets.value == "(custom)":
            return
        values = _slider_values(mechanisms.PRESETS[presets.value])
        quiet[0] = True
        try:
            for name, value in values.items():
                sliders[name].value = value
        finally:
            quiet[0] = False
        redraw()

    panel = MechanismsPanel(
        _model_layout(presets, sliders, reference, view_switch, view, summary),
        controls={"preset": presets, **sliders, "reference": reference, "view": view_switch},
        view=view,
        message=message,
        texts={"summary": summary},
    )
    panel.view_switch = view_switch
    panel.on_change([*sliders, "reference", "view"], redraw)
    panel.on_change(["preset"], apply_preset)
    _add_model_questions(panel, first)
    return panel


# --------------------------------------------------------------------------- evidence
_EVIDENCE = {
    "DCE-MRI perfusion": "perfusion",
    "Reductions (%)": "biomarkers",
    "TACE sessions": "sessions",
}


def _evidence_chart(kind: str):
    from hcckit import mechanisms
    from hcckit.charts import mechanisms as charts

    if kind == "perfusion":
        return charts.perfusion_chart(mechanisms.perfusion_table())
    if kind == "biomarkers":
        return charts.biomarker_change_chart(mechanisms.biomarker_change_table())
    if kind == "sessions":
        return charts.tace_sessions_chart(mechanisms.tace_sessions_table())
    raise ValueError(f"evidence: unknown view {kind!r}; choose from {list(_EVIDENCE.values())}")


def evidence_panel(*, view: str = "perfusion") -> MechanismsPanel:
    """The randomised trial's curated numbers: perfusion, reductions (%) or TACE sessions (primary control).

    Preset: the lesson's "Try this" (Ktrans: two P-values for one comparison) starts on the perfusion view.
    """
    message = message_box()
    picker = primary(
        widgets.ToggleButtons(
            options=list(_EVIDENCE.items()), value=view, description="Show", style={"button_width": "auto"}
        )
    )
    chart = chart_view(_evidence_chart(view))

    def redraw():
        chart.chart = _evidence_chart(picker.value)
        show_message(message, "")

    panel = MechanismsPanel(above([picker], [chart]), controls={"view": picker}, view=chart, message=message)
    panel.on_change(["view"], redraw)
    panel.add_preset_states(
        {"Try this: Ktrans P-values": {"view": "perfusion"}},
        tips={"Try this: Ktrans P-values": "Table 2 vs the discussion: P < 0.001 or P = 0.015 for Ktrans?"},
    )
    return panel
