"""Throughput and latency of the sweep engines against a plain Keras per-model loop.

The recipe: 2-H-1 networks (relu hidden layer, sigmoid output), binary cross-entropy, Adam with
lr 0.1, full batch on the four XOR points. The default (compiled) engine trains M = 1000
networks (one per seed) for NUM_STEPS steps in one call, for H = 2..8; the NumPy engine is
timed at H = 2 for scale. Single-network latency: one 2-2-1 network trained for NUM_STEPS
steps by ``train`` (the whole call, Python around the compiled loop included), warm, median
of SINGLE_REPEATS. Compile cost: the first call in a fresh process with an empty numba cache
(compiling), and in a fresh process with the cache filled (loading).

The baseline is what a learner writes: per seed, build the Keras model, compile it, and
``fit(X, y, batch_size=4, epochs=KERAS_STEPS)`` (one epoch = one full-batch step); it is timed
on a few seeds with fewer steps, and its cost per network-step is the fit time divided by the
steps (model building, compiling and a warm-up fit that traces the training step are left
out, which favours Keras). A second Keras row feeds all steps in one epoch (tiled data), the
fastest way to run the same updates through ``fit``, for scale. All are measured in the same
run; every time is the median of several repeats (wall clock; the machine may be shared, so
the load average is printed, and the engine's throughput per CPU-second beside it).

Where a compiled 2-2-1 step's time goes (Adam, full batch; measured on the 2-core AMD EPYC
with AVX-512 this was written on, one thread, per block of 256 networks): the forward and
backward passes about 2.7 us, of which the four correctly rounded exps (double precision,
Cody-Waite and a degree-11 polynomial, vectorised 8 per instruction) about 1.3 us; Adam's
update of the 9 parameters about 0.7 us, bound by its float32 square root and division
(the divider unit; twice that once gradients are so small that the second moments are
subnormal floats). The engine keeps both exact: its bits are the NumPy engine's and the
notebooks' printed numbers depend on them. A float32 exp would save at most the exp's share
(printed below: the measured cost of the kernel's exp per network-step against the whole
step), so it cannot bring a bit-changing variant anywhere near 10x per CPU-second either;
none is offered. The compiled engine runs one thread per core, the NumPy engine one thread:
the wall-clock ratio counts both cores, the per-CPU-second figures compare the code.

Of the whole ``train`` call's CPU time, the compiled engine's part is printed beside the
rest, which both engines pay: mostly the result's float64 loss curves (C library exp and
log1p on 1,000 x 101 x 4 logits, about 11 ms). See ``fast_kernel``'s docstring for the
measured breakdown.

Minibatch rows: batch 4 of 1,000 points (case B's pairs of bits, few distinct rows; noisy
points, every row distinct): each network shuffles its 1,000 rows afresh every epoch (a
sort of 1,000 hashed keys per network per 250 steps), which a full-batch step does not pay.

Last line: ``net_steps_per_s=<compiled engine throughput at H=2, M=1000>
ratio_vs_keras=<that divided by the plain Keras loop's throughput>
single_net_ms=<single-network latency> compiled_over_numpy=<compiled / NumPy engine at H=2>``
(on one line).

Run: python benchmarks/sweep.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

import xorhelpers  # noqa: F401  (first: the processor rule, before NumPy loads)

# isort: split
import numpy as np

from xorhelpers.data import noisy_xor, random_xor_pairs, truth_table
from xorhelpers.sweep import Config, train

M = 1000
NUM_STEPS = 2000
REPEATS = 5
SINGLE_REPEATS = 21
KERAS_SEEDS = 3
KERAS_STEPS = 100


def recipe(width: int, batch_size: int | None = None) -> Config:
    return Config(widths=(width,), activation="relu", optimizer="adam", lr=0.1,
                  batch_size=batch_size, num_steps=NUM_STEPS)


#: Minibatch recipes: batch 4 of 1,000 points, drawn afresh each epoch per network.
MINIBATCH = {"1000 pairs of bits (case B)": lambda: random_xor_pairs(1000, seed=0),
             "1000 noisy points": lambda: noisy_xor(1000, seed=0)}


def engine_throughput(width: int, engine: str = "auto", repeats: int = REPEATS,
                      data=None, batch_size=None) -> tuple[float, float, float]:
    """Median network-steps per second of an engine (wall clock), the same from this
    process' CPU time (all its threads; less sensitive to other load on the machine), and
    the solved rate of the last run. ``data``: (X, y) to train on (default the four XOR
    points), with ``batch_size``."""
    X, y = data if data is not None else (None, None)
    walls, cpus = [], []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        result = train(recipe(width, batch_size), M, X, y, engine=engine)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return (M * NUM_STEPS / statistics.median(walls), M * NUM_STEPS / statistics.median(cpus),
            float(result.solved.mean()))


def single_net_ms() -> float:
    """Median wall time in ms of ``train`` on one 2-2-1 network for NUM_STEPS steps, warm."""
    times = []
    for seed in range(SINGLE_REPEATS):
        start = time.perf_counter()
        train(recipe(2), [seed])
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def engine_share(width: int = 2, repeats: int = REPEATS) -> tuple[float, float]:
    """Median CPU milliseconds of one ``train`` call (M networks, NUM_STEPS steps, the
    compiled engine) and of the engine's own part of it (``fast_engine.train_group``); the
    rest is shared with the NumPy engine: the result's float64 loss curves, solved steps,
    initial weights."""
    from xorhelpers.data import truth_table
    from xorhelpers.sweep import fast_engine
    from xorhelpers.sweep.streams import init_stack

    config = recipe(width)
    seeds = np.arange(M)
    start = init_stack(config, seeds)
    X, y = truth_table()
    whole, engine = [], []
    for _ in range(repeats):
        cpu = time.process_time()
        train(config, M)
        whole.append(time.process_time() - cpu)
        cpu = time.process_time()
        fast_engine.train_group([config] * M, seeds, start, X, y, NUM_STEPS // 100)
        engine.append(time.process_time() - cpu)
    return 1e3 * statistics.median(whole), 1e3 * statistics.median(engine)


def exp_ns(repeats: int = 200) -> float:
    """Nanoseconds of one of the compiled kernel's float32 exps (in a vector loop over
    64 x 256 values, the kernel's layout), median of ``repeats`` calls, per CPU-second."""
    from xorhelpers.sweep.fast_kernel import exp_rows

    x = np.random.default_rng(0).normal(0, 4, (64, 256)).astype(np.float32)
    out = np.empty_like(x)
    exp_rows(x, out)
    times = []
    for _ in range(repeats):
        cpu = time.process_time()
        for _ in range(20):
            exp_rows(x, out)
        times.append(time.process_time() - cpu)
    return 1e9 * statistics.median(times) / (20 * x.size)


