"""ipywidgets panels for the lessons; each composes hcckit compute functions and hcckit.charts.

See :mod:`hcckit.widgets._common` for the conventions every panel follows. A lesson starts
with ``from hcckit import widgets; widgets.setup()`` (before importing panels): :func:`setup`
applies hcckit's patches of other libraries (:mod:`hcckit._patches`); importing changes nothing.
"""

from hcckit.widgets._common import chart_view, message_box, primary, safe, setup, show_message  # noqa: F401
