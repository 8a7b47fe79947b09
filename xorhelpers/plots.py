"""Figures: decision boundaries, the hidden-layer view, curves, heat maps (notebook 01 onwards).

Every function draws on ``ax`` (a new figure when None) and returns the Axes, so a notebook
can save or restyle it. Plots show; claims (``xorhelpers.claims``) carry what they show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from ._check import check_bool, check_float, check_int

COLORS = ("#1f77b4", "#d62728")  # class 0 blue, class 1 red


def _axes(ax):
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    return ax


def _as_points(X, y):
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2), got {X.shape}")
    if y is not None:
        y = np.asarray(y).reshape(-1)
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"y must have one label per row of X ({X.shape[0]}), got {y.shape}")
    return X, y


def predict_fn(model) -> Callable[[np.ndarray], np.ndarray]:
    """Wrap a Keras model or any callable into ``f(X) -> (n,)`` NumPy outputs."""
    if hasattr(model, "layers") and callable(model):
        def f(X):
            out = model(np.asarray(X, np.float32), training=False)
            return np.asarray(out).reshape(len(X), -1)[:, 0]
        return f
    if callable(model):
        return lambda X: np.asarray(model(np.asarray(X, np.float32)), dtype=float).reshape(len(X))
    raise TypeError(f"model must be a Keras model or a callable, got {type(model).__name__}")


def scatter_points(X, y, ax=None, annotate: bool = False, size: int = 80):
    """Points coloured by class (blue 0, red 1); ``annotate`` writes each row's coordinates."""
    X, y = _as_points(X, y)
    annotate = check_bool("annotate", annotate)
    size = check_float("size", size, low=0.0)
    ax = _axes(ax)
    labels = np.zeros(len(X)) if y is None else y
    for cls in (0, 1):
        m = labels.round() == cls
        ax.scatter(X[m, 0], X[m, 1], c=COLORS[cls], s=size, edgecolors="k", zorder=3,
                   label=f"y = {cls}")
    if annotate:
        for x1, x2 in X:
            ax.annotate(f"({x1:g},{x2:g})", (x1, x2), textcoords="offset points",
                        xytext=(6, 6), fontsize=8)
    return ax


def decision_boundary(model, X=None, y=None, ax=None, lim: tuple[float, float] = (-0.5, 1.5),
                      resolution: int = 150, threshold: float = 0.5, title: str | None = None):
    """Shade where ``model`` outputs >= ``threshold`` over the square ``lim`` x ``lim``.

    ``model`` is a Keras model or any callable taking an (n, 2) array. Draws the points
    ``X``, ``y`` on top when given.
    """
    resolution = check_int("resolution", resolution, low=2, high=2000)
    if not isinstance(lim, (tuple, list, np.ndarray)) or len(lim) != 2:
        raise TypeError(f"lim must be a (low, high) pair, got {lim!r}")
    lim = (check_float("lim[0]", lim[0]), check_float("lim[1]", lim[1]))
    if lim[0] >= lim[1]:
        raise ValueError(f"lim must have low < high, got {lim!r}")
    threshold = check_float("threshold", threshold)
    f = predict_fn(model)
    ax = _axes(ax)
    g = np.linspace(lim[0], lim[1], resolution)
    G1, G2 = np.meshgrid(g, g)
    out = f(np.column_stack([G1.ravel(), G2.ravel()])).reshape(G1.shape)
    ax.contourf(G1, G2, out >= threshold, levels=[-0.5, 0.5, 1.5], colors=COLORS, alpha=0.2)
    if np.ptp(out) > 0:
        ax.contour(G1, G2, out, levels=[threshold], colors="k", linewidths=1)
    if X is not None:
        scatter_points(X, y, ax, annotate=True)
    ax.set(xlim=lim, ylim=lim, xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    if title:
        ax.set_title(title)
    return ax


def hidden_activations(model, X, layer: int = 0) -> np.ndarray:
    """Outputs of Dense layer number ``layer`` (0 = first hidden) of a Keras model on ``X``."""
    from ._tf import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}")
    X = np.asarray(X, np.float32)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (n, features), got shape {X.shape}")
    dense = [lay for lay in model.layers if isinstance(lay, keras.layers.Dense)]
    if not dense:
        raise ValueError("model has no Dense layers")
    layer = check_int("layer", layer, low=0, high=len(dense) - 1)
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    sub = keras.Model(inputs, dense[layer].output)
    return np.asarray(sub(np.asarray(X, np.float32), training=False))


