"""One table renderer for everything shown to people, in JupyterLab and Voila alike.

>>> import pandas as pd
>>> from hcckit import tables
>>> t = tables.show(pd.DataFrame({"design": ["single_arm"], "p_value": [0.0004], "n": [45.0]}))
>>> "Single-arm trial" in t.html and "&lt;&nbsp;0.001" in t.html and "Patients (n)" in t.html
True

A cell that ends with ``tables.show(frame)`` displays a formatted HTML table (the returned
:class:`Table` has ``_repr_html_``); panels put ``table.widget()`` (an ``ipywidgets.HTML``) in
their layout. Rules, applied to every table:

- headers in words with units (:func:`hcckit.labels.column`, unless ``columns`` maps them);
- no index column (unless ``index=True``);
- missing values (None, NaN, pd.NA, "") read "not reported";
- id columns (``trial_id``, ``arm_id``, ``design``, ``endpoint``, ``criterion``, ``check``,
  ``modality``, ``year``…) through :func:`hcckit.labels.relabel`;
- numbers by convention (:mod:`hcckit.formatting`): P-values (columns ``p``, ``p_value``,
  ``*_p``) NEJM/AMA style, except a curated P printed with its operator (``p_value`` beside
  ``p_operator``, ``reported_p`` beside ``reported_p_operator``): that one reads as printed
  ("0.018", "< 0.001"); percentages (a header ending "(%)") with one decimal;
  CI levels (``ci_level``, ``level``: fractions) as "95 %"; counts (integer columns, ``n``,
  ``count``, ``n_*``, ``day``) as integers; booleans as yes/no; other floats to 3
  significant figures, trailing zeros dropped. Curated numbers (``value``, ``ci_low``,
  ``ci_high``, ``hr``, ``reported_*``, ``printed_*``, ``percent_reported``) keep the digits
  typed from the paper (a float reads back "47", "54.5"; a trailing zero the paper printed,
  as in "41.0", is lost in the float, so pass ``formats``). Printed values kept as text (``printed_ci``,
  ``p_text``, ``reported``) are shown exactly as printed; give ``formats={column: decimals}``
  to show a numeric column at the precision the paper printed;
- lists in cells as "a; b; c", mappings (and lists of (name, value) pairs) as "a = 1; b = 2"; long text wraps (CSS ``white-space: normal``) and is never cut;
- wide tables scroll inside their own box (``overflow-x: auto``); 16 px text; zebra rows;
- everything is HTML-escaped; the output depends only on the input.
"""

from __future__ import annotations

import html
import numbers
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from hcckit import formatting as fmt
from hcckit import labels

__all__ = ["Table", "show", "bullets", "combine_ci", "cell_text", "FONT_PX"]

FONT_PX = 16

_BOX = "overflow-x:auto;max-width:100%;margin:6px 0 12px 0"
_TABLE = (
    f"border-collapse:collapse;font-size:{FONT_PX}px;line-height:1.4;"
    "font-variant-numeric:tabular-nums;color:#1a1a1a"
)
_CAPTION = f"caption-side:top;text-align:left;font-weight:600;font-size:{FONT_PX + 1}px;padding:4px 0 6px 0"
_TH = (
    "text-align:left;vertical-align:bottom;padding:6px 10px;background:#e6eaf0;"
    "border-bottom:2px solid #8a94a6;white-space:normal;font-weight:600"
)
_TD = "padding:5px 10px;vertical-align:top;white-space:normal;overflow-wrap:break-word;border-bottom:1px solid #dde1e7"
_TD_TEXT = _TD + ";max-width:36em;text-align:left"
_TD_LONG = _TD + ";min-width:16em;max-width:36em;text-align:left"
_TD_NUM = _TD + ";text-align:right"
_ZEBRA = "background:#f4f6f9"
_FOOT = f"font-size:{FONT_PX - 1}px;color:#444;margin:4px 0 0 0"

_P_COLUMNS = {"p", "p_value", "p_reported", "p_fisher", "p_chi2", "p_yates", "p_logrank", "p_interaction"}
_LEVEL_COLUMNS = {"ci_level", "level", "printed_level"}
_COUNT_COLUMNS = {"n", "count", "day", "nadir_day", "line", "findings", "year", "events", "censored"}

