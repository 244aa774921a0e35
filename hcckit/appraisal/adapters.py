"""Table adapters: rows of the audited tables -> calls of one check, each finding labelled with its row.

:func:`_each_row` is the row loop the per-row adapters share; the grouped adapters (categories,
survival, text vs table, recorded discrepancies) walk their groups themselves.
"""

from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction
from functools import partial

from hcckit.appraisal.counts import RESPONSE, _check_ae_grades, check_categories, check_percentage
from hcckit.appraisal.findings import _RANK, _finding, _not_checkable
from hcckit.appraisal.hazard_ratios import check_hr_ci
from hcckit.appraisal.p_values import check_test_statistic, check_two_by_two
from hcckit.appraisal.printed import _decimal, _missing, _p_range, printed_decimals
from hcckit.appraisal.sources import (
    _ctx,
    _designs,
    _is_review,
    _outcome_what,
    _printed,
    _printed_p,
    _s,
    _trial_notes,
)
from hcckit.appraisal.survival_curves import check_at_risk, check_landmarks

_WEIGHTED = re.compile(r"sIPTW|IPTW|weight|propensity|matched|matching", re.I)
_DCR_DEFINED = re.compile(r"DCR[^.]*defined|defined as[^.]*(maintained|lasting)|SD[^.]*(>=|≥)\s*\d", re.I)


def _each_row(name: str, frame, studies, adapt, *, check: str) -> list:
    """The loop every per-row adapter shares.

    ``adapt(idx, row)`` yields ``(what, run)`` for each check the row asks for (nothing for a row
    the check does not apply to); ``run()`` returns the check's findings, or raises ValueError
    for a number the check cannot read, which becomes one *not checkable* finding of ``check``
    (``checked=False``, the error as the reason), never a silent skip. Every finding is labelled
    with the row's context (:func:`hcckit.appraisal.sources._ctx`).
    """
    out = []
    for idx, row in frame.iterrows():
        for what, run in adapt(idx, row):
            try:
                found = run()
            except ValueError as exc:
                found = [_not_checkable(check, what, str(exc))]
            out.extend(replace(f, **_ctx(name, idx, row, what, studies)) for f in found)
    return out


def _percentage_findings(count, n, printed, denominator: str, slack: float, note: str):
    """:func:`check_percentage`, with the curator's note added to a weighted analysis' finding."""
    out = []
    for f in check_percentage(count, n, printed, denominator=denominator, slack=slack):
        msg = f.message
        if denominator == "weighted" and f.severity != "pass":
            msg += " (The notes say: " + note.strip() + ")" if note else ""
        out.append(replace(f, message=msg))
    return out


def _percentage_rows(name, frame, texts, tables, tol, studies):
    """Percent-vs-count checks of one table (outcomes, adverse_events, baseline)."""
    trial_notes = _trial_notes(tables)
    designs = _designs(tables)
    arms = tables.get("arms")
    arm_n = {}
    if arms is not None and name != "baseline":
        arm_n = {
            (_s(r["trial_id"]), _s(r["arm_id"])): int(r["n"])
            for _, r in arms.iterrows()
            if not _missing(r.get("n"))
        }

    def adapt(idx, row):
        if name == "outcomes":
            if _s(row.get("unit")) != "%" or _s(row.get("statistic")) not in (
                "proportion",
                "rate",
                "percent",
            ):
                return
            if _s(row.get("statistic")) == "rate" and _missing(row.get("count")):
                return  # a Kaplan-Meier estimate, not count / n
            cols = ["value", "value_max"]
            what = _outcome_what(row)
        elif name == "adverse_events":
            cols = ["percent_reported"]
            what = f"{row['event']} (grade {row['grade']})"
        else:  # baseline
            if _s(row.get("unit")) != "%" or _s(row.get("statistic")) not in ("count", "percent"):
                return
            cols = ["value"]
            what = f"{row['characteristic']}" + (f": {row['category']}" if _s(row.get("category")) else "")
        n, from_arm = row.get("n"), False
        if _missing(n):  # e.g. the review's tables: only the arm's size is printed
            n, from_arm = arm_n.get((_s(row["trial_id"]), _s(row.get("arm_id")))), True
            if n is None:
                return
        notes = _s(row.get("note")) + " " + trial_notes.get(_s(row["trial_id"]), "")
        weighted = bool(_WEIGHTED.search(notes)) or designs.get(_s(row["trial_id"])) == "indirect_comparison"
        for col in cols:
            printed = _printed(frame, texts, name, idx, col)
            if printed is None:
                continue
            count = None if col == "value_max" else row.get("count")
            if _missing(count):
                count = None
                denominator = (
                    "weighted" if weighted else ("arm_size" if _is_review(row) or from_arm else "exact")
                )
            else:
                denominator = "arm_size" if from_arm else "exact"
            label = what + (" (upper end of the printed range)" if col == "value_max" else "")
            run = partial(
                _percentage_findings,
                count,
                n,
                printed,
                denominator,
                tol.percent_slack,
                _s(row.get("note")),
            )
            yield label, run

    return _each_row(name, frame, studies, adapt, check="percentage")


