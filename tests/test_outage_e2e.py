"""The database unreachable for a moment: people are told so, and the bot keeps running
(issue 12, defect 2, the people's half)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest

from bot.context import BotData
from storage.db import open_database
from tests.harness import Harness

TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
RECORDS = "I can't reach my records just now — please try again in a minute."
UNREACHABLE = [
    pytest.param("sqlite+aiosqlite:////nonexistent/peerbot/down.db", id="sqlite-unopenable"),
    pytest.param("postgresql+asyncpg://postgres@127.0.0.1:1/peerbot", id="postgresql-refused"),
]


@asynccontextmanager
async def database_down(bot: Harness, url: str) -> AsyncIterator[None]:
    """Every unit of work the bot opens meanwhile goes to a database it cannot reach."""
    assert bot.app is not None
    data: BotData = bot.app.bot_data
    down = open_database(url)
    data.db = down
    try:
        yield
    finally:
        data.db = bot.db
        await down.dispose()


@pytest.mark.parametrize("url", UNREACHABLE)
async def test_people_are_told_the_records_are_out_of_reach_then_all_goes_on(
    bot: Harness, url: str, caplog: pytest.LogCaptureFixture
) -> None:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    await worker.send("/schedule Sam 2026-12-03 10:00")
    card = peer.last
    async with database_down(bot, url):
        caplog.set_level(logging.INFO)
        replies = await peer.send("/next")
        assert [m.text for m in replies] == [RECORDS]
        await peer.press("I'll be there", message=card, expect_reply=False)
        assert peer.last_answer == RECORDS
        replies = await worker.send("/diary")
        assert [m.text for m in replies] == [RECORDS]
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "Sam" not in said and "SELECT" not in said  # ids, never rows or statements

    replies = await peer.send("/next")
    assert replies[0].text.startswith("Your next session")
    await peer.press("I'll be there", message=card)
    assert peer.last_answer == "Thank you, that's confirmed. See you then."
