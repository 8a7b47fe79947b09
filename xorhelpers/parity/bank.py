"""Many small LSTM parity nets trained as one Keras model, one net per seed (notebook 06).

Whether case C's LSTM(1) learns parity depends on the seed, so the honest answer is a rate
over many seeds, and training them one by one costs a full Keras run each. Here ``M``
independent LSTM(units) -> readout nets are packed into one LSTM(M * units) whose recurrent
kernel is kept block-diagonal (member j's units only see member j's previous state) and one
readout whose kernel is kept block-diagonal too. The loss is the sum of the members' losses,
so each member gets exactly the gradient it would get alone, and Adam (element-wise) moves
it exactly as alone: a step for all M members costs about as much as a step for one. All
members see the same batches.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._check import check_bool, check_float, check_int, check_seed
from .._tf import keras, ops, tf
from ..data import parity_sequences
from .evaluate import readout, steps
from .recipes import CASE_C, RECIPE
from .rnn import fit_stages, parity_rnn


def _check_seeds(seeds) -> list[int]:
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or not seeds:
        raise TypeError(f"seeds must be a non-empty sequence of integer seeds, got {seeds!r}")
    seeds = [check_seed(f"seeds[{i}]", s) for i, s in enumerate(seeds)]
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct, got {seeds!r}")
    return seeds


def _gate_columns(M: int, units: int, j: int) -> np.ndarray:
    """Columns of member j in an LSTM(M * units) kernel: 4 gates x its units."""
    return np.array([g * M * units + j * units + u for g in range(4) for u in range(units)])


def _masks(M: int, units: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    recurrent = np.zeros((M * units, 4 * M * units), np.float32)
    readout = np.zeros((M * units, M * width), np.float32)
    for j in range(M):
        rows = slice(j * units, (j + 1) * units)
        recurrent[rows, _gate_columns(M, units, j)] = 1.0
        readout[rows, j * width:(j + 1) * width] = 1.0
    return recurrent, readout


class KeepBlocks(keras.constraints.Constraint):
    """Zero every weight outside its member's block after each update; it also marks the
    layers of a bank (``bank_shape`` reads a bank's layout from them)."""

    def __init__(self, mask):
        self.mask = mask

    def __call__(self, w):
        return w * self.mask


def seed_bank(seeds: Sequence[int], units: int = 1, complement: bool = True,
              per_step: bool = True):
    """One Keras model holding an LSTM(``units``) parity net for each seed (notebook 06).

    Member j starts from exactly the weights of ``parity_rnn(units, "lstm", complement,
    per_step, seed=seeds[j])`` (with units=1, complement and per_step: case C's network). The
    model maps (batch, length, 2 or 1) bits to readout logits, (batch, length, M * width) or
    (batch, M * width), member j owning columns j * width to (j + 1) * width, width 2 with
    ``complement``, else 1. Train it with ``train_bank`` or ``train_bank_stages``. Returns an
    uncompiled model; ``bank_shape`` reads its (M, units, width) back.
    """
    seeds = _check_seeds(seeds)
    units = check_int("units", units, low=1, high=256)
    complement = check_bool("complement", complement)
    per_step = check_bool("per_step", per_step)
    M, width = len(seeds), 2 if complement else 1
    singles = [parity_rnn(units, "lstm", complement, per_step, seed=s) for s in seeds]
    recurrent_mask, readout_mask = _masks(M, units, width)
    x = keras.Input(shape=(None, 2 if complement else 1))
    h = keras.layers.LSTM(M * units, return_sequences=per_step, name="rnn",
                          recurrent_constraint=KeepBlocks(recurrent_mask))(x)
    logits = keras.layers.Dense(M * width, name="readout",
                                kernel_constraint=KeepBlocks(readout_mask))(h)
    model = keras.Model(x, logits, name=f"seed_bank_{M}x{units}")
    set_members(model, [m.get_layer("rnn").get_weights() + m.get_layer("readout").get_weights()
                        for m in singles])
    return model


def bank_shape(bank) -> tuple[int, int, int]:
    """(M, units, width) of a bank built by ``seed_bank``: M members of LSTM(units), each
    with ``width`` readout columns (2 with the complement encoding, else 1), read from the
    model's own layers (notebook 06)."""
    try:
        rnn, dense = bank.get_layer("rnn"), bank.get_layer("readout")
    except (AttributeError, ValueError):
        rnn = dense = None
    if not (isinstance(getattr(rnn, "recurrent_constraint", None), KeepBlocks)
            and isinstance(getattr(dense, "kernel_constraint", None), KeepBlocks)):
        raise TypeError(f"bank must be a model built by seed_bank, got {bank!r}")
    width = int(bank.input.shape[-1])
    M = dense.units // width
    return M, rnn.units // M, width


def set_members(bank, weights) -> None:
    """Load each member's [kernel, recurrent_kernel, bias, readout_kernel, readout_bias]."""
    M, units, width = bank_shape(bank)
    if len(weights) != M:
        raise ValueError(f"weights must hold {M} lists (one per member), got {len(weights)}")
    rnn, readout = bank.get_layer("rnn"), bank.get_layer("readout")
    K, R, b = (np.zeros_like(w) for w in rnn.get_weights())
    W, c = (np.zeros_like(w) for w in readout.get_weights())
    for j, (k1, r1, b1, w1, c1) in enumerate(weights):
        cols, rows, out = _gate_columns(M, units, j), slice(j * units, (j + 1) * units), \
            slice(j * width, (j + 1) * width)
        K[:, cols], R[rows, cols], b[cols] = k1, r1, b1
        W[rows, out], c[out] = w1, c1
    rnn.set_weights([K, R, b])
    readout.set_weights([W, c])


def members(bank) -> list[list[np.ndarray]]:
    """Each member's weights as its standalone net's [kernel, recurrent, bias, W, c]."""
    K, R, b = (np.asarray(w) for w in bank.get_layer("rnn").get_weights())
    W, c = (np.asarray(w) for w in bank.get_layer("readout").get_weights())
    return _split(bank, K, R, b, W, c)


def _split(bank, K, R, b, W, c) -> list[list[np.ndarray]]:
    """Arrays shaped like the bank's weights, cut into each member's [K, R, b, W, c]."""
    M, units, width = bank_shape(bank)
    out = []
    for j in range(M):
        cols, rows, sl = _gate_columns(M, units, j), slice(j * units, (j + 1) * units), \
            slice(j * width, (j + 1) * width)
        out.append([K[:, cols], R[rows][:, cols], b[cols], W[rows, sl], c[sl]])
    return out


def member_model(bank, j: int):
    """Member ``j`` of a bank as a standalone Keras parity model with the same weights."""
    M, units, width = bank_shape(bank)
    j = check_int("j", j, low=0, high=M - 1)
    model = parity_rnn(units, "lstm", complement=width == 2,
                       per_step=len(bank.output.shape) == 3)
    weights = members(bank)[j]
    model.get_layer("rnn").set_weights(weights[:3])
    model.get_layer("readout").set_weights(weights[3:])
    return model


def bank_loss(num_models: int, width: int):
    """Sum over members of the loss Keras gives each member alone, from the bank's logits.

    Keras' ``binary_crossentropy`` on a sigmoid *or softmax* output does not use the
    probabilities: it takes the layer's logits and applies a sigmoid cross-entropy to each
    output (the softmax layer caches its logits for this). So a Dense(2, softmax) readout is
    trained as two independent logistic outputs, and this loss does the same.
    """
    num_models = check_int("num_models", num_models, low=1)
    width = check_int("width", width, low=1, high=2)

    def loss(y_true, y_pred):
        y_pred = ops.reshape(y_pred, (-1, num_models, width))
        y_true = ops.reshape(ops.cast(y_true, y_pred.dtype), (-1, 1, width))
        per_member = keras.losses.binary_crossentropy(y_true + ops.zeros_like(y_pred), y_pred,
                                                      from_logits=True)
        return ops.sum(per_member, axis=-1)

    return loss


def train_bank(bank, X, y, epochs: int = 1, batch_size: int = CASE_C.batch_size,
               lr: float = CASE_C.lr, shuffle: bool = True) -> np.ndarray:
    """Train every member of ``bank`` on (X, y) with Adam(``lr``) (notebook 06).

    ``X`` and ``y`` come from ``parity_sequences`` with the bank's encoding (running targets
    when the bank reads out at every step). Shuffling uses the global seed (seed_everything).
    Returns the summed loss after each epoch, shape (epochs,).
    """
    M, _, width = bank_shape(bank)
    epochs = check_int("epochs", epochs, low=1)
    batch_size = check_int("batch_size", batch_size, low=1)
    lr = check_float("lr", lr, low=0.0, low_open=True)
    shuffle = check_bool("shuffle", shuffle)
    X = np.asarray(X, np.float32)
    y = np.asarray(y, np.float32)
    if len(X) == 0 or len(X) != len(y):
        raise ValueError(f"X and y must be non-empty with one target per sequence; got "
                         f"{len(X)} and {len(y)}")
    bank.compile(optimizer=keras.optimizers.Adam(lr), loss=bank_loss(M, width),
                 steps_per_execution=10)
    hist = bank.fit(X, y, batch_size=batch_size, epochs=epochs, shuffle=shuffle, verbose=0)
    return np.asarray(hist.history["loss"])


def train_bank_stages(bank, stages, batch_size: int = RECIPE.batch_size, lr: float = RECIPE.lr,
                      seed: int = 0, on_stage_end=None) -> np.ndarray:
    """``parity.fit_stages`` for a bank: every member through the same length curriculum.

    ``on_stage_end(i, bank)`` is called after stage i, as in ``fit_stages``. Returns the
    summed loss of each stage.
    """
    M, _, width = bank_shape(bank)
    return fit_stages(bank, stages, batch_size=batch_size, lr=lr, seed=seed,
                      loss=bank_loss(M, width), on_stage_end=on_stage_end)


def bank_accuracy(bank, length: int, n: int = 2000, seed: int = 10_000) -> np.ndarray:
    """Each member's final-step parity accuracy on ``n`` fresh sequences, shape (M,).

    Runs all members side by side in NumPy (each with its own small matrices).
    """
    length = check_int("length", length, low=1, high=1_000_000)
    return bank_accuracy_by_length(bank, [length], n=n, seed=seed)[:, 0]


def bank_accuracy_by_length(bank, lengths: Sequence[int], n: int = 500,
                            seed: int = 10_000) -> np.ndarray:
    """Each member's accuracy at each of ``lengths``, shape (M, len(lengths)) (notebook 06).

    One pass over ``n`` fresh random strings of the longest length, read out after each of
    ``lengths`` bits: the first L bits of a random string are a random string of length L, so
    each column is an honest score at its length, for the cost of the longest one.
    """
    M, units, width = bank_shape(bank)
    if isinstance(lengths, (str, bytes)) or not isinstance(lengths, Sequence) or not lengths:
        raise TypeError(f"lengths must be a non-empty sequence of integers, got {lengths!r}")
    lengths = [check_int(f"lengths[{i}]", L, low=1, high=1_000_000)
               for i, L in enumerate(lengths)]
    n = check_int("n", n, low=1, high=10_000_000)
    X, y = parity_sequences(n, max(lengths), check_seed("seed", seed), complement=width == 2,
                            running=True)
    truth = (y[..., 0] if width == 2 else y) > 0.5
    weights = [np.stack(w) for w in zip(*members(bank), strict=True)]
    want = {L - 1: i for i, L in enumerate(lengths)}
    out = np.zeros((M, len(lengths)))
    for t, (h, _) in enumerate(steps("lstm", [w.astype(np.float32) for w in weights[:3]], X)):
        if t in want:
            p = readout([w.astype(np.float32) for w in weights[3:]], h)
            out[:, want[t]] = np.mean((p > 0.5) == truth[None, :, t], axis=1)
    return out


def train_case_c_bank(seeds: Sequence[int], n: int = CASE_C.n, length: int = CASE_C.length,
                      epochs: int = CASE_C.epochs, batch_size: int = CASE_C.batch_size,
                      lr: float = CASE_C.lr, complement: bool = True, per_step: bool = True,
                      data_seed: int = 0):
    """Case C's recipe for every seed at once (notebook 06): one LSTM(1) net per seed.

    The defaults are the full recipe ``CASE_C``; the notebook runs it scaled down. All members
    train on the same ``n`` sequences of ``length`` bits (drawn with ``data_seed``) in the
    same shuffled order; ``complement`` and ``per_step`` switch case C's two data choices.
    Returns the trained bank.
    """
    recipe = CASE_C.replace(n=n, length=length, epochs=epochs, batch_size=batch_size, lr=lr)
    bank = seed_bank(seeds, recipe.units, complement, per_step)
    X, y = parity_sequences(recipe.n, recipe.length, check_seed("data_seed", data_seed),
                            complement=complement, running=per_step)
    train_bank(bank, X, y, epochs=recipe.epochs, batch_size=recipe.batch_size, lr=recipe.lr)
    return bank


def member_gradient_norms(bank, X, y) -> np.ndarray:
    """Norm of each member's own loss gradient on the batch (X, y), shape (M,) (notebook 06).

    The loss is the one ``train_bank`` minimises, averaged over the batch; each member's
    gradient is taken with respect to its own 20 (for LSTM(1)) weights only.
    """
    M, _, width = bank_shape(bank)
    X = np.asarray(X, np.float32)
    y = np.asarray(y, np.float32)
    if len(X) == 0 or len(X) != len(y):
        raise ValueError(f"X and y must be non-empty with one target per sequence; got "
                         f"{len(X)} and {len(y)}")
    weights = bank.get_layer("rnn").trainable_weights + bank.get_layer("readout").trainable_weights
    with tf.GradientTape() as tape:
        loss = ops.mean(bank_loss(M, width)(y, bank(X)))
    grads = [np.asarray(g) for g in tape.gradient(loss, weights)]
    return np.array([np.sqrt(sum(float(np.sum(g ** 2)) for g in parts))
                     for parts in _split(bank, *grads)])


def bank_memory(bank, lags: Sequence[int], length: int = 50, n: int = 500,
                seed: int = 20_000) -> np.ndarray:
    """How much each member's final answer depends on the bit ``lag`` steps back (notebook 06).

    For ``n`` fresh strings of ``length`` bits, flips the bit at position ``length - lag``
    and measures the mean absolute change of the member's P(parity 1) after the last bit.
    Parity flips with any bit, so a member that counts scores about 1 at every lag; one that
    has forgotten the bit scores about 0. Returns shape (M, len(lags)).
    """
    M, _, width = bank_shape(bank)
    if isinstance(lags, (str, bytes)) or not isinstance(lags, Sequence) or not lags:
        raise TypeError(f"lags must be a non-empty sequence of integers, got {lags!r}")
    length = check_int("length", length, low=1, high=100_000)
    lags = [check_int(f"lags[{i}]", k, low=1, high=length) for i, k in enumerate(lags)]
    n = check_int("n", n, low=1, high=1_000_000)
    X, _ = parity_sequences(n, length, check_seed("seed", seed), complement=width == 2)
    weights = [np.stack(w).astype(np.float32) for w in zip(*members(bank), strict=True)]

    def final_p(bits):
        h, _ = list(steps("lstm", weights[:3], bits))[-1]
        return readout(weights[3:], h)

    base = final_p(X)
    out = np.zeros((M, len(lags)))
    for i, k in enumerate(lags):
        flipped = X.copy()
        flipped[:, length - k] = 1.0 - flipped[:, length - k]  # [b, 1-b] -> [1-b, b]
        out[:, i] = np.mean(np.abs(final_p(flipped) - base), axis=1)
    return out
