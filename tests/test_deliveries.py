"""The delivery engine: once per occurrence, through restarts, downtime and Telegram's answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.localapi import LocalBotApi
from bot.services import deliveries, delivery_times as t, reminders
from storage.db import Database, open_database
from storage.models import Delivery
from storage.uow import UnitOfWork
from tests.deliveries_world import World, local_bot, london, make_world, seed_due_reminders

SESSION = london(2026, 6, 10, 10)
DUE = SESSION - timedelta(hours=1)  # the hour-before reminder


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    async with LocalBotApi() as api, local_bot(api) as bot:
        yield await make_world(db, api, bot, now=london(2026, 6, 1))


async def hour_before(world: World) -> int:
    session_id = await world.session(SESSION)
    await world.choose(reminders.HOUR_BEFORE, now=london(2026, 6, 1))
    await world.engine().plan(DUE - timedelta(minutes=30))  # the bot was running before
    return session_id


def to_peer(world: World) -> list[object]:
    """Every sendMessage call to the peer's chat, answered or not."""
    return [c for c in world.api.calls_to("sendMessage") if c.chat_id == 503]


async def reminder_rows(world: World) -> list[Delivery]:
    return [d for d in await world.ledger() if d.kind == t.REMINDER_HOUR_BEFORE]


async def test_ticking_again_and_a_fresh_engine_never_send_an_occurrence_twice(
    world: World,
) -> None:
    await hour_before(world)
    await world.engine("a").tick(DUE)
    await world.engine("a").tick(DUE + timedelta(seconds=30))
    await world.engine("b").tick(DUE + timedelta(minutes=1))  # after a restart
    assert len(world.to(world.peer)) == 1
    [row] = await reminder_rows(world)
    assert (row.state, row.attempts, row.claimed_by) == ("sent", 1, "a")
    assert row.telegram_message_id == world.sent_to(world.peer)[0].message_id


async def test_a_restart_between_due_and_sent_sends_it_once_after_the_lease(world: World) -> None:
    await hour_before(world)
    crashed = world.engine("crashed")
    await crashed.plan(DUE)
    claimed, _ = await crashed.claim(DUE)  # …and the process dies before sending
    assert claimed == 1
    restarted = world.engine("restarted")
    await restarted.tick(DUE + timedelta(minutes=1))  # the lease still holds
    assert world.to(world.peer) == []
    await restarted.tick(DUE + timedelta(minutes=6))
    await restarted.tick(DUE + timedelta(minutes=7))
    assert len(world.to(world.peer)) == 1
    [row] = await reminder_rows(world)
    assert (row.state, row.claimed_by, row.attempts) == ("sent", "restarted", 2)


async def test_after_short_downtime_a_reminder_still_useful_is_sent_late(world: World) -> None:
    await hour_before(world)
    await world.engine().tick(DUE + timedelta(minutes=40))  # down for 70 minutes
    [text] = world.to(world.peer)
    assert "your session is coming up" in text and "in about an hour" not in text
    assert "Wednesday 10 June at 10:00" in text


async def test_after_downtime_past_the_session_start_it_is_skipped_and_recorded(
    world: World,
) -> None:
    await hour_before(world)
    await world.engine().tick(SESSION + timedelta(minutes=5))
    assert world.to(world.peer) == []
    [row] = await reminder_rows(world)
    assert (row.state, row.reason) == ("skipped", "session_started")
    assert row.finished_at == SESSION + timedelta(minutes=5)


async def test_a_429_is_waited_out_as_told_and_sent_once(world: World) -> None:
    await hour_before(world)
    world.api.fail("sendMessage", status=429, retry_after=7)
    await world.engine().tick(DUE)
    assert world.sleeps == [7.0]
    assert len(world.to(world.peer)) == 1
    [row] = await reminder_rows(world)
    assert row.state == "sent"


async def test_a_500_is_retried_with_growing_pauses(world: World) -> None:
    await hour_before(world)
    world.api.fail("sendMessage", status=500, times=2)
    await world.engine().tick(DUE)
    assert world.sleeps == [1.0, 2.0]
    assert len(world.to(world.peer)) == 1


async def test_a_lasting_outage_goes_back_to_the_ledger_and_is_sent_on_a_later_tick(
    world: World,
) -> None:
    await hour_before(world)
    world.api.fail("sendMessage", status=502, times=4)
    await world.engine().tick(DUE)
    assert world.to(world.peer) == []
    [row] = await reminder_rows(world)
    assert (row.state, row.claimed_until) == ("pending", DUE + timedelta(minutes=1))
    await world.engine().tick(DUE + timedelta(seconds=30))  # still backing off
    assert world.to(world.peer) == []
    await world.engine().tick(DUE + timedelta(minutes=1))
    assert len(world.to(world.peer)) == 1


async def test_an_outage_that_never_ends_gives_up_after_bounded_tries(world: World) -> None:
    await hour_before(world)
    world.api.fail("sendMessage", status=500, times=100)
    now = DUE
    for _ in range(8):
        await world.engine().tick(now)
        now += timedelta(minutes=20)
    [row] = await reminder_rows(world)
    assert row.state in ("failed", "skipped")
    assert row.attempts <= 5
    assert len(to_peer(world)) <= 5 * 4


