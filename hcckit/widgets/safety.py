"""Panels for lesson 05 (safety). They only compose :mod:`hcckit.safety` and
:mod:`hcckit.charts.safety`.

* :func:`ae_profile_panel`: adverse events per regimen; filter by study, grade and class;
* :func:`class_effects_panel`: one class effect (anti-VEGF, TKI, immune, embolization) across
  regimens, coloured by whether the regimen contains the cause;
* :func:`two_arm_panel`: experimental vs control arm with risk difference, relative risk and
  the tests, next to the p-values the papers printed.

Each panel is a :class:`hcckit.widgets.panel.Panel`: read-only ``controls`` and ``views``, a
``message`` line, **Reset** and, where a guiding question of the lesson needs a starting state, a
"Try this" preset button. ``view`` is the chart view (``views["chart"]``, an offline
``JupyterChart``) and ``texts`` the HTML read-outs by name. Filters that match nothing show a
friendly empty chart and an explanation, never a traceback. Percentages are in % (0-100),
risk differences in percentage points, counts are patients.
"""

from __future__ import annotations

import html
from types import MappingProxyType

import ipywidgets as widgets

from hcckit.labels import ALL
from hcckit.widgets._common import chart_view, message_box, primary, show_message
from hcckit.widgets.panel import Panel, above

__all__ = [
    "AEProfilePanel",
    "ClassEffectsPanel",
    "TwoArmPanel",
    "ae_profile_panel",
    "class_effects_panel",
    "two_arm_panel",
    "comparison_table",
    "disagreement_note",
]

_STYLE = {"description_width": "90px"}
_ROW_STYLE = {"description_width": "48px"}  # controls side by side in one row
_GRADES = [("Any grade", "any"), ("Grade 1-2", "1-2"), ("Grade ≥ 3", ">=3")]
_CLASSES = [
    ("All classes", ALL),
    ("Anti-VEGF", "anti-VEGF"),
    ("TKI", "TKI"),
    ("Immune", "immune"),
    ("Embolization", "embolization"),
    ("Hepatic", "hepatic"),
    ("Haematologic", "haematologic"),
    ("General", "general"),
    ("Other", "other"),
]
_SMALL = "font-size:14px;line-height:1.4;max-width:60em"


class _SafetyPanel(Panel):
    """A :class:`Panel` with the lesson's names for its chart view (``view``) and read-outs (``texts``)."""

    @property
    def view(self):
        """The chart view (``views["chart"]``): an offline ``JupyterChart`` with class ``hcckit-chart``."""
        return self.views["chart"]

    def _draw(self, chart, table, **bound) -> None:
        """The chart view shows ``chart(table, **bound)`` (its bound input and every choice's rows), or
        the panel's empty state (``_empty_text``) when nothing matches the kernel's filters at all."""
        if table.empty:
            self.view.chart = chart(table, empty_message=self._empty_text())
        else:
            self.view.chart = chart(table, **bound)

    @property
    def texts(self):
        """The HTML read-outs by name (every view but the chart), read-only."""
        return MappingProxyType({k: v for k, v in self.views.items() if k != "chart"})


def _toggle_row() -> widgets.Layout:
    """Toggle buttons with their description beside them, not above (one row, not two)."""
    return widgets.Layout(display="flex", align_items="center", flex="0 0 auto")


def _grade_toggle(grade: str) -> widgets.ToggleButtons:
    """The grade toggle of the AE-profile and class-effects panels, buttons as wide as their text."""
    return widgets.ToggleButtons(
        options=_GRADES,
        value=grade,
        description="Grade",
        style={**_ROW_STYLE, "button_width": "auto"},
        layout=_toggle_row(),
    )


def _studies() -> list[tuple[str, str]]:
    from hcckit import safety

    regimens = safety.regimen_table()
    studies = regimens.drop_duplicates("trial_id")
    return [("All studies", ALL)] + [
        (f"{s} ({_design(d)})", t)
        for s, d, t in zip(studies["study"], studies["design"], studies["trial_id"], strict=True)
    ]


def _design(design) -> str:
    from hcckit import labels

    return labels.label("design", design)


