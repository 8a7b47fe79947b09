"""From settings to results, with no widgets involved (notebook 07).

``run(state)`` trains the one network of a ``State`` (through ``xorhelpers.sweep``) and
returns a ``NetRun``: everything the one-net view shows, from the decision boundary over the
input plane to the one-line status. ``run(state, step=k)`` is the same network after its
first k steps: a run of k steps is exactly the first k steps of a longer one (same initial
weights, same minibatch order, same optimizer state), so each frame of the explorer's Play is
exact. ``run_seeds(state)`` trains the same settings over ``state.n_seeds`` seeds and returns
a ``SeedRun``: the solve rate with its Wilson interval, the final losses and the failure mode
of every seed.

Both remember their last results (see ``memory``): the same settings again, as when a
learner goes back to a preset, return the same object at once (``forget()`` clears them).
Treat results as read-only: their own arrays are made so.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .. import maths
from .._check import check_int
from ..data import truth_table
from ..stats import rate as _rate
from ..sweep import SweepResult, code_partition, failure_mode, linear_on_points, train
from ..sweep import plateau_loss as _plateau_loss
from .memory import forget, recall, remember
from .state import State, as_state

__all__ = ["MAX_SECONDS", "NetRun", "SeedRun", "estimate_seconds", "forget", "frame_steps",
           "known_plateaus", "net_status", "plateau_name", "run", "run_seeds", "too_long"]

GRID = 48  # points per side of the input-plane grid the maps are computed on
MAX_SHOWN = 200  # data points shown in the hidden-space view
_PLATEAU_NAMES = {"binary_crossentropy": ("ln(2)/2", "3/4 H(1/3)", "ln 2"),
                  "mse": ("1/8", "1/6", "1/4")}
_PLATEAU_CODES = ([0, 0, 1, 2], [0, 1, 0, 0], [0, 0, 0, 0])


def known_plateaus(loss: str = "binary_crossentropy") -> dict[str, float]:
    """The loss plateaus of the common failure modes, by name: a 0 and a 1 sharing a code,
    three points sharing one, all four sharing (or a net linear on the points). Notebook 07."""
    if not isinstance(loss, str) or loss not in _PLATEAU_NAMES:
        raise ValueError(f"loss must be one of {', '.join(map(repr, _PLATEAU_NAMES))}; "
                         f"got {loss!r}")
    return dict(_plateaus(loss))


@functools.cache
def _plateaus(loss: str) -> tuple[tuple[str, float], ...]:
    return tuple((n, float(_plateau_loss(c, loss)))
                 for n, c in zip(_PLATEAU_NAMES[loss], _PLATEAU_CODES, strict=True))


def plateau_name(value: float, loss: str = "binary_crossentropy") -> str:
    """``'ln(2)/2 = 0.347'`` for a known plateau value, else the value to 3 decimals."""
    for name, v in known_plateaus(loss).items():
        if abs(v - value) < 1e-6:
            return f"{name} = {v:.3f}"
    return f"{value:.3f}"


@dataclass(frozen=True)
class NetRun:
    """One network of a ``State`` after ``step`` of its ``num_steps`` steps (``run``).

    Loss and outcome are measured on the four XOR points, as ``sweep.train`` does;
    ``curve_steps`` / ``curve_loss`` is that loss during training up to ``step``. On the noisy
    cloud, ``checkpoint_steps`` with ``train_loss`` and ``test_loss`` (NaN without a test set)
    give the loss on the cloud itself, and ``train_accuracy`` / ``test_accuracy`` the final
    accuracies. ``grid_output`` (GRID, GRID) is the network's output over the square
    ``extent`` of the input plane (rows: x2, columns: x1), ``hidden_maps`` per hidden layer
    (GRID, GRID, width) every unit's output, ``dead`` per layer which ReLUs output zero on
    every training point, ``hidden_data`` per layer the codes of (up to 200) training
    points, ``shown_x`` and ``shown_y`` those points and their targets (case B's 1,000 pairs
    as their 4 distinct rows).
    ``outcome`` is "solved", "failed" or "diverged"; a failed net has a failure ``mode``
    (``sweep.MODES``) and the ``plateau`` its shared codes imply. ``status`` is one line.

    What the figure shows is chosen here, not by the figure: ``n_dead`` dead units in all,
    ``plateaus`` the known plateaus of this loss by name (``known_plateaus``), and the hidden
    space: ``hidden_layer`` the layer shown (the last with 2 units, else the last wider one;
    None when no layer has 2 units or more, or the net diverged), ``hidden_units`` its width,
    ``hidden_xy`` the codes of the points shown on its units 1 and 2, and ``boundary``
    (w1, w2, b), the output's dividing line w1 h1 + w2 h2 + b = 0 there when that layer has
    2 units and feeds the output (else None).
    """

    state: State
    step: int
    outcome: str
    loss: float
    solved_step: int
    mode: str | None
    plateau: float | None
    curve_steps: np.ndarray
    curve_loss: np.ndarray
    checkpoint_steps: np.ndarray | None
    train_loss: np.ndarray | None
    test_loss: np.ndarray | None
    train_accuracy: float
    test_accuracy: float | None
    extent: tuple[float, float]
    grid_output: np.ndarray
    hidden_maps: list
    dead: list
    hidden_data: list
    shown_x: np.ndarray
    shown_y: np.ndarray
    weights: list
    n_dead: int
    plateaus: dict
    hidden_layer: int | None
    hidden_units: int
    hidden_xy: np.ndarray | None
    boundary: tuple[float, float, float] | None
    status: str
    train_state: object = None  # the engine's state after ``step`` steps (None at step 0)

    @property
    def diverged(self) -> bool:
        return self.outcome == "diverged"


@dataclass(frozen=True)
class SeedRun:
    """The settings of a ``State`` trained over seeds 0 .. n_seeds-1 (``run_seeds``).

    ``result`` is the ``SweepResult``; ``solved`` of ``n`` seeds solve, ``rate`` is (rate,
    low, high) with the 95% Wilson interval; ``final_loss`` the loss of each seed on the four
    points (NaN when diverged); ``outcome`` per seed "solved", "diverged" or its failure mode;
    ``plateau`` per seed the plateau its codes imply (NaN for solved and diverged seeds);
    ``plateaus`` the known plateaus of this loss by name (``known_plateaus``); ``status`` one
    line.
    """

    state: State
    result: SweepResult
    solved: int
    n: int
    rate: tuple[float, float, float]
    final_loss: np.ndarray
    outcome: np.ndarray
    plateau: np.ndarray
    n_diverged: int
    plateaus: dict
    status: str

    def examples(self, per_outcome: int = 5) -> dict[str, list[int]]:
        """The first ``per_outcome`` seeds of every outcome, most common outcome first."""
        per_outcome = check_int("per_outcome", per_outcome, low=1)
        names, counts = np.unique(self.outcome, return_counts=True)
        order = np.argsort(-counts, kind="stable")
        return {str(names[i]): [int(s) for s in self.result.seeds[self.outcome == names[i]]
                                [:per_outcome]] for i in order}


# A control change is refused above MAX_SECONDS of estimated training. The estimate is
# num_steps x networks x (PER_NET_STEP + PER_MAC x multiply-adds of a step) / (MANY_SPEEDUP
# for many networks), calibrated on a 2-core machine: one 8 x 64 ReLU net took 1.8 s for 500
# steps on the four points (so ~180 s for 50,000), a 7 x 16 one 0.10 s and a 2-8-1 one
# 0.0086 s for 2,000 steps (3.1-3.2e-8 s per multiply-add in all three); 200 seeds of the
# relu_8_units preset took 3.9 s, about 5 times faster than one by one.
MAX_SECONDS = 20.0
PER_NET_STEP = 1e-7  # seconds of fixed cost per network and step
PER_MAC = 3.5e-8  # seconds per multiply-add of a step (forward and backward together)
MANY_SPEEDUP = 4.0  # many networks at once use both cores and share the data


def estimate_seconds(state, many: bool = False) -> float:
    """Estimated seconds of training for ``state``: its one network, or with ``many`` its
    ``n_seeds`` networks (notebook 07). See ``MAX_SECONDS``; an upper-end estimate."""
    state = as_state(state)
    sizes = [2, *state.widths, 1]
    params = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=False))
    if state.data == "cloud":
        rows = state.batch_size or state.n_train
    else:
        rows = 4  # the four points, or case B's pairs given as weights over 4 distinct rows
    nets = state.n_seeds if many else 1
    passes = 3 if state.data == "cloud" and not many else 1  # the cloud's checkpoint runs
    speedup = MANY_SPEEDUP if many else 1.0
    return passes * nets * state.num_steps * (PER_NET_STEP + PER_MAC * params * rows) / speedup


def too_long(state, many: bool = False) -> str | None:
    """A message when ``estimate_seconds`` exceeds ``MAX_SECONDS``, else None."""
    t = estimate_seconds(state, many)
    if t <= MAX_SECONDS:
        return None
    what = f"{as_state(state).n_seeds} networks" if many else "this network"
    return (f"not trained: {what} would take about {t:,.0f} s here (estimate), over the "
            f"limit of {MAX_SECONDS:.0f} s per change; use fewer steps, units, layers"
            f"{' or seeds' if many else ''}")


def frame_steps(num_steps: int, frames: int = 20) -> list[int]:
    """The training steps Play shows: 0, then ``frames`` steps up to ``num_steps``."""
    num_steps = check_int("num_steps", num_steps, low=1)
    frames = check_int("frames", frames, low=1)
    return sorted({0, *(max(1, round(num_steps * f / frames)) for f in range(1, frames + 1))})


def run(state, step: int | None = None, *, full: NetRun | None = None,
        resume: NetRun | None = None) -> NetRun:
    """Train the one network of ``state`` (a ``State`` or a dict of settings) for ``step``
    steps (default all ``num_steps``) and return a ``NetRun``. Notebook 07.

    ``full``, the ``NetRun`` of all steps, saves retraining when drawing Play frames: its loss
    curve is cut at ``step``. ``resume``, the ``NetRun`` of an earlier step of the same
    state, continues from its exact state (weights, optimizer moments, step count, place in
    the minibatch order) instead of retraining from the seed: Play's next frame costs only
    the steps between frames, and equals a fresh run to ``step``. Raises ValueError/TypeError
    naming a setting that is invalid.
    """
    state = as_state(state)
    step = state.num_steps if step is None else check_int("step", step, low=0,
                                                            high=state.num_steps)
    if full is not None and (not isinstance(full, NetRun) or full.state != state
                             or full.step != state.num_steps):
        raise ValueError("full must be the NetRun of all steps of the same state")
    if resume is not None and (not isinstance(resume, NetRun) or resume.state != state
                               or resume.train_state is None or resume.step >= step):
        raise ValueError("resume must be the NetRun of an earlier step (> 0) of the same state")
    whole = step == state.num_steps and full is None and resume is None
    if whole and (hit := recall(("run", state))) is not None:
        return hit
    initial = step == 0
    result = _train_to(state, step, resume)
    weights = result.initial_weights[0] if initial else result.final_weights[0]
    steps_all, loss_all = ((full.curve_steps, full.curve_loss) if full is not None else
                           (result.curve_steps, result.loss_curve[0]))
    keep = steps_all <= step
    run_ = dict(state=state, step=step, curve_steps=steps_all[keep],
                curve_loss=loss_all[keep], weights=weights)
    run_.update(_verdict(state, step, result, weights, run_["curve_loss"], full, resume))
    run_.update(_on_the_data(state, step, result, weights))
    run_.update(_maps(state, weights))
    run_.update(_shown(run_))
    r = NetRun(**run_, status=net_status(run_), train_state=None if initial else result.state)
    return remember(("run", state), r) if whole else r


def _train_to(state: State, step: int, resume: NetRun | None) -> SweepResult:
    """The network trained to ``step`` (at least 1: step 0 reads the initial weights), from
    its seed or on from ``resume``'s exact state."""
    if resume is None:
        return _train(state, max(step, 1))
    X, y, _, _ = state.data_arrays()
    return train(state.config.replace(num_steps=step - resume.step), [state.seed], X, y,
                 resume=resume.train_state)


