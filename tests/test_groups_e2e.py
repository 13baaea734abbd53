"""Group chats (SPEC §2): the bot works in private chats only, says so at most once in a
group, and never posts anyone's data there."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.localapi import group_json, in_group
from bot.localapi.models import MESSAGE_METHODS
from tests.edges_world import rows
from tests.harness import Harness

TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
GROUP = -1001234


def posted(calls: list, chat_id: int) -> list:  # type: ignore[type-arg]
    return [c for c in calls if c.method in MESSAGE_METHODS and c.params.get("chat_id") == chat_id]


async def test_nothing_of_anyones_reaches_a_group_and_the_note_comes_once(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    await worker.send("/schedule Sam 2026-12-03 10:00 60 Community room")
    await peer.send("/log")
    await peer.send("Walk")
    await peer.press("Helped")
    await peer.press("Skip")
    before = await rows(bot, without=("bot_info",))
    seen_by_worker, seen_by_peer = len(worker.messages), len(peer.messages)

    calls = await in_group(bot.api, worker, GROUP, "/summary Sam")
    calls += await in_group(bot.api, peer, GROUP, "/mydata")
    calls += await in_group(bot.api, peer, GROUP, "/next")
    calls += await in_group(bot.api, worker, GROUP, "/diary")
    await bot.restart()  # the note is remembered in the database, not in the process
    calls += await in_group(bot.api, peer, GROUP, "/calendar")
    calls += await in_group(bot.api, peer, GROUP, "hello everyone")

    notes = posted(calls, GROUP)
    assert [c.method for c in notes] == ["sendMessage"]
    assert notes[0].params["text"] == (
        "I only work in private chats. Please write to me there: open my profile and press Start."
    )
    texts = " ".join(str(m.text) for m in bot.api.chat(GROUP))
    for private in ("Sam", "Walk", "Community room", "10:00", "Wren"):
        assert private not in texts
    assert not [c for c in calls if c.method == "sendDocument"]
    assert (len(worker.messages), len(peer.messages)) == (seen_by_worker, seen_by_peer)
    assert await rows(bot, without=("bot_info",)) == before


async def test_each_group_gets_its_own_single_note(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, worker, _ = await bot.team()
    first = await in_group(bot.api, worker, GROUP, "/help")
    other = await in_group(bot.api, worker, GROUP - 1, "/help", kind="supergroup")
    again = await in_group(bot.api, worker, GROUP - 1, "/start")
    assert len(posted(first, GROUP)) == 1 and len(posted(other, GROUP - 1)) == 1
    assert posted(again, GROUP - 1) == []


async def test_being_removed_from_a_group_posts_nothing_there(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, worker, _ = await bot.team()
    start = len(bot.api.calls)
    member = {"user": bot.api.bot_user, "status": "member"}
    update = bot.api.enqueue_update(
        "my_chat_member",
        {
            "chat": group_json(GROUP),
            "from": dict(worker.user),
            "date": 1,
            "old_chat_member": member,
            "new_chat_member": {**member, "status": "kicked", "until_date": 0},
        },
    )
    deadline = asyncio.get_running_loop().time() + 10
    assert await bot.api.wait_for(lambda: update.fetched_at is not None, deadline)
    assert await bot.api.until_idle(deadline)
    assert posted(bot.api.calls[start:], GROUP) == []
    assert await in_group(bot.api, worker, GROUP, "/help")  # the note still comes, once
    assert len(posted(bot.api.calls[start:], GROUP)) == 1
