"""Notebook 06's exercises accept the solutions and reject wrong answers."""

import numpy as np
import pytest

from xorhelpers.exercises.nb06 import Q1_BITS, q1, q2, q3, q4
from xorhelpers.parity import case_c_model, hand_built_parity


def test_q1_running_parity(capsys):
    assert q1.check(list(np.cumsum(Q1_BITS) % 2))
    assert not q1.check([1, 1, 0, 1, 1, 0, 0, 1])
    assert "entry 7" in capsys.readouterr().out
    assert not q1.check([1, 0])
    assert not q1.check(...)


def test_q2_complement_rewrite():
    assert q2.check((0.9, -0.1))
    assert not q2.check((0.5, 0.1))
    assert not q2.check("0.9, -0.1")


def test_q4_hand_built_output_weights_agree_with_the_helper():
    assert q4.check(hand_built_parity(5)[2])
    assert q4.check([1, -2, 2, -2, 2])
    assert not q4.check([1, -1, 1, -1, 1])


@pytest.mark.parametrize("q", [q1, q2, q3, q4])
def test_unanswered_prints_a_hint(q, capsys):
    assert not q.check(...)
    assert "not answered yet" in capsys.readouterr().out


def _jammed(add, seed=0):
    model = case_c_model(seed=seed)
    kernel, recurrent, bias = model.get_layer("rnn").get_weights()
    bias[1] += add  # the forget gate's bias (Keras orders the gates i, f, g, o)
    model.get_layer("rnn").set_weights([kernel, recurrent, bias])
    return model


def test_q3_jam_the_forget_gate(capsys):
    capsys.readouterr()
    assert q3.check((0.5, _jammed(10)))
    out = capsys.readouterr().out
    assert "jammed open" in out and "you predicted 50%" in out
    assert not q3.check((0.5, _jammed(0)))  # not jammed: its forget gate still closes
    assert "bias[1]" in capsys.readouterr().out
    for wrong in ((1.5, _jammed(10)), (0.5, "model"), _jammed(10), (0.5,)):
        assert not q3.check(wrong)
