"""Two checks of ``xorhelpers.architectures.doctor`` about what the output can know of its input
(notebook 05): a model with no nonlinearity between its inputs and its output (one
hyperplane, so it cannot separate XOR), and an output that is nearly the same for every row
of the batch (it ignores its input: the best it can do is the label rate, loss ln 2 on
balanced 0/1 labels).
"""

from __future__ import annotations

import math

import numpy as np

from .. import maths
from .._tf import keras
from .doctor_checks import Finding, Patient, activation_name, layer_dead, op_inputs, producer

# output activations that never decrease: a threshold on them is a threshold on their input
MONOTONE = ("linear", "sigmoid", "tanh", "relu", "softplus", "softsign", "hard_sigmoid", "elu",
            "leaky_relu", "selu", "exponential")
LINEAR_OPS = (keras.layers.InputLayer, keras.layers.Concatenate, keras.layers.Flatten,
              keras.layers.Reshape, keras.layers.Permute, keras.layers.Add,
              keras.layers.Subtract, keras.layers.Average, keras.layers.Dropout,
              keras.layers.Identity, keras.layers.RepeatVector)
MAX_FEATURES = 256  # the linear fit is skipped for wider inputs
IGNORES = 1e-3  # an output spread below this share of the label range ignores its input


def _is_linear_graph(p: Patient) -> bool:
    """True when every operation between the inputs and the output is linear, apart from
    the output layer's own activation (and Activation layers right after it)."""
    out_layer = p.graph.output_layer
    if out_layer is None:
        return False
    stack, seen = [p.graph.output], set()
    while stack:
        op = producer(stack.pop())
        if id(op) in seen:
            continue
        seen.add(id(op))
        if op is out_layer:
            pass
        elif isinstance(op, keras.layers.Dense):
            if activation_name(op) != "linear":
                return False
        elif isinstance(op, keras.layers.Activation):
            if activation_name(op) != "linear" and not _after_output(p, op):
                return False
        elif not isinstance(op, LINEAR_OPS):
            return False  # an operation the doctor cannot vouch for
        stack += op_inputs(op)
    return activation_name(out_layer) in MONOTONE


def _after_output(p: Patient, op) -> bool:
    """True when ``op`` lies between the output Dense layer and the model's output."""
    node = producer(p.graph.output)
    while node is not p.graph.output_layer:
        if node is op:
            return True
        inputs = op_inputs(node)
        if len(inputs) != 1:
            return False
        node = producer(inputs[0])
    return False


def best_linear_fit(F: np.ndarray, y: np.ndarray, iterations: int = 100,
                    ridge: float = 1e-6) -> tuple[float, float]:
    """The lowest binary cross-entropy any sigmoid(w . f + b) reaches on features ``F``
    (n, d) and 0/1 labels ``y`` (n,), found by Newton's method on this convex loss, and the
    accuracy at that fit: (loss, accuracy). A tiny ``ridge`` keeps it finite on separable
    data (where the accuracy reaches 1)."""
    F = np.asarray(F, np.float64)
    y = np.asarray(y, np.float64).reshape(-1)
    if F.ndim != 2 or len(F) != len(y):
        raise ValueError(f"F must have shape (n, d) with n = len(y) = {len(y)}, got {F.shape}")
    Z = np.concatenate([F, np.ones((len(F), 1))], axis=1)
    w = np.zeros(Z.shape[1])
    bce, sigmoid = maths.loss("binary_crossentropy"), maths.activation("sigmoid")
    for _ in range(iterations):
        z = Z @ w
        q = sigmoid.value(z)
        grad = Z.T @ bce.logit_slope(q, y) / len(y) + ridge * w
        hess = (Z.T * sigmoid.slope(z, q)) @ Z / len(y) + ridge * np.eye(len(w))
        w = w - np.linalg.solve(hess, grad)
    z = Z @ w
    loss = float(np.mean(maths.bce_with_logits(z, y)))
    return loss, float(((z > 0) == (y > 0.5)).mean())


