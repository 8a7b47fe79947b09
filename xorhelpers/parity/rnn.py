"""Recurrent networks on bit parity in Keras: case C's LSTM, our faster recipe (notebook 06).

A recurrent net reads the bits one at a time and only has to keep one bit of state, the
parity so far, flipping it on every 1: a two-state flip-flop. Case C (one learner's LSTM
tutorial run, described in notebook 06) trains an LSTM with one unit for ~7,800 Adam steps on
50-bit sequences and fails on some seeds. ``RECIPE`` trains a slightly wider LSTM with a large
learning rate on short sequences first, then briefly on length 50, with a target at every step.
"""

from __future__ import annotations

import numpy as np

from .._check import check_bool, check_choice, check_int, check_memory, check_seed
from .._tf import keras
from ..data import DRAW_BYTES_PER_BIT, parity_chunks, parity_sequences
from ..repro import seed_everything
from .evaluate import input_width, model_weights
from .recipes import CASE_C, CELLS, RECIPE, CaseCRecipe, StagedRecipe

STAGE_BYTES = 2**26  # a stage's data beyond this (64 MiB) is drawn and fed in pieces
STEPS_PER_EXECUTION = 10


def parity_rnn(units: int = 1, cell: str = "lstm", complement: bool = True,
               per_step: bool = True, seed: int | None = None, name: str | None = None):
    """A Keras parity model: bits -> LSTM or GRU(units) -> softmax or sigmoid readout (notebook 06).

    With ``complement`` each step's input is [b, 1-b] and the readout is Dense(2, softmax)
    giving [P(parity 1), P(parity 0)], as in case C; without it the input is b and the readout
    Dense(1, sigmoid). With ``per_step`` the readout is applied at every step (running-parity
    targets), otherwise only after the last bit. The time axis has no fixed length. With
    ``seed`` the initial weights are reproducible. Returns an uncompiled model.
    """
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
    return keras.initializers.GlorotUniform(None if seed is None else seed * 1000 + offset)


def _rnn_initializers(seed) -> dict:
    return {"kernel_initializer": _glorot(seed, 0),
            "recurrent_initializer": keras.initializers.Orthogonal(
                seed=None if seed is None else seed * 1000 + 1)}


def train_case_c(seed: int = 0, n: int = CASE_C.n, length: int = CASE_C.length,
                 epochs: int = CASE_C.epochs, batch_size: int = CASE_C.batch_size,
                 lr: float = CASE_C.lr):
    """Case C's recipe (notebook 06): ``n`` running-parity sequences, Adam, shuffled epochs.

    Seeds everything with ``seed`` (weights, data, shuffling). The defaults are the full recipe
    ``CASE_C`` (~60 s on a 2-core CPU). Returns the trained model and its per-epoch losses.
    """
    seed = check_seed("seed", seed)
    recipe = CaseCRecipe(n=n, length=length, epochs=epochs, batch_size=batch_size, lr=lr)
    seed_everything(seed)
    X, y = parity_sequences(recipe.n, recipe.length, seed, complement=True, running=True)
    model = case_c_model(seed)
    model.compile(optimizer=keras.optimizers.Adam(recipe.lr), loss="binary_crossentropy")
    hist = model.fit(X, y, batch_size=recipe.batch_size, epochs=recipe.epochs, shuffle=True,
                     verbose=0)
    return model, np.asarray(hist.history["loss"])


