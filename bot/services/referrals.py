"""Referrals and matching (SPEC §2): /refer, the coordinator's list, offers to peer workers.

A referral holds a first name, where it came from and when: nothing else (SPEC §1.3-1.4).
Every move (offered, accepted, declined, closed) is conditional on the version the
button carried, so two coordinators matching one referral at once: one wins, the other is
Stale and told that it has changed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services.errors import Stale
from bot.services.free_times import day_starts, free_days
from bot.services.onboarding import member
from bot.services.referral_sources import parse_referral
from storage.enums import ReferralCloseReason
from storage.models import Person, Referral, ReferralState, Role, WorkerPrefs
from storage.repositories.session_views import Busy
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

CLOSE_REASONS = tuple(ReferralCloseReason)
ON_LIST = (ReferralState.WAITING, ReferralState.OFFERED)
LIST_SHOWN = 8  # waiting referrals shown with buttons; the rest are counted
PAST_WAITS = 50  # the latest matched referrals the usual wait is taken from
ENOUGH_WAITS = 5  # fewer than this and no usual wait is said
FREE_DAYS = 14  # how far ahead a worker's next free day is looked for


@dataclass(frozen=True)
class ReferralView:
    id: int
    version: int
    first_name: str
    source: str  # a SOURCES key, UNKNOWN, or the words typed
    days_waiting: int
    self_referred: bool
    offered_to: str | None = None  # the peer worker it waits on, once offered


@dataclass(frozen=True)
class WaitingList:
    referrals: tuple[ReferralView, ...]
    total: int


@dataclass(frozen=True)
class WorkerOption:
    id: int
    name: str
    peers: int
    capacity: int
    next_free: datetime | None
    timezone: str

    @property
    def has_room(self) -> bool:
        return self.peers < self.capacity


@dataclass(frozen=True)
class MatchOptions:
    referral: ReferralView
    workers: tuple[WorkerOption, ...]


@dataclass(frozen=True)
class Offer:
    """A referral offered to a peer worker (or, `needs_confirming`, not yet: they are full)."""

    referral: ReferralView
    worker: WorkerOption
    worker_telegram_id: int | None
    coordinator_name: str
    needs_confirming: bool = False


def _days(referral: Referral, now: datetime) -> int:
    return max(0, (now - referral.created_at).days)


def view(referral: Referral, now: datetime, *, offered_to: str | None = None) -> ReferralView:
    return ReferralView(
        referral.id,
        referral.version,
        referral.first_name,
        referral.source,
        _days(referral, now),
        referral.referred_by_id is None,
        offered_to if referral.state == ReferralState.OFFERED else None,
    )


async def refer(uow: UnitOfWork, telegram_id: int, raw: str, *, now: datetime) -> ReferralView:
    """A coordinator or peer worker records a referral: first name, source, time."""
    who = await member(uow, telegram_id, Role.COORDINATOR, Role.WORKER)
    name, source = parse_referral(raw)
    referral = Referral(
        first_name=name,
        source=source,
        state=ReferralState.WAITING,
        referred_by_id=who.id,
        created_at=now,
        version=1,
    )
    uow.referrals.add(referral)
    await uow.commit()
    log.info("referral %s recorded by person %s", referral.id, who.id)
    return view(referral, now)


async def waiting_list(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> WaitingList:
    """The coordinator's list: waiting referrals, oldest first."""
    await member(uow, telegram_id, Role.COORDINATOR)
    rows, total = await uow.referrals.waiting(LIST_SHOWN)
    return WaitingList(tuple(view(r, now, offered_to=name) for r, name in rows), total)


async def _on_list(
    uow: UnitOfWork, telegram_id: int, referral_id: int, version: int
) -> tuple[Person, Referral]:
    """The coordinator pressing, and a referral still on the list as the button saw it
    (waiting, or offered and not yet answered: it may be offered to someone else, or closed)."""
    coordinator = await member(uow, telegram_id, Role.COORDINATOR)
    referral = await uow.referrals.get(referral_id)
    if referral is None or referral.version != version or referral.state not in ON_LIST:
        raise Stale()
    return coordinator, referral


