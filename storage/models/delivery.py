"""The ledger of messages the bot sends on its own."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import DeliveryKind, DeliveryState
from storage.models.base import Base
from storage.types import UTCDateTime, one_of, state_column


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
