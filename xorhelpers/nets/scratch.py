"""A multilayer perceptron from scratch in NumPy: forward, backward, a gradient step, and a
gradient check against finite differences (notebook 04).

Everything a framework hides is spelled out here, one line of maths per line of code:

    forward:   Z_l = A_{l-1} @ W_l + b_l,   A_l = act_l(Z_l),   A_0 = X
    backward:  dZ_l = dA_l * act_l'(Z_l),   dW_l = A_{l-1}^T @ dZ_l,   db_l = sum of dZ_l,
               dA_{l-1} = dZ_l @ W_l^T

A ``Net`` is just its weights, its activations, its loss and the function it uses as the
derivative of ReLU. That last one is pluggable so that a wrong derivative, such as case E's
(``case_e.buggy_relu_derivative``, computed from the activation as ``A >= 0``, true everywhere), can
be put in and caught by ``gradient_check``.

Several networks of one architecture can live in one ``Net``: give every weight a leading
"models" axis, W of shape (M, fan_in, fan_out) and b of shape (M, 1, fan_out). The same code
then trains all M at once through NumPy's broadcasting matrix product; nothing flows between
them, and losses come out per network, shape (M,).

Every matrix product goes through ``matmul`` (``maths.matmul`` unchecked, in the training loop),
which is ``A @ B`` computed by ``np.einsum`` rather than by the BLAS library: BLAS picks a
different kernel (and so a different rounding) on each processor, and a chaotic training run
that ends one ulp apart can end on the other side of "solved". ``matmul`` gives the same
numbers whichever BLAS kernel the processor gets.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .. import maths
from .._check import check_choice, check_float, check_int, check_seed
from .._weights import as_pairs
from ._scratch_checks import (
    ACTIVATIONS,
    INITS,
    LOSSES,
    as_activations,
    as_inputs,
    as_sizes,
    as_targets,
    check_names,
    validate_net,
)

# ------------------------------------------------------------------ activations and slopes

def matmul(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``A @ B`` (broadcasting over leading axes) computed by NumPy's own summation loop, so
    its rounding does not depend on the processor-specific BLAS kernel (notebook 04)."""
    A, B = np.asarray(A), np.asarray(B)
    if A.ndim < 2 or B.ndim < 2 or A.shape[-1] != B.shape[-2]:
        raise ValueError(f"matmul needs A (..., n, k) and B (..., k, m) with matching k; "
                         f"got A {A.shape} and B {B.shape}")
    return maths.matmul(A, B)


def activate(name: str, Z: np.ndarray) -> np.ndarray:
    """The activation ``name`` applied to the pre-activations ``Z`` (notebook 04);
    ``maths.activate``."""
    return maths.activate(check_choice("name", name, ACTIVATIONS), Z)


def relu_derivative(Z: np.ndarray, A: np.ndarray) -> np.ndarray:
    """The derivative of ReLU: 1 where the unit's input Z is positive, else 0 (notebook 04)."""
    return maths.REGISTRY["relu"].slope(Z, A)


def slope(name: str, Z: np.ndarray, A: np.ndarray,
          relu_grad: Callable[[np.ndarray, np.ndarray], np.ndarray] = relu_derivative
          ) -> np.ndarray:
    """d act / d Z for activation ``name`` at ``Z`` (with ``A = act(Z)``); ReLU uses
    ``relu_grad`` (notebook 04)."""
    return _slope(check_choice("name", name, ACTIVATIONS), Z, A, relu_grad)


