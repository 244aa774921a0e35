"""Charts for lesson 01 (how arterial therapies work): modality schematic, blood supply,
the qualitative TACE/VEGF model, and the RCT's perfusion / biomarker / TACE-session numbers.

Every chart of the dynamic model carries :func:`hcckit.charts._common.label_model` (a visible
"QUALITATIVE teaching model" subtitle and a ``usermeta`` flag). Because altair accepts
``usermeta`` only on a top-level chart, model charts are ready to display or save but cannot be
layered further; retitle them with ``.properties(title=...)``.
"""

from __future__ import annotations

import functools

import altair as alt
import pandas as pd

from hcckit.charts._common import MIN_FONT_PX, PALETTE, empty_chart, label_model
from hcckit.charts._common import require_columns as _require

__all__ = [
    "modality_chart",
    "blood_supply_chart",
    "vegf_surge_chart",
    "vessels_chart",
    "tumour_chart",
    "dose_window_chart",
    "model_chart",
    "MODEL_VIEWS",
    "perfusion_chart",
    "biomarker_change_chart",
    "tace_sessions_chart",
    "lesson_figures",
]

_SOURCE_RCT = "Yan B et al. Ann Hepatol 2025 (randomised, 60 + 60 patients)"
_SOURCE_REVIEW = "Fu C et al. Hepatoma Res 2024;10:42"
_ARM_COLOURS = {"TACE": PALETTE[0], "TACE + IA bevacizumab": PALETTE[1]}
_SCENARIO_DASH = {"this scenario": [1, 0], "same TACE, no bevacizumab": [5, 4]}
_QUANTITY_COLOURS = {
    "HIF-1α": "#7B3294",
    "free VEGF": "#D55E00",
    "vessel density": "#0072B2",
    "vessel quality": "#009E73",
    "oxygen delivery": "#56B4E9",
    "viable tumour": "#B5485D",
    "hypoxia (0-1)": "#555555",
}


def _titled(chart, title, default):
    text = default if title is None else title
    return chart.properties(title=text) if text else chart


# --------------------------------------------------------------------------- modalities
def modality_chart(scene: pd.DataFrame, *, title: str | None = None, width: int = 520, height: int = 360):
    """Schematic liver for one modality, drawn with altair marks from ``mechanisms.modality_scene``.

    Areas (liver, tumour), rules (hepatic artery in red, portal vein in blue, catheter dashed;
    the stroke width shows which vessel carries most of the supply), points (what is
    delivered, with a legend), a cross where the artery is blocked and text labels.
    """
    _require(scene, ["element", "part", "x", "y", "x2", "y2", "width", "colour", "text"], "scene")
    if scene.empty:
        return empty_chart("Nothing to draw for this modality.")
    modality = str(scene["modality"].iloc[0]) if "modality" in scene else ""
    xs = alt.Scale(domain=[0, 10], nice=False)
    ys = alt.Scale(domain=[-0.5, 7.0], nice=False)
    x = alt.X("x:Q", scale=xs, axis=None)
    y = alt.Y("y:Q", scale=ys, axis=None)

    def part(element):
        return scene[scene["element"] == element]

    layers = []
    for element, opacity in (("liver", 1.0), ("tumour", 0.85)):
        df = part(element)
        if not df.empty:
            layers.append(
                alt.Chart(df)
                .mark_area(opacity=opacity, stroke="#8A5A44", strokeWidth=1)
                .encode(x, y, y2="y2:Q", color=alt.Color("colour:N", scale=None))
            )
    for element, dash in (("vessel", [1, 0]), ("catheter", [6, 3])):
        df = part(element)
        if not df.empty:
            layers.append(
                alt.Chart(df)
                .mark_rule(strokeCap="round", strokeDash=dash)
                .encode(
                    x,
                    y,
                    x2="x2:Q",
                    y2="y2:Q",
                    color=alt.Color("colour:N", scale=None),
                    strokeWidth=alt.StrokeWidth("width:Q", scale=None),
                    tooltip=[alt.Tooltip("part:N", title="vessel")],
                )
            )
    halo = part("halo")
    if not halo.empty:
        layers.append(
            alt.Chart(halo)
            .mark_circle(opacity=0.25)
            .encode(x, y, size=alt.Size("width:Q", scale=None), color=alt.Color("colour:N", scale=None))
        )
    material = part("material")
    if not material.empty:
        parts = list(dict.fromkeys(material["part"]))
        colours = [material.loc[material["part"] == p, "colour"].iloc[0] for p in parts]
        layers.append(
            alt.Chart(material)
            .mark_point(filled=True, opacity=0.95, stroke="#333333", strokeWidth=0.5)
            .encode(
                x,
                y,
                size=alt.Size("width:Q", scale=None),
                color=alt.Color(
                    "part:N",
                    scale=alt.Scale(domain=parts, range=colours),
                    legend=alt.Legend(title="Delivered", orient="right", labelLimit=260),
                ),
                shape=alt.Shape("part:N", scale=alt.Scale(domain=parts), legend=None),
                tooltip=[alt.Tooltip("part:N", title="delivered")],
            )
        )
    occlusion = part("occlusion")
    if not occlusion.empty:
        layers.append(
            alt.Chart(occlusion)
            .mark_point(shape="cross", filled=True, color="black", angle=45)
            .encode(x, y, size=alt.Size("width:Q", scale=None), tooltip=alt.Tooltip("text:N", title="note"))
        )
    labels = part("label")
    if not labels.empty:
        layers.append(
            alt.Chart(labels)
            .mark_text(fontSize=MIN_FONT_PX, fontWeight="bold", color="#222222")
            .encode(x, y, text="text:N")
        )
    chart = (
        alt.layer(*layers)
        .resolve_scale(color="independent", size="independent")
        .properties(width=width, height=height)
    )
    default = alt.TitleParams(
        text=f"{modality}: what is delivered, and where" if modality else "Arterial therapy",
        subtitle=[
            "Schematic drawn by hcckit, not to scale.",
            "Red: hepatic artery; blue: portal vein; line width: share of the supply; dashed: catheter.",
            f"Descriptions from {_SOURCE_REVIEW} (text and Figure 1 legend).",
        ],
        anchor="start",
    )
    return chart.properties(title=default if title is None else title)


