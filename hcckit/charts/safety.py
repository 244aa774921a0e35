"""Charts for lesson 05 (safety): adverse-event profiles, class effects, two-arm comparisons.

All numbers are curated counts (``data.load("adverse_events")``) and intervals computed from
them by :mod:`hcckit.safety` / :mod:`hcckit.stats`; nothing is simulated.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from hcckit.charts._common import MIN_FONT_PX, PALETTE, empty_chart
from hcckit.charts._common import require_columns as _require
from hcckit.charts.evidence import choice_param, choose, resizing

__all__ = [
    "CLASS_COLOURS",
    "CLASS_PARAM",
    "STUDY_PARAM",
    "TRIAL_PARAM",
    "ae_profile_chart",
    "class_effects_chart",
    "two_arm_chart",
    "lesson_figures",
]

CLASS_COLOURS = {
    "anti-VEGF": "#D55E00",
    "TKI": "#E69F00",
    "immune": "#CC79A7",
    "embolization": "#0072B2",
    "hepatic": "#009E73",
    "haematologic": "#56B4E9",
    "general": "#999999",
    "other": "#000000",
}
#: Name of the Vega-Lite param of :func:`ae_profile_chart` bound to its study input (when it has one).
STUDY_PARAM = "study"
#: Name of the Vega-Lite param of :func:`class_effects_chart` bound to its class input (when it has one).
CLASS_PARAM = "event_class"
#: Name of the Vega-Lite param of :func:`two_arm_chart` bound to its trial input (when it has one).
TRIAL_PARAM = "trial"
_CI_NOTE = (
    "Bars: % of patients; lines: exact 95 % CI (Clopper-Pearson). Pale bars: % printed without a count."
)


def _heading_row(field: str) -> alt.Row:
    """Facet rows headed by their value in bold 14 px, left-aligned above each panel."""
    return alt.Row(field, title=None, header=_heading_header())


def _heading_header(**extra) -> alt.Header:
    """Facet headings: the value in bold 14 px, left-aligned above each panel (``extra``: more Header keywords)."""
    return alt.Header(
        labelAngle=0,
        labelAlign="left",
        labelAnchor="start",
        labelOrient="top",
        labelFontSize=MIN_FONT_PX,
        labelFontWeight="bold",
        labelPadding=4,
        **extra,
    )


def _class_label(event_class) -> str:
    from hcckit import labels

    return labels.label("event_class", event_class)


def _class_colour(classes) -> alt.Color:
    domain = [c for c in CLASS_COLOURS if c in set(classes)]
    return alt.Color(
        "class_label:N",
        title="Event class",
        scale=alt.Scale(domain=[_class_label(c) for c in domain], range=[CLASS_COLOURS[c] for c in domain]),
        legend=alt.Legend(title="Event class", orient="top", columns=4, titleOrient="left"),
    )


def _percent_tooltips() -> list[alt.Tooltip]:
    """Tooltips of an event's count, % of patients and its exact CI (AE profile and class effects)."""
    return [
        alt.Tooltip("counts:N", title="Patients with the event / patients"),
        alt.Tooltip("percent:Q", format=".1f", title="Patients with the event (%)"),
        alt.Tooltip("ci_low_pct:Q", format=".1f", title="95 % CI, lower (%)"),
        alt.Tooltip("ci_high_pct:Q", format=".1f", title="95 % CI, upper (%)"),
    ]


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Nullable pandas dtypes (Int64, string) as plain floats/objects for JSON."""
    out = df.copy()
    for col in out.columns:
        if str(out[col].dtype) in ("Int64", "boolean"):
            out[col] = out[col].astype("float")
        elif str(out[col].dtype) == "string":
            out[col] = out[col].astype(object)
    return out


# Widths of 14 px DejaVu Sans (the theme's font) per character, regular and bold, a little generous:
# the columns of the profile chart are planned with them (a plan that is off only makes the chart a
# little wider or narrower, it never clips: Vega sizes the chart to what it draws).
_CHAR_PX, _BOLD_CHAR_PX = 7.8, 8.8
_LABEL_LIMIT_PX = 400  # event names up to ~50 characters in full ("permanent discontinuation due to ...")


def _text_px(text: str, *, bold: bool = False) -> float:
    return len(text) * (_BOLD_CHAR_PX if bold else _CHAR_PX)


def _heading(regimen: str, room: float) -> list[str]:
    """A regimen heading as lines: "regimen (study)" breaks before "(study)" if wider than ``room`` px."""
    head, sep, study = regimen.rpartition(" (")
    if sep and head and _text_px(regimen, bold=True) > room:
        return [head, "(" + study]
    return [regimen]


def _balanced(sizes: dict, columns: int) -> list[list]:
    """Split items (name -> height) into at most ``columns`` groups of about equal total height.

    Tallest first into the lowest column; each group keeps the items in their original order.
    """
    order = list(sizes)
    load = [0.0] * columns
    groups: list[list] = [[] for _ in range(columns)]
    for name in sorted(order, key=lambda k: -sizes[k]):
        i = load.index(min(load))
        groups[i].append(name)
        load[i] += sizes[name]
    return [sorted(g, key=order.index) for g in groups if g]


def _profile_columns(df: pd.DataFrame, columns: int, width: int, max_width: int):
    """Plan the columns of the profile chart: regimens per column, the plot width, the label widths.

    A study's arms stay together in one column (Yan 2025: TACE next to TACE + bevacizumab). All
    plots share one width (the same % is the same length everywhere): ``width`` or less, so that
    the columns fit ``max_width`` px, but at least 140 px.
    """
    rows = df.groupby("regimen", sort=False).size()
    study = (
        df.groupby("regimen", sort=False)["trial_id"].first() if "trial_id" in df else rows.index.to_series()
    )
    # a regimen's height in rows: its events, a heading of one or two lines, the gap below it
    height = {r: n + (2 if _text_px(r, bold=True) > 340 else 1) + 0.5 for r, n in rows.items()}
    per_study = {}
    for r in rows.index:
        per_study[study[r]] = per_study.get(study[r], 0) + height[r]
    groups = [
        [r for s in studies for r in rows.index if study[r] == s] for studies in _balanced(per_study, columns)
    ]
    extents = [
        min(_LABEL_LIMIT_PX, max(_text_px(e) for e in df.loc[df["regimen"].isin(g), "event"])) for g in groups
    ]

    def overhang(group, w):
        # how far the bar labels ("100 %") and the last tick label reach beyond the plot
        part = df[df["regimen"].isin(group)]
        ends = [
            p / 100 * w + 4 + _text_px(t) - w for p, t in zip(part["percent"], part["label"], strict=True)
        ]
        return max([12.0, *ends])

    def total(w):
        return sum(e + w + overhang(g, w) for g, e in zip(groups, extents, strict=True)) + 20 * (
            len(groups) - 1
        )

    plot = width
    while plot > 140 and total(plot) > max_width:
        plot -= 10
    headings = {}
    for g, e in zip(groups, extents, strict=True):
        for r in g:
            headings[r] = _heading(r, e + plot + overhang(g, plot))
    return groups, plot, extents, headings


def ae_profile_chart(
    profile: pd.DataFrame,
    *,
    title: str | None = None,
    empty_message: str | None = None,
    columns: int = 1,
    width: int = 440,
    step: int = 18,
    max_width: int = 940,
    study: str | None = None,
    studies=None,
):
    """Adverse-event profile per regimen: % of patients per event with exact CIs, one row per regimen.

    ``profile`` is ``safety.ae_profile(...)``. Bars are coloured by event class; events printed
    only as a percentage (no count, hence no interval) are drawn pale. ``width`` is the width of
    a plot and ``step`` the height of one event's row (px). With ``columns`` > 1 and several
    regimens, the regimens are laid out in that many columns of about equal height, each under
    its heading and a study's arms together, every plot on the same 0-100 % axis and as wide as
    fits ``max_width`` px (at most ``width``): all studies on one screen. Otherwise one row facet
    per regimen, below each other.

    With ``study`` (a ``trial_id`` of ``profile`` or :data:`hcckit.labels.ALL`), the chart carries
    every study of ``profile``, draws that one and lets the reader choose another in the chart: a
    select input ("Study") bound to the Vega-Lite param :data:`STUDY_PARAM` (``"study"``), so the
    browser redraws it with no kernel. ``studies`` are the input's ``(label, trial_id)`` choices
    (default: "All studies", then each study of ``profile`` by name). The regimens are then laid
    out in (at least two) columns as above, and the browser hides the other studies' plots; a study
    with no row at these filters is named in a line at the top.
    """
    _require(
        profile,
        ["regimen", "event", "event_class", "percent", "ci_low_pct", "ci_high_pct", "has_count"],
        "profile",
    )
    if profile.empty:
        return empty_chart(empty_message or "No adverse events match these filters.")
    if isinstance(columns, bool) or not isinstance(columns, int) or columns < 1:
        raise ValueError(f"columns: expected a whole number >= 1, got {columns!r}")
    df = _plain(profile).assign(
        label=lambda d: [
            f"{p:.0f} %" + ("" if h else " (printed %)")
            for p, h in zip(d["percent"], d["has_count"], strict=True)
        ],
        counts=lambda d: [
            f"{int(c)}/{int(n)}" if c == c else "count not printed"
            for c, n in zip(d["count"], d["n"], strict=True)
        ],
        class_label=lambda d: [_class_label(c) for c in d["event_class"]],
    )
    grade = str(df["grade_group"].iloc[0]) if "grade_group" in df else ""
    ticks = [0, 25, 50, 75, 100]
    tooltip = [
        alt.Tooltip("regimen:N", title="Regimen"),
        alt.Tooltip("event:N", title="Event (as printed)"),
        alt.Tooltip("class_label:N", title="Event class"),
        *_percent_tooltips(),
        alt.Tooltip("source_location:N", title="Where in the paper"),
    ]
    colour = _class_colour(df["event_class"])

    def layers(x_axis: alt.Axis, y_axis: alt.Axis):
        x = alt.X(
            "percent:Q", title="Patients with the event (%)", scale=alt.Scale(domain=[0, 100]), axis=x_axis
        )
        y = alt.Y(
            "event:N", title=None, sort=alt.EncodingSortField("percent", order="descending"), axis=y_axis
        )
        bars = (
            alt.Chart()
            .mark_bar(height={"band": 0.7})
            .encode(
                x=x,
                y=y,
                color=colour,
                opacity=alt.condition(alt.datum.has_count, alt.value(0.9), alt.value(0.35)),
                tooltip=tooltip,
            )
        )
        ci = (
            alt.Chart()
            .mark_rule(strokeWidth=2, color="#333333")
            .encode(x="ci_low_pct:Q", x2="ci_high_pct:Q", y=y)
        )
        text = (
            alt.Chart()
            .mark_text(align="left", dx=4, fontSize=MIN_FONT_PX)
            .encode(x="percent:Q", y=y, text="label:N")
        )
        return bars, ci, text

    param = None
    if study is not None:
        from hcckit.labels import ALL

        if studies is None:
            firsts = df.drop_duplicates("trial_id")
            studies = [("All studies", ALL), *zip(firsts["study"], firsts["trial_id"], strict=True)]
        param = choice_param(STUDY_PARAM, study, studies, label="Study: ")
    if param is None and (columns == 1 or df["regimen"].nunique() == 1):
        chart = (
            alt.layer(
                *layers(alt.Axis(values=ticks), alt.Axis(labelLimit=_LABEL_LIMIT_PX)),
                data=df,
                width=width,
                height=alt.Step(step),
            )
            .facet(
                row=_heading_row("regimen:N"),
                spacing=10,
            )
            .resolve_scale(y="independent")
        )
    else:
        # with a study input: the columns of all studies, the browser hides the others' regimens
        chart = _profile_stacks(
            df, layers, max(columns, 2) if param else columns, width=width, step=step, max_width=max_width,
            bound=param is not None,
        )  # fmt: skip
    if param is not None:
        chart = _with_study_input(chart, df, param, studies, width=width)
    default = alt.TitleParams(
        text=f"Adverse events per regimen: {grade}" if grade else "Adverse events per regimen",
        subtitle=[
            _CI_NOTE,
            "Curated counts as printed in each publication; single-arm studies have no comparator.",
        ],
        anchor="start",
    )
    return chart.properties(title=default if title is None else title)


def _profile_stacks(
    df: pd.DataFrame, layers, columns: int, *, width: int, step: int, max_width: int, bound: bool
):
    """The regimens of :func:`ae_profile_chart` in ``columns`` columns of about equal height.

    ``bound``: every plot, its heading and its column's axis show only while the study input
    (param :data:`STUDY_PARAM`) is "all studies" or the regimen's study (the browser's filter).
    """
    from hcckit.labels import ALL

    ticks = [0, 25, 50, 75, 100]
    groups, plot, extents, headings = _profile_columns(df, columns, width, max_width)
    trial = df.groupby("regimen", sort=False)["trial_id"].first()

    def visible(trials) -> str:
        return f"({STUDY_PARAM} == {_json(ALL)} || indexof({_json(sorted(set(trials)))}, {STUDY_PARAM}) >= 0)"

    stacks = []
    for group, extent in zip(groups, extents, strict=True):
        # inner plots keep their grid lines; the axis is drawn under the last plot of each column,
        # its title ending at the plot's right edge (centred, it would stick out of a narrow column)
        grid = alt.Axis(values=ticks, labels=False, ticks=False, domain=False, title=None)
        bottom = alt.Axis(values=ticks, titleAnchor="end")
        if bound:  # a column with no regimen shown draws no axis either
            on = visible(trial[group])
            shown = alt.ExprRef(f"{on} ? 1 : 0")
            bottom = alt.Axis(values=ticks, titleAnchor="end", labelExpr=f"{on} ? datum.label : ''",
                              titleOpacity=shown, domainOpacity=shown, tickOpacity=shown)  # fmt: skip
        # one label width per column, so that the headings of a column line up on the left
        y_axis = alt.Axis(labelLimit=_LABEL_LIMIT_PX, minExtent=round(extent))
        parts = []
        for i, r in enumerate(group):
            heading = headings[r]
            part = alt.layer(
                *layers(bottom if i == len(group) - 1 else grid, y_axis),
                data=df[df["regimen"] == r],
                width=plot,
                height=alt.Step(step),
            )
            if bound:  # hidden: no rows (no height), no heading, no frame
                on = visible([trial[r]])
                part = part.transform_filter(on).properties(
                    view=alt.ViewBackground(stroke=alt.ExprRef(f"{on} ? '#dddddd' : null"))
                )
                heading = alt.ExprRef(f"{on} ? {_json(heading)} : ''")
            parts.append(
                part.properties(
                    title=alt.TitleParams(
                        heading,
                        anchor="start",
                        frame="bounds",
                        fontSize=MIN_FONT_PX,
                        fontWeight="bold",
                        offset=2,
                    )
                )
            )
        stacks.append(alt.vconcat(*parts, spacing=6))
    return alt.hconcat(*stacks, spacing=20)


def _with_study_input(chart, df: pd.DataFrame, param, studies, *, width: int):
    """``chart`` with the study input's param, and a line saying so when the study chosen has no row."""
    from hcckit.labels import ALL

    missing = [(lab, t) for lab, t in studies if t != ALL and t not in set(df["trial_id"])]
    if not missing:
        # top-level params set directly: altair's add_params would rename the concatenated views
        return resizing(alt.vconcat(chart, params=[param.param]))
    note = pd.DataFrame(
        {
            "trial_id": [t for _, t in missing],
            "message": [f"No adverse events match these filters in {lab}." for lab, _ in missing],
        }
    )
    line = (
        alt.Chart(note)
        .transform_filter(f"datum.trial_id == {STUDY_PARAM}")
        .mark_text(align="left", fontSize=MIN_FONT_PX + 2, color="#7A4B00")
        .encode(x=alt.value(0), y=alt.Y("trial_id:N", axis=None), text="message:N")
        .properties(width=width, height=alt.Step(24))
    )
    return resizing(alt.vconcat(line, chart, spacing=4, params=[param.param]))


