"""Charts for the critical-appraisal lesson: what the audit found, and each recomputation drawn.

Every function takes a tidy frame from :mod:`hcckit.appraisal` and returns an unconfigured
altair chart:

* :func:`findings_chart` - findings per check and severity (``appraisal.summary``);
* :func:`hr_ci_chart` - hazard ratios with their intervals on a log axis, and the geometric
  mean of the bounds where a Wald estimate must sit (``appraisal.hr_ci_table``);
* :func:`grim_chart` - the percentages that n patients can give around a printed one
  (``appraisal.grim_table``);
* :func:`p_values_chart` - a printed p against Fisher's exact and chi-square tests
  (``appraisal.two_by_two_table``);
* :func:`at_risk_chart` - a risk table against the number of patients analysed;
* :func:`values_chart` - a printed number against its recomputation;
* :func:`finding_chart` - the right one of these for one finding (``appraisal.figure_data``).

:func:`lesson_figures` builds the lesson's main figures from the curated data.
"""

from __future__ import annotations

import altair as alt

# the one palette of severities lives with the findings, so cards and charts agree
from hcckit.appraisal.findings import SEVERITY_COLOURS
from hcckit.charts._common import MIN_FONT_PX, empty_chart
from hcckit.charts._common import require_columns as _check_columns

__all__ = [
    "SEVERITY_COLOURS",
    "findings_chart",
    "hr_ci_chart",
    "grim_chart",
    "p_values_chart",
    "at_risk_chart",
    "values_chart",
    "finding_chart",
    "lesson_figures",
]


def _severity_label(severity) -> str:
    from hcckit import labels

    return labels.label("severity", severity)


def _severity_scale() -> alt.Scale:
    """Colours by severity *name* (labels.csv: "Error", "Warning", "Note", "Consistent")."""
    return alt.Scale(
        domain=[_severity_label(s) for s in SEVERITY_COLOURS], range=list(SEVERITY_COLOURS.values())
    )


def _titled(chart, title):
    return chart if title is None else chart.properties(title=title)


def findings_chart(summary, *, title: str | None = "What the consistency audit found"):
    """Horizontal stacked bars: findings (count) per check, coloured by severity.

    ``summary`` is :func:`hcckit.appraisal.summary` output (``check, severity, findings``);
    checks and severities are shown by their names (:func:`hcckit.labels.label`).
    """
    _check_columns(summary, ["check", "severity", "findings"], name="summary")
    if summary.empty:
        return empty_chart("No findings: every checked number is consistent.")
    from hcckit import labels
    from hcckit.appraisal import CHECKS

    order = [labels.label("check", c) for c in CHECKS if c in set(summary["check"])]
    frame = summary.assign(
        check_name=summary["check"].map(lambda c: labels.label("check", c)),
        severity_name=summary["severity"].map(_severity_label),
        severity_order=summary["severity"].map({s: i for i, s in enumerate(SEVERITY_COLOURS)}),
    )
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("check_name:N", sort=order, title="Check", axis=alt.Axis(labelLimit=320)),
            x=alt.X("findings:Q", title="Findings (count)", stack="zero"),
            color=alt.Color("severity_name:N", scale=_severity_scale(), title="Severity"),
            order=alt.Order("severity_order:Q"),
            tooltip=[
                alt.Tooltip("check_name:N", title="Check"),
                alt.Tooltip("severity_name:N", title="Severity"),
                alt.Tooltip("findings:Q", title="Findings (count)"),
            ],
        )
        .properties(width=480, height=max(120, 26 * len(order)))
    )
    return _titled(chart, title)


