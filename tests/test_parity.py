"""Tests for xorhelpers.parity (recipes, rnn, evaluate): builders, training, NumPy vs Keras."""

import numpy as np
import pytest

from xorhelpers.data import parity_sequences
from xorhelpers.nets.models import count_params
from xorhelpers.parity import (
    CASE_C,
    RECIPE,
    case_c_model,
    check_stages,
    final_probability,
    final_step_accuracy,
    fit_stages,
    parity_rnn,
    rnn_states,
    train_case_c,
    train_recipe,
)
from xorhelpers.repro import seed_everything


def keras_probability(model, X):
    """P(parity 1) at every step from Keras itself: the independent reference."""
    out = np.asarray(model(X))
    return out[..., 0]  # softmax pair [P(1), P(0)], or the single sigmoid


def test_case_c_model_is_the_case_c_architecture():
    model = case_c_model(seed=0)
    rnn, readout = model.get_layer("rnn"), model.get_layer("readout")
    assert type(rnn).__name__ == "LSTM" and rnn.units == 1 and rnn.return_sequences
    assert readout.units == 2 and readout.activation.__name__ == "softmax"
    # LSTM(1) on 2 inputs: 4 gates x (2 inputs + 1 recurrent + 1 bias); Dense(2): 1 x 2 + 2.
    assert count_params(model) == 4 * (2 + 1 + 1) + 2 + 2
    assert model(np.zeros((3, 7, 2), np.float32)).shape == (3, 7, 2)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("complement", [True, False])
@pytest.mark.parametrize("per_step", [True, False])
def test_parity_rnn_shapes(cell, complement, per_step):
    model = parity_rnn(3, cell, complement, per_step, seed=1)
    X, _ = parity_sequences(4, 9, 0, complement=complement)
    out = model(X)
    width = 2 if complement else 1
    assert out.shape == ((4, 9, width) if per_step else (4, width))


def test_seeded_models_are_reproducible():
    a = [np.asarray(w) for w in parity_rnn(4, seed=5).get_weights()]
    b = [np.asarray(w) for w in parity_rnn(4, seed=5).get_weights()]
    c = [np.asarray(w) for w in parity_rnn(4, seed=6).get_weights()]
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("bad, match", [
    (dict(units=0), "units"), (dict(units=2.0), "units"), (dict(cell="rnn"), "cell"),
    (dict(complement=1), "complement"), (dict(per_step="yes"), "per_step"),
    (dict(seed=-1), "seed"),
])
def test_parity_rnn_rejects_bad_input(bad, match):
    with pytest.raises((TypeError, ValueError), match=match):
        parity_rnn(**bad)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("complement", [True, False])
def test_rnn_states_match_keras(cell, complement):
    from xorhelpers._tf import keras

    seed_everything(0)
    model = parity_rnn(3, cell, complement, seed=2)
    # Large random weights so the states saturate and differences would show.
    gen = np.random.default_rng(0)
    model.set_weights([2 * gen.standard_normal(w.shape).astype(np.float32)
                       for w in model.get_weights()])
    X, _ = parity_sequences(20, 30, 1, complement=complement)
    states = rnn_states(model, X)
    np.testing.assert_allclose(states["p"], keras_probability(model, X), atol=1e-5)
    hidden = keras.Model(model.input, model.get_layer("rnn").output)
    np.testing.assert_allclose(states["h"], np.asarray(hidden(X)), atol=1e-5)
    assert ("c" in states) == (cell == "lstm")
    assert states["h"].shape == (20, 30, 3)


def test_final_probability_is_the_last_step_and_chunking_does_not_matter():
    model = parity_rnn(2, seed=3)
    X, _ = parity_sequences(10, 25, 4, complement=True)
    last = rnn_states(model, X)["p"][:, -1]
    np.testing.assert_allclose(final_probability(model, X), last, atol=1e-6)
    np.testing.assert_allclose(final_probability(model, X, chunk=3), last, atol=1e-6)


def test_final_probability_of_a_final_step_model_matches_keras():
    model = parity_rnn(2, "gru", complement=False, per_step=False, seed=3)
    X, _ = parity_sequences(10, 25, 4)
    np.testing.assert_allclose(final_probability(model, X), keras_probability(model, X),
                               atol=1e-5)


@pytest.mark.parametrize("complement", [True, False])
def test_final_step_accuracy_matches_keras_predictions(complement):
    model = parity_rnn(2, complement=complement, seed=7)
    model.set_weights([3 * np.asarray(w) + 0.3 for w in model.get_weights()])
    X, y = parity_sequences(300, 40, 123, complement=complement)
    truth = (y[:, 0] if complement else y) > 0.5
    expected = np.mean((keras_probability(model, X)[:, -1] > 0.5) == truth)
    assert final_step_accuracy(model, 40, n=300, seed=123) == pytest.approx(expected)


def test_evaluation_rejects_bad_input():
    model = parity_rnn(2, seed=0)
    with pytest.raises(ValueError, match="X must have shape"):
        rnn_states(model, np.zeros((3, 5, 1)))
    with pytest.raises(ValueError, match="X must have shape"):
        final_probability(model, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="length"):
        final_step_accuracy(model, 0)
    with pytest.raises(ValueError, match="chunk"):
        final_probability(model, np.zeros((3, 5, 2)), chunk=0)
    with pytest.raises(TypeError, match="model"):
        rnn_states("not a model", np.zeros((3, 5, 2)))


