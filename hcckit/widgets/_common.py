"""Shared widget plumbing: offline chart views, error-safe callbacks, message boxes.

Conventions every lesson panel follows (the browser tests rely on them):

- charts are shown in an :class:`altair.JupyterChart` made by :func:`chart_view`
  (offline JavaScript, redrawn in place by assigning ``view.chart``);
  never inside an ``ipywidgets.Output`` (a Voila hang was seen with that);
- each chart view carries the CSS class ``hcckit-chart``;
- the control a teacher is most likely to touch first carries ``hcckit-primary-control``
  (the browser test changes it and checks that a chart changes);
- callbacks are wrapped by :func:`safe` so an error becomes a readable message in the
  panel's :func:`message_box`, never a traceback;
- sliders use ``continuous_update=False``.
"""

from __future__ import annotations

import functools
import html
import logging

import ipywidgets as widgets

__all__ = [
    "setup",
    "chart_view",
    "message_box",
    "show_message",
    "safe",
    "primary",
]

log = logging.getLogger("hcckit.widgets")
_READY = False


def setup() -> None:
    """Prepare this kernel for the lessons; safe to call many times. Call it first in a notebook.

    Applies hcckit's speed-up patches of other libraries (:func:`hcckit._patches.apply_all`:
    each documented and gated on the library version; the jsonschema one works only if this
    runs before altair is imported), enables offline altair rendering (no CDN) through
    hcckit's chart widgets and the kit's theme. Nothing of this happens at import.
    """
    global _READY
    if _READY:
        return
    from hcckit import _patches

    _patches.apply_all()  # first: before anything imports altair

    import altair as alt

    from hcckit.charts._common import register_theme
    from hcckit.widgets import _chartlib

    # plain charts displayed directly (not in a chart_view) render offline too, sharing the
    # kernel's one copy of the chart JavaScript (see hcckit.widgets._chartlib)
    alt.renderers.register("hcckit", _chartlib.renderer)
    alt.renderers.enable("hcckit")
    register_theme()
    _chartlib.problem()  # decide now (and log once) whether charts share one library
    _READY = True


def chart_view(chart):
    """Return an offline :class:`altair.JupyterChart` showing ``chart`` (class ``hcckit-chart``).

    Normally a :class:`hcckit.widgets._chartlib.Chart`: all charts of a kernel share one copy
    of the Vega JavaScript, sent to the browser once; with an altair this kit was not built
    for, altair's own offline chart (:class:`hcckit.widgets._chartlib.OfflineChart`). Redraw
    with ``view.chart = new_chart``.
    """
    from hcckit.widgets import _chartlib

    setup()
    view = _chartlib.view(chart)
    view.add_class("hcckit-chart")
    return view


def message_box() -> widgets.HTML:
    """An empty HTML widget where panels show status and error messages."""
    box = widgets.HTML(value="")
    box.add_class("hcckit-message")
    return box


def show_message(box: widgets.HTML, text: str, *, kind: str = "info") -> None:
    """Show ``text`` in ``box``; ``kind`` is ``info``, ``warning`` or ``error`` (sets the colour)."""
    colours = {"info": "#084C8D", "warning": "#7A4B00", "error": "#B00020"}
    if not text:
        box.value = ""
        return
    colour = colours.get(kind, colours["info"])
    box.value = (
        f'<div class="hcckit-{kind}" style="color:{colour};border-left:4px solid {colour};'
        f'padding:4px 8px;margin:4px 0">{html.escape(text)}</div>'
    )


def safe(box: widgets.HTML):
    """Decorator: run a widget callback, showing any error as a readable message in ``box``.

    ``ValueError``/``KeyError``/``TypeError`` (bad input) are shown as they are; anything else is
    shown as an unexpected problem (and logged), so a viewer never sees a traceback.
    """

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                result = fn(*args, **kwargs)
            except (ValueError, KeyError, TypeError) as exc:
                show_message(box, f"Cannot update: {exc}", kind="error")
                return None
            except Exception as exc:  # noqa: BLE001 - the page must never show a traceback
                log.exception("widget callback failed")
                show_message(box, f"Unexpected problem ({type(exc).__name__}): {exc}", kind="error")
                return None
            return result

        return wrapper

    return decorate


def primary(widget):
    """Mark ``widget`` as the lesson's primary control (CSS class used by the browser tests)."""
    widget.add_class("hcckit-primary-control")
    return widget
