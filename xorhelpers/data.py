"""Data sets: the XOR truth table, noisy clouds, bit-matrix pairs, parity sequences.

Every function returns NumPy float32 arrays ``X`` (inputs) and ``y`` (targets) and takes a
``seed`` where randomness is involved, so the same call gives the same data.
"""

from __future__ import annotations

import numpy as np

from ._check import check_bool, check_float, check_int, check_seed


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
    standard deviation ``noise`` is added to the coordinates. Returns ``X`` (n, 2), ``y`` (n,).
    """
    n = check_int("n", n, low=1)
    noise = check_float("noise", noise, low=0.0)
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
    """
    n = check_int("n", n, low=1)
    size = check_int("size", size, low=1)
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
    """
    n = check_int("n", n, low=1)
    length = check_int("length", length, low=1)
    complement = check_bool("complement", complement)
    running = check_bool("running", running)
    gen = np.random.default_rng(check_seed("seed", seed))
    bits = gen.integers(0, 2, size=(n, length))
    prefix_parity = np.cumsum(bits, axis=1) % 2
    target = prefix_parity if running else prefix_parity[:, -1]
    if complement:
        X = np.stack([bits, 1 - bits], axis=-1)
        y = np.stack([target, 1 - target], axis=-1)
    else:
        X = bits[..., None]
        y = target
    return X.astype(np.float32), y.astype(np.float32)
