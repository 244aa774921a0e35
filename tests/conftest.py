"""Test-session settings shared by every test module."""

from hcckit import _patches

# the lessons run with hcckit's speed-ups of other libraries (``widgets.setup()`` applies them, before
# altair loads); so do the tests. tests/test_no_import_patches.py checks, in fresh processes, that
# importing hcckit alone applies none of them.
_patches.apply_all()

from hcckit.widgets import _chartlib  # noqa: E402  (after the patches, as in a lesson)

# Kernels skip altair's schema validation when a chart view redraws (speed); in the tests every
# spec a widget produces is validated against the Vega-Lite schema.
_chartlib.VALIDATE = True

# No hypothesis deadlines anywhere: a first call that imports scipy, or a machine shared with other
# jobs, takes longer than hypothesis' 200 ms default and made property tests flaky (test_stats'
# round-trip test failed at 738 ms on a loaded 2-core machine). Tests assert results, never times.
from hypothesis import settings  # noqa: E402

settings.register_profile("hcckit", deadline=None)
settings.load_profile("hcckit")

import pytest  # noqa: E402


@pytest.fixture(scope="module")
def table():
    """All curated comparisons (``evidence.comparisons()``); a module's own ``table`` fixture wins."""
    from hcckit import evidence

    return evidence.comparisons()


@pytest.fixture(scope="module")
def forest_all(table):
    """The forest table of every comparison (``evidence.forest_table``)."""
    from hcckit import evidence

    return evidence.forest_table(table)


def pytest_terminal_summary(terminalreporter):
    """Print the fuzz tally: cases, valid results and named errors per target (crashes fail the test)."""
    from fuzzing import EXAMPLES, TALLY

    if not TALLY:
        return
    tr = terminalreporter
    tr.section(f"fuzz targets ({EXAMPLES} generated cases per test)")
    tr.write_line(f"{'target':<48} {'calls':>7} {'valid':>7} {'named errors':>13}")
    for target in sorted(TALLY):
        c = TALLY[target]
        tr.write_line(f"{target:<48} {sum(c.values()):>7} {c['valid']:>7} {c['named']:>13}")
