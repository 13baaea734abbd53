"""Scheduling sessions: the one-line form and the guided steps."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services import flows
from bot.services.errors import BadInput, Stale
from bot.services.flows import SCHEDULE, ScheduleData, ScheduleStep
from bot.services.free_times import clash
from bot.services.free_times import free_slots as free_slots
from bot.services.localtime import (
    DATE,
    check_horizon,
    is_time,
    parse_date,
    parse_time,
    to_utc,
    today_in,
)
from bot.services.names import Named, one_peer
from bot.services.onboarding import member
from bot.services.session_views import SessionView, committed
from storage.models import PeerSession, Person, Programme, ProgrammeState, Role, SessionState
from storage.uow import UnitOfWork

LENGTHS = (60, 75, 90)
MIN_MINUTES, MAX_MINUTES = 15, 240
PLACE_MAX = 120
GUIDED_DAYS = 21
# Older name of the flow, for the handlers that route typed answers by it.


@dataclass(frozen=True)
class ScheduleLine:
    peer_name: str
    day: date
    at: time
    minutes: int
    place: str | None


def _time_at(words: list[str]) -> tuple[int, int] | None:
    """Where the time is among `words` and how many words it takes ("6pm", "6 pm")."""
    for i in range(len(words)):
        for n in (2, 1):
            if i + n <= len(words) and is_time(" ".join(words[i : i + n])):
                return i, n
    return None


def _date_before(words: list[str], today: date | None) -> tuple[int, date] | None:
    """Where the date ends the words before the time ("31 Dec", "Thu 31 Dec"), and the date."""
    for n in (3, 2, 1):
        if n < len(words) or (n == len(words) and n == 1):
            start = len(words) - n
            try:
                return start, parse_date(" ".join(words[start:]), today)
            except BadInput as error:
                if error.problem == "date_nonexistent" or (n == 1 and DATE.fullmatch(words[-1])):
                    raise
    return None


def parse_line(text: str, today: date | None = None) -> ScheduleLine:
    """`<peer name> <date> <time> [minutes] [place…]`; the name may have spaces, the date and
    time may be written as people write them ("tomorrow 6pm", "31 Dec 18.00")."""
    words = text.split()
    timed = _time_at(words)
    if timed is None:
        for end in range(len(words), 0, -1):  # the date, then what should be the time
            if _date_before(words[:end], today):
                if end < len(words):
                    raise BadInput("time_unreadable", given=words[end][:20])
                raise BadInput("time_missing")
        raise BadInput("schedule_usage")
    at_time, width = timed
    dated = _date_before(words[:at_time], today)
    if dated is None:
        before = words[at_time - 1] if at_time else ""
        if not any(c.isdigit() for c in before):
            raise BadInput("schedule_usage")  # no date at all
        raise BadInput("date_unreadable", given=before[:20])
    at_date, day = dated
    if at_date == 0:
        raise BadInput("schedule_no_peer")
    at = parse_time(" ".join(words[at_time : at_time + width]))
    rest = words[at_time + width :]
    minutes = 60
    if rest and rest[0].isdigit():
        minutes = int(rest.pop(0))
    return ScheduleLine(" ".join(words[:at_date]), day, at, minutes, clean_place(" ".join(rest)))


def clean_place(raw: str | None) -> str | None:
    place = " ".join((raw or "").split())
    if len(place) > PLACE_MAX:
        raise BadInput("place_too_long", limit=PLACE_MAX)
    return place or None


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


def guided_days(now: datetime, zone: str) -> list[date]:
    today = now.astimezone(ZoneInfo(zone)).date()
    return [today + timedelta(days=n) for n in range(GUIDED_DAYS)]


async def guided_peer(
    uow: UnitOfWork, telegram_id: int, programme_id: int, *, now: datetime
) -> tuple[str, list[date]]:
    worker, at = await _step(uow, telegram_id, ScheduleStep.PEER, now)
    await _own_programme(uow, worker, programme_id)
    data = replace(at.data, programme_id=programme_id)
    await _advance(uow, worker, at, ScheduleStep.DAY, data, now)
    await uow.commit()
    return worker.timezone, guided_days(now, worker.timezone)


async def guided_day(uow: UnitOfWork, telegram_id: int, day: date, *, now: datetime) -> None:
    worker, at = await _step(uow, telegram_id, ScheduleStep.DAY, now)
    if day not in guided_days(now, worker.timezone):
        raise Stale()
    await _advance(uow, worker, at, ScheduleStep.TIME, replace(at.data, day=day), now)
    await uow.commit()


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


async def guided_length(
    uow: UnitOfWork, telegram_id: int, minutes: int, *, now: datetime
) -> str | None:
    """Store the length; returns the last place used, to offer again."""
    worker, at = await _step(uow, telegram_id, ScheduleStep.LENGTH, now)
    if minutes not in LENGTHS:
        raise Stale()
    data = replace(at.data, minutes=minutes)
    await _advance(uow, worker, at, ScheduleStep.PLACE, data, now)
    last_place = (await uow.prefs.worker(worker.id)).last_place
    await uow.commit()
    return last_place


async def guided_place(
    uow: UnitOfWork, telegram_id: int, place: str | None, *, use_last: bool = False, now: datetime
) -> SessionView:
    worker, at = await _step(uow, telegram_id, ScheduleStep.PLACE, now)
    if use_last:
        place = (await uow.prefs.worker(worker.id)).last_place
    data = at.data
    programme = await _own_programme(uow, worker, data.programme_id)
    if data.time is None or data.minutes is None:
        raise Stale()
    starts_at = _starts_at(data, parse_time(data.time), worker.timezone)
    await flows.end(uow, worker.id, SCHEDULE)
    return await _create(uow, worker, programme, starts_at, data.minutes, clean_place(place), now)
