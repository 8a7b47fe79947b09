"""The model doctor: a zoo of small models, each broken in exactly one way, gets the finding
for its fault and no other; healthy models get none; the model is never changed."""

import itertools
import math

import numpy as np
import pytest

from xorhelpers._tf import keras
from xorhelpers.architectures import case_a, doctor
from xorhelpers.architectures.doctor_checks import _best_threshold
from xorhelpers.data import bit_matrix_pairs, noisy_xor, truth_table

X2, Y2 = noisy_xor(200, noise=0.1, seed=0)


def seq(*layers, input_shape=(2,), name=None):
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input(input_shape), *layers], name=name)


def D(units, activation, **kw):
    return keras.layers.Dense(units, activation=activation, **kw)


def codes(model, X=X2, y=Y2, loss="binary_crossentropy", **kw):
    return set(doctor.examine(model, X, y, loss=loss, **kw).codes)


# ------------------------------------------------------------------ broken in one way

@pytest.mark.parametrize("output", ["relu", "linear", "tanh"])
def test_output_that_does_not_fit_cross_entropy(output):
    assert codes(seq(D(8, "tanh"), D(1, output))) == {"OUTPUT_LOSS_MISMATCH"}


def test_relu_output_evidence_counts_the_zero_outputs():
    model = seq(D(8, "tanh"), D(1, "relu"))
    finding = doctor.examine(model, X2, Y2, loss="bce").findings[0]
    out = model.predict(X2, verbose=0)
    assert finding.values["zero"] == pytest.approx(float((out == 0).mean()))
    assert finding.severity == "error" and "0, 1" in finding.evidence


def test_sigmoid_output_with_from_logits_is_a_mismatch():
    loss = keras.losses.BinaryCrossentropy(from_logits=True)
    assert codes(seq(D(8, "tanh"), D(1, "sigmoid")), loss=loss) == {"OUTPUT_LOSS_MISMATCH"}
    assert codes(seq(D(8, "tanh"), D(1, "linear")), loss=loss) == set()


def test_activation_layer_after_the_output_counts():
    model = seq(D(8, "tanh"), D(1, "linear"), keras.layers.Activation("sigmoid"))
    assert codes(model) == set()
    model = seq(D(8, "tanh"), D(1, "linear"), keras.layers.Activation("relu"))
    assert codes(model) == {"OUTPUT_LOSS_MISMATCH"}


def test_softmax_on_one_unit():
    model = seq(D(8, "tanh"), D(1, "softmax"))
    report = doctor.examine(model, X2, Y2, loss="bce")
    assert set(report.codes) == {"SOFTMAX_ONE_UNIT"}
    # one output of a softmax is 1 up to rounding (Eigen's softmax gives 0.99999994)
    assert abs(report.findings[0].values["min"] - 1.0) < 1e-6


def test_labels_outside_the_output_range():
    assert codes(seq(D(8, "tanh"), D(1, "sigmoid")), y=2 * Y2 - 1, loss="mse") == {
        "LABELS_OUT_OF_RANGE"}
    assert codes(seq(D(8, "tanh"), D(1, "tanh")), y=2 * Y2 - 1, loss="mse") == set()


def test_output_with_fewer_values_than_labels():
    y = np.stack([Y2, 1 - Y2], axis=1)
    assert codes(seq(D(8, "tanh"), D(1, "sigmoid")), y=y) == {"OUTPUT_SHAPE_MISMATCH"}


def test_scalar_bottleneck():
    model = seq(D(1, "tanh"), D(8, "tanh"), D(1, "sigmoid"))
    report = doctor.examine(model, X2, Y2, loss="bce")
    assert set(report.codes) == {"SCALAR_BOTTLENECK"}
    assert report.findings[0].layer == model.layers[0].name
    assert report.findings[0].values["best_threshold"] <= 0.8  # XOR: no threshold is good


def test_scalar_bottleneck_is_not_reported_for_a_monotone_task():
    y_and = (truth_table()[0].prod(axis=1) > 0).astype(np.float32)
    X = np.tile(truth_table()[0], (8, 1))
    model = seq(D(1, "tanh"), D(8, "tanh"), D(1, "sigmoid"))
    model.layers[0].set_weights([np.array([[1.0], [1.0]]), np.zeros(1)])
    assert codes(model, X=X, y=np.tile(y_and, 8)) == set()


