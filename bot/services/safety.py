"""Lone-working safety check-ins for peer workers (SPEC §8): what people do.

A worker says "I'm safe" (a button, /safe, or marking the session after its start); starts
a check-in for a visit not in the diary (/checkin [minutes], an optional place); or raises
an alert at once (/sos). A coordinator presses "I'm handling it". Everything that is then
sent goes through the delivery ledger (bot.services.safety_plan plans it, safety_check
checks it right before it goes): a restart or a second replica changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services import delivery_times as t, flows
from bot.services.errors import BadInput, DomainError, NotYours
from bot.services.onboarding import member
from bot.services.safety_plan import SafetyConfig, plan_checkins
from storage.enums import CheckinKind, CheckinState, DeliveryState, Role
from storage.models import PeerSession, Person, SafetyCheckin
from storage.repositories.safety import ALERT_REACHED
from storage.uow import UnitOfWork

DEFAULT_MINUTES = 60
LONGEST_MINUTES = 24 * 60
PLACE_LENGTH = 120


class CheckinsOff(DomainError):
    """The service does not use safety check-ins (SAFETY_CHECKINS is false)."""


@dataclass(frozen=True)
class Started:
    """An ad hoc check-in begun: when it ends, and the grace after it."""

    checkin_id: int
    ends_at: datetime
    grace_minutes: int
    timezone: str


@dataclass(frozen=True)
class Handling:
    """What pressing "I'm handling it" did: `mine` (first), or who had it, or resolved."""

    mine: bool
    handler_name: str | None
    worker_name: str
    resolved: bool = False


def _on(config: SafetyConfig) -> None:
    if not config.enabled:
        raise CheckinsOff()


async def _worker(uow: UnitOfWork, telegram_id: int, config: SafetyConfig) -> Person:
    """The peer worker asking, when the service uses check-ins."""
    _on(config)
    return await member(uow, telegram_id, Role.WORKER)


async def _pressed(
    uow: UnitOfWork, telegram_id: int, checkin_id: int, config: SafetyConfig, role: Role
) -> tuple[Person, SafetyCheckin]:
    """Who pressed a check-in's button (in `role`) and the check-in; a worker only their own."""
    _on(config)
    person = await member(uow, telegram_id, role)
    c = await uow.safety.get(checkin_id)
    if c is None or (role == Role.WORKER and c.worker_id != person.id):
        raise NotYours()
    return person, c


async def _plan(uow: UnitOfWork, checkin_id: int, now: datetime, grace: timedelta) -> None:
    rows = list((await uow.safety.with_sessions([checkin_id])).values())
    await plan_checkins(uow, rows, now=now, grace=grace)


async def _safe(uow: UnitOfWork, c: SafetyCheckin, now: datetime) -> bool:
    """Mark a check-in safe; each coordinator its alert reached (or is reaching) is told."""
    if not await uow.safety.mark_safe(c.id, now):
        return False
    fresh = await uow.safety.get(c.id)
    if fresh is not None and fresh.alerted_at is not None:
        await _tell_coordinators(uow, fresh, t.SAFETY_OVER, now, but=None)
    return True


async def _tell_coordinators(
    uow: UnitOfWork, c: SafetyCheckin, kind: str, now: datetime, *, but: int | None
) -> int:
    """A `kind` row, due now, to each coordinator whose alert has gone or is going out."""
    ledger = await uow.safety.ledger_of([c.id])
    reached = {
        r.recipient_id
        for r in ledger
        if r.kind == t.SAFETY_ALERT and r.state in (DeliveryState.CLAIMED, *ALERT_REACHED)
    }
    rows = [
        {
            "key": t.checkin_key(kind, c.id, 1, to=person_id),
            "kind": kind,
            "recipient_id": person_id,
            "checkin_id": c.id,
            "due_at": now,
            "state": DeliveryState.PENDING,
            "attempts": 0,
        }
        for person_id in sorted(reached - {but})
    ]
    return await uow.deliveries.add_new(rows)


async def session_marked(uow: UnitOfWork, worker_id: int, s: PeerSession, *, now: datetime) -> None:
    """The worker marked session `s` held, missed or cancelled at `now` (SPEC §8: marked
    after its start, that counts as "I'm safe"; before it, its check-in is cancelled)."""
    found = (await uow.safety.of_sessions([s.id])).get(s.id)
    if found is None or found.state not in (CheckinState.OPEN, CheckinState.ALERTED):
        return
    if now >= found.starts_at:
        await _safe(uow, found, now)
    else:
        await uow.safety.cancel(found.id)


async def say_safe(
    uow: UnitOfWork, telegram_id: int, *, now: datetime, config: SafetyConfig
) -> int:
    """/safe: every check-in of the worker that has begun is over; how many."""
    worker = await _worker(uow, telegram_id, config)
    done = 0
    for c in await uow.safety.started_of(worker.id, now):
        done += await _safe(uow, c, now)
    await uow.commit()
    return done


async def press_safe(
    uow: UnitOfWork, telegram_id: int, checkin_id: int, *, now: datetime, config: SafetyConfig
) -> bool:
    """**I'm safe** under a check-in's message; False when it was already over."""
    _, c = await _pressed(uow, telegram_id, checkin_id, config, Role.WORKER)
    done = await _safe(uow, c, now)
    await uow.commit()
    return done


