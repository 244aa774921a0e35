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

``load(name, as_printed=True)`` gives a table's cells as the source prints them
(text, decimals kept), for checks that need the printed precision.

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
    """A curated table failed its schema; ``problems`` lists the failing cells or rows.

    ``problems`` holds at most :data:`MAX_PROBLEMS` entries (the first by line); ``total`` is the
    number found in all. The message shows the first :data:`SHOWN` and counts the rest, so a huge
    broken table gives a message of bounded length.
    """

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = list(problems)
        self.total = len(self.problems) if total is None else int(total)
        if self.total == 1 and len(self.problems) == 1:
            super().__init__(str(self.problems[0]))
            return
        shown = "\n  ".join(str(p) for p in self.problems[:SHOWN])
        rest = self.total - min(len(self.problems), SHOWN)
        more = f"\n  ... and {rest:,} more problems ({self.total:,} in all)" if rest > 0 else ""
        super().__init__(f"{self.total:,} problems in the curated data:\n  {shown}{more}")


#: Problems shown in a :class:`DataValidationError` message (the rest are counted).
SHOWN = 20
#: Problems kept in ``DataValidationError.problems`` (the rest are counted in ``total``).
MAX_PROBLEMS = 1000
#: Largest table (data rows, header excluded) :func:`validate` reads: the curated tables have
#: fewer than 400 rows; the bound keeps a wrong or generated file from taking minutes and GBs.
MAX_ROWS = 10_000
#: Largest CSV file (bytes) :func:`validate` reads (the curated files are below 40 kB).
MAX_BYTES = 20_000_000


def data_dir() -> Path:
    """Folder of the packaged CSV files (works for editable, wheel and Binder installs)."""
    return Path(str(resources.files("hcckit._data")))


def _folder(directory) -> Path:
    """``directory`` as a Path (default: the shipped data); TypeError naming it otherwise."""
    if directory is None:
        return data_dir()
    if isinstance(directory, bytes) or not isinstance(directory, (str, Path)):
        raise TypeError(f"directory: expected a folder path (str or Path), got {type(directory).__name__}")
    if isinstance(directory, str) and not directory.strip():
        raise ValueError("directory: the folder path is empty")
    return Path(directory)


def _check_folder(folder: Path) -> None:
    """A clear error for a folder that is missing, a file, or holds none of the tables."""
    expected = ", ".join(f"{n}.csv" for n in TABLE_NAMES)
    if not folder.exists():
        raise DataValidationError([Problem(str(folder), None, None, "no such folder")])
    if not folder.is_dir():
        raise DataValidationError(
            [
                Problem(
                    str(folder), None, None, f"is a file, not a folder (give the folder holding {expected})"
                )
            ]
        )
    try:
        entries = list(folder.iterdir())
    except OSError as exc:
        raise DataValidationError(
            [Problem(str(folder), None, None, f"cannot be read ({exc.strerror or exc})")]
        ) from None
    if not entries:
        raise DataValidationError(
            [Problem(str(folder), None, None, f"the folder is empty (expected {expected})")]
        )
    if not any((folder / f"{n}.csv").exists() for n in TABLE_NAMES):
        raise DataValidationError(
            [Problem(str(folder), None, None, f"the folder holds none of the tables (expected {expected})")]
        )


