"""The curated tables: loader, schema failures on broken copies, provenance spot-checks."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from hcckit import data

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO.parent / "shared" / "sources"


# --------------------------------------------------------------------------- loader


def test_all_seven_tables_load_with_required_columns():
    required = {
        "trials": [
            "trial_id",
            "name",
            "citation",
            "doi",
            "registry",
            "design",
            "phase",
            "country",
            "population",
            "source",
        ],
        "arms": ["trial_id", "arm_id", "label", "regimen", "n", "n_evaluable"],
        "outcomes": [
            "trial_id",
            "arm_id",
            "endpoint",
            "criterion",
            "time_months",
            "count",
            "n",
            "value",
            "unit",
            "ci_low",
            "ci_high",
            "ci_level",
            "source_location",
            "note",
        ],
        "effects": [
            "trial_id",
            "arm_id",
            "comparator_arm_id",
            "endpoint",
            "measure",
            "value",
            "ci_low",
            "ci_high",
            "ci_level",
            "p_value",
            "source_location",
            "note",
        ],
        "adverse_events": ["trial_id", "arm_id", "event", "grade", "count", "n", "source_location"],
        "at_risk": ["trial_id", "arm_id", "endpoint", "time_months", "n_at_risk"],
        "baseline": ["trial_id", "arm_id", "characteristic", "source_location"],
    }
    for name, columns in required.items():
        frame = data.load(name)
        assert isinstance(frame, pd.DataFrame)
        assert len(frame) > 0, name
        missing = set(columns) - set(frame.columns)
        assert not missing, f"{name} lacks {missing}"


def test_sizes_meet_the_issue():
    assert data.load("trials")["trial_id"].nunique() >= 21
    assert len(data.load("arms")) >= 45


def test_every_row_has_a_source_location():
    for name in data.TABLE_NAMES:
        frame = data.load(name)
        assert frame["source_location"].notna().all(), name
        assert (frame["source_location"].str.strip() != "").all(), name


def test_load_returns_a_copy():
    frame = data.load("trials")
    frame.loc[0, "name"] = "changed"
    assert data.load("trials").loc[0, "name"] != "changed"


def test_unknown_table_name_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown table 'trial'.*trials"):
        data.load("trial")
    with pytest.raises(TypeError, match="name"):
        data.load(3)


def test_every_issue_listed_study_is_curated():
    names = set(data.load("trials")["name"])
    for expected in [
        "TACTICS",
        "STAH",
        "LAUNCH",
        "CHANCE001",
        "CHANCE2211",
        "CHANCE2201",
        "EMERALD-1",
        "FOHAIC-1",
    ]:
        assert expected in names
    ids = set(data.load("trials")["trial_id"])
    for expected in [
        "yan2025_tace_bev",
        "chictr2100049829_tace_atezo_bev",
        "zhang2021_beva_tace",
        "chictr2200056222_debtace_tqb_anlo",
        "yuan2023_pa_tace_ici",
        "yuan2023_tace_haic_tki_pd1",
        "deng2023_haic_vs_tace",
        "li2022_haic_vs_tace",
        "zheng2022_haic_sorafenib",
        "fu2023_haic_lenv_pd1",
        "an2023_haic_lenv_pd1",
        "meyer2013_tae_vs_stace",
        "guo2023_tae_inkt",
        "hur2023_tare_vs_tki",
        "agirrezabal2024_tare_vs_atezobev",
        "soramic",
    ]:
        assert expected in ids


def test_review_trials_cite_the_review_and_primary_trials_their_paper():
    trials = data.load("trials").set_index("trial_id")
    assert trials.loc["emerald1", "source_doi"] == "10.20517/2394-5079.2024.103"
    assert trials.loc["yan2025_tace_bev", "doi"] == "10.1016/j.aohep.2025.102106"
    assert trials.loc["zhang2021_beva_tace", "registry"] == "ChiCTR-OPC-15006859"
    assert trials.loc["chictr2200056222_debtace_tqb_anlo", "registry"] == "ChiCTR2200056222"


def test_discrepancies_are_listed():
    table = data.discrepancies()
    assert len(table) >= 20
    assert {"trials", "outcomes", "effects", "adverse_events", "at_risk", "baseline"} <= set(table["table"])


# --------------------------------------------------------------------------- spot checks against the sources


def _one(frame, **where):
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    rows = frame[mask]
    assert len(rows) == 1, f"{where}: {len(rows)} rows"
    return rows.iloc[0]


def test_spot_checks_primary_studies():
    out = data.load("outcomes")
    r = _one(out, trial_id="yan2025_tace_bev", arm_id="tace_bev", endpoint="PR")
    assert (r["count"], r["n"], r["value"]) == (16, 58, 27.6)
    r = _one(out, trial_id="chictr2100049829_tace_atezo_bev", endpoint="ORR", criterion="RECIST 1.1")
    assert (r["count"], r["n"], r["value"], r["ci_low"], r["ci_level"], r["ci_sided"]) == (
        21,
        45,
        47,
        36,
        0.90,
        "one_lower",
    )
    r = _one(out, trial_id="chictr2100049829_tace_atezo_bev", endpoint="ORR", criterion="mRECIST")
    assert (r["count"], r["value"]) == (30, 67)
    rates = out[(out.trial_id == "chictr2100049829_tace_atezo_bev") & (out.endpoint == "PFS_rate")]
    assert rates.sort_values("time_months")["value"].tolist() == [73.3, 38.5, 23.7]
    r = _one(out, trial_id="chictr2200056222_debtace_tqb_anlo", endpoint="ORR")
    assert (r["count"], r["n"], r["value"]) == (20, 31, 54.5)  # as printed, with the discrepancy noted
    assert "DISCREPANCY" in r["note"]
    r = _one(out, trial_id="zhang2021_beva_tace", endpoint="median_OS")
    assert (r["value"], r["ci_low"], r["ci_high"]) == (9.2, 2.1, 22.6)


def test_spot_checks_effects_and_at_risk():
    eff = data.load("effects")
    r = _one(eff, trial_id="yan2025_tace_bev", endpoint="PFS", measure="HR")
    assert (r["value"], r["ci_low"], r["ci_high"], r["p_value"]) == (0.58, 0.37, 0.91, 0.018)
    r = _one(eff, trial_id="stah", endpoint="OS")
    assert (r["value"], r["ci_level"]) == (0.91, 0.90)
    li = eff[(eff.trial_id == "li2022_haic_vs_tace") & (eff.endpoint == "PFS")]
    assert sorted(li["value"]) == [0.45, 0.57] and li["preferred"].sum() == 1
    risk = data.load("at_risk")
    os0 = _one(risk, trial_id="chictr2200056222_debtace_tqb_anlo", endpoint="OS", time_months=0.0)
    assert os0["n_at_risk"] == 27
    arms = data.load("arms").set_index(["trial_id", "arm_id"])
    assert [arms.loc[("emerald1", a), "n"] for a in ("dbt", "dt", "tace")] == [204, 207, 205]


def test_spot_checks_adverse_events_and_baseline():
    ae = data.load("adverse_events")
    r = _one(ae, trial_id="yan2025_tace_bev", arm_id="tace_bev", event="proteinuria", grade="any")
    assert (r["count"], r["n"]) == (4, 60)
    r = _one(ae, trial_id="chictr2200056222_debtace_tqb_anlo", event="decreased platelet count", grade=">=3")
    assert (r["count"], r["percent_reported"]) == (5, 16.1)
    base = data.load("baseline")
    r = _one(base, trial_id="zhang2021_beva_tace", characteristic="ecog", category="3")
    assert r["count"] == 5 and "DISCREPANCY" in r["note"]


def _raw_rows(name: str) -> list[dict]:
    """The rows of a curated table as printed (text, "" when empty)."""
    return data.load(name, as_printed=True).to_dict("records")


def test_load_as_printed_keeps_the_printed_text():
    printed = data.load("outcomes", as_printed=True)
    loaded = data.load("outcomes")
    assert printed.shape == loaded.shape and list(printed.columns) == list(loaded.columns)
    assert all(isinstance(v, str) for col in printed.columns for v in printed[col])
    assert (printed["trial_id"].to_numpy() == loaded["trial_id"].astype(str).to_numpy()).all()
    with open(data.data_dir() / "outcomes.csv", newline="", encoding="utf-8") as f:
        raw = list(csv.DictReader(f))
    assert printed.to_dict("records") == raw  # the CSV text, cell for cell ("41.0" keeps its decimal)
    assert "41.0" in set(printed["value"]) and 41.0 in set(loaded["value"])
    printed.loc[0, "value"] = "changed"
    assert data.load("outcomes", as_printed=True).loc[0, "value"] != "changed"  # a fresh copy
    with pytest.raises(TypeError, match="as_printed"):
        data.load("outcomes", as_printed="yes")


def _source_text_for(trial: dict) -> str | None:
    files = {
        "10.1016/j.aohep.2025.102106": "000_15453d64e405dd40.txt",
        "ChiCTR2100049829": "001_8e30a1826d848db0.txt",
        "10.21037/apm-21-2123": "002_1ab6d1b1dc41aaeb.txt",
        "ChiCTR2200056222": "004_b1386e1dfeb41a3d.txt",
        "10.20517/2394-5079.2024.103": "003_b391fb33c0e4a192.txt",
    }
    for key in (trial["source_doi"], trial["doi"], trial["registry"]):
        if key in files:
            return (SOURCES / files[key]).read_text(encoding="utf-8")
    return None


@pytest.mark.skipif(not SOURCES.is_dir(), reason="shared/sources not beside the repository")
@pytest.mark.parametrize("table", ["outcomes", "effects", "adverse_events", "at_risk"])
def test_every_printed_number_occurs_in_its_source(table):
    """Provenance: each value/CI/p as typed in the CSV appears verbatim in the source document."""
    trials = {t["trial_id"]: t for t in _raw_rows("trials")}
    columns = {
        "outcomes": ["value", "value_max", "ci_low", "ci_high", "count"],
        "effects": ["value", "ci_low", "ci_high", "p_value"],
        "adverse_events": ["count", "percent_reported"],
        "at_risk": ["n_at_risk"],
    }[table]
    missing = []
    for line, row in enumerate(_raw_rows(table), start=2):
        text = _source_text_for(trials[row["trial_id"]])
        assert text is not None, row["trial_id"]
        for column in columns:
            printed = row[column].lstrip("-")  # reductions are typed as negative changes
            if printed and printed not in text:
                missing.append(f"{table}.csv line {line} {column}={printed}")
    assert not missing, missing


# --------------------------------------------------------------------------- broken copies


@pytest.fixture()
def copy_dir(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(data.data_dir(), target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _edit(folder: Path, name: str, fn) -> None:
    path = folder / f"{name}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = fn(frame)
    frame.to_csv(path, index=False)


def _expect(folder: Path, *fragments: str) -> None:
    with pytest.raises(data.DataValidationError) as info:
        data.validate(folder)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"


def _set(row: int, column: str, value: str):
    def fn(frame):
        frame.loc[row, column] = value
        return frame

    return fn


BREAKAGES = {
    "non-numeric value": (
        "outcomes",
        _set(3, "value", "12,5"),
        ["outcomes.csv", "line 5", "'value'", "cannot be read as"],
    ),
    "percentage above 100": ("outcomes", _set(0, "value", "120"), ["outcomes.csv", "line 2", "0-100"]),
    "count above n": ("outcomes", _set(1, "count", "99"), ["outcomes.csv", "line 3", "count must be <= n"]),
    "ci_low above ci_high": (
        "effects",
        _set(0, "ci_low", "0.95"),
        ["effects.csv", "line 2", "ci_low must be <= ci_high"],
    ),
    "unknown design": (
        "trials",
        _set(0, "design", "RCT"),
        ["trials.csv", "line 2", "'design'", "must be one of"],
    ),
    "unknown criterion": (
        "outcomes",
        _set(0, "criterion", "RECIST1.1"),
        ["outcomes.csv", "line 2", "'criterion'"],
    ),
    "arm of an unknown trial": (
        "arms",
        _set(0, "trial_id", "no_such_trial"),
        ["arms.csv", "line 2", "must exist in the parent"],
    ),
    "outcome of an unknown arm": (
        "outcomes",
        _set(0, "arm_id", "ghost_arm"),
        ["outcomes.csv", "line 2", "must exist in the parent"],
    ),
    "empty source location": (
        "adverse_events",
        _set(4, "source_location", ""),
        ["adverse_events.csv", "line 6", "'source_location'", "empty but required"],
    ),
    "negative count": (
        "adverse_events",
        _set(0, "count", "-1"),
        ["adverse_events.csv", "line 2", "count >= 0"],
    ),
    "hazard ratio of zero": ("effects", _set(0, "value", "0"), ["effects.csv", "line 2", "must be > 0"]),
    "p-value above 1": ("effects", _set(0, "p_value", "1.8"), ["effects.csv", "line 2", "'p_value'"]),
    "malformed DOI": ("trials", _set(0, "doi", "doi:10.1016/x"), ["trials.csv", "line 2", "'doi'"]),
    "landmark rate without time": ("outcomes", None, ["outcomes.csv", "landmark rates need time_months"]),
    "duplicate trial id": (
        "trials",
        _set(1, "trial_id", "yan2025_tace_bev"),
        ["trials.csv", "duplicate key"],
    ),
    "unexpected column": (
        "arms",
        lambda f: f.assign(n_randomised="1"),
        ["arms.csv", "'n_randomised'", "unexpected column"],
    ),
    "missing column": (
        "at_risk",
        lambda f: f.drop(columns=["n_at_risk"]),
        ["at_risk.csv", "'n_at_risk'", "required column is missing"],
    ),
    "increasing nothing: duplicate at-risk key": (
        "at_risk",
        lambda f: pd.concat([f, f.iloc[[0]]], ignore_index=True),
        ["at_risk.csv", "duplicate key"],
    ),
}


def _landmark_without_time(frame):
    idx = frame.index[frame["endpoint"] == "PFS_rate"][0]
    frame.loc[idx, "time_months"] = ""
    return frame


@pytest.mark.parametrize("kind", sorted(BREAKAGES))
def test_broken_copy_fails_with_file_line_column_and_problem(copy_dir, kind):
    table, fn, fragments = BREAKAGES[kind]
    _edit(copy_dir, table, fn or _landmark_without_time)
    _expect(copy_dir, *fragments)


def test_missing_file(copy_dir):
    (copy_dir / "effects.csv").unlink()
    _expect(copy_dir, "effects.csv", "file is missing")


def test_unreadable_csv(copy_dir):
    path = copy_dir / "trials.csv"
    path.write_bytes(path.read_bytes() + b'\nbroken,"unterminated\n')
    with pytest.raises(data.DataValidationError, match="trials.csv"):
        data.validate(copy_dir)


def test_intact_copy_validates(copy_dir):
    sizes = data.validate(copy_dir)
    assert sizes["trials"] == len(data.load("trials"))


def test_cli_validate_reports_ok_and_errors(copy_dir, capsys):
    from hcckit.cli import main

    assert main(["validate"]) == 0
    assert "trials" in capsys.readouterr().out
    _edit(copy_dir, "arms", _set(0, "n", "many"))
    assert main(["validate", str(copy_dir)]) == 1
    err = capsys.readouterr().err
    assert "arms.csv" in err and "line 2" in err and "'n'" in err


# --------------------------------------------------------------------------- packaging


@pytest.mark.slow
def test_data_ships_inside_the_wheel(tmp_path):
    """Build a wheel and import hcckit from it (not from the repository): the data must be there."""
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheel_dir), str(REPO)],
        check=True,
    )
    (wheel,) = wheel_dir.glob("hcckit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "hcckit/_data/trials.csv" in names and "hcckit/_data/README.md" in names
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    code = (
        "import hcckit, hcckit.data as d; "
        f"assert hcckit.__file__.startswith({str(unpacked)!r}), hcckit.__file__; "
        f"assert str(d.data_dir()).startswith({str(unpacked)!r}); "
        "print(len(d.load('trials')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(unpacked)},
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip()) == len(data.load("trials"))


def test_import_hcckit_is_light():
    code = "import sys, hcckit; heavy = [m for m in ('pandas', 'altair', 'lifelines', 'scipy', 'ipywidgets') if m in sys.modules]; print(heavy)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
