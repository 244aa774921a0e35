"""The curated trials' published survival summaries, and pseudo-patients drawn through them.

Adapters from the :mod:`hcckit.data` tables (``trials``, ``arms``, ``outcomes``, ``effects``,
``at_risk``): :func:`published_arms` (medians, landmark rates, numbers at risk per arm),
:func:`published_effect` (the published hazard ratio), :func:`published_points` (for charts),
the catalogues :func:`survival_catalogue` and :func:`arm_catalogue`; pseudo-patients through
them (:func:`synthesize_published`, :func:`synthesize_across_trials`) and the published numbers
beside the pseudo-patients' (:func:`compare_published`). Times in months, survival 0-1.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hcckit.guyot import MAX_TIME, DataDiscrepancyWarning, _show
from hcckit.survival._format import _fmt_t
from hcckit.survival._validate import _check_choice, _check_data, _groups, _months, _seed, _stack_arms
from hcckit.survival.analysis import landmark_survival, median_survival
from hcckit.survival.models import METHODS, MODELS, SurvivalModel, simulate_arm, survival_model
from hcckit.survival.results import HazardRatioResult
from hcckit.uploads import MAX_ROWS

__all__ = [
    "PublishedArm",
    "survival_catalogue",
    "published_arms",
    "published_effect",
    "published_points",
    "synthesize_published",
    "compare_published",
    "arm_catalogue",
    "synthesize_across_trials",
]


_ENDPOINTS = ("OS", "PFS", "TTUP", "RFS", "PPS")


@dataclass(frozen=True)
class PublishedArm:
    """What a publication reports for one arm and one time-to-event endpoint (times in months).

    ``landmarks`` are (months, survival 0-1) pairs with ``landmark_cis`` (0-1, None if not
    reported); ``at_risk`` are (months, patients) pairs; ``notes`` list discrepancies.
    """

    trial_id: str
    arm_id: str
    label: str
    role: str
    endpoint: str
    n: int | None
    median: float | None = None
    median_ci: tuple[float | None, float | None] = (None, None)
    landmarks: tuple[tuple[float, float], ...] = ()
    landmark_cis: tuple[tuple[float | None, float | None], ...] = ()
    at_risk: tuple[tuple[float, int], ...] = ()
    median_follow_up: float | None = None
    median_not_reached: bool = False
    notes: tuple[str, ...] = ()

    @property
    def has_summaries(self) -> bool:
        """True when a median or landmark rates are reported (enough to synthesise the arm)."""
        return self.median is not None or bool(self.landmarks)

    def model(self, *, model: str = "piecewise") -> SurvivalModel:
        """The generating survival function through this arm's published points."""
        return survival_model(
            self.median, landmarks=dict(self.landmarks) or None, model=model, label=self.label
        )


def _num(x) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _text(x) -> str:
    """A cell as text; missing values (None, NaN, pd.NA) become ""."""
    if x is None or (not isinstance(x, str) and pd.isna(x)):
        return ""
    return str(x)


def _load(name: str) -> pd.DataFrame:
    from hcckit import data

    return data.load(name)


def _str_col(df: pd.DataFrame, col: str) -> pd.Series:
    return df[col].astype(str) if col in df.columns else pd.Series([""] * len(df), index=df.index)


def published_arms(trial_id: str, *, endpoint: str = "PFS") -> tuple[PublishedArm, ...]:
    """Published survival summaries of every arm of a curated trial for ``endpoint`` (OS, PFS, ...).

    Control arms come first. Reads ``arms``, ``outcomes`` (``median_<endpoint>``,
    ``<endpoint>_rate``, ``median_follow_up``) and ``at_risk`` from :func:`hcckit.data.load`.
    Results are cached per (trial, endpoint): they are immutable and the curated data do not
    change within a session.
    """
    if not isinstance(trial_id, str):
        raise TypeError(f"trial_id: must be a curated trial id (text), got {_show(trial_id)}")
    _check_choice(endpoint, _ENDPOINTS, field="endpoint")
    return _published_arms(str(trial_id), str(endpoint))


