"""Exercise checkers of notebook 05: the solutions pass, wrong answers are told why."""

import pytest

from xorhelpers import sweep
from xorhelpers._tf import keras
from xorhelpers.architectures import case_a, doctor
from xorhelpers.data import truth_table
from xorhelpers.exercises import nb05
from xorhelpers.nets.models import count_params


@pytest.mark.parametrize("exercise", [nb05.q1, nb05.q2, nb05.q3, nb05.q4])
def test_unanswered(exercise, check):
    ok, out = check(exercise, ...)
    assert ok is False and "not answered yet" in out


def test_q1_predict_the_doctor(check):
    X, y = truth_table()
    report = doctor.examine(nb05.tanh_output_model(), X, y, loss="binary_crossentropy")
    assert "OUTPUT_LOSS_MISMATCH" in report.codes  # the answer is what the doctor says
    assert check(nb05.q1, "OUTPUT_LOSS_MISMATCH")[0]
    assert check(nb05.q1, " output_loss_mismatch ")[0]
    ok, out = check(nb05.q1, "DEAD_UNITS")
    assert not ok and "output layer" in out
    ok, out = check(nb05.q1, "BROKEN")
    assert not ok and "not one of" in out
    assert not check(nb05.q1, 3)[0]


def _repaired(width=4):
    keras.utils.set_random_seed(0)
    a, b = keras.Input((1, 1)), keras.Input((1, 1))
    x = keras.layers.Concatenate()([a, b])
    if width:
        x = keras.layers.Dense(width, activation="tanh")(x)
    return keras.Model([a, b], keras.layers.Dense(1, activation="sigmoid")(x))


def test_q2_repair(check):
    assert check(nb05.q2, _repaired())[0]
    ok, out = check(nb05.q2, case_a.learner_model(1, seed=0))
    assert not ok and "OUTPUT_LOSS_MISMATCH" in out
    ok, out = check(nb05.q2, case_a.learner_model(2, seed=0))
    assert not ok and "(1, 1)" in out
    assert not check(nb05.q2, "model")[0]


def test_q2_a_linear_model_is_refused_by_the_doctor(check):
    linear = _repaired(width=0)  # no line computes XOR, and the doctor says so
    report = doctor.examine(linear, *_pairs(), loss="binary_crossentropy")
    assert report.has("NO_HIDDEN_NONLINEARITY")
    ok, out = check(nb05.q2, linear)
    assert not ok and "NO_HIDDEN_NONLINEARITY" in out


def test_q2_needs_a_model_that_can_learn_xor(check, monkeypatch):
    monkeypatch.setattr(nb05, "_solves_xor", lambda model: False)  # a model that never learns
    ok, out = check(nb05.q2, _repaired())
    assert not ok and "never got all four patterns right" in out


def test_q2_accepts_the_shared_net(check):
    assert check(nb05.q2, case_a.shared_xor_net(4))[0]  # its inputs take any size


def _pairs():
    from xorhelpers.data import bit_matrix_pairs

    A, B, Y = bit_matrix_pairs(64, size=1, seed=0)
    return [A, B], Y


def test_q3_count(check):
    assert check(nb05.q3, count_params(case_a.shared_xor_net(hidden=8)))[0]
    ok, out = check(nb05.q3, 25)
    assert not ok and "two weights" in out
    assert not check(nb05.q3, 100)[0]


def _bottlenecked(first=1):
    keras.utils.set_random_seed(0)
    a, b = keras.Input((1, 1)), keras.Input((1, 1))
    x = keras.layers.Concatenate()([a, b])
    x = keras.layers.Dense(first, activation="tanh")(x)
    x = keras.layers.Dense(4, activation="tanh")(x)
    return keras.Model([a, b], keras.layers.Dense(1, activation="sigmoid")(x))


def test_q4_break_and_measure(check):
    runs = sweep.train(sweep.Config(**nb05.Q4_CONFIG_ARGS), 200)
    ok, out = check(nb05.q4, (_bottlenecked(), runs))
    assert ok and "SCALAR_BOTTLENECK" in out and "98%" in out
    assert "solves 86% (171 of 200, 95% CI 80-90%)" in out  # what the notebook's solution states
    ok, out = check(nb05.q4, (_bottlenecked(first=3), runs))  # not broken: no bottleneck
    assert not ok and "width-1" in out
    ok, out = check(nb05.q4, (_bottlenecked(), sweep.train(sweep.Config(widths=(4,),
                    activation="tanh", lr=0.05, num_steps=300), 200)))
    assert not ok and "widths=(1, 4)" in out
    few = sweep.train(sweep.Config(**nb05.Q4_CONFIG_ARGS), 20)
    ok, out = check(nb05.q4, (_bottlenecked(), few))
    assert not ok and "200 seeds" in out
    for wrong in (_bottlenecked(), ("model", runs), (_bottlenecked(), "runs")):
        assert not check(nb05.q4, wrong)[0]
