"""Sessions and rearrange requests."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PeerSession, Person, Programme, RearrangeRequest, SessionState

LIVE = (SessionState.SCHEDULED, SessionState.CONFIRMED)
MAX_LENGTH = timedelta(hours=4)


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: PeerSession | RearrangeRequest) -> None:
        self.session.add(row)

    async def get(self, session_id: int) -> PeerSession | None:
        return await self.session.get(PeerSession, session_id)

    async def with_programme(self, session_id: int) -> tuple[PeerSession, Programme] | None:
        stmt = (
            select(PeerSession, Programme)
            .join(Programme, Programme.id == PeerSession.programme_id)
            .where(PeerSession.id == session_id)
        )
        row = (await self.session.execute(stmt)).first()
        return (row[0], row[1]) if row else None

    async def held_before(self, programme_id: int, starts_at: datetime) -> int:
        stmt = select(func.count()).where(
            PeerSession.programme_id == programme_id,
            PeerSession.state == SessionState.HELD,
            PeerSession.starts_at < starts_at,
        )
        return int(await self.session.scalar(stmt) or 0)

    async def counts(self, programme_id: int) -> dict[str, int]:
        stmt = (
            select(PeerSession.state, func.count())
            .where(PeerSession.programme_id == programme_id)
            .group_by(PeerSession.state)
        )
        return {state: int(n) for state, n in await self.session.execute(stmt)}

    async def of_programme(self, programme_id: int) -> list[PeerSession]:
        stmt = (
            select(PeerSession)
            .where(PeerSession.programme_id == programme_id)
            .order_by(PeerSession.starts_at)
        )
        return list(await self.session.scalars(stmt))

    async def next_live(self, programme_id: int, now: datetime) -> PeerSession | None:
        """The next session: the first live one (not cancelled, no outcome) not yet over."""
        stmt = (
            select(PeerSession)
            .where(
                PeerSession.programme_id == programme_id,
                PeerSession.state.in_(LIVE),
                # No session is longer than this; the exact end is checked below.
                PeerSession.starts_at > now - MAX_LENGTH,
            )
            .order_by(PeerSession.starts_at, PeerSession.id)
        )
        for row in await self.session.scalars(stmt):
            if row.starts_at + timedelta(minutes=row.duration_minutes) > now:
                return row
        return None

    async def last_held_before(self, programme_id: int, when: datetime) -> PeerSession | None:
        stmt = (
            select(PeerSession)
            .where(
                PeerSession.programme_id == programme_id,
                PeerSession.state == SessionState.HELD,
                PeerSession.starts_at < when,
            )
            .order_by(PeerSession.starts_at.desc())
            .limit(1)
        )
        return await self.session.scalar(stmt)

    async def last_outcome_before(self, programme_id: int, when: datetime) -> PeerSession | None:
        """The most recent held or missed session: it carries the worker's note for next time."""
        stmt = (
            select(PeerSession)
            .where(
                PeerSession.programme_id == programme_id,
                PeerSession.state.in_([SessionState.HELD, SessionState.MISSED]),
                PeerSession.starts_at < when,
            )
            .order_by(PeerSession.starts_at.desc())
            .limit(1)
        )
        return await self.session.scalar(stmt)

    async def worker_between(
        self, worker_id: int, start: datetime, end: datetime, *, live_only: bool = False
    ) -> list[tuple[PeerSession, Person]]:
        """The worker's sessions starting in [start, end), with their peers, by time."""
        stmt = (
            select(PeerSession, Person)
            .join(Programme, Programme.id == PeerSession.programme_id)
            .join(Person, Person.id == Programme.peer_id)
            .where(
                Programme.worker_id == worker_id,
                PeerSession.starts_at >= start,
                PeerSession.starts_at < end,
                Person.left_at.is_(None),
            )
            .order_by(PeerSession.starts_at)
        )
        if live_only:
            stmt = stmt.where(PeerSession.state.in_(LIVE))
        return [(r[0], r[1]) for r in await self.session.execute(stmt)]

    async def awaiting_outcome(
        self, worker_id: int, now: datetime, limit: int = 5
    ) -> list[tuple[PeerSession, Person]]:
        """Past sessions of the worker's peers that nobody has marked yet, newest first."""
        stmt = (
            select(PeerSession, Person)
            .join(Programme, Programme.id == PeerSession.programme_id)
            .join(Person, Person.id == Programme.peer_id)
            .where(
                Programme.worker_id == worker_id,
                PeerSession.state.in_(LIVE),
                PeerSession.starts_at < now,
                PeerSession.outcome_at.is_(None),
            )
            .order_by(PeerSession.starts_at.desc())
            .limit(limit * 3)
        )
        rows = [(r[0], r[1]) for r in await self.session.execute(stmt)]
        ended = [
            r for r in rows if r[0].starts_at + timedelta(minutes=r[0].duration_minutes) <= now
        ]
        return ended[:limit]

    async def open_request(self, session_id: int) -> RearrangeRequest | None:
        stmt = (
            select(RearrangeRequest)
            .where(RearrangeRequest.session_id == session_id, RearrangeRequest.state == "open")
            .order_by(RearrangeRequest.created_at.desc(), RearrangeRequest.id.desc())
            .limit(1)
        )
        return await self.session.scalar(stmt)

    async def open_requests_for(self, session_ids: list[int]) -> set[int]:
        if not session_ids:
            return set()
        stmt = select(RearrangeRequest.session_id).where(
            RearrangeRequest.session_id.in_(session_ids), RearrangeRequest.state == "open"
        )
        return set(await self.session.scalars(stmt))

    async def get_request(self, request_id: int) -> RearrangeRequest | None:
        return await self.session.get(RearrangeRequest, request_id)

    async def replace_open_requests(self, session_id: int, now: datetime) -> None:
        await self.session.execute(
            update(RearrangeRequest)
            .where(RearrangeRequest.session_id == session_id, RearrangeRequest.state == "open")
            .values(state="replaced", resolved_at=now)
        )

    async def move(self, session_id: int, version: int, starts_at: datetime) -> bool:
        """Move a live session if nobody changed it meanwhile (its version still matches)."""
        result = await self.session.execute(
            update(PeerSession)
            .where(
                PeerSession.id == session_id,
                PeerSession.version == version,
                PeerSession.state.in_(LIVE),
            )
            .values(
                starts_at=starts_at,
                version=PeerSession.version + 1,
                times_moved=PeerSession.times_moved + 1,
                state=SessionState.SCHEDULED,
                confirmed_at=None,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def last_activity(self, programme_ids: list[int]) -> dict[int, datetime]:
        """The latest thing each peer did about their sessions (confirm, cancel, request)."""
        if not programme_ids:
            return {}
        latest: dict[int, datetime] = {}
        confirmed = (
            select(PeerSession.programme_id, func.max(PeerSession.confirmed_at))
            .where(PeerSession.programme_id.in_(programme_ids))
            .group_by(PeerSession.programme_id)
        )
        cancelled = (
            select(PeerSession.programme_id, func.max(PeerSession.cancelled_at))
            .where(PeerSession.programme_id.in_(programme_ids), PeerSession.cancelled_by == "peer")
            .group_by(PeerSession.programme_id)
        )
        requested = (
            select(PeerSession.programme_id, func.max(RearrangeRequest.created_at))
            .join(RearrangeRequest, RearrangeRequest.session_id == PeerSession.id)
            .where(
                PeerSession.programme_id.in_(programme_ids),
                RearrangeRequest.requested_by == "peer",
            )
            .group_by(PeerSession.programme_id)
        )
        for stmt in (confirmed, cancelled, requested):
            for programme_id, when in await self.session.execute(stmt):
                if when is None:
                    continue
                if programme_id not in latest or when > latest[programme_id]:
                    latest[programme_id] = when
        return latest
