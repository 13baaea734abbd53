"""The button codec: every payload round-trips, and a forged one never parses."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest

from bot import callbacks as cb

SAMPLE = {
    cb.ID: 2**31 - 1,
    cb.VERSION: 1,
    cb.NONCE: 0,
    cb.HHMM: time(19, 30),
    cb.DAY: date(2026, 12, 3),
    cb.MOMENT: datetime(2026, 12, 3, 10, 15, tzinfo=UTC),
}


def sample(field: cb.Number) -> object:
    return SAMPLE.get(field, field.high)


@pytest.mark.parametrize("button", cb.EVERY, ids=lambda b: f"{b.prefix}:{b.action}")
def test_every_button_round_trips_and_fits_telegrams_limit(button: cb.Callback) -> None:
    values = tuple(sample(f) for f in button.fields)
    data = button(*values)
    assert len(data.encode()) <= cb.MAX_BYTES
    assert re.match(button.pattern, data)
    assert button.parse(data) == values


def test_each_prefix_and_action_is_declared_once() -> None:
    pairs = [(b.prefix, b.action) for b in cb.EVERY]
    assert len(pairs) == len(set(pairs))


def test_a_pattern_matches_its_own_buttons_only() -> None:
    assert re.match(cb.SES_CONFIRM.pattern, "ses:ok:12:3")
    for other in ("ses:ok:12", "ses:ok:12:3:4", "ses:okay:12:3", "xses:ok:12:3", "ses:no:12:3"):
        assert not re.match(cb.SES_CONFIRM.pattern, other), other


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "nonsense",
        "ses:ok:not-a-number",
        "ses:ok:12",
        "ses:ok:0:1",  # ids start at 1
        "ses:ok:1:0",
        "ses:ok:2147483648:1",  # over 2**31 - 1
        "ses:ok:-1:1",
        "ses:ok:+1:1",
        "ses:ok: 1:1",
        "ses:ok:1:1\n",
        "ses:ok:١:1",  # not an ASCII digit
        "ses:ok:99999999999:1",
    ],
)
def test_a_forged_session_payload_does_not_parse(data: str | None) -> None:
    assert cb.SES_CONFIRM.parse(data) is None


def test_times_of_day_days_and_moments_are_checked_before_they_are_built() -> None:
    assert cb.REM_SET_TIME.parse("rem:st:1:2599") is None  # 25:99
    assert cb.REM_SET_TIME.parse("rem:st:1:1960") is None  # 19:60
    assert cb.REM_SET_TIME.parse("rem:st:3:1900") is None  # only codes 1 and 2 have times
    assert cb.REM_SET_TIME.parse("rem:st:2:0730") == (2, time(7, 30))
    assert cb.REM_SET_QUIET.parse("rem:qs:0:0") == (time(0), time(0))
    assert cb.SCH_DAY.parse("sch:day:0") is None
    assert cb.SCH_DAY.parse(f"sch:day:{date.max.toordinal() + 1}") is None
    assert cb.SCH_DAY.parse(f"sch:day:{date(2026, 12, 3).toordinal()}") == (date(2026, 12, 3),)
    assert cb.REA_SUGGESTED.parse("rea:sgt:0") is None
    assert cb.TEAM_SET_DAY.parse("team:setday:9") is None
    assert cb.TEAM_SET_TIME.parse("team:settime:24:00") is None
    assert cb.TEAM_SET_ZONE.parse(f"team:setzone:{len(cb.DIGEST_ZONES)}") is None


def test_encoding_refuses_values_out_of_bounds() -> None:
    with pytest.raises(ValueError):
        cb.SES_CONFIRM(0, 1)
    with pytest.raises(ValueError):
        cb.SES_CONFIRM(2**31, 1)
    with pytest.raises(ValueError):
        cb.SES_CONFIRM(1)
    with pytest.raises(ValueError):
        cb.TEAM_SET_DAY(8)


def test_a_payload_over_64_bytes_is_refused() -> None:
    long = cb.Callback("x" * 40, "y" * 20, (cb.ID,))
    with pytest.raises(ValueError, match="64 bytes"):
        long(2**31 - 1)
    assert cb.checked_length("a" * 64) == "a" * 64
    with pytest.raises(ValueError):
        cb.checked_length("é" * 33)  # 66 bytes
