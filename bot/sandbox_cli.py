"""`peerbot sandbox` on the command line: its flags, each checked as it is parsed.

Kept apart from bot.cli, which runs the verb, and from bot.sandbox, which is the sandbox
itself: this module imports nothing but the standard library, so `peerbot --help` stays fast.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path


def _speed(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {raw!r}") from None
    if not 0 < value <= 10_000:
        raise argparse.ArgumentTypeError("must be above 0 and at most 10000")
    return value


def _clock(raw: str) -> datetime:
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date and time like 2026-12-07T09:00: {raw!r}"
        ) from None


def add_sandbox_verb(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `sandbox` and its flags to the `peerbot` command's verbs."""
    sandbox = verbs.add_parser(
        "sandbox",
        help="the whole bot offline in the terminal: no token needed",
        description=(
            "Chat with the real bot as a coordinator, a peer worker and a peer, against a "
            "built-in local Bot API server. No token, no internet."
        ),
    )
    sandbox.add_argument(
        "--db", metavar="FILE", type=Path, help="keep the SQLite database in FILE (and reuse it)"
    )
    sandbox.add_argument(
        "--files",
        metavar="DIR",
        type=Path,
        default=Path("sandbox-files"),
        help="where pictures and files the bot sends are saved (default ./sandbox-files)",
    )
    sandbox.add_argument(
        "--speed",
        metavar="N",
        type=_speed,
        default=1.0,
        help="run the bot's clock N times faster, to see reminders and summaries sooner",
    )
    sandbox.add_argument(
        "--script",
        metavar="FILE",
        type=Path,
        help="play the lines of FILE instead of reading the keyboard, and print the chat",
    )
    sandbox.add_argument(
        "--clock",
        metavar="WHEN",
        type=_clock,
        help="start the bot's clock at WHEN (e.g. 2026-12-07T09:00, in TIMEZONE) instead of now",
    )
