"""Reminders end to end: the real Application, its one repeating tick, the local Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.keyboards import reminder_offer
from bot.localapi import Person as Actor
from bot.texts import reminders as t
from storage.models import Person, Programme, ReminderPrefs, WorkerPrefs
from tests import factories
from tests.conftest import Clock
from tests.harness import Harness, running_bot


def reminder_offer_keyboard() -> InlineKeyboardMarkup:
    """The one-time offer's buttons, as the bot sends them after a welcome."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(k.label, callback_data=k.data) for k in row]
            for row in reminder_offer()
        ]
    )


@pytest.fixture
async def ticking(database_url: str, clock: Clock) -> AsyncIterator[Harness]:
    """The real bot with a one-second tick, at noon (outside the default quiet hours)."""
    clock.set(datetime(2026, 6, 10, 12, tzinfo=UTC))
    async with running_bot(database_url, clock, scheduler_tick_seconds=1) as harness:
        yield harness


async def person_of(bot: Harness, actor: Actor) -> Person:
    async with bot.uow() as uow:
        found = await uow.people.by_telegram_id(actor.user_id)
        assert found is not None
        return found


async def session_for(bot: Harness, actor: Actor, minutes_from_now: int) -> None:
    peer = await person_of(bot, actor)
    async with bot.uow() as uow:
        programme = await uow.session.scalar(select(Programme).where(Programme.peer_id == peer.id))
        assert programme is not None
        starts = bot.clock() + timedelta(minutes=minutes_from_now)
        await factories.session(uow, programme, starts, now=bot.clock(), place="Riverside Hub")
        await uow.commit()


async def ticks(bot: Harness, times: int = 2) -> None:
    """Run the scheduler's tick now, twice, rather than wait for its one-second timer."""
    await bot.tick(times)


async def test_only_the_peer_who_chose_an_hour_before_gets_one_reminder(ticking: Harness) -> None:
    bot = ticking
    _, worker, sam = await bot.team()
    alex = await bot.join_peer(worker, "Alex", "Alex")
    replies = await sam.send("/reminders")
    await sam.press(t.BUTTON_HOUR_BEFORE, message=replies[0])
    await session_for(bot, sam, 61)
    await session_for(bot, alex, 61)
    await ticks(bot)  # the ticks know "now"; nothing is due yet
    sam_before, alex_before = len(sam.messages), len(alex.messages)

    bot.clock.advance(minutes=1)  # the hour before Sam's session
    deadline = asyncio.get_running_loop().time() + 10
    assert await bot.api.wait_for(lambda: len(sam.messages) > sam_before, deadline)
    for minutes in (30, 31, 60):  # to the start, through the session and after it
        bot.clock.advance(minutes=minutes)
        await ticks(bot)

    new = sam.messages[sam_before:]
    assert len(new) == 1
    assert "starts in about an hour" in new[0].text and "at Riverside Hub" in new[0].text
    assert [b.text for row in new[0].buttons for b in row] == [
        "I'll be there",
        "Rearrange",
        "Can't make it",
        "Add to my calendar",
    ]
    assert len(alex.messages) == alex_before  # nothing at all, unasked
    assert any("How did the session with Sam" in (m.text or "") for m in worker.messages)


async def test_a_reminder_due_while_the_bot_was_down_comes_once_after_restarts(
    ticking: Harness,
) -> None:
    bot = ticking
    _, _, sam = await bot.team()
    replies = await sam.send("/reminders")
    await sam.press(t.BUTTON_HOUR_BEFORE, message=replies[0])
    await session_for(bot, sam, 70)
    await ticks(bot)
    before = len(sam.messages)
    await bot.stop_bot()
    bot.clock.advance(minutes=15)  # due at +10 minutes, while nothing runs
    await bot.start_bot()
    deadline = asyncio.get_running_loop().time() + 10
    assert await bot.api.wait_for(lambda: len(sam.messages) > before, deadline)
    await bot.restart()
    bot.clock.advance(minutes=1)
    await ticks(bot)
    assert len(sam.messages) == before + 1


