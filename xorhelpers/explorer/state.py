"""The explorer's settings: one table, ``FIELDS``, and the ``State`` it defines, with the
``sweep.Config`` and data set a state maps to (notebook 07).

Each row of ``FIELDS`` is one setting: its name, kind and default, what it may hold (a range
or choices), when it applies (and the reason shown when it does not), the ``Config`` field it
sets, and its control (widget kind, label, tooltip, CSS class, column). Everything else
follows from the table: ``State``'s fields, defaults and checks, ``State.applies``,
``State.config`` and ``State.with_config`` here; the controls, their CSS classes, reading and
setting them, and the disabled controls' reasons in ``controls`` and the view. Adding a
setting is adding a row (and, when it reaches the ``Config``, naming the Config field).

A setting that does not apply with the others (the noise of a data set without noise, the
momentum of Adam, ...) keeps its value but does not reach the ``Config``, which gets its own
default instead; the view disables its control and says why.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, make_dataclass, replace
from dataclasses import field as dataclass_field

import numpy as np

from .._check import check_bool, check_choice, check_float, check_int
from ..data import noisy_xor, random_xor_pairs, truth_table
from ..sweep import ACTIVATIONS, INITS, LOSSES, MAX_DEPTH, MAX_WIDTH, OPTIMIZERS, Config

DATASET_LABELS = {"xor": "XOR: the 4 points", "case_b": "case B: 1,000 random pairs",
                  "cloud": "noisy XOR cloud"}
DATASETS = tuple(DATASET_LABELS)
CLOUD_POINTS = 200  # points of the noisy cloud, before the train/test split
CASE_B_PAIRS = 1000
DATA_SEED = 0  # the data sets are fixed; the seed control seeds the network
LR_RANGE = (1e-4, 10.0)
MAX_STEPS = 50_000
MAX_SEEDS = 2000
STEP_OPTIONS = (100, 200, 500, 1000, 2000, 5000, 10_000, 25_000, 50_000)
BATCH_OPTIONS = (1, 2, 4, 8, 16, 32, 64, 128, 256)

KINDS = ("choice", "float", "int", "bool", "widths")
WIDGETS = ("menu", "slider", "log_slider", "checkbox", "int_box", "int_slider", "layers",
           "batch_menu")
_TYPES = {"choice": "str", "float": "float", "int": "int", "bool": "bool",
          "widths": "tuple[int, ...]"}


@dataclass(frozen=True)
class Control:
    """How the view shows a setting (ipywidgets are built from it in ``controls``).

    - ``widget``: one of ``WIDGETS``: "menu" (a drop-down of ``options``, default the
      setting's choices; a number missing from it is added when a state needs it), "slider",
      "log_slider" (base 10), "checkbox", "int_box", "int_slider" (its grid becomes 1-wide
      from the setting's low end when a state's value lies off it), "layers" (a slider of
      the number of hidden layers and one box per layer) or "batch_menu" (full batch and
      the ``options`` smaller than the data set).
    - ``label``: the description shown before it; ``tooltip``: its hover text; ``css``: its
      class is ``xor-explorer-<css>``; ``column``: which settings column (1 to 3) holds it.
    - ``low``, ``step``: the widget's lower end (when not the setting's) and step;
      ``digits``: decimals a slider's value is rounded to when read.
    """

    widget: str
    label: str
    tooltip: str
    css: str
    column: int
    low: float | None = None
    step: float | None = None
    digits: int | None = None
    options: tuple = ()

    def __post_init__(self):
        check_choice("widget", self.widget, WIDGETS)
        check_choice("column", self.column, (1, 2, 3))


@dataclass(frozen=True)
class Field:
    """One setting of the explorer: one row of ``FIELDS``.

    - ``name``, ``kind`` (one of ``KINDS``), ``default``; ``choices`` (kind "choice"), or
      ``low`` / ``high`` (``low_open``: low itself excluded) for numbers and, for "widths",
      the units per layer (at most ``MAX_DEPTH`` layers); ``optional``: None is allowed too.
    - ``applies``: None (always), or (other setting, its values for which this one applies);
      ``why_not``: what the disabled control says when it does not.
    - ``config``: the ``sweep.Config`` field it sets, None when it does not reach the Config.
    - ``control``: its ``Control``; ``doc``: the sentence ``State``'s docstring gives it.
    """

    name: str
    kind: str
    default: object
    control: Control
    doc: str
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    optional: bool = False
    applies: tuple[str, tuple] | None = None
    why_not: str = ""
    config: str | None = None

    def __post_init__(self):
        check_choice("kind", self.kind, KINDS)
        if (self.applies is None) != (not self.why_not):
            raise ValueError(f"{self.name}: a setting that applies only sometimes needs "
                             f"why_not, and only such a setting; got {self.applies!r}, "
                             f"{self.why_not!r}")

    @property
    def annotation(self) -> str:
        return _TYPES[self.kind] + (" | None" if self.optional else "")

    def check(self, value):
        """``value`` checked (and made a float, int or tuple) for this setting; raises a
        ValueError or TypeError naming the setting, the value and what is allowed."""
        if value is None and self.optional:
            return None
        if self.kind == "choice":
            return check_choice(self.name, value, self.choices)
        if self.kind == "float":
            return check_float(self.name, value, low=self.low, high=self.high,
                               low_open=self.low_open)
        if self.kind == "int":
            return check_int(self.name, value, low=self.low, high=self.high)
        if self.kind == "bool":
            return check_bool(self.name, value)
        widths = value
        if isinstance(widths, (int, np.integer)) and not isinstance(widths, bool):
            widths = (int(widths),)
        if not isinstance(widths, (tuple, list)) or not 1 <= len(widths) <= MAX_DEPTH:
            raise ValueError(f"{self.name} must list 1 to {MAX_DEPTH} hidden layers, "
                             f"got {value!r}")
        return tuple(check_int(f"{self.name}[{i}]", w, low=self.low, high=self.high)
                     for i, w in enumerate(widths))

    def allowed(self) -> str:
        """What the setting may hold, in words (for ``State``'s docstring)."""
        if self.kind == "choice":
            text = ", ".join(map(repr, self.choices))
        elif self.kind == "bool":
            text = "True or False"
        elif self.kind == "widths":
            text = f"1 to {MAX_DEPTH} hidden layers of {self.low} to {self.high} units"
        else:
            text = f"{'>' if self.low_open else '>='} {self.low}" + (
                "" if self.high is None else f" and <= {self.high}")
        return text + (", or None" if self.optional else "")


_SCALED = ("init", ("uniform", "normal"))
_CLOUD = ("data", ("cloud",))

#: The settings of the explorer, in the order of ``State``'s fields and of the controls.
FIELDS: tuple[Field, ...] = (
    Field("data", "choice", "xor", choices=DATASETS,
          doc="the data set: the four XOR points, case B's 1,000 random pairs of bits, or "
              f"{CLOUD_POINTS} points in noisy clouds around the corners",
          control=Control("menu", "data set", "what the network is trained on", "data", 1,
                          options=tuple((v, k) for k, v in DATASET_LABELS.items()))),
    Field("noise", "float", 0.2, low=0.0, high=0.5, applies=_CLOUD,
          why_not="applies to the noisy XOR cloud only",
          doc="the standard deviation of the cloud's noise",
          control=Control("slider", "noise", "standard deviation of the noise around each "
                          "corner", "noise", 1, step=0.05, digits=3)),
    Field("test_fraction", "float", 0.2, low=0.0, high=0.5, applies=_CLOUD,
          why_not="applies to the noisy XOR cloud only (the other data sets hold only the "
                  "four XOR points, so a test split would repeat them)",
          doc="the share of the cloud held out (its last points) as a test set",
          control=Control("slider", "test share", "share of the cloud held out as a test set",
                          "test-fraction", 1, step=0.1, digits=2)),
    Field("widths", "widths", (2,), low=1, high=MAX_WIDTH, config="widths",
          doc="the units of each hidden layer (an int: one layer)",
          control=Control("layers", "hidden layers", "number of hidden layers", "layers", 1)),
    Field("activation", "choice", "relu", choices=ACTIVATIONS, config="activation",
          doc="the hidden units' activation",
          control=Control("menu", "activation", "activation of the hidden units (the output "
                          "is a sigmoid)", "activation", 1)),
    Field("init", "choice", "glorot_uniform", choices=INITS, config="init",
          doc="the initializer of the weights",
          control=Control("menu", "initializer", "how the initial weights are drawn", "init",
                          2)),
    Field("init_scale", "float", 0.5, low=0.0, low_open=True, high=10.0, applies=_SCALED,
          why_not="applies to the uniform and normal initializers only", config="init_scale",
          doc="the a of U[-a, a] or the standard deviation of the normal initializer",
          control=Control("log_slider", "init scale", "a of U[-a, a], or the standard "
                          "deviation of the normal", "init-scale", 2, low=1e-3, step=0.1)),
    Field("init_biases", "bool", False, applies=_SCALED,
          why_not="applies to the uniform and normal initializers only (the others start "
                  "biases at zero, as Keras does)", config="init_biases",
          doc="whether the biases are drawn like the weights",
          control=Control("checkbox", "random biases", "draw the biases like the weights",
                          "init-biases", 2)),
    Field("optimizer", "choice", "adam", choices=OPTIMIZERS, config="optimizer",
          doc="the update rule, as Keras 3's with default settings",
          control=Control("menu", "optimizer", "Keras 3's update rule with default settings",
                          "optimizer", 2)),
    Field("lr", "float", 0.01, low=LR_RANGE[0], high=LR_RANGE[1], config="lr",
          doc="the learning rate",
          control=Control("log_slider", "learning rate", "learning rate, on a log scale",
                          "lr", 2, step=0.1)),
    Field("momentum", "float", 0.9, low=0.0, high=0.99, applies=("optimizer", ("momentum",)),
          why_not="applies to the momentum optimizer only", config="momentum",
          doc="the momentum of SGD with momentum",
          control=Control("slider", "momentum", "momentum of SGD with momentum", "momentum",
                          2, step=0.01, digits=3)),
    Field("loss", "choice", "binary_crossentropy", choices=LOSSES, config="loss",
          doc="the loss",
          control=Control("menu", "loss", "binary cross-entropy or mean squared error",
                          "loss", 3)),
    Field("batch_size", "int", None, low=1, optional=True, config="batch_size",
          doc="rows per gradient step, None (or the whole data set) for full batch",
          control=Control("batch_menu", "batch size", "rows per gradient step; a fresh "
                          "shuffle each epoch", "batch-size", 3, options=BATCH_OPTIONS)),
    Field("num_steps", "int", 2000, low=1, high=MAX_STEPS, config="num_steps",
          doc="the number of gradient steps",
          control=Control("menu", "steps", "number of gradient steps", "steps", 3,
                          options=STEP_OPTIONS)),
    Field("seed", "int", 0, low=0, high=2**32 - 1,
          doc="the network's seed (initial weights, minibatch order)",
          control=Control("int_box", "seed", "seeds the initial weights and the minibatch "
                          "order", "seed", 3)),
    Field("n_seeds", "int", 200, low=1, high=MAX_SEEDS,
          doc="how many seeds (0 .. n_seeds-1) the many-seed mode trains",
          control=Control("int_slider", "seeds", "how many seeds the many-seed view trains "
                          "(seeds 0 .. n-1)", "n-seeds", 3, low=10, step=10)),
)
FIELD = {f.name: f for f in FIELDS}

#: Why a control is disabled, by setting, for the settings that apply only sometimes.
NOT_APPLIES = {f.name: f.why_not for f in FIELDS if f.applies is not None}


class _Rules:
    """What a ``State`` does besides holding its fields (``State`` is built from ``FIELDS``)."""

    def __post_init__(self):
        for f in FIELDS:
            object.__setattr__(self, f.name, f.check(getattr(self, f.name)))
        if self.batch_size is not None and self.batch_size >= self.n_train:
            object.__setattr__(self, "batch_size", None)  # a batch of all rows is full batch

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
        if name not in FIELD:
            raise ValueError(f"name must be a State field, got {name!r}")
        rule = FIELD[name].applies
        return rule is None or getattr(self, rule[0]) in rule[1]

    @property
    def config(self) -> Config:
        """The ``sweep.Config`` these settings train (a setting that does not apply leaves the
        Config's default)."""
        return Config(**{f.config: getattr(self, f.name) for f in FIELDS
                         if f.config is not None and self.applies(f.name)})

    def replace(self, **changes):
        """A copy with some settings changed (validated again)."""
        return replace(self, **changes)

    def with_config(self, config: Config):
        """These data and seed settings with the network and recipe of ``config`` (a Config
        value None, such as the init_scale of glorot_uniform, keeps the setting's own)."""
        if not isinstance(config, Config):
            raise TypeError(f"config must be a sweep.Config, got {type(config).__name__}")
        changes = {f.name: getattr(config, f.config) for f in FIELDS if f.config is not None}
        return self.replace(**{name: value for name, value in changes.items()
                               if value is not None or FIELD[name].optional})

    def data_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
        """(X, y, X_test, y_test) of the data set; the test pair is None without a test set."""
        return _data(self.data, self.noise if self.data == "cloud" else 0.0, self.n_test)


def _state_doc() -> str:
    lines = ["Every setting of the what-if explorer (notebook 07); invalid values raise at once.",
             "", "One field per row of ``FIELDS``:", ""]
    for f in FIELDS:
        when = "" if f.applies is None else f"; {f.why_not}"
        lines.append(f"- ``{f.name}`` ({f.allowed()}; default {f.default!r}): {f.doc}{when}.")
    return "\n".join(lines)


State = make_dataclass(
    "State", [(f.name, f.annotation, dataclass_field(default=f.default)) for f in FIELDS],
    bases=(_Rules,), frozen=True, namespace={"__doc__": _state_doc()})
State.__module__ = __name__


def as_state(state) -> State:
    """``state`` as a ``State``: a State, or a mapping of settings (checked)."""
    if isinstance(state, State):
        return state
    if isinstance(state, dict):
        unknown = sorted(set(state) - set(FIELD))
        if unknown:
            raise ValueError(f"unknown setting {unknown[0]!r}; allowed: {', '.join(sorted(FIELD))}")
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
