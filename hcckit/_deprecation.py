"""Old names that still work, with a warning: renamed keywords, functions and result fields.

Every renamed public name of the kit keeps working through one of these for at least one
release, and is listed in the README's "Renamed" table.

>>> import warnings
>>> @renamed_keywords(a="count_a")
... def f(count_a):
...     return count_a
>>> with warnings.catch_warnings(record=True) as w:
...     warnings.simplefilter("always")
...     f(a=3), str(w[0].message)
(3, 'f: the keyword a is now count_a')
"""

from __future__ import annotations

import functools
import warnings

__all__ = ["renamed_keywords", "renamed_function", "renamed_attribute"]


def _warn(message: str) -> None:
    warnings.warn(message, DeprecationWarning, stacklevel=3)


def renamed_keywords(**old_to_new: str):
    """Decorator: accept each old keyword as its new name, warning ``DeprecationWarning``.

    Giving both the old and the new keyword is a ``TypeError`` naming both.
    """

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for old, new in old_to_new.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{fn.__name__}: give {new} or the old {old}, not both")
                    _warn(f"{fn.__name__}: the keyword {old} is now {new}")
                    kwargs[new] = kwargs.pop(old)
            return fn(*args, **kwargs)

        return wrapper

    return decorate


def renamed_function(fn, old_name: str):
    """``fn`` under its old name: same behaviour, plus a ``DeprecationWarning`` naming the new one."""

    @functools.wraps(fn)
    def alias(*args, **kwargs):
        _warn(f"{old_name} is now {fn.__name__}")
        return fn(*args, **kwargs)

    alias.__name__ = alias.__qualname__ = old_name
    alias.__doc__ = f"Deprecated name of :func:`{fn.__name__}`."
    return alias


def renamed_attribute(new: str, old: str) -> property:
    """A read-only property ``old`` returning ``self.<new>`` with a ``DeprecationWarning``."""

    def get(self):
        _warn(f"{type(self).__name__}.{old} is now .{new}")
        return getattr(self, new)

    return property(get, doc=f"Deprecated name of ``{new}``.")
