"""``train``: one network per (config, seed), grouped and handed to an engine.

Networks sharing architecture, optimizer, loss, batch size and step budget form a group that
an engine trains in one call; ``SweepResult.from_runs`` assembles the groups' results.
"""

from __future__ import annotations

import dataclasses
import hashlib

import numpy as np

from .._check import check_choice
from . import numpy_engine
from .budget import check_memory
from .config import as_configs, as_data, as_seeds, broadcast_weights, record_every_for
from .result import SweepResult, TrainState
from .streams import init_stack

try:
    from . import fast_engine
except ImportError:  # numba missing: the NumPy engine only
    fast_engine = None

ENGINES = ("auto", "numba", "numpy")


def default_engine() -> str:
    """The engine ``train`` uses by default: "numba" when numba is installed, else "numpy"."""
    return "numpy" if fast_engine is None else "numba"


def train(configs, seeds, X=None, y=None, *, initial_weights=None,
          record_every: int | None = None, engine: str = "auto",
          resume: TrainState | None = None) -> SweepResult:
    """Train one network per (config, seed) pair, all at once; return a ``SweepResult``.

    - ``configs``: a ``Config`` or a sequence of them (see ``grid``).
    - ``seeds``: an int n (seeds 0..n-1) or a sequence of seeds; each config is trained with
      every seed, networks ordered config by config, seeds varying fastest. A seed fixes the
      network's initial weights (``init_weights``) and its minibatch order.
    - ``X``, ``y``: training data, X of shape (n, 2) and y of shape (n,) with 0/1 targets;
      default the four XOR points. Results are always measured on the four XOR points.
    - ``initial_weights``: start from these weights instead of drawing them (one config only):
      a list of (W, b) per layer, W of shape (fan_in, fan_out) for all networks or
      (number of seeds, fan_in, fan_out) for one each; b of shape (fan_out,) or
      (number of seeds, fan_out).
    - ``record_every``: the loss curve is recorded every this many steps (default: about 100
      points); every config's ``num_steps`` must be a multiple of it.
    - ``engine``: "numba" (compiled loops that run all steps without returning to Python; the
      default when numba is installed), "numpy" (the readable array program, one NumPy call
      per operation over all networks) or "auto" (the default engine).
    - ``resume``: a ``TrainState`` (``result.state`` of an earlier call) to continue from
      instead of starting afresh: each network goes on from its weights, optimizer moments and
      step count (so from its place in its minibatch order) for its config's ``num_steps``
      more steps. The configs must be those of that call (``num_steps`` aside), with the same
      seeds and training data, and all its networks must have taken the same number of steps.
      ``train(c.replace(num_steps=k), s)`` followed by ``train(c.replace(num_steps=m), s,
      resume=first.state)`` ends bit for bit where ``train(c.replace(num_steps=k + m), s)``
      ends (in both engines); the continued result's steps (``curve_steps``,
      ``solved_step``) count from the first call's start.

    Computation is float32 (like Keras) in both engines, with the same operations in the same
    order, no reassociation and correctly rounded exp and tanh, so they agree bit for bit and
    give the same numbers on every processor; each network keeps its own learning rate,
    momentum, weights and optimizer state, and a network trained among thousands ends exactly
    where it ends when trained alone. Networks that hit NaN or inf are flagged ``diverged``
    (and never ``solved``).

    Limits: each config's ``num_steps`` <= 10**7, seeds <= 10**7, and the memory the call
    would use, estimated from its arguments before any work (``budget.estimate_bytes``:
    about 160 bytes per network and recorded step, plus the networks' parameters and work
    arrays), at most ``budget.MEMORY_LIMIT`` (8 GiB) or 80% of the available memory; past
    that ``train`` raises ValueError with the estimate and the limit. An interrupt (Jupyter's
    Interrupt, Ctrl-C) stops training within about 0.1 s in either engine. Notebook 03.
    """
    check_choice("engine", engine, ENGINES)
    if engine == "auto":
        engine = default_engine()
    if engine == "numba" and fast_engine is None:
        raise ValueError("engine='numba' needs the numba package, which is not installed; "
                         "use engine='numpy'")
    if engine == "numba" and not fast_engine.usable():  # it said why on stderr
        engine = "numpy"
    configs = as_configs(configs)
    seeds = as_seeds(seeds)
    X, y = as_data(X, y)
    if initial_weights is not None and len(configs) != 1:
        raise ValueError(f"initial_weights needs exactly one config, got {len(configs)}")
    steps = [c.num_steps for c in configs]
    record_every = record_every_for(steps, record_every)
    config_index = np.repeat(np.arange(len(configs)), len(seeds))
    model_seeds = np.tile(seeds, len(configs))
    data_key = hashlib.blake2b(X.tobytes() + y.tobytes(), digest_size=16).hexdigest()
    first = 0
    if resume is not None:
        first = _check_resume(resume, configs, config_index, model_seeds, data_key,
                              initial_weights)
    curve_steps = first + np.arange(0, max(steps) + 1, record_every)
    check_memory(configs, len(seeds), X, y, len(curve_steps), engine,
                 fast_engine.in_flight(len(seeds)) if engine == "numba" else len(seeds))
    groups: dict[tuple, list[int]] = {}
    for i, c in enumerate(configs):
        key = (c.widths, c.activation, c.optimizer, c.loss, c.batch_size, c.num_steps)
        groups.setdefault(key, []).append(i)
    run_group = (numpy_engine if engine == "numpy" else fast_engine).train_group
    runs = []
    for members in groups.values():
        idx = np.flatnonzero(np.isin(config_index, members)) if len(groups) > 1 \
            else np.arange(len(config_index))
        moments = None
        if resume is not None:
            start, moments = resume.gather(idx)
        elif initial_weights is None:
            parts = [init_stack(configs[i], seeds) for i in members]
            start = [(np.concatenate([p[k][0] for p in parts]),
                      np.concatenate([p[k][1] for p in parts])) for k in range(len(parts[0]))]
        else:
            start = broadcast_weights(initial_weights, configs[0], len(seeds))
        group = [configs[config_index[i]] for i in idx]
        runs.append((idx, run_group(group, model_seeds[idx], start, X, y, record_every,
                                    first=first, moments=moments)))
    return SweepResult.from_runs(configs, config_index, model_seeds, curve_steps, runs,
                                 data_key)