def blood_supply_chart(table: pd.DataFrame, *, title: str | None = None):
    """Dual blood supply as stacked bars: normal liver (75 % portal, reported) vs HCC (predominantly arterial).

    ``table`` is ``mechanisms.blood_supply_table()``. Segments the source does not quantify are
    drawn pale with the words "not reported".
    """
    _require(table, ["tissue", "vessel", "start_pct", "end_pct", "reported", "statement"], "table")
    if table.empty:
        return empty_chart("No blood-supply data.")
    df = table.assign(
        mid=(table["start_pct"] + table["end_pct"]) / 2,
        label=[
            f"{v} {e - s:.0f} %"
            if r
            else ("hepatic artery > 50 %" if v == "hepatic artery" else "split not reported")
            for v, s, e, r in zip(
                table["vessel"], table["start_pct"], table["end_pct"], table["reported"], strict=True
            )
        ],
    )
    colour = alt.Color(
        "vessel:N",
        scale=alt.Scale(
            domain=["portal vein", "hepatic artery", "not reported"], range=["#3A5BA0", "#D62828", "#D9D9D9"]
        ),
        legend=alt.Legend(title="Supplied by", orient="bottom"),
    )
    y = alt.Y("tissue:N", title=None, sort=["Normal liver", "HCC"], axis=alt.Axis(labelFontSize=14))
    bars = (
        alt.Chart(df)
        .mark_bar(height=42, stroke="white")
        .encode(
            x=alt.X("start_pct:Q", title="Share of the blood supply (%)", scale=alt.Scale(domain=[0, 100])),
            x2="end_pct:Q",
            y=y,
            color=colour,
            tooltip=["tissue:N", "vessel:N", alt.Tooltip("statement:N", title="source says")],
        )
    )
    text = (
        alt.Chart(df)
        .mark_text(color="white", fontWeight="bold", fontSize=MIN_FONT_PX)
        .encode(x="mid:Q", y=y, text="label:N")
    )
    # wide enough that the 25 % segment holds its label ("hepatic artery 25 %", bold 14 px)
    chart = (bars + text).properties(width=760, height=150)
    default = alt.TitleParams(
        text="Dual blood supply: why arterial therapy is selective",
        subtitle=[
            f"{_SOURCE_REVIEW}: normal liver ~75 % portal; HCC 'predominantly' hepatic-arterial (no %)."
        ],
        anchor="start",
    )
    return chart.properties(title=default if title is None else title)


