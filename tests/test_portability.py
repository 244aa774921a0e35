"""Nothing in the kit ties it to one machine: no absolute paths, no writes next to the code.

JupyterHub and BinderHub run the repository unchanged only if the package never writes
into its install folder and never names a path of the machine it was written on.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
ABSOLUTE = re.compile(r"""["'](/(home|root|work|tmp|Users|usr/local|opt)/|[A-Za-z]:\\\\)""")
# to_csv() / to_csv(index=False) return a string; with a path argument they write a file
WRITES = re.compile(
    r"""\.to_csv\((?!\s*\)|\s*index=)|\.write_text\(|\.write_bytes\(|open\([^)]*["'][wa]b?["']"""
)


def _sources():
    for path in sorted((REPO / "hcckit").rglob("*.py")):
        yield path, path.read_text()
    for path in sorted((REPO / "notebooks").rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        yield path, "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for path in sorted((REPO / "notebooks" / "solutions").glob("*.py")):
        yield path, path.read_text()


def test_no_absolute_paths():
    hits = [f"{p.relative_to(REPO)}: {m.group(0)}" for p, text in _sources() for m in ABSOLUTE.finditer(text)]
    assert not hits, "absolute paths tie the kit to one machine:\n" + "\n".join(hits)


def test_package_writes_only_where_asked():
    """The only file writes in hcckit are static exports to a path the caller names."""
    allowed = {
        "hcckit/charts/_common.py",
        "hcckit/site.py",
    }  # save_chart(chart, path); export_site(directory)
    hits = [
        f"{p.relative_to(REPO)}"
        for p, text in _sources()
        if WRITES.search(text) and str(p.relative_to(REPO)) not in allowed
    ]
    assert not hits, f"files that write to disk (must only write where the user asks): {hits}"


def test_data_load_writes_nothing(tmp_path):
    """Loading and validating the curated tables never writes into the installed package."""
    import hcckit._data as shipped

    folder = Path(shipped.__file__).parent
    before = {
        p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }
    code = "from hcckit import data; data.validate(); [data.load(n) for n in data.TABLE_NAMES]"
    subprocess.run([sys.executable, "-B", "-c", code], check=True, cwd=tmp_path)
    after = {
        p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }
    assert after == before
    assert list(tmp_path.iterdir()) == [], "loading the data wrote files into the working folder"


def test_every_subpackage_is_listed_for_installation():
    """A package folder missing from pyproject's ``packages`` is absent from a wheel or a Binder install
    (an editable install, as in the tests, would not notice)."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(root).parts) for p in (root / "hcckit").rglob("__init__.py")}
    assert on_disk - listed == set(), f"add to [tool.setuptools] packages: {sorted(on_disk - listed)}"
