"""A trainee's caliper readings on a SYNTHETIC case -> engine input -> verdicts beside the truth.

A *reading* is one caliper measurement, a dict (or a table row) with

============ ======================================================================================
lesion       lesion id of the case (``A``, ``B``, ``N1`` ...; see ``case.truth``)
day          visit (days from TACE)
measure      ``ld_mm`` (longest diameter of the whole lesion), ``perp_mm`` (greatest diameter
             perpendicular to it), ``viable_ld_mm`` / ``viable_perp_mm`` (the same of the
             arterially enhancing part)
length_mm    the length read (mm, >= 0); 0 = nothing there (e.g. no enhancing tissue left)
slice        slice index the caliper was drawn on (optional)
p0, p1       caliper end points (row, col) in pixels (optional; floats allowed)
phase        ``arterial`` or ``portal_venous`` (optional)
============ ======================================================================================

Several readings of the same lesion, day and measure: the last one counts (a re-measurement).

The verdicts come from :mod:`hcckit.response` (:func:`~hcckit.response.assess`,
:func:`~hcckit.response.best_response`): this module only builds the engine's input from the
readings. A measure the reader did not take stays missing - the truth is never used in its place -
and the verdict of a visit that needs it is NE ("not evaluable"), saying which measure is missing
(unless the visit is PD on other grounds, as the engine does for a missing target).
"""

from __future__ import annotations

import functools
import math

from hcckit.imaging.phantom import PHASES

__all__ = [
    "MEASURES",
    "READING_COLUMNS",
    "caliper_mm",
    "readings_table",
    "measurements_from_readings",
    "compare_verdicts",
    "reading_errors",
]

#: What a caliper can measure (engine columns, mm).
MEASURES = ("ld_mm", "viable_ld_mm", "perp_mm", "viable_perp_mm")
#: Columns of :func:`readings_table`.
READING_COLUMNS = ("lesion", "day", "measure", "length_mm", "slice", "p0", "p1", "phase")
_ENGINE_COLUMNS = ("patient", "lesion", "day", "kind", "organ", "status")
_MAX_MM = 500.0
_MEASURE_WORDS = {
    "ld_mm": "longest diameter",
    "perp_mm": "perpendicular diameter",
    "viable_ld_mm": "viable longest diameter",
    "viable_perp_mm": "viable perpendicular diameter",
}
_CRITERIA = ("RECIST 1.1", "mRECIST", "WHO", "EASL")
READER = "Reader"


def caliper_mm(p0, p1, spacing_mm) -> float:
    """Length (mm) of a caliper from ``p0`` to ``p1`` ((row, col) in pixels) at ``spacing_mm``.

    ``spacing_mm`` is (row spacing, column spacing) in mm per pixel; a 3-tuple (slice, row, col)
    is accepted too (the slice spacing is not used: a caliper lies in one slice).
    """
    a = _point(p0, "p0")
    b = _point(p1, "p1")
    sp = _spacing(spacing_mm)
    return float(math.hypot((a[0] - b[0]) * sp[0], (a[1] - b[1]) * sp[1]))


def _point(p, name):
    if isinstance(p, (str, bytes)) or not hasattr(p, "__len__") or len(p) != 2:
        raise ValueError(f"{name}: expected a point (row, col) in pixels, got {p!r}")
    out = []
    for v in p:
        if isinstance(v, bool) or not isinstance(v, (int, float)) and not _is_np_number(v):
            raise ValueError(f"{name}: coordinates must be numbers, got {p!r}")
        v = float(v)
        if not math.isfinite(v) or abs(v) > 100_000:
            raise ValueError(f"{name}: coordinates must be finite pixel positions, got {p!r}")
        out.append(v)
    return tuple(out)


def _is_np_number(v):
    import numpy as np

    return isinstance(v, (np.integer, np.floating))


