"""Shared widget plumbing: offline chart views, error-safe callbacks, message boxes.

Conventions every lesson panel follows (the browser tests rely on them):

- charts are shown in an :class:`altair.JupyterChart` made by :func:`chart_view`
  (offline JavaScript, redrawn in place by assigning ``view.chart``);
  never inside an ``ipywidgets.Output`` (a Voila hang was seen with that);
- each chart view carries the CSS class ``hcckit-chart``;
- the control a teacher is most likely to touch first carries ``hcckit-primary-control``
  (the browser test changes it and checks that a chart changes);
- callbacks are wrapped by :func:`safe` (through :class:`hcckit.widgets.panel.Panel`'s
  ``on_change``, ``on_click`` and ``run``) so an error becomes a one-line message in the panel's
  :func:`message_box`, never a traceback; input errors (``ValueError``) are not logged, bugs are;
- sliders use ``continuous_update=False``.
"""

from __future__ import annotations

import functools
import html
import logging
import re

import ipywidgets as widgets

__all__ = [
    "setup",
    "chart_view",
    "message_box",
    "show_message",
    "safe",
    "on_click",
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


#: A validator's TypeError names its argument first ("profile: expected a pandas DataFrame, got list");
#: Python's own ("'NoneType' object is not subscriptable", "f() got an unexpected keyword") do not.
_NAMED = re.compile(r"^[A-Za-z_][\w.]*(\[[^\]]*\])?: ")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _input_error(exc: Exception) -> bool:
    """Whether ``exc`` is the kit's input error (a ``ValueError``, or a ``TypeError`` naming its argument)."""
    return isinstance(exc, ValueError) or (isinstance(exc, TypeError) and bool(_NAMED.match(str(exc))))


def safe(box: widgets.HTML):
    """Decorator: run a widget callback, showing any error as a one-line message in ``box``.

    A ``ValueError`` is the kit's input error (it names the field): shown as "Cannot update: …"
    and not logged. A ``TypeError`` that names its argument the same way (a validator's) is shown
    the same way and logged at debug level. Anything else (``KeyError``, any other ``TypeError``
    or exception) is a bug: logged with its traceback (``log.exception``) and shown as
    "Unexpected problem (KeyError): …". A viewer never sees a traceback.
    """

    def decorate(fn):
        name = getattr(fn, "__qualname__", repr(fn))

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - the page must never show a traceback
                if not _input_error(exc):
                    log.exception("widget callback %s failed", name)
                    text = f"Unexpected problem ({type(exc).__name__}): {_one_line(exc)}"
                else:
                    if not isinstance(exc, ValueError):
                        log.debug("input error in widget callback %s", name, exc_info=True)
                    text = f"Cannot update: {_one_line(exc)}"
                show_message(box, text, kind="error")
                return None

        return wrapper

    return decorate


def on_click(button: widgets.Button, box: widgets.HTML, update) -> None:
    """Run ``update()`` (no arguments) whenever ``button`` is clicked, under :func:`safe` (errors in ``box``).

    Panels use :meth:`hcckit.widgets.panel.Panel.on_click`, which passes their message line.
    """
    wrapped = safe(box)(update)
    button.on_click(lambda _button: wrapped())


def primary(widget):
    """Mark ``widget`` as the lesson's primary control (CSS class used by the browser tests)."""
    widget.add_class("hcckit-primary-control")
    return widget
