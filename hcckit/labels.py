"""People-facing names for every id the kit shows: one vocabulary, kept with the data.

>>> from hcckit import labels
>>> labels.label("design", "single_arm")
'Single-arm trial'
>>> labels.label("endpoint", "CR", long=True)
'Complete response (CR)'
>>> labels.label("check", "hr_ci")
'Hazard ratio vs its CI'
>>> labels.column("pct_change_baseline")
'Change from baseline (%)'

The vocabulary lives in ``data/labels.csv`` (shipped as ``hcckit._data``; columns ``kind``,
``value``, ``label``, ``long``, ``note``). Arms and studies are *not* repeated there: their names
come from ``arms.csv`` (``label``) and ``trials.csv`` (``name``), so :func:`arm` and :func:`trial`
always agree with the curated tables. An id the vocabulary does not know is shown in a readable
form (underscores replaced, first letter capitalised), never as the raw id.

Only the standard library is imported (no pandas until :func:`relabel` is called).
"""

from __future__ import annotations

import csv
import functools
from importlib import resources

from hcckit.formatting import MISSING, is_missing

__all__ = [
    "ALL",
    "KINDS",
    "COLUMN_KINDS",
    "MISSING",
    "label",
    "arm",
    "trial",
    "column",
    "relabel",
    "vocabulary",
]


#: The one value meaning "no filter: everything" in every filter and choice of the kit (never
#: ``"All"`` or ``None``); people see a label such as "All studies" beside it.
ALL = "all"

#: Kinds of id in ``labels.csv`` (plus ``arm``, ``trial`` and ``year``, resolved in code).
KINDS = (
    "design",
    "endpoint",
    "criterion",
    "check",
    "severity",
    "modality",
    "systemic_class",
    "event_class",
    "grade",
    "response",
    "role",
    "measure",
    "statistic",
    "ci_sided",
    "qualifier",
    "spread_kind",
    "characteristic",
    "item",
    "lesion_kind",
    "organ",
    "stage_system",
    "column",
)

#: Which kind of id each column name holds, used by :func:`relabel` (and ``tables.show``).
COLUMN_KINDS = {
    "trial_id": "trial",
    "arm_id": "arm",
    "arm": "arm",
    "comparator_arm_id": "arm",
    "design": "design",
    "endpoint": "endpoint",
    "criterion": "criterion",
    "check": "check",
    "severity": "severity",
    "modality": "modality",
    "arterial": "modality",
    "systemic_class": "systemic_class",
    "event_class": "event_class",
    "grade": "grade",
    "response": "response",
    "best_response": "response",
    "target_response": "response",
    "non_target_response": "response",
    "role": "role",
    "measure": "measure",
    "statistic": "statistic",
    "ci_sided": "ci_sided",
    "sided": "ci_sided",
    "qualifier": "qualifier",
    "spread_kind": "spread_kind",
    "characteristic": "characteristic",
    "item": "item",
    "kind": "lesion_kind",
    "organ": "organ",
    "stage_system": "stage_system",
    "year": "year",
}

# kinds whose cells may hold several ids separated by ";" (``TAE;TACE``, ``TKI;PD-(L)1``)
_MULTI = {"modality", "systemic_class"}

# unit suffixes of column names (for headers the vocabulary does not list)
_SUFFIX_UNITS = {
    "pct": "%",
    "percent": "%",
    "mm": "mm",
    "cm": "cm",
    "months": "months",
    "weeks": "weeks",
    "days": "days",
    "h": "hours",
}


# words of column names that are acronyms in a header ("published_ci_low" -> "Published CI low")
_ACRONYMS = {
    "ci": "CI",
    "hr": "HR",
    "rr": "RR",
    "se": "SE",
    "sd": "SD",
    "os": "OS",
    "pfs": "PFS",
    "orr": "ORR",
    "dcr": "DCR",
    "ae": "AE",
    "nnh": "NNH",
    "rmst": "RMST",
    "km": "KM",
    "id": "id",
}


