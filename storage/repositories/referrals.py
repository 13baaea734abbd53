"""Referrals waiting to be matched with a peer worker (table `referrals`, SPEC §2).

Every change of a referral's state is one conditional UPDATE on the version that was read,
so two coordinators matching the same referral at once cannot both win: on PostgreSQL the
second waits for the row lock and then matches nothing, on SQLite it waits for the write
lock and likewise matches nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from storage.models import (
    Invitation,
    PeerSession,
    Person,
    Programme,
    ProgrammeState,
    Referral,
    ReferralState,
    Role,
    WorkerPrefs,
)
from storage.repositories.base import AddingRepository
from storage.repositories.prefs import _defaults
from storage.repositories.session_views import LIVE, MAX_LENGTH, Busy

OPEN = (ReferralState.WAITING, ReferralState.OFFERED)


def on_the_list() -> ColumnElement[bool]:
    """Whether a Person row is a peer on the list: a referral open and no active programme
    (or no programme yet)."""
    has_open = exists().where(Referral.person_id == Person.id, Referral.state.in_(OPEN))
    has_active = exists().where(
        Programme.peer_id == Person.id, Programme.state == ProgrammeState.ACTIVE
    )
    has_any = exists().where(Programme.peer_id == Person.id)
    return and_(
        Person.role == Role.PEER, Person.left_at.is_(None), ~has_active, or_(has_open, ~has_any)
    )


class ReferralRepository(AddingRepository[Referral]):
    async def get(self, referral_id: int) -> Referral | None:
        return await self.session.get(Referral, referral_id)

    async def waiting(self, limit: int) -> tuple[list[tuple[Referral, str | None]], int]:
        """The referrals not yet matched, oldest first, each with the name of the peer worker
        it is offered to (if it is), and how many there are in all."""
        on_list = Referral.state.in_(OPEN)
        offered_to = aliased(Person)
        rows = await self.session.execute(
            select(Referral, offered_to.display_name)
            .outerjoin(offered_to, offered_to.id == Referral.offered_to_id)
            .where(on_list)
            .order_by(Referral.created_at, Referral.id)
            .limit(limit)
        )
        total = await self.session.scalar(select(func.count()).where(on_list))
        return [(row[0], row[1]) for row in rows], int(total or 0)

    async def open_for_person(self, person_id: int) -> Referral | None:
        """The person's referral still waiting or offered, if any."""
        return await self.session.scalar(
            select(Referral)
            .where(Referral.person_id == person_id, Referral.state.in_(OPEN))
            .order_by(Referral.id.desc())
            .limit(1)
        )

    async def change(
        self, referral_id: int, version: int, states: tuple[str, ...], **values: object
    ) -> bool:
        """Set `values` if the referral is still at `version` and in one of `states`."""
        stmt = (
            update(Referral)
            .where(
                Referral.id == referral_id,
                Referral.version == version,
                Referral.state.in_(states),
            )
            .values(version=Referral.version + 1, **values)
            .execution_options(synchronize_session="fetch")
        )
        result = await self.session.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def recent_waits(self, limit: int) -> list[tuple[datetime, datetime]]:
        """(referred, matched) of the latest matched referrals, newest first."""
        rows = await self.session.execute(
            select(Referral.created_at, Referral.matched_at)
            .where(Referral.matched_at.is_not(None))
            .order_by(Referral.matched_at.desc())
            .limit(limit)
        )
        return [(row[0], row[1]) for row in rows if row[1] is not None]

    async def workers_with_caseload(self) -> list[tuple[Person, int, WorkerPrefs]]:
        """Every joined peer worker with their active peers and their settings (the defaults
        when never set): one grouped statement."""
        active = (
            select(Programme.worker_id, func.count().label("peers"))
            .where(Programme.state == ProgrammeState.ACTIVE)
            .group_by(Programme.worker_id)
            .subquery()
        )
        stmt = (
            select(Person, func.coalesce(active.c.peers, 0), WorkerPrefs)
            .outerjoin(active, active.c.worker_id == Person.id)
            .outerjoin(WorkerPrefs, WorkerPrefs.person_id == Person.id)
            .where(
                Person.role == Role.WORKER,
                Person.joined_at.is_not(None),
                Person.left_at.is_(None),
            )
            .order_by(Person.display_name, Person.id)
        )
        return [
            (
                row[0],
                int(row[1]),
                row[2] or WorkerPrefs(person_id=row[0].id, **_defaults(WorkerPrefs)),
            )
            for row in await self.session.execute(stmt)
        ]

    async def busy_of_workers(
        self, worker_ids: list[int], start: datetime, end: datetime
    ) -> dict[int, list[Busy]]:
        """Each worker's live sessions that overlap [start, end), by time: one statement."""
        found: dict[int, list[Busy]] = {w: [] for w in worker_ids}
        if not worker_ids:
            return found
        stmt = (
            select(
                Programme.worker_id,
                PeerSession.id,
                PeerSession.starts_at,
                PeerSession.duration_minutes,
            )
            .join(Programme, Programme.id == PeerSession.programme_id)
            .join(Person, Person.id == Programme.peer_id)
            .where(
                Programme.worker_id.in_(worker_ids),
                PeerSession.state.in_(LIVE),
                PeerSession.starts_at >= start - MAX_LENGTH,
                PeerSession.starts_at < end,
                Person.left_at.is_(None),
            )
            .order_by(PeerSession.starts_at)
        )
        for worker_id, session_id, starts_at, minutes in await self.session.execute(stmt):
            busy = Busy(session_id, starts_at, minutes)
            if busy.ends_at > start:
                found[worker_id].append(busy)
        return found

    async def is_waiting(self, telegram_id: int) -> bool:
        """Whether the account is a peer on the list: a referral open and no active programme."""
        stmt = select(Person.id).where(Person.telegram_id == telegram_id, on_the_list())
        return await self.session.scalar(stmt) is not None

    async def fold_person(self, placeholder_id: int, *, into: int) -> None:
        """Give `into` the programmes and referrals of a person made for an invitation, and
        remove that placeholder (a peer coming back from the same account)."""
        for model, column in (
            (Programme, Programme.peer_id),
            (Referral, Referral.person_id),
            (Invitation, Invitation.person_id),
        ):
            await self.session.execute(
                update(model)
                .where(column == placeholder_id)
                .values({column.key: into})
                .execution_options(synchronize_session="fetch")
            )
        await self.session.execute(
            delete(Person)
            .where(Person.id == placeholder_id)
            .execution_options(synchronize_session="fetch")
        )
