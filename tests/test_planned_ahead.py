"""Deliveries planned ahead: pending rows written when what they depend on changes (#17.1).

Each unit of work here is handed the planner the composition root hands in
(bot.context.BotData.uow); what it changed is planned again before it commits. The
reconciliation then walks a bounded slice of upcoming sessions a tick behind a cursor.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from bot.localapi import LocalBotApi
from bot.services import delivery_ahead, delivery_times as t, reminders
from storage.db import Database
from storage.models import Delivery, PeerSession, Programme, SessionState
from storage.repositories.deliveries import PENDING
from storage.uow import UnitOfWork
from storage.uow_notes import Touched
from tests import factories
from tests.deliveries_world import World, local_bot, london, make_world

NOW = london(2026, 6, 8, 12)  # a Monday noon
SESSION = london(2026, 6, 10, 10)  # Wednesday 10:00, an hour long


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    async with LocalBotApi() as api, local_bot(api) as bot:
        yield await make_world(db, api, bot, now=london(2026, 6, 1))


def planned_uow(db: Database, now: datetime) -> UnitOfWork:
    """A unit of work as the bot's handlers get it: its commit plans what it changed."""

    async def planner(uow: UnitOfWork, touched: Touched) -> None:
        await delivery_ahead.replan(uow, touched, now=now, default_timezone="Europe/London")

    return UnitOfWork(db, planner=planner)


async def pending(world: World) -> dict[str, datetime]:
    """Pending ledger rows: kind and session version → due time."""
    async with UnitOfWork(world.db) as uow:
        rows = await uow.session.scalars(select(Delivery).where(Delivery.state == PENDING))
        return {
            f"{d.kind}:v{t.key_version(d.key)}" if d.session_id else d.kind: d.due_at for d in rows
        }


async def book(world: World, starts_at: datetime, now: datetime = NOW) -> int:
    async with planned_uow(world.db, now) as uow:
        programme = await uow.session.get(Programme, world.programme_id)
        assert programme is not None
        row = await factories.session(uow, programme, starts_at, now=now)
        await uow.commit()
        return row.id


async def change(
    world: World, now: datetime, act: Callable[[UnitOfWork], Awaitable[object]]
) -> None:
    async with planned_uow(world.db, now) as uow:
        await act(uow)
        await uow.commit()


async def read_session(uow: UnitOfWork, session_id: int) -> PeerSession:
    found = await uow.session.get(PeerSession, session_id)
    assert found is not None
    return found


async def test_a_session_booked_has_its_summary_and_outcome_prompt_waiting_at_once(
    world: World,
) -> None:
    await book(world, SESSION)
    assert await pending(world) == {
        "summary:v1": SESSION - timedelta(hours=2),
        "outcome_prompt:v1": SESSION + timedelta(hours=1),
    }


async def test_a_reminder_chosen_is_planned_and_its_time_moves_with_the_choice(
    world: World,
) -> None:
    await book(world, SESSION)
    telegram_id = world.peer.telegram_id
    assert telegram_id is not None
    async with planned_uow(world.db, NOW) as uow:
        await reminders.turn_on(uow, telegram_id, reminders.DAY_BEFORE, now=NOW)
    async with planned_uow(world.db, NOW) as uow:
        await reminders.turn_on(uow, telegram_id, reminders.HOUR_BEFORE, now=NOW)
    found = await pending(world)
    assert found["reminder_hour_before:v1"] == SESSION - timedelta(hours=1)
    day_before = found["reminder_day_before:v1"]
    async with planned_uow(world.db, NOW) as uow:
        await reminders.set_time(uow, telegram_id, reminders.DAY_BEFORE, time(20, 30), now=NOW)
    assert (await pending(world))["reminder_day_before:v1"] == london(2026, 6, 9, 20, 30)
    assert day_before != london(2026, 6, 9, 20, 30)
    async with planned_uow(world.db, NOW) as uow:
        await reminders.toggle(uow, telegram_id, reminders.HOUR_BEFORE, now=NOW)
    assert "reminder_hour_before:v1" not in await pending(world)


async def test_a_moved_session_is_planned_at_its_new_time_and_the_old_one_goes(
    world: World,
) -> None:
    session_id = await book(world, SESSION)
    later = SESSION + timedelta(days=1)

    async def move(uow: UnitOfWork) -> None:
        assert await uow.sessions.move(await read_session(uow, session_id), later, NOW)

    await change(world, NOW, move)
    assert await pending(world) == {
        "summary:v2": later - timedelta(hours=2),
        "outcome_prompt:v2": later + timedelta(hours=1),
    }


