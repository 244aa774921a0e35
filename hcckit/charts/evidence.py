"""Charts for the evidence explorer: forest plots, pooled estimates, ORR by criterion, study profiles.

Every function takes the tidy frame (or result) made by :mod:`hcckit.evidence` and returns an
unconfigured altair chart. Hazard ratios are drawn on a log axis with each study's CI at the
level it printed; nothing is simulated. The pooled estimate is computed here from printed
numbers and its chart says so.
"""

from __future__ import annotations

import json
import math
import textwrap

import altair as alt
import pandas as pd

from hcckit.charts._common import MIN_FONT_PX, empty_chart

__all__ = [
    "ENDPOINT_PARAM",
    "forest_chart",
    "pooled_chart",
    "orr_chart",
    "comparison_table_chart",
    "lesson_figures",
]

HR_AXIS_TITLE = "Hazard ratio (log scale; < 1 favours the first-named arm)"
_CI_COLOURS = {
    "95 % CI": "#0072B2",
    "90 % CI": "#D55E00",
    "no CI printed": "#999999",
}
_RECOMPUTED_COLOUR = "#E69F00"
_KIND_SHAPES = {
    "HR (randomised)": "circle",
    "adjusted HR (observational)": "diamond",
    "HR, adjustment not stated (observational)": "triangle-up",
    "HR (indirect comparison, MAIC)": "square",
}
_ORR_KINDS = {
    "exact CI, reported count": "#0072B2",
    "exact CI, count derived from % x n": "#56B4E9",
    "no CI (see tooltip)": "#999999",
    "range printed": "#E69F00",
}
_SOURCE = "Curated from the publications named in hcckit's data tables; nothing simulated."

#: Name of the Vega-Lite param of :func:`forest_chart` bound to its endpoint input (when it has one).
ENDPOINT_PARAM = "endpoint"


def choice_param(name: str, value: str, choices, *, label: str, radio: bool = False) -> alt.Parameter:
    """A Vega-Lite param ``name`` bound to a select input drawn in the chart (names shown, ids kept).

    ``choices`` are ``(label, value)`` pairs (as ipywidgets options); ``label`` is the input's
    name ("Study: "); ``radio``: radio buttons instead of a select. Raises ValueError when
    ``value`` is not one of the choices.
    """
    choices = [(str(lab), str(val)) for lab, val in choices]
    values = [v for _, v in choices]
    if value not in values:
        raise ValueError(f"{name}: {value!r} is not one of the choices {values}")
    binding = alt.binding_radio if radio else alt.binding_select
    return alt.param(
        name=name, value=value, bind=binding(options=values, labels=[lab for lab, _ in choices], name=label)
    )


def resizing(chart):
    """``chart`` laid out again at every update (Vega's autosize ``resize``): a bound input that
    filters rows out must shrink the chart, not leave the space of the rows it hid."""
    return chart.properties(autosize=alt.AutoSizeParams(type="pad", resize=True))


def choose(param: str, mapping: dict, default="") -> str:
    """A Vega expression: ``mapping[param]`` (``default`` for any other value), as nested ternaries."""
    expr = json.dumps(default, ensure_ascii=False)
    for key, value in reversed(list(mapping.items())):
        expr = f"{param} == {json.dumps(key, ensure_ascii=False)} ? {json.dumps(value, ensure_ascii=False)} : ({expr})"
    return expr


def _nice_domain(values) -> list[float]:
    """A log-axis domain with room on the right for the HR text."""
    finite = [float(v) for v in values if v is not None and not pd.isna(v) and float(v) > 0]
    low = min([*finite, 1.0]) / 1.25
    high = max([*finite, 1.0]) * 3.5
    return [round(low, 3), round(high, 2)]


def _colour_scale(labels) -> alt.Scale:
    domain = list(dict.fromkeys(labels))
    return alt.Scale(domain=domain, range=[_CI_COLOURS.get(d, _RECOMPUTED_COLOUR) for d in domain])


def _shape_scale(kinds) -> alt.Scale:
    domain = [k for k in _KIND_SHAPES if k in set(kinds)]
    return alt.Scale(domain=domain, range=[_KIND_SHAPES[k] for k in domain])


