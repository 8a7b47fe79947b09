"""The network's maths, written once: activations, losses, a forward pass, what "solved" and
"dead" mean, and the numbers that must equal Keras 3's (notebooks 02 to 05).

Every module that computes with a network reads this one: the teaching networks (``nets/``:
``scratch``, ``linear``, ``slopes``, the Keras builders ``models``), both sweep engines and
their configs and results (``sweep/``), the case studies (``clinic/``: case E, ``born_dead``,
``revival``, ``diagnose``; ``architectures/``: case A's replica and recipe, the doctor and
its checks; ``parity/``), the explorer's computations and the exercises. Adding an
activation means adding one ``Activation`` record here and its branch in the compiled sweep
kernel (whose integer ``code`` the record holds), nothing else.

- ``ACTIVATIONS``: the hidden activations every helper accepts, by their Keras names;
  ``activation(name)`` gives the ``Activation`` record (value, slope, kernel code, output
  range, whether a unit can die or saturate); ``activate`` and ``slope`` apply one;
  ``logistic`` is the sweep's one-branch output sigmoid; ``sigmoid32`` and ``tanh32`` are
  the fast float32 forms (from NumPy's float32 exp) the parity recurrences run on.
- ``bce_with_logits``, ``bce_from_probabilities`` (and its slope), ``squared_error`` (and
  its slope), ``squared_error_with_logits``: losses per example, the mean is the caller's;
  ``LOSSES`` and ``loss(name)``: the ``Loss`` records of a sigmoid output's losses (per
  example from the logit, and the slope at the logit that every backward pass starts from).
- ``forward``: stacked or single networks, one weight layout, an explicit dtype; the
  package's one forward pass (``Layer``: one layer's input, pre-activation and activation).
- ``solved`` / ``solved_fast``: every output on its target's side of 0.5 by a margin; an
  output of exactly 0.5 is on neither side.
- ``dead``: the units that can die and whose input is <= 0 on every row.
- ``adam_update``: Keras 3's Adam step in float64, and the Keras constants (``LEAKY_SLOPE``,
  ``ADAM_BETA_1``, ``EPSILON``, ...), each checked against Keras in ``tests/test_maths.py``.

NumPy only: importing this module loads neither TensorFlow nor Keras.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ._check import check_choice, check_float
from ._weights import as_pairs

# ------------------------------------------------------------------ numbers Keras 3 uses

#: The negative slope of ``activation="leaky_relu"`` (``keras.activations.leaky_relu``).
LEAKY_SLOPE = 0.2

#: The standard deviation of a standard normal truncated at +-2 standard deviations, by
#: which Keras' truncated-normal initializers (``he_normal``, ``glorot_normal``) divide.
TRUNCATED_NORMAL_STD = 0.87962566103423978

#: Optimizer names of ``models.make_optimizer`` and the sweep engines.
OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")

#: Keras 3 defaults: Adam's betas, RMSprop's rho, the epsilon both add, and the momentum
#: ``models.make_optimizer("momentum", lr)`` uses.
ADAM_BETA_1 = 0.9
ADAM_BETA_2 = 0.999
RMSPROP_RHO = 0.9
EPSILON = 1e-7
SGD_MOMENTUM = 0.9

#: Keras' binary cross-entropy on probabilities clips them into [CLIP_EPS, 1 - CLIP_EPS].
CLIP_EPS = 1e-7


# ------------------------------------------------------------------------- activations

def _exp(Z: np.ndarray) -> np.ndarray:
    """exp in Z's precision; float32 correctly rounded (computed in float64), as the sweep
    engines compute it, so that every processor gives the same bits."""
    with np.errstate(over="ignore"):
        if Z.dtype == np.float32:
            return np.exp(Z.astype(np.float64)).astype(np.float32)
        return np.exp(Z)


def sigmoid(Z) -> np.ndarray:
    """1 / (1 + exp(-Z)) in Z's precision (float64 unless Z is float32).

    float64: two branches, so that no exp overflows. float32: the sweep engines' arithmetic,
    ``logistic`` (1 / (exp(-Z) + 1) with a correctly rounded exp, 0 where exp(-Z)
    overflows)."""
    Z = _as_real(Z)
    if Z.dtype == np.float32:
        return logistic(Z)
    E = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1 / (1 + E), E / (1 + E))


def logistic(Z) -> np.ndarray:
    """1 / (exp(-Z) + 1) in Z's precision, one branch (0 where exp(-Z) overflows): the sweep's
    output unit. float32: exp correctly rounded, exactly ``sigmoid``; float64: what the
    sweep's float64 losses compute, which may differ from ``sigmoid``'s two-branch form in
    the last bit for Z < 0."""
    Z = _as_real(Z)
    with np.errstate(over="ignore"):
        e = _exp(-Z)
    e += Z.dtype.type(1)
    return np.reciprocal(e, out=e)


def sigmoid32(z) -> np.ndarray:
    """The logistic function of float32 ``z`` from NumPy's float32 exp of -|z| (never
    overflows): 1 / (1 + e) for z >= 0 and e / (1 + e) below, within 2e-7 of the exact value
    relative to it. Not correctly rounded, unlike ``sigmoid``'s float32, but fast: the parity
    recurrences (``parity.evaluate``) run for thousands of steps, and under the processor
    rule (xorhelpers.portable) NumPy's float32 exp runs as vector code while its tanh, the
    usual overflow-free route, runs one element at a time: this is 2-3 times faster."""
    z = np.asarray(z, np.float32)
    e = np.exp(-np.abs(z))
    s = 1 / (1 + e)
    return np.where(z >= 0, s, e * s)


def tanh32(z) -> np.ndarray:
    """tanh of float32 ``z`` from NumPy's float32 exp: (1 - e) / (1 + e) with e = exp(-2|z|),
    the sign put back, and z itself where |z| < 2**-12 (tanh z = z there to float32
    precision); within 1.2e-7 of the exact value (absolute), and about four times as fast as
    np.tanh under the processor rule (see ``sigmoid32``)."""
    z = np.asarray(z, np.float32)
    e = np.exp(np.float32(-2) * np.abs(z))
    return np.where(np.abs(z) < 2**-12, z, np.copysign((1 - e) / (1 + e), z))


def _relu(Z):
    return np.maximum(Z, Z.dtype.type(0))


def _relu_slope(Z, A):
    return (Z > 0).astype(Z.dtype)


def _leaky(Z):
    return np.where(Z > 0, Z, Z.dtype.type(LEAKY_SLOPE) * Z)


def _leaky_slope(Z, A):
    return np.where(Z > 0, Z.dtype.type(1), Z.dtype.type(LEAKY_SLOPE))


def _sigmoid_slope(Z, A):
    return A * (1 - A)


def _tanh(Z):
    if Z.dtype == np.float32:
        return np.tanh(Z.astype(np.float64)).astype(np.float32)  # correctly rounded
    return np.tanh(Z)


def _tanh_slope(Z, A):
    return 1 - A * A


def _linear(Z):
    return Z.copy()


def _linear_slope(Z, A):
    return np.ones_like(Z)


@dataclass(frozen=True)
class Activation:
    """One activation: its Keras ``name``, the compiled sweep kernel's integer ``code`` for
    it, its output range [``low``, ``high``], its largest slope, whether a unit ``can_die``
    (output 0 and slope 0 for every input <= 0, so a unit off on every row passes no
    gradient and gets none), whether it ``saturates`` (slope -> 0 at both ends) and whether
    it has a ``kink`` (its slope jumps at 0, where finite differences across 0 are wrong).

    ``value(Z)`` and ``slope(Z, A)`` work elementwise in Z's precision (float64, or float32
    as the sweep engines compute it); ``slope`` takes A = value(Z) when the caller has it.
    At Z = 0 the slope of relu is 0 and that of leaky_relu is LEAKY_SLOPE, the values
    TensorFlow's gradients use."""

    name: str
    code: int
    low: float
    high: float
    max_slope: float
    can_die: bool
    saturates: bool
    kink: bool
    _value: Callable[[np.ndarray], np.ndarray] = field(repr=False, compare=False)
    _slope: Callable[[np.ndarray, np.ndarray], np.ndarray] = field(repr=False, compare=False)

    def value(self, Z) -> np.ndarray:
        """f(Z), elementwise."""
        return self._value(_as_real(Z))

    def slope(self, Z, A=None) -> np.ndarray:
        """f'(Z), elementwise; ``A`` is f(Z) if known (it is computed otherwise)."""
        Z = _as_real(Z)
        return self._slope(Z, self.value(Z) if A is None else A)


