"""What a sweep returns: ``SweepResult``, and ``GroupRun``, what an engine hands it.

An engine trains one group of networks (one architecture, optimizer, loss, batch size and
step budget) and returns a ``GroupRun``: the logits on the four XOR points at every recorded
step, the initial and final weights, the dead units and whether all parameters stayed finite.
``SweepResult.from_runs`` derives everything else (losses, accuracy, solved flag and step,
divergence) from those in one place, so both engines are measured the same way.
Introduced in notebook 03.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .._check import check_choice, check_int
from ..data import truth_table
from ..maths import bce_with_logits, logistic, solved_fast, squared_error_with_logits
from ..stats import rate as _rate
from .config import Config

FLAGS = ("solved", "failed", "diverged")
DTYPE = np.float32

Stack = list[tuple[np.ndarray, np.ndarray]]  # per layer (W (m, in, out), b (m, out))


@dataclass(frozen=True)
class GroupRun:
    """One engine's results for m networks of one group, model axis first.

    ``logits`` (m, records, 4) float32: the output logits on the four XOR points at each
    recorded step (``curve_steps``) and, last, after the final step; ``initial`` / ``final``:
    per layer W (m, fan_in, fan_out) and b (m, fan_out), float32; ``dead_units_init`` /
    ``dead_units`` (m,) int: hidden ReLUs off on all four points at the start / end;
    ``finite`` (m,) bool: every parameter finite at the end; ``moments`` (m, n_params) x 2
    float32: the optimizer's first and second moments at the end (zeros where the optimizer
    keeps none), parameters in the flat order of ``flatten``."""

    logits: np.ndarray
    initial: Stack
    final: Stack
    dead_units_init: np.ndarray
    dead_units: np.ndarray
    finite: np.ndarray
    moments: tuple[np.ndarray, np.ndarray]


def flatten(stack: Stack) -> np.ndarray:
    """Per layer (W (m, in, out), b (m, out)) as one float32 array (m, n_params): per layer
    the kernel row by row, then the bias (the engines' parameter order)."""
    m = len(stack[0][0])
    return np.concatenate([a.reshape(m, -1) for pair in stack for a in pair],
                          axis=1).astype(DTYPE)


@dataclass(frozen=True)
class TrainState:
    """Where training stopped, everything needed to go on exactly: per network its weights,
    its optimizer's moments and the number of steps done (which also fixes the position in
    its minibatch order). ``SweepResult.state``; pass it as ``train(..., resume=state)``.

    Networks are stored by group (``group`` and ``row`` say where network i is); ``configs``,
    ``config_index`` and ``seeds`` are those of the result, ``steps`` (M,) the steps done and
    ``data_key`` a digest of the training data the steps were taken on."""

    configs: tuple[Config, ...]
    config_index: np.ndarray
    seeds: np.ndarray
    steps: np.ndarray
    data_key: str
    weights: WeightTable
    moments: list[tuple[np.ndarray, np.ndarray]]

    def __len__(self) -> int:
        return len(self.seeds)

    def subset(self, idx: np.ndarray, configs: tuple[Config, ...],
               remap: np.ndarray) -> TrainState:
        """The networks at positions ``idx``, in that order, with config c renamed remap[c]
        in the new tuple ``configs``."""
        return TrainState(configs, remap[self.config_index[idx]], self.seeds[idx],
                          self.steps[idx], self.data_key, self.weights.subset(idx),
                          self.moments)

    def gather(self, idx: np.ndarray):
        """(weights per layer stacked, (first moments, second moments) (m, n_params)) of the
        networks at positions ``idx``, which must share one architecture."""
        table = self.weights.subset(idx)
        group, row = table._group, table._row
        n = self.moments[group[0]][0].shape[1]
        m1, m2 = np.empty((len(idx), n), DTYPE), np.empty((len(idx), n), DTYPE)
        for g in np.unique(group):
            mine = group == g
            m1[mine] = self.moments[g][0][row[mine]]
            m2[mine] = self.moments[g][1][row[mine]]
        return table.stacked(), (m1, m2)


class WeightTable(Sequence):
    """Weights of many networks, stored stacked by group; ``table[i]`` is network i's list of
    ``(W, b)`` per layer, W (fan_in, fan_out) and b (fan_out,), float32."""

    def __init__(self, stacks: list, group: np.ndarray, row: np.ndarray):
        self._stacks, self._group, self._row = stacks, group, row

    def __len__(self) -> int:
        return len(self._group)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = range(len(self))[i]  # bounds check, negative indices
        g, r = self._group[i], self._row[i]
        return [(W[r], b[r]) for W, b in self._stacks[g]]

    def subset(self, idx: np.ndarray) -> WeightTable:
        """The networks at positions ``idx``, in that order."""
        return WeightTable(self._stacks, self._group[idx], self._row[idx])

    def stacked(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per layer (W (M, in, out), b (M, out)); needs one architecture for all networks."""
        if not len(self):
            raise ValueError("stacked weights need at least one network; the selection is empty")
        groups = np.unique(self._group)
        shapes = {tuple(W.shape[1:] for W, _ in self._stacks[g]) for g in groups}
        if len(shapes) != 1:
            raise ValueError("stacked weights need networks of one architecture; got layer "
                             f"shapes {sorted(shapes)}; select one config first")
        out = []
        for k in range(len(self._stacks[groups[0]])):
            W = np.empty((len(self), *self._stacks[groups[0]][k][0].shape[1:]), DTYPE)
            b = np.empty((len(self), *self._stacks[groups[0]][k][1].shape[1:]), DTYPE)
            for g in groups:
                mine = self._group == g
                W[mine] = self._stacks[g][k][0][self._row[mine]]
                b[mine] = self._stacks[g][k][1][self._row[mine]]
            out.append((W, b))
        return out


@dataclass(frozen=True)
class SweepResult:
    """Per-network results of ``train``; network ``i`` is (``configs[config_index[i]]``,
    ``seeds[i]``). Notebook 03.

    Arrays of length M (number of networks), all evaluated on the four XOR points:
    ``final_loss`` (the config's loss), ``outputs`` (M, 4) final sigmoid outputs,
    ``accuracy`` (fraction of the 4 points classified right, an output above 0.5 meaning 1),
    ``solved`` (all 4 on the right side of 0.5 at the end, ``maths.solved`` with margin 0),
    ``solved_step`` (first recorded step at which all 4 were, -1 if never),
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
    state: TrainState

    @classmethod
    def from_runs(cls, configs: tuple[Config, ...], config_index: np.ndarray,
                  seeds: np.ndarray, curve_steps: np.ndarray,
                  runs: list[tuple[np.ndarray, GroupRun]], data_key: str = "") -> SweepResult:
        """Assemble the result from each group's ``GroupRun`` and the positions ``idx`` of its
        networks: every derived field is computed here, for both engines alike.
        ``curve_steps`` starts at the step the networks started from (0 for fresh ones)."""
        M, K = len(config_index), len(curve_steps)
        every = int(curve_steps[1] - curve_steps[0]) if K > 1 else 1
        final_loss, outputs = np.full(M, np.nan), np.full((M, 4), np.nan)
        solved_step, loss_curve = np.full(M, -1), np.full((M, K), np.nan)
        dead, dead_init = np.zeros(M, dtype=int), np.zeros(M, dtype=int)
        diverged = np.zeros(M, dtype=bool)
        group, row = np.zeros(M, dtype=int), np.zeros(M, dtype=int)
        _, y4 = truth_table()
        with np.errstate(all="ignore"):
            for g, (idx, run) in enumerate(runs):
                losses = loss_from_logits(configs[config_index[idx[0]]].loss, run.logits, y4)
                right = solved_from_logits(run.logits, y4)  # (m, R)
                outputs[idx] = logistic(run.logits[:, -1])
                loss_curve[idx, :losses.shape[1]] = losses
                final_loss[idx] = losses[:, -1]
                solved_step[idx] = np.where(right.any(axis=1),
                                            curve_steps[0] + right.argmax(axis=1) * every, -1)
                dead[idx], dead_init[idx] = run.dead_units, run.dead_units_init
                diverged[idx] = ~run.finite | ~np.isfinite(run.logits[:, -1]).all(axis=1) \
                    | ~np.isfinite(losses[:, -1])
                group[idx], row[idx] = g, np.arange(len(idx))
        right = (outputs > 0.5) == (y4 > 0.5)
        final = WeightTable([r.final for _, r in runs], group, row)
        done = curve_steps[0] + np.array([c.num_steps for c in configs])[config_index]
        state = TrainState(configs, config_index, seeds, done, data_key, final,
                           [r.moments for _, r in runs])
        return cls(configs=configs, config_index=config_index, seeds=seeds,
                   final_loss=final_loss, outputs=outputs, accuracy=right.mean(axis=1),
                   solved=solved_fast(outputs, y4, 0.0) & ~diverged,
                   solved_step=np.where(diverged, -1, solved_step), dead_units=dead,
                   dead_units_init=dead_init, diverged=diverged, loss_curve=loss_curve,
                   curve_steps=curve_steps,
                   initial_weights=WeightTable([r.initial for _, r in runs], group, row),
                   final_weights=final, state=state)

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
            final_weights=self.final_weights.subset(idx),
            state=self.state.subset(idx, tuple(self.configs[c] for c in keep), remap))


def loss_from_logits(loss: str, z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean loss over the points, computed in float64 from logits z (..., 4) and targets
    y (4,): shape (...). ``maths.bce_with_logits`` or ``maths.squared_error_with_logits``,
    piece by piece along the first axis (the pieces' temporaries stay in the cache), the
    pieces of a large z split over threads (NumPy releases the GIL in its loops); each value
    is computed alone, so the split changes no bit."""
    per_point = squared_error_with_logits if loss == "mse" else bce_with_logits
    if z.ndim < 2:
        return per_point(z.astype(np.float64), y).mean(axis=-1)
    out = np.empty(z.shape[:-1])
    step = max(1, PIECE // max(1, z[:1].size))  # networks per piece

    def fill(part: slice) -> None:
        for a in range(part.start, part.stop, step):  # pieces whose temporaries stay cached
            b = min(a + step, part.stop)
            out[a:b] = per_point(z[a:b].astype(np.float64), y).mean(axis=-1)

    parts = _parts(len(z), z.size)
    if len(parts) == 1:
        fill(parts[0])
    else:
        list(thread_pool().map(fill, parts))
    return out


SPLIT_SIZE = 2**16  # fewest values per thread worth splitting a loss computation for
PIECE = 2**16  # values per piece of a loss computation (float64 temporaries of 512 KiB: level 2)


def _parts(n: int, size: int) -> list[slice]:
    """At most one slice of range(n) per core, each of at least SPLIT_SIZE values."""
    k = max(1, min(cores(), size // SPLIT_SIZE, n))
    edges = [n * i // k for i in range(k + 1)]
    return [slice(a, b) for a, b in zip(edges[:-1], edges[1:], strict=True)]


def cores() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@lru_cache(maxsize=1)
def thread_pool() -> ThreadPoolExecutor:
    """The sweep's threads, one per usable core, shared by the compiled engine's chunks (its
    loop releases the GIL) and the loss curves' pieces (NumPy's loops release it too)."""
    return ThreadPoolExecutor(max_workers=cores())


def solved_from_logits(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``maths.solved`` (margin 0) of the float32 outputs ``sigmoid(z)`` for float32 logits
    z (..., 4) and targets y (4,): shape (...). The float32 output is a non-decreasing
    function of z (a correctly rounded exp, an addition and a division, each monotone), so
    it is above 0.5 exactly for z above one float32 number and below 0.5 exactly for z below
    another (``_half_bounds``, found once by bisection on the output itself): the same
    answer as computing every output, two comparisons per logit instead of an exp (NaN is
    on neither side, as its output is not)."""
    above, below = _half_bounds()
    with np.errstate(invalid="ignore"):
        out = None
        for k in range(z.shape[-1]):  # faster than .all(axis=-1) over 4 points
            zk = z[..., k]
            right = zk > above if y[k] > 0.5 else zk < below
            out = right if out is None else np.logical_and(out, right, out=out)
        return out


@lru_cache(maxsize=1)
def _half_bounds() -> tuple[np.float32, np.float32]:
    """(above, below): the float32 output ``logistic(z)`` of a float32 z is > 0.5 exactly
    when z > above, and < 0.5 exactly when z < below. Found by bisection over the float32
    numbers in order (as integers), asking ``logistic`` itself, and checked on both sides."""

    def first(pred) -> np.float32:
        """The least float32 z in [-1, 1] with pred(logistic(z)) (pred monotone in z)."""
        lo, hi = _ordered(np.float32(-1)), _ordered(np.float32(1))  # pred false at lo, true at hi
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if pred(logistic(_unordered(mid))):
                hi = mid
            else:
                lo = mid
        return _unordered(hi)[0]

    up = first(lambda p: p > 0.5)  # least z with output above 0.5
    half = first(lambda p: p >= 0.5)  # least z with output not below 0.5
    above = np.nextafter(up, np.float32(-np.inf))
    below = half
    for z, want in ((above, False), (up, True)):
        assert bool(logistic(np.float32([z]))[0] > 0.5) == want
    for z, want in ((np.nextafter(below, np.float32(-np.inf)), True), (below, False)):
        assert bool(logistic(np.float32([z]))[0] < 0.5) == want
    return above, below


def _ordered(x: np.float32) -> int:
    """The float32 x as an integer in the order of the numbers (-0 and 0 next to each other)."""
    bits = int(np.array([x], np.float32).view(np.int32)[0])
    return bits if bits >= 0 else -(bits & 0x7FFFFFFF) - 1


def _unordered(i: int) -> np.float32:
    """The float32 of ``_ordered``'s integer i, as an array of one number."""
    bits = i if i >= 0 else -(i + 1) | -0x80000000
    return np.array([bits], np.int32).view(np.float32)
