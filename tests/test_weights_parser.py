"""The one parser of (W, b) pair lists that born_dead, scratch and the sweep share."""

import numpy as np
import pytest

from xorhelpers import maths, sweep
from xorhelpers._weights import as_pairs
from xorhelpers.clinic import born_dead
from xorhelpers.data import truth_table
from xorhelpers.nets import scratch


def test_pairs_come_back_as_float64_copies():
    W = np.ones((2, 3), dtype=np.float32)
    pairs = as_pairs([(W, [0, 1, 2])])
    assert pairs[0][0].dtype == np.float64 and pairs[0][1].tolist() == [0.0, 1.0, 2.0]
    pairs[0][0][0, 0] = 5.0
    assert W[0, 0] == 1.0


@pytest.mark.parametrize("bad,match", [([], "non-empty list"), ("W", "non-empty list"),
                                       ([(np.ones((2, 1)),)], r"weights\[0\] must be a \(W, b\)"),
                                       ([np.ones((2, 1))], r"weights\[0\] must be a \(W, b\)")])
def test_every_caller_rejects_the_same_way(bad, match):
    X, _ = truth_table()
    calls = [lambda: as_pairs(bad), lambda: scratch.from_weights(bad),
             lambda: born_dead.hidden_constant(bad, X), lambda: maths.forward(bad, X)]
    for call in calls:
        with pytest.raises(TypeError, match=match):
            call()


def test_the_sweep_names_its_argument_and_keeps_its_value_error():
    config = sweep.Config(widths=(2,), num_steps=10)
    with pytest.raises(ValueError, match=r"initial_weights\[1\] must be a \(W, b\) pair"):
        sweep.train(config, 1, initial_weights=[(np.ones((2, 2)), np.ones(2)), "b"])
