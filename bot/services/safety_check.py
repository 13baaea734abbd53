"""Claimed safety rows checked against their check-in right before they go out (SPEC §8).

"I'm safe" (or the session marked after its start, cancelled, moved) skips whatever is
still waiting. The first alert that passes raises the check-in (open → alerted, once).
A coordinator is told who is handling it, or that it is over, only after their own alert
reached them; while that alert is still in flight the row waits a little.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.services import delivery_times as t
from bot.services.deliveries_due import Due, due_of
from bot.services.safety_plan import alert_at, ask_at
from storage.enums import CheckinState, DeliveryState
from storage.models import Delivery, Person
from storage.repositories.deliveries import SKIPPED
from storage.repositories.safety import ALERT_REACHED, CheckinRow, SafetyLedgerRow
from storage.uow import UnitOfWork

# A "handled" or "over" whose coordinator's alert is still being sent waits this long.
WAIT_FOR_ALERT = timedelta(seconds=20)
# The check-in states in which each kind is still wanted.
WANTED: dict[str, tuple[CheckinState, ...]] = {
    t.SAFETY_START: (CheckinState.OPEN,),
    t.SAFETY_ASK: (CheckinState.OPEN,),
    t.SAFETY_ALERT: (CheckinState.OPEN, CheckinState.ALERTED),
    t.SAFETY_HANDLED: (CheckinState.ALERTED,),
    t.SAFETY_OVER: (CheckinState.SAFE,),
}


def _problem(
    row: Delivery, found: CheckinRow | None, now: datetime, grace: timedelta
) -> str | None:
    """Why this row is no longer wanted, or None (before the check-in's own state)."""
    if found is None:
        return "checkin_gone"
    c = found.checkin
    # A session moved since the row was planned (a "handled" or "over" follows the state).
    if c.session_id is not None and row.kind in (t.SAFETY_START, t.SAFETY_ASK, t.SAFETY_ALERT):
        if found.session_version is None:
            return "session_gone"
        if t.key_version(row.key) != found.session_version:
            return "moved"
    if c.state not in WANTED[row.kind]:
        return str(c.state)
    if row.kind == t.SAFETY_START and now >= ask_at(c, grace):
        return "too_late"
    if row.kind == t.SAFETY_ASK and now >= alert_at(c, grace):
        return "too_late"
    return None


def _reached(ledger: Sequence[SafetyLedgerRow], checkin_id: int, person_id: int) -> str:
    """Whether this coordinator's alert reached them: "yes", "in_flight" or "no"."""
    states = {
        r.state
        for r in ledger
        if r.checkin_id == checkin_id and r.recipient_id == person_id and r.kind == t.SAFETY_ALERT
    }
    if states & set(ALERT_REACHED):
        return "yes"
    return "in_flight" if DeliveryState.CLAIMED in states else "no"


async def check(
    uow: UnitOfWork,
    rows: Sequence[Delivery],
    people: dict[int, Person],
    *,
    owner: str,
    now: datetime,
    default_timezone: str,
    grace: timedelta,
) -> list[Due]:
    """The claimed safety rows still wanted; the others recorded skipped (not committed)."""
    if not rows:
        return []
    repo = uow.deliveries
    ids = {r.checkin_id for r in rows if r.checkin_id is not None}
    checkins = await uow.safety.with_sessions(ids)
    followups = [r for r in rows if r.kind in (t.SAFETY_HANDLED, t.SAFETY_OVER)]
    ledger = await uow.safety.ledger_of({r.checkin_id for r in followups if r.checkin_id})
    ready: list[Due] = []
    for row in rows:
        person = people.get(row.recipient_id)
        found = checkins.get(row.checkin_id) if row.checkin_id is not None else None
        # Unlike reminders, paused (/stop) or once blocked is no reason not to try.
        reason = None if person and person.telegram_id and not person.left_at else "left"
        reason = reason or _problem(row, found, now, grace)
        if reason is None and found is not None and row.kind in (t.SAFETY_HANDLED, t.SAFETY_OVER):
            reached = _reached(ledger, found.checkin.id, row.recipient_id)
            if reached == "in_flight":
                await repo.release(
                    row.id, owner=owner, not_before=now + WAIT_FOR_ALERT, reason="alert_in_flight"
                )
                continue
            reason = None if reached == "yes" else "not_alerted"
        if reason is None and found is not None and row.kind == t.SAFETY_ASK:
            await uow.safety.mark_asked(found.checkin.id, now)
        if reason is None and found is not None and row.kind == t.SAFETY_ALERT:
            c = found.checkin
            if c.state == CheckinState.OPEN and not await uow.safety.mark_alerted(c.id, now):
                again = await uow.safety.get(c.id)  # "I'm safe" may have come first
                if again is None or again.state != CheckinState.ALERTED:
                    reason = str(again.state) if again else "checkin_gone"
        if reason is not None or person is None or person.telegram_id is None:
            await repo.finish(row.id, owner=owner, state=SKIPPED, now=now, reason=reason)
            continue
        ready.append(due_of(row, person, default_timezone, checkin_id=row.checkin_id))
    return ready
