"""The explorer's pure functions against the sweep engine and independent NumPy references."""

import math

import numpy as np
import pytest

from xorhelpers import explorer
from xorhelpers.explorer import State, frame_steps, known_plateaus, run, run_seeds
from xorhelpers.explorer.compute import GRID
from xorhelpers.stats import rate
from xorhelpers.sweep import train


def numpy_forward(weights, X, activation):
    """Plain NumPy forward pass of one network: (outputs, hidden activations per layer)."""
    f = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
         "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
         "leaky_relu": lambda z: np.where(z > 0, z, 0.2 * z), "linear": lambda z: z}[activation]
    A, hidden = np.asarray(X, float), []
    for W, b in weights[:-1]:
        A = f(A @ W + b)
        hidden.append(A)
    W, b = weights[-1]
    return 1 / (1 + np.exp(-(A @ W + b)[:, 0])), hidden


def test_run_is_the_sweep_engine_s_network():
    s = State(widths=(3,), activation="tanh", seed=4, num_steps=300)
    r = run(s)
    ref = train(s.config, [4])
    assert r.loss == pytest.approx(float(ref.final_loss[0]))
    assert r.outcome == ("solved" if ref.solved[0] else "failed")
    assert np.array_equal(r.curve_loss, ref.loss_curve[0])
    for (W, b), (W0, b0) in zip(r.weights, ref.final_weights[0], strict=True):
        assert np.array_equal(W, W0) and np.array_equal(b, b0)


def test_maps_match_an_independent_forward_pass():
    s = State(widths=(3, 2), activation="leaky_relu", num_steps=200, seed=1)
    r = run(s)
    g = np.linspace(*r.extent, GRID)
    G = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
    out, hidden = numpy_forward([(W.astype(float), b.astype(float)) for W, b in r.weights],
                                G, "leaky_relu")
    assert np.allclose(r.grid_output, out.reshape(GRID, GRID), atol=1e-6)
    assert r.grid_output[0, -1] == pytest.approx(out[GRID - 1], abs=1e-6)  # row = x2, col = x1
    for H, ref in zip(r.hidden_maps, hidden, strict=True):
        assert np.allclose(H, ref.reshape(GRID, GRID, -1), atol=1e-5)


@pytest.mark.parametrize("state", [
    State(optimizer="adam", num_steps=600, seed=2),
    State(data="case_b", optimizer="rmsprop", lr=0.01, batch_size=4, num_steps=500, seed=3),
    State(data="cloud", optimizer="momentum", batch_size=16, num_steps=400, seed=1),
])
def test_a_play_frame_is_exactly_the_first_k_steps_of_the_full_run(state):
    full = train(state.config, [state.seed], *state.data_arrays()[:2], record_every=1)
    curve = full.loss_curve[0]
    for k in (100, 300):
        frame = run(state, step=k)
        # the full run passes through the frame's loss at step k (the engine records a
        # full-batch run's loss before each step and a minibatch run's after it)
        assert min(abs(frame.loss - curve[k]), abs(frame.loss - curve[k - 1])) < 1e-7
        assert abs(curve[k] - curve[k - 1]) > 1e-6  # so matching one of them says something
    last = run(state, step=state.num_steps)
    assert last.loss == pytest.approx(float(full.final_loss[0]), abs=1e-7)


def test_frame_zero_is_the_untrained_network_and_frames_reuse_the_full_curve():
    s = State(num_steps=400, seed=3)
    full = run(s)
    zero = run(s, step=0, full=full)
    W0 = train(s.config, [3]).initial_weights[0]
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(zero.weights, W0, strict=True))
    assert zero.curve_steps.tolist() == [0] and "before training" in zero.status
    mid = run(s, step=200, full=full)
    assert np.array_equal(mid.curve_loss, full.curve_loss[full.curve_steps <= 200])
    with pytest.raises(ValueError, match="full"):
        run(s.replace(seed=4), step=10, full=full)
    assert frame_steps(2000)[:3] == [0, 100, 200] and frame_steps(2000)[-1] == 2000
    assert frame_steps(7, frames=20) == list(range(8))


def test_dead_units_are_relus_off_on_every_training_point():
    s = State(widths=(4, 4), num_steps=300, seed=6)
    r = run(s)
    ref = train(s.config, [6])
    _, hidden = numpy_forward([(W.astype(float), b.astype(float)) for W, b in r.weights],
                              s.data_arrays()[0], "relu")
    for dead, H in zip(r.dead, hidden, strict=True):
        assert np.array_equal(dead, (H <= 0).all(axis=0))
    assert sum(int(d.sum()) for d in r.dead) == int(ref.dead_units[0])
    assert not any(d.any() for d in run(s.replace(activation="tanh")).dead)


