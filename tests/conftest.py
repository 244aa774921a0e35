"""Test-session settings shared by every test module."""

from hcckit.widgets import _chartlib

# Kernels skip altair's schema validation when a chart view redraws (speed); in the tests every
# spec a widget produces is validated against the Vega-Lite schema.
_chartlib.VALIDATE = True
