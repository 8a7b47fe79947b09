"""The explorer's widgets: controls for every setting, the figures, Play, code (notebook 07).

``Explorer`` is an ipywidgets VBox. Every control has a stable ``description`` and the CSS
class ``xor-explorer-<name>`` (``CLASSES`` lists them), so a browser test can find it. A
control change builds a new ``State`` (the controls cannot express an invalid one), runs the
pure functions of ``compute`` and redraws the figures in place as PNG images. Play trains the
network frame by frame, each frame going on from the exact state of the one before (see
``compute``), pushed from the kernel's event loop at up to 20 frames a second (``play``); the
page acknowledges each frame, and a page slower than the kernel sees frames skipped, never
queued. Pause, any control change and Jupyter's Interrupt stop it between frames.
"""

from __future__ import annotations

import asyncio
import html
import time

import ipywidgets as widgets

from .code import keras_code, python_code, state_from_code
from .compute import frame_steps, run, run_seeds, too_long
from .controls import (
    CLASSES,
    FRAMES,
    STYLE,
    columns,
    control,
    key,
    make_controls,
    read_controls,
    set_controls,
)
from .draw import NetFigure, SeedFigure
from .play import Player
from .presets import preset
from .state import FIELD, NOT_APPLIES, State, as_state

__all__ = ["CLASSES", "Explorer", "show"]

MAX_PASTE = 20_000  # characters the restore box reads