def _grade_label(grade: str) -> str:
    return dict((v, k) for k, v in _GRADES)[grade]


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
    return (
        f"<details style='{_SMALL}'><summary>Notes on these numbers</summary><ul>"
        + "".join(items)
        + "</ul></details>"
    )


class AEProfilePanel(_SafetyPanel):
    """Adverse-event profiles per regimen; the study picker is the primary control.

    Controls: ``study`` (a ``trial_id`` or :data:`hcckit.labels.ALL`, ``"all"``; primary: a select
    drawn *in the chart*, bound to its Vega-Lite param ``study`` -
    :data:`hcckit.charts.safety.STUDY_PARAM` - so the browser redraws the chart with no kernel;
    the kernel follows it through :class:`hcckit.widgets._chartlib.ParamControl` for the notes and
    the message), ``grade`` (``any``, ``1-2``, ``>=3``) and ``event_class`` (a class or ``"all"``),
    which change the numbers the chart carries (kernel). Views: ``chart``
    (% of patients with exact 95 % CIs), ``notes`` (other reports of the same numbers). Presets:
    the lesson's two guiding questions (the DEB-TACE + TQB2450 + anlotinib study at grade ≥ 3;
    BEVA-TACE's notes).
    """

    def __init__(self, *, study: str = ALL, grade: str = "any", event_class: str = ALL):
        from hcckit.charts._common import empty_chart
        from hcckit.widgets._chartlib import ParamControl

        studies = _studies()
        if study not in [v for _, v in studies]:
            raise ValueError(
                f"study: {study!r} is not a curated study; choose from {[v for _, v in studies]}"
            )
        self._choices = studies
        # the study is chosen in the chart (a select bound to the chart's param "study": the browser
        # redraws it with no kernel); class and grade change the numbers it carries (kernel)
        self._class = widgets.Dropdown(
            options=_CLASSES,
            value=event_class,
            description="Class",
            style=_ROW_STYLE,
            layout=widgets.Layout(width="210px"),
        )
        self._grade = _grade_toggle(grade)
        self._notes = widgets.HTML()
        self._view = primary(chart_view(empty_chart("Loading...")))
        self._study = ParamControl(self._view, "study", study, description="Study")
        self._profile = None
        super().__init__(
            above(widgets.HBox([self._class, self._grade]), [self._view, self._notes]),
            controls={"study": self._study, "grade": self._grade, "event_class": self._class},
            views={"chart": self._view, "notes": self._notes},
            message=message_box(),
        )
        self.presets = (
            self.preset_button(
                "Try this: anlotinib study, grade ≥ 3",
                tooltip="Guiding question 1: DEB-TACE + TQB2450 + anlotinib at grade ≥ 3",
                study="chictr2200056222_debtace_tqb_anlo",
                grade=">=3",
                event_class=ALL,
            ),
            self.preset_button(
                "Try this: BEVA-TACE notes",
                tooltip="Guiding question 2: BEVA-TACE at grade ≥ 3, then open 'Notes on these numbers'",
                study="zhang2021_beva_tace",
                grade=">=3",
                event_class=ALL,
            ),
        )
        self.add_presets(*self.presets)
        self.add_class("hcckit-ae-profile")
        self.on_change(["grade", "event_class"], self._update)
        # the browser has already redrawn the chart: the kernel only updates the notes and message
        self.on_change(["study"], self._describe_study)
        self._update()

    def _update(self):
        """New grade or class: every study's profile at these filters, the chosen one drawn."""
        from hcckit import safety
        from hcckit.charts.safety import ae_profile_chart

        cls = None if self._class.value == ALL else self._class.value
        self._profile = safety.ae_profile(grade=self._grade.value, event_class=cls)
        self._draw(ae_profile_chart, self._profile, study=self._study.value, studies=self._choices, step=16)
        self._describe_study()

    def _empty_text(self) -> str:
        trials = None if self._study.value == ALL else self._study.value
        cls = None if self._class.value == ALL else self._class.value
        where = "any study" if trials is None else dict((v, k) for k, v in self._choices)[trials]
        what = "adverse events" if cls is None else f"{dict((v, k) for k, v in _CLASSES)[cls]} adverse events"
        return (
            f"No {what} reported at {_grade_label(self._grade.value).lower()} in {where}. "
            "Try another grade or 'All studies'."
        )

    def _describe_study(self):
        """The notes and the message line for the study the chart shows."""
        profile = self._profile
        if profile is not None and self._study.value != ALL:
            profile = profile[profile["trial_id"] == self._study.value]
        if profile is None or profile.empty:
            self._notes.value = ""
            show_message(self.message, self._empty_text(), kind="info")
            return
        self._notes.value = _notes_html(profile)
        show_message(self.message, "")


