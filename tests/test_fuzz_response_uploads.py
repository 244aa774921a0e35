"""Fuzz (property) tests of every public function of hcckit.response and hcckit.uploads (issue #14).

Each test draws a mostly valid input (a small lesion table, an assessment, an uploaded file...)
and, most of the time, one perturbation of it: a wrong type, NaN, +/-inf, 1e307/1e308, a
negative or huge number, an empty table, a missing or extra column, a duplicated row, days going
back, binary garbage, odd line endings... :func:`fuzzing.outcome` then requires either a valid
result (checked here to be possible: verdicts in the allowed set, finite percentages, counts
<= n, frames within the upload bounds) or a ``ValueError``/``TypeError`` naming the argument.
The default run draws 200 cases per test, ``HCCKIT_FUZZ=nightly`` 1,000. The plain tests at the
end are the minimal examples of the bugs these found.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from fuzzing import FUZZ, fuzz, outcome
from hypothesis import given
from hypothesis import strategies as st

from hcckit import response as R
from hcckit import uploads as U

NAN, INF = float("nan"), float("inf")
#: values that are wrong in (almost) any numeric or text slot
JUNK = st.one_of(
    st.sampled_from(
        [None, NAN, INF, -INF, 1e307, 1e308, -1e308, -1, -0.5, 1e30, 10**18, 10**30, -(10**18), 0, True, ""]
    ),
    st.sampled_from(["abc", "3O", "1e400", "nan", " ", "PD", "target", "∞"]),
    st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.sampled_from("ab"), st.integers(0, 3), max_size=1),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4),
)
TYPES_JUNK = st.sampled_from([None, "text", 3, 2.5, [], [1, 2], {}, {"a": 1}, object(), NAN, b"bytes"])
CRITS = st.sampled_from(R.CRITERIA)


def mostly(valid, bad=JUNK):
    """Valid values about four times in five, else ``bad`` (so valid paths run too)."""
    return st.integers(0, 4).flatmap(lambda i: bad if i == 0 else valid)


# --------------------------------------------------------------------------- lesion tables
@st.composite
def lesion_table(draw, max_patients=2):
    """A valid lesion table for every criterion: 1-2 patients, 1-2 liver targets, optional
    non-target and new lesion, 1-3 follow-ups, all diameter columns filled."""
    rows = []
    for p in range(draw(st.integers(1, max_patients))):
        pid = f"P{p}"
        days = [0]
        for _ in range(draw(st.integers(1, 3))):
            days.append(days[-1] + draw(st.integers(1, 120)))
        n_t = draw(st.integers(1, 2))
        for j in range(n_t):
            ld = draw(st.integers(10, 120))
            for k, day in enumerate(days):
                cur = ld if k == 0 else draw(st.integers(0, 150))
                viable = cur if k == 0 else draw(st.integers(0, cur))
                perp = max(1, cur * 3 // 4) if cur else 0
                vperp = min(perp, max(1, viable * 3 // 4)) if viable else 0
                rows.append(
                    dict(
                        patient=pid,
                        lesion=f"L{j}",
                        day=day,
                        kind="target",
                        organ="liver",
                        ld_mm=float(cur),
                        viable_ld_mm=float(viable),
                        perp_mm=float(perp),
                        viable_perp_mm=float(vperp),
                        status=None,
                    )
                )
        if draw(st.booleans()):
            for k, day in enumerate(days):
                rows.append(
                    dict(
                        patient=pid,
                        lesion="NT",
                        day=day,
                        kind="non_target",
                        organ=draw(st.sampled_from(["liver", "lung", "portal_vein"])),
                        status=None if k == 0 else draw(st.sampled_from(["CR", "non_CR_non_PD", "PD"])),
                    )
                )
        if len(days) > 1 and draw(st.booleans()):
            size = float(draw(st.integers(3, 30)))
            for day in days[draw(st.integers(1, len(days) - 1)) :]:
                rows.append(
                    dict(
                        patient=pid,
                        lesion="New",
                        day=day,
                        kind="new",
                        organ="liver",
                        ld_mm=size,
                        viable_ld_mm=size,
                        perp_mm=size,
                        viable_perp_mm=size,
                        status=draw(st.sampled_from(["equivocal", "unequivocal", "typical", "atypical"])),
                    )
                )
    frame = pd.DataFrame(rows)
    # rows in patient, lesion, day order (what the engine asks for)
    return frame.sort_values(["patient", "day"], kind="stable").reset_index(drop=True)


def perturb_frame(draw, frame, columns=None, required=()):
    """Return ``frame`` unchanged (about 40 %) or with one perturbation the issue lists."""
    how = draw(
        st.sampled_from(
            ["none"] * 8
            + ["cell", "cell", "cell", "column_junk", "drop_column", "extra_column", "duplicate_row"]
            + ["days_back", "empty", "not_a_frame", "mixed_rows", "shuffle", "drop_row", "index"]
        )
    )
    columns = list(frame.columns) if columns is None else [c for c in columns if c in frame.columns]
    f = frame.copy()
    if how == "none" or len(f) == 0:
        return f
    if how == "cell":
        col = draw(st.sampled_from(columns))
        i = draw(st.integers(0, len(f) - 1))
        f[col] = f[col].astype(object)
        f.iat[i, f.columns.get_loc(col)] = draw(JUNK)
    elif how == "column_junk":
        col = draw(st.sampled_from(columns))
        value = draw(JUNK)
        cells = np.empty(len(f), dtype=object)
        for i in range(len(f)):
            cells[i] = value
        f[col] = cells
    elif how == "drop_column":
        f = f.drop(columns=[draw(st.sampled_from(columns))])
    elif how == "extra_column":
        cells = np.empty(len(f), dtype=object)
        cells[:] = [draw(JUNK)] * len(f)
        f[draw(st.sampled_from(["extra", "colour", "day_2", "Patient"]))] = cells
    elif how == "duplicate_row":
        i = draw(st.integers(0, len(f) - 1))
        f = pd.concat([f, f.iloc[[i]]], ignore_index=True)
    elif how == "days_back" and "day" in f.columns:
        f = f.iloc[::-1].reset_index(drop=True)
    elif how == "empty":
        f = f.iloc[0:0]
    elif how == "not_a_frame":
        return draw(st.one_of(TYPES_JUNK, st.just(f.to_dict("records")), st.just(f.to_numpy())))
    elif how == "mixed_rows":
        # some rows valid, some with junk in several columns
        for _ in range(draw(st.integers(1, 3))):
            col = draw(st.sampled_from(columns))
            i = draw(st.integers(0, len(f) - 1))
            f[col] = f[col].astype(object)
            f.iat[i, f.columns.get_loc(col)] = draw(JUNK)
    elif how == "shuffle":
        f = f.sample(frac=1, random_state=draw(st.integers(0, 1000))).reset_index(drop=True)
    elif how == "drop_row" and len(f) > 1:
        f = f.drop(index=f.index[draw(st.integers(0, len(f) - 1))]).reset_index(drop=True)
    elif how == "index":
        f.index = [draw(st.sampled_from(["x", 0, NAN]))] * len(f)
    return f


@st.composite
def measurements(draw):
    return perturb_frame(draw, draw(lesion_table()))


@st.composite
def options(draw):
    """assess() options: defaults mostly, sometimes a valid other value, sometimes junk."""
    valid = {
        "too_small_mm": st.sampled_from([0.0, 3, 5.0, 10.0]),
        "recist_abs_mm": st.sampled_from([0, 5.0, 2.5]),
        "mrecist_5mm": st.booleans(),
        "max_targets": st.sampled_from([None, 5, 2]),
        "max_per_organ": st.sampled_from([None, 2, 1]),
        "who_pd": st.sampled_from(["lesion", "sum"]),
        "who_reference": st.sampled_from(["nadir", "baseline"]),
        "who_inclusive": st.booleans(),
        "effusion_needs_cytology": st.booleans(),
        "continued_pr": st.sampled_from(["confirmed", "any", "off"]),
        "confirm_days": st.sampled_from([0, 28, 56]),
    }
    out = {}
    for name, strat in valid.items():
        pick = draw(st.integers(0, 19))
        if pick < 3:
            out[name] = draw(strat)
        elif pick == 3:
            out[name] = draw(JUNK)
    return out


TIMEPOINT_STATES = {"CR", "PR", "SD", "PD", "NE", R.NON_CR_NON_PD, None}


def check_assessment(out, m_crits=None):
    """An assess()/assess_all() result is possible: allowed verdicts, finite non-negative sums..."""
    assert isinstance(out, pd.DataFrame) and len(out) > 0
    assert set(out["response"].dropna().astype(str)) <= set(R.RESPONSES)
    assert set(out["criterion"]) <= set(R.CRITERIA)
    assert not out.duplicated(["criterion", "patient", "day"]).any()
    for col in ("sum", "baseline_sum", "nadir_sum"):
        v = out[col].dropna().to_numpy(dtype=float)
        assert np.isfinite(v).all() and (v >= 0).all(), col
    for col in ("pct_change_baseline", "pct_change_nadir"):
        v = out[col].dropna().to_numpy(dtype=float)
        assert np.isfinite(v).all() and (v >= -100).all(), col
    # each patient's first day is the baseline (no response), later days have one
    first = out.groupby(["criterion", "patient"])["day"].transform("min")
    assert out.loc[out["day"] == first, "response"].isna().all()
    assert out.loc[out["day"] != first, "response"].notna().all()
    assert out["reason"].map(lambda s: isinstance(s, str) and s != "").all()


# --------------------------------------------------------------------------- response: assess
@fuzz
@FUZZ
@given(m=measurements(), crit=st.one_of(CRITS, CRITS, CRITS, JUNK, st.just("recist_1.1")), opt=options())
def test_fuzz_assess(m, crit, opt):
    names = ("measurements", "criterion", "patient", *opt)
    kind, out = outcome("response.assess", lambda: R.assess(m, crit, **opt), *names)
    if kind == "valid":
        check_assessment(out)
        assert (out["criterion"] == R.criterion_name(crit)).all()


@fuzz
@FUZZ
@given(
    m=measurements(),
    crits=st.one_of(st.just(R.CRITERIA), st.lists(CRITS, min_size=1, max_size=2), JUNK, st.just([])),
    opt=options(),
)
def test_fuzz_assess_all_and_lesion_table(m, crits, opt):
    names = ("measurements", "criteri", "patient", *opt)
    kind, out = outcome("response.assess_all", lambda: R.assess_all(m, crits, **opt), *names)
    if kind == "valid":
        check_assessment(out)
    crit = crits[0] if isinstance(crits, (list, tuple)) and crits else crits
    kind, lt = outcome("response.lesion_table", lambda: R.lesion_table(m, crit, **opt), *names)
    if kind == "valid":
        assert set(lt["role"]) <= {"target", "non_target", "new", "excluded"}
        v = lt["measure"].dropna().to_numpy(dtype=float)
        assert np.isfinite(v).all() and (v >= 0).all()
        assert lt["gone"].isin([True, False]).all()


# --------------------------------------------------------------------------- best response, best change
@st.composite
def synthetic_timepoints(draw):
    """Timepoints as another tool might give them: any response sequence (PR after CR, NE, PD
    then CR...), with or without a criterion and a target_response column; days in order."""
    crits = draw(st.sampled_from([None, ["RECIST 1.1"], ["RECIST 1.1", "mRECIST"]]))
    with_target = draw(st.booleans())
    rows = []
    for crit in crits or [None]:
        for p in range(draw(st.integers(1, 3))):
            day = draw(st.sampled_from([0, 0, 7, -14]))
            for k in range(draw(st.integers(1, 5))):
                if k:
                    day += draw(st.sampled_from([1, 14, 27, 28, 42, 56, 90, 183]))
                resp = None if k == 0 else draw(st.sampled_from(R.RESPONSES))
                row = dict(
                    patient=f"P{p}",
                    day=day,
                    response=resp,
                    pct_change_baseline=0.0 if k == 0 else draw(st.one_of(st.none(), st.floats(-100, 300))),
                )
                if crit is not None:
                    row["criterion"] = crit
                if with_target:
                    row["target_response"] = (
                        None if k == 0 else draw(st.sampled_from(["none", "CR", "PR", "SD", "PD", "NE"]))
                    )
                rows.append(row)
    return pd.DataFrame(rows)


@st.composite
def assessed_timepoints(draw):
    """assess_all() output of a small lesion table (one or two criteria: each costs ~20 ms)."""
    crits = draw(st.sampled_from([["RECIST 1.1"], ["mRECIST"], ["WHO", "EASL"], ["RECIST 1.1", "mRECIST"]]))
    return R.assess_all(draw(lesion_table()), crits)


@st.composite
def timepoints(draw):
    """Real assess_all() output about one time in four, else synthetic sequences; then perturbed."""
    tp = draw(assessed_timepoints() if draw(st.integers(0, 3)) == 3 else synthetic_timepoints())
    return perturb_frame(draw, tp, columns=["patient", "day", "response", "pct_change_baseline", "criterion"])


def days_arg():
    return mostly(st.sampled_from([0, 28, 42, 183]))


@fuzz
@FUZZ
@given(tp=timepoints(), confirm=mostly(st.booleans()), cd=days_arg(), sd=days_arg())
def test_fuzz_best_response_and_best_change(tp, confirm, cd, sd):
    names = ("timepoints", "confirm", "confirm_days", "sd_min_days", "response", "day", "patient")
    kind, best = outcome(
        "response.best_response",
        lambda: R.best_response(tp, confirm=confirm, confirm_days=cd, sd_min_days=sd),
        *names,
    )
    if kind == "valid":
        keys = ["criterion", "patient"] if "criterion" in tp.columns else ["patient"]
        assert len(best) == len(tp.drop_duplicates(keys))
        for col in ("best_response", "best_unconfirmed", "best_confirmed"):
            assert best[col].notna().all() and set(best[col].astype(str)) <= set(R.RESPONSES)
        # a confirmed best response is never better than the unconfirmed one
        order = {r: i for i, r in enumerate(R.RESPONSES)}
        conf = best["best_confirmed"].astype(str).map(order)
        unc = best["best_unconfirmed"].astype(str).map(order)
        assert ((conf >= unc) | (best["best_unconfirmed"] == "NE")).all()
    bbest = best if kind == "valid" else None
    kind, ch = outcome("response.best_change", lambda: R.best_change(tp, bbest), "timepoints", "best", "pct")
    if kind == "valid":
        v = ch["best_pct_change"].dropna().to_numpy(dtype=float)
        assert np.isfinite(v).all() and (v >= -100).all()
        assert (ch["rank"] >= 1).all() and (ch["rank"] <= len(ch)).all()


# --------------------------------------------------------------------------- target rule alone
NUM = mostly(st.one_of(st.integers(1, 2000), st.floats(0, 200)))
#: sums in tenths of a mm: whole numbers mostly (what target_category takes), near the cut-offs often
TENTHS = mostly(st.one_of(st.integers(0, 600), st.integers(0, 25_000)))


@fuzz
@FUZZ
@given(
    s=NUM,
    b=NUM,
    n=NUM,
    ts=TENTHS,
    tb=TENTHS,
    tn=TENTHS,
    cr=mostly(st.booleans()),
    crit=mostly(CRITS),
    five=st.booleans(),
)
def test_fuzz_target_category_and_explain_target(s, b, n, ts, tb, tn, cr, crit, five):
    names = ("sum_tenth_mm", "baseline_tenth_mm", "nadir_tenth_mm", "nadir_was_cr")
    kind, cat = outcome(
        "response.target_category", lambda: R.target_category(ts, tb, tn, nadir_was_cr=cr), *names
    )
    if kind == "valid":
        assert cat in ("PR", "SD", "PD")
        # the same rule in mm (RECIST 1.1) gives the same category (explain_target takes sums up
        # to five targets of MAX_MM, 25,000 tenths)
        if max(ts, tb, tn) <= 50 * R.MAX_MM:
            same = R.explain_target(ts / 10, baseline_mm=tb / 10, nadir_mm=tn / 10, nadir_was_cr=cr)
            assert same.category == cat, (ts, tb, tn, cr, same.rule)
    names = ("sum_mm", "baseline_mm", "nadir_mm", "criterion", "nadir_was_cr", "mrecist_5mm")
    kind, v = outcome(
        "response.explain_target",
        lambda: R.explain_target(
            s, baseline_mm=b, nadir_mm=n, criterion=crit, mrecist_5mm=five, nadir_was_cr=cr
        ),
        *names,
    )
    if kind == "valid":
        assert v.category in ("PR", "SD", "PD") and v.criterion in R.CRITERIA
        assert math.isfinite(v.pct_change_baseline) and v.pct_change_baseline >= -100
        assert math.isnan(v.pct_change_nadir) or math.isfinite(v.pct_change_nadir)
        assert v.rule and all(math.isfinite(x) and x >= 0 for x in (v.sum_mm, v.baseline_mm, v.nadir_mm))


# --------------------------------------------------------------------------- rates and tables
@st.composite
def best_table(draw):
    n = draw(st.integers(1, 12))
    crits = draw(st.sampled_from([["RECIST 1.1", "mRECIST"], list(R.CRITERIA), ["WHO"]]))
    rows = [
        dict(criterion=c, patient=f"P{i}", best_response=draw(st.sampled_from(R.RESPONSES)))
        for c in crits
        for i in range(n)
    ]
    frame = pd.DataFrame(rows)
    frame["best_response"] = frame["best_response"].astype(
        pd.CategoricalDtype(list(R.RESPONSES), ordered=True)
    )
    return perturb_frame(draw, frame)


@fuzz
@FUZZ
@given(
    best=best_table(),
    by=mostly(st.sampled_from(["criterion", None])),
    column=mostly(st.just("best_response")),
    level=mostly(st.sampled_from([0.95, 0.9, 0.8])),
    sided=mostly(st.sampled_from(["two", "lower", "upper"])),
    nd=mostly(st.booleans()),
    wide=mostly(st.booleans()),
    pair=mostly(st.tuples(CRITS, CRITS), st.tuples(JUNK, CRITS)),
)
def test_fuzz_response_rates_and_discordance(best, by, column, level, sided, nd, wide, pair):
    names = ("best", "by", "column", "level", "sided", "non_cr_non_pd_as_dcr")
    kind, rates = outcome(
        "response.response_rates",
        lambda: R.response_rates(
            best, by=by, column=column, level=level, sided=sided, non_cr_non_pd_as_dcr=nd
        ),
        *names,
    )
    if kind == "valid":
        assert (rates["count"] <= rates["n"]).all() and (rates["count"] >= 0).all() and (rates["n"] > 0).all()
        for col in ("percent", "ci_low_pct", "ci_high_pct"):
            assert np.isfinite(rates[col]).all() and rates[col].between(0, 100).all()
        assert (rates["ci_low_pct"] <= rates["percent"] + 1e-9).all()
        assert (rates["percent"] <= rates["ci_high_pct"] + 1e-9).all()
        # the six categories are the whole group
        stats = {"endpoint", "count", "n", "percent", "ci_low_pct", "ci_high_pct", "level", "sided"}
        keys = [c for c in rates.columns if c not in stats]
        cats = rates[rates["endpoint"].isin(R.RESPONSES)]
        for _, g in cats.groupby(keys, sort=False) if keys else [((), cats)]:
            assert g["count"].sum() == g["n"].iloc[0]
    names = ("best", "rows", "cols", "column", "wide", "criterion")
    kind, tab = outcome(
        "response.discordance_table",
        lambda: R.discordance_table(best, rows=pair[0], cols=pair[1], column=column, wide=wide),
        *names,
    )
    if kind == "valid":
        if wide is True:
            assert (tab.to_numpy() >= 0).all()
        else:
            assert len(tab) == 36 and (tab["count"] >= 0).all()
            patients = best[best["criterion"] == R.criterion_name(pair[0])]["patient"].nunique()
            assert tab["count"].sum() <= patients


@st.composite
def outcomes_table(draw):
    rows = []
    for i in range(draw(st.integers(1, 5))):
        n = draw(st.integers(1, 500))
        rows.append(
            dict(
                trial_id=f"T{i % 2}",
                arm_id=f"A{i}",
                endpoint=draw(st.sampled_from(["ORR", "DCR", "CR", "OS"])),
                criterion="mRECIST",
                count=float(draw(st.integers(0, n))),
                n=float(n),
                value=50.0,
                ci_level=draw(st.sampled_from([0.95, 0.9, NAN])),
                ci_sided=draw(st.sampled_from(["two", "one_lower", None])),
            )
        )
    return perturb_frame(draw, pd.DataFrame(rows))


@fuzz
@FUZZ
@given(
    o=outcomes_table(),
    trial=mostly(st.sampled_from([None, "T0"])),
    endpoints=mostly(st.sampled_from([("ORR", "DCR"), ["CR"]])),
)
def test_fuzz_trial_rates(o, trial, endpoints):
    names = ("outcomes", "trial_id", "endpoints", "count", "ci_level", "ci_sided", "row")
    kind, out = outcome(
        "response.trial_rates", lambda: R.trial_rates(o, trial_id=trial, endpoints=endpoints), *names
    )
    if kind == "valid" and len(out):
        assert (out["count"] <= out["n"]).all() and (out["count"] >= 0).all() and (out["n"] > 0).all()
        for col in ("percent", "ci_low_pct", "ci_high_pct"):
            assert np.isfinite(out[col]).all() and out[col].between(0, 100).all()
        assert out["level"].between(0, 1, inclusive="neither").all()


# --------------------------------------------------------------------------- teaching data, names
SMALL_INT = mostly(st.integers(1, 4))


@fuzz
@FUZZ
@given(
    n=SMALL_INT,
    seed=mostly(st.integers(0, 2**32)),
    visits=mostly(st.integers(2, 4)),
    interval=mostly(st.integers(1, 90)),
    name=st.one_of(CRITS, st.sampled_from(["recist", "m-RECIST", "who_1981", "Easl"]), JUNK),
    crit=CRITS,
)
def test_fuzz_teaching_data_and_names(n, seed, visits, interval, name, crit):
    names = ("n_patients", "seed", "visits", "interval_days")
    kind, cohort = outcome(
        "response.teaching_cohort",
        lambda: R.teaching_cohort(n, seed=seed, visits=visits, interval_days=interval),
        *names,
    )
    if kind == "valid":
        assert cohort["patient"].nunique() == n and cohort["synthetic"].all()
        assert (cohort.groupby("patient")["day"].nunique() == visits).all()
        # one criterion per case (each costs ~20 ms); over the run every criterion assesses cohorts
        check_assessment(R.assess_all(cohort, [crit]))
    kind, canon = outcome("response.criterion_name", lambda: R.criterion_name(name), "criterion")
    if kind == "valid":
        assert canon in R.CRITERIA


def test_necrotic_patient_is_synthetic_and_assessable_by_every_criterion():
    # the same fixed table every time: checked once, not in each fuzz case
    patient = R.necrotic_patient()
    assert patient["synthetic"].all()
    check_assessment(R.assess_all(patient))


@fuzz
@FUZZ
@given(
    drop=st.lists(st.sampled_from(["ld_mm", "viable_ld_mm", "perp_mm", "viable_perp_mm"]), unique=True),
    junk=st.one_of(st.none(), st.none(), TYPES_JUNK),
)
def test_fuzz_criteria_supported(drop, junk):
    frame = R.necrotic_patient().drop(columns=drop) if junk is None else junk
    kind, sup = outcome("response.criteria_supported", lambda: R.criteria_supported(frame), "measurements")
    if kind == "valid":
        assert set(sup) == set(R.CRITERIA)
        for crit, cols in R.CRITERION_COLUMNS.items():
            assert (sup[crit] is None) == (not set(cols) & set(drop)), crit


# --------------------------------------------------------------------------- editing, thresholds, 5 mm clause
@fuzz
@FUZZ
@given(
    lesion=mostly(st.sampled_from(["L1", "L2", "L3"])),
    day=mostly(st.sampled_from([0, 42, 84, 126])),
    drop=mostly(st.booleans()),
    values=st.dictionaries(
        st.sampled_from(["ld_mm", "viable_ld_mm", "status", "kind", "colour", "day", "patient"]),
        st.one_of(st.floats(0, 80), st.sampled_from(["typical", "target", "new"]), JUNK),
        max_size=2,
    ),
    table=st.one_of(st.just("patient"), st.just("patient"), st.just("two"), TYPES_JUNK),
)
def test_fuzz_edit_measurements(lesion, day, drop, values, table):
    base = R.necrotic_patient()
    if table == "two":
        m = pd.concat([base, base.assign(patient="other")], ignore_index=True)
    elif isinstance(table, str) and table == "patient":
        m = base
    else:
        m = table
    names = ("measurements", "lesion", "day", "drop", *values)
    kind, out = outcome(
        "response.edit_measurements",
        lambda: R.edit_measurements(m, lesion=lesion, day=day, drop=drop, **values),
        *names,
    )
    if kind == "valid":
        assert isinstance(out, pd.DataFrame) and out["patient"].nunique() == 1
        assert list(out["day"]) == sorted(out["day"])
        assert abs(len(out) - len(base)) <= 1
        outcome("response.assess (edited)", lambda: R.assess_all(out), "measurements", "patient", "criteri")


@st.composite
def synthetic_sums(draw):
    """An assess_all()-like table of sums (mm) for every criterion: what progression_thresholds reads."""
    rows = []
    for crit in draw(st.sampled_from([R.CRITERIA, ("RECIST 1.1", "mRECIST"), ("mRECIST",), ("WHO",)])):
        baseline = draw(st.floats(0.01, 5 * R.MAX_MM))
        nadir = baseline
        for k in range(draw(st.integers(1, 4))):
            total = baseline if k == 0 else draw(st.floats(0, 5 * R.MAX_MM))
            rows.append(
                dict(
                    criterion=crit,
                    patient="P0",
                    day=42 * k,
                    response=None if k == 0 else draw(st.sampled_from(R.RESPONSES)),
                    sum=total,
                    baseline_sum=baseline,
                    nadir_sum=None if k == 0 else nadir,
                )
            )
            nadir = min(nadir, total)
    return pd.DataFrame(rows)


@st.composite
def assessed_table(draw):
    """(lesion table, assessment, real): the table's real assess_all() under RECIST 1.1 and
    mRECIST about one time in four, else synthetic sums for every criterion; then perturbed.
    (Each criterion assessed costs ~15-40 ms: the synthetic sums keep the run short.)"""
    table = draw(lesion_table(max_patients=1))
    real = draw(st.integers(0, 3)) == 3
    data = R.assess_all(table, ["RECIST 1.1", "mRECIST"]) if real else draw(synthetic_sums())
    cols = ["criterion", "day", "baseline_sum", "nadir_sum", "response"]
    return table, perturb_frame(draw, data, columns=cols), real


@fuzz
@FUZZ
@given(
    triple=assessed_table(),
    pass_assessed=st.integers(0, 3),
    junk_m=st.one_of(st.none(), TYPES_JUNK),
    table_m=st.integers(0, 2),
)
def test_fuzz_progression_thresholds_and_five_mm(triple, pass_assessed, junk_m, table_m):
    table, data, real = triple
    kind, th = outcome(
        "response.progression_thresholds",
        lambda: R.progression_thresholds(data),
        "data",
        "nadir_sum",
        "baseline_sum",
        "criterion",
    )
    if kind == "valid":
        assert set(th["criterion"]) <= {"RECIST 1.1", "mRECIST"}
        for col in ("nadir_sum", "pd_threshold_sum", "pd_threshold_pct"):
            assert np.isfinite(th[col].to_numpy(dtype=float)).all(), col
        assert (th["pd_threshold_sum"] >= th["nadir_sum"]).all()
        assert (th["pd_threshold_pct"] >= -100).all()
    # the measurements: the table whenever its assessment is real, else a third of the time
    # (or junk); the assessment passed back three times in four
    if real or (table_m == 0 and junk_m is None):
        m = table
    else:
        m = "table" if junk_m is None else junk_m
    assessed = data if pass_assessed else None
    kind, eff = outcome(
        "response.five_mm_clause_effect",
        lambda: R.five_mm_clause_effect(m, assessed=assessed),
        "measurements",
        "assessed",
        "patient",
    )
    if kind == "valid":
        changed, total = eff
        assert isinstance(changed, int) and isinstance(total, int) and 0 <= changed <= total


# --------------------------------------------------------------------------- uploads
def csv_text(frame, sep=",", decimal="."):
    text = frame.to_csv(index=False, sep=sep)
    if decimal == ",":
        text = text.replace(".", ",") if sep != "," else text
    return text


@st.composite
def upload_bytes(draw, valid_text):
    """Bytes of an uploaded file: the valid text in some dialect, perturbed, or garbage."""
    what = draw(st.sampled_from(["ok"] * 6 + ["edit"] * 5 + ["garbage", "binary", "text", "type"]))
    if what == "garbage":
        return draw(st.binary(max_size=300))
    if what == "binary":
        return draw(
            st.sampled_from(
                [b"PK\x03\x04zip", b"%PDF-1.4", b"\x89PNG\r\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]
            )
        )
    if what == "text":
        alphabet = st.sampled_from(list('abc,;\t"\n\r 019.-e') + ["\r\n", "\ufeff", "é"])
        return "".join(draw(st.lists(alphabet, max_size=80))).encode()
    if what == "type":
        return draw(st.one_of(TYPES_JUNK, st.just(valid_text), st.integers(-5, 10**30)))
    text = valid_text
    if what == "edit":
        lines = text.split("\n")
        i = draw(st.integers(0, max(0, len(lines) - 2)))
        fields = lines[i].split(",")
        j = draw(st.integers(0, len(fields) - 1))
        edit = draw(
            st.sampled_from(["value", "drop_line", "dup_line", "extra_field", "drop_field", "quote_nl"])
        )
        if edit == "value":
            fields[j] = str(draw(JUNK)).replace(",", " ")
            lines[i] = ",".join(fields)
        elif edit == "drop_line" and len(lines) > 2:
            del lines[i]
        elif edit == "dup_line":
            lines.insert(i, lines[i])
        elif edit == "extra_field":
            lines[i] += "," + draw(st.sampled_from(["x", "", "1", "extra"]))
        elif edit == "drop_field":
            lines[i] = ",".join(fields[:-1])
        elif edit == "quote_nl":
            fields[j] = f'"{fields[j]}\nmore"'
            lines[i] = ",".join(fields)
        text = "\n".join(lines)
    sep = draw(st.sampled_from([",", ",", ";", "\t"]))
    if sep != ",":
        text = text.replace(",", sep)
        if sep == ";" and draw(st.booleans()):
            text = text.replace(".", ",")  # decimal comma
    text = text.replace("\n", draw(st.sampled_from(["\n", "\r\n", "\r"])))
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "latin-1"])), errors="replace")


def measurement_csv():
    return lesion_table().map(lambda f: f.to_csv(index=False))


def curve_csv():
    @st.composite
    def build(draw):
        n = draw(st.integers(2, 8))
        times = sorted(draw(st.lists(st.floats(0, 60, allow_nan=False), min_size=n, max_size=n)))
        surv = sorted(draw(st.lists(st.floats(0, 1), min_size=n, max_size=n)), reverse=True)
        if draw(st.booleans()):
            surv = [100 * s for s in surv]
        return pd.DataFrame({"time": times, "survival": surv}).to_csv(index=False)

    return build()


def at_risk_csv():
    @st.composite
    def build(draw):
        n = draw(st.integers(1, 6))
        times = sorted(draw(st.lists(st.integers(0, 60), min_size=n, max_size=n, unique=True)))
        risk = sorted(draw(st.lists(st.integers(0, 500), min_size=n, max_size=n)), reverse=True)
        return pd.DataFrame({"time": times, "n_at_risk": risk}).to_csv(index=False)

    return build()


def check_upload_frame(frame, bounds):
    """A frame from an upload is within the module's bounds and has no NaN in required columns."""
    assert isinstance(frame, pd.DataFrame) and 0 < len(frame) <= U.MAX_ROWS
    for col, (low, high, required) in bounds.items():
        if col not in frame.columns:
            assert not required, col
            continue
        v = frame[col].to_numpy(dtype=float)
        if required:
            assert not np.isnan(v).any(), col
        v = v[~np.isnan(v)]
        assert np.isfinite(v).all() and (v >= low).all() and (v <= high).all(), col


