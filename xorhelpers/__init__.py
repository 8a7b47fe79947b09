"""Helpers for the XOR notebook collection: every module, one idea each, and the notebook
that introduces it. Importing the package applies the processor rule (``portable``) and loads
nothing else: modules that use Keras load it through ``_tf``, which quiets TensorFlow's C++ log
first, so ``import xorhelpers.stats`` (or ``data``, ``maths``, ``sweep``) stays light.

Shared basics, used across the collection:
    ``maths``            the network's maths, once: activations, losses, forward, solved, dead,
                         Adam and the numbers that must equal Keras 3's
    ``data``             the XOR truth table, noisy clouds, bit-matrix pairs, parity sequences
    ``stats``            rates over many seeds with 95% Wilson intervals
    ``claims``           check a claim the prose makes and print a one-line verdict
    ``plots``            decision boundaries, the hidden-layer view, curves, heat maps
    ``pictures``         the fold: the whole input plane pushed through a hidden layer (02)
    ``repro``            seeding and determinism
    ``exercises/``       the exercise checkers, one module per notebook (``exercises.nb01``...)
The teaching networks, ``nets/``:
    ``nets.linear``      threshold units, the perceptron, least squares (notebook 01)
    ``nets.slopes``      the activation curves and slopes notebook 02 plots (from ``maths``)
    ``nets.models``      Keras 3 builders: ``mlp``, the hand-built solution, training loops
    ``nets.scratch``     a NumPy MLP from scratch: forward, backward, gradient check (04)
Many networks at once (notebook 03 onwards, first used in 02):
    ``sweep/``           train thousands of small nets at once, one per (config, seed), and
                         name why a net got stuck (``sweep.Config``, ``sweep.train``...)
    ``layer_gradients``  each layer's gradient in many stacked nets: vanishing gradients (03)
The case studies, one subpackage per notebook:
    ``clinic/``          notebook 04: ``case_e`` (a from-scratch 2-3-3-1 net stuck at 0.5),
                         ``diagnose`` (dead units, saturation, gradient norms), ``born_dead``
                         (deep narrow ReLU nets constant from the start), ``revival``
    ``architectures/``   notebook 05: ``doctor`` (examine a Keras model, name each fault with
                         evidence; ``doctor_checks`` and ``doctor_input`` measure), ``case_a``
                         and ``case_a_recipe`` (the element-wise XOR of two bit matrices),
                         ``shared_diagram`` (case A's shared net drawn)
    ``parity/``          notebook 06: LSTM and feed-forward nets on bit parity, the LSTM's
                         gates step by step (``parity.gates``)
    ``explorer/``        notebook 07 (and the explorer cells of 02 to 04): the what-if explorer
Tools (no notebook imports them):
    ``slides``           each notebook's lecture path: cell slide types (``dev.py slides``)
    ``book/``            the collection as a static site that works offline (``dev.py book``)
Internal:
    ``portable``         the rule that makes printed numbers the same on every processor
    ``_tf``              the one way TensorFlow and Keras load: quietly, logging set first
    ``_check``           argument validation with errors that name the argument
    ``_weights``         the one parser of lists of (W, b) pairs
    ``nets._scratch_checks``  the checked inputs of ``nets.scratch``
"""

import os as _os

from xorhelpers import portable

# Before NumPy and TensorFlow load: the same kernels on every processor (see ``portable``).
portable.set_rule_variables()
# ... and TensorFlow's C++ start-up log (CPU features, no CUDA driver) kept out of notebooks,
# whether Keras is loaded by a helper (through ``_tf``) or by a notebook's own ``import keras``.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"


def __getattr__(name: str):
    """``from xorhelpers import keras``: Keras 3, loaded through ``_tf`` (quietly) on first use,
    so that importing the package itself stays light."""
    if name == "keras":
        from ._tf import keras

        return keras
    raise AttributeError(f"module 'xorhelpers' has no attribute {name!r}")
