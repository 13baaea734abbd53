"""The strategy log: a peer's own list of strategies and how each went (issue 4).

The list belongs to the peer (like a WRAP toolbox): only they write, change or delete it,
and nothing is ever suggested from anyone else's list. The /log flow keeps its step in
the `conversations` table; each flow carries a random number that its buttons repeat, so
a button of an earlier flow (or a forged one) is refused instead of acting on this one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.services.errors import BadInput
from bot.services.onboarding import member
from storage.models import Person, Role, Strategy, StrategyEntry
from storage.repositories.strategies import StrategyRepository
from storage.uow import UnitOfWork

OUTCOMES = ("helped", "a_bit", "didnt_help", "didnt_try")
NAME_MAX = 200
NOTE_MAX = 500
WEEK = timedelta(days=7)
LOG_FLOW = "log"
LIST_FLOW = "str"


@dataclass(frozen=True)
class StrategyItem:
    id: int
    name: str


@dataclass(frozen=True)
class EntryItem:
    id: int
    strategy_id: int
    name: str
    outcome: str
    note: str | None
    logged_at: datetime


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


@dataclass(frozen=True)
class Overview:
    timezone: str
    this_week: tuple[EntryItem, ...]
    strategies: tuple[StrategyItem, ...]


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


def _entry(entry: StrategyEntry, name: str) -> EntryItem:
    return EntryItem(entry.id, entry.strategy_id, name, entry.outcome, entry.note, entry.logged_at)


async def _peer(uow: UnitOfWork, telegram_id: int) -> Person:
    return await member(uow, telegram_id, Role.PEER)


async def _owned(repo: StrategyRepository, peer: Person, strategy_id: int) -> Strategy:
    strategy = await repo.owned(peer.id, strategy_id)
    if strategy is None:
        # The same answer for a removed strategy and for someone else's: nothing leaks.
        raise BadInput("strategy_gone")
    return strategy


async def _flow(
    uow: UnitOfWork, peer: Person, flow: str, step: str, nonce: int | None
) -> dict[str, Any]:
    """The flow's data if the person is at `step` (of this very flow when a nonce is given)."""
    conversation = await uow.conversations.get(peer.id)
    if conversation is None or (conversation.flow, conversation.step) != (flow, step):
        raise BadInput("log_stale")
    data = dict(conversation.data or {})
    if nonce is not None and data.get("n") != nonce:
        raise BadInput("log_stale")
    return data


# --- /log -------------------------------------------------------------------------------


