"""The registry of the network's maths (xorhelpers.maths): every activation against finite
differences, Keras and both sweep engines; the losses, the forward pass, solved, dead, Adam
and the constants that must equal Keras'."""

import inspect
import math
import re

import numpy as np
import pytest

from xorhelpers import maths

Z_AWAY_FROM_0 = np.concatenate([np.linspace(-6, -0.05, 60), np.linspace(0.05, 6, 60)])
Z32 = np.concatenate([np.linspace(-30, 30, 2001), [0.0, 1e-30, -1e-30, 1e-8, -1e-8]]
                     ).astype(np.float32)


@pytest.mark.parametrize("name", maths.ACTIVATIONS)
def test_slope_is_the_derivative_of_the_value(name):
    eps = 1e-6
    up = maths.activate(name, Z_AWAY_FROM_0 + eps)
    down = maths.activate(name, Z_AWAY_FROM_0 - eps)
    assert np.allclose(maths.slope(name, Z_AWAY_FROM_0), (up - down) / (2 * eps), atol=1e-7)


@pytest.mark.parametrize("name", maths.ACTIVATIONS)
def test_value_and_slope_equal_keras_and_tensorflow(name):
    from xorhelpers._tf import keras, tf

    z = tf.constant(Z32)
    with tf.GradientTape() as tape:
        tape.watch(z)
        out = keras.activations.get(name)(z)
    value, grad = np.asarray(out), np.asarray(tape.gradient(out, z))
    assert np.allclose(maths.activate(name, Z32.astype(np.float64)), value, atol=1e-6)
    assert np.allclose(maths.slope(name, Z32.astype(np.float64)), grad, atol=1e-6)
    at_zero = float(maths.slope(name, np.zeros(1))[0])
    assert at_zero == pytest.approx(float(grad[Z32 == 0][0]))  # the kink as TensorFlow takes it


@pytest.mark.parametrize("name", maths.ACTIVATIONS)
def test_the_record_describes_the_function(name):
    record = maths.activation(name)
    z = np.linspace(-50, 50, 10001)
    value, s = record.value(z), record.slope(z)
    assert record.low <= value.min() and value.max() <= record.high
    assert s.max() == pytest.approx(record.max_slope)
    off = z <= 0
    assert record.can_die == bool((value[off] == 0).all() and (s[off] == 0).all())
    assert record.saturates == bool(s[0] < 1e-6 and s[-1] < 1e-6)
    left, right = record.slope(np.array([-1e-12, 1e-12]))
    assert record.kink == bool(abs(left - right) > 1e-6)
    assert maths.output_range(name) == (record.low, record.high)


def test_the_codes_are_the_compiled_kernels():
    from xorhelpers.sweep import fast_engine

    assert {name: maths.activation(name).code for name in maths.ACTIVATIONS} \
        == fast_engine.ACT_CODES


@pytest.mark.parametrize("name", maths.ACTIVATIONS)
def test_the_numpy_engine_computes_the_registry_bit_for_bit(name):
    """2-64-1 networks on the one-hot rows (1, 0) and (0, 1) with zero biases: each hidden
    unit's input is one of its two weights exactly, so the engine's stored activations and
    slopes must be f and f' of those weights in float32."""
    from xorhelpers.sweep import Config, numpy_engine

    M, width = 16, 64
    Z = np.resize(np.concatenate([Z32, -Z32]), (M, 2, width))
    start = [(Z, np.zeros((M, width), np.float32)),
             (np.ones((M, width, 1), np.float32), np.zeros((M, 1), np.float32))]
    nets = numpy_engine.Nets([Config(widths=(width,), activation=name)] * M, start)
    X = np.array([[1, 0, 1], [0, 1, 1]], np.float32)  # the inputs with their ones column
    _, inputs, slopes = nets.forward(X)
    Z_engine = np.moveaxis(Z, 0, -1)  # (rows, units, M): the engine's model-last layout
    assert np.array_equal(inputs[1][:, :-1], maths.activate(name, Z_engine))
    assert np.array_equal(slopes[0], maths.slope(name, Z_engine))
    assert inputs[1].dtype == slopes[0].dtype == np.float32


