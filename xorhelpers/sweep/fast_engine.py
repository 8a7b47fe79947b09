"""The compiled engine of ``xorhelpers.sweep.train`` (the default when numba is installed).

The NumPy engine spends its time in per-call overhead (about 45 array calls per step, each
over only M numbers); this engine hands a whole group to compiled loops (``fast_kernel``)
that run every step of every network without returning to Python: the networks in blocks
(networks in the contiguous last axis, so that each vector instruction advances many), the
blocks split into chunks over threads (one per core; the compiled code releases the GIL).
It performs the NumPy engine's
float32 operations in the same order, with the same correctly rounded exp and tanh, and no
fast-math, so the two engines agree bit for bit (tested), on any processor. Compiled code is
cached on disk (numba's ``cache=True``): in ``__pycache__`` beside the sources, or, where
that is not writable (an installed, read-only package), in numba's per-user cache directory;
``NUMBA_CACHE_DIR`` chooses another place. Notebook 03.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from concurrent.futures import wait
from functools import lru_cache

import numpy as np

from ..maths import (
    ADAM_BETA_1,
    ADAM_BETA_2,
    EPSILON,
    LEAKY_SLOPE,
    LOSSES,
    REGISTRY,
    RMSPROP_RHO,
    loss,
)
from . import fast_kernel
from .config import Config
from .fast_kernel import FEW, FULL, GATHER, evaluate, train_steps
from .feed import Feed
from .result import DTYPE, GroupRun, cores, flatten, thread_pool

# the kernel branches on these codes; their one home is the registry (xorhelpers.maths)
ACT_CODES = {name: record.code for name, record in REGISTRY.items()}
LOSS_CODES = {name: loss(name).code for name in LOSSES}
OPT_CODES = {"sgd": 0, "momentum": 1, "rmsprop": 2, "adam": 3}

@lru_cache(maxsize=32)
def _alphas(optimizer: str, first: int, num_steps: int) -> np.ndarray:
    """Adam's step size factor sqrt(1 - beta_2^t) / (1 - beta_1^t) per step t = first + 1,
    ..., first + num_steps, computed as the NumPy engine does (Python floats) and rounded to
    float32. Once beta_1^t and beta_2^t are too small to change 1 - beta^t (t near 37,000)
    the factor is exactly 1 for good: the array stops there, and the kernel reads its last
    entry for every later step."""
    if optimizer != "adam":
        return np.zeros(1, DTYPE)
    out = []
    for t in range(first + 1, first + num_steps + 1):
        keep_1, keep_2 = 1 - ADAM_BETA_1 ** t, 1 - ADAM_BETA_2 ** t
        out.append(math.sqrt(keep_2) / keep_1)
        if keep_1 == 1.0 and keep_2 == 1.0:
            break
    out = np.array(out, dtype=np.float64).astype(DTYPE)
    out.setflags(write=False)
    return out


CONSTANTS = np.array([1 - ADAM_BETA_1, 1 - ADAM_BETA_2, RMSPROP_RHO, 1 - RMSPROP_RHO,
                      EPSILON, LEAKY_SLOPE], dtype=DTYPE)
LANES = fast_kernel.LANES  # most networks per block (the kernel's vector loops)
VECTOR = 64  # a block's networks are a multiple of this (the compiled vector loops' stride)
BLOCK_BYTES = 2**18  # a block's parameters, gradients and moments fit in this (level 2 cache)
MIN_CHUNK = 64  # fewest networks per call worth a thread of their own
X4 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=DTYPE)


def train_group(configs: list[Config], seeds: np.ndarray, start, X, y,
                record_every: int, first: int = 0, moments=None) -> GroupRun:
    """Train networks that share architecture, optimizer, loss, batch size and step budget,
    one per (config, seed, start weights); return their ``GroupRun``. ``first``: the steps
    already taken (from ``start`` and the optimizer ``moments`` (M, n_params) x 2).

    The networks go to the kernel in blocks of LANES (the last block padded with copies of
    the last network, whose results are dropped), the blocks split into one chunk per core.
    The work is cut into calls of at most about SLICE_S seconds each, between which an
    interrupt (Jupyter's Interrupt button, Ctrl-C) stops it: no thread is left running."""
    head = configs[0]
    M, sizes = len(configs), np.array(head.layer_sizes, dtype=np.int64)
    offs = np.concatenate([[0], np.cumsum([(a + 1) * b for a, b in
                                           zip(sizes[:-1], sizes[1:], strict=True)])])
    offs = offs.astype(np.int64)
    P = flatten(start)
    initial = _unflatten(P, sizes, offs)
    feed = Feed(X, y, head.batch_size, seeds)
    mode = FULL if feed.full else FEW if feed.few else GATHER
    data = np.ascontiguousarray(feed.X[:, :2])
    targets = np.ascontiguousarray(feed.y.reshape(-1))
    wfull = np.broadcast_to(np.asarray(feed.full_weight, DTYPE).reshape(-1),
                            (len(data),)).copy()
    num_steps = head.num_steps
    codes = np.array([ACT_CODES[head.activation], LOSS_CODES[head.loss],
                      OPT_CODES[head.optimizer], mode, feed.batch_size, feed.per_epoch,
                      num_steps, record_every, int(feed.is_truth_table), first], np.int64)
    act = int(codes[0])
    lr = np.array([c.lr for c in configs], DTYPE)
    mom = np.array([c.momentum for c in configs], DTYPE)
    seeds = np.asarray(seeds).astype(np.uint64)
    alphas = _alphas(head.optimizer, first, num_steps)
    inverse = feed.inverse.astype(np.int64)
    records = num_steps // record_every + 1
    if moments is None:
        moments = (np.zeros_like(P), np.zeros_like(P))
    jobs = []
    chunks, lanes = _chunks(M, P.shape[1])
    size = -(-(chunks[0].stop - chunks[0].start) // lanes) * lanes  # networks of a full chunk
    # the logits, network first, written by the kernel where the result wants them; every
    # chunk but the last is whole blocks, so the chunks' parts are consecutive
    logits = np.empty((len(chunks) * size, records, 4), DTYPE)
    for i, s in enumerate(chunks):
        m = s.stop - s.start
        blocks = -(-m // lanes)
        jobs.append(dict(P=_to_blocks(P[s], lanes), Mo=_to_blocks(moments[0][s], lanes),
                         V=_to_blocks(moments[1][s], lanes), lr=_to_blocks(lr[s], lanes),
                         mom=_to_blocks(mom[s], lanes), seeds=_to_blocks(seeds[s], lanes),
                         logits=logits[i * size:i * size + blocks * lanes],
                         dead=np.zeros((2, blocks, lanes), np.int64),
                         order=np.zeros((blocks, len(inverse), lanes), np.int64),
                         order_epoch=np.full(blocks, -1, np.int64), m=m))

    def begin(job) -> None:
        evaluate(job["P"], sizes, offs, act, CONSTANTS[5], X4, job["logits"], -1,
                 job["dead"][0])

    def steps(job, a: int, b: int) -> None:
        train_steps(job["P"], job["Mo"], job["V"], sizes, offs, codes, job["lr"], job["mom"],
                    CONSTANTS, alphas, data, targets, wfull, inverse, job["seeds"], X4,
                    job["logits"], job["order"], job["order_epoch"], a, b)

    def end(job) -> None:
        evaluate(job["P"], sizes, offs, act, CONSTANTS[5], X4, job["logits"],
                 num_steps // record_every, job["dead"][1])

    per_step = max(len(job["seeds"]) * lanes for job in jobs) * P.shape[1] * feed.batch_size
    most = max(1, SLICE_WORK // per_step)
    run_sliced(jobs, num_steps, begin, steps, end, most)

    def gather(name: str) -> np.ndarray:
        return np.concatenate([_from_blocks(job[name], job["m"]) for job in jobs])

    P = gather("P")
    dead = np.concatenate([_from_blocks(job["dead"].transpose(1, 0, 2), job["m"])
                           for job in jobs])  # (M, 2)
    return GroupRun(logits=logits[:M], initial=initial, final=_unflatten(P, sizes, offs),
                    dead_units_init=dead[:, 0], dead_units=dead[:, 1],
                    finite=np.isfinite(P).all(axis=1), moments=(gather("Mo"), gather("V")))


def _to_blocks(a: np.ndarray, lanes: int) -> np.ndarray:
    """Networks (m, ...) as blocks (ceil(m / lanes), ..., lanes), networks in the last,
    contiguous axis; the last block filled up with copies of the last network."""
    pad = -len(a) % lanes
    if pad:
        a = np.concatenate([a, np.repeat(a[-1:], pad, axis=0)])
    blocks = a.reshape(len(a) // lanes, lanes, *a.shape[1:])
    return np.ascontiguousarray(np.moveaxis(blocks, 1, -1))


def _from_blocks(blocks: np.ndarray, m: int) -> np.ndarray:
    """The first m networks of blocks (nb, ..., LANES) as (m, ...), a new array."""
    a = np.moveaxis(blocks, -1, 1)
    return a.reshape(-1, *a.shape[2:])[:m].copy()


SLICE_S = 0.05  # target seconds of one compiled call: an interrupt waits at most about this
FIRST_SLICE = 8  # steps of the first call of each chunk, which measures the pace
SLICE_WORK = 2**28  # most (parameter x example) updates in one call, whatever pace the last
# call measured (0.2 s for 200 16-16 nets here): one call that ran unusually fast cannot make
# the next one too long to interrupt


def run_sliced(jobs: list, num_steps: int, begin, steps, end, most: int) -> None:
    """Run ``begin(job)``, ``steps(job, a, b)`` over consecutive slices [a, b) of
    range(num_steps) and ``end(job)`` for every job (chunk of networks), the jobs on threads
    when there are several. Each slice is sized from the pace of the one before so that it
    lasts about SLICE_S, and is never longer than ``most`` steps; between slices, a
    KeyboardInterrupt (or any error) stops every job, and this returns (raises) only once no
    job is running any more."""
    stop = threading.Event()

    def work(job) -> None:
        begin(job)
        a, span = 0, min(FIRST_SLICE, most)
        while a < num_steps:
            if stop.is_set():
                return
            b = min(a + span, num_steps)
            t0 = time.perf_counter()
            steps(job, a, b)
            took = time.perf_counter() - t0
            a = b
            span = max(1, min(4 * span, most, int(span * SLICE_S / max(took, 1e-6))))
        end(job)

    if len(jobs) == 1:
        work(jobs[0])  # here, in the main thread: an interrupt raises between slices
        return
    futures = []
    try:  # an interrupt while the jobs are being submitted stops the ones already running
        for job in jobs:
            futures.append(thread_pool().submit(work, job))
        for f in futures:
            f.result()
    except BaseException:
        stop.set()  # the others finish their slice and return
        _wait_all(futures)
        raise


def _wait_all(futures) -> None:
    """Wait until every future is done, even through further interrupts."""
    while True:
        try:
            wait(futures)
            return
        except KeyboardInterrupt:
            continue


FIX = ("To fix: delete that folder, or set the environment variable NUMBA_CACHE_DIR to a "
       "writable folder with free space, and restart the kernel.")


@lru_cache(maxsize=1)
def usable() -> bool:
    """Whether the compiled engine works in this process, tried once on a tiny sweep.

    A cache of compiled code that cannot be used (no writable folder, a full disk, a damaged
    file or index) makes this compile without the cache, and if even that fails the sweep
    falls back to the NumPy engine; either way one line on stderr says what happened and how
    to fix it."""
    from .streams import init_stack

    def probe() -> None:
        config = Config(widths=(2,), num_steps=2)
        seeds = np.arange(2)
        X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        train_group([config] * 2, seeds, init_stack(config, seeds), X, np.array(
            [0.0, 1.0, 1.0, 0.0]), 1)

    where = _cache_folder()
    if fast_kernel.CACHE_PROBLEM:
        _say(f"numba found no writable folder for its cache ({where}), so the compiled sweep "
             "engine is compiled anew in every process (seconds each time). To fix: set the "
             "environment variable NUMBA_CACHE_DIR to a writable folder and restart the kernel.")
    try:
        probe()
        return True
    except Exception as error:  # a cache numba cannot read or write
        first = f"{type(error).__name__}: {str(error)[:120]}"
    from numba.core.caching import NullCache

    for dispatcher in fast_kernel.DISPATCHERS:
        dispatcher._cache = NullCache()
    try:
        probe()
    except Exception as error:
        _say(f"the compiled sweep engine failed ({first}; without its cache: "
             f"{type(error).__name__}: {str(error)[:120]}); training uses the NumPy engine "
             f"(same results, slower). The numba cache is in {where}. {FIX}")
        return False
    _say(f"the numba cache in {where} could not be used ({first}); the compiled sweep "
         f"engine was compiled without it (seconds more in every process). {FIX}")
    return True


def _cache_folder() -> str:
    path = getattr(getattr(train_steps, "_cache", None), "_cache_path", None)
    return str(path or os.environ.get("NUMBA_CACHE_DIR") or "numba's cache folder")


def _say(line: str) -> None:
    print(f"xorhelpers.sweep: {line}", file=sys.stderr, flush=True)


def _chunks(M: int, n_params: int) -> tuple[list[slice], int]:
    """Split M networks of n_params parameters into near-equal chunks of whole blocks (one
    chunk per core when each would still hold MIN_CHUNK networks) and choose the block size:
    at most LANES, and at most what keeps a block's parameters, gradients and moments
    within BLOCK_BYTES; a multiple of VECTOR, as little padding as that allows; fewer than
    VECTOR networks make one block of exactly that many. Where not even VECTOR networks fit
    (a 7 x 16 network has 1,697 parameters: 1.7 MB for 64), blocks are LANES wide: the
    arrays stream from the level 3 cache either way, and longer passes over the lanes pay
    their set-up less often (200 such networks for 500 steps: 244 ms in one block of 128
    per core against 339 ms in two of 64, quiet machine). Results do not depend on it."""
    n = max(1, min(cores(), M // MIN_CHUNK))
    per = -(-M // n)
    fit = BLOCK_BYTES // (16 * n_params) // VECTOR * VECTOR
    most = min(LANES, fit) if fit else LANES  # no block fits: fewer, longer passes instead
    blocks = -(-per // most)
    lanes = -(-per // blocks)
    if M >= VECTOR:
        lanes = -(-lanes // VECTOR) * VECTOR
    size = blocks * lanes
    return [slice(i, min(i + size, M)) for i in range(0, M, size)], lanes


def in_flight(M: int) -> int:
    """The networks (padding included) whose work arrays exist at once when M networks of
    one group train: one block per chunk (per thread)."""
    chunks, lanes = _chunks(M, 1)
    return len(chunks) * lanes


def _unflatten(P: np.ndarray, sizes: np.ndarray, offs: np.ndarray):
    """Per layer (W (M, fan_in, fan_out), b (M, fan_out)) copies of the flat parameters."""
    out = []
    for k in range(len(sizes) - 1):
        fan_in, fan_out, o = int(sizes[k]), int(sizes[k + 1]), int(offs[k])
        out.append((P[:, o:o + fan_in * fan_out].reshape(-1, fan_in, fan_out).copy(),
                    P[:, o + fan_in * fan_out:o + (fan_in + 1) * fan_out].copy()))
    return out