def _check_resume(resume, configs, config_index, seeds, data_key, initial_weights) -> int:
    """The step the networks of ``resume`` stopped at, after checking that they are the
    networks of this call; a ValueError or TypeError naming what differs otherwise."""
    if not isinstance(resume, TrainState):
        raise TypeError(f"resume must be a TrainState (result.state), got "
                        f"{type(resume).__name__}")
    if initial_weights is not None:
        raise ValueError("give initial_weights or resume, not both (resume holds the weights)")
    same = [dataclasses.replace(c, num_steps=1) for c in configs]
    before = [dataclasses.replace(c, num_steps=1) for c in resume.configs]
    if same != before:
        raise ValueError("resume must continue the same configs (num_steps aside); got "
                         f"{[c.label() for c in configs]}, the state holds "
                         f"{[c.label() for c in resume.configs]}")
    if not (np.array_equal(config_index, resume.config_index)
            and np.array_equal(seeds, resume.seeds)):
        raise ValueError(f"resume must continue the same seeds; got {len(seeds)} networks, "
                         f"the state holds {len(resume)} with seeds "
                         f"{np.unique(resume.seeds)[:5].tolist()}...")
    if data_key != resume.data_key:
        raise ValueError("resume must continue on the same training data X, y "
                         "(the state was trained on other data)")
    done = np.unique(resume.steps)
    if len(done) != 1:
        raise ValueError("resume needs networks that all took the same number of steps; the "
                         f"state holds networks at steps {done.tolist()}; continue each "
                         "config on its own (result.for_config(i).state)")
    return int(done[0])
