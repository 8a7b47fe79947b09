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

These run cold: the kernel forgets remembered results before each input
(``compute.forget()``), so every change trains. Then both views again warm, twice over (the
second pass printed): a preset seen before is remembered, and in notebook 07 the notebook's
own cells have run the presets before a learner reaches the explorer.

Where the time of an update goes: the benchmark's copy of the notebook ends with a probe cell
(``PROBE``) that times, in the kernel, every message from the page that ends in a new figure
(and every Play frame, which the kernel pushes on its own clock):
training (``sweep.train``), compute's assembly of its results (``compute.run`` or
``run_seeds`` less the training), matplotlib drawing (``update`` and ``render``), image
encoding (``blit.encode``), the rest of the kernel's handler (controls, code boxes) and its
process CPU time. With the page's own clock (the same wall clock) each change splits into:
page to kernel, train, assemble, draw, encode, kernel other, and kernel to painted (the image's
transfer, decoding and painting); the parts add up to the whole. Medians are printed per
view.

The page's console errors are printed (the browser tests fail on them). Times are wall
clock in the page on a shared machine: the load average is printed. Needs Chromium and the
playwright package, as the browser tests (``python3 dev.py test tests/browser`` installs it).

Last line: ``preset_many_ms_max=<slowest 200-seed preset> one_net_ms_median=<median of the
one-network changes> play_fps=<median of the plays>``; the targets are 250, 100 and 20.

Run: python benchmarks/explorer_browser.py [--raw FILE.json]  (FILE.json: every time measured)
     python benchmarks/explorer_browser.py --screenshots DIR  (no timing: a 1280 x 720 page,
     every preset in both views, one PNG each, ``<view>_<preset>.png``)
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
  let seen = null, decoded = null;
  const shown = new Promise(resolve => {
    const stop = setTimeout(() => { watch.disconnect(); resolve(null); }, timeout);
    const watch = new MutationObserver(async () => {
      if (img.src === before) return;
      watch.disconnect();
      clearTimeout(stop);
      seen = performance.now();
      try { await img.decode(); } catch (e) {}
      decoded = performance.now();
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
    });
    watch.observe(img, {attributes: true, attributeFilter: ['src']});
  });
  select.selectedIndex = index;
  const start = Date.now();
  const t0 = performance.now();
  select.dispatchEvent(new Event('change', {bubbles: true}));
  const t1 = await shown;
  return t1 === null ? {ms: null} : {ms: t1 - t0, start: start, painted: start + (t1 - t0),
                                     seen: start + (seen - t0), decoded: start + (decoded - t0)};
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
  const start = Date.now();
  const t0 = performance.now();
  play.click();
  await new Promise(r => setTimeout(r, 300));
  while (play.disabled && performance.now() - t0 < timeout) {
    await new Promise(r => setTimeout(r, 50));
  }
  await new Promise(r => setTimeout(r, 300));
  watch.disconnect();
  return {start: start, times: times.map(t => t - t0)};
}"""


# Appended to the benchmark's copy of notebook 07 (Run All runs it last, after ``view`` is
# shown): wraps the explorer's steps with timers and logs, for every message from the page
# that makes the kernel send a new figure, one JSON line to the file PATH.
PROBE = """\
import gc as _gc
import json as _json
import os as _os
import time as _time

import ipywidgets as _widgets

from xorhelpers.explorer import compute as _compute
from xorhelpers.explorer import blit as _blit
from xorhelpers.explorer import draw as _draw
from xorhelpers.explorer import view as _view_module

_probe_log = open(PATH, "a", buffering=1)
_probe = {}
_gc_start = [0.0]


def _gc_timer(phase, info):
    if phase == "start":
        _gc_start[0] = _time.perf_counter()
    elif _probe:
        _probe["gc"] = _probe.get("gc", 0.0) + 1000 * (_time.perf_counter() - _gc_start[0])


_gc.callbacks.append(_gc_timer)


