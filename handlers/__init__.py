"""Telegram handlers: read ids and arguments, call one service, render with texts, reply."""

from __future__ import annotations

from telegram.ext import Application

from handlers import (
    conversation,
    fallback,
    onboarding,
    privacy,
    reminders,
    sessions,
    settings,
    strategies,
    team,
)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Add every handler, in order: PTB takes the first that matches in a group."""
    # Edited messages are dropped before any handler sees them.
    fallback.register_first(app)
    # Joining, welcomes, /help, invitations (deep-link /start before plain /start).
    onboarding.register(app)
    # Sessions: /schedule, /next, /sessions, /diary, /peers, /outcome and their buttons.
    sessions.register(app)
    # The strategy log (/log, /strategies) and /summary.
    strategies.register(app)
    # Reminders, /stop, and peer workers' settings.
    reminders.register(app)
    # Coordinators: /team, /digest.
    team.register(app)
    # /mydata, /forget, /calendar.
    privacy.register(app)
    # /settings, dispatched by role (after the features that register their settings).
    settings.register(app)
    # Typed text inside a flow (kept in the database), before the fallback.
    conversation.register(app)
    # Last: whatever nobody else took, and the error handler.
    fallback.register(app)
