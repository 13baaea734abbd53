"""The delivery ledger's life cycle: plan what is due, claim it, check it, record the end.

The database is the source of truth: an occurrence gets one ledger row with a unique key
(kind, subject, occurrence), so it can never be sent twice. A sender claims rows under a
lease; every claimed row is checked against the current state right before it goes out
(cancelled, moved, over, paused, turned off: skipped, with the reason).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.services import delivery_times as t, safety_check
from bot.services.deliveries_due import Due, SessionFacts, due_of
from bot.services.delivery_ahead import Reconciled, plan, reconcile
from bot.services.delivery_plan import recipient_problem, worth_sending
from storage.models import Delivery, PeerSession, ReminderPrefs, SessionState
from storage.repositories.deliveries import (
    FAILED,
    LEASE_EXPIRED,
    RETRY_REASONS,
    SKIPPED,
)
from storage.uow import UnitOfWork

__all__ = [
    "Due",
    "Reconciled",
    "SessionFacts",
    "check",
    "claim",
    "give_back",
    "mark_unreachable",
    "plan",
    "reconcile",
]

# A row whose sender died holding it (its lease ran out) is given up after this many
# claims: a message that crashes the sender each time must not crash it forever.
# Telegram failing (5xx, timeouts, 429) is no such limit: the row is tried again for as
# long as the message is still worth sending (delivery_times.still_worth_sending), and
# then recorded failed with why ("session_started_after_network").
MAX_ATTEMPTS = 5
# The pause before a row Telegram failed is tried again grows 1, 2, 4, 8 minutes, then
# stays at this.
LONGEST_PAUSE = timedelta(minutes=15)
# ... and a safety message's (SPEC §8: an alert is tried until someone has it) at this.
LONGEST_SAFETY_PAUSE = timedelta(minutes=1)
_REMINDER_CHOICE: dict[str, str] = {
    t.REMINDER_DAY_BEFORE: "day_before",
    t.REMINDER_MORNING: "morning",
    t.REMINDER_HOUR_BEFORE: "hour_before",
}


async def claim(
    uow: UnitOfWork,
    *,
    owner: str,
    now: datetime,
    lease: timedelta,
    limit: int,
    safety_lease: timedelta | None = None,
) -> list[Delivery]:
    """Claim up to `limit` due ledger rows for this sender (committed at once).

    With `safety_lease`, safety rows (SPEC §8) are claimed first under that shorter lease:
    an alert a dead sender held is taken over within it, not after a reminder's lease.
    """
    repo = uow.deliveries
    rows: list[Delivery] = []
    if safety_lease is not None:
        until = now + safety_lease
        rows = await repo.claim(
            owner=owner, now=now, lease_until=until, limit=limit, safety_only=True
        )
    if len(rows) < limit:
        until = now + lease
        rows += await repo.claim(owner=owner, now=now, lease_until=until, limit=limit - len(rows))
    await uow.commit()
    return rows


def _session_problem(
    row: Delivery, s: PeerSession | None, prefs: ReminderPrefs | None
) -> str | None:
    if s is None:
        return "session_gone"
    if s.state == SessionState.CANCELLED:
        return "cancelled"
    if s.state in (SessionState.HELD, SessionState.MISSED) or s.outcome_at is not None:
        return "outcome_recorded"
    if t.key_version(row.key) != s.version:
        return "moved"
    choice = _REMINDER_CHOICE.get(row.kind)
    if choice is not None and (prefs is None or not getattr(prefs, choice)):
        return "turned_off"
    return None


async def check(
    uow: UnitOfWork,
    claimed: Sequence[Delivery],
    *,
    owner: str,
    now: datetime,
    default_timezone: str,
    grace: timedelta = timedelta(minutes=15),
) -> list[Due]:
    """The claimed rows still worth sending; the others are recorded as skipped now.

    Safety rows (SPEC §8) first, checked against their check-in (`grace`: SAFETY_GRACE).
    """
    if not claimed:
        return []
    repo = uow.deliveries
    people = await repo.recipients({r.recipient_id for r in claimed})
    safety_rows = [r for r in claimed if r.kind in t.SAFETY_KINDS]
    ready = await safety_check.check(
        uow,
        safety_rows,
        people,
        owner=owner,
        now=now,
        default_timezone=default_timezone,
        grace=grace,
    )
    claimed = [r for r in claimed if r.kind not in t.SAFETY_KINDS]
    sessions = await repo.named_sessions(
        {r.session_id for r in claimed if r.session_id is not None}
    )
    prefs = await repo.reminder_prefs(
        {r.recipient_id for r in claimed if r.kind in t.REMINDER_KINDS}
    )
    for row in claimed:
        person = people.get(row.recipient_id)
        found = sessions.get(row.session_id) if row.session_id is not None else None
        current = found[0] if found else None
        if row.attempts > MAX_ATTEMPTS and row.reason == LEASE_EXPIRED:
            await repo.finish(row.id, owner=owner, state=FAILED, now=now, reason="gave_up")
            continue
        reason = recipient_problem(person)
        if reason is None and row.kind in t.SESSION_KINDS:
            reason = _session_problem(row, current, prefs.get(row.recipient_id))
        verdict = None
        if reason is None and person is not None:
            reminded = prefs.get(row.recipient_id) if row.kind in t.REMINDER_KINDS else None
            verdict = worth_sending(
                row.kind, row.due_at, current, person, reminded, now, default_timezone
            )
            reason = verdict.reason
        if verdict is not None and reason is not None and row.reason in RETRY_REASONS:
            # Telegram kept failing until the message was no use: given up, and why.
            why = f"{reason}_after_{row.reason}"
            await repo.finish(row.id, owner=owner, state=FAILED, now=now, reason=why)
            continue
        if reason is not None or person is None or person.telegram_id is None:
            await repo.finish(row.id, owner=owner, state=SKIPPED, now=now, reason=reason)
            continue
        facts = None
        if found is not None:
            s, peer_name, worker_name = found
            facts = SessionFacts(
                s.id,
                s.version,
                s.starts_at,
                s.duration_minutes,
                s.place,
                s.state,
                peer_name,
                worker_name,
            )
        ready.append(
            due_of(
                row,
                person,
                default_timezone,
                session=facts,
                digest_day=t.key_day(row.key) if row.kind == t.DIGEST else None,
                late=verdict is not None and verdict.late,
                programme_id=row.programme_id,
            )
        )
    await uow.commit()
    return ready


async def retry_later(
    uow: UnitOfWork,
    delivery_id: int,
    *,
    owner: str,
    attempts: int,
    now: datetime,
    reason: str,
    longest: timedelta = LONGEST_PAUSE,
) -> bool:
    """Give a delivery Telegram failed back to the ledger, to be tried after a pause (at
    most `longest`: a safety message's is shorter).

    No limit on the tries here: each claim checks whether it is still worth sending.
    """
    assert reason in RETRY_REASONS
    pause = min(timedelta(minutes=2 ** min(attempts - 1, 10)), longest)
    done = await uow.deliveries.release(
        delivery_id, owner=owner, not_before=now + pause, reason=reason
    )
    await uow.commit()
    return done


async def give_back(uow: UnitOfWork, delivery_ids: Sequence[int], *, owner: str) -> int:
    """Hand back claimed deliveries that were never sent, for the next claim to take."""
    count = await uow.deliveries.give_back(delivery_ids, owner=owner)
    await uow.commit()
    return count


async def mark_unreachable(
    uow: UnitOfWork, delivery_id: int, person_id: int, *, owner: str, now: datetime
) -> None:
    """Telegram answered 403: the person blocked the bot. Stop sending to them."""
    person = await uow.people.get(person_id)
    if person is not None and person.unreachable_at is None:
        person.unreachable_at = now
    await uow.deliveries.finish(delivery_id, owner=owner, state=FAILED, now=now, reason="blocked")
    await uow.commit()


async def session_counts(uow: UnitOfWork, start: datetime, end: datetime) -> dict[str, int]:
    """Sessions by state that started in [start, end): the plain weekly digest's figures."""
    return await uow.deliveries.session_states(start, end)
