"""Test actors: people who write to the bot and press its buttons.

A Person puts updates into the local server's getUpdates queue and then
waits - driven by the server's change events, not by polling - for the bot
to finish with them.  When the bot's process reports its work to the server
(``watch_application``), finished means idle: every update confirmed and
processed, no request or job under way.  A bot that does not report (one in
another process) is taken to be done once it stayed quiet in the chat for
SETTLE_SECONDS.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from typing import TYPE_CHECKING, Any

from .models import MESSAGE_METHODS, ApiCall, BotMessage, CallbackRecord, PendingUpdate

if TYPE_CHECKING:
    from .server import LocalBotApi

# For a bot that does not report its work: how long it must stay quiet in a chat
# before a reaction counts as done.
SETTLE_SECONDS = 0.25

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?")
_query_ids = itertools.count(1)


def _utf16_len(text: str) -> int:
    # Telegram entity offsets/lengths count UTF-16 code units.
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entity Telegram adds to "/cmd" or "/cmd@bot" at offset 0."""
    match = _COMMAND.match(text)
    if match is None:
        return []
    end = match.end()
    if end < len(text) and not text[end].isspace():
        return []  # "/start-x" is not a command
    return [{"type": "bot_command", "offset": 0, "length": _utf16_len(match.group())}]


