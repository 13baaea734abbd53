"""Rearranging a session: the peer asks, the peer worker accepts or suggests, both agree.

One open request per session: a newer one replaces the old. Whatever is agreed moves the
session and bumps its version, so every button, reminder and summary of the old time goes
stale and the new time's apply. The move is conditional on the session as it was read, so
an accept that races the peer's confirm (or cancel) changes nothing and answers Stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services import flows
from bot.services.errors import BadInput, Stale
from bot.services.flows import REARRANGE, SUGGEST, RearrangeData, SuggestData
from bot.services.free_times import clash, free_slots
from bot.services.localtime import check_horizon, local, parse_when
from bot.services.onboarding import member
from bot.services.session_views import (
    SessionView,
    check_owner,
    committed,
    live_for_peer,
    next_session,
    owned,
    stale,
    view,
)
from storage.models import Person, RearrangeRequest, Role
from storage.repositories.sessions import LIVE, SessionRow
from storage.uow import UnitOfWork

# Older names of the flows, for the handlers that route typed answers by them.
WISH_MAX = 200


@dataclass(frozen=True)
class Offer:
    view: SessionView
    slots: list[datetime]


async def _offer(uow: UnitOfWork, row: SessionRow, now: datetime) -> list[datetime]:
    s, worker = row.session, row.worker
    near = local(s.starts_at, worker.timezone).time()
    return await free_slots(
        uow, worker, s.duration_minutes, now=now, skip=s.id, avoid=s.starts_at, near=near
    )


async def start(
    uow: UnitOfWork, telegram_id: int, session_id: int, version: int, *, now: datetime
) -> Offer:
    """The peer presses Rearrange: offer free times and wait for a pick or a typed wish."""
    peer, row = await live_for_peer(uow, telegram_id, session_id, version, now)
    slots = await _offer(uow, row, now)
    data = RearrangeData(row.session.id, row.session.version)
    await flows.begin(uow, peer.id, REARRANGE, flows.RearrangeStep.CHOOSE, data, now=now)
    await uow.commit()
    return Offer(view(row), slots)


async def start_next(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> Offer | None:
    """/rearrange: the same, for the peer's next session (None if there is none)."""
    found = await next_session(uow, telegram_id, now)
    if found is None:
        return None
    return await start(uow, telegram_id, found.id, found.version, now=now)


async def _new_request(
    uow: UnitOfWork,
    by: Person,
    session_id: int,
    proposed_at: datetime | None,
    wish: str | None,
    now: datetime,
) -> SessionView:
    """Open `by`'s request (replacing any open one), end their flow and commit."""
    await uow.sessions.replace_open_requests(session_id, now)
    uow.sessions.add(
        RearrangeRequest(
            session_id=session_id,
            requested_by=by.role,
            proposed_at=proposed_at,
            wish=wish,
            state="open",
            created_at=now,
        )
    )
    await uow.flush()
    await flows.end(uow, by.id, REARRANGE if by.role == Role.PEER else SUGGEST)
    return await committed(uow, session_id)


async def _check_free(uow: UnitOfWork, row: SessionRow, when: datetime, now: datetime) -> None:
    if when <= now:
        raise BadInput("time_in_past")
    check_horizon(when, now)
    s = row.session
    if await clash(uow, row.programme.worker_id, when, s.duration_minutes, skip=s.id):
        raise BadInput("clash")


async def request_time(
    uow: UnitOfWork,
    telegram_id: int,
    session_id: int,
    version: int,
    when: datetime,
    *,
    now: datetime,
) -> SessionView:
    """The peer picks one of the offered times: the peer worker is asked to accept it."""
    peer, row = await live_for_peer(uow, telegram_id, session_id, version, now)
    asked = row.request
    if asked is not None and asked.requested_by == Role.PEER and asked.proposed_at == when:
        # A double tap: the peer worker already has this very request; ask nothing twice.
        raise BadInput("rearrange_already_asked")
    await _check_free(uow, row, when, now)
    return await _new_request(uow, peer, session_id, when, None, now)


async def request_wish(
    uow: UnitOfWork, telegram_id: int, text: str, *, now: datetime
) -> SessionView:
    """The peer types when would suit them ("Thursday afternoon")."""
    peer = await member(uow, telegram_id, Role.PEER)
    at = await flows.need(uow, peer.id, REARRANGE, now=now)
    wish = " ".join(text.split())
    if not wish:
        raise BadInput("wish_empty")
    if len(wish) > WISH_MAX:
        raise BadInput("wish_too_long", limit=WISH_MAX)
    _, row = await live_for_peer(uow, telegram_id, at.data.session_id, at.data.version, now)
    return await _new_request(uow, peer, row.session.id, None, wish, now)


