"""`peerbot doctor` (SPEC §6): one line per check, ✓ or ✗ and what to do; never a traceback.

The checks, in order: the settings, the database (reachable, migrations current), the
token (getMe), how updates arrive (getWebhookInfo: the URL matches WEBHOOK_URL, pending
updates, Telegram's last error), the scheduler's backlog. A check that needs one that
failed says so instead of running.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import ClientError, ClientSession
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.config import ConfigError, Settings, load
from bot.health import Backlog, backlog
from storage.db import Database, open_database
from storage.migrate import is_current

# Each check that goes over the network gives up after this long.
CHECK_TIMEOUT_SECONDS = 10.0
# Telegram's last webhook error counts while it is this recent.
RECENT_ERROR = timedelta(hours=1)
TELEGRAM = "https://api.telegram.org/bot"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    @property
    def line(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.name}: {self.detail}"


def passed(name: str, detail: str) -> Check:
    return Check(name, True, detail)


def failed(name: str, detail: str) -> Check:
    return Check(name, False, detail)


def settings_check(env_file: str | Path | None) -> tuple[Check, Settings | None]:
    try:
        settings = load(env_file)
    except ConfigError as error:
        return failed("settings", f"{error} (fix it in .env or the environment)"), None
    mode = f"webhook at {settings.webhook_url}" if settings.webhook_url else "long polling"
    return passed("settings", f"all readable; {mode}"), settings


def _reason(error: BaseException) -> str:
    return "no answer in time" if isinstance(error, TimeoutError) else type(error).__name__


def _sqlite_file(settings: Settings) -> Path | None:
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


async def database_check(settings: Settings, db: Database) -> Check:
    missing = _sqlite_file(settings)
    if missing is not None and not missing.parent.is_dir():
        return failed("database", f"the folder {missing.parent} does not exist (DATABASE_URL)")
    if missing is not None and not missing.is_file():
        # Connecting would create an empty file: say what will make it instead.
        return failed(
            "database",
            f"no SQLite file at {missing} yet (DATABASE_URL): `peerbot db upgrade` makes it",
        )
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            async with db.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            current = await is_current(db.engine)
    except Exception as error:  # whatever the driver raises: the database is out of reach
        return failed(
            "database",
            f"cannot be reached ({_reason(error)}): check DATABASE_URL and that the "
            "database server is running",
        )
    if not current:
        return failed("database", "reachable, but migrations are pending: run `peerbot db upgrade`")
    return passed("database", "reachable, migrations current")


class Refused(Exception):
    """The Bot API answered a call with an error (its code is kept; never the URL)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class WebhookInfo:
    """What getWebhookInfo says (the fields the doctor reads)."""

    url: str
    pending_update_count: int
    last_error_date: datetime | None = None
    last_error_message: str | None = None

    @classmethod
    def from_api(cls, result: dict[str, Any]) -> WebhookInfo:
        when = result.get("last_error_date")
        return cls(
            url=str(result.get("url") or ""),
            pending_update_count=int(result.get("pending_update_count") or 0),
            last_error_date=datetime.fromtimestamp(when, UTC) if when else None,
            last_error_message=result.get("last_error_message") or None,
        )


class BotApi:
    """The two Bot API calls the doctor makes, over plain HTTP (the URL holds the token,
    so it is never printed or logged)."""

    def __init__(self, settings: Settings, token: str, client: ClientSession) -> None:
        self._base = f"{settings.telegram_base_url or TELEGRAM}{token}"
        self._client = client

    async def call(self, method: str) -> Any:
        async with self._client.post(f"{self._base}/{method}") as answer:
            body = await answer.json(content_type=None)
        if not isinstance(body, dict) or not body.get("ok"):
            code = body.get("error_code") if isinstance(body, dict) else None
            raise Refused(int(code or answer.status))
        return body["result"]


def _api_host(settings: Settings) -> str:
    return urlsplit(settings.telegram_base_url or TELEGRAM).netloc


def _no_token(detail: str, because: str = "needs a working token") -> list[Check]:
    return [failed("token", detail), failed("updates", f"not checked: {because}")]


