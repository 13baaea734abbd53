"""The one-line /schedule: `<peer name> <date> <time> [minutes] [place…]`, read as people
write it, with the bounds of a session's length and place."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

from bot.services.errors import BadInput
from bot.services.localtime import DATE, is_time, parse_date, parse_time

LENGTHS = (60, 75, 90)
MIN_MINUTES, MAX_MINUTES = 15, 240
_LENGTH = re.compile(
    r"^(?:(\d+(?:[.,]\d+)?)\s*(?:h|hr|hrs|hour|hours))?\s*(?:(\d+)\s*(?:m|min|mins|minutes?)?)?$"
)
PLACE_MAX = 120


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


def _usage() -> BadInput:
    return BadInput("schedule_usage", low=MIN_MINUTES, high=MAX_MINUTES)


def parse_length(text: str) -> int:
    """A typed length: "45", "45 min", "1 hour", "1h30", "1.5 hours"; in bounds or BadInput."""
    found = _LENGTH.fullmatch(" ".join(text.casefold().split()))
    if not found or not (found[1] or found[2]):
        raise BadInput(
            "length_unreadable", given=text.strip()[:20], low=MIN_MINUTES, high=MAX_MINUTES
        )
    minutes = round(float((found[1] or "0").replace(",", ".")) * 60) + int(found[2] or 0)
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise BadInput("length_out_of_range", low=MIN_MINUTES, high=MAX_MINUTES)
    return minutes


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
        raise _usage()
    at_time, width = timed
    dated = _date_before(words[:at_time], today)
    if dated is None:
        before = words[at_time - 1] if at_time else ""
        if not any(c.isdigit() for c in before):
            raise _usage()  # no date at all
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
