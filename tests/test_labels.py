"""The label vocabulary: every id the data holds has a people-facing name, never the raw id."""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest

from hcckit import data, labels

# id columns of the curated tables and the kind of label each needs
CURATED = [
    ("trials", "design", "design"),
    ("trials", "modality", "modality"),
    ("trials", "stage_system", "stage_system"),
    ("arms", "arterial", "modality"),
    ("arms", "systemic_class", "systemic_class"),
    ("arms", "role", "role"),
    ("outcomes", "endpoint", "endpoint"),
    ("outcomes", "criterion", "criterion"),
    ("outcomes", "statistic", "statistic"),
    ("outcomes", "qualifier", "qualifier"),
    ("outcomes", "spread_kind", "spread_kind"),
    ("outcomes", "ci_sided", "ci_sided"),
    ("effects", "endpoint", "endpoint"),
    ("effects", "criterion", "criterion"),
    ("effects", "measure", "measure"),
    ("adverse_events", "event_class", "event_class"),
    ("adverse_events", "grade", "grade"),
    ("at_risk", "endpoint", "endpoint"),
    ("baseline", "characteristic", "characteristic"),
    ("baseline", "statistic", "statistic"),
    ("baseline", "spread_kind", "spread_kind"),
]


def _values(table: str, column: str) -> set[str]:
    values = data.load(table)[column].dropna().astype(str)
    if column in ("systemic_class", "modality", "arterial"):
        values = values.str.split(";").explode()
    return set(values)


def _vocab_values(kind: str) -> set[str]:
    return set(labels.vocabulary().query("kind == @kind")["value"])


@pytest.mark.parametrize(("table", "column", "kind"), CURATED)
def test_every_curated_id_has_its_own_label(table, column, kind):
    values = _values(table, column)
    assert values, (table, column)
    missing = sorted(values - _vocab_values(kind))
    assert not missing, f"{table}.{column}: no label for {missing}"
    for value in values:
        text = labels.label(kind, value)
        assert text and "_" not in text, (value, text)


def test_issue_examples_read_as_names():
    assert labels.label("design", "indirect_comparison") == "Indirect comparison"
    assert labels.label("design", "single_arm") == "Single-arm trial"
    assert labels.label("endpoint", "median_OS") == "Median OS"
    assert labels.label("check", "hr_ci") == "Hazard ratio vs its CI"
    assert labels.label("response", "CR", long=True) == "Complete response (CR)"
    assert labels.label("response", "CR") == "CR"
    assert labels.label("grade", ">=3") == "Grade ≥ 3"
    assert labels.label("grade", 3) == "Grade 3"  # a grade read as a number


def test_every_audit_check_and_severity_has_a_label():
    from hcckit import appraisal

    assert set(appraisal.CHECKS) <= _vocab_values("check")
    assert set(appraisal.SEVERITIES) <= _vocab_values("severity")
    for check in appraisal.CHECKS:
        assert labels.label("check", check) != check


def test_every_response_category_has_a_label():
    from hcckit import response

    assert set(response.RESPONSES) <= _vocab_values("response")
    assert labels.label("response", "non-CR/non-PD") == "Non-CR/non-PD"


def test_arms_and_trials_use_the_curated_names_not_a_copy():
    arms = data.load("arms")
    for row in arms.itertuples():
        assert labels.arm(row.trial_id, row.arm_id) == row.label
        assert labels.arm(row.trial_id, row.arm_id) != row.arm_id
    trials = data.load("trials")
    for row in trials.itertuples():
        assert labels.trial(row.trial_id) == row.name
    # the vocabulary file does not duplicate them
    assert not {"arm", "trial"} & set(labels.vocabulary()["kind"])


def test_issue_arm_ids_read_as_names():
    arms = data.load("arms").set_index(["trial_id", "arm_id"])["label"]
    for key in [("emerald1", "dbt"), ("emerald1", "dt"), ("yan2025_tace_bev", "tace_bev")]:
        assert labels.arm(*key) == arms[key]
    lenv = [k for k in arms.index if k[1] == "haic_lenv_pd1"]
    assert lenv and labels.arm(*lenv[0]) == arms[lenv[0]]


def test_unknown_values_fall_back_readably():
    assert labels.label("endpoint", "median_time_to_x") == "Median time to x"
    assert labels.arm("no_such_trial", "some_new_arm") == "Some new arm"
    assert labels.trial("no_such_trial") == "No such trial"
    # an arm id that means one thing in every trial is found without its trial
    arms = data.load("arms")
    unique = arms.groupby("arm_id")["label"].nunique()
    arm_id = unique[unique == 1].index[0]
    assert labels.arm(None, arm_id) == arms.loc[arms["arm_id"] == arm_id, "label"].iloc[0]


def test_missing_values_and_year_read_not_reported():
    for missing in (None, float("nan"), pd.NA, "", "n/r"):
        assert labels.label("year", missing) == "not reported"
        assert labels.label("design", missing) == "not reported"
    assert labels.label("year", 2021.0) == "2021"
    assert labels.arm("emerald1", None) == "not reported"


