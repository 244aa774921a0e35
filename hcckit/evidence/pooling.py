"""Random-effects pooling of a chosen subgroup of hazard ratios (meta-analysis), from statsmodels.

:func:`pool_hazard_ratios` pools rows of :func:`hcckit.evidence.forest_table` with
``statsmodels.stats.meta_analysis.combine_effects`` (DerSimonian-Laird or Paule-Mandel), each
study's SE derived from its printed CI at its own level, and reports the Hartung-Knapp CI, the
prediction interval and - from :func:`hcckit.evidence.check_comparability` and the method itself -
every reason not to quote the result (:class:`PooledEstimate`). :data:`DEFAULT_POOL` is the
lesson's opening subgroup.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hcckit.evidence._common import _check_level, _pct_label, _require
from hcckit.evidence.comparability import Comparability, check_comparability

__all__ = ["DEFAULT_POOL", "PooledEstimate", "pool_hazard_ratios"]

#: The pooling panel's opening subgroup: randomised PFS comparisons of TACE plus systemic therapy
#: against TACE. Deliberately not clean (EMERALD-1 enters twice, stages differ): the lesson asks
#: the class to find out why and to narrow it.
DEFAULT_POOL = {"endpoint": "PFS", "question": "TACE + systemic therapy vs TACE", "design": "rct"}
_METHODS = {"dl": ("dl", "DerSimonian-Laird"), "pm": ("pm", "Paule-Mandel")}


@dataclass(frozen=True)
class PooledEstimate:
    """A random-effects pooled hazard ratio with its heterogeneity, from statsmodels.

    Attributes
    ----------
    method : str
        ``"DerSimonian-Laird"`` or ``"Paule-Mandel"`` (estimator of tau²).
    k : int
        Comparisons pooled (those with a printed CI).
    hr, ci_low, ci_high : float
        Pooled HR and its confidence interval (normal approximation on the log scale).
    level : float
        Confidence level of the pooled CI.
    log_hr, se_log_hr : float
        Pooled log HR and its standard error.
    tau2 : float
        Between-study variance of the log HR (0 when the estimator gives <= 0).
    tau2_truncated : bool
        ``True`` when DerSimonian-Laird's moment estimate was negative and was set to 0 (the
        pooled estimate then equals the fixed-effect one).
    i2 : float
        I² in % (0-100): share of the variability beyond chance, ``max(0, (Q - df) / Q)``.
    q, q_df, q_p : float, int, float
        Cochran's Q, its degrees of freedom (k - 1) and chi-square p-value.
    fixed_hr, fixed_ci_low, fixed_ci_high : float
        Fixed-effect (inverse-variance) HR and CI, for comparison.
    hk_ci_low, hk_ci_high : float
        Hartung-Knapp-Sidik-Jonkman CI of the pooled HR (t distribution with k - 1 df and the
        weighted residual scale; statsmodels' ``conf_int(use_t=True)``). With few studies it is
        the honest interval (IntHout et al., BMC Med Res Methodol 2014;14:25).
    prediction_interval : tuple of float or None
        Approximate prediction interval for the HR of a new study like these:
        ``exp(mu ± t(k-2) * sqrt(tau² + SE²))`` (Higgins, Thompson & Spiegelhalter, JRSS A 2009;
        Cochrane Handbook v6, 10.10.4). ``None`` when k < 3 (t has no degrees of freedom).
    prediction_note : str
        How to read the prediction interval, or why there is none.
    method_problems : tuple of str
        Problems of the pooling method itself (two studies by DerSimonian-Laird with a normal CI
        is anti-conservative: IntHout et al. 2014; Cochrane Handbook v6, 10.10.4).
    library : str
        The function that did the arithmetic.
    studies : pandas.DataFrame
        The pooled rows of the forest table plus ``weight_pct`` (random-effects weight, %).
    excluded : tuple of str
        Rows left out (no CI printed), with the reason.
    comparability : Comparability
        Problems and cautions of the chosen set (see :func:`check_comparability`).
    """

    method: str
    k: int
    hr: float
    ci_low: float
    ci_high: float
    level: float
    log_hr: float
    se_log_hr: float
    tau2: float
    tau2_truncated: bool
    i2: float
    q: float
    q_df: int
    q_p: float
    fixed_hr: float
    fixed_ci_low: float
    fixed_ci_high: float
    comparability: Comparability
    excluded: tuple[str, ...] = ()
    hk_ci_low: float = math.nan
    hk_ci_high: float = math.nan
    prediction_interval: tuple[float, float] | None = None
    prediction_note: str = ""
    method_problems: tuple[str, ...] = ()
    library: str = "statsmodels.stats.meta_analysis.combine_effects"
    studies: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, repr=False)

    @property
    def comparable(self) -> bool:
        """Shortcut for ``comparability.comparable`` (the studies, not the method)."""
        return self.comparability.comparable

    @property
    def problems(self) -> tuple[str, ...]:
        """Every reason not to quote the pooled HR: the studies' and the method's."""
        return (*self.comparability.problems, *self.method_problems)

    @property
    def quotable(self) -> bool:
        """``True`` when neither the studies nor the method raise a problem."""
        return not self.problems

    def summary_line(self) -> str:
        """One line: pooled HR, CI, I², tau², k."""
        return (
            f"Pooled HR {self.hr:.2f} ({_pct_label(self.level)} CI {self.ci_low:.2f}-{self.ci_high:.2f}), "
            f"random effects ({self.method}), k = {self.k}; I² = {self.i2:.0f} %, tau² = {self.tau2:.3f}, "
            f"Q = {self.q:.2f} (df {self.q_df}, P = {self.q_p:.2g})"
        )

    def __str__(self) -> str:
        return "\n".join([self.summary_line(), *[f"- {p}" for p in self.problems], *self.excluded])

    def _repr_html_(self) -> str:
        esc = html.escape
        head = esc(self.summary_line())
        truncated = (
            " DerSimonian-Laird's tau² estimate was negative and is reported as 0 (the pooled HR equals the "
            "fixed-effect one)."
            if self.tau2_truncated
            else ""
        )
        if self.quotable:
            verdict = "<p class='hcckit-comparable' style='color:#1B5E20'><b>These comparisons look comparable.</b></p>"
        elif self.comparable:
            verdict = (
                "<p class='hcckit-not-quotable' style='color:#B00020'><b>Do not quote this pooled number</b> - "
                "the studies may be comparable, but the method is not adequate:</p>"
            )
        else:
            verdict = (
                "<p class='hcckit-not-comparable' style='color:#B00020'><b>NOT comparable</b> - "
                "do not quote this pooled number as an answer:</p>"
            )
        problems = "".join(f"<li style='color:#B00020'>{esc(p)}</li>" for p in self.problems)
        cautions = "".join(f"<li style='color:#7A4B00'>{esc(c)}</li>" for c in self.comparability.cautions)
        excluded = "".join(f"<li>{esc(e)}</li>" for e in self.excluded)
        return (
            "<div class='hcckit-pooled'>"
            f"<p><b>{head}</b></p>"
            f"<p>Hartung-Knapp CI: {self.hk_ci_low:.2f}-{self.hk_ci_high:.2f}. "
            f"Fixed effect for comparison: HR {self.fixed_hr:.2f} ({self.fixed_ci_low:.2f}-"
            f"{self.fixed_ci_high:.2f}).{esc(truncated)} {esc(self.prediction_note)} "
            f"Computed by <code>{esc(self.library)}</code> on log HR, each SE derived from the printed "
            "CI at its own level.</p>"
            f"{verdict}"
            + (f"<ul>{problems}</ul>" if problems else "")
            + (f"<p>Cautions:</p><ul>{cautions}</ul>" if cautions else "")
            + (f"<p>Left out:</p><ul>{excluded}</ul>" if excluded else "")
            + "</div>"
        )


def pool_hazard_ratios(forest: pd.DataFrame, *, method: str = "DL", level: float = 0.95) -> PooledEstimate:
    """Random-effects pooled hazard ratio of the rows of a :func:`forest_table`.

    Parameters
    ----------
    forest : pandas.DataFrame
        Rows of :func:`forest_table` (the subgroup the user chose). Rows without a printed CI
        are left out and listed in ``excluded``.
    method : {"DL", "PM"}, default "DL"
        Estimator of the between-study variance tau²: DerSimonian-Laird (one-step moments) or
        Paule-Mandel (iterated).
    level : float, default 0.95
        Confidence level of the pooled CI.

    Returns
    -------
    PooledEstimate

    Raises
    ------
    ValueError
        when fewer than two rows have a CI, or for a bad ``method``/``level``.

    Notes
    -----
    The arithmetic is ``statsmodels.stats.meta_analysis.combine_effects(log_hr, se**2,
    method_re=...)``; each study's SE comes from its printed CI at its own level
    (:func:`se_from_ci`). statsmodels 0.15 does not truncate DerSimonian-Laird's tau² at zero
    (nor I²), so a negative moment estimate is reported as 0 and the pooled estimate is then
    the fixed-effect one, as DerSimonian & Laird (1986) define it. The pooled CI (``ci_low``,
    ``ci_high``) uses the normal distribution; the Hartung-Knapp-Sidik-Jonkman CI
    (``hk_ci_low``, ``hk_ci_high``) and, for k >= 3, the prediction interval are reported beside
    it. Two studies pooled by DerSimonian-Laird with a normal CI is a ``method_problems`` entry
    (IntHout et al. 2014; Cochrane Handbook v6, 10.10.4): tau² from two studies is almost
    unknown, and the normal CI ignores that.
    """
    from statsmodels.stats.meta_analysis import combine_effects

    _require(forest, ["label", "study", "endpoint", "hr", "log_hr", "se_log_hr", "has_ci"], "forest")
    key = str(method).lower().replace("-", "").replace(" ", "")
    key = {"dersimonianlaird": "dl", "paulemandel": "pm"}.get(key, key)
    # key is "dl" or "pm" from here on
    if key not in _METHODS:
        raise ValueError(f"method: must be 'DL' (DerSimonian-Laird) or 'PM' (Paule-Mandel), got {method!r}")
    level = _check_level(level)
    method_re, method_name = _METHODS[key]
    with_ci = forest[forest["has_ci"].astype(bool) & forest["se_log_hr"].gt(0)]
    excluded = tuple(
        f"{r['label']} ({r['endpoint']}): no confidence interval printed, so no standard error - left out."
        for _, r in forest[~forest.index.isin(with_ci.index)].iterrows()
    )
    if len(with_ci) < 2:
        raise ValueError(
            f"pooling needs at least two comparisons with a confidence interval; this selection has "
            f"{len(with_ci)}" + (f" ({len(excluded)} without a CI)" if excluded else "")
        )
    eff = with_ci["log_hr"].to_numpy(dtype=float)
    var = with_ci["se_log_hr"].to_numpy(dtype=float) ** 2
    # a negative DL tau² makes statsmodels take square roots of negative variances (NaN, then unused)
    with np.errstate(invalid="ignore"):
        res = combine_effects(
            eff, var, method_re=method_re, row_names=list(with_ci["label"]), alpha=1 - level
        )
        ci_fe, ci_re = res.conf_int(alpha=1 - level, use_t=False)[:2]
        _, _, hk_fe, hk_re = res.conf_int(alpha=1 - level, use_t=True)
    tau2 = float(res.tau2)
    truncated = tau2 < 0
    if truncated:  # DL moment estimate below zero: tau² = 0, random effects = fixed effect
        tau2 = 0.0
        mean, se, ci, weights = res.mean_effect_fe, res.sd_eff_w_fe, ci_fe, res.weights_rel_fe
        hk = hk_fe
    else:
        mean, se, ci, weights = res.mean_effect_re, res.sd_eff_w_re, ci_re, res.weights_rel_re
        hk = hk_re
    k = len(with_ci)
    prediction, prediction_note = _prediction_interval(float(mean), float(se), tau2, k, level)
    method_problems = []
    if k == 2:
        method_problems.append(
            f"Only 2 studies pooled by {method_name} with a normal CI: tau² from two studies is almost "
            f"unknown and this CI ignores that, so it is too narrow (IntHout et al. 2014; Cochrane Handbook "
            f"v6, 10.10.4). The Hartung-Knapp {_pct_label(level)} CI is {math.exp(hk[0]):.2f} to "
            f"{math.exp(hk[1]):.2f}: that width is how little two studies can settle."
        )
    homogeneity = res.test_homogeneity()
    q = float(res.q)
    i2 = max(0.0, float(res.i2)) * 100 if q > 0 else 0.0
    studies = with_ci.assign(weight_pct=100 * np.asarray(weights, dtype=float)).reset_index(drop=True)
    return PooledEstimate(
        method=method_name,
        k=len(with_ci),
        hr=math.exp(mean),
        ci_low=math.exp(ci[0]),
        ci_high=math.exp(ci[1]),
        level=level,
        log_hr=float(mean),
        se_log_hr=float(se),
        tau2=tau2,
        tau2_truncated=truncated,
        i2=i2,
        q=q,
        q_df=int(res.k - 1),
        q_p=float(homogeneity.pvalue),
        fixed_hr=math.exp(res.mean_effect_fe),
        fixed_ci_low=math.exp(ci_fe[0]),
        fixed_ci_high=math.exp(ci_fe[1]),
        comparability=check_comparability(with_ci),
        excluded=excluded,
        hk_ci_low=math.exp(hk[0]),
        hk_ci_high=math.exp(hk[1]),
        prediction_interval=prediction,
        prediction_note=prediction_note,
        method_problems=tuple(method_problems),
        studies=studies,
    )


def _prediction_interval(mean: float, se: float, tau2: float, k: int, level: float):
    """Prediction interval of a new study's HR (Higgins et al. 2009), or None with the reason."""
    from scipy import stats

    if k < 3:
        return None, (
            f"No prediction interval: it needs at least 3 studies (t with k - 2 = {k - 2} degrees of freedom)."
        )
    t = float(stats.t.isf((1 - level) / 2, k - 2))
    half = t * math.sqrt(tau2 + se**2)
    low, high = math.exp(mean - half), math.exp(mean + half)
    return (low, high), (
        f"{_pct_label(level)} prediction interval for a new study like these: HR {low:.2f} to {high:.2f} "
        "(where the next study's true effect may fall; Higgins et al. 2009)."
    )
