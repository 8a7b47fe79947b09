"""Case A's shared net drawn as what it is: one small XOR net applied, with the same weights,
at every coordinate of the two bit planes, a 1x1 convolution (notebook 05).

``shared_net_diagram`` draws the two input matrices, the small net and the output matrix, and
traces one coordinate through the net. The notebook checks on the same data what the picture
says (the same weights at every coordinate, the parameter count); this module only draws.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle

from .._check import check_int

_HIGHLIGHT = "#d62728"


def _plane(name: str, value, bits: bool) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] < 1:
        raise ValueError(f"{name} must be a square matrix (size, size), got shape {arr.shape}")
    if bits and not np.isin(arr, (0.0, 1.0)).all():
        raise ValueError(f"{name} must hold bits (0 or 1) only")
    if not bits and not ((arr >= 0) & (arr <= 1)).all():
        raise ValueError(f"{name} must hold probabilities in [0, 1]")
    return arr


def _draw_plane(ax, values, x0, y0, title, coord, bits):
    size = values.shape[0]
    for i in range(size):
        for j in range(size):
            v = values[i, j]
            shade = plt.cm.Greys(0.15 + 0.6 * v)
            ax.add_patch(Rectangle((x0 + j, y0 + size - 1 - i), 1, 1, facecolor=shade,
                                   edgecolor="0.5", lw=0.6))
            text = f"{int(v)}" if bits else f"{v:.2f}"
            ax.text(x0 + j + 0.5, y0 + size - 0.5 - i, text, ha="center", va="center",
                    fontsize=8 if bits else 6, color="white" if v > 0.5 else "black")
    i, j = coord
    ax.add_patch(Rectangle((x0 + j, y0 + size - 1 - i), 1, 1, fill=False,
                           edgecolor=_HIGHLIGHT, lw=2.5, zorder=5))
    ax.text(x0 + size / 2, y0 + size + 0.3, title, ha="center", va="bottom", fontsize=9)
    return x0 + j + 0.5, y0 + size - 0.5 - i  # the centre of the traced cell


def shared_net_diagram(a, b, out, hidden: int = 4, coord: tuple[int, int] = (1, 2), ax=None):
    """Draw the shared XOR net at work on one pair of bit matrices (notebook 05).

    ``a`` and ``b``: the two input matrices (size, size) of 0/1; ``out``: the net's output
    there, probabilities (size, size); ``hidden``: the small net's hidden width; ``coord``:
    the (row, column) traced through the net. Draws both bit planes, the net 2 -> hidden -> 1
    and the output plane, with the traced coordinate outlined, and returns the Axes.
    """
    a, b = _plane("a", a, True), _plane("b", b, True)
    out = _plane("out", out, False)
    size = a.shape[0]
    if b.shape != a.shape or out.shape != a.shape:
        raise ValueError(f"a, b and out must have the same shape, got {a.shape}, {b.shape} and "
                         f"{out.shape}")
    hidden = check_int("hidden", hidden, low=1, high=16)
    if (not isinstance(coord, tuple) or len(coord) != 2
            or not all(isinstance(k, (int, np.integer)) and 0 <= k < size for k in coord)):
        raise ValueError(f"coord must be a (row, column) pair of integers in 0..{size - 1}, "
                         f"got {coord!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 4.2))
    gap = 1.5
    top = _draw_plane(ax, a, 0, size + gap, "matrix a", coord, True)
    bottom = _draw_plane(ax, b, 0, 0, "matrix b", coord, True)
    middle = size + gap / 2
    x_in, x_hidden, x_out = size + 3, size + 6, size + 9
    inputs = [(x_in, middle + 1.2), (x_in, middle - 1.2)]
    spread = np.linspace(-1, 1, hidden) * min(2.4, 0.8 * (hidden - 1)) if hidden > 1 else [0.0]
    hiddens = [(x_hidden, middle + d) for d in spread]
    output = (x_out, middle)
    for p in inputs:
        for q in hiddens:
            ax.plot([p[0], q[0]], [p[1], q[1]], color="0.6", lw=0.8, zorder=1)
    for q in hiddens:
        ax.plot([q[0], output[0]], [q[1], output[1]], color="0.6", lw=0.8, zorder=1)
    for (x, y), label in zip(inputs + [output], ["a[i, j]", "b[i, j]", "sigmoid"], strict=True):
        ax.add_patch(Circle((x, y), 0.42, facecolor="white", edgecolor="k", zorder=3))
        ax.text(x, y - 0.6, label, ha="center", va="top", fontsize=7)
    for x, y in hiddens:
        ax.add_patch(Circle((x, y), 0.42, facecolor="white", edgecolor="k", zorder=3))
        ax.text(x + 0.55, y, "tanh", ha="left", va="center", fontsize=7)
    weights = 2 * hidden + hidden + hidden + 1
    ax.text(x_hidden, middle + 3.4, f"one small net, {weights} weights,\nthe same at every "
            f"coordinate", ha="center", va="bottom", fontsize=9)
    x_plane = size + 11
    y_plane = middle - size / 2
    traced = _draw_plane(ax, out, x_plane, y_plane, "output", coord, False)
    arrows = [(top, (inputs[0][0] - 0.45, inputs[0][1])),
              (bottom, (inputs[1][0] - 0.45, inputs[1][1])),
              ((output[0] + 0.45, output[1]), (x_plane - 0.1, traced[1]))]
    for start, end in arrows:
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12,
                                     color=_HIGHLIGHT, lw=1.5, zorder=6))
    i, j = coord
    ax.text(x_plane + size / 2, y_plane - 0.4, f"coordinate ({i}, {j}) traced in red",
            ha="center", va="top", fontsize=8, color=_HIGHLIGHT)
    ax.set(xlim=(-0.5, x_plane + size + 0.5), ylim=(-1.2, 2 * size + gap + 1.2), aspect="equal")
    ax.axis("off")
    return ax