async def test_reminders_are_chosen_with_buttons_and_typed_times(bot: Harness) -> None:
    _, worker, peer = await bot.team()
    [panel] = await peer.send("/reminders")
    assert "Your choice: no reminders." in panel.text
    assert "Quiet hours: 21:00–08:00" in panel.text

    [panel] = await peer.press(t.BUTTON_DAY_BEFORE, message=panel)
    assert "Your choice: the day before at 18:00." in panel.text
    [picker] = await peer.press("Time: 18:00", message=panel)
    assert picker.text == t.ASK_TIME["day_before"]
    [answer] = await peer.send("tea time")
    assert "couldn't read “tea time” as a time" in answer.text
    [panel] = await peer.send("19:30")
    assert "the day before at 19:30" in panel.text

    [panel] = await peer.press(t.BUTTON_HOUR_BEFORE, message=panel)
    assert "the day before at 19:30 and an hour before" in panel.text
    async with bot.uow() as uow:
        prefs = await uow.session.get(ReminderPrefs, (await person_of(bot, peer)).id)
        assert prefs is not None
        assert (prefs.day_before, prefs.day_before_at, prefs.hour_before) == (
            True,
            time(19, 30),
            True,
        )

    await peer.press_data("rem:st:1:2599", message=panel)  # forged: no such time
    assert peer.last_answer == "This button is out of date, so nothing was changed."
    [panel] = await peer.press("None", message=peer.last)
    assert "Your choice: no reminders." in panel.text

    [answer] = await worker.send("/reminders")
    assert "not something I can do for you" in answer.text


async def test_stop_pauses_and_start_resumes(bot: Harness) -> None:
    _, _, peer = await bot.team()
    [answer] = await peer.send("/stop")
    assert answer.text == t.STOPPED
    assert (await person_of(bot, peer)).paused
    [answer] = await peer.send("/stop")
    assert answer.text == t.ALREADY_STOPPED
    [reply] = await peer.send("/start")
    assert "Hello again" in reply.text and "Messages I send on my own are on again" in reply.text
    assert not (await person_of(bot, peer)).paused
    replies = await peer.send("/start")
    assert len(replies) == 1 and "Hello again" in replies[0].text


async def test_no_thanks_is_a_first_class_answer_to_the_offer(bot: Harness) -> None:
    _, _, peer = await bot.team()
    assert bot.app is not None
    await bot.app.bot.send_message(peer.chat_id, t.OFFER, reply_markup=reminder_offer_keyboard())
    [answer] = await peer.press(t.BUTTON_NO_THANKS)
    assert answer.text == t.NO_THANKS
    async with bot.uow() as uow:
        prefs = await uow.session.get(ReminderPrefs, (await person_of(bot, peer)).id)
        assert prefs is not None and prefs.asked_at is not None
        assert not (prefs.day_before or prefs.morning or prefs.hour_before)
    await bot.app.bot.send_message(peer.chat_id, t.OFFER, reply_markup=reminder_offer_keyboard())
    [panel] = await peer.press(t.BUTTON_HOUR_BEFORE)
    assert "Your choice: an hour before." in panel.text


async def test_a_peer_worker_sets_summary_timing_and_time_zone(bot: Harness) -> None:
    _, worker, _ = await bot.team()
    [panel] = await worker.send("/settings")
    assert "Summaries arrive 2 hours before each session" in panel.text
    assert "09:00–17:00, Mon–Fri" in panel.text
    [picker] = await worker.press(t.BUTTON_LEAD, message=panel)
    [panel] = await worker.press("1 hour", message=picker)
    assert "Summaries arrive 1 hour before each session" in panel.text
    await worker.press(t.BUTTON_TIMEZONE, message=panel)
    [answer] = await worker.send("Mars/Olympus")
    assert "don't know the time zone “Mars/Olympus”" in answer.text
    [panel] = await worker.send("europe/dublin")
    assert "Time zone: Europe/Dublin." in panel.text
    me = await person_of(bot, worker)
    async with bot.uow() as uow:
        prefs = await uow.session.get(WorkerPrefs, me.id)
        assert prefs is not None and prefs.summary_lead_minutes == 60
    assert me.timezone == "Europe/Dublin"