def test_a_stuck_network_names_its_failure_mode_and_plateau():
    r = run(State(seed=10, num_steps=2000))  # a seed of the default that stalls
    assert r.outcome == "failed" and r.mode is not None
    assert min(abs(r.plateau - v) for v in known_plateaus().values()) < 1e-9
    assert abs(r.loss - r.plateau) < 0.01 and "sits on the plateau" in r.status


def test_known_plateaus_are_the_counting_values():
    bce = known_plateaus()
    assert bce["ln(2)/2"] == pytest.approx(math.log(2) / 2)
    assert bce["ln 2"] == pytest.approx(math.log(2))
    assert bce["3/4 H(1/3)"] == pytest.approx(-(math.log(1 / 3) + 2 * math.log(2 / 3)) / 4)
    assert list(known_plateaus("mse").values()) == pytest.approx([1 / 8, 1 / 6, 1 / 4])
    with pytest.raises(ValueError, match="loss"):
        known_plateaus("hinge")
    assert explorer.plateau_name(math.log(2) / 2) == "ln(2)/2 = 0.347"


def test_the_cloud_reports_train_and_test_loss_on_its_own_points():
    s = State(data="cloud", noise=0.2, test_fraction=0.2, num_steps=256, seed=0)
    r = run(s)
    X, y, Xt, yt = s.data_arrays()
    assert r.checkpoint_steps.tolist() == [0, 4, 8, 16, 32, 64, 128, 256]
    p, _ = numpy_forward([(W.astype(float), b.astype(float)) for W, b in r.weights], Xt, "relu")
    p = np.clip(p, 1e-7, 1 - 1e-7)
    assert r.test_loss[-1] == pytest.approx(-(yt * np.log(p) + (1 - yt) * np.log1p(-p)).mean(),
                                            rel=1e-5)
    assert r.test_accuracy == pytest.approx(((p > 0.5) == (yt > 0.5)).mean())
    assert np.isfinite(r.train_loss).all() and "test accuracy" in r.status


def test_diverged_training_is_reported_as_diverged():
    s = State(activation="linear", widths=(64,) * 8, lr=10.0, optimizer="sgd", num_steps=100)
    r = run(s)
    assert r.diverged and r.mode is None and "DIVERGED" in r.status
    m = run_seeds(s.replace(n_seeds=5))
    assert m.n_diverged == 5 and np.isnan(m.final_loss).all() and "5 diverged" in m.status


def test_run_seeds_is_the_sweep_over_seeds():
    s = State(n_seeds=120, num_steps=500)
    m = run_seeds(s)
    ref = train(s.config, 120)
    assert m.solved == int(ref.solved.sum()) and m.n == 120
    assert m.rate == pytest.approx(rate(ref.solved))
    assert np.array_equal(m.final_loss, ref.final_loss)
    for outcome, seeds in m.examples(3).items():
        assert len(seeds) <= 3 and all(m.outcome[s] == outcome for s in seeds)
    assert set(m.outcome[ref.solved]) == {"solved"}
    assert np.isnan(m.plateau[ref.solved]).all()
    one = run(s.replace(seed=int(np.flatnonzero(~ref.solved)[0])))  # the same net alone
    assert one.outcome == "failed"


def test_bad_input_names_the_setting():
    with pytest.raises(ValueError, match="lr"):
        run({"lr": -1.0})
    with pytest.raises(ValueError, match="unknown setting"):
        run({"learning_rate": 0.1})
    with pytest.raises(TypeError, match="state"):
        run("relu")
    with pytest.raises(ValueError, match="step"):
        run(State(num_steps=100), step=101)
    with pytest.raises(ValueError, match="n_seeds"):
        run_seeds({"n_seeds": 0})


def test_an_output_of_exactly_one_half_is_not_solved():
    """Seed 34's untrained 2-2-1 net outputs exactly 0.5 on two points: on neither side."""
    r = run(State(seed=34), step=0)
    out, _ = numpy_forward([(W.astype(float), b.astype(float)) for W, b in r.weights],
                           np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float), "relu")
    assert (out == 0.5).any()
    assert r.outcome == "failed"
    assert not r.status.split(": ", 1)[1].startswith("solved")


@pytest.mark.parametrize("seed", range(40))
def test_run_calls_solved_what_criteria_solved_calls_solved(seed):
    from xorhelpers.data import truth_table
    from xorhelpers.maths import solved
    X, y = truth_table()
    r = run(State(seed=seed, widths=(3,), num_steps=40), step=0)
    out, _ = numpy_forward([(W.astype(float), b.astype(float)) for W, b in r.weights], X, "relu")
    assert (r.outcome == "solved") == bool(solved(out, y))


