"""hcckit.charts.survival: specs (marks, fields, titles with units, synthetic caption), not pixels."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from specs import marks as spec_marks

from hcckit import survival
from hcckit.charts import SYNTHETIC_LABEL, label_synthetic
from hcckit.charts import survival as charts


@pytest.fixture(scope="module")
def data():
    c = survival.synthesize_arm(58, median=5.5, arm="tace", accrual=24, follow_up=12, seed=1)
    e = survival.synthesize_arm(58, median=8.4, arm="tace_bev", accrual=24, follow_up=12, seed=2)
    return survival.concat_arms([c, e])


def _is_labelled(spec: dict) -> bool:
    return (
        spec.get("usermeta", {}).get("hcckit_synthetic") is True
        and SYNTHETIC_LABEL in spec["title"]["subtitle"]
    )


def test_km_chart_layers_and_caption(data):
    spec = charts.km_chart(survival.km_table(data), y_title="Progression-free survival").to_dict()
    marks = spec_marks(spec)
    assert marks.count("area") == 1 and marks.count("line") == 1  # CI band + step curve
    assert "tick" in marks and marks.count("rule") == 2  # censor marks + median lines
    assert _is_labelled(spec)
    text = json.dumps(spec)
    assert "Time (months)" in text and "Progression-free survival (%)" in text
    assert '"interpolate": "step-after"' in text
    assert "datum.censored > 0" in text


def test_km_chart_options_and_composability(data):
    km = survival.km_table(data)
    spec = charts.km_chart(km, ci=False, censor_marks=False, median_lines=False, synthetic=False).to_dict()
    assert spec_marks(spec) == ["line"]
    assert "usermeta" not in spec
    layered = charts.km_chart(km, synthetic=False) + charts.km_chart(km, synthetic=False)
    layered.to_dict()  # unlabelled charts can still be layered


def test_at_risk_table_chart(data):
    table = survival.at_risk_table(data)
    spec = charts.at_risk_table_chart(table, metrics=("at_risk", "events", "censored")).to_dict()
    assert spec_marks(spec) == ["text"]
    assert spec["transform"][0]["fold"] == ["at_risk", "events", "censored"]
    # rows by arm name ("tace" is the id of the arm named "TACE"), never by id
    assert spec["encoding"]["y"]["sort"][:3] == ["TACE: at risk", "TACE: events", "TACE: censored"]
    assert {r["arm"] for rows in spec["datasets"].values() for r in rows} == {"TACE", "TACE + IA bevacizumab"}
    assert _is_labelled(spec)
    with pytest.raises(ValueError, match="^metrics: unknown"):
        charts.at_risk_table_chart(table, metrics=("deaths",))


def test_km_panel_aligns_table_and_annotates(data):
    comparison = survival.compare_arms(data)
    risk = survival.at_risk_table(data)
    spec = charts.km_panel(survival.km_table(data), at_risk=risk, annotation=comparison.annotation).to_dict()
    assert len(spec["vconcat"]) == 2
    assert _is_labelled(spec)
    text = json.dumps(spec)
    hr, _, arms = comparison.annotation[0].rpartition(" (")
    assert hr in text and arms in text and "log-rank" in text  # a long line wraps before "(A vs B)"
    ticks = [float(t) for t in risk["time"].unique()]
    assert json.dumps(ticks)[1:-1].split(", ")[0] in text  # the table's times are the x ticks
    extents = set(re.findall(r'"minExtent": (\d+)', text)) | set(re.findall(r'"maxExtent": (\d+)', text))
    assert len(extents) == 1 and int(extents.pop()) >= 150  # y axes share one width: the columns line up


def test_km_panel_without_table(data):
    spec = charts.km_panel(survival.km_table(data)).to_dict()
    assert len(spec["vconcat"]) == 1


def test_published_vs_reconstructed_chart(data):
    arms = survival.published_arms("yan2025_tace_bev", endpoint="PFS")
    published = survival.published_points(arms)
    spec = charts.published_vs_reconstructed_chart(survival.km_table(data), published=published).to_dict()
    assert len(spec["hconcat"]) == 2
    titles = [p["title"] for p in spec["hconcat"]]
    assert titles[0] == "Published" and titles[1].startswith("Pseudo-patients")
    assert "point" in spec_marks(spec["hconcat"][0]) and "line" in spec_marks(spec["hconcat"][1])
    assert _is_labelled(spec)


def test_not_reached_limits_are_drawn_to_the_axis_end(data):
    os_arm = survival.published_arms("chictr2100049829_tace_atezo_bev", endpoint="OS")
    published = survival.published_points(os_arm)
    km = survival.km_table(
        survival.synthesize_published("chictr2100049829_tace_atezo_bev", endpoint="OS", follow_up=30)
    )
    text = json.dumps(charts.published_vs_reconstructed_chart(km, published=published).to_dict())
    assert "Infinity" not in text and "isValid(datum.time_ci_high)" in text


def test_comparison_table_chart(data):
    published = survival.published_points(survival.published_arms("yan2025_tace_bev", endpoint="PFS"))
    spec = charts.comparison_table_chart(survival.compare_published(data, published=published)).to_dict()
    assert "facet" in spec and _is_labelled(spec)


def test_captions_set_at_construction_equal_label_synthetic_of_the_plain_chart(data):
    """Each chart sets its title and caption when it is built (no copy): the spec label_synthetic gives."""
    km, risk = survival.km_table(data), survival.at_risk_table(data)
    published = survival.published_points(survival.published_arms("yan2025_tace_bev", endpoint="PFS"))
    builders = {
        "km_chart": lambda **kw: charts.km_chart(km, **kw),
        "at_risk_table_chart": lambda **kw: charts.at_risk_table_chart(risk, **kw),
        "km_panel": lambda **kw: charts.km_panel(km, at_risk=risk, annotation=["HR 0.5"], **kw),
        "published_vs_reconstructed_chart": lambda **kw: charts.published_vs_reconstructed_chart(
            km, published=published, **kw
        ),
    }
    for name, build in builders.items():
        for title in ("A title", None):
            plain = build(title=title, synthetic=False)
            labelled = build(title=title).to_dict()
            if title is None:  # the caption needs a title: the chart's own default
                assert "title" not in plain.to_dict(), name
                plain = plain.properties(title=labelled["title"]["text"])
            assert labelled == label_synthetic(plain).to_dict(), name
            assert _is_labelled(labelled) and plain.to_dict().get("usermeta") is None, name


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="^km: missing column"):
        charts.km_chart(pd.DataFrame({"time": [0.0], "survival": [1.0]}))


def test_at_risk_labels_are_names_that_fit_and_clear_the_numbers(data):
    long = data.assign(arm=data["arm"].cat.rename_categories(["TACE", "TACE + atezolizumab + bevacizumab"]))
    spec = charts.km_panel(survival.km_table(long), at_risk=survival.at_risk_table(long)).to_dict()
    table = spec["vconcat"][1]
    axis = table["encoding"]["y"]["axis"]
    # too long for one line: the arm's name, then on a second line what the row counts
    assert "split(datum.label" in axis["labelExpr"]
    assert axis["labelLimit"] >= len("TACE + atezolizumab + bevacizumab") * 7  # ~7 px a character: not cut
    short = charts.at_risk_table_chart(survival.at_risk_table(data)).to_dict()["encoding"]["y"]["axis"]
    assert "labelExpr" not in short and short["labelLimit"] >= len("tace_bev: events") * 7
    assert axis["labelPadding"] >= 24  # the numbers at time 0 are centred on the axis: no "at risk1000"
    curves_axis = spec["vconcat"][0]["layer"][0]["encoding"]["y"]["axis"]
    assert curves_axis["minExtent"] == axis["minExtent"] == axis["maxExtent"]  # the columns line up
    legend = spec["vconcat"][0]["layer"][0]["encoding"]["color"]["legend"]
    assert legend["labelLimit"] >= 600


def test_km_figures_fit_the_projector(data):
    import re

    import vl_convert as vlc

    for chart in (
        charts.km_panel(survival.km_table(data), at_risk=survival.at_risk_table(data), width=380),
        charts.published_vs_reconstructed_chart(
            survival.km_table(data),
            published=survival.published_points(survival.published_arms("yan2025_tace_bev", endpoint="PFS")),
        ),
    ):
        svg = vlc.vegalite_to_svg(chart.to_dict())
        assert float(re.search(r'width="([\d.]+)"', svg).group(1)) <= 1150


def test_arm_ids_are_drawn_as_names(data):
    published = survival.published_points(survival.published_arms("yan2025_tace_bev", endpoint="PFS"))
    for chart in (
        charts.km_chart(survival.km_table(data)),
        charts.published_vs_reconstructed_chart(survival.km_table(data), published=published),
    ):
        spec = chart.to_dict()
        arms = {r["arm"] for rows in spec["datasets"].values() for r in rows if "arm" in r}
        assert arms == {"TACE", "TACE + IA bevacizumab"}, arms
        assert "tace_bev" not in json.dumps(spec)
