"""Command line: ``hcckit validate``, ``hcckit audit``, ``hcckit export-figures``, ``hcckit export-site``,
``hcckit discrepancies``.

Every bad argument (a missing or wrong folder, an unreadable table, an unknown lesson) ends in
one readable message on stderr and a non-zero exit status, never a traceback: 1 when the data or
the export failed, 2 for a usage error (argparse's convention).
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["main"]


def _fail(command: str, exc: BaseException, status: int = 1) -> int:
    """Print ``hcckit COMMAND: message`` on stderr and return the exit status."""
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, OSError) and exc.strerror:
        text = f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    print(f"hcckit {command}: {text}", file=sys.stderr)
    return status


def _validate(args) -> int:
    from hcckit import data

    try:
        sizes = data.validate(args.directory)
    except (ValueError, TypeError, OSError) as exc:  # DataValidationError is a ValueError
        return _fail("validate", exc)
    width = max(len(n) for n in sizes)
    for name, rows in sizes.items():
        print(f"{name:<{width}}  {rows:>4} rows  ok")
    return 0


def _discrepancies(args) -> int:
    from hcckit import data

    try:
        table = data.discrepancies(directory=args.directory)
    except (ValueError, TypeError, OSError) as exc:
        return _fail("discrepancies", exc)
    for r in table.itertuples(index=False):
        print(f"- [{r.table}] {r.trial_id} {r.arm_id} {r.what} ({r.source_location}): {r.note}")
    print(f"{len(table)} recorded discrepancies")
    return 0


def _audit(args) -> int:
    from hcckit import appraisal

    try:
        findings = appraisal.audit()
    except (ValueError, TypeError, OSError) as exc:
        return _fail("audit", exc)
    print(appraisal.report(findings, fmt=args.format))
    return 0


def _export(args) -> int:
    from hcckit import export

    return export.main_export(args.rest)


def _export_site(args) -> int:
    import time

    from hcckit import site

    lessons = None if args.lessons is None else [x for x in args.lessons.split(",") if x.strip()]
    timings: dict = {}
    t0 = time.perf_counter()
    try:
        written = site.export_site(
            args.directory,
            lessons=lessons,
            notebooks=args.notebooks,
            force=args.force,
            timeout=args.timeout,
            timings=timings,
        )
    except site.SiteError as exc:
        return _fail("export-site", exc, status=2)
    except Exception as exc:  # noqa: BLE001 - a lesson failed to run, a file could not be written
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return _fail("export-site", RuntimeError(f"{type(exc).__name__}: {first}"))
    for stem, (seconds, size) in timings.items():
        print(f"{stem:<28} {seconds:5.1f} s  {size / 1e6:5.2f} MB")
    total = sum(p.stat().st_size for p in written)
    print(
        f"{len(timings)} lessons in {time.perf_counter() - t0:.1f} s, {total / 1e6:.1f} MB: "
        f"open {written[0]} in a browser (no server needed)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``hcckit`` command; returns the exit status (0 ok, 1 failed, 2 usage)."""
    parser = argparse.ArgumentParser(prog="hcckit", description="hcckit: HCC treatment-evidence teaching kit")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="validate the curated tables against their schemas")
    p.add_argument(
        "directory", nargs="?", default=None, help="folder with the CSV files (default: shipped data)"
    )
    p.set_defaults(func=_validate)
    p = sub.add_parser("discrepancies", help="list the source discrepancies recorded in the curated notes")
    p.add_argument("directory", nargs="?", default=None)
    p.set_defaults(func=_discrepancies)
    p = sub.add_parser("audit", help="consistency audit of the reported trial numbers")
    p.add_argument("--format", choices=["text", "markdown"], default="text")
    p.set_defaults(func=_audit)
    p = sub.add_parser(
        "export-figures",
        help="save every lesson figure as PNG and SVG (offline); see hcckit export-figures --help",
        add_help=False,
    )
    p.set_defaults(func=_export)
    p = sub.add_parser(
        "export-site",
        help="write every lesson as a static, offline HTML site (opens from file://, no kernel)",
    )
    p.add_argument("directory", help="folder to write (created; must be empty unless --force)")
    p.add_argument(
        "--lessons", metavar="LIST", help="comma-separated lesson numbers, e.g. 02,03 (default: all)"
    )
    p.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    p.add_argument(
        "--notebooks", metavar="DIR", help="folder of the lesson notebooks (default: the clone's notebooks/)"
    )
    p.add_argument("--timeout", type=float, default=300, help="seconds a lesson cell may run (default 300)")
    p.set_defaults(func=_export_site)
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["export-figures"]:  # its own options live in hcckit.export.main_export
        return _export(argparse.Namespace(rest=argv[1:]))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage and the error (or the help)
        return exc.code if isinstance(exc.code, int) else 2
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
