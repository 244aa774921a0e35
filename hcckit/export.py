"""The lessons' figures for slides, listed in one table, and their export as PNG and SVG (offline).

This is an app-layer module, like :mod:`hcckit.cli`: it imports the chart modules and knows
which of their figures go on slides. The chart modules only define charts and the zero-argument
builders of their lesson figures; none of them imports this module (a test checks), so there is
no import cycle and nothing has to be discovered or registered at import time.

Any single chart is saved with :func:`hcckit.charts.save_chart`::

    from hcckit.charts import save_chart
    save_chart(chart, "km.svg")          # or "km.png" (2x resolution by default)

Every lesson figure is listed in :data:`LESSON_FIGURES` (name -> title, builder), and
:func:`export_all` writes each one as ``<name>.png`` and ``<name>.svg``. A builder takes no
arguments and returns an altair chart built from the kit's own data, so the export needs no
notebook and no network. Figure names start with the lesson number so the files sort like the
lessons. To add a figure, write its builder next to the charts it draws
(``hcckit/charts/<topic>.py``) and add one line to the table. From the command line::

    hcckit export-figures figures/             # every figure, PNG + SVG
    hcckit export-figures figures/ --only 03   # names starting with 03
    hcckit export-figures --list               # (also: python -m hcckit.export ...)

Nothing is written inside the installed package: files go to the folder you name.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from hcckit.charts import (
    appraisal,
    catalogue,
    evidence,
    imaging,
    mechanisms,
    register_theme,
    response,
    safety,
    save_chart,
    survival,
)

__all__ = [
    "LESSON_FIGURES",
    "FIGURES",
    "Figure",
    "ExportResult",
    "register_figure",
    "discover_figures",
    "export_all",
    "main_export",
]

log = logging.getLogger("hcckit.export")

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
FORMATS = ("png", "svg")

#: Every lesson figure for slides, one line each: file stem -> (title shown by ``--list``,
#: zero-argument builder). ``# fmt: skip`` keeps it a table.
LESSON_FIGURES: dict[str, tuple[str, Callable[[], object]]] = {
    # 00 landing page
    "00_landscape": ("The curated evidence: one circle per study", catalogue.landscape_figure),
    # 01 how arterial therapies work
    "01_modality_tae": ("Schematic of TAE", partial(mechanisms.modality_figure, "TAE")),
    "01_modality_ctace": ("Schematic of cTACE", partial(mechanisms.modality_figure, "cTACE")),
    "01_modality_debtace": ("Schematic of DEB-TACE", partial(mechanisms.modality_figure, "DEB-TACE")),
    "01_modality_tare": ("Schematic of TARE", partial(mechanisms.modality_figure, "TARE")),
    "01_modality_haic": ("Schematic of HAIC", partial(mechanisms.modality_figure, "HAIC")),
    "01_blood_supply": ("Dual blood supply", mechanisms.blood_supply_figure),
    "01_model": ("Qualitative TACE/VEGF model, 5 mg/kg bevacizumab", mechanisms.model_figure),
    "01_vegf_surge": ("Qualitative model: the VEGF surge", mechanisms.vegf_surge_figure),
    "01_dose_window": ("Qualitative model: the normalisation window", mechanisms.dose_window_figure),
    "01_perfusion": ("RCT: DCE-MRI perfusion", mechanisms.perfusion_figure),
    "01_biomarkers": ("RCT: reductions with bevacizumab", mechanisms.biomarkers_figure),
    "01_tace_sessions": ("RCT: TACE sessions", mechanisms.tace_sessions_figure),
    # 02 tumour response
    "02_rates_two_criteria": ("ORR/DCR by RECIST 1.1 and mRECIST with exact CIs (ChiCTR2100049829)", response.rates_figure),
    "02_waterfall_mrecist": ("Waterfall of best change, synthetic cohort (mRECIST)", response.waterfall_figure),
    "02_discordance": ("RECIST 1.1 vs mRECIST best response, synthetic cohort", response.discordance_figure),
    "02_spider_mrecist": ("Spider plot, synthetic cohort (mRECIST)", response.spider_figure),
    # 03 survival curves
    "03_km_rct_pfs": ("KMunicate panel: Yan 2025 PFS, pseudo-patients with HR and log-rank", survival.rct_pfs_figure),
    "03_km_pseudo_pfs": ("Pseudo-patients through published PFS landmarks (ChiCTR2100049829)", survival.pseudo_pfs_figure),
    "03_published_vs_pseudo_os": ("Published OS points vs pseudo-patient KM", survival.published_vs_pseudo_figure),
    # 04 evidence explorer
    "04_forest_pfs": ("Forest plot: every curated PFS hazard ratio (log axis, CI as printed)", partial(evidence.forest_figure, "PFS")),
    "04_forest_os": ("Forest plot: every curated OS hazard ratio (log axis, CI as printed)", partial(evidence.forest_figure, "OS")),
    "04_orr_by_criterion": ("ORR by response criterion with exact Clopper-Pearson CIs", evidence.orr_figure),
    "04_pooled_default": ("Random-effects pooling of the opening subgroup, flagged not comparable", evidence.pooled_figure),
    "04_cross_trial": ("Two single-arm trials side by side", evidence.cross_trial_figure),
    # 05 safety
    "05_profile_any_grade": ("AE profiles, any grade", partial(safety.profile_figure, "any")),
    "05_profile_grade3": ("AE profiles, grade >= 3", partial(safety.profile_figure, ">=3")),
    "05_class_antivegf": ("Class effect: anti-VEGF", partial(safety.class_figure, "anti-VEGF")),
    "05_class_tki": ("Class effect: TKI", partial(safety.class_figure, "TKI")),
    "05_class_immune": ("Class effect: immune", partial(safety.class_figure, "immune")),
    "05_class_embolization": ("Class effect: embolization", partial(safety.class_figure, "embolization")),
    "05_two_arm_yan2025": ("Two-arm comparison, Yan 2025", partial(safety.two_arm_figure, "yan2025_tace_bev")),
    "05_two_arm_all": ("Two-arm comparisons, all trials", safety.two_arm_figure),
    # 06 critical appraisal
    "06_findings_by_check": ("Audit of the curated trials: findings by check and severity", appraisal.findings_figure),
    "06_hr_ci_symmetry": ("Every HR against the geometric mean of its CI bounds", appraisal.hr_symmetry_figure),
    "06_grim_debtace_orr": ("GRIM: 54.5 % is impossible for 31 patients (20/31 = 64.5 %)", appraisal.grim_orr_figure),
    "06_two_by_two_proteinuria": ("Proteinuria 4/60 vs 0/60: chi-square vs Fisher", appraisal.proteinuria_figure),
    "06_at_risk_debtace_os": ("Numbers at risk starting below the patients analysed", appraisal.at_risk_figure),
    # 07 imaging lab
    "07_reader_flips": ("SYNTHETIC case: how often reader error flips the category, day 84", imaging.flip_figure),
}  # fmt: skip


@dataclass(frozen=True)
class Figure:
    """A lesson figure: ``build()`` returns an altair chart."""

    name: str
    build: Callable[[], object]
    title: str = ""
    module: str = ""


def _module_of(fn: Callable[[], object]) -> str:
    return getattr(getattr(fn, "func", fn), "__module__", "") or ""


def _qualname_of(fn: Callable[[], object]) -> str:
    target, args = getattr(fn, "func", fn), getattr(fn, "args", ())
    return f"{_module_of(fn)}.{getattr(target, '__qualname__', '')}" + (repr(args) if args else "")


#: The figures :func:`export_all` writes: :data:`LESSON_FIGURES` plus any added by :func:`register_figure`.
FIGURES: dict[str, Figure] = {
    name: Figure(name=name, build=build, title=title, module=_module_of(build))
    for name, (title, build) in LESSON_FIGURES.items()
}


def register_figure(name: str, *, title: str = "") -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Decorator: add a zero-argument function returning an altair chart to :data:`FIGURES` as ``name``.

    The lessons' own figures are listed in :data:`LESSON_FIGURES`; this adds one more for this
    session (a teacher's own figure, a test).

    Parameters
    ----------
    name
        File stem of the exported figure, starting with the lesson number, e.g. ``"03_km_curves"``
        (letters, digits, ``_``, ``-``, ``.``). Registering the same name from another function
        raises ``ValueError``; re-registering the same function (a module reload) is allowed.
    title
        One line shown by ``--list``.

    Returns
    -------
    The function, unchanged (so it can still be called or tested directly).
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"name: figure names use letters, digits, '_', '-' or '.', got {name!r}")

    def decorate(fn: Callable[[], object]) -> Callable[[], object]:
        if not callable(fn):
            raise TypeError(f"register_figure({name!r}) must decorate a function, got {type(fn).__name__}")
        existing = FIGURES.get(name)
        if existing is not None and _qualname_of(existing.build) != _qualname_of(fn):
            raise ValueError(f"name: figure {name!r} is already registered by {_qualname_of(existing.build)}")
        FIGURES[name] = Figure(name=name, build=fn, title=title, module=_module_of(fn))
        return fn

    return decorate


def discover_figures(packages: Iterable[str] | None = None) -> dict[str, Figure]:
    """Return :data:`FIGURES` (kept for older callers: the figures are listed here, not discovered).

    ``packages`` is accepted and ignored.
    """
    return FIGURES


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export_all` wrote: ``files`` per figure name, ``errors`` for those that failed."""

    files: dict[str, list[Path]]
    errors: dict[str, str]
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.errors


