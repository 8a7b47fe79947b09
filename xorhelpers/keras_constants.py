"""Numbers and names that must equal Keras 3's, in one place.

The NumPy code that imitates Keras (``xorhelpers.scratch``, ``xorhelpers.born_dead``, both
sweep engines) and the Keras builders (``xorhelpers.models``) read them from here, so that a
change in one cannot leave another disagreeing with Keras. Each is checked against Keras
itself in ``tests/test_keras_constants.py``.
"""

from __future__ import annotations

#: Hidden activations every helper accepts, by their Keras names.
ACTIVATIONS = ("relu", "leaky_relu", "sigmoid", "tanh", "linear")

#: The negative slope of ``activation="leaky_relu"`` (``keras.activations.leaky_relu``).
LEAKY_SLOPE = 0.2

#: The standard deviation of a standard normal truncated at +-2 standard deviations, by
#: which Keras' truncated-normal initializers (``he_normal``, ``glorot_normal``) divide.
TRUNCATED_NORMAL_STD = 0.87962566103423978

#: Optimizer names of ``models.make_optimizer`` and the sweep engines.
OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")

#: Keras 3 defaults: Adam's betas, RMSprop's rho, the epsilon both add, and the momentum
#: ``make_optimizer("momentum", lr)`` uses.
ADAM_BETA_1 = 0.9
ADAM_BETA_2 = 0.999
RMSPROP_RHO = 0.9
EPSILON = 1e-7
SGD_MOMENTUM = 0.9
