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
    assert table_html(table) == ""  # the empty state is said once, in the chart


def _layers(spec):
    return spec.get("layer", [spec])


def _data(spec):
    return [r for values in spec.get("datasets", {}).values() for r in values]


def test_missing_patients_are_not_reported_never_zero():
    summary = catalogue.trial_summary(catalogue.evidence_table())
    imbrave = summary[summary["trial"] == "IMbrave150"].iloc[0]
    assert imbrave["patients"] != imbrave["patients"]  # NaN, not 0
    spec = landscape_chart(summary).to_dict()
    row = next(r for r in _data(spec) if r["trial"] == "IMbrave150")
    assert row["patients_text"] == "not reported"
    assert "not reported" in " ".join(spec["title"]["subtitle"])
    tooltips = [t for layer in _layers(spec) for t in layer["encoding"]["tooltip"]]
    assert {"field": "patients_text", "type": "nominal", "title": "Patients (n)"} in tooltips


def test_names_not_ids_in_the_chart():
    spec = landscape_chart(catalogue.trial_summary(catalogue.evidence_table())).to_dict()
    rows = _data(spec)
    assert "not reported" in {r["year_label"] for r in rows} and "n/r" not in str(spec)
    assert "Single-arm trial" in {r["design_name"] for r in rows}
    assert "No arterial therapy" in {r["modality_name"] for r in rows}
    enc = _layers(spec)[0]["encoding"]
    assert enc["color"]["field"] == "design_name" and enc["y"]["field"] == "modality_name"
    assert enc["x"]["sort"][0] == "not reported"


def test_filters_never_recolour_or_resize():
    full = _layers(landscape_chart(catalogue.trial_summary(catalogue.evidence_table())).to_dict())[0]
    narrow_table = catalogue.evidence_table(design="cohort")
    narrow = _layers(landscape_chart(catalogue.trial_summary(narrow_table)).to_dict())[0]
    for channel in ("color", "size"):
        assert full["encoding"][channel]["scale"] == narrow["encoding"][channel]["scale"]
    scale = full["encoding"]["color"]["scale"]
    colour = dict(zip(scale["domain"], scale["range"], strict=True))
    assert colour["RCT"] == "#009E73" and len(colour) == 4
    assert full["encoding"]["size"]["scale"]["domain"][0] == 0
    assert full["encoding"]["size"]["scale"]["domain"][1] == catalogue.scale_domains()["patients"][1]


def test_landscape_chart_encodes_units_and_design():
    spec = landscape_chart(catalogue.trial_summary(catalogue.evidence_table())).to_dict()
    layer = _layers(spec)[0]
    assert layer["mark"]["type"] == "circle"
    assert layer["encoding"]["size"]["title"] == "Patients (n)"
    assert layer["encoding"]["color"]["title"] == "Design"


def test_panel_updates_chart_and_shows_friendly_empty_state():
    panel = CataloguePanel()
    before = panel.views["chart"].chart.to_dict()
    panel.controls["modality"].value = "TARE"
    after = panel.views["chart"].chart.to_dict()
    assert before != after
    assert set(panel.value["arterial"]) == {"TARE"}
    chart = panel.views["chart"].chart
    panel.controls["design"].value = "single_arm"  # chosen in the chart: the browser hides the circles
    assert panel.views["chart"].chart is chart and panel.views["chart"].params.design == "single_arm"
    assert panel.value.empty
    # the empty state appears once (in the chart), not three times
    shown = [panel.message.value, panel.views["count"].value, panel.views["table"].value]
    assert "No curated study" in str(panel.views["chart"].chart.to_dict())
    assert not any("No curated" in text for text in shown)
    assert panel.views["table"].layout.display == "none"
    assert "Traceback" not in panel.message.value


def test_panel_is_a_panel_with_reset_and_named_options():
    from hcckit.widgets.panel import Panel

    panel = CataloguePanel()
    assert isinstance(panel, Panel)
    assert "hcckit-primary-control" in panel.controls["modality"]._dom_classes
    bind = panel.views["chart"].chart.to_dict()["params"][0]["bind"]
    assert ("Single-arm trial", "single_arm") in zip(bind["labels"], bind["options"], strict=True)
    assert ("No arterial therapy", "none") in panel.controls["modality"].options
    panel.set_state(modality="TARE", design="single_arm")
    assert panel.value.empty
    panel.reset()
    assert set(panel.state.values()) == {catalogue.ALL}
    assert ("All modalities", "all") in panel.controls["modality"].options
    assert len(panel.value) == len(catalogue.evidence_table())
    assert panel.views["table"].layout.display is None
    assert "font-size:16px" in panel.views["table"].value and "not reported" in panel.views["table"].value


def test_design_is_chosen_in_the_chart():
    """A design is a property of a study: the chart holds every design's studies and a bound input
    (param ``design``) hides the others in the browser; the table and count follow in the kernel."""
    from hcckit.charts.catalogue import DESIGN_PARAM

    panel = CataloguePanel()
    view = panel.views["chart"]
    spec = view.chart.to_dict(validate=True)
    (param,) = spec["params"]
    assert param["name"] == DESIGN_PARAM == "design" and param["value"] == catalogue.ALL
    assert param["bind"]["labels"][0] == "All designs" and param["bind"]["name"] == "Design: "
    chart = view.chart
    view._params = {"design": "rct"}  # what the chart's bound select sends
    assert panel.state["design"] == "rct" and view.chart is chart
    assert set(panel.value["design"]) == {"rct"}
    assert "<b>14</b> studies" in panel.views["count"].value
    panel.controls["modality"].value = "TACE"  # a kernel filter: redrawn at the chosen design
    spec = view.chart.to_dict()
    assert spec["params"][0]["value"] == "rct"
    rows = [r for values in spec["datasets"].values() for r in values if "trial_id" in r]
    assert {r["design"] for r in rows} > {"rct"}  # every design's studies are in the chart
    assert "datum.design == design" in str(spec["layer"][0]["transform"])


def test_discrepancies_are_flagged_in_the_table():
    html = table_html(catalogue.evidence_table(modality="DEB-TACE"))
    assert "⚠" in html and "DISCREPANCY" in html


def test_all_is_the_kits_one_everything_value_and_the_old_all_still_works():
    from hcckit import labels

    assert catalogue.ALL is labels.ALL and catalogue.ALL == "all"
    assert all(values[0] == labels.ALL for values in catalogue.filter_options().values())
    with pytest.warns(DeprecationWarning, match='design="All" is now'):
        old = catalogue.evidence_table(design="All")
    assert old.equals(catalogue.evidence_table())
    with pytest.warns(DeprecationWarning, match='endpoints="All" is now'):
        assert catalogue.evidence_table(endpoints="All", modality="HAIC").equals(
            catalogue.evidence_table(modality="HAIC")
        )
