"""How long `peerbot run` takes to be ready, and the most memory it holds while it runs.

    python bench/bench_start.py --database-url postgresql+asyncpg://…/peerbot_large
    python bench/bench_start.py                     # a temporary SQLite file

Runs the installed `peerbot run` (polling a local Bot API server in this process) under
`/usr/bin/time -v`, --runs times, each for --hold seconds (its first tick walks the whole
window of upcoming sessions, so hold it past that), then stops it with SIGINT. Prints, per
run and as medians: seconds from launch to its "ready" log line, and the maximum resident
set size. Targets of issue #17: ready under 3 s, under 150 MB. Run it on a database
seed_large built for the figure the issue asks for; it reads, and plans ahead, that
database's ledger.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_database, database_arguments
from bot.localapi import LocalBotApi

READY_TARGET_S, RSS_TARGET_MB = 3.0, 150.0


def _children(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()


async def one_run(url: str, hold: float) -> tuple[float, float]:
    """(seconds to ready, max RSS in MB) of one `peerbot run`."""
    peerbot = shutil.which("peerbot")
    if peerbot is None:
        raise SystemExit("peerbot is not on PATH: pip install -e '.[dev]' first")
    async with LocalBotApi() as api:
        base = f"http://127.0.0.1:{api.port}"
        env = dict(
            os.environ,
            TELEGRAM_BOT_TOKEN=api.token,
            TELEGRAM_BASE_URL=f"{base}/bot",
            TELEGRAM_BASE_FILE_URL=f"{base}/file/bot",
            DATABASE_URL=url,
        )
        started = time.perf_counter()
        child = await asyncio.create_subprocess_exec(
            "/usr/bin/time", "-v", peerbot, "run",
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert child.stderr is not None
        ready: float | None = None
        lines: list[str] = []

        async def read() -> None:
            nonlocal ready
            assert child.stderr is not None
            async for raw in child.stderr:
                line = raw.decode(errors="replace")
                lines.append(line)
                if ready is None and re.search(r"bot \d+ ready", line):
                    ready = time.perf_counter() - started

        reader = asyncio.create_task(read())
        await asyncio.sleep(hold)
        # /usr/bin/time passes no signal on: stop the bot, its only child, as Ctrl-C would.
        for pid in _children(child.pid):
            os.kill(int(pid), signal.SIGINT)
        await child.wait()
        await reader
    rss = [line for line in lines if "Maximum resident set size" in line]
    if not rss or ready is None:
        raise SystemExit("no figure from /usr/bin/time:\n" + "".join(lines[-20:]))
    return ready, int(rss[0].rsplit(":", 1)[1]) / 1024


async def run(url: str, runs: int, hold: float) -> None:
    readies: list[float] = []
    sizes: list[float] = []
    for k in range(1, runs + 1):
        ready, mb = await one_run(url, hold)
        readies.append(ready)
        sizes.append(mb)
        print(f"  run {k}: ready after {ready:.2f} s, max RSS {mb:.0f} MB")
    ready, mb = statistics.median(readies), statistics.median(sizes)
    print(f"ready              {ready:.2f} s median ({ready / READY_TARGET_S:.2f}x the 3 s target)")
    print(f"max RSS            {mb:.0f} MB median ({mb / RSS_TARGET_MB:.2f}x the 150 MB target)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    database_arguments(parser, reset=False)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hold", type=float, default=20.0, help="seconds each run lasts")
    args = parser.parse_args()
    if args.database_url:
        asyncio.run(run(args.database_url, args.runs, args.hold))
        return
    with bench_database(args) as url:
        asyncio.run(run(url, args.runs, args.hold))


if __name__ == "__main__":
    main()