async def _change(uow: UnitOfWork, referral: Referral, version: int, **values: object) -> None:
    """Change a referral still on the list as it was read, and commit (Stale if another
    coordinator got there first)."""
    if not await uow.referrals.change(referral.id, version, ON_LIST, **values):
        raise Stale()
    await uow.commit()


def next_free(
    prefs: WorkerPrefs, busy: list[Busy], zone: str, *, now: datetime, minutes: int = 60
) -> datetime | None:
    """The first free hour in the worker's hours over the next FREE_DAYS days, as the
    free-times code finds them, from a diary read once."""
    starts = day_starts(prefs, minutes, None)
    return next(free_days(prefs, busy, zone, starts, minutes, now, FREE_DAYS), None)


async def _workers(uow: UnitOfWork, capacity: int, now: datetime) -> list[WorkerOption]:
    """Every peer worker with caseload, capacity and next free day: three statements."""
    rows = await uow.referrals.workers_with_caseload()
    end = now + timedelta(days=FREE_DAYS + 2)
    busy = await uow.referrals.busy_of_workers([w.id for w, _, _ in rows], now, end)
    found = [
        WorkerOption(
            worker.id,
            worker.display_name or "",
            peers,
            prefs.capacity or capacity,
            next_free(prefs, busy[worker.id], worker.timezone, now=now),
            worker.timezone,
        )
        for worker, peers, prefs in rows
    ]
    # Those with room first; then the fewest peers for their capacity.
    return sorted(found, key=lambda w: (not w.has_room, w.peers / w.capacity, w.name))


async def match_options(
    uow: UnitOfWork,
    telegram_id: int,
    referral_id: int,
    version: int,
    *,
    now: datetime,
    capacity: int,
) -> MatchOptions:
    """The peer workers a waiting referral could go to, with their caseload and next free day."""
    _, referral = await _on_list(uow, telegram_id, referral_id, version)
    return MatchOptions(view(referral, now), tuple(await _workers(uow, capacity, now)))


async def offer(
    uow: UnitOfWork,
    telegram_id: int,
    referral_id: int,
    version: int,
    worker_id: int,
    *,
    now: datetime,
    capacity: int,
    confirmed: bool = False,
) -> Offer:
    """Offer the referral to a peer worker; one at or over capacity needs `confirmed`."""
    coordinator, referral = await _on_list(uow, telegram_id, referral_id, version)
    worker = next((w for w in await _workers(uow, capacity, now) if w.id == worker_id), None)
    if worker is None:
        raise Stale()
    person = await uow.people.get(worker.id)
    assert person is not None
    name = coordinator.display_name or ""
    if not worker.has_room and not confirmed:
        return Offer(view(referral, now), worker, person.telegram_id, name, needs_confirming=True)
    await _change(
        uow,
        referral,
        version,
        state=ReferralState.OFFERED,
        offered_at=now,
        offered_to_id=worker.id,
        offered_by_id=coordinator.id,
    )
    fresh = await uow.referrals.get(referral.id)
    assert fresh is not None
    log.info("referral %s offered to person %s", referral.id, worker.id)
    return Offer(view(fresh, now), worker, person.telegram_id, name)


async def closing(
    uow: UnitOfWork, telegram_id: int, referral_id: int, version: int, *, now: datetime
) -> ReferralView:
    """The referral a coordinator is about to close (Stale if it has moved on)."""
    _, referral = await _on_list(uow, telegram_id, referral_id, version)
    return view(referral, now)


async def close(
    uow: UnitOfWork,
    telegram_id: int,
    referral_id: int,
    version: int,
    reason: ReferralCloseReason,
    *,
    now: datetime,
) -> ReferralView:
    """Close a waiting referral with a reason (no longer wanted, no contact, elsewhere)."""
    _, referral = await _on_list(uow, telegram_id, referral_id, version)
    await _change(
        uow, referral, version, state=ReferralState.CLOSED, close_reason=reason, closed_at=now
    )
    log.info("referral %s closed: %s", referral.id, reason)
    return view(referral, now)