def ae_profile_panel(*, study: str = ALL, grade: str = "any", event_class: str = ALL) -> AEProfilePanel:
    """Adverse-event profiles per regimen (see :class:`AEProfilePanel`)."""
    return AEProfilePanel(study=study, grade=grade, event_class=event_class)


class ClassEffectsPanel(_SafetyPanel):
    """One class effect across regimens; the class picker is the primary control.

    Controls: ``event_class`` (``anti-VEGF``, ``TKI``, ``immune``, ``embolization``; primary: radio
    buttons drawn *in the chart*, bound to its Vega-Lite param ``event_class`` -
    :data:`hcckit.charts.safety.CLASS_PARAM` - so the browser redraws the chart with no kernel;
    the kernel follows it through :class:`hcckit.widgets._chartlib.ParamControl` for the
    explanation beside) and ``grade`` (changes the numbers the chart carries: kernel). Views:
    ``chart`` (% of patients with exact 95 % CIs, coloured by whether the regimen contains the
    cause), ``explain`` (what causes the class and its typical events). The lesson's guiding
    question uses the starting state (anti-VEGF, any grade): **Reset**.
    """

    def __init__(self, *, event_class: str = "anti-VEGF", grade: str = "any"):
        from hcckit import labels, safety
        from hcckit.charts._common import empty_chart
        from hcckit.widgets._chartlib import ParamControl

        if event_class not in safety.CLASS_EFFECTS:
            raise ValueError(f"event_class: {event_class!r} is not one of {list(safety.CLASS_EFFECTS)}")
        self._classes = [(labels.label("event_class", k), k) for k in safety.CLASS_EFFECTS]
        self._grade = _grade_toggle(grade)
        self._explain = widgets.HTML()
        self._view = primary(chart_view(empty_chart("Loading...")))
        self._class = ParamControl(self._view, "event_class", event_class, description="Class")
        self._effects = None
        super().__init__(
            above(widgets.HBox([self._grade]), [self._explain, self._view]),
            controls={"event_class": self._class, "grade": self._grade},
            views={"chart": self._view, "explain": self._explain},
            message=message_box(),
        )
        self.add_class("hcckit-class-effects")
        self.on_change(["grade"], self._update)
        # the browser has already redrawn the chart: the kernel only updates the explanation
        self.on_change(["event_class"], self._describe_class)
        self._update()

    def _update(self):
        """New grade: every class effect at that grade, the chosen one drawn."""
        import pandas as pd

        from hcckit import safety
        from hcckit.charts.safety import class_effects_chart

        tables = [safety.class_effects(k, grade=self._grade.value) for _, k in self._classes]
        self._effects = pd.concat([t for t in tables if len(t)] or tables[:1], ignore_index=True)
        self._draw(
            class_effects_chart, self._effects, event_class=self._class.value, classes=self._classes, step=18
        )
        self._describe_class()

    def _empty_text(self) -> str:
        from hcckit import labels

        name = labels.label("event_class", self._class.value)
        return (
            f"No events of the class '{name}' reported at {_grade_label(self._grade.value).lower()} in "
            "the curated studies. Try 'Any grade'."
        )

    def _describe_class(self):
        """What causes the class chosen in the chart, and the message line."""
        from hcckit import safety

        effect = safety.CLASS_EFFECTS[self._class.value]
        self._explain.value = (
            f"<p style='font-size:14px;line-height:1.4;margin:0'><b>{html.escape(effect.label)}</b>: caused by "
            f"{html.escape(effect.cause)}; typical events: {html.escape(', '.join(effect.events))}. Events are "
            "grouped by their harmonised term across studies (the term each paper printed is in the tooltip).</p>"
        )
        if self._effects is None or not (self._effects["event_class"] == self._class.value).any():
            show_message(self.message, self._empty_text(), kind="info")
        else:
            show_message(self.message, "")


