"""Telegram's flood limits, emulated: too many new messages and the call answers 429.

Off until `limit_rate()` is called. Telegram counts new messages (send…, copy…, forward…;
not edits, answers or chat actions): about 30 a second across chats and about one a
second in one chat. Here both are sliding windows of one second, measured when the call
arrives; a call over either is refused with 429 and `retry_after`, and is not counted.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from .models import ApiError

WINDOW_SECONDS = 1.0


def counts_as_message(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith(("send", "copy", "forward")) and lowered != "sendchataction"


class RateLimits:
    """Mixin for LocalBotApi: the sliding windows and the 429s they caused."""

    def reset_limits(self) -> None:
        """No limit, nothing counted."""
        self.per_second: int | None = None
        self.per_chat_per_second: int | None = None
        self.limited: int = 0  # how many calls were answered 429 by the emulation
        self._recent: deque[float] = deque()
        self._recent_in_chat: dict[Any, deque[float]] = {}

    def limit_rate(self, per_second: int | None = 30, per_chat_per_second: int | None = 1) -> None:
        """Answer 429 to new messages over `per_second` across chats or over
        `per_chat_per_second` in one chat, in any second; None leaves that limit off."""
        self.reset_limits()
        self.per_second = per_second
        self.per_chat_per_second = per_chat_per_second

    def _over_limit(self, name: str, params: dict[str, Any]) -> ApiError | None:
        if not counts_as_message(name) or (
            self.per_second is None and self.per_chat_per_second is None
        ):
            return None
        now = time.monotonic()
        chat = params.get("chat_id")
        in_chat = self._recent_in_chat.setdefault(chat, deque())
        for window in (self._recent, in_chat):
            while window and window[0] <= now - WINDOW_SECONDS:
                window.popleft()
        if (self.per_second is not None and len(self._recent) >= self.per_second) or (
            self.per_chat_per_second is not None and len(in_chat) >= self.per_chat_per_second
        ):
            self.limited += 1
            return ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        self._recent.append(now)
        in_chat.append(now)
        if len(self._recent_in_chat) > 10_000:
            self._recent_in_chat = {c: w for c, w in self._recent_in_chat.items() if w}
        return None