def _timed(name, f):
    def timed(*args, **kwargs):
        t0 = _time.perf_counter()
        try:
            return f(*args, **kwargs)
        finally:
            if _probe:
                _probe[name] = _probe.get(name, 0.0) + 1000 * (_time.perf_counter() - t0)
    return timed


_compute.train = _timed("train", _compute.train)
_view_module.run = _timed("compute", _view_module.run)
_view_module.run_seeds = _timed("compute", _view_module.run_seeds)
_draw.NetFigure.update = _timed("update", _draw.NetFigure.update)
_draw.SeedFigure.update = _timed("update", _draw.SeedFigure.update)
_blit.Blitted.render = _timed("render", _blit.Blitted.render)
_blit.encode = _timed("encode", _blit.encode)


def _sent(change):
    if _probe:
        _probe["sent"] = 1000 * _time.time()
        _probe["bytes"] = len(change["new"])


view.image.observe(_sent, "value")
view.seed_image.observe(_sent, "value")
_set_state = _widgets.Widget.set_state


def _probed(what, f, *args):
    if _probe:  # nested
        return f(*args)
    if _os.path.exists(PATH + ".cold"):  # the benchmark asks for training from scratch
        _compute.forget()
    _probe.update({"in": 1000 * _time.time(), "what": what})
    t0, c0 = _time.perf_counter(), _time.process_time()
    try:
        return f(*args)
    finally:
        event = dict(_probe, handler=1000 * (_time.perf_counter() - t0),
                     cpu=1000 * (_time.process_time() - c0))
        _probe.clear()
        if "sent" in event:
            _probe_log.write(_json.dumps(event) + "\\n")


def _timed_set_state(self, sync_data):
    return _probed(sorted(sync_data), _set_state, self, sync_data)


_widgets.Widget.set_state = _timed_set_state
_show_frame = _view_module.Explorer._show_frame  # a Play frame, pushed by the kernel


def _timed_show_frame(self):
    return _probed(["frame"], _show_frame, self)


_view_module.Explorer._show_frame = _timed_show_frame
"""

PARTS = ("to kernel", "train", "assemble", "draw", "encode", "kernel other", "to painted")


def add_probe(notebook: Path, log: Path) -> None:
    """Append ``PROBE``, writing to ``log``, to the notebook's copy as its last cell."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE.replace("PATH", repr(str(log)))))
    nbformat.write(nb, notebook)


def cold(log: Path, on: bool) -> None:
    """Whether the kernel forgets remembered results before each input (``compute.forget``),
    so that every change trains from scratch."""
    flag = Path(str(log) + ".cold")
    if on:
        flag.touch()
    else:
        flag.unlink(missing_ok=True)


def read_probe(log: Path) -> list[dict]:
    import json

    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def split(event: dict, start: float, painted: float) -> dict[str, float]:
    """The parts of one update (ms) from the page's start (input event) to painted."""
    compute = event.get("compute", 0.0)
    train = event.get("train", 0.0)
    draw = event.get("update", 0.0) + event.get("render", 0.0)
    encode = event.get("encode", 0.0)
    in_kernel = event["sent"] - event["in"]
    return {"to kernel": event["in"] - start, "train": train, "assemble": compute - train,
            "draw": draw, "encode": encode,
            "kernel other": in_kernel - compute - draw - encode,
            "to painted": painted - event["sent"], "kernel cpu": event["cpu"],
            "kernel gc": event.get("gc", 0.0), "kB": event.get("bytes", 0) / 1000}


def split_display(event: dict, change: dict) -> dict[str, float]:
    """"to painted" in three: until the page sets the image's new source (the message's
    way and the widget's handling), decoding, and the two animation frames to the screen."""
    return {"to page": change["seen"] - event["sent"], "decode": change["decoded"] -
            change["seen"], "frames": change["painted"] - change["decoded"]}


def match(events: list[dict], start: float, end: float) -> dict | None:
    """The kernel's event that answered a page action between ``start`` and ``end``."""
    inside = [e for e in events if start - 5 <= e["in"] <= end and e["sent"] <= end]
    return inside[-1] if inside else None


