"""The sweep: exactness against lone runs and against Keras (both engines; the compiled one is
the default everywhere else), results, bad input. Engine against engine: test_sweep_engines.

Tolerance against Keras: both compute in float32, in different operation orders, so after a
few dozen steps the weights agree to about 1e-5 (Adam divides by sqrt(v), which amplifies
rounding while v is tiny); the tests allow 1e-4 absolute on every weight.
"""

import numpy as np
import pytest

from xorhelpers.data import noisy_xor, random_xor_pairs, truth_table
from xorhelpers.maths import forward
from xorhelpers.sweep import (
    MODES,
    Config,
    SweepResult,
    batch_order,
    code_partition,
    failure_mode,
    grid,
    init_weights,
    linear_on_points,
    plateau_loss,
    train,
)

KERAS_TOL = 1e-4


def flat(weights):
    return np.concatenate([a.ravel() for pair in weights for a in pair])


# ------------------------------------------------------------------------------- configs

def test_config_normalizes_and_labels():
    c = Config(widths=3, activation="tanh", lr=0.5)
    assert c.widths == (3,) and c.depth == 1 and c.layer_sizes == (2, 3, 1)
    assert c.label() == "2-3-1 tanh adam lr=0.5"
    assert c.replace(widths=(4, 4)).layer_sizes == (2, 4, 4, 1)


