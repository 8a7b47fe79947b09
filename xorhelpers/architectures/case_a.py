"""Case A, the element-wise XOR of two bit matrices (notebook 05): the learner's Keras model,
its variants with one fault fixed at a time, a batched NumPy replica that trains hundreds of
seeds of every variant at once, and the design that fits the problem (one small XOR net
shared by every coordinate).

The learner's network, for matrices of shape (size, size): each input -> Dense(size, sigmoid);
concatenate; Dense(1, sigmoid) -> Dense(3, sigmoid) -> Dense(5, relu) -> Dense(4, sigmoid)
-> Dense(3, sigmoid) -> Dense(1, relu). A ``Variant`` changes the width after the merge
(``merge_width``), the activation of the sigmoid hidden layers (``hidden``) and the output's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import maths
from .._check import check_choice, check_int, check_seed
from .._weights import as_pairs
from ..data import bit_matrix_pairs
from ..stats import format_rate, rate

HIDDEN = ("sigmoid", "tanh", "relu")
INITS = ("glorot_uniform", "he_uniform")
OUTPUTS = ("relu", "sigmoid")
AFTER_MERGE = (3, 5, 4, 3)  # the widths between the merge layer and the output


@dataclass(frozen=True)
class Variant:
    """One version of case A's network (notebook 05): ``merge_width`` units after the merge
    (the learner: 1), ``hidden`` activation of the layers the learner made sigmoid (sigmoid,
    tanh or relu) and the ``output`` activation (the learner: relu). The Dense(5, relu) layer
    stays. ``init`` is the hidden layers' kernel initialiser (Keras' default Glorot uniform, or
    He uniform); the output's stays Glorot uniform."""

    merge_width: int = 1
    hidden: str = "sigmoid"
    output: str = "relu"
    label: str = "as the learner built it"
    init: str = "glorot_uniform"

    def __post_init__(self):
        check_int("merge_width", self.merge_width, low=1, high=64)
        check_choice("hidden", self.hidden, HIDDEN)
        check_choice("output", self.output, OUTPUTS)
        check_choice("init", self.init, INITS)

    @property
    def widths(self) -> tuple[int, ...]:
        """Widths after the per-input layers: merge layer, the four middle layers, output."""
        return (self.merge_width, *AFTER_MERGE, 1)

    @property
    def activations(self) -> tuple[str, ...]:
        h = self.hidden
        return (h, h, h, h, "relu", h, h, self.output)  # the two per-input layers first


LEARNER = Variant()


def learner_model(size: int = 1, variant: Variant = LEARNER, seed: int | None = None):
    """Case A's network in Keras 3 as the learner wrote it, or a ``variant`` of it
    (notebook 05). Inputs ``a`` and ``b`` of shape (size, size); returns an uncompiled
    functional model. Keras 2's ``keras.layers.merge.concatenate`` is ``keras.layers.concatenate``
    (or the ``Concatenate`` layer) in Keras 3."""
    from .._tf import keras

    size = check_int("size", size, low=1)
    if not isinstance(variant, Variant):
        raise TypeError(f"variant must be a case_a.Variant, got {type(variant).__name__}")
    if seed is not None:
        keras.utils.set_random_seed(check_seed("seed", seed))
    a = keras.Input(shape=(size, size), name="a")
    b = keras.Input(shape=(size, size), name="b")
    h, init = variant.hidden, variant.init
    x = keras.layers.concatenate(
        [keras.layers.Dense(size, activation=h, kernel_initializer=init, name="dense_a")(a),
         keras.layers.Dense(size, activation=h, kernel_initializer=init, name="dense_b")(b)],
        name="merge")
    for k, (width, act) in enumerate(zip(variant.widths, variant.activations[2:],
                                         strict=True)):
        last = k == len(variant.widths) - 1
        x = keras.layers.Dense(width, activation=act,
                               kernel_initializer="glorot_uniform" if last else init,
                               name="output" if last else f"dense_{k + 1}")(x)
    return keras.Model([a, b], x, name="case_a")


