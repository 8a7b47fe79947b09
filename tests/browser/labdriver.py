"""Drive a real JupyterLab in headless Chromium the way a learner uses it (browser tests).

``LabServer`` starts JupyterLab from this environment on a free loopback port with a random
token and throw-away settings and workspace folders; ``open_notebook`` and
``restart_and_run_all`` open a notebook and run Run > Restart Kernel and Run All Cells until the
kernel is idle, returning what the page shows; ``saved_problems`` and ``page_problems`` list
everything a learner would see go wrong; ``round_trip`` changes widgets through the page and
checks that the kernel answers.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

CHROMIUM_ENV = "XOR_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser")
INSTALL_HINT = "apt-get install -y chromium"
# Headless Chromium as root on a machine without internet: no sandbox (root), no GPU, and no
# background requests (they would be refused and show up as console errors).
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync")
VIEWPORT = {"width": 1280, "height": 900}
RUN_TIMEOUT_S = 600.0  # one notebook's Restart & Run All; a notebook takes <= 60 s unloaded
MAX_SCREENSHOT_HEIGHT = 16000  # pixels; a taller notebook is cut at the bottom
# Test-only settings (the learner's defaults otherwise): every cell stays in the page so that
# every output can be inspected, and nothing is autosaved over the copy being run.
TEST_USER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook in front
FIGURE_REPR = re.compile(r"<Figure size \d+x\d+ with \d+ Axes>")
NEWS_PROMPT = "notified about official Jupyter news"
# JupyterLab's debugger sidebar logs this when the kernel it was asking restarts under it (the
# restart is the one this test asks for); it says nothing about the notebook.
KNOWN_CONSOLE_ERRORS = ("Could not restore the debugger state",)


def find_chromium(environ: dict[str, str] | None = None) -> str | None:
    """The Chromium to drive: $XOR_CHROMIUM (a path or a command name), else chromium on PATH.

    Returns the executable's path, or None when there is none. A set $XOR_CHROMIUM that names
    no executable raises FileNotFoundError (it is a mistake, not a missing browser).
    """
    environ = os.environ if environ is None else environ
    path = environ.get("PATH")
    wanted = environ.get(CHROMIUM_ENV, "").strip()
    if wanted:
        found = shutil.which(wanted, path=path)
        if not found:
            raise FileNotFoundError(f"${CHROMIUM_ENV}={wanted!r} is not an executable")
        return found
    for name in CHROMIUM_NAMES:
        found = shutil.which(name, path=path)
        if found:
            return found
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """JupyterLab from this Python, with settings of its own under ``home``.

    ``options`` are JupyterLab options (those of ``dev.py lab``: they name ``root_dir``, the
    folder it serves, whose path the tests need too); the server listens on a free
    loopback port with a random token. Use as a context manager: it waits until the server
    answers, and on exit shuts down its kernels and the server.
    """

    def __init__(self, root_dir: Path, home: Path, options: list[str]):
        self.root_dir, self.home = Path(root_dir), Path(home)
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.options = options
        self.log_path = self.home / "jupyterlab.log"
        self.process: subprocess.Popen | None = None
        self._shutdowns: list[threading.Thread] = []

    def environment(self) -> dict[str, str]:
        dirs = {name: self.home / name for name in
                ("user-settings", "workspaces", "config", "data", "runtime", "ipython")}
        for d in dirs.values():
            d.mkdir(parents=True, exist_ok=True)
        for rel, values in TEST_USER_SETTINGS.items():
            target = dirs["user-settings"] / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values))
        return dict(os.environ,
                    JUPYTERLAB_SETTINGS_DIR=str(dirs["user-settings"]),
                    JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
                    JUPYTER_CONFIG_DIR=str(dirs["config"]),
                    JUPYTER_DATA_DIR=str(dirs["data"]),
                    JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
                    IPYTHONDIR=str(dirs["ipython"]))

    def command(self) -> list[str]:
        return [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                f"--ServerApp.token={self.token}", *self.options]

    def __enter__(self) -> LabServer:
        self.home.mkdir(parents=True, exist_ok=True)
        env = self.environment()
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(self.command(), env=env, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            self._wait_until_up(timeout=120.0)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.process.returncode}:\n"
                                   + self.log_path.read_text(errors="replace")[-3000:])
            try:
                self.api("GET", "/api/status")
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.3)
        raise TimeoutError(f"JupyterLab did not answer within {timeout:.0f} s; see "
                           f"{self.log_path}")

    def api(self, method: str, path: str, body: dict | None = None):
        """Call the server's REST API; returns the decoded JSON answer (None when empty)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read()
        return json.loads(text) if text else None

    def shut_down_kernels(self, wait: bool = True) -> None:
        """End every session and kernel there is now (between notebooks, so that none keeps
        running). With ``wait=False`` the shutdown goes on while the next notebook opens."""
        paths = [f"/api/sessions/{s['id']}" for s in self.api("GET", "/api/sessions")]
        paths += [f"/api/kernels/{k['id']}" for k in self.api("GET", "/api/kernels")]

        def delete_all():
            for path in paths:
                try:
                    self.api("DELETE", path)
                except urllib.error.HTTPError as exc:
                    if exc.code != 404:  # a session's kernel goes with its session
                        raise

        if wait:
            delete_all()
        else:
            thread = threading.Thread(target=delete_all, daemon=True)
            thread.start()
            self._shutdowns.append(thread)

    def notebook_url(self, rel_path: str) -> str:
        # ?reset: a fresh workspace, so that only this notebook opens
        return f"{self.url}/lab/tree/{rel_path}?reset&token={self.token}"

    def __exit__(self, *exc) -> None:
        for thread in self._shutdowns:
            thread.join(timeout=60)
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.shut_down_kernels()
        except (OSError, urllib.error.URLError):
            pass
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


