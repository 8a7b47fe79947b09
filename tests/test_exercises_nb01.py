"""Exercise checkers of notebook 01: the stated solutions pass, wrong answers get a useful hint."""

import numpy as np
import pytest

from xorhelpers.exercises import nb01


@pytest.mark.parametrize("exercise", [nb01.q1, nb01.q2, nb01.q3, nb01.q4])
def test_unanswered(exercise, check):
    ok, out = check(exercise, ...)
    assert ok is False
    assert out.startswith(f"{exercise.name}: not answered yet. Hint: {exercise.hint}")


# ---- q1: a threshold unit computing AND ------------------------------------------------

@pytest.mark.parametrize("answer", [
    (1, 1, -1.5),  # the notebook's solution
    [1, 1, -1], np.array([1.0, 1.0, -1.99]), (2, 2, -3), (1, 2, -2.5), [[1, 1, -1.5]],
])
def test_q1_accepts_and_units(answer, check):
    ok, out = check(nb01.q1, answer)
    assert ok is True and "correct!" in out


@pytest.mark.parametrize("answer,outputs", [
    ((1, 1, -0.5), "[0, 1, 1, 1]"),  # OR
    ((1, 1, -2), "[0, 0, 0, 0]"),  # b = -2: (1, 1) lands on the line, not above it
    ((1, 1, 0), "[0, 1, 1, 1]"),
    ((-1, -1, 1.5), "[1, 1, 1, 0]"),  # NAND
    ((1, 0, -0.5), "[0, 0, 1, 1]"),
])
def test_q1_rejects_other_units_and_shows_their_outputs(answer, outputs, check):
    ok, out = check(nb01.q1, answer)
    assert ok is False
    assert out.startswith("Exercise 1: not yet: ")
    assert outputs in out and "[0, 0, 0, 1]" in out


@pytest.mark.parametrize("answer,expect", [
    ((1, 1), "expected 3 numbers"), ((1, 1, 1, 1), "expected 3 numbers"),
    ("abc", "could not check"), (None, "could not check"), ({"w": 1}, "could not check"),
    (1.5, "expected 3 numbers"),
])
def test_q1_wrong_shape_or_type_is_not_yet(answer, expect, check):
    ok, out = check(nb01.q1, answer)
    assert ok is False and out.startswith("Exercise 1: not yet: ") and expect in out


# ---- q2: most XOR points one line gets right ------------------------------------------

@pytest.mark.parametrize("answer", [3, 3.0, np.int64(3), np.float32(3)])
def test_q2_accepts_three(answer, check):
    ok, out = check(nb01.q2, answer)
    assert ok is True and "correct!" in out


@pytest.mark.parametrize("answer,expect", [
    (4, "inequalities"), (2, "better"), (1, "better"), (0, "better"),
    (5, "only four points"), (-1, "only four points"), (2.5, "whole number"),
    (True, "whole number"), ("3", "whole number"),
])
def test_q2_rejects_with_hint(answer, expect, check):
    ok, out = check(nb01.q2, answer)
    assert ok is False and out.startswith("Exercise 2: not yet: ") and expect in out


@pytest.mark.parametrize("answer", [None, [3, 4], (3,), float("nan"), float("inf"), "three"])
def test_q2_wrong_type_is_not_yet(answer, check):
    ok, out = check(nb01.q2, answer)
    assert ok is False and out.startswith("Exercise 2: not yet: ")


# ---- q3: XOR from (x1, x2, x1*x2) -------------------------------------------------------

@pytest.mark.parametrize("answer", [
    (1, 1, -2, -0.5),  # the notebook's solution
    (2, 2, -4, -1), (1, 1, -3, -0.5), (1, 1, -2, 0), np.array([1.0, 1.0, -2.0, -0.1]),
])
def test_q3_accepts_xor_units(answer, check):
    ok, out = check(nb01.q3, answer)
    assert ok is True and "correct!" in out


@pytest.mark.parametrize("answer,outputs", [
    ((1, 1, -2, -1), "[0, 0, 0, 0]"),  # bias too low: nothing exceeds 0
    ((1, 1, 0, -0.5), "[0, 1, 1, 1]"),  # forgot the product: OR
    ((1, 1, -1, -0.5), "[0, 1, 1, 1]"),  # product weight too small
    ((-1, -1, 2, 0.5), "[1, 0, 0, 1]"),  # XNOR
])
def test_q3_rejects_other_units(answer, outputs, check):
    ok, out = check(nb01.q3, answer)
    assert ok is False and out.startswith("Exercise 3: not yet: ")
    assert outputs in out and "XOR is [0, 1, 1, 0]" in out


def test_q3_rejects_the_perceptrons_own_unit(check):
    for answer in [(1, 1, -3, 0), (2.0, 2.0, -6.0, 0.0)]:
        ok, out = check(nb01.q3, answer)
        assert ok is False and "perceptron" in out
    assert nb01.PERCEPTRON_UNIT == (1.0, 1.0, -3.0, 0.0)


@pytest.mark.parametrize("answer", [(1, 1, -0.5), (1, 1, -2, -0.5, 0), "x", None])
def test_q3_wrong_shape_or_type_is_not_yet(answer, check):
    ok, out = check(nb01.q3, answer)
    assert ok is False and out.startswith("Exercise 3: not yet: ")


# ---- q4: measure the share of random units computing AND --------------------------------

def test_and_share_counts_units_independently():
    from xorhelpers.nets.linear import random_threshold_units
    W, b = random_threshold_units(1_000_000, seed=0)
    want = ((b <= 0) & (W[:, 1] + b <= 0) & (W[:, 0] + b <= 0) & (W.sum(axis=1) + b > 0)).mean()
    assert nb01.and_share() == pytest.approx(want, abs=0)
    assert 0.015 < nb01.and_share() < 1 / 14  # rarer than an even split of 14 labelings
    # the solution's figures: "about 2.1%, about three times fewer than 1 in 14"
    assert f"{nb01.and_share():.1%}" == "2.1%" and round(1 / 14 / nb01.and_share()) == 3
    assert nb01.and_share(1000, seed=1) != nb01.and_share(1000, seed=2)


def test_q4_accepts_the_measured_share(check):
    share = nb01.and_share()
    for answer in (share, round(share, 4), np.float64(share + 0.0004)):
        ok, out = check(nb01.q4, answer)
        assert ok is True and "correct!" in out


@pytest.mark.parametrize("answer,expect", [
    (1 / 14, "equally likely"), (0, "XOR"), (0.27, "count the units"),
    (True, "could not check"), ("a lot", "could not check")])
def test_q4_rejects_guesses_with_a_hint(answer, expect, check):
    ok, out = check(nb01.q4, answer)
    assert ok is False and expect in out


def test_q4_recognises_a_count(check):
    ok, out = check(nb01.q4, nb01.and_share() * 1_000_000)
    assert ok is False and "count of units" in out


def test_q4_message_holds_constant_labelings_take_over_half():
    from xorhelpers.nets.linear import random_threshold_units
    W, b = random_threshold_units(1_000_000, seed=0)
    out = W @ nb01._X.T + b[:, None] > 0
    assert (out.all(axis=1) | ~out.any(axis=1)).mean() > 0.5
