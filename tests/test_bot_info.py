"""Small deployment facts: two replicas starting at once both record who the bot is."""

from __future__ import annotations

import asyncio

from storage.db import Database
from storage.uow import UnitOfWork


async def test_two_replicas_putting_the_same_fact_at_once_both_succeed(db: Database) -> None:
    gate = asyncio.Event()

    async def announce(value: str) -> None:
        async with UnitOfWork(db) as uow:
            assert await uow.bot_info.get("bot_username") is None
            await gate.wait()  # both have seen no row before either writes
            await uow.bot_info.put("bot_username", value)
            await uow.commit()

    tasks = [asyncio.create_task(announce(v)) for v in ("peerbot_local_bot", "peerbot_local_bot")]
    await asyncio.sleep(0.05)
    gate.set()
    await asyncio.gather(*tasks)
    async with UnitOfWork(db) as uow:
        assert await uow.bot_info.get("bot_username") == "peerbot_local_bot"


async def test_putting_a_fact_again_changes_it(db: Database) -> None:
    for value in ("first_bot", "second_bot"):
        async with UnitOfWork(db) as uow:
            await uow.bot_info.put("bot_username", value)
            await uow.commit()
    async with UnitOfWork(db) as uow:
        assert await uow.bot_info.get("bot_username") == "second_bot"