@pytest.mark.parametrize("kwargs, match", [
    (dict(widths=()), "widths"),
    (dict(widths=(2,) * 9), "widths"),
    (dict(widths=(0,)), r"widths\[0\]"),
    (dict(widths=(65,)), r"widths\[0\]"),
    (dict(widths="22"), "widths"),
    (dict(activation="softplus"), "activation"),
    (dict(init="lecun"), "init"),
    (dict(init="normal"), "init_scale"),
    (dict(init="glorot_uniform", init_scale=0.1), "init_scale"),
    (dict(init="uniform", init_scale=-1.0), "init_scale"),
    (dict(init="he_normal", init_biases=True), "init_biases"),
    (dict(optimizer="adagrad"), "optimizer"),
    (dict(lr=0.0), "lr"),
    (dict(lr="0.1"), "lr"),
    (dict(lr=1e-46), "float32"),  # rounds to 0 in float32: would train nothing
    (dict(lr=1e39), "float32"),
    (dict(momentum=1.0), "momentum"),
    (dict(loss="hinge"), "loss"),
    (dict(batch_size=0), "batch_size"),
    (dict(num_steps=0), "num_steps"),
    (dict(num_steps=2.5), "num_steps"),
])
def test_config_rejects_bad_input(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        Config(**kwargs)


def test_grid_is_the_product_in_order():
    configs = grid(widths=[1, (2, 2)], activation=["relu", "sigmoid"], lr=0.1)
    assert [(c.widths, c.activation) for c in configs] == [
        ((1,), "relu"), ((1,), "sigmoid"), ((2, 2), "relu"), ((2, 2), "sigmoid")]
    assert all(c.lr == 0.1 for c in configs)
    assert len(grid(widths=(3, 3))) == 1  # a tuple of widths is one architecture
    with pytest.raises(ValueError, match="colour"):
        grid(colour=["red"])
    with pytest.raises(ValueError, match="activation"):
        grid(activation=[])


def test_init_weights_distributions():
    c = Config(widths=(64,))
    W, b = init_weights(c, 0)[0]
    assert W.shape == (2, 64) and b.shape == (64,) and not b.any()
    assert np.abs(W).max() <= np.sqrt(6 / 66)
    assert np.array_equal(W, init_weights(c, 0)[0][0])
    assert not np.array_equal(W, init_weights(c, 1)[0][0])
    he = np.concatenate([init_weights(Config(widths=(64,) * 2, init="he_normal"), s)[1][0]
                         .ravel() for s in range(10)])
    std = np.sqrt(2 / 64)
    assert np.abs(he).max() <= 2 * std / 0.87962566103423978 + 1e-12
    assert abs(he.std() - std) < 0.05 * std
    u = Config(widths=(8,), init="uniform", init_scale=0.5, init_biases=True)
    (W, b), (w, c0) = init_weights(u, 3)
    assert np.abs(np.concatenate([W.ravel(), b, w.ravel(), c0])).max() <= 0.5 and b.any()
    nrm = init_weights(Config(widths=(64,) * 3, init="normal", init_scale=1e-3), 0)
    assert 0.8e-3 < nrm[1][0].std() < 1.2e-3
    assert not flat(init_weights(Config(init="zeros"), 0)).any()
    with pytest.raises(TypeError, match="config"):
        init_weights("relu", 0)
    with pytest.raises(ValueError, match="seed"):
        init_weights(c, -1)


# ---------------------------------------------------------------------- no cross-talk

@pytest.mark.parametrize("config, data", [
    (Config(widths=(2,), activation="relu", optimizer="adam", lr=0.1, num_steps=300), None),
    (Config(widths=(3, 3), activation="relu", init="normal", init_scale=1e-3,
            optimizer="sgd", lr=0.01, num_steps=200), None),
    (Config(widths=(2,), activation="sigmoid", optimizer="rmsprop", lr=0.01, batch_size=4,
            num_steps=300), random_xor_pairs(100, seed=1)),
    (Config(widths=(4,), activation="tanh", optimizer="momentum", lr=0.05, loss="mse",
            batch_size=5, num_steps=120), noisy_xor(32, seed=2)),
    (Config(widths=(3, 3), activation="leaky_relu", optimizer="adam", lr=0.02, batch_size=7,
            num_steps=100), noisy_xor(40, seed=5)),
])
@pytest.mark.parametrize("engine", ["numba", "numpy"])
def test_a_network_trained_among_many_equals_it_trained_alone(config, data, engine):
    X, y = data if data is not None else (None, None)
    configs = [config.replace(lr=config.lr * 2), config, config.replace(activation="tanh")]
    many = train(configs, 60, X, y, engine=engine)
    alone = train(config, [17], X, y, engine=engine)
    i = np.flatnonzero((many.config_index == 1) & (many.seeds == 17))[0]
    assert np.array_equal(flat(many.final_weights[i]), flat(alone.final_weights[0]))
    assert np.array_equal(many.loss_curve[i], alone.loss_curve[0])
    assert many.solved_step[i] == alone.solved_step[0]


# ------------------------------------------------------------------------------ resume

RESUME_CASES = [
    (Config(widths=(3, 2), optimizer="adam", lr=0.05), None),
    (Config(widths=(2,), activation="sigmoid", optimizer="rmsprop", lr=0.01, batch_size=4),
     random_xor_pairs(50, seed=1)),  # few distinct rows: batches as row weights
    (Config(widths=(4,), activation="tanh", optimizer="momentum", lr=0.05, loss="mse",
            batch_size=7), noisy_xor(40, seed=2)),  # batches gathered, epochs of 6 steps
    (Config(widths=(2,), optimizer="sgd", lr=0.1), None),
]


def state_arrays(result):
    """Final weights and both optimizer moments of every network, as one array each."""
    state = result.state
    _, (m1, m2) = state.gather(np.arange(len(state)))
    return np.stack([flat(w) for w in result.final_weights]), m1, m2


@pytest.mark.parametrize("config, data", RESUME_CASES)
@pytest.mark.parametrize("engine", ["numba", "numpy"])
@pytest.mark.parametrize("n_seeds", [1, 5])
def test_resume_continues_bit_for_bit(config, data, engine, n_seeds):
    X, y = data if data is not None else (None, None)
    whole = train(config.replace(num_steps=230), n_seeds, X, y, record_every=10, engine=engine)
    part = train(config.replace(num_steps=70), n_seeds, X, y, record_every=10, engine=engine)
    for more in (100, 60):  # two continuations, the first ending mid-epoch for minibatches
        part = train(config.replace(num_steps=more), n_seeds, X, y, record_every=10,
                     engine=engine, resume=part.state)
    for a, b in zip(state_arrays(whole), state_arrays(part), strict=True):
        assert np.array_equal(a, b)
    assert list(part.curve_steps) == list(range(170, 231, 10))
    assert np.array_equal(part.loss_curve, whole.loss_curve[:, 17:])
    assert (part.state.steps == 230).all()
    late = whole.solved_step >= 170
    assert np.array_equal(part.solved_step[late], whole.solved_step[late])


def test_resume_keeps_the_state_of_a_selection():
    configs = [Config(num_steps=40), Config(num_steps=40, lr=0.1)]
    first = train(configs, 4)
    one = first.for_config(1)
    more = train(configs[1].replace(num_steps=60), 4, resume=one.state)
    whole = train(configs[1].replace(num_steps=100), 4)
    assert np.array_equal(state_arrays(more)[0], state_arrays(whole)[0])


@pytest.mark.parametrize("change, match", [
    (dict(resume="state"), "resume"),
    (dict(seeds=[0, 1, 3]), "seeds"),
    (dict(configs=Config(num_steps=10, lr=0.5)), "configs"),
    (dict(X=np.eye(2)[[0, 1, 1, 0]], y=np.array([1.0, 1, 1, 0])), "data"),
])
def test_resume_rejects_another_run(change, match):
    first = train(Config(num_steps=10), 3)
    args = dict(configs=Config(num_steps=10), seeds=3, resume=first.state) | change
    with pytest.raises((TypeError, ValueError), match=match):
        train(**args)
    with pytest.raises(ValueError, match="initial_weights"):
        train(Config(num_steps=10), 3, resume=first.state, initial_weights=HAND)
    mixed = train([Config(num_steps=10), Config(num_steps=20)], 3)
    with pytest.raises(ValueError, match="same number of steps"):
        train([Config(num_steps=10), Config(num_steps=10)], 3, resume=mixed.state)


# ------------------------------------------------------------------------ against Keras

def keras_steps(config, weights, batches):
    """Train a Keras model from ``weights`` on the given (X, y) batches; return its weights."""
    from xorhelpers._tf import keras, tf
    from xorhelpers.nets.models import make_optimizer, mlp

    model = mlp(list(config.widths), activation=config.activation)
    model.set_weights([a.astype(np.float32) for pair in weights for a in pair])
    opt = make_optimizer(config.optimizer, config.lr)
    if config.optimizer == "momentum":
        assert config.momentum == 0.9  # make_optimizer's momentum
    loss_fn = keras.losses.get(config.loss)
    for Xb, yb in batches:
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(loss_fn(yb[:, None], model(Xb)))
        grads = tape.gradient(loss, model.trainable_weights)
        opt.apply_gradients(zip(grads, model.trainable_weights, strict=True))
    return model.get_weights()


@pytest.mark.parametrize("widths, activation, optimizer, loss", [
    ((3,), "relu", "adam", "binary_crossentropy"),
    ((2,), "sigmoid", "sgd", "mse"),
    ((4, 3), "tanh", "momentum", "binary_crossentropy"),
    ((3, 2), "leaky_relu", "rmsprop", "mse"),
    ((2,), "linear", "adam", "mse"),
])
@pytest.mark.parametrize("engine", ["numba", "numpy"])
def test_first_steps_match_keras_full_batch(widths, activation, optimizer, loss, engine):
    config = Config(widths=widths, activation=activation, optimizer=optimizer, loss=loss,
                    lr=0.05, num_steps=20)
    start = init_weights(config, 3)
    ours = train(config, [5], initial_weights=start, record_every=1, engine=engine)
    X, y = truth_table()
    theirs = keras_steps(config, start, [(X, y)] * 20)
    assert np.abs(flat(ours.final_weights[0]) - np.concatenate(
        [w.ravel() for w in theirs])).max() < KERAS_TOL


@pytest.mark.parametrize("data, batch_size", [
    (random_xor_pairs(10, seed=3), 4),  # few distinct rows: batches as row weights
    (noisy_xor(10, seed=4), 4),  # many distinct rows: batches gathered
])
def test_minibatches_match_keras_on_the_same_batches(data, batch_size):
    X, y = data
    config = Config(widths=(3,), optimizer="adam", lr=0.05, batch_size=batch_size,
                    num_steps=9)  # 3 epochs of 3 batches, the last of each epoch shorter
    start = init_weights(config, 0)
    ours = train(config, [11], X, y, initial_weights=start)
    batches = []
    for epoch in range(3):
        order = batch_order(11, epoch, len(X))
        batches += [(X[order[i:i + batch_size]], y[order[i:i + batch_size]])
                    for i in range(0, len(X), batch_size)]
    theirs = keras_steps(config, start, batches)
    assert np.abs(flat(ours.final_weights[0]) - np.concatenate(
        [w.ravel() for w in theirs])).max() < KERAS_TOL


def test_forward_matches_keras_and_the_recorded_outputs():
    from xorhelpers._tf import keras
    from xorhelpers.nets.models import mlp

    config = Config(widths=(3, 2), activation="leaky_relu", num_steps=50)
    result = train(config, 4)
    X, _ = truth_table()
    out, layers = forward(result.stacked_weights(), X, "leaky_relu")
    out = out[..., 0]
    assert out.shape == (4, 4) and [la.A.shape for la in layers] == [(4, 4, 3), (4, 4, 2),
                                                                      (4, 4, 1)]
    np.testing.assert_allclose(out, result.outputs, atol=1e-6)
    model = mlp([3, 2], activation="leaky_relu")
    model.set_weights([a for pair in result.final_weights[2] for a in pair])
    keras_out = keras.ops.convert_to_numpy(model(X))[:, 0]
    np.testing.assert_allclose(out[2], keras_out, atol=1e-6)


# ------------------------------------------------------------------------------ results

HAND = [(np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0])),
        (np.array([[10.0], [-20.0]]), np.array([-5.0]))]


