"""Reading Vega-Lite specs in tests: one walker, shared by the chart and widget tests.

>>> spec = {"layer": [{"mark": "rule"}, {"mark": {"type": "text"}, "encoding": {"x": {"title": "HR"}}}]}
>>> marks(spec), titles(spec, "x")
(['rule', 'text'], {'HR'})
"""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["walk", "marks", "titles", "data_rows", "spec_of"]


def walk(spec) -> Iterator[dict]:
    """Every dict inside a spec (the spec itself first), depth first."""
    if isinstance(spec, dict):
        yield spec
        for v in spec.values():
            yield from walk(v)
    elif isinstance(spec, list):
        for v in spec:
            yield from walk(v)


def marks(spec) -> list[str]:
    """Mark types of every view in the spec, in spec order ("rule", "point", ...)."""
    out = []
    for d in walk(spec):
        mark = d.get("mark")
        if isinstance(mark, str):
            out.append(mark)
        elif isinstance(mark, dict) and "type" in mark:
            out.append(mark["type"])
    return out


def titles(spec, channel: str) -> set:
    """Titles given to an encoding channel (``"x"``, ``"color"`` ...) anywhere in the spec."""
    return {
        d[channel]["title"] for d in walk(spec) if isinstance(d.get(channel), dict) and "title" in d[channel]
    }


def spec_of(chart) -> dict:
    """The spec as a dict: an altair chart (validated), a chart view (its ``.chart``) or a dict."""
    if isinstance(chart, dict):
        return chart
    chart = getattr(chart, "chart", chart) if not hasattr(chart, "to_dict") else chart
    return chart.to_dict(validate=True)


def data_rows(chart, key: str | None = None) -> list[dict]:
    """Every inline data row of a chart (all top-level ``datasets``), optionally only rows holding ``key``."""
    spec = spec_of(chart)
    rows = [row for values in spec.get("datasets", {}).values() for row in values]
    return [r for r in rows if key is None or key in r]
