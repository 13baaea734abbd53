"""Local Telegram Bot API server plus test actors (used by sandbox and e2e tests)."""

from __future__ import annotations

from .activity import ApplicationWatch, watch_application
from .models import ApiCall, BotMessage, Button, StoredFile
from .people import SETTLE_SECONDS, Person
from .server import LocalBotApi

__all__ = [
    "SETTLE_SECONDS",
    "ApiCall",
    "ApplicationWatch",
    "BotMessage",
    "Button",
    "LocalBotApi",
    "Person",
    "StoredFile",
    "watch_application",
]
