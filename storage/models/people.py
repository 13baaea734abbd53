"""Who someone is: a role, a Telegram id, a display name (SPEC §1.4), and their invitation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import Role
from storage.models.base import Base
from storage.types import UTCDateTime, one_of


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
