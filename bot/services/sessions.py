"""Sessions as people see them, and what peers and peer workers do with them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services.errors import BadInput, NotYours, Stale
from bot.services.onboarding import member
from storage.models import (
    PeerSession,
    Person,
    Programme,
    ProgrammeState,
    RearrangeRequest,
    Role,
    SessionState,
)
from storage.repositories.sessions import LIVE, SessionRepository
from storage.uow import UnitOfWork

NOTE_FLOW = "outcome_note"
NOTE_MAX = 500


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
    number: int
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


@dataclass(frozen=True)
class Confirmed:
    view: SessionView
    already: bool


def repo(uow: UnitOfWork) -> SessionRepository:
    return SessionRepository(uow.session)


async def session_number(uow: UnitOfWork, session: PeerSession) -> tuple[int, int]:
    """(k, N): this is session k of the programme's N (held and live sessions before it)."""
    programme = await uow.session.get(Programme, session.programme_id)
    assert programme is not None
    before = [
        s
        for s in await repo(uow).of_programme(session.programme_id)
        if s.starts_at < session.starts_at
        and s.state in (SessionState.HELD, *LIVE)
        and s.id != session.id
    ]
    return len(before) + 1, programme.planned_sessions


async def view_of(uow: UnitOfWork, session: PeerSession) -> SessionView:
    programme = await uow.session.get(Programme, session.programme_id)
    assert programme is not None
    peer = await uow.people.get(programme.peer_id)
    worker = await uow.people.get(programme.worker_id)
    assert peer is not None and worker is not None
    request = await repo(uow).open_request(session.id)
    number, planned = await session_number(uow, session)
    return SessionView(
        id=session.id,
        version=session.version,
        programme_id=programme.id,
        starts_at=session.starts_at,
        minutes=session.duration_minutes,
        place=session.place,
        state=session.state,
        number=number,
        planned=planned,
        peer_name=peer.display_name or "",
        peer_tz=peer.timezone,
        peer_telegram_id=peer.telegram_id,
        peer_unreachable=peer.unreachable_at is not None,
        worker_name=worker.display_name or "",
        worker_tz=worker.timezone,
        worker_telegram_id=worker.telegram_id,
        request=_request_view(request),
    )


def _request_view(request: RearrangeRequest | None) -> RequestView | None:
    if request is None:
        return None
    return RequestView(request.id, request.requested_by, request.proposed_at, request.wish)


async def owned_session(
    uow: UnitOfWork, person: Person, session_id: int
) -> tuple[PeerSession, Programme]:
    """The session if `person` is its peer or its peer worker; NotYours otherwise."""
    found = await repo(uow).with_programme(session_id)
    if found is None:
        raise NotYours()
    session, programme = found
    if programme.state == ProgrammeState.ENDED:
        # The peer left and their data was erased: nothing more is written about them.
        raise NotYours()
    owner = programme.peer_id if person.role == Role.PEER else programme.worker_id
    if person.role not in (Role.PEER, Role.WORKER) or owner != person.id:
        raise NotYours()
    return session, programme


async def live_for_peer(
    uow: UnitOfWork, telegram_id: int, session_id: int, version: int, now: datetime
) -> PeerSession:
    """A peer's session that a button of `version` may still act on; Stale if it moved on."""
    peer = await member(uow, telegram_id, Role.PEER)
    session, _ = await owned_session(uow, peer, session_id)
    ended = session.starts_at + timedelta(minutes=session.duration_minutes) <= now
    if session.version != version or session.state not in LIVE or ended:
        raise Stale(await view_of(uow, session))
    return session


async def next_session(uow: UnitOfWork, telegram_id: int, now: datetime) -> SessionView | None:
    peer = await member(uow, telegram_id, Role.PEER)
    programme = await uow.programmes.current_for_peer(peer.id)
    if programme is None:
        return None
    session = await repo(uow).next_live(programme.id, now)
    return await view_of(uow, session) if session else None


async def peer_sessions(
    uow: UnitOfWork, telegram_id: int, now: datetime
) -> tuple[list[SessionView], list[SessionView]]:
    """(upcoming, past) sessions of the peer's programme."""
    peer = await member(uow, telegram_id, Role.PEER)
    programme = await uow.programmes.current_for_peer(peer.id)
    if programme is None:
        return [], []
    views = [await view_of(uow, s) for s in await repo(uow).of_programme(programme.id)]
    upcoming = [v for v in views if v.ends_at > now and v.state in LIVE]
    past = [v for v in views if v not in upcoming]
    return upcoming, list(reversed(past))


async def confirm(
    uow: UnitOfWork, telegram_id: int, session_id: int, version: int, *, now: datetime
) -> Confirmed:
    """The peer says they'll be there; a second tap changes nothing."""
    session = await live_for_peer(uow, telegram_id, session_id, version, now)
    already = session.state == SessionState.CONFIRMED
    if not already:
        session.state = SessionState.CONFIRMED
        session.confirmed_at = now
        await uow.commit()
    return Confirmed(await view_of(uow, session), already)


async def check_cancellable(
    uow: UnitOfWork, telegram_id: int, session_id: int, version: int, *, now: datetime
) -> SessionView:
    """The session a peer is about to cancel (before they are asked to make sure)."""
    return await view_of(uow, await live_for_peer(uow, telegram_id, session_id, version, now))


