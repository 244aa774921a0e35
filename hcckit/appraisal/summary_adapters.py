"""Table adapters for the checks of summary statistics: curated rows -> means, registry and survival-CI checks.

- means ± spread with n per arm (``outcomes`` and ``baseline``, ``statistic=mean``, the ± value in
  ``spread_low``) against the printed p or t of their comparison in ``effects`` (same trial, item
  and place in the paper) -> :func:`~hcckit.appraisal.means.check_two_means`;
- a whole cohort's mean ± SD (``arm_id="all"`` in ``baseline``) against its arms'
  -> :func:`~hcckit.appraisal.means.check_cohort_sd`;
- means (and SDs) of whole-number data (``unit=count``) -> GRIM / GRIMMER;
- registry numbers of ``trials`` (the ``registry`` column, and any in its notes)
  -> :func:`~hcckit.appraisal.identifiers.check_registry_id`;
- a median's CI against landmark rates' CIs, and a median against the numbers at risk.

Rows a check cannot read are returned as *not checkable* findings (``checked=False``), never
skipped silently.
"""

from __future__ import annotations

from dataclasses import replace

from hcckit.appraisal.findings import Finding, _not_checkable
from hcckit.appraisal.identifiers import check_registry_id, registry_ids_in
from hcckit.appraisal.means import (
    check_chi2_counts,
    check_cohort_sd,
    check_mean_grim,
    check_sd_grimmer,
    check_two_means,
)
from hcckit.appraisal.printed import _missing, printed_decimals
from hcckit.appraisal.sources import _ctx, _printed, _printed_p, _s
from hcckit.appraisal.survival_curves import check_median_vs_at_risk, check_median_vs_rate_ci

__all__: list[str] = []  # private adapters, called by hcckit.appraisal.audit

#: the arm id of a whole-cohort row (``hcckit.labels.ALL``)
WHOLE_COHORT = "all"
_SPREADS = {"SD": "SD", "SE": "SE"}


def _run(check: str, name: str, idx, row, what: str, studies, call) -> list[Finding]:
    """``call()``'s findings labelled with the row, or one not-checkable finding naming why."""
    try:
        found = call()
    except (ValueError, TypeError) as exc:
        found = [_not_checkable(check, what, str(exc))]
    return [replace(f, **_ctx(name, idx, row, what, studies)) for f in found]


def _places(text) -> set[str]:
    """The places a ``source_location`` names (``"Table 5; Section 3.5.1"`` -> two places)."""
    return {p.strip().lower() for p in _s(text).split(";") if p.strip()}


def _mean_rows(tables, texts) -> list[dict]:
    """Every curated mean with its printed spread: one dict per row (table, idx, key, arm …)."""
    out = []
    for name, key_cols in (("outcomes", ("endpoint", "item")), ("baseline", ("characteristic", "category"))):
        frame = tables.get(name)
        if frame is None or "statistic" not in frame:
            continue
        rows = frame[frame["statistic"].astype(str).eq("mean")]
        for idx, row in rows.iterrows():
            key = tuple(_s(row.get(c)) for c in key_cols)
            if name == "baseline":
                key = ("baseline", key[0]) if not key[1] else ("baseline", f"{key[0]}: {key[1]}")
            out.append(
                dict(
                    table=name,
                    idx=idx,
                    row=row,
                    trial=_s(row["trial_id"]),
                    arm=_s(row.get("arm_id")),
                    key=key,
                    mean=_printed(frame, texts, name, idx, "value"),
                    spread=_printed(frame, texts, name, idx, "spread_low"),
                    kind=_s(row.get("spread_kind")),
                    n=None if _missing(row.get("n")) else int(row["n"]),
                    unit=_s(row.get("unit")),
                    places=_places(row.get("source_location")),
                )
            )
    return out


def _what(key) -> str:
    """A mean's name for people: ``("lab", "ALT")`` -> "Laboratory value: ALT"."""
    from hcckit import labels

    kind, item = key
    if kind == "baseline":
        name, _, category = item.partition(": ")
        text = labels.label("characteristic", name)
        return text + (f": {category}" if category else "")
    text = labels.label("endpoint", kind)
    return text + (f": {labels.label('item', item)}" if item else "")