# --- what a notebook's page shows --------------------------------------------------------------

@dataclass
class PageLog:
    """Console errors and uncaught page errors seen since ``attach``."""

    errors: list[str] = field(default_factory=list)

    def attach(self, page) -> PageLog:
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        return self

    def detach(self, page) -> None:
        page.remove_listener("console", self._on_console)
        page.remove_listener("pageerror", self._on_page_error)

    def _on_page_error(self, exc) -> None:
        self.errors.append(f"page error: {exc}")

    def _on_console(self, message) -> None:
        if message.type == "error" and not message.text.startswith(KNOWN_CONSOLE_ERRORS):
            self.errors.append(f"console error: {message.text[:500]}")


# Runs in the page: a summary of every cell, output, image, widget view and overlay.
_PAGE_STATE_JS = """notebook => {
  const text = el => (el ? el.textContent : '');
  const nb = document.querySelector(notebook) || document.createElement('div');
  const cells = Array.from(nb.querySelectorAll('.jp-Notebook .jp-Cell'));
  const prompts = cells.filter(c => c.classList.contains('jp-CodeCell'))
                       .map(c => text(c.querySelector('.jp-InputArea-prompt')).trim());
  const images = Array.from(nb.querySelectorAll('.jp-OutputArea-output img'));
  const widgetOutputs = Array.from(nb.querySelectorAll(
      '.jp-OutputArea-output')).filter(o => !o.closest('.jupyter-widgets')
      && (o.querySelector('.jupyter-widgets') || o.classList.contains('jupyter-widgets')
          || /Loading widget|Error displaying widget/.test(o.textContent)));
  return {
    status: (nb.querySelector('.jp-Notebook-ExecutionIndicator') || {getAttribute: () => ''})
              .getAttribute('data-status'),
    prompts,
    // an image inside a hidden widget (display: none on it or an ancestor) is not on the page
    // a learner sees, so only shown ones count
    images: images.filter(img => img.offsetParent !== null)
                  .map(img => ({loaded: img.complete && img.naturalWidth > 0,
                                top: !img.closest('.jupyter-widgets')})),
    widgets: widgetOutputs.map(o => ({
      text: o.textContent.slice(0, 200),
      error: !!o.querySelector('.jupyter-widgets-error-widget')
             || /Error displaying widget/.test(o.textContent),
      loading: /Loading widget/.test(o.textContent),
      rendered: !!o.querySelector('.jupyter-widgets:not(.jupyter-widgets-error-widget)')})),
    // TeX errors: MathJax's merror box, or an undefined macro printed in red
    mathErrors: Array.from(nb.querySelectorAll(
                  '.jp-MarkdownOutput mjx-merror, .jp-MarkdownOutput mtext[mathcolor="red"]'))
                  .map(e => e.getAttribute('data-mjx-error') || e.textContent.slice(0, 100)),
    toasts: Array.from(document.querySelectorAll('.Toastify__toast')).map(text),
    dialogs: Array.from(document.querySelectorAll('.jp-Dialog')).map(d => text(d).slice(0, 200)),
    dirty: !!document.querySelector('.jp-mod-current.jp-mod-dirty, .lm-TabBar-tab.jp-mod-dirty'),
  };
}"""


