"""Two studies side by side, and the reasons - found in the data - why comparing their numbers misleads.

:func:`cross_trial_comparison` assembles, for two curated studies, a long profile (design,
population, stage group, country and year, arterial therapy, arms, ORR by criterion, median PFS
and OS, follow-up, source) and lists the specific reasons a naive comparison of their numbers
misleads (no control arm, different populations, criteria, timing, follow-up, technique, agents,
sample size, secondary sources, recorded discrepancies); :class:`CrossTrialComparison` holds both.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import pandas as pd

from hcckit.evidence._common import _items, _short_name, _tables, _text
from hcckit.evidence.orr import orr_table
from hcckit.evidence.vocabulary import DESIGN_LABELS, STAGE_GROUPS

__all__ = ["CrossTrialComparison", "cross_trial_comparison"]


@dataclass(frozen=True)
class CrossTrialComparison:
    """Two studies side by side, and why comparing their numbers directly misleads.

    Attributes
    ----------
    trial_ids : tuple of str
    studies : tuple of str
        Their names.
    profile : pandas.DataFrame
        Long table ``aspect``, ``study``, ``trial_id``, ``value`` (text as printed or
        assembled from the curated tables), ``aspect_order``.
    reasons : tuple of str
        Specific reasons, found in the data, why a naive comparison misleads.
    """

    trial_ids: tuple[str, str]
    studies: tuple[str, str]
    profile: pd.DataFrame = field(compare=False, repr=False)
    reasons: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.studies[0]} vs {self.studies[1]}:\n" + "\n".join(f"- {r}" for r in self.reasons)

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(r)}</li>" for r in self.reasons)
        a, b = (html.escape(s) for s in self.studies)
        return (
            f"<div class='hcckit-cross-trial'><p><b>Why {a} and {b} cannot be compared number for number:"
            f"</b></p><ul>{items}</ul></div>"
        )


def _trial_facts(tid: str, trials, arms, outcomes, orr) -> dict:
    t = trials.set_index(trials["trial_id"].astype(str)).loc[tid]
    a = arms[arms["trial_id"].astype(str).eq(tid)]
    o = outcomes[outcomes["trial_id"].astype(str).eq(tid)]
    r = orr[orr["trial_id"].eq(tid)]
    arms_text = "; ".join(
        f"{x.label} (n = {x.n})" if pd.notna(x.n) else f"{x.label} (n not given)" for x in a.itertuples()
    )
    single = len(a) == 1
    orr_text = "; ".join(
        ("" if single else f"{x.arm_label}: ")
        + f"{x.printed_pct:g}"
        + (f"-{x.value_max:g}" if x.is_range else "")
        + f" % ({x.criterion}"
        + (f", at {x.time_months:g} months" if not math.isnan(x.time_months) else "")
        + ")"
        for x in r.itertuples()
    )

    def medians(endpoint):
        m = o[o["endpoint"].astype(str).eq(endpoint)]
        parts = []
        for x in m.itertuples():
            label = a.loc[a["arm_id"].astype(str).eq(str(x.arm_id)), "label"]
            label = str(label.iloc[0]) if len(label) else str(x.arm_id)
            value = "not reached" if _text(x.qualifier) == "not_reached" else f"{x.value:g}"
            parts.append(value if single else f"{label}: {value}")
        return "; ".join(parts)

    follow = o[o["endpoint"].astype(str).eq("median_follow_up")]
    follow_up = math.nan if follow.empty else float(follow["value"].iloc[0])
    phase = _text(t.get("phase"))
    design = DESIGN_LABELS.get(str(t["design"]), str(t["design"])) + (f", phase {phase}" if phase else "")
    systemic = sorted({s for v in a["systemic"] for s in _items(v)})
    controls = sorted(str(x) for x in a.loc[a["role"].astype(str).eq("control"), "label"])
    return {
        "study": _short_name(t["name"], t.get("registry")),
        "name": str(t["name"]),
        "controls": controls,
        "design": str(t["design"]),
        "design_text": design,
        "population": _text(t["population"]),
        "stage_group": STAGE_GROUPS.get(tid, "not classified"),
        "country": _text(t.get("country")),
        "year": "" if pd.isna(t.get("year")) else str(int(t["year"])),
        "modality": _text(t.get("modality")),
        "systemic": systemic,
        "arms": arms_text,
        "n_max": int(a["n"].max()) if a["n"].notna().any() else None,
        "orr": orr_text or "not reported",
        "criteria": sorted(set(r["criterion"])),
        "orr_rows": r,
        "pfs": medians("median_PFS") or "not reported",
        "os": medians("median_OS") or "not reported",
        "follow_up": follow_up,
        "source": _text(t.get("source")),
        "from_review": "review" in _text(t.get("source")).lower(),
        "discrepancies": "DISCREPANCY"
        in " ".join([_text(t.get("note")), *[_text(v) for v in o.get("note", [])]]),
        "note": _text(t.get("note")),
    }


def cross_trial_comparison(
    trial_a: str, trial_b: str, *, trials=None, arms=None, outcomes=None
) -> CrossTrialComparison:
    """Put two studies side by side and list why a naive comparison of their numbers misleads.

    Parameters
    ----------
    trial_a, trial_b : str
        Two different ``trial_id`` values.
    trials, arms, outcomes : pandas.DataFrame, optional
        Default: the curated tables.

    Returns
    -------
    CrossTrialComparison
        ``profile`` (aspects: design, population, stage group, country and year, arterial
        therapy, arms (n), ORR (criterion), median PFS and OS (months), median follow-up
        (months), source) and ``reasons`` found in the data: no control arm, different
        stages/populations, response criteria (with a same-patients example where the data
        have one), timing of response assessment, follow-up, arterial technique, systemic
        agents, sample size (width of the exact ORR CI), secondary sources and recorded
        discrepancies.

    Raises
    ------
    ValueError
        for an unknown trial or the same trial twice.
    """
    from hcckit import data

    trials, arms = _tables(trials, arms)
    given = outcomes
    outcomes = data.load("outcomes") if outcomes is None else outcomes
    known = set(trials["trial_id"].astype(str))
    for name, tid in (("trial_a", trial_a), ("trial_b", trial_b)):
        if not isinstance(tid, str) or tid not in known:
            raise ValueError(f"{name}: unknown trial {tid!r}; choose a trial_id from the trials table")
    if trial_a == trial_b:
        raise ValueError("trial_b: pick two different studies to compare")
    orr = orr_table(given, trials=trials, arms=arms)
    fa = _trial_facts(trial_a, trials, arms, outcomes, orr)
    fb = _trial_facts(trial_b, trials, arms, outcomes, orr)
    return CrossTrialComparison(
        (trial_a, trial_b),
        (fa["name"], fb["name"]),
        _profile(trial_a, trial_b, fa, fb),
        tuple(
            _design_reasons(fa, fb)
            + _response_reasons(fa, fb, orr, (trial_a, trial_b))
            + _treatment_reasons(fa, fb)
            + _source_reasons(fa, fb)
        ),
    )


def _follow_up(f: dict) -> str:
    return "not reported" if math.isnan(f["follow_up"]) else f"{f['follow_up']:g}"


_ASPECTS = [
    ("Design", "design_text"),
    ("Population (as printed)", "population"),
    ("Stage group (kit classification)", "stage_group"),
    ("Country, year", None),
    ("Arterial therapy", "modality"),
    ("Arms (patients)", "arms"),
    ("ORR (criterion)", "orr"),
    ("Median PFS (months)", "pfs"),
    ("Median OS (months)", "os"),
    ("Median follow-up (months)", None),
    ("Numbers taken from", "source"),
]


def _profile(trial_a: str, trial_b: str, fa: dict, fb: dict) -> pd.DataFrame:
    """The long side-by-side table: ``aspect``, ``aspect_order``, ``trial_id``, ``study``, ``value``."""
    rows = []
    for i, (aspect, key) in enumerate(_ASPECTS):
        for tid, f in ((trial_a, fa), (trial_b, fb)):
            if aspect == "Country, year":
                value = ", ".join(v for v in (f["country"], f["year"]) if v)
            elif aspect.startswith("Median follow-up"):
                value = _follow_up(f)
            else:
                value = f[key]
            rows.append(
                {"aspect": aspect, "aspect_order": i, "trial_id": tid, "study": f["study"], "value": value}
            )
    return pd.DataFrame(rows)


def _design_reasons(fa: dict, fb: dict) -> list[str]:
    """Who was compared with what: control arms, designs, populations."""
    a, b = fa["study"], fb["study"]
    reasons: list[str] = []
    singles = [f["study"] for f in (fa, fb) if f["design"] == "single_arm"]
    if len(singles) == 2:
        reasons.append(
            f"Neither {a} nor {b} has a control arm: each number mixes the treatment's effect with who was "
            "enrolled, so a difference between them is not a treatment effect."
        )
    elif singles:
        reasons.append(
            f"{singles[0]} is single-arm: with no control arm its results cannot be separated from patient selection."
        )
    if fa["design"] != fb["design"]:
        reasons.append(f"Designs differ: {fa['design_text']} vs {fb['design_text']}.")
    if fa["controls"] and fb["controls"] and fa["controls"] != fb["controls"]:
        reasons.append(
            f"Different control arms ({', '.join(fa['controls'])} in {a}; {', '.join(fb['controls'])} in {b}): "
            "compare each treatment with its own control inside its trial, not arms across trials."
        )
    if fa["stage_group"] != fb["stage_group"]:
        reasons.append(
            f"Different populations: {a} enrolled '{fa['population']}'; {b} enrolled '{fb['population']}'. "
            "Stage and liver function change prognosis before any treatment is given."
        )
    elif fa["population"] != fb["population"]:
        reasons.append(
            f"Populations are described differently ('{fa['population']}' vs '{fb['population']}'): compare the "
            "inclusion criteria before comparing results."
        )
    return reasons


def _response_reasons(fa: dict, fb: dict, orr: pd.DataFrame, pair: tuple[str, str]) -> list[str]:
    """How response was read: criteria (with a same-patients example), missing ORR, timing."""
    a, b = fa["study"], fb["study"]
    reasons: list[str] = []
    ca, cb = set(fa["criteria"]), set(fb["criteria"])
    if ca and cb and ca != cb:
        reasons.append(
            f"Response criteria differ: {a} reports ORR by {', '.join(sorted(ca))}; {b} by {', '.join(sorted(cb))}."
        )
    if ca and cb:
        example = _same_patients_example(orr, prefer=pair)
        if example and (ca != cb or len(ca | cb) > 1):
            reasons.append(example)
    if not ca or not cb:
        missing = a if not ca else b
        reasons.append(f"{missing} reports no ORR: there is nothing to compare response with.")
    timed = [
        f"{f['study']} ({', '.join(f'{t:g}' for t in sorted(set(f['orr_rows']['time_months'].dropna())))} months)"
        for f in (fa, fb)
        if f["orr_rows"]["time_months"].notna().any()
    ]
    if timed:
        reasons.append(
            "Response was assessed at a fixed time in "
            + ", ".join(timed)
            + ", not as best overall response: "
            "the same tumours can be counted differently."
        )
    return reasons


def _treatment_reasons(fa: dict, fb: dict) -> list[str]:
    """Follow-up, arterial technique and systemic agents."""
    a, b = fa["study"], fb["study"]
    reasons: list[str] = []
    fua, fub = _follow_up(fa), _follow_up(fb)
    if fua == fub == "not reported":
        reasons.append(
            "Neither reports a median follow-up here: without it you cannot tell whether medians and rates are "
            "mature or may still change."
        )
    elif fua != fub:
        reasons.append(
            f"Median follow-up: {a} {fua}{'' if fua == 'not reported' else ' months'}; {b} {fub}"
            f"{'' if fub == 'not reported' else ' months'}. Medians and rates from short or unreported follow-up "
            "are unstable and can still change."
        )
    if fa["modality"] != fb["modality"]:
        reasons.append(f"Arterial technique differs: {fa['modality']} vs {fb['modality']}.")
    if fa["systemic"] != fb["systemic"]:
        sa = ", ".join(fa["systemic"]) or "none"
        sb = ", ".join(fb["systemic"]) or "none"
        reasons.append(f"Systemic agents differ: {sa} ({a}) vs {sb} ({b}).")
    return reasons


def _source_reasons(fa: dict, fb: dict) -> list[str]:
    """Chance (the exact ORR CIs), secondary sources and recorded discrepancies."""
    reasons: list[str] = []
    widths = []
    for f in (fa, fb):
        ci = f["orr_rows"][f["orr_rows"]["has_ci"]]
        if len(ci):
            x = ci.iloc[0]
            widths.append(
                f"{f['study']} {x['count']}/{x['n']} ({x['criterion']}): {x['ci_low_pct']:.0f}-{x['ci_high_pct']:.0f} %"
            )
    if widths:
        reasons.append(
            "Chance alone: exact 95 % CIs of ORR are "
            + "; ".join(widths)
            + ". Read the intervals, not the points."
        )
    reviews = [f["study"] for f in (fa, fb) if f["from_review"]]
    if reviews and len(reviews) < 2:
        reasons.append(
            f"The numbers for {reviews[0]} come from a review, not the original paper: definitions and "
            "denominators are often missing."
        )
    flagged = [f["study"] for f in (fa, fb) if f["discrepancies"]]
    if flagged:
        reasons.append(
            f"Recorded source discrepancies in {', '.join(flagged)}: check the notes before quoting."
        )
    return reasons


def _same_patients_example(orr: pd.DataFrame, *, prefer) -> str | None:
    """An arm with ORR by RECIST 1.1 and by mRECIST in the same patients (from ``prefer`` if possible)."""
    both = []
    for (tid, _arm), g in orr.groupby(["trial_id", "arm_id"], sort=False):
        crits = dict(zip(g["criterion"], g["printed_pct"], strict=True))
        if "RECIST 1.1" in crits and "mRECIST" in crits:
            both.append(
                (tid not in prefer, str(g["study_short"].iloc[0]), str(g["arm_label"].iloc[0]), crits)
            )
    if not both:
        return None
    _, study, arm, crits = sorted(both, key=lambda x: x[0])[0]
    return (
        f"Criteria alone move ORR: in {study} ({arm}) the same patients had ORR {crits['RECIST 1.1']:g} % by "
        f"RECIST 1.1 and {crits['mRECIST']:g} % by mRECIST (mRECIST measures only enhancing, viable tumour)."
    )