def _fmt_hr_text(r) -> str:
    if not r["has_ci"]:
        return f"{r['hr']:.2f} (no CI)"
    text = f"{r['hr']:.2f} ({r['ci_low']:.2f}-{r['ci_high']:.2f})"
    if not math.isclose(float(r["level"]), 0.95):
        text += f" {100 * float(r['level']):g} %"
    elif "recomputed" in str(r["ci_label"]):
        text += " *"
    return text


# The forest plot's two legends are placed by hand (orient "none") under the x axis, from the left
# edge of the study labels: at Vega's "bottom" place they start at the plot's left edge, after
# labels up to 460 px wide, and two 2-column legends then ran ~230 px past a 1000 px lesson column
# (a 1-column legend fits but makes the panel taller than one screen). Widths are planned with
# generous 14 px DejaVu Sans character widths (as in hcckit.charts.safety): a plan that is off only
# moves a legend a little, it never clips (Vega sizes the chart to what it draws).
_FOREST_WIDTH, _FOREST_STEP, _FOREST_LABEL_LIMIT = 460, 19, 460
_CHAR_PX, _BOLD_CHAR_PX = 7.8, 8.8
_LEGEND_SYMBOL_PX = 28  # a legend column's symbol, its offset and the column padding
_LEGEND_ROW_PX, _LEGEND_TITLE_PX, _LEGEND_GAP_PX = 19, 20, 28
_AXIS_PX = 50  # the x axis under the plot: ticks, labels and its title, plus a margin
_Y_LABEL_PAD_PX = 7  # y axis tick and label padding, left of the plot


def _legend_px(labels, title: str, columns: int = 2) -> tuple[float, float]:
    """Planned (width, height) in px of a symbol legend with ``columns`` columns."""
    labels = [str(x) for x in labels]
    columns = max(1, min(columns, len(labels)))
    width = sum(
        _LEGEND_SYMBOL_PX + _CHAR_PX * min(360 / _CHAR_PX, max(len(x) for x in labels[c::columns]))
        for c in range(columns)
    )
    rows = math.ceil(len(labels) / columns)
    return max(width, _BOLD_CHAR_PX * len(title)), _LEGEND_TITLE_PX + rows * _LEGEND_ROW_PX


def _forest_legend_places(df: pd.DataFrame) -> tuple[dict, dict]:
    """``alt.Legend`` keywords placing the Interval and Estimate legends of :func:`forest_chart`.

    Both start under the x axis at the left edge of the study labels: side by side in the lowest
    arrangement (1 or 2 columns each) that fits under the labels and the plot, else the Estimate
    legend, in 2 columns, under the Interval one.
    """
    labels_px = min(_FOREST_LABEL_LIMIT, _CHAR_PX * max(len(str(x)) for x in df["ylabel"]))
    left = -(labels_px + _Y_LABEL_PAD_PX)
    top = _FOREST_STEP * df["ylabel"].nunique() + _AXIS_PX
    intervals = list(dict.fromkeys(df["ci_label"]))
    kinds = _shape_scale(df["hr_kind"]).domain
    fitting = []
    for interval_cols in (2, 1):
        for estimate_cols in (2, 1):
            interval_w, interval_h = _legend_px(intervals, "Interval", interval_cols)
            estimate_w, estimate_h = _legend_px(kinds, "Estimate", estimate_cols)
            if left + interval_w + _LEGEND_GAP_PX + estimate_w <= _FOREST_WIDTH:
                fitting.append((max(interval_h, estimate_h), interval_cols, estimate_cols, interval_w))
    if fitting:
        _, interval_cols, estimate_cols, interval_w = min(fitting)
        estimate = {"legendX": left + interval_w + _LEGEND_GAP_PX, "legendY": top}
    else:
        interval_cols = estimate_cols = 2
        interval_h = _legend_px(intervals, "Interval", interval_cols)[1]
        estimate = {"legendX": left, "legendY": top + interval_h + _LEGEND_ROW_PX / 2}
    interval = {"legendX": left, "legendY": top}
    return (
        {"orient": "none", "columns": interval_cols, **{k: round(v, 1) for k, v in interval.items()}},
        {"orient": "none", "columns": estimate_cols, **{k: round(v, 1) for k, v in estimate.items()}},
    )