@fuzz
@FUZZ
@given(
    content=st.data(),
    required=st.sampled_from([(), ("a",), ("patient", "day")]),
    numeric=st.sampled_from([(), ("day",), ("ld_mm", "day")]),
    name=mostly(st.just("mine.csv")),
    max_rows=mostly(st.sampled_from([U.MAX_ROWS, 3])),
)
def test_fuzz_read_csv_bytes(content, required, numeric, name, max_rows):
    raw = content.draw(upload_bytes(content.draw(measurement_csv())))
    kind, frame = outcome(
        "uploads.read_csv_bytes",
        lambda: U.read_csv_bytes(raw, name=name, required=required, numeric=numeric, max_rows=max_rows),
        str(name),
        "max_rows",
        "name",
    )
    if kind == "valid":
        assert isinstance(frame, pd.DataFrame) and 0 < len(frame) <= max_rows
        assert all(c in frame.columns for c in required)
        for col in numeric:
            if col in frame.columns:
                v = frame[col].to_numpy(dtype=float)
                assert np.isfinite(v[~np.isnan(v)]).all()


@fuzz
@FUZZ
@given(data=st.data(), name=mostly(st.just("mine.csv")))
def test_fuzz_read_measurements(data, name):
    raw = data.draw(upload_bytes(data.draw(measurement_csv())))
    kind, frame = outcome(
        "uploads.read_measurements", lambda: U.read_measurements(raw, name=name), str(name), "name"
    )
    if kind == "valid":
        bounds = {"day": (0, U.MAX_DAY, True)}
        bounds.update(
            {c: (0, U.MAX_MM, False) for c in ("ld_mm", "sa_mm", "viable_ld_mm", "perp_mm", "viable_perp_mm")}
        )
        check_upload_frame(frame, bounds)
        assert set(frame.columns) <= set(U.MEASUREMENT_COLUMNS)
        for col in ("patient", "lesion", "kind"):
            assert frame[col].notna().all(), col
        assert (frame["day"] % 1 == 0).all()
        # what a reader accepts, the engine either assesses or refuses with a named error
        outcome(
            "response.assess (uploaded)", lambda: R.assess(frame, "RECIST 1.1"), "measurements", "patient"
        )


