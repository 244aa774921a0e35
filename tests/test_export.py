"""hcckit.export: the table of lesson figures and the offline PNG/SVG export for slides."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from hcckit import export


@pytest.fixture
def registry(monkeypatch):
    """An empty FIGURES registry for the test (the real one is restored afterwards)."""
    monkeypatch.setattr(export, "FIGURES", {})
    return export.FIGURES


def _chart(k: int = 1):
    data = pd.DataFrame({"time": [0, 6, 12, 18], "survival": [1.0, 0.8 / k, 0.6 / k, 0.5 / k]})
    return (
        alt.Chart(data)
        .mark_line()
        .encode(alt.X("time:Q", title="Time (months)"), alt.Y("survival:Q", title="Survival probability"))
    )


def test_register_and_export_png_and_svg(registry, tmp_path):
    @export.register_figure("01_demo", title="a demo")
    def demo():
        return _chart()

    assert demo() is not None  # the decorated function is returned unchanged
    assert registry["01_demo"].title == "a demo"
    result = export.export_all(tmp_path / "out", discover=False)
    assert result.ok, result.errors
    png, svg = (tmp_path / "out" / "01_demo.png"), (tmp_path / "out" / "01_demo.svg")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = svg.read_text()
    assert text.lstrip().startswith("<svg") and "Time (months)" in text
    assert result.files["01_demo"] == [png, svg]


def test_one_failing_figure_does_not_stop_the_others(registry, tmp_path):
    export.register_figure("02_good")(lambda: _chart())

    @export.register_figure("02_bad")
    def bad():
        raise ValueError("no data for arm 'X'")

    export.register_figure("02_not_a_chart")(lambda: "hello")
    result = export.export_all(tmp_path, formats=["svg"], discover=False)
    assert set(result.files) == {"02_good"}
    assert "no data for arm" in result.errors["02_bad"]
    assert "not an altair chart" in result.errors["02_not_a_chart"]
    assert not result.ok


def test_only_and_formats(registry, tmp_path):
    export.register_figure("01_a")(lambda: _chart(1))
    export.register_figure("03_b")(lambda: _chart(2))
    result = export.export_all(tmp_path, formats=["svg"], only=["03"], discover=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["03_b.svg"]
    assert list(result.files) == ["03_b"]
    with pytest.raises(ValueError, match="formats"):
        export.export_all(tmp_path, formats=["pdf"], discover=False)


def test_names_are_checked_and_unique(registry):
    with pytest.raises(ValueError, match="name"):
        export.register_figure("../escape")
    with pytest.raises(ValueError, match="name"):
        export.register_figure("")

    def first():
        return _chart()

    def second():
        return _chart()

    export.register_figure("04_x")(first)
    export.register_figure("04_x")(first)  # same function again (module reload): fine
    with pytest.raises(ValueError, match="already registered"):
        export.register_figure("04_x")(second)


def test_cli(registry, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(export, "discover_figures", lambda packages=None: export.FIGURES)
    assert export.main_export(["--list"]) == 2  # nothing registered yet
    export.register_figure("05_cli", title="cli figure")(lambda: _chart())
    assert export.main_export(["--list"]) == 0
    assert "05_cli" in capsys.readouterr().out
    assert export.main_export([str(tmp_path), "--format", "png"]) == 0
    assert (tmp_path / "05_cli.png").exists() and not (tmp_path / "05_cli.svg").exists()


def test_every_registered_lesson_figure_exports(tmp_path):
    """The real registry: every figure the lessons register builds and saves offline."""
    figures = export.discover_figures()
    if not figures:
        pytest.skip("no lesson module registers a figure yet")
    result = export.export_all(tmp_path, formats=["svg"], discover=False)
    assert result.ok, result.errors
    assert len(result.files) == len(figures)


def test_import_hcckit_cli_stays_light():
    """``hcckit validate`` etc. load no altair/pandas: the CLI imports hcckit.export (an app-layer module
    that imports the charts) only when ``export-figures`` runs."""
    import subprocess
    import sys

    code = "import sys, hcckit, hcckit.cli; print(any(m in sys.modules for m in ('altair', 'pandas', 'hcckit.export')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_module_entry_point_sees_lesson_figures():
    """``python -m hcckit.export --list`` lists what the lesson modules register (same registry)."""
    import subprocess
    import sys

    figures = export.discover_figures()
    if not figures:
        pytest.skip("no lesson module registers a figure yet")
    out = subprocess.run([sys.executable, "-m", "hcckit.export", "--list"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert sorted(line.split()[0] for line in out.stdout.splitlines() if line.strip()) == sorted(figures)


def test_hcckit_command_passes_options_through(tmp_path):
    """``hcckit export-figures`` takes the same options as ``python -m hcckit.export``."""
    import subprocess
    import sys

    code = "import sys; from hcckit.cli import main; sys.exit(main(sys.argv[1:]))"
    out = subprocess.run(
        [sys.executable, "-c", code, "export-figures", "--list", "--only", "00"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert [line.split()[0] for line in out.stdout.splitlines()] == ["00_landscape"]
    out = subprocess.run(
        [sys.executable, "-c", code, "export-figures", str(tmp_path), "--only", "00", "--format", "svg"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["00_landscape.svg"]


def test_every_lesson_has_exported_figures():
    """Each lesson notebook NN_*.ipynb has at least one figure for slides (names start with NN)."""
    from pathlib import Path

    figures = export.discover_figures()
    lessons = sorted(p.name[:2] for p in (Path(__file__).parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    missing = [n for n in lessons if not any(name.startswith(n + "_") for name in figures)]
    assert not missing, f"lessons without exportable figures: {missing}"
