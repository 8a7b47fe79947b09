"""The measurements behind ``xorhelpers.architectures.doctor`` (notebook 05): a view of a Keras
model's graph of Dense layers and one function per kind of fault.

Each ``check_*`` function takes a ``Patient`` (the model, its data and the values every Dense
layer takes on that data) and returns a list of ``Finding``. Nothing here trains or changes
the model; the only gradient computed is of a probe quantity, with the weights left as they are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .. import maths
from .._tf import keras
from ..maths import CLIP_EPS  # Keras clips probabilities into [eps, 1 - eps] in the loss

#: Keras activations whose slope vanishes at both ends: the registry's, and two more.
SATURATING = tuple(a.name for a in maths.REGISTRY.values() if a.saturates) + (
    "hard_sigmoid", "softsign")
MIN_CHAIN = 4  # saturating layers on one path before the chain is measured
CHAIN_RATIO = 0.01  # a gradient shrunk below this across the chain is reported
SATURATED_SLOPE = 0.1  # slope below this share of the unit's largest slope: saturated
SATURATED_ROWS = 0.9  # a unit saturated on at least this share of the rows


@dataclass(frozen=True)
class Finding:
    """One fault: its ``code`` (see ``xorhelpers.architectures.doctor.CODES``), the ``layer`` it
    concerns, its ``severity`` ('error', 'warning' or 'info'), the measured ``evidence`` in words,
    the ``fix`` in one sentence, and the measured numbers in ``values``."""

    code: str
    layer: str
    severity: str
    evidence: str
    fix: str
    values: dict = field(default_factory=dict, compare=False)


def activation_name(layer) -> str:
    """The Keras name of a layer's activation ("unknown" when it has none)."""
    return getattr(layer.activation, "__name__", "unknown")


def _flat(tensors) -> list:
    return [t for t in keras.tree.flatten(tensors) if hasattr(t, "_keras_history")]


def producer(tensor):
    """The operation (layer) that computed a Keras tensor."""
    return tensor._keras_history.operation


def op_inputs(op) -> list:
    """The Keras tensors an operation takes (none for an input layer)."""
    if isinstance(op, keras.layers.InputLayer):
        return []
    return _flat(op.input)


class Graph:
    """The Dense layers of a single-output Keras model and how they connect."""

    def __init__(self, model):
        outputs = _flat(model.outputs)
        if len(outputs) != 1:
            raise ValueError(f"model must have exactly one output, got {len(outputs)}")
        self.output = outputs[0]
        self.dense = []
        self._collect(self.output, set())
        self.dense.reverse()
        order = {layer.name: k for k, layer in enumerate(model.layers)}
        self.dense.sort(key=lambda layer: order.get(layer.name, 0))
        if not self.dense:
            raise ValueError(f"model {model.name!r} has no Dense layers to examine")
        last = self._dense_before(self.output)
        self.output_layer = last[0] if len(last) == 1 else None
        self.output_activation = self._output_activation()

    def _collect(self, tensor, seen) -> None:
        op = producer(tensor)
        if id(op) in seen:
            return
        seen.add(id(op))
        if isinstance(op, keras.layers.Dense):
            self.dense.append(op)
        for t in op_inputs(op):
            self._collect(t, seen)

    def _output_activation(self) -> str:
        """The activation applied last: an Activation layer after the output Dense, or its own."""
        op = producer(self.output)
        while not isinstance(op, keras.layers.Dense):
            if isinstance(op, keras.layers.Activation):
                return activation_name(op)
            inputs = op_inputs(op)
            if len(inputs) != 1:
                break
            op = producer(inputs[0])
        return activation_name(self.output_layer) if self.output_layer is not None else "unknown"

    def _dense_before(self, tensor) -> list:
        """The nearest Dense layers that feed ``tensor`` (through any non-Dense operations)."""
        found, stack, seen = [], [tensor], set()
        while stack:
            op = producer(stack.pop())
            if id(op) in seen:
                continue
            seen.add(id(op))
            if isinstance(op, keras.layers.Dense):
                found.append(op)
            else:
                stack += op_inputs(op)
        return found

    def parents(self, layer) -> list:
        return self._dense_before(layer.input)

    def fed_by_dense(self, layer) -> bool:
        return isinstance(producer(layer.input), keras.layers.Dense)

    def is_cut(self, layer) -> bool:
        """True when every path from the inputs to the output passes through ``layer``."""
        stack, seen = [self.output], set()
        while stack:
            op = producer(stack.pop())
            if op is layer or id(op) in seen:
                continue
            seen.add(id(op))
            if isinstance(op, keras.layers.InputLayer):
                return False
            stack += op_inputs(op)
        return True