async def cancel(
    uow: UnitOfWork, telegram_id: int, session_id: int, version: int, *, now: datetime
) -> SessionView:
    """The peer can't make it: the session is cancelled (not counted against them)."""
    session = await live_for_peer(uow, telegram_id, session_id, version, now)
    session.state = SessionState.CANCELLED
    session.cancelled_at = now
    session.cancelled_by = Role.PEER
    await repo(uow).replace_open_requests(session.id, now)
    await uow.commit()
    return await view_of(uow, session)


async def diary(
    uow: UnitOfWork, telegram_id: int, *, now: datetime, days: int = 14
) -> list[SessionView]:
    worker = await member(uow, telegram_id, Role.WORKER)
    rows = await repo(uow).worker_between(
        worker.id, now - timedelta(hours=4), now + timedelta(days=days)
    )
    return [
        await view_of(uow, s)
        for s, _ in rows
        if s.starts_at + timedelta(minutes=s.duration_minutes) > now
    ]


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
    activity = await repo(uow).last_activity([p.id for p, _ in programmes])
    lines = []
    for programme, peer in programmes:
        counts = await repo(uow).counts(programme.id)
        upcoming = await repo(uow).next_live(programme.id, now)
        lines.append(
            PeerLine(
                name=peer.display_name or "",
                held=counts.get(SessionState.HELD, 0),
                planned=programme.planned_sessions,
                state=programme.state,
                joined=peer.joined_at is not None,
                unreachable=peer.unreachable_at is not None,
                next_at=upcoming.starts_at if upcoming else None,
                last_contact=activity.get(programme.id, peer.joined_at),
            )
        )
    return lines


async def awaiting_outcome(
    uow: UnitOfWork, telegram_id: int, *, now: datetime
) -> list[SessionView]:
    worker = await member(uow, telegram_id, Role.WORKER)
    return [await view_of(uow, s) for s, _ in await repo(uow).awaiting_outcome(worker.id, now)]


@dataclass(frozen=True)
class Outcome:
    view: SessionView
    completed: bool


async def record_outcome(
    uow: UnitOfWork, telegram_id: int, session_id: int, outcome: str, *, now: datetime
) -> Outcome:
    """Mark a session that has begun as held, missed or cancelled (once)."""
    worker = await member(uow, telegram_id, Role.WORKER)
    session, programme = await owned_session(uow, worker, session_id)
    if outcome not in (SessionState.HELD, SessionState.MISSED, SessionState.CANCELLED):
        raise Stale(await view_of(uow, session))
    if session.outcome_at is not None or session.state not in LIVE or session.starts_at > now:
        raise Stale(await view_of(uow, session))
    session.state = outcome
    session.outcome_at = now
    if outcome == SessionState.CANCELLED:
        session.cancelled_at, session.cancelled_by = now, Role.WORKER
    await repo(uow).replace_open_requests(session.id, now)
    await uow.flush()
    completed = False
    if outcome == SessionState.HELD and programme.state == ProgrammeState.ACTIVE:
        held = (await repo(uow).counts(programme.id)).get(SessionState.HELD, 0)
        if held >= programme.planned_sessions:
            programme.state, programme.ended_at, completed = ProgrammeState.COMPLETED, now, True
    # The worker's next typed message is their note for next time (or Skip).
    await uow.conversations.put(worker.id, NOTE_FLOW, "note", {"session_id": session.id}, now)
    await uow.commit()
    return Outcome(await view_of(uow, session), completed)


async def note_outcome(uow: UnitOfWork, telegram_id: int, text: str) -> SessionView:
    """The worker's typed note for next time, on the session they have just marked."""
    worker = await member(uow, telegram_id, Role.WORKER)
    conversation = await uow.conversations.get(worker.id)
    if conversation is None or conversation.flow != NOTE_FLOW:
        raise Stale()
    note = " ".join(text.split())
    if len(note) > NOTE_MAX:
        raise BadInput("outcome_note_too_long", limit=NOTE_MAX)
    session, _ = await owned_session(uow, worker, int(conversation.data["session_id"]))
    if session.outcome_at is None:
        raise Stale(await view_of(uow, session))
    session.outcome_note = note or None
    await uow.conversations.clear(worker.id)
    await uow.commit()
    return await view_of(uow, session)


async def skip_note(uow: UnitOfWork, telegram_id: int, session_id: int) -> None:
    """No note this time; a note already typed is kept."""
    worker = await member(uow, telegram_id, Role.WORKER)
    await owned_session(uow, worker, session_id)
    conversation = await uow.conversations.get(worker.id)
    if conversation is not None and conversation.flow == NOTE_FLOW:
        await uow.conversations.clear(worker.id)
        await uow.commit()


async def count_against(uow: UnitOfWork, telegram_id: int, session_id: int) -> SessionView:
    """The worker counts a cancelled session against the programme."""
    worker = await member(uow, telegram_id, Role.WORKER)
    session, _ = await owned_session(uow, worker, session_id)
    if session.state != SessionState.CANCELLED:
        raise Stale(await view_of(uow, session))
    session.counts_against = True
    await uow.commit()
    return await view_of(uow, session)
