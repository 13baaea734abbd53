"""Referrals, programmes, their sessions, requests to rearrange them and the ending's answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, false, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import (
    CloseReason,
    Party,
    ProgrammeState,
    RearrangeState,
    Recommend,
    ReferralCloseReason,
    ReferralState,
    SessionState,
)
from storage.models.base import Base
from storage.types import UTCDateTime, one_of, state_column


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
