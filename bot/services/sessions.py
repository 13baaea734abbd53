"""What peers and peer workers do with a session: confirm, cancel, mark what happened.

Each change is conditional on the session as it was read (`uow.sessions` changes a row
only if its version and state are still those), so a button pressed while something else
changed the session answers "this has changed" instead of acting on the new state.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.services import endings, flows, safety
from bot.services.errors import BadInput, Stale
from bot.services.onboarding import member
from bot.services.session_views import (
    PeerLine,
    RequestView,
    SessionView,
    awaiting_outcome,
    committed,
    diary,
    live_for_peer,
    next_session,
    owned,
    peer_sessions,
    stale,
    view,
    worker_peers,
)
from storage.models import Role, SessionState
from storage.repositories.sessions import LIVE
from storage.uow import UnitOfWork

__all__ = [
    "LIVE",
    "Confirmed",
    "Outcome",
    "PeerLine",
    "RequestView",
    "SessionView",
    "awaiting_outcome",
    "cancel",
    "check_cancellable",
    "confirm",
    "count_against",
    "diary",
    "next_session",
    "note_outcome",
    "peer_sessions",
    "record_outcome",
    "skip_note",
    "skip_typed_note",
    "worker_peers",
]

NOTE_MAX = 500


@dataclass(frozen=True)
class Confirmed:
    view: SessionView
    already: bool


async def confirm(
    uow: UnitOfWork, telegram_id: int, session_id: int, version: int, *, now: datetime
) -> Confirmed:
    """The peer says they'll be there; a second tap changes nothing."""
    _, row = await live_for_peer(uow, telegram_id, session_id, version, now)
    if row.session.state == SessionState.CONFIRMED:
        return Confirmed(view(row), True)
    if not await uow.sessions.confirm(row.session, now):
        raise await stale(uow, session_id)
    # The conditional UPDATE changed only the state of the row as read: the view needs no
    # second read (a confirmed session keeps its number, version and open request).
    confirmed = replace(view(row), state=SessionState.CONFIRMED)
    await uow.commit()
    return Confirmed(confirmed, False)


async def check_cancellable(
    uow: UnitOfWork, telegram_id: int, session_id: int, version: int, *, now: datetime
) -> SessionView:
    """The session a peer is about to cancel (before they are asked to make sure)."""
    _, row = await live_for_peer(uow, telegram_id, session_id, version, now)
    return view(row)


async def cancel(
    uow: UnitOfWork, telegram_id: int, session_id: int, version: int, *, now: datetime
) -> SessionView:
    """The peer can't make it: the session is cancelled (not counted against them)."""
    _, row = await live_for_peer(uow, telegram_id, session_id, version, now)
    if not await uow.sessions.cancel(row.session, Role.PEER, now):
        raise await stale(uow, session_id)
    await uow.sessions.replace_open_requests(session_id, now)
    return await committed(uow, session_id)


@dataclass(frozen=True)
class Outcome:
    view: SessionView
    completed: bool


OUTCOMES = (SessionState.HELD, SessionState.MISSED, SessionState.CANCELLED)


async def record_outcome(
    uow: UnitOfWork, telegram_id: int, session_id: int, outcome: str, *, now: datetime
) -> Outcome:
    """Mark a session that has begun as held, missed or cancelled (once)."""
    worker = await member(uow, telegram_id, Role.WORKER)
    row = await owned(uow, worker, session_id)
    s = row.session
    if outcome not in OUTCOMES or s.outcome_at is not None or s.state not in LIVE:
        raise Stale(view(row))
    if s.starts_at > now:
        raise Stale(view(row))
    if not await uow.sessions.record_outcome(s, outcome, now):
        raise await stale(uow, session_id)
    await uow.sessions.replace_open_requests(session_id, now)
    completed = outcome == SessionState.HELD and await uow.sessions.complete_if_all_held(
        row.programme.id, now
    )
    await safety.session_marked(uow, worker.id, s, now=now)
    if completed:
        await endings.programme_ended(uow, row.programme.id, now=now)
    # The worker's next typed message is their note for next time (or Skip).
    data = flows.NoteData(session_id)
    await flows.begin(uow, worker.id, flows.OUTCOME_NOTE, flows.NoteStep.NOTE, data, now=now)
    return Outcome(await committed(uow, session_id), completed)


async def note_outcome(
    uow: UnitOfWork, telegram_id: int, text: str, *, now: datetime
) -> SessionView:
    """The worker's typed note for next time, on the session they have just marked."""
    worker = await member(uow, telegram_id, Role.WORKER)
    at = await flows.need(uow, worker.id, flows.OUTCOME_NOTE, now=now)
    note = " ".join(text.split())
    if len(note) > NOTE_MAX:
        raise BadInput("outcome_note_too_long", limit=NOTE_MAX)
    row = await owned(uow, worker, at.data.session_id)
    if row.session.outcome_at is None:
        raise Stale(view(row))
    if not await uow.sessions.note(row.session, note or None):
        raise await stale(uow, row.session.id)
    await flows.end(uow, worker.id, flows.OUTCOME_NOTE, read=at)
    return await committed(uow, row.session.id)


async def skip_note(uow: UnitOfWork, telegram_id: int, session_id: int) -> None:
    """No note this time; a note already typed is kept."""
    worker = await member(uow, telegram_id, Role.WORKER)
    await owned(uow, worker, session_id)
    if await flows.end(uow, worker.id, flows.OUTCOME_NOTE):
        await uow.commit()


async def skip_typed_note(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> None:
    """The worker typed Skip at the note step: no note this time, as the button does."""
    worker = await member(uow, telegram_id, Role.WORKER)
    at = await flows.need(uow, worker.id, flows.OUTCOME_NOTE, now=now)
    await owned(uow, worker, at.data.session_id)
    await flows.end(uow, worker.id, flows.OUTCOME_NOTE, read=at)
    await uow.commit()


async def count_against(uow: UnitOfWork, telegram_id: int, session_id: int) -> SessionView:
    """The worker counts a cancelled session against the programme."""
    worker = await member(uow, telegram_id, Role.WORKER)
    row = await owned(uow, worker, session_id)
    if row.session.state != SessionState.CANCELLED:
        raise Stale(view(row))
    if not await uow.sessions.count_against(row.session):
        raise await stale(uow, session_id)
    return await committed(uow, session_id)
