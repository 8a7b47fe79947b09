"""A model doctor: examine a Keras 3 model and a batch of its data, and name each fault with
the measured evidence and a one-line fix (notebook 05).

``examine(model, X, y, loss=None)`` works on compiled or uncompiled models, Sequential or
functional, with one input or several, and returns a ``Report``: a list of ``Finding`` (code,
layer, severity, evidence, fix, measured values) that prints as a table and renders as HTML in
a notebook. It never changes the model's weights: the optional trial fit trains a copy.

The codes (a fixed set; severities are 'error': learning is blocked or cannot reach the
labels, 'warning': learning is made hard, 'info': noted, often harmless):

- ``OUTPUT_LOSS_MISMATCH``: the output activation does not fit the loss (e.g. a ReLU, linear or
  tanh output with binary cross-entropy; a sigmoid output with ``from_logits=True``).
- ``SOFTMAX_ONE_UNIT``: softmax over a single unit, which outputs 1 whatever the input.
- ``LABELS_OUT_OF_RANGE``: labels the output (or the loss) cannot produce.
- ``OUTPUT_SHAPE_MISMATCH``: the output holds fewer or other values per example than the
  labels (ignoring axes of length 1).
- ``INFORMATION_LOST``: a layer that every path passes through maps inputs with different
  labels to the same value at the current weights: no later layer can separate them.
- ``SCALAR_BOTTLENECK``: every path passes through one unit, and the labels are not monotone
  in its value: later layers must decode a non-monotone function of one number (possible, but
  hard to learn).
- ``SATURATING_CHAIN``: at least four sigmoid/tanh layers on one path, with the gradient shrunk
  below 1% across them (measured).
- ``DEAD_UNITS``: ReLU units whose input is <= 0 on every row of the batch.
- ``SATURATED_UNITS``: sigmoid/tanh units that are flat on at least 90% of the rows.
- ``DENSE_NOT_FLAT``: Dense applied to an input with more than one axis that is not a
  per-position layout of the labels: it mixes only the last axis.
- ``NO_HIDDEN_NONLINEARITY``: no nonlinearity between the inputs and the output, and no
  hyperplane gets every row of the batch's 0/1 labels right (XOR: none does better than the
  constant prediction).
- ``OUTPUT_IGNORES_INPUT``: over the batch the output varies by less than 1/1000 of the
  labels' range: it gives nearly one answer whatever the input.
- ``STUCK_AT_CHANCE``: after a short trial fit (only when ``trial_epochs`` > 0), the loss is
  no better than the best constant prediction's (ln 2 for balanced 0/1 labels) and the
  accuracy no better than always answering the majority label.
"""

from __future__ import annotations

import contextlib
import html
import textwrap
from dataclasses import dataclass

import numpy as np

from .. import maths
from .._check import check_float, check_int, check_seed
from .._tf import keras
from .doctor_checks import (
    Finding,
    Patient,
    check_bottleneck,
    check_chain,
    check_dense_not_flat,
    check_output,
    check_units,
)
from .doctor_input import check_constant_output, check_linear

__all__ = ["CODES", "SEVERITIES", "Finding", "Report", "examine", "constant_loss"]

CODES = ("OUTPUT_LOSS_MISMATCH", "SOFTMAX_ONE_UNIT", "LABELS_OUT_OF_RANGE",
         "OUTPUT_SHAPE_MISMATCH", "INFORMATION_LOST",
         "SCALAR_BOTTLENECK", "SATURATING_CHAIN", "DEAD_UNITS", "SATURATED_UNITS",
         "DENSE_NOT_FLAT", "NO_HIDDEN_NONLINEARITY", "OUTPUT_IGNORES_INPUT", "STUCK_AT_CHANCE")
SEVERITIES = ("error", "warning", "info")
MAX_ROWS = 2048


