"""Keras builders: exact hand-built solution, layer structure, parameter counts, seeding.

(fit_full_batch and make_optimizer are tested in test_models_training.py.)"""

import numpy as np
import pytest

from xorhelpers import data
from xorhelpers._tf import keras
from xorhelpers.nets import models
from xorhelpers.repro import seed_everything

X4, Y4 = data.truth_table()


def _dense(model):
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


# --- hand_built_xor ----------------------------------------------------------------------


def test_hand_built_xor_outputs_exactly_0_1_1_0():
    model = models.hand_built_xor()
    out = np.asarray(model(X4, training=False)).reshape(-1)
    assert out.tolist() == [0.0, 1.0, 1.0, 0.0]


def test_hand_built_xor_weights_and_numpy_forward_pass():
    model = models.hand_built_xor()
    W, c = model.get_layer("hidden1").get_weights()
    w, b = model.get_layer("output").get_weights()
    np.testing.assert_array_equal(W, [[1, 1], [1, 1]])
    np.testing.assert_array_equal(c, [0, -1])
    np.testing.assert_array_equal(w, [[1], [-2]])
    np.testing.assert_array_equal(b, [0])
    H = np.maximum(X4 @ W + c, 0)
    assert H.tolist() == [[0, 0], [1, 0], [1, 0], [2, 1]]
    np.testing.assert_array_equal((H @ w + b).reshape(-1), Y4)
    assert models.count_params(model) == 9


def test_hand_built_xor_gives_independent_models():
    a, b = models.hand_built_xor(), models.hand_built_xor()
    a.get_layer("output").set_weights([np.zeros((2, 1), np.float32), np.zeros(1, np.float32)])
    assert np.asarray(b(X4)).reshape(-1).tolist() == [0.0, 1.0, 1.0, 0.0]


# --- mlp ---------------------------------------------------------------------------------


@pytest.mark.parametrize("widths,input_dim", [([2], 2), ([3, 4], 2), ([], 2), ((5, 1, 2), 8)])
def test_mlp_layer_widths_and_param_count(widths, input_dim):
    model = models.mlp(widths, input_dim=input_dim)
    dense = _dense(model)
    assert [layer.units for layer in dense] == [*widths, 1]
    assert model.input_shape == (None, input_dim)
    assert model.output_shape == (None, 1)
    sizes = [input_dim, *widths, 1]
    expected = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    assert models.count_params(model) == model.count_params() == expected
    names = [layer.name for layer in dense]
    assert names == [f"hidden{i + 1}" for i in range(len(widths))] + ["output"]


@pytest.mark.parametrize("activation", models.ACTIVATIONS)
@pytest.mark.parametrize("output_activation", ["sigmoid", "linear"])
def test_mlp_activations(activation, output_activation):
    model = models.mlp([3, 3], activation=activation, output_activation=output_activation)
    acts = [layer.activation.__name__ for layer in _dense(model)]
    assert acts == [activation, activation, output_activation]


def test_mlp_forward_pass_matches_numpy():
    model = models.mlp([3, 2], activation="tanh", output_activation="sigmoid", seed=1)
    (W1, b1), (W2, b2), (W3, b3) = (layer.get_weights() for layer in _dense(model))
    X = np.random.default_rng(0).normal(size=(6, 2)).astype(np.float32)
    want = _sigmoid(np.tanh(np.tanh(X @ W1 + b1) @ W2 + b2) @ W3 + b3)
    np.testing.assert_allclose(np.asarray(model(X)), want, rtol=1e-5, atol=1e-6)


def test_mlp_seed_reproducible_and_independent_of_global_state():
    seed_everything(1)
    first = models.mlp([4, 3], seed=5).get_weights()
    seed_everything(2)
    again = models.mlp([4, 3], seed=5).get_weights()
    other = models.mlp([4, 3], seed=6).get_weights()
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])
    # each layer gets its own derived seed: two layers of the same shape start differently
    kernels = [w for w in models.mlp([2, 2], seed=5).get_weights() if w.shape == (2, 2)]
    assert len(kernels) == 2 and not np.array_equal(*kernels)


def test_mlp_largest_seed_is_accepted():
    assert models.count_params(models.mlp([2], seed=2**32 - 1)) == 9


@pytest.mark.parametrize("initializer", models.INITIALIZERS)
def test_mlp_initializers(initializer):
    model = models.mlp([16], kernel_initializer=initializer, seed=3)
    kernel = model.get_layer("hidden1").get_weights()[0]
    if initializer == "zeros":
        assert not kernel.any()
    else:
        assert kernel.std() > 0
    assert not model.get_layer("hidden1").get_weights()[1].any()  # biases start at zero


