"""The application factory and the async runner behind `peerbot run` (and the sandbox)."""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    BaseUpdateProcessor,
    ContextTypes,
)

import handlers
import scheduler
from bot.config import ConfigError, Settings
from bot.context import BotData, utc_now
from bot.health import serving_health
from bot.heap import freeze_what_start_built
from bot.i18n import use_default
from bot.metrics import UPDATE_ERRORS, UPDATES as HANDLED
from bot.updates import PerChatOrder, concurrent_updates
from handlers.common import Context
from handlers.menus import registered_commands, set_default_menu
from scheduler.sending import RateLimiter
from storage.db import Database, open_database
from storage.migrate import upgrade_engine
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

# What the bot asks Telegram for: no edits, channel posts, inline queries or polls.
UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]

PeerbotApp = Application  # type: ignore[type-arg]

# While Telegram cannot be reached at start: wait 1 s, then 2, 4 … up to a minute, for ever.
RETRY_FIRST_SECONDS = 1.0
RETRY_CAP_SECONDS = 60.0


async def _announce(app: PeerbotApp) -> None:
    """Remember who we are and set the strangers' menu (after `initialize` called getMe)."""
    data: BotData = app.bot_data
    async with UnitOfWork(data.db) as uow:
        # Remembered so that `peerbot invite coordinator` can build links without a token.
        await uow.bot_info.put("bot_username", app.bot.username)
        await uow.commit()
    await set_default_menu(app.bot, data.commands, data.settings.default_language)
    log.info("bot %s ready", app.bot.id)


async def fetch_bot_username(settings: Settings) -> str | None:
    """Ask the Bot API who we are; None when there is no token or no answer."""
    if not settings.telegram_bot_token:
        return None
    try:
        async with _bot(settings) as bot:
            return bot.username
    except TelegramError as error:
        log.warning("could not ask Telegram for the bot's username: %s", type(error).__name__)
        return None


def _bot(settings: Settings) -> Bot:
    return Bot(
        settings.require_token(),
        base_url=settings.telegram_base_url or "https://api.telegram.org/bot",
        base_file_url=settings.telegram_base_file_url or "https://api.telegram.org/file/bot",
    )


Callback = Callable[..., Coroutine[object, object, object]]


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Updates side by side across chats, in order within one chat (bot/updates.py)."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self.order = PerChatOrder()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await self.order.run(update, coroutine)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: PTB awaits the running updates' tasks itself."""


def _counted(callback: Callback) -> Callback:
    """`callback`, counting the updates it takes and those it fails on, by its name."""
    name = callback.__name__

    @functools.wraps(callback)
    async def run(update: object, context: object) -> object:
        HANDLED.labels(name).inc()
        try:
            return await callback(update, context)
        except ApplicationHandlerStop:
            raise
        except Exception:
            UPDATE_ERRORS.labels(name).inc()
            raise

    return run


def _count_updates(app: PeerbotApp) -> None:
    for group in app.handlers.values():
        for handler in group:
            handler.callback = _counted(handler.callback)


def build_application(
    settings: Settings,
    db: Database,
    *,
    clock: Callable[[], datetime] = utc_now,
    rate_limit: bool = True,
    concurrent: bool = True,
) -> PeerbotApp:
    """The real Application: handlers registered in order, the scheduler's tick added.

    Updates of different chats run side by side, each chat's in order (bot/updates.py).
    """
    builder = (
        ApplicationBuilder()
        .token(settings.require_token())
        .context_types(ContextTypes(context=Context, bot_data=BotData))
    )
    if concurrent:
        processor = PerChatUpdateProcessor(concurrent_updates(db.is_sqlite))
        builder = builder.concurrent_updates(processor)
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url)
    if settings.telegram_base_file_url:
        builder = builder.base_file_url(settings.telegram_base_file_url)
    if rate_limit:
        # Keeps sends within Telegram's limits, a person's answers first and the scheduler's
        # deliveries in their own budget. It waits out a 429 for handler replies only (a
        # person is waiting for that answer); deliveries' Sender owns their 429s.
        builder = builder.rate_limiter(RateLimiter(max_retries=3))  # type: ignore[arg-type]
    app = builder.build()
    data: BotData = app.bot_data
    data.settings, data.db, data.clock = settings, db, clock
    use_default(settings.default_language)  # the language of readers whose own is unknown
    handlers.register(app)
    _count_updates(app)
    scheduler.register(app)
    data.commands = registered_commands(app)
    return app


async def start_app(app: PeerbotApp, settings: Settings, *, poll_timeout: int = 10) -> None:
    """Start taking updates: a webhook when WEBHOOK_URL is set, long polling otherwise."""
    await app.initialize()
    await _announce(app)
    await app.start()
    assert app.updater is not None
    if settings.webhook_url:
        await app.updater.start_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            # Listen on WEBHOOK_URL's own path, so a proxy can pass requests straight on.
            url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=UPDATES,
        )
    else:
        await app.updater.start_polling(
            poll_interval=0, timeout=poll_timeout, allowed_updates=UPDATES
        )


async def stop_app(app: PeerbotApp) -> None:
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()


def retry_delays(
    first: float = RETRY_FIRST_SECONDS, cap: float = RETRY_CAP_SECONDS
) -> Iterator[float]:
    """The waits between tries: `first`, doubling each time, then `cap` for ever."""
    delay = min(first, cap)
    while True:
        yield delay
        delay = min(delay * 2, cap)


def _api_address(settings: Settings) -> str:
    """Where the Bot API is, for logs: host and port only (the token is never in it)."""
    parts = urlsplit(settings.telegram_base_url or "https://api.telegram.org/bot")
    host = parts.hostname or "?"
    return f"{host}:{parts.port}" if parts.port else host


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def _is_set_within(event: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(event.wait(), seconds)
    except TimeoutError:
        return False
    return True


async def start_when_reachable(
    app: PeerbotApp,
    settings: Settings,
    stop: asyncio.Event,
    *,
    delays: Iterable[float] | None = None,
) -> bool:
    """`start_app`, tried again with back-off while Telegram cannot be reached.

    A service manager would otherwise restart a crashed bot in a loop while the network is
    down. Each failed try logs one line (no token, no traceback). Returns False, with
    nothing left running, when `stop` is set first.
    """
    where = _api_address(settings)
    for delay in retry_delays() if delays is None else delays:
        try:
            await start_app(app, settings)
            return True
        except InvalidToken:
            await stop_app(app)
            # Waiting cannot mend a wrong token: stop with the setting's name instead.
            raise ConfigError("TELEGRAM_BOT_TOKEN", "Telegram refused this token") from None
        except RetryAfter as error:
            await stop_app(app)
            delay = max(delay, _seconds(error.retry_after))
            log.warning("Telegram at %s asks us to wait; trying again in %g s", where, delay)
        except NetworkError as error:  # refused, no route, timed out, a 5xx answer
            await stop_app(app)
            log.warning(
                "Telegram cannot be reached at %s (%s); trying again in %g s",
                where,
                type(error).__name__,
                delay,
            )
        if await _is_set_within(stop, delay):
            return False
    return False


async def serve(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Migrate, then run the bot until SIGINT/SIGTERM (or `stop` is set)."""
    db = open_database(settings.database_url)
    try:
        await upgrade_engine(db.engine)
        app = build_application(settings, db)
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with serving_health(app, settings, db):
            if not await start_when_reachable(app, settings, stop):
                return
            freeze_what_start_built()
            try:
                await stop.wait()
            finally:
                await stop_app(app)
    finally:
        await db.dispose()
