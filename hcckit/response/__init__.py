"""Tumour response criteria for HCC: RECIST 1.1, mRECIST, WHO and EASL, on lesion measurements.

Why this module exists: the same patients can show a 47 % response rate by RECIST 1.1 and
67 % by mRECIST (ChiCTR2100049829). Calculators that get the basic rules wrong (progression
measured from baseline instead of nadir, complete response as "sum == 0", no confirmation)
make that difference impossible to teach. This engine applies each criterion as its primary
source writes it, with exact arithmetic, and every verdict says which rule fired.

Modules
-------
``criteria`` names and categories; ``prepare`` input checking; ``measures`` the measure each
criterion reads; ``lesion_rules`` non-target and new-lesion rules; ``reasons`` the words for the
rule that fired; ``engine`` :func:`assess` per visit; ``best`` best overall response;
``targets`` the target rule on sums; ``rates`` ORR/DCR and trial rates; ``teaching`` SYNTHETIC
teaching data; ``editing`` the lesson editor's helpers. Everything is importable from
``hcckit.response``.

Main functions
--------------
:func:`assess`          one criterion: one row per patient and assessment day
:func:`assess_all`      several criteria at once (adds a ``criterion`` column)
:func:`best_response`   best overall response per patient, with and without confirmation
:func:`best_change`     best % change of the target sum per patient (waterfall data)
:func:`lesion_table`    per-lesion, per-visit measure each criterion uses (the "why")
:func:`response_rates`  CR/PR/SD/non-CR/non-PD/PD/NE, ORR and DCR with exact Clopper-Pearson
                        intervals
:func:`discordance_table` cross-table of best responses under two criteria
:func:`trial_rates`     reported response rates of the curated trials, CIs recomputed
:func:`target_category` the RECIST 1.1 target-lesion rule on integer sums (lesson exercise)
:func:`teaching_cohort`, :func:`necrotic_patient`  SYNTHETIC teaching data (labelled so)

Input: one row per lesion per assessment
----------------------------------------
========== ==================================================================================
patient    patient id (any hashable value)
lesion     lesion id, unique within the patient
day        assessment day, whole days from treatment start; the patient's first day is the
           baseline
kind       ``target``, ``non_target`` or ``new``; constant for a lesion. Targets and
           non-targets must be present at baseline; a lesion first seen later is ``new``
organ      ``liver`` for intrahepatic lesions; anything else is extrahepatic. All lymph nodes
           count as one organ for the target limits. ``portal_vein`` (tumour thrombus) is
           non-measurable; ``ascites``/``effusion``/``pleural_effusion`` are effusions.
           Optional (default ``liver``)
is_node    lymph node (bool, optional, default False); ``organ="porta_hepatis"`` for porta
           hepatis nodes (mRECIST: malignant only if short axis >= 20 mm)
ld_mm      longest diameter (mm); 0 = the lesion disappeared
sa_mm      short axis of a lymph node (mm)
viable_ld_mm     longest diameter of the arterially enhancing (viable) part (mm); mRECIST
perp_mm          greatest diameter perpendicular to ``ld_mm`` (mm); WHO
viable_perp_mm   perpendicular diameter of the viable part (mm); EASL
infiltrative  infiltrative HCC without measurable margins (bool, optional, default False):
           non-measurable, so the lesion must be ``non_target`` (Llovet & Lencioni, J Hepatol
           2020); a ``target`` marked infiltrative raises ``ValueError``
too_small  radiologist: present but too small to measure (bool, optional). When the
           measure a criterion needs is missing, the default ``too_small_mm`` (5 mm) is used;
           a recorded value is always used as recorded, even below 5 mm
status     non-target: ``CR`` / ``non_CR_non_PD`` / ``PD`` (mRECIST also ``IR_SD``);
           new lesion: ``equivocal`` / ``unequivocal`` / ``typical`` / ``atypical``
           (the reader's judgement - never inferred). mRECIST reads ``unequivocal`` on an
           intrahepatic new lesion as ``typical`` (counts only at LD >= 10 mm)
cytology   ``positive`` / ``negative`` for effusions (optional)
fragment   optional: label of the fragment of a lesion that split; fragments of one lesion
           on one day are summed
========== ==================================================================================

Columns a criterion does not use may be absent. A lesion not assessed at a visit is simply
absent from that visit (the visit becomes NE, unless the lesions measured already show PD).
Bad input (negative or missing diameters, duplicate rows, a target first seen at follow-up,
rows out of day order, unknown names) raises ``ValueError`` naming patient, lesion, day and
field - never a silently wrong answer. Absurd numbers are refused too: diameters above
:data:`MAX_MM` (500 mm) and days beyond +/- :data:`MAX_DAY` (20,000 days); ids and labels
must be single values (text or numbers), not lists or dicts.

Exact arithmetic
----------------
Diameters are rounded to 0.01 mm and held as integers of hundredths of a mm (products in
1e-4 mm^2), so thresholds are exact integer comparisons: PR ``10*S <= 7*B``; RECIST PD
``5*S >= 6*N and S - N >= 5 mm``; WHO PR ``2*S <= B``, PD ``4*S >= 5*N``. A fall from 28.0 to
19.6 mm is exactly -30 % and is PR.

Sources (where this module and the specification page differ, the source wins)
-------------------------------------------------------------------------------
- RECIST 1.1: Eisenhauer EA et al. Eur J Cancer 2009;45:228-247 (doi:10.1016/j.ejca.2008.10.026);
  nodes: Schwartz LH et al. Eur J Cancer 2009;45:261-267; EORTC RECIST FAQ.
- mRECIST: Lencioni R, Llovet JM. Semin Liver Dis 2010;30:52-60 (doi:10.1055/s-0030-1247132);
  Llovet JM, Lencioni R. J Hepatol 2020;72:288-306.
- WHO: Miller AB et al. Cancer 1981;47:207-214.
- EASL: Bruix J et al. J Hepatol 2001;35:421-430; operational table of Riaz A et al.
  J Hepatol 2011.

Choices the specification page leaves open, or where the source text decides
------------------------------------------------------------------------------
- Target CR is tested before PD: nodes below 10 mm short axis are normal (Schwartz 2009), so
  a nodal target growing from 5 to 9 mm after CR is not progression even if the sum rises
  20 % and 5 mm. Then PD before PR, as the page says.
- WHO/EASL progression defaults to "one or more measurable lesions" increasing >= 25 %
  (Miller 1981's wording) from each lesion's nadir; ``who_pd="sum"`` and
  ``who_reference="baseline"`` give the other readings in the literature.
- The cytology rule for effusions is applied under every criterion (mRECIST says so; RECIST
  1.1 section 4.3.4 asks for cytology "when the measurable tumour has met criteria for
  response or stable disease"). So cytology decides only when the effusion would be the only
  reason for PD; at a visit that is PD on other grounds the reader's PD stands.
- RECIST 1.1 Table 2's "non-CR/non-PD" (non-target disease only) is its own category
  (:data:`NON_CR_NON_PD`), not SD (RECIST 1.1 section 4.3.3: SD is an efficacy end point).
  Counting it towards DCR is a protocol choice, off by default (:func:`response_rates`).
- mRECIST "atypical nodule counts after >= 10 mm growth": PD is dated back to the scan that
  first showed it, as RECIST 1.1 does for an equivocal lesion later confirmed.
- mRECIST new intrahepatic lesions: uploaded files use RECIST's words; ``unequivocal`` is read
  as the typical pattern, so it counts only at LD >= 10 mm (Lencioni & Llovet 2010). A
  sub-centimetre nodule labelled unequivocal is therefore PD under RECIST 1.1, not mRECIST.
- Reappearance after an overall CR is PD whatever the size (EORTC RECIST FAQ "Does a new
  lesion always result in PD?"; RECIST 1.1 Table 3 footnote). The FAQ limits this to a CR
  *overall*: when targets had gone but non-target disease remained, a reappearing target
  is added to the sum and the +20 %/+5 mm rule applies. The specification page says the
  same.
- Continued PR (EORTC RECIST FAQ "The definition of SD: a clarification" and "Managing PR
  when TP measurements change slightly over time"): after a confirmed PR, a later visit is
  PR unless PD is met from the nadir. The specification page only defines PR against the
  baseline; the FAQ wins, and ``continued_pr="off"`` gives the visit-by-visit reading.
"""

