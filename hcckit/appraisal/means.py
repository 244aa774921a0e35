"""Checks of printed means and spreads: two-group t tests, a cohort's SD from its arms, GRIM and GRIMMER.

Every printed number stands for all the values that round to it (its printed precision), so each
check recomputes over that rounding box and speaks only when no value in the box fits.

- :func:`check_two_means`: the p of a comparison of two means recomputed from the printed
  mean ± spread and n of each group, by Student's t (pooled variance) and Welch's t (Welch 1947),
  with the spread read as an SD and as an SE (SD = SE x sqrt(n)). Says which reading and which
  test reproduce the printed p.
- :func:`check_cohort_sd`: the whole cohort's mean and SD follow exactly from its groups' means,
  SDs and sizes (total sum of squares = within + between groups); a whole-cohort SD smaller than
  the pooled within-group SD is impossible.
- :func:`check_mean_grim` and :func:`check_sd_grimmer`: a mean (and SD) of whole numbers from n
  people must be reachable by some whole-number total (GRIM, Brown & Heathers 2017, Soc Psychol
  Personal Sci 8:363) and some whole-number sum of squares of the same parity (GRIMMER, Anaya
  2016, PeerJ Preprints 4:e2400v1; Allard 2018).

Numbers: means and spreads in the unit of the data, p-values 0-1, n in patients.
"""

from __future__ import annotations

import math
from fractions import Fraction

from hcckit.appraisal.findings import Finding, Tolerances, _finding
from hcckit.appraisal.printed import (
    MAX_N,
    _decimal,
    _fmt,
    _fmt_p,
    _int,
    _operator,
    _p_interval,
    _p_text,
    _p_value,
    _precision,
    _show,
    printed_decimals,
)

__all__ = [
    "SPREAD_READINGS",
    "t_test",
    "t_test_p",
    "check_two_means",
    "check_cohort_sd",
    "check_mean_grim",
    "check_sd_grimmer",
    "check_chi2_counts",
]

#: How a printed "±" can be read: standard deviation or standard error of the mean.
SPREAD_READINGS = ("SD", "SE")
_TESTS = ("Student", "Welch")


def _txt(value) -> str:
    """A printed number as people read it (no quotes)."""
    return str(value).strip()


def _half(value) -> Fraction:
    """Half a unit of the last printed decimal of ``value`` (its rounding half-width)."""
    return Fraction(1, 2 * 10 ** printed_decimals(value))


def _spread_kind(spread, name: str = "spread") -> str | None:
    if spread is None or (isinstance(spread, str) and spread.strip() in ("", "unknown")):
        return None
    if spread not in SPREAD_READINGS:
        raise ValueError(f"{name}: must be 'SD', 'SE' or None (not stated), got {_show(spread)}")
    return spread


def _group(mean, spread, n, label: str):
    """(mean, spread, n, half-width of mean, half-width of spread) of one printed group."""
    m = _decimal(mean, f"mean_{label}")
    s = _decimal(spread, f"spread_{label}")
    if s < 0:
        raise ValueError(f"spread_{label}: a spread cannot be negative, got {_show(spread)}")
    k = _int(n, f"n_{label}", minimum=2, maximum=MAX_N)
    return Fraction(m), Fraction(s), k, _half(mean), _half(spread)


def t_test(mean_a, sd_a, n_a, mean_b, sd_b, n_b, *, welch: bool) -> tuple[float, float]:
    """|t| and two-sided p of a two-sample t test from summary statistics (SDs, not SEs).

    Student's test pools the variances (df = n_a + n_b - 2); Welch's does not (Welch-Satterthwaite
    df); ``scipy.stats.ttest_ind_from_stats``. Equal means give t = 0, p = 1; zero SDs with
    different means give t = inf, p = 0.
    """
    from scipy.stats import ttest_ind_from_stats

    if sd_a == 0 and sd_b == 0:
        return (0.0, 1.0) if mean_a == mean_b else (math.inf, 0.0)
    res = ttest_ind_from_stats(
        float(mean_a), float(sd_a), int(n_a), float(mean_b), float(sd_b), int(n_b), equal_var=not welch
    )
    t, p = abs(float(res.statistic)), float(res.pvalue)
    return (0.0, 1.0) if math.isnan(p) else (t, p)


def t_test_p(mean_a, sd_a, n_a, mean_b, sd_b, n_b, *, welch: bool) -> float:
    """Two-sided p of a two-sample t test from summary statistics (see :func:`t_test`)."""
    return t_test(mean_a, sd_a, n_a, mean_b, sd_b, n_b, welch=welch)[1]


