"""Import only what is used: the light modules load neither TensorFlow (nor Keras) nor
ipywidgets, the package itself loads nothing but the processor rule, and every module that
uses Keras loads it through xorhelpers._tf. Each check runs in a fresh interpreter."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("tensorflow", "keras", "ipywidgets")


def _loaded(module: str) -> dict[str, bool]:
    code = (f"import sys, {module}; "
            f"print(' '.join(str(name in sys.modules) for name in {HEAVY!r}))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    return dict(zip(HEAVY, (flag == "True" for flag in out), strict=True))


@pytest.mark.parametrize("module", ["xorhelpers", "xorhelpers.stats", "xorhelpers.data",
                                    "xorhelpers.sweep", "xorhelpers.maths",
                                    "xorhelpers.nets.scratch", "xorhelpers.plots"])
def test_light_modules_load_neither_tensorflow_nor_widgets(module):
    assert _loaded(module) == dict.fromkeys(HEAVY, False)


def test_the_explorer_state_loads_no_widgets():
    assert _loaded("xorhelpers.explorer.state") == dict.fromkeys(HEAVY, False)


def test_modules_that_use_keras_load_it_through_one_module():
    """Only xorhelpers/_tf.py imports keras or tensorflow by name (a submodule of an already
    loaded TensorFlow is no second policy), and only the package's __init__ sets
    TF_CPP_MIN_LOG_LEVEL, first thing, so that it holds before any TensorFlow loads."""
    direct = re.compile(r"^\s*(import (keras|tensorflow)\b|from (keras|tensorflow) import)",
                        re.M)
    offenders, loggers = [], []
    for path in sorted((ROOT / "xorhelpers").rglob("*.py")):
        text = path.read_text()
        if direct.search(text) and path.name != "_tf.py":
            offenders.append(str(path.relative_to(ROOT)))
        if "TF_CPP_MIN_LOG_LEVEL" in text.replace("``TF_CPP_MIN_LOG_LEVEL=3``", "") and \
                path.relative_to(ROOT).as_posix() != "xorhelpers/__init__.py":
            loggers.append(str(path.relative_to(ROOT)))
    assert offenders == [] and loggers == []
    assert 'setdefault("TF_CPP_MIN_LOG_LEVEL", "3")' in (ROOT / "xorhelpers" /
                                                         "__init__.py").read_text()