@functools.lru_cache(maxsize=256)
def _published_arms(trial_id: str, endpoint: str) -> tuple[PublishedArm, ...]:
    _check_choice(endpoint, _ENDPOINTS, field="endpoint")
    arms = _load("arms")
    arms = arms[_str_col(arms, "trial_id") == trial_id]
    if arms.empty:
        raise ValueError(f"trial_id: no curated trial {trial_id!r}")
    outcomes = _load("outcomes")
    outcomes = outcomes[_str_col(outcomes, "trial_id") == trial_id]
    try:
        risk = _load("at_risk")
        risk = risk[(_str_col(risk, "trial_id") == trial_id) & (_str_col(risk, "endpoint") == endpoint)]
    except (FileNotFoundError, KeyError, ValueError):
        risk = pd.DataFrame(columns=["arm_id", "time_months", "n_at_risk"])
    result = []
    for _, a in arms.iterrows():
        arm_id = str(a["arm_id"])
        o = outcomes[_str_col(outcomes, "arm_id") == arm_id]
        notes: list[str] = []
        med_rows = o[_str_col(o, "endpoint") == f"median_{endpoint}"]
        median, median_ci = None, (None, None)
        n = _num(a.get("n"))
        median_not_reached = False
        if len(med_rows):
            r = med_rows.iloc[0]
            median = _num(r.get("value"))
            qualifier = _text(r.get("qualifier"))
            lo, hi = _num(r.get("ci_low")), _num(r.get("ci_high"))
            if qualifier == "not_reached" or (
                median is None and "not reached" in _text(r.get("note")).lower()
            ):
                median_not_reached = True
                notes.append(f"{arm_id}: median {endpoint} not reached - no curve can be drawn from it")
            if lo is not None and hi is None:
                hi = math.inf  # upper limit not reached
            median_ci = (lo, hi)
            n_row = _num(r.get("n"))
            if n_row is not None and n is not None and int(n_row) != int(n):
                notes.append(f"{arm_id}: {int(n_row)} patients analysed for {endpoint} of {int(n)} enrolled")
            if n_row is not None:
                n = n_row
        rate_rows = o[_str_col(o, "endpoint") == f"{endpoint}_rate"].copy()
        landmarks, cis = [], []
        for _, r in rate_rows.sort_values("time_months").iterrows():
            t, v = _num(r.get("time_months")), _num(r.get("value"))
            if t is None or v is None:
                continue
            landmarks.append((t, v / 100.0))
            lo, hi = _num(r.get("ci_low")), _num(r.get("ci_high"))
            cis.append((None if lo is None else lo / 100.0, None if hi is None else hi / 100.0))
        fu_rows = o[_str_col(o, "endpoint") == "median_follow_up"]
        fu = _num(fu_rows.iloc[0].get("value")) if len(fu_rows) else None
        ar = risk[_str_col(risk, "arm_id") == arm_id].sort_values("time_months")
        at_risk = tuple((float(r["time_months"]), int(r["n_at_risk"])) for _, r in ar.iterrows())
        for txt in [*med_rows.get("note", []), *rate_rows.get("note", []), *ar.get("note", [])]:
            if isinstance(txt, str) and txt.startswith("DISCREPANCY") and txt not in notes:
                notes.append(txt)
        if at_risk and n is not None and at_risk[0][0] == 0 and at_risk[0][1] != int(n):
            if not any(t.startswith("DISCREPANCY") and "at risk" in t for t in notes):
                notes.append(
                    f"DISCREPANCY: {arm_id} has n = {int(n)} but {at_risk[0][1]} at risk at time 0 "
                    f"in the {endpoint} figure"
                )
        result.append(
            PublishedArm(
                trial_id=trial_id,
                arm_id=arm_id,
                label=_text(a.get("label")) or arm_id,
                role=_text(a.get("role")),
                endpoint=endpoint,
                n=None if n is None else int(n),
                median=median,
                median_ci=median_ci,
                landmarks=tuple(landmarks),
                landmark_cis=tuple(cis),
                at_risk=at_risk,
                median_follow_up=fu,
                median_not_reached=median_not_reached,
                notes=tuple(notes),
            )
        )
    order = {"control": 0, "single": 1, "experimental": 2}
    return tuple(sorted(result, key=lambda p: order.get(p.role, 3)))


