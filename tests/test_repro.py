"""Seeding: the same seed gives the same draws and the same Keras initial weights."""

import random

import numpy as np
import pytest

from xorhelpers import repro
from xorhelpers._tf import keras, tf
from xorhelpers.nets.models import mlp


def _draws(seed):
    repro.seed_everything(seed)
    return (random.random(), np.random.rand(5), np.asarray(tf.random.uniform((5,))),
            np.asarray(keras.random.normal((5,))))


def _initial_weights(seed):
    repro.seed_everything(seed)
    model = mlp([4, 3])  # no seed of its own: initial weights come from the global Keras seed
    return model.get_weights()


def test_seed_everything_returns_the_seed():
    assert repro.seed_everything(7) == 7


def test_seed_everything_gives_identical_draws_twice():
    first, second = _draws(3), _draws(3)
    assert first[0] == second[0]
    for a, b in zip(first[1:], second[1:], strict=True):
        np.testing.assert_array_equal(a, b)


def test_seed_everything_different_seeds_give_different_draws():
    first, second = _draws(3), _draws(4)
    assert first[0] != second[0]
    for a, b in zip(first[1:], second[1:], strict=True):
        assert not np.array_equal(a, b)


def test_seed_everything_numpy_matches_plain_numpy_seeding():
    repro.seed_everything(11)
    ours = np.random.rand(3)
    np.random.seed(11)
    np.testing.assert_array_equal(ours, np.random.rand(3))


def test_seed_everything_gives_identical_keras_initial_weights():
    first, second = _initial_weights(5), _initial_weights(5)
    assert len(first) == len(second) == 6
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    other = _initial_weights(6)
    assert not np.array_equal(first[0], other[0])


def test_seed_everything_turns_on_op_determinism(monkeypatch):
    calls = []
    monkeypatch.setattr(tf.config.experimental, "enable_op_determinism",
                        lambda: calls.append(True))
    repro.seed_everything(0)
    assert calls == [True]


@pytest.mark.parametrize("seed,error", [(-1, ValueError), (2**32, ValueError), (1.5, TypeError),
                                        ("0", TypeError), (None, TypeError), (True, TypeError)])
def test_bad_seed_is_rejected_naming_seed(seed, error):
    with pytest.raises(error, match="seed"):
        repro.seed_everything(seed)