def _categories_rows(tables, texts, tol, studies):
    outcomes = tables.get("outcomes")
    if outcomes is None:
        return []
    trial_notes = _trial_notes(tables)
    arms = tables.get("arms")
    n_eval = {}
    if arms is not None and "n_evaluable" in arms:
        n_eval = {(_s(r["trial_id"]), _s(r["arm_id"])): r["n_evaluable"] for _, r in arms.iterrows()}
    resp = outcomes[outcomes["endpoint"].isin(RESPONSE)]
    out = []
    keys = resp[["trial_id", "arm_id", "criterion"]].astype(str).drop_duplicates()
    for trial, arm, crit in keys.itertuples(index=False):
        grp = resp[
            (resp["trial_id"].astype(str) == trial)
            & (resp["arm_id"].astype(str) == arm)
            & (resp["criterion"].astype(str) == crit)
        ]
        if grp["endpoint"].nunique() < 3:
            continue
        counts, percents, ns, rowinfo = {}, {}, set(), {}
        for idx, r in grp.iterrows():
            ep = r["endpoint"]
            if ep in rowinfo:
                continue
            rowinfo[ep] = (idx, r)
            counts[ep] = None if _missing(r.get("count")) else int(r["count"])
            percents[ep] = _printed(outcomes, texts, "outcomes", idx, "value")
            if not _missing(r.get("n")):
                ns.add(int(r["n"]))
        n = ns.pop() if len(ns) == 1 else None
        if n is None:
            ne = n_eval.get((trial, arm))
            n = None if _missing(ne) else int(ne)
        dcr_row = rowinfo.get("DCR")
        definition = None
        for text in ((_s(dcr_row[1].get("note")) if dcr_row else ""), trial_notes.get(trial, "")):
            m = _DCR_DEFINED.search(text)
            if m:
                sentence = re.split(r"(?<=\.)\s", text[m.start() :])[0]
                definition = sentence.rstrip(".")
                break
        for f in check_categories(
            counts, n=n, percents=percents, dcr_definition=definition, slack=tol.sum_slack
        ):
            target = f.inputs_dict().get("target")
            ref = rowinfo.get(target) or rowinfo.get("PD") or next(iter(rowinfo.values()))
            idx, r = ref
            what = f"{f.what} ({crit})"
            out.append(replace(f, **_ctx("outcomes", idx, r, what, studies)))
    # adverse-event grades
    aes = tables.get("adverse_events")
    if aes is not None:
        for _key, grp in aes.groupby(
            ["trial_id", "arm_id", "event", "source_location"], sort=False, dropna=False
        ):
            rows = {}
            for _, r in grp.iterrows():
                if not _missing(r.get("count")) and r["grade"] not in rows:
                    rows[str(r["grade"])] = int(r["count"])
            f = _check_ae_grades(rows)
            if f is None:
                continue
            idx = grp.index[grp["grade"].astype(str) == "any"][0]
            r = aes.loc[idx]
            out.append(
                replace(f, **_ctx("adverse_events", idx, r, f"{r['event']}: grades vs any grade", studies))
            )
    return out


