"""A row lookup and constants shared by the evidence test modules (their fixtures ``table`` and
``forest_all`` are in tests/conftest.py)."""

from __future__ import annotations

#: z for a two-sided 95 % and 90 % interval, written out (the tests check hcckit's own z against them)
Z95, Z90 = 1.959963984540054, 1.6448536269514722


def forest_row(forest, study, endpoint, startswith=""):
    """The one forest row of ``study`` and ``endpoint`` (comparison starting with ``startswith``)."""
    rows = forest[(forest["study_short"] == study) & (forest["endpoint"] == endpoint)]
    rows = rows[rows["comparison"].str.startswith(startswith)]
    assert len(rows) == 1, (study, endpoint, len(rows))
    return rows.iloc[0]
