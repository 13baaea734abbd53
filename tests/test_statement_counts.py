"""Screens cost the same number of statements whatever they show (set-based reads)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event

from bot.services import flows, rearrange, sessions
from storage.db import Database
from storage.models import Person, RearrangeRequest, SessionState
from storage.uow import UnitOfWork
from tests import factories

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday morning in London
WORKER, PEER = 500, 600
IDS = itertools.count(10_000)


@contextmanager
def counting_statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)


async def caseload(db: Database, peers: int, sessions_each: int) -> None:
    """A worker with `peers` peers, each with a held session and `sessions_each` to come,
    every other one confirmed and every third with an open rearrange request."""
    async with UnitOfWork(db) as uow:
        worker = await uow.people.by_telegram_id(WORKER)
        if worker is None:
            worker = await factories.person(uow, "worker", "Wren", telegram_id=WORKER, now=NOW)
        for n in range(peers):
            tid = PEER if n == 0 and await uow.people.by_telegram_id(PEER) is None else next(IDS)
            peer: Person = await factories.person(
                uow, "peer", f"Peer {tid}", telegram_id=tid, now=NOW - timedelta(days=30)
            )
            programme = await factories.programme(uow, peer, worker, now=NOW - timedelta(days=30))
            await factories.session(
                uow,
                programme,
                NOW - timedelta(days=7, minutes=n),
                now=NOW,
                state=SessionState.HELD,
            )
            for k in range(sessions_each):
                starts = NOW + timedelta(days=1 + k % 12, hours=1 + (k // 12) % 8, minutes=n)
                state = SessionState.CONFIRMED if k % 2 else SessionState.SCHEDULED
                row = await factories.session(uow, programme, starts, now=NOW, state=state)
                if k % 3 == 0:
                    uow.session.add(
                        RearrangeRequest(
                            session_id=row.id,
                            requested_by="peer",
                            wish="Thursday",
                            state="open",
                            created_at=NOW,
                        )
                    )
        await uow.commit()


async def diary_statements(db: Database) -> tuple[int, int]:
    async with UnitOfWork(db) as uow:
        with counting_statements(db) as seen:
            views = await sessions.diary(uow, WORKER, now=NOW)
    return len(seen), len(views)


async def test_the_diary_costs_the_same_with_2_and_with_40_sessions(db: Database) -> None:
    await caseload(db, 1, 2)
    small, shown = await diary_statements(db)
    assert shown == 2
    await caseload(db, 2, 19)
    large, shown = await diary_statements(db)
    assert shown == 40
    print(f"diary: {small} statements for 2 sessions, {large} for 40")
    assert small == large


async def peers_statements(db: Database) -> tuple[int, int]:
    async with UnitOfWork(db) as uow:
        with counting_statements(db) as seen:
            lines = await sessions.worker_peers(uow, WORKER, now=NOW)
    return len(seen), len(lines)


async def test_peers_costs_the_same_with_2_and_with_40_peers(db: Database) -> None:
    await caseload(db, 2, 2)
    small, shown = await peers_statements(db)
    assert shown == 2
    await caseload(db, 38, 2)
    large, shown = await peers_statements(db)
    assert shown == 40
    print(f"peers: {small} statements for 2 peers, {large} for 40")
    assert small == large


async def press_statements(db: Database) -> tuple[int, int]:
    async with UnitOfWork(db) as uow:
        peer = await uow.people.by_telegram_id(PEER)
        assert peer is not None
        view = await sessions.next_session(uow, PEER, NOW)
        assert view is not None
        # Each press measured is a first press (a second only rewrites the same flow row).
        await flows.end(uow, peer.id)
        await uow.commit()
    async with UnitOfWork(db) as uow:
        with counting_statements(db) as seen:
            offer = await rearrange.start(uow, PEER, view.id, view.version, now=NOW)
    return len(seen), len(offer.slots)


async def test_a_rearrange_press_costs_the_same_with_few_and_many_sessions(db: Database) -> None:
    await caseload(db, 1, 2)
    few, slots = await press_statements(db)
    assert slots > 0
    await caseload(db, 3, 30)
    many, slots = await press_statements(db)
    assert slots > 0
    print(f"rearrange press: {few} statements with 2 sessions in the window, {many} with 92")
    assert few == many
