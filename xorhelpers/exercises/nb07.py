"""Exercises of notebook 07 (the what-if explorer): width, plateaus, learning rate.

Each checker measures the answer itself through the explorer's pure functions (the same
settings the learner sets in the view), over 500 seeds, once per session (cached).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..explorer import PRESETS, State, known_plateaus, run_seeds
from ..sweep import grid, train
from . import Exercise

WIDTHS = tuple(range(2, 15))
LRS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
SEEDS = 500
MARGIN = 0.02  # rates closer than this to the target cannot be told apart with 500 seeds


@functools.lru_cache(maxsize=1)
def width_rates() -> dict[int, float]:
    """Share of 500 seeds that solve, for 2-H-1 ReLU nets (Adam lr 0.01, 2,000 steps)."""
    result = train(grid(widths=list(WIDTHS), activation="relu", optimizer="adam", lr=0.01,
                        num_steps=2000), SEEDS)
    return {w: float(p) for w, p in zip(WIDTHS, result.rates()[:, 0], strict=True)}


@functools.lru_cache(maxsize=1)
def case_b_relu_shares() -> dict[str, float]:
    """Share of case B's failed ReLU seeds (preset case_b_relu) within 0.01 of each known
    plateau, by the plateau's name."""
    seeds = run_seeds(PRESETS["case_b_relu"].state)
    failed = ~seeds.result.solved & ~seeds.result.diverged
    return {name: float((failed & (np.abs(seeds.final_loss - v) < 0.01)).sum() / failed.sum())
            for name, v in known_plateaus().items()}


@functools.lru_cache(maxsize=1)
def lr_rates() -> dict[float, tuple[float, float, float]]:
    """(rate, low, high) of 500 seeds solving for the default preset at each of ``LRS``."""
    base = State(n_seeds=SEEDS)
    return {lr: run_seeds(base.replace(lr=lr)).rate for lr in LRS}


def _number(answer) -> float:
    if isinstance(answer, bool):
        raise TypeError("give a number, not True/False")
    value = float(answer)
    if not math.isfinite(value):
        raise ValueError(f"give a finite number, not {value}")
    return value


def _smallest_width(answer):
    value = _number(answer)
    if value != int(value):
        return False, "give a whole number of units."
    w = int(value)
    rates = width_rates()
    if w not in rates:
        return False, f"try widths from {WIDTHS[0]} to {WIDTHS[-1]}."
    if rates[w] < 0.9 - MARGIN:
        return False, f"at width {w} only {rates[w]:.0%} of the seeds solve."
    if w > WIDTHS[0] and rates[w - 1] >= 0.9 + MARGIN:
        return False, f"width {w - 1} already solves {rates[w - 1]:.0%}; go smaller."
    return True, (f"width {w} solves {rates[w]:.0%} of 500 seeds (width {w - 1}: "
                  f"{rates[w - 1]:.0%}); far beyond the 2 units XOR needs.")


def _plateau_share(answer):
    value = _number(answer)
    if value > 1:
        value /= 100  # a percentage
    shares = case_b_relu_shares()
    share = shares["ln(2)/2"]
    if abs(value - share) <= 0.05:
        rarest = share == min(shares.values())
        return True, (f"{share:.0%} of the failed seeds sit on ln(2)/2, "
                      f"{shares['3/4 H(1/3)']:.0%} on 0.477 (three points share a code) and "
                      f"{shares['ln 2']:.0%} on ln 2" + (": the learner's 0.34 is the rarest "
                                                         "stall." if rarest else "."))
    return False, ("count the failed seeds in the histogram whose loss is within 0.01 of "
                   "0.347, and divide by all failed seeds.")


def _best_lr(answer):
    value = _number(answer)
    if value > 1:
        value /= 100  # a percentage
    rates = lr_rates()
    best = max(rates, key=lambda k: rates[k][0])
    p, lo, hi = rates[best]
    if lo - MARGIN <= value <= hi + MARGIN:
        return True, (f"the best, lr {best:g}, solves {p:.0%} (95% CI {lo:.0%}-{hi:.0%}); "
                      "no learning rate rescues the 2-2-1 ReLU net: its stalls are dead "
                      "units and shared codes, not a step size.")
    if value > hi:
        return False, "that is more than any of these learning rates reaches; measure again."
    return False, "that is less than the best learning rate reaches; try them all."


q1 = Exercise("Exercise 1", _smallest_width,
              "the smallest hidden width at which a 2-H-1 ReLU net (Adam, lr 0.01, 2,000 "
              "steps, the four points) solves at least 90% of 500 seeds (a whole number)")
q2 = Exercise("Exercise 2", _plateau_share,
              "what share of the failed seeds of preset case_b_relu sit on ln(2)/2 = 0.347, "
              "the plateau the learner saw? (a share between 0 and 1, within 0.05)")
q3 = Exercise("Exercise 3", _best_lr,
              "try the learning rates 0.001, 0.003, 0.01, 0.03, 0.1, 0.3 and 1.0 on the "
              "default preset over 500 seeds: what share solves at the best of them?")
