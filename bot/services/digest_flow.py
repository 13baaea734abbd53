"""The service's flow in the digest (SPEC §5), and its lone-working safety counts (§8).

Referrals received, waiting now and the longest wait; the median days from referral to
first session; programmes started, completed and closed early by reason; the ending
answers, as figures only once five people have given them; for the chart, the referrals
and the median wait of each of the last twelve weeks. Counts and medians only, never a
name: these are figures for the whole service, not per peer worker.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from storage.repositories.digest_flow import week_starts
from storage.uow import UnitOfWork

WEEKS = 12
# Fewer answers than this could point at one person: no figures at all below it.
MIN_ANSWERS = 5
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Week:
    """One week of the chart: referrals received, and the median wait of those whose first
    session was in it (None: nobody's was)."""

    start: datetime
    referrals: int
    median_wait_days: float | None


@dataclass(frozen=True)
class Endings:
    """The ending answers so far; each figure is None until MIN_ANSWERS gave it."""

    helped_answers: int = 0
    helped_average: float | None = None  # of 1-5
    recommend_answers: int = 0
    recommend: dict[str, int] | None = None  # by Recommend


@dataclass(frozen=True)
class Flow:
    referrals: int = 0
    waiting: int = 0
    longest_wait_days: int | None = None  # None: nobody is waiting
    # Referrals whose first session was in the period, and their median wait.
    first_sessions: int = 0
    median_wait_days: float | None = None
    started: int = 0
    completed: int = 0
    closed: dict[str, int] = field(default_factory=dict)  # by CloseReason
    endings: Endings = Endings()
    weeks: tuple[Week, ...] = ()

    @property
    def closed_early(self) -> int:
        return sum(self.closed.values())


@dataclass(frozen=True)
class SafetyFigures:
    """The period's check-ins and alerts (only when the service uses check-ins)."""

    checkins: int = 0
    alerts: int = 0
    handled: int = 0  # alerts a coordinator said they were handling
    median_minutes_to_handle: float | None = None


def _days(waits: list[tuple[datetime, datetime]]) -> float | None:
    if not waits:
        return None
    return statistics.median((first - referred) / DAY for referred, first in waits)


def _endings(helped_answers: int, helped_total: int, recommend: dict[str, int]) -> Endings:
    answered = sum(recommend.values())
    return Endings(
        helped_answers=helped_answers,
        helped_average=helped_total / helped_answers if helped_answers >= MIN_ANSWERS else None,
        recommend_answers=answered,
        recommend=dict(recommend) if answered >= MIN_ANSWERS else None,
    )


async def build_flow(uow: UnitOfWork, *, start: datetime, end: datetime) -> Flow:
    """The flow figures for [start, end), and the chart's weeks up to `end`: four statements."""
    starts = week_starts(end, WEEKS)
    referrals = await uow.digest.referral_counts(start, end, WEEKS)
    firsts = await uow.digest.first_sessions(min(starts[0], start), end)
    programmes = await uow.digest.programme_counts(start, end)
    answers = await uow.digest.answer_counts()

    in_period = [(r, f) for r, f in firsts if start <= f < end]
    weeks = tuple(
        Week(
            week,
            referrals.weekly[i],
            _days([(r, f) for r, f in firsts if week <= f < week + timedelta(weeks=1)]),
        )
        for i, week in enumerate(starts)
    )
    oldest = referrals.oldest_waiting_since
    return Flow(
        referrals=referrals.received,
        waiting=referrals.waiting,
        longest_wait_days=None if oldest is None else max((end - oldest) // DAY, 0),
        first_sessions=len(in_period),
        median_wait_days=_days(in_period),
        started=programmes.started,
        completed=programmes.completed,
        closed=programmes.closed,
        endings=_endings(answers.helped_answers, answers.helped_total, answers.recommend),
        weeks=weeks,
    )


async def build_safety(uow: UnitOfWork, *, start: datetime, end: datetime) -> SafetyFigures:
    """The check-ins begun and alerts raised in [start, end): two statements, no names."""
    counted = await uow.digest.checkin_counts(start, end)
    minutes = [
        (handled - alerted) / timedelta(minutes=1)
        for alerted, handled in counted.alert_times
        if handled is not None
    ]
    return SafetyFigures(
        checkins=counted.checkins,
        alerts=counted.alerts,
        handled=len(minutes),
        median_minutes_to_handle=statistics.median(minutes) if minutes else None,
    )
