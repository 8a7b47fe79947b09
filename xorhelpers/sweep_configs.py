"""Former home of ``Config`` and friends, kept so that old imports keep working; everything
now lives in the subpackage ``xorhelpers.sweep`` (import from there)."""

from .sweep.config import ACTIVATIONS, INITS, LOSSES, MAX_DEPTH, MAX_WIDTH, OPTIMIZERS, Config, grid
from .sweep.streams import init_stack, init_weights, splitmix64

__all__ = ["ACTIVATIONS", "INITS", "LOSSES", "MAX_DEPTH", "MAX_WIDTH", "OPTIMIZERS", "Config",
           "grid", "init_stack", "init_weights", "splitmix64"]
