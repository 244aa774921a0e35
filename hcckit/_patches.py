"""Every change hcckit makes to another library (altair, jsonschema): speed-ups for lesson kernels.

Nothing here runs at ``import hcckit`` (nor at ``import hcckit.charts`` / ``hcckit.widgets``):
:func:`apply_all` is called by :func:`hcckit.widgets.setup`, which every lesson notebook calls,
and :func:`use_records_transformer` also by :func:`hcckit.charts.register_theme` (the explicit
call that figure export and some tests make). ``tests/test_no_import_patches.py`` checks that
importing hcckit leaves altair and ``sys.modules`` as they were.

Each patch

- says why, what it changes and the library versions it was written for (its docstring);
- is gated on the installed version (``importlib.metadata``, without importing the library):
  outside the range it is skipped with one debug-log line, and the library works unpatched
  (slower, never broken);
- is idempotent (safe to apply many times).

After upgrading altair or jsonschema: run ``tests/test_charts_common.py`` and
``tests/test_no_import_patches.py``, then widen the range in :data:`WRITTEN_FOR`.
"""

from __future__ import annotations

import logging
import re
import sys
from importlib import metadata

__all__ = [
    "WRITTEN_FOR",
    "MAX_CHART_ROWS",
    "apply_all",
    "applies",
    "installed_version",
    "hide_rfc3987_syntax",
    "records_transformer",
    "reuse_altair_class_table",
    "use_records_transformer",
]

log = logging.getLogger("hcckit.patches")

#: (distribution, lowest version, first version not covered) each patch was written and tested for.
WRITTEN_FOR: dict[str, tuple[str, tuple[int, int], tuple[int, int]]] = {
    "hide_rfc3987_syntax": ("jsonschema", (4, 18), (5, 0)),
    "reuse_altair_class_table": ("altair", (6, 3), (6, 4)),
    "use_records_transformer": ("altair", (5, 4), (7, 0)),
}

#: Most rows one chart layer may carry (altair's own default is 5,000). Uploads are bounded
#: (:data:`hcckit.uploads.MAX_ROWS` = 20,000 measurement rows), so a teacher's file well inside
#: the stated limits always draws: 1,251 patients x 4 visits was refused at altair's 5,000.
MAX_CHART_ROWS = 100_000

_SKIPPED: set[str] = set()


