"""The explorer's figures: what a figure that keeps backgrounds and titles between updates
draws is, pixel for pixel, what a fresh figure draws; the PNG writer loses nothing."""

import io

import numpy as np
import pytest
from PIL import Image

from xorhelpers.explorer import PRESETS, State, run, run_seeds
from xorhelpers.explorer.blit import encode
from xorhelpers.explorer.draw import NetFigure, SeedFigure

STATES = [State(num_steps=200), State(num_steps=300, loss="mse"),
          State(widths=(3, 2), activation="tanh", num_steps=100),
          State(data="cloud", noise=0.3, widths=(4,), num_steps=200, test_fraction=0.3),
          State(activation="linear", widths=(64,) * 3, optimizer="sgd", lr=10.0, num_steps=50)]


def test_encode_writes_a_png_that_decodes_to_the_same_pixels():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (37, 53, 3), dtype=np.uint8)
    for level in (0, 1, 9):
        png = encode(rgb, level)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        back = Image.open(io.BytesIO(png))
        assert back.mode == "RGB" and np.array_equal(np.asarray(back), rgb)
    with pytest.raises(ValueError, match="rgb"):
        encode(rgb.astype(float))
    with pytest.raises(ValueError, match="rgb"):
        encode(rgb[:, :, :2])


def test_a_figure_reused_in_any_order_draws_what_a_fresh_one_draws():
    runs = [run(s) for s in STATES] + [run(STATES[2], step=0), run(STATES[0], step=20)]
    shared = NetFigure()
    for k in [0, 1, 2, 3, 4, 5, 6, 0, 3, 1, 6, 5, 2, 4]:  # new panels, then kept ones
        pixels = shared.update(runs[k]).render()
        assert np.array_equal(pixels, NetFigure().update(runs[k]).render()), k
        png = shared.png()
        assert np.array_equal(np.asarray(Image.open(io.BytesIO(png))), pixels)


def test_a_change_re_renders_only_the_panels_it_touches():
    shared = NetFigure()
    shared.update(run(STATES[0])).render()
    before = set(shared._backgrounds)
    shared.update(run(STATES[0].replace(num_steps=250))).render()  # only the loss panel
    assert {panel for panel, _ in set(shared._backgrounds) - before} == {1}
    before = set(shared._backgrounds)
    shared.update(run(STATES[0].replace(widths=(5,)))).render()  # only the unit maps
    assert {panel for panel, _ in set(shared._backgrounds) - before} == {2}


def test_the_seed_figure_reused_draws_what_a_fresh_one_draws():
    shared = SeedFigure()
    results = [run_seeds(p.state.replace(n_seeds=12, num_steps=200))
               for p in list(PRESETS.values())[:3]]
    for m in results + results[::-1]:
        assert np.array_equal(shared.update(m).render(), SeedFigure().update(m).render())


def test_the_figure_draws_the_hidden_space_compute_chose():
    r = run(State(widths=(3, 2), activation="tanh", num_steps=100))
    f = NetFigure().update(r)
    order = np.argsort(r.shown_y > 0.5, kind="stable")  # targets 0 first (see below)
    assert np.array_equal(f.codes.get_offsets(), r.hidden_xy[order])
    assert f.title_hidden.get_text() == "hidden space of layer 2"
    w1, w2, c = r.boundary
    xs, ys = f.split_line.get_data()
    assert np.allclose(w1 * np.asarray(xs) + w2 * np.asarray(ys) + c, 0)
    assert f.title_units.get_text() == f"hidden units, {r.n_dead} dead (x)"


def test_the_fixed_caption_is_pasted_as_a_full_draw_draws_it():
    r = run(STATES[0])
    shared = NetFigure()
    shared.update(r).render()
    pixels = shared.update(run(STATES[2])).update(r).render()  # pasted, not drawn again
    plain = NetFigure().update(r).figure()  # every artist drawn in one full draw
    plain.canvas.draw()
    full = np.asarray(plain.canvas.buffer_rgba())[:, :, :3]
    (r0, r1, x0, x1), _ = shared._fixed[shared.fig.legends[0]]
    assert r1 - r0 > 10 and x1 - x0 > 200
    assert np.array_equal(pixels[r0:r1, x0:x1], full[r0:r1, x0:x1])


def test_a_1_sharing_a_spot_with_a_0_shows_as_a_red_dot_on_the_larger_blue_disc():
    """What the caption says of the marker sizes: with all four points on one hidden code
    (the born-dead 8 x 2 stack), the centre of that spot is red, not the last point's blue."""
    r = run(PRESETS["deep_narrow_dead"].state)
    assert np.ptp(r.hidden_xy, axis=0).max() < 1e-9 and set(r.shown_y) == {0.0, 1.0}
    f = NetFigure().update(r)
    pixels = f.render()
    x, y = f.ax_hidden.transData.transform(r.hidden_xy[0])
    row, col = pixels.shape[0] - int(round(y)), int(round(x))
    centre = pixels[row - 1:row + 2, col - 1:col + 2].reshape(-1, 3).astype(int)
    assert (np.abs(centre - [214, 39, 40]).max(axis=1) < 40).any(), centre
