"""hcckit: a teaching kit for hepatocellular carcinoma (HCC) treatment evidence.

Submodules are imported lazily, so ``import hcckit`` stays light (no pandas,
altair or lifelines until a submodule is used)::

    from hcckit import data
    trials = data.load("trials")

Modules
-------
data        curated trial tables (``load``, ``validate``), with provenance
stats       exact binomial intervals, 2x2 comparisons
response    RECIST 1.1 / mRECIST / WHO / EASL response engine
survival    pseudo-patients from published summaries, Guyot reconstruction, KM analysis
evidence    cross-trial views: forest-plot tables, pooling
safety      adverse-event profiles and two-arm comparisons
mechanisms  didactic (qualitative) TACE / VEGF dynamic model
appraisal   consistency audit of reported trial numbers
labels      people-facing names for every id (designs, endpoints, criteria, checks, arms, trials)
formatting  numbers as text: P-values (NEJM/AMA), percentages, CIs, plain numbers
tables      one HTML table renderer for lessons and panels (``tables.show(frame)``)
charts      altair chart functions (return charts, never display them)
widgets     ipywidgets panels for the lessons
checks      auto-checks for the lesson exercises
"""

from __future__ import annotations

import importlib
import sys

__version__ = "0.1.0"

# altair validates chart specs with jsonschema, which on import tries the optional package
# rfc3987_syntax (installed beside JupyterLab) to check "iri" string formats. Importing it
# compiles a grammar: 1.5 s of every lesson kernel's start-up here, for a format no Vega-Lite
# schema uses. Unless jsonschema is already loaded, hide it from this process so jsonschema
# skips that one optional check (it treats the package as not installed).
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)

__all__ = [
    "appraisal",
    "charts",
    "checks",
    "data",
    "evidence",
    "formatting",
    "labels",
    "mechanisms",
    "response",
    "safety",
    "stats",
    "survival",
    "tables",
    "widgets",
]


def __getattr__(name: str):
    if name in __all__:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'hcckit' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
