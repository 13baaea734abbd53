"""The data model. UTC everywhere; no diagnosis, condition, medication or risk score, ever.

Minimum data (SPEC §1.4): a person is a role, a Telegram id and a display name; what a
feature needs beyond that lives in the feature's own table so that erasure is a list of
deletes, not a hunt through columns.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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
from storage.types import UTCDateTime, one_of, state_column, time_of_day

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (one_of("role", Role), Index("ix_people_role", "role"))

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    # Null until the person joins, and again after /forget.
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    display_name: Mapped[str | None] = mapped_column(String(64))
    timezone: Mapped[str] = mapped_column(String(64))
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # /stop pauses every message the bot would send on its own.
    paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Telegram answered 403: the person blocked the bot.
    unreachable_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language the bot speaks to them (a shipped catalogue's code); None: the
    # deployment's DEFAULT_LANGUAGE.
    language: Mapped[str | None] = mapped_column(String(8))


class Invitation(Base):
    __tablename__ = "invitations"
    __table_args__ = (one_of("role", Role),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    # For a peer's invitation: the person record their peer worker created.
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Programme(Base):
    __tablename__ = "programmes"
    __table_args__ = (one_of("state", ProgrammeState), one_of("close_reason", CloseReason))

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    planned_sessions: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = state_column(ProgrammeState.ACTIVE)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the peer worker ended it early (/close).
    close_reason: Mapped[str | None] = mapped_column(String(16))


class Referral(Base):
    """Someone referred to the service, waiting to be matched with a peer worker.

    A first name, where the referral came from and when: nothing else (SPEC §1.3-1.4).
    """

    __tablename__ = "referrals"
    __table_args__ = (
        one_of("state", ReferralState),
        one_of("close_reason", ReferralCloseReason),
        Index("ix_referrals_state_created_at", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(64))
    # One of the short fixed list's keys (gp, community_team, other_service, self) or the
    # words the referrer typed.
    source: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = state_column(ReferralState.WAITING)
    close_reason: Mapped[str | None] = mapped_column(String(16))
    # Who typed /refer (None for a self-referral).
    referred_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    # The person it is about: the self-referred person from the start, anyone else's once
    # a worker accepts (the peer record the invitation joins).
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    offered_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    offered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped on every change, so two coordinators matching at once cannot both win.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))


class EndingAnswers(Base):
    """The three optional questions at a programme's end (SPEC §3), asked once.

    Anonymous to coordinators (counts and averages, from five answers). When the peer
    erases their data the comment goes and the row is detached from the programme; the
    two figures stay as anonymous counts.
    """

    __tablename__ = "ending_answers"
    __table_args__ = (one_of("recommend", Recommend),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="SET NULL"), unique=True
    )
    helped: Mapped[int | None] = mapped_column(Integer)  # 1-5
    recommend: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(String(500))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PeerSession(Base):
    """One one-to-one session of a programme."""

    __tablename__ = "sessions"
    __table_args__ = (
        Index("ix_sessions_starts_at", "starts_at"),
        one_of("state", SessionState),
        one_of("cancelled_by", Party),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    place: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[str] = state_column(SessionState.SCHEDULED)
    # Bumped on every move, so buttons and deliveries of an older time go stale.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    times_moved: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[str | None] = mapped_column(String(16))
    # A cancelled session counts against the programme only if the peer worker says so.
    counts_against: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RearrangeRequest(Base):
    __tablename__ = "rearrange_requests"
    __table_args__ = (one_of("requested_by", Party), one_of("state", RearrangeState))

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    requested_by: Mapped[str] = mapped_column(String(16))
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    wish: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str] = state_column(RearrangeState.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Strategy(Base):
    __tablename__ = "strategies"

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StrategyEntry(Base):
    __tablename__ = "strategy_entries"
    __table_args__ = (one_of("outcome", StrategyOutcome),)

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(
        ForeignKey("strategies.id", ondelete="CASCADE"), index=True
    )
    peer_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(500))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReminderPrefs(Base):
    """A peer's own reminder choice. No row means no reminders (SPEC §1.1)."""

    __tablename__ = "reminder_prefs"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    day_before: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    day_before_at: Mapped[time] = time_of_day(18, 0)
    morning: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    morning_at: Mapped[time] = time_of_day(8, 30)
    hour_before: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    quiet_from: Mapped[time] = time_of_day(21, 0)
    quiet_until: Mapped[time] = time_of_day(8, 0)
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WorkerPrefs(Base):
    __tablename__ = "worker_prefs"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    summary_lead_minutes: Mapped[int] = mapped_column(
        Integer, default=120, server_default=text("120")
    )
    work_from: Mapped[time] = time_of_day(9, 0)
    work_until: Mapped[time] = time_of_day(17, 0)
    # ISO weekdays the worker works, as digits: "12345" is Monday to Friday.
    work_days: Mapped[str] = mapped_column(String(7), default="12345", server_default="12345")
    last_place: Mapped[str | None] = mapped_column(String(120))
    # How many peers at once; None: the deployment's WORKER_CAPACITY.
    capacity: Mapped[int | None] = mapped_column(Integer)
    # Lone-working check-ins (SPEC §8), the worker's own choice when the service uses them.
    safety_checkins: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class CoordinatorPrefs(Base):
    __tablename__ = "coordinator_prefs"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    # ISO: Monday
    digest_weekday: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    digest_at: Mapped[time] = time_of_day(9, 0)


class SafetyCheckin(Base):
    """One lone-working check-in (SPEC §8): a session in the diary of a worker who has them
    on, a visit started with /checkin, or an /sos. The place and times only: never notes."""

    __tablename__ = "safety_checkins"
    __table_args__ = (
        one_of("kind", CheckinKind),
        one_of("state", CheckinState),
        Index("ix_safety_checkins_state_ends_at", "state", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # One check-in a session (unique), whatever times it moves to.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True, unique=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = state_column(CheckinState.OPEN)
    place: Mapped[str | None] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The planned end: "Are you safe?" comes a grace after it, the alert a grace later.
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    safe_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the worker was last heard from (any message or press), for the alert's words.
    last_heard_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Bumped on every change, so "I'm safe" and an alert being raised cannot cross.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))


class Delivery(Base):
    """The ledger of messages the bot sends on its own: one row per occurrence, ever."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("key", name="uq_deliveries_key"),
        Index("ix_deliveries_state_due", "state", "due_at"),
        one_of("kind", DeliveryKind),
        one_of("state", DeliveryState),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(32))
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    # A programme's own messages (its toolbox at the end) name it here.
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    # A safety check-in's messages (SPEC §8) name it here.
    checkin_id: Mapped[int | None] = mapped_column(
        ForeignKey("safety_checkins.id", ondelete="CASCADE"), index=True
    )
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = state_column(DeliveryState.PENDING)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(64))
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)


class Conversation(Base):
    """Where a person is in a multi-step flow; in the database so any replica can go on."""

    __tablename__ = "conversations"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Bumped on every move, so two answers read at the same step cannot both move it on.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))


class BotInfo(Base):
    """Small facts about the deployment learnt at run time (e.g. the bot's username)."""

    __tablename__ = "bot_info"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))


class LastKeyboard(Base):
    """The buttons of the newest keyboard the bot sent to a private chat, so a person can
    type a button's label (or its number) instead of pressing it. Labels and callback data
    only; erased with the person's data."""

    __tablename__ = "last_keyboards"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(BigInteger)
    # [[label, callback data], ...] in the keyboard's reading order.
    buttons: Mapped[list[list[str]]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