class Person:
    """Someone in a private chat with the bot.  Create via ``LocalBotApi.person()``."""

    def __init__(self, api: LocalBotApi, user: dict[str, Any]) -> None:
        self._api = api
        self.user = dict(user)
        self.user_id: int = user["id"]
        self.chat_id: int = self.user_id  # private chat id == user id
        self.first_name: str = user["first_name"]
        self.last_name: str | None = user.get("last_name")
        self.username: str | None = user.get("username")
        self.language_code: str = user.get("language_code", "en")
        self._last_query_id: str | None = None

    def __repr__(self) -> str:
        return f"Person(user_id={self.user_id}, first_name={self.first_name!r})"

    # -- what the person sees ------------------------------------------------------

    @property
    def messages(self) -> list[BotMessage]:
        return self._api.chat(self.chat_id)

    @property
    def last(self) -> BotMessage:
        visible = [m for m in self.messages if not m.deleted]
        if not visible:
            raise AssertionError(
                f"the bot has sent no message to {self.first_name} (chat {self.chat_id})"
            )
        return visible[-1]

    @property
    def last_answer(self) -> str | None:
        """Text of the answerCallbackQuery for this person's most recent press."""
        if self._last_query_id is None:
            return None
        record = self._api._queries.get(self._last_query_id)
        return record.answer_text if record is not None else None

    # -- actions -----------------------------------------------------------------

    # `timeout` parameters (ASYNC109): they bound a wait *and* word the failure
    # message, which an outer asyncio.timeout() could not do.
    async def send(
        self,
        text: str,
        *,
        expect_reply: bool = True,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[BotMessage]:
        """Write ``text`` to the bot; returns the bot messages sent or edited in reaction."""
        payload: dict[str, Any] = {
            "message_id": self._api.next_message_id(self.chat_id),
            "date": int(time.time()),
            "chat": self._api.chat_json(self.chat_id),
            "from": dict(self.user),
            "text": text,
        }
        if entities := command_entities(text):
            payload["entities"] = entities
        self._api._incoming.add((self.chat_id, payload["message_id"]))
        update = self._api.enqueue_update("message", payload)
        what = f"{self.first_name} sent {text!r}"
        return await self._await_effects(update, None, expect_reply, timeout, what)

    async def press(
        self,
        button_text: str,
        *,
        message: BotMessage | None = None,
        expect_reply: bool = True,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[BotMessage]:
        """Press the inline button with this text (exact, else unique substring)."""
        target = self._target(message)
        button = target.button(button_text)
        if button.callback_data is None:
            raise AssertionError(
                f"button {button.text!r} on message {target.message_id} has no callback_data "
                f"(url={button.url!r}); pressing it would not reach the bot"
            )
        return await self._press(target, button.callback_data, expect_reply, timeout)

    async def press_data(
        self,
        callback_data: str,
        *,
        message: BotMessage,
        expect_reply: bool = True,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[BotMessage]:
        """Send a callback query with arbitrary data, as a forged/stale button would."""
        return await self._press(self._target(message), callback_data, expect_reply, timeout)

    async def expect_silence(
        self,
        seconds: float = 1.0,
        *,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> None:
        """Assert the bot finishes what it was given and sends, edits or deletes nothing in
        this chat meanwhile.

        A watched bot is waited for until idle (at most ``timeout``); one that does not
        report its work is watched for ``seconds`` of real time.
        """
        api = self._api
        start = len(api.calls)

        def noisy() -> list[ApiCall]:
            return [
                c
                for c in api.calls[start:]
                if c.chat_id == self.chat_id and c.method in MESSAGE_METHODS
            ]

        loop = asyncio.get_running_loop()
        if api.watched:
            if not await api.until_idle(loop.time() + timeout):
                raise AssertionError(
                    f"expected the bot to finish and stay silent towards {self.first_name}, "
                    f"but after {timeout}s it is still busy: {api.busy()}"
                )
            waited = "until it was idle"
        else:
            await api.wait_for(lambda: bool(noisy()), loop.time() + seconds)
            waited = f"for {seconds}s"
        if noisy():
            made = ", ".join(f"{c.method} ({c.status})" for c in noisy())
            raise AssertionError(
                f"expected the bot to stay silent towards {self.first_name} "
                f"(chat {self.chat_id}) {waited}, but it called: {made}"
            )

    # -- internals ---------------------------------------------------------------

    def _target(self, message: BotMessage | None) -> BotMessage:
        api = self._api
        if message is not None:
            current = api.message(self.chat_id, message.message_id)
            if current is None or current.deleted:
                raise AssertionError(
                    f"message {message.message_id} is not (or no longer) in chat {self.chat_id}"
                )
            return current
        for mid in reversed(api._chat_order.get(self.chat_id, [])):
            candidate = api._messages[(self.chat_id, mid)]
            if candidate.has_inline_keyboard and not candidate.deleted:
                return candidate
        raise AssertionError(
            f"no bot message with an inline keyboard in chat {self.chat_id} ({self.first_name})"
        )

    async def _press(
        self, target: BotMessage, data: str, expect_reply: bool, within: float
    ) -> list[BotMessage]:
        api = self._api
        query_id = f"{self.user_id}{next(_query_ids):08d}"
        api._queries[query_id] = CallbackRecord(
            query_id, self.chat_id, self.user_id, target.message_id
        )
        self._last_query_id = query_id
        payload = {
            "id": query_id,
            "from": dict(self.user),
            "message": target.to_api(api.bot_user, api.chat_json(self.chat_id)),
            "chat_instance": f"local-{self.chat_id}",
            "data": data,
        }
        update = api.enqueue_update("callback_query", payload)
        what = f"{self.first_name} pressed a button with data {data!r}"
        return await self._await_effects(update, query_id, expect_reply, within, what)

    def _concerns(self, call: ApiCall, query_id: str | None) -> bool:
        if query_id is not None and call.method == "answerCallbackQuery":
            return str(call.params.get("callback_query_id")) == query_id
        return call.chat_id == self.chat_id and call.method != "getUpdates"

    def _answers(self, call: ApiCall, query_id: str | None) -> bool:
        if call.method == "answerCallbackQuery":
            return self._concerns(call, query_id)
        return call.chat_id == self.chat_id and call.method in MESSAGE_METHODS

    async def _await_effects(
        self,
        update: PendingUpdate,
        query_id: str | None,
        expect_reply: bool,
        within: float,
        what: str,
    ) -> list[BotMessage]:
        api = self._api
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        idle = api.watched and await api.until_idle(deadline)
        if not await api.wait_for(lambda: update.fetched_at is not None, deadline):
            raise AssertionError(
                f"{what}, but within {within}s the bot never fetched update "
                f"{update.update_id}; is it polling getUpdates at {api.base_url}?"
            )
        if api.watched and not idle:
            raise AssertionError(
                f"{what}, but within {within}s the bot did not finish: {api.busy()}"
            )
        start = update.fetched_at or 0

        def relevant() -> list[ApiCall]:
            return [c for c in api.calls[start:] if self._concerns(c, query_id)]

        def answered() -> bool:
            return any(self._answers(c, query_id) for c in api.calls[start:])

        # An idle bot has done all it will do: no point waiting for an answer.
        if expect_reply and not (answered() if idle else await api.wait_for(answered, deadline)):
            also = " nor answered the callback query" if query_id else ""
            seen = ", ".join(c.method for c in api.calls[start:] if c.method != "getUpdates")
            seen = seen or "none"
            when = "by the time it was idle" if idle else f"within {within}s"
            raise AssertionError(
                f"{what} and expected a reaction in chat {self.chat_id}, but {when} "
                f"the bot neither sent, edited nor deleted a message there{also}; "
                f"calls since the update was fetched: {seen}"
            )
        if idle:
            return self._changed_messages(relevant())
        # Not watched: settle, waiting while the bot is still busy with this chat.
        hard_stop = deadline + SETTLE_SECONDS
        while True:
            count = len(relevant())
            quiet_until = min(loop.time() + SETTLE_SECONDS, hard_stop)

            def grew(seen: int = count) -> bool:
                return len(relevant()) > seen

            if not await api.wait_for(grew, quiet_until):
                break
        return self._changed_messages(relevant())

    def _changed_messages(self, calls: list[ApiCall]) -> list[BotMessage]:
        ids: list[int] = []
        for call in calls:
            if (
                call.status == 200
                and call.method in MESSAGE_METHODS
                and call.method != "deleteMessage"
                and call.message_id is not None
                and call.message_id not in ids
            ):
                ids.append(call.message_id)
        found = (self._api.message(self.chat_id, mid) for mid in ids)
        return [m.snapshot() for m in found if m is not None and not m.deleted]
