"""Rearranging a session: the peer asks, the peer worker accepts or suggests, both agree.

One open request per session: a newer one replaces the old. Whatever is agreed moves the
session and bumps its version, so every button, reminder and summary of the old time goes
stale and the new time's apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.errors import BadInput, Stale
from bot.services.localtime import local, parse_date, parse_time, to_utc
from bot.services.onboarding import member
from bot.services.scheduling import clash, free_slots
from bot.services.sessions import LIVE, SessionView, live_for_peer, owned_session, repo, view_of
from storage.models import Person, Programme, RearrangeRequest, Role, SessionState
from storage.uow import UnitOfWork

PEER_FLOW = "rearrange"
WORKER_FLOW = "suggest"
WISH_MAX = 200


@dataclass(frozen=True)
class Offer:
    view: SessionView
    slots: list[datetime]


async def _offer(
    uow: UnitOfWork, worker_id: int, view: SessionView, now: datetime
) -> list[datetime]:
    worker = await uow.people.get(worker_id)
    assert worker is not None
    near = local(view.starts_at, worker.timezone).time()
    return await free_slots(
        uow, worker, view.minutes, now=now, skip=view.id, avoid=view.starts_at, near=near
    )


async def start(
    uow: UnitOfWork, telegram_id: int, session_id: int, version: int, *, now: datetime
) -> Offer:
    """The peer presses Rearrange: offer free times and wait for a pick or a typed wish."""
    session = await live_for_peer(uow, telegram_id, session_id, version, now)
    view = await view_of(uow, session)
    programme = await uow.programmes.current_for_peer(
        (await member(uow, telegram_id, Role.PEER)).id
    )
    assert programme is not None
    slots = await _offer(uow, programme.worker_id, view, now)
    data = {"session_id": session.id, "version": session.version}
    await uow.conversations.put(programme.peer_id, PEER_FLOW, "choose", data, now)
    await uow.commit()
    return Offer(view, slots)


async def start_next(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> Offer | None:
    """/rearrange: the same, for the peer's next session (None if there is none)."""
    from bot.services.sessions import next_session

    view = await next_session(uow, telegram_id, now)
    if view is None:
        return None
    return await start(uow, telegram_id, view.id, view.version, now=now)


async def _new_request(
    uow: UnitOfWork,
    view: SessionView,
    by: str,
    proposed_at: datetime | None,
    wish: str | None,
    now: datetime,
) -> SessionView:
    await repo(uow).replace_open_requests(view.id, now)
    repo(uow).add(
        RearrangeRequest(
            session_id=view.id,
            requested_by=by,
            proposed_at=proposed_at,
            wish=wish,
            state="open",
            created_at=now,
        )
    )
    await uow.flush()
    session = await repo(uow).get(view.id)
    assert session is not None
    return await view_of(uow, session)


async def _check_free(
    uow: UnitOfWork, view: SessionView, worker_id: int, when: datetime, now: datetime
) -> None:
    if when <= now:
        raise BadInput("time_in_past")
    if await clash(uow, worker_id, when, view.minutes, skip=view.id):
        raise BadInput("clash")


async def _peer_conversation(uow: UnitOfWork, peer: Person) -> tuple[int, int]:
    conversation = await uow.conversations.get(peer.id)
    if conversation is None or conversation.flow != PEER_FLOW:
        raise Stale()
    return int(conversation.data["session_id"]), int(conversation.data["version"])


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
    session = await live_for_peer(uow, telegram_id, session_id, version, now)
    view = await view_of(uow, session)
    programme = await uow.programmes.current_for_peer(
        (await member(uow, telegram_id, Role.PEER)).id
    )
    assert programme is not None
    await _check_free(uow, view, programme.worker_id, when, now)
    updated = await _new_request(uow, view, Role.PEER, when, None, now)
    await uow.conversations.clear(programme.peer_id)
    await uow.commit()
    return updated


