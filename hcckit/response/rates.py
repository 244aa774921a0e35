"""Rates and cross-tables of best responses: ORR/DCR with exact intervals, curated trials' rates
recomputed, RECIST 1.1 vs mRECIST discordance.

Every exact (Clopper-Pearson) interval comes from :func:`hcckit.stats.proportion_ci`.
"""

from __future__ import annotations

from hcckit.response._validate import (
    _check_bool,
    _check_frame,
    _check_responses,
    _check_single_values,
    _fail,
    _hashable,
)
from hcckit.response.criteria import NON_CR_NON_PD, RESPONSES, criterion_name

__all__ = ["response_rates", "trial_rates", "discordance_table"]


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
        ``level``, ``ci_sided`` (``two`` or ``one_lower``; 0.95 two-sided when the source
        printed none), ``ci_low_pct``, ``ci_high_pct`` (exact Clopper-Pearson from
        :func:`hcckit.stats.proportion_ci`, %; the upper end of a one-sided lower bound is
        100 %), and ``note``. Rows without a count or denominator are dropped. (The column
        ``level`` was ``ci_level`` before; the input's ``ci_level`` column keeps its name.)
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
                "level": ci.level,
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
