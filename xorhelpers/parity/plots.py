"""Figures for notebook 06: per-seed accuracies, the flip-flop inside an LSTM, length curves.

Each function draws on ``ax`` (a new figure when None) and returns the Axes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch

from .._check import check_float
from ..plots import COLORS
from .evaluate import rnn_states


def _axes(ax, size=(6, 3)):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def accuracy_bars(acc, threshold: float = 0.999, ax=None, title: str | None = None):
    """One bar per seed: its accuracy, red when below ``threshold`` (notebook 06)."""
    acc = np.asarray(acc, dtype=float)
    if acc.ndim != 1 or acc.size == 0:
        raise ValueError(f"acc must be a non-empty 1-D array of accuracies, got shape {acc.shape}")
    threshold = check_float("threshold", threshold, low=0.0, high=1.0)
    ax = _axes(ax)
    colors = [COLORS[0] if a >= threshold else COLORS[1] for a in acc]
    ax.bar(np.arange(acc.size), acc, color=colors)
    ax.axhline(0.5, color="gray", lw=1, ls=":", label="chance")
    ax.set(xlabel="seed", ylabel="accuracy", ylim=(0, 1.05), xticks=np.arange(acc.size),
           title=title)
    handles = [Patch(color=COLORS[0], label=f"solved (>= {threshold:.1%})"),
               Patch(color=COLORS[1], label="not solved"), ax.lines[-1]]
    ax.legend(handles=handles, fontsize=7, loc="lower right", framealpha=0.9)
    return ax


def flip_flop(model, bits, ax=None, title: str | None = None):
    """A parity model's state over one bit sequence, with the true running parity (notebook 06).

    ``bits`` is a 1-D sequence of 0/1. Draws each hidden unit (solid) and, for an LSTM, each
    cell state (dashed) after every bit, over the running parity (grey steps) and marks the
    1-bits along the bottom.
    """
    bits = np.asarray(bits)
    if bits.ndim != 1 or bits.size == 0 or not np.isin(bits, (0, 1)).all():
        raise ValueError(f"bits must be a non-empty 1-D sequence of 0/1, got {bits!r}")
    width = int(model.input.shape[-1])
    X = bits[None, :, None].astype(np.float32)
    if width == 2:
        X = np.concatenate([X, 1 - X], axis=-1)
    states = rnn_states(model, X)
    ax = _axes(ax, (8, 3))
    t = np.arange(1, bits.size + 1)
    parity = np.cumsum(bits) % 2
    ax.step(t, parity, where="mid", color="0.75", lw=6, label="running parity")
    for u in range(states["h"].shape[-1]):
        ax.plot(t, states["h"][0, :, u], "o-", ms=3, color=f"C{u}", label=f"h (unit {u})")
        if "c" in states:
            ax.plot(t, states["c"][0, :, u], "--", color=f"C{u}", alpha=0.6,
                    label=f"c (unit {u})")
    ones = t[bits == 1]
    lo = min(-1.1, float(np.min([states[k].min() for k in ("h", "c") if k in states])) - 0.1)
    ax.plot(ones, np.full(ones.size, lo), "|", color="k", ms=10, label="bit = 1")
    ax.set(xlabel="step (bits read)", ylabel="state", title=title)
    ax.legend(fontsize=7, loc="upper right", ncol=2)
    return ax


def length_curves(lengths: Sequence[int], accuracies: Mapping[str, np.ndarray], ax=None,
                  dodge: float = 0.0):
    """Accuracy against test length, lowest and median over seeds, per recipe (notebook 06).

    ``accuracies`` maps a label to an array (seeds, len(lengths)). With ``dodge`` > 0 the
    points of the k-th recipe are drawn at lengths * (1 + dodge) ** k, so that curves lying on
    top of each other (e.g. all at 100%) stay visible.
    """
    lengths = np.asarray(lengths)
    dodge = check_float("dodge", dodge, low=0.0, high=1.0)
    ax = _axes(ax, (6, 3.5))
    for i, (label, acc) in enumerate(accuracies.items()):
        acc = np.asarray(acc, dtype=float)
        if acc.ndim != 2 or acc.shape[1] != lengths.size:
            raise ValueError(f"accuracies[{label!r}] must have shape (seeds, {lengths.size}), "
                             f"got {acc.shape}")
        x = lengths * (1 + dodge) ** i
        ax.plot(x, np.median(acc, axis=0), "o-", color=f"C{i}", label=f"{label}: median")
        ax.plot(x, acc.min(axis=0), "s--", color=f"C{i}", alpha=0.7,
                label=f"{label}: worst seed")
    ax.axhline(0.5, color="gray", lw=1, ls=":", label="chance")
    ax.set(xscale="log", xlabel="test length (bits)", ylabel="final-step accuracy",
           ylim=(0.4, 1.02))
    ax.legend(fontsize=8)
    return ax


def accuracy_vs_bits(num_bits: Sequence[int], acc, ax=None):
    """Accuracy of feed-forward nets against the number of bits of the parity (notebook 06)."""
    num_bits = np.asarray(num_bits)
    acc = np.asarray(acc, dtype=float)
    if acc.shape != num_bits.shape:
        raise ValueError(f"acc must have one value per entry of num_bits ({num_bits.size}), "
                         f"got shape {acc.shape}")
    ax = _axes(ax, (6, 3))
    ax.plot(num_bits, acc, "o-")
    ax.axhline(0.5, color="gray", lw=1, ls=":", label="chance")
    ax.set(xlabel="number of bits n", ylabel="test accuracy", ylim=(0.4, 1.02))
    ax.legend(fontsize=8)
    return ax