@fuzz
@FUZZ
@given(data=st.data(), name=mostly(st.just("up.csv")))
def test_fuzz_read_curve_and_at_risk(data, name):
    raw = data.draw(upload_bytes(data.draw(curve_csv())))
    kind, frame = outcome("uploads.read_curve", lambda: U.read_curve(raw, name=name), str(name), "name")
    if kind == "valid":
        assert list(frame.columns) == ["time", "survival"] and len(frame) >= 2
        check_upload_frame(frame, {"time": (0, U.MAX_MONTHS, True), "survival": (0, 1, True)})
    raw = data.draw(upload_bytes(data.draw(at_risk_csv())))
    kind, frame = outcome("uploads.read_at_risk", lambda: U.read_at_risk(raw, name=name), str(name), "name")
    if kind == "valid":
        assert list(frame.columns) == ["time", "n_at_risk"]
        check_upload_frame(frame, {"time": (0, U.MAX_MONTHS, True), "n_at_risk": (0, U.MAX_PATIENTS, True)})
        assert frame["n_at_risk"].dtype.kind == "i"


@fuzz
@FUZZ
@given(
    kind_arg=st.one_of(
        st.sampled_from(["measurements", "curve", "at_risk"]),
        st.sampled_from(["measurements", "curve", "at_risk"]),
        JUNK,
        TYPES_JUNK,
    ),
    data=st.data(),
)
def test_fuzz_example_csv(kind_arg, data):
    kind, text = outcome("uploads.example_csv", lambda: U.example_csv(kind_arg), "kind")
    if kind == "valid":
        reader = {"measurements": U.read_measurements, "curve": U.read_curve, "at_risk": U.read_at_risk}[
            kind_arg
        ]
        assert isinstance(text, str) and len(reader(text.encode())) > 0
        # the example as a teacher may edit and save it: read, or refused with the file named
        raw = data.draw(upload_bytes(text))
        outcome(f"uploads.read_{kind_arg} (edited example)", lambda: reader(raw, name="ex.csv"), "ex.csv")


