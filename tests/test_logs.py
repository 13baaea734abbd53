"""Logs hold ids and events, never what people typed or their names (SPEC §1.4, STYLE)."""

from __future__ import annotations

import logging

import pytest

from tests.harness import Harness, token_in

NAMES = ("Chrysanthemum", "Wilhelmina", "Zebedee Quillfeather", "Zebulon")
TYPED = ("I have had a wobbly week with the neighbours", "Thursday suits me after lunch")
# Libraries whose DEBUG lines dump whole updates (python-telegram-bot) or SQL parameters
# (the database drivers): a deployment must keep them at INFO or above even when
# LOG_LEVEL=DEBUG. Every other logger, ours included, is checked at every level.
LIBRARIES = ("telegram", "aiosqlite", "asyncpg", "sqlalchemy", "httpx", "httpcore", "apscheduler")


def checked(record: logging.LogRecord) -> bool:
    library = record.name.split(".")[0] in LIBRARIES
    return not library or record.levelno >= logging.INFO


async def test_a_full_flow_logs_no_names_and_no_typed_text(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    coordinator = await bot.join_coordinator("Chrysanthemum")
    worker = await bot.join_worker(coordinator, "Wilhelmina")
    [invitation, _qr] = await worker.send("/addpeer Zebedee Quillfeather")
    peer = bot.api.person("Zebulon")
    await peer.send(f"/start {token_in(invitation.text)}")
    await peer.send("/help")
    [export] = await peer.send("/mydata")
    assert b"Zebedee Quillfeather" in (export.document or b"")
    for text in TYPED:
        await peer.send(text)
    await worker.send("/help")

    ours = [r for r in caplog.records if r.name.startswith(("bot.", "handlers.", "scheduler."))]
    assert ours, "the flow should have logged some events of ours"
    for record in filter(checked, caplog.records):
        message = record.getMessage()
        for secret in (*NAMES, *TYPED):
            assert secret not in message, f"{record.name} logged {secret!r}: {message[:200]}"