def check_linear(p: Patient) -> list[Finding]:
    """NO_HIDDEN_NONLINEARITY: no layer between the inputs and the output applies a
    nonlinearity, so each output is a monotone function of one linear combination of the
    inputs; reported when no such function gets every row of this batch's 0/1 labels right."""
    if p.loss_kind not in ("bce", "bce_logits", "mse") or not _is_linear_graph(p):
        return []
    labels = p.y.reshape(p.n, -1)
    if labels.shape[1] != 1 or not np.isin(labels, (0.0, 1.0)).all():
        return []
    F = np.concatenate([np.asarray(x, np.float64).reshape(p.n, -1) for x in p.X], axis=1)
    if F.shape[1] > MAX_FEATURES:
        return []
    loss, accuracy = best_linear_fit(F, labels[:, 0])
    if accuracy >= 1.0:
        return []
    q = float(labels.mean())
    constant = -(q * math.log(q) + (1 - q) * math.log(1 - q)) if 0 < q < 1 else 0.0
    blocked = loss >= constant - 0.01
    layer = p.graph.output_layer
    return [Finding(
        "NO_HIDDEN_NONLINEARITY", layer.name, "error" if blocked else "warning",
        f"no layer between the inputs and the output applies a nonlinearity (the output's "
        f"{activation_name(layer)} only bends one linear combination of the inputs), so the "
        f"model separates its inputs by one hyperplane; on this batch the hyperplane of lowest "
        f"cross-entropy (a logistic regression fitted here) gets {accuracy:.0%} right at loss "
        f"{loss:.3f}, "
        f"against {constant:.3f} for the best constant prediction"
        + (": it can learn nothing beyond the label rate" if blocked else ""),
        "add a hidden layer with a nonlinear activation between the inputs and the output, "
        "e.g. Dense(4, activation='tanh')",
        dict(best_loss=loss, best_accuracy=accuracy, constant_loss=constant))]


def check_constant_output(p: Patient) -> list[Finding]:
    """OUTPUT_IGNORES_INPUT: over the batch's distinct inputs the output varies by less than
    1/1000 of the labels' range: whatever the input, the model gives (nearly) one answer."""
    layer = p.graph.output_layer
    rows = np.concatenate([np.asarray(x, np.float64).reshape(p.n, -1) for x in p.X], axis=1)
    label_range = float(p.y.max() - p.y.min())
    if layer is None or label_range == 0 or len(np.unique(rows.round(6), axis=0)) < 2:
        return []
    if p.graph.output_activation == "softmax" and p.output.shape[-1] == 1:
        return []  # SOFTMAX_ONE_UNIT's finding
    if any(layer_dead(activation_name(d), p.Z[d.name]) for d in p.graph.dense):
        return []  # a ReLU layer off on every row: DEAD_UNITS' or OUTPUT_LOSS_MISMATCH's finding
    out = p.output.reshape(p.n, -1)
    if p.loss_kind == "bce_logits":
        out = maths.sigmoid(out)
    spread = float((out.max(axis=0) - out.min(axis=0)).max())
    if spread >= IGNORES * label_range:
        return []
    return [Finding(
        "OUTPUT_IGNORES_INPUT", layer.name, "warning",
        f"over this batch the output varies by {spread:.2g} (it lies in "
        f"[{out.min():.4g}, {out.max():.4g}]) for labels spanning {label_range:g}: it gives "
        "nearly the same answer whatever the input. Training first moves that answer to the "
        "label rate (loss ln 2 on balanced 0/1 labels) and can sit there: at a constant "
        "output equal to the label rate the rows' gradients cancel, up to their small "
        "differences",
        "make the input reach the output: look at the width-1 layers, chains of sigmoids and "
        "dead units named above, or change the initialisation",
        dict(spread=spread, label_range=label_range))]
