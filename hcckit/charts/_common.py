"""Shared chart helpers: the kit's theme, the synthetic-data caption, static export.

Chart functions in :mod:`hcckit.charts` return *unconfigured* altair charts (so the
caller can still layer, concatenate or retitle them); the theme is registered here
and enabled by :func:`hcckit.widgets.setup` or by a notebook.
"""

from __future__ import annotations

from pathlib import Path

import altair as alt

__all__ = [
    "SYNTHETIC_LABEL",
    "MIN_FONT_PX",
    "MODEL_LABEL",
    "THEME_NAME",
    "register_theme",
    "label_synthetic",
    "label_model",
    "save_chart",
    "empty_chart",
]

SYNTHETIC_LABEL = "SYNTHETIC pseudo-patients simulated from published summaries - not trial data"
MODEL_LABEL = "QUALITATIVE teaching model - not predictive, not fitted to patient data"
THEME_NAME = "hcckit"

# Colour-blind-safe palette (Okabe-Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
RESPONSE_COLOURS = {"CR": "#009E73", "PR": "#56B4E9", "SD": "#E69F00", "PD": "#D55E00", "NE": "#999999"}


def reuse_altair_class_table() -> None:
    """Make altair build its schema-to-class table once per process instead of on every encoding.

    ``SchemaBase.from_dict`` (called for every shorthand such as ``x="day:Q"``) constructs a new
    ``altair.utils.schemapi._FromDict``, which hashes the JSON schema of all ~600 altair classes
    (about 8 ms each time): a third to a half of the time to build a lesson chart. The table
    depends only on the set of wrapper classes, so one instance per set is reused (altair's own
    draft fix, vega/altair#3547, does the same). Results are unchanged
    (tests/test_charts_common.py compares them with altair's own); idempotent.
    """
    from altair.utils import schemapi

    if getattr(schemapi._FromDict, "_hcckit_reused", False):
        return
    original = schemapi._FromDict
    tables: dict[tuple, object] = {}

    class _ReusedFromDict(original):
        _hcckit_reused = True
        _original = original

        def __new__(cls, wrapper_classes, /):
            key = tuple(wrapper_classes)
            converter = tables.get(key)
            if converter is None:
                converter = object.__new__(cls)
                original.__init__(converter, key)
                tables[key] = converter
            return converter

        def __init__(self, wrapper_classes, /) -> None:  # built once, in __new__
            pass

    schemapi._FromDict = _ReusedFromDict


reuse_altair_class_table()


#: Smallest chart text in px: read from the back of a classroom on a 1280x800 projector
#: (tests/test_chart_text.py renders every lesson figure and checks every text element).
MIN_FONT_PX = 14


def _theme() -> dict:
    small = MIN_FONT_PX
    return {
        "config": {
            "font": "DejaVu Sans, Arial, sans-serif",
            "view": {"continuousWidth": 560, "continuousHeight": 320, "stroke": None},
            "range": {"category": PALETTE},
            "axis": {
                "labelFontSize": small,
                "titleFontSize": small + 1,
                "grid": True,
                "gridOpacity": 0.4,
                "labelLimit": 260,
            },
            "legend": {"labelFontSize": small, "titleFontSize": small, "labelLimit": 320},
            "header": {"labelFontSize": small, "titleFontSize": small + 1},
            "title": {"fontSize": 19, "subtitleFontSize": small, "anchor": "start", "limit": 0},
            "text": {"fontSize": small},
        }
    }


def register_theme() -> None:
    """Register and enable the kit's altair theme (larger fonts for projectors, colour-blind palette).

    Also enables the ``hcckit`` data transformer (:func:`records_transformer`).
    """
    try:  # altair >= 5.5
        alt.theme.register(THEME_NAME, enable=True)(_theme)
    except AttributeError:  # pragma: no cover - altair < 5.5
        alt.themes.register(THEME_NAME, _theme)
        alt.themes.enable(THEME_NAME)
    alt.data_transformers.register("hcckit", records_transformer)
    alt.data_transformers.enable("hcckit")