def test_information_lost():
    X = np.tile(truth_table()[0], (8, 1))
    y = np.tile(truth_table()[1], 8)
    model = seq(D(2, "relu"), D(4, "tanh"), D(1, "sigmoid"))
    model.layers[0].set_weights([np.ones((2, 2)), np.full(2, -1.5)])  # on only at (1, 1)
    report = doctor.examine(model, X, y, loss="bce")
    assert set(report.codes) == {"INFORMATION_LOST"}
    assert report.findings[0].values["pairs"] == 2  # (0,0)-(0,1) and (0,0)-(1,0)


def test_long_chain_of_sigmoids():
    model = seq(*[D(8, "sigmoid") for _ in range(6)], D(1, "sigmoid"))
    report = doctor.examine(model, X2, Y2, loss="bce")
    # six sigmoid layers at Glorot initialisation also leave the output blind to the input
    assert set(report.codes) == {"SATURATING_CHAIN", "OUTPUT_IGNORES_INPUT"}
    ratio = report.findings[0].values["ratio"]
    assert 0 < ratio < 0.01
    assert ratio == pytest.approx(_chain_ratio_by_hand(model, X2), rel=1e-3)


def _chain_ratio_by_hand(model, X):
    """The same ratio from a NumPy forward and backward pass of the first six layers."""
    hs, h = [], X.astype(np.float64)
    layers = model.layers[:6]
    for layer in layers:
        W, b = (np.asarray(w, np.float64) for w in layer.get_weights())
        h = 1 / (1 + np.exp(-(h @ W + b)))
        hs.append(h)
    grad = np.ones_like(hs[-1]) / len(X)  # d mean(sum(out)) / d out
    dz = [None] * 6
    for k in range(5, -1, -1):
        dz[k] = grad * hs[k] * (1 - hs[k])
        grad = dz[k] @ np.asarray(layers[k].get_weights()[0], np.float64).T
    return np.linalg.norm(dz[0].sum(axis=0)) / np.linalg.norm(dz[5].sum(axis=0))


def test_short_chain_or_relu_stack_is_not_a_saturating_chain():
    assert codes(seq(D(8, "sigmoid"), D(8, "sigmoid"), D(1, "sigmoid"))) == set()


def test_dead_layer():
    model = seq(D(8, "relu", bias_initializer=keras.initializers.Constant(-10.0)),
                D(1, "sigmoid"))
    report = doctor.examine(model, X2, Y2, loss="bce")
    assert set(report.codes) == {"DEAD_UNITS"}
    assert report.findings[0].severity == "error" and report.findings[0].values["dead"] == 8


def test_some_dead_units_are_counted():
    model = seq(D(4, "relu"), D(1, "sigmoid"))
    W = np.array([[1.0, -1.0, 1.0, -1.0], [1.0, -1.0, -1.0, -1.0]])
    model.layers[0].set_weights([W, np.array([0.1, -3.0, 0.1, -3.0])])
    report = doctor.examine(model, X2, Y2, loss="bce")
    assert report.codes == ["DEAD_UNITS"] and report.findings[0].values["dead"] == 2
    assert report.findings[0].severity == "info"


def test_saturated_units():
    model = seq(D(8, "sigmoid", bias_initializer=keras.initializers.Constant(8.0)),
                D(1, "sigmoid"))
    report = doctor.examine(model, X2, Y2, loss="bce")
    # a layer saturated on every row passes nothing of the input on to the output
    assert set(report.codes) == {"SATURATED_UNITS", "OUTPUT_IGNORES_INPUT"}
    assert report.findings[0].values["saturated"] == 8


