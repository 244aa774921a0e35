"""pandera schemas for the curated tables in ``data/`` (types, vocabularies, ranges, keys).

Why pandera: it is a maintained, declarative schema library for pandas whose lazy
validation reports *every* failing cell with its row index, column and check, which is
exactly what a curator needs to fix a hand-edited CSV. Cross-table rules (every
``trial_id`` in ``trials``, every ``(trial_id, arm_id)`` in ``arms``) are expressed as
pandera checks built from the parent table, so one mechanism validates everything.

Each ``*_schema`` function returns a :class:`pandera.pandas.DataFrameSchema`; the
parents argument carries the keys of the tables it refers to.
"""

from __future__ import annotations

import contextlib
import contextvars

import pandas as pd
import pandera.pandas as pa

__all__ = [
    "DESIGNS",
    "MODALITIES",
    "SYSTEMIC_CLASSES",
    "ROLES",
    "RESPONSE_ENDPOINTS",
    "OUTCOME_ENDPOINTS",
    "CRITERIA",
    "EFFECT_ENDPOINTS",
    "MEASURES",
    "GRADES",
    "EVENT_CLASSES",
    "N_SOURCES",
    "DIRECTIONS",
    "WHOLE_COHORT",
    "TABLES",
    "ROW_RULE_CASES",
    "count_row_failures",
    "schema_for",
]

DESIGNS = ["rct", "single_arm", "cohort", "indirect_comparison"]
MODALITIES = ["cTACE", "DEB-TACE", "TACE", "TAE", "TARE", "HAIC", "TACE+HAIC", "none"]
SYSTEMIC_CLASSES = ["TKI", "anti-VEGF", "PD-(L)1", "CTLA-4", "cell_therapy", "chemotherapy", "targeted"]
ROLES = ["experimental", "control", "single"]
RESPONSE_ENDPOINTS = ["CR", "PR", "SD", "PD", "ORR", "DCR"]
TIME_TO_EVENT = ["OS", "PFS", "TTUP", "RFS", "PPS"]
OUTCOME_ENDPOINTS = [
    *RESPONSE_ENDPOINTS,
    *[f"median_{e}" for e in TIME_TO_EVENT],
    "median_follow_up",
    "OS_rate",
    "PFS_rate",
    "TTR",
    "DOR",
    "response_maintained",
    "recurrence_12m",
    "conversion_resection",
    "conversion_radical",
    "tumour_shrinkage",
    "tace_sessions",
    "perfusion",
    "lab",
    "biomarker_change",
]
CRITERIA = ["RECIST 1.1", "mRECIST", "RECICL", "unspecified"]
UNITS = [
    "%",
    "months",
    "weeks",
    "count",
    "min^-1",
    "mL/100 g/min",
    "U/L",
    "g/dL",
    "mg/dL",
    "years",
    "mm",
    "cm",
    "kg/m2",
]
STATISTICS = [
    "proportion",
    "rate",
    "median",
    "mean",
    "count",
    "percent",
    "relative_difference",
    "unspecified",
]
#: ``unspecified``: a ± the source does not name (SD or SE); the ± value is in ``spread_low``
SPREADS = ["SD", "SE", "IQR", "range", "unspecified"]
#: spreads held as one ± value (``spread_low``; ``spread_high`` empty) and as two ends
PLUS_MINUS_SPREADS = ["SD", "SE", "unspecified"]
TWO_END_SPREADS = ["IQR", "range"]
QUALIFIERS = ["not_reached", "ci_high_not_reached"]
EFFECT_ENDPOINTS = [
    *TIME_TO_EVENT,
    *RESPONSE_ENDPOINTS,
    "recurrence_12m",
    "conversion_resection",
    "adverse_event",
    "lab",
    "perfusion",
    "biomarker",
    "tace_sessions",
    "baseline",
]
MEASURES = ["HR", "aHR", "t", "chi2", "p_only", "median_difference"]
GRADES = ["any", "1", "2", "3", "4", "5", "1-2", "3-4", ">=3"]
EVENT_CLASSES = ["anti-VEGF", "TKI", "immune", "embolization", "hepatic", "haematologic", "general", "other"]
#: where an ``n`` comes from: ``printed`` with the number (its denominator, "24/31", or the n heading
#: its table column), ``arm_size`` (no n printed with the number: the arm's or cohort's size printed
#: elsewhere in the source), ``derived`` (computed by the curator; the note says how)
N_SOURCES = ["printed", "arm_size", "derived"]
#: how an effect's printed value is oriented: ``arm_vs_comparator`` (an HR of ``arm_id`` against
#: ``comparator_arm_id``, a difference arm - comparator), ``comparator_vs_arm`` (printed the other way
#: round, e.g. a t of control - combined; the value is never inverted), ``undirected`` (p-only rows,
#: chi-square statistics: no sign)
DIRECTIONS = ["arm_vs_comparator", "comparator_vs_arm", "undirected"]
#: measures whose value must be ``arm_vs_comparator`` (charts read an HR < 1 as favouring ``arm_id``)
ORIENTED_MEASURES = ["HR", "aHR", "median_difference"]
#: the arm id of a whole-cohort (all arms pooled) row in ``baseline`` (``hcckit.labels.ALL``)
WHOLE_COHORT = "all"
#: units an endpoint's or characteristic's value may have (those not listed: any unit of UNITS)
ENDPOINT_UNITS = {
    **{e: ["%"] for e in RESPONSE_ENDPOINTS},
    **{f"median_{e}": ["months"] for e in TIME_TO_EVENT},
    "median_follow_up": ["months"],
    "OS_rate": ["%"],
    "PFS_rate": ["%"],
    "TTR": ["weeks"],
    "DOR": ["weeks"],
    "response_maintained": ["%"],
    "recurrence_12m": ["%"],
    "conversion_resection": ["%"],
    "conversion_radical": ["%"],
    "tumour_shrinkage": ["%", "count"],
    "tace_sessions": ["count"],
    "biomarker_change": ["%"],
}
CHARACTERISTIC_UNITS = {
    "age": ["years"],
    "bmi": ["kg/m2"],
    "tumour_size": ["cm", "mm"],
    "prior_tace_sessions": ["count"],
    "ktrans_baseline": ["min^-1"],
}

