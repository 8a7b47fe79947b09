"""Play driven by the kernel (notebook 07's explorer): frames pushed at a steady pace, never
queued behind a slow page.

``Player.run(first, last)`` is a coroutine on the kernel's event loop: it shows frames
first+1 .. last through ``show(k)``, one every ``period`` seconds at most. Before showing a
frame it waits while ``ahead`` frames sent are not yet taken by the page (``pending()``, from
the page's acknowledgements; 2 by default: the page decodes one frame while the kernel draws
the next), at most ``stall`` seconds, so that a page that never answers, or none at all,
still sees Play end. A frame is the one due by the clock since Play began: when the
page or the kernel falls behind, the frames in between are skipped, never queued, and
Play ends on ``last`` in about the time it should take. It stops between frames on
``stop()`` and on SIGINT (Jupyter's Interrupt, which the kernel ignores while idle), and
leaves the SIGINT handler as it found it.
"""

from __future__ import annotations

import asyncio
import math
import signal
import threading
import time
from collections.abc import Awaitable, Callable

__all__ = ["FPS", "Player"]

FPS = 20  # frames per second Play aims at
POLL = 0.004  # seconds between looks at the page's acknowledgement


class Player:
    """Shows frames on a clock (see the module). ``show(k)`` draws and sends frame k;
    ``pending()`` is the number of frames sent that the page has not yet taken. ``clock`` and
    ``sleep`` are replaceable for a test (a clock in seconds, and an awaitable sleep)."""

    def __init__(self, show: Callable[[int], None], pending: Callable[[], int],
                 period: float = 1 / FPS, stall: float = 0.5, ahead: int = 2,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable] = asyncio.sleep):
        if not (callable(show) and callable(pending)):
            raise TypeError("show and pending must be callables")
        if isinstance(ahead, bool) or not isinstance(ahead, int) or ahead < 1:
            raise ValueError(f"ahead must be an int >= 1, got {ahead!r}")
        for name, value in (("period", period), ("stall", stall)):
            if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
                raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
        self.show, self.pending = show, pending
        self.period, self.stall, self.ahead = float(period), float(stall), ahead
        self.clock, self.sleep = clock, sleep
        self.running = False
        self.interrupted = False
        self._stop = False

    def stop(self) -> None:
        """Stop before the next frame (the frame being drawn, if any, is finished)."""
        self._stop = True

    async def run(self, first: int, last: int) -> int:
        """Show frames after ``first`` up to ``last``; returns the last frame shown (``first``
        when stopped before any)."""
        if self.running:
            raise RuntimeError("this Player is already running")
        self.running, self._stop, self.interrupted = True, False, False
        restore = self._catch_interrupt()
        try:
            return await self._frames(first, last)
        finally:
            self.running = False
            restore()

    async def _frames(self, first: int, last: int) -> int:
        start = self.clock()
        shown, sent = first, None
        while not self._stop and shown < last:
            if sent is not None:
                now = self.clock()
                early = sent + self.period - now
                waiting = self.pending() >= self.ahead and now - sent < self.stall
                if early > 0 or waiting:
                    await self.sleep(min(early, POLL) if early > 0 else POLL)
                    continue
            now = self.clock()
            due = first + 1 + int((now - start) / self.period)  # the frame of this moment
            shown = min(last, max(shown + 1, due))
            sent = now
            self.show(shown)
        return shown

    def _catch_interrupt(self) -> Callable[[], None]:
        """While Play runs, SIGINT stops it (in the main thread only: elsewhere signals
        cannot be caught); returns what puts the previous handler back."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        try:
            before = signal.getsignal(signal.SIGINT)
        except (ValueError, OSError):
            return lambda: None

        def on_interrupt(signum, frame):
            self.interrupted = True
            self.stop()

        signal.signal(signal.SIGINT, on_interrupt)

        def restore() -> None:
            # only our own handler is taken back: a handler set meanwhile (the kernel sets
            # its own while it runs a cell) is left to whoever set it
            if signal.getsignal(signal.SIGINT) is on_interrupt:
                signal.signal(signal.SIGINT, before if before is not None
                              else signal.SIG_DFL)

        return restore
