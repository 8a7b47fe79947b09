"""Take-away code: the explorer's settings as a short Python snippet (``sweep.Config`` and
``sweep.train``) or as a Keras 3 model, and back again from pasted code (notebook 07)."""

from __future__ import annotations

import ast
import math
from dataclasses import fields

from ..sweep import Config
from .state import CASE_B_PAIRS, CLOUD_POINTS, DATA_SEED, State, as_state

_DEFAULT = Config()
_KERAS_OPTIMIZERS = {"sgd": "SGD", "momentum": "SGD", "rmsprop": "RMSprop", "adam": "Adam"}


def _data_lines(state: State) -> tuple[str, list[str]]:
    """(import name, lines) that build X, y (and X_test, y_test) as the explorer does."""
    if state.data == "xor":
        return "truth_table", ["X, y = truth_table()  # the four XOR points"]
    if state.data == "case_b":
        return "random_xor_pairs", [f"X, y = random_xor_pairs({CASE_B_PAIRS}, seed={DATA_SEED})"]
    lines = [f"X, y = noisy_xor({CLOUD_POINTS}, noise={state.noise!r}, seed={DATA_SEED})"]
    if state.n_test:
        k = state.n_train
        lines.append(f"X_test, y_test = X[{k}:], y[{k}:]  # the last {state.n_test} held out")
        lines.append(f"X, y = X[:{k}], y[:{k}]")
    return "noisy_xor", lines


def config_code(state) -> str:
    """``Config(...)`` of the settings, naming only what differs from Config's defaults
    (widths, activation, optimizer, lr and num_steps always)."""
    config = as_state(state).config
    parts = []
    for f in fields(Config):
        value = getattr(config, f.name)
        always = f.name in ("widths", "activation", "optimizer", "lr", "num_steps")
        if f.name == "momentum" and config.optimizer != "momentum":
            continue
        if always or value != getattr(_DEFAULT, f.name):
            parts.append(f"{f.name}={value!r}")
    return _wrap("Config(", parts, ")", indent=len("config = sweep.Config("))


def python_code(state, many: bool = False) -> str:
    """A snippet that trains the explorer's network with ``xorhelpers.sweep`` (notebook 07):
    one network with the state's seed, or with ``many`` the many-seed mode's seeds."""
    state = as_state(state)
    name, data = _data_lines(state)
    if many:
        call = (f"result = sweep.train(config, {state.n_seeds}, X, y)"
                f"  # seeds 0-{state.n_seeds - 1}")
        show = "print(result.rate())  # (share solved, 95% interval low, high)"
    else:
        call = (f"result = sweep.train(config, [{state.seed}], X, y)"
                f"  # one network, seed {state.seed}")
        show = "print(result.final_loss[0], result.solved[0])"
    return "\n".join(["from xorhelpers import sweep", f"from xorhelpers.data import {name}", "",
                      *data, f"config = sweep.{config_code(state)}", call, show]) + "\n"


def keras_code(state) -> str:
    """A Keras 3 snippet that trains the very network on the explorer's screen (notebook 07).

    The same layers, activations, optimizer settings and loss; the initial weights are the
    explorer's (``sweep.init_weights`` of the same ``Config`` and seed, set with
    ``model.set_weights``), and with minibatches every epoch visits the rows in the
    explorer's order (``sweep.batch_order``, fitted with ``shuffle=False``). So its outputs
    on the four XOR points agree with the explorer's up to float32 rounding (the engine and
    Keras sum in different orders); over long runs that can grow where training is chaotic.
    The snippet ends by printing those outputs and the loss on them.
    """
    state = as_state(state)
    config = state.config
    name, data = _data_lines(state)
    imports = sorted({name, "truth_table"})
    xy = ("X", "y") if state.data == "xor" else ("X4", "y4")
    layers = ["    keras.Input(shape=(2,)),"]
    for w in config.widths:
        layers.append(f'    keras.layers.Dense({w}, activation="{config.activation}"),')
    layers.append('    keras.layers.Dense(1, activation="sigmoid"),')
    opt = f"keras.optimizers.{_KERAS_OPTIMIZERS[config.optimizer]}(learning_rate={config.lr!r}"
    opt += f", momentum={config.momentum!r})" if config.optimizer == "momentum" else ")"
    n = state.n_train
    steps, seed = config.num_steps, state.seed
    if config.batch_size is None:
        train_lines = [f"model.fit(X, y, batch_size={n}, epochs={steps}, shuffle=False, "
                       f"verbose=0)  # {steps} full-batch steps"]
    else:
        b = config.batch_size
        per_epoch = math.ceil(n / b)
        epochs = math.ceil(steps / per_epoch)
        cut = "" if epochs * per_epoch == steps else \
            f"[:{b} * ({steps} - {per_epoch} * epoch)]"
        note = f"{steps} steps of {b} rows, {per_epoch} steps an epoch"
        train_lines = [
            f"for epoch in range({epochs}):  # {note}, rows in the explorer's order",
            f"    order = sweep.batch_order({seed}, epoch, len(X)){cut}",
            f"    model.fit(X[order], y[order], batch_size={b}, epochs=1, shuffle=False, "
            f"verbose=0)"]
    return "\n".join([
        "import keras", "from xorhelpers import sweep",
        f"from xorhelpers.data import {', '.join(imports)}", "", *data,
        f"config = sweep.{config_code(state)}",
        "model = keras.Sequential([", *layers, "])",
        f"start = sweep.init_weights(config, seed={seed})  # the explorer's initial weights",
        "model.set_weights([a for W, b in start for a in (W, b)])",
        f"optimizer = {opt}",
        f'model.compile(optimizer=optimizer, loss="{config.loss}")',
        *train_lines,
        *([] if state.data == "xor" else ["X4, y4 = truth_table()"]),
        f"print(model.predict({xy[0]}, verbose=0)[:, 0].round(4))  # outputs on the 4 XOR points",
        f"print(model.evaluate({xy[0]}, {xy[1]}, verbose=0))  # the loss on them",
        *([] if state.data != "cloud" else [
            "print(model.evaluate(X, y, verbose=0))  # the loss on the cloud's training points"]),
    ]) + "\n"


