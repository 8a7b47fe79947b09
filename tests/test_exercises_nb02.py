"""Exercise checkers of notebook 02: the stated solutions pass, wrong answers get a useful hint."""

import numpy as np
import pytest

from xorhelpers.exercises import nb02
from xorhelpers.nets.models import count_params, hand_built_xor, mlp
from xorhelpers.stats import wilson_interval


@pytest.mark.parametrize("exercise", [nb02.q1, nb02.q2, nb02.q3, nb02.q4])
def test_unanswered(exercise, check):
    ok, out = check(exercise, ...)
    assert ok is False
    assert out.startswith(f"{exercise.name}: not answered yet. Hint: {exercise.hint}")


# ---- q1: the hidden code of (1, 1) ------------------------------------------------------

def test_q1_solution_is_what_the_hand_built_net_computes():
    hidden = hand_built_xor().get_layer("hidden1")
    W, c = hidden.get_weights()
    assert np.maximum(np.array([1.0, 1.0]) @ W + c, 0).tolist() == [2.0, 1.0]


@pytest.mark.parametrize("answer", [[2, 1], (2.0, 1.0), np.array([2, 1]), [[2], [1]]])
def test_q1_accepts_the_hidden_code(answer, check):
    ok, out = check(nb02.q1, answer)
    assert ok is True and "correct!" in out


@pytest.mark.parametrize("answer", [
    [1, 2],  # order of the units swapped
    [2, 2],  # forgot the bias -1 of the second unit
    [1, 0],  # the code of (0, 1) and (1, 0)
    [2, 1, 0], [2], 2,  # wrong shape: no exception
])
def test_q1_rejects_with_the_recipe(answer, check):
    ok, out = check(nb02.q1, answer)
    assert ok is False and out.startswith("Exercise 1: not yet: ")
    assert "relu(x @ W + c)" in out


@pytest.mark.parametrize("answer", ["two", None, {"h": 1}])
def test_q1_wrong_type_is_not_yet(answer, check):
    ok, out = check(nb02.q1, answer)
    assert ok is False and out.startswith("Exercise 1: not yet: ")


# ---- q2: XNOR readout on the same hidden layer ------------------------------------------

def test_q2_solution_gives_xnor_on_the_hand_built_hidden_layer():
    model = hand_built_xor()
    model.get_layer("output").set_weights([np.array([[-1.0], [2.0]], np.float32),
                                           np.array([1.0], np.float32)])
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    assert np.asarray(model(X)).ravel().tolist() == [1.0, 0.0, 0.0, 1.0]


@pytest.mark.parametrize("answer", [(-1, 2, 1), [-1.0, 2.0, 1.0], np.array([[-1], [2], [1]])])
def test_q2_accepts_xnor(answer, check):
    ok, out = check(nb02.q2, answer)
    assert ok is True and "correct!" in out


@pytest.mark.parametrize("answer,outputs", [
    ((1, -2, 0), "[0.0, 1.0, 1.0, 0.0]"),  # XOR itself
    ((-1, 2, 0), "[0.0, -1.0, -1.0, 0.0]"),  # forgot the bias
    ((1, -2, 1), "[1.0, 2.0, 2.0, 1.0]"),
])
def test_q2_rejects_and_shows_outputs(answer, outputs, check):
    ok, out = check(nb02.q2, answer)
    assert ok is False and out.startswith("Exercise 2: not yet: ")
    assert f"your outputs are {outputs}" in out and "XNOR is [1, 0, 0, 1]" in out


@pytest.mark.parametrize("answer", [(-1, 2), (-1, 2, 1, 0), "xnor", None, 1.0])
def test_q2_wrong_shape_or_type_is_not_yet(answer, check):
    ok, out = check(nb02.q2, answer)
    assert ok is False and out.startswith("Exercise 2: not yet: ")


# ---- q3: parameters of a 2-5-1 network ----------------------------------------------------

def test_q3_solution_matches_keras():
    assert count_params(mlp([5])) == 21


@pytest.mark.parametrize("answer", [21, 21.0, np.int64(21)])
def test_q3_accepts_21(answer, check):
    ok, out = check(nb02.q3, answer)
    assert ok is True and "correct!" in out


@pytest.mark.parametrize("answer,expect", [
    (20, "count the weights"),  # forgot the output bias
    (15, "count the weights"),  # hidden layer only
    (16, "count the weights"),  # weights only, no biases
    (9, "count the weights"),  # the 2-2-1 network
    (21.5, "whole number"), (True, "whole number"), ("21", "whole number"),
])
def test_q3_rejects_with_hint(answer, expect, check):
    ok, out = check(nb02.q3, answer)
    assert ok is False and out.startswith("Exercise 3: not yet: ") and expect in out


@pytest.mark.parametrize("answer", [None, [21, 1], float("nan"), "twenty-one"])
def test_q3_wrong_type_is_not_yet(answer, check):
    ok, out = check(nb02.q3, answer)
    assert ok is False and out.startswith("Exercise 3: not yet: ")


# ---- q4: measure the 2-3-1 rate -----------------------------------------------------------

def test_solved_rate_is_the_sweep_rate_and_width_helps():
    from xorhelpers.sweep import Config, train
    recipe = Config(widths=3, activation="sigmoid", optimizer="adam", lr=0.05, num_steps=1000)
    assert nb02.solved_rate(3, 200) == train(recipe, 200).rate()[0]
    assert nb02.solved_rate(3) > nb02.solved_rate(2) + 0.1
    # the solution's figures: "about 85% (95% CI 83-87%)"
    rate3 = nb02.solved_rate(3)
    lo, hi = wilson_interval(round(rate3 * 1000), 1000)
    assert f"{100 * rate3:.0f}% (95% CI {100 * lo:.0f}-{100 * hi:.0f}%)" == "85% (95% CI 83-87%)"


def test_q4_accepts_the_measured_rate(check):
    rate = nb02.solved_rate(3)
    for answer in (rate, round(rate, 2) if abs(round(rate, 2) - rate) <= 0.005 else rate):
        ok, out = check(nb02.q4, answer)
        assert ok is True and "correct!" in out


@pytest.mark.parametrize("answer,expect", [
    (lambda: nb02.solved_rate(2), "2-2-1 rate"), (lambda: 85.0, "fraction"),
    (lambda: 0.2, "run train"), (lambda: True, "could not check")])
def test_q4_rejects_other_answers_with_a_hint(answer, expect, check):
    ok, out = check(nb02.q4, answer())
    assert ok is False and expect in out
