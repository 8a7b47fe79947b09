"""Linear models on XOR (notebook 01), checked against hand-derived and independent references."""

import itertools

import numpy as np
import pytest

from xorhelpers.data import truth_table
from xorhelpers.nets import linear

X, Y = truth_table()
AND = np.array([0, 0, 0, 1], dtype=float)
OR = np.array([0, 1, 1, 1], dtype=float)
# The 16 labelings of the four corners; XOR and XNOR are the two no line can draw.
ALL_LABELINGS = set(itertools.product((0, 1), repeat=4))
NOT_SEPARABLE = {(0, 1, 1, 0), (1, 0, 0, 1)}


def _unit_outputs_by_loop(X, w, b):
    """Threshold unit written out point by point, without matrix products."""
    return [1 if sum(wi * xi for wi, xi in zip(w, x, strict=True)) + b > 0 else 0 for x in X]


# ---- threshold_predict -------------------------------------------------------------------

@pytest.mark.parametrize("w,b,want", [
    ((1, 1), -1.5, AND), ((1, 1), -0.5, OR), ((1, 1), -1.0, AND),  # b = -1 still AND: "> 0"
    ((-1, -1), 1.5, 1 - AND), ((0, 0), 0.0, [0, 0, 0, 0]), ((0, 0), 0.1, [1, 1, 1, 1]),
    ((1, 0), -0.5, [0, 0, 1, 1]), ((0, 1), -0.5, [0, 1, 0, 1]),
])
def test_threshold_predict_known_units(w, b, want):
    got = linear.threshold_predict(X, w, b)
    assert got.tolist() == list(map(float, want))
    assert got.tolist() == _unit_outputs_by_loop(X, w, b)


def test_threshold_predict_matches_loop_on_random_units():
    gen = np.random.default_rng(1)
    P = gen.normal(size=(30, 3))
    for _ in range(20):
        w, b = gen.normal(size=3), float(gen.normal())
        assert linear.threshold_predict(P, w, b).tolist() == _unit_outputs_by_loop(P, w, b)


def test_threshold_predict_boundary_is_zero():
    # exactly on the line w . x + b = 0 the unit says 0
    assert linear.threshold_predict([[1.0, 1.0]], (1, 1), -2.0).tolist() == [0.0]


# ---- random_threshold_units ------------------------------------------------------------

def test_random_threshold_units_shapes_range_and_seed():
    W, b = linear.random_threshold_units(500, seed=7, scale=2.0)
    assert W.shape == (500, 2) and b.shape == (500,)
    assert np.abs(W).max() <= 2.0 and np.abs(b).max() <= 2.0
    assert np.abs(W).max() > 1.9  # fills the range, not a smaller one
    W2, b2 = linear.random_threshold_units(500, seed=7, scale=2.0)
    np.testing.assert_array_equal(W, W2)
    np.testing.assert_array_equal(b, b2)
    W3, _ = linear.random_threshold_units(500, seed=8, scale=2.0)
    assert not np.array_equal(W, W3)


# ---- accuracies and labelings ----------------------------------------------------------

def test_accuracies_known_units():
    W = [[1, 1], [1, 1], [-1, -1], [0, 0], [1, -1]]
    b = [-1.5, -0.5, 0.5, 0.0, -0.5]
    # outputs vs XOR 0,1,1,0: AND 0,0,0,1 -> 1 right; OR 0,1,1,1 -> 3; NOR 1,0,0,0 -> 1;
    # always 0 -> 2; x1 and not x2 0,0,1,0 -> 3
    np.testing.assert_allclose(linear.accuracies(X, Y, W, b), [0.25, 0.75, 0.25, 0.5, 0.75])
    np.testing.assert_allclose(linear.accuracies(X, AND, W[:1], b[:1]), [1.0])


def test_accuracies_matches_threshold_predict():
    W, b = linear.random_threshold_units(300, seed=2)
    want = [float((linear.threshold_predict(X, w, float(b_)) == Y).mean())
            for w, b_ in zip(W, b, strict=True)]
    np.testing.assert_allclose(linear.accuracies(X, Y, W, b), want)


def test_accuracies_on_xor_stay_between_one_and_three_points():
    # 4 right would be XOR, 0 right would be XNOR: neither is linearly separable
    W, b = linear.random_threshold_units(100_000, seed=0)
    acc = linear.accuracies(X, Y, W, b)
    assert set(np.unique(acc).tolist()) == {0.25, 0.5, 0.75}


def test_labelings_known_units():
    W = [[1, 1], [1, 1], [0, 0], [1, 1]]
    b = [-1.5, -0.5, 0.5, -1.2]  # AND, OR, always 1, AND again
    assert linear.labelings(X, W, b) == {(0, 0, 0, 1), (0, 1, 1, 1), (1, 1, 1, 1)}