async def test_a_peer_who_blocked_the_bot_is_marked_unreachable_and_left_alone(
    world: World,
) -> None:
    await hour_before(world)
    await world.session(SESSION + timedelta(days=7))
    world.api.block(503)
    await world.engine().tick(DUE)
    peer = await world.person(world.peer.id)
    assert peer.unreachable_at == DUE
    [row] = await reminder_rows(world)
    assert (row.state, row.reason) == ("failed", "blocked")
    assert len(to_peer(world)) == 1
    next_week = DUE + timedelta(days=7)
    await world.engine().tick(next_week - timedelta(minutes=30))
    await world.engine().tick(next_week)
    assert len(to_peer(world)) == 1  # not tried again
    rows = await reminder_rows(world)
    assert [(r.state, r.reason) for r in rows] == [
        ("failed", "blocked"),
        ("skipped", "unreachable"),
    ]


async def test_the_worker_gets_the_summary_at_the_lead_time_and_the_outcome_prompt_after(
    world: World,
) -> None:
    session_id = await world.session(SESSION, place="Riverside Hub")
    engine = world.engine()
    await engine.tick(SESSION - timedelta(hours=2, minutes=5))
    assert world.to(world.worker) == []
    await engine.tick(SESSION - timedelta(hours=2))
    [summary] = world.sent_to(world.worker)
    assert "Sam" in summary.text and "10:00" in summary.text
    await engine.tick(SESSION + timedelta(minutes=59))
    assert len(world.to(world.worker)) == 1
    await engine.tick(SESSION + timedelta(minutes=60))
    prompt = world.sent_to(world.worker)[-1]
    assert "How did the session with Sam" in prompt.text
    assert prompt.button("Held").callback_data == f"out:held:{session_id}"
    assert world.to(world.peer) == []  # nothing unasked to the peer, ever


async def test_no_outcome_prompt_once_the_outcome_is_recorded(world: World) -> None:
    session_id = await world.session(SESSION)
    engine = world.engine()
    await engine.tick(SESSION)
    await world.change_session(session_id, state="held", outcome_at=SESSION + timedelta(minutes=50))
    await engine.tick(SESSION + timedelta(hours=1))
    assert not any("How did" in text for text in world.to(world.worker))


async def test_the_coordinator_gets_the_digest_on_monday_at_nine_local(world: World) -> None:
    monday = london(2026, 6, 8, 9)
    engine = world.engine()
    await engine.tick(monday - timedelta(minutes=1))
    assert world.to(world.coordinator) == []
    await engine.tick(monday)
    await engine.tick(monday + timedelta(hours=1))
    sent = world.sent_to(world.coordinator)
    assert [m.kind for m in sent] == ["text", "photo", "photo", "document"]
    assert "digest" in sent[0].text.lower()
    assert sent[1].photo.startswith(b"\x89PNG") and sent[3].filename.endswith(".csv")
    [row] = [d for d in await world.ledger() if d.kind == t.DIGEST]
    assert row.key == f"digest:person:{world.coordinator.id}:2026-06-08"


async def test_a_digest_more_than_a_day_late_is_skipped(world: World) -> None:
    engine = world.engine()
    await engine.tick(london(2026, 6, 8, 8))
    await engine.tick(london(2026, 6, 9, 10))  # down from Monday 08:00 to Tuesday 10:00
    assert world.to(world.coordinator) == []
    [row] = [d for d in await world.ledger() if d.kind == t.DIGEST]
    assert (row.state, row.reason) == ("skipped", "too_late")


@pytest.mark.postgresql
async def test_two_engines_on_one_postgresql_database_send_1000_reminders_once_each(
    database_url: str,
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("two senders at once need PostgreSQL")
    now = datetime(2026, 6, 10, 9, tzinfo=UTC)
    first = open_database(database_url)
    second = open_database(database_url)
    try:
        await seed_due_reminders(first, 1000, now)
        async with LocalBotApi() as api, local_bot(api) as bot:
            engines = []
            for name, db in (("a", first), ("b", second)):
                world = World(db, api, bot, None, None, None, 0)  # type: ignore[arg-type]
                engines.append(world.engine(name, batch=50))
            counts = await asyncio.gather(*(e.tick(now) for e in engines))
            chats = [c.chat_id for c in api.calls_to("sendMessage") if c.status == 200]
        assert len(chats) == 1000 and len(set(chats)) == 1000
        assert sum(c["sent"] for c in counts) == 1000
        assert all(c["sent"] > 0 for c in counts)  # both really took part
        async with UnitOfWork(first) as uow:
            states = dict(
                (
                    await uow.session.execute(
                        select(Delivery.state, func.count()).group_by(Delivery.state)
                    )
                ).all()
            )
        assert states == {"sent": 1000}
    finally:
        await first.dispose()
        await second.dispose()


@pytest.mark.postgresql
async def test_two_senders_claiming_at_once_each_take_at_most_their_batch(
    database_url: str,
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("two claims at once need PostgreSQL")
    now = datetime(2026, 6, 10, 9, tzinfo=UTC)
    first = open_database(database_url)
    second = open_database(database_url)
    try:
        await seed_due_reminders(first, 300, now)
        async with UnitOfWork(first) as uow:
            await deliveries.plan(uow, now=now, default_timezone="Europe/London")

        async def claim(db: Database, owner: str) -> int:
            async with UnitOfWork(db) as uow:
                rows = await deliveries.claim(
                    uow, owner=owner, now=now, lease=timedelta(minutes=5), limit=50
                )
            return len(rows)

        claimed = await asyncio.gather(claim(first, "a"), claim(second, "b"))
        # A lease is sized for one batch: a sender holding far more than it can send in
        # time would let the lease run out mid-way and the rest be sent twice.
        assert claimed == [50, 50]
    finally:
        await first.dispose()
        await second.dispose()
