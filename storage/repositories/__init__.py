"""Repositories: intention-revealing queries over one AsyncSession. They never commit."""

from storage.repositories.people import (
    BotInfoRepository,
    ConversationRepository,
    InvitationRepository,
    PeopleRepository,
    ProgrammeRepository,
)

__all__ = [
    "BotInfoRepository",
    "ConversationRepository",
    "InvitationRepository",
    "PeopleRepository",
    "ProgrammeRepository",
]
