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

    async def forget(self, chat_id: int) -> None:
        await self.session.execute(delete(LastKeyboard).where(LastKeyboard.chat_id == chat_id))
