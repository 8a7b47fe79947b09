"""Diagnostics on Keras models and scratch nets: each measure against a hand computation, the
Keras and scratch paths against each other, the callback, and bad input."""

import numpy as np
import pytest

from xorhelpers._tf import keras, tf
from xorhelpers.clinic import diagnose as d
from xorhelpers.data import truth_table
from xorhelpers.nets import scratch as s
from xorhelpers.nets.models import mlp

X4, Y4 = truth_table()


def hand_net():
    """2 -> 3 relu -> 2 sigmoid -> 1 sigmoid with known dead and saturated units on X4."""
    W1 = np.array([[1.0, -1.0, 0.5], [1.0, -2.0, 0.5]])
    b1 = np.array([0.0, -0.5, -2.0])  # unit 2 (always < 0) and unit 3 (max 1 - 2 = -1) are dead
    W2 = np.array([[10.0, 0.1], [0.0, 0.0], [0.0, 0.0]])
    b2 = np.array([-5.0, 0.0])
    W3 = np.array([[1.0], [-1.0]])
    b3 = np.array([0.0])
    return s.from_weights([(W1, b1), (W2, b2), (W3, b3)], ["relu", "sigmoid", "sigmoid"])


def keras_twin(net):
    """A Keras model with the same layers and weights as a scratch net."""
    sizes = net.layer_sizes
    layers = [keras.Input(shape=(sizes[0],))]
    for k, name in enumerate(net.activations):
        layers.append(keras.layers.Dense(sizes[k + 1], activation=name, name=f"d{k + 1}"))
    model = keras.Sequential(layers)
    for layer, W, b in zip(model.layers, net.weights, net.biases, strict=True):
        layer.set_weights([W.astype(np.float32), b[0].astype(np.float32)])
    return model


def test_dead_units_by_hand():
    dead = d.dead_units(hand_net(), X4)
    assert [m.tolist() for m in dead] == [[False, True, True], [False, False], [False]]


def test_saturation_by_hand():
    net = hand_net()
    sat = d.saturation(net, X4)
    # layer 2 unit 1: z = 10 * relu(x1 + x2) - 5 = -5, 5, 5, 15: all four saturated;
    # unit 2: z = 0.1 * relu(...) is near 0: never. Half of the 8 (example, unit) pairs.
    assert np.isnan(sat[0])
    assert sat[1] == pytest.approx(0.5)
    assert sat[2] == pytest.approx(0.0)
    assert d.saturation(net, X4, threshold=1.0)[2] == pytest.approx(1.0)


def test_weight_and_activation_stats_by_hand():
    net = hand_net()
    ws = d.weight_stats(net)
    W1 = net.weights[0]
    assert ws[0]["w_mean"] == pytest.approx(W1.mean())
    assert ws[0]["w_std"] == pytest.approx(W1.std())
    assert ws[0]["w_max_abs"] == pytest.approx(2.0)
    assert ws[0]["b_mean"] == pytest.approx(-2.5 / 3)
    acts = d.activation_stats(net, X4)
    H = np.maximum(X4 @ W1 + net.biases[0][0], 0)
    assert acts[0]["a_mean"] == pytest.approx(H.mean())
    assert acts[0]["a_zero_fraction"] == pytest.approx((H == 0).mean())


def test_gradient_norms_of_a_scratch_net_come_from_backward():
    net = s.init_net((2, 4, 3, 1), "relu", seed=2, bias_scale=0.2)
    want = [np.sqrt((dW ** 2).sum() + (db ** 2).sum()) for dW, db in s.backward(net, X4, Y4)]
    np.testing.assert_allclose(d.gradient_norms(net, X4, Y4), want, rtol=1e-12)


