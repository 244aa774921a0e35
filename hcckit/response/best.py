"""Best overall response per patient (RECIST 1.1 Table 3), with and without confirmation, and
the best % change of the target sum (waterfall data)."""

from __future__ import annotations

from hcckit.response._validate import (
    _check_bool,
    _check_frame,
    _check_responses,
    _check_single_values,
    _fail,
)
from hcckit.response.criteria import MAX_DAY, NON_CR_NON_PD, RESPONSES

__all__ = ["best_response", "best_change"]


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