@pytest.mark.parametrize("name", maths.ACTIVATIONS)
def test_the_compiled_kernel_computes_the_registry_bit_for_bit(name):
    """One 2-1-1 network per value z: hidden unit input = z, so the kernel's stored hidden
    activation and slope are f(z) and f'(z) in float32."""
    from xorhelpers.sweep import fast_kernel

    z = Z32[np.abs(Z32) < 80]
    lanes = len(z)  # one network per lane
    P = np.zeros((5, lanes), np.float32)
    P[0] = 1.0  # weight from input 0; weight from input 1 and the bias stay 0
    P[3] = 1.0
    sizes = np.array([2, 1, 1], np.int64)
    offs = np.array([0, 3, 5], np.int64)
    R, W = 1, 2  # one row of inputs; at most two units in a layer
    H = np.zeros((3 * R * W, lanes), np.float32)  # inputs, hidden layer, logits
    H[0] = z  # row 0, input 0
    S = np.zeros((1 * R * W, lanes), np.float32)
    fast_kernel.forward_rows(P, sizes, offs, maths.activation(name).code,
                        np.float32(maths.LEAKY_SLOPE), H, S, 1, R, W)
    assert np.array_equal(H[1 * R * W], maths.activate(name, z))  # hidden layer, row 0, unit 0
    assert np.array_equal(S[0], maths.slope(name, z))


@pytest.mark.parametrize("name", maths.ACTIVATIONS)
def test_the_kernels_one_hidden_layer_step_computes_the_registry_bit_for_bit(name):
    """``shallow_step`` (networks with one hidden layer): 2-1-1 networks whose hidden input
    is z store f(z) and f'(z) as the registry computes them in float32."""
    from xorhelpers.sweep import fast_kernel

    z = Z32[np.abs(Z32) < 80]
    lanes = len(z)
    P = np.zeros((5, lanes), np.float32)
    P[0] = 1.0  # kernel row k h + o: input 0 -> the unit
    H = np.zeros((2, lanes), np.float32)  # one row of inputs
    H[0] = z
    y, w = np.zeros((1, lanes), np.float32), np.ones((1, lanes), np.float32)
    A, S = np.zeros((1, lanes), np.float32), np.zeros((1, lanes), np.float32)
    G, Zo, dz = np.zeros_like(P), np.zeros((1, lanes), np.float32), np.zeros((1, lanes), np.float32)
    fast_kernel.shallow_step(P, G, 1, maths.activation(name).code, np.float32(maths.LEAKY_SLOPE),
                             0, H, 2, y, w, 1, A, S, Zo, dz)
    assert np.array_equal(A[0], maths.activate(name, z))
    assert np.array_equal(S[0], maths.slope(name, z))


def test_float64_sigmoid_does_not_overflow_and_float32_follows_the_engines():
    big = maths.sigmoid(np.array([-800.0, 0.0, 800.0]))
    assert big.tolist() == [0.0, 0.5, 1.0]
    with np.errstate(over="raise"):
        maths.sigmoid(np.array([-800.0, 800.0]))
    assert maths.sigmoid(np.float32([-100.0]))[0] == 0.0


def test_unknown_names_and_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="activation"):
        maths.activation("softplus")
    with pytest.raises(TypeError, match="Z must be"):
        maths.activate("relu", "abc")
    with pytest.raises(ValueError, match="dtype"):
        maths.forward([(np.eye(2), np.zeros(2))], np.eye(2), output="linear", dtype=np.int64)
    with pytest.raises(ValueError, match="hidden"):
        maths.forward([(np.eye(2), np.zeros(2))] * 3, np.eye(2), hidden=["relu"])
    with pytest.raises(ValueError, match="X must"):
        maths.forward([(np.eye(2), np.zeros(2))], np.eye(3))


# ------------------------------------------------------------------------------- losses

def test_bce_from_logits_is_stable_and_equals_the_probability_form():
    z = np.linspace(-20, 20, 81)
    for y in (0.0, 1.0, 0.3):
        p = 1 / (1 + np.exp(-z))
        direct = -(y * np.log(p) + (1 - y) * np.log(1 - p))
        assert np.allclose(maths.bce_with_logits(z, y), direct, rtol=1e-6, atol=1e-12)
    huge = maths.bce_with_logits(np.array([-1000.0, 1000.0]), np.array([1.0, 0.0]))
    assert huge.tolist() == [1000.0, 1000.0]


def test_bce_from_probabilities_clips_as_keras_does():
    from xorhelpers._tf import keras

    p = np.array([0.0, 1e-9, 0.2, 0.5, 0.9, 1.0, 1.5])
    y = np.array([1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0])
    ours = maths.bce_from_probabilities(p, y)
    theirs = [float(keras.losses.binary_crossentropy(np.float32([[t]]), np.float32([[q]]))[0])
              for q, t in zip(p, y, strict=True)]
    # Keras clips in float32, where 1 - 1e-7 rounds to 1 - 1.19e-7: compare away from 1
    assert np.allclose(ours[:5], theirs[:5], rtol=1e-4)
    assert ours[5] == ours[6] == pytest.approx(ours[0])  # p >= 1: clipped as p = 0 for y = 1
    slope = maths.bce_from_probabilities_slope(p, y)
    assert slope[0] == 0 and slope[-1] == 0 and slope[-2] == 0  # clipped: no gradient
    inside = slope[2:5]
    eps = 1e-7
    fd = (maths.bce_from_probabilities(p[2:5] + eps, y[2:5])
          - maths.bce_from_probabilities(p[2:5] - eps, y[2:5])) / (2 * eps)
    assert np.allclose(inside, fd, rtol=1e-5)