def shared_xor_net(hidden: int = 4, activation: str = "tanh"):
    """One small XOR net applied at every coordinate (notebook 05): inputs ``a`` and ``b`` of
    any shape (rows, cols); the two bits of each coordinate -> Dense(hidden) -> Dense(1,
    sigmoid). Its 4 * hidden + 1 parameters do not depend on the matrix size. Uncompiled."""
    from .._tf import keras

    hidden = check_int("hidden", hidden, low=1, high=256)
    check_choice("activation", activation, ("tanh", "relu", "sigmoid"))
    a = keras.Input(shape=(None, None), name="a")
    b = keras.Input(shape=(None, None), name="b")
    pairs = keras.ops.stack([a, b], axis=-1)  # (n, rows, cols, 2): one pair per coordinate
    h = keras.layers.Dense(hidden, activation=activation, name="xor_hidden")(pairs)
    out = keras.layers.Dense(1, activation="sigmoid", name="xor_out")(h)
    return keras.Model([a, b], keras.ops.squeeze(out, axis=-1), name="shared_xor")


def dense_model(size: int, hidden: int = 64):
    """A fixed-size dense model (notebook 05): both (size, size) inputs flattened and
    concatenated -> Dense(hidden, relu) -> Dense(size * size, sigmoid), reshaped to
    (size, size). Only counts as a yardstick for the number of parameters. Uncompiled."""
    from .._tf import keras

    size = check_int("size", size, low=1)
    hidden = check_int("hidden", hidden, low=1)
    a = keras.Input(shape=(size, size), name="a")
    b = keras.Input(shape=(size, size), name="b")
    x = keras.layers.concatenate([keras.layers.Flatten()(a), keras.layers.Flatten()(b)])
    x = keras.layers.Dense(hidden, activation="relu")(x)
    x = keras.layers.Dense(size * size, activation="sigmoid")(x)
    return keras.Model([a, b], keras.layers.Reshape((size, size))(x), name="dense")


# ------------------------------------------------------------------ the batched replica

def init_weights(variant: Variant, seeds) -> list[tuple[np.ndarray, np.ndarray]]:
    """Size-1 weights for many seeds of ``variant``, drawn like Keras' initialisers (Glorot
    uniform kernels, or He uniform for the hidden layers when ``variant.init`` says so; zero
    biases): a list of (W, b) with a leading seed axis. The first entry holds both per-input
    layers (W (K, 1, 2): a's weight and b's weight)."""
    seeds = np.asarray(seeds, dtype=np.int64).reshape(-1)
    sizes = (2, *variant.widths)
    he = variant.init == "he_uniform"
    out = []
    gens = [np.random.default_rng([int(s), 5]) for s in seeds]
    enc_lim = math.sqrt(6) if he else math.sqrt(3)  # fan_in 1: He 6 / 1, Glorot 6 / (1 + 1)
    enc = np.stack([g.uniform(-enc_lim, enc_lim, (1, 2)) for g in gens])
    out.append((enc, np.zeros((len(seeds), 1, 2))))
    for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        hidden = k < len(sizes) - 2
        lim = math.sqrt(6 / fan_in) if he and hidden else math.sqrt(6 / (fan_in + fan_out))
        W = np.stack([g.uniform(-lim, lim, (fan_in, fan_out)) for g in gens])
        out.append((W, np.zeros((len(seeds), 1, fan_out))))
    return out


def weights_from_keras(model) -> list[tuple[np.ndarray, np.ndarray]]:
    """The weights of a size-1 ``learner_model`` in the replica's layout, for one seed."""
    get = {layer.name: [np.asarray(w, np.float64) for w in layer.get_weights()]
           for layer in model.layers if layer.get_weights()}
    wa, ba = get["dense_a"]
    wb, bb = get["dense_b"]
    out = [(np.concatenate([wa, wb], axis=1)[None], np.concatenate([ba, bb])[None, None])]
    names = [n for n in get if n.startswith("dense_") and n not in ("dense_a", "dense_b")]
    for name in sorted(names, key=lambda n: int(n.split("_")[1])) + ["output"]:
        W, b = get[name]
        out.append((W[None], b[None, None]))
    return out


