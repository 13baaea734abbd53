"""outage: the database refused for 10 s in the middle of a burst of due reminders.

    python -m drills.outage [--reminders 2000] [--seconds 10]

Seeds N due hour-before reminders in a fresh PostgreSQL database on 127.0.0.1
(peerbot_drill_outage_<pid>, dropped after) and runs `peerbot run` (polling,
SCHEDULER_TICK_SECONDS=1) against the local Bot API server in this process. The bot
reaches PostgreSQL through a TCP relay in this process: once the burst is under way the
relay cuts every connection and refuses new ones for `--seconds`, as a restart or a
failover would, then lets them through again. Prints one line; exits 1 when a promise
fails (SPEC §7): lost 0, duplicates <= 1, and the bot still running when it is over.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

from sqlalchemy.engine import make_url

from drills.common import (
    drill_arguments,
    free_port,
    lost_and_duplicates,
    peerbot_env,
    received,
    reminder_burst,
    run_drill,
    start_peerbot,
    stop_peerbot,
    verdict,
)

SLACK = 60.0


class Relay:
    """A TCP relay to PostgreSQL that can refuse everything for a while."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.refusing = False
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> Relay:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        return self

    async def __aexit__(self, *_: object) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def cut(self) -> None:
        """Close every connection now (the database went away)."""
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refusing:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}
        await asyncio.gather(
            self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()


async def drill(n: int, seconds: float, log: Path) -> int:
    async with reminder_burst("outage", n) as (api, url, _):
        target = make_url(url)
        async with Relay(target.port or 5432) as relay:
            via_relay = target.set(port=relay.port).render_as_string(hide_password=False)
            child = start_peerbot(peerbot_env(api, via_relay), log)
            started = time.monotonic()
            loop = asyncio.get_running_loop()
            try:
                # The burst is under way: a tenth of the reminders have gone out.
                await api.wait_for(lambda: len(received(api, n)) >= n // 10, loop.time() + 120)
                sent_before = len(received(api, n))
                relay.refusing = True
                relay.cut()
                await asyncio.sleep(seconds)
                relay.refusing = False
                # Caught up within a lease (claims of a cut connection run out) and the slack.
                await api.wait_for(lambda: len(received(api, n)) >= n, loop.time() + 300 + SLACK)
                await asyncio.sleep(3)  # room for a late duplicate to show
                alive = child.poll() is None
            finally:
                await stop_peerbot(child)
            elapsed = time.monotonic() - started
    got = received(api, n)
    lost, duplicates = lost_and_duplicates(got, n)
    ok = lost == 0 and duplicates <= 1 and alive
    return verdict(
        "outage",
        ok,
        reminders=n,
        refused_for=f"{seconds:.0f}s",
        sent_before_outage=sent_before,
        lost=lost,
        duplicates=duplicates,
        bot_still_running=alive,
        elapsed=f"{elapsed:.0f}s",
    )


def main() -> None:
    parser = drill_arguments(__doc__, reminders=2000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    run_drill(args.log, lambda log: drill(args.reminders, args.seconds, log))


if __name__ == "__main__":
    main()
