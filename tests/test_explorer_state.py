"""The explorer's settings: the Config they map to, the data sets, and bad input."""

import numpy as np
import pytest

from xorhelpers.data import noisy_xor, random_xor_pairs, truth_table
from xorhelpers.explorer import State, as_state
from xorhelpers.sweep import Config


def test_default_state_maps_to_the_matching_config():
    s = State()
    assert s.config == Config(widths=(2,), activation="relu", optimizer="adam", lr=0.01,
                              num_steps=2000)
    assert s.n_train == 4 and s.n_test == 0


def test_settings_that_do_not_apply_do_not_reach_the_config():
    s = State(init="glorot_uniform", init_scale=3.0, init_biases=True, momentum=0.5)
    assert s.config.init_scale is None and s.config.init_biases is False
    assert not s.applies("init_scale") and not s.applies("init_biases")
    assert not s.applies("momentum") and not s.applies("noise") and s.applies("lr")
    u = s.replace(init="uniform", optimizer="momentum", data="cloud")
    assert u.config.init_scale == 3.0 and u.config.init_biases is True
    assert u.config.momentum == 0.5
    assert u.applies("init_scale") and u.applies("momentum") and u.applies("test_fraction")
    with pytest.raises(ValueError, match="colour"):
        s.applies("colour")


def test_batch_size_of_the_whole_data_set_is_full_batch():
    assert State(batch_size=4).batch_size is None  # 4 points
    assert State(data="case_b", batch_size=4).batch_size == 4
    assert State(data="case_b", batch_size=5000).batch_size is None
    assert State(data="cloud", test_fraction=0.2, batch_size=160).batch_size is None
    assert State(data="cloud", test_fraction=0.2, batch_size=159).batch_size == 159


def test_data_sets():
    X, y, Xt, yt = State().data_arrays()
    assert np.array_equal(X, truth_table()[0]) and Xt is None and yt is None
    X, y, _, _ = State(data="case_b").data_arrays()
    assert np.array_equal(X, random_xor_pairs(1000, seed=0)[0])
    s = State(data="cloud", noise=0.3, test_fraction=0.3)
    X, y, Xt, yt = s.data_arrays()
    Xall, yall = noisy_xor(200, noise=0.3, seed=0)
    assert (s.n_train, s.n_test) == (140, 60) and len(X) == 140 and len(Xt) == 60
    assert np.array_equal(np.concatenate([X, Xt]), Xall)
    assert np.array_equal(np.concatenate([y, yt]), yall)
    with pytest.raises(ValueError):
        X[0, 0] = 5.0  # shared cached arrays are read-only
    assert State(data="cloud", test_fraction=0.0).data_arrays()[2] is None


def test_with_config_round_trip():
    c = Config(widths=(4, 3), activation="tanh", init="normal", init_scale=0.2,
               init_biases=True, optimizer="momentum", lr=0.3, momentum=0.8, loss="mse",
               batch_size=2, num_steps=700)
    s = State(seed=5).with_config(c)
    assert s.config == c and s.seed == 5
    with pytest.raises(TypeError, match="config"):
        State().with_config("relu")


@pytest.mark.parametrize("kwargs, match", [
    (dict(data="moons"), "data"), (dict(noise=0.6), "noise"), (dict(noise=-0.1), "noise"),
    (dict(test_fraction=0.7), "test_fraction"), (dict(widths=()), "widths"),
    (dict(widths=(2,) * 9), "widths"), (dict(widths=(0,)), r"widths\[0\]"),
    (dict(widths=(65,)), r"widths\[0\]"), (dict(widths="2"), "widths"),
    (dict(activation="softplus"), "activation"), (dict(init="lecun"), "init"),
    (dict(init_scale=0.0), "init_scale"), (dict(init_biases=1), "init_biases"),
    (dict(optimizer="adagrad"), "optimizer"), (dict(lr=0.0), "lr"), (dict(lr=20.0), "lr"),
    (dict(lr=float("nan")), "lr"), (dict(momentum=1.0), "momentum"), (dict(loss="hinge"), "loss"),
    (dict(batch_size=0), "batch_size"), (dict(batch_size=2.0), "batch_size"),
    (dict(num_steps=0), "num_steps"), (dict(num_steps=10**6), "num_steps"),
    (dict(seed=-1), "seed"), (dict(n_seeds=0), "n_seeds"), (dict(n_seeds=2001), "n_seeds"),
])
def test_invalid_settings_raise_naming_the_setting(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        State(**kwargs)


def test_as_state():
    s = State(lr=0.1)
    assert as_state(s) is s
    assert as_state({"lr": 0.1}) == s
    with pytest.raises(ValueError, match="unknown setting 'learning_rate'"):
        as_state({"learning_rate": 0.1})
    with pytest.raises(TypeError, match="state"):
        as_state(Config())
