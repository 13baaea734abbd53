"""The reads the delivery ledger plans and checks from: set-based, one statement each.

A mixin of `DeliveryRepository` (reached as `uow.deliveries`), kept apart so that each
module stays small: the ledger's own writes there, what the ledger is planned from here.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.enums import DeliveryKind, DeliveryState
from storage.models import (
    CoordinatorPrefs,
    Delivery,
    PeerSession,
    Person,
    Programme,
    ReminderPrefs,
    Role,
    WorkerPrefs,
)


class PlannedSession(NamedTuple):
    """A session that may have occurrences due, with both people and their preferences."""

    session: PeerSession
    peer: Person
    worker: Person
    reminder_prefs: ReminderPrefs | None
    summary_lead_minutes: int | None
    safety_checkins: bool | None = None  # the worker's lone-working check-ins (SPEC §8)


class LedgerRow(NamedTuple):
    """What the planner compares against: a ledger row's key, due time and state."""

    key: str
    session_id: int | None
    recipient_id: int
    due_at: datetime
    state: str


_LEDGER_COLUMNS = (
    Delivery.key,
    Delivery.session_id,
    Delivery.recipient_id,
    Delivery.due_at,
    Delivery.state,
)


def _ledger() -> Select[str, int | None, int, datetime, str]:
    """What planning compares of a ledger row: its key, session, recipient, time, state."""
    return select(
        Delivery.key, Delivery.session_id, Delivery.recipient_id, Delivery.due_at, Delivery.state
    )


def _planned() -> Select[PeerSession, Person, Person, ReminderPrefs, int, bool]:
    """Sessions with both people and their preferences (the planner's one join)."""
    peer, worker = aliased(Person), aliased(Person)
    return (
        select(
            PeerSession,
            peer,
            worker,
            ReminderPrefs,
            WorkerPrefs.summary_lead_minutes,
            WorkerPrefs.safety_checkins,
        )
        .join(Programme, Programme.id == PeerSession.programme_id)
        .join(peer, peer.id == Programme.peer_id)
        .join(worker, worker.id == Programme.worker_id)
        .outerjoin(ReminderPrefs, ReminderPrefs.person_id == peer.id)
        .outerjoin(WorkerPrefs, WorkerPrefs.person_id == worker.id)
        # The unit's conditional UPDATEs leave objects it loaded earlier as they were read.
        .execution_options(populate_existing=True)
    )


# Every unit of work that changes a session plans it again (a confirm press, a move): these
# are built once, with bind parameters, so that a plan does not build and key its
# statements each time (about 2 ms of CPU a confirm press on PostgreSQL, the biggest part).
_STARTS_AFTER = PeerSession.starts_at > bindparam("since")
_TOUCHED_SESSIONS = _planned().where(
    PeerSession.id.in_(bindparam("ids", expanding=True)), _STARTS_AFTER
)
_PEOPLE: Any = bindparam("people", expanding=True)
_SESSIONS_OF_PEOPLE = _planned().where(
    or_(Programme.peer_id.in_(_PEOPLE), Programme.worker_id.in_(_PEOPLE)), _STARTS_AFTER
)
_LEDGER_OF_SESSIONS = _ledger().where(Delivery.session_id.in_(bindparam("ids", expanding=True)))


class NamedSession(NamedTuple):
    session: PeerSession
    peer_name: str
    worker_name: str


class DeliveryPlanQueries:
    session: AsyncSession

    async def sessions_after(
        self,
        cursor: tuple[datetime, int] | None,
        since: datetime,
        until: datetime,
        limit: int | None,
    ) -> list[PlannedSession]:
        """Up to `limit` (None: all) sessions (any state) after `cursor` in (starts_at, id) order,
        starting in (since, until]: the reconciliation's slice, through ix_sessions_starts_at."""
        window = (PeerSession.starts_at > since, PeerSession.starts_at <= until)
        pick = select(PeerSession.id).where(*window)
        if cursor is not None:
            at, session_id = cursor
            pick = pick.where(
                PeerSession.starts_at >= at,
                or_(PeerSession.starts_at > at, PeerSession.id > session_id),
            )
        # The slice first (along ix_sessions_starts_at), then its people: joined before the
        # LIMIT, PostgreSQL would join every session of the window and sort them all.
        pick = pick.order_by(PeerSession.starts_at, PeerSession.id).limit(limit)
        stmt = _planned().where(PeerSession.id.in_(pick.scalar_subquery()))
        stmt = stmt.order_by(PeerSession.starts_at, PeerSession.id)
        return [PlannedSession(*row) for row in await self.session.execute(stmt)]

    async def sessions_touched(
        self, session_ids: Collection[int], person_ids: Collection[int], since: datetime
    ) -> list[PlannedSession]:
        """Sessions (any state) by id, and those of these peers or workers, starting after
        `since`: one statement for each, each along its own index."""
        found: dict[int, PlannedSession] = {}
        wanted: list[tuple[Any, dict[str, Any]]] = []
        if session_ids:
            wanted.append((_TOUCHED_SESSIONS, {"ids": list(set(session_ids))}))
        if person_ids:
            wanted.append((_SESSIONS_OF_PEOPLE, {"people": list(set(person_ids))}))
        for stmt, values in wanted:
            for row in await self.session.execute(stmt, {**values, "since": since}):
                found[row[0].id] = PlannedSession(*row)
        return list(found.values())

    async def ledger_of_sessions(self, session_ids: Collection[int]) -> list[LedgerRow]:
        """The ledger rows of these sessions (through the index on deliveries.session_id)."""
        if not session_ids:
            return []
        result = await self.session.execute(_LEDGER_OF_SESSIONS, {"ids": list(set(session_ids))})
        return [LedgerRow(*row) for row in result]

    async def pending_digests(self, after: datetime) -> list[LedgerRow]:
        """Digest rows due after `after` (planned ahead, or planned by the last pass)."""
        stmt = _ledger().where(
            Delivery.kind == DeliveryKind.DIGEST,
            Delivery.state == DeliveryState.PENDING,
            Delivery.due_at > after,
        )
        return [LedgerRow(*row) for row in await self.session.execute(stmt)]

    async def coordinators_with_prefs(
        self, person_ids: Collection[int] | None = None
    ) -> list[tuple[Person, CoordinatorPrefs | None]]:
        """Every coordinator who can get a digest (of `person_ids`, if given), with their
        settings (None: defaults)."""
        stmt = (
            select(Person, CoordinatorPrefs)
            .outerjoin(CoordinatorPrefs, CoordinatorPrefs.person_id == Person.id)
            .where(
                Person.role == Role.COORDINATOR,
                Person.telegram_id.is_not(None),
                Person.left_at.is_(None),
            )
        )
        if person_ids is not None:
            stmt = stmt.where(Person.id.in_(set(person_ids)))
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
