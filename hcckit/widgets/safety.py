"""Panels for lesson 05 (safety). They only compose :mod:`hcckit.safety` and
:mod:`hcckit.charts.safety`.

* :func:`ae_profile_panel`: adverse events per regimen; filter by study, grade and class;
* :func:`class_effects_panel`: one class effect (anti-VEGF, TKI, immune, embolization) across
  regimens, coloured by whether the regimen contains the cause;
* :func:`two_arm_panel`: experimental vs control arm with risk difference, relative risk and
  the tests, next to the p-values the papers printed.

Each panel is a :class:`LessonPanel` with ``controls`` (name -> widget), ``view`` (offline
``JupyterChart``) and ``message``. Filters that match nothing show a friendly empty chart and
an explanation, never a traceback.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from hcckit.widgets._common import chart_view, message_box, primary, safe, show_message

__all__ = ["LessonPanel", "ae_profile_panel", "class_effects_panel", "two_arm_panel"]

_STYLE = {"description_width": "90px"}
_GRADES = [("Any grade", "any"), ("Grade 1-2", "1-2"), ("Grade ≥ 3", ">=3")]
_CLASSES = [
    ("All classes", "all"),
    ("Anti-VEGF", "anti-VEGF"),
    ("TKI", "TKI"),
    ("Immune", "immune"),
    ("Embolization", "embolization"),
    ("Hepatic", "hepatic"),
    ("Haematologic", "haematologic"),
    ("General", "general"),
    ("Other", "other"),
]


class LessonPanel(widgets.VBox):
    """A lesson panel: a ``VBox`` with its ``controls`` (dict), chart ``view`` and ``message`` box."""

    def __init__(self, children, *, controls: dict, view, message, texts: dict | None = None):
        super().__init__(children=list(children))
        self.controls = dict(controls)
        self.view = view
        self.message = message
        self.texts = dict(texts or {})
        self.add_class("hcckit-panel")


def _studies() -> list[tuple[str, str]]:
    from hcckit import safety

    regimens = safety.regimen_table()
    studies = regimens.drop_duplicates("trial_id")
    return [("All studies", "all")] + [
        (f"{s} ({d})", t)
        for s, d, t in zip(studies["study"], studies["design"], studies["trial_id"], strict=True)
    ]


def _notes_html(profile) -> str:
    """Other reports of the same events (abstract vs table) and derived rows, as a short list."""
    items = []
    for _, r in profile.iterrows():
        if isinstance(r["other_reports"], str) and r["other_reports"]:
            items.append(
                f"<li><b>{html.escape(r['regimen'])}, {html.escape(r['event'])}:</b> also reported as "
                f"{html.escape(r['other_reports'])}</li>"
            )
        elif bool(r["derived"]):
            items.append(
                f"<li><b>{html.escape(r['regimen'])}, {html.escape(r['event'])}:</b> grade 1-2 = grade 1 + "
                "grade 2 of the same table (summed by hcckit)</li>"
            )
    if not items:
        return ""
    return "<details><summary>Notes on these numbers</summary><ul>" + "".join(items) + "</ul></details>"


def ae_profile_panel(*, study: str = "all", grade: str = "any", event_class: str = "all") -> LessonPanel:
    """Adverse-event profiles per regimen; the study picker is the primary control."""
    from hcckit import safety
    from hcckit.charts.safety import ae_profile_chart

    message = message_box()
    study_w = primary(
        widgets.Dropdown(
            options=_studies(),
            value=study,
            description="Study",
            style=_STYLE,
            layout=widgets.Layout(width="420px"),
        )
    )
    grade_w = widgets.ToggleButtons(options=_GRADES, value=grade, description="Grade", style=_STYLE)
    class_w = widgets.Dropdown(options=_CLASSES, value=event_class, description="Class", style=_STYLE)
    notes = widgets.HTML()

    def build():
        trials = None if study_w.value == "all" else study_w.value
        cls = None if class_w.value == "all" else class_w.value
        profile = safety.ae_profile(trials=trials, grade=grade_w.value, event_class=cls)
        if profile.empty:
            where = "any study" if trials is None else dict((v, k) for k, v in _studies())[trials]
            what = "adverse events" if cls is None else f"{cls} adverse events"
            grade_label = dict((v, k) for k, v in _GRADES)[grade_w.value].lower()
            text = f"No {what} reported at {grade_label} in {where}. Try another grade or 'All studies'."
            return ae_profile_chart(profile, empty_message=text), text, ""
        return ae_profile_chart(profile), "", _notes_html(profile)

    chart, text, note_html = build()
    view = chart_view(chart)
    notes.value = note_html
    if text:
        show_message(message, text, kind="info")

    @safe(message)
    def redraw(change=None):
        chart, text, note_html = build()
        view.chart = chart
        notes.value = note_html
        show_message(message, text, kind="info")

    for w in (study_w, grade_w, class_w):
        w.observe(redraw, names="value")
    return LessonPanel(
        [widgets.HBox([study_w, class_w]), grade_w, message, view, notes],
        controls={"study": study_w, "grade": grade_w, "event_class": class_w},
        view=view,
        message=message,
        texts={"notes": notes},
    )


def class_effects_panel(*, event_class: str = "anti-VEGF", grade: str = "any") -> LessonPanel:
    """One class effect across regimens; the class picker is the primary control."""
    from hcckit import safety
    from hcckit.charts.safety import class_effects_chart

    message = message_box()
    class_w = primary(
        widgets.ToggleButtons(
            options=[(v.label.split(" (")[0], k) for k, v in safety.CLASS_EFFECTS.items()],
            value=event_class,
            description="Class",
            style=_STYLE,
        )
    )
    grade_w = widgets.ToggleButtons(options=_GRADES, value=grade, description="Grade", style=_STYLE)
    explain = widgets.HTML()

    def build():
        effect = safety.CLASS_EFFECTS[class_w.value]
        table = safety.class_effects(class_w.value, grade=grade_w.value)
        info = (
            f"<p><b>{html.escape(effect.label)}</b>: caused by {html.escape(effect.cause)}; "
            f"typical events: {html.escape(', '.join(effect.events))}.</p>"
        )
        if table.empty:
            grade_label = dict((v, k) for k, v in _GRADES)[grade_w.value].lower()
            text = f"No {class_w.value} events reported at {grade_label} in the curated studies. Try 'Any grade'."
            return class_effects_chart(table, empty_message=text), text, info
        return class_effects_chart(table), "", info

    chart, text, info = build()
    view = chart_view(chart)
    explain.value = info
    if text:
        show_message(message, text, kind="info")

    @safe(message)
    def redraw(change=None):
        chart, text, info = build()
        view.chart = chart
        explain.value = info
        show_message(message, text, kind="info")

    for w in (class_w, grade_w):
        w.observe(redraw, names="value")
    return LessonPanel(
        [class_w, grade_w, explain, message, view],
        controls={"event_class": class_w, "grade": grade_w},
        view=view,
        message=message,
        texts={"explain": explain},
    )


def _comparison_table_html(comparisons) -> str:
    if comparisons.empty:
        return ""

    def p(v):
        return "-" if v != v else ("< 0.001" if v < 0.001 else f"{v:.3f}")

    def rr(v, lo, hi):
        if v != v:
            return "undefined"
        est = "∞" if v == float("inf") else f"{v:.2f}"
        top = "∞" if hi == float("inf") else f"{hi:.2f}"
        return f"{est} ({lo:.2f} to {top})"

    rows = []
    for _, r in comparisons.iterrows():
        reported = (
            f"P {r['reported_p_operator']} {r['reported_p']:g}" if r["reported_p"] == r["reported_p"] else "-"
        )
        point = "no harm (A has no more events)" if r["nnh"] == float("inf") else f"{int(r['nnh'])}"
        nnh = f"{point} ({r['nnh_interval']})"
        cells = [
            f"{r['event']} ({'any grade' if r['grade'] == 'any' else 'grade ' + r['grade']})",
            f"{r['count_a']}/{r['n_a']} ({r['pct_a']:.1f} %)",
            f"{r['count_b']}/{r['n_b']} ({r['pct_b']:.1f} %)",
            f"{r['rd_pct']:+.1f} ({r['rd_ci_low_pct']:+.1f} to {r['rd_ci_high_pct']:+.1f})",
            rr(r["rr"], r["rr_ci_low"], r["rr_ci_high"]),
            p(r["fisher_p"]),
            p(r["chi2_p"]) + ("" if r["chi2_valid"] else " ⚠"),
            reported,
            nnh,
        ]
        rows.append(
            "<tr>" + "".join(f"<td style='padding:2px 8px'>{html.escape(c)}</td>" for c in cells) + "</tr>"
        )
    a, b = comparisons["arm_a"].iloc[0], comparisons["arm_b"].iloc[0]
    level = f"{100 * comparisons['level'].iloc[0]:g} %"
    head = [
        "Event",
        a,
        b,
        f"Risk difference, points ({level} CI)",
        f"Relative risk ({level} CI)",
        "Fisher p",
        "χ² p",
        "Paper printed",
        f"Number needed to harm ({level} CI)",
    ]
    th = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(h)}</th>" for h in head)
    return (
        f"<table class='hcckit-table' style='border-collapse:collapse'><tr>{th}</tr>{''.join(rows)}</table>"
        "<small>⚠ an expected count is below 5: the chi-square p-value is not reliable, read Fisher's. "
        "NNH: number needed to harm (patients treated with the experimental arm for one extra event); its CI is "
        "the reciprocal of the risk difference's and runs through ∞ when that includes 0 (Altman, BMJ 1998). "
        "NNTB: number needed to treat for one patient fewer with the event.</small>"
    )


def two_arm_panel(*, trial_id: str = "yan2025_tace_bev", level: float = 0.95) -> LessonPanel:
    """Experimental vs control arm per event; the trial picker is the primary control."""
    from hcckit import safety
    from hcckit.charts.safety import two_arm_chart

    message = message_box()
    regimens = safety.regimen_table().drop_duplicates("trial_id").set_index("trial_id")
    options = [
        (f"{regimens.loc[t, 'study']} ({regimens.loc[t, 'design']})", t) for t in safety.two_arm_trials()
    ]
    if trial_id not in dict((v, k) for k, v in options):
        raise ValueError(
            f"trial_id: {trial_id!r} has no two-arm adverse-event counts; choose from {[v for _, v in options]}"
        )
    trial_w = primary(
        widgets.Dropdown(
            options=options,
            value=trial_id,
            description="Trial",
            style=_STYLE,
            layout=widgets.Layout(width="360px"),
        )
    )
    level_w = widgets.ToggleButtons(
        options=[("90 %", 0.90), ("95 %", 0.95), ("99 %", 0.99)],
        value=level,
        description="CI level",
        style=_STYLE,
    )
    table = widgets.HTML()

    def build():
        comparisons = safety.two_arm_comparisons(trial_w.value, level=level_w.value)
        return (
            two_arm_chart(comparisons),
            _comparison_table_html(comparisons),
            "" if len(comparisons) else ("This trial has no event with counts in both arms."),
        )

    chart, table.value, text = build()
    view = chart_view(chart)

    @safe(message)
    def redraw(change=None):
        chart, html_table, text = build()
        view.chart = chart
        table.value = html_table
        show_message(message, text, kind="info")

    for w in (trial_w, level_w):
        w.observe(redraw, names="value")
    return LessonPanel(
        [widgets.HBox([trial_w, level_w]), message, view, table],
        controls={"trial": trial_w, "level": level_w},
        view=view,
        message=message,
        texts={"table": table},
    )
