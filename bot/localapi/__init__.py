"""Local Telegram Bot API server plus test actors (used by sandbox and e2e tests)."""

from __future__ import annotations

from .activity import ApplicationWatch, watch_application
from .groups import group_json, in_group
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
    "group_json",
    "in_group",
    "watch_application",
]
