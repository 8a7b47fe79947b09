"""Recurrent networks on bit parity: case C's LSTM, a faster recipe, fast evaluation (notebook 06).

A recurrent net reads the bits one at a time and only has to keep one bit of state, the
parity so far, flipping it on every 1: a two-state flip-flop. Case C (shared/CASES.md) trains
an LSTM with one unit for ~7,800 Adam steps on 50-bit sequences and fails on some seeds.
``RECIPE`` trains a slightly wider LSTM with a large learning rate on short sequences first,
then briefly on length 50, with a target at every step.

Evaluation runs the trained weights in NumPy over the bits (``rnn_states``), so scoring
sequences of thousands of steps costs a fraction of a second.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence

import numpy as np

from ._check import check_bool, check_choice, check_float, check_int, check_seed
from .data import parity_sequences

CELLS = ("lstm", "gru")

#: The case C recipe: 100,000 sequences of 50 bits, LSTM(1), Adam (Keras default lr), 10 epochs.
CASE_C = {"n": 100_000, "length": 50, "units": 1, "epochs": 10, "batch_size": 128, "lr": 1e-3}

#: Our recipe, chosen by measurement (benchmarks/parity.py): LSTM(4), Adam lr 0.1, batch 256,
#: 100 steps on fresh 10-bit sequences then 20 steps on fresh 50-bit sequences, running targets.
RECIPE = {"units": 4, "cell": "lstm", "lr": 0.1, "batch_size": 256,
          "stages": ((10, 100), (50, 20))}


def parity_rnn(units: int = 1, cell: str = "lstm", complement: bool = True,
               per_step: bool = True, seed: int | None = None, name: str | None = None):
    """A Keras parity model: bits -> LSTM or GRU(units) -> softmax or sigmoid readout (notebook 06).

    With ``complement`` each step's input is [b, 1-b] and the readout is Dense(2, softmax)
    giving [P(parity 1), P(parity 0)], as in case C; without it the input is b and the readout
    Dense(1, sigmoid). With ``per_step`` the readout is applied at every step (running-parity
    targets), otherwise only after the last bit. The time axis has no fixed length. With
    ``seed`` the initial weights are reproducible. Returns an uncompiled model.
    """
    import keras

    units = check_int("units", units, low=1, high=256)
    check_choice("cell", cell, CELLS)
    complement = check_bool("complement", complement)
    per_step = check_bool("per_step", per_step)
    if seed is not None:
        seed = check_seed("seed", seed)
    layer = keras.layers.LSTM if cell == "lstm" else keras.layers.GRU
    x = keras.Input(shape=(None, 2 if complement else 1))
    h = layer(units, return_sequences=per_step, name="rnn",
              **_rnn_initializers(seed))(x)
    out = keras.layers.Dense(2 if complement else 1,
                             activation="softmax" if complement else "sigmoid", name="readout",
                             kernel_initializer=_glorot(seed, 2))(h)
    return keras.Model(x, out, name=name or f"parity_{cell}{units}")


def case_c_model(seed: int | None = None):
    """Case C's architecture: LSTM(1, return_sequences=True) -> Dense(2, softmax) (notebook 06)."""
    return parity_rnn(1, "lstm", complement=True, per_step=True, seed=seed, name="case_c")


def _glorot(seed, offset):
    import keras

    return keras.initializers.GlorotUniform(None if seed is None else seed * 1000 + offset)


def _rnn_initializers(seed) -> dict:
    import keras

    return {"kernel_initializer": _glorot(seed, 0),
            "recurrent_initializer": keras.initializers.Orthogonal(
                seed=None if seed is None else seed * 1000 + 1)}


def train_case_c(seed: int = 0, n: int = CASE_C["n"], length: int = CASE_C["length"],
                 epochs: int = CASE_C["epochs"], batch_size: int = CASE_C["batch_size"],
                 lr: float = CASE_C["lr"]):
    """Case C's recipe (notebook 06): ``n`` running-parity sequences, Adam, shuffled epochs.

    Seeds everything with ``seed`` (weights, data, shuffling). The defaults are the full recipe
    (~60 s on a 2-core CPU). Returns the trained model and its per-epoch losses.
    """
    import keras

    from .repro import seed_everything

    seed = check_seed("seed", seed)
    n = check_int("n", n, low=1)
    length = check_int("length", length, low=1)
    epochs = check_int("epochs", epochs, low=1)
    batch_size = check_int("batch_size", batch_size, low=1)
    lr = check_float("lr", lr, low=0.0, low_open=True)
    seed_everything(seed)
    X, y = parity_sequences(n, length, seed, complement=True, running=True)
    model = case_c_model(seed)
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="binary_crossentropy")
    hist = model.fit(X, y, batch_size=batch_size, epochs=epochs, shuffle=True, verbose=0)
    return model, np.asarray(hist.history["loss"])