def _spacing(spacing_mm):
    if isinstance(spacing_mm, (str, bytes)) or not hasattr(spacing_mm, "__len__"):
        raise ValueError(f"spacing_mm: expected (row, col) spacing in mm, got {spacing_mm!r}")
    sp = list(spacing_mm)
    if len(sp) == 3:
        sp = sp[1:]
    if len(sp) != 2:
        raise ValueError(f"spacing_mm: expected (row, col) or (slice, row, col) in mm, got {spacing_mm!r}")
    out = []
    for v in sp:
        if isinstance(v, bool) or not (isinstance(v, (int, float)) or _is_np_number(v)):
            raise ValueError(f"spacing_mm: must be numbers (mm per pixel), got {spacing_mm!r}")
        v = float(v)
        if not math.isfinite(v) or not 0 < v <= 100:
            raise ValueError(f"spacing_mm: must be > 0 and <= 100 mm per pixel, got {spacing_mm!r}")
        out.append(v)
    return out


# ---------------------------------------------------------------------------------------------
# readings


def readings_table(readings):
    """The readings as a validated table (columns :data:`READING_COLUMNS`; lengths in mm).

    ``readings``: a list of dicts, or a DataFrame, as described in the module docstring. Bad
    input raises ValueError naming the reading (its position) and the field. Duplicates (same
    lesion, day and measure) are kept here; :func:`measurements_from_readings` uses the last.
    """
    import pandas as pd

    rows = _reading_dicts(readings)
    out = []
    for i, r in enumerate(rows):
        where = f"reading {i + 1}"
        if not isinstance(r, dict):
            raise ValueError(f"readings: {where} is not a dict (got {type(r).__name__})")
        for key in ("lesion", "day", "measure", "length_mm"):
            if key not in r or _missing(r[key]):
                raise ValueError(f"{key}: missing in {where}")
        lesion = r["lesion"]
        if not isinstance(lesion, str) or not lesion.strip():
            raise ValueError(f"lesion: must be a lesion id (text) in {where}, got {lesion!r}")
        day = r["day"]
        if isinstance(day, bool) or not (isinstance(day, int) or _is_np_number(day)) or float(day) % 1:
            raise ValueError(f"day: must be a whole number of days in {where}, got {day!r}")
        measure = r["measure"]
        if measure not in MEASURES:
            raise ValueError(f"measure: must be one of {', '.join(MEASURES)} in {where}, got {measure!r}")
        length = r["length_mm"]
        if isinstance(length, bool) or not (isinstance(length, (int, float)) or _is_np_number(length)):
            raise ValueError(f"length_mm: must be a number (mm) in {where}, got {length!r}")
        length = float(length)
        if not math.isfinite(length) or not 0 <= length <= _MAX_MM:
            raise ValueError(
                f"length_mm: must be from 0 to {_MAX_MM:g} mm in {where}, got {r['length_mm']!r}"
            )
        sl = r.get("slice")
        if _missing(sl):
            sl = None
        elif (
            isinstance(sl, bool) or not (isinstance(sl, int) or _is_np_number(sl)) or float(sl) % 1 or sl < 0
        ):
            raise ValueError(f"slice: must be a slice index (whole number >= 0) in {where}, got {sl!r}")
        else:
            sl = int(sl)
        p0 = None if _missing(r.get("p0")) else _point(r["p0"], f"p0 ({where})")
        p1 = None if _missing(r.get("p1")) else _point(r["p1"], f"p1 ({where})")
        phase = r.get("phase")
        if _missing(phase):
            phase = None
        elif phase not in PHASES:
            raise ValueError(f"phase: must be one of {', '.join(PHASES)} in {where}, got {phase!r}")
        out.append(
            {
                "lesion": lesion.strip(),
                "day": int(day),
                "measure": measure,
                "length_mm": round(length, 2),
                "slice": sl,
                "p0": p0,
                "p1": p1,
                "phase": phase,
            }
        )
    table = pd.DataFrame(out, columns=list(READING_COLUMNS))
    table["day"] = table["day"].astype("int64")
    table["length_mm"] = table["length_mm"].astype(float)
    table["slice"] = table["slice"].astype("Int64")
    return table


