"""The update path (#17: 4): a slow update in one chat never holds up another chat, one
chat's updates are handled in the order they came, and each is counted by its handler.

A slow handler (the digest's chart, a PDF) stands here as a reply the Bot API takes
seconds to answer: the handler's update is unfinished until that answer comes.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.localapi import ApiCall, Person
from bot.metrics import UPDATE_ERRORS, UPDATES
from tests.harness import Harness

TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def replies_to(bot: Harness, person: Person) -> list[ApiCall]:
    return [c for c in bot.api.calls_to("sendMessage") if c.chat_id == person.chat_id]


async def until_replied(bot: Harness, person: Person, count: int = 1) -> None:
    deadline = asyncio.get_running_loop().time() + 10
    assert await bot.api.wait_for(lambda: len(replies_to(bot, person)) >= count, deadline)


async def test_another_chat_is_answered_while_one_chats_slow_update_runs(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    bot.api.delay("sendMessage", 3.0)  # the worker's next reply takes 3 s to finish
    before = len(replies_to(bot, worker))
    slow = asyncio.create_task(worker.send("/help"))
    await until_replied(bot, worker, before + 1)
    await peer.send("/next")
    await slow
    slow_reply = replies_to(bot, worker)[before]
    [answer] = [c for c in replies_to(bot, peer) if c.at > slow_reply.at]
    assert answer.status == 200
    assert answer.at - slow_reply.at < 1.0  # not after the worker's 3 s


async def test_one_chats_updates_are_handled_in_the_order_they_came(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, _, peer = await bot.team()
    before = len(replies_to(bot, peer))
    bot.api.delay("sendMessage", 1.0)  # the first reply is slow to finish
    first = asyncio.create_task(peer.send("/help"))
    await asyncio.sleep(0)  # /help is queued before /next
    await peer.send("/next")
    await first
    help_reply, next_reply = replies_to(bot, peer)[before:]
    assert "/next" in str(help_reply.params.get("text"))  # the help lists the commands
    # /next was handled only once /help's handler had finished with its slow reply.
    assert next_reply.at - help_reply.at >= 0.9


def counted(metric: object, handler: str) -> float:
    return metric.labels(handler)._value.get()  # type: ignore[attr-defined]


async def test_updates_are_counted_by_the_handler_that_took_them(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, _, peer = await bot.team()
    handled = counted(UPDATES, "show_help")
    failed = counted(UPDATE_ERRORS, "show_help")
    await peer.send("/help")
    assert counted(UPDATES, "show_help") == handled + 1
    bot.api.fail("sendMessage", status=500, times=100)  # its reply cannot be sent
    await peer.send("/help", expect_reply=False)
    assert counted(UPDATES, "show_help") == handled + 2
    assert counted(UPDATE_ERRORS, "show_help") == failed + 1


async def test_a_burst_of_taps_from_many_chats_is_answered_with_no_database_error(
    database_url: str, clock: object
) -> None:
    from datetime import timedelta

    from bench.bench_updates import Driver
    from drills.common import FIRST_PEER, seed_due_reminders
    from tests.harness import running_bot

    async with running_bot(database_url, clock) as bot:  # type: ignore[arg-type]
        await seed_due_reminders(bot.db, 120, clock(), starts_in=timedelta(hours=3))  # type: ignore[operator]
        chats = [FIRST_PEER + i for i in range(120)]
        for chat in chats:
            bot.api.person(f"P{chat}", user_id=chat)
        driver = Driver(bot.api)
        await driver.run("/next", chats, "next", None)
        await driver.run("taps", chats, "tap", None)  # every tap at once
        texts = [str(c.params.get("text")) for c in bot.api.calls_to("answerCallbackQuery")]
        assert len(texts) == len(chats)
        assert all("confirmed" in text for text in texts), set(texts)