def _json(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def class_effects_chart(
    effects: pd.DataFrame,
    *,
    title: str | None = None,
    empty_message: str | None = None,
    step: int = 22,
    event_class: str | None = None,
    classes=None,
):
    """One class effect across regimens: % with exact CI per event, coloured by exposure to the cause.

    ``effects`` is ``safety.class_effects(...)``: regimens that contain the class' cause (e.g. an
    anti-VEGF antibody) are orange, the others grey. ``step`` is the height of one regimen's row (px).

    With ``event_class`` (a class of ``effects``, which then holds the rows of several classes:
    ``safety.class_effects`` of each, concatenated), the chart carries every class, draws that one
    and lets the reader choose another in the chart: radio buttons ("Class") bound to the Vega-Lite
    param :data:`CLASS_PARAM` (``"event_class"``), so the browser redraws it with no kernel.
    ``classes`` are the input's ``(label, class)`` choices (default: the classes of ``effects``
    by name); a class without rows says so in the chart.
    """
    _require(
        effects,
        ["regimen", "event", "event_class", "percent", "ci_low_pct", "ci_high_pct", "exposure", "exposed"],
        "effects",
    )
    if effects.empty:
        return empty_chart(empty_message or "No events of this class reported at this grade.")
    df = _plain(effects).assign(
        contains=lambda d: ["contains the cause" if e else "does not" for e in d["exposed"]],
        term=lambda d: d["event_harmonised"] if "event_harmonised" in d else d["event"],
        counts=lambda d: [
            f"{int(c)}/{int(n)}" if c == c else "count not printed"
            for c, n in zip(d["count"], d["n"], strict=True)
        ],
    )
    cls = str(df["event_class"].iloc[0])
    grade = str(df["grade_group"].iloc[0]) if "grade_group" in df else ""
    param = shown = None
    if event_class is not None:
        if classes is None:
            classes = [(_class_label(c), c) for c in dict.fromkeys(df["event_class"])]
        param = choice_param(CLASS_PARAM, event_class, classes, label="Class: ", radio=True)
        shown = f"datum.event_class == {CLASS_PARAM}"
        cause = alt.ExprRef(
            choose(CLASS_PARAM, {c: CLASS_COLOURS.get(c, PALETTE[3]) for _, c in classes}, PALETTE[3])
        )
    else:
        cause = CLASS_COLOURS.get(cls, PALETTE[3])
    y = alt.Y(
        "regimen:N",
        title=None,
        sort=alt.EncodingSortField("percent", order="descending"),
        axis=alt.Axis(labelLimit=440),
    )
    colour = alt.Color(
        "contains:N",
        scale=alt.Scale(domain=["contains the cause", "does not"], range=[cause, "#9E9E9E"]),
        # one line beside its title (the class is named in the chart's title)
        legend=alt.Legend(
            title="Regimen contains the cause?", orient="top", titleLimit=500, titleOrient="left"
        ),
    )
    tooltip = [
        alt.Tooltip("regimen:N", title="Regimen"),
        alt.Tooltip("term:N", title="Event (harmonised term)"),
        alt.Tooltip("event:N", title="Event (as printed)"),
        alt.Tooltip("exposure:N", title="Cause in the regimen"),
        *_percent_tooltips(),
    ]
    ci = alt.Chart().mark_rule(strokeWidth=2).encode(x="ci_low_pct:Q", x2="ci_high_pct:Q", y=y, color=colour)
    dots = (
        alt.Chart()
        .mark_point(filled=True, size=120, opacity=1)
        .encode(
            x=alt.X("percent:Q", title="Patients with the event (%)", scale=alt.Scale(domain=[0, 100])),
            y=y,
            color=colour,
            tooltip=tooltip,
        )
    )
    chart = alt.layer(ci, dots, data=df, width=440, height=alt.Step(step)).facet(
        row=_heading_row("term:N"),
        spacing=8,
    )
    if shown is not None:
        chart = chart.transform_filter(shown)
    chart = chart.resolve_scale(y="independent")

    def heading(c: str, g: str) -> str:
        return f"Class effect: {_class_label(c)} ({g})" if g else f"Class effect: {_class_label(c)}"

    default = alt.TitleParams(
        text=heading(cls, grade)
        if param is None
        else alt.ExprRef(choose(CLASS_PARAM, {c: heading(c, grade) for _, c in classes}, "Class effect")),
        subtitle=[
            "Dots: % of patients; lines: exact 95 % CI. Coloured: the regimen contains the class' cause.",
            "Grey dots are background rates (events without the drug), not proof of causation.",
            "Events grouped by harmonised term across studies (e.g. 'pain' includes 'abdominal pain').",
        ],
        anchor="start",
    )
    if param is None:
        return chart.properties(title=default if title is None else title)
    missing = [(lab, c) for lab, c in classes if c not in set(df["event_class"])]
    if missing:  # a class with no row at this grade: a line in the chart says so
        note = pd.DataFrame(
            {
                "event_class": [c for _, c in missing],
                "message": [
                    f"No {lab} events reported at this grade in the curated studies." for lab, _ in missing
                ],
            }
        )
        line = (
            alt.Chart(note)
            .transform_filter(shown)
            .mark_text(align="left", fontSize=MIN_FONT_PX + 2, color="#7A4B00")
            .encode(x=alt.value(0), y=alt.Y("event_class:N", axis=None), text="message:N")
            .properties(width=440, height=alt.Step(24))
        )
        chart = alt.vconcat(line, chart, spacing=4, params=[param.param])
    else:
        chart = chart.add_params(param)
    return resizing(chart.properties(title=default if title is None else title))


def _p(value: float) -> str:
    """A P-value as the kit prints them ("P = 0.12", "P < 0.001"; NEJM style, hcckit.formatting)."""
    from hcckit import formatting

    if value != value:
        return "not computed"
    return formatting.p_value(value, prefix=True)


#: Columns of ``safety.two_arm_comparisons(...)`` that :func:`two_arm_chart` draws.
_TWO_ARM_COLUMNS = [
    "study",
    "event",
    "grade",
    "count_a",
    "n_a",
    "count_b",
    "n_b",
    "rd_pct",
    "rd_ci_low_pct",
    "rd_ci_high_pct",
    "rr",
    "rr_ci_low",
    "rr_ci_high",
    "fisher_p",
    "chi2_p",
    "chi2_valid",
    "reported_p",
    "reported_p_operator",
]


def _two_arm_rows(comparisons: pd.DataFrame, rr_max: float, *, several: bool | None = None) -> pd.DataFrame:
    """The comparisons as the chart's rows: a label per event, relative risks clipped for the log
    axis (``rr_plot``, ``rr_low_plot``, ``rr_high_plot`` within [1/rr_max, rr_max]), and texts
    (``rr``, ``rr_ci``, ``counts``, ``tests``); infinities become NaN (JSON has none)."""
    from hcckit import labels

    df = comparisons.copy()
    several = df["study"].nunique() > 1 if several is None else several
    grade_text = df["grade"].map(
        lambda g: labels.label("grade", g)[:1].lower() + labels.label("grade", g)[1:]
    )
    arm_a = df["arm_a"] if "arm_a" in df else pd.Series(["experimental arm"] * len(df), index=df.index)
    arm_b = df["arm_b"] if "arm_b" in df else pd.Series(["control arm"] * len(df), index=df.index)
    df["arms"] = [f"{a} vs {b}" for a, b in zip(arm_a, arm_b, strict=True)]
    df["row"] = [
        (f"{s}: " if several else "") + f"{e} ({g})"
        for s, e, g in zip(df["study"], df["event"], grade_text, strict=True)
    ]
    low = 1.0 / rr_max

    def clip(v):
        if v != v:
            return math.nan
        return min(max(v, low), rr_max)

    df["rr_plot"] = df["rr"].map(clip)
    df["rr_low_plot"] = df["rr_ci_low"].map(clip)
    df["rr_high_plot"] = df["rr_ci_high"].map(clip)
    df["rr_text"] = [
        "∞ (no events in control)" if r == math.inf else ("undefined" if r != r else f"{r:.2f}")
        for r in df["rr"]
    ]
    df["counts"] = [
        f"{a}/{na} vs {b}/{nb}"
        for a, na, b, nb in zip(df["count_a"], df["n_a"], df["count_b"], df["n_b"], strict=True)
    ]
    df["tests"] = [
        f"Fisher {_p(f)}; χ² {_p(c)}{'' if v else ' (unreliable)'}; paper: "
        + (f"P {op} {rp:g}" if rp == rp else "no P printed")
        for f, c, v, rp, op in zip(
            df["fisher_p"],
            df["chi2_p"],
            df["chi2_valid"],
            df["reported_p"],
            df["reported_p_operator"],
            strict=True,
        )
    ]
    df = df.drop(columns=["rr", "rr_ci_low", "rr_ci_high"]).assign(
        rr=df["rr_text"],
        rr_ci=[
            f"{lo:.2f} to {'∞' if hi == math.inf else f'{hi:.2f}'}"
            for lo, hi in zip(comparisons["rr_ci_low"], comparisons["rr_ci_high"], strict=True)
        ],
    )
    return df.replace([math.inf, -math.inf], math.nan)


def _reference_rule(x: float) -> alt.Chart:
    """A dashed vertical line at ``x`` (no difference: 0 for a difference, 1 for a ratio)."""
    return alt.Chart(pd.DataFrame({"x": [x]})).mark_rule(color="#777777", strokeDash=[4, 3]).encode(x="x:Q")


def _rows_chart(df: pd.DataFrame, shown: str | None = None) -> alt.Chart:
    """``alt.Chart(df)``, filtered by the Vega expression ``shown`` when given (a bound input's choice)."""
    chart = alt.Chart(df)
    return chart if shown is None else chart.transform_filter(shown)


def _estimate_and_ci(
    df: pd.DataFrame, low: alt.X, high: str, estimate: str, *, y, colour: str, tooltip, shown=None
):
    """Per row, the CI (a rule from ``low`` to ``high``) and the estimate (a filled point at ``estimate``)."""
    ci = _rows_chart(df, shown).mark_rule(strokeWidth=2.5).encode(x=low, x2=high, y=y)
    point = (
        _rows_chart(df, shown)
        .mark_point(filled=True, size=110, color=colour)
        .encode(x=estimate, y=y, tooltip=tooltip)
    )
    return ci, point


def _risk_difference_panel(df: pd.DataFrame, y: alt.Y, tooltip: list, shown=None) -> alt.LayerChart:
    """Left panel: the risk difference (percentage points) with its CI, 0 dashed."""
    rd_ci, rd_pt = _estimate_and_ci(
        df,
        alt.X("rd_ci_low_pct:Q", title="Risk difference (percentage points)"),
        "rd_ci_high_pct:Q",
        "rd_pct:Q",
        y=y,
        colour=PALETTE[3],
        tooltip=tooltip,
        shown=shown,
    )
    return alt.layer(_reference_rule(0.0), rd_ci, rd_pt).properties(
        width=260, height=alt.Step(30), title=alt.TitleParams("Risk difference", fontSize=MIN_FONT_PX)
    )


def _relative_risk_panel(df: pd.DataFrame, tooltip: list, rr_max: float, shown=None) -> alt.LayerChart:
    """Middle panel: the relative risk with its CI on a log axis, 1 dashed; ▶ where the CI has no upper limit."""
    rr_scale = alt.Scale(type="log", domain=[1.0 / rr_max, rr_max])
    y_same = alt.Y(
        "row:N", title=None, sort=list(dict.fromkeys(df["row"])), axis=None
    )  # rows as in the left panel
    rr_ci, rr_pt = _estimate_and_ci(
        df,
        alt.X(
            "rr_low_plot:Q",
            title="Relative risk (log scale)",
            scale=rr_scale,
            axis=alt.Axis(values=[0.01, 0.1, 1, 10, 100]),
        ),
        "rr_high_plot:Q",
        "rr_plot:Q",
        y=y_same,
        colour=PALETTE[0],
        tooltip=tooltip,
        shown=shown,
    )
    open_end = (
        _rows_chart(df[df["rr_ci"].str.endswith("∞")], shown)
        .mark_point(shape="triangle-right", filled=True, size=140, color=PALETTE[0])
        .encode(x=alt.X("rr_high_plot:Q", scale=rr_scale), y=y_same)
    )
    return alt.layer(_reference_rule(1.0), rr_ci, rr_pt, open_end).properties(
        width=220,
        height=alt.Step(30),
        title=alt.TitleParams("Relative risk (▶ = no upper limit)", fontSize=MIN_FONT_PX),
    )


def _tests_panel(df: pd.DataFrame, y: alt.Y, shown=None) -> alt.Chart:
    """Bottom panel: per event, the counts, Fisher's and the chi-square P, and the P the paper printed."""
    return (
        _rows_chart(df, shown)
        .transform_calculate(line="datum.counts + ' · ' + datum.tests")
        .mark_text(align="left", fontSize=MIN_FONT_PX)
        .encode(x=alt.value(4), y=y, text="line:N")
        .properties(
            width=560,
            height=alt.Step(30),
            title=alt.TitleParams(
                "Experimental vs control: patients with the event, and the tests", fontSize=MIN_FONT_PX
            ),
        )
    )


def _two_arm_title(df: pd.DataFrame) -> alt.TitleParams:
    several = df["study"].nunique() > 1
    arms = (
        f"{df['arm_a'].iloc[0]} vs {df['arm_b'].iloc[0]}"
        if "arm_a" in df and not several
        else "experimental vs control"
    )
    level = f"{100 * float(df['level'].iloc[0]):g} %" if "level" in df else "95 %"
    return alt.TitleParams(
        text=f"Two-arm safety comparison: {arms}",
        subtitle=[
            f"{level} CIs: risk difference by Newcombe's hybrid score method, relative risk by Koopman's score",
            "method. With an expected count below 5 read Fisher's exact test, not the chi-square test.",
            "Curated counts; CHANCE2201 is a weighted observational cohort, not a randomised trial.",
        ],
        anchor="start",
    )


def two_arm_chart(
    comparisons: pd.DataFrame,
    *,
    title: str | None = None,
    rr_max: float = 100.0,
    trial: str | None = None,
    trials=None,
):
    """Experimental vs control arm: risk difference and relative risk with CIs, counts and p-values.

    ``comparisons`` is ``safety.two_arm_comparisons(...)``. Left: risk difference (percentage
    points, 0 = no difference); middle: relative risk on a log axis (1 = no difference; an
    infinite estimate or bound - no events in the control arm - is drawn at ``rr_max`` with an
    arrow); right: counts, Fisher's exact p, the chi-square p and what the paper printed.

    With ``trial`` (a ``trial_id`` of ``comparisons``), the chart carries every trial of
    ``comparisons``, draws that one and lets the reader choose another in the chart: a select
    input ("Trial") bound to the Vega-Lite param :data:`TRIAL_PARAM` (``"trial"``), so the browser
    redraws it with no kernel. ``trials`` are the input's ``(label, trial_id)`` choices (default:
    each trial of ``comparisons`` by study name).
    """
    _require(comparisons, _TWO_ARM_COLUMNS, "comparisons")
    if comparisons.empty:
        return empty_chart("No adverse event has counts in both arms of this trial.")
    shown, param = None, None
    if trial is not None:
        _require(comparisons, ["trial_id"], "comparisons")
        if trials is None:
            firsts = comparisons.drop_duplicates("trial_id")
            trials = list(zip(firsts["study"], firsts["trial_id"], strict=True))
        param = choice_param(TRIAL_PARAM, trial, trials, label="Trial: ")
        shown = f"datum.trial_id == {TRIAL_PARAM}"
    df = _two_arm_rows(comparisons, rr_max, several=False if trial is not None else None)
    y = alt.Y(
        "row:N",
        title=None,
        sort=list(dict.fromkeys(df["row"])),
        axis=alt.Axis(labelFontSize=MIN_FONT_PX, labelLimit=320),
    )
    tooltip = [
        alt.Tooltip("row:N", title="Event"),
        alt.Tooltip("arms:N", title="Arms (experimental vs control)"),
        alt.Tooltip("counts:N", title="Patients with the event / patients"),
        alt.Tooltip("rd_pct:Q", format=".1f", title="Risk difference (percentage points)"),
        alt.Tooltip("rr:N", title="Relative risk"),
        alt.Tooltip("rr_ci:N", title="Relative risk, CI"),
        alt.Tooltip("tests:N", title="Tests and the printed P"),
    ]
    rd = _risk_difference_panel(df, y, tooltip, shown)
    rr = _relative_risk_panel(df, tooltip, rr_max, shown)
    # two rows so that the chart fits a 1280 px projector beside nothing (about 900 px wide)
    parts = [alt.hconcat(rd, rr, spacing=16), _tests_panel(df, y, shown)]
    if param is None:
        return alt.vconcat(*parts, spacing=18).properties(
            title=_two_arm_title(df) if title is None else title
        )
    if title is None:
        one = {t: _two_arm_title(df[df["trial_id"] == t]) for t in dict.fromkeys(df["trial_id"])}
        first = next(iter(one.values()))
        title = alt.TitleParams(
            text=alt.ExprRef(
                choose(TRIAL_PARAM, {t: p.text for t, p in one.items()}, "Two-arm safety comparison")
            ),
            subtitle=first.subtitle,
            anchor="start",
        )
    # top-level params set directly: altair's add_params would rename the concatenated views
    return resizing(alt.vconcat(*parts, spacing=18, params=[param.param]).properties(title=title))


# Lesson figures: builders drawn from the curated counts with default settings, callable without
# arguments. hcckit.export lists them, with their titles, for slides.
def profile_figure(grade: str = "any"):
    """AE profiles of every regimen at ``grade`` (``"any"`` or ``">=3"``)."""
    from hcckit import safety

    return ae_profile_chart(safety.ae_profile(grade=grade))


def class_figure(event_class: str):
    """The class effect ``event_class`` (a key of ``hcckit.safety.CLASS_EFFECTS``) at any grade."""
    from hcckit import safety

    return class_effects_chart(
        safety.class_effects(event_class, grade="any"),
        empty_message=f"No {event_class} events reported at any grade.",
    )


def two_arm_figure(trial_id: str | None = None):
    """Two-arm comparisons of one trial (``None``: every two-arm trial)."""
    from hcckit import safety

    return two_arm_chart(safety.two_arm_comparisons(trial_id))


def lesson_figures() -> dict:
    """The lesson's main figures with default settings, by file-friendly name (``safety_<name>``)."""
    from hcckit import safety

    figures = {
        "safety_profile_any_grade": profile_figure("any"),
        "safety_profile_grade3": profile_figure(">=3"),
    }
    for cls in safety.CLASS_EFFECTS:
        figures[f"safety_class_{cls.lower().replace('-', '')}"] = class_figure(cls)
    figures["safety_two_arm_yan2025"] = two_arm_figure("yan2025_tace_bev")
    figures["safety_two_arm_all"] = two_arm_figure()
    return figures
