"""Exercise checks for lesson 6 (critical appraisal).

``grim_possible(fn)``  - is a printed percentage possible for n patients? (the GRIM test)
``p_from_hr_ci(fn)``   - the p-value implied by a hazard ratio and its CI (Altman & Bland)

Each prints one friendly line and returns ``True``/``False``; an exercise that still raises
``NotImplementedError`` is reported as "not done yet".
"""

from __future__ import annotations

from hcckit.checks._questions import select
from hcckit.checks._runner import Case, plain, run_cases

__all__ = ["grim_possible", "p_from_hr_ci", "questions"]

# (percent as printed, n, decimals) -> possible? Exact ties (e.g. 1/8 = 12.5 % printed to 0
# decimals) are avoided: reports round them either way.
_GRIM_CASES = [
    Case((54.5, 31, 1), False, "54.5 % of 31 (DEB-TACE ORR as printed)"),
    Case((64.5, 31, 1), True, "64.5 % of 31 (20/31)"),
    Case((67.4, 31, 1), False, "67.4 % of 31 (DEB-TACE DCR as printed)"),
    Case((7, 45, 0), True, "7 % of 45 (3/45 = 6.7 %, printed without decimals)"),
    Case((47, 45, 0), True, "47 % of 45 (21/45 = 46.7 %)"),
    Case((27.6, 58, 1), True, "27.6 % of 58 (16/58)"),
    Case((29.6, 205, 1), False, "29.6 % of 205 (EMERALD-1 TACE arm)"),
    Case((43.6, 204, 1), True, "43.6 % of 204 (89/204)"),
    Case((19.3, 31, 1), False, "19.3 % of 31 (6/31 = 19.35 % rounds to 19.4)"),
    Case((0, 20, 0), True, "0 % of 20"),
    Case((100.0, 20, 1), True, "100.0 % of 20"),
]


def grim_possible(fn) -> bool:
    """Check the learner's ``grim_possible(percent, n, decimals) -> bool``.

    ``percent`` is the printed percentage (%), ``n`` the number of patients, ``decimals`` the
    number of decimals it is printed with. The answer is ``True`` when some whole number of
    patients k (0 <= k <= n) gives ``100 * k / n`` that rounds to ``percent``.
    """
    return _run(fn, _GRIM_CASES, name="grim_possible", say=_say_possible)


def _p_cases() -> list[Case]:
    from hcckit.appraisal import implied_p_value

    rows = [
        ((0.58, 0.37, 0.91, 0.95), 0.0005, "Yan 2025 PFS HR 0.58 (0.37-0.91), printed P = 0.018"),
        ((0.77, 0.61, 0.98, 0.95), 0.0005, "EMERALD-1 PFS HR 0.77 (0.61-0.98), printed P = 0.032"),
        ((0.41, 0.26, 0.64, 0.95), 0.00002, "CHANCE2211 OS aHR 0.41 (0.26-0.64), printed P = 0.008"),
        ((0.91, 0.69, 1.21, 0.90), 0.005, "STAH OS HR 0.91 with a 90 % CI (0.69-1.21)"),
        ((0.35, 0.21, 0.82, 0.95), 0.0002, "An 2023 HR 0.35 (0.21-0.82), printed P < 0.001"),
        ((1.0, 0.8, 1.25, 0.95), 0.001, "HR 1.00 (0.80-1.25): no difference at all"),
    ]
    return [
        Case(args, implied_p_value(*args[:3], level=args[3]), label, tolerance=tol)
        for args, tol, label in rows
    ]


def p_from_hr_ci(fn) -> bool:
    """Check the learner's ``p_from_hr_ci(hr, low, high, level) -> float`` (two-sided p).

    Altman & Bland (BMJ 2011;343:d2304): ``SE = (ln high - ln low) / (2 z)`` with ``z`` the
    normal quantile of the CI level (1.96 for 95 %, 1.645 for 90 %), ``z = ln(hr) / SE``,
    ``p = 2 * (1 - Phi(|z|))``.
    """
    return _run(fn, _p_cases(), name="p_from_hr_ci", say=_say_p)


