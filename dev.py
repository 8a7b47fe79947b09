#!/usr/bin/env python3
"""One entry point for the collection: set up, open, test, re-execute.

    python3 dev.py lab        set up .venv (first time only) and open JupyterLab on notebooks/
    python3 dev.py test       set up .venv and run the whole test suite (what CI runs)
    python3 dev.py execute    re-execute every notebook in place from a fresh kernel
    python3 dev.py execute notebooks/02_smallest_solution.ipynb   ... or only some
    python3 dev.py slides     re-derive every notebook's lecture path (cell slide metadata)
    python3 dev.py book       build the collection as a static site in build/book/ from the
                              committed outputs (no re-execution); open build/book/index.html
    python3 dev.py lock       refresh constraints.txt from the newest releases, re-execute
                              the notebooks with them and run the whole test suite

    python3 dev.py test --portability       re-execute every notebook as other processors would
                                            (oneDNN capped lower, numba code for other processors)
                                            and compare the printed text with the committed one;
                                            names after it pick processors
                                            (tests/portability.py lists them)

    python3 dev.py test --versions oldest   the unit tests, and every notebook run with its
    python3 dev.py test --versions newest   claims checked but its printed output not compared,
                                            against the lowest versions pyproject.toml allows
                                            or the newest ones available

Needs nothing but Python >= 3.10 with pip and venv. The virtual environment lives in
.venv/ inside the repository and holds exactly the versions in constraints.txt (the ones the
committed notebook outputs were made with); it is re-installed whenever pyproject.toml or
constraints.txt changes. `--versions oldest|newest` use .venv-oldest/ and .venv-newest/.
Extra arguments after `lab` or `test` are passed on to JupyterLab or pytest.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import platform
import re
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
LOCK = ROOT / "constraints.txt"
VERSIONS = ("locked", "oldest", "newest")
VENV = ROOT / ".venv"


def venv_dir(versions: str = "locked") -> Path:
    """The virtual environment for one set of versions: .venv, .venv-oldest or .venv-newest."""
    return VENV if versions == "locked" else ROOT / f".venv-{versions}"


def python_of(versions: str = "locked") -> Path:
    bin_dir = venv_dir(versions) / ("Scripts" if os.name == "nt" else "bin")
    return bin_dir / ("python.exe" if os.name == "nt" else "python")


PYTHON = python_of()
# JupyterLab's application settings for this collection: overrides.json changes defaults only
# (no prompt about Jupyter news); a learner's own settings still apply and win.
LAB_SETTINGS = ROOT / "jupyter" / "settings"


def _run(cmd: list[str | Path], **kwargs) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], **kwargs)


def _requirements() -> list[str]:
    """The direct dependencies and the test extra, as written in pyproject.toml."""
    text = (ROOT / "pyproject.toml").read_text()
    specs = []
    for key in ("dependencies", "test"):
        block = re.search(rf"^{key} = \[(.*?)^\]", text, re.S | re.M)
        specs += re.findall(r'"([^"]+)"', block.group(1))
    return specs


def oldest_constraints() -> str:
    """Pins every direct dependency to the lower bound pyproject.toml gives it."""
    lines = []
    for spec in _requirements():
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)>=([0-9][0-9.]*)", spec.replace(" ", ""))
        if not m:
            sys.exit(f"pyproject.toml: {spec!r} has no plain lower bound (name>=X.Y.Z)")
        lines.append(f"{m.group(1)}=={m.group(2)}")
    return "\n".join(lines) + "\n"


def _lock_python() -> str | None:
    m = re.search(r"^# python (\d+\.\d+)", LOCK.read_text(), re.M) if LOCK.exists() else None
    return m.group(1) if m else None


def setup(versions: str = "locked") -> Path:
    """Create the environment for `versions` and install the package with its test extra,
    if not done already; return its Python. `locked` installs exactly constraints.txt,
    `oldest` the lower bounds of pyproject.toml, `newest` the newest releases available."""
    if sys.version_info < (3, 10):  # noqa: UP036 (dev.py may be started by an older python)
        sys.exit(f"Python >= 3.10 is needed, this is {sys.version.split()[0]}")
    venv_path, python = venv_dir(versions), python_of(versions)
    stamp = venv_path / ".xorhelpers-installed"
    if not python.exists():
        print(f"Creating the virtual environment in {venv_path} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(venv_path)
    pip = [python, "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    constraints, upgrade = None, []
    if versions == "locked" and LOCK.exists():
        constraints = LOCK
    elif versions == "oldest":
        constraints = venv_path / "constraints-oldest.txt"
        constraints.write_text(oldest_constraints())
    elif versions == "newest":
        upgrade = ["--upgrade", "--upgrade-strategy", "eager"]
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + versions.encode()
                            + (constraints.read_bytes() if constraints else b"")).hexdigest()
    if versions != "newest" and stamp.exists() and stamp.read_text().strip() == wanted:
        return python
    print(f"Installing xorhelpers and its dependencies ({versions} versions; a few minutes the "
          "first time) ...", flush=True)
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if constraints == LOCK and _lock_python() not in (None, here):
        print(f"Note: constraints.txt was made with Python {_lock_python()}, this is {here}; "
              "if installing it fails, try `python3 dev.py test --versions newest`.")
    pinned = ["-c", constraints] if constraints else upgrade
    if _run([*pip, "--upgrade", "pip"]) or _run([*pip, *pinned, "-e", f"{ROOT}[test]"], cwd=ROOT):
        sys.exit("Installation failed; see the pip output above.")
    stamp.write_text(wanted)
    return python


def _load_portable():
    """xorhelpers/portable.py (standard library only), loaded without importing the package."""
    spec = importlib.util.spec_from_file_location("_xor_portable", ROOT / "xorhelpers" /
                                                  "portable.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _env(versions: str = "locked") -> dict[str, str]:
    # PYTHONPATH names this checkout, so the tests and kernels always import the xorhelpers
    # beside this dev.py (also in a second worktree that shares the same .venv).
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=str(ROOT))
    if versions != "locked":  # numba's compiled code kept apart from the locked numba's
        env.setdefault("NUMBA_CACHE_DIR", str(venv_dir(versions) / "numba-cache"))
    # The same NumPy and TensorFlow kernels on every processor: the rule of
    # xorhelpers/portable.py, read from that file so that it has one home. Its NumPy part
    # names NumPy >= 2.4's feature groups, so the oldest check (NumPy 1.26) goes without it.
    for name, value in _load_portable().RULE.items():
        if not (versions == "oldest" and name.startswith("NPY_")):  # oneDNN/TF parts always
            env.setdefault(name, value)
    return env


def lab_options(root_dir: Path) -> list[str]:
    """JupyterLab's options for `dev.py lab`; the browser tests start JupyterLab with them too."""
    options = [f"--ServerApp.root_dir={root_dir}", f"--LabApp.app_settings_dir={LAB_SETTINGS}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # e.g. in a container: Jupyter refuses root
        options.insert(0, "--allow-root")
    return options


def lab(args: list[str], versions: str = "locked") -> int:
    python = setup(versions)
    return _run([python, "-m", "jupyterlab", *lab_options(ROOT / "notebooks"), *args],
                env=_env(versions))


def test(args: list[str], versions: str = "locked") -> int:
    """The whole suite. With the locked versions notebooks are compared strictly (nbval);
    with the oldest or newest versions their printed output is not compared (nbval's lax
    mode), but every cell must run and every claim still raises when it does not hold."""
    python = setup(versions)
    if "--portability" in args:
        if versions != "locked":
            sys.exit("--portability compares with the committed outputs: locked versions only")
        rest = [a for a in args if a != "--portability"]
        return _run([python, ROOT / "tests" / "portability.py", *rest], cwd=ROOT, env=_env())
    env = _env(versions)
    if versions == "locked":
        mode = ["--nbval"]
    else:
        # These runs exist to catch what the next release removes: show DeprecationWarnings
        # (pyproject's filter hides them in the locked runs), in pytest and in every kernel.
        mode = ["--nbval-lax", "-m", "not browser", "-W", "default::DeprecationWarning"]
        env["PYTHONWARNINGS"] = "default::DeprecationWarning"
    return _run([python, "-m", "pytest", *mode, "--durations=12", *args], cwd=ROOT, env=env)


def execute(args: list[str], versions: str = "locked") -> int:
    """Re-execute notebooks in place from a fresh kernel and print each one's wall time."""
    if versions != "locked":
        sys.exit("execute writes the committed outputs: it runs with the locked versions only")
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


def slides(args: list[str], versions: str = "locked") -> int:
    """Write each notebook's lecture path (slide / subslide / fragment / skip) into its cell
    metadata, derived from its headings, optional sections, checks and solutions."""
    if versions != "locked":
        sys.exit("slides takes no --versions")
    setup()
    paths = args or sorted(str(p) for p in (ROOT / "notebooks").glob("*.ipynb"))
    return _run([PYTHON, "-m", "xorhelpers.slides", *paths], cwd=ROOT, env=_env())


def book(args: list[str], versions: str = "locked") -> int:
    """Build the static site of the collection from the committed notebooks into build/book/
    (or the folder given): every asset from installed packages, nothing fetched at run time."""
    if versions != "locked":
        sys.exit("book takes no --versions")
    setup()
    out = args[0] if args else str(ROOT / "build" / "book")
    return _run([PYTHON, "-m", "xorhelpers.book", str(ROOT), out], cwd=ROOT, env=_env())


def write_lock(python: Path) -> int:
    """Write constraints.txt: every package installed in `python`'s environment, pinned."""
    frozen = subprocess.run([python, "-m", "pip", "freeze", "--exclude-editable",
                             "--disable-pip-version-check"],
                            capture_output=True, text=True, check=True).stdout
    pins = sorted((ln for ln in frozen.splitlines() if re.fullmatch(r"[A-Za-z0-9_.\-]+==\S+", ln)),
                  key=str.lower)
    LOCK.write_text(
        "# The exact versions of every package (direct and transitive) that the committed\n"
        "# notebook outputs were made with; dev.py installs them with `pip install -c`.\n"
        f"# python {sys.version_info[0]}.{sys.version_info[1]} on "
        f"{platform.system()} {platform.machine()}, {time.strftime('%Y-%m-%d')}\n"
        "# Refresh with: python3 dev.py lock\n" + "\n".join(pins) + "\n")
    print(f"Wrote {LOCK.name} ({len(pins)} packages)", flush=True)
    return len(pins)


def lock(args: list[str], versions: str = "locked") -> int:
    """Write constraints.txt from the newest releases, then re-execute every notebook with
    them and run the whole test suite (arguments go to pytest)."""
    if versions != "locked":
        sys.exit("lock takes no --versions")
    write_lock(setup("newest"))
    return execute([]) or test(args)


COMMANDS = {"lab": lab, "test": test, "execute": execute, "slides": slides, "book": book,
            "lock": lock}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    args, versions = sys.argv[2:], "locked"
    if "--versions" in args:  # anywhere among the arguments
        at = args.index("--versions")
        if at + 1 >= len(args) or args[at + 1] not in VERSIONS:
            print(f"--versions takes one of {', '.join(VERSIONS)}")
            return 2
        versions, args = args[at + 1], args[:at] + args[at + 2:]
    t0 = time.perf_counter()
    rc = COMMANDS[sys.argv[1]](args, versions)
    print(f"dev.py {sys.argv[1]}: exit {rc} after {time.perf_counter() - t0:.0f} s", flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
