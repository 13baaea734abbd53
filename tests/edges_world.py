"""What the edge tests share: the database as rows, to show that nothing was stored."""

from __future__ import annotations

from typing import Any

from storage.models import Base
from tests.harness import Harness


async def rows(bot: Harness, *, without: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but `without`), to compare before and after."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    async with bot.uow() as uow:
        for table in Base.metadata.sorted_tables:
            if table.name in without:
                continue
            result = await uow.session.execute(table.select())
            found[table.name] = sorted((tuple(r) for r in result), key=repr)
    return found