def state_from_code(text: str, base=None) -> State:
    """The settings in pasted code, on top of ``base`` (default ``State()``) (notebook 07).

    Reads the first ``Config(...)`` call (required; its arguments must be literals) and, when
    present, the seeds of a ``train(config, [seed], ...)`` or ``train(config, n, ...)`` call
    and the data set (``truth_table``, ``random_xor_pairs`` or ``noisy_xor`` with its noise
    and a ``X[:k]`` split); the seed also from ``init_weights(config, seed=...)``. So the
    output of ``python_code`` and ``keras_code`` pastes back to the same state. Raises
    ValueError when there is no Config call or an argument is not a literal or is invalid.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string of Python code, got {type(text).__name__}")
    state = State() if base is None else as_state(base)
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise ValueError(f"the pasted code is not valid Python: {exc.msg} (line {exc.lineno})"
                         ) from None
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    configs = [c for c in calls if _name(c) == "Config"]
    if not configs:
        raise ValueError("no Config(...) call found in the pasted code")
    config = Config(**_literal_args(configs[0], [f.name for f in fields(Config)]))
    changes = {}
    for c in calls:
        name = _name(c)
        if name == "train" and len(c.args) >= 2:
            seeds = _literal(c.args[1], "the seeds of train")
            if isinstance(seeds, int):
                changes["n_seeds"] = seeds
            elif isinstance(seeds, (list, tuple)) and len(seeds) == 1:
                changes["seed"] = seeds[0]
        elif name == "init_weights":  # the Keras snippet's seed
            for kw in c.keywords:
                if kw.arg == "seed":
                    changes["seed"] = _literal(kw.value, "seed")
        elif name == "truth_table" and "data" not in changes:
            changes["data"] = "xor"
        elif name == "random_xor_pairs":
            changes["data"] = "case_b"
        elif name == "noisy_xor":
            changes["data"] = "cloud"
            kwargs = _literal_args(c, ["n", "noise", "seed"])
            changes["noise"] = kwargs.get("noise", 0.1)
            changes["test_fraction"] = 0.0
    if changes.get("data") == "cloud":
        for node in ast.walk(tree):
            if (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice)
                    and node.slice.lower is None and node.slice.upper is not None):
                k = _literal(node.slice.upper, "the split of X")
                changes["test_fraction"] = (CLOUD_POINTS - k) / CLOUD_POINTS
                break
    state = state.replace(**changes) if changes else state
    return state.with_config(config)


def _name(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _literal(node, what: str):
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise ValueError(f"{what} must be a literal value, got {ast.unparse(node)!r}") from None


def _literal_args(call: ast.Call, names: list[str]) -> dict:
    if len(call.args) > len(names):
        raise ValueError(f"{_name(call)}(...) takes at most {len(names)} positional arguments")
    out = {n: _literal(a, n) for n, a in zip(names, call.args, strict=False)}
    for kw in call.keywords:
        if kw.arg is None:
            raise ValueError(f"{_name(call)}(**...) cannot be read; give the arguments by name")
        out[kw.arg] = _literal(kw.value, kw.arg)
    return out


def _wrap(head: str, parts: list[str], tail: str, indent: int, width: int = 92) -> str:
    """``head`` + parts joined by commas, wrapped at ``width`` columns; the first line starts
    at column ``indent - len(head)`` of the final text, the others at ``indent``."""
    lines, line, offset = [], head, indent - len(head)
    for k, part in enumerate(parts):
        piece = part + ("," if k < len(parts) - 1 else tail)
        if offset + len(line) + len(piece) > width and line.strip() != head:
            lines.append(line.rstrip())
            line, offset = " " * indent, 0
        line += piece + " "
    lines.append(line.rstrip())
    return "\n".join(lines)
