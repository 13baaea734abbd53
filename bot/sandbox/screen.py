"""The transcript: what the bot sends to the sandbox's people, printed as a chat.

Buttons are numbered so a person can press one by typing its number; pictures and files
are saved to a folder and their paths printed. Every message is printed once, and again
when the bot edits it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.i18n import _
from bot.localapi import BotMessage, Button, LocalBotApi, Person
from bot.localapi.models import MESSAGE_METHODS
from bot.sandbox.files import save_file
from bot.texts.dates import hhmm, short_day

# The transcript's markers ("coordinator Chris> ", "bot> ", "bot → Sam (peer)> ") stay in
# English in every language: they are structure, and scripts and tests read them.
ROLE_TITLES = {"coordinator": "coordinator", "worker": "peer worker", "peer": "peer"}
INDENT = "     "


@dataclass(frozen=True)
class Actor:
    """One of the sandbox's people: the role you switch to with `/as <role>`."""

    role: str
    name: str
    person: Person

    @property
    def prompt(self) -> str:
        return f"{self.role} {self.name}"

    @property
    def title(self) -> str:
        return f"{self.name} ({ROLE_TITLES[self.role]})"


def pressable(message: BotMessage) -> list[Button]:
    """The buttons a number can press, in reading order (link buttons never reach the bot)."""
    return [b for row in message.buttons for b in row if b.callback_data is not None]


