"""The strategy log: a peer's own list of strategies and how each went (issue 4).

The list belongs to the peer (like a WRAP toolbox): only they write, change or delete it,
and nothing is ever suggested from anyone else's list. This module is /strategies (the
list, renaming, removing, deleting entries); /log itself is bot.services.strategy_log,
whose names are repeated here for the handlers. Every change is conditional on what was
read, so a second press of the same button is told the thing is gone or the step is over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services import flows
from bot.services.errors import BadInput
from bot.services.flows import STRATEGIES, StrategiesData, StrategiesStep
from bot.services.strategy_log import (
    NAME_MAX,
    NOTE_MAX,
    OUTCOMES,
    Logged,
    LogStart,
    Step,
    StrategyItem,
    choose_outcome,
    clean_note,
    clean_strategy_name,
    finish_log,
    owned,
    peer_of,
    pick_strategy,
    start_log,
    type_strategy,
)
from storage.models import StrategyEntry
from storage.uow import UnitOfWork

__all__ = [
    "NAME_MAX",
    "NOTE_MAX",
    "OUTCOMES",
    "EntryItem",
    "LogStart",
    "Logged",
    "Overview",
    "Step",
    "StrategyItem",
    "choose_outcome",
    "clean_note",
    "clean_strategy_name",
    "delete_entry",
    "entry",
    "finish_log",
    "leave_flow",
    "overview",
    "pick_strategy",
    "recent_entries",
    "remove_strategy",
    "rename",
    "start_log",
    "start_rename",
    "strategy",
    "type_strategy",
]

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class EntryItem:
    id: int
    strategy_id: int
    name: str
    outcome: str
    note: str | None
    logged_at: datetime


@dataclass(frozen=True)
class Overview:
    timezone: str
    this_week: tuple[EntryItem, ...]
    strategies: tuple[StrategyItem, ...]


def _entry(entry: StrategyEntry, name: str) -> EntryItem:
    return EntryItem(entry.id, entry.strategy_id, name, entry.outcome, entry.note, entry.logged_at)


async def overview(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> Overview:
    """This week's entries (the last 7 days) and the whole list, for /strategies."""
    peer = await peer_of(uow, telegram_id)
    entries = await uow.strategies.entries_since(peer.id, now - WEEK, now)
    strategies = await uow.strategies.of_peer(peer.id)
    return Overview(
        peer.timezone,
        tuple(_entry(e, name) for e, name in reversed(entries)),
        tuple(StrategyItem(s.id, s.name) for s in strategies),
    )


async def strategy(uow: UnitOfWork, telegram_id: int, strategy_id: int) -> tuple[StrategyItem, int]:
    """One of the peer's strategies with how many entries it has."""
    peer = await peer_of(uow, telegram_id)
    found = await owned(uow, peer, strategy_id)
    return StrategyItem(found.id, found.name), await uow.strategies.count_entries(found.id)


async def recent_entries(
    uow: UnitOfWork, telegram_id: int, *, limit: int
) -> tuple[str, tuple[EntryItem, ...]]:
    """The peer's time zone and their latest entries, newest first (to pick one to delete)."""
    peer = await peer_of(uow, telegram_id)
    rows = await uow.strategies.latest_entries(peer.id, limit)
    return peer.timezone, tuple(_entry(e, name) for e, name in rows)


async def entry(uow: UnitOfWork, telegram_id: int, entry_id: int) -> tuple[str, EntryItem]:
    peer = await peer_of(uow, telegram_id)
    found = await uow.strategies.owned_entry(peer.id, entry_id)
    if found is None:
        raise BadInput("entry_gone")
    return peer.timezone, _entry(*found)


async def delete_entry(uow: UnitOfWork, telegram_id: int, entry_id: int) -> tuple[str, EntryItem]:
    """Delete one of the peer's entries (after they confirmed with a button)."""
    peer = await peer_of(uow, telegram_id)
    found = await uow.strategies.owned_entry(peer.id, entry_id)
    # Gone already (a second Yes, or another replica got there first): say so.
    if found is None or not await uow.strategies.delete_entry(peer.id, entry_id):
        raise BadInput("entry_gone")
    await uow.commit()
    return peer.timezone, _entry(*found)


async def remove_strategy(uow: UnitOfWork, telegram_id: int, strategy_id: int) -> StrategyItem:
    """Remove a strategy from the peer's list, with its entries (after a confirmation)."""
    peer = await peer_of(uow, telegram_id)
    found = await owned(uow, peer, strategy_id)
    item = StrategyItem(found.id, found.name)
    if not await uow.strategies.remove(peer.id, found.id):
        raise BadInput("strategy_gone")
    await uow.commit()
    return item


async def start_rename(
    uow: UnitOfWork, telegram_id: int, strategy_id: int, *, now: datetime
) -> StrategyItem:
    """Ask for a new name: the next typed message renames this strategy."""
    peer = await peer_of(uow, telegram_id)
    found = await owned(uow, peer, strategy_id)
    data = StrategiesData(strategy_id=found.id)
    await flows.begin(uow, peer.id, STRATEGIES, StrategiesStep.RENAME, data, now=now)
    await uow.commit()
    return StrategyItem(found.id, found.name)


async def rename(
    uow: UnitOfWork, telegram_id: int, raw: str, *, now: datetime
) -> tuple[str, StrategyItem]:
    """Rename the strategy chosen with Rename; returns the old name and the renamed item.

    Two answers racing (a double send, two replicas) rename it once.
    """
    peer = await peer_of(uow, telegram_id)
    read = await flows.at(uow, peer.id, STRATEGIES, StrategiesStep.RENAME, now=now)
    if read is None:
        raise BadInput("log_stale")
    found = await owned(uow, peer, read.data.strategy_id)
    name = clean_strategy_name(raw)
    twin = await uow.strategies.named(peer.id, name)
    if twin is not None and twin.id != found.id:
        raise BadInput("strategy_name_taken", name=twin.name)
    old = found.name
    # Both conditional: the flow still open (a second answer finds it over) and the name
    # still the one read (a rename from elsewhere wins).
    if not await flows.end(uow, peer.id, STRATEGIES):
        raise BadInput("log_stale")
    if not await uow.strategies.rename(peer.id, found.id, old, name):
        raise BadInput("log_stale")
    await uow.commit()
    return old, StrategyItem(found.id, name)


async def leave_flow(uow: UnitOfWork, telegram_id: int, flow: str) -> None:
    """End the peer's /log or rename flow, keeping what was saved; any other flow goes on."""
    peer = await peer_of(uow, telegram_id)
    if await flows.end(uow, peer.id, flows.SPECS[flows.Flow(flow)]):
        await uow.commit()
