"""Sending one message to Telegram, and turning Telegram's answers into a ledger outcome.

One retry policy: a 429 is waited out by exactly one layer.
- Deliveries: the Sender below. It knows the claim's lease (so its wait is bounded) and can
  hand the delivery back to the ledger for a later tick, which the limiter cannot; the
  limiter only paces its requests (`RateLimiter` in scheduler/limits.py, `Pace`).
- A person's own replies (handlers): PTB's limiter waits out a 429 itself. The person is
  looking at the chat waiting for that answer, nothing would send it later, and a 429
  means Telegram delivered nothing, so sending again cannot duplicate it.

- 429: wait as long as Telegram says, then try again.
- 5xx and network errors: try again with growing pauses, a bounded number of times; after
  that the delivery goes back to the ledger for a later tick.
- A timeout: Telegram may or may not have delivered it, and cannot be asked. A lost
  reminder is the greater harm (SPEC §7), so it is sent again with growing pauses, each
  try given twice as long to answer (a slow server then answers rather than duplicates);
  still no answer after the tries, it goes back to the ledger for a later tick. At most
  one duplicate per late answer.
- 403: the person blocked the bot; they are marked unreachable and get nothing more.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import KW_ONLY, dataclass
from enum import StrEnum
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import ExtBot

from bot.keyboards import Keyboard
from scheduler.limits import Lane, Pace, RateLimiter, retry_seconds

__all__ = ["Lane", "Outcome", "Part", "RateLimiter", "Result", "Sender"]

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]

# PTB's read timeout when none is set; a retried timeout waits twice as long each time.
DEFAULT_READ_TIMEOUT = 5.0


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # give it back to the ledger for a later tick
    BLOCKED = "blocked"
    FAILED = "failed"


def _markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    """Telegram's form of a keyboard from bot.keyboards (plain data until it is sent)."""
    rows = [
        [InlineKeyboardButton(key.label, callback_data=key.data, url=key.url) for key in row]
        for row in keyboard or ()
    ]
    return InlineKeyboardMarkup(rows) if rows else None


@dataclass(frozen=True)
class Part:
    """One Telegram message: text (with buttons), or a photo or document with a caption."""

    text: str | None = None
    keyboard: Keyboard | None = None
    photo: bytes | None = None
    document: bytes | None = None
    filename: str | None = None


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    message_id: int | None = None
    reason: str | None = None


@dataclass(eq=False)
class Sender:
    bot: Bot
    _: KW_ONLY
    sleep: Sleep = asyncio.sleep
    tries: int = 4
    backoff: float = 1.0
    longest_wait: float = 90.0
    read_timeout: float | None = None
    # Safety alerts take the limiter's free slots before reminders.
    lane: Lane = Lane.DELIVERY

    async def _call(
        self, chat_id: int, part: Part, read_timeout: float | None, lane: Lane | None = None
    ) -> Message:
        timeouts: dict[str, Any] = {}
        if read_timeout is not None:
            timeouts["read_timeout"] = read_timeout
        if isinstance(self.bot, ExtBot) and self.bot.rate_limiter is not None:
            # This loop owns the 429 wait (PTB refuses the argument when there is no limiter).
            timeouts["rate_limit_args"] = Pace(lane or self.lane, caller_waits=True)
        keys = _markup(part.keyboard)
        if part.photo is not None:
            return await self.bot.send_photo(
                chat_id, part.photo, caption=part.text, reply_markup=keys, **timeouts
            )
        if part.document is not None:
            document = InputFile(part.document, filename=part.filename or "file")
            return await self.bot.send_document(
                chat_id, document, caption=part.text, reply_markup=keys, **timeouts
            )
        return await self.bot.send_message(chat_id, part.text or "", reply_markup=keys, **timeouts)

    async def send_part(self, chat_id: int, part: Part, lane: Lane | None = None) -> Result:
        """Send one message, retrying what Telegram says may be retried (in `lane`, or the
        sender's own)."""
        waited = 0.0
        read_timeout = self.read_timeout
        for attempt in range(1, self.tries + 1):
            try:
                message = await self._call(chat_id, part, read_timeout, lane)
                return Result(Outcome.SENT, message.message_id)
            except RetryAfter as error:
                wait = retry_seconds(error)
                log.info("chat %s: 429, waiting %.0fs", chat_id, wait)
                # Bounded, so a claim never outlives its lease while waiting.
                if waited + wait > self.longest_wait or attempt == self.tries:
                    return Result(Outcome.RETRY, reason="flood_wait")
                waited += wait
                await self.sleep(wait)
            except Forbidden:
                return Result(Outcome.BLOCKED, reason="blocked")
            except BadRequest:  # before NetworkError: PTB's BadRequest is one
                return Result(Outcome.FAILED, reason="bad_request")
            except TimedOut:
                # Perhaps delivered, perhaps not: a duplicate is the lesser harm than a loss.
                log.info("chat %s: no answer in time on try %s", chat_id, attempt)
                if attempt == self.tries:
                    return Result(Outcome.RETRY, reason="timeout")
                await self.sleep(self.backoff * 2 ** (attempt - 1))
                read_timeout = 2 * (read_timeout or DEFAULT_READ_TIMEOUT)
            except NetworkError as error:
                log.info(
                    "chat %s: network error on try %s: %s", chat_id, attempt, type(error).__name__
                )
                if attempt == self.tries:
                    return Result(Outcome.RETRY, reason="network")
                await self.sleep(self.backoff * 2 ** (attempt - 1))
            except TelegramError as error:
                log.warning("chat %s: %s", chat_id, type(error).__name__)
                return Result(Outcome.FAILED, reason="telegram_error")
        return Result(Outcome.RETRY, reason="network")  # pragma: no cover - loop returns

    async def send(self, chat_id: int, parts: list[Part], lane: Lane | None = None) -> Result:
        """Send a message and its attachments; the first part decides the outcome."""
        first = await self.send_part(chat_id, parts[0], lane)
        if first.outcome != Outcome.SENT:
            return first
        for part in parts[1:]:
            extra = await self.send_part(chat_id, part, lane)
            if extra.outcome != Outcome.SENT:
                return Result(Outcome.SENT, first.message_id, reason="attachment_" + extra.outcome)
        return first
