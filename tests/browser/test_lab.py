"""Every notebook run in a real JupyterLab in headless Chromium, as a learner runs it.

For each notebook in notebooks/: open it, Run > Restart Kernel and Run All Cells, wait until
the kernel is idle, then check what only the page shows: no error or traceback in any cell,
no JavaScript console or page errors, every figure rendered as an image, every widget view
rendered, no LaTeX error, the last cell run, and no news prompt or dialog over the notebook.
A screenshot of each notebook goes to tests/browser/screenshots/ (git-ignored).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from labdriver import (
    NEWS_PROMPT,
    PageLog,
    Step,
    open_notebook,
    page_problems,
    page_state,
    restart_and_run_all,
    round_trip,
    save,
    saved_problems,
    screenshot,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def run_and_check(page, lab, rel_path: str, screenshots: Path, log: PageLog) -> list[str]:
    """Open a notebook, Restart & Run All, screenshot it; returns every problem seen."""
    open_notebook(page, lab, rel_path)
    state = restart_and_run_all(page)
    nb = save(page, lab.root_dir / rel_path)
    screenshot(page, screenshots / (Path(rel_path).stem + ".png"))
    problems, expected = saved_problems(nb)
    return problems + page_problems(state, expected) + log.errors


def test_there_are_notebooks_to_run():
    assert NOTEBOOKS, "notebooks/ holds no notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_in_jupyterlab(page, console, lab, screenshots, path):
    problems = run_and_check(page, lab, f"notebooks/{path.name}", screenshots, console)
    assert not problems, f"{path.name} in JupyterLab:\n  " + "\n  ".join(problems)


# Widgets round trips: a notebook, and what a user does to it with what must follow.
FIGURE, STATUS = ".roundtrip-figure", ".roundtrip-status"
PLAY, PAUSE = ".widget-play button:has(.fa-play)", ".widget-play button:has(.fa-pause)"
XFIGURE, XSTATUS = ".xor-explorer-figure", ".xor-explorer-status"
ROUND_TRIPS = {
    "fixtures/widgets_round_trip.ipynb": [
        Step("frequency", "press:ArrowRight", changes=(FIGURE, STATUS),
             shows=((STATUS, "frequency 2"),)),
        Step("wave", "select:square", changes=(FIGURE, STATUS),
             shows=((STATUS, "square wave"),)),
        Step(PLAY, "click", animates=(FIGURE, STATUS), within=6.0),
        Step(PAUSE, "click", still=(FIGURE, STATUS)),
    ],
    # the what-if explorer, through its CSS classes (xorhelpers.explorer.CLASSES)
    "notebooks/07_what_if_explorer.ipynb": [
        Step(".xor-explorer-activation", "select:tanh", changes=(XFIGURE, XSTATUS)),
        Step(".xor-explorer-lr", "press:ArrowRight", changes=(XFIGURE, XSTATUS)),
        Step(".xor-explorer-preset", "select:case_b_relu", changes=(XFIGURE, XSTATUS),
             shows=((XSTATUS, "ln(2)/2"), (".xor-explorer-look-for", "Case B with ReLU"))),
        Step(".xor-explorer-play", "click", animates=(XFIGURE, XSTATUS), within=6.0),
        Step(".xor-explorer-pause", "click", still=(XFIGURE, XSTATUS)),
        # opening the code panel and pasting into it retrain nothing; restore does
        Step(".xor-explorer-code .jupyter-widget-Collapse-header", "click",
             still=(XFIGURE, XSTATUS)),
        Step(".xor-explorer-paste", "fill:Config(widths=(3,), activation='sigmoid', lr=0.1)",
             still=(XFIGURE, XSTATUS)),
        Step(".xor-explorer-restore", "click", changes=(XFIGURE, XSTATUS),
             shows=((".xor-explorer-paste-status", "restored"),)),
    ],
}
# text boxes whose value (not shown as page text) must hold this after the round trip
VALUES = {
    "notebooks/07_what_if_explorer.ipynb": (
        (".xor-explorer-code-python textarea", "sweep.Config(widths=(3,), activation='sigmoid'"),
        (".xor-explorer-code-keras textarea", 'keras.layers.Dense(3, activation="sigmoid"'),
    ),
}


@pytest.mark.parametrize("rel_path", sorted(ROUND_TRIPS))
def test_widgets_round_trip(page, console, lab, screenshots, rel_path):
    opened = rel_path
    if rel_path.startswith("notebooks/"):
        # a copy under another name: the notebook's own path may still have the session that
        # the test before (which ran it) is shutting down, and JupyterLab would join it
        opened = f"notebooks/round-trip-{Path(rel_path).name}"
        shutil.copy(lab.root_dir / rel_path, lab.root_dir / opened)
    problems = run_and_check(page, lab, opened, screenshots, console)
    assert not problems, f"{rel_path} in JupyterLab:\n  " + "\n  ".join(problems)
    problems = round_trip(page, ROUND_TRIPS[rel_path]) + console.errors
    for sel, text in VALUES.get(rel_path, ()):
        value = page.locator(sel).first.input_value()
        if text not in value:
            problems.append(f"{sel} does not hold {text!r}: {value[:200]!r}")
    screenshot(page, screenshots / (Path(rel_path).stem + "-after-round-trip.png"))
    assert not problems, f"{rel_path}, widgets round trip:\n  " + "\n  ".join(problems)


def test_the_news_check_sees_the_prompt(page, lab):
    """The check above can fail: with the learner's answer reset to "ask" (a user setting,
    which beats the shipped override), JupyterLab shows the prompt and the check names it."""
    setting = "/lab/api/settings/@jupyterlab/apputils-extension:notification"
    lab.api("PUT", setting, {"raw": '{"fetchNews": "none"}'})
    try:
        open_notebook(page, lab, "fixtures/widgets_round_trip.ipynb", reload=True)
        page.locator(".Toastify__toast", has_text=NEWS_PROMPT).wait_for(timeout=60_000)
        problems = page_problems(page_state(page), {"figures": 0, "widgets": 0})
    finally:
        lab.api("PUT", setting, {"raw": "{}"})
    assert [p for p in problems if "news prompt" in p], problems


def test_a_run_and_saved_explorer_reloads_without_console_errors(page, console, lab):
    """Run notebook 07 and save it, close it, open and run it again, reload the page: the
    console stays free of errors (any console error fails). Without jupyterlab-manager's
    saveState (set in jupyter/settings/overrides.json) the save kept no widget state, the
    reloaded page met outputs whose widget models existed nowhere any more, and
    jupyterlab-manager logged "Error: widget model not found"."""
    from labdriver import NOTEBOOK, close_notebook, settled

    rel_path = "notebooks/07_what_if_explorer.ipynb"
    open_notebook(page, lab, rel_path)
    restart_and_run_all(page)
    save(page, lab.root_dir / rel_path)
    assert close_notebook(page)
    lab.shut_down_kernels()
    open_notebook(page, lab, rel_path)
    restart_and_run_all(page)
    page.reload()
    page.wait_for_selector(f"{NOTEBOOK} .jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_timeout(5000)
    settled(page, timeout=60)
    assert not console.errors, console.errors