def page_state(page) -> dict:
    """What the notebook page shows right now (see _PAGE_STATE_JS for the fields)."""
    return page.evaluate(_PAGE_STATE_JS, NOTEBOOK)


def _running(state: dict) -> bool:
    return state["status"] != "idle" or any("*" in p for p in state["prompts"])


def _wait_for(page, predicate, timeout: float, what: str, interval: float = 0.5) -> dict:
    """Poll page_state until ``predicate(state)`` holds; returns that state."""
    deadline = time.monotonic() + timeout
    while True:
        state = page_state(page)
        if predicate(state):
            return state
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} within {timeout:.0f} s; last seen: "
                               f"kernel {state['status']!r}, prompts {state['prompts'][-5:]}")
        page.wait_for_timeout(interval * 1000)


def _menu(page, menu: str, item: str) -> None:
    """Click a menu of the menu bar, then one of its items (matched by the start of its name)."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{menu}$")).click()
    page.get_by_role("menuitem", name=re.compile(rf"^{re.escape(item)}")).click()


def open_notebook(page, server: LabServer, rel_path: str, reload: bool = False) -> None:
    """Open a notebook in JupyterLab and wait until its kernel is idle.

    A tab that shows JupyterLab already opens it with File > Open from Path (no page load);
    any other tab, or ``reload=True``, loads JupyterLab on it with a fresh workspace.
    """
    if reload or not page.url.startswith(f"{server.url}/lab"):
        page.goto(server.notebook_url(rel_path))
    else:
        _menu(page, "File", "Open from Path")
        page.locator(".jp-Dialog input").fill(rel_path)
        page.locator(".jp-Dialog .jp-mod-accept").click()
    page.wait_for_selector(f"{NOTEBOOK} .jp-Notebook .jp-Cell", timeout=120_000)
    # idle with a kernel: before the kernel exists the indicator says idle and "No Kernel"
    deadline = time.monotonic() + 120.0
    while True:
        seen = page.evaluate("""nb => {
          const text = sel => (document.querySelector(sel) || {textContent: ''}).textContent;
          const status = document.querySelector(`${nb} .jp-Notebook-ExecutionIndicator`);
          return {kernel: text(`${nb} .jp-Toolbar-kernelName`).trim(),
                  status: status ? status.getAttribute('data-status') : '',
                  bar: text('#jp-main-statusbar'), dialog: text('.jp-Dialog')}; }""", NOTEBOOK)
        if seen["dialog"]:
            raise AssertionError(f"opening {rel_path}, JupyterLab asks: {seen['dialog'][:200]}")
        if (seen["kernel"] not in ("", "No Kernel") and seen["status"] == "idle"
                and "| Idle" in seen["bar"]):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the kernel of {rel_path} was not idle within 120 s: {seen}")
        page.wait_for_timeout(300)


def restart_and_run_all(page, timeout: float = RUN_TIMEOUT_S) -> dict:
    """Run > Restart Kernel and Run All Cells, confirm, wait until the kernel is idle again.

    Returns the page state once no cell is queued or running and the kernel has been idle for
    a second.
    """
    _menu(page, "Run", "Restart Kernel and Run All Cells")
    page.locator(".jp-Dialog .jp-mod-accept", has_text="Restart").click()
    # the run has begun once a cell is queued ([*]); a restart clears the old counts first
    _wait_for(page, lambda s: any("*" in p for p in s["prompts"]), 120.0,
              "no cell was queued after Restart Kernel and Run All Cells", interval=0.2)
    _wait_for(page, lambda s: not _running(s), timeout, "the notebook did not finish")
    return settled(page)


def _settled(state: dict) -> bool:
    return (not _running(state) and not any(w["loading"] for w in state["widgets"])
            and all(i["loaded"] for i in state["images"]))


def settled(page, timeout: float = 30.0) -> dict:
    """Wait until the kernel is idle, no cell is queued, and every widget view and image has
    loaded, twice in a row half a second apart; returns that state."""
    deadline = time.monotonic() + timeout
    previous = False
    while True:
        state = page_state(page)
        if _settled(state) and previous:
            return state
        previous = _settled(state)
        if time.monotonic() > deadline:
            raise TimeoutError(f"the page did not settle within {timeout:.0f} s: kernel "
                               f"{state['status']!r}, widget views {state['widgets']}")
        page.wait_for_timeout(500)


def close_notebook(page, discard: bool = False) -> bool:
    """File > Close Tab (the kernel is left to LabServer.shut_down_kernels); returns False when
    JupyterLab did not close it (e.g. it asks about unsaved changes). With discard=True such
    a question is answered Discard."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    _menu(page, "File", "Close Tab")
    if discard:
        try:
            page.locator(".jp-Dialog button", has_text="Discard").click(timeout=3000)
        except PlaywrightTimeout:
            pass  # nothing to discard: the notebook closes without a question
    try:
        page.wait_for_selector(".jp-NotebookPanel", state="detached", timeout=10_000)
    except PlaywrightTimeout:
        return False
    return not page.locator(".jp-Dialog").count()