def parse_minutes(args: list[str]) -> int:
    """/checkin's minutes: none given is an hour; otherwise a whole number, 1 to a day."""
    if not args:
        return DEFAULT_MINUTES
    text = args[0].strip().removesuffix("m").removesuffix("min")
    if len(args) > 1 or not text.isdigit() or not 1 <= int(text) <= LONGEST_MINUTES:
        raise BadInput("checkin_minutes", longest=LONGEST_MINUTES)
    return int(text)


async def ask_place(
    uow: UnitOfWork, telegram_id: int, args: list[str], *, now: datetime, config: SafetyConfig
) -> int:
    """/checkin [minutes]: the minutes checked; the place is asked next (or Skip)."""
    worker = await _worker(uow, telegram_id, config)
    minutes = parse_minutes(args)
    data = flows.CheckinData(minutes)
    await flows.begin(uow, worker.id, flows.CHECKIN, flows.CheckinStep.PLACE, data, now=now)
    await uow.commit()
    return minutes


async def start_checkin(
    uow: UnitOfWork, telegram_id: int, place: str | None, *, now: datetime, config: SafetyConfig
) -> Started:
    """The place typed (or skipped): the ad hoc check-in begins now, its rows waiting."""
    worker = await _worker(uow, telegram_id, config)
    at = await flows.need(uow, worker.id, flows.CHECKIN, flows.CheckinStep.PLACE, now=now)
    place = (place or "").strip() or None
    if place is not None and len(place) > PLACE_LENGTH:
        raise BadInput("checkin_place", longest=PLACE_LENGTH)
    await flows.end(uow, worker.id, flows.CHECKIN, read=at)
    ends = now + timedelta(minutes=at.data.minutes)
    c = await _begin(uow, worker.id, CheckinKind.ADHOC, place, now, ends, config.grace)
    grace = int(config.grace.total_seconds() // 60)
    return Started(c.id, ends, grace, worker.timezone)


async def _begin(
    uow: UnitOfWork,
    worker_id: int,
    kind: str,
    place: str | None,
    now: datetime,
    ends: datetime,
    grace: timedelta,
) -> SafetyCheckin:
    """A check-in from now to `ends`, its rows planned, committed."""
    c = SafetyCheckin(
        worker_id=worker_id,
        kind=kind,
        state=CheckinState.OPEN,
        place=place,
        starts_at=now,
        ends_at=ends,
        last_heard_at=now,
        created_at=now,
        version=1,
    )
    uow.safety.add(c)
    await uow.flush()
    await _plan(uow, c.id, now, grace)
    await uow.commit()
    return c


async def sos(
    uow: UnitOfWork, telegram_id: int, *, now: datetime, config: SafetyConfig
) -> list[str]:
    """/sos: an alert to every coordinator at once, with the place of the current or next
    visit; the names of those being told."""
    worker = await _worker(uow, telegram_id, config)
    place = await uow.safety.place_now_or_next(worker.id, now)
    await _begin(uow, worker.id, CheckinKind.SOS, place, now, now, config.grace)
    return [p.display_name or "" for p in await uow.safety.coordinators()]


async def handle(
    uow: UnitOfWork, telegram_id: int, checkin_id: int, *, now: datetime, config: SafetyConfig
) -> Handling:
    """**I'm handling it**: the first coordinator to press it is shown to the others."""
    me, c = await _pressed(uow, telegram_id, checkin_id, config, Role.COORDINATOR)
    worker = await uow.people.get(c.worker_id)
    worker_name = (worker.display_name if worker else None) or ""
    mine = await uow.safety.mark_handled(c.id, me.id, now)
    fresh = await uow.safety.get(checkin_id)
    assert fresh is not None
    if mine:
        await _tell_coordinators(uow, fresh, t.SAFETY_HANDLED, now, but=me.id)
        await uow.commit()
        return Handling(True, me.display_name, worker_name)
    handler = await uow.people.get(fresh.handled_by_id) if fresh.handled_by_id else None
    resolved = fresh.state not in (CheckinState.OPEN, CheckinState.ALERTED)
    return Handling(False, handler.display_name if handler else None, worker_name, resolved)


async def heard_from(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> None:
    """Anything the worker sends: their open check-ins note when they were last heard from."""
    if await uow.safety.heard_from(telegram_id, now):
        await uow.commit()


@dataclass(frozen=True)
class AlertView:
    """What a safety message shows: the worker's name, the place and times; never notes."""

    kind: str
    state: str
    worker_name: str
    peer_name: str | None
    place: str | None
    starts_at: datetime
    ends_at: datetime
    last_heard_at: datetime | None
    handler_name: str | None


async def view(uow: UnitOfWork, checkin_id: int) -> AlertView | None:
    c = await uow.safety.get(checkin_id)
    if c is None:
        return None
    worker = await uow.people.get(c.worker_id)
    handler = await uow.people.get(c.handled_by_id) if c.handled_by_id else None
    peer_name = await uow.safety.peer_name(c.session_id) if c.session_id else None
    return AlertView(
        c.kind,
        c.state,
        (worker.display_name if worker else None) or "",
        peer_name,
        c.place,
        c.starts_at,
        c.ends_at,
        c.last_heard_at,
        handler.display_name if handler else None,
    )
