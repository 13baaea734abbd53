"""`peerbot doctor` (SPEC §6), run as an operator runs it, against the local Bot API server."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from telegram import Bot

from bot.config import Settings
from bot.doctor import WebhookInfo, updates_check
from bot.localapi import LocalBotApi
from storage.db import Database
from storage.models import Delivery
from storage.uow import UnitOfWork
from tests import factories
from tests.test_cli import peerbot

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HOOK = "https://bot.example.org/telegram"


def api_env(api: LocalBotApi, database_url: str, **extra: str) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_BASE_URL": api.base_url,
        "TELEGRAM_BASE_FILE_URL": api.base_file_url,
        "DATABASE_URL": database_url,
    } | extra


async def doctor(cwd: Path, env: dict[str, str]) -> tuple[int, dict[str, str]]:
    """Run `peerbot doctor`; its exit code and its lines by check name ("✓ token: …")."""
    code, out, err = await peerbot(cwd, "doctor", **env)
    assert err == "", err  # never a traceback, nor a stray log line
    lines = out.splitlines()
    assert all(line[:2] in ("✓ ", "✗ ") for line in lines), out
    return code, {line[2:].split(":", 1)[0]: line for line in lines}


async def set_webhook(api: LocalBotApi, url: str) -> None:
    """What a `peerbot run` in webhook mode (here or on another machine) told Telegram."""
    async with Bot(api.token, base_url=api.base_url) as bot:
        await bot.set_webhook(url, secret_token="s3cret")


async def test_doctor_passes_on_a_good_setup(tmp_path: Path, database_url: str) -> None:
    async with LocalBotApi() as api:
        code, lines = await doctor(tmp_path, api_env(api, database_url))
    assert code == 0, lines
    assert list(lines) == ["settings", "database", "token", "updates", "backlog"]
    assert all(line.startswith("✓") for line in lines.values())
    assert lines["token"] == "✓ token: valid, the bot is @peerbot_local_bot"
    assert lines["updates"].startswith("✓ updates: long polling")


async def test_doctor_passes_when_telegram_calls_the_webhook_we_set(
    tmp_path: Path, database_url: str
) -> None:
    async with LocalBotApi() as api:
        await set_webhook(api, HOOK)
        env = api_env(api, database_url, WEBHOOK_URL=HOOK, WEBHOOK_SECRET="s3cret")
        code, lines = await doctor(tmp_path, env)
    assert code == 0, lines
    assert lines["updates"] == f"✓ updates: webhook at {HOOK}; 0 update(s) waiting"


async def test_doctor_names_a_webhook_url_that_does_not_match(
    tmp_path: Path, database_url: str
) -> None:
    async with LocalBotApi() as api:
        await set_webhook(api, "https://old.example.org/telegram")
        env = api_env(api, database_url, WEBHOOK_URL=HOOK, WEBHOOK_SECRET="s3cret")
        code, lines = await doctor(tmp_path, env)
    assert code == 1
    assert lines["updates"].startswith(
        f"✗ updates: Telegram's webhook is https://old.example.org/telegram, WEBHOOK_URL is {HOOK}"
    )
    assert all(lines[name].startswith("✓") for name in ("settings", "database", "token"))


async def test_doctor_names_a_webhook_left_behind_when_polling(
    tmp_path: Path, database_url: str
) -> None:
    async with LocalBotApi() as api:
        await set_webhook(api, HOOK)
        code, lines = await doctor(tmp_path, api_env(api, database_url))
    assert code == 1
    assert "WEBHOOK_URL is not set" in lines["updates"] and lines["updates"].startswith("✗")


async def test_doctor_names_a_token_telegram_refuses(tmp_path: Path, database_url: str) -> None:
    async with LocalBotApi() as api:
        env = api_env(api, database_url, TELEGRAM_BOT_TOKEN="123456:NOT-THE-TOKEN")
        code, lines = await doctor(tmp_path, env)
    assert code == 1
    assert lines["token"] == (
        "✗ token: Telegram refused TELEGRAM_BOT_TOKEN: copy it again from @BotFather"
    )
    assert lines["database"].startswith("✓")


async def test_doctor_names_an_unreachable_database(tmp_path: Path) -> None:
    async with LocalBotApi() as api:
        env = api_env(api, "postgresql+asyncpg://postgres@127.0.0.1:1/peerbot")
        code, lines = await doctor(tmp_path, env)
    assert code == 1
    assert lines["database"].startswith("✗ database: cannot be reached")
    assert "check DATABASE_URL" in lines["database"]
    assert lines["token"].startswith("✓")
    assert lines["backlog"] == "✗ backlog: not checked: needs the database"


async def test_doctor_says_to_run_the_migrations_on_a_database_behind(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()  # a database file with no migrations applied
    async with LocalBotApi() as api:
        code, lines = await doctor(tmp_path, api_env(api, f"sqlite+aiosqlite:///{path}"))
    assert code == 1
    assert "migrations are pending: run `peerbot db upgrade`" in lines["database"]


async def test_doctor_names_a_bad_setting_and_checks_nothing_else(tmp_path: Path) -> None:
    code, lines = await doctor(tmp_path, {"TIMEZONE": "Atlantis/Capital"})
    assert code == 1
    assert lines["settings"].startswith("✗ settings: TIMEZONE: unknown time zone")
    assert lines["token"] == "✗ token: not checked: needs the settings"


async def test_doctor_names_a_backlog_nobody_is_sending(
    tmp_path: Path, database_url: str, db: Database
) -> None:
    now = datetime.now(UTC)
    async with UnitOfWork(db) as uow:
        peer = await factories.person(uow, "peer", "Sam", telegram_id=4001, now=now)
        uow.session.add(
            Delivery(
                key="t:1", kind="digest", recipient_id=peer.id, due_at=now - timedelta(hours=1)
            )
        )
        await uow.commit()
    async with LocalBotApi() as api:
        code, lines = await doctor(tmp_path, api_env(api, database_url))
    assert code == 1
    assert lines["backlog"].startswith("✗ backlog: 1 due and unsent, the oldest waiting 36")
    assert "is `peerbot run` running?" in lines["backlog"]


def test_telegrams_recent_webhook_error_is_shown_with_what_to_do() -> None:
    settings = Settings(webhook_url=HOOK, webhook_secret="s3cret")
    info = WebhookInfo.from_api(  # as getWebhookInfo answers
        {
            "url": HOOK,
            "has_custom_certificate": False,
            "pending_update_count": 12,
            "last_error_date": int((NOW - timedelta(minutes=3)).timestamp()),
            "last_error_message": "Wrong response from the webhook: 502 Bad Gateway",
        }
    )
    check = updates_check(settings, info, NOW)
    assert check.line == (
        "✗ updates: Telegram's last error, 3 min ago: Wrong response from the webhook: "
        "502 Bad Gateway; 12 update(s) waiting: check that the proxy passes WEBHOOK_URL on "
        "to WEBHOOK_LISTEN:WEBHOOK_PORT"
    )
    old = WebhookInfo(
        url=HOOK,
        pending_update_count=0,
        last_error_date=NOW - timedelta(days=2),
        last_error_message="Connection timed out",
    )
    assert updates_check(settings, old, NOW).ok


async def test_doctor_has_help(tmp_path: Path) -> None:
    code, out, _ = await peerbot(tmp_path, "doctor", "--help")
    assert code == 0 and out.startswith("usage: peerbot doctor")
