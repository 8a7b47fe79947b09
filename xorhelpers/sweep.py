"""Train many small networks at once, one per (config, seed): the batched sweep engine.

``train(configs, seeds)`` trains every pair of a ``Config`` (see ``xorhelpers.sweep_configs``)
and a seed as one NumPy computation with a leading model axis: each network keeps its own
weights, optimizer state and minibatch order, and nothing flows between networks, so a network
trained among thousands ends exactly where it ends when trained alone. The result, a
``SweepResult``, holds per-network arrays (final loss, accuracy, solved flag and step, loss
curve, dead units, divergence, weights) and gives rates with 95% Wilson intervals per config.
Introduced in notebook 03; used by notebook 04 onwards.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._check import check_choice, check_int, check_seed
from .data import truth_table
from .stats import rate as _rate
from .sweep_configs import LEAKY_SLOPE, Config, grid, init_weights

__all__ = ["Config", "SweepResult", "forward", "grid", "init_weights", "train"]

BETA_1, BETA_2, RHO, EPSILON = 0.9, 0.999, 0.9, 1e-7  # Keras 3 defaults
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
    (NaN past a network's last step), ``initial_weights`` / ``final_weights`` (per network a
    list of ``(W, b)`` per layer).
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
    initial_weights: tuple
    final_weights: tuple

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
        b (M, out)). Needs all networks to share one architecture (e.g. after ``for_config``)."""
        chosen = self.initial_weights if initial else self.final_weights
        shapes = {tuple(W.shape for W, _ in ws) for ws in chosen}
        if len(shapes) != 1:
            raise ValueError("stacked_weights needs networks of one architecture; "
                             f"got layer shapes {sorted(shapes)}; use for_config(i) first")
        depth = len(chosen[0])
        return [(np.stack([ws[k][0] for ws in chosen]), np.stack([ws[k][1] for ws in chosen]))
                for k in range(depth)]

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
            initial_weights=tuple(self.initial_weights[i] for i in idx),
            final_weights=tuple(self.final_weights[i] for i in idx))


def forward(weights, X, activation: str = "relu") -> tuple[np.ndarray, list[np.ndarray]]:
    """Run stacked networks on inputs ``X`` (n, 2) (notebook 03).

    ``weights`` is a list of (W, b) per layer with a leading model axis (as from
    ``SweepResult.stacked_weights``): W (M, in, out), b (M, out). Returns ``(outputs,
    hidden)``: sigmoid outputs (M, n) and the list of hidden activations, each (M, n, width).
    """
    check_choice("activation", activation, ("relu", "leaky_relu", "sigmoid", "tanh", "linear"))
    X = _as_X(X)
    layers = _as_stacked(weights)
    A = X
    hidden = []
    with np.errstate(all="ignore"):
        for k, (W, b) in enumerate(layers):
            Z = np.matmul(A, W) + b[:, None, :]
            if k == len(layers) - 1:
                return _sigmoid(Z[..., 0]), hidden
            A = _act(activation, Z)
            hidden.append(A)
    raise AssertionError("unreachable")


def train(configs, seeds, X=None, y=None, *, initial_weights=None,
          record_every: int | None = None) -> SweepResult:
    """Train one network per (config, seed) pair, all at once; return a ``SweepResult``.

    - ``configs``: a ``Config`` or a sequence of them (see ``grid``).
    - ``seeds``: an int n (seeds 0..n-1) or a sequence of seeds; each config is trained with
      every seed, networks ordered config by config, seeds varying fastest. A seed fixes the
      network's initial weights and its minibatch order.
    - ``X``, ``y``: training data, X of shape (n, 2) and y of shape (n,) with 0/1 targets;
      default the four XOR points. Results are always measured on the four XOR points.
    - ``initial_weights``: start from these weights instead of drawing them (one config only):
      a list of (W, b) per layer, W of shape (fan_in, fan_out) for all networks or
      (len(seeds), fan_in, fan_out) for one each; b likewise.
    - ``record_every``: the loss curve is recorded every this many steps (default: about 100
      points); every config's ``num_steps`` must be a multiple of it.

    Networks that hit NaN or inf are flagged ``diverged`` (and not ``solved``).
    Notebook 03.
    """
    configs = _as_configs(configs)
    seeds = _as_seeds(seeds)
    X, y = _as_data(X, y)
    if initial_weights is not None and len(configs) != 1:
        raise ValueError(f"initial_weights needs exactly one config, got {len(configs)}")
    steps = [c.num_steps for c in configs]
    record_every = _record_every(steps, record_every)
    curve_steps = np.arange(0, max(steps) + 1, record_every)

    n_models = len(configs) * len(seeds)
    config_index = np.repeat(np.arange(len(configs)), len(seeds))
    model_seeds = np.tile(seeds, len(configs))
    out = _Collector(n_models, len(curve_steps))

    groups: dict[tuple, list[int]] = {}
    for i, c in enumerate(configs):
        key = (c.widths, c.activation, c.optimizer, c.loss, c.batch_size, c.num_steps)
        groups.setdefault(key, []).append(i)
    for members in groups.values():
        idx = np.concatenate([np.flatnonzero(config_index == i) for i in members])
        group_configs = [configs[config_index[i]] for i in idx]
        if initial_weights is None:
            per_model = [init_weights(c, int(s)) for c, s in zip(group_configs,
                                                                   model_seeds[idx], strict=True)]
            start = [(np.stack([w[k][0] for w in per_model]),
                      np.stack([w[k][1] for w in per_model])) for k in range(len(per_model[0]))]
        else:
            start = _broadcast_weights(initial_weights, configs[0], len(seeds))
        _train_group(group_configs, model_seeds[idx], start, X, y, record_every, idx, out)

    return SweepResult(configs=configs, config_index=config_index, seeds=model_seeds,
                       curve_steps=curve_steps, **out.arrays())


