"""Train many small networks at once, one per (config, seed): the sweep (notebook 03 onwards).

``train(configs, seeds)`` trains every pair of a ``Config`` and a seed; each network keeps its
own weights, optimizer state and minibatch order, and nothing flows between networks, so a
network trained among thousands ends exactly where it ends when trained alone. The result, a
``SweepResult``, holds per-network arrays (final loss, accuracy, solved flag and step, loss
curve, dead units, divergence, weights) and gives rates with 95% Wilson intervals per config.
The failure-mode helpers (``code_partition``, ``linear_on_points``, ``failure_mode``,
``plateau_loss``) name why a network got stuck and the loss plateau that implies.

Modules: ``config`` (what to train, checked inputs), ``streams`` (every seeded random
number), ``numpy_engine`` (the readable array program), ``fast_engine`` (the compiled one,
the default), ``result`` (``SweepResult`` and ``GroupRun``, the engines' contract),
``training`` (``train``; ``result.state``, a ``TrainState``, continues it with
``train(..., resume=state)``), ``budget`` (the memory a sweep needs, checked before any
work), ``modes`` (the failure modes). The forward pass of trained networks is
``maths.forward`` on ``result.stacked_weights()``.
"""

from .budget import MEMORY_LIMIT, estimate_bytes
from .config import ACTIVATIONS, INITS, LOSSES, MAX_DEPTH, MAX_WIDTH, OPTIMIZERS, Config, grid
from .modes import MODES, code_partition, failure_mode, linear_on_points, plateau_loss
from .result import FLAGS, GroupRun, SweepResult, TrainState, WeightTable
from .streams import batch_order, hash_keys, init_stack, init_weights, splitmix64
from .training import ENGINES, default_engine, train

__all__ = ["ACTIVATIONS", "ENGINES", "FLAGS", "INITS", "LOSSES", "MAX_DEPTH", "MAX_WIDTH",
           "MEMORY_LIMIT", "MODES", "OPTIMIZERS", "Config", "GroupRun", "SweepResult",
           "TrainState", "batch_order", "estimate_bytes",
           "WeightTable", "code_partition", "default_engine", "failure_mode", "grid",
           "hash_keys", "init_stack", "init_weights", "linear_on_points", "plateau_loss",
           "splitmix64", "train"]