SLUG = r"^[a-z0-9][a-z0-9_]*$"
PERCENT_STATISTICS = ["proportion", "rate", "percent"]


def _text(*, nullable: bool = True, **kw) -> pa.Column:
    return pa.Column(pd.StringDtype(), nullable=nullable, coerce=True, **kw)


def _required_text(**kw) -> pa.Column:
    return pa.Column(
        pd.StringDtype(), nullable=False, coerce=True, checks=[pa.Check.str_length(min_value=1)], **kw
    )


def _slug() -> pa.Column:
    return pa.Column(
        pd.StringDtype(),
        nullable=False,
        coerce=True,
        checks=[pa.Check.str_matches(SLUG, error="must be a lowercase slug")],
    )


def _vocab(values, *, nullable: bool = False) -> pa.Column:
    return pa.Column(
        pd.StringDtype(),
        nullable=nullable,
        coerce=True,
        checks=[pa.Check.isin(values, error=f"must be one of {', '.join(values)}")],
    )


def _list_vocab(values) -> pa.Column:
    """A ';'-separated list whose every item is in ``values`` (empty allowed)."""
    allowed = set(values)
    return pa.Column(
        pd.StringDtype(),
        nullable=True,
        coerce=True,
        checks=[
            pa.Check(
                lambda s: s.map(lambda v: all(item in allowed for item in str(v).split(";"))),
                element_wise=False,
                error=f"';'-separated items must be in {', '.join(values)}",
            )
        ],
    )


def _number(*, nullable: bool = True, checks=None) -> pa.Column:
    return pa.Column("float64", nullable=nullable, coerce=True, checks=checks or [])


def _count(*, nullable: bool = True) -> pa.Column:
    return pa.Column(
        "Int64",
        nullable=nullable,
        coerce=True,
        checks=[pa.Check.ge(0, error="must be a count >= 0")],
    )


def _ci_level() -> pa.Column:
    return _number(checks=[pa.Check.isin([0.80, 0.90, 0.95, 0.99], error="must be 0.80, 0.90, 0.95 or 0.99")])


#: Failing rows of one row-level rule that pandera is asked to list: it reshapes every failing
#: row cell by cell (seconds for 1,000 failing rows); the rows beyond are counted, not listed.
ROW_RULE_CASES = 200

