"""Reading tables that users upload (CSV files from a dashboard), with errors a viewer can act on.

A teacher brings their own cases: lesion measurements to classify (lesson 2) or a digitised
Kaplan-Meier curve to rebuild (lesson 3). Everything here turns the bytes of an uploaded file
into a pandas DataFrame or raises ``ValueError`` whose message names the file, and where it
applies the line and column, and says what to fix. Nothing is written to disk.

Limits: files larger than :data:`MAX_BYTES` (2 MB) or with more than :data:`MAX_ROWS` rows are
refused (a class dashboard must stay responsive); text must be UTF-8 (a BOM is accepted),
with comma, semicolon or tab separators and any line ending (LF, CRLF, or the lone CR that
"CSV (Macintosh)" writes). Every number is checked against a stated bound before anything is
computed from it: diameters up to :data:`MAX_MM`, days up to :data:`MAX_DAY`, curve and at-risk
times up to :data:`MAX_MONTHS`, numbers at risk up to :data:`MAX_PATIENTS`; infinities and NaN
are refused. A 36-byte file must not be able to make the server build a hundred million patients.
"""

from __future__ import annotations

import csv
import io

# the one bound for diameters (mm) and assessment days (days) is the response engine's
from hcckit.response import MAX_DAY, MAX_MM

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "MAX_MM",
    "MAX_DAY",
    "MAX_MONTHS",
    "MAX_PATIENTS",
    "MEASUREMENT_COLUMNS",
    "CURVE_COLUMNS",
    "AT_RISK_COLUMNS",
    "read_csv_bytes",
    "read_measurements",
    "read_curve",
    "read_at_risk",
    "example_csv",
]

MAX_BYTES = 2_000_000
MAX_ROWS = 20_000
#: Latest time accepted in a curve or an at-risk table (months, 100 years).
MAX_MONTHS = 1_200.0
#: Most patients at risk accepted in an uploaded table (the lesson's "Patients" box has the same cap).
MAX_PATIENTS = 100_000

#: Lesion-measurement columns (see :func:`hcckit.response.assess`); the first four are required.
MEASUREMENT_COLUMNS = {
    "patient": "patient identifier (text)",
    "lesion": "lesion identifier within the patient (text)",
    "day": "assessment day (whole days; baseline is the first day)",
    "kind": "target, non_target or new",
    "organ": "organ (default liver)",
    "is_node": "lymph node (true/false)",
    "ld_mm": "longest diameter (mm)",
    "sa_mm": "short axis (mm, lymph nodes)",
    "viable_ld_mm": "longest diameter of the enhancing (viable) part (mm, mRECIST)",
    "perp_mm": "longest perpendicular diameter (mm, WHO)",
    "viable_perp_mm": "perpendicular diameter of the viable part (mm, EASL)",
    "too_small": "present but too small to measure (true/false)",
    "infiltrative": "infiltrative HCC, non-measurable: must be non_target (true/false)",
    "status": "non-target: CR / non_CR_non_PD / PD / IR_SD; new lesion: equivocal / unequivocal / typical / atypical",
    "cytology": "positive / negative (effusions)",
}
_MEASUREMENT_REQUIRED = ("patient", "lesion", "day", "kind")
_BOOL_COLUMNS = ("is_node", "too_small", "infiltrative")

#: Digitised curve columns: time (months) and survival (0-1, or 0-100 %).
CURVE_COLUMNS = {"time": "months since randomisation", "survival": "survival probability (0-1 or %)"}
#: Numbers-at-risk columns.
AT_RISK_COLUMNS = {"time": "months", "n_at_risk": "patients still at risk (whole number)"}

_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0", ""}


def read_csv_bytes(content, *, name: str = "file", required=(), numeric=(), max_rows: int = MAX_ROWS):
    """Parse an uploaded CSV (bytes) into a DataFrame, or raise ``ValueError`` naming what is wrong.

    Parameters
    ----------
    content : bytes, bytearray or memoryview
        The file's bytes (``ipywidgets.FileUpload`` gives a memoryview).
    name : str
        File name, used in messages.
    required : sequence of str
        Columns that must be present (header names are matched case-insensitively, spaces
        and dashes read as ``_``).
    numeric : sequence of str
        Columns that must hold numbers where filled in.
    max_rows : int
        Most data rows accepted.

    Returns
    -------
    pandas.DataFrame
        One row per data line, header names normalised to lower case. Blank lines are skipped;
        line numbers in messages are the file's own (a quoted field may span several lines).
    """
    return _read_table(content, name=name, required=required, numeric=numeric, max_rows=max_rows)[0]


