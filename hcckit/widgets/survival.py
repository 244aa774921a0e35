"""Lesson 03 panels: survival comparisons on synthetic pseudo-patients.

Each panel only composes :mod:`hcckit.survival` (numbers) and :mod:`hcckit.charts.survival`
(drawings) and is a :class:`hcckit.widgets.panel.Panel`: public ``controls``, ``views`` and
``state``, a Reset button (back to the first state) and one preset button per guiding question
of the lesson that needs a particular starting state. Charts live in offline ``JupyterChart``
views redrawn in place; every update runs under :func:`hcckit.widgets._common.safe`, so bad
settings become a message, not a traceback. Arms are shown by their names
(:func:`hcckit.labels.arm`), never by their ids.

- :class:`SurvivalPanel`: pick a curated trial and endpoint; change model, censoring, accrual,
  follow-up and draw; watch the KM curves, HR, medians and RMST move, and the published numbers
  beside the reconstructed ones; download the pseudo-patients shown (CSV, marked SYNTHETIC).
- :class:`MedianHRRMSTPanel`: one control curve, a hazard ratio and a delayed effect: why medians,
  hazard ratios and RMST can tell different stories.
- :class:`CrossTrialPanel`: arms from different trials on one chart, and why that is not a comparison.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import html
import re
import warnings

import ipywidgets as widgets

from hcckit import labels
from hcckit import survival as sv
from hcckit.charts import survival as charts
from hcckit.charts._common import empty_chart
from hcckit.widgets._common import chart_view, message_box, primary, show_message
from hcckit.widgets.panel import Panel, above, beside

__all__ = [
    "SurvivalPanel",
    "MedianHRRMSTPanel",
    "CrossTrialPanel",
    "survival_panel",
    "csv_download_html",
    "TrialResults",
    "trial_results",
]

_MODEL_OPTIONS = [
    ("piecewise exponential (exact through the points)", "piecewise"),
    ("Weibull (smooth fit)", "weibull"),
    ("exponential (from the median)", "exponential"),
]
_METHOD_OPTIONS = [("exact quantiles", "quantile"), ("random sample", "random")]
_ENDPOINT_TITLES = {
    "OS": "Overall survival",
    "PFS": "Progression-free survival",
    "TTUP": "Time to untreatable progression",
    "RFS": "Recurrence-free survival",
    "PPS": "Post-progression survival",
}
_FULL = {"width": "100%"}
_SLIDER = {"continuous_update": False, "layout": _FULL, "style": {"description_width": "0px"}}
_CONTROLS_WIDTH = "260px"
# plot widths (px) chosen so that controls (260 px) + chart fit the lesson column (1000 px at 1280 px)
_KM_WIDTH = 350
_YAN = "yan2025_tace_bev"
# CrossTrialPanel's plot height (px; the theme's is 320): toolbar, controls and chart in 700 px
_CROSS_TRIAL_HEIGHT = 280


def _field(text: str, control: widgets.Widget) -> widgets.VBox:
    """A control with its label on the line above (the label wraps, never cut); width 100 %."""
    control.layout.width = "100%"
    label = widgets.HTML(f"<span style='font-size:14px;font-weight:600'>{html.escape(text)}</span>")
    box = widgets.VBox([label, control], layout=widgets.Layout(width="100%", margin="0 0 6px 0"))
    box.add_class("hcckit-field")
    return box


def _bigger_text(fragment: str) -> str:
    """Inline 12-13 px font sizes of engine read-outs raised to the panels' 14 px minimum."""
    return re.sub(r"font-size:\s*1[0-3]px", "font-size:14px", fragment)


def _html_list(title: str, items: list[str]) -> str:
    if not items:
        return ""
    lis = "".join(f"<li>{html.escape(i)}</li>" for i in items)
    return f"<div style='font-size:14px;color:#7A4B00'><b>{html.escape(title)}</b><ul>{lis}</ul></div>"


def _arm_names(trial_id: str, arm_ids) -> dict[str, str]:
    """Arm id -> name (``labels.arm``); ids are kept beside a name two arms share."""
    names = {a: labels.arm(trial_id, a) for a in arm_ids}
    counts: dict[str, int] = {}
    for n in names.values():
        counts[n] = counts.get(n, 0) + 1
    return {a: (n if counts[n] == 1 else f"{n} ({a})") for a, n in names.items()}


