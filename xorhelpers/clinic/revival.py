"""Do dead ReLU units stay dead? Dead-unit masks at checkpoints of training, and revivals
(notebook 04).

A ReLU unit is *dead on the data* when its input is <= 0 on every row: it outputs 0 there and
its own incoming weights and bias get gradient 0. A unit of the first hidden layer sees the
data itself, so once dead (and with no optimizer momentum left) it stays dead. A unit higher up
sees the layer below, which keeps moving while other units pass gradient: it can come back.

- ``dead_masks``: per hidden layer, which units of each stacked network are dead on ``X``
  (``maths.dead``: a ReLU whose input is <= 0 on every row), the layers below run with the
  network's own activation.
- ``dead_history``: trains a sweep config for several step budgets and stacks the masks.
- ``DeadHistory.revived``: per hidden layer, the units dead at one checkpoint and alive at a
  later one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import maths, sweep
from .._check import check_choice, check_int
from ..data import truth_table


def dead_masks(weights, X=None, activation: str = "relu") -> list[np.ndarray]:
    """Per hidden layer, a boolean array (M, width): True where a unit is dead on ``X``
    (default the four XOR points), ``maths.dead``: its activation can die (relu) and its input
    is <= 0 on every row. Units of other activations are never dead. ``weights`` are stacked
    (W (M, in, out), b (M, out)) per layer, as from ``SweepResult.stacked_weights``, output
    layer last; the hidden layers apply ``activation`` (one of ``maths.ACTIVATIONS``), so a
    layer's input is what the network really computes. Notebook 04."""
    check_choice("activation", activation, maths.ACTIVATIONS)
    if not isinstance(weights, (list, tuple)) or len(weights) < 2:
        raise TypeError("weights must be a list of stacked (W, b) pairs, at least one hidden "
                        f"layer and the output layer; got {type(weights).__name__}")
    if X is None:
        X, _ = truth_table()
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must have shape (n, fan_in) with n >= 1, got {X.shape}")
    for k, (W, b) in enumerate(weights):
        W, b = np.asarray(W), np.asarray(b)
        if W.ndim != 3 or b.shape != (W.shape[0], W.shape[2]):
            raise ValueError(f"weights[{k}] must be W (M, in, out) and b (M, out), got "
                             f"{W.shape} and {b.shape}")
    _, layers = maths.forward(weights, X, activation, output="sigmoid")
    return [maths.dead(activation, Z) for _, Z, _ in layers[:-1]]


@dataclass(frozen=True)
class DeadHistory:
    """Dead-unit masks of M networks at training checkpoints (notebook 04).

    ``steps`` (T,) are the checkpoints, 0 first; ``dead`` holds one bool array (T, M, width)
    per hidden layer.
    """

    steps: tuple[int, ...]
    dead: tuple[np.ndarray, ...]

    @property
    def revived(self) -> list[np.ndarray]:
        """Per hidden layer, bool (M, width): dead at some checkpoint, alive at a later one."""
        out = []
        for D in self.dead:
            alive_later = np.zeros_like(D)
            alive_later[:-1] = np.flip(np.logical_or.accumulate(np.flip(~D[1:], 0), 0), 0)
            out.append((D & alive_later).any(axis=0))
        return out

    @property
    def dead_layer(self) -> np.ndarray:
        """Bool (T, M): some hidden layer of the network has all its units dead."""
        return np.stack([D.all(axis=2) for D in self.dead]).any(axis=0)

    def revived_per_layer(self) -> np.ndarray:
        """Number of revived units in each hidden layer, summed over networks, shape (layers,)."""
        return np.array([int(r.sum()) for r in self.revived])

    def ever_dead_per_layer(self) -> np.ndarray:
        """Number of units dead at one checkpoint at least, per hidden layer, shape (layers,)."""
        return np.array([int(D.any(axis=0).sum()) for D in self.dead])


def dead_history(config: sweep.Config, seeds, checkpoints: Sequence[int]) -> DeadHistory:
    """Train ``config`` once per checkpoint budget and record the dead units (notebook 04).

    A network's run of k steps is the first k steps of its longer runs (same seed, same
    start, same minibatch order), so the final weights of the k-step run are its weights at
    step k. The masks run the config's own activation (``dead_masks``). ``checkpoints`` are
    increasing positive step counts; step 0 (the initial weights)
    is added. Returns a ``DeadHistory``.
    """
    if not isinstance(config, sweep.Config):
        raise TypeError(f"config must be a sweep.Config, got {type(config).__name__}")
    if isinstance(checkpoints, (str, bytes)) or not isinstance(checkpoints, Sequence) \
            or not checkpoints:
        raise TypeError(f"checkpoints must be a non-empty sequence of step counts, got "
                        f"{checkpoints!r}")
    steps = [check_int(f"checkpoints[{i}]", k, low=1) for i, k in enumerate(checkpoints)]
    if any(b <= a for a, b in zip(steps[:-1], steps[1:], strict=True)):
        raise ValueError(f"checkpoints must be strictly increasing, got {list(checkpoints)}")
    every = math.gcd(*steps)
    runs = sweep.train([config.replace(num_steps=k) for k in steps], seeds, record_every=every)
    first = runs.for_config(0)
    act = config.activation
    per_time = [dead_masks(first.stacked_weights(initial=True), activation=act)]
    per_time += [dead_masks(runs.for_config(i).stacked_weights(), activation=act)
                 for i in range(len(steps))]
    dead = tuple(np.stack([m[layer] for m in per_time]) for layer in range(len(per_time[0])))
    return DeadHistory((0, *steps), dead)
