"""Exercises of notebook 01 (linear non-separability)."""

from __future__ import annotations

import numpy as np

from ..data import truth_table
from . import Exercise

_X, _Y = truth_table()
_AND = np.array([0, 0, 0, 1], dtype=float)
PERCEPTRON_UNIT = (1.0, 1.0, -3.0, 0.0)  # what notebook 01's perceptron finds on (x1, x2, x1*x2)


def _threshold_outputs(params, n_features: int) -> np.ndarray:
    params = np.asarray(params, dtype=float).reshape(-1)
    if params.shape[0] != n_features + 1:
        raise ValueError(f"expected {n_features + 1} numbers (weights then bias), "
                         f"got {params.shape[0]}")
    X = _X if n_features == 2 else np.column_stack([_X, _X[:, 0] * _X[:, 1]])
    return (X @ params[:-1] + params[-1] > 0).astype(float)


def _and_unit(answer):
    out = _threshold_outputs(answer, 2)
    if np.array_equal(out, _AND):
        return True, "w1 x1 + w2 x2 + b > 0 only at (1, 1): AND is linearly separable."
    return False, (f"your unit outputs {out.astype(int).tolist()} on (0,0), (0,1), (1,0), "
                   "(1,1); AND is [0, 0, 0, 1].")


def _best_count(answer):
    if isinstance(answer, bool) or int(answer) != answer:
        return False, "give a whole number of points."
    if int(answer) == 3:
        return True, "three is reachable (any line that cuts off one corner), four never is."
    if int(answer) == 4:
        return False, "four would mean the four inequalities hold together; add the middle two."
    if not 0 <= int(answer) <= 4:
        return False, "there are only four points: the answer is between 0 and 4."
    return False, "you can do better: a line cutting one corner off gets more points right."


def _product_unit(answer):
    out = _threshold_outputs(answer, 3)
    params = np.asarray(answer, dtype=float).reshape(-1)
    mine = np.array(PERCEPTRON_UNIT)
    if np.array_equal(out, _Y) and np.allclose(params / np.linalg.norm(params),
                                               mine / np.linalg.norm(mine)):
        return False, ("that is the perceptron's unit (1, 1, -3, 0), or a positive multiple of "
                       "it; the exercise asks for a different one.")
    if np.array_equal(out, _Y):
        return True, "with x1*x2 as a third input, one threshold unit computes XOR."
    return False, f"your unit outputs {out.astype(int).tolist()}; XOR is [0, 1, 1, 0]."


q1 = Exercise("Exercise 1", _and_unit,
              "give (w1, w2, b) so that w1*x1 + w2*x2 + b > 0 only at (1, 1).")
q2 = Exercise("Exercise 2", _best_count,
              "how many of the four XOR points can one straight line put on the right side?")
q3 = Exercise("Exercise 3", _product_unit,
              "give (w1, w2, w3, b) for the inputs (x1, x2, x1*x2); start from x1 + x2 - 2*x1*x2.")
