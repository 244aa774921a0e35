"""Charts of tumour response: waterfall, spider, swimmer, criteria discordance, reported rates.

Every function takes a tidy DataFrame produced by :mod:`hcckit.response` and returns an
*unconfigured* altair chart (layer, concatenate or retitle it freely). Charts drawn from
synthetic teaching data carry the SYNTHETIC caption: pass ``synthetic=True``, or leave
``synthetic=None`` and the ``synthetic`` column of the data decides.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from hcckit import response as rs
from hcckit.charts._common import (
    MIN_FONT_PX,
    PALETTE,
    RESPONSE_COLOURS,
    synthetic_properties,
    with_properties,
)

TEACHING_CASES_LABEL = "SYNTHETIC teaching cases designed for the lesson - not trial data"

__all__ = [
    "waterfall_chart",
    "spider_chart",
    "swimmer_chart",
    "discordance_chart",
    "criteria_chart",
    "rates_chart",
    "CRITERION_COLOURS",
]

_ORDER = ["CR", "PR", "SD", "non-CR/non-PD", "PD", "NE"]
# RECIST 1.1 Table 2's non-target-only category gets its own colour (Okabe-Ito reddish purple)
_COLOURS = {**RESPONSE_COLOURS, "non-CR/non-PD": "#CC79A7"}
_SCALE = alt.Scale(domain=_ORDER, range=[_COLOURS[r] for r in _ORDER])
# PR / PD thresholds on the % change of the target sum, by criterion
_LINES = {"RECIST 1.1": (-30, 20), "mRECIST": (-30, 20), "WHO": (-50, 25), "EASL": (-50, 25)}
#: Line colour of each criterion in :func:`criteria_chart` (the kit's palette in criterion order);
#: the lesson's verdict cards use the same colours.
CRITERION_COLOURS = dict(zip(_LINES, PALETTE, strict=False))


def _is_synthetic(data: pd.DataFrame, synthetic: bool | None) -> bool:
    if synthetic is not None:
        return bool(synthetic)
    return "synthetic" in data.columns and bool(data["synthetic"].eq(True).any())


def _finish(chart, data, synthetic, title):
    """``chart`` with ``title`` (if given) and, for synthetic data, the caption: one copy at most."""
    if _is_synthetic(data, synthetic):
        return with_properties(
            chart,
            **synthetic_properties(chart.title if title is None else title, text=TEACHING_CASES_LABEL),
        )
    return chart if title is None else with_properties(chart, title=title)


def _days_per(time_unit: str) -> int:
    """Days in one ``time_unit`` of a spider or swimmer time axis: ``"weeks"`` 7, ``"days"`` 1."""
    if time_unit not in ("weeks", "days"):
        raise ValueError(f"time_unit: must be 'weeks' or 'days', got {time_unit!r}")
    return 7 if time_unit == "weeks" else 1


def _criterion(data: pd.DataFrame, criterion: str | None) -> tuple[pd.DataFrame, str | None]:
    """Keep one criterion's rows (the only one present, or the one asked for)."""
    if "criterion" not in data.columns:
        return data, criterion
    present = list(dict.fromkeys(data["criterion"]))
    if criterion is None:
        if len(present) > 1:
            raise ValueError(f"criterion: the data hold several criteria ({', '.join(present)}); pick one")
        criterion = present[0] if present else None
    elif criterion not in present:
        raise ValueError(f"criterion: {criterion!r} not in the data ({', '.join(present)})")
    return data[data["criterion"] == criterion], criterion


def _threshold_rules(criterion: str | None, *, orient: str = "y"):
    low, high = _LINES.get(criterion or "RECIST 1.1", (-30, 20))
    lines = pd.DataFrame({"value": [low, high], "label": [f"PR {low} %", f"PD +{high} %"]})
    enc = {orient: alt.Y("value:Q") if orient == "y" else alt.X("value:Q")}
    rule = alt.Chart(lines).mark_rule(strokeDash=[6, 4], color="#444444").encode(**enc)
    text = (
        alt.Chart(lines)
        .mark_text(align="left", dx=4, dy=-6, color="#444444", fontSize=MIN_FONT_PX)
        .encode(text="label:N", **enc)
    )
    return rule + text


