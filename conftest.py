"""Repository-wide pytest settings, applied whenever pytest runs from the root."""

import os

# Quiet TensorFlow's C++ logging in every process pytest starts (kernels inherit it).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def pytest_collectstart(collector):
    """Do not compare stderr of notebook cells: TensorFlow writes unstable noise there."""
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
