"""One tick of the delivery engine: claim what is due, send it, record the result.

Deliveries are planned ahead when what they depend on changes (bot.services.delivery_ahead);
a tick reads only due ledger rows, and now and then reconciles a slice of upcoming sessions
with the ledger, which finds a plan that was missed.

Every step goes through the database, so any number of ticks, restarts or replicas give
the same answer: each occurrence is sent once. Each send's result is written right after
it (scheduler.recording), so SPEC §7 holds: a crash repeats at most the messages in flight.

The database going away mid-batch stops the batch at the first failure: nothing more is
sent that could not be recorded. The results already in hand are kept and written when
the database is back (the next tick, before anything new is claimed), and the claimed
rows not yet sent are given back, so an outage the process survives repeats nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from bot.metrics import DELIVERIES
from bot.services import deliveries
from bot.services.deliveries import Due
from bot.services.delivery_times import SAFETY_KINDS
from bot.services.safety_plan import SafetyConfig, plan_unresolved
from scheduler.content import parts_for
from scheduler.recording import DATABASE_DOWN as DATABASE_DOWN, Recording
from scheduler.sending import Lane, Outcome, Result, Sender
from storage.db import Database
from storage.ledger import ResultWriter
from storage.repositories.deliveries import FAILED, LEASE_EXPIRED, SKIPPED
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

Now = datetime | Callable[[], datetime]


def sender_name() -> str:
    """This process's name in the ledger's claimed_by (host, pid, and a random tail)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(eq=False)