def installed_version(distribution: str) -> tuple[int, int] | None:
    """(major, minor) of an installed distribution, read from its metadata (no import)."""
    try:
        text = metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None
    match = re.match(r"(\d+)\.(\d+)", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def applies(patch: str) -> bool:
    """Is the installed library inside the version range ``patch`` was written for?

    Outside it, logs once (debug) that the patch is skipped.
    """
    distribution, low, high = WRITTEN_FOR[patch]
    version = installed_version(distribution)
    if version is not None and low <= version < high:
        return True
    if patch not in _SKIPPED:
        _SKIPPED.add(patch)
        log.debug(
            "hcckit: %s skipped: written for %s %d.%d to <%d.%d, installed %s",
            patch,
            distribution,
            *low,
            *high,
            "none" if version is None else f"{version[0]}.{version[1]}",
        )
    return False


def hide_rfc3987_syntax() -> bool:
    """Keep jsonschema from importing the optional package ``rfc3987_syntax`` in this process.

    Why: altair validates chart specs with jsonschema, whose ``_format`` module, on import, tries
    ``rfc3987_syntax`` (installed beside JupyterLab) to check "iri" string formats; importing it
    compiles a Lark grammar: 0.8-1.5 s of every lesson kernel's start-up, for a format no
    Vega-Lite schema uses.

    What: ``sys.modules["rfc3987_syntax"] = None`` (unless something put it there already), so
    ``import rfc3987_syntax`` raises ImportError and jsonschema treats it as not installed (it
    then simply does not check the "iri" formats). Effective only before jsonschema is imported
    (so call :func:`hcckit.widgets.setup` before importing lesson panels); skipped, with a debug
    note, when jsonschema is already loaded.

    Written for jsonschema 4.18-4.26 (the optional import is in ``jsonschema/_format.py``).
    Returns whether the package is now hidden.
    """
    if not applies("hide_rfc3987_syntax"):
        return False
    if sys.modules.get("rfc3987_syntax", ...) is None:
        return True
    if "jsonschema" in sys.modules:
        log.debug("hcckit: hide_rfc3987_syntax skipped: jsonschema is already imported")
        return False
    sys.modules.setdefault("rfc3987_syntax", None)
    return sys.modules["rfc3987_syntax"] is None


def reuse_altair_class_table() -> bool:
    """Make altair build its schema-to-class table once per process instead of on every encoding.

    Why: ``SchemaBase.from_dict`` (called for every shorthand such as ``x="day:Q"``) constructs a
    new ``altair.utils.schemapi._FromDict``, which hashes the JSON schema of all ~600 altair
    classes (about 8 ms each time): a third to a half of the time to build a lesson chart
    (a layered chart 62 -> 37 ms). The table depends only on the set of wrapper classes.

    What: replaces the private class ``altair.utils.schemapi._FromDict`` by a subclass whose
    constructor returns one shared instance per set of wrapper classes (altair's own draft fix,
    vega/altair#3547, does the same). Results are unchanged (tests/test_charts_common.py compares
    them with altair's own).

    Written for altair 6.3 (``_FromDict(wrapper_classes, /)``); skipped for other versions or if
    the private class is missing. Returns whether the replacement is in place.
    """
    if not applies("reuse_altair_class_table"):
        return False
    from altair.utils import schemapi

    original = getattr(schemapi, "_FromDict", None)
    if not isinstance(original, type):
        log.debug("hcckit: reuse_altair_class_table skipped: altair has no class schemapi._FromDict")
        return False
    if getattr(original, "_hcckit_reused", False):
        return True
    tables: dict[tuple, object] = {}

    class _ReusedFromDict(original):
        _hcckit_reused = True
        _original = original

        def __new__(cls, wrapper_classes, /):
            key = tuple(wrapper_classes)
            converter = tables.get(key)
            if converter is None:
                converter = object.__new__(cls)
                original.__init__(converter, key)
                tables[key] = converter
            return converter

        def __init__(self, wrapper_classes, /) -> None:  # built once, in __new__
            pass

    schemapi._FromDict = _ReusedFromDict
    return True


def records_transformer(data, max_rows: int = MAX_CHART_ROWS):
    """altair data transformer: a DataFrame becomes inline records through pandas' C JSON writer.

    Same result as altair's default transformer (NaN and infinities become null, categories
    their labels, datetimes ISO strings, numbers kept to 15 significant digits) but about
    10x faster on the many small frames of a layered lesson chart, which makes sliders snappier.
    Anything that is not a DataFrame goes to altair's default transformer; more than
    ``max_rows`` rows (:data:`MAX_CHART_ROWS`) is an error (altair's ``MaxRowsError``).
    """
    import json

    import altair as alt
    import pandas as pd

    if not isinstance(data, pd.DataFrame) or isinstance(data.columns, pd.MultiIndex):
        return alt.vegalite.data.default_data_transformer(data, max_rows=max_rows)
    if len(data) > max_rows:
        from altair.utils.data import MaxRowsError

        raise MaxRowsError(
            f"The number of rows in your dataset ({len(data)}) is greater than the maximum allowed ({max_rows})."
        )
    frame = data.reset_index(drop=True)
    frame.columns = [str(c) for c in frame.columns]
    text = frame.to_json(orient="records", date_format="iso", double_precision=15, default_handler=str)
    return {"values": json.loads(text)}


def use_records_transformer() -> bool:
    """Register and enable altair's data transformer ``hcckit`` (:func:`records_transformer`).

    Why: altair's default transformer is about 10x slower on the many small frames of a layered
    lesson chart, and refuses more than 5,000 rows (an upload well inside hcckit's limits).

    What: ``alt.data_transformers.register("hcckit", ...)`` and ``enable("hcckit")``: public
    altair API, but process-wide (every altair chart of the process then uses it). Outside the
    version range it enables altair's ``default`` transformer with ``max_rows`` =
    :data:`MAX_CHART_ROWS` instead (slower, same result).

    Written for altair 5.4-6.3 (``{"values": records}`` inline data, ``default_data_transformer``).
    Returns whether the ``hcckit`` transformer is active.
    """
    import altair as alt

    if not applies("use_records_transformer"):
        alt.data_transformers.enable("default", max_rows=MAX_CHART_ROWS)
        return False
    if "hcckit" not in alt.data_transformers.names():
        alt.data_transformers.register("hcckit", records_transformer)
    if alt.data_transformers.active != "hcckit":
        alt.data_transformers.enable("hcckit")
    return True


def apply_all() -> dict[str, bool]:
    """Apply every patch (each gated on its library's version); returns which ones are in place.

    Called by :func:`hcckit.widgets.setup`. Order matters: the jsonschema one must come before
    altair is imported.
    """
    return {
        "hide_rfc3987_syntax": hide_rfc3987_syntax(),
        "reuse_altair_class_table": reuse_altair_class_table(),
        "use_records_transformer": use_records_transformer(),
    }
