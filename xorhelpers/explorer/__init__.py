"""The what-if explorer (notebook 07): settings, results, figures, widgets, take-away code.

Three layers, usable apart: ``State`` (the settings, never invalid, and the ``sweep.Config``
they map to; its fields, checks and controls all come from one table, ``FIELDS``, a row per
setting), ``run`` / ``run_seeds`` (pure functions from a state to its results, training
through ``xorhelpers.sweep``), and the view ``Explorer`` (ipywidgets and matplotlib).
``show(preset="case_b_relu")`` opens the view on a preset; ``PRESETS`` lists them.
"""

from . import draw
from .code import config_code, keras_code, python_code, state_from_code
from .compute import NetRun, SeedRun, frame_steps, known_plateaus, plateau_name, run, run_seeds
from .draw import NetFigure, SeedFigure
from .presets import PRESETS, Preset, preset
from .state import FIELDS, State, as_state

__all__ = ["CLASSES", "FIELDS", "PRESETS", "Explorer", "NetFigure", "NetRun", "Preset",
           "SeedFigure", "SeedRun", "State", "as_state", "config_code", "figure", "frame_steps",
           "keras_code", "known_plateaus", "plateau_name", "preset", "python_code", "run",
           "run_seeds", "show", "state_from_code"]


def figure(r, dpi: float = 100):
    """A matplotlib ``Figure`` of a ``NetRun`` or ``SeedRun``, drawn as the view draws it, for
    static display in a notebook with ``display(figure(r))``. It is not a pyplot figure, so
    it is shown exactly where it is displayed and never a second time at the cell's end."""
    from matplotlib.figure import Figure

    if isinstance(r, NetRun):
        return NetFigure(Figure(figsize=draw.SIZE, dpi=dpi)).update(r).figure()
    if isinstance(r, SeedRun):
        return SeedFigure(Figure(figsize=(7.5, 3.0), dpi=dpi)).update(r).figure()
    raise TypeError(f"r must be a NetRun or a SeedRun, got {type(r).__name__}")


_VIEW = ("CLASSES", "Explorer", "show")


def __getattr__(name: str):
    """The view's names (ipywidgets) load on first use, so that ``State``, ``run`` and the
    presets import without widgets."""
    if name in _VIEW:
        from . import view

        return getattr(view, name)
    raise AttributeError(f"module 'xorhelpers.explorer' has no attribute {name!r}")