def test_dense_on_a_matrix_input():
    gen = np.random.default_rng(0)
    X = gen.standard_normal((100, 3, 4)).astype(np.float32)
    y = (X.sum(axis=(1, 2)) > 0).astype(np.float32)
    model = seq(D(8, "tanh"), keras.layers.Flatten(), D(1, "sigmoid"), input_shape=(3, 4))
    report = doctor.examine(model, X, y, loss="bce")
    assert set(report.codes) == {"DENSE_NOT_FLAT"}
    assert report.findings[0].values == {"seen": 4, "total": 12}
    flat = seq(keras.layers.Flatten(), D(8, "tanh"), D(1, "sigmoid"), input_shape=(3, 4))
    assert codes(flat, X=X, y=y) == set()


def test_stuck_at_chance_after_a_trial_fit():
    gen = np.random.default_rng(1)
    X = gen.standard_normal((2000, 2)).astype(np.float32)
    y = gen.integers(0, 2, 2000).astype(np.float32)  # labels unrelated to the inputs
    model = seq(D(8, "tanh"), D(1, "sigmoid"))
    assert codes(model, X=X, y=y) == set()  # nothing is wrong before training
    report = doctor.examine(model, X, y, loss="bce", trial_epochs=2)
    assert set(report.codes) == {"STUCK_AT_CHANCE"}
    v = report.findings[0].values
    assert v["constant_loss"] == pytest.approx(doctor.constant_loss(y))
    assert abs(v["loss"] - math.log(2)) < 0.02


# ------------------------------------------------------------------------ case A

def test_case_a_as_the_learner_built_it():
    A, B, Y = bit_matrix_pairs(512, size=1, seed=1)
    found = set(doctor.examine(case_a.learner_model(1, seed=0), [A, B], Y, loss="bce").codes)
    assert {"OUTPUT_LOSS_MISMATCH", "SCALAR_BOTTLENECK", "SATURATING_CHAIN"} <= found
    A, B, Y = bit_matrix_pairs(512, size=2, seed=1)
    found = set(doctor.examine(case_a.learner_model(2, seed=0), [A, B], Y, loss="bce").codes)
    assert {"DENSE_NOT_FLAT", "OUTPUT_SHAPE_MISMATCH"} <= found


# ------------------------------------------------------------------------ healthy models

def _two_input_net():
    keras.utils.set_random_seed(0)
    a, b = keras.Input((1,)), keras.Input((1,))
    h = D(4, "tanh")(keras.layers.Concatenate()([a, b]))
    return keras.Model([a, b], D(1, "sigmoid")(h))


HEALTHY = {
    "mlp tanh": lambda: (seq(D(8, "tanh"), D(1, "sigmoid")), X2, Y2),
    "mlp relu": lambda: (seq(D(16, "relu", kernel_initializer="he_normal"), D(1, "sigmoid")),
                         X2, Y2),
    "deep relu stack": lambda: (seq(*[D(16, "relu", kernel_initializer="he_normal")
                                      for _ in range(4)], D(1, "sigmoid")), X2, Y2),
    "2-2-1 sigmoid": lambda: (seq(D(2, "sigmoid"), D(1, "sigmoid")),
                              np.tile(truth_table()[0], (8, 1)), np.tile(truth_table()[1], 8)),
    "two inputs": lambda: (_two_input_net(), [X2[:, :1], X2[:, 1:]], Y2),
    "shared per-coordinate net": lambda: (case_a.shared_xor_net(4),
                                          list(bit_matrix_pairs(64, 5, seed=2)[:2]),
                                          bit_matrix_pairs(64, 5, seed=2)[2]),
}


@pytest.mark.parametrize("name", HEALTHY)
def test_healthy_models_get_no_findings(name):
    model, X, y = HEALTHY[name]()
    report = doctor.examine(model, X, y, loss="bce")
    assert report.warnings == []
    if name == "deep relu stack":  # some of its 64 ReLUs are off on this batch: noted only
        assert {f.code for f in report.findings} == {"DEAD_UNITS"}
        assert sum(f.values["dead"] for f in report.findings) <= 16
    else:
        assert report.findings == () and "no findings" in str(report)


def test_one_input_given_as_a_list_of_rows():
    model = seq(D(8, "tanh"), D(1, "relu"))
    as_rows = doctor.examine(model, X2.tolist(), Y2.tolist(), loss="bce")
    assert as_rows.codes == doctor.examine(model, [X2], Y2, loss="bce").codes
    assert as_rows.codes == ["OUTPUT_LOSS_MISMATCH"]


