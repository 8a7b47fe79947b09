"""The one parser of weights given as a list of (W, b) pairs, one pair per layer, as Keras'
``get_weights`` gives them in pairs and ``SweepResult.stacked_weights`` returns them. Each
caller then checks the shapes its own layout needs."""

from __future__ import annotations

import numpy as np


def as_pairs(weights, name: str = "weights", *, what: str = "one per layer",
             error: type[Exception] = TypeError) -> list[tuple[np.ndarray, np.ndarray]]:
    """``weights`` as a list of (W, b) float64 arrays (copies of the arrays given).

    Raises ``error`` (TypeError unless told), naming ``name`` or ``name[k]``, when ``weights``
    is not a non-empty list or tuple of pairs; ``what`` says in the message which layers are
    meant.
    """
    if not isinstance(weights, (list, tuple)) or not weights:
        raise error(f"{name} must be a non-empty list of (W, b) pairs, {what}; got "
                    f"{type(weights).__name__}" + (" of length 0" if isinstance(
                        weights, (list, tuple)) else ""))
    pairs = []
    for k, pair in enumerate(weights):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise error(f"{name}[{k}] must be a (W, b) pair, got {type(pair).__name__}")
        pairs.append((np.array(pair[0], dtype=np.float64), np.array(pair[1], dtype=np.float64)))
    return pairs
