"""hcckit.uploads: user CSV files become tables, or errors that name the file, line and column."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from hcckit import response, survival, uploads


def test_example_measurements_round_trip():
    text = uploads.example_csv("measurements")
    table = uploads.read_measurements(text.encode())
    direct = response.assess_all(response.necrotic_patient())
    via_csv = response.assess_all(table)
    pd.testing.assert_series_equal(
        direct["response"].reset_index(drop=True), via_csv["response"].reset_index(drop=True)
    )


def test_semicolon_decimal_comma_bom_and_header_case():
    text = "\ufeffPatient;Lesion;Day;Kind;LD-mm;Is Node\nA;L1;0;target;50,5;no\nA;L1;42;target;30;no\n"
    table = uploads.read_measurements(text.encode("utf-8"))
    assert list(table.columns[:4]) == ["patient", "lesion", "day", "kind"]
    assert table["ld_mm"].tolist() == [50.5, 30.0]
    assert table["is_node"].tolist() == [False, False]
    out = response.assess(table, "RECIST 1.1")
    assert out["response"].iloc[-1] == "PR"  # 30 / 50.5 = -40.6 %


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"PK\x03\x04xlsx", "not a text CSV"),
        (b"\x89PNG\r\n\x1a\n", "not a text CSV"),
        ("patient,lesion,day,kind\n".encode("utf-16"), "not a text CSV"),
        (b"patient,lesion,day,kind\n\xff\xfeA,1,0,target\n", "not UTF-8"),
        (b"patient,lesion\nA,1\n", "missing columns 'day', 'kind'"),
        (b"patient,lesion,day,kind\n", "no data rows"),
        (b"patient,lesion,day,kind\nA,L1,zero,target\n", "line 2, column 'day': 'zero' is not a number"),
        (b"patient,lesion,day,kind,ld_mm\nA,L1,0,target,50\nA,L1,42,target,3O\n", "line 3, column 'ld_mm'"),
        (
            b"patient,lesion,day,kind,is_node\nA,L1,0,target,maybe\n",
            "column 'is_node': 'maybe' is not true/false",
        ),
        (b"patient,lesion,day,kind,colour\nA,L1,0,target,red\n", "unknown column 'colour'"),
        (b"patient,lesion,day,kind,day\nA,L1,0,target,0\n", "appears more than once"),
    ],
)
def test_bad_measurement_files(content, message):
    with pytest.raises(ValueError, match="mine.csv") as err:
        uploads.read_measurements(content, name="mine.csv")
    assert message in str(err.value)


def test_too_large_and_too_many_rows():
    with pytest.raises(ValueError, match="limit is 2 MB"):
        uploads.read_csv_bytes(b"a\n" + b"1\n" * 1_100_000, name="big.csv")
    with pytest.raises(ValueError, match="limit is 5"):
        uploads.read_csv_bytes(b"a\n" + b"1\n" * 6, name="rows.csv", max_rows=5)


def test_medical_rules_still_checked_by_the_engine():
    """A file that parses but breaks a rule (target lesion unmeasured at baseline) names the lesion."""
    text = b"patient,lesion,day,kind,ld_mm\nA,L1,0,target,\nA,L1,42,target,20\n"
    table = uploads.read_measurements(text)
    with pytest.raises(ValueError, match="ld_mm"):
        response.assess(table, "RECIST 1.1")


def test_curve_in_percent_and_at_risk():
    curve = uploads.read_curve(b"time,survival\n0,100\n3,80\n6,61.5\n")
    assert curve["survival"].tolist() == [1.0, 0.8, 0.615]
    risk = uploads.read_at_risk(b"time,n_at_risk\n0,50\n3,40\n")
    assert risk["n_at_risk"].dtype.kind == "i"
    ipd = survival.reconstruct_ipd(curve, risk)
    assert len(ipd) == 50 and ipd["synthetic"].all()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"time\n0\n", "missing column 'survival'"),
        (b"time,survival\n0,1\n", "at least 2 points"),
        (b"time,survival\n0,1\n3,abc\n", "line 3, column 'survival'"),
        (b"time,survival\n,\n,\n", "no row has both"),
    ],
)
def test_bad_curves(content, message):
    with pytest.raises(ValueError, match="km.csv") as err:
        uploads.read_curve(content, name="km.csv")
    assert message in str(err.value)


def test_bad_at_risk():
    with pytest.raises(ValueError, match="whole numbers"):
        uploads.read_at_risk(b"time,n_at_risk\n0,50\n3,40.5\n", name="r.csv")
    with pytest.raises(ValueError, match="missing column 'n_at_risk'"):
        uploads.read_at_risk(b"time,n\n0,50\n", name="r.csv")


def test_example_kinds():
    assert uploads.example_csv("curve").startswith("time,survival")
    assert uploads.example_csv("at_risk").startswith("time,n_at_risk")
    with pytest.raises(ValueError, match="kind"):
        uploads.example_csv("trials")


# --------------------------------------------------------------------------- issue 14: odd files, bounds
CURVE = "time,survival\n0,1\n3,0.8\n6,0.55\n9,0.4\n"


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda t: t, id="LF"),
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="CRLF"),
        pytest.param(lambda t: t.replace("\n", "\r"), id="CR (CSV Macintosh)"),
        pytest.param(lambda t: "\ufeff" + t.replace("\n", "\r\n"), id="BOM+CRLF"),
        pytest.param(lambda t: t.replace(",", ";").replace("0.", "0,"), id="semicolon, decimal comma"),
        pytest.param(lambda t: t.replace(",", "\t"), id="tab"),
    ],
)
def test_every_common_line_ending_and_separator_reads(transform):
    curve = uploads.read_curve(transform(CURVE).encode())
    assert curve["survival"].tolist() == [1, 0.8, 0.55, 0.4]
    risk = uploads.read_at_risk(transform("time,n_at_risk\n0,120\n6,80\n12,41\n").encode())
    assert risk["n_at_risk"].tolist() == [120, 80, 41]
    cases = uploads.example_csv("measurements")
    assert len(uploads.read_measurements(transform(cases).encode())) == len(
        uploads.read_measurements(cases.encode())
    )


def test_a_quoted_field_with_a_line_break_reads():
    text = 'patient,lesion,day,kind,ld_mm,viable_ld_mm\n"P1\nsecond line",L1,0,target,30,30\n'
    frame = uploads.read_measurements(text.encode())
    assert frame["patient"].iloc[0] == "P1\nsecond line"


@pytest.mark.parametrize(
    "reader, content, message",
    [
        # issue 14: a 36-byte file made Guyot build 100 million patients (MemoryError at 5.3 GB)
        (uploads.read_at_risk, b"time,n_at_risk\n0,100000000\n3,80000000\n", "outside 0-100000 patients"),
        (uploads.read_at_risk, b"time,n_at_risk\n0,1e30\n3,10\n", "outside 0-100000 patients"),
        (uploads.read_at_risk, b"time,n_at_risk\n0,100\n1e20,10\n", "outside 0-1200 months"),
        (uploads.read_curve, b"time,survival\n0,1\ninf,0.5\n", "not a finite number"),
        (uploads.read_curve, b"time,survival\n0,1\n1e308,0.5\n", "outside 0-1200 months"),
        (uploads.read_curve, b"time,survival\n0,1\n3,nan\n", "'nan' is not a number"),
        (
            uploads.read_measurements,
            b"patient,lesion,day,kind,ld_mm\nA,L1,0,target,1e307\nA,L1,42,target,1e307\n",
            "line 2, column 'ld_mm': 1e+307 is outside 0-500 mm",
        ),
        (
            uploads.read_measurements,
            b"patient,lesion,day,kind,ld_mm\nA,L1,0,target,30\nA,L1,1e20,target,20\n",
            "line 3, column 'day'",
        ),
    ],
)
def test_absurd_numbers_are_refused_before_anything_is_computed(reader, content, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        reader(content)


def test_bounds_are_the_stated_ones():
    assert uploads.MAX_PATIENTS == 100_000 and uploads.MAX_MM == 500 and uploads.MAX_MONTHS == 1200
    # the limits themselves are accepted
    ok = uploads.read_at_risk(f"time,n_at_risk\n0,{uploads.MAX_PATIENTS}\n1200,0\n".encode())
    assert ok["n_at_risk"].iloc[0] == uploads.MAX_PATIENTS


def test_which_criteria_a_file_supports():
    recist_only = pd.DataFrame(columns=["patient", "lesion", "day", "kind", "ld_mm"])
    assert response.criteria_supported(recist_only) == {
        "RECIST 1.1": None,
        "mRECIST": "no 'viable_ld_mm' column",
        "WHO": "no 'perp_mm' column",
        "EASL": "no 'viable_ld_mm' or 'viable_perp_mm' column",
    }
    full = uploads.read_measurements(uploads.example_csv("measurements").encode())
    assert set(response.criteria_supported(full).values()) == {None}
