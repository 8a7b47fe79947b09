"""Why a sweep network got stuck: the failure modes (notebook 03).

``code_partition``, ``linear_on_points``, ``failure_mode`` and ``plateau_loss`` name which
XOR points share a hidden code, and the lowest loss that sharing allows. The hidden codes
come from ``maths.forward``, the package's one forward pass, in float64.
"""

from __future__ import annotations

import numpy as np

from .._check import check_choice, check_float, check_int
from ..data import truth_table
from ..maths import LOSSES, bce_from_probabilities, forward, squared_error
from .result import SweepResult

# ---------------------------------------------------------------- failure modes (notebook 03)

MODES = ("all 4 share one code", "3 points share one code", "two 0-1 pairs share codes",
         "a 0 and a 1 share a code", "linear on the 4 points", "no 0-1 pair shares a code")


def code_partition(result: SweepResult, layer: int = -1, initial: bool = False,
                   tol: float = 1e-3) -> np.ndarray:
    """Which of the four XOR points share a hidden code, per network (notebook 03).

    The code of a point is the vector of activations of hidden ``layer`` (-1: the last) at
    the end of training (or at the start with ``initial``). Returns an int array (M, 4) over
    the points (0,0), (0,1), (1,0), (1,1): equal numbers mean equal codes (no coordinate
    differs by more than ``tol`` times max(1, largest activation)), numbered 0, 1, ... in
    order of first appearance; e.g. [0, 1, 0, 0] means three points look the same to the
    output unit. Networks whose output layer sees one code for two points must give both
    the same output.
    """
    if not isinstance(result, SweepResult):
        raise TypeError(f"result must be a SweepResult, got {type(result).__name__}")
    layer = check_int("layer", layer, low=-min(c.depth for c in result.configs),
                      high=min(c.depth for c in result.configs) - 1)
    tol = check_float("tol", tol, low=0.0)
    labels = np.zeros((len(result), 4), dtype=int)
    for c, config in enumerate(result.configs):
        idx = np.flatnonzero(result.config_index == c)
        if not len(idx):
            continue
        table = result.initial_weights if initial else result.final_weights
        H = _hidden_codes(table.subset(idx).stacked(), config.activation)[layer]  # (m, 4, width)
        scale = np.maximum(1.0, np.abs(H).max(axis=(1, 2)))[:, None, None]
        same = np.abs(H[:, :, None, :] - H[:, None, :, :]).max(axis=3) <= tol * scale
        first = same.argmax(axis=2)  # the first point sharing each point's code
        rank = np.cumsum(first == np.arange(4), axis=1) - 1  # number codes 0, 1, ... in order
        labels[idx] = np.take_along_axis(rank, first, axis=1)
    return labels


def linear_on_points(result: SweepResult, initial: bool = False) -> np.ndarray:
    """Whether each network computes an affine function of its input on all four XOR points
    (notebook 03): every hidden unit is on for all four points or off for all four (ReLU,
    leaky ReLU), or the activation is linear. Such a network is a logistic regression in
    disguise and cannot beat loss ln(2) on XOR (notebook 01). Returns bool (M,); always
    False for sigmoid and tanh."""
    if not isinstance(result, SweepResult):
        raise TypeError(f"result must be a SweepResult, got {type(result).__name__}")
    flags = np.zeros(len(result), dtype=bool)
    for c, config in enumerate(result.configs):
        idx = np.flatnonzero(result.config_index == c)
        if not len(idx) or config.activation in ("sigmoid", "tanh"):
            continue
        if config.activation == "linear":
            flags[idx] = True
            continue
        table = result.initial_weights if initial else result.final_weights
        hidden = _hidden_codes(table.subset(idx).stacked(), config.activation)
        steady = np.ones(len(idx), dtype=bool)
        for H in hidden:
            on = H > 0
            steady &= (on.all(axis=1) | ~on.any(axis=1)).all(axis=1)
        flags[idx] = steady
    return flags


