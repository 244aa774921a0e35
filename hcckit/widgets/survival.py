"""Lesson 03 panels: survival comparisons on synthetic pseudo-patients.

Each panel only composes :mod:`hcckit.survival` (numbers) and :mod:`hcckit.charts.survival`
(drawings). Charts live in offline ``JupyterChart`` views redrawn in place; every callback is
wrapped by :func:`hcckit.widgets._common.safe`, so bad settings become a message, not a traceback.

- :class:`SurvivalPanel`: pick a curated trial and endpoint; change model, censoring, accrual,
  follow-up and draw; watch the KM curves, HR, medians and RMST move, and the published numbers
  beside the reconstructed ones.
- :class:`MedianHRRMSTPanel`: one control curve, a hazard ratio and a delayed effect: why medians,
  hazard ratios and RMST can tell different stories.
- :class:`CrossTrialPanel`: arms from different trials on one chart, and why that is not a comparison.
"""

from __future__ import annotations

import html
import warnings

import ipywidgets as widgets

from hcckit import survival as sv
from hcckit.charts import survival as charts
from hcckit.charts._common import empty_chart
from hcckit.widgets._common import chart_view, message_box, primary, safe, show_message

__all__ = ["SurvivalPanel", "MedianHRRMSTPanel", "CrossTrialPanel", "survival_panel"]

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
_LAYOUT = {"style": {"description_width": "150px"}, "layout": {"width": "420px"}}
_SLIDER = {"continuous_update": False, **_LAYOUT}


def _html_list(title: str, items: list[str]) -> str:
    if not items:
        return ""
    lis = "".join(f"<li>{html.escape(i)}</li>" for i in items)
    return f"<div style='font-size:12px;color:#7A4B00'><b>{html.escape(title)}</b><ul>{lis}</ul></div>"


def _comparison_table_html(comparison) -> str:
    rows = "".join(
        "<tr>"
        f"<td style='padding:2px 8px'>{html.escape(str(r['arm']))}</td>"
        f"<td style='padding:2px 8px'>{html.escape(str(r['statistic']))}</td>"
        f"<td style='padding:2px 8px'>{r['published']:.1f}</td>"
        f"<td style='padding:2px 8px'>{r['reconstructed']:.1f}</td>"
        f"<td style='padding:2px 8px'>{html.escape(str(r['unit']))}</td>"
        "</tr>"
        for _, r in comparison.iterrows()
    )
    head = "".join(
        f"<th style='text-align:left;padding:2px 8px'>{h}</th>"
        for h in ("arm", "statistic", "published", "pseudo-patients", "unit")
    )
    return (
        "<div><b>Published vs pseudo-patients</b>"
        f"<table style='border-collapse:collapse;font-size:13px'><tr>{head}</tr>{rows}</table></div>"
    )


