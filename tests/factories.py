"""Test data straight into the database, for tests whose subject is not how it got there."""

from __future__ import annotations

from datetime import datetime

from storage.models import PeerSession, Person, Programme, ProgrammeState, SessionState
from storage.uow import UnitOfWork


async def person(
    uow: UnitOfWork,
    role: str,
    name: str,
    *,
    telegram_id: int | None,
    now: datetime,
    timezone: str = "Europe/London",
    invited_by_id: int | None = None,
) -> Person:
    row = Person(
        role=role,
        display_name=name,
        telegram_id=telegram_id,
        timezone=timezone,
        invited_by_id=invited_by_id,
        created_at=now,
        joined_at=now if telegram_id is not None else None,
        paused=False,
    )
    uow.people.add(row)
    await uow.flush()
    return row


async def programme(
    uow: UnitOfWork, peer: Person, worker: Person, *, now: datetime, planned: int = 10
) -> Programme:
    row = Programme(
        peer_id=peer.id,
        worker_id=worker.id,
        planned_sessions=planned,
        state=ProgrammeState.ACTIVE,
        started_at=now,
    )
    uow.programmes.add(row)
    await uow.flush()
    return row


async def session(
    uow: UnitOfWork,
    programme: Programme,
    starts_at: datetime,
    *,
    now: datetime,
    minutes: int = 60,
    place: str | None = "Community room",
    state: SessionState = SessionState.SCHEDULED,
    outcome_note: str | None = None,
) -> PeerSession:
    row = PeerSession(
        programme_id=programme.id,
        starts_at=starts_at,
        duration_minutes=minutes,
        place=place,
        state=state,
        version=1,
        times_moved=0,
        counts_against=False,
        outcome_note=outcome_note,
        outcome_at=starts_at if state in (SessionState.HELD, SessionState.MISSED) else None,
        confirmed_at=now if state == SessionState.CONFIRMED else None,
        created_at=now,
    )
    uow.session.add(row)
    await uow.flush()
    return row
