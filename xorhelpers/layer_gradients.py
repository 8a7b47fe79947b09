"""How fast each layer learns: the gradient of every layer of many stacked networks (notebook 03).

``layer_gradients`` runs the backward pass of stacked networks (as ``SweepResult.stacked_weights``
gives them: one leading model axis) on the four XOR points and returns each layer's gradient.
``layer_norms`` turns per-layer arrays (gradients, or weight changes between two checkpoints)
into one norm per network and layer. Notebook 03 uses them to draw, layer by layer, the
gradients of case D's sigmoid stack beside its ReLU twin (vanishing gradients, as in Nielsen's
chapter 5) and how far Adam actually moves each layer's weights. The maths is
``xorhelpers.maths``': its forward pass, the activations' slopes and the losses' slopes.
"""

from __future__ import annotations

import numpy as np

from . import maths
from ._weights import as_pairs
from .data import truth_table


def layer_gradients(weights, activation: str, loss: str = "mse", X=None, y=None
                    ) -> list[tuple[np.ndarray, np.ndarray]]:
    """The gradient of the mean ``loss`` over the points with respect to every layer's weights.

    ``weights``: a list of (W, b) per layer with a leading model axis, W (M, in, out) and
    b (M, out), hidden layers with ``activation`` (one of ``maths.ACTIVATIONS``) and a sigmoid
    output unit (the networks of ``xorhelpers.sweep``); ``loss`` one of ``maths.LOSSES``.
    ``X``, ``y``: the points, default the four XOR points. Returns a list of (dW, db) per
    layer, shaped like ``weights``, in float64 (as Keras computes the same loss in float32:
    within float32 rounding of it). The forward pass is ``maths.forward``; the activations'
    slopes and the loss' slope at the logit are the registry's.
    """
    record = maths.activation(activation)
    start = maths.loss(loss)
    layers = [(np.asarray(W, float), np.asarray(b, float)) for W, b in _stacked(weights)]
    if X is None and y is None:
        X, y = truth_table()
    if X is None or y is None:
        raise ValueError("give both X and y, or neither (the four XOR points)")
    X = np.asarray(X, float)
    y = np.asarray(y, float).reshape(-1)
    if X.ndim != 2 or X.shape[1] != layers[0][0].shape[1] or len(y) != len(X):
        raise ValueError(f"X must be (n, {layers[0][0].shape[1]}) with one y per row, got "
                         f"X {X.shape} and y {y.shape}")
    p, passes = maths.forward(layers, X, activation, "sigmoid")  # p (M, n, 1)
    dZ = start.logit_slope(p, y[None, :, None]) / len(X)
    grads = []
    for k in range(len(layers) - 1, -1, -1):
        A_prev = np.broadcast_to(passes[k].A_prev, (len(p), *passes[k].A_prev.shape[-2:]))
        grads.append((np.swapaxes(A_prev, 1, 2) @ dZ, dZ.sum(axis=1)))
        if k:
            dZ = (dZ @ np.swapaxes(layers[k][0], 1, 2)) * record.slope(passes[k - 1].Z,
                                                                       passes[k - 1].A)
    return grads[::-1]


def layer_norms(per_layer) -> np.ndarray:
    """The norm of each layer's kernel, per network: (layers, M) from a list of (W, b) per
    layer with a model axis (gradients, or the change of the weights between two times)."""
    return np.array([np.sqrt((np.asarray(W, float) ** 2).sum(axis=(1, 2)))
                     for W, _ in _stacked(per_layer, "per_layer")])


def _stacked(weights, name: str = "weights") -> list[tuple[np.ndarray, np.ndarray]]:
    layers = as_pairs(weights, name)
    for k, (W, b) in enumerate(layers):
        W, b = np.asarray(W), np.asarray(b)
        if W.ndim != 3 or b.ndim != 2 or b.shape != (W.shape[0], W.shape[2]):
            raise ValueError(f"{name}[{k}] must be (W (M, in, out), b (M, out)) with a model "
                             f"axis, got shapes {W.shape} and {b.shape}")
        if k and W.shape[1] != layers[k - 1][0].shape[2]:
            raise ValueError(f"{name}[{k}] takes {W.shape[1]} inputs but layer {k - 1} has "
                             f"{np.asarray(layers[k - 1][0]).shape[2]} units")
    if np.asarray(layers[-1][0]).shape[2] != 1:
        raise ValueError(f"the last layer of {name} must have one output unit")
    return layers
