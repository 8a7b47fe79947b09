"""Settings shared by the unit tests: quiet TensorFlow, draw figures off screen."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
