"""A person's own data (SPEC §1.4): take it all (/mydata), erase it (/forget, retention).

/mydata: the service reads everything stored about the person into the frozen records
below (plain facts, UTC moments, stored values); bot.exports.mydata words and formats them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from bot.services.errors import DomainError
from bot.services.onboarding import member
from storage.models import PeerSession, Person, Programme, ReminderPrefs, Role
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


class NotYourButton(DomainError):
    """A confirmation made for another person (forged, or an account reused)."""


@dataclass(frozen=True)
class Forgotten:
    person_id: int
    # The peer workers to tell that a peer has left (Telegram ids of those still joined).
    worker_telegram_ids: tuple[int, ...]


@dataclass(frozen=True)
class Profile:
    name: str | None
    role: Role
    zone: str
    added: datetime
    joined: datetime | None
    paused: bool
    unreachable_at: datetime | None


@dataclass(frozen=True)
class SessionRecord:
    id: int
    starts_at: datetime
    minutes: int
    place: str | None
    state: str
    times_moved: int
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    cancelled_by: str | None
    counts_against: bool | None
    outcome_at: datetime | None


@dataclass(frozen=True)
class RearrangeRecord:
    requested_by: str
    created_at: datetime
    proposed_at: datetime | None
    wish: str | None
    state: str
    resolved_at: datetime | None


@dataclass(frozen=True)
class PeersSession:
    """A session in a peer's export: with what their peer worker noted, and rearranging."""

    session: SessionRecord
    worker_note: str | None
    requests: tuple[RearrangeRecord, ...]


@dataclass(frozen=True)
class DiaryEntry:
    """A session in a peer worker's diary: times and places, the peer's name, no texts."""

    session: SessionRecord
    peer_name: str | None  # None once the peer is erased


@dataclass(frozen=True)
class ProgrammeRecord:
    other_name: str | None  # the peer worker (peer's export) or the peer (worker's)
    planned_sessions: int
    state: str
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class EntryRecord:
    outcome: str
    note: str | None
    logged_at: datetime


@dataclass(frozen=True)
class StrategyRecord:
    name: str
    created_at: datetime
    last_used_at: datetime | None
    log: tuple[EntryRecord, ...]


@dataclass(frozen=True)
class ReminderChoice:
    day_before: bool
    day_before_at: time
    morning: bool
    morning_at: time
    hour_before: bool
    quiet_from: time
    quiet_until: time
    asked_at: datetime | None


@dataclass(frozen=True)
class PeerPart:
    programmes: tuple[ProgrammeRecord, ...]
    sessions: tuple[PeersSession, ...]
    strategies: tuple[StrategyRecord, ...]
    reminders: ReminderChoice


@dataclass(frozen=True)
class WorkerPart:
    summary_lead_minutes: int
    work_from: time
    work_until: time
    work_days: tuple[int, ...]  # ISO weekdays, 1 is Monday
    last_place: str | None
    peers: tuple[ProgrammeRecord, ...]
    diary: tuple[DiaryEntry, ...]


@dataclass(frozen=True)
class CoordinatorPart:
    digest_weekday: int  # ISO, 1 is Monday
    digest_at: time


@dataclass(frozen=True)
class DeliveryRecord:
    kind: str
    session_id: int | None
    due_at: datetime
    state: str
    finished_at: datetime | None
    reason: str | None


@dataclass(frozen=True)
class ConversationRecord:
    flow: str
    step: str
    data: Mapping[str, Any]
    updated_at: datetime


@dataclass(frozen=True)
class Export:
    """Everything stored about one person, as read at `read_at`."""

    read_at: datetime
    profile: Profile
    part: PeerPart | WorkerPart | CoordinatorPart
    deliveries: tuple[DeliveryRecord, ...]
    conversation: ConversationRecord | None


def _session(row: PeerSession) -> SessionRecord:
    return SessionRecord(
        row.id, row.starts_at, row.duration_minutes, row.place, row.state, row.times_moved,
        row.confirmed_at, row.cancelled_at, row.cancelled_by, row.counts_against,
        row.outcome_at,
    )  # fmt: skip


def _programmes(rows: list[tuple[Programme, Person]]) -> tuple[ProgrammeRecord, ...]:
    return tuple(
        ProgrammeRecord(other.display_name, p.planned_sessions, p.state, p.started_at, p.ended_at)
        for p, other in rows
    )


def _reminders(prefs: ReminderPrefs) -> ReminderChoice:
    return ReminderChoice(
        prefs.day_before, prefs.day_before_at, prefs.morning, prefs.morning_at,
        prefs.hour_before, prefs.quiet_from, prefs.quiet_until, prefs.asked_at,
    )  # fmt: skip