def _slope(name: str, Z: np.ndarray, A: np.ndarray,
           relu_grad: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """``slope`` without the name check, for the layers of a Net checked at the door."""
    if name == "relu":
        return relu_grad(Z, A)
    return maths.REGISTRY[name].slope(Z, A)


# ------------------------------------------------------------------------------- the net

@dataclass
class Net:
    """A multilayer perceptron: weights, activations, loss, and its ReLU derivative.

    - ``weights``: W of each layer, shape (fan_in, fan_out), or (M, fan_in, fan_out) for M nets.
    - ``biases``: b of each layer as a row, shape (1, fan_out), or (M, 1, fan_out).
    - ``activations``: one name per layer, the last one the output's.
    - ``loss``: "binary_crossentropy" (needs a sigmoid output) or "mse", a mean over examples.
    - ``relu_grad``: the function used as ReLU's derivative, ``relu_derivative`` unless you
      plug in another one (such as case E's ``case_e.buggy_relu_derivative``).

    Build one with ``init_net`` or ``from_weights``. Introduced in notebook 04.
    """

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    activations: tuple[str, ...]
    loss: str = "binary_crossentropy"
    relu_grad: Callable[[np.ndarray, np.ndarray], np.ndarray] = field(default=relu_derivative)

    def __post_init__(self):
        validate_net(self)

    @property
    def n_models(self) -> int | None:
        """M when the weights carry a leading models axis, else None."""
        return None if self.weights[0].ndim == 2 else self.weights[0].shape[0]

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Sizes from input to output, e.g. (2, 3, 3, 1)."""
        return (self.weights[0].shape[-2], *(W.shape[-1] for W in self.weights))

    def copy(self) -> Net:
        """An independent copy (training one does not change the other)."""
        return Net([W.copy() for W in self.weights], [b.copy() for b in self.biases],
                   self.activations, self.loss, self.relu_grad)


def init_net(layer_sizes: Sequence[int], activations: Sequence[str] | str = "relu",
             init: str = "he_normal", scale: float | None = None,
             loss: str = "binary_crossentropy", seed: int = 0, n_models: int | None = None,
             bias_scale: float = 0.0, output_activation: str = "sigmoid",
             relu_grad: Callable = relu_derivative) -> Net:
    """A freshly initialised ``Net`` (notebook 04).

    ``layer_sizes`` runs from input to output, e.g. (2, 3, 3, 1). ``activations`` is one name
    for all hidden layers (the output gets ``output_activation``) or a list with one name per
    layer including the output. ``init``: "normal" draws N(0, 1) * ``scale`` (case E uses scale
    0.001), "he_normal" N(0, 2 / fan_in), "glorot_uniform" U(-a, a) with a = sqrt(6 / (fan_in +
    fan_out)). Biases are 0, or N(0, 1) * ``bias_scale``. With ``n_models`` = M, draws M nets at
    once (weights with a leading models axis). Returns the Net.
    """
    sizes = as_sizes(layer_sizes)
    acts = as_activations(activations, len(sizes) - 1, output_activation)
    check_choice("init", init, INITS)
    if init == "normal":
        if scale is None:
            raise ValueError("scale is required with init='normal' (the std of the weights), "
                             "got None")
        scale = check_float("scale", scale, low=0.0, low_open=True)
    elif scale is not None:
        raise ValueError(f"scale must be None with init={init!r}, got {scale!r}")
    bias_scale = check_float("bias_scale", bias_scale, low=0.0)
    if n_models is not None:
        n_models = check_int("n_models", n_models, low=1)
    gen = np.random.default_rng(check_seed("seed", seed))
    lead = () if n_models is None else (n_models,)
    weights, biases = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        shape = (*lead, fan_in, fan_out)
        if init == "normal":
            W = scale * gen.standard_normal(shape)
        elif init == "he_normal":
            W = math.sqrt(2 / fan_in) * gen.standard_normal(shape)
        else:
            limit = math.sqrt(6 / (fan_in + fan_out))
            W = gen.uniform(-limit, limit, shape)
        weights.append(W)
        biases.append(bias_scale * gen.standard_normal((*lead, 1, fan_out)))
    return Net(weights, biases, acts, check_choice("loss", loss, LOSSES), relu_grad)


def from_weights(weights, activations: Sequence[str] | str = "relu",
                 loss: str = "binary_crossentropy", output_activation: str = "sigmoid",
                 relu_grad: Callable = relu_derivative) -> Net:
    """A ``Net`` with given weights: a list of (W, b) per layer (notebook 04).

    W is (fan_in, fan_out) and b (fan_out,), as Keras' ``get_weights`` gives them, or both with a
    leading models axis, W (M, fan_in, fan_out) and b (M, fan_out), as
    ``SweepResult.stacked_weights`` gives them. The arrays are copied as float64.
    """
    Ws, bs = [], []
    for k, (W, b) in enumerate(as_pairs(weights)):
        if W.ndim not in (2, 3) or b.shape != (*W.shape[:-2], W.shape[-1]):
            raise ValueError(f"weights[{k}] must be W (fan_in, fan_out) with b (fan_out,), or "
                             f"W (M, fan_in, fan_out) with b (M, fan_out); got W {W.shape} and "
                             f"b {b.shape}")
        Ws.append(W)
        bs.append(b[..., None, :])
    acts = as_activations(activations, len(Ws), output_activation)
    return Net(Ws, bs, acts, check_choice("loss", loss, LOSSES), relu_grad)


# ----------------------------------------------------------------- forward and backward

def forward(net: Net, X) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """Run the net on ``X`` (n, fan_in). Returns ``(output, cache)`` (notebook 04).

    ``output`` is (n, 1), or (M, n, 1) for M nets. ``cache`` holds, per layer, the triple
    (A_prev, Z, A) that the backward pass needs (a ``maths.Layer``). This is
    ``maths.forward``, the package's one forward pass, on the net's weights: the formula
    above, written out once.
    """
    check_names(net)
    return _forward(net, as_inputs(net, X))


def _forward(net: Net, A: np.ndarray):
    """``forward`` on inputs already checked (float64, shape (n, fan_in)): ``maths.forward``
    on the net's weights (its biases are rows, (..., 1, fan_out))."""
    weights = [(W, b[..., 0, :]) for W, b in zip(net.weights, net.biases, strict=True)]
    return maths.forward(weights, A, net.activations[:-1], net.activations[-1])


def predict(net: Net, X) -> np.ndarray:
    """The net's outputs on ``X`` as shape (n,), or (M, n) for M nets (notebook 04)."""
    output, _ = forward(net, X)
    return output[..., 0]


def loss_value(net: Net, X, y) -> float | np.ndarray:
    """The mean loss over the examples: a float, or shape (M,) for M nets (notebook 04)."""
    Y = as_targets(X, y, net.loss)
    check_names(net)
    return _loss(net, as_inputs(net, X), Y)


def _loss(net: Net, X: np.ndarray, Y: np.ndarray):
    """``loss_value`` on inputs and targets already checked."""
    output, cache = _forward(net, X)
    return _loss_from(net, cache[-1][1], output, Y)


def _loss_from(net, Z_out, output, Y):
    if net.loss == "binary_crossentropy":
        per_example = maths.bce_with_logits(Z_out, Y)  # from the logit: no log sees a 0
    else:
        per_example = maths.squared_error(output, Y)
    value = per_example.mean(axis=(-2, -1))
    return float(value) if np.ndim(value) == 0 else value


def backward(net: Net, X, y) -> list[tuple[np.ndarray, np.ndarray]]:
    """Gradients of the loss with respect to every weight: a list of (dW, db) per layer,
    shaped like the weights (notebook 04). For M nets, each net's own gradient."""
    Y = as_targets(X, y, net.loss)
    check_names(net)
    return _backward(net, as_inputs(net, X), Y)


def _backward(net: Net, X: np.ndarray, Y: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """``backward`` on inputs and targets already checked."""
    output, cache = _forward(net, X)
    n = Y.shape[0]
    _, Z_out, A_out = cache[-1]
    if net.loss == "binary_crossentropy":  # d loss / d Z of a sigmoid output
        dZ = maths.LOSS_REGISTRY["binary_crossentropy"].logit_slope(A_out, Y) / n
    else:                                  # d loss / d output of the mean squared error
        dA = maths.squared_error_slope(A_out, Y) / n
        dZ = dA * _slope(net.activations[-1], Z_out, A_out, net.relu_grad)
    grads = []
    for layer in range(len(net.weights) - 1, -1, -1):
        A_prev, Z, A = cache[layer]
        if layer < len(net.weights) - 1:
            dZ = dA * _slope(net.activations[layer], Z, A, net.relu_grad)
        dW = maths.matmul(np.swapaxes(A_prev, -1, -2), dZ)
        db = dZ.sum(axis=-2, keepdims=True)
        grads.append((dW, db))
        dA = maths.matmul(dZ, np.swapaxes(net.weights[layer], -1, -2))
    return grads[::-1]


def gradient_step(net: Net, grads, lr: float) -> None:
    """Plain gradient descent, in place: W -= lr * dW, b -= lr * db (notebook 04)."""
    _gradient_step(net, grads, check_float("lr", lr, low=0.0, low_open=True))


def _gradient_step(net: Net, grads, lr: float) -> None:
    """``gradient_step`` with ``lr`` already checked, for the training loop."""
    for W, b, (dW, db) in zip(net.weights, net.biases, grads, strict=True):
        W -= lr * dW
        b -= lr * db


def train(net: Net, X, y, lr: float, num_steps: int, record_every: int = 1) -> np.ndarray:
    """Train ``net`` in place with ``num_steps`` full-batch gradient steps (notebook 04).

    Returns the loss before the first step and after every ``record_every`` steps: shape
    (num_steps // record_every + 1,), or (that, M) for M nets. A net whose weights become
    NaN or inf shows NaN there; ``diverged`` flags it.
    """
    lr = check_float("lr", lr, low=0.0, low_open=True)
    num_steps = check_int("num_steps", num_steps, low=1, high=10**7)
    record_every = check_int("record_every", record_every, low=1, high=num_steps)
    Y = as_targets(X, y, net.loss)
    check_names(net)
    X = as_inputs(net, X)
    losses = [_loss(net, X, Y)]
    with np.errstate(all="ignore"):
        for step in range(1, num_steps + 1):
            _gradient_step(net, _backward(net, X, Y), lr)
            if step % record_every == 0:
                losses.append(_loss(net, X, Y))
    return np.array(losses)


def diverged(net: Net) -> bool | np.ndarray:
    """True where a weight became NaN or inf: a bool, or shape (M,) for M nets."""
    bad = [~np.isfinite(W).reshape(*W.shape[:-2], -1).all(axis=-1) for W in net.weights]
    bad += [~np.isfinite(b).reshape(*b.shape[:-2], -1).all(axis=-1) for b in net.biases]
    out = np.any(bad, axis=0)
    return bool(out) if np.ndim(out) == 0 else out


def solved(net: Net, X, y, margin: float = 0.0) -> bool | np.ndarray:
    """True where the net puts every example on the right side of 0.5, by more than
    ``margin`` (``maths.solved``), and has not diverged: a bool, or shape (M,) for M nets
    (notebook 04).

    An output of exactly 0.5 is on neither side. With ``margin=0.1`` the 1s need outputs above
    0.6 and the 0s below 0.4, so that outputs stuck at 0.5 +- 1e-9 cannot pass by luck.
    """
    margin = check_float("margin", margin, low=0.0, high=0.5)
    Y = as_targets(X, y)[:, 0]
    with np.errstate(all="ignore"):
        right = maths.solved_fast(predict(net, X), Y, margin)
    out = right & ~diverged(net)
    return bool(out) if np.ndim(out) == 0 else out


# ------------------------------------------------------------------------ gradient check

def numerical_gradients(net: Net, X, y, eps: float = 1e-6) -> list[tuple[np.ndarray, np.ndarray]]:
    """Central finite differences (L(w + eps) - L(w - eps)) / (2 eps) for every weight, shaped
    like ``backward``'s result (notebook 04). Slow (two forward passes per weight): for checks."""
    eps = check_float("eps", eps, low=0.0, low_open=True)
    Y = as_targets(X, y, net.loss)
    check_names(net)
    X = as_inputs(net, X)
    probe = net.copy()
    grads = []
    for W, b in zip(probe.weights, probe.biases, strict=True):
        pair = []
        for P in (W, b):
            G = np.zeros_like(P)
            for i in np.ndindex(P.shape):
                saved = P[i]
                P[i] = saved + eps
                up = np.sum(_loss(probe, X, Y))
                P[i] = saved - eps
                down = np.sum(_loss(probe, X, Y))
                P[i] = saved
                G[i] = (up - down) / (2 * eps)
            pair.append(G)
        grads.append(tuple(pair))
    return grads


@dataclass(frozen=True)
class GradientCheck:
    """The result of ``gradient_check`` (notebook 04).

    ``relative_errors``: per layer, |g - g_num| / (|g| + |g_num|) over that layer's weights and
    biases (0 when both are 0). ``tolerance``: the largest error called agreement.
    ``smallest_relu_input``: the smallest |Z| of any ReLU unit on the data; finite differences
    across a kink (Z = 0) are meaningless, so a check is ``reliable`` only when this exceeds
    10 * eps. ``passed``: reliable and every layer agrees.
    """

    relative_errors: tuple[float, ...]
    layer_sizes: tuple[int, ...]
    activations: tuple[str, ...]
    tolerance: float
    eps: float
    smallest_relu_input: float

    @property
    def max_error(self) -> float:
        return max(self.relative_errors)

    @property
    def reliable(self) -> bool:
        return self.smallest_relu_input > 10 * self.eps

    @property
    def passed(self) -> bool:
        return self.reliable and self.max_error <= self.tolerance

    def __str__(self) -> str:
        lines = []
        for k, err in enumerate(self.relative_errors):
            shape = f"{self.layer_sizes[k]}->{self.layer_sizes[k + 1]}"
            if err <= self.tolerance:
                verdict = f"< {self.tolerance:.0e}  agrees"
            else:
                verdict = (f"{err:.2f}" if err >= 0.01 else f"{err:.0e}") + "  DISAGREES"
            lines.append(f"layer {k + 1} ({shape}, {self.activations[k]}): "
                         f"relative error {verdict}")
        if not self.reliable:
            lines.append("warning: a ReLU input sits at its kink (|Z| <= 10 eps); finite "
                         "differences are not meaningful there, check at another point")
        lines.append("gradient check " + ("passed" if self.passed else "FAILED"))
        return "\n".join(lines)


def gradient_check(net: Net, X, y, eps: float = 1e-6, tolerance: float = 1e-6) -> GradientCheck:
    """Compare ``backward`` with central finite differences (notebook 04).

    Returns a ``GradientCheck``; print it for a per-layer verdict. A correct backward pass in
    float64 agrees to ~1e-9; a wrong derivative gives errors of order 0.1 to 1.
    """
    eps = check_float("eps", eps, low=0.0, low_open=True)
    tolerance = check_float("tolerance", tolerance, low=0.0, low_open=True)
    analytic = backward(net, X, y)
    numeric = numerical_gradients(net, X, y, eps)
    errors = []
    for (dW, db), (nW, nb) in zip(analytic, numeric, strict=True):
        a = np.concatenate([dW.ravel(), db.ravel()])
        n = np.concatenate([nW.ravel(), nb.ravel()])
        denom = np.linalg.norm(a) + np.linalg.norm(n)
        errors.append(0.0 if denom == 0 else float(np.linalg.norm(a - n) / denom))
    _, cache = forward(net, X)
    kink_inputs = [np.abs(Z).min() for (_, Z, _), name in zip(cache, net.activations,
                                                                strict=True)
                   if maths.activation(name).kink]  # relu, leaky_relu: the slope jumps at 0
    smallest = float(min(kink_inputs)) if kink_inputs else math.inf
    return GradientCheck(tuple(errors), net.layer_sizes, net.activations, tolerance, eps,
                         smallest)