# --------------------------------------------------------------------------- regressions (minimal examples)
ONE = pd.DataFrame({"patient": 1, "lesion": "L1", "day": [0, 42], "kind": "target", "ld_mm": [28.0, 19.6]})


def test_day_beyond_int64_is_named_not_wrapped():
    # 1e30 became day -9223372036854775808 and a "goes back in time" error
    with pytest.raises(ValueError, match=r"field 'day' must be a whole number of days from -20000"):
        R.assess(ONE.assign(day=[0, 1e30]), "RECIST 1.1")


def test_absurd_diameter_is_refused_not_summed_to_inf():
    # 1e307 mm overflowed to an infinite sum and a "PR" at inf == inf
    with pytest.raises(ValueError, match=r"field 'ld_mm' is 1e\+307 mm; no lesion is larger than 500 mm"):
        R.assess(ONE.assign(ld_mm=[1e307, 1e307]), "RECIST 1.1")
    with pytest.raises(ValueError, match="too_small_mm: must be a number from 0 to 500"):
        R.assess(ONE, "RECIST 1.1", too_small_mm=1e308)


def test_list_as_patient_id_is_named():
    with pytest.raises(ValueError, match=r"field 'patient' must be a single value .*list"):
        R.assess(ONE.assign(patient=[[1], [1]]), "RECIST 1.1")