def _verdict(state: State, step: int, result: SweepResult, weights, curve_loss,
             full: NetRun | None, resume: NetRun | None) -> dict:
    """outcome, loss, failure mode, plateau and solved step of the network at ``step``."""
    config, initial = state.config, step == 0
    diverged = bool(result.diverged[0]) and not initial
    loss = float(curve_loss[-1]) if initial else float(result.final_loss[0])
    if diverged:
        outcome, mode, plateau = "diverged", None, None
    else:
        part = code_partition(result, initial=initial)
        lin = linear_on_points(result, initial=initial)
        X4, y4 = truth_table()
        # the one criterion (an output of exactly 0.5 is on neither side); after training,
        # the engine's own verdict, which applies it to the engine's float32 outputs
        solved = (bool(maths.solved(_outputs(weights, X4, config.activation)[0], y4))
                  if initial else bool(result.solved[0]))
        outcome = "solved" if solved else "failed"
        mode = None if solved else str(failure_mode(part, lin)[0])
        plateau = None if solved else float(_plateau_loss(part, config.loss, linear=lin)[0])
    solved_step = int(result.solved_step[0]) if not initial else -1
    if full is not None:  # on the full run's recording grid, so every way to a frame agrees
        solved_step = full.solved_step if not initial else -1
    elif resume is not None and resume.solved_step >= 0:
        solved_step = resume.solved_step
    if solved_step > step:
        solved_step = -1
    return dict(outcome=outcome, loss=loss, solved_step=solved_step, mode=mode,
                plateau=plateau)


