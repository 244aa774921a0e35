"""Altair chart functions. Each returns an unconfigured chart (layer/concat/retitle freely).

Topic modules: ``response`` (waterfall, spider, swimmer, discordance), ``survival``
(KM curves, numbers at risk), ``evidence`` (forest plots, ORR), ``safety`` (AE profiles),
``mechanisms`` (modalities, dynamic model), ``appraisal``. Shared helpers are in ``_common``.
"""

from hcckit.charts._common import (  # noqa: F401
    MODEL_LABEL,
    SYNTHETIC_LABEL,
    empty_chart,
    label_model,
    label_synthetic,
    register_theme,
    save_chart,
)
