"""fit_full_batch and make_optimizer (notebook 02), checked against a hand-written
tf.GradientTape loop and NumPy versions of the update rules."""

import numpy as np
import pytest

from xorhelpers._tf import keras, tf
from xorhelpers.data import noisy_xor, truth_table
from xorhelpers.nets.models import OPTIMIZERS, fit_full_batch, make_optimizer, mlp

X, Y = truth_table()


def _loss(loss, p, y):
    """The two losses written out: mean squared error, binary cross-entropy (Keras clips p)."""
    if loss == "mse":
        return tf.reduce_mean((p - y) ** 2)
    p = tf.clip_by_value(p, 1e-7, 1 - 1e-7)
    return -tf.reduce_mean(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p))


def _gradient_tape_steps(model, X, y, num_steps, optimizer, lr, loss):
    """num_steps full-batch steps by hand; returns the loss before each step."""
    opt = make_optimizer(optimizer, lr)
    Xt, yt = tf.constant(X, tf.float32), tf.constant(np.reshape(y, (-1, 1)), tf.float32)
    losses = []
    for _ in range(num_steps):
        with tf.GradientTape() as tape:
            value = _loss(loss, model(Xt, training=True), yt)
        grads = tape.gradient(value, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        losses.append(float(value))
    return np.array(losses)


def _twin_models(seed, X):
    """Two models with identical initial weights."""
    a = mlp([3], activation="tanh", input_dim=X.shape[1], seed=seed)
    b = mlp([3], activation="tanh", input_dim=X.shape[1], seed=seed + 1)
    b.set_weights(a.get_weights())
    return a, b


@pytest.mark.parametrize("optimizer,loss,record_every,data", [
    ("sgd", "binary_crossentropy", 5, "truth_table"),
    ("momentum", "mse", 4, "truth_table"),
    ("rmsprop", "binary_crossentropy", 1, "noisy"),
    ("adam", "mse", 20, "noisy"),
])
def test_fit_full_batch_equals_gradient_tape_loop(optimizer, loss, record_every, data):
    X_, y_ = (X, Y) if data == "truth_table" else noisy_xor(n=10, noise=0.2, seed=1)
    num_steps, lr = 20, 0.05
    fitted, manual = _twin_models(0, X_)
    initial = [w.copy() for w in fitted.get_weights()]

    recorded = fit_full_batch(fitted, X_, y_, num_steps=num_steps, optimizer=optimizer, lr=lr,
                              loss=loss, record_every=record_every)
    step_losses = _gradient_tape_steps(manual, X_, y_, num_steps, optimizer, lr, loss)

    assert int(fitted.optimizer.iterations) == num_steps
    moved = False
    for got, want, w0 in zip(fitted.get_weights(), manual.get_weights(), initial, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
        moved |= not np.allclose(got, w0, atol=1e-3)
    assert moved  # the comparison is not between two untrained models
    assert recorded.shape == (num_steps // record_every,)
    # each record is the mean loss of its record_every steps, each taken before the update
    np.testing.assert_allclose(recorded, step_losses.reshape(-1, record_every).mean(axis=1),
                               rtol=1e-5, atol=1e-6)


# ---- make_optimizer --------------------------------------------------------------------

def _numpy_rule(name, lr, grads):
    """The documented update rules with Keras' defaults, in float64."""
    w, m, v, out = 1.0, 0.0, 0.0, []
    for t, g in enumerate(grads, start=1):
        if name == "sgd":
            w -= lr * g
        elif name == "momentum":
            m = 0.9 * m - lr * g
            w += m
        elif name == "rmsprop":
            v = 0.9 * v + 0.1 * g * g
            w -= lr * g / np.sqrt(v + 1e-7)
        else:
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            w -= lr * np.sqrt(1 - 0.999**t) / (1 - 0.9**t) * m / (np.sqrt(v) + 1e-7)
        out.append(w)
    return np.array(out)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_make_optimizer_follows_its_update_rule(name):
    grads = [0.5, -1.0, 2.0, 0.25, 0.0, -0.75]
    opt = make_optimizer(name, 0.1)
    var = keras.Variable(np.float32(1.0))
    got = []
    for g in grads:
        opt.apply_gradients([(tf.constant(np.float32(g)), var)])
        got.append(float(var.numpy()))
    np.testing.assert_allclose(got, _numpy_rule(name, 0.1, grads), rtol=1e-5, atol=1e-6)
    assert float(opt.learning_rate) == pytest.approx(0.1)


def test_make_optimizer_returns_fresh_instances():
    assert make_optimizer("adam", 0.01) is not make_optimizer("adam", 0.01)
    assert isinstance(make_optimizer("momentum", 0.01), keras.optimizers.SGD)


@pytest.mark.parametrize("args,error,name", [
    (("adagrad", 0.1), ValueError, "optimizer"), (("Adam", 0.1), ValueError, "optimizer"),
    ((None, 0.1), ValueError, "optimizer"), (("adam", 0.0), ValueError, "lr"),
    (("adam", -0.1), ValueError, "lr"), (("adam", float("nan")), ValueError, "lr"),
    (("adam", "0.1"), TypeError, "lr"), (("adam", True), TypeError, "lr"),
])
def test_make_optimizer_bad_input(args, error, name):
    with pytest.raises(error, match=rf"\b{name}\b"):
        make_optimizer(*args)


# ---- fit_full_batch: bad input -----------------------------------------------------------

@pytest.mark.parametrize("kwargs,error,pattern", [
    ({"num_steps": 25, "record_every": 10}, ValueError, r"num_steps.*multiple.*record_every"),
    ({"num_steps": 0}, ValueError, r"\bnum_steps\b"),
    ({"num_steps": 10.0}, TypeError, r"\bnum_steps\b"),
    ({"num_steps": 10, "record_every": 0}, ValueError, r"\brecord_every\b"),
    ({"num_steps": 10, "record_every": 20}, ValueError, r"\brecord_every\b"),
    ({"optimizer": "adagrad"}, ValueError, r"\boptimizer\b"),
    ({"loss": "hinge"}, ValueError, r"\bloss\b"),
    ({"lr": -1.0}, ValueError, r"\blr\b"),
    ({"X": np.zeros((0, 2)), "y": np.zeros(0)}, ValueError, r"\bX\b.*\by\b.*non-empty"),
    ({"y": Y[:3]}, ValueError, r"\bX\b.*\by\b.*4 rows and 3 targets"),
    ({"X": X[:2]}, ValueError, r"\bX\b.*\by\b.*2 rows and 4 targets"),
    ({"X": np.where(X == 1, np.nan, X)}, ValueError, r"\bX\b.*finite"),
    ({"y": np.array([0, 1, np.inf, 0])}, ValueError, r"\by\b.*finite"),
    ({"model": "not a model"}, TypeError, r"\bmodel\b"),
])
def test_fit_full_batch_bad_input(kwargs, error, pattern):
    args = {"model": mlp([2], seed=0), "X": X, "y": Y, "num_steps": 20, "record_every": 10,
            **kwargs}
    before = [w.copy() for w in args["model"].get_weights()] if "model" not in kwargs else None
    with pytest.raises(error, match=pattern):
        fit_full_batch(**args)
    if before is not None:  # nothing was trained
        for w, w0 in zip(args["model"].get_weights(), before, strict=True):
            np.testing.assert_array_equal(w, w0)
