"""Lone-working check-ins (SPEC §8): the check-ins and what the ledger holds for them.

Every change of a check-in's state is one conditional UPDATE (on the state it must be
in, and bumping `version`), so "I'm safe" and an alert being raised, or two coordinators
pressing "I'm handling it", cannot both win.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from storage.enums import (
    CheckinKind,
    CheckinState,
    DeliveryKind,
    DeliveryState,
    Role,
    SessionState,
)
from storage.models import Delivery, PeerSession, Person, Programme, SafetyCheckin
from storage.repositories.base import AddingRepository

UNRESOLVED = (CheckinState.OPEN, CheckinState.ALERTED)
# An alert row in one of these has reached (or may still reach) its coordinator.
ALERT_LIVE = (
    DeliveryState.PENDING,
    DeliveryState.CLAIMED,
    DeliveryState.SENT,
    DeliveryState.MAYBE_SENT,
)
ALERT_REACHED = (DeliveryState.SENT, DeliveryState.MAYBE_SENT)


class CheckinRow(NamedTuple):
    """A check-in with its session's version (None for one not in the diary)."""

    checkin: SafetyCheckin
    session_version: int | None


class SafetyLedgerRow(NamedTuple):
    key: str
    kind: str
    checkin_id: int
    recipient_id: int
    due_at: datetime
    state: str
    finished_at: datetime | None


def _with_session() -> Any:
    return (
        select(SafetyCheckin, PeerSession.version)
        .outerjoin(PeerSession, PeerSession.id == SafetyCheckin.session_id)
        .execution_options(populate_existing=True)
    )