def export_all(
    outdir: str | Path,
    *,
    formats: Sequence[str] = FORMATS,
    only: Sequence[str] | None = None,
    scale: float = 2.0,
    discover: bool = True,
) -> ExportResult:
    """Write every lesson figure (:data:`FIGURES`) to ``outdir`` as ``<name>.png`` and ``<name>.svg``.

    Parameters
    ----------
    outdir
        Folder to write to (created if needed). Existing files of the same name are replaced.
    formats
        Any of ``"png"`` and ``"svg"``.
    only
        Keep figures whose name starts with one of these prefixes (e.g. ``["03"]`` for lesson 3).
    scale
        PNG resolution multiplier (2 = sharp on slides and projectors).
    discover
        Ignored (kept for older callers): the figures are listed in :data:`LESSON_FIGURES`.

    Returns
    -------
    ExportResult
        Files written per figure and, for figures that failed, the reason. A failing figure does
        not stop the others.
    """
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"formats: choose from {FORMATS}, got {list(formats)!r}")
    register_theme()
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    chosen = sorted(FIGURES.values(), key=lambda f: f.name)
    if only:
        chosen = [f for f in chosen if any(f.name.startswith(p) for p in only)]
    t0 = time.perf_counter()
    files: dict[str, list[Path]] = {}
    errors: dict[str, str] = {}
    for fig in chosen:
        try:
            chart = fig.build()
            if not hasattr(chart, "to_dict"):
                raise TypeError(f"returned {type(chart).__name__}, not an altair chart")
            files[fig.name] = [
                save_chart(chart, outdir / f"{fig.name}.{fmt}", scale=scale) for fmt in formats
            ]
        except Exception as exc:  # noqa: BLE001 - report and carry on with the other figures
            errors[fig.name] = f"{type(exc).__name__}: {exc}"
            log.warning("figure %s failed: %s", fig.name, errors[fig.name])
    return ExportResult(files=files, errors=errors, seconds=time.perf_counter() - t0)


