"""The unit of work: one per update or job. It commits; repositories never do."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache
from typing import get_type_hints

from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.repositories import (
    BotInfoRepository,
    ConversationRepository,
    DeliveryRepository,
    DigestRepository,
    EndingRepository,
    InvitationRepository,
    KeyboardRepository,
    PeopleRepository,
    PrefsRepository,
    PrivacyRepository,
    ProgrammeRepository,
    ReferralRepository,
    SafetyRepository,
    SessionRepository,
    StrategyRepository,
    TeamRepository,
)
from storage.repositories.base import Repository
from storage.uow_notes import TOUCHED, Touched, touched

Planner = Callable[["UnitOfWork", Touched], Awaitable[None]]


class UnitOfWork:
    """`async with UnitOfWork(db) as uow:` … `await uow.commit()`.

    Leaving the block without a commit rolls back, so a domain error changes nothing.
    Every repository is an attribute; services reach the database only through them.
    `autocommit=True` is for a unit that only reads, or makes one write (one statement is
    atomic by itself): on PostgreSQL it runs with no transaction, which saves a BEGIN and a
    COMMIT (0.1-0.4 ms of the bot's CPU; every update has such a unit, most have two). A
    second write in it raises (storage/db.py `OneWriteSession`), on SQLite too.
    With a `planner` (the composition root hands one in), each commit first re-plans the
    deliveries of what the unit changed, in the same transaction.
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
    referrals: ReferralRepository
    endings: EndingRepository
    safety: SafetyRepository

    def __init__(
        self, db: Database, *, planner: Planner | None = None, autocommit: bool = False
    ) -> None:
        self._db = db
        self._planner = planner
        self._autocommit = autocommit

    async def __aenter__(self) -> UnitOfWork:
        db = self._db
        self.session = db.autocommitting() if self._autocommit else db.sessionmaker()
        for name, repository in _repositories().items():
            setattr(self, name, repository(self.session))
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        # close() rolls back whatever was not committed, and (unlike rollback()) leaves the
        # objects already loaded readable, detached, for the caller.
        await self.session.close()

    async def commit(self) -> None:
        if self._planner is not None:
            await self.session.flush()
            note = touched(self.session)
            if note:
                self.session.info[TOUCHED] = Touched()
                await self._planner(self, note)
        await self.session.commit()
        self.session.info.pop(TOUCHED, None)

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