# --------------------------------------------------------------------------- the model
# The model views share one tidy table (``_model_data``) and read their part of it through a
# ``panel`` filter. The chart layout (encodings, scales, titles) is built once and cached;
# a slider change only swaps the data (``.properties(data=...)``), which keeps redraws fast.
_RUN_COLUMNS = {
    "hif": "HIF-1α",
    "vegf_free": "free VEGF",
    "vessel_density": "vessel density",
    "vessel_quality": "vessel quality",
    "oxygen_delivery": "oxygen delivery",
    "tumour": "viable tumour",
    "hypoxia": "hypoxia (0-1)",
}
_WINDOW_COLUMNS = {
    "quality_gain_pct": "vessel quality gain",
    "pruned_pct": "vessels pruned",
    "hypoxia_change_pts": "hypoxia vs TACE alone",
}
#: Subtitle of the dose-window view: the dose dependence is preclinical, the clinical dose is 15 mg/kg.
WINDOW_CAVEAT = [
    "Dose dependence: a preclinical hypothesis (mice).",
    "Standard dose in HCC: 15 mg/kg IV every 3 weeks.",
]
_ZONES = {
    "below the window": "#EDEDED",
    "normalisation window": "#CDEBC5",
    "pruning (hypoxia)": "#F7C6C6",
}


def _run_rows(run: pd.DataFrame, scenario: str) -> pd.DataFrame:
    _require(run, ["time_h", "time_days", *_RUN_COLUMNS], "run")
    # every 2 h in the first week (surge), every 12 h afterwards (slow course)
    keep = (run["time_h"] <= 168) | (run["time_h"] % 12 == 0)
    out = run.loc[keep, ["time_h", "time_days", *_RUN_COLUMNS]].rename(columns=_RUN_COLUMNS)
    return out.assign(panel="run", scenario=scenario)


def _model_data(run, reference=None, window=None, current_dose=None) -> pd.DataFrame:
    frames = [_run_rows(run, "this scenario")]
    if reference is not None:
        frames.append(_run_rows(reference, "same TACE, no bevacizumab"))
    week = run[run["time_h"] <= 168]
    if not week.empty:
        i = week["vegf_free"].idxmax()
        frames.append(pd.DataFrame({"panel": ["peak"], "time_h": [float(week.loc[i, "time_h"])]}))
    if window is not None and not window.empty:
        _require(window, ["dose_mg_kg", "quality_gain_pct", "pruned_pct", "zone"], "window")
        w = window[["dose_mg_kg", "quality_gain_pct", "pruned_pct", "zone"]].assign(
            # percentage points of hypoxia (0-1 x 100) against the same TACE without bevacizumab
            hypoxia_change_pts=100.0 * window["hypoxia_change"]
            if "hypoxia_change" in window
            else float("nan")
        )
        w = w.rename(columns=_WINDOW_COLUMNS)
        frames.append(w.assign(panel="window"))
        doses = window["dose_mg_kg"].to_numpy(dtype=float)
        mids = [(a + b) / 2 for a, b in zip(doses[:-1], doses[1:], strict=True)]
        zones = window.assign(start=[doses[0], *mids], end=[*mids, doses[-1]])
        zones = zones[zones["zone"].isin(list(_ZONES))]
        frames.append(zones[["start", "end", "zone"]].assign(panel="zone"))
        if current_dose is not None:
            frames.append(pd.DataFrame({"panel": ["dose"], "dose_mg_kg": [float(current_dose)]}))
    return pd.concat(frames, ignore_index=True)


def _panel(name: str):
    return alt.Chart().transform_filter(alt.datum.panel == name)