def hr_ci_chart(table, *, title: str | None = "Is each hazard ratio at the centre of its interval?"):
    """Hazard ratios (dots) with their confidence intervals (lines) on a log axis.

    The open diamond marks the geometric mean of the bounds: a Wald interval is symmetric on
    the log scale, so the estimate should sit on it. ``table`` is
    :func:`hcckit.appraisal.hr_ci_table` (or ``hr_ci_frame``) output.
    """
    _check_columns(table, ["label", "hr", "ci_low", "ci_high", "geometric_mean", "severity"], name="table")
    if table.empty:
        return empty_chart("No hazard ratio with a confidence interval to draw.")
    from hcckit import labels

    frame = table.copy()
    frame["level_pct"] = (100 * frame.get("level", 0.95)).map(lambda v: f"{v:g} % CI")
    frame["severity_name"] = frame["severity"].map(_severity_label)
    check_name = labels.label("check", "hr_ci")
    order = list(frame["label"])
    lo = float(min(frame["ci_low"].min(), frame["hr"].min(), 1.0)) * 0.85
    hi = float(max(frame["ci_high"].max(), frame["hr"].max(), 1.0)) * 1.15
    x_scale = alt.Scale(type="log", domain=[lo, hi], nice=False)
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    base = alt.Chart(frame).encode(y=y)
    interval = base.mark_rule(strokeWidth=2, color="#555555").encode(
        x=alt.X("ci_low:Q", scale=x_scale, title="Hazard ratio (log scale; < 1 favours the first arm)"),
        x2="ci_high:Q",
    )
    centre = base.mark_point(
        shape="diamond", size=110, filled=False, color="#000000", strokeWidth=1.5
    ).encode(
        x=alt.X("geometric_mean:Q", scale=x_scale),
        tooltip=[alt.Tooltip("geometric_mean:Q", title="Geometric mean of the bounds", format=".3f")],
    )
    point = base.mark_circle(size=90, opacity=1).encode(
        x=alt.X("hr:Q", scale=x_scale),
        # the legend above the plot: on its right the chart (with 320 px labels) is wider than the lesson column
        color=alt.Color(
            "severity_name:N",
            scale=_severity_scale(),
            title=check_name,
            legend=alt.Legend(orient="top", titleOrient="left"),
        ),
        tooltip=[
            alt.Tooltip("label:N", title="Comparison"),
            alt.Tooltip("hr:Q", title="HR as printed"),
            alt.Tooltip("ci_low:Q", title="CI low"),
            alt.Tooltip("ci_high:Q", title="CI high"),
            alt.Tooltip("level_pct:N", title="Level"),
            alt.Tooltip("geometric_mean:Q", title="Geometric mean of the bounds", format=".3f"),
            alt.Tooltip("severity_name:N", title=check_name),
        ],
    )
    one = (
        alt.Chart(alt.Data(values=[{"x": 1.0}])).mark_rule(strokeDash=[4, 4], color="#999999").encode(x="x:Q")
    )
    chart = (interval + centre + point + one).properties(width=480, height=max(60, 22 * len(frame)))
    return _titled(chart, title)


def grim_chart(table, *, title: str | None = None):
    """The percentages achievable with n patients (dots) around a printed percentage (band).

    The band is every value that rounds to the printed percentage; a dot inside it is a count
    that fits; no dot inside means the printed percentage is impossible for n (GRIM). The
    count reported with the percentage, if any, is ringed. ``table`` is
    :func:`hcckit.appraisal.grim_table` output.
    """
    _check_columns(table, ["count", "percent", "printed", "matches", "reported_count"], name="table")
    import pandas as pd

    attrs = table.attrs
    n = attrs.get("n")
    reported = attrs.get("reported")
    frame = table.copy()
    frame["label"] = frame["count"].map(lambda k: f"{k}/{n}") if n else frame["count"].astype(str)
    frame["fits"] = frame["matches"].map({True: "prints as the reported value", False: "does not"})
    lo, hi = frame["percent"].min(), frame["percent"].max()
    if reported is not None:
        lo, hi = min(lo, reported), max(hi, reported)
    pad = max((hi - lo) * 0.08, 0.5)
    x_scale = alt.Scale(domain=[lo - pad, hi + pad], nice=False, zero=False)
    layers = []
    if reported is not None:
        band = pd.DataFrame([{"low": attrs["low"], "high": attrs["high"], "reported": reported}])
        layers.append(
            alt.Chart(band)
            .mark_rect(color="#E69F00", opacity=0.35)
            .encode(
                x=alt.X("low:Q", scale=x_scale),
                x2="high:Q",
                tooltip=[alt.Tooltip("reported:Q", title="Printed (%)")],
            )
        )
        layers.append(
            alt.Chart(band)
            .mark_rule(color="#E69F00", strokeWidth=2)
            .encode(x=alt.X("reported:Q", scale=x_scale))
        )
    dots = (
        alt.Chart(frame)
        .mark_circle(size=110, opacity=1)
        .encode(
            x=alt.X("percent:Q", scale=x_scale, title="Percentage of patients (%)"),
            y=alt.value(60),
            color=alt.Color(
                "fits:N",
                title=None,
                scale=alt.Scale(
                    domain=["prints as the reported value", "does not"], range=["#009E73", "#999999"]
                ),
                legend=alt.Legend(labelLimit=300),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Count / n"),
                alt.Tooltip("percent:Q", title="Exact (%)", format=".3f"),
                alt.Tooltip("printed:N", title="Prints as (%)"),
            ],
        )
    )
    labels = (
        alt.Chart(frame)
        .mark_text(dy=-16, fontSize=MIN_FONT_PX)
        .encode(x=alt.X("percent:Q", scale=x_scale), y=alt.value(60), text="label:N")
    )
    ring = (
        alt.Chart(frame[frame["reported_count"]])
        .mark_point(size=420, shape="circle", color="#D55E00", strokeWidth=2.5)
        .encode(x=alt.X("percent:Q", scale=x_scale), y=alt.value(60))
    )
    chart = alt.layer(*layers, dots, labels, ring).properties(width=520, height=120)
    if title is None and reported is not None and n:
        title = alt.TitleParams(
            text=f"Which percentages can {n} patients give near {reported:g} %?",
            subtitle=["band: every value that prints as the reported percentage; ringed: the reported count"],
        )
    return _titled(chart, title)


