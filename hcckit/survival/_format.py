"""Numbers as text for the survival results, and the one HTML table they render as."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable

__all__: list[str] = []


_CSS = "border-collapse:collapse;font-size:15px"


def _fmt(x: float | None, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if math.isinf(x):
        return "NR"
    return f"{x:.{digits}f}"


def _fmt_t(t: float) -> str:
    """A time in months for text: whole numbers without decimals, others to 0.1 month."""
    return f"{t:.0f}" if float(t).is_integer() else f"{t:.1f}"


def _fmt_p(p: float | None) -> str:
    if p is None or math.isnan(p):
        return "p not available"
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.1 else f"p = {p:.2f}"


def _html_table(title: str, rows: Iterable[tuple[str, str]], *, note: str = "") -> str:
    body = "".join(
        f"<tr><th style='text-align:left;padding:2px 8px'>{html.escape(k)}</th>"
        f"<td style='padding:2px 8px'>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    foot = f"<div style='color:#555;font-size:14px'>{html.escape(note)}</div>" if note else ""
    return f"<div><b>{html.escape(title)}</b><table style='{_CSS}'>{body}</table>{foot}</div>"
