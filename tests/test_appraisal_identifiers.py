"""Registry numbers: fixed formats, registration year, nothing unknown passed silently (issue 16)."""

from __future__ import annotations

import pandas as pd
import pytest

from hcckit import data
from hcckit.appraisal import identifiers as ids


def only(findings):
    (f,) = findings
    return f


@pytest.mark.parametrize(
    "good",
    ["NCT03905967", "ChiCTR2100049829", "ChiCTR-OPC-15006859", "ISRCTN12345678", "2015-001234-56",
     "UMIN000012345", "ACTRN12615000123456", "DRKS00012345"],
)  # fmt: skip
def test_well_formed_numbers_pass(good):
    assert only(ids.check_registry_id(good)).severity == "pass"


@pytest.mark.parametrize(
    "bad",
    ["NCT0390596", "NCT039059671", "ChiCTR210004982", "ChiCTR-OPC-1500685", "ChiCTR-opc-15006859",
     "ISRCTN1234567", "UMIN00001234", "ACTRN1261500012345", "DRKS0001234"],
)  # fmt: skip
def test_one_digit_off_is_an_error(bad):
    f = only(ids.check_registry_id(bad))
    assert f.severity == "error" and "not a well-formed" in f.message


def test_chictr_registered_after_publication_is_an_error_and_the_same_year_is_not():
    assert only(ids.check_registry_id("ChiCTR2100049829", year=2020)).severity == "error"
    assert only(ids.check_registry_id("ChiCTR2100049829", year=2021)).severity == "pass"
    assert only(ids.check_registry_id("ChiCTR-OPC-15006859", year=2014)).severity == "error"


def test_unknown_registry_is_not_checkable_not_passed():
    f = only(ids.check_registry_id("jRCT2031200012"))
    assert f.severity == "info" and f.message.startswith("Not checkable")


def test_bad_input_names_the_field():
    with pytest.raises(ValueError, match="^identifier:"):
        ids.check_registry_id("")
    with pytest.raises(ValueError, match="^year:"):
        ids.check_registry_id("NCT03905967", year="2021")


def test_numbers_in_free_text_include_near_misses():
    text = "cites NCT05185531 as a trial; see also NCT0518553 and ChiCTR2100049829."
    assert ids.registry_ids_in(text) == ["NCT05185531", "NCT0518553", "ChiCTR2100049829"]
    assert [only(ids.check_registry_id(t)).severity for t in ids.registry_ids_in(text)] == [
        "pass",
        "error",
        "pass",
    ]


def test_every_curated_registry_number_is_well_formed():
    trials = data.load("trials")
    for row in trials.itertuples(index=False):
        year = None if pd.isna(row.year) else int(row.year)
        registry = row.registry if isinstance(row.registry, str) else None
        numbers = ([registry] if registry else []) + ids.registry_ids_in(row.note)
        for number in numbers:
            f = only(ids.check_registry_id(number, year=year if number == registry else None))
            assert f.severity == "pass", (row.trial_id, number, f.message)
