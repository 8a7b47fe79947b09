"""Helpers for the XOR notebook collection.

Modules (one idea each): ``repro`` seeding, ``data`` data sets, ``claims`` checked claims,
``stats`` rates with intervals, ``plots`` figures, ``models`` Keras builders,
``exercises`` exercise checkers. Importing the package quiets TensorFlow's C++ log
before TensorFlow is loaded.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"