@dataclass
class Patient:
    """A model under examination with its data: inputs ``X`` (list of arrays), targets ``y``,
    the loss kind (``'bce'``, ``'bce_logits'``, ``'mse'`` or ``'other'``), the graph, and per
    Dense layer its pre-activations ``Z`` and activations ``A`` on X."""

    model: object
    X: list
    y: np.ndarray
    loss_kind: str
    graph: Graph
    Z: dict
    A: dict
    input_shapes: dict
    output: np.ndarray

    @classmethod
    def measure(cls, model, X, y, loss_kind) -> Patient:
        from .._check import check_memory

        graph = Graph(model)
        check_memory(f"examining {len(y)} rows of model {model.name!r}",
                     measure_bytes(graph, len(y), X),
                     "examine fewer rows or a model with narrower layers")
        probe = keras.Model(model.inputs, [layer.input for layer in graph.dense]
                            + [layer.output for layer in graph.dense] + [graph.output])
        values = probe(list(X), training=False)
        n = len(graph.dense)
        Z, A, shapes = {}, {}, {}
        for k, layer in enumerate(graph.dense):
            inp = np.asarray(values[k], dtype=np.float64)
            W = np.asarray(layer.kernel, dtype=np.float64)
            b = np.asarray(layer.bias, dtype=np.float64) if layer.bias is not None else 0.0
            Z[layer.name] = inp @ W + b
            shapes[layer.name] = tuple(inp.shape[1:])
            A[layer.name] = np.asarray(values[n + k], dtype=np.float64)
        return cls(model, X, y, loss_kind, graph, Z, A, shapes,
                   np.asarray(values[-1], dtype=np.float64))

    @property
    def n(self) -> int:
        return len(self.y)

    def hidden(self) -> list:
        return [layer for layer in self.graph.dense if layer is not self.graph.output_layer]


def measure_bytes(graph: Graph, n: int, X: list) -> int:
    """The memory ``Patient.measure`` and the checks use on ``n`` rows, estimated: each Dense
    layer's input and output in float32 and float64, its pre-activations, and the inputs."""
    def size(tensor) -> int:
        return int(np.prod([d or 1 for d in tensor.shape[1:]]))

    per_row = sum(12 * size(layer.input) + 20 * size(layer.output) for layer in graph.dense)
    return n * (per_row + 24 * sum(int(np.prod(x.shape[1:])) for x in X))


# ----------------------------------------------------------------------------- the output

