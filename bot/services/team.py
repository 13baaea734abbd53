"""Coordinators: the /team view and their own settings (digest day and time, time zone)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from bot.services import flows, localtime
from bot.services.counts import Counts, WorkerCounts
from bot.services.errors import BadInput
from bot.services.flows import TEAM_SETTINGS, NoData, TeamSettingsStep
from bot.services.onboarding import member
from storage.models import CoordinatorPrefs, Person, Role
from storage.uow import UnitOfWork

WEEKDAYS = range(1, 8)  # ISO: 1 is Monday


@dataclass(frozen=True)
class TeamFigures(Counts):
    """A peer worker's caseload and week, or the team's: counts only."""

    peers: int = 0
    unreachable: int = 0
    completed: int = 0
    this_week: int = 0
    confirmed: int = 0


# One peer worker's line of the /team view.
TeamMember = WorkerCounts[TeamFigures]


@dataclass(frozen=True)
class TeamView:
    week_start: datetime
    totals: TeamFigures
    workers: tuple[TeamMember, ...]


@dataclass(frozen=True)
class CoordinatorSettings:
    weekday: int
    at: time
    timezone: str


def week_of(now: datetime, timezone: str) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 in the zone (a DST week is 167 or 169 hours)."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    start = datetime.combine(monday, time(0), tzinfo=zone)
    return start, datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)


async def team_view(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> TeamView:
    """Each peer worker who is still here, with their caseload and this week's sessions."""
    coordinator = await member(uow, telegram_id, Role.COORDINATOR)
    start, end = week_of(now, coordinator.timezone)
    counted = await uow.team.figures(start, end)
    workers = tuple(
        TeamMember(row.worker_id, row.name, TeamFigures(**counted.get(row.worker_id, {})))
        for row in await uow.digest.workers()
        if not row.left
    )
    totals = TeamFigures.total(w.figures for w in workers)
    return TeamView(start, totals, workers)


async def _coordinator(uow: UnitOfWork, telegram_id: int) -> tuple[Person, CoordinatorPrefs]:
    coordinator = await member(uow, telegram_id, Role.COORDINATOR)
    return coordinator, await uow.prefs.coordinator(coordinator.id)


def _settings(coordinator: Person, prefs: CoordinatorPrefs) -> CoordinatorSettings:
    return CoordinatorSettings(prefs.digest_weekday, prefs.digest_at, coordinator.timezone)


async def _save(
    uow: UnitOfWork, coordinator: Person, values: dict[str, object] | None = None
) -> CoordinatorSettings:
    """Commit a change; a typed step of these settings, if one was open, is over."""
    if values:
        await uow.prefs.change_coordinator(coordinator.id, values)
    await flows.end(uow, coordinator.id, TEAM_SETTINGS)
    await uow.commit()
    return _settings(coordinator, await uow.prefs.coordinator(coordinator.id))


async def coordinator_settings(uow: UnitOfWork, telegram_id: int) -> CoordinatorSettings:
    """When the coordinator's digest arrives, and their time zone."""
    return _settings(*await _coordinator(uow, telegram_id))


async def expect_typed(
    uow: UnitOfWork, telegram_id: int, step: str, *, now: datetime
) -> CoordinatorSettings:
    """Remember (in the database) that the coordinator's next typed text is `step`."""
    coordinator, prefs = await _coordinator(uow, telegram_id)
    await flows.begin(uow, coordinator.id, TEAM_SETTINGS, TeamSettingsStep(step), NoData(), now=now)
    await uow.commit()
    return _settings(coordinator, prefs)


async def set_digest_day(uow: UnitOfWork, telegram_id: int, weekday: int) -> CoordinatorSettings:
    if weekday not in WEEKDAYS:
        raise BadInput("team_day_unknown")
    coordinator = await member(uow, telegram_id, Role.COORDINATOR)
    return await _save(uow, coordinator, {"digest_weekday": weekday})


async def set_digest_time(uow: UnitOfWork, telegram_id: int, raw: str) -> CoordinatorSettings:
    """Set the digest's time of day from what the coordinator typed or pressed."""
    at = parse_time(raw)
    coordinator = await member(uow, telegram_id, Role.COORDINATOR)
    return await _save(uow, coordinator, {"digest_at": at})


async def set_timezone(uow: UnitOfWork, telegram_id: int, raw: str) -> CoordinatorSettings:
    """Set the coordinator's own time zone (an IANA name such as Europe/London)."""
    zone = find_zone(raw)
    coordinator = await member(uow, telegram_id, Role.COORDINATOR)
    coordinator.timezone = zone
    return await _save(uow, coordinator)


def parse_time(raw: str) -> time:
    """A time of day as people type it: 9, 09:30, 9.30, 1830, 6pm, 6:30 pm (the one parser)."""
    try:
        return localtime.parse_time(raw, bare_hour=True)
    except BadInput:
        raise BadInput("team_time_unclear") from None


@functools.cache
def _zones() -> dict[str, str]:
    """Every IANA zone by its lower-case name, and by its city when that is unique."""
    names = {
        zone
        for zone in available_timezones()
        if ("/" in zone or zone == "UTC") and not zone.startswith(("posix/", "right/"))
    }
    by_name = {zone.lower(): zone for zone in names}
    by_city: dict[str, list[str]] = {}
    # Not Etc/GMT+5 as "GMT+5": its sign is the POSIX one, the opposite of what people mean.
    for zone in names - {z for z in names if z.startswith("Etc/")}:
        by_city.setdefault(zone.rsplit("/", 1)[-1].lower(), []).append(zone)
    for city, zones in by_city.items():
        if len(zones) == 1:
            by_name.setdefault(city, zones[0])
    return by_name


def find_zone(raw: str) -> str:
    """The IANA zone typed ("Europe/London", "europe/london", or just "London")."""
    key = "_".join(raw.strip().split()).lower()
    zone = _zones().get(key)
    if zone is None:
        raise BadInput("team_zone_unknown", typed=raw.strip()[:40])
    ZoneInfo(zone)  # available on this machine, so it loads
    return zone
