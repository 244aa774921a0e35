"""hcckit.widgets.panel: the lesson panel base (public controls/views/state, safe updates, Reset)."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from hcckit.widgets.panel import Panel, above, beside


class Counter(Panel):
    """A panel whose update counts its runs and records what it saw."""

    def __init__(self):
        self.runs: list[tuple[int, str]] = []
        self.hidden = "start"
        a = widgets.IntSlider(value=1, min=0, max=10)
        b = widgets.Dropdown(options=["x", "y"], value="x")
        out = widgets.HTML()
        super().__init__(beside([a, b], out), controls={"a": a, "b": b}, views={"out": out})
        self.on_change(["a", "b"], self._update)

    def _update(self):
        a, b = self.controls["a"].value, self.controls["b"].value
        if a == 7:
            raise ValueError("a: 7 is not allowed here")
        self.runs.append((a, b))
        self.views["out"].value = f"{a}{b}{self.hidden}"

    def on_reset(self):
        self.hidden = "start"


def test_state_and_one_update_per_change():
    p = Counter()
    p.controls["a"].value = 3
    assert p.runs == [(3, "x")]
    assert p.state == {"a": 3, "b": "x"}
    assert "hcckit-panel" in p._dom_classes


def test_error_becomes_message_and_clears_on_next_change():
    p = Counter()
    p.controls["a"].value = 7
    assert "7 is not allowed" in p.message.value and "Traceback" not in p.message.value
    p.controls["a"].value = 2
    assert p.message.value == ""


def test_reset_restores_controls_and_hidden_state_with_one_update():
    p = Counter()
    p.controls["a"].value = 5
    p.controls["b"].value = "y"
    p.hidden = "edited"
    p.runs.clear()
    p.reset_button.click()
    assert p.state == {"a": 1, "b": "x"}
    assert p.runs == [(1, "x")]  # two controls changed, one update
    assert p.views["out"].value == "1xstart"


def test_preset_sets_several_controls_at_once():
    p = Counter()
    button = p.preset_button("Question 1", a=4, b="y")
    button.click()
    assert p.state == {"a": 4, "b": "y"} and p.runs == [(4, "y")]
    with pytest.raises(ValueError, match="no control named c"):
        p.preset_button("bad", c=1)


def test_controls_and_views_are_read_only():
    p = Counter()
    with pytest.raises(TypeError):
        p.controls["a"] = widgets.IntSlider()  # type: ignore[index]


def test_layouts_wrap_and_fill_the_width():
    row = beside([widgets.IntSlider()], widgets.HTML())
    assert row.layout.flex_flow == "row wrap" and "hcckit-beside" in row._dom_classes
    col = above([widgets.IntSlider(), widgets.Dropdown(options=["a"])], widgets.HTML())
    assert "hcckit-above" in col._dom_classes


def test_message_goes_last_unless_the_body_places_it_and_presets_sit_before_reset():
    slider = widgets.IntSlider()
    plain = Panel(slider, controls={"s": slider})
    assert plain.children[-1] is plain.message and plain.children.count(plain.message) == 1
    message = widgets.HTML()
    placed = Panel([message, slider], controls={"s": slider}, message=message)
    assert list(placed.children[1:]) == [message, slider]  # shown once, where the body put it
    button = plain.preset_button("Question 1", s=5)
    plain.add_presets(button)
    assert plain.children[0].children == (button, plain.reset_button) and button.layout.width == "auto"
