"""A peer who paused messages (/stop) when their programme ended still gets their toolbox:
held while paused, sent once they /start again (nothing lost, nothing sent unasked)."""

from __future__ import annotations

from tests.harness import Harness
from tests.test_endings_e2e import TUESDAY, planned_session


async def test_a_paused_peer_gets_the_toolbox_once_they_start_again(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    await planned_session(bot, worker)
    await peer.send("/stop")
    await worker.send("/close sam")
    await worker.press("They've moved on")
    await worker.press("Yes, close it")
    before = len(peer.messages)
    await bot.tick()
    assert peer.messages[before:] == []  # paused: nothing on the bot's own

    await peer.send("/start")
    started = len(peer.messages)
    await bot.tick()
    texts = [m.text or "" for m in peer.messages[started:]]
    assert texts[0].startswith("Your peer support programme has come to an end, Sam."), texts
    assert len(texts) == 3  # the toolbox, its PDF and the first question
    bot.clock.advance(days=1)
    await bot.tick()
    assert len(peer.messages) == started + 3  # once