@dataclass(frozen=True)
class Report:
    """What ``examine`` found (notebook 05): ``model_name``, ``n_rows`` examined and the
    ``findings`` (a tuple of ``Finding``), most severe first. ``codes`` lists their codes,
    ``warnings`` the findings that are not 'info'; ``str(report)`` is a text table and
    notebooks render it as an HTML table."""

    model_name: str
    n_rows: int
    findings: tuple[Finding, ...]

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "info"]

    def has(self, code: str) -> bool:
        """True when some finding has this ``code`` (one of ``CODES``)."""
        if code not in CODES:
            raise ValueError(f"code must be one of {', '.join(CODES)}; got {code!r}")
        return code in self.codes

    def __len__(self) -> int:
        return len(self.findings)

    def _head(self) -> str:
        if not self.findings:
            return (f"model {self.model_name!r}, {self.n_rows} rows: no findings (nothing "
                    "the doctor checks looks wrong)")
        counts = ", ".join(f"{sum(f.severity == s for f in self.findings)} {s}"
                           for s in SEVERITIES if any(f.severity == s for f in self.findings))
        return f"model {self.model_name!r}, {self.n_rows} rows: {len(self)} findings ({counts})"

    def __str__(self) -> str:
        lines = [self._head()]
        for k, f in enumerate(self.findings, 1):
            lines.append(f"{k}. {f.code} [{f.severity}] at {f.layer}")
            lines += textwrap.wrap(f"evidence: {f.evidence}", 96, initial_indent="   ",
                                   subsequent_indent="     ")
            lines += textwrap.wrap(f"fix: {f.fix}", 96, initial_indent="   ",
                                   subsequent_indent="     ")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = "".join(
            f"<tr><td><code>{esc(f.code)}</code></td><td>{esc(f.layer)}</td>"
            f"<td>{esc(f.severity)}</td><td>{esc(f.evidence)}</td><td>{esc(f.fix)}</td></tr>"
            for f in self.findings)
        table = ("<table><thead><tr><th>code</th><th>layer</th><th>severity</th>"
                 f"<th>evidence</th><th>fix</th></tr></thead><tbody>{rows}</tbody></table>"
                 if self.findings else "")
        return f"<p>{esc(self._head())}</p>{table}"


def examine(model, X, y, loss=None, *, trial_epochs: int = 0, trial_lr: float = 0.01,
            trial_batch_size: int = 32, seed: int = 0) -> Report:
    """Examine ``model`` on the batch (X, y) and return a ``Report`` (notebook 05).

    ``X`` is one array, or a list with one array per model input; ``y`` holds the targets
    (first axis: one row per example). ``loss`` (a name such as 'binary_crossentropy' or 'mse',
    or a Keras loss) is needed when the model is not compiled. With ``trial_epochs`` > 0 a copy
    of the model is trained for that many epochs on (X, y) (Adam, ``trial_lr``, batch
    ``trial_batch_size``, seeded with ``seed``) to test for STUCK_AT_CHANCE. At most the first
    2048 rows are examined (the trial fit uses all of them). The model's weights are never
    changed; the trial seeds Python, NumPy and Keras through ``repro.seed_everything(seed)``.
    A loss the doctor does not know (a custom function, or a Keras loss name other than
    binary cross-entropy or squared error, such as 'categorical_crossentropy' or 'mae') skips
    the loss-specific checks and the trial fit. Dense layers inside nested Sequential models
    are examined as if the model were flat. The states of stateful layers, Python's and NumPy's
    random state and TensorFlow's op determinism are as they were when it returns. Memory:
    about 8-20 bytes per row for each value a Dense layer takes in or gives out; more than
    2 GiB (``MEMORY_LIMIT``) is refused before any work (a 784-512-1 model on 2048 rows
    needs about 70 MiB).
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}")
    trial_epochs = check_int("trial_epochs", trial_epochs, low=0, high=1000)
    trial_lr = check_float("trial_lr", trial_lr, low=0.0, low_open=True)
    trial_batch_size = check_int("trial_batch_size", trial_batch_size, low=1)
    seed = check_seed("seed", seed)
    try:
        inputs = model.inputs
    except (AttributeError, ValueError) as exc:
        raise ValueError(f"model {model.name!r} has no defined inputs; build it from "
                         "keras.Input(...) first") from exc
    if not inputs:
        raise ValueError(f"model {model.name!r} has no defined inputs; build it from "
                         "keras.Input(...) first")
    if len(keras.tree.flatten(model.outputs)) != 1:
        raise ValueError(f"model must have exactly one output, got "
                         f"{len(keras.tree.flatten(model.outputs))}: examine one output at a "
                         "time (e.g. keras.Model(model.inputs, model.outputs[0]))")
    loss_kind, loss_fn = _loss(model, loss)
    X = _inputs(X, inputs)
    y = _targets(y, len(X[0]))
    X_all, y_all = X, y
    X, y = [x[:MAX_ROWS] for x in X], y[:MAX_ROWS]
    with _states_kept(model):
        patient = Patient.measure(_flat_model(model), X, y, loss_kind)
        findings = []
        for check in (check_output, check_bottleneck, check_chain, check_units,
                      check_dense_not_flat, check_linear, check_constant_output):
            findings += check(patient)
    if trial_epochs and not any(f.code == "OUTPUT_SHAPE_MISMATCH" for f in findings):
        findings += _trial(model, X_all, y_all, loss_fn, loss_kind, trial_epochs, trial_lr,
                           trial_batch_size, seed)
    order = {s: k for k, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: order[f.severity])  # stable: check order within a severity
    return Report(model.name, len(y), tuple(findings))


# ------------------------------------------------------------------------ arguments

_LOSS_NAMES = {"binary_crossentropy": "bce", "bce": "bce", "mse": "mse",
               "mean_squared_error": "mse"}


def _loss(model, loss):
    """(kind, Keras loss) for ``loss`` or, when it is None, the model's compiled loss."""
    if loss is None:
        loss = getattr(model, "loss", None)
        if loss is None:
            raise ValueError(f"loss must be given for model {model.name!r}, which is not "
                             "compiled (e.g. loss='binary_crossentropy' or 'mse')")
    if isinstance(loss, str):
        if loss not in _LOSS_NAMES:
            try:
                return "other", keras.losses.get(loss)
            except (ValueError, TypeError):
                raise ValueError(f"loss must be one of {', '.join(map(repr, _LOSS_NAMES))}, "
                                 f"another Keras loss name or a Keras loss, got {loss!r}"
                                 ) from None
        kind = _LOSS_NAMES[loss]
        return kind, (keras.losses.BinaryCrossentropy() if kind == "bce"
                      else keras.losses.MeanSquaredError())
    if isinstance(loss, keras.losses.BinaryCrossentropy):
        return ("bce_logits" if loss.get_config().get("from_logits") else "bce"), loss
    if isinstance(loss, keras.losses.MeanSquaredError):
        return "mse", loss
    if loss is keras.losses.binary_crossentropy:
        return "bce", loss
    if loss is keras.losses.mean_squared_error:
        return "mse", loss
    if callable(loss):
        return "other", loss
    raise TypeError(f"loss must be a loss name or a Keras loss, got {loss!r}")


