"""Keras 3 model builders (notebook 02 onwards).

``mlp`` builds a plain stack of Dense layers; ``hand_built_xor`` is the exact two-unit ReLU
solution; ``skip_xor_net`` is the one-hidden-unit network with direct input-to-output
connections; ``count_params`` counts trainable parameters.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._check import check_choice, check_float, check_int, check_seed
from .._tf import keras
from ..maths import ACTIVATIONS, OPTIMIZERS, SGD_MOMENTUM

INITIALIZERS = ("glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "zeros")

# The hand-built solution: h = relu(X @ W + c), out = h @ w + b.
HAND_W = np.array([[1.0, 1.0], [1.0, 1.0]], dtype=np.float32)
HAND_C = np.array([0.0, -1.0], dtype=np.float32)
HAND_w = np.array([[1.0], [-2.0]], dtype=np.float32)
HAND_b = np.array([0.0], dtype=np.float32)


def _initializer(name: str, seed: int | None):
    check_choice("kernel_initializer", name, INITIALIZERS)
    cls = {
        "glorot_uniform": keras.initializers.GlorotUniform,
        "glorot_normal": keras.initializers.GlorotNormal,
        "he_normal": keras.initializers.HeNormal,
        "he_uniform": keras.initializers.HeUniform,
    }.get(name)
    return keras.initializers.Zeros() if cls is None else cls(seed=seed)


def mlp(widths: Sequence[int], activation: str = "relu", output_activation: str = "sigmoid",
        input_dim: int = 2, kernel_initializer: str = "glorot_uniform",
        seed: int | None = None, name: str | None = None):
    """A Keras Sequential MLP: ``input_dim`` -> Dense(w, activation) for w in widths -> Dense(1).

    ``widths`` lists the hidden widths (may be empty: a linear/logistic model). With ``seed``
    each layer's initializer gets its own derived seed, so the initial weights are
    reproducible without touching global state. Returns an uncompiled model.
    """
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence):
        raise TypeError(f"widths must be a sequence of integers, got {widths!r}")
    widths = [check_int(f"widths[{i}]", w, low=1) for i, w in enumerate(widths)]
    check_choice("activation", activation, ACTIVATIONS)
    check_choice("output_activation", output_activation, ACTIVATIONS)
    input_dim = check_int("input_dim", input_dim, low=1)
    if seed is not None:
        seed = check_seed("seed", seed)
    layers = [keras.Input(shape=(input_dim,))]
    for i, w in enumerate([*widths, 1]):
        last = i == len(widths)
        layers.append(keras.layers.Dense(
            w, activation=output_activation if last else activation,
            kernel_initializer=_initializer(kernel_initializer,
                                            None if seed is None else seed * 1000 + i),
            name="output" if last else f"hidden{i + 1}"))
    return keras.Sequential(layers, name=name)


def hand_built_xor():
    """The exact ReLU solution: W = [[1,1],[1,1]], c = [0,-1], w = [1,-2], b = 0.

    Returns a Keras model 2 -> Dense(2, relu) -> Dense(1, linear) whose outputs on the truth
    table are exactly 0, 1, 1, 0.
    """
    model = mlp([2], activation="relu", output_activation="linear", name="hand_built")
    model.get_layer("hidden1").set_weights([HAND_W, HAND_C])
    model.get_layer("output").set_weights([HAND_w, HAND_b])
    return model


def skip_xor_net(hidden_activation: str = "sigmoid", seed: int | None = None):
    """One hidden unit plus direct input-to-output connections (notebook 02).

    out = sigmoid(v . x + u * h + b) with h = act(w . x + c). Returns an uncompiled model.
    """
    check_choice("hidden_activation", hidden_activation, ACTIVATIONS)
    if seed is not None:
        seed = check_seed("seed", seed)
    x = keras.Input(shape=(2,))
    h = keras.layers.Dense(1, activation=hidden_activation, name="hidden1",
                           kernel_initializer=_initializer("glorot_uniform", seed))(x)
    both = keras.layers.Concatenate(name="inputs_and_hidden")([x, h])
    out = keras.layers.Dense(1, activation="sigmoid", name="output",
                             kernel_initializer=_initializer(
                                 "glorot_uniform", None if seed is None else seed + 1))(both)
    return keras.Model(x, out, name="skip_xor_net")


def make_optimizer(name: str, lr: float):
    """A Keras optimizer by name: sgd, momentum (SGD with momentum 0.9), rmsprop or adam."""
    check_choice("optimizer", name, OPTIMIZERS)
    lr = check_float("lr", lr, low=0.0, low_open=True)
    if name == "sgd":
        return keras.optimizers.SGD(lr)
    if name == "momentum":
        return keras.optimizers.SGD(lr, momentum=SGD_MOMENTUM)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(lr)
    return keras.optimizers.Adam(lr)


def fit_full_batch(model, X, y, num_steps: int = 1000, optimizer: str = "adam", lr: float = 0.1,
                   loss: str = "binary_crossentropy", record_every: int = 10,
                   callbacks: list | None = None) -> np.ndarray:
    """Train ``model`` with ``num_steps`` full-batch gradient steps on (X, y) (notebook 02).

    Keras' ``fit`` pays a fixed cost per epoch, so the data are tiled ``record_every`` times and
    fed unshuffled in batches of len(X): every batch is the whole data set, exactly full-batch
    training, at a fraction of the cost. Returns the loss recorded every ``record_every`` steps
    (mean over those steps), shape (num_steps // record_every,). Keras ``callbacks`` (e.g.
    ``xorhelpers.clinic.diagnose.DiagnosticsCallback``, notebook 04) see one epoch per record.
    """
    if not hasattr(model, "fit"):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}")
    check_choice("loss", loss, ("binary_crossentropy", "mse"))
    num_steps = check_int("num_steps", num_steps, low=1, high=10**6)
    record_every = check_int("record_every", record_every, low=1, high=num_steps)
    if num_steps % record_every:
        raise ValueError(f"num_steps ({num_steps}) must be a multiple of record_every "
                         f"({record_every})")
    X = np.asarray(X, np.float32)
    y = np.asarray(y, np.float32)
    if len(X) == 0 or len(X) != len(y):
        raise ValueError(f"X and y must be non-empty with one target per row; got {len(X)} rows "
                         f"and {len(y)} targets")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ValueError("X and y must hold finite numbers")
    model.compile(optimizer=make_optimizer(optimizer, lr), loss=loss,
                  steps_per_execution=record_every)
    Xt = np.concatenate([X] * record_every)
    yt = np.concatenate([y] * record_every)
    hist = model.fit(Xt, yt, batch_size=len(X), epochs=num_steps // record_every,
                     shuffle=False, verbose=0, callbacks=callbacks)
    return np.asarray(hist.history["loss"])


def count_params(model) -> int:
    """Number of trainable parameters of a Keras model."""
    if not hasattr(model, "trainable_weights"):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}")
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))
