"""The coordinators' weekly digest (SPEC §5): counts per peer worker, never content.

`build_digest` is what both `/digest` and the delivery engine call: the whole
deployment's team for a period. Pass `start` and `end` in the coordinator's zone to have
the period shown in it; they are compared as moments, so any zone gives the same figures.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.counts import Counts, WorkerCounts
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


def last_seven_days(now: datetime, timezone: str) -> tuple[datetime, datetime]:
    """The period of a digest sent at `now`: the seven days before it, in the given zone."""
    end = now.astimezone(ZoneInfo(timezone))
    return end - PERIOD, end


async def build_digest(uow: UnitOfWork, *, start: datetime, end: datetime) -> Digest:
    """The team's figures for [start, end), totals first, then each peer worker."""
    counted = await uow.digest.figures(start, end)
    workers: list[WorkerDigest] = []
    for row in await uow.digest.workers():
        figures = Figures(**counted.get(row.worker_id, {}))
        # Someone who has left still appears for the weeks they had sessions in.
        if row.left and figures.is_quiet:
            continue
        workers.append(WorkerDigest(row.worker_id, row.name, figures))
    totals = Figures.total(w.figures for w in workers)
    return Digest(start, end, totals, tuple(workers))


async def digest_now(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> Digest:
    """The digest of the last seven days, for a coordinator asking with /digest."""
    coordinator = await member(uow, telegram_id, Role.COORDINATOR)
    start, end = last_seven_days(now, coordinator.timezone)
    return await build_digest(uow, start=start, end=end)


def _figure_columns(f: Figures) -> dict[str, object]:
    """A CSV row's figures by their column heading, in the file's order."""
    share = "" if f.confirmed_share is None else f"{f.confirmed_share:.2f}"
    return {
        "active_peers": f.peers,
        "held": f.held,
        "missed": f.missed,
        "cancelled": f.cancelled,
        "cancelled_by_peer": f.cancelled_by_peer,
        "cancelled_by_worker": f.cancelled_by_worker,
        "rearranged": f.rearranged,
        "confirmed_in_advance": f.confirmed_in_advance,
        "confirmed_in_advance_share": share,
        "completed_programme": f.completed,
        "missed_two_or_more_in_a_row": f.missed_in_a_row,
        "peers_with_reminders": f.reminders,
    }


CSV_HEADER = ("period_start", "period_end", "peer_worker", *_figure_columns(Figures()))


def _cell(text: str) -> str:
    # A spreadsheet would run a cell starting with = + - @ as a formula.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def digest_csv(digest: Digest) -> bytes:
    """The digest as a CSV file: a header row, then one row per peer worker."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    start, end = digest.start.date().isoformat(), digest.end.date().isoformat()
    for worker in digest.workers:
        figures = _figure_columns(worker.figures).values()
        writer.writerow((start, end, _cell(worker.name), *figures))
    # The byte-order mark lets spreadsheet programs read the names as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")
