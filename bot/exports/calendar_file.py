"""Upcoming sessions as an iCalendar (.ics) file: peers' sessions, peer workers' diaries.

Events carry the person's own zone (TZID with its VTIMEZONE), so a session at 10:00 London
time stays at 10:00 on both sides of a clock change. UIDs are stable and SEQUENCE follows
the session's version, so importing a newer file updates moved sessions instead of
duplicating them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from bot.i18n import _
from bot.services.calendar import CalendarEvent, UpcomingSessions
from bot.texts import privacy as t
from bot.texts.sessions import ordinal
from storage.models import Role, SessionState

PRODID = "-//peerbot//peer support sessions//EN"


def uid(session_id: int) -> str:
    return f"session-{session_id}@peerbot"


def _title(role: Role, item: CalendarEvent) -> str:
    counted = ordinal(item.number, item.planned)
    if role == Role.PEER:
        return t.event_title_peer(item.other_name, counted)
    return t.event_title_worker(item.other_name, counted)


def _event(item: CalendarEvent, title: str, tz: ZoneInfo, now: datetime) -> Event:
    starts = item.starts_at.astimezone(tz)
    event = Event()
    event.add("uid", uid(item.session_id))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=item.minutes))
    event.add("summary", title)
    if item.place:
        event.add("location", item.place)
    event.add("sequence", max(item.version - 1, 0))
    event.add("status", "CONFIRMED" if item.state == SessionState.CONFIRMED else "TENTATIVE")
    for trigger in item.alarms:
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


def render(upcoming: UpcomingSessions) -> bytes:
    """The iCalendar file of these sessions, in the person's zone."""
    tz = ZoneInfo(upcoming.zone)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _(t.CALENDAR_NAME))
    calendar.add("x-wr-timezone", upcoming.zone)
    items = upcoming.events
    for item in items:
        title = _title(upcoming.role, item)
        calendar.add_component(_event(item, title, tz, upcoming.read_at))
    if items:
        # The zone's rules only for the span the events need, not since 1970.
        first = items[0].starts_at.astimezone(tz).date() - timedelta(days=2)
        last = items[-1].starts_at.astimezone(tz).date() + timedelta(days=2)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()
