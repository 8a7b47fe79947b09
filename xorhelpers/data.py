"""Data sets: the XOR truth table, noisy clouds, bit-matrix pairs, parity sequences.

The data come as NumPy float32 arrays: ``X`` (inputs) and ``y`` (targets) from
``truth_table``, ``noisy_xor``, ``random_xor_pairs`` and ``parity_sequences``; the matrices
``A``, ``B`` and their XOR from ``bit_matrix_pairs``; ``(X, y)`` pieces from the iterator
``parity_chunks``, whose memory ``parity_bytes`` counts. Every random draw takes a ``seed``,
so the same call gives the same data.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ._check import check_bool, check_float, check_int, check_memory, check_seed

#: Largest noise accepted by ``noisy_xor``: far beyond any cloud worth plotting, and small
#: enough that every coordinate stays finite in float32.
MAX_NOISE = 1e6
_CHUNK_BITS = 2**20  # bits drawn at once inside parity_sequences (~60 MiB of scratch)
DRAW_BYTES_PER_BIT = 64  # scratch of parity_chunks while it draws a piece (int64 arrays)


def truth_table() -> tuple[np.ndarray, np.ndarray]:
    """The four XOR points (notebook 01).

    Returns ``X`` of shape (4, 2) with rows (0,0), (0,1), (1,0), (1,1) and ``y`` of shape (4,)
    with values 0, 1, 1, 0.
    """
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 1, 0], dtype=np.float32)
    return X, y


def noisy_xor(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points in four Gaussian clouds around the XOR corners (notebook 02).

    Each point picks a corner uniformly; its label is that corner's XOR; Gaussian noise of
    standard deviation ``noise`` (0 to ``MAX_NOISE`` = 1e6) is added to the coordinates.
    Returns ``X`` (n, 2), ``y`` (n,). About 72 bytes per point are used while drawing; more
    than ``MEMORY_LIMIT`` (2 GiB, about 30 million points) is refused.
    """
    n = check_int("n", n, low=1)
    noise = check_float("noise", noise, low=0.0, high=MAX_NOISE)
    check_memory(f"noisy_xor(n={n})", 72 * n, "ask for fewer points")
    gen = np.random.default_rng(check_seed("seed", seed))
    corners = gen.integers(0, 2, size=(n, 2))
    X = corners + noise * gen.standard_normal((n, 2))
    y = np.logical_xor(corners[:, 0], corners[:, 1])
    return X.astype(np.float32), y.astype(np.float32)


def random_xor_pairs(n: int = 1000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random pairs of bits with their XOR, as in case B (notebook 03).

    Returns ``X`` (n, 2) of 0/1 and ``y`` (n,) of 0/1.
    """
    A, B, Y = bit_matrix_pairs(n, size=1, seed=seed)
    return np.stack([A[:, 0, 0], B[:, 0, 0]], axis=1), Y[:, 0, 0]


def bit_matrix_pairs(n: int = 1000, size: int = 2, seed: int = 0
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` pairs of random 0/1 matrices of shape (size, size) and their element-wise XOR.

    Case A's data (notebook 05). Returns ``A``, ``B``, ``Y``, each of shape (n, size, size).
    About 44 bytes per matrix entry are used while drawing; more than ``MEMORY_LIMIT`` (2 GiB)
    is refused.
    """
    n = check_int("n", n, low=1)
    size = check_int("size", size, low=1)
    check_memory(f"bit_matrix_pairs(n={n}, size={size})", 44 * n * size * size,
                 "ask for fewer or smaller matrices")
    gen = np.random.default_rng(check_seed("seed", seed))
    A = gen.integers(0, 2, size=(n, size, size))
    B = gen.integers(0, 2, size=(n, size, size))
    return A.astype(np.float32), B.astype(np.float32), np.bitwise_xor(A, B).astype(np.float32)


def parity_sequences(n: int = 1000, length: int = 50, seed: int = 0, *,
                     complement: bool = False, running: bool = False
                     ) -> tuple[np.ndarray, np.ndarray]:
    """``n`` sequences of ``length`` random bits and their parity (notebook 06).

    Inputs ``X``: shape (n, length, 1) holding each bit b, or (n, length, 2) holding [b, 1-b]
    when ``complement`` is True (case C's encoding).
    Targets ``y``: the parity of the whole sequence, shape (n,), or with ``running`` the parity
    of the prefix ending at each step, shape (n, length). With ``complement`` the targets are
    encoded the same way, adding a last axis of 2: [p, 1-p].

    The result takes 8 bytes per bit (16 with ``complement``; 4 less with final targets only);
    more than ``MEMORY_LIMIT`` (2 GiB, e.g. 100,000 sequences of 1,000 bits with the
    complement encoding fit, 200,000 do not) is refused before any work. The bits are drawn in
    chunks, so little more than the result is used.
    """
    n = check_int("n", n, low=1)
    length = check_int("length", length, low=1)
    complement = check_bool("complement", complement)
    running = check_bool("running", running)
    seed = check_seed("seed", seed)
    width = 2 if complement else 1
    check_memory(f"parity_sequences(n={n}, length={length})",
                 parity_bytes(n, length, complement=complement, running=running),
                 "ask for fewer or shorter sequences")
    X = np.empty((n, length, width), np.float32)
    y = np.empty((n, length, width) if running else (n, width), np.float32)
    start = 0
    for X_part, y_part in parity_chunks(n, length, seed, max(1, _CHUNK_BITS // length),
                                        complement=complement, running=running):
        X[start:start + len(X_part)] = X_part
        y[start:start + len(X_part)] = y_part.reshape(len(X_part), *y.shape[1:])
        start += len(X_part)
    return X, (y if complement else y[..., 0])


def parity_bytes(n: int, length: int, *, complement: bool = False,
                 running: bool = False) -> int:
    """The bytes of ``parity_sequences(n, length, complement=..., running=...)``'s result."""
    width = 2 if complement else 1
    return 4 * n * width * (length + (length if running else 1))


def parity_chunks(n: int, length: int, seed: int, rows: int, *, complement: bool = False,
                  running: bool = False) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``parity_sequences(n, length, seed, ...)`` in pieces of at most ``rows`` sequences:
    concatenated, the pieces are exactly that result (the bits come from one generator in
    order), but only one piece is held at a time (notebook 06's long curricula). Drawing a
    piece uses about ``DRAW_BYTES_PER_BIT`` (64) bytes per bit of it."""
    n = check_int("n", n, low=1)
    length = check_int("length", length, low=1)
    rows = check_int("rows", rows, low=1)
    complement = check_bool("complement", complement)
    running = check_bool("running", running)
    gen = np.random.default_rng(check_seed("seed", seed))
    for start in range(0, n, rows):
        bits = gen.integers(0, 2, size=(min(rows, n - start), length))
        prefix_parity = np.cumsum(bits, axis=1) % 2
        target = prefix_parity if running else prefix_parity[:, -1]
        if complement:
            X = np.stack([bits, 1 - bits], axis=-1)
            y = np.stack([target, 1 - target], axis=-1)
        else:
            X = bits[..., None]
            y = target
        yield X.astype(np.float32), y.astype(np.float32)
