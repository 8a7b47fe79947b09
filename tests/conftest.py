"""Settings shared by the unit tests: quiet TensorFlow, draw figures off screen."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import pytest  # noqa: E402


@pytest.fixture
def check(capsys):
    """Runs an exercise's checker on an answer and returns (ok, the one line it printed).

    Fails the test unless the checker printed exactly one line of feedback.
    """

    def run(exercise, answer):
        ok = exercise.check(answer)
        out = capsys.readouterr().out
        assert out.count("\n") == 1, out  # exactly one line of feedback
        return ok, out

    return run