def test_labelings_of_many_units_are_all_but_xor_and_xnor():
    W, b = linear.random_threshold_units(20_000, seed=0)
    found = linear.labelings(X, W, b)
    assert found == ALL_LABELINGS - NOT_SEPARABLE
    assert all(type(v) is int for row in found for v in row)


# ---- perceptron --------------------------------------------------------------------------

@pytest.mark.parametrize("target", [AND, OR, 1 - AND, [0, 0, 1, 1]])
def test_perceptron_converges_on_separable_functions(target):
    run = linear.perceptron(X, target, epochs=100)
    assert run.converged
    assert run.mistakes[-1] == 0 and min(run.mistakes[:-1], default=1) >= 1
    w_b = run.states[-1]
    assert linear.threshold_predict(X, w_b[:2], w_b[2]).tolist() == list(target)
    assert run.cycle() is None


def test_perceptron_never_converges_on_xor():
    gen = np.random.default_rng(0)
    for lr, epochs in [(1.0, 200), (0.1, 300), (0.37, 100)]:
        for _ in range(5):
            w0, b0 = gen.normal(size=2), float(gen.normal())
            run = linear.perceptron(X, Y, epochs=epochs, lr=lr, w0=w0, b0=b0)
            assert not run.converged
            assert len(run.mistakes) == epochs and min(run.mistakes) >= 1


def test_perceptron_cycle_on_xor_from_zero():
    run = linear.perceptron(X, Y, epochs=10)
    assert run.cycle() == (2, 1)
    # traced by hand: (0,0) ok; (0,1) -> w2 += 1, b += 1; (1,0) ok; (1,1) -> all -= 1 ...
    assert run.states[:3] == [(0.0, 0.0, 0.0), (-1.0, 0.0, 0.0), (-1.0, 0.0, 1.0)]
    assert run.mistakes[:3] == [2, 3, 4]
    assert run.path[:4] == [(0.0, 0.0, 0.0), (0.0, 1.0, 1.0), (0.0, 1.0, 1.0), (-1.0, 0.0, 0.0)]
    assert len(run.path) == 4 * 10


def test_perceptron_update_rule_by_hand():
    # one example, a mistake: w += lr * (y - yhat) * x, b += lr * (y - yhat)
    run = linear.perceptron([[2.0, -1.0]], [1], epochs=1, lr=0.5, w0=(0.0, 1.0), b0=0.0)
    assert run.path == [(1.0, 0.5, 0.5)]
    assert run.mistakes == [1] and not run.converged


def test_perceptron_does_not_change_w0():
    w0 = np.array([0.5, -0.5])
    linear.perceptron(X, Y, epochs=3, w0=w0)
    assert w0.tolist() == [0.5, -0.5]


def test_perceptron_converges_on_xor_with_product_feature():
    P = linear.with_product(X)
    run = linear.perceptron(P, Y, epochs=100)
    assert run.converged and len(run.mistakes) <= 10
    *w, b = run.states[-1]
    assert linear.threshold_predict(P, w, b).tolist() == Y.tolist()


def test_cycle_finds_first_repeat():
    run = linear.PerceptronRun(states=[(0.0,), (1.0,), (2.0,), (1.0,), (2.0,)],
                               mistakes=[1] * 5, converged=False, path=[])
    assert run.cycle() == (1, 2)
    assert linear.PerceptronRun([(0.0,), (1.0,)], [1, 1], False, []).cycle() is None


# ---- least_squares -----------------------------------------------------------------------

def _normal_equations(X, y):
    A = np.column_stack([X, np.ones(len(X))])
    coef = np.linalg.solve(A.T @ A, A.T @ y)
    return coef[:-1], coef[-1], np.mean((A @ coef - y) ** 2)


def test_least_squares_matches_normal_equations():
    gen = np.random.default_rng(4)
    for n, d in [(10, 1), (30, 2), (50, 4)]:
        P = gen.normal(size=(n, d))
        t = gen.integers(0, 2, size=n).astype(float)
        w, b, mse = linear.least_squares(P, t)
        w_ref, b_ref, mse_ref = _normal_equations(P, t)
        np.testing.assert_allclose(w, w_ref, atol=1e-10)
        assert b == pytest.approx(b_ref, abs=1e-10)
        assert mse == pytest.approx(mse_ref, abs=1e-12)
        # the residual is orthogonal to every column and to the constant: a true minimum
        resid = P @ w + b - t
        np.testing.assert_allclose(P.T @ resid, 0, atol=1e-9)
        assert resid.sum() == pytest.approx(0, abs=1e-9)