def _box(a, b, reading: str, welch: bool) -> tuple[float, float, float, float]:
    """(smallest |t|, largest |t|, smallest p, largest p) over the rounding box of two printed
    groups, for one reading of ±. |t| falls as either SD grows and rises with the gap between the
    means, so its extremes sit at two corners (for Welch's test the df moves a little with the SDs:
    the p bounds are those corners' p)."""
    (ma, sa, na, hma, hsa), (mb, sb, nb, hmb, hsb) = a, b
    factor_a = math.sqrt(na) if reading == "SE" else 1.0
    factor_b = math.sqrt(nb) if reading == "SE" else 1.0
    d = abs(ma - mb)
    d_far, d_near = float(d + hma + hmb), float(max(d - hma - hmb, 0))

    def sd(s, h, f, sign):
        return max(float(s + sign * h), 0.0) * f

    t_hi, p_lo = t_test(0, sd(sa, hsa, factor_a, -1), na, d_far, sd(sb, hsb, factor_b, -1), nb, welch=welch)
    t_lo, p_hi = t_test(0, sd(sa, hsa, factor_a, +1), na, d_near, sd(sb, hsb, factor_b, +1), nb, welch=welch)
    return t_lo, t_hi, min(p_lo, p_hi), max(p_lo, p_hi)


def check_two_means(
    mean_a,
    spread_a,
    n_a,
    mean_b,
    spread_b,
    n_b,
    *,
    p=None,
    p_operator: str = "=",
    t=None,
    spread: str | None = None,
    tolerances: Tolerances | None = None,
) -> list[Finding]:
    """Recompute a printed p (and t) of two means compared by a t test, under both readings of "±".

    Parameters
    ----------
    mean_a, spread_a, n_a, mean_b, spread_b, n_b : str or number, int
        Each group's printed mean, its printed spread (give text to keep trailing zeros) and
        its size (patients).
    p : str or float, optional
        The printed p (for ``P < 0.001`` give 0.001 with ``p_operator="<"``).
    t : str or float, optional
        The printed t statistic (its sign is ignored). At least one of ``p`` and ``t``.
    spread : {"SD", "SE", None}
        What the paper says "±" is (None: not stated). Both readings are tried either way.
    tolerances : Tolerances, optional
        ``p_relative`` (slack beyond rounding) and ``p_gross_factor`` are used.

    Returns
    -------
    list of Finding
        One ``two_means`` finding: ``pass`` when the stated reading (or, if none is stated,
        any reading) reproduces what is printed with Student's or Welch's test; ``warning`` when
        only the other reading does (the numbers contradict the stated kind of spread) or when
        no reading does; ``error`` when every recomputed p is more than ``p_gross_factor`` away.

    Examples
    --------
    >>> check_two_means("10.0", "2.0", 30, "11.0", "2.0", 30, p="0.057", spread="SD")[0].severity
    'pass'
    """
    tol = tolerances or Tolerances()
    op = _operator(p_operator)
    stated = _spread_kind(spread)
    a = _group(mean_a, spread_a, n_a, "a")
    b = _group(mean_b, spread_b, n_b, "b")
    if p is None and t is None:
        raise ValueError("p: give the printed p, the printed t, or both")
    fp = p_lo = p_hi = None
    if p is not None:
        fp = float(_p_value(p, "p"))
        d = _precision(p, None, "p")
        p_lo, p_hi = _p_interval(fp, op, d)
    ft = None
    if t is not None:
        t_dec = _decimal(t, "t")
        ft, h_t = abs(float(t_dec)), float(_half(t))
    fits, point = [], {}
    for reading in SPREAD_READINGS:
        for test in _TESTS:
            t_lo, t_hi, r_lo, r_hi = _box(a, b, reading, test == "Welch")
            point[reading, test] = _at_printed(a, b, reading, test == "Welch")
            ok = True
            if fp is not None:
                ok &= r_lo * (1 - tol.p_relative) <= p_hi and r_hi * (1 + tol.p_relative) >= p_lo
            if ft is not None:
                ok &= t_lo <= ft + h_t and t_hi >= ft - h_t
            if ok:
                fits.append((reading, test))
    printed = ", ".join(
        x
        for x in (f"t = {_txt(t)}" if t is not None else "", _p_text(fp, op, d) if fp is not None else "")
        if x
    )
    reported = f"{_txt(mean_a)} ± {_txt(spread_a)} (n = {a[2]}) vs {_txt(mean_b)} ± {_txt(spread_b)} (n = {b[2]}), {printed}"
    recomputed = "; ".join(
        f"± as {r}, {k}'s t: t = {tt:.2f}, P = {_fmt_p(pp)}" for (r, k), (tt, pp) in point.items()
    )
    what = (
        "the printed p and t"
        if fp is not None and ft is not None
        else ("the printed t" if ft is not None else "the printed p")
    )
    said = f"The paper says ± is {stated}." if stated else "The paper does not say what ± is."
    readings_fit = sorted({r for r, _ in fits})
    inputs = {
        "mean_a": _txt(mean_a),
        "spread_a": _txt(spread_a),
        "n_a": a[2],
        "mean_b": _txt(mean_b),
        "spread_b": _txt(spread_b),
        "n_b": b[2],
        "p": fp if fp is not None else "",
        "p_operator": op,
        "t": _txt(t) if t is not None else "",
        "spread": stated or "",
    }
    tolerance = (
        f"every mean and spread within its printed rounding; p within {tol.p_relative:.0%} beyond rounding"
    )
    if fits and (stated is None or stated in readings_fit):
        which = ", ".join(f"± as {r} with {k}'s t" for r, k in fits)
        verb = "are" if " and " in what else "is"
        severity, message = "pass", f"{said} {what.capitalize()} {verb} reproduced by: {which}."
    elif fits:
        other = readings_fit[0]
        tests = " and ".join(f"{k}'s" for r, k in fits if r == other)
        severity = "warning"
        message = (
            f"{said} But with ± read as {stated} no t test gives {what}; read as {other} it does "
            f"({tests} t). The numbers imply that ± is an {other}: "
            "the label or the numbers are wrong, and any reader who trusts the label misjudges the spread."
        )
    else:
        ref = fp if fp is not None else None
        if ref is not None:
            nearest = min(point, key=lambda k: abs(math.log(max(point[k][1], 1e-300) / max(ref, 1e-300))))
            gap = max(point[nearest][1], ref) / max(min(point[nearest][1], ref), 1e-300)
            severity = "error" if gap > tol.p_gross_factor else "warning"
        else:
            nearest = min(point, key=lambda k: abs(point[k][0] - ft))
            severity = "warning"
        tt, pp = point[nearest]
        message = (
            f"{said} No reading of ± and neither Student's nor Welch's t gives {what} "
            f"(nearest: ± as {nearest[0]} with {nearest[1]}'s t, t = {tt:.2f}, P = {_fmt_p(pp)}). "
            "Another test (e.g. Mann-Whitney on skewed data), other group sizes, or a typing error may explain it."
        )
    return [
        _finding(
            "two_means",
            severity,
            reported,
            recomputed,
            message,
            tolerance=tolerance,
            reported_value=fp if fp is not None else ft,
            recomputed_value=(point[fits[0]][1] if fp is not None else point[fits[0]][0]) if fits else None,
            inputs=inputs,
        )
    ]


