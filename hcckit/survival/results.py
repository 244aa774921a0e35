"""Result objects of the survival analyses: medians, hazard ratios, log-rank, RMST, comparisons.

Frozen dataclasses with a text form (``text``, ``__str__``) and one HTML rendering
(``_repr_html_``, a two-column table). Intervals are ``ci_low``/``ci_high`` at confidence
``level`` (0-1); the old names ``ci_lower``, ``ci_upper`` and ``ci_level`` still read, with a
``DeprecationWarning``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hcckit._deprecation import renamed_attribute
from hcckit.survival._format import _fmt, _fmt_p, _fmt_t, _html_table

__all__ = [
    "MedianResult",
    "LogRankResult",
    "HazardRatioResult",
    "RMSTResult",
    "RMSTDifference",
    "ArmComparison",
    "HRConsistency",
    "ReconstructionReport",
]


class _OldBoundNames:
    """Read-only old names of an interval's bounds: ``ci_lower``, ``ci_upper`` (DeprecationWarning)."""

    ci_lower = renamed_attribute("ci_low", "ci_lower")
    ci_upper = renamed_attribute("ci_high", "ci_upper")


class _OldIntervalNames(_OldBoundNames):
    """Also ``ci_level`` for ``level``."""

    ci_level = renamed_attribute("level", "ci_level")


@dataclass(frozen=True)
class HRConsistency:
    """Do two published medians and a published hazard ratio tell the same story?

    Under exponential survival in both arms HR = control median / experimental median. When the
    trial's HR differs, the curves are not exponential (or not proportional), or the summaries
    come from different analyses.
    """

    control_median: float
    experimental_median: float
    reported_hr: float
    reported_ci: tuple[float | None, float | None]
    implied_hr: float
    implied_experimental_median: float

    @property
    def within_ci(self) -> bool | None:
        """Is the median-implied HR inside the reported confidence interval (None without a CI)?"""
        lo, hi = self.reported_ci
        if lo is None or hi is None:
            return None
        return lo <= self.implied_hr <= hi

    @property
    def message(self) -> str:
        """One sentence for learners."""
        ci = self.reported_ci
        ci_txt = f" (95% CI {ci[0]:.2f}-{ci[1]:.2f})" if ci[0] is not None and ci[1] is not None else ""
        verdict = {
            True: "inside the reported interval, but the point estimates differ",
            False: "OUTSIDE the reported interval",
            None: "not comparable with an interval (none reported)",
        }[self.within_ci]
        return (
            f"Medians {self.control_median:g} vs {self.experimental_median:g} months imply HR "
            f"{self.implied_hr:.2f} under exponential survival; the trial reports {self.reported_hr:.2f}{ci_txt}: "
            f"{verdict}. HR {self.reported_hr:.2f} applied to the control would give a median of "
            f"{self.implied_experimental_median:.1f} months."
        )

    def _repr_html_(self) -> str:
        rows = [
            (
                "medians (control, experimental)",
                f"{self.control_median:g}, {self.experimental_median:g} months",
            ),
            ("HR implied by the medians (exponential)", f"{self.implied_hr:.2f}"),
            ("HR reported", f"{self.reported_hr:.2f}"),
            ("median implied by the reported HR", f"{self.implied_experimental_median:.1f} months"),
        ]
        return _html_table("Medians vs hazard ratio", rows, note=self.message)