async def start_log(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> LogStart:
    """Begin logging: the peer picks one of their strategies or types a new one."""
    peer = await _peer(uow, telegram_id)
    strategies = await StrategyRepository(uow.session).of_peer(peer.id)
    nonce = secrets.randbelow(2**31)
    await uow.conversations.put(peer.id, LOG_FLOW, "strategy", {"n": nonce}, now)
    await uow.commit()
    return LogStart(nonce, tuple(StrategyItem(s.id, s.name) for s in strategies))


async def pick_strategy(
    uow: UnitOfWork, telegram_id: int, nonce: int, strategy_id: int, *, now: datetime
) -> Step:
    """The peer picked one of their own strategies; next comes how it went."""
    peer = await _peer(uow, telegram_id)
    await _flow(uow, peer, LOG_FLOW, "strategy", nonce)
    strategy = await _owned(StrategyRepository(uow.session), peer, strategy_id)
    data = {"n": nonce, "strategy_id": strategy.id}
    await uow.conversations.put(peer.id, LOG_FLOW, "outcome", data, now)
    await uow.commit()
    return Step(nonce, strategy.name)


async def type_strategy(uow: UnitOfWork, telegram_id: int, raw: str, *, now: datetime) -> Step:
    """The peer typed a strategy; it joins their list only once an entry is saved."""
    peer = await _peer(uow, telegram_id)
    data = await _flow(uow, peer, LOG_FLOW, "strategy", None)
    name = clean_strategy_name(raw)
    existing = await StrategyRepository(uow.session).named(peer.id, name)
    chosen: dict[str, Any] = {"strategy_id": existing.id} if existing else {"name": name}
    nonce = int(data.get("n") or 0)
    await uow.conversations.put(peer.id, LOG_FLOW, "outcome", {"n": nonce, **chosen}, now)
    await uow.commit()
    return Step(nonce, existing.name if existing else name)


async def choose_outcome(
    uow: UnitOfWork, telegram_id: int, nonce: int | None, outcome: str, *, now: datetime
) -> Step:
    """How it went; next comes the optional note."""
    if outcome not in OUTCOMES:
        raise BadInput("outcome_unknown")
    peer = await _peer(uow, telegram_id)
    data = await _flow(uow, peer, LOG_FLOW, "outcome", nonce)
    if "strategy_id" in data:
        name = (await _owned(StrategyRepository(uow.session), peer, data["strategy_id"])).name
    else:
        name = str(data.get("name", ""))
    await uow.conversations.put(peer.id, LOG_FLOW, "note", {**data, "outcome": outcome}, now)
    await uow.commit()
    return Step(int(data.get("n") or 0), name, outcome)


async def finish_log(
    uow: UnitOfWork, telegram_id: int, nonce: int | None, raw_note: str | None, *, now: datetime
) -> Logged:
    """Save the entry (with the note, or without one for Skip) and end the flow."""
    peer = await _peer(uow, telegram_id)
    data = await _flow(uow, peer, LOG_FLOW, "note", nonce)
    note = clean_note(raw_note) if raw_note is not None else None
    repo = StrategyRepository(uow.session)
    new_strategy = False
    if "strategy_id" in data:
        strategy = await _owned(repo, peer, int(data["strategy_id"]))
    else:
        name = clean_strategy_name(str(data.get("name", "")))
        found = await repo.named(peer.id, name)
        if found is None:
            found = Strategy(peer_id=peer.id, name=name, created_at=now, last_used_at=now)
            repo.add(found)
            new_strategy = True
        strategy = found
    strategy.last_used_at = now
    await uow.flush()
    entry = StrategyEntry(
        strategy_id=strategy.id,
        peer_id=peer.id,
        outcome=str(data["outcome"]),
        note=note,
        logged_at=now,
    )
    repo.add_entry(entry)
    await uow.conversations.clear(peer.id)
    await uow.flush()
    await uow.commit()
    return Logged(entry.id, strategy.name, entry.outcome, note, new_strategy)


# --- the peer's own list ----------------------------------------------------------------


async def overview(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> Overview:
    """This week's entries (the last 7 days) and the whole list, for /strategies."""
    peer = await _peer(uow, telegram_id)
    repo = StrategyRepository(uow.session)
    entries = await repo.entries_since(peer.id, now - WEEK, now)
    strategies = await repo.of_peer(peer.id)
    return Overview(
        peer.timezone,
        tuple(_entry(e, name) for e, name in reversed(entries)),
        tuple(StrategyItem(s.id, s.name) for s in strategies),
    )


async def strategy(uow: UnitOfWork, telegram_id: int, strategy_id: int) -> tuple[StrategyItem, int]:
    """One of the peer's strategies with how many entries it has."""
    peer = await _peer(uow, telegram_id)
    repo = StrategyRepository(uow.session)
    found = await _owned(repo, peer, strategy_id)
    return StrategyItem(found.id, found.name), await repo.count_entries(found.id)


async def recent_entries(
    uow: UnitOfWork, telegram_id: int, *, limit: int
) -> tuple[str, tuple[EntryItem, ...]]:
    """The peer's time zone and their latest entries, newest first (to pick one to delete)."""
    peer = await _peer(uow, telegram_id)
    rows = await StrategyRepository(uow.session).latest_entries(peer.id, limit)
    return peer.timezone, tuple(_entry(e, name) for e, name in rows)


async def entry(uow: UnitOfWork, telegram_id: int, entry_id: int) -> tuple[str, EntryItem]:
    peer = await _peer(uow, telegram_id)
    found = await StrategyRepository(uow.session).owned_entry(peer.id, entry_id)
    if found is None:
        raise BadInput("entry_gone")
    return peer.timezone, _entry(*found)


async def delete_entry(uow: UnitOfWork, telegram_id: int, entry_id: int) -> tuple[str, EntryItem]:
    """Delete one of the peer's entries (after they confirmed with a button)."""
    peer = await _peer(uow, telegram_id)
    repo = StrategyRepository(uow.session)
    found = await repo.owned_entry(peer.id, entry_id)
    if found is None:
        raise BadInput("entry_gone")
    await repo.delete_entry(found[0])
    await uow.commit()
    return peer.timezone, _entry(*found)


async def remove_strategy(uow: UnitOfWork, telegram_id: int, strategy_id: int) -> StrategyItem:
    """Remove a strategy from the peer's list, with its entries (after a confirmation)."""
    peer = await _peer(uow, telegram_id)
    repo = StrategyRepository(uow.session)
    found = await _owned(repo, peer, strategy_id)
    item = StrategyItem(found.id, found.name)
    await repo.remove(found)
    await uow.commit()
    return item


async def start_rename(
    uow: UnitOfWork, telegram_id: int, strategy_id: int, *, now: datetime
) -> StrategyItem:
    """Ask for a new name: the next typed message renames this strategy."""
    peer = await _peer(uow, telegram_id)
    found = await _owned(StrategyRepository(uow.session), peer, strategy_id)
    await uow.conversations.put(peer.id, LIST_FLOW, "rename", {"strategy_id": found.id}, now)
    await uow.commit()
    return StrategyItem(found.id, found.name)


async def rename(
    uow: UnitOfWork, telegram_id: int, raw: str, *, now: datetime
) -> tuple[str, StrategyItem]:
    """Rename the strategy chosen with Rename; returns the old name and the renamed item."""
    peer = await _peer(uow, telegram_id)
    data = await _flow(uow, peer, LIST_FLOW, "rename", None)
    repo = StrategyRepository(uow.session)
    found = await _owned(repo, peer, int(data.get("strategy_id", 0)))
    name = clean_strategy_name(raw)
    twin = await repo.named(peer.id, name)
    if twin is not None and twin.id != found.id:
        raise BadInput("strategy_name_taken", name=twin.name)
    old, found.name = found.name, name
    await uow.conversations.clear(peer.id)
    await uow.commit()
    return old, StrategyItem(found.id, name)


async def leave_flow(uow: UnitOfWork, telegram_id: int, flow: str) -> None:
    """End the peer's /log or rename flow, keeping what was saved; any other flow goes on."""
    peer = await _peer(uow, telegram_id)
    conversation = await uow.conversations.get(peer.id)
    if conversation is not None and conversation.flow == flow:
        await uow.conversations.clear(peer.id)
        await uow.commit()