def _lstm_parity_model():
    """Case C's shape of model (notebook 06): LSTM per step, then Dense(2, softmax)."""
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((6, 2)), keras.layers.LSTM(3, return_sequences=True),
                             D(2, "softmax")])


def test_softmax_over_classes_with_cross_entropy_and_a_dense_per_step_are_fine():
    bits = np.random.default_rng(0).integers(0, 2, (64, 6)).astype(np.float32)
    parity = np.cumsum(bits, axis=1) % 2
    X = np.stack([bits, 1 - bits], axis=-1)
    y = np.stack([parity, 1 - parity], axis=-1)
    assert codes(_lstm_parity_model(), X=X, y=y) == set()
    # the same Dense per step is a fault when the output cannot match the labels
    assert "DENSE_NOT_FLAT" in codes(_lstm_parity_model(), X=X, y=y[..., :1].repeat(3, -1))


def test_a_healthy_model_learns_in_the_trial_fit():
    model = seq(D(8, "tanh"), D(1, "sigmoid"))
    X, y = noisy_xor(1000, noise=0.1, seed=3)
    assert codes(model, X=X, y=y, trial_epochs=10, trial_lr=0.05) == set()


# ------------------------------------------------------------------------ the model is kept

def test_examine_never_changes_the_weights():
    model = case_a.learner_model(1, seed=0)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    before = [w.copy() for w in model.get_weights()]
    A, B, Y = bit_matrix_pairs(256, size=1, seed=1)
    doctor.examine(model, [A, B], Y, trial_epochs=2)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))


@pytest.mark.parametrize("name", ["mlp tanh", "two inputs", "shared per-coordinate net"])
def test_examine_with_a_trial_fit_keeps_weights_and_optimizer_state(name):
    model, X, y = HEALTHY[name]()
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.optimizer.build(model.trainable_variables)
    before = [w.copy() for w in model.get_weights()]
    state = [np.asarray(v).copy() for v in model.optimizer.variables]
    doctor.examine(model, X, y, trial_epochs=1)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))
    assert all(np.array_equal(a, np.asarray(b))
               for a, b in zip(state, model.optimizer.variables, strict=True))


def test_compiled_loss_is_used():
    model = seq(D(8, "tanh"), D(1, "relu"))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    assert set(doctor.examine(model, X2, Y2).codes) == {"OUTPUT_LOSS_MISMATCH"}
    model.compile(optimizer="adam", loss="mse")
    assert set(doctor.examine(model, X2, Y2).codes) == set()


# ------------------------------------------------------------------------ the report

def test_report_prints_and_renders():
    report = doctor.examine(seq(D(8, "tanh"), D(1, "relu")), X2, Y2, loss="bce")
    text = str(report)
    assert "OUTPUT_LOSS_MISMATCH [error]" in text and "fix:" in text and "evidence:" in text
    page = report._repr_html_()
    assert page.count("<tr>") == 2 and "<code>OUTPUT_LOSS_MISMATCH</code>" in page
    assert report.has("OUTPUT_LOSS_MISMATCH") and not report.has("DEAD_UNITS")
    with pytest.raises(ValueError, match="code must be one of"):
        report.has("BROKEN")


def test_every_code_is_documented():
    assert set(doctor.CODES) == set(dict.fromkeys(doctor.CODES))
    for code in doctor.CODES:
        assert f"``{code}``" in doctor.__doc__


def test_constant_loss_matches_the_entropy():
    y = np.array([1, 1, 1, 0], float)
    assert doctor.constant_loss(y) == pytest.approx(-(0.75 * math.log(0.75)
                                                      + 0.25 * math.log(0.25)))
    assert doctor.constant_loss(Y2 * 0 + 1) < 1e-9
    assert doctor.constant_loss(np.array([0.0, 2.0]), "mse") == 1.0