def _reading_dicts(readings):
    import pandas as pd

    if isinstance(readings, pd.DataFrame):
        return readings.to_dict("records")
    if readings is None or isinstance(readings, (str, bytes, dict)) or not hasattr(readings, "__iter__"):
        raise ValueError(
            f"readings: expected a list of readings (dicts) or a table, got {type(readings).__name__}"
        )
    rows = list(readings)
    if len(rows) > 10_000:
        raise ValueError(f"readings: {len(rows):,} readings; at most 10,000 are read")
    return rows


def _missing(v) -> bool:
    if v is None:
        return True
    try:
        return bool(v != v)  # NaN / pandas NA
    except (TypeError, ValueError):
        return False


def measurements_from_readings(readings, case):
    """The response engine's input built from the reader's own readings (diameters in mm).

    One row per lesion and visit of ``case.truth``: ``kind``, ``organ`` and ``status`` (the
    reader's judgements a caliper cannot give: non-target status, typical/atypical new lesion)
    come from the case; ``ld_mm``, ``perp_mm``, ``viable_ld_mm`` and ``viable_perp_mm`` only from
    the readings (the last reading of each lesion, day and measure) - missing where the reader
    took none. ``patient`` is ``"Reader"``; ``name`` is kept.

    Raises ValueError for a reading of a lesion or day the case does not have, or of a
    non-measurable lesion (the portal vein thrombus).
    """
    import numpy as np

    table = readings_table(readings)
    truth = _truth_of(case)
    known = set(zip(truth["lesion"], truth["day"], strict=True))
    measurable = dict(zip(truth["lesion"], truth["organ"] != "portal_vein", strict=False))
    for r in _Rows(table):
        if r.lesion not in measurable:
            raise ValueError(
                f"lesion: {r.lesion!r} is not a lesion of the case (lesions: {', '.join(sorted(measurable))})"
            )
        if (r.lesion, r.day) not in known:
            days = sorted(d for les, d in known if les == r.lesion)
            raise ValueError(
                f"day: lesion {r.lesion} is not on the scans of day {r.day} (it is seen on days "
                f"{', '.join(map(str, days))})"
            )
        if not measurable[r.lesion]:
            raise ValueError(
                f"lesion: {r.lesion} is a tumour thrombus, non-measurable (a non-target): no diameters"
            )
    out = truth[[*_ENGINE_COLUMNS, "name"]].copy()
    out["patient"] = READER
    last = dict(
        zip(
            zip(table["lesion"], table["day"], table["measure"], strict=True), table["length_mm"], strict=True
        )
    )  # later readings overwrite earlier ones
    keys = list(zip(out["lesion"], out["day"], strict=True))
    for m in MEASURES:
        out[m] = np.array([last.get((les, int(d), m), np.nan) for les, d in keys], dtype=float)
    return out[["patient", "lesion", "day", "kind", "organ", *MEASURES, "status", "name"]]


class _Rows:
    """Rows of a small DataFrame as attribute records (faster than ``itertuples`` for a dozen rows)."""

    def __init__(self, frame):
        self._cols = list(frame.columns)
        self._values = [frame[c].tolist() for c in self._cols]

    def __iter__(self):
        from types import SimpleNamespace

        for row in zip(*self._values, strict=True):
            yield SimpleNamespace(**dict(zip(self._cols, row, strict=True)))


def _truth_of(case):
    truth = getattr(case, "truth", None)
    if truth is None or not hasattr(truth, "columns"):
        raise ValueError(f"case: expected a Case from hcckit.imaging.load_case, got {type(case).__name__}")
    return truth


# ---------------------------------------------------------------------------------------------
# verdicts


def _required(criterion: str, kind: str, is_base: bool, organ: str) -> tuple[str, ...]:
    """Measures the engine reads for one lesion row under ``criterion``."""
    from hcckit.response import CRITERION_COLUMNS

    if kind == "target":
        cols = CRITERION_COLUMNS[criterion]
        if criterion == "mRECIST" and is_base:  # measurability: LD >= 10 mm at baseline
            cols = ("ld_mm", *cols)
        return tuple(cols)
    if kind == "new" and criterion == "mRECIST" and organ == "liver":
        return ("ld_mm",)  # mRECIST counts a new intrahepatic nodule by its size
    return ()