def published_effect(
    trial_id: str, *, endpoint: str = "PFS", arm: str | None = None
) -> HazardRatioResult | None:
    """The published hazard ratio for ``endpoint`` (first HR/aHR row, or the one for ``arm``), or None.

    None means the trial reports no hazard ratio for ``endpoint`` (and ``arm``); an unknown
    trial or arm is an error.
    """
    known = {a.arm_id for a in published_arms(trial_id, endpoint=endpoint)}  # checks trial_id, endpoint
    if arm is not None and (not isinstance(arm, str) or arm not in known):
        raise ValueError(
            f"arm: trial {trial_id!r} has no arm {_show(arm)} (has {', '.join(map(repr, sorted(known)))})"
        )
    eff = _load("effects")
    eff = eff[
        (_str_col(eff, "trial_id") == trial_id)
        & (_str_col(eff, "endpoint") == endpoint)
        & (_str_col(eff, "measure").isin(["HR", "aHR"]))
    ]
    if arm is not None:
        eff = eff[_str_col(eff, "arm_id") == arm]
    eff = eff[pd.to_numeric(eff["value"], errors="coerce").notna()] if "value" in eff else eff
    if eff.empty:
        return None
    r = eff.iloc[0]
    p = _num(r.get("p_value"))
    return HazardRatioResult(
        hazard_ratio=float(r["value"]),
        ci_low=_num(r.get("ci_low")),
        ci_high=_num(r.get("ci_high")),
        p_value=p,
        arm=str(r["arm_id"]),
        reference=str(r["comparator_arm_id"]),
        level=_num(r.get("ci_level")) or 0.95,
        method=f"published {r['measure']}",
        p_operator=_text(r.get("p_operator")) or "=",
        synthetic=False,
    )


def survival_catalogue() -> pd.DataFrame:
    """Curated trials and endpoints with survival summaries: what each can show.

    Returns
    -------
    DataFrame
        ``trial_id``, ``name``, ``design``, ``endpoint``, ``arms`` (count with summaries),
        ``has_landmarks``, ``has_at_risk``, ``has_hr``, ``ready`` (at least one arm has a median or
        rates and a number of patients, so pseudo-patients can be drawn), ``option`` (a label for pickers).
        Built once per session (the curated data do not change, as for :func:`published_arms`);
        each call returns a copy.
    """
    return _survival_catalogue().copy()


@functools.cache
def _survival_catalogue() -> pd.DataFrame:
    trials = _load("trials")
    outcomes = _load("outcomes")
    try:
        effects = _load("effects")
    except (FileNotFoundError, KeyError, ValueError):
        effects = pd.DataFrame(columns=["trial_id", "endpoint", "measure"])
    try:
        risk = _load("at_risk")
    except (FileNotFoundError, KeyError, ValueError):
        risk = pd.DataFrame(columns=["trial_id", "endpoint"])
    rows = []
    for _, t in trials.iterrows():
        tid = str(t["trial_id"])
        o = outcomes[_str_col(outcomes, "trial_id") == tid]
        ends = _str_col(o, "endpoint")
        for ep in _ENDPOINTS:
            med = o[ends == f"median_{ep}"]
            rates = o[ends == f"{ep}_rate"]
            arms_with = set(_str_col(med, "arm_id")) | set(_str_col(rates, "arm_id"))
            if not arms_with:
                continue
            e = effects[(_str_col(effects, "trial_id") == tid) & (_str_col(effects, "endpoint") == ep)]
            has_hr = bool(_str_col(e, "measure").isin(["HR", "aHR"]).any())
            r = risk[(_str_col(risk, "trial_id") == tid) & (_str_col(risk, "endpoint") == ep)]
            usable = [a for a in published_arms(tid, endpoint=ep) if a.has_summaries and a.n is not None]
            rows.append(
                {
                    "trial_id": tid,
                    "name": _text(t.get("name")) or tid,
                    "design": _text(t.get("design")),
                    "endpoint": ep,
                    "arms": len(arms_with),
                    "has_landmarks": len(rates) > 0,
                    "has_at_risk": len(r) > 0,
                    "has_hr": has_hr,
                    "ready": len(usable) > 0,
                }
            )
    out = pd.DataFrame(
        rows,
        columns=[
            "trial_id",
            "name",
            "design",
            "endpoint",
            "arms",
            "has_landmarks",
            "has_at_risk",
            "has_hr",
            "ready",
        ],
    )
    out["option"] = (
        out["name"]
        + " - "
        + out["endpoint"]
        + np.where(out["arms"] > 1, " (" + out["arms"].astype(str) + " arms)", "")
    )
    return out.reset_index(drop=True)


