"""The drawing of case A's shared net: what it draws, and the arguments it refuses."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Circle, Rectangle  # noqa: E402

from xorhelpers.architectures.shared_diagram import shared_net_diagram  # noqa: E402

A = np.array([[1, 0, 0], [0, 1, 1], [1, 1, 0]])
B = np.array([[0, 0, 1], [0, 1, 0], [1, 0, 0]])
OUT = np.abs(A - B) * 0.9 + 0.05


def outlined(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle) and not p.get_fill()]


def test_draws_three_planes_the_net_and_the_traced_coordinate():
    ax = shared_net_diagram(A, B, OUT, hidden=4, coord=(2, 1))
    cells = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_fill()]
    assert len(cells) == 3 * A.size  # a, b and the output, one square per coordinate
    assert len([p for p in ax.patches if isinstance(p, Circle)]) == 2 + 4 + 1
    boxes = outlined(ax)
    assert len(boxes) == 3  # the traced coordinate in each plane
    # row 2, column 1: one column in from the left, in the bottom row of each plane
    assert {b.get_x() % 1 for b in boxes} == {0.0}
    texts = [t.get_text() for t in ax.texts]
    assert "one small net, 17 weights,\nthe same at every coordinate" in texts
    assert "coordinate (2, 1) traced in red" in texts
    plt.close("all")


def test_weights_follow_the_hidden_width():
    ax = shared_net_diagram(A, B, OUT, hidden=8)
    assert any("33 weights" in t.get_text() for t in ax.texts)
    assert len([p for p in ax.patches if isinstance(p, Circle)]) == 2 + 8 + 1
    plt.close("all")


@pytest.mark.parametrize("kwargs, message", [
    (dict(a=A[:2]), "square"),
    (dict(a=A + 1), "bits"),
    (dict(out=OUT + 1), "probabilities"),
    (dict(b=np.ones((2, 2))), "same shape"),
    (dict(coord=(3, 0)), "coord"),
    (dict(coord=[0, 0]), "coord"),
    (dict(hidden=0), "hidden"),
])
def test_bad_arguments_are_named(kwargs, message):
    args = dict(a=A, b=B, out=OUT, hidden=4, coord=(0, 0)) | kwargs
    with pytest.raises((ValueError, TypeError), match=message):
        shared_net_diagram(**args)
    plt.close("all")
