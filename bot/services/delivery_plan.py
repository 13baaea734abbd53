"""The occurrences a session or a coordinator has, and whether one is still worth sending.

delivery_ahead writes them to the ledger: ahead of time when what they depend on
changes, and (a reconciliation, each tick) what fell due since the last planned moment, a
watermark kept in the database so downtime is noticed: pending when still worth sending,
otherwise skipped with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services import delivery_times as t
from storage.models import PeerSession, Person, ReminderPrefs

WATERMARK = "deliveries_planned_until"
# Replicas' clocks and commits differ a little; re-planning a few minutes is harmless
# because the ledger's unique key makes it idempotent.
OVERLAP = timedelta(minutes=5)
# With no watermark yet (a new database, or the first start after upgrading) look back only
# a little: sessions from before reminders existed must not bring a burst of old prompts.
FIRST_LOOKBACK = timedelta(minutes=10)
MAX_LOOKBACK = timedelta(days=7)
# The widest gap between an occurrence and its session's start: the day before at 00:00
# for a session at 23:59, plus a clock change; summaries come at most a day before.
AHEAD = timedelta(hours=50)
BEHIND = timedelta(days=1)
DEFAULT_LEAD = 120
_MARK_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


@dataclass(frozen=True)
class Candidate:
    key: str
    kind: str
    recipient: Person
    due_at: datetime
    session: PeerSession | None = None
    prefs: ReminderPrefs | None = None


def reachable(person: Person | None) -> bool:
    return person is not None and person.telegram_id is not None and person.left_at is None


def zone(person: Person, default: str) -> ZoneInfo:
    try:
        return ZoneInfo(person.timezone or default)
    except (ValueError, KeyError):
        return ZoneInfo(default)


def recipient_problem(person: Person | None) -> str | None:
    """Why nothing may be sent to this person now, or None."""
    if person is None or not reachable(person):
        return "left"
    if person.paused:
        return "paused"
    if person.unreachable_at is not None:
        return "unreachable"
    return None


def worth_sending(
    kind: str,
    due_at: datetime,
    session: PeerSession | None,
    person: Person,
    prefs: ReminderPrefs | None,
    now: datetime,
    default_tz: str,
) -> t.Verdict:
    """`delivery_times.still_worth_sending` for one occurrence, from what the ledger holds."""
    ends_at = session.starts_at + timedelta(minutes=session.duration_minutes) if session else None
    quiet = (
        t.QuietHours(prefs.quiet_from, prefs.quiet_until, zone(person, default_tz))
        if prefs is not None
        else None
    )
    return t.still_worth_sending(
        kind,
        due_at,
        now,
        starts_at=session.starts_at if session else None,
        ends_at=ends_at,
        quiet=quiet,
    )


def skip_reason(c: Candidate, now: datetime, default_tz: str) -> str | None:
    """Why this occurrence should be recorded as skipped rather than sent."""
    if reason := recipient_problem(c.recipient):
        return reason
    return worth_sending(c.kind, c.due_at, c.session, c.recipient, c.prefs, now, default_tz).reason


def session_candidates(
    s: PeerSession,
    peer: Person,
    worker: Person,
    prefs: ReminderPrefs | None,
    lead: int | None,
    default_tz: str,
) -> list[Candidate]:
    found: list[Candidate] = []
    if prefs is not None and reachable(peer):
        chosen = t.reminder_times(
            s.starts_at,
            zone(peer, default_tz),
            day_before_at=prefs.day_before_at if prefs.day_before else None,
            morning_at=prefs.morning_at if prefs.morning else None,
            hour_before=prefs.hour_before,
        )
        for kind, due_at in chosen:
            key = t.session_key(kind, s.id, s.version)
            found.append(Candidate(key, kind, peer, due_at, s, prefs))
    if reachable(worker):
        due_at = s.starts_at - timedelta(minutes=lead or DEFAULT_LEAD)
        found.append(
            Candidate(t.session_key(t.SUMMARY, s.id, s.version), t.SUMMARY, worker, due_at, s)
        )
        if s.outcome_at is None:
            due_at = s.starts_at + timedelta(minutes=s.duration_minutes)
            key = t.session_key(t.OUTCOME_PROMPT, s.id, s.version)
            found.append(Candidate(key, t.OUTCOME_PROMPT, worker, due_at, s))
    return found


def booked_late(c: Candidate, now: datetime) -> bool:
    """A summary whose time had passed when its session was booked (or moved): due now.

    Planning looks back only to the watermark, so without this a session booked inside
    its summary lead would get no summary at all; the ledger's key keeps it to one.
    """
    s = c.session
    if c.kind != t.SUMMARY or s is None or not c.due_at <= now < s.starts_at:
        return False
    # A move confirms the new time (confirmed_at), and a new version is a new summary.
    booked = s.confirmed_at if s.version > 1 and s.confirmed_at else s.created_at
    return booked is not None and booked >= c.due_at
