"""Sending one message to Telegram, and turning Telegram's answers into a ledger outcome.

- 429: wait as long as Telegram says, then try again (PTB's rate limiter, when the bot has
  one, already waits out a few of these itself).
- 5xx and network errors: try again with growing pauses, a bounded number of times; after
  that the delivery goes back to the ledger for a later tick.
- A timeout once the request has gone out: Telegram may well have delivered it, so it is
  recorded as "maybe sent" and never resent (a duplicate reminder is worse than none).
- 403: the person blocked the bot; they are marked unreachable and get nothing more.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class Outcome(StrEnum):
    SENT = "sent"
    MAYBE_SENT = "maybe_sent"
    RETRY = "retry"  # give it back to the ledger for a later tick
    BLOCKED = "blocked"
    FAILED = "failed"


@dataclass(frozen=True)
class Part:
    """One Telegram message: text (with buttons), or a photo or document with a caption."""

    text: str | None = None
    markup: InlineKeyboardMarkup | None = None
    photo: bytes | None = None
    document: bytes | None = None
    filename: str | None = None


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    message_id: int | None = None
    reason: str | None = None


def _seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that the attribute will become a timedelta; both are handled here.
        warnings.simplefilter("ignore")
        retry_after = error.retry_after
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)


class Sender:
    def __init__(
        self,
        bot: Bot,
        *,
        sleep: Sleep = asyncio.sleep,
        tries: int = 4,
        backoff: float = 1.0,
        longest_wait: float = 90.0,
        read_timeout: float | None = None,
    ) -> None:
        self.bot = bot
        self.sleep = sleep
        self.tries = tries
        self.backoff = backoff
        self.longest_wait = longest_wait
        self.read_timeout = read_timeout

    async def _call(self, chat_id: int, part: Part) -> Message:
        timeouts: dict[str, Any] = {}
        if self.read_timeout is not None:
            timeouts["read_timeout"] = self.read_timeout
        if part.photo is not None:
            return await self.bot.send_photo(
                chat_id, part.photo, caption=part.text, reply_markup=part.markup, **timeouts
            )
        if part.document is not None:
            document = InputFile(part.document, filename=part.filename or "file")
            return await self.bot.send_document(
                chat_id, document, caption=part.text, reply_markup=part.markup, **timeouts
            )
        return await self.bot.send_message(
            chat_id, part.text or "", reply_markup=part.markup, **timeouts
        )

    async def send_part(self, chat_id: int, part: Part) -> Result:
        """Send one message, retrying what Telegram says may be retried."""
        waited = 0.0
        for attempt in range(1, self.tries + 1):
            try:
                message = await self._call(chat_id, part)
                return Result(Outcome.SENT, message.message_id)
            except RetryAfter as error:
                wait = _seconds(error)
                log.info("chat %s: 429, waiting %.0fs", chat_id, wait)
                # Bounded, so a claim never outlives its lease while waiting.
                if waited + wait > self.longest_wait or attempt == self.tries:
                    return Result(Outcome.RETRY, reason="flood_wait")
                waited += wait
                await self.sleep(wait)
            except Forbidden:
                return Result(Outcome.BLOCKED, reason="blocked")
            except TimedOut:
                # The request went out; Telegram may have delivered it. Never resend.
                return Result(Outcome.MAYBE_SENT, reason="timeout")
            except NetworkError as error:
                log.info(
                    "chat %s: network error on try %s: %s", chat_id, attempt, type(error).__name__
                )
                if attempt == self.tries:
                    return Result(Outcome.RETRY, reason="network")
                await self.sleep(self.backoff * 2 ** (attempt - 1))
            except BadRequest:
                return Result(Outcome.FAILED, reason="bad_request")
            except TelegramError as error:
                log.warning("chat %s: %s", chat_id, type(error).__name__)
                return Result(Outcome.FAILED, reason="telegram_error")
        return Result(Outcome.RETRY, reason="network")  # pragma: no cover - loop returns

    async def send(self, chat_id: int, parts: list[Part]) -> Result:
        """Send a message and its attachments; the first part decides the outcome."""
        first = await self.send_part(chat_id, parts[0])
        if first.outcome != Outcome.SENT:
            return first
        for part in parts[1:]:
            extra = await self.send_part(chat_id, part)
            if extra.outcome != Outcome.SENT:
                return Result(Outcome.SENT, first.message_id, reason="attachment_" + extra.outcome)
        return first
