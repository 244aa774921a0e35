"""Consistency audit of reported trial numbers: recompute what a report prints and say what disagrees.

statcheck recomputes p-values from test statistics and the GRIM test asks whether a mean is
possible for its n; this module does the same for oncology trial tables:

* **percentage** - a percentage against its count and denominator, allowing for the precision it
  is printed with (GRIM-style: is the percentage possible at all for that n?);
* **category_sum** - CR + PR = ORR, CR + PR + SD = DCR, CR + PR + SD + PD = patients evaluated;
  adverse-event grade columns against the any-grade column;
* **hr_ci** - a hazard ratio inside its confidence interval and near the geometric mean of the
  bounds (a Wald interval is symmetric on the log scale), at the interval's level;
* **hr_p_value** - the p-value implied by the HR and its interval (Altman & Bland) against the
  printed p;
* **two_by_two** - a printed p recomputed from the two arms' counts with Fisher's exact test and
  the chi-square test with and without continuity correction;
* **test_statistic** - a printed p recomputed from a printed t or chi-square statistic (statcheck);
* **at_risk**, **landmarks**, **median_vs_landmarks**, **median_ci**, **hr_vs_medians** - survival
  coherence: numbers at risk start at n and never rise, landmark rates never rise, PFS <= OS,
  the median agrees with the landmarks and sits inside its interval;
* **two_means** - a printed p (and t) of two means recomputed from each group's mean ± spread and
  n, by Student's and Welch's t, with "±" read as an SD and as an SE (which reading does the paper's
  own p imply?);
* **chi2_counts** - a printed chi-square recomputed from the arms' counts (Pearson, Yates, G, N - 1);
* **cohort_sd** - a whole cohort's mean and SD against its groups' (never below the pooled
  within-group SD);
* **grim_mean**, **grimmer_sd** - a mean (and SD) of whole numbers possible for its n;
* **identifier** - a registry number in its registry's format (NCT + 8 digits …), issued before
  publication;
* **median_vs_rate_ci**, **median_vs_at_risk** - a median's CI against landmark rates' CIs, and a
  median against the numbers at risk (no median while more than half are still at risk);
* **text_vs_table** - two printed versions of the same number (text and table) that disagree;
* **recorded_discrepancy** - every discrepancy a curator recorded in the notes (``DISCREPANCY:``).

Every check is a small function over single values (:func:`check_percentage`,
:func:`check_categories`, :func:`check_hr_ci`, :func:`check_two_by_two`,
:func:`check_test_statistic`, :func:`check_at_risk`, :func:`check_landmarks`) returning :class:`Finding` objects; :func:`audit` runs them over the
curated tables (or any tables of the same shape) and returns one row per finding. A number a
check cannot read is listed as *not checkable*, with the reason (``attrs["not_checkable"]``).

Severity
--------
``error``   impossible or contradictory as printed (20/31 printed as 54.5 %);
``warning`` a likely problem, or an inconsistency with a possible innocent cause that the report
            does not state (a percentage impossible for the printed arm size);
``info``    explained by design or a documented definition (a weighted analysis, DCR requiring
            SD >= 6 months, a one-sided test), or worth knowing but not changing a conclusion;
``pass``    checked and consistent (only with ``include_passed=True``).

Rounding alone never raises a finding: each printed number is taken to stand for every value
that rounds to it at the precision it is printed with (``"67.4"``: 67.35 to 67.45).

References
----------
Altman DG, Bland JM. How to obtain the P value from a confidence interval. BMJ 2011;343:d2304.
Brown NJL, Heathers JAJ. The GRIM test. Soc Psychol Personal Sci 2017;8:363-9.
Nuijten MB et al. The prevalence of statistical reporting errors in psychology (statcheck).
Behav Res Methods 2016;48:1205-26.
Anaya J. The GRIMMER test. PeerJ Preprints 2016;4:e2400v1.
Welch BL. The generalization of "Student's" problem when several different population variances
are involved. Biometrika 1947;34:28-35.
Brookmeyer R, Crowley J. A confidence interval for the median survival time. Biometrics 1982;38:29-41.

Modules
-------
``findings``        :class:`Finding`, :class:`Tolerances`, :data:`CHECKS`, :data:`SEVERITIES`, findings as a table
``printed``         printed-number arithmetic: precision, rounding, rounding boxes, possible counts (GRIM)
``counts``          :func:`check_percentage`, :func:`check_categories` (and adverse-event grades)
``hazard_ratios``   :func:`implied_p_value`, :func:`check_hr_ci` (``hr_ci`` and ``hr_p_value``)
``p_values``        :func:`check_two_by_two`, :func:`check_test_statistic`
``survival_curves`` :func:`check_at_risk`, :func:`check_landmarks`, :func:`check_median_vs_rate_ci`,
                    :func:`check_median_vs_at_risk`
``means``           :func:`check_two_means`, :func:`check_cohort_sd`, :func:`check_mean_grim`, :func:`check_sd_grimmer`,
                    :func:`check_chi2_counts`
``identifiers``     :func:`check_registry_id` (registry formats)
``sources``         the audited tables as printed (curated CSV text, user tables) and a row's context
``adapters``        table rows -> checks: one adapter per check family, sharing one row loop
``summary_adapters`` table rows -> the checks of means, registry numbers and survival CIs
``audit``           :func:`audit`
``report``          :func:`summary`, :func:`report`
``figures``         tidy frames for charts: :func:`grim_table`, :func:`hr_ci_table`, :func:`two_by_two_table`,
                    :func:`hr_ci_frame`, :func:`figure_data`

Everything listed in ``__all__`` is importable from ``hcckit.appraisal`` itself.
"""

