"""The shared table renderer and number formatters: every rule a class sees."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from hcckit import data, formatting, labels, tables


def _cells(table) -> list[list[str]]:
    """Body cells of a rendered table, unescaped text."""
    import html

    body = table.html.split("<tbody>", 1)[1]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body)
    return [
        [html.unescape(c).replace("\u00a0", " ") for c in re.findall(r"<td[^>]*>(.*?)</td>", r)] for r in rows
    ]


def _headers(table) -> list[str]:
    import html

    return [html.unescape(h) for h in re.findall(r"<th[ >][^>]*>?(.*?)</th>", table.html)]


# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.0004, "< 0.001"),
        (0.000999, "< 0.001"),
        (0.001, "0.001"),
        (0.0043, "0.004"),
        (0.00949, "0.009"),
        (0.01, "0.01"),
        (0.043, "0.04"),
        (0.046, "0.046"),  # rounding to 0.05 would cross 0.05 (AMA): keep 3 decimals
        (0.0999, "0.10"),
        (0.1, "0.10"),
        (0.125, "0.13"),  # half up, not banker's rounding
        (0.713, "0.71"),
        (0.995, "> 0.99"),
        (1.0, "> 0.99"),
        (0.0, "< 0.001"),
    ],
)
def test_p_value_convention_at_the_boundaries(p, text):
    assert formatting.p_value(p) == text


def test_p_value_operator_prefix_and_errors():
    assert formatting.p_value(0.001, operator="<") == "< 0.001"
    assert formatting.p_value(0.05, operator="<", prefix=True) == "P < 0.05"
    assert formatting.p_value(0.043, prefix=True) == "P = 0.04"
    assert formatting.p_value(float("nan")) == "not reported"
    with pytest.raises(ValueError, match="p: a P-value must lie in 0-1"):
        formatting.p_value(1.8)
    with pytest.raises(ValueError, match="operator"):
        formatting.p_value(0.2, operator="~")
    with pytest.raises(TypeError, match="p: expected a number"):
        formatting.p_value([0.1])


def test_percent_number_ci_count():
    assert formatting.percent(57.5) == "57.5 %"
    assert formatting.percent(23 / 40 * 100) == "57.5 %"
    assert formatting.percent(7 / 40 * 100, 0) == "18 %"  # 17.5 half up
    assert formatting.percent(-3.75, sign=True, unit=False) == "-3.8"
    assert formatting.percent(3.75, sign=True) == "+3.8 %"
    assert formatting.number(-3.750000) == "-3.75"
    assert formatting.number(0.706641) == "0.707"
    assert formatting.number(46.666667) == "46.7"
    assert formatting.number(1234.567) == "1235"
    assert formatting.number(0.02636) == "0.0264"
    assert formatting.number(2.0712e-7) == "2.07 × 10⁻⁷"  # never e-notation
    assert formatting.number(-9.9999e-6) == "-1 × 10⁻⁵"
    assert formatting.number(0.00012) == "0.00012"
    assert formatting.number(17.0) == "17"
    assert formatting.number(np.float64(0.5)) == "0.5"
    assert formatting.number(41.0, decimals=1) == "41.0"
    assert formatting.number(-0.0001, decimals=2) == "0.00"
    assert formatting.ci(0.37, 0.91) == "0.37 to 0.91"
    assert formatting.ci(36.31654, 100.0, unit="%", decimals=1) == "36.3 to 100.0 %"
    assert formatting.ci(-2.5, 4.25, unit="pp") == "-2.5 to 4.25 pp"
    assert formatting.ci(None, float("nan")) == "not reported"
    assert "not reported" in formatting.ci(36.3, None, unit="%")
    assert formatting.count(45.0) == "45"
    with pytest.raises(ValueError, match="count: expected a whole number"):
        formatting.count(4.5)
    assert formatting.yes_no(True) == "yes" and formatting.yes_no("False") == "no"
    for missing in (None, float("nan"), pd.NA, pd.NaT, "", "  ", np.nan):
        assert formatting.is_missing(missing)
        assert formatting.number(missing) == "not reported"


# --------------------------------------------------------------------------- show()


def test_missing_values_read_not_reported():
    frame = pd.DataFrame(
        {"a": [1.5, np.nan, 2.0], "b": ["x", None, ""], "c": pd.array([1, pd.NA, 3], dtype="Int64")}
    )
    cells = _cells(tables.show(frame))
    assert cells[1] == ["not reported"] * 3
    assert cells[0][1] == "x" and cells[2][1] == "not reported"
    assert cells[0][2] == "1" and cells[2][2] == "3"
    assert "NaN" not in tables.show(frame).html and "<NA>" not in tables.show(frame).html


def test_no_index_column_unless_asked():
    frame = pd.DataFrame({"value": [1.5, 2.5]}, index=pd.Index(["first", "second"], name="row"))
    t = tables.show(frame)
    assert _headers(t) == ["Value"]
    assert all(len(r) == 1 for r in _cells(t))
    assert "first" not in t.html
    with_index = tables.show(frame, index=True)
    assert _headers(with_index) == ["Row", "Value"]
    assert _cells(with_index)[0] == ["first", "1.5"]


def test_headers_come_from_labels_or_the_columns_mapping():
    frame = pd.DataFrame({"reported_ci_low": [36.0], "pct_change_baseline": [-3.75], "n": [45]})
    assert _headers(tables.show(frame)) == [
        labels.column("reported_ci_low"),
        "Change from baseline (%)",
        "Patients (n)",
    ]
    t = tables.show(frame, columns={"n": "Enrolled (n)", "reported_ci_low": "Lower bound (%)"})
    assert _headers(t) == ["Enrolled (n)", "Lower bound (%)"]
    assert _cells(t)[0] == ["45", "36"]


def test_numbers_by_convention():
    frame = pd.DataFrame(
        {
            "p_value": [0.0004, 0.043, 0.2],
            "ci_low_pct": [36.31654, 73.207505, 0.0],
            "pct_change_baseline": [-3.75, -6.25, 0.0],
            "ci_level": [0.90, 0.95, 0.95],
            "n": [45.0, 40.0, 31.0],
            "difference": [-0.026359, 0.047870, 0.021361],
            "preferred": [True, False, True],
            "reported_pct": [47.0, 54.5, 7.0],
        }
    )
    cells = _cells(tables.show(frame))
    assert cells[0] == ["< 0.001", "36.3", "-3.8", "90 %", "45", "-0.0264", "yes", "47"]
    assert cells[1] == ["0.04", "73.2", "-6.3", "95 %", "40", "0.0479", "no", "54.5"]
    assert not re.search(r"\d\.\d{5,}", tables.show(frame).html)
    assert "90&nbsp;%" in tables.show(frame).html  # a number and its unit stay on one line


def test_curated_p_values_read_as_printed():
    effects = data.load("effects")
    row = effects[(effects["p_operator"] == "=") & effects["p_value"].notna()].iloc[[0]]
    cells = _cells(tables.show(row[["p_value", "p_operator"]]))
    assert cells[0][0] == formatting.number(row["p_value"].iloc[0], significant=12)
    frame = pd.DataFrame(
        {"reported_p": [0.018, 0.001], "reported_p_operator": ["=", "<"], "fisher_p": [0.0184, 2e-7]}
    )
    assert _cells(tables.show(frame)) == [["0.018", "=", "0.02"], ["< 0.001", "<", "< 0.001"]]


def test_formats_override_and_printed_precision():
    frame = pd.DataFrame({"value": [41.0, 17.9], "p": [0.5, 0.01], "endpoint": ["median_OS", "OS"]})
    t = tables.show(frame, formats={"value": 1, "p": lambda p: f"P={p}", "endpoint": "text"})
    assert _cells(t) == [["41.0", "P=0.5", "median_OS"], ["17.9", "P=0.01", "OS"]]
    with pytest.raises(ValueError, match=r"formats\['value'\]"):
        tables.show(frame, formats={"value": "bogus"})
    with pytest.raises(ValueError, match="formats"):
        tables.show(frame, formats={"nope": 1})


def test_id_columns_are_shown_as_names():
    arms = data.load("arms")
    emerald = arms[arms["trial_id"] == "emerald1"]
    frame = emerald[["trial_id", "arm_id", "role"]].assign(design="rct", endpoint="median_OS", year=np.nan)
    t = tables.show(frame)
    text = t.html
    for raw in ("emerald1", "dbt", ">dt<", "median_OS", ">rct<"):
        assert raw not in text
    cells = _cells(t)
    assert [r[1] for r in cells] == list(emerald["label"])
    assert cells[0][0] == labels.trial("emerald1")
    assert cells[0][4:] == ["Median OS", "not reported"]


def test_curated_tables_render_without_raw_ids():
    """Every curated table: no id of a designs/endpoints/criteria/arms column reaches the page."""
    for name in data.TABLE_NAMES:
        frame = data.load(name)
        t = tables.show(frame, max_rows=5)
        assert "NaN" not in t.html and "None" not in t.html
        shown = frame.iloc[:5]
        for column in ("arm_id", "design", "endpoint"):
            if column in shown:
                raw = {v for v in shown[column].dropna() if "_" in str(v)}
                cells = {r[list(shown.columns).index(column)] for r in _cells(t)}
                assert not raw & cells, (name, column, raw & cells)


def test_html_is_escaped():
    frame = pd.DataFrame({"note": ["<script>alert(1)</script> & >= 4 weeks"]})
    t = tables.show(frame, caption="A <b> caption")
    assert "<script>" not in t.html and "&lt;script&gt;" in t.html
    assert "&amp; &gt;= 4 weeks" in t.html
    assert "A &lt;b&gt; caption" in t.html


def test_long_text_wraps_and_is_never_cut():
    note = "DISCREPANCY: " + " ".join(f"word{i}" for i in range(200))
    t = tables.show(pd.DataFrame({"note": [note]}))
    assert note in t.html
    assert "white-space:normal" in t.html
    assert "overflow-x:auto" in t.html
    assert "text-overflow" not in t.html and "nowrap" not in t.html


def test_style_font_zebra_and_caption():
    t = tables.show(pd.DataFrame({"value": [1, 2, 3]}), caption="Three rows")
    sizes = [int(s) for s in re.findall(r"font-size:(\d+)px", t.html)]
    assert sizes and min(sizes) >= 15
    rows = re.findall(r"<tr([^>]*)>", t.html.split("<tbody>")[1])
    assert rows[0] == "" and "background" in rows[1] and rows[2] == ""
    assert "<caption" in t.html and "Three rows" in t.html


def test_max_rows_says_what_is_left_out():
    t = tables.show(pd.DataFrame({"value": range(10)}), max_rows=3)
    assert len(_cells(t)) == 3 and t.rows == 3
    assert "first 3 of 10 rows" in t.html
    with pytest.raises(ValueError, match="max_rows"):
        tables.show(pd.DataFrame({"value": [1]}), max_rows=0)


def test_lists_in_cells_and_empty_frames():
    t = tables.show(pd.DataFrame({"notes": [["a", "b"], []]}))
    assert _cells(t) == [["a; b"], ["not reported"]]
    pairs = tables.show(pd.DataFrame({"inputs": [(("a", 51), ("p", 0.024)), {"n": 58}]}))
    assert _cells(pairs) == [["a = 51; p = 0.024"], ["n = 58"]]
    empty = tables.show(pd.DataFrame({"value": []}))
    assert "No rows to show." in empty.html and _headers(empty) == ["Value"]


def test_column_selection_and_errors():
    frame = pd.DataFrame({"a": [1], "b": [2]})
    assert _headers(tables.show(frame, columns=["b"])) == ["B"]
    with pytest.raises(ValueError, match=r"columns: \['c'\]"):
        tables.show(frame, columns=["c"])
    with pytest.raises(TypeError, match="df"):
        tables.show([1, 2])
    with pytest.raises(TypeError, match="columns"):
        tables.show(frame, columns="a")


def test_output_is_deterministic_and_a_series_works():
    frame = pd.DataFrame({"design": ["rct", "cohort"], "score": [0.1234567, 2.0]})
    assert tables.show(frame).html == tables.show(frame.copy()).html
    assert _cells(tables.show(frame["score"])) == [["0.123"], ["2"]]


def test_bullets_show_a_list_without_repr():
    t = tables.bullets(["DISCREPANCY: 27 at risk <at month 0>", 0.706641, None])
    assert t.html.count("<li") == 3
    assert "&lt;at month 0&gt;" in t.html and "0.707" in t.html and "not reported" in t.html
    assert "[" not in t.html and "0.706641" not in t.html and "None" not in t.html
    assert "Nothing to list." in tables.bullets([]).html
    with pytest.raises(TypeError, match="items"):
        tables.bullets("abc")


def test_combine_ci():
    frame = pd.DataFrame({"hr": [0.58], "ci_low": [0.37], "ci_high": [0.91], "p_value": [0.018]})
    out = tables.combine_ci(frame, "ci_low", "ci_high", into="95 % CI")
    assert list(out.columns) == ["hr", "95 % CI", "p_value"]
    assert _cells(tables.show(out)) == [["0.58", "0.37 to 0.91", "0.02"]]
    assert list(frame.columns) == ["hr", "ci_low", "ci_high", "p_value"]
    with pytest.raises(ValueError, match="high: 'upper'"):
        tables.combine_ci(frame, "ci_low", "upper", into="CI")


def test_repr_html_works_without_ipywidgets():
    code = (
        "import sys; sys.modules['ipywidgets'] = None\n"
        "import pandas as pd\n"
        "from hcckit import tables\n"
        "t = tables.show(pd.DataFrame({'design': ['rct']}))\n"
        "assert 'RCT' in t._repr_html_()\n"
        "try:\n"
        "    t.widget()\n"
        "except ImportError:\n"
        "    print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_widget_holds_the_html():
    pytest.importorskip("ipywidgets")
    t = tables.show(pd.DataFrame({"design": ["rct"]}))
    w = t.widget()
    assert w.value == t.html


def test_lesson_frames_render_without_float_noise_or_ids():
    """The frames lessons 02 and 03 end on today: readable once shown through the renderer."""
    from hcckit import response, survival

    rates = response.trial_rates(data.load("outcomes"), trial_id="chictr2100049829_tace_atezo_bev")
    verdicts = response.assess_all(response.necrotic_patient())
    residuals = survival.survival_model(
        17.9, landmarks={12: 0.733, 24: 0.385, 36: 0.237}, model="weibull"
    ).residuals()
    for frame in (rates, verdicts, residuals):
        t = tables.show(frame)
        cells = [c for row in _cells(t) for c in row]
        assert not [c for c in cells if re.fullmatch(r"-?\d+\.\d{5,}", c)], cells
        assert not {"NaN", "nan", "None", "<NA>", "True", "False"} & set(cells)
        for header in _headers(t):
            assert "_" not in header, header
    cells = [c for row in _cells(tables.show(rates)) for c in row]
    assert "chictr2100049829_tace_atezo_bev" not in cells and "tace_atezo_bev" not in cells
    assert "-3.75" not in cells and "-3.750000" not in cells


def test_collapsed_table_shows_its_caption_and_row_count_until_opened():
    df = pd.DataFrame({"parameter": ["a", "b", "c"], "value": [1.0, 2.5, 3.0]})
    out = tables.show(df, caption="The model's parameters", collapsed=True).html
    assert out.startswith("<details")
    summary = out[out.index("<summary") : out.index("</summary>")]
    assert "The model&#x27;s parameters (3 rows; click to show)" in summary
    assert "<caption" not in out  # the caption is the summary, not repeated inside
    assert out.count("<tr") == 4  # header + 3 rows, all still there once opened
    assert not tables.show(df, caption="x").html.startswith("<details")
    with pytest.raises(ValueError, match="collapsed"):
        tables.show(df, collapsed=True)
