"""The one way the package loads TensorFlow and Keras: ``from ._tf import keras, tf``.

``import xorhelpers`` has already set ``TF_CPP_MIN_LOG_LEVEL=3`` (unless the environment says
otherwise), so that a notebook's own ``import keras`` is quiet too; this module imports
TensorFlow with the process's stderr silenced as well: its C++ start-up lines (CPU
features, missing CUDA drivers) are printed before the log level is read and would clutter
every notebook. Errors still surface as Python exceptions. Modules built around Keras import
it at their top; modules that need it in one function import it there, so that importing
them stays light (``xorhelpers.stats``, ``data``, ``maths``, ``sweep`` load no TensorFlow).
"""

import os
import sys


def _import_quietly() -> None:
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import keras  # noqa: F401
        import tensorflow  # noqa: F401
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


_import_quietly()

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import ops  # noqa: E402

__all__ = ["keras", "ops", "tf"]
