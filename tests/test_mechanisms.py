"""hcckit.mechanisms: modality table and scene, blood supply, the qualitative model, RCT evidence."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hcckit import mechanisms as m

RCT_DOSE = m.Scenario(bev_dose_mg_kg=5.0, bev_time_h=0.0)


# --------------------------------------------------------------------------- modalities
def test_modality_table_has_the_five_modalities_with_sources():
    table = m.modality_table()
    assert list(table["modality"]) == list(m.MODALITY_KEYS)
    assert table["source"].str.contains("Hepatoma Res 2024").all()
    assert table.set_index("modality").loc["TARE", "radiation"]
    assert not table.set_index("modality").loc["HAIC", "occludes_artery"]
    assert "lipiodol" in table.set_index("modality").loc["cTACE", "delivered"]


@pytest.mark.parametrize("modality", m.MODALITY_KEYS)
def test_scene_has_liver_tumour_vessels_and_what_is_delivered(modality):
    scene = m.modality_scene(modality)
    elements = set(scene["element"])
    assert {"liver", "tumour", "vessel", "catheter", "label"} <= elements
    assert set(scene.loc[scene["element"] == "vessel", "part"]) == {"hepatic artery", "portal vein"}
    occludes = modality in ("TAE", "cTACE", "DEB-TACE")
    assert ("occlusion" in elements) is occludes
    assert (scene["modality"] == modality).all()


def test_tare_isotopes_and_caveats_are_the_clinical_ones():
    # Y-90, or holmium-166 (HEPAR trials); I-131/Re-188 lipiodol only historically; Lu-177 is not a TARE isotope
    tare = m.modality_table().set_index("modality").loc["TARE"]
    assert "Lu-177" not in tare["delivered"] and "lutetium" not in tare["delivered"].lower()
    assert "yttrium-90" in tare["delivered"] and "holmium-166" in tare["delivered"]
    assert "historically" in tare["delivered"]
    # microembolic, not "does not block the artery"; REILD from the non-tumorous liver; MAA lung-shunt mapping
    assert "microembolic" in tare["how_it_acts"]
    assert "non-tumorous liver" in tare["caveat"] and "REILD" in tare["caveat"]
    assert "Tc-99m MAA" in tare["caveat"] and "lung-shunt" in tare["caveat"]
    assert "pneumonitis" in tare["caveat"] and "ulcer" in tare["caveat"]
    assert "RILD" not in tare["caveat"].replace("REILD", "")


def test_scene_materials_differ_by_modality():
    parts = {k: set(m.modality_scene(k).query("element == 'material'")["part"]) for k in m.MODALITY_KEYS}
    assert parts["TAE"] == {"embolic particles"}
    assert "lipiodol + chemotherapy" in parts["cTACE"]
    assert "drug-eluting beads" in parts["DEB-TACE"]
    assert parts["TARE"] == {"Y-90 microspheres"}
    assert parts["HAIC"] == {"chemotherapy infusion"}


def test_dual_supply_drawn_by_vessel_width():
    scene = m.modality_scene("cTACE")
    vessels = scene[scene["element"] == "vessel"]
    portal_max = vessels.loc[vessels["part"] == "portal vein", "width"].max()
    artery_max = vessels.loc[vessels["part"] == "hepatic artery", "width"].max()
    assert portal_max > artery_max  # normal liver is mostly portal
    # the thinnest portal branch is the one to the tumour
    assert vessels.loc[vessels["part"] == "portal vein", "width"].min() < 2


def test_unknown_modality_is_rejected_with_the_field_name():
    with pytest.raises(ValueError, match="modality"):
        m.modality_scene("TACE-X")
    with pytest.raises(ValueError, match="modality"):
        m.trials_for_modality("SBRT")


def test_trials_for_modality_uses_curated_arms():
    tare = m.trials_for_modality("TARE")
    assert {"hur2023_tare_vs_tki", "agirrezabal2024_tare_vs_atezobev", "soramic"} <= set(tare["trial_id"])
    assert (tare["match"] == "exact").all()
    haic = m.trials_for_modality("HAIC")
    assert "combined with TACE" in set(haic["match"])
    ctace = m.trials_for_modality("cTACE")
    assert "yan2025_tace_bev" in set(ctace.loc[ctace["match"] == "exact", "trial_id"])
    assert "TACE, technique not stated in the source" in set(ctace["match"])
    deb = m.trials_for_modality("DEB-TACE")
    assert "chictr2200056222_debtace_tqb_anlo" in set(deb["trial_id"])


def test_trials_for_modality_empty_when_no_arm_matches():
    from hcckit import data

    arms = data.load("arms")
    out = m.trials_for_modality("TAE", arms=arms[arms["arterial"] != "TAE"])
    assert out.empty
    assert "match" in out.columns


def test_blood_supply_keeps_only_what_the_review_says():
    table = m.blood_supply_table()
    normal = table[table["tissue"] == "Normal liver"].set_index("vessel")
    assert normal.loc["portal vein", "end_pct"] - normal.loc["portal vein", "start_pct"] == 75
    assert normal["reported"].all()
    hcc = table[table["tissue"] == "HCC"]
    assert not hcc["reported"].any()
    assert "not reported" in set(hcc["vessel"])


# --------------------------------------------------------------------------- inputs
@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"embolization": 1.5}, "embolization"),
        ({"chemotherapy": -0.1}, "chemotherapy"),
        ({"bev_dose_mg_kg": 20}, "bev_dose_mg_kg"),
        ({"bev_time_h": 400}, "bev_time_h"),
        ({"immune_priming": True}, "immune_priming"),
        ({"embolization": float("nan")}, "embolization"),
        ({"embolization": "0.5"}, "embolization"),
    ],
)
def test_scenario_rejects_bad_values_naming_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        m.Scenario(**kwargs)


def test_parameters_are_validated_and_documented():
    with pytest.raises(ValueError, match="tau_vegf_h"):
        m.ModelParameters(tau_vegf_h=0)
    with pytest.raises(ValueError, match="growth_per_h"):
        m.ModelParameters(growth_per_h=-1)
    table = m.parameter_table()
    assert len(table) == len(m.ModelParameters.__dataclass_fields__)
    assert table["meaning"].str.len().min() > 10
    assert table["behaviour"].str.len().min() > 5
    assert table["unit"].notna().all()
    assert "hours" in set(table["unit"])


def test_simulate_rejects_bad_arguments():
    with pytest.raises(ValueError, match="days"):
        m.simulate(days=2)
    with pytest.raises(TypeError, match="scenario"):
        m.simulate({"embolization": 0.9})
    with pytest.raises(ValueError, match="doses"):
        m.dose_window(doses=[20])
    with pytest.raises(ValueError, match="days"):
        m.dose_window(days=30)
    with pytest.raises(ValueError, match="run"):
        m.summarize(m.simulate().drop(columns="hif"))


def test_simulate_output_shape_and_start():
    run = m.simulate()
    expected = {
        "time_h",
        "time_days",
        "bevacizumab",
        "vessel_density",
        "new_vessels",
        "vessel_quality",
        "oxygen_delivery",
        "hypoxia",
        "hif",
        "vegf_total",
        "vegf_free",
        "tumour",
        "immune",
        "prune_hazard",
    }
    assert expected <= set(run.columns)
    assert run["time_h"].iloc[0] == 0 and run["time_days"].iloc[-1] == pytest.approx(60)
    first = run.iloc[0]
    assert first["tumour"] == pytest.approx(1.0)
    assert first["vegf_total"] == pytest.approx(1.0)
    assert first["vessel_density"] == pytest.approx(1 - 0.9 * 0.9)  # embolization x arterial share
    assert run["hypoxia"].between(0, 1).all()
    assert run.attrs["scenario"]["embolization"] == 0.9


# --------------------------------------------------------------------------- qualitative behaviours
@pytest.mark.parametrize("embolization", [0.5, 0.7, 0.9, 1.0])
@pytest.mark.parametrize("chemotherapy", [0.0, 0.5, 1.0])
def test_vegf_surge_peaks_48_to_72_h_after_embolization(embolization, chemotherapy):
    s = m.Scenario(embolization=embolization, chemotherapy=chemotherapy)
    res = m.summarize(m.simulate(s, days=14))
    assert 48 <= res.vegf_peak_h <= 72
    assert res.vegf_peak_in_window
    assert res.vegf_peak_fold > 1.2  # a surge, not noise
    assert res.hif_peak_h < res.vegf_peak_h  # HIF-1alpha comes first


def test_vegf_peak_also_in_window_with_the_trial_dose():
    res = m.summarize(m.simulate(RCT_DOSE, days=14))
    assert 48 <= res.vegf_peak_h <= 72


def test_bevacizumab_lowers_the_surge_and_a_higher_dose_lowers_it_more():
    peaks = [m.summarize(m.simulate(m.Scenario(bev_dose_mg_kg=d))).vegf_peak_fold for d in (0, 2.5, 5, 15)]
    assert peaks[0] > peaks[1] > peaks[2] > peaks[3]


def test_timing_matters_a_dose_one_week_later_misses_the_surge():
    alone = m.summarize(m.simulate(m.Scenario()))
    early = m.summarize(m.simulate(RCT_DOSE))
    late = m.summarize(m.simulate(m.Scenario(bev_dose_mg_kg=5.0, bev_time_h=168.0)))
    assert early.vegf_peak_fold < 0.8 * alone.vegf_peak_fold
    assert late.vegf_peak_fold == pytest.approx(alone.vegf_peak_fold, rel=1e-6)


def test_normalisation_window_low_dose_normalises_high_dose_prunes():
    window = m.dose_window().set_index("dose_mg_kg")
    assert window.loc[0.0, "zone"] == "no bevacizumab"
    assert window.loc[5.0, "zone"] == "normalisation window"
    assert window.loc[15.0, "zone"] == "pruning (hypoxia)"
    assert window.loc[5.0, "quality_gain_pct"] >= 10
    assert window.loc[5.0, "pruned_pct"] <= 10
    assert window.loc[15.0, "pruned_pct"] > 3 * window.loc[5.0, "pruned_pct"]
    assert window.loc[15.0, "mean_hypoxia"] > window.loc[5.0, "mean_hypoxia"]
    assert window["pruned_pct"].is_monotonic_increasing
    assert window["hypoxia_change"].iloc[0] == 0


def test_inside_the_window_normalised_vessels_mean_less_hypoxia_than_tace_alone():
    # Normalisation = better perfusion and oxygenation (Jain, Science 2005): in the window hypoxia
    # must be *below* TACE alone (the old model gave 0.44 vs 0.40, the wrong way round).
    alone = m.summarize(m.simulate(m.Scenario()))
    window_dose = m.summarize(m.simulate(RCT_DOSE))
    assert window_dose.mean_hypoxia < alone.mean_hypoxia
    assert window_dose.vessel_quality > alone.vessel_quality
    table = m.dose_window().set_index("dose_mg_kg")
    inside = table[table["zone"] == "normalisation window"]
    assert len(inside) >= 1 and (inside["hypoxia_change"] < 0).all()
    pruning = table[table["zone"] == "pruning (hypoxia)"]
    assert (pruning["hypoxia_change"] > 0).all()


def test_quality_gain_peaks_inside_the_window_and_falls_in_the_pruning_zone():
    table = m.dose_window(doses=(0.0, 2.5, 5.0, 7.5, 10.0, 12.5, 15.0))
    peak = table.loc[table["quality_gain_pct"].idxmax()]
    assert peak["zone"] == "normalisation window"
    assert 0 < peak["dose_mg_kg"] < 15
    after = table[table["dose_mg_kg"] >= peak["dose_mg_kg"]]["quality_gain_pct"]
    assert after.is_monotonic_decreasing  # falls through the pruning zone
    gain = table.set_index("dose_mg_kg")["quality_gain_pct"]
    assert gain[15.0] < gain[5.0]  # the old model: 28.5 % at 15 vs 15.2 % at 5 mg/kg


def test_normalisation_is_a_time_window_after_the_drug_starts():
    # Winkler et al., Cancer Cell 2004: the benefit opens after anti-VEGF starts and closes again
    alone = m.simulate(m.Scenario())
    bev = m.simulate(RCT_DOSE)
    extra = (bev["vessel_quality"] - alone["vessel_quality"]).to_numpy()
    days = bev["time_days"].to_numpy()
    i = int(extra.argmax())
    assert 5 <= days[i] <= 21
    assert extra[-1] < 0.6 * extra[i]


def test_model_labels_the_dose_dependence_as_preclinical():
    table = m.parameter_table().set_index("parameter")
    assert "preclinical" in table.loc["prune_level", "behaviour"]
    assert "preclinical" in table.loc["prune_quality_loss", "behaviour"]
    assert "preclinical hypothesis" in m.dose_window.__doc__
    assert "not predictive" in m.dose_window.__doc__
    assert "15 mg/kg IV every 3 weeks" in m.dose_window.__doc__


def test_low_dose_keeps_more_vessels_than_high_dose():
    low = m.simulate(m.Scenario(bev_dose_mg_kg=5.0))
    high = m.simulate(m.Scenario(bev_dose_mg_kg=15.0))
    day28 = low["time_days"].sub(28).abs().idxmin()
    assert low.loc[day28, "vessel_density"] > high.loc[day28, "vessel_density"]
    # pruned vessels also work worse: the remaining ones are not "more normal" at the pruning dose
    assert low.loc[day28, "vessel_quality"] > high.loc[day28, "vessel_quality"]
    assert low.loc[day28, "hypoxia"] < high.loc[day28, "hypoxia"]


def test_revascularisation_then_regrowth_after_tace_alone():
    run = m.simulate(m.Scenario())
    res = m.summarize(run)
    nadir = run["vessel_density"].idxmin()
    assert run["vessel_density"].iloc[-1] > 2 * run["vessel_density"].iloc[nadir]
    assert res.tumour_nadir < 0.8
    assert res.regrowth_day is not None and res.regrowth_day > res.tumour_nadir_day


def test_bevacizumab_delays_regrowth_and_immune_priming_helps():
    alone = m.summarize(m.simulate(m.Scenario()))
    bev = m.summarize(m.simulate(RCT_DOSE))
    primed = m.summarize(m.simulate(m.Scenario(immune_priming=1.0)))
    assert bev.tumour_end < alone.tumour_end
    assert primed.tumour_end < alone.tumour_end


def test_summary_says_it_is_not_a_prediction():
    summary = m.summarize(m.simulate())
    assert "Qualitative model, not a prediction" in str(summary)
    assert "not a prediction" in summary._repr_html_()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    emb=st.floats(0, 1),
    chemo=st.floats(0, 1),
    dose=st.sampled_from([0.0, 2.5, 7.5, 15.0]),
    when=st.integers(0, 336),
    immune=st.floats(0, 1),
)
def test_model_stays_finite_and_bounded(emb, chemo, dose, when, immune):
    run = m.simulate(m.Scenario(emb, chemo, dose, float(when), immune), days=30)
    assert run.notna().all().all()
    assert (run["tumour"] >= 0).all() and (run["tumour"] <= 3.0 + 1e-6).all()
    assert run["hypoxia"].between(0, 1).all()
    assert (run["vegf_free"] <= run["vegf_total"] + 1e-12).all()


# --------------------------------------------------------------------------- evidence
def test_perfusion_table_has_table_2_values():
    perf = m.perfusion_table()
    ktrans = perf[perf["item"] == "Ktrans"].set_index("arm_id")
    assert ktrans.loc["tace", "mean"] == pytest.approx(0.34)
    assert ktrans.loc["tace_bev", "mean"] == pytest.approx(0.21)
    assert set(perf["unit"]) == {"min^-1", "mL/100 g/min", "%"}
    assert (perf["spread_kind"] == "SE").all()


def test_biomarker_changes_and_sessions():
    changes = m.biomarker_change_table().set_index("item")
    assert changes.loc["VEGF", "change_pct"] == pytest.approx(-43.2)
    assert changes.loc["SDF-1", "change_pct"] == pytest.approx(-30.7)
    sessions = m.tace_sessions_table().set_index("arm_id")
    assert sessions.loc["tace", "value"] == pytest.approx(3.4)
    assert sessions.loc["tace_bev", "value"] == pytest.approx(2.1)


def test_evidence_tables_are_empty_for_a_trial_without_such_rows():
    assert m.perfusion_table(trial_id="emerald1").empty
    assert m.biomarker_change_table(trial_id="emerald1").empty


def test_relative_reduction_reproduces_the_discussion():
    assert m.relative_reduction(0.34, 0.21) == pytest.approx(38.2, abs=0.05)
    assert m.relative_reduction(167.45, 103.67) == pytest.approx(38.1, abs=0.05)
    assert m.relative_reduction(2, 3) == pytest.approx(-50)
    with pytest.raises(ValueError, match="control"):
        m.relative_reduction(0, 1)
    with pytest.raises(ValueError, match="treated"):
        m.relative_reduction(1, math.nan)


def test_solution_passes_the_check(capsys):
    from pathlib import Path

    from hcckit import checks

    source = (
        Path(__file__).resolve().parents[1] / "notebooks/solutions/01_tace_mechanisms_relative_reduction.py"
    )
    namespace = {"checks": checks}
    exec(compile(source.read_text(encoding="utf-8"), str(source), "exec"), namespace)
    assert "✓ relative_reduction" in capsys.readouterr().out
    assert checks.relative_reduction(namespace["relative_reduction"])


def test_check_reports_unfinished_and_wrong_answers(capsys):
    from hcckit import checks

    def stub(control, treated):
        raise NotImplementedError

    assert not checks.relative_reduction(stub)
    assert "not done yet" in capsys.readouterr().out
    assert not checks.relative_reduction(lambda c, t: 100 * (t - c) / c)  # sign flipped
    assert not checks.relative_reduction(lambda c, t: (c - t) / c)  # a fraction, not %