def waterfall_chart(
    data: pd.DataFrame,
    *,
    criterion: str | None = None,
    synthetic: bool | None = None,
    title: str | None = None,
    width: int | str = "container",
    height: int = 300,
) -> alt.LayerChart:
    """Waterfall: one bar per patient, best % change of the target sum, coloured by best response.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`hcckit.response.best_change` output (``patient``, ``best_pct_change``,
        ``best_response``; ``criterion`` optional).
    criterion : str, optional
        Which criterion to draw when ``data`` holds several; also sets the dashed lines
        (-30 % / +20 % for RECIST 1.1 and mRECIST, -50 % / +25 % for WHO and EASL products).
    synthetic : bool, optional
        Add the SYNTHETIC caption (default: from the ``synthetic`` column).
    title : str, optional
    width, height : int (px) or "container"
        ``width="container"`` (default) fills the column the chart is shown in, so a cohort of
        any size fits its view; give px for a static export.
    """
    for col in ("patient", "best_pct_change"):
        if col not in data.columns:
            raise ValueError(f"data: column '{col}' missing (use hcckit.response.best_change)")
    df, crit = _criterion(data, criterion)
    df = df.dropna(subset=["best_pct_change"]).sort_values("best_pct_change", ascending=False)
    order = [str(p) for p in df["patient"]]
    df = df.assign(patient=df["patient"].astype(str))
    colour = (
        alt.Color("best_response:N", scale=_SCALE, title="Best response")
        if "best_response" in df.columns
        else alt.value("#0072B2")
    )
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            alt.X(
                "patient:N",
                sort=order,
                title="Patient (ordered by best change)",
                axis=alt.Axis(labels=len(order) <= 20),  # more ids only crowd the axis
            ),
            alt.Y(
                "best_pct_change:Q",
                title=f"Best change in target sum from baseline (%){' - ' + crit if crit else ''}",
            ),
            colour,
            tooltip=[
                c for c in ("patient", "best_pct_change", "best_response", "criterion") if c in df.columns
            ],
        )
    )
    layered = (bars + _threshold_rules(crit)).properties(width=width, height=height)
    return _finish(layered, data, synthetic, title)


