"""/log: a peer logs a strategy they tried and how it went (issue 4).

The flow is declared in bot.services.flows (LOG). Each /log carries a random number that
its buttons repeat, so a button of an earlier /log (or a forged one) is refused instead of
acting on this one. Every step moves on only from the step that was read, so a double tap
or two replicas move it once: the other press is told the step is over.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from bot.services import flows
from bot.services.errors import BadInput, Stale
from bot.services.flows import LOG, At, LogData, LogStep
from bot.services.onboarding import member
from storage.models import Person, Role, Strategy
from storage.uow import UnitOfWork

OUTCOMES = ("helped", "a_bit", "didnt_help", "didnt_try")
NAME_MAX = 200
NOTE_MAX = 500


@dataclass(frozen=True)
class StrategyItem:
    id: int
    name: str


@dataclass(frozen=True)
class LogStart:
    """The first step of /log: the peer's strategies (most recent first) to pick from."""

    nonce: int
    strategies: tuple[StrategyItem, ...]


@dataclass(frozen=True)
class Step:
    """Where the /log flow is now: its number (repeated by its buttons) and the strategy."""

    nonce: int
    name: str
    outcome: str | None = None


@dataclass(frozen=True)
class Logged:
    entry_id: int
    name: str
    outcome: str
    note: str | None
    new_strategy: bool


def _one_line(raw: str) -> str:
    return " ".join(raw.split())


def clean_strategy_name(raw: str) -> str:
    name = _one_line(raw)
    if not name:
        raise BadInput("strategy_missing")
    if len(name) > NAME_MAX:
        raise BadInput("strategy_too_long", limit=NAME_MAX, length=len(name))
    return name


def clean_note(raw: str) -> str:
    note = raw.strip()
    if not note:
        raise BadInput("note_missing")
    if len(note) > NOTE_MAX:
        raise BadInput("note_too_long", limit=NOTE_MAX, length=len(note))
    return note


async def peer_of(uow: UnitOfWork, telegram_id: int) -> Person:
    return await member(uow, telegram_id, Role.PEER)


async def owned(uow: UnitOfWork, peer: Person, strategy_id: int | None) -> Strategy:
    strategy = await uow.strategies.owned(peer.id, strategy_id or 0)
    if strategy is None:
        # The same answer for a removed strategy and for someone else's: nothing leaks.
        raise BadInput("strategy_gone")
    return strategy


async def _at(
    uow: UnitOfWork, peer: Person, step: LogStep, nonce: int | None, now: datetime
) -> At[LogStep, LogData]:
    """Where this /log is, if at `step` (of this very /log when a nonce is given)."""
    found = await flows.at(uow, peer.id, LOG, step, now=now)
    if found is None or (nonce is not None and found.data.n != nonce):
        raise BadInput("log_stale")
    return found


async def move(
    uow: UnitOfWork,
    peer: Person,
    read: At[LogStep, LogData],
    step: LogStep,
    data: LogData,
    now: datetime,
) -> None:
    """Move on from what was read; a press that lost the race is told the step is over."""
    try:
        await flows.advance(uow, peer.id, LOG, read, step, data, now=now)
    except Stale:
        raise BadInput("log_stale") from None


async def start_log(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> LogStart:
    """Begin logging: the peer picks one of their strategies or types a new one."""
    peer = await peer_of(uow, telegram_id)
    strategies = await uow.strategies.of_peer(peer.id)
    nonce = secrets.randbelow(2**31)
    await flows.begin(uow, peer.id, LOG, LogStep.STRATEGY, LogData(n=nonce), now=now)
    await uow.commit()
    return LogStart(nonce, tuple(StrategyItem(s.id, s.name) for s in strategies))


async def pick_strategy(
    uow: UnitOfWork, telegram_id: int, nonce: int, strategy_id: int, *, now: datetime
) -> Step:
    """The peer picked one of their own strategies; next comes how it went."""
    peer = await peer_of(uow, telegram_id)
    read = await _at(uow, peer, LogStep.STRATEGY, nonce, now)
    strategy = await owned(uow, peer, strategy_id)
    data = LogData(n=nonce, strategy_id=strategy.id)
    await move(uow, peer, read, LogStep.OUTCOME, data, now)
    await uow.commit()
    return Step(nonce, strategy.name)


async def type_strategy(uow: UnitOfWork, telegram_id: int, raw: str, *, now: datetime) -> Step:
    """The peer typed a strategy; it joins their list only once an entry is saved."""
    peer = await peer_of(uow, telegram_id)
    read = await _at(uow, peer, LogStep.STRATEGY, None, now)
    name = clean_strategy_name(raw)
    existing = await uow.strategies.named(peer.id, name)
    nonce = read.data.n
    if existing is not None:
        data = LogData(n=nonce, strategy_id=existing.id)
    else:
        data = LogData(n=nonce, name=name)
    await move(uow, peer, read, LogStep.OUTCOME, data, now)
    await uow.commit()
    return Step(nonce, existing.name if existing else name)


async def _name(uow: UnitOfWork, peer: Person, data: LogData) -> str:
    if data.strategy_id is not None:
        return (await owned(uow, peer, data.strategy_id)).name
    return data.name or ""


async def choose_outcome(
    uow: UnitOfWork, telegram_id: int, nonce: int | None, outcome: str, *, now: datetime
) -> Step:
    """How it went; next comes the optional note."""
    if outcome not in OUTCOMES:
        raise BadInput("outcome_unknown")
    peer = await peer_of(uow, telegram_id)
    read = await _at(uow, peer, LogStep.OUTCOME, nonce, now)
    name = await _name(uow, peer, read.data)
    data = LogData(read.data.n, read.data.strategy_id, read.data.name, outcome)
    await move(uow, peer, read, LogStep.NOTE, data, now)
    await uow.commit()
    return Step(read.data.n, name, outcome)


async def finish_log(
    uow: UnitOfWork, telegram_id: int, nonce: int | None, raw_note: str | None, *, now: datetime
) -> Logged:
    """Save the entry (with the note, or without one for Skip) and end the flow.

    The flow is claimed first, conditionally on the step that was read, so Skip pressed
    twice (or on two replicas) saves one entry; the other press is told the step is over.
    """
    peer = await peer_of(uow, telegram_id)
    read = await _at(uow, peer, LogStep.NOTE, nonce, now)
    note = clean_note(raw_note) if raw_note is not None else None
    data = read.data
    if data.outcome is None:
        raise BadInput("log_stale")
    # Ending the flow only if still as read is what lets one of two presses save.
    if not await flows.end(uow, peer.id, LOG, read=read):
        raise BadInput("log_stale")
    new_strategy = False
    if data.strategy_id is not None:
        strategy = await owned(uow, peer, data.strategy_id)
    else:
        name = clean_strategy_name(data.name or "")
        found = await uow.strategies.named(peer.id, name)
        if found is None:
            found = Strategy(peer_id=peer.id, name=name, created_at=now, last_used_at=now)
            uow.strategies.add(found)
            new_strategy = True
        strategy = found
    strategy.last_used_at = now
    entry = await uow.strategies.log(strategy, outcome=data.outcome, note=note, logged_at=now)
    await uow.commit()
    return Logged(entry.id, strategy.name, entry.outcome, note, new_strategy)
