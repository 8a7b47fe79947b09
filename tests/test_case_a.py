"""Case A: the learner's model in Keras 3, the batched NumPy replica (checked against Keras'
own forward pass and tf.GradientTape), training of many seeds, the shared net."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from xorhelpers import case_a
from xorhelpers.data import bit_matrix_pairs
from xorhelpers.models import count_params

VARIANTS = [case_a.LEARNER, case_a.Variant(4, "tanh", "sigmoid"),
            case_a.Variant(1, "sigmoid", "sigmoid"), case_a.Variant(2, "tanh", "relu")]


def test_learner_model_layers():
    model = case_a.learner_model(3, seed=0)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [d.units for d in dense] == [3, 3, 1, 3, 5, 4, 3, 1]
    acts = [d.activation.__name__ for d in dense]
    assert acts == ["sigmoid", "sigmoid", "sigmoid", "sigmoid", "relu", "sigmoid", "sigmoid",
                    "relu"]
    assert tuple(model.output.shape) == (None, 3, 1)
    assert not hasattr(keras.layers, "merge")  # Keras 2's keras.layers.merge is gone


def _name(v) -> str:
    return f"{v.merge_width}-{v.hidden}-{v.output}"


def _bits():
    A, B, _ = bit_matrix_pairs(64, size=1, seed=3)
    return np.stack([A[:, 0, 0], B[:, 0, 0]], axis=1), A, B


@pytest.mark.parametrize("variant", VARIANTS, ids=_name)
def test_replica_forward_matches_keras(variant):
    model = case_a.learner_model(1, variant, seed=4)
    X, A, B = _bits()
    want = model.predict([A, B], verbose=0).reshape(-1)
    got, _ = case_a.forward(case_a.weights_from_keras(model), variant, X)
    np.testing.assert_allclose(got[0], want, atol=1e-5)


@pytest.mark.parametrize("variant", VARIANTS, ids=_name)
def test_replica_gradient_matches_gradient_tape(variant):
    model = case_a.learner_model(1, variant, seed=5)
    X, A, B = _bits()
    y = np.logical_xor(X[:, 0], X[:, 1]).astype(np.float32)
    with tf.GradientTape() as tape:
        pred = model([A, B], training=False)
        value = keras.losses.BinaryCrossentropy()(y.reshape(-1, 1, 1), pred)
    keras_grads = tape.gradient(value, [v.value for v in model.trainable_weights])
    by_name = {}
    for var, g in zip(model.trainable_weights, keras_grads, strict=True):
        by_name.setdefault(var.path.split("/")[0], []).append(np.asarray(g, np.float64))
    loss, grads = case_a.loss_and_grads(case_a.weights_from_keras(model), variant, X, y)
    assert loss[0] == pytest.approx(float(value), abs=1e-5)
    # the replica's first entry holds both per-input layers
    np.testing.assert_allclose(grads[0][0][0, 0], [by_name["dense_a"][0][0, 0],
                                                  by_name["dense_b"][0][0, 0]], atol=1e-6)
    names = [f"dense_{k}" for k in range(1, 6)] + ["output"]
    for (dW, db), name in zip(grads[1:], names, strict=True):
        np.testing.assert_allclose(dW[0], by_name[name][0], atol=1e-6)
        np.testing.assert_allclose(db[0, 0], by_name[name][1], atol=1e-6)


def test_dead_relu_output_passes_no_gradient():
    variant = case_a.LEARNER
    weights = case_a.init_weights(variant, [0])
    weights[-1] = (weights[-1][0], weights[-1][1] - 10.0)  # output bias far below 0
    X = case_a.PATTERNS
    loss, grads = case_a.loss_and_grads(weights, variant, X, np.array([0, 1, 1, 0.0]))
    assert loss[0] == pytest.approx(-0.5 * np.log(1e-7), rel=1e-6)  # two of four at 1e-7
    assert all(np.abs(g).max() == 0 for layer in grads for g in layer)


def test_train_is_deterministic_and_learns():
    runs = case_a.train(case_a.Variant(4, "tanh", "sigmoid"), range(20), lr=0.02,
                        num_steps=600)
    again = case_a.train(case_a.Variant(4, "tanh", "sigmoid"), range(20), lr=0.02,
                         num_steps=600)
    assert np.array_equal(runs.solved, again.solved)
    assert runs.solved.mean() >= 0.5
    assert np.all(runs.solved <= (runs.test_accuracy >= 0.99))
    # a solved network is right on all four patterns
    p, _ = case_a.forward(runs.final_weights, runs.variant, case_a.PATTERNS)
    right = ((p > 0.5) == np.array([0, 1, 1, 0], bool)).all(axis=1)
    assert np.array_equal(right, runs.solved)


def test_a_dead_output_never_revives():
    runs = case_a.train(case_a.LEARNER, range(30), lr=0.02, num_steps=200)
    assert runs.dead_output_init.any()
    assert np.all(runs.dead_output[runs.dead_output_init])
    assert not np.any(runs.solved & runs.dead_output_init)


def test_shared_net_parameters_do_not_depend_on_size():
    net = case_a.shared_xor_net(hidden=8)
    assert count_params(net) == 4 * 8 + 1
    for size in (1, 7, 32):
        A, B, _ = bit_matrix_pairs(2, size, seed=0)
        assert net.predict([A, B], verbose=0).shape == (2, size, size)
    assert count_params(case_a.dense_model(4, hidden=10)) == (32 * 10 + 10) + (10 * 16 + 16)


def test_hand_set_shared_net_is_xor_everywhere():
    net = case_a.shared_xor_net(hidden=2, activation="relu")
    net.get_layer("xor_hidden").set_weights([np.ones((2, 2)), np.array([0.0, -1.0])])
    net.get_layer("xor_out").set_weights([np.array([[10.0], [-20.0]]), np.array([-5.0])])
    A, B, Y = bit_matrix_pairs(3, 32, seed=1)
    assert np.array_equal(net.predict([A, B], verbose=0) > 0.5, Y > 0.5)


def test_bad_arguments():
    with pytest.raises(ValueError, match="hidden must be one of"):
        case_a.Variant(hidden="relu")
    with pytest.raises(ValueError, match="merge_width must be >= 1"):
        case_a.Variant(merge_width=0)
    with pytest.raises(TypeError, match="variant must be"):
        case_a.learner_model(1, variant="fixed")
    with pytest.raises(ValueError, match="seeds must hold"):
        case_a.train(case_a.LEARNER, [])
    with pytest.raises(ValueError, match="lr must be"):
        case_a.train(case_a.LEARNER, [0], lr=-1.0)
