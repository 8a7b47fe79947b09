"""Measure what is going on inside a network: dead units, saturation, gradient norms, weight and
activation statistics, per layer, and a Keras callback that records them while training
(notebook 04).

Every function takes either a Keras model (its Dense layers are inspected, in order) or a
``xorhelpers.nets.scratch.Net`` (one network, not a stack of them), plus the data ``X`` to look at:

- ``dead_units``: per layer, which ReLU units are never active (input <= 0) on any row of X.
  Such a unit passes no gradient, and its own weights get none. In the first hidden layer it
  therefore stays dead; higher up it can come back when the layers below it change its inputs
  (``xorhelpers.clinic.revival`` counts how often).
- ``saturation``: per layer, the fraction of (example, unit) pairs of a sigmoid or tanh layer
  whose slope is below ``threshold`` times its largest slope: there the gradient is crushed.
- ``gradient_norms``: per layer, the norm of the loss gradient with respect to W and b.
- ``weight_stats`` and ``activation_stats``: mean, spread and extremes per layer.
- ``diagnose``: all of it at once, as a ``Diagnosis`` whose ``table()`` prints one line a layer.
- ``Recorder`` / ``DiagnosticsCallback``: a ``Diagnosis`` every few epochs, as arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import maths
from .._check import check_choice, check_float, check_int
from .._tf import keras, tf
from ..nets import scratch

# ------------------------------------------------------------- one view of either kind of net

class _View:
    """What the measures need of a network, whatever its kind: ``names``, ``activations`` and
    ``input_dims``; ``weights()``, ``values(X)`` (Z, A per layer), ``gradients(X, y, loss)``
    and ``loss_name(loss)``. Two adapters: ``_ScratchView`` and ``_KerasView``."""

    names: tuple[str, ...]
    activations: tuple[str, ...]
    input_dims: tuple[int, ...]
    dtype = np.float64

    def inputs(self, X) -> list[np.ndarray]:
        """X checked against the model's input sizes, as a list of float arrays (one per input)."""
        parts = list(X) if isinstance(X, (list, tuple)) else [X]
        if len(parts) != len(self.input_dims):
            raise ValueError(f"X must hold {len(self.input_dims)} input arrays for this model, "
                             f"got {len(parts)}")
        out = []
        for part, dim in zip(parts, self.input_dims, strict=True):
            arr = np.asarray(part, dtype=float)
            if arr.ndim != 2 or arr.shape[1] != dim:
                raise ValueError(f"X must have shape (n, {dim}), got shape {arr.shape}")
            if len(arr) == 0:
                raise ValueError("X must hold at least one row, got an empty array")
            if not np.isfinite(arr).all():
                raise ValueError("X must hold finite numbers only")
            out.append(arr.astype(self.dtype))
        if len({len(a) for a in out}) != 1:
            raise ValueError(f"the input arrays of X must have the same number of rows, got "
                             f"{[len(a) for a in out]}")
        return out


class _ScratchView(_View):
    """A ``scratch.Net`` holding one network."""

    def __init__(self, net: scratch.Net):
        if net.n_models is not None:
            raise ValueError(f"model must be one network; this scratch Net holds "
                             f"{net.n_models}: diagnose them one at a time")
        self.net = net
        self.names = tuple(f"layer{k + 1}" for k in range(len(net.weights)))
        self.activations = net.activations
        self.input_dims = (net.layer_sizes[0],)

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(W, b) per layer, float64, W (fan_in, fan_out) and b (fan_out,)."""
        return [(W.copy(), b[0].copy()) for W, b in zip(self.net.weights, self.net.biases,
                                                        strict=True)]

    def values(self, X) -> list[tuple[np.ndarray, np.ndarray]]:
        """(Z, A) per layer on the inputs X: pre-activations and activations, each (n, width)."""
        _, cache = scratch.forward(self.net, X[0])
        return [(Z, A) for _, Z, A in cache]

    def gradients(self, X, y, loss: str | None) -> list[tuple[np.ndarray, np.ndarray]]:
        """(dW, db) per layer of the net's own mean loss on (X, y)."""
        if loss is not None and loss != self.net.loss:
            raise ValueError(f"loss must be None or the net's own loss {self.net.loss!r} for "
                             f"a scratch Net, got {loss!r}")
        return [(dW, db[0]) for dW, db in scratch.backward(self.net, X[0], y)]

    def loss_name(self, loss) -> str:
        return self.net.loss


