"""Tumour response criteria for HCC: RECIST 1.1, mRECIST, WHO and EASL, on lesion measurements.

Why this module exists: the same patients can show a 47 % response rate by RECIST 1.1 and
67 % by mRECIST (ChiCTR2100049829). Calculators that get the basic rules wrong (progression
measured from baseline instead of nadir, complete response as "sum == 0", no confirmation)
make that difference impossible to teach. This engine applies each criterion as its primary
source writes it, with exact arithmetic, and every verdict says which rule fired.

Main functions
--------------
:func:`assess`          one criterion: one row per patient and assessment day
:func:`assess_all`      several criteria at once (adds a ``criterion`` column)
:func:`best_response`   best overall response per patient, with and without confirmation
:func:`best_change`     best % change of the target sum per patient (waterfall data)
:func:`lesion_table`    per-lesion, per-visit measure each criterion uses (the "why")
:func:`response_rates`  CR/PR/SD/non-CR/non-PD/PD/NE, ORR and DCR with exact Clopper-Pearson
                        intervals
:func:`discordance_table` cross-table of best responses under two criteria
:func:`trial_rates`     reported response rates of the curated trials, CIs recomputed
:func:`target_category` the RECIST 1.1 target-lesion rule on integer sums (lesson exercise)
:func:`teaching_cohort`, :func:`necrotic_patient`  SYNTHETIC teaching data (labelled so)

Input: one row per lesion per assessment
----------------------------------------
========== ==================================================================================
patient    patient id (any hashable value)
lesion     lesion id, unique within the patient
day        assessment day, whole days from treatment start; the patient's first day is the
           baseline
kind       ``target``, ``non_target`` or ``new``; constant for a lesion. Targets and
           non-targets must be present at baseline; a lesion first seen later is ``new``
organ      ``liver`` for intrahepatic lesions; anything else is extrahepatic. All lymph nodes
           count as one organ for the target limits. ``portal_vein`` (tumour thrombus) is
           non-measurable; ``ascites``/``effusion``/``pleural_effusion`` are effusions.
           Optional (default ``liver``)
is_node    lymph node (bool, optional, default False); ``organ="porta_hepatis"`` for porta
           hepatis nodes (mRECIST: malignant only if short axis >= 20 mm)
ld_mm      longest diameter (mm); 0 = the lesion disappeared
sa_mm      short axis of a lymph node (mm)
viable_ld_mm     longest diameter of the arterially enhancing (viable) part (mm); mRECIST
perp_mm          greatest diameter perpendicular to ``ld_mm`` (mm); WHO
viable_perp_mm   perpendicular diameter of the viable part (mm); EASL
infiltrative  infiltrative HCC without measurable margins (bool, optional, default False):
           non-measurable, so the lesion must be ``non_target`` (Llovet & Lencioni, J Hepatol
           2020); a ``target`` marked infiltrative raises ``ValueError``
too_small  radiologist: present but too small to measure (bool, optional). When the
           measure a criterion needs is missing, the default ``too_small_mm`` (5 mm) is used;
           a recorded value is always used as recorded, even below 5 mm
status     non-target: ``CR`` / ``non_CR_non_PD`` / ``PD`` (mRECIST also ``IR_SD``);
           new lesion: ``equivocal`` / ``unequivocal`` / ``typical`` / ``atypical``
           (the reader's judgement - never inferred). mRECIST reads ``unequivocal`` on an
           intrahepatic new lesion as ``typical`` (counts only at LD >= 10 mm)
cytology   ``positive`` / ``negative`` for effusions (optional)
fragment   optional: label of the fragment of a lesion that split; fragments of one lesion
           on one day are summed
========== ==================================================================================

Columns a criterion does not use may be absent. A lesion not assessed at a visit is simply
absent from that visit (the visit becomes NE, unless the lesions measured already show PD).
Bad input (negative or missing diameters, duplicate rows, a target first seen at follow-up,
rows out of day order, unknown names) raises ``ValueError`` naming patient, lesion, day and
field - never a silently wrong answer. Absurd numbers are refused too: diameters above
:data:`MAX_MM` (500 mm) and days beyond +/- :data:`MAX_DAY` (20,000 days); ids and labels
must be single values (text or numbers), not lists or dicts.

Exact arithmetic
----------------
Diameters are rounded to 0.01 mm and held as integers of hundredths of a mm (products in
1e-4 mm^2), so thresholds are exact integer comparisons: PR ``10*S <= 7*B``; RECIST PD
``5*S >= 6*N and S - N >= 5 mm``; WHO PR ``2*S <= B``, PD ``4*S >= 5*N``. A fall from 28.0 to
19.6 mm is exactly -30 % and is PR.

Sources (where this module and the specification page differ, the source wins)
-------------------------------------------------------------------------------
- RECIST 1.1: Eisenhauer EA et al. Eur J Cancer 2009;45:228-247 (doi:10.1016/j.ejca.2008.10.026);
  nodes: Schwartz LH et al. Eur J Cancer 2009;45:261-267; EORTC RECIST FAQ.
- mRECIST: Lencioni R, Llovet JM. Semin Liver Dis 2010;30:52-60 (doi:10.1055/s-0030-1247132);
  Llovet JM, Lencioni R. J Hepatol 2020;72:288-306.
- WHO: Miller AB et al. Cancer 1981;47:207-214.
- EASL: Bruix J et al. J Hepatol 2001;35:421-430; operational table of Riaz A et al.
  J Hepatol 2011.

Choices the specification page leaves open, or where the source text decides
------------------------------------------------------------------------------
- Target CR is tested before PD: nodes below 10 mm short axis are normal (Schwartz 2009), so
  a nodal target growing from 5 to 9 mm after CR is not progression even if the sum rises
  20 % and 5 mm. Then PD before PR, as the page says.
- WHO/EASL progression defaults to "one or more measurable lesions" increasing >= 25 %
  (Miller 1981's wording) from each lesion's nadir; ``who_pd="sum"`` and
  ``who_reference="baseline"`` give the other readings in the literature.
- The cytology rule for effusions is applied under every criterion (mRECIST says so; RECIST
  1.1 section 4.3.4 asks for cytology "when the measurable tumour has met criteria for
  response or stable disease"). So cytology decides only when the effusion would be the only
  reason for PD; at a visit that is PD on other grounds the reader's PD stands.
- RECIST 1.1 Table 2's "non-CR/non-PD" (non-target disease only) is its own category
  (:data:`NON_CR_NON_PD`), not SD (RECIST 1.1 section 4.3.3: SD is an efficacy end point).
  Counting it towards DCR is a protocol choice, off by default (:func:`response_rates`).
- mRECIST "atypical nodule counts after >= 10 mm growth": PD is dated back to the scan that
  first showed it, as RECIST 1.1 does for an equivocal lesion later confirmed.
- mRECIST new intrahepatic lesions: uploaded files use RECIST's words; ``unequivocal`` is read
  as the typical pattern, so it counts only at LD >= 10 mm (Lencioni & Llovet 2010). A
  sub-centimetre nodule labelled unequivocal is therefore PD under RECIST 1.1, not mRECIST.
- Reappearance after an overall CR is PD whatever the size (EORTC RECIST FAQ "Does a new
  lesion always result in PD?"; RECIST 1.1 Table 3 footnote). The FAQ limits this to a CR
  *overall*: when targets had gone but non-target disease remained, a reappearing target
  is added to the sum and the +20 %/+5 mm rule applies. The specification page says the
  same.
- Continued PR (EORTC RECIST FAQ "The definition of SD: a clarification" and "Managing PR
  when TP measurements change slightly over time"): after a confirmed PR, a later visit is
  PR unless PD is met from the nadir. The specification page only defines PR against the
  baseline; the FAQ wins, and ``continued_pr="off"`` gives the visit-by-visit reading.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass

__all__ = [
    "CRITERIA",
    "RESPONSES",
    "NON_CR_NON_PD",
    "criterion_name",
    "assess",
    "assess_all",
    "best_response",
    "best_change",
    "lesion_table",
    "target_category",
    "TargetVerdict",
    "explain_target",
    "response_rates",
    "discordance_table",
    "trial_rates",
    "teaching_cohort",
    "necrotic_patient",
    "edit_measurements",
    "progression_thresholds",
    "five_mm_clause_effect",
    "criteria_supported",
]

CRITERIA = ("RECIST 1.1", "mRECIST", "WHO", "EASL")
#: Name of RECIST 1.1 Table 2's category for non-target disease only that is neither CR nor PD.
NON_CR_NON_PD = "non-CR/non-PD"
#: Timepoint and best-response categories, in the order of the ordered categorical (best first).
RESPONSES = ("CR", "PR", "SD", NON_CR_NON_PD, "PD", "NE")

#: Largest diameter accepted (mm): no liver lesion is half a metre across. It also keeps the
#: integer arithmetic exact (a product of two diameters in 1e-4 mm^2 stays far below 2**53).
#: The one bound for diameters: uploads (:mod:`hcckit.uploads`) use it too.
MAX_MM = 500.0
#: Largest assessment day accepted either side of day 0 (days; about 55 years); uploads use it too.
MAX_DAY = 20_000

_U = 100  # internal integer units per mm (hundredths of a mm)
_KINDS = ("target", "non_target", "new")
_NT_STATUS = ("cr", "non_cr_non_pd", "ir_sd", "pd")
_NEW_STATUS = ("equivocal", "unequivocal", "typical", "atypical")
_EFFUSIONS = ("ascites", "effusion", "pleural_effusion", "pericardial_effusion")
_LIVER = ("liver", "intrahepatic", "hepatic")
_DIAMETERS = ("ld_mm", "sa_mm", "viable_ld_mm", "perp_mm", "viable_perp_mm")
_PRODUCT = {"RECIST 1.1": False, "mRECIST": False, "WHO": True, "EASL": True}
_VIABLE = {"RECIST 1.1": False, "mRECIST": True, "WHO": False, "EASL": True}

_ALIASES = {
    "recist11": "RECIST 1.1",
    "recist": "RECIST 1.1",
    "recistv11": "RECIST 1.1",
    "mrecist": "mRECIST",
    "who": "WHO",
    "who1981": "WHO",
    "easl": "EASL",
}


def criterion_name(name) -> str:
    """Return the canonical name (``"RECIST 1.1"``, ``"mRECIST"``, ``"WHO"``, ``"EASL"``).

    Case, spaces, dots, dashes and underscores are ignored (``"recist_1.1"`` works); anything
    else raises ``ValueError`` listing the allowed names.
    """
    key = re.sub(r"[\s._-]", "", name.lower()) if isinstance(name, str) else None
    if key not in _ALIASES:
        raise ValueError(f"criterion: unknown criterion {name!r}; choose one of {', '.join(CRITERIA)}")
    return _ALIASES[key]


# =========================================================================== options
@dataclass(frozen=True)
class _Options:
    too_small_mm: float = 5.0
    recist_abs_mm: float = 5.0
    mrecist_5mm: bool = False
    max_targets: int | None = 5
    max_per_organ: int | None = 2
    who_pd: str = "lesion"
    who_reference: str = "nadir"
    who_inclusive: bool = True
    effusion_needs_cytology: bool = True
    continued_pr: str = "confirmed"
    confirm_days: int = 28

    def __post_init__(self):
        for name in ("too_small_mm", "recist_abs_mm"):
            v = getattr(self, name)
            if (
                isinstance(v, bool)
                or not isinstance(v, (int, float))
                or not math.isfinite(v)
                or not 0 <= v <= MAX_MM
            ):
                raise ValueError(f"{name}: must be a number from 0 to {MAX_MM:g} (mm), got {v!r}")
        for name in ("mrecist_5mm", "who_inclusive", "effusion_needs_cytology"):
            _check_bool(getattr(self, name), name)
        for name in ("max_targets", "max_per_organ"):
            v = getattr(self, name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
                raise ValueError(f"{name}: must be a whole number >= 1 or None (no limit), got {v!r}")
        for name in ("who_pd", "who_reference", "continued_pr"):
            if not isinstance(getattr(self, name), str):
                raise ValueError(f"{name}: must be text, got {getattr(self, name)!r}")
        if self.who_pd not in ("lesion", "sum"):
            raise ValueError(f"who_pd: must be 'lesion' or 'sum', got {self.who_pd!r}")
        if self.who_reference not in ("nadir", "baseline"):
            raise ValueError(f"who_reference: must be 'nadir' or 'baseline', got {self.who_reference!r}")
        if self.continued_pr not in ("confirmed", "any", "off"):
            raise ValueError(f"continued_pr: must be 'confirmed', 'any' or 'off', got {self.continued_pr!r}")
        v = self.confirm_days
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ValueError(f"confirm_days: must be a whole number of days >= 0, got {v!r}")


# =========================================================================== validation
def _fail(df, mask, field: str, problem: str, what: str = "field"):
    """Raise ValueError naming the first offending row (patient, lesion, day) and the field.

    Tables without a ``lesion`` column (assessments, best responses) name the criterion,
    patient and day they have; a table with none of them names the row number (1 = first).
    """
    import numpy as np

    mask = np.asarray(mask, dtype=bool)
    pos = int(np.flatnonzero(mask)[0])
    row = df.iloc[pos]
    more = int(mask.sum()) - 1
    extra = f" ({more} more row{'s' if more > 1 else ''} with the same problem)" if more else ""

    def plain(v):  # numpy scalars print as np.int64(1): show the Python value
        v = v.item() if hasattr(v, "item") and not isinstance(v, (list, dict)) else v
        return int(v) if isinstance(v, float) and v.is_integer() and abs(v) < 1e15 else v

    if "patient" in row.index and "lesion" in row.index:
        day = plain(row["day"]) if "day" in row.index else "?"
        where = f"patient {plain(row['patient'])!r}, lesion {plain(row['lesion'])!r}, day {day}"
    else:
        parts = [f"row {pos + 1}"]
        parts += [
            f"{c} {plain(row[c])!r}" for c in ("criterion", "trial_id", "arm_id", "patient") if c in row
        ]
        if "day" in row.index:
            parts.append(f"day {plain(row['day'])}")
        where = ", ".join(parts)
    raise ValueError(f"{where}: {what} '{field}' {problem}{extra}")


def _check_bool(value, name: str) -> bool:
    """Return ``value`` if it is True or False (numpy bools too), else raise ValueError naming it."""
    if type(value).__name__ not in ("bool", "bool_"):
        raise ValueError(f"{name}: must be True or False, got {value!r}")
    return bool(value)


def _check_frame(value, name: str, columns=(), hint: str = ""):
    """Raise TypeError unless ``value`` is a DataFrame, ValueError if it lacks ``columns``."""
    import pandas as pd

    if not isinstance(value, pd.DataFrame):
        raise TypeError(f"{name}: expected a pandas DataFrame, got {type(value).__name__}")
    if value.columns.duplicated().any():
        dup = value.columns[value.columns.duplicated()][0]
        raise ValueError(f"{name}: column {dup!r} appears more than once")
    missing = [c for c in columns if c not in value.columns]
    if missing:
        raise ValueError(f"{name}: required column(s) missing: {', '.join(map(str, missing))}{hint}")


def _hashable(v) -> bool:
    try:
        hash(v)
    except TypeError:
        return False
    return True


def _check_single_values(df, columns, name: str = "field", table: str = "measurements"):
    """Raise ValueError naming the row if a cell of ``columns`` is a list, dict or other container."""
    for col in columns:
        if col in df.columns and df[col].dtype == object:
            bad = ~df[col].map(_hashable).to_numpy(dtype=bool)
            if bad.any():
                value = df[col].to_numpy()[bad][0]
                _fail(
                    df,
                    bad,
                    col,
                    f"must be a single value (text or a number), got a {type(value).__name__}: {value!r} "
                    f"(in {table})",
                    what=name,
                )


def _check_responses(df, column: str, arg: str, allow_missing: bool):
    """Raise ValueError naming the row if ``column`` holds something that is not a response category."""
    s = df[column].astype(object)
    ok = s.isin(list(RESPONSES))
    if allow_missing:
        ok |= s.isna()
    if not ok.all():
        _fail(
            df,
            ~ok.to_numpy(dtype=bool),
            column,
            f"must be one of {', '.join(RESPONSES)}, got {s[~ok].iloc[0]!r} (in {arg})",
            what="column",
        )


def _norm_text(series):
    """Lower-case, strip, and turn spaces, dashes and slashes into underscores (NaN stays NaN).

    Works on the distinct values only (a 30,000-row table has a handful), then maps back.
    """
    import pandas as pd

    s = series.astype("object")
    uniq = pd.unique(s[s.notna()])
    table = {u: re.sub(r"[\s/\-]+", "_", str(u).strip().lower()) for u in uniq}
    return s.map(table)


def _recode(series, mapping):
    """Replace some values (object dtype kept; no pandas downcasting)."""
    hit = series.isin(list(mapping))
    return series.where(~hit, series.map(mapping)) if hit.any() else series


def _prepare(measurements):
    """Validate the input table and return a normalised copy sorted by patient, day, lesion.

    Checks that do not depend on the criterion: required columns, ids, whole days, kinds,
    statuses, negative / non-numeric diameters, duplicate rows, day order, kind changes,
    targets or non-targets first seen at follow-up, new lesions at baseline.
    """
    import numpy as np
    import pandas as pd

    _check_frame(measurements, "measurements", ("patient", "lesion", "day", "kind"))
    if len(measurements) == 0:
        raise ValueError("measurements: the table has no rows")
    df = measurements.reset_index(drop=True).copy()
    used = ("patient", "lesion", "day", "kind", "organ", "is_node", "too_small", "infiltrative")
    _check_single_values(df, (*used, "status", "cytology", "fragment", *_DIAMETERS))
    for col in ("patient", "lesion"):
        if df[col].isna().any():
            _fail(df, df[col].isna(), col, "is missing")

    day = pd.to_numeric(df["day"].map(lambda v: v if not isinstance(v, bool) else None), errors="coerce")
    dayf = day.astype(float)
    bad = day.isna() | ~np.isfinite(dayf) | (dayf % 1 != 0) | (dayf.abs() > MAX_DAY)
    if bad.any():
        _fail(
            df,
            bad.to_numpy(),
            "day",
            f"must be a whole number of days from -{MAX_DAY} to {MAX_DAY}, got {df['day'][bad].iloc[0]!r}",
        )
    df["day"] = dayf.astype("int64")

    df["kind"] = _recode(_norm_text(df["kind"]), {"nontarget": "non_target", "non_targets": "non_target"})
    bad = ~df["kind"].isin(_KINDS)
    if bad.any():
        _fail(
            df, bad, "kind", f"must be one of {', '.join(_KINDS)}, got {measurements['kind'][bad].iloc[0]!r}"
        )

    # optional columns with defaults
    if "organ" in df.columns:
        if df["organ"].isna().any():
            _fail(df, df["organ"].isna(), "organ", "is missing (use 'liver' for intrahepatic lesions)")
        df["organ"] = _norm_text(df["organ"])
    else:
        df["organ"] = "liver"
    for col in ("is_node", "too_small", "infiltrative"):
        if col in df.columns:
            vals = df[col]
            ok = vals.isna() | vals.isin([True, False, 0, 1])
            if not ok.all():
                _fail(df, ~ok, col, f"must be True/False, got {vals[~ok].iloc[0]!r}")
            df[col] = vals.isin([True, 1]).to_numpy()
        else:
            df[col] = False
    df["status"] = _norm_text(df["status"]) if "status" in df.columns else np.nan
    if "cytology" in df.columns:
        cyt = df["cytology"].map(
            lambda v: v if not isinstance(v, bool) else ("positive" if v else "negative")
        )
        df["cytology"] = _recode(_norm_text(cyt), {"pos": "positive", "neg": "negative"})
        bad = df["cytology"].notna() & ~df["cytology"].isin(["positive", "negative"])
        if bad.any():
            _fail(df, bad, "cytology", "must be 'positive' or 'negative' (or empty)")
    else:
        df["cytology"] = np.nan

    for col in _DIAMETERS:
        if col not in df.columns:
            df[col] = np.nan
            continue
        raw = df[col]
        num = pd.to_numeric(raw, errors="coerce").astype(float)
        bad = raw.notna() & num.isna()
        if bad.any():
            _fail(df, bad, col, f"is not a number: {raw[bad].iloc[0]!r}")
        if np.isinf(num).any():
            _fail(df, np.isinf(num), col, "is infinite")
        if (num < 0).any():
            _fail(df, num < 0, col, f"is negative ({num[num < 0].iloc[0]:g} mm); diameters are >= 0 mm")
        if (num > MAX_MM).any():
            _fail(
                df,
                num > MAX_MM,
                col,
                f"is {num[num > MAX_MM].iloc[0]:g} mm; no lesion is larger than {MAX_MM:g} mm (check the unit)",
            )
        df[col] = num
    too_big = df["viable_ld_mm"] > df["ld_mm"]
    if too_big.any():
        _fail(df, too_big, "viable_ld_mm", "is larger than ld_mm: the viable part lies inside the lesion")
    too_big = df["viable_perp_mm"] > df["perp_mm"]
    if too_big.any():
        _fail(df, too_big, "viable_perp_mm", "is larger than perp_mm: the viable part lies inside the lesion")

    # status values by kind
    nt = df["kind"] == "non_target"
    bad = nt & df["status"].notna() & ~df["status"].isin(_NT_STATUS)
    if bad.any():
        _fail(df, bad, "status", "of a non-target lesion must be CR, non_CR_non_PD, IR_SD or PD")
    new = df["kind"] == "new"
    bad = new & ~df["status"].isin(_NEW_STATUS)
    if bad.any():
        _fail(df, bad, "status", "of a new lesion must be equivocal, unequivocal, typical or atypical")

    # structure: duplicates, order, kind changes, first appearance
    key = ["patient", "lesion", "day"]
    if "fragment" in df.columns:
        dup = df.duplicated([*key, "fragment"], keep=False)
        problem = "is duplicated (same patient, lesion, day and fragment)"
    else:
        dup = df.duplicated(key, keep=False)
        problem = "appears twice for this lesion (duplicate row; use a 'fragment' column for a split lesion)"
    if dup.any():
        _fail(df, dup, "day", problem)
    g = df.groupby(["patient", "lesion"], sort=False)
    back = df["day"] < g["day"].cummax()
    if back.any():
        _fail(
            df,
            back,
            "day",
            "goes back in time (rows out of day order): sort the table by patient, lesion, day",
        )
    if (g["kind"].transform("nunique") > 1).any():
        _fail(df, g["kind"].transform("nunique") > 1, "kind", "changes between visits for this lesion")
    base_day = df.groupby("patient", sort=False)["day"].transform("min")
    first_day = g["day"].transform("min")
    late = df["kind"].isin(["target", "non_target"]) & (first_day > base_day)
    if late.any():
        kind = df.loc[late, "kind"].iloc[0]
        _fail(df, late, "kind", f"is '{kind}' but the lesion is first seen at follow-up: mark it 'new'")
    early = new & (df["day"] == base_day)
    if early.any():
        _fail(
            df,
            early,
            "kind",
            "is 'new' at the baseline assessment: baseline lesions are target or non_target",
        )
    pvt = (df["kind"] == "target") & (df["organ"] == "portal_vein")
    if pvt.any():
        _fail(df, pvt, "kind", "portal vein tumour thrombus is non-measurable: mark it non_target")
    infil = g["infiltrative"].transform("any") & (df["kind"] == "target")
    if infil.any():
        _fail(
            df,
            infil,
            "kind",
            "is 'target' but the lesion is marked infiltrative: infiltrative HCC has no measurable "
            "margins (Llovet & Lencioni, J Hepatol 2020): mark it non_target",
        )

    df["pid"] = pd.factorize(df["patient"], sort=False)[0]
    df["is_base"] = df["day"] == base_day
    df["liver"] = df["organ"].isin(_LIVER) & ~df["is_node"]
    df["effusion"] = df["organ"].isin(_EFFUSIONS)
    df["_order"] = np.arange(len(df))
    return df.sort_values(["pid", "day", "_order"], kind="stable").reset_index(drop=True)


# =========================================================================== measures
def _units(values):
    """mm (float, NaN allowed) -> integer hundredths of a mm, stored as float64 (exact < 2**53)."""
    import numpy as np

    return np.rint(np.asarray(values, dtype=float) * _U)


def _measure(df, crit: str, opt: _Options):
    """Add the criterion's per-row measure (``value``, integer units), ``gone`` and ``role``.

    Also returns a dict ``pid -> note`` for patients a criterion cannot assess.
    """
    import numpy as np

    node = df["is_node"].to_numpy()
    liver = df["liver"].to_numpy()
    small = df["too_small"].to_numpy()
    fill = opt.too_small_mm

    def col(name):
        v = df[name].to_numpy(dtype=float).copy()
        v[np.isnan(v) & small] = fill
        return v

    ld, sa = col("ld_mm"), col("sa_mm")
    if crit == "RECIST 1.1":
        mm = np.where(node, sa, ld)
        needed = np.where(node, "sa_mm", "ld_mm")
    elif crit == "mRECIST":
        vld = col("viable_ld_mm")
        mm = np.where(node, sa, np.where(liver, vld, ld))
        needed = np.where(node, "sa_mm", np.where(liver, "viable_ld_mm", "ld_mm"))
    else:
        perp = col("perp_mm")
        if crit == "EASL":
            a = np.where(liver, col("viable_ld_mm"), ld)
            b = np.where(liver, col("viable_perp_mm"), perp)
            needed = np.where(liver, "viable_ld_mm and viable_perp_mm", "ld_mm and perp_mm")
        else:
            a, b = ld, perp
            needed = np.full(len(df), "ld_mm and perp_mm")
        mm = None
        ua, ub = _units(a), _units(b)
        # a diameter of 0 means the (viable) lesion is gone: the product is 0 whatever the other
        value = np.where((ua == 0) | (ub == 0), 0.0, ua * ub)  # 1e-4 mm^2
    if mm is not None:
        value = _units(mm)
    df = df.assign(value=value, needed=needed)

    kind = df["kind"].to_numpy()
    is_target = kind == "target"
    # a target must be measured at every visit where it appears
    missing = is_target & np.isnan(value)
    if missing.any():
        fields = df["needed"][missing].iloc[0]
        col_hint = fields.split(" and ")[0]
        _fail(
            df,
            missing,
            col_hint,
            f"is missing for a target lesion ({crit} needs {fields}); if the lesion was not assessed "
            "drop the row (the visit becomes NE), if it is too small to measure set too_small=True, "
            "if it disappeared enter 0",
        )

    # lesion-wise "gone" (for CR): RECIST/mRECIST nodes normal below 10 mm short axis
    if _PRODUCT[crit]:
        gone = value == 0
    else:
        gone = np.where(node, value < 10 * _U, value == 0)
    df["gone"] = gone

    # roles, decided on the baseline measurement
    base = df["is_base"].to_numpy()
    role = np.where(kind == "new", "new", np.where(kind == "non_target", "non_target", "target"))
    b_t = base & is_target
    notes: dict[int, str] = {}
    demote = np.zeros(len(df), dtype=bool)
    exclude = np.zeros(len(df), dtype=bool)
    organ = df["organ"].to_numpy()
    porta = node & (organ == "porta_hepatis")
    if crit in ("RECIST 1.1", "mRECIST"):
        # RECIST measurability (mRECIST: extrahepatic and nodal targets follow RECIST 1.1)
        check = b_t if crit == "RECIST 1.1" else b_t & ~liver & ~porta
        small_node = check & node & ~(_units(sa) >= 15 * _U)
        if small_node.any():
            _fail(df, small_node, "sa_mm", "of a target lymph node must be >= 15 mm at baseline (RECIST 1.1)")
        small_les = check & ~node & ~(_units(ld) >= 10 * _U)
        if small_les.any():
            _fail(
                df,
                small_les,
                "ld_mm",
                "of a target lesion must be >= 10 mm at baseline (RECIST 1.1 measurable)",
            )
        small_flag = check & df["too_small"].to_numpy()
        if small_flag.any():
            _fail(df, small_flag, "too_small", "is set at baseline: a target lesion must be measured")
    if crit == "mRECIST":
        vld = _units(df["viable_ld_mm"].to_numpy(dtype=float))
        demote = b_t & liver & ~((vld >= 10 * _U) & (_units(ld) >= 10 * _U))
        exclude = base & porta & ~(_units(sa) >= 20 * _U)
    elif crit == "EASL":
        demote = b_t & liver & ~(value > 0)
    if crit in ("WHO", "EASL"):
        flat = b_t & ~demote & ~(value > 0)
        if flat.any():
            _fail(df, flat, "perp_mm", f"target must be measurable in two dimensions at baseline ({crit})")
    # broadcast lesion-level decisions from the baseline row to all rows of the lesion
    lkey = df["pid"].astype(str) + "\x1f" + df["lesion"].astype(str)
    if demote.any():
        role = np.where(lkey.isin(set(lkey[demote])), "non_target", role)
        df["demoted"] = lkey.isin(set(lkey[demote])).to_numpy()
    else:
        df["demoted"] = False
    if exclude.any():
        role = np.where(lkey.isin(set(lkey[exclude])), "excluded", role)
    df["role"] = role

    # patients who had targets but lost them all (no enhancing target at baseline)
    had = df.loc[b_t, "pid"].unique()
    kept = df.loc[base & (df["role"].to_numpy() == "target"), "pid"].unique()
    for pid in set(had) - set(kept):
        notes[int(pid)] = f"no enhancing target lesion at baseline: not assessable by {crit}"

    # target limits
    if opt.max_targets is not None or opt.max_per_organ is not None:
        bt = df[base & (df["role"].to_numpy() == "target")]
        if len(bt):
            per_pid = bt.groupby("pid").size()
            if opt.max_targets is not None and (per_pid > opt.max_targets).any():
                pid = per_pid[per_pid > opt.max_targets].index[0]
                _fail(
                    df,
                    (df["pid"] == pid) & base & (df["role"] == "target"),
                    "kind",
                    f"marks {int(per_pid[pid])} target lesions for this patient; {crit} allows at most "
                    f"{opt.max_targets} (pass max_targets=None to lift the limit)",
                )
            organ_key = np.where(bt["is_node"], "lymph nodes", bt["organ"])
            per_org = bt.groupby([bt["pid"], organ_key]).size()
            if opt.max_per_organ is not None and (per_org > opt.max_per_organ).any():
                pid, org = per_org[per_org > opt.max_per_organ].index[0]
                rows = (df["pid"] == pid) & base & (df["role"] == "target")
                rows &= (df["organ"] == org) if org != "lymph nodes" else df["is_node"]
                _fail(
                    df,
                    rows,
                    "organ",
                    f"has {int(per_org[(pid, org)])} target lesions in '{org}'; {crit} allows at most "
                    f"{opt.max_per_organ} per organ (all nodes count as one organ)",
                )

    # fragments of a split lesion: sum them
    if "fragment" in df.columns and df.duplicated(["pid", "lesion", "day"]).any():
        agg = {c: "first" for c in df.columns if c not in ("value", "gone", "_order")}
        agg.update(value="sum", _order="min", ld_mm="sum", viable_ld_mm="sum")
        df = df.groupby(["pid", "lesion", "day"], sort=False, as_index=False).agg(agg)
        df["gone"] = (
            (df["value"] == 0)
            if _PRODUCT[crit]
            else np.where(df["is_node"], df["value"] < 10 * _U, df["value"] == 0)
        )
        df = df.sort_values(["pid", "day", "_order"], kind="stable").reset_index(drop=True)
    return df, notes


# =========================================================================== assess
def _fmt_mm(units: float, product: bool) -> str:
    if units != units:  # nan
        return "-"
    x = units / (_U * _U) if product else units / _U
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return f"{s} mm²" if product else f"{s} mm"


def _fmt_pct(x: float) -> str:
    return "-" if x != x else f"{x:+.1f} %"


def assess(
    measurements,
    criterion: str,
    *,
    too_small_mm: float = 5.0,
    recist_abs_mm: float = 5.0,
    mrecist_5mm: bool = False,
    max_targets: int | None = 5,
    max_per_organ: int | None = 2,
    who_pd: str = "lesion",
    who_reference: str = "nadir",
    who_inclusive: bool = True,
    effusion_needs_cytology: bool = True,
    continued_pr: str = "confirmed",
    confirm_days: int = 28,
):
    """Classify every assessment of every patient under one response criterion.

    Parameters
    ----------
    measurements : pandas.DataFrame
        Long table, one row per lesion per assessment (columns in the module docstring).
    criterion : str
        ``"RECIST 1.1"``, ``"mRECIST"``, ``"WHO"`` or ``"EASL"`` (see :func:`criterion_name`).
    too_small_mm : float, default 5.0
        Value used for a lesion flagged ``too_small`` whose measure is missing (RECIST 1.1
        default 5 mm; for WHO/EASL both diameters get it).
    recist_abs_mm : float, default 5.0
        RECIST 1.1 absolute clause: PD also needs the sum to exceed the nadir by this many mm.
        0 switches it off (only for teaching what the clause does).
    mrecist_5mm : bool, default False
        Add RECIST's absolute clause (``recist_abs_mm``) to mRECIST PD. The 2010 mRECIST text
        has no absolute clause; some trials add one.
    max_targets, max_per_organ : int or None, default 5 and 2
        Target limits of RECIST 1.1 (all lymph nodes together count as one organ); more
        targets raise ``ValueError``. WHO 1981 sets no limit, but the same reader-chosen
        targets are used for all criteria; pass ``None`` to lift a limit.
    who_pd : {"lesion", "sum"}, default "lesion"
        WHO and EASL progression: ``"lesion"`` = a >= 25 % increase of any one measurable
        lesion's product (Miller 1981: "25 % or more increase in the size of one or more
        measurable lesions"); ``"sum"`` = of the sum of products, as many trials did.
    who_reference : {"nadir", "baseline"}, default "nadir"
        Reference for WHO/EASL progression: the smallest earlier measurement (as RECIST) or the
        baseline. The 1981 text does not say; nadir is the common reading.
    who_inclusive : bool, default True
        ``True``: an increase of exactly 25 % is PD ("25 % or more"); ``False``: more than 25 %.
    effusion_needs_cytology : bool, default True
        A new or worsening effusion/ascites counts as progression only with positive cytology
        (mRECIST; RECIST 1.1 section 4.3.4 asks for the same confirmation). Cytology decides
        only when the effusion would be the only reason for PD: when the measurable disease
        (or another lesion) already shows PD, the reader's PD stands.
    continued_pr : {"confirmed", "any", "off"}, default "confirmed"
        RECIST 1.1 and mRECIST: once a PR has been assigned and confirmed, later visits that
        are not PD (measured from the nadir) stay PR even when the sum is back above 70 % of
        baseline (EORTC RECIST FAQ, "continued PR"; e.g. sums 100, 70, 70, 80 -> PR, PR, PR).
        ``"confirmed"``: after a CR/PR confirmed by a second CR/PR ``confirm_days`` or more
        later (non-randomised trials); ``"any"``: after any PR (trials that do not require
        confirmation); ``"off"``: each visit on its own (sum vs baseline), as WHO/EASL always do.
    confirm_days : int, default 28
        Confirmation interval (days) used by ``continued_pr="confirmed"``; keep it equal to
        :func:`best_response`'s.

    Returns
    -------
    pandas.DataFrame
        One row per patient and assessment day (baseline included, ``response`` missing there):

        ``criterion``, ``patient``, ``day``;
        ``response`` (ordered categorical CR < PR < SD < non-CR/non-PD < PD < NE);
        ``target_response`` (``CR``/``PR``/``SD``/``PD``/``NE``, ``none`` without targets),
        ``non_target_response`` (``CR``/``non-CR/non-PD``/``PD``/``NE``/``none``),
        ``new_lesion`` (bool: a new lesion counts as progression at this visit);
        ``sum`` (target sum: mm, or mm^2 for WHO/EASL) and ``unit``; ``baseline_sum``;
        ``nadir_sum`` and ``nadir_day``: the smallest sum *before* this visit (baseline
        included), the reference for PD; ``pct_change_baseline``, ``pct_change_nadir`` (%);
        ``reason``: the rules that fired, in words.

    Notes
    -----
    Rules (spec: ``response-criteria.md``; primary sources win):

    * Target CR is lesion-wise: every non-nodal target gone and every nodal target short axis
      < 10 mm (RECIST; mRECIST: no arterial enhancement in any intrahepatic target; WHO/EASL:
      every product 0). The sum can be > 0 at CR. CR is tested first, then PD, then PR: a
      nodal target growing from 5 to 9 mm stays normal, so it cannot be progression.
    * PD is measured from the nadir of *this* criterion (RECIST and mRECIST nadirs differ);
      NE visits (missing lesion) do not set a nadir.
    * A missing target makes the visit NE unless the measured targets already meet PD.
    * mRECIST targets are the reader's targets that are typical, measurable (>= 10 mm) and
      enhancing (viable LD >= 10 mm) at baseline; other intrahepatic targets become
      non-targets (their status follows enhancement: none = CR, some = IR/SD, unless the
      reader gives a status). Extrahepatic and nodal targets follow RECIST 1.1. A porta
      hepatis node counts only if its short axis is >= 20 mm. A patient left with no target
      is NE ("not assessable"), as the specification asks.
    * New lesions: ``unequivocal`` (and ``typical``) count as PD. An ``equivocal`` lesion
      that is later confirmed dates PD back to the scan that first showed it (RECIST 1.1
      section 4.3.2), so earlier rows can change when later scans are added. mRECIST,
      intrahepatic (Lencioni & Llovet 2010): ``typical`` counts when LD >= 10 mm;
      ``atypical`` counts after >= 10 mm interval growth - treated as an equivocal lesion
      later confirmed (back-dated). The RECIST word ``unequivocal`` on an intrahepatic lesion
      is read as ``typical``: PD only at LD >= 10 mm (a sub-centimetre nodule is not PD).
    * Reappearance after CR: once an overall CR has been assigned, any target that is no
      longer gone (mRECIST: enhancing again; nodes: short axis >= 10 mm) or any non-target
      recorded as present again (non-CR/non-PD) makes the visit PD whatever its size - the
      +5 mm clause cannot veto it (EORTC RECIST FAQ; RECIST 1.1 Table 3 footnote). Without
      an overall CR (e.g. targets gone, non-targets still present) a target that reappears
      is added to the sum and the usual PD rule applies (same FAQ).
    * Continued PR: see ``continued_pr`` (RECIST 1.1 and mRECIST only).
    * Non-target disease only (RECIST 1.1 Table 2): neither CR nor PD is ``non-CR/non-PD``,
      its own category (not SD; RECIST 1.1 section 4.3.3). It does not count towards DCR
      unless :func:`response_rates` is asked to (``non_cr_non_pd_as_dcr``).
    * Infiltrative HCC (column ``infiltrative``) is non-measurable: it must be a
      non-target (Llovet & Lencioni 2020); under mRECIST/EASL an infiltrative non-target
      without a reader's status follows its enhancement (none = CR, some = non-CR/non-PD).
    * EASL applies WHO thresholds to the viable (enhancing) bidimensional product of
      intrahepatic lesions; extrahepatic lesions use the whole-lesion product.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"patient": 1, "lesion": "L1", "day": [0, 42], "kind": "target",
    ...                   "ld_mm": [28.0, 19.6]})
    >>> assess(m, "RECIST 1.1")["response"].tolist()[1]   # exactly -30 %
    'PR'
    """
    crit = criterion_name(criterion)
    opt = _Options(
        too_small_mm=too_small_mm,
        recist_abs_mm=recist_abs_mm,
        mrecist_5mm=mrecist_5mm,
        max_targets=max_targets,
        max_per_organ=max_per_organ,
        who_pd=who_pd,
        who_reference=who_reference,
        who_inclusive=who_inclusive,
        effusion_needs_cytology=effusion_needs_cytology,
        continued_pr=continued_pr,
        confirm_days=confirm_days,
    )
    return _assess_prepared(_prepare(measurements), crit, opt)


def _assess_prepared(df, crit: str, opt: _Options):
    import numpy as np
    import pandas as pd

    df, notes = _measure(df, crit, opt)
    product = _PRODUCT[crit]
    viable = _VIABLE[crit]

    # ---- visits grid: every (patient, day) in the input
    visits = df[["pid", "day"]].drop_duplicates().reset_index(drop=True)
    base_day = visits.groupby("pid")["day"].transform("min")
    visits["is_base"] = visits["day"] == base_day
    role = df["role"].to_numpy()

    # ---- targets
    t = df[role == "target"]
    n_t = t[t["is_base"]].groupby("pid").size()
    # one reduction per column: pandas' named aggregation costs ~10 ms even on a handful of rows
    tg = t.groupby(["pid", "day"])
    tagg = pd.DataFrame({"S": tg["value"].sum(), "present": tg["value"].size(), "all_gone": tg["gone"].all()})
    g = visits.join(tagg, on=["pid", "day"])
    g["n_t"] = g["pid"].map(n_t).fillna(0).astype(int)
    g["present"] = g["present"].fillna(0).astype(int)
    g["complete"] = (g["present"] == g["n_t"]) & (g["n_t"] > 0)
    S = g["S"].to_numpy(dtype=float)
    g["S_eval"] = np.where(g["complete"], S, np.nan)
    B = g.groupby("pid")["S_eval"].transform("first").to_numpy()  # baseline is complete by construction
    # missing target names for the reason
    t_base = t[t["is_base"]][["pid", "lesion"]]
    # reference nadir: smallest complete sum before this visit (baseline included)
    run = g.groupby("pid")["S_eval"].cummin()
    run_ff = run.groupby(g["pid"]).ffill()
    N = run_ff.groupby(g["pid"]).shift(1).to_numpy()
    prev_min = N
    new_min = np.isfinite(g["S_eval"].to_numpy()) & ~(
        g["S_eval"].to_numpy() >= np.nan_to_num(prev_min, nan=np.inf)
    )
    day_min = pd.Series(np.where(new_min, g["day"], np.nan)).groupby(g["pid"]).ffill()
    N_day = day_min.groupby(g["pid"]).shift(1).to_numpy()
    if crit in ("WHO", "EASL") and opt.who_reference == "baseline":
        ref, ref_day = B, np.where(g["is_base"], np.nan, g.groupby("pid")["day"].transform("first"))
    else:
        ref, ref_day = N, N_day

    # ---- target category
    with np.errstate(invalid="ignore"):
        up = S > ref
        if crit in ("WHO", "EASL"):
            pr = 2 * S <= B
            if opt.who_pd == "sum":
                pd_hit = up & ((4 * S >= 5 * ref) if opt.who_inclusive else (4 * S > 5 * ref))
                pd_lesion = np.full(len(g), "", dtype=object)
            else:
                pd_hit, pd_lesion = _lesion_pd(t, g, opt)
        else:
            pr = 10 * S <= 7 * B
            pd_hit = up & (5 * S >= 6 * ref)
            if crit == "RECIST 1.1" or opt.mrecist_5mm:
                pd_hit &= S - ref >= opt.recist_abs_mm * _U
            pd_lesion = np.full(len(g), "", dtype=object)
    complete = g["complete"].to_numpy()
    all_gone = g["all_gone"].eq(True).to_numpy()
    has_t = g["n_t"].to_numpy() > 0
    t_cat = np.select(
        [~has_t, complete & all_gone, pd_hit & (g["present"].to_numpy() > 0), complete & pr, complete],
        ["none", "CR", "PD", "PR", "SD"],
        default="NE",
    )

    # ---- non-targets
    nt = df[role == "non_target"]
    nt_cat_row, nt_pend_row = _non_target_status(nt, crit, opt)
    nt = nt.assign(
        cat=nt_cat_row,
        is_pd=(nt_cat_row == "PD") & ~nt_pend_row,
        is_pend=nt_pend_row,
        is_soft=(nt_cat_row == NON_CR_NON_PD) & ~nt_pend_row,
        is_cr=nt_cat_row == "CR",
        is_ne=nt_cat_row == "NE",
    )
    n_nt = nt[nt["is_base"]].groupby("pid").size()
    ntf = nt[~nt["is_base"]]
    ng = ntf.groupby(["pid", "day"])
    nagg = pd.DataFrame(
        {
            "present": ng["cat"].size(),
            "any_pd": ng["is_pd"].any(),
            "any_pend": ng["is_pend"].any(),
            "any_soft": ng["is_soft"].any(),
            "n_cr": ng["is_cr"].sum(),
            "any_ne": ng["is_ne"].any(),
        }
    )
    gn = visits.join(nagg, on=["pid", "day"])
    nn = gn["pid"].map(n_nt).fillna(0).astype(int).to_numpy()
    present = gn["present"].fillna(0).to_numpy()
    any_pd = gn["any_pd"].eq(True).to_numpy()
    any_pend = gn["any_pend"].eq(True).to_numpy()
    any_soft = gn["any_soft"].eq(True).to_numpy()
    n_cr = gn["n_cr"].fillna(0).to_numpy()
    any_ne = gn["any_ne"].eq(True).to_numpy() | (present < nn)
    # an effusion recorded as worse without positive cytology is non-CR/non-PD for now
    nt_cat = np.select(
        [any_pd, nn == 0, (n_cr == nn) & ~any_ne, any_ne],
        ["PD", "none", "CR", "NE"],
        default=NON_CR_NON_PD,
    )
    nt_pd_lesion = _first_lesion_per_visit(ntf[ntf["is_pd"]], visits)
    nt_pend_lesion = _first_lesion_per_visit(ntf[ntf["is_pend"]], visits)

    # ---- new lesions
    new_pd, new_text, new_pend = _new_lesions(df[role == "new"], visits, crit, opt)

    # ---- effusions: cytology decides only when the effusion would be the only reason for PD
    # (RECIST 1.1 section 4.3.4: "when the measurable tumour has met criteria for response or
    # stable disease"); when the visit is PD on other grounds the reader's PD stands.
    other_pd = (t_cat == "PD") | (nt_cat == "PD") | new_pd
    eff_nt = other_pd & any_pend
    nt_cat = np.where(eff_nt, "PD", nt_cat)
    new_pd = new_pd | (other_pd & new_pend)
    for i in np.flatnonzero(other_pd & new_pend):
        new_text[i] = new_text[i].replace(
            "effusion without positive cytology: not PD",
            "effusion recorded as new; cytology not needed: PD on other grounds",
        )

    # ---- overall (RECIST 1.1 Tables 1 and 2)
    is_base = visits["is_base"].to_numpy()
    no_assess = visits["pid"].map(notes).notna().to_numpy()
    progression = (t_cat == "PD") | (nt_cat == "PD") | new_pd
    response = np.select(
        [
            is_base,
            no_assess,
            progression,
            has_t & (t_cat == "NE"),
            has_t & (t_cat == "CR") & np.isin(nt_cat, ["CR", "none"]),
            has_t & np.isin(t_cat, ["CR", "PR"]),
            has_t & (t_cat == "SD"),
            ~has_t & (nt_cat == "CR"),
            ~has_t & (nt_cat == NON_CR_NON_PD),
        ],
        [None, "NE", "PD", "NE", "CR", "PR", "SD", "CR", NON_CR_NON_PD],
        default="NE",
    ).astype(object)

    # ---- history rules, visit by visit: reappearance after CR, continued PR
    t_back = has_t & (g["present"].to_numpy() > 0) & ~all_gone  # a target not gone (again)
    nt_back = any_soft  # a non-target present again (reader: non-CR/non-PD)
    t_cat = t_cat.astype(object)
    nt_cat = nt_cat.astype(object)
    history_txt = [""] * len(visits)
    cont_on = crit in ("RECIST 1.1", "mRECIST") and opt.continued_pr != "off"
    day_l = visits["day"].tolist()
    pid_all = visits["pid"].tolist()
    cur = None
    for i in range(len(visits)):
        if pid_all[i] != cur:
            cur, cr_day, run_start, confirmed_on = pid_all[i], None, None, None
        if is_base[i] or no_assess[i]:
            continue
        r, day = response[i], day_l[i]
        if cr_day is not None and r != "PD" and (t_back[i] or nt_back[i]):
            what = []
            if t_back[i]:
                t_cat[i] = "PD"
                what.append("a target lesion")
            if nt_back[i]:
                nt_cat[i] = "PD"
                what.append("a non-target lesion")
            r = "PD"
            history_txt[i] = (
                f"reappearance after the CR of day {cr_day}: {' and '.join(what)} present again is PD "
                "whatever its size (EORTC RECIST FAQ; RECIST 1.1 Table 3 footnote) - if the lesion "
                "never truly disappeared, re-read that CR as PR"
            )
        elif cont_on and r == "SD" and has_t[i] and (confirmed_on is not None or opt.continued_pr == "any"):
            if confirmed_on is not None or run_start is not None:
                t_cat[i] = "PR"
                r = "PR"
                since = f"confirmed on day {confirmed_on}" if confirmed_on is not None else f"day {run_start}"
                history_txt[i] = (
                    f"continued PR (PR {since}; not PD vs nadir, so the PR continues although the sum "
                    "is above 70 % of baseline - EORTC RECIST FAQ)"
                )
        response[i] = r
        if r == "CR" and cr_day is None:
            cr_day = day
        if r in ("CR", "PR"):
            if run_start is None:
                run_start = day
            elif confirmed_on is None and day - run_start >= opt.confirm_days:
                confirmed_on = day
        elif r == "PD":
            run_start, confirmed_on = None, None
        elif r != "NE" and confirmed_on is None:
            run_start = None

    # ---- explanation
    with np.errstate(invalid="ignore", divide="ignore"):
        pct_b = np.where(B > 0, 100 * (S - B) / B, np.nan)
        pct_n = np.where(ref > 0, 100 * (S - ref) / ref, np.nan)
    missing_names = _missing_targets(t, t_base, visits, complete, has_t)
    reasons = []
    unit_word = "sum of products" if product else "sum"
    pct_b_l, pct_n_l = pct_b.tolist(), pct_n.tolist()
    S_l, B_l, N_l, Nd_l = (
        S.tolist(),
        B.tolist(),
        np.asarray(ref, float).tolist(),
        np.asarray(ref_day).tolist(),
    )
    pid_l = visits["pid"].tolist()
    n_t_l = g["n_t"].tolist()
    for i in range(len(visits)):
        pid = pid_l[i]
        if is_base[i]:
            if has_t[i]:
                reasons.append(f"baseline: {unit_word} {_fmt_mm(S_l[i], product)} ({n_t_l[i]} target(s))")
            elif pid in notes:
                reasons.append(f"baseline: {notes[pid]}")
            elif nn[i]:
                reasons.append(f"baseline: non-target disease only ({nn[i]} lesion(s))")
            else:
                reasons.append("baseline: no target or non-target lesion recorded")
            continue
        if pid in notes:
            reasons.append(notes[pid] + (f"; {new_text[i]}" if new_text[i] else ""))
            continue
        parts = []
        tc = t_cat[i]
        if tc != "none":
            if not complete[i]:
                nums = f"measured targets: {unit_word} {_fmt_mm(S_l[i], product)}"
            else:
                nums = (
                    f"{unit_word} {_fmt_mm(S_l[i], product)} ({_fmt_pct(pct_b_l[i])} vs baseline "
                    f"{_fmt_mm(B_l[i], product)}; {_fmt_pct(pct_n_l[i])} vs nadir {_fmt_mm(N_l[i], product)}"
                    + (f" on day {int(Nd_l[i])})" if Nd_l[i] == Nd_l[i] else ")")
                )
            if history_txt[i] and (tc == "PR" or t_back[i]):
                rule = f"{tc} ({history_txt[i]})"
            else:
                rule = _target_rule(
                    crit, opt, tc, S_l[i], B_l[i], N_l[i], missing_names[i], pd_lesion[i], viable
                )
            parts.append("targets: " + rule + "; " + nums)
        if nt_cat[i] != "none":
            txt = f"non-targets: {nt_cat[i]}"
            if nt_back[i] and history_txt[i] and nt_cat[i] == "PD":
                txt += " (present again after CR)"
            elif nt_cat[i] == "PD" and nt_pd_lesion[i]:
                txt += f" (unequivocal progression of {nt_pd_lesion[i]})"
            elif nt_cat[i] == "NE":
                txt += " (not all evaluated)"
            if nt_pend_lesion[i]:
                if eff_nt[i]:
                    txt += (
                        f"; effusion {nt_pend_lesion[i]} recorded as worse: cytology not needed, the "
                        "measurable disease already shows PD"
                    )
                else:
                    txt += (
                        f"; effusion {nt_pend_lesion[i]} worse but cytology not positive: not PD "
                        "(cytology decides when the effusion would be the only reason for PD)"
                    )
            parts.append(txt)
        if new_text[i]:
            parts.append(new_text[i])
        r = response[i]
        if r == "PD":
            why = [
                w
                for w, hit in (
                    ("reappearance after CR", bool(history_txt[i])),
                    ("target PD", tc == "PD" and not history_txt[i]),
                    ("non-target PD", nt_cat[i] == "PD" and not history_txt[i]),
                    ("new lesion", new_pd[i]),
                )
                if hit
            ]
            parts.append(f"=> PD ({' + '.join(why)})")
        elif r == NON_CR_NON_PD:
            parts.append("=> non-CR/non-PD (non-target disease only, RECIST 1.1 Table 2; not SD)")
        elif tc == "CR" and r == "PR":
            parts.append(f"=> PR (targets CR but non-targets {nt_cat[i]})")
        elif history_txt[i] and r == "PR":
            parts.append("=> PR (continued)")
        else:
            parts.append(f"=> {r}")
        reasons.append("; ".join(parts))

    scale = _U * _U if product else _U
    # sums of visits with a missing target are partial: shown in the reason, not in the columns
    shown = has_t & ~no_assess & (complete | is_base)
    out = pd.DataFrame(
        {
            "criterion": crit,
            "patient": visits["pid"].map(df.drop_duplicates("pid").set_index("pid")["patient"]).to_numpy(),
            "day": visits["day"].to_numpy(),
            "response": pd.Categorical(response, categories=list(RESPONSES), ordered=True),
            "target_response": np.where(is_base, None, t_cat),
            "non_target_response": np.where(is_base, None, nt_cat),
            "new_lesion": new_pd & ~is_base,
            "sum": np.where(shown, S / scale, np.nan),
            "unit": "mm²" if product else "mm",
            "baseline_sum": np.where(has_t & ~no_assess, B / scale, np.nan),
            "nadir_sum": np.where(shown & ~is_base, np.asarray(ref, float) / scale, np.nan),
            "nadir_day": np.where(shown & ~is_base, ref_day, np.nan),
            "pct_change_baseline": np.where(shown, pct_b, np.nan),
            "pct_change_nadir": np.where(shown & ~is_base, pct_n, np.nan),
            "reason": reasons,
        }
    )
    out["nadir_day"] = out["nadir_day"].astype("Int64")
    if "synthetic" in df.columns:  # keep the SYNTHETIC label attached to teaching data
        flag = df["synthetic"].eq(True).groupby(df["pid"]).any()
        out["synthetic"] = visits["pid"].map(flag).to_numpy(dtype=bool)
    return out


def _target_rule(crit, opt, tc, S, B, N, missing, lesion, viable) -> str:
    """Words for the target-lesion rule that fired."""
    if tc == "CR":
        if crit == "mRECIST":
            return "CR (no arterial enhancement in any intrahepatic target; nodes < 10 mm short axis)"
        if crit == "EASL":
            return "CR (no enhancing tissue in any target)"
        if crit == "WHO":
            return "CR (every target gone)"
        return "CR (every non-nodal target gone, every nodal target < 10 mm short axis)"
    if crit in ("WHO", "EASL"):
        ref = "baseline" if opt.who_reference == "baseline" else "nadir"
        op = ">=" if opt.who_inclusive else ">"
        if tc == "PD":
            if opt.who_pd == "lesion":
                return f"PD (lesion {lesion} product {op} 125 % of its {ref})"
            return f"PD (sum of products {op} 125 % of {ref})"
        if tc == "NE":
            return f"NE (target {missing} not assessed)"
        if tc == "PR":
            return "PR (sum of products <= 50 % of baseline)"
        if opt.who_pd == "lesion":
            return f"SD (sum of products above 50 % of baseline; no lesion {op} 125 % of its {ref})"
        return f"SD (sum of products above 50 % of baseline and below 125 % of {ref})"
    abs_on = crit == "RECIST 1.1" or opt.mrecist_5mm
    abs_txt = f" and >= {opt.recist_abs_mm:g} mm above it" if abs_on else ""
    if tc == "PD" and not abs_on and crit == "mRECIST":
        abs_txt = " (mRECIST 2010: no absolute clause)"
    if tc == "PD":
        extra = f" although target {missing} was not assessed" if missing else ""
        return f"PD (sum >= 120 % of nadir{abs_txt}{extra})"
    if tc == "NE":
        return f"NE (target {missing} not assessed; the others do not show PD)"
    if tc == "PR":
        return "PR (sum <= 70 % of baseline)"
    # SD: say why it is not PD when it is close
    if S > N and 5 * S >= 6 * N and abs_on and S - N < opt.recist_abs_mm * _U:
        return (
            f"SD ({100 * (S - N) / N:+.1f} % vs nadir but only +{_fmt_mm(S - N, False)} "
            f"(< {opt.recist_abs_mm:g} mm): not PD)"
        )
    return "SD (sum above 70 % of baseline and below 120 % of nadir)"


def _lesion_pd(t, g, opt):
    """WHO/EASL per-lesion PD: any target's product >= 125 % (or >) of its own reference."""

    t = t.sort_values(["pid", "lesion", "day"], kind="stable")
    grp = t.groupby(["pid", "lesion"], sort=False)["value"]
    if opt.who_reference == "baseline":
        ref = grp.transform("first")
    else:
        ref = grp.cummin().groupby([t["pid"], t["lesion"]]).shift(1)
    v = t["value"]
    hit = (v > ref) & ((4 * v >= 5 * ref) if opt.who_inclusive else (4 * v > 5 * ref))
    hit &= ~t["is_base"]
    hits = t[hit.to_numpy()]
    first = hits.groupby(["pid", "day"])["lesion"].agg(lambda s: ", ".join(map(str, s)))
    joined = g[["pid", "day"]].join(first, on=["pid", "day"])["lesion"]
    return joined.notna().to_numpy(), joined.fillna("").to_numpy(dtype=object)


