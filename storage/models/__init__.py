"""The data model. UTC everywhere; no diagnosis, condition, medication or risk score, ever.

Minimum data (SPEC §1.4): a person is a role, a Telegram id and a display name; what a
feature needs beyond that lives in the feature's own table so that erasure is a list of
deletes, not a hunt through columns.

One module per feature; import the models from here (`from storage.models import Person`).
"""

from __future__ import annotations

from storage.enums import (  # the values the state columns may hold, re-exported here
    CheckinKind as CheckinKind,
    CheckinState as CheckinState,
    CloseReason as CloseReason,
    DeliveryKind as DeliveryKind,
    DeliveryState as DeliveryState,
    Party as Party,
    ProgrammeState as ProgrammeState,
    RearrangeState as RearrangeState,
    Recommend as Recommend,
    ReferralCloseReason as ReferralCloseReason,
    ReferralState as ReferralState,
    Role as Role,
    SessionState as SessionState,
    StrategyOutcome as StrategyOutcome,
)
from storage.models.base import NAMING, Base
from storage.models.bot_state import BotInfo, Conversation, LastKeyboard
from storage.models.delivery import Delivery
from storage.models.people import Invitation, Person
from storage.models.prefs import CoordinatorPrefs, ReminderPrefs, WorkerPrefs
from storage.models.programmes import (
    EndingAnswers,
    PeerSession,
    Programme,
    RearrangeRequest,
    Referral,
)
from storage.models.safety import SafetyCheckin
from storage.models.strategies import Strategy, StrategyEntry

__all__ = [
    "NAMING",
    "Base",
    "BotInfo",
    "CheckinKind",
    "CheckinState",
    "CloseReason",
    "Conversation",
    "CoordinatorPrefs",
    "Delivery",
    "DeliveryKind",
    "DeliveryState",
    "EndingAnswers",
    "Invitation",
    "LastKeyboard",
    "Party",
    "PeerSession",
    "Person",
    "Programme",
    "ProgrammeState",
    "RearrangeRequest",
    "RearrangeState",
    "Recommend",
    "Referral",
    "ReferralCloseReason",
    "ReferralState",
    "ReminderPrefs",
    "Role",
    "SafetyCheckin",
    "SessionState",
    "Strategy",
    "StrategyEntry",
    "StrategyOutcome",
    "WorkerPrefs",
]