_ROW_FAILURES: contextvars.ContextVar[dict | None] = contextvars.ContextVar("row_failures", default=None)


@contextlib.contextmanager
def count_row_failures():
    """Within the block, count the failing rows of every row-level rule: ``{error: rows}``.

    pandera lists at most :data:`ROW_RULE_CASES` failing rows per rule; the yielded dict holds
    how many failed in all, so a caller can report the total.
    """
    counts: dict[str, int] = {}
    token = _ROW_FAILURES.set(counts)
    try:
        yield counts
    finally:
        _ROW_FAILURES.reset(token)


def _row_check(fn, error: str) -> pa.Check:
    """A row-wise rule over several columns; the failing rows are reported by index."""

    def counted(df: pd.DataFrame) -> pd.Series:
        ok = fn(df)
        counts = _ROW_FAILURES.get()
        if counts is not None:
            counts[error] = counts.get(error, 0) + int((~ok.astype("boolean").fillna(True)).sum())
        return ok

    return pa.Check(counted, error=error, n_failure_cases=ROW_RULE_CASES)


def _keys_check(keys: set, columns: tuple[str, ...], *, allow_empty_arm: bool = False) -> pa.Check:
    def check(df: pd.DataFrame) -> pd.Series:
        values = df[list(columns)].astype("string").fillna("")
        tuples = values.apply(tuple, axis=1)
        ok = tuples.isin(keys)
        if allow_empty_arm and len(columns) == 2:
            ok = ok | ((values[columns[1]] == "") & values[columns[0]].isin({k[0] for k in keys}))
        return ok

    return _row_check(check, f"({', '.join(columns)}) must exist in the parent table")


def _unique(*columns: str) -> pa.Check:
    """No two rows share the key ``columns``; every row of a repeated key is reported.

    Used instead of pandera's ``unique=``, whose report of many duplicates reshapes the failure
    cases row by row (6.6 s for 9,900 duplicated trial ids; this check: milliseconds).
    """
    return _row_check(
        lambda df: ~df.duplicated(subset=list(columns), keep=False),
        f"duplicate key ({', '.join(columns)})",
    )


def _count_le_n() -> pa.Check:
    return _row_check(
        lambda df: df["count"].isna() | df["n"].isna() | (df["count"] <= df["n"]),
        "count must be <= n",
    )


def _ci_ordered(low: str = "ci_low", high: str = "ci_high") -> pa.Check:
    return _row_check(
        lambda df: df[low].isna() | df[high].isna() | (df[low] <= df[high]), f"{low} must be <= {high}"
    )


def _true_false() -> pa.Column:
    return _vocab(["True", "False"])


def _n_source_given_with_n() -> pa.Check:
    return _row_check(
        lambda df: df["n"].isna() == df["n_source"].isna(),
        "n_source is required with n (printed, arm_size or derived) and empty without it",
    )


def _spread_rules() -> list[pa.Check]:
    """A spread has its kind; ± kinds hold one value (spread_low), IQR and range two ends."""
    return [
        _row_check(
            lambda df: (df["spread_low"].isna() & df["spread_high"].isna()) | df["spread_kind"].notna(),
            "a spread needs its spread_kind (SD, SE, unspecified, IQR or range)",
        ),
        _row_check(
            lambda df: (
                ~df["spread_kind"].isin(PLUS_MINUS_SPREADS)
                | (df["spread_low"].notna() & df["spread_high"].isna())
            ).fillna(True),
            "SD, SE and unspecified spreads hold the ± value in spread_low (spread_high empty)",
        ),
        _row_check(
            lambda df: (
                ~df["spread_kind"].isin(TWO_END_SPREADS)
                | (df["spread_low"].notna() & df["spread_high"].notna())
            ).fillna(True),
            "IQR and range spreads need spread_low and spread_high",
        ),
    ]


def _units_by(column: str, allowed: dict) -> pa.Check:
    def check(df: pd.DataFrame) -> pd.Series:
        keys = df[column].astype("string")
        ok = pd.Series(True, index=df.index)
        for key, units in allowed.items():
            rows = (keys == key).fillna(False) & df["value"].notna()
            ok &= ~rows | df["unit"].isin(units).fillna(False)
        return ok

    listed = "; ".join(f"{k}: {'/'.join(v)}" for k, v in allowed.items())
    return _row_check(check, f"unit must fit the {column} ({listed})")


