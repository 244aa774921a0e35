"""hcckit.response: every rule and option of RECIST 1.1, mRECIST, WHO and EASL.

Worked examples come from the specification (response-criteria.md); rules from the primary
sources cited in hcckit/response.py. Sums are checked at exact boundaries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hcckit import response as R

# --------------------------------------------------------------------------- helpers


def table(rows, **defaults):
    """Rows as dicts; defaults fill patient=1, kind=target, organ=liver."""
    base = {"patient": 1, "kind": "target", "organ": "liver"}
    base.update(defaults)
    return pd.DataFrame([{**base, **r} for r in rows])


def series(values_by_day, *, lesion="L1", col="ld_mm", **extra):
    """One lesion measured on several days: {day: value}."""
    return [{"lesion": lesion, "day": d, col: v, **extra} for d, v in values_by_day.items()]


def responses(df, criterion="RECIST 1.1", **opt):
    out = R.assess(df, criterion, **opt)
    return out.loc[out["response"].notna(), "response"].astype(str).tolist()


def row(df, day, criterion="RECIST 1.1", **opt):
    out = R.assess(df, criterion, **opt)
    return out[out["day"] == day].iloc[0]


# --------------------------------------------------------------------------- worked examples


def test_spec_partial_necrosis_after_tace():
    m = table(
        [
            dict(lesion="L1", day=0, ld_mm=50, viable_ld_mm=50, perp_mm=40, viable_perp_mm=40),
            dict(lesion="L1", day=42, ld_mm=48, viable_ld_mm=30, perp_mm=40, viable_perp_mm=20),
        ]
    )
    out = R.assess_all(m).set_index(["criterion", "day"])
    expect = {
        "RECIST 1.1": ("SD", -4.0),
        "mRECIST": ("PR", -40.0),
        "WHO": ("SD", -4.0),
        "EASL": ("PR", -70.0),
    }
    for crit, (resp, pct) in expect.items():
        assert out.loc[(crit, 42), "response"] == resp, crit
        assert out.loc[(crit, 42), "pct_change_baseline"] == pytest.approx(pct), crit


def test_spec_complete_necrosis_confirmed_cr_by_mrecist_only():
    m = table(
        series({0: 40, 42: 38, 84: 38}, lesion="L1") + series({0: 30, 42: 25, 84: 25}, lesion="L2"),
    )
    m["viable_ld_mm"] = np.where(m["day"] == 0, m["ld_mm"], 0.0)
    tp = R.assess_all(m, ["RECIST 1.1", "mRECIST"])
    assert tp[tp.criterion == "RECIST 1.1"]["response"].dropna().tolist() == ["SD", "SD"]
    assert tp[tp.criterion == "mRECIST"]["response"].dropna().tolist() == ["CR", "CR"]
    best = R.best_response(tp).set_index("criterion")
    assert best.loc["RECIST 1.1", "best_response"] == "SD"
    assert best.loc["mRECIST", "best_response"] == "CR"
    assert bool(best.loc["mRECIST", "confirmed"]) is True
    # lesion-wise CR although the RECIST sum is 63 mm: mRECIST sum is 0 here, RECIST's is not
    assert tp[(tp.criterion == "mRECIST") & (tp.day == 42)]["sum"].item() == 0


def test_spec_five_mm_clause():
    m = table(series({0: 18, 42: 12, 84: 16}))
    m["viable_ld_mm"] = m["ld_mm"]
    assert responses(m, "RECIST 1.1") == ["PR", "SD"]
    rec = row(m, 84)
    assert rec["pct_change_nadir"] == pytest.approx(100 / 3)
    assert rec["nadir_day"] == 42
    assert "only +4 mm" in rec["reason"]
    assert responses(m, "mRECIST") == ["PR", "PD"]
    assert responses(m, "mRECIST", mrecist_5mm=True) == ["PR", "SD"]


# --------------------------------------------------------------------------- exact boundaries


@pytest.mark.parametrize(
    ("follow", "expected"),
    [(19.6, "PR"), (19.7, "SD"), (19.61, "SD"), (19.59, "PR")],
)
def test_pr_boundary_exactly_minus_30_percent(follow, expected):
    assert responses(table(series({0: 28.0, 42: follow}))) == [expected]


def test_pr_boundary_with_float_sums_of_several_lesions():
    # 10.1 + 10.2 + 10.7 = 31.0 -> 7.3 + 7.1 + 7.3 = 21.7: exactly 70 %, whatever float addition says
    assert 0.7 * (10.1 + 10.2 + 10.7) != 7.3 + 7.1 + 7.3  # the float trap this guards against
    rows = (
        series({0: 10.1, 42: 7.3}, lesion="A", organ="liver")
        + series({0: 10.2, 42: 7.1}, lesion="B", organ="lung")
        + series({0: 10.7, 42: 7.3}, lesion="C", organ="bone")
    )
    assert responses(table(rows)) == ["PR"]
    rows[-1]["ld_mm"] = 7.31
    assert responses(table(rows)) == ["SD"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({0: 30, 42: 25, 84: 30}, "PD"),  # +20 % and +5 mm exactly
        ({0: 30, 42: 25, 84: 29.9}, "SD"),  # +19.6 %
        ({0: 40, 42: 30, 84: 36}, "PD"),  # +20 %, +6 mm
        ({0: 40, 42: 30, 84: 35.9}, "SD"),  # +19.7 %
        ({0: 30, 42: 20, 84: 25}, "PD"),  # +25 %, +5.0 mm exactly
        ({0: 30, 42: 20, 84: 24.9}, "SD"),  # +24.5 % but only +4.9 mm
    ],
)
def test_pd_boundaries_twenty_percent_and_five_mm(values, expected):
    assert responses(table(series(values)))[-1] == expected


def test_mrecist_twenty_percent_without_absolute_clause():
    m = table(series({0: 15, 42: 10, 84: 12}, col="viable_ld_mm", ld_mm=30))
    assert responses(m, "mRECIST") == ["PR", "PD"]  # +20 %, +2 mm
    assert responses(m, "mRECIST", mrecist_5mm=True) == ["PR", "SD"]
    m2 = table(series({0: 15, 42: 10, 84: 11.9}, col="viable_ld_mm", ld_mm=30))
    assert responses(m2, "mRECIST") == ["PR", "SD"]


def test_recist_abs_clause_option():
    m = table(series({0: 18, 42: 12, 84: 16}))
    assert responses(m, recist_abs_mm=0) == ["PR", "PD"]
    assert responses(m, recist_abs_mm=3) == ["PR", "PD"]


@pytest.mark.parametrize(
    ("perp_follow", "who_inclusive", "expected"),
    [(10.0, True, "PR"), (10.05, True, "SD"), (25.0, True, "PD"), (25.0, False, "SD"), (25.05, False, "PD")],
)
def test_who_boundaries(perp_follow, who_inclusive, expected):
    # 20 x 20 = 400 mm^2; 20 x 10 = 200 (exactly -50 %); 20 x 25 = 500 (exactly +25 %)
    m = table(
        [
            dict(lesion="L1", day=0, ld_mm=20, perp_mm=20),
            dict(lesion="L1", day=42, ld_mm=20, perp_mm=perp_follow),
        ]
    )
    assert responses(m, "WHO", who_inclusive=who_inclusive) == [expected]


# --------------------------------------------------------------------------- nadir


def test_progression_is_measured_from_nadir_not_baseline():
    m = table(series({0: 50, 42: 30, 84: 37}))
    rec = row(m, 84)
    assert rec["response"] == "PD"
    assert rec["pct_change_baseline"] == pytest.approx(-26.0)  # still smaller than baseline
    assert rec["nadir_sum"] == 30 and rec["nadir_day"] == 42


def test_nadir_is_per_criterion():
    # RECIST sums fall to day 42 and rise after; viable sums keep falling to day 84
    m = table(
        [
            dict(lesion="L1", day=0, ld_mm=50, viable_ld_mm=50),
            dict(lesion="L1", day=42, ld_mm=40, viable_ld_mm=30),
            dict(lesion="L1", day=84, ld_mm=44, viable_ld_mm=20),
            dict(lesion="L1", day=126, ld_mm=46, viable_ld_mm=25),
        ]
    )
    tp = R.assess_all(m, ["RECIST 1.1", "mRECIST"]).set_index(["criterion", "day"])
    assert tp.loc[("RECIST 1.1", 126), "nadir_day"] == 42
    assert tp.loc[("mRECIST", 126), "nadir_day"] == 84
    assert tp.loc[("mRECIST", 126), "response"] == "PD"  # 25 >= 1.2 * 20
    assert tp.loc[("RECIST 1.1", 126), "response"] == "SD"  # 46 < 1.2 * 40


def test_nadir_ties_keep_the_earliest_visit():
    m = table(series({0: 50, 42: 30, 84: 30, 126: 31}))
    assert row(m, 126)["nadir_day"] == 42


def test_ne_visit_does_not_set_the_nadir():
    rows = series({0: 30, 42: 10, 84: 12}, lesion="L1") + series({0: 20, 84: 20}, lesion="L2")
    out = R.assess(table(rows), "RECIST 1.1")
    assert out["response"].astype(str).tolist()[1:] == ["NE", "PR"]  # 32 would be PD vs a 10 mm "nadir"
    assert out.loc[out.day == 84, "nadir_day"].item() == 0
    assert np.isnan(out.loc[out.day == 42, "sum"].item())  # partial sums are not reported as sums
    assert "L2 not assessed" in out.loc[out.day == 42, "reason"].item()


# --------------------------------------------------------------------------- lesion-wise CR, nodes


def test_nodal_cr_with_non_zero_sum():
    rows = series({0: 30, 42: 0}, lesion="L1") + series(
        {0: 20, 42: 8}, lesion="N1", col="sa_mm", is_node=True, organ="node"
    )
    rec = row(table(rows), 42)
    assert rec["response"] == "CR"
    assert rec["sum"] == 8.0
    assert "nodal target < 10 mm" in rec["reason"]


def test_node_growing_below_10_mm_after_cr_stays_cr():
    rows = series({0: 30, 42: 0, 84: 0}, lesion="L1") + series(
        {0: 20, 42: 4, 84: 9.9}, lesion="N1", col="sa_mm", is_node=True, organ="node"
    )
    assert responses(table(rows)) == ["CR", "CR"]


def test_node_at_10_mm_is_not_cr():
    rows = series({0: 40, 42: 0}, lesion="L1") + series(
        {0: 20, 42: 10}, lesion="N1", col="sa_mm", is_node=True, organ="node"
    )
    assert responses(table(rows)) == ["PR"]


def test_sum_zero_is_not_needed_and_not_sufficient_for_who():
    rows = [dict(lesion="L1", day=0, ld_mm=30, perp_mm=20), dict(lesion="L1", day=42, ld_mm=0, perp_mm=0)]
    assert responses(table(rows), "WHO") == ["CR"]
    assert responses(table(rows), "RECIST 1.1") == ["CR"]


def test_lesion_wise_cr_mrecist_and_easl():
    rows = [
        dict(lesion="L1", day=0, ld_mm=40, viable_ld_mm=40, perp_mm=30, viable_perp_mm=30),
        dict(lesion="L1", day=42, ld_mm=35, viable_ld_mm=0, perp_mm=30, viable_perp_mm=0),
    ]
    assert responses(table(rows), "mRECIST") == ["CR"]
    assert responses(table(rows), "EASL") == ["CR"]
    assert responses(table(rows), "WHO") == ["SD"]


# --------------------------------------------------------------------------- too small, missing


def test_too_small_to_measure_defaults_to_5_mm():
    rows = [dict(lesion="L1", day=0, ld_mm=20.0), dict(lesion="L1", day=42, ld_mm=np.nan, too_small=True)]
    rec = row(table(rows), 42)
    assert rec["sum"] == 5.0 and rec["response"] == "PR"  # -75 %, not CR


def test_too_small_option_and_recorded_value_used_as_recorded():
    rows = [dict(lesion="L1", day=0, ld_mm=20.0), dict(lesion="L1", day=42, ld_mm=np.nan, too_small=True)]
    assert row(table(rows), 42, too_small_mm=3)["sum"] == 3.0
    rows[1]["ld_mm"] = 3.0
    assert row(table(rows), 42)["sum"] == 3.0
    rows[1].update(ld_mm=0.0, too_small=False)
    assert row(table(rows), 42)["response"] == "CR"


def test_missing_target_is_ne_unless_measured_lesions_show_pd():
    rows = series({0: 30, 42: 20, 84: 45}, lesion="L1") + series({0: 20, 42: 15}, lesion="L2")
    out = R.assess(table(rows), "RECIST 1.1")
    assert out["response"].astype(str).tolist()[1:] == ["PR", "PD"]  # 45 >= 1.2 * 35 with L2 missing
    assert "L2 was not assessed" in out["reason"].iloc[-1]
    rows = series({0: 30, 42: 20, 84: 22}, lesion="L1") + series({0: 20, 42: 15}, lesion="L2")
    assert responses(table(rows)) == ["PR", "NE"]


def test_missing_lesion_in_who_lesion_mode():
    rows = [dict(lesion="L1", day=d, ld_mm=v, perp_mm=v) for d, v in ((0, 20), (42, 25))] + [
        dict(lesion="L2", day=0, ld_mm=30, perp_mm=30)
    ]
    assert responses(table(rows), "WHO") == ["PD"]  # L1 product +56 %
    rows[1]["ld_mm"] = rows[1]["perp_mm"] = 21
    assert responses(table(rows), "WHO") == ["NE"]


# --------------------------------------------------------------------------- split / merged


def test_split_lesion_fragments_are_summed():
    rows = [
        dict(lesion="L1", day=0, ld_mm=40, fragment="a"),
        dict(lesion="L1", day=42, ld_mm=15, fragment="a"),
        dict(lesion="L1", day=42, ld_mm=10, fragment="b"),
    ]
    rec = row(table(rows), 42)
    assert rec["sum"] == 25 and rec["response"] == "PR"


def test_merged_lesions_merged_ld_on_one_zero_on_the_other():
    rows = series({0: 30, 42: 45}, lesion="L1") + series({0: 20, 42: 0}, lesion="L2")
    rec = row(table(rows), 42)
    assert rec["sum"] == 45 and rec["response"] == "SD"  # not CR: L1 is still there


def test_duplicate_rows_without_fragment_are_an_error():
    rows = [dict(lesion="L1", day=0, ld_mm=40), dict(lesion="L1", day=0, ld_mm=41)]
    with pytest.raises(ValueError, match=r"patient 1, lesion 'L1', day 0: field 'day'.*duplicate"):
        R.assess(table(rows), "RECIST 1.1")


# --------------------------------------------------------------------------- new lesions


def _with_new(statuses, *, organ="liver", sizes=None, cytology=None):
    rows = series({0: 40, 42: 38, 84: 38, 126: 38})
    for i, (day, status) in enumerate(statuses.items()):
        r = dict(lesion="N1", day=day, kind="new", status=status, organ=organ)
        if sizes is not None:
            r["ld_mm"] = sizes[i]
        if cytology is not None:
            r["cytology"] = cytology
        rows.append(r)
    return table(rows)


def test_unequivocal_new_lesion_is_pd():
    out = R.assess(_with_new({84: "unequivocal"}), "RECIST 1.1")
    assert out["response"].astype(str).tolist()[1:] == ["SD", "PD", "PD"]
    assert bool(out["new_lesion"].iloc[2]) is True


def test_equivocal_new_lesion_confirmed_later_is_back_dated():
    out = R.assess(_with_new({84: "equivocal", 126: "unequivocal"}), "RECIST 1.1")
    assert out["response"].astype(str).tolist()[1:] == ["SD", "PD", "PD"]
    assert "dated back to day 84" in out.loc[out.day == 84, "reason"].item()


def test_equivocal_new_lesion_never_confirmed_is_not_pd():
    out = R.assess(_with_new({84: "equivocal", 126: "equivocal"}), "RECIST 1.1")
    assert out["response"].astype(str).tolist()[1:] == ["SD", "SD", "SD"]
    assert "not confirmed" in out["reason"].iloc[-1]


def test_mrecist_typical_new_lesion_needs_10_mm():
    m = _with_new({84: "typical", 126: "typical"}, sizes=[8, 9.9])
    m["viable_ld_mm"] = m["ld_mm"]
    assert responses(m, "mRECIST")[1:] == ["SD", "SD"]
    m = _with_new({84: "typical", 126: "typical"}, sizes=[8, 10])
    m["viable_ld_mm"] = m["ld_mm"]
    out = R.assess(m, "mRECIST")
    assert out["response"].astype(str).tolist()[2:] == ["PD", "PD"]  # back-dated to first sight
    assert responses(m, "RECIST 1.1")[1:] == ["PD", "PD"]  # RECIST: 'typical' is unequivocal


def test_mrecist_atypical_new_lesion_counts_after_10_mm_growth():
    m = _with_new({84: "atypical", 126: "atypical"}, sizes=[12, 21.9])
    m["viable_ld_mm"] = m["ld_mm"]
    assert responses(m, "mRECIST")[1:] == ["SD", "SD"]
    m = _with_new({84: "atypical", 126: "atypical"}, sizes=[12, 22])
    m["viable_ld_mm"] = m["ld_mm"]
    out = R.assess(m, "mRECIST")
    assert out["response"].astype(str).tolist()[2:] == ["PD", "PD"]
    assert responses(m, "RECIST 1.1")[1:] == ["SD", "SD"]  # atypical = equivocal for RECIST


def test_mrecist_extrahepatic_new_lesion_follows_recist():
    m = _with_new({84: "unequivocal"}, organ="lung")
    m["viable_ld_mm"] = m["ld_mm"]
    assert responses(m, "mRECIST")[1] == "PD"


def test_new_effusion_needs_positive_cytology():
    assert responses(_with_new({84: "unequivocal"}, organ="ascites"))[1] == "SD"
    assert responses(_with_new({84: "unequivocal"}, organ="ascites", cytology="positive"))[1] == "PD"
    assert (
        responses(_with_new({84: "unequivocal"}, organ="ascites"), effusion_needs_cytology=False)[1] == "PD"
    )


# --------------------------------------------------------------------------- non-targets


def _nt(status_follow, *, target_follow=0.0, organ="lung", **extra):
    rows = series({0: 30, 42: target_follow})
    rows += [dict(lesion="NT", day=0, kind="non_target", organ=organ, **extra)]
    if status_follow is not None:
        rows += [dict(lesion="NT", day=42, kind="non_target", organ=organ, status=status_follow, **extra)]
    return table(rows)


@pytest.mark.parametrize(
    ("status", "target", "expected"),
    [
        ("CR", 0.0, "CR"),
        ("non_CR_non_PD", 0.0, "PR"),
        (None, 0.0, "PR"),  # non-target not evaluated: target CR -> PR (Table 1)
        ("PD", 0.0, "PD"),
        ("non-CR/non-PD", 15.0, "PR"),
        ("PD", 15.0, "PD"),
        (None, 25.0, "SD"),
    ],
)
def test_recist_table_1(status, target, expected):
    assert responses(_nt(status, target_follow=target)) == [expected]


def test_non_target_disease_only_table_2():
    def nt_only(status):
        return table(
            [
                dict(lesion="NT", day=0, kind="non_target"),
                dict(lesion="NT", day=42, kind="non_target", status=status),
            ]
        )

    assert responses(nt_only("CR")) == ["CR"]
    assert responses(nt_only("PD")) == ["PD"]
    assert responses(nt_only(None)) == ["NE"]
    out = R.assess(nt_only("non_CR_non_PD"), "RECIST 1.1")
    # RECIST 1.1 section 4.3.3 / Table 2: its own category, not SD
    assert out["response"].iloc[1] == "non-CR/non-PD" and "Table 2" in out["reason"].iloc[1]


def test_mrecist_non_target_cr_means_no_enhancement():
    m = _nt("IR_SD", viable_ld_mm=0.0, ld_mm=20.0)
    m.loc[m.kind == "target", "viable_ld_mm"] = m.loc[m.kind == "target", "ld_mm"]
    assert responses(m, "mRECIST") == ["CR"]
    assert responses(m, "RECIST 1.1") == ["PR"]


def test_effusion_non_target_pd_needs_positive_cytology():
    assert responses(_nt("PD", target_follow=25, organ="ascites")) == ["SD"]
    assert responses(_nt("PD", target_follow=25, organ="ascites", cytology="positive")) == ["PD"]
    assert (
        "cytology not positive"
        in R.assess(_nt("PD", target_follow=25, organ="ascites"), "mRECIST" if False else "RECIST 1.1")[
            "reason"
        ].iloc[1]
    )


# --------------------------------------------------------------------------- mRECIST target selection


def test_mrecist_no_enhancing_target_is_not_evaluable():
    m = table(series({0: 40, 42: 30}, viable_ld_mm=0.0, viable_perp_mm=0.0))
    out = R.assess(m, "mRECIST")
    assert out["response"].iloc[1] == "NE"
    assert "no enhancing target" in out["reason"].iloc[1]
    assert responses(m, "EASL") == ["NE"]
    assert responses(m, "RECIST 1.1") == ["SD"]


def test_mrecist_non_enhancing_target_becomes_non_target():
    rows = [
        dict(lesion="L1", day=0, ld_mm=40, viable_ld_mm=40),
        dict(lesion="L2", day=0, ld_mm=30, viable_ld_mm=5),  # viable part < 10 mm: not an mRECIST target
        dict(lesion="L1", day=42, ld_mm=40, viable_ld_mm=0),
        dict(lesion="L2", day=42, ld_mm=30, viable_ld_mm=0),
    ]
    rec = row(table(rows), 42, "mRECIST")
    assert rec["response"] == "CR" and rec["baseline_sum"] == 40
    rows[3]["viable_ld_mm"] = 4
    assert row(table(rows), 42, "mRECIST")["response"] == "PR"  # target CR, non-target IR/SD
    tbl = R.lesion_table(table(rows), "mRECIST")
    assert tbl.loc[tbl.lesion == "L2", "role"].unique().tolist() == ["non_target"]


def test_porta_hepatis_node_needs_20_mm_under_mrecist():
    rows = series({0: 40, 42: 20}, viable_ld_mm=None) + series(
        {0: 18, 42: 18}, lesion="N1", col="sa_mm", is_node=True, organ="porta_hepatis"
    )
    m = table(rows)
    m["viable_ld_mm"] = m["ld_mm"]
    assert row(m, 42, "RECIST 1.1")["baseline_sum"] == 58
    assert row(m, 42, "mRECIST")["baseline_sum"] == 40
    assert responses(m, "mRECIST") == ["PR"]


def test_portal_vein_thrombus_cannot_be_a_target():
    with pytest.raises(ValueError, match="portal vein"):
        R.assess(table(series({0: 30, 42: 30}, organ="portal_vein")), "RECIST 1.1")


# --------------------------------------------------------------------------- target limits


def test_target_limits():
    organs = ["liver", "liver", "lung", "lung", "bone", "adrenal"]
    rows = [dict(lesion=f"L{i}", day=0, ld_mm=20, organ=o) for i, o in enumerate(organs)]
    with pytest.raises(ValueError, match="at most 5"):
        R.assess(table(rows), "RECIST 1.1")
    assert len(R.assess(table(rows), "RECIST 1.1", max_targets=None)) == 1
    three = [dict(lesion=f"L{i}", day=0, ld_mm=20) for i in range(3)]
    with pytest.raises(ValueError, match=r"3 target lesions in 'liver'.*2 per organ"):
        R.assess(table(three), "RECIST 1.1")
    assert len(R.assess(table(three), "RECIST 1.1", max_per_organ=None)) == 1
    nodes = [
        dict(lesion=f"N{i}", day=0, sa_mm=20, is_node=True, organ=o)
        for i, o in enumerate(["neck", "chest", "pelvis"])
    ]
    with pytest.raises(ValueError, match="lymph nodes"):
        R.assess(table(nodes), "RECIST 1.1")


# --------------------------------------------------------------------------- WHO options


def test_who_lesion_mode_vs_sum_mode():
    rows = [
        dict(lesion="A", day=0, ld_mm=10, perp_mm=10, organ="liver"),  # 100 -> 130 mm^2 (+30 %)
        dict(lesion="B", day=0, ld_mm=40, perp_mm=40, organ="lung"),  # 1600 -> 1600
        dict(lesion="A", day=42, ld_mm=13, perp_mm=10, organ="liver"),
        dict(lesion="B", day=42, ld_mm=40, perp_mm=40, organ="lung"),
    ]
    m = table(rows)
    rec = row(m, 42, "WHO")
    assert rec["response"] == "PD" and "lesion A" in rec["reason"]
    assert responses(m, "WHO", who_pd="sum") == ["SD"]


def test_who_reference_baseline_vs_nadir():
    rows = [dict(lesion="A", day=d, ld_mm=v, perp_mm=v) for d, v in ((0, 20), (42, 10), (84, 12))]
    m = table(rows)  # 400 -> 100 -> 144 (+44 % vs nadir, -64 % vs baseline)
    assert responses(m, "WHO") == ["PR", "PD"]
    assert responses(m, "WHO", who_reference="baseline") == ["PR", "PR"]
    assert responses(m, "WHO", who_reference="baseline", who_pd="sum") == ["PR", "PR"]
    assert responses(m, "WHO", who_pd="sum") == ["PR", "PD"]


def test_easl_uses_viable_product_and_whole_lesion_extrahepatic():
    rows = [
        dict(lesion="L1", day=0, ld_mm=40, perp_mm=30, viable_ld_mm=40, viable_perp_mm=30, organ="liver"),
        dict(lesion="P1", day=0, ld_mm=20, perp_mm=20, organ="lung"),
        dict(lesion="L1", day=42, ld_mm=40, perp_mm=30, viable_ld_mm=20, viable_perp_mm=15, organ="liver"),
        dict(lesion="P1", day=42, ld_mm=20, perp_mm=20, organ="lung"),
    ]
    rec = row(table(rows), 42, "EASL")
    assert rec["baseline_sum"] == 1200 + 400 and rec["sum"] == 300 + 400
    assert rec["response"] == "PR"  # 700 <= 800


# --------------------------------------------------------------------------- output shape


def test_output_columns_and_types():
    m = R.necrotic_patient()
    out = R.assess(m, "mRECIST")
    for col in [
        "criterion", "patient", "day", "response", "target_response", "non_target_response", "new_lesion",
        "sum", "unit", "baseline_sum", "nadir_sum", "nadir_day", "pct_change_baseline", "pct_change_nadir", "reason",
    ]:  # fmt: skip
        assert col in out.columns
    assert list(out["response"].cat.categories) == list(R.RESPONSES)
    assert out["response"].cat.ordered
    assert pd.isna(out["response"].iloc[0]) and out["reason"].iloc[0].startswith("baseline")
    assert out["pct_change_baseline"].iloc[0] == 0
    assert len(out) == 3


def test_input_is_not_modified_and_extra_columns_ignored():
    m = R.necrotic_patient()
    before = m.copy()
    R.assess_all(m)
    pd.testing.assert_frame_equal(m, before)


def test_patients_keep_their_order_and_ids():
    a = table(series({0: 30, 42: 20}), patient="zeta")
    b = table(series({0: 30, 42: 30}), patient=7)
    out = R.assess(pd.concat([a, b]), "RECIST 1.1")
    assert out["patient"].tolist() == ["zeta", "zeta", 7, 7]


def test_row_order_across_lesions_does_not_matter():
    rows = series({0: 30, 42: 20, 84: 25}, lesion="L1") + series(
        {0: 20, 42: 20, 84: 30}, lesion="L2", organ="lung"
    )
    m = table(rows)
    shuffled = m.sample(frac=1, random_state=3).sort_values(["lesion", "day"], kind="stable")
    pd.testing.assert_frame_equal(R.assess(m, "RECIST 1.1"), R.assess(shuffled, "RECIST 1.1"))


def test_criterion_names():
    assert R.criterion_name("recist_1.1") == "RECIST 1.1"
    assert R.criterion_name("MRECIST") == "mRECIST"
    assert R.criterion_name("who") == "WHO"
    with pytest.raises(
        ValueError, match=r"criterion: unknown criterion 'irRECIST'.*RECIST 1.1, mRECIST, WHO, EASL"
    ):
        R.assess(R.necrotic_patient(), "irRECIST")


# --------------------------------------------------------------------------- bad input


BAD = [
    ("negative", dict(ld_mm=-3.0), r"patient 1, lesion 'L1', day 42: field 'ld_mm' is negative"),
    ("missing", dict(ld_mm=np.nan), r"patient 1, lesion 'L1', day 42: field 'ld_mm' is missing"),
    ("text", dict(ld_mm="big"), r"lesion 'L1', day 42: field 'ld_mm' is not a number"),
    ("viable", dict(viable_ld_mm=60.0), r"day 42: field 'viable_ld_mm' is larger than ld_mm"),
    ("kind", dict(kind="targt"), r"field 'kind' must be one of"),
    ("day", dict(day=42.5), r"field 'day' must be a whole number"),
]


@pytest.mark.parametrize(("label", "change", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_values_name_patient_lesion_and_field(label, change, message):
    rows = [
        dict(lesion="L1", day=0, ld_mm=50.0, viable_ld_mm=50.0),
        dict(lesion="L1", day=42, ld_mm=48.0, viable_ld_mm=30.0),
    ]
    rows[1].update(change)
    with pytest.raises(ValueError, match=message):
        R.assess(table(rows), "mRECIST" if label == "viable" else "RECIST 1.1")


def test_missing_baseline_measure_of_a_target():
    rows = [dict(lesion="L1", day=0, ld_mm=np.nan), dict(lesion="L1", day=42, ld_mm=20)]
    with pytest.raises(ValueError, match=r"day 0: field 'ld_mm' is missing"):
        R.assess(table(rows), "RECIST 1.1")


def test_target_first_seen_at_follow_up():
    rows = series({0: 30, 42: 30}) + [dict(lesion="L9", day=42, ld_mm=15)]
    with pytest.raises(
        ValueError,
        match=r"lesion 'L9', day 42: field 'kind' is 'target' but the lesion is first seen at follow-up",
    ):
        R.assess(table(rows), "RECIST 1.1")


def test_days_out_of_order():
    rows = [dict(lesion="L1", day=42, ld_mm=30), dict(lesion="L1", day=0, ld_mm=30)]
    with pytest.raises(ValueError, match=r"lesion 'L1', day 0: field 'day' goes back in time"):
        R.assess(table(rows), "RECIST 1.1")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([dict(lesion="L1", day=0, ld_mm=8)], r"field 'ld_mm' of a target lesion must be >= 10 mm"),
        (
            [dict(lesion="N1", day=0, sa_mm=12, is_node=True)],
            r"field 'sa_mm' of a target lymph node must be >= 15 mm",
        ),
        ([dict(lesion="L1", day=0, ld_mm=20, too_small=True)], r"field 'too_small' is set at baseline"),
        (
            series({0: 30}) + [dict(lesion="N1", day=0, kind="new", status="unequivocal")],
            r"'new' at the baseline",
        ),
        (series({0: 30}) + [dict(lesion="L1", day=42, kind="non_target")], r"field 'kind' changes"),
        (series({0: 30}) + [dict(lesion="N1", day=42, kind="new")], r"field 'status' of a new lesion"),
        (
            series({0: 30}) + [dict(lesion="X", day=0, kind="non_target", status="gone")],
            r"non-target lesion must be",
        ),
        (
            series({0: 30}) + [dict(lesion="X", day=0, kind="non_target", cytology="maybe")],
            r"field 'cytology'",
        ),
    ],
)
def test_structural_errors(rows, message):
    with pytest.raises(ValueError, match=message):
        R.assess(table(rows), "RECIST 1.1")


def test_who_needs_perpendicular_diameters():
    with pytest.raises(
        ValueError, match=r"field 'ld_mm' is missing for a target lesion \(WHO needs ld_mm and perp_mm\)"
    ):
        R.assess(table(series({0: 30, 42: 30})), "WHO")


def test_table_level_errors():
    with pytest.raises(TypeError, match="DataFrame"):
        R.assess([1, 2], "RECIST 1.1")
    with pytest.raises(ValueError, match="required column"):
        R.assess(pd.DataFrame({"patient": [1]}), "RECIST 1.1")
    with pytest.raises(ValueError, match="no rows"):
        R.assess(table(series({0: 30})).iloc[:0], "RECIST 1.1")
    with pytest.raises(ValueError, match="who_pd"):
        R.assess(R.necrotic_patient(), "WHO", who_pd="max")
    with pytest.raises(ValueError, match="too_small_mm"):
        R.assess(R.necrotic_patient(), "WHO", too_small_mm=-1)
    with pytest.raises(TypeError):
        R.assess(R.necrotic_patient(), "WHO", confirm=True)


# --------------------------------------------------------------------------- best overall response


def tp(resps, days=None, patient=1):
    days = days or [42 * (i + 1) for i in range(len(resps))]
    return pd.DataFrame({"patient": patient, "day": [0, *days], "response": [None, *resps]})


@pytest.mark.parametrize(
    ("resps", "days", "confirmed", "unconfirmed"),
    [
        (["PR", "PR"], [42, 70], "PR", "PR"),  # 28 days apart: confirmed
        (["PR", "PR"], [42, 62], "SD", "PR"),  # only 20 days apart
        (["PR", "SD"], None, "SD", "PR"),
        (["PR", "PD"], [28, 40], "PD", "PR"),  # PD before the SD minimum
        (["PR", "PD"], [42, 84], "SD", "PR"),  # SD minimum met on day 42
        (["PR", "CR"], None, "PR", "CR"),
        (["CR", "CR"], None, "CR", "CR"),
        (["CR", "NE", "CR"], None, "CR", "CR"),  # NE in between does not break confirmation
        (["CR", "SD", "CR"], None, "SD", "CR"),
        (["SD"], [30], "NE", "NE"),  # SD before the minimum, nothing after
        (["SD", "PD"], [30, 60], "PD", "PD"),
        (["NE", "NE"], None, "NE", "NE"),
        (["PD", "PR", "PR"], None, "PD", "PD"),  # after PD nothing counts
        ([], [], "NE", "NE"),
    ],
)
def test_best_response_table_3(resps, days, confirmed, unconfirmed):
    best = R.best_response(tp(resps, days))
    assert best["best_confirmed"].item() == confirmed
    assert best["best_unconfirmed"].item() == unconfirmed
    assert best["best_response"].item() == confirmed
    assert R.best_response(tp(resps, days), confirm=False)["best_response"].item() == unconfirmed


def test_best_response_flags_cr_then_pr():
    best = R.best_response(tp(["CR", "PR", "PR"]))
    assert "CR followed by PR" in best["flag"].item()


def test_best_response_options():
    t = tp(["PR", "PR"], [42, 60])
    assert R.best_response(t, confirm_days=18)["best_response"].item() == "PR"
    assert R.best_response(tp(["SD"], [100]), sd_min_days=183)["best_response"].item() == "NE"
    assert R.best_response(tp(["SD", "SD"], [100, 200]), sd_min_days=183)["best_response"].item() == "SD"
    unc = R.best_response(t, confirm=False)
    assert unc["best_response"].item() == "PR" and bool(unc["confirmed"].item()) is False
    assert "not confirmed" in unc["reason"].item()
    with pytest.raises(ValueError, match="confirm_days"):
        R.best_response(t, confirm_days=-1)
    with pytest.raises(ValueError, match="response"):
        R.best_response(t.drop(columns="response"))


def test_best_response_per_criterion_and_patient():
    tpall = R.assess_all(R.teaching_cohort(12, seed=3))
    best = R.best_response(tpall)
    assert len(best) == 12 * 4
    assert set(best.columns) >= {"criterion", "patient", "best_response", "confirmed", "reason"}


# --------------------------------------------------------------------------- target_category / explain


@pytest.mark.parametrize(
    ("s", "b", "n", "expected"),
    [
        (196, 280, 280, "PR"),
        (197, 280, 280, "SD"),
        (300, 400, 250, "PD"),
        (299, 400, 250, "SD"),
        (250, 300, 200, "PD"),
        (249, 300, 200, "SD"),
        (160, 180, 120, "SD"),
        (50, 500, 0, "PD"),
        (0, 500, 0, "PR"),
    ],
)
def test_target_category(s, b, n, expected):
    assert R.target_category(s, b, n) == expected


def test_target_category_validates():
    with pytest.raises(ValueError, match="sum_tenth_mm"):
        R.target_category(19.6, 280, 280)
    with pytest.raises(ValueError, match="baseline_tenth_mm"):
        R.target_category(10, 0, 0)


def test_explain_target():
    v = R.explain_target(16, baseline_mm=18, nadir_mm=12)
    assert v.category == "SD" and "less than 5 mm" in v.rule
    assert R.explain_target(16, baseline_mm=18, nadir_mm=12, criterion="mRECIST").category == "PD"
    assert R.explain_target(19.6, baseline_mm=28, nadir_mm=28).category == "PR"
    assert "PR" in R.explain_target(200, baseline_mm=400, nadir_mm=400, criterion="WHO")._repr_html_()


# --------------------------------------------------------------------------- rates, discordance, trials


def test_response_rates_use_exact_intervals():
    from hcckit import stats

    best = pd.DataFrame(
        {"patient": range(10), "best_response": ["CR"] * 2 + ["PR"] * 3 + ["SD"] * 4 + ["PD"]}
    )
    rates = R.response_rates(best).set_index("endpoint")
    assert rates.loc["ORR", "count"] == 5 and rates.loc["DCR", "count"] == 9
    ci = stats.proportion_ci(5, 10)
    assert rates.loc["ORR", "ci_low_pct"] == pytest.approx(ci.ci_low_pct)
    assert rates.loc["NE", "count"] == 0
    one = R.response_rates(best, level=0.9, sided="lower").set_index("endpoint")
    assert one.loc["ORR", "ci_high_pct"] == 100


def test_discordance_table():
    best = pd.DataFrame(
        {
            "criterion": ["RECIST 1.1"] * 3 + ["mRECIST"] * 3,
            "patient": [1, 2, 3] * 2,
            "best_response": ["SD", "SD", "PR", "PR", "CR", "PR"],
        }
    )
    long = R.discordance_table(best)
    assert len(long) == 36 and long["count"].sum() == 3  # 6 x 6 categories (non-CR/non-PD added)
    cell = long[(long.row_response == "SD") & (long.col_response == "PR")]
    assert cell["count"].item() == 1 and not cell["agree"].item()
    wide = R.discordance_table(best, wide=True)
    assert wide.loc["total", "total"] == 3
    with pytest.raises(ValueError, match="criterion"):
        R.discordance_table(best.drop(columns="criterion"))


def test_trial_rates_reproduce_reported_intervals():
    from hcckit import data

    rates = R.trial_rates(
        data.load("outcomes"), trial_id="chictr2100049829_tace_atezo_bev", endpoints=("ORR", "DCR")
    )
    r = rates.set_index(["criterion", "endpoint"])
    assert r.loc[("RECIST 1.1", "ORR"), "count"] == 21
    assert r.loc[("mRECIST", "ORR"), "count"] == 30
    # one-sided 90 % lower bounds: >= 36 % and >= 56 %
    assert round(r.loc[("RECIST 1.1", "ORR"), "ci_low_pct"]) == 36
    assert int(r.loc[("mRECIST", "ORR"), "ci_low_pct"]) == 56
    # two-sided 95 %: 73-95 % and 79-98 %
    assert round(r.loc[("RECIST 1.1", "DCR"), "ci_low_pct"]) == 73
    assert round(r.loc[("RECIST 1.1", "DCR"), "ci_high_pct"]) == 95
    assert round(r.loc[("mRECIST", "DCR"), "ci_low_pct"]) == 79
    assert round(r.loc[("mRECIST", "DCR"), "ci_high_pct"]) == 98


def test_trial_rates_all_trials_and_errors():
    from hcckit import data

    rates = R.trial_rates(data.load("outcomes"))
    assert len(rates) > 5 and rates["ci_low_pct"].notna().all()
    with pytest.raises(ValueError, match="trial_id"):
        R.trial_rates(data.load("outcomes"), trial_id="no_such_trial")


# --------------------------------------------------------------------------- teaching data


def test_teaching_cohort_is_synthetic_deterministic_and_valid():
    a = R.teaching_cohort(30, seed=5)
    b = R.teaching_cohort(30, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert a["synthetic"].all()
    assert a["patient"].nunique() == 30
    best = R.best_response(R.assess_all(a))
    rates = R.response_rates(best).set_index(["criterion", "endpoint"])["percent"]
    assert rates[("mRECIST", "ORR")] > rates[("RECIST 1.1", "ORR")]
    with pytest.raises(ValueError, match="visits"):
        R.teaching_cohort(3, visits=1)


def test_necrotic_patient_and_edit_measurements():
    m = R.necrotic_patient()
    assert m["synthetic"].all()
    m2 = R.edit_measurements(m, lesion="L1", day=42, viable_ld_mm=48.0)
    assert m2.loc[(m2.lesion == "L1") & (m2.day == 42), "viable_ld_mm"].item() == 48.0
    assert m.loc[(m.lesion == "L1") & (m.day == 42), "viable_ld_mm"].item() == 30.0
    m3 = R.edit_measurements(m, lesion="L2", day=42, drop=True)
    assert row(m3, 42, "mRECIST")["response"] == "NE"
    m4 = R.edit_measurements(m, lesion="N1", day=84, status="unequivocal", ld_mm=15.0)
    assert row(m4, 84, "RECIST 1.1")["response"] == "PD"
    with pytest.raises(ValueError, match="colour"):
        R.edit_measurements(m, lesion="L1", day=42, colour=3)


def test_lesion_table():
    tbl = R.lesion_table(R.necrotic_patient(), "EASL")
    assert set(tbl.columns) >= {"criterion", "patient", "lesion", "day", "role", "measure", "unit", "gone"}
    assert tbl.loc[(tbl.lesion == "L1") & (tbl.day == 0), "measure"].item() == 2000.0
    assert (tbl["unit"] == "mm²").all()


# --------------------------------------------------------------------------- issue 13 rules


def test_reappearance_after_cr_is_pd_whatever_the_size():
    # EORTC RECIST FAQ "Does a new lesion always result in PD?"; RECIST 1.1 Table 3 footnote
    m = table(series({0: 30, 42: 0, 84: 4}))
    assert responses(m) == ["CR", "PD"]
    m["viable_ld_mm"] = m["ld_mm"]
    assert responses(m, "mRECIST", mrecist_5mm=True) == ["CR", "PD"]
    assert "reappearance after the CR of day 42" in row(m, 84)["reason"]
    assert R.target_category(40, 500, 0) == "PD"
    assert R.target_category(40, 500, 0, nadir_was_cr=False) == "PR"  # no overall CR: usual rule


def test_reappearing_target_without_overall_cr_follows_usual_rule():
    # same FAQ: without an overall CR the reappeared lesion is added to the sum
    rows = series({0: 30, 42: 0, 84: 4}) + [
        dict(lesion="NT", day=d, kind="non_target", organ="lung", status=s)
        for d, s in ((0, None), (42, "non_CR_non_PD"), (84, "non_CR_non_PD"))
    ]
    assert responses(table(rows)) == ["PR", "PR"]


def test_best_response_cr_then_pr_is_not_a_confirmed_pr():
    # RECIST 1.1 Table 3 footnote: CR then PR is a data problem, never a confirmed PR
    best = R.best_response(tp(["CR", "PR"]))
    assert best["best_confirmed"].item() != "PR"
    assert "CR followed by PR" in best["flag"].item() and "data problem" in best["reason"].item()


def test_pr_pr_too_close_before_sd_minimum_is_pd_or_ne():
    # spec: PR, PR only 20 days apart -> SD if the SD minimum is met, otherwise PD or NE
    assert R.best_response(tp(["PR", "PR"], [14, 34]))["best_response"].item() == "NE"
    assert R.best_response(tp(["PR", "PR", "PD"], [14, 34, 40]))["best_response"].item() == "PD"


def test_mrecist_subcentimetre_unequivocal_intrahepatic_lesion_is_not_pd():
    # Lencioni & Llovet 2010: new intrahepatic HCC only >= 10 mm with the typical pattern
    m = _with_new({84: "unequivocal"}, sizes=[8])
    m["viable_ld_mm"] = m["ld_mm"]
    assert responses(m, "mRECIST")[1] == "SD"
    assert responses(m, "RECIST 1.1")[1] == "PD"  # RECIST 1.1 unchanged
    m = _with_new({84: "unequivocal"}, sizes=[10])
    m["viable_ld_mm"] = m["ld_mm"]
    assert responses(m, "mRECIST")[1] == "PD"


def test_non_cr_non_pd_not_in_dcr_by_default():
    # RECIST 1.1 section 4.3.3 / Table 2; DCR inclusion is a protocol option
    best = pd.DataFrame({"patient": range(4), "best_response": ["PR", "SD", "non-CR/non-PD", "PD"]})
    rates = R.response_rates(best).set_index("endpoint")
    assert rates.loc["DCR", "count"] == 2 and rates.loc["non-CR/non-PD", "count"] == 1
    rates = R.response_rates(best, non_cr_non_pd_as_dcr=True).set_index("endpoint")
    assert rates.loc["DCR", "count"] == 3


def test_continued_pr_after_confirmed_pr():
    # EORTC RECIST FAQ "Managing PR when TP measurements change slightly": 100, 70, 70, 80 -> PR
    m = table(series({0: 100, 42: 70, 84: 70, 126: 80}))
    assert responses(m) == ["PR", "PR", "PR"]
    assert responses(m, continued_pr="off") == ["PR", "PR", "SD"]
    m = table(series({0: 100, 42: 70, 84: 80}))  # PR not confirmed: no continued PR
    assert responses(m) == ["PR", "SD"]


def test_effusion_cytology_matters_only_when_it_would_be_the_only_pd():
    # RECIST 1.1 section 4.3.4: cytology when the measurable tumour meets CR/PR/SD
    out = row(_nt("PD", target_follow=40, organ="ascites"), 42)
    assert out["response"] == "PD" and out["non_target_response"] == "PD"
    assert "cytology not needed" in out["reason"]
    assert responses(_nt("PD", target_follow=25, organ="ascites")) == ["SD"]


def test_infiltrative_hcc_is_non_target():
    # Llovet & Lencioni, J Hepatol 2020: infiltrative HCC is non-measurable
    m = _nt("IR_SD", target_follow=25, organ="liver", infiltrative=True, viable_ld_mm=0.0, ld_mm=40.0)
    m["infiltrative"] = m["infiltrative"].fillna(False).astype(bool)
    m["viable_ld_mm"] = m["viable_ld_mm"].fillna(m["ld_mm"])
    assert responses(m, "RECIST 1.1") == ["SD"]
    bad = m.copy()
    bad.loc[bad.lesion == "L1", "infiltrative"] = True
    with pytest.raises(ValueError, match="infiltrative"):
        R.assess(bad, "RECIST 1.1")


def test_trial_rates_level_column_and_intervals_from_stats():
    from hcckit import data
    from hcckit.stats import proportion_ci

    rates = R.trial_rates(data.load("outcomes"))
    assert "level" in rates.columns and "ci_level" not in rates.columns
    for r in rates.itertuples():
        ci = proportion_ci(r.count, r.n, level=r.level, sided="lower" if r.ci_sided == "one_lower" else "two")
        assert (r.ci_low_pct, r.ci_high_pct, r.percent) == (ci.ci_low_pct, ci.ci_high_pct, ci.percent)


def test_package_modules_reexport_every_public_name():
    import importlib

    for name in R.__all__:
        assert hasattr(R, name), name
    for mod in ("criteria", "prepare", "measures", "lesion_rules", "reasons", "engine", "best", "targets",
                "rates", "teaching", "editing", "_validate"):  # fmt: skip
        m = importlib.import_module(f"hcckit.response.{mod}")
        assert m.__doc__ and isinstance(m.__all__, list)
        for name in m.__all__:
            assert getattr(R, name) is getattr(m, name)
