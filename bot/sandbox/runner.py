"""`peerbot sandbox`: the local Bot API server, the real bot against it, and a terminal chat.

The bot is built and started exactly as `peerbot run` does it (build_application,
start_app, stop_app); only the Bot API's base URL and the database differ.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.app import build_application, start_app, stop_app
from bot.config import Settings
from bot.health import backlog
from bot.i18n import _, use_default
from bot.localapi import LocalBotApi, watch_application
from bot.sandbox.chat import Chat
from bot.sandbox.clock import SpeedClock
from bot.sandbox.screen import Screen
from bot.sandbox.seed import NotASandbox, existing_cast, reuse, seed
from storage.db import Database, open_database
from storage.migrate import upgrade_engine

log = logging.getLogger(__name__)

# Due reminders and summaries are looked for this often (real seconds), so that even at
# --speed 60 they arrive within a minute or so of their time.
TICK_SECONDS = 1
# A /wait then waits at most this long more for what fell due to go out.
CATCH_UP_SECONDS = 30.0


class SandboxError(Exception):
    """A problem with the sandbox's options, worded for the command line."""


@dataclass(frozen=True)
class Options:
    db: Path | None = None
    files: Path = Path("sandbox-files")
    speed: float = 1.0
    script: Path | None = None
    # Where the bot's clock starts (default: now); naive means in the service's zone.
    start: datetime | None = None


LOG_NAME = "sandbox.log"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _say(line: str = "") -> None:
    try:
        print(line, flush=True)
    except BrokenPipeError:
        # The reader went away (`| head`): carry on quietly rather than fail at every line.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def play(settings: Settings, options: Options) -> int:
    """`peerbot sandbox`: run() with every log record going to the log file from the first
    (asyncio's own, as its loop starts, included); the exit code."""
    # The sandbox's own lines, from the first, in the deployment's language (the bot's
    # people keep their own, as on Telegram).
    use_default(settings.default_language)
    with _logging_to(options.files / LOG_NAME):
        return asyncio.run(run(settings, options))


async def run(settings: Settings, options: Options) -> int:
    """Run the sandbox until the script ends or the person leaves; the exit code."""
    lines: list[str] | None = None
    if options.script is not None:
        try:
            lines = options.script.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            problem = error.strerror or type(error).__name__
            raise SandboxError(
                _("--script: cannot read {path} ({problem})", path=options.script, problem=problem)
            ) from None
        except UnicodeDecodeError:
            raise SandboxError(
                _("--script: {path} is not UTF-8 text", path=options.script)
            ) from None
    start = options.start
    if start is not None and start.tzinfo is None:
        start = start.replace(tzinfo=settings.tz)
    clock = SpeedClock(options.speed, start)
    _banner(options)
    return await _sandbox(settings, options, lines, clock)


async def _sandbox(
    settings: Settings, options: Options, lines: list[str] | None, clock: SpeedClock
) -> int:
    with tempfile.TemporaryDirectory(prefix="peerbot-sandbox-") as scratch:
        path = options.db or Path(scratch) / "sandbox.db"
        async with _running_bot(settings, path, clock) as running:
            screen = Screen(running.api, options.files, clock, running.settings.tz, _say)
            interactive = lines is None and sys.stdin.isatty()
            chat = Chat(
                running.api,
                screen,
                clock,
                running.settings.tz,
                speed=options.speed,
                echo=not interactive,
                sent_what_is_due=functools.partial(_sent_what_is_due, running.db, clock),
            )
            if running.cast is None:
                await seed(chat, running.db, running.settings)
            else:
                chat.cast(reuse(running.api, running.cast))
                _say(_("(carrying on with the people in {db})", db=options.db))
            watcher = asyncio.create_task(chat.watch())
            try:
                _say(chat.help_line())
                await _play(chat, lines, interactive)
                # Let replies to the last line, and anything due right now, arrive.
                async with chat.lock:
                    await chat.settle()
                    chat.drain(None, on_its_own=True)
            finally:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
    return 0


@dataclass(frozen=True)
class Running:
    api: LocalBotApi
    settings: Settings
    db: Database
    cast: dict[str, tuple[int, str]] | None


