"""Checks for lesson 03 (survival comparisons): each runs fixed cases and prints one line."""

from __future__ import annotations

from hcckit.checks._questions import select
from hcckit.checks._runner import Case, run_cases

__all__ = ["hr_from_medians", "rmst_from_steps", "questions"]


def hr_from_medians(fn) -> bool:
    """Check ``fn(control_median, experimental_median) -> hazard ratio`` under exponential survival.

    Under exponential survival the hazard is log(2) / median, so HR = control median /
    experimental median (months cancel). Answers within 0.005 are accepted.
    """
    cases = [
        Case((5.5, 8.4), 5.5 / 8.4, "medians 5.5 vs 8.4 months (Yan 2025 PFS)", tolerance=0.005),
        Case((10.0, 10.0), 1.0, "equal medians", tolerance=0.005),
        Case((11.5, 17.8), 11.5 / 17.8, "medians 11.5 vs 17.8 months (LAUNCH OS)", tolerance=0.005),
        Case((8.2, 15.0), 8.2 / 15.0, "medians 8.2 vs 15.0 months (EMERALD-1 PFS)", tolerance=0.005),
        Case((12.0, 6.0), 2.0, "a shorter experimental median (harm)", tolerance=0.005),
    ]
    return run_cases(fn, cases, name="hr_from_medians")


def rmst_from_steps(fn) -> bool:
    """Check ``fn(times, survival, tau) -> RMST`` (months): the area under a KM step curve up to tau.

    ``times[i]`` (months, starting at 0) is where the curve steps to ``survival[i]`` (0-1); the
    curve stays there until the next time. Answers within 0.01 month are accepted.
    """
    times = [0.0, 2.0, 5.0, 9.0]
    surv = [1.0, 0.8, 0.5, 0.25]
    cases = [
        Case((times, surv, 1.0), 1.0, "tau = 1 month, before the first drop", tolerance=0.01),
        Case((times, surv, 2.0), 2.0, "tau exactly at the first drop", tolerance=0.01),
        Case((times, surv, 4.0), 3.6, "tau = 4 months (2 x 1.0 + 2 x 0.8)", tolerance=0.01),
        Case((times, surv, 6.0), 4.9, "tau = 6 months (2 + 3 x 0.8 + 1 x 0.5)", tolerance=0.01),
        Case((times, surv, 12.0), 7.15, "tau = 12 months, after the last drop", tolerance=0.01),
        Case(([0.0], [1.0], 24.0), 24.0, "no events: RMST = tau", tolerance=0.01),
    ]
    return run_cases(fn, cases, name="rmst_from_steps")


# the small step curve of the RMST questions (months, survival 0-1), as in rmst_from_steps
_STEP_TIMES = (0.0, 2.0, 5.0, 9.0)
_STEP_SURVIVAL = (1.0, 0.8, 0.5, 0.25)


def _printed(x: float, decimals: int) -> float:
    """``x`` rounded half-up to ``decimals`` decimals, as a paper prints it (a float)."""
    from hcckit import formatting

    return float(formatting.fixed(x, decimals))


def _step_patients():
    """SYNTHETIC patients whose Kaplan-Meier curve is the question's step curve (20 patients).

    Events (``event`` 1) at 2, 5 and 9 months take the curve to 0.8, 0.5 and 0.25; the last five
    are censored at 12 months. ``time`` in months.
    """
    import pandas as pd

    n = 20
    rows, left = [], n
    for t, s in zip(_STEP_TIMES[1:], _STEP_SURVIVAL[1:], strict=True):
        deaths = left - round(s * n)
        rows += [(t, 1)] * deaths
        left -= deaths
    rows += [(12.0, 0)] * left
    return pd.DataFrame(rows, columns=["time", "event"]).assign(synthetic=True)


def _left_area(tau: float) -> float:
    """Area (months) if the level *after* each step were used for the whole step: the usual slip."""
    area = 0.0
    times = list(_STEP_TIMES) + [float("inf")]
    for i, start in enumerate(_STEP_TIMES):
        if start >= tau:
            break
        level = _STEP_SURVIVAL[min(i + 1, len(_STEP_SURVIVAL) - 1)]
        area += (min(times[i + 1], tau) - start) * level
    return area


