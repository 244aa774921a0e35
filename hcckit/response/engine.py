"""Assess per visit: :func:`assess` (one criterion) and :func:`assess_all` (several).

Every visit of every patient gets its target, non-target and new-lesion categories, the
overall response (RECIST 1.1 Tables 1 and 2), the history rules (reappearance after CR,
continued PR) and the reason in words.
"""

from __future__ import annotations

from types import SimpleNamespace

from hcckit.response.criteria import (
    _PRODUCT,
    _U,
    _VIABLE,
    CRITERIA,
    NON_CR_NON_PD,
    RESPONSES,
    _criteria_list,
    criterion_name,
)
from hcckit.response.lesion_rules import (
    _first_lesion_per_visit,
    _lesion_pd,
    _missing_targets,
    _new_lesions,
    _non_target_status,
)
from hcckit.response.measures import _measure_columns, _visit_grid
from hcckit.response.prepare import _Options, _prepare
from hcckit.response.reasons import _fmt_mm, _fmt_pct, _target_rule

__all__ = ["assess", "assess_all"]


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
    return _frame([_assess_prepared(_prepare(measurements), crit, opt)])


def _assess_prepared(df, crit: str, opt: _Options):
    """:func:`assess` on a table :func:`_prepare` has checked (:func:`assess_all` prepares it once).

    Returns the result's columns (numpy arrays by name); :func:`_frame` makes the table.
    """
    import numpy as np

    df, columns, notes = _measure_columns(df, crit, opt)
    product = _PRODUCT[crit]

    # ---- visits grid: every (patient, day) in the input (df is sorted by pid, day)
    visits = _visit_grid(df)[0]
    role = columns["role"]

    def rows(which):
        """The rows of one role: the table's and the criterion's columns (``value``, ``vi``, ...)."""
        idx = np.flatnonzero(role == which)
        return df.take(idx), {name: values[idx] for name, values in columns.items()}

    tg = _target_categories(*rows("target"), visits, crit, opt)
    t_cat, has_t, S, B, ref, ref_day = tg.t_cat, tg.has_t, tg.S, tg.B, tg.ref, tg.ref_day
    complete = tg.complete
    nts = _non_target_categories(*rows("non_target"), visits, crit, opt)
    nt_cat, any_pend = nts.nt_cat, nts.any_pend

    # ---- new lesions
    new_pd, new_text, new_pend = _new_lesions(rows("new")[0], visits, crit, opt)

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
    is_base = visits.is_base
    no_assess = np.isin(visits.pid, list(notes)) if notes else np.zeros(visits.n, dtype=bool)
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

    hist = _history_rules(visits, response, tg, nts, nt_cat, is_base, no_assess, crit, opt)
    t_cat, nt_cat = hist.t_cat, hist.nt_cat

    with np.errstate(invalid="ignore", divide="ignore"):
        pct_b = np.where(B > 0, 100 * (S - B) / B, np.nan)
        pct_n = np.where(ref > 0, 100 * (S - ref) / ref, np.nan)
    reasons = _reasons(
        SimpleNamespace(
            crit=crit, opt=opt, product=product, visits=visits, notes=notes, is_base=is_base,
            response=response, tg=tg, nts=nts, hist=hist, t_cat=t_cat, nt_cat=nt_cat,
            new_pd=new_pd, new_text=new_text, eff_nt=eff_nt, pct_b=pct_b, pct_n=pct_n,
        )
    )  # fmt: skip

    scale = _U * _U if product else _U
    # sums of visits with a missing target are partial: shown in the reason, not in the columns
    shown = has_t & ~no_assess & (complete | is_base)
    n = visits.n
    out = {
        "criterion": np.full(n, crit, dtype=object),
        "patient": df["patient"].take(visits.row).to_numpy(),
        "day": visits.day,
        "response": response,
        "target_response": np.where(is_base, None, t_cat),
        "non_target_response": np.where(is_base, None, nt_cat),
        "new_lesion": new_pd & ~is_base,
        "sum": np.where(shown, S / scale, np.nan),
        "unit": np.full(n, "mm²" if product else "mm", dtype=object),
        "baseline_sum": np.where(has_t & ~no_assess, B / scale, np.nan),
        "nadir_sum": np.where(shown & ~is_base, np.asarray(ref, float) / scale, np.nan),
        "nadir_day": np.where(shown & ~is_base, ref_day, np.nan),
        "pct_change_baseline": np.where(shown, pct_b, np.nan),
        "pct_change_nadir": np.where(shown & ~is_base, pct_n, np.nan),
        "reason": np.array(reasons, dtype=object),
    }
    if "synthetic" in df.columns:  # keep the SYNTHETIC label attached to teaching data
        flag = np.bincount(df["pid"].to_numpy(), weights=df["synthetic"].eq(True).to_numpy(dtype=float))
        out["synthetic"] = flag[visits.pid] > 0
    return out


