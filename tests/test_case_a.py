"""Case A: the learner's model in Keras 3, the batched NumPy replica (checked against Keras'
own forward pass and tf.GradientTape), training of many seeds, the shared net."""

import numpy as np
import pytest

from xorhelpers._tf import keras, tf
from xorhelpers.architectures import case_a
from xorhelpers.data import bit_matrix_pairs
from xorhelpers.nets.models import count_params

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
    got = case_a.outputs(case_a.weights_from_keras(model), variant, X)
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
    p = case_a.outputs(runs.final_weights, runs.variant, case_a.PATTERNS)
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
        case_a.Variant(hidden="elu")
    with pytest.raises(ValueError, match="merge_width must be >= 1"):
        case_a.Variant(merge_width=0)
    with pytest.raises(TypeError, match="variant must be"):
        case_a.learner_model(1, variant="fixed")
    with pytest.raises(ValueError, match="seeds must hold"):
        case_a.train(case_a.LEARNER, [])
    with pytest.raises(ValueError, match="lr must be"):
        case_a.train(case_a.LEARNER, [0], lr=-1.0)
    weights = case_a.init_weights(case_a.LEARNER, [0])
    with pytest.raises(TypeError, match="variant must be"):
        case_a.outputs(weights, "learner", case_a.PATTERNS)
    with pytest.raises(ValueError, match="weights must hold 7 layers"):
        case_a.outputs(weights[:-1], case_a.LEARNER, case_a.PATTERNS)
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\)"):
        case_a.outputs(weights, case_a.LEARNER, np.ones(4))


# ------------------------------------------------------------------ the learner's recipe

from xorhelpers.architectures import case_a_recipe as recipe  # noqa: E402


def test_recipe_batches_cover_every_pair_once_per_epoch():
    orders = recipe.batch_orders(3, n_pairs=1000, epochs=3)
    counts = recipe.batch_counts(orders, batch_size=32)
    assert recipe.steps_per_epoch(1000, 32) == 32 and counts.shape == (3 * 32, 4)
    per_epoch = counts.reshape(3, 32, 4)
    assert per_epoch[:, :-1].sum(axis=2).min() == 32 and np.all(per_epoch[:, -1].sum(1) == 8)
    A, B, _ = bit_matrix_pairs(1000, size=1, seed=3)
    want = np.bincount((2 * A[:, 0, 0] + B[:, 0, 0]).astype(int), minlength=4)
    assert np.array_equal(per_epoch.sum(axis=1), np.tile(want, (3, 1)))
    assert not np.array_equal(orders[0], orders[1])  # reshuffled every epoch
    assert recipe.steps_per_epoch() * recipe.EPOCHS == 23_445


@pytest.mark.parametrize("variant", VARIANTS[:2], ids=_name)
def test_weighted_patterns_equal_the_minibatch_they_stand_for(variant):
    weights = case_a.init_weights(variant, [0, 1])
    batch = np.array([0, 1, 1, 3, 2, 2, 2, 0, 1])
    X = case_a.PATTERNS[batch]
    y = np.logical_xor(X[:, 0], X[:, 1]).astype(float)
    loss, grads = case_a.loss_and_grads(weights, variant, X, y)
    w = np.bincount(batch, minlength=4) / len(batch)
    loss_w, grads_w = case_a.loss_and_grads(weights, variant, case_a.PATTERNS,
                                            np.array([0, 1, 1, 0.0]), np.tile(w, (2, 1)))
    np.testing.assert_allclose(loss_w, loss, rtol=1e-12)
    for (dW, db), (eW, eb) in zip(grads, grads_w, strict=True):
        np.testing.assert_allclose(eW, dW, atol=1e-14)
        np.testing.assert_allclose(eb, db, atol=1e-14)