def _name_notes(notes, names: dict[str, str]) -> list[str]:
    """Engine notes start with an arm id ("tace_bev: ..."): give the arm's name instead."""
    out = []
    for note in notes:
        text = str(note)
        for arm_id, name in names.items():
            if text.startswith(f"{arm_id}: "):
                text = f"{name}: {text[len(arm_id) + 2 :]}"
                break
        out.append(text)
    return out


def csv_download_html(frame, *, filename: str, text: str = "Download pseudo-patients (CSV)") -> str:
    """An offline download link (``data:text/csv;base64``) for ``frame`` saved as ``filename``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to save (written without the index).
    filename : str
        The file name the browser saves (e.g. ``SYNTHETIC_pseudo_patients_....csv``).
    text : str
        The link text.

    Returns
    -------
    str
        HTML of one ``<a download=...>`` link styled as a button (14 px text).
    """
    payload = base64.b64encode(frame.to_csv(index=False).encode("utf-8")).decode("ascii")
    return (
        f"<a class='hcckit-download' download='{html.escape(filename, quote=True)}' "
        f"href='data:text/csv;base64,{payload}' "
        "style='display:inline-block;font-size:14px;padding:4px 10px;border:1px solid #1f6fb2;"
        "border-radius:4px;color:#0b4f8a;text-decoration:none'>"
        f"&#8681; {html.escape(text)}</a>"
    )


def _title(name: str, endpoint: str):
    """The KM figure's title: the trial's name and the endpoint, on two lines when long."""
    import altair as alt

    text = f"{name} - {endpoint}"
    if len(text) <= 48:
        return text
    cut = name.rfind(" (")
    lines = [name[:cut], f"{name[cut + 1 :]} - {endpoint}"] if cut > 0 else [name, endpoint]
    return alt.TitleParams(text=lines, anchor="start")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", str(text)).strip("_")


def _comparison_table_html(comparison) -> str:
    """Published vs pseudo-patient numbers (``compare_published``) as a kit table."""
    from hcckit import tables

    return tables.show(
        comparison,
        columns={
            "arm": "Arm",
            "statistic": "Statistic",
            "published": "Published",
            "reconstructed": "Pseudo-patients (SYNTHETIC)",
            "unit": "Unit",
        },
        formats={"arm": "text", "published": 1, "reconstructed": 1, "unit": "text"},
        caption="Published vs pseudo-patients",
    ).html


class _SurvivalPanel(Panel):
    """What the three panels share: results in :attr:`value`, a redraw whose errors become a message."""

    _value: dict

    @property
    def value(self) -> dict:
        """Current settings and results (read-only; see each panel for the keys)."""
        return dict(self._value)

    def _update(self) -> None:
        show_message(self._message, "")
        self.run(self._redraw)