async def _sent_what_is_due(db: Database, clock: Callable[[], datetime]) -> None:
    """Wait (up to CATCH_UP_SECONDS) until no delivery due by the bot's clock is unsent:
    the ledger is read every tenth of a second (nothing else tells when a send is done)."""
    for _try in range(int(CATCH_UP_SECONDS * 10)):
        if not (await backlog(db, clock())).due_unsent:
            return
        await asyncio.sleep(0.1)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path.absolute()}"


@contextlib.asynccontextmanager
async def _running_bot(
    settings: Settings, path: Path, clock: Callable[[], datetime]
) -> AsyncIterator[Running]:
    """The database migrated, the local Bot API listening and the bot polling it."""
    url = sqlite_url(path)
    db = open_database(url)
    try:
        try:
            await upgrade_engine(db.engine)
            cast = await existing_cast(db)
        except NotASandbox:
            raise SandboxError(
                _(
                    "--db: {path} holds people the sandbox did not make; "
                    "the sandbox only uses its own databases (give a new file name)",
                    path=path,
                )
            ) from None
        except (OSError, SQLAlchemyError) as error:
            raise SandboxError(
                _("--db: cannot open {path} ({problem})", path=path, problem=type(error).__name__)
            ) from None
        async with LocalBotApi() as api:
            bot_settings = replace(
                settings,
                telegram_bot_token=api.token,
                telegram_base_url=api.base_url,
                telegram_base_file_url=api.base_file_url,
                telegram_bot_username=api.bot_username,
                database_url=url,
                webhook_url=None,
                scheduler_tick_seconds=min(settings.scheduler_tick_seconds, TICK_SECONDS),
            )
            app = build_application(bot_settings, db, clock=clock)
            # The chat then waits until the bot is idle, not for a fixed quiet moment.
            watch_application(api, app)
            await start_app(app, bot_settings, poll_timeout=1)
            try:
                yield Running(api, bot_settings, db, cast)
            finally:
                await stop_app(app)
    finally:
        await db.dispose()


@contextlib.contextmanager
def _logging_to(path: Path) -> Iterator[None]:
    """Every log record (ours, PTB's, APScheduler's, warnings too) into a file beside the
    saved files, none on the screen: the chat is the output."""
    files = path.parent
    try:
        files.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as error:
        problem = error.strerror or type(error).__name__
        raise SandboxError(
            _("--files: cannot write to {path} ({problem})", path=files, problem=problem)
        ) from None
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root = logging.getLogger()
    terminal = root.handlers[:]
    for old in terminal:
        root.removeHandler(old)
    root.addHandler(handler)
    logging.captureWarnings(True)
    log.info("sandbox started")
    try:
        yield
    finally:
        log.info("sandbox stopped")
        logging.captureWarnings(False)
        root.removeHandler(handler)
        handler.close()
        for old in terminal:
            root.addHandler(old)


def _banner(options: Options) -> None:
    if options.db:
        kept = _("Database: {path}", path=options.db)
    else:
        kept = _("A throw-away database: --db FILE keeps one")
    speed = ""
    if options.speed != 1:
        speed = " " + _("The bot's clock runs {speed}x real time.", speed=f"{options.speed:g}")
    _say(_("peerbot sandbox: the whole bot, offline; nothing leaves this computer."))
    _say(
        _(
            "({kept}. Files the bot sends are saved in {path}/.{speed})",
            kept=kept,
            path=options.files,
            speed=speed,
        )
    )
    _say(_("(The bot's log goes to {path}, not to this screen.)", path=options.files / LOG_NAME))


async def _play(chat: Chat, lines: list[str] | None, interactive: bool) -> None:
    if lines is not None:
        for line in lines:
            if not await chat.handle(line):
                return
    elif interactive:
        await _prompt(chat)
    else:
        while line := await asyncio.to_thread(sys.stdin.readline):
            if not await chat.handle(line):
                return


async def _prompt(chat: Chat) -> None:
    """Line editing and history with prompt_toolkit; the bot's own messages print above."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.patch_stdout import patch_stdout

    session: PromptSession[str] = PromptSession(history=InMemoryHistory())
    with patch_stdout():
        while True:
            assert chat.current is not None
            try:
                line = await session.prompt_async(f"{chat.current.prompt}> ")
            except (EOFError, KeyboardInterrupt):
                return
            if not await chat.handle(line):
                return
