"""Consistency audit of reported trial numbers: recompute what a report prints and say what disagrees.

statcheck recomputes p-values from test statistics and the GRIM test asks whether a mean is
possible for its n; this module does the same for oncology trial tables:

* **percentage** - a percentage against its count and denominator, allowing for the precision it
  is printed with (GRIM-style: is the percentage possible at all for that n?);
* **category_sum** - CR + PR = ORR, CR + PR + SD = DCR, CR + PR + SD + PD = patients evaluated;
  adverse-event grade columns against the any-grade column;
* **hr_ci** - a hazard ratio inside its confidence interval and near the geometric mean of the
  bounds (a Wald interval is symmetric on the log scale), at the interval's level;
* **hr_p_value** - the p-value implied by the HR and its interval (Altman & Bland) against the
  printed p;
* **two_by_two** - a printed p recomputed from the two arms' counts with Fisher's exact test and
  the chi-square test with and without continuity correction;
* **test_statistic** - a printed p recomputed from a printed t or chi-square statistic (statcheck);
* **at_risk**, **landmarks**, **median_vs_landmarks**, **median_ci**, **hr_vs_medians** - survival
  coherence: numbers at risk start at n and never rise, landmark rates never rise, PFS <= OS,
  the median agrees with the landmarks and sits inside its interval;
* **text_vs_table** - two printed versions of the same number (text and table) that disagree;
* **recorded_discrepancy** - every discrepancy a curator recorded in the notes (``DISCREPANCY:``).

Every check is a small function over single values (:func:`check_percentage`,
:func:`check_categories`, :func:`check_hr_ci`, :func:`check_two_by_two`,
:func:`check_test_statistic`, :func:`check_at_risk`, :func:`check_landmarks`) returning :class:`Finding` objects; :func:`audit` runs them over the
curated tables (or any tables of the same shape) and returns one row per finding.

Severity
--------
``error``   impossible or contradictory as printed (20/31 printed as 54.5 %);
``warning`` a likely problem, or an inconsistency with a possible innocent cause that the report
            does not state (a percentage impossible for the printed arm size);
``info``    explained by design or a documented definition (a weighted analysis, DCR requiring
            SD >= 6 months, a one-sided test), or worth knowing but not changing a conclusion;
``pass``    checked and consistent (only with ``include_passed=True``).

Rounding alone never raises a finding: each printed number is taken to stand for every value
that rounds to it at the precision it is printed with (``"67.4"``: 67.35 to 67.45).

References
----------
Altman DG, Bland JM. How to obtain the P value from a confidence interval. BMJ 2011;343:d2304.
Brown NJL, Heathers JAJ. The GRIM test. Soc Psychol Personal Sci 2017;8:363-9.
Nuijten MB et al. The prevalence of statistical reporting errors in psychology (statcheck).
Behav Res Methods 2016;48:1205-26.
"""

from __future__ import annotations

import html
import math
import numbers
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from hcckit import stats
from hcckit.stats import MAX_DECIMALS

__all__ = [
    "MAX_N",
    "SEVERITIES",
    "CHECKS",
    "Tolerances",
    "Finding",
    "printed_decimals",
    "possible_counts",
    "implied_p_value",
    "check_percentage",
    "check_categories",
    "check_hr_ci",
    "check_two_by_two",
    "check_at_risk",
    "check_landmarks",
    "check_test_statistic",
    "audit",
    "findings_frame",
    "summary",
    "report",
    "grim_table",
    "hr_ci_table",
    "two_by_two_table",
    "hr_ci_frame",
    "figure_data",
]

SEVERITIES = ("error", "warning", "info", "pass")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}

CHECKS = {
    "percentage": "percentage vs count / n at the printed precision (GRIM-style)",
    "category_sum": "CR + PR = ORR, CR + PR + SD = DCR, categories add up to n; AE grades add up",
    "hr_ci": "hazard ratio inside its CI and near the geometric mean of the bounds",
    "hr_p_value": "p-value implied by the HR and its CI (Altman & Bland) vs the printed p",
    "two_by_two": "printed p vs Fisher's exact and chi-square (with/without Yates) on the counts",
    "test_statistic": "printed p vs the p of a printed t or chi-square statistic (statcheck-style)",
    "at_risk": "numbers at risk: n at time 0, never rising, coherent with landmark counts",
    "landmarks": "landmark rates never rise over time; PFS <= OS at the same time",
    "median_vs_landmarks": "median survival consistent with the landmark rates",
    "median_ci": "median inside its confidence interval",
    "hr_vs_medians": "HR direction vs the arms' medians",
    "text_vs_table": "two printed versions of the same number (text vs table)",
    "recorded_discrepancy": "discrepancies recorded by the curator in the notes",
}

RESPONSE = ("CR", "PR", "SD", "PD", "ORR", "DCR")
_WEIGHTED = re.compile(r"sIPTW|IPTW|weight|propensity|matched|matching", re.I)
_DCR_DEFINED = re.compile(r"DCR[^.]*defined|defined as[^.]*(maintained|lasting)|SD[^.]*(>=|≥)\s*\d", re.I)


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
        colour = {"error": "#B00020", "warning": "#7A4B00", "info": "#084C8D", "pass": "#1B5E20"}[
            self.severity
        ]
        where = " / ".join(html.escape(x) for x in (self.trial_id, self.arm_id, self.what) if x)
        return (
            f"<div class='hcckit-finding' style='border-left:4px solid {colour};padding:4px 8px;margin:4px 0'>"
            f"<b style='color:{colour}'>{self.severity.upper()}</b> <code>{html.escape(self.check)}</code> {where}<br>"
            f"reported: <b>{html.escape(self.reported)}</b> &nbsp; recomputed: <b>{html.escape(self.recomputed)}</b>"
            f"{' &nbsp; tolerance: ' + html.escape(self.tolerance) if self.tolerance else ''}<br>"
            f"{html.escape(self.message)}</div>"
        )


def _finding(check, severity, reported, recomputed, message, **kw) -> Finding:
    inputs = kw.pop("inputs", {})
    return Finding(check, severity, reported, recomputed, message, inputs=tuple(inputs.items()), **kw)


# --------------------------------------------------------------------------- number helpers
def _missing(x) -> bool:
    if x is None:
        return True
    try:
        import pandas as pd

        if x is pd.NA or x is pd.NaT:
            return True
    except ImportError:  # pragma: no cover
        pass
    if isinstance(x, str):
        return x.strip() == ""
    if isinstance(x, float):
        return math.isnan(x)
    return False


#: Most decimals a printed number may carry: :data:`hcckit.stats.MAX_DECIMALS` (15).
#: Largest magnitude of a printed number (patients, percentages, ratios, statistics are far below).
MAX_MAGNITUDE = Decimal("1e15")


def _show(value) -> str:
    """``value`` for a message: numpy scalars as plain Python numbers, long text shortened."""
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        try:
            value = value.item()
        except (TypeError, ValueError):  # pragma: no cover - a numpy array
            return type(value).__name__
    text = repr(value) if isinstance(value, str | int | float | Decimal | bool | type(None)) else None
    if text is None:
        text = type(value).__name__ if not isinstance(value, Fraction) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _decimal(value, name: str) -> Decimal:
    """``value`` (text as printed, or a number) as a Decimal; ValueError naming ``name``."""
    if isinstance(value, bool) or _missing(value):
        raise ValueError(f"{name}: a number is required, got {_show(value)}")
    if isinstance(value, Decimal):
        out = value
    elif isinstance(value, str):
        text = value.strip().replace("%", "").replace("\u2212", "-").strip()
        try:
            out = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{name}: {_show(value)} is not a number") from None
    elif isinstance(value, numbers.Integral):
        out = Decimal(int(value))
    elif isinstance(value, numbers.Real):
        if not math.isfinite(float(value)):
            raise ValueError(f"{name}: must be finite, got {_show(value)}")
        out = Decimal(repr(float(value)))
        if abs(out) < MAX_MAGNITUDE and out == out.to_integral_value():
            out = out.quantize(Decimal(1))
        else:
            out = out.normalize()
    else:
        raise TypeError(f"{name}: expected a number or its printed text, got {type(value).__name__}")
    if not out.is_finite():
        raise ValueError(f"{name}: must be finite, got {_show(value)}")
    if abs(out) > MAX_MAGNITUDE:
        raise ValueError(f"{name}: {_show(value)} is too large for a reported number (limit 1e15)")
    if isinstance(value, str) and -int(out.as_tuple().exponent) > MAX_DECIMALS:
        raise ValueError(f"{name}: {_show(value)} has more than {MAX_DECIMALS} decimals")
    return out


def printed_decimals(value) -> int:
    """Number of decimals ``value`` is printed with.

    Text keeps trailing zeros (``"68.90"`` -> 2, ``"7"`` -> 0); a float cannot, so it gets the
    fewest decimals that print it (``68.9`` -> 1, ``7.0`` -> 0), which is the lenient choice.
    """
    exponent = _decimal(value, "value").as_tuple().exponent
    # text has at most MAX_DECIMALS (checked by _decimal); a computed float such as 1e-300 is
    # taken at MAX_DECIMALS, which keeps its rounding window and the arithmetic finite
    return min(max(0, -int(exponent)), MAX_DECIMALS)


def _fmt(x: Fraction | float, d: int) -> str:
    """Round half up to ``d`` decimals, as a printed number."""
    q = Decimal(1).scaleb(-d)
    dec = (
        Decimal(x.numerator) / Decimal(x.denominator) if isinstance(x, Fraction) else Decimal(repr(float(x)))
    )
    return str(dec.quantize(q, rounding=ROUND_HALF_UP))


def _fmt_p(p: float) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "n/a"
    if p < 1e-300:  # below the smallest double a p-value is computed to (it underflows to 0)
        return "< 1e-300"
    if p < 0.0001:
        return f"{p:.1e}"
    if p < 0.001:
        return f"{p:.5f}".rstrip("0")
    return f"{p:.4f}".rstrip("0").rstrip(".") if p < 0.1 else f"{p:.3f}"


#: Largest number of patients (n, n_a, n_b) a check accepts: beyond any HCC trial arm, and it keeps a
#: typed number from making the server allocate or iterate without bound (issue 14).
MAX_N = 100_000


def _int(value, name: str, *, minimum: int = 0, maximum: int | None = None, unit: str = "patients") -> int:
    if isinstance(value, bool) or _missing(value):
        raise ValueError(f"{name}: a whole number is required, got {_show(value)}")
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{name}: {_show(value)} is not a whole number") from None
    try:
        out = int(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name}: {_show(value)} is not a whole number") from None
    if out != value:
        raise ValueError(f"{name}: must be a whole number, got {_show(value)}")
    if out < minimum:
        raise ValueError(f"{name}: must be >= {minimum}, got {out}")
    if maximum is not None and out > maximum:
        raise ValueError(f"{name}: {out:,} is more than the {maximum:,} {unit} this check accepts")
    return out


#: Longest time (months) a survival check accepts: 100 years, beyond any follow-up.
MAX_MONTHS = 1200


def _months(value, name: str) -> float:
    """A time in months, 0 to :data:`MAX_MONTHS`; ValueError naming ``name`` otherwise."""
    t = _decimal(value, name)
    if not 0 <= t <= MAX_MONTHS:
        raise ValueError(f"{name}: a time must lie in 0-{MAX_MONTHS} months, got {_show(value)}")
    return float(t)


def _percent(value, name: str) -> Decimal:
    """A printed rate or percentage (%), 0 to 100; ValueError naming ``name`` otherwise."""
    out = _decimal(value, name)
    if not 0 <= out <= 100:
        raise ValueError(f"{name}: a rate must lie in 0-100 %, got {_show(value)}")
    return out