@dataclass(frozen=True, eq=False)
class ReconstructionReport:
    """How well rebuilt pseudo-patients reproduce the input curve (and numbers at risk).

    Attributes
    ----------
    max_abs_error, mean_abs_error : float
        Largest and mean absolute difference (survival, 0-1) between the KM of the rebuilt data
        and the input points.
    n, events : int
        Rebuilt patients and events.
    at_risk_max_diff : int or None
        Largest difference between rebuilt and published numbers at risk (patients).
    table : DataFrame
        ``time``, ``survival_input``, ``survival_rebuilt``, ``difference``.
    """

    max_abs_error: float
    mean_abs_error: float
    n: int
    events: int
    at_risk_max_diff: int | None
    table: pd.DataFrame = field(repr=False)

    def _repr_html_(self) -> str:
        rows = [
            ("patients / events", f"{self.n} / {self.events}"),
            ("largest survival error", f"{self.max_abs_error:.1%}"),
            ("mean survival error", f"{self.mean_abs_error:.2%}"),
        ]
        if self.at_risk_max_diff is not None:
            rows.append(("largest at-risk difference", f"{self.at_risk_max_diff} patients"))
        return _html_table("Reconstruction error (KM of the rebuilt data vs input points)", rows)


@dataclass(frozen=True)
class MedianResult(_OldIntervalNames):
    """Median survival (months) with its confidence interval; ``inf`` means "not reached"."""

    median: float
    ci_low: float
    ci_high: float
    n: int
    events: int
    arm: str = "all"
    level: float = 0.95

    @property
    def reached(self) -> bool:
        """False when fewer than half the patients had an event by the end of follow-up."""
        return math.isfinite(self.median)

    @property
    def text(self) -> str:
        """E.g. ``8.4 months (95% CI 6.1-10.2)`` or ``not reached (95% CI 24.3-NR)``."""
        level = f"{self.level:.0%} CI"
        head = f"{self.median:.1f} months" if self.reached else "not reached"
        return f"{head} ({level} {_fmt(self.ci_low)}-{_fmt(self.ci_high)})"

    def __str__(self) -> str:
        return f"{self.arm}: median {self.text}"

    def _repr_html_(self) -> str:
        rows = [("median", self.text), ("patients / events", f"{self.n} / {self.events}")]
        return _html_table(f"Median survival - {self.arm}", rows, note="NR = not reached")


@dataclass(frozen=True)
class LogRankResult:
    """Log-rank test (H0: the arms have the same survival). Weak when curves cross."""

    statistic: float
    p_value: float
    df: int
    arms: tuple[str, ...]

    @property
    def text(self) -> str:
        return f"log-rank {_fmt_p(self.p_value)}"

    def __str__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        rows = [
            ("arms", ", ".join(self.arms)),
            ("chi-square", f"{self.statistic:.2f} on {self.df} df"),
            ("p", _fmt_p(self.p_value)),
        ]
        return _html_table(
            "Log-rank test", rows, note="H0: same survival in all arms; low power when the curves cross."
        )


@dataclass(frozen=True)
class HazardRatioResult(_OldIntervalNames):
    """A hazard ratio of ``arm`` vs ``reference`` with its CI and p (HR < 1 favours ``arm``)."""

    hazard_ratio: float
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    arm: str
    reference: str
    level: float = 0.95
    p_operator: str = "="
    method: str = "Cox proportional hazards (lifelines)"
    synthetic: bool = True

    @property
    def text(self) -> str:
        """E.g. ``HR 0.58 (95% CI 0.37-0.91)``."""
        ci = ""
        if self.ci_low is not None and self.ci_high is not None:
            ci = f" ({self.level:.0%} CI {self.ci_low:.2f}-{self.ci_high:.2f})"
        return f"HR {self.hazard_ratio:.2f}{ci}"

    @property
    def p_text(self) -> str:
        """The p-value as reported (``p < 0.001`` when printed with "<")."""
        if self.p_value is None:
            return "p not reported"
        if self.p_operator in ("<", ">"):
            return f"p {self.p_operator} {self.p_value:g}"
        return _fmt_p(self.p_value)

    def __str__(self) -> str:
        p = f", {self.p_text}" if self.p_value is not None else ""
        return f"{self.arm} vs {self.reference}: {self.text}{p}"

    def _repr_html_(self) -> str:
        rows = [
            ("comparison", f"{self.arm} vs {self.reference}"),
            ("hazard ratio", self.text),
            ("p", self.p_text if self.p_value is not None else "not reported"),
            ("method", self.method),
        ]
        note = "HR < 1 favours the first arm. " + (
            "Estimated from SYNTHETIC pseudo-patients." if self.synthetic else ""
        )
        return _html_table("Hazard ratio", rows, note=note)


