"""Scheduling sessions: the one-line form, the guided steps, and free times in a diary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.errors import BadInput, Stale
from bot.services.localtime import DATE, parse_date, parse_time, to_utc
from bot.services.onboarding import member
from bot.services.sessions import SessionView, repo, view_of
from storage.models import (
    PeerSession,
    Person,
    Programme,
    ProgrammeState,
    Role,
    SessionState,
    WorkerPrefs,
)
from storage.uow import UnitOfWork

LENGTHS = (60, 75, 90)
MIN_MINUTES, MAX_MINUTES = 15, 240
PLACE_MAX = 120
GUIDED_DAYS = 21
FLOW = "schedule"


@dataclass(frozen=True)
class ScheduleLine:
    peer_name: str
    day: date
    at: time
    minutes: int
    place: str | None


def parse_line(text: str) -> ScheduleLine:
    """`<peer name> <YYYY-MM-DD> <HH:MM> [minutes] [place…]`; the name may have spaces."""
    words = text.split()
    at_date = next((i for i, w in enumerate(words) if DATE.fullmatch(w)), None)
    if not words or at_date is None:
        raise BadInput("schedule_usage")
    if at_date == 0:
        raise BadInput("schedule_no_peer")
    if at_date + 1 >= len(words):
        raise BadInput("time_missing")
    day, at = parse_date(words[at_date]), parse_time(words[at_date + 1])
    rest = words[at_date + 2 :]
    minutes = 60
    if rest and rest[0].isdigit():
        minutes = int(rest.pop(0))
    return ScheduleLine(" ".join(words[:at_date]), day, at, minutes, clean_place(" ".join(rest)))


def clean_place(raw: str | None) -> str | None:
    place = " ".join((raw or "").split())
    if len(place) > PLACE_MAX:
        raise BadInput("place_too_long", limit=PLACE_MAX)
    return place or None


async def worker_prefs(uow: UnitOfWork, worker: Person) -> WorkerPrefs:
    prefs = await uow.session.get(WorkerPrefs, worker.id)
    if prefs is None:
        prefs = WorkerPrefs(
            person_id=worker.id,
            summary_lead_minutes=120,
            work_from=time(9, 0),
            work_until=time(17, 0),
            work_days="12345",
        )
        uow.session.add(prefs)
    return prefs


async def _programme_by_name(uow: UnitOfWork, worker: Person, name: str) -> Programme:
    for programme, peer in await uow.programmes.active_for_worker(worker.id):
        if (peer.display_name or "").casefold() == " ".join(name.split()).casefold():
            return programme
    raise BadInput("peer_not_yours", name=name[:64])


async def _own_programme(uow: UnitOfWork, worker: Person, programme_id: int) -> Programme:
    programme = await uow.session.get(Programme, programme_id)
    if programme is None or programme.worker_id != worker.id:
        raise Stale()
    if programme.state != ProgrammeState.ACTIVE:
        raise BadInput("programme_finished")
    return programme


async def clash(
    uow: UnitOfWork, worker_id: int, start: datetime, minutes: int, skip: int | None = None
) -> PeerSession | None:
    """A live session of the worker's that overlaps [start, start + minutes)."""
    end = start + timedelta(minutes=minutes)
    rows = await repo(uow).worker_between(
        worker_id, start - timedelta(hours=4), end, live_only=True
    )
    for session, _ in rows:
        other_end = session.starts_at + timedelta(minutes=session.duration_minutes)
        if session.id != skip and session.starts_at < end and start < other_end:
            return session
    return None


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
    repo(uow).add(session)
    if place:
        (await worker_prefs(uow, worker)).last_place = place
    await uow.flush()
    view = await view_of(uow, session)
    await uow.commit()
    return view


async def schedule_line(
    uow: UnitOfWork, telegram_id: int, text: str, *, now: datetime
) -> SessionView:
    """Schedule from the one-line form, read in the worker's own time zone."""
    worker = await member(uow, telegram_id, Role.WORKER)
    line = parse_line(text)
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
    await uow.conversations.put(worker.id, FLOW, "peer", {}, now)
    await uow.commit()
    return peers


