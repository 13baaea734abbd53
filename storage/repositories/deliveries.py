"""The delivery ledger: one row per occurrence, claimed by one sender, finished once."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, Update, bindparam, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import ReturningUpdate

from storage.enums import DeliveryKind, DeliveryState
from storage.models import BotInfo, Delivery
from storage.repositories.base import Repository
from storage.repositories.delivery_plan import DeliveryPlanQueries

# Short names for the states; storage.enums.DeliveryState is their one definition.
PENDING, CLAIMED, SENT = DeliveryState.PENDING, DeliveryState.CLAIMED, DeliveryState.SENT
MAYBE_SENT, SKIPPED, FAILED = DeliveryState.MAYBE_SENT, DeliveryState.SKIPPED, DeliveryState.FAILED
# `reason` of a row given back because Telegram failed (5xx or network, timeout, 429)...
RETRY_REASONS = ("network", "timeout", "flood_wait")
# ...and of a row claimed again after its sender's lease ran out (the sender died).
LEASE_EXPIRED = "lease_expired"
SAFETY_KINDS = tuple(k for k in DeliveryKind if k.startswith("safety_"))
# Sent once and never planned again, so kept for a person who had paused messages (/stop)
# or blocked the bot, rather than lost: a programme's end (SPEC §3).
KEPT_WHILE_PAUSED = (DeliveryKind.TOOLBOX, DeliveryKind.DOOR_OPEN)


def _still_claimed(delivery_id: int, owner: str) -> Update:
    """An UPDATE of one row that changes it only while `owner` still holds its claim."""
    return update(Delivery).where(
        Delivery.id == delivery_id, Delivery.claimed_by == owner, Delivery.state == CLAIMED
    )


@cache
def _claim_statement(safety_only: bool = False) -> ReturningUpdate[Delivery]:
    """The claim's one statement, built once (an empty tick is this statement alone; with
    check-ins on, a claim of safety rows alone comes first, under a shorter lease)."""
    free = or_(Delivery.claimed_until.is_(None), Delivery.claimed_until <= bindparam("now"))
    due = Delivery.state.in_((PENDING, CLAIMED)) & (Delivery.due_at <= bindparam("now")) & free
    if safety_only:
        due = due & Delivery.kind.in_(SAFETY_KINDS)
    # A materialized CTE, not `IN (subquery)`: PostgreSQL re-runs such a subquery when
    # a row it picked was changed by a concurrent claim (EvalPlanQual), and each re-run
    # skips the other sender's locks and picks `limit` more rows: one sender then held
    # nearly every due row under a lease sized for one batch.
    # Safety messages (SPEC §8) first: an alert never waits behind a burst of reminders.
    safety = case((Delivery.kind.in_(SAFETY_KINDS), 0), else_=1)
    pick = (
        select(Delivery.id)
        .where(due)
        .order_by(safety, Delivery.due_at, Delivery.id)
        .limit(bindparam("limit", type_=Integer))
        .with_for_update(skip_locked=True)
        .cte("pick")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    return (
        update(Delivery)
        .where(Delivery.id.in_(select(pick.c.id)), due)
        .values(
            state=CLAIMED,
            claimed_by=bindparam("owner"),
            claimed_until=bindparam("lease_until"),
            attempts=Delivery.attempts + 1,
            reason=case((Delivery.state == CLAIMED, LEASE_EXPIRED), else_=Delivery.reason),
        )
        .returning(Delivery)
        .execution_options(synchronize_session=False)
    )


class DeliveryRepository(Repository, DeliveryPlanQueries):
    def _inserts(self, rows: Sequence[dict[str, Any]]) -> Iterator[Any]:
        """INSERTs of `rows` in this database's dialect (for its ON CONFLICT), chunked only
        as far as the drivers need: SQLite and asyncpg allow at most 32,766 bound
        parameters in one statement, so thousands due at once take one statement."""
        if not rows:
            return
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        chunk = 32_000 // max(len(rows[0]), 1)
        for start in range(0, len(rows), chunk):
            yield insert(Delivery).values(list(rows[start : start + chunk]))

    async def add_new(self, rows: Sequence[dict[str, Any]]) -> int:
        """Insert ledger rows whose key is not there yet; returns how many were new.

        ON CONFLICT DO NOTHING rather than check-then-insert: two replicas planning the
        same occurrence at the same moment both succeed and only one row exists.
        """
        added = 0
        for stmt in self._inserts(rows):
            result = await self.session.execute(stmt.on_conflict_do_nothing(index_elements=["key"]))
            added += max(result.rowcount, 0)  # type: ignore[attr-defined]
        return added

    async def plan_ahead(self, rows: Sequence[dict[str, Any]]) -> int:
        """Insert pending rows planned ahead, or move a row still pending to its new due time.

        Upserted on `key`: a row already claimed or finished is left as it is.
        """
        changed = 0
        for stmt in self._inserts(rows):
            stmt = stmt.on_conflict_do_update(
                index_elements=["key"],
                set_={"due_at": stmt.excluded.due_at, "recipient_id": stmt.excluded.recipient_id},
                where=(Delivery.state == PENDING) & (Delivery.attempts == 0),
            )
            result = await self.session.execute(stmt)
            changed += max(result.rowcount, 0)  # type: ignore[attr-defined]
        return changed

    async def drop_pending(self, keys: Collection[str]) -> int:
        """Delete rows planned ahead that no longer apply, while still pending and untried."""
        if not keys:
            return 0
        stmt = delete(Delivery).where(
            Delivery.key.in_(set(keys)), Delivery.state == PENDING, Delivery.attempts == 0
        )
        result = await self.session.execute(stmt.execution_options(synchronize_session=False))
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def send_what_waited(self, recipient_id: int, now: datetime) -> int:
        """Make due now what was skipped only because the person had paused messages (or
        blocked the bot) and would never come again (KEPT_WHILE_PAUSED): on /start."""
        stmt = (
            update(Delivery)
            .where(
                Delivery.recipient_id == recipient_id,
                Delivery.kind.in_(KEPT_WHILE_PAUSED),
                Delivery.state == SKIPPED,
                Delivery.reason.in_(("paused", "unreachable")),
            )
            .values(state=PENDING, due_at=now, reason=None, finished_at=None)
        )
        result = await self.session.execute(stmt.execution_options(synchronize_session=False))
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def claim(
        self,
        *,
        owner: str,
        now: datetime,
        lease_until: datetime,
        limit: int,
        safety_only: bool = False,
    ) -> list[Delivery]:
        """Take up to `limit` due rows for `owner` until `lease_until`.

        A row is free when pending (and any retry back-off has passed) or when another
        sender's lease ran out (it crashed). On PostgreSQL, FOR UPDATE SKIP LOCKED lets
        several replicas claim at once without waiting for or taking each other's rows; on
        SQLite the statement runs under the single write lock, which gives the same answer.
        A row taken over from a dead sender is marked `reason=LEASE_EXPIRED`, which the
        check counts towards giving it up.
        """
        params = {"now": now, "owner": owner, "lease_until": lease_until, "limit": limit}
        stmt = _claim_statement(safety_only)
        rows = list(await self.session.scalars(stmt, params))
        return sorted(rows, key=lambda row: (row.kind not in SAFETY_KINDS, row.due_at, row.id))

    async def finish(
        self,
        delivery_id: int,
        *,
        owner: str,
        state: str,
        now: datetime,
        reason: str | None = None,
        message_id: int | None = None,
    ) -> bool:
        """Record the end of a claimed row; False if the claim was lost to another sender."""
        stmt = (
            _still_claimed(delivery_id, owner)
            .values(
                state=state,
                finished_at=now,
                reason=reason,
                telegram_message_id=message_id,
                claimed_until=None,
            )
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def release(
        self, delivery_id: int, *, owner: str, not_before: datetime, reason: str
    ) -> bool:
        """Give a claimed row back for a later try (Telegram failed: `reason`)."""
        stmt = (
            _still_claimed(delivery_id, owner)
            .values(state=PENDING, claimed_until=not_before, reason=reason)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def give_back(self, delivery_ids: Sequence[int], *, owner: str) -> int:
        """Return claimed rows never sent (a database outage stopped the batch) to pending.

        The claim's attempt is taken back too: nothing was tried.
        """
        stmt = (
            update(Delivery)
            .where(
                Delivery.id.in_(list(delivery_ids)),
                Delivery.claimed_by == owner,
                Delivery.state == CLAIMED,
            )
            .values(state=PENDING, claimed_until=None, attempts=Delivery.attempts - 1)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(stmt)
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def advance_mark(self, name: str, value: str) -> None:
        """Move a watermark forward (never back), safely when replicas race to create it.

        Values are fixed-width UTC timestamps, so text order is time order.
        """
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(BotInfo).values(name=name, value=value)
        stmt = stmt.on_conflict_do_update(
            index_elements=["name"],
            set_={"value": stmt.excluded.value},
            where=BotInfo.value < stmt.excluded.value,
        )
        await self.session.execute(stmt)
