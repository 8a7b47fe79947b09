"""The explorer's widgets: every control findable, changes reach the figures, controls that
do not apply are disabled, Play steps through exact frames, many seeds, presets, code."""

import io
import math
import re
from pathlib import Path

import ipywidgets as widgets
import pytest

from xorhelpers import explorer
from xorhelpers.explorer import CLASSES, PRESETS, Explorer, State, run, show
from xorhelpers.explorer.controls import (
    VIEW_PARTS,
    key,
    make_controls,
    read_controls,
    set_controls,
    setting_classes,
)
from xorhelpers.explorer.state import FIELD, FIELDS, MAX_DEPTH, NOT_APPLIES

FAST = State(num_steps=200)


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


@pytest.fixture
def view():
    """A fresh view for each test (0.2 s), so that no test sees what another one set."""
    return Explorer(FAST)


def test_every_css_class_is_on_one_widget_and_controls_have_descriptions(view):
    found = {}
    for w in walk(view):
        for cls in w._dom_classes:
            found.setdefault(cls, []).append(w)
    assert set(CLASSES) <= set(found), set(CLASSES) - set(found)
    assert all(len(found[c]) == 1 for c in CLASSES)
    for name, control in view.controls.items():
        assert control.description, name
        assert control.tooltip, name
    assert isinstance(found["xor-explorer-figure"][0], widgets.Image)
    assert found["xor-explorer-play"][0].description == "play"


def test_repr_is_stable(view):
    view.set_state(FAST)
    assert repr(view) == "<what-if explorer: 2-2-1 relu adam lr=0.01, seed 0>"


def test_a_control_change_recomputes_and_redraws(view):
    view.set_state(FAST)
    before_png, before_status = view.image.value, view.status.value
    view.controls["activation"].value = "tanh"
    assert view.state == FAST.replace(activation="tanh")
    assert view.net.state == view.state and view.image.value != before_png
    assert view.status.value != before_status
    assert view.net.status in view.status.value.replace("&#x27;", "'")
    assert "activation='tanh'" in view.python_code.value
    assert 'activation="tanh"' in view.keras_code.value
    assert set(view.timings) == {"compute_ms", "draw_ms"}
    assert view.controls["preset"].value == "(custom)"


def test_controls_that_do_not_apply_are_disabled_with_the_reason(view):
    view.set_state(FAST)
    c = view.controls
    for name in ("noise", "test_fraction", "init_scale", "init_biases", "momentum"):
        assert c[name].disabled and "disabled:" in c[name].tooltip
    assert [u.disabled for u in view.units] == [False] + [True] * 7
    c["optimizer"].value = "momentum"
    assert not c["momentum"].disabled and "disabled" not in c["momentum"].tooltip
    c["layers"].value = 3
    assert view.state.widths == (2, 2, 2) and [u.disabled for u in view.units][:4] == [
        False, False, False, True]
    view.units[1].value = 5
    assert view.state.widths == (2, 5, 2)
    c["data"].value = "cloud"
    assert not c["noise"].disabled and not c["test_fraction"].disabled
    c["test_fraction"].value = 0.3
    assert view.state.n_test == 60 and "test accuracy" in view.status.value


def test_batch_sizes_follow_the_data_set(view):
    view.set_state(FAST.replace(data="case_b", batch_size=32))
    assert view.controls["batch_size"].value == 32
    view.controls["data"].value = "xor"  # 32 rows per batch cannot exist with 4 points
    assert view.state.batch_size is None and view.controls["batch_size"].value is None
    assert [v for _, v in view.controls["batch_size"].options] == [None, 1, 2]
    # "full batch" is selected, not nothing (a Dropdown set to the value None shows empty)
    assert view.controls["batch_size"].label == "full batch"
    view.load("case_b_relu")
    view.load("case_d_deep")
    assert view.controls["batch_size"].label == "full batch"
    assert Explorer(FAST).controls["batch_size"].label == "full batch"


def test_play_shows_exact_frames_step_and_reset(view):
    view.set_state(FAST)
    assert view.timer.value == view.timer.max == 20  # the final network is shown
    view.reset()
    assert view.timer.value == 0 and "step 0 of 200" in view.status.value
    view.step()
    assert view.timer.value == 1 and "step 10 of 200" in view.status.value
    frame = run(FAST, step=10)
    assert frame.status in view.status.value.replace("&#x27;", "'")
    view.timer.value = 20  # a cell can move the frame position
    assert view.net.status in view.status.value.replace("&#x27;", "'")
    view.step()
    assert view.timer.value == 20  # already at the end
    view.play()  # no event loop here: every frame from step 0 at once (test_explorer_play)
    assert view.timer.value == 20 and not view.playing
    view.pause()
    assert not view.playing and not view.buttons["play"].disabled


