"""Pictures of a mechanism at work: where a hidden layer sends the whole input plane (notebook 02).

``grid_lines`` draws a square grid of straight lines in the input plane; push each line through
a hidden layer (the notebook does that in the page) and ``draw_grid`` shows the bent image: a
folded line for the hand-built ReLU net, a curved sheet for a trained sigmoid net. The XOR points
are drawn on top with the class colours of ``xorhelpers.plots``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ._check import check_float, check_int
from .plots import scatter_points


def grid_lines(lo: float = -0.5, hi: float = 1.5, num: int = 9, points: int = 81
               ) -> list[np.ndarray]:
    """``num`` lines of constant x1 then ``num`` lines of constant x2, evenly spaced over
    [lo, hi], each as an array (points, 2) running from lo to hi; the four XOR points lie on
    them when (0, 1) are among the levels."""
    lo, hi = check_float("lo", lo), check_float("hi", hi)
    if not lo < hi:
        raise ValueError(f"lo must be below hi, got lo={lo!r}, hi={hi!r}")
    num = check_int("num", num, low=2, high=200)
    points = check_int("points", points, low=2, high=10_000)
    levels, t = np.linspace(lo, hi, num), np.linspace(lo, hi, points)
    return ([np.column_stack([np.full(points, v), t]) for v in levels]
            + [np.column_stack([t, np.full(points, v)]) for v in levels])


def draw_grid(lines, ax=None, X=None, y=None, title: str | None = None,
              labels: tuple[str, str] = ("$h_1$", "$h_2$")):
    """Draw the images of ``grid_lines`` (same order: constant x1 first, then constant x2):
    the first half in shades of blue, the second in shades of orange, darker for larger levels,
    and the points ``X`` (in the same space) with their classes ``y`` on top. Returns the Axes."""
    if not isinstance(lines, (list, tuple)) or len(lines) < 2 or len(lines) % 2:
        raise ValueError(f"lines must be the images of grid_lines (an even number of (n, 2) "
                         f"arrays), got {type(lines).__name__} of length {len(lines)}"
                         if isinstance(lines, (list, tuple)) else
                         f"lines must be a list of (n, 2) arrays, got {type(lines).__name__}")
    lines = [np.asarray(line, float) for line in lines]
    if any(line.ndim != 2 or line.shape[1] < 2 for line in lines):
        raise ValueError("lines must be arrays of shape (n, 2)")
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    half = len(lines) // 2
    shades = np.linspace(0.35, 0.9, half)
    for k, line in enumerate(lines):
        family = plt.cm.Blues if k < half else plt.cm.Oranges
        ax.plot(line[:, 0], line[:, 1], lw=1.2, color=family(shades[k % half]),
                ls="-" if k < half else "--")
    if X is not None:
        scatter_points(np.asarray(X, float)[:, :2], y, ax)
    ax.set(xlabel=labels[0], ylabel=labels[1])
    if title:
        ax.set_title(title)
    return ax


def thinness(points) -> float:
    """How flat a cloud of points (n, 2) is: the smaller of its two principal spreads (standard
    deviations along its principal axes) over the larger; 0 for points on one straight line, 1
    for a round cloud."""
    P = np.asarray(points, float)
    if P.ndim != 2 or P.shape[1] != 2 or len(P) < 2 or not np.isfinite(P).all():
        raise ValueError(f"points must be a finite array (n >= 2, 2), got shape {P.shape}")
    spread = np.linalg.svd(P - P.mean(axis=0), compute_uv=False)
    return float(spread[1] / spread[0]) if spread[0] > 0 else 0.0


class WeightSnapshots:
    """A Keras callback for ``models.fit_full_batch`` that keeps the model's weights at the given
    steps (0: before the first step); ``fit_full_batch`` reports every ``record_every`` steps,
    so each step must be a multiple of it. After training, ``weights[step]`` holds them."""

    def __new__(cls, steps, record_every: int = 10):
        from ._tf import keras  # only when used: the module's pictures need no TensorFlow

        record_every = check_int("record_every", record_every, low=1)
        if not isinstance(steps, (list, tuple)) or not steps:
            raise TypeError(f"steps must be a non-empty list of ints, got {steps!r}")
        steps = [check_int(f"steps[{k}]", s, low=0) for k, s in enumerate(steps)]
        bad = [s for s in steps if s % record_every]
        if bad:
            raise ValueError(f"steps must be multiples of record_every={record_every}, got {bad}")

        class _Snapshots(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.steps, self.weights = set(steps), {}

            def on_train_begin(self, logs=None):
                if 0 in self.steps:
                    self.weights[0] = self.model.get_weights()

            def on_epoch_end(self, epoch, logs=None):
                step = (epoch + 1) * record_every
                if step in self.steps:
                    self.weights[step] = self.model.get_weights()

        return _Snapshots()