def _one_preferred(keys: list[str], twin_keys: list[str]) -> list[pa.Check]:
    """At most one preferred row per ``keys``; a not-preferred row has a preferred twin (``twin_keys``)."""

    def at_most_one(df: pd.DataFrame) -> pd.Series:
        pref = (df["preferred"] == "True").fillna(False).astype(int)
        counts = pref.groupby([df[k].astype("string").fillna("") for k in keys]).transform("sum")
        return ~((df["preferred"] == "True").fillna(False) & (counts > 1))

    def has_twin(df: pd.DataFrame) -> pd.Series:
        pref = (df["preferred"] == "True").fillna(False).astype(int)
        counts = pref.groupby([df[k].astype("string").fillna("") for k in twin_keys]).transform("sum")
        return (df["preferred"] == "True").fillna(False) | (counts >= 1)

    return [
        _row_check(
            at_most_one, f"two preferred rows for the same ({', '.join(keys)}): mark one preferred False"
        ),
        _row_check(
            has_twin, f"a row with preferred False needs a preferred row of the same ({', '.join(twin_keys)})"
        ),
    ]


def _has_location() -> dict:
    return {"source_location": _required_text()}


def trials_schema(parents: dict | None = None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "trial_id": _slug(),
            "name": _required_text(),
            "citation": _required_text(),
            "doi": _text(
                checks=[pa.Check.str_matches(r"^10\.\d{4,9}/\S+$", error="must look like 10.xxxx/...")]
            ),
            "registry": _text(),
            "design": _vocab(DESIGNS),
            "phase": _vocab(["1", "2", "3", "2/3"], nullable=True),
            "country": _required_text(),
            "population": _required_text(),
            "stage_system": _vocab(["BCLC", "CNLC"], nullable=True),
            "modality": _list_vocab(MODALITIES),
            "year": pa.Column("Int64", nullable=True, coerce=True, checks=[pa.Check.in_range(1980, 2030)]),
            "source": _required_text(),
            "source_doi": _text(
                checks=[pa.Check.str_matches(r"^10\.\d{4,9}/\S+$", error="must look like 10.xxxx/...")]
            ),
            **_has_location(),
            "note": _text(),
        },
        checks=[_unique("trial_id")],
        strict=True,
        ordered=False,
        name="trials",
    )


def arms_schema(parents: dict) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "trial_id": _slug(),
            "arm_id": _slug(),
            "label": _required_text(),
            "regimen": _required_text(),
            "arterial": _vocab(MODALITIES),
            "systemic": _text(),
            "systemic_class": _list_vocab(SYSTEMIC_CLASSES),
            "role": _vocab(ROLES),
            "n": _count(),
            "n_evaluable": _count(),
            **_has_location(),
            "note": _text(),
        },
        checks=[
            _keys_check(parents["trial_ids"], ("trial_id",)),
            _row_check(
                lambda df: df["n_evaluable"].isna() | df["n"].isna() | (df["n_evaluable"] <= df["n"]),
                "n_evaluable must be <= n",
            ),
            _unique("trial_id", "arm_id"),
        ],
        strict=True,
        name="arms",
    )


def _percent_in_range(columns: tuple[str, ...]) -> pa.Check:
    def check(df: pd.DataFrame) -> pd.Series:
        is_pct = (df["unit"] == "%") & df["statistic"].isin(PERCENT_STATISTICS)
        ok = pd.Series(True, index=df.index)
        for col in columns:
            ok &= ~is_pct | df[col].isna() | df[col].between(0, 100)
        return ok.fillna(True)

    return _row_check(check, f"percentages ({', '.join(columns)}) must lie in 0-100")