def _frame(parts: list[dict]):
    """The result table of one or more criteria (:func:`_assess_prepared` columns), stacked, in one frame.

    One DataFrame for all criteria: building one per criterion and concatenating them costs ~1 ms
    a criterion even on a handful of rows.
    """
    import numpy as np
    import pandas as pd

    columns = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    columns["response"] = pd.Categorical(columns["response"], categories=list(RESPONSES), ordered=True)
    columns["nadir_day"] = pd.array(columns["nadir_day"], dtype="Int64")
    return pd.DataFrame(columns)


def _per_pid(rows_pid, visits, weights=None):
    """Count (or sum ``weights``) of rows per patient, as an array over ``visits``."""
    import numpy as np

    size = int(visits.pid.max()) + 1 if visits.n else 0
    return np.bincount(rows_pid, weights=weights, minlength=size)[visits.pid]


def _per_visit(rows_vi, visits, weights=None):
    """Count (or sum ``weights``) of rows per visit."""
    import numpy as np

    return np.bincount(rows_vi, weights=weights, minlength=visits.n)


def _nadirs(S_eval, visits):
    """The smallest complete sum *before* each visit of the same patient, and the day it was seen.

    ``S_eval``: each visit's complete sum (NaN when incomplete). Returns ``(nadir, nadir_day)``,
    NaN where the patient has no earlier complete sum. A later sum equal to the nadir keeps the
    earlier day.
    """
    import numpy as np

    nadir = np.full(visits.n, np.nan)
    nadir_day = np.full(visits.n, np.nan)
    low = low_day = np.nan
    for i, (s, base) in enumerate(zip(S_eval.tolist(), visits.is_base.tolist(), strict=True)):
        if base:
            low = low_day = np.nan
        else:
            nadir[i], nadir_day[i] = low, low_day
        if s == s and not (s >= low):  # a complete sum below the running minimum (or the first)
            low, low_day = s, float(visits.day[i])
    return nadir, nadir_day


