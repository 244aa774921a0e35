"""The measure each criterion reads, per lesion and visit, and each lesion's role.

RECIST 1.1 the longest diameter (nodes: short axis), mRECIST the viable (enhancing) diameter of
intrahepatic lesions, WHO the bidimensional product, EASL the viable product; all as integers of
hundredths of a mm (products 1e-4 mm^2). :func:`lesion_table` shows them (the "why").
"""

from __future__ import annotations

from hcckit.response._validate import _fail
from hcckit.response.criteria import _PRODUCT, _U, criterion_name
from hcckit.response.prepare import _Options, _prepare, _with_columns

__all__ = ["lesion_table"]


def _visit_grid(df):
    """The visits (every patient and day of ``df``, sorted by pid and day as ``df`` is) and each row's visit.

    Returns ``(visits, vi)``: ``visits`` holds numpy arrays ``pid``, ``day``, ``is_base`` (the
    patient's first day) and ``row`` (the visit's first row in ``df``) and ``n`` (the number of
    visits); ``vi`` is each row's visit index. Plain numpy: pandas' groupby costs ~1 ms a call
    even on a handful of rows.
    """
    from types import SimpleNamespace

    import numpy as np

    pid = df["pid"].to_numpy()
    day = df["day"].to_numpy()
    start = np.ones(len(df), dtype=bool)
    start[1:] = (pid[1:] != pid[:-1]) | (day[1:] != day[:-1])
    vi = np.cumsum(start) - 1
    vpid = pid[start]
    is_base = np.ones(len(vpid), dtype=bool)
    is_base[1:] = vpid[1:] != vpid[:-1]
    row = np.flatnonzero(start)
    return SimpleNamespace(pid=vpid, day=day[start], is_base=is_base, n=len(vpid), row=row), vi


def _units(values):
    """mm (float, NaN allowed) -> integer hundredths of a mm, stored as float64 (exact < 2**53)."""
    import numpy as np

    return np.rint(np.asarray(values, dtype=float) * _U)


def _measure(df, crit: str, opt: _Options):
    """Add the criterion's per-row measure (``value``, integer units), ``gone`` and ``role``.

    Also returns a dict ``pid -> note`` for patients a criterion cannot assess.
    """
    df, columns, notes = _measure_columns(df, crit, opt)
    return _with_columns(df, **columns), notes


#: The columns :func:`_measure_columns` computes (per row, for one criterion).
MEASURE_COLUMNS = ("value", "needed", "gone", "demoted", "role", "vi")


def _measure_columns(df, crit: str, opt: _Options):
    """:func:`_measure` with the new columns apart: ``(table, {name: array}, notes)``.

    The engine reads the columns as arrays, so it does not copy the table to add them (~0.5 ms
    a criterion). ``vi`` is each row's visit (fragments of a lesion share theirs); the table is
    the prepared one, or - when fragments of a split lesion were summed - the summed one.
    """
    value, needed, gone, ld, sa = _criterion_measure(df, crit, opt)
    role, demoted, notes = _roles(df, crit, ld, sa, value)
    vi = _visit_grid(df)[1]
    columns = dict(value=value, needed=needed, gone=gone, demoted=demoted, role=role, vi=vi)
    _check_target_limits(df, role, crit, opt)
    if "fragment" in df.columns and df.duplicated(["pid", "lesion", "day"]).any():
        merged = _sum_fragments(_with_columns(df, **columns), crit)
        columns = {name: merged[name].to_numpy() for name in MEASURE_COLUMNS}
        df = merged.drop(columns=list(MEASURE_COLUMNS))
    return df, columns, notes


