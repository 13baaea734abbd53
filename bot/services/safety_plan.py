"""The ledger rows of lone-working check-ins (SPEC §8), planned in the database ahead.

A session of a worker who has check-ins on has one check-in (created when the session is
planned, moved with it, cancelled with it). Each unresolved check-in has its rows waiting:
`safety_start` at the start (a session's), `safety_ask` at the end plus the grace, and one
`safety_alert` per coordinator a grace later. Every row is checked against the check-in
right before it goes out (bot.services.safety_check): "I'm safe" first means skipped.
Each tick plans the unresolved check-ins again (a coordinator who joined gets their alert
row) and tries again an alert that reached nobody (`retry_failing`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.services import delivery_times as t
from storage.enums import CheckinKind, CheckinState, SessionState
from storage.models import Person, SafetyCheckin
from storage.repositories.deliveries import PENDING
from storage.repositories.delivery_plan import PlannedSession
from storage.repositories.safety import CheckinRow, SafetyLedgerRow
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

# An alert that reached no coordinator is tried again this long after its last try ended.
RETRY_PAUSE = timedelta(minutes=1)
LIVE = (SessionState.SCHEDULED, SessionState.CONFIRMED)


@dataclass(frozen=True)
class SafetyConfig:
    """SAFETY_CHECKINS and SAFETY_GRACE_MINUTES, as the planner and the services need them."""

    enabled: bool = False
    grace: timedelta = timedelta(minutes=15)

    @classmethod
    def of(cls, settings: Any) -> SafetyConfig:
        return cls(settings.safety_checkins, timedelta(minutes=settings.safety_grace_minutes))


SAFETY_OFF = SafetyConfig()


def ask_at(c: SafetyCheckin, grace: timedelta) -> datetime:
    return c.ends_at + grace


def alert_at(c: SafetyCheckin, grace: timedelta) -> datetime:
    """When the coordinators are alerted: an /sos at once, any other two graces after its end."""
    return c.starts_at if c.kind == CheckinKind.SOS else c.ends_at + 2 * grace


def round_of(row: CheckinRow) -> int:
    return row.session_version or 1


def _row(key: str, kind: str, c: SafetyCheckin, to: int, due_at: datetime) -> dict[str, Any]:
    return {
        "key": key,
        "kind": kind,
        "recipient_id": to,
        "session_id": None,
        "checkin_id": c.id,
        "due_at": due_at,
        "state": PENDING,
        "reason": None,
        "finished_at": None,
        "attempts": 0,
    }


def wanted_rows(
    row: CheckinRow, coordinators: Sequence[Person], grace: timedelta, now: datetime
) -> list[dict[str, Any]]:
    """The rows an unresolved check-in should have (none for a resolved one)."""
    c, rnd = row.checkin, round_of(row)
    if c.state not in (CheckinState.OPEN, CheckinState.ALERTED):
        return []
    found = []
    asked, alerted = ask_at(c, grace), alert_at(c, grace)
    if c.state == CheckinState.OPEN and c.kind == CheckinKind.SESSION and now < asked:
        key = t.checkin_key(t.SAFETY_START, c.id, rnd)
        found.append(_row(key, t.SAFETY_START, c, c.worker_id, c.starts_at))
    if c.state == CheckinState.OPEN and c.kind != CheckinKind.SOS and now < alerted:
        key = t.checkin_key(t.SAFETY_ASK, c.id, rnd)
        found.append(_row(key, t.SAFETY_ASK, c, c.worker_id, asked))
    for person in coordinators:
        key = t.checkin_key(t.SAFETY_ALERT, c.id, rnd, to=person.id)
        found.append(_row(key, t.SAFETY_ALERT, c, person.id, alerted))
    return found


def _replannable(row: SafetyLedgerRow) -> bool:
    """Rows planning may move or drop: never an alert tried again, a handled or an over."""
    planned = row.kind in (t.SAFETY_START, t.SAFETY_ASK, t.SAFETY_ALERT)
    return planned and t.key_retry(row.key) == 0


async def plan_checkins(
    uow: UnitOfWork, rows: Sequence[CheckinRow], *, now: datetime, grace: timedelta
) -> int:
    """Write what differs between the rows these check-ins want and the ledger's; how many
    rows were written or dropped."""
    if not rows:
        return 0
    ids = [row.checkin.id for row in rows]
    existing = {r.key: r for r in await uow.safety.ledger_of(ids)}
    unresolved = [r for r in rows if r.checkin.state in (CheckinState.OPEN, CheckinState.ALERTED)]
    coordinators = await uow.safety.coordinators() if unresolved else []
    ahead: list[dict[str, Any]] = []
    due: list[dict[str, Any]] = []
    wanted: set[str] = set()
    for row in sorted(unresolved, key=lambda r: r.checkin.id):  # one order: no deadlocks
        for new in wanted_rows(row, coordinators, grace, now):
            wanted.add(new["key"])
            held = existing.get(new["key"])
            if new["due_at"] > now:
                if held is None or (held.state == PENDING and held.due_at != new["due_at"]):
                    ahead.append(new)
            elif held is None:
                due.append(new)
    stale = [
        r.key
        for r in existing.values()
        if r.key not in wanted and r.state == PENDING and r.due_at > now and _replannable(r)
    ]
    repo = uow.deliveries
    return await repo.plan_ahead(ahead) + await repo.add_new(due) + await repo.drop_pending(stale)


async def plan_sessions(
    uow: UnitOfWork, planned: Iterable[PlannedSession], *, now: datetime, config: SafetyConfig
) -> int:
    """Give each live session of a worker with check-ins on its check-in (moved with the
    session), cancel those of sessions cancelled or of workers who turned them off, and
    plan their rows."""
    if not config.enabled:
        return 0
    sessions = list(planned)
    found = await uow.safety.of_sessions([p.session.id for p in sessions])
    new: list[dict[str, Any]] = []
    for p in sessions:
        s, c = p.session, found.get(p.session.id)
        ends = s.starts_at + timedelta(minutes=s.duration_minutes)
        wanted = s.state in LIVE and bool(p.safety_checkins) and p.worker.telegram_id is not None
        if wanted and c is None and now < ends + config.grace:
            new.append(_checkin(p, ends, now))
        elif wanted and c is not None:
            same = (c.starts_at, c.ends_at, c.place) == (s.starts_at, ends, s.place)
            if not same or c.state == CheckinState.CANCELLED:
                await uow.safety.move(c.id, s.starts_at, ends, s.place)
        elif c is not None and c.state == CheckinState.OPEN and s.state in LIVE:
            await uow.safety.cancel(c.id)  # the worker turned check-ins off
        elif c is not None and c.state == CheckinState.OPEN and s.state == SessionState.CANCELLED:
            await uow.safety.cancel(c.id)
    await uow.safety.add_for_sessions(new)
    if not sessions:
        return 0
    ids = [c.id for c in (await uow.safety.of_sessions([p.session.id for p in sessions])).values()]
    rows = list((await uow.safety.with_sessions(ids)).values())
    return await plan_checkins(uow, rows, now=now, grace=config.grace)


def _checkin(p: PlannedSession, ends: datetime, now: datetime) -> dict[str, Any]:
    s = p.session
    return {
        "worker_id": p.worker.id,
        "session_id": s.id,
        "kind": CheckinKind.SESSION,
        "state": CheckinState.OPEN,
        "place": s.place,
        "starts_at": s.starts_at,
        "ends_at": ends,
        "created_at": now,
        "version": 1,
    }


async def retry_failing(uow: UnitOfWork, *, now: datetime, grace: timedelta) -> int:
    """Alerts that reached no coordinator: logged at ERROR and tried again (new rows for
    every coordinator, a round at a time), for as long as the check-in is unresolved."""
    failing = await uow.safety.failing(now - 2 * grace, now)
    if not failing:
        return 0
    ledger = await uow.safety.ledger_of([c.id for c in failing])
    coordinators = await uow.safety.coordinators()
    rounds = await uow.safety.with_sessions([c.id for c in failing])
    added = 0
    for c in failing:
        alerts = [r for r in ledger if r.checkin_id == c.id and r.kind == t.SAFETY_ALERT]
        last = max((r.finished_at for r in alerts if r.finished_at), default=None)
        if last is not None and now < last + RETRY_PAUSE:
            continue
        retry = max((t.key_retry(r.key) for r in alerts), default=0) + 1
        log.error(
            "safety alert for check-in %s reached no coordinator (%d tried); retry round %d",
            c.id,
            len(alerts),
            retry,
        )
        rnd = round_of(rounds[c.id])
        rows = [
            _row(
                t.checkin_key(t.SAFETY_ALERT, c.id, rnd, to=p.id, retry=retry),
                t.SAFETY_ALERT,
                c,
                p.id,
                now,
            )
            for p in coordinators
        ]
        added += await uow.deliveries.add_new(rows)
    return added


async def failing_count(uow: UnitOfWork, *, now: datetime, grace: timedelta) -> int:
    """How many alerts are due and reached no coordinator (for /healthz)."""
    return len(await uow.safety.failing(now - 2 * grace, now))


async def plan_unresolved(uow: UnitOfWork, *, now: datetime, config: SafetyConfig) -> int:
    """Each tick: the unresolved check-ins' rows planned again, and alerts that reached
    nobody tried again (committed)."""
    if not config.enabled:
        return 0
    rows = await uow.safety.unresolved()
    done = await plan_checkins(uow, rows, now=now, grace=config.grace)
    done += await retry_failing(uow, now=now, grace=config.grace)
    await uow.commit()
    return done
