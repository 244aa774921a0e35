"""Tests for hcckit.evidence.comparisons: the joined table of comparisons, its filters, the explorer's options."""

from __future__ import annotations

import pytest

from hcckit import data, evidence


# --------------------------------------------------------------------------- comparisons
def test_comparisons_one_row_per_effect_with_trial_and_arm_metadata(table):
    effects = data.load("effects")
    assert len(table) == len(effects)
    assert table["study"].notna().all() and table["arm_label"].notna().all()
    assert table["comparator_label"].notna().all()
    stah = table[(table["trial_id"] == "stah") & (table["endpoint"] == "OS")].iloc[0]
    assert stah["ci_level"] == pytest.approx(0.90)
    assert stah["comparison"] == "Sorafenib + cTACE vs Sorafenib"
    assert stah["question"] == "TACE + systemic therapy vs systemic therapy"
    assert stah["comparator_type"] == "systemic therapy"
    assert set(stah["modalities"].split(";")) == {"cTACE", "TACE"}
    assert stah["hr_kind"] == "HR (randomised)"
    chance = table[(table["trial_id"] == "chance001") & (table["endpoint"] == "OS")].iloc[0]
    assert bool(chance["adjusted"]) and chance["hr_kind"] == "adjusted HR (observational)"
    assert (
        table.loc[table["trial_id"] == "yuan2023_pa_tace_ici", "hr_kind"].iloc[0].startswith("HR, adjustment")
    )


def test_every_trial_has_a_stage_group():
    trials = data.load("trials")
    assert set(trials["trial_id"]) <= set(evidence.STAGE_GROUPS)


def test_comparisons_rejects_missing_column_and_unknown_arm():
    effects = data.load("effects")
    with pytest.raises(ValueError, match="missing column"):
        evidence.comparisons(effects.drop(columns=["ci_level"]))
    bad = effects.head(2).copy()
    bad.loc[bad.index[1], "arm_id"] = "no_such_arm"
    with pytest.raises(ValueError, match=r"effects row 1: arm_id 'no_such_arm'"):
        evidence.comparisons(bad)
    with pytest.raises(TypeError, match="DataFrame"):
        evidence.comparisons([1, 2])


# --------------------------------------------------------------------------- filters
def test_modality_filter_is_hierarchical(table):
    tace = evidence.filter_comparisons(table, modality="TACE")
    assert {"stah", "chance001", "yuan2023_tace_haic_tki_pd1", "meyer2013_tae_vs_stace"} <= set(
        tace["trial_id"]
    )
    assert "fohaic1" not in set(tace["trial_id"])
    ctace = evidence.filter_comparisons(table, modality="cTACE")
    assert set(ctace["trial_id"]) == {"yan2025_tace_bev", "stah"}
    haic = evidence.filter_comparisons(table, modality="HAIC")
    assert "yuan2023_tace_haic_tki_pd1" in set(haic["trial_id"])
    systemic_only = evidence.filter_comparisons(table, modality="none")
    assert set(systemic_only["trial_id"]) == {"imbrave150"}  # not STAH, whose comparator arm has no TACE


def test_class_design_endpoint_filters(table):
    pd1 = evidence.filter_comparisons(table, systemic_class="PD-(L)1", endpoint="PFS")
    assert {"emerald1", "chance001", "chance2211"} <= set(pd1["trial_id"])
    assert "tactics" not in set(pd1["trial_id"])
    none = evidence.filter_comparisons(table, systemic_class="none", endpoint="OS")
    assert {"deng2023_haic_vs_tace", "li2022_haic_vs_tace", "meyer2013_tae_vs_stace"} <= set(none["trial_id"])
    rct = evidence.filter_comparisons(table, design="rct", endpoint="OS")
    assert set(rct["design"]) == {"rct"}


def test_filters_that_match_nothing_return_an_empty_frame(table):
    assert evidence.filter_comparisons(table, design="single_arm").empty
    assert evidence.filter_comparisons(table, endpoint="TTUP", modality="HAIC").empty
    assert evidence.forest_table(evidence.filter_comparisons(table, design="single_arm")).empty


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"modality": "surgery"}, "modality"),
        ({"systemic_class": "antibiotic"}, "systemic_class"),
        ({"design": "RCT"}, "design"),
        ({"endpoint": "survival"}, "endpoint"),
    ],
)
def test_bad_filter_values_name_the_field(table, kwargs, field):
    with pytest.raises(ValueError, match=field):
        evidence.filter_comparisons(table, **kwargs)


def test_explorer_options_come_from_the_data(table):
    opts = evidence.explorer_options(table)
    assert opts["endpoint"] == ["PFS", "OS", "TTUP", "RFS", "PPS"]
    assert "single_arm" in opts["design"] and "none" in opts["systemic_class"]
    assert opts["criterion"] == ["RECIST 1.1", "mRECIST", "RECICL", "unspecified"]
    assert evidence.DEFAULT_POOL["question"] in opts["question"]["PFS"]
    assert len(opts["trials"]) == len(data.load("trials"))
    assert all(
        isinstance(label, str) and " · " in label and isinstance(tid, str) for label, tid in opts["trials"]
    )


def test_filter_options_is_a_deprecated_name_of_explorer_options(table):
    with pytest.warns(DeprecationWarning, match="filter_options is now explorer_options"):
        old = evidence.filter_options(table)
    assert old == evidence.explorer_options(table)
    assert "catalogue.filter_options" in evidence.explorer_options.__doc__  # says the shapes differ
