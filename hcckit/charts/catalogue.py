"""Landing-page chart: the curated evidence landscape (one mark per trial)."""

from __future__ import annotations

import altair as alt

from hcckit.charts._common import empty_chart

__all__ = ["landscape_chart"]


def landscape_chart(summary, *, title: str | None = "The curated evidence: one circle per study"):
    """Trials by publication year (x) and arterial modality (y), sized by patients, coloured by design.

    ``summary`` is :func:`hcckit.catalogue.trial_summary` output. Studies without a year are shown at the
    left edge with the label "year n/r". Returns an empty-state chart when nothing matches.
    """
    if summary is None or len(summary) == 0:
        return empty_chart("No curated study matches these filters - widen a filter.")
    import pandas as pd

    frame = summary.copy()
    frame["year_label"] = frame["year"].map(lambda y: "n/r" if pd.isna(y) else str(int(y)))
    chart = (
        alt.Chart(frame)
        .mark_circle(opacity=0.8, stroke="black", strokeWidth=0.5)
        .encode(
            x=alt.X("year_label:O", title="Publication year", sort="ascending"),
            y=alt.Y("modality:N", title="Arterial modality of the arms"),
            size=alt.Size("patients:Q", title="Patients (n)", scale=alt.Scale(range=[60, 1200])),
            color=alt.Color("design:N", title="Design"),
            tooltip=[
                alt.Tooltip("trial:N", title="Study"),
                alt.Tooltip("design:N", title="Design"),
                alt.Tooltip("patients:Q", title="Patients (n)"),
                alt.Tooltip("facts:Q", title="Curated numbers"),
            ],
        )
        .properties(width=560, height=260)
    )
    return chart if title is None else chart.properties(title=title)


def _register_figures() -> None:
    """Register the landing page's landscape chart with :mod:`hcckit.export` as ``00_landscape``."""
    try:
        from hcckit.export import register_figure
    except ImportError:  # pragma: no cover - export module not installed
        return

    def landscape():
        from hcckit import catalogue

        return landscape_chart(catalogue.trial_summary(catalogue.evidence_table()))

    register_figure("00_landscape", title="The curated evidence: one circle per study")(landscape)


_register_figures()
