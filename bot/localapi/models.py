"""Dataclasses for the state the local Bot API server keeps.

Everything here is plain data; behaviour lives in ``methods`` (Bot API
semantics), ``server`` (HTTP) and ``people`` (test actors).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from bot.messages import MESSAGE_SENDING

# Methods whose calls create, change or remove a message in a chat.  Waiting
# logic ("did the bot answer?") and expect_silence() only look at these.
MESSAGE_METHODS = MESSAGE_SENDING | {"deleteMessage"}


def present(**fields: Any) -> dict[str, Any]:
    """The fields that have a value: Telegram leaves the others out of its objects."""
    return {name: value for name, value in fields.items() if value is not None}


class ApiError(Exception):
    """An error answer, shaped like Telegram's ``{"ok": false, ...}``."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body = {"ok": False, "error_code": self.status, "description": self.description}
        return body | present(parameters=self.parameters or None)


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, successful or not."""

    method: str
    params: dict[str, Any]
    status: int
    at: float  # time.monotonic() when the answer was decided
    # Derived at record time so waiters need not re-parse params.
    chat_id: int | None = None
    message_id: int | None = None


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass
class StoredFile:
    """An uploaded file, or a file_id/URL reference recorded without fetching."""

    file_id: str
    file_unique_id: str
    kind: str  # "photo" | "document"
    data: bytes | None
    filename: str | None = None
    mime_type: str | None = None
    source: str | None = None  # the URL / foreign file_id when nothing was uploaded
    width: int = 1
    height: int = 1

    @property
    def size(self) -> int | None:
        return len(self.data) if self.data is not None else None

    @property
    def file_path(self) -> str:
        folder = "photos" if self.kind == "photo" else "documents"
        ext = ""
        if self.filename and "." in self.filename:
            ext = "." + self.filename.rsplit(".", 1)[1]
        elif self.kind == "photo":
            ext = ".jpg"
        return f"{folder}/{self.file_unique_id}{ext}"

    def photo_json(self) -> list[dict[str, Any]]:
        size = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width,
            "height": self.height,
        }
        return [size | present(file_size=self.size)]

    def document_json(self) -> dict[str, Any]:
        doc = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        return doc | present(
            file_name=self.filename or None, mime_type=self.mime_type or None, file_size=self.size
        )


@dataclass
class BotMessage:
    """A message the bot sent, with later edits applied in place."""

    message_id: int
    chat_id: int
    kind: str  # "text" | "photo" | "document"
    text: str | None  # the caption for photo/document messages
    date: int
    reply_markup: dict[str, Any] | None = None
    parse_mode: str | None = None
    entities: list[dict[str, Any]] | None = None
    file: StoredFile | None = None
    edits: int = 0
    edit_date: int | None = None
    deleted: bool = False

    @property
    def photo(self) -> bytes | None:
        return self.file.data if self.file is not None and self.kind == "photo" else None

    @property
    def document(self) -> bytes | None:
        return self.file.data if self.file is not None and self.kind == "document" else None

    @property
    def filename(self) -> str | None:
        return self.file.filename if self.file is not None else None

    @property
    def mime_type(self) -> str | None:
        return self.file.mime_type if self.file is not None else None

    @property
    def buttons(self) -> list[list[Button]]:
        """Inline keyboard rows (or reply-keyboard rows, which have no data)."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        result: list[list[Button]] = []
        for row in rows:
            result.append(
                [
                    Button(text=b)
                    if isinstance(b, str)
                    else Button(b.get("text", ""), b.get("callback_data"), b.get("url"))
                    for b in row
                ]
            )
        return result

    @property
    def has_inline_keyboard(self) -> bool:
        return bool((self.reply_markup or {}).get("inline_keyboard"))

    def button(self, text: str) -> Button:
        """The button whose text equals ``text``, else the one containing it."""
        flat = [b for row in self.buttons for b in row]
        exact = [b for b in flat if b.text == text]
        if exact:
            return exact[0]
        partial = [b for b in flat if text in b.text]
        if len(partial) == 1:
            return partial[0]
        available = ", ".join(repr(b.text) for b in flat) or "none"
        problem = "matches several buttons" if partial else "matches no button"
        raise AssertionError(
            f"{text!r} {problem} on message {self.message_id} in chat {self.chat_id}; "
            f"available buttons: {available}"
        )

    def snapshot(self) -> BotMessage:
        # Callers get copies so a later edit does not rewrite what they saw.
        return copy.deepcopy(self)

    def to_api(self, bot_user: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": chat,
            "from": bot_user,
        }
        text_key, entity_key = (
            ("text", "entities") if self.kind == "text" else ("caption", "caption_entities")
        )
        msg |= present(**{text_key: self.text, entity_key: self.entities or None})
        if self.file is not None:
            if self.kind == "photo":
                msg["photo"] = self.file.photo_json()
            else:
                msg["document"] = self.file.document_json()
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            # Telegram only echoes inline keyboards back on the Message object.
            msg["reply_markup"] = self.reply_markup
        return msg | present(edit_date=self.edit_date)


@dataclass
class PendingUpdate:
    update_id: int
    payload: dict[str, Any]
    # len(calls) when a getUpdates answer first delivered it; None until then.
    fetched_at: int | None = None


@dataclass
class CallbackRecord:
    query_id: str
    chat_id: int
    user_id: int
    message_id: int
    answered: bool = False
    answer_text: str | None = None
    show_alert: bool = False
    url: str | None = None


@dataclass
class FailureRule:
    method: str  # lower-cased
    status: int
    description: str
    retry_after: int | None
    times: int
    chat_id: int | None = None


@dataclass
class DelayRule:
    method: str  # lower-cased
    seconds: float
    times: int


@dataclass
class Upload:
    """A multipart file part as received."""

    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)