def _one_digit_apart(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _slack(slack) -> float:
    """A slack in percentage points: a finite number in 0-100; ValueError/TypeError naming it."""
    if isinstance(slack, bool) or not isinstance(slack, numbers.Real):
        raise TypeError(f"slack: expected a number of percentage points, got {type(slack).__name__}")
    slack = float(slack)
    if not (math.isfinite(slack) and 0 <= slack <= 100):
        raise ValueError(f"slack: must be a number of percentage points in 0-100, got {_show(slack)}")
    return slack


def _tol_text(d: int, slack: float = 0.0, unit: str = "points") -> str:
    half = _fmt(Fraction(1, 2 * 10**d), d + 1)
    extra = f" + {slack:g} slack" if slack else ""
    return f"±{half} {unit}{extra} (printed to {d} decimal{'s' if d != 1 else ''})"


# --------------------------------------------------------------------------- percentage (GRIM)
def possible_counts(n: int, percent, *, decimals: int | None = None, slack: float = 0.0) -> list[int]:
    """Counts ``k`` (0..n) whose percentage ``100 k / n`` prints as ``percent`` at ``decimals``.

    An empty list means the printed percentage is impossible for that denominator (the GRIM test).

    Examples
    --------
    >>> possible_counts(31, "54.5")
    []
    >>> possible_counts(45, "7")
    [3]
    """
    n = _int(n, "n", minimum=1, maximum=MAX_N)
    rep = _decimal(percent, "percent")
    d = (
        printed_decimals(percent)
        if decimals is None
        else _int(decimals, "decimals", maximum=MAX_DECIMALS, unit="decimals")
    )
    slack = _slack(slack)
    reported = Fraction(rep)
    extra = Fraction(slack).limit_denominator(10**6)
    half = Fraction(1, 2 * 10**d) + extra
    lo = math.floor((reported - half) * n / 100)
    hi = math.ceil((reported + half) * n / 100)
    return [
        k
        for k in range(max(lo, 0), min(hi, n) + 1)
        if stats.percent_prints_as(k, n, reported, decimals=d, slack=extra)
    ]


def _nearest_possible(n: int, reported: Fraction, d: int) -> str:
    k = math.floor(reported * n / 100)
    options = [j for j in (k, k + 1) if 0 <= j <= n]
    return " or ".join(f"{j}/{n} = {_fmt(Fraction(100 * j, n), d)} %" for j in options)


def check_percentage(
    count,
    n,
    percent,
    *,
    decimals: int | None = None,
    denominator: str = "exact",
    slack: float = 0.0,
) -> list[Finding]:
    """Is a printed percentage consistent with its count and denominator, at its printed precision?

    Parameters
    ----------
    count : int or None
        Patients with the outcome; ``None`` when the source gives only the percentage (then only
        the GRIM question is asked: is the percentage possible for any count out of ``n``?).
    n : int
        Denominator printed with the percentage (patients).
    percent : str or float
        The percentage as printed (%). Give the printed text (``"30.0"``) so trailing zeros count.
    decimals : int, optional
        Printed precision; default: read from ``percent`` (see :func:`printed_decimals`).
    denominator : {"exact", "arm_size", "weighted"}, default "exact"
        What ``n`` is. ``"exact"``: the denominator of this percentage (count and n from the
        paper). ``"arm_size"``: the arm size printed next to the percentage, which may not be
        the denominator (evaluable patients). ``"weighted"``: the percentage comes from a
        weighted or matched analysis (sIPTW, propensity matching, MAIC), so it need not be k/n.
        Sets the severity of an impossible percentage: error / warning / info.
    slack : float, default 0
        Extra percentage points allowed beyond the printed rounding.

    Returns
    -------
    list of Finding
        One ``percentage`` finding (``severity="pass"`` when consistent).

    Examples
    --------
    >>> check_percentage(20, 31, "54.5")[0].severity
    'error'
    >>> check_percentage(3, 45, "7")[0].severity
    'pass'
    """
    n = _int(n, "n", minimum=1, maximum=MAX_N)
    slack = _slack(slack)
    if not isinstance(denominator, str) or denominator not in ("exact", "arm_size", "weighted"):
        raise ValueError(f"denominator: must be 'exact', 'arm_size' or 'weighted', got {_show(denominator)}")
    rep_dec = _decimal(percent, "percent")
    if not 0 <= rep_dec <= 100:
        raise ValueError(f"percent: must lie in 0-100, got {_show(percent)}")
    d = (
        printed_decimals(percent)
        if decimals is None
        else _int(decimals, "decimals", maximum=MAX_DECIMALS, unit="decimals")
    )
    reported = Fraction(rep_dec)
    rep_txt = _fmt(reported, d)
    half = Fraction(1, 2 * 10**d)
    allowed = half + Fraction(slack).limit_denominator(10**6)
    tol = _tol_text(d, slack)
    possible = possible_counts(n, percent, decimals=d, slack=slack)
    inputs = {"count": None, "n": n, "percent": rep_txt, "decimals": d, "denominator": denominator}

    if _missing(count):
        kw = dict(tolerance=tol, reported_value=float(reported), inputs=inputs)
        if possible:
            ks = ", ".join(str(k) for k in possible[:4]) + (" ..." if len(possible) > 4 else "")
            return [
                _finding(
                    "percentage",
                    "pass",
                    f"{rep_txt} % of {n}",
                    f"possible: {ks} of {n}",
                    f"{rep_txt} % is possible for n = {n} (count {ks}). This does not prove the denominator "
                    f"is {n}; it only means nothing is impossible.",
                    recomputed_value=float(Fraction(100 * possible[0], n)),
                    **kw,
                )
            ]
        nearest = _nearest_possible(n, reported, d)
        if denominator == "weighted":
            severity = "info"
            meaning = (
                "The source reports a weighted or matched analysis (e.g. sIPTW, propensity matching, MAIC): "
                "such percentages are weighted averages, not k/n, so this is expected and says nothing "
                "about an error. It does mean the reader cannot recover the number of responders."
            )
        elif denominator == "arm_size":
            severity = "warning"
            meaning = (
                f"The percentage is not of the {n} patients printed next to it: its denominator is some other "
                "group (often the patients evaluable for response, or a matched sample) that the report does "
                "not state. That is not proof of an error, but the reader cannot tell how many patients "
                "responded or whether all randomised patients were analysed."
            )
        else:
            severity = "error"
            meaning = (
                "If n is really the denominator, the printed percentage cannot be right: a typing error in "
                "the percentage or in n is the usual cause."
            )
        return [
            _finding(
                "percentage",
                severity,
                f"{rep_txt} % of {n}",
                f"no count out of {n} gives {rep_txt} %",
                f"GRIM test: no whole number of patients out of {n} gives {rep_txt} % (nearest: {nearest}). "
                + meaning,
                **kw,
            )
        ]

    count = _int(count, "count")
    if count > n:
        raise ValueError(f"count: must be <= n ({n}), got {count}")
    exact = Fraction(100 * count, n)
    exact_txt = _fmt(exact, d)
    diff = reported - exact
    kw = dict(
        tolerance=tol,
        reported_value=float(reported),
        recomputed_value=float(exact),
        inputs={**inputs, "count": count},
    )
    recomputed = f"{count}/{n} = {_fmt(exact, d + 1)} % (prints as {exact_txt} %)"
    if stats.percent_prints_as(count, n, reported, decimals=d, slack=slack):
        return [
            _finding(
                "percentage",
                "pass",
                f"{rep_txt} % ({count}/{n})",
                recomputed,
                f"{count}/{n} = {_fmt(exact, d + 2)} %, which rounds to the printed {rep_txt} %.",
                **kw,
            )
        ]
    unit = Fraction(1, 10**d)
    truncated = Fraction(math.floor(exact * 10**d), 10**d)
    rounded_up = Fraction(math.ceil(exact * 10**d), 10**d)
    if reported in (truncated, rounded_up) and abs(diff) < unit + allowed:
        how = "cutting off (truncating) the digits" if reported == truncated else "rounding up"
        return [
            _finding(
                "percentage",
                "warning",
                f"{rep_txt} % ({count}/{n})",
                recomputed,
                f"{count}/{n} = {_fmt(exact, d + 2)} % rounds to {exact_txt} %, but {rep_txt} % is printed: "
                f"what you get by {how} instead of rounding. A slip in the last digit; it changes no "
                "conclusion, but other percentages from the same table may be off by one in the last digit too.",
                **kw,
            )
        ]
    parts = [f"{count}/{n} = {_fmt(exact, d + 2)} %, which prints as {exact_txt} %, not {rep_txt} %."]
    if not possible:
        parts.append(
            f"No whole number of patients out of {n} gives {rep_txt} % at all (GRIM test; nearest: "
            f"{_nearest_possible(n, reported, d)})."
        )
    elif count not in possible:
        ks = ", ".join(str(k) for k in possible[:4])
        parts.append(f"{rep_txt} % would fit a count of {ks} out of {n}, not {count}.")
    if _one_digit_apart(rep_txt, exact_txt):
        parts.append(
            f"The two differ in a single digit ({exact_txt} vs {rep_txt}): most likely a typing error."
        )
    parts.append("The count and the percentage cannot both be right as printed.")
    return [_finding("percentage", "error", f"{rep_txt} % ({count}/{n})", recomputed, " ".join(parts), **kw)]


# --------------------------------------------------------------------------- categories
def _term(name, counts, percents, n):
    """(exact percent Fraction or None, error Fraction, text, count or None) for one category."""
    c = counts.get(name) if counts else None
    p = percents.get(name) if percents else None
    if not _missing(c):
        c = _int(c, f"counts[{_show(name)}]")
        if n:
            return Fraction(100 * c, n), Fraction(0), f"{name} {c}", c
        if _missing(p):
            return None, Fraction(0), f"{name} {c}", c
    if not _missing(p):
        dec = _decimal(p, f"percents[{_show(name)}]")
        d = printed_decimals(p)
        return Fraction(dec), Fraction(1, 2 * 10**d), f"{name} {_fmt(Fraction(dec), d)} %", None
    return None


def check_categories(
    counts: Mapping,
    *,
    n=None,
    percents: Mapping | None = None,
    dcr_definition: str | None = None,
    slack: float = 0.0,
) -> list[Finding]:
    """Response-category arithmetic: CR + PR = ORR, CR + PR + SD = DCR, CR + PR + SD + PD = n.

    Parameters
    ----------
    counts : mapping
        Patients per category, keys among ``CR, PR, SD, PD, ORR, DCR`` (missing or ``None`` = not
        reported).
    n : int, optional
        Patients evaluated for response (the denominator of the categories).
    percents : mapping, optional
        Printed percentages per category (%, text as printed preferred); used where a count is
        missing. Sums of printed percentages are allowed the sum of their rounding errors.
    dcr_definition : str, optional
        How the trial defines DCR when it differs from CR + PR + SD (e.g. "SD maintained
        >= 6 months"); a DCR below CR + PR + SD is then ``info``, not ``error``.
    slack : float, default 0
        Extra percentage points allowed in sums of printed percentages.

    Returns
    -------
    list of Finding
        ``category_sum`` findings for every equation whose terms are all reported.
    """
    for arg, value in (("counts", counts), ("percents", percents)):
        if value is not None and not isinstance(value, Mapping):
            raise TypeError(
                f"{arg}: expected a mapping of response category to value, e.g. {{'CR': 3, 'PR': 10}}, "
                f"got {type(value).__name__}"
            )
    counts = dict(counts or {})
    percents = dict(percents or {})
    slack = _slack(slack)
    n = None if _missing(n) else _int(n, "n", minimum=1, maximum=MAX_N)
    out: list[Finding] = []
    equations = [("ORR", ("CR", "PR")), ("DCR", ("CR", "PR", "SD")), ("n", ("CR", "PR", "SD", "PD"))]
    for target, parts in equations:
        terms = [_term(p, counts, percents, n) for p in parts]
        if target == "n":
            if n is None and not all(t and t[3] is None for t in terms):
                # without n, only percentages can be summed against 100 %
                if not all(t and t[0] is not None for t in terms):
                    continue
            lhs = (Fraction(100), Fraction(0), f"{n} evaluated" if n else "100 %", n)
        else:
            lhs = _term(target, counts, percents, n)
        if lhs is None or any(t is None for t in terms):
            continue
        what = (
            "CR + PR + SD + PD vs patients evaluated" if target == "n" else f"{target} = {' + '.join(parts)}"
        )
        inputs = {"target": target, **{p: counts.get(p) for p in parts}, "n": n}
        all_counts = lhs[3] is not None and all(t[3] is not None for t in terms)
        if all_counts:
            total = sum(t[3] for t in terms)
            target_value = lhs[3]
            diff = Fraction(target_value - total)
            ok = diff == 0
            reported = f"{target} {target_value}" if target != "n" else f"n = {target_value}"
            recomputed = " + ".join(str(t[3]) for t in terms) + f" = {total}"
            tol = "exact (counts)"
            rv, cv = float(target_value), float(total)
        else:
            if lhs[0] is None or any(t[0] is None for t in terms):
                continue
            total = sum(t[0] for t in terms)
            err = lhs[1] + sum(t[1] for t in terms) + Fraction(slack).limit_denominator(10**6)
            diff = lhs[0] - total
            ok = abs(diff) <= err
            reported = f"{target} {_fmt(lhs[0], 1)} %" if target != "n" else "100 %"
            recomputed = " + ".join(t[2] for t in terms) + f" = {_fmt(total, 1)} %"
            tol = f"±{_fmt(err, 2)} points (sum of the rounding of the printed percentages)"
            rv, cv = float(lhs[0]), float(total)
        kw = dict(tolerance=tol, reported_value=rv, recomputed_value=cv, what=what, inputs=inputs)
        if ok:
            out.append(_finding("category_sum", "pass", reported, recomputed, f"{what}: adds up.", **kw))
            continue
        if target == "ORR":
            msg = (
                f"ORR should equal CR + PR (every responder is a complete or a partial response), but the "
                f"source prints {reported} against {recomputed}."
            )
            pr = _term("PR", counts, percents, n)
            if pr and pr[0] is not None and lhs[0] is not None and abs(lhs[0] - pr[0]) <= lhs[1] + pr[1]:
                msg += " The printed ORR equals PR alone: the complete responses seem to have been left out."
            msg += " The category table and the summary rate cannot both be right."
            out.append(_finding("category_sum", "error", reported, recomputed, msg, **kw))
        elif target == "DCR":
            if diff < 0 and dcr_definition:
                out.append(
                    _finding(
                        "category_sum",
                        "info",
                        reported,
                        recomputed,
                        f"DCR is smaller than CR + PR + SD because the trial defines disease control differently "
                        f"({dcr_definition.strip()}). Explained by the definition, not an error - but such a DCR "
                        "cannot be compared with other trials' CR + PR + SD.",
                        **kw,
                    )
                )
            else:
                out.append(
                    _finding(
                        "category_sum",
                        "error",
                        reported,
                        recomputed,
                        f"DCR should equal CR + PR + SD, but the source prints {reported} against {recomputed}"
                        + (" (DCR larger than its components is impossible)." if diff > 0 else ".")
                        + " Unless the trial defines DCR differently (it does not say so), the table and "
                        "the rate cannot both be right.",
                        **kw,
                    )
                )
        else:
            if diff > 0:  # fewer classified than evaluated
                missing_txt = f"{int(diff)} patient(s)" if all_counts else f"{_fmt(diff, 1)} %"
                out.append(
                    _finding(
                        "category_sum",
                        "warning",
                        reported,
                        recomputed,
                        f"The response categories account for {missing_txt} fewer than were evaluated. They may be "
                        "not evaluable (NE) patients the table does not list; the report should say so.",
                        **kw,
                    )
                )
            else:
                out.append(
                    _finding(
                        "category_sum",
                        "error",
                        reported,
                        recomputed,
                        "The response categories add up to more patients than were evaluated: impossible as printed.",
                        **kw,
                    )
                )
    return out


_GRADE_SETS = {
    "1": {1},
    "2": {2},
    "3": {3},
    "4": {4},
    "5": {5},
    "1-2": {1, 2},
    "3-4": {3, 4},
    ">=3": {3, 4, 5},
}


def _check_ae_grades(rows: Mapping[str, int]) -> Finding | None:
    """Grade columns (by worst grade) vs the any-grade count; ``rows`` maps grade -> count."""
    if "any" not in rows:
        return None
    parts = [g for g in rows if g in _GRADE_SETS]
    # the largest set of disjoint grade columns covering grades 1-4
    best = None
    for g in sorted(parts, key=lambda g: len(_GRADE_SETS[g]), reverse=True):
        chosen, covered = [], set()
        for h in [g] + [x for x in parts if x != g]:
            if not (_GRADE_SETS[h] & covered):
                chosen.append(h)
                covered |= _GRADE_SETS[h]
        if {1, 2, 3, 4} <= covered:
            best = chosen
            break
    if not best:
        return None
    best.sort(key=lambda g: min(_GRADE_SETS[g]))
    total = sum(rows[g] for g in best)
    recomputed = " + ".join(f"grade {g} {rows[g]}" for g in best) + f" = {total}"
    reported = f"any grade {rows['any']}"
    kw = dict(
        tolerance="exact (counts)",
        reported_value=float(rows["any"]),
        recomputed_value=float(total),
        inputs={"any": rows["any"], **{g: rows[g] for g in best}},
    )
    if total == rows["any"]:
        return _finding(
            "category_sum", "pass", reported, recomputed, "Grade columns add up to the any-grade count.", **kw
        )
    severity = "error" if total < rows["any"] else "warning"
    msg = "Patients counted by their worst grade should add up to the any-grade count. " + (
        "Here the grades account for fewer patients than 'any grade': impossible unless a grade is missing."
        if total < rows["any"]
        else "Here the grades add up to more: the table may count events rather than patients, "
        "or count a patient in several grades."
    )
    return _finding("category_sum", severity, reported, recomputed, msg, **kw)


# --------------------------------------------------------------------------- hazard ratios
def implied_p_value(hr, low, high, *, level: float = 0.95) -> float:
    """Two-sided p-value implied by a ratio estimate and its confidence interval (Altman & Bland).

    ``SE = (ln high - ln low) / (2 z)``, with ``z`` the normal quantile of the interval's level
    (1.96 for 95 %; :func:`hcckit.stats.se_log_ratio_from_ci`), then ``z = ln(hr) / SE`` and
    ``p = 2 (1 - Phi(|z|))``.

    Examples
    --------
    >>> round(implied_p_value(0.58, 0.37, 0.91), 3)
    0.018
    """
    from scipy.stats import norm

    hr, low, high = (float(_decimal(v, k)) for v, k in ((hr, "hr"), (low, "low"), (high, "high")))
    if min(hr, low, high) <= 0:
        raise ValueError("hr, low, high: ratios and their limits must be > 0")
    if not low < high:
        raise ValueError(f"low, high: the lower limit must be below the upper limit, got {low} and {high}")
    level = _level(level)
    se = stats.se_log_ratio_from_ci(low, high, level=level)
    return float(2 * norm.sf(abs(math.log(hr) / se)))


def _level(level) -> float:
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0.5 <= float(level) < 1:
        raise ValueError(
            f"level: must be a confidence level between 0.5 and 1 (e.g. 0.95), got {_show(level)}"
        )
    return float(level)


def _corners(hr: float, lo: float, hi: float, h: float):
    for a in (hr - h, hr + h):
        for b in (lo - h, lo + h):
            for c in (hi - h, hi + h):
                # c > b with room: 2.9-3.0 at 1 decimal has the corner 2.95-2.95, whose log
                # width is 0 (or 1e-17 in floating point) and would divide by zero
                if a > 0 and b > 0 and c - b > 1e-9 * c:
                    yield a, b, c


def _p_interval(p: float, operator: str, d: int) -> tuple[float, float]:
    if operator == "<":
        return 0.0, p
    if operator == ">":
        return p, 1.0
    h = 0.5 * 10**-d
    return max(p - h, 0.0), min(p + h, 1.0)


def _p_text(p: float, operator: str, d: int) -> str:
    return f"P {operator} {p:.{d}f}"


def check_hr_ci(
    hr,
    low,
    high,
    *,
    level: float = 0.95,
    p=None,
    p_operator: str = "=",
    decimals: int | None = None,
    p_decimals: int | None = None,
    tolerances: Tolerances | None = None,
) -> list[Finding]:
    """Check a hazard ratio against its confidence interval and, if given, its p-value.

    Parameters
    ----------
    hr, low, high : str or float
        The ratio and its interval as printed (text keeps the precision).
    level : float, default 0.95
        Confidence level of the interval (0.90 for a 90 % CI).
    p : str or float, optional
        The printed p-value (for ``P < 0.001`` give ``p=0.001, p_operator="<"``).
    p_operator : {"=", "<", ">"}
    decimals, p_decimals : int, optional
        Printed precision of the ratio triple and of ``p``; default: read from the values.
    tolerances : Tolerances, optional
        ``hr_asymmetry``, ``p_z_slack``, ``p_gross_factor`` and ``alpha`` are used.

    Returns
    -------
    list of Finding
        An ``hr_ci`` finding, plus an ``hr_p_value`` finding when ``p`` is given.

    Notes
    -----
    A Wald interval is ``exp(ln HR ± z SE)``: the HR is the geometric mean of the bounds. The
    printed numbers are rounded, so every value within half a unit of the last printed digit is
    tried (a "rounding box"); a finding is raised only if no value in the box passes. That holds
    for the edge tests too: ``0.99 (0.99-1.00)`` passes, because a true 0.994 (0.990-0.998)
    prints so; ``0.45 (0.45-0.72)`` stays an error, because no value in its box comes within
    ``hr_asymmetry`` of the centre.
    """
    from scipy.stats import norm

    tol = tolerances or Tolerances()
    vals = {k: _decimal(v, k) for k, v in (("hr", hr), ("low", low), ("high", high))}
    if min(vals.values()) <= 0:
        raise ValueError("hr, low, high: hazard ratios and their limits must be > 0")
    if not vals["low"] < vals["high"]:
        raise ValueError(f"low, high: the lower limit must be below the upper limit, got {low} and {high}")
    level = _level(level)
    if not isinstance(p_operator, str) or p_operator not in ("=", "<", ">"):
        raise ValueError(f"p_operator: must be '=', '<' or '>', got {_show(p_operator)}")
    d = (
        max(printed_decimals(v) for v in (hr, low, high))
        if decimals is None
        else _int(decimals, "decimals", maximum=MAX_DECIMALS, unit="decimals")
    )
    h = 0.5 * 10**-d
    fhr, flo, fhi = float(vals["hr"]), float(vals["low"]), float(vals["high"])
    gm = math.sqrt(flo * fhi)
    lvl = f"{100 * level:g} %"
    reported = f"HR {_fmt(fhr, d)} ({lvl} CI {_fmt(flo, d)}-{_fmt(fhi, d)})"
    inputs = {"hr": fhr, "low": flo, "high": fhi, "level": level, "decimals": d}

    # --- inside the interval, and log-symmetry over the rounding box (the rounding allowance:
    # the smallest offset any corner of the box reaches is compared with tol.hr_asymmetry)
    offsets = [stats.log_ci_offset(*x) for x in _corners(fhr, flo, fhi, h)]
    min_offset = 0.0 if (min(offsets) <= 0 <= max(offsets)) else min(abs(o) for o in offsets)
    raw_offset = stats.log_ci_offset(fhr, flo, fhi)
    ci_kw = dict(
        tolerance=f"HR may sit up to {tol.hr_asymmetry:.0%} of the log half-width from the centre, "
        f"after rounding (±{_fmt(h, d + 1)})",
        reported_value=fhr,
        recomputed_value=gm,
        inputs=inputs,
    )
    recomputed = (
        f"geometric mean of the bounds {gm:.{d}f}; HR {abs(raw_offset):.0%} of the half-width off centre"
    )
    out: list[Finding] = []
    # over the rounding box: could the true HR lie strictly inside its true interval?
    can_be_inside = (fhr + h) > (flo - h) and (fhr - h) < (fhi + h)
    on_edge = fhr in (flo, fhi)
    if not can_be_inside:
        out.append(
            _finding(
                "hr_ci",
                "error",
                reported,
                recomputed,
                f"The HR lies outside its own {lvl} confidence interval, which is impossible for an estimate and "
                f"its interval. A Wald interval is centred (on the log scale) on the estimate, here {gm:.{d}f}: "
                "one of the three numbers is mistyped, or the interval belongs to another estimate.",
                **ci_kw,
            )
        )
    elif on_edge and min_offset > tol.hr_asymmetry:
        out.append(
            _finding(
                "hr_ci",
                "error",
                reported,
                recomputed,
                f"The HR sits exactly on the edge of its own {lvl} interval, and no rounding of the printed "
                f"digits brings it near the centre (at best {min_offset:.0%} of the half-width away). An estimate "
                f"is never at the limit of its interval; the geometric mean of the bounds is {gm:.{d}f}, which is "
                "probably the real HR (check the text or another table for it).",
                **ci_kw,
            )
        )
    elif min_offset > tol.hr_asymmetry:
        out.append(
            _finding(
                "hr_ci",
                "warning",
                reported,
                recomputed,
                f"A hazard-ratio interval is symmetric on the log scale, so the HR should be close to the geometric "
                f"mean of its bounds ({gm:.{d}f}); {_fmt(fhr, d)} is {abs(raw_offset):.0%} of the half-width away "
                "from it, more than rounding explains. A mistyped HR or bound is the likely cause; "
                "an unusual (non-Wald) interval could explain a small asymmetry but rarely this much.",
                **ci_kw,
            )
        )
    else:
        out.append(
            _finding(
                "hr_ci",
                "pass",
                reported,
                recomputed,
                (
                    f"The HR is printed on the edge of its interval, but rounding explains it: values that round "
                    f"to these digits can sit inside the interval, near the geometric mean of the bounds ({gm:.{d}f})."
                    if on_edge
                    else f"The HR is inside its interval and close to the geometric mean of the bounds ({gm:.{d}f})."
                ),
                **ci_kw,
            )
        )
    if _missing(p):
        return out

    # --- p-value implied by the interval (Altman & Bland), over the rounding box
    p_dec = _decimal(p, "p")
    if not 0 < p_dec <= 1:
        raise ValueError(f"p: must lie in (0, 1], got {_show(p)}")
    pd_ = (
        printed_decimals(p)
        if p_decimals is None
        else _int(p_decimals, "p_decimals", maximum=MAX_DECIMALS, unit="decimals")
    )
    fp = float(p_dec)
    zs = [
        abs(math.log(a)) / stats.se_log_ratio_from_ci(b, c, level=level)
        for a, b, c in _corners(fhr, flo, fhi, h)
    ]
    z_lo = 0.0 if (fhr - h) <= 1 <= (fhr + h) else min(zs)
    z_hi = max(zs)
    se0 = stats.se_log_ratio_from_ci(flo, fhi, level=level)
    z0 = abs(math.log(fhr)) / se0
    p0 = float(2 * norm.sf(z0))
    p_lo, p_hi = float(2 * norm.sf(z_hi)), float(2 * norm.sf(z_lo))
    r_lo, r_hi = _p_interval(fp, p_operator, pd_)
    zr_lo, zr_hi = stats.z_for_p(r_hi), stats.z_for_p(r_lo)  # larger p -> smaller z
    rep_p = _p_text(fp, p_operator, pd_)
    recomputed_p = f"P = {_fmt_p(p0)} (from the CI; {_fmt_p(p_lo)} to {_fmt_p(p_hi)} allowing for rounding)"
    p_kw = dict(
        tolerance=f"rounding of all four numbers, then ±{tol.p_z_slack:g} on the z scale",
        reported_value=fp,
        recomputed_value=p0,
        inputs={**inputs, "p": fp, "p_operator": p_operator, "p_decimals": pd_},
    )

    def overlaps(a_lo, a_hi):
        return a_lo - tol.p_z_slack <= zr_hi and zr_lo <= a_hi + tol.p_z_slack

    if overlaps(z_lo, z_hi):
        out.append(
            _finding(
                "hr_p_value",
                "pass",
                rep_p,
                recomputed_p,
                f"The printed p agrees with the p-value implied by the HR and its {lvl} interval.",
                **p_kw,
            )
        )
        return out
    # a one-sided p is half the two-sided one: z_one = Phi^-1(1 - p)
    z1_lo, z1_hi = stats.z_for_p(min(2 * r_hi, 1.0)), stats.z_for_p(min(2 * r_lo, 1.0))
    if p_operator == "=" and z_lo - tol.p_z_slack <= z1_hi and z1_lo <= z_hi + tol.p_z_slack:
        extra = (
            f" A {lvl} interval is what goes with a one-sided test at the 5 % level, so the trial probably "
            "planned a one-sided test."
            if abs(level - 0.90) < 1e-9
            else ""
        )
        out.append(
            _finding(
                "hr_p_value",
                "info",
                rep_p,
                recomputed_p + f"; one-sided P = {_fmt_p(p0 / 2)}",
                f"The printed p is half the two-sided p implied by the interval: it is a one-sided p-value.{extra} "
                "Not an error, but a one-sided p looks twice as convincing as the two-sided p readers expect; "
                "the report should say which it is.",
                **p_kw,
            )
        )
        return out
    sig_rep = r_hi < tol.alpha
    ns_rep = r_lo >= tol.alpha
    flips = (sig_rep and p_lo >= tol.alpha) or (ns_rep and p_hi < tol.alpha)
    if r_hi < p_lo:
        gap = p_lo / max(r_hi, 1e-300)
        direction = "smaller"
    else:
        gap = r_lo / max(p_hi, 1e-300)
        direction = "larger"
    severity = "error" if flips or gap > tol.p_gross_factor else "warning"
    central = (
        max(fp, 1e-300) / max(p0, 1e-300) if direction == "larger" else max(p0, 1e-300) / max(fp, 1e-300)
    )
    msg = (
        f"From the HR and its {lvl} interval the p-value should be about {_fmt_p(p0)} (Altman & Bland); "
        f"the printed {rep_p} is {direction}"
        + (
            f" by a factor of {_factor(central)} (at least {_factor(gap, about=False)} even if each of the four "
            "printed numbers was rounded in the most favourable direction)"
            if gap >= 2
            else ""
        )
        + ". "
    )
    if flips:
        msg += "The two lead to different conclusions at the 5 % level. "
    if min_offset > tol.hr_asymmetry:
        msg += "The HR is also off-centre in its interval, so one of the numbers is probably mistyped. "
    msg += (
        "Possible innocent causes: the p comes from another test (e.g. an unadjusted log-rank test next to an "
        "adjusted HR) or another analysis; the report should then say so. Otherwise a number is mistyped."
    )
    out.append(_finding("hr_p_value", severity, rep_p, recomputed_p, msg, **p_kw))
    return out


# --------------------------------------------------------------------------- 2x2 tables
_TESTS = (
    ("fisher_p", "Fisher's exact test"),
    ("chi2_p", "chi-square without continuity correction"),
    ("chi2_yates_p", "chi-square with Yates' correction"),
)


@dataclass(frozen=True)
class _Tests:
    fisher_p: float
    chi2_p: float
    chi2_yates_p: float
    min_expected: float
    chi2_valid: bool


def _two_by_two_tests(a: int, n_a: int, b: int, n_b: int) -> _Tests:
    """The three tests of a 2x2 table, and nothing else (the audit needs no effect sizes).

    Two-sided Fisher exact (``scipy.stats.fisher_exact``) and Pearson chi-square without and with
    Yates' correction (``scipy.stats.chi2_contingency``): the same numbers as
    :func:`hcckit.stats.compare_proportions`, which also computes effect sizes and the
    odds-ratio interval, which the audit never prints. These three take milliseconds at any ``n`` up to :data:`MAX_N`. A table with an
    empty margin (no events, or events only) has an undefined chi-square statistic: ``nan``.
    """
    import warnings

    import numpy as np
    from scipy.stats import chi2_contingency, fisher_exact
    from scipy.stats.contingency import expected_freq

    table = np.array([[a, n_a - a], [b, n_b - b]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fisher_p = min(float(fisher_exact(table, alternative="two-sided")[1]), 1.0)
        min_expected = float(expected_freq(table).min())
        if min_expected > 0:
            chi2_p = float(chi2_contingency(table, correction=False)[1])
            chi2_yates_p = float(chi2_contingency(table, correction=True)[1])
        else:  # an empty margin: the chi-square statistic is undefined
            chi2_p = chi2_yates_p = math.nan
    return _Tests(fisher_p, chi2_p, chi2_yates_p, min_expected, bool(min_expected >= 5))


def _factor(x: float, *, about: bool = True) -> str:
    """A ratio of two p-values for a message: ``"about 12"``, or ``"more than 10^300"`` when huge.

    p-values of large tables reach 1e-300 and below, so a plain ``{x:.0f}`` would print 300 digits.
    """
    if not math.isfinite(x) or x >= 1e6:
        exponent = 300 if not math.isfinite(x) else int(math.floor(math.log10(x)))
        return f"more than 10^{min(exponent, 300)}"
    return f"about {x:.0f}" if about else f"{x:.0f}"


def check_two_by_two(
    a,
    n_a,
    b,
    n_b,
    *,
    p_reported,
    p_operator: str = "=",
    p_decimals: int | None = None,
    tolerances: Tolerances | None = None,
) -> list[Finding]:
    """Recompute a printed p for two proportions (a/n_a vs b/n_b) with the usual tests.

    Fisher's exact test and Pearson's chi-square without and with Yates' correction are
    computed (the tests of :func:`hcckit.stats.compare_proportions`, without its effect sizes). The finding says which tests
    reproduce the printed p (within its rounding and ``tolerances.p_relative``), flags a p that
    only one test reproduces, and a chi-square test used with expected counts below 5.

    Parameters
    ----------
    a, n_a, b, n_b : int
        Patients with the outcome and patients in each arm.
    p_reported : str or float
        The printed p (for ``P < 0.001`` give 0.001 with ``p_operator="<"``).
    p_operator : {"=", "<", ">"}
    p_decimals : int, optional
        Printed precision of ``p_reported``; default: read from it.
    tolerances : Tolerances, optional

    Returns
    -------
    list of Finding
        One ``two_by_two`` finding.

    Examples
    --------
    >>> check_two_by_two(4, 60, 0, 60, p_reported="0.043")[0].severity
    'warning'
    """
    tol = tolerances or Tolerances()
    if not isinstance(p_operator, str) or p_operator not in ("=", "<", ">"):
        raise ValueError(f"p_operator: must be '=', '<' or '>', got {_show(p_operator)}")
    a, n_a = _int(a, "a"), _int(n_a, "n_a", minimum=1, maximum=MAX_N)
    b, n_b = _int(b, "b"), _int(n_b, "n_b", minimum=1, maximum=MAX_N)
    if a > n_a:
        raise ValueError(f"a: must be <= n_a ({n_a}), got {a}")
    if b > n_b:
        raise ValueError(f"b: must be <= n_b ({n_b}), got {b}")
    p_dec = _decimal(p_reported, "p_reported")
    if not 0 < p_dec <= 1:
        raise ValueError(f"p_reported: must lie in (0, 1], got {_show(p_reported)}")
    d = (
        printed_decimals(p_reported)
        if p_decimals is None
        else _int(p_decimals, "p_decimals", maximum=MAX_DECIMALS, unit="decimals")
    )
    fp = float(p_dec)
    res = _two_by_two_tests(a, n_a, b, n_b)
    r_lo, r_hi = _p_interval(fp, p_operator, d)
    lo, hi = r_lo / (1 + tol.p_relative), r_hi * (1 + tol.p_relative)
    ps = {key: getattr(res, key) for key, _ in _TESTS}
    names = dict(_TESTS)
    hits = [k for k, v in ps.items() if not math.isnan(v) and lo <= v <= hi]
    rep = _p_text(fp, p_operator, d)
    recomputed = f"Fisher {_fmt_p(ps['fisher_p'])}; chi-square {_fmt_p(ps['chi2_p'])}; Yates {_fmt_p(ps['chi2_yates_p'])}"
    exp_txt = f"smallest expected count {res.min_expected:.1f}"
    kw = dict(
        tolerance=f"printed rounding + {tol.p_relative:.0%} relative",
        reported_value=fp,
        recomputed_value=ps["fisher_p"],
        inputs={"a": a, "n_a": n_a, "b": b, "n_b": n_b, "p": fp, "p_operator": p_operator, "p_decimals": d},
    )
    table = f"{a}/{n_a} vs {b}/{n_b}"

    def sig(p):
        return p < tol.alpha

    if len(hits) == len([v for v in ps.values() if not math.isnan(v)]):
        return [
            _finding(
                "two_by_two",
                "pass",
                f"{rep} ({table})",
                recomputed,
                "Every standard test reproduces the printed p-value.",
                **kw,
            )
        ]
    if hits:
        chi_hits = [k for k in hits if k.startswith("chi2")]
        only = len(hits) == 1
        if chi_hits and not res.chi2_valid and "fisher_p" not in hits:
            flips = sig(ps[chi_hits[0]]) != sig(ps["fisher_p"])
            severity = "warning" if flips else "info"
            msg = (
                f"Only the {names[chi_hits[0]]} reproduces the printed p, but the chi-square approximation is "
                f"not reliable here ({exp_txt} < 5); Fisher's exact test, the test to use for such small "
                f"counts, gives P = {_fmt_p(ps['fisher_p'])}."
            )
            if flips:
                msg += (
                    " The claimed significance depends on the choice of test: with the appropriate test the "
                    "difference is not significant at the 5 % level (it may still be real - small numbers "
                    "cannot show it)."
                    if sig(ps[chi_hits[0]])
                    else " With the appropriate test the difference would be significant."
                )
            else:
                msg += " The conclusion at the 5 % level is the same either way."
            return [_finding("two_by_two", severity, f"{rep} ({table})", recomputed, msg, **kw)]
        if only:
            return [
                _finding(
                    "two_by_two",
                    "info",
                    f"{rep} ({table})",
                    recomputed,
                    f"Only the {names[hits[0]]} reproduces the printed p (the others give "
                    + ", ".join(f"{_fmt_p(ps[k])}" for k in ps if k != hits[0])
                    + f"); {exp_txt}, so the test is acceptable. Worth knowing: the report should name its test.",
                    **kw,
                )
            ]
        return [
            _finding(
                "two_by_two",
                "pass",
                f"{rep} ({table})",
                recomputed,
                "Reproduced by " + " and ".join(names[k] for k in hits) + ".",
                **kw,
            )
        ]
    valid = [v for v in ps.values() if not math.isnan(v)]
    nearest = min(
        valid, key=lambda v: abs(math.log(max(v, 1e-300)) - math.log(max((r_lo + r_hi) / 2, 1e-300)))
    )
    rep_sig = r_hi < tol.alpha
    rep_ns = r_lo >= tol.alpha
    flips = (rep_sig and all(not sig(v) for v in valid)) or (rep_ns and all(sig(v) for v in valid))
    # p-values of a huge table underflow to 0.0: compare them as 1e-300 (no division by zero)
    gap = max(max(nearest, 1e-300) / max(r_hi, 1e-300), max(r_lo, 1e-300) / max(nearest, 1e-300))
    severity = "error" if flips or gap > tol.p_gross_factor else "warning"
    msg = f"None of the standard tests reproduces the printed p (nearest: {_fmt_p(nearest)})"
    msg += f", off by a factor of {_factor(gap)}. " if gap >= 2 else ". "
    if flips:
        msg += "The recomputed tests lead to the opposite conclusion at the 5 % level. "
    elif severity == "error":
        msg += (
            "The conclusion is the same, but the gap is too large for a rounding or test-choice difference. "
        )
    else:
        msg += "The conclusion at the 5 % level is the same. "
    msg += (
        "Possible causes: another test or analysis (adjusted, stratified, different denominators), a p copied "
        "from another row, or a typing error."
    )
    return [_finding("two_by_two", severity, f"{rep} ({table})", recomputed, msg, **kw)]


# --------------------------------------------------------------------------- test statistics
def check_test_statistic(
    statistic: str,
    value,
    *,
    df=None,
    p,
    p_operator: str = "=",
    p_decimals: int | None = None,
    tolerances: Tolerances | None = None,
) -> list[Finding]:
    """Recompute the p-value of a printed t or chi-square statistic (as statcheck does).

    Parameters
    ----------
    statistic : {"t", "chi2"}
        Two-sided t test, or chi-square test (upper tail).
    value : str or float
        The statistic as printed (its rounding is allowed for).
    df : int, optional
        Degrees of freedom. For a t test, usually n_a + n_b - 2; for a chi-square test the
        number of categories is often not printed, so ``None`` tries 1 to 4 and says which fits.
    p : str or float
        The printed p (for ``P < 0.001`` give 0.001 with ``p_operator="<"``).
    p_operator : {"=", "<", ">"}
    p_decimals : int, optional
        Printed precision of ``p``; default: read from it.
    tolerances : Tolerances, optional
        ``p_relative`` (slack beyond rounding), ``p_gross_factor`` and ``alpha`` are used.

    Returns
    -------
    list of Finding
        One ``test_statistic`` finding.

    Examples
    --------
    >>> check_test_statistic("chi2", "0.135", df=1, p="0.713")[0].severity
    'pass'
    """
    from scipy.stats import chi2 as chi2_dist
    from scipy.stats import t as t_dist

    tol = tolerances or Tolerances()
    if not isinstance(statistic, str) or statistic not in ("t", "chi2"):
        raise ValueError(f"statistic: must be 't' or 'chi2', got {_show(statistic)}")
    if not isinstance(p_operator, str) or p_operator not in ("=", "<", ">"):
        raise ValueError(f"p_operator: must be '=', '<' or '>', got {_show(p_operator)}")
    stat = _decimal(value, "value")
    if statistic == "chi2" and stat < 0:
        raise ValueError(f"value: a chi-square statistic cannot be negative, got {_show(value)}")
    h = 0.5 * 10 ** -printed_decimals(value)
    fp = float(_decimal(p, "p"))
    if not 0 < fp <= 1:
        raise ValueError(f"p: must lie in (0, 1], got {_show(p)}")
    d = (
        printed_decimals(p)
        if p_decimals is None
        else _int(p_decimals, "p_decimals", maximum=MAX_DECIMALS, unit="decimals")
    )
    r_lo, r_hi = _p_interval(fp, p_operator, d)
    lo, hi = r_lo / (1 + tol.p_relative), r_hi * (1 + tol.p_relative)
    dfs = [_int(df, "df", minimum=1)] if not _missing(df) else ([1, 2, 3, 4] if statistic == "chi2" else None)
    if dfs is None:
        raise ValueError("df: the degrees of freedom of a t test are needed (n_a + n_b - 2)")
    x = abs(float(stat))

    def p_of(v, k):
        return float(2 * t_dist.sf(v, k)) if statistic == "t" else float(chi2_dist.sf(v, k))

    name = "t" if statistic == "t" else "chi-square"
    rep = f"{name} = {value} , {_p_text(fp, p_operator, d)}".replace(" ,", ",")
    kw = dict(
        tolerance=f"rounding of the statistic and of p + {tol.p_relative:.0%} relative",
        reported_value=fp,
        inputs={"statistic": statistic, "value": float(stat), "df": df, "p": fp, "p_operator": p_operator},
    )
    results = []
    for k in dfs:
        ends = sorted((p_of(max(x - h, 0.0), k), p_of(x + h, k)))
        results.append((k, p_of(x, k), ends))
    for k, p0, (p_min, p_max) in results:
        if p_min <= hi and lo <= p_max:
            note = f" (df = {k})" if _missing(df) else ""
            msg = f"The printed p agrees with the {name} statistic{note}."
            if _missing(df) and k > 1:
                msg += f" df = {k} means a table with {k + 1} categories, not a 2x2 table."
            return [
                _finding(
                    "test_statistic",
                    "pass",
                    rep,
                    f"P = {_fmt_p(p0)} (df = {k})",
                    msg,
                    recomputed_value=p0,
                    **kw,
                )
            ]
    k, p0, _ = results[0]
    rec = "; ".join(f"df {k_}: P = {_fmt_p(p_)}" for k_, p_, _e in results)
    flips = (r_hi < tol.alpha and all(p_ >= tol.alpha for _k, p_, _e in results)) or (
        r_lo >= tol.alpha and all(p_ < tol.alpha for _k, p_, _e in results)
    )
    gap = min(max(p_ / max(r_hi, 1e-300), max(r_lo, 1e-300) / max(p_, 1e-300)) for _k, p_, _e in results)
    severity = "error" if flips or gap > tol.p_gross_factor else "warning"
    msg = (
        f"The p-value of the printed {name} statistic is {_fmt_p(p0)}"
        + (f" (df = {k})" if len(results) == 1 else " for any plausible df")
        + f", not {_p_text(fp, p_operator, d)}. "
        + ("The two lead to different conclusions at the 5 % level. " if flips else "")
        + "Either the statistic or the p is mistyped, or they come from different tests."
    )
    return [_finding("test_statistic", severity, rep, rec, msg, recomputed_value=p0, **kw)]


# --------------------------------------------------------------------------- survival coherence
def check_at_risk(
    times: Sequence,
    numbers_at_risk: Sequence,
    *,
    n=None,
    event_free: Mapping | None = None,
) -> list[Finding]:
    """Numbers at risk under a Kaplan-Meier curve: n at time 0, never rising, coherent with counts.

    Parameters
    ----------
    times : sequence of float
        Times of the risk table (months).
    numbers_at_risk : sequence of int
        Patients at risk at those times.
    n : int, optional
        Patients analysed; the number at risk at time 0 should equal it.
    event_free : mapping, optional
        ``{time: count}`` of patients printed as event-free at a landmark ("77.4 % (24/31)"). A
        patient known event-free at time t was at risk at every earlier time, so the number at
        risk at any time up to t is at least that count.

    Returns
    -------
    list of Finding
        ``at_risk`` findings (a single ``pass`` when everything is coherent).
    """
    for arg, value in (("times", times), ("numbers_at_risk", numbers_at_risk)):
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence | tuple | list):
            if not (hasattr(value, "__len__") and hasattr(value, "__iter__") and not isinstance(value, str)):
                raise TypeError(f"{arg}: expected a sequence of numbers, got {type(value).__name__}")
    if event_free is not None and not isinstance(event_free, Mapping):
        raise TypeError(f"event_free: expected a mapping {{time: count}}, got {type(event_free).__name__}")
    if len(times) != len(numbers_at_risk):
        raise ValueError("times, numbers_at_risk: must have the same length")
    if not len(times):
        raise ValueError("times: at least one time is needed")
    pairs = sorted(
        (_months(t, "times"), _int(k, "numbers_at_risk")) for t, k in zip(times, numbers_at_risk, strict=True)
    )
    n = None if _missing(n) else _int(n, "n", minimum=1, maximum=MAX_N)
    landmarks = sorted(
        (_months(t, "event_free (time)"), _int(c, "event_free")) for t, c in (event_free or {}).items()
    )
    table = ", ".join(f"{t:g} mo: {k}" for t, k in pairs)
    inputs = {
        "times": tuple(t for t, _ in pairs),
        "at_risk": tuple(k for _, k in pairs),
        "n": n,
        "event_free": tuple(landmarks),
    }
    out: list[Finding] = []
    for (t1, k1), (t2, k2) in zip(pairs, pairs[1:], strict=False):
        if k2 > k1:
            out.append(
                _finding(
                    "at_risk",
                    "error",
                    f"{k1} at {t1:g} months, {k2} at {t2:g} months",
                    "must not rise",
                    "The number at risk can only fall over time (patients leave by an event or censoring; none "
                    "enter). A rise means a mistyped risk table.",
                    tolerance="exact",
                    reported_value=float(k2),
                    recomputed_value=float(k1),
                    inputs=inputs,
                )
            )
    if n is not None and pairs[0][0] == 0:
        k0 = pairs[0][1]
        if k0 != n:
            severity = "warning" if k0 < n else "error"
            msg = f"At time 0 every analysed patient is at risk, so the risk table should start at {n}. " + (
                f"It starts at {k0}: {n - k0} patient(s) are missing from the curve. Either they were left "
                "out of the survival analysis without explanation, or the risk table is mistyped; "
                "the medians and rates may then be of a different group than the one described."
                if k0 < n
                else f"It starts at {k0}, more than were analysed: impossible as printed."
            )
            out.append(
                _finding(
                    "at_risk",
                    severity,
                    f"{k0} at risk at month 0",
                    f"n = {n} analysed",
                    msg,
                    tolerance="exact",
                    reported_value=float(k0),
                    recomputed_value=float(n),
                    inputs=inputs,
                )
            )
    for t_land, count in landmarks:
        for t, k in pairs:
            if t <= t_land and k < count:
                out.append(
                    _finding(
                        "at_risk",
                        "warning",
                        f"{k} at risk at {t:g} months",
                        f"{count} printed as event-free at {t_land:g} months",
                        f"{count} patients are printed as event-free at {t_land:g} months, so at least {count} "
                        f"were still followed - at risk - at {t:g} months; the risk table shows {k}. Either the "
                        "landmark 'rate' is not a count of patients (a Kaplan-Meier estimate printed as x/n), or "
                        "the risk table is wrong.",
                        tolerance="exact",
                        reported_value=float(k),
                        recomputed_value=float(count),
                        inputs={**inputs, "landmark_time": t_land, "landmark_count": count},
                    )
                )
                break
    if not out:
        out.append(
            _finding(
                "at_risk",
                "pass",
                table,
                "coherent",
                "The risk table starts at n, never rises and fits the landmarks.",
                tolerance="exact",
                inputs=inputs,
            )
        )
    return out


def check_landmarks(
    rates: Mapping,
    *,
    median=None,
    median_ci: tuple | None = None,
    median_not_reached: bool = False,
    other: Mapping | None = None,
    endpoint: str = "OS",
    other_endpoint: str = "OS",
) -> list[Finding]:
    """Landmark survival rates (%) over time, and the median against them.

    Parameters
    ----------
    rates : mapping
        ``{time (months): rate (%)}``, rates as printed (text keeps the precision).
    median : float or str, optional
        Median survival (months).
    median_ci : (low, high), optional
        Interval of the median (months); ``high`` may be ``None`` (not reached).
    median_not_reached : bool
        The median is printed as "not reached".
    other : mapping, optional
        Landmarks of an endpoint that must lie at or above these at the same time (OS for PFS:
        death counts as a PFS event, so PFS <= OS).
    endpoint, other_endpoint : str
        Names for the messages.

    Returns
    -------
    list of Finding
        ``landmarks``, ``median_vs_landmarks`` and ``median_ci`` findings.
    """
    for arg, value in (("rates", rates), ("other", other)):
        if (value is not None or arg == "rates") and not isinstance(value, Mapping):
            raise TypeError(
                f"{arg}: expected a mapping {{time (months): rate (%)}}, got {type(value).__name__}"
            )
    if median_ci is not None and (
        isinstance(median_ci, str | bytes | Mapping)
        or not isinstance(median_ci, Sequence)
        or len(median_ci) != 2
    ):
        raise TypeError(f"median_ci: expected a pair (low, high), got {_show(median_ci)}")
    pts = []
    for t, r in rates.items():
        dec = _percent(r, f"rates[{_show(t)}]")
        pts.append((_months(t, "rates (time)"), Fraction(dec), Fraction(1, 2 * 10 ** printed_decimals(r))))
    pts.sort()
    out: list[Finding] = []
    inputs = {
        "times": tuple(t for t, _, _ in pts),
        "rates": tuple(float(r) for _, r, _ in pts),
        "endpoint": endpoint,
    }
    rising = False
    for (t1, r1, e1), (t2, r2, e2) in zip(pts, pts[1:], strict=False):
        if r2 - e2 > r1 + e1:
            rising = True
            out.append(
                _finding(
                    "landmarks",
                    "error",
                    f"{endpoint} {float(r1):g} % at {t1:g} mo, {float(r2):g} % at {t2:g} mo",
                    "must not rise",
                    "A survival curve never rises: a later landmark rate above an earlier one is impossible as printed.",
                    tolerance="printed rounding",
                    reported_value=float(r2),
                    recomputed_value=float(r1),
                    inputs=inputs,
                )
            )
    if other:
        other_pts = [(_months(t_o, "other (time)"), r_o) for t_o, r_o in other.items()]
        for t, r, e in pts:
            for t_o, r_o in other_pts:
                if t_o == t:
                    fo = Fraction(_percent(r_o, "other"))
                    eo = Fraction(1, 2 * 10 ** printed_decimals(r_o))
                    if r - e > fo + eo:
                        rising = True
                        out.append(
                            _finding(
                                "landmarks",
                                "error",
                                f"{endpoint} {float(r):g} % at {t:g} mo",
                                f"{other_endpoint} {float(fo):g} % at {t:g} mo",
                                f"Death counts as a {endpoint} event, so the {endpoint} rate cannot exceed the "
                                f"{other_endpoint} rate at the same time (same patients, same time origin).",
                                tolerance="printed rounding",
                                reported_value=float(r),
                                recomputed_value=float(fo),
                                inputs=inputs,
                            )
                        )
    if pts and not rising:
        out.append(
            _finding(
                "landmarks",
                "pass",
                ", ".join(f"{float(r):g} % at {t:g} mo" for t, r, _ in pts),
                "non-increasing",
                f"The {endpoint} landmark rates never rise"
                + (f" and stay at or below {other_endpoint}." if other else "."),
                tolerance="printed rounding",
                inputs=inputs,
            )
        )
    if (not _missing(median) or median_not_reached) and pts:
        med = None if median_not_reached else _months(median, "median")
        med_txt = "not reached" if med is None else f"{med:g} months"
        problems = []
        for t, r, e in pts:
            if r - e > 50 and med is not None and med < t:
                problems.append(
                    f"{float(r):g} % are still event-free at {t:g} months, so the median must be later than {t:g} months"
                )
            if r + e < 50 and (med is None or med > t):
                problems.append(
                    f"only {float(r):g} % are event-free at {t:g} months, so the median must be at or before {t:g} months"
                )
        kw = dict(
            tolerance="printed rounding of the rates", reported_value=med, inputs={**inputs, "median": med}
        )
        if problems:
            out.append(
                _finding(
                    "median_vs_landmarks",
                    "error",
                    f"median {endpoint} {med_txt}",
                    "; ".join(problems),
                    "The median is the time at which the curve crosses 50 %: "
                    + "; ".join(problems)
                    + ". The median and the landmark rates cannot both be right (or they come from different analyses).",
                    **kw,
                )
            )
        else:
            out.append(
                _finding(
                    "median_vs_landmarks",
                    "pass",
                    f"median {endpoint} {med_txt}",
                    "consistent with the landmarks",
                    "Landmarks above 50 % come before the median and those below 50 % after it.",
                    **kw,
                )
            )
    if median_ci is not None and not _missing(median):
        med = _months(median, "median")
        lo, hi = median_ci
        lo = None if _missing(lo) else _months(lo, "median_ci")
        hi = None if _missing(hi) else _months(hi, "median_ci")
        ci_txt = f"{'' if lo is None else f'{lo:g}'}-{'not reached' if hi is None else f'{hi:g}'}"
        bad = (lo is not None and med < lo) or (hi is not None and med > hi)
        out.append(
            _finding(
                "median_ci",
                "error" if bad else "pass",
                f"median {endpoint} {med:g} (CI {ci_txt})",
                "outside its interval" if bad else "inside its interval",
                "A median lies inside its own confidence interval; one of the numbers is mistyped."
                if bad
                else "The median lies inside its interval.",
                tolerance="exact",
                reported_value=med,
                inputs={"median": med, "low": lo, "high": hi},
            )
        )
    return out


# --------------------------------------------------------------------------- audit of tables
def _raw_texts() -> dict:
    """The curated CSV files as text (to read the printed precision of each number)."""
    import pandas as pd

    from hcckit.data import TABLE_NAMES, data_dir

    folder = data_dir()
    return {
        name: pd.read_csv(
            folder / f"{name}.csv", dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8"
        )
        for name in TABLE_NAMES
    }


def _printed(frame, texts, name: str, idx, col: str):
    """The cell as printed: the CSV text when known, else the value itself."""
    text = texts.get(name)
    if text is not None and col in text.columns and idx in text.index:
        cell = text.at[idx, col]
        if isinstance(cell, str) and cell.strip():
            return cell.strip()
    value = frame.at[idx, col]
    return None if _missing(value) else value


def _s(x) -> str:
    return "" if _missing(x) else str(x)


def _is_review(row) -> bool:
    return _s(row.get("source_location")).lower().startswith("review")


def _line(idx) -> int | None:
    return int(idx) + 2 if isinstance(idx, numbers.Integral) else None


def _ctx(name: str, idx, row, what: str, studies: Mapping) -> dict:
    trial = _s(row.get("trial_id"))
    return dict(
        trial_id=trial,
        arm_id=_s(row.get("arm_id")),
        study=studies.get(trial, ""),
        what=what,
        table=name,
        line=_line(idx),
        source_location=_s(row.get("source_location")),
    )


def _outcome_what(row) -> str:
    what = _s(row["endpoint"])
    if _s(row.get("item")):
        what += f" ({row['item']})"
    if _s(row.get("criterion")):
        what += f" ({row['criterion']})"
    if not _missing(row.get("time_months")) and (
        what.endswith("_rate") or "_rate" in what or row["endpoint"] in ("response_maintained",)
    ):
        what += f" at {float(row['time_months']):g} months"
    return what


def _trial_notes(tables) -> dict:
    trials = tables.get("trials")
    if trials is None or "note" not in trials:
        return {}
    return {_s(r["trial_id"]): _s(r["note"]) for _, r in trials.iterrows()}


def _studies(tables) -> dict:
    trials = tables.get("trials")
    if trials is None or "name" not in trials:
        return {}
    return {_s(r["trial_id"]): _s(r["name"]) for _, r in trials.iterrows()}


def _designs(tables) -> dict:
    trials = tables.get("trials")
    if trials is None or "design" not in trials:
        return {}
    return {_s(r["trial_id"]): _s(r["design"]) for _, r in trials.iterrows()}


def _percentage_rows(name, frame, texts, tables, tol, studies):
    """Percent-vs-count checks of one table (outcomes, adverse_events, baseline)."""
    trial_notes = _trial_notes(tables)
    designs = _designs(tables)
    out = []
    for idx, row in frame.iterrows():
        if name == "outcomes":
            if _s(row.get("unit")) != "%" or _s(row.get("statistic")) not in (
                "proportion",
                "rate",
                "percent",
            ):
                continue
            if _s(row.get("statistic")) == "rate" and _missing(row.get("count")):
                continue  # a Kaplan-Meier estimate, not count / n
            cols = ["value", "value_max"]
            what = _outcome_what(row)
        elif name == "adverse_events":
            cols = ["percent_reported"]
            what = f"{row['event']} (grade {row['grade']})"
        else:  # baseline
            if _s(row.get("unit")) != "%" or _s(row.get("statistic")) not in ("count", "percent"):
                continue
            cols = ["value"]
            what = f"{row['characteristic']}" + (f": {row['category']}" if _s(row.get("category")) else "")
        if _missing(row.get("n")):
            continue
        notes = _s(row.get("note")) + " " + trial_notes.get(_s(row["trial_id"]), "")
        weighted = bool(_WEIGHTED.search(notes)) or designs.get(_s(row["trial_id"])) == "indirect_comparison"
        for col in cols:
            printed = _printed(frame, texts, name, idx, col)
            if printed is None:
                continue
            count = None if col == "value_max" else row.get("count")
            if _missing(count):
                count = None
                denominator = "weighted" if weighted else ("arm_size" if _is_review(row) else "exact")
            else:
                denominator = "exact"
            try:
                found = check_percentage(
                    count, row["n"], printed, denominator=denominator, slack=tol.percent_slack
                )
            except ValueError:
                continue
            label = what + (" (upper end of the printed range)" if col == "value_max" else "")
            for f in found:
                msg = f.message
                if denominator == "weighted" and f.severity != "pass":
                    msg += (
                        " (The notes say: " + _s(row.get("note")).strip() + ")" if _s(row.get("note")) else ""
                    )
                out.append(replace(f, message=msg, **_ctx(name, idx, row, label, studies)))
    return out


def _categories_rows(tables, texts, tol, studies):
    outcomes = tables.get("outcomes")
    if outcomes is None:
        return []
    trial_notes = _trial_notes(tables)
    arms = tables.get("arms")
    n_eval = {}
    if arms is not None and "n_evaluable" in arms:
        n_eval = {(_s(r["trial_id"]), _s(r["arm_id"])): r["n_evaluable"] for _, r in arms.iterrows()}
    resp = outcomes[outcomes["endpoint"].isin(RESPONSE)]
    out = []
    keys = resp[["trial_id", "arm_id", "criterion"]].astype(str).drop_duplicates()
    for trial, arm, crit in keys.itertuples(index=False):
        grp = resp[
            (resp["trial_id"].astype(str) == trial)
            & (resp["arm_id"].astype(str) == arm)
            & (resp["criterion"].astype(str) == crit)
        ]
        if grp["endpoint"].nunique() < 3:
            continue
        counts, percents, ns, rowinfo = {}, {}, set(), {}
        for idx, r in grp.iterrows():
            ep = r["endpoint"]
            if ep in rowinfo:
                continue
            rowinfo[ep] = (idx, r)
            counts[ep] = None if _missing(r.get("count")) else int(r["count"])
            percents[ep] = _printed(outcomes, texts, "outcomes", idx, "value")
            if not _missing(r.get("n")):
                ns.add(int(r["n"]))
        n = ns.pop() if len(ns) == 1 else None
        if n is None:
            ne = n_eval.get((trial, arm))
            n = None if _missing(ne) else int(ne)
        dcr_row = rowinfo.get("DCR")
        definition = None
        for text in ((_s(dcr_row[1].get("note")) if dcr_row else ""), trial_notes.get(trial, "")):
            m = _DCR_DEFINED.search(text)
            if m:
                sentence = re.split(r"(?<=\.)\s", text[m.start() :])[0]
                definition = sentence.rstrip(".")
                break
        for f in check_categories(
            counts, n=n, percents=percents, dcr_definition=definition, slack=tol.sum_slack
        ):
            target = f.inputs_dict().get("target")
            ref = rowinfo.get(target) or rowinfo.get("PD") or next(iter(rowinfo.values()))
            idx, r = ref
            what = f"{f.what} ({crit})"
            out.append(replace(f, **_ctx("outcomes", idx, r, what, studies)))
    # adverse-event grades
    aes = tables.get("adverse_events")
    if aes is not None:
        for _key, grp in aes.groupby(
            ["trial_id", "arm_id", "event", "source_location"], sort=False, dropna=False
        ):
            rows = {}
            for _, r in grp.iterrows():
                if not _missing(r.get("count")) and r["grade"] not in rows:
                    rows[str(r["grade"])] = int(r["count"])
            f = _check_ae_grades(rows)
            if f is None:
                continue
            idx = grp.index[grp["grade"].astype(str) == "any"][0]
            r = aes.loc[idx]
            out.append(
                replace(f, **_ctx("adverse_events", idx, r, f"{r['event']}: grades vs any grade", studies))
            )
    return out


def _hr_rows(tables, texts, tol, studies):
    effects = tables.get("effects")
    if effects is None:
        return []
    out = []
    for idx, row in effects.iterrows():
        if _s(row.get("measure")) not in ("HR", "aHR") or _missing(row.get("value")):
            continue
        if _missing(row.get("ci_low")) or _missing(row.get("ci_high")):
            continue
        hr, lo, hi = (_printed(effects, texts, "effects", idx, c) for c in ("value", "ci_low", "ci_high"))
        level = 0.95 if _missing(row.get("ci_level")) else float(row["ci_level"])
        p = _printed(effects, texts, "effects", idx, "p_value")
        op = _s(row.get("p_operator")) or "="
        what = f"{row['endpoint']} {row['measure']} vs {row['comparator_arm_id']}"
        try:
            found = check_hr_ci(hr, lo, hi, level=level, p=p, p_operator=op, tolerances=tol)
        except ValueError:
            continue
        for f in found:
            out.append(replace(f, **_ctx("effects", idx, row, what, studies)))
    return out


def _find_counts(tables, trial, arm, endpoint, criterion, item):
    """(count, n) of one arm for a 2x2 comparison, or None."""
    if endpoint == "adverse_event":
        aes = tables.get("adverse_events")
        if aes is None:
            return None
        m = aes[
            (aes["trial_id"].astype(str) == trial)
            & (aes["arm_id"].astype(str) == arm)
            & (aes["event"].astype(str) == item)
        ]
        m = m[m["count"].notna()]
        if m.empty:
            return None
        anyg = m[m["grade"].astype(str) == "any"]
        r = (anyg if not anyg.empty else m).iloc[0]
        return int(r["count"]), int(r["n"])
    outcomes = tables.get("outcomes")
    if outcomes is None:
        return None
    m = outcomes[
        (outcomes["trial_id"].astype(str) == trial)
        & (outcomes["arm_id"].astype(str) == arm)
        & (outcomes["endpoint"].astype(str) == endpoint)
        & outcomes["count"].notna()
        & outcomes["n"].notna()
    ]
    if criterion:
        m = m[m["criterion"].astype(str) == criterion]
    if item:
        m = m[m["item"].astype(str) == item]
    if m.empty:
        return None
    r = m.iloc[0]
    return int(r["count"]), int(r["n"])


def _two_by_two_rows(tables, texts, tol, studies):
    effects = tables.get("effects")
    if effects is None:
        return []
    out = []
    for idx, row in effects.iterrows():
        if _s(row.get("measure")) not in ("p_only", "chi2") or _missing(row.get("p_value")):
            continue
        endpoint = _s(row["endpoint"])
        if endpoint not in (*RESPONSE, "recurrence_12m", "adverse_event"):
            continue
        crit, item = _s(row.get("criterion")), _s(row.get("item"))
        a = _find_counts(tables, _s(row["trial_id"]), _s(row["arm_id"]), endpoint, crit, item)
        b = _find_counts(tables, _s(row["trial_id"]), _s(row["comparator_arm_id"]), endpoint, crit, item)
        if a is None or b is None:
            continue
        p = _printed(effects, texts, "effects", idx, "p_value")
        op = _s(row.get("p_operator")) or "="
        what = (item if endpoint == "adverse_event" else endpoint) + (f" ({crit})" if crit else "")
        what += f": {row['arm_id']} vs {row['comparator_arm_id']}"
        try:
            found = check_two_by_two(*a, *b, p_reported=p, p_operator=op, tolerances=tol)
        except ValueError:
            continue
        for f in found:
            out.append(replace(f, **_ctx("effects", idx, row, what, studies)))
    return out


def _test_statistic_rows(tables, texts, tol, studies):
    effects = tables.get("effects")
    if effects is None:
        return []
    arms = tables.get("arms")
    arm_n = {}
    if arms is not None:
        arm_n = {(_s(r["trial_id"]), _s(r["arm_id"])): r["n"] for _, r in arms.iterrows()}
    out = []
    for idx, row in effects.iterrows():
        measure = _s(row.get("measure"))
        if measure not in ("t", "chi2") or _missing(row.get("value")) or _missing(row.get("p_value")):
            continue
        df = None
        if measure == "t":
            na = arm_n.get((_s(row["trial_id"]), _s(row["arm_id"])))
            nb = arm_n.get((_s(row["trial_id"]), _s(row["comparator_arm_id"])))
            if _missing(na) or _missing(nb):
                continue
            df = int(na) + int(nb) - 2
        value = _printed(effects, texts, "effects", idx, "value")
        p = _printed(effects, texts, "effects", idx, "p_value")
        what = f"{row['endpoint']}" + (f" ({row['item']})" if _s(row.get("item")) else "") + f" {measure}"
        try:
            found = check_test_statistic(
                measure, value, df=df, p=p, p_operator=_s(row.get("p_operator")) or "=", tolerances=tol
            )
        except ValueError:
            continue
        for f in found:
            out.append(replace(f, **_ctx("effects", idx, row, what, studies)))
    return out


def _survival_rows(tables, texts, tol, studies):
    out = []
    outcomes = tables.get("outcomes")
    at_risk = tables.get("at_risk")
    arms = tables.get("arms")
    arm_n = {}
    if arms is not None:
        arm_n = {
            (_s(r["trial_id"]), _s(r["arm_id"])): (None if _missing(r["n"]) else int(r["n"]))
            for _, r in arms.iterrows()
        }
    if at_risk is not None and not at_risk.empty:
        for (trial, arm, endpoint), grp in at_risk.groupby(["trial_id", "arm_id", "endpoint"], sort=False):
            event_free = {}
            if outcomes is not None:
                lm = outcomes[
                    (outcomes["trial_id"] == trial)
                    & (outcomes["arm_id"] == arm)
                    & (outcomes["endpoint"] == f"{endpoint}_rate")
                    & outcomes["count"].notna()
                ]
                event_free = {float(r["time_months"]): int(r["count"]) for _, r in lm.iterrows()}
            found = check_at_risk(
                list(grp["time_months"]),
                list(grp["n_at_risk"]),
                n=arm_n.get((trial, arm)),
                event_free=event_free,
            )
            first = grp.sort_values("time_months").index[0]
            for f in found:
                idx = first
                if f.severity != "pass" and "at_risk" in f.inputs_dict():
                    t_bad = None
                    m = re.search(r"at ([\d.]+) months", f.reported) or re.search(
                        r"at risk at month ([\d.]+)", f.reported
                    )
                    if m:
                        t_bad = float(m.group(1))
                    if t_bad is not None:
                        hit = grp.index[grp["time_months"].astype(float) == t_bad]
                        if len(hit):
                            idx = hit[0]
                out.append(
                    replace(
                        f, **_ctx("at_risk", idx, at_risk.loc[idx], f"{endpoint} numbers at risk", studies)
                    )
                )
    if outcomes is None:
        return out
    for _key, grp in outcomes.groupby(["trial_id", "arm_id"], sort=False):
        rates = {}
        for ep in ("OS", "PFS"):
            rows = grp[(grp["endpoint"] == f"{ep}_rate") & grp["value"].notna()]
            rates[ep] = {
                float(r["time_months"]): (_printed(outcomes, texts, "outcomes", i, "value"), i)
                for i, r in rows.iterrows()
            }
        for ep in ("OS", "PFS", "TTUP", "RFS", "PPS"):
            med_rows = grp[grp["endpoint"] == f"median_{ep}"]
            med_idx = med_rows.index[0] if len(med_rows) else None
            lm = rates.get(ep, {})
            if not lm and med_idx is None:
                continue
            median = None
            not_reached = False
            ci = None
            if med_idx is not None:
                mr = outcomes.loc[med_idx]
                median = _printed(outcomes, texts, "outcomes", med_idx, "value")
                not_reached = _s(mr.get("qualifier")) == "not_reached"
                if not _missing(mr.get("ci_low")) or not _missing(mr.get("ci_high")):
                    ci = (
                        _printed(outcomes, texts, "outcomes", med_idx, "ci_low"),
                        _printed(outcomes, texts, "outcomes", med_idx, "ci_high"),
                    )
            other = {t: v for t, (v, _) in rates.get("OS", {}).items()} if ep == "PFS" else None
            try:
                found = check_landmarks(
                    {t: v for t, (v, _) in lm.items()},
                    median=median,
                    median_ci=ci,
                    median_not_reached=not_reached and not lm == {},
                    other=other,
                    endpoint=ep,
                )
            except ValueError:
                continue
            for f in found:
                if f.check == "median_ci" or (f.check == "median_vs_landmarks" and med_idx is not None):
                    idx = med_idx
                elif lm:
                    idx = next(iter(lm.values()))[1]
                else:
                    idx = med_idx
                if idx is None:
                    continue
                r = outcomes.loc[idx]
                what = {
                    "landmarks": f"{ep} landmark rates",
                    "median_vs_landmarks": f"median {ep} vs landmarks",
                    "median_ci": f"median {ep} and its CI",
                }[f.check]
                out.append(replace(f, **_ctx("outcomes", idx, r, what, studies)))
    return out


def _hr_median_rows(tables, texts, tol, studies):
    effects, outcomes = tables.get("effects"), tables.get("outcomes")
    if effects is None or outcomes is None:
        return []
    out = []
    for idx, row in effects.iterrows():
        if _s(row.get("measure")) not in ("HR", "aHR") or _missing(row.get("value")):
            continue
        if "preferred" in row and row["preferred"] is False:
            continue
        ep = _s(row["endpoint"])
        trial = _s(row["trial_id"])
        med = {}
        for arm in (_s(row["arm_id"]), _s(row["comparator_arm_id"])):
            m = outcomes[
                (outcomes["trial_id"] == trial)
                & (outcomes["arm_id"] == arm)
                & (outcomes["endpoint"] == f"median_{ep}")
                & outcomes["value"].notna()
            ]
            if m.empty:
                break
            med[arm] = float(m.iloc[0]["value"])
        if len(med) != 2:
            continue
        m_arm, m_cmp = med[_s(row["arm_id"])], med[_s(row["comparator_arm_id"])]
        hr = float(row["value"])
        rel = abs(m_arm - m_cmp) / max(m_arm, m_cmp)
        disagree = (hr < 1 and m_arm < m_cmp) or (hr > 1 and m_arm > m_cmp)
        what = f"{ep} {row['measure']} vs medians"
        kw = dict(
            tolerance=f"medians at least {tol.median_direction:.0%} apart",
            reported_value=hr,
            inputs={"hr": hr, "median_arm": m_arm, "median_comparator": m_cmp},
            **_ctx("effects", idx, row, what, studies),
        )
        rep = f"HR {hr:g} ({row['arm_id']} vs {row['comparator_arm_id']})"
        rec = f"median {m_arm:g} vs {m_cmp:g} months"
        if disagree and rel >= tol.median_direction:
            note = _s(row.get("direction_note"))
            out.append(
                _finding(
                    "hr_vs_medians",
                    "info",
                    rep,
                    rec,
                    f"The HR favours {'the first arm' if hr < 1 else 'the comparator'}, but the "
                    f"{'first arm' if m_arm < m_cmp else 'comparator'} has the shorter median. This can happen "
                    "(the HR summarises the whole curve, the median one point of it; curves that cross), but it "
                    "is also the classic sign of an HR printed the other way round (comparator vs experimental). "
                    "Check which arm is the reference." + (f" Curator's note: {note}" if note else ""),
                    **kw,
                )
            )
        else:
            out.append(
                _finding(
                    "hr_vs_medians", "pass", rep, rec, "The HR and the medians point the same way.", **kw
                )
            )
    return out


def _p_range(p, op, text):
    d = printed_decimals(text) if text is not None else 3
    return _p_interval(float(p), op or "=", d)


def _text_vs_table_rows(tables, texts, tol, studies):
    out = []
    effects = tables.get("effects")
    if effects is not None and "preferred" in effects:
        key_cols = ["trial_id", "arm_id", "comparator_arm_id", "endpoint", "item", "criterion"]
        keyed = effects[key_cols].astype(str)
        for idx, row in effects[effects["preferred"] == False].iterrows():  # noqa: E712 - a boolean column
            same = (keyed == keyed.loc[idx]).all(axis=1) & (effects["preferred"] == True)  # noqa: E712
            others = effects[same]
            if others.empty:
                continue
            ref_idx = others.index[0]
            ref = effects.loc[ref_idx]
            what = f"{row['endpoint']}" + (f" ({row['item']})" if _s(row.get("item")) else "")
            ctx = _ctx("effects", idx, row, what, studies)
            loc_a, loc_b = _s(row["source_location"]), _s(ref["source_location"])
            # values (same measure)
            if (
                _s(row["measure"]) == _s(ref["measure"])
                and not _missing(row.get("value"))
                and not _missing(ref.get("value"))
            ):
                va, vb = float(row["value"]), float(ref["value"])
                if va != vb:
                    out.append(
                        _finding(
                            "text_vs_table",
                            "error",
                            f"{row['measure']} {va:g} ({loc_a})",
                            f"{ref['measure']} {vb:g} ({loc_b})",
                            "The same comparison is printed with two different values in two places of the report; "
                            "at most one can be right. Here the audit keeps the second as the preferred value.",
                            tolerance="exact",
                            reported_value=va,
                            recomputed_value=vb,
                            **ctx,
                        )
                    )
                    continue
            if _missing(row.get("p_value")) or _missing(ref.get("p_value")):
                continue
            ta = _printed(effects, texts, "effects", idx, "p_value")
            tb = _printed(effects, texts, "effects", ref_idx, "p_value")
            a_lo, a_hi = _p_range(row["p_value"], _s(row.get("p_operator")), ta)
            b_lo, b_hi = _p_range(ref["p_value"], _s(ref.get("p_operator")), tb)
            rep = f"P {_s(row.get('p_operator')) or '='} {ta} ({loc_a})"
            rec = f"P {_s(ref.get('p_operator')) or '='} {tb} ({loc_b})"
            kw = dict(
                tolerance="printed rounding",
                reported_value=float(row["p_value"]),
                recomputed_value=float(ref["p_value"]),
            )
            if a_lo <= b_hi and b_lo <= a_hi:
                out.append(
                    _finding(
                        "text_vs_table",
                        "pass",
                        rep,
                        rec,
                        "The two printed versions agree within rounding.",
                        **kw,
                        **ctx,
                    )
                )
            elif loc_a == loc_b:
                out.append(
                    _finding(
                        "text_vs_table",
                        "info",
                        rep,
                        rec,
                        "Two different p-values are printed side by side for the same comparison, probably from two "
                        "tests (e.g. log-rank and Cox). Not an error, but the report should name both tests.",
                        **kw,
                        **ctx,
                    )
                )
            else:
                flips = (a_hi < tol.alpha) != (b_hi < tol.alpha)
                out.append(
                    _finding(
                        "text_vs_table",
                        "error",
                        rep,
                        rec,
                        "The text and the table print different p-values for the same comparison; they cannot both be "
                        "right."
                        + (" One says significant at the 5 % level, the other not." if flips else "")
                        + " Recompute from the counts where they are given (see the two_by_two check).",
                        **kw,
                        **ctx,
                    )
                )
    # outcomes / adverse events: the same number printed in two places
    specs = [
        ("adverse_events", ["trial_id", "arm_id", "event", "grade"], "percent_reported"),
        ("outcomes", ["trial_id", "arm_id", "endpoint", "item", "criterion", "time_months"], "value"),
    ]
    for name, key_cols, value_col in specs:
        frame = tables.get(name)
        if frame is None:
            continue
        for _, grp in frame.groupby(key_cols, sort=False, dropna=False):
            if grp["source_location"].nunique() < 2:
                continue
            base_idx = grp.index[0]
            base = frame.loc[base_idx]
            for idx in grp.index[1:]:
                row = frame.loc[idx]
                if _s(row["source_location"]) == _s(base["source_location"]):
                    continue
                what = (
                    f"{row['event']} (grade {row['grade']})"
                    if name == "adverse_events"
                    else _outcome_what(row)
                )
                ctx = _ctx(name, idx, row, what, studies)
                ca, cb = row.get("count"), base.get("count")
                if not _missing(ca) and not _missing(cb):
                    same = int(ca) == int(cb)
                    rep, rec = (
                        f"{int(ca)} patient(s) ({row['source_location']})",
                        f"{int(cb)} patient(s) ({base['source_location']})",
                    )
                    rv, cv = float(ca), float(cb)
                else:
                    ta = _printed(frame, texts, name, idx, value_col)
                    tb = _printed(frame, texts, name, base_idx, value_col)
                    if ta is None or tb is None:
                        if ta is None and not _missing(cb) and tb is not None:
                            continue
                        # one version has only a count, the other only a percentage
                        if ta is not None and not _missing(cb) and not _missing(base.get("n")):
                            check = check_percentage(int(cb), int(base["n"]), ta)[0]
                            same = check.passed
                            rep, rec = (
                                f"{ta} % ({row['source_location']})",
                                f"{int(cb)}/{int(base['n'])} ({base['source_location']})",
                            )
                            rv, cv = float(_decimal(ta, value_col)), 100 * int(cb) / int(base["n"])
                        else:
                            continue
                    else:
                        fa, fb = Fraction(_decimal(ta, value_col)), Fraction(_decimal(tb, value_col))
                        ea = Fraction(1, 2 * 10 ** printed_decimals(ta))
                        eb = Fraction(1, 2 * 10 ** printed_decimals(tb))
                        same = abs(fa - fb) <= ea + eb
                        rep, rec = f"{ta} ({row['source_location']})", f"{tb} ({base['source_location']})"
                        rv, cv = float(fa), float(fb)
                kw = dict(
                    tolerance="exact for counts, printed rounding for percentages",
                    reported_value=rv,
                    recomputed_value=cv,
                )
                if same:
                    out.append(
                        _finding(
                            "text_vs_table", "pass", rep, rec, "The two printed versions agree.", **kw, **ctx
                        )
                    )
                else:
                    out.append(
                        _finding(
                            "text_vs_table",
                            "error",
                            rep,
                            rec,
                            "The same number is printed differently in two places of the report (e.g. abstract and "
                            "table); they cannot both be right. Tables are usually more reliable than abstracts, but "
                            "only the authors can say which is correct.",
                            **kw,
                            **ctx,
                        )
                    )
    return out


def _recorded_rows(tables, studies, found):
    """Findings for the curators' ``DISCREPANCY:`` notes; returns (new findings, updated ``found``).

    A note on a row that an automatic check already flagged is appended to that finding's
    message instead of being listed twice; a note on a row whose automatic check passed is
    ``info`` (the printed values are compatible within rounding); any other note is a ``warning``.
    """
    by_line: dict = {}
    for i, f in enumerate(found):
        if f.table and f.line is not None:
            by_line.setdefault((f.table, f.line), []).append(i)
    found = list(found)
    out, seen = [], set()
    for name in ("trials", "arms", "outcomes", "effects", "adverse_events", "at_risk", "baseline"):
        frame = tables.get(name)
        if frame is None or "note" not in frame:
            continue
        for idx, row in frame.iterrows():
            note = _s(row.get("note"))
            if "DISCREPANCY" not in note:
                continue
            parts = [
                p.strip()
                for p in re.split(r"(?=DISCREPANCY:)|(?<=\.)\s+(?=[A-Z][A-Z ]{3,}:)", note)
                if p.strip().startswith("DISCREPANCY")
            ]
            if name == "trials":
                what = "study report"
            elif name == "arms":
                what = f"arm {row['arm_id']}"
            elif name == "outcomes":
                what = _outcome_what(row)
            elif name == "effects":
                what = f"{row['endpoint']}" + (f" ({row['item']})" if _s(row.get("item")) else "")
            elif name == "adverse_events":
                what = f"{row['event']} (grade {row['grade']})"
            elif name == "at_risk":
                what = f"{row['endpoint']} numbers at risk"
            else:
                what = f"{row['characteristic']}" + (
                    f": {row['category']}" if _s(row.get("category")) else ""
                )
            ctx = _ctx(name, idx, row, what, studies)
            hits = by_line.get((name, ctx["line"]), [])
            flagged = sorted((i for i in hits if not found[i].passed), key=lambda i: _RANK[found[i].severity])
            passed = [found[i] for i in hits if found[i].passed and found[i].check == "text_vs_table"]
            for part in parts:
                text = part.replace("DISCREPANCY:", "").strip()
                if (ctx["trial_id"], text) in seen:
                    continue  # the same note on several arms' rows
                seen.add((ctx["trial_id"], text))
                if flagged:
                    f = found[flagged[0]]
                    found[flagged[0]] = replace(
                        f, message=f"{f.message} The curator recorded this too: {text}"
                    )
                    continue
                if passed:
                    severity = "info"
                    msg = (
                        "A reader of the source recorded this while curating the data; the automatic "
                        f"{passed[0].check} check finds the printed values compatible within rounding "
                        f"({passed[0].reported} vs {passed[0].recomputed}), so it is a minor inconsistency."
                    )
                else:
                    severity = "warning"
                    msg = (
                        "A reader of the source found this contradiction while curating the data (no automatic "
                        "check covers it). Read the source to judge it."
                    )
                out.append(
                    _finding(
                        "recorded_discrepancy",
                        severity,
                        text,
                        "not recomputed (curator's note)",
                        msg,
                        **ctx,
                    )
                )
    return out, found


def _prepare(tables) -> tuple[dict, dict]:
    """Copy user tables; keep string cells as printed text and convert numeric columns."""
    import pandas as pd

    numeric = {
        "outcomes": ["time_months", "count", "n", "value", "value_max", "ci_low", "ci_high", "ci_level"],
        "effects": ["value", "ci_low", "ci_high", "ci_level", "p_value"],
        "adverse_events": ["count", "n", "percent_reported"],
        "at_risk": ["time_months", "n_at_risk"],
        "arms": ["n", "n_evaluable"],
        "baseline": ["count", "n", "value"],
    }
    out, texts = {}, {}
    for name, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"tables[{_show(name)}]: expected a pandas DataFrame, got {type(frame).__name__}")
        frame = frame.copy()
        text = pd.DataFrame(index=frame.index)
        for col in numeric.get(name, []):
            if col not in frame:
                continue
            if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
                text[col] = frame[col].map(lambda v: v.strip() if isinstance(v, str) and v.strip() else None)
                converted = pd.to_numeric(frame[col], errors="coerce")
                bad = frame[col].notna() & frame[col].astype(str).str.strip().ne("") & converted.isna()
                if bad.any():
                    i = bad.idxmax()
                    raise ValueError(
                        f"tables[{_show(name)}], row {i!r}, column {col!r}: {frame.at[i, col]!r} is not a number"
                    )
                frame[col] = converted
        if "preferred" in frame and frame["preferred"].dtype != bool:
            frame["preferred"] = (
                frame["preferred"].astype(str).str.strip().str.lower().isin(["true", "1", "yes"])
            )
        out[name] = frame
        texts[name] = text
    required = {
        "outcomes": [
            "trial_id",
            "arm_id",
            "endpoint",
            "count",
            "n",
            "value",
            "unit",
            "statistic",
            "source_location",
        ],
        "effects": [
            "trial_id",
            "arm_id",
            "comparator_arm_id",
            "endpoint",
            "measure",
            "value",
            "ci_low",
            "ci_high",
            "p_value",
        ],
        "adverse_events": [
            "trial_id",
            "arm_id",
            "event",
            "grade",
            "count",
            "n",
            "percent_reported",
            "source_location",
        ],
        "at_risk": ["trial_id", "arm_id", "endpoint", "time_months", "n_at_risk"],
        "arms": ["trial_id", "arm_id", "n"],
        "baseline": ["trial_id", "characteristic", "count", "n", "value", "unit", "statistic"],
        "trials": ["trial_id"],
    }
    defaults = {
        "item": None,
        "criterion": None,
        "note": None,
        "time_months": float("nan"),
        "source_location": "",
        "ci_level": float("nan"),
        "p_operator": "=",
        "category": None,
        "value_max": float("nan"),
        "qualifier": None,
        "direction_note": None,
        "arm_id": None,
        "comparator_arm_id": None,
        "ci_low": float("nan"),
        "ci_high": float("nan"),
    }
    for name, frame in out.items():
        for col in required.get(name, []):
            if col not in frame:
                raise ValueError(f"tables[{_show(name)}]: required column {col!r} is missing")
        for col, default in defaults.items():
            if col not in frame and name in ("outcomes", "effects", "adverse_events", "at_risk", "baseline"):
                frame[col] = default
    return out, texts


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
        the numbers checked per check and ``attrs["tolerances"]`` records the tolerances.

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
    found = [f for f in found if f.check in wanted]
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
    return frame


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


def summary(findings):
    """Tidy counts of findings by check and severity (columns ``check, severity, findings``)."""
    import pandas as pd

    frame = findings if isinstance(findings, pd.DataFrame) else findings_frame(findings)
    for col in ("check", "severity"):
        if col not in frame:
            raise ValueError(f"findings: column {col!r} is missing")
    if frame.empty:
        return pd.DataFrame(
            {
                "check": pd.Series(dtype=str),
                "severity": pd.Series(dtype=str),
                "findings": pd.Series(dtype=int),
            }
        )
    out = frame.groupby(["check", "severity"]).size().reset_index(name="findings")
    out["_c"] = out["check"].map({c: i for i, c in enumerate(CHECKS)})
    out["_s"] = out["severity"].map(_RANK)
    return out.sort_values(["_c", "_s"]).drop(columns=["_c", "_s"]).reset_index(drop=True)


_HEADINGS = {
    "error": "Errors - impossible or contradictory as printed",
    "warning": "Warnings - likely problems, or inconsistencies the report does not explain",
    "info": "Info - explained by design or a documented definition; worth knowing",
    "pass": "Passed - checked and consistent",
}


def report(findings, *, fmt: str = "text", width: int = 100) -> str:
    """A readable report of :func:`audit` findings, grouped by severity.

    Parameters
    ----------
    findings : DataFrame or sequence of Finding
    fmt : {"text", "markdown"}
    width : int
        Line width of the text format (characters).
    """
    import pandas as pd

    if fmt not in ("text", "markdown"):
        raise ValueError(f"fmt: must be 'text' or 'markdown', got {fmt!r}")
    frame = findings if isinstance(findings, pd.DataFrame) else findings_frame(findings)
    counts = {s: int((frame["severity"] == s).sum()) for s in SEVERITIES}
    checked = frame.attrs.get("checked", {})
    n_checked = sum(checked.values())
    lines: list[str] = []
    md = fmt == "markdown"
    title = "Consistency audit of reported trial numbers"
    lines.append(f"# {title}" if md else title)
    lines.append("" if md else "=" * len(title))
    intro = (
        f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info"
        + (f" - from {n_checked} checks of reported numbers" if n_checked else "")
        + ". A printed number stands for every value that rounds to it, so rounding alone never raises a finding."
    )
    lines.append(intro)
    if checked:
        per = ", ".join(f"{c} {checked[c]}" for c in CHECKS if c in checked)
        lines.append(("" if not md else "\n") + f"Checks run (numbers checked): {per}.")
    tols = frame.attrs.get("tolerances")
    if tols:
        lines.append(
            ("" if not md else "\n") + "Tolerances: " + ", ".join(f"{k}={v:g}" for k, v in tols.items()) + "."
        )
    for sev in SEVERITIES:
        part = frame[frame["severity"] == sev]
        if part.empty:
            continue
        lines.append("")
        lines.append(
            f"## {_HEADINGS[sev]} ({len(part)})" if md else f"{_HEADINGS[sev].upper()} ({len(part)})"
        )
        lines.append("")
        for i, r in enumerate(part.itertuples(index=False), 1):
            study = r.study or r.trial_id
            where = " / ".join(
                x
                for x in (f"{study} [{r.trial_id}]" if r.trial_id and r.study else study, r.arm_id, r.what)
                if x
            )
            src = r.source_location + (
                f"; {r.table}.csv line {r.line}" if r.table and not pd.isna(r.line) else ""
            )
            if md:
                lines.append(f"{i}. **{r.check}** - {where} ({src})  ")
                lines.append(
                    f"   reported: {r.reported} | recomputed: {r.recomputed}"
                    + (f" | tolerance: {r.tolerance}" if r.tolerance else "")
                    + "  "
                )
                lines.append(f"   {r.message}")
            else:
                wrap = textwrap.TextWrapper(width=width, initial_indent="", subsequent_indent="     ")
                lines.append(wrap.fill(f"{i:>3}. [{r.check}] {where} ({src})"))
                lines.append(
                    textwrap.fill(
                        f"reported: {r.reported} | recomputed: {r.recomputed}"
                        + (f" | tolerance: {r.tolerance}" if r.tolerance else ""),
                        width=width,
                        initial_indent="     ",
                        subsequent_indent="     ",
                    )
                )
                lines.append(
                    textwrap.fill(r.message, width=width, initial_indent="     ", subsequent_indent="     ")
                )
    lines.append("")
    guide = (
        "What a finding does and does not mean: an error says two printed numbers cannot both be right - it does "
        "not say which one is wrong, nor that the trial's conclusion is wrong. A warning is a likely problem or "
        "an unexplained gap (e.g. an unstated denominator). Info is explained by design or a definition. "
        "Check the full text before drawing conclusions, and ask the authors when it matters."
    )
    lines.append(guide if md else textwrap.fill(guide, width=width))
    return "\n".join(lines)


# --------------------------------------------------------------------------- tidy frames for charts
def grim_table(n, percent, *, decimals: int | None = None, count=None, window: int = 4):
    """The percentages achievable with ``n`` patients around a printed ``percent`` (GRIM picture).

    Returns a DataFrame with one row per count ``k`` near ``percent``: ``count``, ``percent``
    (exact 100 k / n), ``printed`` (rounded to ``decimals``), ``matches`` (prints as the
    reported value), ``reported_count`` (k equals ``count``); ``attrs`` hold the reported
    value, its rounding window (``low``, ``high``) and ``n``.
    """
    import pandas as pd

    n = _int(n, "n", minimum=1, maximum=MAX_N)
    rep = _decimal(percent, "percent")
    d = (
        printed_decimals(percent)
        if decimals is None
        else _int(decimals, "decimals", maximum=MAX_DECIMALS, unit="decimals")
    )
    centre = round(float(rep) * n / 100)
    ks = [k for k in range(centre - window, centre + window + 1) if 0 <= k <= n]
    if count is not None and not _missing(count):
        count = _int(count, "count")
        ks = sorted(set(ks) | {c for c in (count,) if 0 <= c <= n})
    half = Fraction(1, 2 * 10**d)
    rows = []
    for k in ks:
        exact = Fraction(100 * k, n)
        rows.append(
            {
                "count": k,
                "percent": float(exact),
                "printed": _fmt(exact, d),
                "matches": stats.percent_prints_as(k, n, rep, decimals=d),
                "reported_count": count is not None and k == count,
            }
        )
    frame = pd.DataFrame(rows)
    frame.attrs.update(
        reported=float(rep),
        low=float(Fraction(rep) - half),
        high=float(Fraction(rep) + half),
        n=n,
        decimals=d,
    )
    return frame


def hr_ci_table(effects=None):
    """Every HR with a CI as a tidy frame: ``label, trial_id, endpoint, hr, ci_low, ci_high,
    ci_level, geometric_mean, offset, severity`` (``offset``: HR distance from the log-centre as
    a fraction of the log half-width; ``severity`` of the ``hr_ci`` check). Default: curated data."""
    import pandas as pd

    texts = {}
    if effects is None:
        from hcckit import data

        effects = data.load("effects")
        texts = {"effects": _raw_texts()["effects"]}
        studies = _studies({"trials": data.load("trials")})
    else:
        prepared, texts = _prepare({"effects": effects})
        effects = prepared["effects"]
        studies = {}
    rows = []
    for idx, r in effects.iterrows():
        if (
            _s(r.get("measure")) not in ("HR", "aHR")
            or _missing(r.get("value"))
            or _missing(r.get("ci_low"))
            or _missing(r.get("ci_high"))
        ):
            continue
        hr, lo, hi = (_printed(effects, texts, "effects", idx, c) for c in ("value", "ci_low", "ci_high"))
        level = 0.95 if _missing(r.get("ci_level")) else float(r["ci_level"])
        f = check_hr_ci(hr, lo, hi, level=level)[0]
        fhr, flo, fhi = float(r["value"]), float(r["ci_low"]), float(r["ci_high"])
        offset = stats.log_ci_offset(fhr, flo, fhi)
        study = studies.get(_s(r["trial_id"]), _s(r["trial_id"]))
        twins = effects[
            (effects["trial_id"] == r["trial_id"])
            & (effects["endpoint"] == r["endpoint"])
            & (effects["arm_id"] == r["arm_id"])
            & effects["measure"].isin(["HR", "aHR"])
        ]
        src = f" [{_s(r.get('source_location')).split(';')[0]}]" if len(twins) > 1 else ""
        rows.append(
            {
                "label": f"{study}: {r['endpoint']} {r['measure']}{src}",
                "trial_id": _s(r["trial_id"]),
                "endpoint": _s(r["endpoint"]),
                "hr": fhr,
                "ci_low": flo,
                "ci_high": fhi,
                "ci_level": level,
                "geometric_mean": math.sqrt(flo * fhi),
                "offset": offset,
                "severity": f.severity,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "label",
            "trial_id",
            "endpoint",
            "hr",
            "ci_low",
            "ci_high",
            "ci_level",
            "geometric_mean",
            "offset",
            "severity",
        ],
    )


def two_by_two_table(a, n_a, b, n_b, *, p_reported=None, p_operator: str = "="):
    """p-values of the three standard tests for a/n_a vs b/n_b, tidy for a chart.

    Columns ``test, p, reliable`` (chi-square rows are unreliable when an expected count < 5),
    plus a ``reported`` row when ``p_reported`` is given; ``attrs["min_expected"]``.
    """
    import pandas as pd

    a, n_a = _int(a, "a"), _int(n_a, "n_a", minimum=1, maximum=MAX_N)
    b, n_b = _int(b, "b"), _int(n_b, "n_b", minimum=1, maximum=MAX_N)
    if a > n_a:
        raise ValueError(f"a: must be <= n_a ({n_a}), got {a}")
    if b > n_b:
        raise ValueError(f"b: must be <= n_b ({n_b}), got {b}")
    res = _two_by_two_tests(a, n_a, b, n_b)
    rows = [
        {"test": "Fisher exact", "p": res.fisher_p, "reliable": True},
        {"test": "chi-square", "p": res.chi2_p, "reliable": res.chi2_valid},
        {"test": "chi-square (Yates)", "p": res.chi2_yates_p, "reliable": res.chi2_valid},
    ]
    if p_reported is not None and not _missing(p_reported):
        p_dec = _decimal(p_reported, "p_reported")
        if not 0 < p_dec <= 1:
            raise ValueError(f"p_reported: must lie in (0, 1], got {_show(p_reported)}")
        if not isinstance(p_operator, str) or p_operator not in ("=", "<", ">"):
            raise ValueError(f"p_operator: must be '=', '<' or '>', got {_show(p_operator)}")
        rows.append(
            {
                "test": f"reported (P {p_operator} {p_reported})",
                "p": float(p_dec),
                "reliable": True,
            }
        )
    frame = pd.DataFrame(rows)
    frame.attrs["min_expected"] = res.min_expected
    return frame


def hr_ci_frame(hr, low, high, *, level: float = 0.95, label: str = "reported"):
    """One hazard ratio with its interval as a one-row frame shaped like :func:`hr_ci_table`."""
    import pandas as pd

    f = check_hr_ci(hr, low, high, level=level)[0]
    fhr, flo, fhi = (float(_decimal(v, k)) for v, k in ((hr, "hr"), (low, "low"), (high, "high")))
    offset = stats.log_ci_offset(fhr, flo, fhi)
    return pd.DataFrame(
        [
            {
                "label": label,
                "trial_id": "",
                "endpoint": "",
                "hr": fhr,
                "ci_low": flo,
                "ci_high": fhi,
                "ci_level": float(level),
                "geometric_mean": math.sqrt(flo * fhi),
                "offset": offset,
                "severity": f.severity,
            }
        ]
    )


def figure_data(finding) -> tuple[str, object]:
    """What to draw for one finding: ``(kind, tidy frame)``.

    ``kind`` is ``"grim"`` (:func:`grim_table`), ``"hr"`` (:func:`hr_ci_frame`), ``"tests"``
    (:func:`two_by_two_table`), ``"at_risk"`` (columns ``time_months, n_at_risk`` and
    ``attrs["n"]``), ``"values"`` (columns ``label, value``: reported vs recomputed) or
    ``"none"`` (``None``: nothing numeric to draw). ``finding`` is a :class:`Finding` or a row
    of :func:`audit` (a dict or a Series).
    """
    import pandas as pd

    if isinstance(finding, Finding):
        row = {c: getattr(finding, c) for c in _COLUMNS if c != "inputs"}
        row["inputs"] = finding.inputs_dict()
    else:
        row = dict(finding)
    inputs = row.get("inputs") or {}
    if not isinstance(inputs, Mapping):
        inputs = dict(inputs)
    check = row.get("check")
    if check == "percentage" and not _missing(inputs.get("n")) and inputs.get("percent") is not None:
        return "grim", grim_table(inputs["n"], inputs["percent"], count=inputs.get("count"))
    if check in ("hr_ci", "hr_p_value") and "hr" in inputs:
        return "hr", hr_ci_frame(
            inputs["hr"],
            inputs["low"],
            inputs["high"],
            level=inputs.get("level", 0.95),
            label=row.get("what") or "reported",
        )
    if check == "two_by_two" and "a" in inputs:
        return "tests", two_by_two_table(
            inputs["a"],
            inputs["n_a"],
            inputs["b"],
            inputs["n_b"],
            p_reported=inputs.get("p"),
            p_operator=inputs.get("p_operator", "="),
        )
    if check == "at_risk" and "times" in inputs:
        frame = pd.DataFrame({"time_months": list(inputs["times"]), "n_at_risk": list(inputs["at_risk"])})
        frame.attrs["n"] = inputs.get("n")
        frame.attrs["event_free"] = dict(inputs.get("event_free") or ())
        return "at_risk", frame
    rv, cv = row.get("reported_value"), row.get("recomputed_value")
    if not _missing(rv) and not _missing(cv):
        second = "second version" if check == "text_vs_table" else "recomputed"
        first = "first version" if check == "text_vs_table" else "reported"
        return "values", pd.DataFrame(
            {
                "label": [first, second],
                "value": [float(rv), float(cv)],
                "text": [row.get("reported", ""), row.get("recomputed", "")],
            }
        )
    return "none", None
