"""The what-if explorer as a student meets it: in JupyterLab, in headless Chromium, timed
from the input event to the new figure on screen.

It starts JupyterLab (the browser tests' driver, ``tests/browser/labdriver.py``, with
``dev.py lab``'s options) on a throw-away copy of notebooks/, opens notebook 07, runs
Restart Kernel and Run All Cells, and then uses the first explorer on the page:

- one network: every preset chosen in turn from the preset list, ROUNDS times over; each
  time from the ``change`` event of the list to the moment the new figure is decoded and
  painted (the image's new source decoded, then two animation frames);
- many seeds: the view switched to "many seeds", then every preset in turn (200 seeds each),
  timed the same way on the seeds figure;
- Play: the default preset's Play button clicked PLAYS times; frames per second = frames
  painted after the first / the time between the first and the last.

The page's console errors are printed (the browser tests fail on them). Times are wall
clock in the page on a shared machine: the load average is printed. Needs Chromium and the
playwright package, as the browser tests (``python3 dev.py test tests/browser`` installs it).

Last line: ``preset_many_ms_max=<slowest 200-seed preset> one_net_ms_median=<median of the
one-network changes> play_fps=<median of the plays>``; the targets are 250, 100 and 20.

Run: python benchmarks/explorer_browser.py
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from labdriver import (  # noqa: E402
    CHROMIUM_ARGS,
    VIEWPORT,
    LabServer,
    PageLog,
    find_chromium,
    open_notebook,
    restart_and_run_all,
)

NOTEBOOK = "notebooks/07_what_if_explorer.ipynb"
ROUNDS = 2  # passes over the presets in the one-network view
PLAYS = 5
TIMEOUT_MS = 20_000
EXPLORER = ".xor-explorer"

# In the page: choose option ``label`` of the dropdown ``control`` of the first explorer and
# resolve with the milliseconds from the change event until the image ``figure`` shows a new
# picture, decoded and painted (null if none within the timeout).
_CHANGE_JS = """async ([root, control, label, figure, timeout]) => {
  const box = document.querySelector(root);
  const img = box.querySelector(figure);
  const select = box.querySelector(control + ' select');
  const index = Array.from(select.options).findIndex(o => o.textContent.trim() === label);
  if (index < 0) throw new Error('no option ' + label);
  const before = img.src;
  const shown = new Promise(resolve => {
    const stop = setTimeout(() => { watch.disconnect(); resolve(null); }, timeout);
    const watch = new MutationObserver(async () => {
      if (img.src === before) return;
      watch.disconnect();
      clearTimeout(stop);
      try { await img.decode(); } catch (e) {}
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
    });
    watch.observe(img, {attributes: true, attributeFilter: ['src']});
  });
  select.selectedIndex = index;
  const t0 = performance.now();
  select.dispatchEvent(new Event('change', {bubbles: true}));
  const t1 = await shown;
  return t1 === null ? null : t1 - t0;
}"""

# In the page: click Play and collect the paint time of every new picture until the timer
# stops (the Play button is enabled again) or the timeout; resolves with the times (ms).
_PLAY_JS = """async ([root, timeout]) => {
  const box = document.querySelector(root);
  const img = box.querySelector('.xor-explorer-figure');
  const play = box.querySelector('button.xor-explorer-play');
  const times = [];
  let last = img.src;
  const watch = new MutationObserver(async () => {
    if (img.src === last) return;
    last = img.src;
    try { await img.decode(); } catch (e) {}
    requestAnimationFrame(() => requestAnimationFrame(() => times.push(performance.now())));
  });
  watch.observe(img, {attributes: true, attributeFilter: ['src']});
  const t0 = performance.now();
  play.click();
  await new Promise(r => setTimeout(r, 300));
  while (play.disabled && performance.now() - t0 < timeout) {
    await new Promise(r => setTimeout(r, 50));
  }
  await new Promise(r => setTimeout(r, 300));
  watch.disconnect();
  return times.map(t => t - t0);
}"""


def _dev():
    spec = importlib.util.spec_from_file_location("xor_dev", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def presets() -> list[str]:
    from xorhelpers.explorer.presets import PRESETS

    return list(PRESETS)


def change_ms(page, control: str, label: str, figure: str) -> float | None:
    return page.evaluate(_CHANGE_JS, [EXPLORER, control, label, figure, TIMEOUT_MS])


def click_mode(page, label: str) -> None:
    page.locator(f"{EXPLORER} .xor-explorer-mode button", has_text=label).first.click()


def settle(page, ms: int = 1500) -> None:
    page.wait_for_timeout(ms)


def measure(page) -> tuple[dict, dict, list]:
    names = presets()
    one: dict[str, list[float | None]] = {n: [] for n in names}
    many: dict[str, float | None] = {}
    order = names[1:] + names[:1]  # the explorer opens on the first
    for _ in range(ROUNDS):
        for name in order:
            one[name].append(change_ms(page, ".xor-explorer-preset", name,
                                       ".xor-explorer-figure"))
            settle(page, 300)
    click_mode(page, "many seeds")
    settle(page, 4000)
    for name in order:
        many[name] = change_ms(page, ".xor-explorer-preset", name, ".xor-explorer-seeds-figure")
        settle(page, 300)
    click_mode(page, "one network")
    settle(page, 1500)
    page.evaluate(_CHANGE_JS, [EXPLORER, ".xor-explorer-preset", "default",
                               ".xor-explorer-figure", TIMEOUT_MS])
    settle(page, 1000)
    plays = []
    for _ in range(PLAYS):
        times = page.evaluate(_PLAY_JS, [EXPLORER, TIMEOUT_MS])
        plays.append(times)
        settle(page, 500)
    return one, many, plays


def fps(times: list[float]) -> float:
    """Frames per second between the first painted frame and the last."""
    if len(times) < 2:
        return 0.0
    return 1000 * (len(times) - 1) / (times[-1] - times[0])


def main() -> None:
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        sys.exit("no Chromium found; install it (apt-get install -y chromium) or set "
                 "$XOR_CHROMIUM")
    print(f"load average at start: {os.getloadavg()[0]:.2f} (a shared machine inflates "
          "wall times)")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        root = home / "root"
        shutil.copytree(ROOT / "notebooks", root / "notebooks",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        with LabServer(root, home / "jupyter", _dev().lab_options(root)) as server, \
                sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True,
                                        args=list(CHROMIUM_ARGS))
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.set_default_timeout(60_000)
            log = PageLog().attach(page)
            open_notebook(page, server, NOTEBOOK)
            restart_and_run_all(page)
            page.locator(EXPLORER).first.scroll_into_view_if_needed()
            settle(page, 2000)
            one, many, plays = measure(page)
            browser.close()
    print(f"one network, preset chosen -> figure painted (ms, {ROUNDS} rounds):")
    for name, times in one.items():
        shown = ", ".join("timeout" if t is None else f"{t:.0f}" for t in times)
        print(f"  {name:>18}: {shown}")
    print("many seeds (200), preset chosen -> figure painted (ms):")
    for name, t in many.items():
        print(f"  {name:>18}: {'timeout' if t is None else f'{t:.0f}'}")
    rates = [fps(t) for t in plays]
    print("Play, default preset: frames painted and frames per second per play: "
          + "; ".join(f"{len(t)} frames {r:.1f}/s" for t, r in zip(plays, rates, strict=True)))
    print(f"console errors: {len(log.errors)}")
    for error in log.errors[:10]:
        print(f"  {error[:300]}")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    one_all = [t for ts in one.values() for t in ts]
    big = float("inf")
    many_max = max(big if t is None else t for t in many.values())
    one_median = statistics.median(big if t is None else t for t in one_all)
    print(f"preset_many_ms_max={many_max:.0f} one_net_ms_median={one_median:.0f} "
          f"play_fps={statistics.median(rates):.1f}")


if __name__ == "__main__":
    main()
