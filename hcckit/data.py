"""Curated trial tables: load them by name, validated, with provenance.

>>> from hcckit import data
>>> data.load("trials").shape[0] >= 21
True

Tables (documented column by column, with units, in ``data/README.md``):

``trials``          one row per study: name, citation, DOI, registry, design, phase, country,
                    population, arterial modality, and the publication the numbers come from
``arms``            one row per arm: label, regimen, arterial modality, systemic agents and their
                    classes, role (experimental/control/single), n and n evaluable (patients)
``outcomes``        one row per reported number: response rates (%), medians (months), landmark
                    rates (%), with counts, denominators, CIs and the table/section it came from
``effects``         between-arm comparisons: HR/aHR with CI and level, reported p-values
``adverse_events``  AE counts per arm, event and grade
``at_risk``         numbers at risk printed under Kaplan-Meier curves (months, patients)
``baseline``        baseline characteristics per arm

All values are typed from the publications (none is simulated). Where a source contradicts
itself the printed value is kept and ``note`` starts with ``DISCREPANCY:``;
:func:`discrepancies` lists them all.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = ["TABLE_NAMES", "DataValidationError", "load", "validate", "discrepancies", "data_dir"]

TABLE_NAMES = ("trials", "arms", "outcomes", "effects", "adverse_events", "at_risk", "baseline")


@dataclass(frozen=True)
class Problem:
    """One failing cell or row: file, CSV line number (header = line 1), column, message, value."""

    file: str
    line: int | None
    column: str | None
    problem: str
    value: object = None

    def __str__(self) -> str:
        where = f"{self.file}"
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        value = "" if self.value is None else f" (value: {self.value!r})"
        return f"{where}: {self.problem}{value}"


class DataValidationError(ValueError):
    """A curated table failed its schema; ``problems`` lists every failing cell or row."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n  ".join(str(p) for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the curated data:\n  {shown}{more}")


def data_dir() -> Path:
    """Folder of the packaged CSV files (works for editable, wheel and Binder installs)."""
    return Path(str(resources.files("hcckit._data")))


def _read_csv(path: Path):
    import pandas as pd

    if not path.is_file():
        raise DataValidationError([Problem(path.name, None, None, "file is missing")])
    try:
        # everything as text first: the schema coerces and reports cells it cannot convert
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataValidationError(
            [Problem(path.name, None, None, f"not a readable CSV file: {exc}")]
        ) from exc


def _problems_from(exc, file: str) -> list[Problem]:
    cases = exc.failure_cases
    problems = []
    for row in cases.itertuples(index=False):
        index = getattr(row, "index", None)
        line = None if index is None or index != index else int(index) + 2  # header is line 1
        column = getattr(row, "column", None)
        column = None if column is None or column != column or column == "" else str(column)
        check = str(getattr(row, "check", ""))
        value = getattr(row, "failure_case", None)
        if check.startswith("column_in_dataframe"):
            problem, value, column = "required column is missing", None, str(value)
        elif check.startswith("column_in_schema"):
            problem, value, column = "unexpected column (not in the schema)", None, str(value)
        elif check.startswith("coerce_dtype") or check.startswith("dtype"):
            problem = f"cannot be read as {check.split('(')[-1].rstrip(')')}"
        elif check == "not_nullable":
            problem, value = "is empty but required", None
        elif check.startswith("field_uniqueness") or check.startswith("multiple_fields_uniqueness"):
            problem = "duplicate key"
        else:
            problem = check
        if (
            column is None
            and getattr(row, "schema_context", "") == "DataFrameSchema"
            and value is not None
            and problem == check
        ):
            value = None  # row-level rule: the failure case is the whole row's boolean
        problems.append(Problem(file, line, column, problem, value))
    unique = list(dict.fromkeys(problems))  # coerce_dtype and dtype report the same cell twice
    unique.sort(key=lambda p: (p.line or 0, p.column or ""))
    return unique


def _validate_frame(name: str, frame, parents: dict, file: str):
    import pandera.errors

    from hcckit.schema import schema_for

    try:
        frame = schema_for(name, parents).validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        raise DataValidationError(_problems_from(exc, file)) from None
    if "preferred" in frame:
        frame["preferred"] = frame["preferred"] == "True"
    return frame


def _parents(tables: dict) -> dict:
    parents = {}
    if "trials" in tables:
        parents["trial_ids"] = {(t,) for t in tables["trials"]["trial_id"].astype(str)}
    if "arms" in tables:
        arms = tables["arms"]
        parents["arm_keys"] = set(zip(arms["trial_id"].astype(str), arms["arm_id"].astype(str), strict=False))
    return parents


@functools.lru_cache(maxsize=8)
def _load_all(directory: str) -> dict:
    folder = Path(directory)
    tables: dict = {}
    for name in TABLE_NAMES:
        file = f"{name}.csv"
        frame = _read_csv(folder / file)
        tables[name] = _validate_frame(name, frame, _parents(tables), file)
    return tables


def load(name: str, *, directory: str | Path | None = None):
    """Return the curated table ``name`` as a validated :class:`pandas.DataFrame` (a fresh copy).

    Parameters
    ----------
    name : one of ``trials``, ``arms``, ``outcomes``, ``effects``, ``adverse_events``,
        ``at_risk``, ``baseline``.
    directory : folder holding the seven CSV files; default: the data shipped with hcckit.

    Raises
    ------
    ValueError
        for an unknown table name.
    DataValidationError
        if any table fails its schema; the message names the file, line, column and problem.
    """
    if not isinstance(name, str):
        raise TypeError(f"name: expected a table name (str), got {type(name).__name__}")
    if name not in TABLE_NAMES:
        raise ValueError(f"name: unknown table {name!r}; choose from {', '.join(TABLE_NAMES)}")
    folder = Path(directory) if directory is not None else data_dir()
    return _load_all(str(folder.resolve()))[name].copy()


def validate(directory: str | Path | None = None) -> dict[str, int]:
    """Validate all seven tables (default: the shipped data); return ``{table: rows}``.

    Raises :class:`DataValidationError` listing every problem of the first failing table.
    """
    folder = Path(directory) if directory is not None else data_dir()
    _load_all.cache_clear()
    tables = _load_all(str(folder.resolve()))
    return {name: len(frame) for name, frame in tables.items()}


def discrepancies(*, directory: str | Path | None = None):
    """All rows whose ``note`` records a source discrepancy, as one DataFrame.

    Columns: ``table``, ``trial_id``, ``arm_id``, ``what`` (endpoint/event/characteristic),
    ``source_location``, ``note``.
    """
    import pandas as pd

    rows = []
    for name in TABLE_NAMES:
        frame = load(name, directory=directory)
        mask = frame["note"].fillna("").str.contains("DISCREPANCY")
        for _, r in frame[mask].iterrows():
            what = next(
                (
                    str(r[c])
                    for c in ("endpoint", "event", "characteristic", "name")
                    if c in r and pd.notna(r[c])
                ),
                "",
            )
            item = r.get("item")
            if isinstance(item, str) and item:
                what = f"{what} ({item})"
            rows.append(
                {
                    "table": name,
                    "trial_id": r["trial_id"],
                    "arm_id": r.get("arm_id", "") if pd.notna(r.get("arm_id", "")) else "",
                    "what": what,
                    "source_location": r["source_location"],
                    "note": r["note"],
                }
            )
    return pd.DataFrame(rows, columns=["table", "trial_id", "arm_id", "what", "source_location", "note"])
