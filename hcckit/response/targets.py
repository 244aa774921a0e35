"""The target-lesion rule alone, on sums: :func:`target_category` (the lesson's exercise, integer
tenths of a mm) and :func:`explain_target` (a :class:`TargetVerdict` with the rule that fired)."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from hcckit.response._validate import _check_bool
from hcckit.response.criteria import _U, MAX_MM, criterion_name

__all__ = ["target_category", "TargetVerdict", "explain_target"]


def target_category(
    sum_tenth_mm: int, baseline_tenth_mm: int, nadir_tenth_mm: int, *, nadir_was_cr: bool = True
) -> str:
    """RECIST 1.1 target-lesion category from integer sums in tenths of a mm: ``PR``/``SD``/``PD``.

    PD is tested first: sum >= 120 % of the nadir AND at least 5 mm (50 tenths) above it;
    then PR: sum <= 70 % of the baseline; otherwise SD. (CR is lesion-wise and cannot be
    decided from sums: see :func:`assess`.)

    A nadir of 0 mm means every target had disappeared. With ``nadir_was_cr=True`` (default:
    target disease only, so that visit was an overall CR) any sum above 0 afterwards is a
    reappearance after CR and PD whatever its size - the 5 mm clause cannot veto it (EORTC
    RECIST FAQ; RECIST 1.1 Table 3 footnote). Pass ``False`` when non-target disease remained
    at the nadir (no overall CR): the usual +20 % / +5 mm rule then applies (same FAQ).

    >>> target_category(196, 280, 280)   # 28.0 -> 19.6 mm: exactly -30 %
    'PR'
    >>> target_category(160, 180, 120)   # +33 % but only +4 mm above the nadir
    'SD'
    >>> target_category(40, 500, 0)      # 4 mm after every target had gone: reappearance
    'PD'
    """
    for name, v in (
        ("sum_tenth_mm", sum_tenth_mm),
        ("baseline_tenth_mm", baseline_tenth_mm),
        ("nadir_tenth_mm", nadir_tenth_mm),
    ):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ValueError(f"{name}: must be a whole number of tenths of a mm >= 0, got {v!r}")
    if baseline_tenth_mm == 0:
        raise ValueError("baseline_tenth_mm: the baseline sum must be > 0")
    _check_bool(nadir_was_cr, "nadir_was_cr")
    s, b, n = sum_tenth_mm, baseline_tenth_mm, nadir_tenth_mm
    if n == 0 and s > 0 and nadir_was_cr:
        return "PD"
    if s > n and 5 * s >= 6 * n and s - n >= 50:
        return "PD"
    if 10 * s <= 7 * b:
        return "PR"
    return "SD"


@dataclass(frozen=True)
class TargetVerdict:
    """The target-lesion rule applied to three sums (mm), with the numbers behind it."""

    criterion: str
    category: str
    rule: str
    sum_mm: float
    baseline_mm: float
    nadir_mm: float
    pct_change_baseline: float
    pct_change_nadir: float

    def _repr_html_(self) -> str:
        import html

        return (
            f"<div class='hcckit-verdict'><b>{html.escape(self.criterion)}: {self.category}</b> - "
            f"{html.escape(self.rule)} (sum {self.sum_mm:g} mm, {self.pct_change_baseline:+.1f} % vs "
            f"baseline, {self.pct_change_nadir:+.1f} % vs nadir)</div>"
        )


def explain_target(
    sum_mm: float,
    *,
    baseline_mm: float,
    nadir_mm: float,
    criterion: str = "RECIST 1.1",
    mrecist_5mm: bool = False,
    nadir_was_cr: bool = True,
) -> TargetVerdict:
    """Apply a criterion's PR/PD thresholds to three sums (mm) and say which rule fired.

    Works for RECIST 1.1 and mRECIST (diameters, mm); WHO/EASL sums are products (mm^2) and
    use 50 % / 25 %. Sums are rounded to 0.01 mm and compared exactly. A nadir of 0 that was
    an overall CR (``nadir_was_cr``, default True; see :func:`target_category`) makes any
    sum above 0 PD: reappearance after CR, whatever the size or the 5 mm option.
    """
    crit = criterion_name(criterion)
    product = crit in ("WHO", "EASL")
    high = MAX_MM * MAX_MM * 5 if product else MAX_MM * 5  # five targets of MAX_MM at most
    for name, v in (("sum_mm", sum_mm), ("baseline_mm", baseline_mm), ("nadir_mm", nadir_mm)):
        if type(v).__name__ in ("bool", "bool_") or not isinstance(v, numbers.Real) or not math.isfinite(v):
            raise ValueError(f"{name}: must be a finite number of {'mm²' if product else 'mm'}, got {v!r}")
        if not 0 <= v <= high:
            raise ValueError(f"{name}: must be from 0 to {high:g} {'mm²' if product else 'mm'}, got {v!r}")
    if not round(baseline_mm * _U) > 0:  # compared in hundredths of a mm
        raise ValueError(f"baseline_mm: the baseline sum must be at least 0.01 mm, got {baseline_mm!r}")
    _check_bool(mrecist_5mm, "mrecist_5mm")
    _check_bool(nadir_was_cr, "nadir_was_cr")
    s, b, n = (int(round(x * _U)) for x in (sum_mm, baseline_mm, nadir_mm))
    if n == 0 and s > 0 and nadir_was_cr:
        cat, rule = "PD", "reappearance after CR (nadir 0): PD whatever the size (EORTC RECIST FAQ)"
    elif crit in ("WHO", "EASL"):
        s, b, n = (int(round(x * _U * _U)) for x in (sum_mm, baseline_mm, nadir_mm))
        if s > n and 4 * s >= 5 * n:
            cat, rule = "PD", "sum of products >= 125 % of nadir"
        elif 2 * s <= b:
            cat, rule = "PR", "sum of products <= 50 % of baseline"
        else:
            cat, rule = "SD", "neither PR nor PD"
    else:
        abs_on = crit == "RECIST 1.1" or mrecist_5mm
        if s > n and 5 * s >= 6 * n and (not abs_on or s - n >= 5 * _U):
            cat, rule = "PD", "sum >= 120 % of nadir" + (" and >= 5 mm above it" if abs_on else "")
        elif 10 * s <= 7 * b:
            cat, rule = "PR", "sum <= 70 % of baseline"
        elif s > n and 5 * s >= 6 * n:
            cat, rule = "SD", "+20 % or more vs nadir but less than 5 mm: not PD"
        else:
            cat, rule = "SD", "neither PR nor PD"
    return TargetVerdict(
        crit,
        cat,
        rule,
        float(sum_mm),
        float(baseline_mm),
        float(nadir_mm),
        100 * (s - b) / b if b else math.nan,
        100 * (s - n) / n if n else math.nan,
    )
