"""Reading sessions as people see them: one statement, whatever a screen shows.

Each session comes with its programme, its peer and peer worker, its number in the
programme ("session k of N", a window function) and the open rearrange request (an outer
join), so a screen of 2 or of 40 sessions costs the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import (
    PeerSession,
    Person,
    Programme,
    ProgrammeState,
    RearrangeRequest,
    SessionState,
)

LIVE = (SessionState.SCHEDULED, SessionState.CONFIRMED)
# Sessions that take a place in the programme's count: held ones and those still to come.
# Only these have a number ("session k of N"); a cancelled or missed one has none.
NUMBERED = (SessionState.HELD, *LIVE)
# No session is longer than this (scheduling refuses longer ones).
MAX_LENGTH = timedelta(hours=4)
OPEN = "open"


class SessionRow(NamedTuple):
    session: PeerSession
    programme: Programme
    peer: Person
    worker: Person
    number: int | None
    request: RearrangeRequest | None


class Busy(NamedTuple):
    """A live session in a worker's diary, as much as a clash needs."""

    id: int
    starts_at: datetime
    minutes: int

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


def not_over(row: PeerSession, now: datetime) -> bool:
    """Whether the session has not yet ended: the one test of "still to come"."""
    return row.starts_at + timedelta(minutes=row.duration_minutes) > now


def _numbers(programmes: Select[Any]) -> Select[Any]:
    """(session id, number) for the sessions of `programmes`: the one definition of
    "session k of N". A numbered session's number is the numbered sessions before it, by
    time, plus one; any other session's is null."""
    numbered = PeerSession.state.in_(NUMBERED)
    before = func.count(case((numbered, 1))).over(
        partition_by=PeerSession.programme_id,
        order_by=(PeerSession.starts_at, PeerSession.id),
        rows=(None, -1),
    )
    number = case((numbered, before + 1), else_=None).label("number")
    return select(PeerSession.id, number).where(PeerSession.programme_id.in_(programmes))


def _view_query(programmes: Select[Any]) -> Select[Any]:
    """Sessions of `programmes` (a select of programme ids) with everything a view needs."""
    in_scope = PeerSession.programme_id.in_(programmes)
    numbers = _numbers(programmes).subquery()
    # The open request: the newest, should there ever be two.
    newest = func.row_number().over(
        partition_by=RearrangeRequest.session_id,
        order_by=(RearrangeRequest.created_at.desc(), RearrangeRequest.id.desc()),
    )
    scoped = select(PeerSession.id).where(in_scope)
    open_requests = (
        select(RearrangeRequest.id, RearrangeRequest.session_id, newest.label("rank"))
        .where(RearrangeRequest.state == OPEN, RearrangeRequest.session_id.in_(scoped))
        .subquery()
    )
    peer, worker, request = aliased(Person), aliased(Person), aliased(RearrangeRequest)
    return (
        select(PeerSession, Programme, peer, worker, numbers.c.number, request)
        .join(Programme, Programme.id == PeerSession.programme_id)
        .join(peer, peer.id == Programme.peer_id)
        .join(worker, worker.id == Programme.worker_id)
        .join(numbers, numbers.c.id == PeerSession.id)
        .outerjoin(
            open_requests,
            and_(open_requests.c.session_id == PeerSession.id, open_requests.c.rank == 1),
        )
        .outerjoin(request, request.id == open_requests.c.id)
        .where(in_scope)
        .order_by(PeerSession.starts_at, PeerSession.id)
        # A view read after a change shows the change, not the objects loaded before it.
        .execution_options(populate_existing=True)
    )


def _of_session(session_id: Any) -> Select[Any]:
    return select(PeerSession.programme_id).where(PeerSession.id == session_id)


def _of_worker(worker_id: int) -> Select[Any]:
    return select(Programme.id).where(Programme.worker_id == worker_id)


def current_programme(peer_id: Any) -> Select[Any]:
    """The peer's current programme: the active one, else the newest (one id at most)."""
    return (
        select(Programme.id)
        .where(Programme.peer_id == peer_id)
        .order_by((Programme.state == ProgrammeState.ACTIVE).desc(), Programme.started_at.desc())
        .limit(1)
    )


# The update path's reads, built once with bind parameters. A statement built per call
# costs its construction and its cache key every time (the view query: about a
# millisecond of CPU, the biggest cost of /next and of a press); one built once has its
# cache key memoized and its compiled form found in the engine's cache.
_VIEW_OF_SESSION = _view_query(_of_session(bindparam("session_id"))).where(
    PeerSession.id == bindparam("session_id")
)
_LIVE_AFTER = (PeerSession.state.in_(LIVE), PeerSession.starts_at > bindparam("after"))
# Live sessions not begun before `after` (now less the longest session), with their views.
_UPCOMING_OF_PROGRAMME = _view_query(
    select(Programme.id).where(Programme.id == bindparam("programme_id"))
).where(*_LIVE_AFTER)
_UPCOMING_OF_PEER = _view_query(current_programme(bindparam("peer_id"))).where(*_LIVE_AFTER)
# The same for the peer behind a Telegram account: /next's one read, sender and view.
_ACCOUNT = select(Person.id).where(Person.telegram_id == bindparam("telegram_id"))
_UPCOMING_OF_ACCOUNT = _view_query(current_programme(_ACCOUNT.scalar_subquery())).where(
    *_LIVE_AFTER
)


