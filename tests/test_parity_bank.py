"""Tests for xorhelpers.parity.bank: a bank of M LSTM(1) nets trains exactly like M Keras runs."""

import numpy as np
import pytest

from xorhelpers.data import parity_sequences
from xorhelpers.parity import (
    bank_accuracy,
    bank_loss,
    final_step_accuracy,
    member_model,
    members,
    parity_rnn,
    seed_bank,
    set_members,
    train_bank,
    train_bank_stages,
)
from xorhelpers.repro import seed_everything

SEEDS = [3, 5, 8]


def single_weights(model):
    return model.get_layer("rnn").get_weights() + model.get_layer("readout").get_weights()


def test_keras_binary_crossentropy_on_softmax_uses_the_logits():
    """The fact bank_loss relies on: Keras scores a softmax output by sigmoid BCE of its logits."""
    from xorhelpers._tf import keras, tf

    model = parity_rnn(1, seed=0)
    model.set_weights([5 * np.asarray(w) + 1 for w in model.get_weights()])
    X, y = parity_sequences(16, 6, 0, complement=True, running=True)
    model.compile(loss="binary_crossentropy")
    keras_loss = model.evaluate(X, y, verbose=0)
    logits = keras.Model(model.input, model.get_layer("readout").output).predict(X, verbose=0)
    # The readout's softmax output: recompute the logits from the hidden states.
    hidden = keras.Model(model.input, model.get_layer("rnn").output).predict(X, verbose=0)
    W, b = model.get_layer("readout").get_weights()
    logits = hidden @ W + b
    on_logits = np.mean(tf.nn.sigmoid_cross_entropy_with_logits(y, logits).numpy())
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    on_probs = np.mean(-(y * np.log(probs) + (1 - y) * np.log(1 - probs)))
    assert keras_loss == pytest.approx(on_logits, rel=1e-4)
    assert abs(keras_loss - on_probs) > 1e-3


@pytest.mark.parametrize("units, complement, per_step", [
    (1, True, True), (1, False, True), (1, True, False), (1, False, False), (3, True, True)])
def test_members_start_as_the_seeded_single_nets(units, complement, per_step):
    bank = seed_bank(SEEDS, units, complement, per_step)
    X, _ = parity_sequences(8, 11, 1, complement=complement)
    for j, s in enumerate(SEEDS):
        single = parity_rnn(units, "lstm", complement, per_step, seed=s)
        for a, b in zip(members(bank)[j], single_weights(single), strict=True):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(member_model(bank, j)(X), single(X), atol=1e-6)


@pytest.mark.parametrize("units, complement, per_step", [(1, True, True), (1, False, False),
                                                         (2, True, True)])