def _hr_rows(tables, texts, tol, studies):
    effects = tables.get("effects")
    if effects is None:
        return []

    def adapt(idx, row):
        if _s(row.get("measure")) not in ("HR", "aHR") or _missing(row.get("value")):
            return
        if _missing(row.get("ci_low")) or _missing(row.get("ci_high")):
            return
        hr, lo, hi = (_printed(effects, texts, "effects", idx, c) for c in ("value", "ci_low", "ci_high"))
        level = 0.95 if _missing(row.get("ci_level")) else float(row["ci_level"])
        p, op = _printed_p(effects, texts, idx, row)
        what = f"{row['endpoint']} {row['measure']} vs {row['comparator_arm_id']}"
        yield what, partial(check_hr_ci, hr, lo, hi, level=level, p=p, p_operator=op, tolerances=tol)

    return _each_row("effects", effects, studies, adapt, check="hr_ci")


def _find_counts(tables, trial, arm, endpoint, criterion, item):
    """(count, n) of one arm for a 2x2 comparison, or None."""
    if endpoint == "adverse_event":
        aes = tables.get("adverse_events")
        if aes is None:
            return None
        m = aes[
            (aes["trial_id"].astype(str) == trial)
            & (aes["arm_id"].astype(str) == arm)
            & (aes["event"].astype(str) == item)
        ]
        m = m[m["count"].notna()]
        if m.empty:
            return None
        anyg = m[m["grade"].astype(str) == "any"]
        r = (anyg if not anyg.empty else m).iloc[0]
        return int(r["count"]), int(r["n"])
    outcomes = tables.get("outcomes")
    if outcomes is None:
        return None
    m = outcomes[
        (outcomes["trial_id"].astype(str) == trial)
        & (outcomes["arm_id"].astype(str) == arm)
        & (outcomes["endpoint"].astype(str) == endpoint)
        & outcomes["count"].notna()
        & outcomes["n"].notna()
    ]
    if criterion:
        m = m[m["criterion"].astype(str) == criterion]
    if item:
        m = m[m["item"].astype(str) == item]
    if m.empty:
        return None
    r = m.iloc[0]
    return int(r["count"]), int(r["n"])


def _two_by_two_rows(tables, texts, tol, studies):
    effects = tables.get("effects")
    if effects is None:
        return []

    def adapt(idx, row):
        if _s(row.get("measure")) not in ("p_only", "chi2") or _missing(row.get("p_value")):
            return
        endpoint = _s(row["endpoint"])
        if endpoint not in (*RESPONSE, "recurrence_12m", "adverse_event"):
            return
        crit, item = _s(row.get("criterion")), _s(row.get("item"))
        a = _find_counts(tables, _s(row["trial_id"]), _s(row["arm_id"]), endpoint, crit, item)
        b = _find_counts(tables, _s(row["trial_id"]), _s(row["comparator_arm_id"]), endpoint, crit, item)
        if a is None or b is None:
            return
        p, op = _printed_p(effects, texts, idx, row)
        what = (item if endpoint == "adverse_event" else endpoint) + (f" ({crit})" if crit else "")
        what += f": {row['arm_id']} vs {row['comparator_arm_id']}"
        yield what, partial(check_two_by_two, *a, *b, p_reported=p, p_operator=op, tolerances=tol)

    return _each_row("effects", effects, studies, adapt, check="two_by_two")


def _test_statistic_rows(tables, texts, tol, studies):
    effects = tables.get("effects")
    if effects is None:
        return []
    arms = tables.get("arms")
    arm_n = {}
    if arms is not None:
        arm_n = {(_s(r["trial_id"]), _s(r["arm_id"])): r["n"] for _, r in arms.iterrows()}

    def adapt(idx, row):
        measure = _s(row.get("measure"))
        if measure not in ("t", "chi2") or _missing(row.get("value")) or _missing(row.get("p_value")):
            return
        df = None
        if measure == "t":
            na = arm_n.get((_s(row["trial_id"]), _s(row["arm_id"])))
            nb = arm_n.get((_s(row["trial_id"]), _s(row["comparator_arm_id"])))
            if _missing(na) or _missing(nb):
                return
            df = int(na) + int(nb) - 2
        value = _printed(effects, texts, "effects", idx, "value")
        p, op = _printed_p(effects, texts, idx, row)
        what = f"{row['endpoint']}" + (f" ({row['item']})" if _s(row.get("item")) else "") + f" {measure}"
        yield what, partial(check_test_statistic, measure, value, df=df, p=p, p_operator=op, tolerances=tol)

    return _each_row("effects", effects, studies, adapt, check="test_statistic")