async def _peer_part(uow: UnitOfWork, peer: Person) -> PeerPart:
    repo = uow.privacy
    programmes = await repo.programmes_of_peer(peer.id)
    sessions = await repo.sessions_of([p.id for p, _ in programmes])
    requests = await repo.rearrange_requests([s.id for s in sessions])
    entries = await repo.entries_of(peer.id)
    asked: dict[int, list[RearrangeRecord]] = {}
    for r in requests:
        asked.setdefault(r.session_id, []).append(
            RearrangeRecord(
                r.requested_by, r.created_at, r.proposed_at, r.wish, r.state, r.resolved_at
            )
        )
    # A peer's own data includes what their peer worker noted about them.
    own_sessions = tuple(
        PeersSession(_session(row), row.outcome_note, tuple(asked.get(row.id, ())))
        for row in sessions
    )
    logged: dict[int, list[EntryRecord]] = {}
    for e in entries:
        logged.setdefault(e.strategy_id, []).append(EntryRecord(e.outcome, e.note, e.logged_at))
    strategies = tuple(
        StrategyRecord(s.name, s.created_at, s.last_used_at, tuple(logged.get(s.id, ())))
        for s in await repo.strategies_of(peer.id)
    )
    prefs = await uow.prefs.reminders(peer.id)
    return PeerPart(_programmes(programmes), own_sessions, strategies, _reminders(prefs))


async def _worker_part(uow: UnitOfWork, worker: Person) -> WorkerPart:
    repo = uow.privacy
    prefs = await uow.prefs.worker(worker.id)
    programmes = await repo.programmes_of_worker(worker.id)
    names = {p.id: peer.display_name for p, peer in programmes}
    # The diary is the worker's own: times, places and states, never a peer's strategy
    # texts or notes, so the file is safe to keep outside the bot.
    diary = tuple(
        DiaryEntry(_session(row), names[row.programme_id])
        for row in await repo.sessions_of(list(names))
    )
    days = tuple(int(d) for d in prefs.work_days if d in "1234567")
    return WorkerPart(
        prefs.summary_lead_minutes, prefs.work_from, prefs.work_until, days, prefs.last_place,
        _programmes(programmes), diary,
    )  # fmt: skip


async def export_person(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> Export:
    """Everything stored about the person behind this account, for them to take."""
    person = await member(uow, telegram_id)
    profile = Profile(
        person.display_name, Role(person.role), person.timezone, person.created_at,
        person.joined_at, person.paused, person.unreachable_at,
    )  # fmt: skip
    part: PeerPart | WorkerPart | CoordinatorPart
    if person.role == Role.PEER:
        part = await _peer_part(uow, person)
    elif person.role == Role.WORKER:
        part = await _worker_part(uow, person)
    else:
        prefs = await uow.prefs.coordinator(person.id)
        part = CoordinatorPart(prefs.digest_weekday, prefs.digest_at)
    deliveries = tuple(
        DeliveryRecord(r.kind, r.session_id, r.due_at, r.state, r.finished_at, r.reason)
        for r in await uow.privacy.deliveries_to(person.id)
    )
    row = await uow.conversations.get(person.id)
    conversation = (
        None if row is None else ConversationRecord(row.flow, row.step, row.data, row.updated_at)
    )
    log.info("person %s exported their data", person.id)
    return Export(now, profile, part, deliveries, conversation)


async def _erase(uow: UnitOfWork, peer: Person, now: datetime) -> tuple[int, ...]:
    repo = uow.privacy
    workers = [w for _p, w in await repo.programmes_of_peer(peer.id)]
    await repo.erase_peer(peer, now)
    told = {w.telegram_id for w in workers if w.telegram_id is not None and w.left_at is None}
    return tuple(sorted(told))


async def forget(
    uow: UnitOfWork, telegram_id: int, *, now: datetime, person_id: int | None = None
) -> Forgotten:
    """Erase a peer's personal data and unlink the account; their sessions stay as counts.

    `person_id`, when given, must be the account's person (a button made for them).
    """
    peer = await member(uow, telegram_id, Role.PEER)
    if person_id is not None and peer.id != person_id:
        raise NotYourButton()
    workers = await _erase(uow, peer, now)
    await uow.commit()
    log.info("person %s erased on request", peer.id)
    return Forgotten(peer.id, workers)


async def erase_expired(uow: UnitOfWork, *, now: datetime, retention_days: int) -> list[int]:
    """Erase peers whose programme ended more than `retention_days` ago; their ids."""
    cutoff = now - timedelta(days=retention_days)
    peers = await uow.privacy.peers_ended_before(cutoff)
    for peer in peers:
        await _erase(uow, peer, now)
    await uow.commit()
    if peers:
        log.info("retention erased %d peers: %s", len(peers), [p.id for p in peers])
    return [p.id for p in peers]
