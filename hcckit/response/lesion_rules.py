"""Per-lesion rules of one visit: WHO/EASL lesion-wise PD, non-target status, new lesions.

Each function returns per-visit (or per-row) arrays that :mod:`hcckit.response.engine` combines
into the visit's response, and words for the reason.
"""

from __future__ import annotations

from hcckit.response._validate import _fail
from hcckit.response.criteria import _U, _VIABLE, NON_CR_NON_PD
from hcckit.response.measures import _units

__all__ = []


def _lesion_pd(t, tc, visits, opt):
    """WHO/EASL per-lesion PD: any target's product >= 125 % (or >) of its own reference.

    ``t``: the target rows, ``tc`` their ``value`` and visit index ``vi``; the reference is the lesion's
    baseline product or its smallest earlier product (``opt.who_reference``). Returns per visit
    whether a lesion hit PD and the names of those lesions (comma-separated, in lesion order).
    """
    import numpy as np
    import pandas as pd

    # t is in patient, day order, so each lesion's rows come day by day; the lesions hit at one
    # visit are listed in the order sort_values(["pid", "lesion", "day"]) would give them
    rank = pd.factorize(t["lesion"].to_numpy(), sort=True)[0]
    hit_any = np.zeros(visits.n, dtype=bool)
    names: dict[int, list] = {}
    state: dict[tuple, tuple] = {}  # (pid, lesion) -> (baseline product, smallest product so far)
    baseline = opt.who_reference == "baseline"
    rows = zip(t["pid"].tolist(), t["lesion"].tolist(), tc["value"].tolist(), t["is_base"].tolist(),
               tc["vi"].tolist(), rank.tolist(), strict=True)  # fmt: skip
    for pid, lesion, v, base, vi, r in rows:
        first, low = state.get((pid, lesion), (np.nan, np.nan))
        if first != first:
            first = v  # the lesion's first product
        ref = first if baseline else low  # low: the smallest earlier product (NaN at the first row)
        if not base and v > ref and ((4 * v >= 5 * ref) if opt.who_inclusive else (4 * v > 5 * ref)):
            hit_any[vi] = True
            names.setdefault(vi, []).append((r, str(lesion)))
        state[(pid, lesion)] = (first, v if not (v >= low) else low)
    text = np.full(visits.n, "", dtype=object)
    for vi, lesions in names.items():
        text[vi] = ", ".join(name for _, name in sorted(lesions, key=lambda x: x[0]))
    return hit_any, text


def _non_target_status(nt, demoted, crit, opt):
    """Per-row non-target category for the criterion (CR, non-CR/non-PD, PD, NE).

    ``demoted``: per row, whether it is a target the criterion demoted to non-target. Also returns ``pending``: rows recorded as PD that are effusions without positive
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
        follows = np.asarray(demoted, dtype=bool) | nt["infiltrative"].to_numpy(dtype=bool)
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


def _first_lesion_per_visit(lesions, vi, visits):
    """Per visit, the names of ``lesions`` seen at it (``vi``: each one's visit), comma-separated."""
    import numpy as np

    names: dict[int, list] = {}
    for lesion, i in zip(lesions.tolist(), vi.tolist(), strict=True):
        names.setdefault(i, []).append(str(lesion))
    out = np.full(visits.n, "", dtype=object)
    for i, found in names.items():
        out[i] = ", ".join(found)
    return out


def _missing_targets(t, visits, complete, has_t):
    """Names of targets not assessed at each incomplete visit ('' otherwise); ``t``: the target rows."""
    import numpy as np

    out = np.full(visits.n, "", dtype=object)
    todo = has_t & ~complete
    if not todo.any():
        return out
    seen = set(zip(t["pid"], t["lesion"], t["day"], strict=True))
    by_pid: dict = {}
    rows = zip(t["pid"].tolist(), t["lesion"].tolist(), t["is_base"].tolist(), strict=True)
    for pid, les, base in rows:
        if base:  # the patient's targets are those of its baseline
            by_pid.setdefault(pid, []).append(les)
    for i in np.flatnonzero(todo):
        pid, day = int(visits.pid[i]), int(visits.day[i])
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

    n = visits.n
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
    vp, vd = visits.pid, visits.day
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
