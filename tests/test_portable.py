"""The processor-independence rule: its values, how it is applied, and that it is in force."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from xorhelpers import portable

ROOT = Path(__file__).resolve().parents[1]


def test_set_rule_variables_sets_defaults_and_keeps_what_is_set():
    env = portable.set_rule_variables({})
    assert env == portable.rule()
    mine = portable.set_rule_variables({"TF_ENABLE_ONEDNN_OPTS": "1"})
    assert mine["TF_ENABLE_ONEDNN_OPTS"] == "1"


def _status_in_fresh_python(env_changes: dict[str, str | None], code: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def test_importing_xorhelpers_first_applies_the_rule():
    code = ("import xorhelpers, os, numpy; from xorhelpers import portable; "
            "print(os.environ['TF_ENABLE_ONEDNN_OPTS'], portable.status())")
    line = _status_in_fresh_python({"TF_ENABLE_ONEDNN_OPTS": None,
                                    "NPY_DISABLE_CPU_FEATURES": None}, code)
    assert line.startswith("0 Processor-independent kernels: on"), line


def test_status_names_an_explicit_onednn_setting():
    code = "import xorhelpers; from xorhelpers import portable; print(portable.status())"
    line = _status_in_fresh_python({"TF_ENABLE_ONEDNN_OPTS": "1"}, code)
    assert "OFF" in line and "TF_ENABLE_ONEDNN_OPTS='1'" in line, line


@pytest.mark.skipif(
    tuple(int(p) for p in np.__version__.split(".")[:2]) < (2, 4)
    or not np._core._multiarray_umath.__cpu_features__.get("AVX2"),
    reason="NumPy's processor-specific kernels exist here only with AVX2 and NumPy >= 2.4")
def test_status_sees_numpy_imported_before_the_rule():
    """Where NumPy has kernels of its own for these functions, importing NumPy first (without
    the variable) is caught by the probes, not by reading the variable."""
    code = ("import numpy, xorhelpers; from xorhelpers import portable; "
            "print(portable.status())")
    line = _status_in_fresh_python({"NPY_DISABLE_CPU_FEATURES": None}, code)
    assert "OFF" in line and "NumPy's tanh" in line, line


def test_every_notebook_imports_xorhelpers_first_and_prints_the_status():
    """The guard inside every kernel: the first code cell imports xorhelpers before anything
    that loads NumPy, and prints portable.status(), which strict nbval compares."""
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        first = next(c for c in cells if c["cell_type"] == "code")
        lines = [ln for ln in "".join(first["source"]).splitlines()
                 if ln.strip() and not ln.lstrip().startswith("#")]
        assert lines[0].split("#")[0].strip() == "import xorhelpers", (path.name, lines[:2])
        assert "portable.status()" in "".join(first["source"]), path.name
        printed = "".join("".join(o.get("text", "")) for o in first.get("outputs", []))
        assert "Processor-independent kernels: on" in printed, path.name


@pytest.mark.parametrize("machine, avx2, expected", [
    ("x86_64", True, None), ("AMD64", True, None), ("x86_64", None, None),
    ("x86_64", False, "no AVX2"), ("arm64", True, "arm64, not x86-64"),
    ("aarch64", None, "aarch64, not x86-64")])
def test_status_names_a_processor_the_rule_cannot_cover(monkeypatch, machine, avx2, expected):
    """On an x86-64 processor without AVX2, or another architecture, the first cell must not
    say that its numbers match every x86-64 machine."""
    monkeypatch.setattr(portable.platform, "machine", lambda: machine)
    monkeypatch.setattr(portable, "_has_avx2", lambda: avx2)
    found = portable._processor_problems()
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1 and expected in found[0]
        monkeypatch.setattr(portable, "problems", lambda: found)
        assert portable.status().startswith("Processor-independent kernels: OFF: ")


@pytest.mark.skipif(not Path("/proc/cpuinfo").exists(), reason="needs Linux's /proc/cpuinfo")
def test_avx2_is_read_as_the_kernel_reports_it():
    """The feature llvmlite reads agrees with the flags Linux lists for this processor."""
    flags = next(line for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("flags")).split()
    assert portable._has_avx2() is ("avx2" in flags)
