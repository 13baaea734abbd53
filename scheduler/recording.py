"""How the delivery engine writes what its sends did: each result right after its send, and
what an outage left unwritten settled when the database is back.

A sent (or failed) message is one autocommit UPDATE on a connection held for the run
(storage.ledger), durable before its slot takes the next message: a crash repeats at most
the messages in flight (SPEC §7). Writing results in batches was tried (#17): it saved
statements but a crash then repeated a slotful, and with the held connection a write costs
about a fifth of what a unit of work did, so batches no longer send any faster.

`DeliveryEngine` (scheduler.engine) is the one class that uses this; its fields (the
database, the owner, the buffers) are declared there.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime

from sqlalchemy.exc import DBAPIError

from bot.metrics import DELIVERIES
from bot.services import deliveries
from bot.services.deliveries import Due
from bot.services.delivery_times import SAFETY_KINDS
from scheduler.sending import Outcome, Result
from storage.db import Database
from storage.ledger import ResultWriter
from storage.repositories.deliveries import FAILED, SENT
from storage.uow import UnitOfWork

log = logging.getLogger("scheduler.engine")

# The database is unreachable: SQLAlchemy's wrapped driver errors, and the socket errors
# asyncpg raises while (re)connecting.
DATABASE_DOWN = (DBAPIError, OSError)

Owed = tuple[Due, Result, datetime]


class Recording:
    """The engine's results, each written as soon as its send is over."""

    db: Database
    owner: str
    database_down: bool
    _owed: list[Owed]
    _unsent: list[int]
    _writes: contextlib.AbstractAsyncContextManager[None]
    _writer: ResultWriter

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
            while self._owed:
                due, result, at = self._owed[0]
                await self.record(due, result, at)
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

    async def _record_change(self, due: Due, result: Result, now: datetime) -> str:
        """A 403 or a send to retry later: it changes what the next claim takes."""
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

    async def record(self, due: Due, result: Result, now: datetime) -> str:
        """Write one send's result to the ledger; returns the delivery's state."""
        if result.outcome in (Outcome.BLOCKED, Outcome.RETRY):
            return await self._record_change(due, result, now)
        state = SENT if result.outcome == Outcome.SENT else FAILED
        async with self._writes:
            await self._writer.finish(
                self.db,
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
