"""Charts of the imaging lab (lesson 07): how often reader error flips a response category.

Every function takes a tidy DataFrame and returns an *unconfigured* altair chart. The imaging lab's
cases and readers are simulated, so every chart here carries the SYNTHETIC caption
(:func:`hcckit.charts._common.label_synthetic`).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from hcckit.charts._common import MIN_FONT_PX, label_synthetic, require_columns
from hcckit.charts.response import CRITERION_COLOURS

__all__ = ["flip_chart", "flip_figure", "IMAGING_LABEL"]

#: The caption of every imaging-lab chart.
IMAGING_LABEL = "SYNTHETIC case and simulated readers - not patient data"


def flip_chart(
    curve: pd.DataFrame,
    *,
    marker_pct: float | None = None,
    marker_label: str = "chosen error",
    title: str = "How often reader error flips the response category",
    width: int = 520,
    height: int = 280,
):
    """Share of simulated readers whose category differs from the truth, against the size of their error.

    Parameters
    ----------
    curve : pandas.DataFrame
        One row per criterion and error size: ``criterion``, ``error_sd_pct`` (SD of the reader's
        measurement error, % of the true diameter) and ``flip_pct`` (readers whose category differs
        from the ground truth's, %, 0-100); optional ``readers`` (how many were simulated).
    marker_pct : float, optional
        An error size (%, same unit as ``error_sd_pct``) marked by a vertical dashed rule.
    marker_label : str
        The rule's label.
    title : str
        Chart title; the SYNTHETIC caption is added as its subtitle.
    width, height : int
        Size of the plot area in px.

    Returns
    -------
    altair.LayerChart
        Lines and points coloured by criterion (the colours of :data:`hcckit.charts.response.CRITERION_COLOURS`),
        marked SYNTHETIC.
    """
    require_columns(curve, ["criterion", "error_sd_pct", "flip_pct"], "curve")
    if curve.empty:
        raise ValueError("curve: no rows to draw")
    data = curve.copy()
    data["error_sd_pct"] = pd.to_numeric(data["error_sd_pct"], errors="raise")
    data["flip_pct"] = pd.to_numeric(data["flip_pct"], errors="raise")
    if ((data["flip_pct"] < 0) | (data["flip_pct"] > 100)).any():
        raise ValueError("curve: flip_pct must be between 0 and 100 (a percentage)")
    present = list(dict.fromkeys(data["criterion"]))
    domain = [c for c in CRITERION_COLOURS if c in present] + [
        c for c in present if c not in CRITERION_COLOURS
    ]
    colours = [CRITERION_COLOURS.get(c, "#555555") for c in domain]
    tooltip = [
        alt.Tooltip("criterion:N", title="Criterion"),
        alt.Tooltip("error_sd_pct:Q", title="Reader error (SD, %)", format=".0f"),
        alt.Tooltip("flip_pct:Q", title="Category differs (%)", format=".0f"),
    ]
    x = alt.X(
        "error_sd_pct:Q",
        title="Reader measurement error (SD, % of the diameter)",
        scale=alt.Scale(domainMin=0),
    )
    y = alt.Y(
        "flip_pct:Q",
        title="Readers whose category differs (%)",
        scale=alt.Scale(domain=[0, 100]),
    )
    colour = alt.Color(
        "criterion:N",
        title="Criterion",
        scale=alt.Scale(domain=domain, range=colours),
        legend=alt.Legend(orient="right"),
    )
    base = alt.Chart(data).encode(x=x, y=y, color=colour)
    chart = base.mark_line(strokeWidth=3) + base.mark_point(filled=True, size=70).encode(tooltip=tooltip)
    if marker_pct is not None:
        mark = pd.DataFrame({"error_sd_pct": [float(marker_pct)], "label": [marker_label]})
        rule = (
            alt.Chart(mark)
            .mark_rule(strokeDash=[6, 4], color="#444444", strokeWidth=2)
            .encode(x="error_sd_pct:Q")
        )
        text = (
            alt.Chart(mark)
            .mark_text(align="left", dx=5, dy=0, color="#444444", fontSize=MIN_FONT_PX, baseline="top")
            .encode(x="error_sd_pct:Q", y=alt.value(4), text="label:N")
        )
        chart = chart + rule + text
    chart = chart.properties(width=width, height=height, title=title)
    return label_synthetic(chart, text=IMAGING_LABEL)


def flip_figure(day: int = 84):
    """Lesson 07's slide figure: flip rates on ``day`` (days from TACE) of the SYNTHETIC case.

    Simulated readers with the cited error model (:mod:`hcckit.imaging.variability`), error sizes
    0-20 % of the true diameter; one line per criterion.
    """
    from hcckit.imaging import load_case
    from hcckit.imaging.variability import flip_curve

    curve = flip_curve(load_case())
    rows = curve[(curve["row"] == "visit") & (curve["day"] == day)]
    return flip_chart(rows, title=f"Reader error and the category: day {day}")
