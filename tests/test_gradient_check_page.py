"""The gradient check written out in notebook 04 against the package's ``scratch`` version.

The notebook's cells are the code a reader sees, so this test runs exactly those cells: it
takes the cells that define ``forward_pass``, ``backward_pass`` and ``gradient_check`` from the
committed notebook and executes them with NumPy alone. A copy in a module could drift from
the page; reading the page cannot.
"""

from pathlib import Path

import nbformat
import numpy as np
import pytest

from xorhelpers.clinic import case_e
from xorhelpers.data import truth_table
from xorhelpers.nets import scratch

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "04_dead_relu_clinic.ipynb"
DEFINES = ("def forward_pass(", "def backward_pass(", "def numerical_derivative(")


@pytest.fixture(scope="module")
def page():
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    namespace = {"np": np}
    for start in DEFINES:
        found = [c.source for c in cells if c.cell_type == "code" and c.source.startswith(start)]
        assert len(found) == 1, f"one cell of notebook 04 must start with {start!r}"
        exec(compile(found[0], f"notebook 04: {start}", "exec"), namespace)
    return namespace


def learner_slope(Z, A):
    return (A >= 0).astype(float)


def relu_slope(Z, A):
    return (Z > 0).astype(float)


def nets():
    """Generic points (no ReLU input near 0) of several shapes, and their data."""
    X4, y4 = truth_table()
    gen = np.random.default_rng(0)
    X6, y6 = gen.normal(size=(6, 2)), np.array([0, 1, 1, 0, 1, 0], float)
    for sizes, seed, X, y in [((2, 3, 3, 1), 0, X4, y4), ((2, 3, 3, 1), 4, X6, y6),
                              ((2, 5, 1), 1, X6, y6), ((2, 4, 2, 3, 1), 2, X4, y4)]:
        yield scratch.init_net(sizes, "relu", init="he_normal", bias_scale=0.1, seed=seed), X, y


def params_of(net):
    return [(W.copy(), b.copy()) for W, b in zip(net.weights, net.biases, strict=True)]


@pytest.mark.parametrize("case", range(4))
def test_page_backward_pass_is_the_package_backward(page, case):
    net, X, y = list(nets())[case]
    for slope, package_slope in [(relu_slope, scratch.relu_derivative),
                                 (learner_slope, case_e.buggy_relu_derivative)]:
        net.relu_grad = package_slope
        got = page["backward_pass"](params_of(net), X, y, slope)
        for (dW, db), (pW, pb) in zip(got, scratch.backward(net, X, y), strict=True):
            np.testing.assert_allclose(dW, pW, rtol=1e-10, atol=1e-14)
            np.testing.assert_allclose(db, pb, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("case", range(4))
def test_page_gradient_check_gives_the_package_errors(page, case):
    net, X, y = list(nets())[case]
    for slope, package_slope in [(relu_slope, scratch.relu_derivative),
                                 (learner_slope, case_e.buggy_relu_derivative)]:
        net.relu_grad = package_slope
        errors = page["gradient_check"](params_of(net), X, y, slope)
        packaged = scratch.gradient_check(net, X, y)
        assert packaged.reliable
        np.testing.assert_allclose(errors, packaged.relative_errors, atol=1e-6)
        # both call the same layers agreeing or not
        assert ((errors <= 1e-6) == (np.array(packaged.relative_errors) <= 1e-6)).all()


def test_page_check_finds_case_e_bug_and_passes_the_fix(page):
    net, X, y = next(nets())
    right = page["gradient_check"](params_of(net), X, y, relu_slope)
    bug = page["gradient_check"](params_of(net), X, y, learner_slope)
    assert right.max() < 1e-6
    assert bug[:2].min() > 0.05 and bug[2] < 1e-6  # the ReLU layers, not the output layer


def test_page_check_leaves_the_weights_as_they_were(page):
    net, X, y = next(nets())
    params = params_of(net)
    before = [(W.copy(), b.copy()) for W, b in params]
    page["gradient_check"](params, X, y, relu_slope)
    for (W, b), (W0, b0) in zip(params, before, strict=True):
        assert np.array_equal(W, W0) and np.array_equal(b, b0)