def published_points(arms: Sequence[PublishedArm]) -> pd.DataFrame:
    """Published medians and landmark rates as points for charts.

    Returns
    -------
    DataFrame
        ``arm``, ``kind`` (``median`` or ``landmark``), ``time`` (months), ``survival`` (0-1),
        ``time_ci_low``/``time_ci_high`` (months, medians), ``ci_low``/``ci_high`` (0-1,
        landmarks); ``inf`` for a limit not reached.
    """
    if isinstance(arms, (str, bytes, Mapping, pd.DataFrame)) or not isinstance(arms, Iterable):
        raise TypeError(
            f"arms: expected a sequence of PublishedArm (from published_arms()), got {_show(arms)}"
        )
    arms = list(arms)
    for i, a in enumerate(arms):
        _check_published_arm(a, field=f"arms[{i}]")
    rows = []
    for a in arms:
        if a.median is not None:
            lo, hi = a.median_ci
            rows.append(
                {
                    "arm": a.arm_id,
                    "kind": "median",
                    "time": a.median,
                    "survival": 0.5,
                    "time_ci_low": lo,
                    "time_ci_high": hi,
                    "ci_low": None,
                    "ci_high": None,
                }
            )
        cis = a.landmark_cis or tuple((None, None) for _ in a.landmarks)
        for (t, s), (lo, hi) in zip(a.landmarks, cis, strict=False):
            rows.append(
                {
                    "arm": a.arm_id,
                    "kind": "landmark",
                    "time": t,
                    "survival": s,
                    "time_ci_low": None,
                    "time_ci_high": None,
                    "ci_low": lo,
                    "ci_high": hi,
                }
            )
    cols = ["arm", "kind", "time", "survival", "time_ci_low", "time_ci_high", "ci_low", "ci_high"]
    out = pd.DataFrame(rows, columns=cols)
    for c in cols[2:]:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    return out


def _check_published_arm(a, *, field: str) -> None:
    """Raise naming ``field`` when ``a`` is not a PublishedArm with possible numbers."""
    if not isinstance(a, PublishedArm):
        raise TypeError(f"{field}: expected a PublishedArm (from published_arms()), got {_show(a)}")
    _months(a.median, field=f"{field}.median")

    def bound(x, what: str, *, upper: float, allow_inf: bool = False) -> None:
        if x is None or (allow_inf and isinstance(x, float) and x == math.inf):
            return
        if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
            raise ValueError(f"{field}.{what}: must be a number, got {_show(x)}")
        if not 0 <= float(x) <= upper:
            raise ValueError(f"{field}.{what}: {_show(x)} is outside 0-{upper:g}")

    for what, pairs, lengths in (
        ("median_ci", [a.median_ci], 2),
        ("landmarks", a.landmarks, 2),
        ("landmark_cis", a.landmark_cis, 2),
    ):
        if isinstance(pairs, (str, bytes)) or not isinstance(pairs, Iterable):
            raise ValueError(f"{field}.{what}: expected pairs of numbers, got {_show(pairs)}")
        for p in pairs:
            if isinstance(p, (str, bytes)) or not isinstance(p, Sequence) or len(p) != lengths:
                raise ValueError(f"{field}.{what}: expected pairs of numbers, got {_show(p)}")
    lo, hi = a.median_ci
    bound(lo, "median_ci", upper=MAX_TIME)
    bound(hi, "median_ci", upper=MAX_TIME, allow_inf=True)
    for t, s in a.landmarks:
        bound(t, "landmarks", upper=MAX_TIME)
        bound(s, "landmarks", upper=1.0)
        if t is None or s is None or float(t) <= 0:
            raise ValueError(
                f"{field}.landmarks: ({_show(t)}, {_show(s)}) is not a (months > 0, survival) pair"
            )
    for lo, hi in a.landmark_cis:
        bound(lo, "landmark_cis", upper=1.0)
        bound(hi, "landmark_cis", upper=1.0)


def _last_point(a: PublishedArm) -> float:
    """Latest published time point of an arm (median or landmark), months; 0 if none."""
    times = [t for t, _ in a.landmarks] + ([a.median] if a.median is not None else [])
    return max(times, default=0.0)


