"""Throughput of the batched sweep engine against a plain Keras per-model loop.

The recipe: 2-H-1 networks (relu hidden layer, sigmoid output), binary cross-entropy, Adam with
lr 0.1, full batch on the four XOR points. The engine trains M = 1000 networks (one per seed)
for NUM_STEPS steps in one call, for H = 2..8. The baseline is what a learner writes: per seed,
build the Keras model, compile it, and ``fit(X, y, batch_size=4, epochs=KERAS_STEPS)`` (one
epoch = one full-batch step); it is timed on a few seeds with fewer steps, and its cost per
network-step is the fit time divided by the steps (model building, compiling and a warm-up fit
that traces the training step are left out, which favours Keras). Both are measured in the
same run; every time is the median of several repeats (wall clock; the machine may be shared).

Last line: ``net_steps_per_s=<engine throughput at H=2, M=1000> ratio_vs_keras=<that
divided by the plain Keras loop's throughput>``. A second Keras row feeds all steps in one
epoch (tiled data), the fastest way to run the same updates through ``fit``, for scale.

Run: python benchmarks/sweep.py
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from xorhelpers.data import truth_table  # noqa: E402
from xorhelpers.sweep import Config, train  # noqa: E402

M = 1000
NUM_STEPS = 2000
REPEATS = 5
KERAS_SEEDS = 3
KERAS_STEPS = 100


def engine_throughput(width: int) -> tuple[float, float]:
    """Median network-steps per second of the engine, and the solved rate of the last run."""
    config = Config(widths=(width,), activation="relu", optimizer="adam", lr=0.1,
                    num_steps=NUM_STEPS)
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = train(config, M)
        times.append(time.perf_counter() - start)
    return M * NUM_STEPS / statistics.median(times), float(result.solved.mean())


def keras_throughput(width: int, tiled: bool = False) -> float:
    """Median network-steps per second of Keras ``fit`` training one network at a time.

    Plain: ``epochs=steps`` on the 4 points (one step per epoch, as a learner writes it).
    Tiled: the 4 points repeated ``steps`` times and fed unshuffled in batches of 4, so one
    epoch holds all the steps (the same full-batch updates, without the per-epoch cost)."""
    import keras

    from xorhelpers.models import make_optimizer, mlp

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
    print(f"engine: M={M} networks x {NUM_STEPS} full-batch Adam steps, median of {REPEATS}")
    print(f"{'H':>3} {'net-steps/s':>14} {'solved':>7}")
    rates = {}
    for width in range(2, 9):
        rates[width], solved = engine_throughput(width)
        print(f"{width:>3} {rates[width]:>14.3e} {solved:>7.1%}")
    plain = keras_throughput(2)
    tiled = keras_throughput(2, tiled=True)
    print(f"Keras fit, one network at a time, H=2, {KERAS_SEEDS} seeds, fit time only:")
    print(f"  plain loop, 1 epoch = 1 step ({KERAS_STEPS} steps): {plain:9.1f} net-steps/s "
          f"(~{NUM_STEPS / plain:.0f} s per network for {NUM_STEPS} steps)")
    print(f"  tiled data, 1 epoch = {20 * KERAS_STEPS} steps:     {tiled:9.1f} net-steps/s")
    print(f"engine / plain Keras loop at H=2: {rates[2] / plain:.3g}x; "
          f"engine / tiled Keras: {rates[2] / tiled:.3g}x")
    print(f"net_steps_per_s={rates[2]:.4g} ratio_vs_keras={rates[2] / plain:.4g}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
