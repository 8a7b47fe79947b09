"""The from-scratch NumPy network: its backward pass against finite differences, against
tf.GradientTape and against Keras on the same weights and data; the case E bug; training."""

import numpy as np
import pytest

from xorhelpers._tf import tf
from xorhelpers.clinic import case_e
from xorhelpers.data import truth_table
from xorhelpers.nets import scratch as s
from xorhelpers.nets.models import mlp

X4, Y4 = truth_table()
HIDDEN = ["relu", "leaky_relu", "sigmoid", "tanh", "linear"]


def generic_net(hidden="relu", loss="binary_crossentropy", sizes=(2, 3, 3, 1), seed=3,
                output="sigmoid", n_models=None):
    """A net at a generic point: He weights and random biases, so no ReLU sits at its kink."""
    return s.init_net(sizes, hidden, init="he_normal", seed=seed, bias_scale=0.3, loss=loss,
                      output_activation=output, n_models=n_models)


def generic_data(n=6, dim=2, seed=0):
    gen = np.random.default_rng(seed)
    return gen.normal(size=(n, dim)), (gen.random(n) > 0.5).astype(float)


def flat(grads):
    return np.concatenate([np.concatenate([dW.ravel(), db.ravel()]) for dW, db in grads])


# ------------------------------------------------------------------ activations and slopes

@pytest.mark.parametrize("name", HIDDEN)
def test_slope_is_the_derivative_of_the_activation(name):
    Z = np.array([-2.0, -0.7, -0.1, 0.2, 0.9, 3.0])
    eps = 1e-6
    numeric = (s.activate(name, Z + eps) - s.activate(name, Z - eps)) / (2 * eps)
    np.testing.assert_allclose(s.slope(name, Z, s.activate(name, Z)), numeric, atol=1e-8)


def test_activations_match_keras():
    from xorhelpers._tf import keras

    Z = np.linspace(-4, 4, 17)
    for name in HIDDEN:
        want = np.asarray(keras.activations.get(name)(Z.astype(np.float32)))
        np.testing.assert_allclose(s.activate(name, Z), want, atol=1e-6)


def test_sigmoid_does_not_overflow():
    with np.errstate(over="raise", invalid="raise"):
        out = s.activate("sigmoid", np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_array_equal(out, [0.0, 0.5, 1.0])


def test_case_e_derivative_is_one_everywhere():
    Z = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    A = s.activate("relu", Z)
    np.testing.assert_array_equal(s.relu_derivative(Z, A), [0, 0, 0, 1, 1])
    np.testing.assert_array_equal(case_e.buggy_relu_derivative(Z, A), [1, 1, 1, 1, 1])


# ----------------------------------------------------- backward against finite differences

@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("loss", ["binary_crossentropy", "mse"])
def test_backward_matches_finite_differences(hidden, loss):
    X, y = generic_data()
    net = generic_net(hidden, loss)
    analytic = flat(s.backward(net, X, y))
    numeric = flat(s.numerical_gradients(net, X, y))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("output", ["tanh", "linear", "relu"])
def test_backward_with_mse_and_other_outputs(output):
    X, y = generic_data(seed=1)
    net = s.init_net((2, 4, 1), "tanh", seed=5, bias_scale=0.5, loss="mse",
                     output_activation=output)
    if output == "relu":
        net.biases[-1][...] = 1.0  # keep the output unit away from its kink
    np.testing.assert_allclose(flat(s.backward(net, X, y)),
                               flat(s.numerical_gradients(net, X, y)), rtol=1e-6, atol=1e-9)


def test_gradient_check_passes_on_a_correct_net():
    X, y = generic_data()
    check = s.gradient_check(generic_net(), X, y)
    assert check.reliable and check.passed
    assert check.max_error < 1e-7
    assert "gradient check passed" in str(check)


def test_gradient_check_exposes_the_case_e_derivative():
    X, y = generic_data()
    net = generic_net()
    net.relu_grad = case_e.buggy_relu_derivative
    check = s.gradient_check(net, X, y)
    assert check.reliable and not check.passed
    assert check.relative_errors[0] > 0.05 and check.relative_errors[1] > 0.05
    assert check.relative_errors[2] < 1e-7  # the output layer has no ReLU below it to misuse
    assert "DISAGREES" in str(check) and "FAILED" in str(check)


def test_gradient_check_warns_at_a_kink():
    # case E's own start: zero biases, so at input (0, 0) every ReLU input is exactly 0
    net = s.init_net((2, 3, 3, 1), "relu", init="normal", scale=0.001, seed=0)
    check = s.gradient_check(net, X4, Y4)
    assert check.smallest_relu_input == 0.0
    assert not check.reliable and not check.passed
    assert "kink" in str(check)


# ------------------------------------------------------- backward against tf.GradientTape

def tape_gradients(net, X, y):
    """The same loss written independently in TensorFlow (float64), differentiated by tape."""
    acts = {"relu": tf.nn.relu, "sigmoid": tf.sigmoid, "tanh": tf.tanh,
            "linear": tf.identity,
            "leaky_relu": lambda z: tf.where(z > 0, z, tf.constant(0.2, tf.float64) * z)}
    Ws = [tf.Variable(W) for W in net.weights]
    bs = [tf.Variable(b[..., 0, :]) for b in net.biases]
    with tf.GradientTape() as tape:
        A = tf.constant(X)
        for W, b, name in zip(Ws, bs, net.activations, strict=True):
            Z = tf.matmul(A, W) + b
            A = acts[name](Z)
        target = tf.constant(y.reshape(-1, 1))
        if net.loss == "binary_crossentropy":
            per = tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=Z)
        else:
            per = tf.square(A - target)
        loss = tf.reduce_mean(per)
    grads = tape.gradient(loss, [v for pair in zip(Ws, bs, strict=True) for v in pair])
    return float(loss), np.concatenate([g.numpy().ravel() for g in grads])


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("loss", ["binary_crossentropy", "mse"])
def test_backward_matches_gradient_tape(hidden, loss):
    X, y = generic_data(n=8, seed=2)
    net = generic_net(hidden, loss, sizes=(2, 4, 3, 1), seed=7)
    want_loss, want = tape_gradients(net, X, y)
    assert s.loss_value(net, X, y) == pytest.approx(want_loss, rel=1e-12)
    np.testing.assert_allclose(flat(s.backward(net, X, y)), want, rtol=1e-9, atol=1e-12)