# numbers typed from the publications (data/README.md: "the value as printed is kept")
_CURATED_COLUMNS = {
    "percent_reported",
    "value",
    "value_max",
    "spread_low",
    "spread_high",
    "ci_low",
    "ci_high",
    "hr",
}

FormatSpec = Callable[[object], str] | int | str


@dataclass(frozen=True, repr=False)
class Table:
    """A rendered table: ``html`` (str), shown by notebooks via ``_repr_html_``; ``widget()`` for panels."""

    html: str
    rows: int
    columns: tuple[str, ...]

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:  # plain-text fallback (consoles): a summary, never the raw HTML
        return f"Table ({self.rows} rows: {', '.join(self.columns)})"

    __str__ = __repr__

    def widget(self, **layout):
        """An ``ipywidgets.HTML`` holding the table (imported only here); ``layout`` goes to its Layout."""
        import ipywidgets as w

        return w.HTML(value=self.html, layout=w.Layout(width="100%", **layout))


def _is_p_column(name: str) -> bool:
    return (
        name in _P_COLUMNS
        or name.endswith("_p")
        or (name.startswith("p_value") and not name.endswith("text"))
    )


def _is_curated_column(name: str) -> bool:
    return name.startswith("reported") or name.startswith("printed") or name in _CURATED_COLUMNS


def _is_count_column(name: str) -> bool:
    return name in _COUNT_COLUMNS or name.startswith("n_") or name.endswith("_n") or name.endswith("_count")


def cell_text(value, *, column: str = "", header: str = "") -> str:
    """The text one cell shows (before HTML escaping), by the rules of :func:`show`.

    ``column`` is the column's name (for the P, level and count rules); ``header`` its
    displayed header (a header ending "(%)" formats numbers with one decimal).
    """
    if isinstance(value, Mapping):
        parts = [f"{k} = {cell_text(v, column=column, header=header)}" for k, v in value.items()]
        return "; ".join(parts) if parts else fmt.MISSING
    if isinstance(value, list | tuple | set | frozenset):
        if value and all(isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str) for v in value):
            return cell_text(dict(value), column=column, header=header)
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
        parts = [cell_text(v, column=column, header=header) for v in items]
        return "; ".join(parts) if parts else fmt.MISSING
    if fmt.is_missing(value):
        return fmt.MISSING
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return fmt.yes_no(bool(value))
    if isinstance(value, numbers.Real):
        v = float(value)
        if _is_p_column(column) and 0 <= v <= 1:
            return fmt.p_value(v)
        if column in _LEVEL_COLUMNS and 0 < v < 1:
            return f"{fmt.number(100 * v)} %"
        if isinstance(value, numbers.Integral) or (_is_count_column(column) and v.is_integer()):
            return fmt.number(v)
        if _is_curated_column(column):  # typed from the paper: the stored digits, no float noise
            return fmt.number(v, significant=12)
        if header.endswith("(%)"):
            return fmt.fixed(v, 1)
        return fmt.number(v)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _printed_p_operator(frame, column: str) -> str | None:
    """The operator column of a curated P (``p_value`` + ``p_operator``, ``x_p`` + ``x_p_operator``)."""
    if not _is_p_column(column):
        return None
    for name in (f"{column}_operator", "p_operator" if column == "p_value" else None):
        if name and name in frame.columns:
            return name
    return None


def _printed_p(value, operator) -> str:
    if fmt.is_missing(value):
        return fmt.MISSING
    op = "=" if fmt.is_missing(operator) else str(operator).strip()
    digits = fmt.number(value, significant=12)
    return digits if op == "=" else f"{op} {digits}"


def _formatter(spec, column: str) -> Callable[[object], str]:
    if callable(spec):
        return spec
    if isinstance(spec, int) and not isinstance(spec, bool):
        return lambda v: fmt.number(v, decimals=spec)
    named = {
        "p_value": fmt.p_value,
        "percent": lambda v: fmt.percent(v, unit=False),
        "count": fmt.count,
        "number": fmt.number,
        "yes_no": fmt.yes_no,
        "text": lambda v: fmt.MISSING if fmt.is_missing(v) else str(v),
    }
    if isinstance(spec, str) and spec in named:
        return named[spec]
    if isinstance(spec, str) and spec.startswith("label:"):
        kind = spec.split(":", 1)[1]
        return lambda v: labels.label(kind, v)
    raise ValueError(
        f"formats[{column!r}]: expected a function, a number of decimals, 'label:<kind>' or one of "
        f"{', '.join(sorted(named))}; got {spec!r}"
    )


