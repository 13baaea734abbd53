"""Group chats (SPEC §2): the bot works in private chats only and says so once per group."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from storage.uow import UnitOfWork

# bot_info's key remembering that a group has had its note, one per chat id.
NOTE_KEY = "group_note:{chat_id}"


async def first_word_in_group(uow: UnitOfWork, chat_id: int, *, now: datetime) -> bool:
    """True once per group: the first time, so that the caller says "private chats only"."""
    key = NOTE_KEY.format(chat_id=chat_id)
    if await uow.bot_info.get(key) is not None:
        return False
    await uow.bot_info.put(key, now.isoformat())
    try:
        await uow.commit()
    except IntegrityError:  # another replica wrote it first: that one says it
        return False
    return True
