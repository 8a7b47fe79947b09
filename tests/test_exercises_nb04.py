"""Exercise checkers of notebook 04: the solutions pass, wrong answers are told why."""

import numpy as np
import pytest

from xorhelpers import sweep
from xorhelpers.clinic import born_dead, case_e
from xorhelpers.exercises import nb04
from xorhelpers.nets import scratch


@pytest.mark.parametrize("exercise", [nb04.q1, nb04.q2, nb04.q3, nb04.q4, nb04.q5])
def test_unanswered(exercise, check):
    ok, out = check(exercise, ...)
    assert ok is False and "not answered yet" in out


def test_q1_relu_slope(check):
    assert check(nb04.q1, [0, 1, 1, 0])[0]
    assert check(nb04.q1, np.array([0.0, 1.0, 1.0, 0.0]))[0]
    ok, out = check(nb04.q1, [1, 1, 1, 1])
    assert not ok and "case E" in out
    assert not check(nb04.q1, [0, 1, 1])[0]  # wrong length: could not check
    # the solution is what the scratch net uses, and case E's derivative gives the ones
    Z = nb04.Q1_Z
    assert case_e.buggy_relu_derivative(Z, scratch.activate("relu", Z)).tolist() == [1] * 4


def test_q4_loss_and_accuracy(check):
    assert check(nb04.q4, (0.2025, 1.0))[0]
    ok, out = check(nb04.q4, (0.2025, 0.2025))
    assert not ok and "right side" in out
    ok, out = check(nb04.q4, (0.25, 1.0))
    assert not ok and "0.45" in out


def test_q2_layer_off_at_one_point(check):
    assert check(nb04.q2, 1 / 16)[0]
    ok, out = check(nb04.q2, 0.5)
    assert not ok and "all four" in out
    assert not check(nb04.q2, 0.25)[0]
    for extra in ([1 / 16, 99], (1 / 16, 1 / 16), np.array([0.0625, 0.5])):
        ok, out = check(nb04.q2, extra)
        assert not ok and "expected 1 number" in out
    assert check(nb04.q2, [1 / 16])[0]


def test_q3_single_point_bound(check):
    assert check(nb04.q3, 1 - (7 / 8) ** 9)[0]
    assert check(nb04.q3, 0.70)[0]
    ok, out = check(nb04.q3, 1 - (7 / 8) ** 10)
    assert not ok and "first layer" in out
    ok, out = check(nb04.q3, [0.699, 99])
    assert not ok and "expected 1 number" in out
    assert not check(nb04.q3, 0.5)[0]
    assert born_dead.single_point_bound(3, 10) == pytest.approx(1 - 0.875 ** 9)


def test_q5_predict_then_measure(check):
    runs = sweep.train(nb04.Q5_CONFIG, 200)
    ok, out = check(nb04.q5, (0.74, runs))
    assert ok and "inside it" in out
    assert "measured 74% (147 of 200, 95% CI 67-79%)" in out  # what the notebook's solution states
    ok, out = check(nb04.q5, (0.2, runs))  # a poor prediction: the measurement still counts
    assert ok and "below it" in out
    assert "above it" in check(nb04.q5, (1.0, runs))[1]
    ok, out = check(nb04.q5, (0.74, sweep.train(nb04.Q5_CONFIG.replace(widths=(3, 3)), 200)))
    assert not ok and "widths=(4, 4)" in out
    ok, out = check(nb04.q5, (0.74, sweep.train(nb04.Q5_CONFIG, 50)))
    assert not ok and "200 seeds" in out
    ok, out = check(nb04.q5, (0.74, runs.for_config(0).select(runs.seeds < 200)))
    assert ok
    for wrong in (0.74, (0.74,), (1.5, runs), (0.74, "runs")):
        assert not check(nb04.q5, wrong)[0]
    # the configuration is case E with all three fixes, only the width changed
    assert nb04.Q5_CONFIG.replace(widths=(3, 3)) == case_e.sweep_config(he_init=True, budget=True)
