"""Parity data in pieces: the same bits as drawn at once, memory bounded by a piece, and work
that cannot fit refused from its arguments before it starts."""

import numpy as np
import pytest

from xorhelpers import data
from xorhelpers.parity import evaluate, rnn
from xorhelpers.parity.rnn import fit_stages, parity_rnn


def _at_once(n, length, seed, complement, running):
    """parity_sequences as one draw of all the bits (the reference for the pieces)."""
    bits = np.random.default_rng(seed).integers(0, 2, size=(n, length))
    parity = np.cumsum(bits, axis=1) % 2
    target = parity if running else parity[:, -1]
    if complement:
        return np.stack([bits, 1 - bits], -1), np.stack([target, 1 - target], -1)
    return bits[..., None], target


@pytest.mark.parametrize("complement", [False, True])
@pytest.mark.parametrize("running", [False, True])
def test_sequences_drawn_in_pieces_are_the_same_bits(monkeypatch, complement, running):
    monkeypatch.setattr(data, "_CHUNK_BITS", 37)
    for n, length in [(1, 1), (100, 7), (3, 100), (50, 50)]:
        X, y = data.parity_sequences(n, length, 3, complement=complement, running=running)
        X0, y0 = _at_once(n, length, 3, complement, running)
        assert X.dtype == y.dtype == np.float32
        np.testing.assert_array_equal(X, X0)
        np.testing.assert_array_equal(y, y0)


def test_sequences_that_cannot_fit_are_refused_with_estimate_and_limit():
    with pytest.raises(ValueError, match=r"parity_sequences\(n=1000000, length=1000000\) "
                       r"would need about 3.64 TiB .* limit of 2 GiB"):
        data.parity_sequences(10**6, 10**6)
    assert data.parity_bytes(100_000, 1000, complement=True, running=True) < 2 * 2**30
    assert data.parity_bytes(200_000, 1000, complement=True, running=True) > 2 * 2**30


def test_a_long_stage_is_drawn_in_pieces_of_bounded_size():
    # (1000, 1000) at batch 256: 256,000 sequences of 1,000 bits, 16 GiB if drawn at once
    rows = rnn._stage_rows(256, 1000, 1000)
    assert rows % 256 == 0 and rows * 1000 * data.DRAW_BYTES_PER_BIT <= rnn.STAGE_BYTES
    assert rnn._stage_rows(256, 100, 10) == 25_600  # the recipe's stages: one piece


def test_a_batch_that_cannot_fit_is_refused():
    with pytest.raises(ValueError, match="one batch of 1000000 sequences of 100000 bits would "
                       "need about .* limit of 2 GiB; use a smaller batch_size"):
        fit_stages(parity_rnn(1, seed=0), [(100_000, 1)], batch_size=1_000_000)


def test_training_in_pieces_matches_training_at_once(monkeypatch):
    def run():
        model = parity_rnn(1, seed=0)
        loss = fit_stages(model, [(5, 30), (4, 10)], batch_size=8, lr=0.05, seed=2)
        return loss, model.get_weights()

    whole_loss, whole = run()
    monkeypatch.setattr(rnn, "STAGE_BYTES", 64 * 5 * 80)  # 10 batches of 8 per piece
    parts_loss, parts = run()
    for a, b in zip(whole, parts, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(parts_loss, whole_loss, rtol=1e-5)


def test_final_step_accuracy_in_pieces_matches_at_once(monkeypatch):
    model = parity_rnn(1, seed=0)
    X, y = data.parity_sequences(300, 9, 5, complement=True)
    want = float(np.mean((evaluate.final_probability(model, X) > 0.5) == (y[:, 0] > 0.5)))
    monkeypatch.setattr(evaluate, "EVAL_CHUNK", 16)
    monkeypatch.setattr(evaluate, "EVAL_BYTES", 64 * 9 * 32)
    assert evaluate.final_step_accuracy(model, 9, n=300, seed=5) == want


def test_final_step_accuracy_that_cannot_fit_is_refused():
    model = parity_rnn(1, seed=0)
    with pytest.raises(ValueError, match="final_step_accuracy.* limit of 2 GiB"):
        evaluate.final_step_accuracy(model, 1_000_000)
