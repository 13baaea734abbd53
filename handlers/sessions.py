"""Sessions: scheduling, the diary, confirm / rearrange / cancel, outcomes (issue: sessions)."""

from __future__ import annotations

from telegram.ext import Application


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Add this feature's handlers (none until the feature lands)."""
