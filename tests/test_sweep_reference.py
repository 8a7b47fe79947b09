"""The sweep's numbers, bit for bit, against digests recorded before the compiled kernel was
reorganised for speed: the notebooks' committed outputs depend on these bits, so a faster
kernel (or a rewritten NumPy engine, or a loss read from elsewhere) must not move one.

Each case trains a varied recipe (every activation, optimizer and loss, widths 1 to 64,
depths 1 to 3, full batch on the four points or on noisy data, minibatches of 4 from 1,000
points with few distinct rows and with many, blocks of 1, 70 and 300 networks, a resumed run,
diverging networks) and hashes everything a result holds: losses at every recorded step,
final outputs, weights, optimizer moments, dead units and solved steps.

If a change is meant to change the numbers, regenerate the digests with
``python tests/test_sweep_reference.py`` and say why in the commit.
"""

from __future__ import annotations

import hashlib
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

from xorhelpers import sweep
from xorhelpers.data import noisy_xor, random_xor_pairs

C = sweep.Config


def _pinned(package: str) -> str | None:
    """The version constraints.txt locks ``package`` at (None without the file)."""
    lock = Path(__file__).resolve().parents[1] / "constraints.txt"
    if not lock.exists():
        return None
    for line in lock.read_text().splitlines():
        if line.startswith(f"{package}=="):
            return line.split("==", 1)[1].strip()
    return None


# The digests were recorded with the locked NumPy and numba: another NumPy rounds the float64
# losses differently (older ones have no processor rule, see xorhelpers.portable), so the
# oldest/newest checks, like their nbval, do not compare exact bits.
_OTHER = [f"{p} {metadata.version(p)} (digests recorded with {_pinned(p)})"
          for p in ("numpy", "numba") if metadata.version(p) != _pinned(p)]
pytestmark = pytest.mark.skipif(bool(_OTHER),
                                reason="not the locked versions: " + "; ".join(_OTHER))


def _data(name):
    return {"xor": (None, None), "pairs": random_xor_pairs(1000, seed=5),
            "cloud": noisy_xor(1000, seed=6), "cloud40": noisy_xor(40, seed=7)}[name]


# name: (configs, seeds, data, record_every)
CASES = {
    "relu_adam_2": ([C(widths=(2,), lr=0.1, num_steps=600)], 300, "xor", 6),
    "relu_adam_2_alone": ([C(widths=(2,), lr=0.1, num_steps=600)], [17], "xor", 1),
    "mixed_lr": ([C(widths=(3,), lr=lr, num_steps=300) for lr in (0.01, 0.1, 0.5)], 70,
                 "xor", 10),
    "leaky_momentum_mse": ([C(widths=(5,), activation="leaky_relu", optimizer="momentum",
                              lr=0.2, loss="mse", num_steps=300)], 70, "xor", 3),
    "sigmoid_sgd_deep": ([C(widths=(3, 2), activation="sigmoid", optimizer="sgd", lr=0.5,
                            init="uniform", init_scale=1.0, init_biases=True,
                            num_steps=400)], 70, "xor", 20),
    "tanh_rmsprop_8": ([C(widths=(8,), activation="tanh", optimizer="rmsprop", lr=0.01,
                          init="he_normal", num_steps=300)], 70, "xor", 5),
    "linear_adam_mse": ([C(widths=(4,), activation="linear", lr=0.05, loss="mse",
                           num_steps=200)], 70, "xor", 10),
    "relu_wide_deep": ([C(widths=(16, 16, 8), lr=0.01, num_steps=150)], 70, "xor", 10),
    "relu_64": ([C(widths=(64,), lr=0.01, num_steps=100)], 64, "xor", 10),
    "diverging": ([C(widths=(2,), activation="linear", optimizer="sgd", lr=1e30,
                     num_steps=40), C(widths=(2,), activation="tanh", optimizer="sgd",
                                      lr=1e3, num_steps=40)], 8, "xor", 1),
    "pairs_batch4_relu": ([C(widths=(2,), lr=0.1, batch_size=4, num_steps=600)], 70, "pairs",
                          10),
    "pairs_batch4_sigmoid": ([C(widths=(5,), activation="sigmoid", lr=0.05, batch_size=4,
                                num_steps=300)], 300, "pairs", 10),
    "pairs_full_tanh": ([C(widths=(3,), activation="tanh", lr=0.05, num_steps=300)], 70,
                        "pairs", 10),
    "cloud_batch4_relu": ([C(widths=(4,), lr=0.05, batch_size=4, num_steps=600)], 70,
                          "cloud", 10),
    "cloud_batch32_leaky": ([C(widths=(3, 3), activation="leaky_relu", optimizer="rmsprop",
                               lr=0.01, batch_size=32, num_steps=100)], 70, "cloud", 5),
    "cloud40_full_sigmoid_mse": ([C(widths=(2,), activation="sigmoid", loss="mse", lr=0.1,
                                    num_steps=300)], 70, "cloud40", 10),
    "cloud40_batch7_momentum": ([C(widths=(6,), optimizer="momentum", lr=0.05, batch_size=7,
                                   num_steps=200)], 1, "cloud40", 4),
}