def _two_means_rows(tables, texts, tol, studies) -> list[Finding]:
    """Each printed p (or t) of a comparison of two curated means, recomputed from the means."""
    effects = tables.get("effects")
    if effects is None:
        return []
    means = [m for m in _mean_rows(tables, texts) if m["kind"] in ("SD", "SE", "unspecified", "")]
    by_arm: dict[tuple, list[dict]] = {}
    for m in means:
        by_arm.setdefault((m["trial"], m["arm"], m["key"]), []).append(m)
    out = []
    for idx, row in effects.iterrows():
        measure = _s(row.get("measure"))
        if measure not in ("p_only", "t") or _missing(row.get("p_value")) and measure == "p_only":
            continue
        endpoint, item = _s(row.get("endpoint")), _s(row.get("item"))
        key = ("baseline", item) if endpoint == "baseline" else (endpoint, item)
        trial = _s(row["trial_id"])
        a_rows = by_arm.get((trial, _s(row.get("arm_id")), key), [])
        b_rows = by_arm.get((trial, _s(row.get("comparator_arm_id")), key), [])
        if not a_rows and not b_rows:
            continue  # not a comparison of curated means
        what = f"{_what(key)}: two means"
        places = _places(row.get("source_location"))
        a = next((m for m in a_rows if m["places"] & places), None)
        b = next((m for m in b_rows if m["places"] & places), None)

        def call(a=a, b=b, idx=idx, row=row, measure=measure):
            if a is None or b is None:
                raise ValueError(
                    "the two arms' means are not printed in the same place as this p "
                    f"({_s(row.get('source_location'))}), so they need not be what it compares"
                )
            if a["n"] is None or b["n"] is None:
                raise ValueError("an arm's mean has no n")
            if a["kind"] != b["kind"]:
                raise ValueError(f"the arms' spreads are of different kinds ({a['kind']} vs {b['kind']})")
            p, op = _printed_p(effects, texts, idx, row)
            t = _printed(effects, texts, "effects", idx, "value") if measure == "t" else None
            return check_two_means(
                a["mean"],
                a["spread"],
                a["n"],
                b["mean"],
                b["spread"],
                b["n"],
                p=p,
                p_operator=op,
                t=t,
                spread=_SPREADS.get(a["kind"]),
                tolerances=tol,
            )

        out += _run("two_means", "effects", idx, row, what, studies, call)
    return out


def _arm_categories(baseline, trial: str, arm: str, item: str) -> dict[str, tuple[int, int]]:
    """``{category: (count, n)}`` of one arm for a baseline item: the characteristic's categories,
    or the one category named ``item`` (preferred rows with a count only)."""
    rows = baseline[
        baseline["trial_id"].astype(str).eq(trial)
        & baseline["arm_id"].astype(str).eq(arm)
        & baseline["count"].notna()
        & baseline["n"].notna()
    ]
    if "preferred" in rows:
        rows = rows[
            rows["preferred"].astype(str).str.lower().isin(["true", "1", "yes"]) | rows["preferred"].eq(True)
        ]
    by_char = rows[rows["characteristic"].astype(str).eq(item)]
    if by_char.empty and "category" in rows:
        by_char = rows[rows["category"].astype(str).eq(item)]
    return {_s(r.get("category")) or item: (int(r["count"]), int(r["n"])) for _, r in by_char.iterrows()}


def _contingency(a: dict, b: dict) -> list[list[int]]:
    """Arms x categories; a lone category becomes that category against the rest of n."""
    if set(a) != set(b):
        raise ValueError(f"the arms' categories differ ({', '.join(sorted(a))} vs {', '.join(sorted(b))})")
    if not a:
        raise ValueError("no counts are curated for this item")
    cats = list(a)
    rows = []
    for arm in (a, b):
        counts = [arm[c][0] for c in cats]
        n = arm[cats[0]][1]
        if len(cats) == 1:
            counts.append(n - counts[0])
        elif sum(counts) != n:
            raise ValueError(f"the categories ({sum(counts)} patients) do not add up to n ({n})")
        rows.append(counts)
    return rows