def _numeric_column(values: list) -> bool:
    present = [v for v in values if not fmt.is_missing(v)]
    return bool(present) and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in present)


def show(
    df,
    *,
    columns: Mapping[str, str] | Iterable[str] | None = None,
    formats: Mapping[str, FormatSpec] | None = None,
    caption: str | None = None,
    max_rows: int | None = None,
    index: bool = False,
    collapsed: bool = False,
) -> Table:
    """Render ``df`` as a readable HTML :class:`Table` (see the module docstring for the rules).

    Parameters
    ----------
    df : pandas.DataFrame (a Series is shown as a one-column table).
    columns : which columns to show and in what order: a list of column names (headers from
        :func:`hcckit.labels.column`), or a mapping ``{column: header}``. Default: all.
    formats : per-column formatting: a function ``value -> str``, an int (fixed decimals, e.g.
        the precision the paper printed), ``"p_value"``, ``"percent"``, ``"count"``,
        ``"number"``, ``"yes_no"``, ``"text"`` or ``"label:<kind>"``. A column given here is not
        relabelled.
    caption : title shown above the table.
    max_rows : show at most this many rows (a line under the table says how many are left out).
    index : include the index as the first column (its name gives the header).
    collapsed : show only the caption (with the number of rows) until the reader opens it, for
        reference tables that would push the lesson's next screen far down. Needs ``caption``.

    Returns
    -------
    Table
        ``.html``, ``_repr_html_()`` and ``.widget()``.
    """
    import pandas as pd

    if isinstance(df, pd.Series):
        df = df.to_frame()
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df: expected a pandas DataFrame, got {type(df).__name__}")
    if max_rows is not None and (not isinstance(max_rows, int) or isinstance(max_rows, bool) or max_rows < 1):
        raise ValueError(f"max_rows: expected a positive integer, got {max_rows!r}")
    if caption is not None and not isinstance(caption, str):
        raise TypeError(f"caption: expected a str, got {type(caption).__name__}")
    if collapsed and not caption:
        raise ValueError("collapsed: a collapsed table needs a caption (it is all the reader sees)")
    formats = dict(formats or {})
    frame = df.reset_index() if index else df
    if isinstance(columns, str):
        raise TypeError("columns: expected a list of column names or a {column: header} mapping, got a str")
    if columns is None:
        names = list(frame.columns)
        headers: dict = {}
    elif isinstance(columns, Mapping):
        names, headers = list(columns), dict(columns)
    else:
        names, headers = list(columns), {}
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise ValueError(f"columns: {missing} not in the frame (columns: {list(frame.columns)})")
    unknown = [c for c in formats if c not in names]
    if unknown:
        raise ValueError(f"formats: {unknown} are not shown columns")
    if frame.columns.duplicated().any():
        raise ValueError("df: duplicate column names cannot be shown as one table")
    relabel_cols = {
        c: labels.COLUMN_KINDS[c]
        for c in names
        if isinstance(c, str) and c in labels.COLUMN_KINDS and c not in formats
    }
    total = len(frame)
    shown = frame.iloc[:max_rows] if max_rows is not None else frame
    if relabel_cols:
        shown = labels.relabel(shown, columns=relabel_cols)

    head_cells, body_columns, aligns = [], [], []
    for c in names:
        header = headers.get(c) or labels.column(str(c))
        values = list(shown[c])
        operator = _printed_p_operator(frame, str(c))
        if c in formats:
            f = _formatter(formats[c], str(c))
            texts = [fmt.MISSING if fmt.is_missing(v) else str(f(v)) for v in values]
        elif operator is not None:  # a curated P with its printed operator: as printed
            ops = list(shown[operator])
            texts = [_printed_p(v, op) for v, op in zip(values, ops, strict=True)]
        else:
            texts = [cell_text(v, column=str(c), header=header) for v in values]
        numeric = _numeric_column(list(frame[c].iloc[: len(values)])) and c not in relabel_cols
        head_cells.append(f"<th style='{_TH}' scope='col'>{html.escape(header)}</th>")
        body_columns.append(texts)
        long_text = any(len(t) > 60 for t in texts)
        aligns.append(_TD_NUM if numeric else _TD_LONG if long_text else _TD_TEXT)

    rows_html = []
    for i in range(len(shown)):
        zebra = f" style='{_ZEBRA}'" if i % 2 == 1 else ""
        cells = "".join(
            f"<td style='{aligns[j]}'>{_cell_html(body_columns[j][i], numeric=aligns[j] is _TD_NUM)}</td>"
            for j in range(len(names))
        )
        rows_html.append(f"<tr{zebra}>{cells}</tr>")
    cap = f"<caption style='{_CAPTION}'>{html.escape(caption)}</caption>" if caption and not collapsed else ""
    body = "".join(rows_html)
    if not rows_html:
        body = f"<tr><td style='{_TD_TEXT}' colspan='{max(len(names), 1)}'>No rows to show.</td></tr>"
    foot = ""
    if max_rows is not None and total > len(shown):
        foot = f"<p style='{_FOOT}'>Showing the first {len(shown)} of {total} rows.</p>"
    out = (
        f"<div class='hcckit-table-box' style='{_BOX}'>"
        f"<table class='hcckit-table' style='{_TABLE}'>{cap}"
        f"<thead><tr>{''.join(head_cells)}</tr></thead><tbody>{body}</tbody></table>{foot}</div>"
    )
    if collapsed:
        rows = f"{total} row" + ("" if total == 1 else "s")
        out = (
            f"<details class='hcckit-table-details'><summary style='{_CAPTION};cursor:pointer'>"
            f"{html.escape(caption)} ({rows}; click to show)</summary>{out}</details>"
        )
    return Table(out, len(shown), tuple(str(c) for c in names))