def _read_csv(path: Path):
    import pandas as pd

    if not path.exists():
        raise DataValidationError([Problem(path.name, None, None, "file is missing")])
    if not path.is_file():
        raise DataValidationError([Problem(path.name, None, None, "is not a file (a folder?)")])
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DataValidationError(
            [Problem(path.name, None, None, f"cannot be read ({exc.strerror})")]
        ) from None
    if size == 0:
        raise DataValidationError(
            [Problem(path.name, None, None, "the file is empty (0 bytes); it needs at least its header line")]
        )
    if size > MAX_BYTES:
        raise DataValidationError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    f"the file is {size:,} bytes, more than the {MAX_BYTES:,} hcckit reads for one table",
                )
            ]
        )
    try:
        # everything as text first: the schema coerces and reports cells it cannot convert;
        # one row more than the bound is read, so a huge table is recognised without parsing it all
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            encoding="utf-8",
            nrows=MAX_ROWS + 1,
        )
    except pd.errors.EmptyDataError:
        raise DataValidationError(
            [Problem(path.name, None, None, "has no header line (the file holds only blank lines)")]
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataValidationError(
            [Problem(path.name, None, None, f"not a readable CSV file: {reason}")]
        ) from None
    except OSError as exc:
        raise DataValidationError(
            [Problem(path.name, None, None, f"cannot be read ({exc.strerror})")]
        ) from None
    if len(frame) > MAX_ROWS:
        raise DataValidationError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    f"more than {MAX_ROWS:,} rows: hcckit checks tables of up to {MAX_ROWS:,} rows "
                    "(the curated ones have fewer than 400); is this the right file?",
                )
            ]
        )
    return frame


_CHECK_ERROR = ("TypeError(", "ValueError(", "KeyError(", "AttributeError(")


def _problems_from(exc, file: str, row_failures: dict | None = None) -> tuple[list[Problem], int]:
    """The first :data:`MAX_PROBLEMS` problems (by line) of a pandera error, and how many in all.

    Vectorised over pandera's failure cases (a broken 10,000-row table has ~90,000); only the
    problems kept become :class:`Problem` objects. ``row_failures`` (from
    :func:`hcckit.schema.count_row_failures`) holds the number of failing rows of each row-level
    rule, of which pandera lists only the first :data:`hcckit.schema.ROW_RULE_CASES`.
    """
    import pandas as pd

    cases = exc.failure_cases.reset_index(drop=True)
    n = len(cases)

    def col(name, default=None):
        return cases[name] if name in cases else pd.Series([default] * n, dtype=object)

    index = pd.to_numeric(col("index"), errors="coerce")
    line = (index + 2).astype("Int64")  # header is line 1
    column = col("column").astype(object).where(col("column").notna() & (col("column") != ""), None)
    check = col("check", "").astype(str)
    value = col("failure_case").astype(object)
    context = col("schema_context", "").astype(str)
    text = value.map(lambda v: v if isinstance(v, str) else "")
    # a check that raised inside pandera (a column of the wrong type): never show its message
    unrunnable = line.isna() & text.str.startswith(_CHECK_ERROR)
    problem = check.copy()
    missing_col = check.str.startswith("column_in_dataframe")
    extra_col = check.str.startswith("column_in_schema")
    coerce = check.str.startswith("coerce_dtype") | check.str.startswith("dtype")
    nullable = check == "not_nullable"
    unique = check.str.startswith("field_uniqueness") | check.str.startswith("multiple_fields_uniqueness")
    problem[missing_col] = "required column is missing"
    problem[extra_col] = "unexpected column (not in the schema)"
    problem[coerce] = "cannot be read as " + check[coerce].str.split("(").str[-1].str.rstrip(")")
    problem[nullable] = "is empty but required"
    problem[unique] = "duplicate key"
    column = column.where(~(missing_col | extra_col), value.astype(str))
    # a row-level rule: pandera repeats it for every cell of the failing row (or gives the row's
    # boolean); it is one problem of the row
    row_rule = (context == "DataFrameSchema") & (problem == check) & ~unrunnable
    column = column.where(~row_rule, None)
    value = value.where(~(missing_col | extra_col | nullable | row_rule), None)
    frame = pd.DataFrame({"line": line, "column": column, "problem": problem, "value": value})
    frame["_key"] = frame["value"].map(repr)  # coerce_dtype and dtype report the same cell twice
    kept = frame[~unrunnable].drop_duplicates(["line", "column", "problem", "_key"])
    uncoerced = set(frame.loc[coerce, "column"])
    extra = (
        frame.assign(check=check)[unrunnable & ~frame["column"].isin(uncoerced)]
        .drop_duplicates(["column", "check"])
        .assign(
            problem=lambda d: "check " + d["check"] + " could not run on this column's values",
            value=None,
            line=pd.NA,
        )
    )
    if len(extra):
        kept = pd.concat([kept.astype(object), extra.drop(columns="check").astype(object)], ignore_index=True)
    kept = kept.assign(
        _line=pd.to_numeric(kept["line"], errors="coerce").fillna(0),
        _col=kept["column"].map(lambda c: "" if c is None or c != c else str(c)),
    ).sort_values(["_line", "_col"], kind="stable")
    total = len(kept)
    if row_failures:
        listed = kept.loc[kept["column"].isna(), "problem"].value_counts().to_dict()
        total += sum(max(0, k - listed.get(rule, 0)) for rule, k in row_failures.items() if k)
    problems = [
        Problem(
            file,
            None if pd.isna(r.line) else int(r.line),
            None if r.column is None or r.column != r.column else str(r.column),
            str(r.problem),
            r.value,
        )
        for r in kept.head(MAX_PROBLEMS).itertuples(index=False)
    ]
    return problems, total