def _outdir_problem(outdir: Path) -> str:
    """Why ``outdir`` cannot take the figures ('' when it can, or can be created)."""
    for parent in (outdir, *outdir.parents):
        if parent.exists():
            if not parent.is_dir():
                return "is a file, not a folder" if parent == outdir else f"{parent} is a file, not a folder"
            if not os.access(parent, os.W_OK | os.X_OK):
                return (
                    "is not writable" if parent == outdir else f"cannot create it: {parent} is not writable"
                )
            return ""
    return ""


def main_export(argv: Sequence[str] | None = None) -> int:
    """Command line: ``hcckit export-figures [OUTDIR] [--format png|svg] [--only PREFIX] [--list]``.

    Returns the process exit status: 0 when every figure was written, 1 if any failed or the
    output folder cannot be written, 2 for a usage error: no figure listed, or no figure
    name starting with an ``--only`` prefix (an unknown lesson). Errors are one line on stderr.
    """
    parser = argparse.ArgumentParser(
        prog="hcckit export-figures",
        description="Export every lesson figure as PNG and SVG (offline) for slides.",
    )
    parser.add_argument("outdir", nargs="?", default="figures", help="output folder (default: ./figures)")
    parser.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=FORMATS,
        help="png or svg; repeat for both (default: both)",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="PREFIX",
        help="only figures whose name starts with PREFIX, e.g. 03 (repeatable)",
    )
    parser.add_argument("--scale", type=float, default=2.0, help="PNG resolution multiplier (default 2)")
    parser.add_argument("--list", action="store_true", help="list the figures and exit")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage and the error (or the help)
        return exc.code if isinstance(exc.code, int) else 2
    if not (0 < args.scale <= 10):  # noqa: PLR2004 - also rejects nan
        print(f"hcckit export-figures: --scale: must lie in (0, 10], got {args.scale}", file=sys.stderr)
        return 2

    if not FIGURES:
        print("hcckit export-figures: no figures are listed (hcckit.export.LESSON_FIGURES)", file=sys.stderr)
        return 2
    listed = [
        fig
        for fig in sorted(FIGURES.values(), key=lambda f: f.name)
        if not args.only or any(fig.name.startswith(p) for p in args.only)
    ]
    if not listed:
        lessons = sorted({name.split("_")[0] for name in FIGURES})
        print(
            f"hcckit export-figures: --only {' '.join(args.only)}: no figure name starts with "
            f"{'that prefix' if len(args.only) == 1 else 'these prefixes'} (lessons with figures: "
            f"{', '.join(lessons)}; hcckit export-figures --list shows every name)",
            file=sys.stderr,
        )
        return 2
    if args.list:
        for fig in listed:
            print(f"{fig.name:32s} {fig.title}")
        return 0
    outdir = Path(args.outdir)
    problem = _outdir_problem(outdir)
    if problem:
        print(f"hcckit export-figures: {outdir}: {problem}", file=sys.stderr)
        return 1
    try:
        result = export_all(outdir, formats=tuple(args.formats or FORMATS), only=args.only, scale=args.scale)
    except OSError as exc:
        print(f"hcckit export-figures: {outdir}: cannot write there ({exc.strerror or exc})", file=sys.stderr)
        return 1
    n_files = sum(len(v) for v in result.files.values())
    print(
        f"wrote {n_files} files for {len(result.files)} figures to {Path(args.outdir)} "
        f"in {result.seconds:.1f} s"
    )
    for name, reason in sorted(result.errors.items()):
        print(f"hcckit export-figures: FAILED {name}: {reason}", file=sys.stderr)
    return 0 if result.ok else 1


if __name__ == "__main__":  # pragma: no cover
    # Run through the importable module, so that figures added with register_figure (into
    # hcckit.export.FIGURES) are seen, not this __main__ copy of the table.
    from hcckit.export import main_export as _main_export

    raise SystemExit(_main_export())
