"""Cross-trial evidence: every curated comparison in one table, forest plots, cautious pooling, ORR.

What a reader of the HCC literature does with a review's tables, done carefully:

* :func:`comparisons` joins every between-arm comparison in ``effects`` with its trial (design,
  population, stage) and both arms (arterial modality, systemic classes), and names the
  question it answers (``"TACE + systemic therapy vs TACE"``); :func:`filter_comparisons`
  narrows it by arterial modality, systemic class, design, endpoint; :func:`explorer_options`
  lists the explorer's filter choices (:mod:`hcckit.evidence.comparisons`);
* :func:`forest_table` keeps the hazard ratios (HR, adjusted HR) for a forest plot on a log
  axis, each with the CI *at the level the study printed* (STAH prints 90 % CIs), the
  standard error of log HR derived from that CI at its own level, and any discrepancy or
  arm-order note from the curation (:mod:`hcckit.evidence.forest`);
* :func:`check_comparability` says, by name, why chosen studies may not be comparable (designs,
  endpoints, comparators, adjusted vs unadjusted HRs, stages, one study counted twice)
  (:mod:`hcckit.evidence.comparability`), and :func:`pool_hazard_ratios` pools a user-chosen
  subgroup with a random-effects model from ``statsmodels.stats.meta_analysis``
  (:mod:`hcckit.evidence.pooling`);
* :func:`orr_table` lists objective response rates by response criterion with exact
  (Clopper-Pearson) CIs from :func:`hcckit.stats.proportion_ci` (:mod:`hcckit.evidence.orr`);
* :func:`cross_trial_comparison` puts two studies side by side and lists, from the data,
  the reasons a naive comparison of their numbers misleads (:mod:`hcckit.evidence.cross_trial`).

Names shared by all of them (endpoints, criteria, design labels, stage groups) are in
:mod:`hcckit.evidence.vocabulary`.

Hazard ratios are unitless; an HR < 1 favours ``arm_id`` (the first-named arm) over
``comparator_arm_id``. Percentages are 0-100 %, times in months. Nothing here is simulated:
every number is a curated, printed value or is computed from printed values (and says so).
"""

from __future__ import annotations

from hcckit.evidence.comparability import Comparability, check_comparability
from hcckit.evidence.comparisons import comparisons, explorer_options, filter_comparisons, filter_options
from hcckit.evidence.cross_trial import CrossTrialComparison, cross_trial_comparison
from hcckit.evidence.forest import ci_at_level, forest_table, se_from_ci
from hcckit.evidence.orr import orr_table
from hcckit.evidence.pooling import DEFAULT_POOL, PooledEstimate, pool_hazard_ratios
from hcckit.evidence.vocabulary import CRITERIA_ORDER, DESIGN_LABELS, HR_MEASURES, STAGE_GROUPS, TIME_TO_EVENT

__all__ = [
    "TIME_TO_EVENT",
    "HR_MEASURES",
    "CRITERIA_ORDER",
    "DESIGN_LABELS",
    "STAGE_GROUPS",
    "DEFAULT_POOL",
    "comparisons",
    "filter_comparisons",
    "explorer_options",
    "filter_options",
    "forest_table",
    "se_from_ci",
    "ci_at_level",
    "Comparability",
    "check_comparability",
    "PooledEstimate",
    "pool_hazard_ratios",
    "orr_table",
    "CrossTrialComparison",
    "cross_trial_comparison",
]
