"""hcckit: a teaching kit for hepatocellular carcinoma (HCC) treatment evidence.

Submodules are imported lazily, so ``import hcckit`` stays light (no pandas,
altair or lifelines until a submodule is used)::

    from hcckit import data
    trials = data.load("trials")

``import hcckit`` (and importing any submodule) changes nothing outside hcckit: the few
changes to other libraries (altair, jsonschema) are in ``hcckit._patches`` and are applied
by ``hcckit.widgets.setup()``.

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

__version__ = "0.1.0"

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