def test_option_flags_must_be_booleans():
    with pytest.raises(ValueError, match="mrecist_5mm: must be True or False"):
        R.assess(ONE.assign(viable_ld_mm=[28.0, 19.6]), "mRECIST", mrecist_5mm="no")


def test_repeated_criterion_is_assessed_once():
    out = R.assess_all(ONE, ["RECIST 1.1", "recist"])
    assert len(out) == 2
    with pytest.raises(ValueError, match="criteria: give at least one"):
        R.assess_all(ONE, [])
    with pytest.raises(ValueError, match="criteria: expected"):
        R.assess_all(ONE, 5)


def test_best_response_and_best_change_check_their_table():
    with pytest.raises(TypeError, match="timepoints: expected a pandas DataFrame"):
        R.best_response([1])
    tp = R.assess(ONE, "RECIST 1.1")
    with pytest.raises(ValueError, match=r"column 'response' must be one of CR, PR"):
        R.best_response(tp.assign(response=[None, "XX"]))
    with pytest.raises(ValueError, match=r"column 'day' must be a whole number"):
        R.best_response(tp.assign(day=[0, NAN]))
    with pytest.raises(ValueError, match="confirm: must be True or False"):
        R.best_response(tp, confirm="yes")
    with pytest.raises(ValueError, match="pct_change_baseline"):
        R.best_change(tp.assign(pct_change_baseline=[0, -INF]))


