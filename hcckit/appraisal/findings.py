"""Findings and tolerances: Finding, CHECKS, SEVERITIES, Tolerances, and findings as a table."""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, fields

from hcckit.appraisal.printed import _show

SEVERITIES = ("error", "warning", "info", "pass")
#: Okabe-Ito colours, one per severity (colour-blind safe), in severity order: the one palette of
#: severities (charts, finding cards and the HTML of a Finding).
SEVERITY_COLOURS = {"error": "#D55E00", "warning": "#E69F00", "info": "#0072B2", "pass": "#009E73"}
_RANK = {s: i for i, s in enumerate(SEVERITIES)}

CHECKS = {
    "percentage": "percentage vs count / n at the printed precision (GRIM-style)",
    "category_sum": "CR + PR = ORR, CR + PR + SD = DCR, categories add up to n; AE grades add up",
    "hr_ci": "hazard ratio inside its CI and near the geometric mean of the bounds",
    "hr_p_value": "p-value implied by the HR and its CI (Altman & Bland) vs the printed p",
    "two_by_two": "printed p vs Fisher's exact and chi-square (with/without Yates) on the counts",
    "test_statistic": "printed p vs the p of a printed t or chi-square statistic (statcheck-style)",
    "two_means": "printed p of two means vs Student's and Welch's t, with ± read as SD and as SE",
    "chi2_counts": "printed chi-square vs the chi-square of the printed counts",
    "cohort_sd": "whole cohort's mean and SD vs its groups' means, SDs and sizes",
    "grim_mean": "a mean of whole numbers possible for n (GRIM)",
    "grimmer_sd": "an SD of whole numbers possible for its mean and n (GRIMMER)",
    "identifier": "trial registry number in its registry's format, issued before publication",
    "at_risk": "numbers at risk: n at time 0, never rising, coherent with landmark counts",
    "landmarks": "landmark rates never rise over time; PFS <= OS at the same time",
    "median_vs_landmarks": "median survival consistent with the landmark rates",
    "median_vs_rate_ci": "median's CI vs landmark rates' CIs (Brookmeyer-Crowley duality)",
    "median_vs_at_risk": "median vs numbers at risk (no median while more than half are at risk)",
    "median_ci": "median inside its confidence interval",
    "hr_vs_medians": "HR direction vs the arms' medians",
    "text_vs_table": "two printed versions of the same number (text vs table)",
    "recorded_discrepancy": "discrepancies recorded by the curator in the notes",
}


# --------------------------------------------------------------------------- tolerances
@dataclass(frozen=True)
class Tolerances:
    """Explicit tolerances of the audit, on top of the rounding implied by the printed precision.

    Attributes
    ----------
    percent_slack : float, default 0.0
        Extra percentage points allowed between a printed percentage and count / n.
    sum_slack : float, default 0.0
        Extra percentage points allowed in category sums made of printed percentages.
    hr_asymmetry : float, default 0.15
        How far the log HR may sit from the middle of its log CI, as a fraction of the log
        half-width, after allowing for rounding (0.15 = 15 %). Wald intervals are exactly
        symmetric; profile-likelihood or score intervals are slightly asymmetric.
    p_z_slack : float, default 0.10
        Allowed gap (in z units) between the z implied by an HR and its CI and the z of the
        printed p, after rounding (a different test - log-rank vs Wald - moves z a little).
    p_relative : float, default 0.10
        Relative slack (10 %) when matching a printed p to a recomputed 2x2 test, beyond rounding.
    p_gross_factor : float, default 10.0
        A printed p more than this factor away from every recomputation is an ``error`` even
        when the conclusion at ``alpha`` does not change.
    alpha : float, default 0.05
        Significance level used to say whether a discrepancy changes the conclusion.
    median_direction : float, default 0.10
        Relative difference between two medians (10 %) above which an HR pointing the other
        way is reported (``info``).
    """

    percent_slack: float = 0.0
    sum_slack: float = 0.0
    hr_asymmetry: float = 0.15
    p_z_slack: float = 0.10
    p_relative: float = 0.10
    p_gross_factor: float = 10.0
    alpha: float = 0.05
    median_direction: float = 0.10

    @classmethod
    def from_kwargs(cls, **kwargs) -> Tolerances:
        """Build from keyword arguments, naming any unknown or invalid tolerance."""
        known = {f.name for f in fields(cls)}
        for key, value in kwargs.items():
            if key not in known:
                raise ValueError(f"{key}: unknown tolerance; choose from {', '.join(sorted(known))}")
            if (
                isinstance(value, bool)
                or not isinstance(value, numbers.Real)
                or not math.isfinite(value)
                or value < 0
            ):
                raise ValueError(f"{key}: must be a number >= 0, got {_show(value)}")
        tol = cls(**kwargs)
        if not 0 < tol.alpha < 1:
            raise ValueError(f"alpha: must lie strictly between 0 and 1, got {_show(tol.alpha)}")
        if tol.p_gross_factor < 1:
            raise ValueError(f"p_gross_factor: must be >= 1, got {_show(tol.p_gross_factor)}")
        return tol


