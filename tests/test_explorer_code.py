"""Take-away code: the sweep snippet reproduces the explorer, pasted code restores the state,
and the Keras 3 snippet runs and builds the same network with the same optimizer, which then
trains like the engine."""

import numpy as np
import pytest

from xorhelpers.data import truth_table
from xorhelpers.explorer import (
    PRESETS,
    State,
    keras_code,
    python_code,
    run,
    run_seeds,
    state_from_code,
)
from xorhelpers.maths import forward, solved
from xorhelpers.sweep import Config, train

STATES = [
    State(num_steps=300, seed=3),
    State(data="case_b", activation="sigmoid", optimizer="rmsprop", lr=0.001, batch_size=4,
          num_steps=500, seed=10),
    State(data="cloud", noise=0.3, test_fraction=0.3, widths=(4, 3), activation="tanh",
          init="uniform", init_scale=0.5, init_biases=True, optimizer="momentum",
          momentum=0.8, loss="mse", batch_size=10, num_steps=200, seed=2),
    State(widths=(3,) * 3, init="he_normal", optimizer="sgd", lr=0.3, num_steps=100),
    State(widths=(2,), init="normal", init_scale=0.1, num_steps=100),
]


@pytest.mark.parametrize("state", STATES)
def test_the_python_snippet_reproduces_the_explorer_and_pastes_back(state):
    code = python_code(state)
    namespace = {}
    exec(code, namespace)
    assert namespace["result"].final_loss[0] == pytest.approx(run(state).loss, abs=1e-12)
    assert state_from_code(code, base=State(n_seeds=state.n_seeds)) == state


def test_the_many_seed_snippet():
    state = State(num_steps=200, n_seeds=30)
    code = python_code(state, many=True)
    namespace = {}
    exec(code, namespace)
    assert namespace["result"].rate() == pytest.approx(run_seeds(state).rate)
    assert state_from_code(code).n_seeds == 30


def test_a_pasted_config_alone_keeps_the_data_and_seed():
    base = State(data="cloud", seed=7)
    s = state_from_code("Config(widths=(5,), activation='tanh', lr=0.1)", base=base)
    assert s.data == "cloud" and s.seed == 7
    assert s.config == Config(widths=(5,), activation="tanh", lr=0.1)
    assert state_from_code("sweep.Config(3)").widths == (3,)


@pytest.mark.parametrize("text, match", [
    ("print(1)", "no Config"), ("Config(widths=(2,", "not valid Python"),
    ("Config(lr=x)", "lr must be a literal"), ("Config(lr=-1.0)", "lr"),
    ("Config(**kw)", "by name"), ("Config(activation='softplus')", "activation"),
])
def test_pasted_code_errors_say_what_is_wrong(text, match):
    with pytest.raises(ValueError, match=match):
        state_from_code(text)


def test_state_from_code_type_error():
    with pytest.raises(TypeError, match="text"):
        state_from_code(Config())


KERAS_STATES = [
    State(num_steps=3, seed=1),
    State(widths=(4, 3), activation="leaky_relu", init="he_normal", optimizer="momentum",
          momentum=0.7, lr=0.05, loss="mse", num_steps=4, seed=2),
    State(widths=(3,), activation="sigmoid", init="uniform", init_scale=0.5, init_biases=True,
          optimizer="rmsprop", lr=0.01, num_steps=5, seed=3),
    State(data="cloud", test_fraction=0.2, widths=(2,), activation="tanh", init="normal",
          init_scale=0.3, optimizer="sgd", lr=0.1, batch_size=40, num_steps=8, seed=4),
]


@pytest.mark.parametrize("state", KERAS_STATES)
def test_the_keras_snippet_builds_the_same_network_and_optimizer(state):
    from xorhelpers._tf import keras

    namespace = {}
    exec(keras_code(state), namespace)
    model, optimizer = namespace["model"], namespace["optimizer"]
    config = state.config
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [*config.widths, 1]
    assert [layer.get_config()["activation"] for layer in dense] == [
        *[config.activation] * config.depth, "sigmoid"]
    expected = {"sgd": "SGD", "momentum": "SGD", "rmsprop": "RMSprop", "adam": "Adam"}
    assert type(optimizer).__name__ == expected[config.optimizer]
    assert float(optimizer.learning_rate) == pytest.approx(config.lr)
    if config.optimizer in ("sgd", "momentum"):
        assert optimizer.momentum == pytest.approx(
            config.momentum if config.optimizer == "momentum" else 0.0)
    assert model.loss == config.loss
    assert int(optimizer.iterations) == config.num_steps  # every step taken, no more
    assert state_from_code(keras_code(state), base=State(n_seeds=state.n_seeds)) == state


def short(state):
    """The state at a short budget: 60 full-batch steps, or 1.2 epochs of minibatches (the
    snippet's cut of the last epoch included)."""
    if state.batch_size is None:
        return state.replace(num_steps=60)
    per_epoch = -(-state.n_train // state.batch_size)
    return state.replace(num_steps=per_epoch + per_epoch // 5)


@pytest.mark.parametrize("name", list(PRESETS))
def test_the_keras_snippet_reproduces_the_network_on_screen(name, capsys):
    """Every preset at a short budget: Keras, run as the snippet says, ends with the engine's
    outputs on the four points (float32 tolerance), its loss there and its verdict."""
    state = short(PRESETS[name].state)
    namespace = {}
    exec(keras_code(state), namespace)
    capsys.readouterr()
    model = namespace["model"]
    X4, y4 = truth_table()
    theirs = np.asarray(model.predict(X4, verbose=0))[:, 0].astype(float)
    ours = train(state.config, [state.seed], *state.data_arrays()[:2])
    mine = forward(ours.final_weights[0], X4, state.activation)[0][:, 0]
    np.testing.assert_allclose(theirs, mine, atol=1e-4)
    assert float(model.evaluate(X4, y4, verbose=0)) == pytest.approx(
        float(ours.loss_curve[0][-1]), abs=1e-4)
    assert bool(solved(theirs, y4)) == bool(ours.solved[0])
