"""Exercises of notebook 03 (sigmoid vs ReLU: failure rates, shared codes, plateaus)."""

from __future__ import annotations

import math

import numpy as np

from ..stats import wilson_interval
from ..sweep import plateau_loss
from . import Exercise

THREE_SHARE = 3 / 4 * -(math.log(1 / 3) / 3 + 2 * math.log(2 / 3) / 3)  # 0.477


def _number(answer) -> float:
    if isinstance(answer, bool):
        raise TypeError("give a number, not True/False")
    return float(answer)


def _three_share(answer):
    value = _number(answer)
    if abs(value - THREE_SHARE) <= 0.005:
        return True, ("the shared code must output 1/3 (two 0s and one 1, or the reverse): "
                      "3 x 0.637 / 4 = 0.477; the fourth point costs nothing.")
    if abs(value - math.log(2) / 2) <= 0.005:
        return False, "0.347 is two points at 0.5; here three points share one output."
    if abs(value - math.log(2)) <= 0.005:
        return False, "0.693 is all four at 0.5; the best shared output for three is not 0.5."
    return False, "the best shared output is the mean target of the three points (1/3 or 2/3)."


def _harmless_sharing(answer):
    part = np.asarray(answer)
    if part.shape != (4,) or not np.issubdtype(part.dtype, np.integer):
        return False, "give four integer code labels, e.g. [0, 1, 2, 2]."
    if len(set(part.tolist())) == 4:
        return False, "all four codes differ here; make two points share a code."
    if plateau_loss(part) > 1e-9:
        return False, (f"this sharing forces a compromise (plateau {plateau_loss(part):.3f}): "
                       "a shared code mixes a 0-point and a 1-point.")
    return True, ("points with the same target may share a code: the hand-built net of "
                  "notebook 02 maps (0,1) and (1,0) to one code.")


Q2_FAIL = {4: 0.38, 5: 0.35}  # failure rates of 2-4-1 and 2-5-1 ReLU under case B's recipe


def _both_observed(answer):
    value = _number(answer)
    if abs(value - Q2_FAIL[4] * (1 - Q2_FAIL[5])) <= 0.005:
        return True, ("0.38 x 0.65 = 0.247: about one learner in four sees width 4 fail and "
                      "width 5 work although the two widths succeed about equally often.")
    if abs(value - Q2_FAIL[4] * Q2_FAIL[5]) <= 0.005:
        return False, "width 5 has to *work*: that has probability 1 - 0.35."
    return False, "the two runs are independent: multiply P(width 4 fails) by P(width 5 works)."


UNPIN = dict(widths=2, activation="relu", optimizer="adam", lr=0.03, num_steps=1000,
             init="uniform", init_scale=1.0)  # exercise 4: section 2's recipe, U[-1, 1] weights


def unpinned_failure_rates(num_seeds: int = 500) -> tuple[float, float]:
    """Failure rates of exercise 4's 2-2-1 ReLU networks with zero biases and with biases drawn
    like the weights (U[-1, 1]), over ``num_seeds`` seeds: (zero biases, drawn biases)."""
    from ..sweep import Config, train
    base = Config(**UNPIN)
    return tuple(float(train(base.replace(init_biases=drawn), num_seeds).failed.mean())
                 for drawn in (False, True))


def _unpinned(answer):
    value = _number(answer)
    if value > 1:
        return False, "give the failure rate as a fraction between 0 and 1, not a percentage."
    zero, drawn = unpinned_failure_rates()
    if abs(value - drawn) <= 0.005:
        return True, (f"{drawn:.0%} fail with drawn biases against {zero:.0%} with zero biases: "
                      "unpinning (0,0) helps a little; most merges form during training.")
    if abs(value - zero) <= 0.005:
        return False, "that is the rate with zero biases; set init_biases=True."
    if abs(value - (1 - drawn)) <= 0.005:
        return False, "that is the share that solves XOR; give the share that fails."
    return False, ("train Config(widths=2, activation='relu', optimizer='adam', lr=0.03, "
                   "num_steps=1000, init='uniform', init_scale=1.0, init_biases=True) on 500 "
                   "seeds and give .rate('failed')[0].")


def _seeds_needed(answer):
    value = _number(answer)
    if value != int(value) or value < 1:
        return False, "give a whole number of seeds."
    n = int(value)
    lo, hi = wilson_interval(n // 2, n)
    enough = (hi - lo) / 2 <= 0.05
    if enough and n > 10:
        lo10, hi10 = wilson_interval((n - 10) // 2, n - 10)
        enough_with_fewer = (hi10 - lo10) / 2 <= 0.05
    else:
        enough_with_fewer = False
    if enough and not enough_with_fewer:
        return True, (f"about 1.96^2 x 0.25 / 0.05^2 = 384 seeds: the interval is "
                      f"{100 * lo:.1f}-{100 * hi:.1f}% at {n}.")
    if not enough:
        return False, f"with {n} seeds the half-width is {50 * (hi - lo):.1f} points, over 5."
    return False, f"{n} is enough but far more than needed; find the smallest such number."


q1 = Exercise("Exercise 1", _three_share,
              "what mean binary cross-entropy on the four points does a network reach at best "
              "when three of them share one hidden code? (a number, 3 decimals)")
q2 = Exercise("Exercise 2", _both_observed,
              "under case B's recipe a width-4 ReLU net fails with probability 0.38 and a "
              "width-5 one with 0.35; "
              "what is the chance that one run of each shows width 4 failing and width 5 working?")
q3 = Exercise("Exercise 3", _harmless_sharing,
              "give code labels for (0,0), (0,1), (1,0), (1,1), e.g. [0, 1, 2, 2], where two "
              "points share a code and yet the plateau is 0.")
q4 = Exercise("Exercise 4", _unpinned,
              "predict, then train 2-2-1 ReLU (section 2's recipe, weights U[-1, 1]) with biases "
              "drawn too (init_biases=True) on 500 seeds and give its failure rate.")
q5 = Exercise("Exercise 5", _seeds_needed,
              "how many seeds make the 95% Wilson interval of a 50% rate at most +/-5 points "
              "wide? (within 10 of the smallest such number)")