def save(page, path: Path) -> nbformat.NotebookNode:
    """File > Save (Ctrl+S) and read the saved notebook back: the kernel's outputs as saved."""
    page.locator(f"{NOTEBOOK} .jp-Notebook").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    _wait_for(page, lambda s: not s["dirty"], 30.0, "the notebook was not saved", interval=0.3)
    return nbformat.read(path, as_version=4)


def saved_problems(nb: nbformat.NotebookNode) -> tuple[list[str], dict]:
    """What the saved outputs say went wrong, and what the page must show for them.

    Cells are named as JupyterLab's status bar counts them ("cell 7" of all cells). Returns
    (problems, expected) where expected counts the figures (PNG outputs) and the widget views
    (widget outputs with a model) the page must have rendered.
    """
    problems: list[str] = []
    code = [(k, c) for k, c in enumerate(nb.cells, start=1)
            if c.cell_type == "code" and c.source.strip()]
    counts = [c.execution_count for _, c in code]
    if counts != list(range(1, len(code) + 1)):
        unrun = [k for (k, c), n in zip(code, range(1, len(code) + 1), strict=True)
                 if c.execution_count != n]
        problems.append(f"not every cell ran once, in order, from a fresh kernel: "
                        f"{len(unrun)} of {len(code)} code cells did not, from cell {unrun[0]} "
                        f"on (the last cell has not run)" if code[-1][1].execution_count is None
                        else f"execution counts are not 1..{len(code)}: {counts}")
    figures = widgets = 0
    for k, cell in code:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if out.output_type == "error":
                problems.append(f"cell {k} raised {out.ename}: {out.evalue}"[:300])
            elif out.output_type == "stream" and "Traceback (most recent call last)" in out.text:
                problems.append(f"cell {k} printed a traceback: ..."
                                f"{out.text.split('Traceback')[-1][-300:]}")
            if "image/png" in data:
                figures += 1
            elif FIGURE_REPR.search(str(data.get("text/plain", ""))):
                problems.append(f"cell {k} shows a figure as text, not as an image: "
                                f"{data['text/plain']!r}")
            if data.get(WIDGET_VIEW, {}).get("model_id"):
                widgets += 1
    return problems, {"figures": figures, "widgets": widgets}


