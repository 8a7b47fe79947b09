"""The gates of a parity LSTM, step by step, and a picture of them over one bit string
(notebook 06).

``lstm_gates`` runs the LSTM's equations in NumPy with a trained model's weights and keeps
every gate at every step: the input gate ``i``, the forget gate ``f``, the output gate ``o``
and the candidate ``g``, with the cell state ``c`` and the output ``h`` they make. It is the
recurrence of ``evaluate.steps`` with the gates kept, and agrees with ``rnn_states``.
``gate_traces`` draws them over one bit string.
"""

from __future__ import annotations

import numpy as np

from .evaluate import _check_inputs, lstm_step, model_weights

GATES = ("i", "f", "o", "g")
_LABELS = {"i": "input gate i", "f": "forget gate f", "o": "output gate o",
           "g": "candidate g", "h": "output h"}


def lstm_gates(model, X) -> dict[str, np.ndarray]:
    """Every gate of a parity LSTM at every step of ``X`` (n, length, inputs) (notebook 06).

    Returns a dict of arrays of shape (n, length, units): ``"i"``, ``"f"``, ``"o"`` (sigmoids,
    in (0, 1)), ``"g"`` (tanh, in (-1, 1)), and ``"c"``, ``"h"`` after each step, with
    c_t = f_t c_{t-1} + i_t g_t and h_t = o_t tanh(c_t).
    """
    cell, (K, R, b), _ = model_weights(model)
    if cell != "lstm":
        raise ValueError(f"model must be an LSTM parity model, got a {cell.upper()}")
    X = _check_inputs(model, X)
    h = np.zeros((1, len(X), R.shape[-2]), np.float32)
    c = np.zeros_like(h)
    out = {k: [] for k in (*GATES, "c", "h")}
    for t in range(X.shape[1]):
        i, f, g, o, c, h = lstm_step(K, R, b[:, None, :], X[:, t], h, c)
        for k, v in zip((*GATES, "c", "h"), (i, f, o, g, c, h), strict=True):
            out[k].append(v[0])
    return {k: np.stack(v, axis=1) for k, v in out.items()}


def gate_traces(model, bits, ax=None, title: str | None = None, unit: int = 0,
                show: tuple[str, ...] = ("f", "i", "h")):
    """Draw the gates of one LSTM unit over one bit string (notebook 06).

    ``bits`` is a 1-D sequence of 0/1, fed with its complement when the model reads
    ``[b, 1-b]``. Draws the series named in ``show`` (any of "i", "f", "o", "g", "h"; by
    default the forget gate, the input gate and the output h) after every bit, over the running
    parity (grey steps), with the 1-bits marked along the bottom. Returns the Axes.
    """
    import matplotlib.pyplot as plt

    bits = np.asarray(bits)
    if bits.ndim != 1 or bits.size == 0 or not np.isin(bits, (0, 1)).all():
        raise ValueError(f"bits must be a non-empty 1-D sequence of 0/1, got {bits!r}")
    if (isinstance(show, str) or not isinstance(show, (tuple, list)) or not show
            or not set(show) <= set(_LABELS)):
        raise ValueError(f"show must be a non-empty tuple of names from {tuple(_LABELS)}, got "
                         f"{show!r}")
    X = bits[None, :, None].astype(np.float32)
    if int(model.input.shape[-1]) == 2:
        X = np.concatenate([X, 1 - X], axis=-1)
    gates = lstm_gates(model, X)
    units = gates["h"].shape[-1]
    if not isinstance(unit, (int, np.integer)) or not 0 <= unit < units:
        raise ValueError(f"unit must be an integer in 0..{units - 1}, got {unit!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3))
    t = np.arange(1, bits.size + 1)
    ax.step(t, np.cumsum(bits) % 2, where="mid", color="0.8", lw=6, label="running parity")
    styles = {"i": "C0-", "f": "C1-", "o": "C2-", "g": "C3--", "h": "k:"}
    for k in show:
        ax.plot(t, gates[k][0, :, unit], styles[k], marker="o", ms=3, lw=1.4, label=_LABELS[k])
    ones = t[bits == 1]
    ax.plot(ones, np.full(ones.size, -1.15), "|", color="k", ms=10, label="bit = 1")
    ax.set(xlabel="step (bits read)", ylabel="value", ylim=(-1.25, 1.1), title=title)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return ax