def _cell_html(text: str, *, numeric: bool) -> str:
    """Escaped cell text; a short number keeps its unit and operator on its line ("90 %", "< 0.001")."""
    escaped = html.escape(text)
    if numeric and len(text) <= 24 and text != fmt.MISSING:
        escaped = escaped.replace(" ", "&nbsp;")
    return escaped


def bullets(items: Iterable, *, caption: str | None = None) -> Table:
    """A list shown as bullet points (so no cell ends on a bare Python list); items are escaped."""
    if isinstance(items, str | bytes):
        raise TypeError("items: expected a list of items, got a single string")
    try:
        values = list(items)
    except TypeError:
        raise TypeError(f"items: expected an iterable, got {type(items).__name__}") from None
    texts = [cell_text(v) for v in values]
    cap = f"<p style='{_CAPTION}'>{html.escape(caption)}</p>" if caption else ""
    if texts:
        lis = "".join(f"<li style='margin:2px 0'>{html.escape(t)}</li>" for t in texts)
        inner = f"<ul style='margin:4px 0;padding-left:1.4em'>{lis}</ul>"
    else:
        inner = "<p style='margin:4px 0'>Nothing to list.</p>"
    out = (
        f"<div class='hcckit-list' style='font-size:{FONT_PX}px;line-height:1.45;white-space:normal;"
        f"max-width:60em'>{cap}{inner}</div>"
    )
    return Table(out, len(texts), ())


def combine_ci(
    df, low: str, high: str, *, into: str, unit: str = "", decimals: int | None = None, drop: bool = True
):
    """A copy of ``df`` with columns ``low`` and ``high`` merged into one text column "a to b unit".

    ``into`` names the new column (placed where ``low`` was); its header comes from
    :func:`hcckit.labels.column` or from ``show(columns={...})``. ``decimals`` fixes the
    decimals of both bounds (default: 3 significant figures).
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df: expected a pandas DataFrame, got {type(df).__name__}")
    for name, c in (("low", low), ("high", high)):
        if c not in df.columns:
            raise ValueError(f"{name}: {c!r} is not a column of the frame")
    out = df.copy()
    texts = [fmt.ci(lo, hi, unit=unit, decimals=decimals) for lo, hi in zip(df[low], df[high], strict=True)]
    position = list(out.columns).index(low)
    if drop:
        out = out.drop(columns=[low, high])
        position = min(position, len(out.columns))
    out.insert(position, into, texts)
    return out