def outcomes_schema(parents: dict) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "trial_id": _slug(),
            "arm_id": _slug(),
            "endpoint": _vocab(OUTCOME_ENDPOINTS),
            "item": _text(),
            "criterion": _vocab(CRITERIA, nullable=True),
            "time_months": _number(checks=[pa.Check.ge(0)]),
            "count": _count(),
            "n": _count(),
            "n_source": _vocab(N_SOURCES, nullable=True),
            "value": _number(),
            "value_max": _number(),
            "qualifier": _vocab(QUALIFIERS, nullable=True),
            "unit": _vocab(UNITS),
            "statistic": _vocab(STATISTICS),
            "spread_kind": _vocab(SPREADS, nullable=True),
            "spread_low": _number(),
            "spread_high": _number(),
            "ci_low": _number(),
            "ci_high": _number(),
            "ci_level": _ci_level(),
            "ci_sided": _vocab(["two", "one_lower"], nullable=True),
            **_has_location(),
            "note": _text(),
        },
        checks=[
            _keys_check(parents["arm_keys"], ("trial_id", "arm_id")),
            _count_le_n(),
            _ci_ordered(),
            _ci_ordered("value", "value_max"),
            _percent_in_range(("value", "value_max", "ci_low", "ci_high")),
            _row_check(
                lambda df: df["value"].notna() | (df["qualifier"] == "not_reached").fillna(False),
                "value is required unless qualifier is not_reached",
            ),
            _row_check(
                lambda df: ~df["endpoint"].isin(RESPONSE_ENDPOINTS) | df["criterion"].notna(),
                "response endpoints need a criterion (use 'unspecified' if the source gives none)",
            ),
            _row_check(
                lambda df: (
                    ~df["endpoint"].isin(["OS_rate", "PFS_rate", "response_maintained"])
                    | df["time_months"].notna()
                ),
                "landmark rates need time_months",
            ),
            _row_check(
                lambda df: (df["ci_low"].isna() & df["ci_high"].isna()) | df["ci_level"].notna(),
                "a confidence interval needs ci_level",
            ),
            _row_check(
                lambda df: (
                    ~df["endpoint"].isin(["perfusion", "lab", "biomarker_change"]) | df["item"].notna()
                ),
                "perfusion, lab and biomarker_change rows need an item",
            ),
            _n_source_given_with_n(),
            *_spread_rules(),
            _row_check(
                lambda df: (~df["statistic"].isin(PERCENT_STATISTICS) | (df["unit"] == "%")).fillna(False),
                "proportions, rates and percentages are in % (unit %)",
            ),
            _row_check(
                lambda df: (
                    (df["statistic"] != "count")
                    | ((df["unit"] == "count") & df["count"].notna() & (df["value"] == df["count"]))
                ).fillna(False),
                "a count row has unit count and value = count",
            ),
            _units_by("endpoint", ENDPOINT_UNITS),
        ],
        strict=True,
        name="outcomes",
    )


