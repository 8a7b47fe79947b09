"""What "solved" means, in one place (notebook 03 onwards).

A network solves XOR when every output is on its target's side of 0.5 with ``margin`` to
spare: an output for a 1 must exceed 0.5 + margin, an output for a 0 must stay below
0.5 - margin. An output of exactly 0.5 is on neither side. ``SweepResult.solved`` uses margin
0; ``case_e.solved`` and case E's ``fix_table`` use 0.1 by default, so that outputs stuck at
0.5 +- 1e-9 cannot pass by luck; ``scratch.solved`` takes the margin as an argument (0 unless
told).
"""

from __future__ import annotations

import numpy as np

from ._check import check_float


def solved(outputs, y, margin: float = 0.0) -> np.ndarray:
    """True where every output along the last axis is on the right side of 0.5 by more than
    ``margin`` (notebook 03).

    ``outputs`` has shape (..., n), ``y`` the n targets (0 or 1); ``margin`` is in [0, 0.5].
    Returns a boolean array of shape ``outputs.shape[:-1]`` (a NaN output is never right).
    """
    margin = check_float("margin", margin, low=0.0, high=0.5)
    P, Y = np.asarray(outputs, dtype=float), np.asarray(y, dtype=float)
    if P.ndim < 1 or Y.shape != P.shape[-1:]:
        raise ValueError(f"outputs must have shape (..., {Y.size}), one output per target in "
                         f"y; got outputs {P.shape} and y {Y.shape}")
    return _solved(P, Y, margin)


def _solved(P: np.ndarray, Y: np.ndarray, margin: float) -> np.ndarray:
    """``solved`` without the checks, for callers whose shapes are already right."""
    with np.errstate(invalid="ignore"):
        return np.where(Y > 0.5, P > 0.5 + margin, P < 0.5 - margin).all(axis=-1)