def test_backward_matches_gradient_tape_on_the_xor_points():
    net = generic_net("relu", seed=11)
    _, want = tape_gradients(net, X4.astype(float), Y4.astype(float))
    np.testing.assert_allclose(flat(s.backward(net, X4, Y4)), want, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("loss", ["binary_crossentropy", "mse"])
def test_backward_matches_a_keras_model(loss):
    from xorhelpers._tf import keras

    model = mlp([3, 3], activation="relu", seed=0)
    gen = np.random.default_rng(4)
    for layer in model.layers:  # random biases, away from the kinks
        W, b = layer.get_weights()
        layer.set_weights([W, gen.normal(0, 0.3, size=b.shape).astype(np.float32)])
    net = s.from_weights([layer.get_weights() for layer in model.layers], "relu", loss=loss)
    X, y = generic_data(n=8, seed=5)
    loss_fn = (keras.losses.BinaryCrossentropy() if loss == "binary_crossentropy"
               else keras.losses.MeanSquaredError())
    with tf.GradientTape() as tape:
        value = loss_fn(y.reshape(-1, 1).astype(np.float32), model(X.astype(np.float32)))
    grads = tape.gradient(value, [v.value for v in model.trainable_variables])
    want = np.concatenate([np.asarray(g).ravel() for g in grads])
    assert s.loss_value(net, X, y) == pytest.approx(float(value), rel=1e-5)
    np.testing.assert_allclose(flat(s.backward(net, X, y)), want, rtol=1e-4, atol=1e-6)


# ------------------------------------------------------------------- several nets at once

def test_stacked_nets_get_each_their_own_gradient():
    X, y = generic_data()
    stack = generic_net(n_models=4, seed=9)
    grads = s.backward(stack, X, y)
    losses = s.loss_value(stack, X, y)
    assert losses.shape == (4,)
    for m in range(4):
        one = s.Net([W[m] for W in stack.weights], [b[m] for b in stack.biases],
                    stack.activations)
        assert s.loss_value(one, X, y) == pytest.approx(losses[m], rel=1e-12)
        for (dW, db), (eW, eb) in zip(grads, s.backward(one, X, y), strict=True):
            np.testing.assert_allclose(dW[m], eW, rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(db[m], eb, rtol=1e-12, atol=1e-15)


def test_stacked_gradients_match_finite_differences():
    X, y = generic_data()
    stack = generic_net(n_models=2, seed=12)
    np.testing.assert_allclose(flat(s.backward(stack, X, y)),
                               flat(s.numerical_gradients(stack, X, y)), rtol=1e-6, atol=1e-9)


def test_training_a_stack_equals_training_each_net():
    stack = s.init_net((2, 3, 1), "tanh", seed=2, n_models=3, bias_scale=0.1)
    singles = [s.Net([W[m].copy() for W in stack.weights], [b[m].copy() for b in stack.biases],
                     stack.activations) for m in range(3)]
    curves = s.train(stack, X4, Y4, lr=0.5, num_steps=50, record_every=10)
    assert curves.shape == (6, 3)
    for m, one in enumerate(singles):
        np.testing.assert_allclose(s.train(one, X4, Y4, lr=0.5, num_steps=50, record_every=10),
                                   curves[:, m], rtol=1e-12)


def test_from_weights_accepts_sweep_stacks():
    from xorhelpers import sweep
    from xorhelpers.sweep import Config

    config = Config(widths=(3, 3), activation="relu", init="he_normal", optimizer="sgd",
                    lr=0.2, num_steps=40)
    result = sweep.train(config, 5)
    net = s.from_weights(result.stacked_weights(initial=True), "relu")
    assert net.n_models == 5 and net.layer_sizes == (2, 3, 3, 1)
    curves = s.train(net, X4, Y4, lr=0.2, num_steps=40, record_every=40)
    # the sweep trains in float32, the scratch net in float64: the same run up to rounding
    np.testing.assert_allclose(curves[-1], result.final_loss, rtol=1e-4, atol=1e-6)
    for (W, b), (W2, b2) in zip(result.stacked_weights(), zip(net.weights, net.biases,
                                                              strict=True), strict=True):
        np.testing.assert_allclose(W, W2, atol=1e-4)
        np.testing.assert_allclose(b, b2[:, 0], atol=1e-4)


# ----------------------------------------------------------------------------- training

def test_case_e_settings_give_outputs_of_one_half():
    net = s.init_net((2, 3, 3, 1), "relu", init="normal", scale=0.001, seed=0,
                     relu_grad=case_e.buggy_relu_derivative)
    curve = s.train(net, X4, Y4, lr=0.01, num_steps=1000, record_every=100)
    np.testing.assert_allclose(s.predict(net, X4), 0.5, atol=1e-6)
    np.testing.assert_allclose(curve, np.log(2), atol=1e-6)
    assert not s.solved(net, X4, Y4, margin=0.1)


def test_a_healthy_net_learns_xor():
    net = s.init_net((2, 8, 1), "tanh", init="glorot_uniform", seed=1)
    curve = s.train(net, X4, Y4, lr=1.0, num_steps=500, record_every=50)
    assert curve[-1] < 0.05 < curve[0]
    assert s.solved(net, X4, Y4, margin=0.4)


def test_solved_needs_a_margin_and_finite_weights():
    net = s.init_net((2, 2, 1), "relu", seed=0, n_models=3)
    net.weights[-1][...] = 0.0
    net.biases[-1][...] = 0.0
    net.weights[0][2, 0, 0] = np.nan
    assert s.diverged(net).tolist() == [False, False, True]
    assert not s.solved(net, X4, Y4).any()  # outputs of exactly 0.5 are on no side


def test_train_reports_divergence():
    net = s.init_net((2, 4, 1), "linear", output_activation="linear", loss="mse", seed=0)
    curve = s.train(net, 100 * X4, Y4, lr=10.0, num_steps=50)
    assert s.diverged(net) and not np.isfinite(curve[-1])


def test_copy_is_independent():
    net = generic_net()
    twin = net.copy()
    s.gradient_step(twin, s.backward(twin, X4, Y4), lr=1.0)
    assert not np.allclose(net.weights[0], twin.weights[0])


# ---------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("kwargs, error, match", [
    (dict(layer_sizes=(2,)), ValueError, "layer_sizes"),
    (dict(layer_sizes="2-3-1"), TypeError, "layer_sizes"),
    (dict(layer_sizes=(2, 0, 1)), ValueError, r"layer_sizes\[1\]"),
    (dict(activations="swish"), ValueError, "activations"),
    (dict(activations=["relu"]), ValueError, "activations"),
    (dict(init="orthogonal"), ValueError, "init"),
    (dict(init="normal"), ValueError, "scale"),
    (dict(init="normal", scale=-1.0), ValueError, "scale"),
    (dict(scale=0.1), ValueError, "scale"),
    (dict(loss="hinge"), ValueError, "loss"),
    (dict(output_activation="tanh"), ValueError, "binary_crossentropy"),
    (dict(seed=-1), ValueError, "seed"),
    (dict(n_models=0), ValueError, "n_models"),
    (dict(bias_scale=-0.1), ValueError, "bias_scale"),
])
def test_init_net_rejects_bad_input(kwargs, error, match):
    args = dict(layer_sizes=(2, 3, 1))
    args.update(kwargs)
    with pytest.raises(error, match=match):
        s.init_net(**args)