def _reported_hr(trial_id: str, arm_id: str, endpoint: str):
    """The curated hazard ratio (``value``, ``ci_low``, ``ci_high``) of ``arm_id`` vs its control."""
    from hcckit import data

    e = data.load("effects")
    row = e[
        (e["trial_id"] == trial_id)
        & (e["arm_id"] == arm_id)
        & (e["endpoint"] == endpoint)
        & (e["measure"] == "HR")
    ].iloc[0]
    return float(row["value"]), float(row["ci_low"]), float(row["ci_high"])


def _medians(trial_id: str, endpoint: str) -> dict:
    """Published medians (months) and arm names by arm id."""
    from hcckit import survival

    return {a.arm_id: (a.median, a.label) for a in survival.published_arms(trial_id, endpoint=endpoint)}


def _hr_questions():
    from hcckit import labels, survival
    from hcckit.checks._questions import Question

    yan, emerald = "yan2025_tace_bev", "emerald1"
    med = _medians(yan, "PFS")
    (c_med, c_name), (e_med, e_name) = med["tace"], med["tace_bev"]
    hr, lo, hi = _reported_hr(yan, "tace_bev", "PFS")
    cons = survival.hr_consistency(c_med, experimental_median=e_med, hazard_ratio=hr, ci=(lo, hi))
    implied = survival.implied_hazard_ratio(c_med, experimental_median=e_med)
    yan_name = labels.trial(yan)

    em = _medians(emerald, "PFS")
    (ec_med, ec_name), (ee_med, ee_name) = em["tace"], em["dbt"]
    em_hr = _reported_hr(emerald, "dbt", "PFS")[0]
    em_implied = survival.implied_hazard_ratio(ec_med, experimental_median=ee_med)
    em_name = labels.trial(emerald)

    inside = f"Yes: inside {lo:g} to {hi:g}"
    outside = f"No: outside {lo:g} to {hi:g}"
    return [
        Question(
            "hr_medians_yan",
            f"{yan_name}, PFS: median {c_med:g} months with {c_name}, {e_med:g} months with {e_name}. "
            "Under exponential survival, what hazard ratio (experimental vs control, two decimals) do "
            "these medians imply?",
            "number",
            implied,
            f"The hazard is log 2 / median, so HR = {c_med:g} / {e_med:g} = {_printed(implied, 2):.2f} "
            "(the log 2s cancel). Below 1: fewer events with the experimental arm.",
            decimals=2,
            hints=(
                "Exponential survival: hazard = log(2) / median.",
                "HR = hazard (experimental) / hazard (control) = control median / experimental median.",
            ),
            traps=(
                (
                    _printed(e_med / c_med, 2),
                    "Upside down: that is control vs experimental. A longer experimental median means a "
                    "lower hazard, so the HR must be below 1.",
                ),
                (
                    hr,
                    f"{hr:g} is the hazard ratio the trial reports (a Cox model on the patients), not the "
                    "one the two medians imply.",
                ),
            ),
        ),
        Question(
            "hr_medians_yan_ci",
            f"The trial reports HR {hr:g} (95 % CI {lo:g} to {hi:g}). Is the HR implied by the medians "
            "inside that interval?",
            "choice",
            inside if cons.within_ci else outside,
            cons.message,
            options=(inside, outside),
            hints=(f"Compare your answer above ({_printed(implied, 2):.2f}) with {lo:g} and {hi:g}.",),
        ),
        Question(
            "hr_median_from_reported",
            f"Apply the reported HR {hr:g} to the control median of {c_med:g} months (exponential survival). "
            "What experimental median (months, one decimal) would that give?",
            "number",
            cons.implied_experimental_median,
            f"Median = control median / HR = {c_med:g} / {hr:g} = "
            f"{_printed(cons.implied_experimental_median, 1):.1f} months, not the {e_med:g} printed: the "
            "printed medians and HR do not both fit proportional exponential curves.",
            decimals=1,
            hints=("A lower hazard means a longer median: divide, do not multiply.",),
            traps=(
                (
                    _printed(c_med * hr, 1),
                    "Multiplying the median by the HR shortens it; an HR below 1 must lengthen it: divide.",
                ),
            ),
        ),
        Question(
            "hr_medians_emerald1",
            f"{em_name}, PFS: median {ec_med:.1f} months with {ec_name}, {ee_med:.1f} months with {ee_name}. "
            "Hazard ratio implied under exponential survival (two decimals)?",
            "number",
            em_implied,
            f"{ec_med:.1f} / {ee_med:.1f} = {_printed(em_implied, 2):.2f}. The trial reports {em_hr:g}: the "
            "medians suggest a larger effect than the Cox model over the whole follow-up: the curves "
            "are not exponential, or the hazards not proportional, or the summaries come from different "
            "analyses.",
            decimals=2,
            hints=("Control median / experimental median.",),
            traps=(
                (
                    _printed(ee_med / ec_med, 2),
                    "Upside down: a longer experimental median gives an HR below 1.",
                ),
                (
                    em_hr,
                    f"{em_hr:g} is the reported HR (Cox model), not the one the medians imply.",
                ),
            ),
        ),
    ]