def fit_stages(model, stages, batch_size: int = RECIPE.batch_size, lr: float = RECIPE.lr,
               seed: int = 0,
               loss="binary_crossentropy", on_stage_end=None) -> np.ndarray:
    """Train ``model`` with Adam(``lr``) through a length curriculum (notebook 06).

    ``stages`` lists (length, num_steps): for each stage, ``num_steps`` batches of
    ``batch_size`` fresh sequences of that length (running-parity targets, so a loss at every
    step; final-parity targets if the model reads out only at the end), each seen once.
    ``loss`` is passed to Keras' compile. ``on_stage_end(i, model)``, when given, is called
    after stage i (e.g. to keep a copy of the weights; one optimizer runs through all
    stages). Returns the mean loss of each stage.

    Memory: a stage whose data would take more than ``STAGE_BYTES`` (64 MiB, at 64 bytes per
    bit while drawing: about a million bits) is drawn and trained in pieces of whole batches,
    so any curriculum fits (the batches are the same as in one piece, the stage's loss the
    mean over the pieces); only a single batch over ``MEMORY_LIMIT`` (2 GiB) is refused.
    """
    checked = RECIPE.replace(stages=stages, batch_size=batch_size, lr=lr)
    stages, batch_size, lr = checked.stages, checked.batch_size, checked.lr
    if on_stage_end is not None and not callable(on_stage_end):
        raise TypeError(f"on_stage_end must be None or a function (i, model), got "
                        f"{type(on_stage_end).__name__}")
    seed = check_seed("seed", seed)
    complement = input_width(model) == 2
    per_step = len(model.output.shape) == 3
    model.compile(optimizer=keras.optimizers.Adam(lr), loss=loss,
                  steps_per_execution=STEPS_PER_EXECUTION)
    losses = []
    for i, (length, num_steps) in enumerate(stages):
        rows = _stage_rows(batch_size, num_steps, length)
        parts = []
        for X, y in parity_chunks(batch_size * num_steps, length, (seed * 7919 + i) % 2**32,
                                  rows, complement=complement, running=per_step):
            hist = model.fit(X, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
            parts.append((hist.history["loss"][-1], len(X)))
        losses.append(parts[0][0] if len(parts) == 1
                      else sum(v * k for v, k in parts) / sum(k for _, k in parts))
        if on_stage_end is not None:
            on_stage_end(i, model)
    return np.asarray(losses)


def _stage_rows(batch_size, num_steps, length) -> int:
    """Sequences per piece of a stage: all of them when they fit in ``STAGE_BYTES``, else
    whole groups of ``STEPS_PER_EXECUTION`` batches (or single batches) that fit."""
    per_seq = DRAW_BYTES_PER_BIT * length
    total = batch_size * num_steps
    if total * per_seq <= STAGE_BYTES:
        return total
    check_memory(f"one batch of {batch_size} sequences of {length} bits", batch_size * per_seq,
                 "use a smaller batch_size or shorter stages")
    group = batch_size * STEPS_PER_EXECUTION
    unit = group if group * per_seq <= STAGE_BYTES else batch_size
    return max(1, STAGE_BYTES // (unit * per_seq)) * unit


def train_recipe(seed: int = 0, units: int = RECIPE.units, cell: str = RECIPE.cell,
                 lr: float = RECIPE.lr, batch_size: int = RECIPE.batch_size,
                 stages=RECIPE.stages):
    """Our parity recipe (notebook 06): build ``parity_rnn(units, cell)`` and ``fit_stages``.

    Seeds everything with ``seed``. The defaults are ``RECIPE``. Returns the trained model.
    """
    recipe = StagedRecipe(units=units, cell=cell, lr=lr, batch_size=batch_size, stages=stages)
    seed_everything(check_seed("seed", seed))
    model = parity_rnn(recipe.units, recipe.cell, seed=seed)
    fit_stages(model, recipe.stages, batch_size=recipe.batch_size, lr=recipe.lr, seed=seed)
    return model


def to_plain_encoding(model):
    """The same network rewritten for plain bits: input b instead of [b, 1-b] (notebook 06).

    For any weights, [b, 1-b] @ K = K[1] + b * (K[0] - K[1]): the complement input is a plain
    input plus a bias. And a 2-way softmax readout gives P(parity 1) = sigmoid(z0 - z1). So a
    complement-encoded parity model equals a plain one with kernel K[0] - K[1], bias
    b + K[1] and a Dense(1, sigmoid) readout on w0 - w1, bias c0 - c1. Returns that model; its
    output matches the first softmax output of ``model``.
    """
    cell, rnn_weights, readout_weights = model_weights(model)
    (K, R, b), (W, c) = (w[0] for w in rnn_weights), (w[0] for w in readout_weights)
    if input_width(model) != 2:
        raise ValueError("model must take the complement encoding (input width 2)")
    plain = parity_rnn(R.shape[0], cell, complement=False,
                       per_step=len(model.output.shape) == 3)
    bias_shift = K[1] if cell == "lstm" else np.stack([K[1], np.zeros_like(K[1])])
    plain.get_layer("rnn").set_weights([K[:1] - K[1:], R, b + bias_shift])
    plain.get_layer("readout").set_weights([W[:, :1] - W[:, 1:], c[:1] - c[1:]])
    return plain
