"""Shared harness for the property (fuzz) tests of the public functions (hypothesis).

Every public function, given wrong types, NaN/inf, empty or absurd inputs, must either return a
valid result or raise ``ValueError``/``TypeError`` whose message names the argument (and row)
and the problem. :func:`outcome` runs one call and sorts it into

- ``"valid"``: it returned (the test then checks the result is possible),
- ``"named"``: a ``ValueError``/``TypeError`` whose message contains one of the given names,
- anything else fails the test at once (an unnamed error, another exception type, a library's
  internal message).

How many cases: :data:`EXAMPLES` per target — 200 in the default run, 1,000 with
``HCCKIT_FUZZ=nightly`` (``make fuzz`` runs ``pytest -m fuzz`` that way). Every fuzz test carries
the ``fuzz`` marker. The tally per target is printed at the end of the run (``conftest.py``), which
gives the figures "cases / named errors / crashes" for each target.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict

import pytest
from hypothesis import HealthCheck, settings

NIGHTLY = os.environ.get("HCCKIT_FUZZ", "") == "nightly"
EXAMPLES = 1000 if NIGHTLY else 200

#: hypothesis settings for one fuzz target (no deadline: CI machines are slow and shared)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not NIGHTLY,  # the default run is reproducible; nightly explores new cases
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

#: the marker every fuzz test carries
fuzz = pytest.mark.fuzz

#: target name -> Counter of outcomes ("valid", "named")
TALLY: dict[str, Counter] = defaultdict(Counter)

# words of library internals that must never reach a user
_INTERNAL = re.compile(
    r"Traceback|numpy\.|np\.|dtype\(|<class |object has no attribute|unsupported operand|"
    r"not supported between instances|Infs were detected|ConvergenceError|array of integers",
)


def outcome(target: str, call, *names: str) -> tuple[str, object]:
    """Run ``call()`` and classify it: ``("valid", result)`` or ``("named", exception)``.

    ``names`` are the argument names (or column names) a message may name; at least one must
    appear in a ``ValueError``/``TypeError`` message. Any other exception, or a message with a
    library's internal wording, fails the test with the target and the message.
    """
    try:
        result = call()
    except (ValueError, TypeError) as exc:
        text = str(exc)
        if _INTERNAL.search(text):
            pytest.fail(f"{target}: library-internal message reached the user: {type(exc).__name__}: {text}")
        if names and not any(n.lower() in text.lower() for n in names):
            pytest.fail(f"{target}: {type(exc).__name__} names none of {names}: {text}")
        TALLY[target]["named"] += 1
        return "named", exc
    except Exception as exc:  # noqa: BLE001 - the point is to catch what should not happen
        pytest.fail(f"{target}: unnamed {type(exc).__name__}: {exc}")
    TALLY[target]["valid"] += 1
    return "valid", result