class SurvivalPanel(_SurvivalPanel):
    """Pick a curated trial and endpoint, change the assumptions, and watch HR, medians and RMST move.

    Parameters
    ----------
    option : str, optional
        Initial trial/endpoint, as in :func:`hcckit.survival.survival_catalogue` ``option``
        (default: the TACE +/- bevacizumab RCT, PFS, when present).

    Attributes
    ----------
    views : mapping
        ``chart`` (the KMunicate-style figure, an ``altair.JupyterChart``: ``.chart`` is the
        current altair chart), ``readout`` (HR, medians, RMST, notes), ``published_chart``
        (published points beside the pseudo-patients' curves), ``published_table``,
        ``download`` ("Download pseudo-patients (CSV)": the pseudo-patients shown, file
        ``SYNTHETIC_...csv``, first column ``synthetic``, True on every row; times in months)
        and ``design_note`` (why accrual and follow-up are not used, when they are not).
    value : dict
        Current settings and results (read-only): trial, endpoint, data, comparisons, notes.
    catalogue : DataFrame
        The trials and endpoints the ``trial`` control offers (its values are this frame's index).
    presets : dict
        The guiding questions' presets: button text -> the control values it sets.
    preset_buttons : list of ipywidgets.Button
        One button per preset (class ``hcckit-preset``), shown before Reset.

    Controls: ``trial`` (primary), ``model``, ``comparator``, ``censoring``, ``accrual`` (months),
    ``follow_up`` (months after accrual), ``method``, ``seed``. Presets: the lesson's three
    guiding questions.
    """

    def __init__(self, option: str | None = None):
        catalogue = sv.survival_catalogue()
        catalogue = catalogue[catalogue["ready"]].reset_index(drop=True)
        self._catalogue = catalogue
        options = [(row.option, i) for i, row in catalogue.iterrows()]
        default = 0
        for i, row in catalogue.iterrows():
            if option is not None and row.option == option:
                default = i
                break
            if option is None and row.trial_id == _YAN:
                default = i
                break
        self._trial = primary(widgets.Dropdown(options=options, value=default, layout=_FULL))
        self._model = widgets.Dropdown(options=_MODEL_OPTIONS, value="piecewise")
        self._comparator = widgets.ToggleButtons(
            options=[("own summaries", "summaries"), ("control × published HR", "hazard_ratio")],
            value="summaries",
            style={"button_width": "auto"},
        )
        self._censoring = widgets.Dropdown(
            options=[
                ("published numbers (at risk / follow-up)", "auto"),
                ("accrual + follow-up as set", "design"),
                ("none", "none"),
            ],
            value="auto",
        )
        self._accrual = widgets.IntSlider(value=24, min=0, max=48, step=1, **_SLIDER)
        self._follow_up = widgets.IntSlider(value=12, min=0, max=60, step=1, **_SLIDER)
        self._design_note = widgets.HTML()
        self._design_note.add_class("hcckit-note")
        self._method = widgets.ToggleButtons(
            options=_METHOD_OPTIONS, value="quantile", style={"button_width": "auto"}
        )
        self._seed = widgets.IntSlider(value=0, min=0, max=50, **_SLIDER)
        self._message = message_box()
        self._readout = widgets.HTML()
        self._published_table = widgets.HTML()
        self._download = widgets.HTML()
        self._download.add_class("hcckit-download")
        self._value: dict = {}
        self._shown = None
        self._chart = chart_view(empty_chart("Loading..."))
        self._published_chart = chart_view(empty_chart("Loading..."))
        left = widgets.VBox(
            [
                _field("Survival model", self._model),
                _field("Other arms from", self._comparator),
                _field("Censoring", self._censoring),
                _field("Accrual (months)", self._accrual),
                _field("Follow-up after accrual (months)", self._follow_up),
                self._design_note,
                _field("Draw", self._method),
                _field("Seed (random draw)", self._seed),
                self._download,
            ]
        )
        right = widgets.VBox([self._chart, self._readout])
        controls = {
            "trial": self._trial,
            "model": self._model,
            "comparator": self._comparator,
            "censoring": self._censoring,
            "accrual": self._accrual,
            "follow_up": self._follow_up,
            "method": self._method,
            "seed": self._seed,
        }
        super().__init__(
            [
                _field("Trial, endpoint", self._trial),
                beside(left, right, controls_width=_CONTROLS_WIDTH),
                self._published_chart,
                self._published_table,
            ],
            controls=controls,
            views={
                "chart": self._chart,
                "readout": self._readout,
                "published_chart": self._published_chart,
                "published_table": self._published_table,
                "download": self._download,
                "design_note": self._design_note,
            },
            message=self._message,
        )
        self.presets: dict[str, dict] = {}
        self.preset_buttons = self._preset_buttons()
        self.add_presets(*self.preset_buttons)
        self.on_change(list(controls), self._redraw)
        self._update()

    def _preset_buttons(self) -> list[widgets.Button]:
        """One preset per guiding question of the lesson (Yan 2025 PFS, the RCT the questions use)."""
        yan = self._yan_pfs()
        if yan is None:
            return []
        base = {
            "trial": yan,
            "model": "piecewise",
            "censoring": "auto",
            "method": "quantile",
            "seed": 0,
            "comparator": "summaries",
        }
        self.presets = {
            "Q1: control × HR": {**base, "comparator": "hazard_ratio"},
            "Q2: 3 months' follow-up": {**base, "censoring": "design", "accrual": 24, "follow_up": 3},
            "Q3: random sample": {**base, "method": "random", "seed": 1},
        }
        tips = {
            "Q1: control × HR": "Question 1: Yan 2025 PFS, other arms from the control curve × the published HR",
            "Q2: 3 months' follow-up": "Question 2: Yan 2025 PFS, 24 months' accrual + 3 months' follow-up",
            "Q3: random sample": "Question 3: Yan 2025 PFS, a random sample (then move the seed)",
        }
        return [self.preset_button(k, tooltip=tips[k], **v) for k, v in self.presets.items()]

    @property
    def catalogue(self):
        """The trials and endpoints offered (a copy of the ready rows of ``survival_catalogue()``);
        the ``trial`` control's value is a row's index."""
        return self._catalogue.copy()

    def _yan_pfs(self) -> int | None:
        hit = self._catalogue.index[
            (self._catalogue["trial_id"] == _YAN) & (self._catalogue["endpoint"] == "PFS")
        ]
        return int(hit[0]) if len(hit) else None

    @property
    def shown_patients(self):
        """The pseudo-patients shown (a copy): ``synthetic``, trial, endpoint, arm (name), time (months), event."""
        return None if self._shown is None else self._shown.copy()

    def _settings(self) -> dict:
        row = self._catalogue.iloc[self._trial.value]
        return {
            "trial_id": row.trial_id,
            "endpoint": row.endpoint,
            "name": row["name"],
            "has_hr": bool(row.has_hr),
            "has_at_risk": bool(row.has_at_risk),
            "model": self._model.value,
            "comparator": self._comparator.value,
            "censoring": self._censoring.value,
            "accrual": self._accrual.value,
            "follow_up": self._follow_up.value,
            "method": self._method.value,
            "seed": self._seed.value,
        }

    @staticmethod
    def _design_used(censoring: str, arms) -> tuple[bool, str]:
        """Whether accrual/follow-up are used, and a one-line reason when they are not."""
        if censoring == "design":
            return True, ""
        if censoring == "none":
            return False, "Accrual and follow-up are not used: no censoring is assumed."
        # auto: numbers at risk, else the published median follow-up, else the sliders (see _arm_censoring)
        if any(not a.at_risk and not a.median_follow_up for a in arms):
            return True, ""
        if all(a.at_risk for a in arms):
            why = "the trial prints numbers at risk"
        else:
            fu = sorted({f"{float(a.median_follow_up):g}" for a in arms if a.median_follow_up})
            why = f"the trial publishes its median follow-up ({', '.join(fu)} months)"
            if any(a.at_risk for a in arms):
                why = "the trial prints numbers at risk and its median follow-up"
        return False, (
            f"Accrual and follow-up are not used: censoring comes from the published numbers ({why}). "
            "Choose “accrual + follow-up as set” to change them."
        )

    def _redraw(self) -> None:
        s = self._settings()
        self._comparator.disabled = not s["has_hr"]
        self._seed.disabled = s["method"] == "quantile"
        r = trial_results(**s)
        self._accrual.disabled = self._follow_up.disabled = not r.design
        self._design_note.value = (
            f"<div style='font-size:14px;color:#444;margin:0 0 6px 0'>{html.escape(r.why)}</div>"
            if r.why
            else ""
        )
        self._chart.chart = charts.km_panel(
            r.km,
            at_risk=r.risk,
            annotation=list(r.annotation) or None,
            y_title=r.y_title,
            title=_title(s["name"], s["endpoint"]),
            width=_KM_WIDTH,
        )
        self._published_chart.chart = charts.published_vs_reconstructed_chart(
            r.km, published=r.published, y_title=r.y_title, width=240, height=220
        )
        self._readout.value = r.readout_html
        self._published_table.value = r.published_table_html
        self._shown = r.shown
        self._download.value = r.download_html
        self._value = {
            **s,
            "data": r.data,
            "comparisons": r.comparisons,
            "published": r.published,
            "published_vs_reconstructed": r.published_vs_reconstructed,
            "notes": list(r.notes),
            "arm_names": dict(r.arm_names),
        }


