"""LSTM parity: case C's recipe against ours, in one run (notebook 06).

Trains the full case C recipe (100,000 x 50 bits, LSTM(1), Adam 1e-3, 10 epochs, batch 128)
on ``--case-c-seeds`` seeds and ``RECIPE`` from xorhelpers.parity on ``--ours-seeds`` seeds,
each as its own Keras run, timed from data generation to the end of training. Each trained
model is scored on fresh held-out sequences (final-step parity accuracy) at lengths 50 and
1,000. A seed counts as solved at >= 99.9% at length 50. Prints a table, then one summary
line (the case C runs' median and range of training times included). With ``--bank-seeds M``
it also trains the full case C recipe for M more seeds, as banks of many seeds at once
(xorhelpers.parity.bank), spread over ``--bank-data-sets`` draws of the training data, and
prints their success rate with a 95% Wilson interval. Notebook 06 quotes this command's
output (it takes about 20 minutes on a 2-core CPU):

    PYTHONPATH=. .venv/bin/python benchmarks/parity.py --bank-seeds 96 --bank-data-sets 3
"""

from __future__ import annotations

import argparse
import statistics
import time

import xorhelpers  # noqa: F401  (first: the processor rule, before NumPy loads)

# isort: split
import numpy as np

from xorhelpers.parity import final_step_accuracy, train_case_c, train_recipe

SOLVED = 0.999
EVAL_N = 2000


def warm_up() -> None:
    """Pay TensorFlow's one-off start-up costs before timing anything."""
    train_case_c(seed=0, n=256, length=5, epochs=1)
    train_recipe(seed=0, stages=((5, 2),))


def score(model) -> tuple[float, float]:
    return final_step_accuracy(model, 50, n=EVAL_N), final_step_accuracy(model, 1000, n=EVAL_N)


def run(name: str, train, seeds) -> list[dict]:
    rows = []
    for seed in seeds:
        t0 = time.perf_counter()
        model = train(seed)
        seconds = time.perf_counter() - t0
        acc50, acc1000 = score(model)
        rows.append({"recipe": name, "seed": seed, "train_s": seconds, "acc50": acc50,
                     "acc1000": acc1000})
        print(f"{name:7s} seed {seed:2d}  train {seconds:6.1f} s  acc@50 {acc50:.4f}  "
              f"acc@1000 {acc1000:.4f}", flush=True)
    return rows


def bank_rate(num_seeds: int, data_sets: int) -> None:
    """Case C's full recipe for ``num_seeds`` seeds, split over ``data_sets`` training sets.

    The seeds are dealt into ``data_sets`` banks; bank d trains its seeds on one draw of
    case C's 100,000 sequences (data seed d) as one Keras model (xorhelpers.parity.bank).
    Prints each bank's count, then the pooled success rate with its 95% Wilson interval.
    """
    from xorhelpers.parity import bank_accuracy, train_case_c_bank
    from xorhelpers.repro import seed_everything
    from xorhelpers.stats import format_rate

    groups = [list(range(num_seeds))[d::data_sets] for d in range(data_sets)]
    acc = np.zeros(num_seeds)
    for d, seeds in enumerate(groups):
        seed_everything(d)
        t0 = time.perf_counter()
        bank = train_case_c_bank(seeds, data_seed=d)
        seconds = time.perf_counter() - t0
        acc[seeds] = bank_accuracy(bank, 50, n=EVAL_N)
        print(f"case C bank, data seed {d}: {len(seeds)} seeds in {seconds:.0f} s, solved "
              f"{format_rate(acc[seeds] >= SOLVED)}", flush=True)
    stuck = np.flatnonzero(acc < SOLVED)
    print(f"case C full recipe, {num_seeds} seeds on {data_sets} training sets: solved "
          f"(>= 99.9% at length 50) {format_rate(acc >= SOLVED)}; unsolved seeds "
          f"{stuck.tolist()} at accuracy {np.round(acc[stuck], 2).tolist()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours-seeds", type=int, default=10)
    parser.add_argument("--case-c-seeds", type=int, default=4)
    parser.add_argument("--bank-seeds", type=int, default=0)
    parser.add_argument("--bank-data-sets", type=int, default=1)
    args = parser.parse_args()
    warm_up()
    ours = run("ours", lambda s: train_recipe(seed=s), range(args.ours_seeds))
    case_c = run("case C", lambda s: train_case_c(seed=s)[0], range(args.case_c_seeds))
    if args.bank_seeds:
        bank_rate(args.bank_seeds, args.bank_data_sets)

    def solved(rows):
        return sum(r["acc50"] >= SOLVED for r in rows)

    ours_t = statistics.median(r["train_s"] for r in ours)
    case_c_times = [r["train_s"] for r in case_c]
    case_c_t = statistics.median(case_c_times)
    print(f"ours_solved={solved(ours)}/{len(ours)} "
          f"ours_min_acc50={min(r['acc50'] for r in ours):.4f} "
          f"ours_min_acc1000={min(r['acc1000'] for r in ours):.4f} "
          f"ours_median_train_s={ours_t:.2f} "
          f"caseC_solved={solved(case_c)}/{len(case_c)} "
          f"caseC_median_train_s={case_c_t:.2f} "
          f"caseC_train_s_range={min(case_c_times):.0f}-{max(case_c_times):.0f} "
          f"time_ratio={case_c_t / ours_t:.1f}")


if __name__ == "__main__":
    main()
