"""Dates and times as the reader says them (Babel, the reader's CLDR locale).

One spelling of each: "Thu 3 Dec" (the year added when it is far off), "Thu 3 Dec, 10:00",
the 24-hour clock everywhere, "Tuesday 3 March at 10:00" in the messages sent on the clock,
"3 December 2026" for how long an invitation lasts. Nothing here uses `strftime`, whose day
and month names are the C locale's.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from bot.i18n import _, locale
from bot.services.localtime import shows_year

# The reader's today, set for each update and each delivery (handlers.common,
# scheduler.content): a date not within six months of it is shown with its year.
TODAY: ContextVar[date | None] = ContextVar("peerbot_today", default=None)


def hhmm(at: time | datetime) -> str:
    """'09:30': the 24-hour clock."""
    return format_time(at, "HH:mm", locale=locale())


def day_label(day: date) -> str:
    """'Thu 3 Dec', or 'Thu 3 Dec 2027' when it is not within six months of today."""
    today = TODAY.get()
    far = today is not None and shows_year(day, today)
    return format_date(day, "EEE d MMM y" if far else "EEE d MMM", locale=locale())


def short_day(day: date) -> str:
    """'Thu 3 Dec', never with the year (entries logged this week or since a session)."""
    return format_date(day, "EEE d MMM", locale=locale())


def when(moment: datetime, zone: str) -> str:
    """'Thu 3 Dec, 10:00' in the reader's zone (with the year when it is far off)."""
    local = moment.astimezone(ZoneInfo(zone))
    return _("{day}, {time}", day=day_label(local.date()), time=hhmm(local))


def day_month(day: date) -> str:
    """'3 December'."""
    return format_date(day, "d MMMM", locale=locale())


def short_day_month(day: date) -> str:
    """'3 Dec'."""
    return format_date(day, "d MMM", locale=locale())


def long_date(day: date) -> str:
    """'3 December 2026'."""
    return format_date(day, "d MMMM y", locale=locale())


def month_name(day: date, with_year: bool) -> str:
    """'December 2026', or 'December'."""
    return format_date(day, "LLLL y" if with_year else "LLLL", locale=locale())


def weekday_short(iso_weekday: int) -> str:
    """'Mon' for 1 … 'Sun' for 7."""
    return format_date(date(2024, 1, iso_weekday), "EEE", locale=locale())


def weekday_long(iso_weekday: int) -> str:
    """'Monday' for 1 … 'Sunday' for 7."""
    return format_date(date(2024, 1, iso_weekday), "EEEE", locale=locale())


def long_when(local: datetime) -> str:
    """A local moment as people say it: 'Tuesday 3 March at 10:00'."""
    day = format_date(local, "EEEE d MMMM", locale=locale())
    return _("{day} at {time}", day=day, time=hhmm(local))
