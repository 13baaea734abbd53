"""Local wall-clock times ↔ UTC moments, in a person's own zone."""

from __future__ import annotations

import re
from datetime import MAXYEAR, MINYEAR, UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.errors import BadInput

DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
# No session is booked or moved further ahead than this.
HORIZON = timedelta(days=366)


def parse_date(text: str) -> date:
    found = DATE.fullmatch(text.strip())
    if not found:
        raise BadInput("date_unreadable", given=text[:20])
    try:
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        raise BadInput("date_unreadable", given=text[:20]) from None


def parse_time(text: str) -> time:
    found = TIME.fullmatch(text.strip())
    if not found or int(found[1]) > 23 or int(found[2]) > 59:
        raise BadInput("time_unreadable", given=text[:20])
    return time(int(found[1]), int(found[2]))


def to_utc(day: date, at: time, zone: str) -> datetime:
    """The UTC moment of a local wall-clock time; a time the clocks skip is refused."""
    if day.year in (MINYEAR, MAXYEAR):
        # No date for a session, and the arithmetic on it would overflow the calendar.
        raise BadInput("date_unreadable", given=day.isoformat())
    tz = ZoneInfo(zone)
    local = datetime.combine(day, at, tzinfo=tz)
    moment = local.astimezone(UTC)
    if moment.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise BadInput("time_skipped", given=at.strftime("%H:%M"))
    return moment


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def check_horizon(moment: datetime, now: datetime) -> None:
    """Refuse a time further ahead than anyone books a session."""
    if moment > now + HORIZON:
        raise BadInput("date_too_far", days=HORIZON.days)