def _non_target_status(nt, crit, opt):
    """Per-row non-target category for the criterion (CR, non-CR/non-PD, PD, NE).

    Also returns ``pending``: rows recorded as PD that are effusions without positive
    cytology. Whether they count is decided per visit in :func:`_assess_prepared` (cytology
    matters only when the effusion would be the only reason for PD).
    """
    import numpy as np

    st = nt["status"].to_numpy(dtype=object)
    out = np.full(len(nt), "NE", dtype=object)
    is_pd = st == "pd"
    out[st == "cr"] = "CR"
    out[(st == "non_cr_non_pd") | (st == "ir_sd")] = NON_CR_NON_PD
    out[is_pd] = "PD"
    if _VIABLE[crit]:
        # mRECIST/EASL non-target CR = no enhancement; demoted targets and infiltrative HCC
        # without a reader's status follow their enhancement
        vld = nt["viable_ld_mm"].to_numpy(dtype=float)
        vperp = nt["viable_perp_mm"].to_numpy(dtype=float)
        measured = ~np.isnan(vld) | ~np.isnan(vperp)
        enhancing_gone = (vld == 0) | (vperp == 0)
        follows = nt["demoted"].to_numpy(dtype=bool) | nt["infiltrative"].to_numpy(dtype=bool)
        demoted_unrated = (out == "NE") & follows & measured
        soft = (out == NON_CR_NON_PD) | demoted_unrated
        out[soft & enhancing_gone] = "CR"
        out[demoted_unrated & ~enhancing_gone] = NON_CR_NON_PD
    pending = np.zeros(len(nt), dtype=bool)
    if opt.effusion_needs_cytology:
        pending = (
            nt["effusion"].to_numpy(dtype=bool)
            & is_pd
            & (nt["cytology"].to_numpy(dtype=object) != "positive")
        )
    return out, pending