def test_solved_dead_and_curves_from_known_weights():
    config = Config(widths=(2,), optimizer="sgd", lr=1e-6, num_steps=100)
    result = train(config, 3, initial_weights=HAND, record_every=10)
    assert result.solved.all() and (result.solved_step == 0).all()
    assert (result.accuracy == 1).all() and not result.diverged.any()
    assert list(result.curve_steps) == list(range(0, 101, 10))
    expected = np.mean(np.log1p(np.exp(-np.array([5.0, 5, 5, 5]))))
    np.testing.assert_allclose(result.loss_curve[:, 0], expected, rtol=1e-5)
    np.testing.assert_allclose(result.final_loss, result.loss_curve[:, -1])
    dead = [(np.array([[1.0, -1.0], [1.0, -1.0]]), np.array([0.0, 0.0])), HAND[1]]
    result = train(config, 1, initial_weights=dead)
    assert result.dead_units_init[0] == 1 and result.dead_units[0] == 1
    born_dead = train(Config(widths=(5,), init="zeros", num_steps=10), 2)
    assert (born_dead.dead_units_init == 5).all() and not born_dead.solved.any()
    np.testing.assert_allclose(born_dead.final_loss, np.log(2), rtol=1e-6)
    assert (train(Config(activation="tanh", num_steps=10), 2).dead_units == 0).all()