def test_training_a_bank_equals_training_each_net_alone(units, complement, per_step):
    from xorhelpers._tf import keras

    seed_everything(0)
    seeds = SEEDS[:2]
    bank = seed_bank(seeds, units, complement, per_step)
    X, y = parity_sequences(64, 12, 2, complement=complement, running=per_step)
    losses = train_bank(bank, X, y, epochs=2, batch_size=16, lr=0.05, shuffle=False)
    assert losses.shape == (2,)
    for j, s in enumerate(seeds):
        single = parity_rnn(units, "lstm", complement, per_step, seed=s)
        single.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
        single.fit(X, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
        for a, b in zip(members(bank)[j], single_weights(single), strict=True):
            np.testing.assert_allclose(a, b, atol=2e-5)
    # Weights outside a member's block stay exactly zero.
    R = bank.get_layer("rnn").get_weights()[1]
    assert np.count_nonzero(R) <= 4 * units * units * len(seeds)


def test_bank_stages_equal_fit_stages_on_each_net():
    from xorhelpers.parity import fit_stages

    bank = seed_bank(SEEDS[:2], units=2)
    train_bank_stages(bank, [(5, 4), (9, 2)], batch_size=8, lr=0.05, seed=4)
    for j, s in enumerate(SEEDS[:2]):
        single = parity_rnn(2, seed=s)
        fit_stages(single, [(5, 4), (9, 2)], batch_size=8, lr=0.05, seed=4)
        for a, b in zip(members(bank)[j], single_weights(single), strict=True):
            np.testing.assert_allclose(a, b, atol=2e-5)


@pytest.mark.parametrize("units", [1, 3])
def test_bank_accuracy_matches_each_member_alone(units):
    bank = seed_bank(SEEDS, units)
    set_members(bank, [[3 * w + 0.2 for w in m] for m in members(bank)])
    acc = bank_accuracy(bank, 30, n=400, seed=9)
    expected = [final_step_accuracy(member_model(bank, j), 30, n=400, seed=9)
                for j in range(len(SEEDS))]
    np.testing.assert_allclose(acc, expected)


def test_bank_rejects_bad_input():
    with pytest.raises(TypeError, match="seeds"):
        seed_bank([])
    with pytest.raises(ValueError, match="distinct"):
        seed_bank([1, 1])
    with pytest.raises(ValueError, match=r"seeds\[1\]"):
        seed_bank([1, -2])
    bank = seed_bank([0, 1])
    with pytest.raises(ValueError, match="j must be <= 1"):
        member_model(bank, 2)
    with pytest.raises(TypeError, match="bank"):
        bank_accuracy(parity_rnn(1), 10)
    with pytest.raises(ValueError, match="units"):
        seed_bank([1], units=0)
    with pytest.raises(ValueError, match="weights must hold 2"):
        set_members(bank, members(bank)[:1])
    with pytest.raises(ValueError, match="num_models"):
        bank_loss(0, 2)
    with pytest.raises(ValueError, match="X and y"):
        train_bank(bank, np.zeros((3, 4, 2)), np.zeros((2, 4, 2)))
    with pytest.raises(ValueError, match="lr"):
        train_bank(bank, np.zeros((3, 4, 2)), np.zeros((3, 4, 2)), lr=-1.0)


def test_train_case_c_bank_small_scale():
    from xorhelpers.parity import bank_shape, train_case_c_bank

    bank = train_case_c_bank([0, 1], n=64, length=6, epochs=1, complement=False, per_step=False)
    assert bank_shape(bank) == (2, 1, 1) and bank.output.shape[-1] == 2
    with pytest.raises(ValueError, match="n must be >= 1"):
        train_case_c_bank([0], n=0)
    with pytest.raises(ValueError, match="data_seed"):
        train_case_c_bank([0], n=4, data_seed=-1)


def test_bank_accuracy_by_length_reads_prefixes_of_one_batch():
    from xorhelpers.parity import bank_accuracy_by_length, rnn_states

    bank = seed_bank(SEEDS, units=2)
    set_members(bank, [[2 * w - 0.3 for w in m] for m in members(bank)])
    acc = bank_accuracy_by_length(bank, [5, 12], n=100, seed=3)
    X, y = parity_sequences(100, 12, 3, complement=True, running=True)
    for j in range(len(SEEDS)):
        p = rnn_states(member_model(bank, j), X)["p"]
        expected = [np.mean((p[:, t] > 0.5) == (y[:, t, 0] > 0.5)) for t in (4, 11)]
        np.testing.assert_allclose(acc[j], expected)
    with pytest.raises(TypeError, match="lengths"):
        bank_accuracy_by_length(bank, [])
    with pytest.raises(ValueError, match=r"lengths\[1\]"):
        bank_accuracy_by_length(bank, [3, 0])


def test_stage_callback_sees_the_weights_after_each_stage():
    """After stage 0 of a two-stage run the weights are those of a run with stage 0 alone."""
    seed_everything(0)
    seen = []
    bank = seed_bank(SEEDS[:2], units=2)
    train_bank_stages(bank, [(5, 4), (9, 2)], batch_size=8, lr=0.05, seed=4,
                      on_stage_end=lambda i, b: seen.append((i, members(b))))
    assert [i for i, _ in seen] == [0, 1]
    for a, b in zip(seen[1][1][0], members(bank)[0], strict=True):
        np.testing.assert_array_equal(a, b)
    seed_everything(0)
    short = seed_bank(SEEDS[:2], units=2)
    train_bank_stages(short, [(5, 4)], batch_size=8, lr=0.05, seed=4)
    for j in range(2):
        for a, b in zip(seen[0][1][j], members(short)[j], strict=True):
            np.testing.assert_allclose(a, b, atol=1e-6)
    assert not np.allclose(seen[0][1][0][0], seen[1][1][0][0])  # stage 1 moved the weights
    with pytest.raises(TypeError, match="on_stage_end"):
        train_bank_stages(bank, [(5, 1)], on_stage_end="print")


def test_member_gradient_norms_match_each_member_alone():
    from xorhelpers._tf import keras, tf
    from xorhelpers.parity import member_gradient_norms

    bank = seed_bank(SEEDS)
    X, y = parity_sequences(32, 6, 1, complement=True, running=True)
    norms = member_gradient_norms(bank, X, y)
    assert norms.shape == (len(SEEDS),)
    for j, s in enumerate(SEEDS):
        single = parity_rnn(1, seed=s)
        with tf.GradientTape() as tape:
            # Keras' own loss on the softmax output (it reads the cached logits)
            loss = tf.reduce_mean(keras.losses.binary_crossentropy(y, single(X)))
        grads = tape.gradient(loss, single.trainable_weights)
        alone = np.sqrt(sum(float(np.sum(np.asarray(g) ** 2)) for g in grads))
        assert norms[j] == pytest.approx(alone, rel=1e-4)


def test_bank_memory_is_one_for_a_counter_and_zero_for_a_forgetter():
    from xorhelpers.parity import bank_memory

    bank = seed_bank([0, 1])
    counter = [np.zeros((2, 4), np.float32), np.zeros((1, 4), np.float32),
               np.zeros(4, np.float32), np.array([[40.0, -40.0]], np.float32),
               np.zeros(2, np.float32)]
    # member 0: h ignores every bit (a constant output); member 1 as initialised
    set_members(bank, [counter, members(bank)[1]])
    mem = bank_memory(bank, [1, 3], length=8, n=200)
    assert mem.shape == (2, 2)
    assert np.all(mem[0] == 0)
    assert np.all((mem[1] >= 0) & (mem[1] <= 1))
    with pytest.raises(ValueError, match="lags"):
        bank_memory(bank, [9], length=8)
    with pytest.raises(TypeError, match="lags"):
        bank_memory(bank, "1")
