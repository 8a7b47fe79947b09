"""Parity models evaluated in NumPy, step by step over the bits (notebook 06).

Evaluation runs the trained weights of a Keras parity model (``rnn.parity_rnn``) in NumPy
(``rnn_states``, ``final_probability``), so scoring sequences of thousands of steps costs a
fraction of a second. ``steps`` and ``readout`` run many independent members side by side
(the seed bank of ``bank`` uses them); ``model_weights`` and ``input_width`` read a model.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

import numpy as np

from .._check import check_int, check_memory, check_seed
from ..data import DRAW_BYTES_PER_BIT, parity_chunks
from ..maths import sigmoid32, tanh32

EVAL_CHUNK = 4096  # sequences run through the recurrence at once
EVAL_BYTES = 2**26  # sequences drawn at once by final_step_accuracy: about this many bytes


def lstm_step(K, R, b, x, h, c) -> tuple[np.ndarray, ...]:
    """One step of Keras' LSTM equations for stacked members: ``x`` (n, inputs), ``h`` and
    ``c`` (M, n, units), K (M, inputs, 4 units), R (M, units, 4 units), b (M, 1, 4 units),
    the gates in Keras' order i, f, g (candidate), o. Returns (i, f, g, o, c, h) after it."""
    units = R.shape[-2]
    z = x @ K + h @ R + b
    i, f = sigmoid32(z[..., :units]), sigmoid32(z[..., units:2 * units])
    g, o = tanh32(z[..., 2 * units:3 * units]), sigmoid32(z[..., 3 * units:])
    c = f * c + i * g
    return i, f, g, o, c, o * tanh32(c)


def model_weights(model):
    """(cell, [K, R, b], [W, c]) of a parity model, each with a leading member axis of 1."""
    try:
        rnn, dense = model.get_layer("rnn"), model.get_layer("readout")
    except (AttributeError, ValueError) as exc:
        raise TypeError("model must be a parity model built by parity_rnn or case_c_model, "
                        f"got {model!r}") from exc
    cell = "lstm" if "LSTM" in type(rnn).__name__ else "gru"
    if cell == "gru" and not rnn.reset_after:
        raise ValueError("only GRUs with reset_after=True (the Keras default) are supported")
    return cell, [np.asarray(w, np.float32)[None] for w in rnn.get_weights()], \
        [np.asarray(w, np.float32)[None] for w in dense.get_weights()]


def steps(cell, weights, X) -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
    """Yield (h, c) of shape (members, n, units) after each step (c is None for a GRU).

    ``weights`` = [K, R, b] stacked over independent members: K (M, inputs, gates * units),
    R (M, units, gates * units), b (M, gates * units) for an LSTM or (M, 2, 3 * units) for a
    GRU. Each member's small matrices are multiplied on their own (no block-diagonal zeros).
    """
    K, R, b = weights
    M, units = R.shape[0], R.shape[1]
    h = np.zeros((M, len(X), units), np.float32)
    if cell == "lstm":
        c = np.zeros_like(h)
        b = b[:, None, :]
        for t in range(X.shape[1]):
            *_, c, h = lstm_step(K, R, b, X[:, t], h, c)
            yield h, c
    else:
        bx, bh = b[:, None, 0, :], b[:, None, 1, :]
        for t in range(X.shape[1]):
            zx = X[:, t] @ K + bx
            zh = h @ R + bh
            zr = sigmoid32(zx[..., :2 * units] + zh[..., :2 * units])
            cand = tanh32(zx[..., 2 * units:] + zr[..., units:] * zh[..., 2 * units:])
            z = zr[..., :units]
            h = z * h + (1 - z) * cand
            yield h, None


def input_width(model) -> int:
    """2 for a model reading the complement encoding [b, 1-b], 1 for plain bits."""
    model_weights(model)
    return int(model.input.shape[-1])


