"""Helpers for the XOR notebook collection.

Modules (one idea each): ``repro`` seeding, ``data`` data sets, ``claims`` checked claims,
``stats`` rates with intervals, ``plots`` figures, ``models`` Keras builders,
``exercises`` exercise checkers. Importing the package quiets TensorFlow's C++ log
before TensorFlow is loaded.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _import_tensorflow_quietly() -> None:
    """Import TensorFlow with the process's stderr silenced: its C++ start-up lines (CPU
    features, missing CUDA drivers) are printed before its log level is read and would
    clutter every notebook. Errors still surface as Python exceptions."""
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


_import_tensorflow_quietly()

__version__ = "0.1.0"