def _target_categories(t, tc, visits, crit: str, opt: _Options):
    """Target sums, baseline and nadir (the PD reference) and the target category of every visit.

    ``t``: the target rows; ``tc``: their criterion columns (``value``, ``gone``, ``vi``, ...).
    """
    import numpy as np

    # ---- targets
    t_vi = tc["vi"]
    t_is_base = t["is_base"].to_numpy()
    n_t = _per_pid(t["pid"].to_numpy()[t_is_base], visits).astype(int)
    present = _per_visit(t_vi, visits).astype(int)
    has_rows = present > 0
    value = np.asarray(tc["value"], dtype=float)
    S = np.where(has_rows, _per_visit(t_vi, visits, value), np.nan)
    all_gone = has_rows & (_per_visit(t_vi, visits, ~np.asarray(tc["gone"], dtype=bool)) == 0)
    complete = (present == n_t) & (n_t > 0)
    S_eval = np.where(complete, S, np.nan)
    # baseline sum: the patient's first complete sum (the baseline is complete by construction)
    B = np.full(visits.n, np.nan)
    first = np.nan
    for i, (s, base) in enumerate(zip(S_eval.tolist(), visits.is_base.tolist(), strict=True)):
        if base:
            first = np.nan
            j0 = i
        if first != first and s == s:
            first = s
            B[j0:i] = s  # earlier visits of the patient (none in practice: the baseline is complete)
        B[i] = first
    # reference nadir: smallest complete sum before this visit (baseline included)
    N, N_day = _nadirs(S_eval, visits)
    if crit in ("WHO", "EASL") and opt.who_reference == "baseline":
        first_day = visits.day[np.maximum.accumulate(np.where(visits.is_base, np.arange(visits.n), 0))]
        ref, ref_day = B, np.where(visits.is_base, np.nan, first_day)
    else:
        ref, ref_day = N, N_day

    # ---- target category
    with np.errstate(invalid="ignore"):
        up = S > ref
        if crit in ("WHO", "EASL"):
            pr = 2 * S <= B
            if opt.who_pd == "sum":
                pd_hit = up & ((4 * S >= 5 * ref) if opt.who_inclusive else (4 * S > 5 * ref))
                pd_lesion = np.full(visits.n, "", dtype=object)
            else:
                pd_hit, pd_lesion = _lesion_pd(t, tc, visits, opt)
        else:
            pr = 10 * S <= 7 * B
            pd_hit = up & (5 * S >= 6 * ref)
            if crit == "RECIST 1.1" or opt.mrecist_5mm:
                pd_hit &= S - ref >= opt.recist_abs_mm * _U
            pd_lesion = np.full(visits.n, "", dtype=object)
    has_t = n_t > 0
    t_cat = np.select(
        [~has_t, complete & all_gone, pd_hit & has_rows, complete & pr, complete],
        ["none", "CR", "PD", "PR", "SD"],
        default="NE",
    )

    return SimpleNamespace(
        t=t,
        present=present,
        n_t=n_t,
        S=S,
        B=B,
        ref=ref,
        ref_day=ref_day,
        pd_lesion=pd_lesion,
        complete=complete,
        all_gone=all_gone,
        has_t=has_t,
        t_cat=t_cat,
    )


def _non_target_categories(nt, ntc, visits, crit: str, opt: _Options):
    """Non-target category of every visit (CR, non-CR/non-PD, PD, NE, none) and its lesions.

    ``nt``: the non-target rows; ``ntc``: their criterion columns (``demoted``, ``vi``, ...).
    """
    import numpy as np

    # ---- non-targets
    nt_cat_row, nt_pend_row = _non_target_status(nt, ntc["demoted"], crit, opt)
    is_pd = (nt_cat_row == "PD") & ~nt_pend_row
    is_soft = (nt_cat_row == NON_CR_NON_PD) & ~nt_pend_row
    base = nt["is_base"].to_numpy()
    nn = _per_pid(nt["pid"].to_numpy()[base], visits).astype(int)
    fu = ~base
    vi = ntc["vi"][fu]

    def count(flags):
        return _per_visit(vi, visits, flags[fu].astype(float))

    present = _per_visit(vi, visits).astype(float)
    any_pd = count(is_pd) > 0
    any_pend = count(nt_pend_row) > 0
    any_soft = count(is_soft) > 0
    n_cr = count(nt_cat_row == "CR")
    any_ne = (count(nt_cat_row == "NE") > 0) | (present < nn)
    # an effusion recorded as worse without positive cytology is non-CR/non-PD for now
    nt_cat = np.select(
        [any_pd, nn == 0, (n_cr == nn) & ~any_ne, any_ne],
        ["PD", "none", "CR", "NE"],
        default=NON_CR_NON_PD,
    )
    lesion = nt["lesion"].to_numpy()[fu]
    nt_pd_lesion = _first_lesion_per_visit(lesion[is_pd[fu]], vi[is_pd[fu]], visits)
    nt_pend_lesion = _first_lesion_per_visit(lesion[nt_pend_row[fu]], vi[nt_pend_row[fu]], visits)

    return SimpleNamespace(
        nt_cat=nt_cat,
        nn=nn,
        any_pend=any_pend,
        any_soft=any_soft,
        nt_pd_lesion=nt_pd_lesion,
        nt_pend_lesion=nt_pend_lesion,
    )


