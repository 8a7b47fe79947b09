"""Every random number of a sweep, from counter-based hashes of (seed, purpose, position).

A network's initial weights (``init_weights``, ``init_stack``) and its minibatch order in each
epoch (``batch_order``, ``hash_keys``) are pure functions of its own seed, so a network gets
the same numbers whichever other networks share its sweep, and either engine can draw them.
All of them come from ``splitmix64``, whose arithmetic (``mix64``) the compiled engine
compiles as it stands. Introduced in notebook 03.
"""

from __future__ import annotations

import math

import numpy as np

from .._check import check_int, check_seed
from ..maths import TRUNCATED_NORMAL_STD
from .config import Config

#: The top bit of a minibatch-order counter; weight counters stay below 2**48.
ORDER_BIT = 1 << 63


def mix64(seeds, counters):
    """The SplitMix64 finalizer applied to a mix of a seed and a counter (uint64 in, uint64 out).

    It uses nothing but ``+``, ``*``, ``^`` and ``>>``, so the same code serves NumPy arrays here
    and single numbers in the compiled engine, which compiles this very function."""
    x = seeds * np.uint64(0x9E3779B97F4A7C15) + counters * np.uint64(0xD1B54A32D192ED03)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def splitmix64(seeds: np.ndarray, counters: np.ndarray) -> np.ndarray:
    """Pseudo-random uint64 bits from (seed, counter) pairs, broadcast together.

    ``mix64`` of both, so that each network's numbers depend on its own seed only."""
    with np.errstate(over="ignore"):
        return mix64(np.asarray(seeds, np.uint64), np.asarray(counters, np.uint64))


def hash_keys(seeds: np.ndarray, epoch: int, n: int) -> np.ndarray:
    """Pseudo-random uint64 keys (M, n) that depend only on (seed, epoch, row); sorting a
    network's keys gives its order of the rows in that epoch."""
    counters = (np.uint64(epoch) << np.uint64(32)) + np.arange(n, dtype=np.uint64)
    return splitmix64(np.asarray(seeds).astype(np.uint64)[:, None],
                      counters[None, :] | np.uint64(ORDER_BIT))


def batch_order(seed: int, epoch: int, n: int) -> np.ndarray:
    """The order in which a network with ``seed`` visits the ``n`` training rows in ``epoch``.

    With ``batch_size`` B, step s of that epoch trains on rows ``order[s*B:(s+1)*B]`` (the
    last batch may be shorter). Returns a permutation of range(n). It depends on (seed,
    epoch, n) only, which makes minibatch training reproducible outside the engine, e.g. in
    Keras for a comparison (notebook 03).
    """
    seed = check_seed("seed", seed)
    epoch = check_int("epoch", epoch, low=0)
    n = check_int("n", n, low=1)
    return np.argsort(hash_keys(np.array([seed]), epoch, n), axis=1)[0]


def init_weights(config: Config, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Initial weights of one network, drawn from ``seed`` alone (notebook 03).

    Returns one ``(W, b)`` pair per layer, W of shape (fan_in, fan_out), b of shape (fan_out,),
    float64. The same (config, seed) always gives the same weights, and ``train`` starts the
    network of that (config, seed) from exactly these (rounded to float32).
    """
    seed = check_seed("seed", seed)
    return [(W[0], b[0]) for W, b in init_stack(config, np.array([seed]))]


def init_stack(config: Config, seeds: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Initial weights of one network per seed, stacked: per layer W (M, in, out), b (M, out).

    Each number is a pure function of (seed, layer, position) through a counter-based hash, so
    drawing many networks at once costs a few array operations and gives each network the
    same weights as drawing it alone.
    """
    if not isinstance(config, Config):
        raise TypeError(f"config must be a Config, got {type(config).__name__}")
    seeds = np.asarray(seeds, dtype=np.uint64).reshape(-1)
    sizes = config.layer_sizes
    out = []
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        W = _draw(seeds, 2 * layer, config, fan_in, fan_out, fan_in * fan_out)
        if config.init_biases:
            b = _draw(seeds, 2 * layer + 1, config, fan_in, fan_out, fan_out)
        else:
            b = np.zeros((len(seeds), fan_out))
        out.append((W.reshape(len(seeds), fan_in, fan_out), b))
    return out


def _draw(seeds: np.ndarray, stream: int, config: Config, fan_in: int, fan_out: int,
          size: int) -> np.ndarray:
    """(M, size) numbers of the config's initializer, from (seed, stream) alone."""
    if config.init == "zeros":
        return np.zeros((len(seeds), size))
    if config.init == "uniform":
        return config.init_scale * (2 * _uniform(seeds, stream, 0, size) - 1)
    if config.init == "normal":
        return config.init_scale * _normal(seeds, stream, 0, size)
    if config.init == "glorot_uniform":
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        return limit * (2 * _uniform(seeds, stream, 0, size) - 1)
    # he_normal as Keras draws it: a normal truncated at two standard deviations (redrawn
    # until inside), rescaled so that the truncated distribution has std sqrt(2 / fan_in).
    std = math.sqrt(2.0 / fan_in) / TRUNCATED_NORMAL_STD
    z = _normal(seeds, stream, 0, size)
    for attempt in range(1, 1000):
        bad = np.abs(z) > 2
        if not bad.any():
            break
        z = np.where(bad, _normal(seeds, stream, attempt, size), z)
    return std * z


def _uniform(seeds: np.ndarray, stream: int, attempt: int, size: int) -> np.ndarray:
    """(M, size) floats in (0, 1), each a hash of (seed, stream, attempt, position)."""
    counter = (np.uint64(stream) << np.uint64(40)) + (np.uint64(attempt) << np.uint64(24))
    bits = splitmix64(seeds[:, None], counter + np.arange(size, dtype=np.uint64)[None, :])
    return ((bits >> np.uint64(11)).astype(np.float64) + 0.5) * 2.0 ** -53


def _normal(seeds: np.ndarray, stream: int, attempt: int, size: int) -> np.ndarray:
    """(M, size) standard normal numbers by the Box-Muller transform of two hashed uniforms."""
    u1 = _uniform(seeds, stream, 2 * attempt, size)
    u2 = _uniform(seeds, stream, 2 * attempt + 1, size)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
