"""Repositories: intention-revealing queries over one AsyncSession. They never commit."""

from storage.repositories.conversations import ConversationRepository
from storage.repositories.deliveries import DeliveryRepository
from storage.repositories.digest import DigestRepository
from storage.repositories.endings import EndingRepository
from storage.repositories.keyboards import KeyboardRepository
from storage.repositories.people import (
    BotInfoRepository,
    InvitationRepository,
    PeopleRepository,
    ProgrammeRepository,
)
from storage.repositories.prefs import PrefsRepository
from storage.repositories.privacy import PrivacyRepository
from storage.repositories.referrals import ReferralRepository
from storage.repositories.safety import SafetyRepository
from storage.repositories.sessions import SessionRepository
from storage.repositories.strategies import StrategyRepository
from storage.repositories.team import TeamRepository

__all__ = [
    "BotInfoRepository",
    "ConversationRepository",
    "DeliveryRepository",
    "DigestRepository",
    "EndingRepository",
    "InvitationRepository",
    "KeyboardRepository",
    "PeopleRepository",
    "PrefsRepository",
    "PrivacyRepository",
    "ProgrammeRepository",
    "ReferralRepository",
    "SafetyRepository",
    "SessionRepository",
    "StrategyRepository",
    "TeamRepository",
]
