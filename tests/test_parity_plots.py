"""Tests for xorhelpers.parity.plots: each figure draws, returns its Axes, rejects bad input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from xorhelpers.parity import parity_rnn  # noqa: E402
from xorhelpers.parity import plots as parity_plots  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_accuracy_bars_colours_unsolved_seeds():
    ax = parity_plots.accuracy_bars([1.0, 0.5, 0.9995])
    colors = [p.get_facecolor()[:3] for p in ax.patches]
    assert len(colors) == 3 and colors[0] == colors[2] != colors[1]
    with pytest.raises(ValueError, match="acc"):
        parity_plots.accuracy_bars([])
    with pytest.raises(ValueError, match="threshold"):
        parity_plots.accuracy_bars([0.5], threshold=2.0)


@pytest.mark.parametrize("cell, complement", [("lstm", True), ("gru", False)])
def test_flip_flop_draws_states_and_parity(cell, complement):
    model = parity_rnn(2, cell, complement, seed=0)
    ax = parity_plots.flip_flop(model, [1, 0, 1, 1, 0])
    labels = [line.get_label() for line in ax.get_lines()]
    assert "running parity" in labels and "h (unit 1)" in labels
    assert ("c (unit 0)" in labels) == (cell == "lstm")
    with pytest.raises(ValueError, match="bits"):
        parity_plots.flip_flop(model, [0, 2])


def test_length_curves_and_accuracy_vs_bits():
    ax = parity_plots.length_curves([50, 500], {"a": np.array([[1.0, 0.9], [1.0, 1.0]])})
    assert len(ax.get_lines()) == 3  # median, worst, chance line
    with pytest.raises(ValueError, match="accuracies"):
        parity_plots.length_curves([50, 500], {"a": np.ones((2, 3))})
    ax = parity_plots.accuracy_vs_bits([2, 3, 4], [1.0, 0.8, 0.5])
    assert ax.get_xlabel() == "number of bits n"
    with pytest.raises(ValueError, match="acc"):
        parity_plots.accuracy_vs_bits([2, 3], [1.0])


def test_accuracy_bars_legend_names_colours_and_chance():
    ax = parity_plots.accuracy_bars([1.0, 0.5])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["solved (>= 99.9%)", "not solved", "chance"]


def test_length_curves_dodge_separates_overlapping_recipes():
    acc = {"a": np.ones((2, 2)), "b": np.ones((2, 2))}
    ax = parity_plots.length_curves([50, 500], acc, dodge=0.1)
    xs = [tuple(line.get_xdata()) for line in ax.get_lines()[:4]]
    assert xs[0] == xs[1] == (50, 500)
    np.testing.assert_allclose(xs[2], (55, 550))
    assert "chance" in [t.get_text() for t in ax.get_legend().get_texts()]
    with pytest.raises(ValueError, match="dodge"):
        parity_plots.length_curves([50, 500], acc, dodge=-1)
