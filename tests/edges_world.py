"""What the edge tests share: the database as rows, to show that nothing was stored."""

from __future__ import annotations

from typing import Any

from storage.models import Base
from tests.harness import Harness


def _schedulers_own(table: str, row: Any) -> bool:
    """A mark the scheduler's tick keeps for itself (how far it has planned), written on its
    own clock: whether a person's refused command changed nothing does not depend on it."""
    return table == "bot_info" and str(row.name).startswith("deliveries_")


async def rows(bot: Harness, *, without: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but `without`), to compare before and after."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    async with bot.uow() as uow:
        for table in Base.metadata.sorted_tables:
            if table.name in without:
                continue
            result = await uow.session.execute(table.select())
            kept = [tuple(r) for r in result if not _schedulers_own(table.name, r)]
            found[table.name] = sorted(kept, key=repr)
    return found
