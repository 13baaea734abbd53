"""Time-driven jobs: the database says what is due; PTB's JobQueue is only the clock."""

from __future__ import annotations

from telegram.ext import Application


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Add the scheduler's repeating tick (none yet: reminders and digests come next)."""
