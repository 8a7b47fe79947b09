"""Data sets: shapes, dtypes and values checked against independent computations."""

import numpy as np
import pytest

from xorhelpers import data

# --- truth_table -------------------------------------------------------------------------


def test_truth_table_rows_and_labels():
    X, y = data.truth_table()
    assert X.shape == (4, 2) and y.shape == (4,)
    assert X.dtype == np.float32 and y.dtype == np.float32
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == [a ^ b for a, b in [(0, 0), (0, 1), (1, 0), (1, 1)]]


def test_truth_table_returns_fresh_arrays():
    X, y = data.truth_table()
    X[0, 0] = 9
    y[0] = 9
    X2, y2 = data.truth_table()
    assert X2[0, 0] == 0 and y2[0] == 0


# --- noisy_xor ---------------------------------------------------------------------------


def test_noisy_xor_shapes_and_dtypes():
    X, y = data.noisy_xor(n=37, noise=0.2, seed=1)
    assert X.shape == (37, 2) and y.shape == (37,)
    assert X.dtype == np.float32 and y.dtype == np.float32
    assert set(np.unique(y)) <= {0.0, 1.0}


def test_noisy_xor_without_noise_sits_on_the_corners():
    X, y = data.noisy_xor(n=100, noise=0.0, seed=2)
    assert set(np.unique(X)) <= {0.0, 1.0}
    np.testing.assert_array_equal(y, (X[:, 0] != X[:, 1]).astype(np.float32))


def test_noisy_xor_labels_are_xor_of_nearest_corner_when_noise_is_small():
    X, y = data.noisy_xor(n=500, noise=0.05, seed=3)
    nearest = (X > 0.5).astype(int)  # nearest corner of the unit square, coordinate by coordinate
    np.testing.assert_array_equal(y, np.bitwise_xor(nearest[:, 0], nearest[:, 1]))
    assert np.abs(X - nearest).max() < 0.5


def test_noisy_xor_noise_has_requested_spread_and_corners_are_balanced():
    X, _ = data.noisy_xor(n=20_000, noise=0.1, seed=4)
    offsets = X - (X > 0.5)
    assert abs(offsets.mean()) < 0.005
    assert offsets.std() == pytest.approx(0.1, rel=0.03)
    corners = (X > 0.5).astype(int) @ np.array([2, 1])
    counts = np.bincount(corners, minlength=4) / len(X)
    np.testing.assert_allclose(counts, 0.25, atol=0.02)


def test_noisy_xor_same_seed_same_data_different_seed_different_data():
    a, b, c = (data.noisy_xor(50, 0.1, seed=s) for s in (7, 7, 8))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("kwargs,error,name", [
    (dict(n=0), ValueError, "n"), (dict(n=-5), ValueError, "n"), (dict(n=2.0), TypeError, "n"),
    (dict(n="10"), TypeError, "n"), (dict(noise=-0.1), ValueError, "noise"),
    (dict(noise=float("nan")), ValueError, "noise"), (dict(noise="0.1"), TypeError, "noise"),
    (dict(seed=-1), ValueError, "seed"), (dict(seed=0.5), TypeError, "seed"),
])
def test_noisy_xor_bad_input(kwargs, error, name):
    with pytest.raises(error, match=rf"\b{name} must"):
        data.noisy_xor(**kwargs)


# --- random_xor_pairs --------------------------------------------------------------------


def test_random_xor_pairs_values():
    X, y = data.random_xor_pairs(n=400, seed=5)
    assert X.shape == (400, 2) and y.shape == (400,)
    assert X.dtype == np.float32 and y.dtype == np.float32
    assert set(np.unique(X)) == {0.0, 1.0}
    bits = X.astype(int)
    np.testing.assert_array_equal(y, bits[:, 0] ^ bits[:, 1])
    # all four input patterns occur, each about a quarter of the time
    counts = np.bincount(bits @ np.array([2, 1]), minlength=4)
    assert counts.min() > 60


def test_random_xor_pairs_seeding():
    np.testing.assert_array_equal(data.random_xor_pairs(30, seed=1)[0],
                                  data.random_xor_pairs(30, seed=1)[0])
    assert not np.array_equal(data.random_xor_pairs(30, seed=1)[0],
                              data.random_xor_pairs(30, seed=2)[0])


