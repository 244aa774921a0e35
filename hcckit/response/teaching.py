"""SYNTHETIC teaching data, labelled so: a seeded teaching cohort and one necrotic patient.

These are NOT patient data: every table has ``synthetic = True``.
"""

from __future__ import annotations

__all__ = ["teaching_cohort", "necrotic_patient"]


_CASES = (
    ("necrosis, little shrinkage", 0.27),
    ("complete necrosis", 0.11),
    ("true shrinkage", 0.16),
    ("transient response", 0.08),
    ("stable", 0.14),
    ("growth", 0.12),
    ("new lesion", 0.12),
)


_MAX_TEACHING_PATIENTS = 10_000


def teaching_cohort(n_patients: int = 40, *, seed: int = 0, visits: int = 6, interval_days: int = 42):
    """SYNTHETIC lesion measurements for teaching (HCC after TACE), deterministic for a seed.

    Each patient has 1-3 enhancing liver lesions (20-80 mm; at most 2 are targets, as RECIST
    1.1 allows 2 per organ, a third is a non-target), sometimes an
    extrahepatic lymph node or a portal vein thrombus as non-target, and follows one of seven
    archetypes (``case`` column): necrosis with little shrinkage (RECIST SD, mRECIST PR),
    complete necrosis, true shrinkage, a transient response (one good scan, not confirmed),
    stable disease, growth, or a new lesion (sometimes first equivocal). Visits every ``interval_days`` days (+/- 3 days) from day 0.

    Returns
    -------
    pandas.DataFrame
        The columns :func:`assess` reads plus ``case`` and ``synthetic`` (always True). These
        are NOT patient data.
    """
    import numpy as np
    import pandas as pd

    # bounds keep a class cohort small enough to assess at once and every day within MAX_DAY
    for name, v, high in (
        ("n_patients", n_patients, _MAX_TEACHING_PATIENTS),
        ("visits", visits, 50),
        ("interval_days", interval_days, 365),
    ):
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= high:
            raise ValueError(f"{name}: must be a whole number from 1 to {high:,}, got {v!r}")
    if visits < 2:
        raise ValueError("visits: need at least 2 (baseline and one follow-up)")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**63:
        raise ValueError(f"seed: must be a whole number >= 0, got {seed!r}")
    rng = np.random.default_rng(seed)
    names = [c for c, _ in _CASES]
    probs = np.array([p for _, p in _CASES])
    rec: dict[str, list] = {
        k: []
        for k in (
            "patient",
            "lesion",
            "day",
            "kind",
            "organ",
            "is_node",
            "ld_mm",
            "sa_mm",
            "viable_ld_mm",
            "perp_mm",
            "viable_perp_mm",
            "too_small",
            "status",
            "cytology",
            "case",
        )
    }

    def add(**kw):
        for k in rec:
            rec[k].append(kw.get(k, np.nan if k not in ("too_small", "is_node") else False))

    width = len(str(n_patients))
    for p in range(n_patients):
        pid = f"S{p + 1:0{width}d}"
        case = names[rng.choice(len(names), p=probs)]
        # +/- 3 days of jitter, less for short intervals so that visits stay in order
        jit = min(3, (interval_days - 1) // 2)
        days = [0] + [k * interval_days + int(rng.integers(-jit, jit + 1)) for k in range(1, visits)]
        n_t = int(rng.choice([1, 2, 3], p=[0.45, 0.35, 0.2]))  # the 3rd liver lesion is a non-target
        base = rng.uniform(20, 80, n_t)
        aspect = rng.uniform(0.65, 0.9, n_t)
        vfrac0 = rng.uniform(0.85, 1.0, n_t)
        k_prog, f_ld, f_v = _trajectory(rng, case, visits)
        _add_lesions(add, rng, pid, case, days, (base, aspect, vfrac0), (k_prog, f_ld, f_v))
    out = pd.DataFrame(rec)
    out["synthetic"] = True
    return out


def necrotic_patient():
    """SYNTHETIC teaching patient: HCC after TACE with two enhancing liver lesions, three visits.

    L1 (segment VII) 50 mm, 50x40 mm, fully enhancing; L2 (segment IV) 30 mm, 30x25 mm.
    Day 42: L1 48 mm with 30 mm viable (48x40; viable 30x20) - the specification's
    partial-necrosis example - and L2 29 mm with 18 mm viable. Day 84: necrosis deepens.
    Edit it with :func:`edit_measurements`.
    """
    import pandas as pd

    rows = [
        # lesion, day, ld, viable, perp, viable_perp
        ("L1", 0, 50, 50, 40, 40),
        ("L2", 0, 30, 30, 25, 25),
        ("L1", 42, 48, 30, 40, 20),
        ("L2", 42, 29, 18, 24, 14),
        ("L1", 84, 47, 12, 39, 10),
        ("L2", 84, 28, 0, 23, 0),
    ]
    df = pd.DataFrame(rows, columns=["lesion", "day", "ld_mm", "viable_ld_mm", "perp_mm", "viable_perp_mm"])
    df.insert(0, "patient", "Teaching patient (synthetic)")
    df.insert(3, "kind", "target")
    df.insert(4, "organ", "liver")
    for c in ("ld_mm", "viable_ld_mm", "perp_mm", "viable_perp_mm"):
        df[c] = df[c].astype(float)
    df["synthetic"] = True
    return df.sort_values(["day", "lesion"]).reset_index(drop=True)


def _trajectory(rng, case: str, visits: int):
    """Per-visit factors of the whole lesion (``f_ld``) and its viable part (``f_v``) for an archetype.

    Also returns ``k_prog``, the visit where growth starts (the portal vein thrombus follows it).
    """
    import numpy as np

    k_prog = int(rng.integers(2, visits)) if visits > 2 else 1
    # trajectory factors per visit for the whole lesion (ld) and its viable part
    f_ld = np.ones(visits)
    f_v = np.ones(visits)
    # depth of the effect drawn once per patient, reached over three visits (monotone),
    # plus a little measurement noise (+/- 2 %) at each visit
    depth = {
        "necrosis, little shrinkage": (0.12, rng.uniform(0.45, 0.75)),
        "complete necrosis": (0.2, 1.0),
        "true shrinkage": (rng.uniform(0.35, 0.6), None),
        "transient response": (0.15, 0.4),
        "stable": (rng.uniform(-0.1, 0.1), None),
        "growth": (0.05, None),
        "new lesion": (0.1, rng.uniform(0.2, 0.6)),
    }[case]
    viable_share = rng.uniform(0.6, 1.0)
    for k in range(1, visits):
        step = min(k, 3) / 3
        noise = 1 + rng.uniform(-0.02, 0.02)
        f_ld[k] = (1 - depth[0] * step) * noise
        if depth[1] is None:
            f_v[k] = f_ld[k] * (viable_share if case == "true shrinkage" else 0.9)
        else:
            f_v[k] = (1 - depth[1] * step) * noise
        if case == "transient response":  # one good scan (PR by every criterion), then back
            f_ld[k] = (0.6 if k == 1 else 0.85) * noise
            f_v[k] = (0.5 if k == 1 else 0.8) * noise
        if case == "growth" and k >= k_prog:
            f_ld[k] = f_v[k] = (1 + 0.15 * (k - k_prog + 2)) * noise
    return k_prog, f_ld, f_v


def _add_lesions(add, rng, pid: str, case: str, days, lesions, trajectory):
    """Rows of one synthetic patient: liver lesions, maybe a node or a portal vein thrombus, a new lesion.

    ``lesions``: the liver lesions' baseline diameters, aspect ratios and viable fractions;
    ``trajectory``: :func:`_trajectory` of the patient.
    """
    base, aspect, vfrac0 = lesions
    k_prog, f_ld, f_v = trajectory
    n_t, visits = len(base), len(days)
    for j in range(n_t):
        kind = "target" if j < 2 else "non_target"  # RECIST 1.1: at most 2 targets per organ
        for k, day in enumerate(days):
            ld = round(base[j] * f_ld[k])
            v = min(ld, round(base[j] * vfrac0[j] * f_v[k]))
            status = None if kind == "target" or k == 0 else "non_CR_non_PD"
            add(
                patient=pid,
                lesion=f"L{j + 1}",
                day=day,
                kind=kind,
                organ="liver",
                ld_mm=float(ld),
                viable_ld_mm=float(v),
                perp_mm=float(round(ld * aspect[j])),
                viable_perp_mm=float(min(round(ld * aspect[j]), round(v * aspect[j]))),
                status=status,
                case=case,
            )
    extra = rng.random()
    if extra < 0.2:  # an abdominal lymph node, non-target
        for k, day in enumerate(days):
            add(
                patient=pid,
                lesion="N1",
                day=day,
                kind="non_target",
                organ="lymph_node",
                is_node=True,
                sa_mm=12.0,
                status=None if k == 0 else "non_CR_non_PD",
                case=case,
            )
    elif extra < 0.3:  # portal vein tumour thrombus
        for k, day in enumerate(days):
            status = None if k == 0 else ("PD" if case == "growth" and k >= k_prog else "non_CR_non_PD")
            add(
                patient=pid,
                lesion="PVT",
                day=day,
                kind="non_target",
                organ="portal_vein",
                status=status,
                case=case,
            )
    if case == "new lesion":
        start = int(rng.integers(1, visits))
        equivocal_first = rng.random() < 0.4 and start < visits - 1
        size = float(rng.integers(11, 25))
        for k in range(start, visits):
            status = "equivocal" if (equivocal_first and k == start) else "typical"
            add(
                patient=pid,
                lesion="New1",
                day=days[k],
                kind="new",
                organ="liver",
                ld_mm=size + 3 * (k - start),
                viable_ld_mm=size + 3 * (k - start),
                perp_mm=size,
                viable_perp_mm=size,
                status=status,
                case=case,
            )