def check_output(p: Patient) -> list[Finding]:
    layer = p.graph.output_layer
    if layer is None:
        return []
    act, name = p.graph.output_activation, layer.name
    out = p.output
    if act == "softmax" and out.shape[-1] == 1:
        return [Finding("SOFTMAX_ONE_UNIT", name, "error",
                        f"softmax over 1 unit: all {out.size} outputs lie in "
                        f"[{out.min():.3f}, {out.max():.3f}], the same for every input",
                        "use Dense(1, activation='sigmoid') for one binary label (softmax needs "
                        "one unit per class)", dict(min=float(out.min()), max=float(out.max())))]
    found = []
    per_example = tuple(out.shape[1:])
    if _strip_ones(per_example) != _strip_ones(p.y.shape[1:]):
        found.append(Finding(
            "OUTPUT_SHAPE_MISMATCH", name, "error",
            f"the model gives {int(np.prod(per_example))} value(s) per example, shape "
            f"{per_example}, for labels of shape {tuple(p.y.shape[1:])} "
            f"({int(np.prod(p.y.shape[1:]))} values): it cannot predict them all",
            "make the output's shape match the labels (e.g. one output per label)",
            dict(outputs=int(np.prod(per_example)), labels=int(np.prod(p.y.shape[1:])))))
    if p.loss_kind == "bce" and act not in ("sigmoid", "softmax"):  # softmax(1): above
        outside = float(((out < CLIP_EPS) | (out > 1 - CLIP_EPS)).mean())
        zero = float((out == 0).mean())
        found.append(Finding(
            "OUTPUT_LOSS_MISMATCH", name, "error",
            f"{act} output with binary cross-entropy, which needs probabilities in (0, 1); "
            f"on this batch the outputs span [{out.min():.3g}, {out.max():.3g}] and {outside:.0%} "
            f"lie outside (0, 1), where the loss is clipped and passes no gradient "
            f"({zero:.0%} are exactly 0)",
            "use Dense(1, activation='sigmoid') as the output (or a linear output with "
            "from_logits=True)", dict(outside=outside, zero=zero, min=float(out.min()),
                                      max=float(out.max()))))
    elif p.loss_kind == "bce_logits" and _bounded(act):
        found.append(Finding(
            "OUTPUT_LOSS_MISMATCH", name, "error",
            f"{act} output with from_logits=True: the loss applies a sigmoid again, so its "
            f"probabilities stay within [{_sigmoid(out.min()):.3f}, {_sigmoid(out.max()):.3f}]",
            "use a linear output with from_logits=True, or a sigmoid output without it",
            dict(min=float(out.min()), max=float(out.max()))))
    bce = p.loss_kind in ("bce", "bce_logits")
    lo, hi = (0.0, 1.0) if bce else (maths.output_range(act) or (-math.inf, math.inf))
    bad = float(((p.y < lo) | (p.y > hi)).mean())
    if bad > 0:
        what = "binary cross-entropy" if bce else f"a {act} output"
        found.append(Finding(
            "LABELS_OUT_OF_RANGE", name, "error",
            f"labels span [{p.y.min():.3g}, {p.y.max():.3g}] but {what} allows only "
            f"[{lo:g}, {hi:g}]: {bad:.0%} of the labels cannot be reached",
            "encode the labels as 0/1 (or choose an output whose range covers them)",
            dict(outside=bad, y_min=float(p.y.min()), y_max=float(p.y.max()))))
    return found


def _bounded(act: str) -> bool:
    """The activation's outputs have a floor or a ceiling (so they are no logits)."""
    span = maths.output_range(act)
    return span is not None and span != (-math.inf, math.inf)


def _sigmoid(v: float) -> float:
    return float(maths.sigmoid(v))


# ------------------------------------------------------------------- units at initialisation

def _per_unit(Z: np.ndarray) -> np.ndarray:
    return Z.reshape(-1, Z.shape[-1])


def check_units(p: Patient) -> list[Finding]:
    found = []
    for layer in p.hidden():
        act, name = activation_name(layer), layer.name
        Z = _per_unit(p.Z[name])
        width = Z.shape[1]
        if act in maths.ACTIVATIONS and maths.activation(act).can_die:
            dead = int(maths.dead(act, Z).sum())
            if dead:
                severity = "error" if dead == width else "warning" if 2 * dead > width else "info"
                found.append(Finding(
                    "DEAD_UNITS", name, severity,
                    f"{dead} of {width} ReLU units have input <= 0 on all {p.n} rows: they "
                    "output 0 and pass no gradient" + ("; the whole layer is off, so the "
                                                      "output is constant" if dead == width
                                                      else ""),
                    "use leaky ReLU, a wider layer or a small positive bias, or check the "
                    "input scale", dict(dead=dead, width=width)))
        elif act in maths.ACTIVATIONS and maths.activation(act).saturates:
            record = maths.activation(act)
            slope = record.slope(Z) / record.max_slope
            saturated = int(((slope < SATURATED_SLOPE).mean(axis=0) >= SATURATED_ROWS).sum())
            if saturated:
                found.append(Finding(
                    "SATURATED_UNITS", name, "error" if saturated == width else "warning",
                    f"{saturated} of {width} {act} units are flat (slope < "
                    f"{SATURATED_SLOPE:.0%} of their largest) on >= {SATURATED_ROWS:.0%} of the "
                    f"rows; median |input| {np.median(np.abs(Z)):.3g}",
                    "scale the inputs to about [-1, 1] and use Glorot initialisation",
                    dict(saturated=saturated, width=width,
                         median_abs_input=float(np.median(np.abs(Z))))))
    return found


# ------------------------------------------------------------------------ shapes and width

