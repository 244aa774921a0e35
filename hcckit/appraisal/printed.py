"""Printed-number arithmetic: precision, rounding, rounding boxes, p intervals, possible counts (GRIM).

Each printed number is read (and validated) with the precision it is printed with and stands for
every value that rounds to it. Interval arithmetic itself lives in :mod:`hcckit.stats`.
"""

from __future__ import annotations

import math
import numbers
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from hcckit import stats
from hcckit.stats import MAX_DECIMALS


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


def _precision(value, decimals, name: str = "decimals") -> int:
    """Decimals ``value`` is printed with: ``decimals`` when given (validated), else read from ``value``."""
    if decimals is None:
        return printed_decimals(value)
    return _int(decimals, name, maximum=MAX_DECIMALS, unit="decimals")


def _operator(p_operator) -> str:
    """The operator printed with a p-value (``=``, ``<`` or ``>``); ValueError otherwise."""
    if not isinstance(p_operator, str) or p_operator not in ("=", "<", ">"):
        raise ValueError(f"p_operator: must be '=', '<' or '>', got {_show(p_operator)}")
    return p_operator


def _p_value(p, name: str) -> Decimal:
    """A printed p-value, in (0, 1]; ValueError naming ``name`` otherwise."""
    out = _decimal(p, name)
    if not 0 < out <= 1:
        raise ValueError(f"{name}: must lie in (0, 1], got {_show(p)}")
    return out


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
    d = _precision(percent, decimals)
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


def _flips(recomputed, r_lo: float, r_hi: float, alpha: float) -> bool:
    """Does every recomputed p lie on the other side of ``alpha`` from the printed p (``r_lo``-``r_hi``)?"""
    return (r_hi < alpha and all(p >= alpha for p in recomputed)) or (
        r_lo >= alpha and all(p < alpha for p in recomputed)
    )


def _p_text(p: float, operator: str, d: int) -> str:
    return f"P {operator} {p:.{d}f}"


def _factor(x: float, *, about: bool = True) -> str:
    """A ratio of two p-values for a message: ``"about 12"``, or ``"more than 10^300"`` when huge.

    p-values of large tables reach 1e-300 and below, so a plain ``{x:.0f}`` would print 300 digits.
    """
    if not math.isfinite(x) or x >= 1e6:
        exponent = 300 if not math.isfinite(x) else int(math.floor(math.log10(x)))
        return f"more than 10^{min(exponent, 300)}"
    return f"about {x:.0f}" if about else f"{x:.0f}"


def _p_range(p, op, text):
    d = printed_decimals(text) if text is not None else 3
    return _p_interval(float(p), op or "=", d)
