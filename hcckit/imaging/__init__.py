"""Imaging lab (lesson 07): SYNTHETIC multiphase liver CT, a trainee's calipers, verdicts, reader variability.

Modules
-------
``phantom``      the SYNTHETIC phantom: :func:`load_case` -> :class:`Case` (scans per day and
                 phase, HU, mm; the ground truth per lesion and visit), :func:`cases`
``measure``      :func:`caliper_mm`, :func:`readings_table`, :func:`measurements_from_readings`,
                 :func:`compare_verdicts` (reader vs truth under RECIST 1.1, mRECIST, WHO, EASL, by
                 :mod:`hcckit.response`), :func:`reading_errors`
``loading``      :func:`load_image` / :func:`load_series`: a trainee's DICOM, PNG or JPEG, in memory
``variability``  :func:`reader_error_model` (cited inter-reader figures), :func:`reread`,
                 :func:`flip_curve`

Everything generated here is labelled SYNTHETIC; loaded images are not (``synthetic=False``).
No widget or chart code lives here.
"""

from __future__ import annotations

from hcckit.imaging.loading import MAX_BYTES, MAX_PIXELS, Image, load_image, load_series
from hcckit.imaging.measure import (
    MEASURES,
    caliper_mm,
    compare_verdicts,
    measurements_from_readings,
    reading_errors,
    readings_table,
)
from hcckit.imaging.phantom import HU, PHASES, SYNTHETIC, Case, Scan, cases, load_case
from hcckit.imaging.variability import ReaderErrorModel, flip_curve, reader_error_model, reread

__all__ = [
    "SYNTHETIC",
    "PHASES",
    "HU",
    "Scan",
    "Case",
    "cases",
    "load_case",
    "MEASURES",
    "caliper_mm",
    "readings_table",
    "measurements_from_readings",
    "compare_verdicts",
    "reading_errors",
    "Image",
    "load_image",
    "load_series",
    "MAX_BYTES",
    "MAX_PIXELS",
    "ReaderErrorModel",
    "reader_error_model",
    "reread",
    "flip_curve",
]