class DeliveryEngine(Recording):
    db: Database
    sender: Sender
    _: KW_ONLY
    owner: str
    default_timezone: str
    batch: int = 200
    concurrency: int = 8
    lease: timedelta = timedelta(minutes=5)
    # Lone-working check-ins (SPEC §8): SAFETY_CHECKINS and SAFETY_GRACE_MINUTES.
    safety: SafetyConfig = field(default_factory=SafetyConfig)
    # Safety rows are claimed first, under this shorter lease: one a killed sender held is
    # taken over this soon. Long enough for a send's retries (about a minute at worst).
    safety_lease: timedelta = timedelta(minutes=2)
    # A window of upcoming sessions larger than one slice is reconciled a slice at a time,
    # one slice this often (by the ticks' clock); a smaller one at every tick. Everything a
    # person changes is planned when they change it: this only finds what was missed.
    reconcile_every: timedelta = timedelta(minutes=2)
    _reconciled_at: datetime | None = field(default=None, init=False)
    _small_window: bool = field(default=True, init=False)
    # Set at the first database failure of a batch: no further send until it is back.
    database_down: bool = field(default=False, init=False)
    # Sent, not yet recorded (the database went away); and claimed by us, never sent.
    _owed: list[tuple[Due, Result, datetime]] = field(default_factory=list, init=False)
    _unsent: list[int] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        # SQLite has one writer at a time and its busy handler backs off in growing sleeps;
        # taking turns in the process is much faster than contending for the file lock.
        self._writes: contextlib.AbstractAsyncContextManager[None] = (
            asyncio.Lock() if self.db.is_sqlite else contextlib.nullcontext()
        )
        # Each result is one autocommit UPDATE on a connection held while sends run.
        self._writer = ResultWriter()

    async def plan(self, now: datetime, *, whole: bool = True) -> tuple[int, int]:
        """Reconcile the ledger with upcoming sessions (the whole window, or one slice as a
        tick does) and record what has fallen due; (pending, skipped) new rows due now."""
        try:
            async with UnitOfWork(self.db) as uow:
                return await deliveries.plan(
                    uow,
                    now=now,
                    default_timezone=self.default_timezone,
                    whole=whole,
                    safety=self.safety,
                )
        except (IntegrityError, *DATABASE_DOWN) as error:
            # Another replica planned the same moment first (or the database is busy);
            # the ledger is unchanged and the next tick plans the same window again.
            log.warning("planning deliveries skipped this tick: %s", type(error).__name__)
            return 0, 0

    def reconcile_due(self, now: datetime) -> bool:
        last = self._reconciled_at
        return self._small_window or last is None or not last <= now < last + self.reconcile_every

    async def reconcile(self, now: datetime) -> tuple[int, int]:
        """One slice of the reconciliation, or at this engine's first tick (a start, after
        downtime) the whole window a slice at a time; (pending, skipped) new rows due now."""
        pending = skipped = 0
        first = self._reconciled_at is None
        for _ in range(10_000):  # a bound, not a limit: the window holds fewer slices
            try:
                async with UnitOfWork(self.db) as uow:
                    done = await deliveries.reconcile(
                        uow, now=now, default_timezone=self.default_timezone, safety=self.safety
                    )
            except (IntegrityError, *DATABASE_DOWN) as error:
                log.warning("reconciling deliveries stopped: %s", type(error).__name__)
                break
            pending, skipped = pending + done.pending, skipped + done.skipped
            self._reconciled_at, self._small_window = now, done.whole_window
            if not first or done.wrapped:
                break
        return pending, skipped

    async def plan_safety(self, now: datetime) -> int:
        """Plan the unresolved check-ins' rows again and retry alerts that reached nobody."""
        if not self.safety.enabled:
            return 0
        try:
            async with UnitOfWork(self.db) as uow:
                return await plan_unresolved(uow, now=now, config=self.safety)
        except (IntegrityError, *DATABASE_DOWN) as error:
            log.warning("planning safety check-ins skipped this tick: %s", type(error).__name__)
            return 0

    async def claim(self, now: datetime) -> tuple[int, list[Due]]:
        """Claim a batch: (rows claimed, those still wanted); the rest is recorded skipped."""
        async with UnitOfWork(self.db) as uow:
            rows = await deliveries.claim(
                uow,
                owner=self.owner,
                now=now,
                lease=self.lease,
                limit=self.batch,
                safety_lease=self.safety_lease if self.safety.enabled else None,
            )
        if not rows:
            return 0, []
        try:
            async with UnitOfWork(self.db) as uow:
                wanted = await deliveries.check(
                    uow,
                    rows,
                    owner=self.owner,
                    now=now,
                    default_timezone=self.default_timezone,
                    grace=self.safety.grace,
                )
        except DATABASE_DOWN as error:
            self._went_down(error)
            self._unsent.extend(row.id for row in rows)
            return len(rows), []
        kept = {due.delivery_id for due in wanted}
        for row in rows:
            if row.id not in kept:
                gave_up = (
                    row.attempts > deliveries.MAX_ATTEMPTS
                    and row.reason == LEASE_EXPIRED
                    and row.kind not in SAFETY_KINDS
                )
                DELIVERIES.labels(kind=row.kind, outcome=FAILED if gave_up else SKIPPED).inc()
        return len(rows), wanted

    async def deliver(self, due: Due, now: datetime) -> str:
        """Render, send and record one delivery; returns its final state (or "retry")."""
        if self.database_down:  # its result could not be recorded: it waits for the database
            self._unsent.append(due.delivery_id)
            return "held"
        try:
            parts = await parts_for(self.db, due, now)
        except DATABASE_DOWN as error:
            self._went_down(error)
            self._unsent.append(due.delivery_id)
            return "held"
        except Exception:
            log.exception("delivery %s could not be rendered", due.delivery_id)
            parts, result = [], Result(Outcome.FAILED, reason="render_failed")
        if parts and due.kind in SAFETY_KINDS:  # alerts take the limiter's slots first
            result = await self.sender.send(due.telegram_id, parts, lane=Lane.ALERT)
        elif parts:
            result = await self.sender.send(due.telegram_id, parts)
        try:
            return await self.record(due, result, now)
        except DATABASE_DOWN as error:
            self._went_down(error)
            self._owed.append((due, result, now))
            return "unrecorded"

    async def send_due(self, now: Now) -> Counter[str]:
        """Claim and send until nothing due is left; counts of final states.

        `now` may be a clock: a long tick (thousands due, 30 a second) then claims each
        batch at the time it really is, so its lease is never already over when taken.
        """
        clock = now if callable(now) else lambda: now
        counts: Counter[str] = Counter()
        slots = asyncio.Semaphore(self.concurrency)

        async def one(due: Due, at: datetime) -> None:
            async with slots:
                lease = self.safety_lease if due.kind in SAFETY_KINDS else self.lease
                if clock() >= at + lease / 2:
                    # Too near the lease's end to start a send that may take a minute or
                    # two (timeouts, 429s): handed back, claimed again with a new lease.
                    self._unsent.append(due.delivery_id)
                    counts["held"] += 1
                    return
                counts[await self.deliver(due, at)] += 1

        async with self._writer:  # one connection for the results of this run of sends
            while await self.settle(clock()):
                at = clock()
                try:
                    claimed, batch = await self.claim(at)
                except DATABASE_DOWN as error:
                    log.warning("claiming deliveries failed: %s", type(error).__name__)
                    break
                if self.database_down:
                    break
                counts["skipped"] += claimed - len(batch)
                if not claimed:
                    break
                sends = (one(due, at) for due in batch)
                results = await asyncio.gather(*sends, return_exceptions=True)
                for failure in results:
                    if isinstance(failure, Exception):
                        # The claim's lease runs out and the delivery is tried again later.
                        log.error("a delivery failed unexpectedly", exc_info=failure)
                        counts["error"] += 1
                if self.database_down:
                    break  # the next tick settles what is owed first
        return counts

    async def tick(self, now: Now) -> Counter[str]:
        """Reconcile a slice when one is due, then send everything due at `now` (a moment,
        or a clock): with nothing due and no slice, one claim that finds nothing."""
        at = now() if callable(now) else now
        pending, skipped = 0, 0
        reconciled = self.reconcile_due(at)
        if reconciled:
            pending, skipped = await self.reconcile(at)
        await self.plan_safety(at)
        counts = await self.send_due(now)
        counts["reconciled"] += reconciled
        counts["planned"] += pending
        counts["skipped_at_planning"] += skipped
        return counts
