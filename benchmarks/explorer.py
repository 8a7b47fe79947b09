"""Speed of the what-if explorer: one control change, and the many-seed mode.

1. Control changes: the view opens on the default settings (a 2-2-1 ReLU net, Adam lr 0.01,
   2,000 full-batch steps on the four XOR points); then CHANGES single-control changes are
   made, each from the default settings (seed, learning rate, activation, optimizer,
   initializer, width, loss), as a user would in the browser: the control's value is set and
   the view recomputes (``compute``, training through ``xorhelpers.sweep``) and redraws (the
   figure re-rendered as PNG for the Image widget). Each change's wall time is split into
   compute and draw; median and 90th percentile over all changes.
2. Many seeds: the same settings over 500 seeds (500 x 2,000 steps), computed and drawn by the
   view in its many-seed mode; median of REPEATS.
3. Baselines, measured in the same run: drawing by re-rendering the whole figure (savefig)
   instead of pasting the static background and drawing only what changed; and Play frames
   by exact prefix runs (retrain k steps from scratch, what the explorer does) against chunks
   continued from the previous chunk's weights (cheaper, but each chunk restarts Adam's
   moment estimates, so the network drifts from the real run).
4. Play frames of the default and case_b_relu presets (25,000 minibatch steps): each frame
   continues from the previous frame's exact state (weights, optimizer moments, step count)
   and redraws; median and worst of the 20 frames.
5. Where the time of one update of each preset goes, in CPU time (what the machine's other
   load does not inflate): training, compute's assembly, drawing, PNG encoding.
6. A profile of the control changes: where the time goes (training vs drawing).

Results seen before are remembered by ``compute``; every measurement here forgets them first
(``compute.forget()``), so each change trains.

Last line: ``update_ms_median=<float> update_ms_p90=<float> many_seed_ms=<float>``.
Targets: median update <= 250 ms, many seeds <= 1000 ms. Run: python benchmarks/explorer.py
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import time

import xorhelpers  # noqa: F401  (first: the processor rule, before NumPy loads)

# isort: split
import numpy as np

from xorhelpers import explorer
from xorhelpers.explorer import compute as explorer_compute
from xorhelpers.explorer.blit import encode, png
from xorhelpers.explorer.draw import NetFigure, SeedFigure
from xorhelpers.sweep import train

REPEATS = 5
CHANGES = [("seed", s) for s in range(1, 11)] + [
    ("lr", v) for v in (0.001, 0.003, 0.03, 0.1, 0.3)] + [
    ("activation", v) for v in ("leaky_relu", "sigmoid", "tanh", "linear")] + [
    ("optimizer", v) for v in ("sgd", "momentum", "rmsprop")] + [
    ("init", v) for v in ("he_normal", "zeros")] + [
    ("units", v) for v in (3, 4, 5, 8)] + [("layers", 2), ("layers", 3), ("loss", "mse"),
                                           ("momentum", 0.5)]


def percentile(values, q):
    return float(np.percentile(np.asarray(values), q))


def one_change(view, default, name, value):
    """Set one control from the default settings; return (total, compute, draw) in ms."""
    view.set_state(default)
    control = view.units[0] if name == "units" else view.controls[name]
    explorer_compute.forget()  # cold: the change trains (results seen before would be remembered)
    t0 = time.perf_counter()
    control.value = value
    total = 1000 * (time.perf_counter() - t0)
    return total, view.timings["compute_ms"], view.timings["draw_ms"]


def control_changes(view, default):
    rows = [one_change(view, default, n, v) for n, v in CHANGES]
    return np.array(rows)


def draw_baseline(view):
    """Median ms of re-rendering the whole one-net figure, against the blitted redraw."""
    fig = view._net_figure
    full, blit = [], []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fig.update(view.net)
        fig.fig.canvas.draw()
        png(fig.fig)
        full.append(1000 * (time.perf_counter() - t0))
        t0 = time.perf_counter()
        fig.update(view.net).png()
        blit.append(1000 * (time.perf_counter() - t0))
    return statistics.median(full), statistics.median(blit)


def play_baseline(state):
    """Play's 20 frames: exact prefix runs against chunks continued from the last weights."""
    X, y, _, _ = state.data_arrays()
    config = state.config
    steps = explorer.frame_steps(state.num_steps)[1:]
    t0 = time.perf_counter()
    exact = [explorer.run(state, step=k) for k in steps]
    t_exact = time.perf_counter() - t0
    t0 = time.perf_counter()
    weights, done, losses = None, 0, []
    for k in steps:
        r = train(config.replace(num_steps=k - done), [state.seed], X, y,
                  initial_weights=weights)
        weights, done = r.final_weights[0], k
        losses.append(float(r.final_loss[0]))
    t_chunks = time.perf_counter() - t0
    gap = max(abs(e.loss - c) for e, c in zip(exact, losses, strict=True))
    return t_exact, t_chunks, gap


def play_frames(name: str) -> tuple[float, float]:
    """(median, worst) ms of one Play frame of a preset as the view shows it: the network
    continued from the previous frame's exact state to the frame's step, then drawn (second
    of two passes)."""
    view = explorer.show(preset=name)
    times = []
    for _ in range(2):
        view.reset()
        times = []
        for _ in range(view.timer.max):
            t0 = time.perf_counter()
            view.step()  # what each frame of Play does (one frame further)
            times.append(1000 * (time.perf_counter() - t0))
    return statistics.median(times), max(times)


