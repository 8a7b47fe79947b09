"""Activations and slopes (notebook 02) against Keras and against finite differences."""

import numpy as np
import pytest

from xorhelpers._tf import keras
from xorhelpers.nets import slopes

Z = np.concatenate([np.linspace(-6, 6, 241), [-0.3, 0.7]])
Z_AWAY_FROM_0 = Z[np.abs(Z) > 1e-3]


@pytest.mark.parametrize("name", slopes.NAMES)
def test_values_match_keras(name):
    value, _ = slopes.value_and_slope(name, Z)
    ref = np.asarray(keras.activations.get(name)(Z.astype("float32")), dtype=float)
    assert np.allclose(value, ref, atol=1e-6)


@pytest.mark.parametrize("name", slopes.NAMES)
def test_slopes_match_central_differences(name):
    eps = 1e-6
    _, slope = slopes.value_and_slope(name, Z_AWAY_FROM_0)
    up, _ = slopes.value_and_slope(name, Z_AWAY_FROM_0 + eps)
    down, _ = slopes.value_and_slope(name, Z_AWAY_FROM_0 - eps)
    assert np.allclose(slope, (up - down) / (2 * eps), atol=1e-6)


def test_known_values():
    assert slopes.value_and_slope("sigmoid", 0.0)[1] == pytest.approx(0.25)
    assert slopes.value_and_slope("tanh", 0.0)[1] == pytest.approx(1.0)
    assert slopes.value_and_slope("relu", [-1.0, 0.0, 2.0])[1].tolist() == [0.0, 0.0, 1.0]
    assert slopes.value_and_slope("leaky_relu", [-1.0, 0.0, 2.0])[1].tolist() == [0.2, 0.2,
                                                                                        1.0]
    assert slopes.value_and_slope("leaky_relu", -5.0)[0] == pytest.approx(-1.0)
    big = slopes.value_and_slope("sigmoid", [-800.0, 800.0])
    assert big[0].tolist() == [0.0, 1.0] and np.isfinite(big[1]).all()


def test_bad_input():
    with pytest.raises(ValueError, match="name"):
        slopes.value_and_slope("softplus", Z)
    with pytest.raises(ValueError, match="z must hold finite"):
        slopes.value_and_slope("relu", [0.0, np.nan])
    with pytest.raises(TypeError, match="z must be"):
        slopes.value_and_slope("relu", "abc")
