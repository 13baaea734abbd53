"""The reads the delivery ledger plans and checks from: set-based, one statement each.

A mixin of `DeliveryRepository` (reached as `uow.deliveries`), kept apart so that each
module stays small: the ledger's own writes there, what the ledger is planned from here.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import (
    CoordinatorPrefs,
    PeerSession,
    Person,
    Programme,
    ReminderPrefs,
    Role,
    SessionState,
    WorkerPrefs,
)


class PlannedSession(NamedTuple):
    """A session that may have occurrences due, with both people and their preferences."""

    session: PeerSession
    peer: Person
    worker: Person
    reminder_prefs: ReminderPrefs | None
    summary_lead_minutes: int | None


class NamedSession(NamedTuple):
    session: PeerSession
    peer_name: str
    worker_name: str


class DeliveryPlanQueries:
    session: AsyncSession

    async def sessions_starting(self, after: datetime, until: datetime) -> list[PlannedSession]:
        """Scheduled or confirmed sessions starting in (after, until], in one statement."""
        peer, worker = aliased(Person), aliased(Person)
        stmt = (
            select(PeerSession, peer, worker, ReminderPrefs, WorkerPrefs.summary_lead_minutes)
            .join(Programme, Programme.id == PeerSession.programme_id)
            .join(peer, peer.id == Programme.peer_id)
            .join(worker, worker.id == Programme.worker_id)
            .outerjoin(ReminderPrefs, ReminderPrefs.person_id == peer.id)
            .outerjoin(WorkerPrefs, WorkerPrefs.person_id == worker.id)
            .where(
                PeerSession.state.in_((SessionState.SCHEDULED, SessionState.CONFIRMED)),
                PeerSession.starts_at > after,
                PeerSession.starts_at <= until,
            )
        )
        return [PlannedSession(*row) for row in await self.session.execute(stmt)]

    async def coordinators_with_prefs(self) -> list[tuple[Person, CoordinatorPrefs | None]]:
        """Every coordinator who can get a digest, with their settings (None: defaults)."""
        stmt = (
            select(Person, CoordinatorPrefs)
            .outerjoin(CoordinatorPrefs, CoordinatorPrefs.person_id == Person.id)
            .where(
                Person.role == Role.COORDINATOR,
                Person.telegram_id.is_not(None),
                Person.left_at.is_(None),
            )
        )
        return [(person, prefs) for person, prefs in await self.session.execute(stmt)]

    async def recipients(self, person_ids: Collection[int]) -> dict[int, Person]:
        stmt = select(Person).where(Person.id.in_(set(person_ids)))
        return {p.id: p for p in await self.session.scalars(stmt)}

    async def named_sessions(self, session_ids: Collection[int]) -> dict[int, NamedSession]:
        """Sessions by id, each with its peer's and peer worker's display names."""
        if not session_ids:
            return {}
        peer, worker = aliased(Person), aliased(Person)
        stmt = (
            select(PeerSession, peer.display_name, worker.display_name)
            .join(Programme, Programme.id == PeerSession.programme_id)
            .join(peer, peer.id == Programme.peer_id)
            .join(worker, worker.id == Programme.worker_id)
            .where(PeerSession.id.in_(set(session_ids)))
        )
        return {
            s.id: NamedSession(s, peer_name or "", worker_name or "")
            for s, peer_name, worker_name in await self.session.execute(stmt)
        }

    async def reminder_prefs(self, person_ids: Collection[int]) -> dict[int, ReminderPrefs]:
        if not person_ids:
            return {}
        stmt = select(ReminderPrefs).where(ReminderPrefs.person_id.in_(set(person_ids)))
        return {p.person_id: p for p in await self.session.scalars(stmt)}

    async def session_states(self, start: datetime, end: datetime) -> dict[str, int]:
        """Sessions by state that started in [start, end): the plain weekly digest's figures."""
        stmt = (
            select(PeerSession.state, func.count())
            .where(PeerSession.starts_at >= start, PeerSession.starts_at < end)
            .group_by(PeerSession.state)
        )
        return {state: int(n) for state, n in await self.session.execute(stmt)}