class _KerasView(_View):
    """The Dense layers of a Keras model, in order (looking inside nested models)."""

    dtype = np.float32

    def __init__(self, model):
        self.model = model
        self.dense = _dense_layers(model)
        if not self.dense:
            raise ValueError(f"model {model.name!r} has no Dense layers to diagnose")
        try:
            inputs = model.inputs
        except (AttributeError, ValueError) as exc:
            raise ValueError(f"model {model.name!r} has no defined inputs yet; build it with "
                             "keras.Input(...) first") from exc
        self.names = tuple(layer.name for layer in self.dense)
        self.activations = tuple(getattr(layer.activation, "__name__", "unknown")
                                 for layer in self.dense)
        self.input_dims = tuple(int(t.shape[-1]) for t in inputs)
        self.probe = keras.Model(inputs[0] if len(inputs) == 1 else inputs,
                                 [layer.input for layer in self.dense])

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(W, b) per layer, float64, W (fan_in, fan_out) and b (fan_out,)."""
        out = []
        for layer in self.dense:
            W = np.asarray(layer.kernel, dtype=float)
            b = (np.asarray(layer.bias, dtype=float) if layer.bias is not None
                 else np.zeros(W.shape[1]))
            out.append((W, b))
        return out

    def values(self, X) -> list[tuple[np.ndarray, np.ndarray]]:
        """(Z, A) per layer on the inputs X: each layer's input from the model, Z and A from
        its weights in float64 (the registry's activation, or the layer's own for others)."""
        inputs = self.probe(X[0] if len(X) == 1 else X, training=False)
        if not isinstance(inputs, (list, tuple)):
            inputs = [inputs]
        out = []
        for layer, inp, (W, b), name in zip(self.dense, inputs, self.weights(),
                                            self.activations, strict=True):
            Z = np.asarray(inp, dtype=float) @ W + b
            if name in maths.ACTIVATIONS:
                A = maths.activate(name, Z)
            else:
                A = np.asarray(layer.activation(np.asarray(Z, np.float32)), dtype=float)
            out.append((Z, A))
        return out

    def gradients(self, X, y, loss: str | None) -> list[tuple[np.ndarray, np.ndarray]]:
        """(dW, db) per layer of the mean loss on (X, y), by tf.GradientTape."""
        loss_fn = _keras_loss(self.model, loss)
        variables = []
        for layer in self.dense:
            variables += [layer.kernel] + ([layer.bias] if layer.bias is not None else [])
        with tf.GradientTape() as tape:
            pred = self.model(X[0] if len(X) == 1 else X, training=False)
            target = np.asarray(y, np.float32).reshape(tuple(pred.shape))
            value = loss_fn(target, pred)
        grads = tape.gradient(value, [v.value for v in variables])
        out, i = [], 0
        for layer in self.dense:
            dW = _to_array(grads[i], layer.kernel.shape)
            i += 1
            if layer.bias is not None:
                db = _to_array(grads[i], layer.bias.shape)
                i += 1
            else:
                db = np.zeros(dW.shape[1])
            out.append((dW, db))
        return out

    def loss_name(self, loss):
        return loss or getattr(self.model, "loss", None)


def _view(model) -> _View:
    """The adapter of ``model``: a scratch Net or a Keras model."""
    if isinstance(model, scratch.Net):
        return _ScratchView(model)
    if isinstance(model, keras.Model):
        return _KerasView(model)
    raise TypeError(f"model must be a Keras model or a xorhelpers.nets.scratch.Net, got "
                    f"{type(model).__name__}")


def _dense_layers(model) -> list:
    """The Dense layers of a Keras model in order, looking inside nested models."""
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            found.append(layer)
        elif isinstance(layer, keras.Model):
            found += _dense_layers(layer)
    return found


def _to_array(grad, shape) -> np.ndarray:
    return np.zeros(tuple(shape)) if grad is None else np.asarray(grad, dtype=float)


def _keras_loss(model, loss):
    if loss is None:
        loss = getattr(model, "loss", None)
        if loss is None:
            raise ValueError("loss must be given ('binary_crossentropy' or 'mse') for a model "
                             "that is not compiled")
    if isinstance(loss, str):
        check_choice("loss", loss, maths.LOSSES + ("mean_squared_error",))
        return (keras.losses.BinaryCrossentropy() if loss == "binary_crossentropy"
                else keras.losses.MeanSquaredError())
    if callable(loss):
        return loss
    raise TypeError(f"loss must be a loss name or a Keras loss, got {loss!r}")


def _targets(y, n: int) -> np.ndarray:
    y = np.asarray(y, dtype=float)
    if y.size != n or y.ndim > 2:
        raise ValueError(f"y must have shape ({n},), one target per row of X; got shape "
                         f"{y.shape}")
    return y.reshape(n)


# --------------------------------------------------------------------------- the measures

def dead_units(model, X) -> list[np.ndarray]:
    """Per layer, a boolean array over its units: True for a ReLU unit whose input is <= 0 on
    every row of ``X`` (never active, so it passes no gradient). Units of other activations are
    never called dead. Notebook 04."""
    ins = _view(model)
    X = ins.inputs(X)
    return [_dead(name, Z) for (Z, _), name in zip(ins.values(X), ins.activations,
                                                    strict=True)]


def _dead(name: str, Z: np.ndarray) -> np.ndarray:
    """``maths.dead`` for a layer of any Keras activation (those not in the registry: none)."""
    if name in maths.ACTIVATIONS:
        return maths.dead(name, Z)
    return np.zeros(Z.shape[1], dtype=bool)


def saturation(model, X, threshold: float = 0.1) -> list[float]:
    """Per layer, the fraction of (example, unit) pairs of a sigmoid or tanh layer whose slope
    is below ``threshold`` times the activation's largest slope (0.25 for sigmoid, 1 for tanh);
    NaN for layers of other activations. Notebook 04."""
    threshold = check_float("threshold", threshold, low=0.0, high=1.0, low_open=True)
    ins = _view(model)
    X = ins.inputs(X)
    return _saturation(ins.values(X), ins.activations, threshold)


def _saturation(values, activations, threshold) -> list[float]:
    out = []
    for (Z, A), name in zip(values, activations, strict=True):
        record = maths.REGISTRY.get(name)
        if record is not None and record.saturates:
            out.append(float((record.slope(Z, A) < threshold * record.max_slope).mean()))
        else:
            out.append(math.nan)
    return out


def gradient_norms(model, X, y, loss: str | None = None) -> list[float]:
    """Per layer, the Euclidean norm of d loss / d (W, b) on (X, y) (notebook 04).

    For a Keras model the loss is ``loss`` or else the model's compiled loss; for a scratch
    Net it is the net's own loss.
    """
    ins = _view(model)
    X = ins.inputs(X)
    y = _targets(y, len(X[0]))
    return [float(np.sqrt((dW ** 2).sum() + (db ** 2).sum()))
            for dW, db in ins.gradients(X, y, loss)]


def weight_stats(model) -> list[dict[str, float]]:
    """Per layer, statistics of the kernel W and bias b: ``w_mean``, ``w_std``,
    ``w_max_abs``, ``b_mean`` (notebook 04)."""
    ins = _view(model)
    return [_weight_stats(W, b) for W, b in ins.weights()]


def _weight_stats(W, b) -> dict[str, float]:
    return dict(w_mean=float(W.mean()), w_std=float(W.std()), w_max_abs=float(np.abs(W).max()),
                b_mean=float(b.mean()))


def activation_stats(model, X) -> list[dict[str, float]]:
    """Per layer, statistics of the activations on ``X``: ``a_mean``, ``a_std``,
    ``a_zero_fraction`` (the fraction of exact zeros) (notebook 04)."""
    ins = _view(model)
    X = ins.inputs(X)
    return [_activation_stats(A) for _, A in ins.values(X)]


def _activation_stats(A) -> dict[str, float]:
    return dict(a_mean=float(A.mean()), a_std=float(A.std()),
                a_zero_fraction=float((A == 0).mean()))


# ------------------------------------------------------------------------ all at once

@dataclass(frozen=True)
class Diagnosis:
    """Everything ``diagnose`` measured, one entry per layer (notebook 04).

    ``names``, ``activations``, ``widths``; ``dead`` (number of dead units), ``saturated``
    (fraction, NaN for non-sigmoid/tanh layers), ``grad_norm``; weight statistics ``w_mean``,
    ``w_std``, ``w_max_abs``, ``b_mean``; activation statistics ``a_mean``, ``a_std``,
    ``a_zero_fraction``; and ``loss`` on the data.
    """

    names: tuple[str, ...]
    activations: tuple[str, ...]
    widths: tuple[int, ...]
    dead: tuple[int, ...]
    saturated: tuple[float, ...]
    grad_norm: tuple[float, ...]
    w_mean: tuple[float, ...]
    w_std: tuple[float, ...]
    w_max_abs: tuple[float, ...]
    b_mean: tuple[float, ...]
    a_mean: tuple[float, ...]
    a_std: tuple[float, ...]
    a_zero_fraction: tuple[float, ...]
    loss: float

    @property
    def total_dead(self) -> int:
        return int(sum(self.dead))

    @property
    def dead_layer(self) -> bool:
        """True when some layer has all its units dead: the output is then the same for every
        input, and no gradient reaches the layers below."""
        return any(d == w for d, w in zip(self.dead, self.widths, strict=True))

    def table(self) -> str:
        """One line per layer with rounded values (stable enough to print in a notebook)."""
        head = (f"{'layer':<10}{'act':<9}{'units':>5}{'dead':>6}{'sat':>6}{'|grad|':>10}"
                f"{'W std':>8}{'A mean':>8}{'A=0':>6}")
        lines = [head]
        for k, name in enumerate(self.names):
            sat = "-" if math.isnan(self.saturated[k]) else f"{self.saturated[k]:.0%}"
            lines.append(f"{name[:9]:<10}{self.activations[k][:8]:<9}{self.widths[k]:>5}"
                         f"{self.dead[k]:>6}{sat:>6}{self.grad_norm[k]:>10.1e}"
                         f"{self.w_std[k]:>8.2f}{self.a_mean[k]:>8.2f}"
                         f"{self.a_zero_fraction[k]:>6.0%}")
        lines.append(f"loss {self.loss:.4f}; dead units {self.total_dead}"
                     + ("; a whole layer is dead" if self.dead_layer else ""))
        return "\n".join(lines)


def diagnose(model, X, y, loss: str | None = None, threshold: float = 0.1) -> Diagnosis:
    """Measure dead units, saturation, gradient norms, weight and activation statistics and
    the loss of ``model`` on (X, y); returns a ``Diagnosis`` (notebook 04)."""
    threshold = check_float("threshold", threshold, low=0.0, high=1.0, low_open=True)
    return _diagnose(_view(model), X, y, loss, threshold)


def _diagnose(ins: _View, X, y, loss, threshold) -> Diagnosis:
    X = ins.inputs(X)
    y = _targets(y, len(X[0]))
    values = ins.values(X)
    weights = ins.weights()
    grads = ins.gradients(X, y, loss)
    dead = [int(_dead(name, Z).sum()) for (Z, _), name in zip(values, ins.activations,
                                                             strict=True)]
    ws = [_weight_stats(W, b) for W, b in weights]
    acts = [_activation_stats(A) for _, A in values]
    output = values[-1][1][:, 0] if values[-1][1].shape[1] == 1 else None
    return Diagnosis(
        names=ins.names, activations=ins.activations,
        widths=tuple(int(W.shape[1]) for W, _ in weights), dead=tuple(dead),
        saturated=tuple(_saturation(values, ins.activations, threshold)),
        grad_norm=tuple(float(np.sqrt((dW ** 2).sum() + (db ** 2).sum())) for dW, db in grads),
        w_mean=tuple(s["w_mean"] for s in ws), w_std=tuple(s["w_std"] for s in ws),
        w_max_abs=tuple(s["w_max_abs"] for s in ws), b_mean=tuple(s["b_mean"] for s in ws),
        a_mean=tuple(s["a_mean"] for s in acts), a_std=tuple(s["a_std"] for s in acts),
        a_zero_fraction=tuple(s["a_zero_fraction"] for s in acts),
        loss=_loss(ins, values, output, y, loss))


def _loss(ins, values, output, y, loss) -> float:
    name = ins.loss_name(loss)
    if output is None or name not in maths.LOSSES + ("mean_squared_error",):
        return math.nan
    if name == "binary_crossentropy":
        return float(maths.bce_from_probabilities(output, y).mean())
    return float(maths.squared_error(output, y).mean())


# ------------------------------------------------------------------------ over training

class Recorder:
    """Collects a ``Diagnosis`` of a model at chosen moments (notebook 04).

    ``record(model, step)`` measures the model on the recorder's (X, y); ``steps`` and
    ``history`` hold what was recorded; ``series(field)`` stacks one ``Diagnosis`` field into an
    array of shape (records, layers), or (records,) for ``loss``. Works with Keras models and
    scratch Nets; ``DiagnosticsCallback`` calls it from ``model.fit``.
    """

    def __init__(self, X, y, loss: str | None = None, threshold: float = 0.1):
        self.X, self.y, self.loss = X, y, loss
        self.threshold = check_float("threshold", threshold, low=0.0, high=1.0, low_open=True)
        self.steps: list[int] = []
        self.history: list[Diagnosis] = []
        self._view = None
        self._model = None

    def record(self, model, step: int) -> Diagnosis:
        """Diagnose ``model`` now and remember it under ``step``; returns the Diagnosis."""
        step = check_int("step", step, low=0)
        if self._model is not model:
            self._view, self._model = _view(model), model
        diagnosis = _diagnose(self._view, self.X, self.y, self.loss, self.threshold)
        self.steps.append(step)
        self.history.append(diagnosis)
        return diagnosis

    def series(self, field: str) -> np.ndarray:
        """One field of every recorded Diagnosis, stacked: (records, layers) or (records,)."""
        allowed = [f for f in Diagnosis.__dataclass_fields__ if f not in ("names", "activations")]
        check_choice("field", field, allowed)
        if not self.history:
            raise ValueError("nothing recorded yet: call record(model, step) first")
        return np.array([getattr(d, field) for d in self.history], dtype=float)


class DiagnosticsCallback(keras.callbacks.Callback):
    """A Keras callback that diagnoses the model on (X, y) before training and after every
    ``every`` epochs (notebook 04). Its ``recorder`` (a ``Recorder``) holds the results, with
    ``recorder.steps`` counting epochs."""

    def __init__(self, X, y, every: int = 1, loss: str | None = None, threshold: float = 0.1):
        super().__init__()
        self.every = check_int("every", every, low=1)
        self.recorder = Recorder(X, y, loss=loss, threshold=threshold)

    def on_train_begin(self, logs=None):
        if not self.recorder.steps:
            self.recorder.record(self.model, 0)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self.recorder.record(self.model, epoch + 1)