def test_recipe_matches_keras_fit_on_the_same_batches():
    seed, n, epochs = 2, 640, 3
    variant = case_a.Variant(1, "tanh", "sigmoid")
    model = case_a.learner_model(1, variant, seed=seed)
    mine = recipe.train_recipe([seed], variant, epochs=epochs, n_pairs=n, lr=0.01,
                               initial=case_a.weights_from_keras(model))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    for e, order in enumerate(recipe.batch_orders(seed, n_pairs=n, epochs=epochs)):
        a = (order // 2).astype(np.float32).reshape(-1, 1, 1)
        b = (order % 2).astype(np.float32).reshape(-1, 1, 1)
        h = model.fit([a, b], np.logical_xor(a, b).astype(np.float32), batch_size=32,
                      epochs=1, shuffle=False, verbose=0).history
        assert mine.epoch_loss[0, e] == pytest.approx(h["loss"][0], abs=2e-5)
        assert mine.epoch_accuracy[0, e] == pytest.approx(h["accuracy"][0], abs=1e-6)
    out = model.predict([case_a.PATTERNS[:, :1, None], case_a.PATTERNS[:, 1:, None]],
                        verbose=0).reshape(-1)
    np.testing.assert_allclose(mine.final_output[0], out, atol=1e-4)


def test_recipe_groups_and_round_trip():
    runs = recipe.train_recipe(range(6), epochs=1, n_pairs=320)
    assert np.array_equal(runs.dead_init, (runs.init_output <= 0).all(axis=1))
    assert runs.dead_init.any() and not runs.dead_init.all()
    # a dead ReLU output logs Keras' clipped loss: ln(1e7) times the share of 1-labels
    for k in np.flatnonzero(runs.dead_init):
        order = recipe.batch_orders(int(runs.seeds[k]), n_pairs=320, epochs=1)[0]
        ones = np.isin(order, (1, 2)).mean()
        assert runs.epoch_loss[k, 0] == pytest.approx(ones * np.log(1e7), rel=1e-4)
    again = recipe.from_dict(recipe.to_dict(runs))
    np.testing.assert_allclose(again.epoch_loss, runs.epoch_loss, atol=1e-6)
    assert again.variant == runs.variant
    with pytest.raises(ValueError, match="at least 7 epochs"):
        _ = runs.symptom


def test_recipe_symptom_is_ln2_through_epochs_2_to_7():
    runs = recipe.RecipeRuns(case_a.LEARNER, np.arange(3),
                             np.array([[0.71] + [0.6934] * 14, [0.71] + [0.6934] * 6 + [0.5] * 8,
                                       [0.71] + [0.6934] * 4 + [0.6] + [0.6934] * 9]),
                             np.full((3, 15), 0.5), np.zeros((3, 4)), np.zeros((3, 4)),
                             np.zeros(3))
    assert runs.symptom.tolist() == [True, True, False]
    assert runs.symptom_to_end.tolist() == [True, False, False]


def test_he_variant_draws_he_limits():
    v = case_a.Variant(4, "relu", "sigmoid", init="he_uniform")
    w = case_a.init_weights(v, range(50))
    assert np.abs(w[0][0]).max() <= np.sqrt(6) and np.abs(w[0][0]).max() > np.sqrt(3)
    assert np.abs(w[1][0]).max() <= np.sqrt(6 / 2) and np.abs(w[1][0]).max() > np.sqrt(6 / 6)
    model = case_a.learner_model(1, v, seed=0)
    assert model.get_layer("dense_1").kernel_initializer.__class__.__name__ == "HeUniform"
    assert model.get_layer("output").kernel_initializer.__class__.__name__ == "GlorotUniform"
    with pytest.raises(ValueError, match="init must be one of"):
        case_a.Variant(init="zeros")
    with pytest.raises(TypeError, match="variant must be"):
        recipe.train_recipe([0], "learner")
    with pytest.raises(ValueError, match="initial must hold weights for 2 seeds"):
        recipe.train_recipe([0, 1], epochs=1, n_pairs=64, initial=case_a.init_weights(v, [0]))


def test_stored_results_are_found_from_the_package():
    from xorhelpers.architectures import case_a_recipe

    assert len(case_a_recipe.stored_results("case_a_keras.json")) >= 1
    with pytest.raises(ValueError, match="name must be"):
        case_a_recipe.stored_results("../secrets.json")