_RECORDS = (
    Activation("relu", 0, 0.0, math.inf, 1.0, True, False, True, _relu, _relu_slope),
    Activation("leaky_relu", 1, -math.inf, math.inf, 1.0, False, False, True, _leaky,
               _leaky_slope),
    Activation("sigmoid", 2, 0.0, 1.0, 0.25, False, True, False, sigmoid, _sigmoid_slope),
    Activation("tanh", 3, -1.0, 1.0, 1.0, False, True, False, _tanh, _tanh_slope),
    Activation("linear", 4, -math.inf, math.inf, 1.0, False, False, False, _linear,
               _linear_slope),
)

#: Every record by name.
REGISTRY: dict[str, Activation] = {a.name: a for a in _RECORDS}

#: The hidden activations every helper accepts, by their Keras names.
ACTIVATIONS = tuple(REGISTRY)

#: Output ranges of Keras activations that are no hidden activation here but that the doctor
#: meets in learners' models (notebook 05).
OTHER_KERAS_RANGES = {"softmax": (0.0, 1.0), "hard_sigmoid": (0.0, 1.0),
                      "softsign": (-1.0, 1.0), "softplus": (0.0, math.inf),
                      "elu": (-1.0, math.inf)}


def activation(name: str) -> Activation:
    """The ``Activation`` record of ``name`` (one of ``ACTIVATIONS``)."""
    return REGISTRY[check_choice("activation", name, ACTIVATIONS)]


