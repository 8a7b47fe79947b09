"""Check a claim the prose makes against a computed value (every notebook).

Each check prints one stable line, ``OK: <claim> (measured <value>)``, and raises
``ClaimError`` when the claim does not hold, so a notebook whose text stops being true
fails CI. Round the measured value through ``fmt`` so the printed line is stable.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


class ClaimError(AssertionError):
    """A claim made in a notebook's prose does not hold for the computed value."""


_CRITERIA = ("between", "at_least", "at_most", "equals", "close_to")


def check(claim: str, measured, *, between: tuple[float, float] | None = None,
          at_least: float | None = None, at_most: float | None = None,
          equals=None, close_to: float | None = None, tol: float | None = None,
          fmt: str = "{:.3g}") -> None:
    """Check ``measured`` against exactly one criterion and print the verdict (returns None).

    Criteria: ``between=(lo, hi)`` (inclusive), ``at_least``, ``at_most``, ``equals`` (exact,
    any type, e.g. a tuple or a string) or ``close_to`` with ``tol`` (absolute). With no criterion,
    ``measured`` must be True. ``fmt`` formats a numeric ``measured`` in the printed line.
    """
    if not isinstance(claim, str) or not claim.strip():
        raise TypeError(f"claim must be a non-empty string, got {claim!r}")
    if not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format string such as '{{:.3g}}', got {fmt!r}")
    given = {k: v for k, v in dict(between=between, at_least=at_least, at_most=at_most,
                                   equals=equals, close_to=close_to).items() if v is not None}
    if len(given) > 1:
        raise ValueError(f"give at most one criterion of {', '.join(_CRITERIA)}; "
                         f"got {', '.join(given)}")
    if (close_to is None) != (tol is None):
        raise ValueError("close_to and tol go together: give both or neither; "
                         f"got close_to={close_to!r}, tol={tol!r}")
    if not given:
        if not isinstance(measured, (bool, type(None))) and not hasattr(measured, "__bool__"):
            raise TypeError(f"measured must be a boolean when no criterion is given, "
                            f"got {measured!r}")
        ok = bool(measured)
        shown = None
    else:
        (kind, target), = given.items()
        if kind != "equals":
            _need_number("measured", measured)
        ok = _holds(kind, measured, target, tol)
        shown = _show(measured, fmt)
    line = ("OK: " if ok else "CLAIM FAILED: ") + claim
    if shown is not None:
        line += f" (measured {shown})"
    print(line)
    if not ok:
        raise ClaimError(line + _expected(given, tol))


def _holds(kind, measured, target, tol) -> bool:
    if kind == "equals":
        if hasattr(measured, "shape") or hasattr(target, "shape"):  # NumPy arrays: all equal
            return bool(np.array_equal(np.asarray(measured), np.asarray(target)))
        return bool(measured == target)
    value = float(measured)
    if math.isnan(value):
        return False
    if kind == "between":
        if not (isinstance(target, (tuple, list)) and len(target) == 2):
            raise TypeError(f"between must be a (low, high) pair, got {target!r}")
        lo, hi = target
        _need_number("between", lo)
        _need_number("between", hi)
        if lo > hi:
            raise ValueError(f"between must have low <= high, got {target!r}")
        return lo <= value <= hi
    _need_number(kind, target)
    if kind == "at_least":
        return value >= target
    if kind == "at_most":
        return value <= target
    _need_number("tol", tol)
    if tol < 0:
        raise ValueError(f"tol must be >= 0, got {tol!r}")
    return abs(value - target) <= tol


def _need_number(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        try:
            if not isinstance(value, (bool, str, bytes)):  # tensors, 0-d arrays: yes
                float(value)
                return
        except (TypeError, ValueError):
            pass
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")


def _show(measured, fmt):
    if isinstance(measured, numbers.Real) and not isinstance(measured, bool) or (
            hasattr(measured, "dtype") and getattr(measured, "ndim", 1) == 0):
        return fmt.format(float(measured))
    return repr(measured)


def _expected(given, tol):
    if not given:
        return "; expected True"
    (kind, target), = given.items()
    extra = f" +/- {tol}" if kind == "close_to" else ""
    return f"; expected {kind} {target!r}{extra}"