async def _step(uow: UnitOfWork, telegram_id: int, step: str) -> tuple[Person, dict[str, object]]:
    worker = await member(uow, telegram_id, Role.WORKER)
    conversation = await uow.conversations.get(worker.id)
    if conversation is None or conversation.flow != FLOW or conversation.step != step:
        raise Stale()
    return worker, dict(conversation.data)


def guided_days(now: datetime, zone: str) -> list[date]:
    today = now.astimezone(ZoneInfo(zone)).date()
    return [today + timedelta(days=n) for n in range(GUIDED_DAYS)]


async def guided_peer(
    uow: UnitOfWork, telegram_id: int, programme_id: int, *, now: datetime
) -> tuple[str, list[date]]:
    worker, data = await _step(uow, telegram_id, "peer")
    await _own_programme(uow, worker, programme_id)
    data["programme_id"] = programme_id
    await uow.conversations.put(worker.id, FLOW, "day", data, now)
    await uow.commit()
    return worker.timezone, guided_days(now, worker.timezone)


async def guided_day(uow: UnitOfWork, telegram_id: int, day: date, *, now: datetime) -> None:
    worker, data = await _step(uow, telegram_id, "day")
    if day not in guided_days(now, worker.timezone):
        raise Stale()
    data["day"] = day.isoformat()
    await uow.conversations.put(worker.id, FLOW, "time", data, now)
    await uow.commit()


async def guided_time(uow: UnitOfWork, telegram_id: int, text: str, *, now: datetime) -> None:
    worker, data = await _step(uow, telegram_id, "time")
    at = parse_time(text)
    starts_at = to_utc(date.fromisoformat(str(data["day"])), at, worker.timezone)
    if starts_at <= now:
        raise BadInput("time_in_past")
    data["time"] = at.strftime("%H:%M")
    await uow.conversations.put(worker.id, FLOW, "length", data, now)
    await uow.commit()


async def guided_length(
    uow: UnitOfWork, telegram_id: int, minutes: int, *, now: datetime
) -> str | None:
    """Store the length; returns the last place used, to offer again."""
    worker, data = await _step(uow, telegram_id, "length")
    if minutes not in LENGTHS:
        raise Stale()
    data["minutes"] = minutes
    await uow.conversations.put(worker.id, FLOW, "place", data, now)
    last_place = (await worker_prefs(uow, worker)).last_place
    await uow.commit()
    return last_place


async def guided_place(
    uow: UnitOfWork, telegram_id: int, place: str | None, *, use_last: bool = False, now: datetime
) -> SessionView:
    worker, data = await _step(uow, telegram_id, "place")
    if use_last:
        place = (await worker_prefs(uow, worker)).last_place
    programme = await _own_programme(uow, worker, int(str(data["programme_id"])))
    starts_at = to_utc(
        date.fromisoformat(str(data["day"])), parse_time(str(data["time"])), worker.timezone
    )
    await uow.conversations.clear(worker.id)
    return await _create(
        uow, worker, programme, starts_at, int(str(data["minutes"])), clean_place(place), now
    )


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
    prefs = await worker_prefs(uow, worker)
    zone = ZoneInfo(worker.timezone)
    today = now.astimezone(zone).date()
    found: list[datetime] = []
    for offset in range(1, days + 1):
        day = today + timedelta(days=offset)
        if str(day.isoweekday()) not in prefs.work_days:
            continue
        starts = [
            time(hour, 0)
            for hour in range(prefs.work_from.hour, 24)
            if (hour * 60 + minutes) <= prefs.work_until.hour * 60 + prefs.work_until.minute
            and time(hour, 0) >= prefs.work_from
        ]
        if near is not None:
            starts.sort(key=lambda t: abs(t.hour * 60 - (near.hour * 60 + near.minute)))
        for at in starts:
            try:
                moment = to_utc(day, at, worker.timezone)
            except BadInput:
                continue
            if moment == avoid or moment <= now:
                continue
            if not await clash(uow, worker.id, moment, minutes, skip):
                found.append(moment)
                break
        if len(found) == count:
            break
    return found