def class_effects_panel(*, event_class: str = "anti-VEGF", grade: str = "any") -> ClassEffectsPanel:
    """One class effect across regimens (see :class:`ClassEffectsPanel`)."""
    return ClassEffectsPanel(event_class=event_class, grade=grade)


def _ci_text(low, high, *, decimals: int = 1, sign: bool = False) -> str:
    """ "low to high" with ``decimals`` decimals (``sign``: "+" before positive limits); ∞ stays ∞."""
    from hcckit import formatting as fmt

    def one(v):
        if v != v:
            return fmt.MISSING
        if sign and v not in (float("inf"), float("-inf")):
            return fmt.percent(v, decimals, unit=False, sign=True)
        return fmt.fixed(v, decimals)

    return f"{one(low)} to {one(high)}"


def comparison_table(comparisons):
    """The two-arm comparison as a :class:`hcckit.tables.Table` for people (names, words, units).

    One row per event and grade of ``safety.two_arm_comparisons(...)``: patients with the event
    in each arm (count/patients and %), the risk difference (percentage points) and the relative
    risk with their CIs, Fisher's exact P, the chi-square P (marked when an expected count is
    below 5), the P the paper printed ("not reported" when it printed none) and the number
    needed to harm (patients) with its CI.
    """
    import pandas as pd

    from hcckit import formatting as fmt
    from hcckit import labels, tables

    level = f"{fmt.number(100 * float(comparisons['level'].iloc[0]))} %" if len(comparisons) else "95 %"
    several = comparisons["study"].nunique() > 1 if len(comparisons) else False
    rows = []
    for _, r in comparisons.iterrows():
        grade = labels.label("grade", r["grade"])
        event = f"{r['event']} ({grade[:1].lower() + grade[1:]})"
        if "event_printed" in r and isinstance(r["event_printed"], str) and r["event_printed"] != r["event"]:
            event += f"; printed as '{r['event_printed']}'"
        if several:
            event = f"{r['study']}: {event}"
        rr = r["rr"]
        if rr != rr:
            rr_text = "undefined (no events in either arm)"
        else:
            ci = _ci_text(r["rr_ci_low"], r["rr_ci_high"], decimals=2)
            rr_text = (
                f"∞ ({ci}): no events in control" if rr == float("inf") else f"{fmt.fixed(rr, 2)} ({ci})"
            )
        nnh = "no excess" if r["nnh"] == float("inf") else fmt.count(r["nnh"])
        rows.append(
            {
                "event": event,
                "arm_a": (f"{r['arm_a']}: " if several else "")
                + f"{r['count_a']}/{r['n_a']} ({fmt.fixed(r['pct_a'], 1)} %)",
                "arm_b": (f"{r['arm_b']}: " if several else "")
                + f"{r['count_b']}/{r['n_b']} ({fmt.fixed(r['pct_b'], 1)} %)",
                "rd": (
                    f"{fmt.percent(r['rd_pct'], 1, unit=False, sign=True)} "
                    f"({_ci_text(r['rd_ci_low_pct'], r['rd_ci_high_pct'], sign=True)})"
                ),
                "rr": rr_text,
                "fisher_p": r["fisher_p"],
                "chi2": fmt.p_value(r["chi2_p"]) + ("" if r["chi2_valid"] else " ⚠ not reliable"),
                # as printed (the digits the paper gave), or "not reported"
                "printed": (
                    f"P {r['reported_p_operator'] or '='} {fmt.number(r['reported_p'], significant=12)}"
                    if r["reported_p"] == r["reported_p"]
                    else None
                ),
                "nnh": f"{nnh} ({r['nnh_interval']})",
            }
        )
    frame = pd.DataFrame(
        rows, columns=["event", "arm_a", "arm_b", "rd", "rr", "fisher_p", "chi2", "printed", "nnh"]
    )
    one = len(comparisons) and not several
    arm_a = f"Experimental: {comparisons['arm_a'].iloc[0]}" if one else "Experimental arm"
    arm_b = f"Control: {comparisons['arm_b'].iloc[0]}" if one else "Control arm"
    caption = (
        f"{comparisons['study'].iloc[0]}: experimental vs control arm, every event both arms report with counts"
        if one
        else "Experimental vs control arm, every event both arms report with counts"
    )
    return tables.show(
        frame,
        columns={
            "event": "Event (grade)",
            "arm_a": f"{arm_a}, patients with the event (%)",
            "arm_b": f"{arm_b}, patients with the event (%)",
            "rd": f"Risk difference, points ({level} CI)",
            "rr": f"Relative risk ({level} CI)",
            "fisher_p": "Fisher's exact P",
            "chi2": "Chi-square P",
            "printed": "P as the paper printed it",
            "nnh": f"Number needed to harm, patients ({level} CI)",
        },
        caption=caption,
    )


