"""A peer's own data and safety: /mydata, /forget, /calendar (issue: own data and safety)."""

from __future__ import annotations

from telegram.ext import Application


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Add this feature's handlers (none until the feature lands)."""