def page_problems(state: dict, expected: dict) -> list[str]:
    """Everything the page shows going wrong, given the figures and views it must show."""
    problems = []
    top_images = [i for i in state["images"] if i["top"]]
    if len(top_images) != expected["figures"]:
        problems.append(f"{len(top_images)} figures shown as images, "
                        f"the saved outputs hold {expected['figures']}")
    broken = [i for i in state["images"] if not i["loaded"]]
    if broken:
        problems.append(f"{len(broken)} images did not render")
    bad = [" ".join(w["text"].split()) for w in state["widgets"]
           if w["error"] or w["loading"] or not w["rendered"]]
    if bad:
        problems.append(f"{len(bad)} widget views did not render: {bad}")
    if len(state["widgets"]) != expected["widgets"]:
        problems.append(f"{len(state['widgets'])} widget views on the page, "
                        f"the saved outputs hold {expected['widgets']}")
    if state["mathErrors"]:
        problems.append(f"LaTeX errors in markdown: {state['mathErrors']}")
    news = [t for t in state["toasts"] if NEWS_PROMPT in t]
    if news:
        problems.append(f"the Jupyter news prompt covers the notebook: {news}")
    if state["dialogs"]:
        problems.append(f"a dialog covers the notebook: {state['dialogs']}")
    return problems


def screenshot(page, path: Path) -> Path:
    """Save the whole notebook as one picture: the page made as tall as the notebook."""
    sizes = page.evaluate("""nb => {
      const outer = document.querySelector(nb + ' .jp-WindowedPanel-outer');
      return outer ? [outer.scrollHeight, outer.clientHeight] : [0, 0]; }""", NOTEBOOK)
    extra = max(0, sizes[0] - sizes[1])
    height = min(MAX_SCREENSHOT_HEIGHT, VIEWPORT["height"] + extra)
    page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
    page.evaluate("""nb => new Promise(done => requestAnimationFrame(() => {
                    const outer = document.querySelector(nb + ' .jp-WindowedPanel-outer');
                    if (outer) outer.scrollTop = 0;
                    requestAnimationFrame(() => requestAnimationFrame(done)); }))""", NOTEBOOK)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    page.set_viewport_size(VIEWPORT)
    return path


# --- widgets round trip ------------------------------------------------------------------------

def widget(page, target: str):
    """The widget a learner would use: a CSS selector (starts with . # or [) or the text of
    its description label or button."""
    if target[0] in ".#[":
        return page.locator(target).first
    exact = re.compile(rf"^\s*{re.escape(target)}\s*$")
    labelled = page.locator(".jupyter-widgets.widget-inline-hbox").filter(
        has=page.locator("label.widget-label", has_text=exact))
    button = page.locator("button.jupyter-widgets", has_text=exact)
    return labelled.or_(button).first


def _parse_action(action: str) -> tuple[str, str]:
    kind, _, arg = action.partition(":")
    if kind not in ("click", "press", "select", "fill") or (kind != "click") != bool(arg):
        raise ValueError(f"action must be click, press:KEY, select:LABEL or fill:TEXT, "
                         f"got {action!r}")
    return kind, arg