def _criterion_measure(df, crit: str, opt: _Options):
    """The criterion's measure per row (``value``, ``needed``) and ``gone``; every target measured.

    Returns the arrays ``(value, needed, gone, ld, sa)``: ``ld`` and ``sa`` are the longest
    diameters and short axes (mm, ``too_small`` filled in).
    """
    import numpy as np

    node = df["is_node"].to_numpy()
    liver = df["liver"].to_numpy()
    small = df["too_small"].to_numpy()
    fill = opt.too_small_mm

    def col(name):
        v = df[name].to_numpy(dtype=float).copy()
        v[np.isnan(v) & small] = fill
        return v

    ld, sa = col("ld_mm"), col("sa_mm")
    if crit == "RECIST 1.1":
        mm = np.where(node, sa, ld)
        needed = np.where(node, "sa_mm", "ld_mm")
    elif crit == "mRECIST":
        vld = col("viable_ld_mm")
        mm = np.where(node, sa, np.where(liver, vld, ld))
        needed = np.where(node, "sa_mm", np.where(liver, "viable_ld_mm", "ld_mm"))
    else:
        perp = col("perp_mm")
        if crit == "EASL":
            a = np.where(liver, col("viable_ld_mm"), ld)
            b = np.where(liver, col("viable_perp_mm"), perp)
            needed = np.where(liver, "viable_ld_mm and viable_perp_mm", "ld_mm and perp_mm")
        else:
            a, b = ld, perp
            needed = np.full(len(df), "ld_mm and perp_mm")
        mm = None
        ua, ub = _units(a), _units(b)
        # a diameter of 0 means the (viable) lesion is gone: the product is 0 whatever the other
        value = np.where((ua == 0) | (ub == 0), 0.0, ua * ub)  # 1e-4 mm^2
    if mm is not None:
        value = _units(mm)

    kind = df["kind"].to_numpy()
    is_target = kind == "target"
    # a target must be measured at every visit where it appears
    missing = is_target & np.isnan(value)
    if missing.any():
        fields = str(needed[missing][0])
        col_hint = fields.split(" and ")[0]
        _fail(
            df,
            missing,
            col_hint,
            f"is missing for a target lesion ({crit} needs {fields}); if the lesion was not assessed "
            "drop the row (the visit becomes NE), if it is too small to measure set too_small=True, "
            "if it disappeared enter 0",
        )

    # lesion-wise "gone" (for CR): RECIST/mRECIST nodes normal below 10 mm short axis
    if _PRODUCT[crit]:
        gone = value == 0
    else:
        gone = np.where(node, value < 10 * _U, value == 0)
    return value, needed, gone, ld, sa


def _roles(df, crit: str, ld, sa, value):
    """Each lesion's role (decided on its baseline row), measurability; notes of unassessable patients.

    ``value``: the criterion's measure per row. Returns the arrays ``(role, demoted)`` and the
    notes ``{pid: why the patient cannot be assessed}``.
    """
    import numpy as np

    node = df["is_node"].to_numpy()
    liver = df["liver"].to_numpy()
    kind = df["kind"].to_numpy()
    is_target = kind == "target"
    # roles, decided on the baseline measurement
    base = df["is_base"].to_numpy()
    role = np.where(kind == "new", "new", np.where(kind == "non_target", "non_target", "target"))
    b_t = base & is_target
    notes: dict[int, str] = {}
    demote = np.zeros(len(df), dtype=bool)
    exclude = np.zeros(len(df), dtype=bool)
    organ = df["organ"].to_numpy()
    porta = node & (organ == "porta_hepatis")
    if crit in ("RECIST 1.1", "mRECIST"):
        # RECIST measurability (mRECIST: extrahepatic and nodal targets follow RECIST 1.1)
        check = b_t if crit == "RECIST 1.1" else b_t & ~liver & ~porta
        small_node = check & node & ~(_units(sa) >= 15 * _U)
        if small_node.any():
            _fail(df, small_node, "sa_mm", "of a target lymph node must be >= 15 mm at baseline (RECIST 1.1)")
        small_les = check & ~node & ~(_units(ld) >= 10 * _U)
        if small_les.any():
            _fail(
                df,
                small_les,
                "ld_mm",
                "of a target lesion must be >= 10 mm at baseline (RECIST 1.1 measurable)",
            )
        small_flag = check & df["too_small"].to_numpy()
        if small_flag.any():
            _fail(df, small_flag, "too_small", "is set at baseline: a target lesion must be measured")
    if crit == "mRECIST":
        vld = _units(df["viable_ld_mm"].to_numpy(dtype=float))
        demote = b_t & liver & ~((vld >= 10 * _U) & (_units(ld) >= 10 * _U))
        exclude = base & porta & ~(_units(sa) >= 20 * _U)
    elif crit == "EASL":
        demote = b_t & liver & ~(value > 0)
    if crit in ("WHO", "EASL"):
        flat = b_t & ~demote & ~(value > 0)
        if flat.any():
            _fail(df, flat, "perp_mm", f"target must be measurable in two dimensions at baseline ({crit})")
    # broadcast lesion-level decisions from the baseline row to all rows of the lesion
    demoted = np.zeros(len(df), dtype=bool)
    if demote.any() or exclude.any():
        lkey = df["pid"].astype(str) + "\x1f" + df["lesion"].astype(str)
        if demote.any():
            demoted = lkey.isin(set(lkey[demote])).to_numpy()
            role = np.where(demoted, "non_target", role)
        if exclude.any():
            role = np.where(lkey.isin(set(lkey[exclude])), "excluded", role)

    # patients who had targets but lost them all (no enhancing target at baseline)
    pid = df["pid"].to_numpy()
    had = np.unique(pid[b_t])
    kept = np.unique(pid[base & (role == "target")])
    for p in set(had.tolist()) - set(kept.tolist()):
        notes[int(p)] = f"no enhancing target lesion at baseline: not assessable by {crit}"
    return role, demoted, notes