def test_divergence_is_flagged():
    config = Config(widths=(2,), activation="linear", optimizer="sgd", lr=1e37,
                    num_steps=50)
    result = train([config, config.replace(lr=0.1)], 3)
    assert result.diverged[:3].all() and not result.solved[:3].any()
    assert (result.solved_step[:3] == -1).all()
    assert not result.diverged[3:].any()


def test_result_selection_and_rates():
    configs = grid(widths=[1, 3], activation="sigmoid", num_steps=400, lr=0.1)
    result = train(configs, 40)
    assert isinstance(result, SweepResult) and len(result) == 80
    one = result.for_config(1)
    assert len(one) == 40 and one.configs == (configs[1],) and (one.config_index == 0).all()
    rates = result.rates()
    assert rates.shape == (2, 3) and (rates[:, 1] <= rates[:, 0]).all()
    assert rates[0, 0] == 0  # one sigmoid unit cannot solve XOR
    assert result.rate("solved", config=1) == tuple(rates[1])
    assert result.rate("failed", config=0)[0] == 1
    assert result.rate(result.dead_units == 0)[0] == 1
    picked = result.select(result.solved)
    assert picked.solved.all() and picked.configs == (configs[1],)
    W1, b1 = one.stacked_weights()[0]
    assert W1.shape == (40, 2, 3) and b1.shape == (40, 3)
    with pytest.raises(ValueError, match="architecture"):
        result.stacked_weights()
    with pytest.raises(ValueError, match="flags"):
        result.rate("lucky")
    with pytest.raises(ValueError, match="flags"):
        result.rates(np.ones(3, bool))
    with pytest.raises(ValueError, match="index"):
        result.for_config(2)
    with pytest.raises(ValueError, match="mask"):
        result.select(np.ones(80))


