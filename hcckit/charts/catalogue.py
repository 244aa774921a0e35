"""Landing-page chart: the curated evidence landscape (one mark per trial)."""

from __future__ import annotations

import altair as alt

from hcckit.charts._common import empty_chart

__all__ = ["landscape_chart", "DESIGN_COLOURS", "DESIGN_PARAM", "EMPTY_MESSAGE"]

#: One colour per study design, the same whatever the filters (Okabe-Ito, colour-blind safe).
DESIGN_COLOURS = {
    "rct": "#009E73",
    "indirect_comparison": "#CC79A7",
    "cohort": "#0072B2",
    "single_arm": "#E69F00",
}
_OTHER_COLOUR = "#777777"
_SIZE_RANGE = [60, 1200]  # circle area in px² for 0 ... the largest trial of the data set
_NOT_REPORTED_SIZE = 90  # hollow circle of a study whose number of patients is not reported

#: Name of the Vega-Lite param of :func:`landscape_chart` bound to its design input (when it has one).
DESIGN_PARAM = "design"

#: What the landing page shows (once) when no curated study matches the filters.
EMPTY_MESSAGE = "No curated study matches these filters - set one of them back to 'All'."


def _modality_names(value) -> str:
    from hcckit import labels

    parts = [p for p in str(value or "").split(";") if p.strip()]
    return " / ".join(labels.label("modality", p) for p in parts) if parts else labels.MISSING


def landscape_chart(
    summary,
    *,
    title: str | None = "The curated evidence: one circle per study",
    design: str | None = None,
    designs=None,
):
    """Trials by publication year (x) and arterial modality (y), sized by patients (n), coloured by design.

    ``summary`` is :func:`hcckit.catalogue.trial_summary` output. Colours (design) and circle areas
    (patients, n) use scales fixed over the whole curated data set
    (:func:`hcckit.catalogue.scale_domains`), so a filter never re-colours a design or resizes a
    circle. Names, not ids, are shown; a study without a publication year sits at the left under
    "not reported", and one whose number of patients is not reported is drawn as a small hollow
    circle (its tooltip says "not reported", never 0). Returns an empty-state chart when nothing
    matches.

    With ``design`` (a design id or :data:`hcckit.labels.ALL`), the chart draws the studies of that
    design only and lets the reader choose another in the chart: a select input ("Design") bound
    to the Vega-Lite param :data:`DESIGN_PARAM` (``"design"``), so the browser redraws it with no
    kernel. ``designs`` are the input's ``(label, design)`` choices (default: "All designs", then
    the designs of ``summary`` by name); a choice with no study says so in the chart.
    """
    if summary is None or len(summary) == 0:
        return empty_chart(EMPTY_MESSAGE)
    import pandas as pd

    from hcckit import catalogue, labels

    domains = catalogue.scale_domains()
    design_ids = domains["design"]
    design_names = [labels.label("design", d) for d in design_ids]
    colours = [DESIGN_COLOURS.get(d, _OTHER_COLOUR) for d in design_ids]

    frame = summary.copy()
    frame["design_name"] = [labels.label("design", d) for d in frame["design"]]
    frame["modality_name"] = [_modality_names(m) for m in frame["modality"]]
    frame["year_label"] = [labels.label("year", y) for y in frame["year"]]
    frame["patients"] = pd.to_numeric(frame["patients"], errors="coerce")
    frame["reported"] = frame["patients"].notna()
    frame["patients_text"] = [labels.MISSING if pd.isna(n) else f"{int(n)}" for n in frame["patients"]]
    years = sorted({y for y in frame["year_label"] if y != labels.MISSING}, key=int)
    year_order = ([labels.MISSING] if (frame["year_label"] == labels.MISSING).any() else []) + years

    colour = alt.Color(
        "design_name:N",
        title="Design",
        scale=alt.Scale(domain=design_names, range=colours),
        legend=alt.Legend(orient="right"),
    )
    tooltip = [
        alt.Tooltip("trial:N", title="Study"),
        alt.Tooltip("design_name:N", title="Design"),
        alt.Tooltip("year_label:N", title="Publication year"),
        alt.Tooltip("modality_name:N", title="Arterial modality of the arms"),
        alt.Tooltip("patients_text:N", title="Patients (n)"),
        alt.Tooltip("facts:Q", title="Curated numbers (n)"),
    ]
    # "not reported" on two lines, so it does not run into the first year
    two_lines = f"datum.value == '{labels.MISSING}' ? split(datum.value, ' ') : datum.value"
    x = alt.X(
        "year_label:O",
        title="Publication year",
        sort=year_order,
        axis=alt.Axis(labelAngle=0, labelExpr=two_lines),
    )
    y = alt.Y("modality_name:N", title="Arterial modality of the arms")
    base = alt.Chart(frame)
    param = None
    if design is not None:
        from hcckit.charts.evidence import choice_param

        if designs is None:
            present = [d for d in design_ids if d in set(frame["design"])]
            designs = [("All designs", labels.ALL)] + [(labels.label("design", d), d) for d in present]
        param = choice_param(DESIGN_PARAM, design, designs, label="Design: ")
        base = base.transform_filter(f"{DESIGN_PARAM} == {labels.ALL!r} || datum.design == {DESIGN_PARAM}")
    reported = (
        base.transform_filter("datum.reported")
        .mark_circle(opacity=0.8, stroke="black", strokeWidth=0.5)
        .encode(
            x=x,
            y=y,
            size=alt.Size(
                "patients:Q",
                title="Patients (n)",
                scale=alt.Scale(domain=domains["patients"], range=_SIZE_RANGE),
            ),
            color=colour,
            tooltip=tooltip,
        )
    )
    missing = (
        base.transform_filter("!datum.reported")
        .mark_point(shape="circle", filled=False, strokeWidth=2, size=_NOT_REPORTED_SIZE)
        .encode(x=x, y=y, color=colour, tooltip=tooltip)
    )
    layers = [reported, missing] if (~frame["reported"]).any() else [reported]
    if param is not None:
        empty = [(lab, d) for lab, d in designs if d != labels.ALL and d not in set(frame["design"])]
        if empty:  # a design with no study at these filters: a line in the chart says so
            import pandas as pd

            note = pd.DataFrame({"design": [d for _, d in empty], "message": [EMPTY_MESSAGE] * len(empty)})
            layers.append(
                alt.Chart(note)
                .transform_filter(f"datum.design == {DESIGN_PARAM}")
                .mark_text(align="left", fontSize=16, color="#7A4B00")
                .encode(x=alt.value(0), y=alt.value(-8), text="message:N")
            )
    chart = alt.layer(*layers).properties(width=560, height=260)
    if param is not None:
        chart = chart.add_params(param)
    if (~frame["reported"]).any():
        subtitle = "Circle area: patients (n). Hollow circle: number of patients not reported."
    else:
        subtitle = "Circle area: patients (n)."
    if title is None:
        return chart
    return chart.properties(title=alt.TitleParams(text=title, subtitle=[subtitle]))


def landscape_figure():
    """The landing page's landscape of every curated study (a lesson figure; see :mod:`hcckit.export`)."""
    from hcckit import catalogue

    return landscape_chart(catalogue.trial_summary(catalogue.evidence_table()))
