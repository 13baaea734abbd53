"""Scheduling sessions: the one-line form and the guided steps."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services import flows
from bot.services.errors import BadInput, Stale
from bot.services.flows import SCHEDULE, ScheduleData, ScheduleStep
from bot.services.free_times import clash, free_slots as free_slots
from bot.services.localtime import (
    check_horizon,
    parse_time,
    to_utc,
    today_in,
)
from bot.services.names import Named, one_peer
from bot.services.onboarding import member
from bot.services.schedule_line import (
    LENGTHS as LENGTHS,
    MAX_MINUTES as MAX_MINUTES,
    MIN_MINUTES as MIN_MINUTES,
    clean_place,
    parse_length,
    parse_line,
)
from bot.services.session_views import SessionView, committed
from storage.models import PeerSession, Person, Programme, ProgrammeState, Role, SessionState
from storage.uow import UnitOfWork

# The guided /schedule's times (any other can be typed), and how many places it offers.
SESSION_TIMES = tuple(time(h) for h in range(9, 18))
PLACES_OFFERED = 4
GUIDED_DAYS = 21


async def _programme_by_name(uow: UnitOfWork, worker: Person, name: str) -> Programme:
    """The worker's peer that `name` means (forgiving; several: SeveralPeers)."""
    peers = await uow.programmes.active_for_worker(worker.id)
    named = one_peer(name, [Named(p.id, peer.display_name or "") for p, peer in peers])
    return next(p for p, _ in peers if p.id == named.programme_id)


async def _own_programme(uow: UnitOfWork, worker: Person, programme_id: int | None) -> Programme:
    every = (ProgrammeState.ACTIVE, ProgrammeState.COMPLETED, ProgrammeState.ENDED)
    for programme, _ in await uow.programmes.for_worker(worker.id, every):
        if programme.id == programme_id:
            if programme.state != ProgrammeState.ACTIVE:
                raise BadInput("programme_finished")
            return programme
    raise Stale()


async def _create(
    uow: UnitOfWork,
    worker: Person,
    programme: Programme,
    starts_at: datetime,
    minutes: int,
    place: str | None,
    now: datetime,
) -> SessionView:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise BadInput("length_out_of_range", low=MIN_MINUTES, high=MAX_MINUTES)
    if starts_at <= now:
        raise BadInput("time_in_past")
    check_horizon(starts_at, now)
    if await clash(uow, worker.id, starts_at, minutes):
        raise BadInput("clash")
    session = PeerSession(
        programme_id=programme.id,
        starts_at=starts_at,
        duration_minutes=minutes,
        place=place,
        state=SessionState.SCHEDULED,
        version=1,
        times_moved=0,
        counts_against=False,
        created_at=now,
    )
    uow.sessions.add(session)
    if place:
        (await uow.prefs.worker_to_change(worker.id)).last_place = place
    await uow.flush()
    return await committed(uow, session.id)


async def schedule_line(
    uow: UnitOfWork, telegram_id: int, text: str, *, now: datetime
) -> SessionView:
    """Schedule from the one-line form, read in the worker's own time zone."""
    worker = await member(uow, telegram_id, Role.WORKER)
    line = parse_line(text, today_in(now, worker.timezone))
    programme = await _programme_by_name(uow, worker, line.peer_name)
    starts_at = to_utc(line.day, line.at, worker.timezone)
    return await _create(uow, worker, programme, starts_at, line.minutes, line.place, now)


# The guided form: peer → day → time → length → place, one step at a time, kept in the
# conversations table so that a restart (or another replica) goes on where it was.


@dataclass(frozen=True)
class PeerChoice:
    programme_id: int
    name: str