def _survival_rows(tables, texts, tol, studies):
    out = []
    outcomes = tables.get("outcomes")
    at_risk = tables.get("at_risk")
    arms = tables.get("arms")
    arm_n = {}
    if arms is not None:
        arm_n = {
            (_s(r["trial_id"]), _s(r["arm_id"])): (None if _missing(r["n"]) else int(r["n"]))
            for _, r in arms.iterrows()
        }
    if at_risk is not None and not at_risk.empty:
        for (trial, arm, endpoint), grp in at_risk.groupby(["trial_id", "arm_id", "endpoint"], sort=False):
            event_free = {}
            if outcomes is not None:
                lm = outcomes[
                    (outcomes["trial_id"] == trial)
                    & (outcomes["arm_id"] == arm)
                    & (outcomes["endpoint"] == f"{endpoint}_rate")
                    & outcomes["count"].notna()
                ]
                event_free = {float(r["time_months"]): int(r["count"]) for _, r in lm.iterrows()}
            found = check_at_risk(
                list(grp["time_months"]),
                list(grp["n_at_risk"]),
                n=arm_n.get((trial, arm)),
                event_free=event_free,
            )
            first = grp.sort_values("time_months").index[0]
            for f in found:
                idx = first
                if f.severity != "pass" and "at_risk" in f.inputs_dict():
                    t_bad = None
                    m = re.search(r"at ([\d.]+) months", f.reported) or re.search(
                        r"at risk at month ([\d.]+)", f.reported
                    )
                    if m:
                        t_bad = float(m.group(1))
                    if t_bad is not None:
                        hit = grp.index[grp["time_months"].astype(float) == t_bad]
                        if len(hit):
                            idx = hit[0]
                out.append(
                    replace(
                        f, **_ctx("at_risk", idx, at_risk.loc[idx], f"{endpoint} numbers at risk", studies)
                    )
                )
    if outcomes is None:
        return out
    for _key, grp in outcomes.groupby(["trial_id", "arm_id"], sort=False):
        rates = {}
        for ep in ("OS", "PFS"):
            rows = grp[(grp["endpoint"] == f"{ep}_rate") & grp["value"].notna()]
            rates[ep] = {
                float(r["time_months"]): (_printed(outcomes, texts, "outcomes", i, "value"), i)
                for i, r in rows.iterrows()
            }
        for ep in ("OS", "PFS", "TTUP", "RFS", "PPS"):
            med_rows = grp[grp["endpoint"] == f"median_{ep}"]
            med_idx = med_rows.index[0] if len(med_rows) else None
            lm = rates.get(ep, {})
            if not lm and med_idx is None:
                continue
            median = None
            not_reached = False
            ci = None
            if med_idx is not None:
                mr = outcomes.loc[med_idx]
                median = _printed(outcomes, texts, "outcomes", med_idx, "value")
                not_reached = _s(mr.get("qualifier")) == "not_reached"
                if not _missing(mr.get("ci_low")) or not _missing(mr.get("ci_high")):
                    ci = (
                        _printed(outcomes, texts, "outcomes", med_idx, "ci_low"),
                        _printed(outcomes, texts, "outcomes", med_idx, "ci_high"),
                    )
            other = {t: v for t, (v, _) in rates.get("OS", {}).items()} if ep == "PFS" else None
            try:
                found = check_landmarks(
                    {t: v for t, (v, _) in lm.items()},
                    median=median,
                    median_ci=ci,
                    median_not_reached=not_reached and not lm == {},
                    other=other,
                    endpoint=ep,
                )
            except ValueError as exc:
                found = [_not_checkable("landmarks", f"{ep} landmark rates and median", str(exc))]
            for f in found:
                if f.check == "median_ci" or (f.check == "median_vs_landmarks" and med_idx is not None):
                    idx = med_idx
                elif lm:
                    idx = next(iter(lm.values()))[1]
                else:
                    idx = med_idx
                if idx is None:
                    continue
                r = outcomes.loc[idx]
                what = {
                    "landmarks": f"{ep} landmark rates",
                    "median_vs_landmarks": f"median {ep} vs landmarks",
                    "median_ci": f"median {ep} and its CI",
                }[f.check]
                out.append(replace(f, **_ctx("outcomes", idx, r, what, studies)))
    return out