def _first_lesion_per_visit(rows, visits):
    joined = visits[["pid", "day"]].join(
        rows.groupby(["pid", "day"])["lesion"].agg(lambda s: ", ".join(map(str, s))), on=["pid", "day"]
    )
    return joined["lesion"].fillna("").to_numpy(dtype=object)


def _missing_targets(t, t_base, visits, complete, has_t):
    """Names of targets not assessed at each incomplete visit ('' otherwise)."""
    import numpy as np

    out = np.full(len(visits), "", dtype=object)
    todo = has_t & ~complete
    if not todo.any():
        return out
    seen = set(zip(t["pid"], t["lesion"], t["day"], strict=True))
    by_pid = t_base.groupby("pid")["lesion"].apply(list).to_dict()
    for i in np.flatnonzero(todo):
        pid, day = int(visits.at[i, "pid"]), int(visits.at[i, "day"])
        out[i] = ", ".join(str(les) for les in by_pid.get(pid, []) if (pid, les, day) not in seen)
    return out


def _new_lesions(new, visits, crit, opt):
    """Which visits have a new lesion that counts as PD (with back-dating), and words for it.

    Returns ``(flag, text, pending)``; ``pending`` marks visits with a new effusion recorded
    as unequivocal/typical but without positive cytology (it counts only when the visit is PD
    on other grounds, see :func:`_assess_prepared`).
    """
    import numpy as np
    import pandas as pd

    n = len(visits)
    flag = np.zeros(n, dtype=bool)
    pending = np.zeros(n, dtype=bool)
    text = [""] * n
    if len(new) == 0:
        return flag, text, pending
    new = new.sort_values(["pid", "lesion", "day"], kind="stable").copy()
    st = new["status"].to_numpy(dtype=object)
    counts = np.isin(st, ["unequivocal", "typical"])
    if crit == "mRECIST":
        liver = new["liver"].to_numpy()
        ld = new["ld_mm"].to_numpy(dtype=float)
        needs_ld = liver & np.isin(st, ["typical", "atypical"]) & np.isnan(ld)
        if needs_ld.any():
            _fail(
                new, needs_ld, "ld_mm", "is missing for an intrahepatic new lesion (mRECIST needs its size)"
            )
        first_ld = (
            new.groupby(["pid", "lesion"], sort=False)["ld_mm"].transform("first").to_numpy(dtype=float)
        )
        ldu, firstu = _units(ld), _units(first_ld)
        # Lencioni & Llovet 2010: an intrahepatic new lesion is HCC at >= 10 mm with the
        # typical pattern, or (atypical) after >= 10 mm interval growth. A RECIST word
        # 'unequivocal' is read as 'typical': it counts only at >= 10 mm.
        with np.errstate(invalid="ignore"):
            counts = np.where(
                liver,
                (np.isin(st, ["unequivocal", "typical"]) & (ldu >= 10 * _U))
                | ((st == "atypical") & (ldu - firstu >= 10 * _U)),
                counts,
            )
    pend_row = np.zeros(len(new), dtype=bool)
    if opt.effusion_needs_cytology:
        eff = new["effusion"].to_numpy()
        positive = new["cytology"].to_numpy(dtype=object) == "positive"
        pend_row = eff & ~positive & counts
        counts = np.where(eff, positive, counts)
    new["counts"] = counts
    new["pending"] = pend_row
    grp = new.groupby(["pid", "lesion"], sort=False)
    summary = pd.DataFrame(
        {
            "first_day": grp["day"].min(),
            "first_status": grp["status"].first(),
            "effusion": grp["effusion"].first(),
            "liver": grp["liver"].first(),
        }
    )
    summary["confirm_day"] = new[new["counts"]].groupby(["pid", "lesion"])["day"].min()
    summary["pending_day"] = new[new["pending"]].groupby(["pid", "lesion"])["day"].min()
    summary = summary.reset_index()
    last_status = new.groupby(["pid", "lesion", "day"], sort=False)["status"].first()
    by_pid: dict[int, list] = {}
    for les in summary.itertuples(index=False):
        by_pid.setdefault(int(les.pid), []).append(les)
    vp, vd = visits["pid"].to_numpy(), visits["day"].to_numpy()
    for i in range(n):
        lesions = by_pid.get(int(vp[i]))
        if lesions is None:
            continue
        day = int(vd[i])
        words = []
        for les in lesions:
            first = int(les.first_day)
            if first > day:
                continue
            if les.pending_day == les.pending_day and int(les.pending_day) <= day:
                pending[i] = True
            if les.confirm_day == les.confirm_day:  # confirmed at some visit (not nan)
                conf = int(les.confirm_day)
                flag[i] = True
                if conf == first:
                    words.append(f"new lesion {les.lesion} ({les.first_status}) first seen on day {first}")
                elif conf > day:
                    words.append(
                        f"new lesion {les.lesion} first seen on day {first} ({les.first_status}), confirmed on "
                        f"day {conf}: PD dated back to day {first}"
                    )
                else:
                    words.append(
                        f"new lesion {les.lesion} first seen on day {first} ({les.first_status}), confirmed on day {conf}"
                    )
                continue
            status = last_status.get((les.pid, les.lesion, day), les.first_status)
            effusion = bool(
                new.loc[(new["pid"] == les.pid) & (new["lesion"] == les.lesion), "effusion"].iloc[0]
            )
            if effusion and opt.effusion_needs_cytology:
                why = "effusion without positive cytology: not PD"
            elif crit == "mRECIST" and status == "atypical":
                why = "atypical nodule, no >= 10 mm growth yet: not PD"
            elif crit == "mRECIST" and status == "typical":
                why = "typical pattern but < 10 mm: not PD yet"
            elif crit == "mRECIST" and status == "unequivocal" and bool(les.liver):
                why = (
                    "labelled unequivocal, but mRECIST counts an intrahepatic nodule as HCC only at "
                    ">= 10 mm with the typical pattern (size < 10 mm or not recorded): not PD yet"
                )
            else:
                why = "equivocal, not confirmed: not PD"
            words.append(f"new lesion {les.lesion} ({why})")
        text[i] = "; ".join(words)
    return flag, text, pending