def first_call_s(cache_dir: str) -> float:
    """Seconds of the first ``train`` call in a fresh process using numba cache ``cache_dir``."""
    code = ("import time\nfrom xorhelpers.sweep import Config, train\n"
            "t = time.perf_counter()\ntrain(Config(num_steps=10), 1)\n"
            "print(time.perf_counter() - t)\n")
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    return float(out.split()[-1])


def keras_throughput(width: int, tiled: bool = False) -> float:
    """Median network-steps per second of Keras ``fit`` training one network at a time.

    Plain: ``epochs=steps`` on the 4 points (one step per epoch, as a learner writes it).
    Tiled: the 4 points repeated ``steps`` times and fed unshuffled in batches of 4, so one
    epoch holds all the steps (the same full-batch updates, without the per-epoch cost)."""
    from xorhelpers._tf import keras  # quietly: no TensorFlow start-up lines
    from xorhelpers.nets.models import make_optimizer, mlp

    X, y = truth_table()
    steps = KERAS_STEPS * (20 if tiled else 1)
    times = []
    for seed in range(KERAS_SEEDS):
        keras.utils.set_random_seed(seed)
        model = mlp([width], activation="relu", seed=seed)
        model.compile(optimizer=make_optimizer("adam", 0.1), loss="binary_crossentropy")
        model.fit(X, y, batch_size=4, epochs=5, verbose=0)  # warm-up: trace the step
        start = time.perf_counter()
        if tiled:
            model.fit(np.tile(X, (steps, 1)), np.tile(y, steps), batch_size=4, epochs=1,
                      shuffle=False, verbose=0)
        else:
            model.fit(X, y, batch_size=4, epochs=steps, verbose=0)
        times.append(time.perf_counter() - start)
    return steps / statistics.median(times)