def _blank_png() -> bytes:
    """A 1 x 1 white PNG: what an image of the mode not shown holds until it is first drawn
    (an Image widget with no bytes is a broken image in the page, hidden or not)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1, 1), "white").save(out, format="png")
    return out.getvalue()


class Explorer(widgets.VBox):
    """The what-if explorer view (notebook 07). ``Explorer(state, mode="one")``; prefer
    ``show(preset=...)``. ``state`` is the current ``State``, ``net`` / ``seeds`` the last
    ``NetRun`` / ``SeedRun``, ``timings`` the last update's compute and draw times in ms."""

    def __init__(self, state=None, mode: str = "one", preset_name: str | None = None):
        if mode not in ("one", "many"):
            raise ValueError(f"mode must be 'one' or 'many', got {mode!r}")
        if preset_name is not None:
            state = preset(preset_name).state if state is None else state
        self.state = State() if state is None else as_state(state)
        self.net = self.seeds = None
        self.timings: dict[str, float] = {}
        self._busy = False
        self._frame = None  # the NetRun Play showed last (Play goes on from it)
        self._net_figure, self._seed_figure = NetFigure(), SeedFigure()
        self.controls, self.units = make_controls(preset_name, mode)
        c = self.controls

        self.look_for = widgets.HTML(layout=widgets.Layout(width="100%"), value="" if
                                     preset_name is None else self._look_for(preset_name))
        self.look_for.add_class("xor-explorer-look-for")
        self.status = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.status.add_class("xor-explorer-status")
        self.image = widgets.Image(value=_blank_png(), format="png",
                                   layout=widgets.Layout(width="900px"))
        self.image.add_class("xor-explorer-figure")
        self.seed_image = widgets.Image(value=_blank_png(), format="png",
                                        layout=widgets.Layout(width="540px"))
        self.seed_image.add_class("xor-explorer-seeds-figure")
        # the frame Play shows (0 .. FRAMES), and the page's acknowledgement of Play's frames
        self.timer = widgets.IntSlider(min=0, max=FRAMES, value=FRAMES, description="frame",
                                       layout=widgets.Layout(display="none"))
        self.timer.add_class("xor-explorer-timer")
        self._sent, self._seen = widgets.IntText(0), widgets.IntText(0)
        self._player = self._link = self._play_task = None
        self.buttons = {}
        for name, icon, tip in (("play", "play", "train from step 0 and show it as it goes"),
                                ("pause", "pause", "stop at the current step"),
                                ("step", "step-forward", "one frame further"),
                                ("reset", "undo", "back to step 0, the untrained network")):
            b = widgets.Button(description=name, icon=icon, tooltip=tip,
                               layout=widgets.Layout(width="90px"))
            b.add_class(f"xor-explorer-{name}")
            self.buttons[name] = b
        self.open_seed = control(widgets.Dropdown(
            description="open seed", options=[], style=STYLE,
            layout=widgets.Layout(width="520px")), "open-seed",
            "a few seeds of each outcome; picking one sets the seed that open shows")
        self.open_button = widgets.Button(description="open",
                                          tooltip="show the seed alone in the one-network view")
        self.open_button.add_class("xor-explorer-open")
        self.python_code = widgets.Textarea(description="Python", disabled=False,
                                            layout=widgets.Layout(width="760px", height="190px"))
        self.python_code.add_class("xor-explorer-code-python")
        self.keras_code = widgets.Textarea(description="Keras 3",
                                           layout=widgets.Layout(width="760px", height="290px"))
        self.keras_code.add_class("xor-explorer-code-keras")
        self.paste = widgets.Textarea(description="paste",
                                      placeholder="paste a Config(...) or the Python snippet",
                                      layout=widgets.Layout(width="760px", height="90px"))
        self.paste.add_class("xor-explorer-paste")
        self.restore = widgets.Button(description="restore", tooltip="set the controls from "
                                      "the pasted code")
        self.restore.add_class("xor-explorer-restore")
        self.paste_status = widgets.HTML()
        self.paste_status.add_class("xor-explorer-paste-status")

        self._set_controls(self.state)
        for name, w in c.items():
            w.observe(self._on_preset if name == "preset" else self._on_control, "value")
        for w in self.units:
            w.observe(self._on_control, "value")
        self.timer.observe(self._on_frame, "value")
        self.buttons["play"].on_click(lambda _: self.play())
        self.buttons["pause"].on_click(lambda _: self.pause())
        self.buttons["step"].on_click(lambda _: self.step())
        self.buttons["reset"].on_click(lambda _: self.reset())
        self.open_seed.observe(self._on_pick, "value")
        self.open_button.on_click(lambda _: self.show_seed(self.state.seed))
        self.restore.on_click(lambda _: self.restore_code(self.paste.value))

        # three columns of settings; a narrow page puts a column below the others
        settings = widgets.HBox([widgets.VBox(col) for col in columns(c, self.units)],
                                layout=widgets.Layout(flex_flow="row wrap"))
        play_row = widgets.HBox([c["mode"], *self.buttons.values(), self.timer])
        self.one_box = widgets.VBox([self.image])
        self.many_box = widgets.VBox([self.seed_image,
                                      widgets.HBox([self.open_seed, self.open_button])])
        code = widgets.Accordion(children=[widgets.VBox([
            self.python_code, self.keras_code, self.paste,
            widgets.HBox([self.restore, self.paste_status])])], titles=("code to take away",))
        code.add_class("xor-explorer-code")
        super().__init__([widgets.HBox([c["preset"], self.look_for]), settings, play_row,
                          self.status, self.one_box, self.many_box, code])
        self.add_class("xor-explorer")
        self.refresh()

    def __repr__(self) -> str:
        mode = "many seeds" if self.mode == "many" else f"seed {self.state.seed}"
        return f"<what-if explorer: {self.state.config.label()}, {mode}>"

    # ---------------------------------------------------------------- state <-> controls

    @property
    def mode(self) -> str:
        return self.controls["mode"].value

    def _read_controls(self) -> State:
        return read_controls(self.controls, self.units)

    def _set_controls(self, state: State) -> None:
        self._busy = True
        try:
            set_controls(self.controls, self.units, state)
        finally:
            self._busy = False

    def _enable(self) -> None:
        s, c = self.state, self.controls
        for name, why in NOT_APPLIES.items():
            f = FIELD[name]
            on, w = s.applies(name), c[key(f)]
            w.disabled = not on
            w.tooltip = f.control.tooltip + ("" if on else f" (disabled: {why})")
        for k, u in enumerate(self.units):
            u.disabled = k >= len(s.widths)
        many = self.mode == "many"
        c["n_seeds"].disabled = not many
        c["seed"].tooltip = ("the seed that open shows alone" if many else
                             "seeds the initial weights and the minibatch order")
        for b in self.buttons.values():
            b.disabled = many
            b.tooltip = b.tooltip.split(" (disabled:")[0] + (
                " (disabled: Play shows one network)" if many else "")
        self.one_box.layout.display = "none" if many else None
        self.many_box.layout.display = None if many else "none"

    # ------------------------------------------------------------------------ updates

    def _on_control(self, change) -> None:
        if self._busy:
            return
        self.pause()
        state = self._read_controls()
        if self.mode == "many" and state == self.state.replace(seed=state.seed) and \
                change["owner"] is not self.controls["mode"]:
            self.state = state  # only the seed to open changed: nothing to retrain
            self.keras_code.value = keras_code(state)
            return
        if state.batch_size != self.controls["batch_size"].value or state.data != self.state.data:
            self._set_controls(state)  # e.g. a batch size that the new data set cannot have
        self.state = state  # refresh shows (custom) unless the preset's settings remain
        self.refresh()

    def _on_preset(self, change) -> None:
        if change["new"] != "(custom)":
            self.load(change["new"])

    def load(self, name: str) -> None:
        """Show the preset ``name`` (one of ``PRESETS``)."""
        p = preset(name)
        self.pause()
        self.state = p.state.replace(n_seeds=self.state.n_seeds)
        self._set_controls(self.state)
        if self.controls["preset"].value != name:
            self.controls["preset"].unobserve(self._on_preset, "value")
            self.controls["preset"].value = name
            self.controls["preset"].observe(self._on_preset, "value")
        self.look_for.value = self._look_for(name)
        self.refresh()

    def _sync_preset(self) -> None:
        """Show "(custom)" and no look-for line once the settings (the seed included) are no
        longer the preset's: its line describes the preset's own network, not another."""
        name = self.controls["preset"].value
        if name == "(custom)":
            return
        if preset(name).state.replace(n_seeds=self.state.n_seeds) != self.state:
            self.controls["preset"].unobserve(self._on_preset, "value")
            self.controls["preset"].value = "(custom)"
            self.controls["preset"].observe(self._on_preset, "value")
            self.look_for.value = ""

    @staticmethod
    def _look_for(name: str) -> str:
        return f"<i>Look for:</i> {html.escape(preset(name).look_for)}"

    def set_state(self, state) -> None:
        """Show ``state`` (a ``State`` or a dict of settings)."""
        self.pause()
        self.state = as_state(state)
        self._set_controls(self.state)
        self.refresh()

    def refresh(self) -> None:
        """Recompute and redraw for the current state and mode."""
        self.pause()
        self._enable()
        self._sync_preset()
        self.python_code.value = python_code(self.state, many=self.mode == "many")
        self.keras_code.value = keras_code(self.state)
        message = too_long(self.state, many=self.mode == "many")
        if message is not None:  # say so instead of freezing the kernel for minutes
            self.status.value = self._status_html(message, True)
            self.timings = {"compute_ms": 0.0, "draw_ms": 0.0}
            return
        t0 = time.perf_counter()
        if self.mode == "many":
            self.seeds = run_seeds(self.state)
            t1 = time.perf_counter()
            self.seed_image.value = self._seed_figure.update(self.seeds).png()
            self.status.value = self._status_html(self.seeds.status, self.seeds.n_diverged
                                                  == self.seeds.n)
            self.open_seed.options = [
                (f"seed {s}: {outcome}", s) for outcome, seeds in self.seeds.examples().items()
                for s in seeds]
        else:
            self.net = run(self.state)
            t1 = time.perf_counter()
            self._show_net(self.net)
            self._frames = frame_steps(self.state.num_steps, FRAMES)
            self._busy = True
            self.timer.max = len(self._frames) - 1
            self.timer.value = self.timer.max
            self._busy = False
        self.timings = {"compute_ms": 1000 * (t1 - t0),
                        "draw_ms": 1000 * (time.perf_counter() - t1)}

    def _show_net(self, r) -> None:
        self.image.value = self._net_figure.update(r).png()
        self.status.value = self._status_html(r.status, r.diverged)

    @staticmethod
    def _status_html(text: str, alarm: bool) -> str:
        color = "#d62728" if alarm or "DIVERGED" in text else "inherit"
        return f'<span style="color:{color}">{html.escape(text)}</span>'

    # ---------------------------------------------------------------------- Play

    @property
    def playing(self) -> bool:
        """Whether Play is running."""
        return self._player is not None

    def play(self) -> None:
        """Show training frame by frame from the frame shown (from step 0 when at the end),
        at up to ``FPS`` frames a second, each frame going on from the previous one's exact
        state. In a kernel, frames are pushed from its event loop (see ``play``): the cell
        or click returns at once and Pause, any control change or Interrupt stops it.
        Without a running event loop (a script), every frame is shown in turn at once."""
        if self.mode == "many" or self.playing or self.net is None or \
                self.net.state != self.state:
            return
        if self.timer.value >= self.timer.max:
            self._go_to(0)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            while self.timer.value < self.timer.max:
                self._go_to(self.timer.value + 1)
            return
        # the page acknowledges each frame: a link in the page copies the number of the frame
        # it has taken into a widget that syncs back (only while Play runs, so that no link
        # is left in a saved notebook)
        self._link = widgets.jsdlink((self._sent, "value"), (self._seen, "value"))
        self._player = Player(self._play_frame, lambda: self._sent.value - self._seen.value)
        self.buttons["play"].disabled = True
        self._play_task = loop.create_task(self._play(self._player))

    async def _play(self, player: Player) -> None:
        try:
            await player.run(self.timer.value, self.timer.max)
        finally:
            if self._player is player:  # ended by itself or by an interrupt
                self._end_play()

    def _play_frame(self, k: int) -> None:
        self._go_to(k)
        self._sent.value += 1

    def _end_play(self) -> None:
        self._player.stop()
        self._player = None
        if self._link is not None:
            self._link.unlink()
            self._link = None
        self.buttons["play"].disabled = self.mode == "many"

    def pause(self) -> None:
        """Stop Play at the frame shown."""
        if self._player is not None:
            self._end_play()

    def step(self) -> None:
        """One frame further (a jump of num_steps / 20 steps)."""
        self.pause()
        if self.mode != "many" and self.timer.value < self.timer.max:
            self._go_to(self.timer.value + 1)

    def reset(self) -> None:
        """Back to step 0."""
        self.pause()
        if self.mode != "many":
            self._go_to(0)

    def _go_to(self, frame: int) -> None:
        """Move the frame position to ``frame`` and show it."""
        self._busy = True
        try:
            self.timer.value = frame
        finally:
            self._busy = False
        self._show_frame()

    def _on_frame(self, change) -> None:
        """The frame position set from outside (a cell): show it."""
        if not self._busy:
            self.pause()
            self._show_frame()

    def _show_frame(self) -> None:
        """Show the Play frame the frame position is at."""
        if self.mode == "many" or self.net is None or self.net.state != self.state:
            return  # nothing trained for these settings (too long to train)
        t0 = time.perf_counter()
        k = self._frames[min(self.timer.value, len(self._frames) - 1)]
        prev = self._frame
        if k == self.state.num_steps:
            r = self.net
        elif (prev is not None and prev.state == self.state and prev.train_state is not None
              and prev.step < k):  # go on from the previous frame, not from the seed
            r = run(self.state, step=k, full=self.net, resume=prev)
        else:
            r = run(self.state, step=k, full=self.net)
        self._frame = r
        t1 = time.perf_counter()
        self._show_net(r)
        self.timings = {"compute_ms": 1000 * (t1 - t0),
                        "draw_ms": 1000 * (time.perf_counter() - t1)}

    def _on_pick(self, change) -> None:
        if change["new"] is not None:
            self.controls["seed"].value = change["new"]

    # ------------------------------------------------------------- seeds and code

    def show_seed(self, seed: int) -> None:
        """Open ``seed`` in the one-network view."""
        self.pause()
        self.state = self.state.replace(seed=seed)
        self._set_controls(self.state)
        self._busy = True
        self.controls["mode"].value = "one"
        self._busy = False
        self.refresh()

    def _paste_error(self, message: str) -> bool:
        self.paste_status.value = f'<span style="color:#d62728">{html.escape(message)}</span>'
        return False

    def restore_code(self, text: str) -> bool:
        """Set the controls from pasted code (see ``state_from_code``); returns whether it
        worked, and says why not in the paste status."""
        if isinstance(text, str) and len(text) > MAX_PASTE:
            return self._paste_error(f"the pasted text has {len(text):,} characters; the limit "
                                     f"is {MAX_PASTE:,} (a snippet is well under 2,000)")
        try:
            state = state_from_code(text, base=self.state)
        except (ValueError, TypeError) as exc:
            return self._paste_error(str(exc))
        except (OverflowError, RecursionError, MemoryError) as exc:
            # a number too large for a setting, or code nested too deep to read
            return self._paste_error(f"the pasted code cannot be read ({type(exc).__name__}): "
                                     "paste a Config(...) or the explorer's own snippet")
        except Exception as exc:  # anything else a paste provokes: say so, never raise
            return self._paste_error(f"the pasted code cannot be read ({type(exc).__name__}: "
                                     f"{str(exc)[:200]})")
        self.paste_status.value = "restored"
        self.set_state(state)
        return True


def show(preset: str | None = "default", state=None, mode: str = "one") -> Explorer:
    """The explorer view on ``preset`` (see ``PRESETS``) or on ``state``; notebook 07.
    ``mode`` "many" opens the many-seed view."""
    if state is not None:
        return Explorer(state, mode=mode)
    return Explorer(mode=mode, preset_name=preset)

