"""When each message the bot sends on its own falls due: pure functions, no database.

Every occurrence is computed in the recipient's own time zone and returned in UTC, so
"the day before at 18:00" is 18:00 on the wall clock on both sides of a clock change.
Ledger keys name (kind, subject, occurrence); a session's key carries its version, so a
moved session's old occurrences stop matching and the new time's apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage.enums import DeliveryKind as Kind

# Short names for the kinds; storage.enums.DeliveryKind is their one definition.
REMINDER_DAY_BEFORE = Kind.REMINDER_DAY_BEFORE
REMINDER_MORNING = Kind.REMINDER_MORNING
REMINDER_HOUR_BEFORE = Kind.REMINDER_HOUR_BEFORE
SUMMARY = Kind.SUMMARY
OUTCOME_PROMPT = Kind.OUTCOME_PROMPT
DIGEST = Kind.DIGEST
SAFETY_START = Kind.SAFETY_START
SAFETY_ASK = Kind.SAFETY_ASK
SAFETY_ALERT = Kind.SAFETY_ALERT
SAFETY_HANDLED = Kind.SAFETY_HANDLED
SAFETY_OVER = Kind.SAFETY_OVER

REMINDER_KINDS = (REMINDER_DAY_BEFORE, REMINDER_MORNING, REMINDER_HOUR_BEFORE)
SESSION_KINDS = (*REMINDER_KINDS, SUMMARY, OUTCOME_PROMPT)
# Lone-working safety (SPEC §8): claimed before everything else, checked against their
# check-in, never too late to send while it is unresolved.
SAFETY_KINDS = (SAFETY_START, SAFETY_ASK, SAFETY_ALERT, SAFETY_HANDLED, SAFETY_OVER)
ALL_KINDS = tuple(Kind)

# How long after its due time each kind is still worth sending (beyond the kind's own
# limit, such as "before the session starts").
OUTCOME_PROMPT_USEFUL = timedelta(days=2)
DIGEST_USEFUL = timedelta(days=1)
# A reminder sent more than this after its due time is "late": it says so, and is checked
# against quiet hours again at the moment it would go out.
LATE_GRACE = timedelta(minutes=10)


@dataclass(frozen=True)
class QuietHours:
    """A recipient's quiet hours on their own wall clock; equal ends mean none."""

    start: time
    end: time
    tz: ZoneInfo

    def cover(self, moment: datetime) -> bool:
        return in_quiet_hours(moment, self.start, self.end, self.tz)


@dataclass(frozen=True)
class Verdict:
    """Whether a due message is still worth sending now; `reason` says why not."""

    send: bool
    reason: str | None = None
    late: bool = False  # a reminder going out later than LATE_GRACE says so


