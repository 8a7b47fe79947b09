"""Exercise checkers of notebook 04: the solutions pass, wrong answers are told why."""

import numpy as np
import pytest

from xorhelpers import born_dead, scratch
from xorhelpers.exercises import nb04


def _check(exercise, answer, capsys):
    ok = exercise.check(answer)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return ok, out


@pytest.mark.parametrize("exercise", [nb04.q1, nb04.q2, nb04.q3, nb04.q4])
def test_unanswered(exercise, capsys):
    ok, out = _check(exercise, ..., capsys)
    assert ok is False and "not answered yet" in out


def test_q1_relu_slope(capsys):
    assert _check(nb04.q1, [0, 1, 1, 0], capsys)[0]
    assert _check(nb04.q1, np.array([0.0, 1.0, 1.0, 0.0]), capsys)[0]
    ok, out = _check(nb04.q1, [1, 1, 1, 1], capsys)
    assert not ok and "case E" in out
    assert not _check(nb04.q1, [0, 1, 1], capsys)[0]  # wrong length: could not check
    # the solution is what the scratch net uses, and case E's derivative gives the ones
    Z = nb04.Q1_Z
    assert scratch.case_e_relu_derivative(Z, scratch.activate("relu", Z)).tolist() == [1] * 4


def test_q4_loss_and_accuracy(capsys):
    assert _check(nb04.q4, (0.2025, 1.0), capsys)[0]
    ok, out = _check(nb04.q4, (0.2025, 0.2025), capsys)
    assert not ok and "right side" in out
    ok, out = _check(nb04.q4, (0.25, 1.0), capsys)
    assert not ok and "0.45" in out


def test_q2_layer_off_at_one_point(capsys):
    assert _check(nb04.q2, 1 / 16, capsys)[0]
    ok, out = _check(nb04.q2, 0.5, capsys)
    assert not ok and "all four" in out
    assert not _check(nb04.q2, 0.25, capsys)[0]


def test_q3_single_point_bound(capsys):
    assert _check(nb04.q3, 1 - (7 / 8) ** 9, capsys)[0]
    assert _check(nb04.q3, 0.70, capsys)[0]
    ok, out = _check(nb04.q3, 1 - (7 / 8) ** 10, capsys)
    assert not ok and "first layer" in out
    assert born_dead.single_point_bound(3, 10) == pytest.approx(1 - 0.875 ** 9)