def _at_printed(a, b, reading: str, welch: bool) -> tuple[float, float]:
    """(|t|, p) at the printed values themselves (no rounding), for one reading of ±."""
    (ma, sa, na, _, _), (mb, sb, nb, _, _) = a, b
    fa = math.sqrt(na) if reading == "SE" else 1.0
    fb = math.sqrt(nb) if reading == "SE" else 1.0
    return t_test(ma, float(sa) * fa, na, mb, float(sb) * fb, nb, welch=welch)


def _pooled(groups, push: int) -> tuple[float, float]:
    """(mean, SD) of the whole cohort from its groups' (mean, SD, n); ``push`` moves every printed
    number to the end of its rounding box that makes the SD smallest (-1) or largest (+1)."""
    n_tot = sum(g[2] for g in groups)
    mean = sum(g[0] * g[2] for g in groups) / n_tot
    within = between = Fraction(0)
    for m, s, n, hm, hs in groups:
        s_edge = max(s + push * hs, Fraction(0))
        within += (n - 1) * s_edge**2
        dev = m - mean
        if push < 0:  # pull the mean towards the cohort's mean by up to its rounding
            dev = max(abs(dev) - hm, Fraction(0))
        else:
            dev = abs(dev) + hm
        between += n * dev**2
    return float(mean), math.sqrt(float((within + between) / (n_tot - 1)))


