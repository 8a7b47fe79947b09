"""The same printed numbers on every x86-64 processor: one rule, kept here.

NumPy and TensorFlow choose some kernels by the processor they run on, and those kernels round
differently in the last bit. The networks in this collection are chaotic enough that one bit
can move a seed from "solved" to "stuck", so a learner on another laptop would see a different
count. Measured on the project's machines:

- NumPy >= 2.4: float64 ``exp`` and ``log`` have AVX-512 kernels, float64 ``tanh`` an AVX2 one;
  each differs from the C library in the last bit for a few percent of inputs. Without them
  (``NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4"``) NumPy uses the baseline x86-64-v2 code every
  x86-64 wheel runs, and these functions agree with the C library bit for bit.
- TensorFlow: oneDNN's custom operations (on by default on x86-64) pick AVX2, AVX-512 or AMX
  code at run time, and an AVX-512/AMX machine printed different seed counts. With
  ``TF_ENABLE_ONEDNN_OPTS=0`` TensorFlow uses its own Eigen kernels.
- TensorFlow's own matrix products still call oneDNN's sgemm, which also picks its code at run
  time: capped with ``ONEDNN_MAX_CPU_ISA=AVX2``, an AVX-512 or AMX machine computes what an AVX2
  machine does. A processor with AVX but no AVX2 (2011-2012) cannot run the AVX2 code, and
  there one Keras diagnostics table of notebook 04 prints slightly different values.
- numba (the compiled sweep engine) needs nothing: it computes exp and tanh from basic
  double-precision operations without fast-math, so it agrees with the NumPy engine anywhere.

The variables are read once, when NumPy, TensorFlow or oneDNN is first used, so the rule must be
in the environment before that. ``set_rule_variables()`` sets them (as defaults: a value
already in the environment wins) and is called by ``import xorhelpers`` (which is why every
notebook imports xorhelpers before NumPy) and by the root ``conftest.py``; ``dev.py`` puts
``RULE``'s variables (as defaults) into the environment of every process it starts.
``status()`` says whether the running process follows the rule; every notebook prints it in
its first cell, so strict nbval fails where it does not.

This module imports nothing but the standard library, so that ``dev.py`` can read it with any
Python before the environment exists.
"""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata

__all__ = ["RULE", "set_rule_variables", "rule", "status", "problems"]

#: Environment variable -> value. NumPy's group names X86_V3/X86_V4 exist from NumPy 2.4 on;
#: older NumPy (the "oldest" check, whose printed output is not compared) gets no NumPy setting.
RULE = {
    "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
}


def _numpy_version() -> tuple[int, int]:
    try:
        major, minor = metadata.version("numpy").split(".")[:2]
        return int(major), int(minor)
    except (metadata.PackageNotFoundError, ValueError):
        return (0, 0)


def rule() -> dict[str, str]:
    """The variables this environment needs (the NumPy one only for NumPy >= 2.4)."""
    wanted = dict(RULE)
    if _numpy_version() < (2, 4):
        wanted.pop("NPY_DISABLE_CPU_FEATURES")
    return wanted


_LATE: list[str] = []


def set_rule_variables(environ: dict[str, str] | None = None) -> dict[str, str]:
    """Set the rule's variables in ``environ`` (default: this process's ``os.environ``) where
    they are not set already, and return ``environ``. NumPy and TensorFlow read them only when
    first imported: if TensorFlow was imported before, this is remembered and ``status()``
    says so (NumPy's kernels are checked directly)."""
    target = os.environ if environ is None else environ
    if environ is None and "tensorflow" in sys.modules \
            and target.get("TF_ENABLE_ONEDNN_OPTS") != RULE["TF_ENABLE_ONEDNN_OPTS"]:
        _LATE.append("TensorFlow was imported before xorhelpers")
    for name, value in rule().items():
        target.setdefault(name, value)
    return target


# Inputs where NumPy's AVX-512 float64 exp/log and AVX2 float64 tanh differ from the C library
# in the last bit (found by comparing 200,000 random inputs on an AVX-512 machine).
_EXP_PROBES = (1.5257325287711296, 11.06732457369192, 0.43555537866132, 8.796375340347723,
               -4.994120140134326, -2.064147626220631)
_LOG_PROBES = (5.963140392862233, 0.8595055424717977, 1.005697076801546, 11.287565760531233,
               1.4945543482945283, 1.0151274690208894)
_TANH_PROBES = (-1.7792019364018312, 2.243247235686219, 1.6385129691022087, -0.4540043181541935,
                -2.362204433784658, 0.1907165660963912)


def problems() -> list[str]:
    """What in this process breaks the rule, as short phrases (empty when it holds).

    For NumPy it checks the result, not the variable: exp, log and tanh on inputs where the
    processor-specific kernels round differently must equal the C library's. For TensorFlow it
    reads the variable TensorFlow read at import."""
    found = list(_LATE)
    found += _processor_problems()
    for name in ("TF_ENABLE_ONEDNN_OPTS", "ONEDNN_MAX_CPU_ISA"):
        if os.environ.get(name) != RULE[name]:
            found.append(f"{name}={os.environ.get(name)!r} (the rule is {RULE[name]!r})")
    if "numpy" in sys.modules and _numpy_version() >= (2, 4):
        import math

        import numpy as np

        for fn, ref, probes in ((np.exp, math.exp, _EXP_PROBES), (np.log, math.log, _LOG_PROBES),
                                (np.tanh, math.tanh, _TANH_PROBES)):
            got = fn(np.array(probes, dtype=np.float64))
            if any(float(g) != ref(p) for g, p in zip(got, probes, strict=True)):
                found.append(f"NumPy's {fn.__name__} uses processor-specific kernels "
                             "(NumPy was imported before xorhelpers, or "
                             "NPY_DISABLE_CPU_FEATURES lacks X86_V3 X86_V4)")
    return found


def _processor_problems() -> list[str]:
    """What about this processor itself the rule cannot cover: another architecture than
    x86-64, or an x86-64 processor without AVX2."""
    machine = platform.machine()
    if machine.lower() not in ("x86_64", "amd64"):
        return [f"this processor is {machine}, not x86-64 (the committed numbers were made on "
                "x86-64; here some may differ in the last digit)"]
    if _has_avx2() is False:
        return ["this processor has no AVX2 (TensorFlow's matrix products round differently "
                "here: notebook 04's Keras diagnostics table can differ)"]
    return []


def _has_avx2() -> bool | None:
    """Whether this x86-64 processor has AVX2 (None: cannot tell). llvmlite, which numba
    brings, reads the processor's own feature list."""
    try:
        from llvmlite import binding
    except ImportError:
        return None
    features = binding.get_host_cpu_features()
    return bool(features.get("avx2", False))


def status() -> str:
    """One line for a notebook's first cell: whether printed numbers here are the ones every
    other x86-64 processor prints."""
    found = problems()
    if not found:
        return "Processor-independent kernels: on (printed numbers match any x86-64 machine)."
    return "Processor-independent kernels: OFF: " + "; ".join(found)
