"""Landing-page panel: filter the curated evidence and see it as a table and a landscape chart."""

from __future__ import annotations

import html

import ipywidgets as widgets

from hcckit import catalogue
from hcckit.charts.catalogue import landscape_chart
from hcckit.widgets._common import chart_view, message_box, primary, safe, show_message

__all__ = ["CataloguePanel", "table_html"]

MAX_ROWS = 80


def table_html(table, *, max_rows: int = MAX_ROWS) -> str:
    """Render the filtered evidence as an HTML table (values with units; source location per row)."""
    import pandas as pd

    if table.empty:
        return "<p><em>No curated number matches these filters.</em></p>"
    shown = table.head(max_rows)
    head = ["Study", "Arm", "Endpoint", "Criterion", "Value", "Count / n", "Where in the source"]
    rows = []
    for r in shown.itertuples(index=False):
        value = "not reached" if pd.isna(r.value) else f"{r.value:g} {r.unit}"
        if pd.notna(r.time_months) and r.endpoint.endswith("_rate"):
            value += f" at {r.time_months:g} months"
        count = "" if pd.isna(r.count) or pd.isna(r.n) else f"{int(r.count)} / {int(r.n)}"
        crit = r.criterion if isinstance(r.criterion, str) else ""
        flag = " ⚠" if isinstance(r.note, str) and "DISCREPANCY" in r.note else ""
        title = html.escape(r.note) if isinstance(r.note, str) else ""
        rows.append(
            f"<tr title='{title}'>"
            + "".join(
                f"<td>{html.escape(str(c))}</td>"
                for c in (r.trial, r.arm, r.endpoint + flag, crit, value, count, r.source_location)
            )
            + "</tr>"
        )
    more = (
        ""
        if len(table) <= max_rows
        else f"<p>Showing {max_rows} of {len(table)} rows - narrow the filters.</p>"
    )
    return (
        "<div style='max-height:420px;overflow:auto'><table class='hcckit-table' style='border-collapse:collapse;font-size:13px'>"
        "<thead><tr>"
        + "".join(f"<th style='text-align:left;padding:2px 8px'>{h}</th>" for h in head)
        + "</tr></thead>"
        "<tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
        + more
        + "<p style='font-size:12px'>⚠ = a discrepancy in the source is recorded for this number (hover the row to read it).</p>"
    )


class CataloguePanel(widgets.VBox):
    """Filters (modality, design, criterion, endpoint group) over the curated evidence: chart + table."""

    def __init__(self):
        options = catalogue.filter_options()
        style = {"description_width": "initial"}
        self._modality = primary(
            widgets.Dropdown(
                options=options["modality"], value=catalogue.ALL, description="Arterial modality", style=style
            )
        )
        self._design = widgets.Dropdown(
            options=options["design"], value=catalogue.ALL, description="Design", style=style
        )
        self._criterion = widgets.Dropdown(
            options=options["criterion"], value=catalogue.ALL, description="Response criterion", style=style
        )
        self._endpoints = widgets.ToggleButtons(
            options=options["endpoints"], value=catalogue.ALL, description="Endpoints"
        )
        self._count = widgets.HTML()
        self._table = widgets.HTML()
        self._message = message_box()
        self._view = chart_view(landscape_chart(None))
        for control in (self._modality, self._design, self._criterion, self._endpoints):
            control.observe(self._on_change, names="value")
        super().__init__(
            [
                widgets.HBox([self._modality, self._design, self._criterion]),
                self._endpoints,
                self._message,
                self._count,
                self._view,
                self._table,
            ]
        )
        self.add_class("hcckit-catalogue")
        self._refresh = safe(self._message)(self._refresh_unsafe)
        self._refresh()

    @property
    def value(self):
        """The evidence table currently shown (a DataFrame)."""
        return self._current

    def _filters(self) -> dict:
        return {
            "modality": self._modality.value,
            "design": self._design.value,
            "criterion": self._criterion.value,
            "endpoints": self._endpoints.value,
        }

    def _on_change(self, change) -> None:
        self._refresh()

    def _refresh_unsafe(self) -> None:
        table = catalogue.evidence_table(**self._filters())
        self._current = table
        summary = catalogue.trial_summary(table)
        self._view.chart = landscape_chart(summary)
        self._table.value = table_html(table)
        self._count.value = (
            f"<b>{len(summary)}</b> studies, <b>{len(table)}</b> curated numbers match." if len(table) else ""
        )
        if table.empty:
            show_message(
                self._message, "No curated study matches these filters - widen one of them.", kind="warning"
            )
        else:
            show_message(self._message, "")