def p_values_chart(
    table, *, alpha: float = 0.05, title: str | None = "The printed p against the standard tests"
):
    """p-values (log axis) of Fisher's exact and chi-square tests, and the printed p, with alpha.

    ``table`` is :func:`hcckit.appraisal.two_by_two_table` output; chi-square bars are pale
    when an expected count is below 5 (the approximation is unreliable).
    """
    _check_columns(table, ["test", "p", "reliable"], name="table")
    frame = table.copy()
    frame["p_plot"] = frame["p"].clip(lower=1e-8)
    frame["kind"] = [
        "reported" if t.startswith("reported") else ("reliable" if r else "unreliable: expected count < 5")
        for t, r in zip(frame["test"], frame["reliable"], strict=True)
    ]
    lowest = min(float(frame["p_plot"].min()) / 2, alpha / 10)
    frame["base"] = lowest
    x_scale = alt.Scale(type="log", domain=[lowest, 1.0], nice=False)
    colour = alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(
            domain=["reliable", "unreliable: expected count < 5", "reported"],
            range=["#0072B2", "#A6CEE3", "#E69F00"],
        ),
        legend=alt.Legend(labelLimit=300),
    )
    y = alt.Y("test:N", sort=list(frame["test"]), title=None, axis=alt.Axis(labelLimit=260))
    tooltip = [alt.Tooltip("test:N", title="Test"), alt.Tooltip("p:Q", title="p", format=".4g")]
    stems = (
        alt.Chart(frame)
        .mark_rule(strokeWidth=6)
        .encode(
            y=y,
            x=alt.X("base:Q", scale=x_scale, title="p-value (two-sided, log scale)"),
            x2="p_plot:Q",
            color=colour,
            tooltip=tooltip,
        )
    )
    heads = (
        alt.Chart(frame)
        .mark_circle(size=160, opacity=1)
        .encode(y=y, x=alt.X("p_plot:Q", scale=x_scale), color=colour, tooltip=tooltip)
    )
    labels = (
        alt.Chart(frame)
        .mark_text(align="left", dx=10, fontSize=MIN_FONT_PX)
        .encode(y=y, x=alt.X("p_plot:Q", scale=x_scale), text=alt.Text("p:Q", format=".3g"))
    )
    bars = stems + heads + labels
    rule = (
        alt.Chart(alt.Data(values=[{"alpha": alpha}]))
        .mark_rule(color="#D55E00", strokeDash=[5, 3], strokeWidth=2)
        .encode(
            x=alt.X("alpha:Q", scale=x_scale), tooltip=[alt.Tooltip("alpha:Q", title="Significance level")]
        )
    )
    chart = (bars + rule).properties(width=480, height=34 * len(frame))
    return _titled(chart, title)


def at_risk_chart(frame, *, n=None, title: str | None = "Numbers at risk against the patients analysed"):
    """Numbers at risk (steps) over time, with a dashed line at the number of patients analysed.

    ``frame`` has columns ``time_months, n_at_risk``; ``n`` defaults to ``frame.attrs["n"]``.
    """
    _check_columns(frame, ["time_months", "n_at_risk"], name="frame")
    n = frame.attrs.get("n") if n is None else n
    data = frame.sort_values("time_months")
    base = alt.Chart(data).encode(
        x=alt.X("time_months:Q", title="Time (months)"),
        y=alt.Y("n_at_risk:Q", title="Patients at risk (count)", scale=alt.Scale(zero=True)),
        tooltip=[
            alt.Tooltip("time_months:Q", title="Time (months)"),
            alt.Tooltip("n_at_risk:Q", title="At risk (count)"),
        ],
    )
    layers = [
        base.mark_line(interpolate="step-after", color="#0072B2"),
        base.mark_point(filled=True, size=60),
    ]
    event_free = frame.attrs.get("event_free") or {}
    if event_free:
        import pandas as pd

        marks = pd.DataFrame(
            [
                {
                    "time_months": float(t),
                    "count": int(c),
                    "label": f"{int(c)} printed event-free at {float(t):g} mo",
                }
                for t, c in event_free.items()
            ]
        )
        layers.append(
            alt.Chart(marks)
            .mark_point(shape="triangle-up", size=140, filled=True, color="#E69F00")
            .encode(
                x="time_months:Q",
                y="count:Q",
                tooltip=[alt.Tooltip("label:N", title="Printed landmark (patients)")],
            )
        )
        layers.append(
            alt.Chart(marks)
            .mark_text(align="left", dx=8, dy=-8, fontSize=MIN_FONT_PX, color="#7A4B00")
            .encode(x="time_months:Q", y="count:Q", text="label:N")
        )
    if n is not None:
        ref = alt.Chart(alt.Data(values=[{"n": int(n), "label": f"{int(n)} patients analysed", "t": 0}]))
        layers.append(
            ref.mark_rule(color="#D55E00", strokeDash=[5, 3], strokeWidth=2).encode(
                y="n:Q", tooltip=[alt.Tooltip("label:N", title="Patients")]
            )
        )
        layers.append(
            ref.mark_text(align="left", dx=4, dy=-8, fontSize=MIN_FONT_PX, color="#D55E00").encode(
                x="t:Q", y="n:Q", text="label:N"
            )
        )
    return _titled(alt.layer(*layers).properties(width=480, height=220), title)


