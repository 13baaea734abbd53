"""Deliveries planned ahead: pending ledger rows written when what they depend on changes.

A unit of work that schedules, moves, cancels or closes a session, or changes a reminder
choice, quiet hours, a worker's summary lead or a coordinator's digest time, re-plans the
deliveries of what it touched before it commits (`replan`, handed to the unit of work by
the composition root). A reconciliation walks a bounded slice of upcoming sessions each
tick behind a cursor kept in the database (`plan`), so a plan that was missed (or
sessions written straight to the database) is found within a pass of the window; it also
records, as today, what fell due since the last tick and was never planned. The tick then
reads only due ledger rows; every claimed row is checked again right before it is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from bot.services import delivery_times as t
from bot.services.delivery_plan import (
    AHEAD,
    BEHIND,
    FIRST_LOOKBACK,
    MAX_LOOKBACK,
    OVERLAP,
    WATERMARK,
    Candidate,
    booked_late,
    session_candidates,
    skip_reason,
    zone,
)
from bot.services.safety_plan import SAFETY_OFF, SafetyConfig, plan_sessions
from storage.models import SessionState
from storage.repositories.deliveries import PENDING, SKIPPED
from storage.repositories.delivery_plan import LedgerRow, PlannedSession
from storage.uow import UnitOfWork
from storage.uow_notes import Touched

log = logging.getLogger(__name__)

# Where the reconciliation's walk of upcoming sessions has got to: "<starts_at>|<id>".
CURSOR = "deliveries_reconciled_to"
# Sessions the reconciliation looks at in one go (the engine runs one slice every couple of
# minutes when the window holds more): 144,000 sessions a day, and the window (a day
# behind, two ahead) held about 4,000 at 1,000,000 sessions.
SLICE = 200
# Digests are planned this far ahead: the reconciliation comes round many times a day.
DIGEST_AHEAD = timedelta(days=1)
LIVE = (SessionState.SCHEDULED, SessionState.CONFIRMED)
_MARK_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


@dataclass(frozen=True)
class Planned:
    """What one planning wrote: rows due now (pending, skipped) and rows planned ahead."""

    pending: int = 0
    skipped: int = 0
    ahead: int = 0
    dropped: int = 0

    def __add__(self, other: Planned) -> Planned:
        return Planned(
            self.pending + other.pending,
            self.skipped + other.skipped,
            self.ahead + other.ahead,
            self.dropped + other.dropped,
        )


def mark(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_MARK_FORMAT)


def unmark(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, _MARK_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def _row(c: Candidate, now: datetime, reason: str | None) -> dict[str, Any]:
    return {
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


async def _settle(
    uow: UnitOfWork,
    candidates: Iterable[Candidate],
    existing: Sequence[LedgerRow],
    *,
    after: datetime,
    now: datetime,
    default_timezone: str,
) -> Planned:
    """Write what differs between the occurrences wanted and the ledger's rows for them.

    Future occurrences are pending (a pending one moves with its due time); those that fell
    due since `after` are written as planning always did, pending or skipped with the
    reason; future pending rows no longer wanted (moved, cancelled, turned off) go.
    """
    held = {row.key: row for row in existing}
    wanted: set[str] = set()
    ahead: list[dict[str, Any]] = []
    due: list[dict[str, Any]] = []
    for c in sorted(candidates, key=lambda c: c.key):  # one order: no deadlock between replicas
        wanted.add(c.key)
        row = held.get(c.key)
        if c.due_at > now and not booked_late(c, now):
            if row is None or (row.state == PENDING and row.due_at != c.due_at):
                ahead.append(_row(c, now, None))
        elif row is None and (after < c.due_at <= now or booked_late(c, now)):
            due.append(_row(c, now, skip_reason(c, now, default_timezone)))
    stale = [
        row.key
        for row in existing
        if row.key not in wanted and row.state == PENDING and row.due_at > now
    ]
    repo = uow.deliveries
    return Planned(
        await repo.add_new([r for r in due if r["state"] == PENDING]),
        await repo.add_new([r for r in due if r["state"] == SKIPPED]),
        await repo.plan_ahead(ahead),
        await repo.drop_pending(stale),
    )


def _candidates(rows: Iterable[PlannedSession], default_timezone: str) -> list[Candidate]:
    found: list[Candidate] = []
    for row in rows:
        if row.session.state not in LIVE:  # cancelled or over: nothing more to send
            continue
        found.extend(
            session_candidates(
                row.session,
                row.peer,
                row.worker,
                row.reminder_prefs,
                row.summary_lead_minutes,
                default_timezone,
            )
        )
    return found


async def _sessions(
    uow: UnitOfWork,
    rows: Sequence[PlannedSession],
    *,
    after: datetime,
    now: datetime,
    default_timezone: str,
    safety: SafetyConfig,
) -> Planned:
    existing = await uow.deliveries.ledger_of_sessions([row.session.id for row in rows])
    # Their lone-working check-ins (nothing when the service does not use them).
    checkins = Planned(ahead=await plan_sessions(uow, rows, now=now, config=safety))
    wanted = _candidates(rows, default_timezone)
    tz = default_timezone
    return checkins + await _settle(
        uow, wanted, existing, after=after, now=now, default_timezone=tz
    )


async def _digests(
    uow: UnitOfWork,
    *,
    after: datetime,
    now: datetime,
    default_timezone: str,
    people: set[int] | None = None,
) -> Planned:
    """Each coordinator's digests due since `after` and in the next DIGEST_AHEAD."""
    coordinators = await uow.deliveries.coordinators_with_prefs(people)
    if not coordinators:
        return Planned()
    found: list[Candidate] = []
    for person, prefs in coordinators:
        weekday = prefs.digest_weekday if prefs else 1
        at = prefs.digest_at if prefs else time(9, 0)
        tz = zone(person, default_timezone)
        for day, due_at in t.digest_times(weekday, at, tz, after, now + DIGEST_AHEAD):
            found.append(Candidate(t.digest_key(person.id, day), t.DIGEST, person, due_at))
    ids = {person.id for person, _ in coordinators}
    existing = [
        row
        for row in await uow.deliveries.pending_digests(min(after, now))
        if row.recipient_id in ids
    ]
    return await _settle(
        uow, found, existing, after=after, now=now, default_timezone=default_timezone
    )


