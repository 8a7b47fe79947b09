"""Exercise checkers of notebook 04: the solutions pass, wrong answers are told why."""

import numpy as np
import pytest

from xorhelpers import born_dead, case_e, scratch
from xorhelpers.exercises import nb04


@pytest.mark.parametrize("exercise", [nb04.q1, nb04.q2, nb04.q3, nb04.q4])
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
    assert case_e.relu_derivative(Z, scratch.activate("relu", Z)).tolist() == [1] * 4


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
