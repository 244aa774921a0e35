"""The four criteria's names and the engine's fixed vocabulary: categories, bounds, units.

:data:`CRITERIA`, :data:`RESPONSES` (best first), :data:`NON_CR_NON_PD`, the input bounds
:data:`MAX_MM` and :data:`MAX_DAY`, and :func:`criterion_name` (canonical name of a criterion).
The private constants (integer units, lesion kinds, statuses, which criteria use products or
the viable part) are shared by every module of the engine.
"""

from __future__ import annotations

import re

__all__ = ["CRITERIA", "RESPONSES", "NON_CR_NON_PD", "MAX_MM", "MAX_DAY", "criterion_name"]


CRITERIA = ("RECIST 1.1", "mRECIST", "WHO", "EASL")


#: Name of RECIST 1.1 Table 2's category for non-target disease only that is neither CR nor PD.
NON_CR_NON_PD = "non-CR/non-PD"


#: Timepoint and best-response categories, in the order of the ordered categorical (best first).
RESPONSES = ("CR", "PR", "SD", NON_CR_NON_PD, "PD", "NE")


#: Largest diameter accepted (mm): no liver lesion is half a metre across. It also keeps the
#: integer arithmetic exact (a product of two diameters in 1e-4 mm^2 stays far below 2**53).
#: The one bound for diameters: uploads (:mod:`hcckit.uploads`) use it too.
MAX_MM = 500.0


#: Largest assessment day accepted either side of day 0 (days; about 55 years); uploads use it too.
MAX_DAY = 20_000


_U = 100  # internal integer units per mm (hundredths of a mm)


_KINDS = ("target", "non_target", "new")


_NT_STATUS = ("cr", "non_cr_non_pd", "ir_sd", "pd")


_NEW_STATUS = ("equivocal", "unequivocal", "typical", "atypical")


_EFFUSIONS = ("ascites", "effusion", "pleural_effusion", "pericardial_effusion")


_LIVER = ("liver", "intrahepatic", "hepatic")


_DIAMETERS = ("ld_mm", "sa_mm", "viable_ld_mm", "perp_mm", "viable_perp_mm")


_PRODUCT = {"RECIST 1.1": False, "mRECIST": False, "WHO": True, "EASL": True}


_VIABLE = {"RECIST 1.1": False, "mRECIST": True, "WHO": False, "EASL": True}


_ALIASES = {
    "recist11": "RECIST 1.1",
    "recist": "RECIST 1.1",
    "recistv11": "RECIST 1.1",
    "mrecist": "mRECIST",
    "who": "WHO",
    "who1981": "WHO",
    "easl": "EASL",
}


def criterion_name(name) -> str:
    """Return the canonical name (``"RECIST 1.1"``, ``"mRECIST"``, ``"WHO"``, ``"EASL"``).

    Case, spaces, dots, dashes and underscores are ignored (``"recist_1.1"`` works); anything
    else raises ``ValueError`` listing the allowed names.
    """
    key = re.sub(r"[\s._-]", "", name.lower()) if isinstance(name, str) else None
    if key not in _ALIASES:
        raise ValueError(f"criterion: unknown criterion {name!r}; choose one of {', '.join(CRITERIA)}")
    return _ALIASES[key]


def _criteria_list(criteria) -> list[str]:
    """Canonical names of a criterion or a list of criteria (at least one), else ValueError."""
    if isinstance(criteria, str):
        criteria = [criteria]
    if not isinstance(criteria, (list, tuple)):
        raise ValueError(f"criteria: expected a criterion name or a list of them, got {criteria!r}")
    if not criteria:
        raise ValueError(f"criteria: give at least one of {', '.join(CRITERIA)}")
    # each criterion once: a repeated name would stack the same visits twice
    return list(dict.fromkeys(criterion_name(c) for c in criteria))
