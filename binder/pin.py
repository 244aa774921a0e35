"""Print pinned Binder requirements: hcckit's runtime dependency closure as installed here.

Usage (from the repository root, in an environment where `pip install -e .` was run and
the lessons pass their tests)::

    python binder/pin.py > binder/requirements.txt

Only hcckit's runtime dependencies (not the [test] extra) and their dependencies, for the
running platform and Python (Binder: Linux, the version in binder/runtime.txt).
"""

from __future__ import annotations

import importlib.metadata as md
import sys

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

HEADER = """\
# Binder environment for hcckit: every package pinned (==) so a Binder link built next year
# resolves to exactly what was tested. The last line installs the kit itself from this repository.
#
# repo2docker runs `pip install -r binder/requirements.txt` from the repository root (it copies the
# repository first because of the local `.` line); tests/test_binder_env.py does the same in a fresh
# virtual environment and fails if anything gets installed that is not pinned here.
# Regenerate after changing dependencies in pyproject.toml:  python binder/pin.py > binder/requirements.txt"""


def closure(root: str = "hcckit") -> list[str]:
    todo = [Requirement(r) for r in md.distribution(root).requires or [] if "extra ==" not in r]
    seen: set[tuple[str, tuple[str, ...]]] = set()
    names: set[str] = set()
    while todo:
        req = todo.pop()
        key = (canonicalize_name(req.name), tuple(sorted(req.extras)))
        if key in seen:
            continue
        seen.add(key)
        dist = md.distribution(req.name)
        names.add(dist.metadata["Name"])
        for text in dist.requires or []:
            sub = Requirement(text)
            if sub.marker is not None and not any(
                sub.marker.evaluate({"extra": e}) for e in (req.extras or {""})
            ):
                continue
            todo.append(sub)
    return sorted((f"{n}=={md.version(n)}" for n in names), key=str.lower)


if __name__ == "__main__":
    if sys.version_info[:2] != (3, 11):
        print(
            f"warning: pinning with Python {sys.version.split()[0]}; binder/runtime.txt says 3.11",
            file=sys.stderr,
        )
    print(HEADER)
    print("\n".join(closure()))
    print(".")