async def replan(
    uow: UnitOfWork,
    touched: Touched,
    *,
    now: datetime,
    default_timezone: str,
    safety: SafetyConfig = SAFETY_OFF,
) -> Planned:
    """Plan again the deliveries of what a unit of work changed (it commits after)."""
    rows = await uow.deliveries.sessions_touched(touched.sessions, touched.people, now - BEHIND)
    planned = await _sessions(
        uow, rows, after=now, now=now, default_timezone=default_timezone, safety=safety
    )
    if touched.people:
        planned += await _digests(
            uow, after=now, now=now, default_timezone=default_timezone, people=touched.people
        )
    if planned != Planned():
        log.info("deliveries planned ahead: %s", planned)
    return planned


def _cursor(value: str | None) -> tuple[datetime, int] | None:
    at, _, session_id = (value or "").partition("|")
    moment = unmark(at)
    return (moment, int(session_id)) if moment is not None and session_id.isdigit() else None


@dataclass(frozen=True)
class Reconciled:
    """New rows due now (pending, skipped); whether this slice ended the pass of the
    window, and whether one slice held all of it."""

    pending: int
    skipped: int
    wrapped: bool
    whole_window: bool


async def reconcile(
    uow: UnitOfWork,
    *,
    now: datetime,
    default_timezone: str,
    whole: bool = False,
    safety: SafetyConfig = SAFETY_OFF,
) -> Reconciled:
    """Reconcile the ledger with one slice of upcoming sessions (`whole`: the whole window)
    and the coordinators' digests, and record what fell due since the last reconciliation."""
    planned_until = unmark(await uow.bot_info.get(WATERMARK))
    after = planned_until - OVERLAP if planned_until else now - FIRST_LOOKBACK
    after = max(after, now - MAX_LOOKBACK)
    cursor = _cursor(await uow.bot_info.get(CURSOR))
    since = min(after, now) - BEHIND
    if cursor is not None and (whole or cursor[0] <= since):
        cursor = None
    from_start = cursor is None
    limit = None if whole else SLICE
    rows = await uow.deliveries.sessions_after(cursor, since, now + AHEAD, limit)
    planned = await _sessions(
        uow, rows, after=after, now=now, default_timezone=default_timezone, safety=safety
    )
    wrapped = limit is None or len(rows) < limit
    if wrapped:  # once a pass of the window (it reads every coordinator)
        planned += await _digests(uow, after=after, now=now, default_timezone=default_timezone)
    cursor = None if wrapped else (rows[-1].session.starts_at, rows[-1].session.id)
    await uow.bot_info.put(CURSOR, f"{mark(cursor[0])}|{cursor[1]}" if cursor else "")
    if planned_until is None or planned_until < now:
        await uow.deliveries.advance_mark(WATERMARK, mark(now))
    await uow.commit()
    if planned.ahead or planned.dropped:
        log.info("reconciliation planned %d ahead, dropped %d", planned.ahead, planned.dropped)
    return Reconciled(planned.pending, planned.skipped, wrapped, from_start and wrapped)


async def plan(
    uow: UnitOfWork,
    *,
    now: datetime,
    default_timezone: str,
    whole: bool = True,
    safety: SafetyConfig = SAFETY_OFF,
) -> tuple[int, int]:
    """`reconcile` (the whole window unless told otherwise): (pending, skipped) new rows
    due now."""
    done = await reconcile(
        uow, now=now, default_timezone=default_timezone, whole=whole, safety=safety
    )
    return done.pending, done.skipped