_KEY_COLUMNS = (*_ENGINE_COLUMNS, *MEASURES)


def _records(key: tuple) -> list[dict]:
    return [dict(zip(_KEY_COLUMNS, row, strict=True)) for row in key]


def _criterion_input(records, criterion: str):
    """(rows the engine reads, missing {day: [words]}, baseline gaps [words]) for one criterion.

    ``records``: the measurement rows as dicts. Each row keeps only the measures the criterion
    needs (so an inconsistency in a measure it does not read cannot stop it); a row with a needed
    measure missing is left out.
    """

    base_day = min(int(r["day"]) for r in records)
    rows, missing, base_gaps = [], {}, []
    for r in records:
        need = _required(criterion, r["kind"], r["day"] == base_day, r["organ"])
        gap = [m for m in need if _missing(r.get(m))]
        if gap:
            words = ", ".join(f"{r['lesion']} {m}" for m in gap)
            missing.setdefault(int(r["day"]), []).append(words)
            if r["day"] == base_day and r["kind"] == "target":
                base_gaps.append(words)
            continue
        rows.append(_engine_row(r, need))
    return rows, missing, base_gaps


def _engine_row(record: dict, need) -> dict:
    """One engine input row: the record's identity columns and only the measures in ``need`` (mm)."""
    row = {c: record[c] for c in _ENGINE_COLUMNS}
    for m in MEASURES:
        row[m] = float(record[m]) if m in need else float("nan")
    return row


def _key(rows) -> tuple:
    """Hashable form of measurement rows (dicts or a DataFrame): NaN/NA as None."""
    if hasattr(rows, "to_dict"):
        rows = rows[list(_KEY_COLUMNS)].to_dict("records")
    return tuple(tuple(r[c] if not _missing(r[c]) else None for c in _KEY_COLUMNS) for r in rows)


#: engine verdicts per (criterion, input rows): (table, error or None); bounded, oldest dropped first
_ENGINE_CACHE: dict = {}
_ENGINE_CACHE_MAX = 512


def _remember(key, value):
    if len(_ENGINE_CACHE) >= _ENGINE_CACHE_MAX:
        _ENGINE_CACHE.pop(next(iter(_ENGINE_CACHE)))
    _ENGINE_CACHE[key] = value
    return value


def _frame(key):
    import pandas as pd

    frame = pd.DataFrame(list(key), columns=[*_ENGINE_COLUMNS, *MEASURES])
    frame["status"] = frame["status"].astype(object)
    return frame


def _assess_key(criterion: str, key: tuple):
    """Engine verdicts of one criterion for the rows in ``key`` (cached): (table, error or None)."""
    from hcckit.response import assess

    hit = _ENGINE_CACHE.get((criterion, key))
    if hit is not None:
        return hit
    try:
        value = (assess(_frame(key), criterion), None)
    except ValueError as exc:  # the reader's numbers contradict each other (e.g. viable > whole)
        value = (None, str(exc))
    return _remember((criterion, key), value)


def _prefetch(key: tuple, criteria) -> None:
    """Assess the criteria whose input is not cached in one ``assess_all`` call (validated once).

    Only when every criterion reads every row (no measure missing): the one table then holds, per
    row, the measures any of them reads, and each criterion's verdicts are what :func:`_assess_key`
    would compute on its own table (``tests/test_imaging_measure.py`` checks it). Otherwise, or if
    the engine refuses the combined table, nothing is stored and each criterion runs alone.
    """

    from hcckit.response import assess_all

    records = _records(key)
    todo, need_by_row = {}, None
    for c in criteria:
        rows, _gaps_by_day, _base_gaps = _criterion_input(records, c)
        if len(rows) != len(records):
            return
        k = _key(rows)
        if (c, k) not in _ENGINE_CACHE:
            todo[c] = k
            cols = [tuple(m for m in MEASURES if not _missing(r[m])) for r in rows]
            need_by_row = (
                cols
                if need_by_row is None
                else [set(a) | set(b) for a, b in zip(need_by_row, cols, strict=True)]
            )
    if len(todo) < 2:
        return
    rows = [_engine_row(r, need) for r, need in zip(records, need_by_row, strict=True)]
    try:
        table = assess_all(_frame(_key(rows)), criteria=list(todo))
    except ValueError:
        return
    for c, k in todo.items():
        _remember((c, k), (table[table["criterion"] == c].reset_index(drop=True), None))


