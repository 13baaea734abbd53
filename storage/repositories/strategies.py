"""A peer's strategies and log entries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update

from storage.models import Strategy, StrategyEntry
from storage.repositories.base import AddingRepository


class StrategyRepository(AddingRepository[Strategy]):
    async def log(
        self, strategy: Strategy, *, outcome: str, note: str | None, logged_at: datetime
    ) -> StrategyEntry:
        """Log one use of the peer's `strategy` (one added just now too): the entry, flushed."""
        await self.session.flush()  # a strategy added just now gets its id
        entry = StrategyEntry(
            strategy_id=strategy.id,
            peer_id=strategy.peer_id,
            outcome=outcome,
            note=note,
            logged_at=logged_at,
        )
        self.session.add(entry)
        await self.session.flush()
        return entry

    async def of_peer(self, peer_id: int) -> list[Strategy]:
        """The peer's own list, the most recently used first."""
        stmt = (
            select(Strategy)
            .where(Strategy.peer_id == peer_id)
            .order_by(Strategy.last_used_at.desc(), Strategy.id.desc())
        )
        return list(await self.session.scalars(stmt))

    async def owned(self, peer_id: int, strategy_id: int) -> Strategy | None:
        """The strategy if it is this peer's; None for anyone else's or a missing one."""
        return await self.session.scalar(
            select(Strategy).where(Strategy.id == strategy_id, Strategy.peer_id == peer_id)
        )

    async def named(self, peer_id: int, name: str) -> Strategy | None:
        """The peer's strategy of this name, ignoring case (so a list has no near-twins)."""
        stmt = select(Strategy).where(
            Strategy.peer_id == peer_id, func.lower(Strategy.name) == name.lower()
        )
        return await self.session.scalar(stmt.limit(1))

    async def rename(self, peer_id: int, strategy_id: int, old: str, new: str) -> bool:
        """Rename the peer's strategy if it is still called `old`; False if not."""
        result = await self.session.execute(
            update(Strategy)
            .where(Strategy.id == strategy_id, Strategy.peer_id == peer_id, Strategy.name == old)
            .values(name=new)
            .execution_options(synchronize_session="fetch")
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def remove(self, peer_id: int, strategy_id: int) -> bool:
        """Remove the peer's strategy with its entries; False if it was already gone.

        The entries go explicitly (no reliance on FK cascades), in the same transaction.
        """
        await self.session.execute(
            delete(StrategyEntry)
            .where(StrategyEntry.strategy_id == strategy_id, StrategyEntry.peer_id == peer_id)
            .execution_options(synchronize_session="fetch")
        )
        result = await self.session.execute(
            delete(Strategy)
            .where(Strategy.id == strategy_id, Strategy.peer_id == peer_id)
            .execution_options(synchronize_session="fetch")
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def count_entries(self, strategy_id: int) -> int:
        stmt = select(func.count()).where(StrategyEntry.strategy_id == strategy_id)
        return int(await self.session.scalar(stmt) or 0)

    async def owned_entry(self, peer_id: int, entry_id: int) -> tuple[StrategyEntry, str] | None:
        """An entry with its strategy's name, if the entry is this peer's."""
        stmt = (
            select(StrategyEntry, Strategy.name)
            .join(Strategy, Strategy.id == StrategyEntry.strategy_id)
            .where(StrategyEntry.id == entry_id, StrategyEntry.peer_id == peer_id)
        )
        row = (await self.session.execute(stmt)).first()
        return (row[0], row[1]) if row else None

    async def delete_entry(self, peer_id: int, entry_id: int) -> bool:
        """Delete the peer's entry; False if it was already gone."""
        result = await self.session.execute(
            delete(StrategyEntry)
            .where(StrategyEntry.id == entry_id, StrategyEntry.peer_id == peer_id)
            .execution_options(synchronize_session="fetch")
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def entries_since(
        self, peer_id: int, since: datetime | None, until: datetime | None = None
    ) -> list[tuple[StrategyEntry, str]]:
        """The peer's entries logged after `since` (and up to `until`), oldest first."""
        stmt = (
            select(StrategyEntry, Strategy.name)
            .join(Strategy, Strategy.id == StrategyEntry.strategy_id)
            .where(StrategyEntry.peer_id == peer_id)
            .order_by(StrategyEntry.logged_at, StrategyEntry.id)
        )
        if since is not None:
            stmt = stmt.where(StrategyEntry.logged_at > since)
        if until is not None:
            stmt = stmt.where(StrategyEntry.logged_at <= until)
        return [(row[0], row[1]) for row in await self.session.execute(stmt)]

    async def latest_entries(self, peer_id: int, limit: int) -> list[tuple[StrategyEntry, str]]:
        """The peer's most recent entries, newest first."""
        stmt = (
            select(StrategyEntry, Strategy.name)
            .join(Strategy, Strategy.id == StrategyEntry.strategy_id)
            .where(StrategyEntry.peer_id == peer_id)
            .order_by(StrategyEntry.logged_at.desc(), StrategyEntry.id.desc())
            .limit(limit)
        )
        return [(row[0], row[1]) for row in await self.session.execute(stmt)]