def test_explain_target_refuses_nan_negative_and_zero_baseline():
    for bad in (NAN, INF, -5, "30"):
        with pytest.raises(ValueError, match="sum_mm"):
            R.explain_target(bad, baseline_mm=10, nadir_mm=10)
    with pytest.raises(ValueError, match="baseline_mm: the baseline sum must be at least 0.01 mm"):
        R.explain_target(0, baseline_mm=0.004, nadir_mm=1)


def test_teaching_cohort_bounds_seed_and_keeps_visits_in_order():
    with pytest.raises(ValueError, match="n_patients: must be a whole number from 1 to 10,000"):
        R.teaching_cohort(10**18)  # looped for ever
    for seed in ("x", -1):
        with pytest.raises(ValueError, match="seed: must be a whole number >= 0"):
            R.teaching_cohort(2, seed=seed)
    cohort = R.teaching_cohort(1, seed=0, visits=3, interval_days=1)  # jitter made days collide
    assert cohort.groupby("patient")["day"].nunique().tolist() == [3]
    R.assess_all(cohort)


def test_rates_and_tables_name_bad_values():
    best = pd.DataFrame({"criterion": "RECIST 1.1", "patient": ["A", "B"], "best_response": ["PR", "banana"]})
    with pytest.raises(ValueError, match="column 'best_response' must be one of"):
        R.response_rates(best)
    two = pd.concat([best.assign(best_response="PR"), best.assign(criterion="mRECIST", best_response="SD")])
    with pytest.raises(ValueError, match="patient' appears twice"):
        R.discordance_table(pd.concat([two, two]))
    with pytest.raises(ValueError, match="endpoints: expected a list"):
        R.trial_rates(
            pd.DataFrame(columns=["trial_id", "arm_id", "endpoint", "criterion", "count", "n", "value"]),
            endpoints=5,
        )


