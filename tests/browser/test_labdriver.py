"""The browser tests' own logic, without a browser: finding Chromium, reading saved outputs,
judging a page's state, the settings override that `dev.py lab` ships."""

from __future__ import annotations

import importlib.util
import json
import os
import stat
from pathlib import Path

import nbformat
import pytest
from labdriver import (
    NEWS_PROMPT,
    PageLog,
    Step,
    find_chromium,
    free_port,
    page_problems,
    saved_problems,
)
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[2]


def _executable(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.mark.skipif(os.name == "nt", reason="POSIX executables")
def test_find_chromium_prefers_the_environment_variable(tmp_path):
    on_path = _executable(tmp_path, "chromium")
    other = tmp_path / "other"
    other.mkdir()
    mine = _executable(other, "my-chrome")
    assert find_chromium({"PATH": str(tmp_path)}) == str(on_path)
    assert find_chromium({"PATH": str(tmp_path), "XOR_CHROMIUM": str(mine)}) == str(mine)
    assert find_chromium({"PATH": str(tmp_path), "XOR_CHROMIUM": "  "}) == str(on_path)


@pytest.mark.skipif(os.name == "nt", reason="POSIX executables")
def test_find_chromium_falls_back_to_chromium_browser_then_none(tmp_path):
    assert find_chromium({"PATH": str(tmp_path)}) is None
    fallback = _executable(tmp_path, "chromium-browser")
    assert find_chromium({"PATH": str(tmp_path)}) == str(fallback)


def test_find_chromium_rejects_a_wrong_environment_variable(tmp_path):
    with pytest.raises(FileNotFoundError, match="XOR_CHROMIUM"):
        find_chromium({"PATH": str(tmp_path), "XOR_CHROMIUM": str(tmp_path / "nothing")})


def test_free_port_is_a_loopback_port_nobody_uses():
    import socket

    port = free_port()
    assert 1024 <= port <= 65535
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))  # raises if taken


def _notebook(*cells_outputs):
    nb = new_notebook()
    for k, outputs in enumerate(cells_outputs, start=1):
        cell = new_code_cell(f"cell_{k}()", execution_count=k)
        cell.outputs = list(outputs)
        nb.cells.append(cell)
    return nb


PNG = new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})
VIEW = new_output("display_data", data={
    "application/vnd.jupyter.widget-view+json": {"model_id": "ab12", "version_major": 2,
                                                 "version_minor": 0},
    "text/plain": "IntSlider(value=1)"})


def test_saved_problems_counts_figures_and_views_of_a_clean_run():
    problems, expected = saved_problems(_notebook([PNG], [VIEW, PNG], []))
    assert problems == []
    assert expected == {"figures": 2, "widgets": 1}


def test_saved_problems_sees_errors_tracebacks_and_figures_shown_as_text():
    error = new_output("error", ename="ZeroDivisionError", evalue="division by zero",
                       traceback=[])
    printed = new_output("stream", name="stderr",
                         text="Traceback (most recent call last):\n  ...\nValueError: no\n")
    text_figure = new_output("execute_result", execution_count=3,
                             data={"text/plain": "<Figure size 640x480 with 1 Axes>"})
    problems, _ = saved_problems(_notebook([error], [printed], [text_figure]))
    assert len(problems) == 3
    assert "cell 1 raised ZeroDivisionError: division by zero" in problems[0]
    assert "cell 2 printed a traceback" in problems[1] and "ValueError" in problems[1]
    assert "cell 3 shows a figure as text" in problems[2]


def test_saved_problems_sees_cells_that_did_not_run():
    nb = _notebook([], [], [], [])
    nb.cells.insert(0, new_markdown_cell("# title"))
    for cell in nb.cells[3:]:
        cell.execution_count = None  # Run All stopped after the second code cell
    problems, _ = saved_problems(nb)
    assert problems == ["not every cell ran once, in order, from a fresh kernel: 2 of 4 code "
                        "cells did not, from cell 4 on (the last cell has not run)"]
    nb.cells[3].execution_count, nb.cells[4].execution_count = 4, 3
    assert saved_problems(nb)[0] == ["execution counts are not 1..4: [1, 2, 4, 3]"]