@dataclasses.dataclass(frozen=True, eq=False)
class TrialResults:
    """What :class:`SurvivalPanel` shows for one choice of its controls (all but the charts).

    ``data``: the pseudo-patients with arm names (times in months); ``km`` and ``risk``: their
    Kaplan-Meier and at-risk tables; ``published``: the published points; ``comparisons``:
    :func:`hcckit.survival.compare_arms` of each arm with the first; ``published_vs_reconstructed``
    (or None); ``shown``: the download's rows; ``design``/``why``: whether accrual and follow-up
    are used, and why not; the read-out, table and download as HTML.
    """

    design: bool
    why: str
    data: object
    notes: tuple
    arm_names: tuple
    published: object
    km: object
    risk: object
    y_title: str
    annotation: tuple
    comparisons: tuple
    readout_html: str
    published_vs_reconstructed: object
    published_table_html: str
    shown: object
    download_html: str

    def copy(self) -> TrialResults:
        """A copy whose frames and comparisons can be changed without changing this one."""
        import copy

        frames = {
            k: (None if getattr(self, k) is None else getattr(self, k).copy(deep=True))
            for k in ("data", "published", "km", "risk", "published_vs_reconstructed", "shown")
        }
        frames["data"].attrs = copy.deepcopy(self.data.attrs)
        return dataclasses.replace(self, comparisons=copy.deepcopy(self.comparisons), **frames)