def check_dense_not_flat(p: Patient) -> list[Finding]:
    """Dense mixes only the last axis; fine when the other axes are the label's own
    coordinates (one shared net per position: scalar labels at every position, or labels
    with a feature axis that the model's output matches), a fault otherwise."""
    found = []
    label_shape = _strip_ones(p.y.shape[1:])
    per_position = [label_shape]
    if tuple(p.output.shape[1:]) == tuple(p.y.shape[1:]) and len(p.y.shape) > 2:
        per_position.append(_strip_ones(p.y.shape[1:-1]))  # e.g. a Dense after an LSTM
    for layer in p.graph.dense:
        if p.graph.fed_by_dense(layer):
            continue  # reported at the first Dense of the chain
        shape = p.input_shapes[layer.name]
        middle = _strip_ones(shape[:-1])
        if not middle or middle in per_position:
            continue
        positions = int(np.prod(middle))
        total = positions * int(shape[-1])
        found.append(Finding(
            "DENSE_NOT_FLAT", layer.name, "warning",
            f"input of shape {shape}: Dense({layer.units}) mixes only the last axis, so each "
            f"of its outputs sees {shape[-1]} of the {total} input values "
            f"({int(shape[-1]) / total:.0%}); labels have shape {tuple(p.y.shape[1:])}",
            "Flatten() the input first, or, for a per-position task, give every position its "
            "own features on the last axis (one shared net per position)",
            dict(seen=int(shape[-1]), total=total)))
    return found


def _strip_ones(shape) -> tuple:
    return tuple(int(s) for s in shape if s != 1)


def check_bottleneck(p: Patient) -> list[Finding]:
    """A layer every path passes through, that merges inputs with different labels, or that
    is one number which the labels do not follow monotonically."""
    keys, first = _distinct_inputs(p.X)
    labels = p.y.reshape(p.n, -1)[first]
    counts = np.bincount(keys, minlength=len(first))
    for layer in p.hidden():
        if not p.graph.is_cut(layer):
            continue
        R = p.A[layer.name].reshape(p.n, -1)[first]
        if layer_dead(activation_name(layer), p.Z[layer.name]):
            continue  # a layer that is off everywhere is DEAD_UNITS' finding
        clashes, pair = _clashes(R, labels)
        if clashes:
            a, b = pair
            return [Finding(
                "INFORMATION_LOST", layer.name, "warning",
                f"{clashes} pair(s) of input patterns with different labels reach the same "
                f"value here at the current weights (e.g. patterns {a} and {b} of the batch's "
                f"{len(first)} distinct ones): no layer after it can tell them apart",
                "widen the layer or change its activation so that different inputs stay "
                "different", dict(pairs=clashes, distinct=len(first)))]
        if R.shape[1] == 1 and labels.shape[1] == 1:
            order = np.argsort(R[:, 0], kind="stable")
            seq = labels[order, 0] > 0.5
            changes = int((seq[1:] != seq[:-1]).sum())
            best = _best_threshold(seq, counts[order])
            if changes >= 2:
                return [Finding(
                    "SCALAR_BOTTLENECK", layer.name, "warning",
                    f"every path passes through this single unit; the batch's {len(R)} distinct "
                    f"input patterns give it {len(np.unique(R.round(6)))} distinct values, but "
                    "sorted by value the "
                    f"labels change {changes} times, so no threshold does better than "
                    f"{best:.0%}: the layers after it must decode a non-monotone function of "
                    "one number", "widen it to at least 2 units (or let the inputs bypass it)",
                    dict(changes=changes, best_threshold=best,
                         distinct=len(np.unique(R.round(6)))))]
    return []


def layer_dead(act: str, Z: np.ndarray) -> bool:
    """Every unit of the layer dead on every row (``maths.dead``)."""
    return (act in maths.ACTIVATIONS and maths.activation(act).can_die
            and bool(maths.dead(act, _per_unit(Z)).all()))


def _distinct_inputs(X: list) -> tuple[np.ndarray, np.ndarray]:
    rows = np.concatenate([np.asarray(x, np.float64).reshape(len(x), -1) for x in X], axis=1)
    _, first, keys = np.unique(rows.round(6), axis=0, return_index=True, return_inverse=True)
    return keys.reshape(-1), first


