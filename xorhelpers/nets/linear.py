"""Linear models on the XOR points: threshold units, the perceptron, least squares (notebook 01).

A linear threshold unit says 1 when w . x + b > 0 and 0 otherwise. These helpers show, by
computation, that no such unit fits XOR, that the perceptron rule then cycles for ever, and
that one extra feature, x1 * x2, makes the problem linearly separable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import maths
from .._check import check_float, check_int, check_seed


def _array(name: str, value) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of real numbers, got "
                        f"{type(value).__name__} {str(value)[:60]}") from None
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must hold finite numbers, got "
                         f"{int((~np.isfinite(arr)).sum())} non-finite entries")
    return arr


def _points(X, y=None):
    X = _array("X", X)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must be a non-empty 2-D array (n, d), got shape {X.shape}")
    if y is None:
        return X
    y = _array("y", y).reshape(-1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one label per row of X ({X.shape[0]}), got {y.shape[0]}")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError(f"y must hold 0/1 labels, got values {np.unique(y)}")
    return X, y


def _weights(w, d: int, name: str = "w") -> np.ndarray:
    w = _array(name, w).reshape(-1)
    if w.shape[0] != d:
        raise ValueError(f"{name} must have {d} entries (one per column of X), got {w.shape[0]}")
    return w


def threshold_predict(X, w, b: float) -> np.ndarray:
    """0/1 outputs of the threshold unit ``w . x + b > 0`` on each row of ``X``."""
    X = _points(X)
    return (X @ _weights(w, X.shape[1]) + check_float("b", b) > 0).astype(float)


def random_threshold_units(num: int, seed: int = 0, scale: float = 3.0
                           ) -> tuple[np.ndarray, np.ndarray]:
    """``num`` random threshold units: weights (num, 2) and biases (num,), uniform in +/-scale."""
    num = check_int("num", num, low=1, high=10**8)
    scale = check_float("scale", scale, low=0.0, low_open=True)
    gen = np.random.default_rng(check_seed("seed", seed))
    W = gen.uniform(-scale, scale, size=(num, 2))
    return W, gen.uniform(-scale, scale, size=num)


def accuracies(X, y, W, b) -> np.ndarray:
    """Fraction of the rows of ``X`` that each threshold unit (row of ``W``, entry of ``b``)
    classifies correctly; shape (units,)."""
    X, y = _points(X, y)
    W, b = _units(W, b, X.shape[1])
    out = (W @ X.T + b[:, None] > 0)
    return (out == y.astype(bool)[None, :]).mean(axis=1)


def _units(W, b, d: int) -> tuple[np.ndarray, np.ndarray]:
    W = _array("W", W)
    b = _array("b", b).reshape(-1)
    if W.ndim != 2 or W.shape[1] != d or W.shape[0] != b.shape[0]:
        raise ValueError(f"W must have shape (units, {d}) and b shape (units,), got "
                         f"{W.shape} and {b.shape}")
    return W, b


def labelings(X, W, b) -> set[tuple[int, ...]]:
    """The distinct 0/1 labelings of the rows of ``X`` produced by the given threshold units."""
    X = _points(X)
    W, b = _units(W, b, X.shape[1])
    out = (W @ X.T + b[:, None] > 0)
    return {tuple(int(v) for v in row) for row in np.unique(out.astype(int), axis=0)}


@dataclass
class PerceptronRun:
    """History of a perceptron run: the (w, b) state at the start of every epoch, the
    number of mistakes made in each epoch, the state after every single example (``path``);
    ``converged`` when an epoch made none."""

    states: list[tuple[float, ...]]
    mistakes: list[int]
    converged: bool
    path: list[tuple[float, ...]]

    def cycle(self) -> tuple[int, int] | None:
        """(first epoch, period) of the earliest repeated start-of-epoch state, or None."""
        seen: dict[tuple[float, ...], int] = {}
        for epoch, state in enumerate(self.states):
            if state in seen:
                return seen[state], epoch - seen[state]
            seen[state] = epoch
        return None


def perceptron(X, y, epochs: int = 50, lr: float = 1.0, w0=None, b0: float = 0.0
               ) -> PerceptronRun:
    """Rosenblatt's rule in a fixed order: on a mistake, w += lr (y - yhat) x and b likewise.

    Stops early after an epoch with no mistake. Returns a ``PerceptronRun``.
    """
    X, y = _points(X, y)
    epochs = check_int("epochs", epochs, low=1, high=10**6)
    lr = check_float("lr", lr, low=0.0, low_open=True)
    w = np.zeros(X.shape[1]) if w0 is None else _weights(w0, X.shape[1], "w0").copy()
    b = check_float("b0", b0)
    states, mistakes, path = [], [], []
    for _ in range(epochs):
        states.append(tuple(float(v) for v in (*w, b)))
        wrong = 0
        for x, target in zip(X, y, strict=True):
            err = target - float(x @ w + b > 0)
            if err:
                wrong += 1
                w += lr * err * x
                b += lr * err
            path.append(tuple(float(v) for v in (*w, b)))
        mistakes.append(wrong)
        if wrong == 0:
            return PerceptronRun(states, mistakes, True, path)
    return PerceptronRun(states, mistakes, False, path)


def least_squares(X, y) -> tuple[np.ndarray, float, float]:
    """The linear fit w . x + b minimising the mean squared error; returns (w, b, mse)."""
    X, y = _points(X, y)
    A = np.column_stack([X, np.ones(len(X))])
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    mse = float(np.mean((A @ coef - y) ** 2))
    return coef[:-1], float(coef[-1]), mse


def with_product(X) -> np.ndarray:
    """``X`` with a third column x1 * x2 appended: the feature that makes XOR separable."""
    X = _points(X)
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 columns, got {X.shape[1]}")
    return np.column_stack([X, X[:, 0] * X[:, 1]])


def logistic_regression(X, y, num_steps: int = 5000, lr: float = 1.0, w0=None, b0: float = 0.0
                        ) -> tuple[np.ndarray, float, float]:
    """Fit sigmoid(w . x + b) by full-batch gradient descent on the mean binary cross-entropy.

    Starts from ``w0`` (zeros when None) and ``b0``. Returns (w, b, loss) after ``num_steps``
    steps, the loss in nats. Notebook 01 uses it to show that on XOR the best such linear
    model is the constant 1/2, with loss ln 2.
    """
    X, y = _points(X, y)
    num_steps = check_int("num_steps", num_steps, low=1, high=10**7)
    lr = check_float("lr", lr, low=0.0, low_open=True)
    w = np.zeros(X.shape[1]) if w0 is None else _weights(w0, X.shape[1], "w0").copy()
    b = check_float("b0", b0)
    bce = maths.loss("binary_crossentropy")
    for _ in range(num_steps):
        dz = bce.logit_slope(maths.sigmoid(X @ w + b), y)  # p - y
        w -= lr * X.T @ dz / len(X)
        b -= lr * float(np.mean(dz))
    z = X @ w + b
    loss = float(np.mean(maths.bce_with_logits(z, y)))  # -y ln p - (1-y) ln(1-p), stably
    return w, float(b), loss
