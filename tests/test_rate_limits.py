"""The rate limiter the app really builds, against the local Bot API's flood limits (#17: 3).

People's answers never queue behind the scheduler's sends, answerCallbackQuery is never
held, safety alerts go before reminders, and the scheduler's sends keep within Telegram's
limits with no 429.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.app import build_application
from bot.config import Settings
from bot.localapi import LocalBotApi
from bot.metrics import BOT_API_ERRORS
from scheduler.sending import Lane, Outcome, Part, Result, Sender
from storage.db import Database

CHATS = range(7001, 7061)  # more than a second's worth of deliveries


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi() as server:
        yield server


@pytest.fixture
async def bot(api: LocalBotApi, db: Database, database_url: str) -> AsyncIterator[Bot]:
    settings = Settings(
        telegram_bot_token=api.token,
        telegram_base_url=api.base_url,
        telegram_base_file_url=api.base_file_url,
        database_url=database_url,
    )
    app = build_application(settings, db)
    async with app.bot as started:
        yield started


def deliveries(bot: Bot, chats: range = CHATS) -> list[asyncio.Task[Result]]:
    sender = Sender(bot)
    return [asyncio.create_task(sender.send_part(chat, Part("reminder"))) for chat in chats]


def sent_to(api: LocalBotApi, chats: range) -> list[float]:
    return [c.at for c in api.calls_to("sendMessage") if c.chat_id in chats and c.status == 200]


async def test_a_persons_answer_does_not_queue_behind_the_schedulers_sends(
    api: LocalBotApi, bot: Bot
) -> None:
    many = range(7001, 7151)  # five seconds' worth
    queued = deliveries(bot, many)
    await asyncio.sleep(1.0)
    started = time.monotonic()
    await bot.send_message(999, "your next session")  # what a handler's reply does
    assert time.monotonic() - started < 0.2
    assert len(sent_to(api, many)) < len(many) // 2  # the reminders were still going out
    for task in queued:
        task.cancel()


async def test_answer_callback_query_is_never_held(api: LocalBotApi, bot: Bot) -> None:
    queued = deliveries(bot)
    await asyncio.sleep(0.1)
    errors = BOT_API_ERRORS.labels("bad_request")._value.get()
    started = time.monotonic()
    for _ in range(40):  # more than a second's budget, at once
        with pytest.raises(BadRequest):  # no such query here; the call is what counts
            await bot.answer_callback_query("1-unknown")
    assert time.monotonic() - started < 1.0
    assert BOT_API_ERRORS.labels("bad_request")._value.get() == errors + 40
    for task in queued:
        task.cancel()


async def test_safety_alerts_go_before_reminders_already_waiting(
    api: LocalBotApi, bot: Bot
) -> None:
    reminders = deliveries(bot)
    await asyncio.sleep(0.1)
    alerts = [
        asyncio.create_task(Sender(bot, lane=Lane.ALERT).send_part(chat, Part("check in")))
        for chat in range(8001, 8006)
    ]
    await asyncio.gather(*alerts)
    # Every alert went out while most reminders, queued before them, were still waiting.
    assert len(sent_to(api, CHATS)) < len(CHATS) // 2
    await asyncio.gather(*reminders)


async def test_one_chat_gets_one_of_the_schedulers_sends_a_second(
    api: LocalBotApi, bot: Bot
) -> None:
    api.limit_rate(per_second=30, per_chat_per_second=1)
    result = await Sender(bot).send(7001, [Part("your digest"), Part("its second part")])
    assert result.outcome == Outcome.SENT
    first, second = sent_to(api, range(7001, 7002))
    assert second - first >= 0.95
    assert api.limited == 0


async def test_the_schedulers_sends_keep_under_the_flood_limit_with_no_429(
    api: LocalBotApi, bot: Bot
) -> None:
    api.limit_rate(per_second=30, per_chat_per_second=1)
    results = await asyncio.gather(*deliveries(bot))
    assert {r.outcome for r in results} == {Outcome.SENT}
    assert api.limited == 0
    times = sent_to(api, CHATS)
    rate = (len(times) - 1) / (times[-1] - times[0])
    # Never over Telegram's 30 a second. How close it comes is bench_rate_limit.py's figure
    # (28.6/s); here the floor only catches a limiter that holds sends for nothing, and a
    # loaded machine cannot push the rate under it (it gave 28.3/s on a busy CI-like run).
    assert 20.0 <= rate <= 30.0


async def test_the_emulation_answers_429_over_thirty_a_second(api: LocalBotApi) -> None:
    api.limit_rate(per_second=30, per_chat_per_second=1)
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as bare:
        answers = await asyncio.gather(
            *(bare.send_message(chat, "hi") for chat in range(9001, 9041)),
            return_exceptions=True,
        )
    refused = [a for a in answers if isinstance(a, Exception)]
    assert len(refused) == 10
    assert api.limited == 10


async def test_a_delivery_telegram_refuses_as_a_bad_request_fails_at_once(
    api: LocalBotApi, bot: Bot
) -> None:
    api.fail("sendMessage", status=400, times=10)
    result = await Sender(bot, sleep=lambda _: asyncio.sleep(0)).send_part(7001, Part("hi"))
    assert result.outcome == Outcome.FAILED  # not tried again as a network error
    assert len(api.calls_to("sendMessage")) == 1


async def test_answers_to_a_burst_of_people_are_not_held_to_thirty_a_second(
    api: LocalBotApi, bot: Bot
) -> None:
    started = time.monotonic()
    await asyncio.gather(*(bot.send_message(chat, "your next session") for chat in CHATS))
    await asyncio.gather(*(bot.send_message(chat, "and another") for chat in CHATS))
    assert time.monotonic() - started < 1.5  # 120 answers; held to 30/s they take 3 s