def outputs(weights, variant: Variant, X) -> np.ndarray:
    """The outputs (K, n) of K size-1 networks of ``variant`` (weights as ``init_weights``
    gives them) on X (n, 2), the bits (a, b) of n pairs (notebook 05)."""
    if not isinstance(variant, Variant):
        raise TypeError(f"variant must be a case_a.Variant, got {type(variant).__name__}")
    weights = as_pairs(weights, what="one per layer of case A's replica")
    if len(weights) != len(variant.widths) + 1:
        raise ValueError(f"weights must hold {len(variant.widths) + 1} layers for this variant "
                         f"(as case_a.init_weights gives them), got {len(weights)}")
    X = np.asarray(X, np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2), the bits (a, b) of each pair; got {X.shape}")
    return _forward(weights, variant, X)[0]


def _forward(weights, variant: Variant, X: np.ndarray) -> tuple[np.ndarray, list]:
    """The replica's forward pass: the outputs (K, n) and, per layer, (Z, A) for its backward
    pass. Not ``maths.forward``: case A's first layer is one weight per input (W (K, 1, 2)),
    and its products are BLAS's (``@``), which on these small stacked matrices make the
    training loops about 1.6 times as fast as ``maths.matmul``'s einsum, and are the
    arithmetic the stored results of ``benchmarks/case_a.py`` came from. The activations
    are the registry's."""
    W0, b0 = weights[0]
    z = np.asarray(X, np.float64)[None] * W0 + b0
    a = maths.activate(variant.activations[0], z)
    cache = [(z, a)]
    for (W, b), act in zip(weights[1:], variant.activations[2:], strict=True):
        z = a @ W + b
        a = maths.activate(act, z)
        cache.append((z, a))
    return a[..., 0], cache


def loss_and_grads(weights, variant: Variant, X, y, row_weights=None
                   ) -> tuple[np.ndarray, list]:
    """Per network, the mean binary cross-entropy on (X, y) as Keras computes it (a sigmoid
    output from its logit, any other output clipped into [1e-7, 1 - 1e-7], which passes no
    gradient outside), and its gradient per layer: (loss (K,), [(dW, db), ...]). With
    ``row_weights`` (K, n), each network's mean weighs the rows by its own weights (summing
    to 1): a minibatch of the four patterns is the four rows weighted by their counts."""
    loss, grads, _ = loss_grads_outputs(weights, variant, X, y, row_weights)
    return loss, grads


def loss_grads_outputs(weights, variant: Variant, X, y, row_weights=None):
    """``loss_and_grads`` and the outputs (K, n) too: (loss, grads, outputs), for
    ``case_a_recipe``, which logs the accuracy of every step from them."""
    X = np.asarray(X, np.float64)
    y = np.asarray(y, np.float64)[None]
    p, cache = _forward(weights, variant, X)
    n = X.shape[0]
    w = np.full((1, n), 1 / n) if row_weights is None else row_weights
    if variant.output == "sigmoid":
        loss = (maths.bce_with_logits(cache[-1][0][..., 0], y) * w).sum(axis=1)
        dz = maths.LOSS_REGISTRY["binary_crossentropy"].logit_slope(p, y) * w
    else:
        loss = (maths.bce_from_probabilities(p, y) * w).sum(axis=1)
        dp = maths.bce_from_probabilities_slope(p, y) * w
        dz = dp * maths.slope(variant.output, cache[-1][0][..., 0], p)
    dz = dz[..., None]
    grads = [None] * len(weights)
    acts = variant.activations[2:]
    for k in range(len(weights) - 1, 0, -1):
        below = cache[k - 1][1]
        grads[k] = (below.transpose(0, 2, 1) @ dz, dz.sum(axis=1, keepdims=True))
        dh = dz @ weights[k][0].transpose(0, 2, 1)
        z, a = cache[k - 1]
        dz = dh * maths.slope(variant.activations[0] if k == 1 else acts[k - 2], z, a)
    grads[0] = ((dz * X[None]).sum(axis=1, keepdims=True), dz.sum(axis=1, keepdims=True))
    return loss, grads, p