# a line no file has: appended after the text, it is read as a record of its own only if every
# quote in the file was closed (an unclosed quote swallows it into a field)
_SENTINEL = "\ue000end-of-upload\ue000"


def _read_table(content, *, name: str, required=(), numeric=(), max_rows: int = MAX_ROWS):
    """:func:`read_csv_bytes`, also returning each data row's line number in the file (numpy int array)."""
    import numpy as np
    import pandas as pd

    if not isinstance(name, str):
        raise TypeError(f"name: the file name must be text, got {type(name).__name__}")
    for arg, cols in (("required", required), ("numeric", numeric)):
        if isinstance(cols, str) or not all(isinstance(c, str) for c in cols):
            raise TypeError(f"{arg}: expected a list of column names, got {cols!r}")
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or not 1 <= max_rows <= MAX_ROWS:
        raise ValueError(f"max_rows: must be a whole number from 1 to {MAX_ROWS}, got {max_rows!r}")
    if content is None:
        raise ValueError(f"{name}: no file was uploaded")
    # only the bytes of a file: bytes(10**9) would build a gigabyte of zeros from an int
    if not isinstance(content, (bytes, bytearray, memoryview)):
        raise ValueError(f"{name}: expected the bytes of a file, got {type(content).__name__}")
    raw = bytes(content)
    if len(raw) == 0:
        raise ValueError(f"{name}: the file is empty")
    if len(raw) > MAX_BYTES:
        raise ValueError(
            f"{name}: the file is {len(raw) / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB"
        )
    if (
        b"\x00" in raw[:4096]
        or raw[:4] in (b"PK\x03\x04", b"%PDF", b"\x89PNG")
        or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    ):
        raise ValueError(
            f"{name}: this is not a text CSV file (an Excel workbook, PDF or image?); "
            "save it as 'CSV UTF-8 (comma delimited)' and upload that"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{name}: not UTF-8 text (byte {exc.start}); save the file as 'CSV UTF-8' and upload it again"
        ) from exc
    if not text.strip():
        raise ValueError(f"{name}: the file is empty")
    # one line ending for the parser: CRLF (Windows) and a lone CR ("CSV (Macintosh)") become LF
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ValueError(f"{name}: line {line} holds a NUL byte; this is not a text CSV file")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    # the csv module, not pandas, reads the records: it says on which line each one ends, so
    # messages name the file's own line even after a quoted newline or a skipped blank line
    reader = csv.reader(
        io.StringIO(text + ("" if text.endswith("\n") else "\n") + _SENTINEL + "\n"),
        delimiter=sep,
        skipinitialspace=True,
    )
    records, lines = [], []
    start = 1  # line on which the next record starts
    try:
        for row in reader:
            first, start = start, reader.line_num + 1
            if len(row) == 0 or (len(row) == 1 and not row[0].strip()):
                continue  # a blank line
            records.append(row)
            lines.append(first)
    except csv.Error as exc:
        raise ValueError(f"{name}: cannot read it as CSV: line {start}: {exc}") from exc
    if not records or records[-1] != [_SENTINEL]:
        raise ValueError(
            f"{name}: cannot read it as CSV: the quote opened in the record starting on line "
            f"{lines[-1] if lines else 1} is never closed"
        )
    records.pop()
    lines.pop()
    if not records:
        raise ValueError(f"{name}: the file has no header line")
    width = len(records[0])
    for row, line in zip(records, lines, strict=True):
        if len(row) > width:
            # a data line with more fields than the header is an error naming the line, not a
            # silently shifted table
            raise ValueError(
                f"{name}: cannot read it as CSV: Expected {width} fields in line {line}, saw {len(row)}"
            )
    header = [_norm_header(c) if c.strip() else f"unnamed:_{j}" for j, c in enumerate(records[0])]
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise ValueError(f"{name}: column {dupes[0]!r} appears more than once")
    missing = [c for c in required if c not in header]
    if missing:
        raise ValueError(
            f"{name}: missing column{'s' if len(missing) > 1 else ''} {', '.join(repr(m) for m in missing)} "
            f"(found: {', '.join(header) or 'none'})"
        )
    body = records[1:]
    lines = np.asarray(lines[1:], dtype=np.int64)
    if len(body) == 0:
        raise ValueError(f"{name}: the file has a header but no data rows")
    if len(body) > max_rows:
        raise ValueError(f"{name}: {len(body)} rows; the limit is {max_rows}")
    # short lines are padded with empty cells; cells are stripped and empty ones become None
    cells = [[(v.strip() or None) for v in row] + [None] * (width - len(row)) for row in body]
    frame = pd.DataFrame(cells, columns=header, dtype=object)
    for col in numeric:
        if col not in frame.columns:
            continue
        values = frame[col].str.replace(",", ".", regex=False) if sep != "," else frame[col]
        num = pd.to_numeric(values, errors="coerce")
        bad = frame[col].notna() & num.isna()
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise ValueError(
                f"{name}, line {lines[i]}, column {col!r}: {frame[col].iloc[i]!r} is not a number"
            )
        infinite = num.isin([float("inf"), float("-inf")])
        if infinite.any():
            i = int(infinite.to_numpy().nonzero()[0][0])
            raise ValueError(
                f"{name}, line {lines[i]}, column {col!r}: {frame[col].iloc[i]!r} is not a finite number"
            )
        frame[col] = num.astype(float)
    return frame, lines