_TABLE_NOTE = (
    f"<p style='{_SMALL}'>⚠ an expected count is below 5: the chi-square P is not reliable, read Fisher's. "
    "Number needed to harm: patients treated with the experimental arm for one extra patient with the event; "
    "its CI is the reciprocal of the risk difference's and runs through ∞ when that includes 0 (Altman, "
    "BMJ 1998;317:1309-12); 'no excess': the experimental arm has no more events than the control. NNTB: "
    "number needed to treat for one patient fewer with the event.</p>"
)


def disagreement_note(comparisons) -> str:
    """HTML explaining rows where the risk-difference CI, the relative-risk CI and Fisher's test disagree.

    A row disagrees when the risk-difference CI includes 0 but the relative-risk CI excludes 1
    (or the reverse), or when Fisher's P and the chi-square P fall on different sides of 0.05.
    Empty string when every row agrees. The explanation says what :func:`hcckit.stats.compare_proportions`
    computes: Koopman's asymptotic score interval for the relative risk (its test at RR = 1 is the
    uncorrected Pearson chi-square test), Newcombe's hybrid score interval (two Wilson intervals)
    for the risk difference, and Fisher's exact test.
    """
    from hcckit import formatting as fmt

    items, small = [], False
    for _, r in comparisons.iterrows():
        rd_has_0 = r["rd_ci_low_pct"] <= 0 <= r["rd_ci_high_pct"]
        rr_has_1 = r["rr_ci_low"] <= 1 <= r["rr_ci_high"]
        tests_split = (r["fisher_p"] < 0.05) != (r["chi2_p"] < 0.05)
        if rd_has_0 == rr_has_1 and not tests_split:
            continue
        small = small or not bool(r["chi2_valid"])
        rd = "includes 0" if rd_has_0 else "excludes 0"
        rr = "includes 1" if rr_has_1 else "excludes 1"
        items.append(
            f"<li><b>{html.escape(str(r['event']))}, {r['count_a']}/{r['n_a']} vs {r['count_b']}/{r['n_b']}:</b> "
            f"risk-difference CI {rd}, relative-risk CI {rr}, Fisher's exact {fmt.p_value(r['fisher_p'], prefix=True)}, "
            f"chi-square {fmt.p_value(r['chi2_p'], prefix=True)}.</li>"
        )
    if not items:
        return ""
    return (
        f"<div class='hcckit-disagreement' style='{_SMALL};border-left:4px solid #7A4B00;padding:4px 10px;"
        "margin:6px 0'><b>Why do the interval and the tests disagree here?</b><ul style='margin:4px 0'>"
        + "".join(items)
        + "</ul>Different approximations part ways"
        + (" with a zero cell or expected counts below 5. The " if small else ". The ")
        + "<b>relative-risk</b> interval (Koopman's score interval, Biometrics 1984;40:513-17) excludes 1 exactly "
        "when the uncorrected Pearson chi-square P is below 0.05: at a ratio of 1 its test is that chi-square "
        "test"
        + (", unreliable with these counts" if small else "")
        + ". The <b>risk-difference</b> interval (Newcombe's hybrid score "
        "interval, Stat Med 1998;17:873-90, from one Wilson interval per arm) is another approximation. "
        "<b>Fisher's exact test</b> uses no large-sample approximation"
        + (": with counts this small, read it.</div>" if small else ".</div>")
    )


