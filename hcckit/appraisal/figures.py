"""Tidy frames for the lesson's charts: GRIM picture, HRs in their CIs, the 2x2 tests, one finding."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction

from hcckit import stats
from hcckit.appraisal.findings import _COLUMNS, Finding
from hcckit.appraisal.hazard_ratios import check_hr_ci
from hcckit.appraisal.p_values import _two_arms, _two_by_two_tests
from hcckit.appraisal.printed import (
    MAX_N,
    _decimal,
    _fmt,
    _int,
    _missing,
    _operator,
    _p_value,
    _precision,
)
from hcckit.appraisal.sources import _prepare, _printed, _raw_texts, _s, _studies


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
    d = _precision(percent, decimals)
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
    level, geometric_mean, offset, severity`` (``offset``: HR distance from the log-centre as
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
                "level": level,
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
            "level",
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

    a, n_a, b, n_b = _two_arms(a, n_a, b, n_b)
    res = _two_by_two_tests(a, n_a, b, n_b)
    rows = [
        {"test": "Fisher exact", "p": res.fisher_p, "reliable": True},
        {"test": "chi-square", "p": res.chi2_p, "reliable": res.chi2_valid},
        {"test": "chi-square (Yates)", "p": res.chi2_yates_p, "reliable": res.chi2_valid},
    ]
    if p_reported is not None and not _missing(p_reported):
        p_dec = _p_value(p_reported, "p_reported")
        _operator(p_operator)
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
                "level": float(level),
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
