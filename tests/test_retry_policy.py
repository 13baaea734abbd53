"""One retry policy: a 429 is waited out by one layer only, with the bot the app really builds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.app import build_application
from bot.config import Settings
from bot.localapi import LocalBotApi
from bot.services import delivery_times as t, reminders
from storage.db import Database
from tests.deliveries_world import World, london, make_world

SESSION = london(2026, 6, 10, 10)
DUE = SESSION - timedelta(hours=1)


@pytest.fixture
async def world(db: Database, database_url: str) -> AsyncIterator[World]:
    """A world whose engine sends through the app's own bot: PTB's rate limiter included."""
    async with LocalBotApi() as api:
        settings = Settings(
            telegram_bot_token=api.token,
            telegram_base_url=api.base_url,
            telegram_base_file_url=api.base_file_url,
            database_url=database_url,
        )
        app = build_application(settings, db)
        assert app.bot.rate_limiter is not None
        async with app.bot as bot:
            yield await make_world(db, api, bot, now=london(2026, 6, 1))


async def due_reminder(world: World) -> None:
    await world.session(SESSION)
    await world.choose(reminders.HOUR_BEFORE, now=london(2026, 6, 1))
    await world.engine().plan(DUE - timedelta(minutes=30))


def requests_to_peer(world: World) -> list[int]:
    """The status of every sendMessage the server received for the peer's chat."""
    return [c.status for c in world.api.calls_to("sendMessage") if c.chat_id == 503]


async def test_a_delivery_429_is_retried_once_by_the_sender_alone(world: World) -> None:
    await due_reminder(world)
    world.api.fail("sendMessage", status=429, retry_after=1)
    await world.engine().tick(DUE)
    assert requests_to_peer(world) == [429, 200]  # exactly one retry reached the server
    assert world.sleeps == [1.0]  # …and the Sender waited for it, not the limiter
    [row] = [d for d in await world.ledger() if d.kind == t.REMINDER_HOUR_BEFORE]
    assert row.state == "sent"


async def test_a_lasting_429_costs_the_senders_tries_not_tries_times_the_limiters(
    world: World,
) -> None:
    await due_reminder(world)
    world.api.fail("sendMessage", status=429, retry_after=1, times=100)
    await world.engine().tick(DUE)
    assert requests_to_peer(world) == [429] * 4  # the Sender's 4 tries, not 4 × 4
    [row] = [d for d in await world.ledger() if d.kind == t.REMINDER_HOUR_BEFORE]
    assert row.state == "pending"  # back to the ledger for a later tick


async def test_a_handler_reply_429_is_waited_out_by_the_rate_limiter(world: World) -> None:
    world.api.fail("sendMessage", status=429, retry_after=1)
    message = await world.bot.send_message(503, "a reply")  # what a handler's reply does
    assert message.text == "a reply"
    assert requests_to_peer(world) == [429, 200]
    assert world.sleeps == []


async def test_a_bot_built_without_a_rate_limiter_still_delivers(
    db: Database, database_url: str
) -> None:
    async with LocalBotApi() as api:
        settings = Settings(
            telegram_bot_token=api.token,
            telegram_base_url=api.base_url,
            telegram_base_file_url=api.base_file_url,
            database_url=database_url,
        )
        app = build_application(settings, db, rate_limit=False)
        async with app.bot as bot:
            world = await make_world(db, api, bot, now=london(2026, 6, 1))
            await due_reminder(world)
            world.api.fail("sendMessage", status=429, retry_after=1)
            await world.engine().tick(DUE)
            assert requests_to_peer(world) == [429, 200]
            assert world.sleeps == [1.0]
