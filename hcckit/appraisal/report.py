"""Reporting: findings counted by check and severity, and a readable text or markdown report."""

from __future__ import annotations

import textwrap

from hcckit.appraisal.findings import _RANK, CHECKS, SEVERITIES, findings_frame


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
    unreadable = frame.attrs.get("not_checkable")
    if unreadable is not None and len(unreadable):
        head = f"Not checkable ({len(unreadable)}) - numbers a check could not read, and why"
        lines += ["", f"## {head}" if md else head.upper(), ""]
        for i, r in enumerate(unreadable.itertuples(index=False), 1):
            where = f"{r.study} / {r.what}" + (
                f" ({r.table}.csv line {r.line})" if r.table and not pd.isna(r.line) else ""
            )
            text = f"{i}. **{r.check}** - {where}: {r.why}" if md else f"{i:>3}. [{r.check}] {where}: {r.why}"
            lines.append(text if md else textwrap.fill(text, width=width, subsequent_indent="     "))
    lines.append("")
    guide = (
        "What a finding does and does not mean: an error says two printed numbers cannot both be right - it does "
        "not say which one is wrong, nor that the trial's conclusion is wrong. A warning is a likely problem or "
        "an unexplained gap (e.g. an unstated denominator). Info is explained by design or a definition. "
        "Check the full text before drawing conclusions, and ask the authors when it matters."
    )
    lines.append(guide if md else textwrap.fill(guide, width=width))
    return "\n".join(lines)