def test_many_seed_mode_and_opening_one_seed(view):
    view.set_state(FAST.replace(n_seeds=40))
    view.controls["mode"].value = "many"
    assert view.seeds.n == 40 and "of 40 seeds solve" in view.status.value
    assert view.one_box.layout.display == "none" and view.many_box.layout.display is None
    assert not view.controls["n_seeds"].disabled
    assert all(b.disabled for b in view.buttons.values())
    assert "sweep.train(config, 40, X, y)" in view.python_code.value
    label, seed = view.open_seed.options[-1]
    before = view.seeds
    view.open_seed.value = seed  # picking a seed sets the seed control, retrains nothing
    assert view.controls["seed"].value == seed and view.seeds is before
    view.open_button.click()
    assert view.mode == "one" and view.state.seed == seed
    expected = view.seeds.outcome[seed]  # the seed alone ends as it did among many
    if expected in ("solved", "diverged"):
        assert view.net.outcome == expected
    else:
        assert view.net.outcome == "failed" and view.net.mode == expected
    view.controls["mode"].value = "many"
    view.controls["seed"].value = 33  # any seed can be opened
    view.open_button.click()
    assert view.mode == "one" and view.net.state.seed == 33


def test_presets_load_their_settings_and_say_what_to_look_for():
    v = show(preset="deep_narrow_dead")
    assert v.state == PRESETS["deep_narrow_dead"].state
    assert v.controls["layers"].value == 8 and v.controls["preset"].value == "deep_narrow_dead"
    assert "born dead" in v.look_for.value
    v.controls["preset"].value = "classic_momentum"
    assert v.state == PRESETS["classic_momentum"].state and not v.controls["momentum"].disabled
    assert not v.controls["init_scale"].disabled and v.controls["init_biases"].value
    with pytest.raises(ValueError, match="preset"):
        explorer.preset("nope")


def test_pasting_code_restores_the_controls(view):
    view.set_state(FAST)
    assert not view.restore_code("Config(lr='fast')")
    assert "lr must be" in view.paste_status.value
    code = explorer.python_code(FAST.replace(widths=(4, 3), activation="sigmoid", seed=9))
    view.paste.value = code
    view.restore.click()
    assert view.paste_status.value == "restored"
    assert view.state.widths == (4, 3) and view.state.seed == 9
    assert [view.units[0].value, view.units[1].value] == [4, 3]
    assert view.controls["activation"].value == "sigmoid"


def test_diverged_training_is_shown_as_diverged_not_as_a_curve(view):
    view.set_state(State(activation="linear", widths=(64,) * 8, lr=10.0, optimizer="sgd",
                         num_steps=100))
    assert "DIVERGED" in view.status.value
    figure = view._net_figure
    assert len(figure.curve.get_xdata()) == 0 and "DIVERGED" in figure.loss_note.get_text()


def test_static_figures():
    import matplotlib.pyplot as plt

    fig = explorer.figure(run(FAST))
    assert len(fig.axes) == 6 and not plt.get_fignums()  # 4 panels, 2 colour bars; not pyplot
    assert all(not a.get_animated() for ax in fig.axes for a in ax.get_children())
    fig2 = explorer.figure(explorer.run_seeds(FAST.replace(n_seeds=20)))
    assert len(fig2.axes) == 1
    with pytest.raises(TypeError, match="NetRun"):
        explorer.figure(FAST)


def test_the_look_for_line_goes_once_the_settings_are_not_the_preset_s():
    v = show(preset="case_b_relu")
    v.controls["mode"].value = "many"
    v.controls["n_seeds"].value = 20  # more or fewer seeds: still the preset's question
    assert v.controls["preset"].value == "case_b_relu" and "Look for" in v.look_for.value
    v.show_seed(3)  # another seed opened from the many-seed view: not the preset's network
    assert v.state.seed == 3 and v.controls["preset"].value == "(custom)"
    assert v.look_for.value == ""
    v.load("classic_momentum")
    assert "Look for" in v.look_for.value
    assert v.restore_code(explorer.python_code(PRESETS["default"].state))
    assert v.state == PRESETS["default"].state.replace(n_seeds=v.state.n_seeds)
    assert v.controls["preset"].value == "(custom)" and v.look_for.value == ""
    v.load("leaky_relu")
    v.set_state(PRESETS["leaky_relu"].state.replace(lr=0.01))
    assert v.controls["preset"].value == "(custom)" and v.look_for.value == ""