def plateau_loss(partition, loss: str = "binary_crossentropy", linear=None) -> np.ndarray:
    """The lowest loss on the four XOR points when points with equal codes must share one
    output (notebook 03): each code outputs the mean target of its points.

    ``partition`` is (4,) or (M, 4) as from ``code_partition``; ``linear`` (optional, bool
    like ``linear_on_points``) marks networks that are affine on the points, whose best is
    the constant 0.5 whatever their codes. Returns a float or (M,): e.g. ln(2)/2 = 0.347
    (binary cross-entropy) when a 0 and a 1 share a code and the other two points are
    apart, 0.125 for mean squared error.
    """
    check_choice("loss", loss, LOSSES)
    part = _as_partition(partition)
    if linear is not None:
        part = np.where(_as_flags(linear, len(part))[:, None], 0, part)
    _, y = truth_table()
    best = np.zeros(part.shape)  # each point's output: the mean target of its code
    for code in range(4):
        members = part == code
        n = members.sum(axis=1)
        mean = np.divide((members * y).sum(axis=1), n, out=np.zeros(len(part)), where=n > 0)
        best = np.where(members, mean[:, None], best)
    if loss == "mse":
        total = squared_error(best, y).mean(axis=1)
    else:  # a point whose code's points all share its target costs 0 (best output = target)
        total = np.where(best == y, 0.0, bce_from_probabilities(best, y)).mean(axis=1)
    return total if np.ndim(partition) == 2 else float(total[0])


def failure_mode(partition, linear=None) -> np.ndarray:
    """Name of the code-sharing pattern of each network, one of ``MODES`` (notebook 03).

    Only sharing between a 0-point and a 1-point hurts (it forces a compromise output);
    ``partition`` is (4,) or (M, 4) as from ``code_partition``. With ``linear`` (bool, as
    from ``linear_on_points``), networks with no such sharing that are affine on the points
    are named "linear on the 4 points". Returns a str or an array.
    """
    part = _as_partition(partition)
    flags = np.zeros(len(part), bool) if linear is None else _as_flags(linear, len(part))
    _, y = truth_table()
    sizes = np.stack([(part == c).sum(axis=1) for c in range(4)], axis=1)
    mixed = np.stack([((part == c) & (y == 1)).any(axis=1) & ((part == c) & (y == 0)).any(axis=1)
                      for c in range(4)], axis=1)
    biggest = np.where(mixed, sizes, 0).max(axis=1)
    names = np.select([biggest == 4, biggest == 3, mixed.sum(axis=1) == 2, biggest == 2,
                       flags], MODES[:5], MODES[5])
    return names if np.ndim(partition) == 2 else str(names[0])


def _as_flags(linear, n: int) -> np.ndarray:
    flags = np.asarray(linear).reshape(-1)
    if flags.dtype != bool or len(flags) != n:
        raise ValueError(f"linear must be booleans, one per network ({n}), got "
                         f"{flags.dtype} of length {len(flags)}")
    return flags


def _as_partition(partition) -> np.ndarray:
    part = np.asarray(partition)
    if part.ndim == 1:
        part = part[None, :]
    if part.ndim != 2 or part.shape[1] != 4 or not np.issubdtype(part.dtype, np.integer):
        raise ValueError(f"partition must be integer labels of shape (4,) or (M, 4), got "
                         f"{part.dtype} {part.shape}")
    if part.min(initial=0) < 0 or part.max(initial=0) > 3:
        raise ValueError("partition labels must be in 0..3")
    return part


def _hidden_codes(weights, activation: str) -> list[np.ndarray]:
    """The activations (M, 4, width) of every hidden layer of stacked networks on the four
    XOR points, in float64."""
    with np.errstate(all="ignore"):
        _, layers = forward(weights, truth_table()[0], activation)
    return [layer.A for layer in layers[:-1]]
