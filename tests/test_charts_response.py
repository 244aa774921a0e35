"""hcckit.charts.response: specs checked with to_dict() (marks, fields, titles with units, captions)."""

from __future__ import annotations

import json

import pytest

from hcckit import data
from hcckit import response as R
from hcckit.charts import response as C
from hcckit.charts._common import label_synthetic
from hcckit.charts.response import TEACHING_CASES_LABEL


@pytest.fixture(scope="module")
def cohort():
    tp = R.assess_all(R.teaching_cohort(20, seed=2))
    best = R.best_response(tp)
    return tp, best


def layers(spec):
    out = []
    for layer in spec.get("layer", []):
        out.extend(layers(layer) if "layer" in layer else [layer])
    return out


def marks(spec):
    return [(lay["mark"]["type"] if isinstance(lay["mark"], dict) else lay["mark"]) for lay in layers(spec)]


def line_values(spec):
    """Values of the dashed threshold lines (the dataset whose rows carry a 'label' and a 'value')."""
    for rows in spec["datasets"].values():
        if rows and {"label", "value"} <= set(rows[0]) and "%" in str(rows[0]["label"]):
            return sorted(r["value"] for r in rows)
    raise AssertionError("no threshold lines")


def is_synthetic(spec):
    return spec.get("usermeta", {}).get("hcckit_synthetic") is True and TEACHING_CASES_LABEL in json.dumps(
        spec["title"]
    )


def test_waterfall(cohort):
    tp, best = cohort
    spec = C.waterfall_chart(R.best_change(tp, best), criterion="mRECIST", title="W").to_dict()
    bar = layers(spec)[0]
    assert bar["mark"]["type"] == "bar"
    assert bar["encoding"]["y"]["field"] == "best_pct_change"
    assert "(%)" in bar["encoding"]["y"]["title"] and "mRECIST" in bar["encoding"]["y"]["title"]
    assert bar["encoding"]["color"]["field"] == "best_response"
    assert bar["encoding"]["color"]["scale"]["domain"] == ["CR", "PR", "SD", "non-CR/non-PD", "PD", "NE"]
    assert "rule" in marks(spec)
    assert line_values(spec) == [-30, 20]
    assert is_synthetic(spec)
    # bars sorted by best change, biggest increase first
    order = bar["encoding"]["x"]["sort"]
    rows = R.best_change(tp, best).query("criterion == 'mRECIST'").dropna(subset=["best_pct_change"])
    assert order[0] == rows.sort_values("best_pct_change", ascending=False)["patient"].iloc[0]


def test_waterfall_who_lines_and_errors(cohort):
    tp, best = cohort
    spec = C.waterfall_chart(R.best_change(tp, best), criterion="WHO").to_dict()
    assert line_values(spec) == [-50, 25]
    with pytest.raises(ValueError, match="several criteria"):
        C.waterfall_chart(R.best_change(tp, best))
    with pytest.raises(ValueError, match="best_pct_change"):
        C.waterfall_chart(best)


def test_waterfall_not_labelled_for_real_data(cohort):
    tp, best = cohort
    change = R.best_change(tp, best).drop(columns="synthetic")
    spec = C.waterfall_chart(change, criterion="RECIST 1.1").to_dict()
    assert "usermeta" not in spec


def test_spider(cohort):
    tp, _ = cohort
    spec = C.spider_chart(tp, criterion="RECIST 1.1").to_dict()
    assert marks(spec)[:2] == ["line", "point"]
    line = layers(spec)[0]
    assert line["encoding"]["x"]["title"] == "Time since treatment start (weeks)"
    assert line["encoding"]["detail"]["field"] == "patient"
    assert is_synthetic(spec)
    days = C.spider_chart(tp, criterion="RECIST 1.1", time_unit="days").to_dict()
    assert layers(days)[0]["encoding"]["x"]["title"].endswith("(days)")
    with pytest.raises(ValueError, match="time_unit"):
        C.spider_chart(tp, criterion="WHO", time_unit="months")


def test_swimmer(cohort):
    tp, _ = cohort
    spec = C.swimmer_chart(tp, criterion="mRECIST").to_dict()
    assert marks(spec) == ["bar", "point", "point"]
    bar = layers(spec)[0]
    assert bar["encoding"]["x"]["title"] == "Time since treatment start (weeks)"
    assert layers(spec)[2]["mark"]["shape"] == "triangle-right"
    assert is_synthetic(spec)


def test_discordance(cohort):
    _, best = cohort
    table = R.discordance_table(best)
    spec = C.discordance_chart(table, synthetic=True).to_dict()
    assert marks(spec) == ["rect", "rect", "text"]
    enc = layers(spec)[0]["encoding"]
    assert (
        enc["x"]["title"] == "Best response by mRECIST" and enc["y"]["title"] == "Best response by RECIST 1.1"
    )
    assert enc["color"]["title"] == "Patients (count)"
    assert is_synthetic(spec)
    assert "usermeta" not in C.discordance_chart(table).to_dict()
    with pytest.raises(ValueError, match="discordance_table"):
        C.discordance_chart(best)


