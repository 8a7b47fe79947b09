"""Feed-forward nets on n-bit parity: the representation exists, gradient descent misses it
(notebook 06).

An MLP with one hidden layer of ``n`` ReLU units computes the parity of ``n`` bits exactly
(``hand_built_parity``): it counts the ones and folds the count into a zig-zag. Yet trained
from random weights on fresh random bits with a fixed budget, it learns parity of a few bits
and is at chance beyond (``train_parity_mlps``). Notebook 06 draws accuracy against ``n``.

``train_parity_mlps`` trains one MLP per ``n`` side by side as one batched TensorFlow
computation: every net reads 30 (``max_bits``) inputs, of which only the first ``n`` are
random bits and the rest are always 0, so net ``n`` is exactly an ``n``-input MLP.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import maths
from .._check import check_float, check_int, check_seed
from .._tf import keras, tf


def hand_built_parity(num_bits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Weights of a ReLU net that computes the parity of ``num_bits`` bits (notebook 06).

    Hidden unit k (k = 0 .. n-1) is relu(x1 + ... + xn - k); the output is
    h0 - 2 h1 + 2 h2 - 2 h3 + ..., which equals (number of ones) mod 2 exactly.
    Returns (W of shape (n, n), c of shape (n,), w of shape (n,), b) with
    parity = relu(X @ W + c) @ w + b.
    """
    n = check_int("num_bits", num_bits, low=1, high=10_000)
    W = np.ones((n, n), np.float32)
    c = -np.arange(n, dtype=np.float32)
    w = np.where(np.arange(n) == 0, 1.0, 2.0 * (-1.0) ** np.arange(n)).astype(np.float32)
    return W, c, w, 0.0


def _check_bits(num_bits, max_bits) -> list[int]:
    if isinstance(num_bits, (str, bytes)) or not isinstance(num_bits, Sequence) or not num_bits:
        raise TypeError(f"num_bits must be a non-empty sequence of integers, got {num_bits!r}")
    return [check_int(f"num_bits[{i}]", n, low=1, high=max_bits) for i, n in enumerate(num_bits)]


def _random_bits(shape, seed_pair, num_bits, max_bits):
    """0/1 bits of ``shape`` (M, batch, max_bits) with the columns past each net's n zeroed."""
    bits = tf.cast(tf.random.stateless_uniform(shape, seed_pair) < 0.5, tf.float32)
    mask = tf.cast(tf.range(max_bits)[None, :] < tf.constant(num_bits)[:, None], tf.float32)
    bits = bits * mask[:, None, :]
    parity = tf.math.floormod(tf.reduce_sum(bits, axis=-1), 2.0)
    return bits, parity


