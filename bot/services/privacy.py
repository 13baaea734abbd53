"""A person's own data (SPEC §1.4): take it all (/mydata), erase it (/forget, retention).

/mydata: the service reads everything stored about the person into the frozen records of
bot.services.export_records; bot.exports.mydata words and formats them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services.errors import DomainError
from bot.services.export_records import (
    ConversationRecord,
    CoordinatorPart,
    DeliveryRecord,
    DiaryEntry,
    EntryRecord,
    Export,
    PeerPart,
    PeersSession,
    Profile,
    ProgrammeRecord,
    RearrangeRecord,
    SessionRecord,
    StrategyRecord,
    WorkerPart,
)
from bot.services.onboarding import member
from bot.services.reminders import choice_of
from storage.models import PeerSession, Person, Programme, Role
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


class NotYourButton(DomainError):
    """A confirmation made for another person (forged, or an account reused)."""


@dataclass(frozen=True)
class Forgotten:
    person_id: int
    # The peer workers to tell that a peer has left (Telegram ids of those still joined).
    worker_telegram_ids: tuple[int, ...]


def _session(row: PeerSession, numbers: dict[int, int], planned: int) -> SessionRecord:
    return SessionRecord(
        row.id, numbers.get(row.id), planned, row.starts_at, row.duration_minutes, row.place,
        row.state, row.times_moved,
        row.confirmed_at, row.cancelled_at, row.cancelled_by, row.counts_against,
        row.outcome_at,
    )  # fmt: skip


def _programmes(rows: list[tuple[Programme, Person]]) -> tuple[ProgrammeRecord, ...]:
    return tuple(
        ProgrammeRecord(other.display_name, p.planned_sessions, p.state, p.started_at, p.ended_at)
        for p, other in rows
    )


async def _peer_part(uow: UnitOfWork, peer: Person) -> PeerPart:
    repo = uow.privacy
    programmes = await repo.programmes_of_peer(peer.id)
    planned = {p.id: p.planned_sessions for p, _ in programmes}
    sessions = await repo.sessions_of(list(planned))
    numbers = await uow.sessions.numbers_of(planned)
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
        PeersSession(
            _session(row, numbers, planned[row.programme_id]),
            row.outcome_note,
            tuple(asked.get(row.id, ())),
        )
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
    return PeerPart(_programmes(programmes), own_sessions, strategies, choice_of(prefs, peer))


async def _worker_part(uow: UnitOfWork, worker: Person) -> WorkerPart:
    repo = uow.privacy
    prefs = await uow.prefs.worker(worker.id)
    programmes = await repo.programmes_of_worker(worker.id)
    names = {p.id: peer.display_name for p, peer in programmes}
    planned = {p.id: p.planned_sessions for p, _ in programmes}
    numbers = await uow.sessions.numbers_of(names)
    # The diary is the worker's own: times, places and states, never a peer's strategy
    # texts or notes, so the file is safe to keep outside the bot.
    diary = tuple(
        DiaryEntry(_session(row, numbers, planned[row.programme_id]), names[row.programme_id])
        for row in await repo.sessions_of(list(names))
    )
    days = tuple(int(d) for d in prefs.work_days if d in "1234567")
    return WorkerPart(
        prefs.summary_lead_minutes, prefs.work_from, prefs.work_until, days, prefs.last_place,
        _programmes(programmes), diary,
    )  # fmt: skip


def _sessions_in(part: PeerPart | WorkerPart | CoordinatorPart) -> dict[int, SessionRecord]:
    """The export's sessions by id, so a delivery names its session as people do."""
    if isinstance(part, PeerPart):
        return {item.session.id: item.session for item in part.sessions}
    if isinstance(part, WorkerPart):
        return {entry.session.id: entry.session for entry in part.diary}
    return {}


async def export_person(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> Export:
    """Everything stored about the person behind this account, for them to take."""
    person = await member(uow, telegram_id)
    profile = Profile(
        person.display_name, Role(person.role), person.timezone, person.created_at,
        person.joined_at, person.paused, person.unreachable_at, person.language,
    )  # fmt: skip
    part: PeerPart | WorkerPart | CoordinatorPart
    if person.role == Role.PEER:
        part = await _peer_part(uow, person)
    elif person.role == Role.WORKER:
        part = await _worker_part(uow, person)
    else:
        prefs = await uow.prefs.coordinator(person.id)
        part = CoordinatorPart(prefs.digest_weekday, prefs.digest_at)
    about = _sessions_in(part)
    deliveries = tuple(
        DeliveryRecord(
            r.kind, about.get(r.session_id or 0), r.due_at, r.state, r.finished_at, r.reason
        )
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
    if peer.telegram_id is not None:
        # The buttons last shown in their chat (a private chat's id is the account's).
        await uow.keyboards.forget(peer.telegram_id)
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
