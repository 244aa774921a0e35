"""How arterial therapies work: the modality table, the dual blood supply, a didactic TACE/VEGF model.

Three things for lesson 01 (``notebooks/01_tace_mechanisms.ipynb``):

* **Modalities** (:func:`modality_table`, :func:`modality_scene`, :func:`trials_for_modality`):
  TAE, conventional TACE, DEB-TACE, TARE/SIRT and HAIC as the review describes them
  (Fu C et al. Hepatoma Res 2024;10:42, doi:10.20517/2394-5079.2024.103, text and Figure 1
  legend), a small table of drawing elements (vessels, tumour, what is delivered) that
  :mod:`hcckit.charts.mechanisms` draws with altair marks, and the curated trial arms that
  used each modality.
* **Dual blood supply** (:func:`blood_supply_table`): normal liver gets about 75 % of its blood
  from the portal vein; HCC is predominantly fed by the hepatic artery (same review).
* **A qualitative dynamic model** (:class:`Scenario`, :class:`ModelParameters`, :func:`simulate`,
  :func:`summarize`, :func:`dose_window`): embolization -> hypoxia -> HIF-1alpha -> VEGF surge ->
  revascularisation and regrowth, with bevacizumab (dose and timing) blunting the surge and,
  for a while, normalising the vessels (less hypoxia than TACE alone). Its dose window is a
  preclinical hypothesis; the standard bevacizumab dose in HCC is 15 mg/kg IV every 3 weeks.
  **It is a teaching model, not a prediction**: every parameter is an illustrative choice
  (listed with its meaning by :func:`parameter_table`), none is fitted to patient data.
* **Trial evidence** (:func:`perfusion_table`, :func:`biomarker_change_table`,
  :func:`tace_sessions_table`): the curated DCE-MRI, VEGF/SDF-1 and TACE-session numbers of
  the randomised trial (Yan B et al. Ann Hepatol 2025, doi:10.1016/j.aohep.2025.102106).

Time in the model is in hours after TACE (``time_h``), also given in days (``time_days``).
"""

from __future__ import annotations

import functools
import math
import numbers
from dataclasses import asdict, dataclass, field, fields, replace

__all__ = [
    "MODALITY_KEYS",
    "modality_table",
    "modality_scene",
    "trials_for_modality",
    "blood_supply_table",
    "ModelParameters",
    "Scenario",
    "PRESETS",
    "parameter_table",
    "simulate",
    "ModelSummary",
    "summarize",
    "dose_window",
    "VEGF_PEAK_WINDOW_H",
    "perfusion_table",
    "biomarker_change_table",
    "tace_sessions_table",
    "relative_reduction",
]

REVIEW = "Fu C et al. Hepatoma Res 2024;10:42 (doi:10.20517/2394-5079.2024.103)"
RCT = "Yan B et al. Ann Hepatol 2025 (doi:10.1016/j.aohep.2025.102106)"
BEVA_TACE = "Zhang H et al. Ann Palliat Med 2021;10:9149-56 (doi:10.21037/apm-21-2123)"
RCT_ID = "yan2025_tace_bev"

#: Hours after TACE at which the VEGF surge peaks according to the RCT's discussion (ref. [22] there).
VEGF_PEAK_WINDOW_H = (48.0, 72.0)

# --------------------------------------------------------------------------- modalities
MODALITY_KEYS = ("TAE", "cTACE", "DEB-TACE", "TARE", "HAIC")

_MODALITIES = [
    {
        "modality": "TAE",
        "name": "Transarterial embolization (TAE)",
        "delivered": "Embolic particles only: gelatin sponge, polyvinyl alcohol (PVA) particles or "
        "polyacrylamide microspheres",
        "where": "The arterial branches that feed the tumour (selective catheter in the hepatic artery)",
        "how_it_acts": "Blocks the tumour's arterial supply: ischaemia and necrosis",
        "occludes_artery": True,
        "chemotherapy": False,
        "radiation": False,
        "caveat": "Embolization makes the surviving tumour hypoxic, which can drive regrowth.",
        "source_location": "Review text 'TAE'; Figure 1A legend",
    },
    {
        "modality": "cTACE",
        "name": "Conventional TACE (cTACE)",
        "delivered": "Cytotoxic chemotherapy mixed with lipiodol, followed by an embolic agent",
        "where": "Into the tumour through its feeding arteries, then the feeding arteries are blocked",
        "how_it_acts": "Concentrated chemotherapy in the tumour plus ischaemia; less systemic toxicity "
        "than systemic chemotherapy",
        "occludes_artery": True,
        "chemotherapy": True,
        "radiation": False,
        "caveat": "Repeated sessions can add up to systemic toxicity and drug resistance; embolization "
        "worsens tumour hypoxia.",
        "source_location": "Review text 'TACE', technique (1); Figure 1B legend",
    },
    {
        "modality": "DEB-TACE",
        "name": "Drug-eluting-bead TACE (DEB-TACE)",
        "delivered": "Drug-loaded microspheres (e.g. doxorubicin) that lodge in the tumour's microvessels",
        "where": "The hepatic-artery branches feeding the tumour, down to its microvasculature",
        "how_it_acts": "Blocks the microvessels and releases the drug slowly (sustained release)",
        "occludes_artery": True,
        "chemotherapy": True,
        "radiation": False,
        "caveat": "Same hypoxia problem as every embolizing technique.",
        "source_location": "Review text 'TACE', technique (2); Figure 1B legend",
    },
    {
        "modality": "TARE",
        "name": "Transarterial radioembolization (TARE / SIRT)",
        "delivered": "Microspheres carrying a radioactive isotope: usually yttrium-90 (Y-90, beta rays with an "
        "average range of 0.25 cm); the clinical alternative is holmium-166 (Ho-166 microspheres, HEPAR "
        "trials: Smits et al. 2010 and 2012; Reinders et al. J Nucl Med 2022 in HCC). Iodine-131 and "
        "rhenium-188 lipiodol were used historically (Sundram, Biomed Imaging Interv J 2006)",
        "where": "Into the liver through the hepatic artery, lodging in the tumour's arterioles",
        "how_it_acts": "Close-range (internal) radiotherapy that selectively destroys tumour cells; "
        "microembolic (little embolic effect), so it needs the arterial flow to stay open (Joo et al., "
        "Korean J Radiol 2018)",
        "occludes_artery": False,
        "chemotherapy": False,
        "radiation": True,
        "caveat": "Radiation to the non-tumorous liver can cause radioembolization-induced liver disease "
        "(REILD); spheres that reach other organs cause gastrointestinal ulcers (gut) or radiation "
        "pneumonitis (through hepatopulmonary shunts). A Tc-99m MAA mapping angiography first measures "
        "the lung-shunt fraction and looks for gut-bound vessels (Laidlaw & Johnson, Semin Intervent "
        "Radiol 2021;38:453-9).",
        "source_location": "Review text 'TARE'; Figure 1C legend (isotopes and caveats: the sources named "
        "in the text)",
    },
    {
        "modality": "HAIC",
        "name": "Hepatic arterial infusion chemotherapy (HAIC)",
        "delivered": "Chemotherapy (in China mostly FOLFOX: oxaliplatin, fluorouracil, leucovorin) "
        "infused continuously through a catheter placed in the hepatic artery",
        "where": "The hepatic artery: the drug reaches the tumour-bearing liver on its first pass",
        "how_it_acts": "High local drug concentration with lower systemic toxicity; no embolization",
        "occludes_artery": False,
        "chemotherapy": True,
        "radiation": False,
        "caveat": "Protocols (indications, dose) are not yet standardised; rarely in Western guidelines.",
        "source_location": "Review text 'HAIC'; Figure 1D legend",
    },
]

