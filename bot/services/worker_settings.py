"""A peer worker's own settings: when summaries arrive, working hours, time zone, how many
peers at once (capacity), and lone-working safety check-ins when the service uses them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from bot.services.errors import BadInput, Stale
from bot.services.localtime import zone_named
from bot.services.onboarding import member
from storage.models import Person, Role
from storage.uow import UnitOfWork

LEAD_CHOICES = (30, 60, 120, 180, 1440)


@dataclass(frozen=True)
class WorkerSettings:
    summary_lead_minutes: int
    work_from: time
    work_until: time
    work_days: str
    timezone: str
    capacity: int | None = None  # None: the deployment's WORKER_CAPACITY
    safety_checkins: bool = False


async def my_settings(uow: UnitOfWork, telegram_id: int) -> WorkerSettings:
    worker = await member(uow, telegram_id, Role.WORKER)
    prefs = await uow.prefs.worker(worker.id)
    return WorkerSettings(
        prefs.summary_lead_minutes,
        prefs.work_from,
        prefs.work_until,
        prefs.work_days,
        worker.timezone,
        prefs.capacity,
        bool(prefs.safety_checkins),
    )


async def _set(
    uow: UnitOfWork,
    telegram_id: int,
    values: dict[str, object],
    expected: dict[str, object] | None = None,
    worker: Person | None = None,
) -> WorkerSettings:
    """Save a change (only if the settings are still `expected`: else Stale), commit it."""
    worker = worker or await member(uow, telegram_id, Role.WORKER)
    if not await uow.prefs.change_worker(worker.id, values, expected=expected):
        raise Stale()
    await uow.commit()
    return await my_settings(uow, telegram_id)


async def set_lead(uow: UnitOfWork, telegram_id: int, minutes: int) -> WorkerSettings:
    """How long before each session the summary arrives (one of LEAD_CHOICES)."""
    if minutes not in LEAD_CHOICES:
        raise BadInput("lead_unknown")
    return await _set(uow, telegram_id, {"summary_lead_minutes": minutes})


async def set_hours(uow: UnitOfWork, telegram_id: int, start: time, end: time) -> WorkerSettings:
    if not start < end:
        raise BadInput("hours_empty")
    return await _set(uow, telegram_id, {"work_from": start, "work_until": end})


async def toggle_day(uow: UnitOfWork, telegram_id: int, day: int) -> WorkerSettings:
    """Add or remove an ISO weekday (1 = Monday); Stale if the days changed since read."""
    if not 1 <= day <= 7:
        raise BadInput("lead_unknown")
    worker = await member(uow, telegram_id, Role.WORKER)
    was = (await uow.prefs.worker(worker.id)).work_days or ""
    days = "".join(sorted(set(was) ^ {str(day)}))
    return await _set(uow, telegram_id, {"work_days": days}, {"work_days": was}, worker)


CAPACITY_MAX = 100


async def set_capacity(uow: UnitOfWork, telegram_id: int, peers: int) -> WorkerSettings:
    """How many peers the worker supports at once (matching warns beyond it)."""
    if not 1 <= peers <= CAPACITY_MAX:
        raise BadInput("capacity_unknown", limit=CAPACITY_MAX)
    return await _set(uow, telegram_id, {"capacity": peers})


async def set_safety_checkins(uow: UnitOfWork, telegram_id: int, on: bool) -> WorkerSettings:
    """Turn lone-working check-ins on or off; Stale if they already were (a double tap)."""
    return await _set(uow, telegram_id, {"safety_checkins": on}, {"safety_checkins": not on})


def check_timezone(name: str) -> str:
    """An IANA time zone name as typed, whatever its case; BadInput otherwise."""
    return zone_named(name)


async def set_timezone(uow: UnitOfWork, telegram_id: int, name: str) -> WorkerSettings:
    zone = check_timezone(name)
    worker = await member(uow, telegram_id, Role.WORKER)
    worker.timezone = zone
    await uow.commit()
    return await my_settings(uow, telegram_id)
