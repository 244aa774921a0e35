"""Landing-page panel: filter the curated evidence and see it as a landscape chart and a table."""

from __future__ import annotations

import ipywidgets as widgets

from hcckit import catalogue
from hcckit.charts.catalogue import landscape_chart
from hcckit.widgets._common import chart_view, message_box, primary
from hcckit.widgets.panel import Panel

__all__ = ["CataloguePanel", "evidence_rows", "table_html", "MAX_ROWS"]

MAX_ROWS = 80
_RESPONSE = set(catalogue._ENDPOINT_GROUPS["response"])
_ENDPOINT_GROUP_NAMES = {catalogue.ALL: "All", "response": "Response", "survival": "Survival"}
#: what the "no filter" choice of each dropdown reads (its value is :data:`hcckit.labels.ALL`)
_ALL_LABELS = {"modality": "All modalities", "design": "All designs", "criterion": "All criteria"}


def _value_text(r) -> str:
    import pandas as pd

    from hcckit import formatting as fmt

    if pd.isna(r.value):
        note = r.note if isinstance(r.note, str) else ""
        return "not reached" if "not reached" in note.lower() else fmt.MISSING
    unit = f" {r.unit}" if isinstance(r.unit, str) and r.unit.strip() else ""
    text = f"{fmt.number(r.value, significant=12)}{unit}"
    if pd.notna(r.time_months) and str(r.endpoint).endswith("_rate"):
        text += f" at {fmt.number(r.time_months)} months"
    return text


def evidence_rows(table):
    """The filtered evidence as the rows a person reads (one per curated number).

    Columns: ``trial`` (name), ``arm`` (name), ``endpoint`` (id, shown by name), ``criterion`` (id;
    "not applicable" for endpoints other than response), ``value_text`` (value with its unit, and
    the landmark time in months for rates), ``count_n`` ("20 / 31": patients with the outcome /
    patients, n), ``source_location``, ``discrepancy`` ("⚠ " and the recorded note, or "none
    recorded").
    """
    import pandas as pd

    from hcckit import formatting as fmt

    rows = []
    for r in table.itertuples(index=False):
        if isinstance(r.criterion, str) and r.criterion:
            crit = r.criterion
        else:
            crit = None if r.endpoint in _RESPONSE else "not applicable"
        count = fmt.MISSING if pd.isna(r.count) or pd.isna(r.n) else f"{int(r.count)} / {int(r.n)}"
        flagged = isinstance(r.note, str) and "DISCREPANCY" in r.note
        rows.append(
            {
                "trial": r.trial,
                "arm": r.arm,
                "endpoint": r.endpoint,
                "criterion": crit,
                "value_text": _value_text(r),
                "count_n": count,
                "source_location": r.source_location,
                "discrepancy": f"⚠ {r.note}" if flagged else "none recorded",
            }
        )
    columns = [
        "trial",
        "arm",
        "endpoint",
        "criterion",
        "value_text",
        "count_n",
        "source_location",
        "discrepancy",
    ]
    return pd.DataFrame(rows, columns=columns)


def table_html(table, *, max_rows: int = MAX_ROWS) -> str:
    """The filtered evidence as an HTML table by :func:`hcckit.tables.show` (names, units, "not reported").

    An empty ``table`` gives "" (the panel shows its empty state once, in the chart).
    """
    from hcckit import tables

    if table.empty:
        return ""
    rows = evidence_rows(table)
    shown = tables.show(
        rows,
        columns={
            "trial": "Study",
            "arm": "Arm",
            "endpoint": "Endpoint",
            "criterion": "Response criterion",
            "value_text": "Value",
            "count_n": "Patients with the outcome / patients (n)",
            "source_location": "Where in the source",
            "discrepancy": "Recorded source discrepancy",
        },
        caption="Every matching curated number, with the place in the source it came from",
        max_rows=max_rows,
    )
    more = (
        ""
        if len(table) <= max_rows
        else f"<p style='font-size:16px'>Narrow the filters to see the other {len(table) - max_rows} rows.</p>"
    )
    return f"<div style='max-height:520px;overflow:auto'>{shown.html}</div>{more}"


def _options(ids, kind: str):
    from hcckit import labels

    return [
        (_ALL_LABELS[kind], catalogue.ALL),
        *[(labels.label(kind, v), v) for v in ids if v != catalogue.ALL],
    ]


