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


def and_share(num: int = 1_000_000, seed: int = 0) -> float:
    """The share of ``linear.random_threshold_units(num, seed)`` that compute AND on the four
    points: what exercise 4 of notebook 01 asks the learner to measure."""
    from ..nets.linear import random_threshold_units
    W, b = random_threshold_units(num, seed=seed)
    out = W @ _X.T + b[:, None] > 0
    return float((out == _AND.astype(bool)).all(axis=1).mean())


def _measured_and_share(answer):
    value = float(answer) if not isinstance(answer, bool) else None
    if value is None:
        raise TypeError("give a number (a share between 0 and 1), not True/False")
    share = and_share()
    if abs(value - share) <= 0.0005:
        return True, (f"{share:.2%} of the random units compute AND, far fewer than 1 in 14: "
                      "the labelings a line can make are not equally likely (the two constant "
                      "ones take over half the units).")
    if abs(value - share * 1_000_000) <= 500:
        return False, "that is a count of units; give the share (divide by a million)."
    if abs(value - 1 / 14) <= 0.002:
        return False, ("1/14 is the guess that all 14 labelings are equally likely; measure it: "
                       "count the units whose four AND conditions all hold.")
    if value == 0:
        return False, "none is XOR's count; AND is linearly separable, so some units compute it."
    return False, ("AND needs b <= 0, w2 + b <= 0, w1 + b <= 0 and w1 + w2 + b > 0 together; "
                   "count the units meeting all four and divide by a million.")


q4 = Exercise("Exercise 4", _measured_and_share,
              "change the four conditions of the counting cell to AND's and give the share of "
              "the million units (seed 0) that meet all four.")
