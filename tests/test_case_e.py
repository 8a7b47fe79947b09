"""Case E: the faithful reproduction and the table of fixes."""

import numpy as np
import pytest

from xorhelpers import sweep
from xorhelpers.clinic import case_e
from xorhelpers.data import truth_table
from xorhelpers.nets import scratch

X4, Y4 = truth_table()


def test_the_faithful_port_is_stuck_at_one_half():
    net = case_e.case_e_net(seed=0)
    assert net.layer_sizes == (2, 3, 3, 1) and net.relu_grad is case_e.buggy_relu_derivative
    assert np.abs(net.weights[0]).max() < 0.01 and not net.biases[0].any()
    curve = scratch.train(net, X4, Y4, lr=case_e.LR, num_steps=case_e.NUM_STEPS,
                          record_every=100)
    np.testing.assert_allclose(scratch.predict(net, X4), 0.5, atol=1e-6)
    np.testing.assert_allclose(curve, np.log(2), atol=1e-6)


def test_configs():
    c = case_e.sweep_config()
    assert (c.widths, c.init, c.init_scale, c.optimizer, c.lr, c.num_steps) == (
        (3, 3), "normal", 0.001, "sgd", 0.01, 1000)
    c = case_e.sweep_config(he_init=True, budget=True, lr=0.5, num_steps=200)
    assert (c.init, c.init_scale, c.lr, c.num_steps) == ("he_normal", None, 0.5, 200)


@pytest.fixture(scope="module")
def table():
    return case_e.fix_table(n_seeds=30, margin=0.0)


def test_fix_table_layout(table):
    assert len(table.combos) == 8 and table.solved.shape == (8, 30)
    assert len(set(table.combos)) == 8
    lines = table.table().splitlines()
    assert len(lines) == 9 and lines[1].startswith("A >= 0 (bug)")
    p, lo, hi = table.rate(True, True, True)
    assert lo <= p <= hi


def test_correct_derivative_rows_are_the_sweep_engines_own(table):
    for init in (False, True):
        for budget in (False, True):
            result = sweep.train(case_e.sweep_config(init, budget), 30)
            np.testing.assert_array_equal(table.flags(True, init, budget), result.solved)


def test_nothing_helps_while_weights_are_tiny_and_the_derivative_is_wrong(table):
    assert not table.flags(False, False, False).any()
    assert not table.flags(False, False, True).any()
    assert table.flags(True, True, True).sum() > table.flags(True, False, False).sum()


def test_solved_with_a_margin():
    result = sweep.train(case_e.sweep_config(he_init=True, budget=True), 20)
    strict = case_e.solved(result, margin=0.0)
    np.testing.assert_array_equal(strict, result.solved)
    assert (case_e.solved(result, margin=0.3) <= strict).all()
    with pytest.raises(TypeError, match="SweepResult"):
        case_e.solved("result")


def test_bad_input():
    with pytest.raises(ValueError, match="n_seeds"):
        case_e.fix_table(n_seeds=0)
    with pytest.raises(ValueError, match="lr"):
        case_e.fix_table(lr=0.0)
    with pytest.raises(ValueError, match="margin"):
        case_e.fix_table(margin=0.7)
    with pytest.raises(TypeError, match="he_init"):
        case_e.sweep_config(he_init="he_normal")
    table = case_e.FixTable(((True, True, True),), np.ones((1, 3), bool), 0.1, 0.2, 3000)
    with pytest.raises(ValueError, match="derivative, init, budget"):
        table.flags(True, True, "yes")
