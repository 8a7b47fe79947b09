"""Settings shared by the unit tests: draw figures off screen. (Tests that use Keras load it
through xorhelpers._tf, which quiets TensorFlow's log.)"""

import matplotlib

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
