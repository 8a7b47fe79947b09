"""Born-dead measurement: exact cases worked out by hand, invariances the maths predicts,
agreement with the scratch network, the remedies, and bad input."""

import math

import numpy as np
import pytest

from xorhelpers.clinic import born_dead as bd
from xorhelpers.nets import scratch as s


def test_domain_points():
    line = bd.domain_points("interval", 5)
    np.testing.assert_allclose(line[:, 0], [-1, -0.5, 0, 0.5, 1])
    assert bd.domain_points("unit_square", 3).shape == (9, 2)
    assert bd.domain_points("xor").tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]


def test_initialisers_follow_keras():
    gen = np.random.default_rng(0)
    W, b = bd.draw_layer(gen, 2000, 8, 16, "he_normal")
    assert W.shape == (2000, 8, 16) and b.shape == (2000, 1, 16) and not b.any()
    assert W.std() == pytest.approx(math.sqrt(2 / 8), rel=0.01)
    assert np.abs(W).max() <= 2 * math.sqrt(2 / 8) / 0.8796256610342398 + 1e-12
    W, _ = bd.draw_layer(gen, 2000, 8, 16, "glorot_uniform")
    limit = math.sqrt(6 / 24)
    assert np.abs(W).max() <= limit and W.max() > 0.99 * limit
    _, b = bd.draw_layer(gen, 2000, 8, 16, "he_normal", bias="symmetric")
    assert b.std() == pytest.approx(math.sqrt(2 / 8), rel=0.03)


def test_randomized_asymmetric_initialisation():
    gen = np.random.default_rng(1)
    fan_in = 20
    W, b = bd.draw_layer(gen, 5000, fan_in, 4, remedy="rai")
    V = np.concatenate([W, b], axis=1)  # each column: one neuron's weights and bias
    # one entry per neuron comes from Beta(2, 1) (mean 2/3), the rest are N(0, 0.6007^2 / fan_in)
    assert V.sum(axis=1).mean() == pytest.approx(2 / 3, abs=0.02)
    assert V.sum(axis=1).var() == pytest.approx(0.6007 ** 2 + 1 / 18, rel=0.05)


def test_width_one_on_the_interval_is_exact():
    # layer 1 always lives on one side of 0; each later layer dies with probability 1/2
    flags = bd.constant_at_init(1, 6, 20000, seed=3)
    for depth in range(1, 7):
        exact = 1 - 2.0 ** -(depth - 1)
        assert flags[:, depth - 1].mean() == pytest.approx(exact, abs=0.015)
        assert bd.single_point_bound(1, depth) == pytest.approx(exact)


def test_zero_biases_two_points_decide_the_interval():
    # with zero biases a ReLU net is positively homogeneous in 1-D: f(x) = x f(1) for x > 0 and
    # |x| f(-1) for x < 0, so checking x = -1, 1 is exact; a finer grid changes nothing
    two = bd.constant_at_init(3, 12, 3000, n_points=2, seed=4)
    fine = bd.constant_at_init(3, 12, 3000, n_points=41, seed=4)
    np.testing.assert_array_equal(two, fine)


def test_the_scale_of_the_weights_does_not_matter_with_zero_biases():
    # scaling a layer's weights by c > 0 scales its output by c: no unit changes sign
    he = bd.constant_at_init(3, 10, 3000, init="he_normal", seed=5)
    glorot = bd.constant_at_init(3, 10, 3000, init="glorot_normal", seed=5)
    np.testing.assert_array_equal(he, glorot)


def test_flags_never_turn_back_with_depth():
    flags = bd.constant_at_init(3, 15, 2000, bias="symmetric", n_points=21, seed=6)
    assert (np.diff(flags.astype(int), axis=1) >= 0).all()
    assert flags[:, -1].mean() > flags[:, 1].mean()


def test_rates_stay_under_the_single_point_bound():
    curves = bd.born_dead_curves((2, 3, 4, 5), max_depth=12, n_draws=3000)
    for i, width in enumerate(curves.widths):
        for depth in curves.depths:
            _, low, _ = curves.rates[i, depth - 1]
            assert low <= bd.single_point_bound(width, int(depth))