def _check_range(frame, column: str, low: float, high: float, *, name: str, unit: str, lines) -> None:
    """Raise ``ValueError`` naming the file's line if a value of ``column`` is outside ``[low, high]``.

    ``lines``: the line number in the file of each row of ``frame`` (from :func:`_read_table`).
    """
    if column not in frame.columns:
        return
    values = frame[column]
    bad = values.notna() & ((values < low) | (values > high))
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise ValueError(
            f"{name}, line {lines[i]}, column {column!r}: {values.iloc[i]:g} is outside {low:g}-{high:g} {unit}"
        )


def _norm_header(text) -> str:
    return "_".join(str(text).strip().lower().replace("-", " ").split())


def read_measurements(content, *, name: str = "measurements.csv"):
    """Read an uploaded lesion-measurement CSV into the input table of :func:`hcckit.response.assess`.

    Columns are those of :data:`MEASUREMENT_COLUMNS` (``patient``, ``lesion``, ``day``, ``kind``
    required; diameters in mm). ``true``/``false``, ``yes``/``no`` and ``1``/``0`` are read as
    booleans. The medical rules (a target lesion must be measured at baseline, ...) are checked
    by :func:`hcckit.response.assess`, whose errors name the patient, lesion and column.
    """
    diameters = ("ld_mm", "sa_mm", "viable_ld_mm", "perp_mm", "viable_perp_mm")
    frame, lines = _read_table(
        content, name=name, required=_MEASUREMENT_REQUIRED, numeric=("day", *diameters)
    )
    for col in _MEASUREMENT_REQUIRED:
        blank = frame[col].isna()
        if blank.any():
            i = int(blank.to_numpy().nonzero()[0][0])
            raise ValueError(f"{name}, line {lines[i]}, column {col!r}: is empty; every row needs a {col}")
    _check_range(frame, "day", 0, MAX_DAY, name=name, unit="days", lines=lines)
    partial = frame["day"] % 1 != 0
    if partial.any():
        i = int(partial.to_numpy().nonzero()[0][0])
        raise ValueError(
            f"{name}, line {lines[i]}, column 'day': {frame['day'].iloc[i]:g} is not a whole number of days"
        )
    for col in diameters:
        _check_range(frame, col, 0, MAX_MM, name=name, unit="mm", lines=lines)
    unknown = [c for c in frame.columns if c not in MEASUREMENT_COLUMNS]
    if unknown:
        raise ValueError(
            f"{name}: unknown column {unknown[0]!r}; allowed columns are {', '.join(MEASUREMENT_COLUMNS)}"
        )
    for col in _BOOL_COLUMNS:
        if col not in frame.columns:
            continue
        lowered = frame[col].fillna("").str.lower()
        bad = ~lowered.isin(_TRUE | _FALSE)
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise ValueError(
                f"{name}, line {lines[i]}, column {col!r}: {frame[col].iloc[i]!r} is not true/false"
            )
        frame[col] = lowered.isin(_TRUE)
    return frame


