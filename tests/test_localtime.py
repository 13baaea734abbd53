"""The one date and time parser (issue 13, point 8): the common ways people write dates and
times, read in the person's zone, and a date that does not exist said as such."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot import texts
from bot.services.errors import BadInput
from bot.services.localtime import (
    parse_date,
    parse_range,
    parse_time,
    parse_when,
    shows_year,
    zone_named,
)

WEDNESDAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("2026-12-31", date(2026, 12, 31)),
        ("31/12", date(2026, 12, 31)),
        ("31.12.2026", date(2026, 12, 31)),
        ("3/12/26", date(2026, 12, 3)),
        ("31 Dec", date(2026, 12, 31)),
        ("31st December", date(2026, 12, 31)),
        ("December 31", date(2026, 12, 31)),
        ("Thu 31 Dec", date(2026, 12, 31)),
        ("1/1", date(2027, 1, 1)),  # past this year: next year's
        ("29/2", date(2028, 2, 29)),  # the next that exists
        ("today", WEDNESDAY),
        ("Tomorrow", date(2026, 12, 3)),
        ("Thursday", date(2026, 12, 3)),
        ("wed", WEDNESDAY),
        ("next Wednesday", date(2026, 12, 9)),
    ],
)
def test_dates_as_people_write_them(typed: str, meant: date) -> None:
    assert parse_date(typed, WEDNESDAY) == meant


@pytest.mark.parametrize(
    ("typed", "problem", "month"),
    [
        ("2026-02-31", "date_nonexistent", "February 2026"),
        ("31/4", "date_nonexistent", "April"),
        ("30 Feb 2027", "date_nonexistent", "February 2027"),
        ("2026-13-01", "date_unreadable", None),
        ("someday", "date_unreadable", None),
    ],
)
def test_a_date_that_is_wrong_says_how(typed: str, problem: str, month: str | None) -> None:
    with pytest.raises(BadInput) as refused:
        parse_date(typed, WEDNESDAY)
    assert refused.value.problem == problem
    # The month is named in the reader's language by the texts (bot.texts.problem).
    answer = texts.problem(problem, refused.value.details)
    assert month is None or f": {month} has" in answer


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("14:30", time(14, 30)),
        ("18.00", time(18)),
        ("6pm", time(18)),
        ("6:30 PM", time(18, 30)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("18h", time(18)),
        ("noon", time(12)),
    ],
)
def test_times_as_people_write_them(typed: str, meant: time) -> None:
    assert parse_time(typed) == meant


@pytest.mark.parametrize("typed", ["18", "25:00", "13pm", "10:75", "soon"])
def test_a_time_that_cannot_be_read(typed: str) -> None:
    with pytest.raises(BadInput, match="time_unreadable"):
        parse_time(typed)


def test_a_bare_hour_where_nothing_else_is_meant() -> None:
    assert parse_time("19", bare_hour=True) == time(19)
    assert parse_range("9am to 5pm") == (time(9), time(17))
    assert parse_range("22-7") == (time(22), time(7))


def test_day_and_time_in_the_persons_zone_across_a_clock_change() -> None:
    late = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # Wednesday already in Paris
    assert parse_when("tomorrow 6pm", late, "Europe/Paris") == datetime(2026, 12, 3, 17, tzinfo=UTC)
    friday = datetime(2027, 3, 26, 9, tzinfo=UTC)  # London's clocks go forward on Sunday
    assert parse_when("Saturday 10:00", friday, "Europe/London").hour == 10
    assert parse_when("Monday 10:00", friday, "Europe/London").hour == 9
    with pytest.raises(BadInput, match="time_skipped"):
        parse_when("Sunday 1:30", friday, "Europe/London")


def test_zones_whatever_their_case() -> None:
    assert zone_named("america/new_york") == "America/New_York"
    assert zone_named("EUROPE/LONDON") == "Europe/London"
    with pytest.raises(BadInput, match="timezone_unknown"):
        zone_named("Mars/Olympus")


def test_the_year_is_shown_outside_the_next_six_months() -> None:
    assert not shows_year(date(2027, 5, 31), WEDNESDAY)
    assert shows_year(date(2027, 6, 30), WEDNESDAY)
    assert not shows_year(date(2026, 11, 30), WEDNESDAY)  # last week's: no year needed
    assert shows_year(date(2026, 5, 1), WEDNESDAY)
