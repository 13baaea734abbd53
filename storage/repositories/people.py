"""People, invitations, programmes and small deployment facts."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.models import (
    BotInfo,
    Conversation,
    Invitation,
    Person,
    Programme,
    ProgrammeState,
)
from storage.repositories.base import AddingRepository, Repository
from storage.repositories.referrals import on_the_list

# Read on every update (who is this?), so built once (see session_views.py).
_BY_TELEGRAM_ID = select(Person).where(Person.telegram_id == bindparam("telegram_id"))
_CURRENT_FOR_PEER = (
    select(Programme)
    .where(Programme.peer_id == bindparam("peer_id"))
    .order_by((Programme.state == ProgrammeState.ACTIVE).desc(), Programme.started_at.desc())
    .limit(1)
)

# What the handlers before the features' ask of every update, in one statement.
_CALLER = select(
    Person.language,
    Person.left_at.is_(None),
    exists().where(Conversation.person_id == Person.id),
    on_the_list(),
).where(Person.telegram_id == bindparam("telegram_id"))


class CallerRow(NamedTuple):
    language: str | None
    here: bool  # not erased (left_at unset)
    in_flow: bool  # a row in `conversations`
    waiting: bool  # a peer on the list (see `referrals.is_waiting`)


class PeopleRepository(AddingRepository[Person]):
    async def by_telegram_id(self, telegram_id: int) -> Person | None:
        return await self.session.scalar(_BY_TELEGRAM_ID, {"telegram_id": telegram_id})

    async def caller(self, telegram_id: int) -> CallerRow | None:
        """The account's person as every update's first handlers need it (None: no record)."""
        row = (await self.session.execute(_CALLER, {"telegram_id": telegram_id})).first()
        return CallerRow(row[0], *map(bool, row[1:])) if row else None

    async def get(self, person_id: int) -> Person | None:
        return await self.session.get(Person, person_id)

    async def link_account(self, person_id: int, telegram_id: int, now: datetime) -> bool:
        """Link a Telegram account to a person created before they joined; False if taken."""
        stmt = (
            update(Person)
            .where(Person.id == person_id, Person.telegram_id.is_(None), Person.left_at.is_(None))
            .values(telegram_id=telegram_id, joined_at=now)
            # A Person already loaded in this unit of work sees the link at once.
            .execution_options(synchronize_session="fetch")
        )
        result = await self.session.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def count_by_role(self, role: str) -> int:
        stmt = (
            select(func.count())
            .select_from(Person)
            .where(Person.role == role, Person.joined_at.is_not(None), Person.left_at.is_(None))
        )
        return int(await self.session.scalar(stmt) or 0)


class InvitationRepository(AddingRepository[Invitation]):
    async def by_token_hash(self, token_hash: str) -> Invitation | None:
        return await self.session.scalar(
            select(Invitation).where(Invitation.token_hash == token_hash)
        )

    async def mark_used(self, invitation_id: int, now: datetime) -> bool:
        """Use the invitation if nobody has; False if another update got there first.

        A conditional UPDATE rather than read-then-write: on PostgreSQL the second writer
        waits for the row lock and then matches nothing; on SQLite it waits for the write
        lock and likewise matches nothing.
        """
        stmt = (
            update(Invitation)
            .where(Invitation.id == invitation_id, Invitation.used_at.is_(None))
            .values(used_at=now)
        )
        result = await self.session.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]


class ProgrammeRepository(AddingRepository[Programme]):
    async def current_for_peer(self, peer_id: int) -> Programme | None:
        """The active programme, else the newest (`session_views.current_programme`)."""
        return await self.session.scalar(_CURRENT_FOR_PEER, {"peer_id": peer_id})

    async def active_for_worker(self, worker_id: int) -> list[tuple[Programme, Person]]:
        return await self.for_worker(worker_id, (ProgrammeState.ACTIVE,))

    async def for_worker(
        self, worker_id: int, states: tuple[str, ...]
    ) -> list[tuple[Programme, Person]]:
        """The worker's programmes in these states with their (not erased) peers, by name."""
        stmt = (
            select(Programme, Person)
            .join(Person, Person.id == Programme.peer_id)
            .where(
                Programme.worker_id == worker_id,
                Programme.state.in_(states),
                Person.left_at.is_(None),
            )
            .order_by(Person.display_name)
        )
        return [(row[0], row[1]) for row in await self.session.execute(stmt)]


class BotInfoRepository(Repository):
    async def get(self, name: str) -> str | None:
        row = await self.session.get(BotInfo, name)
        return row.value if row else None

    async def put(self, name: str, value: str) -> None:
        """Record the fact, or change it: one upsert, so replicas starting at once both can."""
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        stmt = insert(BotInfo).values(name=name, value=value)
        await self.session.execute(
            stmt.on_conflict_do_update(index_elements=[BotInfo.name], set_={"value": value})
        )