def train_parity_mlps(num_bits: Sequence[int] = tuple(range(2, 31)), width: int = 64,
                      num_steps: int = 2000, batch_size: int = 128, lr: float = 3e-3,
                      seed: int = 0, max_bits: int = 30, n_test: int = 4096) -> np.ndarray:
    """Train one ReLU MLP (n -> width -> 1, sigmoid) per entry of ``num_bits`` (notebook 06).

    Each net sees ``num_steps`` batches of ``batch_size`` fresh random bit strings (never the
    same data twice, so it cannot memorise) and is trained with Adam(``lr``) on binary
    cross-entropy; the first layer is He-initialised for its own fan-in ``n``. Returns each
    net's accuracy on ``n_test`` fresh strings, shape (len(num_bits),).
    """
    max_bits = check_int("max_bits", max_bits, low=1, high=1000)
    bits_list = _check_bits(num_bits, max_bits)
    width = check_int("width", width, low=1, high=4096)
    num_steps = check_int("num_steps", num_steps, low=1, high=1_000_000)
    batch_size = check_int("batch_size", batch_size, low=1, high=100_000)
    lr = check_float("lr", lr, low=0.0, low_open=True)
    seed = check_seed("seed", seed)
    n_test = check_int("n_test", n_test, low=1, high=1_000_000)
    M = len(bits_list)

    gen = np.random.default_rng(seed)
    fan_in = np.array(bits_list, float)[:, None, None]
    params = [
        gen.standard_normal((M, max_bits, width)) * np.sqrt(2 / fan_in),
        np.zeros((M, 1, width)),
        gen.standard_normal((M, width, 1)) * np.sqrt(1 / width),
        np.zeros((M, 1, 1)),
    ]
    params = [keras.Variable(p.astype(np.float32)) for p in params]
    optimizer = keras.optimizers.Adam(lr)
    optimizer.build(params)

    def logits(X):
        h = tf.nn.relu(tf.matmul(X, params[0]) + params[1])
        return (tf.matmul(h, params[2]) + params[3])[..., 0]

    @tf.function
    def train():
        for step in tf.range(num_steps):
            pair = tf.stack([tf.constant(seed, tf.int64), tf.cast(step, tf.int64)])
            X, y = _random_bits((M, batch_size, max_bits), pair, bits_list, max_bits)
            with tf.GradientTape() as tape:
                per_net = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
                    labels=y, logits=logits(X)), axis=1)
                loss = tf.reduce_sum(per_net)  # nets are independent: each gets its own gradient
            optimizer.apply_gradients(zip(tape.gradient(loss, params), params, strict=True))

    train()
    pair = tf.constant([seed, num_steps], tf.int64)  # a stream no training step used
    X, y = _random_bits((M, n_test, max_bits), pair, bits_list, max_bits)
    correct = tf.cast(logits(X) > 0, tf.float32) == y
    return tf.reduce_mean(tf.cast(correct, tf.float32), axis=1).numpy()


def parity_gradient_snr(num_bits: int, width: int = 64, batch_size: int = 128,
                        num_nets: int = 10, seed: int = 0) -> float:
    """How much of a batch gradient comes from the parity target, at the start (notebook 06).

    For an MLP ``num_bits`` -> ``width`` ReLU -> 1 initialised as in ``train_parity_mlps``,
    binary cross-entropy on the logit z has gradient E[(sigmoid(z) - y) grad z]; the part
    that depends on the target is -E[(y - 1/2) grad z], which is all the gradient can tell
    about parity. It is computed exactly over all 2 ** num_bits strings, and compared with its
    batch-to-batch noise: the standard deviation of that part's estimate from ``batch_size``
    random strings, sqrt(E|(y - 1/2) grad z|^2 / batch_size). Returns the ratio (signal over
    noise) as the median over ``num_nets`` random initialisations; below 1, a batch's
    gradient is mostly noise.
    """
    n = check_int("num_bits", num_bits, low=1, high=18)
    width = check_int("width", width, low=1, high=4096)
    batch_size = check_int("batch_size", batch_size, low=1, high=1_000_000)
    num_nets = check_int("num_nets", num_nets, low=1, high=1000)
    gen = np.random.default_rng(check_seed("seed", seed))
    X = ((np.arange(2 ** n)[:, None] >> np.arange(n)) & 1).astype(float)  # every string once
    sign = 0.5 - X.sum(axis=1) % 2  # y - 1/2 up to sign: +-1/2
    ratios = []
    for _ in range(num_nets):
        W = gen.standard_normal((n, width)) * np.sqrt(2 / n)
        w = gen.standard_normal(width) * np.sqrt(1 / width)
        pre = X @ W  # biases start at 0
        hidden, slope = maths.activate("relu", pre), maths.slope("relu", pre) * w
        # grad z per string: (W: x_i * slope_k, c: slope_k, w: hidden_k, b: 1)
        signal = np.concatenate([(X * sign[:, None]).T @ slope / len(X),
                                 [sign @ slope / len(X), sign @ hidden / len(X)],
                                 [[sign.mean()]]], axis=None)
        sq = 0.25 * ((1 + X.sum(axis=1)) * (slope ** 2).sum(axis=1)
                     + (hidden ** 2).sum(axis=1) + 1)
        ratios.append(np.linalg.norm(signal) / np.sqrt(sq.mean() / batch_size))
    return float(np.median(ratios))
