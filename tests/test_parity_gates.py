"""The gates of a parity LSTM: they rebuild the states Keras computes, and the picture of them."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from xorhelpers.data import parity_sequences  # noqa: E402
from xorhelpers.parity import case_c_model, parity_rnn, rnn_states  # noqa: E402
from xorhelpers.parity.gates import gate_traces, lstm_gates  # noqa: E402


@pytest.mark.parametrize("units, complement", [(1, True), (3, False)])
def test_gates_rebuild_the_states_and_keras_outputs(units, complement):
    model = parity_rnn(units, "lstm", complement=complement, seed=2)
    X, _ = parity_sequences(20, 12, seed=0, complement=complement)
    g = lstm_gates(model, X)
    states = rnn_states(model, X)
    assert all(g[k].shape == (20, 12, units) for k in ("i", "f", "o", "g", "c", "h"))
    np.testing.assert_allclose(g["h"], states["h"], atol=1e-6)
    np.testing.assert_allclose(g["c"], states["c"], atol=1e-6)
    c_prev = np.concatenate([np.zeros_like(g["c"][:, :1]), g["c"][:, :-1]], axis=1)
    np.testing.assert_allclose(g["c"], g["f"] * c_prev + g["i"] * g["g"], atol=1e-6)
    np.testing.assert_allclose(g["h"], g["o"] * np.tanh(g["c"]), atol=1e-6)
    for k in ("i", "f", "o"):
        assert ((g[k] > 0) & (g[k] < 1)).all()


def test_a_gru_has_no_gates_here():
    model = parity_rnn(1, "gru", complement=True, seed=0)
    X, _ = parity_sequences(2, 5, seed=0, complement=True)
    with pytest.raises(ValueError, match="LSTM"):
        lstm_gates(model, X)


def test_gate_traces_draws_the_chosen_series():
    model = case_c_model(seed=0)
    bits = [1, 0, 1, 1, 0, 0, 1]
    ax = gate_traces(model, bits, title="t")
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["running parity", "forget gate f", "input gate i", "output h", "bit = 1"]
    ones = ax.get_lines()[-1].get_xdata()
    assert list(ones) == [1, 3, 4, 7]
    ax = gate_traces(model, bits, show=("o", "g"))
    assert [line.get_label() for line in ax.get_lines()][1:3] == ["output gate o", "candidate g"]
    plt.close("all")


@pytest.mark.parametrize("kwargs, message", [
    (dict(bits=[0, 2]), "bits"), (dict(bits=[]), "bits"), (dict(unit=1), "unit"),
    (dict(show=("x",)), "show"), (dict(show="f"), "show"), (dict(show=()), "show"),
])
def test_bad_arguments_are_named(kwargs, message):
    args = dict(model=case_c_model(seed=0), bits=[1, 0, 1]) | kwargs
    with pytest.raises(ValueError, match=message):
        gate_traces(**args)
    plt.close("all")