def read_curve(content, *, name: str = "curve.csv"):
    """Read an uploaded digitised Kaplan-Meier curve: columns ``time`` (months) and ``survival``.

    Survival may be given as a probability (0-1) or in % (0-100; detected when a value exceeds
    1.5). Returns a DataFrame with ``time`` (months) and ``survival`` (0-1), in file order:
    :func:`hcckit.survival.clean_curve` repairs digitisation noise (order, duplicates, small
    overshoots) and says what it changed, and refuses what is not noise.
    """
    frame, lines = _read_table(
        content, name=name, required=tuple(CURVE_COLUMNS), numeric=tuple(CURVE_COLUMNS)
    )
    frame = frame[list(CURVE_COLUMNS)]
    blank = frame.isna().any(axis=1).to_numpy()
    if blank.all():
        raise ValueError(f"{name}: no row has both a time and a survival value")
    frame, lines = frame[~blank].reset_index(drop=True), lines[~blank]
    _check_range(frame, "time", 0, MAX_MONTHS, name=name, unit="months", lines=lines)
    _check_range(frame, "survival", 0, 100, name=name, unit="(survival, 0-1 or %)", lines=lines)
    if len(frame) < 2:
        raise ValueError(f"{name}: a curve needs at least 2 points, found {len(frame)}")
    if (frame["survival"] > 1.5).any():
        frame["survival"] = frame["survival"] / 100.0
    return frame


def read_at_risk(content, *, name: str = "at_risk.csv"):
    """Read uploaded numbers at risk: columns ``time`` (months) and ``n_at_risk`` (whole numbers >= 0)."""
    frame, lines = _read_table(
        content, name=name, required=tuple(AT_RISK_COLUMNS), numeric=tuple(AT_RISK_COLUMNS)
    )
    frame = frame[list(AT_RISK_COLUMNS)]
    filled = frame.notna().all(axis=1).to_numpy()
    frame, lines = frame[filled].reset_index(drop=True), lines[filled]
    if frame.empty:
        raise ValueError(f"{name}: no row has both a time and a number at risk")
    bad = (frame["n_at_risk"] < 0) | (frame["n_at_risk"] % 1 != 0) | (frame["time"] < 0)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise ValueError(
            f"{name}, line {lines[i]}: time {frame['time'].iloc[i]:g}, n_at_risk {frame['n_at_risk'].iloc[i]:g} "
            "(times must be >= 0 months, numbers at risk whole numbers >= 0)"
        )
    _check_range(frame, "time", 0, MAX_MONTHS, name=name, unit="months", lines=lines)
    _check_range(frame, "n_at_risk", 0, MAX_PATIENTS, name=name, unit="patients", lines=lines)
    frame["n_at_risk"] = frame["n_at_risk"].astype(int)
    return frame


def example_csv(kind: str) -> str:
    """A small example file as CSV text: ``"measurements"``, ``"curve"`` or ``"at_risk"``.

    The measurements are the lesson's synthetic necrotic HCC patient; the curve and numbers at
    risk are a synthetic pseudo-patient arm (exponential, median 8.2 months) — teaching examples,
    not trial data.
    """
    if kind == "measurements":
        from hcckit import response

        table = response.necrotic_patient().drop(columns=["synthetic"], errors="ignore")
        keep = [c for c in MEASUREMENT_COLUMNS if c in table.columns]
        return table[keep].to_csv(index=False)
    if kind in ("curve", "at_risk"):
        from hcckit import survival

        arm = survival.synthesize_arm(120, median=8.2, accrual=12, follow_up=12, seed=3)
        if kind == "curve":
            return survival.km_steps(arm)[["time", "survival"]].round(4).to_csv(index=False)
        risk = survival.at_risk_table(arm, times=range(0, 30, 3)).rename(columns={"at_risk": "n_at_risk"})
        return risk[["time", "n_at_risk"]].to_csv(index=False)
    raise ValueError(f"kind: choose 'measurements', 'curve' or 'at_risk', got {kind!r}")
