"""The `peerbot` command: run, db upgrade, invite coordinator."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot.config import ConfigError, Settings, load

log = logging.getLogger("peerbot")


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
        choices=["coordinator"],
        help="the first coordinator's invitation (others are invited in the bot)",
    )
    return parser


def _fail(message: str, code: int = 2) -> int:
    print(f"peerbot: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load(args.env_file)
        logging.basicConfig(
            level=settings.log_level,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        # Quiet httpx's per-request lines: they would log the bot token in URLs.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("alembic").setLevel(logging.WARNING)
        if args.verb == "run":
            settings.require_token()
            return _run(settings)
        if args.verb == "db":
            return _db_upgrade(settings)
        return _invite_coordinator(settings)
    except ConfigError as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return 130


def _db_upgrade(settings: Settings, *, quiet: bool = False) -> int:
    from storage.migrate import upgrade

    try:
        upgrade(settings.database_url)
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
    asyncio.run(serve(settings))
    return 0


def _invite_coordinator(settings: Settings) -> int:
    from bot.invite_cli import invite_coordinator

    code = _db_upgrade(settings, quiet=True)
    if code:
        return code
    lines = asyncio.run(invite_coordinator(settings))
    for line in lines.notes:
        print(line, file=sys.stderr)
    print(lines.text)
    print(lines.link)
    return 0
