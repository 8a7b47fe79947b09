"""The four hidden activations notebook 02 plots, with their slopes, in NumPy.

``value_and_slope(name, z)`` returns f(z) and f'(z) for sigmoid, tanh, relu and leaky_relu
(negative slope 0.2, as Keras' ``activation="leaky_relu"``), from the records of
``xorhelpers.maths``. At z = 0 the slope of relu is taken as 0 and that of leaky_relu as 0.2,
the values TensorFlow's gradients use.
"""

from __future__ import annotations

import numpy as np

from .. import maths

NAMES = ("sigmoid", "tanh", "relu", "leaky_relu")


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
    record = maths.activation(name)
    value = record.value(z)
    return value, record.slope(z, value)
