"""The explorer's controls, built from the settings table ``state.FIELDS`` (notebook 07).

One widget per setting (the hidden widths: a slider of layers and a box per layer), each with
its row's description, tooltip and CSS class ``xor-explorer-<css>``; ``read_controls`` and
``set_controls`` go between the widgets and a ``State``; ``columns`` lays them out. ``CLASSES``
lists every CSS class the view uses, so that a browser test can find the widgets.
"""

from __future__ import annotations

import math

import ipywidgets as widgets

from .presets import PRESETS
from .state import BATCH_OPTIONS, FIELDS, MAX_DEPTH, STEP_OPTIONS, Field, State

__all__ = ["BATCH_OPTIONS", "CLASSES", "FRAMES", "STEP_OPTIONS", "STYLE", "VIEW_PARTS",
           "columns", "control", "key", "make_controls", "read_controls", "round_value",
           "set_controls", "setting_classes"]

FRAMES = 20
STYLE = {"description_width": "105px"}
WIDE = widgets.Layout(width="330px")
#: the CSS names of the view's parts that are not settings (``xor-explorer-<name>``)
VIEW_PARTS = ("preset", "mode", "look-for", "status", "figure", "seeds-figure", "timer", "play",
              "pause", "step", "reset", "open-seed", "open", "code", "code-python",
              "code-keras", "paste", "restore", "paste-status")


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


def key(f: Field) -> str:
    """The name of setting ``f``'s control in ``make_controls``' dict: the setting's name, but
    "layers" for the widths (the slider of layers; the boxes per layer are the units)."""
    return "layers" if f.control.widget == "layers" else f.name


def setting_classes(f: Field) -> tuple[str, ...]:
    """The CSS classes of setting ``f``'s widgets."""
    own = f"xor-explorer-{f.control.css}"
    if f.control.widget == "layers":
        return (own, *(f"xor-explorer-units-{k + 1}" for k in range(MAX_DEPTH)))
    return (own,)


CLASSES = tuple(sorted({"xor-explorer", *(f"xor-explorer-{n}" for n in VIEW_PARTS),
                        *(c for f in FIELDS for c in setting_classes(f))}))


def _menu_values(w) -> list:
    return [o[1] if isinstance(o, tuple) else o for o in w.options]


def _widget(f: Field):
    """The widget of setting ``f`` (for "layers", the slider of layers)."""
    c, low = f.control, f.control.low if f.control.low is not None else f.low
    common = dict(description=c.label, style=STYLE, layout=WIDE)
    if c.widget == "menu":
        return widgets.Dropdown(options=c.options or f.choices, **common)
    if c.widget == "batch_menu":
        return widgets.Dropdown(options=[("full batch", None)], **common)
    if c.widget == "slider":
        return widgets.FloatSlider(min=low, max=f.high, step=c.step, **common)
    if c.widget == "log_slider":
        return widgets.FloatLogSlider(base=10, min=math.log10(low), max=math.log10(f.high),
                                      step=c.step, readout_format=".2g", **common)
    if c.widget == "checkbox":
        return widgets.Checkbox(**common)
    if c.widget == "int_box":
        return widgets.BoundedIntText(min=low, max=f.high, **common)
    if c.widget == "int_slider":
        return widgets.IntSlider(min=low, max=f.high, step=c.step, **common)
    return widgets.IntSlider(min=1, max=MAX_DEPTH, **common)  # "layers"


def make_controls(preset_name: str | None, mode: str) -> tuple[dict, list]:
    """The controls by name (the preset, every setting of ``FIELDS``, the mode), and the
    units-per-layer boxes L1 .. L8."""
    c = {"preset": control(widgets.Dropdown(
        description="preset", options=["(custom)", *PRESETS], value=preset_name or "(custom)",
        style=STYLE, layout=WIDE), "preset", "one click loads a what-if setting")}
    units = []
    for f in FIELDS:
        c[key(f)] = control(_widget(f), f.control.css, f.control.tooltip)
        if f.control.widget == "layers":
            units = [control(widgets.BoundedIntText(
                description=f"L{k + 1}", min=f.low, max=f.high, value=2,
                style={"description_width": "22px"}, layout=widgets.Layout(width="78px")),
                f"units-{k + 1}", f"units in hidden layer {k + 1}") for k in range(MAX_DEPTH)]
    c["mode"] = control(widgets.ToggleButtons(
        description="view", options=[("one network", "one"), ("many seeds", "many")],
        value=mode, style={"description_width": "40px", "button_width": "110px"}),
        "mode", "one network, or the same settings over many seeds")
    return c, units


def read_controls(controls: dict, units: list) -> State:
    """The ``State`` the controls show (sliders rounded as their rows say)."""
    values = {}
    for f in FIELDS:
        w, kind = controls[key(f)], f.control.widget
        if kind == "layers":
            values[f.name] = tuple(u.value for u in units[:w.value])
        elif kind == "log_slider":
            values[f.name] = round_value(w.value)
        elif kind == "slider" and f.control.digits is not None:
            values[f.name] = round(w.value, f.control.digits)
        else:
            values[f.name] = w.value
    return State(**values)


def batch_options(state: State) -> list:
    """The batch size menu's entries for ``state``: full batch, the sizes of ``BATCH_OPTIONS``
    smaller than its data set, and its own size when that is none of them."""
    options = [("full batch", None)] + [(str(b), b) for b in BATCH_OPTIONS if b < state.n_train]
    if state.batch_size is not None and state.batch_size not in BATCH_OPTIONS:
        options.append((str(state.batch_size), state.batch_size))
    return options


def set_controls(controls: dict, units: list, state: State) -> None:
    """Show ``state`` in the controls (the caller keeps their observers quiet meanwhile)."""
    for f in FIELDS:
        w, kind, value = controls[key(f)], f.control.widget, getattr(state, f.name)
        if kind == "layers":
            w.value = len(value)
            for u, width in zip(units, value, strict=False):
                u.value = width
            continue
        if kind == "batch_menu":
            options = batch_options(state)
            if list(w.options) != options:
                w.options = options
            # by index: a Dropdown given the value None selects nothing, and the page then
            # shows an empty menu instead of "full batch"
            w.index = [v for _, v in options].index(value)
            continue
        elif kind == "menu" and value not in _menu_values(w):
            w.options = sorted({*w.options, value})  # e.g. a pasted number of steps
        elif kind == "int_slider" and (value < w.min or (value - w.min) % w.step):
            w.min, w.step = f.low, 1  # a value off the slider's grid: a grid of ones
        w.value = value


def columns(controls: dict, units: list) -> list[list]:
    """The settings' widgets in their columns, in table order."""
    out = [[], [], []]
    for f in FIELDS:
        w = controls[key(f)]
        if f.control.widget == "layers":
            w = widgets.VBox([w, widgets.HBox(units[:4]), widgets.HBox(units[4:])])
        out[f.control.column - 1].append(w)
    return out