class CataloguePanel(Panel):
    """Filters (arterial modality, design, response criterion, endpoint group) over the curated evidence.

    The design is chosen *in the chart* (a select bound to its Vega-Lite param ``design`` -
    :data:`hcckit.charts.catalogue.DESIGN_PARAM`: a design is a property of a study, so choosing
    one only hides circles the chart already holds and the browser redraws it with no kernel); the
    kernel follows it through :class:`hcckit.widgets._chartlib.ParamControl` for the table and the
    count beside. The modality, criterion and endpoint filters change which numbers (and arms)
    each study counts: computed in the kernel. Views: the landscape chart (``views["chart"]``),
    the table (``views["table"]``) and the line counting what matches (``views["count"]``). Reset
    brings every filter back to :data:`hcckit.labels.ALL` ("All modalities", …). ``value`` is the
    evidence table currently shown.
    """

    def __init__(self):
        from hcckit.widgets._chartlib import ParamControl

        options = catalogue.filter_options()
        style = {"description_width": "initial"}
        designs = [d for d in catalogue.DESIGN_ORDER if d in options["design"]]
        designs += [d for d in options["design"] if d not in designs and d != catalogue.ALL]
        self._designs = _options(designs, "design")
        self._modality = primary(
            widgets.Dropdown(
                options=_options(options["modality"], "modality"),
                value=catalogue.ALL,
                description="Arterial modality",
                style=style,
            )
        )
        self._criterion = widgets.Dropdown(
            options=_options(options["criterion"], "criterion"),
            value=catalogue.ALL,
            description="Response criterion",
            style=style,
        )
        self._endpoints = widgets.ToggleButtons(
            options=[(_ENDPOINT_GROUP_NAMES.get(e, e.capitalize()), e) for e in options["endpoints"]],
            value=catalogue.ALL,
            description="Endpoints",
        )
        self._count = widgets.HTML()
        self._table = widgets.HTML(layout=widgets.Layout(width="100%"))
        self._message = message_box()
        self._view = chart_view(landscape_chart(None))
        self._design = ParamControl(self._view, "design", catalogue.ALL, description="Design")
        controls = {
            "modality": self._modality,
            "design": self._design,
            "criterion": self._criterion,
            "endpoints": self._endpoints,
        }
        body = [
            widgets.HBox([self._modality, self._criterion], layout=widgets.Layout(flex_flow="row wrap")),
            self._endpoints,
            self._count,
            self._view,
            self._table,
        ]
        super().__init__(
            body,
            controls=controls,
            views={"chart": self._view, "table": self._table, "count": self._count},
            message=self._message,
        )
        self.add_class("hcckit-catalogue")
        self._current = None
        self._studies = None
        self.on_change(["modality", "criterion", "endpoints"], self._refresh)
        # the browser has already redrawn the chart: the kernel only updates the table and the count
        self.on_change(["design"], self._describe)
        self._refresh()

    @property
    def value(self):
        """The evidence table currently shown (a DataFrame of :func:`hcckit.catalogue.evidence_table`)."""
        return self._current

    def _filters(self) -> dict:
        return {
            "modality": self._modality.value,
            "design": self._design.value,
            "criterion": self._criterion.value,
            "endpoints": self._endpoints.value,
        }

    def _refresh(self) -> None:
        """New modality / criterion / endpoints: every design's studies, the chosen one drawn."""
        filters = {**self._filters(), "design": catalogue.ALL}
        summary = catalogue.trial_summary(catalogue.evidence_table(**filters))
        # the empty state is said once: in the chart; the count line and the table stay out of the way
        self._view.chart = (
            landscape_chart(summary, design=self._design.value, designs=self._designs)
            if len(summary)
            else landscape_chart(summary)
        )
        self._describe()

    def _describe(self) -> None:
        """The table and the count line of the studies the chart shows (design chosen in the chart)."""
        table = catalogue.evidence_table(**self._filters())
        self._current = table
        summary = catalogue.trial_summary(table)
        self._table.value = table_html(table)
        self._table.layout.display = "none" if table.empty else None
        self._count.value = (
            f"<span style='font-size:16px'><b>{len(summary)}</b> studies, <b>{len(table)}</b> curated "
            "numbers match.</span>"
            if len(table)
            else ""
        )