def _arm_censoring(
    a: PublishedArm,
    censoring: str,
    accrual: float | None,
    follow_up: float | None,
    *,
    unknown: str = "none",
) -> tuple[dict, str | None]:
    """Censoring arguments for :func:`simulate_arm` for one published arm, and a note saying why.

    ``auto``: numbers at risk where printed; else the arm's published median follow-up m, as
    uniform follow-up from m/2 to 3m/2 months (accrual m, follow-up m/2: median m); else the given
    accrual/follow-up, with the follow-up raised to the last published point when the assumed
    median follow-up (follow_up + accrual/2) is shorter than it (the trial observed that point, so
    it followed patients that long; every pseudo-patient is then followed past it); else
    ``unknown``: ``"none"`` (no censoring) or ``"last_point"`` (follow-up uniform from the last
    published point t to 1.5 t). ``at_risk``: numbers at risk, else the design as given.
    ``design``: the design as given. ``none``: no censoring.
    """
    t_last = _last_point(a)
    if censoring in ("auto", "at_risk") and a.at_risk:
        return {"at_risk": pd.DataFrame(list(a.at_risk), columns=["time", "n_at_risk"])}, None
    if censoring == "none":
        return {}, None
    if censoring == "auto" and a.median_follow_up:
        m = float(a.median_follow_up)
        note = (
            f"{a.arm_id}: censoring from the published median follow-up of {_fmt_t(m)} months "
            f"(assumed uniform follow-up from {_fmt_t(m / 2)} to {_fmt_t(1.5 * m)} months)"
        )
        return {"accrual": m, "follow_up": m / 2}, note
    if accrual is not None or follow_up is not None:
        acc, fu = accrual or 0.0, follow_up or 0.0
        if censoring == "auto" and t_last > 0 and fu + acc / 2 < t_last:
            note = (
                f"{a.arm_id}: {_fmt_t(acc)} months' accrual + {_fmt_t(fu)} months' follow-up is too short "
                f"for the published point at {_fmt_t(t_last)} months (no follow-up published); "
                f"follow-up after accrual raised to {_fmt_t(t_last)} months so it can be reproduced"
            )
            return {"accrual": acc, "follow_up": t_last}, note
        note = None
        if t_last > 0 and fu + acc / 2 < t_last:
            note = (
                f"{a.arm_id}: the assumed follow-up (median {_fmt_t(fu + acc / 2)} months) is shorter than "
                f"the published point at {_fmt_t(t_last)} months; the pseudo-patients may not reproduce it"
            )
        return {"accrual": acc, "follow_up": fu}, note
    if unknown == "last_point" and t_last > 0:
        note = (
            f"{a.arm_id}: no follow-up published; assumed uniform follow-up from {_fmt_t(t_last)} to "
            f"{_fmt_t(1.5 * t_last)} months (the trial observed its last published point, "
            f"{_fmt_t(t_last)} months)"
        )
        return {"accrual": t_last / 2, "follow_up": t_last}, note
    return {}, None


def synthesize_published(
    trial_id: str,
    *,
    endpoint: str = "PFS",
    model: str = "piecewise",
    censoring: str = "auto",
    accrual: float | None = None,
    follow_up: float | None = None,
    comparator: str = "summaries",
    method: str = "quantile",
    seed: int = 0,
) -> pd.DataFrame:
    """Synthetic pseudo-patients for every arm of a curated trial, from its published summaries.

    Parameters
    ----------
    trial_id, endpoint : str
        A curated trial (see :func:`survival_catalogue`) and ``OS``/``PFS``/...
    model : {"piecewise", "weibull", "exponential"}
        How each arm's survival function is built (see :func:`survival_model`).
    censoring : {"auto", "at_risk", "design", "none"}
        ``at_risk``: from the published numbers at risk (arms without them fall back to
        ``design``); ``design``: uniform accrual over ``accrual`` months plus ``follow_up`` months
        (a note when that median follow-up is shorter than the last published point);
        ``none``; ``auto``: numbers at risk where published, else the arm's published median
        follow-up m (follow-up assumed uniform from m/2 to 3m/2 months), else ``design`` with the
        follow-up after accrual raised to the last published point when ``follow_up + accrual/2``
        is shorter than it (the trial observed that point), else no censoring. Notes say which.
    accrual, follow_up : float, optional
        Months of uniform accrual and of follow-up after the last patient entered.
    comparator : {"summaries", "hazard_ratio"}
        ``summaries``: each arm from its own median/landmarks; ``hazard_ratio``: non-control arms
        are the control's curve with the published HR applied (proportional hazards).
    method, seed :
        As in :func:`simulate_arm` (arm i uses ``seed + i``).

    Returns
    -------
    DataFrame
        ``arm`` (ordered categorical, control first), ``time`` (months), ``event``, ``synthetic``
        (True). ``attrs["notes"]`` lists discrepancies and assumptions; ``attrs["trial_id"]``,
        ``attrs["endpoint"]``.
    """
    _check_choice(censoring, ("auto", "at_risk", "design", "none"), field="censoring")
    _check_choice(comparator, ("summaries", "hazard_ratio"), field="comparator")
    _check_choice(model, MODELS, field="model")
    _check_choice(method, METHODS, field="method")
    accrual = _months(accrual, field="accrual", allow_zero=True)
    follow_up = _months(follow_up, field="follow_up", allow_zero=True)
    seed = _seed(seed)
    arms = published_arms(trial_id, endpoint=endpoint)
    notes: list[str] = []
    control = next((a for a in arms if a.role == "control"), None)
    frames = []
    for i, a in enumerate(arms):
        notes += list(a.notes)
        built = None
        if comparator == "hazard_ratio" and control is not None and a is not control:
            eff = published_effect(trial_id, endpoint=endpoint, arm=a.arm_id)
            if eff is not None and eff.reference == control.arm_id and control.has_summaries:
                built = control.model(model=model).with_hazard_ratio(eff.hazard_ratio, label=a.label)
                notes.append(
                    f"{a.arm_id}: control curve x published HR {eff.hazard_ratio:g} (proportional hazards)"
                )
        if built is None:
            if not a.has_summaries:
                eff = published_effect(trial_id, endpoint=endpoint, arm=a.arm_id)
                if (
                    eff is not None
                    and control is not None
                    and control.has_summaries
                    and eff.reference == control.arm_id
                ):
                    built = control.model(model=model).with_hazard_ratio(eff.hazard_ratio, label=a.label)
                    notes.append(
                        f"{a.arm_id}: no median or rates published; control curve x HR {eff.hazard_ratio:g}"
                    )
                else:
                    notes.append(f"{a.arm_id}: no {endpoint} median or rates published; arm left out")
                    continue
            else:
                built = a.model(model=model)
        if a.n is None:
            raise ValueError(f"n: trial {trial_id!r} arm {a.arm_id!r} has no number of patients")
        kwargs, why = _arm_censoring(a, censoring, accrual, follow_up)
        if why:
            notes.append(why)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataDiscrepancyWarning)  # already in a.notes
            df = simulate_arm(built, n=a.n, method=method, seed=seed + i, arm=a.arm_id, **kwargs)
        notes += [m for m in df.attrs.get("notes", []) if m not in notes and not m.startswith("DISCREPANCY")]
        frames.append(df)
    if not frames:
        raise ValueError(f"endpoint: trial {trial_id!r} reports no {endpoint} median or rates")
    out = _stack_arms(frames, (str(f["arm"].iloc[0]) for f in frames))
    out.attrs.update({"synthetic": True, "notes": notes, "trial_id": trial_id, "endpoint": endpoint})
    return out


