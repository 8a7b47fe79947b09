"""Train many small networks at once, one per (config, seed): the batched sweep engine.

``train(configs, seeds)`` trains every pair of a ``Config`` (see ``xorhelpers.sweep_configs``)
and a seed as one NumPy computation over a model axis (``xorhelpers.sweep_engine``): each
network keeps its own weights, optimizer state and minibatch order, and nothing flows between
networks, so a network trained among thousands ends exactly where it ends when trained alone.
The result, a ``SweepResult``, holds per-network arrays (final loss, accuracy, solved flag and
step, loss curve, dead units, divergence, weights) and gives rates with 95% Wilson intervals per
config. The failure-mode helpers (``code_partition``, ``linear_on_points``, ``failure_mode``,
``plateau_loss``) name why a network got stuck and the loss plateau that implies.
Introduced in notebook 03; used by notebook 04 onwards.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._check import check_choice, check_float, check_int, check_seed
from .data import truth_table
from .stats import rate as _rate
from .sweep_configs import (
    ACTIVATIONS,
    Config,
    _as_configs,
    _as_data,
    _as_seeds,
    _as_X,
    _broadcast_weights,
    _record_every,
    grid,
    init_stack,
    init_weights,
)
from .sweep_engine import Collector, WeightTable, act, hash_keys, sigmoid, train_group

__all__ = ["MODES", "Config", "SweepResult", "batch_order", "code_partition", "failure_mode",
           "forward", "grid", "init_weights", "linear_on_points", "plateau_loss", "train"]

FLAGS = ("solved", "failed", "diverged")


@dataclass(frozen=True)
class SweepResult:
    """Per-network results of ``train``; network ``i`` is (``configs[config_index[i]]``,
    ``seeds[i]``). Notebook 03.

    Arrays of length M (number of networks), all evaluated on the four XOR points:
    ``final_loss`` (the config's loss), ``outputs`` (M, 4) final sigmoid outputs,
    ``accuracy`` (fraction of the 4 points on the right side of 0.5), ``solved`` (all 4 right
    at the end), ``solved_step`` (first recorded step at which all 4 were right, -1 if never),
    ``dead_units`` / ``dead_units_init`` (hidden ReLUs whose input is <= 0 on all 4 points, so
    they pass no gradient, at the end / at the start; always 0 for other activations),
    ``diverged`` (a NaN or inf appeared), ``loss_curve`` (M, K) the loss at ``curve_steps``
    (NaN past a network's last step), ``initial_weights`` / ``final_weights`` (sequences:
    item i is network i's list of ``(W, b)`` per layer, float32).
    """

    configs: tuple[Config, ...]
    config_index: np.ndarray
    seeds: np.ndarray
    final_loss: np.ndarray
    outputs: np.ndarray
    accuracy: np.ndarray
    solved: np.ndarray
    solved_step: np.ndarray
    dead_units: np.ndarray
    dead_units_init: np.ndarray
    diverged: np.ndarray
    loss_curve: np.ndarray
    curve_steps: np.ndarray
    initial_weights: WeightTable
    final_weights: WeightTable

    def __len__(self) -> int:
        return len(self.seeds)

    @property
    def failed(self) -> np.ndarray:
        """Networks that did not solve XOR (``~solved``)."""
        return ~self.solved

    def for_config(self, index: int) -> SweepResult:
        """The networks of ``configs[index]`` only, as a SweepResult with one config."""
        index = check_int("index", index, low=0, high=len(self.configs) - 1)
        return self._subset(np.flatnonzero(self.config_index == index), (index,))

    def select(self, mask) -> SweepResult:
        """The networks where the boolean array ``mask`` (length M) is True."""
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != (len(self),):
            raise ValueError(f"mask must be a boolean array of shape ({len(self)},), "
                             f"got dtype {mask.dtype} and shape {mask.shape}")
        return self._subset(np.flatnonzero(mask), None)

    def rate(self, flags="solved", config: int | None = None) -> tuple[float, float, float]:
        """(rate, low, high) of ``flags`` with its 95% Wilson interval.

        ``flags`` is "solved", "failed", "diverged" or a boolean array of length M; with
        ``config`` only that config's networks count.
        """
        values = self._flags(flags)
        if config is not None:
            config = check_int("config", config, low=0, high=len(self.configs) - 1)
            values = values[self.config_index == config]
        return _rate(values)

    def rates(self, flags="solved") -> np.ndarray:
        """Array (number of configs, 3): (rate, low, high) of ``flags`` for each config."""
        values = self._flags(flags)
        return np.array([_rate(values[self.config_index == c]) for c in range(len(self.configs))])

    def stacked_weights(self, initial: bool = False) -> list[tuple[np.ndarray, np.ndarray]]:
        """Weights of all networks stacked on a leading model axis: per layer (W (M, in, out),
        b (M, out)), float32, final (or ``initial``). Needs all networks to share one
        architecture (e.g. after ``for_config``); feed them to ``forward``."""
        return (self.initial_weights if initial else self.final_weights).stacked()

    def _flags(self, flags) -> np.ndarray:
        if isinstance(flags, str):
            check_choice("flags", flags, FLAGS)
            return getattr(self, flags)
        values = np.asarray(flags)
        if values.dtype != bool or values.shape != (len(self),):
            raise ValueError(f"flags must be one of {FLAGS} or a boolean array of shape "
                             f"({len(self)},), got {values.dtype} {values.shape}")
        return values

    def _subset(self, idx: np.ndarray, keep: tuple[int, ...] | None) -> SweepResult:
        if keep is None:
            keep = tuple(int(c) for c in np.unique(self.config_index[idx]))
        remap = np.full(len(self.configs), -1)
        remap[list(keep)] = np.arange(len(keep))
        return SweepResult(
            configs=tuple(self.configs[c] for c in keep),
            config_index=remap[self.config_index[idx]],
            seeds=self.seeds[idx], final_loss=self.final_loss[idx], outputs=self.outputs[idx],
            accuracy=self.accuracy[idx], solved=self.solved[idx],
            solved_step=self.solved_step[idx], dead_units=self.dead_units[idx],
            dead_units_init=self.dead_units_init[idx], diverged=self.diverged[idx],
            loss_curve=self.loss_curve[idx], curve_steps=self.curve_steps,
            initial_weights=self.initial_weights.subset(idx),
            final_weights=self.final_weights.subset(idx))


def forward(weights, X, activation: str = "relu") -> tuple[np.ndarray, list[np.ndarray]]:
    """Run stacked networks on inputs ``X`` (n, 2) (notebook 03).

    ``weights`` is a list of (W, b) per layer with a leading model axis (as from
    ``SweepResult.stacked_weights``): W (M, in, out), b (M, out). Returns ``(outputs,
    hidden)``: sigmoid outputs (M, n) and the list of hidden activations, each (M, n, width).
    """
    check_choice("activation", activation, ACTIVATIONS)
    X = _as_X(X)
    layers = _as_stacked(weights)
    A = X
    hidden = []
    with np.errstate(all="ignore"):
        for W, b in layers[:-1]:
            A = act(activation, np.matmul(A, W) + b[:, None, :])
            hidden.append(A)
        W, b = layers[-1]
        z = np.matmul(A, W)[..., 0] + b[:, None, 0]
        return sigmoid(z), hidden


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
    X, _ = truth_table()
    labels = np.zeros((len(result), 4), dtype=int)
    for c, config in enumerate(result.configs):
        idx = np.flatnonzero(result.config_index == c)
        if not len(idx):
            continue
        table = result.initial_weights if initial else result.final_weights
        _, hidden = forward(table.subset(idx).stacked(), X, config.activation)
        H = hidden[layer]  # (m, 4, width)
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
    X, _ = truth_table()
    flags = np.zeros(len(result), dtype=bool)
    for c, config in enumerate(result.configs):
        idx = np.flatnonzero(result.config_index == c)
        if not len(idx) or config.activation in ("sigmoid", "tanh"):
            continue
        if config.activation == "linear":
            flags[idx] = True
            continue
        table = result.initial_weights if initial else result.final_weights
        _, hidden = forward(table.subset(idx).stacked(), X, config.activation)
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
    check_choice("loss", loss, ("binary_crossentropy", "mse"))
    part = _as_partition(partition)
    if linear is not None:
        part = np.where(_as_flags(linear, len(part))[:, None], 0, part)
    _, y = truth_table()
    total = np.zeros(len(part))
    for code in range(4):
        members = part == code
        n = members.sum(axis=1)
        ones = (members * y).sum(axis=1)
        p = np.divide(ones, n, out=np.zeros(len(part)), where=n > 0)
        if loss == "mse":
            total += ones * (1 - p) ** 2 + (n - ones) * p ** 2
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                total -= (np.where(ones > 0, ones * np.log(p), 0.0)
                          + np.where(n - ones > 0, (n - ones) * np.log1p(-p), 0.0))
    total /= 4
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


def batch_order(seed: int, epoch: int, n: int) -> np.ndarray:
    """The order in which a network with ``seed`` visits the ``n`` training rows in ``epoch``.

    With ``batch_size`` B, step s of that epoch trains on rows ``order[s*B:(s+1)*B]`` (the
    last batch may be shorter). Returns a permutation of range(n). It depends on (seed,
    epoch, n) only, which makes minibatch training reproducible outside the engine, e.g. in
    Keras for a comparison (notebook 03).
    """
    seed = check_seed("seed", seed)
    epoch = check_int("epoch", epoch, low=0)
    n = check_int("n", n, low=1)
    return np.argsort(hash_keys(np.array([seed]), epoch, n), axis=1)[0]


def train(configs, seeds, X=None, y=None, *, initial_weights=None,
          record_every: int | None = None) -> SweepResult:
    """Train one network per (config, seed) pair, all at once; return a ``SweepResult``.

    - ``configs``: a ``Config`` or a sequence of them (see ``grid``).
    - ``seeds``: an int n (seeds 0..n-1) or a sequence of seeds; each config is trained with
      every seed, networks ordered config by config, seeds varying fastest. A seed fixes the
      network's initial weights (``init_weights``) and its minibatch order.
    - ``X``, ``y``: training data, X of shape (n, 2) and y of shape (n,) with 0/1 targets;
      default the four XOR points. Results are always measured on the four XOR points.
    - ``initial_weights``: start from these weights instead of drawing them (one config only):
      a list of (W, b) per layer, W of shape (fan_in, fan_out) for all networks or
      (number of seeds, fan_in, fan_out) for one each; b of shape (fan_out,) or
      (number of seeds, fan_out).
    - ``record_every``: the loss curve is recorded every this many steps (default: about 100
      points); every config's ``num_steps`` must be a multiple of it.

    Computation is float32 NumPy (like Keras), vectorized over networks: networks sharing
    architecture, optimizer, loss, batch size and step budget train as one array program;
    each keeps its own learning rate, momentum, weights and optimizer state. Networks that
    hit NaN or inf are flagged ``diverged`` (and never ``solved``). Notebook 03.
    """
    configs = _as_configs(configs)
    seeds = _as_seeds(seeds)
    X, y = _as_data(X, y)
    if initial_weights is not None and len(configs) != 1:
        raise ValueError(f"initial_weights needs exactly one config, got {len(configs)}")
    steps = [c.num_steps for c in configs]
    record_every = _record_every(steps, record_every)
    curve_steps = np.arange(0, max(steps) + 1, record_every)

    config_index = np.repeat(np.arange(len(configs)), len(seeds))
    model_seeds = np.tile(seeds, len(configs))
    out = Collector(len(config_index), len(curve_steps))
    groups: dict[tuple, list[int]] = {}
    for i, c in enumerate(configs):
        key = (c.widths, c.activation, c.optimizer, c.loss, c.batch_size, c.num_steps)
        groups.setdefault(key, []).append(i)
    for members in groups.values():
        idx = np.flatnonzero(np.isin(config_index, members))
        group = [configs[config_index[i]] for i in idx]
        if initial_weights is None:
            parts = [init_stack(configs[i], seeds) for i in members]
            start = [(np.concatenate([p[k][0] for p in parts]),
                      np.concatenate([p[k][1] for p in parts])) for k in range(len(parts[0]))]
        else:
            start = _broadcast_weights(initial_weights, configs[0], len(seeds))
        train_group(group, model_seeds[idx], start, X, y, record_every, idx, out)
    return SweepResult(configs=configs, config_index=config_index, seeds=model_seeds,
                       curve_steps=curve_steps, **out.arrays())


def _as_stacked(weights) -> list[tuple[np.ndarray, np.ndarray]]:
    if not isinstance(weights, (list, tuple)) or not weights:
        raise TypeError("weights must be a non-empty list of (W, b) pairs per layer")
    layers = []
    for k, pair in enumerate(weights):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise TypeError(f"weights[{k}] must be a (W, b) pair, got {type(pair).__name__}")
        W = np.asarray(pair[0], dtype=np.float64)
        b = np.asarray(pair[1], dtype=np.float64)
        if W.ndim != 3 or b.shape != (W.shape[0], W.shape[2]):
            raise ValueError(f"weights[{k}] must be W (M, in, out) and b (M, out), got "
                             f"{W.shape} and {b.shape}")
        if k and W.shape[1] != layers[-1][0].shape[2] or not k and W.shape[1] != 2:
            raise ValueError(f"weights[{k}] has fan_in {W.shape[1]}, which does not match "
                             "the previous layer")
        layers.append((W, b))
    if layers[-1][0].shape[2] != 1:
        raise ValueError("weights must end with a layer of one output unit")
    return layers