class TwoArmPanel(_SafetyPanel):
    """Experimental vs control arm per event; the trial picker is the primary control.

    Controls: ``trial`` (a ``trial_id`` from :func:`hcckit.safety.two_arm_trials`; primary: a
    select drawn *in the chart*, bound to its Vega-Lite param ``trial`` -
    :data:`hcckit.charts.safety.TRIAL_PARAM` - so the browser redraws the chart with no kernel;
    the kernel follows it through :class:`hcckit.widgets._chartlib.ParamControl` for the table and
    the note) and ``level`` (CI level: 0.90, 0.95, 0.99; recomputes every interval, in the kernel). Views: ``chart`` (risk difference in percentage points
    and relative risk with CIs, counts and tests), ``table`` (the same numbers as a table for
    people, with the P each paper printed and the number needed to harm in patients) and
    ``disagreement`` (why the intervals and tests disagree, where they do). The lesson's guiding
    question uses the starting state (Yan 2025, 95 %): **Reset**.
    """

    def __init__(self, *, trial_id: str = "yan2025_tace_bev", level: float = 0.95):
        from hcckit import safety
        from hcckit.charts._common import empty_chart

        regimens = safety.regimen_table().drop_duplicates("trial_id").set_index("trial_id")
        options = [
            (f"{regimens.loc[t, 'study']} ({_design(regimens.loc[t, 'design'])})", t)
            for t in safety.two_arm_trials()
        ]
        if trial_id not in dict((v, k) for k, v in options):
            raise ValueError(
                f"trial_id: {trial_id!r} has no two-arm adverse-event counts; choose from {[v for _, v in options]}"
            )
        from hcckit.widgets._chartlib import ParamControl

        self._options = options
        self._level = widgets.ToggleButtons(
            options=[("90 %", 0.90), ("95 %", 0.95), ("99 %", 0.99)],
            value=level,
            description="CI level",
            style=_STYLE,
        )
        self._table = widgets.HTML(layout=widgets.Layout(width="100%"))
        self._disagreement = widgets.HTML()
        # the trial is chosen in the chart (a select bound to the chart's param "trial": the browser
        # redraws it with no kernel); the CI level recomputes every interval (kernel)
        self._view = primary(chart_view(empty_chart("Loading...")))
        self._trial = ParamControl(self._view, "trial", trial_id, description="Trial")
        self._comparisons = None
        super().__init__(
            above(widgets.HBox([self._level]), [self._view, self._disagreement, self._table]),
            controls={"trial": self._trial, "level": self._level},
            views={"chart": self._view, "table": self._table, "disagreement": self._disagreement},
            message=message_box(),
        )
        self.add_class("hcckit-two-arm")
        self.on_change(["level"], self._update)
        # the browser has already redrawn the chart: the kernel only updates the table and the note
        self.on_change(["trial"], self._describe_trial)
        self._update()

    def _update(self):
        """New CI level: every two-arm trial's comparisons at that level, the chosen one drawn."""
        from hcckit import safety
        from hcckit.charts.safety import two_arm_chart

        self._comparisons = safety.two_arm_comparisons(None, level=self._level.value)
        self._view.chart = two_arm_chart(self._comparisons, trial=self._trial.value, trials=self._options)
        self._describe_trial()

    def _describe_trial(self):
        """The table and the disagreement note of the trial the chart shows."""
        comparisons = self._comparisons[self._comparisons["trial_id"] == self._trial.value]
        if not len(comparisons):
            self._table.value = ""
            self._disagreement.value = ""
            show_message(self.message, "This trial has no event with counts in both arms.", kind="info")
            return
        self._table.value = comparison_table(comparisons).html + _TABLE_NOTE
        self._disagreement.value = disagreement_note(comparisons)
        show_message(self.message, "")


def two_arm_panel(*, trial_id: str = "yan2025_tace_bev", level: float = 0.95) -> TwoArmPanel:
    """Experimental vs control arm per event (see :class:`TwoArmPanel`)."""
    return TwoArmPanel(trial_id=trial_id, level=level)