def check_cohort_sd(groups, *, total_mean=None, total_sd, spread: str = "SD") -> list[Finding]:
    """Check a whole cohort's printed mean ± SD against its groups' means, SDs and sizes.

    The cohort's variance is exactly ``(sum (n_i - 1) s_i^2 + sum n_i (m_i - m)^2) / (N - 1)``:
    never below the pooled within-group variance. Each printed number may sit anywhere in its
    rounding box.

    Parameters
    ----------
    groups : sequence of (mean, spread, n)
        Each group's printed mean, spread and size (patients); at least two groups.
    total_mean, total_sd : str or number
        The whole cohort's printed mean (optional) and SD.
    spread : {"SD", "SE"}
        What the groups' "±" is: with ``"SE"`` each is turned into an SD (x sqrt(n)) first.

    Returns
    -------
    list of Finding
        One ``cohort_sd`` finding: ``error`` when the printed SD is below every SD the groups
        allow (below the pooled within-group SD: impossible) or above them, or when the printed
        mean is not the size-weighted mean of the groups' means; else ``pass``.

    Examples
    --------
    >>> check_cohort_sd([("65.15", "5.22", 60), ("67.32", "6.19", 60)], total_sd="3.65")[0].severity
    'error'
    """
    kind = _spread_kind(spread, "spread")
    if kind is None:
        raise ValueError("spread: must be 'SD' or 'SE' for the groups")
    try:
        rows = list(groups)
    except TypeError:
        raise TypeError(
            f"groups: expected a sequence of (mean, spread, n), got {type(groups).__name__}"
        ) from None
    if len(rows) < 2:
        raise ValueError(f"groups: at least two groups are needed, got {len(rows)}")
    parsed = []
    for i, row in enumerate(rows):
        if not isinstance(row, (tuple, list)) or len(row) != 3:
            raise ValueError(f"groups[{i}]: expected (mean, spread, n), got {_show(row)}")
        m, s, n, hm, hs = _group(*row, label=str(i))
        if kind == "SE":  # an SE x sqrt(n) is an SD; its rounding box scales too
            f = Fraction(math.sqrt(n))
            s, hs = s * f, hs * f
        parsed.append((m, s, n, hm, hs))
    sd_t = Fraction(_decimal(total_sd, "total_sd"))
    if sd_t < 0:
        raise ValueError(f"total_sd: a spread cannot be negative, got {_show(total_sd)}")
    h_t = _half(total_sd)
    mean, sd_low = _pooled(parsed, -1)
    _, sd_high = _pooled(parsed, +1)
    n_tot = sum(g[2] for g in parsed)
    within = math.sqrt(float(sum((n - 1) * max(s - hs, 0) ** 2 for _, s, n, _, hs in parsed) / (n_tot - 1)))
    d = printed_decimals(total_sd)
    reported = f"whole cohort SD {_txt(total_sd)}" + (
        f", mean {_txt(total_mean)}" if total_mean is not None else ""
    )
    recomputed = f"SD {_fmt(sd_low, d)} to {_fmt(sd_high, d)} from the groups (mean {_fmt(mean, d + 1)})"
    problems = []
    if float(sd_t + h_t) < sd_low:
        if float(sd_t + h_t) < within:
            problems.append(
                f"The whole cohort's SD ({_txt(total_sd)}) is smaller than the pooled SD within its groups "
                f"(at least {_fmt(within, d)}): impossible, since a cohort varies at least as much as its groups."
            )
        else:
            problems.append(
                f"The whole cohort's SD ({_txt(total_sd)}) is smaller than its groups allow ({_fmt(sd_low, d)} at least)."
            )
    elif float(sd_t - h_t) > sd_high:
        problems.append(
            f"The whole cohort's SD ({_txt(total_sd)}) is larger than its groups allow ({_fmt(sd_high, d)} at most)."
        )
    if total_mean is not None:
        tm = Fraction(_decimal(total_mean, "total_mean"))
        h_m = _half(total_mean)
        lo = sum((m - hm) * n for m, _, n, hm, _ in parsed) / n_tot
        hi = sum((m + hm) * n for m, _, n, hm, _ in parsed) / n_tot
        if tm + h_m < lo or tm - h_m > hi:
            problems.append(
                f"The whole cohort's mean ({_txt(total_mean)}) is not the size-weighted mean of its groups' "
                f"means ({_fmt(mean, printed_decimals(total_mean))})."
            )
    if kind == "SE":
        note = " The groups' ± was read as an SE (SD = SE x sqrt(n))."
    else:
        note = ""
    return [
        _finding(
            "cohort_sd",
            "error" if problems else "pass",
            reported,
            recomputed,
            (" ".join(problems) if problems else "The whole cohort's numbers follow from its groups'.")
            + note,
            tolerance="every printed number within its rounding",
            reported_value=float(sd_t),
            recomputed_value=within,
            inputs={
                "groups": tuple(tuple(_txt(x) for x in r) for r in rows),
                "total_sd": _txt(total_sd),
                "total_mean": _txt(total_mean) if total_mean is not None else "",
                "spread": kind,
            },
        )
    ]


