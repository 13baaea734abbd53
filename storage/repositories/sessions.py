"""Sessions and rearrange requests.

Every change is a conditional UPDATE on what the caller read (the session's version and
state, a request still open) and says whether it changed a row: a change that lost a race
changes nothing, and the caller answers "this has changed".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from storage.models import PeerSession, Programme, ProgrammeState, RearrangeRequest, SessionState
from storage.repositories.base import AddingRepository
from storage.repositories.session_views import LIVE, MAX_LENGTH, OPEN, SessionReads, SessionRow
from storage.uow_notes import touched

__all__ = ["LIVE", "MAX_LENGTH", "SessionRepository", "SessionRow"]


class SessionRepository(AddingRepository[PeerSession | RearrangeRequest], SessionReads):
    # -- reads for the pre-session summary ------------------------------------------

    async def counts(self, programme_id: int) -> dict[str, int]:
        stmt = (
            select(PeerSession.state, func.count())
            .where(PeerSession.programme_id == programme_id)
            .group_by(PeerSession.state)
        )
        return {state: int(n) for state, n in await self.session.execute(stmt)}

    async def last_before(
        self, programme_id: int, when: datetime, states: tuple[str, ...]
    ) -> PeerSession | None:
        """The programme's latest session in `states` that began before `when`."""
        stmt = (
            select(PeerSession)
            .where(
                PeerSession.programme_id == programme_id,
                PeerSession.state.in_(states),
                PeerSession.starts_at < when,
            )
            .order_by(PeerSession.starts_at.desc())
            .limit(1)
        )
        return await self.session.scalar(stmt)

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

    # -- conditional changes --------------------------------------------------------

    async def _change(
        self, read: PeerSession, *where: Any, replan: bool = True, **values: Any
    ) -> bool:
        """Change the session if it is still as `read` (same version, same state); with
        `replan`, its deliveries are planned again when the unit commits."""
        result = await self.session.execute(
            update(PeerSession)
            .where(
                PeerSession.id == read.id,
                PeerSession.version == read.version,
                PeerSession.state == read.state,
                *where,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        changed = bool(result.rowcount)  # type: ignore[attr-defined]
        if changed and replan:
            touched(self.session).sessions.add(read.id)
        return changed

    async def confirm(self, read: PeerSession, now: datetime) -> bool:
        """The peer will be there. The version stays: their buttons are still good.

        A session never moved (version 1) needs no new plan: its deliveries read the state
        only as live or not (both states are live), and `confirmed_at` only for a moved
        session (`delivery_plan.booked_late`).
        """
        return await self._change(
            read,
            PeerSession.state.in_(LIVE),
            replan=read.version > 1,
            state=SessionState.CONFIRMED,
            confirmed_at=now,
        )

    async def cancel(self, read: PeerSession, by: str, now: datetime) -> bool:
        return await self._change(
            read,
            PeerSession.state.in_(LIVE),
            state=SessionState.CANCELLED,
            cancelled_at=now,
            cancelled_by=by,
        )

    async def record_outcome(self, read: PeerSession, outcome: str, now: datetime) -> bool:
        """Held, missed or cancelled by the worker, once, for a live session."""
        values: dict[str, Any] = {"state": outcome, "outcome_at": now}
        if outcome == SessionState.CANCELLED:
            values.update(cancelled_at=now, cancelled_by="worker")
        return await self._change(
            read, PeerSession.state.in_(LIVE), PeerSession.outcome_at.is_(None), **values
        )

    async def note(self, read: PeerSession, note: str | None) -> bool:
        return await self._change(read, PeerSession.outcome_at.is_not(None), outcome_note=note)

    async def count_against(self, read: PeerSession) -> bool:
        return await self._change(
            read, PeerSession.state == SessionState.CANCELLED, counts_against=True
        )

    async def move(
        self, read: PeerSession, starts_at: datetime, now: datetime, *, confirmed: bool = True
    ) -> bool:
        """Move a live session to an agreed time; the new version makes every button of the
        old time stale. Confirmed when the peer agreed to it, else awaiting their reply."""
        return await self._change(
            read,
            PeerSession.state.in_(LIVE),
            starts_at=starts_at,
            version=PeerSession.version + 1,
            times_moved=PeerSession.times_moved + 1,
            state=SessionState.CONFIRMED if confirmed else SessionState.SCHEDULED,
            confirmed_at=now if confirmed else None,
        )

    async def complete_if_all_held(self, programme_id: int, now: datetime) -> bool:
        """Complete an active programme once its planned sessions are all held."""
        held = (
            select(func.count())
            .where(PeerSession.programme_id == programme_id, PeerSession.state == SessionState.HELD)
            .scalar_subquery()
        )
        result = await self.session.execute(
            update(Programme)
            .where(
                Programme.id == programme_id,
                Programme.state == ProgrammeState.ACTIVE,
                held >= Programme.planned_sessions,
            )
            .values(state=ProgrammeState.COMPLETED, ended_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def cancel_upcoming(self, programme_id: int, now: datetime) -> int:
        """Cancel a programme's live sessions from now on (it ended early), counted against
        nobody: no `cancelled_by`, so the digest counts no cancellation either."""
        ids = list(
            await self.session.scalars(
                select(PeerSession.id).where(
                    PeerSession.programme_id == programme_id,
                    PeerSession.state.in_(LIVE),
                    PeerSession.starts_at >= now,
                )
            )
        )
        if not ids:
            return 0
        await self.session.execute(
            update(PeerSession)
            .where(PeerSession.id.in_(ids), PeerSession.state.in_(LIVE))
            .values(
                state=SessionState.CANCELLED,
                cancelled_at=now,
                cancelled_by=None,
                counts_against=False,
                version=PeerSession.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        touched(self.session).sessions.update(ids)  # their reminders and summaries go
        return len(ids)

    # -- rearrange requests ---------------------------------------------------------

    async def replace_open_requests(self, session_id: int, now: datetime) -> None:
        await self.session.execute(
            update(RearrangeRequest)
            .where(RearrangeRequest.session_id == session_id, RearrangeRequest.state == OPEN)
            .values(state="replaced", resolved_at=now)
            .execution_options(synchronize_session=False)
        )

    async def resolve_request(self, request_id: int, state: str, now: datetime) -> bool:
        """Close a request that is still open; False if someone else closed it first."""
        result = await self.session.execute(
            update(RearrangeRequest)
            .where(RearrangeRequest.id == request_id, RearrangeRequest.state == OPEN)
            .values(state=state, resolved_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    # -- the guided /schedule -------------------------------------------------------

    async def places_of_worker(self, worker_id: int, limit: int) -> list[str]:
        """The places of the worker's sessions, each once, the latest booked first."""
        latest = func.max(PeerSession.created_at)
        stmt = (
            select(PeerSession.place)
            .join(Programme, Programme.id == PeerSession.programme_id)
            .where(Programme.worker_id == worker_id, PeerSession.place.is_not(None))
            .group_by(PeerSession.place)
            .order_by(latest.desc(), PeerSession.place)
            .limit(limit)
        )
        return [place for place in await self.session.scalars(stmt) if place]