async def test_a_cancelled_session_leaves_nothing_waiting(world: World) -> None:
    session_id = await book(world, SESSION)

    async def cancel(uow: UnitOfWork) -> None:
        assert await uow.sessions.cancel(await read_session(uow, session_id), "peer", NOW)

    await change(world, NOW, cancel)
    assert await pending(world) == {}


async def test_an_outcome_recorded_early_takes_its_prompt_away(world: World) -> None:
    session_id = await book(world, SESSION)
    during = SESSION + timedelta(minutes=30)

    async def held(uow: UnitOfWork) -> None:
        read = await read_session(uow, session_id)
        assert await uow.sessions.record_outcome(read, SessionState.HELD, during)

    await change(world, during, held)
    # The summary fell due at 08:00 with no tick since: the check at send time has it.
    assert list(await pending(world)) == ["summary:v1"]


async def test_a_workers_summary_lead_moves_the_summary(world: World) -> None:
    await book(world, SESSION)

    async def lead(uow: UnitOfWork) -> None:
        (await uow.prefs.worker_to_change(world.worker.id)).summary_lead_minutes = 30

    await change(world, NOW, lead)
    assert (await pending(world))["summary:v1"] == SESSION - timedelta(minutes=30)


async def test_a_coordinators_digest_time_plans_the_next_digest(world: World) -> None:
    sunday = london(2026, 6, 7, 12)
    await change(
        world,
        sunday,
        lambda uow: uow.prefs.change_coordinator(world.coordinator.id, {"digest_at": time(8)}),
    )
    assert (await pending(world))["digest"] == london(2026, 6, 8, 8)
    await change(
        world,
        sunday,
        lambda uow: uow.prefs.change_coordinator(world.coordinator.id, {"digest_weekday": 2}),
    )
    assert "digest" not in await pending(world)  # Tuesday's is more than a day ahead


async def test_a_due_row_planned_ahead_is_sent_at_its_time_once(world: World) -> None:
    await book(world, SESSION)
    engine = world.engine()
    await engine.tick(SESSION - timedelta(hours=2, minutes=1))
    assert not any("Before your session" in text for text in world.to(world.worker))
    await engine.tick(SESSION - timedelta(hours=2))
    await engine.tick(SESSION - timedelta(hours=1, minutes=59))
    assert sum("Before your session" in text for text in world.to(world.worker)) == 1


async def test_sessions_written_straight_to_the_database_are_found_a_slice_at_a_time(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery_ahead, "SLICE", 2)
    for hour in range(5):
        await world.session(SESSION + timedelta(hours=hour))  # no planner: nothing planned
    assert await pending(world) == {}
    seen: list[int] = []
    for minute in range(3):
        async with UnitOfWork(world.db) as uow:
            now = NOW + timedelta(minutes=minute)
            await delivery_ahead.reconcile(uow, now=now, default_timezone="Europe/London")
        async with UnitOfWork(world.db) as uow:
            rows = await uow.session.scalars(select(Delivery.session_id).distinct())
            seen.append(len(set(rows)))
            cursor = await uow.bot_info.get(delivery_ahead.CURSOR)
    assert seen == [2, 4, 5]  # two sessions a slice, behind the cursor...
    assert cursor == ""  # ...which went round to the start of the window again


async def test_an_engine_walks_the_whole_window_at_start_then_a_slice_now_and_then(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery_ahead, "SLICE", 2)
    for hour in range(5):
        await world.session(SESSION + timedelta(hours=hour))
    engine = world.engine()
    assert (await engine.tick(NOW))["reconciled"] == 1
    assert await sessions_planned(world) == 5  # every session of the window
    for hour in range(1, 4):  # earlier than the others: first in the next pass
        await world.session(SESSION - timedelta(hours=hour))
    assert (await engine.tick(NOW + timedelta(seconds=30)))["reconciled"] == 0
    assert await sessions_planned(world) == 5  # an empty tick reads no sessions
    assert (await engine.tick(NOW + engine.reconcile_every))["reconciled"] == 1
    assert await sessions_planned(world) == 7  # one slice of two


async def sessions_planned(world: World) -> int:
    async with UnitOfWork(world.db) as uow:
        return len(set(await uow.session.scalars(select(Delivery.session_id).distinct())))
