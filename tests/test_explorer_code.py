"""Take-away code: the sweep snippet reproduces the explorer, pasted code restores the state,
and the Keras 3 snippet runs and builds the same network with the same optimizer, which then
trains like the engine."""

import numpy as np
import pytest

from xorhelpers.explorer import State, keras_code, python_code, run, run_seeds, state_from_code
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
    import keras

    namespace = {}
    exec(keras_code(state), namespace)
    model, optimizer, history = namespace["model"], namespace["optimizer"], namespace["history"]
    config = state.config
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [*config.widths, 1]
    assert [layer.get_config()["activation"] for layer in dense] == [
        *[config.activation] * config.depth, "sigmoid"]
    for layer in dense:
        init = layer.get_config()["kernel_initializer"]
        name = {"uniform": "RandomUniform", "normal": "RandomNormal"}.get(config.init)
        if name is None:
            assert init["class_name"].lower().replace("_", "") == config.init.replace("_", "")
        else:
            assert init["class_name"] == name
            if config.init == "uniform":
                assert (init["config"]["minval"], init["config"]["maxval"]) == (
                    -config.init_scale, config.init_scale)
            else:
                assert init["config"]["stddev"] == config.init_scale
        bias = layer.get_config()["bias_initializer"]["class_name"]
        assert (bias != "Zeros") == config.init_biases
    expected = {"sgd": "SGD", "momentum": "SGD", "rmsprop": "RMSprop", "adam": "Adam"}
    assert type(optimizer).__name__ == expected[config.optimizer]
    assert float(optimizer.learning_rate) == pytest.approx(config.lr)
    if config.optimizer in ("sgd", "momentum"):
        assert optimizer.momentum == pytest.approx(
            config.momentum if config.optimizer == "momentum" else 0.0)
    assert model.loss == config.loss
    n = state.n_train
    per_epoch = -(-n // (config.batch_size or n))
    assert len(history.history["loss"]) * per_epoch == config.num_steps
    assert ("val_loss" in history.history) == (state.n_test > 0)


@pytest.mark.parametrize("state", KERAS_STATES[:3])
def test_the_keras_network_trains_like_the_engine(state):
    """From the engine's initial weights, Keras' model and optimizer of the snippet take the
    same full-batch steps as the engine (float32, within 1e-4)."""
    import keras
    import tensorflow as tf

    namespace = {}
    exec(keras_code(state), namespace)
    model = keras.models.clone_model(namespace["model"])
    optimizer = type(namespace["optimizer"]).from_config(namespace["optimizer"].get_config())
    ours = train(state.config, [state.seed])
    start = ours.initial_weights[0]
    model.set_weights([a for pair in start for a in pair])
    X, y, _, _ = state.data_arrays()
    loss_fn = keras.losses.get(state.config.loss)
    for _ in range(state.num_steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(loss_fn(y[:, None], model(X)))
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights, strict=True))
    got = np.concatenate([w.ravel() for w in model.get_weights()])
    want = np.concatenate([a.ravel() for pair in ours.final_weights[0] for a in pair])
    assert np.abs(got - want).max() < 1e-4
