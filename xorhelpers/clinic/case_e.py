"""Case E reproduced, and each of its fixes measured over many seeds (notebook 04).

Case E is a 2-3-3-1 network written from scratch: ReLU, ReLU, sigmoid; weights N(0, 1) * 0.001
and zero biases; binary cross-entropy; plain gradient descent with learning rate 0.01 for
1000 full-batch steps on the four XOR points; and a ReLU derivative computed as ``A >= 0``.
Three things are wrong, and ``fix_table`` measures all eight combinations of fixing them:

- ``derivative``: the correct ReLU derivative instead of case E's;
- ``init``: He initialisation instead of the 0.001 scale;
- ``budget``: a learning rate and a number of steps that fit (by default 0.2 and 3000).

Everything about case E lives here: its settings (``LAYER_SIZES``, ``SCALE``, ``LR``,
``NUM_STEPS``), its buggy derivative (``buggy_relu_derivative``, to plug into a ``scratch.Net``),
its network (``case_e_net``), its sweep config with any of the fixes (``sweep_config``) and
the measurement of the fixes (``fix_table``). Networks with the correct derivative are trained
by the batched sweep engine (``xorhelpers.sweep``); the buggy derivative is something only the
from-scratch net (``xorhelpers.nets.scratch``) can express, so those rows train a stack of scratch
nets that start from exactly the same initial weights, seed by seed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .. import maths, sweep
from .._check import check_bool, check_float, check_int
from ..data import truth_table
from ..nets import scratch
from ..stats import format_rate, rate
from ..sweep import Config

LAYER_SIZES = (2, 3, 3, 1)
SCALE = 0.001
LR = 0.01
NUM_STEPS = 1000
FIXED_LR = 0.2  # the budget fix: a learning rate and a number of steps that fit
FIXED_NUM_STEPS = 3000


def buggy_relu_derivative(Z: np.ndarray, A: np.ndarray) -> np.ndarray:
    """Case E's bug: the ReLU derivative taken from the activation as ``A >= 0``.

    Since A = relu(Z) is never negative, this is 1 everywhere: the backward pass treats every
    ReLU as the identity. Plug it into a ``scratch.Net`` (its ``relu_grad``) to reproduce case E
    (notebook 04).
    """
    return (A >= 0).astype(float)


def case_e_net(seed: int = 0, n_models: int | None = None) -> scratch.Net:
    """Case E's network exactly as the learner built it, bug included: a scratch ``Net`` with
    its 0.001-scale weights drawn from ``seed`` (notebook 04)."""
    return scratch.init_net(LAYER_SIZES, "relu", init="normal", scale=SCALE, seed=seed,
                            n_models=n_models, relu_grad=buggy_relu_derivative)


def sweep_config(he_init: bool = False, budget: bool = False, lr: float = FIXED_LR,
                 num_steps: int = FIXED_NUM_STEPS) -> Config:
    """The sweep ``Config`` of case E, with He initialisation instead of its 0.001 scale if
    ``he_init``, and with ``lr`` and ``num_steps`` instead of its 0.01 and 1000 if ``budget``
    (notebook 04)."""
    he_init, budget = check_bool("he_init", he_init), check_bool("budget", budget)
    base = Config(widths=LAYER_SIZES[1:-1], activation="relu", init="normal", init_scale=SCALE,
                  optimizer="sgd", lr=LR, loss="binary_crossentropy", num_steps=NUM_STEPS)
    if he_init:
        base = base.replace(init="he_normal", init_scale=None)
    if budget:
        base = base.replace(lr=lr, num_steps=num_steps)
    return base


def solved(result: sweep.SweepResult, margin: float = 0.1) -> np.ndarray:
    """Per network of a sweep, True when all four final outputs are on the right side of 0.5
    by more than ``margin`` (``maths.solved``), the criterion of ``fix_table`` (notebook 04)."""
    if not isinstance(result, sweep.SweepResult):
        raise TypeError(f"result must be a SweepResult, got {type(result).__name__}")
    _, y = truth_table()
    return maths.solved(result.outputs, y, margin)


@dataclass(frozen=True)
class FixTable:
    """Which seeds solve XOR under each combination of fixes (notebook 04).

    ``combos`` lists (derivative, init, budget) booleans, True meaning fixed; ``solved`` is a
    boolean array (len(combos), n_seeds); ``margin`` is the success criterion (every output on
    the right side of 0.5 by more than it).
    """

    combos: tuple[tuple[bool, bool, bool], ...]
    solved: np.ndarray
    margin: float
    lr: float
    num_steps: int

    def flags(self, derivative: bool, init: bool, budget: bool) -> np.ndarray:
        """The per-seed success flags of one combination."""
        key = (derivative, init, budget)
        if key not in self.combos:
            raise ValueError(f"(derivative, init, budget) must be booleans, got {key!r}")
        return self.solved[self.combos.index(key)]

    def rate(self, derivative: bool, init: bool, budget: bool) -> tuple[float, float, float]:
        """(rate, low, high) of success with its 95% Wilson interval."""
        return rate(self.flags(derivative, init, budget))

    def table(self) -> str:
        """One line per combination: what is fixed and the success rate."""
        lines = [f"{'ReLU derivative':<17}{'init':<10}{'budget':<20}solved XOR"]
        for key, flags in zip(self.combos, self.solved, strict=True):
            d, i, b = key
            budget = (f"lr {self.lr:g}, {self.num_steps} steps" if b
                      else f"lr {LR:g}, {NUM_STEPS} steps")
            lines.append(f"{'correct' if d else 'A >= 0 (bug)':<17}"
                         f"{'He' if i else '0.001':<10}{budget:<20}{format_rate(flags)}")
        return "\n".join(lines)


def fix_table(n_seeds: int = 200, lr: float = FIXED_LR, num_steps: int = FIXED_NUM_STEPS,
              margin: float = 0.1) -> FixTable:
    """Train case E under all eight combinations of the three fixes, ``n_seeds`` seeds each,
    and return a ``FixTable`` (notebook 04).

    For each seed, all eight runs start from the same weights: the sweep engine's initial
    weights for that seed and initialisation. Success means every output is on the right side
    of 0.5 by more than ``margin`` at the end (outputs stuck at 0.5 +- 1e-9 do not count).
    """
    n_seeds = check_int("n_seeds", n_seeds, low=1, high=100_000)
    lr = check_float("lr", lr, low=0.0, low_open=True)
    num_steps = check_int("num_steps", num_steps, low=1, high=10**6)
    margin = check_float("margin", margin, low=0.0, high=0.5)
    X, y = truth_table()
    inits_budgets = list(itertools.product((False, True), repeat=2))
    configs = [sweep_config(i, b, lr, num_steps) for i, b in inits_budgets]
    result = sweep.train(configs, n_seeds)
    combos, rows = [], []
    for derivative in (False, True):
        for k, (init, budget) in enumerate(inits_budgets):
            group = result.for_config(k)
            if derivative:
                flags = solved(group, margin)
            else:
                net = scratch.from_weights(group.stacked_weights(initial=True), "relu",
                                           relu_grad=buggy_relu_derivative)
                steps = configs[k].num_steps
                scratch.train(net, X, y, configs[k].lr, steps, record_every=steps)
                flags = scratch.solved(net, X, y, margin=margin)
            combos.append((derivative, init, budget))
            rows.append(flags)
    return FixTable(tuple(combos), np.array(rows), margin, lr, num_steps)