def effects_schema(parents: dict) -> pa.DataFrameSchema:
    ratio = ["HR", "aHR"]
    return pa.DataFrameSchema(
        {
            "trial_id": _slug(),
            "arm_id": _slug(),
            "comparator_arm_id": _slug(),
            "endpoint": _vocab(EFFECT_ENDPOINTS),
            "item": _text(),
            "criterion": _vocab(CRITERIA, nullable=True),
            "measure": _vocab(MEASURES),
            "value": _number(),
            "ci_low": _number(),
            "ci_high": _number(),
            "ci_level": _ci_level(),
            "p_value": _number(checks=[pa.Check.in_range(0, 1, error="p_value must lie in 0-1")]),
            "p_operator": _vocab(["=", "<", ">"], nullable=True),
            "preferred": _vocab(["True", "False"]),
            "direction": _vocab(DIRECTIONS),
            "direction_note": _text(),
            **_has_location(),
            "note": _text(),
            "endpoint_definition": _text(),
            "definition_source": _text(),
        },
        checks=[
            _keys_check(parents["arm_keys"], ("trial_id", "arm_id")),
            _keys_check(parents["arm_keys"], ("trial_id", "comparator_arm_id")),
            _row_check(
                lambda df: df["endpoint_definition"].isna() | df["definition_source"].notna(),
                "an endpoint_definition needs its definition_source (publication and place)",
            ),
            _row_check(
                lambda df: df["arm_id"] != df["comparator_arm_id"], "arm_id and comparator_arm_id must differ"
            ),
            _ci_ordered(),
            _row_check(
                lambda df: (
                    ~df["measure"].isin(ratio)
                    | ((df["value"] > 0) & (df["ci_low"].isna() | (df["ci_low"] > 0)))
                ),
                "hazard ratios and their limits must be > 0",
            ),
            _row_check(
                lambda df: (df["measure"] == "p_only") | df["value"].notna(),
                "value is required unless measure is p_only",
            ),
            _row_check(
                lambda df: (df["measure"] != "p_only") | df["p_value"].notna(),
                "p_only rows need a p_value",
            ),
            _row_check(
                lambda df: (df["ci_low"].isna() & df["ci_high"].isna()) | df["ci_level"].notna(),
                "a confidence interval needs ci_level",
            ),
            *_one_preferred(
                ["trial_id", "arm_id", "comparator_arm_id", "endpoint", "item", "criterion"],
                ["trial_id", "arm_id", "comparator_arm_id", "endpoint", "item", "criterion"],
            ),
            _row_check(
                lambda df: ~df["measure"].isin(ORIENTED_MEASURES) | (df["direction"] == "arm_vs_comparator"),
                "HR, aHR and median_difference rows are arm_vs_comparator (an HR < 1 favours arm_id); "
                "record the printed orientation by choosing arm_id, never by inverting the value",
            ),
            _row_check(
                lambda df: ~df["measure"].isin(["p_only", "chi2"]) | (df["direction"] == "undirected"),
                "p_only and chi2 rows carry no direction (direction undirected)",
            ),
            _row_check(
                lambda df: (df["measure"] != "t") | (df["direction"] != "undirected"),
                "a t statistic has a sign: direction arm_vs_comparator or comparator_vs_arm",
            ),
        ],
        strict=True,
        name="effects",
    )


#: grade -> the narrower grades it contains (a subtotal row sums those)
GRADE_PARTS = {
    "any": {"1", "2", "3", "4", "5", "1-2", "3-4", ">=3"},
    "1-2": {"1", "2"},
    "3-4": {"3", "4"},
    ">=3": {"3", "4", "5", "3-4"},
}


def _ae_groups(df: pd.DataFrame):
    preferred = (df["preferred"] == "True").fillna(False)
    keys = ["trial_id", "arm_id", "event_harmonised"]
    return df[preferred].groupby([df.loc[preferred, k].astype("string") for k in keys], sort=False)


def _subtotals_have_parts(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    for _, grp in _ae_groups(df):
        grades = set(grp["grade"].astype(str))
        for idx, row in grp[grp["subtotal"] == "True"].iterrows():
            ok[idx] = bool(GRADE_PARTS.get(str(row["grade"]), set()) & grades)
    return ok


def _graded_rows_do_not_overlap(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    for _, grp in _ae_groups(df):
        parts = grp[grp["subtotal"] != "True"]
        grades = set(parts["grade"].astype(str))
        for idx, row in parts.iterrows():
            if GRADE_PARTS.get(str(row["grade"]), set()) & grades:
                ok[idx] = False
    return ok


def adverse_events_schema(parents: dict) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "trial_id": _slug(),
            "arm_id": _slug(),
            "event": _required_text(),
            # the term used to group events across studies (data/README.md, adverse_events.csv)
            "event_harmonised": pa.Column(
                pd.StringDtype(),
                nullable=False,
                coerce=True,
                checks=[
                    pa.Check.str_matches(
                        r"^[a-z0-9(](?:[a-z0-9 ()/,'-]*[a-z0-9)])?$",
                        error="must be a lower-case term, no outer spaces",
                    ),
                ],
            ),
            "event_class": _vocab(EVENT_CLASSES),
            "grade": _vocab(GRADES),
            "count": _count(),
            "n": _count(nullable=False),
            "n_source": _vocab(N_SOURCES),
            "percent_reported": _number(checks=[pa.Check.in_range(0, 100, error="must lie in 0-100")]),
            # True: the row's patients are the union of other curated rows of the same arm and
            # harmonised event (any grade over its grade bands, grade 3-4 over grades 3 and 4)
            "subtotal": _true_false(),
            "preferred": _true_false(),
            **_has_location(),
            "note": _text(),
        },
        checks=[
            _keys_check(parents["arm_keys"], ("trial_id", "arm_id")),
            _count_le_n(),
            _row_check(
                lambda df: df.groupby("event_harmonised")["event_class"].transform("nunique") == 1,
                "event_harmonised: one harmonised term must have one event_class in every study",
            ),
            _row_check(
                lambda df: df["count"].notna() | df["percent_reported"].notna(),
                "needs a count or percent_reported",
            ),
            *_one_preferred(
                ["trial_id", "arm_id", "event_harmonised", "grade"],
                ["trial_id", "arm_id", "event_harmonised", "grade"],
            ),
            _row_check(_subtotals_have_parts, "subtotal True needs curated rows it sums (narrower grades)"),
            _row_check(
                _graded_rows_do_not_overlap,
                "overlapping grades for one arm and event (e.g. any and 1, or 1-2 and 1): mark the wider "
                "row subtotal True",
            ),
        ],
        strict=True,
        name="adverse_events",
    )