def _history_rules(visits, response, tg, nts, nt_cat, is_base, no_assess, crit: str, opt: _Options):
    """Visit by visit: reappearance after an overall CR is PD; continued PR after a PR.

    ``nt_cat``: the non-target categories after the cytology rule. Changes ``response`` in
    place; returns the target and non-target categories after the rules,
    the words of the rule (``history_txt``) and which visits had a lesion back.
    """
    has_t, all_gone = tg.has_t, tg.all_gone
    any_soft, t_cat = nts.any_soft, tg.t_cat
    # ---- history rules, visit by visit: reappearance after CR, continued PR
    t_back = has_t & (tg.present > 0) & ~all_gone  # a target not gone (again)
    nt_back = any_soft  # a non-target present again (reader: non-CR/non-PD)
    t_cat = t_cat.astype(object)
    nt_cat = nt_cat.astype(object)
    history_txt = [""] * visits.n
    cont_on = crit in ("RECIST 1.1", "mRECIST") and opt.continued_pr != "off"
    day_l = visits.day.tolist()
    pid_all = visits.pid.tolist()
    cur = None
    for i in range(visits.n):
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

    return SimpleNamespace(
        t_cat=t_cat, nt_cat=nt_cat, history_txt=history_txt, t_back=t_back, nt_back=nt_back
    )


def _reasons(v):
    """The ``reason`` of every visit: the rules that fired, in words (``v``: the visit's arrays)."""
    import numpy as np

    crit, opt, product, visits, notes, is_base = v.crit, v.opt, v.product, v.visits, v.notes, v.is_base
    tg, nts, hist = v.tg, v.nts, v.hist
    t, S, B, ref, ref_day = tg.t, tg.S, tg.B, tg.ref, tg.ref_day
    complete, has_t, pd_lesion = tg.complete, tg.has_t, tg.pd_lesion
    nn, nt_pd_lesion, nt_pend_lesion = nts.nn, nts.nt_pd_lesion, nts.nt_pend_lesion
    history_txt, t_back, nt_back = hist.history_txt, hist.t_back, hist.nt_back
    t_cat, nt_cat, response, new_pd, new_text, eff_nt = (
        v.t_cat,
        v.nt_cat,
        v.response,
        v.new_pd,
        v.new_text,
        v.eff_nt,
    )
    pct_b, pct_n = v.pct_b, v.pct_n
    viable = _VIABLE[crit]
    # ---- explanation
    missing_names = _missing_targets(t, visits, complete, has_t)
    reasons = []
    unit_word = "sum of products" if product else "sum"
    pct_b_l, pct_n_l = pct_b.tolist(), pct_n.tolist()
    S_l, B_l, N_l, Nd_l = (
        S.tolist(),
        B.tolist(),
        np.asarray(ref, float).tolist(),
        np.asarray(ref_day).tolist(),
    )
    pid_l = visits.pid.tolist()
    n_t_l = tg.n_t.tolist()
    for i in range(visits.n):
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
    return reasons


def assess_all(measurements, criteria=CRITERIA, **options):
    """Run :func:`assess` for several criteria on the same table (validated once).

    Returns the rows of all criteria stacked, ``criterion`` first. Options are those of
    :func:`assess` and apply to every criterion they concern.
    """

    names = _criteria_list(criteria)
    opt = _Options(**options)
    prepared = _prepare(measurements)
    return _frame([_assess_prepared(prepared, c, opt) for c in names])