def _grim_totals(mean, n: int) -> list[int]:
    """Whole-number totals T whose mean T / n prints as ``mean`` (either rounding of a tie)."""
    m = Fraction(_decimal(mean, "mean"))
    h = _half(mean)
    lo, hi = (m - h) * n, (m + h) * n
    return list(range(math.ceil(lo), math.floor(hi) + 1))


def check_mean_grim(mean, n, *, items: int = 1) -> list[Finding]:
    """GRIM: can a mean of whole numbers (``items`` per person) from ``n`` people print as ``mean``?

    Only a test when n x items < 10^decimals; otherwise every printed mean is possible (``pass``,
    and the message says the check cannot tell).

    Examples
    --------
    >>> check_mean_grim("3.48", 20)[0].severity
    'error'
    """
    k = _int(n, "n", minimum=1, maximum=MAX_N)
    per = _int(items, "items", minimum=1, maximum=1000, unit="items")
    d = printed_decimals(mean)
    totals = _grim_totals(mean, k * per)
    informative = k * per < 10**d
    reported = f"mean {_txt(mean)} of whole numbers, n = {k}" + (f" x {per} items" if per > 1 else "")
    if totals:
        t = min(totals, key=lambda x: abs(Fraction(x, k * per) - Fraction(_decimal(mean, "mean"))))
        recomputed = f"{t}/{k * per} = {_fmt(Fraction(t, k * per), d + 2)}"
        msg = (
            "A whole-number total gives this mean."
            if informative
            else (f"With n = {k} every mean at {d} decimals is possible: the check cannot tell.")
        )
        severity = "pass"
    else:
        below = math.floor(Fraction(_decimal(mean, "mean")) * k * per)
        recomputed = (
            f"{below}/{k * per} = {_fmt(Fraction(below, k * per), d)}, "
            f"{below + 1}/{k * per} = {_fmt(Fraction(below + 1, k * per), d)}"
        )
        msg = (
            f"No whole-number total of {k * per} values gives a mean that prints as {_txt(mean)}: the mean, n, "
            "or the claim that the data are whole numbers is wrong (GRIM, Brown & Heathers 2017)."
        )
        severity = "error"
    return [
        _finding(
            "grim_mean",
            severity,
            reported,
            recomputed,
            msg,
            tolerance=f"mean printed to {d} decimals (either rounding of a tie)",
            inputs={"mean": _txt(mean), "n": k, "items": per},
        )
    ]


def check_sd_grimmer(mean, sd, n) -> list[Finding]:
    """GRIMMER: can the SD of whole numbers from ``n`` people, with this mean, print as ``sd``?

    The sum of squares Q = (n - 1) SD^2 + T^2 / n must be a whole number of the same parity as
    the total T (x^2 and x are both odd or both even), for some T that passes GRIM.

    Examples
    --------
    >>> check_sd_grimmer("3.00", "1.58", 5)[0].severity  # 1, 2, 3, 4, 5
    'pass'
    >>> check_sd_grimmer("2.50", "1.00", 10)[0].severity  # no 10 whole numbers do this
    'error'
    """
    k = _int(n, "n", minimum=2, maximum=MAX_N)
    s = Fraction(_decimal(sd, "sd"))
    if s < 0:
        raise ValueError(f"sd: a spread cannot be negative, got {_show(sd)}")
    hs = _half(sd)
    totals = _grim_totals(mean, k)
    found = None
    for t in totals:
        base = Fraction(t * t, k)
        q_lo = (k - 1) * max(s - hs, Fraction(0)) ** 2 + base
        q_hi = (k - 1) * (s + hs) ** 2 + base
        q = math.ceil(q_lo)
        if (q - t) % 2:
            q += 1
        if q <= q_hi:
            found = (t, q)
            break
    reported = f"mean {_txt(mean)}, SD {_txt(sd)} of whole numbers, n = {k}"
    if not totals:
        severity, recomputed = "error", "no whole-number total gives the mean (GRIM)"
        msg = f"The mean {_txt(mean)} is impossible for whole numbers from {k} people, so the SD cannot be checked."
    elif found:
        t, q = found
        sd_q = math.sqrt(float((q - Fraction(t * t, k)) / (k - 1)))
        severity, recomputed = (
            "pass",
            f"total {t}, sum of squares {q}: SD {_fmt(sd_q, printed_decimals(sd) + 2)}",
        )
        msg = "Whole numbers with this total and sum of squares give the printed mean and SD."
    else:
        severity, recomputed = "error", "no whole-number sum of squares of the right parity"
        msg = (
            f"No set of {k} whole numbers has a mean printing as {_txt(mean)} and an SD printing as {_txt(sd)}: "
            "one of the mean, the SD, n or the whole-number claim is wrong (GRIMMER, Anaya 2016)."
        )
    return [
        _finding(
            "grimmer_sd",
            severity,
            reported,
            recomputed,
            msg,
            tolerance="mean and SD within their printed rounding",
            inputs={"mean": _txt(mean), "sd": _txt(sd), "n": k},
        )
    ]