def test_batch_order_is_a_seeded_permutation():
    order = batch_order(5, 0, 1000)
    assert sorted(order) == list(range(1000))
    assert np.array_equal(order, batch_order(5, 0, 1000))
    assert not np.array_equal(order, batch_order(6, 0, 1000))
    assert not np.array_equal(order, batch_order(5, 1, 1000))
    with pytest.raises(ValueError, match="epoch"):
        batch_order(5, -1, 10)


# ------------------------------------------------------------------------- failure modes

H_THIRD = -(np.log(1 / 3) / 3 + 2 * np.log(2 / 3) / 3)  # entropy of a 1/3 : 2/3 split


@pytest.mark.parametrize("partition, mode, bce, mse", [
    ([0, 0, 0, 0], MODES[0], np.log(2), 0.25),
    ([0, 1, 0, 0], MODES[1], 3 * H_THIRD / 4, (2 / 9 + 4 / 9) / 4),
    ([0, 1, 0, 1], MODES[2], np.log(2), 0.25),
    ([0, 0, 1, 2], MODES[3], np.log(2) / 2, 0.125),
    ([0, 1, 1, 0], MODES[5], 0.0, 0.0),  # shared codes with equal labels do no harm
    ([0, 1, 2, 3], MODES[5], 0.0, 0.0),
])
def test_plateau_of_each_sharing_pattern(partition, mode, bce, mse):
    assert failure_mode(partition) == mode
    assert plateau_loss(partition) == pytest.approx(bce)
    assert plateau_loss(partition, "mse") == pytest.approx(mse)
    # by brute force: the best shared outputs on a fine grid
    grid_p = np.linspace(1e-6, 1 - 1e-6, 20001)
    _, y = truth_table()
    best = 0.0
    for code in set(partition):
        ys = y[np.array(partition) == code]
        bce_code = -(ys[:, None] * np.log(grid_p) + (1 - ys[:, None]) * np.log1p(-grid_p))
        best += bce_code.sum(axis=0).min() / 4
    assert best == pytest.approx(bce, abs=1e-5)


