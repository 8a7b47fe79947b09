"""The explorer's memory of results it computed (notebook 07): ``compute.run`` and
``run_seeds`` keep their last results by kind and settings, so that settings seen again (a
learner going back to a preset) cost nothing. ``remember`` makes a result's own arrays
read-only, so that a shared result cannot be changed by mistake; ``forget`` clears all.
"""

from __future__ import annotations

import numpy as np

REMEMBERED = 16  # results of each kind kept
REMEMBERED_BYTES = 64e6  # and at most this many bytes of their arrays in all
_remembered: dict[tuple, tuple[object, int]] = {}  # key: (result, bytes), the most recent last


def forget() -> None:
    """Forget every remembered result (``run`` and ``run_seeds`` train again)."""
    _remembered.clear()


def _arrays(value):
    """The NumPy arrays a result holds in its own fields (lists and tuples included)."""
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _arrays(v)


def recall(key: tuple):
    """The result remembered under ``key`` (its first item names the kind), else None."""
    hit = _remembered.pop(key, None)
    if hit is None:
        return None
    _remembered[key] = hit  # now the most recent
    return hit[0]


def remember(key: tuple, result):
    """Keep ``result`` (a dataclass such as ``NetRun``) under ``key``, its arrays made
    read-only, and forget the oldest results beyond the limits; returns ``result``. The
    arrays of a field's own fields count too (a ``SeedRun``'s ``SweepResult``)."""
    size = 0
    for field in vars(result).values():
        for a in _arrays(field):
            a.flags.writeable = False
            size += a.nbytes
        inner = getattr(field, "__dict__", None)
        if inner is not None and not isinstance(field, type):
            size += sum(a.nbytes for v in inner.values() for a in _arrays(v))
    _remembered[key] = (result, size)
    while _remembered:
        kind = [k for k in _remembered if k[0] == key[0]]
        if (len(kind) <= REMEMBERED
                and sum(b for _, b in _remembered.values()) <= REMEMBERED_BYTES):
            break
        oldest = kind[0] if len(kind) > REMEMBERED else next(iter(_remembered))
        del _remembered[oldest]
    return result
