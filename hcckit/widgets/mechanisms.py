"""Panels for lesson 01 (how arterial therapies work). They only compose
:mod:`hcckit.mechanisms` (numbers) and :mod:`hcckit.charts.mechanisms` (drawings).

* :func:`modality_panel`: pick a modality; see what is delivered, where, and which curated
  trials used it;
* :func:`blood_supply_panel`: the dual blood supply (no controls);
* :func:`model_panel`: sliders over the qualitative TACE/VEGF model (labelled as such);
* :func:`evidence_panel`: the randomised trial's perfusion, biomarker and TACE-session numbers.

Every panel is a :class:`LessonPanel` (an ``ipywidgets.VBox``) exposing ``controls`` (name ->
widget), ``view`` (the offline ``JupyterChart``) and ``message`` (the message box), so tests and
notebooks can drive it; callbacks never show a traceback (:func:`hcckit.widgets._common.safe`).
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from hcckit.widgets._common import chart_view, message_box, primary, safe, show_message

__all__ = ["LessonPanel", "modality_panel", "blood_supply_panel", "model_panel", "evidence_panel"]

_WIDE = widgets.Layout(width="460px")
_STYLE = {"description_width": "210px"}


class LessonPanel(widgets.VBox):
    """A lesson panel: a ``VBox`` with its ``controls`` (dict), chart ``view`` and ``message`` box."""

    def __init__(self, children, *, controls: dict, view, message, texts: dict | None = None):
        super().__init__(children=list(children))
        self.controls = dict(controls)
        self.view = view
        self.message = message
        self.texts = dict(texts or {})
        self.add_class("hcckit-panel")


def _table_html(frame, columns: dict) -> str:
    head = "".join(
        f"<th style='text-align:left;padding:2px 8px'>{html.escape(t)}</th>" for t in columns.values()
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td style='padding:2px 8px'>{html.escape('' if v is None or v != v else str(v))}</td>"
            for v in (row[c] for c in columns)
        )
        + "</tr>"
        for _, row in frame.iterrows()
    )
    return f"<table class='hcckit-table' style='border-collapse:collapse'><tr>{head}</tr>{body}</table>"


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
        f"<h4 style='margin:4px 0'>{html.escape(row['name'])}</h4><ul>{lis}</ul><small>Source: {src}</small>"
    )


def _trials_html(modality: str) -> str:
    from hcckit import mechanisms

    arms = mechanisms.trials_for_modality(modality)
    if arms.empty:
        return f"<p><i>No curated trial arm used {html.escape(modality)}.</i></p>"
    n_trials = arms["trial_id"].nunique()
    table = _table_html(
        arms.assign(n=arms["n"].map(lambda v: "" if v != v else f"{int(v)}")),
        {
            "trial": "Trial",
            "design": "Design",
            "arm": "Arm",
            "role": "Role",
            "n": "Patients",
            "match": "Match",
        },
    )
    return (
        f"<h4 style='margin:4px 0'>Curated trials using {html.escape(modality)}: {n_trials} "
        f"({len(arms)} arms)</h4>{table}"
    )


def modality_panel(*, modality: str = "cTACE") -> LessonPanel:
    """Choose a modality (the primary control): schematic, description and curated trial arms."""
    from hcckit import mechanisms
    from hcckit.charts.mechanisms import modality_chart

    message = message_box()
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
            tooltips=[
                mechanisms.modality_table().set_index("modality").loc[k, "name"]
                for k in mechanisms.MODALITY_KEYS
            ],
        )
    )
    view = chart_view(modality_chart(mechanisms.modality_scene(modality)))
    details = widgets.HTML(_modality_html(modality))
    trials = widgets.HTML(_trials_html(modality))

    @safe(message)
    def redraw(change=None):
        key = picker.value
        view.chart = modality_chart(mechanisms.modality_scene(key))
        details.value = _modality_html(key)
        trials.value = _trials_html(key)
        show_message(message, "")

    picker.observe(redraw, names="value")
    return LessonPanel(
        [picker, view, message, details, trials],
        controls={"modality": picker},
        view=view,
        message=message,
        texts={"details": details, "trials": trials},
    )


def blood_supply_panel() -> LessonPanel:
    """The dual blood supply chart (normal liver vs HCC), no controls."""
    from hcckit import mechanisms
    from hcckit.charts.mechanisms import blood_supply_chart

    message = message_box()
    view = chart_view(blood_supply_chart(mechanisms.blood_supply_table()))
    return LessonPanel([view, message], controls={}, view=view, message=message)


# --------------------------------------------------------------------------- the model
def _slider(cls, description, value, lo, hi, step, fmt=None):
    kwargs = {"readout_format": fmt} if fmt else {}
    return cls(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=description,
        continuous_update=False,
        style=_STYLE,
        layout=_WIDE,
        **kwargs,
    )


def model_panel(*, preset: str = "TACE + bevacizumab 5 mg/kg right after (as in the RCT)") -> LessonPanel:
    """Sliders over the qualitative TACE/VEGF model; every chart is labelled as model output.

    Controls: ``preset`` (ready-made scenarios), ``embolization`` (%), ``chemotherapy`` (%),
    ``bev_dose`` (mg/kg, the primary control), ``bev_time`` (hours after TACE), ``immune`` (%),
    ``reference`` (draw the same TACE without bevacizumab, dashed).
    """
    from hcckit import mechanisms
    from hcckit.charts.mechanisms import model_chart

    if preset not in mechanisms.PRESETS:
        raise ValueError(f"preset: unknown preset {preset!r}; choose from {list(mechanisms.PRESETS)}")
    start = mechanisms.PRESETS[preset]
    message = message_box()
    presets = widgets.Dropdown(
        options=[*mechanisms.PRESETS, "(custom)"],
        value=preset,
        description="Scenario",
        style=_STYLE,
        layout=widgets.Layout(width="560px"),
    )
    emb = _slider(
        widgets.IntSlider, "Embolization completeness (%)", round(100 * start.embolization), 0, 100, 5
    )
    chemo = _slider(
        widgets.IntSlider, "Chemotherapy intensity (%)", round(100 * start.chemotherapy), 0, 100, 5
    )
    dose = primary(
        _slider(widgets.FloatSlider, "Bevacizumab dose (mg/kg)", start.bev_dose_mg_kg, 0.0, 15.0, 2.5, ".1f")
    )
    when = _slider(widgets.IntSlider, "Bevacizumab given (h after TACE)", round(start.bev_time_h), 0, 336, 12)
    immune = _slider(widgets.IntSlider, "Immune priming (%)", round(100 * start.immune_priming), 0, 100, 25)
    reference = widgets.Checkbox(
        value=True, description="Also draw the same TACE without bevacizumab (dashed)", indent=False
    )
    summary = widgets.HTML()
    sliders = {
        "embolization": emb,
        "chemotherapy": chemo,
        "bev_dose": dose,
        "bev_time": when,
        "immune": immune,
    }
    state = {"quiet": False}

    def scenario() -> mechanisms.Scenario:
        return mechanisms.Scenario(
            embolization=emb.value / 100,
            chemotherapy=chemo.value / 100,
            bev_dose_mg_kg=float(dose.value),
            bev_time_h=float(when.value),
            immune_priming=immune.value / 100,
        )

    def build(s):
        run = mechanisms.simulate(s)
        ref = (
            mechanisms.simulate(s.without_bevacizumab()) if reference.value and s.bev_dose_mg_kg > 0 else None
        )
        window = mechanisms.dose_window(s)
        return model_chart(run, reference=ref, window=window, current_dose=s.bev_dose_mg_kg), run

    chart, run = build(start)
    view = chart_view(chart)
    summary.value = (
        f"<p><b>Model summary</b> (qualitative): {html.escape(str(mechanisms.summarize(run)))}</p>"
    )

    @safe(message)
    def redraw(change=None):
        if state["quiet"]:
            return
        s = scenario()
        chart, run = build(s)
        view.chart = chart
        summary.value = (
            f"<p><b>Model summary</b> (qualitative): {html.escape(str(mechanisms.summarize(run)))}</p>"
        )
        matching = [name for name, p in mechanisms.PRESETS.items() if p == s]
        state["quiet"] = True
        try:
            presets.value = matching[0] if matching else "(custom)"
        finally:
            state["quiet"] = False
        show_message(message, "")

    @safe(message)
    def apply_preset(change):
        if state["quiet"] or change["new"] == "(custom)":
            return
        p = mechanisms.PRESETS[change["new"]]
        state["quiet"] = True
        try:
            emb.value = round(100 * p.embolization)
            chemo.value = round(100 * p.chemotherapy)
            dose.value = p.bev_dose_mg_kg
            when.value = round(p.bev_time_h)
            immune.value = round(100 * p.immune_priming)
        finally:
            state["quiet"] = False
        redraw()

    for w in (*sliders.values(), reference):
        w.observe(redraw, names="value")
    presets.observe(apply_preset, names="value")
    return LessonPanel(
        [
            presets,
            widgets.HBox([widgets.VBox([emb, chemo, immune]), widgets.VBox([dose, when, reference])]),
            view,
            message,
            summary,
        ],
        controls={"preset": presets, **sliders, "reference": reference},
        view=view,
        message=message,
        texts={"summary": summary},
    )


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


def evidence_panel(*, view: str = "perfusion") -> LessonPanel:
    """The randomised trial's curated numbers: perfusion, reductions (%) or TACE sessions (primary control)."""
    message = message_box()
    picker = primary(widgets.ToggleButtons(options=list(_EVIDENCE.items()), value=view, description="Show"))
    chart = chart_view(_evidence_chart(view))

    @safe(message)
    def redraw(change=None):
        chart.chart = _evidence_chart(picker.value)
        show_message(message, "")

    picker.observe(redraw, names="value")
    return LessonPanel([picker, chart, message], controls={"view": picker}, view=chart, message=message)
