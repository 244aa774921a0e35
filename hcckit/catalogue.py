"""The evidence catalogue shown on the landing page: curated numbers joined with their trial and arm.

Pure pandas: filters by arterial modality, design and response criterion, and a per-trial summary.
"""

from __future__ import annotations

import warnings

from hcckit.labels import ALL

__all__ = ["ALL", "DESIGN_ORDER", "evidence_table", "trial_summary", "filter_options", "scale_domains"]

#: The old "no filter" value, before the kit had one (:data:`hcckit.labels.ALL`); still accepted, with a warning.
_OLD_ALL = "All"

#: Order of study designs in legends and filters (strongest design first).
DESIGN_ORDER = ("rct", "indirect_comparison", "cohort", "single_arm")

_ENDPOINT_GROUPS = {
    "response": ["CR", "PR", "SD", "PD", "ORR", "DCR"],
    "survival": [
        "median_OS",
        "median_PFS",
        "median_TTUP",
        "median_RFS",
        "median_PPS",
        "OS_rate",
        "PFS_rate",
        "median_follow_up",
    ],
}


def _joined():
    from hcckit import data

    trials = data.load("trials")[
        ["trial_id", "name", "design", "phase", "modality", "year", "population", "source"]
    ]
    arms = data.load("arms")[["trial_id", "arm_id", "label", "arterial", "systemic_class", "role", "n"]]
    outcomes = data.load("outcomes")
    table = outcomes.merge(arms, on=["trial_id", "arm_id"], how="left", suffixes=("", "_arm"))
    return table.merge(trials, on="trial_id", how="left")


def filter_options() -> dict[str, list[str]]:
    """Choices for the landing-page filters: ``modality``, ``design``, ``criterion``, ``endpoints``."""
    from hcckit import data

    arms = data.load("arms")
    trials = data.load("trials")
    outcomes = data.load("outcomes")
    return {
        "modality": [ALL, *sorted(arms["arterial"].dropna().unique())],
        "design": [ALL, *sorted(trials["design"].dropna().unique())],
        "criterion": [ALL, *sorted(outcomes["criterion"].dropna().unique())],
        "endpoints": [ALL, *_ENDPOINT_GROUPS],
    }


def _check_choice(name: str, value: str, options: list[str]) -> str:
    """``value`` if it is one of ``options`` (the old ``"All"`` read as :data:`ALL`, with a warning)."""
    if value == _OLD_ALL and ALL in options:
        warnings.warn(
            f'evidence_table: {name}="All" is now {name}={ALL!r} (hcckit.labels.ALL)',
            DeprecationWarning,
            stacklevel=3,
        )
        return ALL
    if value not in options:
        raise ValueError(f"{name}: {value!r} is not one of {', '.join(options)}")
    return value


def evidence_table(*, modality: str = ALL, design: str = ALL, criterion: str = ALL, endpoints: str = ALL):
    """Curated outcomes with trial and arm context, filtered.

    Parameters
    ----------
    modality : arterial modality of the arm (``cTACE``, ``TACE``, ``HAIC``, ``none`` …) or :data:`ALL`.
    design : ``rct``, ``cohort``, ``single_arm``, ``indirect_comparison`` or :data:`ALL`.
    criterion : response criterion (``RECIST 1.1``, ``mRECIST`` …) or :data:`ALL`; rows without a
        criterion are dropped when one is chosen.
    endpoints : ``"response"`` (CR…DCR, %), ``"survival"`` (medians in months, landmark rates in %) or :data:`ALL`.

    :data:`ALL` is :data:`hcckit.labels.ALL` (``"all"``: no filter). The old ``"All"`` still
    works, with a ``DeprecationWarning``.

    Returns
    -------
    DataFrame with columns ``trial`` (name), ``design``, ``arm`` (label), ``arterial``, ``endpoint``,
    ``criterion``, ``time_months``, ``value``, ``unit``, ``count``, ``n``, ``source_location``, ``note``,
    ``trial_id``, ``arm_id``; sorted by trial and arm.
    """
    options = filter_options()
    modality = _check_choice("modality", modality, options["modality"])
    design = _check_choice("design", design, options["design"])
    criterion = _check_choice("criterion", criterion, options["criterion"])
    endpoints = _check_choice("endpoints", endpoints, options["endpoints"])
    table = _joined()
    if modality != ALL:
        table = table[table["arterial"] == modality]
    if design != ALL:
        table = table[table["design"] == design]
    if criterion != ALL:
        table = table[table["criterion"] == criterion]
    if endpoints != ALL:
        table = table[table["endpoint"].isin(_ENDPOINT_GROUPS[endpoints])]
    table = table.rename(columns={"name": "trial", "label": "arm"})
    columns = [
        "trial",
        "design",
        "arm",
        "arterial",
        "endpoint",
        "criterion",
        "time_months",
        "value",
        "unit",
        "count",
        "n",
        "source_location",
        "note",
        "trial_id",
        "arm_id",
        "year",
    ]
    return table[columns].sort_values(["trial", "arm"], kind="stable").reset_index(drop=True)


def _trial_patients(arms) -> dict:
    """Patients per trial (sum of arm n); NaN when any arm's n is not reported (the total is unknown)."""
    out = {}
    for trial_id, group in arms.groupby("trial_id", sort=False):
        n = group["n"]
        out[trial_id] = float("nan") if n.isna().any() else float(n.sum())
    return out


def trial_summary(table):
    """One row per trial of an :func:`evidence_table`.

    Columns: ``trial`` (name), ``trial_id``, ``design`` (id), ``year``, ``modality`` (arterial
    modality ids of the matching arms, joined by ";", e.g. ``"TACE;none"``), ``arms`` (matching
    arms, n), ``patients`` (sum of the trial's arm n; NaN - "not reported" - when any arm's n
    is not reported, never 0) and ``facts`` (curated numbers matching, n).
    """
    import pandas as pd

    from hcckit import data

    columns = ["trial", "trial_id", "design", "year", "modality", "arms", "patients", "facts"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    patients = _trial_patients(data.load("arms"))
    rows = []
    for trial_id, group in table.groupby("trial_id", sort=False):
        rows.append(
            {
                "trial": group["trial"].iloc[0],
                "trial_id": trial_id,
                "design": group["design"].iloc[0],
                "year": group["year"].iloc[0],
                "modality": ";".join(sorted(set(group["arterial"].dropna()))),
                "arms": int(group["arm_id"].nunique()),
                "patients": patients.get(trial_id, float("nan")),
                "facts": len(group),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def scale_domains() -> dict:
    """Chart scales fixed over the whole curated data set, so that a filter never re-colours or resizes.

    Returns ``{"design": [design ids in DESIGN_ORDER, then any others], "patients": [0, max]}``
    where ``max`` is the largest trial total of patients (n) in ``arms.csv``.
    """
    import math

    from hcckit import data

    designs = [str(d) for d in data.load("trials")["design"].dropna().unique()]
    ordered = [d for d in DESIGN_ORDER if d in designs] + sorted(d for d in designs if d not in DESIGN_ORDER)
    totals = [v for v in _trial_patients(data.load("arms")).values() if not math.isnan(v)]
    return {"design": ordered, "patients": [0.0, max(totals) if totals else 1.0]}
