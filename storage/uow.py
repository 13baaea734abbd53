"""The unit of work: one per update or job. It commits; repositories never do."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.repositories import (
    BotInfoRepository,
    ConversationRepository,
    DeliveryRepository,
    DigestRepository,
    InvitationRepository,
    PeopleRepository,
    PrefsRepository,
    PrivacyRepository,
    ProgrammeRepository,
    SessionRepository,
    StrategyRepository,
    TeamRepository,
)


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

    def __init__(self, db: Database) -> None:
        self._db = db

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._db.sessionmaker()
        self.people = PeopleRepository(self.session)
        self.invitations = InvitationRepository(self.session)
        self.programmes = ProgrammeRepository(self.session)
        self.conversations = ConversationRepository(self.session)
        self.bot_info = BotInfoRepository(self.session)
        self.sessions = SessionRepository(self.session)
        self.strategies = StrategyRepository(self.session)
        self.prefs = PrefsRepository(self.session)
        self.privacy = PrivacyRepository(self.session)
        self.deliveries = DeliveryRepository(self.session)
        self.digest = DigestRepository(self.session)
        self.team = TeamRepository(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed, and (unlike rollback()) leaves the
        # objects already loaded readable, detached, for the caller.
        await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()

    async def flush(self) -> None:
        await self.session.flush()