def _chi2_versions(table) -> dict[str, float]:
    """The usual chi-square statistics of a contingency table (rows = arms, columns = categories)."""
    import numpy as np
    from scipy.stats import chi2_contingency

    t = np.asarray(table, dtype=float)
    total = t.sum()
    out = {"Pearson": float(chi2_contingency(t, correction=False)[0])}
    if t.shape == (2, 2):
        out["Pearson with Yates' correction"] = float(chi2_contingency(t, correction=True)[0])
    out["likelihood ratio (G)"] = float(chi2_contingency(t, correction=False, lambda_="log-likelihood")[0])
    out["N - 1 (Campbell)"] = out["Pearson"] * (total - 1) / total
    return out


def check_chi2_counts(table, chi2) -> list[Finding]:
    """Recompute a printed chi-square statistic from the counts it was computed from.

    Parameters
    ----------
    table : sequence of sequences of int
        Patients per arm (rows) and category (columns), at least 2 x 2, no empty row or column.
    chi2 : str or float
        The printed statistic (text keeps its precision).

    Returns
    -------
    list of Finding
        One ``chi2_counts`` finding: ``pass`` when Pearson's statistic (with or without Yates'
        correction for a 2 x 2 table), the likelihood-ratio G or the N - 1 version rounds to the
        printed one; else ``warning`` (the statistic was not computed from these counts).

    Examples
    --------
    >>> check_chi2_counts([[38, 22], [36, 24]], "0.141")[0].severity
    'pass'
    """
    import numpy as np

    try:
        rows = [[_int(v, "table", maximum=MAX_N) for v in row] for row in table]
    except TypeError:
        raise ValueError(f"table: expected rows of patient counts, got {_show(table)}") from None
    if len(rows) < 2 or any(len(r) != len(rows[0]) for r in rows) or len(rows[0]) < 2:
        raise ValueError(f"table: needs at least 2 rows and 2 columns of equal length, got {_show(table)}")
    arr = np.array(rows)
    if (arr.sum(axis=0) == 0).any() or (arr.sum(axis=1) == 0).any():
        raise ValueError("table: a row or column with no patients has no chi-square statistic")
    printed = _decimal(chi2, "chi2")
    if printed < 0:
        raise ValueError(f"chi2: a chi-square statistic cannot be negative, got {_show(chi2)}")
    h = float(_half(chi2))
    versions = _chi2_versions(arr)
    fits = [name for name, v in versions.items() if abs(v - float(printed)) <= h + 1e-12]
    shape = " x ".join(str(x) for x in arr.shape)
    reported = f"chi-square {_txt(chi2)} ({shape} table {arr.tolist()})"
    recomputed = "; ".join(f"{name} {v:.3f}" for name, v in versions.items())
    if fits:
        severity, message = "pass", f"The printed statistic is the {fits[0]} chi-square of these counts."
    else:
        severity = "warning"
        message = (
            "No usual chi-square of these counts (Pearson, with Yates' correction, likelihood ratio, N - 1) gives "
            f"the printed {_txt(chi2)}: it was computed from other counts, or another test was run."
        )
    return [
        _finding(
            "chi2_counts",
            severity,
            reported,
            recomputed,
            message,
            tolerance=f"the printed rounding (±{h:g})",
            reported_value=float(printed),
            recomputed_value=versions["Pearson"],
            inputs={"table": tuple(tuple(r) for r in rows), "chi2": _txt(chi2)},
        )
    ]
