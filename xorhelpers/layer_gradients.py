"""How fast each layer learns: the gradient of every layer of many stacked networks (notebook 03).

``layer_gradients`` runs the backward pass of stacked networks (as ``SweepResult.stacked_weights``
gives them: one leading model axis) on the four XOR points and returns each layer's gradient.
``layer_norms`` turns per-layer arrays (gradients, or weight changes between two checkpoints)
into one norm per network and layer. Notebook 03 uses them to draw, layer by layer, the
gradients of case D's sigmoid stack beside its ReLU twin (vanishing gradients, as in Nielsen's
chapter 5) and how far Adam actually moves each layer's weights.
"""

from __future__ import annotations

import numpy as np

from ._check import check_choice
from ._weights import as_pairs
from .data import truth_table

ACTIVATIONS = ("relu", "leaky_relu", "sigmoid", "tanh", "linear")
LOSSES = ("mse", "binary_crossentropy")
LEAKY_SLOPE = 0.2  # Keras' leaky_relu


def _value_and_slope(activation: str, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if activation == "relu":
        return np.maximum(Z, 0.0), (Z > 0).astype(Z.dtype)
    if activation == "leaky_relu":
        slope = np.where(Z > 0, 1.0, LEAKY_SLOPE)
        return Z * slope, slope
    if activation == "sigmoid":
        A = 1.0 / (1.0 + np.exp(-Z))
        return A, A * (1.0 - A)
    if activation == "tanh":
        A = np.tanh(Z)
        return A, 1.0 - A * A
    return Z.copy(), np.ones_like(Z)


def layer_gradients(weights, activation: str, loss: str = "mse", X=None, y=None
                    ) -> list[tuple[np.ndarray, np.ndarray]]:
    """The gradient of the mean ``loss`` over the points with respect to every layer's weights.

    ``weights``: a list of (W, b) per layer with a leading model axis, W (M, in, out) and
    b (M, out), hidden layers with ``activation`` and a sigmoid output unit (the networks of
    ``xorhelpers.sweep``). ``X``, ``y``: the points, default the four XOR points. Returns a
    list of (dW, db) per layer, shaped like ``weights``, in float64 (as Keras computes the
    same loss in float32: within float32 rounding of it).
    """
    check_choice("activation", activation, ACTIVATIONS)
    check_choice("loss", loss, LOSSES)
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
    M, n = layers[0][0].shape[0], len(X)
    A, inputs, slopes = np.broadcast_to(X, (M, n, X.shape[1])), [], []
    for W, b in layers[:-1]:
        inputs.append(A)
        A, slope = _value_and_slope(activation, A @ W + b[:, None, :])
        slopes.append(slope)
    inputs.append(A)
    W, b = layers[-1]
    p = 1.0 / (1.0 + np.exp(-(A @ W + b[:, None, :])))  # (M, n, 1)
    target = y[None, :, None]
    dZ = (p - target) / n if loss == "binary_crossentropy" else \
        2.0 * (p - target) * p * (1.0 - p) / n
    grads = []
    for k in range(len(layers) - 1, -1, -1):
        grads.append((np.swapaxes(inputs[k], 1, 2) @ dZ, dZ.sum(axis=1)))
        if k:
            dZ = (dZ @ np.swapaxes(layers[k][0], 1, 2)) * slopes[k - 1]
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
