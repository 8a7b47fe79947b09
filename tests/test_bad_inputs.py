"""The kinds of bad input a probe of the public helpers tried (huge numbers, NaN, wrong
types, nested lists, out-of-range labels), per module: each gives a clear ValueError or
TypeError that names the argument, never a NumPy or Python error from deep inside."""

import numpy as np
import pytest

from xorhelpers import _check, data
from xorhelpers.nets import scratch
from xorhelpers.parity import recipes

X4, Y4 = data.truth_table()
NET = scratch.init_net((2, 3, 1), seed=0)

CHECK = [
    (lambda: _check.check_float("lr", 10**400), ValueError, "lr must be finite.*401 digits"),
    (lambda: _check.check_float("lr", -10**400), ValueError, "lr must be finite"),
    (lambda: _check.check_float("lr", float("nan")), ValueError, "lr must be finite"),
    (lambda: _check.check_float("lr", "0.1"), TypeError, "lr must be a real number"),
    (lambda: _check.check_int("n", 2.0), TypeError, "n must be an integer"),
    (lambda: _check.check_int("n", True), TypeError, "n must be an integer"),
    (lambda: _check.check_seed("seed", 2**32), ValueError, "seed must be <= 4294967295"),
    (lambda: _check.check_memory("this", 3 * 2**30, "do less"), ValueError,
     "this would need about 3 GiB of memory, more than the limit of 2 GiB; do less"),
]

DATA = [
    (lambda: data.noisy_xor(noise=1e300), ValueError, "noise must be <= 1000000"),
    (lambda: data.noisy_xor(noise=float("inf")), ValueError, "noise must be finite"),
    (lambda: data.noisy_xor(noise=-1), ValueError, "noise must be >= 0"),
    (lambda: data.noisy_xor(n=10**12), ValueError, r"noisy_xor\(n=1000000000000\) would "
     "need about .* limit of 2 GiB"),
    (lambda: data.noisy_xor(n=2.5), TypeError, "n must be an integer"),
    (lambda: data.bit_matrix_pairs(10**6, size=1000), ValueError,
     r"bit_matrix_pairs\(n=1000000, size=1000\) would need"),
    (lambda: data.parity_sequences(10**7, 10**4), ValueError, "parity_sequences.*limit"),
    (lambda: data.parity_sequences(10, 0), ValueError, "length must be >= 1"),
    (lambda: data.parity_sequences(10, 5, seed=-1), ValueError, "seed must be >= 0"),
    (lambda: data.parity_sequences(10, 5, complement=1), TypeError, "complement must be True"),
]

SCRATCH = [
    (lambda: scratch.train(NET.copy(), X4, np.array([-1, 1, 1, -1]), 0.1, 10), ValueError,
     r"y must lie in \[0, 1\].*from -1 to 1"),
    (lambda: scratch.train(NET.copy(), X4, np.arange(4), 0.1, 10), ValueError,
     r"y must lie in \[0, 1\].*from 0 to 3"),
    (lambda: scratch.train(NET.copy(), X4, [0, np.nan, 1, 0], 0.1, 10), ValueError,
     "y must hold finite numbers"),
    (lambda: scratch.loss_value(NET, X4, [0, 2, 1, 0]), ValueError, r"y must lie in \[0, 1\]"),
    (lambda: scratch.backward(NET, X4, [0, 2, 1, 0]), ValueError, r"y must lie in \[0, 1\]"),
    (lambda: scratch.train(NET.copy(), X4, ["a"] * 4, 0.1, 10), TypeError,
     "y must be an array of numbers"),
    (lambda: scratch.train(NET.copy(), X4, Y4, 10**400, 10), ValueError,
     "lr must be finite.*401 digits"),
    (lambda: scratch.train(NET.copy(), X4, Y4, 0.1, 10**400), ValueError,
     "num_steps must be <= 10000000"),
    (lambda: scratch.gradient_step(NET.copy(), scratch.backward(NET, X4, Y4), 10**400),
     ValueError, "lr must be finite"),
    (lambda: scratch.Net([[["a", "b"]]], [np.zeros((1, 2))], ("sigmoid",)), TypeError,
     r"weights\[0\] must be an array of numbers"),
    (lambda: scratch.Net([np.zeros((2, 1))], [np.zeros(3)], ("sigmoid",)), ValueError,
     r"biases\[0\] must have shape \(1, 1\)"),
    (lambda: scratch.init_net((2, 10**400, 1)), ValueError, r"layer_sizes\[1\] must be <= 100000"),
]

PARITY = [
    (lambda: recipes.check_stages([(1000, 10**7)]), ValueError,
     r"stages\[0\] num_steps must be <= 1000000"),
    (lambda: recipes.check_stages("10"), TypeError, "stages must be a non-empty sequence"),
    (lambda: recipes.StagedRecipe(lr=10**400), ValueError, "lr must be finite"),
]


def _run(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


@pytest.mark.parametrize("call, error, pattern", CHECK)
def test_check_bad_inputs(call, error, pattern):
    _run(call, error, pattern)


@pytest.mark.parametrize("call, error, pattern", DATA)
def test_data_bad_inputs(call, error, pattern):
    _run(call, error, pattern)


@pytest.mark.parametrize("call, error, pattern", SCRATCH)
def test_scratch_bad_inputs(call, error, pattern):
    _run(call, error, pattern)


@pytest.mark.parametrize("call, error, pattern", PARITY)
def test_parity_bad_inputs(call, error, pattern):
    _run(call, error, pattern)


def test_scratch_nets_from_integer_weights_and_nested_lists_train():
    ints = scratch.Net([np.array([[1, -1], [-1, 1]]), np.array([[1], [1]])],
                       [np.zeros((1, 2), int), np.array([[-1]])], ("relu", "sigmoid"))
    lists = scratch.Net([[[1, -1], [-1, 1]], [[1], [1]]], [[[0, 0]], [[-1]]],
                        ("relu", "sigmoid"))
    for net in (ints, lists):
        losses = scratch.train(net, X4, Y4, 0.5, 50)
        assert np.isfinite(losses).all() and losses[-1] < losses[0]
        assert all(W.dtype == np.float64 for W in net.weights + net.biases)


def test_noisy_xor_at_the_largest_noise_is_finite():
    X, _ = data.noisy_xor(1000, noise=data.MAX_NOISE, seed=0)
    assert np.isfinite(X).all()


def test_soft_cross_entropy_targets_and_mse_targets_outside_01_are_still_accepted():
    scratch.train(NET.copy(), X4, [0.1, 0.9, 0.8, 0.2], 0.1, 5)
    mse = scratch.init_net((2, 3, 1), loss="mse", output_activation="linear", seed=0)
    scratch.train(mse, X4, [-1, 1, 1, -1], 0.1, 5)
