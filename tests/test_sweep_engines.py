"""The compiled engine against the NumPy engine, the compiled maths against references, and
the on-disk cache of compiled code.

The engines perform the same float32 operations in the same order, with exp and tanh
correctly rounded in both, so they are expected to agree bit for bit. The grid test still
allows float32 tolerance and names the networks "at the edge", whose flags could honestly
flip on one rounding: a final output within EDGE_MARGIN of the 0.5 threshold in either
engine, or a parameter beyond EDGE_HUGE in magnitude (near float32 overflow, where the
diverged flag hangs on one rounding). It prints how many networks are at the edge and how
many of those differ; outside the edge nothing may differ.
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from xorhelpers import sweep
from xorhelpers.data import noisy_xor, random_xor_pairs
from xorhelpers.sweep import fast_kernel, numpy_engine
from xorhelpers.sweep.result import GroupRun
from xorhelpers.sweep.streams import batch_order, init_stack

OUT_TOL = 1e-6  # float32 tolerance on outputs in [0, 1]
EDGE_MARGIN = 1e-3
EDGE_HUGE = 1e30

GRID = sweep.grid(widths=[(2,), (3, 2)], activation=list(sweep.ACTIVATIONS),
                  optimizer=list(sweep.OPTIMIZERS), loss=["binary_crossentropy", "mse"],
                  lr=0.05, num_steps=400)
MINIBATCH = [(random_xor_pairs(100, seed=1), 4), (noisy_xor(40, seed=2), 7)]


def _huge(result):
    return np.array([max(np.abs(a).max() for pair in w for a in pair) > EDGE_HUGE
                     for w in result.final_weights])


def _compare(fast, ref):
    """(number of networks, at the edge, differing at the edge); asserts agreement elsewhere."""
    margin = np.minimum(np.abs(fast.outputs - 0.5).min(axis=1),
                        np.abs(ref.outputs - 0.5).min(axis=1))
    edge = (margin < EDGE_MARGIN) | _huge(fast) | _huge(ref)
    outputs = np.where(np.isnan(fast.outputs) & np.isnan(ref.outputs), 0,
                       np.abs(fast.outputs - ref.outputs)).max(axis=1)
    differ = ~(outputs <= OUT_TOL)
    for name in ("solved", "diverged", "solved_step", "dead_units", "dead_units_init"):
        differ |= getattr(fast, name) != getattr(ref, name)
    assert not (differ & ~edge).any(), np.flatnonzero(differ & ~edge)
    return len(fast), int(edge.sum()), int((differ & edge).sum())


def test_engines_agree_over_a_grid_of_configs_and_seeds():
    counts = [_compare(sweep.train(GRID, 12), sweep.train(GRID, 12, engine="numpy"))]
    for (X, y), batch_size in MINIBATCH:
        configs = [c.replace(batch_size=batch_size, num_steps=200) for c in GRID[::5]]
        counts.append(_compare(sweep.train(configs, 12, X, y),
                               sweep.train(configs, 12, X, y, engine="numpy")))
    total, edge, differ = np.sum(counts, axis=0)
    print(f"engines: {total} networks, {edge} at the edge, {differ} of those differ")
    assert total == 12 * (len(GRID) + 2 * len(GRID[::5]))
    assert differ <= edge


def test_engines_agree_bit_for_bit_on_the_notebook_recipe():
    config = sweep.Config(widths=(2,), optimizer="adam", lr=0.1, num_steps=2000)
    fast, ref = sweep.train(config, 200), sweep.train(config, 200, engine="numpy")
    assert np.array_equal(fast.outputs, ref.outputs)
    assert np.array_equal(fast.loss_curve, ref.loss_curve)
    for (W, b), (V, c) in zip(fast.stacked_weights(), ref.stacked_weights(), strict=True):
        assert np.array_equal(W, V) and np.array_equal(b, c)


def test_both_engines_hand_over_the_same_group_run():
    config = sweep.Config(widths=(3, 2), activation="tanh", num_steps=30)
    seeds = np.arange(5)
    start = init_stack(config, seeds)
    X, y = noisy_xor(12, seed=0)
    runs = [engine.train_group([config] * 5, seeds, start, X, y, 10)
            for engine in (sweep.fast_engine, numpy_engine)]
    for run in runs:
        assert isinstance(run, GroupRun) and run.logits.shape == (5, 4, 4)
        assert [W.shape for W, _ in run.final] == [(5, 2, 3), (5, 3, 2), (5, 2, 1)]
    np.testing.assert_array_equal(runs[0].logits, runs[1].logits)


def test_compiled_exp_and_tanh_are_correctly_rounded():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 4, 200_000), rng.uniform(-120, 100, 20_000),
                        10.0 ** rng.uniform(-12, 2, 20_000) * rng.choice([-1, 1], 20_000),
                        [0.0, -0.0, 1e-30, 88.7, 89.0, -103.0, -104.0, -200.0, 100.0,
                         np.inf, -np.inf, np.nan],
                        # the two inputs whose double-precision exp rounds the wrong way (the
                        # kernel's table), and their neighbours, which need no table
                        np.nextafter(np.float32([65.51379, -1.0149802]), np.float32(0)),
                        np.float32([65.51379, -1.0149802]),
                        np.nextafter(np.float32([65.51379, -1.0149802]), np.float32(-99))]
                       ).astype(np.float32)
    x = np.concatenate([x, np.zeros(-len(x) % 64, np.float32)]).reshape(-1, 64)
    out = np.empty_like(x)
    with np.errstate(all="ignore"):
        for fn, ref in ((fast_kernel.exp_rows, np.exp), (fast_kernel.tanh_rows, np.tanh)):
            fn(x, out)
            expected = ref(x.astype(np.float64)).astype(np.float32)
            np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("act", range(5))
def test_the_fused_one_hidden_layer_step_is_forward_and_gradient(act):
    """``shallow_step`` against the general ``forward_rows`` and ``gradient``: the same logits and
    gradients, bit for bit, for both losses, widths 1 to 9 and 1 to 11 rows (four rows per
    backward pass and the rows left over), on random weights, inputs, targets and weights."""
    from xorhelpers.sweep.fast_kernel import forward_rows, gradient, shallow_step

    rng = np.random.default_rng(act)
    L, leaky = 64, np.float32(0.2)
    for h, rows, loss in [(1, 1, 0), (2, 4, 0), (2, 4, 1), (3, 5, 1), (9, 11, 0), (5, 8, 1)]:
        sizes, offs = np.array([2, h, 1]), np.array([0, 3 * h, 4 * h + 1])
        P = rng.normal(0, 2, (4 * h + 1, L)).astype(np.float32)
        X = rng.normal(0, 1, (rows, 2, L)).astype(np.float32)
        y = rng.integers(0, 2, (rows, L)).astype(np.float32)
        w = rng.uniform(0, 1, (rows, L)).astype(np.float32)
        W = max(2, h)
        H = np.zeros((3 * rows * W, L), np.float32)
        H[0:rows * W:W], H[1:rows * W:W] = X[:, 0], X[:, 1]
        S = np.zeros((rows * W, L), np.float32)
        G = np.zeros_like(P)
        work = [np.zeros((rows, L), np.float32), np.zeros((W * rows, L), np.float32),
                np.zeros((rows * W, L), np.float32)]
        forward_rows(P, sizes, offs, act, leaky, H, S, rows, rows, W)
        gradient(P, G, sizes, offs, loss, y, w, rows, rows, W, H, S, *work)
        H2 = np.zeros((2 * rows, L), np.float32)
        H2[0::2], H2[1::2] = X[:, 0], X[:, 1]
        G2, Zo, dz = np.zeros_like(P), np.zeros((rows, L), np.float32), np.zeros((rows, L),
                                                                                np.float32)
        A, S2 = np.zeros((rows * h, L), np.float32), np.zeros((rows * h, L), np.float32)
        shallow_step(P, G2, h, act, leaky, loss, H2, 2, y, w, rows, A, S2, Zo, dz)
        np.testing.assert_array_equal(Zo, H[2 * rows * W::W][:rows])
        np.testing.assert_array_equal(G2, G)



@pytest.mark.parametrize("act", range(5))
def test_the_fused_deep_step_is_forward_and_gradient(act):
    """``deep_step`` against the general ``forward_rows`` and ``gradient``: the same logits,
    hidden values, slopes and gradients, bit for bit, for both losses, depths 1 to 4, widths
    1 to 9 (four sums per pass and the ones left over) and 1 to 11 rows, on random weights,
    inputs, targets and weights."""
    from xorhelpers.sweep.fast_kernel import deep_step, forward_rows, gradient

    rng = np.random.default_rng(10 + act)
    L, leaky = 64, np.float32(0.2)
    for widths, rows, loss in [((1,), 1, 0), ((3, 2), 4, 1), ((16,) * 3, 4, 1),
                               ((5, 9, 4), 11, 0), ((2,) * 4, 5, 1), ((8, 7), 8, 0)]:
        sizes = np.array([2, *widths, 1])
        offs = np.concatenate([[0], np.cumsum((sizes[:-1] + 1) * sizes[1:])])
        depth, W = len(widths), max(2, *widths)
        P = rng.normal(0, 1, (offs[-1], L)).astype(np.float32)
        y = rng.integers(0, 2, (rows, L)).astype(np.float32)
        w = rng.uniform(0, 1, (rows, L)).astype(np.float32)
        X = rng.normal(0, 1, (rows, 2, L)).astype(np.float32)
        arrays = []
        for step in range(2):
            H = np.full(((depth + 2) * rows * W, L), np.nan, np.float32)
            H[0:rows * W:W], H[1:rows * W:W] = X[:, 0], X[:, 1]
            S = np.full((depth * rows * W, L), np.nan, np.float32)
            G = np.full_like(P, np.nan)
            work = [np.full((n, L), np.nan, np.float32) for n in (rows, W * rows, rows * W)]
            if step == 0:
                forward_rows(P, sizes, offs, act, leaky, H, S, rows, rows, W)
                gradient(P, G, sizes, offs, loss, y, w, rows, rows, W, H, S, *work)
            else:
                deep_step(P, G, sizes, offs, act, leaky, loss, y, w, rows, rows, W, H, S, *work)
            arrays.append((H, S, G))
        for a, b in zip(*arrays, strict=True):
            np.testing.assert_array_equal(a, b)

def test_compiled_batch_order_matches_the_streams():
    cases = [(0, 0, 10), (7, 3, 1000), (2**32 - 1, 12, 33), (5, 0, 1), (9, 2, 2),
             (11, 7, 4096), (3, 1, 4097)]
    for seed, epoch, n in cases:
        np.testing.assert_array_equal(fast_kernel.epoch_order(np.uint64(seed), epoch, n),
                                      batch_order(seed, epoch, n))


def test_solved_from_logits_is_the_criterion_on_the_outputs():
    from xorhelpers.maths import logistic, solved_fast
    from xorhelpers.sweep.result import solved_from_logits

    rng = np.random.default_rng(3)
    from xorhelpers.sweep.result import _half_bounds

    bounds = np.array(_half_bounds(), np.float32)  # where the float32 output leaves 0.5
    around = np.concatenate([bounds, np.nextafter(bounds, np.float32(9)),
                             np.nextafter(bounds, np.float32(-9))])
    edge = np.concatenate([np.array([0.0, -0.0, 1e-3, -1e-3, 1.0001e-3, 6e-8, -6e-8, 1e-9,
                                     np.inf, -np.inf, np.nan], np.float32), around])
    z = np.concatenate([rng.normal(0, 3, 40_000), rng.normal(0, 1e-3, 40_000),
                        rng.choice(edge, 40_000)]).astype(np.float32).reshape(-1, 4)
    y = np.array([0.0, 1.0, 1.0, 0.0])
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(solved_from_logits(z, y), solved_fast(logistic(z), y, 0.0))


def test_a_network_ends_the_same_in_any_block():
    """Blocks of 1, 70 or 300 networks (padded, split over threads): each network's numbers
    are those it gets alone."""
    config = sweep.Config(widths=(3,), activation="sigmoid", num_steps=300)
    X, y = random_xor_pairs(60, seed=4)
    for c in (config, config.replace(batch_size=4), config.replace(batch_size=7)):
        crowd = sweep.train(c, 300, X, y)
        for n in (70, 1):
            alone = sweep.train(c, n, X, y)
            np.testing.assert_array_equal(alone.loss_curve, crowd.loss_curve[:n])
            np.testing.assert_array_equal(alone.state.moments[0][0], crowd.state.moments[0][0][:n])


GENERIC = """
import sys
from xorhelpers import sweep
from xorhelpers.data import random_xor_pairs
X, y = random_xor_pairs(50, seed=1)
configs = sweep.grid(widths=[(2,), (4, 3)], activation=["sigmoid", "tanh", "relu"],
                     batch_size=[None, 4], lr=0.05, num_steps=200)
