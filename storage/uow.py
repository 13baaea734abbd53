"""The unit of work: one per update or job. It commits; repositories never do."""

from __future__ import annotations

from functools import cache
from typing import get_type_hints

from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.repositories import (
    BotInfoRepository,
    ConversationRepository,
    DeliveryRepository,
    DigestRepository,
    InvitationRepository,
    KeyboardRepository,
    PeopleRepository,
    PrefsRepository,
    PrivacyRepository,
    ProgrammeRepository,
    SessionRepository,
    StrategyRepository,
    TeamRepository,
)
from storage.repositories.base import Repository


class UnitOfWork:
    """`async with UnitOfWork(db) as uow:` … `await uow.commit()`.

    Leaving the block without a commit rolls back, so a domain error changes nothing.
    Every repository is an attribute; services reach the database only through them.
    """

    session: AsyncSession
    people: PeopleRepository
    invitations: InvitationRepository
    programmes: ProgrammeRepository
    conversations: ConversationRepository
    bot_info: BotInfoRepository
    sessions: SessionRepository
    strategies: StrategyRepository
    prefs: PrefsRepository
    privacy: PrivacyRepository
    deliveries: DeliveryRepository
    digest: DigestRepository
    team: TeamRepository
    keyboards: KeyboardRepository

    def __init__(self, db: Database) -> None:
        self._db = db

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._db.sessionmaker()
        for name, repository in _repositories().items():
            setattr(self, name, repository(self.session))
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        # close() rolls back whatever was not committed, and (unlike rollback()) leaves the
        # objects already loaded readable, detached, for the caller.
        await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()

    async def flush(self) -> None:
        await self.session.flush()


@cache
def _repositories() -> dict[str, type[Repository]]:
    """The unit of work's repositories, by attribute: its annotations are the one table."""
    return {
        name: hint
        for name, hint in get_type_hints(UnitOfWork).items()
        if isinstance(hint, type) and issubclass(hint, Repository)
    }
