"""Landing page: evidence table filters, landscape chart, catalogue panel."""

import pytest

from hcckit import catalogue
from hcckit.charts.catalogue import landscape_chart
from hcckit.widgets.catalogue import CataloguePanel, table_html


def test_unfiltered_table_holds_every_outcome_with_context():
    table = catalogue.evidence_table()
    from hcckit import data

    assert len(table) == len(data.load("outcomes"))
    assert table["trial"].notna().all() and table["arm"].notna().all()


def test_filters_combine():
    table = catalogue.evidence_table(modality="HAIC", criterion="RECIST 1.1")
    assert set(table["arterial"]) == {"HAIC"}
    assert set(table["criterion"]) == {"RECIST 1.1"}
    assert {"FOHAIC-1", "Li 2022 (HAIC-FOLFOX vs TACE)"} <= set(table["trial"])


def test_unknown_filter_value_names_the_filter():
    with pytest.raises(ValueError, match="design: 'RCT' is not one of"):
        catalogue.evidence_table(design="RCT")


def test_empty_filter_gives_empty_state_chart():
    table = catalogue.evidence_table(modality="TARE", design="single_arm")
    assert table.empty
    spec = landscape_chart(catalogue.trial_summary(table)).to_dict()
    assert spec["mark"]["type"] == "text"
    assert "No curated study" in str(spec)
    assert "No curated number" in table_html(table)


def test_landscape_chart_encodes_units_and_design():
    spec = landscape_chart(catalogue.trial_summary(catalogue.evidence_table())).to_dict()
    assert spec["mark"]["type"] == "circle"
    assert spec["encoding"]["size"]["title"] == "Patients (n)"
    assert spec["encoding"]["color"]["field"] == "design"


def test_panel_updates_chart_and_shows_friendly_empty_state():
    panel = CataloguePanel()
    before = panel._view.chart.to_dict()
    panel._modality.value = "TARE"
    after = panel._view.chart.to_dict()
    assert before != after
    assert set(panel.value["arterial"]) == {"TARE"}
    panel._design.value = "single_arm"
    assert panel.value.empty
    assert "No curated study" in panel._message.value
    assert "Traceback" not in panel._message.value


def test_discrepancies_are_flagged_in_the_table():
    html = table_html(catalogue.evidence_table(modality="DEB-TACE"))
    assert "⚠" in html and "DISCREPANCY" in html
