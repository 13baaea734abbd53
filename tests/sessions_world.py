"""A small caseload straight into the database, for the sessions' service tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage.db import Database
from storage.models import PeerSession, Person, Programme, RearrangeRequest, SessionState
from storage.uow import UnitOfWork
from tests import factories

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday; London is on UTC in November
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
SAM, ALEX, WREN, KIT = 101, 102, 201, 202
# Wednesday 2 December, 10:00 in London.
WEDNESDAY_10 = NOW + 2 * DAY + 2 * HOUR


@dataclass
class World:
    sam: Person
    alex: Person
    wren: Person
    kit: Person
    programme: Programme  # Sam's, with Wren
    alex_programme: Programme  # Alex's, with Kit


async def world(db: Database, *, planned: int = 10, worker_zone: str = "Europe/London") -> World:
    """Sam is Wren's peer, Alex is Kit's; nobody has a session yet."""
    async with UnitOfWork(db) as uow:
        wren = await factories.person(
            uow, "worker", "Wren", telegram_id=WREN, now=NOW - 60 * DAY, timezone=worker_zone
        )
        kit = await factories.person(uow, "worker", "Kit", telegram_id=KIT, now=NOW - 60 * DAY)
        sam = await factories.person(uow, "peer", "Sam", telegram_id=SAM, now=NOW - 30 * DAY)
        alex = await factories.person(uow, "peer", "Alex", telegram_id=ALEX, now=NOW - 30 * DAY)
        programme = await factories.programme(uow, sam, wren, now=NOW - 30 * DAY, planned=planned)
        alex_programme = await factories.programme(uow, alex, kit, now=NOW - 30 * DAY)
        await uow.commit()
        return World(sam, alex, wren, kit, programme, alex_programme)


async def booked(
    db: Database,
    programme: Programme,
    starts_at: datetime,
    *,
    state: SessionState = SessionState.SCHEDULED,
    minutes: int = 60,
) -> int:
    async with UnitOfWork(db) as uow:
        row = await factories.session(
            uow, programme, starts_at, now=NOW - 7 * DAY, state=state, minutes=minutes
        )
        await uow.commit()
        return row.id


async def requested(
    db: Database, session_id: int, *, by: str = "peer", proposed_at: datetime | None = None
) -> int:
    async with UnitOfWork(db) as uow:
        row = RearrangeRequest(
            session_id=session_id,
            requested_by=by,
            proposed_at=proposed_at,
            wish=None if proposed_at else "Thursday afternoon",
            state="open",
            created_at=NOW - HOUR,
        )
        uow.sessions.add(row)
        await uow.commit()
        return row.id


async def stored(db: Database, session_id: int) -> PeerSession:
    async with UnitOfWork(db) as uow:
        row = await uow.session.scalar(select(PeerSession).where(PeerSession.id == session_id))
        assert row is not None
        return row


async def requests_of(db: Database, session_id: int) -> list[tuple[str, str]]:
    async with UnitOfWork(db) as uow:
        rows = await uow.session.scalars(
            select(RearrangeRequest)
            .where(RearrangeRequest.session_id == session_id)
            .order_by(RearrangeRequest.id)
        )
        return [(r.requested_by, r.state) for r in rows]
