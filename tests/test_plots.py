"""Figures: each helper returns an Axes and draws what it says (Agg backend, no display)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.contour import ContourSet

from xorhelpers import data, plots
from xorhelpers._tf import keras
from xorhelpers.nets import models

X4, Y4 = data.truth_table()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _xor_fn(X):
    X = np.asarray(X)
    return np.logical_xor(X[:, 0] > 0.5, X[:, 1] > 0.5).astype(float)


def _scatters(ax):
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def _contours(ax):
    return [c for c in ax.collections if isinstance(c, ContourSet)]


def _shaded_class(ax, point):
    """Which filled band of the decision_boundary shading contains ``point`` (0 or 1)."""
    filled = [c for c in _contours(ax) if c.filled][0]
    inside = [path.contains_point(point) for path in filled.get_paths()]
    assert sum(inside) == 1
    return inside.index(True)


# --- predict_fn --------------------------------------------------------------------------


def test_predict_fn_wraps_a_keras_model():
    model = models.mlp([3], seed=0)
    f = plots.predict_fn(model)
    out = f(X4)
    assert out.shape == (4,)
    np.testing.assert_allclose(out, np.asarray(model(X4)).reshape(-1), rtol=1e-6)
    assert plots.predict_fn(models.hand_built_xor())(X4).tolist() == [0, 1, 1, 0]


@pytest.mark.parametrize("fn", [_xor_fn, lambda X: _xor_fn(X)[:, None], lambda X: list(_xor_fn(X))])
def test_predict_fn_wraps_a_callable_returning_n_or_n_by_1(fn):
    out = plots.predict_fn(fn)([[0, 0], [0, 1], [1, 0], [1, 1]])
    assert out.shape == (4,) and out.dtype == float
    assert out.tolist() == [0, 1, 1, 0]


@pytest.mark.parametrize("bad", [None, 3, "model", np.zeros(3)])
def test_predict_fn_rejects_non_callables(bad):
    with pytest.raises(TypeError, match="model must be a Keras model or a callable"):
        plots.predict_fn(bad)


# --- scatter_points ----------------------------------------------------------------------


def test_scatter_points_colours_by_class():
    ax = plots.scatter_points(X4, Y4)
    assert isinstance(ax, Axes)
    blue, red = _scatters(ax)
    np.testing.assert_array_equal(blue.get_offsets(), X4[Y4 == 0])
    np.testing.assert_array_equal(red.get_offsets(), X4[Y4 == 1])
    np.testing.assert_allclose(blue.get_facecolor()[0][:3], plt.matplotlib.colors.to_rgb(
        plots.COLORS[0]))
    assert [c.get_label() for c in (blue, red)] == ["y = 0", "y = 1"]
    assert len(ax.texts) == 0


def test_scatter_points_annotates_each_point_and_uses_given_axes():
    _, ax = plt.subplots()
    assert plots.scatter_points(X4, Y4, ax=ax, annotate=True) is ax
    assert sorted(t.get_text() for t in ax.texts) == ["(0,0)", "(0,1)", "(1,0)", "(1,1)"]


def test_scatter_points_without_labels_draws_everything_as_class_0():
    ax = plots.scatter_points(X4, None)
    assert [len(c.get_offsets()) for c in _scatters(ax)] == [4, 0]


@pytest.mark.parametrize("X,y,name", [(np.zeros((4, 3)), None, "X"), (np.zeros(4), None, "X"),
                                      (X4, Y4[:3], "y")])
def test_scatter_points_bad_shapes(X, y, name):
    with pytest.raises(ValueError, match=rf"{name} must"):
        plots.scatter_points(X, y)


@pytest.mark.parametrize("kwargs,error,name", [(dict(annotate="yes"), TypeError, "annotate"),
                                               (dict(size=-1), ValueError, "size"),
                                               (dict(size="big"), TypeError, "size")])
def test_scatter_points_bad_options(kwargs, error, name):
    with pytest.raises(error, match=rf"{name} must"):
        plots.scatter_points(X4, Y4, **kwargs)


# --- decision_boundary -------------------------------------------------------------------


@pytest.mark.parametrize("model", [models.hand_built_xor, lambda: _xor_fn])
def test_decision_boundary_accepts_keras_models_and_callables(model):
    ax = plots.decision_boundary(model(), X4, Y4, resolution=40, title="xor")
    assert isinstance(ax, Axes)
    filled, line = _contours(ax)
    assert filled.filled and not line.filled
    assert list(line.levels) == [0.5]
    for point, cls in [((0.1, 0.1), 0), ((0.9, 0.1), 1), ((0.1, 0.9), 1), ((0.9, 0.9), 0)]:
        assert _shaded_class(ax, point) == cls
    assert len(_scatters(ax)) == 2 and len(ax.texts) == 4
    assert ax.get_xlim() == ax.get_ylim() == (-0.5, 1.5)
    assert ax.get_title() == "xor"


def test_decision_boundary_evaluates_the_model_on_the_requested_grid():
    seen = []

    def f(X):
        seen.append(np.array(X))
        return X[:, 0]

    ax = plots.decision_boundary(f, lim=np.array([-1, 2]), resolution=7, threshold=0.25)
    (grid,) = seen
    assert grid.shape == (49, 2)
    assert grid.min() == -1.0 and grid.max() == 2.0
    assert list(_contours(ax)[1].levels) == [0.25]
    assert _shaded_class(ax, (0.0, 1.0)) == 0 and _shaded_class(ax, (1.0, 0.0)) == 1
    assert ax.get_xlim() == (-1.0, 2.0)


def test_decision_boundary_of_a_constant_model_has_no_boundary_line():
    ax = plots.decision_boundary(lambda X: np.ones(len(X)), resolution=10)
    assert [c.filled for c in _contours(ax)] == [True]
    assert len(ax.texts) == 0  # no points given


@pytest.mark.parametrize("kwargs,error,name", [
    (dict(resolution=1), ValueError, "resolution"), (dict(resolution=2.5), TypeError, "resolution"),
    (dict(lim=5), TypeError, "lim"), (dict(lim=(1.0, 0.0)), ValueError, "lim"),
    (dict(lim=(0.0, "1")), TypeError, r"lim\[1\]"), (dict(lim=(0, 1, 2)), TypeError, "lim"),
    (dict(threshold="0.5"), TypeError, "threshold"),
    (dict(threshold=float("nan")), ValueError, "threshold"),
    (dict(X=np.zeros((4, 3))), ValueError, "X"),
])
def test_decision_boundary_bad_input(kwargs, error, name):
    with pytest.raises(error, match=rf"{name} must"):
        plots.decision_boundary(_xor_fn, **{"resolution": 10, **kwargs})


def test_decision_boundary_rejects_a_non_model():
    with pytest.raises(TypeError, match="model must"):
        plots.decision_boundary("not a model")


# --- hidden_activations ------------------------------------------------------------------


def test_hidden_activations_of_the_hand_built_net():
    model = models.hand_built_xor()
    H = plots.hidden_activations(model, X4)
    assert H.tolist() == [[0, 0], [1, 0], [1, 0], [2, 1]]
    assert plots.hidden_activations(model, X4, layer=1).reshape(-1).tolist() == [0, 1, 1, 0]


def test_hidden_activations_match_numpy_layer_by_layer():
    model = models.mlp([3, 2], activation="tanh", input_dim=4, seed=2)
    X = np.random.default_rng(1).normal(size=(5, 4)).astype(np.float32)
    (W1, b1), (W2, b2), _ = (layer.get_weights() for layer in model.layers)
    H1 = np.tanh(X @ W1 + b1)
    np.testing.assert_allclose(plots.hidden_activations(model, X, 0), H1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(plots.hidden_activations(model, X, 1), np.tanh(H1 @ W2 + b2),
                               rtol=1e-5, atol=1e-6)


def test_hidden_activations_of_a_functional_model():
    model = models.skip_xor_net("relu", seed=0)
    w, c = model.get_layer("hidden1").get_weights()
    np.testing.assert_allclose(plots.hidden_activations(model, X4), np.maximum(X4 @ w + c, 0),
                               rtol=1e-6)


def test_hidden_activations_bad_input():
    model = models.hand_built_xor()
    with pytest.raises(ValueError, match="layer must be <= 1"):
        plots.hidden_activations(model, X4, layer=2)
    with pytest.raises(ValueError, match="layer must be >= 0"):
        plots.hidden_activations(model, X4, layer=-1)
    with pytest.raises(TypeError, match="layer must"):
        plots.hidden_activations(model, X4, layer=0.0)
    with pytest.raises(TypeError, match="model must be a Keras model"):
        plots.hidden_activations(_xor_fn, X4)
    no_dense = keras.Sequential([keras.Input((2,)), keras.layers.Activation("relu")])
    with pytest.raises(ValueError, match="model has no Dense layers"):
        plots.hidden_activations(no_dense, X4)
    with pytest.raises(ValueError, match="X must"):
        plots.hidden_activations(model, X4[0])


# --- hidden_view -------------------------------------------------------------------------


def test_hidden_view_of_the_hand_built_net_merges_01_and_10():
    ax = plots.hidden_view(models.hand_built_xor(), X4, Y4, title="hidden")
    assert isinstance(ax, Axes)
    blue, red = _scatters(ax)
    assert red.get_offsets().tolist() == [[1, 0], [1, 0]]  # (0,1) and (1,0) land together
    assert sorted(map(tuple, blue.get_offsets().tolist())) == [(0, 0), (2, 1)]
    labels = {tuple(t.xy): t.get_text() for t in ax.texts}
    assert labels == {(0.0, 0.0): "(0,0)", (1.0, 0.0): "(0,1) (1,0)", (2.0, 1.0): "(1,1)"}
    assert ax.get_title() == "hidden"


def test_hidden_view_draws_the_output_level_line_in_hidden_space():
    ax = plots.hidden_view(models.hand_built_xor(), X4, Y4)
    (line,) = [ln for ln in ax.lines if ln.get_label() == "output = 0.5"]
    h1, h2 = line.get_xdata(), line.get_ydata()
    np.testing.assert_allclose(h1 - 2 * h2, 0.5, atol=1e-9)  # out = h1 - 2 h2 (linear output)
    assert ax.get_title() == "hidden layer 1"


def test_hidden_view_level_line_of_a_sigmoid_output_is_its_zero_logit():
    model = models.mlp([2], output_activation="sigmoid", seed=3)
    w, b = model.get_layer("output").get_weights()
    ax = plots.hidden_view(model, X4, Y4)
    (line,) = [ln for ln in ax.lines if ln.get_label() == "output = 0.5"]
    logit = w[0, 0] * line.get_xdata() + w[1, 0] * line.get_ydata() + b[0]
    np.testing.assert_allclose(logit, 0.0, atol=1e-5)


def test_hidden_view_of_a_one_unit_layer_puts_points_on_an_axis():
    model = models.mlp([1], seed=0)
    ax = plots.hidden_view(model, X4, Y4)
    offsets = np.concatenate([c.get_offsets() for c in _scatters(ax)])
    assert np.all(offsets[:, 1] == 0)


def test_hidden_view_bad_input():
    model = models.hand_built_xor()
    with pytest.raises(ValueError, match="X must"):
        plots.hidden_view(model, np.zeros((4, 3)), Y4)
    with pytest.raises(ValueError, match="y must"):
        plots.hidden_view(model, X4, Y4[:2])
    with pytest.raises(ValueError, match="layer must"):
        plots.hidden_view(model, X4, Y4, layer=5)


# --- curves ------------------------------------------------------------------------------


def test_curves_draws_one_line_per_curve():
    ys = [np.linspace(1, 0.1, 5), [0.5, 0.4, 0.45]]
    ax = plots.curves(ys, labels=["a", "b"], ylabel="loss", title="t")
    assert isinstance(ax, Axes)
    assert len(ax.lines) == 2
    np.testing.assert_allclose(ax.lines[0].get_ydata(), ys[0])
    np.testing.assert_allclose(ax.lines[1].get_xdata(), [0, 1, 2])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("step", "loss", "t")
    assert ax.get_yscale() == "linear"


def test_curves_without_labels_and_log_scale():
    ax = plots.curves([[1, 0.1, 0.01]], logy=True)
    assert ax.get_legend() is None
    assert ax.get_yscale() == "log"


@pytest.mark.parametrize("kwargs,error,name", [
    (dict(labels=["only one"]), ValueError, "labels"), (dict(labels="ab"), TypeError, "labels"),
    (dict(logy="yes"), TypeError, "logy"),
])
def test_curves_bad_input(kwargs, error, name):
    with pytest.raises(error, match=rf"{name} must"):
        plots.curves([[1, 2], [3, 4]], **kwargs)


def test_curves_rejects_a_non_sequence():
    with pytest.raises(TypeError, match="curves must"):
        plots.curves(5)


# --- heat_map ----------------------------------------------------------------------------


def test_heat_map_draws_values_and_labels():
    values = np.array([[0.1, 0.9, 0.5], [1.0, 0.0, 0.25]])
    ax = plots.heat_map(values, ["relu", "tanh"], [1, 2, 3], xlabel="width", title="fail rate")
    assert isinstance(ax, Axes)
    np.testing.assert_array_equal(ax.images[0].get_array(), values)
    assert ax.images[0].get_clim() == (0.0, 1.0)
    assert [t.get_text() for t in ax.texts] == ["10%", "90%", "50%", "100%", "0%", "25%"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["relu", "tanh"]
    assert (ax.get_xlabel(), ax.get_title()) == ("width", "fail rate")
    # dark cells get white text, light cells black
    assert ax.texts[0].get_color() == "w" and ax.texts[1].get_color() == "k"


@pytest.mark.parametrize("vmin,vmax", [(None, None), (0.0, None), (None, 10.0)])
def test_heat_map_with_open_colour_limits(vmin, vmax):
    values = [[1.0, 2.0], [3.0, 4.0]]
    ax = plots.heat_map(values, ["a", "b"], ["c", "d"], fmt="{:.0f}", vmin=vmin, vmax=vmax)
    assert [t.get_text() for t in ax.texts] == ["1", "2", "3", "4"]
    lo, hi = ax.images[0].get_clim()
    assert lo == (1.0 if vmin is None else vmin) and hi == (4.0 if vmax is None else vmax)


def test_heat_map_shape_must_match_labels():
    with pytest.raises(ValueError, match=r"values must have shape \(2, 3\)"):
        plots.heat_map(np.zeros((3, 2)), ["a", "b"], [1, 2, 3])


def test_rate_lines_draws_one_line_with_error_bars_per_label():
    rates = [[[0.2, 0.1, 0.3], [0.5, 0.4, 0.6]], [[1.0, 0.9, 1.0], [0.0, 0.0, 0.1]]]
    ax = plots.rate_lines([1, 2], rates, ["relu", "tanh"], xlabel="depth")
    assert len(ax.containers) == 2 and ax.get_xlabel() == "depth"
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.2, 0.5])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["relu", "tanh"]
    with pytest.raises(ValueError, match=r"rates must have shape \(2, 3, 3\)"):
        plots.rate_lines([1, 2, 3], rates, ["relu", "tanh"])


def test_integer_ticks_leaves_only_whole_numbers():
    _, ax = plt.subplots()
    ax.plot([1, 20], [0, 1])
    plots.integer_ticks(ax)
    ticks = ax.get_xticks()
    assert len(ticks) >= 2 and np.all(ticks == np.round(ticks))
    with pytest.raises(ValueError, match="axis must be"):
        plots.integer_ticks(ax, axis="z")
    plt.close("all")


def test_class_legend_names_both_classes_outside_the_axes():
    ax = plots.scatter_points(X4, Y4)
    legend = plots.class_legend(ax)
    assert [t.get_text() for t in legend.get_texts()] == ["y = 0", "y = 1"]
    assert legend.get_title().get_text() == "class"
    assert legend.get_bbox_to_anchor().x0 >= ax.get_window_extent().x1


def test_class_legend_inside_and_bad_input():
    ax = plots.scatter_points(X4, Y4)
    assert plots.class_legend(ax, outside=False).get_title().get_text() == "class"
    with pytest.raises(TypeError, match="ax"):
        plots.class_legend("not an axes")
    _, empty = plt.subplots()
    with pytest.raises(ValueError, match="nothing labelled"):
        plots.class_legend(empty)
    with pytest.raises(TypeError, match="outside"):
        plots.class_legend(ax, outside="yes")


def test_rate_lines_dodge_shifts_lines_apart_and_sets_markers():
    rates = np.array([[[0.2, 0.1, 0.3], [0.4, 0.3, 0.5]], [[0.2, 0.1, 0.3], [0.4, 0.3, 0.5]]])
    ax = plots.rate_lines([1, 2], rates, ["a", "b"], dodge=0.1, markers=["o", "s"])
    lines = [c.lines[0] for c in ax.containers]
    assert np.allclose(lines[0].get_xdata(), [0.95, 1.95])
    assert np.allclose(lines[1].get_xdata(), [1.05, 2.05])
    assert [ln.get_marker() for ln in lines] == ["o", "s"]
    plain = plots.rate_lines([1, 2], rates, ["a", "b"])
    assert np.allclose(plain.containers[0].lines[0].get_xdata(), [1, 2])
    with pytest.raises(ValueError, match="dodge"):
        plots.rate_lines([1, 2], rates, ["a", "b"], dodge=-1.0)
    with pytest.raises(ValueError, match="markers"):
        plots.rate_lines([1, 2], rates, ["a", "b"], markers=["o"])