def compare_published(
    data: pd.DataFrame,
    *,
    published: pd.DataFrame,
    time: str = "time",
    event: str = "event",
    by: str | None = "arm",
) -> pd.DataFrame:
    """Published medians and landmark rates beside those of the synthetic/reconstructed data.

    Parameters
    ----------
    data : DataFrame
        Pseudo-patients (``time`` months, ``event``, ``arm``).
    published : DataFrame
        From :func:`published_points` (``arm``, ``kind``, ``time``, ``survival`` ...).

    Returns
    -------
    DataFrame
        ``arm``, ``statistic`` (``median`` or ``S(12)``...), ``unit`` (``months`` or ``%``),
        ``published``, ``published_ci_low``, ``published_ci_high``, ``reconstructed``,
        ``reconstructed_ci_low``, ``reconstructed_ci_high``, ``difference``; rates in %.
    """
    data = _check_data(data, time=time, event=event)
    published = _check_published_points(published)
    rows = []
    groups = dict(_groups(data, by))
    for _, p in published.iterrows():
        name = str(p["arm"]) if len(groups) > 1 or str(p["arm"]) in groups else next(iter(groups))
        if name not in groups:
            continue
        g = groups[name]
        if p["kind"] == "median":
            m = median_survival(g, time=time, event=event, arm=name)
            rows.append(
                {
                    "arm": name,
                    "statistic": "median",
                    "unit": "months",
                    "published": p["time"],
                    "published_ci_low": p["time_ci_low"],
                    "published_ci_high": p["time_ci_high"],
                    "reconstructed": m.median,
                    "reconstructed_ci_low": m.ci_low,
                    "reconstructed_ci_high": m.ci_high,
                }
            )
        else:
            lm = landmark_survival(g, times=[p["time"]], time=time, event=event, by=None).iloc[0]
            rows.append(
                {
                    "arm": name,
                    "statistic": f"S({p['time']:g})",
                    "unit": "%",
                    "published": 100 * p["survival"],
                    "published_ci_low": 100 * p["ci_low"],
                    "published_ci_high": 100 * p["ci_high"],
                    "reconstructed": 100 * lm["survival"],
                    "reconstructed_ci_low": 100 * lm["ci_low"],
                    "reconstructed_ci_high": 100 * lm["ci_high"],
                }
            )
    cols = [
        "arm",
        "statistic",
        "unit",
        "published",
        "published_ci_low",
        "published_ci_high",
        "reconstructed",
        "reconstructed_ci_low",
        "reconstructed_ci_high",
    ]
    out = pd.DataFrame(rows, columns=cols)
    for c in cols[3:]:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    out["difference"] = out["reconstructed"] - out["published"]
    return out


