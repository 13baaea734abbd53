"""Free times in a peer worker's diary: clashes, and times to offer for a rearrangement.

Each answer comes from one read of the worker's live sessions over the span asked about;
nothing here writes (a worker who never set their hours reads the defaults).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from bot.services.errors import BadInput
from bot.services.localtime import to_utc
from storage.models import Person, WorkerPrefs
from storage.repositories.session_views import Busy
from storage.uow import UnitOfWork


def overlapping(
    busy: list[Busy], start: datetime, minutes: int, skip: int | None = None
) -> Busy | None:
    """The first of `busy` that overlaps [start, start + minutes), other than `skip`."""
    end = start + timedelta(minutes=minutes)
    return next((b for b in busy if b.id != skip and b.starts_at < end and start < b.ends_at), None)


async def clash(
    uow: UnitOfWork, worker_id: int, start: datetime, minutes: int, skip: int | None = None
) -> Busy | None:
    """A live session of the worker's that overlaps [start, start + minutes)."""
    end = start + timedelta(minutes=minutes)
    return overlapping(await uow.sessions.busy(worker_id, start, end), start, minutes, skip)


def day_starts(prefs: WorkerPrefs, minutes: int, near: time | None) -> list[time]:
    """Whole hours in the worker's hours when a session of `minutes` fits, nearest first."""
    until = prefs.work_until.hour * 60 + prefs.work_until.minute
    starts = [
        time(hour, 0)
        for hour in range(prefs.work_from.hour, 24)
        if hour * 60 + minutes <= until and time(hour, 0) >= prefs.work_from
    ]
    if near is not None:
        starts.sort(key=lambda t: abs(t.hour * 60 - (near.hour * 60 + near.minute)))
    return starts


async def free_slots(
    uow: UnitOfWork,
    worker: Person,
    minutes: int,
    *,
    now: datetime,
    skip: int | None = None,
    avoid: datetime | None = None,
    near: time | None = None,
    count: int = 6,
    days: int = 14,
) -> list[datetime]:
    """Up to `count` free times in the worker's hours over the next `days`, one a day,
    each as close as possible to `near` (the session's own time of day)."""
    prefs = await uow.prefs.worker(worker.id)
    busy = await uow.sessions.busy(worker.id, now, now + timedelta(days=days + 2))
    starts = day_starts(prefs, minutes, near)
    found = free_days(prefs, busy, worker.timezone, starts, minutes, now, days, skip, avoid)
    return list(islice(found, count))


def free_days(
    prefs: WorkerPrefs,
    busy: list[Busy],
    zone: str,
    starts: list[time],
    minutes: int,
    now: datetime,
    days: int,
    skip: int | None = None,
    avoid: datetime | None = None,
) -> Iterator[datetime]:
    """Over the next `days` working days of `prefs`, each day's first of `starts` (on the
    wall clock of `zone`) when `minutes` are free in `busy`, a diary already read."""
    today = now.astimezone(ZoneInfo(zone)).date()
    for offset in range(1, days + 1):
        day = today + timedelta(days=offset)
        if str(day.isoweekday()) not in prefs.work_days:
            continue
        for at in starts:
            try:
                moment = to_utc(day, at, zone)
            except BadInput:
                continue  # a time the clocks skip that day
            if moment == avoid or moment <= now:
                continue
            if not overlapping(busy, moment, minutes, skip):
                yield moment
                break
