"""Failure injection: make chosen Bot API calls fail, time out or hit a block.

The delivery engine has to cope with 429s, 5xx answers, blocked users and
answers that arrive too late; tests provoke each of those on purpose.
"""

from __future__ import annotations

from typing import Any

from .models import ApiError, DelayRule, FailureRule

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: "Forbidden: injected failure",
    404: "Not Found",
    409: "Conflict: injected failure",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class FaultInjection:
    """Mixin for LocalBotApi; keeps the rules and decides each call's fate."""

    _failures: list[FailureRule]
    _delays: list[DelayRule]
    _blocked: set[int]

    def reset_faults(self) -> None:
        """Forget every fail(), delay() and block() rule."""
        self._failures = []
        self._delays = []
        self._blocked = set()

    def fail(
        self,
        method: str,
        *,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next ``times`` matching calls with this error."""
        if status == 429 and retry_after is None:
            retry_after = 1  # Telegram always says how long to wait
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}"
                if status == 429
                else _DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
            )
        self._failures.append(
            FailureRule(method.lower(), status, description, retry_after, times, chat_id)
        )

    def block(self, chat_id: int) -> None:
        """Every send to ``chat_id`` answers 403 until unblock()."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def delay(self, method: str, seconds: float, times: int = 1) -> None:
        """Hold the answer of the next ``times`` calls; the call still takes effect."""
        self._delays.append(DelayRule(method.lower(), seconds, times))

    def _injected_failure(self, name: str, params: dict[str, Any]) -> ApiError | None:
        chat_id = params.get("chat_id")
        for rule in self._failures:
            if rule.method == name.lower() and rule.chat_id in (None, chat_id):
                rule.times -= 1
                if rule.times <= 0:
                    self._failures.remove(rule)
                extra = {"retry_after": rule.retry_after} if rule.retry_after else None
                return ApiError(rule.status, rule.description, extra)
        if chat_id in self._blocked and name.startswith(("send", "copy", "forward")):
            return ApiError(403, "Forbidden: bot was blocked by the user")
        return None

    def _take_delay(self, name: str) -> float:
        for rule in self._delays:
            if rule.method == name.lower():
                rule.times -= 1
                if rule.times <= 0:
                    self._delays.remove(rule)
                return rule.seconds
        return 0.0