# =========================================================================== several criteria
def _criteria_list(criteria) -> list[str]:
    """Canonical names of a criterion or a list of criteria (at least one), else ValueError."""
    if isinstance(criteria, str):
        criteria = [criteria]
    if not isinstance(criteria, (list, tuple)):
        raise ValueError(f"criteria: expected a criterion name or a list of them, got {criteria!r}")
    if not criteria:
        raise ValueError(f"criteria: give at least one of {', '.join(CRITERIA)}")
    # each criterion once: a repeated name would stack the same visits twice
    return list(dict.fromkeys(criterion_name(c) for c in criteria))


def assess_all(measurements, criteria=CRITERIA, **options):
    """Run :func:`assess` for several criteria on the same table (validated once).

    Returns the rows of all criteria stacked, ``criterion`` first. Options are those of
    :func:`assess` and apply to every criterion they concern.
    """
    import pandas as pd

    names = _criteria_list(criteria)
    opt = _Options(**options)
    prepared = _prepare(measurements)
    return pd.concat([_assess_prepared(prepared, c, opt) for c in names], ignore_index=True)


def lesion_table(measurements, criterion: str, **options):
    """Per lesion and visit: the measure the criterion uses, its role, and whether it is gone.

    Returns columns ``patient``, ``lesion``, ``day``, ``kind`` (as entered), ``role``
    (``target``, ``non_target``, ``new``, ``excluded``; mRECIST/EASL demote non-enhancing
    intrahepatic targets to ``non_target``), ``measure`` (mm, or mm^2 for WHO/EASL; the 5 mm
    default filled in for ``too_small``), ``unit`` and ``gone`` (counts as disappeared for a
    lesion-wise CR).
    """
    import numpy as np

    crit = criterion_name(criterion)
    opt = _Options(**options)
    df, _ = _measure(_prepare(measurements), crit, opt)
    scale = _U * _U if _PRODUCT[crit] else _U
    out = df[["patient", "lesion", "day", "kind", "role"]].copy()
    out.insert(0, "criterion", crit)
    out["measure"] = df["value"].to_numpy() / scale
    out["unit"] = "mm²" if _PRODUCT[crit] else "mm"
    out["gone"] = np.where(df["role"].isin(["target", "non_target"]), df["gone"], False)
    return out.reset_index(drop=True)


