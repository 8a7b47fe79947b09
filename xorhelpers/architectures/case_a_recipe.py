"""Case A trained as the learner trained it (notebook 05): 50,000 random pairs at size 1,
minibatches of 32 reshuffled every epoch, Adam at Keras' default rate 1e-3, 15 epochs
(1,563 steps per epoch, 23,445 in all), replicated in NumPy for many seeds at once.

At size 1 every pair is one of the four patterns, so a minibatch is the four patterns
weighted by how often each occurs in it: the replica trains on those weights, step by step,
with the batches a real shuffled run would draw. ``train_recipe`` returns what Keras would
log per epoch (the mean loss and accuracy over the epoch's batches) and the outputs at the
start and the end; ``batch_orders`` gives the same batches as arrays, to feed Keras itself.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import maths
from .._check import check_int, check_seed
from ..data import bit_matrix_pairs
from .case_a import LEARNER, PATTERNS, Variant, flat_params, init_weights, loss_grads_outputs

N_PAIRS, BATCH_SIZE, EPOCHS, LR = 50_000, 32, 15, 1e-3
LN2 = math.log(2)
NEAR_LN2 = 0.01  # an epoch's loss within this of ln 2 ...
CHANCE = (0.45, 0.55)  # ... and its accuracy in this range: the learner's symptom
XOR_TARGETS = np.array([0.0, 1.0, 1.0, 0.0])  # of the patterns (0,0), (0,1), (1,0), (1,1)
LOGGED = range(1, 7)  # the epochs 2-7 of the learner's log after the first (0-based)


def steps_per_epoch(n_pairs: int = N_PAIRS, batch_size: int = BATCH_SIZE) -> int:
    return -(-n_pairs // batch_size)


def batch_orders(seed: int, n_pairs: int = N_PAIRS, epochs: int = EPOCHS) -> np.ndarray:
    """The pattern index (2a + b, one of 0..3) of each pair, in the order one seed's run sees
    them: (epochs, n_pairs). The pairs are ``bit_matrix_pairs(n_pairs, 1, seed)``; each epoch
    reshuffles them with its own permutation."""
    seed = check_seed("seed", seed)
    n_pairs = check_int("n_pairs", n_pairs, low=1, high=10**6)
    epochs = check_int("epochs", epochs, low=1, high=1000)
    A, B, _ = bit_matrix_pairs(n_pairs, size=1, seed=seed)
    index = (2 * A[:, 0, 0] + B[:, 0, 0]).astype(np.int8)
    gen = np.random.default_rng([seed, 11])
    return np.stack([index[gen.permutation(n_pairs)] for _ in range(epochs)])


def batch_counts(orders: np.ndarray, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """How often each pattern occurs in each minibatch: (epochs * steps_per_epoch, 4), the
    last batch of an epoch holding what is left over."""
    epochs, n = orders.shape
    hot = (orders[..., None] == np.arange(4)).astype(np.int16)
    full = n // batch_size
    counts = [hot[:, :full * batch_size].reshape(epochs, full, batch_size, 4).sum(axis=2)]
    if n % batch_size:
        counts.append(hot[:, full * batch_size:].sum(axis=1, keepdims=True))
    return np.concatenate(counts, axis=1).reshape(-1, 4)


@dataclass(frozen=True)
class RecipeRuns:
    """Seeds of case A trained with the learner's recipe (notebook 05). Per seed:
    ``epoch_loss`` and ``epoch_accuracy`` (K, epochs) as Keras logs them, ``init_output`` and
    ``final_output`` (K, 4) on the patterns (0,0), (0,1), (1,0), (1,1), ``final_loss`` on the
    seed's own pairs, and the ``variant``."""

    variant: Variant
    seeds: np.ndarray
    epoch_loss: np.ndarray
    epoch_accuracy: np.ndarray
    init_output: np.ndarray
    final_output: np.ndarray
    final_loss: np.ndarray

    def at_ln2(self) -> np.ndarray:
        """(K, epochs): the epoch's loss within 0.01 of ln 2 and its accuracy in 45-55%."""
        return ((np.abs(self.epoch_loss - LN2) < NEAR_LN2)
                & (self.epoch_accuracy >= CHANCE[0]) & (self.epoch_accuracy <= CHANCE[1]))

    @property
    def symptom(self) -> np.ndarray:
        """The learner's log: at ln 2 (and chance accuracy) in every one of epochs 2-7."""
        if self.epoch_loss.shape[1] <= max(LOGGED):
            raise ValueError(f"the symptom needs at least {max(LOGGED) + 1} epochs, these "
                             f"runs have {self.epoch_loss.shape[1]}")
        return self.at_ln2()[:, list(LOGGED)].all(axis=1)

    @property
    def symptom_to_end(self) -> np.ndarray:
        """The symptom, and still at ln 2 in the last epoch."""
        return self.symptom & self.at_ln2()[:, -1]

    @property
    def solved(self) -> np.ndarray:
        """All four patterns on the right side of 0.5 at the end (``maths.solved``)."""
        return maths.solved(self.final_output, XOR_TARGETS)

    @property
    def dead_init(self) -> np.ndarray:
        """A ReLU output that is 0 on all four patterns at the start (``maths.dead``)."""
        return _dead_output(self.variant, self.init_output)

    @property
    def dead(self) -> np.ndarray:
        """A ReLU output that is 0 on all four patterns at the end (``maths.dead``)."""
        return _dead_output(self.variant, self.final_output)

    @property
    def init_spread(self) -> np.ndarray:
        """How much the output varies over the four patterns at the start (max - min)."""
        return self.init_output.max(axis=1) - self.init_output.min(axis=1)


