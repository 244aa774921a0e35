"""The one base class of lesson panels: controls beside or above the views, a message line, Reset.

Every interactive panel of a lesson is a :class:`Panel`:

- ``controls`` (name -> widget) and ``views`` (name -> chart view or HTML widget) are public
  and read-only; :attr:`Panel.state` gives the controls' current values (what tests read);
- callbacks are registered with :meth:`Panel.on_change` (a control's update), :meth:`Panel.on_click`
  (a button's) or run once with :meth:`Panel.run` (a first draw, a loaded file); these wire
  :func:`safe` once: an error becomes a one-line message in :attr:`Panel.message` (bugs, unlike
  input errors, are logged), never a traceback;
- **Reset** (a button with CSS class ``hcckit-reset``) restores every control to the value it
  had when the panel was built, runs :meth:`Panel.on_reset` for state that is not a control
  (e.g. edited measurements), then runs each affected update once;
- :func:`beside` and :func:`above` lay controls and views out so both fit one 1280x800 screen;
  :func:`labelled` puts a control's label on the line above it.

A minimal panel::

    class DosePanel(Panel):
        def __init__(self):
            dose = widgets.FloatSlider(value=5, min=0, max=15, continuous_update=False)
            view = chart_view(dose_chart(5))
            super().__init__(beside(dose, view), controls={"dose": dose}, views={"chart": view})
            self.on_change(["dose"], self._redraw)

        def _redraw(self):
            self.views["chart"].chart = dose_chart(self.controls["dose"].value)
"""

from __future__ import annotations

import contextlib
import html
import warnings
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

import ipywidgets as widgets

from hcckit.widgets._common import message_box, on_click, safe, show_message

__all__ = ["Panel", "beside", "above", "toolbar", "labelled", "renamed_view"]


def beside(controls, views, *, controls_width: str = "300px") -> widgets.HBox:
    """Controls in a column on the left, views on the right; wraps below each other when narrow."""
    left = controls if isinstance(controls, widgets.Widget) else widgets.VBox(list(controls))
    right = views if isinstance(views, widgets.Widget) else widgets.VBox(list(views))
    left.layout.width = controls_width
    left.layout.flex = "0 0 auto"
    right.layout.flex = "1 1 0%"
    right.layout.min_width = "0"
    # spacing (gap) comes from the kit's panel CSS (hcckit.widgets._chartlib): Layout has no gap trait
    box = widgets.HBox([left, right], layout=widgets.Layout(flex_flow="row wrap", width="100%"))
    box.add_class("hcckit-beside")
    return box


def above(controls, views) -> widgets.VBox:
    """Controls in a row (wrapping) above the views."""
    top = controls if isinstance(controls, widgets.Widget) else widgets.HBox(list(controls))
    top.layout.flex_flow = "row wrap"
    bottom = views if isinstance(views, widgets.Widget) else widgets.VBox(list(views))
    box = widgets.VBox([top, bottom], layout=widgets.Layout(width="100%"))
    box.add_class("hcckit-above")
    return box


def labelled(text: str, control: widgets.Widget) -> widgets.VBox:
    """``control`` with its label ``text`` on the line above (the label wraps, never cut); width 100 %.

    For controls in a grid or a narrow column, where a description beside the control would be cut.
    """
    control.layout.width = "100%"
    label = widgets.HTML(f"<span style='font-size:14px;font-weight:600'>{html.escape(text)}</span>")
    box = widgets.VBox([label, control], layout=widgets.Layout(width="100%", margin="0 0 6px 0"))
    box.add_class("hcckit-field")
    return box


def toolbar(*buttons) -> widgets.HBox:
    """A right-aligned row of buttons (Reset, presets, downloads)."""
    box = widgets.HBox(list(buttons), layout=widgets.Layout(justify_content="flex-end"))
    box.add_class("hcckit-toolbar")
    return box


class renamed_view:
    """A deprecated attribute that returns ``panel.views[name]``, warning ``DeprecationWarning``.

    For panels whose chart view used to be an attribute (``panel.chart``; its chart was
    ``panel.chart.chart``, now ``panel.views["chart"].chart``)::

        class UploadPanel(Panel):
            chart = renamed_view("chart")
    """

    def __init__(self, name: str):
        self.name = name
        self.attribute = name
        self.__doc__ = f'Deprecated: ``views["{name}"]``.'

    def __set_name__(self, owner, attribute: str) -> None:
        self.attribute = attribute

    def __get__(self, panel, owner=None):
        if panel is None:
            return self
        warnings.warn(
            f'{type(panel).__name__}.{self.attribute} is now .views["{self.name}"]',
            DeprecationWarning,
            stacklevel=2,
        )
        return panel.views[self.name]

    def __set__(self, panel, value) -> None:
        raise AttributeError(f'{self.attribute} is read-only: redraw with .views["{self.name}"].chart = ...')