def _on_the_data(state: State, step: int, result: SweepResult, weights) -> dict:
    """Accuracy on the training (and test) data and, on the cloud, the loss on its own
    points at checkpoints (exact prefix runs)."""
    X, y, Xt, yt = state.data_arrays()
    config = state.config
    ck_steps = train_loss = test_loss = None
    if state.data == "cloud":
        ck_steps = np.array([s for s in _checkpoints(state.num_steps) if s < step] + [step])
        train_loss, test_loss = [], []
        for s in ck_steps:
            if s == step:
                w = weights
            elif s == 0:
                w = result.initial_weights[0]
            else:
                w = _train(state, int(s)).final_weights[0]
            train_loss.append(_data_loss(w, X, y, config))
            test_loss.append(np.nan if Xt is None else _data_loss(w, Xt, yt, config))
        train_loss, test_loss = np.array(train_loss), np.array(test_loss)
    p_train = _outputs(weights, X, config.activation)[0]
    train_acc = float(((p_train > 0.5) == (y > 0.5)).mean())
    test_acc = None
    if Xt is not None:
        test_acc = float(((_outputs(weights, Xt, config.activation)[0] > 0.5) == (yt > 0.5))
                         .mean())
    return dict(checkpoint_steps=ck_steps, train_loss=train_loss, test_loss=test_loss,
                train_accuracy=train_acc, test_accuracy=test_acc)


