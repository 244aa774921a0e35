"""Static export of the lessons' figures for slides: PNG and SVG, offline (vl-convert).

Any single chart is saved with :func:`hcckit.charts.save_chart`::

    from hcckit.charts import save_chart
    save_chart(chart, "km.svg")          # or "km.png" (2x resolution by default)

For all lessons at once, lesson modules register the charts a teacher would put on a
slide, and :func:`export_all` writes each one as ``<name>.png`` and ``<name>.svg``::

    from hcckit.export import register_figure

    @register_figure("03_km_curves", title="Kaplan-Meier curves, TACE vs TACE + lenvatinib")
    def _km_figure():
        return km_chart(km_table(data.load("launch_os")))

A registered function takes no arguments and returns an altair chart (built from the
kit's own data, so the export needs no notebook and no network). Figure names start
with the lesson number so the files sort like the lessons. From the command line::

    python -m hcckit.export figures/             # every figure, PNG + SVG
    python -m hcckit.export figures/ --only 03   # names starting with 03
    python -m hcckit.export --list

Nothing is written inside the installed package: files go to the folder you name.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
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

# Packages whose modules may register figures; discover_figures() imports each of their
# public submodules once. Another package can be added by appending its dotted name.
FIGURE_PACKAGES: list[str] = ["hcckit.charts", "hcckit.widgets"]


@dataclass(frozen=True)
class Figure:
    """A registered lesson figure: ``build()`` returns an altair chart."""

    name: str
    build: Callable[[], object]
    title: str = ""
    module: str = ""


FIGURES: dict[str, Figure] = {}


def register_figure(name: str, *, title: str = "") -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Decorator: register a zero-argument function returning an altair chart as figure ``name``.

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
        qual = f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', '')}"
        existing = FIGURES.get(name)
        if existing is not None:
            old = f"{getattr(existing.build, '__module__', '')}.{getattr(existing.build, '__qualname__', '')}"
            if old != qual:
                raise ValueError(f"name: figure {name!r} is already registered by {old}")
        FIGURES[name] = Figure(name=name, build=fn, title=title, module=getattr(fn, "__module__", ""))
        return fn

    return decorate


def discover_figures(packages: Iterable[str] | None = None) -> dict[str, Figure]:
    """Import the public submodules of ``packages`` (default :data:`FIGURE_PACKAGES`) so they register.

    A module that fails to import is logged and skipped (its figures are missing from the
    export, which :func:`export_all` reports); returns :data:`FIGURES`.
    """
    for package_name in packages if packages is not None else FIGURE_PACKAGES:
        try:
            package = importlib.import_module(package_name)
        except ImportError as exc:
            log.warning("cannot import %s: %s", package_name, exc)
            continue
        for info in pkgutil.iter_modules(getattr(package, "__path__", [])):
            if info.name.startswith("_"):
                continue
            module_name = f"{package_name}.{info.name}"
            try:
                importlib.import_module(module_name)
            except Exception as exc:  # noqa: BLE001 - one broken lesson must not stop the others
                log.warning("cannot import %s: %s: %s", module_name, type(exc).__name__, exc)
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
    """Write every registered lesson figure to ``outdir`` as ``<name>.png`` and ``<name>.svg``.

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
        Import the lesson modules first (:func:`discover_figures`) so their figures are registered.

    Returns
    -------
    ExportResult
        Files written per figure and, for figures that failed, the reason. A failing figure does
        not stop the others.
    """
    from hcckit.charts import register_theme, save_chart

    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"formats: choose from {FORMATS}, got {list(formats)!r}")
    if discover:
        discover_figures()
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
    import os

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
    output folder cannot be written, 2 for a usage error: no figure registered, or no figure
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
    parser.add_argument("--list", action="store_true", help="list the registered figures and exit")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage and the error (or the help)
        return exc.code if isinstance(exc.code, int) else 2
    if not (0 < args.scale <= 10):  # noqa: PLR2004 - also rejects nan
        print(f"hcckit export-figures: --scale: must lie in (0, 10], got {args.scale}", file=sys.stderr)
        return 2

    discover_figures()
    if not FIGURES:
        print(
            "hcckit export-figures: no figures are registered (lesson modules call "
            "hcckit.export.register_figure)",
            file=sys.stderr,
        )
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
        result = export_all(
            outdir, formats=tuple(args.formats or FORMATS), only=args.only, scale=args.scale, discover=False
        )
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
    # Run through the importable module: lesson modules register into hcckit.export.FIGURES,
    # not into this __main__ copy of it.
    from hcckit.export import main_export as _main_export

    raise SystemExit(_main_export())
