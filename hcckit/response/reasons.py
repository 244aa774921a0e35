"""Words for the rules that fired: the ``reason`` column of :func:`hcckit.response.assess`."""

from __future__ import annotations

from hcckit.response.criteria import _U

__all__ = []


def _fmt_mm(units: float, product: bool) -> str:
    if units != units:  # nan
        return "-"
    x = units / (_U * _U) if product else units / _U
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return f"{s} mm²" if product else f"{s} mm"


def _fmt_pct(x: float) -> str:
    return "-" if x != x else f"{x:+.1f} %"


def _target_rule(crit, opt, tc, S, B, N, missing, lesion, viable) -> str:
    """Words for the target-lesion rule that fired."""
    if tc == "CR":
        if crit == "mRECIST":
            return "CR (no arterial enhancement in any intrahepatic target; nodes < 10 mm short axis)"
        if crit == "EASL":
            return "CR (no enhancing tissue in any target)"
        if crit == "WHO":
            return "CR (every target gone)"
        return "CR (every non-nodal target gone, every nodal target < 10 mm short axis)"
    if crit in ("WHO", "EASL"):
        ref = "baseline" if opt.who_reference == "baseline" else "nadir"
        op = ">=" if opt.who_inclusive else ">"
        if tc == "PD":
            if opt.who_pd == "lesion":
                return f"PD (lesion {lesion} product {op} 125 % of its {ref})"
            return f"PD (sum of products {op} 125 % of {ref})"
        if tc == "NE":
            return f"NE (target {missing} not assessed)"
        if tc == "PR":
            return "PR (sum of products <= 50 % of baseline)"
        if opt.who_pd == "lesion":
            return f"SD (sum of products above 50 % of baseline; no lesion {op} 125 % of its {ref})"
        return f"SD (sum of products above 50 % of baseline and below 125 % of {ref})"
    abs_on = crit == "RECIST 1.1" or opt.mrecist_5mm
    abs_txt = f" and >= {opt.recist_abs_mm:g} mm above it" if abs_on else ""
    if tc == "PD" and not abs_on and crit == "mRECIST":
        abs_txt = " (mRECIST 2010: no absolute clause)"
    if tc == "PD":
        extra = f" although target {missing} was not assessed" if missing else ""
        return f"PD (sum >= 120 % of nadir{abs_txt}{extra})"
    if tc == "NE":
        return f"NE (target {missing} not assessed; the others do not show PD)"
    if tc == "PR":
        return "PR (sum <= 70 % of baseline)"
    # SD: say why it is not PD when it is close
    if S > N and 5 * S >= 6 * N and abs_on and S - N < opt.recist_abs_mm * _U:
        return (
            f"SD ({100 * (S - N) / N:+.1f} % vs nadir but only +{_fmt_mm(S - N, False)} "
            f"(< {opt.recist_abs_mm:g} mm): not PD)"
        )
    return "SD (sum above 70 % of baseline and below 120 % of nadir)"
