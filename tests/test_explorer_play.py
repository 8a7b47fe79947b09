"""Play in a kernel: a tick from the page is answered at once and its frame drawn just after,
on the kernel's event loop; ticks that arrive before it is drawn are skipped, the frame shown
is the one the timer is at, and it is the frame a fresh run to that step gives. Ticks from
Python are drawn at once."""

import asyncio

from xorhelpers.explorer import Explorer, State, run

FAST = State(num_steps=200)


def test_on_an_event_loop_a_tick_is_drawn_just_after_it_is_answered():
    view = Explorer(FAST)
    view.reset()  # no loop running: drawn at once
    assert "step 0 of 200" in view.status.value

    async def ticks():
        view.timer.set_state({"value": 1})  # as the page's timer ticks
        view.timer.set_state({"value": 2})  # a second tick before the first is drawn
        assert "step 0 of 200" in view.status.value  # answered, not drawn yet
        await asyncio.sleep(0)
        assert "step 20 of 200" in view.status.value  # the frame the timer is at
        assert view._frame.step == 20 and not view._frame_due
        view.timer.set_state({"value": 3})
        await asyncio.sleep(0)
        assert "step 30 of 200" in view.status.value
        view.step()  # from Python: drawn at once
        assert "step 40 of 200" in view.status.value and not view._frame_due

    asyncio.run(ticks())
    fresh = run(FAST, step=40)
    assert view._frame.status == fresh.status
    assert fresh.status in view.status.value.replace("&#x27;", "'")


def test_a_frame_due_after_a_control_change_shows_the_new_settings():
    view = Explorer(FAST)
    view.reset()

    async def change_meanwhile():
        view.timer.set_state({"value": 1})
        view.controls["activation"].value = "tanh"  # redraws the whole new run
        await asyncio.sleep(0)  # the frame due draws what the timer is at: the end

    asyncio.run(change_meanwhile())
    assert view.state.activation == "tanh"
    assert view.net.status in view.status.value.replace("&#x27;", "'")
