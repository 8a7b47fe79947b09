"""``Feed``: the batches each network of a group trains on, step after step, shared by both
engines (the NumPy engine draws them from it; the compiled one reads its data, weights and
minibatch settings and draws the same orders in compiled code). Notebook 03.
"""

from __future__ import annotations

import math

import numpy as np

from ..data import truth_table
from .result import DTYPE
from .streams import hash_keys


class Feed:
    """The batches each network trains on, step after step.

    Full batch: the data, shared. Minibatches: every network shuffles the data afresh each
    epoch (order from its seed only) and takes consecutive slices. When the data hold few
    distinct (x, y) rows, as case B's 1,000 pairs of bits do, a batch is given as per-row
    weights over those distinct rows, which costs no more than full-batch training."""

    def __init__(self, X, y, batch_size: int | None, seeds: np.ndarray):
        self.n = len(X)
        self.seeds = seeds
        self.full = batch_size is None or batch_size >= self.n
        self.batch_size = self.n if self.full else batch_size
        self.per_epoch = math.ceil(self.n / self.batch_size)
        rows, inverse = np.unique(np.column_stack([X, y]), axis=0, return_inverse=True)
        self.few = len(rows) <= 8
        if self.full or self.few:
            self.X = (rows[:, :2] if self.few else X).astype(DTYPE)
            self.y = (rows[:, 2] if self.few else y).astype(DTYPE)[:, None]
        else:
            self.X, self.y = X.astype(DTYPE), y.astype(DTYPE)
        self.inverse = inverse.reshape(-1)
        counts = np.bincount(self.inverse, minlength=len(rows)).astype(DTYPE)
        self.full_weight = (counts / self.n)[:, None] if self.few else DTYPE(1 / self.n)
        X4, _ = truth_table()
        self.is_truth_table = self.full and self.X.shape == (4, 2) and bool(
            (self.X == X4).all()) and bool((np.asarray(self.full_weight) == 0.25).all())
        self.X = with_ones(self.X)
        self.order = None
        self.epoch = -1

    def next(self, step: int):
        """(X, y, weight) for the given step."""
        if self.full:
            return self.X, self.y, self.full_weight
        epoch, pos = divmod(step, self.per_epoch)
        if epoch != self.epoch:  # a new epoch, or the first step of a continued run
            self.epoch = epoch
            self.order = np.argsort(hash_keys(self.seeds, epoch, self.n), axis=1)
            if self.few:
                self.epoch_weights = self._row_weights(self.order)
        if self.few:
            return self.X, self.y, self.epoch_weights[pos]
        rows = self.order[:, pos * self.batch_size:(pos + 1) * self.batch_size]
        size = rows.shape[1]
        Xb = np.ascontiguousarray(self.X[rows].transpose(1, 2, 0))  # (size, 3, M)
        return Xb, np.ascontiguousarray(self.y[rows].T), DTYPE(1 / size)

    def _row_weights(self, order: np.ndarray) -> np.ndarray:
        """Every batch of an epoch as weights over the distinct rows: (steps, rows, M)."""
        M, B, steps = len(order), self.batch_size, self.per_epoch
        ids = np.full((M, steps * B), -1)
        ids[:, :self.n] = self.inverse[order]  # distinct-row id of each visited row
        ids = ids.reshape(M, steps, B)
        sizes = np.minimum(B, self.n - B * np.arange(steps)).astype(DTYPE)  # last may be short
        counts = np.stack([(ids == r).sum(axis=2) for r in range(len(self.X))])  # (rows, M, steps)
        return np.ascontiguousarray((counts / sizes).astype(DTYPE).transpose(2, 0, 1))



def with_ones(X: np.ndarray) -> np.ndarray:
    """X (n, 2) with a column of ones appended: (n, 3), the input of a layer block."""
    return np.column_stack([X, np.ones(len(X), X.dtype)])