class SessionReads:
    session: AsyncSession

    async def _rows(self, stmt: Select[Any], *where: ColumnElement[bool]) -> list[SessionRow]:
        result = await self.session.execute(stmt.where(*where))
        return [SessionRow(*row) for row in result]

    async def view(self, session_id: int) -> SessionRow | None:
        result = await self.session.execute(_VIEW_OF_SESSION, {"session_id": session_id})
        row = result.first()
        return SessionRow(*row) if row else None

    async def _next(self, stmt: Select[Any], now: datetime, **values: Any) -> SessionRow | None:
        """The first row of `stmt` (upcoming views, by time) whose session is not over."""
        result = await self.session.execute(stmt, {"after": now - MAX_LENGTH, **values})
        for row in result:
            if not_over(row[0], now):
                return SessionRow(*row)
        return None

    async def numbers_of(self, programme_ids: Iterable[int]) -> dict[int, int]:
        """Each numbered session's number (see `_numbers`), by session id, in one statement."""
        ids = list(programme_ids)
        if not ids:
            return {}
        scope = select(Programme.id).where(Programme.id.in_(ids))
        rows = await self.session.execute(_numbers(scope))
        return {session_id: n for session_id, n in rows if n is not None}

    async def view_of_request(self, request_id: int) -> tuple[RearrangeRequest, SessionRow] | None:
        """A request (in whatever state) and the view of its session."""
        request = await self.session.get(RearrangeRequest, request_id)
        if request is None:
            return None
        row = await self.view(request.session_id)
        return (request, row) if row else None

    async def views_of_programme(self, programme_id: int) -> list[SessionRow]:
        """Every session of the programme, by time."""
        scope = select(Programme.id).where(Programme.id == programme_id)
        return await self._rows(_view_query(scope))

    async def next_view(self, programme_id: int, now: datetime) -> SessionRow | None:
        """The view of the programme's next session (see `next_live_of`), in one statement."""
        return await self._next(_UPCOMING_OF_PROGRAMME, now, programme_id=programme_id)

    async def next_view_of_peer(self, peer_id: int, now: datetime) -> SessionRow | None:
        """The view of the next session of the peer's current programme (the one
        `programmes.current_for_peer` finds), in one statement."""
        return await self._next(_UPCOMING_OF_PEER, now, peer_id=peer_id)

    async def next_view_of_account(self, telegram_id: int, now: datetime) -> SessionRow | None:
        """`next_view_of_peer` for the person behind a Telegram account (its peer), whatever
        their role or state: the caller checks them."""
        return await self._next(_UPCOMING_OF_ACCOUNT, now, telegram_id=telegram_id)

    async def worker_diary(
        self, worker_id: int, start: datetime, end: datetime
    ) -> list[SessionRow]:
        """The worker's sessions starting in [start, end) with peers still here, by time."""
        rows = await self._rows(
            _view_query(_of_worker(worker_id)),
            PeerSession.starts_at >= start,
            PeerSession.starts_at < end,
        )
        return [r for r in rows if r.peer.left_at is None]

    async def awaiting_outcome(
        self, worker_id: int, now: datetime, limit: int = 5
    ) -> list[SessionRow]:
        """Past sessions of the worker's peers that nobody has marked yet, newest first."""
        rows = await self._rows(
            _view_query(_of_worker(worker_id)),
            PeerSession.state.in_(LIVE),
            PeerSession.starts_at < now,
            PeerSession.outcome_at.is_(None),
        )
        return [r for r in reversed(rows) if not not_over(r.session, now)][:limit]

    async def next_live_of(
        self, programme_ids: Iterable[int], now: datetime
    ) -> dict[int, PeerSession]:
        """The next session of each programme (as `next_view`), for many at once."""
        ids = list(programme_ids)
        if not ids:
            return {}
        stmt = (
            select(PeerSession)
            .where(
                PeerSession.programme_id.in_(ids),
                PeerSession.state.in_(LIVE),
                PeerSession.starts_at > now - MAX_LENGTH,
            )
            .order_by(PeerSession.starts_at, PeerSession.id)
        )
        found: dict[int, PeerSession] = {}
        for row in await self.session.scalars(stmt):
            if not_over(row, now):
                found.setdefault(row.programme_id, row)
        return found

    async def busy(self, worker_id: int, start: datetime, end: datetime) -> list[Busy]:
        """The worker's live sessions that overlap [start, end), by time."""
        stmt = (
            select(PeerSession.id, PeerSession.starts_at, PeerSession.duration_minutes)
            .join(Programme, Programme.id == PeerSession.programme_id)
            .join(Person, Person.id == Programme.peer_id)
            .where(
                Programme.worker_id == worker_id,
                PeerSession.state.in_(LIVE),
                PeerSession.starts_at >= start - MAX_LENGTH,
                PeerSession.starts_at < end,
                Person.left_at.is_(None),
            )
            .order_by(PeerSession.starts_at)
        )
        rows = [Busy(*row) for row in await self.session.execute(stmt)]
        return [b for b in rows if b.ends_at > start]

    async def held_counts(self, programme_ids: Iterable[int]) -> dict[int, int]:
        ids = list(programme_ids)
        if not ids:
            return {}
        stmt = (
            select(PeerSession.programme_id, func.count())
            .where(PeerSession.programme_id.in_(ids), PeerSession.state == SessionState.HELD)
            .group_by(PeerSession.programme_id)
        )
        return {programme_id: int(n) for programme_id, n in await self.session.execute(stmt)}
