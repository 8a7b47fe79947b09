"""What the processor rule (xorhelpers/portable.py) costs: each notebook executed from a fresh
kernel with the rule and without it, alternately, in child processes started by this one.

The rule only takes effect at process start (NumPy and oneDNN read it when they load), so each
run is a new process; the pairs alternate (with, without, with, ...) so that a machine whose
speed drifts biases neither side. Printed per notebook: the median wall time and the median
CPU time (user + system of the kernel and everything it started) of each side, and their
ratio with/without; a last row sums the medians. CPU time is the steadier figure on a machine
that is doing other work; quote the ratio, not the seconds.

Run: python benchmarks/rule_cost.py [--repeats 3] [notebooks ...]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "xorhelpers"))
import portable  # noqa: E402 -- the rule's one home, read without importing the package

# Without the rule: this machine's own kernels (NumPy's AVX2/AVX-512 loops, oneDNN's custom
# operations at the processor's full instruction set). "" removes nothing: NumPy and oneDNN
# treat an empty value as "no restriction", and xorhelpers' setdefault leaves it in place.
WITHOUT = {"NPY_DISABLE_CPU_FEATURES": "", "TF_ENABLE_ONEDNN_OPTS": "1",
           "ONEDNN_MAX_CPU_ISA": "ALL"}

CHILD = """
import sys
import nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=600, kernel_name="python3",
               resources={"metadata": {"path": sys.argv[2]}}).execute()
"""


def run_once(path: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one execution of the notebook in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", CHILD, str(path), str(path.parent)], env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def environments() -> tuple[dict[str, str], dict[str, str]]:
    base = dict(os.environ, PYTHONHASHSEED="0",
                PYTHONPATH=str(ROOT))
    for name in (*portable.RULE, *WITHOUT):
        base.pop(name, None)
    return dict(base, **portable.rule()), dict(base, **WITHOUT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3,
                        help="pairs of runs per notebook (default 3)")
    parser.add_argument("notebooks", nargs="*", help="default: every notebook")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    paths = ([Path(p).resolve() for p in args.notebooks] if args.notebooks
             else sorted((ROOT / "notebooks").glob("*.ipynb")))
    with_rule, without = environments()
    print(f"rule: {portable.rule()}; {args.repeats} alternating pairs per notebook")
    print(f"{'notebook':34} {'wall with':>9} {'without':>8} {'ratio':>6}   "
          f"{'cpu with':>8} {'without':>8} {'ratio':>6}")
    totals = [0.0, 0.0, 0.0, 0.0]
    for path in paths:
        run_once(path, with_rule)  # warm-up: caches (numba, fonts) filled before timing
        runs = {"with": [], "without": []}
        for _ in range(args.repeats):
            runs["with"].append(run_once(path, with_rule))
            runs["without"].append(run_once(path, without))
        med = [statistics.median(r[i] for r in runs[side])
               for side in ("with", "without") for i in (0, 1)]
        wall_w, cpu_w, wall_o, cpu_o = med
        totals = [t + m for t, m in zip(totals, (wall_w, wall_o, cpu_w, cpu_o), strict=True)]
        print(f"{path.name:34} {wall_w:8.1f}s {wall_o:7.1f}s {wall_w / wall_o:6.2f}   "
              f"{cpu_w:7.1f}s {cpu_o:7.1f}s {cpu_w / cpu_o:6.2f}", flush=True)
    print(f"{'all':34} {totals[0]:8.1f}s {totals[1]:7.1f}s {totals[0] / totals[1]:6.2f}   "
          f"{totals[2]:7.1f}s {totals[3]:7.1f}s {totals[2] / totals[3]:6.2f}")
    print(f"rule_cost_wall_ratio={totals[0] / totals[1]:.2f} "
          f"rule_cost_cpu_ratio={totals[2] / totals[3]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