from __future__ import annotations

from hcckit.appraisal.audit import audit
from hcckit.appraisal.counts import RESPONSE, check_categories, check_percentage
from hcckit.appraisal.figures import figure_data, grim_table, hr_ci_frame, hr_ci_table, two_by_two_table
from hcckit.appraisal.findings import CHECKS, SEVERITIES, Finding, Tolerances, findings_frame
from hcckit.appraisal.hazard_ratios import check_hr_ci, implied_p_value
from hcckit.appraisal.identifiers import check_registry_id
from hcckit.appraisal.means import (
    check_chi2_counts,
    check_cohort_sd,
    check_mean_grim,
    check_sd_grimmer,
    check_two_means,
)
from hcckit.appraisal.p_values import check_test_statistic, check_two_by_two
from hcckit.appraisal.printed import (
    MAX_DECIMALS,
    MAX_MAGNITUDE,
    MAX_MONTHS,
    MAX_N,
    possible_counts,
    printed_decimals,
)
from hcckit.appraisal.report import report, summary
from hcckit.appraisal.survival_curves import (
    check_at_risk,
    check_landmarks,
    check_median_vs_at_risk,
    check_median_vs_rate_ci,
)

__all__ = [
    "MAX_N",
    "MAX_MONTHS",
    "MAX_MAGNITUDE",
    "MAX_DECIMALS",
    "RESPONSE",
    "SEVERITIES",
    "CHECKS",
    "Tolerances",
    "Finding",
    "printed_decimals",
    "possible_counts",
    "implied_p_value",
    "check_percentage",
    "check_categories",
    "check_hr_ci",
    "check_two_by_two",
    "check_at_risk",
    "check_landmarks",
    "check_test_statistic",
    "check_two_means",
    "check_chi2_counts",
    "check_cohort_sd",
    "check_mean_grim",
    "check_sd_grimmer",
    "check_registry_id",
    "check_median_vs_rate_ci",
    "check_median_vs_at_risk",
    "audit",
    "findings_frame",
    "summary",
    "report",
    "grim_table",
    "hr_ci_table",
    "two_by_two_table",
    "hr_ci_frame",
    "figure_data",
]