_FOREST_TOOLTIP = [
    alt.Tooltip("study:N", title="Study"),
    alt.Tooltip("comparison:N", title="Comparison"),
    alt.Tooltip("endpoint:N", title="Endpoint"),
    alt.Tooltip("hr_kind:N", title="Estimate"),
    alt.Tooltip("hr:Q", title="HR", format=".2f"),
    alt.Tooltip("printed_ci:N", title="Printed CI"),
    alt.Tooltip("ci_label:N", title="Drawn interval"),
    alt.Tooltip("p_text:N", title="P"),
    alt.Tooltip("favours:N", title="Direction"),
    alt.Tooltip("design_label:N", title="Design"),
    alt.Tooltip("stage_group:N", title="Stage group"),
    alt.Tooltip("direction_note:N", title="Arm order"),
    alt.Tooltip("discrepancy:N", title="Discrepancy"),
    alt.Tooltip("note:N", title="Note"),
    alt.Tooltip("source_location:N", title="Where printed"),
]


def _forest_frame(forest: pd.DataFrame, *, many: bool | None = None) -> pd.DataFrame:
    df = forest.copy()
    many = df["endpoint"].nunique() > 1 if many is None else many
    df["ylabel"] = [
        f"{e} · {lab}" if many else lab for e, lab in zip(df["endpoint"], df["label"], strict=True)
    ]
    df["hr_text"] = [_fmt_hr_text(r) for _, r in df.iterrows()]
    df["text_x"] = [r["ci_high"] if r["has_ci"] else r["hr"] for _, r in df.iterrows()]
    keep = [
        "ylabel", "order", "study", "comparison", "endpoint", "hr_kind", "hr", "ci_low", "ci_high", "has_ci",
        "printed_ci", "ci_label", "p_text", "favours", "design_label", "stage_group", "direction_note",
        "discrepancy", "note", "source_location", "hr_text", "text_x",
    ]  # fmt: skip
    return df[keep]