def test_partitions_linearity_and_modes_of_trained_networks():
    result = train(Config(widths=(2,), optimizer="sgd", lr=1e-9, num_steps=1), 2,
                   initial_weights=HAND)
    assert code_partition(result).tolist() == [[0, 1, 1, 2]] * 2
    assert not linear_on_points(result).any()
    all_on = [(np.ones((2, 2)), np.ones(2)), HAND[1]]
    on = train(Config(widths=(2,), optimizer="sgd", lr=1e-9, num_steps=1), 1,
               initial_weights=all_on)
    assert linear_on_points(on).all() and code_partition(on).tolist() == [[0, 1, 1, 2]]
    assert failure_mode(code_partition(on), linear_on_points(on))[0] == MODES[4]
    assert plateau_loss(code_partition(on), linear=linear_on_points(on))[0] == pytest.approx(
        np.log(2))
    zeros = train(Config(widths=(3, 2), init="zeros", num_steps=5), 2)
    assert (code_partition(zeros) == 0).all() and (code_partition(zeros, layer=0) == 0).all()
    mixed = train(grid(widths=[2, 4], activation=["relu", "tanh", "linear"], lr=0.05,
                       num_steps=300), 30)
    part, lin = code_partition(mixed), linear_on_points(mixed)
    modes, plateau = failure_mode(part, lin), plateau_loss(part, linear=lin)
    assert part.shape == (180, 4) and set(modes) <= set(MODES)
    assert lin[mixed.config_index % 3 == 2].all() and not lin[mixed.config_index % 3 == 1].any()
    stuck = mixed.failed & (modes != MODES[5])
    assert stuck.sum() > 10  # each stuck network sits at the plateau its codes allow
    assert np.abs(mixed.final_loss[stuck] - plateau[stuck]).max() < 0.02
    assert (plateau[mixed.solved] == 0).all()


def test_failure_mode_helpers_reject_bad_input():
    result = train(Config(num_steps=5), 2)
    with pytest.raises(TypeError, match="result"):
        code_partition("result")
    with pytest.raises(ValueError, match="layer"):
        code_partition(result, layer=1)
    with pytest.raises(ValueError, match="tol"):
        code_partition(result, tol=-1.0)
    with pytest.raises(TypeError, match="result"):
        linear_on_points(None)
    with pytest.raises(ValueError, match="partition"):
        plateau_loss([0, 1, 2])
    with pytest.raises(ValueError, match="partition"):
        failure_mode([0, 1, 2, 7])
    with pytest.raises(ValueError, match="loss"):
        plateau_loss([0, 0, 0, 0], loss="hinge")
    with pytest.raises(ValueError, match="linear"):
        failure_mode([[0, 0, 0, 0]], linear=[True, False])


# ---------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("kwargs, match", [
    (dict(configs=[]), "configs"),
    (dict(configs=["relu"]), r"configs\[0\]"),
    (dict(seeds=0), "seeds"),
    (dict(seeds=[]), "seeds"),
    (dict(seeds=[1, -2]), r"seeds\[1\]"),
    (dict(seeds=True), "seeds"),
    (dict(X=np.zeros((4, 3)), y=np.zeros(4)), "X"),
    (dict(X=np.zeros((4, 2))), "give both X and y"),
    (dict(X=np.zeros((4, 2)), y=np.zeros(5)), "y"),
    (dict(X=np.zeros((4, 2)), y=np.full(4, 0.5)), "y"),
    (dict(X=np.full((4, 2), np.nan), y=np.zeros(4)), "X"),
    (dict(record_every=7), "record_every"),
    (dict(configs=[Config(), Config()], initial_weights=HAND), "initial_weights"),
    (dict(initial_weights=HAND[:1]), "initial_weights"),
    (dict(initial_weights=[HAND[0], (np.ones((3, 1)), np.zeros(1))]), r"initial_weights\[1\]"),
    (dict(initial_weights=[HAND[0], (np.full((2, 1), np.inf), np.zeros(1))]), "finite"),
])
def test_train_rejects_bad_input(kwargs, match):
    args = dict(configs=Config(num_steps=10), seeds=2) | kwargs
    with pytest.raises((TypeError, ValueError), match=match):
        train(**args)