def test_squared_error_and_its_slope():
    assert maths.squared_error([0.5, 2.0], [1.0, 0.0]).tolist() == [0.25, 4.0]
    assert maths.squared_error_slope([0.5, 2.0], [1.0, 0.0]).tolist() == [-1.0, 4.0]


@pytest.mark.parametrize("name", maths.LOSSES)
def test_the_loss_records_slope_is_the_derivative_at_the_logit(name):
    record = maths.loss(name)
    z = np.linspace(-8, 8, 41)
    eps = 1e-6
    for y in (0.0, 1.0, 0.3):
        fd = (record.with_logits(z + eps, y) - record.with_logits(z - eps, y)) / (2 * eps)
        assert np.allclose(record.logit_slope(maths.sigmoid(z), y), fd, rtol=1e-6, atol=1e-9)
    assert record.with_logits(z, 1.0).tolist() == (
        maths.bce_with_logits(z, 1.0) if name == "binary_crossentropy"
        else maths.squared_error_with_logits(z, 1.0)).tolist()


@pytest.mark.parametrize("name", maths.LOSSES)
def test_the_loss_slope_stays_in_float32_as_the_engines_compute_it(name):
    p = maths.sigmoid(Z32)
    y = (Z32 > 1).astype(np.float32)
    got = maths.loss(name).logit_slope(p, [float(t) for t in y])  # y follows p's precision
    assert got.dtype == np.float32
    want = p - y if name == "binary_crossentropy" else (p - y) * ((2 * p) * (1 - p))
    assert np.array_equal(got, want)


@pytest.mark.parametrize("name", maths.LOSSES)
def test_the_kernels_loss_slope_is_the_registrys_bit_for_bit(name):
    """``shallow_step`` on 2-1-1 networks with a linear hidden unit and output weight 1: the
    logit is the input z, and the kernel's slope at it (row weight 1) is the registry's."""
    from xorhelpers.sweep import fast_kernel

    z = Z32[np.abs(Z32) < 80]
    lanes = len(z)
    P = np.zeros((5, lanes), np.float32)
    P[0] = 1.0  # input 0 -> the hidden unit
    P[3] = 1.0  # the hidden unit -> the output
    H = np.zeros((2, lanes), np.float32)
    H[0] = z
    y = (np.arange(lanes) % 2).astype(np.float32)[None]  # targets 0 and 1 in turn
    w = np.ones((1, lanes), np.float32)
    A, S = np.zeros((1, lanes), np.float32), np.zeros((1, lanes), np.float32)
    G, Zo, dz = np.zeros_like(P), np.zeros((1, lanes), np.float32), np.zeros((1, lanes), np.float32)
    fast_kernel.shallow_step(P, G, 1, maths.activation("linear").code,
                             np.float32(maths.LEAKY_SLOPE), maths.loss(name).code, H, 2, y, w, 1,
                             A, S, Zo, dz)
    assert np.array_equal(Zo[0], z)
    assert np.array_equal(dz[0], maths.loss(name).logit_slope(maths.sigmoid(z), y[0]))


def test_the_loss_codes_are_the_compiled_kernels():
    from xorhelpers.sweep import fast_engine, fast_kernel

    assert {name: maths.loss(name).code for name in maths.LOSSES} == fast_engine.LOSS_CODES
    assert (maths.loss("binary_crossentropy").code, maths.loss("mse").code) == (
        fast_kernel.BCE, fast_kernel.MSE)
    with pytest.raises(ValueError, match="loss"):
        maths.loss("hinge")


# ------------------------------------------------------------------------------ forward