result = sweep.train(configs, 70, X, y)
print(result.loss_curve.tobytes().hex()[::7])
"""


def test_plain_sse2_code_computes_the_same_bits(tmp_path):
    """NUMBA_CPU_NAME=generic (baseline x86-64 code, no AVX, no FMA) against this
    processor's own vector code: the same numbers."""
    outs = []
    for name, cpu in (("native", None), ("generic", "generic")):
        env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / name), TF_CPP_MIN_LOG_LEVEL="3")
        if cpu:
            env["NUMBA_CPU_NAME"] = cpu
        done = subprocess.run([sys.executable, "-c", GENERIC], env=env, capture_output=True,
                              text=True, timeout=900)
        assert done.returncode == 0, done.stderr
        outs.append(done.stdout.split()[-1])
    assert outs[0] == outs[1]


def test_engine_argument():
    assert sweep.default_engine() == "numba"
    with pytest.raises(ValueError, match="engine"):
        sweep.train(sweep.Config(num_steps=5), 2, engine="gpu")


def test_divergence_is_flagged_by_the_compiled_engine_too():
    config = sweep.Config(widths=(2,), activation="linear", optimizer="sgd", lr=1e37,
                          num_steps=50)
    for engine in ("numba", "numpy"):
        result = sweep.train([config, config.replace(lr=0.1)], 3, engine=engine)
        assert result.diverged[:3].all() and not result.diverged[3:].any()