#: published_points' columns before the vocabulary's ci_low/ci_high (read with a warning)
_OLD_POINT_COLUMNS = {
    "time_ci_lower": "time_ci_low",
    "time_ci_upper": "time_ci_high",
    "ci_lower": "ci_low",
    "ci_upper": "ci_high",
}


def _renamed_point_columns(published: pd.DataFrame) -> pd.DataFrame:
    """A frame saved with the old column names, renamed, with a ``DeprecationWarning``."""
    old = {
        o: n for o, n in _OLD_POINT_COLUMNS.items() if o in published.columns and n not in published.columns
    }
    if not old:
        return published
    warnings.warn(
        "published: " + "; ".join(f"the column {o} is now {n}" for o, n in old.items()),
        DeprecationWarning,
        stacklevel=4,
    )
    return published.rename(columns=old)


def _check_published_points(published) -> pd.DataFrame:
    """``published`` as :func:`published_points` gives it, or a ValueError naming the row."""
    cols = ["arm", "kind", "time", "survival", "time_ci_low", "time_ci_high", "ci_low", "ci_high"]
    if not isinstance(published, pd.DataFrame):
        raise TypeError(f"published: expected a DataFrame from published_points(), got {_show(published)}")
    published = _renamed_point_columns(published)
    missing = [c for c in cols[:4] if c not in published.columns]
    if missing:
        raise ValueError(
            f"published: missing column(s) {', '.join(missing)} (has {', '.join(map(str, published.columns))})"
        )
    if len(published) > MAX_ROWS:
        raise ValueError(f"published: {len(published):,} rows; at most {MAX_ROWS:,} are accepted")
    out = published.reindex(columns=cols).reset_index(drop=True)
    from hcckit.guyot import _to_float

    for i, r in out.iterrows():
        kind = r["kind"]
        if kind not in ("median", "landmark"):
            raise ValueError(f"published.kind: row {i} is {_show(kind)}; use 'median' or 'landmark'")
        if r["arm"] is None or (not isinstance(r["arm"], str) and pd.isna(r["arm"])):
            raise ValueError(f"published.arm: row {i} has no arm")
        values = {c: _to_float(r[c]) for c in cols[2:]}
        for c, x in values.items():
            if x is None:
                raise ValueError(f"published.{c}: row {i} is {_show(r[c])}, not a number")
        t = values["time"]
        if not 0 < t <= MAX_TIME:  # NaN fails too
            raise ValueError(
                f"published.time: row {i} is {_show(r['time'])}; months > 0, at most {MAX_TIME:g}"
            )
        if kind == "landmark":
            for c in ("survival", "ci_low", "ci_high"):
                x = values[c]
                if not (0 <= x <= 1 or (c != "survival" and math.isnan(x))):
                    raise ValueError(f"published.{c}: row {i} is {_show(r[c])}; survival is a proportion 0-1")
        else:
            for c in ("time_ci_low", "time_ci_high"):
                x = values[c]
                if not (math.isnan(x) or 0 <= x <= MAX_TIME or (c == "time_ci_high" and x == math.inf)):
                    raise ValueError(f"published.{c}: row {i} is {_show(r[c])}; months >= 0")
        for c in cols[2:]:
            out.loc[i, c] = values[c]
    for c in cols[2:]:
        out[c] = out[c].astype(float)
    return out


def arm_catalogue(endpoint: str = "PFS") -> pd.DataFrame:
    """Every curated arm with a published median or rates for ``endpoint``, with its population.

    Returns
    -------
    DataFrame
        ``trial_id``, ``arm_id``, ``trial`` (name), ``label``, ``role``, ``design``,
        ``population``, ``modality``, ``n``, ``median`` (months), ``landmarks`` (count),
        ``option`` (label for pickers). Built once per endpoint and session; each call returns a copy.
    """
    _check_choice(endpoint, _ENDPOINTS, field="endpoint")
    return _arm_catalogue(endpoint).copy()


