"""Per-layer gradients of stacked networks agree with tf.GradientTape and finite differences."""

import numpy as np
import pytest

from xorhelpers._tf import tf
from xorhelpers.data import truth_table
from xorhelpers.layer_gradients import layer_gradients, layer_norms
from xorhelpers.nets.models import mlp
from xorhelpers.sweep import Config, init_stack

X4, Y4 = truth_table()


def _keras_gradients(weights, m, activation, loss):
    """The gradient Keras computes for network m of the stack."""
    net = mlp([W.shape[2] for W, _ in weights[:-1]], activation=activation)
    net.set_weights([a for W, b in weights for a in (W[m], b[m])])
    with tf.GradientTape() as tape:
        p = net(X4)[:, 0]
        if loss == "mse":
            value = tf.reduce_mean((p - Y4) ** 2)
        else:
            value = tf.reduce_mean(tf.keras.losses.binary_crossentropy(Y4[:, None], p[:, None]))
    return [np.asarray(g, float) for g in tape.gradient(value, net.trainable_variables)]


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "leaky_relu"])
@pytest.mark.parametrize("loss", ["mse", "binary_crossentropy"])
def test_agrees_with_gradient_tape(activation, loss):
    weights = init_stack(Config(widths=(5, 4, 3), activation=activation), np.arange(3))
    grads = layer_gradients(weights, activation, loss)
    assert [g[0].shape for g in grads] == [W.shape for W, _ in weights]
    assert [g[1].shape for g in grads] == [b.shape for _, b in weights]
    for m in range(3):
        ours = [a[m] for pair in grads for a in pair]
        for got, want in zip(ours, _keras_gradients(weights, m, activation, loss), strict=True):
            assert np.allclose(got, want, rtol=1e-4, atol=1e-7)


def test_agrees_with_finite_differences_on_other_points():
    rng = np.random.default_rng(0)
    weights = [(rng.normal(size=(2, 2, 3)), rng.normal(size=(2, 3))),
               (rng.normal(size=(2, 3, 1)), rng.normal(size=(2, 1)))]
    X, y = rng.normal(size=(6, 2)), (rng.random(6) > 0.5).astype(float)

    def loss(ws):
        A = X
        for W, b in ws[:-1]:
            A = np.tanh(A @ W[0] + b[0])
        p = 1 / (1 + np.exp(-(A @ ws[-1][0][0] + ws[-1][1][0])))[:, 0]
        return np.mean((p - y) ** 2)

    dW = layer_gradients(weights, "tanh", "mse", X, y)[0][0][0]
    eps = 1e-6
    for i, j in np.ndindex(2, 3):
        up = [(W.copy(), b.copy()) for W, b in weights]
        down = [(W.copy(), b.copy()) for W, b in weights]
        up[0][0][0, i, j] += eps
        down[0][0][0, i, j] -= eps
        assert dW[i, j] == pytest.approx((loss(up) - loss(down)) / (2 * eps), rel=1e-5, abs=1e-9)


def test_layer_norms_are_frobenius_norms_per_network():
    per_layer = [(np.ones((2, 3, 4)), np.zeros((2, 4))), (2 * np.ones((2, 4, 1)), np.zeros((2, 1)))]
    assert layer_norms(per_layer).tolist() == [[np.sqrt(12)] * 2, [4.0, 4.0]]


def test_relu_network_born_dead_gets_zero_gradient_below_the_dead_layer():
    weights = init_stack(Config(widths=(3, 3)), np.arange(2))
    weights[1] = (-np.abs(weights[1][0]), np.zeros((2, 3)))  # layer 2 off on every point
    norms = layer_norms(layer_gradients(weights, "relu"))
    assert (norms[:2] == 0).all()


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(activation="softmax"), ValueError, "activation"),
    (dict(loss="hinge"), ValueError, "loss"),
    (dict(X=np.zeros((4, 2))), ValueError, "both X and y"),
    (dict(X=np.zeros((4, 3)), y=np.zeros(4)), ValueError, "X must be"),
])
def test_bad_arguments_are_named(kwargs, error, match):
    weights = init_stack(Config(widths=(2,)), np.arange(2))
    args = dict(activation="relu") | kwargs
    with pytest.raises(error, match=match):
        layer_gradients(weights, **args)


def test_bad_weights_are_named():
    with pytest.raises(TypeError, match="weights"):
        layer_gradients("not weights", "relu")
    with pytest.raises(ValueError, match="model axis"):
        layer_gradients([(np.zeros((2, 2)), np.zeros(2)), (np.zeros((2, 1)), np.zeros(1))], "relu")
    with pytest.raises(ValueError, match="one output unit"):
        layer_gradients([(np.zeros((1, 2, 2)), np.zeros((1, 2)))], "relu")
    with pytest.raises(ValueError, match="takes 3 inputs"):
        layer_gradients([(np.zeros((1, 2, 2)), np.zeros((1, 2))),
                         (np.zeros((1, 3, 1)), np.zeros((1, 1)))], "relu")
