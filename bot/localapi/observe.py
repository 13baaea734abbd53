"""What tests read from the local server: what the bot sent, and whether it is done."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from .methods import BotApiMethods
from .models import ApiCall, BotMessage, StoredFile
from .params import canonical_scope

# until_idle(): how many times the loop must run with nothing changing before idle counts.
# busy() is exact for what it covers; the turns let a callback already scheduled (a job
# just fired, a task just created) run and show itself before the test goes on.
_IDLE_YIELDS = 3

# Says what the bot is busy with that HTTP does not show (None when nothing); see add_probe().
BusyProbe = Callable[[], str | None]


class Observation(BotApiMethods):
    """The chats, calls and files the bot made, and whether it has finished every update."""

    def __init__(self, token: str, bot_username: str, bot_first_name: str) -> None:
        super().__init__(token, bot_username, bot_first_name)
        # Bot API requests being answered (getUpdates aside), and what the bots say they do.
        self._in_flight = 0
        self._probes: list[BusyProbe] = []

    def add_probe(self, probe: BusyProbe) -> Callable[[], None]:
        """Count the bot busy while ``probe()`` names something; returns the undo.

        The server sees the bot's requests but not the work between them (a database query
        between two sends), so a bot's own process must say when it is busy - see
        ``watch_application``.  Whoever owns a probe calls notify() when its answer changes.
        """
        self._probes.append(probe)
        self.notify()

        def remove() -> None:
            if probe in self._probes:
                self._probes.remove(probe)
                self.notify()

        return remove

    @property
    def watched(self) -> bool:
        """Whether some bot reports its work here, so that busy() covers all of it."""
        return bool(self._probes)

    def busy(self) -> str | None:
        """What the bot is still doing, or None when it has finished with every update.

        Finished means: every update was taken (a later getUpdates confirmed it, or the
        webhook POST returned), no Bot API request is being answered, and every probe is
        quiet (no update being processed, no job running).  Only complete when ``watched``.
        """
        if self._updates:
            return f"update {self._updates[0].update_id} is not confirmed by the bot yet"
        if self._in_flight:
            return f"{self._in_flight} Bot API request(s) are being answered"
        for probe in self._probes:
            if (doing := probe()) is not None:
                return doing
        return None

    async def until_idle(self, deadline: float) -> bool:
        """Wait until busy() is None with nothing changing for a few loop turns; False when
        the loop time passes ``deadline`` first."""
        while await self.wait_for(lambda: self.busy() is None, deadline):
            changes = self._changes
            for _ in range(_IDLE_YIELDS):
                await asyncio.sleep(0)
            if changes == self._changes and self.busy() is None:
                return True
        return False

    # -- inspection ------------------------------------------------------------------

    def chat(self, chat_id: int) -> list[BotMessage]:
        """Snapshots of every message the bot sent to the chat, edits applied."""
        return [self._messages[(chat_id, m)].snapshot() for m in self._chat_order.get(chat_id, [])]

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        return list(self._commands.get((canonical_scope(scope), language_code), []))

    @property
    def files(self) -> dict[str, StoredFile]:
        """Uploaded (or referenced) files by file_id; ``.data`` holds the bytes."""
        return dict(self._files)

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method.lower() == method.lower()]
