"""What the benches share: the database they run on (a temporary SQLite file, or a
PostgreSQL database of their own that they empty first), migrated to the newest schema."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from asyncio.subprocess import PIPE
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text

from storage.db import open_database
from storage.migrate import upgrade


def database_arguments(parser: argparse.ArgumentParser, *, reset: bool = True) -> None:
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    if reset:
        parser.add_argument(
            "--reset", action="store_true", help="PostgreSQL: empty the database first"
        )


async def reset_postgresql(url: str) -> None:
    """Drop every table of the database at `url` (a bench's own)."""
    db = open_database(url)
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await db.dispose()


@contextmanager
def bench_database(args: argparse.Namespace, *, sqlite: bool = True) -> Iterator[str]:
    """The migrated database the bench runs on: `--database-url`, emptied first (only with
    `--reset`), or a temporary SQLite file."""
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        if url.startswith("postgresql"):
            if not getattr(args, "reset", False):
                raise SystemExit("PostgreSQL: pass --reset to empty the database for the benchmark")
            asyncio.run(reset_postgresql(url))
        elif not sqlite:
            raise SystemExit("this bench needs a PostgreSQL database (--database-url)")
        upgrade(url)
        yield url


@dataclass
class ApiServer:
    """A local Bot API server in its own process (as Telegram would be elsewhere): its port,
    and what it reports of the calls it took once told to stop (`seen`)."""

    port: int = 0
    seen: dict[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@asynccontextmanager
async def api_server(code: str) -> AsyncIterator[ApiServer]:
    """Run `code` (prints its port, serves until stdin closes, then prints a JSON line)."""
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, stdin=PIPE, stdout=PIPE, cwd=Path(__file__).parent.parent
    )
    assert server.stdin and server.stdout
    found = ApiServer()
    try:
        found.port = int(await server.stdout.readline())
        yield found
        server.stdin.close()
        found.seen = json.loads(await server.stdout.readline())
    finally:
        if server.returncode is None and not server.stdin.is_closing():
            server.stdin.close()
        await server.wait()