def _verdicts(meas, criterion: str):
    """Per-visit verdicts of one criterion with the gaps applied: DataFrame (day, response, reason, sums)."""
    return _verdicts_key(criterion, meas if isinstance(meas, tuple) else _key(meas))


@functools.lru_cache(maxsize=256)
def _verdicts_key(criterion: str, key: tuple):
    import pandas as pd

    records = _records(key)
    days = sorted({int(r["day"]) for r in records})
    rows, missing, base_gaps = _criterion_input(records, criterion)

    def frame(resp, reason):
        return pd.DataFrame(
            {
                "day": days,
                "response": resp,
                "reason": reason,
                "sum": float("nan"),
                "unit": "",
                "pct_change_baseline": float("nan"),
            }
        )

    if base_gaps:
        why = f"not evaluable: baseline incomplete (not measured: {'; '.join(base_gaps)})"
        return frame(["NE"] * len(days), [why] * len(days)), missing
    table, error = _assess_key(criterion, _key(rows))
    if error is not None:
        why = f"not evaluable: the measurements do not fit together ({error})"
        return frame(["NE"] * len(days), [why] * len(days)), missing
    table = table.sort_values("day").reset_index(drop=True)
    resp = [
        ("baseline" if d == days[0] else str(r)) for d, r in zip(table["day"], table["response"], strict=True)
    ]
    reason = list(table["reason"])
    for i, d in enumerate(table["day"]):
        gaps = missing.get(int(d))
        if gaps and d != days[0]:
            if resp[i] != "PD":
                resp[i] = "NE"
                reason[i] = (
                    f"not evaluable: not measured: {'; '.join(gaps)} (engine on the rest: {reason[i]})"
                )
            else:
                reason[i] = f"{reason[i]} (not measured: {'; '.join(gaps)})"
    out = pd.DataFrame(
        {
            "day": table["day"].astype(int),
            "response": resp,
            "reason": reason,
            "sum": table["sum"].astype(float),
            "unit": table["unit"].astype(str),
            "pct_change_baseline": table["pct_change_baseline"].astype(float),
        }
    )
    return out, missing


def _best_visit_key(visits) -> tuple:
    return tuple(zip(visits["day"].astype(int), visits["response"], strict=True))


#: best responses per (criterion, ((day, response), ...)), bounded like the engine cache
_BEST_CACHE: dict = {}


def _best(visits, criterion):
    """Best overall response (confirmed, unconfirmed) from per-visit verdicts, by the engine."""
    return _best_many([(criterion, _best_visit_key(visits))])[0]


def _best_many(items):
    """:func:`_best` for several (criterion, visit key) at once: one ``best_response`` call."""
    import pandas as pd

    from hcckit.response import RESPONSES, best_response

    todo = [it for it in dict.fromkeys(items) if it not in _BEST_CACHE]
    if todo:
        rows = [
            (crit, i, day, None if r == "baseline" else r)
            for i, (crit, key) in enumerate(todo)
            for day, r in key
        ]
        tp = pd.DataFrame(rows, columns=["criterion", "patient", "day", "response"])
        tp["response"] = pd.Categorical(tp["response"], categories=list(RESPONSES), ordered=True)
        best = best_response(tp)
        for b in best.to_dict("records"):
            if len(_BEST_CACHE) >= _ENGINE_CACHE_MAX:
                _BEST_CACHE.pop(next(iter(_BEST_CACHE)))
            _BEST_CACHE[todo[int(b["patient"])]] = {
                k: b[k] for k in ("best_confirmed", "best_unconfirmed", "best_day", "reason")
            }
    return [_BEST_CACHE[it] for it in items]