def activate(name: str, Z) -> np.ndarray:
    """The activation ``name`` applied to the pre-activations ``Z``, elementwise."""
    return activation(name).value(Z)


def slope(name: str, Z, A=None) -> np.ndarray:
    """d activation / d Z of ``name`` at ``Z`` (``A`` = its value at Z, if known)."""
    return activation(name).slope(Z, A)


def output_range(name: str) -> tuple[float, float] | None:
    """(low, high) of a Keras activation's outputs, None when unknown here."""
    if name in REGISTRY:
        return REGISTRY[name].low, REGISTRY[name].high
    return OTHER_KERAS_RANGES.get(name)


def _as_real(Z) -> np.ndarray:
    """Z as a float64 array, or float32 when it is one already."""
    if isinstance(Z, np.ndarray) and Z.dtype in (np.float32, np.float64):
        return Z
    try:
        return np.asarray(Z, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"Z must be an array of real numbers, got {type(Z).__name__}") from None


# ------------------------------------------------------------------------------ losses

def bce_with_logits(z, y) -> np.ndarray:
    """Binary cross-entropy per example from the logit z of a sigmoid output and the target
    y, computed without overflow and without a log of 0 (as Keras does for a sigmoid output):
    max(z, 0) - z y + log(1 + exp(-|z|))."""
    z, y = _as_real(z), _as_real(y)
    soft = np.abs(z)  # log(1 + exp(-|z|)), in place: the same operations, fewer arrays
    np.negative(soft, out=soft)
    np.exp(soft, out=soft)
    np.log1p(soft, out=soft)
    total = np.maximum(z, 0) - z * y
    total += soft
    return total


def bce_from_probabilities(p, y, eps: float = CLIP_EPS) -> np.ndarray:
    """Binary cross-entropy per example from probabilities p, clipped into [eps, 1 - eps] as
    Keras clips them: -(y log p + (1 - y) log(1 - p)). For outputs that are not a sigmoid's
    (a relu output, say), where no logit exists."""
    y = _as_real(y)
    pc = np.clip(_as_real(p), eps, 1 - eps)
    return -(y * np.log(pc) + (1 - y) * np.log(1 - pc))


def bce_from_probabilities_slope(p, y, eps: float = CLIP_EPS) -> np.ndarray:
    """d ``bce_from_probabilities`` / d p: 0 where the clip holds p (outside [eps, 1 - eps],
    the clipped loss passes no gradient)."""
    p, y = _as_real(p), _as_real(y)
    pc = np.clip(p, eps, 1 - eps)
    inside = (p >= eps) & (p <= 1 - eps)
    return (-y / pc + (1 - y) / (1 - pc)) * inside


def squared_error(p, y) -> np.ndarray:
    """(p - y)**2 per example."""
    return (_as_real(p) - _as_real(y)) ** 2


def squared_error_slope(p, y) -> np.ndarray:
    """d ``squared_error`` / d p: 2 (p - y)."""
    return 2 * (_as_real(p) - _as_real(y))