def _inputs(X, inputs) -> list[np.ndarray]:
    if X is None or isinstance(X, (dict, str)):
        raise TypeError(f"X must be an array, or a list with one array per model input, got "
                        f"{type(X).__name__}")
    many = isinstance(X, (list, tuple)) and (len(inputs) > 1 or len(X) == 1)
    parts = list(X) if many else [X]  # one input: a list of rows is one array
    if len(parts) != len(inputs):
        raise ValueError(f"X must hold {len(inputs)} input array(s) for this model, got "
                         f"{len(parts)}")
    out = []
    for k, (part, tensor) in enumerate(zip(parts, inputs, strict=True)):
        try:
            arr = np.asarray(part, dtype=np.float32)
        except (TypeError, ValueError) as exc:
            what = (f"an array of dtype {part.dtype}" if isinstance(part, np.ndarray)
                    else type(part).__name__)
            raise TypeError(f"X[{k}] must be an array of numbers, got {what}") from exc
        want = tuple(tensor.shape[1:])
        if arr.ndim != len(want) + 1 or any(w is not None and w != s
                                            for w, s in zip(want, arr.shape[1:], strict=True)):
            raise ValueError(f"X[{k}] must have shape (n, {', '.join(map(str, want))}) for "
                             f"input {tensor.name!r}, got shape {arr.shape}")
        if len(arr) == 0:
            raise ValueError(f"X[{k}] must hold at least one row, got an empty array")
        if not np.isfinite(arr).all():
            raise ValueError(f"X[{k}] must hold finite numbers only")
        out.append(arr)
    if len({len(a) for a in out}) != 1:
        raise ValueError(f"the arrays of X must have the same number of rows, got "
                         f"{[len(a) for a in out]}")
    return out


def _targets(y, n: int) -> np.ndarray:
    try:
        y = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        what = (f"an array of dtype {np.asarray(y).dtype}" if isinstance(y, np.ndarray)
                else type(y).__name__)
        raise TypeError(f"y must be an array of numbers, got {what}") from exc
    if y.ndim == 0 or len(y) != n:
        raise ValueError(f"y must have one row per row of X ({n}), got shape {y.shape}")
    if not np.isfinite(y).all():
        raise ValueError("y must hold finite numbers only")
    return y


# ------------------------------------------------------------------- what is left unchanged

@contextlib.contextmanager
def _states_kept(model):
    """Put back the states of stateful layers (e.g. a stateful LSTM) after the block."""
    held = [(v, np.array(v)) for layer in model._flatten_layers(include_self=False)
            if getattr(layer, "stateful", False)
            for v in keras.tree.flatten(getattr(layer, "states", None) or [])
            if hasattr(v, "assign")]
    try:
        yield
    finally:
        for v, value in held:
            v.assign(value)