def at_risk_schema(parents: dict) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "trial_id": _slug(),
            "arm_id": _slug(),
            "endpoint": _vocab(TIME_TO_EVENT),
            "time_months": _number(nullable=False, checks=[pa.Check.ge(0)]),
            "n_at_risk": _count(nullable=False),
            **_has_location(),
            "note": _text(),
        },
        checks=[
            _keys_check(parents["arm_keys"], ("trial_id", "arm_id")),
            _unique("trial_id", "arm_id", "endpoint", "time_months"),
        ],
        strict=True,
        name="at_risk",
    )


def baseline_schema(parents: dict) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "trial_id": _slug(),
            # WHOLE_COHORT ("all") = every arm of the trial pooled; needs no arms.csv row
            "arm_id": _slug(),
            "characteristic": _slug(),
            "category": _text(),
            "count": _count(),
            "n": _count(),
            "n_source": _vocab(N_SOURCES, nullable=True),
            "value": _number(),
            "unit": _vocab(UNITS, nullable=True),
            "statistic": _vocab(STATISTICS),
            "spread_kind": _vocab(SPREADS, nullable=True),
            "spread_low": _number(),
            "spread_high": _number(),
            "preferred": _true_false(),
            **_has_location(),
            "note": _text(),
        },
        checks=[
            _keys_check(
                set(parents["arm_keys"]) | {(t[0], WHOLE_COHORT) for t in parents.get("trial_ids", set())},
                ("trial_id", "arm_id"),
            ),
            _count_le_n(),
            _row_check(lambda df: df["count"].notna() | df["value"].notna(), "needs a count or a value"),
            _row_check(
                lambda df: (df["unit"] != "%") | df["value"].isna() | df["value"].between(0, 100),
                "percentages must lie in 0-100",
            ),
            _row_check(
                lambda df: (df["statistic"] == "percent").fillna(False) == (df["unit"] == "%").fillna(False),
                "a percentage is statistic percent with unit % (and its count, when printed, in count)",
            ),
            _row_check(
                lambda df: (
                    (df["statistic"] != "count")
                    | (df["count"].notna() & df["value"].isna() & df["unit"].isna())
                ).fillna(False),
                "a count-only row (statistic count) has its count, no value and no unit",
            ),
            _row_check(
                lambda df: df["value"].notna() | df["unit"].isna(), "a unit needs a value (unit of value)"
            ),
            _n_source_given_with_n(),
            *_spread_rules(),
            _units_by("characteristic", CHARACTERISTIC_UNITS),
            *_one_preferred(
                ["trial_id", "arm_id", "characteristic", "category", "statistic"],
                ["trial_id", "arm_id", "characteristic", "category"],
            ),
        ],
        strict=True,
        name="baseline",
    )


# table name -> schema factory; order matters: parents first
TABLES = {
    "trials": trials_schema,
    "arms": arms_schema,
    "outcomes": outcomes_schema,
    "effects": effects_schema,
    "adverse_events": adverse_events_schema,
    "at_risk": at_risk_schema,
    "baseline": baseline_schema,
}


def schema_for(name: str, parents: dict | None = None) -> pa.DataFrameSchema:
    """Return the pandera schema of table ``name`` (``parents`` holds the keys it refers to)."""
    if name not in TABLES:
        raise ValueError(f"name: unknown table {name!r}; choose from {', '.join(TABLES)}")
    return TABLES[name](parents or {})