# =========================================================================== best response
def _best_one(days, resps, confirm_days, sd_min_days, nt_only=False):
    """Best overall response of one patient: (unconfirmed, confirmed, flag).

    ``unconfirmed`` and ``confirmed`` are ``(category, day, reason)``. A PR after a CR is
    marked ``PR*``: it cannot start or confirm a PR (after an overall CR any reappearance is
    PD: RECIST 1.1 Table 3 footnote) and the sequence is flagged.
    """
    # stop at the first PD
    seq = []
    flag = ""
    cr_day = None
    for d, r in zip(days, resps, strict=True):
        if cr_day is not None and r in ("PR", "SD", NON_CR_NON_PD) and not flag:
            flag = (
                f"CR followed by {r} (days {cr_day} and {d}): after an overall CR any reappearance is "
                "PD (RECIST 1.1 Table 3 footnote; EORTC RECIST FAQ), so either the later visit is PD "
                "or the CR should be re-read as PR"
                + (" (or non-targets were not evaluated: Table 1 gives PR)" if r == "PR" else "")
                + " - check the data"
            )
        if r == NON_CR_NON_PD:
            nt_only = True
        seq.append((d, "PR*" if (r == "PR" and cr_day is not None) else r))
        if r == "CR" and cr_day is None:
            cr_day = d
        if r == "PD":
            break
    first = {}
    for d, r in seq:
        first.setdefault(r, d)
    pd_day = first.get("PD")
    stable = "non-CR/non-PD" if nt_only else "SD"
    sd_ok = [d for d, r in seq if r in ("CR", "PR", "SD", NON_CR_NON_PD) and d >= sd_min_days]

    def fallback(note):
        if sd_ok:
            what = "non-CR/non-PD" if nt_only else "disease stable"
            return stable, sd_ok[0], f"{note}; {what} on day {sd_ok[0]} (>= {sd_min_days} d)"
        if pd_day is not None:
            return (
                "PD",
                pd_day,
                f"{note}; PD on day {pd_day}"
                + (
                    ""
                    if not any(r in ("CR", "PR", "SD", NON_CR_NON_PD) for _d, r in seq)
                    else f" before the SD minimum ({sd_min_days} d)"
                ),
            )
        return "NE", None, f"{note}; no assessment qualifies" if note else "no evaluable assessment"

    # unconfirmed
    if "CR" in first:
        unc = ("CR", first["CR"], f"CR on day {first['CR']}")
    elif "PR" in first:
        unc = ("PR", first["PR"], f"PR on day {first['PR']}")
    else:
        unc = fallback("no CR or PR")
    # confirmed: a later assessment >= confirm_days apart, nothing worse in between
    conf = None
    for want, ok in (("CR", ("CR",)), ("PR", ("CR", "PR"))):
        for i, (di, ri) in enumerate(seq):
            if ri not in ok:
                continue
            for dj, rj in seq[i + 1 :]:
                if rj in ok and dj - di >= confirm_days:
                    conf = (
                        want,
                        di,
                        f"{ri} on day {di} confirmed by {rj} on day {dj} ({dj - di} d >= {confirm_days} d)",
                    )
                    break
                if rj not in ok and rj != "NE":
                    break
            if conf:
                break
        if conf:
            break
    if conf is None:
        note = {"CR": "CR not confirmed", "PR": "PR not confirmed"}.get(unc[0], "no CR or PR")
        if unc[0] in ("CR", "PR"):
            note += f" (no second CR/PR >= {confirm_days} d later)"
        conf = fallback(note)
    if flag:
        conf = (
            conf[0],
            conf[1],
            conf[2] + "; a PR after a CR is a data problem and confirms nothing (see flag)",
        )
    return unc, conf, flag


