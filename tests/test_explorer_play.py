"""Play driven by the kernel: frames pushed on a clock, never more than two ahead of what the
page has taken (frames skipped, not queued, behind a slow page), stopped by Pause, a control
change or SIGINT; every frame shown is the frame a fresh run to its step gives."""

import asyncio
import signal

import pytest

from xorhelpers.explorer import Explorer, State, run
from xorhelpers.explorer.play import Player

FAST = State(num_steps=200)


class Page:
    """A fake clock, and a page that takes each frame ``delay`` seconds after it is sent;
    showing a frame costs the kernel ``cost`` seconds."""

    def __init__(self, delay: float, cost: float = 0.01):
        self.t, self.delay, self.cost = 0.0, delay, cost
        self.shown: list[tuple[float, int]] = []  # (time sent, frame)
        self.in_flight = []  # frames sent and not yet taken, as each frame is sent

    def clock(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += seconds
        await asyncio.sleep(0)

    def pending(self) -> int:
        """Frames sent not yet taken: the page takes them one after another, each
        ``delay`` seconds after it is sent or after the page took the one before."""
        done, n = -float("inf"), 0
        for sent, _ in self.shown:
            done = max(done, sent) + self.delay
            n += done > self.t
        return n

    def show(self, k: int) -> None:
        self.in_flight.append(self.pending())
        self.shown.append((self.t, k))
        self.t += self.cost

    def player(self, **kwargs) -> Player:
        return Player(self.show, self.pending, clock=self.clock, sleep=self.sleep, **kwargs)


def test_a_fast_page_sees_every_frame_in_order_at_the_pace():
    page = Page(delay=0.02)
    last = asyncio.run(page.player(period=0.05).run(0, 20))
    assert last == 20 and [k for _, k in page.shown] == list(range(1, 21))
    gaps = [b - a for (a, _), (b, _) in zip(page.shown, page.shown[1:], strict=False)]
    assert min(gaps) >= 0.05 - 1e-9 and max(gaps) < 0.05 + 0.005  # one frame per period
    assert not any(page.in_flight)


def test_a_slow_page_sees_frames_skipped_never_queued_and_the_last_frame():
    page = Page(delay=0.12)  # the page takes 0.12 s per frame; Play wants one per 0.05 s
    last = asyncio.run(page.player(period=0.05).run(0, 20))
    frames = [k for _, k in page.shown]
    assert last == 20 and frames[-1] == 20
    assert frames == sorted(set(frames)) and len(frames) < 20  # skipped, in order
    assert max(page.in_flight) == 1  # never more than 2 frames on their way: none queued
    assert page.shown[-1][0] < 20 * 0.05 + 0.2  # Play keeps its length, give or take a frame


def test_a_slow_kernel_skips_frames_too():
    page = Page(delay=0.0, cost=0.11)
    asyncio.run(page.player(period=0.05).run(0, 20))
    frames = [k for _, k in page.shown]
    assert frames[-1] == 20 and len(frames) < 20 and frames == sorted(set(frames))


def test_a_page_that_never_answers_gets_a_frame_per_stall_and_play_ends():
    page = Page(delay=float("inf"))
    asyncio.run(page.player(period=0.05, stall=0.5).run(3, 20))
    times = [t for t, _ in page.shown]
    assert page.shown[0][1] == 4 and page.shown[-1][1] == 20
    # two frames may be on their way; after them, one each time the wait runs out
    assert all(b - a >= 0.5 for a, b in zip(times[1:], times[2:], strict=False))


def test_stop_ends_play_before_the_next_frame():
    page = Page(delay=0.0)
    player = page.player(period=0.05)
    show = page.show

    def show_then_stop(k):
        show(k)
        if k == 5:
            player.stop()

    player.show = show_then_stop
    assert asyncio.run(player.run(0, 20)) == 5 and page.shown[-1][1] == 5
    assert not player.running


def test_sigint_stops_play_and_the_handler_is_put_back():
    before = signal.getsignal(signal.SIGINT)

    page = Page(delay=0.0)

    def show(k):
        page.show(k)
        if k == 3:
            signal.raise_signal(signal.SIGINT)  # Jupyter's Interrupt

    player = page.player(period=0.05)
    player.show = show
    last = asyncio.run(player.run(0, 20))
    assert player.interrupted and last == 3 and [k for _, k in page.shown] == [1, 2, 3]
    assert signal.getsignal(signal.SIGINT) == before


@pytest.mark.parametrize("bad", [0, -1, float("nan"), "fast"])
def test_player_checks_its_timing(bad):
    with pytest.raises(ValueError, match="period"):
        Player(print, int, period=bad)


@pytest.mark.parametrize("bad", [0, 1.5, True])
def test_player_checks_how_far_ahead_it_may_go(bad):
    with pytest.raises(ValueError, match="ahead"):
        Player(print, int, ahead=bad)


def _page_answers(view):
    """What the page's link does: copy the number of each frame sent into the widget that
    acknowledges it."""
    view._sent.observe(lambda change: view._seen.set_state({"value": change["new"]}),
                       "value")


def _status(view) -> str:
    return view.status.value.replace("&#x27;", "'")


def test_play_in_a_kernel_shows_exact_frames_and_ends_on_the_trained_network():
    view = Explorer(FAST)
    _page_answers(view)
    statuses = []
    view.status.observe(lambda change: statuses.append(change["new"]), "value")

    async def play():
        view.reset()
        view.play()  # returns at once: the frames come from the event loop
        assert view.playing and view.buttons["play"].disabled and view._link is not None
        await view._play_task

    asyncio.run(play())
    assert not view.playing and not view.buttons["play"].disabled and view._link is None
    assert view.timer.value == view.timer.max and view.net.status in _status(view)
    assert view._sent.value >= 5  # frames pushed (at most 20; some skipped on a slow run)
    fresh = {k: run(FAST, step=k).status for k in range(0, 201, 10)}
    shown = [s.replace("&#x27;", "'") for s in statuses]
    assert all(any(f in s for f in fresh.values()) for s in shown)
    # frame by frame, the state Play went on from equals a fresh run to the frame's step
    view.reset()
    for k in range(10, 200, 10):
        view.step()
        assert view._frame.step == k and fresh[k] in _status(view)
        assert view._frame.train_state is not None


def test_pause_and_a_control_change_stop_play_between_frames():
    view = Explorer(FAST)
    _page_answers(view)

    async def pause_midway():
        view.reset()
        view.play()
        while view.timer.value < 3:
            await asyncio.sleep(0.01)
        view.pause()
        at = view.timer.value
        assert not view.playing and not view.buttons["play"].disabled
        await asyncio.sleep(0.3)
        return at

    at = asyncio.run(pause_midway())
    assert view.timer.value == at < view.timer.max
    assert run(FAST, step=10 * at).status in _status(view)

    async def change_midway():
        view.play()  # goes on from the paused frame
        assert view.playing
        view.controls["activation"].value = "tanh"
        assert not view.playing
        await asyncio.sleep(0.3)

    asyncio.run(change_midway())
    assert view.state.activation == "tanh" and view.timer.value == view.timer.max
    assert view.net.status in _status(view)


def test_without_an_event_loop_play_shows_every_frame_at_once():
    view = Explorer(FAST)
    view.reset()
    view.play()
    assert not view.playing and view.timer.value == view.timer.max
    assert view.net.status in _status(view)
