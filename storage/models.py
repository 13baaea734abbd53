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
    DeliveryKind as DeliveryKind,
    DeliveryState as DeliveryState,
    Party as Party,
    ProgrammeState as ProgrammeState,
    RearrangeState as RearrangeState,
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
    __table_args__ = (one_of("role", Role),)

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
    __table_args__ = (one_of("state", ProgrammeState),)

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    planned_sessions: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = state_column(ProgrammeState.ACTIVE)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


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


class CoordinatorPrefs(Base):
    __tablename__ = "coordinator_prefs"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    # ISO: Monday
    digest_weekday: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    digest_at: Mapped[time] = time_of_day(9, 0)


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
