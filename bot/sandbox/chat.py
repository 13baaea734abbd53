"""Playing the sandbox's people: typed lines become messages and button presses."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import N_, _, _n
from bot.localapi import LocalBotApi
from bot.localapi.models import MESSAGE_METHODS
from bot.sandbox.screen import Actor, Screen

# The bot may take a while the first time it draws a chart; a reply later than this is
# still printed, just after the next prompt.
REPLY_SECONDS = 20.0
# How long every chat must stay quiet before an action counts as answered: a peer's
# request can make the bot write to their peer worker as well.
QUIET_SECONDS = 0.15
MAX_WAIT_SECONDS = 3600.0
DATE_PLACEHOLDER = re.compile(r"\{date(?:([+-])(\d{1,3}))?\}")
ROLE_WORDS = {
    "coordinator": "coordinator",
    "worker": "worker",
    "peer worker": "worker",
    "peerworker": "worker",
    "peer": "peer",
}
# Who you are, in the help and after /as: whole sentences for each role (a title slotted
# into one sentence would carry English grammar into the other languages).
YOU_ARE = {
    "coordinator": (
        N_("You are {name}, the coordinator"),
        N_("(you are now {name}, the coordinator)"),
    ),
    "worker": (
        N_("You are {name}, the peer worker"),
        N_("(you are now {name}, the peer worker)"),
    ),
    "peer": (N_("You are {name}, the peer"), N_("(you are now {name}, the peer)")),
}
# The sandbox's own commands (/press, /as …, /wait, /quit) stay as they are typed.
HELP = N_(
    "{you_are}: type what they would send the bot; "
    "1, 2, … or [button text] presses a button of the latest message with buttons.\n"
    "/press 3 2 presses the second button of the third message back, to try an older one; "
    "/as coordinator|worker|peer switches who you are; /wait N lets N seconds pass; "
    "\\text sends text as it is; /quit (or Ctrl-D) leaves."
)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@dataclass(eq=False)
class Chat:
    """The sandbox's side of the conversation, one action at a time."""

    api: LocalBotApi
    screen: Screen
    clock: Callable[[], datetime]
    tz: ZoneInfo
    _: KW_ONLY
    speed: float
    echo: bool
    # Waits until what has fallen due is sent (the runner reads the delivery ledger).
    sent_what_is_due: Callable[[], Awaitable[None]] | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)
    current: Actor | None = field(default=None, init=False)
    _calls_scanned: int = field(default=0, init=False)
    _message_calls: int = field(default=0, init=False)
    # How many message calls had happened at the last print: the watcher wakes for more.
    _printed_calls: int = field(default=0, init=False)

    # -- the actors ---------------------------------------------------------------------

    def cast(self, actors: list[Actor], current: str = "peer") -> None:
        self.screen.actors = actors
        self.current = self.actor(current)

    def actor(self, role: str) -> Actor:
        return next(a for a in self.screen.actors if a.role == role)

    def help_line(self) -> str:
        assert self.current is not None
        you_are = _(YOU_ARE[self.current.role][0], name=self.current.name)
        return _(HELP, you_are=you_are)

    # -- one line of input -----------------------------------------------------------

    async def handle(self, raw: str) -> bool:
        """Act on one typed or scripted line; False when the person wants to leave."""
        line = raw.strip()
        if not line:
            if self.echo:
                self.screen.say()
            return True
        if line.startswith("#"):
            if self.echo:
                self.screen.say(line)
            return True
        word, rest = line.partition(" ")[::2]
        command = word.casefold()
        if command in ("/quit", "/exit"):
            return False
        if command == "/as":
            self._switch(rest)
            return True
        # A bare "wait 30" only in the script sense; "wait for me" still goes to the bot.
        if command == "/wait" or (command == "wait" and _is_number(rest)):
            await self.wait(rest)
            return True
        assert self.current is not None
        if command == "/press":
            await self._press_back(self.current, rest, typed=line)
            return True
        has_buttons = self.screen.keyboard(self.current) is not None
        if (line.isdigit() and has_buttons) or (
            line.startswith("[") and line.endswith("]") and len(line) > 2
        ):
            await self.press(self.current, line.strip("[]").strip(), typed=line)
            return True
        if line.startswith("\\"):
            line = line[1:]
        await self.send(self.current, self.fill_dates(line))
        if command == "/help":
            # The bot's help says what it can do; the sandbox's, how to play it.
            self.screen.say(_("(sandbox: {help})", help=self.help_line()))
        return True

    async def _press_back(self, actor: Actor, rest: str, *, typed: str) -> None:
        count, choice = rest.strip().partition(" ")[::2]
        choice = choice.strip().strip("[]").strip()
        if not count.isdigit() or not choice:
            if self.echo:
                self.screen.say(f"{actor.prompt}> {typed}")
            self.screen.say(
                _(
                    "(/press needs which message back and which button, for example /press 3 2 "
                    "(the third message back, its second button) or /press 2 [Accept])"
                )
            )
            return
        await self.press(actor, choice, typed=typed, back=int(count))

    def fill_dates(self, text: str) -> str:
        """`{date+7}` → the date 7 days from the sandbox's today (scripts stay valid)."""
        today = self.clock().astimezone(self.tz).date()

        def date(match: re.Match[str]) -> str:
            days = int(match.group(2) or 0) * (-1 if match.group(1) == "-" else 1)
            return (today + timedelta(days=days)).isoformat()

        return DATE_PLACEHOLDER.sub(date, text)

    def _switch(self, rest: str) -> None:
        wanted = " ".join(rest.casefold().split())
        role = ROLE_WORDS.get(wanted)
        by_name = [a for a in self.screen.actors if a.name.casefold() == wanted]
        if role is None and len(by_name) == 1:
            role = by_name[0].role
        if self.echo and self.current is not None:
            self.screen.say(f"{self.current.prompt}> /as {rest}".rstrip())
        if role is None:
            # The roles are /as's keywords, typed as they are.
            roles = " | ".join(a.role for a in self.screen.actors)
            people = ", ".join(f"{a.role} ({a.name})" for a in self.screen.actors)
            self.screen.say(_("(who? /as {roles}: {people})", roles=roles, people=people))
            return
        self.current = self.actor(role)
        self.screen.say(_(YOU_ARE[role][1], name=self.current.name))

    # -- actions -------------------------------------------------------------------------

    async def send(self, actor: Actor, text: str, *, shown: str | None = None) -> None:
        """Send `text` as `actor` and print everything the bot does about it."""
        async with self.lock:
            if self.echo:
                self.screen.say(f"{actor.prompt}> {shown or text}")
            self.screen.typed.setdefault(actor.person.chat_id, []).append(text)
            try:
                await actor.person.send(text, timeout=REPLY_SECONDS)
            except AssertionError:
                self.screen.say(_("(no answer from the bot yet)"))
            await self.settle()
            self.drain(actor)

    async def press(
        self, actor: Actor, choice: str, *, typed: str, back: int | None = None
    ) -> None:
        """Press a button of the latest message with buttons in `actor`'s chat (or of the
        message `back` messages back)."""
        async with self.lock:
            found = self.screen.find_button(actor, choice, back=back)
            if isinstance(found, str):
                if self.echo:
                    self.screen.say(f"{actor.prompt}> {typed}")
                self.screen.say(f"({found})")
                return
            message, button = found
            # A script prints what a person at the keyboard sees: what they typed, then
            # which button that pressed.
            if self.echo:
                self.screen.say(f"{actor.prompt}> {typed}")
            if typed != f"[{button.text}]":
                self.screen.say(f"→ [{button.text}]")
            assert button.callback_data is not None
            try:
                await actor.person.press_data(
                    button.callback_data, message=message, timeout=REPLY_SECONDS
                )
            except AssertionError:
                self.screen.say(_("(no answer from the bot yet)"))
            await self.settle()
            if answer := actor.person.last_answer:
                self.screen.pop_up(answer)
            self.drain(actor)

    async def wait(self, rest: str) -> None:
        """Let time pass; messages the bot sends on its own meanwhile are printed."""
        try:
            seconds = float(rest)
        except ValueError:
            seconds = -1.0
        if not 0 <= seconds <= MAX_WAIT_SECONDS:
            self.screen.say(_("(/wait needs a number of seconds, for example /wait 30)"))
            return
        bot_minutes = round(seconds * self.speed / 60)
        self.screen.say(
            _n(
                "(waiting {seconds} s: {n} minute passes for the bot)",
                "(waiting {seconds} s: {n} minutes pass for the bot)",
                bot_minutes,
                seconds=f"{seconds:g}",
            )
        )
        await asyncio.sleep(seconds)
        # What fell due meanwhile is printed now, however long a slow machine takes over
        # it (a toolbox's PDF), not after the next line.
        if self.sent_what_is_due is not None:
            await self.sent_what_is_due()
            async with self.lock:
                await self.settle()
                self.drain(None, on_its_own=True)

    # -- messages the bot sends on its own ----------------------------------------------

    async def watch(self) -> None:
        """Print what the bot sends while nobody is acting (reminders, summaries, digests)."""
        loop = asyncio.get_running_loop()
        while True:
            await self.api.wait_for(
                lambda: self._count_message_calls() > self._printed_calls,
                loop.time() + MAX_WAIT_SECONDS,
            )
            async with self.lock:
                if self._count_message_calls() > self._printed_calls:
                    await self.settle()
                    self.drain(None, on_its_own=True)

    def drain(self, acting: Actor | None, *, on_its_own: bool = False) -> None:
        """Print what is new; call with the lock held."""
        self._printed_calls = self._count_message_calls()
        self.screen.drain(acting, on_its_own=on_its_own)

    def _count_message_calls(self) -> int:
        # Incremental: the call log only grows, and this runs on every change.
        calls = self.api.calls
        for call in calls[self._calls_scanned :]:
            if call.method in MESSAGE_METHODS:
                self._message_calls += 1
        self._calls_scanned = len(calls)
        return self._message_calls

    async def settle(self) -> None:
        """Wait until the bot has finished with what was just sent."""
        loop = asyncio.get_running_loop()
        hard_stop = loop.time() + REPLY_SECONDS
        if self.api.watched:
            await self.api.until_idle(hard_stop)
            return
        while True:
            count = self._count_message_calls()
            quiet_until = min(loop.time() + QUIET_SECONDS, hard_stop)

            def more(seen: int = count) -> bool:
                return self._count_message_calls() > seen

            grew = await self.api.wait_for(more, quiet_until)
            if not grew:
                return
