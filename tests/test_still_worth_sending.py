"""The one rule for whether a due message is still worth sending: a table, no database."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services import delivery_times as t

LONDON = ZoneInfo("Europe/London")
# A session on Wednesday 10 June 2026, 10:00–11:00 London (09:00–10:00 UTC).
STARTS = datetime(2026, 6, 10, 9, tzinfo=UTC)
ENDS = STARTS + timedelta(hours=1)
NIGHTS = t.QuietHours(time(21, 0), time(8, 0), LONDON)  # 21:00–08:00 London
HOUR_BEFORE = STARTS - timedelta(hours=1)  # 09:00 London
DAY_BEFORE_LATE = datetime(2026, 6, 9, 17, tzinfo=UTC)  # 18:00 London, the day before
MINUTE = timedelta(minutes=1)

CASES = [
    # kind, due_at, now, quiet, (send, reason, late)
    ("on time", t.REMINDER_HOUR_BEFORE, HOUR_BEFORE, HOUR_BEFORE, NIGHTS, (True, None, False)),
    (
        "within the grace it is not late",
        t.REMINDER_HOUR_BEFORE,
        HOUR_BEFORE,
        HOUR_BEFORE + 10 * MINUTE,
        NIGHTS,
        (True, None, False),
    ),
    (
        "after the grace it goes out late",
        t.REMINDER_HOUR_BEFORE,
        HOUR_BEFORE,
        HOUR_BEFORE + 11 * MINUTE,
        NIGHTS,
        (True, None, True),
    ),
    (
        "a reminder once the session has started",
        t.REMINDER_HOUR_BEFORE,
        HOUR_BEFORE,
        STARTS,
        None,
        (False, "session_started", True),
    ),
    (
        "a reminder due in quiet hours",
        t.REMINDER_MORNING,
        datetime(2026, 6, 10, 6, tzinfo=UTC),  # 07:00 London
        datetime(2026, 6, 10, 6, tzinfo=UTC),
        NIGHTS,
        (False, "quiet_hours", False),
    ),
    (
        "a late reminder that would land in quiet hours",
        t.REMINDER_DAY_BEFORE,
        DAY_BEFORE_LATE,
        datetime(2026, 6, 9, 20, 30, tzinfo=UTC),  # 21:30 London
        NIGHTS,
        (False, "quiet_hours", True),
    ),
    (
        "the same late reminder with no quiet hours",
        t.REMINDER_DAY_BEFORE,
        DAY_BEFORE_LATE,
        datetime(2026, 6, 9, 20, 30, tzinfo=UTC),
        None,
        (True, None, True),
    ),
    (
        "a summary before the session ends",
        t.SUMMARY,
        STARTS - timedelta(hours=2),
        ENDS - MINUTE,
        None,
        (True, None, False),
    ),
    (
        "a summary once the session is over",
        t.SUMMARY,
        STARTS - timedelta(hours=2),
        ENDS,
        None,
        (False, "session_over", False),
    ),
    (
        "a summary is not held back by quiet hours",
        t.SUMMARY,
        datetime(2026, 6, 9, 22, tzinfo=UTC),
        datetime(2026, 6, 9, 22, tzinfo=UTC),
        NIGHTS,
        (True, None, False),
    ),
    (
        "an outcome prompt two days on",
        t.OUTCOME_PROMPT,
        ENDS,
        ENDS + timedelta(days=2),
        None,
        (True, None, False),
    ),
    (
        "an outcome prompt after two days",
        t.OUTCOME_PROMPT,
        ENDS,
        ENDS + timedelta(days=2) + MINUTE,
        None,
        (False, "too_late", False),
    ),
    (
        "a digest a day on",
        t.DIGEST,
        STARTS,
        STARTS + timedelta(days=1),
        None,
        (True, None, False),
    ),
    (
        "a digest after a day",
        t.DIGEST,
        STARTS,
        STARTS + timedelta(days=1, minutes=1),
        None,
        (False, "too_late", False),
    ),
]


@pytest.mark.parametrize(
    ("kind", "due_at", "now", "quiet", "expected"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_still_worth_sending(
    kind: str,
    due_at: datetime,
    now: datetime,
    quiet: t.QuietHours | None,
    expected: tuple[bool, str | None, bool],
) -> None:
    session = {} if kind == t.DIGEST else {"starts_at": STARTS, "ends_at": ENDS}
    verdict = t.still_worth_sending(kind, due_at, now, quiet=quiet, **session)
    assert (verdict.send, verdict.reason, verdict.late) == expected