@contextlib.contextmanager
def _globals_kept():
    """Put back Python's and NumPy's random state and TF's op determinism after the block."""
    import random

    from tensorflow.python.framework import config as tf_config  # its public API only enables

    py_state, np_state = random.getstate(), np.random.get_state()
    deterministic = tf_config.is_op_determinism_enabled()
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
        if not deterministic:
            tf_config.disable_op_determinism()


def _flat_model(model):
    """``model`` with nested Sequential models opened up: a Sequential of copies of all the
    layers (same weights) when ``model`` is a Sequential holding Sequentials, else ``model``."""
    if not isinstance(model, keras.Sequential) or not any(
            isinstance(layer, keras.Sequential) for layer in model.layers):
        return model

    def leaves(m):
        for layer in m.layers:
            yield from leaves(layer) if isinstance(layer, keras.Sequential) else [layer]

    copies = []
    with _unsafe_ok():
        for layer in leaves(model):
            twin = layer.__class__.from_config(layer.get_config())
            copies.append((twin, layer))
    flat = keras.Sequential([keras.Input(model.inputs[0].shape[1:]),
                             *(t for t, _ in copies)], name=model.name)
    for twin, layer in copies:
        twin.set_weights(layer.get_weights())
    return flat


def _unsafe_ok():
    """Allow Lambda layers to be copied: their function is already in this process."""
    from keras.src.saving.serialization_lib import SafeModeScope

    return SafeModeScope(False)


# ------------------------------------------------------------------------ the trial fit

def constant_loss(y, loss_kind: str = "bce") -> float:
    """The loss of the best constant prediction on targets ``y`` (notebook 05): the entropy
    of the label rate for binary cross-entropy (ln 2 for balanced labels), the variance for
    squared error."""
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if loss_kind == "mse":
        return float(y.var())
    if loss_kind not in ("bce", "bce_logits"):
        raise ValueError(f"loss_kind must be 'bce', 'bce_logits' or 'mse', got {loss_kind!r}")
    q = float(y.mean())
    return float(maths.bce_from_probabilities(q, q, eps=1e-12))


def _trial(model, X, y, loss_fn, loss_kind, epochs, lr, batch_size, seed) -> list[Finding]:
    if loss_kind == "other":
        return []
    from ..repro import seed_everything

    with _globals_kept():
        seed_everything(seed)
        with _unsafe_ok():
            twin = keras.models.clone_model(model)
        twin.set_weights(model.get_weights())
        twin.compile(optimizer=keras.optimizers.Adam(lr), loss=loss_fn)
        feed = X[0] if len(X) == 1 else list(X)
        twin.fit(feed, y.astype(np.float32), epochs=epochs, batch_size=batch_size, verbose=0)
        pred = np.asarray(twin.predict(feed, verbose=0, batch_size=4096), dtype=np.float64)
    pred = pred.reshape(len(y), -1)
    target = y.reshape(len(y), -1)
    if pred.shape != target.shape:
        pred = np.broadcast_to(pred, target.shape)
    if loss_kind == "mse":
        final = float(maths.squared_error(pred, target).mean())
    else:
        prob = maths.sigmoid(pred) if loss_kind == "bce_logits" else pred
        final = float(maths.bce_from_probabilities(prob, target).mean())
        pred = np.clip(prob, maths.CLIP_EPS, 1 - maths.CLIP_EPS)
    cut = 0.0 if loss_kind == "bce_logits" else 0.5
    accuracy = float(((pred > 0.5 if loss_kind != "bce_logits" else pred > cut)
                      == (target > 0.5)).mean())
    base = constant_loss(target, "mse" if loss_kind == "mse" else "bce")
    majority = float(max((target > 0.5).mean(), (target <= 0.5).mean()))
    if final >= base - 0.01 and accuracy <= majority + 0.02:
        return [Finding(
            "STUCK_AT_CHANCE", "(model)", "error",
            f"after a {epochs}-epoch trial fit (Adam {lr:g}, batch {batch_size}): loss "
            f"{final:.3f}, against {base:.3f} for the best constant prediction; accuracy "
            f"{accuracy:.0%}, against {majority:.0%} for always answering the majority label",
            "fix the errors and warnings above first; the model is learning nothing "
            "beyond the label rate", dict(loss=final, constant_loss=base, accuracy=accuracy,
                                          majority=majority))]
    return []
