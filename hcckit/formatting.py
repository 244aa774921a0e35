"""Numbers as text for people: P-values, percentages, confidence intervals, plain numbers.

The one shared set of formatters for tables, cards and messages. Rounding is half-up on the
decimal value (``Decimal(repr(x))``), as papers print: 57.5 -> "57.5", 0.0455 -> "0.046",
never the float artefacts of ``round()``.

>>> from hcckit import formatting as fmt
>>> fmt.p_value(0.0004), fmt.p_value(0.0043), fmt.p_value(0.043), fmt.p_value(0.4321)
('< 0.001', '0.004', '0.04', '0.43')
>>> fmt.percent(57.5), fmt.ci(36.3165, 100, unit="%", decimals=1)
('57.5 %', '36.3 to 100.0 %')
>>> fmt.number(-3.750000), fmt.number(0.706641), fmt.number(46.666667)
('-3.75', '0.707', '46.7')

Missing values (None, NaN, pd.NA, "") read :data:`MISSING` ("not reported").
Only the standard library is imported.
"""

from __future__ import annotations

import math
import numbers
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["MISSING", "is_missing", "p_value", "percent", "ci", "number", "count", "fixed", "yes_no"]

MISSING = "not reported"
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def is_missing(x) -> bool:
    """True for None, NaN, pd.NA, NaT and empty or blank strings."""
    if x is None:
        return True
    if isinstance(x, str):
        return x.strip() == ""
    if isinstance(x, float):
        return math.isnan(x)
    try:
        return bool(x != x)  # NaN-like (numpy NaN, NaT); pd.NA raises TypeError
    except (TypeError, ValueError):
        return type(x).__name__ == "NAType"


