"""The weekly digest's figures, aggregated in SQL.

Every method runs a fixed number of statements whatever the size of the team: figures
are grouped by peer worker in the database, never fetched row by row. Only counts leave
the database here; no names of peers, no notes, no strategy texts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Executable,
    and_,
    case,
    distinct,
    exists,
    func,
    or_,
    select,
    union,
)

from storage.models import (
    PeerSession,
    Person,
    Programme,
    ProgrammeState,
    RearrangeRequest,
    ReminderPrefs,
    Role,
    SessionState,
)
from storage.repositories.counting import count_if, within
from storage.repositories.digest_flow import FlowQueries

# The counters of one peer worker, by name (the digest service turns them into Figures).
COUNTERS = (
    "peers",
    "held",
    "missed",
    "cancelled",
    "cancelled_by_peer",
    "cancelled_by_worker",
    "rearranged",
    "confirmed_in_advance",
    "completed",
    "missed_in_a_row",
    "reminders",
)


@dataclass(frozen=True)
class WorkerRow:
    worker_id: int
    name: str
    left: bool


class DigestRepository(FlowQueries):
    """Per peer worker here; the service-wide flow and safety counts in FlowQueries."""

    async def workers(self) -> list[WorkerRow]:
        """Every peer worker who joined, in name order (those who left are marked)."""
        stmt = (
            select(Person.id, Person.display_name, Person.left_at.is_not(None))
            .where(Person.role == Role.WORKER, Person.joined_at.is_not(None))
            .order_by(Person.display_name, Person.id)
        )
        rows = await self.session.execute(stmt)
        return [WorkerRow(row[0], row[1] or "", bool(row[2])) for row in rows]

    async def figures(self, start: datetime, end: datetime) -> dict[int, dict[str, int]]:
        """Each peer worker's counters for [start, end): four grouped statements."""
        found: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
        for stmt in (
            self._sessions(start, end),
            self._rearranged(start, end),
            self._programmes(start, end),
            self._missed_in_a_row(end),
        ):
            result = await self.session.execute(stmt)
            names = list(result.keys())[1:]
            for row in result:
                found[row[0]].update(zip(names, (int(v or 0) for v in row[1:]), strict=True))
        return dict(found)

    @staticmethod
    def _sessions(start: datetime, end: datetime) -> Executable:
        """Held, missed (by start time) and cancelled (by when it was cancelled)."""
        s = PeerSession
        outcome = and_(
            s.state.in_((SessionState.HELD, SessionState.MISSED)), within(s.starts_at, start, end)
        )
        # A session erased with its peer (/forget) was not cancelled by anyone: not counted.
        cancelled = and_(
            s.state == SessionState.CANCELLED,
            s.cancelled_by.is_not(None),
            within(func.coalesce(s.cancelled_at, s.starts_at), start, end),
        )
        return (
            select(
                Programme.worker_id,
                count_if(s.state == SessionState.HELD).label("held"),
                count_if(s.state == SessionState.MISSED).label("missed"),
                count_if(
                    and_(s.state == SessionState.CANCELLED, s.cancelled_by.is_not(None))
                ).label("cancelled"),
                count_if(
                    and_(s.state == SessionState.CANCELLED, s.cancelled_by == Role.PEER)
                ).label("cancelled_by_peer"),
                count_if(
                    and_(s.state == SessionState.CANCELLED, s.cancelled_by == Role.WORKER)
                ).label("cancelled_by_worker"),
                count_if(
                    and_(
                        s.state.in_((SessionState.HELD, SessionState.MISSED)),
                        s.confirmed_at.is_not(None),
                        s.confirmed_at < s.starts_at,
                    )
                ).label("confirmed_in_advance"),
            )
            .join(Programme, Programme.id == s.programme_id)
            .where(or_(outcome, cancelled))
            .group_by(Programme.worker_id)
        )

    @staticmethod
    def _rearranged(start: datetime, end: datetime) -> Executable:
        """Sessions moved in the period, each counted once.

        An accepted rearrangement says when the move was agreed, so it decides. A session
        moved without a request (the peer worker moved it) has only `times_moved` and no
        date of the move: it counts in the period its (new) time falls in.
        """
        s, r = PeerSession, RearrangeRequest
        agreed_in_period = select(r.session_id.label("id")).where(
            r.state == "accepted", within(r.resolved_at, start, end)
        )
        ever_agreed = exists().where(r.session_id == s.id, r.state == "accepted")
        moved_directly = select(s.id).where(
            s.times_moved > 0, within(s.starts_at, start, end), ~ever_agreed
        )
        # A UNION (not an OR in one WHERE) lets each half use its index; it also dedupes.
        moved = union(agreed_in_period, moved_directly).subquery()
        return (
            select(Programme.worker_id, func.count().label("rearranged"))
            .select_from(moved)
            .join(s, s.id == moved.c.id)
            .join(Programme, Programme.id == s.programme_id)
            .group_by(Programme.worker_id)
        )

    @staticmethod
    def _programmes(start: datetime, end: datetime) -> Executable:
        """Active peers, those who chose any reminder, programmes completed in the period."""
        p, prefs = Programme, ReminderPrefs
        active = p.state == ProgrammeState.ACTIVE
        chose = or_(
            prefs.day_before.is_(True), prefs.morning.is_(True), prefs.hour_before.is_(True)
        )
        return (
            select(
                p.worker_id,
                func.count(distinct(case((active, p.peer_id)))).label("peers"),
                func.count(distinct(case((and_(active, chose), p.peer_id)))).label("reminders"),
                count_if(
                    and_(p.state == ProgrammeState.COMPLETED, within(p.ended_at, start, end))
                ).label("completed"),
            )
            .outerjoin(prefs, prefs.person_id == p.peer_id)
            .group_by(p.worker_id)
        )

    @staticmethod
    def _missed_in_a_row(end: datetime) -> Executable:
        """Active programmes whose latest outcomes, counting back, are two or more missed.

        The run is the missed sessions after the last held one; cancelled sessions are not
        outcomes of attendance, so they neither extend nor break it.
        """
        s, p = PeerSession, Programme
        last_held = (
            select(s.programme_id, func.max(s.starts_at).label("at"))
            .where(s.state == SessionState.HELD, s.starts_at < end)
            .group_by(s.programme_id)
            .subquery()
        )
        runs = (
            select(p.worker_id.label("worker_id"), p.id)
            .select_from(s)
            .join(p, p.id == s.programme_id)
            .outerjoin(last_held, last_held.c.programme_id == s.programme_id)
            .where(
                s.state == SessionState.MISSED,
                s.starts_at < end,
                p.state == ProgrammeState.ACTIVE,
                or_(last_held.c.at.is_(None), s.starts_at > last_held.c.at),
            )
            .group_by(p.worker_id, p.id)
            .having(func.count() >= 2)
            .subquery()
        )
        return select(runs.c.worker_id, func.count().label("missed_in_a_row")).group_by(
            runs.c.worker_id
        )
