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


def _environment() -> tuple[str, list[str], dict[str, str]]:
    """environment.yml as (conda's python pin, pip's option lines, pip's requirements)."""
    python, options, deps, in_pip = None, [], {}, False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if m := re.fullmatch(r"  - python=(\S+)", line):
            python = m.group(1)
        elif line.strip() == "- pip:":
            in_pip = True
        elif in_pip and (m := re.fullmatch(r"      - (.+)", line)):
            item = m.group(1).strip()
            if item.startswith("-"):
                options.append(item)
            else:
                name, bound = _norm(item)
                deps[name] = bound
    return python, options, deps


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def _lock_python() -> str:
    m = re.search(r"^# python (\d+\.\d+) ", (ROOT / "constraints.txt").read_text(), re.M)
    assert m, "constraints.txt names the Python it was made with"
    return m.group(1)


def test_environment_matches_pyproject():
    python, options, deps = _environment()
    assert deps == _pyproject()
    assert options == ["-c constraints.txt", "-e ."]
    assert python == _lock_python()


def test_lock_pins_every_dependency_within_its_bounds():
    from packaging.specifiers import SpecifierSet

    pins = _lock()
    for name, bound in _pyproject().items():
        assert name in pins, f"constraints.txt does not pin {name}"
        assert pins[name] in SpecifierSet(bound), f"{name}=={pins[name]} is outside {bound}"
    assert "xorhelpers" not in pins


def test_readme_names_the_locked_versions():
    readme = (ROOT / "README.md").read_text()
    pins = _lock()
    for name in ("tensorflow", "keras", "numpy", "matplotlib", "ipywidgets", "jupyterlab"):
        assert f"{name} {pins[name]}" in readme, f"README does not name {name} {pins[name]}"
    assert f"Python {_lock_python()}" in readme


def test_oldest_pins_the_lower_bounds():
    sys.path.insert(0, str(ROOT))
    try:
        import dev
    finally:
        sys.path.remove(str(ROOT))
    pins = dict(ln.split("==") for ln in dev.oldest_constraints().split())
    assert pins == {name: bound.removeprefix(">=") for name, bound in _pyproject().items()}


def test_pyproject_requires_the_stack():
    deps = _pyproject()
    assert deps["tensorflow"] == ">=2.16.1" and deps["ipywidgets"] == ">=8"
    assert deps["jupyterlab"] == ">=4.1"
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
    assert lines == ["python3 dev.py test", "python3 dev.py test --versions oldest",
                     "python3 dev.py test --versions newest"]


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


def test_environment_carries_the_portability_rule():
    """conda sets the same variables as xorhelpers/portable.py when the environment is active."""
    from xorhelpers import portable

    text = (ROOT / "environment.yml").read_text()
    block = re.search(r"^variables:\n((?:  \S.*\n)+)", text, re.M)
    assert block, "environment.yml has a variables: block"
    found = dict(re.findall(r'  (\w+): "([^"]*)"', block.group(1)))
    assert found == portable.RULE


def test_the_package_docstring_maps_every_module():
    """The module map in xorhelpers/__init__.py names every module and subpackage, and only
    those that exist."""
    import re

    import xorhelpers

    doc = xorhelpers.__doc__
    pkg = ROOT / "xorhelpers"
    named = set(re.findall(r"``([A-Za-z_][\w.]*)/?``", doc))
    missing = []
    for path in sorted(pkg.rglob("*.py")):
        rel = path.relative_to(pkg).with_suffix("")
        parts = rel.parts
        if parts[-1] in ("__init__", "__main__") or parts[0] in ("book", "exercises", "explorer",
                                                                   "sweep"):
            continue  # subpackages named as a whole
        dotted = ".".join(parts)
        if dotted not in named and parts[-1] not in named and not (
                len(parts) > 1 and parts[0] == "parity"):
            missing.append(dotted)
    assert missing == [], f"modules missing from the package docstring's map: {missing}"
    for sub in (p.name for p in pkg.iterdir() if (p / "__init__.py").exists()):
        assert f"``{sub}/``" in doc, f"subpackage {sub}/ missing from the map"