@functools.cache
def _arm_catalogue(endpoint: str) -> pd.DataFrame:
    trials = _load("trials").set_index("trial_id")
    cat = survival_catalogue()
    rows = []
    for tid in cat.loc[cat["endpoint"] == endpoint, "trial_id"].unique():
        t = trials.loc[tid]
        for a in published_arms(str(tid), endpoint=endpoint):
            if not a.has_summaries or a.n is None:
                continue
            name = _text(t.get("name")) or str(tid)
            rows.append(
                {
                    "trial_id": str(tid),
                    "arm_id": a.arm_id,
                    "trial": name,
                    "label": a.label,
                    "role": a.role,
                    "design": _text(t.get("design")),
                    "population": _text(t.get("population")),
                    "modality": _text(t.get("modality")),
                    "n": a.n,
                    "median": a.median,
                    "landmarks": len(a.landmarks),
                    "option": f"{name}: {a.label}",
                }
            )
    cols = ["trial_id", "arm_id", "trial", "label", "role", "design", "population", "modality", "n", "median"]
    return pd.DataFrame(rows, columns=[*cols, "landmarks", "option"])


def synthesize_across_trials(
    arms: Sequence[tuple[str, str]],
    *,
    endpoint: str = "PFS",
    model: str = "piecewise",
    method: str = "quantile",
    seed: int = 0,
) -> pd.DataFrame:
    """Pseudo-patients for arms taken from *different* trials, to show why this is not a comparison.

    Parameters
    ----------
    arms : sequence of (trial_id, arm_id)
        Arms with a published median or rates for ``endpoint``.

    Returns
    -------
    DataFrame
        ``arm`` ("trial: arm label", ordered as given), ``trial_id``, ``time`` (months), ``event``,
        ``synthetic`` (True). Each arm is censored at its own trial's follow-up: from its published
        numbers at risk, else its published median follow-up m (uniform follow-up from m/2 to
        3m/2 months), else (no follow-up published) uniform follow-up from its last published
        point t to 1.5 t, so no curve runs past what its trial could have observed.
        ``attrs["notes"]`` say which assumption each arm got.
    """
    if isinstance(arms, (str, bytes, Mapping, pd.DataFrame)) or not isinstance(arms, Iterable):
        raise TypeError(f"arms: expected a sequence of (trial_id, arm_id) pairs, got {_show(arms)}")
    arms = list(arms)
    if not arms:
        raise ValueError("arms: choose at least one arm")
    _check_choice(endpoint, _ENDPOINTS, field="endpoint")
    _check_choice(model, MODELS, field="model")
    _check_choice(method, METHODS, field="method")
    seed = _seed(seed)
    for i, pair in enumerate(arms):
        if (
            isinstance(pair, (str, bytes))
            or not isinstance(pair, Sequence)
            or len(pair) != 2
            or not all(isinstance(x, str) for x in pair)
        ):
            raise ValueError(f"arms[{i}]: expected a (trial_id, arm_id) pair of names, got {_show(pair)}")
        if tuple(pair) in map(tuple, arms[:i]):
            raise ValueError(f"arms[{i}]: {tuple(pair)!r} is chosen twice")
    frames = []
    labels = []
    notes: list[str] = []
    for i, (tid, arm_id) in enumerate(arms):
        try:
            trial_arms = published_arms(tid, endpoint=endpoint)
        except ValueError as exc:
            raise ValueError(f"arms[{i}]: {exc}") from None
        found = [a for a in trial_arms if a.arm_id == arm_id]
        if not found:
            raise ValueError(f"arms: trial {tid!r} has no arm {arm_id!r}")
        a = found[0]
        if not a.has_summaries or a.n is None:
            raise ValueError(f"arms: {tid!r} {arm_id!r} reports no {endpoint} median or rates (or no n)")
        name = next(iter(_load("trials").query("trial_id == @tid")["name"]), tid)
        label = f"{name}: {a.label}"
        kwargs, why = _arm_censoring(a, "auto", None, None, unknown="last_point")
        if why:
            notes.append(f"{tid} {why}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataDiscrepancyWarning)  # already in a.notes
            df = simulate_arm(a.model(model=model), n=a.n, method=method, seed=seed + i, arm=label, **kwargs)
        notes += [f"{tid} {m}" for m in a.notes if f"{tid} {m}" not in notes]
        notes += [
            f"{tid} {a.arm_id}: {m}"
            for m in df.attrs.get("notes", [])
            if not m.startswith("DISCREPANCY") and f"{tid} {a.arm_id}: {m}" not in notes
        ]
        df.insert(1, "trial_id", tid)
        frames.append(df)
        labels.append(label)
    out = _stack_arms(frames, dict.fromkeys(labels))
    out.attrs.update({"synthetic": True, "endpoint": endpoint, "notes": notes})
    return out
