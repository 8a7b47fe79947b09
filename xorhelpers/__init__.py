"""Helpers for the XOR notebook collection: every module, one idea each, and the notebook
that introduces it. Importing the package applies the processor rule (``portable``) and loads
nothing else: modules that use Keras load it through ``_tf``, which quiets TensorFlow's C++ log
first, so ``import xorhelpers.stats`` (or ``data``, ``maths``, ``sweep``) stays light.

Read by every module that computes with a network:
    ``maths``            the network's maths, once: activations, losses, forward, solved, dead,
                         Adam and the numbers that must equal Keras 3's
Used by every notebook:
    ``repro``            seeding and determinism
    ``data``             the XOR truth table, noisy clouds, bit-matrix pairs, parity sequences
    ``claims``           check a claim the prose makes and print a one-line verdict
    ``exercises``        the exercise checkers, one module per notebook (``exercises.nb01``...)
    ``plots``            decision boundaries, the hidden-layer view, curves, heat maps
Notebook 01:
    ``linear``           threshold units, the perceptron, least squares on the XOR points
Notebook 02:
    ``models``           Keras 3 builders: ``mlp``, the hand-built solution, training loops
    ``activations``      the four activation curves the notebook plots (from ``maths``)
Notebook 03 (first used in 02):
    ``sweep/``           train thousands of small nets at once, one per (config, seed), and
                         name why a net got stuck (``sweep.Config``, ``sweep.train``...)
    ``stats``            rates over many seeds with 95% Wilson intervals
    ``criteria``         what "solved" means (``maths.solved``, re-exported for the engines)
Notebook 04:
    ``scratch``          a NumPy MLP from scratch: forward, backward, gradient check
    ``case_e``           case E (a from-scratch 2-3-3-1 net stuck at 0.5) and its fixes
    ``diagnose``         dead units, saturation, gradient norms inside a network
    ``born_dead``        how often a deep, narrow ReLU net is constant before training
    ``revival``          whether dead ReLU units come back during training
Notebook 05:
    ``doctor``           examine a Keras model and its data, name each fault with evidence
    ``doctor_checks``    the measurements behind ``doctor``
    ``doctor_input``     ``doctor``'s checks of what the output knows of its input
    ``case_a``           case A, the element-wise XOR of two bit matrices
    ``case_a_recipe``    case A trained with the learner's own recipe, many seeds at once
Notebook 06:
    ``parity/``          LSTM and feed-forward nets on bit parity: recipes, seed banks, figures
Notebook 07 (and the explorer cells of 02 to 04):
    ``explorer/``        the what-if explorer: settings, results, figures, widgets
Tools (no notebook imports them):
    ``slides``           each notebook's lecture path: cell slide types (``dev.py slides``)
    ``book/``            the collection as a static site that works offline (``dev.py book``)
Internal:
    ``portable``         the rule that makes printed numbers the same on every processor
    ``_check``           argument validation with errors that name the argument
    ``_scratch_checks``  the checked inputs of ``scratch``
    ``_weights``         the one parser of lists of (W, b) pairs
    ``_tf``              the one way TensorFlow and Keras load: quietly, logging set first
    ``keras_constants``  ``maths``' Keras numbers re-exported for the sweep engines
"""

from xorhelpers import portable

# Before NumPy and TensorFlow load: the same kernels on every processor (see ``portable``).
portable.apply()

__version__ = "0.1.0"