# ----------------------------------------------------------------------------- the engine


class _Collector:
    """Per-network result arrays, filled group by group."""

    def __init__(self, n_models: int, n_records: int):
        self.final_loss = np.full(n_models, np.nan)
        self.outputs = np.full((n_models, 4), np.nan)
        self.solved_step = np.full(n_models, -1)
        self.dead_units = np.zeros(n_models, dtype=int)
        self.dead_units_init = np.zeros(n_models, dtype=int)
        self.diverged = np.zeros(n_models, dtype=bool)
        self.loss_curve = np.full((n_models, n_records), np.nan)
        self.initial_weights: list = [None] * n_models
        self.final_weights: list = [None] * n_models

    def arrays(self) -> dict:
        _, y4 = truth_table()
        right = (self.outputs > 0.5) == (y4 > 0.5)
        accuracy = right.mean(axis=1)
        solved = right.all(axis=1) & ~self.diverged
        return dict(final_loss=self.final_loss, outputs=self.outputs, accuracy=accuracy,
                    solved=solved, solved_step=np.where(self.diverged, -1, self.solved_step),
                    dead_units=self.dead_units, dead_units_init=self.dead_units_init,
                    diverged=self.diverged, loss_curve=self.loss_curve,
                    initial_weights=tuple(self.initial_weights),
                    final_weights=tuple(self.final_weights))


