"""Lone-working check-ins (SPEC §8)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import CheckinKind, CheckinState
from storage.models.base import Base
from storage.types import UTCDateTime, one_of, state_column


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
