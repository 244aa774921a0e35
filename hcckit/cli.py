"""Command line: ``hcckit validate``, ``hcckit audit``, ``hcckit export-figures``, ``hcckit discrepancies``."""

from __future__ import annotations

import argparse
import sys

__all__ = ["main"]


def _validate(args) -> int:
    from hcckit import data

    try:
        sizes = data.validate(args.directory)
    except data.DataValidationError as exc:
        print(exc, file=sys.stderr)
        return 1
    width = max(len(n) for n in sizes)
    for name, rows in sizes.items():
        print(f"{name:<{width}}  {rows:>4} rows  ok")
    return 0


def _discrepancies(args) -> int:
    from hcckit import data

    table = data.discrepancies(directory=args.directory)
    for r in table.itertuples(index=False):
        print(f"- [{r.table}] {r.trial_id} {r.arm_id} {r.what} ({r.source_location}): {r.note}")
    print(f"{len(table)} recorded discrepancies")
    return 0


def _audit(args) -> int:
    from hcckit import appraisal

    findings = appraisal.audit()
    print(appraisal.report(findings, fmt=args.format))
    return 0


def _export(args) -> int:
    from hcckit import export

    return export.main_export(args.rest)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``hcckit`` command."""
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
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["export-figures"]:  # its own options live in hcckit.export.main_export
        return _export(argparse.Namespace(rest=argv[1:]))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
