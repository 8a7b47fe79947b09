"""Exercises of notebook 04 (the dead-ReLU clinic)."""

from __future__ import annotations

import numpy as np

from .. import maths, sweep
from ..clinic import case_e
from ..clinic.born_dead import single_point_bound
from ..data import truth_table
from ..nets.scratch import activate, relu_derivative
from ..stats import rate
from . import Exercise

_X, _Y = truth_table()
Q1_Z = np.array([-2.0, 0.5, 3.0, -0.1])
Q2_OUTPUTS = np.array([0.45, 0.55, 0.55, 0.45])


def _numbers(answer, n: int) -> np.ndarray:
    values = np.asarray(answer, dtype=float).reshape(-1)
    if values.shape[0] != n:
        raise ValueError(f"expected {n} number{'s' if n != 1 else ''}, got {values.shape[0]}")
    return values


def _relu_slope(answer):
    got = _numbers(answer, len(Q1_Z))
    want = relu_derivative(Q1_Z, activate("relu", Q1_Z))
    if np.array_equal(got, want):
        return True, ("1 where Z > 0, else 0. Case E's (A >= 0) gives [1, 1, 1, 1]: "
                      "it lets gradient through units that are off.")
    if np.array_equal(got, np.ones(len(Q1_Z))):
        return False, "that is case E's bug: A = relu(Z) is never negative. Look at Z itself."
    return False, "the slope of relu is 1 where its input Z is positive and 0 where it is negative."


def _loss_and_accuracy(answer):
    mse, accuracy = _numbers(answer, 2)
    want_mse = float(maths.squared_error(Q2_OUTPUTS, _Y).mean())
    want_acc = float(((Q2_OUTPUTS > 0.5) == (_Y > 0.5)).mean())
    if abs(mse - want_mse) < 5e-4 and abs(accuracy - want_acc) < 1e-9:
        return True, ("MSE 0.2025 with every point right: a loss measures how far the outputs "
                      "are from the targets, not the share of right answers.")
    if abs(mse - want_mse) >= 5e-4:
        return False, "each output is 0.45 away from its target: the MSE is the mean of 0.45^2."
    return False, "count the outputs on the right side of 0.5 and divide by 4."


def _layer_off(answer):
    (value,) = _numbers(answer, 1)
    if abs(value - 2.0 ** -4) < 1e-3:
        return True, "each unit is off with probability 1/2, independently: (1/2)^4 = 1/16."
    if abs(value - 0.5) < 1e-9:
        return False, "that is one unit; all four have to be off at once."
    return False, "one unit is off with probability 1/2; the four units are independent."


def _bound(answer):
    (value,) = _numbers(answer, 1)
    want = single_point_bound(3, 10)
    if abs(value - want) < 5e-3:
        return True, (f"1 - (7/8)^9 = {want:.3f}: nine layers that can die, each with "
                      "probability 1/8 at one point; the measured rate sits below it.")
    if abs(value - single_point_bound(3, 10, skip_first=False)) < 5e-3:
        return False, "on the interval the first layer cannot die (zero biases): nine layers."
    return False, "one minus the probability that none of the layers 2..10 is off at the point."


Q5_CONFIG = case_e.sweep_config(he_init=True, budget=True).replace(widths=(4, 4))
Q5_SEEDS = 200


def _predict_then_measure(answer):
    if not (isinstance(answer, tuple) and len(answer) == 2):
        return False, "give a pair (prediction, runs): your predicted share and the sweep result."
    prediction, runs = answer
    (prediction,) = _numbers(prediction, 1)
    if not 0 <= prediction <= 1:
        return False, f"the prediction is a share between 0 and 1, got {prediction:g}."
    if not isinstance(runs, sweep.SweepResult):
        return False, f"runs must be what sweep.train returns, got {type(runs).__name__}."
    if len(runs.configs) != 1 or runs.configs[0] != Q5_CONFIG:
        return False, ("train exactly one config: case_e.sweep_config(he_init=True, budget=True)"
                       ".replace(widths=(4, 4)).")
    if len(runs) != Q5_SEEDS or sorted(runs.seeds.tolist()) != list(range(Q5_SEEDS)):
        return False, f"train it for {Q5_SEEDS} seeds: sweep.train(config, {Q5_SEEDS})."
    solved = case_e.solved(runs)
    p, lo, hi = rate(solved)
    where = ("inside it" if lo <= prediction <= hi
             else "below it" if prediction < lo else "above it")
    return True, (f"measured {p:.0%} ({int(solved.sum())} of {len(solved)}, 95% CI "
                  f"{100 * lo:.0f}-{100 * hi:.0f}%); your prediction, "
                  f"{prediction:.0%}, is {where}. Width 3 gave 52%, width 8 98%.")


q1 = Exercise("Exercise 1", _relu_slope,
              "give the correct relu derivative at Z = [-2.0, 0.5, 3.0, -0.1], four numbers.")
q2 = Exercise("Exercise 2", _layer_off,
              "at one input, what is the probability that all 4 units of a ReLU layer are off?")
q3 = Exercise("Exercise 3", _bound,
              "the single-point upper bound for width 3 and depth 10 on the interval [-1, 1].")
q4 = Exercise("Exercise 4", _loss_and_accuracy,
              "outputs [0.45, 0.55, 0.55, 0.45] on targets [0, 1, 1, 0]: give (mse, accuracy).")
q5 = Exercise("Exercise 5", _predict_then_measure,
              "predict the share of 200 seeds solved with 4 units per layer, then give "
              "(prediction, sweep.train(config, 200)).")
