"""Seeding and determinism (introduced in notebook 01, used by every notebook)."""

from __future__ import annotations

import os
import random

import keras
import numpy as np
import tensorflow as tf

from ._check import check_seed


def seed_everything(seed: int = 0) -> int:
    """Seed Python, NumPy and Keras (which seeds TensorFlow) and turn on TF op determinism.

    Returns the seed. Call it at the top of a notebook and before building each model whose
    initial weights should be reproducible.
    """
    seed = check_seed("seed", seed)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    return seed


def rng(seed: int) -> np.random.Generator:
    """A NumPy Generator for ``seed`` (validated)."""
    return np.random.default_rng(check_seed("seed", seed))