def _state(**changes):
    state = {"status": "idle", "prompts": ["[1]:"], "images": [], "widgets": [],
             "mathErrors": [], "toasts": [], "dialogs": [], "dirty": False}
    state.update(changes)
    return state


IMAGE = {"loaded": True, "top": True}
GOOD_VIEW = {"text": "", "error": False, "loading": False, "rendered": True}


def test_page_problems_accepts_a_page_that_shows_everything():
    state = _state(images=[IMAGE, IMAGE, {"loaded": True, "top": False}], widgets=[GOOD_VIEW])
    assert page_problems(state, {"figures": 2, "widgets": 1}) == []


@pytest.mark.parametrize("changes, expected, message", [
    ({"images": [IMAGE]}, {"figures": 2, "widgets": 0}, "1 figures shown as images"),
    ({"images": [{"loaded": False, "top": True}]}, {"figures": 1, "widgets": 0},
     "1 images did not render"),
    ({"widgets": [dict(GOOD_VIEW, error=True, text="Error displaying widget")]},
     {"figures": 0, "widgets": 1}, "widget views did not render: ['Error displaying widget']"),
    ({"widgets": [dict(GOOD_VIEW, loading=True, rendered=False)]},
     {"figures": 0, "widgets": 1}, "1 widget views did not render"),
    ({"widgets": []}, {"figures": 0, "widgets": 1}, "0 widget views on the page"),
    ({"mathErrors": ["Missing close brace"]}, {"figures": 0, "widgets": 0}, "LaTeX errors"),
    ({"toasts": [f"Would you like to get {NEWS_PROMPT}?"]}, {"figures": 0, "widgets": 0},
     "the Jupyter news prompt covers the notebook"),
    ({"dialogs": ["Select Kernel"]}, {"figures": 0, "widgets": 0}, "a dialog covers"),
])
def test_page_problems_names_what_went_wrong(changes, expected, message):
    problems = page_problems(_state(**changes), expected)
    assert len(problems) == 1 and message in problems[0], problems


class _Message:
    def __init__(self, type_, text):
        self.type, self.text = type_, text


def test_page_log_keeps_console_errors_but_not_warnings_or_the_known_restart_message():
    log = PageLog()
    log._on_console(_Message("warning", "History was unable to be retrieved"))
    log._on_console(_Message("error", "Could not restore the debugger state: Canceled"))
    log._on_console(_Message("error", "Error: No version of module bogus is registered"))
    assert log.errors == ["console error: Error: No version of module bogus is registered"]


def test_steps_reject_unknown_actions_and_steps_that_check_nothing():
    with pytest.raises(ValueError, match="press:KEY"):
        Step("frequency", "drag", changes=(".fig",))
    with pytest.raises(ValueError, match="press:KEY"):
        Step("frequency", "press", changes=(".fig",))
    with pytest.raises(ValueError, match="checks nothing"):
        Step("frequency", "press:ArrowRight")
    assert Step("Play", "click", animates=(".fig",)).within == 2.0


def test_dev_lab_ships_settings_without_the_news_prompt(tmp_path):
    spec = importlib.util.spec_from_file_location("xor_dev", ROOT / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    options = dev.lab_options(tmp_path)
    assert f"--ServerApp.root_dir={tmp_path}" in options
    settings = [o.split("=", 1)[1] for o in options if o.startswith("--LabApp.app_settings_dir=")]
    assert settings == [str(ROOT / "jupyter" / "settings")]
    overrides = json.loads((Path(settings[0]) / "overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_fixture_notebooks_are_kept_out_of_nbval(pytestconfig):
    """They are run in the browser, unexecuted; nbval (strict) must not collect them."""
    folder = ROOT / "tests" / "browser" / "notebooks"
    fixtures = sorted(folder.glob("*.ipynb"))
    assert fixtures
    for path in fixtures:
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata.kernelspec.name == "python3"
        assert all(not c.get("outputs") for c in nb.cells), f"{path.name}: keep it unexecuted"
    ignored = pytestconfig.hook.pytest_ignore_collect
    assert ignored(collection_path=folder, config=pytestconfig) is True
    assert not ignored(collection_path=ROOT / "tests" / "browser" / "test_lab.py",
                       config=pytestconfig)
