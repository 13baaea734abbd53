"""What the bot keeps for itself: where a flow is, the last keyboard, deployment facts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


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