def _check_inputs(model, X) -> np.ndarray:
    X = np.asarray(X, np.float32)
    width = input_width(model)
    if X.ndim != 3 or X.shape[2] != width or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must have shape (n, length, {width}) with n, length >= 1, "
                         f"got {X.shape}")
    return X


def readout(weights, h) -> np.ndarray:
    """P(parity 1) from stacked readout ``weights`` W (M, units, width), c (M, width) applied
    to states ``h`` of shape (M, ..., units); returns shape (M, ...)."""
    W, c = weights
    lead = (1,) * (h.ndim - 3)
    z = h @ W.reshape(W.shape[0], *lead, *W.shape[1:]) + c.reshape(c.shape[0], *lead, 1,
                                                                     c.shape[-1])
    if W.shape[-1] == 1:
        return sigmoid32(z[..., 0])
    return sigmoid32(z[..., 0] - z[..., 1])  # a 2-way softmax is a sigmoid of the difference


def rnn_states(model, X) -> dict[str, np.ndarray]:
    """Run a parity model over ``X`` in NumPy and keep every step (notebook 06).

    Returns a dict with ``"h"`` (n, length, units), the hidden state after each bit, ``"c"``
    the LSTM cell state (absent for a GRU), and ``"p"`` (n, length), the readout's probability
    that the parity so far is 1. Matches Keras' forward pass to float32 round-off.
    """
    cell, weights, readout_weights = model_weights(model)
    X = _check_inputs(model, X)
    hs, cs = [], []
    for h, c in steps(cell, weights, X):
        hs.append(h)
        cs.append(c)
    out = {"h": np.stack(hs, axis=2)[0]}
    if cell == "lstm":
        out["c"] = np.stack(cs, axis=2)[0]
    out["p"] = readout(readout_weights, out["h"][None])[0]
    return out


def final_probability(model, X, chunk: int = EVAL_CHUNK) -> np.ndarray:
    """P(parity 1) after the last bit of each sequence in ``X``, shape (n,) (notebook 06).

    Runs the recurrence in NumPy in chunks of ``chunk`` sequences, keeping only the current
    state, so memory stays small and a length of 10,000 costs well under a second per
    thousand sequences.
    """
    cell, weights, readout_weights = model_weights(model)
    X = _check_inputs(model, X)
    chunk = check_int("chunk", chunk, low=1)
    out = []
    for start in range(0, len(X), chunk):
        h, _ = deque(steps(cell, weights, X[start:start + chunk]), maxlen=1)[0]
        out.append(readout(readout_weights, h)[0])
    return np.concatenate(out)


def final_step_accuracy(model, length: int, n: int = 2000, seed: int = 10_000) -> float:
    """Share of ``n`` fresh random sequences of ``length`` bits whose parity the model gets right.

    Fresh means drawn with ``seed`` (training data use small seeds); the prediction is the
    readout after the last bit, thresholded at 0.5 (notebook 06). Returns a float in [0, 1].
    The sequences are drawn in pieces of about 64 MiB (64 bytes per bit while drawing), of at
    least 4,096 sequences (or ``n``); a piece over ``MEMORY_LIMIT`` (2 GiB) is refused before
    any work: e.g. 2,000 sequences of up to 16,000 bits fit.
    """
    length = check_int("length", length, low=1, high=1_000_000)
    n = check_int("n", n, low=1, high=10_000_000)
    complement = input_width(model) == 2
    per_seq = DRAW_BYTES_PER_BIT * length
    rows = max(1, EVAL_BYTES // (per_seq * EVAL_CHUNK)) * EVAL_CHUNK
    check_memory(f"final_step_accuracy(n={n}, length={length})", min(rows, n) * per_seq,
                 "use fewer or shorter sequences")
    correct = 0
    for X, y in parity_chunks(n, length, check_seed("seed", seed), rows, complement=complement):
        truth = y[:, 0] if complement else y
        correct += int(np.sum((final_probability(model, X) > 0.5) == (truth > 0.5)))
    return correct / n
