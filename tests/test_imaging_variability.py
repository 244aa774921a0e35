"""Reader variability: the cited error model and re-reading a case with simulated readers."""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from hcckit.data import data_dir
from hcckit.imaging import compare_verdicts, flip_curve, load_case, reader_error_model, reread
from hcckit.imaging import variability as var
from hcckit.response import necrotic_patient


@pytest.fixture(scope="module")
def case():
    return load_case()


def test_curated_figures_carry_their_source():
    with open(data_dir() / var.FIGURES_FILE, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and list(rows[0]) == var._COLUMNS
    for r in rows:
        assert r["source_url"].startswith("https://"), r["figure_id"]
        assert r["source_location"].strip() and r["authors"].strip() and r["title"].strip()
        # bibliographic fields the retrieved text did not give are left empty, and the note says so
        if not r["doi"] or not r["year"] or not r["journal"]:
            assert "not" in r["note"], r["figure_id"]
    assert {r["used_for"] for r in rows} >= {"model_viable", "model_whole"}


def test_broken_figures_file_is_named(tmp_path):
    good = (data_dir() / var.FIGURES_FILE).read_text(encoding="utf-8").splitlines()
    bad = tmp_path / var.FIGURES_FILE
    header, first = good[0], good[1].replace("limits_of_agreement_95", "guess")
    bad.write_text("\n".join([header, first, *good[2:]]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2, column 'statistic'"):
        var._read_figures(bad, pd)


def test_model_is_derived_from_the_printed_limits():
    figs = var._figures()
    model = reader_error_model()
    for part, measure in (("model_whole", "ld_mm"), ("model_viable", "viable_ld_mm")):
        row = figs[figs["used_for"] == part].iloc[0]
        half = (row["value_high"] - row["value_low"]) / 2
        want = 100 * half / 1.959963984540054 / math.sqrt(2) / row["lesion_size_mm"]
        assert model.sd_pct[measure] == pytest.approx(want)
    assert model.sd_pct["perp_mm"] == model.sd_pct["ld_mm"]
    assert 5 < model.sd_pct["ld_mm"] < 15
    intra = reader_error_model("intra_reader")
    assert intra.sd_pct["ld_mm"] < model.sd_pct["ld_mm"]
    assert "SD per reader" in str(model) and "<table" in model._repr_html_()
    with pytest.raises(ValueError, match="comparison"):
        reader_error_model("same")


def test_reread_truth_matches_compare_verdicts_and_is_deterministic(case):
    out = reread(case, n_readers=60, seed=3)
    var._FLIP_CACHE.clear()  # simulated again, not read from the cache
    again = reread(case, n_readers=60, seed=3)
    pd.testing.assert_frame_equal(out, again)
    assert out["synthetic"].all()
    assert out["flip_pct"].between(0, 100).all() and (out["n_readers"] == 60).all()
    from test_imaging_measure import exact_readings

    cv = compare_verdicts(exact_readings(case), case)
    for r in out[out["row"] == "visit"].itertuples(index=False):
        want = cv[(cv["criterion"] == r.criterion) & (cv["row"] == "visit") & (cv["day"] == r.day)]
        assert r.truth_response == want["truth_response"].iloc[0]
    assert not reread(case, n_readers=60, seed=4).equals(out)


def test_no_error_no_flips(case):
    out = reread(case, n_readers=20, error_sd_pct=0)
    assert (out["flip_pct"] == 0).all()
    assert (out["error_sd_pct"] == 0).all()


def test_flips_near_the_new_lesion_threshold(case):
    """N1 is 11 mm: mRECIST's 10 mm rule makes day 84 flip with error; RECIST counts it at any size."""
    out = reread(case, n_readers=300, error_sd_pct=10, criteria=("RECIST 1.1", "mRECIST"))
    at84 = out[(out["row"] == "visit") & (out["day"] == 84)].set_index("criterion")
    assert at84.loc["mRECIST", "flip_pct"] > 3
    assert at84.loc["RECIST 1.1", "flip_pct"] == 0
    far = out[(out["row"] == "visit") & (out["day"] == 42)].set_index("criterion")
    assert far.loc["mRECIST", "flip_pct"] == 0  # -65 % is far from the -30 % threshold


def test_flip_curve_grows_with_error(case):
    curve = flip_curve(case, error_sd_pct=[0, 5, 20], n_readers=80, criteria=("mRECIST",))
    assert set(curve["error_sd_pct"]) == {0, 5, 20}
    d84 = curve[(curve["row"] == "visit") & (curve["day"] == 84)].set_index("error_sd_pct")["flip_pct"]
    assert d84[0] == 0 and d84[20] > d84[5]


def test_reread_of_a_measurement_table():
    out = reread(necrotic_patient(), n_readers=50, error_sd_pct=15, criteria=("RECIST 1.1",))
    assert set(out["row"]) == {"visit", "best_confirmed", "best_unconfirmed"}
    assert set(out.loc[out["row"] == "visit", "day"]) == {42, 84}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"n_readers": 0}, "n_readers"),
        ({"n_readers": 2.5}, "n_readers"),
        ({"error_sd_pct": -1}, "error_sd_pct"),
        ({"error_sd_pct": float("nan")}, "error_sd_pct"),
        ({"seed": -3}, "seed"),
        ({"criteria": ("RECIST 2",)}, "criteria"),
    ],
)
def test_bad_arguments(case, kwargs, field):
    with pytest.raises(ValueError, match=field):
        reread(case, **kwargs)


def test_missing_measures_are_refused():
    m = necrotic_patient()
    m.loc[2, "viable_ld_mm"] = float("nan")
    with pytest.raises(ValueError, match="case_or_measurements: missing measures"):
        reread(m, n_readers=5)
    with pytest.raises(ValueError, match="error_sd_pct"):
        flip_curve(m, error_sd_pct=5)
