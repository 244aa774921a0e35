"""Checks of trial registry numbers: each registry's fixed format, and the registration year.

Formats (WHO ICTRP primary registries and the registries' own pages):

- ClinicalTrials.gov: ``NCT`` and 8 digits (``NCT03905967``).
- Chinese Clinical Trial Registry: ``ChiCTR`` and 10 digits, the first two the year
  (``ChiCTR2100049829``, the current form), or the older ``ChiCTR-<type>-`` and 8 digits, the first two
  the year (``ChiCTR-OPC-15006859``; type codes such as TRC, TNRC, OPC, ONC, INR).
- ISRCTN registry: ``ISRCTN`` and 8 digits. EU Clinical Trials Register: EudraCT
  ``YYYY-NNNNNN-CC``. UMIN-CTR: ``UMIN`` and 9 digits. ANZCTR: ``ACTRN`` and 14 digits.
  German Clinical Trials Register: ``DRKS`` and 8 digits.

A registry number the kit does not know the format of is *not checkable* (the finding says so),
never passed silently.
"""

from __future__ import annotations

import re

from hcckit.appraisal.findings import Finding, _finding
from hcckit.appraisal.printed import _show

__all__ = ["REGISTRY_FORMATS", "registry_of", "check_registry_id", "registry_ids_in"]

#: registry -> (prefix pattern that names it, full pattern of a well-formed number, example)
REGISTRY_FORMATS = {
    "ClinicalTrials.gov": (r"NCT", r"NCT\d{8}", "NCT03905967"),
    "ChiCTR": (r"ChiCTR", r"ChiCTR(?:\d{10}|-[A-Z]{2,5}-\d{8})", "ChiCTR2100049829 or ChiCTR-OPC-15006859"),
    "ISRCTN": (r"ISRCTN", r"ISRCTN\d{8}", "ISRCTN12345678"),
    "EudraCT": (r"(?:EudraCT\s*)?\d{4}-", r"(?:EudraCT\s*)?\d{4}-\d{6}-\d{2}", "2015-001234-56"),
    "UMIN-CTR": (r"UMIN", r"UMIN\d{9}", "UMIN000012345"),
    "ANZCTR": (r"ACTRN", r"ACTRN\d{14}", "ACTRN12615000123456"),
    "DRKS": (r"DRKS", r"DRKS\d{8}", "DRKS00012345"),
}

# a token that looks like a registry number in free text (notes, citations)
_TOKEN = re.compile(r"\b(?:NCT\d+|ChiCTR[-A-Za-z0-9]*\d|ISRCTN\d+|UMIN\d+|ACTRN\d+|DRKS\d+)\b")


def registry_of(identifier: str) -> str | None:
    """Name of the registry whose prefix ``identifier`` starts with, or None."""
    for name, (prefix, _full, _example) in REGISTRY_FORMATS.items():
        if re.match(prefix, identifier):
            return name
    return None


def _registration_year(identifier: str) -> int | None:
    """Year a ChiCTR number was issued (its first two digits), else None."""
    m = re.fullmatch(r"ChiCTR(?:-[A-Z]{2,5}-)?(\d{2})\d+", identifier)
    return 2000 + int(m.group(1)) if m else None


def check_registry_id(identifier, *, year=None) -> list[Finding]:
    """Check one registry number's format (and, for ChiCTR, that it predates publication).

    Parameters
    ----------
    identifier : str
        The number as printed (``"NCT03905967"``).
    year : int, optional
        Year of publication; a ChiCTR number issued after it is impossible.

    Returns
    -------
    list of Finding
        One ``identifier`` finding: ``error`` for a malformed number of a known registry or a
        registration after publication, ``info`` "not checkable" for an unknown registry, else
        ``pass``.

    Examples
    --------
    >>> check_registry_id("NCT0390596")[0].severity
    'error'
    """
    if not isinstance(identifier, str) or not identifier.strip():
        raise ValueError(f"identifier: a registry number (text) is required, got {_show(identifier)}")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100):
        raise ValueError(f"year: a publication year between 1990 and 2100 is required, got {_show(year)}")
    text = identifier.strip()
    registry = registry_of(text)
    inputs = {"identifier": text, "year": year if year is not None else ""}
    if registry is None:
        return [
            _finding(
                "identifier",
                "info",
                text,
                "registry not recognised",
                f"Not checkable: {text} does not start with a registry prefix the kit knows "
                f"({', '.join(REGISTRY_FORMATS)}).",
                inputs=inputs,
            )
        ]
    _prefix, full, example = REGISTRY_FORMATS[registry]
    if not re.fullmatch(full, text):
        return [
            _finding(
                "identifier",
                "error",
                text,
                f"{registry} numbers look like {example}",
                f"{text} is not a well-formed {registry} number (expected the form {example}): a typing error, "
                "so a reader cannot find the registered protocol.",
                inputs=inputs,
            )
        ]
    issued = _registration_year(text)
    if issued is not None and year is not None and issued > year:
        return [
            _finding(
                "identifier",
                "error",
                f"{text}, published {year}",
                f"registered in {issued}",
                f"{text} was issued in {issued}, after the publication year {year}: the number or the year is wrong.",
                inputs=inputs,
            )
        ]
    return [
        _finding(
            "identifier", "pass", text, f"a well-formed {registry} number", "Well-formed.", inputs=inputs
        )
    ]


def registry_ids_in(text) -> list[str]:
    """Registry numbers (and near-misses such as a 7-digit NCT) mentioned in free text, in order."""
    if not isinstance(text, str):
        return []
    return list(dict.fromkeys(_TOKEN.findall(text)))
