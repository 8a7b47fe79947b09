"""The doctor's checks of what the output knows of its input: a model with no nonlinearity
before its output (NO_HIDDEN_NONLINEARITY) and an output nearly constant over the batch
(OUTPUT_IGNORES_INPUT)."""

import math

import numpy as np
import pytest

from xorhelpers._tf import keras
from xorhelpers.architectures import case_a, doctor
from xorhelpers.architectures.doctor_input import best_linear_fit
from xorhelpers.data import bit_matrix_pairs, truth_table

X4, Y4 = truth_table()


def seq(*layers, input_shape=(2,)):
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input(input_shape), *layers])


def D(units, activation, **kw):
    return keras.layers.Dense(units, activation=activation, **kw)


def find(report, code):
    return [f for f in report.findings if f.code == code]


def test_best_linear_fit_against_known_optima():
    loss, accuracy = best_linear_fit(X4, Y4)  # XOR: the best line is the constant 1/2
    assert loss == pytest.approx(math.log(2), abs=1e-6) and accuracy == 0.5
    loss, accuracy = best_linear_fit(X4, np.array([0, 0, 0, 1.0]))  # AND is separable
    assert accuracy == 1.0 and loss < 0.05
    # one feature, labels 0, 1, 0 at x = 0, 1, 2: no threshold gets all three
    loss, accuracy = best_linear_fit(np.array([[0.0], [1.0], [2.0]]), np.array([0, 1, 0.0]))
    assert accuracy == pytest.approx(2 / 3) and loss == pytest.approx(-(math.log(1 / 3) / 3
                                                                        + 2 * math.log(2 / 3) / 3),
                                                                      abs=1e-6)
    with pytest.raises(ValueError, match="F must have shape"):
        best_linear_fit(X4[:3], Y4)


@pytest.mark.parametrize("hidden", [0, 1, 2])
def test_linear_models_cannot_fit_xor(hidden):
    model = seq(*[D(3, "linear") for _ in range(hidden)], D(1, "sigmoid"))
    found = find(doctor.examine(model, X4, Y4, loss="binary_crossentropy"),
                 "NO_HIDDEN_NONLINEARITY")
    assert len(found) == 1 and found[0].severity == "error"
    assert found[0].values["best_accuracy"] == 0.5
    assert found[0].values["best_loss"] == pytest.approx(math.log(2), abs=1e-6)


def test_case_a_inputs_through_a_linear_model():
    keras.utils.set_random_seed(0)
    a, b = keras.Input((1, 1)), keras.Input((1, 1))
    x = keras.layers.Concatenate()([a, b])
    model = keras.Model([a, b], D(1, "sigmoid")(x))
    A, B, Y = bit_matrix_pairs(200, size=1, seed=0)
    report = doctor.examine(model, [A, B], Y, loss="binary_crossentropy")
    assert report.has("NO_HIDDEN_NONLINEARITY") and report.warnings


def test_a_linear_model_on_separable_labels_is_not_reported():
    model = seq(D(3, "linear"), D(1, "sigmoid"))
    assert not doctor.examine(model, X4, np.array([0, 1, 1, 1.0]),
                              loss="binary_crossentropy").has("NO_HIDDEN_NONLINEARITY")


@pytest.mark.parametrize("between", [D(4, "tanh"), D(4, "relu"),
                                     keras.layers.Activation("sigmoid")])
def test_any_nonlinearity_before_the_output_is_not_linear(between):
    model = seq(D(4, "linear"), between, D(1, "sigmoid"))
    assert not doctor.examine(model, X4, Y4, loss="binary_crossentropy").has(
        "NO_HIDDEN_NONLINEARITY")


def test_blind_learner_network_is_reported():
    # seed 0 of case A: the ReLU output is alive but the same for all four patterns to 3 digits
    model = case_a.learner_model(1, seed=0)
    Pa, Pb = case_a.PATTERNS[:, :1, None], case_a.PATTERNS[:, 1:, None]
    report = doctor.examine(model, [Pa, Pb], np.logical_xor(Pa, Pb).astype(float),
                            loss="binary_crossentropy")
    found = find(report, "OUTPUT_IGNORES_INPUT")
    assert len(found) == 1 and found[0].layer == "output"
    out = np.asarray(model.predict([Pa, Pb], verbose=0)).reshape(-1)
    assert found[0].values["spread"] == pytest.approx(out.max() - out.min(), rel=1e-3, abs=1e-9)
    assert 0 < found[0].values["spread"] < 1e-3


def test_an_output_that_follows_its_input_is_not_reported():
    model = case_a.learner_model(1, case_a.Variant(4, "tanh", "sigmoid"), seed=0)
    Pa, Pb = case_a.PATTERNS[:, :1, None], case_a.PATTERNS[:, 1:, None]
    out = np.asarray(model.predict([Pa, Pb], verbose=0)).reshape(-1)
    assert out.max() - out.min() > 1e-3
    report = doctor.examine(model, [Pa, Pb], np.logical_xor(Pa, Pb).astype(float),
                            loss="binary_crossentropy")
    assert not report.has("OUTPUT_IGNORES_INPUT")


def test_zero_initialised_model_ignores_its_input():
    zeros = {"kernel_initializer": "zeros"}
    model = seq(D(4, "tanh", **zeros), D(1, "sigmoid", **zeros))
    found = find(doctor.examine(model, X4, Y4, loss="binary_crossentropy"),
                 "OUTPUT_IGNORES_INPUT")
    assert len(found) == 1 and found[0].values["spread"] == 0


def test_a_dead_relu_layer_is_left_to_dead_units():
    model = seq(D(4, "relu", bias_initializer=keras.initializers.Constant(-10.0)),
                D(1, "sigmoid"))
    report = doctor.examine(model, X4, Y4, loss="binary_crossentropy")
    assert report.has("DEAD_UNITS") and not report.has("OUTPUT_IGNORES_INPUT")


def test_new_codes_are_listed():
    assert {"NO_HIDDEN_NONLINEARITY", "OUTPUT_IGNORES_INPUT"} <= set(doctor.CODES)