def test_mlp_name():
    assert models.mlp([2], name="two_two_one").name == "two_two_one"


@pytest.mark.parametrize("kwargs,error,name", [
    (dict(widths=2), TypeError, "widths"), (dict(widths="22"), TypeError, "widths"),
    (dict(widths=None), TypeError, "widths"), (dict(widths=[2, 0]), ValueError, r"widths\[1\]"),
    (dict(widths=[2.0]), TypeError, r"widths\[0\]"),
    (dict(widths=[-1]), ValueError, r"widths\[0\]"),
    (dict(widths=[2], activation="softmax"), ValueError, "activation"),
    (dict(widths=[2], activation=None), ValueError, "activation"),
    (dict(widths=[2], output_activation="gelu"), ValueError, "output_activation"),
    (dict(widths=[2], input_dim=0), ValueError, "input_dim"),
    (dict(widths=[2], input_dim=2.0), TypeError, "input_dim"),
    (dict(widths=[2], kernel_initializer="ones"), ValueError, "kernel_initializer"),
    (dict(widths=[2], seed=-1), ValueError, "seed"),
    (dict(widths=[2], seed=1.5), TypeError, "seed"),
])
def test_mlp_bad_input(kwargs, error, name):
    with pytest.raises(error, match=rf"{name} must"):
        models.mlp(**kwargs)


# --- skip_xor_net ------------------------------------------------------------------------


def test_skip_xor_net_structure_and_seven_params():
    model = models.skip_xor_net()
    assert models.count_params(model) == 7
    assert model.get_layer("hidden1").units == 1
    assert model.get_layer("output").get_weights()[0].shape == (3, 1)  # x1, x2 and h
    assert model.output_shape == (None, 1)


@pytest.mark.parametrize("hidden_activation", ["sigmoid", "relu", "tanh"])
def test_skip_xor_net_forward_pass_matches_numpy(hidden_activation):
    model = models.skip_xor_net(hidden_activation, seed=4)
    w, c = model.get_layer("hidden1").get_weights()
    v, b = model.get_layer("output").get_weights()
    act = {"sigmoid": _sigmoid, "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh}
    h = act[hidden_activation](X4 @ w + c)
    want = _sigmoid(X4 @ v[:2] + h * v[2] + b)
    np.testing.assert_allclose(np.asarray(model(X4)), want, rtol=1e-5, atol=1e-6)
    assert model.get_layer("hidden1").activation.__name__ == hidden_activation


def test_skip_xor_net_can_represent_xor():
    # h = relu(x1 + x2 - 1) is on only at (1,1); out = sigmoid(k (x1 + x2 - 2 h) - k/2) is XOR
    model = models.skip_xor_net("relu")
    k = 20.0
    model.get_layer("hidden1").set_weights([np.ones((2, 1), np.float32),
                                            np.array([-1.0], np.float32)])
    model.get_layer("output").set_weights([np.array([[k], [k], [-2 * k]], np.float32),
                                           np.array([-k / 2], np.float32)])
    out = np.asarray(model(X4)).reshape(-1)
    np.testing.assert_array_equal(out > 0.5, Y4 == 1)


def test_skip_xor_net_seeding():
    a, b, c = (models.skip_xor_net(seed=s).get_weights() for s in (2, 2, 3))
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("kwargs,error,name", [
    (dict(hidden_activation="softmax"), ValueError, "hidden_activation"),
    (dict(seed=-2), ValueError, "seed"), (dict(seed="0"), TypeError, "seed"),
])
def test_skip_xor_net_bad_input(kwargs, error, name):
    with pytest.raises(error, match=rf"{name} must"):
        models.skip_xor_net(**kwargs)


# --- count_params ------------------------------------------------------------------------


def test_count_params_known_architectures():
    assert models.count_params(models.mlp([2])) == 9
    assert models.count_params(models.mlp([])) == 3
    assert models.count_params(models.mlp([3, 4])) == 3 * 3 + 4 * 4 + 5
    assert models.count_params(models.skip_xor_net()) == 7


def test_count_params_counts_only_trainable_weights():
    model = models.mlp([2])
    model.get_layer("hidden1").trainable = False
    assert models.count_params(model) == 3


@pytest.mark.parametrize("bad", [None, 3, "model", [np.zeros(3)]])
def test_count_params_rejects_non_models(bad):
    with pytest.raises(TypeError, match="model must be a Keras model"):
        models.count_params(bad)