def _train_group(configs: list[Config], seeds: np.ndarray, start, X, y, record_every: int,
                 idx: np.ndarray, out: _Collector) -> None:
    """Train networks that share architecture, optimizer, loss, batch size and step budget."""
    first = configs[0]
    M = len(configs)
    activation, loss, opt = first.activation, first.loss, first.optimizer
    params = [(W.astype(np.float64, copy=True), b.astype(np.float64, copy=True))
              for W, b in start]
    initial = [(W.copy(), b.copy()) for W, b in params]
    lr = np.array([c.lr for c in configs])
    mom = np.array([c.momentum for c in configs])
    state = [(np.zeros_like(W), np.zeros_like(b), np.zeros_like(W), np.zeros_like(b))
             for W, b in params]
    X4, y4 = truth_table()
    X4 = X4.astype(np.float64)
    y4 = y4.astype(np.float64)
    batches = _Batches(X, y, first.batch_size, seeds)
    n_steps = first.num_steps
    with np.errstate(all="ignore"):
        for step in range(n_steps + 1):
            if step % record_every == 0:
                o, Zs = _eval(params, X4, activation)
                L = _loss(loss, o, y4)
                out.loss_curve[idx, step // record_every] = L
                right = ((o > 0.5) == (y4 > 0.5)).all(axis=1)
                fresh = right & (out.solved_step[idx] < 0)
                out.solved_step[idx[fresh]] = step
                if step == 0:
                    out.dead_units_init[idx] = _dead(activation, Zs)
            if step == n_steps:
                break
            Xb, yb, wb = batches.next(step)
            grads = _backprop(params, Xb, yb, wb, activation, loss)
            _update(opt, params, grads, state, lr, mom, step + 1)
        o, Zs = _eval(params, X4, activation)
    finite = np.ones(M, dtype=bool)
    for W, b in params:
        finite &= np.isfinite(W).all(axis=(1, 2)) & np.isfinite(b).all(axis=1)
    L = _loss(loss, o, y4)
    out.final_loss[idx] = L
    out.outputs[idx] = o
    out.dead_units[idx] = _dead(activation, Zs)
    out.diverged[idx] = ~finite | ~np.isfinite(L)
    for j, i in enumerate(idx):
        out.initial_weights[i] = [(W[j], b[j]) for W, b in initial]
        out.final_weights[i] = [(W[j], b[j]) for W, b in params]


class _Batches:
    """Per-network minibatches: each network shuffles the data afresh every epoch."""

    def __init__(self, X, y, batch_size, seeds):
        self.X, self.y, self.seeds = X.astype(np.float64), y.astype(np.float64), seeds
        n = len(X)
        self.full = batch_size is None or batch_size >= n
        self.batch_size = n if self.full else batch_size
        self.per_epoch = math.ceil(n / self.batch_size)
        self.order = None

    def next(self, step: int):
        n = len(self.X)
        if self.full:
            return self.X, self.y, None
        epoch, pos = divmod(step, self.per_epoch)
        if pos == 0:
            self.order = np.argsort(_hash_keys(self.seeds, epoch, n), axis=1, kind="stable")
        rows = self.order[:, pos * self.batch_size:(pos + 1) * self.batch_size]
        return self.X[rows], self.y[rows], None


def _hash_keys(seeds: np.ndarray, epoch: int, n: int) -> np.ndarray:
    """Pseudo-random uint64 keys (M, n) that depend only on (seed, epoch, row): splitmix64."""
    with np.errstate(over="ignore"):
        x = (seeds.astype(np.uint64)[:, None] * np.uint64(0x9E3779B97F4A7C15)
             + np.uint64(epoch) * np.uint64(0xBF58476D1CE4E5B9)
             + np.arange(n, dtype=np.uint64)[None, :] * np.uint64(0x94D049BB133111EB))
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return x


def _act(activation: str, Z: np.ndarray) -> np.ndarray:
    if activation == "relu":
        return np.maximum(Z, 0.0)
    if activation == "leaky_relu":
        return np.where(Z > 0, Z, LEAKY_SLOPE * Z)
    if activation == "sigmoid":
        return _sigmoid(Z)
    if activation == "tanh":
        return np.tanh(Z)
    return Z


def _act_grad(activation: str, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
    if activation == "relu":
        return (Z > 0).astype(Z.dtype)
    if activation == "leaky_relu":
        return np.where(Z > 0, 1.0, LEAKY_SLOPE)
    if activation == "sigmoid":
        return A * (1.0 - A)
    if activation == "tanh":
        return 1.0 - A * A
    return np.ones_like(Z)


def _sigmoid(Z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-Z))


def _eval(params, X, activation):
    A = X
    Zs = []
    for k, (W, b) in enumerate(params):
        Z = np.matmul(A, W) + b[:, None, :]
        if k == len(params) - 1:
            return _sigmoid(Z[..., 0]), Zs
        Zs.append(Z)
        A = _act(activation, Z)
    raise AssertionError("unreachable")


def _loss(loss: str, o: np.ndarray, y: np.ndarray) -> np.ndarray:
    if loss == "mse":
        return ((o - y) ** 2).mean(axis=1)
    z = np.log(o) - np.log1p(-o)  # logit; recomputed for the eval path only
    return (np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))).mean(axis=1)


def _dead(activation: str, Zs: list[np.ndarray]) -> np.ndarray:
    if activation != "relu":
        return np.zeros(Zs[0].shape[0], dtype=int)
    return sum((Z <= 0).all(axis=1).sum(axis=1) for Z in Zs)


def _backprop(params, X, y, weights, activation, loss):
    """Gradients of the mean loss over the batch, per network."""
    As, Zs = [X], []
    A = X
    for W, b in params:
        Z = np.matmul(A, W) + b[:, None, :]
        Zs.append(Z)
        A = _act(activation, Z)
        As.append(A)
    z = Zs[-1][..., 0]
    p = _sigmoid(z)
    n = z.shape[-1]
    if loss == "mse":
        dz = 2.0 * (p - y) * p * (1.0 - p) / n
    else:
        dz = (p - y) / n
    dZ = dz[..., None]
    grads = []
    for k in range(len(params) - 1, -1, -1):
        W, _ = params[k]
        A_prev = As[k]
        dW = np.matmul(np.swapaxes(A_prev, -1, -2), dZ)
        db = dZ.sum(axis=-2)
        grads.append((dW, db))
        if k:
            dA = np.matmul(dZ, np.swapaxes(W, -1, -2))
            dZ = dA * _act_grad(activation, Zs[k - 1], As[k])
    return grads[::-1]


