"""Sessions as people see them: /next, /sessions, /diary, /peers and /outcome.

Every view comes from one read (`uow.sessions`' view query), so "next session", "open
request" and "session k of N" mean the same on every screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services.errors import NotYours, Stale
from bot.services.onboarding import joined, member
from storage.models import Person, ProgrammeState, RearrangeRequest, Role, SessionState
from storage.repositories.sessions import LIVE, SessionRow
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class RequestView:
    id: int
    requested_by: str
    proposed_at: datetime | None
    wish: str | None


@dataclass(frozen=True)
class SessionView:
    id: int
    version: int
    programme_id: int
    starts_at: datetime
    minutes: int
    place: str | None
    state: str
    number: int | None  # None for a session that takes no place in the programme
    planned: int
    peer_name: str
    peer_tz: str
    peer_telegram_id: int | None
    peer_unreachable: bool
    worker_name: str
    worker_tz: str
    worker_telegram_id: int | None
    request: RequestView | None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def status(self) -> str:
        """awaiting, confirmed, requested, cancelled, held or missed (texts name them)."""
        if self.state in LIVE and self.request is not None:
            return "requested"
        return "awaiting" if self.state == SessionState.SCHEDULED else self.state


def request_view(request: RearrangeRequest | None) -> RequestView | None:
    if request is None:
        return None
    return RequestView(request.id, request.requested_by, request.proposed_at, request.wish)


def view(row: SessionRow) -> SessionView:
    s, peer, worker = row.session, row.peer, row.worker
    return SessionView(
        id=s.id,
        version=s.version,
        programme_id=row.programme.id,
        starts_at=s.starts_at,
        minutes=s.duration_minutes,
        place=s.place,
        state=s.state,
        number=row.number,
        planned=row.programme.planned_sessions,
        peer_name=peer.display_name or "",
        peer_tz=peer.timezone,
        peer_telegram_id=peer.telegram_id,
        peer_unreachable=peer.unreachable_at is not None,
        worker_name=worker.display_name or "",
        worker_tz=worker.timezone,
        worker_telegram_id=worker.telegram_id,
        request=request_view(row.request),
    )


def check_owner(row: SessionRow | None, person: Person) -> SessionRow:
    """The session if `person` is its peer or its peer worker; NotYours otherwise."""
    if row is None or row.programme.state == ProgrammeState.ENDED:
        # (An ended programme: the peer left and their data was erased.)
        raise NotYours()
    owner = row.programme.peer_id if person.role == Role.PEER else row.programme.worker_id
    if person.role not in (Role.PEER, Role.WORKER) or owner != person.id:
        raise NotYours()
    return row


async def owned(uow: UnitOfWork, person: Person, session_id: int) -> SessionRow:
    return check_owner(await uow.sessions.view(session_id), person)


async def current(uow: UnitOfWork, session_id: int) -> SessionView | None:
    """The session as it is now (after a change, or after losing a race)."""
    row = await uow.sessions.view(session_id)
    return view(row) if row else None


async def committed(uow: UnitOfWork, session_id: int) -> SessionView:
    """Commit a change to the session, and the session as the change left it."""
    changed = await current(uow, session_id)
    assert changed is not None
    await uow.commit()
    return changed


async def stale(uow: UnitOfWork, session_id: int) -> Stale:
    """'This has changed', with what the session is now."""
    return Stale(await current(uow, session_id))


def still_live(row: SessionRow, version: int, now: datetime) -> bool:
    """Whether a button of `version` may still act on the session."""
    s = row.session
    ended = s.starts_at + timedelta(minutes=s.duration_minutes) <= now
    return s.version == version and s.state in LIVE and not ended


async def _sender(uow: UnitOfWork, row: SessionRow | None, telegram_id: int) -> Person:
    """The peer behind the account, checked as `member` checks them. The view already holds
    its peer: when that is the sender, no read of its own (the common case)."""
    if row is not None and row.peer.telegram_id == telegram_id:
        return joined(row.peer, Role.PEER)
    return await member(uow, telegram_id, Role.PEER)


async def live_for_peer(
    uow: UnitOfWork, telegram_id: int, session_id: int, version: int, now: datetime
) -> tuple[Person, SessionRow]:
    """A peer's session that a button of `version` may still act on; Stale if it moved on."""
    row = await uow.sessions.view(session_id)
    peer = await _sender(uow, row, telegram_id)
    row = check_owner(row, peer)
    if not still_live(row, version, now):
        raise Stale(view(row))
    return peer, row


async def next_session(uow: UnitOfWork, telegram_id: int, now: datetime) -> SessionView | None:
    row = await uow.sessions.next_view_of_account(telegram_id, now)
    await _sender(uow, row, telegram_id)  # NotJoined or NotAllowed, else nothing
    return view(row) if row else None


async def peer_sessions(
    uow: UnitOfWork, telegram_id: int, now: datetime
) -> tuple[list[SessionView], list[SessionView]]:
    """(upcoming, past) sessions of the peer's programme."""
    peer = await member(uow, telegram_id, Role.PEER)
    programme = await uow.programmes.current_for_peer(peer.id)
    if programme is None:
        return [], []
    views = [view(row) for row in await uow.sessions.views_of_programme(programme.id)]
    # By the session's time, whatever its state: a cancelled session next week is upcoming.
    upcoming = [v for v in views if v.ends_at > now]
    past = [v for v in views if v.ends_at <= now]
    return upcoming, list(reversed(past))


async def diary(
    uow: UnitOfWork, telegram_id: int, *, now: datetime, days: int = 14
) -> list[SessionView]:
    worker = await member(uow, telegram_id, Role.WORKER)
    rows = await uow.sessions.worker_diary(
        worker.id, now - timedelta(hours=4), now + timedelta(days=days)
    )
    return [v for v in map(view, rows) if v.ends_at > now]


@dataclass(frozen=True)
class PeerLine:
    name: str
    held: int
    planned: int
    state: str
    joined: bool
    unreachable: bool
    next_at: datetime | None
    last_contact: datetime | None


async def worker_peers(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> list[PeerLine]:
    worker = await member(uow, telegram_id, Role.WORKER)
    programmes = await uow.programmes.for_worker(
        worker.id, (ProgrammeState.ACTIVE, ProgrammeState.COMPLETED)
    )
    ids = [p.id for p, _ in programmes]
    activity = await uow.sessions.last_activity(ids)
    held = await uow.sessions.held_counts(ids)
    upcoming = await uow.sessions.next_live_of(ids, now)
    return [
        PeerLine(
            name=peer.display_name or "",
            held=held.get(programme.id, 0),
            planned=programme.planned_sessions,
            state=programme.state,
            joined=peer.joined_at is not None,
            unreachable=peer.unreachable_at is not None,
            next_at=upcoming[programme.id].starts_at if programme.id in upcoming else None,
            last_contact=activity.get(programme.id, peer.joined_at),
        )
        for programme, peer in programmes
    ]


async def awaiting_outcome(
    uow: UnitOfWork, telegram_id: int, *, now: datetime
) -> list[SessionView]:
    worker = await member(uow, telegram_id, Role.WORKER)
    return [view(row) for row in await uow.sessions.awaiting_outcome(worker.id, now)]