def compare_verdicts(readings, case, *, criteria=_CRITERIA):
    """Verdicts from the reader's measurements beside the verdicts from the ground truth.

    Parameters
    ----------
    readings : list of dicts or DataFrame
        The reader's caliper readings (module docstring).
    case : Case
        From :func:`hcckit.imaging.load_case`.
    criteria : sequence of str
        Any of ``"RECIST 1.1"``, ``"mRECIST"``, ``"WHO"``, ``"EASL"``.

    Returns
    -------
    pandas.DataFrame
        One row per criterion and visit (``row`` = ``"visit"``; ``response`` ``baseline`` on
        the baseline) and two per criterion for the best overall response (``row`` =
        ``"best_confirmed"``: confirmation of CR/PR >= 28 days later required;
        ``"best_unconfirmed"``). Columns: ``criterion``, ``row``, ``day`` (days from TACE; for
        best rows the first day of the best response), ``reader_response``, ``truth_response``,
        ``agree`` (bool), ``reader_reason``, ``truth_reason`` (the rules that fired, from the
        engine), ``reader_sum``, ``truth_sum`` (target sum: mm, or mm² for WHO/EASL), ``unit``,
        ``reader_pct_change_baseline``, ``truth_pct_change_baseline`` (%), ``not_measured``
        (measures this criterion needed that the reader did not take) and ``synthetic``.
    """
    import pandas as pd

    from hcckit.response import criterion_name

    names = _criteria_names(criteria, criterion_name)
    reader = measurements_from_readings(readings, case)
    truth = _truth_of(case)
    truth_meas = truth[["patient", "lesion", "day", "kind", "organ", *MEASURES, "status"]]
    reader_key, truth_key = _key(reader), _key(truth_meas)
    _prefetch(reader_key, names)
    _prefetch(truth_key, names)
    verdicts = {crit: (_verdicts(reader_key, crit), _verdicts(truth_key, crit)[0]) for crit in names}
    bests = _best_many(
        [(c, _best_visit_key(v[0][0])) for c, v in verdicts.items()]
        + [(c, _best_visit_key(v[1])) for c, v in verdicts.items()]
    )
    out = []
    for i, crit in enumerate(names):
        (rv, missing), tv = verdicts[crit]
        for a, b in zip(_Rows(rv), _Rows(tv), strict=True):
            out.append(
                {
                    "criterion": crit,
                    "row": "visit",
                    "day": a.day,
                    "reader_response": a.response,
                    "truth_response": b.response,
                    "agree": a.response == b.response,
                    "reader_reason": a.reason,
                    "truth_reason": b.reason,
                    "reader_sum": a.sum,
                    "truth_sum": b.sum,
                    "unit": b.unit or a.unit,
                    "reader_pct_change_baseline": a.pct_change_baseline,
                    "truth_pct_change_baseline": b.pct_change_baseline,
                    "not_measured": "; ".join(missing.get(int(a.day), [])),
                }
            )
        rb, tb = bests[i], bests[len(names) + i]
        for row, col in (("best_confirmed", "best_confirmed"), ("best_unconfirmed", "best_unconfirmed")):
            r_cat, t_cat = str(rb[col]), str(tb[col])
            out.append(
                {
                    "criterion": crit,
                    "row": row,
                    "day": tb["best_day"] if pd.notna(tb["best_day"]) else rb["best_day"],
                    "reader_response": r_cat,
                    "truth_response": t_cat,
                    "agree": r_cat == t_cat,
                    "reader_reason": str(rb["reason"]),
                    "truth_reason": str(tb["reason"]),
                    "reader_sum": float("nan"),
                    "truth_sum": float("nan"),
                    "unit": "",
                    "reader_pct_change_baseline": float("nan"),
                    "truth_pct_change_baseline": float("nan"),
                    "not_measured": "",
                }
            )
    frame = pd.DataFrame(out)
    frame["day"] = pd.array(frame["day"], dtype="Int64")
    frame["agree"] = frame["agree"].astype(bool)
    frame["synthetic"] = bool(getattr(case, "synthetic", True))
    return frame


