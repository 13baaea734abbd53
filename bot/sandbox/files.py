"""Names for the files the sandbox saves: they say what each file is.

`invite-qr-sam.png`, `digest-2026-12-07.png` and `.csv`, `calendar.ics`, `mydata.json`;
numbered (`calendar-2.ics`) only when the name is taken, so nothing is ever overwritten.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.localapi import BotMessage

_UNSAFE = re.compile(r"[^a-z0-9._-]+")
# What a document is, by the kind of file the bot made.
_DOCUMENTS = {".ics": "calendar", ".json": "mydata"}
CHART_LOOKAHEAD = 3


def slug(text: str) -> str:
    return _UNSAFE.sub("-", text.casefold()).strip(".-")


def _suffix(message: BotMessage) -> str:
    data = message.file.data if message.file is not None else None
    if data and data.startswith(b"\x89PNG"):
        return ".png"
    if data and data.startswith(b"\xff\xd8"):
        return ".jpg"
    if message.filename and "." in message.filename:
        return "." + slug(message.filename.rsplit(".", 1)[1])
    return ".bin"


def invited(typed: list[str]) -> str | None:
    """Whom the invitation just handed out is for, from what its sender typed last:
    `/addpeer Sam` (or `/addpeer`, then `Sam`) is for Sam, `/invite` for a peer worker."""
    lines = typed[-2:] if typed and not typed[-1].startswith("/") else typed[-1:]
    for at, line in enumerate(lines):
        command, _, name = line.partition(" ")
        if command.casefold() == "/addpeer":
            return slug(name or " ".join(lines[at + 1 :])) or None
        if command.casefold() == "/invite":
            return "worker"
    return None


def stem_for(message: BotMessage, chat: list[BotMessage], typed: list[str]) -> str:
    """A name (without its suffix) that says what the message's file is.

    `chat` is every message of that chat in order; `typed` what its person typed."""
    suffix = _suffix(message)
    if message.kind != "photo":
        if suffix in _DOCUMENTS:
            return _DOCUMENTS[suffix]
        filename = Path(message.filename or "").name
        return slug(filename.rsplit(".", 1)[0]) or "file"
    at = next(i for i, m in enumerate(chat) if m.message_id == message.message_id)
    # A chart comes just before the CSV of the same figures (another digest may come
    # between): it takes the CSV's name.
    for after in chat[at + 1 : at + 1 + CHART_LOOKAHEAD]:
        if after.kind == "document" and (after.filename or "").endswith(".csv"):
            return stem_for(after, chat, typed)
    before = chat[at - 1] if at > 0 else None
    if before is not None and "?start=" in (before.text or ""):
        whom = invited(typed)
        return f"invite-qr-{whom}" if whom else "invite-qr"
    return "picture"


def save(directory: Path, stem: str, suffix: str, data: bytes) -> Path:
    """Write `data` as `stem+suffix` in `directory`, numbered only if that name is taken."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{stem}{suffix}"
    counter = 1
    # Never overwrite: an earlier run's files may still be wanted.
    while path.exists():
        counter += 1
        path = directory / f"{stem}-{counter}{suffix}"
    path.write_bytes(data)
    return path


def save_file(
    directory: Path, message: BotMessage, chat: list[BotMessage], typed: list[str]
) -> Path:
    assert message.file is not None and message.file.data is not None
    return save(directory, stem_for(message, chat, typed), _suffix(message), message.file.data)