@pytest.mark.parametrize("loss", ["binary_crossentropy", "mse"])
def test_keras_and_scratch_paths_agree(loss):
    net = s.init_net((2, 4, 3, 1), "relu", seed=5, bias_scale=0.2, loss=loss)
    model = keras_twin(net)
    a = d.diagnose(net, X4, Y4)
    b = d.diagnose(model, X4, Y4, loss=loss)
    assert a.dead == b.dead and a.widths == b.widths == (4, 3, 1)
    np.testing.assert_allclose(a.grad_norm, b.grad_norm, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(a.w_std, b.w_std, rtol=1e-6)
    np.testing.assert_allclose(a.a_mean, b.a_mean, rtol=1e-5, atol=1e-7)
    assert a.loss == pytest.approx(b.loss, rel=1e-5)
    assert b.names == ("d1", "d2", "d3") and b.activations == ("relu", "relu", "sigmoid")


def test_keras_gradient_norms_match_a_tape():
    model = mlp([5, 5], activation="tanh", seed=1)
    model.compile(loss="mse")
    with tf.GradientTape() as tape:
        value = keras.losses.MeanSquaredError()(Y4.reshape(-1, 1), model(X4))
    grads = tape.gradient(value, [v.value for v in model.trainable_variables])
    want = [np.sqrt(sum(float(tf.reduce_sum(g ** 2)) for g in grads[i:i + 2]))
            for i in range(0, len(grads), 2)]
    np.testing.assert_allclose(d.gradient_norms(model, X4, Y4), want, rtol=1e-5)


def test_a_dead_layer_stops_every_gradient_below_it():
    net = s.init_net((2, 3, 3, 1), "relu", seed=0)
    net.biases[1][...] = -100.0  # layer 2 is off everywhere
    net.biases[2][...] = 1.0  # so that the output's bias still has a gradient
    diag = d.diagnose(net, X4, Y4)
    assert diag.dead[1] == 3 and diag.dead_layer
    assert diag.grad_norm[0] == 0.0 and diag.grad_norm[1] == 0.0 and diag.grad_norm[2] > 0
    assert "a whole layer is dead" in diag.table()


def test_table_has_one_line_per_layer():
    diag = d.diagnose(hand_net(), X4, Y4)
    lines = diag.table().splitlines()
    assert len(lines) == 1 + 3 + 1
    assert lines[1].split()[:4] == ["layer1", "relu", "3", "2"]
    assert diag.total_dead == 2 and not diag.dead_layer


def test_functional_models_with_two_inputs():
    a = keras.Input(shape=(1,))
    b = keras.Input(shape=(1,))
    h = keras.layers.Dense(3, activation="relu", name="h")(keras.layers.Concatenate()([a, b]))
    model = keras.Model([a, b], keras.layers.Dense(1, activation="sigmoid", name="o")(h))
    dead = d.dead_units(model, [X4[:, :1], X4[:, 1:]])
    W, c = model.get_layer("h").get_weights()
    np.testing.assert_array_equal(dead[0], (X4 @ W + c <= 0).all(axis=0))
    with pytest.raises(ValueError, match="2 input arrays"):
        d.dead_units(model, X4)


def test_recorder_on_a_scratch_net():
    net = s.init_net((2, 4, 1), "relu", seed=3)
    rec = d.Recorder(X4, Y4)
    for step in range(0, 300, 100):
        rec.record(net, step)
        s.train(net, X4, Y4, lr=0.5, num_steps=100)
    assert rec.steps == [0, 100, 200]
    assert rec.series("dead").shape == (3, 2)
    assert rec.series("loss").shape == (3,)
    assert rec.series("loss")[-1] < rec.series("loss")[0]


def test_callback_records_every_epoch():
    model = mlp([4, 4], activation="relu", seed=0)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    callback = d.DiagnosticsCallback(X4, Y4, every=2)
    model.fit(X4, Y4, epochs=6, batch_size=4, verbose=0, callbacks=[callback])
    rec = callback.recorder
    assert rec.steps == [0, 2, 4, 6]
    assert rec.series("grad_norm").shape == (4, 3)
    final = d.diagnose(model, X4, Y4)
    assert rec.history[-1].loss == pytest.approx(final.loss)
    assert rec.history[-1].loss == pytest.approx(
        float(model.evaluate(X4, Y4, verbose=0)), rel=1e-4)


# ---------------------------------------------------------------------------- bad input

def test_bad_models_are_rejected():
    with pytest.raises(TypeError, match="model must be a Keras model"):
        d.dead_units("my model", X4)
    no_dense = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Flatten()])
    with pytest.raises(ValueError, match="no Dense layers"):
        d.dead_units(no_dense, X4)
    unbuilt = keras.Sequential([keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="no defined inputs"):
        d.dead_units(unbuilt, X4)
    with pytest.raises(ValueError, match="one network"):
        d.dead_units(s.init_net((2, 2, 1), n_models=3), X4)


def test_bad_data_is_rejected():
    net = hand_net()
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\)"):
        d.dead_units(net, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="at least one row"):
        d.dead_units(net, np.zeros((0, 2)))
    with pytest.raises(ValueError, match="finite"):
        d.dead_units(net, np.full((4, 2), np.nan))
    with pytest.raises(ValueError, match=r"y must have shape \(4,\)"):
        d.gradient_norms(net, X4, np.zeros(5))
    with pytest.raises(ValueError, match="threshold"):
        d.saturation(net, X4, threshold=0.0)
    with pytest.raises(ValueError, match="loss"):
        d.gradient_norms(net, X4, Y4, loss="mse")


def test_bad_keras_losses_and_fields_are_rejected():
    model = mlp([2], seed=0)
    with pytest.raises(ValueError, match="loss must be given"):
        d.gradient_norms(model, X4, Y4)
    with pytest.raises(ValueError, match="loss"):
        d.gradient_norms(model, X4, Y4, loss="hinge")
    rec = d.Recorder(X4, Y4, loss="mse")
    with pytest.raises(ValueError, match="nothing recorded"):
        rec.series("dead")
    rec.record(model, 0)
    with pytest.raises(ValueError, match="field"):
        rec.series("deadness")
    with pytest.raises(ValueError, match="step"):
        rec.record(model, -1)
    with pytest.raises(ValueError, match="every"):
        d.DiagnosticsCallback(X4, Y4, every=0)


def test_callback_through_fit_full_batch():
    from xorhelpers.nets.models import fit_full_batch

    model = mlp([4], activation="relu", seed=2)
    callback = d.DiagnosticsCallback(X4, Y4)
    losses = fit_full_batch(model, X4, Y4, num_steps=60, record_every=20, callbacks=[callback])
    assert callback.recorder.steps == [0, 1, 2, 3]  # one record per 20 steps
    assert len(losses) == 3
    assert callback.recorder.series("loss")[-1] == pytest.approx(
        float(model.evaluate(X4, Y4, verbose=0)), rel=1e-4)