def test_bad_data_and_settings_are_rejected():
    net = generic_net()
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\)"):
        s.forward(net, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="X must have shape"):
        s.forward(net, np.zeros((0, 2)))
    with pytest.raises(ValueError, match=r"y must have shape \(4,\)"):
        s.backward(net, X4, np.zeros(3))
    with pytest.raises(ValueError, match="lr"):
        s.train(net, X4, Y4, lr=0.0, num_steps=10)
    with pytest.raises(ValueError, match="num_steps"):
        s.train(net, X4, Y4, lr=0.1, num_steps=0)
    with pytest.raises(ValueError, match="record_every"):
        s.train(net, X4, Y4, lr=0.1, num_steps=10, record_every=20)
    with pytest.raises(ValueError, match="eps"):
        s.gradient_check(net, X4, Y4, eps=0.0)
    with pytest.raises(ValueError, match="margin"):
        s.solved(net, X4, Y4, margin=0.6)


def test_bad_nets_are_rejected():
    W = [np.zeros((2, 3)), np.zeros((3, 1))]
    b = [np.zeros((1, 3)), np.zeros((1, 1))]
    with pytest.raises(ValueError, match="biases"):
        s.Net(W, [np.zeros(3), np.zeros(1)], ("relu", "sigmoid"))
    with pytest.raises(ValueError, match="takes 4 inputs"):
        s.Net([np.zeros((2, 3)), np.zeros((4, 1))], b, ("relu", "sigmoid"))
    with pytest.raises(ValueError, match="one entry per layer"):
        s.Net(W, b[:1], ("relu", "sigmoid"))
    with pytest.raises(TypeError, match="relu_grad"):
        s.Net(W, b, ("relu", "sigmoid"), relu_grad="A >= 0")
    with pytest.raises(TypeError, match="activations"):
        s.Net(W, b, "relu")
    with pytest.raises(ValueError, match="weights\\[0\\]"):
        s.from_weights([(np.zeros((2, 3)), np.zeros(2))])
    with pytest.raises(TypeError, match="weights"):
        s.from_weights([])
    with pytest.raises(ValueError, match="name"):
        s.activate("swish", np.zeros(2))