# --------------------------------------------------------------------------- plain-number feedback
def _say_possible(value) -> str:
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "possible (True)" if value else "impossible (False)"
    return plain(value)


def _say_p(value) -> str:
    if isinstance(value, bool):
        return plain(value)
    try:
        x = float(value)
    except (TypeError, ValueError):
        return plain(value)
    return f"p = {x:.4f}" if abs(x) >= 0.001 or x == 0 else f"p = {x:.1e}"


def _run(fn, cases, *, name: str, say) -> bool:
    """:func:`run_cases` with the answers spoken as plain words and numbers ("impossible", "p = 0.0177")."""
    from hcckit.checks._runner import _matches

    cases = list(cases)
    for case in cases:
        try:
            got = fn(*case.args)
        except NotImplementedError:
            return run_cases(fn, cases, name=name)  # prints "not done yet"
        except Exception:  # noqa: BLE001 - the runner turns it into one line of feedback
            return run_cases(fn, cases, name=name)
        if not _matches(got, case):
            within = f", within ±{case.tolerance:g}" if case.tolerance else ""
            print(
                f"✗ {name}: for {case.label} your function gives {say(got)}; "
                f"the right answer is {say(case.expected)}{within}."
            )
            return False
    print(f"✓ {name}: all {len(cases)} cases correct.")
    return True


# --------------------------------------------------------------------------- no-code questions
def _audited(frame, trial_id: str, check: str, what: str, arm_id: str | None = None) -> dict:
    """The audit row of ``trial_id`` / ``check`` / ``what`` (and ``arm_id``) as a dict; ValueError if absent."""
    rows = frame[(frame["trial_id"] == trial_id) & (frame["check"] == check) & (frame["what"] == what)]
    if arm_id is not None:
        rows = rows[rows["arm_id"] == arm_id]
    if rows.empty:
        raise ValueError(
            f"questions: the curated data have no {check} row for {trial_id} / {arm_id} / {what}"
        )
    return rows.iloc[0].to_dict()


def _half_up(value, decimals: int) -> float:
    """``value`` rounded half up to ``decimals`` decimals (as a paper prints it)."""
    from decimal import ROUND_HALF_UP, Decimal

    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def _traps(answer: float, decimals: int, *pairs) -> tuple:
    """(value rounded to ``decimals``, feedback) pairs, leaving out any that round to the answer."""
    out, seen = [], {_half_up(answer, decimals)}
    for value, feedback in pairs:
        v = _half_up(value, decimals)
        if v not in seen:
            seen.add(v)
            out.append((v, feedback))
    return tuple(out)


def _decimals_text(d: int) -> str:
    return "no decimals" if d == 0 else f"{d} decimal" + ("s" if d != 1 else "")