def test_compiled_code_is_cached_on_disk(tmp_path):
    """A second process finds the compiled kernel in the cache instead of compiling it."""
    code = ("from xorhelpers import sweep\n"
            "from xorhelpers.sweep import fast_kernel\n"
            "sweep.train(sweep.Config(num_steps=20), 3)\n"
            "s = fast_kernel.train_steps.stats\n"
            "print(sum(s.cache_hits.values()), sum(s.cache_misses.values()))\n")
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path), TF_CPP_MIN_LOG_LEVEL="3")
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, check=True).stdout.split()[-2:] for _ in range(2)]
    assert runs[0] == ["0", "1"] and runs[1] == ["1", "0"]
    assert any(p.suffix == ".nbc" for p in tmp_path.rglob("*"))


INTERRUPTED = """
import sys
import time
from xorhelpers import sweep
engine, n = sys.argv[1], int(sys.argv[2])
config = sweep.Config(widths=(16, 16), num_steps=10**7)
sweep.train(config.replace(num_steps=10), n, engine=engine)
print("ready", flush=True)
try:
    sweep.train(config, n, engine=engine)
    print("finished", flush=True)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


@pytest.mark.parametrize("engine, n", [("numba", 200), ("numba", 1), ("numpy", 200)])
def test_an_interrupt_stops_a_long_sweep(engine, n):
    """SIGINT (Jupyter's Interrupt) during a sweep of hours raises KeyboardInterrupt in the
    caller; benchmarks/sweep_interrupt.py measures how soon and the CPU used after."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    child = subprocess.Popen([sys.executable, "-c", INTERRUPTED, engine, str(n)],
                             stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert _line_within(child, 600) == "ready"
        time.sleep(0.5)
        child.send_signal(signal.SIGINT)
        # fails (instead of hanging the suite) if the sweep does not stop within a minute
        assert _line_within(child, 60) == "interrupted"
        assert child.wait(timeout=60) == 0
    finally:
        child.kill()


def _line_within(child, seconds: float) -> str:
    """The child's next line of output, or a failure after ``seconds``."""
    lines = []
    reader = threading.Thread(target=lambda: lines.append(child.stdout.readline()), daemon=True)
    reader.start()
    reader.join(seconds)
    assert lines, f"no line from the child within {seconds} s"
    return lines[0].strip()


@pytest.mark.parametrize("first", [0, 36_000, 50_000])
def test_adam_factors_stop_where_they_stay_one(first):
    """The compiled engine keeps Adam's factors only until they are exactly 1 for good."""
    import math

    from xorhelpers.maths import ADAM_BETA_1, ADAM_BETA_2
    from xorhelpers.sweep.fast_engine import _alphas

    kept = _alphas("adam", first, 60_000)
    assert len(kept) < 40_000 and kept[-1] == 1
    every = np.concatenate([kept, np.full(60_000 - len(kept), kept[-1], np.float32)])
    expected = [math.sqrt(1 - ADAM_BETA_2 ** t) / (1 - ADAM_BETA_1 ** t)
                for t in range(first + 1, first + 60_001)]
    np.testing.assert_array_equal(every, np.array(expected).astype(np.float32))


CACHE_CHILD = """
import sys
if sys.argv[1] == "full":  # every write into the cache fails as on a full disk
    from numba.core import caching
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")
    caching.IndexDataCacheFile._save_data = full
    caching.IndexDataCacheFile._save_index = full
if sys.argv[1] == "nowhere":  # no folder to cache in (as where every candidate is read-only)
    from numba.core import caching
    caching.CacheImpl._locator_classes = []
from xorhelpers import sweep
result = sweep.train(sweep.Config(widths=(3,), num_steps=50), 4, engine="numba")
print(result.outputs.tobytes().hex())
"""


def _cache_run(case, cache_dir):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir), TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run([sys.executable, "-c", CACHE_CHILD, case], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stderr.splitlines() if line.startswith("xorhelpers.sweep")]
    return done.stdout.split()[-1], notes


