"""Pseudo patient data rebuilt from a digitised curve (Guyot's algorithm), and how well it fits.

The engine is :mod:`hcckit.guyot` (:func:`reconstruct_ipd`, :func:`clean_curve`, re-exported
here); :func:`km_steps` reads a curve's corners as a digitiser would, and
:func:`reconstruction_error` compares the rebuilt data's Kaplan-Meier curve with the input.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from hcckit.guyot import DataDiscrepancyWarning, clean_curve, reconstruct_ipd, validate_at_risk
from hcckit.survival._validate import _check_data
from hcckit.survival.analysis import _fit_km
from hcckit.survival.results import ReconstructionReport

__all__ = ["reconstruct_ipd", "clean_curve", "km_steps", "reconstruction_error", "DataDiscrepancyWarning"]


def km_steps(data: pd.DataFrame, *, time: str = "time", event: str = "event") -> pd.DataFrame:
    """The corners of a Kaplan-Meier curve (``time``, ``survival``): what a digitiser would read.

    Useful to test :func:`reconstruct_ipd` on simulated trials.
    """
    data = _check_data(data, time=time, event=event)
    kmf = _fit_km(data, time=time, event=event, label="km")
    sf = kmf.survival_function_
    return pd.DataFrame({"time": sf.index.to_numpy(dtype=float), "survival": sf.iloc[:, 0].to_numpy()})


def reconstruction_error(ipd: pd.DataFrame, *, curve, at_risk=None) -> ReconstructionReport:
    """Compare the Kaplan-Meier curve of rebuilt data with the digitised points it came from.

    Parameters
    ----------
    ipd : DataFrame
        Output of :func:`reconstruct_ipd` (``time``, ``event``).
    curve : DataFrame
        The input points (``time`` months, ``survival`` 0-1); cleaned as :func:`clean_curve` does.
    at_risk : DataFrame, optional
        Published numbers at risk (``time``, ``n_at_risk``), compared with the rebuilt ones.
    """
    ipd = _check_data(ipd, time="time", event="event")
    pts, _ = clean_curve(curve, time_unit=ipd.attrs.get("time_unit", "months"))
    kmf = _fit_km(ipd, time="time", event="event", label="rebuilt")
    rebuilt = kmf.survival_function_at_times(pts["time"].to_numpy()).to_numpy()
    diff = rebuilt - pts["survival"].to_numpy()
    table = pd.DataFrame(
        {
            "time": pts["time"],
            "survival_input": pts["survival"],
            "survival_rebuilt": rebuilt,
            "difference": diff,
        }
    )
    risk_diff = None
    if at_risk is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataDiscrepancyWarning)  # a difference is what is reported
            risk, _ = validate_at_risk(at_risk, n=len(ipd), time_unit=ipd.attrs.get("time_unit", "months"))
        t = ipd["time"].to_numpy()
        got = np.array([(t >= x).sum() for x in risk["time"].to_numpy(dtype=float)])
        risk_diff = int(np.max(np.abs(got - risk["n_at_risk"].to_numpy(dtype=float))))
    return ReconstructionReport(
        max_abs_error=float(np.max(np.abs(diff))),
        # a mean of equal values can exceed them by one rounding step: never above the maximum
        mean_abs_error=min(float(np.mean(np.abs(diff))), float(np.max(np.abs(diff)))),
        n=len(ipd),
        events=int(ipd["event"].sum()),
        at_risk_max_diff=risk_diff,
        table=table,
    )