def _chi2_count_rows(tables, texts, tol, studies) -> list[Finding]:
    """Each printed chi-square of a baseline comparison against the chi-square of the arms' counts."""
    effects, baseline = tables.get("effects"), tables.get("baseline")
    if effects is None or baseline is None:
        return []
    out = []
    for idx, row in effects.iterrows():
        if (
            _s(row.get("measure")) != "chi2"
            or _s(row.get("endpoint")) != "baseline"
            or _missing(row.get("value"))
        ):
            continue
        trial, item = _s(row["trial_id"]), _s(row.get("item"))
        from hcckit import labels

        what = f"{labels.label('characteristic', item)}: chi-square vs counts"

        def call(row=row, idx=idx, trial=trial, item=item):
            a = _arm_categories(baseline, trial, _s(row.get("arm_id")), item)
            b = _arm_categories(baseline, trial, _s(row.get("comparator_arm_id")), item)
            return check_chi2_counts(_contingency(a, b), _printed(effects, texts, "effects", idx, "value"))

        out += _run("chi2_counts", "effects", idx, row, what, studies, call)
    return out


def _cohort_sd_rows(tables, texts, tol, studies) -> list[Finding]:
    """Each whole-cohort mean ± SD (``arm_id="all"``) against its arms' means, SDs and sizes."""
    out = []
    means = [m for m in _mean_rows(tables, texts) if m["table"] == "baseline"]
    for total in (m for m in means if m["arm"] == WHOLE_COHORT):
        arms = [
            m
            for m in means
            if m["trial"] == total["trial"] and m["key"] == total["key"] and m["arm"] != WHOLE_COHORT
        ]
        what = f"{_what(total['key'])}: whole cohort vs arms"

        def call(total=total, arms=arms):
            if len(arms) < 2:
                raise ValueError(f"{len(arms)} arm mean(s) curated: at least two are needed")
            kinds = {m["kind"] for m in arms}
            if len(kinds) != 1 or not kinds <= {"SD", "SE"}:
                raise ValueError(f"the arms' spreads are not all SDs or all SEs ({', '.join(sorted(kinds))})")
            return check_cohort_sd(
                [(m["mean"], m["spread"], m["n"]) for m in arms],
                total_mean=total["mean"],
                total_sd=total["spread"],
                spread=kinds.pop(),
            )

        out += _run("cohort_sd", "baseline", total["idx"], total["row"], what, studies, call)
    return out


def _whole_number_rows(tables, texts, tol, studies) -> list[Finding]:
    """GRIM for every mean of whole-number data (``unit=count``) with its n; GRIMMER where an SD is printed."""
    out = []
    for m in _mean_rows(tables, texts):
        if m["unit"] != "count":
            continue
        what = f"{_what(m['key'])}: mean of whole numbers"
        out += _run(
            "grim_mean",
            m["table"],
            m["idx"],
            m["row"],
            what,
            studies,
            lambda m=m: _grim(m),
        )
        if m["kind"] == "SD" and m["spread"] is not None and m["n"] is not None:
            out += _run(
                "grimmer_sd",
                m["table"],
                m["idx"],
                m["row"],
                f"{_what(m['key'])}: SD of whole numbers",
                studies,
                lambda m=m: check_sd_grimmer(m["mean"], m["spread"], m["n"]),
            )
    return out


def _grim(m) -> list[Finding]:
    """GRIM of one curated mean; not checkable when n is unknown or too large for its precision."""
    if m["n"] is None:
        _no_n()
    decimals = printed_decimals(m["mean"])
    if m["n"] >= 10**decimals:
        raise ValueError(
            f"GRIM cannot tell: with n = {m['n']} every mean printed to {decimals} decimal(s) is possible"
        )
    return check_mean_grim(m["mean"], m["n"])


def _no_n():
    raise ValueError("no n is curated for this mean")


