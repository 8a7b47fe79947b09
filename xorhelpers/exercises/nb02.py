"""Exercises of notebook 02 (the smallest solution)."""

from __future__ import annotations

import numpy as np

from .. import maths
from ..data import truth_table
from ..nets.models import HAND_C, HAND_W
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


def solved_rate(width: int, num_seeds: int = 1000) -> float:
    """The share of ``num_seeds`` 2-``width``-1 sigmoid networks that solve XOR with notebook 02's
    recipe (Glorot, zero biases, Adam lr 0.05, 1,000 full-batch steps), as ``sweep.train``
    measures it: what exercise 4 asks the learner to measure for width 3."""
    from ..sweep import Config, train
    recipe = Config(widths=width, activation="sigmoid", optimizer="adam", lr=0.05, num_steps=1000)
    return float(train(recipe, num_seeds).solved.mean())


def _measured_width3(answer):
    if isinstance(answer, bool):
        raise TypeError("give a rate between 0 and 1, not True/False")
    value = float(answer)
    if value > 1:
        return False, "give the rate as a fraction between 0 and 1 (e.g. 0.5), not a percentage."
    rate3, rate2 = solved_rate(3), solved_rate(2)
    if abs(value - rate3) <= 0.005:
        return True, (f"{rate3:.0%} of the 2-3-1 networks solve XOR, against {rate2:.0%} of the "
                      "2-2-1 ones: one more unit removes most failures, but not all.")
    if abs(value - rate2) <= 0.005:
        return False, "that is the 2-2-1 rate; change widths=2 to widths=3 and run again."
    return False, ("run train(Config(widths=3, activation=\"sigmoid\", optimizer=\"adam\", "
                   "lr=0.05, num_steps=1000), 1000) and give .rate()[0].")


q4 = Exercise("Exercise 4", _measured_width3,
              "predict, then change widths=2 to widths=3 in the sweep of 'How often does it work?' "
              "and give the measured rate of solved seeds (a fraction).")