@pytest.mark.parametrize("kwargs,error,name", [
    (dict(n=0), ValueError, "n"), (dict(n=1.5), TypeError, "n"),
    (dict(seed=2**32), ValueError, "seed"), (dict(seed="1"), TypeError, "seed"),
])
def test_random_xor_pairs_bad_input(kwargs, error, name):
    with pytest.raises(error, match=rf"\b{name} must"):
        data.random_xor_pairs(**kwargs)


# --- bit_matrix_pairs --------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 3])
def test_bit_matrix_pairs_elementwise_xor(size):
    A, B, Y = data.bit_matrix_pairs(n=50, size=size, seed=6)
    for M in (A, B, Y):
        assert M.shape == (50, size, size) and M.dtype == np.float32
        assert set(np.unique(M)) <= {0.0, 1.0}
    np.testing.assert_array_equal(Y, (A + B) % 2)
    np.testing.assert_array_equal(Y, (A != B).astype(np.float32))


def test_bit_matrix_pairs_seeding():
    first, again, other = (data.bit_matrix_pairs(20, 2, seed=s) for s in (1, 1, 2))
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("kwargs,error,name", [
    (dict(n=0), ValueError, "n"), (dict(size=0), ValueError, "size"),
    (dict(size=2.0), TypeError, "size"), (dict(n=None), TypeError, "n"),
    (dict(seed=-3), ValueError, "seed"),
])
def test_bit_matrix_pairs_bad_input(kwargs, error, name):
    with pytest.raises(error, match=rf"\b{name} must"):
        data.bit_matrix_pairs(**kwargs)


# --- parity_sequences --------------------------------------------------------------------


def test_parity_sequences_plain_encoding():
    X, y = data.parity_sequences(n=64, length=9, seed=7)
    assert X.shape == (64, 9, 1) and y.shape == (64,)
    assert X.dtype == np.float32 and y.dtype == np.float32
    assert set(np.unique(X)) == {0.0, 1.0}
    np.testing.assert_array_equal(y, X[:, :, 0].sum(axis=1) % 2)
    assert 0 < y.mean() < 1


def test_parity_sequences_running_parity_at_each_step():
    X, y = data.parity_sequences(n=10, length=12, seed=8, running=True)
    assert y.shape == (10, 12)
    for i in range(10):
        parity = 0
        for t in range(12):
            parity ^= int(X[i, t, 0])
            assert y[i, t] == parity
    # the last step of the running parity is the whole-sequence parity of the same data
    _, y_whole = data.parity_sequences(n=10, length=12, seed=8)
    np.testing.assert_array_equal(y[:, -1], y_whole)


@pytest.mark.parametrize("running", [False, True])
def test_parity_sequences_complement_encoding(running):
    X, y = data.parity_sequences(n=20, length=6, seed=9, complement=True, running=running)
    X_plain, y_plain = data.parity_sequences(n=20, length=6, seed=9, running=running)
    assert X.shape == (20, 6, 2)
    assert y.shape == ((20, 6, 2) if running else (20, 2))
    np.testing.assert_array_equal(X.sum(axis=-1), 1)
    np.testing.assert_array_equal(y.sum(axis=-1), 1)
    np.testing.assert_array_equal(X[..., 0], X_plain[..., 0])
    np.testing.assert_array_equal(y[..., 0], y_plain)


def test_parity_sequences_length_one_is_the_bit_itself():
    X, y = data.parity_sequences(n=30, length=1, seed=10)
    np.testing.assert_array_equal(y, X[:, 0, 0])


def test_parity_sequences_seeding():
    a, b, c = (data.parity_sequences(16, 8, seed=s)[0] for s in (3, 3, 4))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("kwargs,error,name", [
    (dict(n=0), ValueError, "n"), (dict(length=0), ValueError, "length"),
    (dict(length=5.0), TypeError, "length"), (dict(seed=-1), ValueError, "seed"),
    (dict(complement=1), TypeError, "complement"), (dict(running="yes"), TypeError, "running"),
])
def test_parity_sequences_bad_input(kwargs, error, name):
    with pytest.raises(error, match=rf"\b{name} must"):
        data.parity_sequences(**kwargs)