def trial_results(**settings) -> TrialResults:
    """:class:`TrialResults` of one choice of :class:`SurvivalPanel`'s controls, computed once per process.

    ``settings``: the panel's ``_settings()`` (trial, endpoint, model, censoring, accrual and
    follow-up in months, comparator, draw method and seed). Deterministic in them (a random
    draw is seeded), so results are kept (the last 64 choices); each call returns a copy, so a
    caller changing a frame does not change what the next caller gets.
    """
    return _trial_results(tuple(sorted(settings.items()))).copy()


@functools.lru_cache(maxsize=64)
def _trial_results(key: tuple) -> TrialResults:
    s = dict(key)
    arms = sv.published_arms(s["trial_id"], endpoint=s["endpoint"])
    design, why = SurvivalPanel._design_used(s["censoring"], arms)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = sv.synthesize_published(
            s["trial_id"],
            endpoint=s["endpoint"],
            model=s["model"],
            censoring=s["censoring"],
            accrual=s["accrual"] if design else None,
            follow_up=s["follow_up"] if design else None,
            comparator=s["comparator"] if s["has_hr"] else "summaries",
            method=s["method"],
            seed=s["seed"],
        )
    ids = [str(a) for a in raw["arm"].cat.categories]
    names = _arm_names(s["trial_id"], ids)
    data = raw.copy()
    data["arm"] = data["arm"].cat.rename_categories([names[a] for a in ids])
    data.attrs = dict(raw.attrs)
    notes = _name_notes(raw.attrs.get("notes", []), names)
    data.attrs["notes"] = notes
    published = sv.published_points([a for a in arms if a.arm_id in set(ids)])
    if len(published):
        published = published.assign(arm=published["arm"].astype(str).map(lambda a: names.get(a, a)))
    km = sv.km_table(data)
    risk = sv.at_risk_table(data)
    y_title = _ENDPOINT_TITLES.get(s["endpoint"], s["endpoint"])
    levels = list(data["arm"].cat.categories)
    comparisons = []
    control = levels[0]
    for other in levels[1:]:
        pair = data[data["arm"].astype(str).isin([control, other])]
        comparisons.append(sv.compare_arms(pair, reference=control))
    annotation = [c.annotation[0] for c in comparisons]
    if len(comparisons) == 1:
        annotation.append(comparisons[0].logrank.text)
    parts = []
    if comparisons:
        parts += [c._repr_html_() for c in comparisons]
    else:
        parts.append(sv.median_survival(data, arm=control)._repr_html_())
    for other_id in ids[1:]:
        eff = sv.published_effect(s["trial_id"], endpoint=s["endpoint"], arm=other_id)
        if eff is None:
            continue
        named = dataclasses.replace(
            eff, arm=names.get(eff.arm, labels.arm(s["trial_id"], eff.arm)),
            reference=names.get(eff.reference, labels.arm(s["trial_id"], eff.reference)),
        )  # fmt: skip
        parts.append(f"<div><b>Published:</b> {html.escape(str(named))}</div>")
        ctrl = next((a for a in arms if a.arm_id == eff.reference), None)
        exp = next((a for a in arms if a.arm_id == eff.arm), None)
        if ctrl and exp and ctrl.median and exp.median:
            ci = (eff.ci_low, eff.ci_high) if eff.ci_low and eff.ci_high else None
            try:
                check = sv.hr_consistency(
                    ctrl.median, experimental_median=exp.median, hazard_ratio=eff.hazard_ratio, ci=ci
                )
                text = check.message
            except ValueError as exc:  # a source discrepancy (e.g. an HR outside its own CI)
                text = f"Published numbers do not add up: {exc}"
            parts.append(f"<div style='font-size:14px'>{html.escape(text)}</div>")
    parts.append(_html_list("Notes", notes))
    comparison_numbers = sv.compare_published(data, published=published) if len(published) else None
    shown = data[["arm", "time", "event"]].copy()
    shown["arm"] = shown["arm"].astype(str)
    shown.insert(0, "endpoint", s["endpoint"])
    shown.insert(0, "trial", labels.trial(s["trial_id"]))
    shown.insert(0, "synthetic", True)
    shown = shown.rename(columns={"time": "time_months"})
    return TrialResults(
        design=design,
        why=why,
        data=data,
        notes=tuple(notes),
        arm_names=tuple(names.items()),
        published=published,
        km=km,
        risk=risk,
        y_title=y_title,
        annotation=tuple(annotation),
        comparisons=tuple(comparisons),
        readout_html=_bigger_text("".join(parts)),
        published_vs_reconstructed=comparison_numbers,
        published_table_html=(
            _comparison_table_html(comparison_numbers) if comparison_numbers is not None else ""
        ),
        shown=shown,
        download_html=csv_download_html(
            shown, filename=f"SYNTHETIC_pseudo_patients_{_slug(s['trial_id'])}_{_slug(s['endpoint'])}.csv"
        ),
    )


