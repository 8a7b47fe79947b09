"""Exercises of notebook 05 (broken architectures)."""

from __future__ import annotations

import numpy as np

from .. import maths
from ..data import bit_matrix_pairs
from . import Exercise


def tanh_output_model():
    """Exercise 1's model: 2 inputs -> Dense(8, relu) -> Dense(1, tanh), to be trained with
    binary cross-entropy."""
    from .._tf import keras

    keras.utils.set_random_seed(1)
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="relu"),
                             keras.layers.Dense(1, activation="tanh")], name="exercise_1")


def _predict_doctor(answer):
    from ..architectures.doctor import CODES

    if not isinstance(answer, str):
        return False, f"give the code as a string, e.g. 'DEAD_UNITS'; got {answer!r}"
    code = answer.strip().upper()
    if code == "OUTPUT_LOSS_MISMATCH":
        return True, ("tanh outputs lie in (-1, 1); binary cross-entropy clips every negative "
                      "output to 1e-7 and passes no gradient there.")
    if code not in CODES:
        return False, f"that is not one of the doctor's codes: {', '.join(CODES)}."
    return False, "look at the output layer and the loss it is trained with."


def _solves_xor(model, attempts: int = 3) -> bool:
    """True when a fresh copy of ``model`` (new initial weights, seeds 0, 1, ...), trained
    with Adam 0.05 on the four patterns, gets all four right (``maths.solved``: each output on
    its target's side of 0.5) on one of ``attempts`` tries."""
    from .._tf import keras

    P = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    a, b = np.tile(P[:, :1, None], (16, 1, 1)), np.tile(P[:, 1:, None], (16, 1, 1))
    y = np.logical_xor(a, b).astype(np.float32)
    for seed in range(attempts):
        keras.utils.set_random_seed(seed)
        copy = keras.models.clone_model(model)
        copy.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
        copy.fit([a, b], y, epochs=20, batch_size=4, verbose=0)  # 320 steps
        pred = np.asarray(copy.predict([a[:4], b[:4]], verbose=0)).reshape(4)
        if maths.solved(pred, y[:4].reshape(4)).item():
            return True
    return False


def _repair(answer):
    from .._tf import keras
    from ..architectures.doctor import examine

    if not isinstance(answer, keras.Model):
        return False, f"give a Keras model, got {type(answer).__name__}"
    shapes = [tuple(t.shape[1:]) for t in answer.inputs]
    if len(shapes) != 2 or any(len(s) != 2 or any(d not in (1, None) for d in s)
                               for s in shapes):
        return False, f"keep case A's two inputs of shape (1, 1); got {shapes}"
    A, B, Y = bit_matrix_pairs(256, size=1, seed=7)
    report = examine(answer, [A, B], Y, loss="binary_crossentropy")
    if report.warnings:
        return False, "the doctor still reports " + ", ".join(f.code for f in report.warnings)
    if not _solves_xor(answer):
        return False, ("the doctor passes it, but three fresh copies, each trained for 320 "
                       "steps, never got all four patterns right. Can it compute XOR at all? "
                       "That takes a hidden layer of at least 2 units between the inputs and "
                       "the output (tanh units train most reliably).")
    return True, ("the doctor finds nothing wrong with it, and a fresh copy trained for 320 "
                  "steps gets all four patterns right.")


def _count(answer):
    value = np.asarray(answer, dtype=float).reshape(-1)
    if value.size != 1:
        raise ValueError(f"expected one number, got {value.size}")
    if value[0] == 4 * 8 + 1:
        return True, ("2 x 8 + 8 weights and biases in the hidden layer, 8 + 1 in the output: "
                      "33, at every matrix size.")
    if value[0] == 3 * 8 + 1:
        return False, "each hidden unit has two weights (one per bit) and a bias."
    return False, "hidden layer: 2 inputs x 8 units + 8 biases; output: 8 weights + 1 bias."


q1 = Exercise("Exercise 1", _predict_doctor,
              "compare the range of the output's activation with what binary cross-entropy "
              "needs; give the code as a string.")
q2 = Exercise("Exercise 2", _repair,
              "build a model with case A's inputs a, b of shape (1, 1) that the doctor passes "
              "and that can learn XOR.")
q3 = Exercise("Exercise 3", _count,
              "add up each Dense layer's weights and biases; the hidden layer sees 2 numbers "
              "(the two bits of one coordinate).")


Q4_CONFIG_ARGS = dict(widths=(1, 4), activation="tanh", lr=0.05, num_steps=300)
Q4_SEEDS = 200


def _patterns():
    P = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    a, b = P[:, :1, None], P[:, 1:, None]
    return [a, b], np.logical_xor(a, b).astype(np.float32)


def _break_and_measure(answer):
    from .. import sweep
    from .._tf import keras
    from ..architectures.doctor import examine
    from ..stats import rate

    if not (isinstance(answer, tuple) and len(answer) == 2):
        return False, "give a pair (model, runs): your broken model and the sweep result."
    model, runs = answer
    if not isinstance(model, keras.Model):
        return False, f"the first item must be a Keras model, got {type(model).__name__}"
    X, y = _patterns()
    codes = examine(model, X, y, loss="binary_crossentropy").codes
    if "SCALAR_BOTTLENECK" not in codes:
        found = ", ".join(codes) or "nothing"
        return False, (f"the doctor does not name a width-1 layer in your model (it found "
                       f"{found}): put Dense(1, tanh) right after the merge, before the "
                       "hidden layer.")
    if not isinstance(runs, sweep.SweepResult):
        return False, f"the second item must be what sweep.train returns, got {type(runs).__name__}"
    if len(runs.configs) != 1 or runs.configs[0] != sweep.Config(**Q4_CONFIG_ARGS):
        return False, ("measure exactly the broken net: sweep.Config(widths=(1, 4), "
                       "activation='tanh', lr=0.05, num_steps=300).")
    if len(runs) != Q4_SEEDS or sorted(runs.seeds.tolist()) != list(range(Q4_SEEDS)):
        return False, f"train it for {Q4_SEEDS} seeds: sweep.train(config, {Q4_SEEDS})."
    p, lo, hi = rate(runs.solved)
    k = int(runs.solved.sum())
    return True, (f"the doctor names SCALAR_BOTTLENECK, and the broken net solves {p:.0%} "
                  f"({k} of {len(runs)}, 95% CI {100 * lo:.0f}-{100 * hi:.0f}%) "
                  "against 98% unbroken: harder to learn, not impossible, as in case A.")


q4 = Exercise("Exercise 4", _break_and_measure,
              "build the shared net with a Dense(1, tanh) right after the merge, then give "
              "(model, sweep.train(sweep.Config(widths=(1, 4), ...), 200)).")