async def guided_start(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> list[PeerChoice]:
    worker = await member(uow, telegram_id, Role.WORKER)
    peers = [
        PeerChoice(p.id, peer.display_name or "")
        for p, peer in await uow.programmes.active_for_worker(worker.id)
    ]
    if not peers:
        raise BadInput("no_peers_yet")
    await flows.begin(uow, worker.id, SCHEDULE, ScheduleStep.PEER, ScheduleData(), now=now)
    await uow.commit()
    return peers


async def _step(
    uow: UnitOfWork, telegram_id: int, step: ScheduleStep, now: datetime
) -> tuple[Person, flows.At[ScheduleStep, ScheduleData]]:
    worker = await member(uow, telegram_id, Role.WORKER)
    return worker, await flows.need(uow, worker.id, SCHEDULE, step, now=now)


async def _advance(
    uow: UnitOfWork,
    worker: Person,
    at: flows.At[ScheduleStep, ScheduleData],
    step: ScheduleStep,
    data: ScheduleData,
    now: datetime,
) -> None:
    await flows.advance(uow, worker.id, SCHEDULE, at, step, data, now=now)


def guided_times(day: date, now: datetime, zone: str) -> list[time]:
    """The guided times still ahead on `day` (none of today's that have passed)."""
    return [at for at in SESSION_TIMES if to_utc_or_none(day, at, zone, now)]


def to_utc_or_none(day: date, at: time, zone: str, now: datetime) -> datetime | None:
    """The moment of `at` on `day`, if it is still to come and the clocks do not skip it."""
    try:
        moment = to_utc(day, at, zone)
    except BadInput:
        return None
    return moment if moment > now else None


def guided_days(now: datetime, zone: str) -> list[date]:
    """The days offered: today only while one of its times is still to come."""
    today = now.astimezone(ZoneInfo(zone)).date()
    days = [today + timedelta(days=n) for n in range(GUIDED_DAYS)]
    return days if guided_times(today, now, zone) else days[1:]


async def guided_peer(
    uow: UnitOfWork, telegram_id: int, programme_id: int, *, now: datetime
) -> tuple[str, list[date]]:
    worker, at = await _step(uow, telegram_id, ScheduleStep.PEER, now)
    await _own_programme(uow, worker, programme_id)
    data = replace(at.data, programme_id=programme_id)
    await _advance(uow, worker, at, ScheduleStep.DAY, data, now)
    await uow.commit()
    return worker.timezone, guided_days(now, worker.timezone)


async def guided_day(uow: UnitOfWork, telegram_id: int, day: date, *, now: datetime) -> list[time]:
    """Store the day; returns the times to offer on it."""
    worker, at = await _step(uow, telegram_id, ScheduleStep.DAY, now)
    if day not in guided_days(now, worker.timezone):
        raise Stale()
    await _advance(uow, worker, at, ScheduleStep.TIME, replace(at.data, day=day), now)
    await uow.commit()
    return guided_times(day, now, worker.timezone)


def _starts_at(data: ScheduleData, at: time, zone: str) -> datetime:
    if data.day is None:
        raise Stale()
    return to_utc(data.day, at, zone)


async def guided_time(uow: UnitOfWork, telegram_id: int, text: str, *, now: datetime) -> None:
    worker, at = await _step(uow, telegram_id, ScheduleStep.TIME, now)
    when = parse_time(text)
    if _starts_at(at.data, when, worker.timezone) <= now:
        raise BadInput("time_in_past")
    data = replace(at.data, time=when.strftime("%H:%M"))
    await _advance(uow, worker, at, ScheduleStep.LENGTH, data, now)
    await uow.commit()


async def places_used(uow: UnitOfWork, worker: Person) -> list[str]:
    """The places this worker booked before, the latest first (the last one used too)."""
    places = await uow.sessions.places_of_worker(worker.id, PLACES_OFFERED)
    last = (await uow.prefs.worker(worker.id)).last_place
    if last and last not in places:
        places = [last, *places][:PLACES_OFFERED]
    return places


async def guided_length(
    uow: UnitOfWork, telegram_id: int, minutes: int | str, *, now: datetime
) -> list[str]:
    """Store the length (a button's, or typed); returns the places used before, to offer."""
    worker, at = await _step(uow, telegram_id, ScheduleStep.LENGTH, now)
    minutes = parse_length(minutes) if isinstance(minutes, str) else minutes
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise Stale()  # no button offers that
    data = replace(at.data, minutes=minutes)
    await _advance(uow, worker, at, ScheduleStep.PLACE, data, now)
    places = await places_used(uow, worker)
    await uow.commit()
    return places


async def guided_place(
    uow: UnitOfWork,
    telegram_id: int,
    place: str | None,
    *,
    offered: int = 0,
    use_last: bool = False,
    now: datetime,
) -> SessionView:
    """Book the guided session: at the typed place, the `offered`-th place used before
    (1 is the latest; `use_last` says the same), or with the place left open."""
    worker, at = await _step(uow, telegram_id, ScheduleStep.PLACE, now)
    offered = offered or (1 if use_last else 0)
    if offered:
        places = await places_used(uow, worker)
        if offered > len(places):
            raise Stale()
        place = places[offered - 1]
    data = at.data
    programme = await _own_programme(uow, worker, data.programme_id)
    if data.time is None or data.minutes is None:
        raise Stale()
    starts_at = _starts_at(data, parse_time(data.time), worker.timezone)
    await flows.end(uow, worker.id, SCHEDULE)
    return await _create(uow, worker, programme, starts_at, data.minutes, clean_place(place), now)