def test_a_broken_cache_falls_back_with_one_line(tmp_path):
    """No writable cache folder, a full disk, a truncated cache file, a garbage index: each
    still trains (the same numbers) and says in one line what happened and how to fix it."""
    expected = sweep.train(sweep.Config(widths=(3,), num_steps=50), 4, engine="numpy")
    expected = expected.outputs.tobytes().hex()
    good = tmp_path / "good"
    out, notes = _cache_run("fill", good)  # fills a working cache
    assert out == expected and notes == []
    assert _cache_run("load", good) == (expected, [])  # loads it, silently
    damaged = {}
    for name, suffix, damage in [("truncated", ".nbc", lambda b: b[:len(b) // 2]),
                                 ("garbage", ".nbi", lambda b: b"\x00garbage" * 9)]:
        folder = tmp_path / name
        shutil.copytree(good, folder)
        for path in folder.rglob(f"*{suffix}"):
            path.write_bytes(damage(path.read_bytes()))
        damaged[name] = folder
    cases = [("nowhere", tmp_path / "empty-a", "NUMBA_CACHE_DIR"),
             ("full", tmp_path / "empty-b", "delete that folder"),
             ("load", damaged["truncated"], "delete that folder"),
             ("load", damaged["garbage"], "delete that folder")]
    # each case compiles the kernel anew in its own process: run them side by side
    with ThreadPoolExecutor(max_workers=len(cases)) as pool:
        runs = list(pool.map(lambda c: _cache_run(c[0], c[1]), cases))
    for (case, _, fix), (out, notes) in zip(cases, runs, strict=True):
        assert out == expected, case
        assert len(notes) == 1 and fix in notes[0] and "To fix" in notes[0], notes


@pytest.mark.parametrize("jobs", [1, 3])
def test_a_slice_never_exceeds_its_cap_however_fast_the_last_one_ran(jobs):
    """Calls that take no time would grow the slices without end; ``most`` bounds them, so
    an interrupt always waits for one short call at most."""
    from xorhelpers.sweep.fast_engine import run_sliced

    spans, ended = [], []
    run_sliced(list(range(jobs)), 10**6, lambda job: None,
               lambda job, a, b: spans.append(b - a), ended.append, most=300)
    assert max(spans) == 300 and sum(spans) == jobs * 10**6 and sorted(ended) == list(range(jobs))