def _line_layer(
    quantities, time_col, x_title, y_title, *, max_h=None, legend_columns=0, scenario_legend=True
):
    """Lines of ``quantities`` over time, one dash per scenario.

    ``legend_columns``: columns of the quantity legend above the plot (0: all in one row);
    ``scenario_legend``: show the solid/dashed legend under the plot (a multi-view figure shows
    it once, under its first view over time).
    """
    base = _panel("run")
    if max_h is not None:
        base = base.transform_filter(alt.datum.time_h <= max_h)
    scenarios = list(_SCENARIO_DASH)
    return (
        base.transform_fold(quantities, as_=["quantity", "value"])
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X(f"{time_col}:Q", title=x_title),
            y=alt.Y("value:Q", title=y_title),
            color=alt.Color(
                "quantity:N",
                scale=alt.Scale(domain=quantities, range=[_QUANTITY_COLOURS[q] for q in quantities]),
                legend=alt.Legend(title=None, orient="top", labelLimit=300, columns=legend_columns),
            ),
            strokeDash=alt.StrokeDash(
                "scenario:N",
                scale=alt.Scale(domain=scenarios, range=[_SCENARIO_DASH[s] for s in scenarios]),
                legend=alt.Legend(title=None, orient="bottom", labelLimit=300) if scenario_legend else None,
            ),
            detail="scenario:N",
            tooltip=[
                alt.Tooltip(f"{time_col}:Q", title=x_title, format=".0f"),
                "quantity:N",
                "scenario:N",
                alt.Tooltip("value:Q", format=".2f"),
            ],
        )
    )


def _surge_spec(width, height, *, layout="single", scenario_legend=True):
    band = (
        alt.Chart(
            pd.DataFrame(
                {"start": [48.0], "end": [72.0], "what": ["VEGF peak 48-72 h after TACE (RCT discussion)"]}
            )
        )
        .mark_rect(color="#F0E442", opacity=0.35)
        .encode(x="start:Q", x2="end:Q", tooltip="what:N")
    )
    lines = _line_layer(
        ["HIF-1α", "free VEGF"],
        "time_h",
        "Time after TACE (hours)",
        "Level (× pre-TACE)",
        max_h=168,
        scenario_legend=scenario_legend,
    )
    peak = (
        _panel("peak").mark_rule(color=_QUANTITY_COLOURS["free VEGF"], strokeDash=[2, 2]).encode(x="time_h:Q")
    )
    text = (
        "First week: HIF-1α and the VEGF surge (hours)"
        if layout != "row"
        else "First week: the VEGF surge (hours)"
    )
    subtitle = (
        "yellow: peak reported 48-72 h (RCT); dotted: model peak"
        if layout != "row"
        else "yellow: reported peak (RCT); dotted: model peak"
    )
    title = alt.TitleParams(text, subtitle=subtitle, anchor="start", fontSize=MIN_FONT_PX)
    return alt.layer(band, lines, peak, width=width, height=height, title=title)


def _vessels_spec(width, height, *, layout="single", scenario_legend=True):
    lines = _line_layer(
        ["vessel density", "vessel quality", "oxygen delivery"],
        "time_days",
        "Time after TACE (days)",
        "Level (× pre-TACE)",
        legend_columns=0 if layout == "single" else 2,
        scenario_legend=scenario_legend,
    )
    text = (
        "Vessels: regrowth, normalisation, pruning"
        if layout == "row"
        else ["Vessels: revascularisation,", "normalisation, pruning (days)"]
    )
    title = alt.TitleParams(text, anchor="start", fontSize=MIN_FONT_PX)
    return lines.properties(width=width, height=height, title=title)


def _tumour_spec(width, height, *, layout="single", scenario_legend=True):
    lines = _line_layer(
        ["viable tumour", "hypoxia (0-1)"],
        "time_days",
        "Time after TACE (days)",
        ["Viable tumour (× pre-TACE);", "hypoxia (0-1)"],
        legend_columns=0 if layout == "single" else 2,
        scenario_legend=scenario_legend,
    )
    title = alt.TitleParams("Tumour: necrosis, then regrowth (days)", anchor="start", fontSize=MIN_FONT_PX)
    return lines.properties(width=width, height=height, title=title)


