"""Group chats: a person writing to the bot in a group, as a fuzzed or careless update would.

The bot works in private chats only (SPEC §2); tests use this to see what it does in a group:
``await in_group(api, person, -100, "/summary Sam")`` returns every call the bot made while
handling it, so a test can assert nothing of anyone's reached the group.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from .models import ApiCall
from .people import Person, command_entities

if TYPE_CHECKING:
    from .server import LocalBotApi


def group_json(chat_id: int, title: str = "Team room", kind: str = "group") -> dict[str, Any]:
    """Telegram's chat object of a group (negative id), supergroup or channel."""
    return {"id": chat_id, "type": kind, "title": title}


async def in_group(
    api: LocalBotApi,
    person: Person,
    chat_id: int,
    text: str,
    *,
    kind: str = "group",
    timeout: float = 10.0,  # noqa: ASYNC109
) -> list[ApiCall]:
    """``person`` writes ``text`` in group ``chat_id``; the bot's calls until it is idle."""
    payload: dict[str, Any] = {
        "message_id": api.next_message_id(chat_id),
        "date": int(time.time()),
        "chat": group_json(chat_id, kind=kind),
        "from": dict(person.user),
        "text": text,
    }
    if entities := command_entities(text):
        payload["entities"] = entities
    start = len(api.calls)
    update = api.enqueue_update("message", payload)
    deadline = asyncio.get_running_loop().time() + timeout
    if not await api.wait_for(lambda: update.fetched_at is not None, deadline):
        raise AssertionError(f"the bot never fetched update {update.update_id}")
    if not await api.until_idle(deadline):
        raise AssertionError(f"the bot did not finish with {text!r}: {api.busy()}")
    return [c for c in api.calls[start:] if c.method != "getUpdates"]
