"""``import hcckit`` changes nothing outside hcckit; ``widgets.setup()`` applies the patches of hcckit._patches."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from hcckit import _patches
from hcckit.widgets import _chartlib

ROOT = Path(__file__).resolve().parents[1]

# The state of other libraries a patch or a setting of hcckit could change.
STATE = """
def state():
    import sys
    import altair as alt
    from altair.utils import schemapi
    return {
        "none_modules": sorted(k for k, v in sys.modules.items() if v is None),
        "rfc3987_syntax": repr(sys.modules.get("rfc3987_syntax")),
        "FromDict": f"{schemapi._FromDict.__module__}.{schemapi._FromDict.__qualname__}@{id(schemapi._FromDict)}",
        "transformer": [alt.data_transformers.active, sorted(alt.data_transformers.names())],
        "theme": [alt.theme.active, sorted(alt.theme.names())],
        "renderer": [alt.renderers.active, sorted(alt.renderers.names())],
        "JupyterChart": [hash(alt.JupyterChart._esm), alt.JupyterChart._is_offline],
    }
"""


def _run(code: str, *, log: list | None = None) -> dict:
    """Run ``code`` in a fresh interpreter; its last printed line is JSON (stderr goes to ``log``)."""
    out = subprocess.run(
        [sys.executable, "-c", STATE + code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    if log is not None:
        log.append(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_every_hcckit_module_leaves_other_libraries_as_they_were():
    result = _run(
        """
import importlib, json, pkgutil
import altair, jsonschema
before = state()
import hcckit, hcckit.charts, hcckit.widgets
for m in pkgutil.walk_packages(hcckit.__path__, "hcckit."):
    importlib.import_module(m.name)
print(json.dumps({"before": before, "after": state()}))
"""
    )
    assert result["after"] == result["before"]


def test_importing_hcckit_first_leaves_jsonschema_its_optional_packages():
    """No module hidden from sys.modules: jsonschema (via altair) imports rfc3987_syntax as usual."""
    result = _run(
        """
import json, sys
import hcckit, hcckit.charts, hcckit.widgets
import jsonschema
print(json.dumps({"none": [k for k, v in sys.modules.items() if v is None],
                  "iri": "iri" in jsonschema.FormatChecker.checkers, "state": state()}))
"""
    )
    assert "rfc3987_syntax" not in result["none"]
    assert "hcckit" not in json.dumps(result["state"])  # no hcckit theme, transformer, renderer, class
    if _patches.installed_version("rfc3987-syntax"):
        assert result["iri"]


def test_setup_applies_every_patch_once():
    result = _run(
        """
import json
from hcckit import _patches, widgets
widgets.setup()
widgets.setup()
import jsonschema
from altair.utils import schemapi
again = _patches.apply_all()
print(json.dumps({"state": state(), "again": again, "original": schemapi._FromDict._original.__qualname__,
                  "iri": "iri" in jsonschema.FormatChecker.checkers}))
"""
    )
    state = result["state"]
    assert state["rfc3987_syntax"] == "None" and not result["iri"]
    assert "_ReusedFromDict" in state["FromDict"] and result["original"] == "_FromDict"  # wrapped once
    assert state["transformer"][0] == "hcckit" and state["theme"][0] == "hcckit"
    assert state["renderer"][0] == "hcckit"
    assert result["again"] == {
        "hide_rfc3987_syntax": True,
        "reuse_altair_class_table": True,
        "use_records_transformer": True,
    }


def test_setup_after_jsonschema_is_loaded_skips_the_jsonschema_patch():
    log: list[str] = []
    result = _run(
        """
import json, logging
logging.basicConfig(level=logging.DEBUG, format="%(name)s %(message)s")
import jsonschema
from hcckit import widgets
widgets.setup()
print(json.dumps(state()))
""",
        log=log,
    )
    assert result["rfc3987_syntax"] != "None"
    assert "hide_rfc3987_syntax skipped: jsonschema is already imported" in log[0]
    assert result["FromDict"].startswith("hcckit._patches.")  # the other patches still apply


def test_patches_outside_their_versions_are_skipped_and_altair_still_works():
    log: list[str] = []
    result = _run(
        """
import json, logging
logging.basicConfig(level=logging.DEBUG, format="%(name)s %(message)s")
from hcckit import _patches
_patches.installed_version = lambda distribution: (99, 0)
applied = _patches.apply_all()
import altair as alt, pandas as pd
from altair.utils import schemapi
from hcckit.charts import register_theme
register_theme()
chart = alt.Chart(pd.DataFrame({"x": range(6000)})).mark_point().encode(x="x:Q")
spec = chart.to_dict()
print(json.dumps({"applied": applied, "state": state(), "rows": len(next(iter(spec["datasets"].values())))}))
""",
        log=log,
    )
    assert result["applied"] == dict.fromkeys(result["applied"], False)
    state = result["state"]
    assert state["rfc3987_syntax"] != "None"
    assert state["FromDict"].startswith("altair.utils.schemapi._FromDict@")
    assert state["transformer"][0] == "default" and state["theme"][0] == "hcckit"
    assert result["rows"] == 6000  # more than altair's default limit of 5,000
    for patch in _patches.WRITTEN_FOR:
        assert f"hcckit: {patch} skipped: written for" in log[0]


def test_altair_pin_matches_what_the_chart_library_and_patches_were_written_for():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (pin,) = [d for d in project["project"]["dependencies"] if re.match(r"altair\b", d)]
    major, minor = _chartlib.ALTAIR_MINOR
    assert pin.replace(" ", "") == f"altair>={major}.{minor},<{major}.{minor + 1}"  # one minor version
    low = _chartlib.ALTAIR_MINOR
    assert _patches.installed_version("altair") == _chartlib.ALTAIR_MINOR
    for patch, (distribution, first, stop) in _patches.WRITTEN_FOR.items():
        if distribution == "altair":
            assert first <= low < stop, patch