async def _open_request(
    uow: UnitOfWork, person: Person, request_id: int
) -> tuple[RearrangeRequest, SessionRow]:
    found = await uow.sessions.view_of_request(request_id)
    if found is None:
        raise Stale()
    request, row = found[0], check_owner(found[1], person)
    # Only the side that did not make the request may accept it.
    if (
        request.state != "open"
        or row.session.state not in LIVE
        or request.requested_by == person.role
    ):
        raise Stale(view(row))
    return request, row


async def accept(
    uow: UnitOfWork, telegram_id: int, request_id: int, *, now: datetime
) -> SessionView:
    """Accept the other side's proposed time: the session moves, and both have agreed to it."""
    person = await member(uow, telegram_id, Role.PEER, Role.WORKER)
    request, row = await _open_request(uow, person, request_id)
    if request.proposed_at is None:
        raise Stale(view(row))
    await _check_free(uow, row, request.proposed_at, now)
    # Only the peer's own answer confirms it: a time they asked for still awaits their word.
    by_peer = person.role == Role.PEER
    return await _move(uow, person, row, request.id, request.proposed_at, now, confirmed=by_peer)


async def _move(
    uow: UnitOfWork,
    person: Person,
    row: SessionRow,
    request_id: int,
    when: datetime,
    now: datetime,
    *,
    confirmed: bool,
    flow: flows.FlowSpec[flows.SuggestStep, SuggestData] | None = None,
) -> SessionView:
    """Move the session to `when` and settle its request as accepted; leave the flow (only
    `flow`, when given). Both conditional: an answer that got there first wins."""
    moved = await uow.sessions.move(row.session, when, now, confirmed=confirmed)
    if not moved or not await uow.sessions.resolve_request(request_id, "accepted", now):
        raise await stale(uow, row.session.id)
    await flows.end(uow, person.id, flow)
    return await committed(uow, row.session.id)


async def accept_wish_start(
    uow: UnitOfWork, telegram_id: int, request_id: int, *, now: datetime
) -> Offer:
    """The peer worker accepts a typed wish: ask them for the time (free times offered)."""
    worker = await member(uow, telegram_id, Role.WORKER)
    request, row = await _open_request(uow, worker, request_id)
    if request.proposed_at is not None:
        raise Stale(view(row))
    return await _ask_for_time(uow, worker, row, request.id, now, accepting=True)


async def _ask_for_time(
    uow: UnitOfWork,
    worker: Person,
    row: SessionRow,
    request_id: int,
    now: datetime,
    *,
    accepting: bool,
) -> Offer:
    """Ask the worker for a time (free times offered, or one typed): a suggestion to the
    peer, or the time of the peer's wish they accepted."""
    slots = await _offer(uow, row, now)
    data = SuggestData(row.session.id, row.session.version, request_id, accepting=accepting)
    await flows.begin(uow, worker.id, SUGGEST, flows.SuggestStep.TIME, data, now=now)
    await uow.commit()
    return Offer(view(row), slots)


async def answer_accept(
    uow: UnitOfWork, telegram_id: int, request_id: int, *, now: datetime
) -> SessionView | Offer:
    """Accept: a proposed time moves the session; a typed wish asks the worker for the time."""
    found = await uow.sessions.view_of_request(request_id)
    if found is not None and found[0].proposed_at is None:
        return await accept_wish_start(uow, telegram_id, request_id, now=now)
    return await accept(uow, telegram_id, request_id, now=now)


async def suggest_start(
    uow: UnitOfWork, telegram_id: int, request_id: int, *, now: datetime
) -> Offer:
    """The peer worker will suggest another time: offer free times, or take one typed."""
    worker = await member(uow, telegram_id, Role.WORKER)
    request, row = await _open_request(uow, worker, request_id)
    return await _ask_for_time(uow, worker, row, request.id, now, accepting=False)


async def suggest(
    uow: UnitOfWork, telegram_id: int, when: datetime, *, now: datetime
) -> SessionView:
    """The peer worker's suggestion goes to the peer, replacing the open request; or, for a
    wish they accepted, the session moves there (the view then has no open request)."""
    worker = await member(uow, telegram_id, Role.WORKER)
    at = await flows.need(uow, worker.id, SUGGEST, now=now)
    row = await owned(uow, worker, at.data.session_id)
    if row.session.version != at.data.version or row.session.state not in LIVE:
        raise Stale(view(row))
    await _check_free(uow, row, when, now)
    if at.data.accepting:  # the peer asked in words: the exact time awaits their own word
        request_id = at.data.request_id
        return await _move(uow, worker, row, request_id, when, now, confirmed=False, flow=SUGGEST)
    return await _new_request(uow, worker, row.session.id, when, None, now)


async def suggest_typed(
    uow: UnitOfWork, telegram_id: int, text: str, *, now: datetime
) -> SessionView:
    """A suggestion typed as people write it ("Thursday 10:30", "31/12 6pm"), in the
    worker's own time zone."""
    worker = await member(uow, telegram_id, Role.WORKER)
    if not text.split():
        raise BadInput("suggest_usage")
    when = parse_when(text, now, worker.timezone)
    return await suggest(uow, telegram_id, when, now=now)