# arms.arterial values that count for each modality: (value, how it matches)
_ARM_MATCH = {
    "TAE": [("TAE", "exact")],
    "cTACE": [("cTACE", "exact"), ("TACE", "TACE, technique not stated in the source")],
    "DEB-TACE": [("DEB-TACE", "exact"), ("TACE", "TACE, technique not stated in the source")],
    "TARE": [("TARE", "exact")],
    "HAIC": [("HAIC", "exact"), ("TACE+HAIC", "combined with TACE")],
}


def _check_modality(modality) -> str:
    if modality not in MODALITY_KEYS:
        raise ValueError(f"modality: unknown modality {modality!r}; choose from {', '.join(MODALITY_KEYS)}")
    return modality


def modality_table():
    """The five arterial modalities as the review describes them, one row each.

    Returns
    -------
    pandas.DataFrame
        Columns ``modality`` (key: TAE, cTACE, DEB-TACE, TARE, HAIC), ``name``, ``delivered`` (what
        goes down the catheter), ``where`` (which vessels), ``how_it_acts``, ``occludes_artery``,
        ``chemotherapy``, ``radiation`` (bool), ``caveat``, ``source`` and ``source_location``
        (section / Figure 1 panel of Fu C et al. Hepatoma Res 2024;10:42).
    """
    import pandas as pd

    table = pd.DataFrame(_MODALITIES)
    table.insert(len(table.columns) - 1, "source", REVIEW)
    return table


def _circle(cx: float, cy: float, r: float, n: int = 41):
    import numpy as np

    x = np.linspace(cx - r, cx + r, n)
    half = np.sqrt(np.clip(r**2 - (x - cx) ** 2, 0, None))
    return x, cy - half, cy + half


# Fixed geometry of the schematic (arbitrary drawing units, x 0-10, y 0-7).
_TUMOUR = (6.6, 3.9, 1.15)
_ARTERY = [((0.4, 0.3), (2.6, 1.5)), ((2.6, 1.5), (4.6, 2.2))]
_ARTERY_TUMOUR = [((4.6, 2.2), (5.5, 2.9)), ((5.5, 2.9), (5.85, 3.3))]
_ARTERY_LIVER = [((2.6, 1.5), (2.3, 3.6)), ((4.6, 2.2), (4.2, 4.9))]
_PORTAL = [((3.6, -0.1), (3.6, 1.9))]
_PORTAL_LIVER = [((3.6, 1.9), (1.7, 4.2)), ((3.6, 1.9), (3.2, 5.4)), ((3.6, 1.9), (5.0, 5.6))]
_PORTAL_TUMOUR = [((3.6, 1.9), (5.7, 3.4))]
_COLOURS = {
    "liver": "#F2D7C9",
    "tumour": "#B5485D",
    "hepatic artery": "#D62828",
    "portal vein": "#3A5BA0",
    "catheter": "#444444",
    "embolic particles": "#6B6B6B",
    "lipiodol + chemotherapy": "#E6A100",
    "drug-eluting beads": "#E66100",
    "drug released": "#F5B971",
    "Y-90 microspheres": "#1A9850",
    "beta radiation (~0.25 cm)": "#A6DBA0",
    "chemotherapy infusion": "#7B3294",
    "occlusion": "#000000",
    "label": "#222222",
}