def test_forward_computes_in_float64():
    rng = np.random.default_rng(0)
    weights = [(rng.normal(size=(3, 2, 5)), rng.normal(size=(3, 5))),
               (rng.normal(size=(3, 5, 1)), rng.normal(size=(3, 1)))]
    X = rng.normal(size=(7, 2))
    out, layers = forward([(W.astype(np.float32), b.astype(np.float32)) for W, b in weights],
                          X, "sigmoid")
    weights = [(W.astype(np.float32).astype(float), b.astype(np.float32).astype(float))
               for W, b in weights]  # the float32 weights of a sweep, exactly
    (W, b), (V, c) = weights
    H = 1 / (1 + np.exp(-(X @ W + b[:, None, :])))
    expected = 1 / (1 + np.exp(-(H @ V + c[:, None, :])))
    assert layers[0].A.dtype == np.float64 and out.dtype == np.float64
    np.testing.assert_allclose(layers[0].A, H, rtol=1e-14, atol=0)
    np.testing.assert_allclose(out, expected, rtol=1e-14, atol=0)


@pytest.mark.parametrize("kwargs, match", [
    (dict(seeds=10**6), "1000000 seeds"),  # ~16 GiB of loss curves
    (dict(configs=Config(num_steps=10**7), record_every=1, seeds=8), "10000001 recorded"),
    (dict(configs=Config(widths=(64,) * 8), seeds=200_000), "GiB"),
])
def test_train_refuses_what_cannot_fit_before_any_work(kwargs, match, monkeypatch):
    from xorhelpers.sweep import budget, fast_engine, numpy_engine

    def never(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setattr(fast_engine, "train_group", never)
    monkeypatch.setattr(numpy_engine, "train_group", never)
    args = dict(configs=Config(), seeds=2) | kwargs
    with pytest.raises(ValueError, match=match) as error:
        train(**args)
    assert "limit" in str(error.value)
    need = budget.estimate_bytes([Config()], 2, 4, 4, 101, "numba", fast_engine.in_flight(2))
    assert need < 100_000  # two small networks: a few kilobytes
    monkeypatch.setattr(budget, "MEMORY_LIMIT", need - 1)
    with pytest.raises(ValueError, match="limit"):
        train(Config(), 2)


def test_memory_estimate_covers_what_training_allocates():
    import tracemalloc

    from xorhelpers.sweep import budget, fast_engine

    X, y = noisy_xor(200, seed=0)
    for config, data in [(Config(num_steps=300), (None, None)),
                         (Config(widths=(8, 8), batch_size=4, num_steps=100), (X, y)),
                         (Config(widths=(16,), num_steps=50), (X, y))]:
        for engine in ("numba", "numpy"):
            train(config.replace(num_steps=1), 2, *data, engine=engine)  # load the engine
            tracemalloc.start()
            result = train(config, 300, *data, record_every=1, engine=engine)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            Xd, yd = data if data[0] is not None else truth_table()
            need = budget.estimate_bytes([config], 300, len(Xd), 4 if data[0] is None
                                         else len(Xd), len(result.curve_steps), engine,
                                         fast_engine.in_flight(300) if engine == "numba"
                                         else 300)
            assert peak <= need <= 3 * peak, (config, engine, peak, need)


def test_forward_rejects_bad_input():
    X, _ = truth_table()
    one = [(np.ones((1, 2, 1)), np.ones((1, 1)))]
    with pytest.raises(ValueError, match="hidden must be one of"):
        forward(one, X, "swish")
    with pytest.raises(TypeError, match="weights"):
        forward([], X)
    with pytest.raises(ValueError, match=r"weights\[0\]"):
        forward([(np.ones((2, 2)), np.ones(3))], X)
    with pytest.raises(ValueError, match=r"weights\[1\] has fan_in 2"):
        forward([(np.ones((1, 2, 3)), np.ones((1, 3))), (np.ones((1, 2, 1)), np.ones((1, 1)))], X)
    with pytest.raises(ValueError, match="X"):
        forward(one, np.ones(3))
