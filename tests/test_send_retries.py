"""Telegram not answering, or answering 5xx for a long time (SPEC §7): a send is tried
again with back-off while the message is still useful, and a possible duplicate is the
lesser harm than a lost reminder."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from bot.localapi import LocalBotApi
from bot.services import delivery_times as t, reminders
from storage.db import Database
from storage.models import Delivery
from tests.deliveries_world import World, local_bot, london, make_world, seed_due_reminders

SESSION = london(2026, 6, 10, 10)
DUE = SESSION - timedelta(hours=1)  # the hour-before reminder


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    async with LocalBotApi() as api, local_bot(api) as bot:
        world = await make_world(db, api, bot, now=london(2026, 6, 1))
        await world.session(SESSION)
        await world.choose(reminders.HOUR_BEFORE, now=london(2026, 6, 1))
        await world.engine().plan(DUE - timedelta(minutes=30))
        yield world


def to_peer(world: World) -> list[int]:
    """The status of every sendMessage the server received for the peer's chat."""
    return [c.status for c in world.api.calls_to("sendMessage") if c.chat_id == 503]


async def held_answers_go(world: World) -> None:
    """Wait until the server has answered every request it held back (no sleep for time)."""
    deadline = asyncio.get_running_loop().time() + 10
    assert await world.api.wait_for(lambda: world.api.busy() is None, deadline)


async def reminder(world: World) -> Delivery:
    [row] = [d for d in await world.ledger() if d.kind == t.REMINDER_HOUR_BEFORE]
    return row


async def test_a_timeout_before_delivery_is_tried_again_and_sent_once(world: World) -> None:
    # Telegram took the request but delivered nothing, and did not answer in time.
    world.api.fail("sendMessage", status=500)
    world.api.delay("sendMessage", 1.5)
    await world.engine(read_timeout=0.3).tick(DUE)
    assert len(world.to(world.peer)) == 1  # not lost
    assert to_peer(world) == [500, 200]
    row = await reminder(world)
    assert row.state == "sent"
    assert row.telegram_message_id == world.sent_to(world.peer)[0].message_id
    await held_answers_go(world)
    await world.engine().tick(DUE + timedelta(minutes=10))
    assert len(world.to(world.peer)) == 1


async def test_a_timeout_after_delivery_repeats_it_at_most_once(world: World) -> None:
    # Telegram delivered it but answered too late: the engine cannot tell, and sends again.
    world.api.delay("sendMessage", 1.5)
    await world.engine(read_timeout=0.3).tick(DUE)
    await held_answers_go(world)
    await world.engine().tick(DUE + timedelta(minutes=10))
    assert 1 <= len(world.to(world.peer)) <= 2  # never lost; at most one duplicate
    assert (await reminder(world)).state == "sent"


async def test_timeouts_on_every_try_give_it_back_to_the_ledger_for_a_later_tick(
    world: World,
) -> None:
    world.api.fail("sendMessage", status=500, times=4)
    world.api.delay("sendMessage", 2.0, times=4)
    await world.engine(read_timeout=0.1).tick(DUE)
    assert world.to(world.peer) == []
    row = await reminder(world)
    assert (row.state, row.reason) == ("pending", "timeout")  # not ended: tried again later
    await held_answers_go(world)
    await world.engine().tick(row.claimed_until or DUE)
    assert len(world.to(world.peer)) == 1


async def test_a_long_5xx_outage_is_retried_on_later_ticks_until_it_is_over(
    world: World,
) -> None:
    world.api.fail("sendMessage", status=502, times=10_000)
    engine = world.engine()
    now = DUE
    while now < DUE + timedelta(minutes=40):  # 40 minutes of 502s
        await engine.tick(now)
        now += timedelta(minutes=1)
    assert world.to(world.peer) == []
    assert (await reminder(world)).state == "pending"  # still trying, not failed
    world.api.reset_faults()
    while now < SESSION:
        await engine.tick(now)
        now += timedelta(minutes=1)
    [text] = world.to(world.peer)
    assert "your session is coming up" in text  # late, and says so
    assert (await reminder(world)).state == "sent"


async def test_a_5xx_outage_until_the_session_starts_records_why_it_was_given_up(
    world: World,
) -> None:
    world.api.fail("sendMessage", status=502, times=10_000)
    engine = world.engine()
    now = DUE
    while now <= SESSION + timedelta(minutes=30):
        await engine.tick(now)
        now += timedelta(minutes=1)
    assert world.to(world.peer) == []
    row = await reminder(world)
    assert (row.state, row.reason) == ("failed", "session_started_after_network")
    assert row.attempts >= 6  # tried on later ticks, past the old five-attempt limit
    tries = len(to_peer(world))
    await engine.tick(now + timedelta(hours=1))
    assert len(to_peer(world)) == tries  # given up: tried no more


async def test_no_send_starts_in_the_second_half_of_its_claims_lease(world: World) -> None:
    """Slow sends (timeouts, 429 waits) cannot outlast the lease: the rest is claimed anew."""
    await seed_due_reminders(world.db, 12, DUE)
    engine = world.engine(concurrency=1)
    await engine.plan(DUE)
    moments: list[datetime] = []

    def clock() -> datetime:  # 20 seconds pass with every look at the clock
        moments.append(DUE + timedelta(seconds=20 * len(moments)))
        return moments[-1]

    counts = await engine.send_due(clock)
    assert counts["held"] > 0 and counts["sent"] == 13
    chats = Counter(c.chat_id for c in world.api.calls_to("sendMessage") if c.status == 200)
    assert len(chats) == 13 and set(chats.values()) == {1}
    rows = await world.ledger()
    assert {(r.state, r.attempts) for r in rows if r.kind == t.REMINDER_HOUR_BEFORE} == {
        ("sent", 1)  # a claim handed back unsent is not counted as a try
    }


async def test_a_message_whose_sender_dies_every_time_is_given_up_after_five_claims(
    world: World,
) -> None:
    """The crash limit stays: Telegram's failures are retried, a sender's deaths are not."""
    await world.engine().plan(DUE)
    now = DUE
    for _ in range(5):  # claimed, and the process dies before sending, five times
        claimed, wanted = await world.engine("doomed").claim(now)
        assert (claimed, len(wanted)) == (1, 1)
        now += timedelta(minutes=6)  # the dead sender's lease runs out
    claimed, wanted = await world.engine("doomed").claim(now)
    assert (claimed, wanted) == (1, [])
    row = await reminder(world)
    assert (row.state, row.reason, row.attempts) == ("failed", "gave_up", 6)