def _read(name: str) -> list[dict]:
    path = resources.files("hcckit._data") / name
    with path.open("r", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@functools.lru_cache(maxsize=1)
def _vocab() -> dict[tuple[str, str], tuple[str, str]]:
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for line, row in enumerate(_read("labels.csv"), start=2):
        kind, value, text = row.get("kind", ""), row.get("value", ""), row.get("label", "")
        if kind not in KINDS:
            raise ValueError(f"labels.csv line {line}: kind {kind!r} is not one of {', '.join(KINDS)}")
        if not value or not text:
            raise ValueError(f"labels.csv line {line}: value and label are required")
        if (kind, value) in out:
            raise ValueError(f"labels.csv line {line}: duplicate ({kind}, {value})")
        out[(kind, value)] = (text, row.get("long") or text)
    return out


@functools.lru_cache(maxsize=1)
def _labels_by_kind() -> dict[str, set[str]]:
    known: dict[str, set[str]] = {}
    for (kind, _), (short, long) in _vocab().items():
        known.setdefault(kind, set()).update((short, long))
    return known


@functools.lru_cache(maxsize=1)
def _arms() -> tuple[dict[tuple[str, str], str], dict[str, set[str]]]:
    by_key: dict[tuple[str, str], str] = {}
    by_arm: dict[str, set[str]] = {}
    for row in _read("arms.csv"):
        key = (row["trial_id"], row["arm_id"])
        by_key[key] = row["label"] or _readable(row["arm_id"])
        by_arm.setdefault(row["arm_id"], set()).add(by_key[key])
    return by_key, by_arm


@functools.lru_cache(maxsize=1)
def _trials() -> dict[str, str]:
    return {row["trial_id"]: row["name"] or _readable(row["trial_id"]) for row in _read("trials.csv")}


def vocabulary():
    """The whole label vocabulary as a DataFrame (columns ``kind, value, label, long``)."""
    import pandas as pd

    rows = [
        {"kind": k, "value": v, "label": short, "long": long} for (k, v), (short, long) in _vocab().items()
    ]
    return pd.DataFrame(rows, columns=["kind", "value", "label", "long"])


def _is_missing(value) -> bool:
    if isinstance(value, str) and value.strip() in ("n/r", "nan", "None", "<NA>"):
        return True
    return is_missing(value)


def _readable(value: str) -> str:
    """Fallback for an unknown id: underscores to spaces, first letter capitalised."""
    text = " ".join(str(value).replace("_", " ").split())
    return text[:1].upper() + text[1:] if text else MISSING


def _as_text(value) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    try:
        import numbers

        if isinstance(value, numbers.Integral):
            return str(int(value))
        if isinstance(value, numbers.Real) and float(value).is_integer():
            return str(int(value))
    except (TypeError, ValueError):  # pragma: no cover - exotic objects
        pass
    return str(value).strip()


def label(kind: str, value, *, long: bool = False) -> str:
    """The people-facing name of id ``value`` of ``kind`` (e.g. ``design``, ``endpoint``, ``check``).

    Parameters
    ----------
    kind : one of :data:`KINDS`, or ``year`` (a missing year or ``n/r`` reads "not reported").
    value : the id as stored in the data (``single_arm``, ``median_OS``, ``3-4``). Missing
        values (None, NaN, pd.NA, "") give "not reported". A value that already is a label of
        this kind is returned unchanged.
    long : the long form where one exists (``CR`` -> "Complete response (CR)").

    Returns
    -------
    str
        The label; for an id the vocabulary does not know, a readable fallback (underscores
        replaced, first letter capitalised), never the raw id.
    """
    if not isinstance(kind, str):
        raise TypeError(f"kind: expected a str, got {type(kind).__name__}")
    if kind == "year":
        return MISSING if _is_missing(value) else _as_text(value)
    if kind in ("arm", "trial"):
        raise ValueError(f"kind: use labels.{kind}() for {kind} ids (they need the trial)")
    if kind not in KINDS:
        raise ValueError(f"kind: unknown kind {kind!r}; choose from {', '.join(KINDS)}, year")
    if kind == "column":
        return column(value)
    if _is_missing(value):
        return MISSING
    text = _as_text(value)
    vocab = _vocab()
    if (kind, text) in vocab:
        short, longer = vocab[(kind, text)]
        return longer if long else short
    if kind in _MULTI and ";" in text:
        return ", ".join(label(kind, part, long=long) for part in text.split(";") if part.strip())
    if text in _labels_by_kind().get(kind, ()):
        return text
    return _readable(text)


def arm(trial_id: str, arm_id) -> str:
    """The arm's name from ``arms.csv`` (``label``), e.g. ``("emerald1", "dbt")`` -> its label.

    A missing ``arm_id`` gives "not reported"; an arm id not listed for that trial falls back
    to the label the id has in other trials (when it is the same everywhere), else to a
    readable form of the id.
    """
    if _is_missing(arm_id):
        return MISSING
    arm_text = _as_text(arm_id)
    by_key, by_arm = _arms()
    if not _is_missing(trial_id) and (str(trial_id), arm_text) in by_key:
        return by_key[(str(trial_id), arm_text)]
    names = by_arm.get(arm_text, set())
    if len(names) == 1:
        return next(iter(names))
    if arm_text in _arm_labels():  # already a label
        return arm_text
    return _readable(arm_text)


@functools.lru_cache(maxsize=1)
def _arm_labels() -> frozenset[str]:
    return frozenset(_arms()[0].values())


def trial(trial_id) -> str:
    """The study's name from ``trials.csv`` (``name``, e.g. ``EMERALD-1``); readable fallback otherwise."""
    if _is_missing(trial_id):
        return MISSING
    text = _as_text(trial_id)
    names = _trials()
    if text in names:
        return names[text]
    if text in set(names.values()):
        return text
    return _readable(text)


def column(name) -> str:
    """A column header in words with its unit: ``sum_ld_mm`` -> "Sum of diameters (mm)", ``n`` -> "Patients (n)".

    Known names come from ``labels.csv`` (kind ``column``). Others: a unit suffix
    (``_pct``, ``_mm``, ``_months``, ``_weeks``, ``_days``) becomes "(unit)", a leading ``n_``
    becomes "(n)", underscores become spaces and the first letter is capitalised.
    """
    if not isinstance(name, str):
        name = _as_text(name)
    vocab = _vocab()
    if ("column", name) in vocab:
        return vocab[("column", name)][0]
    words = [w for w in name.split("_") if w]
    if not words:
        return _readable(name)
    unit = None
    if len(words) > 1 and words[-1].lower() in _SUFFIX_UNITS:
        unit = _SUFFIX_UNITS[words.pop().lower()]
    elif len(words) > 1 and words[0].lower() in _SUFFIX_UNITS and _SUFFIX_UNITS[words[0].lower()] == "%":
        unit = "%"
        words.pop(0)
    elif len(words) > 1 and words[0] == "n":
        unit = "n"
        words.pop(0)
    words = [_ACRONYMS.get(w.lower(), w) for w in words]
    text = _readable(" ".join(words))
    return f"{text} ({unit})" if unit else text


def relabel(df, *, columns=None):
    """A copy of ``df`` with id columns replaced by their labels (the column names stay).

    Parameters
    ----------
    df : pandas.DataFrame
    columns : which columns to relabel. None (default): every column named in
        :data:`COLUMN_KINDS` that ``df`` has (``trial_id``, ``arm_id``, ``design``,
        ``endpoint``, ``criterion``, ``check``, ``modality``, ``year``, ...). A sequence of
        column names (each must be a key of :data:`COLUMN_KINDS`), or a mapping
        ``{column: kind}`` for columns with other names. ``arm_id`` and
        ``comparator_arm_id`` use the row's ``trial_id`` when the frame has one.

    Returns
    -------
    pandas.DataFrame
        A copy; the relabelled columns hold text (missing values read "not reported").
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df: expected a pandas DataFrame, got {type(df).__name__}")
    if columns is None:
        mapping = {c: COLUMN_KINDS[c] for c in df.columns if isinstance(c, str) and c in COLUMN_KINDS}
    elif isinstance(columns, dict):
        mapping = dict(columns)
    elif isinstance(columns, str):
        raise TypeError("columns: expected a sequence of column names or a {column: kind} mapping, got a str")
    else:
        mapping = {}
        for c in columns:
            if c not in COLUMN_KINDS:
                raise ValueError(
                    f"columns: no label kind is known for column {c!r}; pass a {{column: kind}} mapping"
                )
            mapping[c] = COLUMN_KINDS[c]
    for c, kind in mapping.items():
        if c not in df.columns:
            raise ValueError(f"columns: {c!r} is not a column of the frame")
        if kind not in KINDS + ("arm", "trial", "year"):
            raise ValueError(f"columns: unknown kind {kind!r} for column {c!r}")
    out = df.copy()
    trial_ids = df["trial_id"] if "trial_id" in df.columns else pd.Series([None] * len(df), index=df.index)
    for c, kind in mapping.items():
        values = df[c]
        if kind == "arm":
            out[c] = [arm(t, a) for t, a in zip(trial_ids, values, strict=True)]
        elif kind == "trial":
            out[c] = [trial(v) for v in values]
        else:
            out[c] = [label(kind, v) for v in values]
        out[c] = out[c].astype(object)
    return out