def _grim_questions(frame) -> list:
    from fractions import Fraction

    from hcckit import appraisal
    from hcckit import labels as lb
    from hcckit.checks._questions import Question

    sev = {s: lb.label("severity", s) for s in ("error", "warning", "info")}

    # 1. DEB-TACE ORR: the printed percentage and n from the curated outcomes
    deb = _audited(frame, "chictr2200056222_debtace_tqb_anlo", "percentage", "ORR (mRECIST)")
    n, printed = int(deb["inputs"]["n"]), str(deb["inputs"]["percent"])
    d = appraisal.printed_decimals(printed)
    ks = appraisal.possible_counts(n, printed)
    k0 = int(Fraction(printed) * n // 100)
    near = [k for k in (k0, k0 + 1) if 0 <= k <= n]
    near_text = " and ".join(f"{k}/{n} = {_half_up(100 * k / n, d):.{d}f} %" for k in near)
    half = 0.5 * 10**-d
    q_deb = Question(
        "grim_debtace_orr",
        f"{deb['study']} prints an objective response rate of {printed} % for {n} patients. "
        f"Is {printed} % possible for {n} patients?",
        "choice",
        "possible" if ks else "impossible",
        f"Printed to {_decimals_text(d)}, {printed} % stands for {float(printed) - half:.{d + 1}f} to "
        f"{float(printed) + half:.{d + 1}f} %. The nearest whole numbers of patients give {near_text}: "
        f"none prints as {printed} %. The paper's count, {deb['inputs']['count']}/{n}, is "
        f"{_half_up(100 * deb['inputs']['count'] / n, d):.{d}f} % (Brown & Heathers 2017, the GRIM test).",
        options=("possible", "impossible"),
        hints=(
            f"Try the whole numbers of patients near {printed} % of {n}: {printed} x {n} / 100.",
            f"Which values print as {printed}? Only those within ±{half:g} points of it.",
        ),
        traps=(
            (
                "possible",
                f"Close is not enough: {near_text}; a printed percentage must round to exactly "
                f"{printed} at {_decimals_text(d)}.",
            ),
        ),
    )

    # 2. Yan 2025 12-month recurrence: rounding, not cutting off digits
    yan = _audited(frame, "yan2025_tace_bev", "percentage", "recurrence_12m", arm_id="tace")
    k, m, p_yan = int(yan["inputs"]["count"]), int(yan["inputs"]["n"]), str(yan["inputs"]["percent"])
    dy = appraisal.printed_decimals(p_yan)
    exact = 100 * k / m
    answer = _half_up(exact, dy)
    cut = int(exact * 10**dy) / 10**dy
    q_yan = Question(
        "grim_yan_recurrence",
        f"{yan['study']}: {k} of {m} patients in the TACE arm recurred within 12 months. "
        f"What percentage is that, printed to {_decimals_text(dy)} (%)?",
        "number",
        answer,
        f"100 x {k} / {m} = {exact:.3f} %, which rounds to {answer:.{dy}f} %. The paper prints {p_yan} %: "
        "cutting off the digits instead of rounding gives that (a warning in the audit, not an error).",
        decimals=dy,
        hints=("Compute 100 x count / n.", "Round half up: look at the next digit."),
        traps=_traps(
            answer,
            dy,
            (cut, f"{cut:.{dy}f} cuts off the digits of {exact:.3f}; rounding gives {answer:.{dy}f}."),
        ),
    )

    # 3. A percentage printed without decimals gets the full ±0.5 band
    atezo = _audited(frame, "chictr2100049829_tace_atezo_bev", "percentage", "CR (RECIST 1.1)")
    ka, na, pa = int(atezo["inputs"]["count"]), int(atezo["inputs"]["n"]), str(atezo["inputs"]["percent"])
    ok = appraisal.check_percentage(ka, na, pa)[0].passed
    q_atezo = Question(
        "grim_no_decimals",
        f"{atezo['study']} prints {pa} % complete responses for {ka} of {na} patients "
        f"({100 * ka / na:.2f} %). Is the printed {pa} % consistent with {ka}/{na}?",
        "choice",
        "consistent" if ok else "inconsistent",
        f"Printed without decimals, {pa} % stands for anything from {float(pa) - 0.5:g} to {float(pa) + 0.5:g} %; "
        f"{ka}/{na} = {100 * ka / na:.2f} % is inside, so rounding alone explains it.",
        options=("consistent", "inconsistent"),
        hints=("How many decimals is the percentage printed with?",),
        traps=(
            (
                "inconsistent",
                f"'{pa}' is not '{float(pa):.1f}': without decimals the band is ±0.5 points, "
                "and rounding alone never raises a finding.",
            ),
        ),
    )

    # 4. Only the arm size printed: what the audit makes of an impossible percentage
    em = _audited(frame, "emerald1", "percentage", "ORR (mRECIST)", arm_id="tace")
    ne, pe = int(em["inputs"]["n"]), str(em["inputs"]["percent"])
    q_em = Question(
        "grim_arm_size",
        f"The review by Fu et al. (Hepatoma Res 2024) prints an ORR of {pe} % for {em['study']}'s TACE arm of {ne} patients, "
        f"and no count. {pe} % is impossible for {ne}. How does the audit grade it?",
        "choice",
        sev[em["severity"]],
        f"{pe} % is probably of another group - usually the patients with measurable disease who were "
        "evaluated - which the review does not state. The reader cannot recover the count, but nothing is "
        "shown to be wrong: a warning.",
        options=(sev["error"], sev["warning"], sev["info"]),
        hints=("Is the percentage necessarily of the whole arm?",),
        traps=(
            (
                sev["error"],
                "An error needs two printed numbers that cannot both be right; here only the arm size is "
                "printed, and the percentage may be of the evaluable patients.",
            ),
            (
                sev["info"],
                "A note is for an explanation the source documents (a weighted analysis, a stated "
                "definition); this review documents none.",
            ),
        ),
    )
    return [q_deb, q_yan, q_atezo, q_em]


def _p_questions(frame) -> list:
    import math

    from scipy.stats import norm

    from hcckit import appraisal
    from hcckit import labels as lb
    from hcckit.checks._questions import Question

    def z_of(level) -> float:
        return float(norm.ppf(1 - (1 - level) / 2))

    def hr_text(row) -> str:
        i = row["inputs"]
        return f"HR {i['hr']:g} ({100 * i['level']:g} % CI {i['low']:g}-{i['high']:g})"

    def no_double_se(i) -> float:  # forgetting the 2 in SE = (ln high - ln low) / (2 z)
        se = (math.log(i["high"]) - math.log(i["low"])) / z_of(i["level"])
        return float(2 * norm.sf(abs(math.log(i["hr"]) / se)))

    # 1. Yan 2025 PFS: the printed p agrees
    yan = _audited(frame, "yan2025_tace_bev", "hr_p_value", "PFS HR vs tace")
    i = yan["inputs"]
    p = appraisal.implied_p_value(i["hr"], i["low"], i["high"], level=i["level"])
    dp = int(i["p_decimals"])
    z = z_of(i["level"])
    se = (math.log(i["high"]) - math.log(i["low"])) / (2 * z)
    q_yan = Question(
        "p_yan_pfs",
        f"{yan['study']}: PFS {hr_text(yan)}. What two-sided p does the interval imply ({dp} decimals)?",
        "number",
        p,
        f"SE = (ln {i['high']:g} - ln {i['low']:g}) / (2 x {z:.2f}) = {se:.3f}; "
        f"z = ln {i['hr']:g} / SE = {math.log(i['hr']) / se:.2f}; "
        f"p = 2 (1 - Φ(|z|)) = {_half_up(p, dp):.{dp}f}. The paper prints P = {i['p']:g}: they agree "
        "(Altman & Bland 2011).",
        decimals=dp,
        hints=(
            f"SE of ln HR = (ln high - ln low) / (2 x {z:.2f}).",
            "z = ln HR / SE; p = 2 x norm.sf(|z|).",
        ),
        traps=_traps(
            p,
            dp,
            (p / 2, "That is the one-sided p (one tail); the two-sided p counts both tails: twice as large."),
            (
                no_double_se(i),
                f"The interval spans 2 x {z:.2f} standard errors: divide its log width by 2 x {z:.2f}.",
            ),
        ),
    )

    # 2. STAH: a 90 % interval, and a one-sided printed p
    stah = _audited(frame, "stah", "hr_p_value", "OS HR vs sorafenib")
    s = stah["inputs"]
    ps = appraisal.implied_p_value(s["hr"], s["low"], s["high"], level=s["level"])
    p95 = appraisal.implied_p_value(s["hr"], s["low"], s["high"], level=0.95)
    q_stah = Question(
        "p_stah_90",
        f"{stah['study']}: OS {hr_text(stah)}. What two-sided p does the interval imply (2 decimals)?",
        "number",
        ps,
        f"A {100 * s['level']:g} % interval spans 2 x {z_of(s['level']):.3f} standard errors "
        f"(not 2 x {z_of(0.95):.2f}): p = {_half_up(ps, 2):.2f}. The paper prints P = {s['p']:g}, half of it: a one-sided "
        "p-value (a note in the audit).",
        decimals=2,
        hints=(
            f"Which normal quantile goes with a {100 * s['level']:g} % interval? norm.ppf(1 - (1 - level) / 2).",
        ),
        traps=_traps(
            ps,
            2,
            (
                s["p"],
                f"P = {s['p']:g} is what the paper prints - the one-sided p. The two-sided p counts both tails.",
            ),
            (
                p95,
                f"You used {z_of(0.95):.2f}, the quantile of a 95 % interval; this one is {100 * s['level']:g} %.",
            ),
        ),
    )

    # 3. CHANCE2211 OS: the printed p is far from the implied one
    ch = _audited(frame, "chance2211", "hr_p_value", "OS aHR vs tace")
    c = ch["inputs"]
    pc = appraisal.implied_p_value(c["hr"], c["low"], c["high"], level=c["level"])
    q_ch = Question(
        "p_chance2211_os",
        f"{ch['study']}: OS adjusted {hr_text(ch)}, printed P = {c['p']:g}. What two-sided p does the "
        "interval imply (4 decimals)?",
        "number",
        pc,
        f"The interval implies p = {_half_up(pc, 4):.4f} ({pc:.1e}), many times smaller than the printed "
        f"P = {c['p']:g}: both say 'significant', but they cannot come from the same analysis.",
        decimals=4,
        hints=("Same steps as for any 95 % interval: SE, then z, then p.",),
        traps=_traps(
            pc,
            4,
            (c["p"], f"{c['p']:g} is the printed p; recompute it from the HR and its interval."),
            (pc / 2, "That is the one-sided p; give the two-sided one."),
        ),
    )
    verdicts = {
        "pass": "consistent: rounding explains the difference",
        "info": "a one-sided p-value",
        "error": "inconsistent, even allowing for rounding of all four numbers",
    }
    answer = verdicts.get(ch["severity"], verdicts["error"])
    q_verdict = Question(
        "p_chance2211_verdict",
        f"{ch['study']}: is the printed P = {c['p']:g} consistent with the {hr_text(ch)}?",
        "choice",
        answer,
        f"The audit grades it '{lb.label('severity', ch['severity'])}': the interval implies p = {pc:.1e}, "
        f"and even the roundings of the four printed numbers that bring the two closest leave the printed "
        f"P = {c['p']:g} far larger. A one-sided p would be smaller, not larger. Perhaps the p comes from "
        "another test or analysis (an unadjusted log-rank test next to an adjusted HR), perhaps a number is "
        "mistyped; the review does not say.",
        options=tuple(verdicts.values()),
        hints=(
            f"Would any value that rounds to {c['hr']:g}, {c['low']:g} and {c['high']:g} bring the implied p "
            f"near {c['p']:g}?",
        ),
        traps=(
            (
                verdicts["info"],
                "A one-sided p is half the two-sided one; the printed p here is larger than the implied one.",
            ),
        ),
    )
    return [q_yan, q_stah, q_ch, q_verdict]


def questions(which: str | None = None):
    """No-code questions for lesson 06; numbers from the curated data, answers from :mod:`hcckit.appraisal`.

    ``which`` is "grim_possible", "p_from_hr_ci" or None (all). Percentages are in %, p-values
    are two-sided probabilities (0-1), hazard ratios and their limits are ratios.
    """
    from hcckit import appraisal

    frame = appraisal.audit(checks=["percentage", "hr_p_value"], include_passed=True)
    return select(
        {"grim_possible": lambda: _grim_questions(frame), "p_from_hr_ci": lambda: _p_questions(frame)}, which
    )