async def request_wish(
    uow: UnitOfWork, telegram_id: int, text: str, *, now: datetime
) -> SessionView:
    """The peer types when would suit them ("Thursday afternoon")."""
    peer = await member(uow, telegram_id, Role.PEER)
    session_id, version = await _peer_conversation(uow, peer)
    wish = " ".join(text.split())
    if not wish:
        raise BadInput("wish_empty")
    if len(wish) > WISH_MAX:
        raise BadInput("wish_too_long", limit=WISH_MAX)
    session = await live_for_peer(uow, telegram_id, session_id, version, now)
    updated = await _new_request(uow, await view_of(uow, session), Role.PEER, None, wish, now)
    await uow.conversations.clear(peer.id)
    await uow.commit()
    return updated


async def _open_request(
    uow: UnitOfWork, person: Person, request_id: int
) -> tuple[RearrangeRequest, SessionView]:
    request = await repo(uow).get_request(request_id)
    if request is None:
        raise Stale()
    session, _ = await owned_session(uow, person, request.session_id)
    view = await view_of(uow, session)
    # Only the side that did not make the request may accept it.
    if request.state != "open" or session.state not in LIVE or request.requested_by == person.role:
        raise Stale(view)
    return request, view


async def accept(
    uow: UnitOfWork, telegram_id: int, request_id: int, *, now: datetime
) -> SessionView:
    """Accept the other side's proposed time: the session moves, and both have agreed to it."""
    person = await member(uow, telegram_id, Role.PEER, Role.WORKER)
    request, view = await _open_request(uow, person, request_id)
    if request.proposed_at is None:
        raise Stale(view)
    programme = await uow.session.get(Programme, view.programme_id)
    assert programme is not None
    await _check_free(uow, view, programme.worker_id, request.proposed_at, now)
    if not await repo(uow).move(view.id, view.version, request.proposed_at):
        raise Stale(view)
    request.state, request.resolved_at = "accepted", now
    session = await repo(uow).get(view.id)
    assert session is not None
    await uow.session.refresh(session)
    session.state, session.confirmed_at = SessionState.CONFIRMED, now
    await uow.conversations.clear(person.id)
    await uow.commit()
    return await view_of(uow, session)


async def suggest_start(
    uow: UnitOfWork, telegram_id: int, request_id: int, *, now: datetime
) -> Offer:
    """The peer worker will suggest another time: offer free times, or take one typed."""
    worker = await member(uow, telegram_id, Role.WORKER)
    request, view = await _open_request(uow, worker, request_id)
    slots = await _offer(uow, worker.id, view, now)
    data = {"session_id": view.id, "version": view.version, "request_id": request.id}
    await uow.conversations.put(worker.id, WORKER_FLOW, "time", data, now)
    await uow.commit()
    return Offer(view, slots)


async def suggest(
    uow: UnitOfWork, telegram_id: int, when: datetime, *, now: datetime
) -> SessionView:
    """The peer worker's suggestion goes to the peer, replacing the open request."""
    worker = await member(uow, telegram_id, Role.WORKER)
    conversation = await uow.conversations.get(worker.id)
    if conversation is None or conversation.flow != WORKER_FLOW:
        raise Stale()
    session, _ = await owned_session(uow, worker, int(conversation.data["session_id"]))
    view = await view_of(uow, session)
    if session.version != int(conversation.data["version"]) or session.state not in LIVE:
        raise Stale(view)
    await _check_free(uow, view, worker.id, when, now)
    updated = await _new_request(uow, view, Role.WORKER, when, None, now)
    await uow.conversations.clear(worker.id)
    await uow.commit()
    return updated


async def suggest_typed(
    uow: UnitOfWork, telegram_id: int, text: str, *, now: datetime
) -> SessionView:
    """A suggestion typed as `YYYY-MM-DD HH:MM`, in the worker's own time zone."""
    worker = await member(uow, telegram_id, Role.WORKER)
    parts = text.split()
    if len(parts) != 2:
        raise BadInput("suggest_usage")
    when = to_utc(parse_date(parts[0]), parse_time(parts[1]), worker.timezone)
    return await suggest(uow, telegram_id, when, now=now)