def _window_spec(width, height, *, layout="single", scenario_legend=True):
    del scenario_legend  # a view over dose: the scenarios are not drawn here
    right = layout == "row"  # one row of views: both legends right of the plot (height is scarce)
    shade = (
        _panel("zone")
        .mark_rect(opacity=0.8)
        .encode(
            x="start:Q",
            x2="end:Q",
            color=alt.Color(
                "zone:N",
                scale=alt.Scale(domain=list(_ZONES), range=list(_ZONES.values())),
                legend=alt.Legend(
                    title="Model zone",
                    orient="right" if right else "bottom",
                    columns=2 if layout == "grid" else 1,
                ),
            ),
            tooltip=["zone:N"],
        )
    )
    measures = list(_WINDOW_COLUMNS.values())
    lines = (
        _panel("window")
        .transform_fold(measures, as_=["measure", "pct"])
        .transform_filter("isValid(datum.pct)")
        .mark_line(point=True, strokeWidth=2.5, color="#0072B2")
        .encode(
            x=alt.X("dose_mg_kg:Q", title="Bevacizumab dose (mg/kg)"),
            y=alt.Y("pct:Q", title="% or % points (days 7-42)"),
            strokeDash=alt.StrokeDash(
                "measure:N",
                scale=alt.Scale(domain=measures, range=[[1, 0], [4, 3], [1, 3]]),
                legend=alt.Legend(title=None, orient="right" if right else "top", columns=1),
            ),
            tooltip=[
                alt.Tooltip("dose_mg_kg:Q", title="dose (mg/kg)"),
                "measure:N",
                alt.Tooltip("pct:Q", format=".1f"),
            ],
        )
    )
    dose = (
        _panel("dose")
        .mark_rule(color="black", strokeWidth=2)
        .encode(x="dose_mg_kg:Q", tooltip=[alt.Tooltip("dose_mg_kg:Q", title="your dose (mg/kg)")])
    )
    title = alt.TitleParams(
        "The normalisation window (dose, mg/kg)", subtitle=WINDOW_CAVEAT, anchor="start", fontSize=MIN_FONT_PX
    )
    return alt.layer(shade, lines, dose, width=width, height=height, title=title).resolve_scale(
        color="independent"
    )


_INDEPENDENT = alt.Resolve(
    scale=alt.ScaleResolveMap(color="independent", strokeDash="independent"),
    legend=alt.LegendResolveMap(color="independent", strokeDash="independent"),
)

#: The views of the model figure, in the order of the full (2 x 2) figure: the first week after
#: TACE (hours), the dose window (mg/kg), vessels and tumour (days 0-60).
MODEL_VIEWS = ("surge", "window", "vessels", "tumour")
_VIEW_SPECS = {"surge": _surge_spec, "window": _window_spec, "vessels": _vessels_spec, "tumour": _tumour_spec}
#: Plot sizes (width, height; px) of one view: in the 2 x 2 figure (about 840 x 720 px in all) and
#: in one row of two views (at most about 965 x 360 px in all: fits one 1280 x 800 screen with the controls).
_MODEL_PLOT = (270, 140)
_ROW_PLOT = (290, 156)
_MODEL_HEADING = ("TACE → hypoxia → HIF-1α → VEGF surge →", "revascularisation (a didactic model)")


def _check_views(views, with_window: bool) -> tuple[str, ...]:
    if views is None:
        return tuple(v for v in MODEL_VIEWS if with_window or v != "window")
    if isinstance(views, str):
        views = (views,)
    try:
        views = tuple(views)
    except TypeError:
        raise TypeError(f"views: expected names from {list(MODEL_VIEWS)}, got {views!r}") from None
    unknown = [v for v in views if v not in MODEL_VIEWS]
    if unknown or not views:
        raise ValueError(f"views: {unknown or 'none'} given; choose one or more of {list(MODEL_VIEWS)}")
    if len(set(views)) != len(views):
        raise ValueError(f"views: {list(views)} names a view twice")
    if "window" in views and not with_window:
        raise ValueError("views: 'window' needs the dose window (window=mechanisms.dose_window(...))")
    return views


@functools.lru_cache(maxsize=16)
def _model_template(views: tuple[str, ...], title: str | tuple[str, ...]):
    # more than two views: a 2 x 2 grid (export); one or two: one row that fits a screen with controls
    layout = "grid" if len(views) > 2 else "row"
    size = _MODEL_PLOT if layout == "grid" else _ROW_PLOT
    first_over_time = next((v for v in views if v != "window"), None)
    specs = [_VIEW_SPECS[v](*size, layout=layout, scenario_legend=v == first_over_time) for v in views]
    if isinstance(title, tuple):
        text = list(title) if layout == "grid" else " ".join(title)  # one line is enough over one row
        heading = alt.TitleParams(text=text, anchor="start")
    else:
        heading = title
    chart = alt.concat(*specs, columns=2, resolve=_INDEPENDENT, title=heading)
    chart = label_model(chart)
    chart.to_dict(validate=True)  # the layout is validated once, here ...
    return _TemplateConcat(**chart._kwds)  # ... so redraws (new data only) can skip it


