"""Shared chart helpers: the kit's theme, the synthetic-data caption, static export.

Chart functions in :mod:`hcckit.charts` return *unconfigured* altair charts (so the
caller can still layer, concatenate or retitle them); the theme is defined here
and enabled by :func:`register_theme` (called by :func:`hcckit.widgets.setup`), never at import.
Changes to other libraries (altair's class table, the data transformer) are in
:mod:`hcckit._patches`.
"""

from __future__ import annotations

from pathlib import Path

import altair as alt

from hcckit._patches import (  # noqa: F401 - kept importable here (tests, older callers)
    MAX_CHART_ROWS,
    records_transformer,
    reuse_altair_class_table,
)

__all__ = [
    "require_columns",
    "SYNTHETIC_LABEL",
    "MIN_FONT_PX",
    "MODEL_LABEL",
    "THEME_NAME",
    "register_theme",
    "label_synthetic",
    "label_model",
    "synthetic_properties",
    "model_properties",
    "with_properties",
    "save_chart",
    "empty_chart",
]

SYNTHETIC_LABEL = "SYNTHETIC pseudo-patients simulated from published summaries - not trial data"
MODEL_LABEL = "QUALITATIVE teaching model - not predictive, not fitted to patient data"
THEME_NAME = "hcckit"

# Colour-blind-safe palette (Okabe-Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
RESPONSE_COLOURS = {"CR": "#009E73", "PR": "#56B4E9", "SD": "#E69F00", "PD": "#D55E00", "NE": "#999999"}


#: Smallest chart text in px: read from the back of a classroom on a 1280x800 projector
#: (tests/test_chart_text.py renders every lesson figure and checks every text element).
MIN_FONT_PX = 14


def require_columns(frame, columns, name: str) -> None:
    """Check that ``frame`` is a DataFrame holding ``columns``; errors name the argument ``name``."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{name}: missing column(s) {', '.join(map(str, missing))} (columns are {', '.join(map(str, frame.columns))})"
        )


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

    A process-wide altair setting, so it is never done at import: :func:`hcckit.widgets.setup`,
    figure export (:func:`hcckit.export.export_all`) and tests call it explicitly. Also
    enables the ``hcckit`` data transformer (:func:`hcckit._patches.use_records_transformer`),
    which the exported figures need for more than 5,000 rows. Idempotent.
    """
    from hcckit import _patches

    try:  # altair >= 5.5
        alt.theme.register(THEME_NAME, enable=True)(_theme)
    except AttributeError:  # pragma: no cover - altair < 5.5
        alt.themes.register(THEME_NAME, _theme)
        alt.themes.enable(THEME_NAME)
    _patches.use_records_transformer()


_SYNTHETIC_COLOUR = "#B00020"
_MODEL_COLOUR = "#7A4B00"


def _caption_title(title, text: str, colour: str) -> alt.TitleParams:
    """``title`` (a chart's ``title``) with ``text`` as a visible subtitle line in ``colour``."""
    if not isinstance(title, (str, alt.TitleParams)):
        title = alt.Undefined
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
    return alt.TitleParams(text=main, subtitle=sub, subtitleColor=colour, anchor="start")


def _check_synthetic_text(text: str) -> None:
    if "SYNTHETIC" not in text.upper():
        raise ValueError("text: a synthetic-data caption must contain the word 'synthetic'")


def synthetic_properties(title=alt.Undefined, *, text: str = SYNTHETIC_LABEL) -> dict:
    """The top-level properties :func:`label_synthetic` gives a chart whose title is ``title``.

    ``{"title": ..., "usermeta": {"hcckit_synthetic": True}}``, to pass to the chart's constructor
    (``alt.LayerChart(layer=..., **synthetic_properties("My title"))``): the same spec as
    ``label_synthetic`` on the built chart, without copying it. ``title``: text, an
    ``alt.TitleParams`` or ``alt.Undefined``; ``text`` as for :func:`label_synthetic`.
    """
    _check_synthetic_text(text)
    return {
        "title": _caption_title(title, text, _SYNTHETIC_COLOUR),
        "usermeta": {"hcckit_synthetic": True},
    }


def model_properties(title=alt.Undefined) -> dict:
    """The top-level properties :func:`label_model` gives a chart whose title is ``title`` (see
    :func:`synthetic_properties`)."""
    return {"title": _caption_title(title, MODEL_LABEL, _MODEL_COLOUR), "usermeta": {"hcckit_model": True}}


def with_properties(chart, **properties):
    """A copy of ``chart`` with top-level ``properties`` set: ``chart.properties(...)`` in one shallow copy.

    altair's ``.properties()`` copies the chart (for a layered or concatenated chart, every part
    of it) once per call and validates each value against the schema; this copies once and sets
    the values (the tests validate every chart's spec). ``chart`` itself is not changed.
    """
    if not properties:
        return chart
    copy = chart.copy(deep=False)
    for key, value in properties.items():
        setattr(copy, key, value)
    return copy


def label_synthetic(chart, *, text: str = SYNTHETIC_LABEL):
    """Mark ``chart`` as drawn from SYNTHETIC data (a red subtitle and the ``usermeta`` flag).

    ``text`` replaces the default caption, e.g. for hand-designed teaching cases; it must still
    say that the data are synthetic. Returns a copy (``chart`` is not changed); a chart function
    that builds its own chart can pass :func:`synthetic_properties` to the constructor instead.
    """
    return with_properties(chart, **synthetic_properties(chart.title, text=text))


def label_model(chart):
    """Mark ``chart`` as output of a QUALITATIVE teaching model (subtitle and ``usermeta`` flag)."""
    return with_properties(chart, **model_properties(chart.title))


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