def test_criteria_chart_one_patient():
    tp = R.assess_all(R.necrotic_patient())
    spec = C.criteria_chart(tp, title="T").to_dict()
    assert "line" in marks(spec) and "text" in marks(spec)
    assert is_synthetic(spec)
    with pytest.raises(ValueError, match="one patient"):
        C.criteria_chart(R.assess_all(R.teaching_cohort(3)))
    with pytest.raises(ValueError, match="criterion"):
        C.criteria_chart(R.assess(R.necrotic_patient(), "WHO").drop(columns="criterion"))


def _fields(encoding: dict) -> set:
    """Fields an encoding reads (every channel, tooltip lists included)."""
    out = set()
    for channel in encoding.values():
        for d in channel if isinstance(channel, list) else [channel]:
            if isinstance(d, dict) and "field" in d:
                out.add(d["field"])
    return out


def test_criteria_chart_is_flat_and_its_rows_carry_every_field_drawn():
    tp = R.assess_all(R.necrotic_patient())
    spec = C.criteria_chart(tp).to_dict()
    assert all("layer" not in lay for lay in spec["layer"])  # one flat layer chart
    assert marks(spec) == ["rule", "text", "tick", "line", "text", "text", "text", "text"]
    for lay in spec["layer"]:
        rows = spec["datasets"][lay.get("data", spec.get("data"))["name"]]
        assert rows, lay["mark"]
        for row in rows:
            assert _fields(lay["encoding"]) <= set(row), (lay["mark"], sorted(row))
    # labels and tooltips: one text layer per criterion, each with that criterion's verdicts
    labels = [lay for lay in spec["layer"] if lay["mark"].get("fontWeight") == "bold"]
    assert [lay["mark"]["dx"] for lay in labels] == [18] * 4
    assert [{r["criterion"] for r in spec["datasets"][lay["data"]["name"]]} for lay in labels] == [
        {c} for c in R.CRITERIA
    ]
    assert {f["field"] for f in labels[0]["encoding"]["tooltip"]} == {"criterion", "day", "label", "reason"}


def test_criteria_chart_caption_is_label_synthetic_of_the_plain_chart():
    tp = R.assess_all(R.necrotic_patient())
    plain = C.criteria_chart(tp, synthetic=False, title="T")
    assert "usermeta" not in plain.to_dict()
    labelled = C.criteria_chart(tp, title="T").to_dict()
    assert labelled == label_synthetic(plain, text=TEACHING_CASES_LABEL).to_dict()
    assert labelled["title"]["subtitle"][-1] == TEACHING_CASES_LABEL and labelled["title"]["text"] == "T"


def test_criteria_chart_of_other_measurements_differs_only_in_its_data():
    """Two measurements of the same visits: same spec but the data, so the chart view updates in place."""
    patient = R.necrotic_patient()
    specs = []
    for viable in (10.0, 30.0, 48.0):
        edited = R.edit_measurements(patient, lesion="L1", day=42, viable_ld_mm=viable)
        specs.append(C.criteria_chart(R.assess_all(edited)).to_dict())

    def skeleton(spec):  # as hcckit.widgets._chartlib.STUB_ESM compares specs: dataset names by position
        text = json.dumps({**spec, "datasets": None})
        for i, name in enumerate(spec["datasets"]):
            text = text.replace(json.dumps(name), json.dumps(f"data {i}"))
        return text

    assert skeleton(specs[0]) == skeleton(specs[1]) == skeleton(specs[2])
    assert len({json.dumps(s["datasets"], sort_keys=True) for s in specs}) == 3


def test_rates_chart_reported_trial():
    rates = R.trial_rates(data.load("outcomes"), trial_id="chictr2100049829_tace_atezo_bev")
    spec = C.rates_chart(rates).to_dict()
    assert "facet" in spec and spec["facet"]["row"]["field"] == "endpoint"
    inner = layers(spec["spec"])
    assert inner[0]["mark"]["type"] == "rule" and inner[0]["encoding"]["x2"]["field"] == "ci_high_pct"
    assert "(%)" in inner[0]["encoding"]["x"]["title"]
    assert "usermeta" not in spec  # real trial numbers are not labelled synthetic
    one = C.rates_chart(rates, endpoint="ORR").to_dict()
    assert "facet" not in one
    rows = next(r for r in one["datasets"].values() if r and "interval" in r[0])
    assert {r["ci_high_pct"] for r in rows} == {100.0}  # one-sided lower bounds drawn to 100 %
    assert {r["interval"] for r in rows} == {"90 % one-sided"}
    with pytest.raises(ValueError, match="endpoint"):
        C.rates_chart(rates, endpoint="OS")


def test_rates_chart_synthetic_cohort(cohort):
    _, best = cohort
    spec = C.rates_chart(R.response_rates(best), endpoint="ORR", synthetic=True).to_dict()
    assert is_synthetic(spec)


def test_charts_stay_layerable_and_unconfigured(cohort):
    import altair as alt

    tp, best = cohort
    for chart in (
        C.waterfall_chart(R.best_change(tp, best), criterion="EASL"),
        C.spider_chart(tp, criterion="EASL"),
        C.swimmer_chart(tp, criterion="EASL"),
        C.discordance_chart(R.discordance_table(best)),
    ):
        assert chart.config is alt.Undefined
        (chart + alt.Chart(tp).mark_rule().encode(y="day:Q")).to_dict()