class _TemplateConcat(alt.ConcatChart):
    """A ``ConcatChart`` whose ``to_dict`` skips JSON-schema validation unless asked.

    Used only for the cached model layout: its spec is validated once when the template is
    built (see ``_model_template``), and a redraw changes nothing but the data frame (which
    altair does not validate anyway). Skipping the repeated validation halves the time from a
    slider change to the new chart. ``to_dict(validate=True)`` still validates.
    """

    def to_dict(self, validate: bool = False, **kwargs):
        return super().to_dict(validate=validate, **kwargs)


@functools.lru_cache(maxsize=16)
def _single_template(kind: str, title: str | None):
    chart = _VIEW_SPECS[kind](520, 300)
    return label_model(chart if title is None else chart.properties(title=title))


def vegf_surge_chart(run: pd.DataFrame, *, reference: pd.DataFrame | None = None, title: str | None = None):
    """First week after TACE: HIF-1α and free VEGF (× pre-TACE) against hours, with the 48-72 h band.

    ``run`` (and optionally ``reference``, drawn dashed) come from ``mechanisms.simulate``.
    Labelled as qualitative model output.
    """
    return _single_template("surge", title).properties(data=_model_data(run, reference))


def vessels_chart(run: pd.DataFrame, *, reference: pd.DataFrame | None = None, title: str | None = None):
    """Vessel density, vessel quality and oxygen delivery (× pre-TACE) against days after TACE (model)."""
    return _single_template("vessels", title).properties(data=_model_data(run, reference))


def tumour_chart(run: pd.DataFrame, *, reference: pd.DataFrame | None = None, title: str | None = None):
    """Viable tumour (× pre-TACE) and hypoxia (0-1) against days after TACE (model)."""
    return _single_template("tumour", title).properties(data=_model_data(run, reference))


def dose_window_chart(window: pd.DataFrame, *, current_dose: float | None = None, title: str | None = None):
    """Vessel-quality gain, pruning (%) and hypoxia change (% points) against bevacizumab dose (mg/kg).

    ``window`` is ``mechanisms.dose_window(...)``; ``current_dose`` draws a vertical rule. Zones
    are shaded; the subtitle says that the dose dependence is a preclinical hypothesis and that
    the standard dose in HCC is 15 mg/kg IV every 3 weeks (qualitative model output).
    """
    _require(window, ["dose_mg_kg", "quality_gain_pct", "pruned_pct", "zone"], "window")
    if window.empty:
        return empty_chart("No doses to show.")
    rows = _model_data(
        pd.DataFrame(columns=["time_h", "time_days", *_RUN_COLUMNS]), None, window, current_dose
    )
    return _single_template("window", title).properties(data=rows)


def model_chart(
    run: pd.DataFrame,
    *,
    reference: pd.DataFrame | None = None,
    window: pd.DataFrame | None = None,
    current_dose: float | None = None,
    title: str | None = None,
    views=None,
):
    """The model views in one figure: VEGF surge (hours) | dose window, vessels | tumour (days).

    ``run`` and ``reference`` (drawn dashed: the same TACE without bevacizumab) come from
    ``mechanisms.simulate``; ``window`` from ``mechanisms.dose_window`` (left out when None);
    ``current_dose`` (mg/kg) is marked on the window. Labelled as qualitative model output.

    ``views`` names the views to draw, in order, from :data:`MODEL_VIEWS` (``"surge"``: first
    week, hours; ``"window"``: the dose window, mg/kg; ``"vessels"``, ``"tumour"``: days 0-60).
    Default (None): all of them (without ``"window"`` when ``window`` is None) in a 2 x 2 grid of
    about 840 x 720 px, the figure for export. One or two views are drawn in one row of at
    most about 965 x 360 px (``_ROW_PLOT`` per plot), which fits one 1280 x 800 screen under the controls.
    """
    with_window = window is not None and not window.empty
    chosen = _check_views(views, with_window)
    template = _model_template(chosen, _MODEL_HEADING if title is None else title)
    return template.properties(data=_model_data(run, reference, window, current_dose))


