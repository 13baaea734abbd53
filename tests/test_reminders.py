"""Reminders, as the peer chose them: at the right local time, once, and never unasked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import time, timedelta

import pytest

from bot.localapi import LocalBotApi
from bot.services import delivery_times as t, reminders
from storage.db import Database
from storage.uow import UnitOfWork
from tests.deliveries_world import World, local_bot, london, make_world

DAY = timedelta(days=1)
STEP = timedelta(minutes=30)
HOUR = timedelta(hours=1)


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    async with LocalBotApi() as api, local_bot(api) as bot:
        yield await make_world(db, api, bot, now=london(2026, 6, 1))


async def test_a_peer_who_chose_nothing_gets_nothing_at_all(world: World) -> None:
    await world.session(london(2026, 6, 10, 10))
    await world.run(london(2026, 6, 9, 8), london(2026, 6, 10, 12), HOUR)
    assert world.to(world.peer) == []


async def test_the_day_before_comes_at_18_local_with_the_session_and_its_buttons(
    world: World,
) -> None:
    session_id = await world.session(london(2026, 6, 10, 10), place="Riverside Hub")
    await world.choose(reminders.DAY_BEFORE, now=london(2026, 6, 1))
    await world.run(london(2026, 6, 9, 17, 30), london(2026, 6, 9, 17, 45), STEP)
    assert world.to(world.peer) == []
    await world.run(london(2026, 6, 9, 18), london(2026, 6, 10, 12), HOUR)
    [message] = world.sent_to(world.peer)
    assert "tomorrow" in message.text
    assert "Wednesday 10 June at 10:00, at Riverside Hub, 60 minutes with Wren" in message.text
    assert [b.text for row in message.buttons for b in row] == [
        "I'll be there",
        "Rearrange",
        "Can't make it",
        "Add to my calendar",
    ]
    assert message.button("I'll be there").callback_data == f"ses:ok:{session_id}:1"
    [row] = [d for d in await world.ledger() if d.kind == t.REMINDER_DAY_BEFORE]
    assert row.state == "sent" and row.due_at == london(2026, 6, 9, 18)


async def test_each_choice_comes_at_its_own_time_and_only_once(world: World) -> None:
    await world.session(london(2026, 6, 10, 14))
    await world.choose(
        reminders.DAY_BEFORE,
        reminders.MORNING,
        reminders.HOUR_BEFORE,
        now=london(2026, 6, 1),
        day_before=time(19, 30),
        morning=time(9, 30),
    )
    await world.run(london(2026, 6, 9, 19), london(2026, 6, 10, 15), STEP)
    texts = world.to(world.peer)
    assert len(texts) == 3
    assert "tomorrow" in texts[0] and "today" in texts[1] and "in about an hour" in texts[2]
    sent = {d.kind: d.due_at for d in await world.ledger() if d.kind in t.REMINDER_KINDS}
    assert sent == {
        t.REMINDER_DAY_BEFORE: london(2026, 6, 9, 19, 30),
        t.REMINDER_MORNING: london(2026, 6, 10, 9, 30),
        t.REMINDER_HOUR_BEFORE: london(2026, 6, 10, 13),
    }


async def test_a_morning_reminder_after_the_session_has_started_does_not_exist(
    world: World,
) -> None:
    await world.session(london(2026, 6, 10, 8))
    await world.choose(reminders.MORNING, now=london(2026, 6, 1))
    await world.run(london(2026, 6, 10, 7), london(2026, 6, 10, 10), STEP)
    assert world.to(world.peer) == []
    assert not [d for d in await world.ledger() if d.kind == t.REMINDER_MORNING]


async def test_choosing_none_turns_every_reminder_off(world: World) -> None:
    await world.session(london(2026, 6, 10, 10))
    await world.choose(reminders.DAY_BEFORE, reminders.HOUR_BEFORE, now=london(2026, 6, 1))
    async with UnitOfWork(world.db) as uow:
        choice = await reminders.choose_none(uow, 503, now=london(2026, 6, 2))
    assert not choice.any
    await world.run(london(2026, 6, 9, 17), london(2026, 6, 10, 12), HOUR)
    assert world.to(world.peer) == []


async def test_a_reminder_inside_quiet_hours_is_skipped_and_the_reason_recorded(
    world: World,
) -> None:
    await world.session(london(2026, 6, 10, 8, 30))  # an hour before is 07:30: quiet
    await world.choose(reminders.HOUR_BEFORE, now=london(2026, 6, 1))
    await world.run(london(2026, 6, 10, 7), london(2026, 6, 10, 9), STEP)
    assert world.to(world.peer) == []
    [row] = [d for d in await world.ledger() if d.kind == t.REMINDER_HOUR_BEFORE]
    assert (row.state, row.reason) == ("skipped", "quiet_hours")


async def test_without_quiet_hours_the_early_reminder_comes(world: World) -> None:
    await world.session(london(2026, 6, 10, 8, 30))
    await world.choose(reminders.HOUR_BEFORE, now=london(2026, 6, 1))
    async with UnitOfWork(world.db) as uow:
        await reminders.set_quiet_hours(uow, 503, time(0), time(0), now=london(2026, 6, 1))
    await world.run(london(2026, 6, 10, 7), london(2026, 6, 10, 9), STEP)
    assert len(world.to(world.peer)) == 1


async def test_stop_pauses_everything_and_start_resumes(world: World) -> None:
    await world.session(london(2026, 6, 10, 10))
    await world.session(london(2026, 6, 17, 10))
    await world.choose(reminders.HOUR_BEFORE, now=london(2026, 6, 1))
    async with UnitOfWork(world.db) as uow:
        assert await reminders.pause(uow, 503, now=london(2026, 6, 2))
    await world.run(london(2026, 6, 10, 8), london(2026, 6, 10, 12), STEP)
    assert world.to(world.peer) == []
    assert [
        (d.state, d.reason) for d in await world.ledger() if d.kind == t.REMINDER_HOUR_BEFORE
    ] == [("skipped", "paused")]
    async with UnitOfWork(world.db) as uow:
        assert await reminders.resume(uow, 503, now=london(2026, 6, 11))
    await world.run(london(2026, 6, 17, 8), london(2026, 6, 17, 12), STEP)
    assert len(world.to(world.peer)) == 1


async def test_a_cancelled_session_gets_no_reminder(world: World) -> None:
    session_id = await world.session(london(2026, 6, 10, 10))
    await world.choose(reminders.DAY_BEFORE, reminders.HOUR_BEFORE, now=london(2026, 6, 1))
    await world.cancel(session_id, london(2026, 6, 5))
    await world.run(london(2026, 6, 9, 17), london(2026, 6, 10, 12), HOUR)
    assert world.to(world.peer) == []


async def test_cancelling_after_planning_skips_the_claimed_reminder(world: World) -> None:
    session_id = await world.session(london(2026, 6, 10, 10))
    await world.choose(reminders.HOUR_BEFORE, now=london(2026, 6, 1))
    engine = world.engine()
    await engine.plan(london(2026, 6, 10, 9))
    await world.cancel(session_id, london(2026, 6, 10, 9))
    await engine.send_due(london(2026, 6, 10, 9))
    assert world.to(world.peer) == []
    [row] = [d for d in await world.ledger() if d.kind == t.REMINDER_HOUR_BEFORE]
    assert (row.state, row.reason) == ("skipped", "cancelled")


async def test_a_moved_session_is_reminded_at_its_new_time_only(world: World) -> None:
    session_id = await world.session(london(2026, 6, 10, 10))
    await world.choose(reminders.HOUR_BEFORE, now=london(2026, 6, 1))
    engine = world.engine()
    await engine.plan(london(2026, 6, 10, 9))  # the old time's reminder is due…
    await world.move(session_id, london(2026, 6, 10, 15))  # …and the session moves
    await world.run(london(2026, 6, 10, 9), london(2026, 6, 10, 16), STEP)
    [message] = world.sent_to(world.peer)
    assert "at 15:00" in message.text
    assert message.button("I'll be there").callback_data == f"ses:ok:{session_id}:2"
    states = {
        d.key: (d.state, d.reason) for d in await world.ledger() if d.kind == t.REMINDER_HOUR_BEFORE
    }
    assert states == {
        t.session_key(t.REMINDER_HOUR_BEFORE, session_id, 1): ("skipped", "moved"),
        t.session_key(t.REMINDER_HOUR_BEFORE, session_id, 2): ("sent", None),
    }


async def test_a_confirmed_session_still_gets_the_reminders_the_peer_chose(world: World) -> None:
    session_id = await world.session(london(2026, 6, 10, 10))
    await world.choose(reminders.HOUR_BEFORE, now=london(2026, 6, 1))
    await world.change_session(session_id, state="confirmed", confirmed_at=london(2026, 6, 2))
    await world.run(london(2026, 6, 10, 8), london(2026, 6, 10, 12), STEP)
    assert len(world.to(world.peer)) == 1


@pytest.mark.parametrize(
    ("session_day", "expected_utc_hour"),
    [
        # Spring: clocks go forward on Sunday 29 March 2026.
        ((2026, 3, 29), 18),  # reminded Saturday 28th, still GMT
        ((2026, 3, 30), 17),  # reminded Sunday 29th, already BST
        # Autumn: clocks go back on Sunday 25 October 2026.
        ((2026, 10, 25), 17),  # reminded Saturday 24th, still BST
        ((2026, 10, 26), 18),  # reminded Sunday 25th, already GMT
    ],
)
async def test_the_day_before_is_18_local_on_both_sides_of_a_clock_change(
    world: World, session_day: tuple[int, int, int], expected_utc_hour: int
) -> None:
    starts = london(*session_day, 10)
    await world.session(starts)
    await world.choose(reminders.DAY_BEFORE, reminders.MORNING, now=london(2026, 3, 1))
    await world.run(starts - 2 * DAY, starts + timedelta(hours=2), timedelta(minutes=30))
    rows = {d.kind: d for d in await world.ledger() if d.kind in t.REMINDER_KINDS}
    assert {k: r.state for k, r in rows.items()} == {
        t.REMINDER_DAY_BEFORE: "sent",
        t.REMINDER_MORNING: "sent",
    }
    day_before = rows[t.REMINDER_DAY_BEFORE].due_at
    assert day_before.hour == expected_utc_hour
    assert day_before.astimezone(t.ZoneInfo("Europe/London")).hour == 18
    assert (
        rows[t.REMINDER_MORNING].due_at.astimezone(t.ZoneInfo("Europe/London")).strftime("%H:%M")
        == "08:30"
    )
    assert len(world.to(world.peer)) == 2


async def test_the_offer_is_made_once_and_never_again(world: World) -> None:
    async with UnitOfWork(world.db) as uow:
        assert await reminders.offer_once(uow, world.peer.id, now=london(2026, 6, 1))
    async with UnitOfWork(world.db) as uow:
        assert not await reminders.offer_once(uow, world.peer.id, now=london(2026, 6, 2))
    async with UnitOfWork(world.db) as uow:
        choice = await reminders.my_reminders(uow, 503)
    assert not choice.any  # being asked turns nothing on
    async with UnitOfWork(world.db) as uow:
        assert not await reminders.offer_once(uow, world.worker.id, now=london(2026, 6, 1))


@pytest.mark.parametrize("typed", ["", "25:00", "18:61", "tea time", "1800x"])
def test_a_time_that_cannot_be_read_is_refused(typed: str) -> None:
    with pytest.raises(reminders.BadInput):
        reminders.parse_time(typed)


def test_typed_times_and_hours_are_read_generously() -> None:
    assert reminders.parse_time("7.45") == time(7, 45)
    assert reminders.parse_time(" 19 ") == time(19)
    assert reminders.parse_range("22:00 to 7:00") == (time(22), time(7))
    assert reminders.parse_range("21:00–08:00") == (time(21), time(8))
    # The bot's one parser (#13.8): what people write for a time works here too.
    assert reminders.parse_time("6pm") == time(18)
    assert reminders.parse_time("18.30") == time(18, 30)
    assert reminders.parse_range("10pm to 7am") == (time(22), time(7))