def forest_chart(
    forest: pd.DataFrame,
    *,
    title: str | None = None,
    empty_message: str | None = None,
    endpoint: str | None = None,
    endpoints=None,
):
    """Forest plot of hazard ratios on a log axis, each CI at the level its study printed.

    Parameters
    ----------
    forest : pandas.DataFrame
        The frame returned by :func:`hcckit.evidence.forest_table`.
    title : str, optional
        Default: "Hazard ratios (<endpoints>)".
    empty_message : str, optional
        Text shown when ``forest`` has no rows.
    endpoint : str, optional
        Draw only this endpoint (``"PFS"``; :data:`hcckit.labels.ALL`: every endpoint) and let the
        reader choose another in the chart itself: the chart then carries every row of ``forest``
        and a select input ("Endpoint (HR)") bound to the Vega-Lite param :data:`ENDPOINT_PARAM`
        (``"endpoint"``), so the browser redraws it with no kernel. Scales and legends are those of
        all the rows (a choice never re-colours an interval level). Default: no input, every row drawn.
    endpoints : sequence of str, optional
        The input's endpoint choices, in order (default: those in ``forest``); a choice with no
        row shows a line saying so in the chart.

    Returns
    -------
    altair.LayerChart
        A dashed reference line at HR = 1, CI rules coloured by interval level (95 %, 90 %,
        recomputed, none printed), points shaped by the kind of HR (randomised, adjusted
        observational, observational with adjustment not stated, indirect comparison) and the
        HR with its CI as text. Tooltips carry the printed CI, P, arm-order and discrepancy notes.
    """
    if forest is None or len(forest) == 0:
        return empty_chart(empty_message or "No hazard ratio matches these filters.")
    from hcckit.labels import ALL

    bound = endpoint is not None
    df = _forest_frame(forest, many=True if bound else None)
    present = list(dict.fromkeys(df["endpoint"]))
    if bound:
        # legends placed from the labels of one endpoint (the labels of all endpoints, longer, then
        # only start left of the legends); their height under the plot follows the choice
        df["ylabel_one"] = _forest_frame(forest, many=False)["ylabel"]
        interval_at, estimate_at = _forest_legend_places(df.assign(ylabel=df["ylabel_one"]))
    else:
        interval_at, estimate_at = _forest_legend_places(df)
    if bound:
        choices = list(dict.fromkeys(endpoints)) if endpoints is not None else present
        param = choice_param(
            ENDPOINT_PARAM,
            endpoint,
            [*[(e, e) for e in choices], ("All endpoints", ALL)],
            label="Endpoint (HR): ",
        )
        shown = f"({ENDPOINT_PARAM} == {json.dumps(ALL)} || datum.endpoint == {ENDPOINT_PARAM})"
        rows = {e: int((df["endpoint"] == e).sum()) for e in choices}
        rows[ALL] = int(df["ylabel"].nunique())
        top = choose(ENDPOINT_PARAM, {k: _FOREST_STEP * n + _AXIS_PX for k, n in rows.items()}, 0)
        below = estimate_at["legendY"] - interval_at["legendY"]
        interval_at = {**interval_at, "legendY": alt.ExprRef(top)}
        estimate_at = {**estimate_at, "legendY": alt.ExprRef(f"{top} + {below:g}" if below else top)}
        titles = {e: f"Hazard ratios ({e})" for e in choices}
        titles[ALL] = f"Hazard ratios ({', '.join(present)})"
        heading = title or alt.ExprRef(choose(ENDPOINT_PARAM, titles, "Hazard ratios"))
        base = (
            alt.Chart(df)
            .transform_filter(shown)
            .transform_calculate(
                ylabel=f"{ENDPOINT_PARAM} == {json.dumps(ALL)} ? datum.ylabel : datum.ylabel_one"
            )
        )
    else:
        heading = title or f"Hazard ratios ({', '.join(present)})"
        base = alt.Chart(df)
    domain = _nice_domain([*df["ci_low"], *df["ci_high"], *df["hr"]])
    scale = alt.Scale(type="log", domain=domain, clamp=True)
    axis = alt.Axis(values=[0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5], format="~g", grid=True)
    y = alt.Y(
        "ylabel:N",
        sort=alt.EncodingSortField(field="order", order="ascending"),
        title=None,
        axis=alt.Axis(labelLimit=460),
    )
    colour = alt.Color(
        "ci_label:N",
        title="Interval",
        scale=_colour_scale(df["ci_label"]),
        legend=alt.Legend(labelLimit=360, direction="vertical", **interval_at),
    )
    reference = (
        alt.Chart(pd.DataFrame({"hr": [1.0]}))
        .mark_rule(strokeDash=[4, 4], color="#555555")
        .encode(x=alt.X("hr:Q", scale=scale, axis=axis, title=HR_AXIS_TITLE))
    )
    ci = (
        base.transform_filter("datum.has_ci")
        .mark_rule(strokeWidth=2.5)
        .encode(x=alt.X("ci_low:Q", scale=scale, title=HR_AXIS_TITLE), x2="ci_high:Q", y=y, color=colour,
                tooltip=_FOREST_TOOLTIP)
    )  # fmt: skip
    points = base.mark_point(filled=True, size=90, opacity=1).encode(
        x=alt.X("hr:Q", scale=scale, title=HR_AXIS_TITLE),
        y=y,
        color=colour,
        shape=alt.Shape(
            "hr_kind:N",
            title="Estimate",
            scale=_shape_scale(df["hr_kind"]),
            legend=alt.Legend(labelLimit=360, direction="vertical", **estimate_at),
        ),
        tooltip=_FOREST_TOOLTIP,
    )
    text = base.mark_text(align="left", dx=7, fontSize=MIN_FONT_PX, color="#333333").encode(
        x=alt.X("text_x:Q", scale=scale, title=HR_AXIS_TITLE), y=y, text="hr_text:N", tooltip=_FOREST_TOOLTIP
    )
    layers = [reference, ci, points, text]
    if bound:
        missing = [e for e in choices if not rows[e]]
        if missing:  # a choice with no row: say so in the chart (its plot has no height)
            note = pd.DataFrame(
                {
                    "endpoint": missing,
                    "message": [f"No hazard ratio for {e} matches these filters." for e in missing],
                }
            )
            layers.append(
                alt.Chart(note)
                .transform_filter(f"datum.endpoint == {ENDPOINT_PARAM}")
                .mark_text(align="left", baseline="bottom", fontSize=MIN_FONT_PX + 2, color="#7A4B00")
                .encode(x=alt.value(0), y=alt.value(-6), text="message:N")
            )
    subtitle = [
        "Each CI as printed (its level in the colour legend); diamonds = adjusted HRs from cohorts.",
        _SOURCE,
    ]
    chart = alt.layer(*layers).properties(
        title=alt.TitleParams(heading, subtitle=subtitle, anchor="start"),
        width=_FOREST_WIDTH,
        height=alt.Step(_FOREST_STEP),
    )
    if bound:
        chart = resizing(chart.add_params(param))
    return chart.resolve_scale(x="shared")