# --------------------------------------------------------------------------- trial evidence
def perfusion_chart(perfusion: pd.DataFrame, *, title: str | None = None):
    """DCE-MRI perfusion after treatment per arm: one small bar chart per parameter, each with its unit.

    ``perfusion`` is ``mechanisms.perfusion_table()``; error bars are mean ± the spread as printed (SE).
    """
    _require(perfusion, ["item", "label", "unit", "arm", "mean", "spread"], "perfusion")
    if perfusion.empty:
        return empty_chart("No perfusion measurements curated for this trial.")
    arms = list(dict.fromkeys(perfusion["arm"]))
    colour = alt.Color(
        "arm:N",
        scale=alt.Scale(domain=arms, range=[_ARM_COLOURS.get(a, PALETTE[i]) for i, a in enumerate(arms)]),
        legend=alt.Legend(title=None, orient="top"),
    )
    panels = []
    for item in dict.fromkeys(perfusion["item"]):
        df = perfusion[perfusion["item"] == item].assign(
            low=lambda d: d["mean"] - d["spread"], high=lambda d: d["mean"] + d["spread"]
        )
        label, unit = df["label"].iloc[0], df["unit"].iloc[0]
        x = alt.X("arm:N", title=None, sort=arms, axis=alt.Axis(labels=False, ticks=False))
        bars = (
            alt.Chart(df)
            .mark_bar(width=46)
            .encode(
                x=x,
                y=alt.Y("mean:Q", title=f"{label} ({unit})"),
                color=colour,
                tooltip=[
                    "arm:N",
                    alt.Tooltip("mean:Q", title=f"mean ({unit})"),
                    alt.Tooltip("spread:Q", title="± SE"),
                    "n:Q",
                ],
            )
        )
        errs = alt.Chart(df).mark_rule(strokeWidth=2).encode(x=x, y="low:Q", y2="high:Q")
        panels.append(
            (bars + errs).properties(
                width=150, height=240, title=alt.TitleParams(label, fontSize=MIN_FONT_PX)
            )
        )
    chart = alt.hconcat(*panels)
    default = alt.TitleParams(
        text="Tumour perfusion after treatment (DCE-MRI)",
        subtitle=[f"{_SOURCE_RCT}, Table 2: mean ± SE as printed, n = 58 per arm (curated values)."],
        anchor="start",
    )
    return chart.properties(title=default if title is None else title)


def biomarker_change_chart(changes: pd.DataFrame, *, title: str | None = None):
    """Reductions reported for TACE + bevacizumab (%): Ktrans, blood flow, VEGF, SDF-1 (curated)."""
    _require(changes, ["item", "label", "kind", "change_pct"], "changes")
    if changes.empty:
        return empty_chart("No biomarker changes curated for this trial.")
    df = changes.assign(text=changes["change_pct"].map(lambda v: f"{v:+.1f} %"))
    y = alt.Y("label:N", title=None, sort=list(df["label"]))
    bars = (
        alt.Chart(df)
        .mark_bar(height=26)
        .encode(
            x=alt.X(
                "change_pct:Q", title="Change with TACE + bevacizumab (%)", scale=alt.Scale(domain=[-50, 0])
            ),
            y=y,
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(
                    domain=["DCE-MRI perfusion", "plasma biomarker"], range=[PALETTE[0], PALETTE[3]]
                ),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[
                "label:N",
                alt.Tooltip("change_pct:Q", title="change (%)"),
                alt.Tooltip("note:N", title="note"),
            ],
        )
    )
    text = (
        alt.Chart(df)
        .mark_text(align="right", dx=-4, color="white", fontWeight="bold")
        .encode(x="change_pct:Q", y=y, text="text:N")
    )
    chart = (bars + text).properties(width=460, height=170)
    default = alt.TitleParams(
        text="What intra-arterial bevacizumab changed",
        subtitle=[
            f"{_SOURCE_RCT}, Discussion: reductions in the combination group (curated).",
            "VEGF/SDF-1: reference (baseline or control) not stated by the authors.",
        ],
        anchor="start",
    )
    return chart.properties(title=default if title is None else title)