def _hr_median_rows(tables, texts, tol, studies):
    effects, outcomes = tables.get("effects"), tables.get("outcomes")
    if effects is None or outcomes is None:
        return []
    out = []
    for idx, row in effects.iterrows():
        if _s(row.get("measure")) not in ("HR", "aHR") or _missing(row.get("value")):
            continue
        if "preferred" in row and row["preferred"] is False:
            continue
        ep = _s(row["endpoint"])
        trial = _s(row["trial_id"])
        med = {}
        for arm in (_s(row["arm_id"]), _s(row["comparator_arm_id"])):
            m = outcomes[
                (outcomes["trial_id"] == trial)
                & (outcomes["arm_id"] == arm)
                & (outcomes["endpoint"] == f"median_{ep}")
                & outcomes["value"].notna()
            ]
            if m.empty:
                break
            med[arm] = float(m.iloc[0]["value"])
        if len(med) != 2:
            continue
        m_arm, m_cmp = med[_s(row["arm_id"])], med[_s(row["comparator_arm_id"])]
        hr = float(row["value"])
        rel = abs(m_arm - m_cmp) / max(m_arm, m_cmp)
        disagree = (hr < 1 and m_arm < m_cmp) or (hr > 1 and m_arm > m_cmp)
        what = f"{ep} {row['measure']} vs medians"
        kw = dict(
            tolerance=f"medians at least {tol.median_direction:.0%} apart",
            reported_value=hr,
            inputs={"hr": hr, "median_arm": m_arm, "median_comparator": m_cmp},
            **_ctx("effects", idx, row, what, studies),
        )
        rep = f"HR {hr:g} ({row['arm_id']} vs {row['comparator_arm_id']})"
        rec = f"median {m_arm:g} vs {m_cmp:g} months"
        if disagree and rel >= tol.median_direction:
            note = _s(row.get("direction_note"))
            out.append(
                _finding(
                    "hr_vs_medians",
                    "info",
                    rep,
                    rec,
                    f"The HR favours {'the first arm' if hr < 1 else 'the comparator'}, but the "
                    f"{'first arm' if m_arm < m_cmp else 'comparator'} has the shorter median. This can happen "
                    "(the HR summarises the whole curve, the median one point of it; curves that cross), but it "
                    "is also the classic sign of an HR printed the other way round (comparator vs experimental). "
                    "Check which arm is the reference." + (f" Curator's note: {note}" if note else ""),
                    **kw,
                )
            )
        else:
            out.append(
                _finding(
                    "hr_vs_medians", "pass", rep, rec, "The HR and the medians point the same way.", **kw
                )
            )
    return out


def _text_vs_table_rows(tables, texts, tol, studies):
    """``text_vs_table``: the same comparison (effects) or number (outcomes, adverse events) printed twice."""
    return _effects_printed_twice(tables, texts, tol, studies) + _values_printed_twice(tables, texts, studies)