def test_check_stages():
    assert check_stages([(10, 5), [50, 2]]) == ((10, 5), (50, 2))
    with pytest.raises(TypeError, match="stages"):
        check_stages([])
    with pytest.raises(TypeError, match=r"stages\[0\]"):
        check_stages([(10, 5, 1)])
    with pytest.raises(ValueError, match=r"stages\[1\] length"):
        check_stages([(10, 5), (0, 5)])
    with pytest.raises(TypeError, match=r"stages\[0\] num_steps"):
        check_stages([(10, 2.5)])


def test_fit_stages_returns_one_loss_per_stage_and_learns():
    seed_everything(0)
    model = parity_rnn(4, seed=0)
    losses = fit_stages(model, [(6, 30), (12, 10)], batch_size=64, lr=0.05, seed=0)
    assert losses.shape == (2,) and np.all(np.isfinite(losses))
    with pytest.raises(ValueError, match="lr"):
        fit_stages(model, [(6, 1)], lr=0.0)
    with pytest.raises(ValueError, match="batch_size"):
        fit_stages(model, [(6, 1)], batch_size=0)


def test_fit_stages_trains_a_final_step_model_without_complement():
    model = parity_rnn(2, complement=False, per_step=False, seed=0)
    assert fit_stages(model, [(5, 3)], batch_size=16, lr=0.01).shape == (1,)


def test_the_recipe_solves_parity_and_generalises():
    """The recipe (seed 0) gets every fresh 50- and 1000-bit sequence right or nearly so."""
    model = train_recipe(seed=0)
    assert model.get_layer("rnn").units == RECIPE.units
    assert final_step_accuracy(model, 50) >= 0.999
    assert final_step_accuracy(model, 1000, n=500) >= 0.99


def test_train_case_c_small_scale_runs_and_validates():
    model, losses = train_case_c(seed=0, n=256, length=8, epochs=2)
    assert losses.shape == (2,) and np.all(np.isfinite(losses))
    assert model.get_layer("rnn").units == CASE_C.units == 1
    with pytest.raises(ValueError, match="epochs"):
        train_case_c(n=10, epochs=0)
    with pytest.raises(TypeError, match="seed"):
        train_case_c(seed=1.5)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("per_step", [True, False])
def test_to_plain_encoding_computes_the_same_function(cell, per_step):
    from xorhelpers.parity import to_plain_encoding

    model = parity_rnn(3, cell, per_step=per_step, seed=4)
    model.set_weights([2 * np.asarray(w) + 0.1 for w in model.get_weights()])
    plain = to_plain_encoding(model)
    Xc, _ = parity_sequences(10, 15, 2, complement=True)
    Xp, _ = parity_sequences(10, 15, 2)
    np.testing.assert_allclose(keras_probability(plain, Xp), keras_probability(model, Xc),
                               atol=1e-5)
    with pytest.raises(ValueError, match="complement"):
        to_plain_encoding(plain)


# ------------------------------------------------------------------------------- recipes

def test_recipes_are_frozen_validated_dataclasses():
    import dataclasses

    from xorhelpers.parity import CaseCRecipe, StagedRecipe

    assert CASE_C == CaseCRecipe() and RECIPE == StagedRecipe()
    with pytest.raises(dataclasses.FrozenInstanceError):
        RECIPE.lr = 1.0
    assert str(CASE_C) == str({"n": 100_000, "length": 50, "units": 1, "epochs": 10,
                               "batch_size": 128, "lr": 1e-3})
    assert RECIPE.replace(stages=[[5, 10]]).stages == ((5, 10),)
    with pytest.raises(ValueError, match="epochs"):
        CaseCRecipe(epochs=0)
    with pytest.raises(ValueError, match="cell"):
        StagedRecipe(cell="rnn")
    with pytest.raises(TypeError, match=r"stages\[0\]"):
        RECIPE.replace(stages=[5])
    with pytest.raises(ValueError, match="lr"):
        train_case_c(lr=0.0)


def test_the_exp_based_sigmoid_and_tanh_are_within_float32_round_off():
    """The recurrences' sigmoid and tanh (from float32 exp, for speed) against float64, over
    the whole float32 range that matters, the extremes included (no overflow warning)."""
    from xorhelpers.maths import sigmoid32, tanh32

    z = np.concatenate([np.linspace(-100, 100, 200_001), [0.0, -0.0, 1e-30, -1e-30, 88.8,
                                                           -88.8, 1e4, -1e4]]).astype(np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s, t = sigmoid32(z), tanh32(z)
    z64 = z.astype(np.float64)
    exact_s = np.exp(-np.logaddexp(0.0, -z64))
    assert s.dtype == t.dtype == np.float32
    assert np.all(np.abs(s - exact_s) <= 2.5e-7 * exact_s + 1e-45)
    assert np.max(np.abs(t - np.tanh(z64))) <= 1.2e-7
    assert np.array_equal(np.sign(t), np.sign(z)) and np.all(np.abs(t) <= 1)