def check_stages(stages) -> tuple[tuple[int, int], ...]:
    """Validate a length curriculum: a non-empty sequence of (length, num_steps) pairs."""
    if isinstance(stages, (str, bytes)) or not isinstance(stages, Sequence) or not stages:
        raise TypeError(f"stages must be a non-empty sequence of (length, num_steps) pairs, "
                        f"got {stages!r}")
    out = []
    for i, stage in enumerate(stages):
        if not isinstance(stage, Sequence) or len(stage) != 2:
            raise TypeError(f"stages[{i}] must be a (length, num_steps) pair, got {stage!r}")
        out.append((check_int(f"stages[{i}] length", stage[0], low=1, high=100_000),
                    check_int(f"stages[{i}] num_steps", stage[1], low=1, high=1_000_000)))
    return tuple(out)


def fit_stages(model, stages, batch_size: int = 256, lr: float = 0.1, seed: int = 0,
               loss="binary_crossentropy", on_stage_end=None) -> np.ndarray:
    """Train ``model`` with Adam(``lr``) through a length curriculum (notebook 06).

    ``stages`` lists (length, num_steps): for each stage, ``num_steps`` batches of
    ``batch_size`` fresh sequences of that length (running-parity targets, so a loss at every
    step; final-parity targets if the model reads out only at the end), each seen once.
    ``loss`` is passed to Keras' compile. ``on_stage_end(i, model)``, when given, is called
    after stage i (e.g. to keep a copy of the weights; one optimizer runs through all
    stages). Returns the mean loss of each stage.
    """
    import keras

    stages = check_stages(stages)
    if on_stage_end is not None and not callable(on_stage_end):
        raise TypeError(f"on_stage_end must be None or a function (i, model), got "
                        f"{type(on_stage_end).__name__}")
    batch_size = check_int("batch_size", batch_size, low=1, high=1_000_000)
    lr = check_float("lr", lr, low=0.0, low_open=True)
    seed = check_seed("seed", seed)
    complement = _input_width(model) == 2
    per_step = len(model.output.shape) == 3
    model.compile(optimizer=keras.optimizers.Adam(lr), loss=loss, steps_per_execution=10)
    losses = []
    for i, (length, num_steps) in enumerate(stages):
        X, y = parity_sequences(batch_size * num_steps, length, (seed * 7919 + i) % 2**32,
                                complement=complement, running=per_step)
        hist = model.fit(X, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
        losses.append(hist.history["loss"][-1])
        if on_stage_end is not None:
            on_stage_end(i, model)
    return np.asarray(losses)


def train_recipe(seed: int = 0, units: int = RECIPE["units"], cell: str = RECIPE["cell"],
                 lr: float = RECIPE["lr"], batch_size: int = RECIPE["batch_size"],
                 stages=RECIPE["stages"]):
    """Our parity recipe (notebook 06): build ``parity_rnn(units, cell)`` and ``fit_stages``.

    Seeds everything with ``seed``. The defaults are ``RECIPE``. Returns the trained model.
    """
    from .repro import seed_everything

    seed_everything(check_seed("seed", seed))
    model = parity_rnn(units, cell, seed=seed)
    fit_stages(model, stages, batch_size=batch_size, lr=lr, seed=seed)
    return model


# ----------------------------------------------------------------------------- evaluation


def _sigmoid(z):
    return 0.5 + 0.5 * np.tanh(0.5 * z)  # = 1 / (1 + exp(-z)), without overflow warnings


def _weights(model):
    """(cell, [K, R, b], [W, c]) of a parity model, each with a leading member axis of 1."""
    try:
        rnn, readout = model.get_layer("rnn"), model.get_layer("readout")
    except (AttributeError, ValueError) as exc:
        raise TypeError("model must be a parity model built by parity_rnn or case_c_model, "
                        f"got {model!r}") from exc
    cell = "lstm" if "LSTM" in type(rnn).__name__ else "gru"
    if cell == "gru" and not rnn.reset_after:
        raise ValueError("only GRUs with reset_after=True (the Keras default) are supported")
    return cell, [np.asarray(w, np.float32)[None] for w in rnn.get_weights()], \
        [np.asarray(w, np.float32)[None] for w in readout.get_weights()]


def _steps(cell, weights, X) -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
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
            z = X[:, t] @ K + h @ R + b
            s = _sigmoid(z)
            c = s[..., units:2 * units] * c + s[..., :units] * np.tanh(z[..., 2 * units:3 * units])
            h = s[..., 3 * units:] * np.tanh(c)
            yield h, c
    else:
        bx, bh = b[:, None, 0, :], b[:, None, 1, :]
        for t in range(X.shape[1]):
            zx = X[:, t] @ K + bx
            zh = h @ R + bh
            zr = _sigmoid(zx[..., :2 * units] + zh[..., :2 * units])
            cand = np.tanh(zx[..., 2 * units:] + zr[..., units:] * zh[..., 2 * units:])
            z = zr[..., :units]
            h = z * h + (1 - z) * cand
            yield h, None


def _input_width(model) -> int:
    _weights(model)
    return int(model.input.shape[-1])


def _check_inputs(model, X) -> np.ndarray:
    X = np.asarray(X, np.float32)
    width = _input_width(model)
    if X.ndim != 3 or X.shape[2] != width or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must have shape (n, length, {width}) with n, length >= 1, "
                         f"got {X.shape}")
    return X


