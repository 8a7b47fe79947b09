"""pyproject.toml and environment.yml list the same dependencies with the same bounds."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _norm(spec: str) -> tuple[str, str]:
    m = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", spec)
    assert m, spec
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = data["dependencies"] + data["optional-dependencies"]["test"]
    return dict(_norm(s) for s in specs)


def _environment() -> dict[str, str]:
    deps = {}
    in_deps = False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        m = re.fullmatch(r"  - ([^:]+)", line)
        if in_deps and m and m.group(1).strip() not in ("pip",):
            name, bound = _norm(m.group(1))
            deps[name] = bound
    return deps


def test_environment_matches_pyproject():
    env = _environment()
    python_bound = env.pop("python")
    assert python_bound == ">=3.10"
    assert env == _pyproject()


def test_pyproject_requires_the_stack():
    deps = _pyproject()
    assert deps["tensorflow"] == ">=2.16" and deps["ipywidgets"] == ">=8"
    assert deps["jupyterlab"] == ">=4"
    assert {"pytest", "nbval", "ruff", "numpy", "matplotlib"} <= set(deps)


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 dev.py test" in readme
    lines = [ln.strip() for ln in ci.splitlines()
             if ln.strip() and not ln.startswith(("#", "set ", "cd "))]
    # the one step before it: install Chromium for the browser tests when it is missing
    if lines and lines[0].startswith("if ") and "chromium" in lines[0]:
        block = lines[1:lines.index("fi")]
        assert all(ln.startswith(("apt-get ", "DEBIAN_FRONTEND=noninteractive apt-get "))
                   for ln in block), block
        lines = lines[len(block) + 2:]
    assert lines == ["python3 dev.py test"]


def test_nbval_config_at_root():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "--nbval-sanitize-with=nbval_sanitize.cfg" in cfg["addopts"]
    assert "--nbval-lax" not in cfg["addopts"]
    assert "skip_compare" in (ROOT / "conftest.py").read_text()


def test_ruff_is_clean():
    """ruff over the package, tests, benchmarks and notebooks."""
    paths = [p for p in ("xorhelpers", "tests", "benchmarks", "notebooks", "dev.py",
                         "conftest.py") if (ROOT / p).exists()]
    assert {"xorhelpers", "tests", "notebooks"} <= set(paths)
    out = subprocess.run([sys.executable, "-m", "ruff", "check", *paths],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