def _problem_head(problem: str) -> str:
    """Short head of a comparability or method problem for a chart subtitle."""
    if " is counted " in problem:
        return problem.split(" is counted ")[0] + " counted twice"
    if problem.startswith("Only 2 studies"):
        return "only 2 studies (Hartung-Knapp CI " + problem.split("CI is ")[-1].split(":")[0] + ")"
    return problem.split(":")[0]


def pooled_chart(pooled, *, title: str | None = None):
    """The pooled studies with their weights and the random-effects pooled HR as a diamond.

    Parameters
    ----------
    pooled : hcckit.evidence.PooledEstimate
        Result of :func:`hcckit.evidence.pool_hazard_ratios`.
    title : str, optional

    Returns
    -------
    altair.LayerChart
        Studies (point size = random-effects weight, %), each with its printed CI; the pooled HR
        and CI at the bottom. The subtitle gives I², tau², k, the method, that the number was
        computed here (not published), and - in red - why the set is not comparable, if it is not.
    """
    studies = pooled.studies
    rows = []
    for _, r in studies.iterrows():
        rows.append(
            {
                "ylabel": r["label"],
                "order": len(rows),
                "kind": "study (printed HR and CI)",
                "hr": r["hr"],
                "ci_low": r["printed_ci_low"],
                "ci_high": r["printed_ci_high"],
                "weight_pct": r["weight_pct"],
                "detail": f"{r['printed_ci']}; weight {r['weight_pct']:.1f} %; SE of log HR {r['se_log_hr']:.3f}",
                "hr_text": f"{r['hr']:.2f} ({r['printed_ci_low']:.2f}-{r['printed_ci_high']:.2f})"
                + ("" if math.isclose(r["printed_level"], 0.95) else f" {100 * r['printed_level']:g} %"),
            }
        )
    lvl = f"{100 * pooled.level:g} %"
    rows.append(
        {
            "ylabel": f"Pooled, random effects ({pooled.method})",
            "order": len(rows),
            "kind": "pooled (computed here)",
            "hr": pooled.hr,
            "ci_low": pooled.ci_low,
            "ci_high": pooled.ci_high,
            "weight_pct": 100.0,
            "detail": f"{lvl} CI {pooled.ci_low:.2f}-{pooled.ci_high:.2f}; I² {pooled.i2:.0f} %, tau² {pooled.tau2:.3f}",
            "hr_text": f"{pooled.hr:.2f} ({pooled.ci_low:.2f}-{pooled.ci_high:.2f})",
        }
    )
    df = pd.DataFrame(rows)
    df["text_x"] = df["ci_high"]
    domain = _nice_domain([*df["ci_low"], *df["ci_high"]])
    scale = alt.Scale(type="log", domain=domain, clamp=True)
    axis = alt.Axis(values=[0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5], format="~g")
    y = alt.Y("ylabel:N", sort=alt.EncodingSortField(field="order", order="ascending"), title=None,
              axis=alt.Axis(labelLimit=420))  # fmt: skip
    colour = alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(
            domain=["study (printed HR and CI)", "pooled (computed here)"], range=["#0072B2", "#000000"]
        ),
        legend=alt.Legend(orient="bottom"),  # beside the plot it runs past a 1280 px screen
    )
    tooltip = [alt.Tooltip("ylabel:N", title="Row"), alt.Tooltip("hr:Q", title="HR", format=".2f"),
               alt.Tooltip("detail:N", title="Detail")]  # fmt: skip
    base = alt.Chart(df)
    reference = (
        alt.Chart(pd.DataFrame({"hr": [1.0]}))
        .mark_rule(strokeDash=[4, 4], color="#555555")
        .encode(x=alt.X("hr:Q", scale=scale, axis=axis, title=HR_AXIS_TITLE))
    )
    ci = base.mark_rule(strokeWidth=2.5).encode(
        x=alt.X("ci_low:Q", scale=scale, title=HR_AXIS_TITLE),
        x2="ci_high:Q",
        y=y,
        color=colour,
        tooltip=tooltip,
    )
    studies_layer = (
        base.transform_filter("datum.kind != 'pooled (computed here)'")
        .mark_square(opacity=0.9)
        .encode(
            x=alt.X("hr:Q", scale=scale, title=HR_AXIS_TITLE),
            y=y,
            color=colour,
            size=alt.Size("weight_pct:Q", scale=alt.Scale(range=[40, 400]), legend=None),
            tooltip=tooltip,
        )
    )
    diamond = (
        base.transform_filter("datum.kind == 'pooled (computed here)'")
        .mark_point(shape="diamond", filled=True, size=420)
        .encode(x=alt.X("hr:Q", scale=scale, title=HR_AXIS_TITLE), y=y, color=colour, tooltip=tooltip)
    )
    text = base.mark_text(align="left", dx=7, fontSize=MIN_FONT_PX, color="#333333").encode(
        x=alt.X("text_x:Q", scale=scale, title=HR_AXIS_TITLE), y=y, text="hr_text:N"
    )
    subtitle = [
        f"I² = {pooled.i2:.0f} %, tau² = {pooled.tau2:.3f}, Q = {pooled.q:.2f} (df {pooled.q_df}), k = {pooled.k}; "
        f"{lvl} CI.",
        "Square size = random-effects weight. Pooled estimate computed here from printed HRs (statsmodels);"
        " not a published result.",
    ]
    colour_sub = "#555555"
    if not pooled.quotable:
        heads = [_problem_head(p) for p in pooled.problems]
        lead = "NOT COMPARABLE: " if not pooled.comparable else "DO NOT QUOTE: "
        subtitle.append(lead + "; ".join(heads) + " - see the warnings.")
        colour_sub = "#B00020"
    chart = alt.layer(reference, ci, studies_layer, diamond, text).properties(
        title=alt.TitleParams(
            title
            or f"Pooled hazard ratio: {pooled.summary_line().split(',')[0].replace('Pooled HR ', 'HR ')}",
            subtitle=subtitle,
            subtitleColor=colour_sub,
            anchor="start",
        ),
        width=460,
        height=alt.Step(26),
    )
    return chart


