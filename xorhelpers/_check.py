"""Argument validation shared by the public helpers: clear errors that name the argument."""

from __future__ import annotations

import numbers
from collections.abc import Iterable


def check_int(name: str, value, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as int if it is an integer in [low, high]; raise TypeError/ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    _check_range(name, value, low, high)
    return int(value)


def check_float(name: str, value, *, low: float | None = None, high: float | None = None,
                low_open: bool = False) -> float:
    """Return ``value`` as float if it is a finite real number in range; raise otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    try:
        value = float(value)
    except OverflowError:
        raise ValueError(f"{name} must be finite, got a number too large for a float "
                         f"({len(str(abs(int(value))))} digits)") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if low_open and low is not None and value <= low:
        raise ValueError(f"{name} must be > {low}, got {value!r}")
    _check_range(name, value, None if low_open else low, high)
    return value


def check_choice(name: str, value, allowed: Iterable):
    """Return ``value`` if it is one of ``allowed``; raise ValueError listing them otherwise."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def check_bool(name: str, value) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r} ({type(value).__name__})")
    return value


def check_seed(name: str, value) -> int:
    """A seed is an integer in [0, 2**32 - 1]."""
    return check_int(name, value, low=0, high=2**32 - 1)


#: The most memory one call of a public helper may set out to use (bytes); larger work is
#: refused before it starts (the docstrings say which helpers check it).
MEMORY_LIMIT = 2 * 2**30


def check_memory(what: str, nbytes: float, hint: str, limit: float = MEMORY_LIMIT) -> None:
    """Raise ValueError when ``nbytes``, the estimated memory of ``what``, exceeds ``limit``;
    the message gives the estimate, the limit and ``hint`` (what to make smaller)."""
    if nbytes > limit:
        raise ValueError(f"{what} would need about {_size(nbytes)} of memory, more than the "
                         f"limit of {_size(limit)}; {hint}")


def _size(nbytes: float) -> str:
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{nbytes / 2**10:.3g} KiB"


def _check_range(name, value, low, high):
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}, got {value!r}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value!r}")
