"""The coordinator's /team figures.

Like the digest, /team is counts grouped by peer worker in SQL: a fixed number of
statements whatever the size of the team.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import and_, case, distinct, func, select

from storage.models import (
    PeerSession,
    Person,
    Programme,
    ProgrammeState,
    SessionState,
)
from storage.repositories.base import Repository

TEAM_COUNTERS = ("peers", "unreachable", "completed", "this_week", "confirmed")


class TeamRepository(Repository):
    async def figures(self, week_start: datetime, week_end: datetime) -> dict[int, dict[str, int]]:
        """Each peer worker's caseload and this week's sessions: two grouped statements."""
        found: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(TEAM_COUNTERS, 0))
        p = Programme
        active = p.state == ProgrammeState.ACTIVE
        caseload = (
            select(
                p.worker_id,
                func.count(distinct(case((active, p.peer_id)))).label("peers"),
                func.count(
                    distinct(case((and_(active, Person.unreachable_at.is_not(None)), p.peer_id)))
                ).label("unreachable"),
                func.count(case((p.state == ProgrammeState.COMPLETED, 1))).label("completed"),
            )
            .join(Person, Person.id == p.peer_id)
            .group_by(p.worker_id)
        )
        s = PeerSession
        week = (
            select(
                p.worker_id,
                func.count(s.id).label("this_week"),
                func.count(case((s.confirmed_at.is_not(None), 1))).label("confirmed"),
            )
            .join(p, p.id == s.programme_id)
            .where(
                s.starts_at >= week_start,
                s.starts_at < week_end,
                s.state != SessionState.CANCELLED,
            )
            .group_by(p.worker_id)
        )
        for stmt in (caseload, week):
            result = await self.session.execute(stmt)
            names = list(result.keys())[1:]
            for row in result:
                found[row[0]].update(zip(names, (int(v or 0) for v in row[1:]), strict=True))
        return dict(found)
