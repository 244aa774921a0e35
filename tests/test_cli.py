"""The ``hcckit`` command on bad arguments: one readable line, a non-zero exit, never a traceback.

Issue 14, item 7: a missing path, a plain file and an empty folder each get their own message; a
0-byte CSV, ``discrepancies`` on a bad folder and ``export-figures`` to a file end cleanly; an
unknown lesson (``--only 99``) exits non-zero; a huge table is refused before it is parsed, and a
table of many broken rows reports a bounded list of problems with their count.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hcckit import data
from hcckit.cli import main

EXPECTED = ", ".join(f"{n}.csv" for n in data.TABLE_NAMES)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err


@pytest.fixture()
def copy_dir(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(data.data_dir(), target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _broken_trials(folder: Path, rows: int) -> None:
    """Append ``rows`` copies of one broken trials.csv row (fast: one write of one repeated line)."""
    path = folder / "trials.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    bad = {"trial_id": "Bad ID", "design": "nonsense", "year": "abc", "doi": "nodoi"}
    line = ",".join(bad.get(c, "x") for c in header) + "\n"
    with path.open("a", encoding="utf-8") as f:
        f.write(line * rows)


def test_missing_path_file_and_empty_folder_have_distinct_messages(tmp_path, capsys):
    missing = tmp_path / "nope"
    plain = tmp_path / "plain.txt"
    plain.write_text("hello")
    empty = tmp_path / "empty"
    empty.mkdir()
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("x")
    messages = {}
    for name, path in [("missing", missing), ("file", plain), ("empty", empty), ("other", other)]:
        code, out, err = _run(capsys, "validate", str(path))
        assert code == 1 and out == ""
        messages[name] = err
    assert messages["missing"] == f"hcckit validate: {missing}: no such folder\n"
    assert messages["file"] == (
        f"hcckit validate: {plain}: is a file, not a folder (give the folder holding {EXPECTED})\n"
    )
    assert messages["empty"] == f"hcckit validate: {empty}: the folder is empty (expected {EXPECTED})\n"
    assert messages["other"] == (
        f"hcckit validate: {other}: the folder holds none of the tables (expected {EXPECTED})\n"
    )
    assert len(set(messages.values())) == 4


def test_zero_byte_and_blank_csv(copy_dir, capsys):
    (copy_dir / "trials.csv").write_bytes(b"")
    code, _, err = _run(capsys, "validate", str(copy_dir))
    assert code == 1
    assert (
        err == "hcckit validate: trials.csv: the file is empty (0 bytes); it needs at least its header line\n"
    )
    (copy_dir / "trials.csv").write_text("\n\n")
    code, _, err = _run(capsys, "validate", str(copy_dir))
    assert code == 1
    assert err == "hcckit validate: trials.csv: has no header line (the file holds only blank lines)\n"


def test_discrepancies_on_bad_folders(tmp_path, copy_dir, capsys):
    code, out, err = _run(capsys, "discrepancies", str(tmp_path / "nope"))
    assert code == 1 and out == ""
    assert err == f"hcckit discrepancies: {tmp_path / 'nope'}: no such folder\n"
    (copy_dir / "arms.csv").write_bytes(b"")
    code, out, err = _run(capsys, "discrepancies", str(copy_dir))
    assert code == 1 and out == ""
    assert err.startswith("hcckit discrepancies: arms.csv: the file is empty (0 bytes)")


def test_export_figures_to_a_file(tmp_path, capsys):
    target = tmp_path / "slides.pdf"
    target.write_text("not a folder")
    code, _, err = _run(capsys, "export-figures", str(target), "--only", "00")
    assert code == 1
    assert err == f"hcckit export-figures: {target}: is a file, not a folder\n"
    code, _, err = _run(capsys, "export-figures", str(target / "sub"), "--only", "00")
    assert code == 1
    assert err == f"hcckit export-figures: {target / 'sub'}: {target} is a file, not a folder\n"
    if Path("/etc/passwd").is_file():
        code, _, err = _run(capsys, "export-figures", "/etc/passwd", "--only", "00")
        assert code == 1 and err == "hcckit export-figures: /etc/passwd: is a file, not a folder\n"


def test_export_figures_unknown_lesson_exits_non_zero(tmp_path, capsys):
    for argv in (
        ["export-figures", str(tmp_path / "out"), "--only", "99"],
        ["export-figures", "--list", "--only", "99"],
    ):
        code, out, err = _run(capsys, *argv)
        assert code == 2 and out == ""
        assert err.startswith(
            "hcckit export-figures: --only 99: no figure name starts with that prefix (lessons with figures: 00"
        )
    assert not (tmp_path / "out").exists()


def test_usage_errors_exit_2_without_traceback(capsys):
    code, _, err = _run(capsys, "bogus")
    assert code == 2 and "invalid choice: 'bogus'" in err
    code, _, err = _run(capsys, "validate", "a", "b")
    assert code == 2 and "unrecognized arguments: b" in err
    code, _, err = _run(capsys, "export-figures", "--scale", "nan")
    assert code == 2 and err == "hcckit export-figures: --scale: must lie in (0, 10], got nan\n"


def test_huge_table_is_refused_before_it_is_parsed(copy_dir, capsys):
    """Issue 14: a 200,000-row table took 61 s and printed 800,000 problems."""
    _broken_trials(copy_dir, 200_000)
    start = time.perf_counter()
    code, out, err = _run(capsys, "validate", str(copy_dir))
    seconds = time.perf_counter() - start
    assert code == 1 and out == ""
    assert err == (
        f"hcckit validate: trials.csv: more than {data.MAX_ROWS:,} rows: hcckit checks tables of up to "
        f"{data.MAX_ROWS:,} rows (the curated ones have fewer than 400); is this the right file?\n"
    )
    assert seconds < 20  # was 61 s; about 0.3 s here (a guard against a full parse, not a benchmark)


def test_many_broken_rows_give_a_bounded_list_with_the_count(copy_dir, capsys):
    rows = 2_000  # 9 problems each: the duplicated key and 8 cells
    _broken_trials(copy_dir, rows)
    code, out, err = _run(capsys, "validate", str(copy_dir))
    assert code == 1 and out == ""
    lines = err.splitlines()
    total = rows * 9
    assert lines[0] == f"hcckit validate: {total:,} problems in the curated data:"
    assert len(lines) == 1 + data.SHOWN + 1
    assert lines[-1] == f"  ... and {total - data.SHOWN:,} more problems ({total:,} in all)"
    first = len(data.load("trials")) + 2  # header is line 1
    assert lines[1] == f"  trials.csv, line {first}: duplicate key (trial_id)"
    assert "TypeError" not in err and "in_range" not in err  # pandera's own messages stay hidden
    with pytest.raises(data.DataValidationError) as info:
        data.validate(copy_dir)
    assert info.value.total == total and len(info.value.problems) == data.MAX_PROBLEMS


def test_console_script_bad_argument_has_no_traceback(tmp_path):
    script = Path(sys.executable).with_name("hcckit")
    if not script.exists():
        pytest.skip("the hcckit console script is not installed in this environment")
    for argv, status in (
        [["validate", str(tmp_path / "nope")], 1],
        [["export-figures", "/etc/passwd"], 1],
        [["nope"], 2],
    ):
        done = subprocess.run([str(script), *argv], capture_output=True, text=True, timeout=120)
        assert done.returncode == status, done.stderr
        assert "Traceback" not in done.stderr and done.stderr.strip()
    done = subprocess.run([str(script), "validate", str(tmp_path / "nope")], capture_output=True, text=True)
    assert done.stderr == f"hcckit validate: {tmp_path / 'nope'}: no such folder\n"