@dataclass(frozen=True)
class Runs:
    """Many seeds of one ``Variant`` trained by ``train`` (notebook 05): per seed ``solved``
    (at least 99% accuracy on fresh test pairs), ``test_accuracy``, ``final_loss`` on the four
    patterns, ``dead_output_init`` / ``dead_output`` (the output is 0 on all four patterns at
    the start / the end), and ``at_ln2`` (final loss within 0.01 of ln 2)."""

    variant: Variant
    seeds: np.ndarray
    solved: np.ndarray
    test_accuracy: np.ndarray
    final_loss: np.ndarray
    dead_output_init: np.ndarray
    dead_output: np.ndarray
    initial_weights: list
    final_weights: list

    @property
    def at_ln2(self) -> np.ndarray:
        return np.abs(self.final_loss - math.log(2)) < 0.01

    def rate(self) -> tuple[float, float, float]:
        return rate(self.solved)

    def row(self) -> str:
        return f"{self.variant.label:<38}{format_rate(self.solved)}"


def flat_params(weights) -> tuple[np.ndarray, list]:
    """One (K, P) array holding every weight, and (W, b) views into it in the same layout."""
    K = weights[0][0].shape[0]
    theta = np.concatenate([part.reshape(K, -1) for layer in weights for part in layer], axis=1)
    views, at = [], 0
    for layer in weights:
        pair = []
        for part in layer:
            size = int(np.prod(part.shape[1:]))
            pair.append(theta[:, at:at + size].reshape(part.shape))
            at += size
        views.append(tuple(pair))
    assert all(np.shares_memory(theta, w) for pair in views for w in pair)
    return theta, views


PATTERNS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)


def train(variant: Variant, seeds, lr: float = 0.01, num_steps: int = 2000,
          test_pairs: int = 1000, test_seed: int = 12345) -> Runs:
    """Train one size-1 network of ``variant`` per seed with Adam (Keras 3's update, epsilon
    1e-7), full batch on the four input patterns, ``num_steps`` steps (notebook 05). Returns
    ``Runs``; "solved" means at least 99% accuracy on ``test_pairs`` fresh random pairs."""
    if not isinstance(variant, Variant):
        raise TypeError(f"variant must be a case_a.Variant, got {type(variant).__name__}")
    seeds = np.asarray([check_seed("seeds", int(s)) for s in np.asarray(seeds).reshape(-1)])
    if seeds.size == 0:
        raise ValueError("seeds must hold at least one seed")
    num_steps = check_int("num_steps", num_steps, low=1, high=10**6)
    if not (isinstance(lr, (int, float)) and lr > 0):
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    X, y = PATTERNS, np.logical_xor(PATTERNS[:, 0], PATTERNS[:, 1]).astype(float)
    start = init_weights(variant, seeds)
    theta, params = flat_params(start)
    dead_init = maths.dead(variant.output, _forward(params, variant, X)[0][..., None])[:, 0]
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    for t in range(1, num_steps + 1):
        _, grads = loss_and_grads(params, variant, X, y)
        g = np.concatenate([part.reshape(len(seeds), -1) for layer in grads for part in layer],
                           axis=1)
        maths.adam_update(theta, g, m, v, t, lr)
    loss, _ = loss_and_grads(params, variant, X, y)
    A, B, Y = bit_matrix_pairs(test_pairs, size=1, seed=test_seed)
    p, _ = _forward(params, variant, np.stack([A[:, 0, 0], B[:, 0, 0]], axis=1))
    accuracy = ((p > 0.5) == (Y[:, 0, 0] > 0.5)[None]).mean(axis=1)
    final = [(W.copy(), b.copy()) for W, b in params]
    return Runs(variant, seeds, accuracy >= 0.99, accuracy, loss, dead_init,
                maths.dead(variant.output, _forward(params, variant, X)[0][..., None])[:, 0],
                start, final)
