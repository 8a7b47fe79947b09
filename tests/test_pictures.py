"""Pictures of the plane's image: grid lines, their drawing, flatness, weight snapshots."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from xorhelpers import pictures  # noqa: E402
from xorhelpers.data import truth_table  # noqa: E402
from xorhelpers.nets.models import fit_full_batch, mlp  # noqa: E402

X4, Y4 = truth_table()


def test_grid_lines_cover_the_square_and_pass_through_the_xor_points():
    lines = pictures.grid_lines(-0.5, 1.5, num=9, points=81)
    assert len(lines) == 18 and all(line.shape == (81, 2) for line in lines)
    assert all(np.ptp(line[:, 0]) == 0 for line in lines[:9])  # constant x1
    assert all(np.ptp(line[:, 1]) == 0 for line in lines[9:])  # constant x2
    pts = np.concatenate(lines)
    assert pts.min() == -0.5 and pts.max() == 1.5
    for x in X4:
        assert np.isclose(pts, x, atol=1e-12).all(axis=1).any()


@pytest.mark.parametrize("kwargs,match", [
    (dict(lo=1, hi=0), "lo must be below hi"), (dict(num=1), "num"), (dict(points=1), "points")])
def test_grid_lines_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        pictures.grid_lines(**kwargs)


def test_draw_grid_draws_every_line_and_the_points():
    lines = pictures.grid_lines(num=3)
    ax = pictures.draw_grid(lines, X=X4, y=Y4, title="t")
    assert len(ax.lines) == 6 and len(ax.collections) == 2 and ax.get_title() == "t"
    assert ax.lines[0].get_linestyle() == "-" and ax.lines[-1].get_linestyle() == "--"
    plt.close("all")
    with pytest.raises(ValueError, match="even number"):
        pictures.draw_grid(lines[:3])
    with pytest.raises(ValueError, match="list of"):
        pictures.draw_grid(np.zeros((4, 2)))


def test_thinness():
    t = np.linspace(0, 1, 50)
    assert pictures.thinness(np.column_stack([t, 2 * t + 1])) == pytest.approx(0, abs=1e-12)
    square = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    assert pictures.thinness(square) == pytest.approx(1)
    a, b = np.meshgrid(np.linspace(0, 1, 11), np.linspace(0, 0.1, 11))
    assert pictures.thinness(np.column_stack([a.ravel(), b.ravel()])) == pytest.approx(0.1)
    assert pictures.thinness(np.ones((3, 2))) == 0.0
    with pytest.raises(ValueError, match="points"):
        pictures.thinness(np.zeros((5, 3)))


def test_weight_snapshots_keep_the_weights_at_the_steps_asked():
    net = mlp([2], activation="sigmoid", seed=0)
    start = net.get_weights()
    snaps = pictures.WeightSnapshots([0, 20, 40])
    fit_full_batch(net, X4, Y4, num_steps=40, optimizer="adam", lr=0.05, callbacks=[snaps])
    assert sorted(snaps.weights) == [0, 20, 40]
    assert all(np.array_equal(a, b) for a, b in zip(snaps.weights[0], start, strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(snaps.weights[40], net.get_weights(),
                                                    strict=True))
    assert not np.array_equal(snaps.weights[20][0], snaps.weights[40][0])


def test_weight_snapshots_bad_arguments():
    with pytest.raises(ValueError, match="multiples of record_every"):
        pictures.WeightSnapshots([0, 15])
    with pytest.raises(TypeError, match="steps"):
        pictures.WeightSnapshots(10)