def _check_timepoints(timepoints, arg: str):
    """Validate an :func:`assess` result passed back in: columns, ids, days, response categories."""
    import numpy as np
    import pandas as pd

    _check_frame(timepoints, arg, ("patient", "day", "response"), " (pass the output of assess())")
    cols = ("criterion", "patient", "day", "response", "target_response")
    _check_single_values(timepoints, cols, "column", arg)
    for col in ("criterion", "patient"):
        if col in timepoints.columns and timepoints[col].isna().any():
            _fail(timepoints, timepoints[col].isna(), col, f"is missing (in {arg})", what="column")
    day = pd.to_numeric(timepoints["day"].map(lambda v: None if isinstance(v, bool) else v), errors="coerce")
    dayf = day.astype(float)
    bad = (~np.isfinite(dayf) | (dayf % 1 != 0) | (dayf.abs() > MAX_DAY)).to_numpy()
    if bad.any():
        _fail(
            timepoints,
            bad,
            "day",
            f"must be a whole number of days from -{MAX_DAY} to {MAX_DAY}, got "
            f"{timepoints['day'].to_numpy()[bad][0]!r} (in {arg})",
            what="column",
        )
    _check_responses(timepoints, "response", arg, allow_missing=True)
    keys = [c for c in ("criterion", "patient", "day") if c in timepoints.columns]
    dup = timepoints.duplicated(keys, keep=False).to_numpy()
    if dup.any():
        _fail(
            timepoints, dup, "day", f"appears twice for this patient (in {arg}: one row per visit)", "column"
        )