def hidden_view(model, X, y, ax=None, layer: int = 0, title: str | None = None):
    """Plot where the points ``X`` land in the space of hidden layer ``layer`` (2 units shown).

    When the next layer is the 1-unit output, its own 0.5 level line is drawn in that space:
    the straight line that now separates the classes. Points that share one hidden code are
    labelled together. Returns the Axes.
    """
    from ._tf import keras

    X, y = _as_points(X, y)
    H = hidden_activations(model, X, layer)
    if H.shape[1] < 2:
        H = np.column_stack([H[:, 0], np.zeros(len(H))])
    ax = _axes(ax)
    scatter_points(H[:, :2], y, ax)
    tol = 0.03 * max(float(np.ptp(H[:, :2])), 1e-9)
    groups: list[tuple[np.ndarray, list[str]]] = []
    for h, x in zip(H[:, :2], X, strict=True):
        name = f"({x[0]:g},{x[1]:g})"
        near = [g for g in groups if np.abs(g[0] - h).max() <= tol]
        if near:
            near[0][1].append(name)
        else:
            groups.append((h, [name]))
    for h, names in groups:
        ax.annotate(" ".join(names), h, textcoords="offset points", xytext=(6, 6), fontsize=8)
    dense = [lay for lay in model.layers if isinstance(lay, keras.layers.Dense)]
    nxt = dense[layer + 1] if layer + 1 < len(dense) else None
    if nxt is not None and nxt.units == 1 and H.shape[1] == 2 and nxt.input.shape[-1] == 2:
        w, b = (np.asarray(v) for v in nxt.get_weights())
        level = 0.0 if nxt.activation.__name__ == "sigmoid" else 0.5
        lo, hi = H.min() - 0.5, H.max() + 0.5
        t = np.linspace(lo, hi, 50)
        if abs(w[1, 0]) > 1e-9:
            ax.plot(t, (level - b[0] - w[0, 0] * t) / w[1, 0], "k--", lw=1, label="output = 0.5")
        elif abs(w[0, 0]) > 1e-9:
            ax.axvline((level - b[0]) / w[0, 0], color="k", ls="--", lw=1, label="output = 0.5")
        ax.set(xlim=(lo, hi), ylim=(lo, hi))
    ax.set(xlabel="$h_1$", ylabel="$h_2$", title=title or f"hidden layer {layer + 1}")
    ax.legend(fontsize=8, loc="upper right")
    return ax


def curves(curves: Sequence, labels: Sequence[str] | None = None, ax=None, ylabel: str = "loss",
           xlabel: str = "step", logy: bool = False, title: str | None = None):
    """Plot one line per curve (each a 1-D array); returns the Axes."""
    if isinstance(curves, (str, bytes)) or not hasattr(curves, "__iter__"):
        raise TypeError(f"curves must be a sequence of 1-D arrays, got {type(curves).__name__}")
    curves = list(curves)
    if labels is not None:
        if isinstance(labels, (str, bytes)) or not hasattr(labels, "__iter__"):
            raise TypeError(f"labels must be a sequence of strings, got {labels!r}")
        labels = list(labels)
        if len(labels) != len(curves):
            raise ValueError(f"labels must have one entry per curve ({len(curves)}), "
                             f"got {len(labels)}")
    logy = check_bool("logy", logy)
    ax = _axes(ax)
    for i, c in enumerate(curves):
        ax.plot(np.asarray(c), label=None if labels is None else labels[i])
    if labels is not None:
        ax.legend(fontsize=8)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if logy:
        ax.set_yscale("log")
    return ax


