"""Checks of counts and percentages: percentage vs count / n (GRIM), category sums, AE grades."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction

from hcckit import stats
from hcckit.appraisal.findings import Finding, _finding
from hcckit.appraisal.printed import (
    MAX_N,
    _decimal,
    _fmt,
    _int,
    _missing,
    _nearest_possible,
    _one_digit_apart,
    _precision,
    _show,
    _slack,
    _tol_text,
    possible_counts,
    printed_decimals,
)

RESPONSE = ("CR", "PR", "SD", "PD", "ORR", "DCR")


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
    d = _precision(percent, decimals)
    reported = Fraction(rep_dec)
    rep_txt = _fmt(reported, d)
    half = Fraction(1, 2 * 10**d)
    allowed = half + Fraction(slack).limit_denominator(10**6)
    tol = _tol_text(d, slack)
    possible = possible_counts(n, percent, decimals=d, slack=slack)
    inputs = {"count": None, "n": n, "percent": rep_txt, "decimals": d, "denominator": denominator}

    if _missing(count):
        return _grim_only(n, reported, rep_txt, d, possible, denominator, tol, inputs)

    count = _int(count, "count")
    if count > n:
        raise ValueError(f"count: must be <= n ({n}), got {count}")
    return _count_vs_percent(count, n, reported, rep_txt, d, slack, allowed, possible, tol, inputs)


def _grim_only(n, reported, rep_txt, d, possible, denominator, tol, inputs) -> list[Finding]:
    """The ``percentage`` finding when only the percentage is printed: is it possible at all for n?"""
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


def _count_vs_percent(count, n, reported, rep_txt, d, slack, allowed, possible, tol, inputs) -> list[Finding]:
    """The ``percentage`` finding of a printed count, n and percentage."""
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
            severity, msg = "pass", f"{what}: adds up."
        elif target == "ORR":
            severity = "error"
            msg = (
                f"ORR should equal CR + PR (every responder is a complete or a partial response), but the "
                f"source prints {reported} against {recomputed}."
            )
            pr = _term("PR", counts, percents, n)
            if pr and pr[0] is not None and lhs[0] is not None and abs(lhs[0] - pr[0]) <= lhs[1] + pr[1]:
                msg += " The printed ORR equals PR alone: the complete responses seem to have been left out."
            msg += " The category table and the summary rate cannot both be right."
        elif target == "DCR" and diff < 0 and dcr_definition:
            severity = "info"
            msg = (
                f"DCR is smaller than CR + PR + SD because the trial defines disease control differently "
                f"({dcr_definition.strip()}). Explained by the definition, not an error - but such a DCR "
                "cannot be compared with other trials' CR + PR + SD."
            )
        elif target == "DCR":
            severity = "error"
            msg = (
                f"DCR should equal CR + PR + SD, but the source prints {reported} against {recomputed}"
                + (" (DCR larger than its components is impossible)." if diff > 0 else ".")
                + " Unless the trial defines DCR differently (it does not say so), the table and "
                "the rate cannot both be right."
            )
        elif diff > 0:  # fewer classified than evaluated
            severity = "warning"
            missing_txt = f"{int(diff)} patient(s)" if all_counts else f"{_fmt(diff, 1)} %"
            msg = (
                f"The response categories account for {missing_txt} fewer than were evaluated. They may be "
                "not evaluable (NE) patients the table does not list; the report should say so."
            )
        else:
            severity = "error"
            msg = (
                "The response categories add up to more patients than were evaluated: impossible as printed."
            )
        out.append(_finding("category_sum", severity, reported, recomputed, msg, **kw))
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