def _effects_printed_twice(tables, texts, tol, studies):
    """A non-preferred effects row against its preferred twin: the value, else the p-value."""
    out = []
    effects = tables.get("effects")
    if effects is not None and "preferred" in effects:
        key_cols = ["trial_id", "arm_id", "comparator_arm_id", "endpoint", "item", "criterion"]
        keyed = effects[key_cols].astype(str)
        for idx, row in effects[effects["preferred"] == False].iterrows():  # noqa: E712 - a boolean column
            same = (keyed == keyed.loc[idx]).all(axis=1) & (effects["preferred"] == True)  # noqa: E712
            others = effects[same]
            if others.empty:
                continue
            ref_idx = others.index[0]
            ref = effects.loc[ref_idx]
            what = f"{row['endpoint']}" + (f" ({row['item']})" if _s(row.get("item")) else "")
            ctx = _ctx("effects", idx, row, what, studies)
            loc_a, loc_b = _s(row["source_location"]), _s(ref["source_location"])
            # values (same measure)
            if (
                _s(row["measure"]) == _s(ref["measure"])
                and not _missing(row.get("value"))
                and not _missing(ref.get("value"))
            ):
                va, vb = float(row["value"]), float(ref["value"])
                if va != vb:
                    out.append(
                        _finding(
                            "text_vs_table",
                            "error",
                            f"{row['measure']} {va:g} ({loc_a})",
                            f"{ref['measure']} {vb:g} ({loc_b})",
                            "The same comparison is printed with two different values in two places of the report; "
                            "at most one can be right. Here the audit keeps the second as the preferred value.",
                            tolerance="exact",
                            reported_value=va,
                            recomputed_value=vb,
                            **ctx,
                        )
                    )
                    continue
            if _missing(row.get("p_value")) or _missing(ref.get("p_value")):
                continue
            ta, op_a = _printed_p(effects, texts, idx, row)
            tb, op_b = _printed_p(effects, texts, ref_idx, ref)
            a_lo, a_hi = _p_range(row["p_value"], op_a, ta)
            b_lo, b_hi = _p_range(ref["p_value"], op_b, tb)
            rep = f"P {op_a} {ta} ({loc_a})"
            rec = f"P {op_b} {tb} ({loc_b})"
            kw = dict(
                tolerance="printed rounding",
                reported_value=float(row["p_value"]),
                recomputed_value=float(ref["p_value"]),
            )
            if a_lo <= b_hi and b_lo <= a_hi:
                severity, msg = "pass", "The two printed versions agree within rounding."
            elif loc_a == loc_b:
                severity = "info"
                msg = (
                    "Two different p-values are printed side by side for the same comparison, probably from two "
                    "tests (e.g. log-rank and Cox). Not an error, but the report should name both tests."
                )
            else:
                severity = "error"
                flips = (a_hi < tol.alpha) != (b_hi < tol.alpha)
                msg = (
                    "The text and the table print different p-values for the same comparison; they cannot both be "
                    "right."
                    + (" One says significant at the 5 % level, the other not." if flips else "")
                    + " Recompute from the counts where they are given (see the two_by_two check)."
                )
            out.append(_finding("text_vs_table", severity, rep, rec, msg, **kw, **ctx))
    return out


def _values_printed_twice(tables, texts, studies):
    """An outcome or adverse-event number printed in two places of the report (source locations)."""
    out = []
    specs = [
        ("adverse_events", ["trial_id", "arm_id", "event", "grade"], "percent_reported"),
        ("outcomes", ["trial_id", "arm_id", "endpoint", "item", "criterion", "time_months"], "value"),
    ]
    for name, key_cols, value_col in specs:
        frame = tables.get(name)
        if frame is None:
            continue
        for _, grp in frame.groupby(key_cols, sort=False, dropna=False):
            if grp["source_location"].nunique() < 2:
                continue
            base_idx = grp.index[0]
            base = frame.loc[base_idx]
            for idx in grp.index[1:]:
                row = frame.loc[idx]
                if _s(row["source_location"]) == _s(base["source_location"]):
                    continue
                what = (
                    f"{row['event']} (grade {row['grade']})"
                    if name == "adverse_events"
                    else _outcome_what(row)
                )
                ctx = _ctx(name, idx, row, what, studies)
                ca, cb = row.get("count"), base.get("count")
                if not _missing(ca) and not _missing(cb):
                    same = int(ca) == int(cb)
                    rep, rec = (
                        f"{int(ca)} patient(s) ({row['source_location']})",
                        f"{int(cb)} patient(s) ({base['source_location']})",
                    )
                    rv, cv = float(ca), float(cb)
                else:
                    ta = _printed(frame, texts, name, idx, value_col)
                    tb = _printed(frame, texts, name, base_idx, value_col)
                    if ta is None or tb is None:
                        if ta is None and not _missing(cb) and tb is not None:
                            continue
                        # one version has only a count, the other only a percentage
                        if ta is not None and not _missing(cb) and not _missing(base.get("n")):
                            check = check_percentage(int(cb), int(base["n"]), ta)[0]
                            same = check.passed
                            rep, rec = (
                                f"{ta} % ({row['source_location']})",
                                f"{int(cb)}/{int(base['n'])} ({base['source_location']})",
                            )
                            rv, cv = float(_decimal(ta, value_col)), 100 * int(cb) / int(base["n"])
                        else:
                            continue
                    else:
                        fa, fb = Fraction(_decimal(ta, value_col)), Fraction(_decimal(tb, value_col))
                        ea = Fraction(1, 2 * 10 ** printed_decimals(ta))
                        eb = Fraction(1, 2 * 10 ** printed_decimals(tb))
                        same = abs(fa - fb) <= ea + eb
                        rep, rec = f"{ta} ({row['source_location']})", f"{tb} ({base['source_location']})"
                        rv, cv = float(fa), float(fb)
                kw = dict(
                    tolerance="exact for counts, printed rounding for percentages",
                    reported_value=rv,
                    recomputed_value=cv,
                )
                if same:
                    severity, msg = "pass", "The two printed versions agree."
                else:
                    severity = "error"
                    msg = (
                        "The same number is printed differently in two places of the report (e.g. abstract and "
                        "table); they cannot both be right. Tables are usually more reliable than abstracts, but "
                        "only the authors can say which is correct."
                    )
                out.append(_finding("text_vs_table", severity, rep, rec, msg, **kw, **ctx))
    return out