def _maps(state: State, weights) -> dict:
    """What the figure draws of the network: its output and every hidden unit over the
    input plane, the dead units, and the hidden codes of the points shown."""
    X, y, _, _ = state.data_arrays()
    activation = state.config.activation
    extent = _extent(state)
    g = np.linspace(*extent, GRID)
    G = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
    out, hidden = _outputs(weights, G, activation)
    with np.errstate(all="ignore"):
        _, layers = maths.forward(weights, X, activation)
    dead = [maths.dead(activation, layer.Z) for layer in layers[:-1]]
    shown = np.unique(np.column_stack([X, y]), axis=0) if state.data == "case_b" else \
        np.column_stack([X, y])[:MAX_SHOWN]
    _, hidden_shown = _outputs(weights, shown[:, :2], activation)
    return dict(extent=extent, grid_output=out.reshape(GRID, GRID),
                hidden_maps=[H.reshape(GRID, GRID, -1) for H in hidden], dead=dead,
                hidden_data=hidden_shown, shown_x=shown[:, :2], shown_y=shown[:, 2])


def _shown(run_: dict) -> dict:
    """The choices the figure shows (see ``NetRun``): dead units, plateaus, hidden space."""
    hidden = run_["hidden_data"]
    two = [k for k, H in enumerate(hidden) if H.shape[1] == 2]
    wide = [k for k, H in enumerate(hidden) if H.shape[1] > 2]
    layer = units = xy = boundary = None
    if (two or wide) and run_["outcome"] != "diverged":
        layer = two[-1] if two else wide[-1]
        units = hidden[layer].shape[1]
        xy = hidden[layer][:, :2]
        if units == 2 and layer == len(hidden) - 1:
            W, b = run_["weights"][-1]
            boundary = (float(W[0, 0]), float(W[1, 0]), float(b[0]))
    return dict(n_dead=int(sum(d.sum() for d in run_["dead"])),
                plateaus=known_plateaus(run_["state"].loss), hidden_layer=layer,
                hidden_units=units or 0, hidden_xy=xy, boundary=boundary)