def test_five_mm_clause_refuses_an_assessment_of_another_table():
    m = R.necrotic_patient()
    with pytest.raises(ValueError, match="assessed: its mRECIST rows are not the visits"):
        R.five_mm_clause_effect(m, assessed=R.assess_all(m).iloc[:2])


def test_upload_of_an_int_is_refused_without_allocating_it():
    # bytes(10**9) built a gigabyte of zeros
    with pytest.raises(ValueError, match="mine.csv: expected the bytes of a file, got int"):
        U.read_csv_bytes(10**9, name="mine.csv")


def test_data_line_longer_than_the_header_is_named_not_an_index():
    # pandas made the first field an index and shifted every column silently
    with pytest.raises(ValueError, match="f.csv: cannot read it as CSV: Expected 2 fields in line 2, saw 3"):
        U.read_csv_bytes(b"a,b\n1,2,3\n4,5,6\n", name="f.csv")


def test_uploaded_measurements_need_day_and_ids_in_every_row():
    with pytest.raises(ValueError, match="line 3, column 'day': is empty"):
        U.read_measurements(b"patient,lesion,day,kind,ld_mm\nA,L1,0,target,30\nA,L1,,target,20\n")
    with pytest.raises(ValueError, match="line 3, column 'day': 4.5 is not a whole number"):
        U.read_measurements(b"patient,lesion,day,kind,ld_mm\nA,L1,0,target,30\nA,L1,4.5,target,20\n")