def act(page, target: str, action: str) -> None:
    """Do one thing to a widget as a user would.

    Actions: "click"; "press:KEY" (focuses a slider's handle first, e.g. "press:ArrowRight");
    "select:LABEL" (a dropdown's option); "fill:TEXT" (a text box, then Enter).
    """
    kind, arg = _parse_action(action)
    el = widget(page, target)
    if kind == "click":
        el.click()
    elif kind == "press":
        handle = el.locator(".noUi-handle")
        (handle.first if handle.count() else el).focus()
        page.keyboard.press(arg)
    elif kind == "select":
        el.locator("select").select_option(label=arg)
    elif kind == "fill":
        box = el.locator("input, textarea").first
        box.fill(arg)
        box.press("Enter")


def signature(page, selector: str) -> str:
    """What a learner sees of ``selector``: an image's pixels (its src) or an element's text."""
    return page.evaluate("""sel => {
      const el = document.querySelector(sel);
      if (!el) return '';
      const img = el.tagName === 'IMG' ? el : el.querySelector('img');
      return img ? img.src : el.textContent; }""", selector)


@dataclass(frozen=True)
class Step:
    """One thing a user does, and what must follow.

    ``target`` and ``action`` as in ``act``; ``changes``: selectors whose picture or text must
    change within ``within`` seconds; ``animates``: selectors that must keep changing (at least
    three times within ``within`` seconds); ``still``: selectors that must stop changing (after
    ``settle`` s, unchanged for ``within`` s); ``shows``: (selector, text) pairs that must
    appear.
    """

    target: str
    action: str
    changes: tuple[str, ...] = ()
    animates: tuple[str, ...] = ()
    still: tuple[str, ...] = ()
    shows: tuple[tuple[str, str], ...] = ()
    within: float = 2.0
    settle: float = 1.0

    def __post_init__(self):
        _parse_action(self.action)
        if not self.target:
            raise ValueError("target must name a widget (its description or a CSS selector)")
        if not (self.changes or self.animates or self.still or self.shows):
            raise ValueError(f"step {self.target} {self.action} checks nothing: give changes, "
                             f"animates, still or shows")


def _changed(page, selectors, before: dict[str, str], within: float) -> list[str]:
    """The selectors whose signature did not change within ``within`` seconds."""
    waiting = set(selectors)
    deadline = time.monotonic() + within
    while waiting and time.monotonic() < deadline:
        waiting = {s for s in waiting if signature(page, s) == before[s]}
        if waiting:
            page.wait_for_timeout(50)
    return sorted(waiting)


def do_step(page, step: Step) -> list[str]:
    """Carry out one Step; returns the problems seen (empty when all followed)."""
    watched = {*step.changes, *step.animates, *step.still}
    before = {s: signature(page, s) for s in watched}
    act(page, step.target, step.action)
    problems = [f"{step.target} {step.action}: {s} did not change within {step.within} s"
                for s in _changed(page, step.changes, before, step.within)]
    for sel in step.animates:
        seen, last = 0, before[sel]
        deadline = time.monotonic() + step.within
        while seen < 3 and time.monotonic() < deadline:
            now = signature(page, sel)
            seen, last = seen + (now != last), now
            page.wait_for_timeout(50)
        if seen < 3:
            problems.append(f"{step.target} {step.action}: {sel} changed {seen} times in "
                            f"{step.within} s, not animating")
    if step.still:
        page.wait_for_timeout(step.settle * 1000)
        calm = {s: signature(page, s) for s in step.still}
        moved = [s for s in step.still if not _changed(page, [s], calm, step.within)]
        # (_changed lists what stayed the same; an empty list means it moved)
        problems += [f"{step.target} {step.action}: {s} still changes" for s in moved]
    for sel, text in step.shows:
        deadline = time.monotonic() + step.within
        while text not in signature(page, sel) and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        if text not in signature(page, sel):
            problems.append(f"{step.target} {step.action}: {sel} does not show {text!r}")
    return problems


def round_trip(page, steps: list[Step]) -> list[str]:
    """Carry out the steps in order; returns every problem seen."""
    problems: list[str] = []
    for step in steps:
        problems += do_step(page, step)
    return problems