class MedianHRRMSTPanel(_SurvivalPanel):
    """A control curve, a hazard ratio and a delayed effect: medians, HR and RMST side by side.

    The experimental arm's hazard is the control's times ``hazard ratio`` from ``delay`` months
    on (no effect before). Pseudo-patients are exact quantile draws, censored by accrual (12
    months) and the chosen follow-up. Controls: ``median`` (months), ``hazard_ratio`` (primary),
    ``delay`` (months), ``follow_up`` (months after accrual), ``n`` (patients per arm). Presets:
    the lesson's three questions. Views: ``chart`` (KM curves and numbers at risk), ``readout``
    (medians, HR, log-rank, RMST; the generating curves). :attr:`value`: settings, ``comparison``
    and ``data``.
    """

    CONTROL = "Control"
    EXPERIMENTAL = "Experimental"

    def __init__(self, *, control_median: float = 8.0, hazard_ratio: float = 0.6, n: int = 200):
        self._median = widgets.FloatSlider(value=control_median, min=2, max=30, step=0.5, **_SLIDER)
        self._hr = primary(widgets.FloatSlider(value=hazard_ratio, min=0.2, max=1.5, step=0.05, **_SLIDER))
        self._delay = widgets.FloatSlider(value=0, min=0, max=12, step=0.5, **_SLIDER)
        self._follow_up = widgets.IntSlider(value=24, min=3, max=60, **_SLIDER)
        self._n = widgets.IntSlider(value=n, min=20, max=1000, step=10, **_SLIDER)
        self._message = message_box()
        self._readout = widgets.HTML()
        self._value: dict = {}
        self._chart = chart_view(empty_chart("Loading..."))
        left = widgets.VBox(
            [
                _field("Control median (months)", self._median),
                _field("Hazard ratio", self._hr),
                _field("Effect starts at (months)", self._delay),
                _field("Follow-up after accrual (months)", self._follow_up),
                _field("Patients per arm", self._n),
            ]
        )
        controls = {
            "median": self._median,
            "hazard_ratio": self._hr,
            "delay": self._delay,
            "follow_up": self._follow_up,
            "n": self._n,
        }
        self._controls_pre = controls
        super().__init__(
            beside(left, widgets.VBox([self._chart, self._readout]), controls_width=_CONTROLS_WIDTH),
            controls=controls,
            views={"chart": self._chart, "readout": self._readout},
            message=self._message,
        )
        self.preset_buttons = [
            self.preset_button(
                "Q1: HR 0.6, no delay",
                tooltip="Question 1: control median 8 months, HR 0.6 from month 0",
                median=8.0,
                hazard_ratio=0.6,
                delay=0.0,
                follow_up=24,
            ),
            self.preset_button(
                "Q2: effect from 6 months",
                tooltip="Question 2: control median 4 months, HR 0.6 starting at 6 months",
                median=4.0,
                hazard_ratio=0.6,
                delay=6.0,
                follow_up=24,
            ),
            self.preset_button(
                "Q3: HR 1.0",
                tooltip="Question 3: no effect (HR 1.0)",
                hazard_ratio=1.0,
                delay=0.0,
            ),
        ]
        self.add_presets(*self.preset_buttons)
        self.on_change(list(controls), self._redraw)
        self._update()

    def _redraw(self) -> None:
        control = sv.survival_model(self._median.value, model="exponential", label="control")
        experimental = control.with_hazard_ratio(
            self._hr.value, after=self._delay.value, label="experimental"
        )
        kwargs = {"n": self._n.value, "accrual": 12, "follow_up": self._follow_up.value}
        data = sv.concat_arms(
            [
                sv.simulate_arm(control, arm=self.CONTROL, seed=1, **kwargs),
                sv.simulate_arm(experimental, arm=self.EXPERIMENTAL, seed=2, **kwargs),
            ]
        )
        comparison = sv.compare_arms(data, reference=self.CONTROL)
        self._chart.chart = charts.km_panel(
            sv.km_table(data),
            at_risk=sv.at_risk_table(data),
            # HR and log-rank in the corner; the RMST line (long) is in the table under the chart,
            # where it does not run over the curves
            annotation=list(comparison.annotation),
            title="Same hazard ratio, different stories?",
            width=_KM_WIDTH,
        )
        tau = comparison.rmst.tau
        import pandas as pd

        from hcckit import tables

        model_rows = pd.DataFrame(
            {
                "summary": [
                    "Model medians (control, experimental)",
                    "Model median difference",
                    "Model RMST difference",
                ],
                "value": [
                    f"{control.median:.1f}, {experimental.median:.1f} months",
                    f"{experimental.median - control.median:+.1f} months",
                    f"{experimental.rmst(tau) - control.rmst(tau):+.1f} months (to {tau:.0f} months)",
                ],
            }
        )
        model_html = tables.show(
            model_rows,
            columns={"summary": "Summary", "value": "Value"},
            formats={"summary": "text", "value": "text"},
            caption="The generating curves (model, not data)",
        ).html
        self._readout.value = _bigger_text(comparison._repr_html_()) + model_html
        self._value = {
            "control_median": self._median.value,
            "hazard_ratio": self._hr.value,
            "delay": self._delay.value,
            "comparison": comparison,
            "data": data,
        }


