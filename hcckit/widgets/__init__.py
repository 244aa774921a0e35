"""ipywidgets panels for the lessons; each composes hcckit compute functions and hcckit.charts.

See :mod:`hcckit.widgets._common` for the conventions every panel follows.
"""

from hcckit.widgets._common import chart_view, message_box, primary, safe, setup, show_message  # noqa: F401
