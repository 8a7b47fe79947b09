"""Each notebook's lecture path as a slideshow in JupyterLab (jupyterlab-slideshow), in
headless Chromium at a projector's 1280x720.

For every notebook: open it, start the slideshow from the notebook's toolbar, and step through
it with the space bar (next fragment, sub-slide or slide) as a presenter would. Each step must
change what is on screen; every figure of a cell on the lecture path must be shown, as a
loaded image, on some slide; no cell marked skip may be shown; and the console stays free of
errors. The first two slides go to tests/browser/screenshots/slides-<notebook>-<n>.png.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from labdriver import NOTEBOOK, close_notebook, open_notebook

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PROJECTOR = {"width": 1280, "height": 720}
START = f'{NOTEBOOK} .jp-Toolbar [data-command="deck:toggle"]'

# Runs in the page: which cells are on screen now, and which of them show a loaded image.
_SHOWN_JS = """notebook => {
  const cells = Array.from(document.querySelectorAll(notebook + ' .jp-Notebook .jp-Cell'));
  const onScreen = el => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return el.offsetParent !== null && s.visibility !== 'hidden' && s.opacity !== '0'
           && r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight;
  };
  const shown = cells.map((c, k) => onScreen(c) ? k : -1).filter(k => k >= 0);
  const loaded = k => Array.from(cells[k].querySelectorAll('.jp-OutputArea-output img'))
                           .some(i => i.complete && i.naturalWidth > 0);
  const figures = shown.filter(loaded);
  return {shown, figures, deck: !!document.querySelector('.jp-Deck')};
}"""


def _lecture(path: Path) -> tuple[list[str], set[int]]:
    """Each cell's slide type, and the cells on the lecture path that hold a figure."""
    nb = nbformat.read(path, as_version=4)
    types = [c.metadata.get("slideshow", {}).get("slide_type", "-") for c in nb.cells]
    figures = {k for k, c in enumerate(nb.cells) if types[k] != "skip" and c.cell_type == "code"
               and any("image/png" in o.get("data", {}) for o in c.outputs)}
    return types, figures


def test_every_notebook_has_a_lecture_path():
    for path in NOTEBOOKS:
        types, _ = _lecture(path)
        assert "slide" in types and "skip" in types, f"{path.name}: run python3 dev.py slides"


def _next_screen(page, before: dict, patience_ms: int = 2000) -> dict:
    """What is on screen once a step has changed it (or, if it never does, after patience_ms),
    with a short pause for the step's images to load."""
    try:
        page.wait_for_function(
            f"([nb, before]) => JSON.stringify(({_SHOWN_JS})(nb).shown) !== JSON.stringify(before)",
            arg=[NOTEBOOK, before["shown"]], timeout=patience_ms, polling=50)
    except Exception:  # noqa: BLE001 -- a step that changes nothing is reported by the caller
        pass
    page.wait_for_timeout(100)
    return page.evaluate(_SHOWN_JS, NOTEBOOK)


def _leave_deck(page) -> None:
    """End the slideshow and close the notebook. Presenting marks the notebook as changed
    (the slideshow keeps its state in the notebook model), so JupyterLab asks whether to save
    it: the test answers Discard, keeping the committed file as it is."""
    for _ in range(2):
        try:
            page.wait_for_function("() => !document.querySelector('.jp-Deck')", timeout=3000)
            break
        except Exception:  # noqa: BLE001 -- still presenting: toggle it off from the toolbar
            page.locator(START).first.click()
    close_notebook(page, discard=True)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_slideshow_opens_and_advances(page, console, lab, screenshots, path):
    types, figures = _lecture(path)
    steps = sum(t in ("slide", "subslide", "fragment") for t in types)
    page.set_viewport_size(PROJECTOR)
    try:
        open_notebook(page, lab, f"notebooks/{path.name}")
        page.locator(START).first.click()
        page.wait_for_function("() => !!document.querySelector('.jp-Deck')", timeout=30_000)
        page.wait_for_timeout(1000)
        seen = [page.evaluate(_SHOWN_JS, NOTEBOOK)]
        page.screenshot(path=str(screenshots / f"slides-{path.stem}-1.png"))
        problems = []
        for step in range(1, steps):
            page.keyboard.press("Space")
            seen.append(_next_screen(page, seen[-1]))
            if step == 1:
                page.screenshot(path=str(screenshots / f"slides-{path.stem}-2.png"))
            if seen[-1]["shown"] == seen[-2]["shown"]:
                problems.append(f"step {step} changed nothing on screen: {seen[-1]['shown']}")
        page.keyboard.press("Escape")
        _leave_deck(page)
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
    shown = set().union(*(s["shown"] for s in seen))
    skipped_shown = sorted(k for k in shown if types[k] == "skip")
    if skipped_shown:
        problems.append(f"cells marked skip are on screen: {skipped_shown}")
    missing = sorted(figures - set().union(*(s["figures"] for s in seen)))
    if missing:
        problems.append(f"figures of cells {missing} never shown")
    if not seen[0]["deck"] or not seen[0]["shown"] or seen[0]["shown"][0] != 0:
        problems.append(f"the slideshow does not open on the title: {seen[0]}")
    problems += console.errors
    assert not problems, f"{path.name} as a slideshow:\n  " + "\n  ".join(problems)