_ORR_TOOLTIP = [
    alt.Tooltip("study:N", title="Study"),
    alt.Tooltip("arm_label:N", title="Arm"),
    alt.Tooltip("criterion:N", title="Criterion"),
    alt.Tooltip("printed_text:N", title="Printed ORR"),
    alt.Tooltip("n_text:N", title="n"),
    alt.Tooltip("ci_text:N", title="Exact CI"),
    alt.Tooltip("ci_status:N", title="How"),
    alt.Tooltip("printed_ci:N", title="Source's own interval"),
    alt.Tooltip("design_label:N", title="Design"),
    alt.Tooltip("note:N", title="Note"),
    alt.Tooltip("source_location:N", title="Where printed"),
]


def _orr_kind(r) -> str:
    if r["is_range"]:
        return "range printed"
    if r["has_ci"]:
        return (
            "exact CI, reported count"
            if r["count_source"] == "reported"
            else "exact CI, count derived from % x n"
        )
    return "no CI (see tooltip)"


def orr_chart(orr: pd.DataFrame, *, title: str | None = None, empty_message: str | None = None):
    """Objective response rates grouped by response criterion, with exact CIs where computable.

    Parameters
    ----------
    orr : pandas.DataFrame
        The frame returned by :func:`hcckit.evidence.orr_table`.
    title : str, optional
    empty_message : str, optional
        Text shown when ``orr`` has no rows.

    Returns
    -------
    altair.FacetChart
        One panel per criterion (RECIST 1.1, mRECIST, RECICL, unspecified). Points are coloured
        by how the interval was obtained (reported count, count derived from % x n, no CI,
        printed range); printed ranges are bars; a red cross marks a printed percentage that
        disagrees with its reported count. x axis: ORR (%).
    """
    if orr is None or len(orr) == 0:
        return empty_chart(empty_message or "No response rate matches these filters.")
    df = orr.copy()
    df["kind"] = [_orr_kind(r) for _, r in df.iterrows()]
    df["printed_text"] = [
        f"{r['printed_pct']:g}" + (f"-{r['value_max']:g}" if r["is_range"] else "") + " %"
        for _, r in df.iterrows()
    ]
    df["n_text"] = ["not printed" if pd.isna(r["n"]) else str(int(r["n"])) for _, r in df.iterrows()]
    df["ci_text"] = [
        f"{r['ci_low_pct']:.1f}-{r['ci_high_pct']:.1f} % ({100 * r['level']:g} %, "
        + (f"{int(r['count'])}/{int(r['n'])}" if r["has_ci"] else "")
        + ")"
        if r["has_ci"]
        else "-"
        for _, r in df.iterrows()
    ]
    keep = [
        "label", "order", "criterion", "study", "arm_label", "percent", "printed_pct", "value_max", "ci_low_pct",
        "ci_high_pct", "has_ci", "is_range", "printed_mismatch", "kind", "printed_text", "n_text", "ci_text",
        "ci_status", "printed_ci", "design_label", "note", "source_location",
    ]  # fmt: skip
    df = df[keep]
    criteria = [c for c in ("RECIST 1.1", "mRECIST", "RECICL", "unspecified") if c in set(df["criterion"])]
    x_scale = alt.Scale(domain=[0, 100])
    x_title = "Objective response rate (%)"
    y = alt.Y("label:N", sort=alt.EncodingSortField(field="order", order="ascending"), title=None,
              axis=alt.Axis(labelLimit=380))  # fmt: skip
    kinds = [k for k in _ORR_KINDS if k in set(df["kind"])]
    colour = alt.Color(
        "kind:N",
        title="Interval",
        scale=alt.Scale(domain=kinds, range=[_ORR_KINDS[k] for k in kinds]),
        legend=alt.Legend(labelLimit=360, orient="bottom", direction="vertical"),
    )
    base = alt.Chart()
    ci = (
        base.transform_filter("datum.has_ci")
        .mark_rule(strokeWidth=2.5)
        .encode(x=alt.X("ci_low_pct:Q", scale=x_scale, title=x_title), x2="ci_high_pct:Q", y=y, color=colour,
                tooltip=_ORR_TOOLTIP)
    )  # fmt: skip
    ranges = (
        base.transform_filter("datum.is_range")
        .mark_bar(height=9, opacity=0.7)
        .encode(x=alt.X("printed_pct:Q", scale=x_scale, title=x_title), x2="value_max:Q", y=y, color=colour,
                tooltip=_ORR_TOOLTIP)
    )  # fmt: skip
    points = (
        base.transform_filter("!datum.is_range")
        .mark_point(filled=True, size=70)
        .encode(x=alt.X("percent:Q", scale=x_scale, title=x_title), y=y, color=colour, tooltip=_ORR_TOOLTIP)
    )
    mismatch = (
        base.transform_filter("datum.printed_mismatch")
        .mark_point(shape="cross", size=110, color="#B00020", filled=True)
        .encode(x=alt.X("printed_pct:Q", scale=x_scale, title=x_title), y=y, tooltip=_ORR_TOOLTIP)
    )
    layer = alt.layer(ci, ranges, points, mismatch).properties(width=420, height=alt.Step(20))
    chart = layer.facet(
        data=df,
        row=alt.Row("criterion:N", sort=criteria, title=None,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelFontSize=MIN_FONT_PX, labelFontWeight="bold")),
    ).resolve_scale(y="independent")  # fmt: skip
    subtitle = [
        "Exact 95 % Clopper-Pearson CIs; when only a % and n are printed the count is round(% x n / 100),",
        "used only if it reproduces the printed %. Red cross: printed % that disagrees with the reported count.",
    ]
    return chart.properties(
        title=alt.TitleParams(title or "Objective response rate by response criterion", subtitle=subtitle,
                              anchor="start")
    )  # fmt: skip


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(str(text), width=width, break_long_words=True) or [""]


