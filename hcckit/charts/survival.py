"""Kaplan-Meier charts in the KMunicate style, numbers-at-risk tables, published vs reconstructed.

Every function takes the tidy frames of :mod:`hcckit.survival` (``km_table``, ``at_risk_table``,
``published_points``) and returns an altair chart. When the data are synthetic pseudo-patients
(the frames' ``synthetic`` column) the returned chart carries the red SYNTHETIC caption
(:func:`hcckit.charts._common.label_synthetic`).

A labelled chart is a top-level chart (Vega-Lite allows ``usermeta`` only there), so it cannot be
layered or concatenated again. To compose your own figure, build the parts with
``synthetic=False`` and call ``label_synthetic`` on the composition, or pass
``synthetic_properties`` to its constructor, as :func:`km_panel` does (no copy of the chart).

Times are in months, survival is drawn in % (0-100 %).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from hcckit.charts._common import MIN_FONT_PX, PALETTE, synthetic_properties, with_properties
from hcckit.charts._common import require_columns as _check_columns

__all__ = [
    "km_chart",
    "at_risk_table_chart",
    "km_panel",
    "published_vs_reconstructed_chart",
    "comparison_table_chart",
]

_Y_EXTENT = 150  # px reserved for y-axis labels, so stacked charts line up
_METRIC_LABELS = {"at_risk": "at risk", "events": "events", "censored": "censored"}
_ROW_BREAK = " | "  # between an arm's name and what its at-risk row counts, when on two lines
_COMPACT_Y_EXTENT = 48  # px: y-axis labels up to "100%" when no table has to line up
_MAX_Y_EXTENT = 320  # px: the widest row labels of the at-risk table
_CHAR_PX = 8  # px per character of 14 px text (a generous average, so labels are not cut)
_NUMBER_GAP = 40  # px between an at-risk row label and the numbers at time 0 (half a 4-digit number + room)


def _two_line_rows(order: Sequence[str], metrics: Sequence[str]) -> bool:
    """True when "arm: at risk" row labels are too long for one line (then: arm / metric, two lines)."""
    longest = max((len(f"{a}: {_METRIC_LABELS[m]}") for a in order for m in metrics), default=0)
    return longest * _CHAR_PX + _NUMBER_GAP + 8 > _MAX_Y_EXTENT


def _y_extent(*frames: pd.DataFrame | None, by: str, metrics: Sequence[str] = ()) -> int:
    """Width (px) kept for y-axis labels: the longest at-risk row label ("arm: at risk") fits."""
    order = _arm_order(*frames, by=by)
    if _two_line_rows(order, metrics):
        longest = max([len(a) for a in order] + [len(_METRIC_LABELS[m]) for m in metrics])
    else:
        longest = max((len(f"{a}: {_METRIC_LABELS[m]}") for a in order for m in metrics), default=0)
    need = longest * _CHAR_PX + _NUMBER_GAP + 8
    return int(min(max(_Y_EXTENT, need), _MAX_Y_EXTENT))


def _is_synthetic(frame: pd.DataFrame | None, synthetic: bool | None) -> bool:
    if synthetic is not None:
        return bool(synthetic)
    return bool(frame is not None and "synthetic" in frame.columns and frame["synthetic"].astype(bool).any())


def _top(*, title: str | None, default_title: str, synthetic: bool | None, frame=None) -> dict:
    """A chart's top-level title and, for synthetic data, caption: properties for its constructor.

    ``synthetic`` None: synthetic when ``frame``'s ``synthetic`` column says so. A caption needs a
    non-empty title to show, so synthetic charts get ``default_title`` when ``title`` is None. Set
    at construction, where altair's ``.properties()`` would copy the whole chart once per call.
    """
    synthetic = _is_synthetic(frame, synthetic)
    if title is None and synthetic:
        title = default_title
    if synthetic:
        return synthetic_properties(title)
    return {} if title is None else {"title": title}


#: columns every chart of a ``km_table`` frame needs (besides the arm column ``by``)
_KM_COLUMNS = ("time", "survival", "ci_low", "ci_high")


def _size(width: int | None = None, height: int | None = None) -> dict:
    """``width``/``height`` chart properties, only those given (else the theme's)."""
    return {k: v for k, v in (("width", width), ("height", height)) if v is not None}


def _arm_name(value, *, by: str) -> str:
    """What a legend, tooltip or at-risk row shows for an arm: its name, never its id.

    Only the ``arm`` column is named: an id of ``arms.csv`` (``tace_bev``, ``dbt``) becomes its
    label (:func:`hcckit.labels.arm`, the same in every trial that uses it); a name stays as it is.
    """
    text = str(value)
    if by != "arm":
        return text
    from hcckit import labels

    return labels.arm(None, text)


def _arm_names(values: pd.Series, *, by: str) -> pd.Series:
    names = {v: _arm_name(v, by=by) for v in pd.unique(values.astype(str))}
    return values.astype(str).map(names)


def _arm_order(*frames: pd.DataFrame | None, by: str) -> list[str]:
    order: list[str] = []
    for f in frames:
        if f is None or by not in f.columns:
            continue
        col = f[by]
        values = (
            list(col.cat.categories) if isinstance(col.dtype, pd.CategoricalDtype) else list(pd.unique(col))
        )
        for v in values:
            name = _arm_name(v, by=by)
            if name not in order:
                order.append(name)
    return order


# Encodings and marks are written as plain dicts: altair copies charts many times while composing
# them, and a dict costs a fraction of the equivalent alt.X/alt.Axis objects (same Vega-Lite spec).


def _color(by: str, order: list[str], *, title: str | None = "Arm", legend: bool = True) -> dict:
    lg = (
        {
            "orient": "top",
            "symbolType": "stroke",
            "symbolOpacity": 1,
            "symbolStrokeWidth": 3,
            "labelLimit": 900,  # arm names are never cut: one name a row
            "columns": 1,
        }
        if legend
        else None
    )
    return {
        "field": by,
        "type": "nominal",
        "scale": {"domain": order, "range": PALETTE[: max(len(order), 1)]},
        "title": title,
        "legend": lg,
    }


def _x_scale(max_time: float) -> dict:
    return {"domain": [0, float(max_time)], "nice": False, "clamp": True}


def _x(max_time: float, time_unit: str, ticks: Sequence[float] | None, *, axis: bool = True) -> dict:
    ax: dict = (
        {"title": f"Time ({time_unit})", "grid": True}
        if axis
        else {"labels": False, "ticks": False, "domain": False, "title": None, "grid": False}
    )
    if ticks is not None:
        ax["values"] = [float(t) for t in ticks]
    return {"field": "time", "type": "quantitative", "scale": _x_scale(max_time), "axis": ax}


def _y_survival(title: str, *, field: str = "survival", extent: int = _Y_EXTENT) -> dict:
    return {
        "field": field,
        "type": "quantitative",
        "scale": {"domain": [0, 1]},
        "axis": {"format": "%", "title": f"{title} (%)", "minExtent": extent, "maxExtent": extent},
    }


def _q(field: str, **extra) -> dict:
    return {"field": field, "type": "quantitative", **extra}


def _unit(mark: dict, encoding: dict, transform: list | None = None, data=None) -> alt.Chart:
    kw: dict = {"mark": mark, "encoding": alt.FacetedEncoding(**encoding)}
    if transform:
        kw["transform"] = transform
    return alt.Chart(alt.Undefined if data is None else data, **kw)


def _km_layers(
    km: pd.DataFrame,
    *,
    by: str,
    order: list[str],
    time_unit: str,
    y_title: str,
    ci: bool,
    censor_marks: bool,
    median_lines: bool,
    max_time: float,
    ticks: Sequence[float] | None,
    extra: Sequence[alt.Chart] = (),
    y_extent: int = _Y_EXTENT,
    **props,
) -> alt.LayerChart:
    keep = [
        c for c in (by, "time", "survival", "ci_low", "ci_high", "at_risk", "censored") if c in km.columns
    ]
    data = km[keep].copy()
    data[by] = _arm_names(data[by], by=by)
    x = _x(max_time, time_unit, ticks)
    color = _color(by, order)
    layers = []
    if ci:
        layers.append(
            _unit(
                {"type": "area", "interpolate": "step-after", "opacity": 0.15},
                {
                    "x": x,
                    "y": _y_survival(y_title, field="ci_low", extent=y_extent),
                    "y2": {"field": "ci_high"},
                    "color": color,
                },
            )
        )
    tooltip = [
        {"field": by, "type": "nominal", "title": "Arm"},
        _q("time", title=f"Time ({time_unit})", format=".1f"),
        _q("survival", title="Survival", format=".1%"),
    ]
    if "at_risk" in data.columns:
        tooltip.append(_q("at_risk", title="At risk"))
    layers.append(
        _unit(
            {"type": "line", "interpolate": "step-after", "strokeWidth": 2},
            {"x": x, "y": _y_survival(y_title, extent=y_extent), "color": color, "tooltip": tooltip},
        )
    )
    if censor_marks and "censored" in data.columns:
        layers.append(
            _unit(
                {"type": "tick", "orient": "vertical", "size": 9, "thickness": 1.5},
                {"x": x, "y": _y_survival(y_title, extent=y_extent), "color": color},
                [{"filter": "datum.censored > 0"}],
            )
        )
    if median_lines:
        # median as R's survfit: the middle of an interval where the curve sits at exactly 50 %
        med = [
            {"calculate": "datum.survival <= 0.5 + 1e-12 ? datum.time : null", "as": "le"},
            {"calculate": "datum.survival < 0.5 - 1e-12 ? datum.time : null", "as": "lt"},
            {
                "aggregate": [
                    {"op": "min", "field": "le", "as": "a"},
                    {"op": "min", "field": "lt", "as": "b"},
                ],
                "groupby": [by],
            },
            {"filter": "isValid(datum.a)"},
            {
                "calculate": "isValid(datum.b) && datum.b > datum.a ? (datum.a + datum.b) / 2 : datum.a",
                "as": "median",
            },
            {"calculate": "0", "as": "zero"},
            {"calculate": "0.5", "as": "half"},
        ]
        ys = {"domain": [0, 1]}
        layers.append(
            _unit(
                {"type": "rule", "strokeDash": [4, 3], "strokeWidth": 1.2},
                {
                    "x": _q("median", scale=_x_scale(max_time)),
                    "y": _q("zero", scale=ys),
                    "y2": {"field": "half"},
                    "color": color,
                },
                med,
            )
        )
        layers.append(
            _unit(
                {"type": "rule", "strokeDash": [4, 3], "strokeWidth": 1, "color": "#666666"},
                {
                    "x": _q("zero", scale=_x_scale(max_time)),
                    "x2": {"field": "median"},
                    "y": _q("half", scale=ys),
                },
                med,
            )
        )
    return alt.LayerChart(layer=[*layers, *extra], data=data, **props)


def _max_time(*frames: pd.DataFrame | None, column: str = "time") -> float:
    values = [float(f[column].max()) for f in frames if f is not None and len(f)]
    return max(values) if values else 1.0


def km_chart(
    km: pd.DataFrame,
    *,
    by: str = "arm",
    time_unit: str = "months",
    title: str | None = None,
    y_title: str = "Survival",
    ci: bool = True,
    censor_marks: bool = True,
    median_lines: bool = True,
    max_time: float | None = None,
    ticks: Sequence[float] | None = None,
    width: int | None = None,
    height: int | None = None,
    synthetic: bool | None = None,
) -> alt.LayerChart:
    """Kaplan-Meier step curves with CI bands, censor marks and median lines.

    Parameters
    ----------
    km : DataFrame
        From :func:`hcckit.survival.km_table` (``arm``, ``time`` months, ``survival``,
        ``ci_low``, ``ci_high``, ``at_risk``, ``censored``, ``synthetic``).
    by : str, default "arm"
        Column that colours the curves.
    time_unit : str, default "months"
        Unit shown in the x-axis title.
    title : str, optional
    y_title : str, default "Survival"
        E.g. "Progression-free survival"; the axis shows it with "(%)".
    ci, censor_marks, median_lines : bool
        Draw the pointwise CI bands, a tick at each censoring time, dashed lines to the medians.
    max_time : float, optional
        End of the time axis (months); default the last time in ``km``.
    ticks : sequence of float, optional
        Time-axis tick values (use the at-risk table's times so columns line up).
    width, height : int, optional
        Plot size in px (default: the theme's).
    synthetic : bool, optional
        Force (True) or skip (False) the SYNTHETIC caption; default from ``km["synthetic"]``.
        A labelled chart is top-level (cannot be layered again): pass False to compose.

    Returns
    -------
    altair.LayerChart
    """
    _check_columns(km, [*_KM_COLUMNS, by], name="km")
    order = _arm_order(km, by=by)
    return _km_layers(
        km,
        by=by,
        order=order,
        time_unit=time_unit,
        y_title=y_title,
        ci=ci,
        censor_marks=censor_marks,
        median_lines=median_lines,
        max_time=max_time or _max_time(km),
        ticks=ticks,
        **_size(width, height),
        **_top(title=title, default_title="Kaplan-Meier curves", synthetic=synthetic, frame=km),
    )


def at_risk_table_chart(
    table: pd.DataFrame,
    *,
    by: str = "arm",
    time_unit: str = "months",
    metrics: Sequence[str] = ("at_risk", "events"),
    max_time: float | None = None,
    title: str | None = None,
    width: int | None = None,
    y_extent: int | None = None,
    synthetic: bool | None = None,
) -> alt.Chart:
    """Numbers at risk (and cumulative events/censored) as a text table aligned with a time axis.

    Parameters
    ----------
    table : DataFrame
        From :func:`hcckit.survival.at_risk_table` (``arm``, ``time`` months, ``at_risk``,
        ``events``, ``censored``).
    metrics : sequence of str, default ("at_risk", "events")
        Rows per arm, in order: any of ``at_risk``, ``events``, ``censored`` (KMunicate shows all three).
    max_time : float, optional
        End of the time axis (months): use the KM chart's.
    width : int, optional
        Plot width in px.
    y_extent : int, optional
        Width in px kept for the row labels (default: enough for the longest, 150-300 px);
        :func:`km_panel` gives the curves the same, so the time axes line up.

    Returns
    -------
    altair.Chart
        Rows "arm: at risk", "arm: events" ...; columns at the table's times.
    """
    unknown = [m for m in metrics if m not in _METRIC_LABELS]
    if unknown:
        raise ValueError(f"metrics: unknown {unknown}; use {', '.join(_METRIC_LABELS)}")
    _check_columns(table, ["time", by, *metrics], name="table")
    order = _arm_order(table, by=by)
    data = table[[by, "time", *metrics]].copy()
    data[by] = _arm_names(data[by], by=by)
    # long arm names: the name on one line, what is counted on the next (never cut)
    two_lines = _two_line_rows(order, metrics)
    sep = _ROW_BREAK if two_lines else ": "
    rows = [f"{arm}{sep}{_METRIC_LABELS[m]}" for arm in order for m in metrics]
    labels = " + ".join(f"(datum.key == '{m}' ? '{_METRIC_LABELS[m]}' : '')" for m in metrics)
    extent = y_extent if y_extent is not None else _y_extent(table, by=by, metrics=metrics)
    y_axis = {
        **({"labelExpr": f"split(datum.label, '{_ROW_BREAK}')", "labelLineHeight": 16} if two_lines else {}),
        "title": "Patients",
        "minExtent": extent,
        "maxExtent": extent,
        "labelLimit": extent - _NUMBER_GAP,
        # the numbers at time 0 are centred on the axis: keep the labels clear of them
        "labelPadding": _NUMBER_GAP - 8,
        "grid": False,
        "ticks": False,
        "domain": False,
    }
    return alt.Chart(
        data,
        mark={"type": "text", "fontSize": MIN_FONT_PX},
        encoding=alt.FacetedEncoding(
            x=_x(max_time or _max_time(table), time_unit, list(table["time"].unique()), axis=False),
            y={"field": "row", "type": "nominal", "sort": rows, "axis": y_axis},
            text={"field": "value", "type": "quantitative", "format": "d"},
            color=_color(by, order, legend=False),
        ),
        transform=[
            {"fold": list(metrics), "as": ["key", "value"]},
            {"calculate": f"datum.{by} + '{sep}' + ({labels})", "as": "row"},
        ],
        height=(36 if two_lines else 18) * len(rows),
        **_size(width),
        **_top(title=title, default_title="Numbers at risk", synthetic=synthetic, frame=table),
    )


def _wrap_annotation(lines: Sequence[str], *, limit: int = 34) -> list[str]:
    """Long lines split before their last parenthesis ("HR ... (A vs B)" -> two lines), so the
    corner text stays in the upper right, clear of curves that start at 100 %."""
    out: list[str] = []
    for line in lines:
        text = str(line)
        cut = text.rfind(" (")
        if len(text) > limit and text.endswith(")") and cut > 0:
            out += [text[:cut], text[cut + 1 :]]
        else:
            out.append(text)
    return out


def _annotation_layer(lines: Sequence[str], *, width: int) -> alt.Chart:
    return alt.Chart(
        pd.DataFrame({"text": ["\n".join(_wrap_annotation(lines))]}),
        mark={
            "type": "text",
            "align": "right",
            "baseline": "top",
            "lineBreak": "\n",
            "fontSize": MIN_FONT_PX,
            "color": "#222222",
        },
        encoding=alt.FacetedEncoding(
            text={"field": "text", "type": "nominal"}, x={"value": width - 6}, y={"value": 6}
        ),
    )


def km_panel(
    km: pd.DataFrame,
    *,
    at_risk: pd.DataFrame | None = None,
    annotation: str | Sequence[str] | None = None,
    by: str = "arm",
    time_unit: str = "months",
    title: str | None = None,
    y_title: str = "Survival",
    metrics: Sequence[str] = ("at_risk", "events"),
    width: int = 520,
    height: int = 300,
    synthetic: bool | None = None,
) -> alt.VConcatChart:
    """KMunicate-style figure: KM curves with CI, censor marks, medians, an annotation and the at-risk table.

    Parameters
    ----------
    km : DataFrame
        From :func:`hcckit.survival.km_table`.
    at_risk : DataFrame, optional
        From :func:`hcckit.survival.at_risk_table`; its times become the x-axis ticks, so each
        column of numbers sits under its tick.
    annotation : str or list of str, optional
        Text in the top-right corner, e.g. ``comparison.annotation`` (HR with CI, log-rank p).

    Returns
    -------
    altair.VConcatChart
        Labelled SYNTHETIC when ``km`` is.
    """
    _check_columns(km, [*_KM_COLUMNS, by], name="km")
    order = _arm_order(km, at_risk, by=by)
    max_time = _max_time(km, at_risk)
    ticks = None if at_risk is None else sorted(at_risk["time"].unique().tolist())
    y_extent = _y_extent(km, at_risk, by=by, metrics=metrics if at_risk is not None else ())
    extra = []
    if annotation:
        lines = [annotation] if isinstance(annotation, str) else list(annotation)
        extra.append(_annotation_layer(lines, width=width))
    curves = _km_layers(
        km,
        by=by,
        order=order,
        time_unit=time_unit,
        y_title=y_title,
        ci=True,
        censor_marks=True,
        median_lines=True,
        max_time=max_time,
        ticks=ticks,
        extra=extra,
        y_extent=y_extent,
        width=width,
        height=height,
    )
    parts = [curves]
    if at_risk is not None:
        parts.append(
            at_risk_table_chart(
                at_risk,
                by=by,
                time_unit=time_unit,
                metrics=metrics,
                max_time=max_time,
                width=width,
                y_extent=y_extent,
                synthetic=False,
            )
        )
    return alt.VConcatChart(
        vconcat=parts,
        spacing=6,
        resolve={"scale": {"color": "shared"}},
        **_top(title=title, default_title="Kaplan-Meier curves", synthetic=synthetic, frame=km),
    )


def _published_layers(
    pub: pd.DataFrame,
    *,
    by: str,
    order: list[str],
    max_time: float,
    time_unit: str,
    y_title: str,
    y_extent: int = _Y_EXTENT,
) -> list[alt.Chart]:
    data = pub.replace([np.inf, -np.inf], np.nan).copy()
    data[by] = _arm_names(data[by], by=by)
    x = _x(max_time, time_unit, None)
    color = _color(by, order)
    ys = {"domain": [0, 1]}
    points = _unit(
        {
            "type": "point",
            "shape": "diamond",
            "filled": True,
            "size": 90,
            "stroke": "black",
            "strokeWidth": 0.8,
        },
        {
            "x": x,
            "y": _y_survival(y_title, extent=y_extent),
            "color": color,
            "tooltip": [
                {"field": by, "type": "nominal", "title": "Arm"},
                {"field": "kind", "type": "nominal", "title": "Published"},
                _q("time", title=f"Time ({time_unit})", format=".1f"),
                _q("survival", title="Survival", format=".1%"),
            ],
        },
        data=data,
    )
    landmark_ci = _unit(
        {"type": "rule", "strokeWidth": 1.5},
        {"x": x, "y": _q("ci_low", scale=ys), "y2": {"field": "ci_high"}, "color": color},
        [{"filter": "datum.kind == 'landmark' && isValid(datum.ci_low) && isValid(datum.ci_high)"}],
        data=data,
    )
    median_ci = _unit(
        {"type": "rule", "strokeWidth": 1.5},
        {
            "x": _q("time_ci_low", scale=_x_scale(max_time)),
            "x2": {"field": "hi"},
            "y": _q("survival", scale=ys),
            "color": color,
        },
        [
            {"filter": "datum.kind == 'median' && isValid(datum.time_ci_low)"},
            {
                "calculate": f"isValid(datum.time_ci_high) ? datum.time_ci_high : {float(max_time)}",
                "as": "hi",
            },
        ],
        data=data,
    )
    half = _unit(
        {"type": "rule", "strokeDash": [2, 3], "color": "#999999"},
        {"y": _q("y", scale=ys)},
        data=pd.DataFrame({"y": [0.5]}),
    )
    return [half, landmark_ci, median_ci, points]


def published_vs_reconstructed_chart(
    km: pd.DataFrame,
    *,
    published: pd.DataFrame,
    by: str = "arm",
    time_unit: str = "months",
    y_title: str = "Survival",
    title: str | None = None,
    width: int = 300,
    height: int = 260,
    synthetic: bool | None = None,
) -> alt.HConcatChart:
    """Side by side: the published points (left) and the reconstructed KM curves over them (right).

    Parameters
    ----------
    km : DataFrame
        From :func:`hcckit.survival.km_table` of the synthetic/reconstructed pseudo-patients.
    published : DataFrame
        From :func:`hcckit.survival.published_points`: medians (with time CIs) and landmark rates
        (with survival CIs); a limit "not reached" (inf) is drawn to the end of the axis.

    Returns
    -------
    altair.HConcatChart
        Both panels share scales and colours; labelled SYNTHETIC when ``km`` is.
    """
    _check_columns(km, [*_KM_COLUMNS, by], name="km")
    _check_columns(published, [by, "kind", "time", "survival"], name="published")
    order = _arm_order(km, published, by=by)
    max_time = max(_max_time(km), float(published["time"].max()) if len(published) else 0.0)
    # side by side, nothing to align with: y axes only as wide as "100%" (keeps the figure narrow)
    extent = _COMPACT_Y_EXTENT
    pub_layers = _published_layers(
        published,
        by=by,
        order=order,
        max_time=max_time,
        time_unit=time_unit,
        y_title=y_title,
        y_extent=extent,
    )
    left = alt.LayerChart(layer=pub_layers, title="Published", width=width, height=height)
    right = _km_layers(
        km,
        by=by,
        order=order,
        time_unit=time_unit,
        y_title=y_title,
        ci=True,
        censor_marks=False,
        median_lines=False,
        max_time=max_time,
        ticks=None,
        extra=pub_layers,
        y_extent=extent,
        title="Pseudo-patients over the published points",
        width=width,
        height=height,
    )
    return alt.HConcatChart(
        hconcat=[left, right],
        spacing=24,
        resolve={"scale": {"color": "shared"}},
        **_top(title=title, default_title="Published vs reconstructed", synthetic=synthetic, frame=km),
    )


def comparison_table_chart(
    comparison: pd.DataFrame, *, title: str | None = None, synthetic: bool | None = True
) -> alt.Chart:
    """Published vs reconstructed numbers as dots with CIs, one row per arm and statistic.

    Parameters
    ----------
    comparison : DataFrame
        From :func:`hcckit.survival.compare_published` (``arm``, ``statistic``, ``unit``,
        ``published``, ``reconstructed`` and their CIs). Medians (months) and rates (%) get
        separate panels (independent x scales).
    """
    _check_columns(comparison, ["arm", "statistic", "unit", "published", "reconstructed"], name="comparison")
    data = comparison.replace([np.inf, -np.inf], np.nan).copy()
    data["arm"] = data["arm"].astype(str)
    data["row"] = data["arm"] + ": " + data["statistic"]
    long = pd.concat(
        [
            data.assign(
                source="published",
                value=data["published"],
                lo=data.get("published_ci_low"),
                hi=data.get("published_ci_high"),
            ),
            data.assign(
                source="reconstructed",
                value=data["reconstructed"],
                lo=data.get("reconstructed_ci_low"),
                hi=data.get("reconstructed_ci_high"),
            ),
        ],
        ignore_index=True,
    )[["row", "unit", "source", "value", "lo", "hi"]]
    colour = alt.Color(
        "source:N",
        scale=alt.Scale(domain=["published", "reconstructed"], range=["#000000", "#D55E00"]),
        title=None,
    )
    offset = alt.YOffset("source:N", scale=alt.Scale(domain=["published", "reconstructed"]))
    base = alt.Chart(long).encode(
        y=alt.Y("row:N", title=None, sort=list(dict.fromkeys(data["row"]))), yOffset=offset, color=colour
    )
    rule = (
        base.transform_filter("isValid(datum.lo) && isValid(datum.hi)")
        .mark_rule()
        .encode(x=alt.X("lo:Q", title="Value (months for medians, % for rates)"), x2="hi:Q")
    )
    dots = base.mark_point(filled=True, size=60).encode(
        x="value:Q",
        tooltip=["row:N", "source:N", alt.Tooltip("value:Q", format=".1f"), "unit:N"],
    )
    chart = (
        alt.layer(rule, dots)
        .properties(width=240)
        .facet(
            column=alt.Column(
                "unit:N",
                title=None,
                header=alt.Header(labelExpr="datum.value == '%' ? 'Rates (%)' : 'Medians (months)'"),
            )
        )
        .resolve_scale(x="independent", y="independent")
    )
    return with_properties(
        chart,
        **_top(title=title, default_title="Published vs reconstructed numbers", synthetic=bool(synthetic)),
    )


# Lesson figures: zero-argument builders with default settings (seeded pseudo-patients through
# published numbers). hcckit.export lists them, with their titles, for slides.
def rct_pfs_figure():
    """KMunicate panel of Yan 2025 PFS: pseudo-patients, numbers at risk, HR and log-rank."""
    from hcckit import survival as sv

    data = sv.synthesize_published("yan2025_tace_bev", endpoint="PFS")
    control = list(data["arm"].cat.categories)[0]
    comparison = sv.compare_arms(data, reference=control)
    return km_panel(
        sv.km_table(data),
        at_risk=sv.at_risk_table(data),
        annotation=list(comparison.annotation),
        y_title="Progression-free survival",
        title="Yan 2025: TACE vs TACE + IA bevacizumab, PFS (pseudo-patients)",
    )


def pseudo_pfs_figure():
    """Pseudo-patients through ChiCTR2100049829's published PFS median and landmarks."""
    from hcckit import survival as sv

    arm = sv.synthesize_arm(
        45, median=17.9, landmarks={12: 0.733, 24: 0.385, 36: 0.237}, accrual=24, follow_up=15, seed=1
    )
    return km_panel(sv.km_table(arm), at_risk=sv.at_risk_table(arm), y_title="Progression-free survival")


def published_vs_pseudo_figure():
    """ChiCTR2100049829's published OS points against the pseudo-patients' KM curve."""
    from hcckit import survival as sv

    trial = "chictr2100049829_tace_atezo_bev"
    arm = sv.synthesize_published(trial, endpoint="OS", accrual=24, follow_up=15)
    published = sv.published_points(sv.published_arms(trial, endpoint="OS"))
    return published_vs_reconstructed_chart(sv.km_table(arm), published=published, y_title="Overall survival")