def tace_sessions_chart(sessions: pd.DataFrame, *, title: str | None = None):
    """TACE sessions per arm (count): mean with ± spread as printed (curated, RCT Section 3.2)."""
    _require(sessions, ["arm", "value", "statistic", "spread_kind", "spread_low"], "sessions")
    if sessions.empty:
        return empty_chart("No TACE-session numbers curated for this trial.")
    arms = list(dict.fromkeys(sessions["arm"]))
    df = sessions.assign(
        low=sessions["value"] - sessions["spread_low"].fillna(0),
        high=sessions["value"] + sessions["spread_low"].fillna(0),
        text=[f"{s} {v:.1f}" for s, v in zip(sessions["statistic"], sessions["value"], strict=True)],
    )
    x = alt.X("arm:N", title=None, sort=arms, axis=alt.Axis(labelAngle=0, labelFontSize=MIN_FONT_PX))
    bars = (
        alt.Chart(df)
        .mark_bar(width=70)
        .encode(
            x=x,
            y=alt.Y("value:Q", title="TACE sessions per patient (count)"),
            color=alt.Color(
                "arm:N",
                scale=alt.Scale(
                    domain=arms, range=[_ARM_COLOURS.get(a, PALETTE[i]) for i, a in enumerate(arms)]
                ),
                legend=None,
            ),
            tooltip=[
                "arm:N",
                "statistic:N",
                "value:Q",
                alt.Tooltip("spread_low:Q", title="± (as printed)"),
                "n:Q",
            ],
        )
    )
    errs = alt.Chart(df).mark_rule(strokeWidth=2).encode(x=x, y="low:Q", y2="high:Q")
    text = (
        alt.Chart(df).mark_text(dy=-10, dx=24, fontSize=MIN_FONT_PX).encode(x=x, y="value:Q", text="text:N")
    )
    chart = (bars + errs + text).properties(width=300, height=260)
    default = alt.TitleParams(
        text="Fewer TACE sessions with bevacizumab",
        subtitle=[f"{_SOURCE_RCT}, Section 3.2: mean ± 'SD' as printed (Methods say ± is SE); P = 0.017."],
        anchor="start",
    )
    return chart.properties(title=default if title is None else title)


def _rct_scenario():
    from hcckit import mechanisms as m

    return m.PRESETS["TACE + bevacizumab 5 mg/kg right after (as in the RCT)"]


# Lesson figures: zero-argument builders (one key for the modality schematics) drawn from the kit's
# own data. hcckit.export lists them, with their titles, for slides.
def modality_figure(key: str):
    """The schematic of modality ``key`` (one of ``hcckit.mechanisms.MODALITY_KEYS``)."""
    from hcckit import mechanisms as m

    return modality_chart(m.modality_scene(key))


def blood_supply_figure():
    from hcckit import mechanisms as m

    return blood_supply_chart(m.blood_supply_table())


def model_figure():
    """The qualitative model of the RCT's scenario (5 mg/kg bevacizumab) beside the same TACE alone."""
    from hcckit import mechanisms as m

    rct = _rct_scenario()
    run, ref = m.simulate(rct), m.simulate(rct.without_bevacizumab())
    return model_chart(run, reference=ref, window=m.dose_window(rct), current_dose=5.0)


def vegf_surge_figure():
    from hcckit import mechanisms as m

    rct = _rct_scenario()
    return vegf_surge_chart(m.simulate(rct), reference=m.simulate(rct.without_bevacizumab()))


def dose_window_figure():
    from hcckit import mechanisms as m

    return dose_window_chart(m.dose_window(_rct_scenario()), current_dose=5.0)


def perfusion_figure():
    from hcckit import mechanisms as m

    return perfusion_chart(m.perfusion_table())


def biomarkers_figure():
    from hcckit import mechanisms as m

    return biomarker_change_chart(m.biomarker_change_table())


def tace_sessions_figure():
    from hcckit import mechanisms as m

    return tace_sessions_chart(m.tace_sessions_table())


def lesson_figures() -> dict:
    """The lesson's main figures with default settings, by file-friendly name (``mechanisms_<name>``)."""
    from hcckit import mechanisms as m

    figures = {
        f"mechanisms_modality_{k.lower().replace('-', '')}": modality_figure(k) for k in m.MODALITY_KEYS
    }
    for name, build in (
        ("blood_supply", blood_supply_figure),
        ("model", model_figure),
        ("vegf_surge", vegf_surge_figure),
        ("dose_window", dose_window_figure),
        ("perfusion", perfusion_figure),
        ("biomarkers", biomarkers_figure),
        ("tace_sessions", tace_sessions_figure),
    ):
        figures[f"mechanisms_{name}"] = build()
    return figures