def test_the_loss_legend_lists_only_what_is_drawn_and_names_the_plateaus(view):
    view.set_state(FAST)
    labels = [t.get_text() for t in view._net_figure.legend.get_texts()]
    assert labels == ["loss on the 4 points", "plateau ln(2)/2 = 0.347",
                      "plateau 3/4 H(1/3) = 0.477", "plateau ln 2 = 0.693"]
    view.set_state(FAST.replace(data="cloud", loss="mse"))
    labels = [t.get_text() for t in view._net_figure.legend.get_texts()]
    assert labels == ["loss on the 4 points", "train (cloud)", "test (cloud)",
                      "plateau 1/8 = 0.125", "plateau 1/6 = 0.167", "plateau 1/4 = 0.25"]
    styles = {line.get_linestyle() for line in view._net_figure.plateau_lines}
    assert len(styles) == 3  # each plateau its own line style, as its legend entry


def test_the_figure_explains_its_markers_and_labels_the_unit_maps(view):
    view.set_state(FAST.replace(widths=(3, 2)))
    f = view._net_figure
    captions = [t.get_text() for legend in f.fig.legends for t in legend.get_texts()]
    assert any(c.startswith("target 0 (drawn larger") for c in captions)
    assert "target 1" in captions
    assert [t.get_text() for t in f.ax_units.get_yticklabels()] == ["L1", "L2"]
    assert [t.get_text() for t in f.ax_units.get_xticklabels()] == ["u1", "u2", "u3"]
    assert "x1" in f.ax_units.get_xlabel() and "x2" in f.ax_units.get_xlabel()


@pytest.mark.parametrize("mode", ["one", "many"])
def test_both_images_hold_a_png_from_the_start(mode):
    """The image of the mode not shown is hidden but still in the page: never empty bytes,
    which a browser shows as a broken image."""
    from PIL import Image

    v = Explorer(FAST.replace(n_seeds=10), mode=mode)
    for image in (v.image, v.seed_image):
        assert Image.open(io.BytesIO(image.value)).size[0] >= 1
    shown = v.seed_image if mode == "many" else v.image
    assert Image.open(io.BytesIO(shown.value)).size[0] > 100  # the real figure


def _snapped(slider: widgets.FloatLogSlider) -> float:
    """The value a browser's log slider sends back: the nearest point of its exponent grid."""
    exponent = math.log10(slider.value) / math.log10(slider.base)
    k = round((exponent - slider.min) / slider.step)
    return slider.base ** (slider.min + k * slider.step)


@pytest.mark.parametrize("name", ["default", "classic_momentum", "case_b_relu"])
def test_a_preset_survives_the_browser_snapping_its_log_sliders(name):
    """A preset's 0.5 or 0.05 lies between the log sliders' grid points; the page sends the
    nearest grid value (0.501, 0.0501) back, and the preset must still be the preset."""
    view = show(preset=name)
    before = view.state
    for setting in ("init_scale", "lr"):
        slider = view.controls[setting]
        slider.value = _snapped(slider)
    assert view.state == before
    assert view.controls["preset"].value == name and view.look_for.value


def test_a_step_of_the_learning_rate_slider_changes_the_setting():
    view = show(preset="default")
    slider = view.controls["lr"]
    slider.value = slider.base ** (math.log10(slider.value) + slider.step)
    assert view.state.lr == 0.013 and view.controls["preset"].value == "(custom)"


def test_a_change_over_the_time_limit_shows_a_message_instead_of_training():
    from xorhelpers.explorer.compute import MAX_SECONDS, estimate_seconds
    big = State(widths=(64,) * 8, num_steps=50_000)
    assert estimate_seconds(big) > 100  # ~180-200 s measured
    for p in PRESETS.values():  # every preset stays within the limit, in both modes
        assert estimate_seconds(p.state) <= MAX_SECONDS
        assert estimate_seconds(p.state, many=True) <= MAX_SECONDS
    v = Explorer(FAST)
    before = v.image.value
    v.set_state(big)  # returns at once: nothing trained
    assert "not trained" in v.status.value and "limit of 20 s" in v.status.value
    assert v.image.value == before


@pytest.mark.parametrize("text", [
    "Config(lr=" + "9" * 400 + ")",
    "Config(lr=" + "+".join(["1"] * 1000) + ")",
    "Config(lr=" + "(" * 5000 + "1" + ")" * 5000 + ")",
    "Config(widths=" + "[" * 5000 + "]" * 5000 + ")",
    "Config(lr=1e400)",
    "x" * 30_000,
])
def test_the_restore_box_catches_every_error_and_says_so(text):
    v = Explorer(FAST)
    v.paste_status.value = "restored"
    assert v.restore_code(text) is False
    assert "d62728" in v.paste_status.value and "restored" not in v.paste_status.value
    assert v.state == FAST


def test_the_loss_title_names_the_data_it_is_measured_on():
    from xorhelpers.explorer.draw import NetFigure
    cloud = run(State(data="cloud", num_steps=100))
    f = NetFigure().update(cloud)
    assert f.title_loss.get_text() == f"BCE loss on the cloud, {cloud.train_loss[-1]:.3g}"
    four = run(State(num_steps=100))
    assert NetFigure().update(four).title_loss.get_text().startswith("BCE loss on the 4 points")


