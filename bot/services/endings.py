"""How a programme ends: `/close`, the peer's toolbox, the door left open (SPEC §3, §4).

When a programme ends (its last planned session held, or closed early by the peer
worker), the peer is sent ONE message through the delivery ledger: their toolbox (key
`toolbox:programme:<id>`), or, closed as "could not be contacted", a short note that the
door is open (`door_open:programme:<id>`). The unique key makes it once; the three
questions that follow the toolbox live in bot.services.ending_questions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.services import ending_questions
from bot.services.errors import BadInput
from bot.services.names import Named, one_peer
from bot.services.onboarding import member
from storage.enums import CloseReason, DeliveryKind, DeliveryState
from storage.models import Person, Programme, Role
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

REASONS = tuple(CloseReason)


def ending_key(kind: str, programme_id: int) -> str:
    return f"{kind}:programme:{programme_id}"


async def programme_ended(uow: UnitOfWork, programme_id: int, *, now: datetime) -> None:
    """Programme `programme_id` has just ended, in this unit of work (its last session
    held, or closed early): plan what the peer is sent once."""
    found = await uow.endings.programme_with_peer(programme_id)
    if found is None:
        return
    programme, peer = found
    no_contact = programme.close_reason == CloseReason.NO_CONTACT
    kind = DeliveryKind.DOOR_OPEN if no_contact else DeliveryKind.TOOLBOX
    row = {
        "key": ending_key(kind, programme_id),
        "kind": kind,
        "recipient_id": peer.id,
        "session_id": None,
        "programme_id": programme_id,
        "due_at": now,
        "state": DeliveryState.PENDING,
        "reason": None,
        "finished_at": None,
        "attempts": 0,
    }
    if await uow.deliveries.add_new([row]):
        log.info("programme %s ended: %s planned for person %s", programme_id, kind, peer.id)


@dataclass(frozen=True)
class Closable:
    """A peer whose programme the worker may close."""

    programme_id: int
    name: str


@dataclass(frozen=True)
class Closed:
    programme_id: int
    peer_name: str
    reason: CloseReason
    cancelled: int  # upcoming sessions cancelled


async def _active(uow: UnitOfWork, telegram_id: int) -> list[tuple[Programme, Person]]:
    worker = await member(uow, telegram_id, Role.WORKER)
    return await uow.programmes.active_for_worker(worker.id)


async def closable_peers(uow: UnitOfWork, telegram_id: int) -> tuple[Closable, ...]:
    """The peer worker's peers with an active programme, to pick whose to close."""
    return tuple(
        Closable(p.id, peer.display_name or "") for p, peer in await _active(uow, telegram_id)
    )


async def closable_by_name(uow: UnitOfWork, telegram_id: int, name: str) -> Closable:
    """`/close <peer name>`: the one active programme of the worker's that the name means."""
    peers = await _active(uow, telegram_id)
    named = one_peer(name, [Named(p.id, peer.display_name or "") for p, peer in peers])
    return Closable(named.programme_id, named.name)


async def closable(uow: UnitOfWork, telegram_id: int, programme_id: int) -> Closable:
    """The peer picked by a button, re-checked: still the worker's, still active."""
    for p, peer in await _active(uow, telegram_id):
        if p.id == programme_id:
            return Closable(p.id, peer.display_name or "")
    raise BadInput("close_gone")


async def close_programme(
    uow: UnitOfWork, telegram_id: int, programme_id: int, reason: str, *, now: datetime
) -> Closed:
    """End an active programme early, with a reason: its upcoming sessions are cancelled
    (counted against nobody, no message to the peer about each) and the peer is sent their
    toolbox, or the door-open note when they could not be contacted."""
    if reason not in REASONS:
        raise BadInput("close_gone")
    peer = await closable(uow, telegram_id, programme_id)
    if not await uow.endings.close(programme_id, reason, now):
        raise BadInput("close_gone")  # closed or completed meanwhile: nothing more done
    cancelled = await uow.sessions.cancel_upcoming(programme_id, now)
    await programme_ended(uow, programme_id, now=now)
    await uow.commit()
    log.info("programme %s closed (%s), %d sessions cancelled", programme_id, reason, cancelled)
    return Closed(programme_id, peer.name, CloseReason(reason), cancelled)


@dataclass(frozen=True)
class Tried:
    """One strategy in the toolbox."""

    name: str
    tried: int
    helped: int
    a_bit: int


@dataclass(frozen=True)
class Toolbox:
    programme_id: int
    peer_name: str
    strategies: tuple[Tried, ...]  # those that helped most first
    ask: bool  # the three questions follow (asked now, or this send is a retry of it)


async def toolbox_for(uow: UnitOfWork, programme_id: int, *, now: datetime) -> Toolbox:
    """The peer's toolbox at the end of a programme, and the questions asked (once)."""
    found = await uow.endings.programme_with_peer(programme_id)
    if found is None:
        raise BadInput("close_gone")
    _programme, peer = found
    counts = await uow.endings.strategy_counts(peer.id)
    ask = await ending_questions.ask(uow, peer.id, programme_id, now=now)
    await uow.commit()
    return Toolbox(
        programme_id,
        peer.display_name or "",
        tuple(Tried(c.name, c.tried, c.helped, c.a_bit) for c in counts),
        ask,
    )