def _clashes(R: np.ndarray, labels: np.ndarray, limit: int = 2000,
             chunk_bytes: int = 2**24) -> tuple[int, tuple[int, int] | None]:
    """(number of pairs i < j of the first ``limit`` rows whose labels differ and whose rows of
    ``R`` agree within 1e-6 * (1 + max |R|) on every unit, the first such pair or None).

    Without the n x n x width array of all differences: rows are sorted by the unit that
    spreads most, only pairs close on that unit are candidates, and the candidates are
    compared on every unit in chunks of about ``chunk_bytes`` bytes."""
    R = np.asarray(R[:limit], np.float64).reshape(min(len(R), limit), -1)
    labels = np.asarray(labels[:limit], np.float64).reshape(len(R), -1)
    n = len(R)
    if n < 2 or R.shape[1] == 0:
        return 0, None
    tol = 1e-6 * (1 + np.abs(R).max())
    with np.errstate(invalid="ignore"):
        spread = np.ptp(R, axis=0)
    col = int(np.argmax(np.where(np.isfinite(spread), spread, -1.0)))
    order = np.argsort(R[:, col], kind="stable")
    v = R[order, col]
    window = 2 * tol if np.isfinite(tol) else math.inf  # generous: the check below is exact
    ends = np.searchsorted(v, v + window, side="right") if np.isfinite(window) else \
        np.full(n, n)
    counts = np.maximum(ends - np.arange(n) - 1, 0)
    per_chunk = max(1, chunk_bytes // (8 * R.shape[1]))
    count, first, start = 0, None, 0
    while start < n:
        stop = start + max(1, int(np.searchsorted(np.cumsum(counts[start:]), per_chunk,
                                                  side="right")))
        k = counts[start:stop]
        a = np.repeat(np.arange(start, stop), k)
        b = a + 1 + np.arange(len(a)) - np.repeat(np.cumsum(k) - k, k)
        i, j = np.minimum(order[a], order[b]), np.maximum(order[a], order[b])
        same = np.abs(R[i] - R[j]).max(axis=1) <= tol
        differ = (np.abs(labels[i] - labels[j]) > 0.5).any(axis=1)
        hit = np.nonzero(same & differ)[0]
        if len(hit):
            count += len(hit)
            best = hit[np.lexsort((j[hit], i[hit]))[0]]
            pair = (int(i[best]), int(j[best]))
            first = pair if first is None else min(first, pair)
        start = stop
    return count, first


def _best_threshold(seq: np.ndarray, weight: np.ndarray) -> float:
    total = weight.sum()
    best = max(weight[seq].sum(), weight[~seq].sum())
    for cut in range(1, len(seq)):
        left, right = seq[:cut], seq[cut:]
        for sign in (True, False):
            right_ok = weight[cut:][right == sign].sum() + weight[:cut][left != sign].sum()
            best = max(best, right_ok)
    return float(best / total)


# ------------------------------------------------------------------------ saturating chains

def check_chain(p: Patient) -> list[Finding]:
    chain = _longest_saturating_path(p)
    if len(chain) < MIN_CHAIN:
        return []
    first, last = chain[0], chain[-1]
    ratio = _gradient_ratio(p, first, last)
    if not ratio < CHAIN_RATIO:
        return []
    acts = sorted({activation_name(layer) for layer in chain})
    return [Finding(
        "SATURATING_CHAIN", first.name, "warning",
        f"{len(chain)} {'/'.join(acts)} layers on one path ({first.name} ... {last.name}); a "
        f"gradient arriving at {last.name} reaches {first.name} scaled by {ratio:.2g} "
        "(ratio of bias-gradient norms on this batch)",
        "use tanh in these hidden layers, or fewer layers (on case A's net, notebook 05, tanh "
        "made the three fixes work where ReLU did not)",
        dict(length=len(chain), ratio=ratio))]


def _longest_saturating_path(p: Patient) -> list:
    best: dict[str, list] = {}
    for layer in p.graph.dense:  # topological order
        before = max((best[q.name] for q in p.graph.parents(layer) if q.name in best),
                     key=len, default=[])
        saturating = (activation_name(layer) in SATURATING
                      and layer is not p.graph.output_layer)
        best[layer.name] = before + [layer] if saturating else list(before)
    return max(best.values(), key=len, default=[])


def _gradient_ratio(p: Patient, first, last) -> float:
    from .._tf import tf

    probe = keras.Model(p.model.inputs, last.output)
    wanted = [first, last]
    variables = [(layer.bias if layer.bias is not None else layer.kernel) for layer in wanted]
    with tf.GradientTape() as tape:
        value = tf.reduce_mean(tf.reduce_sum(
            probe(list(p.X), training=False), axis=-1))
    grads = tape.gradient(value, [v.value for v in variables])
    norms = [0.0 if g is None else float(np.sqrt((np.asarray(g, np.float64) ** 2).sum()))
             for g in grads]
    return norms[0] / norms[1] if norms[1] > 0 else math.nan