def squared_error_with_logits(z, y) -> np.ndarray:
    """(p - y)**2 per example for the output p = ``logistic(z)`` of a sigmoid with logit z:
    the sweep's mean squared error."""
    return squared_error(logistic(_as_real(z)), y)


def _bce_logit_slope(p, y):
    return p - y


def _mse_logit_slope(p, y):
    return (p - y) * ((2 * p) * (1 - p))


@dataclass(frozen=True)
class Loss:
    """One loss of a network with one sigmoid output unit: its Keras ``name``, the compiled
    sweep kernel's integer ``code`` for it, the loss per example from the logit z
    (``with_logits``) and its slope at the logit (``logit_slope``), from p = sigmoid(z).

    Both work elementwise in p's precision (float64, or float32 as the sweep engines compute
    it): binary cross-entropy's slope is p - y, the squared error's (p - y) (2 p (1 - p)),
    with the products in the order both sweep engines take them."""

    name: str
    code: int
    _with_logits: Callable[[np.ndarray, np.ndarray], np.ndarray] = field(repr=False,
                                                                         compare=False)
    _logit_slope: Callable[[np.ndarray, np.ndarray], np.ndarray] = field(repr=False,
                                                                         compare=False)

    def with_logits(self, z, y) -> np.ndarray:
        """The loss per example of the output sigmoid(z) for the target y."""
        return self._with_logits(z, y)

    def logit_slope(self, p, y) -> np.ndarray:
        """d loss / d z per example, from the output p = sigmoid(z) and the target y (y is
        taken in p's precision)."""
        p = _as_real(p)
        return self._logit_slope(p, np.asarray(y, p.dtype))


#: Every loss record by name.
LOSS_REGISTRY: dict[str, Loss] = {
    "binary_crossentropy": Loss("binary_crossentropy", 0, bce_with_logits, _bce_logit_slope),
    "mse": Loss("mse", 1, squared_error_with_logits, _mse_logit_slope),
}

#: The losses of the from-scratch net, the sweep engines and ``layer_gradients``.
LOSSES = tuple(LOSS_REGISTRY)


def loss(name: str) -> Loss:
    """The ``Loss`` record of ``name`` (one of ``LOSSES``)."""
    return LOSS_REGISTRY[check_choice("loss", name, LOSSES)]


# ---------------------------------------------------------------------------- forward

class Layer(NamedTuple):
    """One layer of a forward pass: its input ``A_prev``, its pre-activation ``Z`` = A_prev W
    + b and its activation ``A`` = f(Z), each (..., n, width); a plain tuple too, so
    ``A_prev, Z, A = layer`` unpacks it."""

    A_prev: np.ndarray
    Z: np.ndarray
    A: np.ndarray


def forward(weights, X, hidden: str | Sequence[str] = "relu", output: str = "sigmoid", *,
            dtype=np.float64) -> tuple[np.ndarray, list[Layer]]:
    """Run one network or a stack of them on X (n, fan_in), in ``dtype`` (notebooks 02 to
    07): the package's one forward pass.

    ``weights``: a list of (W, b) per layer, W (..., fan_in, fan_out) and b (..., fan_out):
    Keras' ``get_weights`` layout for one network, or with a leading models axis (M, ...) as
    ``SweepResult.stacked_weights`` gives them. ``hidden``: one activation for every hidden
    layer or one per hidden layer; ``output``: the output layer's. Products are
    ``np.einsum``'s own loop (not BLAS), so they round the same on every processor.

    Returns ``(outputs, layers)``: outputs (..., n, fan_out) and one ``Layer`` (A_prev, Z, A)
    per layer, each (..., n, width); ``layers[k].A`` is hidden layer k's code of every row.
    """
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    pairs = [(np.asarray(W, dtype), np.asarray(b, dtype)) for W, b in as_pairs(weights)]
    _check_layers(pairs)
    if isinstance(hidden, str):
        names = [check_choice("hidden", hidden, ACTIVATIONS)] * (len(pairs) - 1)
    else:
        names = list(hidden)
    if len(names) != len(pairs) - 1:
        raise ValueError(f"hidden must be one name or {len(pairs) - 1} names (one per hidden "
                         f"layer), got {hidden!r}")
    records = [activation(name) for name in [*names, output]]
    A = np.asarray(X, dtype)
    if A.ndim != 2 or A.shape[1] != pairs[0][0].shape[-2]:
        raise ValueError(f"X must have shape (n, {pairs[0][0].shape[-2]}), got {A.shape}")
    layers = []
    for (W, b), record in zip(pairs, records, strict=True):
        A_in = A
        Z = matmul(A_in, W) + b[..., None, :]
        A = record.value(Z)
        layers.append(Layer(A_in, Z, A))
    return A, layers


