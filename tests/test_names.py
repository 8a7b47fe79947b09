"""Names that say one thing: no two public functions (or classes) of xorhelpers share a name
unless they mean the same, and the ones that share a name with the network's maths compute
exactly what ``xorhelpers.maths`` computes.

"Public" is a top-level ``def`` or ``class`` without a leading underscore in a module whose
own name has none; a name imported into another module (a re-export, such as
``sweep.train``) is the same object and is not counted again.
"""

import ast
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from xorhelpers import maths

PACKAGE = Path(__file__).resolve().parent.parent / "xorhelpers"

#: Every name defined in more than one module, each definition with what it means. The
#: meanings of one name must be one: the same thing for another kind of network or data.
SAME_MEANING = {
    ("forward", "maths"): "the one forward pass: (W, b) per layer, one network or a stack",
    ("forward", "nets.scratch"): "maths.forward on a from-scratch Net, beside its backward",
    ("activate", "maths"): "an activation applied elementwise",
    ("activate", "nets.scratch"): "maths.activate, its name checked for notebook 04",
    ("slope", "maths"): "an activation's derivative",
    ("slope", "nets.scratch"): "maths.slope, with ReLU's derivative pluggable (case E)",
    ("matmul", "maths"): "A @ B by NumPy's own loop, the same on every processor",
    ("matmul", "nets.scratch"): "maths.matmul with its shapes checked",
    ("solved", "maths"): "every output on its target's side of 0.5 by a margin",
    ("solved", "nets.scratch"): "maths.solved of a Net's outputs (and not diverged)",
    ("solved", "clinic.case_e"): "maths.solved of a sweep's outputs, margin 0.1",
    ("init_weights", "sweep.streams"): "the initial weights of a sweep network",
    ("init_weights", "architectures.case_a"): "the initial weights of case A's replica",
    ("train", "sweep.training"): "train sweep networks",
    ("train", "nets.scratch"): "train a from-scratch Net",
    ("train", "architectures.case_a"): "train case A's replica",
    ("train_group", "sweep.numpy_engine"): "the engines' one contract: train a group",
    ("train_group", "sweep.fast_engine"): "the engines' one contract: train a group",
    ("train_recipe", "architectures.case_a_recipe"): "train case A with the learner's recipe",
    ("train_recipe", "parity.rnn"): "train a parity LSTM with a recipe",
}

def _public_definitions() -> dict[str, list[str]]:
    where = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if any(p.startswith("_") and p != "__init__" for p in parts):
            continue
        module = ".".join(p for p in parts if p != "__init__")
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                where[node.name].append(module)
    return where


def test_no_two_public_functions_share_a_name_with_different_meanings():
    shared = {(name, module) for name, modules in _public_definitions().items()
              if len(modules) > 1 for module in modules}
    unexplained = sorted(shared - SAME_MEANING.keys())
    assert not unexplained, (
        f"these public names are defined in more than one module: {unexplained}. Give one of "
        "them another name, or, when they mean the same thing, say so in SAME_MEANING")


def test_the_scan_sees_what_it_should():
    where = _public_definitions()
    assert sorted(where["forward"]) == ["maths", "nets.scratch"]  # the same pass
    assert where["forward_rows"] == ["sweep.fast_kernel"]  # the kernel's in-place pass
    assert "code_partition" in where and "_hidden_codes" not in where  # public, private
    assert where["outputs"] == ["architectures.case_a"]
    assert "apply" not in where  # portable.set_rule_variables, slides.write_slide_types
    assert where["set_rule_variables"] == ["portable"]
    assert where["write_slide_types"] == ["slides"]


# ---------------------------------------- the names shared with maths compute what maths does

def _net(activation="tanh"):
    from xorhelpers.nets import scratch

    return scratch.init_net((2, 3, 2, 1), activation, seed=5, n_models=4, bias_scale=0.3)


def test_scratch_forward_is_maths_forward():
    from xorhelpers.data import truth_table
    from xorhelpers.nets import scratch

    net = _net()
    X, _ = truth_table()
    out, cache = scratch.forward(net, X)
    weights = [(W, b[:, 0, :]) for W, b in zip(net.weights, net.biases, strict=True)]
    want, layers = maths.forward(weights, X, net.activations[:-1], net.activations[-1])
    assert np.array_equal(out, want)
    for mine, theirs in zip(cache, layers, strict=True):
        assert all(np.array_equal(a, b) for a, b in zip(mine, theirs, strict=True))


@pytest.mark.parametrize("name", maths.ACTIVATIONS)
def test_scratch_activate_and_slope_are_maths(name):
    from xorhelpers.nets import scratch

    Z = np.linspace(-4, 4, 33).reshape(3, 11)
    A = maths.activate(name, Z)
    assert np.array_equal(scratch.activate(name, Z), A)
    assert np.array_equal(scratch.slope(name, Z, A), maths.slope(name, Z, A))


def test_scratch_matmul_is_maths_matmul():
    from xorhelpers.nets import scratch

    gen = np.random.default_rng(1)
    A, B = gen.normal(size=(4, 5, 3)), gen.normal(size=(4, 3, 2))
    assert np.array_equal(scratch.matmul(A, B), maths.matmul(A, B))


def test_every_solved_is_maths_solved():
    from xorhelpers import sweep
    from xorhelpers.clinic import case_e
    from xorhelpers.data import truth_table
    from xorhelpers.nets import scratch

    X, y = truth_table()
    # a hand-built XOR net, twice: output bias -5 solves it, 0 leaves (0,0) at exactly 0.5
    W1, b1 = np.ones((2, 2, 2)), np.array([[0.0, -1.0]] * 2)
    W2, b2 = np.array([[[10.0], [-20.0]]] * 2), np.array([[-5.0], [0.0]])
    net = scratch.from_weights([(W1, b1), (W2, b2)], "relu")
    for margin in (0.0, 0.1):
        assert scratch.solved(net, X, y, margin).tolist() == [True, False]
        assert np.array_equal(scratch.solved(net, X, y, margin),
                              maths.solved(scratch.predict(net, X), y, margin))
    result = sweep.train(sweep.Config(num_steps=300), 20)
    assert np.array_equal(case_e.solved(result), maths.solved(result.outputs, y, 0.1))
    assert 0 < case_e.solved(result).sum() < 20  # both verdicts occur