def _validate_frame(name: str, frame, parents: dict, file: str):
    import pandera.errors

    from hcckit.schema import count_row_failures, schema_for

    with count_row_failures() as row_failures:
        try:
            frame = schema_for(name, parents).validate(frame, lazy=True)
        except pandera.errors.SchemaErrors as exc:
            raise DataValidationError(*_problems_from(exc, file, row_failures)) from None
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
def _read_all(directory: str) -> tuple[dict, dict]:
    """The seven tables of ``directory``: (validated, as printed), read once per folder."""
    folder = Path(directory)
    tables: dict = {}
    printed: dict = {}
    for name in TABLE_NAMES:
        file = f"{name}.csv"
        frame = _read_csv(folder / file)
        printed[name] = frame.fillna("")  # a copy: the CSV text of every cell, "" when empty
        tables[name] = _validate_frame(name, frame, _parents(tables), file)
    return tables, printed


def _load_all(directory: str) -> dict:
    return _read_all(directory)[0]


def load(name: str, *, directory: str | Path | None = None, as_printed: bool = False):
    """Return the curated table ``name`` as a validated :class:`pandas.DataFrame` (a fresh copy).

    Parameters
    ----------
    name : one of ``trials``, ``arms``, ``outcomes``, ``effects``, ``adverse_events``,
        ``at_risk``, ``baseline``.
    directory : folder holding the seven CSV files; default: the data shipped with hcckit.
    as_printed : bool, default False
        ``True``: the same rows and columns with every cell as the source prints it - the CSV
        text, a ``str`` (``"41.0"`` keeps its decimal, ``"0.030"`` its zero; ``""`` when
        empty), not converted. The one place the kit reads printed precision from; the tables
        are validated first, so row ``i`` here is row ``i`` of ``load(name)``.

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
    if not isinstance(as_printed, bool):
        raise TypeError(f"as_printed: expected True or False, got {type(as_printed).__name__}")
    folder = _folder(directory)
    _check_folder(folder)
    tables, printed = _read_all(str(folder.resolve()))
    return (printed if as_printed else tables)[name].copy()


def validate(directory: str | Path | None = None) -> dict[str, int]:
    """Validate all seven tables (default: the shipped data); return ``{table: rows}``.

    Raises :class:`DataValidationError` for a folder that is missing, a file, empty or holds
    none of the tables, and otherwise listing the problems of the first failing table (the first
    :data:`MAX_PROBLEMS` by line, with their total). A table of more than :data:`MAX_ROWS` rows
    or :data:`MAX_BYTES` bytes is refused before it is parsed in full.
    """
    folder = _folder(directory)
    _check_folder(folder)
    _read_all.cache_clear()
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