def test_matmul_is_the_matrix_product_with_broadcasting():
    gen = np.random.default_rng(0)
    A, B, C = gen.normal(size=(4, 3)), gen.normal(size=(5, 3, 2)), gen.normal(size=(5, 2, 6))
    np.testing.assert_allclose(s.matmul(A, B), A @ B, rtol=1e-12)
    np.testing.assert_allclose(s.matmul(B, C), B @ C, rtol=1e-12)
    assert s.matmul(A, B).shape == (5, 4, 2)


def test_matmul_names_mismatched_shapes():
    with pytest.raises(ValueError, match=r"A \(4, 3\) and B \(2, 2\)"):
        s.matmul(np.ones((4, 3)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="matmul needs"):
        s.matmul(np.ones(3), np.ones((3, 2)))


# ------------------------------------------------------------ checks at the door, loops inside

def test_train_is_the_loop_of_public_steps():
    net = s.init_net((2, 4, 3, 1), ["tanh", "leaky_relu", "sigmoid"], seed=3, n_models=2)
    by_hand = net.copy()
    curve = s.train(net, X4, Y4, lr=0.5, num_steps=20, record_every=5)
    losses = [s.loss_value(by_hand, X4, Y4)]
    for step in range(1, 21):
        s.gradient_step(by_hand, s.backward(by_hand, X4, Y4), 0.5)
        if step % 5 == 0:
            losses.append(s.loss_value(by_hand, X4, Y4))
    np.testing.assert_array_equal(curve, np.array(losses))
    for W, W2 in zip(net.weights, by_hand.weights, strict=True):
        np.testing.assert_array_equal(W, W2)


def test_public_entry_points_still_check():
    net = s.init_net((2, 2, 1), "relu", seed=0)
    with pytest.raises(ValueError, match="lr"):
        s.gradient_step(net, s.backward(net, X4, Y4), 0.0)
    with pytest.raises(ValueError, match="name"):
        s.activate("swish", np.zeros(2))
    with pytest.raises(ValueError, match="name"):
        s.slope("swish", np.zeros(2), np.zeros(2))
    net.activations = ("swish", "sigmoid")  # reassigned after the Net was built
    for call in (s.forward, s.predict):
        with pytest.raises(ValueError, match=r"activations\[0\]"):
            call(net, X4)
    for call in (s.backward, s.loss_value):
        with pytest.raises(ValueError, match=r"activations\[0\]"):
            call(net, X4, Y4)
    with pytest.raises(ValueError, match=r"activations\[0\]"):
        s.train(net, X4, Y4, lr=0.1, num_steps=1)