@dataclass(frozen=True)
class RMSTResult(_OldIntervalNames):
    """Restricted mean survival time: mean months lived event-free up to ``tau`` months."""

    rmst: float
    se: float
    ci_low: float
    ci_high: float
    tau: float
    arm: str = "all"
    level: float = 0.95

    @property
    def text(self) -> str:
        return (
            f"RMST to {_fmt_t(self.tau)} months: {self.rmst:.1f} months "
            f"({self.level:.0%} CI {self.ci_low:.1f}-{self.ci_high:.1f})"
        )

    def _repr_html_(self) -> str:
        return _html_table(f"Restricted mean survival time - {self.arm}", [("RMST", self.text)])


@dataclass(frozen=True)
class RMSTDifference(_OldBoundNames):
    """Difference in RMST (months), ``arm`` minus ``reference``, up to ``tau`` months."""

    difference: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    tau: float
    arm: RMSTResult
    reference: RMSTResult

    @property
    def text(self) -> str:
        return (
            f"RMST difference to {_fmt_t(self.tau)} months: {self.difference:+.1f} months "
            f"({self.arm.level:.0%} CI {self.ci_low:+.1f} to {self.ci_high:+.1f})"
        )

    def _repr_html_(self) -> str:
        rows = [
            (self.arm.arm, f"{self.arm.rmst:.1f} months"),
            (self.reference.arm, f"{self.reference.rmst:.1f} months"),
            ("difference", self.text),
            ("p", _fmt_p(self.p_value)),
        ]
        return _html_table(
            f"Restricted mean survival time to {_fmt_t(self.tau)} months",
            rows,
            note="Area under each Kaplan-Meier curve up to tau: months lived event-free, on average.",
        )


@dataclass(frozen=True, eq=False)
class ArmComparison:
    """Everything a two-arm survival comparison reports: medians, HR, log-rank, RMST difference."""

    medians: tuple[MedianResult, ...]
    hazard_ratio: HazardRatioResult
    logrank: LogRankResult
    rmst: RMSTDifference
    synthetic: bool = True

    @property
    def annotation(self) -> list[str]:
        """Lines for a chart annotation: HR with CI and log-rank p."""
        return [
            self.hazard_ratio.text + f" ({self.hazard_ratio.arm} vs {self.hazard_ratio.reference})",
            self.logrank.text,
        ]

    def table(self) -> pd.DataFrame:
        """Tidy summary: ``arm``, ``n``, ``events``, ``median``, ``median_ci_low``, ``median_ci_high`` (months), ``rmst`` (months)."""
        rm = {self.rmst.arm.arm: self.rmst.arm.rmst, self.rmst.reference.arm: self.rmst.reference.rmst}
        return pd.DataFrame(
            [
                {
                    "arm": m.arm,
                    "n": m.n,
                    "events": m.events,
                    "median": m.median,
                    "median_ci_low": m.ci_low,
                    "median_ci_high": m.ci_high,
                    "median_text": m.text,
                    "rmst": rm.get(m.arm, np.nan),
                }
                for m in self.medians
            ]
        )

    def _repr_html_(self) -> str:
        rows = [(f"median - {m.arm}", m.text) for m in self.medians]
        rows += [
            ("hazard ratio", f"{self.hazard_ratio.text}, {_fmt_p(self.hazard_ratio.p_value)}"),
            ("log-rank", _fmt_p(self.logrank.p_value)),
            ("RMST difference", self.rmst.text),
        ]
        note = "Computed from SYNTHETIC pseudo-patients, not trial data." if self.synthetic else ""
        return _html_table(f"{self.hazard_ratio.arm} vs {self.hazard_ratio.reference}", rows, note=note)