def _check_target_limits(df, role, crit: str, opt: _Options) -> None:
    """At most ``max_targets`` targets per patient and ``max_per_organ`` per organ (nodes: one organ).

    ``role``: each row's role (:func:`_roles`).
    """
    import numpy as np

    base = df["is_base"].to_numpy()
    # target limits
    if opt.max_targets is not None or opt.max_per_organ is not None:
        chosen = base & (role == "target")
        if not _over_limits(df, chosen, opt):
            return  # the usual case, checked in numpy; the counts below name the offending rows
        df = df.assign(role=role)
        bt = df[chosen]
        if len(bt):
            per_pid = bt.groupby("pid").size()
            if opt.max_targets is not None and (per_pid > opt.max_targets).any():
                pid = per_pid[per_pid > opt.max_targets].index[0]
                _fail(
                    df,
                    (df["pid"] == pid) & base & (df["role"] == "target"),
                    "kind",
                    f"marks {int(per_pid[pid])} target lesions for this patient; {crit} allows at most "
                    f"{opt.max_targets} (pass max_targets=None to lift the limit)",
                )
            organ_key = np.where(bt["is_node"], "lymph nodes", bt["organ"])
            per_org = bt.groupby([bt["pid"], organ_key]).size()
            if opt.max_per_organ is not None and (per_org > opt.max_per_organ).any():
                pid, org = per_org[per_org > opt.max_per_organ].index[0]
                rows = (df["pid"] == pid) & base & (df["role"] == "target")
                rows &= (df["organ"] == org) if org != "lymph nodes" else df["is_node"]
                _fail(
                    df,
                    rows,
                    "organ",
                    f"has {int(per_org[(pid, org)])} target lesions in '{org}'; {crit} allows at most "
                    f"{opt.max_per_organ} per organ (all nodes count as one organ)",
                )


def _over_limits(df, chosen, opt: _Options) -> bool:
    """Whether any patient has more ``chosen`` (baseline target) rows than the target limits allow."""
    import numpy as np

    if not chosen.any():
        return False
    pid = df["pid"].to_numpy()[chosen]
    if opt.max_targets is not None and np.bincount(pid).max() > opt.max_targets:
        return True
    if opt.max_per_organ is not None:
        organ = np.where(df["is_node"].to_numpy()[chosen], "lymph nodes", df["organ"].to_numpy()[chosen])
        _, counts = np.unique(
            np.char.add(pid.astype(str), np.char.add("\x1f", organ.astype(str))), return_counts=True
        )
        return bool(counts.max() > opt.max_per_organ)
    return False


def _sum_fragments(df, crit: str):
    """Fragments of a split lesion on one day: one row, their measures summed (``df``: with :func:`_measure`'s columns)."""
    import numpy as np

    # fragments of a split lesion: sum them
    if "fragment" in df.columns and df.duplicated(["pid", "lesion", "day"]).any():
        agg = {c: "first" for c in df.columns if c not in ("value", "gone", "_order")}
        agg.update(value="sum", _order="min", ld_mm="sum", viable_ld_mm="sum")
        df = df.groupby(["pid", "lesion", "day"], sort=False, as_index=False).agg(agg)
        df["gone"] = (
            (df["value"] == 0)
            if _PRODUCT[crit]
            else np.where(df["is_node"], df["value"] < 10 * _U, df["value"] == 0)
        )
        df = df.sort_values(["pid", "day", "_order"], kind="stable").reset_index(drop=True)
    return df


def lesion_table(measurements, criterion: str, **options):
    """Per lesion and visit: the measure the criterion uses, its role, and whether it is gone.

    Returns columns ``patient``, ``lesion``, ``day``, ``kind`` (as entered), ``role``
    (``target``, ``non_target``, ``new``, ``excluded``; mRECIST/EASL demote non-enhancing
    intrahepatic targets to ``non_target``), ``measure`` (mm, or mm^2 for WHO/EASL; the 5 mm
    default filled in for ``too_small``), ``unit`` and ``gone`` (counts as disappeared for a
    lesion-wise CR).
    """
    import numpy as np

    crit = criterion_name(criterion)
    opt = _Options(**options)
    df, _ = _measure(_prepare(measurements), crit, opt)
    scale = _U * _U if _PRODUCT[crit] else _U
    out = df[["patient", "lesion", "day", "kind", "role"]].copy()
    out.insert(0, "criterion", crit)
    out["measure"] = df["value"].to_numpy() / scale
    out["unit"] = "mm²" if _PRODUCT[crit] else "mm"
    out["gone"] = np.where(df["role"].isin(["target", "non_target"]), df["gone"], False)
    return out.reset_index(drop=True)