def spider_chart(
    data: pd.DataFrame,
    *,
    criterion: str | None = None,
    time_unit: str = "weeks",
    synthetic: bool | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Spider plot: % change of the target sum from baseline over time, one line per patient.

    ``data`` is :func:`hcckit.response.assess` output (one criterion, or pick it with
    ``criterion``). Points are coloured by the response at that visit; NE visits (no complete
    sum) are left out. ``time_unit``: ``"weeks"`` or ``"days"``.
    """
    per = _days_per(time_unit)
    df, crit = _criterion(data, criterion)
    df = df.dropna(subset=["pct_change_baseline"]).copy()
    df["time"] = df["day"] / per
    df["patient"] = df["patient"].astype(str)
    df["response"] = df["response"].astype(object).where(df["response"].notna(), "baseline")
    x = alt.X("time:Q", title=f"Time since treatment start ({time_unit})")
    y = alt.Y(
        "pct_change_baseline:Q", title=f"Change in target sum from baseline (%){' - ' + crit if crit else ''}"
    )
    lines = alt.Chart(df).mark_line(color="#9a9a9a", strokeWidth=1.2).encode(x, y, detail="patient:N")
    dots = (
        alt.Chart(df[df["response"] != "baseline"])
        .mark_point(filled=True, size=45)
        .encode(
            x,
            y,
            alt.Color("response:N", scale=_SCALE, title="Response at visit"),
            tooltip=[
                "patient",
                "day",
                "response",
                alt.Tooltip("pct_change_baseline:Q", format="+.1f"),
                "reason",
            ],
        )
    )
    return _finish(lines + dots + _threshold_rules(crit), data, synthetic, title)


def swimmer_chart(
    data: pd.DataFrame,
    *,
    criterion: str | None = None,
    time_unit: str = "weeks",
    synthetic: bool | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Swimmer plot: time on study per patient, each assessment marked by its response.

    ``data`` is :func:`hcckit.response.assess` output. The bar runs from treatment start to the
    last assessment; a triangle marks the first progression.
    """
    per = _days_per(time_unit)
    df, crit = _criterion(data, criterion)
    df = df.assign(patient=df["patient"].astype(str), time=df["day"] / per)
    span = df.groupby("patient", sort=False)["time"].max().rename("end").reset_index()
    span["start"] = 0.0
    order = span.sort_values("end", ascending=False)["patient"].tolist()
    visits = df[df["response"].notna()].assign(response=lambda d: d["response"].astype(str))
    first_pd = visits[visits["response"] == "PD"].groupby("patient", sort=False).head(1)
    y = alt.Y("patient:N", sort=order, title="Patient", axis=alt.Axis(labels=len(order) <= 40))
    bars = (
        alt.Chart(span)
        .mark_bar(color="#d9d9d9", height={"band": 0.6})
        .encode(alt.X("start:Q", title=f"Time since treatment start ({time_unit})"), alt.X2("end:Q"), y)
    )
    dots = (
        alt.Chart(visits)
        .mark_point(filled=True, size=40)
        .encode(
            alt.X("time:Q"),
            y,
            alt.Color("response:N", scale=_SCALE, title=f"Response{' (' + crit + ')' if crit else ''}"),
            tooltip=["patient", "day", "response", "reason"],
        )
    )
    pd_mark = (
        alt.Chart(first_pd)
        .mark_point(shape="triangle-right", size=140, color=RESPONSE_COLOURS["PD"], filled=True)
        .encode(
            alt.X("time:Q"), y, tooltip=["patient", "day", alt.Tooltip("response:N", title="progression")]
        )
    )
    return _finish(bars + dots + pd_mark, data, synthetic, title)


def discordance_chart(
    data: pd.DataFrame,
    *,
    synthetic: bool | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Cross-table of best responses under two criteria as a heat map with counts.

    ``data`` is :func:`hcckit.response.discordance_table` output (tidy form). Cells on the
    diagonal are agreements; off-diagonal cells are patients the two criteria classify
    differently.
    """
    need = {"row_criterion", "row_response", "col_criterion", "col_response", "count"}
    if not need <= set(data.columns):
        raise ValueError(f"data: columns missing {sorted(need - set(data.columns))} (use discordance_table)")
    row_name = str(data["row_criterion"].iloc[0])
    col_name = str(data["col_criterion"].iloc[0])
    df = data.assign(
        kind=data["row_response"].eq(data["col_response"]).map({True: "agree", False: "disagree"})
    )
    base = alt.Chart(df).encode(
        alt.X(
            "col_response:N", sort=_ORDER, title=f"Best response by {col_name}", axis=alt.Axis(labelAngle=-35)
        ),
        alt.Y("row_response:N", sort=_ORDER, title=f"Best response by {row_name}"),
    )
    cells = base.mark_rect(stroke="#ffffff").encode(
        alt.Color(
            "count:Q",
            scale=alt.Scale(scheme="blues"),
            title="Patients (count)",
            legend=alt.Legend(orient="bottom"),  # under the grid: the chart fits a half-width column
        ),
        tooltip=["row_response", "col_response", "count", "kind"],
    )
    text = base.mark_text(fontSize=15).encode(
        text="count:Q",
        color=alt.condition("datum.count > 0", alt.value("#000000"), alt.value("#bbbbbb")),
    )
    diagonal = base.transform_filter("datum.row_response == datum.col_response").mark_rect(
        fill=None, stroke="#333333", strokeWidth=2
    )
    return _finish((cells + diagonal + text).properties(width=300, height=300), data, synthetic, title)


def _field(name: str, kind: str = "nominal", **extra) -> dict:
    """One Vega-Lite field definition, typed (no type inference from the data)."""
    return {"field": name, "type": kind, **extra}


#: criteria_chart's subtitle, above the SYNTHETIC caption
_CRITERIA_SUBTITLE = [
    "Short bars: where each visit would be PD, measured from the",
    "criterion's nadir (RECIST 1.1: +20 % and +5 mm; mRECIST: +20 %),",
    "so the bar moves down as the sum falls.",
]
# PR is judged against baseline, so its thresholds are fixed lines on criteria_chart's axis
_PR_GUIDES = {"value": [-30, -50], "label": ["-30 % (RECIST/mRECIST PR)", "-50 % (WHO/EASL PR)"]}


def criteria_chart(
    data: pd.DataFrame,
    *,
    synthetic: bool | None = None,
    title: str | None = None,
    width: int | str = "container",
    height: int = 280,
) -> alt.LayerChart:
    """One patient under several criteria: % change from baseline per visit, labelled by response.

    ``data`` is :func:`hcckit.response.assess_all` output for one patient. RECIST 1.1 and
    mRECIST sums are diameters (PR at -30 %), WHO and EASL sums are products (PR at -50 %).
    Lines are coloured by :data:`CRITERION_COLOURS`; the legend sits above the plot and the day
    axis runs two weeks past the last visit, so the verdict labels there stay inside the chart.
    ``width`` is ``"container"`` by default (the chart fills the column it is shown in, axes and
    legend included); ``height`` is the plot's height in px.

    Built for the lesion editor's slider, which redraws it at every step: one flat layer chart
    with typed field definitions and its title set at construction (no copies, no type inference),
    the rows carrying only the fields drawn or shown in tooltips, and axes that depend only on the
    visit days (y from -100 % to +60 %, clamped). Two measurements of the same visits thus give
    specs that differ only in their data, which the chart view applies in place.
    """
    if "criterion" not in data.columns:
        raise ValueError("data: needs a 'criterion' column (use hcckit.response.assess_all)")
    if data["patient"].nunique() != 1:
        raise ValueError("data: criteria_chart draws one patient; filter the table first")
    drawn = data.dropna(subset=["pct_change_baseline"])
    df = drawn[["criterion", "day", "pct_change_baseline", "reason"]].assign(
        label=drawn["response"].astype(object).where(drawn["response"].notna(), "baseline").astype(str)
    )
    # two weeks of room after the last visit for its labels (dx=18) and PD bars; ticks every 2 weeks
    end = int(-(-float(data["day"].max()) // 14) * 14) + 14
    x = _field(
        "day",
        "quantitative",
        title="Day since treatment start (days)",
        scale={"domain": [0, end], "nice": False},
        axis={"values": list(range(0, end + 1, 14))},
    )
    y = _field(
        "pct_change_baseline",
        "quantitative",
        title="Change in target sum from baseline (%)",
        scale={"domain": [-100, 60], "clamp": True},
    )
    criteria = set(data["criterion"])
    present = [c for c in CRITERION_COLOURS if c in criteria]
    present += [c for c in dict.fromkeys(data["criterion"]) if c not in CRITERION_COLOURS]
    colour = _field(
        "criterion",
        title="Criterion",
        scale={"domain": present, "range": [CRITERION_COLOURS.get(c, "#000000") for c in present]},
        legend={"orient": "top", "direction": "horizontal", "titleOrient": "left"},
    )

    def layer(mark: dict, rows=None, **encoding) -> alt.Chart:
        return alt.Chart(
            alt.Undefined if rows is None else rows, mark=mark, encoding=alt.FacetedEncoding(**encoding)
        )

    guide_y = _field("value", "quantitative")
    rules = layer({"type": "rule", "strokeDash": [5, 4], "color": "#777777"}, y=guide_y)
    rule_text = layer(
        {"type": "text", "align": "left", "dx": 2, "dy": -5, "color": "#555555", "fontSize": MIN_FONT_PX},
        y=guide_y,
        text=_field("label"),
        x={"value": 2},
    )
    # PD is judged against the nadir: each visit's threshold moves with it (drawn for the sum rules)
    pd_lines = layer(
        {"type": "tick", "orient": "horizontal", "size": 34, "thickness": 3, "opacity": 0.85},
        rs.progression_thresholds(data),
        x=x,
        y=_field("pd_threshold_pct", "quantitative"),
        color=colour,
        tooltip=[
            _field("criterion"),
            _field("day", "quantitative"),
            _field("nadir_sum", "quantitative", title="nadir sum (mm)"),
            _field("pd_threshold_sum", "quantitative", title="PD from this sum (mm)", format=".1f"),
        ],
    )
    lines = layer(
        {"type": "line", "point": True, "strokeWidth": 2.5},
        df[["criterion", "day", "pct_change_baseline"]],
        x=x,
        y=y,
        color=colour,
    )
    # one text layer per criterion, nudged apart so that equal verdicts at equal values do not overlap
    followed = df[df["label"] != "baseline"]
    tips = [_field("criterion"), _field("day", "quantitative"), _field("label"), _field("reason")]
    labels = [
        layer(
            {"type": "text", "dx": 18, "dy": dy, "fontSize": MIN_FONT_PX, "fontWeight": "bold"},
            followed[followed["criterion"] == crit],
            x=x,
            y=y,
            color=colour,
            text=_field("label"),
            tooltip=tips,
        )
        for crit, dy in zip(_LINES, (-10, -10, 10, 10), strict=True)
    ]
    heading = alt.TitleParams(title or "One patient, four criteria", subtitle=_CRITERIA_SUBTITLE)
    props = (
        synthetic_properties(heading, text=TEACHING_CASES_LABEL)
        if _is_synthetic(data, synthetic)
        else {"title": heading}
    )
    return alt.LayerChart(
        data=pd.DataFrame(_PR_GUIDES),  # the PR lines and their labels; the other layers bring their own
        layer=[rules, rule_text, pd_lines, lines, *labels],
        width=width,
        height=height,
        **props,
    )


def rates_chart(
    data: pd.DataFrame,
    *,
    endpoint: str | None = None,
    synthetic: bool | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Response rates with exact confidence intervals, by criterion (and trial arm).

    ``data`` is :func:`hcckit.response.trial_rates` output (reported rates, intervals
    recomputed) or :func:`hcckit.response.response_rates` output. One row per criterion and
    end point; a one-sided lower bound is drawn up to 100 %. ``endpoint`` keeps one end point.
    """
    need = {"criterion", "endpoint", "percent", "ci_low_pct", "ci_high_pct"}
    if not need <= set(data.columns):
        raise ValueError(f"data: columns missing {sorted(need - set(data.columns))}")
    df = data if endpoint is None else data[data["endpoint"] == endpoint]
    if df.empty:
        raise ValueError(f"endpoint: no rows for {endpoint!r}")
    df = df.copy()
    # ``level`` (trial_rates, response_rates); ``ci_level`` in tables made before the rename
    level = (
        df["level"] if "level" in df.columns else df.get("ci_level", pd.Series(0.95, index=df.index))
    ).fillna(0.95)
    sided = df["ci_sided"] if "ci_sided" in df.columns else df.get("sided", pd.Series("two", index=df.index))
    df["interval"] = [
        f"{100 * lv:g} % {'one-sided' if str(sd) in ('one_lower', 'lower') else 'two-sided'}"
        for lv, sd in zip(level, sided, strict=True)
    ]
    df["ci_text"] = [
        f"{lo:.1f}-{hi:.1f} %" for lo, hi in zip(df["ci_low_pct"], df["ci_high_pct"], strict=True)
    ]
    tips = [c for c in ("trial_id", "arm_id", "criterion", "endpoint", "count", "n") if c in df.columns]
    tips += [alt.Tooltip("percent:Q", format=".1f", title="percent (%)"), "ci_text:N", "interval:N"]
    y = alt.Y("criterion:N", title=None)
    x_scale = alt.Scale(domain=[0, 100])
    bars = (
        alt.Chart(df)
        .mark_rule(strokeWidth=2.5)
        .encode(
            alt.X(
                "ci_low_pct:Q", title="Patients with the outcome (%), exact Clopper-Pearson CI", scale=x_scale
            ),
            alt.X2("ci_high_pct:Q"),
            y,
            alt.Color("criterion:N", legend=None),
            tooltip=tips,
        )
    )
    dots = (
        alt.Chart(df)
        .mark_point(filled=True, size=90)
        .encode(alt.X("percent:Q", scale=x_scale), y, alt.Color("criterion:N", legend=None), tooltip=tips)
    )
    text = (
        alt.Chart(df)
        .mark_text(align="left", dx=8, dy=-10, fontSize=MIN_FONT_PX)
        .encode(alt.X("percent:Q", scale=x_scale), y, text=alt.Text("percent:Q", format=".0f"))
    )
    chart = (bars + dots + text).properties(height=alt.Step(34))
    if df["endpoint"].nunique() > 1:
        chart = chart.facet(
            row=alt.Row("endpoint:N", title=None, sort=["ORR", "DCR", "CR", "PR", "SD", "PD"])
        )
    return _finish(chart, df, synthetic, title)


# Lesson figures: zero-argument builders with default settings (curated rates, the seeded synthetic
# teaching cohort). hcckit.export lists them, with their titles, for slides.
def rates_figure():
    """ORR/DCR of ChiCTR2100049829 by RECIST 1.1 and mRECIST with exact CIs."""
    from hcckit import data

    table = rs.trial_rates(data.load("outcomes"), trial_id="chictr2100049829_tace_atezo_bev")
    return rates_chart(table, title="ChiCTR2100049829: same patients, two criteria")


def _teaching_cohort():
    timepoints = rs.assess_all(rs.teaching_cohort(40, seed=0))
    return timepoints, rs.best_response(timepoints)


def waterfall_figure():
    timepoints, best = _teaching_cohort()
    return waterfall_chart(
        rs.best_change(timepoints, best),
        criterion="mRECIST",
        title="Synthetic cohort: best change by mRECIST",
        width=760,
    )


def discordance_figure():
    _, best = _teaching_cohort()
    return discordance_chart(rs.discordance_table(best), title="RECIST 1.1 vs mRECIST")


def spider_figure():
    timepoints, _ = _teaching_cohort()
    return spider_chart(timepoints, criterion="mRECIST", title="Synthetic cohort: mRECIST over time")
