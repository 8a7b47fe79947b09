#!/usr/bin/env python3
"""One entry point for the collection: set up, open, test, re-execute.

    python3 dev.py lab        set up .venv (first time only) and open JupyterLab on notebooks/
    python3 dev.py test       set up .venv and run the whole test suite (what CI runs)
    python3 dev.py execute    re-execute every notebook in place from a fresh kernel
    python3 dev.py execute notebooks/02_smallest_solution.ipynb   ... or only some

Needs nothing but Python >= 3.10 with pip and venv. The virtual environment lives in
.venv/ inside the repository and is re-installed whenever pyproject.toml changes.
Extra arguments after `lab` or `test` are passed on to JupyterLab or pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".xorhelpers-installed"
# JupyterLab's application settings for this collection: overrides.json changes defaults only
# (no prompt about Jupyter news); a learner's own settings still apply and win.
LAB_SETTINGS = ROOT / "jupyter" / "settings"


def _run(cmd: list[str | Path], **kwargs) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], **kwargs)


def setup() -> None:
    """Create .venv and install the package with its test extra, if not done already."""
    if sys.version_info < (3, 10):  # noqa: UP036 (dev.py may be started by an older python)
        sys.exit(f"Python >= 3.10 is needed, this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    print("Installing xorhelpers and its dependencies (a few minutes the first time) ...")
    pip = [PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    if _run([*pip, "--upgrade", "pip"]) or _run([*pip, "-e", f"{ROOT}[test]"], cwd=ROOT):
        sys.exit("Installation failed; see the pip output above.")
    STAMP.write_text(wanted)


def _env() -> dict[str, str]:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONHASHSEED="0")
    env.pop("PYTHONPATH", None)
    return env


def lab_options(root_dir: Path) -> list[str]:
    """JupyterLab's options for `dev.py lab`; the browser tests start JupyterLab with them too."""
    options = [f"--ServerApp.root_dir={root_dir}", f"--LabApp.app_settings_dir={LAB_SETTINGS}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # e.g. in a container: Jupyter refuses root
        options.insert(0, "--allow-root")
    return options


def lab(args: list[str]) -> int:
    setup()
    return _run([PYTHON, "-m", "jupyterlab", *lab_options(ROOT / "notebooks"), *args], env=_env())


def test(args: list[str]) -> int:
    setup()
    return _run([PYTHON, "-m", "pytest", "--nbval", "--durations=12", *args], cwd=ROOT, env=_env())


def execute(args: list[str]) -> int:
    """Re-execute notebooks in place from a fresh kernel and print each one's wall time."""
    setup()
    paths = args or sorted(str(p) for p in (ROOT / "notebooks").glob("*.ipynb"))
    code = (
        "import sys, time, nbformat\n"
        "from nbclient import NotebookClient\n"
        "from pathlib import Path\n"
        "total = 0.0\n"
        "for p in sys.argv[1:]:\n"
        "    p = Path(p).resolve()\n"
        "    nb = nbformat.read(p, as_version=4)\n"
        "    t0 = time.perf_counter()\n"
        "    NotebookClient(nb, timeout=600, kernel_name='python3',\n"
        "                   resources={'metadata': {'path': str(p.parent)}}).execute()\n"
        "    dt = time.perf_counter() - t0\n"
        "    total += dt\n"
        "    nbformat.write(nb, p)\n"
        "    print(f'{dt:7.1f} s  {p.name}', flush=True)\n"
        "print(f'{total:7.1f} s  total', flush=True)\n"
    )
    return _run([PYTHON, "-c", code, *paths], cwd=ROOT, env=_env())


COMMANDS = {"lab": lab, "test": test, "execute": execute}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    t0 = time.perf_counter()
    rc = COMMANDS[sys.argv[1]](sys.argv[2:])
    print(f"dev.py {sys.argv[1]}: exit {rc} after {time.perf_counter() - t0:.0f} s", flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