from __future__ import annotations

from hcckit.response.best import best_change, best_response
from hcckit.response.criteria import CRITERIA, MAX_DAY, MAX_MM, NON_CR_NON_PD, RESPONSES, criterion_name
from hcckit.response.editing import edit_measurements, five_mm_clause_effect, progression_thresholds
from hcckit.response.engine import assess, assess_all
from hcckit.response.measures import lesion_table
from hcckit.response.prepare import CRITERION_COLUMNS, criteria_supported
from hcckit.response.rates import discordance_table, response_rates, trial_rates
from hcckit.response.targets import TargetVerdict, explain_target, target_category
from hcckit.response.teaching import necrotic_patient, teaching_cohort

__all__ = [
    "CRITERIA",
    "RESPONSES",
    "NON_CR_NON_PD",
    "criterion_name",
    "assess",
    "assess_all",
    "best_response",
    "best_change",
    "lesion_table",
    "target_category",
    "TargetVerdict",
    "explain_target",
    "response_rates",
    "discordance_table",
    "trial_rates",
    "teaching_cohort",
    "necrotic_patient",
    "edit_measurements",
    "progression_thresholds",
    "five_mm_clause_effect",
    "criteria_supported",
    "MAX_MM",
    "MAX_DAY",
    "CRITERION_COLUMNS",
]
