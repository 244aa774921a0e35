"""SYNTHETIC multiphase liver CT phantom for the imaging lab: HCC before and after TACE.

These images are NOT patient data. Every scan is labelled ``SYNTHETIC`` (in :attr:`Scan.label`
and burnt into the top-left corner of every slice), every :class:`Case` has ``synthetic=True``.

The model
---------
A scan is a stack of axial slices, ``(slices, rows, cols)`` = 16 x 192 x 192 pixels of
1.0 x 1.0 mm, slices 5 mm thick, in Hounsfield units (int16; 1.2 MB a scan). Image left is the
patient's right (radiological convention); row 0 is anterior. The field of view is centred on the
liver (192 mm), so the body outline is cut at the sides.

Every structure is an analytic shape: ellipses (in-plane, rotated) that are cross-sections of
ellipsoids (lesions) or of a tapering liver, circles (aorta, spine) and tubes (the right portal vein
branch). Edges carry one pixel of partial volume (the fraction of the pixel inside the shape,
from the distance to the boundary), so thresholding halfway between two tissues recovers a
boundary to a fraction of a pixel. Each lesion's longest diameter lies in the axial plane of
its centre slice (``truth["slice"]``), so the ground-truth diameters are what the pixels show
on that slice: ``ld_mm`` the longest diameter of the whole lesion, ``perp_mm`` the greatest
diameter perpendicular to it, ``viable_ld_mm`` / ``viable_perp_mm`` those of the arterially
enhancing part (0 when nothing enhances). Gaussian noise (SD 10 HU, seeded) is added to every
pixel.

Tissue values (HU) per phase
----------------------------
Teaching approximations: round numbers typical of multiphase liver CT, chosen so that the
patterns are recognisable (they are not taken from one source and real scans vary widely with
scanner, contrast dose and timing). Liver 80 / 110 HU follows the kit's imaging interface
(unenhanced liver about 60 HU).

======================== ========= ============== ===========================================
tissue                   arterial  portal-venous  why
======================== ========= ============== ===========================================
air                      -1000     -1000
subcutaneous fat         -100      -100
abdominal wall muscle    55        65
other abdominal tissue   20        30             bowel and mesentery, simplified
liver                    80        110            enhances mostly in the portal-venous phase
aorta                    300       160            bright in the arterial phase
inferior vena cava       70        130            unopacified in the arterial phase
portal vein              130       180            bright in the portal-venous phase
vertebral body           450       450
viable HCC               130       90             arterial hyperenhancement, washout
necrosis                 25        25             non-enhancing, fluid-like
Lipiodol deposit         600       600            bright on every phase (> 300 HU): not tumour
typical new nodule       130       90             arterial hyperenhancement + washout
atypical new nodule      120       115            arterial hyperenhancement, no washout
tumour thrombus (PVTT)   100       75             enhancing thrombus; a filling defect in the
                                                  bright portal vein
======================== ========= ============== ===========================================

The case ``tace_response``
--------------------------
Visits on day 0 (before TACE), day 42 and day 84 after TACE; an arterial and a portal-venous
scan each. Lesions (ids as in the response engine's input):

- ``A`` segment VIII HCC, target: 50 x 40 mm, fully enhancing at baseline. Day 42: 48 x 40 mm
  (whole lesion), its viable part a 28 x 18 mm enhancing nodule at the margin, the rest necrotic,
  with an 11 x 9 mm Lipiodol deposit in the necrotic core. Day 84: 47 x 39 mm, viable 24 x 16 mm.
- ``B`` segment VI HCC, target: 30 x 25 mm, fully enhancing; days 42 and 84 29 x 24 and
  27 x 22 mm, completely necrotic (viable 0 mm).
- ``PVTT`` tumour thrombus in the right portal vein, non-target (non-measurable), present at
  every visit (non-CR/non-PD at follow-up).
- ``N1`` day 84: typical new nodule in segment IV, 11 x 10 mm (arterial hyperenhancement and
  washout; mRECIST counts a typical intrahepatic nodule of >= 10 mm as progression).
- ``N2`` day 84: atypical new nodule in segment VI, 12 x 10 mm (enhances, no washout; mRECIST
  counts it only after >= 10 mm interval growth).

What the criteria make of it is computed by :mod:`hcckit.response` (see
:func:`hcckit.imaging.measure.compare_verdicts`), never written here: with these diameters the
whole-lesion criteria (RECIST 1.1, WHO) and the viable-tumour ones (mRECIST, EASL) disagree on
day 42, and N1 sits 1 mm above mRECIST's 10 mm new-lesion threshold.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

__all__ = [
    "SYNTHETIC",
    "PHASES",
    "HU",
    "NOISE_SD_HU",
    "Scan",
    "Case",
    "cases",
    "load_case",
]

#: The label every synthetic image and case carries.
SYNTHETIC = "SYNTHETIC"
#: Phases of every scan, in acquisition order.
PHASES = ("arterial", "portal_venous")
_PHASE_WORDS = {"arterial": "arterial phase", "portal_venous": "portal-venous phase"}

#: Tissue values (HU) per phase: {tissue: (arterial, portal_venous)} (teaching approximations).
HU = {
    "air": (-1000, -1000),
    "fat": (-100, -100),
    "muscle": (55, 65),
    "abdomen": (20, 30),
    "liver": (80, 110),
    "aorta": (300, 160),
    "ivc": (70, 130),
    "portal_vein": (130, 180),
    "bone": (450, 450),
    "viable": (130, 90),
    "necrosis": (25, 25),
    "lipiodol": (600, 600),
    "new_typical": (130, 90),
    "new_atypical": (120, 115),
    "pvtt": (100, 75),
}
#: Standard deviation of the Gaussian pixel noise (HU).
NOISE_SD_HU = 10.0

_SLICES, _ROWS, _COLS = 16, 192, 192
_SPACING = (5.0, 1.0, 1.0)  # slice thickness, row, col (mm)
_LABEL_HU = 1000


@dataclass(frozen=True)
class Scan:
    """One SYNTHETIC CT scan: HU pixels (int16, ``(slices, rows, cols)``), spacing (mm), phase, day.

    ``spacing_mm`` is (slice thickness, row spacing, column spacing) in mm; ``day`` is days from
    TACE (0 = baseline before TACE); ``window`` the default display (level, width) in HU.
    The pixel array is read-only (the case is cached and shared).
    """

    pixels: object
    spacing_mm: tuple[float, float, float]
    phase: str
    day: int
    label: str
    window: tuple[float, float] = (70.0, 200.0)
    synthetic: bool = True

    @property
    def shape(self) -> tuple[int, int, int]:
        """(slices, rows, cols) of :attr:`pixels`."""
        return tuple(int(n) for n in self.pixels.shape)

    def to_bytes(self) -> bytes:
        """The pixels as int16 little-endian bytes in C order (what the viewer widget reads)."""
        import numpy as np

        return np.ascontiguousarray(self.pixels, dtype="<i2").tobytes()


@dataclass(frozen=True)
class Case:
    """A SYNTHETIC imaging case: scans per (day, phase) and the ground truth per lesion and visit.

    ``truth`` has the response engine's input columns (``patient``, ``lesion``, ``day``, ``kind``,
    ``organ``, ``ld_mm``, ``viable_ld_mm``, ``perp_mm``, ``viable_perp_mm``, ``status``; mm)
    plus ``name`` (the lesion in words), ``slice`` (index of the slice holding the longest
    diameter), ``centre_rc`` ((row, col) of the lesion centre, pixels) and ``note``.
    Treat it as read-only: :func:`load_case` returns a fresh copy of the table each time.
    """

    name: str
    title: str
    seed: int
    scans: dict = field(repr=False)
    days: tuple[int, ...]
    phases: tuple[str, ...]
    truth: object = field(repr=False)
    description: str = ""
    synthetic: bool = True

    def scan(self, day: int, phase: str) -> Scan:
        """The scan of ``day`` and ``phase``; ValueError naming the one that does not exist."""
        if phase not in self.phases:
            raise ValueError(f"phase: {phase!r} is not one of {', '.join(self.phases)}")
        if (day, phase) not in self.scans:
            raise ValueError(
                f"day: no scan on day {day!r}; the case has days {', '.join(map(str, self.days))}"
            )
        return self.scans[(day, phase)]


# ---------------------------------------------------------------------------------------------
# case definition (mm, pixels of 1 mm; angles in degrees from the column axis)


@dataclass(frozen=True)
class _Lesion:
    lesion: str
    name: str
    kind: str
    centre_rc: tuple[float, float]
    slice: int
    angle: float
    z_semi_mm: float
    # per day: (ld, perp, viable_ld, viable_perp, viable_offset, lipiodol (la, lb, offset) or None)
    visits: dict
    tissue: str = "hcc"  # hcc, new_typical, new_atypical
    status: dict = field(default_factory=dict)
    note: str = ""


_CASE_LESIONS = (
    _Lesion(
        "A",
        "Segment VIII lesion",
        "target",
        (62.0, 62.0),
        6,
        30.0,
        20.0,
        {
            0: (50.0, 40.0, 50.0, 40.0, 0.0, None),
            42: (48.0, 40.0, 28.0, 18.0, 7.5, (11.0, 9.0, -14.5)),
            84: (47.0, 39.0, 24.0, 16.0, 9.0, (12.0, 9.0, -13.0)),
        },
        note=(
            "fully enhancing before TACE; afterwards a nodular viable part at the margin, the rest "
            "necrotic, with a Lipiodol deposit in the necrotic core (bright on every phase: not tumour)"
        ),
    ),
    _Lesion(
        "B",
        "Segment VI lesion",
        "target",
        (124.0, 54.0),
        10,
        -35.0,
        12.0,
        {
            0: (30.0, 25.0, 30.0, 25.0, 0.0, None),
            42: (29.0, 24.0, 0.0, 0.0, 0.0, None),
            84: (27.0, 22.0, 0.0, 0.0, 0.0, None),
        },
        note="fully enhancing before TACE; completely necrotic afterwards (no arterial enhancement)",
    ),
    _Lesion(
        "N1",
        "Segment IV new nodule",
        "new",
        (64.0, 138.0),
        8,
        10.0,
        5.0,
        {84: (11.0, 10.0, 11.0, 10.0, 0.0, None)},
        tissue="new_typical",
        status={84: "typical"},
        note="typical pattern: arterial hyperenhancement and portal-venous washout",
    ),
    _Lesion(
        "N2",
        "Segment VI new nodule",
        "new",
        (96.0, 40.0),
        3,
        -20.0,
        6.0,
        {84: (12.0, 10.0, 12.0, 10.0, 0.0, None)},
        tissue="new_atypical",
        status={84: "atypical"},
        note="atypical: arterial enhancement without washout",
    ),
)

#: right portal vein branch (tube): start, end (row, col), radius (mm), slices; thrombus span (0-1)
_PV_BRANCH = ((112.0, 122.0), (100.0, 60.0), 5.0, (6, 9))
_PVTT_SPAN = (0.3, 0.7)
_DAYS = (0, 42, 84)

_CASES = {
    "tace_response": (
        "HCC after TACE: necrosis without shrinkage, Lipiodol, new nodules",
        "Two HCC targets (segment VIII, 50 mm; segment VI, 30 mm) and a right portal vein tumour "
        "thrombus before TACE (day 0) and on days 42 and 84, arterial and portal-venous phases. "
        "After TACE lesion A barely shrinks but most of it stops enhancing (a viable nodule remains "
        "at its margin, a Lipiodol deposit sits in the necrotic core); lesion B becomes completely "
        "necrotic. On day 84 a typical new nodule (segment IV, 11 mm) and an atypical one "
        "(segment VI, 12 mm) appear. SYNTHETIC phantom, not patient data.",
    ),
}


def cases() -> list[str]:
    """Names of the SYNTHETIC imaging cases (for :func:`load_case`)."""
    return list(_CASES)


def load_case(name: str = "tace_response", *, seed: int = 0) -> Case:
    """Build (once per process) the SYNTHETIC case ``name``, deterministic for ``seed``.

    Parameters
    ----------
    name : str
        One of :func:`cases`.
    seed : int
        Seed of the pixel noise (whole number >= 0); the anatomy and the ground truth do not
        depend on it.

    Returns
    -------
    Case
        Scans for every (day, phase) (days from TACE; pixels in HU, spacing in mm) and the ground
        truth (diameters in mm). The scans are shared and read-only; ``truth`` is a fresh copy.
    """
    import dataclasses

    if not isinstance(name, str):
        raise TypeError(f"name: expected a case name (str), got {type(name).__name__}")
    if name not in _CASES:
        raise ValueError(f"name: unknown case {name!r}; choose from {', '.join(_CASES)}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ValueError(f"seed: must be a whole number >= 0, got {seed!r}")
    case = _build(name, seed)
    return dataclasses.replace(case, truth=case.truth.copy())


@functools.lru_cache(maxsize=8)
def _build(name: str, seed: int) -> Case:
    import numpy as np

    title, description = _CASES[name]
    scans = {}
    for d_i, day in enumerate(_DAYS):
        for p_i, phase in enumerate(PHASES):
            rng = np.random.default_rng([seed, d_i, p_i])
            pixels = _render(day, p_i, rng)
            pixels.setflags(write=False)
            label = f"{SYNTHETIC} · {_PHASE_WORDS[phase]} · day {day}"
            scans[(day, phase)] = Scan(pixels, _SPACING, phase, day, label)
    return Case(
        name=name,
        title=title,
        seed=seed,
        scans=scans,
        days=_DAYS,
        phases=PHASES,
        truth=_truth(),
        description=description,
    )


def _truth():
    """Ground truth of the case: one row per lesion per visit (engine columns + name, slice, centre, note)."""
    import numpy as np
    import pandas as pd

    rows = []
    patient = f"Phantom ({SYNTHETIC})"
    for les in _CASE_LESIONS:
        for day, (ld, perp, vld, vperp, _off, _lip) in les.visits.items():
            rows.append(
                {
                    "patient": patient,
                    "lesion": les.lesion,
                    "day": day,
                    "kind": les.kind,
                    "organ": "liver",
                    "ld_mm": ld,
                    "viable_ld_mm": vld,
                    "perp_mm": perp,
                    "viable_perp_mm": vperp,
                    "status": les.status.get(day),
                    "name": les.name,
                    "slice": les.slice,
                    "centre_rc": les.centre_rc,
                    "note": les.note,
                }
            )
    (r0, c0), (r1, c1), _radius, (s0, s1) = _PV_BRANCH
    t_mid = sum(_PVTT_SPAN) / 2
    centre = (r0 + (r1 - r0) * t_mid, c0 + (c1 - c0) * t_mid)
    for day in _DAYS:
        rows.append(
            {
                "patient": patient,
                "lesion": "PVTT",
                "day": day,
                "kind": "non_target",
                "organ": "portal_vein",
                "ld_mm": np.nan,
                "viable_ld_mm": np.nan,
                "perp_mm": np.nan,
                "viable_perp_mm": np.nan,
                "status": None if day == 0 else "non_CR_non_PD",
                "name": "Right portal vein tumour thrombus",
                "slice": (s0 + s1) // 2,
                "centre_rc": centre,
                "note": "tumour thrombus: non-measurable, a non-target lesion (RECIST 1.1, mRECIST)",
            }
        )
    out = pd.DataFrame(rows)
    return out.sort_values(["day", "lesion"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# rendering


def _grid():
    import numpy as np

    rr, cc = np.mgrid[0:_ROWS, 0:_COLS].astype(np.float32)
    return rr, cc


@functools.lru_cache(maxsize=1)
def _static_grid():
    return _grid()


def _ellipse_weight(centre, a, b, angle_deg, *, bbox=True):
    """Fraction (0-1) of each pixel inside a rotated ellipse (semi-axes a along ``angle``, b; mm)."""
    import numpy as np

    rr, cc = _static_grid()
    out = np.zeros((_ROWS, _COLS), dtype=np.float32)
    if a <= 0 or b <= 0:
        return out
    r0, c0 = centre
    m = int(math.ceil(max(a, b))) + 2
    rs = slice(max(0, int(r0) - m), min(_ROWS, int(r0) + m + 1)) if bbox else slice(0, _ROWS)
    cs = slice(max(0, int(c0) - m), min(_COLS, int(c0) + m + 1)) if bbox else slice(0, _COLS)
    dy = rr[rs, cs] - r0
    dx = cc[rs, cs] - c0
    t = math.radians(angle_deg)
    u = dx * math.cos(t) + dy * math.sin(t)
    v = -dx * math.sin(t) + dy * math.cos(t)
    f = np.sqrt((u / a) ** 2 + (v / b) ** 2)
    rho = np.sqrt(u * u + v * v)
    with np.errstate(divide="ignore", invalid="ignore"):
        dist = np.where(f > 0, rho * (1.0 / f - 1.0), max(a, b))
    out[rs, cs] = np.clip(0.5 + dist / _SPACING[1], 0.0, 1.0)
    return out


def _tube_weight(p0, p1, radius, t_span=(0.0, 1.0)):
    """Fraction of each pixel inside a tube (capsule) of ``radius`` mm around the segment p0-p1."""
    import numpy as np

    rr, cc = _static_grid()
    (r0, c0), (r1, c1) = p0, p1
    dr, dc = r1 - r0, c1 - c0
    length2 = dr * dr + dc * dc
    t = ((rr - r0) * dr + (cc - c0) * dc) / length2
    inside_span = (t >= t_span[0]) & (t <= t_span[1])
    tc = np.clip(t, t_span[0], t_span[1])
    dist = np.sqrt((rr - (r0 + tc * dr)) ** 2 + (cc - (c0 + tc * dc)) ** 2)
    w = np.clip(0.5 + (radius - dist) / _SPACING[1], 0.0, 1.0)
    if t_span != (0.0, 1.0):  # a flat cut across the lumen at the ends of the span
        w = np.where(inside_span, w, 0.0)
    return w.astype(np.float32)


def _paint(img, weight, value):
    img += weight * (value - img)


def _slice_scale(k, kc, z_semi_mm):
    dz = (k - kc) * _SPACING[0]
    if abs(dz) >= z_semi_mm:
        return 0.0
    return math.sqrt(1.0 - (dz / z_semi_mm) ** 2)


def _render(day: int, p: int, rng):
    """HU pixels (int16) of one scan: day (from TACE) and phase index (0 arterial, 1 portal-venous)."""
    import numpy as np

    hu = {k: float(v[p]) for k, v in HU.items()}
    vol = np.empty((_SLICES, _ROWS, _COLS), dtype=np.float32)
    body = _ellipse_weight((98.0, 105.0), 130.0, 90.0, 0.0, bbox=False)
    inner_fat = _ellipse_weight((98.0, 105.0), 122.0, 82.0, 0.0, bbox=False)
    inner = _ellipse_weight((98.0, 105.0), 116.0, 76.0, 0.0, bbox=False)
    aorta = _ellipse_weight((150.0, 128.0), 11.0, 11.0, 0.0)
    spine = _ellipse_weight((178.0, 128.0), 16.0, 16.0, 0.0) * body
    ivc = _ellipse_weight((135.0, 100.0), 8.0, 10.0, 0.0)
    pv_main = _ellipse_weight((112.0, 122.0), 7.0, 8.0, 0.0)
    (b0, b1, radius, (s0, s1)) = _PV_BRANCH
    branch = _tube_weight(b0, b1, radius)
    thrombus = _tube_weight(b0, b1, radius, _PVTT_SPAN)
    label = _label_mask()
    for k in range(_SLICES):
        img = vol[k]
        img.fill(hu["air"])
        _paint(img, body, hu["fat"])
        _paint(img, inner_fat, hu["muscle"])
        _paint(img, inner, hu["abdomen"])
        s = math.sqrt(1.0 - ((k - 7.5) / 14.0) ** 2)
        _paint(img, _ellipse_weight((92.0, 78.0), 60.0 * s, 60.0 * s, 0.0), hu["liver"])
        _paint(img, _ellipse_weight((66.0, 130.0), 42.0 * s, 28.0 * s, 0.0), hu["liver"])
        _paint(img, aorta, hu["aorta"])
        _paint(img, spine, hu["bone"])
        _paint(img, ivc, hu["ivc"])
        if 5 <= k <= 11:
            _paint(img, pv_main, hu["portal_vein"])
        if s0 <= k <= s1:
            _paint(img, branch, hu["portal_vein"])
            _paint(img, thrombus, hu["pvtt"])
        for les in _CASE_LESIONS:
            if day in les.visits:
                _paint_lesion(img, les, day, k, hu)
    vol += rng.normal(0.0, NOISE_SD_HU, size=vol.shape).astype(np.float32)
    vol[:, label] = _LABEL_HU
    return np.clip(np.rint(vol), -1024, 3071).astype(np.int16)


def _paint_lesion(img, les: _Lesion, day: int, k: int, hu: dict):
    """Paint one lesion's cross-section at slice ``k``: whole lesion, viable part, Lipiodol."""
    scale = _slice_scale(k, les.slice, les.z_semi_mm)
    if scale == 0.0:
        return
    ld, perp, vld, vperp, offset, lip = les.visits[day]
    t = math.radians(les.angle)
    ax = (math.sin(t), math.cos(t))  # unit vector of the long axis in (row, col)

    def along(off):
        return (les.centre_rc[0] + off * scale * ax[0], les.centre_rc[1] + off * scale * ax[1])

    if les.tissue != "hcc":
        _paint(
            img, _ellipse_weight(les.centre_rc, ld / 2 * scale, perp / 2 * scale, les.angle), hu[les.tissue]
        )
        return
    fully_viable = vld == ld and vperp == perp
    whole = _ellipse_weight(les.centre_rc, ld / 2 * scale, perp / 2 * scale, les.angle)
    _paint(img, whole, hu["viable"] if fully_viable else hu["necrosis"])
    if not fully_viable and vld > 0:
        _paint(
            img, _ellipse_weight(along(offset), vld / 2 * scale, vperp / 2 * scale, les.angle), hu["viable"]
        )
    if lip is not None:
        la, lb, loff = lip
        _paint(img, _ellipse_weight(along(loff), la / 2 * scale, lb / 2 * scale, les.angle), hu["lipiodol"])


