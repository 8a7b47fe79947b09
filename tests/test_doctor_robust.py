"""The doctor on big batches, odd models and global state: its memory stays small, nested
models, Keras' loss names, Lambda layers and stateful layers are handled, and nothing it
touches is left changed."""

import tracemalloc

import numpy as np

from xorhelpers.architectures.doctor_checks import _clashes


def _all_pairs(R, labels):
    """The plain n x n x width comparison that ``_clashes`` must agree with."""
    same = np.abs(R[:, None, :] - R[None, :, :]).max(axis=2) <= 1e-6 * (1 + np.abs(R).max())
    differ = (np.abs(labels[:, None, :] - labels[None, :, :]) > 0.5).any(axis=2)
    i, j = np.nonzero(np.triu(same & differ, k=1))
    return list(zip(i.tolist(), j.tolist(), strict=True))


def test_clashes_agree_with_the_all_pairs_comparison():
    gen = np.random.default_rng(0)
    for _ in range(200):
        n, width = int(gen.integers(1, 50)), int(gen.integers(1, 5))
        R = gen.integers(0, 3, (n, width)) * gen.choice([1.0, 1e-7, 3.0])
        R = R + gen.choice([0.0, 1e-8, 1e-3]) * gen.standard_normal((n, width))
        labels = gen.integers(0, 2, (n, int(gen.integers(1, 3)))).astype(float)
        want = _all_pairs(R, labels)
        count, first = _clashes(R, labels, chunk_bytes=int(gen.choice([8, 64, 2**20])))
        assert count == len(want)
        assert first == (want[0] if want else None)


def test_clashes_memory_does_not_grow_with_rows_squared_times_width():
    # all pairs at once would hold 2000 x 2000 x 4 float64 (122 MiB) twice
    gen = np.random.default_rng(1)
    R = gen.integers(0, 40, (2000, 4)).astype(float)
    labels = gen.integers(0, 2, (2000, 1)).astype(float)
    tracemalloc.start()
    try:
        count, _ = _clashes(R, labels)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count > 0
    assert peak < 40 * 2**20


# ------------------------------------------------------------------ odd models and state

import pytest  # noqa: E402
from tensorflow.python.framework import config as tf_config  # noqa: E402

from xorhelpers._tf import keras  # noqa: E402
from xorhelpers.architectures import doctor  # noqa: E402
from xorhelpers.data import noisy_xor  # noqa: E402

X2, Y2 = noisy_xor(200, noise=0.1, seed=0)


def _dead(units=8):
    return keras.layers.Dense(units, activation="relu", bias_initializer=keras.initializers
                              .Constant(-100.0), name="dead")


def test_a_dead_layer_inside_a_nested_model_is_found():
    keras.utils.set_random_seed(0)
    flat = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="tanh"),
                             _dead(), keras.layers.Dense(1, activation="sigmoid")])
    keras.utils.set_random_seed(0)
    inner = keras.Sequential([keras.layers.Dense(8, activation="tanh"), _dead()])
    nested = keras.Sequential([keras.Input((2,)), inner,
                               keras.layers.Dense(1, activation="sigmoid")])
    assert doctor.examine(flat, X2, Y2, loss="bce").has("DEAD_UNITS")
    report = doctor.examine(nested, X2, Y2, loss="bce")
    assert report.has("DEAD_UNITS") and "dead" in [f.layer for f in report.findings]
    only = keras.Sequential([keras.Input((2,)), keras.Sequential(
        [keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1, activation="sigmoid")])])
    assert doctor.examine(only, X2, Y2, loss="bce").codes == []


@pytest.mark.parametrize("loss", ["categorical_crossentropy", "sparse_categorical_crossentropy",
                                  "mean_absolute_error", "mae", "hinge"])
def test_keras_loss_names_are_accepted(loss):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(1, activation="sigmoid")])
    assert doctor.examine(model, X2, Y2, loss=loss, trial_epochs=1).codes == []
    model.compile(loss=loss)
    assert doctor.examine(model, X2, Y2).codes == []


def test_an_unknown_loss_name_is_refused_clearly():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    with pytest.raises(ValueError, match="loss must be one of .*another Keras loss name"):
        doctor.examine(model, X2, Y2, loss="no_such_loss")


def test_a_lambda_layer_does_not_break_the_trial_fit():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda x: x * 2.0 - 1.0),
                              keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(1, activation="sigmoid")])
    report = doctor.examine(model, X2, Y2, loss="bce", trial_epochs=2)
    assert not report.has("STUCK_AT_CHANCE")


def test_a_compiled_multi_output_model_gets_exactly_one_output():
    x = keras.Input((2,))
    two = keras.Model(x, [keras.layers.Dense(1, activation="sigmoid")(x),
                          keras.layers.Dense(1, activation="sigmoid")(x)])
    two.compile(loss=["binary_crossentropy", "binary_crossentropy"])
    with pytest.raises(ValueError, match="exactly one output, got 2"):
        doctor.examine(two, X2, Y2)


def test_examine_leaves_stateful_states_and_global_settings_as_they_were():
    import random

    keras.utils.set_random_seed(0)
    seqs = np.random.default_rng(0).random((4, 5, 1)).astype("float32")
    model = keras.Sequential([keras.Input(batch_shape=(4, 5, 1)),
                              keras.layers.LSTM(3, stateful=True),
                              keras.layers.Dense(1, activation="sigmoid")])
    model(seqs)
    before = [np.array(v) for v in model.layers[0].states]
    was = tf_config.is_op_determinism_enabled()
    tf_config.disable_op_determinism()
    try:
        py_state, np_state = random.getstate(), np.random.get_state()
        doctor.examine(model, seqs, np.array([0, 1, 0, 1.0]), loss="bce", trial_epochs=1,
                       trial_batch_size=4)
        for a, v in zip(before, model.layers[0].states, strict=True):
            np.testing.assert_array_equal(a, np.array(v))
        assert not tf_config.is_op_determinism_enabled()
        assert random.getstate() == py_state
        assert np.random.get_state()[1].tolist() == np_state[1].tolist()
    finally:
        if was:
            tf_config.enable_op_determinism()


def test_a_model_too_wide_to_examine_is_refused_before_any_work():
    keras.utils.set_random_seed(0)
    wide = keras.Sequential([keras.Input((2,)), keras.layers.Dense(400_000, activation="relu"),
                             keras.layers.Dense(1, activation="sigmoid")])
    X = np.zeros((2048, 2), np.float32)
    with pytest.raises(ValueError, match="examining 2048 rows of model .* would need about "
                       r"[0-9.]+ GiB of memory, more than the limit of 2 GiB; examine fewer"):
        doctor.examine(wide, X, np.zeros(2048), loss="bce")
