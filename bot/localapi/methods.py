"""Bot API method semantics over in-memory state (no HTTP here).

Handlers take the decoded parameters and uploads, return the ``result``
value, and raise ``ApiError`` with Telegram's own wording where we know it,
so PTB raises the same exception types it would against api.telegram.org.
"""

from __future__ import annotations

import asyncio
import mimetypes
import time
from collections.abc import Callable
from typing import Any

from .account import AccountMethods
from .models import ApiCall, ApiError, BotMessage, CallbackRecord, PendingUpdate, StoredFile, Upload
from .params import check_markup, inline_markup, png_size, require_chat_id, require_int

Handler = Callable[[dict[str, Any], dict[str, Upload]], Any]


class BotApiMethods(AccountMethods):
    """State of one fake Telegram bot account and the methods acting on it."""

    def __init__(self, token: str, bot_username: str, bot_first_name: str) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        head = token.split(":", 1)[0]
        self.bot_id = int(head) if head.isdigit() else 123456
        self.calls: list[ApiCall] = []
        self.webhook_url = ""
        self._updates: list[PendingUpdate] = []
        self._next_update_id = 1
        self._next_message_id: dict[int, int] = {}
        self._messages: dict[tuple[int, int], BotMessage] = {}
        self._chat_order: dict[int, list[int]] = {}
        self._incoming: set[tuple[int, int]] = set()
        self._files: dict[str, StoredFile] = {}
        self._queries: dict[str, CallbackRecord] = {}
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        # Replaced on every change; waiters grab the current one and await it.
        self._changed = asyncio.Event()
        self._changes = 0  # how many times it was replaced
        self.handlers: dict[str, tuple[str, Handler]] = {}
        for name, fn in {
            "getMe": self._get_me,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "close": lambda p, u: True,
            "logOut": lambda p, u: True,
            "sendChatAction": self._send_chat_action,
            "sendMessage": self._send_message,
            "sendPhoto": lambda p, u: self._send_file("photo", p, u),
            "sendDocument": lambda p, u: self._send_file("document", p, u),
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "getFile": self._get_file,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
        }.items():
            self.handlers[name.lower()] = (name, fn)

    # -- shared state helpers -------------------------------------------------

    async def wait_for(self, predicate: Callable[[], bool], deadline: float) -> bool:
        """Wait (event-driven) until ``predicate()`` holds or the loop time passes deadline."""
        loop = asyncio.get_running_loop()
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            changed = self._changed
            try:
                async with asyncio.timeout(remaining):
                    await changed.wait()
            except TimeoutError:
                return predicate()
        return True

    def _bump(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        self._changes += 1
        event.set()

    def notify(self) -> None:
        """Wake everyone waiting in wait_for(): something they may test has changed."""
        self._bump()

    def chat_json(self, chat_id: int) -> dict[str, Any]:
        user = self._users.get(chat_id)
        if user is None:
            return {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
        chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if key in user:
                chat[key] = user[key]
        return chat

    def next_message_id(self, chat_id: int) -> int:
        # Per chat and shared by both sides, as in Telegram private chats.
        mid = self._next_message_id.get(chat_id, 0) + 1
        self._next_message_id[chat_id] = mid
        return mid

    def enqueue_update(self, kind: str, payload: dict[str, Any]) -> PendingUpdate:
        update = PendingUpdate(self._next_update_id, {kind: payload})
        update.payload["update_id"] = update.update_id
        self._next_update_id += 1
        self._updates.append(update)
        self._bump()
        return update

    def message(self, chat_id: int, message_id: int) -> BotMessage | None:
        return self._messages.get((chat_id, message_id))

    # -- methods ---------------------------------------------------------------

    def _store(self, chat_id: int, msg: BotMessage) -> Any:
        self._messages[(chat_id, msg.message_id)] = msg
        self._chat_order.setdefault(chat_id, []).append(msg.message_id)
        return msg.to_api(self.bot_user, self.chat_json(chat_id))

    def _send_message(self, p: dict[str, Any], u: dict[str, Upload]) -> Any:
        chat_id = require_chat_id(p)
        text = p.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        msg = BotMessage(
            message_id=self.next_message_id(chat_id),
            chat_id=chat_id,
            kind="text",
            text=text,
            date=int(time.time()),
            reply_markup=check_markup(p.get("reply_markup")),
            parse_mode=p.get("parse_mode"),
            entities=p.get("entities"),
        )
        return self._store(chat_id, msg)

    def _file_param(self, kind: str, p: dict[str, Any], u: dict[str, Upload]) -> StoredFile:
        value = p.get(kind)
        upload = u.get(kind)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = u.get(value.removeprefix("attach://"))
            if upload is None:
                raise ApiError(400, f"Bad Request: can't find attached file {value[9:]!r}")
        n = len(self._files) + 1
        file_id, unique = f"{kind.upper()}-{n:06d}-local", f"u{kind[0]}{n:06d}"
        if upload is not None:
            if not upload.data:
                raise ApiError(400, "Bad Request: file must be non-empty")
            mime = upload.content_type
            if not mime or mime == "application/octet-stream":
                mime = mimetypes.guess_type(upload.filename or "")[0] or mime
            stored = StoredFile(file_id, unique, kind, upload.data, upload.filename, mime)
            stored.width, stored.height = png_size(upload.data) or (1, 1)
        elif isinstance(value, str) and value:
            if value in self._files:  # re-sending a known file_id reuses the file
                return self._files[value]
            # An unknown file_id or URL: recorded, never fetched.
            stored = StoredFile(file_id, unique, kind, None, source=value)
        else:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        self._files[file_id] = stored
        return stored

    def _send_file(self, kind: str, p: dict[str, Any], u: dict[str, Upload]) -> Any:
        chat_id = require_chat_id(p)
        caption = p.get("caption")
        if isinstance(caption, str) and len(caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        markup = check_markup(p.get("reply_markup"))
        stored = self._file_param(kind, p, u)
        msg = BotMessage(
            message_id=self.next_message_id(chat_id),
            chat_id=chat_id,
            kind=kind,
            text=caption or None,
            date=int(time.time()),
            reply_markup=markup,
            parse_mode=p.get("parse_mode"),
            entities=p.get("caption_entities"),
            file=stored,
        )
        return self._store(chat_id, msg)

    def _edit_target(self, p: dict[str, Any]) -> BotMessage:
        if p.get("inline_message_id"):
            raise ApiError(400, "Bad Request: inline messages are not supported here")
        chat_id = require_chat_id(p)
        mid = require_int(p, "message_id", "message identifier is not specified")
        msg = self._messages.get((chat_id, mid))
        if msg is None or msg.deleted:
            raise ApiError(400, "Bad Request: message to edit not found")
        markup = check_markup(p.get("reply_markup"))
        if markup is not None and inline_markup(markup) is None:
            raise ApiError(400, "Bad Request: inline keyboard expected")
        return msg

    def _apply_edit(self, msg: BotMessage, same: bool, **changes: Any) -> Any:
        if same:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        for name, value in changes.items():
            setattr(msg, name, value)
        msg.edits += 1
        msg.edit_date = int(time.time())
        return msg.to_api(self.bot_user, self.chat_json(msg.chat_id))

    def _edit_message_text(self, p: dict[str, Any], u: dict[str, Upload]) -> Any:
        msg = self._edit_target(p)
        text = p.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if msg.kind != "text":
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        # Like Telegram, an edit without reply_markup removes the inline keyboard.
        markup, entities, mode = p.get("reply_markup"), p.get("entities"), p.get("parse_mode")
        same = (text, markup, entities, mode) == (
            msg.text,
            inline_markup(msg.reply_markup),
            msg.entities,
            msg.parse_mode,
        )
        return self._apply_edit(
            msg, same, text=text, reply_markup=markup, entities=entities, parse_mode=mode
        )

    def _edit_message_caption(self, p: dict[str, Any], u: dict[str, Upload]) -> Any:
        msg = self._edit_target(p)
        if msg.kind == "text":
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption, markup = p.get("caption") or None, p.get("reply_markup")
        same = (caption, markup) == (msg.text, inline_markup(msg.reply_markup))
        return self._apply_edit(
            msg, same, text=caption, reply_markup=markup, parse_mode=p.get("parse_mode")
        )

    def _edit_message_reply_markup(self, p: dict[str, Any], u: dict[str, Upload]) -> Any:
        msg = self._edit_target(p)
        markup = p.get("reply_markup")
        return self._apply_edit(msg, markup == inline_markup(msg.reply_markup), reply_markup=markup)

    def _delete_message(self, p: dict[str, Any], u: dict[str, Upload]) -> Any:
        chat_id = require_chat_id(p)
        mid = require_int(p, "message_id", "message identifier is not specified")
        msg = self._messages.get((chat_id, mid))
        if msg is not None and not msg.deleted:
            msg.deleted = True
            return True
        if (chat_id, mid) in self._incoming:
            self._incoming.discard((chat_id, mid))
            return True
        raise ApiError(400, "Bad Request: message to delete not found")

    def _answer_callback_query(self, p: dict[str, Any], u: dict[str, Upload]) -> Any:
        record = self._queries.get(str(p.get("callback_query_id", "")))
        if record is None or record.answered:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        record.answered = True
        record.answer_text = p.get("text") or None
        record.show_alert = bool(p.get("show_alert"))
        record.url = p.get("url")
        return True

    def _get_file(self, p: dict[str, Any], u: dict[str, Upload]) -> Any:
        stored = self._files.get(str(p.get("file_id", "")))
        if stored is None or stored.data is None:
            raise ApiError(400, "Bad Request: wrong file_id or the file is temporarily unavailable")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    def file_by_path(self, path: str) -> StoredFile | None:
        return next((f for f in self._files.values() if f.file_path == path), None)
