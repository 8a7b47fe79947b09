"""The constants that must equal Keras' do, and every module reads them from one place."""

import inspect
import math
import re

from xorhelpers import born_dead, keras_constants, models, scratch, sweep


def test_the_constants_are_keras_defaults():
    import keras

    assert inspect.signature(keras.activations.leaky_relu).parameters[
        "negative_slope"].default == keras_constants.LEAKY_SLOPE
    for name in keras_constants.ACTIVATIONS:
        assert callable(keras.activations.get(name))
    adam, rmsprop = keras.optimizers.Adam(), keras.optimizers.RMSprop()
    assert (adam.beta_1, adam.beta_2, adam.epsilon) == (
        keras_constants.ADAM_BETA_1, keras_constants.ADAM_BETA_2, keras_constants.EPSILON)
    assert (rmsprop.rho, rmsprop.epsilon) == (keras_constants.RMSPROP_RHO,
                                               keras_constants.EPSILON)
    assert models.make_optimizer("momentum", 0.1).momentum == keras_constants.SGD_MOMENTUM
    # Keras divides by the std of a standard normal truncated at +-2; recompute it:
    # variance 1 - 2 * 2 phi(2) / (Phi(2) - Phi(-2))
    phi2 = math.exp(-2.0) / math.sqrt(2 * math.pi)
    std = math.sqrt(1 - 4 * phi2 / math.erf(2 / math.sqrt(2)))
    assert abs(std - keras_constants.TRUNCATED_NORMAL_STD) < 1e-12
    source = inspect.getsource(keras.initializers.VarianceScaling)
    written = re.findall(r"0\.8796\d+", source)
    assert written and all(float(w) == keras_constants.TRUNCATED_NORMAL_STD for w in written)


def test_every_module_uses_the_shared_constants():
    assert scratch.LEAKY_SLOPE is born_dead.LEAKY_SLOPE is keras_constants.LEAKY_SLOPE
    assert born_dead._HE_TRUNCATION is keras_constants.TRUNCATED_NORMAL_STD
    assert models.ACTIVATIONS is sweep.ACTIVATIONS is keras_constants.ACTIVATIONS
    assert tuple(scratch.ACTIVATIONS) == keras_constants.ACTIVATIONS
    assert models.OPTIMIZERS is sweep.OPTIMIZERS is keras_constants.OPTIMIZERS
