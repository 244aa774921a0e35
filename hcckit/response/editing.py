"""Editor helpers of the lesson: change one lesion's row, the progression thresholds each visit
is compared with, and what mRECIST's optional +5 mm clause changes."""

from __future__ import annotations

import math
import numbers

from hcckit.response._validate import (
    _check_bool,
    _check_frame,
    _check_responses,
    _check_single_values,
    _fail,
    _hashable,
)
from hcckit.response.criteria import MAX_DAY, MAX_MM
from hcckit.response.engine import assess_all

__all__ = ["edit_measurements", "progression_thresholds", "five_mm_clause_effect"]


def edit_measurements(measurements, *, lesion, day: int, drop: bool = False, **values):
    """Return a copy of ``measurements`` with one lesion's row at ``day`` changed.

    ``values`` are column=value pairs (``ld_mm=48``, ``status="unequivocal"``). If the row
    does not exist it is added (kind ``new`` unless given; organ ``liver``); ``drop=True``
    removes it (the lesion is then "not assessed" on that day). Rows stay in day order.
    Patient: the table's only patient (raises if there are several).
    """
    import pandas as pd

    _check_frame(measurements, "measurements", ("patient", "lesion", "day"))
    _check_single_values(measurements, ("patient", "lesion", "day"))
    pats = measurements["patient"].unique()
    if len(pats) != 1:
        raise ValueError("measurements: edit_measurements works on a one-patient table")
    if not _hashable(lesion) or lesion is None or (isinstance(lesion, float) and math.isnan(lesion)):
        raise ValueError(f"lesion: must be a lesion id (text or a number), got {lesion!r}")
    if (
        type(day).__name__ in ("bool", "bool_")
        or not isinstance(day, numbers.Real)
        or not math.isfinite(day)
        or day % 1 != 0
        or abs(day) > MAX_DAY
    ):
        raise ValueError(f"day: must be a whole number of days from -{MAX_DAY} to {MAX_DAY}, got {day!r}")
    _check_bool(drop, "drop")
    for k in ("patient", "lesion", "day"):
        if k in values:
            raise ValueError(f"{k}: pass it as the argument (lesion=, day=), not as a value to set")
    df = measurements.copy()
    hit = (df["lesion"] == lesion) & (df["day"] == day)
    unknown = [
        k
        for k in values
        if k not in df.columns and k not in ("status", "cytology", "too_small", "sa_mm", "is_node")
    ]
    if unknown:
        raise ValueError(f"{unknown[0]}: not a measurement column")
    for k, v in values.items():  # one cell each: a list or an array is not a measurement
        if not isinstance(v, (str, numbers.Number, type(None))) and v is not pd.NA:
            raise ValueError(f"{k}: must be one value (a number or text), got {type(v).__name__} {v!r:.60}")
    if drop:
        return df[~hit].reset_index(drop=True)
    if hit.any():
        for k, v in values.items():
            if k not in df.columns:
                df[k] = (
                    pd.NA
                    if k in ("status", "cytology")
                    else (False if k in ("too_small", "is_node") else float("nan"))
                )
                if k in ("status", "cytology"):
                    df[k] = df[k].astype(object)
            df.loc[hit, k] = v
    else:
        row = {"patient": pats[0], "lesion": lesion, "day": day, "kind": "new", "organ": "liver"}
        if "synthetic" in df.columns:
            row["synthetic"] = bool(df["synthetic"].iloc[0])
        row.update(values)
        df = pd.concat([df, pd.DataFrame([row])], ignore_index=True)
    return df.sort_values(["day", "lesion"], kind="stable").reset_index(drop=True)


def progression_thresholds(data):
    """Each follow-up visit's RECIST 1.1 and mRECIST progression threshold, as % of baseline.

    ``data`` is :func:`hcckit.response.assess_all` output. The threshold is taken from the nadir
    the visit is compared with: RECIST 1.1 needs a sum >= 120 % of the nadir and >= 5 mm above it;
    mRECIST (Lencioni & Llovet 2010) >= 120 % of the viable nadir. Columns: ``criterion``,
    ``day``, ``nadir_sum`` (mm), ``pd_threshold_sum`` (mm), ``pd_threshold_pct`` (% change from
    baseline at which the visit becomes PD).
    """
    import numpy as np
    import pandas as pd

    need = {"criterion", "day", "baseline_sum", "nadir_sum"}
    _check_frame(data, "data")
    if not need <= set(data.columns):
        raise ValueError(f"data: columns missing {sorted(need - set(data.columns))}")
    data = data.reset_index(drop=True)
    _check_single_values(data, ("criterion", "day", "baseline_sum", "nadir_sum"), "column", "data")
    rows = data[data["criterion"].isin(["RECIST 1.1", "mRECIST"]) & data["nadir_sum"].notna()].copy()
    for col, low in (("nadir_sum", 0.0), ("baseline_sum", 0.0)):
        num = pd.to_numeric(rows[col].map(lambda v: None if isinstance(v, bool) else v), errors="coerce")
        bad = ~np.isfinite(num.astype(float)) | (num < low) | (num > 5 * MAX_MM)
        if col == "baseline_sum":
            bad |= num == 0
        if bad.any():
            _fail(
                rows,
                bad.to_numpy(),
                col,
                f"must be a finite sum {'> 0' if col == 'baseline_sum' else '>= 0'} mm (at most "
                f"{5 * MAX_MM:g}), got {rows[col][bad].iloc[0]!r} (in data)",
                what="column",
            )
        rows[col] = num.astype(float)
    nadir = rows["nadir_sum"].astype(float)
    threshold = 1.2 * nadir
    recist = rows["criterion"].eq("RECIST 1.1")
    threshold[recist] = np.maximum(threshold[recist], nadir[recist] + 5)
    rows["pd_threshold_sum"] = threshold
    rows["pd_threshold_pct"] = 100 * (threshold / rows["baseline_sum"].astype(float) - 1)
    return rows[["criterion", "day", "nadir_sum", "pd_threshold_sum", "pd_threshold_pct"]].reset_index(
        drop=True
    )


def five_mm_clause_effect(measurements, *, assessed=None) -> tuple[int, int]:
    """How many follow-up visits mRECIST's optional +5 mm clause changes, of how many.

    Runs :func:`assess` under mRECIST with and without ``mrecist_5mm`` and counts the visits
    (baseline excluded) whose timepoint response differs. ``assessed``: an :func:`assess_all`
    result of the same table without the clause, if the caller has one (its mRECIST rows are
    used instead of assessing again). Returns ``(changed, follow_up_visits)``.
    """
    five = assess_all(measurements, criteria=["mRECIST"], mrecist_5mm=True)
    if assessed is None:
        plain = assess_all(measurements, criteria=["mRECIST"])
    else:
        _check_frame(assessed, "assessed", ("criterion", "patient", "day", "response"))
        plain = assessed[assessed["criterion"] == "mRECIST"].reset_index(drop=True)
        same = len(plain) == len(five)
        if same:
            for col in ("patient", "day"):
                same &= list(plain[col]) == list(five[col])
        if not same:
            raise ValueError(
                "assessed: its mRECIST rows are not the visits of measurements (pass assess_all() of "
                "the same table, or None)"
            )
        _check_responses(plain, "response", "assessed", allow_missing=True)
    follow = plain["response"].notna().to_numpy()
    changed = (plain["response"].astype(str).to_numpy() != five["response"].astype(str).to_numpy()) & follow
    return int(changed.sum()), int(follow.sum())