def _check_layers(pairs: list[tuple[np.ndarray, np.ndarray]]) -> None:
    """Each W (..., fan_in, fan_out) with b (..., fan_out), the same leading axes in every
    layer, and each layer's fan_in the previous layer's fan_out."""
    lead = pairs[0][0].shape[:-2]
    axes = "".join(f"{n}, " for n in lead)
    for k, (W, b) in enumerate(pairs):
        if W.ndim < 2 or W.shape[:-2] != lead or b.shape != (*lead, W.shape[-1]):
            raise ValueError(f"weights[{k}] must be W ({axes}fan_in, fan_out) and b "
                             f"({axes}fan_out), got {W.shape} and {b.shape}")
        if k and W.shape[-2] != pairs[k - 1][0].shape[-1]:
            raise ValueError(f"weights[{k}] has fan_in {W.shape[-2]}, but the layer before "
                             f"has {pairs[k - 1][0].shape[-1]} units")


def matmul(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``A @ B`` broadcasting over leading axes, by NumPy's own summation loop: its rounding
    does not depend on the processor-specific BLAS kernel."""
    return np.einsum("...ij,...jk->...ik", A, B)


# ------------------------------------------------------------------------ solved, dead

def solved(outputs, y, margin: float = 0.0) -> np.ndarray:
    """True where every output along the last axis is on the right side of 0.5 by more than
    ``margin`` (notebook 03): above 0.5 + margin for a target 1, below 0.5 - margin for a 0.
    An output of exactly 0.5 is on neither side; a NaN output is never right.

    ``outputs`` has shape (..., n), ``y`` the n targets (0 or 1); ``margin`` is in [0, 0.5].
    Returns a boolean array of shape ``outputs.shape[:-1]``.
    """
    margin = check_float("margin", margin, low=0.0, high=0.5)
    P, Y = np.asarray(outputs, dtype=float), np.asarray(y, dtype=float)
    if P.ndim < 1 or Y.shape != P.shape[-1:]:
        raise ValueError(f"outputs must have shape (..., {Y.size}), one output per target in "
                         f"y; got outputs {P.shape} and y {Y.shape}")
    return solved_fast(P, Y, margin)


def solved_fast(P: np.ndarray, Y: np.ndarray, margin: float) -> np.ndarray:
    """``solved`` without the checks, for callers whose shapes and margin are already right."""
    with np.errstate(invalid="ignore"):
        return np.where(Y > 0.5, P > 0.5 + margin, P < 0.5 - margin).all(axis=-1)


def dead(name: str, Z) -> np.ndarray:
    """Which units are dead: their activation ``name`` can die (relu) and their input Z is
    <= 0 on every row. ``Z`` has shape (..., n, width), rows on the second-to-last axis;
    returns a boolean array (..., width). Units of activations that cannot die (leaky_relu,
    sigmoid, tanh, linear) are never dead: they still pass a gradient."""
    record = activation(name)
    Z = np.asarray(Z)
    if Z.ndim < 2:
        raise ValueError(f"Z must have shape (..., n, width), got {Z.shape}")
    if not record.can_die:
        return np.zeros(Z.shape[:-2] + Z.shape[-1:], dtype=bool)
    return (Z <= 0).all(axis=-2)


# -------------------------------------------------------------------------------- Adam

def adam_update(theta: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray, t: int,
                lr: float) -> None:
    """Keras 3's Adam step number ``t`` (1, 2, ...) in place, in the arrays' precision:
    m += (g - m)(1 - beta_1), v += (g^2 - v)(1 - beta_2),
    theta -= lr sqrt(1 - beta_2^t) / (1 - beta_1^t) m / (sqrt(v) + epsilon)."""
    m += (g - m) * (1 - ADAM_BETA_1)
    v += (g * g - v) * (1 - ADAM_BETA_2)
    alpha = lr * math.sqrt(1 - ADAM_BETA_2 ** t) / (1 - ADAM_BETA_1 ** t)
    theta -= alpha * m / (np.sqrt(v) + EPSILON)
