"""The explorer's settings: a ``State`` that cannot be invalid, and the ``sweep.Config`` and
data set it maps to (notebook 07).

A ``State`` holds every control of the explorer: the data set, the network, its training
recipe, the seed and the number of seeds of the many-seed mode. Settings that do not apply
to the others (the noise of a data set without noise, the momentum of Adam, ...) keep their
value but do not reach the ``Config``; ``State.applies`` says which apply, and the view
disables the rest.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields, replace

import numpy as np

from .._check import check_bool, check_choice, check_float, check_int, check_seed
from ..data import noisy_xor, random_xor_pairs, truth_table
from ..sweep import Config

DATASETS = ("xor", "case_b", "cloud")
DATASET_LABELS = {"xor": "XOR: the 4 points", "case_b": "case B: 1,000 random pairs",
                  "cloud": "noisy XOR cloud"}
ACTIVATIONS = ("relu", "leaky_relu", "sigmoid", "tanh", "linear")
INITS = ("glorot_uniform", "he_normal", "uniform", "normal", "zeros")
OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
LOSSES = ("binary_crossentropy", "mse")
CLOUD_POINTS = 200  # points of the noisy cloud, before the train/test split
CASE_B_PAIRS = 1000
DATA_SEED = 0  # the data sets are fixed; the seed control seeds the network
MAX_DEPTH, MAX_WIDTH = 8, 64
LR_RANGE = (1e-4, 10.0)
MAX_STEPS = 50_000
MAX_SEEDS = 2000

# which setting applies only when another has a given value
_APPLIES = {
    "noise": ("data", ("cloud",)),
    "test_fraction": ("data", ("cloud",)),
    "init_scale": ("init", ("uniform", "normal")),
    "init_biases": ("init", ("uniform", "normal")),
    "momentum": ("optimizer", ("momentum",)),
}


@dataclass(frozen=True)
class State:
    """Every setting of the what-if explorer (notebook 07); invalid values raise at once.

    - ``data``: "xor" (the four points), "case_b" (case B's 1,000 random pairs of bits) or
      "cloud" (200 points in noisy clouds around the corners, ``noise`` their standard
      deviation, the last ``test_fraction`` of them held out as a test set).
    - ``widths``, ``activation``, ``init``, ``init_scale``, ``init_biases``, ``optimizer``,
      ``lr`` (1e-4 to 10), ``momentum``, ``loss``, ``batch_size`` (None: full batch),
      ``num_steps``: as in ``sweep.Config``.
    - ``seed``: the network's seed (initial weights, minibatch order); ``n_seeds``: how many
      seeds (0 .. n_seeds-1) the many-seed mode trains, 1 to 2,000.
    """

    data: str = "xor"
    noise: float = 0.2
    test_fraction: float = 0.2
    widths: tuple[int, ...] = (2,)
    activation: str = "relu"
    init: str = "glorot_uniform"
    init_scale: float = 0.5
    init_biases: bool = False
    optimizer: str = "adam"
    lr: float = 0.01
    momentum: float = 0.9
    loss: str = "binary_crossentropy"
    batch_size: int | None = None
    num_steps: int = 2000
    seed: int = 0
    n_seeds: int = 200

    def __post_init__(self):
        check_choice("data", self.data, DATASETS)
        self._set("noise", check_float("noise", self.noise, low=0.0, high=0.5))
        self._set("test_fraction",
                  check_float("test_fraction", self.test_fraction, low=0.0, high=0.5))
        widths = self.widths
        if isinstance(widths, (int, np.integer)) and not isinstance(widths, bool):
            widths = (int(widths),)
        if not isinstance(widths, (tuple, list)) or not 1 <= len(widths) <= MAX_DEPTH:
            raise ValueError(f"widths must list 1 to {MAX_DEPTH} hidden layers, "
                             f"got {self.widths!r}")
        self._set("widths", tuple(check_int(f"widths[{i}]", w, low=1, high=MAX_WIDTH)
                                  for i, w in enumerate(widths)))
        check_choice("activation", self.activation, ACTIVATIONS)
        check_choice("init", self.init, INITS)
        self._set("init_scale", check_float("init_scale", self.init_scale, low=0.0,
                                            low_open=True, high=10.0))
        check_bool("init_biases", self.init_biases)
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        self._set("lr", check_float("lr", self.lr, low=LR_RANGE[0], high=LR_RANGE[1]))
        self._set("momentum", check_float("momentum", self.momentum, low=0.0, high=0.99))
        check_choice("loss", self.loss, LOSSES)
        if self.batch_size is not None:
            size = check_int("batch_size", self.batch_size, low=1)
            self._set("batch_size", None if size >= self.n_train else size)
        self._set("num_steps", check_int("num_steps", self.num_steps, low=1, high=MAX_STEPS))
        self._set("seed", check_seed("seed", self.seed))
        self._set("n_seeds", check_int("n_seeds", self.n_seeds, low=1, high=MAX_SEEDS))

    def _set(self, name, value):
        object.__setattr__(self, name, value)

    @property
    def n_train(self) -> int:
        """Number of training rows of the data set."""
        if self.data == "xor":
            return 4
        if self.data == "case_b":
            return CASE_B_PAIRS
        return CLOUD_POINTS - self.n_test

    @property
    def n_test(self) -> int:
        """Number of held-out rows (the cloud only)."""
        return int(round(CLOUD_POINTS * self.test_fraction)) if self.data == "cloud" else 0

    def applies(self, name: str) -> bool:
        """Whether setting ``name`` takes part in training with the other settings."""
        if name not in {f.name for f in fields(State)}:
            raise ValueError(f"name must be a State field, got {name!r}")
        if name not in _APPLIES:
            return True
        other, values = _APPLIES[name]
        return getattr(self, other) in values

    @property
    def config(self) -> Config:
        """The ``sweep.Config`` these settings train."""
        scaled = self.init in ("uniform", "normal")
        return Config(widths=self.widths, activation=self.activation, init=self.init,
                      init_scale=self.init_scale if scaled else None,
                      init_biases=self.init_biases if scaled else False,
                      optimizer=self.optimizer, lr=self.lr, momentum=self.momentum,
                      loss=self.loss, batch_size=self.batch_size, num_steps=self.num_steps)

    def replace(self, **changes) -> State:
        """A copy with some settings changed (validated again)."""
        return replace(self, **changes)

    def with_config(self, config: Config) -> State:
        """These data and seed settings with the network and recipe of ``config``."""
        if not isinstance(config, Config):
            raise TypeError(f"config must be a sweep.Config, got {type(config).__name__}")
        changes = dict(widths=config.widths, activation=config.activation, init=config.init,
                       init_biases=config.init_biases, optimizer=config.optimizer,
                       lr=config.lr, momentum=config.momentum, loss=config.loss,
                       batch_size=config.batch_size, num_steps=config.num_steps)
        if config.init_scale is not None:
            changes["init_scale"] = config.init_scale
        return self.replace(**changes)

    def data_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
        """(X, y, X_test, y_test) of the data set; the test pair is None without a test set."""
        return _data(self.data, self.noise if self.data == "cloud" else 0.0, self.n_test)


def as_state(state) -> State:
    """``state`` as a ``State``: a State, or a mapping of settings (checked)."""
    if isinstance(state, State):
        return state
    if isinstance(state, dict):
        names = {f.name for f in fields(State)}
        unknown = sorted(set(state) - names)
        if unknown:
            raise ValueError(f"unknown setting {unknown[0]!r}; allowed: {', '.join(sorted(names))}")
        return State(**state)
    raise TypeError(f"state must be an explorer State or a dict of settings, "
                    f"got {type(state).__name__}")


def _data(kind: str, noise: float, n_test: int):
    """The arrays of a data set, cached and read-only (they are shared between calls)."""
    arrays = _make_data(kind, noise, n_test)
    for a in arrays:
        if a is not None:
            a.flags.writeable = False
    return arrays


@functools.lru_cache(maxsize=16)
def _make_data(kind: str, noise: float, n_test: int):
    if kind == "xor":
        X, y = truth_table()
        return X, y, None, None
    if kind == "case_b":
        X, y = random_xor_pairs(CASE_B_PAIRS, seed=DATA_SEED)
        return X, y, None, None
    X, y = noisy_xor(CLOUD_POINTS, noise=noise, seed=DATA_SEED)
    n_train = CLOUD_POINTS - n_test
    if n_test == 0:
        return X, y, None, None
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]
