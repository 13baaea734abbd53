"""The newest keyboard each private chat was shown (table `last_keyboards`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select

from storage.models import LastKeyboard
from storage.repositories.base import Repository


class KeyboardRepository(Repository):
    async def last(self, chat_id: int) -> LastKeyboard | None:
        return await self.session.scalar(
            select(LastKeyboard).where(LastKeyboard.chat_id == chat_id)
        )

    async def remember(
        self, chat_id: int, message_id: int, buttons: Sequence[tuple[str, str]], now: datetime
    ) -> None:
        """Keep this keyboard as the chat's newest, replacing the one before."""
        row = await self.session.get(LastKeyboard, chat_id)
        if row is None:
            row = LastKeyboard(chat_id=chat_id)
            self.session.add(row)
        row.message_id, row.sent_at = message_id, now
        row.buttons = [[label, data] for label, data in buttons]

    async def forget(self, chat_id: int, message_id: int | None = None) -> None:
        """Forget the chat's keyboard (only if it is still message `message_id`'s, if given)."""
        query = delete(LastKeyboard).where(LastKeyboard.chat_id == chat_id)
        if message_id is not None:
            query = query.where(LastKeyboard.message_id == message_id)
        await self.session.execute(query)
