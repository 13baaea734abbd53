"""How programmes end: /close, the peer's toolbox and the ending questions' answers
(table `ending_answers`, SPEC §3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from storage.models import (
    EndingAnswers,
    Person,
    Programme,
    ProgrammeState,
    Strategy,
    StrategyEntry,
    StrategyOutcome,
)
from storage.repositories.base import AddingRepository


@dataclass(frozen=True)
class StrategyCount:
    """One of the peer's strategies: how often it was tried, and how it went."""

    name: str
    tried: int  # entries where they got to try it
    helped: int
    a_bit: int


class EndingRepository(AddingRepository[EndingAnswers]):
    async def answers_of(self, programme_id: int) -> EndingAnswers | None:
        return await self.session.scalar(
            select(EndingAnswers).where(EndingAnswers.programme_id == programme_id)
        )

    async def programme_with_peer(self, programme_id: int) -> tuple[Programme, Person] | None:
        """A programme and its peer (for the toolbox: their name and strategies)."""
        stmt = (
            select(Programme, Person)
            .join(Person, Person.id == Programme.peer_id)
            .where(Programme.id == programme_id)
        )
        row = (await self.session.execute(stmt)).first()
        return (row[0], row[1]) if row is not None else None

    async def close(self, programme_id: int, reason: str, now: datetime) -> bool:
        """End an active programme early with `reason`; False if it is no longer active."""
        result = await self.session.execute(
            update(Programme)
            .where(Programme.id == programme_id, Programme.state == ProgrammeState.ACTIVE)
            .values(state=ProgrammeState.CLOSED, close_reason=reason, ended_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def strategy_counts(self, peer_id: int) -> list[StrategyCount]:
        """The peer's strategies they logged, those that helped most first (one statement)."""
        tried = StrategyEntry.outcome != StrategyOutcome.DIDNT_TRY
        helped = func.sum(case((StrategyEntry.outcome == StrategyOutcome.HELPED, 1), else_=0))
        a_bit = func.sum(case((StrategyEntry.outcome == StrategyOutcome.A_BIT, 1), else_=0))
        tries = func.sum(case((tried, 1), else_=0))
        stmt = (
            select(Strategy.name, tries, helped, a_bit)
            .join(StrategyEntry, StrategyEntry.strategy_id == Strategy.id)
            .where(Strategy.peer_id == peer_id)
            .group_by(Strategy.id, Strategy.name)
            .order_by(helped.desc(), a_bit.desc(), tries.desc(), Strategy.name, Strategy.id)
        )
        return [
            StrategyCount(name, int(t or 0), int(h or 0), int(b or 0))
            for name, t, h, b in await self.session.execute(stmt)
        ]

    async def ask(self, programme_id: int, now: datetime) -> bool:
        """Note that the questions are asked now; False if they were asked before (once)."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = (
            insert(EndingAnswers)
            .values(programme_id=programme_id, asked_at=now)
            .on_conflict_do_nothing(index_elements=["programme_id"])
        )
        result = await self.session.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def answer(self, programme_id: int, now: datetime, **values: Any) -> bool:
        """Record one answer (helped, recommend or comment) while it has none yet."""
        [(column, value)] = values.items()
        result = await self.session.execute(
            update(EndingAnswers)
            .where(
                EndingAnswers.programme_id == programme_id,
                getattr(EndingAnswers, column).is_(None),
            )
            .values({column: value, "answered_at": now})
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