class Panel(widgets.VBox):
    """Base of every lesson panel: public controls and views, a message line, Reset.

    Parameters
    ----------
    body : widget or iterable of widgets
        What the panel shows (usually :func:`beside` or :func:`above` of controls and views).
    controls : mapping of str to widget
        The controls a reader changes; each one with a ``value`` is restored by Reset.
    views : mapping of str to widget
        Charts (:func:`hcckit.widgets.chart_view`) and HTML read-outs the tests read.
    message : ipywidgets.HTML, optional
        Where errors and empty states are shown (a new :func:`message_box` by default). Shown
        after the body, unless the body already contains it where it should be.
    extra_buttons : iterable of ipywidgets.Button
        Buttons shown before Reset in the toolbar (e.g. presets of guiding questions).
    """

    def __init__(
        self,
        body,
        *,
        controls: Mapping[str, widgets.Widget],
        views: Mapping[str, widgets.Widget] | None = None,
        message: widgets.HTML | None = None,
        extra_buttons: Iterable[widgets.Button] = (),
    ):
        self._controls = dict(controls)
        self._views = dict(views or {})
        self.message = message if message is not None else message_box()
        self._initial = {k: w.value for k, w in self._controls.items() if hasattr(w, "value")}
        self._updates: list[Callable[[], None]] = []
        self._holding = False
        self._pending: list[Callable[[], None]] = []
        self.reset_button = widgets.Button(
            description="Reset", icon="undo", tooltip="Back to the panel's starting state"
        )
        self.reset_button.add_class("hcckit-reset")
        self.reset_button.on_click(lambda _b: self.reset())
        body = [body] if isinstance(body, widgets.Widget) else list(body)
        # the message line goes last unless the body already places it (e.g. under an upload row)
        tail = [] if self.message in body else [self.message]
        super().__init__(children=[toolbar(*extra_buttons, self.reset_button), *body, *tail])
        self.add_class("hcckit-panel")

    # ------------------------------------------------------------------ public, read-only
    @property
    def controls(self) -> Mapping[str, widgets.Widget]:
        """The panel's controls by name (read-only mapping)."""
        return MappingProxyType(self._controls)

    @property
    def views(self) -> Mapping[str, widgets.Widget]:
        """The panel's charts and read-outs by name (read-only mapping)."""
        return MappingProxyType(self._views)

    @property
    def state(self) -> dict:
        """Current values of the controls, by name."""
        return {k: w.value for k, w in self._controls.items() if hasattr(w, "value")}

    # ------------------------------------------------------------------ updates
    def on_change(self, names: Iterable[str], update: Callable[[], None]) -> None:
        """Run ``update()`` (no arguments) whenever one of the named controls changes.

        ``update`` runs under :func:`safe`, so a bad input shows as a message, never a traceback;
        during :meth:`reset` it runs once at the end however many of its controls changed.
        """
        if update not in self._updates:
            self._updates.append(update)

        def changed(_change):
            if self._holding:
                if update not in self._pending:
                    self._pending.append(update)
                return
            show_message(self.message, "")
            self.run(update)

        for name in names:
            self._controls[name].observe(changed, names="value")

    def on_click(self, button: widgets.Button, update: Callable[[], None]) -> None:
        """Run ``update()`` (no arguments) whenever ``button`` is clicked, under :func:`safe`."""
        on_click(button, self.message, update)

    def run(self, update: Callable, *args, **kwargs):
        """Run ``update(*args, **kwargs)`` now under :func:`safe`: an error becomes the panel's message.

        For a first draw in ``__init__`` or a file just received; returns ``update``'s result
        (``None`` after an error).
        """
        return safe(self.message)(update)(*args, **kwargs)

    @contextlib.contextmanager
    def holding(self):
        """Change several controls at once; each affected update runs once when the block ends."""
        outer = self._holding
        self._holding = True
        try:
            yield self
        finally:
            self._holding = outer
        if not outer:
            pending, self._pending = self._pending, []
            show_message(self.message, "")
            for update in pending:
                self.run(update)

    def set_state(self, **values) -> None:
        """Set several controls by name at once (presets of guiding questions use this)."""
        unknown = sorted(set(values) - set(self._controls))
        if unknown:
            raise ValueError(f"set_state: no control named {', '.join(unknown)}")
        with self.holding():
            for name, value in values.items():
                self._controls[name].value = value

    def preset_button(self, description: str, *, tooltip: str = "", **values) -> widgets.Button:
        """A button that loads a starting state (e.g. of a guiding question): ``set_state(**values)``."""
        unknown = sorted(set(values) - set(self._controls))
        if unknown:
            raise ValueError(f"preset_button: no control named {', '.join(unknown)}")
        button = widgets.Button(
            description=description, tooltip=tooltip or description, layout=widgets.Layout(width="auto")
        )
        button.add_class("hcckit-preset")
        self.on_click(button, lambda: self.set_state(**values))
        return button

    def add_presets(self, *buttons: widgets.Button) -> None:
        """Show ``buttons`` (e.g. from :meth:`preset_button`) in the toolbar, before Reset, sized to their text."""
        for b in buttons:
            b.layout.width = "auto"
        bar = self.children[0]
        bar.children = (*[b for b in bar.children if b is not self.reset_button], *buttons, self.reset_button)
        bar.layout.flex_flow = "row wrap"

    def on_reset(self) -> None:
        """Restore state that is not held in a control (override; called inside :meth:`reset`)."""

    def reset(self) -> None:
        """Back to the starting state: every control's first value, then each update once."""
        with self.holding():
            for name, value in self._initial.items():
                self._controls[name].value = value
            self.on_reset()
            # an update whose controls did not change still runs if on_reset changed hidden state
            for update in self._updates:
                if update not in self._pending:
                    self._pending.append(update)
