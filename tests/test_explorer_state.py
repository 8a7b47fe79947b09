"""The explorer's settings: the Config they map to, the data sets, and bad input."""

from dataclasses import fields

import numpy as np
import pytest

from xorhelpers.data import noisy_xor, random_xor_pairs, truth_table
from xorhelpers.explorer import State, as_state
from xorhelpers.explorer.state import FIELD, FIELDS, MAX_DEPTH, NOT_APPLIES
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


# ------------------------------------------------------------------ the settings table

def _invalid(f):
    """(value, a piece of the message saying what is allowed) pairs that setting ``f``
    refuses, read off its row of the table."""
    if f.kind == "choice":
        return [("no-such-" + f.name, ", ".join(map(repr, f.choices))), (3, repr(f.choices[0]))]
    if f.kind == "bool":
        return [(1, "True or False"), ("yes", "True or False")]
    if f.kind == "widths":
        return [((), f"1 to {MAX_DEPTH}"), ((f.low,) * (MAX_DEPTH + 1), f"1 to {MAX_DEPTH}"),
                ((f.low - 1,), f">= {f.low}"), ((f.high + 1,), f"<= {f.high}"),
                ("2", "hidden layers")]
    out = [(f.low if f.low_open else f.low - 1, f"{'>' if f.low_open else '>='} {f.low}"),
           ("x", "real number" if f.kind == "float" else "integer")]
    if f.high is not None:
        out.append((f.high + 1, f"<= {f.high}"))
    if f.kind == "float":
        out.append((float("nan"), "finite"))
    else:
        out += [(2.5, "integer"), (True, "integer")]
    return out


CASES = [(f.name, value, allowed) for f in FIELDS for value, allowed in _invalid(f)]


@pytest.mark.parametrize("name, value, allowed", CASES,
                         ids=[f"{n}={v!r}" for n, v, _ in CASES])
def test_every_setting_refuses_what_its_row_does_not_allow(name, value, allowed):
    """Parametrized over the table: a new setting is tested as soon as it has a row."""
    with pytest.raises((TypeError, ValueError)) as info:
        State(**{name: value})
    message = str(info.value)
    assert name in message and allowed in message, message
    if name == "widths" and len(value) == 1:
        value = value[0]  # the message names widths[0] and its value
    assert repr(value) in message, message


@pytest.mark.parametrize("f", FIELDS, ids=lambda f: f.name)
def test_each_row_is_a_state_field_with_a_valid_default(f):
    assert getattr(State(), f.name) == f.default
    assert f.check(f.default) == f.default
    if f.optional:
        assert getattr(State(**{f.name: None}), f.name) is None
    if f.applies is not None:
        other, values = f.applies
        assert other in FIELD and f.why_not
        assert set(values) <= set(FIELD[other].choices)


def test_the_table_is_state_s_fields_and_sets_every_config_field_once():
    assert [f.name for f in fields(State)] == [f.name for f in FIELDS]
    assert sorted(f.config for f in FIELDS if f.config) == sorted(f.name for f in fields(Config))
    assert len({f.control.css for f in FIELDS}) == len(FIELDS)
    assert NOT_APPLIES == {f.name: f.why_not for f in FIELDS if f.applies}


def _applied(f):
    """A state in which setting ``f`` applies (the first of its other setting's values)."""
    return State() if f.applies is None else State(**{f.applies[0]: f.applies[1][0]})


def _other(f):
    """A valid value of ``f`` other than its default."""
    if f.kind == "choice":
        return next(c for c in reversed(f.choices) if c != f.default)
    if f.kind == "bool":
        return not f.default
    if f.kind == "widths":
        return (f.high, f.low)
    return f.high if f.high is not None else f.low + 1


@pytest.mark.parametrize("f", [f for f in FIELDS if f.config], ids=lambda f: f.name)
def test_a_setting_reaches_the_config_exactly_when_it_applies(f):
    value = _other(f)
    if f.name == "batch_size":
        value = 2  # smaller than the 4 points
    on = _applied(f).replace(**{f.name: value})
    assert on.applies(f.name) and getattr(on.config, f.config) == value
    assert getattr(State().with_config(on.config), f.name) == value
    if f.applies is not None:
        off_value = next(v for v in FIELD[f.applies[0]].choices if v not in f.applies[1])
        off = on.replace(**{f.applies[0]: off_value})
        assert not off.applies(f.name)
        assert getattr(off.config, f.config) == getattr(Config(), f.config)
