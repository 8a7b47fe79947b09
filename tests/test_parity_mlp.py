"""Tests for xorhelpers.parity.mlp: the hand-built parity net and the batched MLP trainer."""

import itertools

import numpy as np
import pytest

from xorhelpers.parity import hand_built_parity, train_parity_mlps
from xorhelpers.parity.mlp import _random_bits


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8])
def test_hand_built_parity_is_exact_on_every_input(n):
    W, c, w, b = hand_built_parity(n)
    X = np.array(list(itertools.product([0, 1], repeat=n)), np.float32)
    out = np.maximum(X @ W + c, 0) @ w + b
    np.testing.assert_array_equal(out, X.sum(axis=1) % 2)
    assert W.shape == (n, n)


def test_hand_built_parity_on_30_bits():
    W, c, w, b = hand_built_parity(30)
    X = np.random.default_rng(0).integers(0, 2, size=(2000, 30)).astype(np.float32)
    np.testing.assert_array_equal(np.maximum(X @ W + c, 0) @ w + b, X.sum(axis=1) % 2)


def test_random_bits_zero_the_unused_columns_and_label_parity():
    from xorhelpers._tf import tf

    X, y = _random_bits((3, 500, 6), tf.constant([0, 1], tf.int64), [1, 4, 6], 6)
    X, y = X.numpy(), y.numpy()
    assert not X[0, :, 1:].any() and not X[1, :, 4:].any()
    assert X[2].mean() == pytest.approx(0.5, abs=0.05)
    np.testing.assert_array_equal(y, X.sum(axis=-1) % 2)


def test_mlps_learn_few_bits_but_not_many():
    acc = train_parity_mlps(num_bits=[2, 3, 24], num_steps=400, seed=0, n_test=2000)
    assert acc.shape == (3,)
    assert acc[0] == 1.0 and acc[1] == 1.0
    assert abs(acc[2] - 0.5) < 0.05


def test_train_parity_mlps_is_deterministic():
    a = train_parity_mlps(num_bits=[4, 9], num_steps=50, seed=1)
    b = train_parity_mlps(num_bits=[4, 9], num_steps=50, seed=1)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("bad, match", [
    (dict(num_bits=[]), "num_bits"), (dict(num_bits=[2, 31]), r"num_bits\[1\]"),
    (dict(num_bits="23"), "num_bits"), (dict(width=0), "width"), (dict(num_steps=0), "num_steps"),
    (dict(lr=0.0), "lr"), (dict(seed=-3), "seed"), (dict(n_test=0), "n_test"),
])
def test_train_parity_mlps_rejects_bad_input(bad, match):
    with pytest.raises((TypeError, ValueError), match=match):
        train_parity_mlps(**bad)


def test_hand_built_parity_rejects_bad_input():
    with pytest.raises(ValueError, match="num_bits"):
        hand_built_parity(0)
    with pytest.raises(TypeError, match="num_bits"):
        hand_built_parity(2.0)


def test_parity_gradient_snr_falls_with_the_number_of_bits():
    from xorhelpers.parity.mlp import parity_gradient_snr

    snr = [parity_gradient_snr(n, num_nets=5) for n in (2, 4, 6, 8)]
    assert all(np.diff(snr) < 0)
    assert snr[0] > 0.5 and snr[-1] < 0.1
    # more strings per batch: less noise, so a larger ratio (by sqrt(4) = 2 exactly)
    assert parity_gradient_snr(4, batch_size=512, num_nets=5) == pytest.approx(2 * snr[1])
    with pytest.raises(ValueError, match="num_bits"):
        parity_gradient_snr(0)
