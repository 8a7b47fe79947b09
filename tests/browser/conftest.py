"""Browser tests: one JupyterLab server and one headless Chromium for the whole module.

Without a Chromium the tests are skipped with the install command, except under CI (CI=true),
where a missing browser is a failure. The notebooks under tests/browser/notebooks/ are fixtures
run in the browser, not part of the collection: nbval does not collect them.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest
from labdriver import (
    CHROMIUM_ARGS,
    CHROMIUM_ENV,
    INSTALL_HINT,
    VIEWPORT,
    LabServer,
    PageLog,
    close_notebook,
    find_chromium,
)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "browser" / "screenshots"
collect_ignore = ["notebooks"]  # fixtures for the browser, not notebooks for nbval

_skipped: list[str] = []


def _dev():
    """dev.py as a module, so that the tests start JupyterLab with `dev.py lab`'s options."""
    spec = importlib.util.spec_from_file_location("xor_dev", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture(scope="module")
def chromium() -> str:
    """The Chromium executable; skips (fails under CI) when there is none."""
    try:
        from playwright.sync_api import sync_playwright  # noqa: F401
        found = find_chromium()
    except ImportError:
        reason = "the playwright package is missing; python3 dev.py test installs it"
        found = None
    else:
        reason = (f"no Chromium found (${CHROMIUM_ENV}, chromium or chromium-browser on PATH); "
                  f"install it with: {INSTALL_HINT}")
    if found is None:
        if _under_ci():
            pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
        if reason not in _skipped:
            _skipped.append(reason)
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory) -> LabServer:
    """JupyterLab with `dev.py lab`'s options on a copy of notebooks/ and the test fixtures.

    A copy, so that nothing the browser does (running, saving) touches the committed files.
    """
    home = tmp_path_factory.mktemp("lab")
    root = home / "root"
    shutil.copytree(ROOT / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(ROOT / "tests" / "browser" / "notebooks", root / "fixtures",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    with LabServer(root, home / "jupyter", _dev().lab_options(root)) as server:
        yield server


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chrome = p.chromium.launch(executable_path=chromium, headless=True,
                                   args=list(CHROMIUM_ARGS))
        yield chrome
        chrome.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_failed = report.failed
    return report


@pytest.fixture(scope="module")
def browser_context(browser):
    """One profile for all tabs, so that JupyterLab's code is cached after the first load."""
    context = browser.new_context(viewport=VIEWPORT)
    yield context
    context.close()


class _Tab:
    """One JupyterLab tab shared by the tests, replaced when a test leaves it in disorder."""

    def __init__(self, context):
        self.context, self.page = context, None

    def get(self):
        if self.page is None or self.page.is_closed():
            self.page = self.context.new_page()
            self.page.set_default_timeout(30_000)
        return self.page

    def discard(self):
        if self.page is not None and not self.page.is_closed():
            self.page.close(run_before_unload=False)
        self.page = None


@pytest.fixture(scope="module")
def tab(browser_context):
    holder = _Tab(browser_context)
    yield holder
    holder.discard()


@pytest.fixture
def page(tab, lab, request, screenshots):
    """The JupyterLab tab; the notebook a test opened is closed (and its kernel shut down)
    afterwards, so that JupyterLab is not loaded again for the next notebook.

    When the test fails, the tab as it was is saved as screenshots/FAILED-<test>.png and a new
    tab replaces it.
    """
    page = tab.get()
    yield page
    failed = getattr(request.node, "browser_failed", False)
    if failed:
        name = "".join(c if c.isalnum() or c in "._-" else "_" for c in request.node.name)
        page.screenshot(path=str(screenshots / f"FAILED-{name}.png"))
    if failed or not page.locator(".jp-NotebookPanel").count() or not close_notebook(page):
        tab.discard()
    lab.shut_down_kernels(wait=False)


@pytest.fixture
def console(page) -> PageLog:
    """The console and page errors the test's tab shows while the test runs."""
    log = PageLog().attach(page)
    yield log
    log.detach(page)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def pytest_terminal_summary(terminalreporter):
    for reason in _skipped:
        terminalreporter.write_line(f"browser tests skipped: {reason}", yellow=True)