def still_worth_sending(
    kind: str,
    due_at: datetime,
    now: datetime,
    *,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    quiet: QuietHours | None = None,
) -> Verdict:
    """The one rule for every due message, at planning and again right before sending.

    `starts_at`/`ends_at` are its session's (None for a digest); `quiet` the reminded
    person's quiet hours. A reminder is for before the session, a summary for before its
    end; an outcome prompt is asked for two days, a digest read for one. A reminder due in
    quiet hours is not sent, nor one that is late and would now land in them.
    """
    late = kind in REMINDER_KINDS and now - due_at > LATE_GRACE
    if kind in REMINDER_KINDS and starts_at is not None and now >= starts_at:
        return Verdict(False, "session_started", late)
    if kind == SUMMARY and ends_at is not None and now >= ends_at:
        return Verdict(False, "session_over")
    if kind == OUTCOME_PROMPT and now > due_at + OUTCOME_PROMPT_USEFUL:
        return Verdict(False, "too_late")
    if kind == DIGEST and now > due_at + DIGEST_USEFUL:
        return Verdict(False, "too_late")
    in_quiet = quiet is not None and (quiet.cover(due_at) or (late and quiet.cover(now)))
    if kind in REMINDER_KINDS and in_quiet:
        return Verdict(False, "quiet_hours", late)
    return Verdict(True, late=late)


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`at` on the wall clock of `day` in `tz`, as a UTC moment.

    In the hour that does not exist in spring, zoneinfo's fold=0 reads the time with the
    offset from before the change, i.e. one hour later on the wall clock: never skipped.
    In the hour that repeats in autumn, fold=0 takes the first of the two: never doubled.
    """
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def day_before(starts_at: datetime, at: time, tz: ZoneInfo) -> datetime:
    local_day = starts_at.astimezone(tz).date()
    return local_moment(local_day - timedelta(days=1), at, tz)


def morning_of(starts_at: datetime, at: time, tz: ZoneInfo) -> datetime | None:
    """The morning reminder, or None when the session starts before it (nothing to remind)."""
    due = local_moment(starts_at.astimezone(tz).date(), at, tz)
    return due if due < starts_at else None


def an_hour_before(starts_at: datetime) -> datetime:
    return starts_at - timedelta(hours=1)


def reminder_times(
    starts_at: datetime,
    tz: ZoneInfo,
    *,
    day_before_at: time | None,
    morning_at: time | None,
    hour_before: bool,
) -> list[tuple[str, datetime]]:
    """(kind, UTC moment) of each reminder chosen for a session (None / False: not chosen)."""
    found: list[tuple[str, datetime]] = []
    if day_before_at is not None:
        found.append((REMINDER_DAY_BEFORE, day_before(starts_at, day_before_at, tz)))
    if morning_at is not None and (due := morning_of(starts_at, morning_at, tz)) is not None:
        found.append((REMINDER_MORNING, due))
    if hour_before:
        found.append((REMINDER_HOUR_BEFORE, an_hour_before(starts_at)))
    return found


def in_quiet_hours(moment: datetime, quiet_from: time, quiet_until: time, tz: ZoneInfo) -> bool:
    """Whether `moment` falls inside the quiet hours; equal ends mean no quiet hours."""
    if quiet_from == quiet_until:
        return False
    local = moment.astimezone(tz).time().replace(tzinfo=None)
    if quiet_from < quiet_until:
        return quiet_from <= local < quiet_until
    return local >= quiet_from or local < quiet_until  # across midnight, e.g. 21:00–08:00


def digest_times(
    weekday: int, at: time, tz: ZoneInfo, after: datetime, until: datetime
) -> list[tuple[date, datetime]]:
    """The (local date, UTC moment) of each weekly digest due in (after, until]."""
    found = []
    day = after.astimezone(tz).date() - timedelta(days=1)
    last = until.astimezone(tz).date() + timedelta(days=1)
    while day <= last:
        if day.isoweekday() == weekday:
            due = local_moment(day, at, tz)
            if after < due <= until:
                found.append((day, due))
        day += timedelta(days=1)
    return found


def session_key(kind: str, session_id: int, version: int) -> str:
    return f"{kind}:session:{session_id}:v{version}"


def digest_key(person_id: int, local_day: date) -> str:
    return f"{DIGEST}:person:{person_id}:{local_day.isoformat()}"


def checkin_key(
    kind: str, checkin_id: int, round_: int, *, to: int | None = None, retry: int = 0
) -> str:
    """A check-in's message: `round_` is its session's version (1 for one not in the
    diary), `to` the coordinator, `retry` the round of an alert tried again."""
    parts = [kind, "checkin", str(checkin_id)]
    if to is not None:
        parts.append(f"c{to}")
    if retry:
        parts.append(f"r{retry}")
    return ":".join([*parts, f"v{round_}"])


def key_retry(key: str) -> int:
    """The retry round an alert key was made for (0: the first alert)."""
    for part in key.split(":"):
        if part.startswith("r") and part[1:].isdigit():
            return int(part[1:])
    return 0


def key_version(key: str) -> int | None:
    """The session version a session key was made for (None for other keys)."""
    last = key.rsplit(":", 1)[-1]
    return int(last[1:]) if last.startswith("v") and last[1:].isdigit() else None


def key_day(key: str) -> date | None:
    """The local date a digest key was made for."""
    try:
        return date.fromisoformat(key.rsplit(":", 1)[-1])
    except ValueError:
        return None
