"""What the evidence modules call things: endpoints with hazard ratios, response criteria, designs, stages.

:data:`TIME_TO_EVENT` (the endpoints a forest plot shows, in order), :data:`HR_MEASURES`,
:data:`CRITERIA_ORDER` (response criteria in the order the ORR chart shows them),
:data:`DESIGN_LABELS` (from the kit's one vocabulary, ``data/labels.csv``) and
:data:`STAGE_GROUPS`, the kit's teaching classification of each study's population.
"""

from __future__ import annotations

from hcckit import labels as _labels

__all__ = ["TIME_TO_EVENT", "HR_MEASURES", "CRITERIA_ORDER", "DESIGN_LABELS", "STAGE_GROUPS"]

TIME_TO_EVENT = ("PFS", "OS", "TTUP", "RFS", "PPS")
HR_MEASURES = ("HR", "aHR")
CRITERIA_ORDER = ("RECIST 1.1", "mRECIST", "RECICL", "unspecified")
#: Study designs by name, from the kit's one vocabulary (``data/labels.csv``, kind ``design``).
DESIGN_LABELS = {
    d: _labels.label("design", d) for d in ("rct", "cohort", "single_arm", "indirect_comparison")
}

_EARLY_INT = "early-intermediate (BCLC A-B, embolization candidates)"
_ADVANCED = "advanced (BCLC C, vascular invasion)"
_MIXED = "mixed or not stated (unresectable)"
_AFTER_FAILURE = "after failure of prior therapy"
_ADJUVANT = "adjuvant (after resection)"

#: Teaching classification of each study's population, read from ``trials.population`` (and the
#: trial notes) by the kit's authors; used only to warn when a pooled subgroup mixes stages.
#: The printed population text is always shown next to it. Studies not listed are "not classified".
STAGE_GROUPS: dict[str, str] = {
    "yan2025_tace_bev": _MIXED,  # CNLC Ib-IIIb
    "chictr2100049829_tace_atezo_bev": _EARLY_INT,  # BCLC B
    "zhang2021_beva_tace": _AFTER_FAILURE,  # TACE-refractory, BCLC C-D
    "chictr2200056222_debtace_tqb_anlo": _ADVANCED,  # BCLC C
    "tactics": _EARLY_INT,  # unresectable, TACE candidates
    "stah": _ADVANCED,
    "launch": _ADVANCED,
    "chance001": _MIXED,  # unresectable, predominantly advanced
    "chance2211": _MIXED,
    "chance2201": _ADVANCED,
    "yuan2023_pa_tace_ici": _ADJUVANT,
    "yuan2023_tace_haic_tki_pd1": _ADVANCED,  # PVTT
    "emerald1": _EARLY_INT,  # eligible for embolization, BCLC A 26 % / B 57 % / C 16 %
    "deng2023_haic_vs_tace": _EARLY_INT,  # single huge HCC, no vascular invasion
    "li2022_haic_vs_tace": _EARLY_INT,  # BCLC A-B
    "fohaic1": _ADVANCED,
    "zheng2022_haic_sorafenib": _ADVANCED,  # major PVTT
    "fu2023_haic_lenv_pd1": _ADVANCED,  # PVTT
    "an2023_haic_lenv_pd1": _AFTER_FAILURE,  # refractory to HAIC
    "meyer2013_tae_vs_stace": _MIXED,
    "guo2023_tae_inkt": _AFTER_FAILURE,  # failed to respond to TACE (review text)
    "hur2023_tare_vs_tki": _ADVANCED,  # PVTT
    "agirrezabal2024_tare_vs_atezobev": _MIXED,
    "soramic": _ADVANCED,
    "imbrave150": _ADVANCED,  # BCLC C 82 % (Finn et al., NEJM 2020, Table 1); BCLC B 15 % of 501
    "himalaya": _ADVANCED,  # BCLC C about 80 % in both arms (Abou-Alfa et al., NEJM Evid 2022, Table 1)
    "he2019_haic_sorafenib": _ADVANCED,  # portal vein invasion (review text, ref [58])
    "startfit": _MIXED,  # locally advanced, unresectable; the review prints no stage (ref [59])
}

#: The pooling panel's opening subgroup: randomised PFS comparisons of TACE plus systemic therapy
#: against TACE. Deliberately not clean (EMERALD-1 enters twice, stages differ): the lesson asks
