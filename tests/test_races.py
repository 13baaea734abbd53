"""Two people acting on one session at the same moment: one wins, the other is told.

The peer confirms the session while their peer worker accepts the peer's own request to
move it. Run truly at once on PostgreSQL (the first transaction is held open, its change
made but not committed, until the second is waiting on the row), exactly one succeeds;
the other raises Stale, which the edge shows as "this has changed". The session is never
confirmed at the new time by a confirm that was meant for the old one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from bot.services import rearrange, sessions
from bot.services.errors import Stale
from bot.texts.sessions import changed
from storage.db import Database
from storage.models import PeerSession, RearrangeRequest
from storage.uow import UnitOfWork
from tests import factories

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
OLD, NEW = NOW + timedelta(days=2, hours=2), NOW + timedelta(days=3, hours=2)
SAM, WREN = 101, 201


@dataclass
class World:
    session_id: int
    request_id: int


async def world(db: Database) -> World:
    async with UnitOfWork(db) as uow:
        wren = await factories.person(uow, "worker", "Wren", telegram_id=WREN, now=NOW)
        sam = await factories.person(uow, "peer", "Sam", telegram_id=SAM, now=NOW)
        programme = await factories.programme(uow, sam, wren, now=NOW)
        session = await factories.session(uow, programme, OLD, now=NOW)
        request = RearrangeRequest(
            session_id=session.id,
            requested_by="peer",
            proposed_at=NEW,
            state="open",
            created_at=NOW,
        )
        uow.sessions.add(request)
        await uow.commit()
        return World(session.id, request.id)


class HeldOpen(UnitOfWork):
    """A unit of work whose commit waits, its changes made, until it is let go."""

    def __init__(self, db: Database, ready: asyncio.Event, go: asyncio.Event) -> None:
        super().__init__(db)
        self.ready, self.go = ready, go

    async def commit(self) -> None:
        self.ready.set()
        await self.go.wait()
        await super().commit()


async def someone_waits_on_a_lock(db: Database) -> None:
    """Return once another connection is blocked on a row lock (polled, at most 10 s)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(1000):
        async with db.engine.connect() as conn:
            if (await conn.scalar(query)) or 0:
                return
        await asyncio.sleep(0.01)
    raise AssertionError("the second change never waited for the first")


Act = Callable[[UnitOfWork, World], Awaitable[object]]


async def confirm(uow: UnitOfWork, w: World) -> object:
    return await sessions.confirm(uow, SAM, w.session_id, 1, now=NOW + timedelta(minutes=1))


async def accept(uow: UnitOfWork, w: World) -> object:
    return await rearrange.accept(uow, WREN, w.request_id, now=NOW + timedelta(minutes=2))


async def at_once(db: Database, w: World, first: Act, second: Act) -> list[object]:
    ready, go = asyncio.Event(), asyncio.Event()

    async def run_first() -> object:
        async with HeldOpen(db, ready, go) as uow:
            return await first(uow, w)

    async def run_second() -> object:
        await ready.wait()
        async with UnitOfWork(db) as uow:
            return await second(uow, w)

    async def let_go() -> None:
        await ready.wait()
        await someone_waits_on_a_lock(db)
        go.set()

    done = await asyncio.gather(run_first(), run_second(), let_go(), return_exceptions=True)
    return list(done[:2])


def only_postgresql(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite lets one writer in at a time, so the two never overlap there")


async def stored(db: Database, w: World) -> tuple[PeerSession, RearrangeRequest]:
    async with UnitOfWork(db) as uow:
        session = await uow.session.scalar(
            select(PeerSession).where(PeerSession.id == w.session_id)
        )
        request = await uow.session.get(RearrangeRequest, w.request_id)
        assert session is not None and request is not None
        return session, request


async def test_a_confirm_that_gets_there_first_makes_the_accept_stale(
    db: Database, database_url: str
) -> None:
    only_postgresql(database_url)
    w = await world(db)
    confirmed, accepted = await at_once(db, w, confirm, accept)
    assert isinstance(confirmed, sessions.Confirmed) and not confirmed.already
    assert isinstance(accepted, Stale)
    assert changed(accepted.current, for_peer=False).startswith(  # type: ignore[arg-type]
        "This has changed, so nothing was done. The session is now Wed 2 Dec, 10:00, "
        "rearrange requested."
    )
    session, request = await stored(db, w)
    assert (session.starts_at, session.state, session.version) == (OLD, "confirmed", 1)
    assert request.state == "open"


async def test_an_accept_that_gets_there_first_makes_the_confirm_stale(
    db: Database, database_url: str
) -> None:
    only_postgresql(database_url)
    w = await world(db)
    accepted, confirmed = await at_once(db, w, accept, confirm)
    assert isinstance(accepted, sessions.SessionView) and accepted.starts_at == NEW
    assert isinstance(confirmed, Stale)
    assert changed(confirmed.current, for_peer=True).startswith(  # type: ignore[arg-type]
        "This has changed, so nothing was done. The session is now Thu 3 Dec, 10:00"
    )
    session, request = await stored(db, w)
    # Moved, and not confirmed: the peer's confirm of the old time does not confirm the new
    # one, and the worker's accept leaves it to the peer's own word (#13.6).
    assert (session.starts_at, session.state, session.version) == (NEW, "scheduled", 2)
    assert session.confirmed_at is None
    assert request.state == "accepted"
