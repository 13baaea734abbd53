"""Small deployment facts: two replicas starting at once both record who the bot is."""

from __future__ import annotations

import asyncio

from storage.db import Database
from storage.uow import UnitOfWork


async def test_two_replicas_putting_the_same_fact_at_once_both_succeed(db: Database) -> None:
    # Both have seen no row before either writes: a barrier, not a guess at how long a
    # read takes (under load a 50 ms sleep let one replica write before the other read).
    both_read = asyncio.Barrier(2)

    async def announce(value: str) -> None:
        async with UnitOfWork(db) as uow:
            assert await uow.bot_info.get("bot_username") is None
            await both_read.wait()
            await uow.bot_info.put("bot_username", value)
            await uow.commit()

    await asyncio.gather(announce("peerbot_local_bot"), announce("peerbot_local_bot"))
    async with UnitOfWork(db) as uow:
        assert await uow.bot_info.get("bot_username") == "peerbot_local_bot"


async def test_putting_a_fact_again_changes_it(db: Database) -> None:
    for value in ("first_bot", "second_bot"):
        async with UnitOfWork(db) as uow:
            await uow.bot_info.put("bot_username", value)
            await uow.commit()
    async with UnitOfWork(db) as uow:
        assert await uow.bot_info.get("bot_username") == "second_bot"
