"""The audit: every check over the curated tables (or any of the same shape), one row per finding."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict

from hcckit.appraisal.adapters import (
    _categories_rows,
    _hr_median_rows,
    _hr_rows,
    _percentage_rows,
    _recorded_rows,
    _survival_rows,
    _test_statistic_rows,
    _text_vs_table_rows,
    _two_by_two_rows,
)
from hcckit.appraisal.findings import _RANK, CHECKS, Finding, Tolerances, findings_frame
from hcckit.appraisal.sources import _prepare, _raw_texts, _s, _studies
from hcckit.appraisal.summary_adapters import SUMMARY_ADAPTERS


def audit(
    tables: Mapping | None = None,
    *,
    include_passed: bool = False,
    checks: Sequence[str] | None = None,
    **tolerances,
):
    """Audit reported trial numbers for internal consistency; one row per finding.

    Parameters
    ----------
    tables : dict of DataFrames, optional
        Tables named like the curated ones (``outcomes``, ``effects``, ``adverse_events``,
        ``at_risk``, ``arms``, ``trials``, ``baseline``), with their columns (see
        ``data/README.md``); a missing table is simply not audited. Numeric columns may hold
        the printed text (strings keep trailing zeros, so the printed precision is exact).
        Default: all curated tables, with the precision read from the CSV text.
    include_passed : bool, default False
        Also return a ``pass`` row for every number that was checked and found consistent.
    checks : sequence of str, optional
        Only these checks (keys of :data:`CHECKS`); default all.
    **tolerances
        Overrides of :class:`Tolerances` (``percent_slack``, ``sum_slack``, ``hr_asymmetry``,
        ``p_z_slack``, ``p_relative``, ``p_gross_factor``, ``alpha``, ``median_direction``).

    Returns
    -------
    pandas.DataFrame
        Columns ``trial_id, arm_id, study, what, check, severity, reported, recomputed,
        tolerance, message, table, line, source_location, reported_value, recomputed_value,
        inputs``; sorted by severity (errors first), then study. ``attrs["checked"]`` counts
        the numbers checked per check, ``attrs["tolerances"]`` records the tolerances and
        ``attrs["not_checkable"]`` lists the numbers a check could not read, and why (nothing is
        skipped silently; see :func:`not_checkable_frame`).

    Examples
    --------
    >>> findings = audit()
    >>> set(findings["severity"]) <= {"error", "warning", "info"}
    True
    """
    tol = Tolerances.from_kwargs(**tolerances)
    if checks is not None:
        unknown = [c for c in checks if c not in CHECKS]
        if unknown:
            raise ValueError(f"checks: unknown check(s) {unknown}; choose from {', '.join(CHECKS)}")
    wanted = set(checks or CHECKS)
    if tables is None:
        from hcckit import data

        tables = {name: data.load(name) for name in data.TABLE_NAMES}
        texts = _raw_texts()
        for name, frame in tables.items():
            if (
                len(texts[name]) != len(frame)
                or not (texts[name]["trial_id"].values == frame["trial_id"].astype(str).values).all()
            ):
                texts[name] = None  # pragma: no cover - the CSV changed under us
        texts = {k: v for k, v in texts.items() if v is not None}
    else:
        if not isinstance(tables, Mapping):
            raise TypeError(f"tables: expected a dict of DataFrames, got {type(tables).__name__}")
        tables, texts = _prepare(dict(tables))
    studies = _studies(tables)

    found: list[Finding] = []
    if "percentage" in wanted:
        for name in ("outcomes", "adverse_events", "baseline"):
            if name in tables:
                found += _percentage_rows(name, tables[name], texts, tables, tol, studies)
    if "category_sum" in wanted:
        found += _categories_rows(tables, texts, tol, studies)
    if wanted & {"hr_ci", "hr_p_value"}:
        found += _hr_rows(tables, texts, tol, studies)
    if "two_by_two" in wanted:
        found += _two_by_two_rows(tables, texts, tol, studies)
    if "test_statistic" in wanted:
        found += _test_statistic_rows(tables, texts, tol, studies)
    if wanted & {"at_risk", "landmarks", "median_vs_landmarks", "median_ci"}:
        found += _survival_rows(tables, texts, tol, studies)
    if "hr_vs_medians" in wanted:
        found += _hr_median_rows(tables, texts, tol, studies)
    if "text_vs_table" in wanted:
        found += _text_vs_table_rows(tables, texts, tol, studies)
    for adapter in dict.fromkeys(a for c, a in SUMMARY_ADAPTERS.items() if c in wanted):
        found += adapter(tables, texts, tol, studies)
    found = [f for f in found if f.check in wanted]
    unreadable = [f for f in found if not f.checked]
    found = [f for f in found if f.checked]
    if "recorded_discrepancy" in wanted:
        recorded, found = _recorded_rows(tables, studies, found)
        found += recorded

    checked: dict[str, int] = {}
    for f in found:
        checked[f.check] = checked.get(f.check, 0) + 1
    if not include_passed:
        found = [f for f in found if not f.passed]
    order = list(dict.fromkeys(_s(t) for t in tables["trials"]["trial_id"])) if "trials" in tables else []
    pos = {t: i for i, t in enumerate(order)}
    found.sort(
        key=lambda f: (
            _RANK[f.severity],
            pos.get(f.trial_id, len(pos)),
            f.trial_id,
            list(CHECKS).index(f.check),
            f.line or 0,
        )
    )
    frame = findings_frame(found)
    frame.attrs["checked"] = checked
    frame.attrs["tolerances"] = asdict(tol)
    frame.attrs["not_checkable"] = not_checkable_frame(unreadable)
    return frame


def not_checkable_frame(findings: Sequence[Finding]):
    """Numbers a check could not read, one row each: ``study, what, check, table, line, source_location, why``."""
    import pandas as pd

    rows = [
        dict(
            study=f.study or f.trial_id,
            what=f.what,
            check=f.check,
            table=f.table,
            line=f.line,
            source_location=f.source_location,
            why=f.message.removeprefix("Not checkable: "),
        )
        for f in findings
    ]
    return pd.DataFrame(rows, columns=["study", "what", "check", "table", "line", "source_location", "why"])
