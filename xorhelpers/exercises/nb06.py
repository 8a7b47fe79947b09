"""Exercises of notebook 06 (LSTM parity): running parity, the complement rewrite, a jammed
forget gate, a parity MLP."""

from __future__ import annotations

import numpy as np

from . import Exercise

Q1_BITS = (1, 0, 1, 1, 0, 1, 0, 0)
Q2_PRE_ACTIVATION = (0.7, -0.2, 0.1)  # weight on b, weight on 1-b, bias
Q4_NUM_BITS = 5


def _numbers(answer, size: int) -> np.ndarray:
    values = np.asarray(answer, dtype=float).reshape(-1)
    if values.size != size:
        raise ValueError(f"expected {size} numbers, got {values.size}")
    return values


def _check_q1(answer):
    expected = np.cumsum(Q1_BITS) % 2
    got = _numbers(answer, len(Q1_BITS))
    if np.array_equal(got, expected):
        return True, "each entry is the previous one XOR the new bit."
    first = int(np.flatnonzero(got != expected)[0])
    return False, (f"entry {first} (0-based) is off: it is the parity of bits 0..{first}, "
                   f"i.e. the previous entry XOR bit {first}.")


def _check_q2(answer):
    w_bit, w_not, bias = Q2_PRE_ACTIVATION
    w, c = _numbers(answer, 2)
    if np.isclose(w, w_bit - w_not) and np.isclose(c, bias + w_not):
        return True, ("the complement input is a plain input plus a bias, so it cannot "
                      "add anything the plain network lacks.")
    return False, "expand w1*b + w2*(1-b) + bias and collect the terms in b and the constant."


def _check_q4(answer):
    expected = np.where(np.arange(Q4_NUM_BITS) == 0, 1.0,
                        2.0 * (-1.0) ** np.arange(Q4_NUM_BITS))
    got = _numbers(answer, Q4_NUM_BITS)
    if np.allclose(got, expected):
        return True, "the output rises by 1 on even counts and falls by 1 on odd ones."
    return False, ("with s ones, units k < s are active with value s - k; choose the weights "
                   "so the sum is 0, 1, 0, 1, ... for s = 0, 1, 2, 3, ...")


Q3_FORGET_OPEN = 0.9  # a forget gate jammed open: at least this at every step checked


def _check_q3(answer):
    from ..data import parity_sequences
    from ..parity.evaluate import final_step_accuracy
    from ..parity.gates import lstm_gates

    if not (isinstance(answer, tuple) and len(answer) == 2):
        return False, "give a pair (prediction, jammed): your predicted accuracy and the model."
    prediction, jammed = answer
    (prediction,) = _numbers(prediction, 1)
    if not 0 <= prediction <= 1:
        return False, f"the prediction is an accuracy between 0 and 1, got {prediction:g}."
    try:
        X, _ = parity_sequences(200, 50, seed=4, complement=int(jammed.input.shape[-1]) == 2)
        f = lstm_gates(jammed, X)["f"]
    except (AttributeError, TypeError, ValueError) as exc:
        return False, f"the second item must be a parity LSTM such as member_model(...) ({exc})"
    if f.min() < Q3_FORGET_OPEN:
        return False, (f"its forget gate still falls to {f.min():.2f}: add more to the forget "
                       "gate's bias, bias[1] (Keras orders the gates i, f, g, o).")
    acc = final_step_accuracy(jammed, 50)
    verdict = ("it no longer counts" if acc < 0.6 else "it still counts" if acc >= 0.99
               else "it counts only partly")
    return True, (f"with the forget gate jammed open, {verdict}: {acc:.1%} right on fresh 50-bit "
                  f"strings (you predicted {prediction:.0%}). The unit can no longer wipe its "
                  "old state at a 1-bit, so it cannot flip.")


q1 = Exercise(
    "Exercise 1", _check_q1,
    f"list the running parity of the bits {list(Q1_BITS)}: one 0/1 per bit.")
q2 = Exercise(
    "Exercise 2", _check_q2,
    "a gate computes 0.7*b - 0.2*(1-b) + 0.1 on the input [b, 1-b]; give (w, c) so that "
    "w*b + c is the same for b = 0 and b = 1.")
q3 = Exercise(
    "Exercise 3", _check_q3,
    "add 10 to the forget gate's bias of the solved network, then give (prediction, jammed): "
    "your predicted accuracy on 50-bit strings and the changed model.")
q4 = Exercise(
    "Exercise 4", _check_q4,
    f"give the {Q4_NUM_BITS} output weights w of hand_built_parity({Q4_NUM_BITS}); hidden "
    "unit k is relu(number of ones - k).")