def _scatter(n: int, *, seed: int, cx: float, cy: float, r: float):
    """Deterministic points inside a circle (a fixed seed: the picture never changes)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    ang = rng.uniform(0, 2 * np.pi, n)
    rad = r * np.sqrt(rng.uniform(0, 1, n))
    return cx + rad * np.cos(ang), cy + rad * np.sin(ang)


def modality_scene(modality: str):
    """Drawing elements of the schematic liver for one modality (drawn by ``charts.mechanisms``).

    The picture is a schematic drawn by the kit (no copied figure): the liver, the tumour,
    the hepatic artery (thick to the tumour: HCC is predominantly arterially fed) and the
    portal vein (thick to the normal liver, thin to the tumour), the catheter, and what the
    modality delivers. Coordinates are arbitrary drawing units (x 0-10, y 0-7), not to scale.

    Parameters
    ----------
    modality : one of ``MODALITY_KEYS``.

    Returns
    -------
    pandas.DataFrame
        One row per element: ``element`` (``liver``, ``tumour``, ``vessel``, ``catheter``,
        ``material``, ``halo``, ``occlusion``, ``label``), ``part`` (what it is, e.g. ``hepatic
        artery`` or ``Y-90 microspheres``), ``x``, ``y`` (position; for areas the lower edge),
        ``x2``, ``y2`` (segment end, or the upper edge of an area), ``width`` (stroke width in px
        for vessels, mark size for points), ``colour`` (hex), ``text`` (labels) and ``modality``.
    """
    import numpy as np
    import pandas as pd

    modality = _check_modality(modality)
    rows: list[dict] = []

    def add(element, part, x, y, x2=np.nan, y2=np.nan, width=np.nan, text="", colour=None):
        rows.append(
            {
                "element": element,
                "part": part,
                "x": float(x),
                "y": float(y),
                "x2": float(x2),
                "y2": float(y2),
                "width": float(width),
                "colour": colour or _COLOURS.get(part, "#000000"),
                "text": text,
            }
        )

    # liver outline: an area between a lower and an upper edge
    xs = np.linspace(0.6, 9.6, 46)
    top = 5.2 + 1.0 * np.sin(np.pi * (xs - 0.6) / 9.0) - 0.9 * np.clip((xs - 6.5) / 3.1, 0, None) ** 2
    bottom = 1.7 - 0.9 * np.sin(np.pi * (xs - 0.6) / 9.0) + 1.9 * np.clip((xs - 5.0) / 4.6, 0, None) ** 2
    for x, lo, hi in zip(xs, bottom, top, strict=True):
        add("liver", "liver", x, lo, y2=hi)
    cx, cy, r = _TUMOUR
    for x, lo, hi in zip(*_circle(cx, cy, r), strict=True):
        add("tumour", "tumour", x, lo, y2=hi)

    # vessels: widths encode which vessel carries most of the supply
    for a, b in _ARTERY:
        add("vessel", "hepatic artery", *a, *b, width=6)
    for a, b in _ARTERY_TUMOUR:
        add("vessel", "hepatic artery", *a, *b, width=6)
    for a, b in _ARTERY_LIVER:
        add("vessel", "hepatic artery", *a, *b, width=2)
    for a, b in _PORTAL:
        add("vessel", "portal vein", *a, *b, width=9)
    for a, b in _PORTAL_LIVER:
        add("vessel", "portal vein", *a, *b, width=6)
    for a, b in _PORTAL_TUMOUR:
        add("vessel", "portal vein", *a, *b, width=1.5)

    # catheter: selective (tip at the tumour feeder) except HAIC (tip in the hepatic artery)
    tip = (2.6, 1.5) if modality == "HAIC" else (5.5, 2.9)
    path = [(0.0, -0.2), (0.4, 0.3), (2.6, 1.5)] + ([] if modality == "HAIC" else [(4.6, 2.2), tip])
    for a, b in zip(path[:-1], path[1:], strict=True):
        add("catheter", "catheter", *a, *b, width=2)

    occludes = modality in ("TAE", "cTACE", "DEB-TACE")
    if occludes:
        add("occlusion", "occlusion", 5.25, 2.75, width=260, text="artery blocked")
        xe, ye = _scatter(14, seed=1, cx=5.35, cy=2.85, r=0.28)
        for x, y in zip(xe, ye, strict=True):
            add("material", "embolic particles", x, y, width=40)
    if modality == "cTACE":
        xm, ym = _scatter(70, seed=2, cx=cx, cy=cy, r=r * 0.92)
        for x, y in zip(xm, ym, strict=True):
            add("material", "lipiodol + chemotherapy", x, y, width=45)
    elif modality == "DEB-TACE":
        xm, ym = _scatter(26, seed=3, cx=cx, cy=cy, r=r * 0.85)
        for x, y in zip(xm, ym, strict=True):
            add("halo", "drug released", x, y, width=520)
            add("material", "drug-eluting beads", x, y, width=70)
    elif modality == "TARE":
        xm, ym = _scatter(22, seed=4, cx=cx, cy=cy, r=r * 0.85)
        for x, y in zip(xm, ym, strict=True):
            add("halo", "beta radiation (~0.25 cm)", x, y, width=700)
            add("material", "Y-90 microspheres", x, y, width=60)
    elif modality == "HAIC":
        # drug reaches the whole liver on its first pass, most of it through the tumour's big feeder
        xm, ym = _scatter(45, seed=5, cx=cx, cy=cy, r=r * 0.95)
        xl, yl = _scatter(30, seed=6, cx=3.4, cy=4.1, r=1.5)
        xa = np.linspace(2.8, 5.5, 10)
        ya = 1.5 + (xa - 2.6) * (2.9 - 1.5) / (5.5 - 2.6)
        for x, y in zip(np.concatenate([xm, xl, xa]), np.concatenate([ym, yl, ya]), strict=True):
            add("material", "chemotherapy infusion", x, y, width=22)

    add("label", "label", cx, cy + r + 0.35, text="tumour (HCC)")
    if modality == "TAE":
        add("label", "label", cx, cy, text="ischaemia → necrosis")
    add("label", "label", 2.2, 5.6, text="normal liver")
    add("label", "label", 1.9, 0.55, text="hepatic artery")
    add("label", "label", 4.5, 0.15, text="portal vein")
    delivered = {
        "TAE": "embolic particles",
        "cTACE": "lipiodol + chemotherapy, then embolic",
        "DEB-TACE": "drug-eluting beads",
        "TARE": "Y-90 microspheres (beta radiation; microembolic)",
        "HAIC": "continuous chemotherapy infusion",
    }[modality]
    add("label", "label", 7.6, 0.6, text=f"delivered: {delivered}")
    scene = pd.DataFrame(rows)
    scene["modality"] = modality
    return scene


def trials_for_modality(modality: str, *, arms=None, trials=None):
    """Curated trial arms that used ``modality`` (from ``data.load("arms")`` and ``("trials")``).

    Parameters
    ----------
    modality : one of ``MODALITY_KEYS``.
    arms, trials : optional DataFrames shaped like the curated ``arms`` / ``trials`` tables
        (default: the curated tables).

    Returns
    -------
    pandas.DataFrame
        Columns ``trial_id``, ``trial`` (name), ``design``, ``year``, ``arm_id``, ``arm`` (label),
        ``role``, ``n`` (patients), ``arterial`` (as curated), ``systemic``, ``match`` (``exact``;
        ``TACE, technique not stated in the source`` for generic TACE arms under cTACE and
        DEB-TACE; ``combined with TACE`` for TACE+HAIC under HAIC). Empty (same columns) when
        no curated arm used the modality.
    """
    import pandas as pd

    from hcckit import data

    modality = _check_modality(modality)
    arms = data.load("arms") if arms is None else arms
    trials = data.load("trials") if trials is None else trials
    for col in ("trial_id", "arm_id", "label", "arterial", "role", "n", "systemic"):
        if col not in arms.columns:
            raise ValueError(f"arms: column {col!r} is missing")
    match = dict(_ARM_MATCH[modality])
    picked = arms[arms["arterial"].astype(str).isin(match)].copy()
    picked["match"] = picked["arterial"].astype(str).map(match)
    merged = picked.merge(
        trials[["trial_id", "name", "design", "year"]], on="trial_id", how="left", validate="many_to_one"
    )
    merged = merged.rename(columns={"name": "trial", "label": "arm"})
    merged["exact"] = merged["match"] != "exact"
    merged = merged.sort_values(["exact", "year", "trial_id", "arm_id"], ascending=[True, False, True, True])
    cols = [
        "trial_id",
        "trial",
        "design",
        "year",
        "arm_id",
        "arm",
        "role",
        "n",
        "arterial",
        "systemic",
        "match",
    ]
    out = merged[cols].reset_index(drop=True)
    out["arterial"] = out["arterial"].astype(str)
    return pd.DataFrame(out)


def blood_supply_table():
    """Where the blood comes from, normal liver vs HCC, as the review states it (bar segments).

    Returns
    -------
    pandas.DataFrame
        One row per bar segment: ``tissue`` (``Normal liver``, ``HCC``), ``vessel`` (``portal
        vein``, ``hepatic artery`` or ``not reported``), ``start_pct`` / ``end_pct`` (the segment
        on a 0-100 % axis), ``reported`` (``True`` when the source gives the number; ``False``
        for what only follows from its wording), ``statement`` (the source's words), ``source``,
        ``source_location``.

    Notes
    -----
    The review gives one number: in normal liver tissue "75% of the blood supply comes from
    the portal vein" (so about 25 % from the hepatic artery). For HCC it says only that lesions
    are "predominantly supplied by the hepatic artery, with the remaining nourished by the
    portal vein": more than half, with no percentage. So the HCC bar is arterial up to 50 %
    and "not reported" beyond.
    """
    import pandas as pd

    loc = "Review text, section on transarterial therapy (its ref. [13])"
    rows = [
        (
            "Normal liver",
            "portal vein",
            0.0,
            75.0,
            True,
            "75% of the blood supply comes from the portal vein",
        ),
        ("Normal liver", "hepatic artery", 75.0, 100.0, True, "the remaining ~25 % (100 % - 75 %)"),
        ("HCC", "hepatic artery", 0.0, 50.0, False, "predominantly supplied by the hepatic artery (> 50 %)"),
        (
            "HCC",
            "not reported",
            50.0,
            100.0,
            False,
            "exact split not given: more hepatic artery, 'the remaining' portal vein",
        ),
    ]
    table = pd.DataFrame(rows, columns=["tissue", "vessel", "start_pct", "end_pct", "reported", "statement"])
    table["source"] = REVIEW
    table["source_location"] = loc
    return table


# --------------------------------------------------------------------------- the dynamic model
@dataclass(frozen=True)
class Scenario:
    """What the teacher sets: one TACE at time 0, optionally bevacizumab (each field documented below it)."""

    embolization: float = 0.9
    """Completeness of the arterial embolization, 0-1 (0 = no embolic agent, as in HAIC;
    1 = every tumour-feeding branch blocked)."""

    chemotherapy: float = 0.5
    """Intensity of the intra-arterial chemotherapy given with the embolization, 0-1
    (0 = bland embolization, TAE; 1 = full-dose cTACE)."""

    bev_dose_mg_kg: float = 0.0
    """Bevacizumab dose in mg/kg, 0-15, given once (0 = none). 15 mg/kg intravenously every
    3 weeks is the standard dose in HCC (with atezolizumab, IMbrave150: Finn et al. NEJM
    2020;382:1894-905; with durvalumab after TACE, EMERALD-1: Sangro et al. Lancet
    2025;405:216-32). 5 mg/kg intra-arterially is investigational: one RCT (Yan 2025) and
    BEVA-TACE used it. The model's dose axis is not calibrated to patients."""

    bev_time_h: float = 0.0
    """When bevacizumab is given, in hours after TACE, 0-336 (0 = right after TACE, as in the RCT)."""

    immune_priming: float = 0.0
    """Strength of the immune response primed by antigen released from dying tumour cells,
    0-1 (0 = ignored; 1 = strong, e.g. with an immune checkpoint inhibitor)."""

    _LIMITS = {
        "embolization": (0.0, 1.0),
        "chemotherapy": (0.0, 1.0),
        "bev_dose_mg_kg": (0.0, 15.0),
        "bev_time_h": (0.0, 336.0),
        "immune_priming": (0.0, 1.0),
    }

    def __post_init__(self):
        for name, (lo, hi) in self._LIMITS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
                raise ValueError(f"{name}: must be a number, got {value!r}")
            if not lo <= float(value) <= hi:
                raise ValueError(f"{name}: must be between {lo:g} and {hi:g}, got {value!r}")
            object.__setattr__(self, name, float(value))

    def without_bevacizumab(self) -> Scenario:
        """The same TACE without bevacizumab (the reference curve)."""
        return replace(self, bev_dose_mg_kg=0.0, bev_time_h=0.0)


#: Ready-made scenarios for the lesson (label -> Scenario).
PRESETS = {
    "TACE alone": Scenario(),
    "TACE + bevacizumab 5 mg/kg right after (as in the RCT)": Scenario(bev_dose_mg_kg=5.0, bev_time_h=0.0),
    # 15 mg/kg is the standard IV dose in HCC (every 3 weeks); the model gives it once, as a bolus
    "TACE + bevacizumab 15 mg/kg (standard IV dose, once)": Scenario(bev_dose_mg_kg=15.0, bev_time_h=0.0),
    "TACE + bevacizumab 5 mg/kg one week later": Scenario(bev_dose_mg_kg=5.0, bev_time_h=168.0),
    "TAE (no chemotherapy)": Scenario(chemotherapy=0.0),
}


def _doc(default: float, unit: str, meaning: str, behaviour: str):
    return field(default=default, metadata={"unit": unit, "meaning": meaning, "behaviour": behaviour})


@dataclass(frozen=True)
class ModelParameters:
    """Rate constants of the teaching model: illustrative choices, not measured values.

    Each field carries ``unit``, ``meaning`` and ``behaviour`` (which qualitative statement of
    the sources it produces) in its metadata; :func:`parameter_table` lists them. Quantities
    without a unit are relative (1 = before TACE) or fractions (0-1).
    """

    arterial_share: float = _doc(
        0.9,
        "fraction 0-1",
        "share of the tumour's inflow that comes through the hepatic artery",
        "HCC is predominantly arterially fed, so arterial embolization starves it (review)",
    )
    o2_half: float = _doc(
        0.5,
        "relative",
        "oxygen delivery at which half of the tumour is hypoxic (pre-TACE delivery = 1)",
        "hypoxia rises steeply once perfusion falls (embolization -> hypoxia)",
    )
    tau_hif_h: float = _doc(
        16.0,
        "hours",
        "time constant of HIF-1alpha accumulation",
        "hypoxia -> HIF-1alpha within hours (review)",
    )
    tau_adapt_h: float = _doc(
        48.0,
        "hours",
        "time constant of the cells' adaptation that switches HIF-1alpha off again under lasting hypoxia",
        "the HIF/VEGF response is a transient surge, not a new steady level",
    )
    adaptation: float = _doc(
        1.0,
        "fraction 0-1",
        "how completely that adaptation cancels the HIF-1alpha signal (1 = fully)",
        "VEGF returns towards baseline after the surge",
    )
    tau_vegf_h: float = _doc(
        48.0,
        "hours",
        "VEGF turnover time (production by HIF-active cells, clearance)",
        "the VEGF surge peaks 48-72 h after TACE (RCT discussion, its ref. [22])",
    )
    vegf_basal: float = _doc(
        0.1,
        "relative",
        "VEGF production that does not depend on tumour HIF (stroma, normal liver)",
        "VEGF never drops to zero when tumour cells die",
    )
    bev_binding: float = _doc(
        1.5,
        "x 5 mg/kg",
        "bevacizumab level (in units of a 5 mg/kg dose) that halves free VEGF",
        "bevacizumab neutralises VEGF: the surge is blunted (RCT)",
    )
    bev_half_life_h: float = _doc(
        480.0,
        "hours",
        "elimination half-life of bevacizumab (illustrative, about three weeks)",
        "one dose acts for weeks, so timing relative to the surge matters",
    )
    k_angio_per_h: float = _doc(
        0.002,
        "per hour",
        "rate of new-vessel growth per unit of free VEGF above baseline",
        "VEGF surge -> revascularisation -> regrowth (review; RCT)",
    )
    new_vessels_max: float = _doc(
        1.2, "relative", "ceiling of new vessels (pre-TACE vessel bed = 1)", "revascularisation saturates"
    )
    tau_recanal_h: float = _doc(
        1440.0,
        "hours",
        "time constant of recanalisation of the embolized arteries",
        "embolization is partly temporary (why TACE is repeated)",
    )
    quality_gain: float = _doc(
        1.0,
        "relative",
        "how much better vessels carry blood when free VEGF is low (0 = no normalisation)",
        "anti-VEGF 'normalises' leaky tumour vessels for a while: better perfusion and oxygenation "
        "(Jain, Science 2005; Winkler et al., Cancer Cell 2004, in mice)",
    )
    tau_quality_h: float = _doc(
        168.0, "hours", "time constant of vessel (ab)normalisation", "normalisation takes days"
    )
    new_vessel_function: float = _doc(
        0.4,
        "fraction 0-1",
        "blood a new, VEGF-driven vessel carries relative to a mature one (leaky, tortuous, immature)",
        "revascularisation under a VEGF surge restores vessels faster than it restores oxygen "
        "(abnormal tumour vessels deliver oxygen poorly; Jain, Science 2005)",
    )
    prune_quality_loss: float = _doc(
        0.75,
        "fraction 0-1",
        "how much function the vessels lose where pruning has hit the vessel bed (the damage heals "
        "as slowly as embolized arteries recanalise, tau_recanal_h)",
        "beyond the window vessels regress and perfuse worse: quality gain peaks at an intermediate "
        "dose and falls in the pruning zone (a preclinical idea: Jain, Science 2005; Huang et al., "
        "PNAS 2012, in mice)",
    )
    prune_level: float = _doc(
        2.0,
        "x 5 mg/kg",
        "bevacizumab level at which vessel pruning reaches half its maximum rate",
        "sustained or high exposure regresses vessels into hypoxia; that the window depends on dose is a "
        "preclinical hypothesis (Huang et al., PNAS 2012, in mice; BEVA-TACE paper)",
    )
    k_prune_per_h: float = _doc(
        0.004,
        "per hour",
        "maximum rate of vessel pruning by bevacizumab",
        "high or sustained exposure prunes",
    )
    growth_per_h: float = _doc(
        0.0016,
        "per hour",
        "growth rate of well-oxygenated viable tumour with its full pre-TACE vessel bed",
        "revascularised tumour regrows",
    )
    vessel_support: float = _doc(
        1.0,
        "exponent",
        "how strongly tumour growth depends on the size of its vessel bed (mature + new vessels; "
        "0 = not at all)",
        "the tumour regrows on the vessels the VEGF surge rebuilds (review; RCT)",
    )
    tumour_max: float = _doc(
        3.0,
        "relative",
        "carrying capacity of the tumour (pre-TACE viable tumour = 1)",
        "growth slows when large",
    )
    k_necrosis_per_h: float = _doc(
        0.015,
        "per hour",
        "death rate of tumour cells under severe hypoxia",
        "embolization -> ischaemic necrosis (review, Figure 1A)",
    )
    hypoxia_tolerance: float = _doc(
        0.5,
        "fraction 0-1",
        "hypoxia level cells survive before adapting",
        "only severely starved tumour dies",
    )
    tolerance_gain: float = _doc(
        0.3,
        "fraction 0-1",
        "extra hypoxia tolerance gained by adapted (surviving) cells",
        "residual tumour survives persistent hypoxia through alternative pathways (RCT discussion)",
    )
    k_chemo_per_h: float = _doc(
        0.003,
        "per hour",
        "kill rate of full-dose intra-arterial chemotherapy at time 0",
        "TACE adds concentrated chemotherapy to ischaemia (review, Figure 1B)",
    )
    tau_chemo_h: float = _doc(
        96.0,
        "hours",
        "how long the drug stays in the tumour (lipiodol / beads retain it)",
        "chemotherapy acts for days",
    )
    k_prime: float = _doc(
        3.0,
        "relative",
        "immune activation per unit of tumour killed (antigen release)",
        "necrosis releases antigens and recruits T cells (review, 'cold' to 'hot')",
    )
    tau_immune_h: float = _doc(
        240.0, "hours", "lifetime of the primed immune response", "priming fades over weeks"
    )
    k_immune_per_h: float = _doc(
        0.01,
        "per hour",
        "kill rate of the primed immune response in well-perfused tumour",
        "T cells need vessels to arrive: normalised vessels help, pruned vessels hinder",
    )

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
                raise ValueError(f"{f.name}: must be a finite number, got {value!r}")
            if value < 0:
                raise ValueError(f"{f.name}: must be >= 0, got {value!r}")
        for name in (
            "o2_half",
            "tau_hif_h",
            "tau_adapt_h",
            "tau_vegf_h",
            "bev_binding",
            "bev_half_life_h",
            "tau_recanal_h",
            "tau_quality_h",
            "prune_level",
            "tumour_max",
            "tau_chemo_h",
            "tau_immune_h",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name}: must be > 0, got {getattr(self, name)!r}")


def parameter_table(parameters: ModelParameters | None = None):
    """Every model parameter with its value, unit, meaning and the behaviour it produces.

    Returns
    -------
    pandas.DataFrame
        Columns ``parameter``, ``value``, ``unit``, ``meaning``, ``behaviour`` (the qualitative
        statement of the sources it is there to reproduce). The values are illustrative choices,
        none is fitted to patient data.
    """
    import pandas as pd

    parameters = ModelParameters() if parameters is None else parameters
    rows = [
        {
            "parameter": f.name,
            "value": getattr(parameters, f.name),
            "unit": f.metadata["unit"],
            "meaning": f.metadata["meaning"],
            "behaviour": f.metadata["behaviour"],
        }
        for f in fields(parameters)
    ]
    return pd.DataFrame(rows)


# state order of the ODE system
_STATES = (
    "mature_vessels",
    "new_vessels",
    "vessel_quality",
    "hif",
    "adaptation",
    "vegf_total",
    "tumour",
    "immune",
    "prune_damage",
)


def _bev_level(t, dose_mg_kg: float, time_h: float, half_life_h: float):
    """Bevacizumab in units of a 5 mg/kg dose: a bolus at ``time_h``, then first-order decay."""
    import numpy as np

    t = np.asarray(t, dtype=float)
    if dose_mg_kg <= 0:
        return np.zeros_like(t)
    return np.where(t >= time_h, (dose_mg_kg / 5.0) * np.exp2(-(t - time_h) / half_life_h), 0.0)


def _hypoxia(o2, o2_half):
    import numpy as np

    return 1.0 / (1.0 + (np.maximum(o2, 0.0) / o2_half) ** 2)


def _rhs(t, y, p: ModelParameters, s: Scenario, bev_on: bool):
    import numpy as np

    mature, new, quality, hif, adapt, vegf, tumour, immune, damage = y
    x0 = 1.0 / (1.0 + (1.0 / p.o2_half) ** 2)  # pre-TACE hypoxia
    bev = (s.bev_dose_mg_kg / 5.0) * 2.0 ** (-(t - s.bev_time_h) / p.bev_half_life_h) if bev_on else 0.0
    free = vegf / (1.0 + bev / p.bev_binding)
    o2 = (mature + p.new_vessel_function * new) * quality
    hyp = 1.0 / (1.0 + (max(o2, 0.0) / p.o2_half) ** 2)
    pruning = (bev / p.prune_level) ** 4 / (1.0 + (bev / p.prune_level) ** 4)  # 0-1
    prune = p.k_prune_per_h * pruning
    d_mature = (1.0 - mature) / p.tau_recanal_h - prune * mature
    d_new = p.k_angio_per_h * max(free - 1.0, 0.0) * (p.new_vessels_max - new) - prune * new
    target_q = (
        (1.0 + p.quality_gain) / (1.0 + p.quality_gain * free**2) * (1.0 - p.prune_quality_loss * damage)
    )
    d_quality = (target_q - quality) / p.tau_quality_h
    d_adapt = (hyp - adapt) / p.tau_adapt_h
    d_hif = (hyp - p.adaptation * (adapt - x0) - hif) / p.tau_hif_h
    d_vegf = ((p.vegf_basal + max(hif, 0.0) * tumour) / (p.vegf_basal + x0) - vegf) / p.tau_vegf_h
    tolerance = p.hypoxia_tolerance + p.tolerance_gain * max(adapt - x0, 0.0)
    necrosis = p.k_necrosis_per_h * max(hyp - tolerance, 0.0)
    chemo = s.chemotherapy * p.k_chemo_per_h * math.exp(-t / p.tau_chemo_h)
    growth = (
        p.growth_per_h
        * (1.0 - hyp)
        / (1.0 - x0)
        * (1.0 - tumour / p.tumour_max)
        * (mature + new) ** p.vessel_support
    )
    d_tumour = (growth - necrosis - chemo - p.k_immune_per_h * immune * min(o2, 1.5)) * tumour
    d_immune = s.immune_priming * p.k_prime * (necrosis + chemo) * tumour - immune / p.tau_immune_h
    # share of the vessel bed hit by pruning; it heals only as slowly as embolized arteries recanalise
    d_damage = prune * (1.0 - damage) - damage / p.tau_recanal_h
    return np.array([d_mature, d_new, d_quality, d_hif, d_adapt, d_vegf, d_tumour, d_immune, d_damage])


def _time_grid(days: float):
    import numpy as np

    end = days * 24.0
    first_week = np.arange(0.0, min(168.0, end) + 1e-9, 2.0)
    later = np.linspace(168.0, end, max(2, int(round((end - 168.0) / 6.0)) + 1)) if end > 168 else []
    return np.unique(np.concatenate([first_week, later]))


@functools.lru_cache(maxsize=256)
def _solve(scenario: Scenario, parameters: ModelParameters, days: float):
    import numpy as np
    from scipy.integrate import solve_ivp

    p, s = parameters, scenario
    x0 = 1.0 / (1.0 + (1.0 / p.o2_half) ** 2)
    y = np.array([1.0 - s.embolization * p.arterial_share, 0.0, 1.0, x0, x0, 1.0, 1.0, 0.0, 0.0])
    grid = _time_grid(days)
    end = float(grid[-1])
    bev = s.bev_dose_mg_kg > 0
    # integrate piecewise so the solver never steps across the bevacizumab bolus
    cuts = [0.0, s.bev_time_h, end] if bev and 0.0 < s.bev_time_h < end else [0.0, end]
    times, values = [], []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        on = bev and a >= s.bev_time_h
        t_eval = grid[(grid >= a) & (grid <= b)]
        sol = solve_ivp(
            _rhs,
            (a, b),
            y,
            args=(p, s, on),
            t_eval=t_eval,
            method="LSODA",
            rtol=1e-5,
            atol=1e-8,
            max_step=12.0,
        )
        if not sol.success:  # pragma: no cover - defensive
            raise ValueError(f"model: the ODE solver failed ({sol.message})")
        times.append(sol.t)
        values.append(sol.y)
        y = sol.y[:, -1]
    t = np.concatenate(times)
    v = np.concatenate(values, axis=1)
    t, keep = np.unique(t, return_index=True)
    return t, v[:, keep]


def simulate(
    scenario: Scenario | None = None, *, parameters: ModelParameters | None = None, days: float = 60
):
    """Solve the qualitative TACE/VEGF model for one scenario (scipy ``solve_ivp``, LSODA).

    **Qualitative teaching model, not predictive, not fitted to patient data.**

    Model (time ``t`` in hours after one TACE at ``t = 0``; relative quantities are 1 before TACE):

    * embolization removes ``embolization x arterial_share`` of the tumour's vessel bed at once;
      oxygen delivery = (mature + new vessels) x vessel quality; hypoxia (0-1) rises steeply as
      oxygen delivery falls;
    * HIF-1alpha follows hypoxia within hours and is switched off again by adaptation over days,
      so VEGF (made by HIF-active viable tumour cells) surges and peaks 48-72 h after TACE;
    * free VEGF above baseline grows new vessels (revascularisation) and makes vessels leaky
      (lower quality); the tumour regrows as oxygen returns;
    * bevacizumab (a bolus of ``bev_dose_mg_kg`` at ``bev_time_h``, half-life ~3 weeks)
      neutralises VEGF: the surge is blunted and fewer leaky new vessels grow; the vessels
      normalise (quality rises), so oxygen delivery improves and hypoxia is *lower* than after
      TACE alone (Jain, Science 2005). High levels prune vessels, and where pruning has hit the
      bed the remaining vessels lose function (``prune_quality_loss``; the damage heals slowly):
      hypoxia. The window is mainly a *time* window after the drug starts (Winkler et al.,
      Cancer Cell 2004); its dependence on dose is a preclinical hypothesis (Huang et al.,
      PNAS 2012, in mice), drawn here for teaching, not a dosing recommendation;
    * new, VEGF-driven vessels carry less blood than mature ones (``new_vessel_function``) and
      the tumour's growth scales with its vessel bed (``vessel_support``);
    * chemotherapy kills tumour for a few days; necrosis can prime an immune response that kills
      well-perfused tumour (``immune_priming``).

    Parameters
    ----------
    scenario : Scenario, default ``Scenario()`` (TACE alone, 90 % embolization, half-dose chemo).
    parameters : ModelParameters, default ``ModelParameters()``.
    days : float, default 60
        Length of the simulation in days (7-180).

    Returns
    -------
    pandas.DataFrame
        One row per time point (every 2 h for the first week, then every 6 h): ``time_h``,
        ``time_days``, ``bevacizumab`` (x a 5 mg/kg dose), ``vessel_density`` (mature + new),
        ``new_vessels``, ``vessel_quality``, ``oxygen_delivery``, ``hypoxia`` (0-1),
        ``hif`` (x pre-TACE), ``vegf_total``, ``vegf_free`` (x pre-TACE), ``tumour``
        (viable tumour, x pre-TACE), ``immune`` (primed immune activity, relative),
        ``prune_hazard`` (cumulative vessel-pruning hazard). ``attrs["scenario"]`` and
        ``attrs["parameters"]`` hold the inputs as dicts.
    """
    import numpy as np
    import pandas as pd

    scenario = Scenario() if scenario is None else scenario
    parameters = ModelParameters() if parameters is None else parameters
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario: expected a Scenario, got {type(scenario).__name__}")
    if not isinstance(parameters, ModelParameters):
        raise TypeError(f"parameters: expected ModelParameters, got {type(parameters).__name__}")
    if isinstance(days, bool) or not isinstance(days, numbers.Real) or not 7 <= days <= 180:
        raise ValueError(f"days: must be a number of days between 7 and 180, got {days!r}")
    t, v = _solve(scenario, parameters, float(days))
    p = parameters
    state = dict(zip(_STATES, v, strict=True))
    x0 = 1.0 / (1.0 + (1.0 / p.o2_half) ** 2)
    bev = _bev_level(t, scenario.bev_dose_mg_kg, scenario.bev_time_h, p.bev_half_life_h)
    free = state["vegf_total"] / (1.0 + bev / p.bev_binding)
    o2 = (state["mature_vessels"] + p.new_vessel_function * state["new_vessels"]) * state["vessel_quality"]
    prune_rate = p.k_prune_per_h * (bev / p.prune_level) ** 4 / (1.0 + (bev / p.prune_level) ** 4)
    hazard = np.concatenate([[0.0], np.cumsum(np.diff(t) * (prune_rate[1:] + prune_rate[:-1]) / 2)])
    out = pd.DataFrame(
        {
            "time_h": t,
            "time_days": t / 24.0,
            "bevacizumab": bev,
            "vessel_density": state["mature_vessels"] + state["new_vessels"],
            "new_vessels": state["new_vessels"],
            "vessel_quality": state["vessel_quality"],
            "oxygen_delivery": o2,
            "hypoxia": _hypoxia(o2, p.o2_half),
            "hif": state["hif"] / x0,
            "vegf_total": state["vegf_total"],
            "vegf_free": free,
            "tumour": np.maximum(state["tumour"], 0.0),
            "immune": np.maximum(state["immune"], 0.0),
            "prune_hazard": hazard,
        }
    )
    out.attrs["scenario"] = asdict(scenario)
    out.attrs["parameters"] = asdict(parameters)
    return out


@dataclass(frozen=True)
class ModelSummary:
    """Key numbers of one model run (all qualitative: relative units, model time; each field documented below it)."""

    vegf_peak_h: float
    """Hours after TACE at which free VEGF peaks within the first week."""
    vegf_peak_fold: float
    """That peak, x the pre-TACE level."""
    vegf_peak_in_window: bool
    """Whether the peak falls within 48-72 h (the timing the RCT's discussion cites)."""
    hif_peak_h: float
    """Hours after TACE at which HIF-1alpha peaks."""
    mean_hypoxia: float
    """Mean hypoxia (0-1) from day 7 to day 42."""
    vessel_quality: float
    """Mean vessel quality from day 7 to day 42 (x pre-TACE; > 1 = normalised)."""
    pruned_pct: float
    """% of the vessel bed that pruning by bevacizumab alone would remove by day 42."""
    tumour_nadir: float
    """Smallest viable tumour (x pre-TACE)."""
    tumour_nadir_day: float
    """When the tumour is smallest (days)."""
    regrowth_day: float | None
    """First day after the nadir when viable tumour is back at its pre-TACE level (None: not
    within the simulated time)."""
    tumour_end: float
    """Viable tumour at the end of the run (x pre-TACE)."""

    def __str__(self) -> str:
        regrowth = (
            f"viable tumour back to its pre-TACE level on day {self.regrowth_day:.0f}"
            if self.regrowth_day is not None
            else "viable tumour not back to its pre-TACE level within the simulated time"
        )
        return (
            f"Free VEGF peaks {self.vegf_peak_h:.0f} h after TACE at {self.vegf_peak_fold:.1f} x baseline; "
            f"mean hypoxia days 7-42: {self.mean_hypoxia:.2f}; vessel quality {self.vessel_quality:.2f} x; "
            f"vessels pruned by bevacizumab: {self.pruned_pct:.0f} %; tumour nadir {self.tumour_nadir:.2f} x "
            f"on day {self.tumour_nadir_day:.0f}; {regrowth}. (Qualitative model, not a prediction.)"
        )

    def _repr_html_(self) -> str:
        import html

        return f"<p class='hcckit-model-summary'>{html.escape(str(self))}</p>"


def _window_mean(run, column: str, start_day: float = 7.0, end_day: float = 42.0) -> float:
    import numpy as np

    sel = (run["time_days"] >= start_day) & (run["time_days"] <= end_day)
    t = run.loc[sel, "time_h"].to_numpy()
    y = run.loc[sel, column].to_numpy()
    if len(t) < 2:
        return float(y.mean()) if len(y) else math.nan
    return float(np.trapezoid(y, t) / (t[-1] - t[0]))


def summarize(run) -> ModelSummary:
    """Summarise a :func:`simulate` result (peak timing, hypoxia, normalisation, regrowth)."""
    import numpy as np

    for col in ("time_h", "vegf_free", "hif", "hypoxia", "vessel_quality", "tumour", "prune_hazard"):
        if col not in run.columns:
            raise ValueError(f"run: column {col!r} is missing (pass the table returned by simulate())")
    week = run[run["time_h"] <= 168.0]
    i_v = int(np.argmax(week["vegf_free"].to_numpy()))
    i_h = int(np.argmax(week["hif"].to_numpy()))
    peak_h = float(week["time_h"].iloc[i_v])
    tumour = run["tumour"].to_numpy()
    i_min = int(np.argmin(tumour))
    after = np.nonzero(tumour[i_min:] >= 1.0)[0]
    regrowth = float(run["time_days"].iloc[i_min + after[0]]) if len(after) and i_min > 0 else None
    sel = run["time_days"] <= 42.0
    hazard = float(run.loc[sel, "prune_hazard"].iloc[-1])
    return ModelSummary(
        vegf_peak_h=peak_h,
        vegf_peak_fold=float(week["vegf_free"].iloc[i_v]),
        vegf_peak_in_window=bool(VEGF_PEAK_WINDOW_H[0] <= peak_h <= VEGF_PEAK_WINDOW_H[1]),
        hif_peak_h=float(week["time_h"].iloc[i_h]),
        mean_hypoxia=_window_mean(run, "hypoxia"),
        vessel_quality=_window_mean(run, "vessel_quality"),
        pruned_pct=100.0 * (1.0 - math.exp(-hazard)),
        tumour_nadir=float(tumour[i_min]),
        tumour_nadir_day=float(run["time_days"].iloc[i_min]),
        regrowth_day=regrowth,
        tumour_end=float(tumour[-1]),
    )


#: Thresholds that define the model's normalisation window (see :func:`dose_window`).
WINDOW_MIN_QUALITY_GAIN_PCT = 10.0
WINDOW_MAX_PRUNED_PCT = 10.0


@functools.lru_cache(maxsize=64)
def _window(base: Scenario, parameters: ModelParameters, doses: tuple, days: float):
    rows = []
    ref = summarize(simulate(base.without_bevacizumab(), parameters=parameters, days=days))
    for dose in doses:
        s = replace(base, bev_dose_mg_kg=float(dose)) if dose > 0 else base.without_bevacizumab()
        res = summarize(simulate(s, parameters=parameters, days=days))
        gain = 100.0 * (res.vessel_quality / ref.vessel_quality - 1.0)
        if dose == 0:
            zone = "no bevacizumab"
        elif gain >= WINDOW_MIN_QUALITY_GAIN_PCT and res.mean_hypoxia < ref.mean_hypoxia:
            zone = "normalisation window"
        elif res.pruned_pct > WINDOW_MAX_PRUNED_PCT:
            zone = "pruning (hypoxia)"
        else:
            zone = "below the window"
        rows.append(
            {
                "dose_mg_kg": float(dose),
                "vegf_peak_fold": res.vegf_peak_fold,
                "quality_gain_pct": gain,
                "pruned_pct": res.pruned_pct,
                "mean_hypoxia": res.mean_hypoxia,
                "hypoxia_change": res.mean_hypoxia - ref.mean_hypoxia,
                "zone": zone,
            }
        )
    return rows


def dose_window(
    scenario: Scenario | None = None,
    *,
    doses=(0.0, 2.5, 5.0, 7.5, 10.0, 12.5, 15.0),
    parameters: ModelParameters | None = None,
    days: float = 42,
):
    """The model's "normalisation window" over dose: what each bevacizumab dose does, other settings fixed.

    **Qualitative teaching model, not predictive.** Normalised vessels carry blood and oxygen
    better, so hypoxia falls (Jain, Science 2005); sustained or high exposure regresses
    vessels into hypoxia. The window is mainly a *time* window after anti-VEGF starts (Winkler
    et al., Cancer Cell 2004); that it also depends on dose is a **preclinical hypothesis**
    (Huang et al., PNAS 2012, in mice; BEVA-TACE paper, Zhang 2021). In patients the standard
    bevacizumab dose in HCC is 15 mg/kg IV every 3 weeks (IMbrave150, EMERALD-1); the doses
    here are model inputs, not a dosing recommendation.

    Parameters
    ----------
    scenario : Scenario
        Everything but the dose is taken from here (embolization, chemotherapy, timing, immune).
    doses : sequence of float
        Bevacizumab doses in mg/kg (0-15).
    parameters : ModelParameters
    days : float, default 42
        Simulated days (the window measures are taken over days 7-42).

    Returns
    -------
    pandas.DataFrame
        One row per dose: ``dose_mg_kg``, ``vegf_peak_fold`` (free VEGF peak, x pre-TACE),
        ``quality_gain_pct`` (mean vessel quality days 7-42 vs the same TACE without bevacizumab,
        %), ``pruned_pct`` (% of vessels pruned by day 42), ``mean_hypoxia`` (0-1, days 7-42),
        ``hypoxia_change`` (``mean_hypoxia`` minus that of TACE alone; negative = better
        oxygenated) and ``zone``: ``no bevacizumab``; ``normalisation window`` (quality gain
        >= 10 % *and* less hypoxia than TACE alone); ``pruning (hypoxia)`` (otherwise, when
        > 10 % of vessels are pruned); ``below the window`` (the rest).
    """
    import pandas as pd

    scenario = Scenario() if scenario is None else scenario
    parameters = ModelParameters() if parameters is None else parameters
    try:
        doses = tuple(float(d) for d in doses)
    except (TypeError, ValueError):
        raise ValueError(f"doses: must be numbers in mg/kg, got {doses!r}") from None
    if not doses:
        raise ValueError("doses: give at least one dose")
    if isinstance(days, bool) or not isinstance(days, numbers.Real) or not 42 <= days <= 180:
        raise ValueError(f"days: must be between 42 and 180 (the measures use days 7-42), got {days!r}")
    for d in doses:
        if not 0 <= d <= 15:
            raise ValueError(f"doses: each dose must be between 0 and 15 mg/kg, got {d:g}")
    # the cache key leaves the dose out: moving the dose slider reuses the window
    return pd.DataFrame(_window(replace(scenario, bev_dose_mg_kg=0.0), parameters, doses, float(days)))


# --------------------------------------------------------------------------- trial evidence
_ITEM_LABELS = {
    "Ktrans": "Ktrans (transfer constant)",
    "blood_flow": "Tumour blood flow",
    "plasma_volume": "Plasma volume",
    "VEGF": "VEGF (plasma)",
    "SDF-1": "SDF-1 (plasma)",
}


def _rct_rows(endpoint: str, trial_id: str, outcomes=None):
    from hcckit import data

    outcomes = data.load("outcomes") if outcomes is None else outcomes
    arms = data.load("arms")
    rows = outcomes[(outcomes["trial_id"] == trial_id) & (outcomes["endpoint"] == endpoint)].copy()
    labels = arms[arms["trial_id"] == trial_id].set_index("arm_id")["label"]
    rows["arm"] = rows["arm_id"].map(labels).fillna(rows["arm_id"])
    return rows


def perfusion_table(*, trial_id: str = RCT_ID, outcomes=None):
    """DCE-MRI perfusion after treatment, per arm (curated, RCT Table 2).

    Returns
    -------
    pandas.DataFrame
        Columns ``item`` (``Ktrans``, ``blood_flow``, ``plasma_volume``), ``label``, ``unit``
        (``min^-1``, ``mL/100 g/min``, ``%``), ``arm_id``, ``arm``, ``mean``, ``spread``,
        ``spread_kind`` (as printed: SE), ``n`` (patients), ``source_location``, ``note``.
        Empty (same columns) when the trial has no perfusion rows.
    """
    rows = _rct_rows("perfusion", trial_id, outcomes)
    out = rows.assign(
        label=rows["item"].map(_ITEM_LABELS).fillna(rows["item"]),
        mean=rows["value"].astype(float),
        spread=rows["spread_low"].astype(float),
    )
    cols = [
        "item",
        "label",
        "unit",
        "arm_id",
        "arm",
        "mean",
        "spread",
        "spread_kind",
        "n",
        "source_location",
        "note",
    ]
    return out[cols].reset_index(drop=True)


def biomarker_change_table(*, trial_id: str = RCT_ID, outcomes=None):
    """Relative reductions reported for the combination arm (curated, RCT Discussion).

    Returns
    -------
    pandas.DataFrame
        Columns ``item`` (``Ktrans``, ``blood_flow``, ``VEGF``, ``SDF-1``), ``label``, ``kind``
        (``DCE-MRI perfusion`` or ``plasma biomarker``), ``change_pct`` (%, negative = lower with
        the combination), ``arm``, ``source_location``, ``note`` (what the reference was).
    """
    rows = _rct_rows("biomarker_change", trial_id, outcomes)
    out = rows.assign(
        label=rows["item"].map(_ITEM_LABELS).fillna(rows["item"]),
        kind=rows["item"].map(
            lambda i: "plasma biomarker" if i in ("VEGF", "SDF-1") else "DCE-MRI perfusion"
        ),
        change_pct=rows["value"].astype(float),
    )
    cols = ["item", "label", "kind", "change_pct", "arm", "source_location", "note"]
    return out[cols].reset_index(drop=True)


def tace_sessions_table(*, trial_id: str = RCT_ID, outcomes=None):
    """Number of TACE sessions per arm (curated; RCT Section 3.2: mean 2.1 vs 3.4).

    Returns
    -------
    pandas.DataFrame
        Columns ``arm_id``, ``arm``, ``value`` (sessions, count), ``statistic`` (mean/median),
        ``spread_kind`` (SD/range/IQR as printed), ``spread_low``, ``spread_high``, ``n``,
        ``source_location``, ``note``.
    """
    rows = _rct_rows("tace_sessions", trial_id, outcomes)
    out = rows.assign(
        value=rows["value"].astype(float),
        spread_low=rows["spread_low"].astype(float),
        spread_high=rows["spread_high"].astype(float),
    )
    cols = [
        "arm_id",
        "arm",
        "value",
        "statistic",
        "spread_kind",
        "spread_low",
        "spread_high",
        "n",
        "source_location",
        "note",
    ]
    return out[cols].reset_index(drop=True)


def relative_reduction(control: float, treated: float) -> float:
    """Relative reduction of ``treated`` against ``control``, in %: ``100 * (control - treated) / control``.

    ``relative_reduction(0.34, 0.21)`` is 38.2 (the RCT's Ktrans reduction from Table 2).
    A negative result means the treated value is higher.
    """
    for name, value in (("control", control), ("treated", treated)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise ValueError(f"{name}: must be a finite number, got {value!r}")
    if control == 0:
        raise ValueError("control: must not be 0 (a relative change needs a non-zero reference)")
    return 100.0 * (control - treated) / control