async def telegram_checks(settings: Settings, now: datetime) -> list[Check]:
    """The token (getMe), then how updates arrive (getWebhookInfo)."""
    token = settings.telegram_bot_token
    if not token:
        return _no_token("TELEGRAM_BOT_TOKEN is not set: get one from @BotFather, put it in .env")
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS), ClientSession() as client:
            api = BotApi(settings, token, client)
            me = await api.call("getMe")
            info = WebhookInfo.from_api(await api.call("getWebhookInfo"))
    except Refused as error:
        if error.code in (401, 404):  # what Telegram answers to a token it does not know
            return _no_token("Telegram refused TELEGRAM_BOT_TOKEN: copy it again from @BotFather")
        return _no_token(f"Telegram answered error {error.code}: try again in a minute")
    except (OSError, ClientError, TimeoutError, ValueError) as error:
        return _no_token(
            f"Telegram cannot be reached at {_api_host(settings)} ({_reason(error)}): "
            "check the network (or TELEGRAM_BASE_URL)",
            "Telegram cannot be reached",
        )
    return [
        passed("token", f"valid, the bot is @{me.get('username')}"),
        updates_check(settings, info, now),
    ]


def updates_check(settings: Settings, info: WebhookInfo, now: datetime) -> Check:
    """How Telegram hands us updates, against what WEBHOOK_URL says it should."""
    pending = f"{info.pending_update_count} update(s) waiting"
    if not settings.webhook_url:
        if info.url:
            return failed(
                "updates",
                f"Telegram sends updates to a webhook at {info.url} but WEBHOOK_URL is not set: "
                "set WEBHOOK_URL to it, or let `peerbot run` remove it and poll",
            )
        return passed("updates", f"long polling; {pending}")
    if not info.url:
        return passed("updates", f"no webhook set yet: `peerbot run` sets it; {pending}")
    if info.url != settings.webhook_url:
        return failed(
            "updates",
            f"Telegram's webhook is {info.url}, WEBHOOK_URL is {settings.webhook_url}: "
            "make them the same (restarting `peerbot run` sets Telegram's to WEBHOOK_URL)",
        )
    error_at = info.last_error_date
    if info.last_error_message and error_at is not None and now - error_at <= RECENT_ERROR:
        minutes = int((now - error_at).total_seconds() // 60)
        return failed(
            "updates",
            f"Telegram's last error, {minutes} min ago: {info.last_error_message}; {pending}: "
            "check that the proxy passes WEBHOOK_URL on to WEBHOOK_LISTEN:WEBHOOK_PORT",
        )
    return passed("updates", f"webhook at {info.url}; {pending}")


def backlog_check(settings: Settings, found: Backlog) -> Check:
    """Due-but-unsent deliveries; stuck when the oldest waited ten ticks (or five minutes)."""
    late = max(300.0, 10.0 * settings.scheduler_tick_seconds)
    age = found.oldest_due_age_seconds
    detail = f"{found.due_unsent} due and unsent, the oldest waiting {age:.0f} s"
    if found.due_unsent and age > late:
        return failed(
            "backlog",
            f"{detail}: is `peerbot run` running? Its log says why it cannot send",
        )
    return passed("backlog", detail)


async def _guarded(name: str, check: Callable[[], Awaitable[Check]]) -> Check:
    try:
        return await check()
    except Exception as error:  # a check that breaks is a ✗, never a traceback
        return failed(name, f"the check itself failed ({type(error).__name__})")


async def diagnose(env_file: str | Path | None, now: datetime | None = None) -> list[Check]:
    """Every check's result, in order."""
    now = now or datetime.now(UTC)
    first, settings = settings_check(env_file)
    if settings is None:
        later = ("database", "token", "updates", "backlog")
        return [first] + [failed(name, "not checked: needs the settings") for name in later]
    checks = [first]
    db = open_database(settings.database_url)
    try:
        database = await _guarded("database", lambda: database_check(settings, db))
        checks.append(database)
        try:
            checks += await telegram_checks(settings, now)
        except Exception as error:
            checks.append(failed("token", f"the check itself failed ({type(error).__name__})"))
        if not database.ok:
            checks.append(failed("backlog", "not checked: needs the database"))
        else:
            checks.append(await _guarded("backlog", lambda: _backlog_check(settings, db, now)))
    finally:
        await db.dispose()
    return checks


async def _backlog_check(settings: Settings, db: Database, now: datetime) -> Check:
    async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
        return backlog_check(settings, await backlog(db, now))
