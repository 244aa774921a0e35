"""The data's conventions (issue 16): one way to write a percentage, a mean, a whole cohort, a
duplicate, a subtotal, an n and an effect's direction; and the schema rules that keep them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from hcckit import data, labels, schema
from hcckit.appraisal.means import check_two_means

YAN = "yan2025_tace_bev"
ZHANG = "zhang2021_beva_tace"


def _raw(name: str, directory: Path | None = None) -> pd.DataFrame:
    """The CSV as printed text (trailing zeros kept)."""
    folder = directory or data.data_dir()
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


# --------------------------------------------------------------------------- percentages, counts, units


def test_every_baseline_percentage_is_statistic_percent():
    base = _raw("baseline")
    pct = base[base["unit"] == "%"]
    assert len(pct) >= 60
    assert set(pct["statistic"]) == {"percent"}
    assert set(base.loc[base["statistic"] == "percent", "unit"]) == {"%"}


def test_count_only_rows_have_no_value_and_no_unit():
    base = _raw("baseline")
    counts = base[base["statistic"] == "count"]
    assert len(counts) >= 6  # Yan's sex ratios (Table 1) and the whole cohort's 74 / 46 (Section 3.1)
    assert (counts["count"] != "").all() and (counts["value"] == "").all() and (counts["unit"] == "").all()
    assert not ((base["unit"] != "") & (base["value"] == "")).any()


def test_outcome_percentages_and_counts_have_their_unit():
    out = _raw("outcomes")
    assert set(out.loc[out["statistic"].isin(["proportion", "rate", "percent"]), "unit"]) == {"%"}
    counts = out[out["statistic"] == "count"]
    assert (counts["unit"] == "count").all() and (counts["value"] == counts["count"]).all()
    shrink = out[out["endpoint"] == "tumour_shrinkage"]
    assert set(shrink["unit"]) == {"%", "count"}  # 29 of 31 is printed as a count only (no %)


def test_units_fit_their_endpoint_and_characteristic():
    out = data.load("outcomes")
    for endpoint, units in schema.ENDPOINT_UNITS.items():
        assert set(out.loc[out["endpoint"] == endpoint, "unit"]) <= set(units), endpoint
    base = data.load("baseline")
    size = base[base["characteristic"] == "tumour_size"]
    assert set(size["unit"]) == {"cm", "mm"}  # as printed: cm (ChiCTR2100049829), mm (ChiCTR2200056222)


# --------------------------------------------------------------------------- means


def _means() -> pd.DataFrame:
    frames = []
    for name in ("outcomes", "baseline"):
        f = _raw(name)
        frames.append(f[f["statistic"] == "mean"].assign(table=name))
    return pd.concat(frames, ignore_index=True)


def test_every_mean_with_a_spread_says_what_the_spread_is():
    means = _means()
    assert (means.loc[means["spread_low"] != "", "spread_kind"] != "").all()
    plus_minus = means[means["spread_kind"].isin(schema.PLUS_MINUS_SPREADS)]
    assert len(plus_minus) >= 25  # Yan 2025 (23 incl. the whole cohort), ChiCTR2200056222 tumour sizes (2)
    assert (plus_minus["spread_low"] != "").all() and (
        plus_minus["spread_high"] == ""
    ).all()  # ± in spread_low
    assert set(means["spread_kind"]) <= {"SD", "SE", "unspecified", "range", ""}  # Zhang: mean 1.6 [1-3]
    assert (means["n"] != "").all()  # every mean has its n


def test_yan_keeps_the_printed_se_and_says_where_the_numbers_disagree():
    means = _means()
    yan = means[means["trial_id"] == YAN]
    assert set(yan["spread_kind"]) == {"SE"}  # Methods 2.6: "mean ± standard error (SE)"
    assert yan["note"].str.contains("DISCREPANCY").all()


def test_the_notes_claims_about_sd_and_se_are_what_the_audit_finds():
    """A note says 'the numbers imply SD' only where recomputing the printed t or p shows it."""
    means = _means()
    effects = _raw("effects")
    yan = means[(means["trial_id"] == YAN) & (means["arm_id"] != "all")].fillna("")
    checked = 0
    keys = [
        (r["characteristic"], "baseline") if r["table"] == "baseline" else (r["item"], r["endpoint"])
        for _, r in yan.iterrows()
    ]
    yan = yan.assign(key=keys)
    for (item, endpoint), grp in yan.groupby("key"):
        ctl = grp[grp["arm_id"] == "tace"].iloc[0]
        exp = grp[grp["arm_id"] == "tace_bev"].iloc[0]
        eff = effects[
            (effects["trial_id"] == YAN)
            & (effects["endpoint"] == endpoint)
            & (effects["item"] == ("" if endpoint == "tace_sessions" else item))
            & (effects["preferred"] == "True")
        ]
        assert len(eff) == 1, (item, endpoint)
        e = eff.iloc[0]
        finding = check_two_means(
            exp["value"], exp["spread_low"], int(exp["n"]), ctl["value"], ctl["spread_low"], int(ctl["n"]),
            p=e["p_value"], p_operator=e["p_operator"], t=e["value"] if e["measure"] == "t" else None, spread="SE",
        )[0]  # fmt: skip
        says_sd = "the numbers imply SD" in ctl["note"]
        assert says_sd == ("imply that ± is an SD" in finding.message), (item, finding.message)
        if not says_sd:
            assert "neither reading" in ctl["note"] and finding.message.find("No reading") >= 0, item
        checked += 1
    assert checked == 12  # age, BMI, baseline Ktrans; 3 perfusion; 5 labs; TACE sessions


def test_means_of_whole_numbers_have_n_and_unit_count():
    means = _means()
    whole = means[
        means["characteristic"].isin(["prior_tace_sessions"]) | means["endpoint"].eq("tace_sessions")
    ]
    assert len(whole) >= 4
    assert (whole["unit"] == "count").all() and (whole["n"] != "").all()


# --------------------------------------------------------------------------- whole cohorts, arms


def test_no_row_has_an_empty_arm():
    for name in ("arms", "outcomes", "effects", "adverse_events", "at_risk", "baseline"):
        assert (_raw(name)["arm_id"] != "").all(), name


def test_whole_cohort_rows_use_arm_id_all_and_only_in_baseline():
    assert labels.ALL == schema.WHOLE_COHORT == "all"
    for name in ("arms", "outcomes", "effects", "adverse_events", "at_risk"):
        assert (_raw(name)["arm_id"] != "all").all(), name
    base = _raw("baseline")
    cohort = base[base["arm_id"] == "all"]
    assert set(cohort["trial_id"]) == {YAN, "emerald1"}
    age = cohort[(cohort["trial_id"] == YAN) & (cohort["characteristic"] == "age")].iloc[0]
    assert (age["value"], age["spread_low"], age["n"], age["spread_kind"]) == ("67.28", "3.65", "120", "SE")
    sex = cohort[(cohort["trial_id"] == YAN) & (cohort["characteristic"] == "sex")].set_index("category")
    assert sex.loc["male", "count"] == "74" and sex.loc["female", "count"] == "46"


# --------------------------------------------------------------------------- duplicates and subtotals


def test_every_fact_has_exactly_one_preferred_row():
    keys = {
        "effects": ["trial_id", "arm_id", "comparator_arm_id", "endpoint", "item", "criterion"],
        "adverse_events": ["trial_id", "arm_id", "event_harmonised", "grade"],
        "baseline": ["trial_id", "arm_id", "characteristic", "category", "statistic"],
    }
    for name, key in keys.items():
        frame = _raw(name)
        assert set(frame["preferred"]) <= {"True", "False"}, name
        per_fact = frame.groupby(key)["preferred"].apply(lambda s: (s == "True").sum())
        assert per_fact.max() == 1, name
        twin = frame.groupby(key[:-1] if name == "baseline" else key)["preferred"].apply(
            lambda s: (s == "True").sum()
        )
        assert twin.min() >= 1, name


def test_the_issues_conflicting_duplicates_are_resolved():
    ae = _raw("adverse_events")
    zh = ae[ae["trial_id"] == ZHANG]

    def pick(event, grade):
        rows = zh[(zh["event_harmonised"] == event) & (zh["grade"] == grade)]
        assert len(rows) == 2, (event, grade)
        return rows.set_index("source_location")

    bili = pick("bilirubin increased", "any")
    assert (bili.loc["Table 2", "percent_reported"], bili.loc["Abstract", "percent_reported"]) == (
        "45",
        "10.0",
    )
    assert bili.loc["Table 2", "preferred"] == "True" and bili.loc["Abstract", "preferred"] == "False"
    hyp = pick("hypertension", "3-4")
    assert (hyp.loc["Table 2", "count"], hyp.loc["Abstract", "count"]) == ("0", "1")
    assert hyp.loc["Table 2", "preferred"] == "True"
    melena = pick("bleeding", "any")
    assert list(melena["preferred"].sort_values()) == ["False", "True"]
    base = _raw("baseline")
    prior = base[(base["trial_id"] == ZHANG) & (base["characteristic"] == "prior_tace_sessions")]
    assert sorted(prior["value"]) == ["3.4", "3.5"]
    assert prior.set_index("value").loc["3.5", "preferred"] == "True"
    for frame in (bili, hyp, melena, prior):
        assert frame["note"].str.contains("referred").all()  # the note says which is preferred


def test_subtotals_are_marked_so_sums_do_not_double_count():
    ae = data.load("adverse_events")
    ae = ae[ae["preferred"]]
    assert ae["subtotal"].isin(["True", "False"]).all()
    subtotals = ae[ae["subtotal"] == "True"]
    assert len(subtotals) >= 30
    checked = 0
    for _, row in subtotals.iterrows():
        parts = ae[
            (ae["trial_id"] == row["trial_id"])
            & (ae["arm_id"] == row["arm_id"])
            & (ae["event_harmonised"] == row["event_harmonised"])
            & ae["grade"].isin(schema.GRADE_PARTS[row["grade"]])
            & (ae["subtotal"] == "False")
        ]
        assert len(parts) >= 1, (row["trial_id"], row["event"], row["grade"])
        if pd.notna(row["count"]) and parts["count"].notna().all():
            assert parts["count"].sum() == row["count"], (row["trial_id"], row["event"], row["grade"])
            checked += 1
    assert checked == len(subtotals)  # every printed subtotal equals the sum of its grades
    # e.g. ChiCTR2100049829: any grade 44 = worst grade 1-2 (24) + 3 (16) + 4 (4) + 5 (0)
    atezo = ae[
        (ae["trial_id"] == "chictr2100049829_tace_atezo_bev")
        & (ae["event_harmonised"] == "any adverse event")
    ]
    assert atezo.loc[atezo["subtotal"] == "False", "count"].sum() == 44


# --------------------------------------------------------------------------- event names


#: printed term -> harmonised term, where they differ (data/README.md, adverse_events.csv)
HARMONISED = {
    "nausea": "nausea/vomiting",
    "pyrexia": "fever",
    "abdominal pain": "pain",
    "melena": "bleeding",
    "gastrointestinal hemorrhage": "bleeding",
    "hyperbilirubinemia": "bilirubin increased",
    "blood bilirubin increased": "bilirubin increased",
    "elevated transaminase": "transaminase increased",
    "diarrhea": "diarrhoea",
    "postembolic syndrome": "post-embolization syndrome",
    "any adverse event (worst grade 1-2)": "any adverse event",
    "any adverse event (worst grade 3)": "any adverse event",
    "any adverse event (worst grade 4)": "any adverse event",
    "any adverse event (grade 5)": "any adverse event",
}


def test_every_event_keeps_its_printed_term_and_a_harmonised_one_from_the_vocabulary():
    ae = _raw("adverse_events")
    for event, harmonised in zip(ae["event"], ae["event_harmonised"], strict=True):
        assert harmonised == HARMONISED.get(event, event), (event, harmonised)
    # one class per harmonised term (the schema checks it too)
    assert ae.groupby("event_harmonised")["event_class"].nunique().max() == 1


# --------------------------------------------------------------------------- n and its source


def test_every_n_says_where_it_comes_from():
    for name in ("outcomes", "adverse_events", "baseline"):
        frame = _raw(name)
        assert ((frame["n"] == "") == (frame["n_source"] == "")).all(), name
        assert set(frame["n_source"]) - {""} <= set(schema.N_SOURCES), name
    out = _raw("outcomes")
    review = out[out["source_location"].str.startswith("Review") & (out["n"] != "")]
    assert set(review["n_source"]) == {"arm_size"}  # the review prints arm sizes, not denominators
    tqb = out[(out["trial_id"] == "chictr2200056222_debtace_tqb_anlo") & (out["endpoint"] == "OS_rate")]
    assert set(tqb.loc[tqb["count"] != "", "n_source"]) == {"printed"}  # '77.4% (24/31)'


# --------------------------------------------------------------------------- effects' direction


def test_every_effect_has_its_direction():
    eff = _raw("effects")
    assert set(eff["direction"]) <= set(schema.DIRECTIONS) and (eff["direction"] != "").all()
    assert set(eff.loc[eff["measure"].isin(["HR", "aHR", "median_difference"]), "direction"]) == {
        "arm_vs_comparator"
    }
    assert set(eff.loc[eff["measure"].isin(["p_only", "chi2"]), "direction"]) == {"undirected"}
    t = eff[eff["measure"] == "t"]
    assert set(t["direction"]) == {"comparator_vs_arm"}  # Yan prints t as control minus combined
    age = t[t["item"] == "age"].iloc[0]
    assert age["value"] == "-1.925"  # the printed sign is kept, not flipped


def test_every_effect_is_experimental_vs_control_except_as_printed_by_meyer():
    eff = _raw("effects")
    roles = _raw("arms").set_index(["trial_id", "arm_id"])["role"]
    odd = []
    for _, r in eff.iterrows():
        pair = (roles[(r["trial_id"], r["arm_id"])], roles[(r["trial_id"], r["comparator_arm_id"])])
        if pair != ("experimental", "control"):
            odd.append((r["trial_id"], r["endpoint"]))
            assert r["direction_note"], (r["trial_id"], r["endpoint"])
    # Meyer 2013 prints 'TAE vs sTACE' (control first, reference not stated): kept as printed
    assert set(t for t, _ in odd) == {"meyer2013_tae_vs_stace"}


# --------------------------------------------------------------------------- coverage


def test_the_reviews_conversion_studies_are_curated():
    trials = data.load("trials").set_index("trial_id")
    assert trials.loc["he2019_haic_sorafenib", "design"] == "rct"
    assert trials.loc["startfit", "design"] == "single_arm"  # "a single-arm, phase 2 trial" (ref [59])
    out = _raw("outcomes")
    he = out[out["trial_id"] == "he2019_haic_sorafenib"].set_index("arm_id")["value"]
    assert (he["haic_sorafenib"], he["sorafenib"]) == ("12.8", "0.8")
    assert out.loc[out["trial_id"] == "startfit", "value"].tolist() == ["12"]
    eff = _raw("effects")
    he_p = eff[eff["trial_id"] == "he2019_haic_sorafenib"].iloc[0]
    assert (he_p["p_value"], he_p["p_operator"]) == ("0.001", "<")


# --------------------------------------------------------------------------- the schema keeps them


@pytest.fixture()
def copy_dir(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(data.data_dir(), target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _break(folder: Path, name: str, mask_fn, changes: dict) -> None:
    frame = _raw(name, folder)
    mask = mask_fn(frame)
    assert mask.sum() >= 1
    idx = frame.index[mask][0]
    for col, value in changes.items():
        frame.loc[idx, col] = value
    frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")


BREAKS = {
    "percentage written as a count": (
        "baseline",
        lambda f: f["statistic"] == "percent",
        {"statistic": "count"},
        "statistic percent with unit %",
    ),
    "a second preferred printing": (
        "adverse_events",
        lambda f: (
            (f["trial_id"] == ZHANG) & (f["source_location"] == "Abstract") & (f["preferred"] == "False")
        ),
        {"preferred": "True"},
        "two preferred rows",
    ),
    "an HR printed the other way round": (
        "effects",
        lambda f: f["measure"] == "HR",
        {"direction": "comparator_vs_arm"},
        "arm_vs_comparator",
    ),
    "a p-value with a direction": (
        "effects",
        lambda f: f["measure"] == "p_only",
        {"direction": "arm_vs_comparator"},
        "undirected",
    ),
    "an unmarked any-grade row": (
        "adverse_events",
        lambda f: (f["subtotal"] == "True") & (f["grade"] == "any"),
        {"subtotal": "False"},
        "overlapping grades",
    ),
    "n without its source": ("outcomes", lambda f: f["n"] != "", {"n_source": ""}, "n_source is required"),
    "a mean without its spread kind": (
        "baseline",
        lambda f: f["spread_kind"] == "SD",
        {"spread_kind": ""},
        "needs its spread_kind",
    ),
    "tumour size as a count": (
        "baseline",
        lambda f: f["characteristic"] == "tumour_size",
        {"unit": "count"},
        "unit must fit",
    ),
    "a whole cohort in outcomes": (
        "outcomes",
        lambda f: f["trial_id"] == YAN,
        {"arm_id": "all"},
        "must exist in the parent",
    ),
    "an empty arm in baseline": ("baseline", lambda f: f["arm_id"] == "all", {"arm_id": ""}, "'arm_id'"),
}


@pytest.mark.parametrize("kind", sorted(BREAKS))
def test_the_schema_refuses_a_broken_convention(copy_dir, kind):
    name, mask_fn, changes, fragment = BREAKS[kind]
    _break(copy_dir, name, mask_fn, changes)
    with pytest.raises(data.DataValidationError) as info:
        data.validate(copy_dir)
    assert f"{name}.csv" in str(info.value) and fragment in str(info.value), str(info.value)


def test_the_whole_cohort_needs_a_curated_trial(copy_dir):
    _break(copy_dir, "baseline", lambda f: f["arm_id"] == "all", {"trial_id": "no_such_trial"})
    with pytest.raises(data.DataValidationError, match="must exist in the parent"):
        data.validate(copy_dir)


def test_a_printed_t_has_the_sign_its_direction_says():
    """comparator_vs_arm: the printed t is comparator minus arm (Yan prints control minus combined)."""
    eff = _raw("effects")
    means = _means().fillna("")
    checked = 0
    for _, r in eff[eff["measure"] == "t"].iterrows():
        if r["endpoint"] == "baseline":
            rows = means[(means["table"] == "baseline") & (means["characteristic"] == r["item"])]
        else:
            rows = means[(means["endpoint"] == r["endpoint"]) & (means["item"] == r["item"])]
        rows = rows[rows["trial_id"] == r["trial_id"]].set_index("arm_id")["value"].astype(float)
        diff = rows[r["comparator_arm_id"]] - rows[r["arm_id"]]
        if r["direction"] == "arm_vs_comparator":
            diff = -diff
        assert (float(r["value"]) > 0) == (diff > 0), (r["item"], r["value"], diff)
        checked += 1
    assert checked == 5  # Yan: age, BMI (Table 1); Ktrans, blood flow, plasma volume (Table 2)