#: Most rows one chart layer may carry (altair's own default is 5,000). Uploads are bounded
#: (:data:`hcckit.uploads.MAX_ROWS` = 20,000 measurement rows), so a teacher's file well inside
#: the stated limits always draws: 1,251 patients x 4 visits was refused at altair's 5,000.
MAX_CHART_ROWS = 100_000


def records_transformer(data, max_rows: int = MAX_CHART_ROWS):
    """altair data transformer: a DataFrame becomes inline records through pandas' C JSON writer.

    Same result as altair's default transformer (NaN and infinities become null, categories
    their labels, datetimes ISO strings, numbers kept to 15 significant digits) but about
    10x faster on the many small frames of a layered lesson chart, which makes sliders snappier.
    Anything that is not a DataFrame goes to altair's default transformer; more than
    ``max_rows`` rows (:data:`MAX_CHART_ROWS`) is an error (altair's ``MaxRowsError``).
    """
    import json

    import pandas as pd

    if not isinstance(data, pd.DataFrame) or isinstance(data.columns, pd.MultiIndex):
        return alt.vegalite.data.default_data_transformer(data, max_rows=max_rows)
    if len(data) > max_rows:
        from altair.utils.data import MaxRowsError

        raise MaxRowsError(
            f"The number of rows in your dataset ({len(data)}) is greater than the maximum allowed ({max_rows})."
        )
    frame = data.reset_index(drop=True)
    frame.columns = [str(c) for c in frame.columns]
    text = frame.to_json(orient="records", date_format="iso", double_precision=15, default_handler=str)
    return {"values": json.loads(text)}


def _with_caption(chart, text: str, colour: str):
    """Return ``chart`` with ``text`` as a visible subtitle line (kept in the spec for tests)."""
    title = chart.title if isinstance(chart.title, (str, alt.TitleParams)) else alt.Undefined
    if isinstance(title, alt.TitleParams):
        main = title.text
        sub = title.subtitle if title.subtitle is not alt.Undefined else []
    else:
        main = "" if title is alt.Undefined else title
        sub = []
    if isinstance(sub, str):
        sub = [sub]
    if not main:
        # Vega hides a subtitle whose title text is empty: give untitled charts a short title.
        main = "Teaching model" if text == MODEL_LABEL else "Synthetic data"
    if text not in sub:
        sub = [*sub, text]
    return chart.properties(
        title=alt.TitleParams(text=main, subtitle=sub, subtitleColor=colour, anchor="start")
    )


def label_synthetic(chart, *, text: str = SYNTHETIC_LABEL):
    """Mark ``chart`` as drawn from SYNTHETIC data (a red subtitle and the ``usermeta`` flag).

    ``text`` replaces the default caption, e.g. for hand-designed teaching cases; it must still
    say that the data are synthetic.
    """
    if "SYNTHETIC" not in text.upper():
        raise ValueError("text: a synthetic-data caption must contain the word 'synthetic'")
    chart = _with_caption(chart, text, "#B00020")
    return chart.properties(usermeta={"hcckit_synthetic": True})


def label_model(chart):
    """Mark ``chart`` as output of a QUALITATIVE teaching model (subtitle and ``usermeta`` flag)."""
    chart = _with_caption(chart, MODEL_LABEL, "#7A4B00")
    return chart.properties(usermeta={"hcckit_model": True})


def empty_chart(message: str, *, width: int = 520, height: int = 80):
    """A chart that shows ``message`` as text: the friendly empty state for filters that match nothing."""
    import pandas as pd

    return (
        alt.Chart(pd.DataFrame({"message": [message]}))
        .mark_text(fontSize=14, color="#555555", align="left", dx=-width / 2 + 10)
        .encode(text="message:N")
        .properties(width=width, height=height)
    )


def save_chart(chart, path: str | Path, *, scale: float = 2.0) -> Path:
    """Save ``chart`` offline as PNG or SVG (by the file suffix) with vl-convert; returns the path.

    ``scale`` multiplies the PNG resolution (2 = sharp on slides); ignored for SVG.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".png", ".svg"}:
        raise ValueError(f"path: suffix must be .png or .svg, got {suffix!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".png":
        chart.save(str(path), format="png", scale_factor=scale)
    else:
        chart.save(str(path), format="svg")
    return path
