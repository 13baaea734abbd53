"""Turning an HTTP request into typed, checked Bot API parameters.

Telegram accepts the query string, form-urlencoded, multipart and JSON
bodies.  In the form encodings every non-string value arrives as a
JSON-encoded string (that is how PTB's HTTPXRequest sends reply_markup,
commands, ...), so those fields are decoded by name.  Free text (text,
caption, callback data, ...) is never JSON-decoded: a message saying "123"
or "[1]" must stay a string.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from .models import ApiError, Upload

JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "allowed_updates",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "media",
        "results",
        "options",
        "permissions",
        "reaction",
        "input_message_content",
        "menu_button",
        "rights",
    }
)
INT_FIELDS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "user_id",
        "from_chat_id",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
        "max_connections",
        "until_date",
    }
)
# PTB sends fractional timeouts as floats ("0.3"); Telegram tolerates them.
FLOAT_FIELDS = frozenset({"timeout"})
BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "has_spoiler",
        "disable_content_type_detection",
        "show_caption_above_media",
        "allow_paid_broadcast",
    }
)
# chat_id may legitimately be "@channelname"; only numeric strings become ints.
_NUMERIC = re.compile(r"-?\d+")


def _coerce(name: str, value: Any) -> Any:
    if name == "chat_id":
        if isinstance(value, str) and _NUMERIC.fullmatch(value.strip()):
            return int(value)
        return value
    if not isinstance(value, str):
        return value
    if name in JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None
    if name in INT_FIELDS:
        try:
            return int(value)
        except ValueError:
            raise ApiError(400, f'Bad Request: wrong parameter "{name}" specified') from None
    if name in FLOAT_FIELDS:
        try:
            return float(value)
        except ValueError:
            raise ApiError(400, f'Bad Request: wrong parameter "{name}" specified') from None
    if name in BOOL_FIELDS:
        return value.strip().lower() in ("true", "1")
    return value


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """All parameters of a request plus the uploaded file parts (by part name)."""
    raw: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON request body") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON request body must be an object")
            raw.update(body)
        else:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, FileField):
                    uploads[name] = Upload(value.filename, value.content_type, value.file.read())
                elif isinstance(value, bytes | bytearray):
                    raw[name] = bytes(value).decode("utf-8", "replace")
                else:
                    raw[name] = value
    params = {name: _coerce(name, value) for name, value in raw.items()}
    return params, uploads


def loggable(params: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, Any]:
    """Params as recorded in ``calls``: uploads are summarised, not copied."""
    recorded = dict(params)
    for name, up in uploads.items():
        recorded.setdefault(name, f"<upload {up.filename!r}, {len(up.data)} bytes>")
    return recorded


def require_chat_id(params: dict[str, Any]) -> int:
    chat_id = params.get("chat_id")
    if chat_id is None or chat_id == "":
        raise ApiError(400, "Bad Request: chat_id is empty")
    if not isinstance(chat_id, int) or isinstance(chat_id, bool):
        # Only private chats with people exist here; usernames never resolve.
        raise ApiError(400, "Bad Request: chat not found")
    return chat_id


def require_int(params: dict[str, Any], name: str, missing: str) -> int:
    value = params.get(name)
    if value is None:
        raise ApiError(400, f"Bad Request: {missing}")
    if not isinstance(value, int) or isinstance(value, bool):
        raise ApiError(400, f'Bad Request: wrong parameter "{name}" specified')
    return value


_BUTTON_ACTIONS = frozenset(
    {
        "callback_data",
        "url",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


def inline_markup(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    return markup if markup and "inline_keyboard" in markup else None


def check_markup(markup: Any) -> dict[str, Any] | None:
    # Catch the bot-side bugs Telegram would reject (oversized callback data
    # is the classic one) instead of silently accepting them.
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise ApiError(400, "Bad Request: inline keyboard button text must be non-empty")
            if not _BUTTON_ACTIONS & button.keys():
                raise ApiError(400, "Bad Request: text buttons are unallowed in inline keyboards")
            if len(str(button.get("callback_data", "")).encode()) > 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return markup


def canonical_scope(scope: dict[str, Any] | None) -> str:
    scope = dict(scope or {"type": "default"})
    if isinstance(scope.get("chat_id"), str) and scope["chat_id"].lstrip("-").isdigit():
        scope["chat_id"] = int(scope["chat_id"])
    return json.dumps(scope, sort_keys=True, separators=(",", ":"))


def check_commands(commands: Any) -> list[dict[str, Any]]:
    if not isinstance(commands, list):
        raise ApiError(400, "Bad Request: can't parse commands JSON object")
    for cmd in commands:
        if not isinstance(cmd, dict) or not _COMMAND.fullmatch(str(cmd.get("command", ""))):
            raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        if not 1 <= len(str(cmd.get("description", ""))) <= 256:
            raise ApiError(400, "Bad Request: command description is empty or too long")
    return [{"command": c["command"], "description": c["description"]} for c in commands]


def png_size(data: bytes) -> tuple[int, int] | None:
    # Enough to give uploaded PNGs honest PhotoSize dimensions.
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return None
