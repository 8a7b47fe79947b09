"""Born dead: how often a deep, narrow ReLU network computes a constant before any training
(notebook 04).

A ReLU layer whose units are all inactive on every input outputs zeros; every layer after it
then sees the same input whatever the network's input, so the whole network is a constant
function, and since no gradient passes a dead layer, training cannot revive it. This module
draws many networks at once (weights with a leading "draws" axis, one vectorised NumPy
computation per layer), evaluates them on points of an input domain and reports, for every
depth up to ``max_depth``, which draws are constant there.

Setting (``domain``): "interval" is the one-dimensional input on [-1, 1] (sampled at
``n_points`` evenly spaced points, the ends included), "unit_square" a grid on [0, 1]^2, "xor"
the four XOR points. Initialisations as Keras draws them ("he_normal": truncated normal,
"glorot_uniform") with zero biases (Keras' default) or "symmetric" biases drawn like the
weights; and three remedies: "leaky_relu" (slope 0.2), "rai" (randomized asymmetric
initialisation) and "residual" (h_l = h_{l-1} + relu(h_{l-1} W_l + b_l) after the first layer).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import maths
from .._check import check_choice, check_int, check_seed
from .._weights import as_pairs
from ..stats import rate

INITS = ("he_normal", "glorot_uniform", "glorot_normal")
DOMAINS = ("interval", "unit_square", "xor")
BIASES = ("zeros", "symmetric")
REMEDIES = ("none", "leaky_relu", "rai", "residual")
RAI_SIGMA = 0.6007  # the variance scale of the randomized asymmetric initialisation
RAI_BETA = (2.0, 1.0)  # the positive entry of each neuron is drawn from Beta(2, 1)


def domain_points(domain: str = "interval", n_points: int = 9) -> np.ndarray:
    """The input points on which constancy is tested: (n, 1) for "interval" (``n_points``
    evenly spaced on [-1, 1]), (n_points**2, 2) for "unit_square", (4, 2) for "xor" (notebook 04).
    """
    check_choice("domain", domain, DOMAINS)
    n_points = check_int("n_points", n_points, low=2, high=1000)
    if domain == "interval":
        return np.linspace(-1.0, 1.0, n_points)[:, None]
    if domain == "unit_square":
        g = np.linspace(0.0, 1.0, n_points)
        return np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
    return np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def draw_layer(gen: np.random.Generator, n_draws: int, fan_in: int, fan_out: int,
               init: str = "he_normal", bias: str = "zeros", remedy: str = "none"
               ) -> tuple[np.ndarray, np.ndarray]:
    """One layer's (W, b) for ``n_draws`` networks: W (n_draws, fan_in, fan_out), b (n_draws,
    1, fan_out) (notebook 04).

    ``init`` follows Keras: "he_normal" is N(0, 2 / fan_in) truncated at two standard
    deviations (rescaled to keep that variance), "glorot_uniform" U(-a, a) with a =
    sqrt(6 / (fan_in + fan_out)), "glorot_normal" N(0, 2 / (fan_in + fan_out)) truncated the
    same way. ``bias``: "zeros", or "symmetric" (drawn like the weights). ``remedy="rai"``
    replaces both by the randomized asymmetric initialisation: every neuron's fan_in weights
    and bias are N(0, 0.6007**2 / fan_in), then one of those fan_in + 1 numbers, picked at
    random, is redrawn from Beta(2, 1), which is positive.
    """
    if remedy == "rai":
        V = RAI_SIGMA / math.sqrt(fan_in) * gen.standard_normal((n_draws, fan_in + 1, fan_out))
        pick = gen.integers(0, fan_in + 1, size=(n_draws, fan_out))
        d, j = np.meshgrid(np.arange(n_draws), np.arange(fan_out), indexing="ij")
        V[d, pick, j] = gen.beta(*RAI_BETA, size=(n_draws, fan_out))
        return V[:, :-1, :], V[:, -1:, :]
    shape = (n_draws, fan_in, fan_out)
    W = _draw(gen, init, fan_in, fan_out, shape)
    b = (np.zeros((n_draws, 1, fan_out)) if bias == "zeros"
         else _draw(gen, init, fan_in, fan_out, (n_draws, 1, fan_out)))
    return W, b


def _draw(gen, init, fan_in, fan_out, shape) -> np.ndarray:
    if init == "glorot_uniform":
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        return gen.uniform(-limit, limit, size=shape)
    var = 2.0 / fan_in if init == "he_normal" else 2.0 / (fan_in + fan_out)
    z = gen.standard_normal(shape)
    bad = np.abs(z) > 2
    while bad.any():
        z[bad] = gen.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2
    return math.sqrt(var) / maths.TRUNCATED_NORMAL_STD * z


def hidden_constant(weights, X, remedy: str = "none") -> np.ndarray:
    """For stacked networks, which hidden layers output the same vector at every row of ``X``.

    ``weights`` is a list of hidden layers (W, b) with a leading draws axis, W (M, fan_in,
    width) and b (M, width) or (M, 1, width) (an output layer, if present, is left out: give
    only hidden layers). Returns a boolean array (M, number of layers): entry [m, l] is True
    when network m truncated after hidden layer l + 1 is constant on X, whatever its output
    layer. Notebook 04.
    """
    check_choice("remedy", remedy, REMEDIES)
    X = _as_points(X)
    flags = []
    H = X
    for k, (W, b) in enumerate(as_pairs(weights, what="one per hidden layer")):
        fan_in = H.shape[-1]
        if W.ndim != 3 or W.shape[1] != fan_in or b.size != W.shape[0] * W.shape[2]:
            raise ValueError(f"weights[{k}] must be W (M, {fan_in}, width) with b (M, width); "
                             f"got W {W.shape} and b {b.shape}")
        H = _layer(H, W, b.reshape(W.shape[0], 1, W.shape[2]), remedy, first=k == 0)
        flags.append(_constant_rows(H))
    return np.stack(flags, axis=1)


def _layer(H, W, b, remedy, first):
    Z = H @ W + b
    if remedy == "leaky_relu":
        return maths.activate("leaky_relu", Z)
    if remedy == "residual" and not first:
        return H + maths.activate("relu", Z)
    return maths.activate("relu", Z)


def _constant_rows(H) -> np.ndarray:
    """True per network where every row of H (M, n, width) equals the first row exactly."""
    return (H == H[:, :1, :]).all(axis=(1, 2))


def constant_at_init(width: int, max_depth: int, n_draws: int, init: str = "he_normal",
                     domain: str = "interval", remedy: str = "none", bias: str = "zeros",
                     seed: int = 0, n_points: int = 9) -> np.ndarray:
    """Draw ``n_draws`` networks of ``max_depth`` hidden layers of ``width`` units and test
    each depth: returns a boolean array (n_draws, max_depth) whose entry [m, L - 1] says that
    draw m, cut after hidden layer L, is constant on the domain's points (notebook 04).

    The flags of one draw never go back from True to False as L grows (a dead layer stays in
    every deeper cut), so the rates over draws rise with depth.
    """
    width = check_int("width", width, low=1, high=1024)
    max_depth = check_int("max_depth", max_depth, low=1, high=200)
    n_draws = check_int("n_draws", n_draws, low=1, high=10**6)
    check_choice("init", init, INITS)
    check_choice("bias", bias, BIASES)
    check_choice("remedy", remedy, REMEDIES)
    X = domain_points(domain, n_points)
    gen = np.random.default_rng(check_seed("seed", seed))
    flags = np.zeros((n_draws, max_depth), dtype=bool)
    H = np.broadcast_to(X, (n_draws, *X.shape))
    fan_in = X.shape[1]
    for layer in range(max_depth):
        W, b = draw_layer(gen, n_draws, fan_in, width, init, bias, remedy)
        H = _layer(H, W, b, remedy, first=layer == 0)
        flags[:, layer] = _constant_rows(H)
        fan_in = width
    return flags


@dataclass(frozen=True)
class BornDeadCurves:
    """Born-dead rates per width and depth (notebook 04).

    ``rates`` has shape (len(widths), max_depth, 3): the fraction of draws that are constant,
    and the low and high ends of its 95% Wilson interval; ``depths`` runs 1..max_depth.
    """

    widths: tuple[int, ...]
    depths: np.ndarray
    rates: np.ndarray
    n_draws: int
    init: str
    domain: str
    remedy: str
    bias: str

    def at(self, width: int, depth: int) -> tuple[float, float, float]:
        """(rate, low, high) for one width and depth."""
        if width not in self.widths:
            raise ValueError(f"width must be one of {self.widths}, got {width!r}")
        depth = check_int("depth", depth, low=1, high=len(self.depths))
        return tuple(float(v) for v in self.rates[self.widths.index(width), depth - 1])


def born_dead_curves(widths: Sequence[int], max_depth: int = 20, n_draws: int = 2000,
                     init: str = "he_normal", domain: str = "interval", remedy: str = "none",
                     bias: str = "zeros", seed: int = 0, n_points: int = 9) -> BornDeadCurves:
    """``constant_at_init`` for several widths, summarised as rates with Wilson intervals;
    returns ``BornDeadCurves`` (notebook 04). Each width gets its own seed (seed + width)."""
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence) or not widths:
        raise TypeError(f"widths must be a non-empty sequence of integers, got {widths!r}")
    widths = tuple(check_int(f"widths[{i}]", w, low=1, high=1024) for i, w in enumerate(widths))
    seed = check_seed("seed", seed)
    max_depth = check_int("max_depth", max_depth, low=1, high=200)
    rates = np.zeros((len(widths), max_depth, 3))
    for i, width in enumerate(widths):
        flags = constant_at_init(width, max_depth, n_draws, init, domain, remedy, bias,
                                 seed + width, n_points)
        rates[i] = [rate(flags[:, d]) for d in range(max_depth)]
    return BornDeadCurves(widths, np.arange(1, max_depth + 1), rates, n_draws, init, domain,
                          remedy, bias)


def single_point_bound(width: int, depth: int, skip_first: bool = True) -> float:
    """An upper bound on the born-dead probability with zero biases (notebook 04).

    At one fixed input where the layer below is alive, each unit of a layer with symmetric
    weights is off with probability 1/2, independently of the others, so the whole layer is
    off there with probability 2**-width. Being dead on a whole domain is harder than being
    dead at one point, so P(born dead) <= 1 - (1 - 2**-width) ** k, with k the number of
    layers that can die: depth - 1 on the interval [-1, 1] (with zero biases the first layer
    always has a unit alive on one side of 0; ``skip_first``), or depth otherwise.
    """
    width = check_int("width", width, low=1)
    depth = check_int("depth", depth, low=1)
    k = depth - 1 if skip_first else depth
    return 1.0 - (1.0 - 2.0 ** -width) ** k


def _as_points(X) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) < 2:
        raise ValueError(f"X must have shape (n, input_dim) with n >= 2 points, got shape "
                         f"{X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X must hold finite numbers only")
    return X
