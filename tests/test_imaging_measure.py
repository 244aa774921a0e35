"""Readings -> engine input -> verdicts beside the truth; every category comes from hcckit.response."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hcckit.imaging import load_case
from hcckit.imaging.measure import (
    MEASURES,
    caliper_mm,
    compare_verdicts,
    measurements_from_readings,
    reading_errors,
    readings_table,
)
from hcckit.response import assess_all, best_response


@pytest.fixture(scope="module")
def case():
    return load_case()


def exact_readings(case, *, scale=1.0, skip=(), phase="arterial"):
    """Readings equal to the truth (times ``scale``), except the (lesion, day, measure) in ``skip``."""
    out = []
    for r in case.truth.to_dict("records"):
        if r["organ"] == "portal_vein":
            continue
        for m in MEASURES:
            if (r["lesion"], r["day"], m) in skip or math.isnan(r[m]):
                continue
            out.append(
                {
                    "lesion": r["lesion"],
                    "day": r["day"],
                    "measure": m,
                    "length_mm": r[m] * scale,
                    "slice": r["slice"],
                    "p0": (10.0, 10.0),
                    "p1": (10.0, 10.0 + r[m] * scale),
                    "phase": phase,
                }
            )
    return out


def engine_truth(case):
    """Per-visit categories of the truth straight from the engine (no imaging code involved)."""
    cols = ["patient", "lesion", "day", "kind", "organ", *MEASURES, "status"]
    return assess_all(case.truth[cols])


def test_caliper():
    assert caliper_mm((0, 0), (3, 4), (1.0, 1.0)) == 5.0
    assert caliper_mm((0, 0), (3, 4), (5.0, 2.0, 1.0)) == pytest.approx(math.hypot(6, 4))
    assert caliper_mm((1.5, 2.25), (1.5, 2.25), (0.7, 0.7)) == 0.0
    for bad, field in (
        (((0, 0), (1,), (1, 1)), "p1"),
        (((0, "a"), (1, 1), (1, 1)), "p0"),
        (((0, 0), (1, 1), (0, 1)), "spacing_mm"),
        (((0, 0), (1, 1), (1, float("nan"))), "spacing_mm"),
        (((0, 0), (float("inf"), 1), (1, 1)), "p1"),
    ):
        with pytest.raises(ValueError, match=field):
            caliper_mm(*bad)


def test_readings_table_validates_fields(case):
    good = exact_readings(case)[:3]
    table = readings_table(good)
    assert list(table.columns) == ["lesion", "day", "measure", "length_mm", "slice", "p0", "p1", "phase"]
    for change, field in (
        ({"measure": "area"}, "measure"),
        ({"length_mm": -1}, "length_mm"),
        ({"length_mm": float("nan")}, "length_mm"),
        ({"length_mm": "12"}, "length_mm"),
        ({"day": 4.5}, "day"),
        ({"lesion": ""}, "lesion"),
        ({"phase": "delayed"}, "phase"),
        ({"slice": -2}, "slice"),
        ({"p0": (1, 2, 3)}, "p0"),
    ):
        with pytest.raises(ValueError, match=field):
            readings_table([good[0], {**good[1], **change}])
    with pytest.raises(ValueError, match="length_mm"):
        readings_table([{"lesion": "A", "day": 0, "measure": "ld_mm"}])
    with pytest.raises(ValueError, match="readings"):
        readings_table("A 50 mm")


def test_missing_measure_stays_missing_last_reading_wins(case):
    readings = exact_readings(case, skip={("A", 42, "viable_ld_mm")})
    readings.append({"lesion": "B", "day": 0, "measure": "ld_mm", "length_mm": 33.0})
    readings.append({"lesion": "B", "day": 0, "measure": "ld_mm", "length_mm": 31.0})
    meas = measurements_from_readings(readings, case)
    a42 = meas[(meas["lesion"] == "A") & (meas["day"] == 42)].iloc[0]
    assert math.isnan(a42["viable_ld_mm"])  # never the truth's 28 mm
    assert meas[(meas["lesion"] == "B") & (meas["day"] == 0)]["ld_mm"].iloc[0] == 31.0
    assert (meas["patient"] == "Reader").all()
    assert list(meas["status"].fillna("")) == list(case.truth["status"].fillna(""))


def test_unknown_lesion_day_and_thrombus_are_refused(case):
    with pytest.raises(ValueError, match="lesion"):
        measurements_from_readings([{"lesion": "Z", "day": 0, "measure": "ld_mm", "length_mm": 5}], case)
    with pytest.raises(ValueError, match="day"):
        measurements_from_readings([{"lesion": "N1", "day": 0, "measure": "ld_mm", "length_mm": 5}], case)
    with pytest.raises(ValueError, match="lesion"):
        measurements_from_readings([{"lesion": "PVTT", "day": 0, "measure": "ld_mm", "length_mm": 5}], case)
    with pytest.raises(ValueError, match="case"):
        compare_verdicts([], "tace_response")


def test_exact_readings_agree_with_the_engine_on_the_truth(case):
    v = compare_verdicts(exact_readings(case), case)
    assert v["agree"].all()
    assert v["synthetic"].all()
    eng = engine_truth(case)
    visits = v[(v["row"] == "visit") & (v["day"] > 0)]
    for r in visits.itertuples(index=False):
        want = eng[(eng["criterion"] == r.criterion) & (eng["day"] == r.day)]["response"].iloc[0]
        assert r.truth_response == str(want) == r.reader_response
    best = best_response(eng)
    for r in v[v["row"] == "best_confirmed"].itertuples(index=False):
        assert r.truth_response == str(best[best["criterion"] == r.criterion]["best_confirmed"].iloc[0])


def test_recist_and_mrecist_disagree_on_this_case(case):
    eng = engine_truth(case)
    by = {(r.criterion, r.day): str(r.response) for r in eng.itertuples(index=False) if r.day > 0}
    assert any(by[("RECIST 1.1", d)] != by[("mRECIST", d)] for d in (42, 84))
    v = compare_verdicts(exact_readings(case), case)
    day42 = v[(v["row"] == "visit") & (v["day"] == 42)].set_index("criterion")["truth_response"]
    assert day42["RECIST 1.1"] == by[("RECIST 1.1", 42)] and day42["mRECIST"] == by[("mRECIST", 42)]
    assert day42["RECIST 1.1"] != day42["mRECIST"]


def test_not_measured_gives_ne_naming_the_measure(case):
    v = compare_verdicts(exact_readings(case, skip={("A", 42, "viable_ld_mm")}), case)
    m42 = v[(v["criterion"] == "mRECIST") & (v["row"] == "visit") & (v["day"] == 42)].iloc[0]
    assert m42["reader_response"] == "NE" and not m42["agree"]
    assert "A viable_ld_mm" in m42["not_measured"] and "A viable_ld_mm" in m42["reader_reason"]
    r42 = v[(v["criterion"] == "RECIST 1.1") & (v["row"] == "visit") & (v["day"] == 42)].iloc[0]
    assert r42["agree"] and r42["not_measured"] == ""  # RECIST does not read the viable part


def test_missing_baseline_makes_the_criterion_not_evaluable(case):
    v = compare_verdicts(exact_readings(case, skip={("B", 0, "perp_mm")}), case)
    who = v[(v["criterion"] == "WHO") & (v["row"] == "visit")]
    assert (who["reader_response"] == "NE").all()
    assert who["reader_reason"].str.contains("baseline incomplete").all()
    assert (v[(v["criterion"] == "RECIST 1.1")]["agree"]).all()


def test_new_nodule_size_missing_under_mrecist_is_not_silently_ignored(case):
    v = compare_verdicts(exact_readings(case, skip={("N1", 84, "ld_mm")}), case)
    m84 = v[(v["criterion"] == "mRECIST") & (v["row"] == "visit") & (v["day"] == 84)].iloc[0]
    assert m84["reader_response"] == "NE" and "N1 ld_mm" in m84["not_measured"]
    r84 = v[(v["criterion"] == "RECIST 1.1") & (v["row"] == "visit") & (v["day"] == 84)].iloc[0]
    assert r84["reader_response"] == r84["truth_response"]  # RECIST does not need its size


def test_undersized_typical_nodule_flips_mrecist_only(case):
    readings = [
        dict(r, length_mm=9.0) if (r["lesion"], r["measure"]) == ("N1", "ld_mm") else r
        for r in exact_readings(case)
    ]
    v = compare_verdicts(readings, case)
    at84 = v[(v["row"] == "visit") & (v["day"] == 84)].set_index("criterion")
    assert not at84.loc["mRECIST", "agree"] and at84.loc["mRECIST", "reader_response"] != "PD"
    assert at84.loc["RECIST 1.1", "agree"]
    assert "10 mm" in at84.loc["mRECIST", "reader_reason"]


def test_contradictory_readings_do_not_crash(case):
    readings = [
        dict(r, length_mm=55.0) if (r["lesion"], r["day"], r["measure"]) == ("A", 0, "viable_ld_mm") else r
        for r in exact_readings(case)
    ]
    v = compare_verdicts(readings, case)
    m = v[(v["criterion"] == "mRECIST") & (v["row"] == "visit")]
    assert (m["reader_response"] == "NE").all() and m["reader_reason"].str.contains("do not fit").all()
    assert v[v["criterion"] == "RECIST 1.1"]["agree"].all()


def test_reading_errors(case):
    readings = exact_readings(case, scale=1.1, skip={("B", 84, "ld_mm")})
    readings[1]["phase"] = "portal_venous"  # A day 0 viable_ld_mm on the wrong phase
    readings[2]["slice"] = 3
    e = reading_errors(readings, case)
    a0 = e[(e["lesion"] == "A") & (e["day"] == 0)].set_index("measure")
    assert a0.loc["ld_mm", "error_mm"] == pytest.approx(5.0) and a0.loc[
        "ld_mm", "error_pct"
    ] == pytest.approx(10.0)
    assert "arterial" in a0.loc["viable_ld_mm", "note"]
    assert "slice 3" in a0.loc[readings[2]["measure"], "note"]
    b84 = e[(e["lesion"] == "B") & (e["day"] == 84) & (e["measure"] == "ld_mm")].iloc[0]
    assert np.isnan(b84["reader_mm"]) and b84["note"] == "not measured"
    assert set(e.loc[e["lesion"] == "N1", "measure"]) >= {"ld_mm"}
    assert "PVTT" not in set(e["lesion"])


def test_trainee_measuring_the_pixels_gets_the_truth_verdicts(case):
    """Measure every diameter in the images (threshold + Feret), as a trainee would with calipers."""
    from test_imaging_phantom import feret, measurable_rows, viable_mask, whole_lesion_mask

    readings = []
    for r in measurable_rows(case):
        ld, perp = feret(whole_lesion_mask(case, r))
        if r["viable_ld_mm"] > 0:
            vld, vperp = feret(viable_mask(case, r))
        else:
            vld = vperp = 0.0
        vld, vperp = min(vld, ld), min(vperp, perp)
        for m, value in zip(MEASURES, (ld, vld, perp, vperp), strict=True):
            readings.append(
                {"lesion": r["lesion"], "day": r["day"], "measure": m, "length_mm": round(value, 1)}
            )
    v = compare_verdicts(readings, case)
    assert v[v["row"] == "visit"]["agree"].all(), v[~v["agree"]][["criterion", "day", "reader_reason"]]


def test_one_engine_call_for_all_criteria_equals_one_call_each(case):
    """The fast path (one assess_all for the four criteria) gives each criterion's own verdicts."""
    import pandas as pd

    from hcckit.imaging import measure as M

    rng = np.random.default_rng(5)
    for _ in range(3):
        readings = [
            dict(r, length_mm=round(r["length_mm"] * rng.uniform(0.8, 1.2), 1)) for r in exact_readings(case)
        ]
        for r in readings:  # keep the viable part inside the lesion, as a careful reader would
            if r["measure"].startswith("viable"):
                whole = next(
                    w
                    for w in readings
                    if (w["lesion"], w["day"], w["measure"]) == (r["lesion"], r["day"], r["measure"][7:])
                )
                r["length_mm"] = min(r["length_mm"], whole["length_mm"])
        key = M._key(measurements_from_readings(readings, case))
        names = ["RECIST 1.1", "mRECIST", "WHO", "EASL"]
        M._ENGINE_CACHE.clear()
        M._prefetch(key, names)
        keys = {c: M._key(M._criterion_input(M._records(key), c)[0]) for c in names}
        combined = {c: M._ENGINE_CACHE[(c, keys[c])][0] for c in names}
        M._ENGINE_CACHE.clear()
        for c in names:
            alone, error = M._assess_key(c, keys[c])
            assert error is None
            pd.testing.assert_frame_equal(combined[c], alone)


def test_random_readings_give_verdicts_or_named_errors(case):
    rng = np.random.default_rng(11)
    allowed = {"baseline", "CR", "PR", "SD", "PD", "NE", "non-CR/non-PD"}
    base = exact_readings(case)
    for _ in range(25):
        chosen = [r for r in base if rng.random() < 0.8]
        readings = [dict(r, length_mm=float(rng.choice([0.0, rng.uniform(0, 80)]))) for r in chosen]
        v = compare_verdicts(readings, case)
        assert set(v["reader_response"]) <= allowed
        assert v["reader_reason"].str.len().gt(0).all()
        e = reading_errors(readings, case)
        assert (e["error_mm"].dropna() == (e["reader_mm"] - e["truth_mm"]).dropna()).all()