def best_response(timepoints, *, confirm: bool = True, confirm_days: int = 28, sd_min_days: int = 42):
    """Best overall response per patient (RECIST 1.1 Table 3), with and without confirmation.

    Parameters
    ----------
    timepoints : pandas.DataFrame
        Output of :func:`assess` or :func:`assess_all` (``patient``, ``day``, ``response``;
        a ``criterion`` column is kept as a grouping key).
    confirm : bool, default True
        Report the confirmed best response in ``best_response`` (needed in non-randomised
        trials with response as primary end point, and by WHO). Both versions are always in
        the output (``best_unconfirmed``, ``best_confirmed``).
    confirm_days : int, default 28
        A CR or PR needs a second CR/PR (CR for a CR) at least this many days later, with no
        SD/PD in between (NE allowed).
    sd_min_days : int, default 42
        SD (and an unconfirmed CR/PR, which then counts as SD) needs an assessment at least
        this many days from treatment start (day 0); otherwise the best is PD if progression
        follows, else NE. Use e.g. 183 for "SD maintained >= 6 months". For non-target
        disease only the same minimum applies to ``non-CR/non-PD`` (and an unconfirmed CR
        then counts as non-CR/non-PD).

    Returns
    -------
    pandas.DataFrame
        One row per patient (and criterion): ``patient``, ``best_response`` (ordered
        categorical), ``confirmed`` (for a CR/PR best response: was it confirmed; missing
        otherwise), ``best_unconfirmed``, ``best_confirmed``, ``best_day`` (first day of the
        best response), ``reason`` and ``flag`` (data problems such as CR followed by PR).

    Notes
    -----
    Assessments after the first PD are ignored. Examples (RECIST 1.1 Table 3): PR, PR >= 28 d
    apart -> PR; PR, SD -> SD; PR then PD before the SD minimum -> PD; PR, CR -> PR;
    CR, CR -> CR; PR, PR only 20 days apart -> SD if the SD minimum is met, otherwise PD
    (progression follows) or NE. A PR (or SD, non-CR/non-PD) after a CR cannot happen under
    the rules (:func:`assess` scores the reappearance PD); met in timepoints from elsewhere,
    it confirms nothing and ``flag`` says so.
    """
    import numpy as np
    import pandas as pd

    _check_timepoints(timepoints, "timepoints")
    _check_bool(confirm, "confirm")
    for name, v in (("confirm_days", confirm_days), ("sd_min_days", sd_min_days)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ValueError(f"{name}: must be a whole number of days >= 0, got {v!r}")
    keys = ["criterion", "patient"] if "criterion" in timepoints.columns else ["patient"]
    # group codes in order of first appearance; one stable sort, then walk the rows once
    codes = timepoints.groupby(keys, sort=False).ngroup().to_numpy()
    key_list = list(timepoints.drop_duplicates(keys)[keys].itertuples(index=False, name=None))
    resp_all = timepoints["response"].astype(object).to_numpy()
    days_all = pd.to_numeric(timepoints["day"]).to_numpy()
    # non-target disease only: known from assess()'s target_response ("none"), else inferred
    if "target_response" in timepoints.columns:
        tr = timepoints["target_response"].astype(object)
        no_t = (tr.eq("none") | tr.isna()).groupby(codes).all().to_numpy()
        has_fu = tr.notna().groupby(codes).any().to_numpy()
        nt_only_by_code = no_t & has_fu
    else:
        nt_only_by_code = np.zeros(len(key_list), dtype=bool)
    per_group: list[tuple[list, list]] = [([], []) for _ in key_list]
    for i in np.lexsort((days_all, codes)):
        r = resp_all[i]
        if isinstance(r, str):  # baseline rows have no response
            d, rs = per_group[codes[i]]
            d.append(int(days_all[i]))
            rs.append(r)
    rows = []
    for code, (key, (days, resps)) in enumerate(zip(key_list, per_group, strict=True)):
        unc, conf, flag = _best_one(days, resps, confirm_days, sd_min_days, bool(nt_only_by_code[code]))
        chosen = conf if confirm else unc
        confirmed = (conf[0] == chosen[0]) if chosen[0] in ("CR", "PR") else pd.NA
        reason = chosen[2]
        if not confirm and chosen[0] in ("CR", "PR"):
            reason += " (confirmed)" if confirmed else f" (not confirmed: {conf[2]})"
        rows.append((*key, chosen[0], confirmed, unc[0], conf[0], chosen[1], reason, flag))
    out = pd.DataFrame(
        rows,
        columns=[
            *keys,
            "best_response",
            "confirmed",
            "best_unconfirmed",
            "best_confirmed",
            "best_day",
            "reason",
            "flag",
        ],
    )
    cat = pd.CategoricalDtype(list(RESPONSES), ordered=True)
    for col in ("best_response", "best_unconfirmed", "best_confirmed"):
        out[col] = out[col].astype(cat)
    out["confirmed"] = out["confirmed"].astype("boolean")
    out["best_day"] = out["best_day"].astype("Int64")
    if "synthetic" in timepoints.columns:
        out["synthetic"] = timepoints.groupby(keys, sort=False)["synthetic"].any().to_numpy(dtype=bool)
    return out


def best_change(timepoints, best=None):
    """Best (most negative) % change of the target sum from baseline, per patient: waterfall data.

    Parameters
    ----------
    timepoints : pandas.DataFrame
        :func:`assess` / :func:`assess_all` output.
    best : pandas.DataFrame, optional
        :func:`best_response` output; its ``best_response`` is added for colouring.

    Returns
    -------
    pandas.DataFrame
        ``[criterion,] patient, best_pct_change`` (%; missing when no follow-up visit has a
        complete target sum), ``best_response`` (if ``best`` given), ``synthetic`` (if known),
        sorted from the largest increase to the deepest shrinkage (waterfall order), with
        ``rank`` 1..n per criterion.
    """
    import numpy as np
    import pandas as pd

    _check_timepoints(timepoints, "timepoints")
    _check_frame(timepoints, "timepoints", ("pct_change_baseline",), " (pass the output of assess())")
    keys = ["criterion", "patient"] if "criterion" in timepoints.columns else ["patient"]
    pct = pd.to_numeric(timepoints["pct_change_baseline"], errors="coerce").astype(float)
    bad = (timepoints["pct_change_baseline"].notna() & ~np.isfinite(pct)) | (pct < -100)
    if bad.any():
        _fail(
            timepoints,
            bad.to_numpy(),
            "pct_change_baseline",
            f"must be a finite % change >= -100 (or empty), got {timepoints['pct_change_baseline'][bad].iloc[0]!r}",
            what="column",
        )
    if best is not None:
        _check_frame(best, "best", [*keys, "best_response"], " (pass the output of best_response())")
        _check_single_values(best, keys, "column", "best")
        if best.duplicated(keys).any():
            _fail(best, best.duplicated(keys, keep=False), keys[-1], "appears twice (in best)", "column")
    timepoints = timepoints.assign(pct_change_baseline=pct)
    # grouped over every row (baseline-only patients get NaN), so the ids keep the table's own type
    follow = timepoints["pct_change_baseline"].where(timepoints["response"].notna())
    change = follow.groupby([timepoints[k] for k in keys], sort=False).min()
    out = timepoints[keys].drop_duplicates().join(change.rename("best_pct_change"), on=keys)
    if best is not None:
        try:
            out = out.merge(best[[*keys, "best_response"]], on=keys, how="left")
        except ValueError as exc:  # ids of another kind (numbers in one table, text in the other)
            raise ValueError(
                f"best: its {'/'.join(keys)} ids cannot be matched with those of timepoints "
                f"({exc}); pass best_response() of the same timepoints"
            ) from exc
    if "synthetic" in timepoints.columns:
        syn = timepoints.groupby(keys, sort=False)["synthetic"].any().rename("synthetic")
        out = out.join(syn, on=keys)
    out = out.sort_values([*keys[:-1], "best_pct_change"], ascending=[True] * (len(keys) - 1) + [False])
    out["rank"] = out.groupby(keys[:-1]).cumcount() + 1 if len(keys) > 1 else range(1, len(out) + 1)
    return out.reset_index(drop=True)


# =========================================================================== target rule alone
def target_category(
    sum_tenth_mm: int, baseline_tenth_mm: int, nadir_tenth_mm: int, *, nadir_was_cr: bool = True
) -> str:
    """RECIST 1.1 target-lesion category from integer sums in tenths of a mm: ``PR``/``SD``/``PD``.

    PD is tested first: sum >= 120 % of the nadir AND at least 5 mm (50 tenths) above it;
    then PR: sum <= 70 % of the baseline; otherwise SD. (CR is lesion-wise and cannot be
    decided from sums: see :func:`assess`.)

    A nadir of 0 mm means every target had disappeared. With ``nadir_was_cr=True`` (default:
    target disease only, so that visit was an overall CR) any sum above 0 afterwards is a
    reappearance after CR and PD whatever its size - the 5 mm clause cannot veto it (EORTC
    RECIST FAQ; RECIST 1.1 Table 3 footnote). Pass ``False`` when non-target disease remained
    at the nadir (no overall CR): the usual +20 % / +5 mm rule then applies (same FAQ).

    >>> target_category(196, 280, 280)   # 28.0 -> 19.6 mm: exactly -30 %
    'PR'
    >>> target_category(160, 180, 120)   # +33 % but only +4 mm above the nadir
    'SD'
    >>> target_category(40, 500, 0)      # 4 mm after every target had gone: reappearance
    'PD'
    """
    for name, v in (
        ("sum_tenth_mm", sum_tenth_mm),
        ("baseline_tenth_mm", baseline_tenth_mm),
        ("nadir_tenth_mm", nadir_tenth_mm),
    ):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ValueError(f"{name}: must be a whole number of tenths of a mm >= 0, got {v!r}")
    if baseline_tenth_mm == 0:
        raise ValueError("baseline_tenth_mm: the baseline sum must be > 0")
    _check_bool(nadir_was_cr, "nadir_was_cr")
    s, b, n = sum_tenth_mm, baseline_tenth_mm, nadir_tenth_mm
    if n == 0 and s > 0 and nadir_was_cr:
        return "PD"
    if s > n and 5 * s >= 6 * n and s - n >= 50:
        return "PD"
    if 10 * s <= 7 * b:
        return "PR"
    return "SD"


@dataclass(frozen=True)
class TargetVerdict:
    """The target-lesion rule applied to three sums (mm), with the numbers behind it."""

    criterion: str
    category: str
    rule: str
    sum_mm: float
    baseline_mm: float
    nadir_mm: float
    pct_change_baseline: float
    pct_change_nadir: float

    def _repr_html_(self) -> str:
        import html

        return (
            f"<div class='hcckit-verdict'><b>{html.escape(self.criterion)}: {self.category}</b> - "
            f"{html.escape(self.rule)} (sum {self.sum_mm:g} mm, {self.pct_change_baseline:+.1f} % vs "
            f"baseline, {self.pct_change_nadir:+.1f} % vs nadir)</div>"
        )


def explain_target(
    sum_mm: float,
    *,
    baseline_mm: float,
    nadir_mm: float,
    criterion: str = "RECIST 1.1",
    mrecist_5mm: bool = False,
    nadir_was_cr: bool = True,
) -> TargetVerdict:
    """Apply a criterion's PR/PD thresholds to three sums (mm) and say which rule fired.

    Works for RECIST 1.1 and mRECIST (diameters, mm); WHO/EASL sums are products (mm^2) and
    use 50 % / 25 %. Sums are rounded to 0.01 mm and compared exactly. A nadir of 0 that was
    an overall CR (``nadir_was_cr``, default True; see :func:`target_category`) makes any
    sum above 0 PD: reappearance after CR, whatever the size or the 5 mm option.
    """
    crit = criterion_name(criterion)
    product = crit in ("WHO", "EASL")
    high = MAX_MM * MAX_MM * 5 if product else MAX_MM * 5  # five targets of MAX_MM at most
    for name, v in (("sum_mm", sum_mm), ("baseline_mm", baseline_mm), ("nadir_mm", nadir_mm)):
        if type(v).__name__ in ("bool", "bool_") or not isinstance(v, numbers.Real) or not math.isfinite(v):
            raise ValueError(f"{name}: must be a finite number of {'mm²' if product else 'mm'}, got {v!r}")
        if not 0 <= v <= high:
            raise ValueError(f"{name}: must be from 0 to {high:g} {'mm²' if product else 'mm'}, got {v!r}")
    if not round(baseline_mm * _U) > 0:  # compared in hundredths of a mm
        raise ValueError(f"baseline_mm: the baseline sum must be at least 0.01 mm, got {baseline_mm!r}")
    _check_bool(mrecist_5mm, "mrecist_5mm")
    _check_bool(nadir_was_cr, "nadir_was_cr")
    s, b, n = (int(round(x * _U)) for x in (sum_mm, baseline_mm, nadir_mm))
    if n == 0 and s > 0 and nadir_was_cr:
        cat, rule = "PD", "reappearance after CR (nadir 0): PD whatever the size (EORTC RECIST FAQ)"
    elif crit in ("WHO", "EASL"):
        s, b, n = (int(round(x * _U * _U)) for x in (sum_mm, baseline_mm, nadir_mm))
        if s > n and 4 * s >= 5 * n:
            cat, rule = "PD", "sum of products >= 125 % of nadir"
        elif 2 * s <= b:
            cat, rule = "PR", "sum of products <= 50 % of baseline"
        else:
            cat, rule = "SD", "neither PR nor PD"
    else:
        abs_on = crit == "RECIST 1.1" or mrecist_5mm
        if s > n and 5 * s >= 6 * n and (not abs_on or s - n >= 5 * _U):
            cat, rule = "PD", "sum >= 120 % of nadir" + (" and >= 5 mm above it" if abs_on else "")
        elif 10 * s <= 7 * b:
            cat, rule = "PR", "sum <= 70 % of baseline"
        elif s > n and 5 * s >= 6 * n:
            cat, rule = "SD", "+20 % or more vs nadir but less than 5 mm: not PD"
        else:
            cat, rule = "SD", "neither PR nor PD"
    return TargetVerdict(
        crit,
        cat,
        rule,
        float(sum_mm),
        float(baseline_mm),
        float(nadir_mm),
        100 * (s - b) / b if b else math.nan,
        100 * (s - n) / n if n else math.nan,
    )


# =========================================================================== rates
def response_rates(
    best,
    *,
    by: str | None = "criterion",
    column: str = "best_response",
    level: float = 0.95,
    sided: str = "two",
    non_cr_non_pd_as_dcr: bool = False,
):
    """CR, PR, SD, non-CR/non-PD, PD, NE, ORR (CR+PR) and DCR (CR+PR+SD), exact Clopper-Pearson CIs.

    Parameters
    ----------
    best : pandas.DataFrame
        Output of :func:`best_response` (one row per patient, and per criterion).
    by : str or None, default "criterion"
        Grouping column (ignored when absent).
    column : str, default "best_response"
        Which best response to count (``best_unconfirmed`` / ``best_confirmed`` also work).
    level, sided
        Passed to :func:`hcckit.stats.proportion_ci`.
    non_cr_non_pd_as_dcr : bool, default False
        Protocol choice: count non-CR/non-PD (non-target disease only, RECIST 1.1 Table 2)
        towards disease control. RECIST 1.1 (section 4.3.3) names the category precisely
        because SD is an efficacy end point, so by default it is not disease control.

    Returns
    -------
    pandas.DataFrame
        ``[by,] endpoint, count, n, percent, ci_low_pct, ci_high_pct, level, sided``; the
        denominator ``n`` is every patient in the group (NE included). Percentages in %.
    """
    import pandas as pd

    from hcckit.stats import proportion_ci

    _check_frame(best, "best")
    if not isinstance(column, str) or column not in best.columns:
        raise ValueError(f"column: {column!r} not in best (columns are {list(best.columns)})")
    if len(best) == 0:
        # no patient, no denominator: a rate of 0 patients is not a rate
        raise ValueError("best: the table has no rows (no patient to count; pass best_response() output)")
    if by is not None and not isinstance(by, str):
        raise ValueError(f"by: must be a column name or None, got {by!r}")
    _check_bool(non_cr_non_pd_as_dcr, "non_cr_non_pd_as_dcr")
    keys = [by] if by and by in best.columns else []
    _check_single_values(best, keys, "column", "best")
    _check_responses(best, column, "best", allow_missing=False)
    if keys and best[by].isna().any():
        _fail(best, best[by].isna(), by, "is missing (in best)", what="column")
    groups = best.groupby(keys, sort=False) if keys else [((), best)]
    rows = []
    for key, g in groups:
        key = key if isinstance(key, tuple) else (key,)
        resp = g[column].astype(str)
        n = len(g)
        counts = {r: int((resp == r).sum()) for r in RESPONSES}
        counts["ORR"] = counts["CR"] + counts["PR"]
        counts["DCR"] = counts["ORR"] + counts["SD"]
        if non_cr_non_pd_as_dcr:
            counts["DCR"] += counts[NON_CR_NON_PD]
        for endpoint in (*RESPONSES, "ORR", "DCR"):
            ci = proportion_ci(counts[endpoint], n, level=level, sided=sided)
            rows.append(
                (
                    *key[: len(keys)],
                    endpoint,
                    ci.count,
                    n,
                    ci.percent,
                    ci.ci_low_pct,
                    ci.ci_high_pct,
                    level,
                    sided,
                )
            )
    return pd.DataFrame(
        rows,
        columns=[*keys, "endpoint", "count", "n", "percent", "ci_low_pct", "ci_high_pct", "level", "sided"],
    )


def trial_rates(outcomes, *, trial_id: str | None = None, endpoints=("ORR", "DCR")):
    """Reported response rates of curated trials, with the exact interval recomputed.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        ``hcckit.data.load("outcomes")``.
    trial_id : str, optional
        Keep one trial (default: all trials with counts and denominators).
    endpoints : sequence of str
        Response end points to keep (``CR``, ``PR``, ``SD``, ``PD``, ``ORR``, ``DCR``).

    Returns
    -------
    pandas.DataFrame
        ``trial_id, arm_id, criterion, endpoint, count, n, percent`` (recomputed, %),
        ``reported_pct``, ``reported_ci_low``, ``reported_ci_high`` (%, as printed),
        ``ci_level``, ``ci_sided`` (``two`` or ``one_lower``; 0.95 two-sided when the source
        printed none), ``ci_low_pct``, ``ci_high_pct`` (exact Clopper-Pearson, %; the upper
        end of a one-sided lower bound is 100 %), and
        ``note``. Rows without a count or denominator are dropped.
    """
    import numpy as np
    import pandas as pd

    from hcckit.stats import proportion_ci

    need = {"trial_id", "arm_id", "endpoint", "criterion", "count", "n", "value"}
    _check_frame(outcomes, "outcomes")
    if not need <= set(outcomes.columns):
        raise ValueError(f"outcomes: columns missing: {sorted(need - set(outcomes.columns))}")
    if isinstance(endpoints, str):
        endpoints = [endpoints]
    if not isinstance(endpoints, (list, tuple)) or not all(isinstance(e, str) for e in endpoints):
        raise ValueError(
            f"endpoints: expected a list of end point names (e.g. ['ORR', 'DCR']), got {endpoints!r}"
        )
    if trial_id is not None and not isinstance(trial_id, str):
        raise ValueError(f"trial_id: must be a trial id (text) or None, got {trial_id!r}")
    outcomes = outcomes.reset_index(drop=True)
    _check_single_values(
        outcomes, ("trial_id", "arm_id", "endpoint", "criterion", "ci_sided"), "column", "outcomes"
    )
    o = outcomes[
        outcomes["endpoint"].isin(list(endpoints)) & outcomes["count"].notna() & outcomes["n"].notna()
    ]
    for col in ("count", "n"):
        num = pd.to_numeric(o[col].map(lambda v: None if isinstance(v, bool) else v), errors="coerce")
        bad = (~np.isfinite(num.astype(float)) | (num % 1 != 0) | (num < 0)).to_numpy()
        if bad.any():
            _fail(o, bad, col, f"must be a whole number >= 0, got {o[col].to_numpy()[bad][0]!r}", "column")
    if trial_id is not None:
        o = o[o["trial_id"] == trial_id]
        if o.empty:
            raise ValueError(f"trial_id: no response rates with counts for {trial_id!r}")
    rows = []
    for i, r in enumerate(o.itertuples(index=False)):
        level = getattr(r, "ci_level", None)
        level = 0.95 if level is None or (_hashable(level) and pd.isna(level)) else level
        sided_raw = getattr(r, "ci_sided", None)
        sided = "lower" if isinstance(sided_raw, str) and sided_raw == "one_lower" else "two"
        try:
            ci = proportion_ci(int(float(r.count)), int(float(r.n)), level=level, sided=sided)
        except (TypeError, ValueError) as exc:
            where = np.zeros(len(o), dtype=bool)
            where[i] = True
            field = "ci_level" if str(exc).startswith("level") else "count"
            _fail(o, where, field, f"gives no interval: {exc}", what="column")
        rows.append(
            {
                "trial_id": r.trial_id,
                "arm_id": r.arm_id,
                "criterion": r.criterion,
                "endpoint": r.endpoint,
                "count": int(r.count),
                "n": int(r.n),
                "percent": ci.percent,
                "reported_pct": r.value,
                "reported_ci_low": getattr(r, "ci_low", float("nan")),
                "reported_ci_high": getattr(r, "ci_high", float("nan")),
                "ci_level": ci.level,
                "ci_sided": "one_lower" if sided == "lower" else "two",
                "ci_low_pct": ci.ci_low_pct,
                "ci_high_pct": ci.ci_high_pct,  # 100 % for a one-sided lower bound
                "note": getattr(r, "note", None),
            }
        )
    return pd.DataFrame(rows)


def discordance_table(
    best,
    *,
    rows: str = "RECIST 1.1",
    cols: str = "mRECIST",
    column: str = "best_response",
    wide: bool = False,
):
    """Cross-table of best responses under two criteria, patient by patient.

    Parameters
    ----------
    best : pandas.DataFrame
        :func:`best_response` output of :func:`assess_all` (has a ``criterion`` column).
    rows, cols : str
        The two criteria (rows and columns of the table).
    column : str, default "best_response"
    wide : bool, default False
        ``False``: tidy, one row per cell (all 36 cells of the six categories, zeros
        included) with
        ``row_criterion, row_response, col_criterion, col_response, count, agree``.
        ``True``: a ``pandas.crosstab``-style table with totals.
    """
    import pandas as pd

    a, b = criterion_name(rows), criterion_name(cols)
    _check_frame(best, "best", ("patient",))
    _check_bool(wide, "wide")
    if "criterion" not in best.columns:
        raise ValueError("best: needs a 'criterion' column (use assess_all then best_response)")
    if not isinstance(column, str) or column not in best.columns:
        raise ValueError(f"column: {column!r} not in best (columns are {list(best.columns)})")
    _check_single_values(best, ("criterion", "patient"), "column", "best")
    _check_responses(best, column, "best", allow_missing=False)
    dup = best.duplicated(["criterion", "patient"], keep=False)
    if dup.any():
        _fail(
            best, dup, "patient", "appears twice for this criterion (in best: one row per patient)", "column"
        )
    ra = best[best["criterion"] == a].set_index("patient")[column].astype(str)
    rb = best[best["criterion"] == b].set_index("patient")[column].astype(str)
    if ra.empty or rb.empty:
        raise ValueError(f"best: needs rows for both {a} and {b}")
    both = pd.concat([ra.rename("r"), rb.rename("c")], axis=1, join="inner")
    if wide:
        cat = pd.CategoricalDtype(list(RESPONSES), ordered=True)
        return pd.crosstab(
            both["r"].astype(cat), both["c"].astype(cat), margins=True, margins_name="total", dropna=False
        ).rename_axis(index=a, columns=b)
    counts = both.groupby(["r", "c"]).size()
    out = [(a, r, b, c, int(counts.get((r, c), 0)), r == c) for r in RESPONSES for c in RESPONSES]
    return pd.DataFrame(
        out, columns=["row_criterion", "row_response", "col_criterion", "col_response", "count", "agree"]
    )


# =========================================================================== synthetic teaching data
_CASES = (
    ("necrosis, little shrinkage", 0.27),
    ("complete necrosis", 0.11),
    ("true shrinkage", 0.16),
    ("transient response", 0.08),
    ("stable", 0.14),
    ("growth", 0.12),
    ("new lesion", 0.12),
)


_MAX_TEACHING_PATIENTS = 10_000


def teaching_cohort(n_patients: int = 40, *, seed: int = 0, visits: int = 6, interval_days: int = 42):
    """SYNTHETIC lesion measurements for teaching (HCC after TACE), deterministic for a seed.

    Each patient has 1-3 enhancing liver lesions (20-80 mm; at most 2 are targets, as RECIST
    1.1 allows 2 per organ, a third is a non-target), sometimes an
    extrahepatic lymph node or a portal vein thrombus as non-target, and follows one of seven
    archetypes (``case`` column): necrosis with little shrinkage (RECIST SD, mRECIST PR),
    complete necrosis, true shrinkage, a transient response (one good scan, not confirmed),
    stable disease, growth, or a new lesion (sometimes first equivocal). Visits every ``interval_days`` days (+/- 3 days) from day 0.

    Returns
    -------
    pandas.DataFrame
        The columns :func:`assess` reads plus ``case`` and ``synthetic`` (always True). These
        are NOT patient data.
    """
    import numpy as np
    import pandas as pd

    # bounds keep a class cohort small enough to assess at once and every day within MAX_DAY
    for name, v, high in (
        ("n_patients", n_patients, _MAX_TEACHING_PATIENTS),
        ("visits", visits, 50),
        ("interval_days", interval_days, 365),
    ):
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= high:
            raise ValueError(f"{name}: must be a whole number from 1 to {high:,}, got {v!r}")
    if visits < 2:
        raise ValueError("visits: need at least 2 (baseline and one follow-up)")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**63:
        raise ValueError(f"seed: must be a whole number >= 0, got {seed!r}")
    rng = np.random.default_rng(seed)
    names = [c for c, _ in _CASES]
    probs = np.array([p for _, p in _CASES])
    rec: dict[str, list] = {
        k: []
        for k in (
            "patient",
            "lesion",
            "day",
            "kind",
            "organ",
            "is_node",
            "ld_mm",
            "sa_mm",
            "viable_ld_mm",
            "perp_mm",
            "viable_perp_mm",
            "too_small",
            "status",
            "cytology",
            "case",
        )
    }

    def add(**kw):
        for k in rec:
            rec[k].append(kw.get(k, np.nan if k not in ("too_small", "is_node") else False))

    width = len(str(n_patients))
    for p in range(n_patients):
        pid = f"S{p + 1:0{width}d}"
        case = names[rng.choice(len(names), p=probs)]
        # +/- 3 days of jitter, less for short intervals so that visits stay in order
        jit = min(3, (interval_days - 1) // 2)
        days = [0] + [k * interval_days + int(rng.integers(-jit, jit + 1)) for k in range(1, visits)]
        n_t = int(rng.choice([1, 2, 3], p=[0.45, 0.35, 0.2]))  # the 3rd liver lesion is a non-target
        base = rng.uniform(20, 80, n_t)
        aspect = rng.uniform(0.65, 0.9, n_t)
        vfrac0 = rng.uniform(0.85, 1.0, n_t)
        k_prog = int(rng.integers(2, visits)) if visits > 2 else 1
        # trajectory factors per visit for the whole lesion (ld) and its viable part
        f_ld = np.ones(visits)
        f_v = np.ones(visits)
        # depth of the effect drawn once per patient, reached over three visits (monotone),
        # plus a little measurement noise (+/- 2 %) at each visit
        depth = {
            "necrosis, little shrinkage": (0.12, rng.uniform(0.45, 0.75)),
            "complete necrosis": (0.2, 1.0),
            "true shrinkage": (rng.uniform(0.35, 0.6), None),
            "transient response": (0.15, 0.4),
            "stable": (rng.uniform(-0.1, 0.1), None),
            "growth": (0.05, None),
            "new lesion": (0.1, rng.uniform(0.2, 0.6)),
        }[case]
        viable_share = rng.uniform(0.6, 1.0)
        for k in range(1, visits):
            step = min(k, 3) / 3
            noise = 1 + rng.uniform(-0.02, 0.02)
            f_ld[k] = (1 - depth[0] * step) * noise
            if depth[1] is None:
                f_v[k] = f_ld[k] * (viable_share if case == "true shrinkage" else 0.9)
            else:
                f_v[k] = (1 - depth[1] * step) * noise
            if case == "transient response":  # one good scan (PR by every criterion), then back
                f_ld[k] = (0.6 if k == 1 else 0.85) * noise
                f_v[k] = (0.5 if k == 1 else 0.8) * noise
            if case == "growth" and k >= k_prog:
                f_ld[k] = f_v[k] = (1 + 0.15 * (k - k_prog + 2)) * noise
        for j in range(n_t):
            kind = "target" if j < 2 else "non_target"  # RECIST 1.1: at most 2 targets per organ
            for k, day in enumerate(days):
                ld = round(base[j] * f_ld[k])
                v = min(ld, round(base[j] * vfrac0[j] * f_v[k]))
                status = None if kind == "target" or k == 0 else "non_CR_non_PD"
                add(
                    patient=pid,
                    lesion=f"L{j + 1}",
                    day=day,
                    kind=kind,
                    organ="liver",
                    ld_mm=float(ld),
                    viable_ld_mm=float(v),
                    perp_mm=float(round(ld * aspect[j])),
                    viable_perp_mm=float(min(round(ld * aspect[j]), round(v * aspect[j]))),
                    status=status,
                    case=case,
                )
        extra = rng.random()
        if extra < 0.2:  # an abdominal lymph node, non-target
            for k, day in enumerate(days):
                add(
                    patient=pid,
                    lesion="N1",
                    day=day,
                    kind="non_target",
                    organ="lymph_node",
                    is_node=True,
                    sa_mm=12.0,
                    status=None if k == 0 else "non_CR_non_PD",
                    case=case,
                )
        elif extra < 0.3:  # portal vein tumour thrombus
            for k, day in enumerate(days):
                status = None if k == 0 else ("PD" if case == "growth" and k >= k_prog else "non_CR_non_PD")
                add(
                    patient=pid,
                    lesion="PVT",
                    day=day,
                    kind="non_target",
                    organ="portal_vein",
                    status=status,
                    case=case,
                )
        if case == "new lesion":
            start = int(rng.integers(1, visits))
            equivocal_first = rng.random() < 0.4 and start < visits - 1
            size = float(rng.integers(11, 25))
            for k in range(start, visits):
                status = "equivocal" if (equivocal_first and k == start) else "typical"
                add(
                    patient=pid,
                    lesion="New1",
                    day=days[k],
                    kind="new",
                    organ="liver",
                    ld_mm=size + 3 * (k - start),
                    viable_ld_mm=size + 3 * (k - start),
                    perp_mm=size,
                    viable_perp_mm=size,
                    status=status,
                    case=case,
                )
    out = pd.DataFrame(rec)
    out["synthetic"] = True
    return out


def necrotic_patient():
    """SYNTHETIC teaching patient: HCC after TACE with two enhancing liver lesions, three visits.

    L1 (segment VII) 50 mm, 50x40 mm, fully enhancing; L2 (segment IV) 30 mm, 30x25 mm.
    Day 42: L1 48 mm with 30 mm viable (48x40; viable 30x20) - the specification's
    partial-necrosis example - and L2 29 mm with 18 mm viable. Day 84: necrosis deepens.
    Edit it with :func:`edit_measurements`.
    """
    import pandas as pd

    rows = [
        # lesion, day, ld, viable, perp, viable_perp
        ("L1", 0, 50, 50, 40, 40),
        ("L2", 0, 30, 30, 25, 25),
        ("L1", 42, 48, 30, 40, 20),
        ("L2", 42, 29, 18, 24, 14),
        ("L1", 84, 47, 12, 39, 10),
        ("L2", 84, 28, 0, 23, 0),
    ]
    df = pd.DataFrame(rows, columns=["lesion", "day", "ld_mm", "viable_ld_mm", "perp_mm", "viable_perp_mm"])
    df.insert(0, "patient", "Teaching patient (synthetic)")
    df.insert(3, "kind", "target")
    df.insert(4, "organ", "liver")
    for c in ("ld_mm", "viable_ld_mm", "perp_mm", "viable_perp_mm"):
        df[c] = df[c].astype(float)
    df["synthetic"] = True
    return df.sort_values(["day", "lesion"]).reset_index(drop=True)


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


#: Measurement columns each criterion reads (RECIST 1.1 and WHO the whole lesion, mRECIST and EASL
#: the viable, arterially enhancing part; WHO and EASL also the perpendicular diameter).
CRITERION_COLUMNS = {
    "RECIST 1.1": ("ld_mm",),
    "mRECIST": ("viable_ld_mm",),
    "WHO": ("ld_mm", "perp_mm"),
    "EASL": ("viable_ld_mm", "viable_perp_mm"),
}


def criteria_supported(measurements) -> dict:
    """Which criteria a measurement table's columns allow: ``{criterion: None or the reason not}``.

    A criterion is supported when every column it reads (:data:`CRITERION_COLUMNS`) is present;
    otherwise its value says which column is missing (e.g. a RECIST-only file has ``ld_mm`` but
    no ``viable_ld_mm``, so mRECIST and EASL cannot be applied). Whether the values in those
    columns are complete is checked by :func:`assess`, whose errors name the lesion.
    """
    _check_frame(measurements, "measurements")
    columns = set(measurements.columns)
    out = {}
    for criterion, needed in CRITERION_COLUMNS.items():
        missing = [c for c in needed if c not in columns]
        out[criterion] = None if not missing else f"no {' or '.join(repr(m) for m in missing)} column"
    return out
