"""What to train in a sweep: the ``Config`` of one small network, and the checked inputs.

A ``Config`` names everything about one training run except its seed: the hidden widths,
the activation, the initializer, the optimizer and learning rate, the loss, the batch size and
the number of gradient steps. ``grid`` builds the product of several choices. The ``as_*``
functions check and normalize the other arguments of ``xorhelpers.sweep.train``.
Introduced in notebook 03.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

import numpy as np

from .._check import check_bool, check_choice, check_float, check_int, check_seed
from .._weights import as_pairs
from ..data import truth_table
from ..maths import ACTIVATIONS, LOSSES, OPTIMIZERS

INITS = ("glorot_uniform", "he_normal", "uniform", "normal", "zeros")
MAX_DEPTH = 8
MAX_WIDTH = 64


@dataclass(frozen=True)
class Config:
    """One network and its training recipe (everything but the seed). Notebook 03.

    The network is 2 inputs -> Dense(w, activation) for w in ``widths`` -> Dense(1, sigmoid).

    - ``widths``: hidden widths, 1 to 8 layers of 1 to 64 units, e.g. ``(2,)`` or ``(16,) * 7``.
      An int means one hidden layer of that width.
    - ``activation``: hidden activation, one of relu, leaky_relu (slope 0.2 as in Keras),
      sigmoid, tanh, linear. The output unit is always a sigmoid.
    - ``init``: kernel initializer, one of glorot_uniform, he_normal (Keras' truncated normal),
      uniform (U[-init_scale, init_scale]), normal (N(0, init_scale**2)), zeros.
    - ``init_scale``: the ``a`` of uniform or the standard deviation of normal; required by
      those two and must be None for the others.
    - ``init_biases``: False gives zero biases (Keras' default); True draws the biases from the
      same distribution as the kernels (only with uniform or normal), as in the classic
      experiments of the 1980s.
    - ``optimizer``: sgd, momentum (SGD with ``momentum``), rmsprop or adam, each updating
      exactly as its Keras 3 counterpart with default settings (rho 0.9, betas 0.9/0.999,
      epsilon 1e-7).
    - ``lr``: learning rate, > 0 and representable in float32 (about 1.4e-45 to 3.4e38:
      lr=1e-46 would round to 0 and train nothing, so it is refused); ``momentum``: in
      [0, 1), used by optimizer="momentum" only.
    - ``loss``: binary_crossentropy (computed from the logit, as Keras does for a sigmoid
      output) or mse; both are means over the batch.
    - ``batch_size``: None trains full batch on the training data; an int draws minibatches
      of that size from a fresh per-network shuffle of the data each epoch (as Keras'
      ``fit(shuffle=True)``).
    - ``num_steps``: number of gradient steps (not epochs).
    """

    widths: tuple[int, ...] = (2,)
    activation: str = "relu"
    init: str = "glorot_uniform"
    init_scale: float | None = None
    init_biases: bool = False
    optimizer: str = "adam"
    lr: float = 0.01
    momentum: float = 0.9
    loss: str = "binary_crossentropy"
    batch_size: int | None = None
    num_steps: int = 1000

    def __post_init__(self):
        widths = self.widths
        if isinstance(widths, (int, np.integer)) and not isinstance(widths, bool):
            widths = (int(widths),)
        if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence):
            raise TypeError(f"widths must be an int or a sequence of ints, got {widths!r}")
        if not 1 <= len(widths) <= MAX_DEPTH:
            raise ValueError(f"widths must list 1 to {MAX_DEPTH} hidden layers, got {widths!r}")
        widths = tuple(check_int(f"widths[{i}]", w, low=1, high=MAX_WIDTH)
                       for i, w in enumerate(widths))
        object.__setattr__(self, "widths", widths)
        check_choice("activation", self.activation, ACTIVATIONS)
        check_choice("init", self.init, INITS)
        if self.init in ("uniform", "normal"):
            if self.init_scale is None:
                raise ValueError(f"init_scale is required with init={self.init!r} "
                                 "(the a of U[-a, a] or the std of N(0, std**2)), got None")
            scale = check_float("init_scale", self.init_scale, low=0.0, low_open=True)
            object.__setattr__(self, "init_scale", scale)
        elif self.init_scale is not None:
            raise ValueError(f"init_scale must be None with init={self.init!r} "
                             f"(only uniform and normal take a scale), got {self.init_scale!r}")
        check_bool("init_biases", self.init_biases)
        if self.init_biases and self.init not in ("uniform", "normal"):
            raise ValueError(f"init_biases=True needs init 'uniform' or 'normal', "
                             f"got init={self.init!r}")
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        object.__setattr__(self, "lr", check_float("lr", self.lr, low=0.0, low_open=True))
        with np.errstate(over="ignore"):
            lr32 = np.float32(self.lr)
        if not 0 < lr32 < np.inf:
            raise ValueError(f"lr={self.lr!r} is {lr32} in float32, the precision training "
                             "uses; give an lr that float32 holds (about 1.4e-45 to 3.4e38)")
        object.__setattr__(self, "momentum",
                           check_float("momentum", self.momentum, low=0.0, high=0.999))
        check_choice("loss", self.loss, LOSSES)
        if self.batch_size is not None:
            check_int("batch_size", self.batch_size, low=1)
        check_int("num_steps", self.num_steps, low=1, high=10**7)

    @property
    def depth(self) -> int:
        """Number of hidden layers."""
        return len(self.widths)

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """All layer sizes from input to output, e.g. (2, 2, 1)."""
        return (2, *self.widths, 1)

    def label(self) -> str:
        """A short human-readable description, e.g. ``'2-2-1 relu adam lr=0.01'``."""
        arch = "-".join(map(str, self.layer_sizes))
        return f"{arch} {self.activation} {self.optimizer} lr={self.lr:g}"

    def replace(self, **changes) -> Config:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)


def grid(**choices) -> list[Config]:
    """Every combination of the given choices as a list of ``Config`` (notebook 03).

    Each keyword is a ``Config`` field; a list (or tuple, except for ``widths`` where a list
    of tuples/ints is needed) gives several values, anything else one value. The order is the
    product order of the keywords as given, the last varying fastest. Example:
    ``grid(widths=[1, 2, 3], activation=["relu", "sigmoid"], lr=0.01)`` gives 6 configs.
    """
    names = {f.name for f in fields(Config)}
    axes = []
    for key, value in choices.items():
        if key not in names:
            raise ValueError(f"{key!r} is not a Config field; allowed: {', '.join(sorted(names))}")
        if key == "widths":
            several = isinstance(value, list)
        else:
            several = isinstance(value, (list, tuple))
        values = list(value) if several else [value]
        if not values:
            raise ValueError(f"{key} must give at least one value, got {value!r}")
        axes.append([(key, v) for v in values])
    return [Config(**dict(combo)) for combo in itertools.product(*axes)]


# ----------------------------------------------------- checked inputs of sweep.train


def as_configs(configs) -> tuple[Config, ...]:
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


def as_seeds(seeds) -> np.ndarray:
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        n = check_int("seeds", seeds, low=1, high=10**7)
        return np.arange(n)
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, (Sequence, np.ndarray)):
        raise TypeError(f"seeds must be an int (how many) or a sequence of seeds, got {seeds!r}")
    if len(seeds) == 0:
        raise ValueError("seeds must hold at least one seed, got an empty sequence")
    return np.array([check_seed(f"seeds[{i}]", s if not isinstance(s, np.integer) else int(s))
                     for i, s in enumerate(seeds)], dtype=np.int64)


def as_X(X) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"X must have shape (n, 2) with n >= 1, got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X must hold finite numbers only")
    return X


def as_data(X, y) -> tuple[np.ndarray, np.ndarray]:
    if (X is None) != (y is None):
        raise ValueError("give both X and y, or neither (the four XOR points)")
    if X is None:
        X, y = truth_table()
    X = as_X(X)
    y = np.asarray(y, dtype=np.float64)
    if y.shape != (len(X),):
        raise ValueError(f"y must have shape ({len(X)},), one target per row of X; "
                         f"got shape {y.shape}")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("y must hold 0/1 targets only")
    return X, y


def broadcast_weights(weights, config: Config, n_models: int):
    sizes = config.layer_sizes
    if not isinstance(weights, (list, tuple)) or len(weights) != len(sizes) - 1:
        raise ValueError(f"initial_weights must be a list of {len(sizes) - 1} (W, b) pairs "
                         f"for layer sizes {sizes}, got {type(weights).__name__}"
                         + (f" of length {len(weights)}" if isinstance(weights, (list, tuple))
                            else ""))
    out = []
    for k, (W, b) in enumerate(as_pairs(weights, "initial_weights", error=ValueError)):
        fan_in, fan_out = sizes[k], sizes[k + 1]
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


def record_every_for(steps: list[int], record_every: int | None) -> int:
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