def _update(opt, params, grads, state, lr, mom, t):
    for (W, b), (gW, gb), (mW, mb, vW, vb) in zip(params, grads, state, strict=True):
        for p, g, m, v in ((W, gW, mW, vW), (b, gb, mb, vb)):
            shape = (-1,) + (1,) * (p.ndim - 1)
            r = lr.reshape(shape)
            if opt == "sgd":
                p -= r * g
            elif opt == "momentum":
                m *= mom.reshape(shape)
                m -= r * g
                p += m
            elif opt == "rmsprop":
                v *= RHO
                v += (1 - RHO) * g * g
                p -= r * g / np.sqrt(v + EPSILON)
            else:
                alpha = r * math.sqrt(1 - BETA_2 ** t) / (1 - BETA_1 ** t)
                m += (g - m) * (1 - BETA_1)
                v += (g * g - v) * (1 - BETA_2)
                p -= m * alpha / (np.sqrt(v) + EPSILON)


# ----------------------------------------------------------------------------- validation


def _as_configs(configs) -> tuple[Config, ...]:
    if isinstance(configs, Config):
        return (configs,)
    if isinstance(configs, (str, bytes)) or not isinstance(configs, Sequence):
        raise TypeError(f"configs must be a Config or a sequence of Configs, got {configs!r}")
    if not configs:
        raise ValueError("configs must hold at least one Config, got an empty sequence")
    for i, c in enumerate(configs):
        if not isinstance(c, Config):
            raise TypeError(f"configs[{i}] must be a Config, got {type(c).__name__}")
    return tuple(configs)


def _as_seeds(seeds) -> np.ndarray:
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        n = check_int("seeds", seeds, low=1, high=10**7)
        return np.arange(n)
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, (Sequence, np.ndarray)):
        raise TypeError(f"seeds must be an int (how many) or a sequence of seeds, got {seeds!r}")
    if len(seeds) == 0:
        raise ValueError("seeds must hold at least one seed, got an empty sequence")
    return np.array([check_seed(f"seeds[{i}]", s if not isinstance(s, np.integer) else int(s))
                     for i, s in enumerate(seeds)], dtype=np.int64)


def _as_X(X) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"X must have shape (n, 2) with n >= 1, got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X must hold finite numbers only")
    return X


def _as_data(X, y) -> tuple[np.ndarray, np.ndarray]:
    if (X is None) != (y is None):
        raise ValueError("give both X and y, or neither (the four XOR points)")
    if X is None:
        X, y = truth_table()
    X = _as_X(X)
    y = np.asarray(y, dtype=np.float64)
    if y.shape != (len(X),):
        raise ValueError(f"y must have shape ({len(X)},), one target per row of X; "
                         f"got shape {y.shape}")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("y must hold 0/1 targets only")
    return X, y


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
        layers.append((W, b))
    return layers


def _broadcast_weights(weights, config: Config, n_models: int):
    sizes = config.layer_sizes
    if not isinstance(weights, (list, tuple)) or len(weights) != len(sizes) - 1:
        raise ValueError(f"initial_weights must be a list of {len(sizes) - 1} (W, b) pairs "
                         f"for layer sizes {sizes}, got {type(weights).__name__}"
                         + (f" of length {len(weights)}" if isinstance(weights, (list, tuple))
                            else ""))
    out = []
    for k, pair in enumerate(weights):
        fan_in, fan_out = sizes[k], sizes[k + 1]
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValueError(f"initial_weights[{k}] must be a (W, b) pair")
        W = np.asarray(pair[0], dtype=np.float64)
        b = np.asarray(pair[1], dtype=np.float64)
        if W.shape == (fan_in, fan_out):
            W = np.broadcast_to(W, (n_models, fan_in, fan_out))
        if b.shape == (fan_out,):
            b = np.broadcast_to(b, (n_models, fan_out))
        if W.shape != (n_models, fan_in, fan_out) or b.shape != (n_models, fan_out):
            raise ValueError(f"initial_weights[{k}] must be W {(fan_in, fan_out)} or "
                             f"{(n_models, fan_in, fan_out)} and b {(fan_out,)} or "
                             f"{(n_models, fan_out)}; got {W.shape} and {b.shape}")
        if not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise ValueError(f"initial_weights[{k}] must be finite")
        out.append((np.array(W), np.array(b)))
    return out


def _record_every(steps: list[int], record_every: int | None) -> int:
    g = 0
    for s in steps:
        g = math.gcd(g, s)
    if record_every is None:
        cap = max(1, min(steps) // 100)
        return max(d for d in range(1, min(g, cap) + 1) if g % d == 0)
    record_every = check_int("record_every", record_every, low=1)
    if g % record_every:
        raise ValueError(f"record_every must divide every config's num_steps {sorted(set(steps))};"
                         f" got {record_every}")
    return record_every
