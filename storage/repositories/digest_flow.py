"""The digest's service-wide flow figures (SPEC §5) and safety counts (SPEC §8), in SQL.

Counts, sums and moments only: no first names, no sources typed by hand, no comments
from the ending answers, no places. Each method is one statement whatever the size of
the service; the few lists that leave the database (one pair of moments per referral
seen or alert raised in the weeks asked for) are what a median needs, as no portable SQL
median exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, case, exists, func, select

from storage.enums import (
    CheckinKind,
    CheckinState,
    CloseReason,
    ProgrammeState,
    Recommend,
    ReferralState,
    SessionState,
)
from storage.models import (
    EndingAnswers,
    PeerSession,
    Programme,
    Referral,
    SafetyCheckin,
    WorkerPrefs,
)
from storage.repositories.base import Repository
from storage.repositories.counting import count_if, within

# Still waiting for a peer worker: on the list, or offered to one who has not answered.
WAITING = (ReferralState.WAITING, ReferralState.OFFERED)


def week_starts(end: datetime, weeks: int) -> list[datetime]:
    """The starts of the `weeks` seven-day spans that end at `end`, oldest first."""
    return [end - timedelta(weeks=weeks - i) for i in range(weeks)]


@dataclass(frozen=True)
class ReferralCounts:
    received: int
    waiting: int
    oldest_waiting_since: datetime | None
    # Referrals received in each of the weeks asked for, oldest first.
    weekly: tuple[int, ...]


@dataclass(frozen=True)
class ProgrammeCounts:
    started: int
    completed: int
    closed: dict[str, int]  # by CloseReason


@dataclass(frozen=True)
class AnswerCounts:
    helped_answers: int
    helped_total: int
    recommend: dict[str, int]  # by Recommend


@dataclass(frozen=True)
class CheckinCounts:
    checkins: int
    alerts: int
    # (alerted_at, handled_at or None) of each alert raised in the period.
    alert_times: tuple[tuple[datetime, datetime | None], ...]


class FlowQueries(Repository):
    async def referral_counts(self, start: datetime, end: datetime, weeks: int) -> ReferralCounts:
        """Received in [start, end), waiting now and since when, received in each week."""
        r = Referral
        waiting = r.state.in_(WAITING)
        spans = [(s, s + timedelta(weeks=1)) for s in week_starts(end, weeks)]
        stmt = select(
            count_if(within(r.created_at, start, end)),
            count_if(waiting),
            func.min(case((waiting, r.created_at))),
            *(count_if(within(r.created_at, s, e)) for s, e in spans),
        )
        row = (await self.session.execute(stmt)).one()
        oldest = None if row[2] is None else _aware(row[2])
        return ReferralCounts(
            int(row[0]), int(row[1]), oldest, tuple(int(v) for v in row[3 : 3 + weeks])
        )

    async def first_sessions(
        self, since: datetime, end: datetime
    ) -> list[tuple[datetime, datetime]]:
        """(referred at, first session at) of each referral whose programme's first session
        started in [since, end).

        The first session is the programme's earliest one that was not cancelled (held,
        missed or still planned): the wait the service is answerable for ends when it
        offers a session, whether or not the peer could come (SPEC §1.1).
        """
        s = PeerSession
        first = (
            select(s.programme_id, func.min(s.starts_at).label("at"))
            .where(s.state != SessionState.CANCELLED)
            .group_by(s.programme_id)
            .subquery()
        )
        stmt = (
            select(Referral.created_at, first.c.at)
            .join(first, first.c.programme_id == Referral.programme_id)
            .where(first.c.at >= since, first.c.at < end)
        )
        rows = await self.session.execute(stmt)
        return [(row[0], _aware(row[1])) for row in rows]

    async def programme_counts(self, start: datetime, end: datetime) -> ProgrammeCounts:
        """Programmes started, completed and closed early (by reason) in [start, end)."""
        p = Programme
        ended = within(p.ended_at, start, end)
        closed = and_(p.state == ProgrammeState.CLOSED, ended)
        stmt = select(
            count_if(within(p.started_at, start, end)),
            count_if(and_(p.state == ProgrammeState.COMPLETED, ended)),
            *(count_if(and_(closed, p.close_reason == reason)) for reason in CloseReason),
        )
        row = (await self.session.execute(stmt)).one()
        by_reason = {reason.value: int(n) for reason, n in zip(CloseReason, row[2:], strict=True)}
        return ProgrammeCounts(int(row[0]), int(row[1]), by_reason)

    async def answer_counts(self) -> AnswerCounts:
        """Every ending answer so far: how many said how much it helped, and the sum of
        those answers; how many gave each answer to "would you recommend"."""
        a = EndingAnswers
        stmt = select(
            func.count(a.helped),
            func.coalesce(func.sum(a.helped), 0),
            *(count_if(a.recommend == choice) for choice in Recommend),
        )
        row = (await self.session.execute(stmt)).one()
        recommend = {choice.value: int(n) for choice, n in zip(Recommend, row[2:], strict=True)}
        return AnswerCounts(int(row[0] or 0), int(row[1] or 0), recommend)

    async def checkin_counts(self, start: datetime, end: datetime) -> CheckinCounts:
        """Check-ins that began in [start, end) and the alerts raised in it: two statements."""
        c = SafetyCheckin
        # A check-in whose session was cancelled never happened; an /sos is an alert only.
        checked_in = and_(
            c.kind.in_((CheckinKind.SESSION, CheckinKind.ADHOC)),
            c.state != CheckinState.CANCELLED,
            within(c.starts_at, start, end),
        )
        counted: int | None = await self.session.scalar(select(count_if(checked_in)))
        rows = await self.session.execute(
            select(c.alerted_at, c.handled_at)
            .where(within(c.alerted_at, start, end))
            .order_by(c.alerted_at)
        )
        times = tuple((row[0], row[1]) for row in rows if row[0] is not None)
        return CheckinCounts(int(counted or 0), len(times), times)

    async def checkins_in_use(self) -> bool:
        """Whether any peer worker has lone-working check-ins on (a stand-in for
        SAFETY_CHECKINS where the settings are out of reach: the worker's switch is only
        offered when the service uses them)."""
        on = exists().where(WorkerPrefs.safety_checkins.is_(True))
        return bool(await self.session.scalar(select(on)))


def _aware(moment: datetime | str) -> datetime:
    # An aggregate in a subquery or a CASE may come back untyped from SQLite: a string.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