class SurvivalPanel(widgets.VBox):
    """Pick a curated trial and endpoint, change the assumptions, and watch HR, medians and RMST move.

    Parameters
    ----------
    option : str, optional
        Initial trial/endpoint, as in :func:`hcckit.survival.survival_catalogue` ``option``
        (default: the TACE +/- bevacizumab RCT, PFS, when present).

    Attributes
    ----------
    chart : altair.JupyterChart
        The KMunicate-style figure (``chart.chart`` is the current altair chart).
    published_chart : altair.JupyterChart
        Published points beside the pseudo-patients' curves.
    """

    def __init__(self, option: str | None = None):
        super().__init__()
        catalogue = sv.survival_catalogue()
        catalogue = catalogue[catalogue["ready"]].reset_index(drop=True)
        self._catalogue = catalogue
        options = [(row.option, i) for i, row in catalogue.iterrows()]
        default = 0
        for i, row in catalogue.iterrows():
            if option is not None and row.option == option:
                default = i
                break
            if option is None and row.trial_id == "yan2025_tace_bev":
                default = i
                break
        self._trial = primary(
            widgets.Dropdown(
                options=options,
                value=default,
                description="Trial, endpoint",
                **{**_LAYOUT, "layout": {"width": "620px"}},
            )
        )
        self._model = widgets.Dropdown(
            options=_MODEL_OPTIONS, value="piecewise", description="Survival model", **_LAYOUT
        )
        self._comparator = widgets.ToggleButtons(
            options=[("own summaries", "summaries"), ("control x published HR", "hazard_ratio")],
            value="summaries",
            description="Other arms from",
            style={"description_width": "150px", "button_width": "190px"},
        )
        self._censoring = widgets.Dropdown(
            options=[
                ("published numbers at risk (when printed)", "auto"),
                ("accrual + follow-up", "design"),
                ("none", "none"),
            ],
            value="auto",
            description="Censoring",
            **_LAYOUT,
        )
        self._accrual = widgets.IntSlider(
            value=24, min=0, max=48, step=1, description="Accrual (months)", **_SLIDER
        )
        self._follow_up = widgets.IntSlider(
            value=12, min=0, max=60, step=1, description="Follow-up after accrual (months)", **_SLIDER
        )
        self._method = widgets.ToggleButtons(
            options=_METHOD_OPTIONS,
            value="quantile",
            description="Draw",
            style={"description_width": "150px"},
        )
        self._seed = widgets.IntSlider(value=0, min=0, max=50, description="Seed (random draw)", **_SLIDER)
        self._message = message_box()
        self._readout = widgets.HTML()
        self._published_table = widgets.HTML()
        self._value: dict = {}
        self.chart = chart_view(empty_chart("Loading..."))
        self.published_chart = chart_view(empty_chart("Loading..."))
        controls = widgets.VBox(
            [
                self._trial,
                widgets.HBox(
                    [
                        widgets.VBox([self._model, self._censoring, self._accrual, self._follow_up]),
                        widgets.VBox([self._comparator, self._method, self._seed]),
                    ]
                ),
            ]
        )
        self.children = [
            controls,
            self._message,
            self.chart,
            self._readout,
            self.published_chart,
            self._published_table,
        ]
        for w in (
            self._trial,
            self._model,
            self._comparator,
            self._censoring,
            self._accrual,
            self._follow_up,
            self._method,
            self._seed,
        ):
            w.observe(self._on_change, names="value")
        self._update()

    @property
    def value(self) -> dict:
        """Current settings and results (read-only): trial, endpoint, data, comparisons, notes."""
        return dict(self._value)

    def _on_change(self, change) -> None:
        self._update()

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

    def _update(self) -> None:
        show_message(self._message, "")
        safe(self._message)(self._redraw)()

    def _redraw(self) -> None:
        s = self._settings()
        self._comparator.disabled = not s["has_hr"]
        self._seed.disabled = s["method"] == "quantile"
        design = s["censoring"] in ("design",) or (s["censoring"] == "auto" and not s["has_at_risk"])
        self._accrual.disabled = self._follow_up.disabled = not design
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = sv.synthesize_published(
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
        arms = sv.published_arms(s["trial_id"], endpoint=s["endpoint"])
        published = sv.published_points([a for a in arms if a.arm_id in set(data["arm"].astype(str))])
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
        self.chart.chart = charts.km_panel(
            km,
            at_risk=risk,
            annotation=annotation or None,
            y_title=y_title,
            title=f"{s['name']} - {s['endpoint']}",
        )
        self.published_chart.chart = charts.published_vs_reconstructed_chart(
            km, published=published, y_title=y_title
        )
        parts = []
        if comparisons:
            parts += [c._repr_html_() for c in comparisons]
        else:
            med = sv.median_survival(data, arm=control)
            parts.append(med._repr_html_())
        for other in levels[1:]:
            eff = sv.published_effect(s["trial_id"], endpoint=s["endpoint"], arm=other)
            if eff is not None:
                parts.append(f"<div><b>Published:</b> {html.escape(str(eff))}</div>")
                ctrl = next((a for a in arms if a.arm_id == eff.reference), None)
                exp = next((a for a in arms if a.arm_id == eff.arm), None)
                if ctrl and exp and ctrl.median and exp.median:
                    ci = (eff.ci_lower, eff.ci_upper) if eff.ci_lower and eff.ci_upper else None
                    try:
                        check = sv.hr_consistency(
                            ctrl.median, experimental_median=exp.median, hazard_ratio=eff.hazard_ratio, ci=ci
                        )
                        text = check.message
                    except ValueError as exc:  # a source discrepancy (e.g. an HR outside its own CI)
                        text = f"Published numbers do not add up: {exc}"
                    parts.append(f"<div style='font-size:13px'>{html.escape(text)}</div>")
        parts.append(_html_list("Notes", list(data.attrs.get("notes", []))))
        self._readout.value = "".join(parts)
        comparison_numbers = sv.compare_published(data, published=published) if len(published) else None
        self._published_table.value = (
            _comparison_table_html(comparison_numbers) if comparison_numbers is not None else ""
        )
        self._value = {
            **s,
            "data": data,
            "comparisons": tuple(comparisons),
            "published": published,
            "published_vs_reconstructed": comparison_numbers,
            "notes": list(data.attrs.get("notes", [])),
        }


class MedianHRRMSTPanel(widgets.VBox):
    """A control curve, a hazard ratio and a delayed effect: medians, HR and RMST side by side.

    The experimental arm's hazard is the control's times ``hazard ratio`` from ``delay`` months
    on (no effect before). Pseudo-patients are exact quantile draws, censored by accrual (12
    months) and the chosen follow-up.
    """

    def __init__(self, *, control_median: float = 8.0, hazard_ratio: float = 0.6, n: int = 200):
        super().__init__()
        self._median = widgets.FloatSlider(
            value=control_median, min=2, max=30, step=0.5, description="Control median (months)", **_SLIDER
        )
        self._hr = primary(
            widgets.FloatSlider(
                value=hazard_ratio, min=0.2, max=1.5, step=0.05, description="Hazard ratio", **_SLIDER
            )
        )
        self._delay = widgets.FloatSlider(
            value=0, min=0, max=12, step=0.5, description="Effect starts at (months)", **_SLIDER
        )
        self._follow_up = widgets.IntSlider(
            value=24, min=3, max=60, description="Follow-up after accrual (months)", **_SLIDER
        )
        self._n = widgets.IntSlider(
            value=n, min=20, max=1000, step=10, description="Patients per arm", **_SLIDER
        )
        self._message = message_box()
        self._readout = widgets.HTML()
        self._value: dict = {}
        self.chart = chart_view(empty_chart("Loading..."))
        self.children = [
            widgets.HBox(
                [
                    widgets.VBox([self._median, self._hr, self._delay]),
                    widgets.VBox([self._follow_up, self._n]),
                ]
            ),
            self._message,
            self.chart,
            self._readout,
        ]
        for w in (self._median, self._hr, self._delay, self._follow_up, self._n):
            w.observe(self._on_change, names="value")
        self._update()

    @property
    def value(self) -> dict:
        """Current settings and the comparison (read-only)."""
        return dict(self._value)

    def _on_change(self, change) -> None:
        self._update()

    def _update(self) -> None:
        show_message(self._message, "")
        safe(self._message)(self._redraw)()

    def _redraw(self) -> None:
        control = sv.survival_model(self._median.value, model="exponential", label="control")
        experimental = control.with_hazard_ratio(
            self._hr.value, after=self._delay.value, label="experimental"
        )
        kwargs = {"n": self._n.value, "accrual": 12, "follow_up": self._follow_up.value}
        data = sv.concat_arms(
            [
                sv.simulate_arm(control, arm="control", seed=1, **kwargs),
                sv.simulate_arm(experimental, arm="experimental", seed=2, **kwargs),
            ]
        )
        comparison = sv.compare_arms(data, reference="control")
        self.chart.chart = charts.km_panel(
            sv.km_table(data),
            at_risk=sv.at_risk_table(data),
            annotation=[*comparison.annotation, comparison.rmst.text],
            title="Same hazard ratio, different stories?",
        )
        tau = comparison.rmst.tau
        rows = [
            (
                "Model medians (control, experimental)",
                f"{control.median:.1f}, {experimental.median:.1f} months",
            ),
            ("Model median difference", f"{experimental.median - control.median:+.1f} months"),
            (
                "Model RMST difference",
                f"{experimental.rmst(tau) - control.rmst(tau):+.1f} months (to {tau:.0f} months)",
            ),
        ]
        model_html = "".join(
            f"<tr><th style='text-align:left;padding:2px 8px'>{html.escape(k)}</th><td style='padding:2px 8px'>{html.escape(v)}</td></tr>"
            for k, v in rows
        )
        self._readout.value = (
            comparison._repr_html_()
            + f"<div><b>The generating curves</b><table style='border-collapse:collapse;font-size:13px'>{model_html}</table></div>"
        )
        self._value = {
            "control_median": self._median.value,
            "hazard_ratio": self._hr.value,
            "delay": self._delay.value,
            "comparison": comparison,
            "data": data,
        }


class CrossTrialPanel(widgets.VBox):
    """Arms from different trials drawn together, with the populations that make them incomparable."""

    def __init__(self, *, endpoint: str = "PFS", arms: list[tuple[str, str]] | None = None):
        super().__init__()
        self._endpoint = primary(
            widgets.ToggleButtons(
                options=[("PFS", "PFS"), ("OS", "OS")], value=endpoint, description="Endpoint"
            )
        )
        self._arms = widgets.SelectMultiple(options=[], rows=8, description="Arms", layout={"width": "720px"})
        self._message = message_box()
        self._banner = widgets.HTML(
            "<div style='border-left:4px solid #B00020;padding:4px 8px;color:#B00020'><b>Not a comparison.</b> "
            "These curves come from different trials: different patients (stage, liver function, prior "
            "treatment), endpoint definitions, assessment schedules and follow-up. Only randomisation "
            "within one trial makes two arms comparable.</div>"
        )
        self._table = widgets.HTML()
        self._value: dict = {}
        self._quiet = False
        self.chart = chart_view(empty_chart("Loading..."))
        self.children = [self._endpoint, self._arms, self._message, self._banner, self.chart, self._table]
        self._set_options(arms)
        self._endpoint.observe(self._on_endpoint, names="value")
        self._arms.observe(self._on_change, names="value")
        self._update()

    @property
    def value(self) -> dict:
        """Selected arms and the synthetic data (read-only)."""
        return dict(self._value)

    def _set_options(self, arms: list[tuple[str, str]] | None = None) -> None:
        cat = sv.arm_catalogue(self._endpoint.value)
        self._catalogue = cat
        options = [(row.option, (row.trial_id, row.arm_id)) for row in cat.itertuples()]
        keys = [v for _, v in options]
        single = cat[cat["design"] == "single_arm"]
        default = [(r.trial_id, r.arm_id) for r in single.itertuples()][:3]
        chosen = tuple(a for a in (arms or default) if a in keys) or tuple(a for a in default if a in keys)
        self._quiet = True
        try:
            self._arms.options = options
            self._arms.value = chosen
        finally:
            self._quiet = False

    def _on_endpoint(self, change) -> None:
        keep = list(self._arms.value)
        safe(self._message)(self._set_options)(keep)
        self._update()

    def _on_change(self, change) -> None:
        if not self._quiet:
            self._update()

    def _update(self) -> None:
        show_message(self._message, "")
        safe(self._message)(self._redraw)()

    def _redraw(self) -> None:
        chosen = list(self._arms.value)
        endpoint = self._endpoint.value
        if not chosen:
            show_message(
                self._message, "Choose at least one arm (Ctrl/Cmd-click to choose several).", kind="info"
            )
            return
        data = sv.synthesize_across_trials(chosen, endpoint=endpoint)
        self.chart.chart = charts.km_chart(
            sv.km_table(data),
            title=f"{_ENDPOINT_TITLES[endpoint]}: arms from different trials",
            y_title=_ENDPOINT_TITLES[endpoint],
        )
        cat = self._catalogue.set_index(["trial_id", "arm_id"])
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td style='padding:2px 8px'>{html.escape(str(x))}</td>"
                for x in (
                    cat.loc[key, "trial"],
                    cat.loc[key, "label"],
                    cat.loc[key, "design"],
                    cat.loc[key, "population"],
                    cat.loc[key, "modality"],
                    cat.loc[key, "n"],
                    f"{cat.loc[key, 'median']:.1f}"
                    if cat.loc[key, "median"] == cat.loc[key, "median"]
                    else "-",
                )
            )
            + "</tr>"
            for key in chosen
        )
        head = "".join(
            f"<th style='text-align:left;padding:2px 8px'>{h}</th>"
            for h in ("trial", "arm", "design", "population", "modality", "n", f"median {endpoint} (months)")
        )
        self._table.value = (
            f"<table style='border-collapse:collapse;font-size:12px'><tr>{head}</tr>{rows}</table>"
        )
        self._value = {"endpoint": endpoint, "arms": tuple(chosen), "data": data}


def survival_panel(option: str | None = None) -> SurvivalPanel:
    """The lesson's main panel (see :class:`SurvivalPanel`)."""
    return SurvivalPanel(option)
