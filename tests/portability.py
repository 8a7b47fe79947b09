"""Re-execute the notebooks as other processors would and compare their printed text with the
committed outputs, cell by cell (what strict nbval compares: text outputs after the sanitizer,
no images, no widget views, no stderr).

Run through `python3 dev.py test --portability [NAMES...] [-- notebooks...]`. Each emulated
processor is a set of environment variables that caps the instruction set the libraries may
use: oneDNN's ONEDNN_MAX_CPU_ISA, NumPy's NPY_DISABLE_CPU_FEATURES and numba's NUMBA_CPU_NAME /
NUMBA_CPU_FEATURES. The project's rule (xorhelpers/portable.py) is in force in every one of
them, as it is for a learner; the row `rule-off` runs without it, as a control that shows what
the rule prevents (its differences are reported, not counted as failures).

Prints one table row per processor and one column per notebook with the number of cells whose
printed text differs, then the differing cells; exits 1 if any emulated processor differs.
"""

from __future__ import annotations

import argparse
import configparser
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent

# name -> (what it stands for, environment overrides). "" removes a variable.
PROCESSORS: dict[str, tuple[str, dict[str, str]]] = {
    "native": ("this machine as it is, with the rule", {}),
    "avx2": ("an AVX2 laptop (Haswell to Alder Lake)",
             {"ONEDNN_MAX_CPU_ISA": "AVX2", "NUMBA_CPU_NAME": "haswell"}),
    "avx512": ("an AVX-512 server (numba's code for Skylake-SP; oneDNN stays capped by the rule)",
               {"NUMBA_CPU_NAME": "skylake-avx512"}),
    "avx": ("known exception: AVX without AVX2 (Sandy Bridge, 2011), below the rule's AVX2",
            {"ONEDNN_MAX_CPU_ISA": "AVX", "NUMBA_CPU_NAME": "sandybridge"}),
    "generic": ("numba's generic x86-64 code",
                {"NUMBA_CPU_NAME": "generic"}),
    "sse41": ("control: oneDNN at SSE4.1, below what TensorFlow's wheel needs (AVX)",
              {"ONEDNN_MAX_CPU_ISA": "SSE41"}),
    "rule-off": ("control: this machine without the rule (oneDNN on, NumPy's own kernels)",
                 {"TF_ENABLE_ONEDNN_OPTS": "1", "NPY_DISABLE_CPU_FEATURES": "",
                  "ONEDNN_MAX_CPU_ISA": ""}),
    "rule-off-avx2": ("control: an AVX2 laptop without the rule",
                      {"TF_ENABLE_ONEDNN_OPTS": "1", "NPY_DISABLE_CPU_FEATURES": "X86_V4",
                       "ONEDNN_MAX_CPU_ISA": "AVX2", "NUMBA_CPU_NAME": "haswell"}),
}
CONTROLS = {"rule-off", "rule-off-avx2", "sse41", "avx"}


def _sanitizers() -> list[tuple[re.Pattern, str]]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "nbval_sanitize.cfg")
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


def printed_text(cell, sanitizers) -> str:
    """The text strict nbval compares for one code cell (stderr excluded)."""
    parts = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream" and out.get("name") == "stdout":
            parts.append(out.get("text", ""))
        elif kind in ("execute_result", "display_data"):
            data = out.get("data", {})
            if "text/plain" in data and "application/vnd.jupyter.widget-view+json" not in data:
                parts.append(data["text/plain"])
        elif kind == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
    text = "".join(p if isinstance(p, str) else "".join(p) for p in parts)
    for pattern, replace in sanitizers:
        text = pattern.sub(replace, text)
    return text


def run_notebook(path: Path, env: dict[str, str]):
    nb = nbformat.read(path, as_version=4)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return nb


def compare(path: Path, env: dict[str, str],
            sanitizers) -> tuple[list[tuple[int, str, str]], float]:
    """Differing cells as (code cell number from 1, committed text, new text), and run time."""
    committed = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    fresh = run_notebook(path, env)
    seconds = time.perf_counter() - t0
    diffs = []
    number = 0
    for old, new in zip(committed.cells, fresh.cells, strict=True):
        if old.cell_type != "code":
            continue
        number += 1
        a, b = printed_text(old, sanitizers), printed_text(new, sanitizers)
        if a != b:
            diffs.append((number, a, b))
    return diffs, seconds


def _first_difference(a: str, b: str) -> str:
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb, strict=False)):
        if x != y:
            return (f"line {i + 1}: committed {x.strip()[:110]!r}\n"
                    f"{'':14}here      {y.strip()[:110]!r}")
    return f"committed {len(la)} lines, here {len(lb)} lines"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("processors", nargs="*", help=f"some of {', '.join(PROCESSORS)}")
    parser.add_argument("--notebooks", nargs="*", default=None)
    args = parser.parse_args(argv)
    names = args.processors or list(PROCESSORS)
    unknown = [n for n in names if n not in PROCESSORS]
    if unknown:
        parser.error(f"unknown processor {unknown[0]!r}; choose from {', '.join(PROCESSORS)}")
    paths = [Path(p).resolve() for p in args.notebooks] if args.notebooks else \
        sorted((ROOT / "notebooks").glob("*.ipynb"))
    sanitizers = _sanitizers()
    base = dict(os.environ)
    table, details, failed = [], [], False
    for name in names:
        about, overrides = PROCESSORS[name]
        env = dict(base)
        for key, value in overrides.items():
            if value:
                env[key] = value
            else:
                env.pop(key, None)
        row = []
        for path in paths:
            diffs, seconds = compare(path, env, sanitizers)
            row.append((len(diffs), seconds))
            print(f"{name:13} {path.name:38} {len(diffs)} differing cells  {seconds:5.1f} s",
                  flush=True)
            for number, a, b in diffs:
                details.append(f"{name:13} {path.stem[:2]} cell {number:2}  "
                               + _first_difference(a, b))
            if diffs and name not in CONTROLS:
                failed = True
        table.append((name, about, row))
    print("\nDiffering cells per notebook (run time in s), printed text against the committed "
          "outputs:")
    print(f"{'processor':13} " + " ".join(f"{p.stem[:2]:>9}" for p in paths) + "   stands for")
    for name, about, row in table:
        cells = " ".join(f"{n:>3} ({s:3.0f})" for n, s in row)
        print(f"{name:13} {cells}   {about}")
    if details:
        print("\nDifferences:")
        print("\n".join(details))
    verdict = "FAILED: printed text depends on the processor" if failed else \
        "OK: the same printed text under every emulated processor"
    print(f"\n{verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