def _recorded_rows(tables, studies, found):
    """Findings for the curators' ``DISCREPANCY:`` notes; returns (new findings, updated ``found``).

    A note on a row that an automatic check already flagged is appended to that finding's
    message instead of being listed twice; a note on a row whose automatic check passed is
    ``info`` (the printed values are compatible within rounding); any other note is a ``warning``.
    """
    by_line: dict = {}
    for i, f in enumerate(found):
        if f.table and f.line is not None:
            by_line.setdefault((f.table, f.line), []).append(i)
    found = list(found)
    out, seen = [], set()
    for name in ("trials", "arms", "outcomes", "effects", "adverse_events", "at_risk", "baseline"):
        frame = tables.get(name)
        if frame is None or "note" not in frame:
            continue
        for idx, row in frame.iterrows():
            note = _s(row.get("note"))
            if "DISCREPANCY" not in note:
                continue
            parts = [
                p.strip()
                for p in re.split(r"(?=DISCREPANCY:)|(?<=\.)\s+(?=[A-Z][A-Z ]{3,}:)", note)
                if p.strip().startswith("DISCREPANCY")
            ]
            if name == "trials":
                what = "study report"
            elif name == "arms":
                what = f"arm {row['arm_id']}"
            elif name == "outcomes":
                what = _outcome_what(row)
            elif name == "effects":
                what = f"{row['endpoint']}" + (f" ({row['item']})" if _s(row.get("item")) else "")
            elif name == "adverse_events":
                what = f"{row['event']} (grade {row['grade']})"
            elif name == "at_risk":
                what = f"{row['endpoint']} numbers at risk"
            else:
                what = f"{row['characteristic']}" + (
                    f": {row['category']}" if _s(row.get("category")) else ""
                )
            ctx = _ctx(name, idx, row, what, studies)
            hits = by_line.get((name, ctx["line"]), [])
            flagged = sorted((i for i in hits if not found[i].passed), key=lambda i: _RANK[found[i].severity])
            passed = [found[i] for i in hits if found[i].passed and found[i].check == "text_vs_table"]
            for part in parts:
                text = part.replace("DISCREPANCY:", "").strip()
                if (ctx["trial_id"], text) in seen:
                    continue  # the same note on several arms' rows
                seen.add((ctx["trial_id"], text))
                if flagged:
                    f = found[flagged[0]]
                    found[flagged[0]] = replace(
                        f, message=f"{f.message} The curator recorded this too: {text}"
                    )
                    continue
                if passed:
                    severity = "info"
                    msg = (
                        "A reader of the source recorded this while curating the data; the automatic "
                        f"{passed[0].check} check finds the printed values compatible within rounding "
                        f"({passed[0].reported} vs {passed[0].recomputed}), so it is a minor inconsistency."
                    )
                else:
                    severity = "warning"
                    msg = (
                        "A reader of the source found this contradiction while curating the data (no automatic "
                        "check covers it). Read the source to judge it."
                    )
                out.append(
                    _finding(
                        "recorded_discrepancy",
                        severity,
                        text,
                        "not recomputed (curator's note)",
                        msg,
                        **ctx,
                    )
                )
    return out, found