class CrossTrialPanel(_SurvivalPanel):
    """Arms from different trials drawn together, with the populations that make them incomparable.

    Controls: ``endpoint`` (primary) and ``arms`` ((trial id, arm id) pairs). Preset: the
    lesson's question 2 (the TACE control arms of EMERALD-1 and Yan 2025). Views: ``chart``,
    ``banner`` ("Not a comparison"), ``table`` (the arms' populations). :attr:`value`:
    ``endpoint``, ``arms`` and ``data``.
    """

    def __init__(self, *, endpoint: str = "PFS", arms: list[tuple[str, str]] | None = None):
        self._endpoint = primary(
            widgets.ToggleButtons(
                options=[("PFS", "PFS"), ("OS", "OS")],
                value=endpoint,
                description="Endpoint",
                style={"button_width": "72px"},
                layout={"flex": "0 0 auto"},
            )
        )
        self._arms = widgets.SelectMultiple(options=[], rows=6, layout=_FULL)
        self._message = message_box()
        # under the chart, just above the table of populations it explains: above the chart it
        # pushed the chart's bottom off a 1280x800 projector screen
        self._banner = widgets.HTML(
            "<div style='border-left:4px solid #B00020;padding:4px 8px;margin-top:4px;color:#B00020;"
            "font-size:15px'>"
            "<b>Not a comparison.</b> "
            "These curves come from different trials: different patients (stage, liver function, prior "
            "treatment), endpoint definitions, assessment schedules and follow-up. Only randomisation "
            "within one trial makes two arms comparable.</div>"
        )
        self._table = widgets.HTML()
        self._value: dict = {}
        self._quiet = False
        self._chart = chart_view(empty_chart("Loading..."))
        self._set_options(arms)
        arms_field = _field("Arms (Ctrl/Cmd-click to choose several)", self._arms)
        # one row: the endpoint toggle, then the arm list taking the rest of the width (wide
        # enough for the longest "trial: arm" option; wraps below the toggle only when narrow)
        arms_field.layout.flex = "1 1 0%"
        arms_field.layout.min_width = "640px"
        # stretched by the column instead of width 100 % plus its 2 px margins (which cut its right border)
        self._arms.layout.width = "auto"
        super().__init__(
            [
                above([self._endpoint, arms_field], self._chart),
                self._banner,
                self._table,
            ],
            controls={"endpoint": self._endpoint, "arms": self._arms},
            views={"chart": self._chart, "table": self._table, "banner": self._banner},
            message=self._message,
        )
        self._first_arms = tuple(self._arms.value)
        buttons = []
        q2 = self._tace_controls()
        if q2:
            button = widgets.Button(
                description="Q2: two TACE control arms",
                tooltip="Question 2: the TACE control arms of EMERALD-1 and Yan 2025 (PFS)",
            )
            button.add_class("hcckit-preset")
            button.on_click(lambda _b: self.load_question_2())
            buttons.append(button)
        self.preset_buttons = buttons
        self.add_presets(*buttons)
        self._endpoint.observe(self._on_endpoint, names="value")
        self._arms.observe(self._on_change, names="value")
        self._update()

    def _tace_controls(self) -> tuple[tuple[str, str], ...]:
        wanted = (("emerald1", "tace"), (_YAN, "tace"))
        cat = sv.arm_catalogue("PFS")
        keys = {(r.trial_id, r.arm_id) for r in cat.itertuples()}
        return tuple(k for k in wanted if k in keys)

    def load_question_2(self) -> None:
        """PFS with the TACE control arms of EMERALD-1 and Yan 2025 (the lesson's question 2)."""

        def load():
            self._quiet = True
            try:
                self._endpoint.value = "PFS"
                self._set_options(list(self._tace_controls()))
            finally:
                self._quiet = False
            self._update()

        self.run(load)

    def reset(self) -> None:
        """Back to the first endpoint and the first arms, then one redraw."""

        def load():
            self._quiet = True
            try:
                self._endpoint.value = self._initial["endpoint"]
                self._set_options(list(self._first_arms))
            finally:
                self._quiet = False
            self._update()

        self.run(load)

    def _set_options(self, arms: list[tuple[str, str]] | None = None) -> None:
        cat = sv.arm_catalogue(self._endpoint.value)
        self._catalogue = cat
        options = [(row.option, (row.trial_id, row.arm_id)) for row in cat.itertuples()]
        keys = [v for _, v in options]
        single = cat[cat["design"] == "single_arm"]
        default = [(r.trial_id, r.arm_id) for r in single.itertuples()][:3]
        chosen = tuple(a for a in (arms or default) if a in keys) or tuple(a for a in default if a in keys)
        quiet, self._quiet = self._quiet, True
        try:
            self._arms.options = options
            self._arms.value = chosen
        finally:
            self._quiet = quiet

    def _on_endpoint(self, change) -> None:
        if self._quiet:
            return
        keep = list(self._arms.value)
        self.run(self._set_options, keep)
        self._update()

    def _on_change(self, change) -> None:
        if not self._quiet:
            self._update()

    def _redraw(self) -> None:
        import pandas as pd

        from hcckit import tables

        chosen = list(self._arms.value)
        endpoint = self._endpoint.value
        if not chosen:
            show_message(
                self._message, "Choose at least one arm (Ctrl/Cmd-click to choose several).", kind="info"
            )
            return
        data = sv.synthesize_across_trials(chosen, endpoint=endpoint)
        self._chart.chart = charts.km_chart(
            sv.km_table(data),
            title=f"{_ENDPOINT_TITLES[endpoint]}: arms from different trials",
            y_title=_ENDPOINT_TITLES[endpoint],
            width=_KM_WIDTH,
            height=_CROSS_TRIAL_HEIGHT,
        )
        cat = self._catalogue.set_index(["trial_id", "arm_id"])
        rows = pd.DataFrame(
            [
                {
                    "trial": cat.loc[key, "trial"],
                    "arm": cat.loc[key, "label"],
                    "design": cat.loc[key, "design"],
                    "population": cat.loc[key, "population"],
                    "modality": cat.loc[key, "modality"],
                    "n": cat.loc[key, "n"],
                    "median": cat.loc[key, "median"],
                }
                for key in chosen
            ]
        )
        self._table.value = tables.show(
            rows,
            columns={
                "trial": "Trial",
                "arm": "Arm",
                "design": "Design",
                "population": "Population",
                "modality": "Modality",
                "n": "Patients (n)",
                "median": f"Median {endpoint} (months)",
            },
            formats={"trial": "text", "arm": "text", "median": 1},
        ).html
        self._value = {"endpoint": endpoint, "arms": tuple(chosen), "data": data}


def survival_panel(option: str | None = None) -> SurvivalPanel:
    """The lesson's main panel (see :class:`SurvivalPanel`)."""
    return SurvivalPanel(option)