def test_least_squares_on_xor_is_one_half_everywhere():
    w, b, mse = linear.least_squares(X, Y)
    np.testing.assert_allclose(w, [0, 0], atol=1e-12)
    assert b == pytest.approx(0.5, abs=1e-12)
    assert mse == pytest.approx(0.25, abs=1e-12)
    assert isinstance(b, float) and isinstance(mse, float)


def test_least_squares_with_product_is_exact():
    w, b, mse = linear.least_squares(linear.with_product(X), Y)
    np.testing.assert_allclose(w, [1, 1, -2], atol=1e-9)
    assert b == pytest.approx(0, abs=1e-9)
    assert mse == pytest.approx(0, abs=1e-15)


# ---- with_product ------------------------------------------------------------------------

def test_with_product():
    got = linear.with_product([[2, 3], [-1, 0.5]])
    np.testing.assert_array_equal(got, [[2, 3, 6], [-1, 0.5, -0.5]])
    np.testing.assert_array_equal(linear.with_product(X)[:, 2], [0, 0, 0, 1])


# ---- bad input ---------------------------------------------------------------------------

BAD_X = [
    (np.zeros((0, 2)), ValueError, "X"), (np.zeros(4), ValueError, "X"),
    (np.zeros((2, 2, 2)), ValueError, "X"), ([[0.0, np.nan]], ValueError, "X"),
    ([[np.inf, 0.0]], ValueError, "X"), ([["a", "b"]], TypeError, "X"),
    ([[1, 2], [3]], TypeError, "X"),
]


@pytest.mark.parametrize("bad,error,name", BAD_X)
def test_bad_X_everywhere(bad, error, name):
    Yb = [0]  # X is checked first
    W1, b1 = [[1.0, 1.0]], [0.0]
    calls = [
        lambda: linear.threshold_predict(bad, (1, 1), 0.0),
        lambda: linear.accuracies(bad, Yb, W1, b1),
        lambda: linear.labelings(bad, W1, b1),
        lambda: linear.perceptron(bad, Yb),
        lambda: linear.least_squares(bad, Yb),
        lambda: linear.with_product(bad),
    ]
    for call in calls:
        with pytest.raises(error, match=rf"\b{name}\b"):
            call()


@pytest.mark.parametrize("bad,error", [
    ([0, 1, 1], ValueError), ([0, 1, 1, 0, 1], ValueError), ([0, 2, 1, 0], ValueError),
    ([0, 0.5, 1, 0], ValueError), ([0, np.nan, 1, 0], ValueError), (["a"] * 4, TypeError),
])
def test_bad_y_everywhere(bad, error):
    W1, b1 = [[1.0, 1.0]], [0.0]
    for call in (lambda: linear.accuracies(X, bad, W1, b1), lambda: linear.perceptron(X, bad),
                 lambda: linear.least_squares(X, bad)):
        with pytest.raises(error, match=r"\by\b"):
            call()


@pytest.mark.parametrize("w,b,error,name", [
    ((1,), 0.0, ValueError, "w"), ((1, 2, 3), 0.0, ValueError, "w"),
    ((1, np.nan), 0.0, ValueError, "w"), (("a", "b"), 0.0, TypeError, "w"),
    ((1, 1), "0", TypeError, "b"), ((1, 1), True, TypeError, "b"),
    ((1, 1), float("nan"), ValueError, "b"), ((1, 1), None, TypeError, "b"),
])
def test_threshold_predict_bad_input(w, b, error, name):
    with pytest.raises(error, match=rf"\b{name}\b"):
        linear.threshold_predict(X, w, b)


@pytest.mark.parametrize("kwargs,error,name", [
    ({"num": 0}, ValueError, "num"), ({"num": 2.0}, TypeError, "num"),
    ({"num": 10**9}, ValueError, "num"), ({"num": 5, "seed": -1}, ValueError, "seed"),
    ({"num": 5, "seed": 1.5}, TypeError, "seed"), ({"num": 5, "scale": 0.0}, ValueError, "scale"),
    ({"num": 5, "scale": -1.0}, ValueError, "scale"), ({"num": 5, "scale": "3"}, TypeError,
                                                       "scale"),
])
def test_random_threshold_units_bad_input(kwargs, error, name):
    with pytest.raises(error, match=rf"\b{name}\b"):
        linear.random_threshold_units(**kwargs)


