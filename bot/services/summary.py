"""The pre-session summary (SPEC §4): what a peer worker reads before a session.

`build_summary` gathers the parts for one session; `bot.texts.summary.render_summary`
turns them into a message. The automatic delivery (scheduler) and `/summary <peer name>`
share both. Strategy texts and notes go only to the peer's own peer worker: the callers
here check that, `build_summary` itself trusts its caller (the delivery engine addresses
the summary to the programme's worker).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services.errors import BadInput, DomainError
from bot.services.names import Named, one_peer
from bot.services.onboarding import member
from storage.models import Person, Programme, RearrangeRequest, Role, SessionState
from storage.uow import UnitOfWork


class SessionNotFound(DomainError):
    """No such session (or it is gone)."""


@dataclass(frozen=True)
class SummaryEntry:
    name: str
    outcome: str
    note: str | None
    logged_at: datetime


@dataclass(frozen=True)
class RearrangeAsk:
    by_peer: bool
    proposed_at: datetime | None
    wish: str | None


@dataclass(frozen=True)
class SessionSummary:
    session_id: int
    worker_id: int
    peer_name: str
    timezone: str  # the worker's: every time in the summary is shown in it
    number: int | None
    planned: int
    starts_at: datetime
    duration_minutes: int
    place: str | None
    state: str
    rearrange: RearrangeAsk | None
    # The end of the previous held session; None before the first one.
    since: datetime | None
    entries: tuple[SummaryEntry, ...]
    last_note: str | None
    held: int
    missed: int


async def build_summary(uow: UnitOfWork, session_id: int, *, now: datetime) -> SessionSummary:
    """Everything the peer worker needs to know before this session, as parts."""
    row = await uow.sessions.view(session_id)
    if row is None:
        raise SessionNotFound()
    session, programme, peer, worker = row.session, row.programme, row.peer, row.worker
    held_states = (SessionState.HELD,)
    previous = await uow.sessions.last_before(programme.id, session.starts_at, held_states)
    since = (
        previous.starts_at + timedelta(minutes=previous.duration_minutes)
        if previous is not None
        else programme.started_at
    )
    entries = await uow.strategies.entries_since(peer.id, since, now)
    last_outcome = await uow.sessions.last_before(
        programme.id, session.starts_at, (SessionState.HELD, SessionState.MISSED)
    )
    counts = await uow.sessions.counts(programme.id)
    held, missed = counts.get(SessionState.HELD, 0), counts.get(SessionState.MISSED, 0)
    return SessionSummary(
        session_id=session.id,
        worker_id=worker.id,
        peer_name=peer.display_name or "",
        timezone=worker.timezone,
        # The same "session k of N" as /next and the diary show: the same query.
        number=row.number,
        planned=programme.planned_sessions,
        starts_at=session.starts_at,
        duration_minutes=session.duration_minutes,
        place=session.place,
        state=session.state,
        rearrange=_rearrange(row.request),
        since=since if previous is not None else None,
        entries=tuple(SummaryEntry(name, e.outcome, e.note, e.logged_at) for e, name in entries),
        last_note=last_outcome.outcome_note if last_outcome else None,
        held=held,
        missed=missed,
    )


def _rearrange(request: RearrangeRequest | None) -> RearrangeAsk | None:
    if request is None:
        return None
    return RearrangeAsk(request.requested_by == "peer", request.proposed_at, request.wish)


@dataclass(frozen=True)
class PeerChoice:
    programme_id: int
    name: str


async def my_peers(uow: UnitOfWork, telegram_id: int) -> tuple[PeerChoice, ...]:
    """The peer worker's peers (active programmes), to pick whose summary to see."""
    worker = await member(uow, telegram_id, Role.WORKER)
    return tuple(
        PeerChoice(programme.id, peer.display_name or "")
        for programme, peer in await uow.programmes.active_for_worker(worker.id)
    )


async def _next_session(uow: UnitOfWork, programme: Programme, peer: Person, now: datetime) -> int:
    session = (await uow.sessions.next_live_of([programme.id], now)).get(programme.id)
    if session is None:
        raise BadInput("summary_no_session", name=peer.display_name or "")
    return session.id


async def summary_for_peer(
    uow: UnitOfWork, telegram_id: int, peer_name: str, *, now: datetime
) -> SessionSummary:
    """/summary <peer name>: the summary of that peer's next session, for their own worker."""
    worker = await member(uow, telegram_id, Role.WORKER)
    if not peer_name.split():
        raise BadInput("summary_name_missing")
    peers = await uow.programmes.active_for_worker(worker.id)
    named = one_peer(peer_name, [Named(p.id, peer.display_name or "") for p, peer in peers])
    programme, peer = next((p, peer) for p, peer in peers if p.id == named.programme_id)
    session_id = await _next_session(uow, programme, peer, now)
    return await build_summary(uow, session_id, now=now)


async def summary_for_programme(
    uow: UnitOfWork, telegram_id: int, programme_id: int, *, now: datetime
) -> SessionSummary:
    """The summary for a peer picked with a button; the button is re-checked here."""
    worker = await member(uow, telegram_id, Role.WORKER)
    for programme, peer in await uow.programmes.active_for_worker(worker.id):
        if programme.id == programme_id:
            session_id = await _next_session(uow, programme, peer, now)
            return await build_summary(uow, session_id, now=now)
    raise BadInput("summary_peer_gone")
