"""The compiled engine of ``xorhelpers.sweep.train`` (the default when numba is installed).

The NumPy engine spends its time in per-call overhead (about 45 array calls per step, each
over only M numbers); this engine hands a whole group to compiled loops (``fast_kernel``)
that run every step of every network without returning to Python, split into chunks over
threads (one per core; the compiled code releases the GIL). It performs the NumPy engine's
float32 operations in the same order, with the same correctly rounded exp and tanh, and no
fast-math, so the two engines agree bit for bit (tested), on any processor. Compiled code is
cached on disk (numba's ``cache=True``): in ``__pycache__`` beside the sources, or, where
that is not writable (an installed, read-only package), in numba's per-user cache directory;
``NUMBA_CACHE_DIR`` chooses another place. Notebook 03.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np

from ..keras_constants import ADAM_BETA_1, ADAM_BETA_2, EPSILON, LEAKY_SLOPE, RMSPROP_RHO
from .config import Config
from .fast_kernel import FEW, FULL, GATHER, train_chunk
from .numpy_engine import Feed
from .result import DTYPE, GroupRun

ACT_CODES = {"relu": 0, "leaky_relu": 1, "sigmoid": 2, "tanh": 3, "linear": 4}
LOSS_CODES = {"binary_crossentropy": 0, "mse": 1}
OPT_CODES = {"sgd": 0, "momentum": 1, "rmsprop": 2, "adam": 3}
@lru_cache(maxsize=32)
def _alphas(optimizer: str, num_steps: int) -> np.ndarray:
    """Adam's step size factor sqrt(1 - beta_2^t) / (1 - beta_1^t) per step t = 1, 2, ...,
    computed as the NumPy engine does (Python floats) and rounded to float32."""
    if optimizer != "adam":
        return np.zeros(num_steps, DTYPE)
    out = np.array([math.sqrt(1 - ADAM_BETA_2 ** t) / (1 - ADAM_BETA_1 ** t)
                    for t in range(1, num_steps + 1)], dtype=np.float64).astype(DTYPE)
    out.setflags(write=False)
    return out


CONSTANTS = np.array([1 - ADAM_BETA_1, 1 - ADAM_BETA_2, RMSPROP_RHO, 1 - RMSPROP_RHO,
                      EPSILON, LEAKY_SLOPE], dtype=DTYPE)
CHUNK = 512  # most networks per compiled call (their working set stays in the caches)
MIN_CHUNK = 64  # fewest networks per call worth a thread of their own
X4 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=DTYPE)


def train_group(configs: list[Config], seeds: np.ndarray, start, X, y,
                record_every: int) -> GroupRun:
    """Train networks that share architecture, optimizer, loss, batch size and step budget,
    one per (config, seed, start weights); return their ``GroupRun``."""
    first = configs[0]
    M, sizes = len(configs), np.array(first.layer_sizes, dtype=np.int64)
    blocks = [(a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    offs = np.concatenate([[0], np.cumsum(blocks)]).astype(np.int64)
    P = np.empty((M, offs[-1]), DTYPE)
    for k, (W, b) in enumerate(start):
        fan_in, fan_out = W.shape[1:]
        P[:, offs[k]:offs[k] + fan_in * fan_out] = W.reshape(M, -1)
        P[:, offs[k] + fan_in * fan_out:offs[k + 1]] = b
    initial = _unflatten(P, sizes, offs)
    feed = Feed(X, y, first.batch_size, seeds)
    mode = FULL if feed.full else FEW if feed.few else GATHER
    data = np.ascontiguousarray(feed.X[:, :2])
    targets = np.ascontiguousarray(feed.y.reshape(-1))
    wfull = np.broadcast_to(np.asarray(feed.full_weight, DTYPE).reshape(-1),
                            (len(data),)).copy()
    codes = np.array([ACT_CODES[first.activation], LOSS_CODES[first.loss],
                      OPT_CODES[first.optimizer], mode, feed.batch_size, feed.per_epoch,
                      first.num_steps, record_every, int(feed.is_truth_table)], np.int64)
    lr = np.array([c.lr for c in configs], DTYPE)
    mom = np.array([c.momentum for c in configs], DTYPE)
    seeds = np.asarray(seeds).astype(np.uint64)
    alphas = _alphas(first.optimizer, first.num_steps)
    inverse = feed.inverse.astype(np.int64)
    records = first.num_steps // record_every + 1
    chunks = _chunks(M)
    parts = [np.ascontiguousarray(P[s].T) for s in chunks]  # (n_params, mc), model axis last
    logits = [np.empty((records, 4, s.stop - s.start), DTYPE) for s in chunks]
    dead = [np.zeros((2, s.stop - s.start), np.int64) for s in chunks]

    def run(i: int) -> None:
        s = chunks[i]
        train_chunk(parts[i], sizes, offs, codes, lr[s], mom[s], CONSTANTS, alphas, data,
                    targets, wfull, inverse, seeds[s], X4, logits[i], dead[i])

    if len(chunks) == 1:
        run(0)
    else:
        list(_pool().map(run, range(len(chunks))))
    P = np.concatenate(parts, axis=1).T
    logits = np.concatenate(logits, axis=-1).transpose(2, 0, 1)
    dead = np.concatenate(dead, axis=-1).T
    return GroupRun(logits=logits, initial=initial, final=_unflatten(P, sizes, offs),
                    dead_units_init=dead[:, 0], dead_units=dead[:, 1],
                    finite=np.isfinite(P).all(axis=1))


def _chunks(M: int) -> list[slice]:
    """Split M networks into near-equal chunks: at most CHUNK each, and one per core when
    each would still hold MIN_CHUNK. Results do not depend on the split."""
    n = max(-(-M // CHUNK), min(_cores(), M // MIN_CHUNK))
    size = -(-M // max(n, 1))
    return [slice(i, min(i + size, M)) for i in range(0, M, size)]


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    """Threads for the chunks (the compiled loop releases the GIL): one per usable core."""
    return ThreadPoolExecutor(max_workers=_cores())


def _unflatten(P: np.ndarray, sizes: np.ndarray, offs: np.ndarray):
    """Per layer (W (M, fan_in, fan_out), b (M, fan_out)) copies of the flat parameters."""
    out = []
    for k in range(len(sizes) - 1):
        fan_in, fan_out, o = int(sizes[k]), int(sizes[k + 1]), int(offs[k])
        out.append((P[:, o:o + fan_in * fan_out].reshape(-1, fan_in, fan_out).copy(),
                    P[:, o + fan_in * fan_out:o + (fan_in + 1) * fan_out].copy()))
    return out
