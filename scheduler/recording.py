"""How the delivery engine writes what its sends did: results in batches, a slot held until
its result is written, and what an outage left unwritten settled when the database is back.

`DeliveryEngine` (scheduler.engine) is the one class that uses this; its fields (the
database, the owner, the buffers) are declared there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import datetime

from sqlalchemy.exc import DBAPIError

from bot.metrics import DELIVERIES
from bot.services import deliveries
from bot.services.deliveries import Due
from bot.services.delivery_times import SAFETY_KINDS
from scheduler.sending import Outcome, Result
from storage.db import Database
from storage.repositories.deliveries import FAILED, SENT
from storage.uow import UnitOfWork

log = logging.getLogger("scheduler.engine")

# The database is unreachable: SQLAlchemy's wrapped driver errors, and the socket errors
# asyncpg raises while (re)connecting.
DATABASE_DOWN = (DBAPIError, OSError)

Owed = tuple[Due, Result, datetime]


class Recording:
    """The engine's results: written in batches, or at once when they change a claim."""

    db: Database
    owner: str
    flush_every: float
    database_down: bool
    _owed: list[Owed]
    _unsent: list[int]
    _results: list[Owed]
    _flushed_at: float
    _holding: int
    _written: asyncio.Event
    _writes: contextlib.AbstractAsyncContextManager[None]
    _flushing: asyncio.Lock

    def _went_down(self, error: BaseException) -> None:
        if not self.database_down:
            log.warning("database unreachable (%s): batch stopped", type(error).__name__)
        self.database_down = True

    async def settle(self, now: datetime) -> bool:
        """Write what an outage left unrecorded, give back claims not sent; False while
        the database is still away."""
        if not self._owed and not self._unsent:
            self.database_down = False
            return True
        try:
            finals = [owed for owed in self._owed if self._batched(owed[1])]
            if finals:
                await self._write_results(finals)
                self._owed = [owed for owed in self._owed if not self._batched(owed[1])]
            while self._owed:
                due, result, at = self._owed[0]
                await self._record_now(due, result, at)
                self._owed.pop(0)
            if self._unsent:
                async with self._writes, UnitOfWork(self.db) as uow:
                    await deliveries.give_back(uow, self._unsent, owner=self.owner)
                self._unsent.clear()
        except DATABASE_DOWN as error:
            log.warning("database still unreachable (%s)", type(error).__name__)
            return False
        log.info("owed results recorded, unsent claims given back")
        self.database_down = False
        return True

    def _batched(self, result: Result) -> bool:
        return self.flush_every > 0 and result.outcome in (Outcome.SENT, Outcome.FAILED)

    async def _record(self, due: Due, result: Result, now: datetime) -> str:
        """Note one send's result for the next flush (or write it now); its state."""
        if not self._batched(result):
            return await self._record_now(due, result, now)
        self._results.append((due, result, now))
        written = self._written
        await self._flush_when_due()
        if self._holding:  # in a batch: keep the slot until this result is written
            await written.wait()
        return SENT if result.outcome == Outcome.SENT else FAILED

    async def _flush_now_and_then(self) -> None:
        while True:
            await asyncio.sleep(self.flush_every)
            await self._flush_when_due()

    async def _flush_when_due(self) -> None:
        """Write the waiting results once every slot holds one, or they have waited long."""
        waiting = len(self._results)
        if waiting and (
            waiting >= self._holding or time.monotonic() - self._flushed_at >= self.flush_every
        ):
            await self.flush()

    async def flush(self) -> None:
        """Write the results waiting since the last flush; kept for `settle` if the
        database is away."""
        async with self._flushing:
            taken, self._results = self._results, []
            written, self._written = self._written, asyncio.Event()
            self._flushed_at = time.monotonic()
            try:
                if taken:
                    await self._write_results(taken)
            except DATABASE_DOWN as error:
                self._went_down(error)
                self._owed.extend(taken)
            finally:
                written.set()  # their slots are free: written, or owed until it is back

    async def _write_results(self, taken: list[tuple[Due, Result, datetime]]) -> None:
        rows = [
            {
                "id": due.delivery_id,
                "state": SENT if result.outcome == Outcome.SENT else FAILED,
                "finished_at": at,
                "reason": result.reason,
                "message_id": result.message_id,
            }
            for due, result, at in taken
        ]
        async with self._writes, UnitOfWork(self.db) as uow:
            await deliveries.record_many(uow, rows, owner=self.owner)
        for (due, _result, _at), row in zip(taken, rows, strict=True):
            DELIVERIES.labels(kind=due.kind, outcome=row["state"]).inc()
        log.info("%d deliveries recorded, first %s", len(rows), rows[0]["id"])

    async def _record_now(self, due: Due, result: Result, now: datetime) -> str:
        """Write one send's result to the ledger; returns the delivery's state."""
        async with self._writes, UnitOfWork(self.db) as uow:
            if result.outcome == Outcome.BLOCKED:
                await deliveries.mark_unreachable(
                    uow, due.delivery_id, due.recipient_id, owner=self.owner, now=now
                )
                log.info(
                    "delivery %s: person %s blocked the bot", due.delivery_id, due.recipient_id
                )
                DELIVERIES.labels(kind=due.kind, outcome="blocked").inc()
                return "blocked"
            if result.outcome == Outcome.RETRY:
                safety = due.kind in SAFETY_KINDS
                await deliveries.retry_later(
                    uow,
                    due.delivery_id,
                    owner=self.owner,
                    attempts=due.attempts,
                    now=now,
                    reason=result.reason or "network",
                    longest=deliveries.LONGEST_SAFETY_PAUSE if safety else deliveries.LONGEST_PAUSE,
                )
                return "retry"
            state = SENT if result.outcome == Outcome.SENT else FAILED
            await deliveries.record(
                uow,
                due.delivery_id,
                owner=self.owner,
                state=state,
                now=now,
                reason=result.reason,
                message_id=result.message_id,
            )
        DELIVERIES.labels(kind=due.kind, outcome=state).inc()
        log.info("delivery %s (%s): %s", due.delivery_id, due.kind, state)
        return state
