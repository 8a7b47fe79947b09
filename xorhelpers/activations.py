"""The hidden activations of the collection and their slopes, in NumPy (notebook 02).

``value_and_slope(name, z)`` returns f(z) and f'(z) for sigmoid, tanh, relu and leaky_relu
(negative slope 0.2, as Keras' ``activation="leaky_relu"``). At z = 0 the slope of relu is
taken as 0 and that of leaky_relu as 0.2, the values TensorFlow's gradients use.
"""

from __future__ import annotations

import numpy as np

NAMES = ("sigmoid", "tanh", "relu", "leaky_relu")
LEAKY_SLOPE = 0.2


def value_and_slope(name: str, z) -> tuple[np.ndarray, np.ndarray]:
    """``(f(z), f'(z))`` of the activation ``name`` (one of ``NAMES``), elementwise, float64."""
    if not isinstance(name, str) or name not in NAMES:
        raise ValueError(f"name must be one of {', '.join(NAMES)}; got {name!r}")
    try:
        z = np.asarray(z, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"z must be an array of real numbers, got {type(z).__name__}") from None
    if not np.isfinite(z).all():
        raise ValueError(f"z must hold finite numbers, got {int((~np.isfinite(z)).sum())} "
                         "non-finite entries")
    if name == "sigmoid":
        s = 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), without overflow
        return s, s * (1.0 - s)
    if name == "tanh":
        t = np.tanh(z)
        return t, 1.0 - t**2
    if name == "relu":
        return np.maximum(z, 0.0), (z > 0).astype(float)
    return np.where(z > 0, z, LEAKY_SLOPE * z), np.where(z > 0, 1.0, LEAKY_SLOPE)
