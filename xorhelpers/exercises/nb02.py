"""Exercises of notebook 02 (the smallest solution)."""

from __future__ import annotations

import numpy as np

from .. import maths
from ..data import truth_table
from ..models import HAND_C, HAND_W
from . import Exercise

_X, _Y = truth_table()


def _hidden_code(answer):
    got = np.asarray(answer, dtype=float).reshape(-1)
    want = maths.activate("relu", _X[3] @ HAND_W + HAND_C)
    if got.shape == want.shape and np.allclose(got, want):
        return True, "h = relu([1+1, 1+1-1]) = [2, 1]; the output is 2 - 2*1 = 0."
    return False, "apply h = relu(x @ W + c) with x = [1, 1], W = [[1,1],[1,1]], c = [0, -1]."


def _xnor_readout(answer):
    w1, w2, b = (float(v) for v in np.asarray(answer, dtype=float).reshape(3))
    H = maths.activate("relu", _X @ HAND_W + HAND_C)
    out = H @ np.array([w1, w2]) + b
    want = 1 - _Y
    if np.allclose(out, want):
        return True, "out = 1 - (h1 - 2 h2): XNOR with the same hidden layer."
    return False, f"your outputs are {np.round(out, 3).tolist()}; XNOR is [1, 0, 0, 1]."


def _param_count(answer):
    if isinstance(answer, bool) or int(answer) != answer:
        return False, "give a whole number."
    if int(answer) == 4 * 5 + 1:
        return True, "2*5 + 5 weights and biases in, 5 + 1 out: 4H + 1 with H = 5."
    return False, "count the weights (inputs x units) and one bias per unit, for both layers."


q1 = Exercise("Exercise 1", _hidden_code, "the hidden code of (1, 1) is a list of two numbers.")
q2 = Exercise("Exercise 2", _xnor_readout,
              "keep W and c; give (w1, w2, b) of the output unit so it computes XNOR = 1 - XOR.")
q3 = Exercise("Exercise 3", _param_count,
              "how many trainable parameters has a 2-5-1 network (5 hidden units, 1 output)?")
