"""Survival comparisons from published summaries: pseudo-patients, Guyot reconstruction, KM analysis.

Trials publish medians, hazard ratios, landmark rates and numbers at risk, never patient data.
This package turns those summaries into *synthetic* pseudo-patients whose Kaplan-Meier curve
reproduces the published points, rebuilds pseudo patient data from digitised curves (Guyot's
algorithm, :mod:`hcckit.guyot`), and analyses either with lifelines: Kaplan-Meier with
confidence bands, medians, landmark survival, log-rank test, Cox hazard ratio and restricted
mean survival time (RMST).

Units: every time is in **months**; survival is a **proportion (0-1)** (73.3 % is 0.733).
Every generated table has ``synthetic == True`` and charts drawn from it say so. Intervals are
at confidence ``level`` (default 0.95) and results hold them as ``ci_low``/``ci_high``.

Three layers, one way, one module each (every name is importable from ``hcckit.survival``):

1. :mod:`~hcckit.survival.models`: a :class:`SurvivalModel` (the generating survival function)
   from published points: :func:`survival_model`, :meth:`SurvivalModel.with_hazard_ratio` for a
   comparator arm; pseudo-patients drawn from it: :func:`synthesize_arm`, :func:`simulate_arm`,
   :func:`concat_arms`; medians vs a hazard ratio: :func:`implied_hazard_ratio`, :func:`hr_consistency`;
2. :mod:`~hcckit.survival.published`: the curated tables (:func:`published_arms`,
   :func:`published_effect`, :func:`published_points`, :func:`survival_catalogue`,
   :func:`arm_catalogue`) and pseudo-patients through them (:func:`synthesize_published`,
   :func:`synthesize_across_trials`, :func:`compare_published`);
   :mod:`~hcckit.survival.reconstruction`: rebuilt from a curve (:func:`reconstruct_ipd`,
   :func:`reconstruction_error`, :func:`km_steps`);
3. :mod:`~hcckit.survival.analysis`: :func:`km_table`, :func:`at_risk_table`,
   :func:`median_survival`, :func:`landmark_survival`, :func:`logrank`, :func:`hazard_ratio`,
   :func:`rmst`, :func:`rmst_difference`, :func:`median_follow_up`, :func:`compare_arms`, whose
   results are the dataclasses of :mod:`~hcckit.survival.results`.

lifelines and scipy are imported inside the functions that need them.
"""

from __future__ import annotations

from hcckit.survival._validate import HR_RANGE
from hcckit.survival.analysis import (
    at_risk_table,
    compare_arms,
    hazard_ratio,
    km_table,
    landmark_survival,
    logrank,
    median_follow_up,
    median_survival,
    rmst,
    rmst_difference,
)
from hcckit.survival.models import (
    METHODS,
    MODELS,
    SurvivalModel,
    concat_arms,
    hr_consistency,
    implied_hazard_ratio,
    simulate_arm,
    survival_model,
    synthesize_arm,
)
from hcckit.survival.published import (
    PublishedArm,
    arm_catalogue,
    compare_published,
    published_arms,
    published_effect,
    published_points,
    survival_catalogue,
    synthesize_across_trials,
    synthesize_published,
)
from hcckit.survival.reconstruction import (
    DataDiscrepancyWarning,
    clean_curve,
    km_steps,
    reconstruct_ipd,
    reconstruction_error,
)
from hcckit.survival.results import (
    ArmComparison,
    HazardRatioResult,
    HRConsistency,
    LogRankResult,
    MedianResult,
    ReconstructionReport,
    RMSTDifference,
    RMSTResult,
)

__all__ = [
    # generating models and pseudo-patients
    "MODELS",
    "METHODS",
    "HR_RANGE",
    "SurvivalModel",
    "survival_model",
    "simulate_arm",
    "synthesize_arm",
    "implied_hazard_ratio",
    "hr_consistency",
    "HRConsistency",
    # reconstruction
    "reconstruct_ipd",
    "clean_curve",
    "reconstruction_error",
    "ReconstructionReport",
    "km_steps",
    "DataDiscrepancyWarning",
    # analysis
    "km_table",
    "at_risk_table",
    "median_survival",
    "landmark_survival",
    "logrank",
    "hazard_ratio",
    "rmst",
    "rmst_difference",
    "median_follow_up",
    "compare_arms",
    "MedianResult",
    "LogRankResult",
    "HazardRatioResult",
    "RMSTResult",
    "RMSTDifference",
    "ArmComparison",
    # curated trials
    "PublishedArm",
    "survival_catalogue",
    "published_arms",
    "published_effect",
    "published_points",
    "synthesize_published",
    "compare_published",
    "arm_catalogue",
    "synthesize_across_trials",
    "concat_arms",
]