def _identifier_rows(tables, texts, tol, studies) -> list[Finding]:
    """Every registry number of ``trials``: its ``registry`` cell (with the year) and any in its notes."""
    trials = tables.get("trials")
    if trials is None:
        return []
    out = []
    for idx, row in trials.iterrows():
        registry = _s(row.get("registry"))
        year = None if _missing(row.get("year")) else int(float(row["year"]))
        if registry:
            out += _run(
                "identifier",
                "trials",
                idx,
                row,
                "registry number",
                studies,
                lambda r=registry, y=year: check_registry_id(r, year=y),
            )
        for col in ("citation", "note"):
            for number in registry_ids_in(_s(row.get(col))):
                if number == registry:
                    continue
                out += _run(
                    "identifier",
                    "trials",
                    idx,
                    row,
                    f"registry number in the {col}",
                    studies,
                    lambda r=number: check_registry_id(r),
                )
    return out


def _median_ci_rows(tables, texts, tol, studies) -> list[Finding]:
    """Each median with a CI against the same arm's landmark rates with CIs (same endpoint)."""
    outcomes = tables.get("outcomes")
    if outcomes is None:
        return []
    out = []
    for _key, grp in outcomes.groupby(["trial_id", "arm_id"], sort=False):
        for ep in ("OS", "PFS", "TTUP", "RFS", "PPS"):
            med = grp[grp["endpoint"].astype(str).eq(f"median_{ep}")]
            rates = grp[
                grp["endpoint"].astype(str).eq(f"{ep}_rate") & grp["ci_low"].notna() & grp["ci_high"].notna()
            ]
            if med.empty or rates.empty:
                continue
            midx = med.index[0]
            mrow = outcomes.loc[midx]
            if _missing(mrow.get("ci_low")) and _missing(mrow.get("ci_high")):
                continue
            median_ci = tuple(_printed(outcomes, texts, "outcomes", midx, c) for c in ("ci_low", "ci_high"))
            rates_ci = {
                float(r["time_months"]): tuple(
                    _printed(outcomes, texts, "outcomes", i, c) for c in ("value", "ci_low", "ci_high")
                )
                for i, r in rates.iterrows()
                if not _missing(r.get("time_months"))
            }
            out += _run(
                "median_vs_rate_ci",
                "outcomes",
                midx,
                mrow,
                f"median {ep} CI vs landmark CIs",
                studies,
                lambda m=median_ci, r=rates_ci, e=ep: check_median_vs_rate_ci(m, r, endpoint=e),
            )
    return out


def _median_at_risk_rows(tables, texts, tol, studies) -> list[Finding]:
    """Each median against the same arm's numbers at risk (n from the arm, else at time 0)."""
    outcomes, at_risk, arms = tables.get("outcomes"), tables.get("at_risk"), tables.get("arms")
    if outcomes is None or at_risk is None or at_risk.empty:
        return []
    arm_n = {}
    if arms is not None:
        arm_n = {
            (_s(r["trial_id"]), _s(r["arm_id"])): r["n"] for _, r in arms.iterrows() if not _missing(r["n"])
        }
    out = []
    for (trial, arm, ep), grp in at_risk.groupby(["trial_id", "arm_id", "endpoint"], sort=False):
        med = outcomes[
            outcomes["trial_id"].astype(str).eq(trial)
            & outcomes["arm_id"].astype(str).eq(arm)
            & outcomes["endpoint"].astype(str).eq(f"median_{ep}")
            & outcomes["value"].notna()
        ]
        if med.empty:
            continue
        midx = med.index[0]
        curve = {float(r["time_months"]): int(r["n_at_risk"]) for _, r in grp.iterrows()}
        n = arm_n.get((trial, arm), curve.get(0.0))
        median = _printed(outcomes, texts, "outcomes", midx, "value")
        out += _run(
            "median_vs_at_risk",
            "outcomes",
            midx,
            outcomes.loc[midx],
            f"median {ep} vs numbers at risk",
            studies,
            lambda m=median, c=curve, n=n, e=ep: (
                check_median_vs_at_risk(m, c, n=n, endpoint=e) if n is not None else _no_n()
            ),
        )
    return out


#: check -> adapter, in the order the audit runs them
SUMMARY_ADAPTERS = {
    "two_means": _two_means_rows,
    "chi2_counts": _chi2_count_rows,
    "cohort_sd": _cohort_sd_rows,
    "grim_mean": _whole_number_rows,
    "grimmer_sd": _whole_number_rows,
    "identifier": _identifier_rows,
    "median_vs_rate_ci": _median_ci_rows,
    "median_vs_at_risk": _median_at_risk_rows,
}
