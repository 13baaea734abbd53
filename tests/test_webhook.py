"""Webhook mode (WEBHOOK_URL set): Telegram pushes updates; the secret keeps others out."""

from __future__ import annotations

import socket

from aiohttp import ClientSession

from tests.conftest import Clock
from tests.harness import running_bot


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_the_bot_takes_updates_by_webhook_and_refuses_a_wrong_secret(
    database_url: str, clock: Clock
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    async with running_bot(
        database_url,
        clock,
        webhook_url=url,
        webhook_secret="s3cret-token",
        webhook_listen="127.0.0.1",
        webhook_port=port,
    ) as bot:
        assert bot.api.webhook_url == url and bot.api.webhook_secret == "s3cret-token"
        coordinator = await bot.join_coordinator()
        replies = await coordinator.send("/help")
        assert "You're here as a coordinator" in (replies[0].text or "")

        forged = {
            "update_id": 999,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 4242, "type": "private", "first_name": "Mallory"},
                "from": {"id": 4242, "is_bot": False, "first_name": "Mallory"},
                "text": "/help",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        }
        async with ClientSession() as client:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}):
                async with client.post(url, json=forged, headers=headers) as answer:
                    assert answer.status == 403
        stranger = bot.api.person("Mallory", user_id=4242)
        await stranger.expect_silence(1.0)
