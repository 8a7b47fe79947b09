"""The two LSTM parity recipes of notebook 06 as frozen, validated dataclasses.

``CASE_C`` is case C's recipe as its author ran it; ``RECIPE`` is ours, chosen by measurement
(``benchmarks/parity.py``). Building a recipe checks every field, so a recipe that exists is
one that can be trained; ``replace`` gives a changed copy, checked again. ``str`` of a recipe
is its fields as a dict, e.g. ``{'n': 100000, 'length': 50, ...}``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from .._check import check_choice, check_float, check_int

CELLS = ("lstm", "gru")


def check_stages(stages) -> tuple[tuple[int, int], ...]:
    """Validate a length curriculum: a non-empty sequence of (length, num_steps) pairs.
    Returns it as a tuple of int pairs (notebook 06)."""
    if isinstance(stages, (str, bytes)) or not isinstance(stages, Sequence) or not stages:
        raise TypeError(f"stages must be a non-empty sequence of (length, num_steps) pairs, "
                        f"got {stages!r}")
    out = []
    for i, stage in enumerate(stages):
        if not isinstance(stage, Sequence) or len(stage) != 2:
            raise TypeError(f"stages[{i}] must be a (length, num_steps) pair, got {stage!r}")
        out.append((check_int(f"stages[{i}] length", stage[0], low=1, high=100_000),
                    check_int(f"stages[{i}] num_steps", stage[1], low=1, high=1_000_000)))
    return tuple(out)


class _Recipe:
    """What both recipes share: a dict view, a dict-like ``str`` and a checked ``replace``."""

    def as_dict(self) -> dict:
        """The fields and their values, in order."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def __str__(self) -> str:
        return str(self.as_dict())

    def replace(self, **changes):
        """A copy with ``changes`` applied (and checked)."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class CaseCRecipe(_Recipe):
    """Case C's recipe (notebook 06): ``n`` sequences of ``length`` bits with a running-parity
    target at every step, an LSTM(``units``) with a softmax readout, Adam(``lr``) for
    ``epochs`` shuffled epochs of batches of ``batch_size``."""

    n: int = 100_000
    length: int = 50
    units: int = 1
    epochs: int = 10
    batch_size: int = 128
    lr: float = 1e-3

    def __post_init__(self):
        for name, high in (("n", None), ("length", None), ("units", 256), ("epochs", None),
                           ("batch_size", None)):
            object.__setattr__(self, name, check_int(name, getattr(self, name), low=1,
                                                     high=high))
        object.__setattr__(self, "lr", check_float("lr", self.lr, low=0.0, low_open=True))


@dataclass(frozen=True)
class StagedRecipe(_Recipe):
    """Our kind of recipe (notebook 06): a ``cell`` ("lstm" or "gru") of ``units`` units,
    Adam(``lr``), and a length curriculum ``stages`` of (length, num_steps): for each stage,
    ``num_steps`` batches of ``batch_size`` fresh sequences of that length."""

    units: int = 4
    cell: str = "lstm"
    lr: float = 0.1
    batch_size: int = 256
    stages: tuple[tuple[int, int], ...] = ((10, 100), (50, 20))

    def __post_init__(self):
        object.__setattr__(self, "units", check_int("units", self.units, low=1, high=256))
        check_choice("cell", self.cell, CELLS)
        object.__setattr__(self, "lr", check_float("lr", self.lr, low=0.0, low_open=True))
        object.__setattr__(self, "batch_size", check_int("batch_size", self.batch_size, low=1,
                                                         high=1_000_000))
        object.__setattr__(self, "stages", check_stages(self.stages))


#: The case C recipe: 100,000 sequences of 50 bits, LSTM(1), Adam (Keras default lr), 10 epochs.
CASE_C = CaseCRecipe()

#: Our recipe, chosen by measurement (benchmarks/parity.py): LSTM(4), Adam lr 0.1, batch 256,
#: 100 steps on fresh 10-bit sequences then 20 steps on fresh 50-bit sequences, running targets.
RECIPE = StagedRecipe()
