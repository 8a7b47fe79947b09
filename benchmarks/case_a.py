"""Case A at the learner's own settings (notebook 05), with the batched NumPy replica.

The learner's recipe: 50,000 random pairs at size 1, minibatches of 32 reshuffled every
epoch, Adam 1e-3, 15 epochs = 23,445 steps (xorhelpers.architectures.case_a_recipe). Trains
``--seeds`` seeds of the learner's network and ``--variant-seeds`` seeds of each repaired variant,
prints per epoch how many seeds sit at ln 2, then the rates the notebook quotes (95% Wilson
intervals), and writes every seed's log to benchmarks/results/case_a_recipe.json, which
notebook 05 reads. With ``--keras N`` it instead trains seeds 0..N-1 in real Keras with the
same initial weights and the same batches, and prints, per seed, Keras' and the replica's
epoch losses and whether the two end in the same group (at ln 2, output dead, solved, other),
and writes them to benchmarks/results/case_a_keras.json.

``--variants 6 5`` trains only those rows of VARIANTS and ``--seeds 0`` skips the learner's
network; results are added to the JSON file named by ``--out`` (so two processes can share
the work and their files be merged).

    PYTHONPATH=. .venv/bin/python benchmarks/case_a.py
    PYTHONPATH=. .venv/bin/python benchmarks/case_a.py --keras 8
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import xorhelpers  # noqa: F401  (first: the processor rule, before NumPy loads)

# isort: split
import numpy as np

from xorhelpers.architectures import case_a
from xorhelpers.architectures import case_a_recipe as recipe
from xorhelpers.stats import format_rate

OUT = Path(__file__).resolve().parent / "results" / "case_a_recipe.json"
OUT_KERAS = OUT.with_name("case_a_keras.json")
V = case_a.Variant
VARIANTS = [V(output="sigmoid", label="fix the output"),
            V(merge_width=4, label="fix the bottleneck"),
            V(hidden="tanh", label="fix the chain (tanh)"),
            V(1, "tanh", "sigmoid", label="fix output and chain (width 1 kept)"),
            V(4, "tanh", "sigmoid", label="fix all three (tanh)"),
            V(4, "relu", "sigmoid", label="fix all three (ReLU, Glorot)"),
            V(4, "relu", "sigmoid", label="fix all three (ReLU, He)", init="he_uniform")]


def group(loss: float, accuracy: float, solved: bool) -> str:
    if solved:
        return "solved"
    if abs(loss - recipe.LN2) < recipe.NEAR_LN2 and 0.45 <= accuracy <= 0.55:
        return "ln 2"
    if loss > 7:
        return "dead"
    return "other"


def replica(num_seeds: int, variant_seeds: int, which=None, out: Path = OUT) -> None:
    results = json.loads(out.read_text()) if out.exists() else {}
    if num_seeds == 0:
        variants(variant_seeds, which, results, out)
        return
    t0 = time.perf_counter()
    runs = recipe.train_recipe(range(num_seeds))
    print(f"learner's network, {num_seeds} seeds, {time.perf_counter() - t0:.0f} s", flush=True)
    spe = recipe.steps_per_epoch()
    at = runs.at_ln2()
    print("epoch  step    at ln 2   loss > 7 (output 0)")
    for e in range(recipe.EPOCHS):
        print(f"{e + 1:5d} {spe * (e + 1):6d}  {at[:, e].mean():7.1%}   "
              f"{(runs.epoch_loss[:, e] > 7).mean():7.1%}")
    print("symptom (ln 2 in epochs 2-7):  ", format_rate(runs.symptom))
    print("... and still at ln 2 at 15:   ", format_rate(runs.symptom_to_end))
    print("solved at the end:             ", format_rate(runs.solved))
    print("output 0 on all 4 at the start:", format_rate(runs.dead_init))
    print("output 0 on all 4 at the end:  ", format_rate(runs.dead))
    results["learner"] = recipe.to_dict(runs)
    variants(variant_seeds, which, results, out)


def variants(variant_seeds: int, which, results: dict, out: Path) -> None:
    for v in [VARIANTS[k] for k in (which if which is not None else range(len(VARIANTS)))]:
        t0 = time.perf_counter()
        r = recipe.train_recipe(range(variant_seeds), v)
        print(f"{v.label:<40}{format_rate(r.solved)}  ({time.perf_counter() - t0:.0f} s)",
              flush=True)
        results[v.label] = recipe.to_dict(r)
        out.write_text(json.dumps(results, separators=(",", ":")) + "\n")
    print(f"wrote {out}")


def keras_check(num_seeds: int) -> None:
    from xorhelpers._tf import keras

    same = 0
    worst = 0.0
    rows = []
    for seed in range(num_seeds):
        model = case_a.learner_model(1, seed=seed)
        start = case_a.weights_from_keras(model)
        mine = recipe.train_recipe([seed], initial=start)
        model.compile(optimizer=keras.optimizers.Adam(recipe.LR), loss="binary_crossentropy",
                      metrics=["accuracy"], steps_per_execution=64)
        losses, accs = [], []
        for order in recipe.batch_orders(seed):
            a = (order // 2).astype(np.float32).reshape(-1, 1, 1)
            b = (order % 2).astype(np.float32).reshape(-1, 1, 1)
            y = np.logical_xor(a, b).astype(np.float32)
            h = model.fit([a, b], y, batch_size=recipe.BATCH_SIZE, epochs=1, shuffle=False,
                          verbose=0).history
            losses.append(h["loss"][0])
            accs.append(h["accuracy"][0])
        P = case_a.PATTERNS.astype(np.float32)
        out = model.predict([P[:, :1, None], P[:, 1:, None]], verbose=0).reshape(-1)
        k_solved = bool(((out > 0.5) == np.array([0, 1, 1, 0], bool)).all())
        g_keras = group(losses[-1], accs[-1], k_solved)
        g_mine = group(mine.epoch_loss[0, -1], mine.epoch_accuracy[0, -1], bool(mine.solved[0]))
        diff = float(np.max(np.abs(np.array(losses) - mine.epoch_loss[0])))
        worst = max(worst, diff)
        same += g_keras == g_mine
        rows.append({"seed": seed, "keras_loss": np.round(losses, 6).tolist(),
                     "keras_accuracy": np.round(accs, 6).tolist(),
                     "replica_loss": np.round(mine.epoch_loss[0], 6).tolist(),
                     "replica_accuracy": np.round(mine.epoch_accuracy[0], 6).tolist(),
                     "keras_group": g_keras, "replica_group": g_mine})
        OUT_KERAS.write_text(json.dumps(rows, separators=(",", ":")) + "\n")
        print(f"seed {seed:3d}  Keras epochs 1/2/7/15 loss "
              f"{losses[0]:.4f} {losses[1]:.4f} {losses[6]:.4f} {losses[-1]:.4f} ({g_keras})  "
              f"replica {mine.epoch_loss[0, 0]:.4f} {mine.epoch_loss[0, 1]:.4f} "
              f"{mine.epoch_loss[0, 6]:.4f} {mine.epoch_loss[0, -1]:.4f} ({g_mine})  "
              f"largest epoch-loss gap {diff:.1e}", flush=True)
    print(f"same final group in {same} of {num_seeds} seeds; largest epoch-loss gap {worst:.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=400)
    parser.add_argument("--variant-seeds", type=int, default=200)
    parser.add_argument("--variants", type=int, nargs="*", default=None,
                        help="indices into VARIANTS to train (default: all)")
    parser.add_argument("--out", type=Path, default=OUT,
                        help="JSON file to add the results to")
    parser.add_argument("--keras", type=int, default=0, help="compare N seeds with Keras")
    args = parser.parse_args()
    if args.keras:
        keras_check(args.keras)
    else:
        replica(args.seeds, args.variant_seeds, args.variants, args.out)


if __name__ == "__main__":
    main()
