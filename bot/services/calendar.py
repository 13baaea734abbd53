"""Upcoming sessions as an iCalendar (.ics) file: peers' sessions, peer workers' diaries.

Events carry the person's own zone (TZID with its VTIMEZONE), so a session at 10:00 London
time stays at 10:00 on both sides of a clock change. UIDs are stable and SEQUENCE follows
the session's version, so importing a newer file updates moved sessions instead of
duplicating them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from bot.services import delivery_times as times
from bot.services.onboarding import member
from bot.texts import privacy as t
from storage.models import PeerSession, ReminderPrefs, Role, SessionState
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

PRODID = "-//peerbot//peer support sessions//EN"


@dataclass(frozen=True)
class CalendarFile:
    ics: bytes
    events: int
    role: Role


def uid(session_id: int) -> str:
    return f"session-{session_id}@peerbot"


def alarm_triggers(
    prefs: ReminderPrefs | None, starts_at: datetime, tz: ZoneInfo
) -> list[timedelta | datetime]:
    """Alarms at the moments the bot itself would remind the peer of this session.

    The same rules as the reminders (bot.services.delivery_times): the peer's chosen clock
    times in their zone, nothing in their quiet hours, no "morning" reminder after the
    session has begun. "An hour before" is relative; the others are absolute UTC moments.
    """
    if prefs is None:
        return []
    triggers: list[timedelta | datetime] = []
    if prefs.day_before:
        triggers.append(times.day_before(starts_at, prefs.day_before_at, tz))
    if prefs.morning and (morning := times.morning_of(starts_at, prefs.morning_at, tz)):
        triggers.append(morning)
    if prefs.hour_before:
        triggers.append(timedelta(hours=-1))

    def quiet(trigger: timedelta | datetime) -> bool:
        moment = starts_at + trigger if isinstance(trigger, timedelta) else trigger
        return times.in_quiet_hours(moment, prefs.quiet_from, prefs.quiet_until, tz)

    return [trigger for trigger in triggers if not quiet(trigger)]


def _event(
    row: PeerSession, title: str, tz: ZoneInfo, prefs: ReminderPrefs | None, now: datetime
) -> Event:
    starts = row.starts_at.astimezone(tz)
    event = Event()
    event.add("uid", uid(row.id))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=row.duration_minutes))
    event.add("summary", title)
    if row.place:
        event.add("location", row.place)
    event.add("sequence", max(row.version - 1, 0))
    event.add("status", "CONFIRMED" if row.state == SessionState.CONFIRMED else "TENTATIVE")
    for trigger in alarm_triggers(prefs, row.starts_at, tz):
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", t.alarm_text(title, f"{starts:%H:%M}"))
        # RFC 5545 wants an absolute trigger marked as such; icalendar leaves it out.
        if isinstance(trigger, datetime):
            alarm.add("trigger", trigger, parameters={"VALUE": "DATE-TIME"})
        else:
            alarm.add("trigger", trigger)
        event.add_component(alarm)
    return event


def build_ics(
    items: list[tuple[PeerSession, str]],
    zone: str,
    prefs: ReminderPrefs | None,
    *,
    now: datetime,
) -> bytes:
    """An iCalendar file of these sessions (each with its title) in `zone`."""
    tz = ZoneInfo(zone)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", t.CALENDAR_NAME)
    calendar.add("x-wr-timezone", zone)
    for row, title in items:
        calendar.add_component(_event(row, title, tz, prefs, now))
    if items:
        # The zone's rules only for the span the events need, not since 1970.
        first = items[0][0].starts_at.astimezone(tz).date() - timedelta(days=2)
        last = items[-1][0].starts_at.astimezone(tz).date() + timedelta(days=2)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()


async def calendar_for(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> CalendarFile:
    """A peer's upcoming sessions, or a peer worker's upcoming diary, as a .ics file."""
    person = await member(uow, telegram_id, Role.PEER, Role.WORKER)
    items: list[tuple[PeerSession, str]]
    if person.role == Role.PEER:
        rows = await uow.privacy.upcoming(person.id, as_peer=True, now=now)
        items = [(row, t.event_title_peer(worker.display_name)) for row, worker in rows]
        prefs: ReminderPrefs | None = await uow.prefs.reminders(person.id)
    else:
        rows = await uow.privacy.upcoming(person.id, as_peer=False, now=now)
        items = [(row, t.event_title_worker(peer.display_name)) for row, peer in rows]
        prefs = None  # peer workers get their summary before each session instead
    log.info("person %s: calendar of %d sessions", person.id, len(items))
    return CalendarFile(
        build_ics(items, person.timezone, prefs, now=now), len(items), Role(person.role)
    )