def test_the_hidden_space_panel_is_never_empty_when_a_layer_has_two_units_or_more():
    from xorhelpers.explorer.draw import NetFigure
    f = NetFigure().update(run(State(widths=(8,), num_steps=50)))
    assert len(f.codes.get_offsets()) == 4 and f.title_hidden.get_text() == (
        "layer 1, units 1 and 2 of 8")
    f = NetFigure().update(run(State(widths=(1,), num_steps=50)))
    assert len(f.codes.get_offsets()) == 0 and "2 units or more" in f.hidden_note.get_text()


def test_a_figure_going_back_to_a_layout_draws_what_a_fresh_one_draws():
    from xorhelpers.explorer.draw import NetFigure

    runs = [run(FAST), run(FAST.replace(widths=(3, 2), num_steps=100)), run(FAST, step=10)]
    shared = NetFigure()
    for r in runs + runs[::-1]:  # new layouts, then layouts whose background is kept
        assert shared.update(r).png() == NetFigure().update(r).png()


# ------------------------------------------------- the controls follow the settings table

def test_the_controls_cover_exactly_the_table_s_settings(view):
    assert set(view.controls) == {"preset", "mode"} | {key(f) for f in FIELDS}
    assert len(view.units) == MAX_DEPTH
    by_class = {cls: w for w in walk(view) for cls in w._dom_classes}
    for f in FIELDS:
        w = view.controls[key(f)]
        assert by_class[f"xor-explorer-{f.control.css}"] is w
        assert w.description == f.control.label and w.tooltip.startswith(f.control.tooltip)
    assert set(CLASSES) == {"xor-explorer", *(f"xor-explorer-{n}" for n in VIEW_PARTS),
                            *(c for f in FIELDS for c in setting_classes(f))}
    assert set(NOT_APPLIES) == {f.name for f in FIELDS if f.applies}


def test_the_css_classes_the_browser_tests_use_exist():
    root = Path(__file__).resolve().parents[1]
    used = set()
    for path in (root / "tests/browser/test_lab.py", root / "benchmarks/explorer_browser.py"):
        used |= set(re.findall(r"xor-explorer(?:-[a-z0-9]+)*", path.read_text()))
    assert len(used) > 10 and used <= set(CLASSES), used - set(CLASSES)


def _ends(f):
    """Valid values of setting ``f`` at both ends of what its control shows, read off its
    row: the first and last choice, both booleans, the smallest and largest numbers."""
    if f.kind == "choice":
        return [f.choices[-1], f.choices[0]]
    if f.kind == "bool":
        return [True, False]
    if f.kind == "widths":
        return [(f.high,) * 8, (f.low,), (f.low + 2, f.high - 1)]
    low = f.control.low if f.control.low is not None else f.low
    return [f.high if f.high is not None else low + 2, low]


@pytest.mark.parametrize("f", FIELDS, ids=lambda f: f.name)
def test_setting_and_reading_the_controls_gives_every_setting_back(f):
    """Set each value at an end of the setting's range, then the other end, then the default
    (never what a fresh control already shows twice in a row): reading gives each back."""
    controls, units = make_controls(None, "one")
    base = State() if f.applies is None else State(**{f.applies[0]: f.applies[1][0]})
    for value in [*_ends(f), f.default]:
        state = base.replace(**{f.name: value})
        set_controls(controls, units, state)
        assert read_controls(controls, units) == state


def test_a_state_that_changes_every_setting_at_once_comes_back():
    controls, units = make_controls(None, "many")
    state = State(data="cloud", noise=0.35, test_fraction=0.3, widths=(5, 7, 3),
                  activation="tanh", init="normal", init_scale=0.02, init_biases=True,
                  optimizer="momentum", lr=0.0013, momentum=0.45, loss="mse", batch_size=13,
                  num_steps=777, seed=2**32 - 1, n_seeds=7)
    assert all(getattr(state, f.name) != f.default for f in FIELDS)
    set_controls(controls, units, state)
    assert read_controls(controls, units) == state


@pytest.mark.parametrize("f", [f for f in FIELDS if f.applies], ids=lambda f: f.name)
def test_a_setting_that_does_not_apply_is_disabled_with_its_row_s_reason(view, f):
    other, values = f.applies
    off_value = next(v for v in FIELD[other].choices if v not in values)
    w = view.controls[key(f)]
    view.set_state(FAST.replace(**{other: off_value}))
    assert w.disabled and w.tooltip == f"{f.control.tooltip} (disabled: {f.why_not})"
    view.set_state(FAST.replace(**{other: values[0]}))
    assert not w.disabled and w.tooltip == f.control.tooltip
