"""The explorer's controls: one widget per setting, each with a stable description, a
tooltip and the CSS class ``xor-explorer-<name>`` (``CLASSES`` lists every class the view
uses), so that a browser test can find them (notebook 07)."""

from __future__ import annotations

import math

import ipywidgets as widgets

from .presets import PRESETS
from .state import (
    ACTIVATIONS,
    DATASET_LABELS,
    INITS,
    LOSSES,
    LR_RANGE,
    MAX_DEPTH,
    MAX_SEEDS,
    MAX_WIDTH,
    OPTIMIZERS,
)

STEP_OPTIONS = (100, 200, 500, 1000, 2000, 5000, 10_000, 25_000, 50_000)
BATCH_OPTIONS = (1, 2, 4, 8, 16, 32, 64, 128, 256)
FRAMES = 20
STYLE = {"description_width": "105px"}
WIDE = widgets.Layout(width="330px")

NOT_APPLIES = {
    "noise": "applies to the noisy XOR cloud only",
    "test_fraction": "applies to the noisy XOR cloud only (the other data sets hold only "
                     "the four XOR points, so a test split would repeat them)",
    "init_scale": "applies to the uniform and normal initializers only",
    "init_biases": "applies to the uniform and normal initializers only (the others start "
                   "biases at zero, as Keras does)",
    "momentum": "applies to the momentum optimizer only",
}


def round_value(value: float) -> float:
    """A log slider's value to 2 significant digits. Its grid points 10 ** (k / 10) become round
    numbers (1, 1.3, 1.6, 2, 2.5, 3.2, 4, 5, 6.3, 7.9 times a power of ten), and a preset's 0.5 or
    0.05, which lie between grid points, survive the browser snapping them to 0.501 or 0.0501."""
    return float(f"{value:.2g}")


def control(widget, name: str, tooltip: str):
    """``widget`` with the CSS class ``xor-explorer-<name>`` and a tooltip."""
    widget.add_class(f"xor-explorer-{name}")
    widget.tooltip = tooltip
    return widget


def make_controls(preset_name: str | None, mode: str) -> tuple[dict, list]:
    """The setting controls by name, and the units-per-layer boxes L1 .. L8."""
    c = {}
    c["preset"] = control(widgets.Dropdown(
        description="preset", options=["(custom)", *PRESETS], value=preset_name or "(custom)",
        style=STYLE, layout=WIDE), "preset", "one click loads a what-if setting")
    c["data"] = control(widgets.Dropdown(
        description="data set", options=[(v, k) for k, v in DATASET_LABELS.items()],
        style=STYLE, layout=WIDE), "data", "what the network is trained on")
    c["noise"] = control(widgets.FloatSlider(
        description="noise", min=0, max=0.5, step=0.05, style=STYLE, layout=WIDE),
        "noise", "standard deviation of the noise around each corner")
    c["test_fraction"] = control(widgets.FloatSlider(
        description="test share", min=0, max=0.5, step=0.1, style=STYLE, layout=WIDE),
        "test-fraction", "share of the cloud held out as a test set")
    c["layers"] = control(widgets.IntSlider(
        description="hidden layers", min=1, max=MAX_DEPTH, style=STYLE, layout=WIDE),
        "layers", "number of hidden layers")
    units = [control(widgets.BoundedIntText(
        description=f"L{k + 1}", min=1, max=MAX_WIDTH, value=2,
        style={"description_width": "22px"}, layout=widgets.Layout(width="78px")),
        f"units-{k + 1}", f"units in hidden layer {k + 1}") for k in range(MAX_DEPTH)]
    c["activation"] = control(widgets.Dropdown(
        description="activation", options=ACTIVATIONS, style=STYLE, layout=WIDE),
        "activation", "activation of the hidden units (the output is a sigmoid)")
    c["init"] = control(widgets.Dropdown(
        description="initializer", options=INITS, style=STYLE, layout=WIDE),
        "init", "how the initial weights are drawn")
    c["init_scale"] = control(widgets.FloatLogSlider(
        description="init scale", base=10, min=-3, max=1, step=0.1, style=STYLE,
        layout=WIDE, readout_format=".2g"), "init-scale",
        "a of U[-a, a], or the standard deviation of the normal")
    c["init_biases"] = control(widgets.Checkbox(
        description="random biases", style=STYLE, layout=WIDE), "init-biases",
        "draw the biases like the weights")
    c["optimizer"] = control(widgets.Dropdown(
        description="optimizer", options=OPTIMIZERS, style=STYLE, layout=WIDE),
        "optimizer", "Keras 3's update rule with default settings")
    c["lr"] = control(widgets.FloatLogSlider(
        description="learning rate", base=10, min=math.log10(LR_RANGE[0]),
        max=math.log10(LR_RANGE[1]), step=0.1, style=STYLE,
        layout=WIDE, readout_format=".2g"), "lr", "learning rate, on a log scale")
    c["momentum"] = control(widgets.FloatSlider(
        description="momentum", min=0, max=0.99, step=0.01, style=STYLE, layout=WIDE),
        "momentum", "momentum of SGD with momentum")
    c["loss"] = control(widgets.Dropdown(
        description="loss", options=LOSSES, style=STYLE, layout=WIDE), "loss",
        "binary cross-entropy or mean squared error")
    c["batch_size"] = control(widgets.Dropdown(
        description="batch size", options=[("full batch", None)], style=STYLE,
        layout=WIDE), "batch-size", "rows per gradient step; a fresh shuffle each epoch")
    c["num_steps"] = control(widgets.Dropdown(
        description="steps", options=STEP_OPTIONS, style=STYLE, layout=WIDE), "steps",
        "number of gradient steps")
    c["seed"] = control(widgets.BoundedIntText(
        description="seed", min=0, max=2**32 - 1, style=STYLE, layout=WIDE), "seed",
        "seeds the initial weights and the minibatch order")
    c["mode"] = control(widgets.ToggleButtons(
        description="view", options=[("one network", "one"), ("many seeds", "many")],
        value=mode, style={"description_width": "40px", "button_width": "110px"}),
        "mode", "one network, or the same settings over many seeds")
    c["n_seeds"] = control(widgets.IntSlider(
        description="seeds", min=10, max=MAX_SEEDS, step=10, style=STYLE, layout=WIDE),
        "n-seeds", "how many seeds the many-seed view trains (seeds 0 .. n-1)")
    return c, units


CLASSES = tuple(sorted(
    ["xor-explorer", "xor-explorer-look-for", "xor-explorer-status", "xor-explorer-figure",
     "xor-explorer-seeds-figure", "xor-explorer-timer", "xor-explorer-play",
     "xor-explorer-pause", "xor-explorer-step", "xor-explorer-reset", "xor-explorer-open-seed",
     "xor-explorer-open", "xor-explorer-code", "xor-explorer-code-python",
     "xor-explorer-code-keras", "xor-explorer-paste", "xor-explorer-restore",
     "xor-explorer-paste-status", *(f"xor-explorer-units-{k + 1}" for k in range(MAX_DEPTH)),
     *(f"xor-explorer-{n}" for n in ("preset", "data", "noise", "test-fraction", "layers",
                                     "activation", "init", "init-scale", "init-biases",
                                     "optimizer", "lr", "momentum", "loss", "batch-size",
                                     "steps", "seed", "mode", "n-seeds"))]))

