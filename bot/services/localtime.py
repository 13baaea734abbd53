"""Local wall-clock times ↔ UTC moments, in a person's own zone."""

from __future__ import annotations

import functools
import re
from datetime import MAXYEAR, MINYEAR, UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from bot.services.errors import BadInput

DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
# No session is booked or moved further ahead than this.
HORIZON = timedelta(days=366)
# A date further from today than this is shown with its year.
WITHOUT_YEAR = timedelta(days=183)

# One parser for every date and time a person types, in the ways people write them:
# 2026-12-31, 31/12, 31.12.2026, 31 Dec, December 31st, today, tomorrow, Thursday;
# 14:30, 18.00, 6pm, 6:30 pm, 18h, noon. Day before month, as people write it here.
_MONTHS = {
    name: n
    for n, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        1,
    )
    for name in names
}
_WEEKDAYS = {
    name: n
    for n, names in enumerate(
        (
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        )
    )
    for name in names
}
_RELATIVE = {"today": 0, "tonight": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1}
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$")
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:\s+(\d{4}))?"
_DAY_MONTH = re.compile(rf"^{_DAY}(?:\s+of)?\s+([a-z]+){_YEAR}$")
_MONTH_DAY = re.compile(rf"^([a-z]+)\s+{_DAY}{_YEAR}$")
_CLOCK = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.|h)?$")
_DIGITS = re.compile(r"^\d{3,4}$")
_WORDS_AT = {"noon": time(12), "midday": time(12), "midnight": time(0)}


def _words(text: str) -> str:
    return " ".join(text.casefold().replace(",", " ").split())


def _made(year: int, month: int, day: int, given: str, *, of_year: bool = True) -> date:
    """The date, or why it is not one: no such month, or that month has fewer days."""
    if not 1 <= month <= 12 or not MINYEAR < year < MAXYEAR:
        raise BadInput("date_unreadable", given=given[:20])
    try:
        return date(year, month, day)
    except ValueError:
        first = date(year, month, 1)
        days = ((first + timedelta(days=32)).replace(day=1) - first).days
        raise BadInput(
            "date_nonexistent",
            given=given[:20],
            month=first,  # named in the reader's language by the texts
            of_year=of_year,
            days=days,
        ) from None


def _next(month: int, day: int, today: date | None, given: str) -> date:
    """The first `day` of `month` from today on (a year is needed without a today)."""
    if today is None:
        raise BadInput("date_unreadable", given=given[:20])
    for year in range(today.year, today.year + 9):
        try:
            found = date(year, month, day)
        except ValueError:
            if day > 29 or month != 2:
                return _made(today.year, month, day, given, of_year=False)  # says why
            continue  # the 29th of February: the next leap year
        if found >= today:
            return found
    raise BadInput("date_unreadable", given=given[:20])


def parse_date(text: str, today: date | None = None) -> date:
    """A typed date. Relative words and dates without a year need `today` (the person's)."""
    given = text.strip()
    said = _words(given)
    words = said.split()
    if len(words) > 1 and words[0].rstrip(".") in _WEEKDAYS:
        said = " ".join(words[1:])  # "Thu 31 Dec": the date says it
    if said in _RELATIVE and today is not None:
        return today + timedelta(days=_RELATIVE[said])
    weekday = said.removeprefix("next ").removeprefix("on ").rstrip(".")
    if weekday in _WEEKDAYS and today is not None:
        ahead = (_WEEKDAYS[weekday] - today.weekday()) % 7
        return today + timedelta(days=ahead or (7 if said.startswith("next") else 0))
    if found := DATE.fullmatch(said):
        return _made(int(found[1]), int(found[2]), int(found[3]), given)
    if found := _NUMERIC.fullmatch(said):
        day, month, year = int(found[1]), int(found[2]), found[3]
        if year is None:
            return _next(month, day, today, given)
        return _made(int(year) + (2000 if len(year) == 2 else 0), month, day, given)
    for pattern, day_at, month_at in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        found = pattern.fullmatch(said)
        if found and found[month_at] in _MONTHS:
            day, month = int(found[day_at]), _MONTHS[found[month_at]]
            if found[3] is None:
                return _next(month, day, today, given)
            return _made(int(found[3]), month, day, given)
    raise BadInput("date_unreadable", given=given[:20])