def run_seeds(state) -> SeedRun:
    """Train the settings of ``state`` over seeds 0 .. ``state.n_seeds``-1 as one batched
    sweep and return a ``SeedRun``. Notebook 07."""
    state = as_state(state)
    if (hit := recall(("seeds", state))) is not None:
        return hit
    X, y, _, _ = state.data_arrays()
    config = state.config
    result = train(config, state.n_seeds, X, y)
    part, lin = code_partition(result), linear_on_points(result)
    modes = failure_mode(part, lin)
    plateau = _plateau_loss(part, config.loss, linear=lin)
    outcome = np.where(result.diverged, "diverged", np.where(result.solved, "solved", modes))
    plateau = np.where(outcome == modes, plateau, np.nan)
    final = np.where(result.diverged, np.nan, result.final_loss)
    p, lo, hi = _rate(result.solved)
    k, n = int(result.solved.sum()), len(result)
    n_div = int(result.diverged.sum())
    line = f"{k} of {n} seeds solve: {100 * p:.0f}% (95% CI {100 * lo:.0f}-{100 * hi:.0f}%)"
    failed = outcome[~result.solved & ~result.diverged]
    if len(failed):
        names, counts = np.unique(failed, return_counts=True)
        top = names[np.argmax(counts)]
        line += f"; most failures: {top} ({counts.max()} seeds)"
    if n_div:
        line += f"; {n_div} diverged (NaN or inf)"
    return remember(("seeds", state), SeedRun(
        state=state, result=result, solved=k, n=n, rate=(p, lo, hi), final_loss=final,
        outcome=outcome, plateau=plateau, n_diverged=n_div,
        plateaus=known_plateaus(config.loss), status=line))


def net_status(run_: dict) -> str:
    """The one-line status of a one-network run (the fields of a ``NetRun`` as a dict)."""
    state = run_["state"]
    head = f"step {run_['step']} of {state.num_steps}: "
    if run_["step"] == 0:
        head = f"step 0 of {state.num_steps} (before training): "
    if run_["outcome"] == "diverged":
        return head + "DIVERGED: NaN or inf in the weights or the loss; nothing to draw"
    if run_["outcome"] == "solved":
        line = "solved: all 4 XOR points on the right side of 0.5"
        if run_["solved_step"] >= 0:
            line += f" (from step {run_['solved_step']})"
        line += f"; loss {run_['loss']:.3g}"
    else:
        mode, plateau, loss = run_["mode"], run_["plateau"], run_["loss"]
        line = f"{'failed: ' if run_['step'] else ''}{mode}"
        if plateau is not None and plateau > 1e-9:
            where = "sits on" if abs(loss - plateau) < 0.01 else "codes imply"
            line += f"; {where} the plateau {plateau_name(plateau, state.loss)}"
        line += f"; loss {loss:.3f}"
    n_dead = run_["n_dead"]
    if n_dead:
        line += f"; {n_dead} dead unit{'s' if n_dead > 1 else ''}"
    if state.data == "cloud":
        line += f"; train accuracy {run_['train_accuracy']:.0%}"
        if run_["test_accuracy"] is not None:
            line += f", test accuracy {run_['test_accuracy']:.0%}"
    return head + line


def _train(state: State, steps: int) -> SweepResult:
    X, y, _, _ = state.data_arrays()
    return train(state.config.replace(num_steps=steps), [state.seed], X, y)


def _checkpoints(num_steps: int) -> list[int]:
    """Steps at which the cloud's train and test losses are computed: 0 and num_steps / 2^j."""
    return sorted({0, *(max(1, num_steps >> j) for j in range(7))})


def _outputs(weights, X, activation: str):
    with np.errstate(all="ignore"):
        out, layers = maths.forward(weights, X, activation)
    return out[:, 0], [layer.A for layer in layers[:-1]]


def _data_loss(weights, X, y, config) -> float:
    p = _outputs(weights, X, config.activation)[0]
    if not np.isfinite(p).all():
        return math.nan
    if config.loss == "mse":
        return float(maths.squared_error(p, y).mean())
    return float(maths.bce_from_probabilities(p, y).mean())  # clipped, as Keras clips


def _extent(state: State) -> tuple[float, float]:
    pad = 0.5 + (2 * state.noise if state.data == "cloud" else 0.0)
    return (-pad, 1 + pad)
