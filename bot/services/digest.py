"""The coordinators' weekly digest (SPEC §5): counts per peer worker, never content.

`build_digest` is what both `/digest` and the delivery engine call: the whole
deployment's team for a period, with the service's flow (bot.services.digest_flow) and,
when the service uses lone-working check-ins, their counts. Pass `start` and `end` in the
coordinator's zone to have the period shown in it; they are compared as moments, so any
zone gives the same figures. The CSV file is written by bot.exports.digest_csv.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.counts import Counts, WorkerCounts
from bot.services.digest_flow import Flow, SafetyFigures, build_flow, build_safety
from bot.services.onboarding import member
from storage.models import Role
from storage.uow import UnitOfWork

PERIOD = timedelta(days=7)


@dataclass(frozen=True)
class Figures(Counts):
    """One peer worker's week, or the team's: counts only."""

    peers: int = 0
    held: int = 0
    missed: int = 0
    cancelled: int = 0
    cancelled_by_peer: int = 0
    cancelled_by_worker: int = 0
    rearranged: int = 0
    confirmed_in_advance: int = 0
    completed: int = 0
    missed_in_a_row: int = 0
    reminders: int = 0

    @property
    def held_or_missed(self) -> int:
        """The sessions whose confirmation share is measured."""
        return self.held + self.missed

    @property
    def confirmed_share(self) -> float | None:
        """Of the sessions held or missed, the share confirmed before they started."""
        if not self.held_or_missed:
            return None
        return self.confirmed_in_advance / self.held_or_missed

    @property
    def is_quiet(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


# One peer worker's line of the digest.
WorkerDigest = WorkerCounts[Figures]


@dataclass(frozen=True)
class Digest:
    start: datetime
    end: datetime
    totals: Figures
    workers: tuple[WorkerDigest, ...]
    flow: Flow = field(default_factory=Flow)
    safety: SafetyFigures | None = None  # None: the service does not use check-ins


def last_seven_days(now: datetime, timezone: str) -> tuple[datetime, datetime]:
    """The period of a digest sent at `now`: the seven days before it, in the given zone."""
    end = now.astimezone(ZoneInfo(timezone))
    return end - PERIOD, end


async def build_digest(
    uow: UnitOfWork, *, start: datetime, end: datetime, safety: bool = False
) -> Digest:
    """The team's figures for [start, end), totals first, then each peer worker; the
    service's flow; with `safety` (SAFETY_CHECKINS), the week's check-ins and alerts."""
    counted = await uow.digest.figures(start, end)
    workers: list[WorkerDigest] = []
    for row in await uow.digest.workers():
        figures = Figures(**counted.get(row.worker_id, {}))
        # Someone who has left still appears for the weeks they had sessions in.
        if row.left and figures.is_quiet:
            continue
        workers.append(WorkerDigest(row.worker_id, row.name, figures))
    totals = Figures.total(w.figures for w in workers)
    flow = await build_flow(uow, start=start, end=end)
    checkins = await build_safety(uow, start=start, end=end) if safety else None
    return Digest(start, end, totals, tuple(workers), flow, checkins)


async def digest_now(
    uow: UnitOfWork, telegram_id: int, *, now: datetime, safety: bool = False
) -> Digest:
    """The digest of the last seven days, for a coordinator asking with /digest."""
    coordinator = await member(uow, telegram_id, Role.COORDINATOR)
    start, end = last_seven_days(now, coordinator.timezone)
    return await build_digest(uow, start=start, end=end, safety=safety)