def _dead_output(variant: Variant, outputs: np.ndarray) -> np.ndarray:
    """Per seed, the output unit is dead on the four patterns (its input <= 0 on all four: for
    a ReLU output, the output is 0 on all four)."""
    return maths.dead(variant.output, np.asarray(outputs)[..., None])[..., 0]


def train_recipe(seeds, variant: Variant = LEARNER, *, epochs: int = EPOCHS,
                 n_pairs: int = N_PAIRS, batch_size: int = BATCH_SIZE, lr: float = LR,
                 initial=None) -> RecipeRuns:
    """Train one size-1 network of ``variant`` per seed with the learner's recipe (notebook
    05): its own ``n_pairs`` pairs, minibatches of ``batch_size`` reshuffled every epoch,
    Adam (Keras 3's update, epsilon 1e-7) at ``lr``, ``epochs`` epochs. ``initial`` (a list
    of (W, b) with a leading seed axis, e.g. from ``case_a.weights_from_keras``) replaces the
    replica's own Glorot draw. Returns ``RecipeRuns``."""
    if not isinstance(variant, Variant):
        raise TypeError(f"variant must be a case_a.Variant, got {type(variant).__name__}")
    seeds = np.asarray([check_seed("seeds", int(s)) for s in np.asarray(seeds).reshape(-1)])
    if seeds.size == 0:
        raise ValueError("seeds must hold at least one seed")
    epochs = check_int("epochs", epochs, low=1, high=1000)
    batch_size = check_int("batch_size", batch_size, low=1, high=n_pairs)
    if not (isinstance(lr, (int, float)) and lr > 0):
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    K, spe = len(seeds), steps_per_epoch(n_pairs, batch_size)
    orders = [batch_orders(int(s), n_pairs, epochs) for s in seeds]
    counts = np.stack([batch_counts(o, batch_size) for o in orders])  # (K, steps, 4)
    share = np.stack([(o[0][:, None] == np.arange(4)).mean(axis=0) for o in orders])
    sizes = counts[0].sum(axis=1).astype(np.float64)
    start = initial if initial is not None else init_weights(variant, seeds)
    if start[0][0].shape[0] != K:
        raise ValueError(f"initial must hold weights for {K} seeds, got "
                         f"{start[0][0].shape[0]}")
    theta, params = flat_params([(W.astype(np.float64), b.astype(np.float64))
                                  for W, b in start])
    X, y = PATTERNS, XOR_TARGETS
    right_if_high = y > 0.5
    init_output = loss_grads_outputs(params, variant, X, y)[2]
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    loss_sum = np.zeros((K, epochs))
    acc_sum = np.zeros((K, epochs))
    for t in range(counts.shape[1]):
        w = counts[:, t] / sizes[t]
        loss, grads, p = loss_grads_outputs(params, variant, X, y, w)
        e = t // spe
        loss_sum[:, e] += loss * sizes[t]
        acc_sum[:, e] += (((p > 0.5) == right_if_high) * counts[:, t]).sum(axis=1)
        g = np.concatenate([part.reshape(K, -1) for layer in grads for part in layer], axis=1)
        maths.adam_update(theta, g, m, v, t + 1, lr)
    final_loss, _, final_output = loss_grads_outputs(params, variant, X, y, share)
    return RecipeRuns(variant, seeds, loss_sum / n_pairs, acc_sum / n_pairs, init_output,
                      final_output, final_loss)


_FIELDS = ("epoch_loss", "epoch_accuracy", "init_output", "final_output", "final_loss")


def to_dict(runs: RecipeRuns) -> dict:
    """``runs`` as plain lists (6 decimals), for a JSON file a notebook can quote."""
    v = runs.variant
    return {"variant": dict(merge_width=v.merge_width, hidden=v.hidden, output=v.output,
                            label=v.label, init=v.init),
            "seeds": runs.seeds.tolist(),
            **{name: np.round(getattr(runs, name), 6).tolist() for name in _FIELDS}}


def from_dict(data: dict) -> RecipeRuns:
    """The ``RecipeRuns`` that ``to_dict`` wrote."""
    if not isinstance(data, dict) or "variant" not in data:
        raise ValueError("data must be a dict written by case_a_recipe.to_dict")
    return RecipeRuns(Variant(**data["variant"]), np.asarray(data["seeds"]),
                      *(np.asarray(data[name], dtype=np.float64) for name in _FIELDS))


#: Where `benchmarks/case_a.py` stores its runs: the repository's benchmarks/results folder.
RESULTS_DIR = (Path(__file__).resolve().parents[__name__.count(".")]  # the repository root
               / "benchmarks" / "results")


def stored_results(name: str) -> dict | list:
    """The JSON that `benchmarks/case_a.py` stored as ``name`` ("case_a_recipe.json" or
    "case_a_keras.json"), found from the package's own location so that a notebook reads it
    wherever its kernel was started (notebook 05)."""
    if name not in ("case_a_recipe.json", "case_a_keras.json"):
        raise ValueError(f"name must be 'case_a_recipe.json' or 'case_a_keras.json', got {name!r}")
    path = RESULTS_DIR / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `python benchmarks/case_a.py` from the "
                                "repository root (with --keras 8 for case_a_keras.json)")
    return json.loads(path.read_text())
