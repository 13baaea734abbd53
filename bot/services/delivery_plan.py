"""What has fallen due: occurrences computed from sessions and preferences, never stored ahead.

Each tick plans the occurrences whose due time lies between the last planned moment (a
watermark kept in the database, so downtime is noticed) and now, and writes them to the
ledger: pending when still worth sending, otherwise skipped with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.services import delivery_times as t
from storage.models import PeerSession, Person, ReminderPrefs
from storage.repositories.deliveries import PENDING, SKIPPED
from storage.uow import UnitOfWork

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


def _session_candidates(
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


async def _sessions(
    uow: UnitOfWork, after: datetime, until: datetime, default_tz: str
) -> list[Candidate]:
    found: list[Candidate] = []
    for row in await uow.deliveries.sessions_starting(after - BEHIND, until + AHEAD):
        found.extend(
            _session_candidates(
                row.session,
                row.peer,
                row.worker,
                row.reminder_prefs,
                row.summary_lead_minutes,
                default_tz,
            )
        )
    return found


async def _digests(
    uow: UnitOfWork, after: datetime, until: datetime, default_tz: str
) -> list[Candidate]:
    found: list[Candidate] = []
    for person, prefs in await uow.deliveries.coordinators_with_prefs():
        weekday = prefs.digest_weekday if prefs else 1
        at = prefs.digest_at if prefs else time(9, 0)
        for day, due_at in t.digest_times(weekday, at, zone(person, default_tz), after, until):
            found.append(Candidate(t.digest_key(person.id, day), t.DIGEST, person, due_at))
    return found


def _booked_late(c: Candidate, now: datetime) -> bool:
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


def _mark(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_MARK_FORMAT)


def _unmark(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, _MARK_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


async def plan(uow: UnitOfWork, *, now: datetime, default_timezone: str) -> tuple[int, int]:
    """Write newly due occurrences to the ledger; (pending, skipped) counts of new rows."""
    repo = uow.deliveries
    planned_until = _unmark(await uow.bot_info.get(WATERMARK))
    after = planned_until - OVERLAP if planned_until else now - FIRST_LOOKBACK
    after = max(after, now - MAX_LOOKBACK)
    candidates = [
        c
        for c in [
            *await _sessions(uow, after, now, default_timezone),
            *await _digests(uow, after, now, default_timezone),
        ]
        if after < c.due_at <= now or _booked_late(c, now)
    ]
    rows: list[dict[str, Any]] = []
    for c in sorted(candidates, key=lambda c: c.key):  # one order: no deadlock between replicas
        reason = skip_reason(c, now, default_timezone)
        rows.append(
            {
                "key": c.key,
                "kind": c.kind,
                "recipient_id": c.recipient.id,
                "session_id": c.session.id if c.session else None,
                "due_at": c.due_at,
                "state": SKIPPED if reason else PENDING,
                "reason": reason,
                "finished_at": now if reason else None,
                "attempts": 0,
            }
        )
    new_pending = await repo.add_new([r for r in rows if r["state"] == PENDING])
    new_skipped = await repo.add_new([r for r in rows if r["state"] == SKIPPED])
    if planned_until is None or planned_until < now:
        await repo.advance_mark(WATERMARK, _mark(now))
    await uow.commit()
    return new_pending, new_skipped
