"""Upcoming sessions for a calendar: a peer's sessions, a peer worker's diary, as plain facts.

The service decides what goes in (which sessions, and when the bot itself would remind the
peer of each); bot.exports.calendar_file turns the facts into the .ics file with its words.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services import delivery_times as times
from bot.services.onboarding import member
from storage.models import ReminderPrefs, Role, SessionState
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

# An alarm: relative to the session's start ("an hour before"), or an absolute UTC moment.
Trigger = timedelta | datetime


@dataclass(frozen=True)
class CalendarEvent:
    """One upcoming session, from the point of view of the person taking the file."""

    session_id: int
    number: int | None  # "session k of N", as every screen numbers it
    planned: int
    version: int
    starts_at: datetime  # UTC
    minutes: int
    place: str | None
    state: SessionState
    # The other side: the peer worker for a peer, the peer for a worker; None once erased.
    other_name: str | None
    alarms: tuple[Trigger, ...]


@dataclass(frozen=True)
class UpcomingSessions:
    """What a person's calendar file holds, read at `read_at`, to be shown in `zone`."""

    role: Role
    zone: str
    read_at: datetime
    events: tuple[CalendarEvent, ...]


def alarm_triggers(prefs: ReminderPrefs | None, starts_at: datetime, tz: ZoneInfo) -> list[Trigger]:
    """Alarms at the moments the bot itself would remind the peer of this session.

    The same rules as the reminders (bot.services.delivery_times): the peer's chosen clock
    times in their zone, nothing in their quiet hours, no "morning" reminder after the
    session has begun. "An hour before" is relative; the others are absolute UTC moments.
    """
    if prefs is None:
        return []
    triggers: list[Trigger] = []
    if prefs.day_before:
        triggers.append(times.day_before(starts_at, prefs.day_before_at, tz))
    if prefs.morning and (morning := times.morning_of(starts_at, prefs.morning_at, tz)):
        triggers.append(morning)
    if prefs.hour_before:
        triggers.append(timedelta(hours=-1))

    def quiet(trigger: Trigger) -> bool:
        moment = starts_at + trigger if isinstance(trigger, timedelta) else trigger
        return times.in_quiet_hours(moment, prefs.quiet_from, prefs.quiet_until, tz)

    return [trigger for trigger in triggers if not quiet(trigger)]


async def calendar_for(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> UpcomingSessions:
    """A peer's upcoming sessions, or a peer worker's upcoming diary, for a calendar file."""
    person = await member(uow, telegram_id, Role.PEER, Role.WORKER)
    as_peer = person.role == Role.PEER
    rows = await uow.privacy.upcoming(person.id, as_peer=as_peer, now=now)
    # Peer workers get their summary before each session instead of alarms.
    prefs = await uow.prefs.reminders(person.id) if as_peer else None
    tz = ZoneInfo(person.timezone)
    numbers = await uow.sessions.numbers_of({row.programme_id for row, _, _ in rows})
    events = tuple(
        CalendarEvent(
            session_id=row.id,
            number=numbers.get(row.id),
            planned=planned,
            version=row.version,
            starts_at=row.starts_at,
            minutes=row.duration_minutes,
            place=row.place,
            state=SessionState(row.state),
            other_name=other.display_name,
            alarms=tuple(alarm_triggers(prefs, row.starts_at, tz)),
        )
        for row, other, planned in rows
    )
    log.info("person %s: calendar of %d sessions", person.id, len(events))
    return UpcomingSessions(Role(person.role), person.timezone, now, events)