@dataclass(eq=False)
class Screen:
    """Prints new and edited bot messages in the sandbox people's chats."""

    api: LocalBotApi
    files_dir: Path
    clock: Callable[[], datetime]
    tz: ZoneInfo
    out: Callable[[str], None]
    actors: list[Actor] = field(default_factory=list, init=False)
    # (chat, message) -> edits already printed; deleted messages are remembered too.
    _printed: dict[tuple[int, int], int] = field(default_factory=dict, init=False)
    _gone: set[tuple[int, int]] = field(default_factory=set, init=False)
    # chat -> the latest printed message with buttons: what typing a number presses.
    _keyboards: dict[int, int] = field(default_factory=dict, init=False)
    _saved: dict[str, Path] = field(default_factory=dict, init=False)
    # chat -> the lines its person typed, oldest first: saved files are named after them.
    typed: dict[int, list[str]] = field(default_factory=dict, init=False)
    _calls_seen: int = field(default=0, init=False)

    # -- what a person can press ----------------------------------------------------

    def keyboard(self, actor: Actor) -> BotMessage | None:
        """The message whose buttons typing a number presses, as it is now."""
        message_id = self._keyboards.get(actor.person.chat_id)
        if message_id is None:
            return None
        message = self.api.message(actor.person.chat_id, message_id)
        if message is None or message.deleted or not pressable(message):
            return None
        return message

    def back(self, actor: Actor, count: int) -> BotMessage | None:
        """The message `count` back in `actor`'s chat (1: the latest shown), as it is now."""
        shown = [
            m
            for m in self.api.chat(actor.person.chat_id)
            if (m.chat_id, m.message_id) in self._printed and not m.deleted
        ]
        return shown[-count] if 1 <= count <= len(shown) else None

    def find_button(
        self, actor: Actor, choice: str, *, back: int | None = None
    ) -> tuple[BotMessage, Button] | str:
        """The button `choice` names (its number or part of its text), or why there is none;
        on the latest message with buttons, or on the message `back` messages back."""
        if back is None:
            message = self.keyboard(actor)
            if message is None:
                return _("There are no buttons to press in {name}'s chat.", name=actor.name)
        else:
            message = self.back(actor, back)
            if message is None:
                return _("{name}'s chat has no message {back} back.", name=actor.name, back=back)
            if not pressable(message):
                return _(
                    "Message {back} back in {name}'s chat has no buttons.",
                    name=actor.name,
                    back=back,
                )
        buttons = pressable(message)
        if choice.isdigit():
            number = int(choice)
            if 1 <= number <= len(buttons):
                return message, buttons[number - 1]
            return _(
                "Pick a button from 1 to {last}, or type \\{number} to send it as text.",
                last=len(buttons),
                number=number,
            )
        wanted = choice.casefold()
        exact = [b for b in buttons if b.text.casefold() == wanted]
        partial = [b for b in buttons if wanted in b.text.casefold()]
        found = exact or partial
        if len(found) == 1:
            return message, found[0]
        names = ", ".join(f"[{b.text}]" for b in buttons)
        if found:
            return _(
                "[{choice}] matches several buttons; there are: {names}", choice=choice, names=names
            )
        return _("[{choice}] matches no buttons; there are: {names}", choice=choice, names=names)

    # -- printing ---------------------------------------------------------------------

    def say(self, line: str = "") -> None:
        self.out(line)

    def drain(self, acting: Actor | None, *, on_its_own: bool = False) -> int:
        """Print every message not printed yet (or edited since), in the order the bot
        sent or changed them; returns how many."""
        actors = {a.person.chat_id: a for a in self.actors}
        calls = self.api.calls
        order: list[tuple[int, int]] = []
        for call in calls[self._calls_seen :]:
            key = (call.chat_id or 0, call.message_id or 0)
            if call.method in MESSAGE_METHODS and call.chat_id in actors and key not in order:
                order.append(key)
        self._calls_seen = len(calls)
        # Then anything the call log did not name, so that nothing is ever left out.
        order += [
            (chat, m.message_id)
            for chat in actors
            for m in self.api.chat(chat)
            if (chat, m.message_id) not in order
        ]
        printed = 0
        for chat, message_id in order:
            message = self.api.message(chat, message_id)
            if message is not None and self._show(actors[chat], message, acting, on_its_own):
                printed += 1
        return printed

    def _show(
        self, actor: Actor, message: BotMessage, acting: Actor | None, on_its_own: bool
    ) -> bool:
        key = (message.chat_id, message.message_id)
        if message.deleted:
            if key not in self._printed or key in self._gone:
                return False
            self._gone.add(key)
            removed = _("(removed a message)")
            self.out(f"{self._head(actor, acting, on_its_own)} {removed}")
            return True
        if self._printed.get(key) == message.edits:
            return False
        edited = key in self._printed
        self._printed[key] = message.edits
        self._print_message(self._head(actor, acting, on_its_own, edited=edited), message)
        if pressable(message):
            self._keyboards[message.chat_id] = message.message_id
        return True

    def pop_up(self, text: str) -> None:
        self.out(f"bot (pop-up)> {text}")

    def _head(
        self, actor: Actor, acting: Actor | None, on_its_own: bool, *, edited: bool = False
    ) -> str:
        edit = " (edited)" if edited else ""
        if not on_its_own and acting is not None and actor.person is acting.person:
            return f"bot{edit}>"
        stamp = ""
        if on_its_own:
            local = self.clock().astimezone(self.tz)
            stamp = f"[{short_day(local.date())} {hhmm(local)}] "
        return f"{stamp}bot{edit} → {actor.title}>"

    def _print_message(self, head: str, message: BotMessage) -> None:
        lines: list[str] = []
        if message.file is not None:
            lines.append(self._file_line(message))
        lines.extend((message.text or "").splitlines())
        number = 0
        for row in message.buttons:
            cells = []
            for button in row:
                if button.callback_data is not None:
                    number += 1
                    cells.append(f"[{number}] {button.text}")
                elif button.url:
                    cells.append(_("[link] {text}: {url}", text=button.text, url=button.url))
            if cells:
                lines.append("   ".join(cells))
        if not lines:
            lines = [_("(an empty message)")]
        self.out(f"{head} {lines[0]}")
        for line in lines[1:]:
            self.out(f"{INDENT}{line}" if line else "")

    def _file_line(self, message: BotMessage) -> str:
        stored = message.file
        assert stored is not None
        picture = message.kind == "photo"
        if stored.data is None:
            source = stored.source or stored.file_id
            if picture:
                return _("[a picture that was not uploaded: {source}]", source=source)
            return _("[a file that was not uploaded: {source}]", source=source)
        path = self._saved.get(stored.file_unique_id)
        if path is None:
            chat = self.api.chat(message.chat_id)
            typed = self.typed.get(message.chat_id, [])
            path = save_file(self.files_dir, message, chat, typed)
            self._saved[stored.file_unique_id] = path
        if picture:
            return _("[picture saved: {path}]", path=path)
        return _("[file saved: {path}]", path=path)
