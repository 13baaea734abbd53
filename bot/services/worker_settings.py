"""A peer worker's own settings: when summaries arrive, working hours, time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.services.errors import BadInput
from bot.services.onboarding import member
from storage.models import Role, WorkerPrefs
from storage.uow import UnitOfWork

LEAD_CHOICES = (30, 60, 120, 180, 1440)
DEFAULT_LEAD = 120
DEFAULT_HOURS = (time(9, 0), time(17, 0))
DEFAULT_DAYS = "12345"


@dataclass(frozen=True)
class WorkerSettings:
    summary_lead_minutes: int
    work_from: time
    work_until: time
    work_days: str
    timezone: str


async def _prefs(uow: UnitOfWork, person_id: int) -> WorkerPrefs:
    prefs = await uow.session.get(WorkerPrefs, person_id)
    if prefs is None:
        prefs = WorkerPrefs(
            person_id=person_id,
            summary_lead_minutes=DEFAULT_LEAD,
            work_from=DEFAULT_HOURS[0],
            work_until=DEFAULT_HOURS[1],
            work_days=DEFAULT_DAYS,
        )
        uow.session.add(prefs)
    return prefs


async def my_settings(uow: UnitOfWork, telegram_id: int) -> WorkerSettings:
    worker = await member(uow, telegram_id, Role.WORKER)
    prefs = await uow.session.get(WorkerPrefs, worker.id)
    if prefs is None:
        return WorkerSettings(DEFAULT_LEAD, *DEFAULT_HOURS, DEFAULT_DAYS, worker.timezone)
    return WorkerSettings(
        prefs.summary_lead_minutes,
        prefs.work_from,
        prefs.work_until,
        prefs.work_days,
        worker.timezone,
    )


async def set_lead(uow: UnitOfWork, telegram_id: int, minutes: int) -> WorkerSettings:
    """How long before each session the summary arrives (one of LEAD_CHOICES)."""
    if minutes not in LEAD_CHOICES:
        raise BadInput("lead_unknown")
    worker = await member(uow, telegram_id, Role.WORKER)
    (await _prefs(uow, worker.id)).summary_lead_minutes = minutes
    await uow.commit()
    return await my_settings(uow, telegram_id)


async def set_hours(uow: UnitOfWork, telegram_id: int, start: time, end: time) -> WorkerSettings:
    if not start < end:
        raise BadInput("hours_empty")
    worker = await member(uow, telegram_id, Role.WORKER)
    prefs = await _prefs(uow, worker.id)
    prefs.work_from, prefs.work_until = start, end
    await uow.commit()
    return await my_settings(uow, telegram_id)


async def toggle_day(uow: UnitOfWork, telegram_id: int, day: int) -> WorkerSettings:
    """Add or remove an ISO weekday (1 = Monday) from the working days."""
    if not 1 <= day <= 7:
        raise BadInput("lead_unknown")
    worker = await member(uow, telegram_id, Role.WORKER)
    prefs = await _prefs(uow, worker.id)
    days = set(prefs.work_days or "")
    days ^= {str(day)}
    prefs.work_days = "".join(sorted(days))
    await uow.commit()
    return await my_settings(uow, telegram_id)


def check_timezone(name: str) -> str:
    """An IANA time zone name as typed ("europe/london" works too); BadInput otherwise."""
    typed = (name or "").strip()
    candidates = [typed, "/".join(part.capitalize() for part in typed.split("/"))]
    for candidate in candidates:
        if "/" not in candidate and candidate != "UTC":
            continue
        try:
            ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        return candidate
    raise BadInput("timezone_unknown", typed=typed[:40])


async def set_timezone(uow: UnitOfWork, telegram_id: int, name: str) -> WorkerSettings:
    zone = check_timezone(name)
    worker = await member(uow, telegram_id, Role.WORKER)
    worker.timezone = zone
    await uow.commit()
    return await my_settings(uow, telegram_id)