def test_best_threshold_against_brute_force():
    gen = np.random.default_rng(0)
    for _ in range(30):
        n = int(gen.integers(1, 7))
        seq_labels = gen.integers(0, 2, n).astype(bool)
        weight = gen.integers(1, 5, n)
        best = 0
        for cut, above in itertools.product(range(n + 1), (True, False)):
            pred = np.array([(k >= cut) == above for k in range(n)])
            best = max(best, weight[pred == seq_labels].sum())
        assert _best_threshold(seq_labels, weight) == pytest.approx(best / weight.sum())


# ------------------------------------------------------------------------ bad arguments

def test_bad_arguments():
    model = seq(D(8, "tanh"), D(1, "sigmoid"))
    with pytest.raises(TypeError, match="model must be a Keras model"):
        doctor.examine("model", X2, Y2, loss="bce")
    with pytest.raises(ValueError, match="loss must be given"):
        doctor.examine(model, X2, Y2)
    with pytest.raises(ValueError, match="loss must be one of"):
        doctor.examine(model, X2, Y2, loss="no_such_loss")
    with pytest.raises(ValueError, match=r"X\[0\] must have shape \(n, 2\)"):
        doctor.examine(model, X2[:, :1], Y2, loss="bce")
    with pytest.raises(ValueError, match="X must hold 2 input"):
        doctor.examine(_two_input_net(), X2, Y2, loss="bce")
    with pytest.raises(ValueError, match="one row per row of X"):
        doctor.examine(model, X2, Y2[:10], loss="bce")
    with pytest.raises(ValueError, match="finite"):
        doctor.examine(model, X2 * np.nan, Y2, loss="bce")
    with pytest.raises(ValueError, match="trial_epochs must be >= 0"):
        doctor.examine(model, X2, Y2, loss="bce", trial_epochs=-1)
    with pytest.raises(TypeError, match="loss must be a loss name"):
        doctor.examine(model, X2, Y2, loss=3)
    with pytest.raises(ValueError, match="loss_kind must be"):
        doctor.constant_loss(Y2, "hinge")
    with pytest.raises(ValueError, match="no defined inputs"):
        doctor.examine(keras.Sequential([D(1, "sigmoid")]), X2, Y2, loss="bce")
    with pytest.raises(ValueError, match="no Dense layers"):
        doctor.examine(seq(keras.layers.Activation("sigmoid")), X2, Y2, loss="bce")
    with pytest.raises(TypeError, match="y must be an array of numbers, got an array of dtype"):
        doctor.examine(model, X2, np.array(["a"] * len(X2)), loss="bce")
    with pytest.raises(TypeError, match="X must be an array, or a list with one array per"):
        doctor.examine(model, None, Y2, loss="bce")
    with pytest.raises(TypeError, match="X must be an array, or a list .* got dict"):
        doctor.examine(model, {"x": X2}, Y2, loss="bce")
    with pytest.raises(TypeError, match="trial_epochs must be an integer"):
        doctor.examine(model, X2, Y2, loss="bce", trial_epochs=1.5)
    with pytest.raises(ValueError, match="trial_lr must be > 0"):
        doctor.examine(model, X2, Y2, loss="bce", trial_lr=0)
    with pytest.raises(ValueError, match="trial_batch_size must be >= 1"):
        doctor.examine(model, X2, Y2, loss="bce", trial_batch_size=0)
    x = keras.Input((2,))
    two = keras.Model(x, [D(1, "sigmoid")(x), D(1, "sigmoid")(x)])
    with pytest.raises(ValueError, match="exactly one output"):
        doctor.examine(two, X2, Y2, loss="bce")


def test_the_checks_emit_only_listed_codes_and_every_listed_code():
    """Every Finding the doctor's modules can build names its code literally, from CODES, and
    every code in CODES has a check that emits it."""
    import ast
    import inspect

    from xorhelpers.architectures import doctor_checks, doctor_input

    emitted = []
    for module in (doctor, doctor_checks, doctor_input):
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding":
                code = node.args[0] if node.args else next(
                    (k.value for k in node.keywords if k.arg == "code"), None)
                assert isinstance(code, ast.Constant), (module.__name__, ast.dump(node)[:80])
                emitted.append(code.value)
    assert set(emitted) <= set(doctor.CODES), set(emitted) - set(doctor.CODES)
    assert set(emitted) == set(doctor.CODES), set(doctor.CODES) - set(emitted)