def main() -> None:
    print(f"load average at start: {os.getloadavg()[0]:.2f} (a shared machine inflates wall times)")
    with tempfile.TemporaryDirectory() as cache:
        cold = first_call_s(cache)
        warm = first_call_s(cache)
    print(f"first call, empty numba cache (compiles): {cold:.1f} s; "
          f"with the cache filled (loads): {warm:.2f} s")
    train(recipe(2), 2)  # this process: load the compiled code before timing
    print(f"compiled engine: M={M} networks x {NUM_STEPS} full-batch Adam steps, "
          f"median of {REPEATS}")
    print(f"{'H':>3} {'net-steps/s':>14} {'per CPU-s':>12} {'solved':>7}")
    rates, per_cpu = {}, {}
    for width in range(2, 9):
        rates[width], per_cpu[width], solved = engine_throughput(width)
        print(f"{width:>3} {rates[width]:>14.3e} {per_cpu[width]:>12.3e} {solved:>7.1%}")
    whole, engine = engine_share()
    print(f"H=2, CPU time of one train() call: {whole:.1f} ms, of which the compiled engine "
          f"{engine:.1f} ms; the rest (float64 loss curves, solved steps) the NumPy engine "
          f"pays too")
    one_exp, step = exp_ns(), 1e9 / per_cpu[2]
    print(f"the kernel's exact exp: {one_exp:.2f} ns per value per CPU; 4 per 2-2-1 step: "
          f"{4 * one_exp:.1f} of {step:.1f} ns per network-step per CPU "
          f"({4 * one_exp / step:.0%}, the most a float32 exp could save)")
    print("minibatch recipes, H=2, batch 4 (compiled, as above; per step against full "
          "batch on the 4 points):")
    for name, make in MINIBATCH.items():
        rate, per_cpu, solved = engine_throughput(2, data=make(), batch_size=4)
        print(f"  {name:<28} {rate:>11.3e} {per_cpu:>12.3e} {solved:>7.1%}   "
              f"{rate / rates[2]:.2f}x full batch")
    numpy_rate, numpy_cpu, _ = engine_throughput(2, engine="numpy", repeats=3)
    print(f"NumPy engine, H=2: {numpy_rate:.3e} net-steps/s ({numpy_cpu:.3e} per CPU-s); "
          f"compiled / NumPy: {rates[2] / numpy_rate:.3g}x")
    single = single_net_ms()
    print(f"one 2-2-1 network, {NUM_STEPS} steps, whole train() call, warm: {single:.2f} ms "
          f"(median of {SINGLE_REPEATS})")
    plain = keras_throughput(2)
    tiled = keras_throughput(2, tiled=True)
    print(f"Keras fit, one network at a time, H=2, {KERAS_SEEDS} seeds, fit time only:")
    print(f"  plain loop, 1 epoch = 1 step ({KERAS_STEPS} steps): {plain:9.1f} net-steps/s "
          f"(~{NUM_STEPS / plain:.0f} s per network for {NUM_STEPS} steps)")
    print(f"  tiled data, 1 epoch = {20 * KERAS_STEPS} steps:     {tiled:9.1f} net-steps/s")
    print(f"engine / plain Keras loop at H=2: {rates[2] / plain:.3g}x; "
          f"engine / tiled Keras: {rates[2] / tiled:.3g}x")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    print(f"net_steps_per_s={rates[2]:.4g} ratio_vs_keras={rates[2] / plain:.4g} "
          f"single_net_ms={single:.4g} compiled_over_numpy={rates[2] / numpy_rate:.3g}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