HEADER = b"patient,lesion,day,kind,ld_mm\n"


def test_line_number_counts_a_quoted_newline():
    # the record "A\nB" spans lines 2-3, so the bad row is on line 4 (it was reported as line 3)
    raw = HEADER + b'"A\nB",L1,0,target,30\nA,L1,zero,target,20\n'
    with pytest.raises(ValueError, match=r"line 4, column 'day': 'zero' is not a number"):
        U.read_measurements(raw, name="m.csv")
    with pytest.raises(ValueError, match=r"Expected 2 fields in line 4, saw 3"):
        U.read_csv_bytes(b'a,b\n"1\n2",3\n4,5,6\n')


def test_line_number_counts_a_skipped_blank_line():
    # the blank line 3 is skipped, so the bad row is on line 4 (it was reported as line 3)
    with pytest.raises(ValueError, match=r"line 4, column 'day': is empty"):
        U.read_measurements(HEADER + b"A,L1,0,target,30\n\nA,L1,,target,20\n")
    with pytest.raises(ValueError, match=r"line 4, column 'ld_mm': 900 is outside 0-500 mm"):
        U.read_measurements(HEADER + b"A,L1,0,target,30\r\n\r\nA,L1,42,target,900\r\n")
    # curve and at-risk tables named "data row 2" / "row 2": now the file's line
    with pytest.raises(ValueError, match=r"line 4, column 'survival': 7000 is outside"):
        U.read_curve(b"time,survival\n0,1\n\n3,7e3\n")
    with pytest.raises(ValueError, match=r"at_risk.csv, line 5: time 3, n_at_risk 2.5"):
        U.read_at_risk(b"time,n_at_risk\n0,10\n\n\n3,2.5\n")


def test_unclosed_quote_is_named_with_its_line():
    with pytest.raises(ValueError, match=r"quote opened in the record starting on line 3 is never closed"):
        U.read_measurements(HEADER + b'A,L1,0,target,30\nA,"L1,42,target,20\n', name="m.csv")


def test_response_rates_of_an_empty_table_is_named():
    # nightly fuzz: with by=None the message was "n: must be >= 1, got 0" (an argument the caller
    # never passed); with by="criterion" an empty table of rates came back
    empty = pd.DataFrame(columns=["criterion", "patient", "best_response"])
    for by in (None, "criterion"):
        with pytest.raises(ValueError, match="best: the table has no rows"):
            R.response_rates(empty, by=by)
