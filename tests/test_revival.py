"""Dead-unit masks and revivals (notebook 04), against the sweep engine's own forward pass."""

import numpy as np
import pytest

from xorhelpers import sweep
from xorhelpers.clinic import revival
from xorhelpers.data import truth_table
from xorhelpers.maths import forward


def _random_stack(M=50, widths=(3, 3), seed=0):
    rng = np.random.default_rng(seed)
    sizes = (2, *widths, 1)
    return [(rng.normal(size=(M, a, b)), rng.normal(size=(M, b)))
            for a, b in zip(sizes[:-1], sizes[1:], strict=True)]


def test_dead_masks_agree_with_zero_activations_of_the_engine():
    weights = _random_stack()
    X, _ = truth_table()
    _, layers = forward(weights, X, "relu")
    hidden = [layer.A for layer in layers[:-1]]
    masks = revival.dead_masks(weights)
    assert len(masks) == 2
    for mask, H in zip(masks, hidden, strict=True):
        np.testing.assert_array_equal(mask, (H == 0).all(axis=1))
    assert 0 < sum(int(m.sum()) for m in masks) < sum(m.size for m in masks)


def test_a_hand_built_dead_unit_is_found():
    W1 = np.array([[[1.0, -1.0], [1.0, -1.0]]])  # unit 2 gets -(x1 + x2) <= 0 on all points
    b1 = np.zeros((1, 2))
    W2, b2 = np.ones((1, 2, 1)), np.zeros((1, 1))
    (mask,) = revival.dead_masks([(W1, b1), (W2, b2)])
    assert mask.tolist() == [[False, True]]


def test_revived_marks_units_dead_then_alive_later():
    # 3 checkpoints, 1 network, 4 units: dead-dead-alive, alive-dead-dead, dead-alive-dead, never
    D = np.array([[[1, 0, 1, 0]], [[1, 1, 0, 0]], [[0, 1, 1, 0]]], dtype=bool)
    h = revival.DeadHistory((0, 1, 2), (D,))
    assert h.revived[0].tolist() == [[True, False, True, False]]
    assert h.revived_per_layer().tolist() == [2]
    assert h.ever_dead_per_layer().tolist() == [3]
    assert h.dead_layer.tolist() == [[False], [False], [False]]
    full = revival.DeadHistory((0, 1), (np.ones((2, 1, 2), bool),))
    assert full.dead_layer.tolist() == [[True], [True]]


def test_checkpoint_runs_are_prefixes_of_one_run():
    """The k-step run ends where the longer run is at step k: with plain gradient descent
    (no optimizer state) 50 + 50 steps from the 50-step weights give the 100-step weights."""
    config = sweep.Config(widths=(4, 4), activation="relu", optimizer="sgd", lr=0.5,
                          loss="binary_crossentropy", num_steps=100)
    long = sweep.train(config, 5)
    half = sweep.train(config.replace(num_steps=50), 5)
    rest = sweep.train(config.replace(num_steps=50), [0, 1, 2, 3, 4],
                       initial_weights=half.stacked_weights())
    for (W, b), (W2, b2) in zip(long.stacked_weights(), rest.stacked_weights(), strict=True):
        np.testing.assert_allclose(W, W2, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(b, b2, rtol=1e-5, atol=1e-6)
    history = revival.dead_history(config, 5, [50, 100])
    assert history.steps == (0, 50, 100)
    for layer, mask in enumerate(revival.dead_masks(long.stacked_weights())):
        np.testing.assert_array_equal(history.dead[layer][-1], mask)


def test_first_layer_units_dead_on_the_data_stay_dead():
    config = sweep.Config(widths=(3, 3, 3), activation="relu", optimizer="sgd", lr=0.5,
                          loss="mse", num_steps=200)
    history = revival.dead_history(config, 100, [20, 200])
    assert history.ever_dead_per_layer()[0] > 0
    assert history.revived_per_layer()[0] == 0


@pytest.mark.parametrize("checkpoints", [[], [50, 50], [100, 50], [0, 10]])
def test_bad_checkpoints(checkpoints):
    config = sweep.Config(widths=(2,), num_steps=10)
    with pytest.raises((ValueError, TypeError), match="checkpoints"):
        revival.dead_history(config, 2, checkpoints)


def test_bad_arguments():
    with pytest.raises(TypeError, match="config"):
        revival.dead_history("relu", 2, [10])
    with pytest.raises(TypeError, match="weights"):
        revival.dead_masks([])
    with pytest.raises(ValueError, match="weights\\[0\\]"):
        revival.dead_masks([(np.ones((2, 3)), np.ones(3)), (np.ones((3, 1)), np.ones(1))])
    with pytest.raises(ValueError, match="X"):
        revival.dead_masks(_random_stack(), X=np.ones(4))


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "leaky_relu"])
def test_units_that_cannot_die_are_never_dead(activation):
    """maths.dead: only a unit whose activation can die (relu) is dead; a tanh, sigmoid or
    leaky ReLU unit whose input is <= 0 on every row still passes a gradient."""
    weights = _random_stack(M=200, widths=(3, 3))
    X, _ = truth_table()
    (W1, b1) = weights[0]
    Z1 = np.einsum("ni,mio->mno", X, W1) + b1[:, None, :]
    assert (Z1 <= 0).all(axis=1).any()  # inputs off on every row exist ...
    masks = revival.dead_masks(weights, activation=activation)
    assert not any(m.any() for m in masks)  # ... and are not called dead
    assert revival.dead_masks(weights)[0].sum() == (Z1 <= 0).all(axis=1).sum()


def test_dead_masks_of_relu_nets_run_relu_below():
    weights = _random_stack(M=200, widths=(3, 3))
    X, _ = truth_table()
    (W1, b1), (W2, b2) = weights[:2]
    Z1 = np.einsum("ni,mio->mno", X, W1) + b1[:, None, :]
    Z2 = np.maximum(Z1, 0) @ W2 + b2[:, None, :]
    masks = revival.dead_masks(weights)
    np.testing.assert_array_equal(masks[0], (Z1 <= 0).all(axis=1))
    np.testing.assert_array_equal(masks[1], (Z2 <= 0).all(axis=1))


def test_dead_history_of_a_tanh_config_has_no_dead_units():
    config = sweep.Config(widths=(3, 3), activation="tanh", optimizer="adam", lr=0.01,
                          num_steps=20)
    history = revival.dead_history(config, 200, [20])
    assert not any(D.any() for D in history.dead)


def test_dead_masks_reject_an_unknown_activation():
    with pytest.raises(ValueError, match="activation"):
        revival.dead_masks(_random_stack(), activation="swish")
