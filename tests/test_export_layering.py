"""The lesson figures are listed in hcckit.export (app layer); the chart modules never import it.

Issue 15: chart modules used to import ``hcckit.export.register_figure`` while hcckit.export
imported the charts, held together by lazy imports. Now the import goes one way only.
"""

from __future__ import annotations

import ast
import inspect
from functools import partial
from pathlib import Path

import pytest

from hcckit import export

CHARTS = Path(__file__).parents[1] / "hcckit" / "charts"
FORBIDDEN = {"hcckit.export", "hcckit.figures"}

# `hcckit export-figures --list` before the figures moved into one table (issue 15).
FIGURE_NAMES = {
    "00_landscape",
    *(
        f"01_{n}"
        for n in ("biomarkers", "blood_supply", "dose_window", "model", "perfusion", "tace_sessions")
    ),
    *(f"01_modality_{n}" for n in ("ctace", "debtace", "haic", "tae", "tare")),
    "01_vegf_surge",
    *(f"02_{n}" for n in ("discordance", "rates_two_criteria", "spider_mrecist", "waterfall_mrecist")),
    *(f"03_{n}" for n in ("km_pseudo_pfs", "km_rct_pfs", "published_vs_pseudo_os")),
    *(f"04_{n}" for n in ("cross_trial", "forest_os", "forest_pfs", "orr_by_criterion", "pooled_default")),
    *(f"05_class_{n}" for n in ("antivegf", "embolization", "immune", "tki")),
    *(f"05_{n}" for n in ("profile_any_grade", "profile_grade3", "two_arm_all", "two_arm_yan2025")),
    *(f"06_{n}" for n in ("at_risk_debtace_os", "findings_by_check", "grim_debtace_orr", "hr_ci_symmetry")),
    "06_two_by_two_proteinuria",
    "07_reader_flips",
}


def _imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports anywhere (module level, in functions, in try blocks), by name."""
    package = "hcckit.charts"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from .. import export
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call):  # importlib.import_module("hcckit.export"), __import__(...)
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if (
                name in ("import_module", "__import__")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(str(node.args[0].value))
    return found


@pytest.mark.parametrize("path", sorted(CHARTS.glob("*.py")), ids=lambda p: p.name)
def test_no_chart_module_imports_the_export(path):
    imported = _imported_modules(path)
    assert imported, "the parser found no import at all"
    assert not imported & FORBIDDEN, f"{path.name} imports {sorted(imported & FORBIDDEN)}"


def test_the_import_check_sees_function_level_and_relative_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f():\n    from hcckit.export import register_figure\n"
        "try:\n    from .. import export\nexcept ImportError:\n    pass\n"
        "import importlib\nimportlib.import_module('hcckit.figures')\n"
    )
    assert FORBIDDEN <= _imported_modules(sample)


def test_the_figure_list_is_unchanged():
    assert set(export.LESSON_FIGURES) == FIGURE_NAMES
    assert set(export.FIGURES) == FIGURE_NAMES
    assert export.discover_figures() is export.FIGURES  # the old entry point still answers


def test_every_entry_is_a_named_zero_argument_builder_from_a_chart_module():
    for name, (title, build) in export.LESSON_FIGURES.items():
        assert export._NAME.match(name) and name[:2].isdigit(), name
        assert title.strip(), name
        fn = build.func if isinstance(build, partial) else build
        assert fn.__module__.startswith("hcckit.charts."), name
        bound = inspect.signature(fn).bind_partial(*getattr(build, "args", ()))
        missing = [
            p.name
            for p in inspect.signature(fn).parameters.values()
            if p.default is p.empty and p.name not in bound.arguments
        ]
        assert not missing, f"{name}: the builder needs {missing}"
        assert export.FIGURES[name].module == fn.__module__


def test_every_figure_builder_in_the_chart_modules_is_listed():
    """A ``*_figure`` builder written in a chart module and not added to the table is a figure lost."""
    import importlib

    listed = {getattr(b, "func", b) for _, b in export.LESSON_FIGURES.values()}
    for path in sorted(CHARTS.glob("[!_]*.py")):
        module = importlib.import_module(f"hcckit.charts.{path.stem}")
        builders = {
            fn
            for name, fn in vars(module).items()
            if name.endswith("_figure") and inspect.isfunction(fn) and fn.__module__ == module.__name__
        }
        assert builders <= listed, f"{path.stem}: not in hcckit.export.LESSON_FIGURES: {builders - listed}"
