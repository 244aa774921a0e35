"""Reader variability: re-read a case many times with realistic measurement error; how often do verdicts flip?

The error model comes from published inter-reader limits of agreement, kept with their source in
``data/imaging_reader_variability.csv`` (one row per printed figure). Columns:

================ ===================================================================================
figure_id        slug of the figure
study            short name of the study
authors          as printed on the retrieved page
title            title of the publication
journal, year,   as far as the retrieved text gives them (empty when it does not: the note says so;
doi              nothing is filled in from memory)
source_url       the page the figure was read from
source_location  where in the publication (section and the printed words)
population       lesions, organ, modality, readers
comparison       ``inter_reader`` (two readers, same scan), ``intra_reader`` (same reader twice),
                 ``repeat_scan`` (two scans minutes apart)
phase            ``arterial``, ``portal_venous``, ``unenhanced`` or ``not_stated``
measure          ``longest_diameter``, ``short_axis``
statistic        ``limits_of_agreement_95`` (Bland-Altman, value_low/value_high), ``share_within``
                 (value: % of measurements within value_low..value_high), ``share_above`` (value:
                 % above value_low), ``range``, ``median`` (value_low/value_high: median decrease
                 and increase), ``icc`` (value, its 95% CI in value_low/value_high)
value, value_low, value_high   the printed numbers, in ``unit`` (``mm``, ``%`` or ``ratio``)
lesion_size_mm   typical lesion size of the figure (mm), when printed
n_lesions, n_readers           counts, when printed
used_for         ``model_viable`` / ``model_whole`` (the inter-reader model), ``model_*_intra``
                 (the intra-reader model) or ``context`` (shown, not used)
note             what the retrieved text does not say, and caveats
================ ===================================================================================

The model (:func:`reader_error_model`)
--------------------------------------
Huh et al. (Korean J Radiol 19(6)) measured the longest diameter of 79 liver lesions (liver
metastases of neuroendocrine tumours, approximate mean size 3 cm, 45 rim-enhancing) on every CT
phase, two readers twice: inter-observer 95 % limits of agreement -8.5 to 7.4 mm on the arterial
phase, -7.9 to 7.1 mm on the portal-venous phase. If each reader's error is independent with SD
s, the difference of two readers has SD s*sqrt(2) and the limits are +/- 1.96 s*sqrt(2), so
s = (half-width of the limits) / 1.96 / sqrt(2): 2.87 mm (arterial) and 2.71 mm
(portal-venous), i.e. 9.6 % and 9.0 % of a 30 mm lesion. The simulated reader measures
``length * (1 + e)`` with e ~ Normal(0, s %), truncated at +/- 3 SD (and a baseline target
read at >= 10 mm, as a reader who chose it as a target did) - arterial-phase figures for the viable (enhancing)
diameters, portal-venous ones for the whole lesion; the perpendicular diameters get the same SD
as the longest (no published figure for them was retrieved). Assumptions to say aloud in class:
proportional error (McErlean et al. found percentage variability larger for small lesions, so this
understates the error of a 10 mm nodule), no bias between readers, errors independent between
lesions and visits, and the reader's judgements (target choice, typical vs atypical nodule,
non-target status) held fixed - only the calipers vary. No HCC- or mRECIST-specific limits of
agreement for *diameters* were found in the retrieved texts; the HCC studies found report
agreement on response categories (kappa), not measurement error.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

from hcckit.imaging.measure import (
    _CRITERIA,
    _ENGINE_COLUMNS,
    MEASURES,
    _best,
    _criteria_names,
    _required,
    _truth_of,
    _verdicts,
)

__all__ = ["ReaderErrorModel", "reader_error_model", "reread", "flip_curve", "FIGURES_FILE"]

#: The curated figures (in the package data folder, ``hcckit.data.data_dir()``).
FIGURES_FILE = "imaging_reader_variability.csv"
_COLUMNS = (
    "figure_id,study,authors,title,journal,year,doi,source_url,source_location,population,comparison,"
    "phase,measure,statistic,value,value_low,value_high,unit,lesion_size_mm,n_lesions,n_readers,used_for,note"
).split(",")
_VOCAB = {
    "comparison": ("inter_reader", "intra_reader", "repeat_scan"),
    "phase": ("arterial", "portal_venous", "unenhanced", "not_stated"),
    "measure": ("longest_diameter", "short_axis"),
    "statistic": ("limits_of_agreement_95", "share_within", "share_above", "range", "median", "icc"),
    "unit": ("mm", "%", "ratio"),
    "used_for": ("model_viable", "model_whole", "model_viable_intra", "model_whole_intra", "context"),
}
_REQUIRED = (
    "figure_id",
    "study",
    "authors",
    "title",
    "source_url",
    "source_location",
    "comparison",
    "statistic",
    "unit",
)
_Z975 = 1.959963984540054


@dataclass(frozen=True)
class ReaderErrorModel:
    """Per-measure SD of one reader's error (% of the true diameter) and the figures behind it.

    ``sd_pct`` maps each engine measure (``ld_mm``, ``perp_mm``, ``viable_ld_mm``,
    ``viable_perp_mm``) to the SD in %; ``summary`` has one row per measure (``measure``,
    ``phase``, ``sd_pct``, ``sd_mm`` at ``reference_mm``, ``figure_id``, ``derivation``);
    ``figures`` is the whole curated table.
    """

    comparison: str
    sd_pct: dict
    summary: object = field(repr=False)
    figures: object = field(repr=False)

    def __str__(self) -> str:
        parts = [f"{m}: {v:.1f} %" for m, v in self.sd_pct.items()]
        return f"Reader error model ({self.comparison.replace('_', '-')}, SD per reader): " + ", ".join(parts)

    def _repr_html_(self) -> str:
        return f"<p>{self}</p>" + self.summary.to_html(index=False)


def _figures():
    import pandas as pd

    from hcckit.data import data_dir

    path = data_dir() / FIGURES_FILE
    return _read_figures(path, pd)


@functools.lru_cache(maxsize=1)
def _figures_cached():
    return _figures()


def _read_figures(path, pd):
    """The curated figures, validated; ValueError naming the file, line and column."""
    name = path.name
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ValueError(f"{name}: cannot be read ({exc})") from None
    if list(frame.columns) != _COLUMNS:
        missing = [c for c in _COLUMNS if c not in frame.columns]
        extra = [c for c in frame.columns if c not in _COLUMNS]
        raise ValueError(
            f"{name}: columns differ from the documented ones (missing {missing}, unexpected {extra})"
        )
    for i, row in frame.iterrows():
        line = i + 2
        for col in _REQUIRED:
            if pd.isna(row[col]) or not str(row[col]).strip():
                raise ValueError(f"{name}, line {line}, column '{col}': is empty but required")
        for col, allowed in _VOCAB.items():
            if pd.notna(row[col]) and row[col] not in allowed:
                raise ValueError(f"{name}, line {line}, column '{col}': must be one of {', '.join(allowed)}")
        if not str(row["source_url"]).startswith(("https://", "http://")):
            raise ValueError(f"{name}, line {line}, column 'source_url': must be a web address")
        for col in ("value", "value_low", "value_high", "lesion_size_mm", "n_lesions", "n_readers", "year"):
            if pd.notna(row[col]):
                try:
                    v = float(row[col])
                except ValueError:
                    raise ValueError(
                        f"{name}, line {line}, column '{col}': not a number: {row[col]!r}"
                    ) from None
                if not math.isfinite(v):
                    raise ValueError(f"{name}, line {line}, column '{col}': not finite")
        if row["statistic"] == "limits_of_agreement_95":
            if (
                pd.isna(row["value_low"])
                or pd.isna(row["value_high"])
                or float(row["value_low"]) >= float(row["value_high"])
            ):
                raise ValueError(
                    f"{name}, line {line}, column 'value_low': limits of agreement need value_low < value_high"
                )
        if str(row["used_for"]).startswith("model") and (
            row["statistic"] != "limits_of_agreement_95" or pd.isna(row["lesion_size_mm"])
        ):
            raise ValueError(
                f"{name}, line {line}, column 'used_for': a model figure needs limits of agreement and lesion_size_mm"
            )
    if frame["figure_id"].duplicated().any():
        dup = frame.loc[frame["figure_id"].duplicated(), "figure_id"].iloc[0]
        raise ValueError(f"{name}, column 'figure_id': duplicate {dup!r}")
    for col in ("value", "value_low", "value_high", "lesion_size_mm"):
        frame[col] = frame[col].astype(float)
    return frame


def reader_error_model(comparison: str = "inter_reader") -> ReaderErrorModel:
    """The reader error model (SD of one reader's diameter error, % of the diameter) with its sources.

    ``comparison``: ``"inter_reader"`` (a different reader at each reading: the default) or
    ``"intra_reader"`` (the same reader re-measuring; averaged over the study's two readers).
    See the module docstring for the derivation.
    """
    import pandas as pd

    if comparison not in ("inter_reader", "intra_reader"):
        raise ValueError(f"comparison: must be 'inter_reader' or 'intra_reader', got {comparison!r}")
    figs = _figures_cached()
    suffix = "" if comparison == "inter_reader" else "_intra"
    rows, sd = [], {}
    for part, phase, measures in (
        ("whole", "portal_venous", ("ld_mm", "perp_mm")),
        ("viable", "arterial", ("viable_ld_mm", "viable_perp_mm")),
    ):
        sel = figs[figs["used_for"] == f"model_{part}{suffix}"]
        if sel.empty:
            raise ValueError(f"{FIGURES_FILE}: no figure marked used_for model_{part}{suffix}")
        half = float(((sel["value_high"] - sel["value_low"]) / 2).mean())
        ref = float(sel["lesion_size_mm"].iloc[0])
        sd_mm = half / _Z975 / math.sqrt(2)
        pct = 100 * sd_mm / ref
        ids = ", ".join(sel["figure_id"])
        how = (
            f"95% limits of agreement half-width {half:.2f} mm ({ids}) / 1.96 / sqrt 2 = {sd_mm:.2f} mm per "
            f"reading, {pct:.1f} % of the {ref:g} mm mean lesion size"
        )
        for m in measures:
            sd[m] = pct
            rows.append(
                {
                    "measure": m,
                    "phase": phase,
                    "sd_pct": pct,
                    "sd_mm": sd_mm,
                    "reference_mm": ref,
                    "figure_id": ids,
                    "derivation": how
                    if not m.endswith("perp_mm")
                    else how + " (longest-diameter figure reused)",
                }
            )
    return ReaderErrorModel(comparison, {m: sd[m] for m in MEASURES}, pd.DataFrame(rows), figs.copy())


# ---------------------------------------------------------------------------------------------


def _base_measurements(case_or_measurements):
    """Engine columns of the case's truth (or of a one-patient measurement table)."""
    import pandas as pd

    if isinstance(case_or_measurements, pd.DataFrame):
        base = case_or_measurements
        missing = [c for c in ("lesion", "day", "kind") if c not in base.columns]
        if missing:
            raise ValueError(f"case_or_measurements: the table has no {', '.join(missing)} column")
        if "patient" in base.columns and base["patient"].nunique() > 1:
            raise ValueError("case_or_measurements: give one patient's measurements")
        base = base.copy()
        for c in (*_ENGINE_COLUMNS, *MEASURES):
            if c not in base.columns:
                base[c] = None if c in ("status", "patient") else float("nan")
        base["organ"] = base["organ"].fillna("liver")
    else:
        base = _truth_of(case_or_measurements)
    base = base[[*_ENGINE_COLUMNS, *MEASURES]].copy()
    base["patient"] = "truth"
    return base.reset_index(drop=True)


def _sd_levels(error_sd_pct, comparison):
    """List of (level label, {measure: sd %}) from error_sd_pct (None = the cited model)."""
    if error_sd_pct is None:
        model = reader_error_model(comparison)
        return [(float("nan"), dict(model.sd_pct))], str(model)
    values = error_sd_pct if isinstance(error_sd_pct, (list, tuple)) else [error_sd_pct]
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or not 0 <= v <= 30:
            raise ValueError(f"error_sd_pct: must be a number from 0 to 30 (% of the diameter), got {v!r}")
        out.append((float(v), {m: float(v) for m in MEASURES}))
    if not out:
        raise ValueError("error_sd_pct: no error size given")
    return out, "SD per reader as given (% of the diameter, every measure)"


def _simulate(base, levels, n_readers, rng):
    """One table of simulated readings: patient = (level index, reader); SYNTHETIC measurement error."""
    import numpy as np
    import pandas as pd

    n_rows = len(base)
    vals = base[list(MEASURES)].to_numpy(dtype=float)
    same_v = np.isclose(vals[:, 1], vals[:, 0]) & np.isclose(vals[:, 3], vals[:, 2])  # fully viable
    base_target = ((base["kind"] == "target") & (base["day"] == base["day"].min())).to_numpy()
    blocks = []
    for li, (_label, sds) in enumerate(levels):
        sd = np.array([sds[m] for m in MEASURES]) / 100.0
        e = np.clip(rng.standard_normal((n_readers, n_rows, len(MEASURES))), -3.0, 3.0)
        sim = vals[None, :, :] * (1.0 + e * sd[None, None, :])
        sim = np.where(vals[None] > 0, np.clip(np.round(sim, 1), 0.1, 500.0), vals[None])
        # a reader who took a lesion as a target measured it as measurable (>= 10 mm) at baseline
        sim[:, base_target] = np.where(
            vals[base_target] >= 10, np.maximum(sim[:, base_target], 10.0), sim[:, base_target]
        )
        # a fully enhancing lesion: the viable calipers are the whole-lesion calipers
        sim[:, same_v, 1] = sim[:, same_v, 0]
        sim[:, same_v, 3] = sim[:, same_v, 2]
        sim[:, :, 1] = np.minimum(sim[:, :, 1], sim[:, :, 0])
        sim[:, :, 3] = np.minimum(sim[:, :, 3], sim[:, :, 2])
        frame = pd.DataFrame(
            np.repeat(base[list(_ENGINE_COLUMNS)].to_numpy(dtype=object)[None], n_readers, 0).reshape(
                -1, len(_ENGINE_COLUMNS)
            ),
            columns=list(_ENGINE_COLUMNS),
        )
        for j, m in enumerate(MEASURES):
            frame[m] = sim[:, :, j].reshape(-1)
        frame["patient"] = np.repeat([f"{li}:{r}" for r in range(n_readers)], n_rows)
        blocks.append(frame)
    return pd.concat(blocks, ignore_index=True)


def _assess_readers(sim, base, criteria):
    """Per-visit and best categories of every simulated reader: long DataFrame."""
    import pandas as pd

    from hcckit.response import assess, best_response

    base_day = int(base["day"].min())
    out = []
    for crit in criteria:
        t = sim.copy()
        need = [
            _required(crit, k, d == base_day, o)
            for k, d, o in zip(t["kind"], t["day"], t["organ"], strict=True)
        ]
        for m in MEASURES:
            keep = pd.Series([m in n for n in need], index=t.index)
            t.loc[~keep, m] = float("nan")
        tp = assess(t, crit)
        best = best_response(tp)
        v = tp[tp["day"] != base_day][["patient", "day", "response"]].copy()
        v["row"] = "visit"
        v["response"] = v["response"].astype(str)
        for col in ("best_confirmed", "best_unconfirmed"):
            b = best[["patient", col]].rename(columns={col: "response"})
            b["response"] = b["response"].astype(str)
            b["day"] = pd.NA
            b["row"] = col
            v = pd.concat([v, b], ignore_index=True)
        v["criterion"] = crit
        out.append(v)
    return pd.concat(out, ignore_index=True)


def _truth_categories(base, criteria):
    rows = {}
    for crit in criteria:
        vis, _missing = _verdicts(base, crit)
        for d, r in zip(vis["day"], vis["response"], strict=True):
            if r != "baseline":
                rows[(crit, "visit", int(d))] = r
        b = _best(vis, crit)
        rows[(crit, "best_confirmed", None)] = str(b["best_confirmed"])
        rows[(crit, "best_unconfirmed", None)] = str(b["best_unconfirmed"])
    return rows


def _check_common(n_readers, seed):
    if isinstance(n_readers, bool) or not isinstance(n_readers, int) or not 1 <= n_readers <= 5000:
        raise ValueError(f"n_readers: must be a whole number from 1 to 5,000, got {n_readers!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ValueError(f"seed: must be a whole number >= 0, got {seed!r}")


#: flip tables already simulated: deterministic for (measurements, levels, readers, seed, criteria)
_FLIP_CACHE: dict = {}


def _flip_table(case_or_measurements, levels, n_readers, seed, criteria):
    from hcckit.imaging.measure import _key
    from hcckit.response import criterion_name

    names = _criteria_names(criteria, criterion_name)
    base = _base_measurements(case_or_measurements)
    key = (
        _key(base),
        tuple((None if lv != lv else lv, tuple(sorted(sd.items()))) for lv, sd in levels),
        n_readers,
        seed,
        tuple(names),
    )
    hit = _FLIP_CACHE.get(key)
    if hit is None:
        hit = _simulate_flips(base, levels, n_readers, seed, names)
        if len(_FLIP_CACHE) >= 32:
            _FLIP_CACHE.pop(next(iter(_FLIP_CACHE)))
        _FLIP_CACHE[key] = hit
    return hit.copy()


def _simulate_flips(base, levels, n_readers, seed, names):
    import numpy as np
    import pandas as pd

    gaps = [
        f"{r.lesion} {m} on day {r.day}"
        for r in base.itertuples(index=False)
        for c in names
        for m in _required(c, r.kind, r.day == base["day"].min(), r.organ)
        if getattr(r, m) != getattr(r, m)
    ]
    if gaps:
        raise ValueError(
            f"case_or_measurements: missing measures the criteria read: {', '.join(dict.fromkeys(gaps))}"
        )
    truth = _truth_categories(base, names)
    sim = _simulate(base, levels, n_readers, np.random.default_rng(seed))
    cats = _assess_readers(sim, base, names)
    cats["level"] = cats["patient"].str.split(":").str[0].astype(int)
    rows = []
    for (li, crit, row, day), grp in cats.groupby(
        ["level", "criterion", "row", cats["day"].astype("Int64")], dropna=False, sort=False
    ):
        key = (crit, row, None if pd.isna(day) else int(day))
        t = truth[key]
        counts = grp["response"].value_counts()
        flipped = int((grp["response"] != t).sum())
        rows.append(
            {
                "level": li,
                "criterion": crit,
                "row": row,
                "day": key[2],
                "truth_response": t,
                "flip_pct": 100.0 * flipped / len(grp),
                "n_flipped": flipped,
                "n_readers": len(grp),
                "reader_counts": " · ".join(f"{k} {v}" for k, v in counts.items()),
                "modal_response": str(counts.index[0]),
            }
        )
    out = pd.DataFrame(rows)
    out["day"] = pd.array(out["day"], dtype="Int64")
    order = {"visit": 0, "best_confirmed": 1, "best_unconfirmed": 2}
    out["_o"] = out["row"].map(order)
    out["_c"] = out["criterion"].map({c: i for i, c in enumerate(names)})
    out = out.sort_values(["level", "_c", "_o", "day"]).drop(columns=["_o", "_c"]).reset_index(drop=True)
    return out


def reread(
    case_or_measurements,
    *,
    n_readers: int = 200,
    error_sd_pct: float | None = None,
    seed: int = 0,
    criteria=_CRITERIA,
    comparison: str = "inter_reader",
):
    """Re-read a case ``n_readers`` times with measurement error: how often does each verdict flip?

    Parameters
    ----------
    case_or_measurements : Case or DataFrame
        A case (its ground truth is re-read) or one patient's measurements (engine columns, mm).
    n_readers : int
        Simulated readers (1-5,000).
    error_sd_pct : float, optional
        SD of one reader's error, % of the diameter (0-30), for every measure. ``None`` (default): the
        cited model of :func:`reader_error_model` (``comparison``).
    seed : int
        Seed of the simulated errors (deterministic).
    criteria : sequence of str
        Criteria to apply (default all four).

    Returns
    -------
    pandas.DataFrame
        One row per criterion and follow-up visit (``row`` ``"visit"``) and for the best
        response (``"best_confirmed"``, ``"best_unconfirmed"``; ``day`` missing):
        ``truth_response`` (from the exact diameters), ``flip_pct`` (% of readers whose category
        differs), ``n_flipped``, ``n_readers``, ``reader_counts`` (categories and how many
        readers), ``modal_response``, ``error_sd_pct`` (missing for the per-measure model),
        ``error_model`` (words) and ``synthetic`` (True: simulated readers).
    """
    _check_common(n_readers, seed)
    levels, words = _sd_levels(error_sd_pct, comparison)
    out = _flip_table(case_or_measurements, levels, n_readers, seed, criteria).drop(columns=["level"])
    out["error_sd_pct"] = levels[0][0]
    out["error_model"] = words
    out["synthetic"] = True
    return out


def flip_curve(
    case_or_measurements,
    *,
    error_sd_pct=(0, 2, 4, 6, 8, 10, 12, 15, 20),
    n_readers: int = 100,
    seed: int = 0,
    criteria=_CRITERIA,
):
    """Flip rate of every verdict over a range of reader error sizes (for a chart).

    ``error_sd_pct``: the error sizes (SD of one reader's error, % of the diameter, 0-30).
    Returns one row per error size, criterion and visit / best response: ``error_sd_pct``,
    ``criterion``, ``row``, ``day``, ``truth_response``, ``flip_pct`` (%), ``n_flipped``,
    ``n_readers``, ``reader_counts``, ``modal_response`` and ``synthetic`` (True). The cited
    model's size is ``reader_error_model().sd_pct`` (about 9-10 %).
    """
    _check_common(n_readers, seed)
    if not isinstance(error_sd_pct, (list, tuple)):
        raise ValueError(
            f"error_sd_pct: expected a list of error sizes (% of the diameter), got {error_sd_pct!r}"
        )
    if len(error_sd_pct) > 30:
        raise ValueError(f"error_sd_pct: at most 30 error sizes, got {len(error_sd_pct)}")
    levels, _words = _sd_levels(list(error_sd_pct), "inter_reader")
    out = _flip_table(case_or_measurements, levels, n_readers, seed, criteria)
    out.insert(0, "error_sd_pct", [levels[i][0] for i in out["level"]])
    out = out.drop(columns=["level"])
    out["synthetic"] = True
    return out