@pytest.mark.parametrize("state", [
    State(optimizer="adam", num_steps=600, seed=2),
    State(data="case_b", optimizer="rmsprop", lr=0.01, batch_size=4, num_steps=500, seed=3),
    State(data="case_b", widths=(3, 2), activation="tanh", optimizer="momentum",
          batch_size=7, num_steps=400, seed=5),  # epochs of 143 steps: frames cut them
])
def test_play_goes_on_from_the_previous_frame_and_equals_a_fresh_run(state):
    full = run(state)
    prev = run(state, step=frame_steps(state.num_steps)[1], full=full)
    for k in frame_steps(state.num_steps)[2:-1]:
        r = run(state, step=k, full=full, resume=prev)
        fresh = run(state, step=k, full=full)
        for (W, b), (W0, b0) in zip(r.weights, fresh.weights, strict=True):
            assert np.array_equal(W, W0) and np.array_equal(b, b0)
        assert (r.loss, r.outcome, r.mode, r.status) == (
            fresh.loss, fresh.outcome, fresh.mode, fresh.status)
        assert np.array_equal(r.grid_output, fresh.grid_output)
        prev = r


def test_resume_must_be_an_earlier_frame_of_the_same_state():
    s = State(num_steps=100)
    r50 = run(s, step=50)
    with pytest.raises(ValueError, match="resume"):
        run(s, step=40, resume=r50)
    with pytest.raises(ValueError, match="resume"):
        run(s.replace(seed=1), step=60, resume=r50)
    with pytest.raises(ValueError, match="resume"):
        run(s, step=60, resume=run(s, step=0))


def test_settings_seen_again_are_remembered_not_retrained(monkeypatch):
    from xorhelpers.explorer import compute

    s = State(widths=(3,), num_steps=150, seed=7)
    compute.forget()
    r, m = run(s), run_seeds(s.replace(n_seeds=6))

    def no_training(*args, **kwargs):
        raise AssertionError("trained again")

    monkeypatch.setattr(compute, "train", no_training)
    assert run(s) is r and run(s.replace(seed=7)) is r
    assert run_seeds(s.replace(n_seeds=6)) is m
    with pytest.raises(ValueError, match="read-only"):
        r.curve_loss[0] = 0.0  # a remembered result cannot be changed by mistake
    with pytest.raises(ValueError, match="read-only"):
        r.weights[0][0][0, 0] = 0.0
    with pytest.raises(AssertionError, match="trained again"):
        run(s, step=100)  # frames are not remembered
    with pytest.raises(AssertionError, match="trained again"):
        run(s.replace(seed=8))
    compute.forget()
    with pytest.raises(AssertionError, match="trained again"):
        run(s)
    monkeypatch.undo()
    again = run(s)
    assert again is not r and again.status == r.status
    assert np.array_equal(again.grid_output, r.grid_output)


def test_only_the_most_recent_results_are_remembered(monkeypatch):
    from xorhelpers.explorer import memory

    monkeypatch.setattr(memory, "REMEMBERED", 2)
    memory.forget()
    states = [State(num_steps=60, seed=k) for k in range(3)]
    runs = [run(s) for s in states]
    assert run(states[2]) is runs[2] and run(states[1]) is runs[1]
    assert run(states[0]) is not runs[0]  # the oldest was forgotten
    assert len(memory._remembered) == 2
    monkeypatch.setattr(memory, "REMEMBERED_BYTES", 1)  # nothing fits: nothing is kept
    run(states[2].replace(seed=9))
    assert len(memory._remembered) == 0
    memory.forget()


def test_run_chooses_what_the_figure_shows():
    r = run(State(widths=(3, 2), activation="tanh", num_steps=100))
    W, b = r.weights[-1]
    assert (r.hidden_layer, r.hidden_units) == (1, 2)
    assert np.array_equal(r.hidden_xy, r.hidden_data[1])
    assert r.boundary == (float(W[0, 0]), float(W[1, 0]), float(b[0]))
    assert r.plateaus == known_plateaus("binary_crossentropy")
    assert r.n_dead == sum(int(d.sum()) for d in r.dead)
    wide = run(State(widths=(2, 8), num_steps=50))  # no 2-unit layer feeds the output
    assert (wide.hidden_layer, wide.hidden_units, wide.boundary) == (0, 2, None)
    eight = run(State(widths=(8,), num_steps=50))
    assert (eight.hidden_layer, eight.hidden_units, eight.boundary) == (0, 8, None)
    assert np.array_equal(eight.hidden_xy, eight.hidden_data[0][:, :2])
    assert run(State(widths=(1,), num_steps=50)).hidden_layer is None
    wild = run(State(activation="linear", widths=(64,) * 3, optimizer="sgd", lr=10.0,
                     num_steps=50))
    assert wild.diverged and wild.hidden_layer is None and wild.hidden_xy is None
    assert run_seeds(State(loss="mse", n_seeds=3, num_steps=50)).plateaus == known_plateaus("mse")