def _readout(readout, h) -> np.ndarray:
    """P(parity 1) from stacked readout weights W (M, units, width), c (M, width) applied to
    states ``h`` of shape (M, ..., units); returns shape (M, ...)."""
    W, c = readout
    lead = (1,) * (h.ndim - 3)
    z = h @ W.reshape(W.shape[0], *lead, *W.shape[1:]) + c.reshape(c.shape[0], *lead, 1,
                                                                     c.shape[-1])
    if W.shape[-1] == 1:
        return _sigmoid(z[..., 0])
    return _sigmoid(z[..., 0] - z[..., 1])  # a 2-way softmax is a sigmoid of the difference


def rnn_states(model, X) -> dict[str, np.ndarray]:
    """Run a parity model over ``X`` in NumPy and keep every step (notebook 06).

    Returns a dict with ``"h"`` (n, length, units), the hidden state after each bit, ``"c"``
    the LSTM cell state (absent for a GRU), and ``"p"`` (n, length), the readout's probability
    that the parity so far is 1. Matches Keras' forward pass to float32 round-off.
    """
    cell, weights, readout = _weights(model)
    X = _check_inputs(model, X)
    hs, cs = [], []
    for h, c in _steps(cell, weights, X):
        hs.append(h)
        cs.append(c)
    out = {"h": np.stack(hs, axis=2)[0]}
    if cell == "lstm":
        out["c"] = np.stack(cs, axis=2)[0]
    out["p"] = _readout(readout, out["h"][None])[0]
    return out


def final_probability(model, X, chunk: int = 4096) -> np.ndarray:
    """P(parity 1) after the last bit of each sequence in ``X``, shape (n,) (notebook 06).

    Runs the recurrence in NumPy in chunks of ``chunk`` sequences, keeping only the current
    state, so memory stays small and a length of 10,000 costs well under a second per
    thousand sequences.
    """
    cell, weights, readout = _weights(model)
    X = _check_inputs(model, X)
    chunk = check_int("chunk", chunk, low=1)
    out = []
    for start in range(0, len(X), chunk):
        h, _ = deque(_steps(cell, weights, X[start:start + chunk]), maxlen=1)[0]
        out.append(_readout(readout, h)[0])
    return np.concatenate(out)


def final_step_accuracy(model, length: int, n: int = 2000, seed: int = 10_000) -> float:
    """Share of ``n`` fresh random sequences of ``length`` bits whose parity the model gets right.

    Fresh means drawn with ``seed`` (training data use small seeds); the prediction is the
    readout after the last bit, thresholded at 0.5 (notebook 06). Returns a float in [0, 1].
    """
    from .data import parity_sequences as _data

    length = check_int("length", length, low=1, high=1_000_000)
    n = check_int("n", n, low=1, high=10_000_000)
    complement = _input_width(model) == 2
    X, y = _data(n, length, check_seed("seed", seed), complement=complement)
    truth = y[:, 0] if complement else y
    return float(np.mean((final_probability(model, X) > 0.5) == (truth > 0.5)))


def to_plain_encoding(model):
    """The same network rewritten for plain bits: input b instead of [b, 1-b] (notebook 06).

    For any weights, [b, 1-b] @ K = K[1] + b * (K[0] - K[1]): the complement input is a plain
    input plus a bias. And a 2-way softmax readout gives P(parity 1) = sigmoid(z0 - z1). So a
    complement-encoded parity model equals a plain one with kernel K[0] - K[1], bias
    b + K[1] and a Dense(1, sigmoid) readout on w0 - w1, bias c0 - c1. Returns that model; its
    output matches the first softmax output of ``model``.
    """
    cell, rnn_weights, readout_weights = _weights(model)
    (K, R, b), (W, c) = (w[0] for w in rnn_weights), (w[0] for w in readout_weights)
    if _input_width(model) != 2:
        raise ValueError("model must take the complement encoding (input width 2)")
    plain = parity_rnn(R.shape[0], cell, complement=False,
                       per_step=len(model.output.shape) == 3)
    bias_shift = K[1] if cell == "lstm" else np.stack([K[1], np.zeros_like(K[1])])
    plain.get_layer("rnn").set_weights([K[:1] - K[1:], R, b + bias_shift])
    plain.get_layer("readout").set_weights([W[:, :1] - W[:, 1:], c[:1] - c[1:]])
    return plain