# --------------------------------------------------------------------------- findings
@dataclass(frozen=True)
class Finding:
    """One result of one check on one reported number.

    Attributes
    ----------
    check : str
        Name of the check (a key of :data:`CHECKS`).
    severity : str
        ``error``, ``warning``, ``info`` or ``pass`` (see the module docstring).
    reported : str
        What the source prints, as text with units (``"54.5 % (20/31)"``).
    recomputed : str
        What recomputation gives (``"20/31 = 64.5 %"``).
    message : str
        Plain-language explanation: what is inconsistent, what it may and may not mean.
    tolerance : str
        The tolerance used (``"±0.05 points: printed to 1 decimal"``).
    trial_id, arm_id, study : str
        Where the number comes from (empty for a number typed into a widget).
    what : str
        The number's name (``"ORR (mRECIST)"``).
    table, line, source_location : str, int or None, str
        Curated table, CSV line (header = line 1) and place in the publication.
    reported_value, recomputed_value : float or None
        The two numbers behind ``reported`` / ``recomputed`` (for charts).
    inputs : tuple of (name, value) pairs
        Everything needed to redo the check (used by the lesson's walkthrough).
    checked : bool
        False for a number the check could not read (*not checkable*: ``message`` says why);
        :func:`~hcckit.appraisal.audit` lists those apart, in ``attrs["not_checkable"]``.
    """

    check: str
    severity: str
    reported: str
    recomputed: str
    message: str
    tolerance: str = ""
    trial_id: str = ""
    arm_id: str = ""
    study: str = ""
    what: str = ""
    table: str = ""
    line: int | None = None
    source_location: str = ""
    reported_value: float | None = None
    recomputed_value: float | None = None
    inputs: tuple = ()
    checked: bool = True

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity: must be one of {SEVERITIES}, got {self.severity!r}")
        if self.check not in CHECKS:
            raise ValueError(f"check: unknown check {self.check!r}")

    @property
    def passed(self) -> bool:
        """True when the check found nothing."""
        return self.severity == "pass"

    def inputs_dict(self) -> dict:
        """The inputs as a dict."""
        return dict(self.inputs)

    def __str__(self) -> str:
        where = " / ".join(x for x in (self.trial_id, self.arm_id, self.what) if x)
        head = f"[{self.severity.upper()}] {self.check}" + (f" - {where}" if where else "")
        return f"{head}: reported {self.reported}; recomputed {self.recomputed}. {self.message}"

    def _repr_html_(self) -> str:
        colour = SEVERITY_COLOURS[self.severity]
        where = " / ".join(html.escape(x) for x in (self.trial_id, self.arm_id, self.what) if x)
        return (
            f"<div class='hcckit-finding' style='border-left:4px solid {colour};padding:4px 8px;margin:4px 0'>"
            f"<b style='color:#333'>{self.severity.upper()}</b> <code>{html.escape(self.check)}</code> {where}<br>"
            f"reported: <b>{html.escape(self.reported)}</b> &nbsp; recomputed: <b>{html.escape(self.recomputed)}</b>"
            f"{' &nbsp; tolerance: ' + html.escape(self.tolerance) if self.tolerance else ''}<br>"
            f"{html.escape(self.message)}</div>"
        )


def _not_checkable(check: str, what: str, why: str) -> Finding:
    """The finding for a number ``check`` could not read: ``checked=False``, ``message`` says why."""
    return Finding(check, "info", what, "not checkable", f"Not checkable: {why}", what=what, checked=False)


def _finding(check, severity, reported, recomputed, message, **kw) -> Finding:
    inputs = kw.pop("inputs", {})
    return Finding(check, severity, reported, recomputed, message, inputs=tuple(inputs.items()), **kw)


_COLUMNS = [
    "trial_id",
    "arm_id",
    "study",
    "what",
    "check",
    "severity",
    "reported",
    "recomputed",
    "tolerance",
    "message",
    "table",
    "line",
    "source_location",
    "reported_value",
    "recomputed_value",
    "inputs",
]


def findings_frame(findings: Sequence[Finding]):
    """Findings as a DataFrame (the columns of :func:`audit`); ``inputs`` becomes a dict."""
    import pandas as pd

    rows = []
    for f in findings:
        if not isinstance(f, Finding):
            raise TypeError(f"findings: expected Finding objects, got {type(f).__name__}")
        d = {c: getattr(f, c) for c in _COLUMNS if c != "inputs"}
        d["inputs"] = f.inputs_dict()
        rows.append(d)
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    frame["line"] = frame["line"].astype("Int64")
    for c in ("reported_value", "recomputed_value"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    return frame
