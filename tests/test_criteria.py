"""The one definition of "solved": every output on its target's side of 0.5 by the margin."""

import numpy as np
import pytest

from xorhelpers import maths, sweep
from xorhelpers.clinic import case_e
from xorhelpers.data import truth_table
from xorhelpers.nets import scratch

_, Y4 = truth_table()


def _by_hand(P, y, margin):
    """The definition written out one output at a time."""
    return all((p > 0.5 + margin) if t == 1 else (p < 0.5 - margin)
               for p, t in zip(P, y, strict=True))


@pytest.mark.parametrize("margin", [0.0, 0.1, 0.3])
def test_agrees_with_the_definition_written_out(margin):
    gen = np.random.default_rng(0)
    P = np.concatenate([gen.uniform(0, 1, (200, 4)), np.full((1, 4), 0.5),
                        np.array([[0.1, 0.9, 0.9, 0.1], [0.4, 0.6, 0.6, 0.4]])])
    P[::7] = np.where(Y4 > 0.5, 0.5 + gen.uniform(0, 0.5, 4), 0.5 - gen.uniform(0, 0.5, 4))
    expected = [_by_hand(row, Y4, margin) for row in P]
    assert maths.solved(P, Y4, margin).tolist() == expected
    assert any(expected) and not all(expected)


def test_exactly_one_half_and_nan_are_on_no_side():
    assert not maths.solved([0.5, 0.9, 0.9, 0.1], Y4).item()
    assert not maths.solved([np.nan, 0.9, 0.9, 0.1], Y4).item()
    assert maths.solved([0.49, 0.51, 0.51, 0.49], Y4).item()
    assert not maths.solved([0.49, 0.51, 0.51, 0.49], Y4, margin=0.01).item()


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="margin"):
        maths.solved([0.1, 0.9, 0.9, 0.1], Y4, margin=0.6)
    with pytest.raises(ValueError, match="outputs must have shape"):
        maths.solved([0.1, 0.9, 0.9], Y4)


def test_sweep_scratch_and_case_e_share_it():
    result = sweep.train(sweep.Config(widths=(3,), activation="relu", num_steps=300), 40)
    _, y = truth_table()
    assert (result.solved == (maths.solved(result.outputs, y) & ~result.diverged)).all()
    assert (case_e.solved(result, margin=0.2) == maths.solved(result.outputs, y, 0.2)).all()
    assert result.solved.any() and not result.solved.all()
    net = scratch.from_weights(result.stacked_weights(), "relu")
    X, _ = truth_table()
    P = scratch.predict(net, X)
    assert (scratch.solved(net, X, y, margin=0.1) == maths.solved(P, y, 0.1)).all()