def _real(x, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        if isinstance(x, str):
            try:
                return float(x)
            except ValueError:
                raise ValueError(f"{name}: expected a number, got {x!r}") from None
        raise TypeError(f"{name}: expected a number, got {type(x).__name__}")
    return float(x)


def _decimal(x: float) -> Decimal:
    try:
        return Decimal(repr(float(x)))
    except InvalidOperation:  # pragma: no cover - repr of a float is always a decimal literal
        return Decimal(float(x))


def fixed(x, decimals: int) -> str:
    """``x`` rounded half-up to exactly ``decimals`` decimals ("57.5", "0.040"); "-0" is "0"."""
    if is_missing(x):
        return MISSING
    if not isinstance(decimals, int) or isinstance(decimals, bool) or decimals < 0:
        raise ValueError(f"decimals: expected an integer >= 0, got {decimals!r}")
    v = _real(x, "x")
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    q = Decimal(1).scaleb(-decimals)
    text = format(_decimal(v).quantize(q, rounding=ROUND_HALF_UP), "f")
    if text.startswith("-") and Decimal(text) == 0:
        text = text[1:]
    return text


def p_value(p, *, operator: str = "=", prefix: bool = False) -> str:
    """A P-value by the NEJM / AMA convention: "< 0.001", 3 decimals below 0.01, else 2.

    The convention of the New England Journal of Medicine's statistical guidelines ("P values
    larger than 0.01 should be reported to two decimal places, those between 0.01 and 0.001 to
    three decimal places; P values smaller than 0.001 should be reported as P<0.001"; quoted in
    Aguinis, Vassar & Wayant, BMJ Evid Based Med 2021;26:57-60, doi:10.1136/bmjebm-2019-111264)
    and of the AMA Manual of Style (11th ed., sections 20.8-20.9), which also keeps 3 decimals
    when rounding to 2 would carry a P below 0.05 up to "0.05" (0.046 -> "0.046"). Values above
    0.99 read "> 0.99". The leading zero is kept (NEJM style).

    Parameters
    ----------
    p : P-value (0-1, no unit). Missing -> "not reported".
    operator : the operator as printed: ``=``, ``<``, ``>``, ``≤``, ``≥`` (``P < 0.05`` stays
        "< 0.05"; ``=`` is not shown unless ``prefix``).
    prefix : start with "P " ("P = 0.04", "P < 0.001").
    """
    if is_missing(p):
        return MISSING
    v = _real(p, "p")
    if not 0 <= v <= 1:
        raise ValueError(f"p: a P-value must lie in 0-1, got {v!r}")
    op = {"<=": "≤", ">=": "≥", "==": "="}.get(str(operator).strip(), str(operator).strip()) or "="
    if op not in ("=", "<", ">", "≤", "≥"):
        raise ValueError(f"operator: expected one of =, <, >, <=, >=, got {operator!r}")
    if op in ("<", ">", "≤", "≥"):  # a bound as printed: keep its digits, trim float noise
        text = f"{op} {number(v, significant=3)}"
    elif v < 0.001:
        text = "< 0.001"
    elif v > 0.99:
        text = "> 0.99"
    elif v < 0.01:
        text = fixed(v, 3)
    else:
        text = fixed(v, 2)
        if v < 0.05 and Decimal(text) >= Decimal("0.05"):
            text = fixed(v, 3)
    if prefix:
        return f"P {text}" if text[0] in "<>≤≥" else f"P = {text}"
    return text


def percent(x, decimals: int = 1, *, unit: bool = True, sign: bool = False) -> str:
    """A percentage (x already in %, 0-100) with ``decimals`` decimals: 57.5 -> "57.5 %".

    ``unit=False`` leaves out " %" (for a column whose header carries the unit);
    ``sign=True`` writes "+" before positive values (changes from baseline).
    """
    if is_missing(x):
        return MISSING
    text = fixed(x, decimals)
    if sign and not text.startswith("-") and Decimal(text) != 0:
        text = "+" + text
    return f"{text} %" if unit else text


def ci(low, high, *, unit: str = "", decimals: int | None = None, separator: str = " to ") -> str:
    """A confidence interval "low to high unit": ``ci(0.37, 0.91)`` -> "0.37 to 0.91".

    "to" rather than a dash, so negative bounds read clearly (AMA Manual of Style, 11th ed.,
    section 20.8). ``decimals=None`` uses :func:`number` on each bound; an int fixes the
    decimals of both. A missing bound reads "not reported", the unit staying with the number
    (``ci(36.3, None, unit="%")`` -> "36.3 % to not reported"). Both missing -> "not reported".
    """
    if is_missing(low) and is_missing(high):
        return MISSING

    def one(x):
        if is_missing(x):
            return MISSING
        return number(x) if decimals is None else fixed(x, decimals)

    lo, hi = one(low), one(high)
    suffix = f" {unit}" if unit else ""
    if is_missing(high):
        return f"{lo}{suffix}{separator}{hi}"
    return f"{lo}{separator}{hi}{suffix}"


def number(x, *, significant: int = 3, decimals: int | None = None) -> str:
    """A number for reading: integers as integers, others to ``significant`` figures.

    Never rounds the integer part (1234.56 -> "1235"), drops trailing zeros (-3.750000 ->
    "-3.75", 17.0 -> "17") and keeps small numbers readable (0.0263 -> "0.0263"; below 0.0001
    as a power of ten, 2.07e-07 -> "2.07 × 10⁻⁷").
    ``decimals`` fixes the decimals instead (as printed: ``number(41.0, decimals=1)`` -> "41.0").
    """
    if is_missing(x):
        return MISSING
    if decimals is not None:
        return fixed(x, decimals)
    if not isinstance(significant, int) or significant < 1:
        raise ValueError(f"significant: expected an integer >= 1, got {significant!r}")
    v = _real(x, "x")
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == 0:
        return "0"
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    magnitude = math.floor(math.log10(abs(v)))
    if magnitude < -4:  # 2.07e-07 -> "2.07 × 10⁻⁷" (no e-notation, no run of zeros)
        mantissa = number(v / 10**magnitude, significant=significant)
        if mantissa in ("10", "-10"):
            mantissa, magnitude = mantissa[:-1], magnitude + 1
        return f"{mantissa} × 10{str(magnitude).translate(_SUPERSCRIPT)}"
    d = max(0, significant - 1 - magnitude)
    text = fixed(v, d)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def count(x) -> str:
    """A count as an integer ("45"); a non-integer value is an error (it is not a count)."""
    if is_missing(x):
        return MISSING
    v = _real(x, "count")
    if not float(v).is_integer():
        raise ValueError(f"count: expected a whole number, got {x!r}")
    return str(int(v))


def yes_no(x) -> str:
    """True -> "yes", False -> "no" (also "True"/"False" text); missing -> "not reported"."""
    if is_missing(x):
        return MISSING
    if isinstance(x, str):
        t = x.strip().lower()
        if t in ("true", "yes", "1"):
            return "yes"
        if t in ("false", "no", "0"):
            return "no"
        raise ValueError(f"x: expected a boolean, got {x!r}")
    return "yes" if bool(x) else "no"
