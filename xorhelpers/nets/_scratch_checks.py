"""Checked inputs of ``xorhelpers.nets.scratch``, kept apart so that the network's own code stays
short enough to read in one sitting; ``scratch`` is their only user. Every error names the
argument, the value and what is allowed."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._check import check_choice, check_int
from ..maths import ACTIVATIONS, LOSSES

INITS = ("normal", "he_normal", "glorot_uniform")
__all__ = ["ACTIVATIONS", "INITS", "LOSSES", "as_activations", "as_inputs", "as_sizes",
           "as_targets", "check_names", "validate_net"]


def validate_net(net) -> None:
    if not isinstance(net.weights, list) or not isinstance(net.biases, list) or not net.weights:
        raise TypeError("weights and biases must be non-empty lists of arrays")
    net.weights = [_as_float_array(f"weights[{k}]", W) for k, W in enumerate(net.weights)]
    net.biases = [_as_float_array(f"biases[{k}]", b) for k, b in enumerate(net.biases)]
    if len(net.weights) != len(net.biases):
        raise ValueError(f"weights and biases must have one entry per layer, got "
                         f"{len(net.weights)} and {len(net.biases)}")
    if isinstance(net.activations, str):
        raise TypeError(f"activations must list one name per layer, got {net.activations!r}")
    net.activations = as_activations(net.activations, len(net.weights), None)
    check_choice("loss", net.loss, LOSSES)
    if net.loss == "binary_crossentropy" and net.activations[-1] != "sigmoid":
        raise ValueError("loss='binary_crossentropy' needs a sigmoid output activation, got "
                         f"{net.activations[-1]!r}; use loss='mse' for other outputs")
    if not callable(net.relu_grad):
        raise TypeError(f"relu_grad must be a function (Z, A) -> slope, got {net.relu_grad!r}")
    lead = net.weights[0].shape[:-2]
    fan_in = net.weights[0].shape[-2]
    for k, (W, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        if not isinstance(W, np.ndarray) or W.ndim not in (2, 3) or W.shape[:-2] != lead:
            raise ValueError(f"weights[{k}] must be an array (fan_in, fan_out), or "
                             f"(M, fan_in, fan_out) like the others; got "
                             f"{getattr(W, 'shape', W)!r}")
        if W.shape[-2] != fan_in:
            raise ValueError(f"weights[{k}] takes {W.shape[-2]} inputs but the layer before "
                             f"gives {fan_in}")
        if not isinstance(b, np.ndarray) or b.shape != (*lead, 1, W.shape[-1]):
            raise ValueError(f"biases[{k}] must have shape {(*lead, 1, W.shape[-1])}, got "
                             f"{getattr(b, 'shape', b)!r}")
        fan_in = W.shape[-1]


def _as_float_array(name: str, value) -> np.ndarray:
    """``value`` (an array or nested lists of numbers) as a float64 array: the same array when
    it is one already, a float copy of integer arrays, so that training can update it."""
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        return value
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers (or nested lists of them), got "
                        f"{type(value).__name__}") from exc
    return arr


def check_names(net) -> None:
    """The activation names of a Net, checked once at a public entry point: the layers of the
    loops inside then use them unchecked. (A Net's fields can be reassigned after it is built.)"""
    if isinstance(net.activations, str) or len(net.activations) != len(net.weights):
        raise ValueError(f"activations must list one name per layer ({len(net.weights)}), got "
                         f"{net.activations!r}")
    for i, name in enumerate(net.activations):
        check_choice(f"activations[{i}]", name, ACTIVATIONS)


def as_sizes(layer_sizes) -> tuple[int, ...]:
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
        raise TypeError(f"layer_sizes must be a sequence of integers, got {layer_sizes!r}")
    if len(layer_sizes) < 2:
        raise ValueError(f"layer_sizes must list at least an input and an output size, got "
                         f"{layer_sizes!r}")
    return tuple(check_int(f"layer_sizes[{i}]", s, low=1, high=100_000)
                 for i, s in enumerate(layer_sizes))


def as_activations(activations, n_layers: int, output_activation) -> tuple[str, ...]:
    if isinstance(activations, str):
        check_choice("activations", activations, ACTIVATIONS)
        check_choice("output_activation", output_activation, ACTIVATIONS)
        return (activations,) * (n_layers - 1) + (output_activation,)
    if not isinstance(activations, Sequence) or len(activations) != n_layers:
        raise ValueError(f"activations must be one name or a list of {n_layers} names (one per "
                         f"layer, the output's last), got {activations!r}")
    return tuple(check_choice(f"activations[{i}]", a, ACTIVATIONS)
                 for i, a in enumerate(activations))


def as_inputs(net, X) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    fan_in = net.layer_sizes[0]
    if X.ndim != 2 or X.shape[1] != fan_in or len(X) == 0:
        raise ValueError(f"X must have shape (n, {fan_in}) with n >= 1, got shape {X.shape}")
    return X


def as_targets(X, y, loss: str | None = None) -> np.ndarray:
    """``y`` as a column of floats, one per row of ``X``; finite, and within [0, 1] (the only
    targets a probability can reach) when ``loss`` is binary cross-entropy."""
    n = len(np.asarray(X))
    try:
        Y = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"y must be an array of numbers, got {type(y).__name__}") from exc
    if Y.shape not in ((n,), (n, 1)) or n == 0:
        raise ValueError(f"y must have shape ({n},), one target per row of X; got shape "
                         f"{Y.shape}")
    if not np.isfinite(Y).all():
        raise ValueError("y must hold finite numbers only, got NaN or inf")
    if loss == "binary_crossentropy" and ((Y < 0) | (Y > 1)).any():
        raise ValueError(f"y must lie in [0, 1] (labels 0 and 1) with "
                         f"loss='binary_crossentropy', got values from {Y.min():g} to "
                         f"{Y.max():g}; encode the labels as 0/1 or use loss='mse'")
    return Y.reshape(n, 1)