class SafetyRepository(AddingRepository[SafetyCheckin]):
    async def get(self, checkin_id: int) -> SafetyCheckin | None:
        return await self.session.get(SafetyCheckin, checkin_id, populate_existing=True)

    async def of_sessions(self, session_ids: Collection[int]) -> dict[int, SafetyCheckin]:
        if not session_ids:
            return {}
        stmt = select(SafetyCheckin).where(SafetyCheckin.session_id.in_(set(session_ids)))
        rows = await self.session.scalars(stmt.execution_options(populate_existing=True))
        return {c.session_id: c for c in rows if c.session_id is not None}

    async def add_for_sessions(self, rows: list[dict[str, Any]]) -> int:
        """Insert session check-ins not there yet (a session has one: ON CONFLICT)."""
        if not rows:
            return 0
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = (
            insert(SafetyCheckin).values(rows).on_conflict_do_nothing(index_elements=["session_id"])
        )
        result = await self.session.execute(stmt)
        return max(int(result.rowcount), 0)  # type: ignore[attr-defined]

    async def unresolved(self, ids: Collection[int] | None = None) -> list[CheckinRow]:
        """Open or alerted check-ins (of `ids`, when given), with their session's version."""
        stmt = _with_session().where(SafetyCheckin.state.in_(UNRESOLVED))
        if ids is not None:
            if not ids:
                return []
            stmt = stmt.where(SafetyCheckin.id.in_(set(ids)))
        return [CheckinRow(c, v) for c, v in await self.session.execute(stmt)]

    async def with_sessions(self, ids: Collection[int]) -> dict[int, CheckinRow]:
        if not ids:
            return {}
        stmt = _with_session().where(SafetyCheckin.id.in_(set(ids)))
        return {c.id: CheckinRow(c, v) for c, v in await self.session.execute(stmt)}

    async def started_of(self, worker_id: int, now: datetime) -> list[SafetyCheckin]:
        """The worker's unresolved check-ins that have begun (what /safe ends)."""
        stmt = select(SafetyCheckin).where(
            SafetyCheckin.worker_id == worker_id,
            SafetyCheckin.state.in_(UNRESOLVED),
            SafetyCheckin.starts_at <= now,
        )
        return list(await self.session.scalars(stmt.order_by(SafetyCheckin.starts_at)))

    async def _change(self, checkin_id: int, when: Any, **values: Any) -> bool:
        stmt = (
            update(SafetyCheckin)
            .where(SafetyCheckin.id == checkin_id, when)
            .values(version=SafetyCheckin.version + 1, **values)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def mark_safe(self, checkin_id: int, now: datetime) -> bool:
        return await self._change(
            checkin_id,
            SafetyCheckin.state.in_(UNRESOLVED),
            state=CheckinState.SAFE,
            safe_at=now,
            last_heard_at=now,
        )

    async def mark_alerted(self, checkin_id: int, now: datetime) -> bool:
        """The first alert is going out: open → alerted (once)."""
        return await self._change(
            checkin_id,
            SafetyCheckin.state == CheckinState.OPEN,
            state=CheckinState.ALERTED,
            alerted_at=now,
        )

    async def mark_asked(self, checkin_id: int, now: datetime) -> bool:
        return await self._change(
            checkin_id,
            and_(SafetyCheckin.state == CheckinState.OPEN, SafetyCheckin.asked_at.is_(None)),
            asked_at=now,
        )

    async def mark_handled(self, checkin_id: int, coordinator_id: int, now: datetime) -> bool:
        return await self._change(
            checkin_id,
            and_(
                SafetyCheckin.state == CheckinState.ALERTED,
                SafetyCheckin.handled_by_id.is_(None),
            ),
            handled_by_id=coordinator_id,
            handled_at=now,
        )

    async def cancel(self, checkin_id: int) -> bool:
        return await self._change(
            checkin_id, SafetyCheckin.state == CheckinState.OPEN, state=CheckinState.CANCELLED
        )

    async def move(
        self, checkin_id: int, starts_at: datetime, ends_at: datetime, place: str | None
    ) -> bool:
        """A session's check-in follows its session (open again if it had been cancelled,
        or said safe for an earlier time)."""
        return await self._change(
            checkin_id,
            or_(
                SafetyCheckin.state.in_((CheckinState.OPEN, CheckinState.CANCELLED)),
                and_(SafetyCheckin.state == CheckinState.SAFE, SafetyCheckin.safe_at < starts_at),
            ),
            state=CheckinState.OPEN,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            safe_at=None,
            asked_at=None,
        )

    async def heard_from(self, telegram_id: int, now: datetime) -> int:
        """The worker wrote or pressed something: their unresolved check-ins note when."""
        worker = select(Person.id).where(Person.telegram_id == telegram_id).scalar_subquery()
        stmt = (
            update(SafetyCheckin)
            .where(SafetyCheckin.worker_id == worker, SafetyCheckin.state.in_(UNRESOLVED))
            .values(last_heard_at=now)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(stmt)
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def ledger_of(self, checkin_ids: Collection[int]) -> list[SafetyLedgerRow]:
        if not checkin_ids:
            return []
        stmt = select(
            Delivery.key,
            Delivery.kind,
            Delivery.checkin_id,
            Delivery.recipient_id,
            Delivery.due_at,
            Delivery.state,
            Delivery.finished_at,
        ).where(Delivery.checkin_id.in_(set(checkin_ids)))
        return [SafetyLedgerRow(*row) for row in await self.session.execute(stmt)]  # type: ignore[arg-type]

    async def coordinators(self) -> list[Person]:
        """Every coordinator an alert can go to (joined, not left)."""
        stmt = select(Person).where(
            Person.role == Role.COORDINATOR,
            Person.telegram_id.is_not(None),
            Person.left_at.is_(None),
        )
        return list(await self.session.scalars(stmt.order_by(Person.id)))

    async def place_now_or_next(self, worker_id: int, now: datetime) -> str | None:
        """The place of the worker's visit now (an ad hoc check-in begun, or a session under
        way), else of their next session today or later; None when there is none."""
        adhoc = select(SafetyCheckin.place).where(
            SafetyCheckin.worker_id == worker_id,
            SafetyCheckin.kind == CheckinKind.ADHOC,
            SafetyCheckin.state.in_(UNRESOLVED),
            SafetyCheckin.starts_at <= now,
            SafetyCheckin.place.is_not(None),
        )
        found = await self.session.scalar(adhoc.order_by(SafetyCheckin.starts_at.desc()).limit(1))
        if found:
            return found
        stmt = (
            select(PeerSession)
            .join(Programme, Programme.id == PeerSession.programme_id)
            .where(
                Programme.worker_id == worker_id,
                PeerSession.state.in_((SessionState.SCHEDULED, SessionState.CONFIRMED)),
                PeerSession.starts_at > now - timedelta(days=1),
            )
            .order_by(PeerSession.starts_at)
            .limit(20)
        )
        for s in await self.session.scalars(stmt):
            if s.starts_at + timedelta(minutes=s.duration_minutes) > now:
                return s.place
        return None

    async def peer_name(self, session_id: int) -> str | None:
        stmt = (
            select(Person.display_name)
            .join(Programme, Programme.peer_id == Person.id)
            .join(PeerSession, PeerSession.programme_id == Programme.id)
            .where(PeerSession.id == session_id)
        )
        return await self.session.scalar(stmt)

    async def failing(self, ends_before: datetime, now: datetime) -> list[SafetyCheckin]:
        """Unresolved check-ins whose alert is due (an /sos at once, any other when it
        ended before `ends_before`) and that no alert row has reached or may still reach."""
        live = exists().where(
            Delivery.checkin_id == SafetyCheckin.id,
            Delivery.kind == DeliveryKind.SAFETY_ALERT,
            Delivery.state.in_(ALERT_LIVE),
        )
        due = or_(
            and_(SafetyCheckin.kind == CheckinKind.SOS, SafetyCheckin.starts_at <= now),
            SafetyCheckin.ends_at <= ends_before,
        )
        stmt = select(SafetyCheckin).where(SafetyCheckin.state.in_(UNRESOLVED), due, ~live)
        return list(await self.session.scalars(stmt.order_by(SafetyCheckin.id)))

    async def open_count(self, now: datetime) -> int:
        """Check-ins begun and not resolved (the OPEN_CHECKINS gauge)."""
        stmt = select(func.count()).where(
            SafetyCheckin.state.in_(UNRESOLVED), SafetyCheckin.starts_at <= now
        )
        return int(await self.session.scalar(stmt) or 0)
