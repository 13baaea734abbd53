"""The rate limiter: Telegram's limits kept by the bot's own sends, people's answers first.

Telegram allows about 30 new messages a second across chats, about one a second in one
chat and 20 a minute in a group; a bot over that gets 429s. Here:
- A person's answers (handlers' calls, lane REPLY) go out at once: each answers something
  that person just did, so their pace is the people's own, and they never queue behind
  the scheduler's sends. They count towards the budget all the same.
- The scheduler's sends take their own budget under Telegram's limit: at most
  `delivery_rate` new messages a second, spaced evenly (no burst), and fewer while
  answers use part of `overall_rate` in the last second. Safety alerts (lane ALERT) take
  each free slot before reminders (lane DELIVERY); one chat gets one a second.
- answerCallbackQuery and calls that send nothing (getUpdates, getMe …) are never held
  (their 429s are still waited out and tried again, as a REPLY's).
- Groups: 20 messages a minute each, whatever the lane.
- After a 429 the scheduler's sends wait as long as Telegram said; a REPLY's 429 is
  waited out and tried again here (`max_retries`), unless its caller owns the wait
  (`Pace.caller_waits`: the delivery Sender, which knows its claim's lease).
Every Bot API error that passes through is counted by kind (bot.metrics.BOT_API_ERRORS).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from enum import IntEnum
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import BaseRateLimiter

from bot.metrics import BOT_API_ERRORS

log = logging.getLogger(__name__)

Request = Callable[..., Coroutine[Any, Any, Any]]

# Telegram's figure is "about 30 a second": stay a little under it, evenly spaced.
OVERALL_RATE = 29.5
DELIVERY_RATE = 29.0
CHAT_INTERVAL = 1.0
REPLY_ROOM = 3
GROUP_MESSAGES_PER_MINUTE = 20


class Lane(IntEnum):
    """Who is waiting for a send; a lower lane goes first."""

    REPLY = 0  # a person's answer to their own command or button
    ALERT = 1  # a safety alert
    DELIVERY = 2  # reminders, summaries, outcome prompts, digests


@dataclass(frozen=True)
class Pace:
    """`rate_limit_args` of one request."""

    lane: Lane = Lane.REPLY
    caller_waits: bool = False  # the caller waits out a 429 itself


def is_new_message(endpoint: str) -> bool:
    """Whether Telegram counts this call as a message sent (edits and answers it does not)."""
    name = endpoint.lower()
    return name.startswith(("send", "copy", "forward")) and name != "sendchataction"


def error_kind(error: TelegramError) -> str:
    # PTB's BadRequest is a NetworkError, and TimedOut one too: the narrower first.
    if isinstance(error, RetryAfter):
        return "retry_after"
    if isinstance(error, Forbidden):
        return "forbidden"
    if isinstance(error, BadRequest):
        return "bad_request"
    if isinstance(error, TimedOut):
        return "timeout"
    if isinstance(error, NetworkError):
        return "network"
    return "other"


def retry_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that the attribute will become a timedelta; both are handled here.
        warnings.simplefilter("ignore")
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


class RateLimiter(BaseRateLimiter[Pace]):
    """See the module docstring."""

    def __init__(
        self,
        *,
        overall_rate: float = OVERALL_RATE,
        delivery_rate: float = DELIVERY_RATE,
        chat_interval: float = CHAT_INTERVAL,
        max_retries: int = 3,
    ) -> None:
        self.overall_rate = overall_rate
        self.delivery_rate = delivery_rate
        self.chat_interval = chat_interval
        self.max_retries = max_retries
        self._sent: deque[float] = deque()  # when each new message of the last second went
        self._answered: deque[float] = deque()  # … and each of those that answered a person
        self._last_scheduled = float("-inf")
        self._paused_until = float("-inf")
        self._waiting: list[tuple[int, int]] = []  # (lane, ticket): the scheduler's sends
        self._tickets = itertools.count()
        self._changed = asyncio.Event()
        self._chat_free_at: dict[int, float] = {}
        self._groups: dict[int, AsyncLimiter] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    # -- the budget -----------------------------------------------------------------

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    def _note_sent(self, now: float) -> None:
        self._sent.append(now)

    def _wait_for_slot(self, now: float) -> float:
        """How long the scheduler's next send must wait; 0 when it may go now."""
        while self._sent and self._sent[0] <= now - 1.0:
            self._sent.popleft()
        spaced = self._last_scheduled + 1 / self.delivery_rate
        wait = max(0.0, self._paused_until - now, spaced - now)
        while self._answered and self._answered[0] <= now - 1.0:
            self._answered.popleft()
        # While people are being answered, room for a few more of them in every second:
        # their answers never wait, so the deliveries leave the room.
        limit = int(self.overall_rate) - (REPLY_ROOM if self._answered else 0)
        if len(self._sent) >= limit:  # answers used this second's budget
            wait = max(wait, self._sent[-limit] + 1.0 - now)
        return wait

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _take_slot(self, lane: Lane) -> None:
        """Wait for a free slot of the scheduler's budget, lower lanes first."""
        entry = (int(lane), next(self._tickets))
        heapq.heappush(self._waiting, entry)
        self._wake()  # a send waiting behind this one must look again
        try:
            while True:
                changed = self._changed
                if self._waiting[0] == entry:
                    now = self._now()
                    wait = self._wait_for_slot(now)
                    if wait <= 0:
                        heapq.heappop(self._waiting)
                        # On the grid of slots, so that waking late now and then does not
                        # slow the rate; a send after a quiet spell starts a new grid.
                        slot = self._last_scheduled + 1 / self.delivery_rate
                        self._last_scheduled = slot if now - slot < 1 / self.delivery_rate else now
                        self._note_sent(now)
                        return
                    # Woken early when someone ahead arrives or a 429 pauses everything.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(changed.wait(), wait)
                else:
                    await changed.wait()
        finally:
            if entry in self._waiting:
                self._waiting.remove(entry)
                heapq.heapify(self._waiting)
            self._wake()

    async def _chat_turn(self, chat_id: int) -> None:
        """One chat gets one of the scheduler's sends a second."""
        now = self._now()
        free_at = self._chat_free_at.get(chat_id, now)
        self._chat_free_at[chat_id] = max(free_at, now) + self.chat_interval
        if len(self._chat_free_at) > 10_000:
            self._chat_free_at = {c: t for c, t in self._chat_free_at.items() if t > now}
        if free_at > now:
            await asyncio.sleep(free_at - now)

    def _pause(self, error: RetryAfter) -> None:
        self._paused_until = max(self._paused_until, self._now() + retry_seconds(error))
        self._wake()

    # -- one request ---------------------------------------------------------------------

    async def _call(self, callback: Request, args: Any, kwargs: dict[str, Any]) -> Any:
        try:
            return await callback(*args, **kwargs)
        except TelegramError as error:
            BOT_API_ERRORS.labels(error_kind(error)).inc()
            if isinstance(error, RetryAfter):
                self._pause(error)
            raise

    async def process_request(
        self,
        callback: Request,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Pace | None,
    ) -> Any:
        pace = rate_limit_args or Pace()
        paced = is_new_message(endpoint)
        chat_id = data.get("chat_id")
        tries = 1 if pace.caller_waits else self.max_retries + 1
        for attempt in range(1, tries + 1):
            if paced:
                await self._wait_turn(pace.lane, chat_id)
            try:
                return await self._call(callback, args, kwargs)
            except RetryAfter as error:
                if attempt == tries:
                    raise
                log.info("429 on %s, waiting %.0fs", endpoint, retry_seconds(error))
                await asyncio.sleep(retry_seconds(error))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _wait_turn(self, lane: Lane, chat_id: object) -> None:
        """Hold a new message until the limits allow it (a REPLY only for a group's)."""
        if lane != Lane.REPLY and isinstance(chat_id, int):
            await self._chat_turn(chat_id)
        group = self._group(chat_id)
        if group is not None:
            await group.acquire()
        if lane == Lane.REPLY:
            self._note_sent(self._now())
            self._answered.append(self._now())
        else:
            await self._take_slot(lane)

    def _group(self, chat_id: object) -> AsyncLimiter | None:
        if not (isinstance(chat_id, int) and chat_id < 0) and not (
            isinstance(chat_id, str) and chat_id.startswith("@")
        ):
            return None
        key = hash(chat_id)
        if key not in self._groups:
            self._groups[key] = AsyncLimiter(GROUP_MESSAGES_PER_MINUTE, 60)
        return self._groups[key]
