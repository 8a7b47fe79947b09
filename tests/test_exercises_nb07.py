"""Exercise checkers of notebook 07: the stated solutions pass, wrong answers get a hint."""

import numpy as np
import pytest

from xorhelpers.exercises import nb07
from xorhelpers.explorer import PRESETS, State, run_seeds
from xorhelpers.stats import rate
from xorhelpers.sweep import Config, train


@pytest.mark.parametrize("exercise", [nb07.q1, nb07.q2, nb07.q3])
def test_unanswered(exercise, check):
    ok, out = check(exercise, ...)
    assert ok is False and out.startswith(f"{exercise.name}: not answered yet. Hint: ")


def test_q1_smallest_width(check):
    rates = nb07.width_rates()
    # independent: width 9 measured on its own
    alone = train(Config(widths=9, activation="relu", optimizer="adam", lr=0.01,
                         num_steps=2000), 500)
    assert rates[9] == pytest.approx(alone.solved.mean())
    smallest = min(w for w, p in rates.items() if p >= 0.9)
    assert check(nb07.q1, smallest)[0] is True
    ok, out = check(nb07.q1, 2)
    assert ok is False and "only" in out
    ok, out = check(nb07.q1, 14)
    assert ok is False and "go smaller" in out
    assert check(nb07.q1, 9.5)[0] is False
    assert check(nb07.q1, 40)[0] is False


def test_q2_share_on_the_learner_s_plateau(check):
    seeds = run_seeds(PRESETS["case_b_relu"].state)
    failed = seeds.final_loss[~seeds.result.solved]
    share = float((np.abs(failed - np.log(2) / 2) < 0.01).mean())
    assert nb07.case_b_relu_shares()["ln(2)/2"] == pytest.approx(share)
    ok, out = check(nb07.q2, round(share, 2))
    assert ok is True and "ln(2)/2" in out
    assert check(nb07.q2, 100 * share)[0] is True  # a percentage
    assert check(nb07.q2, share + 0.2)[0] is False
    assert check(nb07.q2, True)[0] is False


def test_q3_best_learning_rate(check):
    rates = nb07.lr_rates()
    best = max(rates.values())
    ref = train(Config(lr=0.001, num_steps=2000), 500)
    assert rates[0.001] == pytest.approx(rate(ref.solved))
    assert run_seeds(State(lr=0.003, n_seeds=500)).rate == pytest.approx(rates[0.003])
    assert check(nb07.q3, best[0])[0] is True
    assert check(nb07.q3, 100 * best[0])[0] is True
    ok, out = check(nb07.q3, 0.9)
    assert ok is False and "more than" in out
    ok, out = check(nb07.q3, 0.01)
    assert ok is False and "less than" in out


@pytest.mark.parametrize("exercise", [nb07.q1, nb07.q2, nb07.q3])
@pytest.mark.parametrize("answer", [float("nan"), float("inf"), -float("inf")])
def test_not_a_number_is_neither_more_nor_less(exercise, answer, check):
    ok, out = check(exercise, answer)
    assert ok is False and "finite number" in out
    assert "less than" not in out and "more than" not in out


def test_the_solutions_as_written_in_the_notebook_pass(check):
    """The hidden solutions state answers and numbers; they must be what the checkers accept."""
    rates = nb07.width_rates()
    assert rates[2] == pytest.approx(0.16, abs=0.02) and rates[8] == pytest.approx(0.85, abs=0.02)
    assert all(a <= b + 0.02 for a, b in zip(list(rates.values()), list(rates.values())[1:],
                                             strict=False))  # climbs (within noise)
    assert rates[8] < 0.9 <= rates[9]
    for answer in (9, 10):
        assert check(nb07.q1, answer)[0] is True
    shares = nb07.case_b_relu_shares()
    assert shares["ln(2)/2"] == pytest.approx(0.15, abs=0.02)
    assert max(shares, key=shares.get) == "3/4 H(1/3)"  # most failed seeds sit on 0.477
    ok, out = check(nb07.q2, 0.15)
    assert ok is True and "rarest" in out  # ln(2)/2 is the least common of the three
    lrs = nb07.lr_rates()
    assert max(lrs, key=lambda k: lrs[k][0]) == 0.001
    assert lrs[0.001][0] == pytest.approx(0.18, abs=0.02)
    assert all(0.15 - 0.01 <= lrs[k][0] <= 0.18 + 0.01 for k in (0.001, 0.003, 0.01, 0.03, 0.1))
    assert lrs[0.3][0] < lrs[0.1][0] and lrs[1.0][0] < lrs[0.3][0]  # large rates only hurt
    assert check(nb07.q3, 0.18)[0] is True
