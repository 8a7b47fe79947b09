"""Notebook 06's exercises accept the solutions and reject wrong answers."""

import numpy as np
import pytest

from xorhelpers.exercises.nb06 import Q1_BITS, q1, q2, q3
from xorhelpers.parity import hand_built_parity


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


def test_q3_hand_built_output_weights_agree_with_the_helper():
    assert q3.check(hand_built_parity(5)[2])
    assert q3.check([1, -2, 2, -2, 2])
    assert not q3.check([1, -1, 1, -1, 1])


@pytest.mark.parametrize("q", [q1, q2, q3])
def test_unanswered_prints_a_hint(q, capsys):
    assert not q.check(...)
    assert "not answered yet" in capsys.readouterr().out