def comparison_table_chart(profile: pd.DataFrame, *, title: str | None = None, wrap: int = 40):
    """Two studies side by side as a table drawn in altair (exportable like any chart).

    Parameters
    ----------
    profile : pandas.DataFrame
        ``CrossTrialComparison.profile`` from :func:`hcckit.evidence.cross_trial_comparison`
        (columns ``aspect``, ``aspect_order``, ``study``, ``value``).
    title : str, optional
    wrap : int, default 40
        Characters per line in the study columns.

    Returns
    -------
    altair.HConcatChart
        An aspect column and one column per study; each cell's full text is also its tooltip.
    """
    if profile is None or len(profile) == 0:
        return empty_chart("Choose two studies to compare.")
    line_px, pad = 15, 8
    studies = list(dict.fromkeys(profile["study"]))
    aspects = profile.drop_duplicates("aspect").sort_values("aspect_order")["aspect"].tolist()
    cells = []
    y = pad / 2
    for i, aspect in enumerate(aspects):
        rows = profile[profile["aspect"] == aspect]
        wrapped = {s: _wrap(v, wrap) for s, v in zip(rows["study"], rows["value"], strict=True)}
        head = _wrap(aspect, 22)
        lines = max([len(head), *[len(w) for w in wrapped.values()]])
        height = lines * line_px + pad
        cells.append(
            {"column": "", "text": "\n".join(head), "full": aspect, "y": y, "y2": y + height, "band": i % 2}
        )
        for s in studies:
            w = wrapped.get(s, [""])
            cells.append({"column": s, "text": "\n".join(w), "full": " ".join(w), "y": y, "y2": y + height,
                          "band": i % 2})  # fmt: skip
        y += height
    total = y + pad / 2
    df = pd.DataFrame(cells)
    df["y_text"] = df["y"] + pad / 2

    def column(name: str, width: int, header: str, bold: bool):
        data = df[df["column"] == name]
        band = (
            alt.Chart(data)
            .transform_filter("datum.band == 0")
            .mark_rect(color="#EEF3F8")
            .encode(y=alt.Y("y:Q", scale=None), y2="y2:Q", x=alt.value(0), x2=alt.value(width))
        )
        text = (
            alt.Chart(data)
            .mark_text(align="left", baseline="top", lineBreak="\n", fontSize=MIN_FONT_PX,
                       fontWeight="bold" if bold else "normal", color="#222222")
            .encode(x=alt.value(6), y=alt.Y("y_text:Q", scale=None), text="text:N",
                    tooltip=alt.Tooltip("full:N", title=header or "Aspect"))
        )  # fmt: skip
        return alt.layer(band, text).properties(
            width=width, height=total, title=alt.TitleParams(header, anchor="start", fontSize=MIN_FONT_PX)
        )

    parts = [column("", 170, "", True)] + [column(s, 7 * wrap + 20, s, False) for s in studies]
    return alt.hconcat(*parts, spacing=0).properties(
        title=alt.TitleParams(title or "Two studies side by side", subtitle=[_SOURCE], anchor="start")
    )