def test_forward_is_the_layers_written_out_for_one_net_and_a_stack():
    gen = np.random.default_rng(0)
    weights = [(gen.normal(size=(3, 2, 4)), gen.normal(size=(3, 4))),
               (gen.normal(size=(3, 4, 1)), gen.normal(size=(3, 1)))]
    X = gen.normal(size=(5, 2))
    out, layers = maths.forward(weights, X, "tanh")
    for m in range(3):
        h = np.tanh(X @ weights[0][0][m] + weights[0][1][m])
        p = 1 / (1 + np.exp(-(h @ weights[1][0][m] + weights[1][1][m])))
        assert np.allclose(out[m], p, rtol=1e-12)
        one, _ = maths.forward([(W[m], b[m]) for W, b in weights], X, ["tanh"])
        assert np.array_equal(one, out[m])
    assert [t[1].shape for t in layers] == [(3, 5, 4), (3, 5, 1)]
    assert layers[1][0] is layers[0][2]
    out32, _ = maths.forward(weights, X, "tanh", dtype=np.float32)
    assert out32.dtype == np.float32 and np.allclose(out32, out, atol=1e-6)


# ------------------------------------------------------------------------ solved, dead

def test_solved_exactly_one_half_is_on_no_side():
    y = np.array([0.0, 1.0, 1.0, 0.0])
    assert not maths.solved([0.5, 0.524, 0.545, 0.5], [0.0, 1.0, 1.0, 1.0]).item()
    assert not maths.solved([0.5, 0.9, 0.9, 0.1], y).item()
    assert maths.solved([0.49, 0.51, 0.51, 0.49], y).item()
    assert not maths.solved([0.49, 0.51, 0.51, 0.49], y, margin=0.01).item()
    assert not maths.solved([np.nan, 0.9, 0.9, 0.1], y).item()


@pytest.mark.parametrize("name", maths.ACTIVATIONS)
def test_only_units_that_can_die_are_dead(name):
    Z = np.array([[[-1.0, 0.0, 2.0], [-3.0, 0.0, -1.0]]])  # (1 net, 2 rows, 3 units)
    expected = [True, True, False] if maths.activation(name).can_die else [False] * 3
    assert maths.dead(name, Z).tolist() == [expected]


# --------------------------------------------------------------------------------- Adam

def test_adam_update_is_keras():
    from xorhelpers._tf import keras

    gen = np.random.default_rng(1)
    start = gen.normal(size=6).astype(np.float32)
    grads = gen.normal(size=(5, 6)).astype(np.float32)
    var = keras.Variable(start)
    opt = keras.optimizers.Adam(learning_rate=0.01)
    theta, m, v = start.astype(np.float64), np.zeros(6), np.zeros(6)
    for t, g in enumerate(grads, start=1):
        opt.apply_gradients([(keras.ops.convert_to_tensor(g), var)])
        maths.adam_update(theta, g.astype(np.float64), m, v, t, 0.01)
    assert np.allclose(np.asarray(var), theta, atol=1e-6)


# ---------------------------------------------------------------------------- constants

def test_the_constants_are_keras_defaults():
    from xorhelpers._tf import keras

    assert inspect.signature(keras.activations.leaky_relu).parameters[
        "negative_slope"].default == maths.LEAKY_SLOPE
    for name in maths.ACTIVATIONS:
        assert callable(keras.activations.get(name))
    adam, rmsprop = keras.optimizers.Adam(), keras.optimizers.RMSprop()
    assert (adam.beta_1, adam.beta_2, adam.epsilon) == (
        maths.ADAM_BETA_1, maths.ADAM_BETA_2, maths.EPSILON)
    assert (rmsprop.rho, rmsprop.epsilon) == (maths.RMSPROP_RHO, maths.EPSILON)
    assert keras.config.epsilon() == maths.CLIP_EPS
    from xorhelpers.nets import models

    assert models.make_optimizer("momentum", 0.1).momentum == maths.SGD_MOMENTUM
    # Keras divides by the std of a standard normal truncated at +-2; recompute it:
    # variance 1 - 2 * 2 phi(2) / (Phi(2) - Phi(-2))
    phi2 = math.exp(-2.0) / math.sqrt(2 * math.pi)
    std = math.sqrt(1 - 4 * phi2 / math.erf(2 / math.sqrt(2)))
    assert abs(std - maths.TRUNCATED_NORMAL_STD) < 1e-12
    source = inspect.getsource(keras.initializers.VarianceScaling)
    written = re.findall(r"0\.8796\d+", source)
    assert written and all(float(w) == maths.TRUNCATED_NORMAL_STD for w in written)


def test_every_module_reads_the_registry():
    from xorhelpers import sweep
    from xorhelpers.nets import models, scratch

    assert scratch.ACTIVATIONS is models.ACTIVATIONS is sweep.ACTIVATIONS is maths.ACTIVATIONS
    assert models.OPTIMIZERS is sweep.OPTIMIZERS is maths.OPTIMIZERS
    assert scratch.LOSSES is sweep.LOSSES is maths.LOSSES
