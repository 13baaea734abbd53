"""What /mydata holds: the frozen records bot.services.privacy reads a person's data into.

Plain facts, UTC moments and stored values; bot.exports.mydata words and formats them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from bot.services.reminders import ReminderChoice
from storage.models import Role


@dataclass(frozen=True)
class Profile:
    name: str | None
    role: Role
    zone: str
    added: datetime
    joined: datetime | None
    paused: bool
    unreachable_at: datetime | None
    language: str | None = None  # None: the deployment's default


@dataclass(frozen=True)
class SessionRecord:
    id: int  # to match deliveries to their session; never shown
    number: int | None  # "session k of N" (bot.storage's one numbering); None if none
    planned: int
    starts_at: datetime
    minutes: int
    place: str | None
    state: str
    times_moved: int
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    cancelled_by: str | None
    counts_against: bool | None
    outcome_at: datetime | None


@dataclass(frozen=True)
class RearrangeRecord:
    requested_by: str
    created_at: datetime
    proposed_at: datetime | None
    wish: str | None
    state: str
    resolved_at: datetime | None


@dataclass(frozen=True)
class PeersSession:
    """A session in a peer's export: with what their peer worker noted, and rearranging."""

    session: SessionRecord
    worker_note: str | None
    requests: tuple[RearrangeRecord, ...]


@dataclass(frozen=True)
class DiaryEntry:
    """A session in a peer worker's diary: times and places, the peer's name, no texts."""

    session: SessionRecord
    peer_name: str | None  # None once the peer is erased


@dataclass(frozen=True)
class EndingRecord:
    """The peer's own answers to the three questions at a programme's end."""

    helped: int | None
    recommend: str | None
    comment: str | None
    asked_at: datetime
    answered_at: datetime | None


@dataclass(frozen=True)
class ProgrammeRecord:
    other_name: str | None  # the peer worker (peer's export) or the peer (worker's)
    planned_sessions: int
    state: str
    started_at: datetime
    ended_at: datetime | None
    close_reason: str | None = None  # ended early with /close
    answers: EndingRecord | None = None  # only ever in the peer's own export


@dataclass(frozen=True)
class ReferralRecord:
    """A referral about the person: a first name, where it came from, when, what became of it."""

    first_name: str
    source: str
    state: str
    close_reason: str | None
    created_at: datetime
    matched_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True)
class EntryRecord:
    outcome: str
    note: str | None
    logged_at: datetime


@dataclass(frozen=True)
class StrategyRecord:
    name: str
    created_at: datetime
    last_used_at: datetime | None
    log: tuple[EntryRecord, ...]


@dataclass(frozen=True)
class PeerPart:
    programmes: tuple[ProgrammeRecord, ...]
    sessions: tuple[PeersSession, ...]
    strategies: tuple[StrategyRecord, ...]
    reminders: ReminderChoice
    referrals: tuple[ReferralRecord, ...] = ()


@dataclass(frozen=True)
class WorkerPart:
    summary_lead_minutes: int
    work_from: time
    work_until: time
    work_days: tuple[int, ...]  # ISO weekdays, 1 is Monday
    last_place: str | None
    peers: tuple[ProgrammeRecord, ...]
    diary: tuple[DiaryEntry, ...]


@dataclass(frozen=True)
class CoordinatorPart:
    digest_weekday: int  # ISO, 1 is Monday
    digest_at: time


@dataclass(frozen=True)
class DeliveryRecord:
    kind: str
    session: SessionRecord | None  # the session it was about, if it is in the export
    due_at: datetime
    state: str
    finished_at: datetime | None
    reason: str | None


@dataclass(frozen=True)
class ConversationRecord:
    flow: str
    step: str
    data: Mapping[str, Any]
    updated_at: datetime


@dataclass(frozen=True)
class Export:
    """Everything stored about one person, as read at `read_at`."""

    read_at: datetime
    profile: Profile
    part: PeerPart | WorkerPart | CoordinatorPart
    deliveries: tuple[DeliveryRecord, ...]
    conversation: ConversationRecord | None