@pytest.mark.parametrize("W,b,error", [
    ([1.0, 1.0], [0.0], ValueError),  # W not 2-D
    ([[1.0, 1.0, 1.0]], [0.0], ValueError),  # one column too many
    ([[1.0, 1.0]] * 3, [0.0], ValueError),  # fewer biases than units: no silent broadcast
    ([[1.0, 1.0]], [0.0, 1.0], ValueError),
    ([[1.0, np.nan]], [0.0], ValueError), ([["a", "b"]], [0.0], TypeError),
])
def test_accuracies_and_labelings_bad_units(W, b, error):
    with pytest.raises(error, match=r"\bW\b"):
        linear.accuracies(X, Y, W, b)
    with pytest.raises(error, match=r"\bW\b"):
        linear.labelings(X, W, b)


@pytest.mark.parametrize("b,error", [([np.inf], ValueError), (["x"], TypeError)])
def test_accuracies_and_labelings_bad_bias(b, error):
    with pytest.raises(error, match=r"\bb\b"):
        linear.accuracies(X, Y, [[1.0, 1.0]], b)
    with pytest.raises(error, match=r"\bb\b"):
        linear.labelings(X, [[1.0, 1.0]], b)


@pytest.mark.parametrize("kwargs,error,name", [
    ({"epochs": 0}, ValueError, "epochs"), ({"epochs": 2.5}, TypeError, "epochs"),
    ({"epochs": None}, TypeError, "epochs"), ({"lr": 0.0}, ValueError, "lr"),
    ({"lr": -1.0}, ValueError, "lr"), ({"lr": "1"}, TypeError, "lr"),
    ({"lr": float("inf")}, ValueError, "lr"), ({"w0": (1.0,)}, ValueError, "w0"),
    ({"w0": (1.0, np.nan)}, ValueError, "w0"), ({"w0": "ab"}, TypeError, "w0"),
    ({"b0": "0"}, TypeError, "b0"),
    ({"b0": float("nan")}, ValueError, "b0"),
])
def test_perceptron_bad_input(kwargs, error, name):
    with pytest.raises(error, match=rf"\b{name}\b"):
        linear.perceptron(X, Y, **kwargs)


@pytest.mark.parametrize("bad", [[[1.0]], [[1.0, 2.0, 3.0]]])
def test_with_product_needs_two_columns(bad):
    with pytest.raises(ValueError, match=r"\bX\b.*2 columns"):
        linear.with_product(bad)


# ---- logistic_regression --------------------------------------------------------------------

def test_logistic_regression_on_xor_ends_at_the_constant_half():
    # By convexity and the symmetry x -> 1 - x of XOR, the optimum is w = 0, b = 0: loss ln 2.
    w, b, loss = linear.logistic_regression(X, Y, num_steps=20000, lr=1.0, w0=(2.0, -3.0), b0=1.0)
    assert np.abs(w).max() < 1e-3 and abs(b) < 1e-3
    assert loss == pytest.approx(np.log(2), abs=1e-6)


def test_logistic_regression_loss_matches_a_direct_cross_entropy():
    w, b, loss = linear.logistic_regression(X, AND, num_steps=50, lr=0.5)
    p = 1 / (1 + np.exp(-(X @ w + b)))
    direct = -np.mean(AND * np.log(p) + (1 - AND) * np.log(1 - p))
    assert loss == pytest.approx(direct, rel=1e-12)


def test_logistic_regression_step_matches_finite_differences():
    w0, b0 = np.array([0.3, -0.7]), 0.2
    w1, b1, _ = linear.logistic_regression(X, OR, num_steps=1, lr=1.0, w0=w0, b0=b0)

    def loss(w, b):
        p = 1 / (1 + np.exp(-(X @ w + b)))
        return -np.mean(OR * np.log(p) + (1 - OR) * np.log(1 - p))

    eps = 1e-6
    grad_w = [(loss(w0 + eps * e, b0) - loss(w0 - eps * e, b0)) / (2 * eps) for e in np.eye(2)]
    grad_b = (loss(w0, b0 + eps) - loss(w0, b0 - eps)) / (2 * eps)
    assert np.allclose(w0 - w1, grad_w, atol=1e-8) and b0 - b1 == pytest.approx(grad_b, abs=1e-8)


def test_logistic_regression_separates_and():
    w, b, loss = linear.logistic_regression(X, AND, num_steps=5000, lr=1.0)
    assert ((X @ w + b > 0) == AND.astype(bool)).all() and loss < 0.05


@pytest.mark.parametrize("kwargs,error,name", [
    (dict(num_steps=0), ValueError, "num_steps"), (dict(lr=0.0), ValueError, "lr"),
    (dict(w0=(1.0,)), ValueError, "w0"), (dict(b0="x"), TypeError, "b0"),
])
def test_logistic_regression_bad_input(kwargs, error, name):
    with pytest.raises(error, match=name):
        linear.logistic_regression(X, Y, **kwargs)
