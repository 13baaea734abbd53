"""Lone-working check-ins end to end (issue #15): the real Application, its tick on the
test's clock, the local Bot API, a short grace, and a restart between each pair of steps."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.localapi import Person as Actor
from storage.models import WorkerPrefs
from tests.conftest import Clock
from tests.harness import Harness, running_bot

START = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)  # 10:00 in London


@pytest.fixture
async def bot(database_url: str, clock: Clock) -> AsyncIterator[Harness]:
    clock.set(START)
    async with running_bot(
        database_url, clock, safety_checkins=True, safety_grace_minutes=1
    ) as harness:
        yield harness


async def team(bot: Harness) -> tuple[Actor, Actor, Actor, Actor]:
    chris, wren, sam = await bot.team()
    alex = await bot.join_coordinator("Alex")
    return chris, alex, wren, sam


async def turn_on(bot: Harness, worker: Actor) -> None:
    """As the worker's /settings button does: the column, through the unit of work."""
    assert bot.app is not None
    async with bot.app.bot_data.uow() as uow:
        person = await uow.people.by_telegram_id(worker.user_id)
        assert person is not None
        prefs = await uow.session.get(WorkerPrefs, person.id)
        if prefs is None:
            uow.session.add(WorkerPrefs(person_id=person.id, safety_checkins=True))
        else:
            prefs.safety_checkins = True
        await uow.commit()


def safety_texts(person: Actor) -> list[str]:
    return [m.text or "" for m in person.messages if "safe" in (m.text or "").casefold()]


async def step(bot: Harness, minutes: float) -> None:
    """Restart, move the clock on and run the tick."""
    await bot.restart()
    bot.clock.advance(minutes=minutes)
    await bot.tick(2)


async def arrives(person: Actor, count: int) -> bool:
    deadline = asyncio.get_running_loop().time() + 10
    return await person._api.wait_for(lambda: len(safety_texts(person)) >= count, deadline)


async def test_no_answer_asks_then_alerts_then_handled_then_over(bot: Harness) -> None:
    chris, alex, wren, sam = await team(bot)
    await turn_on(bot, wren)
    await wren.send("/schedule Sam 2026-06-10 11:00 60 Riverside café")
    await step(bot, 60)  # 11:00 London: the session starts
    [started] = safety_texts(wren)
    assert "has started" in started and "call 999" in started
    await step(bot, 61)  # its end plus the grace
    assert safety_texts(wren)[-1].startswith("Are you safe?")
    await step(bot, 1)  # another grace: every coordinator
    for coordinator in (chris, alex):
        [alert] = safety_texts(coordinator)
        assert "Wren hasn't said they're safe" in alert and "Riverside café" in alert
        assert "Planned end: Wed 10 Jun, 12:00" in alert
    await bot.restart()
    await chris.press("I'm handling it", message=chris.last, expect_reply=False)
    assert chris.last_answer is not None and "handling it" in chris.last_answer
    await step(bot, 1)
    assert safety_texts(alex)[-1].startswith("Chris is handling the safety alert for Wren")
    await bot.restart()
    asked = [m for m in wren.messages if (m.text or "").startswith("Are you safe?")][-1]
    await wren.press("I'm safe", message=asked)
    await step(bot, 1)
    for coordinator in (chris, alex):
        assert safety_texts(coordinator)[-1].endswith("The safety alert is over.")
        assert len([x for x in safety_texts(coordinator) if x.startswith("Safety alert")]) == 1
    assert safety_texts(sam) == []  # a peer never sees any of this


async def test_im_safe_in_time_sends_nothing(bot: Harness) -> None:
    chris, alex, wren, _sam = await team(bot)
    await turn_on(bot, wren)
    await wren.send("/schedule Sam 2026-06-10 11:00 60 Riverside café")
    await step(bot, 60)
    started = [m for m in wren.messages if "has started" in (m.text or "")][-1]
    await wren.press("I'm safe", message=started)
    for minutes in (60, 1, 1, 1):
        await step(bot, minutes)
    # The start, edited to say thank you; nothing more.
    assert safety_texts(wren) == ["Thank you. Glad you're safe: the check-in is closed."]
    assert safety_texts(chris) == safety_texts(alex) == []


async def test_checkin_for_a_minute_with_no_place_then_safe(bot: Harness) -> None:
    chris, _alex, wren, _sam = await team(bot)
    [answer] = await wren.send("/checkin soon")
    assert "whole number from 1 to 1440" in (answer.text or "")
    [asked] = await wren.send("/checkin 1")
    assert "Where are you going?" in (asked.text or "")
    [started] = await wren.press("Skip", message=asked)
    assert (started.text or "").startswith("Check-in started")
    await step(bot, 2)  # its end plus the grace
    assert safety_texts(wren)[-1].startswith("Are you safe?")
    [thanks] = await wren.send("/safe")
    assert (thanks.text or "").startswith("Thank you")
    await step(bot, 5)
    assert safety_texts(chris) == []
    [nothing] = await wren.send("/safe")
    assert "no check-in open" in (nothing.text or "")


async def test_checkin_with_a_typed_place_alerts_with_it(bot: Harness) -> None:
    chris, alex, wren, _sam = await team(bot)
    await wren.send("/checkin 1")
    await wren.send("Flat 3, Mill Lane")
    await step(bot, 2)
    await step(bot, 1)
    for coordinator in (chris, alex):
        [alert] = safety_texts(coordinator)
        assert "Place: Flat 3, Mill Lane" in alert


async def test_sos_alerts_every_coordinator_and_says_who(bot: Harness) -> None:
    chris, alex, wren, sam = await team(bot)
    await wren.send("/schedule Sam 2026-06-10 11:00 60 Park benches")
    replies = await wren.send("/sos")  # (the tick it wakes may send the summary too)
    [text] = [m.text or "" for m in replies if "alerting" in (m.text or "")]
    assert "I'm alerting your coordinators now" in text and "Chris" in text and "Alex" in text
    await bot.tick()
    for coordinator in (chris, alex):
        assert await arrives(coordinator, 1)
        assert "Wren has asked for help now" in safety_texts(coordinator)[0]
        assert "Place: Park benches" in safety_texts(coordinator)[0]
    [refused] = await sam.send("/sos")
    assert "peer" not in safety_texts(sam) and "alerting" not in (refused.text or "")


async def test_a_service_without_checkins_answers_kindly(database_url: str, clock: Clock) -> None:
    clock.set(START)
    async with running_bot(database_url, clock) as bot:
        _chris, wren, _sam = await bot.team()
        for command in ("/checkin", "/safe", "/sos"):
            [answer] = await wren.send(command)
            assert "doesn't use safety check-ins" in (answer.text or "")