def _rmst_questions():
    from hcckit import survival
    from hcckit.checks._questions import Question

    patients = _step_patients()
    curve = ", ".join(
        f"{100 * s:g} % from {t:g}" + (f" to {nxt:g} months" if nxt is not None else " months on")
        for t, s, nxt in zip(_STEP_TIMES, _STEP_SURVIVAL, list(_STEP_TIMES[1:]) + [None], strict=True)
    )
    six = survival.rmst(patients, tau=6.0).rmst
    twelve = survival.rmst(patients, tau=12.0).rmst
    at_six = float(survival.km_steps(patients).query("time <= 6")["survival"].iloc[-1])
    to_last = survival.rmst(patients, tau=_STEP_TIMES[-1]).rmst
    meaning = f"On average, {_printed(six, 2):g} of the first 6 months are lived event-free."
    return [
        Question(
            "rmst_tau6",
            f"A Kaplan-Meier curve (synthetic) is at {curve}. What is the RMST to τ = 6 months "
            "(months, two decimals)?",
            "number",
            six,
            "Width x height of each step up to 6 months: 2 x 1.0 + 3 x 0.8 + 1 x 0.5 = "
            f"{_printed(six, 2):g} months.",
            decimals=2,
            hints=(
                "The curve stays at a level until the next time: each step is a rectangle.",
                "Cut the last rectangle at τ = 6 months.",
            ),
            traps=(
                (
                    _printed(_left_area(6.0), 2),
                    "You used the level *after* each drop for the whole step. The curve is at 1.0 until "
                    "month 2, then 0.8 until month 5, and so on.",
                ),
                (
                    _printed(6.0 * at_six, 2),
                    "τ x S(τ) is one rectangle at the last level; the RMST adds up every step.",
                ),
            ),
        ),
        Question(
            "rmst_tau12",
            "Same curve: RMST to τ = 12 months (months, two decimals)?",
            "number",
            twelve,
            f"Up to month 9: {_printed(to_last, 2):g}; then 3 months at 0.25 = 0.75: "
            f"{_printed(twelve, 2):g} months.",
            decimals=2,
            hints=("After the last drop the curve stays flat until τ: add that rectangle too.",),
            traps=(
                (
                    _printed(to_last, 2),
                    "You stopped at the last drop (9 months); the curve goes on at 0.25 until τ = 12.",
                ),
                (
                    _printed(_left_area(12.0), 2),
                    "You used the level *after* each drop for the whole step.",
                ),
            ),
        ),
        Question(
            "rmst_meaning",
            f"What does an RMST to 6 months of {_printed(six, 2):g} months say?",
            "choice",
            meaning,
            "RMST(τ) is the area under the curve from 0 to τ: the months lived event-free, on average, "
            "during the first τ months (Royston & Parmar 2013).",
            options=(
                meaning,
                f"Half of the patients have an event before {_printed(six, 2):g} months.",
                f"{_printed(100 * six / 6.0, 1):g} % of the patients are event-free at 6 months.",
            ),
            hints=("The RMST is an area under the curve, not a point on it.",),
            traps=(
                (
                    f"Half of the patients have an event before {_printed(six, 2):g} months.",
                    "That describes the median, one point on the curve; the RMST is an area.",
                ),
            ),
        ),
    ]


def questions(which: str | None = None):
    """No-code questions for lesson 03; answers computed by :mod:`hcckit.survival` at run time.

    ``which`` is "hr_from_medians", "rmst_from_steps" or None (all). Medians are in months, hazard
    ratios experimental vs control (two decimals, as the trials print them), RMST in months.
    """
    return select({"hr_from_medians": _hr_questions, "rmst_from_steps": _rmst_questions}, which)