def test_hidden_constant_agrees_with_the_scratch_net():
    gen = np.random.default_rng(7)
    M, X = 400, bd.domain_points("interval", 9)
    hidden = [bd.draw_layer(gen, M, 1, 3)] + [bd.draw_layer(gen, M, 3, 3) for _ in range(5)]
    flags = bd.hidden_constant([(W, b[:, 0]) for W, b in hidden], X)
    out_W = gen.normal(size=(M, 3, 1))
    net = s.from_weights([(W, b[:, 0]) for W, b in hidden] + [(out_W, np.zeros((M, 1)))],
                         "relu")
    outputs = s.predict(net, X)
    np.testing.assert_array_equal(flags[:, -1], np.ptp(outputs, axis=1) == 0)
    assert 0.05 < flags[:, -1].mean() < 0.95


def test_hidden_constant_on_the_xor_points():
    W1 = np.array([[[-1.0, -2.0], [-1.0, -0.5]], [[1.0, -2.0], [-1.0, -0.5]]])  # 2 nets
    flags = bd.hidden_constant([(W1, np.zeros((2, 2)))], bd.domain_points("xor"))
    assert flags[:, 0].tolist() == [True, False]


def test_leaky_relu_and_residual_never_die_on_the_interval():
    for remedy in ("leaky_relu", "residual"):
        assert not bd.constant_at_init(2, 20, 2000, remedy=remedy, seed=8).any()


def test_residual_nets_die_only_in_their_first_layer():
    # on the XOR points with zero biases, a first-layer unit is dead when both its weights are
    # <= 0 (probability 1/4); the residual layers after it cannot kill anything
    for width in (1, 2):
        flags = bd.constant_at_init(width, 8, 20000, domain="xor", remedy="residual", seed=9)
        assert (flags == flags[:, :1]).all()
        assert flags[:, 0].mean() == pytest.approx(0.25 ** width, abs=0.012)


def test_rai_lowers_the_born_dead_rate():
    he = bd.born_dead_curves((3,), 10, 3000).at(3, 10)
    rai = bd.born_dead_curves((3,), 10, 3000, remedy="rai").at(3, 10)
    assert rai[2] < he[1]


def test_curves_shape_and_lookup():
    curves = bd.born_dead_curves((2, 3), max_depth=4, n_draws=100)
    assert curves.rates.shape == (2, 4, 3)
    assert curves.depths.tolist() == [1, 2, 3, 4]
    p, lo, hi = curves.at(2, 3)
    assert lo <= p <= hi
    with pytest.raises(ValueError, match="width"):
        curves.at(5, 1)
    with pytest.raises(ValueError, match="depth"):
        curves.at(2, 5)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(width=0), ValueError, "width"),
    (dict(width=2.5), TypeError, "width"),
    (dict(max_depth=0), ValueError, "max_depth"),
    (dict(n_draws=0), ValueError, "n_draws"),
    (dict(init="lecun"), ValueError, "init"),
    (dict(domain="circle"), ValueError, "domain"),
    (dict(remedy="dropout"), ValueError, "remedy"),
    (dict(bias="ones"), ValueError, "bias"),
    (dict(seed=-3), ValueError, "seed"),
    (dict(n_points=1), ValueError, "n_points"),
])
def test_constant_at_init_rejects_bad_input(kwargs, error, match):
    args = dict(width=3, max_depth=4, n_draws=10)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        bd.constant_at_init(**args)


def test_other_bad_input():
    with pytest.raises(TypeError, match="widths"):
        bd.born_dead_curves(3)
    with pytest.raises(ValueError, match=r"widths\[1\]"):
        bd.born_dead_curves((3, 0))
    with pytest.raises(ValueError, match="max_depth"):
        bd.born_dead_curves((3,), max_depth=0)
    with pytest.raises(ValueError, match="X must have shape"):
        bd.hidden_constant([(np.zeros((1, 2, 2)), np.zeros((1, 2)))], np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"weights\[0\]"):
        bd.hidden_constant([(np.zeros((1, 3, 2)), np.zeros((1, 2)))], np.zeros((4, 2)))
    with pytest.raises(TypeError, match="weights"):
        bd.hidden_constant([], np.zeros((4, 2)))
    with pytest.raises(ValueError, match="remedy"):
        bd.hidden_constant([(np.zeros((1, 2, 2)), np.zeros((1, 2)))], np.zeros((4, 2)),
                           remedy="rai ")
    with pytest.raises(ValueError, match="depth"):
        bd.single_point_bound(3, 0)