def _dev():
    spec = importlib.util.spec_from_file_location("xor_dev", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def presets() -> list[str]:
    from xorhelpers.explorer.presets import PRESETS

    return list(PRESETS)


def change(page, control: str, label: str, figure: str) -> dict:
    """{"ms": input to painted or None, "start": wall ms of the input, "painted": of the
    painting}."""
    return page.evaluate(_CHANGE_JS, [EXPLORER, control, label, figure, TIMEOUT_MS])


def click_mode(page, label: str) -> None:
    page.locator(f"{EXPLORER} .xor-explorer-mode button", has_text=label).first.click()


def settle(page, ms: int = 1500) -> None:
    page.wait_for_timeout(ms)


def presets_in_turn(page, figure: str, rounds: int) -> dict[str, list[dict]]:
    """Every preset chosen in turn, ``rounds`` times over, timed on ``figure``."""
    names = presets()
    times: dict[str, list[dict]] = {n: [] for n in names}
    for _ in range(rounds):
        for name in names[1:] + names[:1]:  # the explorer opens on the first
            times[name].append(change(page, ".xor-explorer-preset", name, figure))
            settle(page, 300)
    return times


def measure(page, log: Path) -> dict:
    """Cold (every result trained from scratch): the one-network presets, the many-seed
    presets and Play; then warm (results remembered, as when a learner goes back to a
    preset, or after the notebook's own cells ran the presets): both views, twice over."""
    out = {}
    cold(log, True)
    out["one"] = presets_in_turn(page, ".xor-explorer-figure", ROUNDS)
    click_mode(page, "many seeds")
    settle(page, 4000)
    out["many"] = presets_in_turn(page, ".xor-explorer-seeds-figure", 1)
    click_mode(page, "one network")
    settle(page, 1500)
    change(page, ".xor-explorer-preset", "default", ".xor-explorer-figure")
    settle(page, 1000)
    out["plays"] = []
    for _ in range(PLAYS):
        out["plays"].append(page.evaluate(_PLAY_JS, [EXPLORER, TIMEOUT_MS]))
        settle(page, 500)
    cold(log, False)
    out["one warm"] = {k: v[1:] for k, v in
                       presets_in_turn(page, ".xor-explorer-figure", 2).items()}
    click_mode(page, "many seeds")
    settle(page, 4000)
    out["many warm"] = {k: v[1:] for k, v in
                        presets_in_turn(page, ".xor-explorer-seeds-figure", 2).items()}
    return out


def screenshots(page, out: Path) -> list[Path]:
    """Every preset in both views on a 1280 x 720 page, the figure scrolled into view with
    the controls above it as far as they fit; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 720})
    written = []
    for view, figure, label in (("one", ".xor-explorer-figure", "one network"),
                                ("many", ".xor-explorer-seeds-figure", "many seeds")):
        click_mode(page, label)
        settle(page, 3000)
        for name in presets():
            change(page, ".xor-explorer-preset", name, figure)
            settle(page, 500)
            page.locator(f"{EXPLORER} {figure}").first.evaluate(
                "img => img.scrollIntoView({block: 'end'})")
            settle(page, 300)
            path = out / f"{view}_{name}.png"
            page.screenshot(path=str(path))
            written.append(path)
    return written


def fps(times: list[float]) -> float:
    """Frames per second between the first painted frame and the last."""
    if len(times) < 2:
        return 0.0
    return 1000 * (len(times) - 1) / (times[-1] - times[0])


def _ms(t: dict) -> str:
    return "timeout" if t["ms"] is None else f"{t['ms']:.0f}"


def splits_of_changes(changes: list[dict], events: list[dict]) -> list[dict]:
    out = []
    for c in changes:
        if c["ms"] is None:
            continue
        event = match(events, c["start"], c["painted"])
        if event is not None:
            out.append(split(event, c["start"], c["painted"]) | split_display(event, c))
    return out


def splits_of_plays(plays: list[dict], events: list[dict]) -> list[dict]:
    """Per painted Play frame: its split from the kernel's starting the frame (Play runs on
    the kernel's clock) to painted."""
    out = []
    for play in plays:
        for t in play["times"]:
            painted = play["start"] + t
            before = [e for e in events if play["start"] <= e["in"] and e["sent"] <= painted]
            if before:
                out.append(split(before[-1], before[-1]["in"], painted))
    return out


def print_split(label: str, splits: list[dict]) -> None:
    if not splits:
        print(f"  {label}: no kernel events matched")
        return
    med = {k: statistics.median(s[k] for s in splits) for k in splits[0]}
    parts = ", ".join(f"{k} {med[k]:.1f}" for k in PARTS)
    if "to page" in med:
        parts += (f" (to page {med['to page']:.1f}, decode {med['decode']:.1f}, two animation "
                  f"frames {med['frames']:.1f})")
    gc = [s["kernel gc"] for s in splits]
    print(f"  {label} (n={len(splits)}, medians in ms): {parts}; kernel CPU "
          f"{med['kernel cpu']:.1f}; image {med['kB']:.0f} kB; the kernel's garbage "
          f"collector took {sum(gc):.0f} ms in all, at most {max(gc):.0f} in one")


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
        probe_log = home / "probe.jsonl"
        add_probe(root / NOTEBOOK, probe_log)
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
            if len(sys.argv) > 2 and sys.argv[1] == "--screenshots":
                for path in screenshots(page, Path(sys.argv[2])):
                    print(path)
                print(f"console errors: {len(log.errors)}")
                for error in log.errors[:10]:
                    print(f"  {error[:300]}")
                browser.close()
                return
            out = measure(page, probe_log)
            browser.close()
        events = read_probe(probe_log)
    if len(sys.argv) > 2 and sys.argv[1] == "--raw":  # everything measured, for a closer look
        import json

        Path(sys.argv[2]).write_text(json.dumps(out | {"events": events}))
    one, many, plays = out["one"], out["many"], out["plays"]
    print("COLD, every result trained from scratch (compute.forget() before each input):")
    print(f"one network, preset chosen -> figure painted (ms, {ROUNDS} rounds):")
    for name, times in one.items():
        print(f"  {name:>18}: {', '.join(_ms(t) for t in times)}")
    print("many seeds (200), preset chosen -> figure painted (ms):")
    for name, times in many.items():
        print(f"  {name:>18}: {', '.join(_ms(t) for t in times)}")
    rates = [fps(play["times"]) for play in plays]
    print("Play, default preset: frames painted and frames per second per play: "
          + "; ".join(f"{len(play['times'])} frames {r:.1f}/s"
                      for play, r in zip(plays, rates, strict=True)))
    print(f"where the time goes ({len(events)} kernel events; to painted = the image's "
          "transfer, decoding and painting):")
    flat = {k: [t for ts in out[k].values() for t in ts] for k in
            ("one", "many", "one warm", "many warm")}
    print_split("one network", splits_of_changes(flat["one"], events))
    print_split("many seeds", splits_of_changes(flat["many"], events))
    print_split("Play frame (from the kernel's start of it)", splits_of_plays(plays, events))
    big = float("inf")

    def ms(ts):
        return [big if t["ms"] is None else t["ms"] for t in ts]

    print("WARM, results remembered (a preset seen before; in notebook 07 its own cells have "
          "run the presets before the explorer is used):")
    print(f"  one network: median {statistics.median(ms(flat['one warm'])):.0f} ms, max "
          f"{max(ms(flat['one warm'])):.0f}; many seeds: max {max(ms(flat['many warm'])):.0f} "
          f"ms, median {statistics.median(ms(flat['many warm'])):.0f}")
    print_split("one network, warm", splits_of_changes(flat["one warm"], events))
    print_split("many seeds, warm", splits_of_changes(flat["many warm"], events))
    print(f"console errors: {len(log.errors)}")
    for error in log.errors[:10]:
        print(f"  {error[:300]}")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    print(f"preset_many_ms_max={max(ms(flat['many'])):.0f} "
          f"one_net_ms_median={statistics.median(ms(flat['one'])):.0f} "
          f"play_fps={statistics.median(rates):.1f}")


if __name__ == "__main__":
    main()
