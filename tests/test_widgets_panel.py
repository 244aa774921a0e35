"""hcckit.widgets.panel: the lesson panel base (public controls/views/state, safe updates, Reset)."""

from __future__ import annotations

import logging

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


# --------------------------------------------------------------------------- safe: input errors vs bugs
class Failing(Panel):
    """A panel whose update raises whatever the test sets in ``self.error``."""

    def __init__(self):
        self.error: Exception | None = None
        a = widgets.IntSlider(value=1, min=0, max=10)
        super().__init__(a, controls={"a": a})
        self.on_change(["a"], self._update)

    def _update(self):
        if self.error is not None:
            raise self.error


def _fail_with(caplog, error: Exception) -> Failing:
    p = Failing()
    p.error = error
    with caplog.at_level(logging.DEBUG, logger="hcckit.widgets"):
        p.controls["a"].value += 1  # must not raise
    return p


def _records(caplog, level: int):
    return [r for r in caplog.records if r.name == "hcckit.widgets" and r.levelno == level]


def test_a_value_error_is_an_input_error_shown_in_one_line_and_not_logged(caplog):
    p = _fail_with(caplog, ValueError("n: must be a whole number,\n  got 'thirty-one'"))
    assert "Cannot update: n: must be a whole number, got &#x27;thirty-one&#x27;" in p.message.value
    assert "hcckit-error" in p.message.value and "\n" not in p.message.value
    assert not [r for r in caplog.records if r.name == "hcckit.widgets"]


@pytest.mark.parametrize(
    "error",
    [KeyError("event"), TypeError("'NoneType' object is not subscriptable"), RuntimeError("disk on fire")],
)
def test_any_other_error_is_a_bug_logged_with_its_traceback_and_shown_in_one_line(caplog, error):
    p = _fail_with(caplog, error)
    name = type(error).__name__
    assert f"Unexpected problem ({name}):" in p.message.value and "Traceback" not in p.message.value
    assert "Cannot update" not in p.message.value
    (record,) = _records(caplog, logging.ERROR)
    assert record.exc_info is not None and record.exc_info[0] is type(error)
    assert "_update" in record.getMessage()


def test_a_validators_named_type_error_is_shown_plainly_and_logged_at_debug(caplog):
    p = _fail_with(caplog, TypeError("profile: expected a pandas DataFrame, got list"))
    assert "Cannot update: profile: expected a pandas DataFrame, got list" in p.message.value
    assert not _records(caplog, logging.ERROR)
    (record,) = _records(caplog, logging.DEBUG)
    assert record.exc_info is not None and record.exc_info[0] is TypeError


def test_on_click_and_run_wire_safe_once():
    p = Failing()
    button = widgets.Button(description="go")
    seen = []
    p.on_click(button, lambda: seen.append("clicked"))
    button.click()
    assert seen == ["clicked"]
    p.on_click(button, lambda: (_ for _ in ()).throw(ValueError("a: not now")))
    button.click()  # must not raise
    assert "a: not now" in p.message.value
    assert p.run(lambda x, *, y: x + y, 2, y=3) == 5
    assert p.run(lambda: (_ for _ in ()).throw(ValueError("b: bad"))) is None
    assert "b: bad" in p.message.value


def test_labelled_puts_the_label_above_the_control():
    from hcckit.widgets.panel import labelled

    slider = widgets.IntSlider()
    box = labelled("Dose <mg/kg>", slider)
    label, control = box.children
    assert control is slider and slider.layout.width == "100%" and "hcckit-field" in box._dom_classes
    assert "Dose &lt;mg/kg&gt;" in label.value and "font-size:14px" in label.value
