"""One-click settings for the what-if questions of the collection (notebook 07).

``PRESETS[name]`` is a ``Preset``: a ``State`` and one line on what to look for. The case B
presets share case B's recipe (1,000 random pairs, RMSprop lr 0.001, batches of 4, 100
epochs = 25,000 steps) and seed 10, so that switching between them changes one thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from .state import State


@dataclass(frozen=True)
class Preset:
    """A named ``state`` and the one line ``look_for`` that says what it shows."""

    state: State
    look_for: str


CASE_B = State(data="case_b", widths=(2,), activation="sigmoid", optimizer="rmsprop",
               lr=0.001, batch_size=4, num_steps=25_000, seed=10)
CASE_D = State(widths=(16,) * 7, activation="relu", optimizer="adam", lr=0.001, loss="mse",
               num_steps=500)

PRESETS: dict[str, Preset] = {
    "default": Preset(
        State(),
        "A 2-2-1 ReLU net on the four points: this seed gets stuck on a plateau; switch to "
        "many seeds: only about one in five solves."),
    "case_b_sigmoid": Preset(
        CASE_B,
        "Case B as posted (sigmoid): this seed learns XOR; over many seeds about two in three "
        "solve within the 100 epochs."),
    "case_b_relu": Preset(
        CASE_B.replace(activation="relu"),
        "Case B with ReLU: the same seed stalls at ln(2)/2 = 0.347, a 0 and a 1 sharing one "
        "hidden code; most seeds fail (about four in five)."),
    "relu_5_units": Preset(
        CASE_B.replace(activation="relu", widths=(5,)),
        "Five ReLU units: this seed solves within 3 epochs, as the learner saw with five, yet "
        "many seeds show that about three in ten still fail."),
    "relu_8_units": Preset(
        CASE_B.replace(activation="relu", widths=(8,)),
        "Eight ReLU units: fewer seeds fail (about one in ten), but this one still stalls; "
        "width lowers the failure rate, it does not remove it."),
    "leaky_relu": Preset(
        CASE_B.replace(activation="leaky_relu", widths=(8,)),
        "Eight leaky ReLUs from the same starting weights as relu_8_units: below zero they "
        "keep a slope of 0.2, so no unit can die; nearly every seed solves."),
    "classic_momentum": Preset(
        State(widths=(2,), activation="sigmoid", init="uniform", init_scale=0.5,
              init_biases=True, optimizer="momentum", lr=0.5, momentum=0.9, loss="mse",
              num_steps=5000),
        "An old recipe, a 2-2-1 sigmoid net with momentum and squared error: most seeds "
        "solve; the few that fail sit on the plateaus 1/8 or 1/6."),
    "case_d_deep": Preset(
        CASE_D,
        "Case D's 7 x 16 ReLU stack: it solves although about a quarter of its 112 units are "
        "dead; 16 per layer leave enough alive: all 200 seeds of the many-seed view solve."),
    "deep_narrow_dead": Preset(
        CASE_D.replace(widths=(2,) * 8),
        "Eight layers of 2 ReLUs: this seed is born dead (a whole layer outputs 0 on all four "
        "points at step 0), so its loss never moves; about nine seeds in ten never move either."),
}


def preset(name: str) -> Preset:
    """The preset called ``name`` (one of ``PRESETS``)."""
    if name not in PRESETS:
        raise ValueError(f"preset must be one of {', '.join(map(repr, PRESETS))}; got {name!r}")
    return PRESETS[name]