# Lesson figures: builders drawn from the curated data with default settings, callable without
# arguments. hcckit.export lists them, with their titles, for slides.
def forest_figure(endpoint: str = "PFS"):
    """Forest plot of every curated hazard ratio for ``endpoint``."""
    from hcckit import evidence

    forest = evidence.forest_table(evidence.filter_comparisons(evidence.comparisons(), endpoint=endpoint))
    return forest_chart(forest, title=f"Hazard ratios for {endpoint}, all curated comparisons")


def orr_figure():
    from hcckit import evidence

    return orr_chart(evidence.orr_table())


def pooled_figure():
    """Random-effects pooling of the lesson's opening subgroup (``evidence.DEFAULT_POOL``)."""
    from hcckit import evidence

    table = evidence.filter_comparisons(evidence.comparisons(), **evidence.DEFAULT_POOL)
    return pooled_chart(evidence.pool_hazard_ratios(evidence.forest_table(table)))


def cross_trial_figure():
    from hcckit import evidence

    pair = evidence.cross_trial_comparison(
        "chictr2100049829_tace_atezo_bev", "chictr2200056222_debtace_tqb_anlo"
    )
    return comparison_table_chart(pair.profile)


def lesson_figures() -> dict:
    """The evidence lesson's main figures with default settings (for slides and ``hcckit export-figures``).

    Returns
    -------
    dict
        ``{name: altair chart}`` for ``04_forest_pfs``, ``04_forest_os``, ``04_orr_by_criterion``,
        ``04_pooled_default`` and ``04_cross_trial``; each chart is unconfigured.
    """
    return {
        "04_forest_pfs": forest_figure("PFS"),
        "04_forest_os": forest_figure("OS"),
        "04_orr_by_criterion": orr_figure(),
        "04_pooled_default": pooled_figure(),
        "04_cross_trial": cross_trial_figure(),
    }