def _criteria_names(criteria, criterion_name):
    if isinstance(criteria, str):
        criteria = (criteria,)
    if not hasattr(criteria, "__iter__"):
        raise ValueError(f"criteria: expected a list of criterion names, got {criteria!r}")
    names = []
    for c in criteria:
        try:
            names.append(criterion_name(c))
        except (ValueError, TypeError, AttributeError):
            raise ValueError(
                f"criteria: unknown criterion {c!r}; choose from {', '.join(_CRITERIA)}"
            ) from None
    if not names:
        raise ValueError("criteria: no criterion given")
    return list(dict.fromkeys(names))


def reading_errors(readings, case):
    """The reader's error per lesion, visit and measure, against the ground truth (mm).

    One row per measure a lesion has in the truth (targets: all four; new lesions: their
    longest diameter) and per further measure the reader took. Columns: ``lesion``, ``name``,
    ``day``, ``measure``, ``reader_mm`` (missing when not measured), ``truth_mm``, ``error_mm``
    (reader - truth), ``error_pct`` (% of the truth; missing when the truth is 0), ``phase``,
    ``slice`` (of the reading), ``truth_slice`` (slice of the longest diameter) and ``note``
    (not measured, wrong phase or slice for the measure, viable part larger than the lesion).
    """
    import numpy as np
    import pandas as pd

    table = readings_table(readings)
    reader = measurements_from_readings(table, case)
    truth = _truth_of(case)
    last = table.drop_duplicates(["lesion", "day", "measure"], keep="last").set_index(
        ["lesion", "day", "measure"]
    )
    rows = []
    for t, r in zip(truth.to_dict("records"), reader.to_dict("records"), strict=True):
        if t["organ"] == "portal_vein":
            continue
        expected = MEASURES if t["kind"] == "target" else ("ld_mm",)
        for m in MEASURES:
            key = (t["lesion"], t["day"], m)
            taken = key in last.index
            if m not in expected and not taken:
                continue
            rd = last.loc[key] if taken else None
            reader_mm = float(r[m]) if taken else np.nan
            truth_mm = float(t[m])
            notes = []
            if not taken:
                notes.append("not measured")
            else:
                phase = rd["phase"]
                if m.startswith("viable") and phase == "portal_venous":
                    notes.append(
                        "viable part measured on the portal-venous phase: it is read on the arterial phase"
                    )
                sl = rd["slice"]
                if sl is not None and not pd.isna(sl) and truth_mm > 0 and int(sl) != int(t["slice"]):
                    notes.append(
                        f"measured on slice {int(sl)}; the longest diameter is on slice {int(t['slice'])}"
                    )
                whole = {"viable_ld_mm": "ld_mm", "viable_perp_mm": "perp_mm"}.get(m)
                if whole and not _missing(r[whole]) and reader_mm > float(r[whole]):
                    notes.append(
                        f"larger than the {_MEASURE_WORDS[whole]} you measured ({float(r[whole]):g} mm)"
                    )
            err = reader_mm - truth_mm if taken else np.nan
            rows.append(
                {
                    "lesion": t["lesion"],
                    "name": t["name"],
                    "day": int(t["day"]),
                    "measure": m,
                    "reader_mm": reader_mm,
                    "truth_mm": truth_mm,
                    "error_mm": err,
                    "error_pct": (100.0 * err / truth_mm) if taken and truth_mm > 0 else np.nan,
                    "phase": rd["phase"] if taken else None,
                    "slice": (None if rd["slice"] is None or pd.isna(rd["slice"]) else int(rd["slice"]))
                    if taken
                    else None,
                    "truth_slice": int(t["slice"]),
                    "note": "; ".join(notes),
                }
            )
    out = pd.DataFrame(rows)
    out["slice"] = pd.array(out["slice"], dtype="Int64")
    return out