#: the numbers of one sweep, in the order ``_digest`` hashes them
FIELDS = ("loss_curve", "outputs", "solved_step", "dead_units", "dead_units_init", "diverged")


def _run(name, engine="auto"):
    configs, seeds, data, every = CASES[name]
    X, y = _data(data)
    if name == "relu_adam_2_alone":  # resumed in three parts: the same as one run
        first = sweep.train(configs[0].replace(num_steps=200), seeds, X, y, record_every=every,
                            engine=engine)
        second = sweep.train(configs[0].replace(num_steps=400), seeds, X, y,
                             record_every=every, resume=first.state, engine=engine)
        return _digest(second)
    return _digest(sweep.train(configs, seeds, X, y, record_every=every, engine=engine))


def _bits(a) -> bytes:
    """The bytes of an array, every NaN made the same NaN: which NaN an operation on a NaN
    returns (its sign bit) follows the order of its operands, which the compiler may swap
    (a + b and b + a are the same number, not always the same NaN); diverged networks'
    NaNs are no result."""
    a = np.array(a)
    if a.dtype.kind == "f":
        a[np.isnan(a)] = np.nan
    return a.tobytes()


def _digest(result) -> str:
    h = hashlib.sha256()
    for name in FIELDS:
        h.update(_bits(getattr(result, name)))
    for W, b in (pair for net in result.final_weights for pair in net):
        h.update(_bits(W))
        h.update(_bits(b))
    for m, v in result.state.moments:
        h.update(_bits(m))
        h.update(_bits(v))
    return h.hexdigest()[:24]


DIGESTS = {
    'cloud40_batch7_momentum': '1efcf39ce6926ed2ff5177c9',
    'cloud40_full_sigmoid_mse': '49d30485afb636fd76dc2422',
    'cloud_batch32_leaky': 'e32797a5de91b8034ef1d704',
    'cloud_batch4_relu': '070d5258b17fafbed98a9130',
    'diverging': 'ddc41ee2a5d48e4ec8f12125',
    'leaky_momentum_mse': 'd4e90035e451334994b08884',
    'linear_adam_mse': 'b4894e432e8ccf62ae3ae150',
    'mixed_lr': '6092c40e38af40ed9aedf345',
    'pairs_batch4_relu': '44246050dfb21d5833b500e9',
    'pairs_batch4_sigmoid': '765c3dacff35c97882b2a6c7',
    'pairs_full_tanh': 'f5f11ca4eb37e75a2356ec1f',
    'relu_64': 'ee393047946a64f8ab2dbd82',
    'relu_adam_2': 'a85bbe5e53c1837303cf265f',
    'relu_adam_2_alone': '2ecb3a375899befa5c66a7ed',
    'relu_wide_deep': '6f197284098a3a1572b2c0f0',
    'sigmoid_sgd_deep': '13745d3e6b6070789510ed29',
    'tanh_rmsprop_8': '8786f8b5e77b5970b3bc8947',
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_compiled_engine_gives_the_recorded_bits(name):
    assert _run(name) == DIGESTS[name]


@pytest.mark.parametrize("name", ["sigmoid_sgd_deep", "tanh_rmsprop_8", "pairs_batch4_sigmoid",
                                  "cloud_batch4_relu", "cloud40_full_sigmoid_mse",
                                  "relu_adam_2_alone"])
def test_the_numpy_engine_gives_the_recorded_bits(name):
    assert _run(name, engine="numpy") == DIGESTS[name]


if __name__ == "__main__":  # print the digests of this checkout, to paste into DIGESTS
    for case in (sys.argv[1:] or sorted(CASES)):
        print(f"    {case!r}: {_run(case)!r},")