def test_labels_are_idempotent():
    label = data.load("arms").query("trial_id == 'emerald1' and arm_id == 'dbt'")["label"].iloc[0]
    assert labels.arm(None, label) == label
    assert labels.label("design", "Single-arm trial") == "Single-arm trial"
    assert labels.label("criterion", "RECIST 1.1") == "RECIST 1.1"
    assert labels.trial("EMERALD-1") == "EMERALD-1"


def test_multi_valued_cells():
    assert labels.label("modality", "TAE;TACE") == "TAE, TACE"
    assert labels.label("systemic_class", "TKI;PD-(L)1") == "TKI, PD-(L)1 inhibitor"


def test_bad_kind_is_a_clear_error():
    with pytest.raises(ValueError, match="kind: unknown kind 'desing'"):
        labels.label("desing", "rct")
    with pytest.raises(TypeError, match="kind"):
        labels.label(3, "rct")
    with pytest.raises(ValueError, match=r"labels\.arm"):
        labels.label("arm", "tace")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("reported_ci_low", "Reported CI, lower (%)"),
        ("ci_low_pct", "CI lower (%)"),
        ("pct_change_baseline", "Change from baseline (%)"),
        ("sum_ld_mm", "Sum of diameters (mm)"),
        ("n", "Patients (n)"),
        ("p_value", "P"),
        ("trial_id", "Study"),
        ("arm_id", "Arm"),
        ("time_months", "Time (months)"),
        # not in the vocabulary: built from the name
        ("tumour_volume_mm", "Tumour volume (mm)"),
        ("n_deaths", "Deaths (n)"),
        ("follow_up_weeks", "Follow up (weeks)"),
        ("pooled_hr_ci_low", "Pooled HR CI low"),
    ],
)
def test_column_headers_in_words_with_units(name, expected):
    assert labels.column(name) == expected


def test_every_column_lessons_show_has_a_vocabulary_header():
    shown = [
        "criterion",
        "endpoint",
        "count",
        "n",
        "reported_pct",
        "reported_ci_low",
        "reported_ci_high",
        "ci_level",
        "ci_sided",
        "ci_low_pct",
        "ci_high_pct",
        "day",
        "response",
        "sum",
        "unit",
        "pct_change_baseline",
        "reason",
        "label",
        "hr",
        "printed_ci",
        "se_log_hr",
        "study",
        "arm_id",
        "what",
        "check",
        "reported",
        "recomputed",
        "severity",
        "findings",
        "patient",
        "lesion",
        "kind",
        "organ",
        "ld_mm",
        "viable_ld_mm",
        "perp_mm",
        "viable_perp_mm",
        "status",
        "synthetic",
        "percent",
        "level",
        "sided",
        "parameter",
        "value",
        "meaning",
        "behaviour",
        "time",
        "event",
        "published",
        "model",
        "difference",
    ]
    known = _vocab_values("column")
    assert not [c for c in shown if c not in known]


def test_relabel_maps_id_columns_and_returns_a_copy():
    frame = pd.DataFrame(
        {
            "trial_id": ["emerald1", "emerald1"],
            "arm_id": ["dbt", "dt"],
            "comparator_arm_id": ["tace", "tace"],
            "design": ["rct", None],
            "endpoint": ["median_OS", "PFS_rate"],
            "year": [2024, float("nan")],
            "value": [1.5, 2.5],
        }
    )
    out = labels.relabel(frame)
    arms = data.load("arms").set_index(["trial_id", "arm_id"])["label"]
    assert list(out["trial_id"]) == [labels.trial("emerald1")] * 2
    assert list(out["arm_id"]) == [arms[("emerald1", "dbt")], arms[("emerald1", "dt")]]
    assert list(out["comparator_arm_id"]) == [arms[("emerald1", "tace")]] * 2
    assert list(out["design"]) == ["RCT", "not reported"]
    assert list(out["endpoint"]) == ["Median OS", "PFS rate"]
    assert list(out["year"]) == ["2024", "not reported"]
    assert list(out["value"]) == [1.5, 2.5]
    assert frame.loc[0, "arm_id"] == "dbt"  # the input is untouched
    only = labels.relabel(frame, columns=["design"])
    assert only.loc[0, "arm_id"] == "dbt" and only.loc[0, "design"] == "RCT"
    custom = labels.relabel(
        frame.rename(columns={"design": "study_design"}), columns={"study_design": "design"}
    )
    assert custom.loc[0, "study_design"] == "RCT"


def test_relabel_errors_name_the_column():
    frame = pd.DataFrame({"design": ["rct"]})
    with pytest.raises(ValueError, match="'colour'"):
        labels.relabel(frame, columns=["colour"])
    with pytest.raises(ValueError, match="'endpoint' is not a column"):
        labels.relabel(frame, columns=["endpoint"])
    with pytest.raises(TypeError, match="df"):
        labels.relabel([1, 2])


def test_labels_csv_is_well_formed():
    path = data.data_dir() / "labels.csv"
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and set(rows[0]) >= {"kind", "value", "label"}
    keys = [(r["kind"], r["value"]) for r in rows]
    assert len(keys) == len(set(keys))
    for r in rows:
        assert r["kind"] in labels.KINDS, r
        assert r["label"].strip() == r["label"] and r["label"], r
        # a people-facing name never looks like a snake_case id
        assert not re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", r["label"]), r


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, hcckit.labels as l; l.label('design', 'rct'); l.arm('emerald1', 'dbt'); print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
