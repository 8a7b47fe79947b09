"""Kept for the sweep engines until they read ``xorhelpers.maths`` directly: the numbers and
names that must equal Keras 3's live in ``maths`` now (this module only re-exports them)."""

from .maths import (  # noqa: F401
    ACTIVATIONS,
    ADAM_BETA_1,
    ADAM_BETA_2,
    EPSILON,
    LEAKY_SLOPE,
    OPTIMIZERS,
    RMSPROP_RHO,
    SGD_MOMENTUM,
    TRUNCATED_NORMAL_STD,
)