def heat_map(values, row_labels: Sequence, col_labels: Sequence, ax=None, fmt: str = "{:.0%}",
             cmap: str = "viridis", vmin: float | None = 0.0, vmax: float | None = 1.0,
             xlabel: str = "", ylabel: str = "", title: str | None = None):
    """A labelled heat map of a 2-D array with each cell's value written in it."""
    values = np.asarray(values, dtype=float)
    if values.shape != (len(row_labels), len(col_labels)):
        raise ValueError(f"values must have shape ({len(row_labels)}, {len(col_labels)}) to "
                         f"match the labels, got {values.shape}")
    ax = _axes(ax)
    im = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(len(col_labels)), [str(c) for c in col_labels])
    ax.set_yticks(range(len(row_labels)), [str(r) for r in row_labels])
    mid = ((np.nanmin(values) if vmin is None else vmin)
           + (np.nanmax(values) if vmax is None else vmax)) / 2
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            ax.text(j, i, fmt.format(values[i, j]), ha="center", va="center", fontsize=8,
                    color="w" if values[i, j] < mid else "k")
    ax.figure.colorbar(im, ax=ax)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    return ax


def rate_lines(x: Sequence, rates, labels: Sequence[str], ax=None, xlabel: str = "",
               ylabel: str = "rate", title: str | None = None, dodge: float = 0.0,
               markers: Sequence[str] | None = None):
    """Rates with their confidence intervals as error bars, one line per row (notebook 03).

    ``rates`` has shape (len(labels), len(x), 3) holding (rate, low, high), e.g. stacked
    ``SweepResult.rates()`` or ``stats.rate`` triples. ``dodge`` shifts the lines apart
    sideways (line k by (k - (n-1)/2) * dodge) so that overlapping ones stay visible;
    ``markers`` gives each line its own marker. Returns the Axes.
    """
    dodge = check_float("dodge", dodge, low=0.0)
    if markers is not None and (isinstance(markers, str) or len(markers) != len(labels)):
        raise ValueError(f"markers must list one marker per label ({len(labels)}), got {markers!r}")
    rates = np.asarray(rates, dtype=float)
    x = list(x)
    if rates.shape != (len(labels), len(x), 3):
        raise ValueError(f"rates must have shape ({len(labels)}, {len(x)}, 3) to match labels "
                         f"and x, got {rates.shape}")
    ax = _axes(ax)
    shift = (np.arange(len(labels)) - (len(labels) - 1) / 2) * dodge
    for k, (label, rows) in enumerate(zip(labels, rates, strict=True)):
        p, lo, hi = rows.T
        ax.errorbar(np.asarray(x, dtype=float) + shift[k], p, yerr=[p - lo, hi - p],
                    marker="o" if markers is None else markers[k], capsize=3, label=str(label))
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title, ylim=(-0.03, 1.03))
    ax.legend(fontsize=8)
    return ax


def integer_ticks(ax, axis: str = "x"):
    """Put ticks at whole numbers only on ``axis`` ("x", "y" or "both") of ``ax``, e.g. for
    depths or widths (notebook 04). Returns the Axes."""
    if axis not in ("x", "y", "both"):
        raise ValueError(f"axis must be 'x', 'y' or 'both', got {axis!r}")
    for name in ("x", "y") if axis == "both" else (axis,):
        getattr(ax, f"{name}axis").set_major_locator(MaxNLocator(integer=True))
    return ax


def class_legend(ax, outside: bool = True):
    """Add the legend of the class markers (y = 0 blue, y = 1 red) and any labelled lines.

    ``outside`` puts it to the right of the axes, where it cannot cover one of the four
    points. Returns the Legend. Notebook 01 onwards.
    """
    if not hasattr(ax, "legend") or not hasattr(ax, "get_legend_handles_labels"):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    outside = check_bool("outside", outside)
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        raise ValueError("ax has nothing labelled to put in a legend (draw the points first)")
    if outside:
        return ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                         borderaxespad=0.0, title="class", title_fontsize=8)
    return ax.legend(fontsize=8, title="class", title_fontsize=8)
