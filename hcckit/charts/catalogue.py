"""Landing-page chart: the curated evidence landscape (one mark per trial)."""

from __future__ import annotations

import altair as alt

from hcckit.charts._common import empty_chart

__all__ = ["landscape_chart", "DESIGN_COLOURS", "EMPTY_MESSAGE"]

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

#: What the landing page shows (once) when no curated study matches the filters.
EMPTY_MESSAGE = "No curated study matches these filters - set one of them back to 'All'."


def _modality_names(value) -> str:
    from hcckit import labels

    parts = [p for p in str(value or "").split(";") if p.strip()]
    return " / ".join(labels.label("modality", p) for p in parts) if parts else labels.MISSING


def landscape_chart(summary, *, title: str | None = "The curated evidence: one circle per study"):
    """Trials by publication year (x) and arterial modality (y), sized by patients (n), coloured by design.

    ``summary`` is :func:`hcckit.catalogue.trial_summary` output. Colours (design) and circle areas
    (patients, n) use scales fixed over the whole curated data set
    (:func:`hcckit.catalogue.scale_domains`), so a filter never re-colours a design or resizes a
    circle. Names, not ids, are shown; a study without a publication year sits at the left under
    "not reported", and one whose number of patients is not reported is drawn as a small hollow
    circle (its tooltip says "not reported", never 0). Returns an empty-state chart when nothing
    matches.
    """
    if summary is None or len(summary) == 0:
        return empty_chart(EMPTY_MESSAGE)
    import pandas as pd

    from hcckit import catalogue, labels

    domains = catalogue.scale_domains()
    designs = domains["design"]
    design_names = [labels.label("design", d) for d in designs]
    colours = [DESIGN_COLOURS.get(d, _OTHER_COLOUR) for d in designs]

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
    chart = alt.layer(*layers).properties(width=560, height=260)
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