def values_chart(frame, *, title: str | None = "Printed vs recomputed"):
    """Two bars: a printed number and its recomputation (``label, value`` [, ``text``])."""
    _check_columns(frame, ["label", "value"], name="frame")
    tooltip = [alt.Tooltip("label:N", title="Version"), alt.Tooltip("value:Q", title="Value", format=".4g")]
    if "text" in frame.columns:
        tooltip.append(alt.Tooltip("text:N", title="As printed"))
    bars = (
        alt.Chart(frame)
        .mark_bar(height=26)
        .encode(
            y=alt.Y("label:N", sort=list(frame["label"]), title=None),
            x=alt.X("value:Q", title="Value (unit of the number: %, count, ratio or p)"),
            color=alt.Color("label:N", legend=None, scale=alt.Scale(range=["#E69F00", "#0072B2"])),
            tooltip=tooltip,
        )
    )
    text = bars.mark_text(align="left", dx=4).encode(
        text=alt.Text("value:Q", format=".4g"), color=alt.value("#000")
    )
    return _titled((bars + text).properties(width=460, height=90), title)


def finding_chart(kind: str, frame, *, title: str | None = None):
    """The chart for one finding, from :func:`hcckit.appraisal.figure_data` (``kind, frame``)."""
    if kind == "grim":
        return grim_chart(frame, title=title)
    if kind == "hr":
        return hr_ci_chart(frame, title=title or "The HR, its interval and the geometric mean of the bounds")
    if kind == "tests":
        return p_values_chart(frame, title=title or "The printed p against the standard tests")
    if kind == "at_risk":
        return at_risk_chart(frame, title=title or "Numbers at risk against the patients analysed")
    if kind == "values":
        return values_chart(frame, title=title or "Printed vs recomputed")
    if kind == "none":
        return empty_chart("Nothing to recompute here: read the note and the source.")
    raise ValueError(f"kind: must be grim, hr, tests, at_risk, values or none, got {kind!r}")


# --------------------------------------------------------------------------- lesson figures
# Zero-argument builders drawn from the curated data; hcckit.export lists them, with their titles,
# for slides.
def findings_figure():
    from hcckit import appraisal

    return findings_chart(appraisal.summary(appraisal.audit()))


def hr_symmetry_figure():
    from hcckit import appraisal

    return hr_ci_chart(appraisal.hr_ci_table())


def grim_orr_figure():
    from hcckit import appraisal

    return grim_chart(appraisal.grim_table(31, "54.5", count=20))


def proteinuria_figure():
    from hcckit import appraisal

    return p_values_chart(
        appraisal.two_by_two_table(4, 60, 0, 60, p_reported="0.043"),
        title="Proteinuria 4/60 vs 0/60 (Yan 2025): printed P = 0.043 against the standard tests",
    )


def at_risk_figure():
    from hcckit import appraisal

    findings = appraisal.audit(checks=["at_risk"], include_passed=True)
    row = findings[
        (findings["trial_id"] == "chictr2200056222_debtace_tqb_anlo")
        & (findings["what"].str.startswith("OS"))
    ]
    kind, frame = appraisal.figure_data(row.iloc[0])
    return at_risk_chart(
        frame, title="DEB-TACE + TQB2450 + anlotinib: OS numbers at risk vs 31 patients analysed"
    )


def lesson_figures() -> dict:
    """The lesson's main figures, built from the curated data with default settings.

    Returns ``{name: altair chart}``; names start with ``06_`` (the lesson number).
    """
    return {
        "06_findings_by_check": findings_figure(),
        "06_hr_ci_symmetry": hr_symmetry_figure(),
        "06_grim_debtace_orr": grim_orr_figure(),
        "06_two_by_two_proteinuria": proteinuria_figure(),
        "06_at_risk_debtace_os": at_risk_figure(),
    }
