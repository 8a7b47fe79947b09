"""Seeding and determinism (introduced in notebook 01, used by every notebook)."""

from __future__ import annotations

import random

import numpy as np

from ._check import check_seed
from ._tf import keras, tf


def seed_everything(seed: int = 0) -> int:
    """Seed Python, NumPy and Keras (which seeds TensorFlow) and turn on TF op determinism.

    Returns the seed. Call it at the top of a notebook and before building each model whose
    initial weights should be reproducible.
    """
    seed = check_seed("seed", seed)
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    return seed