def parse_time(text: str, *, bare_hour: bool = False) -> time:
    """A typed time of day: 14:30, 18.00, 6pm, 6:30 pm, 18h, noon (and "19" or "1830" where
    nothing else could be meant: `bare_hour`)."""
    given = text.strip()
    said = _words(given)
    if said in _WORDS_AT:
        return _WORDS_AT[said]
    if bare_hour and _DIGITS.fullmatch(said):
        said = f"{said[:-2]}:{said[-2:]}"  # "1830", "930": only where a year cannot be meant
    found = _CLOCK.fullmatch(said)
    if not found or (found[2] is None and found[3] is None and not bare_hour):
        raise BadInput("time_unreadable", given=given[:20])
    hour, minute, half = int(found[1]), int(found[2] or 0), (found[3] or "").replace(".", "")
    if half in ("am", "pm"):
        if not 1 <= hour <= 12:
            raise BadInput("time_unreadable", given=given[:20])
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise BadInput("time_unreadable", given=given[:20])
    return time(hour, minute)


_RANGE = re.compile(r"^(.+?)\s*(?:-|–|—|\bto\b|\buntil\b|\btill\b)\s*(.+)$")


def parse_range(text: str) -> tuple[time, time]:
    """Typed hours: "09:30-16:30", "9am to 5pm", "22 to 7"; BadInput("hours_unclear")."""
    found = _RANGE.fullmatch(_words(text or ""))
    if found is None:
        raise BadInput("hours_unclear", typed=(text or "").strip()[:20])
    try:
        return parse_time(found[1], bare_hour=True), parse_time(found[2], bare_hour=True)
    except BadInput:
        raise BadInput("hours_unclear", typed=(text or "").strip()[:20]) from None


@functools.cache
def _zones() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def zone_named(text: str) -> str:
    """The IANA time zone typed, whatever its case ("europe/london", "America/New_york");
    a space may stand for an underscore. BadInput("timezone_unknown") otherwise."""
    typed = " ".join((text or "").split())
    found = _zones().get(typed.replace(" ", "_").casefold())
    if found is None or ("/" not in found and found != "UTC"):
        raise BadInput("timezone_unknown", typed=typed[:40])
    return found


def is_time(text: str) -> bool:
    """Whether `text` reads as a time of day."""
    try:
        parse_time(text)
    except BadInput:
        return False
    return True


def today_in(now: datetime, zone: str) -> date:
    """The date it is now in `zone`."""
    return now.astimezone(ZoneInfo(zone)).date()


def parse_when(text: str, now: datetime, zone: str) -> datetime:
    """A typed day and time ("tomorrow 6pm", "31/12 18:00", "Thursday 10.30"), or a time
    alone (today), read in `zone`: the UTC moment. A time the clocks skip is refused."""
    words = text.split()
    for n in (2, 1):  # "6 pm" is two words
        if len(words) >= n and is_time(" ".join(words[-n:])):
            at, rest = parse_time(" ".join(words[-n:])), " ".join(words[:-n])
            break
    else:
        if any(is_time(w) for w in words):  # "18:00 tomorrow"
            i = next(i for i, w in enumerate(words) if is_time(w))
            at, rest = parse_time(words[i]), " ".join(words[:i] + words[i + 1 :])
        else:
            parse_date(text, today_in(now, zone))  # a date alone: says what is wrong, if anything
            raise BadInput("time_missing")
    day = parse_date(rest, today_in(now, zone)) if rest else today_in(now, zone)
    return to_utc(day, at, zone)


def shows_year(day: date, today: date) -> bool:
    """Whether a date is shown with its year: when it is more than six months away, ahead
    or behind. A date without its year is then never ambiguous, and last week's session
    does not read "Wed 2 Dec 2026"."""
    return abs(day - today) > WITHOUT_YEAR


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
