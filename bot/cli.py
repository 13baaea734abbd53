"""The `peerbot` command: run, db upgrade, invite coordinator / referral-link, doctor, sandbox."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import threading
import time
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bot.sandbox_cli import add_sandbox_verb

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger("peerbot")

T = TypeVar("T")

# How long a command waits, before it exits, for threads it started to end.
THREADS_GRACE_SECONDS = 5.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="peerbot",
        description="peerbot: a Telegram bot for peer support sessions.",
        epilog="Settings come from the environment and from a .env file (see .env.example).",
    )
    parser.add_argument("--env-file", default=".env", help="settings file to read (default .env)")
    verbs = parser.add_subparsers(dest="verb", metavar="COMMAND", required=True)
    verbs.add_parser(
        "run",
        help="run the bot (applies pending database migrations first)",
        description="Run the bot: long polling, or a webhook when WEBHOOK_URL is set.",
    )
    db = verbs.add_parser("db", help="database commands", description="Database commands.")
    db_verbs = db.add_subparsers(dest="db_verb", metavar="COMMAND", required=True)
    db_verbs.add_parser(
        "upgrade",
        help="apply pending database migrations",
        description="Apply pending database migrations, then exit.",
    )
    invite = verbs.add_parser(
        "invite", help="make an invitation link", description="Make a one-time invitation link."
    )
    invite.add_argument(
        "role",
        choices=["coordinator", "referral-link"],
        help=(
            "coordinator: the first coordinator's invitation (others are invited in the bot); "
            "referral-link: the public self-referral link and its QR code (SELF_REFERRAL=true)"
        ),
    )
    invite.add_argument(
        "--qr",
        metavar="FILE",
        default="referral-qr.png",
        help="referral-link only: where to write the QR code PNG (default referral-qr.png)",
    )
    verbs.add_parser(
        "doctor",
        help="check the settings, database, token, webhook and backlog; say what to fix",
        description=(
            "Check the settings, the database (reachable, migrations current), the token, "
            "how updates arrive (webhook or polling) and the scheduler's backlog: one line "
            "each, ✓ or ✗ and what to do. Exit 0 when all hold, 1 otherwise."
        ),
    )
    add_sandbox_verb(verbs)
    return parser


def quiet_libraries() -> None:
    """Keep libraries that log personal data at DEBUG above it, whatever LOG_LEVEL says.

    httpx logs request URLs (with the bot token); python-telegram-bot dumps whole updates
    (names, message text); the database drivers log SQL parameters.
    """
    # httpx and alembic chatter at INFO; APScheduler logs two lines a tick (every 30 s).
    for name in ("httpx", "alembic", "apscheduler"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in ("telegram", "aiosqlite", "asyncpg", "sqlalchemy", "aiohttp"):
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLogger(name).level))


def _fail(message: str, code: int = 2) -> int:
    print(f"peerbot: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.verb == "doctor":
        # Before the settings are loaded: a bad setting is one of the doctor's findings.
        return _doctor(args.env_file)
    # Only now: --help needs none of it, and the settings bring SQLAlchemy (0.3 s) along.
    from bot.config import ConfigError, load

    try:
        settings = load(args.env_file)
        logging.basicConfig(
            level=settings.log_level,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        quiet_libraries()
        if args.verb == "run":
            settings.require_token()
            return _run(settings)
        if args.verb == "db":
            return _db_upgrade(settings)
        if args.verb == "sandbox":
            return _sandbox(settings, args)
        if args.role == "referral-link":
            return _referral_link(settings, args.qr)
        return _invite_coordinator(settings)
    except ConfigError as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return 130


def _run_to_end(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)``, but the loop closes only after threads started meanwhile end.

    aiosqlite runs each connection in a thread of its own.  When a connect fails it tells
    that thread to stop without waiting for it; if the loop has closed by the time the
    thread answers, the thread dies printing a traceback - the very thing a person who
    mistyped DATABASE_URL must not see.
    """

    async def to_the_end() -> T:
        before = set(threading.enumerate())
        try:
            return await main
        finally:
            await _threads_ended(before)

    return asyncio.run(to_the_end())


async def _threads_ended(before: set[threading.Thread]) -> None:
    loop = asyncio.get_running_loop()
    # The default executor's idle threads would wait for work forever: end them first.
    await loop.shutdown_default_executor()
    started = set(threading.enumerate()) - before
    if not started:
        return
    # Joined from another thread: joining here would block the loop they may still call.
    ended = loop.create_future()

    def join() -> None:
        deadline = time.monotonic() + THREADS_GRACE_SECONDS
        for thread in started:
            thread.join(max(0.0, deadline - time.monotonic()))
        loop.call_soon_threadsafe(ended.set_result, None)

    threading.Thread(target=join, name="peerbot-exit", daemon=True).start()
    await ended


async def _upgrade(url: str) -> None:
    from storage.db import open_database
    from storage.migrate import upgrade_engine

    db = open_database(url)
    try:
        await upgrade_engine(db.engine)
    finally:
        await db.dispose()


def _db_upgrade(settings: Settings, *, quiet: bool = False) -> int:
    try:
        _run_to_end(_upgrade(settings.database_url))
    except (OSError, ValueError) as error:
        return _fail(f"DATABASE_URL: cannot open the database ({type(error).__name__})")
    except Exception as error:
        if type(error).__module__.startswith(("sqlalchemy", "asyncpg", "sqlite3")):
            return _fail(f"DATABASE_URL: cannot open the database ({type(error).__name__})")
        raise
    if not quiet:
        print("The database is up to date.")
    return 0


def _run(settings: Settings) -> int:
    from bot.app import serve

    code = _db_upgrade(settings, quiet=True)
    if code:
        return code
    _run_to_end(serve(settings))
    return 0


def _doctor(env_file: str) -> int:
    from bot.doctor import diagnose

    # The findings are the output; a library's warning line would only get in their way.
    logging.basicConfig(level=logging.CRITICAL)
    try:
        checks = _run_to_end(diagnose(env_file))
    except KeyboardInterrupt:
        return 130
    for check in checks:
        print(check.line)
    return 0 if all(check.ok for check in checks) else 1


def _sandbox(settings: Settings, args: argparse.Namespace) -> int:
    from bot.sandbox import Options, SandboxError, play

    options = Options(
        db=args.db, files=args.files, speed=args.speed, script=args.script, start=args.clock
    )
    try:
        return play(settings, options)
    except SandboxError as error:
        return _fail(str(error))


def _invite_coordinator(settings: Settings) -> int:
    from bot.invite_cli import invite_coordinator

    code = _db_upgrade(settings, quiet=True)
    if code:
        return code
    lines = _run_to_end(invite_coordinator(settings))
    for line in lines.notes:
        print(line, file=sys.stderr)
    print(lines.text)
    print(lines.link)
    return 0


def _referral_link(settings: Settings, qr_file: str) -> int:
    from bot.invite_cli import referral_link

    code = _db_upgrade(settings, quiet=True)
    if code:
        return code
    lines = _run_to_end(referral_link(settings, Path(qr_file)))
    if lines.qr is not None:
        Path(qr_file).write_bytes(lines.qr)
    for line in lines.notes:
        print(line, file=sys.stderr)
    print(lines.text)
    print(lines.link)
    return 0
