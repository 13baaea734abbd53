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

from sqlalchemy import select
from sqlalchemy.orm import aliased

from bot.services import delivery_times as t
from storage.models import (
    CoordinatorPrefs,
    PeerSession,
    Person,
    Programme,
    ReminderPrefs,
    Role,
    SessionState,
    WorkerPrefs,
)
from storage.repositories.deliveries import PENDING, SKIPPED, DeliveryRepository
from storage.uow import UnitOfWork

WATERMARK = "deliveries_planned_until"
# Replicas' clocks and commits differ a little; re-planning a few minutes is harmless
# because the ledger's unique key makes it idempotent.
OVERLAP = timedelta(minutes=5)
# With no watermark yet (a new database, or the first start after upgrading) look back only
# a little: sessions from before reminders existed must not bring a burst of old prompts.
FIRST_LOOKBACK = timedelta(minutes=10)
MAX_LOOKBACK = timedelta(days=7)
# A reminder sent this much after its due time is "late" and is checked against quiet
# hours again at the moment it would go out.
LATE_GRACE = timedelta(minutes=10)
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


def not_useful(
    kind: str, due_at: datetime, session: PeerSession | None, now: datetime
) -> str | None:
    """Why a message is no longer worth sending at `now`, or None while it still is."""
    if kind in t.REMINDER_KINDS and session is not None and now >= session.starts_at:
        return "session_started"
    ends_at = session.starts_at + timedelta(minutes=session.duration_minutes) if session else None
    if kind == t.SUMMARY and ends_at is not None and now >= ends_at:
        return "session_over"
    if kind == t.OUTCOME_PROMPT and now > due_at + t.OUTCOME_PROMPT_USEFUL:
        return "too_late"
    if kind == t.DIGEST and now > due_at + t.DIGEST_USEFUL:
        return "too_late"
    return None


def quiet(prefs: ReminderPrefs | None, moment: datetime, tz: ZoneInfo) -> bool:
    if prefs is None:
        return False
    return t.in_quiet_hours(moment, prefs.quiet_from, prefs.quiet_until, tz)


def skip_reason(c: Candidate, now: datetime, default_tz: str) -> str | None:
    """Why this occurrence should be recorded as skipped rather than sent."""
    if c.recipient.paused:
        return "paused"
    if c.recipient.unreachable_at is not None:
        return "unreachable"
    if reason := not_useful(c.kind, c.due_at, c.session, now):
        return reason
    if c.kind in t.REMINDER_KINDS:
        tz = zone(c.recipient, default_tz)
        if quiet(c.prefs, c.due_at, tz):
            return "quiet_hours"
        if now - c.due_at > LATE_GRACE and quiet(c.prefs, now, tz):
            return "quiet_hours"
    return None


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
    peer, worker = aliased(Person), aliased(Person)
    stmt = (
        select(PeerSession, peer, worker, ReminderPrefs, WorkerPrefs.summary_lead_minutes)
        .join(Programme, Programme.id == PeerSession.programme_id)
        .join(peer, peer.id == Programme.peer_id)
        .join(worker, worker.id == Programme.worker_id)
        .outerjoin(ReminderPrefs, ReminderPrefs.person_id == peer.id)
        .outerjoin(WorkerPrefs, WorkerPrefs.person_id == worker.id)
        .where(
            PeerSession.state.in_((SessionState.SCHEDULED, SessionState.CONFIRMED)),
            PeerSession.starts_at > after - BEHIND,
            PeerSession.starts_at <= until + AHEAD,
        )
    )
    found: list[Candidate] = []
    for s, p, w, prefs, lead in await uow.session.execute(stmt):
        found.extend(_session_candidates(s, p, w, prefs, lead, default_tz))
    return found


async def _digests(
    uow: UnitOfWork, after: datetime, until: datetime, default_tz: str
) -> list[Candidate]:
    stmt = (
        select(Person, CoordinatorPrefs)
        .outerjoin(CoordinatorPrefs, CoordinatorPrefs.person_id == Person.id)
        .where(
            Person.role == Role.COORDINATOR,
            Person.telegram_id.is_not(None),
            Person.left_at.is_(None),
        )
    )
    found: list[Candidate] = []
    for person, prefs in await uow.session.execute(stmt):
        weekday = prefs.digest_weekday if prefs else 1
        at = prefs.digest_at if prefs else time(9, 0)
        for day, due_at in t.digest_times(weekday, at, zone(person, default_tz), after, until):
            found.append(Candidate(t.digest_key(person.id, day), t.DIGEST, person, due_at))
    return found


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
    repo = DeliveryRepository(uow.session)
    planned_until = _unmark(await uow.bot_info.get(WATERMARK))
    after = planned_until - OVERLAP if planned_until else now - FIRST_LOOKBACK
    after = max(after, now - MAX_LOOKBACK)
    candidates = [
        c
        for c in [
            *await _sessions(uow, after, now, default_timezone),
            *await _digests(uow, after, now, default_timezone),
        ]
        if after < c.due_at <= now
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
