"""The Exercise checker: feedback lines for unanswered, right, wrong and unusable answers."""

import dataclasses

import numpy as np
import pytest

from xorhelpers.exercises import Exercise


def _is_four(answer):
    if answer == 4:
        return True, "2 + 2 = 4."
    return False, f"{answer} is not 2 + 2."


def _strict(answer):
    got = np.asarray(answer, dtype=float).reshape(2)  # raises on the wrong shape or type
    return bool(np.allclose(got, [1, 0])), "h = (1, 0)."


Q1 = Exercise("q1", _is_four, "add two and two")
Q2 = Exercise("q2", _strict, "apply the hidden layer")


def test_unanswered_prints_the_hint_without_calling_the_checker(capsys):
    called = []
    q = Exercise("q3", lambda a: called.append(a) or (True, ""), "look at the table")
    assert q.check(...) is False
    assert capsys.readouterr().out == "q3: not answered yet. Hint: look at the table\n"
    assert called == []


def test_right_answer(capsys):
    assert Q1.check(4) is True
    assert capsys.readouterr().out == "q1: correct! 2 + 2 = 4.\n"


def test_wrong_answer(capsys):
    assert Q1.check(5) is False
    assert capsys.readouterr().out == "q1: not yet: 5 is not 2 + 2.\n"


@pytest.mark.parametrize("answer,error", [([1, 0, 0], "ValueError"), ("one", "ValueError"),
                                          ({"h": 1}, "TypeError")])
def test_answer_the_checker_cannot_handle_is_reported_not_raised(capsys, answer, error):
    assert Q2.check(answer) is False
    out = capsys.readouterr().out
    assert out.startswith(f"q2: not yet: could not check this answer ({error}: ")
    assert out.endswith(")\n") and out.count("\n") == 1


def test_checker_with_numpy_answers(capsys):
    assert Q2.check(np.array([1.0, 0.0])) is True
    assert Q2.check((1, 0)) is True
    assert Q2.check([0, 1]) is False
    assert capsys.readouterr().out.splitlines() == ["q2: correct! h = (1, 0).",
                                                    "q2: correct! h = (1, 0).",
                                                    "q2: not yet: h = (1, 0)."]


def test_truthy_ok_is_returned_as_a_bool(capsys):
    q = Exercise("q", lambda a: (np.bool_(a > 0), "sign"), "")
    assert q.check(3) is True
    assert q.check(-3) is False
    capsys.readouterr()


def test_exercise_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Q1.name = "other"


@pytest.mark.parametrize("kwargs,name", [
    (dict(name=3), "name"), (dict(name=""), "name"), (dict(checker="not callable"), "checker"),
    (dict(checker=None), "checker"), (dict(hint=None), "hint"), (dict(hint=1), "hint"),
])
def test_bad_construction_names_the_argument(kwargs, name):
    args = dict(name="q1", checker=_is_four, hint="h") | kwargs
    with pytest.raises(TypeError, match=rf"{name} must"):
        Exercise(**args)