# 5 x 7 bitmaps of the letters of "SYNTHETIC"
_FONT = {
    "S": ("01111", "10000", "10000", "01110", "00001", "00001", "11110"),
    "Y": ("10001", "10001", "01010", "00100", "00100", "00100", "00100"),
    "N": ("10001", "11001", "10101", "10011", "10001", "10001", "10001"),
    "T": ("11111", "00100", "00100", "00100", "00100", "00100", "00100"),
    "H": ("10001", "10001", "10001", "11111", "10001", "10001", "10001"),
    "E": ("11111", "10000", "10000", "11110", "10000", "10000", "11111"),
    "I": ("01110", "00100", "00100", "00100", "00100", "00100", "01110"),
    "C": ("01111", "10000", "10000", "10000", "10000", "10000", "01111"),
}
#: top-left pixel (row, col) of the burnt-in SYNTHETIC text (in the air outside the body)
LABEL_ORIGIN = (3, 3)


@functools.lru_cache(maxsize=1)
def _label_mask():
    """Boolean mask of the word SYNTHETIC (5 x 7 font) at :data:`LABEL_ORIGIN` of a slice."""
    import numpy as np

    mask = np.zeros((_ROWS, _COLS), dtype=bool)
    r0, c0 = LABEL_ORIGIN
    for i, ch in enumerate(SYNTHETIC):
        for dr, line in enumerate(_FONT[ch]):
            for dc, bit in enumerate(line):
                if bit == "1":
                    mask[r0 + dr, c0 + i * 6 + dc] = True
    mask.setflags(write=False)
    return mask
