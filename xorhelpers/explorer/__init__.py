"""The what-if explorer (notebook 07): settings, results, figures, widgets, take-away code.

Three layers, usable apart: ``State`` (the settings, never invalid, and the ``sweep.Config``
they map to), ``run`` / ``run_seeds`` (pure functions from a state to its results, training
through ``xorhelpers.sweep``), and the view ``Explorer`` (ipywidgets and matplotlib).
``show(preset="case_b_relu")`` opens the view on a preset; ``PRESETS`` lists them.
"""

from .compute import NetRun, SeedRun, frame_steps, known_plateaus, plateau_name, run, run_seeds
from .state import State, as_state

__all__ = ["NetRun", "SeedRun", "State", "as_state", "frame_steps", "known_plateaus",
           "plateau_name", "run", "run_seeds"]