def cpu_ms(f, repeats: int = REPEATS) -> tuple[float, object]:
    """Median process CPU time of ``f()`` in ms (both cores' work counts; a shared machine's
    other load does not), and its last value."""
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        value = f()
        times.append(1000 * (time.process_time() - t0))
    return statistics.median(times), value


def split(name: str, many: bool) -> dict[str, float]:
    """CPU ms of the parts of one update of preset ``name``, cold: training, compute's
    assembly of its results, matplotlib drawing (update, render), PNG encoding."""
    state = explorer.preset(name).state
    state = state.replace(n_seeds=200) if many else state
    X, y, _, _ = state.data_arrays()
    figure = SeedFigure() if many else NetFigure()
    seeds = state.n_seeds if many else [state.seed]
    train_ms, trained = cpu_ms(lambda: train(state.config, seeds, X, y), 3 if many else REPEATS)
    # compute's assembly alone: run / run_seeds with the training's result handed back
    explorer_compute.train = lambda *args, **kwargs: trained
    try:
        whole = explorer.run_seeds if many else explorer.run
        assemble_ms, r = cpu_ms(lambda: (explorer_compute.forget(), whole(state))[1])
    finally:
        explorer_compute.train = train
    figure.update(r).render()  # the figure as the view has it: backgrounds drawn before
    draw_ms, pixels = cpu_ms(lambda: figure.update(r).render())
    encode_ms, png_bytes = cpu_ms(lambda: encode(pixels))
    return {"train": train_ms, "assemble": assemble_ms, "draw": draw_ms,
            "encode": encode_ms, "kB": len(png_bytes) / 1000}


def print_splits() -> None:
    print("where the time of one update goes, per preset (CPU ms, median; cold: trained from "
          "scratch; draw with the figure's backgrounds kept, as in the view):")
    for many in (False, True):
        print(f"  {'many seeds (200)' if many else 'one network'}:")
        for name in explorer.PRESETS:
            p = split(name, many)
            print(f"    {name:>18}: train {p['train']:6.1f}, assemble {p['assemble']:5.1f}, "
                  f"draw {p['draw']:5.1f}, encode {p['encode']:4.1f} ({p['kB']:.0f} kB)")


def main() -> None:
    default = explorer.State()
    view = explorer.Explorer(default)
    rows = control_changes(view, default)  # warm-up pass (caches, first renders)
    rows = control_changes(view, default)
    total, compute, draw = rows.T
    print(f"{len(rows)} control changes from the default settings ({default.config.label()}, "
          f"{default.num_steps} steps):")
    for label, v in (("total", total), ("compute", compute), ("draw", draw)):
        print(f"  {label:>8}: median {statistics.median(v):6.1f} ms, "
              f"p90 {percentile(v, 90):6.1f} ms")

    many = default.replace(n_seeds=500)
    view.set_state(many)
    times = []
    for _ in range(REPEATS):
        explorer_compute.forget()
        t0 = time.perf_counter()
        view.controls["mode"].value = "many"
        times.append(1000 * (time.perf_counter() - t0))
        split = dict(view.timings)
        view._busy = True
        view.controls["mode"].value = "one"
        view._busy = False
    many_ms = statistics.median(times)
    print(f"many seeds (500 x {default.num_steps} steps): median {many_ms:.0f} ms "
          f"(last: compute {split['compute_ms']:.0f} ms, draw {split['draw_ms']:.0f} ms); "
          f"{view.seeds.status}")

    view.set_state(default)
    full, blit = draw_baseline(view)
    print(f"drawing the one-net figure: full re-render {full:.0f} ms, blitted {blit:.0f} ms "
          f"(ratio {full / blit:.1f})")
    t_exact, t_chunks, gap = play_baseline(default)
    print(f"Play, 20 frames: exact prefix runs {1000 * t_exact:.0f} ms, chunks continued from "
          f"weights {1000 * t_chunks:.0f} ms (ratio {t_exact / t_chunks:.1f}); the chunks end "
          f"up to {gap:.3f} away in loss (Adam restarts its moments at every chunk)")

    for name in ("default", "case_b_relu"):
        median, worst = play_frames(name)
        steps = explorer.preset(name).state.num_steps
        print(f"Play frame of preset {name} ({steps} steps; go on from the previous frame, "
              f"then draw): median {median:.0f} ms, worst {worst:.0f} ms "
              f"({1000 / median:.0f} frames/s at the median)")

    print_splits()

    profile = cProfile.Profile()
    profile.enable()
    control_changes(view, default)
    profile.disable()
    stats = pstats.Stats(profile)
    wanted = {"train": "training.py", "png": "draw.py", "update": "draw.py", "run": "compute.py",
              "keras_code": "code.py", "python_code": "code.py"}
    print("profile of the control changes (cumulative seconds):")
    for (path, _, func), (_, _, _, cum, _) in sorted(stats.stats.items(),
                                                      key=lambda kv: -kv[1][3]):
        if func in wanted and path.endswith(wanted[func]):
            print(f"  {func:>12} ({wanted[func]}): {cum:.2f} s")
    print(f"update_ms_median={statistics.median(total):.1f} "
          f"update_ms_p90={percentile(total, 90):.1f} many_seed_ms={many_ms:.1f}")


if __name__ == "__main__":
    main()
