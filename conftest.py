"""Repository-wide pytest settings, applied whenever pytest runs from the root."""

import os
from importlib.metadata import version

# Quiet TensorFlow's C++ logging in every process pytest starts (kernels inherit it).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# NumPy >= 2.4 picks its exp/log kernels by processor, and the AVX-512 ones round differently
# in the last bit, which moves a seed count in a printed table. Asking for the AVX2 kernels
# makes an AVX-512 machine print what other x86-64 machines print (dev.py does the same).
if tuple(int(p) for p in version("numpy").split(".")[:2]) >= (2, 4):
    os.environ.setdefault("NPY_DISABLE_CPU_FEATURES", "X86_V4")


def pytest_collectstart(collector):
    """Do not compare stderr of notebook cells: TensorFlow writes unstable noise there."""
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
