"""The NumPy engine of ``xorhelpers.sweep.train``: many networks, one array computation.

The readable reference (``train(..., engine="numpy")``): the compiled engine must agree
with it.

Layout: the model axis is LAST, so every operation runs over contiguous rows of M values,
one per network. Layer l is a block (fan_in + 1, fan_out, M): the kernel in its first fan_in
rows, the bias in the last; all blocks are views into one flat float32 array
(number of parameters, M), and the gradients and optimizer state have that same shape, so an
optimizer update is a handful of whole-array operations whatever the architecture. Each
network's numbers depend only on its own weights, data and seed, never on its neighbours.
Used through ``xorhelpers.sweep`` (notebook 03).
"""

from __future__ import annotations

import math

import numpy as np

from ..data import truth_table
from ..maths import ADAM_BETA_1 as BETA_1
from ..maths import ADAM_BETA_2 as BETA_2
from ..maths import EPSILON, LOSS_REGISTRY, REGISTRY, logistic
from ..maths import RMSPROP_RHO as RHO
from .config import Config
from .feed import Feed, with_ones
from .result import DTYPE, GroupRun


class Nets:
    """M networks of one architecture in model-last layout, with their optimizer.

    Layer l is one block (fan_in + 1, fan_out, M) of the flat parameters: the kernel W in its
    first fan_in rows, the bias b in the last, so that with a ones column appended to the
    layer's input a single contraction computes X @ W + b, and another its gradient."""

    def __init__(self, configs: list[Config], start, moments=None, t: int = 0):
        first = configs[0]
        self.activation, self.loss, self.optimizer = first.activation, first.loss, first.optimizer
        M = len(configs)
        sizes = first.layer_sizes
        shapes = [(a + 1, c, M) for a, c in zip(sizes[:-1], sizes[1:], strict=True)]
        self.P = np.empty((sum(math.prod(s[:2]) for s in shapes), M), DTYPE)
        self.G = np.zeros_like(self.P)
        self.T = np.zeros_like(self.P)  # scratch
        self.m = np.zeros_like(self.P)
        self.v = np.zeros_like(self.P)
        self.blocks, self.grads = [], []
        o = 0
        for shape, (W, b) in zip(shapes, start, strict=True):
            size = shape[0] * shape[1]
            self.blocks.append(self.P[o:o + size].reshape(shape))
            self.grads.append(self.G[o:o + size].reshape(shape))
            self.blocks[-1][:-1] = np.moveaxis(np.asarray(W), 0, -1)
            self.blocks[-1][-1] = np.asarray(b).T
            o += size
        if moments is not None:  # (M, n_params) each, model first
            self.m[...] = np.asarray(moments[0]).T
            self.v[...] = np.asarray(moments[1]).T
        self.lr = np.array([c.lr for c in configs], DTYPE)
        self.momentum = np.array([c.momentum for c in configs], DTYPE)
        self.t = t
        self._buffers: dict[tuple, np.ndarray] = {}

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Model-first copies: per layer W (M, in, out), b (M, out)."""
        return [(np.moveaxis(B[:-1], -1, 0).copy(), B[-1].T.copy()) for B in self.blocks]

    def forward(self, X):
        """Logits z (n, M), the layers' inputs with a ones column, and activation slopes.

        ``X`` is (n, 3), inputs with a ones column shared by all networks, or (n, 3, M), one
        batch per network. The slopes are d activation / d input of each hidden layer."""
        A, As, slopes = X, [X], []
        record = REGISTRY[self.activation]
        for k, B in enumerate(self.blocks[:-1]):
            Z = np.einsum("nk,kom->nom" if A.ndim == 2 else "nkm,kom->nom", A, B)
            A = self._buffer(k, Z.shape)
            A[:, :-1] = record.value(Z)
            As.append(A)
            slopes.append(record.slope(Z, A[:, :-1]))
        z = np.einsum("nkm,km->nm", A, self.blocks[-1][:, 0, :])
        return z, As, slopes

    def _buffer(self, k: int, shape: tuple) -> np.ndarray:
        """Reused (n, width + 1, M) array whose last column holds ones."""
        n, width, M = shape
        buf = self._buffers.get((k, n))
        if buf is None:
            buf = self._buffers[(k, n)] = np.empty((n, width + 1, M), DTYPE)
            buf[:, -1] = 1
        return buf

    def step(self, X, y, weight) -> np.ndarray:
        """One gradient step on the batch (X, y) with per-example ``weight`` summing to 1.

        Returns the logits on X before the step."""
        z, As, slopes = self.forward(X)
        dz = LOSS_REGISTRY[self.loss].logit_slope(logistic(z), y)
        dz *= weight
        last = len(self.blocks) - 1
        np.einsum("nkm,nm->km", As[last], dz, out=self.grads[last][:, 0, :])
        dA = np.einsum("nm,km->nkm", dz, self.blocks[last][:-1, 0, :])
        for k in range(last - 1, -1, -1):
            dZ = dA
            dZ *= slopes[k]
            spec = "nk,nom->kom" if As[k].ndim == 2 else "nkm,nom->kom"
            np.einsum(spec, As[k], dZ, out=self.grads[k])
            if k:
                dA = np.einsum("nom,kom->nkm", dZ, self.blocks[k][:-1])
        self._update()
        return z

    def _update(self) -> None:
        """The Keras 3 update rules, on all parameters of all networks at once."""
        P, G, T, m, v = self.P, self.G, self.T, self.m, self.v
        self.t += 1
        if self.optimizer == "sgd":
            G *= self.lr
            P -= G
        elif self.optimizer == "momentum":
            m *= self.momentum
            G *= self.lr
            m -= G
            P += m
        elif self.optimizer == "rmsprop":
            v *= RHO
            np.multiply(G, G, out=T)
            T *= 1 - RHO
            v += T
            np.add(v, EPSILON, out=T)
            np.sqrt(T, out=T)
            G *= self.lr
            G /= T
            P -= G
        else:
            t = self.t
            alpha = (self.lr * (math.sqrt(1 - BETA_2 ** t) / (1 - BETA_1 ** t))).astype(DTYPE)
            np.subtract(G, m, out=T)
            T *= 1 - BETA_1
            m += T
            np.multiply(G, G, out=T)
            T -= v
            T *= 1 - BETA_2
            v += T
            np.sqrt(v, out=T)
            T += EPSILON
            np.multiply(m, alpha, out=G)
            G /= T
            P -= G


def train_group(configs: list[Config], seeds: np.ndarray, start, X, y,
                record_every: int, first: int = 0, moments=None) -> GroupRun:
    """Train networks that share architecture, optimizer, loss, batch size and step budget,
    one per (config, seed, start weights); return their ``GroupRun``. ``first``: the steps
    already taken (from ``start`` and the optimizer ``moments`` (M, n_params) x 2)."""
    keep = len(configs)
    if keep == 1:
        # NumPy picks other loop orders (so other rounding) for a model axis of length 1;
        # train two identical copies so that a lone network rounds as it does in a crowd.
        configs, seeds = configs * 2, np.repeat(seeds, 2)
        start = [(np.repeat(W, 2, axis=0), np.repeat(b, 2, axis=0)) for W, b in start]
        if moments is not None:
            moments = tuple(np.repeat(m, 2, axis=0) for m in moments)
    nets = Nets(configs, start, moments, first)
    initial = nets.weights()
    feed = Feed(X, y, configs[0].batch_size, seeds)
    X4 = with_ones(truth_table()[0].astype(DTYPE))
    num_steps = configs[0].num_steps
    logits = np.empty((num_steps // record_every + 1, 4, len(configs)), DTYPE)
    with np.errstate(all="ignore"):
        _, _, slopes = nets.forward(X4)
        dead_init = _dead(nets.activation, slopes, len(configs))
        for step in range(num_steps):
            z = nets.step(*feed.next(first + step))
            if step % record_every == 0:
                logits[step // record_every] = z if feed.is_truth_table else nets.forward(X4)[0]
        logits[-1], _, slopes = nets.forward(X4)
    final = nets.weights()
    return GroupRun(logits=np.ascontiguousarray(logits.transpose(2, 0, 1)[:keep]),
                    initial=[(W[:keep], b[:keep]) for W, b in initial],
                    final=[(W[:keep], b[:keep]) for W, b in final],
                    dead_units_init=dead_init[:keep],
                    dead_units=_dead(nets.activation, slopes, len(configs))[:keep],
                    finite=np.isfinite(nets.P).all(axis=0)[:keep],
                    moments=(nets.m.T[:keep].copy(), nets.v.T[:keep].copy()))




def _dead(activation: str, slopes: list, n_models: int) -> np.ndarray:
    """Dead hidden units per network (M,): as ``maths.dead`` defines them, units of an
    activation that can die (relu) whose input is <= 0 on every point (slope 0 there)."""
    if not REGISTRY[activation].can_die:
        return np.zeros(n_models, dtype=int)
    return sum((s == 0).all(axis=0).sum(axis=0) for s in slopes)
