"""Exercises of notebook 06 (LSTM parity): running parity, the complement rewrite, a parity MLP."""

from __future__ import annotations

import numpy as np

from . import Exercise

Q1_BITS = (1, 0, 1, 1, 0, 1, 0, 0)
Q2_PRE_ACTIVATION = (0.7, -0.2, 0.1)  # weight on b, weight on 1-b, bias
Q3_NUM_BITS = 5


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


def _check_q3(answer):
    expected = np.where(np.arange(Q3_NUM_BITS) == 0, 1.0,
                        2.0 * (-1.0) ** np.arange(Q3_NUM_BITS))
    got = _numbers(answer, Q3_NUM_BITS)
    if np.allclose(got, expected):
        return True, "the output rises by 1 on even counts and falls by 1 on odd ones."
    return False, ("with s ones, units k < s are active with value s - k; choose the weights "
                   "so the sum is 0, 1, 0, 1, ... for s = 0, 1, 2, 3, ...")


q1 = Exercise(
    "Exercise 1", _check_q1,
    f"list the running parity of the bits {list(Q1_BITS)}: one 0/1 per bit.")
q2 = Exercise(
    "Exercise 2", _check_q2,
    "a gate computes 0.7*b - 0.2*(1-b) + 0.1 on the input [b, 1-b]; give (w, c) so that "
    "w*b + c is the same for b = 0 and b = 1.")
q3 = Exercise(
    "Exercise 3", _check_q3,
    f"give the {Q3_NUM_BITS} output weights w of hand_built_parity({Q3_NUM_BITS}); hidden "
    "unit k is relu(number of ones - k).")
